"""QTI 2.1 elements every part of the package writes: qualified names, values, text as paragraphs."""

from __future__ import annotations

from lxml import etree

from quizgen.exporters import escape as esc
from quizgen.exporters.package import XSI_NS, schema_located

QTI_NS = "http://www.imsglobal.org/xsd/imsqti_v2p1"
QTI_XSD = "http://www.imsglobal.org/xsd/qti/qtiv2p1/imsqti_v2p1.xsd"


def qti(tag: str) -> str:
    """Return the qualified name of a QTI 2.1 element."""
    return f"{{{QTI_NS}}}{tag}"


def document(tag: str) -> etree._Element:
    """Return the root element of a QTI 2.1 document (an item or a test), with its schema location."""
    return schema_located(etree.Element(qti(tag), nsmap={None: QTI_NS, "xsi": XSI_NS}), f"{QTI_NS} {QTI_XSD}")


def sub(parent: etree._Element, tag: str, text: str | None = None, **attrs: str) -> etree._Element:
    """Append a QTI element with attributes and, if given, text."""
    el = etree.SubElement(parent, qti(tag), attrs)
    if text is not None:
        el.text = text
    return el


def paragraphs(parent: etree._Element, text: str) -> None:
    """Append plain text as ``<p>`` elements, newlines as ``<br/>`` (no markup from the text)."""
    for paragraph in esc.xml_text(text).split("\n\n"):
        p = sub(parent, "p")
        lines = paragraph.split("\n")
        p.text = lines[0]
        for line in lines[1:]:
            sub(p, "br").tail = line


def flow(parent: etree._Element, text: str) -> None:
    """Fill a flow container (simpleChoice, modalFeedback, …) with text, as paragraphs only when it has newlines."""
    text = esc.xml_text(text)
    if "\n" in text:
        paragraphs(parent, text)
    else:
        parent.text = text


def base_value(base_type: str, value: str) -> etree._Element:
    """Return a ``baseValue`` of ``base_type``."""
    el = etree.Element(qti("baseValue"), baseType=base_type)
    el.text = value
    return el
