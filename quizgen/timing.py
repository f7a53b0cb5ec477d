"""How long a worksheet takes: minutes per question kind, a question's own time, a version's total.

The table is a classroom estimate for a student who reads the excerpt a
question prints and answers on paper; a question whose excerpt or task is
longer than its kind's usual says so in the bank (``minutes:``). A version's
estimate is the sum, rounded up to the next 5 minutes, and is printed on the
worksheet's first page. A recipe may give the time the class has
(``minutes:``, ``--minutes``): the build warns, naming the version, when an
estimate is longer.
"""

from __future__ import annotations

import math
from decimal import Decimal

from quizgen import model
from quizgen.errors import Diagnostic, Location

#: Minutes a question of each kind usually takes, reading its excerpt included.
MINUTES_PER_KIND: dict[str, Decimal] = {
    "true-false": Decimal("1.5"),
    "single-choice": Decimal(2),
    "multiple-response": Decimal("2.5"),
    "numeric": Decimal("2.5"),
    "short-answer": Decimal("2.5"),
    "mark-the-words": Decimal(3),
    "ordering": Decimal(4),
    "matching": Decimal(4),
    "open-response": Decimal(7),
}

#: Estimates are rounded up to a multiple of this many minutes.
ROUND_TO = 5


def question_minutes(question: model.Question) -> Decimal:
    """Return the minutes a question takes: its own ``minutes``, else its kind's."""
    return question.minutes if question.minutes is not None else MINUTES_PER_KIND[question.kind]


def version_minutes(version: model.Version) -> int:
    """Return a version's estimated working time in minutes, rounded up to ``ROUND_TO``."""
    total = sum((question_minutes(item.question) for item in version.items), Decimal(0))
    return max(ROUND_TO, math.ceil(total / ROUND_TO) * ROUND_TO)


def over_time(worksheet: model.Worksheet) -> list[Diagnostic]:
    """Return a warning for each version whose estimate is longer than the recipe's ``minutes``."""
    recipe = worksheet.recipe
    if recipe.minutes is None:
        return []
    where = Location(recipe.path or "recipe", None, "minutes")
    return [
        Diagnostic(where, f"version {v.letter} takes about {version_minutes(v)} minutes, longer than the {recipe.minutes}"
                          " the recipe gives (estimate: README, 'Working time')", severity="warning")
        for v in worksheet.versions if version_minutes(v) > recipe.minutes
    ]
