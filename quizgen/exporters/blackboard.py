"""Blackboard Learn "Upload Questions" file: tab-delimited text, one question per line.

The format (Blackboard Learn help, "Upload Questions", Original and Ultra
course views) is a UTF-8 text file without a header row: the first field is
the question type, then the question text, then the answers. It has no
field for feedback, points, ids or tags, so those are left out and reported
per question. Question and answer text are written as HTML (Blackboard
renders them as HTML): ``& < >`` escaped, newlines as ``<br>``, tabs as
``&#9;``, so no field ever holds the tab or newline that would end it.

===============  =============================================================
single-choice    MC
multiple-resp.   MA (partial credit is a per-question setting in Blackboard)
true-false       TF
short-answer     FIB, every accepted answer
numeric          NUM with the tolerance
matching         MAT (distractors cannot be carried: one match per answer)
ordering         MAT, each item matched to its position (Ultra has no ORD)
open-response    ESS, rubric and model answer as the sample answer
mark-the-words   MA over the words of the passage ("Circle" or "Mark" reads "Select")
===============  =============================================================

A teacher note is not written: the sample answer can be shown to students
with the correct answers after a test, so it is not grader-only.

One upload fills one test or pool, so only the first version is written;
Blackboard shuffles answers itself (the other versions are reported).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, ClassVar

from quizgen import model
from quizgen.errors import Diagnostic
from quizgen.exporters.base import Exporter
from quizgen.exporters.escaping import (
    versions_not_written,
    adaptation,
    forbidden_char_report,
    format_decimal,
    html_paragraphs,
    mark_the_words_choices,
    question_text,
    rubric_text,
    select_note,
    spreadsheet_cell,
    teacher_note_not_carried,
    unique_items,
    xml_text,
)

if TYPE_CHECKING:
    from quizgen.model import Worksheet, WorksheetItem

#: Most answers an MC/MA/FIB/MAT question may have: 100 in Learn 9.1 Q4 2019+
#: and Ultra; Original-course help pages of older releases say 20.
MAX_ANSWERS = 100
OLD_MAX_ANSWERS = 20

_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")


def html_field(text: str) -> str:
    """Return plain text as one HTML field: escaped paragraphs, no tab or newline left."""
    return html_paragraphs(xml_text(text)).replace("\t", "&#9;")


def plain_field(text: str) -> str:
    """Return text Blackboard compares with what a student types (FIB answers).

    Such text cannot be HTML-escaped (the student types ``&``, not
    ``&amp;``), so a tab or newline, which would end the field, becomes a
    space; a formula-like start is neutralised for spreadsheet programs
    unless the text is a plain number.
    """
    text = " ".join(re.split(r"[\t\r\n]+", xml_text(text))).strip()
    return text if _NUMBER.match(text) else spreadsheet_cell(text)


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _line(worksheet: "Worksheet", item: "WorksheetItem") -> tuple[list[str], list[tuple[str, str]]]:
    """Return the fields of one question and the notes on what was adapted."""
    q = item.question
    notes: list[tuple[str, str]] = []
    text = html_field(question_text(worksheet, item))

    def choices(kind: str, pairs: list[tuple[str, bool]]) -> list[str]:
        fields = [kind, text]
        for answer, correct in pairs:
            fields += [html_field(answer), "correct" if correct else "incorrect"]
        return fields

    if isinstance(q, model.SingleChoice):
        fields = choices("MC", [(c.text, c.correct) for c in q.choices])
    elif isinstance(q, model.MultipleResponse):
        fields = choices("MA", [(c.text, c.correct) for c in q.choices])
        notes.append(("adapted", "partial credit is a Blackboard setting the upload cannot carry: "
                                 "switch on \"Allow partial credit\" for this question to keep it"))
    elif isinstance(q, model.TrueFalse):
        fields = ["TF", text, "true" if q.answer else "false"]
    elif isinstance(q, model.ShortAnswer):
        answers = [plain_field(a) for a in q.answers]
        fields = ["FIB", text, *answers]
        if any(a != xml_text(b) for a, b in zip(answers, q.answers)):
            notes.append(("adapted", "accepted answers were put on one line (tabs and newlines as spaces, "
                                     "a formula-like start prefixed with ')"))
    elif isinstance(q, model.Numeric):
        passage = f"Answer in {q.unit}." if q.unit else ""
        text = html_field(question_text(worksheet, item, passage=passage))
        fields = ["NUM", text, format_decimal(q.answer)]
        if q.tolerance:
            fields.append(format_decimal(q.tolerance))
    elif isinstance(q, model.Matching):
        fields = ["MAT", text]
        for pair in q.pairs:
            fields += [html_field(pair.left), html_field(pair.right)]
        if q.distractors:
            notes.append(("adapted", f"{len(q.distractors)} extra right-hand item(s) left out: the upload "
                                     "format pairs every answer with exactly one match"))
    elif isinstance(q, model.Ordering):
        fields = ["MAT", text]
        for n, entry in enumerate(q.items, start=1):
            fields += [html_field(entry), html_field(_ordinal(n))]
        notes.append(("adapted", "ordering carried as matching: each item is matched to its position "
                                 "(Blackboard Ultra has no ordering question)"))
    elif isinstance(q, model.OpenResponse):
        fields = ["ESS", text, html_field(rubric_text(q))]
        notes.append(("adapted", "essay: the rubric and model answer are carried as the sample answer "
                                 "(the upload format has no rubric field)"))
    elif isinstance(q, model.MarkTheWords):
        words = mark_the_words_choices(q.passage, q.answers, q.optional)
        text = html_field(question_text(worksheet, item, passage=q.passage))
        fields = choices("MA", words)
        notes.append(("adapted", f"mark the words carried as multiple answer over the passage's words "
                                 f"({len(words)} choices){select_note(q)}"))
    else:  # pragma: no cover - a new kind must be mapped here
        raise AssertionError(q.kind)

    answers = (len(fields) - 2) // (2 if fields[0] in ("MC", "MA", "MAT") else 1)
    if fields[0] in ("MC", "MA", "MAT", "FIB") and answers > MAX_ANSWERS:
        notes.append(("left-out", f"{answers} answers: Blackboard accepts at most {MAX_ANSWERS}"))
    elif fields[0] in ("MC", "MA", "MAT", "FIB") and answers > OLD_MAX_ANSWERS:
        notes.append(("warning", f"{answers} answers: Blackboard Learn releases before 2019 accept at most "
                                 f"{OLD_MAX_ANSWERS}"))

    missing = []
    if q.explanation:
        missing.append("explanation (feedback)")
    if any(c.feedback for c in getattr(q, "choices", ())):
        missing.append("choice feedback")
    if q.points != 1:
        missing.append(f"points ({q.points}; uploads take the test's default)")
    missing.append("question id and skill tags")
    notes.append(("adapted", "the upload format has no field for " + ", ".join(missing) + ": left out"))
    if q.teacher_note:
        notes.append(("adapted", teacher_note_not_carried(
            "the upload format has no grader-only field; an essay's sample answer may be shown to students")))
    return fields, notes


class BlackboardExporter(Exporter):
    """Blackboard Learn upload file (tab-delimited text) of the first version."""

    #: The ``--format`` value.
    name: ClassVar[str] = "blackboard"
    #: Blackboard asks for a .txt file.
    suffix: ClassVar[str] = ".txt"
    #: One line for ``--help``.
    label: ClassVar[str] = "Blackboard Learn \"Upload Questions\" tab-delimited text (Original and Ultra)"
    #: Kinds with a Blackboard upload type of their own.
    question_kinds: ClassVar[frozenset[str]] = frozenset(
        {"single-choice", "multiple-response", "true-false", "short-answer", "numeric", "matching", "open-response"}
    )

    def export(self, worksheet: "Worksheet") -> bytes:
        """Return the upload file: one tab-separated line per question of the first version."""
        lines = []
        for item in worksheet.versions[0].items if worksheet.versions else ():
            fields, notes = _line(worksheet, item)
            if any(severity == "left-out" for severity, _m in notes):
                continue
            lines.append("\t".join(fields))
        # UTF-8 without a byte-order mark: a BOM would become part of the
        # first line's type field and Blackboard would reject that question.
        return "".join(line + "\n" for line in lines).encode("utf-8")

    def check(self, worksheet: "Worksheet") -> list[Diagnostic]:
        """Report per question what the upload adapts or leaves out, and the versions not written."""
        out = []
        first = {item.question.id for item in worksheet.versions[0].items} if worksheet.versions else set()
        for item in unique_items(worksheet):
            if item.question.id not in first:
                continue
            _fields, notes = _line(worksheet, item)
            for severity, message in notes:
                out.append(adaptation(self.name, item.question.id, message, severity))
        written = {f"question {qid}" for qid in first}
        out.extend(d for d in forbidden_char_report(self.name, worksheet) if d.subject in written)
        out.extend(versions_not_written(self.name, worksheet, "a Blackboard upload fills one test"))
        return out


__all__ = ["BlackboardExporter", "html_field", "plain_field"]

