"""The QTI assessment document of one cartridge version: its ``CcItem``s as CC-profile QTI 1.2 items.

Each item carries ``cc_profile``, ``cc_weighting`` (its points),
``cc_question_category`` ("<skill>/<sub-skill>") and whether it is computer
scored; the explanation is the general feedback, choice feedback the
per-choice feedback. SCORE is set to 100 for a right answer (the profile
allows only Set).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from lxml import etree

from quizgen.exporters import escape, qti12
from quizgen.exporters.common_cartridge.items import ESSAY, FILL_IN_BLANK, MULTIPLE_CHOICE, MULTIPLE_RESPONSE, TRUE_FALSE
from quizgen.exporters.package import identifier, xml_bytes
from quizgen.exporters.qti12 import sub
from quizgen.printed import skill_name, subskill_name

if TYPE_CHECKING:
    from quizgen import model
    from quizgen.exporters.common_cartridge.items import CcChoice, CcItem
    from quizgen.exporters.plan import Carried, FormatPlan

QTI_LOCATION = "http://www.imsglobal.org/profile/cc/ccv1p1/ccv1p1_qtiasiv1p2p1_v1p0.xsd"

#: The response identifier every item uses (one response per item).
RESPONSE = "response1"


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


def assessment_xml(plan: FormatPlan, version: model.Version, carried: list[Carried], ident: str, title: str) -> bytes:
    """Return the QTI assessment document of one version."""
    root = qti12.questestinterop(QTI_LOCATION)
    assessment = sub(root, "assessment", ident=ident, title=escape.xml_text(title))
    meta = sub(assessment, "qtimetadata")
    for label, entry in (("cc_profile", "cc.exam.v0p1"), ("qmd_assessmenttype", "Examination"),
                         ("qmd_scoretype", "Percentage"), ("qmd_feedbackpermitted", "Yes"),
                         ("qmd_solutionspermitted", "Yes"), ("cc_maxattempts", "1")):
        qti12.field(meta, label, entry)
    instructions = plan.worksheet.recipe.instructions
    if instructions:
        qti12.material(sub(sub(assessment, "presentation_material"), "flow_mat"), instructions)
    section = sub(assessment, "section", ident="root_section")
    for c in carried:
        base = identifier(c.plan.ident)
        for cc in c.detail:
            ident = f"{base}_{cc.part}" if cc.part else base
            title = f"{c.name} ({cc.part}/{cc.parts})" if cc.part else c.name
            _item_xml(section, cc, ident, title, _category(c.question), _feedback(c))
    return xml_bytes(root)


def _item_xml(section: etree._Element, cc: CcItem, ident: str, title: str, category: str, feedback: str) -> None:
    item = qti12.item(section, ident, title, [
        ("cc_profile", cc.profile), ("cc_weighting", str(cc.weight)),
        ("cc_question_category", escape.xml_text(category)),
        ("qmd_computerscored", "No" if cc.profile == ESSAY else "Yes")])
    _presentation(sub(item, "presentation"), cc)
    processing = sub(item, "resprocessing")
    sub(sub(processing, "outcomes"), "decvar", varname="SCORE", vartype="Decimal", minvalue="0", maxvalue="100")
    shown = _conditions(processing, cc, bool(feedback))
    if feedback:
        qti12.feedback(item, "general_fb", feedback)
    for choice in shown:
        qti12.feedback(item, f"fb_{choice.ident}", choice.feedback)


def _presentation(presentation: etree._Element, cc: CcItem) -> None:
    qti12.material(presentation, cc.text)
    if cc.choices:
        cardinality = "Multiple" if cc.profile == MULTIPLE_RESPONSE else "Single"
        qti12.choices(presentation, cardinality, [(c.ident, c.text) for c in cc.choices], shuffle="No")
        return
    response = sub(presentation, "response_str", ident=RESPONSE, rcardinality="Single")
    if cc.profile == ESSAY:
        sub(response, "render_fib", rows=str(max(1, cc.essay_lines)), prompt="Box")
    else:
        sub(response, "render_fib", rows="1", prompt="Box", fibtype="String")


def _score(cond: etree._Element) -> None:
    sub(cond, "setvar", "100", varname="SCORE", action="Set")


def _conditions(processing: etree._Element, cc: CcItem, general: bool) -> list[CcChoice]:
    """Write the response conditions of one item; return the choices whose feedback they show."""
    if general:
        qti12.general_feedback(processing)
    if cc.profile in (MULTIPLE_CHOICE, TRUE_FALSE):
        return _one_choice_conditions(processing, cc)
    if cc.profile == MULTIPLE_RESPONSE:
        return _multiple_response_conditions(processing, cc)
    if cc.profile == FILL_IN_BLANK:
        # Several varequal in one conditionvar are alternatives (QTI 1.2
        # conditionvar is an implicit "or"); case="No": short answers are
        # matched case-insensitively.
        cond, var = qti12.condition(processing, "No")
        for answer in cc.answers:
            sub(var, "varequal", answer, respident=RESPONSE, case="No")
        _score(cond)
    elif not general:
        # An essay needs one respcondition (resprocessingType) and no varequal (rule 8c).
        _cond, var = qti12.condition(processing, "Yes")
        sub(var, "other")
    return []


def _one_choice_conditions(processing: etree._Element, cc: CcItem) -> list[CcChoice]:
    """Multiple choice, true/false: one condition per choice that scores or has feedback."""
    shown = []
    for choice in (c for c in cc.choices if c.correct or c.feedback):
        cond, var = qti12.condition(processing, "No")
        sub(var, "varequal", choice.ident, respident=RESPONSE)
        if choice.correct:
            _score(cond)
        if choice.feedback:
            qti12.show(cond, f"fb_{choice.ident}")
            shown.append(choice)
    return shown


def _multiple_response_conditions(processing: etree._Element, cc: CcItem) -> list[CcChoice]:
    """Multiple response: each choice's feedback, then full marks for exactly the correct choices."""
    shown = []
    for choice in (c for c in cc.choices if c.feedback):
        cond, var = qti12.condition(processing, "Yes")
        sub(var, "varequal", choice.ident, respident=RESPONSE)
        qti12.show(cond, f"fb_{choice.ident}")
        shown.append(choice)
    # Moodle's and Canvas's CC importers read the labels back with case="Yes".
    cond, var = qti12.condition(processing, "No")
    qti12.every_right_choice(var, [(c.ident, c.correct) for c in cc.choices], case="Yes")
    _score(cond)
    return shown
