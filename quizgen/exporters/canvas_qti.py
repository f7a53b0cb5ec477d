"""Canvas Classic Quizzes: a QTI 1.2 zip as Canvas itself exports it.

Layout (the shape Canvas's "Export course content → Quiz" produces and its
QTI importer, the QTIMigrationTool / canvas qti_exporter plugin, reads)::

    imsmanifest.xml                       one resource per version + its meta
    <quiz-id>/<quiz-id>.xml               questestinterop: one assessment
    <quiz-id>/assessment_meta.xml         Canvas quiz settings (cccv1p0)

One assessment (quiz) per version. Every item carries Canvas's
``question_type`` and ``points_possible`` in itemmetadata; the score is
SCORE 0-100 (Canvas scales it to the points). Explanations are the
general feedback (``itemfeedback ident="general_fb"``), choice feedback is
per-answer feedback, the source excerpt and citation are in the question
text. Item idents name the worksheet, version and position ("unit3-A-03"),
titles the position and stem, never
the question id, which can name the answer; Classic Quizzes have no field
for teachers alone, so ids and tags are in the export report only.

What the plan adapts: ordering → matching_question of each item to its
position (Classic Quizzes have no ordering type in QTI); mark-the-words →
multiple_answers_question over the passage's words; a numeric unit → a line
of the question text. Classic Quizzes have no field only graders see, so an
essay's rubric, model answer and explanation and every teacher note are
left out (they are in the PDF answer key).
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from lxml import etree

from quizgen import model as m
from quizgen.exporters import escape as esc
from quizgen.exporters.base import Exporter
from quizgen.exporters.package import identifier, neutral_identifier, zip_bytes
from quizgen.exporters.plan import Profile
from quizgen.exporters.qti12 import QTI_NS, field, material, qti, sub
from quizgen.printed import format_number
from quizgen.scoring import shares

if TYPE_CHECKING:
    from quizgen.exporters.plan import Carried, FormatPlan

CP_NS = "http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1"
IMSMD_NS = "http://www.imsglobal.org/xsd/imsmd_v1p2"
CANVAS_NS = "http://canvas.instructure.com/xsd/cccv1p0"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"

#: Canvas question_type per carried kind.
CANVAS_TYPE = {
    "single-choice": "multiple_choice_question",
    "multiple-response": "multiple_answers_question",
    "true-false": "true_false_question",
    "short-answer": "short_answer_question",
    "numeric": "numerical_question",
    "matching": "matching_question",
    "open-response": "essay_question",
}


class CanvasQtiExporter(Exporter):
    """Export a worksheet as a Canvas Classic Quizzes QTI 1.2 zip, one quiz per version."""

    name = "canvas-qti"
    #: Canvas's Import Course Content takes a .zip ("QTI .zip file").
    suffix = ".zip"
    label = "QTI 1.2 zip for Canvas Classic Quizzes (Import Course Content → QTI .zip)"
    profile = Profile(
        converts={"ordering": ("matching", "Classic Quizzes have no ordering type"),
                  "mark-the-words": ("multiple-response", "Classic Quizzes have no mark-the-words type")},
        units=False,
        no_grader_field="Classic Quizzes have no field only graders see; comments are shown to students",
    )

    def write(self, plan: FormatPlan) -> bytes:
        """Return the zip: manifest first, then each version's assessment and meta."""
        entries: list[tuple[str, bytes]] = []
        quizzes = []
        for version, carried in plan.written():
            quiz_id = quiz_identifier(plan.worksheet, version)
            title = quiz_title(plan.worksheet, version)
            quizzes.append(quiz_id)
            entries.append((f"{quiz_id}/{quiz_id}.xml", _assessment(carried, quiz_id, title)))
            entries.append((f"{quiz_id}/assessment_meta.xml", _meta(plan.worksheet, version, quiz_id, title)))
        return zip_bytes([("imsmanifest.xml", _manifest(plan.worksheet, quizzes))] + entries)


def quiz_identifier(worksheet: m.Worksheet, version: m.Version) -> str:
    """Return the stable quiz identifier: recipe name and version letter."""
    return identifier("quizgen", worksheet.recipe.name, version.letter)


def quiz_title(worksheet: m.Worksheet, version: m.Version) -> str:
    """Return the quiz title Canvas shows: the worksheet title and, with several versions, the letter."""
    title = esc.xml_text(worksheet.recipe.title)
    return f"{title} \u2014 Version {version.letter}" if len(worksheet.versions) > 1 else title


def item_identifier(carried: Carried) -> str:
    """Return the item ident: worksheet, version letter and position ("unit3-A-03"), never the question id."""
    return identifier(carried.plan.ident)


def item_title(carried: Carried) -> str:
    """Return the item title: position and the start of the stem (never the question id)."""
    return carried.name


def choice_idents(ident: str, count: int) -> list[str]:
    """Return response_label idents for ``count`` choices of one item."""
    return [f"{ident}-c{n + 1}" for n in range(count)]


def _assessment(carried: list[Carried], quiz_id: str, title: str) -> bytes:
    root = etree.Element(qti("questestinterop"), nsmap={None: QTI_NS, "xsi": XSI_NS})
    root.set(f"{{{XSI_NS}}}schemaLocation", f"{QTI_NS} http://www.imsglobal.org/xsd/ims_qtiasiv1p2p1.xsd")
    assessment = sub(root, "assessment", ident=quiz_id, title=title)
    field(sub(assessment, "qtimetadata"), "cc_maxattempts", "1")
    section = sub(assessment, "section", ident="root_section")
    for c in carried:
        _item(section, c)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


class _Item:
    """One item being written: its ident, presentation, processing and the feedback it links to."""

    def __init__(self, section: etree._Element, carried: Carried):
        q = carried.question
        self.carried, self.ident, self.qtype = carried, item_identifier(carried), CANVAS_TYPE[q.kind]
        self.el = sub(section, "item", ident=self.ident, title=esc.xml_text(item_title(carried)))
        meta = sub(sub(self.el, "itemmetadata"), "qtimetadata")
        field(meta, "question_type", self.qtype)
        field(meta, "points_possible", f"{Decimal(q.points):.1f}")
        # Canvas links a quiz's question to its bank question by this ref: one per question, whatever the version.
        field(meta, "assessment_question_identifierref", neutral_identifier("bank", q.id))
        self.presentation = sub(self.el, "presentation")
        material(self.presentation, carried.text)
        self.processing = etree.Element(qti("resprocessing"))
        outcomes = sub(self.processing, "outcomes")
        sub(outcomes, "decvar", maxvalue="100", minvalue="0", varname="SCORE", vartype="Decimal")
        self.feedbacks: list[tuple[str, str]] = []

    def condition(self, continue_: str = "No") -> tuple[etree._Element, etree._Element]:
        cond = sub(self.processing, "respcondition", **{"continue": continue_})
        return cond, sub(cond, "conditionvar")

    def show(self, cond: etree._Element, ident: str, text: str) -> None:
        sub(cond, "displayfeedback", feedbacktype="Response", linkrefid=ident)
        self.feedbacks.append((ident, text))

    def finish(self) -> None:
        self.el.append(self.processing)
        for fid, text in self.feedbacks:
            material(sub(sub(self.el, "itemfeedback", ident=fid), "flow_mat"), text)


def _item(section: etree._Element, carried: Carried) -> None:
    item = _Item(section, carried)
    if carried.feedback:
        # Canvas's "general comments": shown whatever the answer.
        cond, var = item.condition("Yes")
        sub(var, "other")
        item.show(cond, "general_fb", carried.feedback)
    _BODY[item.qtype](item, carried.question)
    item.finish()


def _choices(item: _Item, q: m.Question) -> None:
    choices = [m.Choice("True", q.answer), m.Choice("False", not q.answer)] if isinstance(q, m.TrueFalse) else list(q.choices)
    idents = choice_idents(item.ident, len(choices))
    multiple = item.qtype == "multiple_answers_question"
    render = sub(sub(item.presentation, "response_lid", ident="response1", rcardinality="Multiple" if multiple else "Single"),
                 "render_choice")
    for choice, cid in zip(choices, idents):
        material(sub(render, "response_label", ident=cid), choice.text)
    for choice, cid in zip(choices, idents):
        if choice.feedback:
            cond, var = item.condition("Yes")
            sub(var, "varequal", cid, respident="response1")
            item.show(cond, f"{cid}_fb", choice.feedback)
    cond, var = item.condition()
    if multiple:
        # Canvas's own export: all right ones and none of the wrong ones
        # score 100; Canvas gives partial credit itself from the answers.
        both = sub(var, "and")
        for choice, cid in zip(choices, idents):
            sub(both if choice.correct else sub(both, "not"), "varequal", cid, respident="response1")
    else:
        sub(var, "varequal", next(cid for c, cid in zip(choices, idents) if c.correct), respident="response1")
    sub(cond, "setvar", "100", action="Set", varname="SCORE")


def _typed_answer(item: _Item, fibtype: str | None = None) -> etree._Element:
    attrs = {"fibtype": fibtype} if fibtype else {}
    render = sub(sub(item.presentation, "response_str", ident="response1", rcardinality="Single"), "render_fib", **attrs)
    sub(render, "response_label", ident="answer1", **({} if fibtype else {"rshuffle": "No"}))
    return render


def _short_answer(item: _Item, q: m.ShortAnswer) -> None:
    _typed_answer(item)
    cond, var = item.condition()
    # One varequal per accepted answer in one conditionvar, as Canvas
    # exports short answers; Canvas compares case-insensitively.
    for answer in q.answers:
        sub(var, "varequal", esc.xml_text(answer), respident="response1")
    sub(cond, "setvar", "100", action="Set", varname="SCORE")


def _numeric(item: _Item, q: m.Numeric) -> None:
    _typed_answer(item, "Decimal")
    cond, var = item.condition()
    answer = format_number(q.answer)
    if q.tolerance:
        # Canvas exports "exact answer with margin" as this or/and shape.
        either = sub(var, "or")
        sub(either, "varequal", answer, respident="response1")
        both = sub(either, "and")
        sub(both, "vargte", format_number(q.answer - q.tolerance), respident="response1")
        sub(both, "varlte", format_number(q.answer + q.tolerance), respident="response1")
    else:
        sub(var, "varequal", answer, respident="response1")
    sub(cond, "setvar", "100", action="Set", varname="SCORE")


def _matching(item: _Item, q: m.Matching) -> None:
    rights = list(dict.fromkeys([p.right for p in q.pairs] + list(q.distractors)))
    right_ids = {text: f"{item.ident}-m{n + 1}" for n, text in enumerate(rights)}
    # Each pair adds its share of 100: quizgen.scoring's "each pair" rule, in percent.
    for n, (pair, share) in enumerate(zip(q.pairs, shares(100, len(q.pairs)))):
        lid = sub(item.presentation, "response_lid", ident=f"response_{item.ident}-l{n + 1}")
        # Matching prompts and matches are plain text in Classic Quizzes.
        material(lid, pair.left, html=False)
        render = sub(lid, "render_choice")
        for text in rights:
            material(sub(render, "response_label", ident=right_ids[text]), text, html=False)
        cond = sub(item.processing, "respcondition")
        sub(sub(cond, "conditionvar"), "varequal", right_ids[pair.right], respident=f"response_{item.ident}-l{n + 1}")
        sub(cond, "setvar", f"{share:.4f}".rstrip("0").rstrip("."), action="Add", varname="SCORE")


def _essay(item: _Item, q: m.OpenResponse) -> None:
    _typed_answer(item)
    cond, var = item.condition()
    sub(var, "other")


_BODY = {
    "multiple_choice_question": _choices,
    "true_false_question": _choices,
    "multiple_answers_question": _choices,
    "short_answer_question": _short_answer,
    "numerical_question": _numeric,
    "matching_question": _matching,
    "essay_question": _essay,
}


def _meta(worksheet: m.Worksheet, version: m.Version, quiz_id: str, title: str) -> bytes:
    root = etree.Element(f"{{{CANVAS_NS}}}quiz", nsmap={None: CANVAS_NS, "xsi": XSI_NS}, identifier=quiz_id)
    root.set(f"{{{XSI_NS}}}schemaLocation", f"{CANVAS_NS} https://canvas.instructure.com/xsd/cccv1p0.xsd")
    instructions = worksheet.recipe.instructions
    settings = {
        "title": title,
        "description": esc.html_paragraphs(esc.xml_text(instructions)) if instructions else "",
        "shuffle_answers": "false", "scoring_policy": "keep_highest", "hide_results": "", "quiz_type": "assignment",
        "points_possible": f"{Decimal(version.points):.1f}",
        "require_lockdown_browser": "false", "require_lockdown_browser_for_results": "false",
        "require_lockdown_browser_monitor": "false", "lockdown_browser_monitor_data": "",
        "show_correct_answers": "true", "anonymous_submissions": "false", "could_be_locked": "false",
        "allowed_attempts": "1", "one_question_at_a_time": "false", "cant_go_back": "false", "available": "false",
        "one_time_results": "false", "show_correct_answers_last_attempt": "false",
        "only_visible_to_overrides": "false", "module_locked": "false",
    }
    for tag, text in settings.items():
        etree.SubElement(root, f"{{{CANVAS_NS}}}{tag}").text = text
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _manifest(worksheet: m.Worksheet, quizzes: list[str]) -> bytes:
    cp = lambda tag: f"{{{CP_NS}}}{tag}"  # noqa: E731
    md = lambda tag: f"{{{IMSMD_NS}}}{tag}"  # noqa: E731
    root = etree.Element(cp("manifest"), nsmap={None: CP_NS, "imsmd": IMSMD_NS, "xsi": XSI_NS},
                         identifier=identifier("quizgen", worksheet.recipe.name, "manifest"))
    root.set(f"{{{XSI_NS}}}schemaLocation",
             f"{CP_NS} http://www.imsglobal.org/xsd/imscp_v1p1.xsd {IMSMD_NS} http://www.imsglobal.org/xsd/imsmd_v1p2p2.xsd")
    metadata = etree.SubElement(root, cp("metadata"))
    etree.SubElement(metadata, cp("schema")).text = "IMS Content"
    etree.SubElement(metadata, cp("schemaversion")).text = "1.1.3"
    title = etree.SubElement(etree.SubElement(etree.SubElement(metadata, md("lom")), md("general")), md("title"))
    etree.SubElement(title, md("string")).text = esc.xml_text(worksheet.recipe.title)
    etree.SubElement(root, cp("organizations"))
    resources = etree.SubElement(root, cp("resources"))
    for quiz_id in quizzes:
        res = etree.SubElement(resources, cp("resource"), identifier=quiz_id, type="imsqti_xmlv1p2")
        etree.SubElement(res, cp("file"), href=f"{quiz_id}/{quiz_id}.xml")
        etree.SubElement(res, cp("dependency"), identifierref=f"{quiz_id}-meta")
        meta = etree.SubElement(resources, cp("resource"), identifier=f"{quiz_id}-meta",
                                type="associatedcontent/imscc_xmlv1p1/learning-application-resource",
                                href=f"{quiz_id}/assessment_meta.xml")
        etree.SubElement(meta, cp("file"), href=f"{quiz_id}/assessment_meta.xml")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
