"""quizgen.scoring: the one table of how every kind scores, its parts and shares, and the page that states it."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quizgen import model as m
from quizgen.scoring import RULES, passage_words, scoring_of, shares, typed_numbers

DOC = Path(__file__).resolve().parents[1] / "docs" / "scoring.md"


def _q(cls, **fields):
    common = dict(id="q", skill="identify-bias", subskill="A2", claims=(), stem="?", explanation="", difficulty=1,
                  grade_band="9-10")
    return cls(**(common | fields))


def test_every_kind_has_one_rule_and_the_page_states_it():
    assert set(RULES) == set(m.QUESTION_KINDS)
    doc = DOC.read_text(encoding="utf-8")
    for kind, rule in RULES.items():
        row = f"| {kind} | {rule.name} | {'yes' if rule.partial else 'no'} | {rule.text} |"
        assert row in doc, f"docs/scoring.md does not state the {kind} rule as quizgen.scoring does"


@given(st.integers(min_value=0, max_value=50), st.integers(min_value=1, max_value=3000))
def test_shares_add_up_exactly_and_differ_by_a_unit_at_most(points, count):
    parts = shares(points, count)
    assert len(parts) == count and sum(parts) == points
    assert max(parts) - min(parts) <= Decimal("0.0001") and parts == sorted(parts)


def test_multiple_response_right_choices_share_the_points_and_wrong_ones_cost_a_share():
    q = _q(m.MultipleResponse, points=2, choices=(m.Choice("a", True), m.Choice("b"), m.Choice("c", True),
                                                   m.Choice("d", True)))
    values = [p.value for p in scoring_of(q).parts]
    assert values == [Decimal("0.6666"), Decimal("-0.6666"), Decimal("0.6667"), Decimal("0.6667")]
    assert sum(p.value for p in scoring_of(q).correct_parts) == 2 and scoring_of(q).partial


def test_matching_and_ordering_give_a_share_per_pair_or_position():
    match = scoring_of(_q(m.Matching, points=3, pairs=(m.Pair("x", "1"), m.Pair("y", "2"), m.Pair("z", "3")),
                          distractors=("4",)))
    assert [(p.key, p.answer, p.value) for p in match.parts] == [("x", "1", 1), ("y", "2", 1), ("z", "3", 1)]
    order = scoring_of(_q(m.Ordering, points=1, items=("first", "second")))
    assert [(p.key, p.answer, p.value) for p in order.parts] == [("1", "first", Decimal("0.5")),
                                                                  ("2", "second", Decimal("0.5"))]


def test_mark_the_words_splits_a_phrases_share_over_its_words_for_the_exports():
    q = _q(m.MarkTheWords, passage="Korea turned literally into a living hell, and its people were living in a "
                                   "desperate situation.", answers=("living hell", "desperate"))
    words = passage_words(q.passage, q.answers)
    assert [w.text for w in words if w.marked] == ["living", "hell", "desperate"]
    # The second "living" stands outside the phrase: marking it costs a share.
    assert [w.marked for w in words if w.text == "living"] == [True, False]
    parts = scoring_of(q).parts
    assert [p.key for p in parts] == [w.text for w in words]
    assert [p.index for p in parts] == list(range(len(words)))  # as a response file numbers the words
    # Two phrases, half a point each: "living hell" a quarter per word, "desperate" half; any other word -1/2.
    assert [p.value for p in parts if p.correct] == [Decimal("0.25"), Decimal("0.25"), Decimal("0.5")]
    assert {p.value for p in parts if not p.correct} == {Decimal("-0.5")}


def test_an_optional_phrase_is_no_part_at_all():
    q = _q(m.MarkTheWords, passage="The fascist forces were rampant in the East.", answers=("rampant",),
           optional=("fascist forces",))
    parts = scoring_of(q).parts
    assert [(p.key, p.index) for p in parts] == [("The", 0), ("were", 3), ("rampant", 4), ("in", 5), ("the", 6),
                                                  ("East", 7)]


def test_the_exports_parts_score_the_key_as_marking_does():
    """Ticking exactly the words of the phrases earns the points, in the exports' parts and in quizgen.scoring.score."""
    from fractions import Fraction

    from quizgen import paths
    from quizgen.assemble import whole_bank
    from quizgen.bank import load_bank
    from quizgen.scoring import score, scoring_record

    for item in whole_bank(load_bank(paths.bank_dir())).versions[0].items:
        q = item.question
        if not isinstance(q, m.MarkTheWords):
            continue
        parts = scoring_of(q).parts
        assert sum(p.value for p in parts if p.correct) == q.points, q.id
        position = {"kind": q.kind, "points": q.points, "scoring": scoring_record(item), "position": 1}
        marked = [p.key for p in parts if p.correct]
        from quizgen.scoring import words as fold

        assert score(position, [w for k in marked for w in fold(k)]).points == Fraction(q.points), q.id


@pytest.mark.parametrize("passage, phrases, marked", [
    # Whole words only: "war" is not inside "waging", "Japanese" not inside "anti-Japanese".
    ("by waging the long anti-Japanese war", ("war", "Japanese"), ["war", "Japanese"]),
    # Punctuation stays out of a word; apostrophes and hyphens inside it stay in.
    ("the 40-year-long Japanese imperialists’ vicious rule.", ("imperialists’", "vicious"), ["imperialists’", "vicious"]),
    # A longer phrase is placed first, so a shorter one cannot take its words.
    ("the heroic Leader and the heroic army", ("heroic", "heroic Leader"), ["heroic", "Leader", "heroic"]),
])
def test_passage_words(passage, phrases, marked):
    words = passage_words(passage, phrases)
    assert [w.text for w in words if w.marked] == marked
    assert all(re.fullmatch(r"\w[\w'’\-]*", w.text) for w in words)


@pytest.mark.parametrize("answer, tolerance, typed", [
    ("1945", "0", ["1945"]), ("1945", "2", ["1943", "1944", "1945", "1946", "1947"]),
    ("2.5", "0.1", ["2.5"]), ("1945", "100", ["1945"]),
])
def test_typed_numbers_follow_the_tolerance_where_they_can(answer, tolerance, typed):
    q = _q(m.Numeric, answer=Decimal(answer), tolerance=Decimal(tolerance))
    assert typed_numbers(scoring_of(q)) == typed


def test_every_question_of_the_shipped_bank_has_a_scoring_whose_full_marks_are_its_points():
    from quizgen import paths
    from quizgen.assemble import whole_bank
    from quizgen.bank import load_bank

    for item in whole_bank(load_bank(paths.bank_dir())).versions[0].items:
        scoring = scoring_of(item.question)
        if scoring.parts:
            assert sum(p.value for p in scoring.correct_parts) == item.question.points, item.question.id
        assert scoring.points == item.question.points
