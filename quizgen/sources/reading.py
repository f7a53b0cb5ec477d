"""Reading raw documents: bytes of a .txt or .html file → raw lines with their line numbers."""

from __future__ import annotations

import re
from dataclasses import dataclass

from quizgen.sources.common import _fail

#: File suffixes ``ingest`` accepts, and how each is read.
TEXT_SUFFIXES = (".txt",)
HTML_SUFFIXES = (".html", ".htm")

#: Largest raw document we ingest; the five seed documents are under 32 KB.
MAX_RAW_BYTES = 5 * 1024 * 1024


@dataclass(frozen=True)
class RawLine:
    """A line of the raw document: its text and the raw line(s) it came from.

    For a .txt file ``first == last`` is the line number. For HTML a line is
    the text of one block element (or of one ``<br>``-separated part of it)
    and spans the HTML lines it came from. Lines of the same ``block`` may be
    one paragraph broken by hard line breaks; lines of different blocks never
    are (the markup says they are separate). A plain text is one block.
    """

    first: int
    last: int
    text: str
    block: int = 0



def _decode(raw: bytes, display: str, encoding: str = "utf-8") -> str:
    if b"\x00" in raw:
        line = raw[: raw.index(b"\x00")].count(b"\n") + 1
        raise _fail(display, "file contains NUL bytes; is it a binary file?", line)
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        raise _fail(display, f"not {encoding} text (byte 0x{raw[err.start]:02x}); save the file as UTF-8", line) from None
    except LookupError:
        raise _fail(display, f"unknown character encoding '{encoding}' declared in the page") from None
    return text[1:] if text.startswith("\ufeff") else text


def _text_lines(raw: bytes, display: str) -> list[RawLine]:
    text = _decode(raw, display)
    # splitlines() would also split at U+2028 and form feeds; raw line numbers
    # must agree with an editor's, so split at line ends only.
    parts = re.split(r"\r\n|\r|\n", text)
    if parts and parts[-1] == "":
        parts.pop()  # the final line end closes the last line; it does not start a new one
    return [RawLine(i, i, t) for i, t in enumerate(parts, 1)]


_BLOCK_TAGS = frozenset(
    "address article blockquote body caption dd details dialog div dl dt fieldset figcaption figure h1 h2 h3 h4 h5 "
    "h6 hr html li main ol p pre section summary table tbody td tfoot th thead tr ul".split()
)
#: Elements whose text is never article text.
_SKIP_TAGS = frozenset("head script style noscript template svg canvas iframe object select option".split())
#: Elements that are site chrome by their HTML role; removed and logged.
_CHROME_TAGS = frozenset("nav aside footer form button".split())
#: libxml2's limit on nested elements; text below it is lost, so such a page is refused.
MAX_HTML_DEPTH = 256
_HTML_SPACE = re.compile(r"[ \t\n\r\f]+")  # HTML collapses these, not U+00A0
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.I)


def _html_lines(raw: bytes, display: str) -> tuple[list[RawLine], list[RawLine], str]:
    """Return the text lines of an HTML page, its chrome elements, and its <title>.

    Block elements become lines; inline text is joined; whitespace collapses
    as a browser would (so it is layout, not a repair), except non-breaking
    spaces, which the text rules then log.
    """
    root = _parse_html(raw, display)
    title_el = root.find(".//title")
    html_title = _HTML_SPACE.sub(" ", title_el.text_content()).strip() if title_el is not None else ""
    reader = _HtmlReader()
    body = root.find("body")
    reader.walk(body if body is not None else root)
    reader.flush()
    return reader.lines, reader.chrome, html_title


def _html_encoding(raw: bytes) -> str:
    """Return the encoding a page declares in its first 4 KB (a byte-order mark wins), else UTF-8."""
    match = _META_CHARSET.search(raw[:4096])
    encoding = match.group(1).decode("ascii").lower() if match else "utf-8"
    return "utf-8" if raw.startswith(b"\xef\xbb\xbf") else encoding


def _parse_html(raw: bytes, display: str):
    """Return the lxml tree of a page; SourceError for bytes that are not text in its encoding."""
    from lxml import etree
    from lxml import html as lxml_html

    encoding = _html_encoding(raw)
    _decode(raw, display, encoding)  # a clear error for undecodable bytes
    try:
        parser = lxml_html.HTMLParser(encoding=encoding, remove_comments=True)
        root = lxml_html.document_fromstring(raw, parser=parser)
    except (etree.ParserError, ValueError) as err:
        raise _fail(display, f"cannot read HTML: {err}") from None
    # libxml2 stops reading (and drops the text) below 256 nested elements.
    too_deep = next((e for e in parser.error_log if "Excessive depth" in e.message), None)
    if too_deep is not None:
        raise _fail(display, f"the HTML is nested more than {MAX_HTML_DEPTH} elements deep, too deep to read all of its "
                             "text; save the article as plain text (.txt) and ingest that", too_deep.line or None)
    return root


def _last_line(el) -> int:
    return max((d.sourceline or 0) for d in el.iter()) or (el.sourceline or 0)


class _HtmlReader:
    """Walk an HTML tree, turning block elements into raw lines and chrome elements into chrome lines."""

    def __init__(self):
        self.lines: list[RawLine] = []
        self.chrome: list[RawLine] = []
        #: Text pieces of the paragraph being read, each with the first raw line it
        #: starts on; a piece that holds line breaks runs on to later lines.
        self.buffer: list[tuple[str, int]] = []
        self.block = 0

    def flush(self, end_block: bool = True) -> None:
        if self.buffer:
            text = _HTML_SPACE.sub(" ", "".join(t for t, _ in self.buffer)).strip(" ")
            first = min(n for _, n in self.buffer)
            last = max(n + t.rstrip().count("\n") for t, n in self.buffer)
            self.buffer.clear()
            if text:
                self.lines.append(RawLine(first, last, text, self.block))
        if end_block:
            self.block += 1

    def walk(self, el) -> None:
        tag = el.tag.lower() if isinstance(el.tag, str) else ""
        line = el.sourceline or 0
        if tag in _SKIP_TAGS or not tag:
            return
        if tag in _CHROME_TAGS:
            self.flush()
            text = _HTML_SPACE.sub(" ", " ".join(el.itertext())).strip()
            self.chrome.append(RawLine(line, _last_line(el), f"<{tag}> {text}".strip()))
            return
        if tag == "pre":
            # Preformatted text keeps its line breaks (a PDF dump often comes
            # as <pre>): each line is a raw line, and the join rule decides.
            self.flush()
            for offset, text in enumerate(el.text_content().split("\n")):
                self.lines.append(RawLine(line + offset, line + offset, text, self.block))
            self.block += 1
            return
        is_block = tag in _BLOCK_TAGS
        if is_block or tag == "br":
            self.flush(end_block=is_block)  # <br> breaks a line, not a paragraph
        if el.text:
            self.buffer.append((el.text, line))
        for child in el:
            self.walk(child)
            if child.tail:
                # lxml keeps no position for tail text; the child's last line is close.
                self.buffer.append((child.tail, _last_line(child)))
        if is_block:
            self.flush()
