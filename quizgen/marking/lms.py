"""What the Moodle and Canvas readers share: matching report text to the build's questions.

Neither LMS report carries quizgen's question ids. A report's question
text is compared with each position's stem as the LMS shows it
(``lms_stem`` in the manifest: "Select" for "Circle" in mark-the-words),
by a signature that keeps only letters and digits, so HTML tags left in,
entities, line breaks and spacing do not matter. The report's question
text starts with the stem (the excerpts and citation follow it in the
exports), so a position matches when its stem's signature begins the
text's; where two stems begin it, the longer one is the match.
"""

from __future__ import annotations

import html
import re
import unicodedata

from quizgen import scoring

_TAG = re.compile(r"<[^>]*>")
_NOT_WORD = re.compile(r"[\W_]+")


def signature(text: str) -> str:
    """Return ``text``'s letters and digits only, folded: what report and stem are compared by."""
    text = html.unescape(_TAG.sub("", str(text)))
    return _NOT_WORD.sub("", unicodedata.normalize("NFKC", text).casefold())


def same_text(a: str, b: str) -> bool:
    """Return whether two choice texts are the same once HTML, spacing and case are set aside."""
    return fold(a) == fold(b)


def fold(text: str) -> str:
    """Return ``text`` unescaped, with spacing collapsed and case folded."""
    text = html.unescape(_TAG.sub("", str(text)))
    return " ".join(unicodedata.normalize("NFKC", text).split()).casefold()


def matching_positions(text: str, positions: dict[int, dict]) -> list[int]:
    """Return the positions whose stem begins ``text`` (the longest such stems only)."""
    sig = signature(text)
    found = [(len(signature(p["lms_stem"])), n) for n, p in positions.items()
             if signature(p["lms_stem"]) and sig.startswith(signature(p["lms_stem"]))]
    if not found:
        return []
    longest = max(length for length, _ in found)
    return sorted(n for length, n in found if length == longest)


def split_known(text: str, separator: str, known: list[str]) -> list[str] | None:
    """Return ``text`` cut at ``separator`` into items of ``known`` (which may hold the separator), or None.

    Moodle joins a multiple-response summary's choices with "; ", and the
    choices themselves may contain "; ".
    """
    pieces = text.split(separator)
    folded = {fold(k): k for k in known}
    best: dict[int, list[str] | None] = {0: []}
    for end in range(1, len(pieces) + 1):
        best[end] = None
        for start in range(end - 1, -1, -1):
            if best[start] is None:
                continue
            candidate = fold(separator.join(pieces[start:end]))
            if candidate in folded:
                best[end] = best[start] + [folded[candidate]]
                break
    return best[len(pieces)]


def entities_dropped(text: str) -> str:
    """Return a text as Canvas keeps an imported choice: its HTML with every named entity dropped.

    Canvas's QTI import (``Qti::HtmlHelper#clear_html`` in instructure/canvas-lms)
    decodes numeric character references and deletes named ones, so a
    choice "flag & glory" is "flag  glory" in Canvas, and in its reports.
    """
    return re.sub(r"&\w+;", "", html.escape(text, quote=False))


def index_of(texts: list[str], text: str, dropped: bool = False) -> int | None:
    """Return which of ``texts`` ``text`` is (None: none); with ``dropped``, also as ``entities_dropped`` left it.

    ValueError when it is two of them once entities are dropped ("a <b>"
    and "a b"): quizgen does not guess.
    """
    found = [i for i, t in enumerate(texts) if same_text(t, text)]
    if dropped:
        found += [i for i, t in enumerate(texts) if i not in found and same_text(entities_dropped(t), text)]
    if len(found) > 1:
        raise ValueError(f"'{text[:50]}' fits two of the question's choices once '&', '<' and '>' are dropped (as "
                         "Canvas drops them): mark this answer by hand")
    return found[0] if found else None


def letters_of(position: dict, texts: list[str], dropped: bool = False) -> list[str] | None:
    """Return the letters of the choices with these texts at ``position``, or None if one is not a choice."""
    choices = [c["text"] for c in position["choices"]]
    out = []
    for text in texts:
        index = index_of(choices, text, dropped)
        if index is None:
            return None
        out.append(scoring.letter_of_index(index))
    return out


def place_or_letter(position: dict, right: str, dropped: bool = False) -> int | str | None:
    """Return what a matched right-hand text stands for: a place (ordering) or a letter (matching)."""
    rec = position["scoring"]
    if position["kind"] == "ordering":
        return int(right) if right.strip().isdigit() else None
    index = index_of(rec["options"], right, dropped)
    return None if index is None else scoring.letter_of_index(index)


def paired_answer(position: dict, pairs: list[tuple[str, str]], dropped: bool = False) -> object:
    """Return a matching or ordering answer from (prompt text, chosen text) pairs; ValueError if one is unknown."""
    rec = position["scoring"]
    prompts = rec["prompts"] if position["kind"] == "matching" else rec["items"]
    given: dict[int, object] = {}
    for left, right in pairs:
        index = index_of(prompts, left, dropped)
        number = None if index is None else index + 1
        if number is None:
            raise ValueError(f"'{left[:50]}' is not one of the question's items")
        value = place_or_letter(position, right, dropped) if right.strip() else None
        if right.strip() and value is None:
            raise ValueError(f"'{right[:50]}' is not one of the question's choices")
        given[number] = value
    if position["kind"] == "matching":
        return {n: given.get(n) for n in range(1, len(prompts) + 1)}
    return [given.get(n) for n in range(1, len(prompts) + 1)]


def choice_answer(position: dict, texts: list[str], dropped: bool = False) -> object:
    """Return a choice question's answer from the chosen choices' texts; ValueError if one is not a choice.

    ``dropped``: the texts may have lost their named entities, as Canvas's do (``entities_dropped``).
    """
    kind = position["kind"]
    if kind == "mark-the-words":
        return [w for t in texts for w in scoring.words(t)]
    if kind == "true-false":
        value = scoring.parse_true_false(texts[0]) if len(texts) == 1 else None
        if value is None:
            raise ValueError(f"'{'; '.join(texts)[:50]}' is not True or False")
        return value
    letters = letters_of(position, texts, dropped)
    if letters is None:
        raise ValueError(f"'{'; '.join(texts)[:60]}' is not among the question's choices")
    return letters[0] if kind == "single-choice" else sorted(letters)
