"""End to end: the default recipe with 30 versions, 40 students, every way answers come back.

For each route the students' answers are written as the route's producer
writes them (tests/marking_routes.py), ``quizgen mark`` is run on them, and
every student's score and skill percentages in the gradebook are compared
with the test's own computation from the model. Open answers are "to mark"
until the rubric sheet is filled in.

The response files are written in quizgen.responses's format, as the
interactive page saves them; the PDF forms are the pdf-form worksheets
(quizgen.render.form), filled field by field with pypdf.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import pytest

import marking_routes as routes
from quizgen import model, paths
from quizgen.cli import main
from quizgen.printed import skill_name

# End to end: 30 versions, 40 students, every route back (pytest -m 'not slow' leaves them out).
pytestmark = pytest.mark.slow


@dataclass
class Built:
    folder: Path
    worksheet: model.Worksheet
    manifest: Path
    build_id: str
    moodle_xml: bytes
    canvas_zip: bytes


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Built:
    """Build the default recipe with 30 versions and its Moodle and Canvas exports."""
    from quizgen import manifest
    from quizgen.build import build
    from quizgen.recipe import load_recipe

    folder = tmp_path_factory.mktemp("build")
    recipe = load_recipe(paths.default_recipe(), {"versions": "30", "output": str(folder)})
    report = build(recipe, None, ("moodle-xml", "canvas-qti"))
    path = folder / manifest.manifest_name(recipe.name)
    if not path.exists():  # until builds write the manifest themselves: the same record, made here
        path.write_bytes(manifest.dump(manifest.make_manifest(report.worksheet)))
    data = {o.path.name: o.data for o in report.outputs}
    return Built(folder, report.worksheet, path, manifest.build_id(report.worksheet),
                 data["sampler-moodle-xml.xml"], data["sampler-canvas-qti.zip"])


def run_mark(runner, *args: str) -> None:
    result = runner.invoke(main, ["mark", *args])
    assert result.exit_code == 0, result.output + (result.stderr if result.stderr_bytes else "")
    return result


def check_gradebook(path: Path, roster: list[routes.Student]) -> None:
    """Compare every student's score and skill percentages with the test's own computation."""
    rows = {r["Student"]: r for r in routes.read_csv(path)}
    assert len(rows) == len(roster)
    for s in roster:
        want = routes.expected_results(s)
        row = rows[s.name]
        assert row["Version"] == s.version.letter
        assert Fraction(row["Maximum"]) == want["maximum"]
        if want["pending"]:
            assert row["Score"] == "" and row["Percent"] == "", s.name
            assert row["To mark"].startswith(f"{_num(want['pending'])} points"), (s.name, row["To mark"])
        else:
            assert row["To mark"] == ""
            assert abs(Fraction(row["Score"]) - want["points"]) <= Fraction(1, 200), (s.name, row["Score"], want["points"])
            assert abs(Fraction(row["Percent"]) - want["points"] * 100 / want["maximum"]) <= Fraction(1, 200)
        for skill, percent in want["skills"].items():
            cell = row[f"{skill_name(skill)} %"]
            if percent is None:
                assert cell == "", (s.name, skill)
            else:
                assert abs(Fraction(cell) - percent) <= Fraction(1, 200), (s.name, skill, cell, percent)


def _response(item: model.WorksheetItem, answer: object) -> tuple[str, str] | None:
    """Return the "response" and "response in words" the answers CSV gives ``answer`` (None: not checked here)."""
    q = item.question
    if answer is None:
        return "", ""
    if isinstance(q, model.SingleChoice):
        return answer, q.choices[ord(answer) - 65].text
    if isinstance(q, model.MultipleResponse):
        return ", ".join(answer), " + ".join(q.choices[ord(x) - 65].text for x in answer)
    if isinstance(q, model.TrueFalse):
        return str(answer), ""
    if isinstance(q, model.Matching):
        return ", ".join(f"{n}-{letter or '?'}" for n, letter in sorted(answer.items())), ""
    if isinstance(q, model.Ordering):
        return " ".join(str(n) for n in answer), ""
    return None


def check_answers_csv(path: Path, roster: list[routes.Student]) -> None:
    """The answers CSV gives each response as the key is written, whatever the route: a choice by its letter
    (a Moodle or Canvas report names it by its text), the chosen texts beside it; an order with spaces."""
    rows = {(r["student"], int(r["position"])): r for r in routes.read_csv(path)}
    checked = set()
    for s in roster:
        for item in s.version.items:
            row = rows[(s.name, item.number)]
            want = _response(item, s.answer(item.number))
            if isinstance(item.question, model.Ordering):
                assert row["correct answer"] == " ".join(str(item.question.items.index(t) + 1) for t in item.shuffled)
            if want is not None:
                assert (row["response"], row["response in words"]) == want, (s.name, item.number, item.question.kind)
                if s.answer(item.number) is not None:
                    checked.add(item.question.kind)
    assert checked >= {"single-choice", "ordering"}, checked


def _num(value: Fraction) -> str:
    from quizgen.scoring import number_text

    return number_text(value)


def open_answers(roster: list[routes.Student]) -> int:
    return sum(1 for s in roster for item in s.version.items
               if isinstance(item.question, model.OpenResponse) and s.answer(item.number) is not None)


# --------------------------------------------------------------------------


def test_response_files_then_rubric_sheet(built, runner, tmp_path):
    """Response files: marked as the test computes; open answers to mark until the rubric sheet is filled."""
    roster = routes.students(built.worksheet)
    assert len({s.version.letter for s in roster}) == 30
    kinds = {how for s in roster for how, _ in s.answers.values()}
    assert kinds >= {"right", "wrong", "partial", "blank"} and open_answers(roster) > 5
    folder = tmp_path / "answers"
    routes.write_response_files(folder, built.build_id, roster)
    results = tmp_path / "results"
    run_mark(runner, str(built.manifest), str(folder), "-o", str(results))
    check_gradebook(results / "sampler-gradebook.csv", roster)
    check_answers_csv(results / "sampler-answers.csv", roster)

    # Open answers: "to mark" in every table until the teacher marks them.
    skills = routes.read_csv(results / "sampler-skills.csv")
    waiting = [s for s in roster if routes.expected_results(s)["pending"]]
    assert waiting and all(next(r for r in skills if r["student"] == s.name)["percent"] == "to mark" for s in waiting)
    long = routes.read_csv(results / "sampler-answers.csv")
    assert sum(1 for r in long if r["points"] == "to mark") == open_answers(roster)
    assert all(r["points"] != "0" for r in long if r["kind"] == "open-response" and r["response"])
    assert "still to mark" in (results / "sampler-class-report.html").read_text(encoding="utf-8")

    # The teacher fills in the rubric sheet (a level or points) and marks again.
    sheet = results / "sampler-rubric-sheet.csv"
    lines = sheet.read_text(encoding="utf-8-sig").splitlines()
    rows = list(csv.reader(lines[2:]))
    header, body = rows[0], rows[1:]
    assert len(body) == open_answers(roster)
    marks = ["P", "E", "B", "1.5", "2", "0"]
    by_name = {s.name: s for s in roster}
    for i, row in enumerate(body):
        row[header.index("points")] = marks[i % len(marks)]
        student = by_name[row[0]]
        position = int(row[header.index("position")])
        level = {"P": 2, "E": 1, "B": 0}.get(marks[i % len(marks)])
        student.rubric[position] = Fraction(level if level is not None else Fraction(marks[i % len(marks)]))
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows([header, *body])
    sheet.write_text("\n".join(lines[:2]) + "\n" + out.getvalue(), encoding="utf-8-sig")
    run_mark(runner, str(built.manifest), str(folder), "-o", str(results), "--no-pdf")
    assert all(not routes.expected_results(s)["pending"] for s in roster)
    check_gradebook(results / "sampler-gradebook.csv", roster)
    # The sheet is written again with the teacher's marks in it.
    again = list(csv.reader(sheet.read_text(encoding="utf-8-sig").splitlines()[3:]))
    at = header.index("position")
    assert [r[-1] for r in again] == [_num(by_name[r[0]].rubric[int(r[at])]) for r in again]


def test_pdf_forms(built, runner, tmp_path):
    """Filled PDF forms: the fillable worksheet of each version, filled in as a PDF reader does."""
    roster = routes.students(built.worksheet, seed=5, versions=list("ABCDEFGHIJ"))  # ten versions' forms to render
    routes.write_pdf_forms(tmp_path / "forms", built.worksheet, roster)
    run_mark(runner, str(built.manifest), str(tmp_path / "forms"), "-o", str(tmp_path / "results"), "--no-pdf")
    check_gradebook(tmp_path / "results" / "sampler-gradebook.csv", roster)


def test_marks_sheet(built, runner, tmp_path):
    """The marks sheet: --template writes it, the teacher types the answers in, quizgen mark reads it."""
    roster = routes.students(built.worksheet, seed=8)
    sheet = tmp_path / "sheet.csv"
    run_mark(runner, "--template", str(built.manifest), "-o", str(sheet))
    text = sheet.read_text(encoding="utf-8-sig")
    assert text.startswith(f"# quizgen marks sheet,build {built.build_id},")
    assert "name,version,1,2,3,4,5,6,7,8,9,10,11,12" in text
    assert text.count("# version ") == 30
    routes.fill_marks_sheet(sheet, roster)
    run_mark(runner, str(built.manifest), str(sheet), "-o", str(tmp_path / "results"), "--no-pdf")
    check_gradebook(tmp_path / "results" / "sampler-gradebook.csv", roster)
    check_answers_csv(tmp_path / "results" / "sampler-answers.csv", roster)


def _lms_roster(built, seed: int) -> list[list[routes.Student]]:
    """Return 40 students in three quizzes (versions A, B and C), one list per quiz."""
    roster = routes.students(built.worksheet, seed=seed, versions=["A", "B", "C"])
    return [[s for s in roster if s.version.letter == letter] for letter in "ABC"]


def test_moodle_reports_english_and_french(built, runner, tmp_path):
    """Moodle: Responses + Grades per quiz (one with question texts, one in French); disagreements listed."""
    quizzes = _lms_roster(built, seed=13)
    folder = tmp_path / "moodle"
    folder.mkdir()
    lms = {}
    for letter, quiz, words, texts in (("A", quizzes[0], routes.MOODLE_EN, True), ("B", quizzes[1], routes.MOODLE_FR, False),
                                       ("C", quizzes[2], routes.MOODLE_EN, False)):
        override = (2, 1, "0") if letter == "A" else None  # the teacher overrode one mark in Moodle
        _, _, marks = routes.write_moodle(folder, f"quiz-{letter}", quiz, built.moodle_xml, words, True, texts, override)
        lms.update(marks)
    french = (folder / "quiz-B-responses.csv").read_bytes()
    assert french.startswith(b"\xef\xbb\xbfNom de famille,Pr\xc3\xa9nom") and "Réponse 1".encode() in french
    assert "5 mars 2024  09:02".encode() in french
    grades = (folder / "quiz-B-grades.csv").read_text(encoding="utf-8-sig")
    assert "Note/10,00" in grades and "Moyenne générale" in grades
    roster = [s for quiz in quizzes for s in quiz]
    run_mark(runner, str(built.manifest), str(folder), "-o", str(tmp_path / "results"), "--no-pdf")
    check_gradebook(tmp_path / "results" / "sampler-gradebook.csv", roster)
    check_answers_csv(tmp_path / "results" / "sampler-answers.csv", roster)
    _check_disagreements(tmp_path / "results" / "sampler-disagreements.csv", roster, lms)


def test_canvas_student_analysis(built, runner, tmp_path):
    """Canvas: one Student Analysis per quiz, with and without SIS columns, one with translated headers."""
    quizzes = _lms_roster(built, seed=17)
    folder = tmp_path / "canvas"
    folder.mkdir()
    lms = {}
    for (letter, quiz), sis, french in zip(zip("ABC", quizzes), (True, False, True), (False, False, True)):
        override = (1, 2, "0") if letter == "B" else None
        lms.update(routes.write_canvas(folder / f"quiz-{letter}.csv", quiz, built.canvas_zip, sis=sis, french=french,
                                       first_id=900 + 100 * "ABC".index(letter), override=override))
    head = (folder / "quiz-A.csv").read_text(encoding="utf-8").splitlines()[0]
    assert head.startswith("name,id,sis_id,section,section_id,section_sis_id,submitted,attempt,")
    assert head.endswith("n correct,n incorrect,score")
    roster = [s for quiz in quizzes for s in quiz]
    run_mark(runner, str(built.manifest), str(folder), "-o", str(tmp_path / "results"), "--no-pdf")
    check_gradebook(tmp_path / "results" / "sampler-gradebook.csv", roster)
    check_answers_csv(tmp_path / "results" / "sampler-answers.csv", roster)
    rows = {r["Student"]: r for r in routes.read_csv(tmp_path / "results" / "sampler-gradebook.csv")}
    assert rows[quizzes[0][0].name]["ID"] == "900" and rows[quizzes[0][0].name]["SIS User ID"] == "S0900"
    _check_disagreements(tmp_path / "results" / "sampler-disagreements.csv", roster, lms)


def _check_disagreements(path: Path, roster: list[routes.Student], lms: dict) -> None:
    """The disagreements file lists exactly the answers where the LMS's points and the expected ones differ."""
    want = set()
    for s in roster:
        for item in s.version.items:
            theirs = lms.get((s.name, item.number))
            share = routes.expected_share(item, s.answer(item.number))
            if theirs is not None and share is not None and abs(theirs / item.question.points - share) > Fraction(1, 50):
                want.add((s.name, item.number))
    got = {(r["student"], int(r["position"])) for r in routes.read_csv(path)}
    assert want, "the LMS should disagree somewhere (an override at least)"
    assert got == want
