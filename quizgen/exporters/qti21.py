"""IMS QTI 2.1 content package: one assessmentItem per question, one assessmentTest per version.

Layout (IMS QTI 2.1 Integration Guide, content packaging with IMS CP 1.1)::

    imsmanifest.xml                  CP 1.1: one resource per item and per test
    items/<letter>-<question id>.xml assessmentItem
    tests/<letter>.xml               assessmentTest of that version

Every kind is carried natively: choiceInteraction (single, multiple with a
mapping for partial credit, true/false), textEntryInteraction (short answer
with a case-insensitive mapping; numeric with ``equal`` and an absolute
tolerance, the unit printed after the box), matchInteraction (directedPair
mapping), orderInteraction (ordered response), extendedTextInteraction with
the rubric and model answer in ``rubricBlock view="scorer"``, and
hottextInteraction for mark-the-words (each phrase to mark and every other
word of the passage is a hottext). Responses are scored in points (SCORE
runs 0 … points, MAXSCORE = points); the explanation is a modalFeedback
shown after every attempt, choice feedback a modalFeedback per choice. A
teacher note goes into a ``rubricBlock view="scorer"`` (with an open
question's rubric, else on its own), which players show to scorers only,
never into feedback.

Bodies carry no ``style`` attribute (many players strip or refuse them);
identifiers are NCNames (QTI 2.1 identifier.Type). The question id, skill,
sub-skill and techniques are in each item resource's IMS MD metadata
(identifier and keywords), the excerpt and its citation in the item body.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import TYPE_CHECKING

from lxml import etree

from quizgen import model as m
from quizgen.exporters import escaping as esc
from quizgen.exporters.base import Exporter
from quizgen.exporters.moodle_xml import question_name, rubric_text

if TYPE_CHECKING:
    from quizgen.errors import Diagnostic

QTI_NS = "http://www.imsglobal.org/xsd/imsqti_v2p1"
CP_NS = "http://www.imsglobal.org/xsd/imscp_v1p1"
MD_NS = "http://www.imsglobal.org/xsd/imsmd_v1p2"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
QTI_XSD = "http://www.imsglobal.org/xsd/qti/qtiv2p1/imsqti_v2p1.xsd"


def _q(tag: str) -> str:
    return f"{{{QTI_NS}}}{tag}"


def _sub(parent: etree._Element, tag: str, text: str | None = None, **attrs: str) -> etree._Element:
    el = etree.SubElement(parent, _q(tag), attrs)
    if text is not None:
        el.text = text
    return el


def _number(value) -> str:
    return esc.format_decimal(value)


class Qti21Exporter(Exporter):
    """Export a worksheet as an IMS QTI 2.1 content package (zip)."""

    #: The ``--format`` value.
    name = "qti21"
    #: A content package is a zip with imsmanifest.xml at its root.
    suffix = ".qti21.zip"
    #: One line for ``--help``.
    label = "IMS QTI 2.1 content package (items, one test per version, IMS CP manifest)"
    #: Every kind is carried natively.
    question_kinds = frozenset(m.QUESTION_KINDS)

    def check(self, worksheet: m.Worksheet) -> list[Diagnostic]:
        """Report only dropped characters: QTI 2.1 carries every kind as it is."""
        return esc.forbidden_char_report(self.name, worksheet)

    def export(self, worksheet: m.Worksheet) -> bytes:
        """Return the content package: manifest first, then items and tests."""
        entries: list[tuple[str, bytes]] = []
        resources: list[tuple[str, str, str, list[str], m.WorksheetItem | None]] = []
        for version in worksheet.versions:
            refs = []
            for item in version.items:
                ident = item_identifier(version, item.question)
                href = f"items/{ident}.xml"
                entries.append((href, item_xml(worksheet, version, item)))
                resources.append((f"res-{ident}", "imsqti_item_xmlv2p1", href, [], item))
                refs.append((ident, href))
            test_id = assessment_test_identifier(worksheet, version)
            href = f"tests/{test_id}.xml"
            entries.append((href, _test(worksheet, version, test_id, refs)))
            resources.append((f"res-{test_id}", "imsqti_test_xmlv2p1", href, [f"res-{i}" for i, _ in refs], None))
        return esc.zip_bytes([("imsmanifest.xml", _manifest(worksheet, resources))] + entries)


def item_identifier(version: m.Version, q: m.Question) -> str:
    """Return the item identifier: version letter and question id (an NCName)."""
    return esc.identifier(version.letter, q.id)


def assessment_test_identifier(worksheet: m.Worksheet, version: m.Version) -> str:
    """Return the test identifier: recipe name and version letter."""
    return esc.identifier("test", worksheet.recipe.name, version.letter)


def _paragraphs(parent: etree._Element, text: str) -> None:
    """Append plain text as ``<p>`` elements, newlines as ``<br/>`` (no markup from the text)."""
    for paragraph in esc.xml_text(text).split("\n\n"):
        p = _sub(parent, "p")
        lines = paragraph.split("\n")
        p.text = lines[0]
        for line in lines[1:]:
            br = _sub(p, "br")
            br.tail = line


def _flow(parent: etree._Element, text: str) -> None:
    """Fill a flow container (simpleChoice, modalFeedback, …) with text, as paragraphs only when it has newlines."""
    text = esc.xml_text(text)
    if "\n" in text:
        _paragraphs(parent, text)
    else:
        parent.text = text


def _declare_score(root: etree._Element, points: int) -> None:
    score = _sub(root, "outcomeDeclaration", identifier="SCORE", cardinality="single", baseType="float")
    _sub(_sub(score, "defaultValue"), "value", "0")
    maxscore = _sub(root, "outcomeDeclaration", identifier="MAXSCORE", cardinality="single", baseType="float")
    _sub(_sub(maxscore, "defaultValue"), "value", _number(points))
    _sub(root, "outcomeDeclaration", identifier="FEEDBACK", cardinality="multiple", baseType="identifier")


def _set_score(parent: etree._Element, expression: etree._Element) -> None:
    setter = _sub(parent, "setOutcomeValue", identifier="SCORE")
    setter.append(expression)


def _base(base_type: str, value: str) -> etree._Element:
    el = etree.Element(_q("baseValue"), baseType=base_type)
    el.text = value
    return el


def _if_correct_else_zero(processing: etree._Element, test: etree._Element, points: int) -> None:
    cond = _sub(processing, "responseCondition")
    branch = _sub(cond, "responseIf")
    branch.append(test)
    _set_score(branch, _base("float", _number(points)))
    _set_score(_sub(cond, "responseElse"), _base("float", "0"))


def _mapped_score(processing: etree._Element) -> None:
    """SCORE = mapResponse(RESPONSE), 0 when nothing was answered (as the map_response template)."""
    cond = _sub(processing, "responseCondition")
    branch = _sub(cond, "responseIf")
    _sub(_sub(branch, "isNull"), "variable", identifier="RESPONSE")
    _set_score(branch, _base("float", "0"))
    other = _sub(cond, "responseElse")
    expression = etree.Element(_q("mapResponse"), identifier="RESPONSE")
    _set_score(other, expression)


def _feedback_outcome(processing: etree._Element, with_response: bool) -> None:
    """FEEDBACK = {general} plus, for choice responses, the chosen identifiers (modalFeedback per choice)."""
    setter = _sub(processing, "setOutcomeValue", identifier="FEEDBACK")
    multiple = _sub(setter, "multiple")
    multiple.append(_base("identifier", "general"))
    if with_response:
        _sub(multiple, "variable", identifier="RESPONSE")


def _shares(points: int, count: int) -> list[Decimal]:
    """Split ``points`` into ``count`` shares that add up exactly (4 decimals; the last takes the rest)."""
    share = (Decimal(points) / count).quantize(Decimal("0.0001"))
    return [share] * (count - 1) + [Decimal(points) - share * (count - 1)]


def item_xml(worksheet: m.Worksheet, version: m.Version, item: m.WorksheetItem) -> bytes:
    """Return one assessmentItem."""
    q = item.question
    root = etree.Element(_q("assessmentItem"), nsmap={None: QTI_NS, "xsi": XSI_NS})
    root.set(f"{{{XSI_NS}}}schemaLocation", f"{QTI_NS} {QTI_XSD}")
    root.set("identifier", item_identifier(version, q))
    root.set("title", esc.xml_text(question_name(item)))
    root.set("adaptive", "false")
    root.set("timeDependent", "false")
    response = _sub(root, "responseDeclaration", identifier="RESPONSE")
    _declare_score(root, q.points)
    body = _sub(root, "itemBody")
    passage = ""
    # A mark-the-words passage is a hottext interaction: question_text's stem
    # says "Select" rather than "Circle" or "Mark" (select_stem).
    _paragraphs(body, esc.question_text(worksheet, item, passage=passage))
    processing = etree.Element(_q("responseProcessing"))
    feedback: list[tuple[str, str]] = []
    choice_feedback = False

    if isinstance(q, (m.SingleChoice, m.TrueFalse, m.MultipleResponse)):
        if isinstance(q, m.TrueFalse):
            choices = [m.Choice("True", q.answer), m.Choice("False", not q.answer)]
        else:
            choices = list(q.choices)
        idents = [f"choice{n + 1}" for n in range(len(choices))]
        single = not isinstance(q, m.MultipleResponse)
        response.set("cardinality", "single" if single else "multiple")
        response.set("baseType", "identifier")
        correct = _sub(response, "correctResponse")
        for c, ident in zip(choices, idents):
            if c.correct:
                _sub(correct, "value", ident)
        interaction = _sub(body, "choiceInteraction", responseIdentifier="RESPONSE", shuffle="false",
                           maxChoices="1" if single else "0")
        for c, ident in zip(choices, idents):
            _flow(_sub(interaction, "simpleChoice", identifier=ident), c.text)
            if c.feedback:
                feedback.append((ident, c.feedback))
        choice_feedback = True
        if single:
            test = etree.Element(_q("match"))
            _sub(test, "variable", identifier="RESPONSE")
            _sub(test, "correct", identifier="RESPONSE")
            _if_correct_else_zero(processing, test, q.points)
        else:
            _choice_mapping(response, choices, idents, q.points)
            _mapped_score(processing)

    elif isinstance(q, m.MarkTheWords):
        segments, choices = hottext_segments(q.passage, q.answers, q.optional)
        idents = [f"word{n + 1}" for n in range(len(choices))]
        response.set("cardinality", "multiple")
        response.set("baseType", "identifier")
        correct = _sub(response, "correctResponse")
        for (text, right), ident in zip(choices, idents):
            if right:
                _sub(correct, "value", ident)
        interaction = _sub(body, "hottextInteraction", responseIdentifier="RESPONSE", maxChoices="0")
        for paragraph in _split_segments(segments):
            p = _sub(interaction, "p")
            last = None
            for text, index in paragraph:
                if index is None:
                    if last is None:
                        p.text = (p.text or "") + text
                    else:
                        last.tail = (last.tail or "") + text
                else:
                    last = _sub(p, "hottext", identifier=idents[index])
                    last.text = text
        _choice_mapping(response, [m.Choice(t, c) for t, c in choices], idents, q.points)
        _mapped_score(processing)

    elif isinstance(q, m.ShortAnswer):
        response.set("cardinality", "single")
        response.set("baseType", "string")
        answers = list(dict.fromkeys(esc.xml_text(a).strip() for a in q.answers if a.strip()))
        answers = [a for n, a in enumerate(answers) if a.casefold() not in {b.casefold() for b in answers[:n]}]
        _sub(_sub(response, "correctResponse"), "value", answers[0])
        mapping = _sub(response, "mapping", defaultValue="0", lowerBound="0", upperBound=_number(q.points))
        for answer in answers:
            # Any accepted answer scores full marks, whatever its case (ShortAnswer's rule).
            _sub(mapping, "mapEntry", mapKey=answer, mappedValue=_number(q.points), caseSensitive="false")
        p = _sub(body, "p")
        _sub(p, "textEntryInteraction", responseIdentifier="RESPONSE",
             expectedLength=str(max(10, max(len(a) for a in answers) + 5)))
        _mapped_score(processing)

    elif isinstance(q, m.Numeric):
        response.set("cardinality", "single")
        response.set("baseType", "float")
        _sub(_sub(response, "correctResponse"), "value", _number(q.answer))
        p = _sub(body, "p")
        entry = _sub(p, "textEntryInteraction", responseIdentifier="RESPONSE", expectedLength="12")
        if q.unit:
            entry.tail = " " + esc.xml_text(q.unit)
        test = etree.Element(_q("equal"))
        if q.tolerance:
            test.set("toleranceMode", "absolute")
            test.set("tolerance", f"{_number(q.tolerance)} {_number(q.tolerance)}")
        else:
            test.set("toleranceMode", "exact")
        _sub(test, "variable", identifier="RESPONSE")
        _sub(test, "correct", identifier="RESPONSE")
        _if_correct_else_zero(processing, test, q.points)

    elif isinstance(q, m.Matching):
        rights = list(dict.fromkeys(item.shuffled or ([p.right for p in q.pairs] + list(q.distractors))))
        left_ids = [f"left{n + 1}" for n in range(len(q.pairs))]
        right_ids = {text: f"right{n + 1}" for n, text in enumerate(rights)}
        response.set("cardinality", "multiple")
        response.set("baseType", "directedPair")
        correct = _sub(response, "correctResponse")
        for lid, pair in zip(left_ids, q.pairs):
            _sub(correct, "value", f"{lid} {right_ids[pair.right]}")
        mapping = _sub(response, "mapping", defaultValue="0", lowerBound="0", upperBound=_number(q.points))
        for lid, pair, share in zip(left_ids, q.pairs, _shares(q.points, len(q.pairs))):
            _sub(mapping, "mapEntry", mapKey=f"{lid} {right_ids[pair.right]}", mappedValue=_number(share))
        interaction = _sub(body, "matchInteraction", responseIdentifier="RESPONSE", shuffle="false",
                           maxAssociations=str(len(q.pairs)))
        left_set = _sub(interaction, "simpleMatchSet")
        for lid, pair in zip(left_ids, q.pairs):
            _flow(_sub(left_set, "simpleAssociableChoice", identifier=lid, matchMax="1"), pair.left)
        right_set = _sub(interaction, "simpleMatchSet")
        for text in rights:
            uses = sum(1 for p in q.pairs if p.right == text)
            _flow(_sub(right_set, "simpleAssociableChoice", identifier=right_ids[text], matchMax=str(max(1, uses))), text)
        _mapped_score(processing)

    elif isinstance(q, m.Ordering):
        printed = list(item.shuffled or q.items)
        ids = {text: f"item{n + 1}" for n, text in enumerate(printed)}
        response.set("cardinality", "ordered")
        response.set("baseType", "identifier")
        correct = _sub(response, "correctResponse")
        for text in q.items:
            _sub(correct, "value", ids[text])
        interaction = _sub(body, "orderInteraction", responseIdentifier="RESPONSE", shuffle="false")
        for text in printed:
            _flow(_sub(interaction, "simpleChoice", identifier=ids[text]), text)
        test = etree.Element(_q("match"))
        _sub(test, "variable", identifier="RESPONSE")
        _sub(test, "correct", identifier="RESPONSE")
        _if_correct_else_zero(processing, test, q.points)

    elif isinstance(q, m.OpenResponse):
        response.set("cardinality", "single")
        response.set("baseType", "string")
        _sub(body, "extendedTextInteraction", responseIdentifier="RESPONSE", expectedLines=str(max(3, q.lines)))
        rubric = _sub(body, "rubricBlock", view="scorer")
        _paragraphs(rubric, rubric_text(q))
        # Scored by a person: no automatic SCORE.
        processing = None

    if q.teacher_note and not isinstance(q, m.OpenResponse):
        # The note is for whoever marks or reviews the item: a scorer-only
        # block, as an open question's rubric (which already holds its note).
        _paragraphs(_sub(body, "rubricBlock", view="scorer"), esc.grader_text(q))

    general = esc.feedback_text(q)
    if processing is not None:
        if general or feedback:
            _feedback_outcome(processing, choice_feedback)
        root.append(processing)
    if general:
        _flow(_sub(root, "modalFeedback", outcomeIdentifier="FEEDBACK", identifier="general", showHide="show"), general)
    for ident, text in feedback:
        _flow(_sub(root, "modalFeedback", outcomeIdentifier="FEEDBACK", identifier=ident, showHide="show"), text)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _choice_mapping(response: etree._Element, choices, idents, points: int) -> None:
    """Partial credit: each right choice one share of the points, each wrong one minus a share, floor 0."""
    right = sum(1 for c in choices if c.correct)
    shares = _shares(points, max(right, 1))
    mapping = _sub(response, "mapping", defaultValue="0", lowerBound="0", upperBound=_number(points))
    n = 0
    for c, ident in zip(choices, idents):
        if c.correct:
            value = shares[n]
            n += 1
        else:
            value = -shares[0]
        _sub(mapping, "mapEntry", mapKey=ident, mappedValue=_number(value))


_WORD = re.compile(r"\w[\w'’\-]*", re.UNICODE)


def hottext_segments(passage: str, answers, optional=()) -> tuple[list[tuple[str, int | None]], list[tuple[str, bool]]]:
    """Split the passage into text runs and hottexts; return (segments, choices).

    The choices are the same as ``escaping.mark_the_words_choices`` (each
    phrase to mark, then every other word once, in passage order); a
    segment's index points into them. A phrase not found in the passage is
    appended after it as its own hottext, so it can still be marked.
    """
    passage = esc.xml_text(passage)
    choices = esc.mark_the_words_choices(passage, [esc.xml_text(a) for a in answers], [esc.xml_text(a) for a in optional])
    index = {text: n for n, (text, _) in enumerate(choices)}
    spans: list[tuple[int, int, int]] = []
    used: set[int] = set()
    # An optional phrase (credited either way) stays plain text: nothing in it can be selected.
    for phrase in (esc.xml_text(a) for a in optional):
        at = passage.find(phrase) if phrase else -1
        if at != -1:
            spans.append((at, at + len(phrase), -1))
    for n, (text, right) in enumerate(choices):
        if not right:
            continue
        at = passage.find(text)
        while at != -1 and any(s < at + len(text) and at < e for s, e, _ in spans):
            at = passage.find(text, at + 1)
        if at != -1:
            spans.append((at, at + len(text), n))
            used.add(n)
    for match in _WORD.finditer(passage):
        n = index.get(match.group())
        if n is None or n in used or choices[n][1]:
            continue
        if any(s < match.end() and match.start() < e for s, e, _ in spans):
            continue
        spans.append((match.start(), match.end(), n))
        used.add(n)
    spans.sort()
    segments: list[tuple[str, int | None]] = []
    at = 0
    for start, end, n in spans:
        if start > at:
            segments.append((passage[at:start], None))
        segments.append((passage[start:end], n if n >= 0 else None))
        at = end
    if at < len(passage):
        segments.append((passage[at:], None))
    for n in range(len(choices)):
        if n not in used:
            segments.append(("\n" if segments else "", None))
            segments.append((choices[n][0], n))
    return segments, choices


def _split_segments(segments: list[tuple[str, int | None]]) -> list[list[tuple[str, int | None]]]:
    """Group segments into paragraphs at blank lines (newlines inside text runs stay as spaces in HTML)."""
    paragraphs: list[list[tuple[str, int | None]]] = [[]]
    for text, index in segments:
        if index is None and "\n\n" in text:
            parts = text.split("\n\n")
            paragraphs[-1].append((parts[0], None))
            for part in parts[1:]:
                paragraphs.append([(part, None)])
        else:
            paragraphs[-1].append((text, index))
    return paragraphs


def _test(worksheet: m.Worksheet, version: m.Version, test_id: str, refs: list[tuple[str, str]]) -> bytes:
    root = etree.Element(_q("assessmentTest"), nsmap={None: QTI_NS, "xsi": XSI_NS})
    root.set(f"{{{XSI_NS}}}schemaLocation", f"{QTI_NS} {QTI_XSD}")
    root.set("identifier", test_id)
    title = esc.xml_text(worksheet.recipe.title)
    root.set("title", f"{title} \u2014 Version {version.letter}" if len(worksheet.versions) > 1 else title)
    _sub(root, "outcomeDeclaration", identifier="SCORE", cardinality="single", baseType="float")
    part = _sub(root, "testPart", identifier="part1", navigationMode="nonlinear", submissionMode="simultaneous")
    section = _sub(part, "assessmentSection", identifier=f"version{esc.identifier(version.letter)}",
                   title=f"Version {version.letter}", visible="true")
    if worksheet.recipe.instructions:
        rubric = _sub(section, "rubricBlock", view="candidate")
        _paragraphs(rubric, worksheet.recipe.instructions)
    for ident, href in refs:
        _sub(section, "assessmentItemRef", identifier=ident, href=f"../{href}")
    processing = _sub(root, "outcomeProcessing")
    setter = _sub(processing, "setOutcomeValue", identifier="SCORE")
    _sub(_sub(setter, "sum"), "testVariables", variableIdentifier="SCORE")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _manifest(worksheet: m.Worksheet, resources) -> bytes:
    cp = lambda tag: f"{{{CP_NS}}}{tag}"  # noqa: E731
    md = lambda tag: f"{{{MD_NS}}}{tag}"  # noqa: E731
    root = etree.Element(cp("manifest"), nsmap={None: CP_NS, "imsmd": MD_NS, "xsi": XSI_NS},
                         identifier=esc.identifier("quizgen", worksheet.recipe.name))
    root.set(f"{{{XSI_NS}}}schemaLocation",
             f"{CP_NS} http://www.imsglobal.org/xsd/imscp_v1p1.xsd {MD_NS} http://www.imsglobal.org/xsd/imsmd_v1p2p4.xsd")
    metadata = etree.SubElement(root, cp("metadata"))
    etree.SubElement(metadata, cp("schema")).text = "QTIv2.1 Package"
    etree.SubElement(metadata, cp("schemaversion")).text = "1.0.0"
    _lom(metadata, md, esc.identifier("quizgen", worksheet.recipe.name), worksheet.recipe.title, [])
    etree.SubElement(root, cp("organizations"))
    container = etree.SubElement(root, cp("resources"))
    for ident, rtype, href, deps, item in resources:
        res = etree.SubElement(container, cp("resource"), identifier=ident, type=rtype, href=href)
        if item is not None:
            meta = etree.SubElement(res, cp("metadata"))
            _lom(meta, md, item.question.id, question_name(item), esc.question_tags(item.question))
        etree.SubElement(res, cp("file"), href=href)
        for dep in deps:
            etree.SubElement(res, cp("dependency"), identifierref=dep)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _lom(parent: etree._Element, md, identifier: str, title: str, keywords: list[str]) -> None:
    """Append IMS MD 1.2 metadata: identifier (the question id), title, one keyword per tag."""
    general = etree.SubElement(etree.SubElement(parent, md("lom")), md("general"))
    etree.SubElement(general, md("identifier")).text = esc.xml_text(identifier)
    etree.SubElement(etree.SubElement(general, md("title")), md("langstring")).text = esc.xml_text(title)
    for keyword in keywords:
        etree.SubElement(etree.SubElement(general, md("keyword")), md("langstring")).text = esc.xml_text(keyword)
