"""Canvas Classic Quizzes: the Student Analysis report (Quiz Statistics → Student Analysis → CSV).

How Canvas writes it (read in instructure/canvas-lms,
app/models/quizzes/quiz_statistics/student_analysis.rb, ``to_csv``):

- columns ``name, id, [sis_id,] [root_account,] section, section_id,
  [section_sis_id,] submitted, [attempt]`` (the bracketed ones only where
  the course has SIS ids, trusted accounts or all attempts are listed;
  name and id are left out of an anonymous survey), each header translated
  by ``I18n.t``;
- then per question, in quiz order, ``"<canvas question id>: <question
  text>"`` (the text through ``strip_tags``) and a column headed with the
  question's points possible, holding the points the answer earned;
- then ``n correct, n incorrect, score``;
- an answer is the chosen choice's text; several (multiple answers) joined
  by "," with each choice's own commas escaped as "\\,"; matching as
  ``left=>right`` pairs joined by "," ("=>" in a text escaped "\\=>"); a
  numerical answer as typed; a short answer that matched an accepted answer
  is written as that accepted answer (Canvas stores the matched answer's
  id), otherwise as typed; an essay as its text.

Canvas numbers questions by its own ids, so columns are matched to the
build's positions by question text (quizgen.marking.lms). The version is
the one whose questions all the columns are; ``--version`` decides where
two versions hold the same questions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction

from quizgen import scoring
from quizgen.errors import Location
from quizgen.marking import lms
from quizgen.marking.answers import ReadResult, Student, Submission, problem
from quizgen.marking.build import Build, Version
from quizgen.marking.table import Table, local_number

ROUTE = "Canvas"
_QUESTION = re.compile(r"^(?P<id>\d+):\s?(?P<text>.*)$", re.S)


@dataclass
class Report:
    """A Student Analysis report: its question columns and where the student columns are."""

    table: Table
    #: (column of the answer, column of the points, question text, points possible), in quiz order.
    questions: list[tuple[int, int, str, Fraction]]
    #: Columns of name, id and sis_id (-1 where absent), and of section.
    name: int
    id: int
    sis_id: int
    section: int


def recognise(table: Table) -> Report | None:
    """Return the Student Analysis report ``table`` is, or None if it is not one."""
    header = table.header
    questions = []
    for index, label in enumerate(header[:-1]):
        match = _QUESTION.match(label.strip())
        points = local_number(header[index + 1])
        if match and points is not None:
            questions.append((index, index + 1, match["text"], Fraction(points)))
    if not questions or len(header) < questions[-1][1] + 4:
        return None
    name, id_, sis_id, section = _student_columns(table, questions[0][0])
    return Report(table, questions, name, id_, sis_id, section)


def _student_columns(table: Table, before: int) -> tuple[int, int, int, int]:
    """Return the columns of name, id, sis_id (-1: none) and section, from the ``before`` columns ahead of the questions.

    They are ``name, id, [sis_id,] [root_account,] section, section_id,
    [section_sis_id,] submitted, [attempt]``, each translated, so they are
    told apart by count and content: an attempt column holds whole numbers,
    where "submitted" holds dates; sis_id and section_sis_id come together.
    """
    if before < 5:  # an anonymous survey: section, section_id, [section_sis_id,] submitted, [attempt]
        return -1, -1, -1, 0
    last = [row[before - 1].strip() for _, row in table.rows[1:] if len(row) >= before]
    attempt = any(last) and all(cell.isdecimal() for cell in last if cell)
    ahead = before - 1 - attempt  # the columns ahead of "submitted"
    sis = ahead >= 6
    root_account = ahead in (5, 7)
    return 0, 1, 2 if sis else -1, 2 + sis + root_account


def read(report: Report, build: Build, forced: str | None) -> ReadResult:
    """Return the submissions of a Student Analysis report, with Canvas's points per question."""
    result = ReadResult()
    table = report.table
    chosen = choose_version(report, build, forced)
    if isinstance(chosen, list):
        result.problems += chosen
        return result
    version, columns = chosen
    for line, row in table.rows[1:]:
        submission, problems = _row(report, line, row, version, columns)
        result.problems += problems
        if submission is not None:
            result.submissions.append(submission)
    return result


def choose_version(report: Report, build: Build, forced: str | None) -> tuple[Version, list[int]] | list:
    """Return the version and the position of each question column, or the problems found."""
    table = report.table
    versions = [build.version(forced)] if forced else list(build.versions.values())
    if forced and versions[0] is None:
        return [problem(table.path, f"--version {forced}: no such version in this build (it has {build.letters})")]
    fitting, failures = [], {}
    for version in versions:
        columns, problems = _match_columns(report, version)
        if problems:
            failures[version.letter] = problems
        elif len(set(columns)) == len(version.positions):
            fitting.append((version, columns))
        else:
            failures[version.letter] = [problem(table.path, f"the report has {len(columns)} questions, version "
                                                f"{version.letter} has {len(version.positions)}", table.rows[0][0])]
    in_order = [(v, c) for v, c in fitting if c == sorted(c)]
    fitting = in_order or fitting
    if len(fitting) == 1:
        return fitting[0]
    if fitting:
        letters = ", ".join(v.letter for v, _ in fitting)
        return [problem(table.path, f"cannot tell which version this report is of ({letters} all fit): give it with --version")]
    if len(versions) == 1:
        return failures[versions[0].letter]
    # No version fits: report the columns of the version that came closest.
    closest = min(failures.values(), key=len)
    return closest + [problem(table.path, f"the report's questions are those of no version of build {build.id}")]


def _match_columns(report: Report, version: Version) -> tuple[list[int], list]:
    columns, problems = [], []
    header_line = report.table.rows[0][0]
    for answer_col, _, text, _ in report.questions:
        found = lms.matching_positions(text, version.positions)
        label = report.table.header[answer_col]
        if not found:
            problems.append(problem(report.table.path, f"matches no question of version {version.letter}",
                                    header_line, _short(label)))
        elif len(found) > 1:
            problems.append(problem(report.table.path, f"matches questions {', '.join(map(str, found))} of version "
                                    f"{version.letter} alike", header_line, _short(label)))
        else:
            columns.append(found[0])
    return columns, problems


def _short(label: str) -> str:
    label = " ".join(label.split())
    return label if len(label) <= 60 else label[:59] + "…"


def _row(report: Report, line: int, row: list[str], version: Version, columns: list[int]) -> tuple[Submission | None, list]:
    table = report.table

    def cell(index: int) -> str:
        return row[index].strip() if 0 <= index < len(row) else ""

    name = " ".join(cell(report.name).split()) if report.name >= 0 else ""
    if not name:
        return None, [problem(table.path, "no student name (an anonymous survey cannot be marked per student)", line)]
    student = Student(name, id=cell(report.id), sis_id=cell(report.sis_id), section=cell(report.section))
    answers: dict[int, object] = {n: None for n in version.positions}
    given, marks, problems = {}, {}, []
    for (answer_col, points_col, _, possible), number in zip(report.questions, columns):
        position = version.positions[number]
        text = cell(answer_col)
        try:
            answer = analysis_answer(position, text)
            message = "" if scoring.is_blank(answer) else scoring.check(position, answer)
            if message:
                raise ValueError(message)
        except ValueError as err:
            problems.append(problem(table.path, f"question {number} ({position['kind']}): {err}", line,
                                    _short(table.header[answer_col])))
            continue
        answers[number] = answer
        if not scoring.is_blank(answer):
            given[number] = text
        earned = local_number(cell(points_col))
        if position["kind"] != "open-response" and possible:
            marks[number] = Fraction(earned) / possible if earned is not None else Fraction(0)
    if problems:
        return None, problems
    return Submission(student, version.letter, answers, Location(table.path, line), ROUTE, given, marks), []


def split_escaped(text: str, separator: str) -> list[str]:
    """Return ``text`` cut at each ``separator`` not escaped with a backslash, escapes removed."""
    parts, current, i = [], "", 0
    while i < len(text):
        if text[i] == "\\" and text.startswith(separator, i + 1):
            current += separator
            i += 1 + len(separator)
        elif text.startswith(separator, i):
            parts.append(current)
            current = ""
            i += len(separator)
        else:
            current += text[i]
            i += 1
    parts.append(current)
    return parts


def analysis_answer(position: dict, text: str) -> object:
    """Return the answer a Student Analysis cell stands for at ``position``; ValueError if it cannot."""
    kind = position["kind"]
    if not text.strip():
        return None
    # Canvas keeps a choice's text with its named entities dropped (lms.entities_dropped).
    if kind in ("single-choice", "true-false"):
        return lms.choice_answer(position, [text], dropped=True)
    if kind in ("multiple-response", "mark-the-words"):
        return lms.choice_answer(position, [t for t in split_escaped(text, ",") if t.strip()], dropped=True)
    if kind in ("matching", "ordering"):
        pairs = []
        for piece in split_escaped(text, ","):
            left, *right = split_escaped(piece, "=>")
            pairs.append((left, "=>".join(right)))
        return lms.paired_answer(position, pairs, dropped=True)
    return text
