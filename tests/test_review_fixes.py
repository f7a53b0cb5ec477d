"""The issue-22 content review: each correction reaches the answer key and every export.

The review (banks/REVIEW.md) corrected twelve questions and decided three
lower-confidence points. For each, a few words that only the corrected text
holds are looked for in the answer key (as pdftotext reads the PDF) and in
what every export format writes. A format may leave a question out, or have
no field for where the correction lives (Blackboard's upload has no
explanation field): it must then say so in its own check, as it does for
teachers, and the test takes that and nothing else as the reason.
"""

from __future__ import annotations

import dataclasses
import html
import io
import re
import shutil
import subprocess
import zipfile

import pytest

from quizgen import model, paths
from quizgen.assemble import answer_key, whole_bank
from quizgen.bank import load_bank
from quizgen.exporters import get_exporter, names

#: question id -> (where the correction lives, words only the corrected text holds)
FIXES = {
    "naeq-twenty-year-start": ("stem", "subtract 20 from 1945"),
    "memq-mark-fascist": ("optional", "marked or not: fascist forces"),
    "broq-days-param": ("stem", "Do not count the first day"),
    "resq-arf-verdict": ("choices", "the ARF, its programme and its date check out"),
    "broq-second-theatre": ("choices", "Japan formed the 17th Area Army in Korea"),
    "kcnaq-mark-counterrevolutionary": ("stem", "so leave them unmarked"),
    "naeq-mark-immortal": ("optional", "marked or not: bloody"),
    "broq-policies": ("rubric", "before the Pochonbo raid of June 1937"),
    "broq-who-is-behind": ("choices", "tells liberation as his campaign"),
    "broq-rewrite-terror": ("explanation", "Struck … with terror"),
    "broq-compressing-space-technique": ("explanation", "legendary tales … spread"),
    "memq-fact-opinion": ("explanation", "turns it into a claim that he"),
    # the three lower-confidence points
    "memq-zhukov-isolate": ("explanation", "Moscow in June 1945 to review the Victory Parade"),
    "broq-pochonbo-who-led": ("rubric", "or that he led it together with Choe Hyon"),
    "naeq-name-emotion": ("answers", "appeal to pity"),
}

#: What a format's check says when it has no field for where a correction lives (or, for an open
#: question's rubric and explanation, no field students cannot see: then they are left out).
NO_FIELD = {
    "explanation": ("no field for explanation", "rubric, model answer and explanation are left out"),
    "rubric": ("rubric, model answer and explanation are left out",),
}


@pytest.fixture(scope="module")
def reviewed() -> model.Worksheet:
    """A one-version worksheet of the fifteen reviewed questions, from the shipped bank."""
    sheet = whole_bank(load_bank(paths.bank_dir()), 3)
    items = [item for item in sheet.versions[0].items if item.question.id in FIXES]
    assert {item.question.id for item in items} == set(FIXES)
    items = tuple(dataclasses.replace(item, number=n) for n, item in enumerate(items, 1))
    return dataclasses.replace(sheet, versions=(dataclasses.replace(sheet.versions[0], items=items),))


def plain(data: bytes) -> str:
    """Return the text an export holds, its entities, escapes and line breaks undone."""
    if data[:2] == b"PK":  # zip formats: every member
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            text = "\n".join(archive.read(name).decode("utf-8", "replace") for name in archive.namelist())
    else:
        text = data.decode("utf-8", "replace")
    text = html.unescape(html.unescape(text))  # HTML inside XML is escaped twice
    text = re.sub(r"\\([~=#{}:])", r"\1", text)  # GIFT's escapes
    return " ".join(text.split())


def test_each_fix_is_in_the_bank():
    bank = load_bank(paths.bank_dir())
    for qid, (_, words) in FIXES.items():
        q = bank.questions[qid]
        texts = [q.stem, q.explanation, q.teacher_note, *(c.text for c in getattr(q, "choices", ())),
                 *getattr(q, "answers", ()), q.outside_source.says if q.outside_source else ""]
        if isinstance(q, model.OpenResponse):
            texts += [q.rubric.proficient, q.model_answer]
        if isinstance(q, model.MarkTheWords):
            texts.append("marked or not: " + "; ".join(q.optional))
        assert any(words in " ".join(t.split()) for t in texts), qid


@pytest.mark.parametrize("fmt", names())
def test_each_fix_reaches_every_export(reviewed, fmt):
    exporter = get_exporter(fmt)
    text = plain(exporter.export(reviewed))
    said = exporter.check(reviewed)
    missing = []
    for qid, (field, words) in FIXES.items():
        if field == "optional":
            continue  # an optional phrase is a choice left out; see the next tests
        about = [d for d in said if d.subject.endswith(f"({qid})")]
        if any(d.severity == "left-out" for d in about):
            continue  # the format leaves the question out, and says so
        if field in NO_FIELD and any(says in d.message for d in about for says in NO_FIELD[field]):
            continue  # the format has no field for it, and says so
        if words not in text:
            missing.append(qid)
    assert missing == [], f"{fmt}: the corrected text of {missing} is not in the export"


SENTINEL = model.MarkTheWords(
    id="opt-check", skill="identify-bias", subskill="A2", claims=("c",),
    stem="Mark the words that judge.", explanation="The judging words are the ones to mark.",
    difficulty=1, grade_band="6-8",
    passage="The zorblax forces were rampant and vile across the east.",
    answers=("rampant", "vile"), optional=("zorblax forces",),
)


def _one_question(sheet: model.Worksheet, question: model.Question) -> model.Worksheet:
    item = model.WorksheetItem(1, question, answer_key(question))
    return dataclasses.replace(sheet, versions=(model.Version("A", (item,)),))


#: Formats that carry mark-the-words as a list of choices (Kahoot leaves it out; QTI 2.1 marks words
#: in place; an Anki card has no choices).
CHOICE_LISTS = [n for n in names() if n not in ("kahoot", "qti21", "anki")]


@pytest.mark.parametrize("fmt", CHOICE_LISTS)
def test_an_optional_phrase_is_no_choice_in_any_export(reviewed, fmt):
    """Left out of the choices, an optional phrase earns and costs nothing: with it optional the export
    holds its word fewer times than with it a wrong choice, and the required words as often."""
    exporter = get_exporter(fmt)
    with_optional = plain(exporter.export(_one_question(reviewed, SENTINEL)))
    as_wrong = plain(exporter.export(_one_question(reviewed, dataclasses.replace(SENTINEL, optional=()))))
    assert with_optional.count("zorblax") < as_wrong.count("zorblax"), fmt
    assert with_optional.count("rampant") == as_wrong.count("rampant") > 0, fmt


def test_an_optional_phrase_cannot_be_selected_in_qti21(reviewed):
    hot = re.compile(r"<hottext [^>]*>(\w+)</hottext>")
    export = get_exporter("qti21").export
    with_optional = hot.findall(plain(export(_one_question(reviewed, SENTINEL))))
    as_wrong = hot.findall(plain(export(_one_question(reviewed, dataclasses.replace(SENTINEL, optional=())))))
    assert "zorblax" in as_wrong and "zorblax" not in with_optional and "forces" not in with_optional
    assert {"rampant", "vile", "across"} <= set(with_optional)


def test_an_anki_card_gives_the_optional_phrase_on_its_back(reviewed):
    assert "(credit either way: zorblax forces)" in plain(get_exporter("anki").export(_one_question(reviewed, SENTINEL)))


def test_the_key_names_the_optional_phrases_beside_the_required_ones():
    from quizgen.render.context import _entry_answer

    item = model.WorksheetItem(1, SENTINEL, answer_key(SENTINEL))
    assert item.key == "rampant; vile"  # what marking reads: the required phrases only
    assert _entry_answer(item) == "Circled: rampant; vile (credit either way, marked or not: zorblax forces)"


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")
@pytest.mark.slow  # lays out PDFs
def test_each_fix_is_in_the_pdf_key_and_no_key_text_is_on_the_sheet(reviewed, tmp_path):
    from quizgen.build import render_pdfs

    outputs = {o.label: o.data for o in render_pdfs(reviewed)}

    def text(label: str) -> str:
        path = tmp_path / "out.pdf"
        path.write_bytes(outputs[label])
        out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
        return " ".join(out.replace("-\n", "-").split())

    key, sheet = text("answer key"), text("worksheet")
    assert [qid for qid, (_, words) in FIXES.items() if words not in key] == []
    # What a student reads carries the stem fixes, and never what the key adds.
    for qid, (field, words) in FIXES.items():
        if field == "stem":
            assert words in sheet, qid
    for given_away in ("marked or not", "credit either way"):
        assert given_away not in sheet
