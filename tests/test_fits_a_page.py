"""Every question of the shipped bank fits on one printed page, excerpts and answer space included.

A worksheet never splits a question across pages, which only works if no
question is taller than a page. Each question is laid out on its own, as the
first question of a worksheet (so it prints all its excerpts), on Letter, on
A4, and with the outside-source cards. (Large print does not fit every
question on one page: there a tall question starts a page, breaks before its
response and is headed "Question N, continued" overleaf; see
tests/test_build.py.)
"""

from __future__ import annotations

import dataclasses

import pytest

from quizgen import model, paths
from quizgen.assemble import whole_bank
from quizgen.bank import load_bank

# Lays out every question of the bank on its own, three times.
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def bank() -> model.Bank:
    return load_bank(paths.bank_dir())


def _too_tall(bank: model.Bank, recipe_changes: dict) -> list[str]:
    import io

    from pypdf import PdfReader

    from quizgen.render import render_html
    from quizgen.render.context import worksheet_context
    from quizgen.render.pdf import html_to_pdf

    too_tall = []
    for qid, question in bank.questions.items():
        sheet = whole_bank(dataclasses.replace(bank, questions={qid: question}), seed=1)
        sheet = dataclasses.replace(sheet, recipe=dataclasses.replace(sheet.recipe, **recipe_changes))
        context = worksheet_context(sheet, sheet.versions[0], link=False)
        pdf = PdfReader(io.BytesIO(html_to_pdf([render_html("worksheet.html.j2", context)], context["doc"]["stylesheets"])))
        dests = pdf.named_destinations
        if pdf.get_destination_page_number(dests["vA-q1"]) != pdf.get_destination_page_number(dests["vA-q1-end"]):
            too_tall.append(qid)
    return too_tall


@pytest.mark.parametrize("settings", [{"paper": "letter"}, {"paper": "a4"}, {"paper": "letter", "cards": True}],
                         ids=["letter", "a4", "letter-with-cards"])
def test_every_question_fits_on_a_page(bank, settings):
    too_tall = _too_tall(bank, settings)
    assert not too_tall, f"taller than a page with {settings}: {', '.join(too_tall)}"


@pytest.mark.parametrize("paper", ["letter", "a4"])
def test_in_large_print_every_long_response_still_fits_a_page(bank, paper):
    """Large print may break a tall question before its response, never inside it: so
    every response (with its how-to-answer line) must fit a page. Side by side, the
    matching columns of long texts ran past the foot of an A4 page; they are stacked."""
    import io

    from conftest import page_break_problems
    from pypdf import PdfReader

    from quizgen.render import render_html
    from quizgen.render.context import worksheet_context
    from quizgen.render.pdf import html_to_pdf

    long_kinds = (model.Matching, model.Ordering, model.MultipleResponse)
    checked, problems = 0, []
    for qid, question in bank.questions.items():
        if not isinstance(question, long_kinds):
            continue
        sheet = whole_bank(dataclasses.replace(bank, questions={qid: question}), seed=1)
        sheet = dataclasses.replace(sheet, recipe=dataclasses.replace(sheet.recipe, paper=paper, large_print=True))
        context = worksheet_context(sheet, sheet.versions[0], link=False)
        data = html_to_pdf([render_html("worksheet.html.j2", context)], context["doc"]["stylesheets"])
        checked += 1
        problems += [f"{qid}: {p}" for p in page_break_problems(data, key=False)]
        assert len(PdfReader(io.BytesIO(data)).pages) >= 2  # the large-print cover, then the question
    assert checked > 10 and problems == []
