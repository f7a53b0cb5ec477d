"""Blackboard Learn upload file: the documented line rules, read back question by question, properties.

No schema exists for the format; the rules checked are the ones Blackboard's
"Upload Questions" help states for Original and Ultra courses: a UTF-8 text
file, no header row, no blank lines, one question per line, fields separated
by tabs, the type first, ``correct``/``incorrect`` and ``true``/``false`` in
English, as many matches as answers in MAT, numbers in NUM.
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from conftest import examples
from hypothesis import HealthCheck, given, settings

from quizgen import model as m
from quizgen.exporters.blackboard import BlackboardExporter
from quizgen.printed import format_number

from .sample import worksheet_all_kinds
from .support import expected_text, grader_only, hostile_text, html_to_text, listed, long_text, passage_words, plan_of

TYPES = {"MC", "MA", "TF", "ESS", "ORD", "MAT", "FIB", "FIB_PLUS", "NUM", "SR", "OP", "JUMBLED_SENTENCE"}


def parse(data: bytes) -> list[list[str]]:
    """Split the file as Blackboard does and check every documented line rule."""
    assert not data.startswith(b"\xef\xbb\xbf"), "a BOM would corrupt the first type field"
    text = data.decode("utf-8")
    assert "\r" not in text
    assert text.endswith("\n")
    rows = [line.split("\t") for line in text[:-1].split("\n")]
    for row in rows:
        assert row[0] in TYPES, row[0]
        assert all(field != "" for field in row[1:]), "blank lines and empty fields are rejected"
        if row[0] in ("MC", "MA"):
            assert len(row) % 2 == 0 and all(v in ("correct", "incorrect") for v in row[3::2])
            correct = row[3::2].count("correct")
            assert correct == 1 if row[0] == "MC" else correct >= 1
        elif row[0] == "TF":
            assert len(row) == 3 and row[2] in ("true", "false")
        elif row[0] == "MAT":
            assert len(row) % 2 == 0 and len(row) >= 4
        elif row[0] == "NUM":
            assert len(row) in (3, 4)
            [Decimal(v) for v in row[2:]]
        elif row[0] == "ESS":
            assert len(row) in (2, 3)
    return rows


def _plain(text: str) -> str:
    """What a FIB answer should read back as: one line, formula starts neutralised."""
    text = " ".join(re.split(r"[\t\r\n]+", expected_text(text))).strip()
    if text[:1] in ("=", "+", "-", "@") and not re.match(r"^-?\d+(\.\d+)?$", text):
        text = "'" + text
    return text


def expected_rows(worksheet: m.Worksheet) -> list[list]:
    """Return, per question of the first version, its type and decoded fields (texts as the plan put them)."""
    rows = []
    ((_version, carried),) = plan_of("blackboard", worksheet).written()
    for c in carried:
        q = c.plan.question
        text = expected_text(c.text)
        if isinstance(q, m.SingleChoice):
            rows.append(["MC", text, *[(expected_text(ch.text), ch.correct) for ch in q.choices]])
        elif isinstance(q, m.MultipleResponse):
            rows.append(["MA", text, *[(expected_text(ch.text), ch.correct) for ch in q.choices]])
        elif isinstance(q, m.TrueFalse):
            rows.append(["TF", text, "true" if q.answer else "false"])
        elif isinstance(q, m.ShortAnswer):
            rows.append(["FIB", text, *[_plain(a) for a in listed(q.answers)]])
        elif isinstance(q, m.Numeric):
            if q.unit:
                assert expected_text(f"Answer in {q.unit}.") in text
            row = ["NUM", text, format_number(q.answer)]
            if q.tolerance:
                row.append(format_number(q.tolerance))
            rows.append(row)
        elif isinstance(q, m.Matching):
            rows.append(["MAT", text, *[(expected_text(p.left), expected_text(p.right)) for p in q.pairs]])
        elif isinstance(q, m.Ordering):
            # Each item, as printed, matched to its position.
            rows.append(["MAT", text, *[(expected_text(t), str(q.items.index(t) + 1)) for t in c.plan.item.shuffled]])
        elif isinstance(q, m.OpenResponse):
            rows.append(["ESS", text])
        elif isinstance(q, m.MarkTheWords):
            words = passage_words(q.passage, q.optional)
            marked = sorted(w for phrase in q.answers for w in passage_words(phrase))
            rows.append(["MA", text, q, words, marked])
    return rows


def decode(row: list[str]) -> list:
    kind, text, rest = row[0], html_to_text(row[1]), row[2:]
    if kind in ("MC", "MA"):
        return [kind, text, *[(html_to_text(a), c == "correct") for a, c in zip(rest[::2], rest[1::2])]]
    if kind == "MAT":
        return [kind, text, *[(html_to_text(a), html_to_text(b)) for a, b in zip(rest[::2], rest[1::2])]]
    return [kind, text, *rest]


def compare(worksheet: m.Worksheet, data: bytes) -> None:
    got = [decode(row) for row in parse(data)]
    want = expected_rows(worksheet)
    assert len(got) == len(want)
    for g, w in zip(got, want):
        if len(w) > 2 and isinstance(w[2], m.MarkTheWords):
            # Every word of the passage is an answer, one word each; the words of the phrases are the correct ones.
            assert g[:2] == w[:2] and [a for a, _ok in g[2:]] == w[3]
            assert sorted(a for a, ok in g[2:] if ok) == w[4]
        else:
            assert g == w
    for item in worksheet.versions[0].items:  # no sample answer: it could be shown to students
        for text in grader_only(item.question):
            assert expected_text(text) not in html_to_text(data.decode("utf-8"))


def export(worksheet: m.Worksheet) -> bytes:
    return BlackboardExporter().export(worksheet)


def test_reads_back_question_by_question(worksheet_all_kinds):
    compare(worksheet_all_kinds, export(worksheet_all_kinds))


def test_first_version_only_and_the_rest_reported(worksheet_all_kinds):
    rows = parse(export(worksheet_all_kinds))
    assert len(rows) == len(worksheet_all_kinds.versions[0].items)
    lines = [d.format() for d in BlackboardExporter().check(worksheet_all_kinds)]
    assert "blackboard: left-out: version B: not written: a Blackboard upload fills one test, so only version A " \
           "is exported; export this one with --version B" in lines


def test_every_adaptation_and_loss_is_reported_once_per_question(worksheet_all_kinds):
    diagnostics = BlackboardExporter().check(worksheet_all_kinds)
    text = {}
    for d in diagnostics:
        if d.subject.endswith(")"):
            text.setdefault(d.subject.rsplit("(", 1)[1][:-1], []).append(d.message)
    assert "ordering carried as matching" in " ".join(text["dc-order"])
    assert "1 extra right-hand item(s) left out" in " ".join(text["dc-match"])
    assert "mark-the-words carried as multiple response" in " ".join(text["ib-mark"])
    assert "rubric, model answer and explanation are left out" in " ".join(text["co-open"])
    assert "partial credit" in " ".join(text["ib-multi"])
    for item in worksheet_all_kinds.versions[0].items:
        lost = [msg for msg in text[item.question.id] if msg.startswith("the upload format has no field for")]
        assert len(lost) == 1 and "question id and skill tags" in lost[0]
        assert ("explanation (feedback)" in lost[0]) == (item.question.kind != "open-response")
    assert "choice feedback" in " ".join(text["ib-single"])
    assert "points (4;" in " ".join(text["co-open"])


def test_numeric_tolerance_is_carried():
    q = m.Numeric(id="n", skill="date-checking", subskill="B1", claims=(), stem="Year?", explanation="",
                  difficulty=1, grade_band="9-10", answer=Decimal("1945"), tolerance=Decimal("1.50"))
    ws = m.Worksheet(recipe=worksheet_all_kinds().recipe, versions=(m.Version("A", (m.WorksheetItem(1, q, "1945"),)),))
    assert parse(export(ws)) == [["NUM", "<p>Year?</p>", "1945", "1.5"]]


def test_too_many_answers_are_left_out_and_reported():
    choices = tuple(m.Choice(f"choice {i}", i == 0) for i in range(101))
    q = m.SingleChoice(id="big", skill="identify-bias", subskill="A1", claims=(), stem="Which?", explanation="",
                       difficulty=1, grade_band="9-10", choices=choices)
    ws = m.Worksheet(recipe=worksheet_all_kinds().recipe, versions=(m.Version("A", (m.WorksheetItem(1, q, "A"),)),))
    assert export(ws) == b""
    messages = [d.format() for d in BlackboardExporter().check(ws)]
    assert "blackboard: left-out: question 1 (big): 101 answers: Blackboard accepts at most 100" in messages


def test_formula_like_answers_are_neutralised_but_numbers_are_not():
    q = m.ShortAnswer(id="s", skill="date-checking", subskill="B1", claims=(), stem="?", explanation="",
                      difficulty=1, grade_band="9-10", answers=("=SUM(A1)", "-12", "a\tb\nc"))
    ws = m.Worksheet(recipe=worksheet_all_kinds().recipe, versions=(m.Version("A", (m.WorksheetItem(1, q, ""),)),))
    assert parse(export(ws))[0][2:] == ["'=SUM(A1)", "-12", "a b c", "'=SUM(A1).", "'-12.", "a b c."]  # '-12.' is no number to a spreadsheet
    assert "accepted answers were put on one line" in " ".join(d.message for d in BlackboardExporter().check(ws))


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
    assert b"\x00" not in export(worksheet) and b"\x0b" not in export(worksheet)
    lines = [d.format() for d in BlackboardExporter().check(worksheet)]
    assert "blackboard: adapted: version A, question 3 (co-tf): characters the format cannot hold were dropped (U+0000, U+000B)" \
        in lines
