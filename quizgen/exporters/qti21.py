"""IMS QTI 2.1 content package: one assessmentItem per question, one assessmentTest per version.

Layout (IMS QTI 2.1 Integration Guide, content packaging with IMS CP 1.1)::

    imsmanifest.xml                  CP 1.1: one resource per item and per test
    items/<name>-<letter>-<position>.xml   assessmentItem (items/unit3-A-03.xml: never the question id)
    tests/<letter>.xml               assessmentTest of that version

Every kind is carried natively: choiceInteraction (single, multiple with a
mapping for partial credit, true/false), textEntryInteraction (short answer
with a case-insensitive mapping; numeric with ``equal`` and an absolute
tolerance, the unit printed after the box), matchInteraction (directedPair
mapping), orderInteraction (a share of the points per item in its place),
extendedTextInteraction, and hottextInteraction for mark-the-words (every
word of the passage is a hottext; the punctuation stays in the text
between them). Responses are scored in points as quizgen.scoring says
(SCORE runs 0 … points, MAXSCORE = points); the explanation is a
modalFeedback shown after every attempt, choice feedback a modalFeedback
per choice. Grader-only material (an essay's rubric, model answer and
explanation, any teacher note) goes into a ``rubricBlock view="scorer"``,
which players show to scorers only, never into feedback.

Bodies carry no ``style`` attribute (many players strip or refuse them);
identifiers are NCNames (QTI 2.1 identifier.Type). Item identifiers, file
names name the worksheet, version and position ("unit3-A-03"), titles the
position and stem, never the
question id, which can name the answer and which players show to
candidates; the question id, skill, sub-skill and techniques are in each
item resource's IMS MD metadata (identifier and keywords), which authors
see, the excerpt and its citation in the item body.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from lxml import etree

from quizgen import model as m
from quizgen.exporters import escape as esc
from quizgen.exporters.base import Exporter
from quizgen.exporters.package import identifier, zip_bytes
from quizgen.exporters.plan import Profile
from quizgen.printed import format_number

if TYPE_CHECKING:
    from quizgen.exporters.plan import Carried, FormatPlan

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


class Qti21Exporter(Exporter):
    """Export a worksheet as an IMS QTI 2.1 content package (zip)."""

    name = "qti21"
    #: A content package is a zip with imsmanifest.xml at its root.
    suffix = ".zip"
    label = "IMS QTI 2.1 content package (items, one test per version, IMS CP manifest)"
    #: Every kind native (mark the words as hottext); a scorer-only rubric block for grader material on any item.
    profile = Profile(grader_kinds=frozenset({"*"}), words=True)

    def write(self, plan: FormatPlan) -> bytes:
        """Return the content package: manifest first, then items and tests."""
        entries: list[tuple[str, bytes]] = []
        resources: list[tuple[str, str, str, list[str], Carried | None]] = []
        for version, carried in plan.written():
            refs = []
            for c in carried:
                ident = item_identifier(c)
                href = f"items/{ident}.xml"
                entries.append((href, item_xml(c)))
                resources.append((f"res-{ident}", "imsqti_item_xmlv2p1", href, [], c))
                refs.append((ident, href))
            test_id = assessment_test_identifier(plan.worksheet, version)
            href = f"tests/{test_id}.xml"
            entries.append((href, _test(plan.worksheet, version, test_id, refs)))
            resources.append((f"res-{test_id}", "imsqti_test_xmlv2p1", href, [f"res-{i}" for i, _ in refs], None))
        return zip_bytes([("imsmanifest.xml", _manifest(plan.worksheet, resources))] + entries)


def item_identifier(carried: Carried) -> str:
    """Return the item identifier (and file name): worksheet, version and position ("unit3-A-03"), never the question id.

    Players show item identifiers and titles to candidates, and an id such as
    "mark-living-hell" can name the answer; the id stays in the manifest's
    metadata, which only authors see.
    """
    return identifier(carried.plan.ident)


def assessment_test_identifier(worksheet: m.Worksheet, version: m.Version) -> str:
    """Return the test identifier: recipe name and version letter."""
    return identifier("test", worksheet.recipe.name, version.letter)


def _paragraphs(parent: etree._Element, text: str) -> None:
    """Append plain text as ``<p>`` elements, newlines as ``<br/>`` (no markup from the text)."""
    for paragraph in esc.xml_text(text).split("\n\n"):
        p = _sub(parent, "p")
        lines = paragraph.split("\n")
        p.text = lines[0]
        for line in lines[1:]:
            _sub(p, "br").tail = line


def _flow(parent: etree._Element, text: str) -> None:
    """Fill a flow container (simpleChoice, modalFeedback, …) with text, as paragraphs only when it has newlines."""
    text = esc.xml_text(text)
    if "\n" in text:
        _paragraphs(parent, text)
    else:
        parent.text = text


def _base(base_type: str, value: str) -> etree._Element:
    el = etree.Element(_q("baseValue"), baseType=base_type)
    el.text = value
    return el


class _Item:
    """One assessmentItem being written: declarations, body, processing, feedback."""

    def __init__(self, carried: Carried):
        q = carried.question
        self.carried, self.points = carried, q.points
        self.root = etree.Element(_q("assessmentItem"), nsmap={None: QTI_NS, "xsi": XSI_NS})
        self.root.set(f"{{{XSI_NS}}}schemaLocation", f"{QTI_NS} {QTI_XSD}")
        for name, value in (("identifier", item_identifier(carried)), ("title", esc.xml_text(carried.name)),
                            ("adaptive", "false"), ("timeDependent", "false")):
            self.root.set(name, value)
        self.response = _sub(self.root, "responseDeclaration", identifier="RESPONSE")
        score = _sub(self.root, "outcomeDeclaration", identifier="SCORE", cardinality="single", baseType="float")
        _sub(_sub(score, "defaultValue"), "value", "0")
        maxscore = _sub(self.root, "outcomeDeclaration", identifier="MAXSCORE", cardinality="single", baseType="float")
        _sub(_sub(maxscore, "defaultValue"), "value", format_number(q.points))
        _sub(self.root, "outcomeDeclaration", identifier="FEEDBACK", cardinality="multiple", baseType="identifier")
        self.body = _sub(self.root, "itemBody")
        _paragraphs(self.body, carried.text)
        self.processing: etree._Element | None = etree.Element(_q("responseProcessing"))
        self.choice_feedback: list[tuple[str, str]] = []

    def declare(self, cardinality: str, base_type: str, correct: list[str]) -> None:
        self.response.set("cardinality", cardinality)
        self.response.set("baseType", base_type)
        if correct:
            values = _sub(self.response, "correctResponse")
            for value in correct:
                _sub(values, "value", value)

    def mapping(self, entries: list[tuple[str, str]], **attrs: str) -> None:
        """Declare SCORE = mapResponse over ``entries`` (key, value in points), between 0 and the points."""
        mapping = _sub(self.response, "mapping", defaultValue="0", lowerBound="0", upperBound=format_number(self.points))
        for key, value in entries:
            _sub(mapping, "mapEntry", mapKey=key, mappedValue=value, **attrs)
        cond = _sub(self.processing, "responseCondition")
        branch = _sub(cond, "responseIf")
        _sub(_sub(branch, "isNull"), "variable", identifier="RESPONSE")
        _sub(branch, "setOutcomeValue", identifier="SCORE").append(_base("float", "0"))
        _sub(_sub(cond, "responseElse"), "setOutcomeValue", identifier="SCORE").append(
            etree.Element(_q("mapResponse"), identifier="RESPONSE"))

    def all_or_nothing(self, test: etree._Element) -> None:
        cond = _sub(self.processing, "responseCondition")
        branch = _sub(cond, "responseIf")
        branch.append(test)
        _sub(branch, "setOutcomeValue", identifier="SCORE").append(_base("float", format_number(self.points)))
        _sub(_sub(cond, "responseElse"), "setOutcomeValue", identifier="SCORE").append(_base("float", "0"))

    def finish(self) -> bytes:
        c = self.carried
        if c.grader:
            _paragraphs(_sub(self.body, "rubricBlock", view="scorer"), c.grader)
        if self.processing is not None:
            if c.feedback or self.choice_feedback:
                setter = _sub(self.processing, "setOutcomeValue", identifier="FEEDBACK")
                multiple = _sub(setter, "multiple")
                multiple.append(_base("identifier", "general"))
                if self.choice_feedback or isinstance(c.question, (m.SingleChoice, m.TrueFalse, m.MultipleResponse)):
                    _sub(multiple, "variable", identifier="RESPONSE")
            self.root.append(self.processing)
        for ident, text in ([("general", c.feedback)] if c.feedback else []) + self.choice_feedback:
            _flow(_sub(self.root, "modalFeedback", outcomeIdentifier="FEEDBACK", identifier=ident, showHide="show"), text)
        return etree.tostring(self.root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def item_xml(carried: Carried) -> bytes:
    """Return one assessmentItem."""
    item = _Item(carried)
    _BODY[carried.question.kind](item, carried.question)
    return item.finish()


def _match_correct() -> etree._Element:
    test = etree.Element(_q("match"))
    _sub(test, "variable", identifier="RESPONSE")
    _sub(test, "correct", identifier="RESPONSE")
    return test


def _choices(item: _Item, q: m.Question) -> None:
    choices = [m.Choice("True", q.answer), m.Choice("False", not q.answer)] if isinstance(q, m.TrueFalse) else list(q.choices)
    idents = [f"choice{n + 1}" for n in range(len(choices))]
    single = not isinstance(q, m.MultipleResponse)
    item.declare("single" if single else "multiple", "identifier", [i for c, i in zip(choices, idents) if c.correct])
    interaction = _sub(item.body, "choiceInteraction", responseIdentifier="RESPONSE", shuffle="false",
                       maxChoices="1" if single else "0")
    for c, ident in zip(choices, idents):
        _flow(_sub(interaction, "simpleChoice", identifier=ident), c.text)
        if c.feedback:
            item.choice_feedback.append((ident, c.feedback))
    if single:
        item.all_or_nothing(_match_correct())
    else:
        item.mapping([(i, format_number(p.value)) for i, p in zip(idents, item.carried.scoring.parts)])


def _mark_the_words(item: _Item, q: m.MarkTheWords) -> None:
    words = item.carried.words
    idents = [f"word{n + 1}" for n in range(len(words))]
    item.declare("multiple", "identifier", [i for w, i in zip(words, idents) if w.marked])
    interaction = _sub(item.body, "hottextInteraction", responseIdentifier="RESPONSE", maxChoices="0")
    _hottext_passage(interaction, q.passage, words, idents)
    item.mapping([(i, format_number(p.value)) for i, p in zip(idents, item.carried.scoring.parts)])


def _hottext_passage(interaction: etree._Element, passage: str, words, idents: list[str]) -> None:
    """Write the passage as paragraphs in which every word is a hottext and the rest stays text.

    A word of a phrase missing from the passage (which the bank refuses)
    follows it on its own line, so it can still be marked.
    """
    p = _sub(interaction, "p")
    last, at = None, 0

    def text(run: str) -> None:
        nonlocal p, last
        pieces = esc.xml_text(run).split("\n\n")
        for n, piece in enumerate(pieces):
            if n:
                p, last = _sub(interaction, "p"), None
            if last is None:
                p.text = (p.text or "") + piece
            else:
                last.tail = (last.tail or "") + piece

    for word, ident in zip(words, idents):
        if word.start >= 0:
            text(passage[at:word.start])
            at = word.end
        else:
            text(passage[at:] + "\n")
            at = len(passage)
        last = _sub(p, "hottext", identifier=ident)
        last.text = esc.xml_text(word.text)
    text(passage[at:])


def _short_answer(item: _Item, q: m.ShortAnswer) -> None:
    answers = list(dict.fromkeys(esc.xml_text(a).strip() for a in q.answers if a.strip()))
    answers = [a for n, a in enumerate(answers) if a.casefold() not in {b.casefold() for b in answers[:n]}]
    item.declare("single", "string", answers[:1])
    # Any accepted answer scores full marks, whatever its case (quizgen.scoring: "accepted answer").
    item.mapping([(a, format_number(q.points)) for a in answers], caseSensitive="false")
    _sub(_sub(item.body, "p"), "textEntryInteraction", responseIdentifier="RESPONSE",
         expectedLength=str(max(10, max(len(a) for a in answers) + 5)))


def _numeric(item: _Item, q: m.Numeric) -> None:
    item.declare("single", "float", [format_number(q.answer)])
    entry = _sub(_sub(item.body, "p"), "textEntryInteraction", responseIdentifier="RESPONSE", expectedLength="12")
    if q.unit:
        entry.tail = " " + esc.xml_text(q.unit)
    test = etree.Element(_q("equal"))
    if q.tolerance:
        test.set("toleranceMode", "absolute")
        test.set("tolerance", f"{format_number(q.tolerance)} {format_number(q.tolerance)}")
    else:
        test.set("toleranceMode", "exact")
    _sub(test, "variable", identifier="RESPONSE")
    _sub(test, "correct", identifier="RESPONSE")
    item.all_or_nothing(test)


def _matching(item: _Item, q: m.Matching) -> None:
    rights = list(dict.fromkeys(item.carried.shuffled or ([p.right for p in q.pairs] + list(q.distractors))))
    left_ids = [f"left{n + 1}" for n in range(len(q.pairs))]
    right_ids = {text: f"right{n + 1}" for n, text in enumerate(rights)}
    keys = [f"{lid} {right_ids[pair.right]}" for lid, pair in zip(left_ids, q.pairs)]
    item.declare("multiple", "directedPair", keys)
    item.mapping([(k, format_number(p.value)) for k, p in zip(keys, item.carried.scoring.parts)])
    interaction = _sub(item.body, "matchInteraction", responseIdentifier="RESPONSE", shuffle="false",
                       maxAssociations=str(len(q.pairs)))
    left_set = _sub(interaction, "simpleMatchSet")
    for lid, pair in zip(left_ids, q.pairs):
        _flow(_sub(left_set, "simpleAssociableChoice", identifier=lid, matchMax="1"), pair.left)
    right_set = _sub(interaction, "simpleMatchSet")
    for text in rights:
        uses = sum(1 for p in q.pairs if p.right == text)
        _flow(_sub(right_set, "simpleAssociableChoice", identifier=right_ids[text], matchMax=str(max(1, uses))), text)


def _ordering(item: _Item, q: m.Ordering) -> None:
    printed = list(item.carried.shuffled or q.items)
    ids = {text: f"item{n + 1}" for n, text in enumerate(printed)}
    item.declare("ordered", "identifier", [ids[text] for text in q.items])
    interaction = _sub(item.body, "orderInteraction", responseIdentifier="RESPONSE", shuffle="false")
    for text in printed:
        _flow(_sub(interaction, "simpleChoice", identifier=ids[text]), text)
    # quizgen.scoring's "each position": an item in its place adds its share (index is 1-based).
    _sub(item.processing, "setOutcomeValue", identifier="SCORE").append(_base("float", "0"))
    for part in item.carried.scoring.parts:
        cond = _sub(_sub(item.processing, "responseCondition"), "responseIf")
        match = _sub(cond, "match")
        _sub(_sub(match, "index", n=part.key), "variable", identifier="RESPONSE")
        match.append(_base("identifier", ids[part.answer]))
        total = _sub(_sub(cond, "setOutcomeValue", identifier="SCORE"), "sum")
        _sub(total, "variable", identifier="SCORE")
        total.append(_base("float", format_number(part.value)))


def _open_response(item: _Item, q: m.OpenResponse) -> None:
    item.declare("single", "string", [])
    _sub(item.body, "extendedTextInteraction", responseIdentifier="RESPONSE", expectedLines=str(max(3, q.lines)))
    item.processing = None  # scored by a person: no automatic SCORE


_BODY = {
    "single-choice": _choices,
    "true-false": _choices,
    "multiple-response": _choices,
    "mark-the-words": _mark_the_words,
    "short-answer": _short_answer,
    "numeric": _numeric,
    "matching": _matching,
    "ordering": _ordering,
    "open-response": _open_response,
}


def _test(worksheet: m.Worksheet, version: m.Version, test_id: str, refs: list[tuple[str, str]]) -> bytes:
    root = etree.Element(_q("assessmentTest"), nsmap={None: QTI_NS, "xsi": XSI_NS})
    root.set(f"{{{XSI_NS}}}schemaLocation", f"{QTI_NS} {QTI_XSD}")
    root.set("identifier", test_id)
    title = esc.xml_text(worksheet.recipe.title)
    root.set("title", f"{title} \u2014 Version {version.letter}" if len(worksheet.versions) > 1 else title)
    _sub(root, "outcomeDeclaration", identifier="SCORE", cardinality="single", baseType="float")
    part = _sub(root, "testPart", identifier="part1", navigationMode="nonlinear", submissionMode="simultaneous")
    section = _sub(part, "assessmentSection", identifier=f"version{identifier(version.letter)}",
                   title=f"Version {version.letter}", visible="true")
    if worksheet.recipe.instructions:
        _paragraphs(_sub(section, "rubricBlock", view="candidate"), worksheet.recipe.instructions)
    for ident, href in refs:
        _sub(section, "assessmentItemRef", identifier=ident, href=f"../{href}")
    setter = _sub(_sub(root, "outcomeProcessing"), "setOutcomeValue", identifier="SCORE")
    _sub(_sub(setter, "sum"), "testVariables", variableIdentifier="SCORE")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _manifest(worksheet: m.Worksheet, resources) -> bytes:
    cp = lambda tag: f"{{{CP_NS}}}{tag}"  # noqa: E731
    md = lambda tag: f"{{{MD_NS}}}{tag}"  # noqa: E731
    root = etree.Element(cp("manifest"), nsmap={None: CP_NS, "imsmd": MD_NS, "xsi": XSI_NS},
                         identifier=identifier("quizgen", worksheet.recipe.name))
    root.set(f"{{{XSI_NS}}}schemaLocation",
             f"{CP_NS} http://www.imsglobal.org/xsd/imscp_v1p1.xsd {MD_NS} http://www.imsglobal.org/xsd/imsmd_v1p2p4.xsd")
    metadata = etree.SubElement(root, cp("metadata"))
    etree.SubElement(metadata, cp("schema")).text = "QTIv2.1 Package"
    etree.SubElement(metadata, cp("schemaversion")).text = "1.0.0"
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
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _lom(parent: etree._Element, md, ident: str, title: str, keywords: list[str]) -> None:
    """Append IMS MD 1.2 metadata: identifier (the question id), title, one keyword per tag."""
    general = etree.SubElement(etree.SubElement(parent, md("lom")), md("general"))
    etree.SubElement(general, md("identifier")).text = esc.xml_text(ident)
    etree.SubElement(etree.SubElement(general, md("title")), md("langstring")).text = esc.xml_text(title)
    for keyword in keywords:
        etree.SubElement(etree.SubElement(general, md("keyword")), md("langstring")).text = esc.xml_text(keyword)
