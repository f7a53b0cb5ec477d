"""The plain-text pieces every format prints alike: excerpts, cards, stems, feedback, rubrics, answers, tags.

The export plan puts a question's text together from these, once, so two
formats never disagree on what a citation, a card or a rubric looks like,
nor with the PDF (whose citations come from ``quizgen.printed`` too).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from quizgen import model, printed
from quizgen.printed import format_number, letter_of
from quizgen.printed import select_note, select_stem  # noqa: F401  (the plan reads them here)

if TYPE_CHECKING:
    from quizgen.model import Question, Worksheet, WorksheetItem

#: Between a line number and its text in an excerpt (an em space, which HTML
#: does not collapse, so the numbers stay readable in every LMS).
LINE_NUMBER_GAP = "\u2003"

#: The line an excerpt block prints between two passages of one source that
#: do not touch, as the printed worksheet's gap mark does.
EXCERPT_GAP = "\u2026"

#: Before a citation, so it reads as the attribution of the lines above it.
CITATION_DASH = "\u2014 "

#: After an ordering question carried as matching of each item to its position.
ORDERING_HINT = "For each item, choose its place in the order (1 = first)."


def _citation(worksheet: Worksheet, source_id: str, ranges: list[tuple[int, int]]) -> str:
    """Return the printed worksheet's citation of runs of one source's lines (never raw metadata)."""
    source = worksheet.sources.get(source_id)
    if source is None:
        # Only a worksheet built by hand can cite a source it does not hold.
        return f"{source_id}; {printed.line_label(ranges)}."
    return printed.citation(source, ranges)


def excerpt_blocks(worksheet: Worksheet, item: WorksheetItem) -> list[tuple[str, str]]:
    """Return the excerpts of ``item`` as (numbered lines, citation), one block per source, plain text.

    As on the printed worksheet: a source's lines come in line order, not
    in the order of the question's claims (which would give away the
    answer of an ordering question whose author listed the claims in
    order), with a line ``…`` between passages that do not touch, and one
    citation naming every run. The editors' repair note, if any, follows
    the citation on a line of its own.
    """
    blocks = []
    for source_id, lines in printed.lines_by_source(item.excerpts).items():
        ranges = printed.line_runs(sorted(lines))
        numbered: list[str] = []
        for first, last in ranges:
            if numbered:
                numbered.append(EXCERPT_GAP)
            numbered += [f"{n}{LINE_NUMBER_GAP}{lines[n]}" for n in range(first, last + 1)]
        cite = CITATION_DASH + _citation(worksheet, source_id, ranges)
        source = worksheet.sources.get(source_id)
        repairs = printed.repair_note(source, ranges) if source is not None else ""
        if repairs:
            cite += "\n" + repairs
        blocks.append(("\n".join(numbered), cite))
    return blocks


def card_text(worksheet: Worksheet, question: Question) -> str:
    """Return the outside-source card a question prints with it, or ''.

    Only when the recipe asks for cards, and only for the questions the
    printed worksheet gives one: such a recipe leaves out look-it-up
    questions because the card supplies the evidence, so the card must be
    in the question, not only in the feedback students see after answering.
    """
    card = printed.outside_card(question) if worksheet.recipe.cards else None
    return f"Outside source card ({card['kind']}): {card['says']}" if card else ""


def feedback_text(question: Question) -> str:
    """Return the general feedback: the explanation, then the outside source that settles it, if any."""
    parts = [question.explanation] if question.explanation else []
    if question.outside_source is not None:
        parts.append(f"Outside source ({question.outside_source.kind}): {question.outside_source.says}")
    return "\n\n".join(parts)


def rubric_text(question: model.OpenResponse) -> str:
    """Return an open question's model answer, rubric levels and patterns as plain text."""
    rubric = question.rubric
    parts = [f"Model answer: {question.model_answer}"] if question.model_answer else []
    parts += [f"Proficient: {rubric.proficient}", f"Emergent: {rubric.emergent}", f"Basic: {rubric.basic}"]
    parts += [f"Pattern ({p.level}) {p.name}: {p.description}" for p in rubric.patterns]
    return "\n\n".join(parts)


def answer_text(q: Question, rubric: str) -> str:
    """Return the plain text of the answer, as a teacher would say it (an open question's: its ``rubric_text``)."""
    if isinstance(q, (model.SingleChoice, model.MultipleResponse)):
        return "\n".join(f"{letter_of(n)}. {c.text}" for n, c in enumerate(q.choices) if c.correct)
    if isinstance(q, model.TrueFalse):
        return "True" if q.answer else "False"
    if isinstance(q, model.ShortAnswer):
        return "\n".join(q.answers)
    if isinstance(q, model.Numeric):
        text = format_number(q.answer)
        if q.tolerance:
            text += f" (\u00b1{format_number(q.tolerance)})"
        return text + (f" {q.unit}" if q.unit else "")
    if isinstance(q, model.Matching):
        return "\n".join(f"{p.left} \u2192 {p.right}" for p in q.pairs)
    if isinstance(q, model.Ordering):
        return "\n".join(f"{n}. {text}" for n, text in enumerate(q.items, start=1))
    if isinstance(q, model.OpenResponse):
        return rubric
    if isinstance(q, model.MarkTheWords):
        either = [f"(credit either way: {phrase})" for phrase in q.optional]
        return "\n".join(list(q.answers) + either)
    raise AssertionError(q.kind)  # pragma: no cover


def verdict_text(worksheet: Worksheet, question: Question) -> str:
    """Return one line per claim: its verdict and why."""
    lines = []
    for claim_id in question.claims:
        claim = worksheet.claims.get(claim_id)
        if claim is None:
            continue
        label = model.VERDICT_LABELS.get(claim.verdict, claim.verdict)
        lines.append(f"Verdict on \u201c{claim.quote}\u201d: {label}. {claim.verdict_note}".rstrip())
    return "\n".join(lines)


def question_tags(question: Question) -> list[str]:
    """Return the tags of a question: skill, sub-skill, then techniques, without repeats."""
    tags: dict[str, None] = {}
    for tag in (question.skill, question.subskill, *question.techniques):
        if tag:
            tags.setdefault(tag, None)
    return list(tags)


def skills_in_order(items) -> list[str]:
    """Return the skills of ``items`` (carried questions or worksheet items) in the product's order."""
    known = [s.id for s in model.SKILLS]
    present = {item.question.skill for item in items}
    return [s for s in known if s in present] + sorted(present - set(known))
