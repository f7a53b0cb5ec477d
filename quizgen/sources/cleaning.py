"""Cleaning inside a line (the text rules) and joining lines into paragraphs.

Each text rule is a kind of damage, its repair and how the repair is logged;
``RULES`` names every rule a repair log may cite (the loader rejects any
other), so the log cannot drift from the code that writes it.
"""

from __future__ import annotations

import re
import statistics
import unicodedata
from collections import Counter
from dataclasses import dataclass
from typing import Callable

from quizgen.sources.common import _plural

# --------------------------------------------------------------------------
# The rules, as data. Each repair names one of these; the loader rejects any
# other name, so the log cannot drift from the code that writes it.

RULES: dict[str, str] = {
    "site-chrome": "web-page furniture around the article (menus, footers, share buttons, sidebars) removed",
    "blank-lines": "blank and whitespace-only lines removed (one paragraph per line)",
    "hard-line-break": "a paragraph broken across several raw lines (PDF/e-mail wrapping) joined back into one line",
    "edge-spaces": "spaces at the start or end of a paragraph removed",
    "odd-whitespace": "non-breaking spaces, tabs, zero width spaces between two words and other odd space characters "
                      "replaced by plain spaces",
    "invisible-characters": "zero width spaces next to a space, word joiners, soft hyphens and stray byte-order marks "
                            "deleted",
    "backslash-word": "a backslash standing for a space before a word replaced by a space",
    "lost-f": "'rom' standing for 'from' (its 'f' lost) restored",
    "extra-spaces": "runs of spaces inside a paragraph collapsed to one",
    "space-before-punctuation": "a space before , . : ; ! ? removed",
}

#: Order in which repairs on the same cleaned line are listed (and applied).
RULE_ORDER = {name: i for i, name in enumerate(RULES)}



#: A line that ends without sentence punctuation and is at most this long
#: (and no longer than 3/4 of the document's typical line) is a heading
#: ("Crossing the Amnok River"), kept as its own line, not joined.
HEADING_MAX = 80

_HANGUL = re.compile(r"[\u1100-\u11ff\u3130-\u318f\uac00-\ud7a3]")
# Sentence end: . ! ? : … possibly followed by closing quotes or brackets.
# A colon ends a paragraph that introduces a quotation ("Kim Il Sung wrote:").
_SENTENCE_END = re.compile(r"[.!?:…][\"'”’)\]]*$")
_STARTS_LIKE_PARAGRAPH = re.compile(r"^[\"'“‘(\[]?[A-Z0-9\u00c0-\u024f\u0400-\u04ff]")


# --------------------------------------------------------------------------
# Text rules: damage inside a line.


@dataclass(frozen=True)
class Hit:
    """One occurrence of a text rule in a raw line."""

    rule: str
    raw: tuple[int, int]
    found: str
    before: str
    after: str


def _visible(text: str) -> str:
    """Return ``text`` with invisible characters named, for before/after samples."""
    names = {"\u00a0": "[nbsp]", "\t": "[tab]"}
    out = []
    for ch in text:
        if ch in names:
            out.append(names[ch])
        elif ch != " " and (unicodedata.category(ch) in ("Zs", "Cf", "Cc")):
            out.append(f"[U+{ord(ch):04X}]")
        else:
            out.append(ch)
    return "".join(out)


_WINDOW = 24


def _window(text: str, start: int, end: int) -> str:
    left = max(0, start - _WINDOW)
    right = min(len(text), end + _WINDOW)
    return ("…" if left else "") + text[left:right] + ("…" if right < len(text) else "")


@dataclass(frozen=True)
class TextRule:
    """A kind of damage inside a line, its repair, and how it is logged.

    ``replace`` gets the match and returns the replacement. With
    ``each=True`` every occurrence gets its own repair; otherwise one repair
    per cleaned line says how many there were. ``describe`` writes the reason
    from the occurrences on one cleaned line.
    """

    name: str
    pattern: re.Pattern
    replace: Callable[[re.Match], str]
    describe: Callable[[list[Hit]], str]
    each: bool = False

    def apply(self, text: str, raw: tuple[int, int]) -> tuple[str, list[Hit]]:
        """Return ``text`` repaired, and one Hit per occurrence."""
        matches = list(self.pattern.finditer(text))
        if not matches:
            return text, []
        replacements = [self.replace(m) for m in matches]
        parts, pos = [], 0
        for m, repl in zip(matches, replacements):
            parts += [text[pos:m.start()], repl]
            pos = m.end()
        new_text = "".join(parts) + text[pos:]
        hits, shift = [], 0  # shift: how much longer the output is than the input so far
        for m, repl in zip(matches, replacements):
            start = m.start() + shift
            hits.append(Hit(self.name, raw, m.group(0),
                            _visible(_window(text, m.start(), m.end())),
                            _visible(_window(new_text, start, start + len(repl)))))
            shift += len(repl) - (m.end() - m.start())
        return new_text, hits



#: What the invisible characters the cleaning rules repair are, for the repair log.
_INVISIBLE_NAMES = {"\u200b": "zero width space", "\u2060": "word joiner", "\ufeff": "byte-order mark",
                    "\u00ad": "soft hyphen"}


_INVISIBLE = str.maketrans("", "", "".join(_INVISIBLE_NAMES))


def is_blank(text: str) -> bool:
    """Whether a raw line holds no text: only spaces and the invisible characters the rules delete."""
    return not text.translate(_INVISIBLE).strip()


def _describe_odd(hits: list[Hit]) -> str:
    kinds = Counter(_visible(h.found) + (" zero width space between two words" if h.found == "\u200b" else "")
                    for h in hits)
    detail = ", ".join(f"{k} ×{n}" for k, n in sorted(kinds.items()))
    return (f"{_plural(len(hits), 'odd space character')} ({detail}) replaced by plain spaces: "
            "page-layout spacing, not the author's")


def _describe_invisible(hits: list[Hit]) -> str:
    kinds = Counter(f"{_visible(h.found)} {_INVISIBLE_NAMES[h.found]}" for h in hits)
    detail = ", ".join(f"{k} ×{n}" for k, n in sorted(kinds.items()))
    where = (" (each zero width space here stands next to a space or at a line's edge, where it separates nothing)"
             if any(h.found == "\u200b" for h in hits) else "")
    return (f"{_plural(len(hits), 'invisible character')} ({detail}) deleted: marks of the page's layout that are "
            f"neither letters nor spaces{where}")


#: Words after which a lower-case word is ordinary English, so a backslash
#: between them says nothing about a lost capital ("Sung\and Malinovsky").
_FUNCTION_WORDS = frozenset("a an and as at but by for from in nor of on or the to where which who with".split())


def _describe_backslash(hits: list[Hit]) -> str:
    words = Counter(h.found.lstrip().lstrip("\\") for h in hits)
    detail = ", ".join(f"\\{w} ×{n}" for w, n in sorted(words.items(), key=lambda kv: (-kv[1], kv[0])))
    reason = (f"{_plural(len(hits), 'backslash', 'backslashes')} standing for a space before a word ({detail}) "
              "replaced by a space (a scraping fault); the words are kept as written, case included")
    # Where the damage may also have eaten a capital ("Soviet\union"), say
    # so: the repair restores the space only, never a guessed capital.
    for h in hits:
        m = re.search(r"(\w+)\\([a-z]\w*)", h.before)
        if m and m.group(1)[0].isupper() and m.group(2) not in _FUNCTION_WORDS:
            reason += f" ('{m.group(1)}\\{m.group(2)}' becomes '{m.group(1)} {m.group(2)}', not '{m.group(1)} {m.group(2).capitalize()}')"
            break
    return reason


def _describe_lost_f(hits: list[Hit]) -> str:
    return ("'rom' is not an English word; here it is 'from' with its 'f' lost "
            "(the same scraping damage as the backslashes)")


def _describe_extra(hits: list[Hit]) -> str:
    return f"{_plural(len(hits), 'run')} of spaces collapsed to one space"


def _describe_punct(hits: list[Hit]) -> str:
    return ("space before punctuation removed: an extraction artefact (it follows names and titles the page "
            "set apart, e.g. 'Kim Il Sung ,'); the words are unchanged")


def _backslash_replacement(m: re.Match) -> str:
    # ",\and" and "word\and" both lose the backslash to one space; a space
    # already in front of it ("word \and") is kept instead of doubling it.
    prefix = m.group("pre") or ""
    return prefix if prefix.isspace() else prefix + " "


TEXT_RULES: tuple[TextRule, ...] = (
    # Non-breaking and other odd spaces (KANCC pads with U+00A0), and a zero
    # width space between two words, which separates them as a space would.
    # Zero-width joiners are left alone: they matter in some scripts.
    TextRule("odd-whitespace",
             re.compile(r"[\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000\t\v\f]"
                        r"|(?<=[^\s\u200b\u2060\ufeff\u00ad])\u200b(?=[^\s\u200b\u2060\ufeff\u00ad])"),
             lambda m: " ",
             _describe_odd),
    # What is left of the invisible marks joins or hyphenates nothing visible:
    # a zero width space beside a space, word joiners, soft hyphens, a
    # byte-order mark inside the text. Deleted, and the log says deleted.
    TextRule("invisible-characters", re.compile(r"[\u200b\u2060\ufeff\u00ad]"), lambda m: "", _describe_invisible),
    # A backslash before a letter stands for a space in scraped text
    # ("Soviet\union", "Hungary,\and"). English prose has no legitimate
    # backslash before a word; a text quoting file paths would need care.
    TextRule("backslash-word", re.compile(r"(?P<pre>\s?)\\(?=[A-Za-z])[A-Za-z]*"),
             lambda m: _backslash_replacement(m) + m.group(0)[len(m.group("pre") or "") + 1:],
             _describe_backslash),
    # " rom " as a whole word is "from" with the f lost. Lower case only:
    # "Rom" may be a name, and "ROM" an acronym.
    TextRule("lost-f", re.compile(r"(?<![\w’'\-])rom(?![\w’'\-])"), lambda m: "from", _describe_lost_f, each=True),
    TextRule("extra-spaces", re.compile(r" {2,}"), lambda m: " ", _describe_extra),
    # "Kim Il Sung ," / "With the Century :" / "Chapayev ." — only a single
    # space after a word and before punctuation that is followed by a space or
    # the line end, so ellipses ("the 9th ... trucks") and dashes are untouched.
    # Not touched either: "11: 50 pm" in the memoir's quotation of a Japanese
    # record. That is a space *after* a colon inside a quoted time; it may be
    # the translator's typography, and a quotation's numbers are left as printed.
    TextRule("space-before-punctuation", re.compile(r"(?<=\w) (?=[,.;:!?](?:\s|$))"), lambda m: "",
             _describe_punct, each=True),
)



# --------------------------------------------------------------------------
# Paragraphs.


def _ends_sentence(text: str) -> bool:
    return bool(_SENTENCE_END.search(text))


def _heading_limit(pieces: list[str]) -> float:
    """Return the longest a heading may be in this document.

    Three quarters of a typical line (the upper quartile of line lengths),
    capped at HEADING_MAX: a wrapped line is near the wrap width, a heading
    well short of it.
    """
    lengths = sorted(len(p) for p in pieces)
    if len(lengths) < 4:
        return HEADING_MAX
    typical = statistics.quantiles(lengths, n=4)[2]
    return min(HEADING_MAX, 0.75 * typical)


def _glue(text: str) -> str:
    """Return what joins ``text`` to the next line of its paragraph.

    A line ending in a hyphen right after a letter ("Korean-" / "Chinese")
    breaks a hyphenated word: join directly and keep the hyphen (whether it
    was a real compound hyphen or a printer's word break cannot be told, and
    dropping it would change the wording). A dash ("(KCNA) --") is a word of
    its own and gets a space like any other break.
    """
    return "" if re.search(r"[^\W\d_]-$", text) else " "


def _continues(text: str, following: str | None, limit: float) -> bool:
    """Whether a raw line runs on into the next one (a hard line break)."""
    if following is None or _ends_sentence(text):
        return False
    if text.endswith((";", ",", "-")) or following[:1].islower():
        return True
    # No sentence end: a short line followed by a capital is a heading.
    heading = len(text) <= limit and bool(_STARTS_LIKE_PARAGRAPH.match(text))
    return not heading

