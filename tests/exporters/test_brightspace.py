"""Brightspace question-library CSV: D2L's sample layout, read back question by question, properties.

No schema exists; the checks follow D2L's ``Sample_Question_Import_UTF8.csv``:
UTF-8 with BOM, five columns a row, ``//`` comment rows, a ``NewQuestion``
row opening each block, the row names each type uses, the ``HTML`` flag in
the column D2L reads for it, and no cell that a spreadsheet would run as a
formula.
"""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal

from conftest import examples
from hypothesis import HealthCheck, given, settings

from quizgen import model as m
from quizgen.exporters.brightspace import BrightspaceExporter
from quizgen.exporters.escape import spreadsheet_cell

from .sample import worksheet_all_kinds
from .support import (
    expected_text, grader_only, hostile_text, html_to_text, listed, listed_name, long_text, passage_words, plan_of,
)

#: Row names each question type may use after the common rows.
TYPE_ROWS = {
    "MC": {"Option"},
    "MS": {"Scoring", "Option"},
    "TF": {"TRUE", "FALSE"},
    "SA": {"InputBox", "Answer"},
    "M": {"Scoring", "Choice", "Match"},
    "O": {"Scoring", "Item"},
    "WR": {"InitialText", "AnswerKey"},
}
COMMON = {"ID", "Title", "QuestionText", "Points", "Difficulty", "Image", "Hint", "Feedback"}


def parse(data: bytes) -> list[dict]:
    """Read the CSV like Brightspace's importer and check D2L's layout rules; one dict per question."""
    assert data.startswith(b"\xef\xbb\xbf"), "D2L asks for CSV UTF-8 (with BOM)"
    rows = list(csv.reader(io.StringIO(data[3:].decode("utf-8"), newline="")))
    questions: list[dict] = []
    for row in rows:
        assert len(row) == 5, row
        for cell in row:
            assert cell == spreadsheet_cell(cell) or re.match(r"^[-+]?\d+(\.\d+)?$", cell), f"formula-like {cell!r}"
        name = row[0]
        if name.startswith("//") or not any(row):
            continue
        if name == "NewQuestion":
            assert row[1] in TYPE_ROWS
            questions.append({"type": row[1], "rows": []})
            continue
        assert questions, "rows before the first NewQuestion"
        q = questions[-1]
        assert name in COMMON | TYPE_ROWS[q["type"]], (q["type"], name)
        q["rows"].append(row)
    out = []
    for q in questions:
        read = {"type": q["type"], "options": [], "answers": [], "choices": {}, "matches": {}, "items": []}
        for row in q["rows"]:
            name = row[0]
            if name in ("QuestionText", "Feedback", "AnswerKey"):
                assert row[2] == "HTML"
                read[name] = html_to_text(row[1])
            elif name in ("ID", "Title", "Points", "Difficulty", "Scoring"):
                read[name] = row[1]
            elif name == "Option":
                assert row[3] == "HTML"
                read["options"].append((html_to_text(row[2]), row[1], row[4]))
            elif name in ("TRUE", "FALSE"):
                read[name] = row[1]
            elif name == "Answer":
                read["answers"].append((row[1], row[2]))
            elif name == "Choice":
                read["choices"][row[1]] = row[2]
            elif name == "Match":
                read["matches"][row[1]] = row[2]
            elif name == "Item":
                assert row[2] == "HTML"
                read["items"].append(html_to_text(row[1]))
        out.append(read)
    return out


def _plain(text: str) -> str:
    text = expected_text(text)
    return text if re.match(r"^[-+]?\d+(\.\d+)?$", text) else spreadsheet_cell(text)


def compare(worksheet: m.Worksheet, data: bytes) -> None:
    got = parse(data)
    ((_version, carried),) = plan_of("brightspace", worksheet).written()
    assert len(got) == len(carried) == len(worksheet.versions[0].items)
    for read, c in zip(got, carried):
        q = c.plan.question
        where = q.id
        assert read["ID"] == q.id and read["Title"].startswith(listed_name(worksheet, worksheet.versions[0], c)), where
        assert q.id not in read["Title"], where  # an id such as "mark-living-hell" can name the answer
        assert read["Points"] == str(q.points), where
        assert 1 <= int(read["Difficulty"]) <= 10
        assert read["QuestionText"] == expected_text(c.text), where
        if isinstance(q, m.Numeric) and q.unit:
            assert expected_text(f"Answer in {q.unit}.") in read["QuestionText"], where
        if isinstance(q, m.MarkTheWords):
            assert expected_text(q.passage) in read["QuestionText"], where
        if not isinstance(q, m.OpenResponse):  # an essay's explanation is for graders
            assert read["Feedback"].startswith(expected_text(q.explanation)), where
        if isinstance(q, m.SingleChoice):
            assert read["type"] == "MC"
            assert read["options"] == [
                (expected_text(c.text), "100" if c.correct else "0", _plain(c.feedback)) for c in q.choices
            ], where
        elif isinstance(q, m.MultipleResponse):
            assert read["type"] == "MS" and read["Scoring"] == "RightAnswers"
            assert read["options"] == [
                (expected_text(c.text), "1" if c.correct else "0", _plain(c.feedback)) for c in q.choices
            ], where
        elif isinstance(q, m.MarkTheWords):
            # One option per word of the passage, in order; the words of the phrases are the correct ones.
            assert read["type"] == "MS"
            assert [text for text, _w, _fb in read["options"]] == passage_words(q.passage, q.optional), where
            assert sorted(text for text, w, _fb in read["options"] if w == "1") == sorted(
                w for phrase in q.answers for w in passage_words(phrase)), where
        elif isinstance(q, m.TrueFalse):
            assert read["type"] == "TF"
            assert (read["TRUE"], read["FALSE"]) == (("100", "0") if q.answer else ("0", "100"))
        elif isinstance(q, m.ShortAnswer):
            assert read["type"] == "SA"
            assert read["answers"] == [("100", _plain(a)) for a in listed(q.answers)], where
        elif isinstance(q, m.Numeric):
            assert read["type"] == "SA"
            texts = [a for _w, a in read["answers"]]
            assert texts and all(abs(Decimal(t) - q.answer) <= q.tolerance for t in texts), where
            assert str(q.answer) in texts or f"{q.answer.normalize():f}" in texts, where
        elif isinstance(q, m.Matching):
            assert read["type"] == "M"
            assert [(read["choices"][k], read["matches"][k]) for k in sorted(read["choices"], key=int)] == [
                (_plain(p.left), _plain(p.right)) for p in q.pairs
            ], where
        elif isinstance(q, m.Ordering):
            assert read["type"] == "O" and read["items"] == [expected_text(t) for t in q.items], where
        elif isinstance(q, m.OpenResponse):
            # No answer key: Brightspace may show it to learners.
            assert read["type"] == "WR" and "AnswerKey" not in read, where
            shown = read["QuestionText"] + read.get("Feedback", "")
            assert not [t for t in grader_only(q) if expected_text(t) in shown], where


def export(worksheet: m.Worksheet) -> bytes:
    return BrightspaceExporter().export(worksheet)


def test_reads_back_question_by_question(worksheet_all_kinds):
    compare(worksheet_all_kinds, export(worksheet_all_kinds))


def test_first_version_only_and_the_rest_reported(worksheet_all_kinds):
    assert len(parse(export(worksheet_all_kinds))) == len(worksheet_all_kinds.versions[0].items)
    lines = [d.format() for d in BrightspaceExporter().check(worksheet_all_kinds)]
    assert any(line.startswith("brightspace: left-out: version B: not written") for line in lines)


def test_adaptations_are_reported(worksheet_all_kinds):
    by_question: dict[str, str] = {}
    for d in BrightspaceExporter().check(worksheet_all_kinds):
        subject = d.subject.removeprefix("version A, ")
        by_question[subject] = by_question.get(subject, "") + d.message
    assert "1 extra right-hand item(s) left out" in by_question["question 7 (dc-match)"]
    assert "mark-the-words carried as multiple response" in by_question["question 10 (ib-mark)"]
    assert "numeric carried as short answer with the exact answer" in by_question["question 5 (dc-juche)"]
    assert "tolerance \u00b10.5 has no form" in by_question["question 6 (dc-gap)"]
    assert "rubric, model answer and explanation are left out" in by_question["question 9 (co-open)"]
    assert "question 1 (ib-single)" not in by_question and "question 8 (dc-order)" not in by_question


def test_skill_and_techniques_are_carried(worksheet_all_kinds):
    read = {q["ID"]: q for q in parse(export(worksheet_all_kinds))}
    assert read["ib-single"]["Title"].startswith("01 Which word is loaded?")
    assert read["ib-single"]["Title"].endswith(" \u00b7 Identify bias \u00b7 A2 Loaded language")
    assert read["ib-single"]["Feedback"].endswith("Techniques: glittering-generality, name-calling")
    assert "Outside source" not in read["co-open"].get("Feedback", "")  # an essay's evidence is for graders


def test_numeric_whole_tolerance_becomes_accepted_answers():
    q = m.Numeric(id="n", skill="date-checking", subskill="B1", claims=(), stem="Year?", explanation="",
                  difficulty=1, grade_band="9-10", answer=Decimal("1945"), tolerance=Decimal("1"))
    ws = m.Worksheet(recipe=worksheet_all_kinds().recipe, versions=(m.Version("A", (m.WorksheetItem(1, q, ""),)),))
    assert parse(export(ws))[0]["answers"] == [("100", "1944"), ("100", "1945"), ("100", "1946")]


def test_formula_like_plain_cells_are_neutralised_and_reported():
    q = m.Matching(id="mt", skill="date-checking", subskill="B3", claims=(), stem="Match", explanation="",
                   difficulty=1, grade_band="9-10", pairs=(m.Pair("=1+1", "@SUM(A1)"), m.Pair("a", "b")))
    ws = m.Worksheet(recipe=worksheet_all_kinds().recipe, versions=(m.Version("A", (m.WorksheetItem(1, q, ""),)),))
    (read,) = parse(export(ws))
    assert read["choices"] == {"1": "'=1+1", "2": "a"} and read["matches"] == {"1": "'@SUM(A1)", "2": "b"}
    messages = " ".join(d.message for d in BrightspaceExporter().check(ws))
    assert "a matching item starting with = + - or @ got a leading '" in messages


def test_negative_numeric_answer_is_not_neutralised():
    q = m.Numeric(id="n", skill="date-checking", subskill="B5", claims=(), stem="Change?", explanation="",
                  difficulty=1, grade_band="9-10", answer=Decimal("-12"))
    ws = m.Worksheet(recipe=worksheet_all_kinds().recipe, versions=(m.Version("A", (m.WorksheetItem(1, q, ""),)),))
    assert parse(export(ws))[0]["answers"] == [("100", "-12")]


def test_export_is_deterministic(worksheet_all_kinds):
    assert export(worksheet_all_kinds) == export(worksheet_all_kinds)


@settings(max_examples=examples(40), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(extra=hostile_text())
def test_hostile_text_survives(extra):
    worksheet = worksheet_all_kinds(extra)
    compare(worksheet, export(worksheet))


def test_very_long_text_survives():
    worksheet = worksheet_all_kinds(long_text())
    compare(worksheet, export(worksheet))


def test_forbidden_characters_are_dropped_and_reported():
    worksheet = worksheet_all_kinds("\x00\x0b")
    assert b"\x00" not in export(worksheet)
    lines = [d.format() for d in BrightspaceExporter().check(worksheet)]
    assert "brightspace: adapted: version A, question 3 (co-tf): characters the format cannot hold were dropped " \
           "(U+0000, U+000B)" in lines
