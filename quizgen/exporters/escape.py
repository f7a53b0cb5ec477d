"""Escape rules, one named function per target (XML text, HTML, GIFT, spreadsheet cells).

The model holds plain text; escaped text exists only inside an exporter. Each
function here turns plain text into what one kind of target needs and says
which importer rule it follows. XML formats build lxml trees (escaping is
automatic) and use only ``xml_text`` and ``html_paragraphs`` from here; text
formats (GIFT, CSV, TSV) call the other functions by name.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable

# --------------------------------------------------------------------------
# Newlines


#: Line breaks other than LF that line-based readers (Python's splitlines,
#: text editors) honour: NEL and the Unicode line and paragraph separators.
_OTHER_LINE_BREAKS = re.compile("\r\n?|[\x85\u2028\u2029]")


def normalize_newlines(text: str) -> str:
    """Return ``text`` with every other line break turned into LF.

    Importers treat CR LF, CR and LF alike or mangle CR, and line-based
    parsers also split at NEL (U+0085) and U+2028/U+2029; agreeing on LF
    first lets the GIFT writer escape every break, and the round-trip tests
    compare against this form.
    """
    return _OTHER_LINE_BREAKS.sub("\n", text)


# --------------------------------------------------------------------------
# XML 1.0 text

# XML 1.0 §2.2 Char: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF].
# Anything else (C0 controls, lone surrogates, U+FFFE/U+FFFF) makes lxml raise
# and every LMS parser reject the whole file, so it is removed.
_XML_FORBIDDEN = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_forbidden_chars(text: str) -> list[str]:
    """Return the characters of ``text`` that XML 1.0 forbids, in order, without repeats."""
    seen: dict[str, None] = {}
    for match in _XML_FORBIDDEN.finditer(text):
        seen.setdefault(match.group(), None)
    return list(seen)


def xml_text(text: str) -> str:
    """Return ``text`` fit for an XML 1.0 text node: forbidden characters dropped, LF newlines.

    The export plan notes what was dropped (``xml_forbidden_chars``).
    """
    return _XML_FORBIDDEN.sub("", normalize_newlines(text))


def describe_chars(chars: Iterable[str]) -> str:
    """Return characters as ``U+0000, U+000B`` for a diagnostic message."""
    return ", ".join(f"U+{ord(c):04X}" for c in chars)


# --------------------------------------------------------------------------
# HTML


def html_escape(text: str) -> str:
    """Escape ``& < >`` for HTML text content (quotes are safe outside attributes)."""
    return html.escape(text, quote=False)


def html_paragraphs(text: str) -> str:
    """Return plain text as HTML paragraphs: escaped, blank lines split ``<p>``, newlines ``<br>``.

    The mapping is exact and reversible: paragraphs are split on every
    ``\\n\\n`` (so three newlines give an empty-looking paragraph starting
    with ``<br>``), and the result never contains a raw newline, which GIFT
    needs (a newline inside a GIFT question may become a blank line).
    """
    text = normalize_newlines(text)
    paragraphs = text.split("\n\n")
    return "".join("<p>" + html_escape(p).replace("\n", "<br>") + "</p>" for p in paragraphs)


def html_text(text: str) -> str:
    """Return plain text from the model as HTML paragraphs: ``xml_text`` first, then ``html_paragraphs``."""
    return html_paragraphs(xml_text(text))


# --------------------------------------------------------------------------
# GIFT (Moodle qformat_gift, Moodle 3.x-4.x)

# Moodle's qformat_gift::escapedchar_pre() knows exactly these escapes:
# \\ \: \# \= \{ \} \~ and \n. Backslash must go first.
_GIFT_SPECIALS = str.maketrans({
    "\\": "\\\\",
    "~": "\\~",
    "=": "\\=",
    "#": "\\#",
    "{": "\\{",
    "}": "\\}",
    ":": "\\:",
    "\n": "\\n",
})


def gift_escape(text: str) -> str:
    """Return ``text`` escaped for any GIFT text field, on one line.

    ``~ = # { } :`` and backslash get a backslash; newlines become ``\\n``
    (Moodle turns the escape back into a newline), so the escaped text never
    spans lines and so can never put a blank line or a ``//`` comment line
    inside a question: a GIFT writer starts every line with ``::``, ``=``,
    ``~``, ``#`` or ``}`` and only then the escaped text.
    """
    return normalize_newlines(text).translate(_GIFT_SPECIALS)


def gift_category(segments: Iterable[str]) -> str:
    """Return a ``$CATEGORY:`` path below ``$course$/top`` from plain segment names.

    Moodle reads the category line as it stands, before any unescaping, so
    nothing can be escaped there: backslashes, newlines and the GIFT
    specials other than ``:`` (which Moodle keeps, and titles often hold)
    become spaces; a ``/`` inside a name is doubled, Moodle's escape for a
    slash in a category path (question/format.php split_category_path).
    """
    return "$course$/top/" + "/".join(_category_segment(s, gift=True) for s in segments)


def moodle_category(segments: Iterable[str]) -> str:
    """Return a Moodle XML category path below ``$course$/top``, ``/`` in names doubled."""
    return "$course$/top/" + "/".join(_category_segment(s, gift=False) for s in segments)


def _category_segment(name: str, *, gift: bool) -> str:
    name = xml_text(name)
    if gift:
        name = re.sub(r"[\\~=#{}\n\t]", " ", name)
    else:
        name = re.sub(r"[\n\t]", " ", name)
    name = " ".join(name.split()) or "-"
    return name.replace("/", "//")


def gift_tag(text: str) -> str:
    """Return ``text`` usable inside a GIFT ``[id:…]`` or ``[tag:…]`` comment.

    Moodle 4.x (qformat_gift::extract_idnumber_and_tags_from_comment) takes
    any non-control characters with ``]`` escaped as ``\\]``; tags may not
    hold ``<`` or ``>`` (PARAM_TAG), and its tag pattern skips a tag holding
    a backtick altogether. Those and control characters become spaces, and
    ``]`` is escaped.
    """
    text = re.sub(r"[\x00-\x1f\x7f<>`]", " ", text)
    return " ".join(text.split()).replace("]", "\\]")


# --------------------------------------------------------------------------
# Spreadsheets (CSV, TSV, xlsx)


def spreadsheet_cell(text: str) -> str:
    """Return ``text`` safe to put in a spreadsheet cell: formula-like starts get a ``'``.

    A cell starting with ``= + - @`` (or a tab or CR, which some spreadsheet
    programs skip before the formula sign) is run as a formula when a teacher
    opens the file (OWASP "CSV injection"); the leading apostrophe makes it
    text in Excel, LibreOffice and Google Sheets.
    """
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + text
    return text
