"""Worksheet → template context: exactly what each page prints, computed here.

Templates only loop, test booleans and print. Numbering, letters, point
totals, answer-line sizes, excerpt numbering and citations are worked out
here, once, in plain text (the templates escape it).

A student worksheet's context holds no answer at all: no key, no
explanation, no rubric, no ``correct`` flag on a choice. The partials test
``show_answers`` before they print an answer, and StrictUndefined turns any
slip (an answer field read while rendering a worksheet) into an error
instead of a leak.
"""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import urlparse

from quizgen import model
from quizgen.printed import (  # noqa: F401  (citation helpers live there; re-exported for old imports)
    REPAIR_LABELS,
    citation,
    format_number,
    join_and as _and,
    letter_of,
    line_label,
    line_runs,
    lines_by_source,
    outside_card,
    published,
    repair_note,
)

#: What the student is told to do, per kind (printed under the stem).
KIND_HINTS: dict[str, str] = {
    "single-choice": "Fill in one bubble.",
    "multiple-response": "Fill in every box that applies.",
    "true-false": "Fill in True or False.",
    "short-answer": "Write your answer on the line.",
    "numeric": "Write the number in the box.",
    "matching": "Write the letter of the match in each box. One lettered choice is not used.",
    "ordering": "Write 1, 2, 3 … in the boxes.",
    "open-response": "Write your answer in full sentences.",
    "mark-the-words": "Circle each word or phrase that answers the question.",
}

#: Width of a short-answer line, by the length of the longest accepted answer.
_LINE_SIZES = ((14, "short"), (32, "medium"))


def document(recipe: model.Recipe, title: str, kind: str, running: str, link: bool = True) -> dict:
    """Return the ``doc`` part of a context: <title>, stylesheets and body classes.

    With ``link=False`` the page carries no <link> to its stylesheets: the
    PDF renderer applies them already parsed, once per process instead of
    once per version.
    """
    # The key reuses the worksheet's question partials, so it takes their look too.
    sheets = ["css/print.css", f"css/paper-{recipe.paper}.css", "css/worksheet.css"]
    if kind == "answer_key":
        sheets.append("css/answer_key.css")
    # Large print is for the students' pages; the key is the teacher's, in regular print.
    large = recipe.large_print and kind != "answer_key"
    if large:
        sheets.append("css/large-print.css")
    classes = [kind.replace("_", "-"), f"paper-{recipe.paper}"] + (["large-print"] if large else [])
    return {"title": title, "stylesheets": sheets, "link": link, "classes": " ".join(classes), "running": running, "lang": "en"}


def blank_page_context(recipe: model.Recipe, *, link: bool = True) -> dict:
    """Return the context of the blank page a double-sided class pack puts after an odd-length version."""
    return {"doc": document(recipe, recipe.title, "blank_page", recipe.title, link)}


# --------------------------------------------------------------------------
# Student worksheet


def worksheet_context(worksheet: model.Worksheet, version: model.Version, *, link: bool = True) -> dict:
    """Return the context of one version's student worksheet (no answers in it)."""
    return _version_context(worksheet, version, show_answers=False, link=link)


def _version_context(
    worksheet: model.Worksheet, version: model.Version, *, show_answers: bool, shown: dict | None = None, link: bool = True
) -> dict:
    recipe = worksheet.recipe
    instructions = dict(recipe.skill_instructions)
    seen: dict[tuple, tuple[int, int]] = {}  # excerpt span -> (excerpt number, question number)
    parts: list[dict] = []
    for item in version.items:
        skill = model.SKILLS_BY_ID[item.question.skill]
        if not parts or parts[-1]["skill_id"] != skill.id:
            parts.append({
                "number": len(parts) + 1,
                "skill_id": skill.id,
                "skill": skill.name,
                "instruction": instructions.get(skill.id, ""),
                "questions": [],
            })
        ctx = _item(worksheet, version, item, seen, show_answers=show_answers, shown=shown)
        parts[-1]["questions"].append(ctx)
    count = len(version.items)
    kind = "answer_key" if show_answers else "worksheet"
    # No-break spaces: where the running title wraps (large print), "Version A" stays whole.
    running = f"{recipe.title} ·\u00a0Version\u00a0{version.letter}" + (" ·\u00a0Answer\u00a0key" if show_answers else "")
    return {
        "doc": document(recipe, f"{recipe.title} — Version {version.letter}" + (" — answer key" if show_answers else ""), kind, running, link),
        "title": recipe.title,
        "instructions": recipe.instructions,
        "version": version.letter,
        "summary": f"{count} question{'s' if count != 1 else ''} · {version.points} point{'s' if version.points != 1 else ''}",
        "parts": parts,
        "outline": [_outline_row(part) for part in parts],
        "source_texts": not recipe.excerpts and bool(cited_sources(worksheet)) and not show_answers,
        "large_print": recipe.large_print,
        "show_answers": show_answers,
        "multi_part": len(parts) > 1,
    }


def _outline_row(part: dict) -> dict:
    """Return one part's line in the large-print cover's outline: its questions and points."""
    numbers = [q["number"] for q in part["questions"]]
    points = sum(q["points"] for q in part["questions"])
    first, last = numbers[0], numbers[-1]
    return {
        "number": part["number"],
        "skill": part["skill"],
        "questions": f"Question {first}" if first == last else f"Questions {first}–{last}",
        "points": points,
    }


def _item(
    worksheet: model.Worksheet, version: model.Version, item: model.WorksheetItem, seen: dict, *, show_answers: bool, shown: dict | None
) -> dict:
    q = item.question
    anchor = f"v{version.letter}-q{item.number}"
    ctx: dict = {
        "number": item.number,
        "kind": q.kind,
        "partial": f"partials/{q.kind}.html.j2",
        "stem": q.stem,
        "points": q.points,
        "hint": KIND_HINTS[q.kind],
        "anchor": anchor,
        "end_anchor": f"{anchor}-end",
        "excerpts": [],
        "see_excerpts": [],
        "citation": "",
        "quoted_from": "",
        "card": None,
        "look_it_up": model.LOOK_IT_UP in q.tags and not show_answers,
        "look_where": "",
    }
    if not show_answers:  # the key quotes each claim with its verdict instead of the excerpts
        if not q.print_excerpts:
            ctx["quoted_from"] = quoted_from(worksheet, item)
        elif worksheet.recipe.excerpts or isinstance(q, model.MarkTheWords):
            _excerpts(worksheet, item, seen, ctx)  # a passage to mark is printed either way
        else:
            # Printed without excerpts: point to the lines in the source texts handed out with it.
            ctx["quoted_from"] = quoted_from(worksheet, item, "In the source texts: ")
    if not show_answers:
        card = outside_card(q)
        if worksheet.recipe.cards:
            ctx["card"] = card
        elif card is not None and not q.outside_source.in_stem:
            # The verdict rests on the card's evidence; without the card, students must find it.
            ctx["look_it_up"] = True
            ctx["look_where"] = card["kind"]
    getattr(_Kinds, q.kind.replace("-", "_"))(ctx, item, show_answers)
    if show_answers:
        where = f"Version {version.letter}, question {item.number}"
        record = shown if shown is not None else {}
        first = record.setdefault(item.question.id, where)
        ctx.update(_key_details(worksheet, item, None if first == where else first, record, where))
    return ctx


def _excerpts(worksheet: model.Worksheet, item: model.WorksheetItem, seen: dict, ctx: dict) -> None:
    """Number excerpts per version; print each once and point back to it after.

    A question's new excerpts from one source share one box, in line order
    with a gap mark between separate passages, and one citation: a timeline
    built on four sentences of the brochure cites the brochure once.
    """
    fresh: list[model.Excerpt] = []  # printed for the first time in this version
    for excerpt in item.excerpts:
        source = worksheet.sources[excerpt.source]
        span = (excerpt.source, excerpt.first, excerpt.last)
        if isinstance(item.question, model.MarkTheWords):
            # The passage to mark is the excerpt; print only where it comes from.
            if not ctx["citation"]:
                ctx["citation"] = citation(source, excerpt.first, excerpt.last)
            continue
        if span in seen:
            ctx["see_excerpts"].append(seen[span])
            continue
        fresh.append(excerpt)
    next_number = len({number for number, _ in seen.values()}) + 1
    for source_id, lines in lines_by_source(fresh).items():
        number, next_number = next_number, next_number + 1
        for e in fresh:
            if e.source == source_id:
                seen[(e.source, e.first, e.last)] = (number, item.number)
        source = worksheet.sources[source_id]
        ranges = line_runs(sorted(lines))
        printed: list[dict] = []
        for first, last in ranges:
            if printed:
                printed.append({"gap": True})
            printed += [{"n": n, "text": lines[n]} for n in range(first, last + 1)]
        ctx["excerpts"].append({
            "number": number,
            "lines": printed,
            "citation": citation(source, ranges),
            "repairs": repair_note(source, ranges),
        })
    earlier = sorted(set(ctx["see_excerpts"]))
    ctx["see_excerpts"] = [see_excerpts(earlier)] if earlier else []


def quoted_from(worksheet: model.Worksheet, item: model.WorksheetItem, lead: str = "Quoted from: ") -> str:
    """Return 'Quoted from: <citation>; <citation>.' for a question whose stem holds its quotes."""
    by_source = lines_by_source(item.excerpts)
    cited = [citation(worksheet.sources[sid], line_runs(sorted(lines))) for sid, lines in by_source.items()]
    return lead + " ".join(cited) if cited else ""


def cited_sources(worksheet: model.Worksheet) -> list[str]:
    """Return the sources a worksheet printed without excerpts points its questions to, in first-use order."""
    out: list[str] = []
    for version in worksheet.versions:
        for item in version.items:
            if item.question.print_excerpts and not isinstance(item.question, model.MarkTheWords):
                for excerpt in item.excerpts:
                    if excerpt.source not in out:
                        out.append(excerpt.source)
    return out


def source_texts_context(worksheet: model.Worksheet, *, link: bool = True) -> dict:
    """Return the context of the source texts handed out with a worksheet printed without excerpts.

    Every source its questions point to, whole, with its line numbers,
    citation and repair note: the questions cite these lines.
    """
    recipe = worksheet.recipe
    sources = []
    for source_id in cited_sources(worksheet):
        source = worksheet.sources[source_id]
        whole = [(1, len(source.lines))]
        sources.append({
            "title": source.title,
            "citation": citation(source, whole),
            "repairs": repair_note(source, whole),
            "lines": [{"n": n, "text": text} for n, text in enumerate(source.lines, start=1)],
        })
    doc = document(recipe, f"{recipe.title} — source texts", "source_texts", f"{recipe.title} · Source texts", link)
    return {"doc": doc, "title": recipe.title, "sources": sources}


def see_excerpts(earlier: list[tuple[int, int]]) -> str:
    """Return 'Use excerpt 4 (with question 5).' for excerpts printed earlier in the version."""
    numbers = [str(n) for n, _ in earlier]
    questions = sorted({q for _, q in earlier})
    noun = "excerpt" if len(numbers) == 1 else "excerpts"
    qnoun = "question" if len(questions) == 1 else "questions"
    return f"Use {noun} {_and(numbers)} (with {qnoun} {_and([str(q) for q in questions])})."


class _Kinds:
    """Per-kind parts of an item's context; answers only with ``show_answers``."""

    @staticmethod
    def single_choice(ctx: dict, item: model.WorksheetItem, show: bool) -> None:
        choices = item.question.choices
        ctx["choices"] = [_choice(i, c, show) for i, c in enumerate(choices)]
        ctx["choice_layout"] = choice_layout([c.text for c in choices])

    multiple_response = single_choice

    @staticmethod
    def true_false(ctx: dict, item: model.WorksheetItem, show: bool) -> None:
        ctx["choices"] = [
            {"letter": "T", "text": "True", **({"correct": item.question.answer} if show else {})},
            {"letter": "F", "text": "False", **({"correct": not item.question.answer} if show else {})},
        ]

    @staticmethod
    def short_answer(ctx: dict, item: model.WorksheetItem, show: bool) -> None:
        q = item.question
        longest = max(len(a) for a in q.answers)
        size = next((name for limit, name in _LINE_SIZES if longest <= limit), "long")
        # Two or more lines are always full width: the answer is a phrase.
        ctx["line_size"] = size if q.lines == 1 else "long"
        ctx["lines"] = list(range(q.lines))
        if show:
            # The other accepted wordings follow on the key's answer line.
            ctx["written"] = q.answers[0]

    @staticmethod
    def numeric(ctx: dict, item: model.WorksheetItem, show: bool) -> None:
        ctx["unit"] = item.question.unit
        if show:
            ctx["number_answer"] = format_number(item.question.answer)
            ctx["tolerance"] = format_number(item.question.tolerance) if item.question.tolerance else ""

    @staticmethod
    def matching(ctx: dict, item: model.WorksheetItem, show: bool) -> None:
        q = item.question
        ctx["left"] = [
            {"number": n, "text": p.left, **({"letter": letter_of(item.shuffled.index(p.right))} if show else {})}
            for n, p in enumerate(q.pairs, start=1)
        ]
        ctx["right"] = [{"letter": letter_of(i), "text": text} for i, text in enumerate(item.shuffled)]
        unused = len(item.shuffled) - len(q.pairs)
        if unused == 0:
            ctx["hint"] = "Write the letter of the match in each box."
        elif unused > 1:
            ctx["hint"] = f"Write the letter of the match in each box. {unused} lettered choices are not used."

    @staticmethod
    def ordering(ctx: dict, item: model.WorksheetItem, show: bool) -> None:
        q = item.question
        n = len(item.shuffled)
        ctx["hint"] = f"Write 1 to {n} in the boxes, 1 for the first."
        ctx["entries"] = [
            {"text": text, **({"position": q.items.index(text) + 1} if show else {})} for text in item.shuffled
        ]
        if show:
            ctx["correct_order"] = list(q.items)

    @staticmethod
    def open_response(ctx: dict, item: model.WorksheetItem, show: bool) -> None:
        ctx["lines"] = list(range(item.question.lines))

    @staticmethod
    def mark_the_words(ctx: dict, item: model.WorksheetItem, show: bool) -> None:
        passage = item.question.passage
        ctx["passage"] = passage
        if show:
            ctx["segments"] = marked_segments(passage, item.question.answers, item.question.optional)


def choice_layout(texts: list[str]) -> str:
    """Return how to set choices: all on one row, in two columns, or one per line."""
    longest = max((len(t) for t in texts), default=0)
    if longest <= 16 and len(texts) <= 4:
        return "row"
    if longest <= 38:
        return "columns"
    return "stacked"


def _choice(index: int, choice: model.Choice, show: bool) -> dict:
    out = {"letter": letter_of(index), "text": choice.text}
    if show:
        out["correct"] = choice.correct
    return out


def marked_segments(passage: str, phrases: tuple[str, ...], optional: tuple[str, ...] = ()) -> list[dict]:
    """Split ``passage`` into runs of text, marking the first occurrence of each phrase (``optional`` ones as such)."""
    spans: list[tuple[int, int, bool]] = []
    for phrase, either in [(p, False) for p in phrases] + [(p, True) for p in optional]:
        start = passage.find(phrase)
        while start >= 0 and any(a < start + len(phrase) and start < b for a, b, _ in spans):
            start = passage.find(phrase, start + 1)
        if start >= 0:
            spans.append((start, start + len(phrase), either))
    spans.sort()
    out, position = [], 0
    for a, b, either in spans:
        if a > position:
            out.append({"text": passage[position:a], "marked": False})
        out.append({"text": passage[a:b], "marked": True, "optional": either})
        position = b
    if position < len(passage):
        out.append({"text": passage[position:], "marked": False})
    return out


# --------------------------------------------------------------------------
# Answer key


def _key_details(worksheet: model.Worksheet, item: model.WorksheetItem, shown_at: str | None,
                 shown: dict | None = None, where: str = "") -> dict:
    """Return the teacher's details of an item.

    The claims, their verdicts and references are the same in every version,
    so a class pack's key prints them once, where the question first
    appears, and points back there after (``shown_at``); the answer,
    explanation and rubric, which marking needs at hand, print every time.
    A claim that another question already printed (``shown``: "claim:<id>" →
    where) gets its quote and verdict label here, and a pointer for the rest.
    """
    q = item.question
    skill, sub = model.SUBSKILLS[q.subskill]
    shown = shown if shown is not None else {}
    claims = []
    for cid in q.claims:
        claim = worksheet.claims.get(cid)
        if claim is None:
            continue
        source = worksheet.sources.get(claim.source)
        first, last = claim.lines
        printed_at = shown.setdefault(f"claim:{cid}", where)
        claims.append({
            "shown_at": "" if printed_at == where else printed_at,
            "quote": claim.quote.strip().strip("“”\"").strip(),
            "where": f"{source.title if source else claim.source}, {'line' if first == last else 'lines'} {first}"
                     + ("" if first == last else f"–{last}"),
            "verdict": model.VERDICT_LABELS[claim.verdict],
            "verdict_id": claim.verdict,
            "verdict_note": claim.verdict_note,
            "references": [
                # "People's Daily, People's Daily, English edition": the title often names the author already.
                {"author": "" if r.title.startswith(r.author) else r.author, "title": r.title, "year": r.year,
                 "says": r.says, **reference_link(r)} for r in claim.references
            ],
        })
    details: dict = {
        "shown_at": shown_at or "",
        # Printed again in full only where the question first appears; after
        # that the key gives the answer in words instead of the whole layout.
        "compact": bool(shown_at),
        "answer": item.key,
        "answer_words": answer_words(item),
        "explanation": q.explanation,
        "skill": skill.name,
        "subskill": f"{sub.code} {sub.name}",
        "question_id": q.id,
        "techniques": [t.replace("-", " ") for t in q.techniques],
        "teacher_note": q.teacher_note,
        "claims": [] if shown_at else claims,
        "outside_source": {"kind": q.outside_source.kind, "says": q.outside_source.says} if q.outside_source and not shown_at else None,
        "rubric": None,
        "model_answer": "",
    }
    if isinstance(q, model.OpenResponse):
        details["rubric"] = {
            "levels": [
                {"name": "Proficient", "points": q.points, "text": q.rubric.proficient},
                {"name": "Emergent", "points": _half(q.points), "text": q.rubric.emergent},
                {"name": "Basic", "points": 0, "text": q.rubric.basic},
            ],
            "patterns": [{"name": p.name, "description": p.description, "level": p.level.capitalize()} for p in q.rubric.patterns],
        }
        details["model_answer"] = q.model_answer
    return details


def reference_link(reference: model.Reference) -> dict:
    """Return how the key points to a reference: its address, or for an encyclopedia article read
    in a copy on another site, that site's name ({"url": …, "copy_at": …}).

    Where the canonical Wikipedia page was not at hand, the bank cites the article by its title
    and keeps the address of the copy that was read. A teacher looks the article up by title;
    printing a mirror's address would send a class to a site of unknown standing.
    """
    host = urlparse(reference.url).netloc
    if reference.author.startswith("Wikipedia") and host and not host.endswith("wikipedia.org"):
        return {"url": "", "copy_at": host.removeprefix("www.")}
    return {"url": reference.url, "copy_at": ""}


def answer_words(item: model.WorksheetItem) -> str:
    """Return what the key's letters and numbers stand for, in words ('' when the key says it all)."""
    q = item.question
    if isinstance(q, (model.SingleChoice, model.MultipleResponse)):
        # Choices are often whole sentences: "; " after their full stops read as ".;".
        return " · ".join(c.text for c in q.choices if c.correct)
    if isinstance(q, model.Matching):
        return "; ".join(f"{n} {p.left} → {p.right}" for n, p in enumerate(q.pairs, start=1))
    if isinstance(q, model.Ordering):
        # "5-2-3-4-1" next to "1 The unit shrinks…" reads two ways; say which is which.
        return "(the numbers in the boxes, top to bottom). In order: " + "; ".join(
            f"{n} {text}" for n, text in enumerate(q.items, start=1))
    if isinstance(q, model.ShortAnswer) and len(q.answers) > 1:
        return "also accepted: " + "; ".join(q.answers[1:])
    if isinstance(q, model.MarkTheWords) and q.optional:
        return "(credit either way, marked or not: " + "; ".join(q.optional) + ")"
    return ""


def _half(points: int) -> str:
    """Return half the points, as a rubric's middle level earns (1, 1.5)."""
    return format_number(Decimal(points) / 2)


def answer_key_contexts(worksheet: model.Worksheet, *, link: bool = True) -> list[dict]:
    """Return the answer key as documents: the answer grid, then one per version.

    Each version's key is a document of its own so its pages are numbered
    "Page n of N" within the version, as on the student's sheet. A
    one-version key is one document, grid first: its one-row grid then
    shares the first page, and one document lays out in less time than two.
    """
    recipe = worksheet.recipe
    title = f"{recipe.title} — answer key"
    shown: dict[str, str] = {}
    out = [{
        "doc": document(recipe, title, "answer_key", f"{recipe.title} · Answer key", link),
        "title": recipe.title,
        "grid": answer_grid(worksheet),
        "versions": [],
        "show_answers": True,
    }]
    for version in worksheet.versions:
        ctx = _version_context(worksheet, version, show_answers=True, shown=shown, link=link)
        out.append({"doc": ctx["doc"], "title": recipe.title, "grid": None, "versions": [ctx], "show_answers": True})
    if len(worksheet.versions) == 1:
        grid, version = out
        # The file keeps the key's title; its pages name the version, as the worksheet's do.
        return [{**grid, "doc": {**version["doc"], "title": grid["doc"]["title"]}, "versions": version["versions"]}]
    return out


#: Longest answer printed whole in a grid cell; longer ones end in "…" and
#: are given whole in the version's key.
GRID_CELL_LIMIT = 8


def grid_text(item: model.WorksheetItem) -> str:
    """Return an item's answer as one short grid cell."""
    q = item.question
    if isinstance(q, model.OpenResponse):
        return "rubric"
    if isinstance(q, model.MarkTheWords):
        noun = "phrases" if any(" " in answer.strip() for answer in q.answers) else "words"
        return f"{len(q.answers)} {noun}"
    if isinstance(q, (model.Matching, model.Ordering)):
        # "1-B, 2-D, 3-C" → "BDC"; "3-1-2-4" → "3124": what to read down the boxes.
        marks = [part.split("-")[1] for part in item.key.split(", ")] if isinstance(q, model.Matching) else item.key.split("-")
        return ("" if all(len(m) == 1 for m in marks) else " ").join(marks)
    text = item.key.replace(", ", "")  if isinstance(q, model.MultipleResponse) else item.key
    return text if len(text) <= GRID_CELL_LIMIT else text[: GRID_CELL_LIMIT - 1] + "…"


def answer_grid(worksheet: model.Worksheet) -> dict:
    """Return one table of versions × question numbers, for marking at a glance."""
    width = max(len(v.items) for v in worksheet.versions)
    rows = []
    for version in worksheet.versions:
        cells = [{"text": grid_text(item), "points": item.question.points, "kind": item.question.kind} for item in version.items]
        cells += [None] * (width - len(cells))
        rows.append({"letter": version.letter, "cells": cells, "points": version.points})
    # Wide tables are split into column blocks so each fits the page width.
    per_block = 12
    blocks = []
    for start in range(0, width, per_block):
        numbers = list(range(start + 1, min(width, start + per_block) + 1))
        blocks.append({
            "numbers": numbers,
            "rows": [{"letter": r["letter"], "points": r["points"], "cells": r["cells"][start : start + per_block]} for r in rows],
            "last": start + per_block >= width,
        })
    return {"blocks": blocks, "versions": len(rows), "questions": width}
