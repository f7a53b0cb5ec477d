"""Which characters bank text may hold, and how to name one a teacher cannot see.

A quote is only checkable if it reads the same on screen as in the file. So
the bank loader, ``bank validate``, the recipe reader and ``sources ingest``
refuse, naming the file, line, column and the character's Unicode name:

- control characters (C0, DEL and C1), except tab and line ends;
- bidirectional controls (U+061C, U+200E, U+200F, U+202A-U+202E,
  U+2066-U+2069), which can make text display in another order than it is
  stored, so a quote reads one way on screen and another in the file;
- every other invisible format character (Unicode category Cf: zero width
  space, word joiner, soft hyphen, byte-order mark inside the text, tag
  characters …), except those a script needs in its ordinary writing, which
  stay allowed: the zero width non-joiner and joiner (U+200C, U+200D: Persian,
  Indic scripts, Hangul and emoji sequences), the Arabic and Syriac number and
  abbreviation signs, Kaithi number signs, Egyptian hieroglyph and shorthand
  format controls and musical symbol formatting;
- the invisible line and paragraph separators (U+2028, U+2029), lone
  surrogates and noncharacters (not text at all).

``sources ingest`` repairs the harmless invisible characters of scraped
pages instead (see ``sources/cleaning.py``: a zero width space between two
words becomes a space, soft hyphens and word joiners are deleted), and logs
each repair; what it cannot repair without guessing it refuses.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator

#: Bidirectional controls: they reorder how text is displayed.
BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")

#: Format characters (category Cf) that a script needs in ordinary writing.
SCRIPT_FORMAT = frozenset(
    [0x200C, 0x200D]  # zero width non-joiner, joiner
    + list(range(0x0600, 0x0606)) + [0x06DD, 0x070F, 0x0890, 0x0891, 0x08E2]  # Arabic, Syriac signs
    + [0x110BD, 0x110CD]  # Kaithi number signs
    + list(range(0x13430, 0x13440))  # Egyptian hieroglyph format controls
    + list(range(0x1BCA0, 0x1BCA4))  # shorthand format controls
    + list(range(0x1D173, 0x1D17B))  # musical symbol formatting
)

#: Names of the C0 controls, which the Unicode database leaves unnamed.
_C0_NAMES = (
    "NULL", "START OF HEADING", "START OF TEXT", "END OF TEXT", "END OF TRANSMISSION", "ENQUIRY", "ACKNOWLEDGE",
    "BELL", "BACKSPACE", "CHARACTER TABULATION", "LINE FEED", "LINE TABULATION", "FORM FEED", "CARRIAGE RETURN",
    "SHIFT OUT", "SHIFT IN", "DATA LINK ESCAPE", "DEVICE CONTROL ONE", "DEVICE CONTROL TWO", "DEVICE CONTROL THREE",
    "DEVICE CONTROL FOUR", "NEGATIVE ACKNOWLEDGE", "SYNCHRONOUS IDLE", "END OF TRANSMISSION BLOCK", "CANCEL",
    "END OF MEDIUM", "SUBSTITUTE", "ESCAPE", "INFORMATION SEPARATOR FOUR", "INFORMATION SEPARATOR THREE",
    "INFORMATION SEPARATOR TWO", "INFORMATION SEPARATOR ONE",
)


def kind(ch: str, *, allowed: str = "\t\n") -> str:
    """Return what is wrong with ``ch`` in bank text ('a control character' …), or '' if it may stay.

    ``allowed`` lists controls accepted here (tab and newline in a value;
    a file's text also has carriage returns in its line ends).
    """
    if ch in allowed:
        return ""
    code = ord(ch)
    category = unicodedata.category(ch)
    if ch in BIDI_CONTROLS:
        return "a bidirectional control: it can make the text read differently on screen than in the file"
    if category == "Cc":
        return "a control character"
    if category == "Cf":
        return "" if code in SCRIPT_FORMAT else "an invisible format character"
    if category in ("Zl", "Zp"):
        return "an invisible line break"
    if category == "Cs":
        return "half of a surrogate pair, not a character"
    if (code & 0xFFFE) == 0xFFFE or 0xFDD0 <= code <= 0xFDEF:
        return "a noncharacter, not text"
    return ""


def name(ch: str) -> str:
    """Return ``U+XXXX NAME`` for a character (controls by their standard names)."""
    code = ord(ch)
    if code < 0x20:
        label = _C0_NAMES[code]
    elif code == 0x7F:
        label = "DELETE"
    elif 0x80 <= code <= 0x9F:
        label = "C1 CONTROL"
    else:
        label = unicodedata.name(ch, "")
    return f"U+{code:04X}" + (f" {label}" if label else "")


def find(text: str, *, allowed: str = "\t\n") -> Iterator[tuple[int, str, str]]:
    """Yield (index, character, what is wrong) for each character of ``text`` bank text may not hold."""
    start = 0
    for line in text.split("\n"):
        if not line.isprintable():  # the common case, a printable line, is checked in C
            for offset, ch in enumerate(line):
                if not ch.isprintable() and (problem := kind(ch, allowed=allowed)):
                    yield start + offset, ch, problem
        start += len(line) + 1
    # A newline is a control character too, where it is not allowed.
    if "\n" not in allowed and "\n" in text:
        index = text.index("\n")
        yield index, "\n", "a control character"


def first(text: str, *, allowed: str = "\t\n") -> tuple[int, str, str] | None:
    """Return the first (index, character, what is wrong) of ``text``, or None if it is clean."""
    return next(find(text, allowed=allowed), None)


def line_and_column(text: str, index: int) -> tuple[int, int]:
    """Return the 1-based line and column of ``text[index]`` (lines end at \\n)."""
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


def describe(ch: str, problem: str) -> str:
    """Return the message for a refused character: its code point, name, what it is, and what to do."""
    return f"{name(ch)} is {problem}; delete it"
