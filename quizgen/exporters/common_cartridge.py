"""IMS Common Cartridge 1.1 (``.imscc``) with the CC profile of QTI 1.2.1.

One cartridge holds one assessment per worksheet version. Schoology,
Brightspace, Blackboard Learn, Canvas and Moodle all import CC 1.1. The CC
QTI profile (``ccv1p1_qtiasiv1p2p1_v1p0.xsd`` and the Schematron rules
embedded in it) allows six item types only, so ``adapt`` maps each
question onto one of them (``CcItem``s, written by ``_item_xml``):

=================  ===========================================================
single-choice      cc.multiple_choice (3+ choices); with 2 choices:
                   cc.true_false when they are True/False, else
                   cc.multiple_response scored right only for the correct
                   choice alone (rule 4d wants 3+ labels for multiple choice)
multiple-response  cc.multiple_response (the whole answer is scored: SCORE
                   can only be Set, so partial credit is the importer's)
true-false         cc.true_false
short-answer       cc.fib, every accepted answer, case-insensitive
numeric            cc.fib (the plan's conversion to short answer): the exact
                   answer, or every whole number inside the tolerance when
                   answer and tolerance are whole numbers
matching           one multiple-choice item per left-hand item (the right
                   column and distractors are the choices)
ordering           one multiple-choice item per position
open-response      cc.essay, not computer-scored
mark-the-words     cc.multiple_response over the words of the passage (the
                   plan's conversion)
=================  ===========================================================

The profile has no field only graders see: an item's solution is QTI 1.2
feedback of type Solution, which an LMS may show to students (the
assessment permits solutions), so an essay's rubric, model answer and
explanation and every teacher note are left out (they are in the PDF
answer key).

Items are identified by worksheet, version and position ("unit3-A-03") and
titled by position and stem ("03 Which word…"), never by question id, which can name the answer; skills and sub-skills the
``cc_question_category``, points the ``cc_weighting``, explanations the
general feedback, choice feedback the per-choice feedback.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from lxml import etree

from quizgen import model
from quizgen.exporters import escape
from quizgen.exporters.base import Exporter
from quizgen.exporters.package import identifier, zip_bytes
from quizgen.exporters.plan import Profile, adapted, question_text
from quizgen.exporters.qti12 import QTI_NS, field as qti_field, material, qti, sub
from quizgen.printed import letter_of, skill_name, subskill_name

if TYPE_CHECKING:
    from quizgen.exporters.plan import Carried, FormatPlan

CP_NS = "http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1"
LOM_NS = "http://ltsc.ieee.org/xsd/imsccv1p1/LOM/manifest"
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


@dataclass
class CcChoice:
    """One response label: its ident, text, whether it is correct, feedback (all plain text)."""

    ident: str
    text: str
    correct: bool
    feedback: str = ""


@dataclass
class CcItem:
    """One QTI item of the cartridge, decided by ``adapt``; the writer only serialises it."""

    profile: str
    text: str
    weight: int
    #: 0 for the question's only item, else the number of the part (ident and title say "_k", "(k/n)").
    part: int = 0
    parts: int = 1
    choices: list[CcChoice] = field(default_factory=list)
    #: Accepted answers of a fill-in-the-blank item (plain text).
    answers: list[str] = field(default_factory=list)
    essay_lines: int = 4


def _category(question: model.Question) -> str:
    # cc_question_category is the one free-text item field the profile allows
    # (Schematron rule 2a); importers that keep categories file the question
    # under "<skill>/<sub-skill>".
    return f"{skill_name(question.skill)}/{subskill_name(question.subskill)}"


def _feedback(carried: Carried) -> str:
    """Return the general feedback: explanation, outside source, then skill and techniques.

    The profile has no item field for tags (Schematron rule 2a), so the
    techniques a question trains are shown with its feedback.
    """
    q = carried.question
    tagline = [f"Skill: {_category(q).replace('/', ', ')}"]
    if q.techniques:
        tagline.append("Techniques: " + ", ".join(q.techniques))
    return "\n\n".join(p for p in (carried.feedback, ". ".join(tagline)) if p)


def _split_points(points: int, parts: int) -> list[int]:
    """Share ``points`` over ``parts`` items as whole weights 1..99 (cc_weighting, rule 2c)."""
    if points < parts:
        return [1] * parts
    base, extra = divmod(points, parts)
    return [min(99, base + (1 if i < extra else 0)) for i in range(parts)]


def _weight(points: int) -> int:
    return min(99, max(1, points))


def _is_true_false_pair(texts: list[str]) -> bool:
    return sorted(t.strip().casefold() for t in texts) == ["false", "true"]


def _choice_item(choices: list[tuple[str, bool, str]], text: str, weight: int, what: str = "the question"):
    """Return a choice item and its note: multiple choice with 3+ choices, else the closest allowed type."""
    cc_choices = [CcChoice(letter_of(n), t, ok, fb) for n, (t, ok, fb) in enumerate(choices)]
    n_correct = sum(ok for _t, ok, _fb in choices)
    if len(choices) >= 3 and n_correct == 1:
        return CcItem(MULTIPLE_CHOICE, text, weight, choices=cc_choices), None
    if len(choices) == 2 and n_correct == 1 and _is_true_false_pair([t for t, _ok, _fb in choices]):
        # Moodle's CC importer (backup/cc/entity11.quiz.class.php) only accepts
        # the label idents "true" and "false" for a true/false item.
        for choice in cc_choices:
            choice.ident = choice.text.strip().casefold()
        return CcItem(TRUE_FALSE, text, weight, choices=cc_choices), adapted(
            f"{what} has two choices, True and False: carried as true/false")
    note = None
    if n_correct == 1:
        note = adapted(f"{what} has {len(choices)} choices and the CC profile needs at least 3 for multiple choice: "
                       "carried as multiple response (tick boxes), right only when the correct choice alone is ticked")
    return CcItem(MULTIPLE_RESPONSE, text, weight, choices=cc_choices), note


def _parts(carried: Carried, prompts: list[str], options: list[str], correct: list[str], what: str):
    """Return one multiple-choice item per prompt (matching and ordering have no CC type), and the notes."""
    q = carried.question
    weights = _split_points(q.points, len(prompts))
    items, notes = [], []
    for k, (prompt, right, weight) in enumerate(zip(prompts, correct, weights), start=1):
        text = question_text(carried.plan, carried.stem, prompt)
        item, note = _choice_item([(o, o == right, "") for o in options], text, weight, f"part {k}")
        item.part, item.parts = k, len(prompts)
        items.append(item)
        notes += [note] if note else []
    total = sum(weights)
    worth = f"worth {total} points in all" + ("" if total == q.points else f" instead of {q.points}")
    return items, [adapted(f"{what} carried as {len(prompts)} multiple-choice questions ({worth})"), *notes]


def plan_items(carried: Carried):
    """Return the CC items a carried question becomes, and the notes on what changed."""
    q = carried.question
    weight = _weight(q.points)
    if isinstance(q, (model.SingleChoice, model.MultipleResponse)):
        item, note = _choice_item([(c.text, c.correct, c.feedback) for c in q.choices], carried.text, weight)
        notes = [note] if note else []
        if isinstance(q, model.MultipleResponse) and carried.plan.question.kind == "multiple-response":
            notes.append(adapted("partial credit: CC 1.1 can only set the score of the whole answer, so the importing "
                                 "LMS decides partial credit (Moodle and Canvas give it per correct choice)"))
        return [item], notes
    if isinstance(q, model.TrueFalse):
        return [CcItem(TRUE_FALSE, carried.text, weight, choices=[
            CcChoice("true", "True", q.answer is True), CcChoice("false", "False", q.answer is False)])], []
    if isinstance(q, model.ShortAnswer):
        return [CcItem(FILL_IN_BLANK, carried.text, weight, answers=[escape.xml_text(a) for a in q.answers])], []
    if isinstance(q, model.Matching):
        options = list(carried.shuffled) or [p.right for p in q.pairs] + list(q.distractors)
        return _parts(carried, [f"Match: {p.left}" for p in q.pairs], options, [p.right for p in q.pairs],
                      "matching (one question per left-hand item)")
    if isinstance(q, model.Ordering):
        n = len(q.items)
        return _parts(carried, [f"Which comes in position {k} of {n}?" for k in range(1, n + 1)],
                      list(carried.shuffled) or list(q.items), list(q.items), "ordering (one question per position)")
    if isinstance(q, model.OpenResponse):
        return [CcItem(ESSAY, carried.text, weight, essay_lines=q.lines)], []
    raise AssertionError(q.kind)  # pragma: no cover - a new kind must be mapped here


class CommonCartridgeExporter(Exporter):
    """IMS Common Cartridge 1.1 with one QTI assessment per version."""

    name = "cc"
    #: Schoology, Brightspace and Blackboard look for the .imscc suffix.
    suffix = ".imscc"
    label = "IMS Common Cartridge 1.1 (.imscc): Schoology, Brightspace, Blackboard, Canvas, Moodle"
    #: Kinds the CC QTI profile carries as they are; ``adapt`` splits matching and ordering into parts.
    question_kinds = frozenset({"single-choice", "multiple-response", "true-false", "short-answer", "open-response"})
    profile = Profile(
        converts={"mark-the-words": ("multiple-response", "the CC profile has no mark-the-words type"),
                  "numeric": ("short-answer", "CC 1.1 has no numeric type: a fill-in-the-blank item")},
        units=False,
        no_grader_field="the CC profile has no field only graders see; an item's solution may be shown to students",
    )

    def adapt(self, carried: Carried) -> Carried:
        """Map the question onto the profile's item types (``CcItem``s) and note each change."""
        items, notes = plan_items(carried)
        return carried.amend(*notes, detail=items)

    def write(self, plan: FormatPlan) -> bytes:
        """Return the .imscc zip: imsmanifest.xml and one assessment file per version."""
        entries: list[tuple[str, bytes]] = []
        resources: list[tuple[str, str, str]] = []
        for version, carried in plan.written():
            ident = f"assessment_{identifier(version.letter)}"
            href = f"{ident}/assessment.xml"
            title = _title(plan.worksheet, version)
            entries.append((href, assessment_xml(plan, version, carried, ident, title)))
            resources.append((ident, href, title))
        return zip_bytes([("imsmanifest.xml", manifest_xml(plan.worksheet, resources)), *entries])


# --------------------------------------------------------------------------
# QTI assessment XML


def _flow_feedback(item_el: etree._Element, ident: str, text: str) -> None:
    material(sub(sub(item_el, "itemfeedback", ident=ident), "flow_mat"), text)


def _item_xml(section: etree._Element, cc: CcItem, ident: str, title: str, category: str, feedback: str) -> None:
    item = sub(section, "item", ident=ident, title=escape.xml_text(title))
    meta = sub(sub(item, "itemmetadata"), "qtimetadata")
    qti_field(meta, "cc_profile", cc.profile)
    qti_field(meta, "cc_weighting", str(cc.weight))
    qti_field(meta, "cc_question_category", escape.xml_text(category))
    qti_field(meta, "qmd_computerscored", "No" if cc.profile == ESSAY else "Yes")
    _presentation(sub(item, "presentation"), cc)
    processing = sub(item, "resprocessing")
    sub(sub(processing, "outcomes"), "decvar", varname="SCORE", vartype="Decimal", minvalue="0", maxvalue="100")
    shown = _conditions(processing, cc, bool(feedback))
    if feedback:
        _flow_feedback(item, "general_fb", feedback)
    for choice in shown:
        _flow_feedback(item, f"fb_{choice.ident}", choice.feedback)


def _presentation(presentation: etree._Element, cc: CcItem) -> None:
    material(presentation, cc.text)
    if cc.choices:
        cardinality = "Multiple" if cc.profile == MULTIPLE_RESPONSE else "Single"
        render = sub(sub(presentation, "response_lid", ident=RESPONSE, rcardinality=cardinality), "render_choice", shuffle="No")
        for choice in cc.choices:
            material(sub(render, "response_label", ident=choice.ident), choice.text)
        return
    response = sub(presentation, "response_str", ident=RESPONSE, rcardinality="Single")
    if cc.profile == ESSAY:
        sub(response, "render_fib", rows=str(max(1, cc.essay_lines)), prompt="Box")
    else:
        sub(response, "render_fib", rows="1", prompt="Box", fibtype="String")


def _condition(processing: etree._Element, continue_: str) -> tuple[etree._Element, etree._Element]:
    """Append a respcondition; return it and its conditionvar."""
    cond = sub(processing, "respcondition", **{"continue": continue_})
    return cond, sub(cond, "conditionvar")


def _score(cond: etree._Element) -> None:
    sub(cond, "setvar", "100", varname="SCORE", action="Set")


def _conditions(processing: etree._Element, cc: CcItem, general: bool) -> list[CcChoice]:
    """Write the response conditions of one item; return the choices whose feedback they show."""
    # General feedback first, with continue="Yes" so scoring still runs: the
    # pattern Moodle's CC importer reads as general feedback (get_general_feedback).
    if general:
        cond, var = _condition(processing, "Yes")
        sub(var, "other")
        sub(cond, "displayfeedback", feedbacktype="Response", linkrefid="general_fb")
    if cc.profile in (MULTIPLE_CHOICE, TRUE_FALSE):
        return _one_choice_conditions(processing, cc)
    if cc.profile == MULTIPLE_RESPONSE:
        return _multiple_response_conditions(processing, cc)
    if cc.profile == FILL_IN_BLANK:
        # Several varequal in one conditionvar are alternatives (QTI 1.2
        # conditionvar is an implicit "or"); case="No": short answers are
        # matched case-insensitively.
        cond, var = _condition(processing, "No")
        for answer in cc.answers:
            sub(var, "varequal", answer, respident=RESPONSE, case="No")
        _score(cond)
    elif not general:
        # An essay needs one respcondition (resprocessingType) and no varequal (rule 8c).
        _cond, var = _condition(processing, "Yes")
        sub(var, "other")
    return []


def _one_choice_conditions(processing: etree._Element, cc: CcItem) -> list[CcChoice]:
    """Multiple choice, true/false: one condition per choice that scores or has feedback."""
    shown = []
    for choice in (c for c in cc.choices if c.correct or c.feedback):
        cond, var = _condition(processing, "No")
        sub(var, "varequal", choice.ident, respident=RESPONSE)
        if choice.correct:
            _score(cond)
        if choice.feedback:
            sub(cond, "displayfeedback", feedbacktype="Response", linkrefid=f"fb_{choice.ident}")
            shown.append(choice)
    return shown


def _multiple_response_conditions(processing: etree._Element, cc: CcItem) -> list[CcChoice]:
    """Multiple response: each choice's feedback, then full marks for exactly the correct choices."""
    shown = []
    for choice in (c for c in cc.choices if c.feedback):
        cond, var = _condition(processing, "Yes")
        sub(var, "varequal", choice.ident, respident=RESPONSE)
        sub(cond, "displayfeedback", feedbacktype="Response", linkrefid=f"fb_{choice.ident}")
        shown.append(choice)
    # All correct ticked and no wrong one: the structure Moodle's and
    # Canvas's CC importers read back (varequal case="Yes" under <and>,
    # wrong choices under <not>).
    cond, var = _condition(processing, "No")
    both = sub(var, "and")
    for choice in cc.choices:
        sub(both if choice.correct else sub(both, "not"), "varequal", choice.ident, respident=RESPONSE, case="Yes")
    _score(cond)
    return shown


def assessment_xml(plan: FormatPlan, version: model.Version, carried: list[Carried], ident: str, title: str) -> bytes:
    """Return the QTI assessment document of one version."""
    root = etree.Element(qti("questestinterop"), nsmap={None: QTI_NS, "xsi": XSI_NS})
    root.set(f"{{{XSI_NS}}}schemaLocation", f"{QTI_NS} {QTI_LOCATION}")
    assessment = sub(root, "assessment", ident=ident, title=escape.xml_text(title))
    meta = sub(assessment, "qtimetadata")
    for label, entry in (("cc_profile", "cc.exam.v0p1"), ("qmd_assessmenttype", "Examination"),
                         ("qmd_scoretype", "Percentage"), ("qmd_feedbackpermitted", "Yes"),
                         ("qmd_solutionspermitted", "Yes"), ("cc_maxattempts", "1")):
        qti_field(meta, label, entry)
    instructions = plan.worksheet.recipe.instructions
    if instructions:
        material(sub(sub(assessment, "presentation_material"), "flow_mat"), instructions)
    section = sub(assessment, "section", ident="root_section")
    for c in carried:
        q = c.question
        base = identifier(c.plan.ident)
        for cc in c.detail:
            ident = f"{base}_{cc.part}" if cc.part else base
            title = f"{c.name} ({cc.part}/{cc.parts})" if cc.part else c.name
            _item_xml(section, cc, ident, title, _category(q), _feedback(c))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


# --------------------------------------------------------------------------
# Manifest


def _title(worksheet: model.Worksheet, version: model.Version) -> str:
    title = worksheet.recipe.title or "Worksheet"
    return title if len(worksheet.versions) == 1 else f"{title} \u2014 Version {version.letter}"


def manifest_xml(worksheet: model.Worksheet, resources: list[tuple[str, str, str]]) -> bytes:
    """Return imsmanifest.xml for (resource identifier, file href, title) triples."""
    cp, lom = f"{{{CP_NS}}}", f"{{{LOM_NS}}}"
    recipe = worksheet.recipe
    root = etree.Element(cp + "manifest", nsmap={None: CP_NS, "lomimscc": LOM_NS, "xsi": XSI_NS})
    root.set("identifier", identifier(f"quizgen-{recipe.name or 'worksheet'}"))
    root.set(f"{{{XSI_NS}}}schemaLocation", f"{CP_NS} {CP_LOCATION} {LOM_NS} {LOM_LOCATION}")
    metadata = etree.SubElement(root, cp + "metadata")
    etree.SubElement(metadata, cp + "schema").text = "IMS Common Cartridge"
    etree.SubElement(metadata, cp + "schemaversion").text = "1.1.0"
    general = etree.SubElement(etree.SubElement(metadata, lom + "lom"), lom + "general")
    title = etree.SubElement(etree.SubElement(general, lom + "title"), lom + "string", language="en")
    title.text = escape.xml_text(recipe.title or "Worksheet")
    if recipe.instructions:
        description = etree.SubElement(etree.SubElement(general, lom + "description"), lom + "string", language="en")
        description.text = escape.xml_text(recipe.instructions)
    organization = etree.SubElement(etree.SubElement(root, cp + "organizations"), cp + "organization",
                                    identifier="organization", structure="rooted-hierarchy")
    top = etree.SubElement(organization, cp + "item", identifier="root")
    for ident, _href, item_title in resources:
        entry = etree.SubElement(top, cp + "item", identifier=f"item_{ident}", identifierref=ident)
        etree.SubElement(entry, cp + "title").text = escape.xml_text(item_title)
    resources_el = etree.SubElement(root, cp + "resources")
    for ident, href, _title_text in resources:
        resource = etree.SubElement(resources_el, cp + "resource", identifier=ident, type=ASSESSMENT_TYPE)
        etree.SubElement(resource, cp + "file", href=href)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


__all__ = ["CommonCartridgeExporter", "plan_items"]
