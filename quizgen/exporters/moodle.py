"""What Moodle's two import formats share (Moodle XML and GIFT): its grade list, conversions, categories, wildcards.

Both are read by Moodle's question bank import (qformat_xml, qformat_gift),
so they carry the kinds Moodle lacks the same way (``MOODLE_CONVERTS``:
ordering becomes matching of each item to its position, since Moodle has no
core ordering type and qtype_ordering is a plugin; mark-the-words becomes
multiple response over the words of the passage), give multiple-response
choices the same fractions and file questions under the same categories.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import TYPE_CHECKING

from quizgen import model as m
from quizgen.exporters.plan import adapted
from quizgen.exporters.wording import skills_in_order
from quizgen.printed import format_number, skill_name

if TYPE_CHECKING:
    from quizgen.exporters.plan import Carried, FormatPlan

#: Moodle's fixed grade list (question_bank::fraction_options_full, Moodle
#: 3.x-4.x), as the exact strings Moodle itself exports: an import with a
#: fraction off this list (33.3 instead of 33.33333) is refused by the
#: question edit form and mis-sums in multiple response.
MOODLE_FRACTIONS: tuple[str, ...] = (
    "100", "90", "83.33333", "80", "75", "70", "66.66667", "60", "50", "40",
    "33.33333", "30", "25", "20", "16.66667", "14.28571", "12.5", "11.11111", "10", "5",
)

#: How a Moodle-based format (Moodle XML, GIFT) carries the kinds Moodle lacks.
MOODLE_CONVERTS = {
    "ordering": ("matching", "Moodle has no core ordering type"),
    "mark-the-words": ("multiple-response", "Moodle has no mark-the-words type"),
}


def moodle_fraction(share: Decimal | float) -> str:
    """Return the fraction string of Moodle's list nearest to ``share`` percent (sign kept)."""
    share = Decimal(str(share))
    if share == 0:
        return "0"
    best = min(MOODLE_FRACTIONS, key=lambda f: abs(Decimal(f) - abs(share)))
    return best if share > 0 else "-" + best


def choice_fractions(carried: Carried) -> list[str]:
    """Return the Moodle fraction of each choice, from the scoring's parts (quizgen.scoring)."""
    scoring = carried.scoring
    return [moodle_fraction(part.value * 100 / scoring.points) if scoring.points else "0" for part in scoring.parts]


def fraction_note(carried: Carried):
    """Return the note for a multiple-response question whose shares are not on Moodle's list, or None."""
    if not isinstance(carried.question, m.MultipleResponse):
        return None
    fractions = choice_fractions(carried)
    total = sum(Decimal(f) for f in fractions if not f.startswith("-"))
    if abs(total - 100) < Decimal("0.001"):
        return None
    count = sum(1 for c in carried.question.choices if c.correct)
    return adapted(f"{count} correct choices: their shares of the marks are not all on Moodle's grade list, so the "
                   f"nearest grades were used (the correct choices add up to {format_number(total)}%)")


def shortanswer_pattern(text: str) -> str:
    """Return an accepted answer as a Moodle shortanswer pattern: ``*`` is a wildcard, so escape it.

    qtype_shortanswer_question::compare_string_with_wildcard splits on
    unescaped ``*`` and turns ``\\*`` back into a literal asterisk.
    """
    return text.replace("*", "\\*")


def categories(plan: FormatPlan) -> Iterator[tuple[list[str], list[Carried]]]:
    """Yield each category's path and its questions: per version, per skill in the product's order.

    The path is the title, "Version A" when there are several, the skill's name.
    """
    several = len(plan.worksheet.versions) > 1
    for version, carried in plan.written():
        for skill in skills_in_order(carried):
            path = [plan.worksheet.recipe.title] + ([f"Version {version.letter}"] if several else []) + [skill_name(skill)]
            yield path, [c for c in carried if c.question.skill == skill]
