"""Presenting a source: the strings `quizgen sources show` and `sources list` print."""

from __future__ import annotations

from collections import Counter

from quizgen.model import Source
from quizgen.sources.cleaning import RULES
from quizgen.sources.common import _fail


def select_lines(source: Source, first: int | None = None, last: int | None = None) -> tuple[int, int]:
    """Return the line range to show (default: the whole text), checked against its length."""
    total = len(source.lines)
    first = 1 if first is None else first
    last = total if last is None else last
    if 1 <= last < first <= total:
        raise _fail(source.id, f"lines {first}-{last} run backwards; did you mean {last}-{first}?", field_="--lines")
    if not (1 <= first <= last <= total):
        raise _fail(source.id, f"lines {first}-{last} are outside the text (lines 1-{total})", field_="--lines")
    return first, last


def format_source(source: Source, first: int, last: int) -> str:
    """Return lines ``first``-``last`` numbered, then the repairs that touch them."""
    width = len(str(last))
    out = [f"{source.id}: {source.title}", f"{source.kind}; {source.outlet}; {len(source.lines)} lines", ""]
    out += [f"{n:>{width}}  {source.lines[n - 1]}" for n in range(first, last + 1)]
    touching = [r for r in source.repairs if r.line is not None and first <= r.line <= last]
    whole = first == 1 and last == len(source.lines)
    removed = [r for r in source.repairs if r.line is None] if whole else []
    if touching or removed:
        out += ["", "repairs:"]
    for r in touching + removed:
        where = f"line {r.line}" if r.line is not None else "removed"
        raw = f"raw {r.raw_lines[0]}" + (f"-{r.raw_lines[1]}" if r.raw_lines[1] != r.raw_lines[0] else "")
        change = f"'{r.before}' -> '{r.after}'" if r.after else f"'{r.before}'"
        out.append(f"  {where} ({raw}) {r.rule}: {change}")
        out.append(f"      {r.reason}")
    return "\n".join(out)


def summary(source: Source) -> dict:
    """Return the facts ``sources list`` shows about a source."""
    counts = Counter(r.rule for r in source.repairs)
    return {
        "id": source.id,
        "title": source.title,
        "kind": source.kind,
        "outlet": source.outlet,
        "language": source.language,
        "original_file": source.original_file,
        "published": source.dates.published,
        "captured": source.dates.captured,
        "lines": len(source.lines),
        "repairs": {rule: counts[rule] for rule in RULES if counts[rule]},
    }

