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
text, and the question id, skill, sub-skill and techniques are in the item
title (Classic Quizzes have no tags).

Adapted on purpose (reported by ``check``): ordering → matching_question of
each item to its position (Classic Quizzes have no ordering type in QTI);
mark-the-words → multiple_answers_question over the passage's words (its
stem's "Circle" or "Mark" reads "Select"); the essay rubric → general feedback (Classic
essays have no grader notes). A teacher note is never written: Classic
Quizzes have no field only graders see.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from lxml import etree

from quizgen import model as m
from quizgen.exporters import escaping as esc
from quizgen.exporters.base import Exporter
from quizgen.exporters.moodle_xml import matching_pairs

if TYPE_CHECKING:
    from quizgen.errors import Diagnostic

QTI_NS = "http://www.imsglobal.org/xsd/ims_qtiasiv1p2"
CP_NS = "http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1"
IMSMD_NS = "http://www.imsglobal.org/xsd/imsmd_v1p2"
CANVAS_NS = "http://canvas.instructure.com/xsd/cccv1p0"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"

#: Canvas question_type per quizgen kind (after adaptation).
CANVAS_TYPE = {
    "single-choice": "multiple_choice_question",
    "multiple-response": "multiple_answers_question",
    "mark-the-words": "multiple_answers_question",
    "true-false": "true_false_question",
    "short-answer": "short_answer_question",
    "numeric": "numerical_question",
    "matching": "matching_question",
    "ordering": "matching_question",
    "open-response": "essay_question",
}

#: Appended to an ordering question carried as matching.
ORDERING_HINT = esc.ORDERING_HINT


class CanvasQtiExporter(Exporter):
    """Export a worksheet as a Canvas Classic Quizzes QTI 1.2 zip, one quiz per version."""

    #: The ``--format`` value.
    name = "canvas-qti"
    #: Canvas's Import Course Content takes a .zip ("QTI .zip file").
    suffix = ".canvas-qti.zip"
    #: One line for ``--help``.
    label = "QTI 1.2 zip for Canvas Classic Quizzes (Import Course Content → QTI .zip)"
    #: Ordering and mark-the-words are adapted; open-response keeps its rubric only as feedback.
    question_kinds = frozenset(
        {"single-choice", "multiple-response", "true-false", "short-answer", "numeric", "matching"}
    )

    def check(self, worksheet: m.Worksheet) -> list[Diagnostic]:
        """Report what Canvas Classic Quizzes carry in another form."""
        out = []
        for item in esc.unique_items(worksheet):
            q = item.question
            if isinstance(q, m.Ordering):
                out.append(esc.adaptation(self.name, q.id, "ordering carried as matching: each item is matched to its position (Classic Quizzes have no ordering type)"))
            elif isinstance(q, m.MarkTheWords):
                out.append(esc.adaptation(self.name, q.id, "mark-the-words carried as multiple answers: the loaded phrases and every other word of the passage are the choices" + esc.select_note(q)))
            elif isinstance(q, m.OpenResponse):
                out.append(esc.adaptation(self.name, q.id, "essay: the rubric and model answer are in the general feedback (Classic essays have no grader notes), so students see them after submitting"))
            elif isinstance(q, m.Numeric) and q.unit:
                out.append(esc.adaptation(self.name, q.id, f"numeric unit '{q.unit}' written after the question text (Canvas has no units)"))
            if q.teacher_note:
                out.append(esc.adaptation(self.name, q.id, esc.teacher_note_not_carried("Classic Quizzes have no field only graders see; comments are shown to students")))
        out.extend(esc.forbidden_char_report(self.name, worksheet))
        return out

    def export(self, worksheet: m.Worksheet) -> bytes:
        """Return the zip: manifest first, then each version's assessment and meta."""
        entries: list[tuple[str, bytes]] = []
        quizzes = []
        for version in worksheet.versions:
            quiz_id = quiz_identifier(worksheet, version)
            title = quiz_title(worksheet, version)
            quizzes.append(quiz_id)
            entries.append((f"{quiz_id}/{quiz_id}.xml", _assessment(worksheet, version, quiz_id, title)))
            entries.append((f"{quiz_id}/assessment_meta.xml", _meta(worksheet, version, quiz_id, title)))
        return esc.zip_bytes([("imsmanifest.xml", _manifest(worksheet, quizzes))] + entries)


def quiz_identifier(worksheet: m.Worksheet, version: m.Version) -> str:
    """Return the stable quiz identifier: recipe name and version letter."""
    return esc.identifier("quizgen", worksheet.recipe.name, version.letter)


def quiz_title(worksheet: m.Worksheet, version: m.Version) -> str:
    """Return the quiz title Canvas shows: the worksheet title and, with several versions, the letter."""
    title = esc.xml_text(worksheet.recipe.title)
    return f"{title} \u2014 Version {version.letter}" if len(worksheet.versions) > 1 else title


def item_identifier(version: m.Version, q: m.Question) -> str:
    """Return the item ident: version letter and question id."""
    return esc.identifier(version.letter, q.id)


def item_title(item: m.WorksheetItem) -> str:
    """Return the item title: number, question id and its tags (Classic Quizzes have no tags)."""
    return f"{item.number:02d} {item.question.id} [{' '.join(esc.question_tags(item.question))}]"


# Shared with the other plain-text format.
question_text = esc.plain_question_text
general_feedback = esc.general_feedback


def _qti(tag: str) -> str:
    return f"{{{QTI_NS}}}{tag}"


def _sub(parent: etree._Element, tag: str, text: str | None = None, **attrs: str) -> etree._Element:
    el = etree.SubElement(parent, _qti(tag), {k: v for k, v in attrs.items()})
    if text is not None:
        el.text = text
    return el


def _material(parent: etree._Element, text: str, html: bool = True) -> etree._Element:
    material = _sub(parent, "material")
    body = esc.xml_text(text)
    if html:
        _sub(material, "mattext", esc.html_paragraphs(body), texttype="text/html")
    else:
        _sub(material, "mattext", body, texttype="text/plain")
    return material


def _field(parent: etree._Element, label: str, entry: str) -> None:
    field = _sub(parent, "qtimetadatafield")
    _sub(field, "fieldlabel", label)
    _sub(field, "fieldentry", entry)


def _assessment(worksheet: m.Worksheet, version: m.Version, quiz_id: str, title: str) -> bytes:
    root = etree.Element(_qti("questestinterop"), nsmap={None: QTI_NS, "xsi": XSI_NS})
    root.set(f"{{{XSI_NS}}}schemaLocation", f"{QTI_NS} http://www.imsglobal.org/xsd/ims_qtiasiv1p2p1.xsd")
    assessment = _sub(root, "assessment", ident=quiz_id, title=title)
    meta = _sub(assessment, "qtimetadata")
    _field(meta, "cc_maxattempts", "1")
    section = _sub(assessment, "section", ident="root_section")
    for item in version.items:
        _item(section, worksheet, version, item)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _choices(q) -> list[m.Choice]:
    if isinstance(q, m.MarkTheWords):
        return [m.Choice(t, c) for t, c in esc.mark_the_words_choices(q.passage, q.answers, q.optional)]
    if isinstance(q, m.TrueFalse):
        return [m.Choice("True", q.answer), m.Choice("False", not q.answer)]
    return list(q.choices)


def choice_idents(ident: str, count: int) -> list[str]:
    """Return response_label idents for ``count`` choices of one item."""
    return [f"{ident}-c{n + 1}" for n in range(count)]


def _item(section: etree._Element, worksheet: m.Worksheet, version: m.Version, item: m.WorksheetItem) -> None:
    q = item.question
    ident = item_identifier(version, q)
    qtype = CANVAS_TYPE[q.kind]
    el = _sub(section, "item", ident=ident, title=esc.xml_text(item_title(item)))
    meta = _sub(_sub(el, "itemmetadata"), "qtimetadata")
    _field(meta, "question_type", qtype)
    _field(meta, "points_possible", f"{Decimal(q.points):.1f}")
    _field(meta, "assessment_question_identifierref", esc.identifier("bank", q.id))
    presentation = _sub(el, "presentation")
    _material(presentation, question_text(worksheet, item))
    processing = etree.Element(_qti("resprocessing"))
    outcomes = _sub(processing, "outcomes")
    _sub(outcomes, "decvar", maxvalue="100", minvalue="0", varname="SCORE", vartype="Decimal")
    feedbacks: list[tuple[str, str]] = []
    general = general_feedback(q)
    if general:
        # Canvas's "general comments": shown whatever the answer.
        cond = _sub(processing, "respcondition", **{"continue": "Yes"})
        _sub(_sub(cond, "conditionvar"), "other")
        _sub(cond, "displayfeedback", feedbacktype="Response", linkrefid="general_fb")
        feedbacks.append(("general_fb", general))

    if qtype in ("multiple_choice_question", "true_false_question", "multiple_answers_question"):
        choices = _choices(q)
        idents = choice_idents(ident, len(choices))
        multiple = qtype == "multiple_answers_question"
        lid = _sub(presentation, "response_lid", ident="response1", rcardinality="Multiple" if multiple else "Single")
        render = _sub(lid, "render_choice")
        for choice, cid in zip(choices, idents):
            label = _sub(render, "response_label", ident=cid)
            _material(label, choice.text)
        for choice, cid in zip(choices, idents):
            if choice.feedback:
                cond = _sub(processing, "respcondition", **{"continue": "Yes"})
                _sub(_sub(cond, "conditionvar"), "varequal", cid, respident="response1")
                _sub(cond, "displayfeedback", feedbacktype="Response", linkrefid=f"{cid}_fb")
                feedbacks.append((f"{cid}_fb", choice.feedback))
        cond = _sub(processing, "respcondition", **{"continue": "No"})
        var = _sub(cond, "conditionvar")
        if multiple:
            # Canvas's own export: all right ones and none of the wrong ones
            # score 100; Canvas gives partial credit itself from the answers.
            both = _sub(var, "and")
            for choice, cid in zip(choices, idents):
                if choice.correct:
                    _sub(both, "varequal", cid, respident="response1")
                else:
                    _sub(_sub(both, "not"), "varequal", cid, respident="response1")
        else:
            right = next(cid for choice, cid in zip(choices, idents) if choice.correct)
            _sub(var, "varequal", right, respident="response1")
        _sub(cond, "setvar", "100", action="Set", varname="SCORE")

    elif qtype == "short_answer_question":
        response = _sub(presentation, "response_str", ident="response1", rcardinality="Single")
        _sub(_sub(response, "render_fib"), "response_label", ident="answer1", rshuffle="No")
        cond = _sub(processing, "respcondition", **{"continue": "No"})
        var = _sub(cond, "conditionvar")
        # One varequal per accepted answer in one conditionvar, as Canvas
        # exports short answers; Canvas compares case-insensitively.
        for answer in q.answers:
            _sub(var, "varequal", esc.xml_text(answer), respident="response1")
        _sub(cond, "setvar", "100", action="Set", varname="SCORE")

    elif qtype == "numerical_question":
        response = _sub(presentation, "response_str", ident="response1", rcardinality="Single")
        _sub(_sub(response, "render_fib", fibtype="Decimal"), "response_label", ident="answer1")
        cond = _sub(processing, "respcondition", **{"continue": "No"})
        var = _sub(cond, "conditionvar")
        answer = esc.format_decimal(q.answer)
        if q.tolerance:
            # Canvas exports "exact answer with margin" as this or/and shape.
            either = _sub(var, "or")
            _sub(either, "varequal", answer, respident="response1")
            both = _sub(either, "and")
            _sub(both, "vargte", esc.format_decimal(q.answer - q.tolerance), respident="response1")
            _sub(both, "varlte", esc.format_decimal(q.answer + q.tolerance), respident="response1")
        else:
            _sub(var, "varequal", answer, respident="response1")
        _sub(cond, "setvar", "100", action="Set", varname="SCORE")

    elif qtype == "matching_question":
        pairs = matching_pairs(q, item)
        rights = list(dict.fromkeys([right for _, right in pairs] + list(getattr(q, "distractors", ()))))
        right_ids = {text: f"{ident}-m{n + 1}" for n, text in enumerate(rights)}
        share = Decimal(100) / len(pairs)
        for n, (left, right) in enumerate(pairs):
            lid = _sub(presentation, "response_lid", ident=f"response_{ident}-l{n + 1}")
            # Matching prompts and matches are plain text in Classic Quizzes.
            _material(lid, left, html=False)
            render = _sub(lid, "render_choice")
            for text in rights:
                label = _sub(render, "response_label", ident=right_ids[text])
                _material(label, text, html=False)
            cond = _sub(processing, "respcondition")
            _sub(_sub(cond, "conditionvar"), "varequal", right_ids[right], respident=f"response_{ident}-l{n + 1}")
            _sub(cond, "setvar", f"{share:.4f}".rstrip("0").rstrip("."), action="Add", varname="SCORE")

    elif qtype == "essay_question":
        response = _sub(presentation, "response_str", ident="response1", rcardinality="Single")
        _sub(_sub(response, "render_fib"), "response_label", ident="answer1", rshuffle="No")
        cond = _sub(processing, "respcondition", **{"continue": "No"})
        _sub(_sub(cond, "conditionvar"), "other")

    el.append(processing)
    for fid, text in feedbacks:
        fb = _sub(el, "itemfeedback", ident=fid)
        _material(_sub(fb, "flow_mat"), text)


def _meta(worksheet: m.Worksheet, version: m.Version, quiz_id: str, title: str) -> bytes:
    root = etree.Element(f"{{{CANVAS_NS}}}quiz", nsmap={None: CANVAS_NS, "xsi": XSI_NS}, identifier=quiz_id)
    root.set(f"{{{XSI_NS}}}schemaLocation", f"{CANVAS_NS} https://canvas.instructure.com/xsd/cccv1p0.xsd")

    def add(tag: str, text: str) -> None:
        etree.SubElement(root, f"{{{CANVAS_NS}}}{tag}").text = text

    add("title", title)
    add("description", esc.html_paragraphs(esc.xml_text(worksheet.recipe.instructions)) if worksheet.recipe.instructions else "")
    add("shuffle_answers", "false")
    add("scoring_policy", "keep_highest")
    add("hide_results", "")
    add("quiz_type", "assignment")
    add("points_possible", f"{Decimal(version.points):.1f}")
    add("require_lockdown_browser", "false")
    add("require_lockdown_browser_for_results", "false")
    add("require_lockdown_browser_monitor", "false")
    add("lockdown_browser_monitor_data", "")
    add("show_correct_answers", "true")
    add("anonymous_submissions", "false")
    add("could_be_locked", "false")
    add("allowed_attempts", "1")
    add("one_question_at_a_time", "false")
    add("cant_go_back", "false")
    add("available", "false")
    add("one_time_results", "false")
    add("show_correct_answers_last_attempt", "false")
    add("only_visible_to_overrides", "false")
    add("module_locked", "false")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _manifest(worksheet: m.Worksheet, quizzes: list[str]) -> bytes:
    root = etree.Element(f"{{{CP_NS}}}manifest", nsmap={None: CP_NS, "imsmd": IMSMD_NS, "xsi": XSI_NS},
                         identifier=esc.identifier("quizgen", worksheet.recipe.name, "manifest"))
    root.set(f"{{{XSI_NS}}}schemaLocation",
             f"{CP_NS} http://www.imsglobal.org/xsd/imscp_v1p1.xsd {IMSMD_NS} http://www.imsglobal.org/xsd/imsmd_v1p2p2.xsd")
    metadata = etree.SubElement(root, f"{{{CP_NS}}}metadata")
    etree.SubElement(metadata, f"{{{CP_NS}}}schema").text = "IMS Content"
    etree.SubElement(metadata, f"{{{CP_NS}}}schemaversion").text = "1.1.3"
    lom = etree.SubElement(metadata, f"{{{IMSMD_NS}}}lom")
    general = etree.SubElement(lom, f"{{{IMSMD_NS}}}general")
    title = etree.SubElement(general, f"{{{IMSMD_NS}}}title")
    etree.SubElement(title, f"{{{IMSMD_NS}}}string").text = esc.xml_text(worksheet.recipe.title)
    etree.SubElement(root, f"{{{CP_NS}}}organizations")
    resources = etree.SubElement(root, f"{{{CP_NS}}}resources")
    for quiz_id in quizzes:
        res = etree.SubElement(resources, f"{{{CP_NS}}}resource", identifier=quiz_id, type="imsqti_xmlv1p2")
        etree.SubElement(res, f"{{{CP_NS}}}file", href=f"{quiz_id}/{quiz_id}.xml")
        etree.SubElement(res, f"{{{CP_NS}}}dependency", identifierref=f"{quiz_id}-meta")
        meta = etree.SubElement(resources, f"{{{CP_NS}}}resource", identifier=f"{quiz_id}-meta",
                                type="associatedcontent/imscc_xmlv1p1/learning-application-resource",
                                href=f"{quiz_id}/assessment_meta.xml")
        etree.SubElement(meta, f"{{{CP_NS}}}file", href=f"{quiz_id}/assessment_meta.xml")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
