"""The rubric sheet: open answers for the teacher to mark, merged back by the next ``quizgen mark``.

``quizgen mark`` writes ``NAME-rubric-sheet.csv`` in the results folder: one
row per open answer that is not blank (student, version, position,
question, the student's text, the rubric's three levels with their points)
and an empty points column. The teacher types the points (a number, or a
level: P, E, B or its name) and runs ``quizgen mark`` again: the sheet in
the results folder (or one given among the answers) is read first, its
marks are kept for the answers they were given to, and the sheet is
written again with them, so marking can go on over several sittings.
Until an answer has points it is "to mark" everywhere, never 0. A mark
whose answer has changed since (another response file for the student)
is dropped, and the answer is to mark again.
"""

from __future__ import annotations

import csv
import io
from fractions import Fraction

from quizgen import scoring
from quizgen.exporters.escape import spreadsheet_cell
from quizgen.marking import lms
from quizgen.marking.answers import ReadResult, problem, sheet_rows
from quizgen.marking.build import Build
from quizgen.marking.table import Table, local_number

MARK = "# quizgen rubric sheet"
HEADER = ["student", "student id", "email", "version", "position", "question", "answer", "proficient", "emergent",
          "basic", "points"]
_LEVELS = {"p": 0, "proficient": 0, "e": 1, "emergent": 1, "b": 2, "basic": 2}


def sheet_name(build: Build) -> str:
    """Return the file name of the build's rubric sheet."""
    return f"{build.name or 'worksheet'}-rubric-sheet.csv"


def looks_like(table: Table) -> bool:
    """Return whether ``table`` is a rubric sheet (its first cell says so)."""
    return bool(table.rows) and table.rows[0][1][0].strip().lower().startswith(MARK)


def write(build: Build, rows: list[dict]) -> bytes:
    """Return the rubric sheet: notes, header, one row per open answer (``rows``: see ``results``)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([MARK, f"build {build.id}", f"{build.title} ({build.name})"])
    writer.writerow(["# type the points in the last column: a number, or P, E or B for a level;"
                     " then run quizgen mark again"])
    writer.writerow(HEADER)
    for row in rows:
        position = row["position"]
        levels = position["scoring"]["levels"]
        writer.writerow([
            spreadsheet_cell(row["student"].name), row["student"].id, row["student"].email, row["version"],
            position["position"],
            spreadsheet_cell(position["stem"]), spreadsheet_cell(row["text"]),
            *[f"{level['name']} ({level['points']}): {level['text']}" for level in levels],
            row["points"],
        ])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def read(table: Table, build: Build) -> ReadResult:
    """Return the marks on a rubric sheet: (student key, version, position) → (points, answer text)."""
    from quizgen.marking.answers import Student

    result = ReadResult()
    rows = sheet_rows(table, build, "rubric sheet", result)
    if not rows:
        return result
    columns = {label.strip().lower(): i for i, label in enumerate(rows[0][1])}
    missing = [c for c in ("student", "version", "position", "answer", "points") if c not in columns]
    if missing:
        result.problems.append(problem(table.path, f"the header has no '{missing[0]}' column", rows[0][0]))
        return result

    def cell(row: list[str], name: str) -> str:
        index = columns.get(name, -1)
        return row[index].strip() if 0 <= index < len(row) else ""

    for line, row in rows[1:]:
        text = cell(row, "points")
        if not text:
            continue
        version = build.version(cell(row, "version"))
        number = int(cell(row, "position")) if cell(row, "position").isdigit() else None
        if version is None or number not in version.positions or version.positions[number]["kind"] != "open-response":
            result.problems.append(problem(table.path, "not an open question of this build (version and position)",
                                           line, "position"))
            continue
        position = version.positions[number]
        try:
            points = mark_points(position, text)
        except ValueError as err:
            result.problems.append(problem(table.path, str(err), line, "points"))
            continue
        student = Student(" ".join(_unguarded(cell(row, "student")).split()), id=cell(row, "student id"),
                          email=cell(row, "email"))
        answer = _unguarded(row[columns["answer"]] if columns["answer"] < len(row) else "")
        result.rubric[(student.key, version.letter, number)] = (points, answer)
    return result


def mark_points(position: dict, text: str) -> Fraction:
    """Return the points a rubric-sheet cell gives: a number from 0 to the question's points, or a level."""
    maximum = Fraction(position["points"])
    level = _LEVELS.get(text.strip().lower())
    if level is not None:
        return Fraction(local_number(position["scoring"]["levels"][level]["points"]))
    value = local_number(text)
    if value is None:
        raise ValueError(f"'{text}' is not points (a number from 0 to {maximum}) nor a level (P, E or B)")
    points = Fraction(value)
    if not 0 <= points <= maximum:
        raise ValueError(f"{text} points is more than the question's {maximum}" if points > 0 else
                         f"{text} points: points cannot be negative")
    return points


def same_answer(marked: str, current: str) -> bool:
    """Return whether the answer a mark was given to is the answer now (spacing and case aside)."""
    return lms.fold(marked) == lms.fold(current)


def _unguarded(text: str) -> str:
    """Return a cell as the student wrote it: without the apostrophe that guards a formula-like start."""
    return text[1:] if text[:1] == "'" and text[1:2] in ("=", "+", "-", "@") else text


def points_text(points: Fraction | None) -> str:
    """Return points for the sheet's last column ('' while to mark)."""
    return "" if points is None else scoring.number_text(points)
