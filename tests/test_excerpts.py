"""Excerpts print the sentences a question needs, a little context and "…" for the rest (quizgen.excerpts)."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quizgen import excerpts as trimming
from quizgen import model, paths
from quizgen.assemble import excerpts_of
from quizgen.bank import QUOTE_GAP, load_bank

LINE = ("In the spring the army marched north. It was a long march through the hills. "
        "On 9 August 1945, the general issued the order for the offensive, and the units crossed the river at dawn. "
        "The villagers, we are told, greeted them with songs and flowers and tears of joy that lasted for days on end. "
        "Nobody wrote down what happened next.")


def bare(text: str) -> str:
    return " ".join(text.split())


def pieces(printed: str) -> list[str]:
    return [p.strip() for p in printed.split(trimming.GAP) if p.strip()]


def test_sentences_split_at_full_stops_but_not_after_abbreviations_or_initials():
    text = "The U.S. army arrived. Gen. Meretskov and Kim I. Sung met. Was it 1945? Yes."
    assert [text[a:b] for a, b in trimming.sentences(text)] == [
        "The U.S. army arrived.", "Gen. Meretskov and Kim I. Sung met.", "Was it 1945?", "Yes."]


def test_a_line_keeps_the_sentence_it_needs_with_short_neighbours_and_marks_the_rest():
    printed = trimming.trim(LINE, ["issued the order for the offensive"])
    assert printed == ("… It was a long march through the hills. On 9 August 1945, the general issued the order for the "
                       "offensive, and the units crossed the river at dawn. …")
    assert all(p in LINE for p in pieces(printed))


def test_a_long_sentence_keeps_only_the_clauses_around_what_is_needed():
    sentence = ("Recorded in the history of the war are the battle to defend the zone in the valley, in which the "
                "guerrillas beat a force equipped with large guns and aircraft, the long march in which the fighters "
                "stood harsh trials unprecedented in history, and other ordeals that testify to the fierce fighting.")
    other = ("A second sentence follows here, longer than the context a line may add, so that the trimmed text "
             "ends in a gap mark.")
    printed = trimming.trim(sentence + " " + other, ["the long march in which the fighters stood harsh trials"])
    assert printed.startswith("… ") and printed.endswith(" …")
    assert "the long march in which the fighters stood harsh trials" in printed
    assert "Recorded in the history" not in printed and "second sentence" not in printed
    assert len(printed) < len(sentence)


def test_a_line_is_printed_whole_when_little_would_be_left_out_or_nothing_is_needed_from_it():
    short = "It rained. The march went on."
    assert trimming.trim(short, ["The march went on"]) == short
    assert trimming.trim(LINE, []) == LINE
    assert trimming.trim(LINE, ["words that are not in the line"]) == LINE


def test_large_print_keeps_no_context_sentences():
    regular = trimming.trim(LINE, ["issued the order for the offensive"])
    large = trimming.trim(LINE, ["issued the order for the offensive"], large=True)
    assert "long march" in regular and "long march" not in large
    assert "issued the order for the offensive" in large


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(alphabet="abcdefgh ,;", min_size=5, max_size=60), min_size=1, max_size=8),
       st.data())
def test_what_is_printed_holds_the_need_and_only_text_of_the_line(sentences, data):
    text = " ".join(s.strip(" ,;").capitalize() + "." for s in sentences if s.strip(" ,;"))
    if not text:
        return
    start = data.draw(st.integers(0, len(text) - 1))
    need = text[start:start + data.draw(st.integers(1, 40))].strip()
    printed = trimming.trim(text, [need] if need else [])
    assert all(p.rstrip(",;:") in text for p in pieces(printed))
    assert not need or bare(need).rstrip(",;:") in bare(printed)


@pytest.fixture(scope="module")
def bank() -> model.Bank:
    return load_bank(paths.bank_dir())


def test_every_shipped_question_prints_its_quotes_in_a_third_less_text(bank):
    """For every question of the shipped bank that prints excerpts: each part of each claim's quote
    is in what its excerpts print, with its line numbers; every piece between "…" is the source's
    own text; a question that names its lines prints them whole; and all in all the excerpts print
    well under what whole lines would."""
    whole = printed = 0
    for question in bank.questions.values():
        if not question.print_excerpts or isinstance(question, model.MarkTheWords):
            continue
        for excerpt in excerpts_of(bank, question):
            source = bank.sources[excerpt.source]
            for n, text in zip(range(excerpt.first, excerpt.last + 1), excerpt.lines):
                line = source.lines[n - 1]
                assert all(p.rstrip(",;:") in line for p in pieces(text)), (question.id, n)
                if question.excerpts:
                    assert text == line, question.id
                whole += len(line)
                printed += len(text)
        shown = bare(" ".join(line for e in excerpts_of(bank, question) for line in e.lines))
        for cid in question.claims:
            claim = bank.claims[cid]
            if question.excerpts and claim.source not in {e.source for e in excerpts_of(bank, question)}:
                continue
            for part in claim.quote.split(QUOTE_GAP):
                if question.parametric is None and not question.excerpts:
                    assert bare(part) in shown, (question.id, cid, part)
    assert printed < 0.75 * whole, (printed, whole)


def test_a_trimmed_line_keeps_its_number_and_citation(bank):
    question = bank.questions["memq-kim-rank"]
    (excerpt,) = excerpts_of(bank, question)
    assert excerpt.first == excerpt.last == 28
    assert excerpt.lines[0].endswith(trimming.GAP) and re.match(r"The IAF were originally", excerpt.lines[0])
    assert len(excerpt.lines[0]) < len(bank.sources["memoir"].lines[27]) / 2


def test_a_question_s_answers_never_decide_what_its_excerpt_keeps(bank):
    """A sentence kept for holding the answer would print the answer beside a question that asks
    students to find it elsewhere; choices count all alike, the right one and the others."""
    question = next(q for q in bank.questions.values() if isinstance(q, model.ShortAnswer))
    needs = trimming.needed_texts(question)
    assert not set(question.answers) & set(needs)
    choice = next(q for q in bank.questions.values() if isinstance(q, model.SingleChoice)
                  and all(len(c.text) >= trimming.SHORTEST_NEED for c in q.choices))
    assert set(c.text for c in choice.choices) <= set(trimming.needed_texts(choice))
