"""Moodle quiz reports: the Responses report, with the Grades report for Moodle's own marks.

How Moodle writes them (read in moodle/moodle, mod/quiz/report/):

- Both are tables downloaded as CSV, UTF-8 with a byte-order mark. When
  downloading, the user columns are the last name and then the first name
  (``attempts_report::add_user_columns``), then the identity fields the site
  shows (e-mail address …), the attempt's state, "Started on", "Completed"
  and its duration (``add_state_column``, ``add_time_columns``), and the
  quiz grade as "Grade/10.00" (``add_grade_columns``: the word, "/", the
  maximum grade formatted as the quiz's decimals).
- Responses (``responses/report.php``, ``last_responses_table.php``): per
  question, in quiz order, "Question n" (the question summary: the question
  text, then its choices), "Response n" (the response summary) and "Right
  answer n", each present only where the teacher ticked it in the report's
  options; a response never given is "-". Summaries (``summarise_response``
  of each question type): a choice's text, several choices joined by "; "
  (qtype_multichoice), "True"/"False" in the site's language
  (qtype_truefalse), what was typed (shortanswer, numerical, essay),
  "prompt -> choice" pairs joined by "; " (qtype_match).
- Grades (``overview/report.php``, ``overview_table.php``): per question
  "Q. n /m" (the ``qbrief`` string, then "/" and the question's mark
  rescaled to the quiz's maximum grade); a cell is the rescaled mark, "-"
  when there is none, or "Requires grading" (``requiresgrading``) for an
  essay not yet graded; after the students, an "Overall average" row
  (``overallaverage``), with a "Group average" row before it in group mode.

Every label is translated by the site's language pack (French: "Nom de
famille", "Réponse 1", "Note/10,00", dates such as "5 mars 2024  09:02"), so
columns are recognised by their shape, never by English words: a label and
a number for a question's column, a label, a number, "/" and a maximum for a
question's mark, the first two columns for the names, the column whose
cells hold "@" for the e-mail address, the first whose cells hold a year for
the start of the attempt. Where a question column's role (summary, response
or right answer) is not one of the known labels, Moodle's order decides.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from fractions import Fraction

from quizgen import scoring
from quizgen.errors import Location
from quizgen.marking import lms
from quizgen.marking.answers import ReadResult, Student, Submission, problem
from quizgen.marking.build import Build, Version
from quizgen.marking.table import Table, local_number

ROUTE = "Moodle"

_MARK = re.compile(r"^(?P<label>.*?)\s*(?P<n>\d+)\s*/\s*(?P<max>\d[\d.,\s\u00a0]*)$")
_SLOT = re.compile(r"^(?P<label>.*?[^\W\d_].*?)\s+(?P<n>\d+)$")
_TOTAL = re.compile(r"^(?P<label>[^\d/]*[^\W\d_][^\d/]*)/\s*(?P<max>\d[\d.,\s\u00a0]*)$")
_YEAR = re.compile(r"(19|20)\d\d")

#: Labels of the Responses report's three column kinds in the language packs we know; others go by order.
_ROLE_WORDS = {
    "question": ("question", "pregunta", "frage", "domanda", "vraag", "pergunta", "questão", "kysymys", "pytanie"),
    "response": ("response", "réponse", "respuesta", "antwort", "risposta", "antwoord", "resposta", "vastaus",
                 "odpowiedź"),
    "right": ("right", "bonne", "correct", "richtig", "corrett", "juist", "certa", "oikea", "prawidłowa"),
}
_ROLES = ("question", "response", "right")


@dataclass
class Report:
    """A Moodle report read into its parts: who answered, and each question's columns."""

    table: Table
    kind: str  # "responses" or "grades"
    #: Column index of last name, first name, e-mail ('' if none) and start of attempt (-1 if none).
    last: int = 0
    first: int = 1
    email: int = -1
    started: int = -1
    #: Question number → {role: column index} ("question", "response", "right" or "mark").
    slots: dict[int, dict[str, int]] = field(default_factory=dict)
    #: Question number → the maximum of its mark column (Grades).
    maxima: dict[int, Fraction] = field(default_factory=dict)

    def student(self, row: list[str]) -> Student:
        """Return the student of a row: first and last name, and e-mail where the report has it."""
        first, last = _cell(row, self.first), _cell(row, self.last)
        return Student(" ".join(f"{first} {last}".split()), email=_cell(row, self.email))

    def attempt(self, row: list[str]) -> tuple:
        """Return what identifies a row's attempt in both reports: names, e-mail, start."""
        return (lms.fold(_cell(row, self.last)), lms.fold(_cell(row, self.first)), lms.fold(_cell(row, self.email)),
                " ".join(_cell(row, self.started).split()))

    def students(self) -> list[tuple[int, list[str]]]:
        """Return the rows of students (not the header, nor the average rows at the end)."""
        out = []
        for line, row in self.table.rows[1:]:
            # Average rows put their label in the last-name column and leave the first name,
            # e-mail and times empty.
            if not _cell(row, self.first) and (self.started < 0 or not _cell(row, self.started)):
                continue
            out.append((line, row))
        return out


def _cell(row: list[str], index: int) -> str:
    return row[index].strip() if 0 <= index < len(row) else ""


def recognise(table: Table) -> Report | None:
    """Return the Moodle report ``table`` is (its columns worked out), or None if it is not one."""
    header = [h.strip() for h in table.header]
    marks = {i: _MARK.match(h) for i, h in enumerate(header)}
    if any(marks.values()):
        report = Report(table, "grades")
        for index, match in marks.items():
            if match:
                number = int(match["n"])
                report.slots.setdefault(number, {})["mark"] = index
                report.maxima[number] = Fraction(local_number(match["max"]) or 1)
    else:
        slots = {i: _SLOT.match(h) for i, h in enumerate(header) if i > 1}
        if not any(slots.values()):
            return None
        report = Report(table, "responses")
        roles = _roles([m["label"] for m in slots.values() if m])
        for index, match in slots.items():
            if match:
                report.slots.setdefault(int(match["n"]), {})[roles[match["label"]]] = index
        if not any("response" in s for s in report.slots.values()):
            return None
    first_slot = min(i for s in report.slots.values() for i in s.values())
    _info_columns(report, first_slot)
    return report


def _roles(labels: list[str]) -> dict[str, str]:
    """Return the role of each distinct label: by the words known, else by Moodle's column order."""
    distinct = list(dict.fromkeys(labels))
    if len(distinct) == 1:
        return {distinct[0]: "response"}
    roles: dict[str, str] = {}
    for label in distinct:
        folded = lms.fold(label)
        role = next((r for r in _ROLES if r not in roles.values() and any(w in folded for w in _ROLE_WORDS[r])), None)
        if role:
            roles[label] = role
    free = [r for r in _ROLES if r not in roles.values()]
    if len(distinct) == 2 and len(roles) == 0:
        free = ["question", "response"] if "question" in free else free
    for label in distinct:
        if label not in roles:
            roles[label] = free.pop(0) if free else "other"
    return roles


def _info_columns(report: Report, first_slot: int) -> None:
    """Find the e-mail and attempt-start columns among those before the questions, by their cells."""
    rows = [row for _, row in report.table.rows[1:]]
    for index in range(2, first_slot):
        cells = [_cell(row, index) for row in rows if _cell(row, index) not in ("", "-")]
        if not cells:
            continue
        if report.email < 0 and all("@" in c for c in cells):
            report.email = index
        elif report.started < 0 and all(_YEAR.search(c) and ":" in c for c in cells):
            report.started = index
        if _TOTAL.match(report.table.header[index].strip()):
            break


# --------------------------------------------------------------------------
# Reading a Responses report (with its Grades report, when given)


def read(responses: Report, grades: Report | None, build: Build, forced: str | None) -> ReadResult:
    """Return the submissions of a Responses report, with Moodle's marks from ``grades`` where given."""
    result = ReadResult()
    path = responses.table.path
    version = choose_version(responses, build, forced)
    if isinstance(version, str):
        result.problems.append(problem(path, version))
        return result
    header_problems = _check_columns(responses, version)
    if header_problems:
        result.problems += header_problems
        return result
    marks = _marks_by_attempt(grades) if grades is not None else {}
    for line, row in responses.students():
        if responses.started >= 0 and not _YEAR.search(_cell(row, responses.started)):
            continue  # a student listed without an attempt ("enrolled users who have not attempted")
        submission, problems = _row(responses, line, row, version)
        result.problems += problems
        if submission is None:
            continue
        if grades is not None:
            submission.lms_marks = marks.get(responses.attempt(row), {})
        result.submissions.append(submission)
    return result


def choose_version(report: Report, build: Build, forced: str | None) -> Version | str:
    """Return the version a Responses report is of, or why it cannot be told.

    ``--version`` decides; else the question texts, where the report has
    them; else the one version whose choices every response fits.
    """
    count = len(report.slots)
    if forced:
        version = build.version(forced)
        if version is None:
            return f"--version {forced}: no such version in this build (it has {build.letters})"
        return version if len(version.positions) == count else (
            f"the report has {count} questions, version {version.letter} has {len(version.positions)}")
    sized = [v for v in build.versions.values() if len(v.positions) == count]
    if not sized:
        return f"the report has {count} questions; no version of build {build.id} has that many"
    if any("question" in s for s in report.slots.values()):
        fits = [v for v in sized if not _text_mismatches(report, v)]
    elif len(sized) == 1:
        fits = sized
    else:
        fits = [v for v in sized if all(not _row(report, line, row, v)[1] for line, row in report.students())]
    if len(fits) == 1:
        return fits[0]
    letters = ", ".join(v.letter for v in fits)
    return (f"cannot tell which version this report is of ({letters} all fit): give it with --version" if fits
            else "the report fits no version of this build (its questions or answers differ): is it of this build?")


def _text_mismatches(report: Report, version: Version) -> list[tuple[int, list[int]]]:
    """Return (question number, matching positions) for each question text that is not its position's."""
    out = []
    for number, columns in sorted(report.slots.items()):
        if "question" not in columns:
            continue
        text = next((r[columns["question"]] for _, r in report.students() if _cell(r, columns["question"]) not in ("", "-")), "")
        if not text:
            continue
        found = lms.matching_positions(text, version.positions)
        if found != [number]:
            out.append((number, found))
    return out


def _check_columns(report: Report, version: Version) -> list:
    """Return a problem for each question column whose text is not the version's question at that number."""
    out = []
    header = report.table.header
    for number, found in _text_mismatches(report, version):
        label = header[report.slots[number]["question"]]
        if not found:
            message = f"matches no question of version {version.letter}"
        elif len(found) > 1:
            message = f"matches questions {', '.join(map(str, found))} of version {version.letter} alike"
        else:
            message = (f"is question {found[0]} of version {version.letter}, not question {number}: "
                       "the quiz's questions are in another order than the version's")
        out.append(problem(report.table.path, message, report.table.rows[0][0], label))
    return out


def _row(report: Report, line: int, row: list[str], version: Version) -> tuple[Submission | None, list]:
    path, header = report.table.path, report.table.header
    student = report.student(row)
    if not student.name:
        return None, [problem(path, "no student name", line, header[report.last] if header else None)]
    answers, given, problems = {}, {}, []
    for number, columns in sorted(report.slots.items()):
        position = version.positions[number]
        text = _cell(row, columns.get("response", -1))
        try:
            answer = response_answer(position, text)
            message = "" if scoring.is_blank(answer) else scoring.check(position, answer)
            if message:
                raise ValueError(message)
        except ValueError as err:
            problems.append(problem(path, f"question {number} ({position['kind']}): {err}", line, header[columns["response"]]))
            continue
        answers[number] = answer
        if not scoring.is_blank(answer):
            given[number] = text
    if problems:
        return None, problems
    return Submission(student, version.letter, answers, Location(path, line), ROUTE, given), []


def response_answer(position: dict, text: str) -> object:
    """Return the answer a Responses report's summary stands for at ``position``; ValueError if it cannot."""
    kind = position["kind"]
    if text in ("", "-"):
        return None
    if kind in ("single-choice", "multiple-response"):
        texts = lms.split_known(text, "; ", [c["text"] for c in position["choices"]]) or [text]
        return lms.choice_answer(position, texts)
    if kind in ("true-false", "mark-the-words"):
        return lms.choice_answer(position, text.split("; ") if kind == "mark-the-words" else [text])
    if kind in ("matching", "ordering"):
        return lms.paired_answer(position, _pairs(position, text))
    return text


def _pairs(position: dict, text: str) -> list[tuple[str, str]]:
    """Return the (prompt, choice) pairs of a qtype_match summary "p -> c; p -> c"."""
    rec = position["scoring"]
    if position["kind"] == "matching":
        prompts, options = rec["prompts"], rec["options"]
    else:
        prompts, options = rec["items"], [str(n) for n in range(1, len(rec["items"]) + 1)]
    known = [f"{p} -> {o}" for p in prompts for o in options]
    pieces = lms.split_known(text, "; ", known)
    if pieces is None:
        raise ValueError(f"'{text[:60]}' is not the question's prompts and choices")
    out = []
    for piece in pieces:
        prompt = next(p for p in prompts if lms.fold(piece).startswith(lms.fold(p) + " -> "))
        out.append((prompt, piece[len(prompt) + 4:]))
    return out


def _marks_by_attempt(grades: Report) -> dict[tuple, dict[int, Fraction | None]]:
    """Return Moodle's mark of each question, as a share of its points, by attempt."""
    out = {}
    for _, row in grades.students():
        marks: dict[int, Fraction | None] = {}
        for number, columns in grades.slots.items():
            text = _cell(row, columns["mark"])
            value = local_number(text)
            if text in ("", "-"):
                marks[number] = Fraction(0)
            elif value is None:  # "Requires grading", in the site's language
                marks[number] = None
            else:
                marks[number] = Fraction(value) / grades.maxima[number]
        out[grades.attempt(row)] = marks
    return out
