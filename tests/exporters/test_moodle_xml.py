"""Moodle XML: read the export back with lxml and compare it with the worksheet, question by question."""

from __future__ import annotations

import dataclasses

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from lxml import etree

from quizgen import model as m
from quizgen.exporters import escaping as esc
from quizgen.exporters import get_exporter
from quizgen.exporters.moodle_xml import MOODLE_FRACTIONS, choice_fractions, moodle_fraction, question_name, rubric_text

from .sample import worksheet_all_kinds
from .support import expected_text, hostile_text, html_to_text, long_text

EXPORTER = get_exporter("moodle-xml")


def read_back(data: bytes):
    """Return (categories in order, {category: [question elements]}) from Moodle XML bytes."""
    root = etree.fromstring(data)
    assert root.tag == "quiz"
    current = None
    out: dict[str, list] = {}
    for q in root.findall("question"):
        if q.get("type") == "category":
            current = q.findtext("category/text")
            out.setdefault(current, [])
        else:
            assert current is not None, "a question before any category"
            out[current].append(q)
    return out


def text_of(el, path: str) -> str:
    node = el.find(path)
    assert node is not None, path
    fmt = node.get("format") if node.tag != "text" else None
    raw = node.findtext("text") if node.tag != "text" else (node.text or "")
    raw = raw or ""
    return html_to_text(raw) if fmt == "html" and raw else raw


def expected_body(ws, item) -> str:
    q = item.question
    body = esc.question_text(ws, item, passage=q.passage if isinstance(q, m.MarkTheWords) else "")
    if isinstance(q, m.Ordering):
        body += "\n\nFor each item, choose its place in the order (1 = first)."
    return expected_text(body)


def compare(ws: m.Worksheet, data: bytes) -> int:
    """Assert every question of every version came back intact; return how many were checked."""
    categories = read_back(data)
    checked = 0
    for version in ws.versions:
        for item in version.items:
            q = item.question
            version_part = [f"Version {version.letter}"] if len(ws.versions) > 1 else []
            cat = esc.moodle_category([ws.recipe.title, *version_part, esc.skill_name(q.skill)])
            found = [el for el in categories[cat] if el.findtext("idnumber") == q.id]
            assert len(found) == 1, (cat, q.id)
            el = found[0]
            assert el.findtext("name/text") == expected_text(question_name(item))
            assert text_of(el, "questiontext") == expected_body(ws, item)
            assert text_of(el, "generalfeedback") == expected_text(esc.feedback_text(q))
            assert el.findtext("defaultgrade") == str(q.points)
            assert [t.text for t in el.findall("tags/tag/text")] == esc.question_tags(q)
            answers = el.findall("answer")
            if isinstance(q, (m.SingleChoice, m.MultipleResponse, m.MarkTheWords)):
                assert el.get("type") == "multichoice"
                if isinstance(q, m.MarkTheWords):
                    choices = [m.Choice(t, c) for t, c in esc.mark_the_words_choices(q.passage, q.answers, q.optional)]
                else:
                    choices = list(q.choices)
                assert el.findtext("single") == ("true" if isinstance(q, m.SingleChoice) else "false")
                assert [text_of(a, ".") if False else html_to_text(a.findtext("text")) for a in answers] == [expected_text(c.text) for c in choices]
                assert [text_of(a, "feedback") for a in answers] == [expected_text(c.feedback) for c in choices]
                fractions = [a.get("fraction") for a in answers]
                assert all(f.lstrip("-") in MOODLE_FRACTIONS + ("0",) for f in fractions)
                if isinstance(q, m.SingleChoice):
                    assert fractions == ["100" if c.correct else "0" for c in choices]
                else:
                    # Right choices share the 100 (qtype_multichoice save_question_options wants
                    # the positive fractions to add up to it); every wrong one is negative.
                    assert [not f.startswith("-") for f in fractions] == [c.correct for c in choices], q.id
                    positive = sum(Decimal(f) for f in fractions if not f.startswith("-"))
                    assert round(positive / 100, 2) == 1
            elif isinstance(q, m.TrueFalse):
                assert {a.findtext("text"): a.get("fraction") for a in answers} == (
                    {"true": "100", "false": "0"} if q.answer else {"true": "0", "false": "100"})
            elif isinstance(q, m.ShortAnswer):
                assert [a.findtext("text") for a in answers] == [expected_text(a).replace("*", "\\*") for a in q.answers]
                assert {a.get("fraction") for a in answers} == {"100"}
            elif isinstance(q, m.Numeric):
                (a,) = answers
                assert Decimal(a.findtext("text")) == q.answer
                assert Decimal(a.findtext("tolerance")) == q.tolerance
                assert (el.findtext("units/unit/unit_name") or "") == q.unit
            elif isinstance(q, (m.Matching, m.Ordering)):
                assert el.get("type") == "matching"
                subs = [(text_of(s, "."), s.findtext("answer/text")) for s in el.findall("subquestion")]
                if isinstance(q, m.Matching):
                    want = [(p.left, p.right) for p in q.pairs] + [("", d) for d in q.distractors]
                else:
                    want = [(t, str(q.items.index(t) + 1)) for t in item.shuffled]
                assert subs == [(expected_text(a), expected_text(b)) for a, b in want]
            elif isinstance(q, m.OpenResponse):
                assert el.get("type") == "essay"
                assert text_of(el, "graderinfo") == expected_text(rubric_text(q))
            checked += 1
    return checked


def test_every_question_comes_back(worksheet_all_kinds):
    data = EXPORTER.export(worksheet_all_kinds)
    assert compare(worksheet_all_kinds, data) == 20


def test_one_category_per_version_and_skill(worksheet_all_kinds):
    categories = list(read_back(EXPORTER.export(worksheet_all_kinds)))
    assert categories == [
        "$course$/top/Liberation 1945: sample // all kinds/Version A/Identify bias",
        "$course$/top/Liberation 1945: sample // all kinds/Version A/Check dates",
        "$course$/top/Liberation 1945: sample // all kinds/Version A/Corroborate",
        "$course$/top/Liberation 1945: sample // all kinds/Version B/Identify bias",
        "$course$/top/Liberation 1945: sample // all kinds/Version B/Check dates",
        "$course$/top/Liberation 1945: sample // all kinds/Version B/Corroborate",
    ]


def test_parametric_numeric_differs_per_version(worksheet_all_kinds):
    root = etree.fromstring(EXPORTER.export(worksheet_all_kinds))
    answers = [q.findtext("answer/text") for q in root.iter("question") if q.findtext("idnumber") == "dc-juche"]
    assert answers == ["1945", "1948"]


def test_adaptations_are_reported(worksheet_all_kinds):
    lines = [d.format() for d in EXPORTER.check(worksheet_all_kinds)]
    assert lines == [
        "moodle-xml: adapted: question dc-order: ordering carried as matching: each item is matched to its position (Moodle has no core ordering type)",
        "moodle-xml: adapted: question ib-mark: mark-the-words carried as multiple response: the loaded phrases and every other word of the passage are the choices; the stem says 'Select' instead of 'Mark'",
    ]


@pytest.mark.parametrize(("share", "fraction"), [(100, "100"), (Decimal(100) / 3, "33.33333"), (Decimal(100) / 6, "16.66667"),
                                                 (Decimal(-100) / 7, "-14.28571"), (Decimal("33.3"), "33.33333"), (0, "0")])
def test_fractions_come_from_moodles_list(share, fraction):
    assert moodle_fraction(share) == fraction


def test_multiple_response_wrong_choices_cost_one_share():
    choices = [m.Choice("a", True), m.Choice("b", True), m.Choice("c", True), m.Choice("d")]
    assert choice_fractions(choices) == ["33.33333", "33.33333", "33.33333", "-33.33333"]


def test_forbidden_characters_are_dropped_and_reported():
    ws = worksheet_all_kinds("x\x00y\x0b")
    data = EXPORTER.export(ws)
    assert b"\x00" not in data
    compare(ws, data)
    assert any("U+0000, U+000B" in d.format() for d in EXPORTER.check(ws))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(hostile_text())
def test_hostile_text_round_trips(text):
    ws = worksheet_all_kinds(text)
    compare(ws, EXPORTER.export(ws))


def test_very_long_text_round_trips():
    ws = worksheet_all_kinds(long_text())
    compare(ws, EXPORTER.export(ws))


def test_question_names_keep_text_after_a_less_than_sign(worksheet_all_kinds):
    # Moodle strips tags from names, so "3 < 5" would end at "3 ": the name uses a look-alike.
    item = worksheet_all_kinds.versions[0].items[0]
    q = dataclasses.replace(item.question, stem="Is 3 < 5 in <b>bold</b>?")
    name = question_name(dataclasses.replace(item, question=q))
    assert "<" not in name and name.endswith("Is 3 \u2039 5 in \u2039b>bold\u2039/b>?")
