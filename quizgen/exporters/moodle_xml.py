"""Moodle XML: the question-bank import format of Moodle 3.x and 4.x (qformat_xml).

One ``<quiz>`` holds, per version and skill, a category pseudo-question
(``$course$/top/<title>/Version A/<skill>``) followed by that category's
questions. Each question carries its id as ``<idnumber>``, its skill,
sub-skill and techniques as ``<tags>``, the explanation as
``<generalfeedback>``, and the source excerpt with its citation in the
question text. Texts are HTML (``html_paragraphs``); the tree is built
with lxml, so ``]]>``, ``<`` and ``&`` need no CDATA at all.

Adapted on purpose (and reported by ``check``): ordering becomes matching of
each item to its position (Moodle has no core ordering type; qtype_ordering
is a plugin), mark-the-words becomes multiple response over the words of
the passage (its stem's "Circle" or "Mark" reads "Select").

A teacher note goes only into ``<graderinfo>`` (Information for graders),
which students never see; only essays have that field, so the note of any
other question is not carried, and ``check`` says so.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from lxml import etree

from quizgen import model as m
from quizgen.exporters import escaping as esc
from quizgen.exporters.base import Exporter

if TYPE_CHECKING:
    from quizgen.errors import Diagnostic

#: Moodle's fixed grade list (question_bank::fraction_options_full, Moodle
#: 3.x-4.x), as the exact strings Moodle itself exports: an import with a
#: fraction off this list (33.3 instead of 33.33333) is refused by the
#: question edit form and mis-sums in multiple response.
MOODLE_FRACTIONS: tuple[str, ...] = (
    "100", "90", "83.33333", "80", "75", "70", "66.66667", "60", "50", "40",
    "33.33333", "30", "25", "20", "16.66667", "14.28571", "12.5", "11.11111", "10", "5",
)


def moodle_fraction(share: Decimal | float) -> str:
    """Return the fraction string of Moodle's list nearest to ``share`` percent (sign kept)."""
    share = Decimal(str(share))
    if share == 0:
        return "0"
    best = min(MOODLE_FRACTIONS, key=lambda f: abs(Decimal(f) - abs(share)))
    return best if share > 0 else "-" + best


def fraction_exact(count: int) -> bool:
    """Return whether 100/count is on Moodle's list (so the correct choices sum to 100)."""
    return count > 0 and abs(Decimal(moodle_fraction(Decimal(100) / count)) * count - 100) < Decimal("0.001")


def choice_fractions(choices) -> list[str]:
    """Return Moodle fractions for a multiple-response question: correct share the 100, wrong ones cost as much.

    Each wrong choice takes away one correct choice's worth, so ticking
    boxes at random does not pay (Moodle clamps the total at 0).
    """
    correct = sum(1 for c in choices if c.correct)
    share = moodle_fraction(Decimal(100) / max(correct, 1))
    return [share if c.correct else "-" + share for c in choices]


def shortanswer_pattern(text: str) -> str:
    """Return an accepted answer as a Moodle shortanswer pattern: ``*`` is a wildcard, so escape it.

    qtype_shortanswer_question::compare_string_with_wildcard splits on
    unescaped ``*`` and turns ``\\*`` back into a literal asterisk.
    """
    return text.replace("*", "\\*")


class MoodleXmlExporter(Exporter):
    """Export a worksheet as Moodle XML for Question bank → Import."""

    #: The ``--format`` value.
    name = "moodle-xml"
    #: A plain XML file.
    suffix = ".xml"
    #: One line for ``--help``.
    label = "Moodle XML for Moodle 3.x/4.x question bank import (categories, tags, idnumbers)"
    #: Ordering and mark-the-words are adapted (see check).
    question_kinds = frozenset(
        {"single-choice", "multiple-response", "true-false", "short-answer", "numeric", "matching", "open-response"}
    )

    def check(self, worksheet: m.Worksheet) -> list[Diagnostic]:
        """Report the ordering and mark-the-words adaptations, teacher notes not carried and any dropped characters."""
        out = []
        for item in esc.unique_items(worksheet):
            q = item.question
            if isinstance(q, m.Ordering):
                out.append(esc.adaptation(self.name, q.id, "ordering carried as matching: each item is matched to its position (Moodle has no core ordering type)"))
            elif isinstance(q, m.MarkTheWords):
                out.append(esc.adaptation(self.name, q.id, "mark-the-words carried as multiple response: the loaded phrases and every other word of the passage are the choices" + esc.select_note(q)))
            if q.teacher_note and not isinstance(q, m.OpenResponse):
                out.append(esc.adaptation(self.name, q.id, esc.teacher_note_not_carried("Moodle has information for graders only on essays; the general feedback is shown to students")))
            if isinstance(q, (m.MultipleResponse, m.MarkTheWords)):
                correct = (sum(c.correct for c in q.choices) if isinstance(q, m.MultipleResponse) else len(q.answers))
                if not fraction_exact(correct):
                    out.append(esc.adaptation(self.name, q.id, f"{correct} correct choices: 100/{correct} is not on Moodle's grade list, so the nearest grade was used"))
        out.extend(esc.forbidden_char_report(self.name, worksheet))
        return out

    def export(self, worksheet: m.Worksheet) -> bytes:
        """Return the Moodle XML of every version of ``worksheet``."""
        quiz = etree.Element("quiz")
        several = len(worksheet.versions) > 1
        for version in worksheet.versions:
            for skill in _skills_in_order(version):
                path = [worksheet.recipe.title] + ([f"Version {version.letter}"] if several else []) + [esc.skill_name(skill)]
                quiz.append(_category(esc.moodle_category(path)))
                for item in version.items:
                    if item.question.skill == skill:
                        quiz.append(_question(worksheet, version, item))
        return etree.tostring(quiz, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _skills_in_order(version: m.Version) -> list[str]:
    known = [s.id for s in m.SKILLS]
    present = {item.question.skill for item in version.items}
    return [s for s in known if s in present] + sorted(present - set(known))


def _text(parent: etree._Element, tag: str, text: str, fmt: str | None = "html") -> etree._Element:
    """Append ``<tag format=…><text>…</text></tag>``; html formats get ``html_paragraphs``."""
    el = etree.SubElement(parent, tag)
    if fmt:
        el.set("format", fmt)
    body = esc.xml_text(text)
    etree.SubElement(el, "text").text = esc.html_paragraphs(body) if fmt == "html" and body else body
    return el


def _plain(parent: etree._Element, tag: str, value: str) -> etree._Element:
    el = etree.SubElement(parent, tag)
    el.text = esc.xml_text(value)
    return el


def _category(path: str) -> etree._Element:
    question = etree.Element("question", type="category")
    category = etree.SubElement(question, "category")
    _plain(category, "text", path)
    _text(question, "info", "", "html")
    _plain(question, "idnumber", "")
    return question


def question_name(item: m.WorksheetItem) -> str:
    """Return the name shown in the question bank: number, id and the start of the stem."""
    # Drop characters XML cannot carry before collapsing spaces, so a dropped
    # control character never leaves a space at the end (importers trim names).
    stem = " ".join(esc.xml_text(esc.select_stem(item.question)).split())  # as the question text says it
    # Moodle strips tags from names, cutting "3 < 5" at the "<": a look-alike keeps the text.
    stem = stem.replace("<", "\u2039")
    name = f"{item.number:02d} {item.question.id}: {stem}"
    return name if len(name) <= 80 else name[:79] + "\u2026"


def _question(worksheet: m.Worksheet, version: m.Version, item: m.WorksheetItem) -> etree._Element:
    q = item.question
    kind = _MOODLE_TYPE[q.kind]
    el = etree.Element("question", type=kind)
    name = etree.SubElement(el, "name")
    _plain(name, "text", question_name(item))
    extra = ""
    if isinstance(q, m.Ordering):
        extra = esc.ORDERING_HINT
    passage = q.passage if isinstance(q, m.MarkTheWords) else ""
    body = esc.question_text(worksheet, item, passage=passage)
    if extra:
        body = body + "\n\n" + extra
    _text(el, "questiontext", body)
    _text(el, "generalfeedback", esc.feedback_text(q))
    _plain(el, "defaultgrade", str(q.points))
    _plain(el, "penalty", "0.3333333" if kind in ("multichoice", "shortanswer", "numerical", "matching") else "1" if kind == "truefalse" else "0")
    _plain(el, "hidden", "0")
    _plain(el, "idnumber", q.id)
    _BODY[kind](el, q, item)
    tags = etree.SubElement(el, "tags")
    for tag in esc.question_tags(q):
        t = etree.SubElement(tags, "tag")
        _plain(t, "text", tag)
    return el


_MOODLE_TYPE = {
    "single-choice": "multichoice",
    "multiple-response": "multichoice",
    "mark-the-words": "multichoice",
    "true-false": "truefalse",
    "short-answer": "shortanswer",
    "numeric": "numerical",
    "matching": "matching",
    "ordering": "matching",
    "open-response": "essay",
}


def _combined_feedback(el: etree._Element) -> None:
    for tag in ("correctfeedback", "partiallycorrectfeedback", "incorrectfeedback"):
        _text(el, tag, "")


def _answer(el: etree._Element, fraction: str, text: str, feedback: str, fmt: str = "html") -> etree._Element:
    answer = etree.SubElement(el, "answer", fraction=fraction, format=fmt)
    body = esc.xml_text(text)
    etree.SubElement(answer, "text").text = esc.html_paragraphs(body) if fmt == "html" else body
    _text(answer, "feedback", feedback)
    return answer


def _multichoice(el: etree._Element, q, item: m.WorksheetItem) -> None:
    if isinstance(q, m.MarkTheWords):
        choices = [m.Choice(text, correct) for text, correct in esc.mark_the_words_choices(q.passage, q.answers, q.optional)]
        single = False
    else:
        choices = list(q.choices)
        single = isinstance(q, m.SingleChoice)
    _plain(el, "single", "true" if single else "false")
    # Keep this version's order: the printed key letters must match.
    _plain(el, "shuffleanswers", "false")
    _plain(el, "answernumbering", "ABCD")
    _plain(el, "showstandardinstruction", "1")
    _combined_feedback(el)
    _plain(el, "shownumcorrect", "")
    fractions = ["100" if c.correct else "0" for c in choices] if single else choice_fractions(choices)
    for choice, fraction in zip(choices, fractions):
        _answer(el, fraction, choice.text, choice.feedback)


def _truefalse(el: etree._Element, q: m.TrueFalse, item: m.WorksheetItem) -> None:
    # qformat_xml::import_truefalse looks for the answer texts "true" and "false".
    _answer(el, "100" if q.answer else "0", "true", "", "moodle_auto_format")
    _answer(el, "0" if q.answer else "100", "false", "", "moodle_auto_format")


def _shortanswer(el: etree._Element, q: m.ShortAnswer, item: m.WorksheetItem) -> None:
    _plain(el, "usecase", "0")
    for answer in q.answers:
        _answer(el, "100", shortanswer_pattern(answer), "", "moodle_auto_format")


def _numerical(el: etree._Element, q: m.Numeric, item: m.WorksheetItem) -> None:
    answer = _answer(el, "100", esc.format_decimal(q.answer), "", "moodle_auto_format")
    _plain(answer, "tolerance", esc.format_decimal(q.tolerance))
    if q.unit:
        units = etree.SubElement(el, "units")
        unit = etree.SubElement(units, "unit")
        _plain(unit, "multiplier", "1")
        _plain(unit, "unit_name", q.unit)
    # Units optional and ungraded (unitgradingtype 0); showunits 3 = the
    # unit is printed after the box, nothing to select (qtype_numerical::UNITNONE).
    _plain(el, "unitgradingtype", "0")
    _plain(el, "unitpenalty", "0.1000000")
    _plain(el, "showunits", "3")
    _plain(el, "unitsleft", "0")


def _matching(el: etree._Element, q, item: m.WorksheetItem) -> None:
    _plain(el, "shuffleanswers", "true")
    _combined_feedback(el)
    for left, right in matching_pairs(q, item):
        sub = _text(el, "subquestion", left)
        answer = etree.SubElement(sub, "answer")
        _plain(answer, "text", right)
    if isinstance(q, m.Matching):
        for distractor in q.distractors:
            # A subquestion with empty text is an extra wrong answer (qtype_match).
            sub = _text(el, "subquestion", "")
            answer = etree.SubElement(sub, "answer")
            _plain(answer, "text", distractor)


def matching_pairs(q, item: m.WorksheetItem) -> list[tuple[str, str]]:
    """Return (prompt, match) pairs; ordering becomes (item, its position) in printed order."""
    if isinstance(q, m.Ordering):
        printed = item.shuffled or q.items
        return [(text, str(q.items.index(text) + 1)) for text in printed]
    return [(p.left, p.right) for p in q.pairs]


def _essay(el: etree._Element, q: m.OpenResponse, item: m.WorksheetItem) -> None:
    _plain(el, "responseformat", "editor")
    _plain(el, "responserequired", "1")
    _plain(el, "responsefieldlines", str(max(5, q.lines * 3)))
    _plain(el, "minwordlimit", "")
    _plain(el, "maxwordlimit", "")
    _plain(el, "attachments", "0")
    _plain(el, "attachmentsrequired", "0")
    _plain(el, "maxbytes", "0")
    _plain(el, "filetypeslist", "")
    _text(el, "graderinfo", rubric_text(q))  # grader-only: rubric and teacher note
    _text(el, "responsetemplate", "")


#: The information for graders of an open question: rubric, then teacher note
#: (shared with QTI 2.1's scorer rubric, the other grader-only field).
rubric_text = esc.grader_text


_BODY = {
    "multichoice": _multichoice,
    "truefalse": _truefalse,
    "shortanswer": _shortanswer,
    "numerical": _numerical,
    "matching": _matching,
    "essay": _essay,
}
