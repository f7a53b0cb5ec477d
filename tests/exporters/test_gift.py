"""GIFT: parse the export back with two independent parsers and compare, question by question.

* gift-pegjs (npm; tests/node, ``npm install`` there) — a PEG grammar that
  mirrors Moodle's qformat_gift, including ``[id:…]``/``[tag:…]`` comments
  and ``$CATEGORY:``. Every field is compared.
* pygiftparser 1.1 (PyPI) — a regex parser. It cannot read an escaped ``\\}``
  inside the answer block (its answer regex stops at the first ``}``), splits
  matching pairs on the last ``->``, ends a title at an escaped ``\\:`` just
  before the closing ``::``, and skips categories with spaces; where
  one of those applies, only the title and question text are compared.

Both parsers leave some escapes for the caller (noted at each decoder).
"""

from __future__ import annotations

import dataclasses
import json
import re
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from quizgen import model as m
from quizgen.exporters import escaping as esc
from quizgen.exporters import get_exporter
from quizgen.exporters.gift import ORDERING_HINT, general_feedback, question_text, short_answers
from quizgen.exporters.moodle_xml import choice_fractions, matching_pairs, question_name

from .sample import worksheet_all_kinds
from .support import assert_carries, body_must_carry, expected_text, feedback_must_carry, hostile_text, html_to_text, long_text, squash

EXPORTER = get_exporter("gift")
NODE_DIR = Path(__file__).resolve().parents[1] / "node"


# ---------------------------------------------------------------------------
# What each question should read as


def expected_questions(ws: m.Worksheet):
    """Yield (category path, item, question) in export order."""
    several = len(ws.versions) > 1
    for version in ws.versions:
        for skill in [s.id for s in m.SKILLS]:
            path = esc.gift_category([ws.recipe.title] + ([f"Version {version.letter}"] if several else []) + [esc.skill_name(skill)])
            for item in version.items:
                q = item.question
                if q.skill == skill and not (isinstance(q, m.ShortAnswer) and not short_answers(q)):
                    yield path, item, q


def choices_of(q):
    if isinstance(q, m.MarkTheWords):
        return [m.Choice(t, c) for t, c in esc.mark_the_words_choices(q.passage, q.answers, q.optional)]
    return list(q.choices)


def moodle_shortanswer(text: str) -> str:
    """Undo the ``\\*`` escape the way qtype_shortanswer compares (a literal asterisk)."""
    return text.replace("\\*", "*")


# ---------------------------------------------------------------------------
# gift-pegjs


def parse_with_gift_pegjs(data: bytes, tmp_path: Path) -> list[dict]:
    # scripts/test.sh installs both, so a missing one is a broken setup, not a reason to skip.
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is not installed: the gift-pegjs check needs Node.js (sh scripts/test.sh installs it)")
    if not (NODE_DIR / "node_modules" / "gift-pegjs").is_dir():
        pytest.fail("gift-pegjs is not installed: run `npm install` in tests/node (sh scripts/test.sh does)")
    path = tmp_path / "export.gift.txt"
    path.write_bytes(data)
    done = subprocess.run([node, str(NODE_DIR / "parse_gift.js"), str(path)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


_PEG_PLACEHOLDERS = {"&&092;": "\\", "&&058;": ":", "&&035;": "#", "&&061;": "=", "&&123;": "{", "&&125;": "}", "&&126;": "~", "&&010": "\n"}


def peg_plain(text: str) -> str:
    """gift-pegjs does not decode escapes in the right-hand side of a matching pair (its PlainText rule)."""
    for placeholder, char in _PEG_PLACEHOLDERS.items():
        text = text.replace(placeholder, char)
    return text


def compare_gift_pegjs(ws: m.Worksheet, parsed: list[dict]) -> int:
    parsed = list(parsed)
    categories = [p for p in parsed if p["type"] == "Category"]
    questions = [p for p in parsed if p["type"] != "Category"]
    expected = list(expected_questions(ws))
    assert len(questions) == len(expected)
    assert [c["title"] for c in categories] == list(dict.fromkeys(path for path, _, _ in expected))
    for got, (_, item, q) in zip(questions, expected):
        assert got["id"] == q.id
        assert got["tags"] == esc.question_tags(q)
        assert got["title"] == expected_text(question_name(item))
        assert got["stem"]["format"] == "html"
        assert html_to_text(got["stem"]["text"]) == expected_text(question_text(ws, item))
        assert html_to_text((got["globalFeedback"] or {}).get("text", "")) == expected_text(general_feedback(q))
        assert_carries(html_to_text(got["stem"]["text"]), body_must_carry(item), q.id)
        assert_carries(html_to_text((got["globalFeedback"] or {}).get("text", "")), feedback_must_carry(q), q.id)
        if isinstance(q, m.SingleChoice):
            assert got["type"] == "MC"
            assert [(html_to_text(c["text"]["text"]), c["isCorrect"], html_to_text((c["feedback"] or {}).get("text", "")))
                    for c in got["choices"]] == [(expected_text(c.text), c.correct, expected_text(c.feedback)) for c in q.choices]
        elif isinstance(q, (m.MultipleResponse, m.MarkTheWords)):
            assert got["type"] == "MC"
            choices = choices_of(q)
            assert [html_to_text(c["text"]["text"]) for c in got["choices"]] == [expected_text(c.text) for c in choices]
            assert [Decimal(str(c["weight"])) for c in got["choices"]] == [Decimal(f) for f in choice_fractions(choices)]
        elif isinstance(q, m.TrueFalse):
            assert got["type"] == "TF" and got["isTrue"] is q.answer
        elif isinstance(q, m.ShortAnswer):
            assert got["type"] == "Short"
            assert [moodle_shortanswer(c["text"]["text"]).strip() for c in got["choices"]] == [expected_text(a).strip() for a in short_answers(q)]
        elif isinstance(q, m.Numeric):
            assert got["type"] == "Numerical"
            (choice,) = got["choices"]
            assert choice["isCorrect"] and Decimal(str(choice["text"]["number"])) == q.answer
            assert Decimal(str(choice["text"]["range"])) == q.tolerance
        elif isinstance(q, (m.Matching, m.Ordering)):
            assert got["type"] == "Matching"
            pairs = [(html_to_text(p["subquestion"]["text"]), squash(peg_plain(p["subanswer"]))) for p in got["matchPairs"]]
            want = [(expected_text(a), squash(expected_text(b))) for a, b in matching_pairs(q, item)]
            if isinstance(q, m.Matching):
                want += [("", squash(expected_text(d))) for d in q.distractors]
            assert pairs == want
        elif isinstance(q, m.OpenResponse):
            assert got["type"] == "Essay"
    return len(questions)


# ---------------------------------------------------------------------------
# pygiftparser


def pyg_text(raw: str) -> str:
    """pygiftparser turns every ``\\n`` into a newline but keeps other escapes: undo, then unescape."""
    raw = raw.replace("\n", "\\n")
    table = {"\\": "\\", ":": ":", "#": "#", "=": "=", "{": "{", "}": "}", "~": "~", "n": "\n"}
    return re.sub(r"\\([\\:#={}~n])", lambda mt: table[mt.group(1)], raw)


def compare_pygiftparser(ws: m.Worksheet, data: bytes) -> tuple[int, int]:
    """Return (questions compared fully, questions compared on title and text only)."""
    from pygiftparser import parser as pyg

    parsed = pyg.parseFile(data.decode("utf-8").splitlines(keepends=True))
    expected = list(expected_questions(ws))
    assert len(parsed) == len(expected)
    full = partial = 0
    for got, (_, item, q) in zip(parsed, expected):
        if esc.gift_escape(esc.xml_text(question_name(item))).endswith("\\:"):
            partial += 1  # its lazy title regex ends the title at the escaped ":" (Moodle reads it right)
            continue
        assert pyg_text(got.title) == expected_text(question_name(item))
        assert got.markup == "html"
        assert html_to_text(pyg_text(got.text)) == expected_text(question_text(ws, item))
        assert_carries(html_to_text(pyg_text(got.text)), body_must_carry(item), q.id)
        block = data.decode("utf-8").split(f"[id:{q.id}]", 1)[1].split("\n}\n", 1)[0].split("{\n", 1)[1]
        block = re.split(r"(?:^|\n)####", block, maxsplit=1)[0]  # its general-feedback group reaches the last "}", so braces there are fine
        if "\\}" in block or (isinstance(q, (m.Matching, m.Ordering)) and "->" in block.replace(" -> ", "", block.count(" -> "))):
            partial += 1  # outside what pygiftparser's regexes can read (see module docstring)
            continue
        assert html_to_text(pyg_text(got.generalFeedback)) == expected_text(general_feedback(q))
        assert_carries(html_to_text(pyg_text(got.generalFeedback)), feedback_must_carry(q), q.id)
        answers = got.answers
        kind = type(answers).__name__
        if isinstance(q, m.SingleChoice):
            assert kind == "SelectSet"
            assert [(html_to_text(pyg_text(a.answer)), a.select, html_to_text(pyg_text(a.feedback)))
                    for a in answers.answers] == [(expected_text(c.text), c.correct, expected_text(c.feedback)) for c in q.choices]
        elif isinstance(q, (m.MultipleResponse, m.MarkTheWords)):
            assert kind == "MultipleChoicesSet"
            choices = choices_of(q)
            assert [html_to_text(pyg_text(a.answer)) for a in answers.answers] == [expected_text(c.text) for c in choices]
            assert [Decimal(str(a.fraction)) for a in answers.answers] == [Decimal(f) for f in choice_fractions(choices)]
        elif isinstance(q, m.TrueFalse):
            assert kind == "TrueFalseSet" and answers.answer is q.answer
        elif isinstance(q, m.ShortAnswer):
            assert kind == "ShortSet"
            assert [moodle_shortanswer(pyg_text(a.answer)).strip() for a in answers.answers] == [expected_text(a).strip() for a in short_answers(q)]
        elif isinstance(q, m.Numeric):
            assert kind == "NumericAnswerSet"
            (a,) = answers.answers
            assert Decimal(str(a.value)) == q.answer and Decimal(str(a.tolerance)) == q.tolerance
        elif isinstance(q, (m.Matching, m.Ordering)):
            assert kind == "MatchingSet"
            pairs = [(html_to_text(pyg_text(a.question.strip())), pyg_text(a.answer.strip())) for a in answers.answers]
            want = [(expected_text(a), expected_text(b).strip()) for a, b in matching_pairs(q, item)]
            if isinstance(q, m.Matching):
                want += [("", expected_text(d).strip()) for d in q.distractors]
            assert pairs == want
        elif isinstance(q, m.OpenResponse):
            assert kind == "Essay"
        full += 1
    return full, partial


# ---------------------------------------------------------------------------
# Tests


def test_gift_pegjs_reads_every_question(worksheet_all_kinds, tmp_path):
    data = EXPORTER.export(worksheet_all_kinds)
    assert compare_gift_pegjs(worksheet_all_kinds, parse_with_gift_pegjs(data, tmp_path)) == 20


def test_pygiftparser_reads_every_question(worksheet_all_kinds):
    data = EXPORTER.export(worksheet_all_kinds)
    full, partial = compare_pygiftparser(worksheet_all_kinds, data)
    assert full + partial == 20
    assert full == 16  # ib-single and dc-match hold an escaped "}" in their answers, out of its reach


def test_layout_rules(worksheet_all_kinds):
    """No blank line inside a question, no question line starting with //, categories first."""
    text = EXPORTER.export(worksheet_all_kinds).decode("utf-8")
    for block in text.strip("\n").split("\n\n"):
        lines = block.split("\n")
        assert all(line.strip() for line in lines)
        if block.startswith("$CATEGORY:"):
            assert len(lines) == 1
            continue
        assert lines[0].startswith("// [id:")
        assert all(not line.lstrip().startswith("//") for line in lines[1:])
        assert lines[1].startswith("::") and lines[-1] == "}"
        assert all(line[:1] in ("=", "~", "#", "T", "F", "}") for line in lines[2:])


def test_multiple_response_uses_moodle_fractions_only(worksheet_all_kinds):
    text = EXPORTER.export(worksheet_all_kinds).decode("utf-8")
    weights = set(re.findall(r"^~%(-?[\d.]+)%", text, re.M))
    assert weights == {"33.33333", "-33.33333"}


def test_adaptations_are_reported(worksheet_all_kinds):
    marks = "but GIFT has no marks: Moodle imports it at 1 mark (set the mark after import, or use moodle-xml)"
    assert [d.format() for d in EXPORTER.check(worksheet_all_kinds)] == [
        f"gift: adapted: question ib-multi: worth 2 points, {marks}",
        "gift: adapted: question dc-gap: numeric unit 'years' written after the question text (GIFT has no units)",
        "gift: adapted: question dc-order: ordering carried as matching: each item is matched to its position (GIFT has no ordering type)",
        "gift: adapted: question co-open: essay: the rubric and model answer are in the general feedback (GIFT has no grader information), so students see them after submitting",
        f"gift: adapted: question co-open: worth 4 points, {marks}",
        "gift: adapted: question ib-mark: mark-the-words carried as multiple response: the loaded phrases and every other word of the passage are the choices; the stem says 'Select' instead of 'Mark'",
    ]
    assert esc.gift_escape(ORDERING_HINT) in EXPORTER.export(worksheet_all_kinds).decode()


def test_short_answer_starting_with_a_format_marker_keeps_it():
    # Moodle reads a leading "[html]" as the answer's format and drops it; "[moodle]" goes first.
    ws = worksheet_all_kinds()
    short = next(i for v in ws.versions for i in v.items if isinstance(i.question, m.ShortAnswer))
    q = dataclasses.replace(short.question, answers=("[html]raw", "plain"))
    one = dataclasses.replace(ws, versions=(dataclasses.replace(ws.versions[0], items=(dataclasses.replace(short, question=q),)),))
    text = EXPORTER.export(one).decode()
    assert "=%100%[moodle][html]raw" in text and "=%100%plain" in text


def test_short_answer_with_arrow_is_adapted_and_reported():
    ws = worksheet_all_kinds("a->b")
    lines = [d.format() for d in EXPORTER.check(ws)]
    assert "gift: adapted: question co-short: accepted answers left out: 'Soviet Red Armya->b', 'Red Armya->b' (Moodle reads '->' as matching)" in lines
    text = EXPORTER.export(ws).decode()
    assert "=%100%소련군" in text and "=%100%Soviet" not in text


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(hostile_text())
def test_hostile_text_round_trips_through_gift_pegjs(tmp_path, text):
    ws = worksheet_all_kinds(text)
    compare_gift_pegjs(ws, parse_with_gift_pegjs(EXPORTER.export(ws), tmp_path))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(hostile_text())
def test_hostile_text_round_trips_through_pygiftparser(text):
    ws = worksheet_all_kinds(text)
    compare_pygiftparser(ws, EXPORTER.export(ws))


def test_very_long_text(tmp_path):
    ws = worksheet_all_kinds(long_text())
    data = EXPORTER.export(ws)
    compare_gift_pegjs(ws, parse_with_gift_pegjs(data, tmp_path))
    compare_pygiftparser(ws, data)
