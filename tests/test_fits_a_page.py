"""Every question of the shipped bank breaks across pages only where a worksheet allows it.

Questions flow from page to page and may run on between their parts (after
the stem and the first lines below it, between excerpt lines, before the
response, between the rows of a long response), never inside an excerpt
line, a choice, a matching row, a timeline item or a short response, and a
stem never ends a page (tests/conftest.py, page_break_problems and
broken_unit_problems). That holds only if no such unit is taller than a
page. Each question is laid out on its own, as the first question of a
worksheet (so it prints all its excerpts), on Letter, on A4, with the
outside-source cards, and in large print.
"""

from __future__ import annotations

import dataclasses

import pytest
from conftest import broken_unit_problems, page_break_problems

from quizgen import model, paths
from quizgen.assemble import whole_bank
from quizgen.bank import load_bank

# Lays out every question of the bank on its own, three times.
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def bank() -> model.Bank:
    return load_bank(paths.bank_dir())


def _problems(bank: model.Bank, question: model.Question, recipe_changes: dict) -> list[str]:
    from quizgen.render import render_html
    from quizgen.render.context import worksheet_context
    from quizgen.render.pdf import html_to_pdf

    sheet = whole_bank(dataclasses.replace(bank, questions={question.id: question}), seed=1)
    sheet = dataclasses.replace(sheet, recipe=dataclasses.replace(sheet.recipe, **recipe_changes))
    context = worksheet_context(sheet, sheet.versions[0], link=False)
    data = html_to_pdf([render_html("worksheet.html.j2", context)], context["doc"]["stylesheets"])
    large = recipe_changes.get("large_print", False)
    return [f"{question.id}: {p}" for p in page_break_problems(data, key=False, large_print=large)
            + broken_unit_problems(data, context) + _stem_problems(data, question)]


def _stem_problems(data: bytes, question: model.Question) -> list[str]:
    """A stem's first line holds more than its first word.

    WeasyPrint once set "Mark" alone on a line and the rest of the stem below it: a space
    before the hint's span, with the stem ending near the end of a line, made it break at the
    first opportunity instead of the last (templates/question.html.j2 keeps the space inside
    the span). A parametric stem's first words may be numbers filled in later: not checked.
    """
    words = question.stem.split()
    if len(words) < 2 or "{" in " ".join(words[:2]):
        return []
    opening = f"{words[0]} {words[1]}"
    import io

    from pypdf import PdfReader

    pages = [page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages]
    lines = [" ".join(line.split()) for page in pages for line in page.splitlines()]
    return [] if any(opening in line for line in lines) else [f"the stem's first line breaks after {words[0]!r}"]


@pytest.mark.parametrize("settings", [{"paper": "letter"}, {"paper": "a4"}, {"paper": "letter", "cards": True}],
                         ids=["letter", "a4", "letter-with-cards"])
def test_every_question_breaks_only_between_its_parts(bank, settings):
    problems = [p for question in bank.questions.values() for p in _problems(bank, question, settings)]
    assert not problems, f"with {settings}:\n" + "\n".join(problems)


@pytest.mark.parametrize("paper", ["letter", "a4"])
def test_in_large_print_every_long_response_breaks_only_between_its_rows(bank, paper):
    """At 16 pt a matching, timeline or long multiple-response question may run on, between rows,
    never inside one. Side by side, the matching columns of long texts once ran past the foot of an
    A4 page; they are laid out as rows of a table now."""
    long_kinds = (model.Matching, model.Ordering, model.MultipleResponse)
    chosen = [q for q in bank.questions.values() if isinstance(q, long_kinds)]
    problems = [p for q in chosen for p in _problems(bank, q, {"paper": paper, "large_print": True})]
    assert len(chosen) > 10 and problems == []
