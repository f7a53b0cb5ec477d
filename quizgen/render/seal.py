"""How a practice page checks answers it does not hold.

A practice page (``html-practice``) must say "right" or "not yet" and then
explain, with no server, while its file tells no one the answer. What that
can honestly mean: the file holds no answer, no correct/wrong flag, no
accepted wording and no explanation in any form a person can read or decode
*without an answer to try*. A student who tries an answer learns whether it
is right, exactly as by pressing Check, and nothing more. (For a question
with four choices that is four tries; no file can prevent it, and neither
can paper.) The explanation is sealed with a key that only a right answer
opens, because the explanations give the answer away: a page that showed
them after any attempt would give them to anyone who typed "x". After a
wrong attempt at a single-choice question the page shows that choice's own
feedback, where the bank has one, sealed with that choice's letter.

Per question, the page holds (all base64; ``screen.js`` does the other half):

- ``salt``: derived from the build id, version and position (not secret:
  it only makes the digests of two questions, or two builds, unlike);
- ``tags``: for each accepted answer ``a`` (in its canonical form, see
  ``accepted``), the first 16 bytes of ``H(salt, "check", a)``, with decoys
  (digests of the content key, which the page never holds) up to a power of
  two, at least 4, and sorted: neither their order nor their number says
  which answer, or how many, a question accepts;
- ``wraps``: beside each tag, the content key ``K`` XOR ``H(salt, "wrap", a)``;
- ``sealed``: the explanation, enciphered with ``K``. ``K`` is a digest of
  the question's own answers and explanation, so nothing in the page gives it;
- ``feedback`` (single choice): per letter, that choice's feedback sealed
  with ``H(salt, "feedback", letter)``, every one padded to the same length,
  so a choice with feedback looks like one without;
- ``decimals`` and, for a wide range, ``levels`` (numeric): see below;
- ``rubric`` (open response): the rubric levels sealed with
  ``H(salt, "rubric")``. That key is in the page: the rubric is shown to
  anyone who has written something, so it is no secret; sealing keeps it
  out of sight, not out of reach.

``H(parts…)`` is SHA-256 of the parts, UTF-8, joined by U+001F. Sealing is
XOR with the keystream ``H(key ‖ counter)`` (SHA-256 in counter mode), the
text padded with spaces to a multiple of 64 bytes.

A number is checked on a grid of ``decimals`` places (those of its answer
and tolerance). Up to ``MOST_LISTED`` numbers, the tags list each number
of the range; a student's number between two of them is right when both
are. A wider range (1936 ± 5000) is listed as its top end and the aligned
blocks of 1, 10, 100 … grid steps that make up the rest (block ``j`` of
level ``l`` is written ``b{l}:{j}`` and holds the numbers whose grid
count, floored to a multiple of 10^l, is ``j``·10^l): a student's number
is right when it is the top end or falls in a listed block. ``levels``
says how many levels to try; it follows from the tolerance alone.

What a page cannot hide: the kind and number of choices (printed anyway),
roughly how many wordings are accepted (the power of two above it), and,
for a number, how many decimals it is checked to and, for a wide range,
roughly how wide it is. The tests build each page again with
another choice made correct and check that only these sealed values change.
"""

from __future__ import annotations

import base64
import decimal
import hashlib
import itertools
from decimal import Decimal

from quizgen import model
from quizgen.printed import format_number, letter_of
from quizgen.responses import normalise_text, phrase_words

#: Most accepted forms a page carries for one question (mark-the-words with a
#: phrase that occurs several times).
MOST_ACCEPTED = 2001
#: Most numbers of a tolerance's range a page lists one by one; a wider range is listed in blocks.
MOST_LISTED = 101
#: Digits Decimal arithmetic keeps here: far more than any answer has, so the grid is exact
#: (the default context rounds to 28 digits, and a 30-digit answer would move).
_EXACT = decimal.Context(prec=1000)
_SEP = "\u001f"


def digest(*parts: str) -> bytes:
    """Return H(parts): SHA-256 of the parts joined by U+001F, UTF-8."""
    return hashlib.sha256(_SEP.join(parts).encode("utf-8")).digest()


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def keystream(key: bytes, length: int) -> bytes:
    """Return ``length`` bytes of SHA-256(key ‖ counter), counter a 4-byte big-endian block number."""
    blocks = (hashlib.sha256(key + n.to_bytes(4, "big")).digest() for n in range(-(-length // 32)))
    return b"".join(blocks)[:length]


def seal(key: bytes, text: str, length: int = 0) -> str:
    """Return ``text`` enciphered with ``key``, padded with spaces to ``length`` bytes and a multiple of 64."""
    data = text.encode("utf-8")
    size = max(len(data), length)
    size += -size % 64
    data = data.ljust(size, b" ")
    return _b64(bytes(a ^ b for a, b in zip(data, keystream(key, size))))


def unseal(key: bytes, sealed: str) -> str:
    """Return the text of a sealed value (the tests use this; screen.js has its own)."""
    data = base64.b64decode(sealed)
    return bytes(a ^ b for a, b in zip(data, keystream(key, len(data)))).decode("utf-8").rstrip(" ")


def salt_of(build: str, version: str, position: int) -> str:
    """Return a question's salt (public; unlike for every question and build)."""
    return _b64(digest("quizgen-salt", build, version, str(position))[:16])


def tag(salt: str, canonical: str) -> str:
    """Return the check tag of one answer in canonical form."""
    return _b64(digest(salt, "check", canonical)[:16])


def accepted(item: model.WorksheetItem) -> list[str]:
    """Return every answer that counts as right, in the canonical form screen.js makes of a student's answer.

    single-choice "B"; multiple-response "A,C"; true-false "true"/"false";
    numeric each number of the tolerance's range at ``decimals(item)``
    places ("1935", "1936", "1937"), or a wide range's top end and blocks
    ("b2:19"); short-answer each accepted wording, normalised; matching the letters per prompt "C,A,B"; ordering the places
    of the printed items "3,1,2"; mark-the-words the sorted word indices
    "1,2,7", for each way the phrases can be found, with or without each
    optional phrase. Open response: none.
    """
    q = item.question
    if isinstance(q, model.SingleChoice):
        return [letter_of(q.correct_index)]
    if isinstance(q, model.MultipleResponse):
        return [",".join(letter_of(i) for i, c in enumerate(q.choices) if c.correct)]
    if isinstance(q, model.TrueFalse):
        return ["true" if q.answer else "false"]
    if isinstance(q, model.Numeric):
        return _numbers(q)
    if isinstance(q, model.ShortAnswer):
        return list(dict.fromkeys(normalise_text(a) for a in q.answers))
    if isinstance(q, model.Matching):
        return [",".join(letter_of(item.shuffled.index(p.right)) for p in q.pairs)]
    if isinstance(q, model.Ordering):
        return [",".join(str(q.items.index(text) + 1) for text in item.shuffled)]
    if isinstance(q, model.MarkTheWords):
        # Each phrase wherever it occurs; an optional phrase also left unmarked (credited either way).
        ways = [phrase_words(q.passage, phrase) or [()] for phrase in q.answers]
        ways += [[(), *phrase_words(q.passage, phrase)] for phrase in q.optional]
        out = []
        for combination in itertools.islice(itertools.product(*ways), MOST_ACCEPTED):
            out.append(",".join(str(i) for i in sorted({i for words in combination for i in words})))
        return list(dict.fromkeys(out))
    return []


def decimals(question: model.Numeric) -> int:
    """Return the decimal places a numeric answer is checked at: those of its answer or tolerance."""
    with decimal.localcontext(_EXACT):
        exponents = (question.answer.normalize().as_tuple().exponent, question.tolerance.normalize().as_tuple().exponent)
    return max(0, -min(exponents))


def _grid_range(question: model.Numeric) -> tuple[int, int, int]:
    """Return (decimals, low, high): the ends of the tolerance's range counted in grid steps (exact)."""
    places = decimals(question)
    with decimal.localcontext(_EXACT):
        low, high = question.answer - question.tolerance, question.answer + question.tolerance
        return places, int(low.scaleb(places)), int(high.scaleb(places))


def number_levels(question: model.Numeric) -> int:
    """Return how many block levels a page tries for ``question`` (0: its range is listed number by number)."""
    _, low, high = _grid_range(question)
    return 0 if high - low + 1 <= MOST_LISTED else len(str(high - low))


def _numbers(question: model.Numeric) -> list[str]:
    """Return the accepted forms of a number: each number of the range at ``decimals`` places, or for a wide
    range its top end and its blocks (see the module docstring).

    A student's number with more places lies between two grid numbers;
    screen.js counts it right when both are listed (the range's ends are on
    the grid), or when it falls in a listed block.
    """
    places, low, high = _grid_range(question)
    with decimal.localcontext(_EXACT):
        def written(count: int) -> str:
            return format_number(Decimal(count).scaleb(-places))

        if not number_levels(question):
            return [written(n) for n in range(low, high + 1)]
        return [written(high), *(f"b{level}:{index}" for level, index in blocks(low, high))]


def blocks(first: int, end: int) -> list[tuple[int, int]]:
    """Return the aligned decimal blocks that exactly cover the integers first … end-1, fewest first-level ones.

    A block is (level, index): the 10**level integers from index·10**level.
    Going up a level at a time, each end takes single blocks until it is a
    multiple of the next level's size: at most 9 blocks per end and level.
    """
    out, level, size = [], 0, 1
    while first < end:
        bigger = size * 10
        while first % bigger and first < end:
            out.append((level, first // size))
            first += size
        while end % bigger and first < end:
            end -= size
            out.append((level, end // size))
        level, size = level + 1, bigger
    return out


def padded_count(count: int) -> int:
    """Return how many tags a question with ``count`` accepted answers shows: a power of two, at least 4."""
    size = 4
    while size < count:
        size *= 2
    return size


def practice_checks(item: model.WorksheetItem, build: str, version: str) -> dict:
    """Return what a practice page holds for one question (see the module docstring)."""
    q = item.question
    salt = salt_of(build, version, item.number)
    out: dict = {"salt": salt}
    if isinstance(q, model.OpenResponse):
        levels = [["Proficient", q.rubric.proficient], ["Emergent", q.rubric.emergent], ["Basic", q.rubric.basic]]
        import json

        out["rubric"] = seal(digest(salt, "rubric"), json.dumps(levels, ensure_ascii=False))
        return out
    answers = accepted(item)
    content_key = digest("quizgen-content", salt, q.explanation, *answers)
    pairs = []
    for answer in answers:
        wrap = bytes(a ^ b for a, b in zip(content_key, digest(salt, "wrap", answer)))
        pairs.append((tag(salt, answer), _b64(wrap)))
    for n in range(len(pairs), padded_count(len(pairs))):  # decoys: digests of what the page never holds
        pairs.append((_b64(digest("decoy", salt, str(n), _b64(content_key))[:16]),
                      _b64(digest("decoy-wrap", salt, str(n), _b64(content_key)))))
    pairs.sort()
    out["tags"] = [t for t, _ in pairs]
    out["wraps"] = [w for _, w in pairs]
    out["sealed"] = seal(content_key, q.explanation)
    if isinstance(q, model.Numeric):
        out["decimals"] = decimals(q)
        if number_levels(q):
            out["levels"] = number_levels(q)
    if isinstance(q, model.SingleChoice) and any(c.feedback for c in q.choices):
        longest = max(len(c.feedback.encode("utf-8")) for c in q.choices)
        out["feedback"] = {
            letter_of(i): seal(digest(salt, "feedback", letter_of(i)), c.feedback, longest) for i, c in enumerate(q.choices)
        }
    return out
