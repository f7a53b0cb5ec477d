"""GIFT: Moodle's plain-text question format (qformat_gift, Moodle 3.x and 4.x).

Layout of one question, every line starting with a GIFT control sequence so
that escaped text never begins a line (a line starting with ``//`` is a
comment, a blank line ends the question)::

    // [id:ib-single] [tag:identify-bias] [tag:A2]
    ::01 ib-single\\: Which word is loaded?::[html]<p>stem…</p><p>excerpt…</p>{
    =<p>right choice</p>#<p>feedback</p>
    ~<p>wrong choice</p>
    ####<p>explanation</p>
    }

Question text, choices, feedback and matching prompts are HTML (``[html]``,
Moodle applies the question's format to its answers); short answers and the
right-hand column of matching are plain text, as Moodle stores them. Every
text goes through ``escape.gift_escape`` last, so newlines are ``\\n`` and
``~ = # { } :`` and backslash are escaped. ``// [id:…] [tag:…]`` comments
are read by Moodle 4.x (qformat_gift::extract_idnumber_and_tags_from_comment);
an importer without that code skips them as comments. ``$CATEGORY:`` lines
put each version and skill in its own category.

What the plan adapts: ordering → matching of each item to its position;
mark-the-words → multiple response over the passage's words; a numeric
unit → a line of the question text. GIFT has no field only graders see, so
an essay's rubric, model answer and explanation and every teacher note are
left out (they are in the PDF answer key). Here: an accepted short answer
holding ``->`` is left out (Moodle would read the question as matching), and
GIFT has no marks.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from quizgen import model as m
from quizgen.exporters import escape as esc
from quizgen.exporters.base import Exporter
from quizgen.exporters.moodle import MOODLE_CONVERTS, categories, choice_fractions, fraction_note, shortanswer_pattern
from quizgen.exporters.plan import Profile, adapted, left_out
from quizgen.printed import format_number

if TYPE_CHECKING:
    from quizgen.exporters.plan import Carried, FormatPlan


class GiftExporter(Exporter):
    """Export a worksheet as a GIFT text file for Moodle's Question bank → Import → GIFT."""

    name = "gift"
    #: Moodle's importer looks for a .txt upload.
    suffix = ".txt"
    label = "GIFT text for Moodle question bank import (ids and tags as Moodle 4.x comments)"
    profile = Profile(converts=MOODLE_CONVERTS, units=False,
                      no_grader_field="GIFT has no field only graders see; feedback is shown to students")

    def adapt(self, carried: Carried) -> Carried:
        """Leave out accepted answers holding '->', note marks GIFT cannot give and shares off Moodle's list."""
        q, notes = carried.question, []
        if isinstance(q, m.ShortAnswer):
            kept = tuple(a for a in q.answers if "->" not in a)
            if not kept:
                return carried.amend(left_out("left out: every accepted answer holds '->', which Moodle would read "
                                              "as a matching question"))
            if len(kept) < len(q.answers):
                # Named as the bank writes them (the plan also lists each with a final full stop).
                shown = ", ".join(repr(a) for a in getattr(carried.plan.question, "answers", q.answers) if "->" in a)
                notes.append(adapted(f"accepted answers left out: {shown} (Moodle reads '->' as matching)"))
                carried = carried.amend(question=_replace(q, answers=kept))
        if q.points != 1:
            notes.append(adapted(f"worth {q.points} points, but GIFT has no marks: Moodle imports it at 1 mark "
                                 "(set the mark after import, or use moodle-xml)"))
        notes.append(fraction_note(carried))
        return carried.amend(*[n for n in notes if n])

    def write(self, plan: FormatPlan) -> bytes:
        """Return the GIFT text of every version as UTF-8 bytes."""
        blocks: list[str] = []
        for path, questions in categories(plan):
            blocks.append("$CATEGORY: " + esc.gift_category(path))
            blocks += [_question(c) for c in questions]
        return ("\n\n".join(blocks) + "\n").encode("utf-8")


def _replace(question, **changes):
    import dataclasses

    return dataclasses.replace(question, **changes)


def _html(text: str) -> str:
    """Return plain text as escaped GIFT of HTML paragraphs."""
    return esc.gift_escape(esc.html_text(text))


def _plain(text: str) -> str:
    """Return plain text escaped for GIFT (short answers, matching right column)."""
    return esc.gift_escape(esc.xml_text(text))


def _question(carried: Carried) -> str:
    q = carried.question
    comment = " ".join([f"[id:{esc.gift_tag(q.id)}]"] + [f"[tag:{esc.gift_tag(t)}]" for t in carried.plan.tags])
    lines = ["// " + comment, "::" + _plain(carried.name) + "::[html]" + _html(carried.text) + "{"]
    lines += _ANSWERS[q.kind](carried)
    if carried.feedback:
        lines.append("####" + _html(carried.feedback))
    lines.append("}")
    return "\n".join(lines)


def _single(carried: Carried) -> list[str]:
    return [("=" if c.correct else "~") + _html(c.text) + _feedback(c.feedback) for c in carried.question.choices]


def _multiple(carried: Carried) -> list[str]:
    # Only "~%w%" lines: Moodle makes a question multiple-answer when its
    # answers hold no "=" (qformat_gift::readquestion).
    choices = carried.question.choices
    return [f"~%{w}%" + _html(c.text) + _feedback(c.feedback) for c, w in zip(choices, choice_fractions(carried))]


def _true_false(carried: Carried) -> list[str]:
    return ["T" if carried.question.answer else "F"]


def _short(carried: Carried) -> list[str]:
    # "%100%" before each answer keeps an answer that itself starts with
    # "%n%" from being read as a weight; "*" is Moodle's wildcard; and
    # "[moodle]" before an answer starting with "[" keeps Moodle from
    # taking "[html]…" as a format marker and dropping it.
    return [f"=%100%{_format_guard(_plain(shortanswer_pattern(a)))}" for a in carried.question.answers]


def _numeric(carried: Carried) -> list[str]:
    # "#=" (an explicit correct answer) reads the same in Moodle and gives
    # every parser a list of answers.
    q = carried.question
    return [f"#={format_number(q.answer)}:{format_number(q.tolerance)}"]


def _matching(carried: Carried) -> list[str]:
    q = carried.question
    out = [f"={_html(p.left)} -> {_plain(p.right)}" for p in q.pairs]
    # An empty prompt is an extra wrong answer (Moodle docs, GIFT matching).
    return out + [f"= -> {_plain(d)}" for d in q.distractors]


_ANSWERS = {
    "single-choice": _single,
    "multiple-response": _multiple,
    "true-false": _true_false,
    "short-answer": _short,
    "numeric": _numeric,
    "matching": _matching,
    "open-response": lambda carried: [],
}


def _format_guard(text: str) -> str:
    return "[moodle]" + text if text.startswith("[") else text


def _feedback(text: str) -> str:
    return "#" + _html(text) if text else ""
