"""Moodle XML: read the export back with lxml and compare it with the worksheet, question by question."""

from __future__ import annotations

import dataclasses
import re
from decimal import Decimal

import pytest
from conftest import examples
from hypothesis import HealthCheck, given, settings
from lxml import etree

from quizgen import model as m
from quizgen import printed
from quizgen.exporters import escape as esc
from quizgen.exporters import get_exporter, wording
from quizgen.exporters.moodle import MOODLE_FRACTIONS, moodle_fraction

from .sample import worksheet_all_kinds
from .support import (
    assert_carries,
    body_must_carry,
    expected_text,
    feedback_must_carry,
    grader_only,
    hostile_text,
    html_to_text,
    long_text,
    plan_of,
    passage_words,
    single_words,
)

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


def compare(ws: m.Worksheet, data: bytes) -> int:
    """Assert every question of every version came back as planned; return how many were checked."""
    categories = read_back(data)
    checked = 0
    for version, carried in plan_of("moodle-xml", ws).written():
        for c in carried:
            q, original = c.question, c.plan.question
            version_part = [f"Version {version.letter}"] if len(ws.versions) > 1 else []
            cat = esc.moodle_category([ws.recipe.title, *version_part, printed.skill_name(q.skill)])
            found = [el for el in categories[cat] if el.findtext("idnumber") == q.id]
            assert len(found) == 1, (cat, q.id)
            el = found[0]
            assert el.findtext("name/text") == expected_text(c.name)
            assert text_of(el, "questiontext") == expected_text(c.text)
            assert_carries(text_of(el, "questiontext"), body_must_carry(c.plan.item, unit=False), q.id)
            assert text_of(el, "generalfeedback") == expected_text(c.feedback)
            assert_carries(text_of(el, "generalfeedback"), feedback_must_carry(original), q.id)
            assert el.findtext("defaultgrade") == str(q.points)
            assert [t.text for t in el.findall("tags/tag/text")] == wording.question_tags(q)
            answers = el.findall("answer")
            if isinstance(original, (m.SingleChoice, m.MultipleResponse, m.MarkTheWords)):
                assert el.get("type") == "multichoice"
                if isinstance(original, m.MarkTheWords):
                    # Every word of the passage in order, one word each; the marked ones right.
                    words = [html_to_text(a.findtext("text")) for a in answers]
                    assert single_words(words) and words == passage_words(original.passage, original.optional)
                    right = [w for w, a in zip(words, answers) if not a.get("fraction").startswith("-")]
                    assert sorted(right) == sorted(w for phrase in original.answers for w in passage_words(phrase))
                choices = list(q.choices)
                assert el.findtext("single") == ("true" if isinstance(q, m.SingleChoice) else "false")
                assert [html_to_text(a.findtext("text")) for a in answers] == [expected_text(ch.text) for ch in choices]
                assert [text_of(a, "feedback") for a in answers] == [expected_text(ch.feedback) for ch in choices]
                fractions = [a.get("fraction") for a in answers]
                assert all(f.lstrip("-") in MOODLE_FRACTIONS + ("0",) for f in fractions)
                if isinstance(q, m.SingleChoice):
                    assert fractions == ["100" if ch.correct else "0" for ch in choices]
                else:
                    # Right choices share the 100 (qtype_multichoice save_question_options wants
                    # the positive fractions to add up to it); every wrong one is negative.
                    assert [not f.startswith("-") for f in fractions] == [ch.correct for ch in choices], q.id
                    positive = sum(Decimal(f) for f in fractions if not f.startswith("-"))
                    # Each choice's share of quizgen.scoring (a phrase's share split over its words), as the
                    # nearest grade on Moodle's list; where every one is on the list they add up to 100.
                    percents = [p.value * 100 / c.scoring.points for p in c.scoring.parts]
                    assert fractions == [moodle_fraction(v) for v in percents], q.id
                    if all(abs(Decimal(f) - v) < Decimal("0.01") for f, v in zip(fractions, percents)):
                        assert abs(positive - 100) < Decimal("0.01"), q.id
                    else:  # off the list: the plan notes it
                        assert any("Moodle's grade list" in n.message for n in c.notes), q.id
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
            elif isinstance(original, (m.Matching, m.Ordering)):
                assert el.get("type") == "matching"
                subs = [(text_of(s, "."), s.findtext("answer/text")) for s in el.findall("subquestion")]
                if isinstance(original, m.Matching):
                    want = [(p.left, p.right) for p in original.pairs] + [("", d) for d in original.distractors]
                else:
                    want = [(t, str(original.items.index(t) + 1)) for t in c.plan.item.shuffled]
                assert subs == [(expected_text(a), expected_text(b)) for a, b in want]
            elif isinstance(q, m.OpenResponse):
                assert el.get("type") == "essay"
                grader = text_of(el, "graderinfo")
                assert grader == expected_text(c.grader)
                assert_carries(grader, grader_only(original), q.id)
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
        "moodle-xml: adapted: version A, question 8 (dc-order): ordering carried as matching: each item is matched "
        "to its position (Moodle has no core ordering type)",
        "moodle-xml: adapted: version A, question 10 (ib-mark): mark-the-words carried as multiple response (Moodle "
        "has no mark-the-words type): every word of the passage is a choice, in order, and the 6 words to mark are "
        "the correct ones; the stem says 'Select' instead of 'Mark'",
    ]


@pytest.mark.parametrize(("share", "fraction"), [(100, "100"), (Decimal(100) / 3, "33.33333"), (Decimal(100) / 6, "16.66667"),
                                                 (Decimal(-100) / 7, "-14.28571"), (Decimal("33.3"), "33.33333"), (0, "0")])
def test_fractions_come_from_moodles_list(share, fraction):
    assert moodle_fraction(share) == fraction


def test_multiple_response_wrong_choices_cost_one_share():
    from quizgen.exporters.moodle import choice_fractions

    ws = worksheet_all_kinds()
    (multi,) = [c for _, cs in plan_of("moodle-xml", ws).written()[:1] for c in cs if c.question.id == "ib-multi"]
    # ib-multi: three right of five, worth 2 points: each right choice a third, each wrong one minus a third.
    assert [ch.correct for ch in multi.question.choices] == [True, True, False, True, False]
    assert choice_fractions(multi) == ["33.33333", "33.33333", "-33.33333", "33.33333", "-33.33333"]


def test_forbidden_characters_are_dropped_and_reported():
    ws = worksheet_all_kinds("x\x00y\x0b")
    data = EXPORTER.export(ws)
    assert b"\x00" not in data
    compare(ws, data)
    assert any("U+0000, U+000B" in d.format() for d in EXPORTER.check(ws))


@settings(max_examples=examples(40), deadline=None, suppress_health_check=[HealthCheck.too_slow])
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
    ws = dataclasses.replace(worksheet_all_kinds, versions=(m.Version("A", (dataclasses.replace(item, question=q),)),))
    root = etree.fromstring(EXPORTER.export(ws))
    name = [el.findtext("name/text") for el in root.findall("question") if el.get("type") != "category"][0]
    assert "<" not in name and name.endswith("Is 3 \u2039 5 in \u2039b>bold\u2039/b>?")
