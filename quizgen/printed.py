"""How the bank's text is printed, whatever the medium: numbers, letters, skill names, line runs, citations, cards.

The PDF worksheet (``render.context``), the screen pages (``render.html``)
and every export (``exporters.plan``) print the same numbers, choice
letters, skill names, citations, repair notes, outside-source cards and "Select" stems,
so they take them from here; an export never cites a
source differently from the paper. Plain text only: escaping belongs to
the templates and the exporters.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from quizgen import model

if TYPE_CHECKING:
    from collections.abc import Iterable

# --------------------------------------------------------------------------
# Numbers and letters


def format_number(value: Decimal | int | str) -> str:
    """Return a number as a person writes it: 1936, 2.5, 0 (never 1.936E+3, 2.50 or -0).

    LMS number grammars (GIFT, QTI) have no exponent form either, so every
    export writes its numbers with this too.
    """
    value = Decimal(str(value))
    if value == value.to_integral_value():
        return str(int(value))
    return format(value.normalize(), "f")


def letter_of(index: int) -> str:
    """Return the letter of a choice: 0 → A, 25 → Z, 26 → AA (as spreadsheet columns)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def skill_name(skill_id: str) -> str:
    """Return the teacher-facing name of a skill id ("Check dates"), or the id itself when unknown."""
    skill = model.SKILLS_BY_ID.get(skill_id)
    return skill.name if skill else skill_id


def subskill_name(code: str) -> str:
    """Return a sub-skill's code and name ("B1 Calendar conversion"), or the code itself when unknown."""
    sub = model.SUBSKILLS.get(code)
    return f"{code} {sub[1].name}" if sub else code


def join_and(items: list[str]) -> str:
    """Return 'a', 'a and b' or 'a, b and c'."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


# --------------------------------------------------------------------------
# Lines and citations


#: Short labels for the cleaning rules of quizgen.sources, as a citation prints them.
REPAIR_LABELS: dict[str, str] = {
    "backslash-word": "stray backslashes before words replaced by spaces",
    "lost-f": "'rom' restored to 'from'",
    "hard-line-break": "line breaks inside a paragraph joined",
    "odd-whitespace": "spacing tidied",
    "extra-spaces": "spacing tidied",
    "edge-spaces": "spacing tidied",
    "space-before-punctuation": "spaces before punctuation removed",
}

#: Most runs of line numbers a repair note lists; past that it says how many lines.
REPAIR_NOTE_RUNS = 6


def lines_by_source(excerpts: Iterable[model.Excerpt]) -> dict[str, dict[int, str]]:
    """Return {source id: {line number: text}} for excerpts, sources in first-seen order."""
    out: dict[str, dict[int, str]] = {}
    for excerpt in excerpts:
        lines = out.setdefault(excerpt.source, {})
        for offset, text in enumerate(excerpt.lines):
            lines[excerpt.first + offset] = text
    return out


def line_runs(numbers: list[int]) -> list[tuple[int, int]]:
    """Return sorted line numbers as runs: [7, 8, 11] -> [(7, 8), (11, 11)]."""
    runs: list[tuple[int, int]] = []
    for n in numbers:
        if runs and n == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], n)
        else:
            runs.append((n, n))
    return runs


def line_label(ranges: list[tuple[int, int]]) -> str:
    """Return 'line 7', 'lines 7–9' or 'lines 7, 11–12 and 25'."""
    parts = [str(a) if a == b else f"{a}–{b}" for a, b in ranges]
    single = len(ranges) == 1 and ranges[0][0] == ranges[0][1]
    return f"{'line' if single else 'lines'} {join_and(parts)}"


def published(source: model.Source) -> str:
    """Return the publication date as a citation prints it: short, and never an inferred date.

    An inferred date (worked out from the text's own anniversaries) is what
    a date-checking question may ask the student to find.
    """
    text = source.dates.published.strip()
    if not text or text.lower().startswith("unknown") or "inferred" in text.lower():
        return "date not printed in the source"
    return text.split(" (")[0].split(";")[0].strip()


def _as_ranges(first: int | list[tuple[int, int]], last: int | None) -> list[tuple[int, int]]:
    """Accept one span (first, last) or a list of (first, last) runs."""
    return list(first) if last is None else [(first, last)]


def citation(source: model.Source, first: int | list[tuple[int, int]], last: int | None = None) -> str:
    """Return 'Title. Outlet; 1998; lines 12–14.' for an excerpt of one or several passages."""
    parts = [source.title.rstrip(".")]
    if source.outlet and not source.outlet.lower().startswith("not stated"):
        parts.append(source.outlet.rstrip("."))
    return f"{'. '.join(parts)}; {published(source)}; {line_label(_as_ranges(first, last))}."


def repair_note(source: model.Source, first: int | list[tuple[int, int]], last: int | None = None) -> str:
    """Return a note naming the repairs made to the excerpt's lines, or ''."""
    ranges = _as_ranges(first, last)
    found: dict[str, list[int]] = {}
    for repair in source.repairs:
        if repair.line is not None and any(a <= repair.line <= b for a, b in ranges):
            label = REPAIR_LABELS.get(repair.rule, repair.rule.replace("-", " "))
            found.setdefault(label, [])
            if repair.line not in found[label]:
                found[label].append(repair.line)
    if not found:
        return ""
    what = "; ".join(f"{label} ({_repaired_lines(lines)})" for label, lines in found.items())
    return f"Transcription repaired by the editors: {what}."


def _repaired_lines(lines: list[int]) -> str:
    """Return 'line 7', 'lines 2–4 and 9', or for a repair made all through a text 'on 80 lines'."""
    runs = line_runs(sorted(lines))
    if len(runs) > REPAIR_NOTE_RUNS:  # a list of 80 numbers tells a reader nothing
        return f"on {len(lines)} lines"
    return line_label(runs)


# --------------------------------------------------------------------------
# Outside-source cards


#: Sub-skills whose questions get an outside-source card when a recipe asks
#: for cards: giving a verdict (C3), weighing sources (C4), one text against
#: another (C5). Not C1 or C2, where naming the kind of source is the task.
CARD_SUBSKILLS = ("C3", "C4", "C5")


def outside_card(question: model.Question) -> dict | None:
    """Return the outside evidence a student without web access is given, or None."""
    if question.subskill not in CARD_SUBSKILLS or question.outside_source is None:
        return None
    return {"kind": question.outside_source.kind, "says": question.outside_source.says}


# --------------------------------------------------------------------------
# Mark the words where words are selected, not circled


#: The verbs a mark-the-words stem starts with on paper, and what it says
#: instead where the question becomes choices to tick or words to select.
_PAPER_VERBS, _SELECT = ("Circle ", "Mark "), "Select "


def select_stem(question: model.Question) -> str:
    """Return the stem of a question carried as words to select: "Circle …" or "Mark …" reads "Select …".

    Only a mark-the-words stem, and only its first word: in an LMS the
    student ticks or clicks the words, there is nothing to circle or mark.
    """
    stem = question.stem
    verb = next((v for v in _PAPER_VERBS if stem.startswith(v)), None)
    if question.kind == "mark-the-words" and verb:
        return _SELECT + stem[len(verb):]
    return stem


def select_note(question: model.Question) -> str:
    """Return the words an adaptation line adds when ``select_stem`` changed the stem, else ''."""
    if select_stem(question) == question.stem:
        return ""
    return f"; the stem says 'Select' instead of '{question.stem.split()[0]}'"
