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
open-response    WR, rubric and model answer as the answer key
mark-the-words   MS over the words of the passage ("Circle" or "Mark" reads "Select")
===============  =============================================================

A teacher note is not written: a written response's answer key can be
released to learners in a quiz's submission view, so it is not grader-only.

Question text, option and item text, feedback and answer keys are HTML,
marked ``HTML`` in the column D2L reads for it; so every such cell starts
with ``<p>`` and can never start a spreadsheet formula. Texts a student
types (short answers) and matching pairs are plain; a formula-like start
there gets a ``'`` (reported). One CSV fills one library section, so only
the first version is written; the others are reported.
"""

from __future__ import annotations

import csv
import io
import re
from typing import TYPE_CHECKING, ClassVar

from quizgen import model
from quizgen.errors import Diagnostic
from quizgen.exporters.base import Exporter
from quizgen.exporters.common_cartridge import numeric_answers
from quizgen.exporters.escaping import (
    versions_not_written,
    adaptation,
    feedback_text,
    forbidden_char_report,
    html_paragraphs,
    mark_the_words_choices,
    question_text,
    rubric_text,
    select_note,
    skill_name,
    spreadsheet_cell,
    teacher_note_not_carried,
    unique_items,
    xml_text,
)

if TYPE_CHECKING:
    from quizgen.model import Worksheet, WorksheetItem

_NUMBER = re.compile(r"^[-+]?\d+(\.\d+)?$")

#: Columns per row, as in D2L's sample file.
WIDTH = 5
#: Brightspace difficulty runs 1-10; the bank's 1-3 are spread over it.
DIFFICULTY = {1: 2, 2: 5, 3: 8}


def html_cell(text: str) -> str:
    """Return plain text as an HTML cell (flagged ``HTML`` in the row)."""
    return html_paragraphs(xml_text(text))


def plain_cell(text: str) -> str:
    """Return text kept plain (typed answers, matching pairs), safe for spreadsheets.

    A plain number (``-12``, ``+3.5``) is left alone: spreadsheets read it as
    a number, not a formula, and a numeric answer must stay typeable.
    """
    text = xml_text(text)
    return text if _NUMBER.match(text) else spreadsheet_cell(text)


def _row(*cells: str) -> list[str]:
    return list(cells) + [""] * (WIDTH - len(cells))


def _title(q: model.Question) -> str:
    # The library lists questions by title; the id row keeps the exact id,
    # the title adds the skill and sub-skill, which the CSV has no column for.
    sub = model.SUBSKILLS.get(q.subskill)
    sub_name = f"{q.subskill} {sub[1].name}" if sub else q.subskill
    return f"{q.id} \u00b7 {skill_name(q.skill)} \u00b7 {sub_name}"


def _feedback(q: model.Question) -> str:
    text = feedback_text(q)
    if q.techniques:
        text += ("\n\n" if text else "") + "Techniques: " + ", ".join(q.techniques)
    return text


def _block(worksheet: "Worksheet", item: "WorksheetItem") -> tuple[list[list[str]], list[tuple[str, str]]]:
    """Return the rows of one question and the notes on what was adapted."""
    q = item.question
    notes: list[tuple[str, str]] = []
    passage = ""
    body: list[list[str]] = []

    def plain(texts: list[str], what: str) -> list[str]:
        cells = [plain_cell(t) for t in texts]
        if any(c != xml_text(t) for c, t in zip(cells, texts)):
            notes.append(("adapted", f"{what} starting with = + - or @ got a leading ' so spreadsheet "
                                     "programs do not run it as a formula"))
        return cells

    if isinstance(q, model.SingleChoice):
        kind = "MC"
        feedback = plain([c.feedback for c in q.choices], "a choice's feedback")
        body = [_row("Option", "100" if c.correct else "0", html_cell(c.text), "HTML", fb)
                for c, fb in zip(q.choices, feedback)]
    elif isinstance(q, (model.MultipleResponse, model.MarkTheWords)):
        kind = "MS"
        if isinstance(q, model.MarkTheWords):
            pairs = [(w, ok, "") for w, ok in mark_the_words_choices(q.passage, q.answers, q.optional)]
            passage = q.passage
            notes.append(("adapted", f"mark the words carried as multi-select over the passage's words "
                                     f"({len(pairs)} choices){select_note(q)}"))
        else:
            pairs = [(c.text, c.correct, c.feedback) for c in q.choices]
        # "RightAnswers": each right selection and each right non-selection
        # earns its share, D2L's partial-credit scheme for multi-select.
        feedback = plain([fb for _t, _ok, fb in pairs], "a choice's feedback")
        body = [_row("Scoring", "RightAnswers")]
        body += [_row("Option", "1" if ok else "0", html_cell(t), "HTML", f) for (t, ok, _fb), f in zip(pairs, feedback)]
    elif isinstance(q, model.TrueFalse):
        kind = "TF"
        body = [_row("TRUE", "100" if q.answer else "0"), _row("FALSE", "0" if q.answer else "100")]
    elif isinstance(q, (model.ShortAnswer, model.Numeric)):
        kind = "SA"
        if isinstance(q, model.Numeric):
            answers, how = numeric_answers(q)
            passage = f"Answer in {q.unit}." if q.unit else ""
            notes.append(("adapted", f"numeric carried as short answer {how} (Brightspace's arithmetic "
                                     "questions cannot be imported by CSV)"))
        else:
            answers = list(q.answers)
        body = [_row("InputBox", "1", "40")]
        body += [_row("Answer", "100", cell) for cell in plain(answers, "an accepted answer")]
    elif isinstance(q, model.Matching):
        kind = "M"
        left = plain([p.left for p in q.pairs], "a matching item")
        right = plain([p.right for p in q.pairs], "a matching item")
        body = [_row("Scoring", "EquallyWeighted")]
        body += [_row("Choice", str(n), text) for n, text in enumerate(left, start=1)]
        body += [_row("Match", str(n), text) for n, text in enumerate(right, start=1)]
        if q.distractors:
            notes.append(("adapted", f"{len(q.distractors)} extra right-hand item(s) left out: the CSV pairs "
                                     "every match with a choice"))
    elif isinstance(q, model.Ordering):
        kind = "O"
        body = [_row("Scoring", "EquallyWeighted")]
        body += [_row("Item", html_cell(entry), "HTML") for entry in q.items]
    elif isinstance(q, model.OpenResponse):
        kind = "WR"
        body = [_row("AnswerKey", html_cell(rubric_text(q)), "HTML")]
        notes.append(("adapted", "written response: the rubric and model answer are carried as the answer "
                                 "key (the CSV has no rubric field)"))
    else:  # pragma: no cover - a new kind must be mapped here
        raise AssertionError(q.kind)

    rows = [
        _row("NewQuestion", kind),
        _row("ID", q.id),
        _row("Title", xml_text(_title(q))),
        _row("QuestionText", html_cell(question_text(worksheet, item, passage=passage)), "HTML"),
        _row("Points", str(q.points)),
        _row("Difficulty", str(DIFFICULTY.get(q.difficulty, 5))),
        *body,
    ]
    feedback = _feedback(q)
    if feedback:
        rows.append(_row("Feedback", html_cell(feedback), "HTML"))
    if q.teacher_note:
        notes.append(("adapted", teacher_note_not_carried(
            "the CSV has no grader-only field; a written response's answer key may be shown to learners")))
    return rows, notes


class BrightspaceExporter(Exporter):
    """D2L Brightspace question-library CSV of the first version."""

    #: The ``--format`` value.
    name: ClassVar[str] = "brightspace"
    #: A CSV file.
    suffix: ClassVar[str] = ".csv"
    #: One line for ``--help``.
    label: ClassVar[str] = "D2L Brightspace question-library CSV (Question Library > Import)"
    #: Kinds with a Brightspace CSV type of their own.
    question_kinds: ClassVar[frozenset[str]] = frozenset(
        {"single-choice", "multiple-response", "true-false", "short-answer", "matching", "ordering", "open-response"}
    )

    def export(self, worksheet: "Worksheet") -> bytes:
        """Return the CSV (UTF-8 with BOM, CRLF rows) of the first version's questions."""
        buffer = io.StringIO(newline="")
        writer = csv.writer(buffer, lineterminator="\r\n")
        title = spreadsheet_cell(xml_text(worksheet.recipe.title or "Worksheet"))
        writer.writerow(_row(f"// quizgen: {title}"))
        for item in worksheet.versions[0].items if worksheet.versions else ():
            rows, _notes = _block(worksheet, item)
            writer.writerows(rows)
            writer.writerow(_row())
        return buffer.getvalue().encode("utf-8-sig")

    def check(self, worksheet: "Worksheet") -> list[Diagnostic]:
        """Report per question what the CSV adapts or leaves out, and the versions not written."""
        out = []
        first = {item.question.id for item in worksheet.versions[0].items} if worksheet.versions else set()
        for item in unique_items(worksheet):
            if item.question.id in first:
                for severity, message in _block(worksheet, item)[1]:
                    out.append(adaptation(self.name, item.question.id, message, severity))
        written = {f"question {qid}" for qid in first}
        out.extend(d for d in forbidden_char_report(self.name, worksheet) if d.subject in written)
        out.extend(versions_not_written(self.name, worksheet, "one CSV fills one question-library section"))
        return out


__all__ = ["BrightspaceExporter", "html_cell", "plain_cell"]
