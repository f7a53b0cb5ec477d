"""The fillable PDF (pdf-form): fields named per position and part, filled by program and read back.

pypdf fills the fields as a PDF reader would and ``read_answers`` reads the
file; the page images of the empty form are compared with the printed
worksheet's (poppler's pdftoppm), and its tags with the worksheet's.
"""

from __future__ import annotations

import io
import subprocess

import pytest
from pypdf import PdfReader, PdfWriter

from quizgen import model
from quizgen.assemble import letter_of
from quizgen.manifest import build_id
from quizgen.render import render_html
from quizgen.render.context import worksheet_context
from quizgen.render.form import form_context
from quizgen.render.pdf import render_documents
from quizgen.responses import ResponseError, form_fields, passage_words, read_answers

from .driver import Planned, right_answer, wrong_answer

# Lays out the fillable PDFs with WeasyPrint.
pytestmark = pytest.mark.slow


def _form(worksheet, version) -> bytes:
    ctx = form_context(worksheet, version)
    return render_documents("form", [render_html("worksheet.html.j2", ctx)], ctx["doc"]["stylesheets"], forms=True).pdf


def _sheet(worksheet, version) -> bytes:
    ctx = worksheet_context(worksheet, version, link=False)
    return render_documents("sheet", [render_html("worksheet.html.j2", ctx)], ctx["doc"]["stylesheets"]).pdf


@pytest.fixture(scope="module")
def forms(all_kinds):
    return {v.letter: _form(all_kinds, v) for v in all_kinds.versions}


def _expected_fields(version: model.Version) -> set[str]:
    names = {"name", "class", "date"}
    for item in version.items:
        q = item.question
        names |= set(form_fields(item.number, q.kind, choices=len(getattr(q, "choices", ())),
                                 parts=len(q.pairs) if isinstance(q, model.Matching) else len(item.shuffled),
                                 words=len(passage_words(q.passage)) if isinstance(q, model.MarkTheWords) else 0))
    return names


def test_one_field_per_position_and_part(all_kinds, forms):
    for version in all_kinds.versions:
        fields = PdfReader(io.BytesIO(forms[version.letter])).get_fields()
        assert set(fields) == _expected_fields(version)
        for item in version.items:
            base = f"q{item.number}"
            if item.question.kind in ("single-choice", "true-false"):
                group = fields[base]
                assert group["/FT"] == "/Btn" and "/Kids" in group
                expected = ["True", "False"] if item.question.kind == "true-false" else [
                    letter_of(i) for i in range(len(item.question.choices))]
                assert [str(o) for o in group["/Opt"]] == expected
            elif item.question.kind in ("numeric", "short-answer", "open-response"):
                assert fields[base]["/FT"] == "/Tx"
        assert all(str(f.get("/V", "")) in ("", "/Off") for f in fields.values()), "a field is filled in already"


def _fill(data: bytes, values: dict[str, str]) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    for page in writer.pages:
        writer.update_page_form_field_values(page, values, auto_regenerate=False)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _field_values(item: model.WorksheetItem, planned: Planned) -> tuple[dict[str, str], object]:
    """Return the field values a student's PDF reader writes for ``planned``, and the value read back."""
    n, q, answer = item.number, item.question, planned.answer
    if q.kind == "single-choice":
        return {f"q{n}": f"/{ord(answer) - 65}"}, answer
    if q.kind == "true-false":
        return {f"q{n}": "/0" if answer else "/1"}, answer
    if q.kind == "multiple-response":
        return {f"q{n}-{letter}": "/on" for letter in answer}, tuple(answer)
    if q.kind in ("numeric", "short-answer", "open-response"):
        return {f"q{n}": answer}, answer
    if q.kind == "matching":
        return {f"q{n}-{k}": letter.lower() for k, letter in enumerate(answer, start=1)}, tuple(answer)
    if q.kind == "ordering":
        places = planned.expected
        return {f"q{n}-{k}": str(place) for k, place in enumerate(places, start=1)}, places
    if q.kind == "mark-the-words":
        return {f"q{n}-w{i}": "/on" for i in answer}, planned.expected
    raise TypeError(q.kind)


def test_filled_form_reads_back_as_filled(all_kinds, forms, tmp_path):
    for version in all_kinds.versions:
        values, expected = {"name": "Ada Lovelace", "class": "10B"}, {}
        for item in version.items:
            planned = right_answer(item) if item.number % 2 or item.question.kind == "open-response" else wrong_answer(item)
            fields, value = _field_values(item, planned)
            values.update(fields)
            expected[item.number] = value
        path = tmp_path / f"filled-{version.letter}.pdf"
        path.write_bytes(_fill(forms[version.letter], values))
        response = read_answers(path)
        assert (response.build, response.version, response.student, response.source) == (
            build_id(all_kinds), version.letter, "Ada Lovelace", "pdf-form")
        assert {n: a.value for n, a in response.answers.items()} == expected
        assert [a.kind for a in response.answers.values()] == [i.question.kind for i in version.items]


def test_an_empty_form_reads_as_unanswered_but_needs_a_name(all_kinds, forms, tmp_path):
    version = all_kinds.versions[0]
    path = tmp_path / "empty.pdf"
    path.write_bytes(forms["A"])
    with pytest.raises(Exception, match="was not read") as caught:
        read_answers(path)
    assert "Name field is empty" in " ".join(caught.value.lines())
    path.write_bytes(_fill(forms["A"], {"name": "Ada"}))
    assert all(a.value is None for a in read_answers(path).answers.values())
    ordering = next(i for i in version.items if i.question.kind == "ordering")
    path.write_bytes(_fill(forms["A"], {"name": "Ada", f"q{ordering.number}-1": "first"}))
    with pytest.raises(Exception) as caught:
        read_answers(path)
    assert f"field 'q{ordering.number}-1'" in caught.value.lines()[0] and "whole number" in caught.value.lines()[0]


@pytest.mark.parametrize("typed", ["²", "1²", "⑤"])
def test_a_place_that_only_looks_like_a_digit_is_named_not_a_crash(all_kinds, forms, tmp_path, typed):
    """A superscript two is a digit to str.isdigit but not to int(): the reader names the field."""
    version = all_kinds.versions[0]
    ordering = next(i for i in version.items if i.question.kind == "ordering")
    path = tmp_path / "odd-place.pdf"
    path.write_bytes(_fill(forms["A"], {"name": "Ada", f"q{ordering.number}-1": typed}))
    with pytest.raises(ResponseError) as caught:
        read_answers(path)
    assert f"field 'q{ordering.number}-1'" in caught.value.lines()[0] and "whole number" in caught.value.lines()[0]
    path.write_bytes(_fill(forms["A"], {"name": "Ada", f"q{ordering.number}-1": "٣"}))  # an Arabic-Indic three is a 3
    assert read_answers(path).answers[ordering.number].value[0] == 3


def _pages_as_images(pdf: bytes, tmp_path, stem: str) -> list[bytes]:
    path = tmp_path / f"{stem}.pdf"
    path.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "50", "-gray", str(path), str(tmp_path / stem)], check=True)
    return [p.read_bytes() for p in sorted(tmp_path.glob(f"{stem}-*.pgm"))]


def test_the_empty_form_prints_as_the_worksheet(sampler, tmp_path):
    """Page for page, the empty form's pixels are the worksheet's: the fields add nothing to the print.

    The words of a passage to mark are set one by one in the form (each
    holds a check box), which moves their anti-aliasing by a fraction of a
    pixel: grey levels may differ a little there, nothing more.
    """
    version = sampler.versions[0]
    form = _pages_as_images(_form(sampler, version), tmp_path, "form")
    sheet = _pages_as_images(_sheet(sampler, version), tmp_path, "sheet")
    assert len(form) == len(sheet)
    for number, (a, b) in enumerate(zip(form, sheet), start=1):
        assert len(a) == len(b)
        differing = sum(abs(x - y) > 85 for x, y in zip(a, b))
        assert differing <= 10, f"page {number}: {differing} pixels differ by more than a third of the grey scale"


def test_the_form_is_tagged_like_the_worksheet(sampler):
    version = sampler.versions[0]
    form, sheet = (PdfReader(io.BytesIO(d)).trailer["/Root"] for d in (_form(sampler, version), _sheet(sampler, version)))
    for key in ("/Lang", "/MarkInfo", "/StructTreeRoot", "/ViewerPreferences"):
        assert (key in form) == (key in sheet), key
    if "/Lang" in sheet:
        assert form["/Lang"] == sheet["/Lang"]


def test_the_form_holds_no_answer(sampler, tmp_path):
    from .test_pages import _teacher_texts

    version = sampler.versions[0]
    pdf = _form(sampler, version)
    path = tmp_path / "form.pdf"
    path.write_bytes(pdf)
    text = " ".join(subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout.split())
    printed = " ".join(subprocess.run(["pdftotext", "-", "-"], input=_sheet(sampler, version), capture_output=True,
                                      check=True).stdout.decode().split())
    for item in version.items:
        for secret in _teacher_texts(sampler, item):
            if len(secret) > 12:
                assert secret not in text or secret in printed, item.question.id
    info = PdfReader(io.BytesIO(pdf)).metadata
    assert set(k.lower() for k in info) >= {"/quizgenbuild", "/quizgenversion", "/quizgenkinds"}
    assert info["/quizgenbuild"] == build_id(sampler)


def _render(pdf: bytes, tmp_path, stem: str) -> tuple[list, str]:
    """Render every page at 72 dpi with poppler; return the page images (Pillow, grey) and what poppler said."""
    from PIL import Image

    path = tmp_path / f"{stem}.pdf"
    path.write_bytes(pdf)
    done = subprocess.run(["pdftoppm", "-r", "72", "-gray", "-png", str(path), str(tmp_path / stem)],
                          capture_output=True, text=True, check=True)
    return [Image.open(p).convert("L") for p in sorted(tmp_path.glob(f"{stem}-*.png"))], done.stderr


def test_a_filled_form_renders_its_ticks_without_poppler_complaining(all_kinds, forms, tmp_path):
    """Filled by pypdf (NeedAppearances set), poppler redraws every field from its /DA: a check box without
    one printed "Missing 'Tf' operator in field's DA string" and drew no tick."""
    version = all_kinds.versions[0]
    values = {"name": "Ada Lovelace"}
    for item in version.items:
        values.update(_field_values(item, right_answer(item))[0])
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(forms["A"])))
    for page in writer.pages:
        writer.update_page_form_field_values(page, values, auto_regenerate=True)  # as a PDF reader asks others to redraw
    out = io.BytesIO()
    writer.write(out)
    filled = out.getvalue()
    reader = PdfReader(out)
    assert reader.trailer["/Root"]["/AcroForm"]["/NeedAppearances"].value is True
    for field in (f.get_object() for f in reader.trailer["/Root"]["/AcroForm"]["/Fields"]):
        assert " Tf" in str(field.get("/DA", "")), f"field {field['/T']} has no font in its /DA"
    pages, said = _render(filled, tmp_path, "filled")
    assert not [line for line in said.splitlines() if "DA string" in line], said
    empty, _ = _render(forms["A"], tmp_path, "empty")
    ticked = [(number, widget) for number, page in enumerate(reader.pages) for widget in
              (a.get_object() for a in page.get("/Annots", [])) if str(widget.get("/T", "")) in values
              and str(widget.get("/FT")) == "/Btn" and values[str(widget["/T"])] == "/on"]
    assert ticked, "no check box was ticked: the test tests nothing"
    for number, widget in ticked:
        x1, y1, x2, y2 = (float(c) for c in widget["/Rect"])
        height = float(reader.pages[number].mediabox.height)
        box = (round(min(x1, x2)), round(height - max(y1, y2)), round(max(x1, x2)), round(height - min(y1, y2)))
        ink = [sum((255 - grey) * count for grey, count in enumerate(image.crop(box).histogram()))
               for image in (empty[number], pages[number])]
        # Without a /DA poppler drew nothing: the box was the empty one's, pixel for pixel. A tick fits its
        # box, so over a one-letter word it is small: any added ink counts.
        assert ink[1] > ink[0], f"{widget['/T']}: no tick drawn (ink {ink[0]} empty, {ink[1]} ticked)"


RADIO = 1 << 15  # the /Ff bit of a radio group


def _ink(image, page, widget) -> int:
    """Return the ink (255 - grey, summed) in ``widget``'s rectangle on ``image``, ``page``'s picture at 72 dpi."""
    x1, y1, x2, y2 = (float(c) for c in widget["/Rect"])
    height = float(page.mediabox.height)
    box = (round(min(x1, x2)), round(height - max(y1, y2)), round(max(x1, x2)), round(height - min(y1, y2)))
    return sum((255 - grey) * count for grey, count in enumerate(image.crop(box).histogram()))


def _area(widget) -> float:
    x1, y1, x2, y2 = (float(c) for c in widget["/Rect"])
    return abs(x2 - x1) * abs(y2 - y1)


def _ticked_bubbles(reader) -> list[tuple[int, object]]:
    """Return (page index, widget) of every radio button whose state is on."""
    return [(number, widget) for number, page in enumerate(reader.pages)
            for widget in (a.get_object() for a in page.get("/Annots", []))
            if "/Parent" in widget and int(widget["/Parent"].get_object().get("/Ff", 0)) & RADIO
            and widget.get("/AS", "/Off") != "/Off"]


def _filled_with_right_answers(all_kinds, forms, auto_regenerate) -> bytes:
    version = all_kinds.versions[0]
    values = {"name": "Ada Lovelace"}
    for item in version.items:
        values.update(_field_values(item, right_answer(item))[0])
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(forms["A"])))
    writer.update_page_form_field_values(None, values, auto_regenerate=auto_regenerate)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_every_field_has_its_appearance_and_the_form_asks_no_reader_to_redraw(forms):
    """A form whose fields all carry their looks needs no NeedAppearances: set, it makes poppler redraw every
    field from its value, and a radio group's value written as a string (pypdf does) then draws no bubble."""
    reader = PdfReader(io.BytesIO(forms["A"]))
    assert not reader.trailer["/Root"]["/AcroForm"].get("/NeedAppearances", False)
    widgets = [a.get_object() for page in reader.pages for a in page.get("/Annots", [])]
    widgets = [w for w in widgets if w.get("/Subtype") == "/Widget"]
    assert widgets and all("/N" in w.get("/AP", {}) for w in widgets), "a field has no appearance of its own"


def test_a_ticked_bubble_shows_when_the_filling_program_leaves_the_form_as_it_was(all_kinds, forms, tmp_path):
    """Filled by a program that sets the values and states and leaves the form's NeedAppearances as it found it
    (pypdf with auto_regenerate=None), poppler drew an empty bubble: WeasyPrint set the flag, so poppler redrew
    the group from its /V, which pypdf writes as a string, not the name poppler compares with the state."""
    filled = _filled_with_right_answers(all_kinds, forms, auto_regenerate=None)
    reader = PdfReader(io.BytesIO(filled))
    # The form's own "on" look is a disc the size of the bubble: far more than a third of it inked.
    pages, empty = _assert_ticked_bubbles_inked(filled, forms, tmp_path, 1 / 3)
    name = next(a.get_object() for a in reader.pages[0]["/Annots"] if a.get_object().get("/T") == "name")
    assert _ink(pages[0], reader.pages[0], name) > _ink(empty[0], reader.pages[0], name), "the typed name is not shown"


def test_a_bubble_redrawn_by_the_reader_fills_the_bubble(all_kinds, forms, tmp_path):
    """A reader that sets NeedAppearances and writes the group's value as a name (as the standard has it) makes
    poppler redraw the bubble from its /MK: without a caption that was a dot a fifth of the bubble across."""
    from pypdf.generic import NameObject

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(_filled_with_right_answers(all_kinds, forms, True))))
    for field in (f.get_object() for f in writer.root_object["/AcroForm"]["/Fields"]):
        if int(field.get("/Ff", 0)) & RADIO and "/V" in field:
            field[NameObject("/V")] = NameObject(str(field["/V"]))  # pypdf writes a string (py-pdf/pypdf#3630)
    out = io.BytesIO()
    writer.write(out)
    filled = out.getvalue()
    reader = PdfReader(io.BytesIO(filled))
    assert reader.trailer["/Root"]["/AcroForm"]["/NeedAppearances"].value is True
    _assert_ticked_bubbles_inked(filled, forms, tmp_path, 1 / 8)


def _assert_ticked_bubbles_inked(filled: bytes, forms, tmp_path, share: float):
    """Every ticked bubble of ``filled``, as poppler draws it, has at least ``share`` of its area more ink
    than on the empty form; returns both renderings' pages."""
    reader = PdfReader(io.BytesIO(filled))
    pages, _ = _render(filled, tmp_path, "filled")
    empty, _ = _render(forms["A"], tmp_path, "empty")
    ticked = _ticked_bubbles(reader)
    assert ticked, "no bubble was ticked: the test tests nothing"
    for number, widget in ticked:
        added = _ink(pages[number], reader.pages[number], widget) - _ink(empty[number], reader.pages[number], widget)
        assert added > 255 * _area(widget) * share, f"page {number + 1}: bubble {widget['/Rect']} is not filled in"
    return pages, empty


def _long_choices(worksheet):
    """Return ``worksheet``'s first version with its single choice given seven choices too long for one page."""
    import dataclasses

    version = worksheet.versions[0]
    item = next(i for i in version.items if i.question.kind == "single-choice")
    long = " ".join(["This choice is long on purpose, so that the list of choices is taller than a page."] * 9)
    q = item.question
    choices = tuple(dataclasses.replace(c, text=f"{c.text} {long}") for c in q.choices) + tuple(
        model.Choice(f"Another choice, {n}. {long}", False, "") for n in range(3))
    item = dataclasses.replace(item, question=dataclasses.replace(q, choices=choices))
    items = tuple(item if i.number == item.number else i for i in version.items)
    return dataclasses.replace(worksheet, versions=(dataclasses.replace(version, items=items),)), item


def test_a_radio_group_split_across_pages_is_one_field_and_reads_the_letter_ticked(all_kinds, tmp_path):
    """WeasyPrint starts a radio group afresh on each page: a second field of the same name, whose first
    button was state 0 again, so the choice after the break read as A (or the group as unanswered)."""
    worksheet, item = _long_choices(all_kinds)
    pdf = _form(worksheet, worksheet.versions[0])
    reader = PdfReader(io.BytesIO(pdf))
    name = f"q{item.number}"
    groups = [f.get_object() for f in reader.trailer["/Root"]["/AcroForm"]["/Fields"] if f.get_object().get("/T") == name]
    assert len(groups) == 1, f"{len(groups)} fields named {name}"
    group = groups[0]
    letters = [letter_of(i) for i in range(len(item.question.choices))]
    assert [str(o) for o in group["/Opt"]] == letters
    pages = {reader.get_page_number(kid.get_object()["/P"].get_object()) for kid in group["/Kids"]}
    assert len(pages) == 2, "the choices do not break across pages: the test tests nothing"
    states = [[str(k) for k in kid.get_object()["/AP"]["/N"] if k != "/Off"] for kid in group["/Kids"]]
    assert states == [[f"/{i}"] for i in range(len(letters))]
    for index, letter in enumerate(letters):
        path = tmp_path / f"ticked-{letter}.pdf"
        path.write_bytes(_fill(pdf, {"name": "Ada", name: f"/{index}"}))
        assert read_answers(path).answers[item.number].value == letter


def test_a_form_made_before_split_groups_were_joined_still_reads_the_letter_ticked(all_kinds, tmp_path, monkeypatch):
    """Forms already handed out hold a split group as two fields of one name, each numbering its own buttons
    from 0: the reader takes each field's state through its own export values, and refuses two ticks."""
    from pypdf.generic import NameObject

    from quizgen.render import pdf as render_pdf

    monkeypatch.setattr(render_pdf, "_join_split_radio_groups", lambda form: None)
    worksheet, item = _long_choices(all_kinds)
    old = _form(worksheet, worksheet.versions[0])
    name = f"q{item.number}"

    def tick(states: list[str]) -> bytes:
        """Tick as a PDF reader does: each group of the name gets its own state (or stays Off)."""
        writer = PdfWriter(clone_from=PdfReader(io.BytesIO(_fill(old, {"name": "Ada"}))))
        groups = [f.get_object() for f in writer.root_object["/AcroForm"]["/Fields"] if f.get_object().get("/T") == name]
        assert len(groups) == len(states) == 2, "the old form does not split the group: the test tests nothing"
        for group, state in zip(groups, states):
            group[NameObject("/V")] = NameObject(state)
            for kid in group["/Kids"]:
                kid.get_object()[NameObject("/AS")] = NameObject(state if state in kid.get_object()["/AP"]["/N"] else "/Off")
        out = io.BytesIO()
        writer.write(out)
        return out.getvalue()

    fields = PdfReader(io.BytesIO(old)).trailer["/Root"]["/AcroForm"]["/Fields"]
    first, second = ([str(o) for o in f.get_object()["/Opt"]] for f in fields if f.get_object().get("/T") == name)
    assert first + second == [letter_of(i) for i in range(len(item.question.choices))]
    path = tmp_path / "old.pdf"
    for states, letter in ((["/Off", "/0"], second[0]), (["/0", "/Off"], "A"), ([f"/{len(first) - 1}", "/Off"], first[-1]),
                           (["/Off", f"/{len(second) - 1}"], second[-1]), (["/Off", "/Off"], None)):
        path.write_bytes(tick(states))
        assert read_answers(path).answers[item.number].value == letter, states
    path.write_bytes(tick(["/0", "/0"]))
    with pytest.raises(ResponseError) as caught:
        read_answers(path)
    assert caught.value.lines()[0] == (f"{path}: field '{name}': two choices are ticked, A and {second[0]} (the question"
                                       " runs over two pages): tick one")
