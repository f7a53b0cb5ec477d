"""D2L Brightspace question-library CSV (Question Library > Import > Upload a File).

The layout is D2L's ``Sample_Question_Import_UTF8.csv``: each question is a
block of rows, the first cell naming the row (``NewQuestion,MC``, ``ID``,
``Title``, ``QuestionText``, ``Points``, ``Difficulty``, type rows, ``Hint``,
``Feedback``), five columns a row, a blank row between questions, UTF-8
with a byte-order mark ("CSV UTF-8", which the sample asks for so that
non-ASCII text survives), written with Python's csv module (RFC 4180
quoting). Rows starting with ``//`` are comments.

Brightspace's CSV import takes written response, short answer, matching,
multiple choice, true/false, multi-select and ordering (D2L "Import
questions into the Question Library"); fill in the blanks, arithmetic and
significant-figures questions cannot be imported by CSV.

===============  =============================================================
single-choice    MC, choice feedback per option
multiple-resp.   MS, scored "RightAnswers" (partial credit)
true-false       TF
short-answer     SA, every accepted answer (case-insensitive)
numeric          SA: the exact answer, or the whole numbers in the tolerance
matching         M, scored "EquallyWeighted" (distractors cannot be carried)
ordering         O, scored "EquallyWeighted"
open-response    WR, without an answer key
mark-the-words   MS over the words of the passage
===============  =============================================================

A written response's answer key can be released to learners in a quiz's
submission view, so it is not grader-only: the rubric, model answer and
explanation, and every teacher note, are left out (they are in the PDF
answer key).

Question text, option and item text and feedback are HTML, marked ``HTML``
in the column D2L reads for it; so every such cell starts with ``<p>`` and
can never start a spreadsheet formula. Texts a student types (short
answers) and matching pairs are plain; a formula-like start there gets a
``'`` (noted). One CSV fills one library section, so only the first
version is written; the others are noted.
"""

from __future__ import annotations

import csv
import io
import re
from typing import TYPE_CHECKING

from quizgen import model
from quizgen.exporters.base import Exporter
from quizgen.exporters.escape import html_text, spreadsheet_cell, xml_text
from quizgen.exporters.plan import Profile, adapted
from quizgen.printed import skill_name, subskill_name

if TYPE_CHECKING:
    from quizgen.exporters.plan import Carried, FormatPlan

_NUMBER = re.compile(r"^[-+]?\d+(\.\d+)?$")

#: Columns per row, as in D2L's sample file.
WIDTH = 5
#: Brightspace difficulty runs 1-10; the bank's 1-3 are spread over it.
DIFFICULTY = {1: 2, 2: 5, 3: 8}


def html_cell(text: str) -> str:
    """Return plain text as an HTML cell (flagged ``HTML`` in the row)."""
    return html_text(text)


def plain_cell(text: str) -> str:
    """Return text kept plain (typed answers, matching pairs), safe for spreadsheets.

    A plain number (``-12``, ``+3.5``) is left alone: spreadsheets read it as
    a number, not a formula, and a numeric answer must stay typeable.
    """
    text = xml_text(text)
    return text if _NUMBER.match(text) else spreadsheet_cell(text)


def _row(*cells: str) -> list[str]:
    return list(cells) + [""] * (WIDTH - len(cells))


def _title(carried: Carried) -> str:
    # The library lists questions by title: position and stem, never the question id (which can
    # name the answer; the ID row, which instructors alone see, keeps it), then the skill and
    # sub-skill, which the CSV has no column for.
    q = carried.question
    return f"{carried.name} \u00b7 {skill_name(q.skill)} \u00b7 {subskill_name(q.subskill)}"


def _plain_texts(q: model.Question) -> list[tuple[str, str]]:
    """Return the texts a question keeps plain (what, text): feedback of choices, typed answers, pairs."""
    if isinstance(q, model.SingleChoice):
        return [("a choice's feedback", c.feedback) for c in q.choices]
    if isinstance(q, model.MultipleResponse):
        return [("a choice's feedback", c.feedback) for c in q.choices]
    if isinstance(q, model.ShortAnswer):
        return [("an accepted answer", a) for a in q.answers]
    if isinstance(q, model.Matching):
        return [("a matching item", t) for p in q.pairs for t in (p.left, p.right)]
    return []


def _body(q: model.Question) -> tuple[str, list[list[str]]]:
    """Return the question type and its type rows."""
    if isinstance(q, model.SingleChoice):
        return "MC", [_row("Option", "100" if c.correct else "0", html_cell(c.text), "HTML", plain_cell(c.feedback))
                      for c in q.choices]
    if isinstance(q, model.MultipleResponse):
        # "RightAnswers": each right selection and each right non-selection
        # earns its share, D2L's partial-credit scheme for multi-select.
        return "MS", [_row("Scoring", "RightAnswers")] + [
            _row("Option", "1" if c.correct else "0", html_cell(c.text), "HTML", plain_cell(c.feedback)) for c in q.choices]
    if isinstance(q, model.TrueFalse):
        return "TF", [_row("TRUE", "100" if q.answer else "0"), _row("FALSE", "0" if q.answer else "100")]
    if isinstance(q, model.ShortAnswer):
        return "SA", [_row("InputBox", "1", "40")] + [_row("Answer", "100", plain_cell(a)) for a in q.answers]
    if isinstance(q, model.Matching):
        return "M", ([_row("Scoring", "EquallyWeighted")]
                     + [_row("Choice", str(n), plain_cell(p.left)) for n, p in enumerate(q.pairs, start=1)]
                     + [_row("Match", str(n), plain_cell(p.right)) for n, p in enumerate(q.pairs, start=1)])
    if isinstance(q, model.Ordering):
        return "O", [_row("Scoring", "EquallyWeighted")] + [_row("Item", html_cell(t), "HTML") for t in q.items]
    if isinstance(q, model.OpenResponse):
        return "WR", []
    raise AssertionError(q.kind)  # pragma: no cover - a new kind must be mapped here


def block(carried: Carried) -> list[list[str]]:
    """Return the rows of one carried question."""
    q = carried.question
    kind, body = _body(q)
    rows = [
        _row("NewQuestion", kind),
        _row("ID", q.id),
        _row("Title", xml_text(_title(carried))),
        _row("QuestionText", html_cell(carried.text), "HTML"),
        _row("Points", str(q.points)),
        _row("Difficulty", str(DIFFICULTY.get(q.difficulty, 5))),
        *body,
    ]
    feedback = carried.feedback
    if q.techniques:
        feedback += ("\n\n" if feedback else "") + "Techniques: " + ", ".join(q.techniques)
    if feedback:
        rows.append(_row("Feedback", html_cell(feedback), "HTML"))
    return rows


class BrightspaceExporter(Exporter):
    """D2L Brightspace question-library CSV of the first version."""

    name = "brightspace"
    suffix = ".csv"
    label = "D2L Brightspace question-library CSV (Question Library > Import)"
    profile = Profile(
        converts={"mark-the-words": ("multiple-response", "Brightspace's CSV has no mark-the-words type"),
                  "numeric": ("short-answer", "Brightspace's arithmetic questions cannot be imported by CSV")},
        units=False,
        no_grader_field="the CSV has no field only graders see; a written response's answer key may be shown to learners",
        first_version_only="one CSV fills one question-library section",
    )

    def adapt(self, carried: Carried) -> Carried:
        """Note plain cells that got a leading ' and matching distractors the CSV cannot hold."""
        q, notes, said = carried.question, [], set()
        for what, text in _plain_texts(q):
            if plain_cell(text) != xml_text(text) and what not in said:
                said.add(what)
                notes.append(adapted(f"{what} starting with = + - or @ got a leading ' so spreadsheet programs do "
                                     "not run it as a formula"))
        if isinstance(q, model.Matching) and q.distractors:
            notes.append(adapted(f"{len(q.distractors)} extra right-hand item(s) left out: the CSV pairs every match "
                                 "with a choice"))
        return carried.amend(*notes)

    def write(self, plan: FormatPlan) -> bytes:
        """Return the CSV (UTF-8 with BOM, CRLF rows) of the first version's questions."""
        buffer = io.StringIO(newline="")
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(_row(f"// quizgen: {spreadsheet_cell(xml_text(plan.worksheet.recipe.title or 'Worksheet'))}"))
        for _version, carried in plan.written():
            for c in carried:
                writer.writerows(block(c))
                writer.writerow(_row())
        return buffer.getvalue().encode("utf-8-sig")


__all__ = ["BrightspaceExporter", "html_cell", "plain_cell"]
