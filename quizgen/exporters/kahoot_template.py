"""Kahoot's "Quiz spreadsheet template" as data: its limits, the title block, the header row, the columns.

The Kahoot writer (quizgen.exporters.kahoot) fills the questions in from
``FIRST_ROW``; everything here is the template's own layout, which Kahoot's
importer (Create > Import spreadsheet) reads, copied as it is.
"""

from __future__ import annotations

#: Limits printed in the template's headers (and enforced by Kahoot's importer).
MAX_QUESTION = 120
MAX_ANSWER = 75
MAX_ANSWERS = 4
TIME_LIMITS = (5, 10, 20, 30, 60, 90, 120, 240)

SHEET = "Sheet1"
#: Rows 4 and 5 of the title block (column B), under "Quiz template" and the worksheet's title.
INTRO = (
    "Made by quizgen from Kahoot's quiz spreadsheet template: questions up to 120 characters, "
    "answers up to 75, correct answers by number (several separated by commas).",
    "Import: Kahoot > Create > Kahoot > Import spreadsheet.",
)

#: The header row of Kahoot's template, exactly (row 8, columns B-H).
HEADERS = (
    "Question - max 120 characters",
    "Answer 1 - max 75 characters",
    "Answer 2 - max 75 characters",
    "Answer 3 - max 75 characters",
    "Answer 4 - max 75 characters",
    "Time limit (sec) \u2013 5, 10, 20, 30, 60, 90, 120, or 240 secs",
    "Correct answer(s) - choose at least one",
)
HEADER_ROW = 8
#: The header cells' background: Kahoot's purple.
HEADER_FILL = "46178F"
FIRST_ROW = 9
#: Column widths, in the order they are set.
COLUMN_WIDTHS = {"B": 60, "C": 30, "D": 30, "E": 30, "F": 30, "G": 16, "H": 18}
