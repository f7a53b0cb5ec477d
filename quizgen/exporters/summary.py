"""What an export tells the teacher: one line per format, and a report of every question's notes.

``quizgen export`` prints one summary line per format::

    gift: 154 questions, 12 adapted, 0 left out → output/bank-gift.txt

and writes the per-question detail (the plan's notes, each naming the
question as "version A, question 3 (ib-single)") into a plain-text report
beside the files, ``NAME-export-report.txt``; ``--verbose`` prints it too.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from quizgen.exporters.plan import FormatPlan

#: The report written beside the exports: NAME-export-report.txt.
REPORT_SUFFIX = "-export-report.txt"


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def summary_line(plan: FormatPlan, path: Path | str) -> str:
    """Return the one line a format gets: what was written, how much was adapted or left out, and where."""
    counts = plan.counts()
    written = _plural(counts["written"], "question")
    letters = [v.letter for v, _ in plan.versions]
    if len(letters) > 1:
        written += f" in {len(letters)} versions"
    skipped = [v.letter for v in plan.worksheet.versions if v.letter not in letters]
    if skipped:
        written += f" (version {letters[0]} only; {', '.join(skipped)} not written)"
    return f"{plan.name}: {written}, {counts['adapted']} adapted, {counts['left_out']} left out \u2192 {path}"


def report_text(title: str, entries: list[tuple[FormatPlan, Path]]) -> str:
    """Return the plain-text report of an export: per format its summary, then one line per note.

    It sits beside the files, so it names them without their folder (and
    the same export always gives the same report).
    """
    lines = [f"quizgen export report: {title}", "",
             "What each format carries differently from the printed worksheet, or leaves out, question by question.",
             "Rubrics, model answers and teacher notes a format cannot keep for graders alone are in the PDF answer key."]
    for plan, path in entries:
        lines += ["", summary_line(plan, Path(path).name)]
        lines += [f"  {n.subject}: {n.severity}: {n.message}" for n in plan.notes] or ["  nothing adapted or left out"]
    return "\n".join(lines) + "\n"
