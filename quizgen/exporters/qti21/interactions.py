"""The interaction of each question kind in a QTI 2.1 item, and how its response is scored.

Choices as ``choiceInteraction`` (single, multiple with a mapping for
partial credit, true/false), mark the words as ``hottextInteraction`` over
every word of the passage, short answer and numeric as
``textEntryInteraction``, matching as ``matchInteraction``, ordering as
``orderInteraction`` and an open question as ``extendedTextInteraction``;
points as quizgen.scoring says.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from lxml import etree

from quizgen import model as m
from quizgen.exporters import escape as esc
from quizgen.exporters.qti21.elements import base_value, flow, qti, sub
from quizgen.exporters.qti21.item import Item
from quizgen.printed import format_number

if TYPE_CHECKING:
    from quizgen.exporters.plan import Carried


def item_xml(carried: Carried) -> bytes:
    """Return one assessmentItem."""
    item = Item(carried)
    _BODY[carried.question.kind](item, carried.question)
    return item.finish()


def _match_correct() -> etree._Element:
    test = etree.Element(qti("match"))
    sub(test, "variable", identifier="RESPONSE")
    sub(test, "correct", identifier="RESPONSE")
    return test


def _choices(item: Item, q: m.Question) -> None:
    choices = [m.Choice("True", q.answer), m.Choice("False", not q.answer)] if isinstance(q, m.TrueFalse) else list(q.choices)
    idents = [f"choice{n + 1}" for n in range(len(choices))]
    single = not isinstance(q, m.MultipleResponse)
    item.declare("single" if single else "multiple", "identifier", [i for c, i in zip(choices, idents) if c.correct])
    interaction = sub(item.body, "choiceInteraction", responseIdentifier="RESPONSE", shuffle="false",
                       maxChoices="1" if single else "0")
    for c, ident in zip(choices, idents):
        flow(sub(interaction, "simpleChoice", identifier=ident), c.text)
        if c.feedback:
            item.choice_feedback.append((ident, c.feedback))
    if single:
        item.all_or_nothing(_match_correct())
    else:
        item.mapping([(i, format_number(p.value)) for i, p in zip(idents, item.carried.scoring.parts)])


def _mark_the_words(item: Item, q: m.MarkTheWords) -> None:
    words = item.carried.words
    idents = [f"word{n + 1}" for n in range(len(words))]
    item.declare("multiple", "identifier", [i for w, i in zip(words, idents) if w.marked])
    interaction = sub(item.body, "hottextInteraction", responseIdentifier="RESPONSE", maxChoices="0")
    _hottext_passage(interaction, q.passage, words, idents)
    item.mapping([(i, format_number(p.value)) for i, p in zip(idents, item.carried.scoring.parts)])


def _hottext_passage(interaction: etree._Element, passage: str, words, idents: list[str]) -> None:
    """Write the passage as paragraphs in which every word is a hottext and the rest stays text.

    A word of a phrase missing from the passage (which the bank refuses)
    follows it on its own line, so it can still be marked.
    """
    p = sub(interaction, "p")
    last, at = None, 0

    def text(run: str) -> None:
        nonlocal p, last
        pieces = esc.xml_text(run).split("\n\n")
        for n, piece in enumerate(pieces):
            if n:
                p, last = sub(interaction, "p"), None
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
        last = sub(p, "hottext", identifier=ident)
        last.text = esc.xml_text(word.text)
    text(passage[at:])


def _short_answer(item: Item, q: m.ShortAnswer) -> None:
    answers = list(dict.fromkeys(esc.xml_text(a).strip() for a in q.answers if a.strip()))
    answers = [a for n, a in enumerate(answers) if a.casefold() not in {b.casefold() for b in answers[:n]}]
    item.declare("single", "string", answers[:1])
    # Any accepted answer scores full marks, whatever its case (quizgen.scoring: "accepted answer").
    item.mapping([(a, format_number(q.points)) for a in answers], caseSensitive="false")
    sub(sub(item.body, "p"), "textEntryInteraction", responseIdentifier="RESPONSE",
         expectedLength=str(max(10, max(len(a) for a in answers) + 5)))


def _numeric(item: Item, q: m.Numeric) -> None:
    item.declare("single", "float", [format_number(q.answer)])
    entry = sub(sub(item.body, "p"), "textEntryInteraction", responseIdentifier="RESPONSE", expectedLength="12")
    if q.unit:
        entry.tail = " " + esc.xml_text(q.unit)
    test = etree.Element(qti("equal"))
    if q.tolerance:
        test.set("toleranceMode", "absolute")
        test.set("tolerance", f"{format_number(q.tolerance)} {format_number(q.tolerance)}")
    else:
        test.set("toleranceMode", "exact")
    sub(test, "variable", identifier="RESPONSE")
    sub(test, "correct", identifier="RESPONSE")
    item.all_or_nothing(test)


def _matching(item: Item, q: m.Matching) -> None:
    rights = list(dict.fromkeys(item.carried.shuffled or ([p.right for p in q.pairs] + list(q.distractors))))
    left_ids = [f"left{n + 1}" for n in range(len(q.pairs))]
    right_ids = {text: f"right{n + 1}" for n, text in enumerate(rights)}
    keys = [f"{lid} {right_ids[pair.right]}" for lid, pair in zip(left_ids, q.pairs)]
    item.declare("multiple", "directedPair", keys)
    item.mapping([(k, format_number(p.value)) for k, p in zip(keys, item.carried.scoring.parts)])
    interaction = sub(item.body, "matchInteraction", responseIdentifier="RESPONSE", shuffle="false",
                       maxAssociations=str(len(q.pairs)))
    left_set = sub(interaction, "simpleMatchSet")
    for lid, pair in zip(left_ids, q.pairs):
        flow(sub(left_set, "simpleAssociableChoice", identifier=lid, matchMax="1"), pair.left)
    right_set = sub(interaction, "simpleMatchSet")
    for text in rights:
        uses = sum(1 for p in q.pairs if p.right == text)
        flow(sub(right_set, "simpleAssociableChoice", identifier=right_ids[text], matchMax=str(max(1, uses))), text)


def _ordering(item: Item, q: m.Ordering) -> None:
    printed = list(item.carried.shuffled or q.items)
    ids = {text: f"item{n + 1}" for n, text in enumerate(printed)}
    item.declare("ordered", "identifier", [ids[text] for text in q.items])
    interaction = sub(item.body, "orderInteraction", responseIdentifier="RESPONSE", shuffle="false")
    for text in printed:
        flow(sub(interaction, "simpleChoice", identifier=ids[text]), text)
    # quizgen.scoring's "each position": an item in its place adds its share (index is 1-based).
    sub(item.processing, "setOutcomeValue", identifier="SCORE").append(base_value("float", "0"))
    for part in item.carried.scoring.parts:
        cond = sub(sub(item.processing, "responseCondition"), "responseIf")
        match = sub(cond, "match")
        sub(sub(match, "index", n=part.key), "variable", identifier="RESPONSE")
        match.append(base_value("identifier", ids[part.answer]))
        total = sub(sub(cond, "setOutcomeValue", identifier="SCORE"), "sum")
        sub(total, "variable", identifier="SCORE")
        total.append(base_value("float", format_number(part.value)))


def _open_response(item: Item, q: m.OpenResponse) -> None:
    item.declare("single", "string", [])
    sub(item.body, "extendedTextInteraction", responseIdentifier="RESPONSE", expectedLines=str(max(3, q.lines)))
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
