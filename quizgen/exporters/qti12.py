"""QTI 1.2 elements shared by the Canvas and Common Cartridge writers (both are QTI 1.2 dialects)."""

from __future__ import annotations

from lxml import etree

from quizgen.exporters import escape

QTI_NS = "http://www.imsglobal.org/xsd/ims_qtiasiv1p2"


def qti(tag: str) -> str:
    """Return the qualified name of a QTI 1.2 element."""
    return f"{{{QTI_NS}}}{tag}"


def sub(parent: etree._Element, tag: str, text: str | None = None, **attrs: str) -> etree._Element:
    """Append a QTI element with attributes and, if given, text."""
    el = etree.SubElement(parent, qti(tag), attrs)
    if text is not None:
        el.text = text
    return el


def field(parent: etree._Element, label: str, entry: str) -> None:
    """Append a ``qtimetadatafield`` (label, entry)."""
    f = sub(parent, "qtimetadatafield")
    sub(f, "fieldlabel", label)
    sub(f, "fieldentry", entry)


def material(parent: etree._Element, text: str, html: bool = True) -> etree._Element:
    """Append ``material/mattext`` holding plain ``text`` as HTML paragraphs (or as plain text)."""
    body = escape.xml_text(text)
    node = sub(parent, "material")
    if html:
        sub(node, "mattext", escape.html_paragraphs(body), texttype="text/html")
    else:
        sub(node, "mattext", body, texttype="text/plain")
    return node
