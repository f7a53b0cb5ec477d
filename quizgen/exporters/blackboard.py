"""Blackboard Learn "Upload Questions" file: tab-delimited text, one question per line.

The format (Blackboard Learn help, "Upload Questions", Original and Ultra
course views) is a UTF-8 text file without a header row: the first field is
the question type, then the question text, then the answers. It has no
field for feedback, points, ids or tags, so those are left out and noted
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
open-response    ESS, without a sample answer
mark-the-words   MA over the words of the passage
===============  =============================================================

An essay's sample answer can be shown to students with the correct answers
after a test, so it is not grader-only: the rubric, model answer and
explanation, and every teacher note, are left out (they are in the PDF
answer key).

One upload fills one test or pool, so only the first version is written;
Blackboard shuffles answers itself (the other versions are noted).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from quizgen import model
from quizgen.exporters.base import Exporter
from quizgen.exporters.escape import html_text, spreadsheet_cell, xml_text
from quizgen.exporters.plan import Note, Profile, adapted, left_out
from quizgen.printed import format_number

if TYPE_CHECKING:
    from quizgen.exporters.plan import Carried, FormatPlan

#: Most answers an MC/MA/FIB/MAT question may have: 100 in Learn 9.1 Q4 2019+
#: and Ultra; Original-course help pages of older releases say 20.
MAX_ANSWERS = 100
OLD_MAX_ANSWERS = 20

_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")


def html_field(text: str) -> str:
    """Return plain text as one HTML field: escaped paragraphs, no tab or newline left."""
    return html_text(text).replace("\t", "&#9;")


def plain_field(text: str) -> str:
    """Return text Blackboard compares with what a student types (FIB answers).

    Such text cannot be HTML-escaped (the student types ``&``, not
    ``&amp;``), so a tab or newline, which would end the field, becomes a
    space; a formula-like start is neutralised for spreadsheet programs
    unless the text is a plain number.
    """
    text = " ".join(re.split(r"[\t\r\n]+", xml_text(text))).strip()
    return text if _NUMBER.match(text) else spreadsheet_cell(text)


def fields(carried: Carried) -> list[str]:
    """Return the tab-separated fields of one carried question: type, question text, answers."""
    q, text = carried.question, html_field(carried.text)
    if isinstance(q, (model.SingleChoice, model.MultipleResponse)):
        kind = "MC" if isinstance(q, model.SingleChoice) else "MA"
        return [kind, text] + [f for c in q.choices for f in (html_field(c.text), "correct" if c.correct else "incorrect")]
    if isinstance(q, model.TrueFalse):
        return ["TF", text, "true" if q.answer else "false"]
    if isinstance(q, model.ShortAnswer):
        return ["FIB", text, *[plain_field(a) for a in q.answers]]
    if isinstance(q, model.Numeric):
        return ["NUM", text, format_number(q.answer)] + ([format_number(q.tolerance)] if q.tolerance else [])
    if isinstance(q, model.Matching):
        return ["MAT", text] + [f for p in q.pairs for f in (html_field(p.left), html_field(p.right))]
    if isinstance(q, model.OpenResponse):
        return ["ESS", text]
    raise AssertionError(q.kind)  # pragma: no cover - a new kind must be mapped here


def _answer_count(row: list[str]) -> int:
    return (len(row) - 2) // (2 if row[0] in ("MC", "MA", "MAT") else 1)


class BlackboardExporter(Exporter):
    """Blackboard Learn upload file (tab-delimited text) of the first version."""

    name = "blackboard"
    #: Blackboard asks for a .txt file.
    suffix = ".txt"
    label = "Blackboard Learn \"Upload Questions\" tab-delimited text (Original and Ultra)"
    profile = Profile(
        converts={"ordering": ("matching", "Blackboard Ultra has no ordering question"),
                  "mark-the-words": ("multiple-response", "Blackboard has no mark-the-words question")},
        units=False,
        no_grader_field="the upload format has no field only graders see; an essay's sample answer may be shown "
                        "to students",
        first_version_only="a Blackboard upload fills one test",
    )

    def adapt(self, carried: Carried) -> Carried:
        """Note answer limits, partial credit, answers put on one line and the fields the upload lacks."""
        q, row = carried.question, fields(carried)
        notes = []
        if isinstance(q, model.MultipleResponse) and carried.plan.question.kind == "multiple-response":
            notes.append(adapted("partial credit is a Blackboard setting the upload cannot carry: switch on "
                                 "\"Allow partial credit\" for this question to keep it"))
        if isinstance(q, model.ShortAnswer) and any(plain_field(a) != xml_text(a) for a in q.answers):
            notes.append(adapted("accepted answers were put on one line (tabs and newlines as spaces, a formula-like "
                                 "start prefixed with ')"))
        if isinstance(q, model.Matching) and q.distractors:
            notes.append(adapted(f"{len(q.distractors)} extra right-hand item(s) left out: the upload format pairs "
                                 "every answer with exactly one match"))
        count = _answer_count(row)
        if row[0] in ("MC", "MA", "MAT", "FIB") and count > MAX_ANSWERS:
            notes.append(left_out(f"{count} answers: Blackboard accepts at most {MAX_ANSWERS}"))
        elif row[0] in ("MC", "MA", "MAT", "FIB") and count > OLD_MAX_ANSWERS:
            notes.append(Note("warning", f"{count} answers: Blackboard Learn releases before 2019 accept at most "
                                         f"{OLD_MAX_ANSWERS}"))
        missing = ["explanation (feedback)"] if carried.feedback else []
        if any(c.feedback for c in getattr(q, "choices", ())):
            missing.append("choice feedback")
        if q.points != 1:
            missing.append(f"points ({q.points}; uploads take the test's default)")
        missing.append("question id and skill tags")
        notes.append(adapted("the upload format has no field for " + ", ".join(missing) + ": left out"))
        return carried.amend(*notes, detail=row)

    def write(self, plan: FormatPlan) -> bytes:
        """Return the upload file: one tab-separated line per question of the first version."""
        lines = ["\t".join(c.detail) for _version, carried in plan.written() for c in carried]
        # UTF-8 without a byte-order mark: a BOM would become part of the
        # first line's type field and Blackboard would reject that question.
        return "".join(line + "\n" for line in lines).encode("utf-8")

__all__ = ["BlackboardExporter", "html_field", "plain_field"]
