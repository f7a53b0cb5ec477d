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
text goes through ``escaping.gift_escape`` last, so newlines are ``\\n`` and
``~ = # { } :`` and backslash are escaped. ``// [id:…] [tag:…]`` comments
are read by Moodle 4.x (qformat_gift::extract_idnumber_and_tags_from_comment);
an importer without that code skips them as comments. ``$CATEGORY:`` lines
put each version and skill in its own category.

Adapted on purpose (reported by ``check``): ordering → matching of each item
to its position; mark-the-words → multiple response over the passage's words
(its stem's "Circle" or "Mark" reads "Select"); the open-response rubric → general
feedback (GIFT has no grader information); a numeric unit → written after the
question text; an accepted short answer holding ``->`` is left out (Moodle
would read the question as matching). A teacher note is never written: the
only place for it would be feedback students see.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from quizgen import model as m
from quizgen.exporters import escaping as esc
from quizgen.exporters.base import Exporter
from quizgen.exporters.moodle_xml import (
    choice_fractions,
    fraction_exact,
    matching_pairs,
    question_name,
    shortanswer_pattern,
)

if TYPE_CHECKING:
    from quizgen.errors import Diagnostic

#: Appended to an ordering question carried as matching.
ORDERING_HINT = esc.ORDERING_HINT


class GiftExporter(Exporter):
    """Export a worksheet as a GIFT text file for Moodle's Question bank → Import → GIFT."""

    #: The ``--format`` value.
    name = "gift"
    #: Moodle's importer looks for a .txt upload.
    suffix = ".gift.txt"
    #: One line for ``--help``.
    label = "GIFT text for Moodle question bank import (ids and tags as Moodle 4.x comments)"
    #: Ordering and mark-the-words are adapted; open-response keeps its rubric only as feedback.
    question_kinds = frozenset({"single-choice", "multiple-response", "true-false", "short-answer", "numeric", "matching"})

    def check(self, worksheet: m.Worksheet) -> list[Diagnostic]:
        """Report what GIFT carries in another form or leaves out, one line per question."""
        out = []
        for item in esc.unique_items(worksheet):
            q = item.question
            if isinstance(q, m.Ordering):
                out.append(esc.adaptation(self.name, q.id, "ordering carried as matching: each item is matched to its position (GIFT has no ordering type)"))
            elif isinstance(q, m.MarkTheWords):
                out.append(esc.adaptation(self.name, q.id, "mark-the-words carried as multiple response: the loaded phrases and every other word of the passage are the choices" + esc.select_note(q)))
            elif isinstance(q, m.OpenResponse):
                out.append(esc.adaptation(self.name, q.id, "essay: the rubric and model answer are in the general feedback (GIFT has no grader information), so students see them after submitting"))
            elif isinstance(q, m.Numeric) and q.unit:
                out.append(esc.adaptation(self.name, q.id, f"numeric unit '{q.unit}' written after the question text (GIFT has no units)"))
            elif isinstance(q, m.ShortAnswer):
                dropped = [a for a in q.answers if "->" in a]
                if dropped and len(dropped) == len(q.answers):
                    out.append(esc.adaptation(self.name, q.id, "left out: every accepted answer holds '->', which Moodle would read as a matching question", "left-out"))
                elif dropped:
                    shown = ", ".join(repr(a) for a in dropped)
                    out.append(esc.adaptation(self.name, q.id, f"accepted answers left out: {shown} (Moodle reads '->' as matching)"))
            if q.teacher_note:
                out.append(esc.adaptation(self.name, q.id, esc.teacher_note_not_carried("GIFT has no grader information; feedback is shown to students")))
            if q.points != 1:
                out.append(esc.adaptation(self.name, q.id, f"worth {q.points} points, but GIFT has no marks: Moodle imports it at 1 mark (set the mark after import, or use moodle-xml)"))
            if isinstance(q, (m.MultipleResponse, m.MarkTheWords)):
                correct = sum(c.correct for c in q.choices) if isinstance(q, m.MultipleResponse) else len(q.answers)
                if not fraction_exact(correct):
                    out.append(esc.adaptation(self.name, q.id, f"{correct} correct choices: 100/{correct} is not on Moodle's grade list, so the nearest grade was used"))
        out.extend(esc.forbidden_char_report(self.name, worksheet))
        return out

    def export(self, worksheet: m.Worksheet) -> bytes:
        """Return the GIFT text of every version of ``worksheet`` as UTF-8 bytes."""
        blocks: list[str] = []
        several = len(worksheet.versions) > 1
        for version in worksheet.versions:
            skills = _skills_in_order(version)
            for skill in skills:
                path = [worksheet.recipe.title] + ([f"Version {version.letter}"] if several else []) + [esc.skill_name(skill)]
                blocks.append("$CATEGORY: " + esc.gift_category(path))
                for item in version.items:
                    if item.question.skill == skill:
                        block = _question(worksheet, item)
                        if block:
                            blocks.append(block)
        return ("\n\n".join(blocks) + "\n").encode("utf-8")


def _skills_in_order(version: m.Version) -> list[str]:
    known = [s.id for s in m.SKILLS]
    present = {item.question.skill for item in version.items}
    return [s for s in known if s in present] + sorted(present - set(known))


def _html(text: str) -> str:
    """Return plain text as escaped GIFT of HTML paragraphs."""
    return esc.gift_escape(esc.html_paragraphs(esc.xml_text(text)))


def _plain(text: str) -> str:
    """Return plain text escaped for GIFT (short answers, matching right column)."""
    return esc.gift_escape(esc.xml_text(text))


# Shared with the other plain-text format.
question_text = esc.plain_question_text
general_feedback = esc.general_feedback


def short_answers(q: m.ShortAnswer) -> list[str]:
    """Return the accepted answers GIFT can carry (those without ``->``)."""
    return [a for a in q.answers if "->" not in a]


def _question(worksheet: m.Worksheet, item: m.WorksheetItem) -> str:
    q = item.question
    lines = []
    comment = " ".join([f"[id:{esc.gift_tag(q.id)}]"] + [f"[tag:{esc.gift_tag(t)}]" for t in esc.question_tags(q)])
    lines.append("// " + comment)
    head = "::" + _plain(question_name(item)) + "::[html]" + _html(question_text(worksheet, item)) + "{"
    answers = _answers(q, item)
    if answers is None:
        return ""
    lines.append(head)
    lines.extend(answers)
    feedback = general_feedback(q)
    if feedback:
        lines.append("####" + _html(feedback))
    lines.append("}")
    return "\n".join(lines)


def _answers(q: m.Question, item: m.WorksheetItem) -> list[str] | None:
    """Return the answer lines of one question (None: the question cannot be carried)."""
    if isinstance(q, m.SingleChoice):
        return [("=" if c.correct else "~") + _html(c.text) + _feedback(c.feedback) for c in q.choices]
    if isinstance(q, (m.MultipleResponse, m.MarkTheWords)):
        if isinstance(q, m.MarkTheWords):
            choices = [m.Choice(t, c) for t, c in esc.mark_the_words_choices(q.passage, q.answers, q.optional)]
        else:
            choices = list(q.choices)
        # Only "~%w%" lines: Moodle makes a question multiple-answer when its
        # answers hold no "=" (qformat_gift::readquestion).
        return [f"~%{w}%" + _html(c.text) + _feedback(c.feedback) for c, w in zip(choices, choice_fractions(choices))]
    if isinstance(q, m.TrueFalse):
        return ["T" if q.answer else "F"]
    if isinstance(q, m.ShortAnswer):
        accepted = short_answers(q)
        if not accepted:
            return None
        # "%100%" before each answer keeps an answer that itself starts with
        # "%n%" from being read as a weight; "*" is Moodle's wildcard; and
        # "[moodle]" before an answer starting with "[" keeps Moodle from
        # taking "[html]…" as a format marker and dropping it.
        return [f"=%100%{_format_guard(_plain(shortanswer_pattern(a)))}" for a in accepted]
    if isinstance(q, m.Numeric):
        # "#=" (an explicit correct answer) reads the same in Moodle and gives
        # every parser a list of answers.
        return [f"#={esc.format_decimal(q.answer)}:{esc.format_decimal(q.tolerance)}"]
    if isinstance(q, (m.Matching, m.Ordering)):
        out = [f"={_html(left)} -> {_plain(right)}" for left, right in matching_pairs(q, item)]
        if isinstance(q, m.Matching):
            # An empty prompt is an extra wrong answer (Moodle docs, GIFT matching).
            out.extend(f"= -> {_plain(d)}" for d in q.distractors)
        return out
    if isinstance(q, m.OpenResponse):
        return []
    raise ValueError(f"no GIFT form for question kind {q.kind!r}")


def _format_guard(text: str) -> str:
    return "[moodle]" + text if text.startswith("[") else text


def _feedback(text: str) -> str:
    return "#" + _html(text) if text else ""

