"""Moodle XML: the question-bank import format of Moodle 3.x and 4.x (qformat_xml).

One ``<quiz>`` holds, per version and skill, a category pseudo-question
(``$course$/top/<title>/Version A/<skill>``) followed by that category's
questions. Each question carries its id as ``<idnumber>``, its skill,
sub-skill and techniques as ``<tags>``, the explanation as
``<generalfeedback>``, and the source excerpt with its citation in the
question text. Texts are HTML (``html_paragraphs``); the tree is built
with lxml, so ``]]>``, ``<`` and ``&`` need no CDATA at all.

The plan adapts ordering and mark-the-words as quizgen.exporters.moodle
says for both of Moodle's formats. Grader-only material (an essay's rubric, model answer and
explanation, its teacher note) goes only into ``<graderinfo>``
(Information for graders), which students never see; only essays have that
field, so the teacher note of any other question is left out, and noted.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from lxml import etree

from quizgen import model as m
from quizgen.exporters import escape as esc
from quizgen.exporters.base import Exporter
from quizgen.exporters.moodle import MOODLE_CONVERTS, categories, choice_fractions, fraction_note, shortanswer_pattern
from quizgen.exporters.package import xml_bytes
from quizgen.exporters.plan import Profile
from quizgen.printed import format_number

if TYPE_CHECKING:
    from quizgen.exporters.plan import Carried, FormatPlan


class MoodleXmlExporter(Exporter):
    """Export a worksheet as Moodle XML for Question bank → Import."""

    name = "moodle-xml"
    suffix = ".xml"
    label = "Moodle XML for Moodle 3.x/4.x question bank import (categories, tags, idnumbers)"
    profile = Profile(
        converts=MOODLE_CONVERTS,
        grader_kinds=frozenset({"open-response"}),
        no_grader_field="Moodle has information for graders only on essays; the general feedback is shown to students",
    )

    def adapt(self, carried: Carried) -> Carried:
        """Note a multiple-response question whose shares are off Moodle's grade list."""
        note = fraction_note(carried)
        return carried.amend(note) if note else carried

    def write(self, plan: FormatPlan) -> bytes:
        """Return the Moodle XML of every version."""
        quiz = etree.Element("quiz")
        for path, questions in categories(plan):
            quiz.append(_category(esc.moodle_category(path)))
            quiz.extend(_question(c) for c in questions)
        return xml_bytes(quiz)


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


#: Moodle question type per carried kind.
MOODLE_TYPE = {"single-choice": "multichoice", "multiple-response": "multichoice", "true-false": "truefalse",
               "short-answer": "shortanswer", "numeric": "numerical", "matching": "matching", "open-response": "essay"}

#: Moodle's penalty for each wrong try, per type (1 for true/false: two tries would always score).
_PENALTY = {"multichoice": "0.3333333", "shortanswer": "0.3333333", "numerical": "0.3333333",
            "matching": "0.3333333", "truefalse": "1"}


def _question(carried: Carried) -> etree._Element:
    q = carried.question
    kind = MOODLE_TYPE[q.kind]
    el = etree.Element("question", type=kind)
    _plain(etree.SubElement(el, "name"), "text", carried.name)
    _text(el, "questiontext", carried.text)
    _text(el, "generalfeedback", carried.feedback)
    _plain(el, "defaultgrade", str(q.points))
    _plain(el, "penalty", _PENALTY.get(kind, "0"))
    _plain(el, "hidden", "0")
    _plain(el, "idnumber", q.id)
    _BODY[kind](el, carried)
    tags = etree.SubElement(el, "tags")
    for tag in carried.plan.tags:
        _plain(etree.SubElement(tags, "tag"), "text", tag)
    return el


def _combined_feedback(el: etree._Element) -> None:
    for tag in ("correctfeedback", "partiallycorrectfeedback", "incorrectfeedback"):
        _text(el, tag, "")


def _answer(el: etree._Element, fraction: str, text: str, feedback: str, fmt: str = "html") -> etree._Element:
    answer = etree.SubElement(el, "answer", fraction=fraction, format=fmt)
    body = esc.xml_text(text)
    etree.SubElement(answer, "text").text = esc.html_paragraphs(body) if fmt == "html" else body
    _text(answer, "feedback", feedback)
    return answer


def _multichoice(el: etree._Element, carried: Carried) -> None:
    q = carried.question
    single = isinstance(q, m.SingleChoice)
    _plain(el, "single", "true" if single else "false")
    # Keep this version's order: the printed key letters must match.
    _plain(el, "shuffleanswers", "false")
    _plain(el, "answernumbering", "ABCD")
    _plain(el, "showstandardinstruction", "1")
    _combined_feedback(el)
    _plain(el, "shownumcorrect", "")
    fractions = ["100" if c.correct else "0" for c in q.choices] if single else choice_fractions(carried)
    for choice, fraction in zip(q.choices, fractions):
        _answer(el, fraction, choice.text, choice.feedback)


def _truefalse(el: etree._Element, carried: Carried) -> None:
    # qformat_xml::import_truefalse looks for the answer texts "true" and "false".
    answer = carried.question.answer
    _answer(el, "100" if answer else "0", "true", "", "moodle_auto_format")
    _answer(el, "0" if answer else "100", "false", "", "moodle_auto_format")


def _shortanswer(el: etree._Element, carried: Carried) -> None:
    _plain(el, "usecase", "0")
    for answer in carried.question.answers:
        _answer(el, "100", shortanswer_pattern(answer), "", "moodle_auto_format")


def _numerical(el: etree._Element, carried: Carried) -> None:
    q = carried.question
    answer = _answer(el, "100", format_number(q.answer), "", "moodle_auto_format")
    _plain(answer, "tolerance", format_number(q.tolerance))
    if q.unit:
        unit = etree.SubElement(etree.SubElement(el, "units"), "unit")
        _plain(unit, "multiplier", "1")
        _plain(unit, "unit_name", q.unit)
    # Units optional and ungraded (unitgradingtype 0); showunits 3 = the
    # unit is printed after the box, nothing to select (qtype_numerical::UNITNONE).
    for tag, value in (("unitgradingtype", "0"), ("unitpenalty", "0.1000000"), ("showunits", "3"), ("unitsleft", "0")):
        _plain(el, tag, value)


def _matching(el: etree._Element, carried: Carried) -> None:
    q = carried.question
    _plain(el, "shuffleanswers", "true")
    _combined_feedback(el)
    for pair in q.pairs:
        sub = _text(el, "subquestion", pair.left)
        _plain(etree.SubElement(sub, "answer"), "text", pair.right)
    for distractor in q.distractors:
        # A subquestion with empty text is an extra wrong answer (qtype_match).
        sub = _text(el, "subquestion", "")
        _plain(etree.SubElement(sub, "answer"), "text", distractor)


def _essay(el: etree._Element, carried: Carried) -> None:
    # Typed in the editor, required, 3 lines per printed line (5 at least); no word limits, no attachments.
    for tag, value in (("responseformat", "editor"), ("responserequired", "1"),
                       ("responsefieldlines", str(max(5, carried.question.lines * 3))),
                       ("minwordlimit", ""), ("maxwordlimit", ""), ("attachments", "0"), ("attachmentsrequired", "0"),
                       ("maxbytes", "0"), ("filetypeslist", "")):
        _plain(el, tag, value)
    _text(el, "graderinfo", carried.grader)  # students never see it
    _text(el, "responsetemplate", "")


_BODY = {
    "multichoice": _multichoice,
    "truefalse": _truefalse,
    "shortanswer": _shortanswer,
    "numerical": _numerical,
    "matching": _matching,
    "essay": _essay,
}
