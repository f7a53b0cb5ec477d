"""Parametric questions: generators that give each version its own numbers.

A parametric question in the bank names a generator and lists ``cases``:
values taken from the sources (a Juche date as written, two dated events…).
Instantiating it with a seeded ``random.Random`` picks a case, computes the
answer, and fills ``{name}`` placeholders in the stem, explanation and
teacher note. The answer is always computed here, never typed by hand, so
it cannot drift from the values it is computed from.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
import string
from dataclasses import dataclass
from decimal import Decimal
from typing import Callable

from quizgen.model import Choice, Numeric, Question, SingleChoice

#: Offset between the two calendars: Juche 1 = 1912, so Gregorian = Juche + 1911.
JUCHE_OFFSET = 1911

#: A case may name which of the question's claims it stands on (their lines
#: are printed with it); not a value of the generator.
CASE_CLAIMS = "claims"


@dataclass(frozen=True)
class Generator:
    """How to turn one case into an answer.

    ``params`` maps each case field to its type; ``quoted`` lists the case
    fields whose text must appear verbatim in a quote of the question's
    claims (so parametric values stay tied to the sources).
    """

    name: str
    doc: str
    params: dict[str, type]
    answer: Callable[[dict], int]
    check: Callable[[dict], str | None]
    distractors: Callable[[dict, int], list[int]]
    quoted: tuple[str, ...] = ()


def _days(case: dict) -> int:
    first = dt.date.fromisoformat(case["first_date"])
    second = dt.date.fromisoformat(case["second_date"])
    return (second - first).days


def _check_dates(case: dict) -> str | None:
    try:
        days = _days(case)
    except ValueError as err:
        return f"dates must be written YYYY-MM-DD ({err})"
    return None if days > 0 else "second_date must come after first_date"


def _near(answer: int, *offsets: int) -> list[int]:
    """Return plausible wrong answers: the answer moved by each offset."""
    return [answer + o for o in offsets]


#: Generators that count years or days between two points. A count can be
#: made three usual ways: the difference (from the 1st to the 2nd is 1 day;
#: what the generators compute), counting both ends (2) or neither (0), so a
#: question built on one says in its stem how to count, and one more or one
#: less than its answer is never offered as a wrong choice.
COUNTING = frozenset({"years-between", "days-between", "start-year"})


GENERATORS: dict[str, Generator] = {
    g.name: g
    for g in (
        Generator(
            "juche-to-gregorian",
            "Convert a Juche year taken from a source to its Gregorian year.",
            {"juche": int, "written": str},
            lambda c: c["juche"] + JUCHE_OFFSET,
            lambda c: None if c["juche"] >= 1 else "juche must be 1 or more (Juche 1 = 1912)",
            # Typical slips: off by one (counting 1911 as Juche 1), and subtracting.
            lambda c, a: [a - 1, a + 1, a - 11],
            quoted=("written",),
        ),
        Generator(
            "gregorian-to-juche",
            "Convert the Gregorian year of a dated event to the Juche year a DPRK text would use.",
            {"year": int, "event": str},
            lambda c: c["year"] - JUCHE_OFFSET,
            lambda c: None if c["year"] >= 1912 else "year must be 1912 or later (Juche 1 = 1912)",
            lambda c, a: [a + 1, a - 1, a + 11],
        ),
        Generator(
            "years-between",
            "Years elapsed between two dated events.",
            {"first_event": str, "first_year": int, "second_event": str, "second_year": int},
            lambda c: c["second_year"] - c["first_year"],
            lambda c: None if c["second_year"] > c["first_year"] else "second_year must be after first_year",
            # Typical slips: ten years out, and a subtraction carried wrongly.
            lambda c, a: [a + 10, a - 10, a + 2, a + 20],
        ),
        Generator(
            "start-year",
            "The start year that a stated duration ending in a known year implies.",
            {"duration": int, "end_year": int, "written": str},
            lambda c: c["end_year"] - c["duration"],
            lambda c: None if 0 < c["duration"] < 200 else "duration must be between 1 and 199 years",
            lambda c, a: [a + 5, a - 5, a + 10],
            quoted=("written",),
        ),
        Generator(
            "anniversary-year",
            "The year in which the Nth anniversary of a dated event falls.",
            {"start_year": int, "nth": int, "event": str},
            lambda c: c["start_year"] + c["nth"],
            lambda c: None if c["nth"] > 0 else "nth must be 1 or more",
            lambda c, a: [a - 1, a + 1, a - 10],
        ),
        Generator(
            "days-between",
            "Days elapsed between two dated events (dates written YYYY-MM-DD).",
            {"first_event": str, "first_date": str, "second_event": str, "second_date": str},
            _days,
            _check_dates,
            # Typical slips: a week out, and a month taken as 30 days when it has 31.
            lambda c, a: [a + 7, a - 7, a + 2, a + 14],
        ),
    )
}


class _StrictFormatter(string.Formatter):
    """Fill only plain ``{name}`` fields; no attribute or index access."""

    def get_field(self, field_name, args, kwargs):
        if field_name.isdigit():  # "{}" arrives numbered: name it as the teacher typed it
            raise KeyError("{}" if field_name == "0" else "{" + field_name + "}")
        if not field_name.isidentifier():
            raise KeyError(field_name)
        return kwargs[field_name], field_name


_FORMATTER = _StrictFormatter()


def fill(template: str, values: dict) -> str:
    """Return ``template`` with ``{name}`` placeholders filled from ``values``.

    Raises KeyError naming an unknown placeholder.
    """
    return _FORMATTER.vformat(template, (), values)


def alternatives(generator: Generator, case: dict, answer: int) -> list[int]:
    """Return the answers a usual alternative way of counting gives: both ends or neither (see COUNTING)."""
    if generator.name not in COUNTING:
        return []
    return [answer + 1, answer - 1]


def distractors(generator: Generator, case: dict, answer: int) -> list[int]:
    """Return the (up to three) wrong choices a single-choice instance offers for ``case``.

    They are the generator's, in its order, less the answer and, for a count,
    any that is not a positive number. quizgen.bankrules checks that none is
    right by a usual alternative way of counting (``alternatives``).
    """
    wrong = [d for d in dict.fromkeys(generator.distractors(case, answer)) if d != answer]
    if generator.name in COUNTING - {"start-year"}:
        wrong = [d for d in wrong if d > 0]
    return wrong[:3]


def case_values(generator: Generator, case: dict) -> dict:
    """Return the case's values plus the computed ``answer`` (and Juche/Gregorian helpers)."""
    values = {k: v for k, v in case.items() if k != CASE_CLAIMS}
    values["answer"] = generator.answer(case)
    return values


def instantiate(question: Question, rng: random.Random) -> Question:
    """Return a concrete copy of a parametric question, drawn with ``rng``.

    A non-parametric question is returned unchanged.
    """
    spec = question.parametric
    if spec is None:
        return question
    generator = GENERATORS[spec.generator]
    case = spec.cases[rng.randrange(len(spec.cases))]
    values = case_values(generator, case)
    answer = values["answer"]
    common = dict(
        stem=fill(question.stem, values),
        explanation=fill(question.explanation, values),
        teacher_note=fill(question.teacher_note, values),
        parametric=None,
        instance=tuple(sorted((k, v) for k, v in values.items())),
    )
    if isinstance(question, SingleChoice):
        wrong = distractors(generator, case, answer)
        choices = (Choice(str(answer), True),) + tuple(Choice(str(d)) for d in wrong)
        return dataclasses.replace(question, choices=choices, **common)
    if isinstance(question, Numeric):
        return dataclasses.replace(question, answer=Decimal(answer), tolerance=Decimal(0), **common)
    raise TypeError(f"parametric questions must be numeric or single-choice, not {question.kind}")
