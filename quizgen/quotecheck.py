"""Is a quote verbatim in its source, and if not, where does it differ?

A claim's quote must stand word for word in the cleaned source text at the
lines it gives (line breaks count as single spaces; parts joined by " … "
must appear in that order). When one does not, ``mismatch`` finds the
passage of the whole source closest to it and ``describe`` says what a
teacher needs to fix it: the line span of that passage and the two texts
aligned, with ``^`` under every character that differs. A fix is suggested
only when it would make the claim valid: the quote found verbatim at other
lines (write those lines), or the passage's own text, when it stands at the
lines suggested and still holds every date the claim lists.
"""

from __future__ import annotations

import difflib
import functools
import json
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from quizgen import model

#: What joins two parts of a quote that are apart in the source.
QUOTE_GAP = " … "
#: How alike (difflib ratio) a passage must be to be shown as the closest one.
MIN_SIMILAR = 0.6
#: How alike it must be for its text to be suggested as the quote.
MIN_SUGGEST = 0.85
#: Characters of unchanged text shown either side of a difference.
CONTEXT = 20
#: Widest aligned line printed.
WIDTH = 72


@functools.lru_cache(maxsize=4096)
def _normalise_space(text: str) -> str:
    # Cached: a bank check looks for each of hundreds of quotes in the same few source texts.
    return " ".join(text.split())


def quote_in_text(quote: str, text: str) -> bool:
    """Return whether ``quote`` stands verbatim in ``text``.

    Line breaks in the text count as single spaces (a quote may run across
    paragraphs); parts joined by " … " must appear in order.
    """
    return _find_parts(quote, _normalise_space(text)) is not None


def spaced(text: str) -> str:
    """Return ``text`` with every run of white space (line breaks too) as one space, as quotes are matched."""
    return _normalise_space(text)


def quote_in_spaced(quote: str, texts: Sequence[str]) -> bool:
    """Return whether ``quote`` stands verbatim in one of ``texts``, each already through ``spaced``.

    For texts checked against many quotes (the sources): spacing each text
    once, and splitting the quote once, instead of both for every pair keeps
    the bank's quotation check fast. The same test as ``quote_in_text``.
    """
    parts = _parts(quote)
    return any(_find_spaced_parts(parts, text) is not None for text in texts)


def _parts(quote: str) -> list[str]:
    return [_normalise_space(p) for p in quote.split(QUOTE_GAP)]


def _find_parts(quote: str, haystack: str) -> list[tuple[int, int]] | None:
    """Return where each part of ``quote`` stands in ``haystack`` (in order), or None."""
    return _find_spaced_parts(_parts(quote), haystack)


def _find_spaced_parts(parts: Sequence[str], haystack: str) -> list[tuple[int, int]] | None:
    found, position = [], 0
    for part in parts:
        at = haystack.find(part, position) if part else -1
        if at < 0:
            return None
        found.append((at, at + len(part)))
        position = at + len(part)
    return found


@dataclass(frozen=True)
class Mismatch:
    """Why a quote is not verbatim at its lines, and what would fix it."""

    #: The part of the quote that is not found (the whole quote when it has one part).
    part: str
    #: Lines (first, last) where the whole quote stands verbatim, when it does elsewhere in the source.
    found_at: tuple[int, int] | None = None
    #: The closest passage of the source to ``part`` and its lines, when one is alike enough.
    passage: str = ""
    passage_lines: tuple[int, int] | None = None
    similarity: float = 0.0


class _Text:
    """A source's lines as one string (line breaks as spaces), with the line of every character."""

    def __init__(self, source: model.Source):
        self.text = ""
        self.starts: list[int] = []  # character offset where each line starts
        for line in source.lines:
            if self.text:
                self.text += " "
            self.starts.append(len(self.text))
            self.text += _normalise_space(line)

    def lines_of(self, start: int, end: int) -> tuple[int, int]:
        """Return the 1-based lines that characters start..end (exclusive) fall on."""
        import bisect

        return bisect.bisect_right(self.starts, start), bisect.bisect_right(self.starts, max(start, end - 1))


def mismatch(quote: str, source: model.Source, first: int, last: int) -> Mismatch | None:
    """Return why ``quote`` is not verbatim at lines first..last of ``source``; None when it is."""
    if quote_in_text(quote, source.text(first, last)):
        return None
    whole = _Text(source)
    spots = _find_parts(quote, whole.text)
    if spots is not None:
        lines = (whole.lines_of(*spots[0])[0], whole.lines_of(*spots[-1])[1])
        return Mismatch(_normalise_space(quote), found_at=lines)
    # The first part that is not where it should be: the others may be right.
    span_text, position = _normalise_space(source.text(first, last)), 0
    part = ""
    for part in _parts(quote):
        at = span_text.find(part, position) if part else -1
        if at < 0:
            break
        position = at + len(part)
    start, end, ratio = _closest(part, whole.text)
    if ratio < MIN_SIMILAR:
        return Mismatch(part)
    start, end = _trim_to(part, whole.text, start, end)
    ratio = difflib.SequenceMatcher(None, part, whole.text[start:end], autojunk=False).ratio()
    return Mismatch(part, passage=whole.text[start:end], passage_lines=whole.lines_of(start, end), similarity=ratio)


def _trim_to(part: str, text: str, start: int, end: int) -> tuple[int, int]:
    """Return start..end without the punctuation at either edge that ``part`` has no counterpart for.

    The passage is whole words of the source, so "Hungary," when the quote
    stops at "Hungary": the comma is not a difference to mark, and a fix that
    added it would quote more than the teacher meant.
    """
    def bare(ch: str) -> bool:
        return not ch.isalnum() and not ch.isspace()

    if part and not bare(part[-1]):
        while end > start and bare(text[end - 1]):
            end -= 1
    if part and not bare(part[0]):
        while start < end and bare(text[start]):
            start += 1
    return start, end


_WORD = re.compile(r"\S+")


def _key(word: str) -> str:
    return "".join(ch for ch in word.lower() if ch.isalnum())


def _closest(part: str, text: str) -> tuple[int, int, float]:
    """Return (start, end, similarity) of the run of whole words of ``text`` most like ``part``.

    Each word the two share votes for an alignment (where in ``text`` the
    part would start); rare words count more than "the". The best-voted
    alignment is then widened or narrowed a few words either way to the
    run that difflib finds most alike.
    """
    words = [(m.start(), m.end()) for m in _WORD.finditer(text)]
    wanted = [_key(w) for w in part.split()]
    if not words or not wanted:
        return 0, 0, 0.0
    where: dict[str, list[int]] = {}
    for index, (a, b) in enumerate(words):
        where.setdefault(_key(text[a:b]), []).append(index)
    votes: Counter = Counter()
    for offset, word in enumerate(wanted):
        seen = where.get(word, []) if word else []
        for index in seen:
            votes[index - offset] += 1 / len(seen)
    if not votes:
        return 0, 0, 0.0
    # Smooth over a few words, so a word added or dropped does not split the vote.
    best = max(votes, key=lambda d: (sum(votes.get(d + k, 0) for k in range(-2, 3)), -abs(d)))
    size, slack = len(wanted), 3
    candidates = []
    for first in range(max(0, best - slack), min(len(words), best + slack + 1)):
        for last in range(max(first + 1, best + size - slack), min(len(words), best + size + slack) + 1):
            start, end = words[first][0], words[last - 1][1]
            ratio = difflib.SequenceMatcher(None, part, text[start:end], autojunk=False).ratio()
            candidates.append((ratio, -(end - start), start, end))
    if not candidates:
        return 0, 0, 0.0
    ratio, _, start, end = max(candidates)
    return start, end, ratio


def aligned(quote: str, passage: str, width: int = WIDTH) -> list[str]:
    """Return the quote and the passage aligned, with ``^`` under each differing character.

    Words are aligned first and the characters of a changed word next, so
    "savior" against "saviour" marks the one letter, and "people" against
    "nation" the whole word. Only the stretches around the differences are
    shown (``…`` marks text left out), each cut to ``width`` columns, as
    groups of three lines: the quote, the source, the marks.
    """
    top, bottom = _align(quote, passage)
    marks = "".join(" " if a == b else "^" for a, b in zip(top, bottom))
    out: list[str] = []
    for start, end in _windows(marks, width - 10, top):
        lead = "…" if start > 0 else ""
        tail = "…" if end < len(marks) else ""
        out += [f"  quote:  {lead}{top[start:end]}{tail}".replace(_GAP, " ").rstrip(),
                f"  source: {lead}{bottom[start:end]}{tail}".replace(_GAP, " ").rstrip(),
                f"          {' ' * len(lead)}{marks[start:end]}".rstrip()]
    return out


_TOKEN = re.compile(r"\S+|\s+")


def _align(quote: str, passage: str) -> tuple[str, str]:
    """Return the two texts padded with spaces so that what matches stands in the same columns."""
    a_words, b_words = _TOKEN.findall(quote), _TOKEN.findall(passage)
    top, bottom = "", ""
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a_words, b_words, autojunk=False).get_opcodes():
        a, b = "".join(a_words[i1:i2]), "".join(b_words[j1:j2])
        if tag == "equal":
            top, bottom = top + a, bottom + b
        elif tag == "replace" and difflib.SequenceMatcher(None, a, b, autojunk=False).ratio() >= 0.6:
            for op, k1, k2, l1, l2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
                x, y = a[k1:k2], b[l1:l2]
                n = max(len(x), len(y))
                top, bottom = top + x.ljust(n, _GAP), bottom + y.ljust(n, _GAP)
        else:  # a word or words changed, added or dropped: set whole
            n = max(len(a), len(b))
            top, bottom = top + a.ljust(n, _GAP), bottom + b.ljust(n, _GAP)
    # A gap stands where one text has nothing: it differs from any character, then prints as a space.
    return top, bottom


#: Pads a text where the other has characters it lacks; printed as a space, always marked.
_GAP = "\0"


def _word_edge(text: str, column: int, step: int) -> int:
    """Return ``column`` moved outwards (``step`` -1: left, 1: right) to a word's edge, a few columns at most."""
    column = max(0, min(len(text), column))
    for _ in range(8):
        if column <= 0 or column >= len(text):
            return column
        if (text[column - 1] if step < 0 else text[column]) == " ":
            return column
        column += step
    return column


def _windows(marks: str, width: int, text: str = "") -> list[tuple[int, int]]:
    """Return column ranges to print: each run of marks with some context (to a word's edge), runs close together merged."""
    text = text or " " * len(marks)
    runs = [(m.start(), m.end()) for m in re.finditer(r"\^+", marks)]
    windows: list[list[int]] = []
    for start, end in runs:
        start, end = _word_edge(text, start - CONTEXT, -1), _word_edge(text, end + CONTEXT, 1)
        if windows and start <= windows[-1][1]:
            if end - windows[-1][0] <= width:
                windows[-1][1] = end
                continue
            start = windows[-1][1]  # too wide to merge: go on where the last one stopped
        windows.append([start, end])
    out = []
    for start, end in windows:  # a very long difference: cut into printable widths
        while end - start > width:
            out.append((start, start + width))
            start += width
        out.append((start, end))
    return out


def describe(problem: Mismatch, quote: str, source: model.Source, first: int, last: int,
             must_hold: tuple[str, ...] = (), field: str = "quote", whole_source: bool = False) -> str:
    """Return the message for a quote that is not verbatim: what is wrong, where the closest passage is, the fix.

    ``must_hold`` are texts the quote must still contain for a suggested
    replacement to be valid (the claim's dates as written).
    """
    head = f"{field} is not verbatim in source '{source.id}'" + ("" if whole_source else f" {_lines(first, last)}")
    if problem.found_at is not None:
        a, b = problem.found_at
        return f"{head}; it stands at {_lines(a, b)}: write 'lines: {a if a == b else f'{a}-{b}'}'"
    if problem.passage_lines is None:
        return f"{head}, and no passage of the source is close to it; `quizgen sources show {source.id}` prints the text"
    a, b = problem.passage_lines
    text = [f"{head}; the closest passage is at {_lines(a, b)} (differences marked ^):", *aligned(problem.part, problem.passage)]
    suggestion = _suggestion(problem, quote, source, (first, last), must_hold, field)
    if suggestion:
        text.append(suggestion)
    return "\n".join(text)


def _suggestion(problem: Mismatch, quote: str, source: model.Source, span: tuple[int, int],
                must_hold: tuple[str, ...], field: str) -> str:
    """Return the fix to copy in, only when it makes the field valid; else ''.

    The fix replaces the part that differs with the passage's text; it is
    offered when the passage is very like the part, the whole fixed quote
    stands verbatim at the lines named (the claim's, else the ones given
    with it) and still holds everything in ``must_hold``.
    """
    if problem.similarity < MIN_SUGGEST or problem.passage_lines is None:
        return ""
    fixed = QUOTE_GAP.join(problem.passage if _normalise_space(p) == problem.part else p for p in quote.split(QUOTE_GAP))
    whole = _Text(source)
    spots = _find_parts(fixed, whole.text)
    if spots is None:
        return ""
    first, last = span
    if not quote_in_text(fixed, source.text(first, last)):
        first, last = whole.lines_of(*spots[0])[0], whole.lines_of(*spots[-1])[1]
    if not quote_in_text(fixed, source.text(first, last)) or not all(quote_in_text(d, fixed) for d in must_hold):
        return ""
    lines = "" if (first, last) == span else f"lines: {first if first == last else f'{first}-{last}'} and "
    yaml_text = json.dumps(fixed, ensure_ascii=False)  # a JSON string is a YAML double-quoted scalar
    return f"  to quote the source as it stands, write: {lines}{field}: {yaml_text}"


def _lines(first: int, last: int) -> str:
    return f"line {first}" if first == last else f"lines {first}-{last}"
