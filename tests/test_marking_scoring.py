"""Scoring: one table for every kind; the key scores full marks, an empty answer zero; partial credit as declared."""

from __future__ import annotations

import json
from decimal import Decimal
from fractions import Fraction

import pytest

from quizgen import manifest, scoring
from quizgen.marking.answers import typed_answer


@pytest.fixture(scope="module")
def bank_positions():
    """Every question of the shipped bank, as manifest positions (one version holding the whole bank)."""
    from quizgen import paths
    from quizgen.assemble import whole_bank
    from quizgen.bank import load_bank

    worksheet = whole_bank(load_bank(paths.bank_dir()))
    return worksheet, manifest.make_manifest(worksheet)


def test_every_kind_has_a_rule():
    from quizgen.model import QUESTION_KINDS

    assert set(scoring.RULES) == set(QUESTION_KINDS)
    partial = {kind for kind, rule in scoring.RULES.items() if rule.partial}
    assert partial == {"multiple-response", "matching", "ordering", "mark-the-words", "open-response"}


def test_key_scores_full_and_blank_scores_zero_for_every_question_of_the_bank(bank_positions):
    _, record = bank_positions
    positions = record["versions"][0]["positions"]
    assert len(positions) > 150
    for p in positions:
        key = scoring.score(p, scoring.key_answer(p))
        blank = scoring.score(p, None)
        assert blank == scoring.Score(Fraction(0), Fraction(p["points"]), scoring.BLANK), p["question"]
        if p["kind"] == "open-response":
            assert key.status == scoring.TO_MARK and key.points is None, p["question"]
            assert scoring.score_marked(p, Fraction(p["points"])).status == scoring.CORRECT
        else:
            assert key == scoring.score(p, scoring.key_answer(p)) and key.status == scoring.CORRECT, p["question"]
            assert key.points == p["points"]


def test_the_printed_key_read_back_from_a_marks_sheet_scores_full_marks(bank_positions):
    """The answer key's own text ("1-C, 2-A", "3-1-2", "A, C", "True"), typed on a marks sheet, is right."""
    _, record = bank_positions
    for p in record["versions"][0]["positions"]:
        if p["kind"] in ("open-response", "mark-the-words"):
            continue
        key = p["key"].split(" ± ")[0] if p["kind"] == "numeric" else p["key"]
        assert scoring.score(p, typed_answer(p, key)).status == scoring.CORRECT, (p["question"], p["key"])


def test_manifest_validates_against_its_schema(bank_positions):
    jsonschema = pytest.importorskip("jsonschema")
    from quizgen.marking.schema import MANIFEST_SCHEMA

    _, record = bank_positions
    jsonschema.validate(json.loads(manifest.dump(record)), MANIFEST_SCHEMA)
    broken = json.loads(manifest.dump(record))
    del broken["versions"][0]["positions"][0]["scoring"]["correct"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, MANIFEST_SCHEMA)


def _position(kind: str, points: int = 1, **rec) -> dict:
    return {"kind": kind, "points": points, "scoring": rec, "position": 1}


@pytest.mark.parametrize("answer, points, status", [
    (["A", "C"], Fraction(2), scoring.CORRECT),
    (["A"], Fraction(1), scoring.PARTIAL),
    (["A", "B"], Fraction(0), scoring.WRONG),  # one right, one wrong: 1/2 - 1/2
    (["A", "C", "D"], Fraction(1), scoring.PARTIAL),
    (["B", "D"], Fraction(0), scoring.WRONG),  # never below 0
    ([], Fraction(0), scoring.BLANK),
])
def test_multiple_response_right_minus_wrong(answer, points, status):
    p = _position("multiple-response", 2, letters=list("ABCD"), correct=["A", "C"])
    assert scoring.score(p, answer) == scoring.Score(points, Fraction(2), status)


def test_multiple_response_agrees_with_the_moodle_exports_fractions():
    """For every subset of choices, the scoring equals the sum of the Moodle XML fractions, clamped at 0."""
    from itertools import combinations

    from quizgen import model
    from quizgen.exporters import get_exporter
    from quizgen.exporters.moodle_xml import choice_fractions
    from quizgen.exporters.plan import plan_format

    for correct in ([0], [0, 2], [0, 1, 3], [1, 2, 3, 4]):
        choices = tuple(model.Choice(str(i), i in correct) for i in range(5))
        question = model.MultipleResponse(id="q", skill="identify-bias", subskill="A2", claims=(), stem="?",
                                          explanation="", difficulty=1, grade_band="9-10", choices=choices)
        sheet = model.Worksheet(recipe=model.Recipe(title="t", instructions="", questions=()),
                                versions=(model.Version("A", (model.WorksheetItem(1, question, ""),)),))
        ((_, (carried,)),) = plan_format(sheet, get_exporter("moodle-xml")).written()
        fractions = [Decimal(f) for f in choice_fractions(carried)]
        p = _position("multiple-response", 1, letters=list("ABCDE"), correct=[chr(65 + i) for i in correct])
        for size in range(1, 6):
            for chosen in combinations(range(5), size):
                moodle = max(Decimal(0), sum(fractions[i] for i in chosen)) / 100
                ours = scoring.score(p, [chr(65 + i) for i in chosen]).points
                assert abs(Decimal(ours.numerator) / ours.denominator - moodle) < Decimal("0.0001"), (correct, chosen)


def test_matching_and_ordering_give_a_share_per_part():
    matching = _position("matching", 3, prompts=["x", "y", "z"], options=["P", "Q", "R", "S"], correct=["B", "D", "A"])
    assert scoring.score(matching, {1: "B", 2: "A", 3: "A"}).points == 2
    assert scoring.score(matching, {1: "B", 2: None, 3: None}).status == scoring.PARTIAL
    ordering = _position("ordering", 4, items=list("wxyz"), correct=[3, 1, 4, 2])
    assert scoring.score(ordering, [3, 1, 2, 4]).points == 2
    assert scoring.score(ordering, [3, 1, 4, 2]).status == scoring.CORRECT


def test_mark_the_words_counts_phrases_found_minus_wrong_words():
    """banks/README.md: a phrase found earns a share, a word in no phrase costs one, an optional phrase nothing."""
    p = _position("mark-the-words", 1, passage="a living hell and great power", phrases=["living hell", "great power"],
                  phrase_words=[["living", "hell"], ["great", "power"]], words=["great", "hell", "living", "power"],
                  optional_words=["and"], tokens=["a", "living", "hell", "and", "great", "power"])
    assert scoring.score(p, ["living", "hell", "great", "power"]).status == scoring.CORRECT
    assert scoring.score(p, ["hell", "great"]).status == scoring.CORRECT  # one word of each phrase finds it
    assert scoring.score(p, ["living", "hell"]).points == Fraction(1, 2)
    assert scoring.score(p, ["living", "hell", "and"]).points == Fraction(1, 2)  # optional: costs nothing
    assert scoring.score(p, ["living", "hell", "a"]).points == 0
    with pytest.raises(ValueError, match="'heaven' is not a word of the passage"):
        scoring.score(p, ["heaven"])


@pytest.mark.parametrize("text, right", [
    ("1936", True), (" 1936 years", True), ("1,936", True), ("1936.0", True), ("1937", False), ("about 1936", False),
    ("nineteen thirty-six", False), ("1935,5", True), ("1934", False),
])
def test_numeric_with_tolerance_and_unit(text, right):
    p = _position("numeric", 1, answer="1936", tolerance="0.5", unit="years")
    assert scoring.score(p, text).status == (scoring.CORRECT if right else scoring.WRONG)


@pytest.mark.parametrize("text, value", [
    ("1,5", Decimal("1.5")), ("1.5", Decimal("1.5")), ("1 934", Decimal(1934)), ("-3", Decimal(-3)),
    ("−3", Decimal(-3)), ("12,000.5", Decimal("12000.5")), ("34 km", Decimal(34)), ("34km", Decimal(34)),
    ("x", None), ("about 34", None), ("3 4 5x1", None),
])
def test_parse_number(text, value):
    """The practice page's rule (quizgen.responses.parse_number), a unit after the number set aside."""
    assert scoring.parse_number(text) == value


@pytest.mark.parametrize("typed, right", [
    ("Pyongyang", True), ("  PYONGYANG. ", True), ("“Pyongyang”", True), ("Pyong yang", False), ("Seoul", False),
])
def test_short_answer_ignores_case_spacing_quotes_and_a_final_stop(typed, right):
    p = _position("short-answer", 1, accepted=["Pyongyang", "P'yŏngyang"])
    assert scoring.score(p, typed).status == (scoring.CORRECT if right else scoring.WRONG)


@pytest.mark.parametrize("text, answer", [
    ("B", "B"), ("a c", ["A", "C"]), ("AC", ["A", "C"]), ("A,C", ["A", "C"]), ("T", True), ("faux", False),
    ("1C 2A 3B", {1: "C", 2: "A", 3: "B"}), ("1-C, 2-A", {1: "C", 2: "A", 3: None}), ("C A B", {1: "C", 2: "A", 3: "B"}),
    ("3-1-2", [3, 1, 2]), ("312", [3, 1, 2]), ("3 ? 2", [3, None, 2]), ("", None), ("-", None),
    ("3 1 2", [3, 1, 2]), (" 3  1 2 ", [3, 1, 2]), ("3, 1, 2", [3, 1, 2]), ("3.1.2", [3, 1, 2]), ("312.", [3, 1, 2]),
])
def test_typed_answers(text, answer):
    kinds = {str: "single-choice", list: "multiple-response", bool: "true-false", dict: "matching"}
    kind = kinds.get(type(answer), "single-choice")
    if isinstance(answer, list) and isinstance(answer[0], (int, type(None))):
        kind = "ordering"
    p = {"kind": kind, "scoring": {"prompts": ["x", "y", "z"], "items": ["x", "y", "z"]}}
    assert typed_answer(p, text) == answer


@pytest.mark.parametrize("cell", ["3/1/2002", "03/01/2002", "2002-03-01", "03/01/02", "1-Mar", "Mar-01", "1. Mar.",
                                  "01.03.2002"])
def test_an_order_a_spreadsheet_turned_into_a_date_is_named_as_one(cell):
    """Typed as 3-1-2 and saved by Excel or LibreOffice, an order comes back as a date: it was read as the
    places 3, 1 and 2002 (or refused as 'Mar' is not a place); the teacher is told what happened instead."""
    p = {"kind": "ordering", "scoring": {"prompts": [], "items": ["x", "y", "z"]}}
    with pytest.raises(ValueError, match=r"is a date, not an order: .* type the places with spaces \(3 1 2\)"):
        typed_answer(p, cell)


def test_a_value_the_question_cannot_take():
    p = _position("single-choice", 1, letters=list("ABCD"), correct=["B"])
    with pytest.raises(ValueError, match="'F' is not one of the letters A–D"):
        scoring.score(p, "F")
    ordering = _position("ordering", 1, items=list("xyz"), correct=[1, 2, 3])
    assert scoring.check(ordering, [1, 2]) == "2 places given for 3 items"
    assert scoring.check(ordering, [1, 2, 7]) == "7 is not a place from 1 to 3"
