"""The QTI 2.1 package around the items: one assessmentTest per version and the IMS CP manifest.

Each item resource's IMS MD metadata holds the question id, title and
tags (skill, sub-skill, techniques), which authors see and candidates do
not.
"""

from __future__ import annotations

from lxml import etree

from quizgen import model as m
from quizgen.exporters import escape as esc
from quizgen.exporters.package import XSI_NS, identifier, manifest, xml_bytes
from quizgen.exporters.qti21.elements import document, paragraphs, sub

CP_NS = "http://www.imsglobal.org/xsd/imscp_v1p1"
MD_NS = "http://www.imsglobal.org/xsd/imsmd_v1p2"


def test_xml(worksheet: m.Worksheet, version: m.Version, test_id: str, title: str,
             refs: list[tuple[str, str]]) -> bytes:
    """Return the assessmentTest of one version: its items, in order, SCORE their sum."""
    root = document("assessmentTest")
    root.set("identifier", test_id)
    root.set("title", title)
    sub(root, "outcomeDeclaration", identifier="SCORE", cardinality="single", baseType="float")
    part = sub(root, "testPart", identifier="part1", navigationMode="nonlinear", submissionMode="simultaneous")
    section = sub(part, "assessmentSection", identifier=f"version{identifier(version.letter)}",
                   title=f"Version {version.letter}", visible="true")
    if worksheet.recipe.instructions:
        paragraphs(sub(section, "rubricBlock", view="candidate"), worksheet.recipe.instructions)
    for ident, href in refs:
        sub(section, "assessmentItemRef", identifier=ident, href=f"../{href}")
    setter = sub(sub(root, "outcomeProcessing"), "setOutcomeValue", identifier="SCORE")
    sub(sub(setter, "sum"), "testVariables", variableIdentifier="SCORE")
    return xml_bytes(root)


def manifest_xml(worksheet: m.Worksheet, resources) -> bytes:
    """Return imsmanifest.xml: (identifier, type, href, dependencies, carried question or None) per resource."""
    cp = lambda tag: f"{{{CP_NS}}}{tag}"  # noqa: E731
    md = lambda tag: f"{{{MD_NS}}}{tag}"  # noqa: E731
    root, metadata = manifest(
        CP_NS, {None: CP_NS, "imsmd": MD_NS, "xsi": XSI_NS}, identifier("quizgen", worksheet.recipe.name),
        f"{CP_NS} http://www.imsglobal.org/xsd/imscp_v1p1.xsd {MD_NS} http://www.imsglobal.org/xsd/imsmd_v1p2p4.xsd",
        "QTIv2.1 Package", "1.0.0")
    _lom(metadata, md, identifier("quizgen", worksheet.recipe.name), worksheet.recipe.title, [])
    etree.SubElement(root, cp("organizations"))
    container = etree.SubElement(root, cp("resources"))
    for ident, rtype, href, deps, carried in resources:
        res = etree.SubElement(container, cp("resource"), identifier=ident, type=rtype, href=href)
        if carried is not None:
            _lom(etree.SubElement(res, cp("metadata")), md, carried.question.id, carried.name, list(carried.plan.tags))
        etree.SubElement(res, cp("file"), href=href)
        for dep in deps:
            etree.SubElement(res, cp("dependency"), identifierref=dep)
    return xml_bytes(root)


def _lom(parent: etree._Element, md, ident: str, title: str, keywords: list[str]) -> None:
    """Append IMS MD 1.2 metadata: identifier (the question id), title, one keyword per tag."""
    general = etree.SubElement(etree.SubElement(parent, md("lom")), md("general"))
    etree.SubElement(general, md("identifier")).text = esc.xml_text(ident)
    etree.SubElement(etree.SubElement(general, md("title")), md("langstring")).text = esc.xml_text(title)
    for keyword in keywords:
        etree.SubElement(etree.SubElement(general, md("keyword")), md("langstring")).text = esc.xml_text(keyword)
