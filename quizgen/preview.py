"""One question, whole, for the terminal: as a student sees it and as the answer key shows it.

`quizgen bank show` prints this. A question is assembled exactly as on a
worksheet (as version A of a one-question recipe that names it: choices and
matching columns shuffled, a parametric question given version A's
numbers), so what is shown is what a student gets, not the YAML. ``preview``
returns plain data (``--format json``); ``format_preview`` lays it out as
text wrapped to a width.
"""

from __future__ import annotations

import logging
import textwrap
from contextlib import contextmanager

from quizgen import model
from quizgen.assemble import make_worksheet
from quizgen.printed import format_number, letter_of

#: What the answer space on the sheet is, per kind ({n}: lines, items; {unit}: the numeric unit).
ANSWER_SPACE = {
    "single-choice": "a bubble beside each choice; the student fills in one",
    "multiple-response": "a box beside each choice; the student fills in every one that applies",
    "true-false": "bubbles for True and False",
    "short-answer": "{lines} to write on",
    "numeric": "a box for a number{unit}",
    "matching": "a box beside each numbered item for the letter of its match{unused}",
    "ordering": "a box beside each item for its place, 1 (first) to {count}",
    "open-response": "{lines} for an answer in full sentences",
    "mark-the-words": "the passage, set wide, for the student to circle words in",
}


def preview(bank: model.Bank, ids: list[str], *, key: bool = False, cards: bool = False,
            seed: int = 1) -> list[dict]:
    """Return each question of ``ids`` as a worksheet prints it (and with ``key``, as the key shows it).

    ``cards`` shows a verdict question's outside-source card as a recipe
    with ``cards: true`` prints it. The ids must be in the bank.
    """
    recipe = model.Recipe(title="", instructions="", questions=(model.Selection("", len(ids), id=tuple(ids)),),
                          seed=seed, cards=False, shuffle=False)
    # cards=False above: a look-it-up question is shown too; the card is added below as asked.
    with _quiet(logging.getLogger("quizgen.assemble")):
        sheet = make_worksheet(bank, recipe)
    return [_question(bank, item, key=key, cards=cards) for item in sheet.versions[0].items]


@contextmanager
def _quiet(logger: logging.Logger):
    """Drop what ``logger`` says meanwhile: questions shown together are no worksheet, so what the assembler
    warns of for one (a question printing the answer to a look-it-up one beside it) does not apply."""
    def drop(record: logging.LogRecord) -> bool:
        return False

    logger.addFilter(drop)
    try:
        yield
    finally:
        logger.removeFilter(drop)


def _question(bank: model.Bank, item: model.WorksheetItem, *, key: bool, cards: bool) -> dict:
    from quizgen.catalog import sources_of
    from quizgen.render.context import outside_card

    q = item.question
    skill, sub = model.SUBSKILLS[q.subskill]
    out: dict = {
        "id": q.id,
        "skill": skill.id,
        "subskill": sub.code,
        "subskill_name": sub.name,
        "kind": q.kind,
        "difficulty": q.difficulty,
        "grade_band": q.grade_band,
        "points": q.points,
        "tags": list(q.tags),
        "sources": list(sources_of(bank, q)),
        "parametric": q.parametric is not None,
        "stem": q.stem,
    }
    excerpts = _excerpts(bank, item.excerpts)
    if isinstance(q, model.MarkTheWords):
        out["passage"] = q.passage
        out["quoted_from"] = excerpts
    elif q.print_excerpts:
        out["excerpts"] = excerpts
    else:  # the stem quotes all it needs: the sheet names where the quotes come from
        out["quoted_from"] = [{k: v for k, v in e.items() if k != "lines"} for e in excerpts]
    out.update(_answer_parts(item))
    card = outside_card(q)
    if model.LOOK_IT_UP in q.tags:
        out["look_it_up"] = ("students need an outside record to answer; a recipe with cards: true "
                             "(a class without web access) leaves this question out")
    elif card is not None and cards:
        out["outside_card"] = card
    elif card is not None and not q.outside_source.in_stem:
        out["look_it_up"] = (f"the sheet sends students to {card['kind']}; a recipe with cards: true "
                             "prints an outside source card instead")
    if key:
        out["key"] = _key(bank, item)
    return out


def _excerpts(bank: model.Bank, excerpts: tuple[model.Excerpt, ...]) -> list[dict]:
    """Return the passages of a question, one per source (first-used first), lines in order, as the sheet boxes them."""
    by_source: dict[str, dict[int, str]] = {}
    for excerpt in excerpts:
        lines = by_source.setdefault(excerpt.source, {})
        lines.update(enumerate(excerpt.lines, start=excerpt.first))
    out = []
    for source_id, lines in by_source.items():
        numbers = sorted(lines)
        spans: list[list[int]] = []
        for n in numbers:
            if spans and n == spans[-1][1] + 1:
                spans[-1][1] = n
            else:
                spans.append([n, n])
        out.append({"source": source_id, "title": bank.sources[source_id].title, "spans": spans,
                    "lines": [{"n": n, "text": lines[n]} for n in numbers]})
    return out


def _span_words(spans: list[list[int]]) -> str:
    """Return 'line 4', 'lines 4–6' or 'lines 2, 4–6'."""
    parts = [str(a) if a == b else f"{a}–{b}" for a, b in spans]
    single = len(spans) == 1 and spans[0][0] == spans[0][1]
    return f"{'line' if single else 'lines'} {', '.join(parts)}"


def _answer_parts(item: model.WorksheetItem) -> dict:
    """Return what the student answers on: choices, columns or items, and the answer space described."""
    q = item.question
    out: dict = {}
    space = {"lines": "", "unit": "", "unused": "", "count": 0}
    if isinstance(q, (model.SingleChoice, model.MultipleResponse)):
        out["choices"] = [{"letter": letter_of(i), "text": c.text} for i, c in enumerate(q.choices)]
    elif isinstance(q, model.TrueFalse):
        out["choices"] = [{"letter": "T", "text": "True"}, {"letter": "F", "text": "False"}]
    elif isinstance(q, model.Matching):
        out["left"] = [{"number": n, "text": p.left} for n, p in enumerate(q.pairs, start=1)]
        out["right"] = [{"letter": letter_of(i), "text": text} for i, text in enumerate(item.shuffled)]
        unused = len(item.shuffled) - len(q.pairs)
        space["unused"] = f"; {unused} lettered {'choice is' if unused == 1 else 'choices are'} not used" if unused else ""
    elif isinstance(q, model.Ordering):
        out["items"] = list(item.shuffled)
        space["count"] = len(item.shuffled)
    if isinstance(q, (model.ShortAnswer, model.OpenResponse)):
        space["lines"] = f"{q.lines} line{'s' if q.lines != 1 else ''}"
    if isinstance(q, model.Numeric) and q.unit:
        space["unit"] = f", then '{q.unit}'"
    out["answer_space"] = ANSWER_SPACE[q.kind].format(**space)
    return out


def _key(bank: model.Bank, item: model.WorksheetItem) -> dict:
    """Return what the answer key shows for an item: answer, explanation, rubric, claims with verdicts."""
    q = item.question
    key: dict = {"answer": item.key, "explanation": q.explanation}
    if isinstance(q, (model.SingleChoice, model.MultipleResponse)):
        key["correct"] = [c.text for c in q.choices if c.correct]
        feedback = [{"letter": letter_of(i), "feedback": c.feedback} for i, c in enumerate(q.choices) if c.feedback]
        if feedback:
            key["feedback"] = feedback
    elif isinstance(q, model.ShortAnswer):
        key["accepted"] = list(q.answers)
    elif isinstance(q, model.Numeric) and q.tolerance:
        key["tolerance"] = format_number(q.tolerance)
    elif isinstance(q, model.Matching):
        key["pairs"] = [f"{p.left} → {p.right}" for p in q.pairs]
    elif isinstance(q, model.Ordering):
        key["in_order"] = list(q.items)
    elif isinstance(q, model.MarkTheWords):
        key["marked"] = list(q.answers)
    if isinstance(q, model.OpenResponse):
        key["rubric"] = {"proficient": q.rubric.proficient, "emergent": q.rubric.emergent, "basic": q.rubric.basic,
                         "patterns": [{"name": p.name, "level": p.level, "description": p.description}
                                      for p in q.rubric.patterns]}
        key["model_answer"] = q.model_answer
    if q.outside_source is not None:
        key["outside_source"] = {"kind": q.outside_source.kind, "says": q.outside_source.says}
    if q.techniques:
        key["techniques"] = list(q.techniques)
    if q.teacher_note:
        key["teacher_note"] = q.teacher_note
    key["claims"] = [_claim(bank, bank.claims[c]) for c in q.claims if c in bank.claims]
    return key


def _claim(bank: model.Bank, claim: model.Claim) -> dict:
    source = bank.sources.get(claim.source)
    out = {
        "id": claim.id,
        "source": claim.source,
        "title": source.title if source else claim.source,
        "lines": list(claim.lines),
        "quote": claim.quote,
        "verdict": claim.verdict,
        "verdict_label": model.VERDICT_LABELS[claim.verdict],
        "verdict_note": claim.verdict_note,
        "references": [{"author": r.author, "title": r.title, "year": r.year, "says": r.says, "url": r.url}
                       for r in claim.references],
    }
    if claim.teacher_note:
        out["teacher_note"] = claim.teacher_note
    return out


# --------------------------------------------------------------------------
# As text


def format_preview(entries: list[dict], width: int = 80) -> str:
    """Return the questions of ``preview`` as text wrapped to ``width`` columns."""
    width = max(width, 40)
    return "\n\n".join(_format_question(entry, width) for entry in entries)


def _format_question(q: dict, width: int) -> str:
    w = _Writer(width)
    facts = [f"{q['skill']} {q['subskill']} {q['subskill_name']}", q["kind"], f"difficulty {q['difficulty']}",
             f"grades {q['grade_band']}", f"{q['points']} point{'s' if q['points'] != 1 else ''}"]
    w.rule(f"{q['id']} ")
    w.para(" · ".join(facts))
    if q["tags"]:
        w.para("tags: " + ", ".join(q["tags"]))
    if q["parametric"]:
        w.para("parametric: each version gets its own numbers; shown with version A's")
    w.blank()
    w.para(q["stem"])
    for excerpt in q.get("excerpts", []):
        w.blank()
        w.para(f"{excerpt['title']} ({excerpt['source']}), {_span_words(excerpt['spans'])}:", indent="  ")
        number_width = len(str(excerpt["lines"][-1]["n"]))
        previous = None
        for line in excerpt["lines"]:
            if previous is not None and line["n"] != previous + 1:
                w.para("…", indent=" " * (number_width + 3) + "│ ")  # lines left out between two passages
            previous = line["n"]
            w.para(line["text"], indent=f"  {line['n']:>{number_width}} │ ", then=" " * (number_width + 3) + "│ ")
    if "passage" in q:
        w.blank()
        w.para(q["passage"], indent="  ")
    for quoted in q.get("quoted_from", []):
        w.para(f"quoted from {quoted['title']} ({quoted['source']}), {_span_words(quoted['spans'])}", indent="  ")
    if q.get("choices") or q.get("left") or q.get("items"):
        w.blank()
    for choice in q.get("choices", []):
        w.para(choice["text"], indent=f"  {choice['letter']}. ", then="     ")
    for left in q.get("left", []):
        w.para(left["text"], indent=f"  [ ] {left['number']}. ", then="        ")
    for right in q.get("right", []):
        w.para(right["text"], indent=f"        {right['letter']}. ", then="           ")
    for text in q.get("items", []):
        w.para(text, indent="  [ ] ", then="      ")
    w.blank()
    w.para(f"answer space: {q['answer_space']}")
    if "outside_card" in q:
        w.para(f"outside source card ({q['outside_card']['kind']}): {q['outside_card']['says']}")
    if "look_it_up" in q:
        w.para(f"look it up: {q['look_it_up']}")
    if "key" in q:
        _format_key(w, q["key"])
    return w.text()


def _format_key(w: "_Writer", key: dict) -> None:
    w.blank()
    w.rule("answer key ")
    w.para(f"answer: {key['answer']}")
    for field, label in (("correct", "correct"), ("accepted", "accepted"), ("pairs", "pairs"),
                         ("in_order", "in order"), ("marked", "words to circle")):
        if field in key:
            w.para(f"{label}: " + "; ".join(key[field]))
    if "tolerance" in key:
        w.para(f"tolerance: ± {key['tolerance']}")
    w.para(f"explanation: {key['explanation']}")
    for feedback in key.get("feedback", []):
        w.para(f"feedback on {feedback['letter']}: {feedback['feedback']}")
    if "rubric" in key:
        rubric = key["rubric"]
        w.para("rubric:")
        for level in ("proficient", "emergent", "basic"):
            w.para(rubric[level], indent=f"  {level}: ", then="    ")
        for pattern in rubric["patterns"]:
            w.para(f"{pattern['name']} ({pattern['level']}): {pattern['description']}", indent="  pattern: ", then="    ")
        w.para(f"model answer: {key['model_answer']}")
    if "outside_source" in key:
        w.para(f"outside source ({key['outside_source']['kind']}): {key['outside_source']['says']}")
    if "techniques" in key:
        w.para("techniques: " + ", ".join(key["techniques"]))
    if "teacher_note" in key:
        w.para(f"teacher note: {key['teacher_note']}")
    for claim in key["claims"]:
        first, last = claim["lines"]
        span = f"line {first}" if first == last else f"lines {first}–{last}"
        w.blank()
        w.para(f"claim {claim['id']} ({claim['source']}, {span}): “{claim['quote']}”")
        w.para(f"verdict: {claim['verdict_label']}. {claim['verdict_note']}", indent="  ", then="  ")
        for ref in claim["references"]:
            text = f"{ref['author']}, {ref['title']} ({ref['year']}): {ref['says']}" + (f" {ref['url']}" if ref["url"] else "")
            w.para(text, indent="  reference: ", then="    ")
        if "teacher_note" in claim:
            w.para(f"teacher note: {claim['teacher_note']}", indent="  ", then="  ")


class _Writer:
    """Collect wrapped lines."""

    def __init__(self, width: int):
        self.width = width
        self.lines: list[str] = []

    def para(self, text: str, indent: str = "", then: str | None = None) -> None:
        wrapped = textwrap.wrap(" ".join(str(text).split()), self.width, initial_indent=indent,
                                subsequent_indent=indent if then is None else then, break_on_hyphens=False)
        self.lines.extend(wrapped or [indent.rstrip()])

    def rule(self, title: str) -> None:
        self.lines.append((title + "─" * self.width)[: self.width])

    def blank(self) -> None:
        if self.lines and self.lines[-1]:
            self.lines.append("")

    def text(self) -> str:
        return "\n".join(self.lines).rstrip()
