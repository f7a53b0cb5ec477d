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

Here the exporter and the package's order; ``item`` writes one item's frame,
``interactions`` the interaction of each kind, ``package`` the tests and the
manifest, ``elements`` the QTI 2.1 element helpers they share.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from quizgen.exporters import escape as esc
from quizgen.exporters.base import Exporter
from quizgen.exporters.package import identifier, zip_bytes
from quizgen.exporters.plan import Profile
from quizgen.exporters.qti21.elements import QTI_NS
from quizgen.exporters.qti21.interactions import item_xml
from quizgen.exporters.qti21.item import item_identifier
from quizgen.exporters.qti21.package import manifest_xml, test_xml

if TYPE_CHECKING:
    from quizgen import model as m
    from quizgen.exporters.plan import Carried, FormatPlan


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
            entries.append((href, test_xml(plan.worksheet, version, test_id, esc.xml_text(plan.title(version)), refs)))
            resources.append((f"res-{test_id}", "imsqti_test_xmlv2p1", href, [f"res-{i}" for i, _ in refs], None))
        return zip_bytes([("imsmanifest.xml", manifest_xml(plan.worksheet, resources))] + entries)


def assessment_test_identifier(worksheet: m.Worksheet, version: m.Version) -> str:
    """Return the test identifier: recipe name and version letter."""
    return identifier("test", worksheet.recipe.name, version.letter)


__all__ = ["QTI_NS", "Qti21Exporter", "assessment_test_identifier", "item_identifier", "item_xml"]
