"""How every kind of question scores: one table (``RULES``), for marking and for the exports' partial credit.

Each kind has one rule: its name, whether part of an answer earns part of
the points, and the rule in a teacher's words (docs/marking.md prints the
same table). Marking applies it to the students' answers (``score``). The
LMS exports declare the same partial credit to Moodle and Canvas
(tests/test_marking_scoring.py checks the Moodle export's multiple-response
fractions against ``score``), so a class marked by quizgen and the same
class marked by its LMS agree wherever the LMS can follow the rule; where
it cannot, ``quizgen mark`` lists the answers on which the two disagree.

An answer, as the readers in quizgen.marking hand it to ``score``, is, by
kind: a letter (single choice); a list of letters (multiple response); True
or False; the number as written (numeric); the words as written (short
answer, open response); {prompt number: letter} (matching); the place given
to each printed item, top to bottom (ordering); the words marked (mark the
words). Letters and numbers are those of the version's printed sheet. None,
"" or an empty list is a blank, which scores 0. An open answer that is not
blank is "to mark" until the teacher marks it on the rubric: it is never
counted as 0.

Each position of a build's manifest carries a ``scoring`` record
(``scoring_record``): everything the rules need (the correct letters,
accepted answers, tolerance and unit, the pairs, the order, the words, the
rubric), so marking never reads the bank.

The exports read the same rules as ``Scoring`` (``scoring_of``): a
question's points and the parts a response can get right, each with what it
is worth, which the export plan (quizgen.exporters.plan) turns into Moodle
fractions, QTI mappings, Canvas shares and CC weights. An LMS list of a
passage's words can only give credit word by word, so there a phrase's
share is split over its words (``passage_words``): ticking every word of a
required phrase earns the phrase's share, any other word ticked costs a
whole share. quizgen's own marking finds a phrase by any of its words, as
the rule says; docs/scoring.md sets out where each export can follow it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from quizgen import model
from quizgen.printed import format_number, letter_of
from quizgen.responses import WORD, normalise_text, parse_number as parse_written

@dataclass(frozen=True)
class Rule:
    """How one kind scores, in a teacher's words."""

    #: Short name ("each choice"), written in the manifest's positions and the export plan.
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
        "Any accepted answer earns the points; case, spacing, typographic quotes and a final full stop do not matter.",
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
    "ordering": Rule("each position", True, "Each item in its right position earns points ÷ (number of items)."),
    "open-response": Rule(
        "rubric", True,
        "Marked by the teacher with the rubric: Proficient earns the points, Emergent half of them, Basic 0.",
    ),
    "mark-the-words": Rule(
        "each phrase", True,
        "Each phrase to mark that is found (a word of it marked) earns points ÷ (number of phrases); each other "
        "word marked takes away as much, except the words of a phrase credited either way, which earn and cost "
        "nothing; the total is never below 0 (banks/README.md, \"Marking mark-the-words\").",
    ),
}

#: Statuses of a scored answer.
CORRECT, PARTIAL, WRONG, BLANK, TO_MARK = "correct", "partial", "wrong", "blank", "to mark"

#: Words that mean True or False in the languages an LMS report may be in (Moodle's
#: qtype_truefalse strings 'true'/'false' in its language packs, and their short forms).
TRUE_WORDS = frozenset({"true", "t", "yes", "vrai", "v", "oui", "wahr", "ja", "verdadero", "vero", "verdadeiro",
                        "waar", "sí", "si", "1"})
FALSE_WORDS = frozenset({"false", "f", "no", "faux", "non", "falsch", "nein", "falso", "onwaar", "nee", "0"})


@dataclass(frozen=True)
class Score:
    """What an answer earned: ``points`` of ``maximum`` (None while it is to mark) and a status."""

    points: Fraction | None
    maximum: Fraction
    status: str

    @property
    def counted(self) -> bool:
        """Whether the points are known (not "to mark")."""
        return self.points is not None


# --------------------------------------------------------------------------
# What the manifest records per position


def scoring_record(item: model.WorksheetItem) -> dict:
    """Return what scoring needs of one printed question, as plain JSON data.

    Letters and numbers are those of this version's printed sheet.
    """
    q = item.question
    if isinstance(q, (model.SingleChoice, model.MultipleResponse)):
        return {"letters": [letter_of(i) for i in range(len(q.choices))],
                "correct": [letter_of(i) for i, c in enumerate(q.choices) if c.correct]}
    if isinstance(q, model.TrueFalse):
        return {"answer": q.answer}
    if isinstance(q, model.Numeric):
        return {"answer": format_number(q.answer), "tolerance": format_number(q.tolerance), "unit": q.unit}
    if isinstance(q, model.ShortAnswer):
        return {"accepted": list(q.answers)}
    if isinstance(q, model.Matching):
        options = list(item.shuffled)
        return {"prompts": [p.left for p in q.pairs], "options": options,
                "correct": [letter_of(options.index(p.right)) for p in q.pairs]}
    if isinstance(q, model.Ordering):
        printed = list(item.shuffled or q.items)
        return {"items": printed, "correct": [q.items.index(text) + 1 for text in printed]}
    if isinstance(q, model.MarkTheWords):
        keyed = {w for phrase in q.answers for w in words(phrase)}
        return {"passage": q.passage, "phrases": list(q.answers),
                "phrase_words": [words(phrase) for phrase in q.answers],
                "words": sorted(keyed),
                "optional_words": sorted({w for phrase in q.optional for w in words(phrase)} - keyed),
                "tokens": list(dict.fromkeys(words(q.passage)))}
    if isinstance(q, model.OpenResponse):
        return {"levels": rubric_levels(q), "patterns": [
            {"name": p.name, "description": p.description, "level": p.level} for p in q.rubric.patterns],
            "model_answer": q.model_answer}
    raise TypeError(f"no scoring rule for question kind {q.kind!r}")


def rubric_levels(question: model.OpenResponse) -> list[dict]:
    """Return the rubric's levels, best first, with the points each earns (as text: '1.5')."""
    full = Fraction(question.points)
    return [
        {"name": "Proficient", "points": number_text(full), "text": question.rubric.proficient},
        {"name": "Emergent", "points": number_text(full / 2), "text": question.rubric.emergent},
        {"name": "Basic", "points": "0", "text": question.rubric.basic},
    ]


# --------------------------------------------------------------------------
# Scoring an answer


def score(position: dict, answer: object) -> Score:
    """Return what ``answer`` earns at ``position`` (a manifest position record).

    ``answer`` has the form the module docstring gives for its kind; None
    or an empty value is a blank. Raises ValueError for a value the
    question cannot take (see ``check``).
    """
    kind = position["kind"]
    maximum = Fraction(position["points"])
    if is_blank(answer):
        return Score(Fraction(0), maximum, BLANK)
    problem = check(position, answer)
    if problem:
        raise ValueError(problem)
    if kind == "open-response":
        return Score(None, maximum, TO_MARK)
    share = _SHARE[kind](position["scoring"], answer)
    points = maximum * share
    status = CORRECT if share == 1 else WRONG if share == 0 else PARTIAL
    return Score(points, maximum, status)


def score_marked(position: dict, points: Fraction) -> Score:
    """Return the score of an open answer the teacher marked with ``points``."""
    maximum = Fraction(position["points"])
    status = CORRECT if points == maximum else WRONG if points == 0 else PARTIAL
    return Score(points, maximum, status)


def is_blank(answer: object) -> bool:
    """Return whether an answer is empty: None, blank text, or a list or mapping of blanks."""
    if answer is None:
        return True
    if isinstance(answer, str):
        return not answer.strip()
    if isinstance(answer, dict):
        return all(is_blank(v) for v in answer.values())
    if isinstance(answer, (list, tuple, set, frozenset)):
        return all(is_blank(v) for v in answer)
    return False


def check(position: dict, answer: object) -> str:
    """Return why ``answer`` is not a value the question can take ('' when it can)."""
    kind, rec = position["kind"], position["scoring"]
    if kind == "single-choice":
        return "" if answer in rec["letters"] else f"{_quote(answer)} is not one of the letters {_span(rec['letters'])}"
    if kind == "multiple-response":
        wrong = [a for a in answer if a not in rec["letters"]]
        return f"{_quote(wrong[0])} is not one of the letters {_span(rec['letters'])}" if wrong else ""
    if kind == "true-false":
        return "" if isinstance(answer, bool) else f"{_quote(answer)} is not True or False"
    if kind == "matching":
        letters = [letter_of_index(i) for i in range(len(rec["options"]))]
        for prompt, letter in answer.items():
            if not 1 <= prompt <= len(rec["prompts"]):
                return f"there is no prompt {prompt} (prompts 1–{len(rec['prompts'])})"
            if letter is not None and letter not in letters:
                return f"{_quote(letter)} is not one of the letters {_span(letters)}"
        return ""
    if kind == "ordering":
        count = len(rec["items"])
        if len(answer) != count:
            return f"{len(answer)} places given for {count} items"
        bad = [n for n in answer if n is not None and not 1 <= n <= count]
        return f"{bad[0]} is not a place from 1 to {count}" if bad else ""
    if kind == "mark-the-words":
        known = set(rec["tokens"])
        bad = [w for w in answer if w not in known]
        return f"{_quote(bad[0])} is not a word of the passage" if bad else ""
    return ""


def _share_choice(rec: dict, answer: str) -> Fraction:
    return Fraction(answer in rec["correct"])


def _share_right_minus_wrong(correct: set, chosen: set) -> Fraction:
    right, wrong = len(chosen & correct), len(chosen - correct)
    return max(Fraction(0), Fraction(right - wrong, len(correct)))


def _share_multiple(rec: dict, answer) -> Fraction:
    return _share_right_minus_wrong(set(rec["correct"]), set(answer))


def _share_true_false(rec: dict, answer: bool) -> Fraction:
    return Fraction(answer == rec["answer"])


def _share_numeric(rec: dict, answer) -> Fraction:
    value = parse_number(answer)
    if value is None:
        return Fraction(0)
    return Fraction(abs(value - Decimal(rec["answer"])) <= Decimal(rec["tolerance"]))


def _share_short(rec: dict, answer: str) -> Fraction:
    typed = normalize_text(answer)
    return Fraction(any(typed == normalize_text(a) for a in rec["accepted"]))


def _share_matching(rec: dict, answer: dict) -> Fraction:
    right = sum(1 for n, letter in enumerate(rec["correct"], start=1) if answer.get(n) == letter)
    return Fraction(right, len(rec["correct"]))


def _share_ordering(rec: dict, answer: list) -> Fraction:
    right = sum(1 for given, place in zip(answer, rec["correct"]) if given == place)
    return Fraction(right, len(rec["correct"]))


def _share_words(rec: dict, answer) -> Fraction:
    # A phrase is found when one of its words is marked (its loaded word, as the teacher notes say).
    marked = set(answer)
    found = sum(1 for phrase in rec["phrase_words"] if marked & set(phrase))
    wrong = len(marked - set(rec["words"]) - set(rec.get("optional_words", ())))
    return max(Fraction(0), Fraction(found - wrong, len(rec["phrase_words"])))


_SHARE = {
    "single-choice": _share_choice,
    "multiple-response": _share_multiple,
    "true-false": _share_true_false,
    "numeric": _share_numeric,
    "short-answer": _share_short,
    "matching": _share_matching,
    "ordering": _share_ordering,
    "mark-the-words": _share_words,
}


def key_answer(position: dict) -> object:
    """Return the key's own answer at ``position``, in the form ``score`` takes (it scores full marks)."""
    kind, rec = position["kind"], position["scoring"]
    if kind == "single-choice":
        return rec["correct"][0]
    if kind == "multiple-response":
        return list(rec["correct"])
    if kind == "true-false":
        return rec["answer"]
    if kind == "numeric":
        return rec["answer"]
    if kind == "short-answer":
        return rec["accepted"][0]
    if kind == "matching":
        return dict(enumerate(rec["correct"], start=1))
    if kind == "ordering":
        return list(rec["correct"])
    if kind == "mark-the-words":
        return list(rec["words"])
    return rec["model_answer"]


def answer_text(position: dict, answer: object) -> str:
    """Return an answer as a teacher reads it in the results: 'B', 'A, C', '1-C, 2-A', '3-1-2'."""
    if is_blank(answer):
        return ""
    kind = position["kind"]
    if kind == "multiple-response":
        return ", ".join(sorted(answer))
    if kind == "true-false":
        return "True" if answer else "False"
    if kind == "matching":
        return ", ".join(f"{n}-{answer[n] or '?'}" for n in sorted(answer))
    if kind == "ordering":
        return "-".join("?" if n is None else str(n) for n in answer)
    if kind == "mark-the-words":
        return "; ".join(answer)
    return str(answer)


# --------------------------------------------------------------------------
# Text and numbers as students write them


def words(text: str) -> list[str]:
    """Return the words of ``text``, folded for comparing: 'Living hell,' → ['living', 'hell'].

    Words are what a student can mark in a passage (``WORD``, the exports',
    the pages' and the forms' tokeniser), folded for case, with a closing
    apostrophe or hyphen set aside ("imperialists’" is "imperialists").
    """
    folded = unicodedata.normalize("NFKC", text).casefold()
    return [w.replace("’", "'").rstrip("'-") for w in WORD.findall(folded)]


def normalize_text(text: str) -> str:
    """Return typed text as it is compared with accepted answers (quizgen.responses.normalise_text).

    The practice page checks short answers by the same rule, so a page and
    the marking agree.
    """
    return normalise_text(str(text))


_UNIT = re.compile(r"^(.*?\d[.,]?)\s*[^\W\d_][^\d]*$")


def parse_number(text: object) -> Decimal | None:
    """Return the number a student wrote, or None when it is not a number.

    The practice page's rule (quizgen.responses.parse_number: "1,936" is
    1936, "2,5" is 2.5, spaces ignored), after setting aside a unit written
    after the number ("34 years"): the exports declare units optional and
    ungraded, and on paper a student may write one.
    """
    if isinstance(text, (int, Decimal)) and not isinstance(text, bool):
        return Decimal(text)
    if isinstance(text, float):
        return Decimal(str(text))
    text = str(text).strip()
    value = parse_written(text)
    if value is None:
        unit = _UNIT.match(text)
        value = parse_written(unit.group(1)) if unit else None
    return value


def parse_true_false(text: object) -> bool | None:
    """Return True or False for a word meaning it (in several languages), else None."""
    if isinstance(text, bool):
        return text
    word = normalize_text(str(text))
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    return None


def number_text(value: Fraction | Decimal | int) -> str:
    """Return points as a teacher writes them: 2, 1.5, 0.33 (two decimals at most)."""
    if isinstance(value, int) or (isinstance(value, Fraction) and value.denominator == 1):
        return str(int(value))
    dec = (Decimal(value.numerator) / Decimal(value.denominator)) if isinstance(value, Fraction) else Decimal(value)
    dec = dec.quantize(Decimal("0.01"))
    text = format(dec, "f").rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def letter_of_index(index: int) -> str:
    """Return the letter of a printed choice: 0 → A (quizgen.printed.letter_of)."""
    return letter_of(index)


def _quote(value: object) -> str:
    return repr(value) if isinstance(value, str) else str(value)


def _span(letters: list[str]) -> str:
    return f"{letters[0]}–{letters[-1]}" if len(letters) > 2 else " or ".join(letters)


# --------------------------------------------------------------------------
# The same rules as the exports declare them: a question's parts and what each is worth


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


def _word_parts(q: model.MarkTheWords) -> tuple[Part, ...]:
    """Return a part per word of the passage: a required phrase's share split over its words, any other word -1 share.

    This is the "each phrase" rule as a list of words can carry it: ticking
    every word of a phrase earns the phrase's share; a word in no phrase
    costs a whole share (an optional phrase's words are no part at all).
    """
    words = passage_words(q.passage, q.answers, q.optional)
    phrases = sorted({w.phrase for w in words if w.phrase >= 0})
    per_phrase = dict(zip(phrases, shares(q.points, len(phrases))))
    values: dict[int, Decimal] = {}
    for n in phrases:
        members = [i for i, w in enumerate(words) if w.phrase == n]
        values.update(zip(members, shares(per_phrase[n], len(members))))
    cost = -min(per_phrase.values()) if per_phrase else Decimal(0)
    return tuple(Part(w.text, w.phrase >= 0, values.get(i, cost), index=w.index) for i, w in enumerate(words))


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
        return Scoring(q.kind, points, _word_parts(q))
    if isinstance(q, model.OpenResponse):
        return Scoring(q.kind, points)
    raise TypeError(f"no scoring rule for question kind {q.kind!r}")


# --------------------------------------------------------------------------
# Mark the words: the words of a passage


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
    #: The required phrase it belongs to (its place in the question's ``answers``), or -1.
    phrase: int = -1


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
    spans: dict[int, tuple[int, int]] = {}
    missing: list[int] = []
    order = sorted((n for n, p in enumerate(phrases) if p and p.strip()), key=lambda n: len(phrases[n]), reverse=True)
    for n in order:
        span = _find_phrase(passage, phrases[n], taken)
        if span is None:
            missing.append(n)
        else:
            taken.append(span)
            spans[n] = span

    def phrase_of(start: int, end: int) -> int:
        return next((n for n, (a, b) in spans.items() if a <= start and end <= b), -1)

    words = []
    for i, m in enumerate(WORD.finditer(passage)):
        if any(a <= m.start() and m.end() <= b for a, b in either):
            continue
        n = phrase_of(m.start(), m.end())
        words.append(Word(m.group(), m.start(), m.end(), n >= 0, i, n))
    for n in sorted(missing):
        words += [Word(m.group(), -1, -1, True, -1, n) for m in WORD.finditer(phrases[n])]
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


def typed_answers(accepted: Iterable[str]) -> list[str]:
    """Return accepted short answers as a format that only sets case aside must list them.

    The rule sets a final full stop aside ("Emotional appeal." is right);
    Moodle, Canvas, QTI, Common Cartridge, Blackboard and Brightspace compare
    typed text with each accepted answer, case aside, so each answer is
    listed as written and with the stop added or taken away ("emotional
    appeal", "emotional appeal."). Nothing is listed twice, case aside;
    the answers as written come first (formats show the first as the key).
    """
    out: dict[str, str] = {}  # casefolded → as listed
    answers = list(accepted)
    for answer in answers + [_other_stop(a) for a in answers]:
        if answer.strip(". ") and answer.casefold() not in out:
            out[answer.casefold()] = answer
    return list(out.values())


def _other_stop(answer: str) -> str:
    """Return ``answer`` with a final full stop taken away, or added if it has none."""
    text = answer.rstrip()
    return text.rstrip(".").rstrip() if text.endswith(".") else text + "."
