"""What an excerpt prints of a source line: the text a question needs, a little context, "…" for the rest.

A line of a cleaned source is a whole paragraph, often five or six long
sentences, and a claim's quote is usually one of them or part of one.
Printed whole, the paragraphs around the words a question asks about
filled most of the worksheet. An excerpt line therefore keeps, from its
source line:

1. every sentence that holds text the question needs: its claims' quotes,
   and where they stand in the line, the text its stem quotes, its choices,
   pairs and items (``needed_texts``; never its answers);
2. of a sentence longer than ``LONG_SENTENCE`` characters, only the
   clauses (cut at commas, semicolons, colons and dashes) that hold that
   text, and the clauses around them, one before and one after at a time,
   until at least ``CLAUSE_CONTEXT`` characters are kept;
3. for context, the sentence just before and the one just after what is
   kept, when that sentence is at most ``CONTEXT_CHARS`` long (a short
   lead-in or follow-up costs a line; a long one is left out); not in
   large print, where a long sentence's clauses are also widened less
   (``LARGE_CLAUSE_CONTEXT``);
4. the whole line when what would be left out is shorter than
   ``WHOLE_LINE_SLACK`` characters: a "…" that saves less than a line only
   makes the text harder to read.

Text left out is printed as "…" (at the start, between kept parts, at the
end). The line keeps its number, so "line 8" in a citation still points to
the right paragraph of the source texts. A line that holds none of the
needed text (a line in the middle of a quote that runs over three
paragraphs), and every line of an excerpt the bank chose itself (a
question's ``excerpts:`` field, whose stem may ask about any word of
them), is printed whole.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

#: Longest sentence added before or after the kept text for context.
CONTEXT_CHARS = 100
#: A sentence longer than this keeps only the clauses that hold needed text.
LONG_SENTENCE = 220
#: Of a long sentence, at least this many characters are kept around the needed clauses.
CLAUSE_CONTEXT = 100
#: Large print (16 pt and up) adds no context sentences, and widens a long
#: sentence's clauses only to this many characters: at that size the context
#: of a regular sheet took a page of its own.
LARGE_CLAUSE_CONTEXT = 60
#: A line is printed whole when trimming would leave out fewer characters than this.
WHOLE_LINE_SLACK = 80
#: What stands for left-out text.
GAP = "…"
#: Shortest choice, item or stem quote looked for in a line (shorter ones, "34", match by chance).
SHORTEST_NEED = 6

# Words whose full stop does not end a sentence ("U.S. imperialists", "Gen. Meretskov").
_ABBREVIATIONS = {
    "u.s", "u.k", "u.n", "mr", "mrs", "ms", "dr", "gen", "lt", "col", "capt", "maj", "sgt", "st", "no", "vol",
    "vols", "pp", "p", "e.g", "i.e", "etc", "cf", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept",
    "oct", "nov", "dec", "ca", "approx",
}
# A sentence ends at . ! or ? (and any closing quote or bracket) before a space and a capital, digit or quote.
_SENTENCE_END = re.compile(r"[.!?][\"”’')\]]*(?=\s+[\"“‘'(\[]?[A-Z0-9])")
# A clause ends after a comma (not "15, 1945"), semicolon or colon, or before a spaced dash.
_CLAUSE_END = re.compile(r"(?:,(?!\s*\d)|;|:)(?=\s)|(?=\s+(?:--|–|—)\s)")
# Text a stem quotes: “…” or "…".
_QUOTED = re.compile(r"[“\"]([^”\"]+)[”\"]")


def sentences(text: str) -> list[tuple[int, int]]:
    """Return the (start, end) character spans of the sentences of ``text``, in order."""
    spans, start = [], 0
    for match in _SENTENCE_END.finditer(text):
        word = re.search(r"(\S+)$", text[start : match.start()])
        token = (word.group(1) if word else "").lower().lstrip("(\"“‘'")
        if token in _ABBREVIATIONS or (len(token) == 1 and token.isalpha()):
            continue  # "U.S." or an initial
        spans.append((start, match.end()))
        start = _skip_space(text, match.end())
    if start < len(text):
        spans.append((start, len(text)))
    return spans


def clauses(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Return the clause spans of the sentence ``text[start:end]``."""
    spans, at = [], start
    for match in _CLAUSE_END.finditer(text, start, end):
        cut = match.end()
        if cut > at:
            spans.append((at, cut))
            at = _skip_space(text, cut)
    if at < end:
        spans.append((at, end))
    return spans


def _skip_space(text: str, at: int) -> int:
    while at < len(text) and text[at].isspace():
        at += 1
    return at


def needed_texts(question) -> tuple[str, ...]:
    """Return the texts besides its claims' quotes that a question may need its excerpt to print.

    What its stem quotes, its choices, matching pairs and ordering items
    (all of them alike, the right ones and the others): each counts only
    where it stands word for word in a line (a choice that quotes the
    passage), never as a paraphrase.
    """
    texts = [m.group(1).strip(" ,.") for m in _QUOTED.finditer(question.stem)]
    texts += [c.text for c in getattr(question, "choices", ())]
    texts += [t for p in getattr(question, "pairs", ()) for t in (p.left, p.right)]
    texts += list(getattr(question, "items", ()))
    # Never the accepted answers: a sentence kept for holding the answer would print it beside a
    # question that asks students to find it elsewhere (a look-it-up question).
    return tuple(t for t in dict.fromkeys(texts) if len(t.strip()) >= SHORTEST_NEED)


def _find(text: str, fragment: str) -> tuple[int, int] | None:
    """Return where ``fragment`` stands in ``text``, any run of spaces matching any other."""
    words = fragment.split()
    if not words:
        return None
    match = re.search(r"\s+".join(re.escape(w) for w in words), text)
    return (match.start(), match.end()) if match else None


def kept_ranges(text: str, needs: Iterable[str], large: bool = False) -> list[tuple[int, int]] | None:
    """Return the character ranges of ``text`` to print, in order, or None to print it whole (``large``: large print)."""
    found = [where for where in (_find(text, n) for n in needs) if where]
    if not found:
        return None
    spans = sentences(text)
    kept: list[tuple[int, int]] = []
    holding = set()
    for i, (a, b) in enumerate(spans):
        inside = [(x, y) for x, y in found if a < y and x < b]
        if not inside:
            continue
        holding.add(i)
        if b - a <= LONG_SENTENCE:
            kept.append((a, b))
            continue
        parts = clauses(text, a, b)
        hit = [k for k, (c, d) in enumerate(parts) for x, y in inside if c < y and x < d]
        kept.append(_widen(parts, min(hit), max(hit), LARGE_CLAUSE_CONTEXT if large else CLAUSE_CONTEXT))
    for i in set() if large else holding:
        for j in (i - 1, i + 1):
            if 0 <= j < len(spans) and j not in holding and spans[j][1] - spans[j][0] <= CONTEXT_CHARS:
                kept.append(spans[j])
    kept = _merge(text, sorted(set(kept)))
    printed = sum(b - a for a, b in kept)
    if len(text.strip()) - printed < WHOLE_LINE_SLACK:
        return None
    return kept


def _widen(parts: list[tuple[int, int]], lo: int, hi: int, least: int) -> tuple[int, int]:
    """Return clauses lo..hi of a sentence, widened a clause at a time (before, then after) to ``least`` characters."""
    while parts[hi][1] - parts[lo][0] < least and (lo > 0 or hi < len(parts) - 1):
        if lo > 0:
            lo -= 1
        if parts[hi][1] - parts[lo][0] < least and hi < len(parts) - 1:
            hi += 1
    return parts[lo][0], parts[hi][1]


def _merge(text: str, ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Join ranges that overlap or are separated only by spaces."""
    out: list[tuple[int, int]] = []
    for a, b in ranges:
        if out and (a <= out[-1][1] or not text[out[-1][1] : a].strip()):
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


def trim(text: str, needs: Iterable[str], large: bool = False) -> str:
    """Return what an excerpt prints of the source line ``text`` for a question that needs ``needs``."""
    kept = kept_ranges(text, list(needs), large)
    if kept is None:
        return text
    out = [GAP] if text[: kept[0][0]].strip() else []
    for n, (a, b) in enumerate(kept):
        if n:
            out.append(GAP)
        out.append(text[a:b].strip().rstrip(",;:"))
    if text[kept[-1][1] :].strip():
        out.append(GAP)
    return " ".join(out)
