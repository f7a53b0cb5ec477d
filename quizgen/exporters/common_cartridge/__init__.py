"""IMS Common Cartridge 1.1 (``.imscc``) with the CC profile of QTI 1.2.1.

One cartridge holds one assessment per worksheet version. Schoology,
Brightspace, Blackboard Learn, Canvas and Moodle all import CC 1.1. The CC
QTI profile (``ccv1p1_qtiasiv1p2p1_v1p0.xsd`` and the Schematron rules
embedded in it) allows six item types only, so ``adapt`` maps each
question onto one of them (``items``: ``CcItem``s, written by ``assessment``):

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

Here the cartridge (manifest and one assessment per version); ``items`` maps
questions onto the profile's item types, ``assessment`` writes them, on the
QTI 1.2 pieces shared with Canvas (``qti12``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from lxml import etree

from quizgen.exporters import escape
from quizgen.exporters.base import Exporter
from quizgen.exporters.common_cartridge.assessment import assessment_xml
from quizgen.exporters.common_cartridge.items import plan_items
from quizgen.exporters.package import XSI_NS, identifier, manifest, xml_bytes, zip_bytes
from quizgen.exporters.plan import Profile

if TYPE_CHECKING:
    from quizgen import model
    from quizgen.exporters.plan import Carried, FormatPlan

CP_NS = "http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1"
LOM_NS = "http://ltsc.ieee.org/xsd/imsccv1p1/LOM/manifest"

# The schema locations 1EdTech publishes for CC 1.1 (the cartridge checker and
# some importers read xsi:schemaLocation to tell CC 1.0 from 1.1).
CP_LOCATION = "http://www.imsglobal.org/profile/cc/ccv1p1/ccv1p1_imscp_v1p2_v1p0.xsd"
LOM_LOCATION = "http://www.imsglobal.org/profile/cc/ccv1p1/LOM/ccv1p1_lommanifest_v1p0.xsd"

#: Resource type of an assessment in CC 1.1 (ccv1p1_imscp_v1p2_v1p0.xsd, Resource.Type).
ASSESSMENT_TYPE = "imsqti_xmlv1p2/imscc_xmlv1p1/assessment"


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
            title = plan.title(version, untitled="Worksheet")
            entries.append((href, assessment_xml(plan, version, carried, ident, title)))
            resources.append((ident, href, title))
        return zip_bytes([("imsmanifest.xml", manifest_xml(plan.worksheet, resources)), *entries])


def manifest_xml(worksheet: model.Worksheet, resources: list[tuple[str, str, str]]) -> bytes:
    """Return imsmanifest.xml for (resource identifier, file href, title) triples."""
    cp, lom = f"{{{CP_NS}}}", f"{{{LOM_NS}}}"
    recipe = worksheet.recipe
    root, metadata = manifest(CP_NS, {None: CP_NS, "lomimscc": LOM_NS, "xsi": XSI_NS},
                              identifier(f"quizgen-{recipe.name or 'worksheet'}"),
                              f"{CP_NS} {CP_LOCATION} {LOM_NS} {LOM_LOCATION}", "IMS Common Cartridge", "1.1.0")
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
    return xml_bytes(root)


__all__ = ["CommonCartridgeExporter", "plan_items"]
