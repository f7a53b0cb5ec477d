"""Worksheet → template context: exactly what each page prints, computed here.

Templates only loop, test booleans and print. Numbering, letters, point
totals, answer-line sizes, excerpt numbering and citations are worked out
here, once, in plain text (the templates escape it).

A student worksheet's context holds no answer at all: no key, no
explanation, no rubric, no ``correct`` flag on a choice. The answer key has
contexts of its own (``answer_key_contexts``) and shares no question layout
with the worksheet, and StrictUndefined turns any slip (an answer field
read while rendering a worksheet) into an error instead of a leak.
"""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import urlparse

from quizgen import excerpts as trimming
from quizgen import model, timing
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
from quizgen.manifest import build_id

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

#: Most write-on lines an open response keeps on one page; more may run on to the next.
OPEN_LINES_WHOLE = 4

#: Width of a short-answer line, by the length of the longest accepted answer.
_LINE_SIZES = ((14, "short"), (32, "medium"))


def document(recipe: model.Recipe, title: str, kind: str, running: str, link: bool = True) -> dict:
    """Return the ``doc`` part of a context: <title>, stylesheets and body classes.

    With ``link=False`` the page carries no <link> to its stylesheets: the
    PDF renderer applies them already parsed, once per process instead of
    once per version.
    """
    sheets = ["css/print.css", f"css/paper-{recipe.paper}.css", "css/worksheet.css"]
    # Large print is for the students' pages (the key, the teacher's, has its own _key_document).
    if recipe.large_print:
        sheets.append("css/large-print.css")
    classes = [kind.replace("_", "-"), f"paper-{recipe.paper}"] + (["large-print"] if recipe.large_print else [])
    return {"title": title, "stylesheets": sheets, "link": link, "classes": " ".join(classes), "running": running, "lang": "en"}


def blank_page_context(recipe: model.Recipe, *, link: bool = True) -> dict:
    """Return the context of the blank page a double-sided class pack puts after an odd-length version."""
    return {"doc": document(recipe, recipe.title, "blank_page", recipe.title, link)}


# --------------------------------------------------------------------------
# Student worksheet


def worksheet_context(worksheet: model.Worksheet, version: model.Version, *, link: bool = True) -> dict:
    """Return the context of one version's student worksheet (no answers in it)."""
    recipe = worksheet.recipe
    instructions = dict(recipe.skill_instructions)
    seen = passage_plan(worksheet, version)  # where each excerpt prints
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
        parts[-1]["questions"].append(_item(worksheet, version, item, seen))
    count = len(version.items)
    # No-break spaces: where the running title wraps (large print), "Version A" stays whole.
    running = f"{recipe.title} ·\u00a0Version\u00a0{version.letter}"
    return {
        "doc": document(recipe, f"{recipe.title} — Version {version.letter}", "worksheet", running, link),
        "title": recipe.title,
        "instructions": recipe.instructions,
        "version": version.letter,
        "summary": f"{count} question{'s' if count != 1 else ''} · {version.points} point{'s' if version.points != 1 else ''}",
        "points": version.points,
        "time": f"about {timing.version_minutes(version)} minutes",
        "parts": parts,
        "source_texts": not recipe.excerpts and bool(cited_sources(worksheet)),
        "large_print": recipe.large_print,
        "multi_part": len(parts) > 1,
    }


def _item(worksheet: model.Worksheet, version: model.Version, item: model.WorksheetItem, seen: dict) -> dict:
    q = item.question
    anchor = f"v{version.letter}-q{item.number}"
    ctx: dict = {
        "number": item.number,
        "kind": q.kind,
        "partial": f"partials/{q.kind}.html.j2",
        "stem": q.stem,
        # The stem's own line breaks, kept in print as in the exports (a <br> between lines).
        "stem_lines": [" ".join(line.split()) for line in q.stem.strip("\n").split("\n")],
        "points": q.points,
        "hint": KIND_HINTS[q.kind],
        # Hint and answer space on one line: a true/false, a number box, one short write-on line.
        "inline_response": False,
        # A response of many rows may break between them; a short one stays whole.
        "long_response": False,
        "anchor": anchor,
        "end_anchor": f"{anchor}-end",
        "passages": [],
        "excerpts": [],
        "see_refs": [],
        "see_excerpts": [],
        "citation": "",
        "quoted_from": "",
        "card": None,
        "look_it_up": model.LOOK_IT_UP in q.tags,
        "look_where": "",
    }
    if not q.print_excerpts:
        ctx["quoted_from"] = quoted_from(worksheet, item)
    elif worksheet.recipe.excerpts or isinstance(q, model.MarkTheWords):
        _excerpts(worksheet, item, seen, ctx)  # a passage to mark is printed either way
    else:
        # Printed without excerpts: point to the lines in the source texts handed out with it.
        ctx["quoted_from"] = quoted_from(worksheet, item, "In the source texts: ")
    card = outside_card(q)
    if worksheet.recipe.cards:
        ctx["card"] = card
    elif card is not None and not q.outside_source.in_stem:
        # The verdict rests on the card's evidence; without the card, students must find it.
        ctx["look_it_up"] = True
        ctx["look_where"] = card["kind"]
    getattr(_Kinds, q.kind.replace("-", "_"))(ctx, item)
    if "choice_layout" in ctx and worksheet.recipe.large_print:
        ctx["choice_layout"] = choice_layout([c["text"] for c in ctx["choices"]], large=True)
        ctx["long_response"] = ctx["choice_layout"] == "stacked" and len(ctx["choices"]) > 3
    return ctx


def _excerpts(worksheet: model.Worksheet, item: model.WorksheetItem, seen: dict, ctx: dict) -> None:
    """Give an item its part of the version's passage plan (``seen``, see passage_plan)."""
    if isinstance(item.question, model.MarkTheWords):
        # The passage to mark is the excerpt; print only where it comes from.
        excerpt = item.excerpts[0] if item.excerpts else None
        if excerpt is not None:
            ctx["citation"] = citation(worksheet.sources[excerpt.source], excerpt.first, excerpt.last)
        return
    plan = seen.get(item.number, {})
    ctx["passages"] = plan.get("passages", [])
    ctx["excerpts"] = plan.get("excerpts", [])
    ctx["see_refs"] = plan.get("see", [])
    # The same pointers as plain sentences, for a page without page numbers (the screen pages).
    ctx["see_excerpts"] = [f"Use {see['excerpts']}, above question {see['question']}." if see["above"]
                           else f"Use {see['excerpts']} (with question {see['question']})." for see in ctx["see_refs"]]


# --------------------------------------------------------------------------
# Excerpts: which prints where


def _printable(worksheet: model.Worksheet, item: model.WorksheetItem) -> bool:
    q = item.question
    return worksheet.recipe.excerpts and q.print_excerpts and not isinstance(q, model.MarkTheWords)


def _lines(item: model.WorksheetItem) -> set[tuple[str, int]]:
    return {(e.source, n) for e in item.excerpts for n in range(e.first, e.last + 1)}


def passage_groups(worksheet: model.Worksheet, version: model.Version) -> list[list[model.WorksheetItem]]:
    """Return the version's items in runs: consecutive questions of one part that print lines of the same passage.

    Assembly puts such questions next to each other (assemble.group_by_passage);
    a run of one is a question with passages of its own.
    """
    runs: list[list[model.WorksheetItem]] = []
    shared: set[tuple[str, int]] = set()
    for item in version.items:
        lines = _lines(item) if _printable(worksheet, item) else set()
        if runs and lines & shared and runs[-1][-1].question.skill == item.question.skill:
            runs[-1].append(item)
            shared |= lines
        else:
            runs.append([item])
            shared = set(lines)
    return runs


def passage_plan(worksheet: model.Worksheet, version: model.Version) -> dict[int, dict]:
    """Return, per question number, the excerpts it prints and the earlier ones it points to.

    Excerpts are numbered in print order. Questions of a part that use the
    same passage follow one another (assembly groups them) and the passage
    is printed once, above the first of them ("passages"), with the
    questions it serves named in its label; each of them points to it. A
    question's other passages print with it, one box per source ("excerpts"),
    unless exactly those lines were printed earlier in the version, for a
    question of another part: then it points back to them, with the page
    ("see").
    """
    plan = _Plan(worksheet, version)
    for run in passage_groups(worksheet, version):
        plan.place(run)
    return plan.entries


class _Plan:
    """The excerpts of one version as they are placed, question by question (see passage_plan)."""

    def __init__(self, worksheet: model.Worksheet, version: model.Version):
        self.worksheet, self.version = worksheet, version
        self.entries: dict[int, dict] = {}
        self.printed: list[tuple[dict[tuple[str, int], str], dict]] = []  # (lines printed, excerpt context)
        self.cited: dict[str, int] = {}  # source -> the excerpt that cites it in full

    def place(self, run: list[model.WorksheetItem]) -> None:
        """Place a run's shared passages above its first question, then each question's own excerpts."""
        shared = _shared_sources(run)
        first = run[0].number
        above, before = self._shared(run, shared)
        for item in run:
            entry = self.entries.setdefault(item.number, {"passages": [], "excerpts": [], "see": []})
            if not _printable(self.worksheet, item):
                continue
            if item.number == first:
                entry["passages"] = above
            elif above:
                entry["see"].append({"excerpts": _excerpt_names([p["number"] for p in above]),
                                     "question": first, "target": "", "above": True})
            for earlier in before:
                self._point_back(entry, earlier)
            own = [e for e in item.excerpts if e.source not in shared]
            for source_id in dict.fromkeys(e.source for e in own):
                self._print_or_point(entry, item.number, source_id, [e for e in own if e.source == source_id])

    def _shared(self, run: list[model.WorksheetItem], shared: list[str]) -> tuple[list[dict], list[dict]]:
        """Return a run's passages to print above it, and those printed as they are earlier in the version."""
        label = f"for questions {_span_label([i.number for i in run])}"
        above, before = [], []
        for source_id in shared:
            lines = union_lines(self.worksheet, [e for i in run for e in i.excerpts if e.source == source_id])
            earlier = _printed_before(self.printed, source_id, lines)
            if earlier is None:
                above.append(self._add(source_id, lines, run[0].number, label))
            else:
                before.append(earlier)
        return above, before

    def _print_or_point(self, entry: dict, question: int, source_id: str, excerpts: list[model.Excerpt]) -> None:
        lines = union_lines(self.worksheet, excerpts)
        earlier = _printed_before(self.printed, source_id, lines)
        if earlier is None:
            entry["excerpts"].append(self._add(source_id, lines, question))
        else:
            self._point_back(entry, earlier)

    def _add(self, source_id: str, lines: dict[int, str], question: int, label: str = "") -> dict:
        number = len(self.printed) + 1
        excerpt = _excerpt_context(self.worksheet, self.version, number, source_id, lines, question, label,
                                   self.cited.setdefault(source_id, number))
        self.printed.append(({(source_id, n): text for n, text in lines.items()}, excerpt))
        return excerpt

    @staticmethod
    def _point_back(entry: dict, earlier: dict) -> None:
        entry["see"].append({"excerpts": _excerpt_names([earlier["number"]]), "question": earlier["question"],
                             "target": earlier["anchor"], "above": False})


def _shared_sources(run: list[model.WorksheetItem]) -> list[str]:
    """Return the sources whose lines two or more questions of a run print."""
    if len(run) < 2:
        return []
    counts: dict[str, int] = {}
    for item in run:
        for source_id in dict.fromkeys(e.source for e in item.excerpts):
            counts[source_id] = counts.get(source_id, 0) + 1
    return [sid for sid, n in counts.items() if n > 1]


def _printed_before(printed: list, source_id: str, lines: dict[int, str]) -> dict | None:
    """Return the earlier excerpt that printed exactly these lines, or None."""
    for done, excerpt in printed:
        if all(done.get((source_id, n)) == text for n, text in lines.items()):
            return excerpt
    return None


def union_lines(worksheet: model.Worksheet, excerpts: list[model.Excerpt]) -> dict[int, str]:
    """Return {line number: text} printing every line of ``excerpts`` (one source) with what each of them needs.

    A line some excerpt prints whole is printed whole; else it keeps the
    sentences any of them needs (see quizgen.excerpts), with less context in
    large print. For one excerpt in regular print that is its own ``lines``.
    """
    large = worksheet.recipe.large_print
    if len(excerpts) == 1 and not large:
        e = excerpts[0]
        return {e.first + i: text for i, text in enumerate(e.lines)}
    needs: dict[int, tuple[str, ...] | None] = {}
    for e in excerpts:
        for n in range(e.first, e.last + 1):
            if not e.needs or needs.get(n, ()) is None:
                needs[n] = None
            else:
                needs[n] = needs.get(n, ()) + e.needs
    source = worksheet.sources[excerpts[0].source]
    return {n: source.lines[n - 1] if want is None else trimming.trim(source.lines[n - 1], want, large)
            for n, want in sorted(needs.items())}


def _excerpt_names(numbers: list[int]) -> str:
    """Return 'excerpt 4' or 'excerpts 4 and 5'."""
    return f"excerpt{'s' if len(numbers) > 1 else ''} {_and([str(n) for n in numbers])}"


def _span_label(numbers: list[int]) -> str:
    """Return '5 and 6', '5–7'."""
    if len(numbers) > 2 and numbers == list(range(numbers[0], numbers[-1] + 1)):
        return f"{numbers[0]}–{numbers[-1]}"
    return _and([str(n) for n in numbers])


def _excerpt_context(worksheet: model.Worksheet, version: model.Version, number: int, source_id: str,
                     lines: dict[int, str], question: int, label: str, cited_in: int) -> dict:
    """Return what an excerpt box prints: its lines ("…" between separate passages), citation and repair note.

    The first excerpt of a source in a version cites it in full; a later one
    (``cited_in`` is an earlier excerpt's number) names that excerpt and its
    own lines: "Same source as excerpt 2; lines 8 and 12."
    """
    source = worksheet.sources[source_id]
    ranges = line_runs(sorted(lines))
    printed: list[dict] = []
    for first, last in ranges:
        if printed:
            printed.append({"gap": True})
        printed += [{"n": n, "text": lines[n]} for n in range(first, last + 1)]
    return {
        "number": number,
        "anchor": f"v{version.letter}-excerpt-{number}",
        "label": label,
        "lines": printed,
        "citation": citation(source, ranges) if cited_in == number
                    else f"Same source as excerpt {cited_in}; {line_label(ranges)}.",
        "repairs": repair_note(source, ranges),
        "question": question,
    }


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




class _Kinds:
    """Per-kind parts of an item's context (what the student sees: no answers)."""

    @staticmethod
    def single_choice(ctx: dict, item: model.WorksheetItem) -> None:
        choices = item.question.choices
        ctx["choices"] = [{"letter": letter_of(i), "text": c.text} for i, c in enumerate(choices)]
        ctx["choice_layout"] = choice_layout([c.text for c in choices])
        ctx["long_response"] = ctx["choice_layout"] == "stacked" and len(choices) > 3

    multiple_response = single_choice

    @staticmethod
    def true_false(ctx: dict, item: model.WorksheetItem) -> None:
        ctx["inline_response"] = True
        ctx["choices"] = [{"letter": "T", "text": "True"}, {"letter": "F", "text": "False"}]

    @staticmethod
    def short_answer(ctx: dict, item: model.WorksheetItem) -> None:
        q = item.question
        longest = max(len(a) for a in q.answers)
        size = next((name for limit, name in _LINE_SIZES if longest <= limit), "long")
        # Two or more lines are always full width: the answer is a phrase.
        ctx["line_size"] = size if q.lines == 1 else "long"
        ctx["lines"] = list(range(q.lines))
        ctx["inline_response"] = ctx["line_size"] != "long"

    @staticmethod
    def numeric(ctx: dict, item: model.WorksheetItem) -> None:
        ctx["inline_response"] = True
        ctx["unit"] = item.question.unit

    @staticmethod
    def matching(ctx: dict, item: model.WorksheetItem) -> None:
        q = item.question
        ctx["left"] = [{"number": n, "text": p.left} for n, p in enumerate(q.pairs, start=1)]
        ctx["right"] = [{"letter": letter_of(i), "text": text} for i, text in enumerate(item.shuffled)]
        ctx["match_layout"] = match_layout(item.shuffled)
        ctx["long_response"] = True
        # Side by side, row by row: a page may break between rows, never inside one.
        ctx["rows"] = [{"left": ctx["left"][k] if k < len(ctx["left"]) else None,
                        "right": ctx["right"][k] if k < len(ctx["right"]) else None}
                       for k in range(max(len(ctx["left"]), len(ctx["right"])))]
        unused = len(item.shuffled) - len(q.pairs)
        if unused == 0:
            ctx["hint"] = "Write the letter of the match in each box."
        elif unused > 1:
            ctx["hint"] = f"Write the letter of the match in each box. {unused} lettered choices are not used."

    @staticmethod
    def ordering(ctx: dict, item: model.WorksheetItem) -> None:
        ctx["hint"] = f"Write 1 to {len(item.shuffled)} in the boxes, 1 for the first."
        ctx["long_response"] = True
        ctx["entries"] = [{"text": text} for text in item.shuffled]

    @staticmethod
    def open_response(ctx: dict, item: model.WorksheetItem) -> None:
        ctx["lines"] = list(range(item.question.lines))
        ctx["long_response"] = item.question.lines > OPEN_LINES_WHOLE

    @staticmethod
    def mark_the_words(ctx: dict, item: model.WorksheetItem) -> None:
        from quizgen.responses import passage_tokens

        passage = item.question.passage
        ctx["passage"] = passage
        # Word by word, as the fillable form sets it (a box over each word): the two then wrap alike.
        ctx["words"] = [{"text": text, "word": index is not None} for text, index in passage_tokens(passage)]


#: Longest choice set four to a row, two to a row; longer ones take a line each.
#: (At 10 pt a quarter of the text width holds about 20 characters a line, half of it about 46.)
CHOICE_COLUMNS = ((18, 4), (44, 2))
#: The same in large print (16 pt, the full width of the page).
LARGE_CHOICE_COLUMNS = ((12, 4), (28, 2))
#: Longest right-hand text of a matching question printed as a row of lettered
#: matches above the prompts (a "word bank"); longer ones sit beside the prompts.
MATCH_BANK_LIMIT = 28


def choice_layout(texts: list[str], large: bool = False) -> str:
    """Return how to set choices: four to a row ("grid-4"), two ("grid-2"), or one per line ("stacked")."""
    longest = max((len(t) for t in texts), default=0)
    for limit, columns in LARGE_CHOICE_COLUMNS if large else CHOICE_COLUMNS:
        if longest <= limit:
            return f"grid-{columns}"
    return "stacked"


def match_layout(right: tuple[str, ...] | list[str]) -> str:
    """Return how to set a matching question: short matches as a lettered "bank" above the prompts, else "table"."""
    return "bank" if max((len(t) for t in right), default=0) <= MATCH_BANK_LIMIT else "table"


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


def rubric_levels(question: model.OpenResponse) -> dict:
    """Return an open question's rubric as the key prints it: three levels with points, and patterns."""
    q = question
    return {
        "levels": [
            {"name": "Proficient", "points": q.points, "text": q.rubric.proficient},
            {"name": "Emergent", "points": _half(q.points), "text": q.rubric.emergent},
            {"name": "Basic", "points": 0, "text": q.rubric.basic},
        ],
        "patterns": [{"name": p.name, "description": p.description, "level": p.level.capitalize()} for p in q.rubric.patterns],
    }


#: Longest quote a claim explained elsewhere in the key is named by; longer ones are cut at a word.
SHORT_QUOTE = 40


def _claim_details(worksheet: model.Worksheet, claim_id: str, shown: dict, where: str) -> dict | None:
    """Return what the key prints of a claim: quote, place, verdict and references.

    ``shown`` maps "claim:<id>" to where the claim was first printed in full;
    a later mention names that place (``shown_at``) instead of repeating it.
    """
    claim = worksheet.claims.get(claim_id)
    if claim is None:
        return None
    source = worksheet.sources.get(claim.source)
    first, last = claim.lines
    printed_at = shown.setdefault(f"claim:{claim_id}", where)
    quote = claim.quote.strip().strip("“”\"").strip()
    return {
        "shown_at": "" if printed_at == where else printed_at,
        "quote": quote,
        "short_quote": quote if len(quote) <= SHORT_QUOTE else quote[: quote.rfind(" ", 0, SHORT_QUOTE)].rstrip(",;:") + " …",
        "where": f"{source.title if source else claim.source}, {'line' if first == last else 'lines'} {first}"
                 + ("" if first == last else f"–{last}"),
        # The key names sources by id, with a legend: whole titles took a line per claim.
        "at": f"{claim.source}, {line_label([(first, last)])}",
        "source": claim.source,
        "verdict": model.VERDICT_LABELS[claim.verdict],
        "verdict_id": claim.verdict,
        "verdict_note": claim.verdict_note,
        "references": [
            # "People's Daily, People's Daily, English edition": the title often names the author already.
            {"author": "" if r.title.startswith(r.author) else r.author, "title": r.title, "year": r.year,
             "says": r.says, **reference_link(r)} for r in claim.references
        ],
    }


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


def _half(points: int) -> str:
    """Return half the points, as a rubric's middle level earns (1, 1.5)."""
    return format_number(Decimal(points) / 2)


def answer_key_contexts(worksheet: model.Worksheet, *, link: bool = True) -> list[dict]:
    """Return the answer key as one document: the answer grid, then each distinct question once.

    The grid gives every version's answers by position; each cell names
    the entry (a number) that explains it. The entries follow, one per
    question however many versions ask it, grouped by skill, each with the
    positions it holds ("A3 C · B7 A"). A list of one for the callers that
    render documents.
    """
    recipe = worksheet.recipe
    entries = key_entries(worksheet)
    numbers = {entry["question_id"]: entry["number"] for group in entries for entry in group["entries"]}
    grid = answer_grid(worksheet, numbers)
    distinct = len(numbers)
    versions = len(worksheet.versions)
    return [{
        "doc": _key_document(recipe, link),
        "title": recipe.title,
        "summary": " · ".join([
            "Answer key", f"{versions} version{'s' if versions != 1 else ''}",
            f"{grid['questions']} question{'s' if grid['questions'] != 1 else ''} each"
            if versions > 1 else f"{grid['questions']} question{'s' if grid['questions'] != 1 else ''}",
            *([f"{distinct} different questions"] if versions > 1 else []),
        ]),
        "build_id": build_id(worksheet),
        "grid": grid,
        "groups": entries,
        "sources": _key_sources(worksheet, entries),
        "many_versions": versions > 1,
    }]


def _key_sources(worksheet: model.Worksheet, groups: list[dict]) -> list[dict]:
    """Return the sources the key's claims come from, as its legend names them (id → title)."""
    ids = sorted({claim["source"] for group in groups for entry in group["entries"] for claim in entry["claims"]})
    return [{"id": sid, "title": worksheet.sources[sid].title if sid in worksheet.sources else sid} for sid in ids]


def _key_document(recipe: model.Recipe, link: bool) -> dict:
    """Return the key's ``doc``: its own stylesheets (the key prints no question layout), regular print."""
    title = f"{recipe.title} — answer key"
    return {
        "title": title,
        "stylesheets": ["css/print.css", f"css/paper-{recipe.paper}.css", "css/answer_key.css"],
        "link": link,
        "classes": f"answer-key paper-{recipe.paper}",
        "running": f"{recipe.title} · Answer key",
        "lang": "en",
    }


def key_entries(worksheet: model.Worksheet) -> list[dict]:
    """Return the key's entries grouped by skill: each distinct question once, numbered from 1.

    Within a skill, questions come in the order they first appear (version
    A's order, then what later versions add), so a one-version key follows
    the sheet. A claim several questions stand on is printed in full under
    the first of them and named after that.
    """
    asked: dict[str, list[tuple[model.Version, model.WorksheetItem]]] = {}
    for version in worksheet.versions:
        for item in version.items:
            asked.setdefault(item.question.id, []).append((version, item))
    skill_rank = {skill.id: n for n, skill in enumerate(model.SKILLS)}
    ordered = sorted(asked.values(), key=lambda uses: skill_rank.get(uses[0][1].question.skill, len(skill_rank)))
    shown: dict[str, str] = {}
    groups: list[dict] = []
    for number, uses in enumerate(ordered, start=1):
        skill = model.SKILLS_BY_ID[uses[0][1].question.skill]
        if not groups or groups[-1]["skill_id"] != skill.id:
            groups.append({"skill_id": skill.id, "skill": skill.name, "entries": []})
        groups[-1]["entries"].append(_key_entry(worksheet, number, uses, shown))
    return groups


#: Kinds whose key depends on the version's shuffle: the entry gives it per position.
SHUFFLED_KINDS = ("single-choice", "multiple-response", "matching", "ordering")


def _key_entry(worksheet: model.Worksheet, number: int, uses: list, shown: dict) -> dict:
    """Return one entry of the key: a question, what answers it, and where every version asks it."""
    first = uses[0][1]
    q = first.question
    skill, sub = model.SUBSKILLS[q.subskill]
    where = f"entry {number}"
    parametric = bool(q.instance)
    # A parametric question's cases may stand on different claims: the entry gives them all.
    claims = list(dict.fromkeys(cid for _, item in uses for cid in item.question.claims))
    entry: dict = {
        "number": number,
        "anchor": f"entry-{number}",
        "question_id": q.id,
        "kind": q.kind,
        "stem": q.stem,
        "meta": " · ".join([f"{sub.code} {sub.name}", _plural_points(q.points), *(t.replace("-", " ") for t in q.techniques)]),
        "skill": skill.name,
        "positions": [{"at": f"{v.letter}{item.number}", "key": _position_key(item)} for v, item in uses],
        # A parametric question's answer differs by version: the table gives each.
        "answer": "" if parametric else _entry_answer(first),
        "segments": marked_segments(q.passage, q.answers, q.optional) if isinstance(q, model.MarkTheWords) else [],
        "instances": _instance_table(uses) if parametric else None,
        "explanation": q.explanation,
        "model_answer": q.model_answer if isinstance(q, model.OpenResponse) else "",
        "rubric": rubric_levels(q) if isinstance(q, model.OpenResponse) else None,
        "claims": [_unquoted(c, q) for c in (_claim_details(worksheet, cid, shown, where) for cid in claims) if c is not None],
        "outside_source": {"kind": q.outside_source.kind, "says": q.outside_source.says} if q.outside_source else None,
        "teacher_note": q.teacher_note,
    }
    return entry


def _unquoted(claim: dict, question: model.Question) -> dict:
    """Return a claim without its quote when the entry already prints it (in the stem or the passage to mark)."""
    printed = " ".join([question.stem, getattr(question, "passage", "")])
    return {**claim, "quote": ""} if claim["quote"] and claim["quote"] in printed else claim


def _plural_points(points: int) -> str:
    return f"{points} point{'s' if points != 1 else ''}"


def _position_key(item: model.WorksheetItem) -> str:
    """Return what to look for at one position when the shuffle changes it: 'C', 'BDC', '5-2-3-4-1'; else ''."""
    q = item.question
    if q.kind not in SHUFFLED_KINDS:
        return ""
    if isinstance(q, model.Matching):
        return "".join(part.split("-")[1] for part in item.key.split(", "))
    return item.key.replace(", ", "")


def _entry_answer(item: model.WorksheetItem) -> str:
    """Return the answer in words, the same in every version (letters are per position)."""
    q = item.question
    if isinstance(q, (model.SingleChoice, model.MultipleResponse)):
        return " · ".join(c.text for c in q.choices if c.correct)
    if isinstance(q, model.Matching):
        return "; ".join(f"{p.left} → {p.right}" for p in q.pairs)
    if isinstance(q, model.Ordering):
        return "In order: " + "; ".join(f"{n} {text}" for n, text in enumerate(q.items, start=1))
    if isinstance(q, model.ShortAnswer):
        return q.answers[0] + (f" (also accepted: {'; '.join(q.answers[1:])})" if len(q.answers) > 1 else "")
    if isinstance(q, model.OpenResponse):
        return "Mark with the rubric."
    if isinstance(q, model.MarkTheWords):
        either = f" (credit either way, marked or not: {'; '.join(q.optional)})" if q.optional else ""
        return "Circled: " + "; ".join(q.answers) + either
    return item.key  # true/false, numeric


#: Most values of a parametric case given a column each; more share one cell ("first date 1945-08-09; …"),
#: as narrow columns of dates and events made a table taller than the rest of its entry.
INSTANCE_COLUMNS = 2


def _instance_table(uses: list) -> dict:
    """Return a parametric question's values and answers: one row per drawn case, with its positions."""
    first = uses[0][1].question
    names = [name for name, _ in first.instance if name != "answer"]
    joined = len(names) > INSTANCE_COLUMNS
    rows: dict[tuple, dict] = {}
    for version, item in uses:
        values = dict(item.question.instance)
        texts = [_value_text(values[name]) for name in names]
        row = rows.setdefault(item.question.instance, {
            "values": ["; ".join(f"{n.replace('_', ' ')} {t}" for n, t in zip(names, texts))] if joined else texts,
            "answer": _value_text(values["answer"]) if "answer" in values else item.key,
            "positions": [],
        })
        key = _position_key(item)
        row["positions"].append(f"{version.letter}{item.number}" + (f" {key}" if key else ""))
    version, item = uses[0]
    return {"names": ["values"] if joined else [name.replace("_", " ") for name in names], "rows": list(rows.values()),
            "worded_as": f"{version.letter}{item.number}"}


def _value_text(value: object) -> str:
    return format_number(value) if isinstance(value, Decimal) else str(value)


#: Longest answer printed whole in a grid cell; longer ones end in "…" and
#: are given whole in their entry.
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
    text = item.key.replace(", ", "") if isinstance(q, model.MultipleResponse) else item.key
    return text if len(text) <= GRID_CELL_LIMIT else text[: GRID_CELL_LIMIT - 1] + "…"


def answer_grid(worksheet: model.Worksheet, entries: dict[str, int] | None = None) -> dict:
    """Return one table of versions × question numbers, for marking at a glance.

    ``entries`` maps question ids to their entry numbers in the key; each
    cell then names the entry that explains it.
    """
    entries = entries or {}
    width = max(len(v.items) for v in worksheet.versions)
    rows = []
    for version in worksheet.versions:
        cells = [{"text": grid_text(item), "points": item.question.points, "kind": item.question.kind,
                  "entry": entries.get(item.question.id, "")} for item in version.items]
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


# --------------------------------------------------------------------------
# Answer-sheet mode: a reusable booklet per version, a short answer sheet per student


#: What a booklet tells the student to do, per kind: the answer goes on the answer sheet.
BOOKLET_HINTS: dict[str, str] = {
    "single-choice": "On your answer sheet, fill in one bubble.",
    "multiple-response": "On your answer sheet, fill in every box that applies.",
    "true-false": "On your answer sheet, fill in T or F.",
    "short-answer": "Write your answer in the box on your answer sheet.",
    "numeric": "Write the number in the box on your answer sheet.",
    "matching": "On your answer sheet, fill in one letter for each numbered item.",
    "ordering": "On your answer sheet, give each lettered item its place: 1 for the first.",
    "open-response": "Write your answer in full sentences on your answer sheet.",
    "mark-the-words": "On your answer sheet, write each word or phrase you would circle.",
}

#: Ruled lines an answer sheet gives a mark-the-words question: the words are
#: copied out instead of circled (the same number for every such question, so
#: the lines do not tell how many words to find).
MARK_THE_WORDS_LINES = 3


def booklet_context(worksheet: model.Worksheet, version: model.Version, *, link: bool = True) -> dict:
    """Return the context of one version's question booklet: the worksheet without room to write.

    The booklet is reused from class to class: no name fields, no boxes,
    bubbles or lines to write in (``answer_space`` false, and
    css/booklet.css for what the templates still draw); each hint says to
    answer on the answer sheet; a timeline's items are lettered, as the
    answer sheet's grid names them.
    """
    recipe = worksheet.recipe
    ctx = worksheet_context(worksheet, version, link=link)
    doc = ctx["doc"]
    ctx["doc"] = {
        **doc,
        "title": f"{recipe.title} — Version {version.letter} booklet",
        "stylesheets": [*doc["stylesheets"], "css/booklet.css"],
        "classes": f"{doc['classes']} booklet",
    }
    ctx["answer_space"] = False
    note = (f"Question booklet, Version {version.letter}: do not write in it. "
            f"Answer on the Version {version.letter} answer sheet.")
    ctx["instructions"] = f"{note} {ctx['instructions']}".strip()
    for part in ctx["parts"]:
        for item in part["questions"]:
            item["hint"] = BOOKLET_HINTS[item["kind"]]
            if item["kind"] == "matching" and (unused := len(item["right"]) - len(item["left"])):
                item["hint"] += " One lettered choice is not used." if unused == 1 else f" {unused} lettered choices are not used."
    return ctx


def student_versions(worksheet: model.Worksheet) -> list[tuple[int | None, model.Version]]:
    """Return the answer sheets a class pack holds: (student number, version), versions dealt round-robin.

    Without ``students`` in the recipe, one blank sheet per version (student None), to copy.
    """
    versions = worksheet.versions
    count = worksheet.recipe.students
    if not count:
        return [(None, version) for version in versions]
    return [(n, versions[(n - 1) % len(versions)]) for n in range(1, count + 1)]


def answer_sheet_context(worksheet: model.Worksheet, version: model.Version, *, link: bool = True) -> dict:
    """Return the context of a version's answer sheet: a row per question, sized by kind, no answers.

    Bubbles for choice and true/false, a box for a number or a short answer,
    a grid for matching (numbered items × letters) and ordering (lettered
    items × places), ruled lines for open answers and for the words a
    mark-the-words question asks for. The header names the version and the
    build id, so a marks sheet can be tied to the build. The sheet is the
    same for every student of a version, so it is laid out once; each
    student's number is stamped on it (``answer_sheet_stamp_context``).
    """
    recipe = worksheet.recipe
    return {
        "doc": _sheet_document(recipe, f"{recipe.title} — Version {version.letter} answer sheet",
                               f"Answer sheet · Version {version.letter}", link),
        "title": recipe.title,
        "version": version.letter,
        "build_id": build_id(worksheet),
        "points": version.points,
        "summary": f"{len(version.items)} questions · {_plural_points(version.points)}",
        "blocks": answer_blocks([_answer_row(item) for item in version.items]),
    }


def answer_sheet_stamp_context(worksheet: model.Worksheet, version: model.Version, student: int, *,
                               link: bool = True) -> dict:
    """Return the context of what is printed over one student's copy of a sheet: 'Student 7 of 30 · Version A'."""
    recipe = worksheet.recipe
    label = f"Student {student} of {recipe.students}"
    doc = _sheet_document(recipe, f"{recipe.title} — {label}", "", link)
    return {"doc": {**doc, "classes": f"{doc['classes']} as-stamp-page"}, "label": f"{label} · Version {version.letter}"}


def _sheet_document(recipe: model.Recipe, title: str, running: str, link: bool) -> dict:
    # The booklets' stylesheets and the sheet's own: booklets and sheets are laid out in one job.
    return {
        "title": title,
        "stylesheets": ["css/print.css", f"css/paper-{recipe.paper}.css", "css/answer_sheet.css"],
        "link": link,
        "classes": f"answer-sheet paper-{recipe.paper}",
        "running": running,
        "lang": "en",
    }


def answer_blocks(rows: list[dict]) -> list[dict]:
    """Group answer rows for the page: a run of short rows in two columns, rows of ruled lines across.

    Each run is cut where the two columns come out most even (rows read down
    the left column, then the right). Worked out here: CSS columns with
    spanning rows took WeasyPrint most of a second a page.
    """
    blocks: list[dict] = []
    run: list[dict] = []

    def close_run() -> None:
        if run:
            heights = [_row_height(row) for row in run]
            cut = min(range(1, len(run) + 1), key=lambda k: (max(sum(heights[:k]), sum(heights[k:])), -k))
            blocks.append({"wide": None, "left": run[:cut], "right": run[cut:]})
            run.clear()

    for row in rows:
        if row["space"] == "lines":
            close_run()
            blocks.append({"wide": row, "left": [], "right": []})
        else:
            run.append(row)
    close_run()
    return blocks


def _row_height(row: dict) -> float:
    """Return a row's height in rows of bubbles (a grid adds one per line of bubbles)."""
    return 1 + 0.8 * len(row["grid"]["rows"]) if row["grid"] else 1


def _answer_row(item: model.WorksheetItem) -> dict:
    """Return one question's row on the answer sheet: its number, points and the space its kind needs."""
    q = item.question
    row: dict = {"number": item.number, "points": q.points, "kind": q.kind, "space": "", "unit": "",
                 "marks": [], "grid": None, "lines": 0, "note": ""}
    if isinstance(q, (model.SingleChoice, model.MultipleResponse)):
        row["space"] = "boxes" if isinstance(q, model.MultipleResponse) else "bubbles"
        row["marks"] = [letter_of(i) for i in range(len(q.choices))]
    elif isinstance(q, model.TrueFalse):
        row["space"], row["marks"] = "bubbles", ["T", "F"]
    elif isinstance(q, model.Numeric):
        row["space"], row["unit"] = "number", q.unit
    elif isinstance(q, model.ShortAnswer):
        row["space"] = "words"
    elif isinstance(q, model.Matching):
        row["space"] = "grid"
        row["grid"] = {"rows": [str(n) for n in range(1, len(q.pairs) + 1)],
                       "columns": [letter_of(i) for i in range(len(item.shuffled))], "corner": "Item"}
    elif isinstance(q, model.Ordering):
        row["space"] = "grid"
        row["grid"] = {"rows": [letter_of(i) for i in range(len(item.shuffled))],
                       "columns": [str(n) for n in range(1, len(item.shuffled) + 1)], "corner": "Place"}
    elif isinstance(q, model.OpenResponse):
        row["space"], row["lines"] = "lines", q.lines
    elif isinstance(q, model.MarkTheWords):
        row["space"], row["lines"] = "lines", MARK_THE_WORDS_LINES
        row["note"] = "The words or phrases you would circle:"
    return row
