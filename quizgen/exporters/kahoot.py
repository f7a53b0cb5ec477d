"""Kahoot! quiz spreadsheet (.xlsx) in the layout of Kahoot's "Quiz spreadsheet template".

Kahoot's importer (Create > Import spreadsheet) reads the first sheet of the
template: a title block in rows 1-7, the column headers in row 8 and one
question per row from row 9: number (A), question (B, at most 120
characters), answers 1-4 (C-F, at most 75 characters each), time limit (G,
one of 5, 10, 20, 30, 60, 90, 120 or 240 seconds) and the correct answer
numbers (H, ``2`` or ``1,3``).

Only quiz questions fit: single choice and multiple response with at most
four choices, and true/false (as the answers True and False). Every other
kind, and any question or answer over the limits, is left out and noted:
shortening a stem could change what it asks. Kahoot has no column for
excerpts, outside-source cards, explanations, teacher notes, points, ids or
tags, so those are left out and noted per question. One spreadsheet is
one kahoot, so only the first version is written.

The file is made byte-identical on every run: the document properties get
a fixed date (openpyxl writes the time of saving) and the zip entries a
fixed timestamp.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

from quizgen import model
from quizgen.exporters.base import Exporter
from quizgen.exporters.escape import xml_text
from quizgen.exporters.kahoot_template import (
    COLUMN_WIDTHS, FIRST_ROW, HEADER_FILL, HEADER_ROW, HEADERS, INTRO, MAX_ANSWER, MAX_ANSWERS, MAX_QUESTION, SHEET,
)
from quizgen.exporters.package import xlsx_bytes
from quizgen.exporters.plan import Note, Profile, adapted, left_out

if TYPE_CHECKING:
    from quizgen.exporters.plan import Carried, FormatPlan

#: Seconds per question by difficulty (1 easy .. 3 hard).
TIME_BY_DIFFICULTY = {1: 20, 2: 30, 3: 60}
#: Document date written instead of the time of saving.
FIXED_DATE = dt.datetime(2000, 1, 1, 0, 0, 0)


def kahoot_length(text: str) -> int:
    """Return the length Kahoot counts: UTF-16 code units, as a browser's ``String.length``."""
    return len(text.encode("utf-16-le")) // 2


def _one_line(text: str) -> str:
    return " ".join(xml_text(text).split("\n"))


#: Why each kind the spreadsheet cannot take is left out.
_NOT_A_QUIZ = {
    "short-answer": "typed answers",
    "numeric": "typed numbers",
    "matching": "matching",
    "ordering": "ordering (puzzle questions cannot be imported by spreadsheet)",
    "open-response": "written answers",
    "mark-the-words": "marking words in a passage",
}


def plan_row(carried: Carried) -> tuple[list | None, list[Note]]:
    """Return the row values (question, answers, time, correct) or None, and the notes."""
    q = carried.question
    if isinstance(q, model.TrueFalse):
        answers = [("True", q.answer), ("False", not q.answer)]
    else:
        answers = [(c.text, c.correct) for c in q.choices]
    stem = _one_line(q.stem)
    texts = [_one_line(text) for text, _ok in answers]
    problems = []
    if kahoot_length(stem) > MAX_QUESTION:
        problems.append(f"the question has {kahoot_length(stem)} characters (Kahoot allows {MAX_QUESTION})")
    if len(answers) > MAX_ANSWERS:
        problems.append(f"it has {len(answers)} choices (Kahoot allows {MAX_ANSWERS})")
    long_answers = [n for n, t in enumerate(texts, start=1) if kahoot_length(t) > MAX_ANSWER]
    if long_answers:
        problems.append(f"choice(s) {', '.join(map(str, long_answers))} exceed {MAX_ANSWER} characters")
    if problems:
        return None, [left_out("left out, not shortened (that could change what it asks): " + "; ".join(problems))]
    notes = []
    if stem != xml_text(q.stem) or any(t != xml_text(a) for t, (a, _ok) in zip(texts, answers)):
        notes.append(adapted("line breaks were replaced by spaces (Kahoot questions are one line)"))
    if isinstance(q, model.MultipleResponse):
        notes.append(adapted("several correct answers: a Kahoot quiz question counts a player right who picks any "
                             "one of them, so \"pick every correct answer\" becomes \"pick one\""))
    if carried.plan.excerpts:
        notes.append(adapted("the source excerpt and its citation are not carried (no room in a kahoot): show the "
                             "excerpt to the class"))
    if carried.plan.card:
        notes.append(adapted("the outside source card is not carried (no room in a kahoot): read it out or show it "
                             "to the class"))
    missing = ["explanation"] if q.explanation else []
    if any(c.feedback for c in getattr(q, "choices", ())):
        missing.append("choice feedback")
    if q.points != 1:
        missing.append(f"points ({q.points})")
    missing.append("question id and skill tags")
    notes.append(adapted("Kahoot's template has no column for " + ", ".join(missing) + ": left out"))
    correct = [str(n) for n, (_t, ok) in enumerate(answers, start=1) if ok]
    seconds = TIME_BY_DIFFICULTY.get(q.difficulty, 30)
    return [stem, *texts, *[""] * (MAX_ANSWERS - len(texts)), seconds, ",".join(correct)], notes


def _set(ws, row: int, column: int, value) -> None:
    cell = ws.cell(row=row, column=column, value=value)
    if isinstance(value, str):
        # openpyxl turns a string starting with "=" into a formula; storing
        # every text as a string cell keeps "=", "+", "-" and "@" starts as
        # text in Kahoot and in any spreadsheet program (no formula runs).
        cell.data_type = "s"


def workbook(plan: FormatPlan) -> Workbook:
    """Return the filled template of the first version's questions."""
    worksheet = plan.worksheet
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    _set(ws, 2, 2, "Quiz template")
    ws.cell(row=2, column=2).font = Font(bold=True, size=14)
    _set(ws, 3, 2, xml_text(worksheet.recipe.title or "Worksheet"))
    for row, text in enumerate(INTRO, start=4):
        _set(ws, row, 2, text)
    header_fill = PatternFill("solid", fgColor=HEADER_FILL)
    for column, text in enumerate(HEADERS, start=2):
        _set(ws, HEADER_ROW, column, text)
        cell = ws.cell(row=HEADER_ROW, column=column)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = header_fill
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    for letter, width in COLUMN_WIDTHS.items():
        ws.column_dimensions[letter].width = width
    row = FIRST_ROW
    for values in (c.detail for _version, carried in plan.written() for c in carried):
        ws.cell(row=row, column=1, value=row - FIRST_ROW + 1)
        stem, *answers_and_rest = values
        _set(ws, row, 2, stem)
        for offset, text in enumerate(answers_and_rest[:MAX_ANSWERS]):
            if text:
                _set(ws, row, 3 + offset, text)
        ws.cell(row=row, column=7, value=answers_and_rest[MAX_ANSWERS])
        correct = answers_and_rest[MAX_ANSWERS + 1]
        # One correct answer as a number, several as "1,3" text, like the template's example rows.
        ws.cell(row=row, column=8, value=int(correct) if correct.isdigit() else correct)
        row += 1
    props = wb.properties
    props.creator = "quizgen"
    props.created = props.modified = FIXED_DATE
    return wb


class KahootExporter(Exporter):
    """Kahoot quiz spreadsheet (.xlsx) of the first version's quiz and true/false questions."""

    name = "kahoot"
    #: Kahoot imports .xlsx only.
    suffix = ".xlsx"
    label = "Kahoot! quiz spreadsheet template (.xlsx): choice and true/false questions"
    profile = Profile(
        leaves_out={kind: f"Kahoot's spreadsheet import takes quiz and true/false questions only, not {why}"
                    for kind, why in _NOT_A_QUIZ.items()},
        no_grader_field="Kahoot's template has no column for it",
        first_version_only="one spreadsheet is one kahoot",
        empty="no question of this worksheet fits a kahoot (questions up to 120 characters, answers up to 75, choice "
              "or true/false only): nothing to import; try `quizgen export --formats kahoot` without a recipe for the "
              "questions of the bank that fit",
    )

    def adapt(self, carried: Carried) -> Carried:
        """Fit the question to Kahoot's limits (or leave it out, never shortened) and note what it loses."""
        if carried.left_out:
            return carried
        row, notes = plan_row(carried)
        return carried.amend(*notes, detail=row)

    def write(self, plan: FormatPlan) -> bytes:
        """Return the .xlsx bytes."""
        return xlsx_bytes(workbook(plan), FIXED_DATE)


__all__ = ["KahootExporter", "kahoot_length", "plan_row"]
