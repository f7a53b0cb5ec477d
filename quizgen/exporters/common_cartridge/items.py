"""The Common Cartridge profile's item types: each carried question mapped onto one or several of them.

The CC QTI profile allows six item types only (Schematron rules in
``ccv1p1_qtiasiv1p2p1_v1p0.xsd``); ``plan_items`` decides, per question,
which items it becomes, with their choices, answers and weights, and notes
each change. The writer (``assessment``) only serialises these ``CcItem``s.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from quizgen import model
from quizgen.exporters import escape
from quizgen.exporters.plan import adapted, question_text
from quizgen.printed import letter_of

if TYPE_CHECKING:
    from quizgen.exporters.plan import Carried

MULTIPLE_CHOICE = "cc.multiple_choice.v0p1"
MULTIPLE_RESPONSE = "cc.multiple_response.v0p1"
TRUE_FALSE = "cc.true_false.v0p1"
FILL_IN_BLANK = "cc.fib.v0p1"
ESSAY = "cc.essay.v0p1"


@dataclass
class CcChoice:
    """One response label: its ident, text, whether it is correct, feedback (all plain text)."""

    ident: str
    text: str
    correct: bool
    feedback: str = ""


@dataclass
class CcItem:
    """One QTI item of the cartridge, decided by ``adapt``; the writer only serialises it."""

    profile: str
    text: str
    weight: int
    #: 0 for the question's only item, else the number of the part (ident and title say "_k", "(k/n)").
    part: int = 0
    parts: int = 1
    choices: list[CcChoice] = field(default_factory=list)
    #: Accepted answers of a fill-in-the-blank item (plain text).
    answers: list[str] = field(default_factory=list)
    essay_lines: int = 4


def _split_points(points: int, parts: int) -> list[int]:
    """Share ``points`` over ``parts`` items as whole weights 1..99 (cc_weighting, rule 2c)."""
    if points < parts:
        return [1] * parts
    base, extra = divmod(points, parts)
    return [min(99, base + (1 if i < extra else 0)) for i in range(parts)]


def _weight(points: int) -> int:
    return min(99, max(1, points))


def _is_true_false_pair(texts: list[str]) -> bool:
    return sorted(t.strip().casefold() for t in texts) == ["false", "true"]


def _choice_item(choices: list[tuple[str, bool, str]], text: str, weight: int, what: str = "the question"):
    """Return a choice item and its note: multiple choice with 3+ choices, else the closest allowed type."""
    cc_choices = [CcChoice(letter_of(n), t, ok, fb) for n, (t, ok, fb) in enumerate(choices)]
    n_correct = sum(ok for _t, ok, _fb in choices)
    if len(choices) >= 3 and n_correct == 1:
        return CcItem(MULTIPLE_CHOICE, text, weight, choices=cc_choices), None
    if len(choices) == 2 and n_correct == 1 and _is_true_false_pair([t for t, _ok, _fb in choices]):
        # Moodle's CC importer (backup/cc/entity11.quiz.class.php) only accepts
        # the label idents "true" and "false" for a true/false item.
        for choice in cc_choices:
            choice.ident = choice.text.strip().casefold()
        return CcItem(TRUE_FALSE, text, weight, choices=cc_choices), adapted(
            f"{what} has two choices, True and False: carried as true/false")
    note = None
    if n_correct == 1:
        note = adapted(f"{what} has {len(choices)} choices and the CC profile needs at least 3 for multiple choice: "
                       "carried as multiple response (tick boxes), right only when the correct choice alone is ticked")
    return CcItem(MULTIPLE_RESPONSE, text, weight, choices=cc_choices), note


def _parts(carried: Carried, prompts: list[str], options: list[str], correct: list[str], what: str):
    """Return one multiple-choice item per prompt (matching and ordering have no CC type), and the notes."""
    q = carried.question
    weights = _split_points(q.points, len(prompts))
    items, notes = [], []
    for k, (prompt, right, weight) in enumerate(zip(prompts, correct, weights), start=1):
        text = question_text(carried.plan, carried.stem, prompt)
        item, note = _choice_item([(o, o == right, "") for o in options], text, weight, f"part {k}")
        item.part, item.parts = k, len(prompts)
        items.append(item)
        notes += [note] if note else []
    total = sum(weights)
    worth = f"worth {total} points in all" + ("" if total == q.points else f" instead of {q.points}")
    return items, [adapted(f"{what} carried as {len(prompts)} multiple-choice questions ({worth})"), *notes]


def plan_items(carried: Carried):
    """Return the CC items a carried question becomes, and the notes on what changed."""
    q = carried.question
    weight = _weight(q.points)
    if isinstance(q, (model.SingleChoice, model.MultipleResponse)):
        item, note = _choice_item([(c.text, c.correct, c.feedback) for c in q.choices], carried.text, weight)
        notes = [note] if note else []
        if isinstance(q, model.MultipleResponse) and carried.plan.question.kind == "multiple-response":
            notes.append(adapted("partial credit: CC 1.1 can only set the score of the whole answer, so the importing "
                                 "LMS decides partial credit (Moodle and Canvas give it per correct choice)"))
        return [item], notes
    if isinstance(q, model.TrueFalse):
        return [CcItem(TRUE_FALSE, carried.text, weight, choices=[
            CcChoice("true", "True", q.answer is True), CcChoice("false", "False", q.answer is False)])], []
    if isinstance(q, model.ShortAnswer):
        return [CcItem(FILL_IN_BLANK, carried.text, weight, answers=[escape.xml_text(a) for a in q.answers])], []
    if isinstance(q, model.Matching):
        options = list(carried.shuffled) or [p.right for p in q.pairs] + list(q.distractors)
        return _parts(carried, [f"Match: {p.left}" for p in q.pairs], options, [p.right for p in q.pairs],
                      "matching (one question per left-hand item)")
    if isinstance(q, model.Ordering):
        n = len(q.items)
        return _parts(carried, [f"Which comes in position {k} of {n}?" for k in range(1, n + 1)],
                      list(carried.shuffled) or list(q.items), list(q.items), "ordering (one question per position)")
    if isinstance(q, model.OpenResponse):
        return [CcItem(ESSAY, carried.text, weight, essay_lines=q.lines)], []
    raise AssertionError(q.kind)  # pragma: no cover - a new kind must be mapped here
