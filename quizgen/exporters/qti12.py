"""QTI 1.2 elements shared by the Canvas and Common Cartridge writers (both are QTI 1.2 dialects).

Both write one ``questestinterop`` per version, items with their metadata
fields, choices as ``response_lid``, feedback as ``itemfeedback`` shown by
``displayfeedback``, and score a multiple response by the same "every right
choice and no wrong one" condition; what differs (item types, metadata
fields, scoring attributes) stays in each writer.
"""

from __future__ import annotations

from collections.abc import Iterable

from lxml import etree

from quizgen.exporters import escape
from quizgen.exporters.package import XSI_NS, schema_located

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


def questestinterop(schema: str) -> etree._Element:
    """Return the root of a QTI 1.2 document validated against ``schema`` (the dialect's XSD)."""
    return schema_located(etree.Element(qti("questestinterop"), nsmap={None: QTI_NS, "xsi": XSI_NS}),
                          f"{QTI_NS} {schema}")


def item(section: etree._Element, ident: str, title: str, fields: Iterable[tuple[str, str]]) -> etree._Element:
    """Append an ``item`` titled ``title`` with its ``itemmetadata`` (label, entry) fields."""
    el = sub(section, "item", ident=ident, title=escape.xml_text(title))
    meta = sub(sub(el, "itemmetadata"), "qtimetadata")
    for label, entry in fields:
        field(meta, label, entry)
    return el


def choices(presentation: etree._Element, cardinality: str, labels: Iterable[tuple[str, str]], **render: str) -> None:
    """Append a ``response_lid`` whose ``render_choice`` offers (ident, text) labels, in order."""
    lid = sub(presentation, "response_lid", ident="response1", rcardinality=cardinality)
    choice = sub(lid, "render_choice", **render)
    for ident, text in labels:
        material(sub(choice, "response_label", ident=ident), text)


def condition(processing: etree._Element, continue_: str) -> tuple[etree._Element, etree._Element]:
    """Append a ``respcondition``; return it and its ``conditionvar``."""
    cond = sub(processing, "respcondition", **{"continue": continue_})
    return cond, sub(cond, "conditionvar")


def show(cond: etree._Element, ident: str) -> None:
    """Make ``cond`` show the item feedback ``ident``."""
    sub(cond, "displayfeedback", feedbacktype="Response", linkrefid=ident)


def general_feedback(processing: etree._Element) -> None:
    """Append the condition that shows ``general_fb`` whatever the answer, scoring going on after it.

    ``continue="Yes"`` over ``<other/>``: the shape Canvas exports for its
    "general comments" and Moodle's CC importer reads as general feedback.
    """
    cond, var = condition(processing, "Yes")
    sub(var, "other")
    show(cond, "general_fb")


def every_right_choice(var: etree._Element, labels: Iterable[tuple[str, bool]], **attrs: str) -> None:
    """Test that exactly the right labels are ticked: (ident, correct) pairs, wrong ones under ``<not>``.

    The multiple-response condition both Canvas and Moodle's CC importer
    export and read back: every right choice ticked and no wrong one.
    """
    both = sub(var, "and")
    for ident, correct in labels:
        sub(both if correct else sub(both, "not"), "varequal", ident, respident="response1", **attrs)


def feedback(item_el: etree._Element, ident: str, text: str) -> None:
    """Append the ``itemfeedback`` ``ident`` holding ``text``."""
    material(sub(sub(item_el, "itemfeedback", ident=ident), "flow_mat"), text)
