"""Answer-sheet mode: a reusable booklet per version and a short answer sheet per student.

Read back from the PDFs: what the booklets and sheets print, the students
dealt round-robin, nothing given away, the sheet's length; and from the
HTML: the space each kind of question gets.
"""

from __future__ import annotations

import dataclasses
import io

import lxml.html
import pytest
from conftest import pdf_pages_text, project, squash, write_recipe
from pypdf import PdfReader

from quizgen import model, paths
from quizgen.assemble import whole_bank
from quizgen.build import build, output_names
from quizgen.cli import main
from quizgen.errors import RecipeError
from quizgen.manifest import build_id
from quizgen.recipe import load_recipe
from quizgen.render import render_html
from quizgen.render.context import MARK_THE_WORDS_LINES, answer_sheet_context, student_versions

# Lays out booklets and answer sheets.
pytestmark = pytest.mark.slow

STUDENTS = 5


@pytest.fixture(scope="module")
def pack(tmp_path_factory):
    """Three versions of the sample bank's mixed questions in answer-sheet mode, for five students."""
    out = tmp_path_factory.mktemp("out")
    recipe = load_recipe(None, {
        "versions": "3", "answer_sheet": True, "students": str(STUDENTS), "per_version_files": True, "output": str(out),
        "questions": ["identify-bias=3", "date-checking=3", "corroborate=2"], "double_sided": False,
    })
    report = build(recipe, project("worksheet"), workers=1, write=False)
    return report.worksheet, {o.path.name: o.data for o in report.outputs}


def test_recipe_and_options_name_answer_sheet_and_students_alike(tmp_path, runner):
    path = write_recipe(tmp_path, """
        questions: [{skill: B1, count: 1}]
        answer_sheet: true
        students: 28
    """)
    recipe = load_recipe(path)
    assert recipe.answer_sheet is True and recipe.students == 28
    assert load_recipe(path, {"students": "30"}).students == 30
    # The CLI's flags reach the same fields.
    result = runner.invoke(main, ["build", "--bank", str(project("worksheet")), "--skill", "B1=1", "--answer-sheet",
                                  "--students", "3", "--no-per-version", "--workers", "1", "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["sampler-answer-key.pdf", "sampler-class-pack.pdf",
                                                               "sampler-manifest.json"]


@pytest.mark.parametrize("text, message", [
    ("students: 30\n", "recipe.yaml:3: field 'students': answer sheets per student need answer-sheet mode"),
    ("answer_sheet: true\nstudents: 0\n", "recipe.yaml:4: field 'students': 0 is out of range (1 to 500)"),
    ("answer_sheet: yes please\n", "recipe.yaml:3: field 'answer_sheet': expected true or false"),
])
def test_bad_answer_sheet_options_name_file_line_and_field(tmp_path, text, message):
    path = write_recipe(tmp_path, "questions: [{skill: B1, count: 1}]\n" + "\n" + text)
    with pytest.raises(RecipeError) as info:
        load_recipe(path)
    assert any(message in line for line in info.value.lines()), info.value.lines()


def test_files_of_the_answer_sheet_mode(pack):
    sheet, files = pack
    assert sorted(files) == ["sampler-answer-key.pdf", "sampler-booklet-A.pdf", "sampler-booklet-B.pdf",
                             "sampler-booklet-C.pdf", "sampler-class-pack.pdf"]
    assert "worksheet" not in output_names(sheet.recipe)


def _sheet_pages(files) -> list[str]:
    return [p for p in pdf_pages_text(files["sampler-class-pack.pdf"]) if "Answer sheet ·" in p]


def test_the_pack_holds_each_booklet_once_then_a_sheet_per_student_dealt_round_robin(pack):
    sheet, files = pack
    pages = pdf_pages_text(files["sampler-class-pack.pdf"])
    booklets = [p for p in pages if "Question booklet, Version" in p]
    assert [v.letter for v in sheet.versions] == [
        next(letter for letter in "ABC" if f"Question booklet, Version {letter}:" in p) for p in booklets]
    first_sheet = next(n for n, p in enumerate(pages) if "Answer sheet ·" in p)
    assert all("Answer sheet ·" not in p for p in pages[:first_sheet])  # booklets first
    stamps = [p for p in pages[first_sheet:] if "Student " in p]
    letters = "ABC"
    assert len(stamps) == STUDENTS
    for n, page in enumerate(stamps, start=1):
        letter = letters[(n - 1) % 3]
        assert f"Student {n} of {STUDENTS} · Version {letter}" in page
        assert f"Use the Version {letter} booklet" in page  # the sheet itself is that version's
    assert [v.letter for _, v in student_versions(sheet)] == ["A", "B", "C", "A", "B"]


def test_sheets_carry_the_build_id_and_no_question_or_answer(pack):
    sheet, files = pack
    sheets = " ".join(_sheet_pages(files))
    assert sheets.count(f"Build {build_id(sheet)}") == STUDENTS
    for version in sheet.versions:
        for item in version.items:
            q = item.question
            assert squash(q.stem)[:40] not in sheets, q.id
            assert squash(q.explanation)[:40] not in sheets, q.id
            if isinstance(q, model.ShortAnswer):
                assert all(squash(a) not in sheets for a in q.answers), q.id
            if isinstance(q, model.OpenResponse):
                assert squash(q.rubric.proficient)[:40] not in sheets and squash(q.model_answer)[:40] not in sheets


def test_booklets_print_every_question_and_no_place_to_write(pack, tmp_path):
    """Every stem and choice; no name line, no score boxes, no write-on lines: the ink left is the text."""
    sheet, files = pack
    for version in sheet.versions:
        data = files[f"sampler-booklet-{version.letter}.pdf"]
        text = " ".join(pdf_pages_text(data))
        for item in version.items:
            assert squash(item.question.stem) in text, item.question.id
            for choice in getattr(item.question, "choices", ()):
                assert squash(choice.text) in text
            assert squash(item.question.explanation)[:40] not in text
        assert "Name" not in text and "Class" not in text and "Date" not in text
        assert f"Answer on the Version {version.letter} answer sheet" in text
        assert "End of booklet" in text
    # Drawn write-on space shows in the HTML as elements; the booklet CSS leaves none visible.
    from quizgen.render.context import booklet_context

    ctx = booklet_context(sheet, sheet.versions[0])
    assert ctx["answer_space"] is False and "css/booklet.css" in ctx["doc"]["stylesheets"]
    assert all(item["hint"].startswith(("On your answer sheet", "Write")) and "answer sheet" in item["hint"]
               for part in ctx["parts"] for item in part["questions"])


def test_each_kind_gets_its_space_on_the_sheet(worksheet_bank):
    """Bubbles for choices and true/false, boxes for numbers and words, grids, ruled lines."""
    sheet = whole_bank(worksheet_bank, seed=3)
    sheet = dataclasses.replace(sheet, recipe=dataclasses.replace(sheet.recipe, answer_sheet=True))
    version = sheet.versions[0]
    html = lxml.html.fromstring(render_html("answer_sheet.html.j2", answer_sheet_context(sheet, version)))
    rows = {int(li.get("value")): li for li in html.xpath('//li[contains(@class, "as-row")]')}
    assert sorted(rows) == [item.number for item in version.items]

    def marks(row, cls):
        return [m.text_content().strip() for m in row.xpath(f'.//*[contains(concat(" ", @class, " "), " {cls} ")]')]

    kinds = set()
    for item in version.items:
        q, row = item.question, rows[item.number]
        kinds.add(q.kind)
        if isinstance(q, model.SingleChoice):
            assert marks(row, "as-bubble") == list("ABCDEFGH"[:len(q.choices)])
        elif isinstance(q, model.MultipleResponse):
            assert marks(row, "as-square") == list("ABCDEFGH"[:len(q.choices)])
        elif isinstance(q, model.TrueFalse):
            assert marks(row, "as-bubble") == ["T", "F"]
        elif isinstance(q, model.Numeric):
            assert len(marks(row, "as-number")) == 1
        elif isinstance(q, model.ShortAnswer):
            assert len(marks(row, "as-words")) == 1
        elif isinstance(q, model.Matching):  # a row per numbered item, a bubble per lettered match
            assert len(marks(row, "as-bubble")) == len(q.pairs) * len(item.shuffled)
        elif isinstance(q, model.Ordering):  # a row per lettered item, a bubble per place
            assert len(marks(row, "as-bubble")) == len(q.items) ** 2
        elif isinstance(q, model.OpenResponse):
            assert len(marks(row, "as-ruled-line")) == q.lines
        elif isinstance(q, model.MarkTheWords):
            assert len(marks(row, "as-ruled-line")) == MARK_THE_WORDS_LINES
    assert len(kinds) >= 8, sorted(kinds)


def test_the_default_recipes_answer_sheets_are_at_most_two_pages():
    """Every version of the shipped sampler (and of 30 versions, other draws) fits its answer sheet on two pages."""
    from quizgen.assemble import make_worksheet
    from quizgen.bank import load_bank
    from quizgen.render.pdf import render_documents

    recipe = load_recipe(paths.default_recipe(), {"answer_sheet": True, "versions": "6"})
    sheet = make_worksheet(load_bank(paths.bank_dir()), recipe)
    for version in sheet.versions:
        ctx = answer_sheet_context(sheet, version, link=False)
        result = render_documents("sheet", [render_html("answer_sheet.html.j2", ctx)], ctx["doc"]["stylesheets"])
        assert result.pages <= 2, (version.letter, result.pages)


def test_a_versions_sheet_is_laid_out_once_for_all_its_students(monkeypatch):
    """Six students, two versions: two sheet layouts, and six stamps with the students' numbers."""
    from quizgen.render import pdf

    calls: list[str] = []
    layout = pdf._Renderer._layout

    def counted(self, html, sheets, *rest):
        calls.append("stamp" if "as-stamp-page" in html else "sheet" if "as-header" in html else "other")
        return layout(self, html, sheets, *rest)

    monkeypatch.setattr(pdf._Renderer, "_layout", counted)
    recipe = load_recipe(None, {"versions": "2", "answer_sheet": True, "students": "6", "questions": ["corroborate=2"],
                                "double_sided": False})
    report = build(recipe, project("worksheet"), workers=1, write=False)
    assert calls.count("sheet") == 2 and calls.count("stamp") == 6
    pages = pdf_pages_text(next(o.data for o in report.outputs if o.path.name == "sampler-class-pack.pdf"))
    assert [p.split("Student ")[1][:6] for p in pages if "Student " in p] == [f"{n} of 6" for n in range(1, 7)]
    reader = PdfReader(io.BytesIO(next(o.data for o in report.outputs if o.path.name == "sampler-class-pack.pdf")))
    assert len(reader.pages) == len(pages)


def test_without_students_the_pack_holds_one_blank_sheet_per_version(tmp_path):
    recipe = load_recipe(None, {"versions": "2", "answer_sheet": True, "questions": ["corroborate=2"], "output": str(tmp_path)})
    report = build(recipe, project("worksheet"), workers=1, write=False)
    pages = pdf_pages_text(next(o.data for o in report.outputs if o.path.name == "sampler-class-pack.pdf"))
    sheets = [p for p in pages if "Answer sheet ·" in p]
    assert len([p for p in sheets if "Use the Version" in p]) == 2 and all("Student " not in p for p in sheets)


def test_a_stamped_sheet_can_be_written_as_a_tagged_pdf(worksheet_bank):
    """The student's number is painted as an artifact, so WeasyPrint's structure tree (pdf_tags) still builds."""
    from quizgen.render import pdf
    from quizgen.render.context import answer_sheet_stamp_context

    sheet = whole_bank(worksheet_bank, seed=3)
    sheet = dataclasses.replace(sheet, recipe=dataclasses.replace(sheet.recipe, answer_sheet=True, students=2))
    version = sheet.versions[0]
    ctx = answer_sheet_context(sheet, version, link=False)
    html = render_html("answer_sheet.html.j2", ctx)
    stamps = [render_html("answer_sheet_stamp.html.j2", answer_sheet_stamp_context(sheet, version, n, link=False))
              for n in (1, 2)]
    renderer = pdf._renderer(None)
    documents = renderer._layout_all([html, html], renderer.stylesheets(ctx["doc"]["stylesheets"]), stamps, False)
    whole = documents[0].copy([page for document in documents for page in document.pages])
    data = whole.write_pdf(pdf_tags=True)
    reader = PdfReader(io.BytesIO(data))
    assert "/StructTreeRoot" in reader.trailer["/Root"]
    texts = [page.extract_text() for page in reader.pages]
    assert "Student 1 of 2" in texts[0] and "Student 2 of 2" in " ".join(texts[1:])


def test_answer_sheets_and_worksheets_of_one_draw_share_the_build_id(worksheet_bank):
    """A marks sheet from answer sheets ties to the same build as the worksheets, forms and pages of that draw."""
    sheet = whole_bank(worksheet_bank, seed=3)
    as_sheets = dataclasses.replace(sheet, recipe=dataclasses.replace(sheet.recipe, answer_sheet=True, students=30))
    assert build_id(as_sheets) == build_id(sheet)
    reseeded = whole_bank(worksheet_bank, seed=4)
    assert build_id(reseeded) != build_id(sheet)
