"""Moodle XML: the question-bank import format of Moodle 3.x and 4.x (qformat_xml).

One ``<quiz>`` holds, per version and skill, a category pseudo-question
(``$course$/top/<title>/Version A/<skill>``) followed by that category's
questions. Each question carries its id as ``<idnumber>``, its skill,
sub-skill and techniques as ``<tags>``, the explanation as
``<generalfeedback>``, and the source excerpt with its citation in the
question text. Texts are HTML (``html_paragraphs``); the tree is built
with lxml, so ``]]>``, ``<`` and ``&`` need no CDATA at all.

What the plan adapts (quizgen.exporters.plan): ordering becomes matching of
each item to its position (Moodle has no core ordering type; qtype_ordering
is a plugin), mark-the-words becomes multiple response over the words of
the passage. Grader-only material (an essay's rubric, model answer and
explanation, its teacher note) goes only into ``<graderinfo>``
(Information for graders), which students never see; only essays have that
field, so the teacher note of any other question is left out, and noted.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from lxml import etree

from quizgen import model as m
from quizgen.exporters import escape as esc
from quizgen.exporters import wording
from quizgen.exporters.base import Exporter
from quizgen.exporters.plan import Profile, adapted
from quizgen.printed import format_number, skill_name

if TYPE_CHECKING:
    from quizgen.exporters.plan import Carried, FormatPlan

#: Moodle's fixed grade list (question_bank::fraction_options_full, Moodle
#: 3.x-4.x), as the exact strings Moodle itself exports: an import with a
#: fraction off this list (33.3 instead of 33.33333) is refused by the
#: question edit form and mis-sums in multiple response.
MOODLE_FRACTIONS: tuple[str, ...] = (
    "100", "90", "83.33333", "80", "75", "70", "66.66667", "60", "50", "40",
    "33.33333", "30", "25", "20", "16.66667", "14.28571", "12.5", "11.11111", "10", "5",
)

#: How a Moodle-based format (Moodle XML, GIFT) carries the kinds Moodle lacks.
MOODLE_CONVERTS = {
    "ordering": ("matching", "Moodle has no core ordering type"),
    "mark-the-words": ("multiple-response", "Moodle has no mark-the-words type"),
}


def moodle_fraction(share: Decimal | float) -> str:
    """Return the fraction string of Moodle's list nearest to ``share`` percent (sign kept)."""
    share = Decimal(str(share))
    if share == 0:
        return "0"
    best = min(MOODLE_FRACTIONS, key=lambda f: abs(Decimal(f) - abs(share)))
    return best if share > 0 else "-" + best


def choice_fractions(carried: Carried) -> list[str]:
    """Return the Moodle fraction of each choice, from the scoring's parts (quizgen.scoring)."""
    scoring = carried.scoring
    return [moodle_fraction(part.value * 100 / scoring.points) if scoring.points else "0" for part in scoring.parts]


def fraction_note(carried: Carried):
    """Return the note for a multiple-response question whose shares are not on Moodle's list, or None."""
    if not isinstance(carried.question, m.MultipleResponse):
        return None
    fractions = choice_fractions(carried)
    total = sum(Decimal(f) for f in fractions if not f.startswith("-"))
    if abs(total - 100) < Decimal("0.001"):
        return None
    count = sum(1 for c in carried.question.choices if c.correct)
    return adapted(f"{count} correct choices: their shares of the marks are not all on Moodle's grade list, so the "
                   f"nearest grades were used (the correct choices add up to {format_number(total)}%)")


def shortanswer_pattern(text: str) -> str:
    """Return an accepted answer as a Moodle shortanswer pattern: ``*`` is a wildcard, so escape it.

    qtype_shortanswer_question::compare_string_with_wildcard splits on
    unescaped ``*`` and turns ``\\*`` back into a literal asterisk.
    """
    return text.replace("*", "\\*")


def category_path(plan: FormatPlan, version: m.Version, skill: str) -> list[str]:
    """Return the category of a version's skill: title, "Version A" when there are several, skill name."""
    several = len(plan.worksheet.versions) > 1
    return [plan.worksheet.recipe.title] + ([f"Version {version.letter}"] if several else []) + [skill_name(skill)]


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
        for version, carried in plan.written():
            for skill in wording.skills_in_order(carried):
                quiz.append(_category(esc.moodle_category(category_path(plan, version, skill))))
                quiz.extend(_question(c) for c in carried if c.question.skill == skill)
        return etree.tostring(quiz, xml_declaration=True, encoding="UTF-8", pretty_print=True)


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
MOODLE_TYPE = {
    "single-choice": "multichoice",
    "multiple-response": "multichoice",
    "true-false": "truefalse",
    "short-answer": "shortanswer",
    "numeric": "numerical",
    "matching": "matching",
    "open-response": "essay",
}

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
    _plain(el, "unitgradingtype", "0")
    _plain(el, "unitpenalty", "0.1000000")
    _plain(el, "showunits", "3")
    _plain(el, "unitsleft", "0")


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
    _plain(el, "responseformat", "editor")
    _plain(el, "responserequired", "1")
    _plain(el, "responsefieldlines", str(max(5, carried.question.lines * 3)))
    _plain(el, "minwordlimit", "")
    _plain(el, "maxwordlimit", "")
    _plain(el, "attachments", "0")
    _plain(el, "attachmentsrequired", "0")
    _plain(el, "maxbytes", "0")
    _plain(el, "filetypeslist", "")
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
