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

Here the quiz package (assessment, settings, manifest); ``items`` writes each
question type, on the QTI 1.2 pieces shared with Common Cartridge (``qti12``).
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from lxml import etree

from quizgen import model as m
from quizgen.exporters import escape as esc
from quizgen.exporters import qti12
from quizgen.exporters.base import Exporter
from quizgen.exporters.canvas_qti.items import CANVAS_TYPE, item_xml
from quizgen.exporters.package import XSI_NS, identifier, manifest, xml_bytes, zip_bytes
from quizgen.exporters.plan import Profile
from quizgen.exporters.qti12 import QTI_NS, sub

if TYPE_CHECKING:
    from quizgen.exporters.plan import Carried, FormatPlan

CP_NS = "http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1"
IMSMD_NS = "http://www.imsglobal.org/xsd/imsmd_v1p2"
CANVAS_NS = "http://canvas.instructure.com/xsd/cccv1p0"


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
            title = esc.xml_text(plan.title(version))
            quizzes.append(quiz_id)
            entries.append((f"{quiz_id}/{quiz_id}.xml", _assessment(carried, quiz_id, title)))
            entries.append((f"{quiz_id}/assessment_meta.xml", _meta(plan.worksheet, version, quiz_id, title)))
        return zip_bytes([("imsmanifest.xml", _manifest(plan.worksheet, quizzes))] + entries)


def quiz_identifier(worksheet: m.Worksheet, version: m.Version) -> str:
    """Return the stable quiz identifier: recipe name and version letter."""
    return identifier("quizgen", worksheet.recipe.name, version.letter)


def _assessment(carried: list[Carried], quiz_id: str, title: str) -> bytes:
    root = qti12.questestinterop("http://www.imsglobal.org/xsd/ims_qtiasiv1p2p1.xsd")
    assessment = sub(root, "assessment", ident=quiz_id, title=title)
    qti12.field(sub(assessment, "qtimetadata"), "cc_maxattempts", "1")
    section = sub(assessment, "section", ident="root_section")
    for c in carried:
        item_xml(section, c)
    return xml_bytes(root)


def _meta(worksheet: m.Worksheet, version: m.Version, quiz_id: str, title: str) -> bytes:
    root = etree.Element(f"{{{CANVAS_NS}}}quiz", nsmap={None: CANVAS_NS, "xsi": XSI_NS}, identifier=quiz_id)
    root.set(f"{{{XSI_NS}}}schemaLocation", f"{CANVAS_NS} https://canvas.instructure.com/xsd/cccv1p0.xsd")
    instructions = worksheet.recipe.instructions
    settings = {
        "title": title,
        "description": esc.html_text(instructions) if instructions else "",
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
    return xml_bytes(root)


def _manifest(worksheet: m.Worksheet, quizzes: list[str]) -> bytes:
    cp = lambda tag: f"{{{CP_NS}}}{tag}"  # noqa: E731
    md = lambda tag: f"{{{IMSMD_NS}}}{tag}"  # noqa: E731
    root, metadata = manifest(
        CP_NS, {None: CP_NS, "imsmd": IMSMD_NS, "xsi": XSI_NS}, identifier("quizgen", worksheet.recipe.name, "manifest"),
        f"{CP_NS} http://www.imsglobal.org/xsd/imscp_v1p1.xsd {IMSMD_NS} http://www.imsglobal.org/xsd/imsmd_v1p2p2.xsd",
        "IMS Content", "1.1.3")
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
    return xml_bytes(root)


__all__ = ["CANVAS_TYPE", "QTI_NS", "CanvasQtiExporter", "quiz_identifier"]
