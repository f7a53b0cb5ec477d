"""A short answer typed with a final full stop: every format that marks typed text accepts what quizgen accepts.

quizgen's rule (docs/scoring.md) sets case, spacing, quotes around the
answer and a final full stop aside; Moodle, Canvas, QTI, Common Cartridge,
Blackboard and Brightspace compare the typed text with each accepted answer,
case aside. So "EMOTIONAL APPEAL." was marked wrong in Moodle and Canvas
while quizgen marked it right, until each answer was listed with the stop
too. Here an LMS is modelled as "equal to a listed answer, case and outer
spaces aside", and it must agree with quizgen.scoring on typed forms of
every accepted answer of the shipped bank.
"""

from __future__ import annotations

import pytest
from lxml import etree

from quizgen import model as m
from quizgen import paths, scoring
from quizgen.assemble import whole_bank
from quizgen.bank import load_bank
from quizgen.exporters import get_exporter

from .support import plan_of

#: The formats whose LMS marks a typed answer by comparing it with the listed ones (Anki does not mark;
#: Kahoot leaves typed answers out).
MARKING_FORMATS = ("moodle-xml", "gift", "canvas-qti", "qti21", "cc", "blackboard", "brightspace")


@pytest.fixture(scope="module")
def bank_sheet() -> m.Worksheet:
    return whole_bank(load_bank(paths.bank_dir()), 7)


def lms_accepts(listed: tuple[str, ...], typed: str) -> bool:
    return typed.strip().casefold() in {a.strip().casefold() for a in listed}


def typed_forms(answer: str) -> list[str]:
    """Return ways a student types an accepted answer: as it is, shouting, with a final full stop, without one."""
    return [answer, answer.upper(), answer + ".", answer.upper() + ".", answer.rstrip(".")]


@pytest.mark.parametrize("fmt", MARKING_FORMATS)
def test_a_final_full_stop_is_accepted_as_quizgen_accepts_it(fmt, bank_sheet):
    checked = 0
    for _version, carried in plan_of(fmt, bank_sheet).written():
        for c in carried:
            original = c.plan.question
            if not isinstance(original, m.ShortAnswer):
                continue
            # A manifest position, as quizgen mark scores it.
            position = {"kind": original.kind, "points": original.points, "scoring": scoring.scoring_record(c.plan.item)}
            for answer in original.answers:
                for typed in typed_forms(answer):
                    quizgen = scoring.score(position, typed).status == scoring.CORRECT
                    assert quizgen, (original.id, typed)  # each form is one quizgen's rule accepts
                    assert lms_accepts(c.question.answers, typed) == quizgen, (fmt, original.id, typed)
                    checked += 1
    assert checked > 20, fmt


def test_moodle_xml_lists_each_answer_with_a_stop_at_full_credit(bank_sheet):
    """In the file Moodle imports: "answer" and "answer." both at 100 %, the answer as written first."""
    root = etree.fromstring(get_exporter("moodle-xml").export(bank_sheet))
    questions = {q.findtext("idnumber"): q for q in root.findall("question[@type='shortanswer']")}
    shorts = [i.question for i in bank_sheet.versions[0].items if isinstance(i.question, m.ShortAnswer)]
    assert shorts and set(questions) == {q.id for q in shorts}
    for q in shorts:
        answers = [(a.get("fraction"), a.findtext("text")) for a in questions[q.id].findall("answer")]
        assert answers[0] == ("100", q.answers[0]), q.id
        texts = {text for fraction, text in answers if fraction == "100"}
        for answer in q.answers:
            assert {answer.rstrip("."), answer.rstrip(".") + "."} <= texts, (q.id, answer)


def test_a_flashcard_shows_the_answers_as_written(bank_sheet):
    """Anki marks nothing: its back keeps the accepted answers as the bank writes them."""
    for _version, carried in plan_of("anki", bank_sheet).written():
        for c in carried:
            if isinstance(c.plan.question, m.ShortAnswer):
                assert c.question.answers == c.plan.question.answers
