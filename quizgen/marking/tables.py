"""The results as CSV files: gradebook, every answer, skills, item analysis, disagreements.

All are UTF-8 with a byte-order mark (so Excel reads the accents), "," as
delimiter and "." as the decimal point, which is what Moodle's and
Canvas's gradebook imports read. Text a student wrote is guarded against
running as a spreadsheet formula.

The gradebook (``NAME-gradebook.csv``) is shaped for the LMS gradebook
imports:

- Canvas (Grades → Import) reads the first columns as the student's
  (instructure/canvas-lms, app/models/gradebook_importer.rb: the header
  must start "Student", "ID"; "SIS User ID" and "SIS Login ID" may follow;
  the last student column must be "Section") and every later column as an
  assignment, matched by title or created. So the gradebook starts
  ``Student, ID, SIS User ID, SIS Login ID, Section, Score``; quizgen fills
  ID and SIS User ID when the answers came from a Canvas report (otherwise
  copy them in from a Canvas gradebook export). Match "Score" to the quiz's
  assignment and do not import the other columns.
- Moodle (Grades → Import → CSV file) lets the teacher map any column to
  the user ("Email address", filled when the answers came from a Moodle
  report) and any to a grade item ("Score").

A student with open answers still to mark has an empty Score and Percent
and the points in "To mark": import once they are marked.
"""

from __future__ import annotations

import csv
import io
from fractions import Fraction

from quizgen import scoring
from quizgen.exporters.escape import spreadsheet_cell
from quizgen.marking.results import Answer, ClassResults, StudentResult, in_words
from quizgen.printed import skill_name

TO_MARK = "to mark"


def _csv(rows: list[list[object]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def num(value: Fraction | None) -> str:
    """Return a number for a CSV cell: at most two decimals, '' for None."""
    return "" if value is None else scoring.number_text(value)


def _percent_cell(student: StudentResult, skill: str | None = None, subskill: str | None = None) -> str:
    points, maximum, pending = student.total(skill, subskill)
    if not maximum:
        return ""
    return TO_MARK if pending else num(points * 100 / maximum)


def gradebook(results: ClassResults) -> bytes:
    """Return the gradebook: one row per student, importable into Moodle's and Canvas's gradebooks."""
    skills = results.skills
    rows: list[list[object]] = [["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "Score", "Maximum", "Percent",
                                 *[f"{skill_name(s)} %" for s in skills], "Version", "Email address", "To mark"]]
    for s in results.students:
        points, maximum, pending = s.total()
        who = s.student
        rows.append([
            spreadsheet_cell(who.name), who.id, who.sis_id, "", spreadsheet_cell(who.section),
            "" if pending else num(points), num(maximum), "" if pending else num(points * 100 / maximum),
            *["" if s.total(k)[2] else num(s.percent(k)) for k in skills], s.version, who.email,
            f"{num(pending)} points ({len(s.to_mark)} answer{'s' if len(s.to_mark) != 1 else ''})" if pending else "",
        ])
    return _csv(rows)


def answers_long(results: ClassResults) -> bytes:
    """Return every answer: student × question, with the response, the key and the points.

    The response is written as the key beside it, whatever route it came
    by: a choice's letter (a Moodle or Canvas report names the choice by
    its text, a marks sheet by what the teacher typed), the chosen texts in
    "response in words"; an order's places are set apart by spaces, in the
    key too, as a spreadsheet takes "3-1-2" for a date.
    """
    rows: list[list[object]] = [["student", "student id", "version", "position", "question", "kind", "skill", "subskill",
                                 "response", "response in words", "correct answer", "points", "maximum", "status",
                                 "LMS points", "route"]]
    for s in results.students:
        for a in s.answers:
            p = a.position
            rows.append([
                spreadsheet_cell(s.student.name), s.student.id, s.version, p["position"], p["question"], p["kind"],
                p["skill"], p["subskill"], spreadsheet_cell(response_cell(a)), spreadsheet_cell(_chosen_texts(a)),
                spreadsheet_cell(_key_cell(p)),
                TO_MARK if not a.score.counted else num(a.score.points), num(a.score.maximum), a.score.status,
                "" if a.lms is None else num(a.lms * a.score.maximum), s.submission.route,
            ])
    return _csv(rows)


def response_cell(a: Answer) -> str:
    """Return an answer as the answers CSV's "response" gives it: in the form of the key ('' for a blank)."""
    if scoring.is_blank(a.answer):
        return ""
    kind = a.position["kind"]
    if kind == "open-response":
        return a.given  # as the rubric sheet shows it
    if kind == "ordering":
        return _places(a.answer)
    return scoring.answer_text(a.position, a.answer)


def _chosen_texts(a: Answer) -> str:
    """Return the texts of the choices chosen (single and multiple choice), '' otherwise."""
    if a.position["kind"] not in ("single-choice", "multiple-response") or scoring.is_blank(a.answer):
        return ""
    return in_words(a.position, a.answer)


def _key_cell(position: dict) -> str:
    """Return the key as the answers CSV gives it: the manifest's, an order's places set apart by spaces."""
    return _places(scoring.key_answer(position)) if position["kind"] == "ordering" else position["key"]


def _places(places: list) -> str:
    return " ".join("?" if n is None else str(n) for n in places)


def skills_wide(results: ClassResults) -> bytes:
    """Return one row per student: percentage overall, per skill and per sub-skill ('' where not asked)."""
    skills, subs = results.skills, results.subskills
    rows: list[list[object]] = [["student", "student id", "version", "percent", *[f"{s} %" for s in skills],
                                 *[f"{c} %" for c in subs]]]
    for s in results.students:
        rows.append([spreadsheet_cell(s.student.name), s.student.id, s.version, _percent_cell(s),
                     *[_percent_cell(s, skill=k) for k in skills], *[_percent_cell(s, subskill=c) for c in subs]])
    return _csv(rows)


def item_analysis(results: ClassResults) -> bytes:
    """Return the item analysis: per question, facility, discrimination, blanks, answer counts and flags."""
    rows: list[list[object]] = [["question", "kind", "skill", "subskill", "students", "facility", "discrimination",
                                 "blank", "to mark", "flags", "answers"]]
    for item in results.items:
        p = item.position
        d = item.discrimination
        counts = "; ".join(f"{text}: {n}" for text, n in item.choices.most_common())
        rows.append([p["question"], p["kind"], p["skill"], p["subskill"], len(item.scores) + item.to_mark,
                     num(item.facility), "" if d is None else f"{d:.2f}", item.blank, item.to_mark,
                     "; ".join(item.flags), spreadsheet_cell(counts)])
    return _csv(rows)


def disagreements(results: ClassResults) -> bytes:
    """Return every answer the LMS marked otherwise than quizgen."""
    rows: list[list[object]] = [["student", "route", "file", "version", "position", "question", "response",
                                 "quizgen points", "LMS points", "maximum"]]
    for d in results.disagreements:
        rows.append([spreadsheet_cell(d.student), d.route, d.origin, d.version, d.position, d.question,
                     spreadsheet_cell(d.given), num(d.ours), num(d.theirs), num(d.maximum)])
    return _csv(rows)
