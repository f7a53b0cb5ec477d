"""Canvas Classic Quizzes items: one QTI 1.2 item per question, in the shape of Canvas's own export.

Every item carries Canvas's ``question_type`` and ``points_possible``; the
score is SCORE 0-100 (Canvas scales it to the points). The explanation is
the general feedback, choice feedback per-answer feedback; the excerpt and
its citation are in the question text.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from lxml import etree

from quizgen import model as m
from quizgen.exporters import escape as esc
from quizgen.exporters import qti12
from quizgen.exporters.package import identifier, neutral_identifier
from quizgen.exporters.qti12 import material, qti, sub
from quizgen.printed import format_number
from quizgen.scoring import shares

if TYPE_CHECKING:
    from quizgen.exporters.plan import Carried

#: Canvas question_type per carried kind.
CANVAS_TYPE = {
    "single-choice": "multiple_choice_question",
    "multiple-response": "multiple_answers_question",
    "true-false": "true_false_question",
    "short-answer": "short_answer_question",
    "numeric": "numerical_question",
    "matching": "matching_question",
    "open-response": "essay_question",
}


class _Item:
    """One item being written: its ident, presentation, processing and the feedback it links to."""

    def __init__(self, section: etree._Element, carried: Carried):
        q = carried.question
        # Worksheet, version and position ("unit3-A-03"), never the question id, which can name the answer.
        self.carried, self.ident, self.qtype = carried, identifier(carried.plan.ident), CANVAS_TYPE[q.kind]
        self.el = qti12.item(section, self.ident, carried.name, [
            ("question_type", self.qtype), ("points_possible", f"{Decimal(q.points):.1f}"),
            # Canvas links a quiz's question to its bank question by this ref: one per question, whatever the version.
            ("assessment_question_identifierref", neutral_identifier("bank", q.id))])
        self.presentation = sub(self.el, "presentation")
        material(self.presentation, carried.text)
        self.processing = etree.Element(qti("resprocessing"))
        outcomes = sub(self.processing, "outcomes")
        sub(outcomes, "decvar", maxvalue="100", minvalue="0", varname="SCORE", vartype="Decimal")
        self.feedbacks: list[tuple[str, str]] = []

    def condition(self, continue_: str = "No") -> tuple[etree._Element, etree._Element]:
        return qti12.condition(self.processing, continue_)

    def full_marks(self, cond: etree._Element) -> None:
        sub(cond, "setvar", "100", action="Set", varname="SCORE")

    def show(self, cond: etree._Element, ident: str, text: str) -> None:
        qti12.show(cond, ident)
        self.feedbacks.append((ident, text))

    def finish(self) -> None:
        self.el.append(self.processing)
        for fid, text in self.feedbacks:
            qti12.feedback(self.el, fid, text)


def item_xml(section: etree._Element, carried: Carried) -> None:
    """Append the item of one carried question to ``section``."""
    item = _Item(section, carried)
    if carried.feedback:
        # Canvas's "general comments": shown whatever the answer.
        qti12.general_feedback(item.processing)
        item.feedbacks.append(("general_fb", carried.feedback))
    _BODY[item.qtype](item, carried.question)
    item.finish()


def _choices(item: _Item, q: m.Question) -> None:
    choices = [m.Choice("True", q.answer), m.Choice("False", not q.answer)] if isinstance(q, m.TrueFalse) else list(q.choices)
    idents = [f"{item.ident}-c{n + 1}" for n in range(len(choices))]
    multiple = item.qtype == "multiple_answers_question"
    qti12.choices(item.presentation, "Multiple" if multiple else "Single", [(i, c.text) for c, i in zip(choices, idents)])
    for choice, cid in zip(choices, idents):
        if choice.feedback:
            cond, var = item.condition("Yes")
            sub(var, "varequal", cid, respident="response1")
            item.show(cond, f"{cid}_fb", choice.feedback)
    cond, var = item.condition()
    if multiple:
        # As Canvas's own export: all right ones and none of the wrong ones
        # score 100; Canvas gives partial credit itself from the answers.
        qti12.every_right_choice(var, [(cid, c.correct) for c, cid in zip(choices, idents)])
    else:
        sub(var, "varequal", next(cid for c, cid in zip(choices, idents) if c.correct), respident="response1")
    item.full_marks(cond)


def _typed_answer(item: _Item, fibtype: str | None = None) -> etree._Element:
    attrs = {"fibtype": fibtype} if fibtype else {}
    render = sub(sub(item.presentation, "response_str", ident="response1", rcardinality="Single"), "render_fib", **attrs)
    sub(render, "response_label", ident="answer1", **({} if fibtype else {"rshuffle": "No"}))
    return render


def _short_answer(item: _Item, q: m.ShortAnswer) -> None:
    _typed_answer(item)
    cond, var = item.condition()
    # One varequal per accepted answer in one conditionvar, as Canvas
    # exports short answers; Canvas compares case-insensitively.
    for answer in q.answers:
        sub(var, "varequal", esc.xml_text(answer), respident="response1")
    item.full_marks(cond)


def _numeric(item: _Item, q: m.Numeric) -> None:
    _typed_answer(item, "Decimal")
    cond, var = item.condition()
    answer = format_number(q.answer)
    if q.tolerance:
        # Canvas exports "exact answer with margin" as this or/and shape.
        either = sub(var, "or")
        sub(either, "varequal", answer, respident="response1")
        both = sub(either, "and")
        sub(both, "vargte", format_number(q.answer - q.tolerance), respident="response1")
        sub(both, "varlte", format_number(q.answer + q.tolerance), respident="response1")
    else:
        sub(var, "varequal", answer, respident="response1")
    item.full_marks(cond)


def _matching(item: _Item, q: m.Matching) -> None:
    rights = list(dict.fromkeys([p.right for p in q.pairs] + list(q.distractors)))
    right_ids = {text: f"{item.ident}-m{n + 1}" for n, text in enumerate(rights)}
    # Each pair adds its share of 100: quizgen.scoring's "each pair" rule, in percent.
    for n, (pair, share) in enumerate(zip(q.pairs, shares(100, len(q.pairs)))):
        lid = sub(item.presentation, "response_lid", ident=f"response_{item.ident}-l{n + 1}")
        # Matching prompts and matches are plain text in Classic Quizzes.
        material(lid, pair.left, html=False)
        render = sub(lid, "render_choice")
        for text in rights:
            material(sub(render, "response_label", ident=right_ids[text]), text, html=False)
        cond = sub(item.processing, "respcondition")
        sub(sub(cond, "conditionvar"), "varequal", right_ids[pair.right], respident=f"response_{item.ident}-l{n + 1}")
        sub(cond, "setvar", f"{share:.4f}".rstrip("0").rstrip("."), action="Add", varname="SCORE")


def _essay(item: _Item, q: m.OpenResponse) -> None:
    _typed_answer(item)
    cond, var = item.condition()
    sub(var, "other")


_BODY = {
    "multiple_choice_question": _choices,
    "true_false_question": _choices,
    "multiple_answers_question": _choices,
    "short_answer_question": _short_answer,
    "numerical_question": _numeric,
    "matching_question": _matching,
    "essay_question": _essay,
}
