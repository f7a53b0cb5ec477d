"""How every kind of question scores: one table, read by the exports and by marking.

Each question kind has one rule (``RULES``; docs/scoring.md prints the same
table for teachers). ``scoring_of`` turns a question into a ``Scoring``:
its points and the parts a response can get right, each with what it is
worth. The export plan reads it to declare scoring to an LMS (Moodle
fractions, QTI mappings, Canvas's per-pair scores, CC weights), so a
format that gives partial credit gives this partial credit; marking reads
the same description to score a student's response, so a class marked by
quizgen and the same class marked by its LMS agree wherever the LMS can
follow the rule. A response scorer takes a ``Scoring`` and a response and
adds up the values of the parts the response got right, floored at 0.

Mark the words is scored by words, not phrases: a phrase to mark counts as
each of its words (``passage_words``), so "living hell" is two correct
words and a student who marks "hell" alone earns one share. Listing
phrases as choices among single words gave the answers away (the
multi-word choices were exactly the answers).
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from decimal import Decimal

from quizgen import model
from quizgen.printed import format_number

# --------------------------------------------------------------------------
# The table


@dataclass(frozen=True)
class Rule:
    """How one kind scores, in a teacher's words."""

    #: Short name, used in the export plan and in docs/scoring.md.
    name: str
    #: Whether part of an answer earns part of the points.
    partial: bool
    #: The rule as a teacher reads it.
    text: str


RULES: dict[str, Rule] = {
    "single-choice": Rule("right choice", False, "The correct choice earns the points; any other choice, or none, earns 0."),
    "true-false": Rule("right choice", False, "The correct answer (True or False) earns the points; the other, or none, earns 0."),
    "multiple-response": Rule(
        "each choice", True,
        "Each correct choice ticked earns points ÷ (number of correct choices); each wrong choice ticked takes "
        "away as much; the total is never below 0.",
    ),
    "short-answer": Rule(
        "accepted answer", False,
        "Any accepted answer earns the points; case, and spaces at either end, do not matter.",
    ),
    "numeric": Rule(
        "within tolerance", False,
        "A number within the tolerance of the answer (answer ± tolerance, ends included) earns the points; "
        "a unit written after it does not matter.",
    ),
    "matching": Rule(
        "each pair", True,
        "Each left-hand item matched to its right-hand item earns points ÷ (number of items); an extra "
        "right-hand item costs nothing.",
    ),
    "ordering": Rule(
        "each position", True,
        "Each item in its right position earns points ÷ (number of items).",
    ),
    "open-response": Rule(
        "rubric", True,
        "Marked by the teacher with the rubric: Proficient earns the points, Emergent half of them, Basic 0.",
    ),
    "mark-the-words": Rule(
        "each word", True,
        "Each word to mark that is marked earns points ÷ (number of words to mark; a phrase counts as its "
        "words); each other word marked takes away as much, except the words of a phrase credited either way, "
        "which earn and cost nothing; the total is never below 0.",
    ),
}


# --------------------------------------------------------------------------
# A question's scoring


@dataclass(frozen=True)
class Part:
    """One thing a response can get right or wrong, and what choosing it is worth.

    A choice (its text), a word of a passage, a left-hand item of a
    matching question (``answer`` is its match) or a position of an
    ordering question ("1", "2" …; ``answer`` is the item that belongs
    there). ``value`` is what the part adds to the score when the response
    picks it (a choice, a word) or gets it right (a pair, a position); it
    is negative for a wrong choice or word.
    """

    key: str
    correct: bool
    value: Decimal
    answer: str = ""
    #: For a word of a passage: its index among all the passage's words (from 0), as
    #: response files number them (quizgen.responses.passage_words); -1 for a word
    #: of a phrase missing from the passage.
    index: int | None = None


@dataclass(frozen=True)
class Scoring:
    """How one question scores: its rule, its points and its parts."""

    kind: str
    points: int
    parts: tuple[Part, ...] = ()
    #: Accepted answers of a short answer (compared without case or outer spaces).
    accepted: tuple[str, ...] = ()
    #: A numeric question's answer, tolerance and unit.
    number: Decimal | None = None
    tolerance: Decimal = Decimal(0)
    unit: str = ""

    @property
    def rule(self) -> Rule:
        """Return the rule of this kind."""
        return RULES[self.kind]

    @property
    def partial(self) -> bool:
        """Return whether part of an answer earns part of the points."""
        return self.rule.partial

    @property
    def correct_parts(self) -> tuple[Part, ...]:
        """Return the parts a full-marks response picks or gets right."""
        return tuple(p for p in self.parts if p.correct)


#: The smallest share of points: exports write shares with 4 decimals.
UNIT = Decimal("0.0001")


def shares(points: int | Decimal, count: int) -> list[Decimal]:
    """Split ``points`` into ``count`` shares with 4 decimals that add up exactly, the larger ones last.

    1 point in 3 → 0.3333, 0.3333, 0.3334: no two shares differ by more
    than 0.0001, however many parts there are.
    """
    if count <= 0:
        return []
    units = int(Decimal(points) / UNIT)
    base, extra = divmod(units, count)
    return [UNIT * (base + (1 if n >= count - extra else 0)) for n in range(count)]


def each_choice(points: int, keys: list[str], correct: list[bool]) -> tuple[Part, ...]:
    """Return the parts of an "each choice" rule: right ones share the points, wrong ones cost one share."""
    right = shares(points, max(1, sum(correct)))
    out, n = [], 0
    for key, ok in zip(keys, correct):
        if ok:
            out.append(Part(key, True, right[n]))
            n += 1
        else:
            out.append(Part(key, False, -right[0]))
    return tuple(out)


def scoring_of(question: model.Question) -> Scoring:
    """Return how ``question`` scores (its choices, pairs and items in the order it holds them)."""
    q, points = question, question.points
    if isinstance(q, model.SingleChoice):
        return Scoring(q.kind, points, tuple(Part(c.text, c.correct, Decimal(points if c.correct else 0)) for c in q.choices))
    if isinstance(q, model.TrueFalse):
        return Scoring(q.kind, points, (Part("True", q.answer, Decimal(points if q.answer else 0)),
                                        Part("False", not q.answer, Decimal(0 if q.answer else points))))
    if isinstance(q, model.MultipleResponse):
        return Scoring(q.kind, points, each_choice(points, [c.text for c in q.choices], [c.correct for c in q.choices]))
    if isinstance(q, model.ShortAnswer):
        return Scoring(q.kind, points, accepted=tuple(q.answers))
    if isinstance(q, model.Numeric):
        return Scoring(q.kind, points, number=q.answer, tolerance=q.tolerance, unit=q.unit)
    if isinstance(q, model.Matching):
        return Scoring(q.kind, points, tuple(
            Part(p.left, True, share, p.right) for p, share in zip(q.pairs, shares(points, len(q.pairs)))))
    if isinstance(q, model.Ordering):
        return Scoring(q.kind, points, tuple(
            Part(str(n), True, share, text) for n, (text, share) in enumerate(zip(q.items, shares(points, len(q.items))), 1)))
    if isinstance(q, model.MarkTheWords):
        words = passage_words(q.passage, q.answers, q.optional)
        parts = each_choice(points, [w.text for w in words], [w.marked for w in words])
        return Scoring(q.kind, points, tuple(dataclasses.replace(p, index=w.index) for p, w in zip(parts, words)))
    if isinstance(q, model.OpenResponse):
        return Scoring(q.kind, points)
    raise TypeError(f"no scoring rule for question kind {q.kind!r}")


def rubric_points(points: int) -> dict[str, Decimal]:
    """Return what each rubric level earns: Proficient all the points, Emergent half, Basic 0."""
    return {"proficient": Decimal(points), "emergent": Decimal(points) / 2, "basic": Decimal(0)}


# --------------------------------------------------------------------------
# Mark the words: the words of a passage


#: A word: letters or digits, with apostrophes and hyphens inside or after it
#: ("40-year-long", "imperialists’"); quotes and other punctuation stay out.
WORD = re.compile(r"\w[\w'’\-]*")


@dataclass(frozen=True)
class Word:
    """One word of a passage to mark: its text, where it stands, and whether it is to be marked.

    ``start`` and ``end`` index the passage and ``index`` counts the
    passage's words from 0 (every word, as a response file numbers them); a
    word of a phrase that is not in the passage (which the bank check
    refuses) stands after it with ``start == end == index == -1``.
    """

    text: str
    start: int
    end: int
    marked: bool
    index: int = -1


def passage_words(passage: str, phrases: tuple[str, ...] | list[str], optional: tuple[str, ...] | list[str] = ()
                  ) -> tuple[Word, ...]:
    """Return the words of ``passage`` a student may mark, in order, each marked when inside a phrase to mark.

    Every occurrence is its own word: "the" inside "tumbling … to the
    grave" is to be marked, the "the" before "East" is not. Each phrase
    takes its first occurrence (whole words only) that no longer phrase
    has taken; longer phrases are placed first. The words of an
    ``optional`` phrase (credited either way) are left out: marking them
    earns and costs nothing, so they are nobody's choice.
    """
    either: list[tuple[int, int]] = []
    for phrase in optional:
        span = _find_phrase(passage, phrase, either) if phrase and phrase.strip() else None
        if span is not None:
            either.append(span)
    taken: list[tuple[int, int]] = list(either)
    missing: list[str] = []
    for phrase in sorted((p for p in phrases if p and p.strip()), key=len, reverse=True):
        span = _find_phrase(passage, phrase, taken)
        if span is None:
            missing.append(phrase)
        else:
            taken.append(span)
    taken = taken[len(either):]
    words = [
        Word(m.group(), m.start(), m.end(), any(a <= m.start() and m.end() <= b for a, b in taken), n)
        for n, m in enumerate(WORD.finditer(passage))
        if not any(a <= m.start() and m.end() <= b for a, b in either)
    ]
    for phrase in missing:
        words += [Word(m.group(), -1, -1, True) for m in WORD.finditer(phrase)]
    return tuple(words)


def _find_phrase(passage: str, phrase: str, taken: list[tuple[int, int]]) -> tuple[int, int] | None:
    pattern = re.compile(r"(?<![\w'’\-])" + re.escape(phrase.strip()) + r"(?![\w'’\-])")
    for match in pattern.finditer(passage):
        if not any(a < match.end() and match.start() < b for a, b in taken):
            return match.span()
    return None


# --------------------------------------------------------------------------
# Numeric answers for formats that only compare typed text


#: Whole numbers listed at most for a numeric tolerance.
MAX_LISTED = 21


def typed_numbers(scoring: Scoring) -> list[str]:
    """Return a numeric answer as the typed answers a text-matching format accepts.

    Every whole number within the tolerance when answer and tolerance are
    whole numbers (at most MAX_LISTED of them): for whole-number answers
    such as years that is exactly the rule. Otherwise only the exact answer:
    then a format without a numeric type cannot follow the rule, and says so.
    """
    answer, tol = scoring.number, scoring.tolerance
    if tol and answer == answer.to_integral_value() and tol == tol.to_integral_value() and 2 * tol + 1 <= MAX_LISTED:
        return [str(n) for n in range(int(answer - tol), int(answer + tol) + 1)]
    return [format_number(answer)]
