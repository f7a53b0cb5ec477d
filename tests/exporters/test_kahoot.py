"""Kahoot spreadsheet: the template's layout and limits, read back with openpyxl, properties, byte identity."""

from __future__ import annotations

import dataclasses
import io
import zipfile

import openpyxl
from conftest import examples
from hypothesis import HealthCheck, given, settings

from quizgen import model as m
from quizgen.exporters.kahoot import KahootExporter, kahoot_length
from quizgen.exporters.kahoot_template import HEADERS

from .sample import worksheet_all_kinds
from .support import expected_text, hostile_text

FITS = (m.SingleChoice, m.MultipleResponse, m.TrueFalse)


def read(data: bytes) -> list[dict]:
    """Read the workbook the way Kahoot's importer does: Sheet1, headers in row 8, questions from row 9."""
    wb = openpyxl.load_workbook(io.BytesIO(data))
    assert wb.sheetnames[0] == "Sheet1"
    ws = wb["Sheet1"]
    assert tuple(c.value for c in ws[8][1:8]) == HEADERS
    out = []
    for row in ws.iter_rows(min_row=9):
        values = [c.value for c in row[:8]]
        if values[1] is None:
            continue
        for cell in row[1:6]:
            assert cell.value is None or cell.data_type == "s", "text must never be stored as a formula"
        number, question, *answers = values[:6]
        answers = [a for a in answers if a is not None]
        time, correct = values[6], str(values[7])
        assert number == len(out) + 1
        assert kahoot_length(question) <= 120 and all(kahoot_length(a) <= 75 for a in answers)
        assert 2 <= len(answers) <= 4
        assert time in (5, 10, 20, 30, 60, 90, 120, 240)
        picks = [int(n) for n in correct.split(",")]
        assert picks and all(1 <= n <= len(answers) for n in picks)
        out.append({"question": question, "answers": answers, "correct": picks, "time": time})
    return out


def _one_line(text: str) -> str:
    return expected_text(text).replace("\n", " ")


def expected(worksheet: m.Worksheet) -> list[dict]:
    out = []
    for item in worksheet.versions[0].items:
        q = item.question
        if not isinstance(q, FITS):
            continue
        if isinstance(q, m.TrueFalse):
            answers = [("True", q.answer), ("False", not q.answer)]
        else:
            answers = [(c.text, c.correct) for c in q.choices]
        stem, texts = _one_line(q.stem), [_one_line(t) for t, _ok in answers]
        if len(answers) > 4 or kahoot_length(stem) > 120 or any(kahoot_length(t) > 75 for t in texts):
            continue
        out.append({"question": stem, "answers": texts,
                    "correct": [n for n, (_t, ok) in enumerate(answers, start=1) if ok]})
    return out


def compare(worksheet: m.Worksheet, data: bytes) -> None:
    got = read(data)
    want = expected(worksheet)
    assert [{k: g[k] for k in ("question", "answers", "correct")} for g in got] == want


def export(worksheet: m.Worksheet) -> bytes:
    return KahootExporter().export(worksheet)


def _worksheet(*questions: m.Question) -> m.Worksheet:
    items = tuple(m.WorksheetItem(n, q, "") for n, q in enumerate(questions, start=1))
    return m.Worksheet(recipe=worksheet_all_kinds().recipe, versions=(m.Version("A", items),))


def _choice(qid: str, stem: str, *choices: m.Choice, kind=m.SingleChoice, difficulty: int = 1) -> m.Question:
    return kind(id=qid, skill="identify-bias", subskill="A2", claims=(), stem=stem, explanation="Because.",
                difficulty=difficulty, grade_band="9-10", choices=choices)


def test_reads_back_question_by_question(worksheet_all_kinds):
    data = export(worksheet_all_kinds)
    compare(worksheet_all_kinds, data)
    assert [r["question"].split("?")[0] for r in read(data)] == ["Which word is loaded", "Outside sources confirm "
                                                                 "the KPRA alone liberated Korea."]


def test_every_other_kind_is_left_out_with_a_reason(worksheet_all_kinds):
    lines = [d.format() for d in KahootExporter().check(worksheet_all_kinds)]
    for qid, why in [("co-short", "not typed answers"), ("dc-juche", "not typed numbers"), ("dc-match", "not matching"),
                     ("dc-order", "not ordering"), ("co-open", "not written answers"),
                     ("ib-mark", "not marking words in a passage")]:
        assert any(line.startswith("kahoot: left-out: version A, question ") and f"({qid}): left out: Kahoot's "
                   "spreadsheet import takes quiz and true/false questions only" in line and why in line
                   for line in lines), qid
    assert "kahoot: left-out: version A, question 2 (ib-multi): left out, not shortened (that could change what it " \
           "asks): it has 5 choices (Kahoot allows 4)" in lines
    assert any(line.startswith("kahoot: left-out: version B: not written") for line in lines)
    assert any("(ib-single): the source excerpt and its citation are not carried" in line for line in lines)
    assert any("(ib-single): Kahoot's template has no column for explanation, choice feedback" in line for line in lines)


def test_limits_are_enforced_not_truncated():
    ok = _choice("ok", "x" * 120, m.Choice("a" * 75, True), m.Choice("b"))
    long_stem = _choice("long", "x" * 121, m.Choice("a", True), m.Choice("b"))
    long_answer = _choice("longa", "Which?", m.Choice("a" * 76, True), m.Choice("b"))
    # an astral character counts twice, as in a browser's String.length
    astral = _choice("astral", "\U0001d54f" * 61, m.Choice("a", True), m.Choice("b"))
    ws = _worksheet(ok, long_stem, long_answer, astral)
    assert [r["question"] for r in read(export(ws))] == ["x" * 120]
    messages = {d.subject: d.message for d in KahootExporter().check(ws) if d.severity == "left-out"}
    assert messages["question 2 (long)"].endswith("the question has 121 characters (Kahoot allows 120)")
    assert messages["question 3 (longa)"].endswith("choice(s) 1 exceed 75 characters")
    assert messages["question 4 (astral)"].endswith("the question has 122 characters (Kahoot allows 120)")


def test_multiple_correct_answers_and_time_limits():
    multi = _choice("multi", "Which are loaded?", m.Choice("a", True), m.Choice("b"), m.Choice("c", True),
                    kind=m.MultipleResponse, difficulty=3)
    tf = m.TrueFalse(id="tf", skill="corroborate", subskill="C3", claims=(), stem="True?", explanation="",
                     difficulty=2, grade_band="9-10", answer=True)
    rows = read(export(_worksheet(multi, tf)))
    assert rows == [
        {"question": "Which are loaded?", "answers": ["a", "b", "c"], "correct": [1, 3], "time": 60},
        {"question": "True?", "answers": ["True", "False"], "correct": [1], "time": 30},
    ]
    messages = " ".join(d.message for d in KahootExporter().check(_worksheet(multi)))
    assert "\"pick every correct answer\" becomes \"pick one\"" in messages


def test_formula_like_text_stays_text():
    q = _choice("f", "=1+1", m.Choice("@SUM(A1)", True), m.Choice("+1"), m.Choice("-1"))
    assert read(export(_worksheet(q))) == [
        {"question": "=1+1", "answers": ["@SUM(A1)", "+1", "-1"], "correct": [1], "time": 20}
    ]


def test_nothing_fits_is_an_error(worksheet_all_kinds):
    version = worksheet_all_kinds.versions[0]
    kept = tuple(i for i in version.items if not isinstance(i.question, (m.TrueFalse, m.SingleChoice)))
    ws = dataclasses.replace(worksheet_all_kinds, versions=(dataclasses.replace(version, items=kept),))
    errors = [d.format() for d in KahootExporter().check(ws) if d.severity == "error"]
    assert len(errors) == 1
    assert errors[0].startswith("kahoot: version A: no question of this worksheet fits a kahoot (questions up to 120")


def test_byte_identical_with_fixed_dates(worksheet_all_kinds):
    first = export(worksheet_all_kinds)
    assert export(worksheet_all_kinds) == first
    archive = zipfile.ZipFile(io.BytesIO(first))
    assert {i.date_time for i in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    core = archive.read("docProps/core.xml").decode()
    assert "2000-01-01T00:00:00Z" in core and core.count("2000-01-01T00:00:00Z") == 2
    props = openpyxl.load_workbook(io.BytesIO(first)).properties
    assert props.creator == "quizgen"


@settings(max_examples=examples(40), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(extra=hostile_text(max_size=12))
def test_hostile_text_survives(extra):
    worksheet = worksheet_all_kinds(extra)
    compare(worksheet, export(worksheet))


def test_forbidden_characters_are_dropped_and_reported():
    worksheet = worksheet_all_kinds("\x00")
    rows = read(export(worksheet))
    assert rows and all("\x00" not in r["question"] for r in rows)
    messages = [d.format() for d in KahootExporter().check(worksheet)]
    assert "kahoot: adapted: version A, question 3 (co-tf): characters the format cannot hold were dropped (U+0000)" \
        in messages
