"""IMS Common Cartridge 1.1 (``.imscc``) with the CC profile of QTI 1.2.1.

One cartridge holds one assessment per worksheet version. Schoology,
Brightspace, Blackboard Learn, Canvas and Moodle all import CC 1.1. The CC
QTI profile (``ccv1p1_qtiasiv1p2p1_v1p0.xsd`` and the Schematron rules
embedded in it) allows six item types only, so this module maps each
question kind onto one of them and reports every adaptation through
``check()``:

=================  ===========================================================
single-choice      cc.multiple_choice (3+ choices); with 2 choices:
                   cc.true_false when they are True/False, else
                   cc.multiple_response scored right only for the correct
                   choice alone (rule 4d wants 3+ labels for multiple choice)
multiple-response  cc.multiple_response (the whole answer is scored: SCORE
                   can only be Set, so partial credit is the importer's)
true-false         cc.true_false
short-answer       cc.fib, every accepted answer, case-insensitive
numeric            cc.fib; the exact answer, or every whole number inside the
                   tolerance when answer and tolerance are whole numbers
matching           one multiple-choice item per left-hand item (the right
                   column and distractors are the choices)
ordering           one multiple-choice item per position
open-response      cc.essay, not computer-scored; rubric and model answer as
                   the item's solution
mark-the-words     cc.multiple_response over the words of the passage (the
                   stem's "Circle" or "Mark" reads "Select")
=================  ===========================================================

A teacher note is not written: the profile has no grader-only field. An
essay's solution is QTI 1.2 feedback of type Solution, which an LMS may show
to students (the assessment permits solutions), so the note is reported as
not carried instead.

Question ids become item titles (and item idents), skills and sub-skills the
``cc_question_category``, points the ``cc_weighting``, explanations the
general feedback, choice feedback the per-choice feedback.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar

from lxml import etree

from quizgen import model
from quizgen.exporters.base import Exporter
from quizgen.exporters.escaping import (
    adaptation,
    feedback_text,
    forbidden_char_report,
    format_decimal,
    html_paragraphs,
    mark_the_words_choices,
    question_text,
    rubric_text,
    select_note,
    skill_name,
    teacher_note_not_carried,
    unique_items,
    xml_text,
    zip_bytes,
)

if TYPE_CHECKING:
    from quizgen.errors import Diagnostic
    from quizgen.model import Worksheet, WorksheetItem

CP_NS = "http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1"
LOM_NS = "http://ltsc.ieee.org/xsd/imsccv1p1/LOM/manifest"
QTI_NS = "http://www.imsglobal.org/xsd/ims_qtiasiv1p2"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"

# The schema locations 1EdTech publishes for CC 1.1 (the cartridge checker and
# some importers read xsi:schemaLocation to tell CC 1.0 from 1.1).
CP_LOCATION = "http://www.imsglobal.org/profile/cc/ccv1p1/ccv1p1_imscp_v1p2_v1p0.xsd"
LOM_LOCATION = "http://www.imsglobal.org/profile/cc/ccv1p1/LOM/ccv1p1_lommanifest_v1p0.xsd"
QTI_LOCATION = "http://www.imsglobal.org/profile/cc/ccv1p1/ccv1p1_qtiasiv1p2p1_v1p0.xsd"

#: Resource type of an assessment in CC 1.1 (ccv1p1_imscp_v1p2_v1p0.xsd, Resource.Type).
ASSESSMENT_TYPE = "imsqti_xmlv1p2/imscc_xmlv1p1/assessment"

MULTIPLE_CHOICE = "cc.multiple_choice.v0p1"
MULTIPLE_RESPONSE = "cc.multiple_response.v0p1"
TRUE_FALSE = "cc.true_false.v0p1"
FILL_IN_BLANK = "cc.fib.v0p1"
ESSAY = "cc.essay.v0p1"

#: The response identifier every item uses (one response per item).
RESPONSE = "response1"
#: Whole numbers enumerated at most for a numeric tolerance.
MAX_ENUMERATED = 21


def _q(tag: str) -> str:
    return f"{{{QTI_NS}}}{tag}"


# --------------------------------------------------------------------------
# The plan: what each question becomes, shared by export() and check()


@dataclass
class CcChoice:
    """One response label: its ident, HTML text, whether it is correct, feedback (plain)."""

    ident: str
    html: str
    correct: bool
    feedback: str = ""


@dataclass
class CcItem:
    """One QTI item of the cartridge, already decided; the writer only serialises it."""

    ident: str
    title: str
    profile: str
    weight: int
    category: str
    html: str
    choices: list[CcChoice] = field(default_factory=list)
    #: Accepted answers of a fill-in-the-blank item (plain text).
    answers: list[str] = field(default_factory=list)
    #: General feedback shown after answering (plain text).
    feedback: str = ""
    #: Grader information of an essay (plain text).
    solution: str = ""
    essay_lines: int = 4


@dataclass
class Plan:
    """The items a worksheet item becomes and what was adapted on the way."""

    items: list[CcItem]
    notes: list[tuple[str, str]] = field(default_factory=list)  # (severity, message)


def _html(text: str) -> str:
    return html_paragraphs(xml_text(text))


def _category(question: model.Question) -> str:
    # cc_question_category is the one free-text item field the profile allows
    # (Schematron rule 2a); importers that keep categories file the question
    # under "<skill>/<sub-skill>".
    sub = model.SUBSKILLS.get(question.subskill)
    sub_name = f"{question.subskill} {sub[1].name}" if sub else question.subskill
    return f"{skill_name(question.skill)}/{sub_name}"


def _feedback(question: model.Question) -> str:
    """Return the general feedback: explanation, outside source, then skill and techniques.

    The profile has no item field for tags (Schematron rule 2a), so the
    techniques a question trains are shown with its feedback.
    """
    tagline = [f"Skill: {_category(question).replace('/', ', ')}"]
    if question.techniques:
        tagline.append("Techniques: " + ", ".join(question.techniques))
    return "\n\n".join(p for p in (feedback_text(question), ". ".join(tagline)) if p)


def _letters(n: int) -> list[str]:
    return [chr(ord("A") + i) if i < 26 else f"C{i + 1}" for i in range(n)]


def numeric_answers(question: model.Numeric) -> tuple[list[str], str]:
    """Return a numeric question as text answers to accept, and how the tolerance was carried.

    For formats with only exact-match typed answers: the exact answer, or,
    when answer and tolerance are whole numbers, every whole number inside
    the tolerance (at most MAX_ENUMERATED), which keeps the tolerance for
    whole-number answers such as years.
    """
    answer, tol = question.answer, question.tolerance
    if tol == 0:
        return [format_decimal(answer)], "with the exact answer"
    whole = answer == answer.to_integral_value() and tol == tol.to_integral_value()
    if whole and 2 * tol + 1 <= MAX_ENUMERATED:
        low, high = int(answer - tol), int(answer + tol)
        return [str(n) for n in range(low, high + 1)], (
            f"accepting every whole number within the tolerance \u00b1{format_decimal(tol)}"
        )
    return [format_decimal(answer)], (
        f"with the exact answer only: the tolerance \u00b1{format_decimal(tol)} has no form there"
    )


def _split_points(points: int, parts: int) -> list[int]:
    """Share ``points`` over ``parts`` items as whole weights 1..99 (cc_weighting, rule 2c)."""
    if points < parts:
        return [1] * parts
    base, extra = divmod(points, parts)
    return [min(99, base + (1 if i < extra else 0)) for i in range(parts)]


def _is_true_false_pair(choices: tuple[model.Choice, ...]) -> bool:
    return sorted(c.text.strip().casefold() for c in choices) == ["false", "true"]


class _Planner:
    """Decide the CC items of one worksheet item (pure, no XML)."""

    def __init__(self, worksheet: "Worksheet", item: "WorksheetItem", ident: str):
        self.worksheet = worksheet
        self.item = item
        self.question = item.question
        self.ident = ident
        self.notes: list[tuple[str, str]] = []

    def note(self, severity: str, message: str) -> None:
        self.notes.append((severity, message))

    def base(self, profile: str, *, html: str | None = None, ident: str | None = None,
             title: str | None = None, weight: int | None = None) -> CcItem:
        q = self.question
        return CcItem(
            ident=ident or self.ident,
            title=title or q.id,
            profile=profile,
            weight=min(99, max(1, weight if weight is not None else q.points)),
            category=_category(q),
            html=html if html is not None else _html(question_text(self.worksheet, self.item)),
            feedback=_feedback(q),
        )

    def plan(self) -> Plan:
        q = self.question
        handler = getattr(self, "_" + q.kind.replace("-", "_"))
        items = handler(q)
        if q.teacher_note:
            self.note("adapted", teacher_note_not_carried(
                "the CC profile has no grader-only field; an essay's solution may be shown to students"))
        return Plan(items, self.notes)

    # -- choice questions

    def _choice_item(self, choices: list[tuple[str, bool, str]], *, html: str | None = None,
                     ident: str | None = None, title: str | None = None, weight: int | None = None,
                     what: str = "the question") -> CcItem:
        """Return a choice item: multiple choice with 3+ choices, else the closest allowed type."""
        idents = _letters(len(choices))
        cc_choices = [CcChoice(i, _html(t), ok, fb) for i, (t, ok, fb) in zip(idents, choices)]
        n_correct = sum(ok for _t, ok, _fb in choices)
        if len(choices) >= 3 and n_correct == 1:
            item = self.base(MULTIPLE_CHOICE, html=html, ident=ident, title=title, weight=weight)
        elif len(choices) == 2 and n_correct == 1 and _is_true_false_pair(
            tuple(model.Choice(t, ok) for t, ok, _fb in choices)
        ):
            item = self.base(TRUE_FALSE, html=html, ident=ident, title=title, weight=weight)
            for choice, (text, _ok, _fb) in zip(cc_choices, choices):
                choice.ident = text.strip().casefold()
            self.note("adapted", f"{what} has two choices, True and False: carried as true/false")
        else:
            item = self.base(MULTIPLE_RESPONSE, html=html, ident=ident, title=title, weight=weight)
            if n_correct == 1:
                self.note(
                    "adapted",
                    f"{what} has {len(choices)} choices and the CC profile needs at least 3 for multiple "
                    "choice: carried as multiple response (tick boxes), right only when the correct "
                    "choice alone is ticked",
                )
        item.choices = cc_choices
        return item

    def _single_choice(self, q: model.SingleChoice) -> list[CcItem]:
        return [self._choice_item([(c.text, c.correct, c.feedback) for c in q.choices])]

    def _multiple_response(self, q: model.MultipleResponse) -> list[CcItem]:
        self.note(
            "adapted",
            "partial credit: CC 1.1 can only set the score of the whole answer, so the importing "
            "LMS decides partial credit (Moodle and Canvas give it per correct choice)",
        )
        return [self._choice_item([(c.text, c.correct, c.feedback) for c in q.choices])]

    def _true_false(self, q: model.TrueFalse) -> list[CcItem]:
        item = self.base(TRUE_FALSE)
        # Moodle's CC importer (backup/cc/entity11.quiz.class.php) only accepts
        # the label idents "true" and "false" for a true/false item.
        item.choices = [
            CcChoice("true", _html("True"), q.answer is True),
            CcChoice("false", _html("False"), q.answer is False),
        ]
        return [item]

    def _mark_the_words(self, q: model.MarkTheWords) -> list[CcItem]:
        choices = mark_the_words_choices(q.passage, q.answers, q.optional)
        html = _html(question_text(self.worksheet, self.item, passage=q.passage))
        self.note(
            "adapted",
            f"mark the words carried as multiple response over the passage's words ({len(choices)} choices, "
            f"{sum(ok for _t, ok in choices)} to tick){select_note(q)}",
        )
        item = self._choice_item([(t, ok, "") for t, ok in choices], html=html)
        return [item]

    # -- typed answers

    def _short_answer(self, q: model.ShortAnswer) -> list[CcItem]:
        item = self.base(FILL_IN_BLANK)
        item.answers = [xml_text(a) for a in q.answers]
        return [item]

    def _numeric(self, q: model.Numeric) -> list[CcItem]:
        passage = f"Answer in {q.unit}." if q.unit else ""
        item = self.base(FILL_IN_BLANK, html=_html(question_text(self.worksheet, self.item, passage=passage)))
        item.answers, how = numeric_answers(q)
        self.note("adapted", f"numeric carried as fill in the blank {how} (CC 1.1 has no numeric type)")
        return [item]

    # -- no CC type: one multiple-choice item per part

    def _parts(self, prompts: list[str], options: list[str], correct: list[str], what: str) -> list[CcItem]:
        q = self.question
        weights = _split_points(q.points, len(prompts))
        items = []
        for k, (prompt, right, weight) in enumerate(zip(prompts, correct, weights), start=1):
            html = _html(question_text(self.worksheet, self.item, passage=prompt))
            items.append(self._choice_item(
                [(o, o == right, "") for o in options],
                html=html,
                ident=f"{self.ident}_{k}",
                title=f"{q.id} ({k}/{len(prompts)})",
                weight=weight,
                what=f"part {k}",
            ))
        total = sum(weights)
        worth = f"worth {total} points in all" + ("" if total == q.points else f" instead of {q.points}")
        self.note("adapted", f"{what} carried as {len(prompts)} multiple-choice questions ({worth})")
        return items

    def _matching(self, q: model.Matching) -> list[CcItem]:
        options = list(self.item.shuffled) or [p.right for p in q.pairs] + list(q.distractors)
        prompts = [f"Match: {p.left}" for p in q.pairs]
        return self._parts(prompts, options, [p.right for p in q.pairs], "matching (one question per left-hand item)")

    def _ordering(self, q: model.Ordering) -> list[CcItem]:
        options = list(self.item.shuffled) or list(q.items)
        n = len(q.items)
        prompts = [f"Which comes in position {k} of {n}?" for k in range(1, n + 1)]
        return self._parts(prompts, options, list(q.items), "ordering (one question per position)")

    # -- written answers

    def _open_response(self, q: model.OpenResponse) -> list[CcItem]:
        item = self.base(ESSAY)
        item.solution = rubric_text(q)
        item.essay_lines = q.lines
        return [item]


def plan_item(worksheet: "Worksheet", item: "WorksheetItem", ident: str) -> Plan:
    """Return the CC items ``item`` becomes and the notes on what was adapted."""
    return _Planner(worksheet, item, ident).plan()


def _item_ident(question_id: str, letter: str, versions: int) -> str:
    # One version: the item ident is the question id. Several: the version is
    # appended, because Canvas keeps item idents as migration ids across the
    # whole cartridge and would merge a parametric question's versions.
    return question_id if versions == 1 else f"{question_id}_{letter}"


# --------------------------------------------------------------------------
# QTI assessment XML


def _field(parent: etree._Element, label: str, entry: str) -> None:
    f = etree.SubElement(parent, _q("qtimetadatafield"))
    etree.SubElement(f, _q("fieldlabel")).text = label
    etree.SubElement(f, _q("fieldentry")).text = entry


def _material(parent: etree._Element, html: str) -> etree._Element:
    material = etree.SubElement(parent, _q("material"))
    mattext = etree.SubElement(material, _q("mattext"), texttype="text/html")
    mattext.text = html
    return material


def _flow_feedback(item_el: etree._Element, ident: str, text: str) -> None:
    feedback = etree.SubElement(item_el, _q("itemfeedback"), ident=ident)
    _material(etree.SubElement(feedback, _q("flow_mat")), _html(text))


def _item_xml(section: etree._Element, cc: CcItem) -> None:
    item = etree.SubElement(section, _q("item"), ident=cc.ident, title=xml_text(cc.title))
    meta = etree.SubElement(etree.SubElement(item, _q("itemmetadata")), _q("qtimetadata"))
    _field(meta, "cc_profile", cc.profile)
    _field(meta, "cc_weighting", str(cc.weight))
    _field(meta, "cc_question_category", xml_text(cc.category))
    _field(meta, "qmd_computerscored", "No" if cc.profile == ESSAY else "Yes")

    presentation = etree.SubElement(item, _q("presentation"))
    _material(presentation, cc.html)
    if cc.choices:
        cardinality = "Multiple" if cc.profile == MULTIPLE_RESPONSE else "Single"
        lid = etree.SubElement(presentation, _q("response_lid"), ident=RESPONSE, rcardinality=cardinality)
        render = etree.SubElement(lid, _q("render_choice"), shuffle="No")
        for choice in cc.choices:
            label = etree.SubElement(render, _q("response_label"), ident=choice.ident)
            _material(label, choice.html)
    else:
        response = etree.SubElement(presentation, _q("response_str"), ident=RESPONSE, rcardinality="Single")
        if cc.profile == ESSAY:
            etree.SubElement(response, _q("render_fib"), rows=str(max(1, cc.essay_lines)), prompt="Box")
        else:
            etree.SubElement(response, _q("render_fib"), rows="1", prompt="Box", fibtype="String")

    processing = etree.SubElement(item, _q("resprocessing"))
    outcomes = etree.SubElement(processing, _q("outcomes"))
    etree.SubElement(outcomes, _q("decvar"), varname="SCORE", vartype="Decimal", minvalue="0", maxvalue="100")

    def condition(continue_: str) -> tuple[etree._Element, etree._Element]:
        cond = etree.SubElement(processing, _q("respcondition"), {"continue": continue_})
        return cond, etree.SubElement(cond, _q("conditionvar"))

    def show(cond: etree._Element, ident: str, kind: str = "Response") -> None:
        etree.SubElement(cond, _q("displayfeedback"), feedbacktype=kind, linkrefid=ident)

    # General feedback first, with continue="Yes" so scoring still runs: the
    # pattern Moodle's CC importer reads as general feedback (get_general_feedback).
    if cc.feedback or cc.solution:
        cond, var = condition("Yes")
        etree.SubElement(var, _q("other"))
        if cc.feedback:
            show(cond, "general_fb")
        if cc.solution:
            show(cond, "solution", "Solution")

    feedback_items = []
    if cc.profile in (MULTIPLE_CHOICE, TRUE_FALSE):
        for choice in cc.choices:
            if not (choice.correct or choice.feedback):
                continue
            cond, var = condition("No")
            etree.SubElement(var, _q("varequal"), respident=RESPONSE).text = choice.ident
            if choice.correct:
                etree.SubElement(cond, _q("setvar"), varname="SCORE", action="Set").text = "100"
            if choice.feedback:
                show(cond, f"fb_{choice.ident}")
                feedback_items.append(choice)
    elif cc.profile == MULTIPLE_RESPONSE:
        for choice in cc.choices:
            if choice.feedback:
                cond, var = condition("Yes")
                etree.SubElement(var, _q("varequal"), respident=RESPONSE).text = choice.ident
                show(cond, f"fb_{choice.ident}")
                feedback_items.append(choice)
        # All correct ticked and no wrong one: the structure Moodle's and
        # Canvas's CC importers read back (varequal case="Yes" under <and>,
        # wrong choices under <not>).
        cond, var = condition("No")
        both = etree.SubElement(var, _q("and"))
        for choice in cc.choices:
            parent = both if choice.correct else etree.SubElement(both, _q("not"))
            etree.SubElement(parent, _q("varequal"), respident=RESPONSE, case="Yes").text = choice.ident
        etree.SubElement(cond, _q("setvar"), varname="SCORE", action="Set").text = "100"
    elif cc.profile == FILL_IN_BLANK:
        # Several varequal in one conditionvar are alternatives (QTI 1.2
        # conditionvar is an implicit "or"); case="No": short answers are
        # matched case-insensitively.
        cond, var = condition("No")
        for answer in cc.answers:
            etree.SubElement(var, _q("varequal"), respident=RESPONSE, case="No").text = answer
        etree.SubElement(cond, _q("setvar"), varname="SCORE", action="Set").text = "100"
    elif not (cc.feedback or cc.solution):
        # An essay needs one respcondition (resprocessingType) and no varequal (rule 8c).
        _cond, var = condition("Yes")
        etree.SubElement(var, _q("other"))

    if cc.feedback:
        _flow_feedback(item, "general_fb", cc.feedback)
    for choice in feedback_items:
        _flow_feedback(item, f"fb_{choice.ident}", choice.feedback)
    if cc.solution:
        # Rule 11c: the itemfeedback named "solution" holds a <solution>, not flow_mat.
        feedback = etree.SubElement(item, _q("itemfeedback"), ident="solution")
        solution = etree.SubElement(feedback, _q("solution"))
        _material(etree.SubElement(solution, _q("solutionmaterial")), _html(cc.solution))


def assessment_xml(worksheet: "Worksheet", version: model.Version, ident: str, title: str) -> bytes:
    """Return the QTI assessment document of one version."""
    root = etree.Element(_q("questestinterop"), nsmap={None: QTI_NS, "xsi": XSI_NS})
    root.set(f"{{{XSI_NS}}}schemaLocation", f"{QTI_NS} {QTI_LOCATION}")
    assessment = etree.SubElement(root, _q("assessment"), ident=ident, title=xml_text(title))
    meta = etree.SubElement(assessment, _q("qtimetadata"))
    _field(meta, "cc_profile", "cc.exam.v0p1")
    _field(meta, "qmd_assessmenttype", "Examination")
    _field(meta, "qmd_scoretype", "Percentage")
    _field(meta, "qmd_feedbackpermitted", "Yes")
    _field(meta, "qmd_solutionspermitted", "Yes")
    _field(meta, "cc_maxattempts", "1")
    if worksheet.recipe.instructions:
        presentation = etree.SubElement(assessment, _q("presentation_material"))
        _material(etree.SubElement(presentation, _q("flow_mat")), _html(worksheet.recipe.instructions))
    section = etree.SubElement(assessment, _q("section"), ident="root_section")
    for item in version.items:
        ident = _item_ident(item.question.id, version.letter, len(worksheet.versions))
        for cc in plan_item(worksheet, item, ident).items:
            _item_xml(section, cc)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


# --------------------------------------------------------------------------
# Manifest


def _ncname(text: str) -> str:
    # Manifest identifiers are xs:ID (an NCName): letters, digits, . - _ and
    # not starting with a digit, '.' or '-'.
    name = re.sub(r"[^A-Za-z0-9._-]", "_", text)
    return name if re.match(r"[A-Za-z_]", name) else "_" + name


def _title(worksheet: "Worksheet", version: model.Version) -> str:
    title = worksheet.recipe.title or "Worksheet"
    return title if len(worksheet.versions) == 1 else f"{title} \u2014 Version {version.letter}"


def manifest_xml(worksheet: "Worksheet", resources: list[tuple[str, str, str]]) -> bytes:
    """Return imsmanifest.xml for (resource identifier, file href, title) triples."""
    cp = f"{{{CP_NS}}}"
    lom = f"{{{LOM_NS}}}"
    root = etree.Element(cp + "manifest", nsmap={None: CP_NS, "lomimscc": LOM_NS, "xsi": XSI_NS})
    root.set("identifier", _ncname(f"quizgen-{worksheet.recipe.name or 'worksheet'}"))
    root.set(f"{{{XSI_NS}}}schemaLocation", f"{CP_NS} {CP_LOCATION} {LOM_NS} {LOM_LOCATION}")
    metadata = etree.SubElement(root, cp + "metadata")
    etree.SubElement(metadata, cp + "schema").text = "IMS Common Cartridge"
    etree.SubElement(metadata, cp + "schemaversion").text = "1.1.0"
    general = etree.SubElement(etree.SubElement(metadata, lom + "lom"), lom + "general")
    title = etree.SubElement(etree.SubElement(general, lom + "title"), lom + "string", language="en")
    title.text = xml_text(worksheet.recipe.title or "Worksheet")
    if worksheet.recipe.instructions:
        description = etree.SubElement(etree.SubElement(general, lom + "description"), lom + "string", language="en")
        description.text = xml_text(worksheet.recipe.instructions)

    organization = etree.SubElement(
        etree.SubElement(root, cp + "organizations"), cp + "organization",
        identifier="organization", structure="rooted-hierarchy",
    )
    top = etree.SubElement(organization, cp + "item", identifier="root")
    for identifier, _href, item_title in resources:
        entry = etree.SubElement(top, cp + "item", identifier=f"item_{identifier}", identifierref=identifier)
        etree.SubElement(entry, cp + "title").text = xml_text(item_title)

    resources_el = etree.SubElement(root, cp + "resources")
    for identifier, href, _title_text in resources:
        resource = etree.SubElement(resources_el, cp + "resource", identifier=identifier, type=ASSESSMENT_TYPE)
        etree.SubElement(resource, cp + "file", href=href)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


# --------------------------------------------------------------------------
# The exporter


class CommonCartridgeExporter(Exporter):
    """IMS Common Cartridge 1.1 with one QTI assessment per version."""

    #: The ``--format`` value.
    name: ClassVar[str] = "cc"
    #: Schoology, Brightspace and Blackboard look for the .imscc suffix.
    suffix: ClassVar[str] = ".imscc"
    #: One line for ``--help``.
    label: ClassVar[str] = "IMS Common Cartridge 1.1 (.imscc): Schoology, Brightspace, Blackboard, Canvas, Moodle"
    #: Kinds the CC QTI profile carries as they are (the others are adapted).
    question_kinds: ClassVar[frozenset[str]] = frozenset(
        {"single-choice", "multiple-response", "true-false", "short-answer", "open-response"}
    )

    def export(self, worksheet: "Worksheet") -> bytes:
        """Return the .imscc zip: imsmanifest.xml and one assessment file per version."""
        entries: list[tuple[str, bytes]] = []
        resources: list[tuple[str, str, str]] = []
        for version in worksheet.versions:
            identifier = f"assessment_{_ncname(version.letter)}"
            href = f"{identifier}/assessment.xml"
            title = _title(worksheet, version)
            entries.append((href, assessment_xml(worksheet, version, identifier, title)))
            resources.append((identifier, href, title))
        return zip_bytes([("imsmanifest.xml", manifest_xml(worksheet, resources)), *entries])

    def check(self, worksheet: "Worksheet") -> list[Diagnostic]:
        """Report each question the cartridge adapts, once per question, and dropped characters."""
        out = []
        for item in unique_items(worksheet):
            for severity, message in plan_item(worksheet, item, item.question.id).notes:
                out.append(adaptation(self.name, item.question.id, message, severity))
        out.extend(forbidden_char_report(self.name, worksheet))
        return out


__all__ = ["CommonCartridgeExporter", "numeric_answers", "plan_item"]

