"""What every reader returns: students and their answers by position, and what went wrong.

A ``Submission`` is one student's answers to one version, in the forms
``quizgen.scoring`` takes (see its table), with the text as it was given
(for the long CSV) and, where an LMS report carried them, the LMS's marks.
``typed_answer`` turns what a student or teacher typed into that form; the
marks sheet and the text fields of PDF forms share it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from fractions import Fraction

from quizgen import scoring
from quizgen.errors import Diagnostic, Location


@dataclass(frozen=True)
class Student:
    """Who answered: a name and, where the route gives them, LMS ids, e-mail and section."""

    name: str
    id: str = ""
    sis_id: str = ""
    email: str = ""
    section: str = ""

    @property
    def key(self) -> str:
        """Return what tells two students apart: the LMS id or e-mail where there is one, else the name folded."""
        if self.id:
            return "id:" + self.id
        if self.email:
            return "email:" + self.email.casefold()
        return "name:" + " ".join(unicodedata.normalize("NFKC", self.name).casefold().split())


@dataclass
class Submission:
    """One student's answers to one version, as read from one file (or one row of it)."""

    student: Student
    version: str
    #: Position → answer in scoring's form (None: blank).
    answers: dict[int, object]
    #: Where it was read: file, and line for a CSV row.
    origin: Location
    #: How it came back: "response file", "PDF form", "marks sheet", "Moodle", "Canvas".
    route: str
    #: Position → the answer as given (text), for the results.
    given: dict[int, str] = field(default_factory=dict)
    #: Position → the LMS's mark as a share of the question's points, where the report has one
    #: (None: the LMS has not marked it, e.g. Moodle's "Requires grading").
    lms_marks: dict[int, Fraction | None] = field(default_factory=dict)


@dataclass
class ReadResult:
    """What a reader got from one file: good submissions, and problems (each skips a row or the file)."""

    submissions: list[Submission] = field(default_factory=list)
    problems: list[Diagnostic] = field(default_factory=list)
    #: Rubric marks, for the rubric sheet reader: (student key, version, position) → (points, text marked).
    rubric: dict[tuple[str, str, int], tuple[Fraction, str]] = field(default_factory=dict)


def problem(path: str, message: str, line: int | None = None, column: str | None = None) -> Diagnostic:
    """Return a problem found in an answers file: ``path:line: column 'x': message``."""
    return Diagnostic(Location(path, line), message, subject=f"column '{column}'" if column else None)


# --------------------------------------------------------------------------
# Typed answers (marks sheet cells, PDF form text fields)

_BLANK_MARKS = {"", "-", "?", "_", "—", "–"}
_LETTER_RUN = re.compile(r"^[A-Za-z]+$")


def sheet_rows(table, build, sheet: str, result: ReadResult) -> list[tuple[int, list[str]]] | None:
    """Return a filled sheet's rows (line, cells) without its '#' lines; None, with the problem added
    to ``result``, when its first row names another build than ``build``."""
    line, first = table.rows[0]
    named = build.other_build(first)
    if named:
        result.problems.append(problem(table.path, f"a {sheet} of {named}, not {build.id} of {build.path}", line))
        return None
    return [(n, r) for n, r in table.rows if not r[0].lstrip().startswith("#")]


def typed_answer(position: dict, text: str) -> object:
    """Return the answer ``text`` stands for at ``position``; ValueError when it cannot be one.

    The forms a teacher types on a marks sheet (see ``HINTS``): a letter; letters
    ("A C", "A,C" or "AC"); T or F; a number; words; matching as "1C 2A 3B",
    "1-C, 2-A" (as the key prints it) or "C A B" in prompt order; an order
    as "3 1 2" or "312" (and "3-1-2", the key's form, though a spreadsheet
    may have turned that into a date: ``_places`` says so); words to mark
    separated by ";" or ",".
    """
    text = unicodedata.normalize("NFKC", str(text)).strip()
    kind = position["kind"]
    if text in _BLANK_MARKS:
        return None
    if kind == "single-choice":
        return text.rstrip(".)").strip().upper()
    if kind == "multiple-response":
        return _letters(text)
    if kind == "true-false":
        value = scoring.parse_true_false(text)
        if value is None:
            raise ValueError(f"'{text}' is not True or False (type T or F)")
        return value
    if kind == "matching":
        return _matching(text, len(position["scoring"]["prompts"]))
    if kind == "ordering":
        return _places(text, len(position["scoring"]["items"]))
    if kind == "mark-the-words":
        return scoring.words(text)
    return text


def _letters(text: str) -> list[str]:
    compact = re.sub(r"[\s,;/+&]+", " ", text).strip()
    parts = compact.split() if " " in compact else list(compact) if _LETTER_RUN.match(compact) else [compact]
    return sorted({p.upper() for p in parts})


def _matching(text: str, prompts: int) -> dict[int, str | None]:
    pairs = re.findall(r"(\d+)\s*[-:=.)]?\s*([A-Za-z?_])", text)
    if pairs:
        answer: dict[int, str | None] = {n: None for n in range(1, prompts + 1)}
        for number, letter in pairs:
            answer[int(number)] = None if letter in "?_" else letter.upper()
        return answer
    cells = text.replace(",", " ").split() if re.search(r"[\s,]", text) else list(text)
    if len(cells) != prompts:
        raise ValueError(f"'{text}' gives {len(cells)} letters for {prompts} prompts (type e.g. 1C 2A 3B)")
    return {n: None if c in _BLANK_MARKS else c.upper() for n, c in enumerate(cells, start=1)}


#: What a spreadsheet leaves of an order typed with dashes or slashes ("3-1-2" → 3/1/2002, 03/01/02,
#: 2002-03-01; "2-1" → 1-Feb): a month's name, a four-digit year, a day or month with a leading zero.
_DATE_PART = re.compile(r"(?i)^(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?$|^\d{4}$|^0\d$")


def _places(text: str, count: int) -> list[int | None]:
    cells = [c for c in re.split(r"[\s,;\-/.]+", text) if c != ""]
    if len(cells) == 1:  # "312": a place per digit
        cells = list(cells[0])
    if len(cells) > 1 and any(_DATE_PART.match(c) for c in cells):
        raise ValueError(f"'{text}' is a date, not an order: a spreadsheet turns an order typed with dashes"
                         " (3-1-2) into a date; type the places with spaces (3 1 2) and check the column's other orders")
    if len(cells) != count:
        raise ValueError(f"'{text}' gives {len(cells)} places for {count} items (type e.g. 3 1 2)")
    out: list[int | None] = []
    for cell in cells:
        if cell in _BLANK_MARKS:
            out.append(None)
        elif cell.isdigit():
            out.append(int(cell))
        else:
            raise ValueError(f"'{cell}' is not a place (a number from 1 to {count})")
    return out


#: What to type on a marks sheet, per kind (the sheet's hint rows).
HINTS: dict[str, str] = {
    "single-choice": "letter",
    "multiple-response": "letters",
    "true-false": "T or F",
    "numeric": "number",
    "short-answer": "words",
    "matching": "1C 2A …",
    "ordering": "3 1 2 …",
    "mark-the-words": "words; words",
    "open-response": "text (marked on the rubric sheet)",
}
