"""One assessmentItem's frame: its declarations, body, scoring rules and feedback, around one interaction.

``interactions`` fills the body and response declaration for each kind;
this frame declares SCORE (0 … points), MAXSCORE and FEEDBACK, maps or
matches the response to a score, shows the explanation and choice feedback
as ``modalFeedback`` and puts grader-only material in a ``rubricBlock
view="scorer"``, which players show to scorers only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from lxml import etree

from quizgen import model as m
from quizgen.exporters import escape as esc
from quizgen.exporters.package import identifier, xml_bytes
from quizgen.exporters.qti21.elements import base_value, document, flow, paragraphs, qti, sub
from quizgen.printed import format_number

if TYPE_CHECKING:
    from quizgen.exporters.plan import Carried


def item_identifier(carried: Carried) -> str:
    """Return the item identifier (and file name): worksheet, version and position ("unit3-A-03"), never the question id.

    Players show item identifiers and titles to candidates, and an id such as
    "mark-living-hell" can name the answer; the id stays in the manifest's
    metadata, which only authors see.
    """
    return identifier(carried.plan.ident)


class Item:
    """One assessmentItem being written: declarations, body, processing, feedback."""

    def __init__(self, carried: Carried):
        q = carried.question
        self.carried, self.points = carried, q.points
        self.root = document("assessmentItem")
        for name, value in (("identifier", item_identifier(carried)), ("title", esc.xml_text(carried.name)),
                            ("adaptive", "false"), ("timeDependent", "false")):
            self.root.set(name, value)
        self.response = sub(self.root, "responseDeclaration", identifier="RESPONSE")
        score = sub(self.root, "outcomeDeclaration", identifier="SCORE", cardinality="single", baseType="float")
        sub(sub(score, "defaultValue"), "value", "0")
        maxscore = sub(self.root, "outcomeDeclaration", identifier="MAXSCORE", cardinality="single", baseType="float")
        sub(sub(maxscore, "defaultValue"), "value", format_number(q.points))
        sub(self.root, "outcomeDeclaration", identifier="FEEDBACK", cardinality="multiple", baseType="identifier")
        self.body = sub(self.root, "itemBody")
        paragraphs(self.body, carried.text)
        self.processing: etree._Element | None = etree.Element(qti("responseProcessing"))
        self.choice_feedback: list[tuple[str, str]] = []

    def declare(self, cardinality: str, base_type: str, correct: list[str]) -> None:
        self.response.set("cardinality", cardinality)
        self.response.set("baseType", base_type)
        if correct:
            values = sub(self.response, "correctResponse")
            for value in correct:
                sub(values, "value", value)

    def mapping(self, entries: list[tuple[str, str]], **attrs: str) -> None:
        """Declare SCORE = mapResponse over ``entries`` (key, value in points), between 0 and the points."""
        mapping = sub(self.response, "mapping", defaultValue="0", lowerBound="0", upperBound=format_number(self.points))
        for key, value in entries:
            sub(mapping, "mapEntry", mapKey=key, mappedValue=value, **attrs)
        cond = sub(self.processing, "responseCondition")
        branch = sub(cond, "responseIf")
        sub(sub(branch, "isNull"), "variable", identifier="RESPONSE")
        sub(branch, "setOutcomeValue", identifier="SCORE").append(base_value("float", "0"))
        sub(sub(cond, "responseElse"), "setOutcomeValue", identifier="SCORE").append(
            etree.Element(qti("mapResponse"), identifier="RESPONSE"))

    def all_or_nothing(self, test: etree._Element) -> None:
        cond = sub(self.processing, "responseCondition")
        branch = sub(cond, "responseIf")
        branch.append(test)
        sub(branch, "setOutcomeValue", identifier="SCORE").append(base_value("float", format_number(self.points)))
        sub(sub(cond, "responseElse"), "setOutcomeValue", identifier="SCORE").append(base_value("float", "0"))

    def finish(self) -> bytes:
        c = self.carried
        if c.grader:
            paragraphs(sub(self.body, "rubricBlock", view="scorer"), c.grader)
        if self.processing is not None:
            if c.feedback or self.choice_feedback:
                setter = sub(self.processing, "setOutcomeValue", identifier="FEEDBACK")
                multiple = sub(setter, "multiple")
                multiple.append(base_value("identifier", "general"))
                if self.choice_feedback or isinstance(c.question, (m.SingleChoice, m.TrueFalse, m.MultipleResponse)):
                    sub(multiple, "variable", identifier="RESPONSE")
            self.root.append(self.processing)
        for ident, text in ([("general", c.feedback)] if c.feedback else []) + self.choice_feedback:
            flow(sub(self.root, "modalFeedback", outcomeIdentifier="FEEDBACK", identifier=ident, showHide="show"), text)
        return xml_bytes(self.root)
