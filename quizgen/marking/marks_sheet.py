"""The marks sheet: a CSV a teacher fills from paper answer sheets, one row per student.

``quizgen mark --template MANIFEST`` writes it::

    # quizgen marks sheet,build qg-3f2a9c81d0e4,Reading the sources (sampler),…
    # what to type: a letter (B) · letters (A C) · T or F · a number · the words · …
    name,version,1,2,3,…
    # version A,,letter,letters,number,…      what each column takes in version A
    # version B,,T or F,letter,words,…
    Ada Lovelace,A,B,A C,1934,…                 the teacher's rows

Lines whose first cell starts with ``#`` are notes, skipped when reading;
the first one names the build, so a sheet of another build is refused.
Columns are found by their headers (name, version, and the position
numbers), so a spreadsheet program may reorder or widen them.
"""

from __future__ import annotations

import csv
import io

from quizgen import scoring
from quizgen.errors import Location
from quizgen.marking.answers import HINTS, ReadResult, Student, Submission, problem, sheet_rows, typed_answer
from quizgen.marking.build import Build
from quizgen.marking.table import Table

ROUTE = "marks sheet"
MARK = "# quizgen marks sheet"

HOW_TO_TYPE = ("# what to type: letter: B · letters: A C · T or F · number: 1934 · words: as written"
               " · matching: 1C 2A 3B · order: the numbers in the boxes top to bottom, with spaces: 3 1 2"
               " (not 3-1-2, which a spreadsheet turns into a date)"
               " · mark the words: the words circled, separated by ; · open: the first words"
               " (you mark it on the rubric sheet) · leave a cell empty for no answer")


def sheet_name(build: Build) -> str:
    """Return the file name of the build's marks sheet."""
    return f"{build.name or 'worksheet'}-marks-sheet.csv"


def template(build: Build) -> bytes:
    """Return an empty marks sheet for ``build``: notes, header, and what to type per version."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    width = build.width
    writer.writerow([f"{MARK}", f"build {build.id}", f"{build.title} ({build.name})"])
    writer.writerow([HOW_TO_TYPE])
    writer.writerow(["name", "version", *[str(n) for n in range(1, width + 1)]])
    for version in build.versions.values():
        hints = [HINTS[version.positions[n]["kind"]] if n in version.positions else "" for n in range(1, width + 1)]
        writer.writerow([f"# version {version.letter}", "", *hints])
    # Excel opens a UTF-8 CSV correctly only with a byte-order mark.
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def looks_like(table: Table) -> bool:
    """Return whether ``table`` is a marks sheet (its first cell says so)."""
    return bool(table.rows) and table.rows[0][1][0].strip().lower().startswith(MARK)


def read(table: Table, build: Build) -> ReadResult:
    """Return the students' answers on a filled marks sheet; each bad row is a problem."""
    result = ReadResult()
    rows = sheet_rows(table, build, "marks sheet", result)
    if rows is None:
        return result
    if not rows:
        result.problems.append(problem(table.path, "no header row (name, version, 1, 2, …)"))
        return result
    columns = _columns(rows[0][1])
    if "name" not in columns or "version" not in columns:
        result.problems.append(problem(table.path, "the header needs 'name' and 'version' columns", rows[0][0]))
        return result
    for line, row in rows[1:]:
        submission, problems = _row(table.path, line, row, columns, build)
        result.problems += problems
        if submission is not None:
            result.submissions.append(submission)
    return result


def _columns(header: list[str]) -> dict[str | int, int]:
    columns: dict[str | int, int] = {}
    for index, cell in enumerate(header):
        label = cell.strip().lower()
        if label.isdigit():
            columns[int(label)] = index
        elif label in ("name", "version"):
            columns[label] = index
    return columns


def _row(path: str, line: int, row: list[str], columns: dict, build: Build) -> tuple[Submission | None, list]:
    def cell(key) -> str:
        index = columns.get(key)
        return row[index].strip() if index is not None and index < len(row) else ""

    name, letter = " ".join(cell("name").split()), cell("version")
    if not name:
        return None, [problem(path, "no student name", line, "name")]
    version = build.version(letter)
    if version is None:
        return None, [problem(path, f"no version {letter!r} in this build (it has {build.letters})", line, "version")]
    problems, answers, given = [], {}, {}
    for number in sorted(k for k in columns if isinstance(k, int)):
        text = cell(number)
        if number not in version.positions:
            if text:
                problems.append(problem(path, f"version {version.letter} has no question {number}", line, str(number)))
            continue
        position = version.positions[number]
        try:
            answer = typed_answer(position, text)
            message = "" if scoring.is_blank(answer) else scoring.check(position, answer)
            if message:
                raise ValueError(message)
        except ValueError as err:
            problems.append(problem(path, f"{position['kind']}: {err}", line, str(number)))
            continue
        answers[number] = answer
        if text:
            given[number] = text
    for number in version.positions:
        answers.setdefault(number, None)
    if problems:
        return None, problems
    return Submission(Student(name), version.letter, answers, Location(path, line), ROUTE, given), []
