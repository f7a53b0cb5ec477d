"""Raw document → cleaned, line-numbered Source with its repair log.

The source documents are primary sources for media-literacy exercises, so we
quote them, never "improve" them: every change made while cleaning is
recorded as a ``model.Repair`` (rule, cleaned line, raw lines, a short
before/after sample and the reason), and a worksheet can say what was changed.

The cleaning rules are general. Nothing here knows a file by name or a line by
number: site chrome is found by the patterns in ``CHROME`` (plus two
structural rules: the page title echoed at the top, and a run of short
non-article lines at the end), damage by the rules in ``TEXT_RULES``, and hard
line breaks by the shape of the lines. A new document with the same kind of
debris is cleaned the same way.

The cleaned text has one paragraph (or heading) per line, no blank lines and
``\\n`` line ends, so line N is paragraph N and line numbers stay stable.

Pipeline (each step returns new values; only ``write_source`` touches disk):

    bytes ─decode─▶ raw lines ─chrome─▶ kept lines ─text rules─▶ cleaned pieces
          ─join hard line breaks─▶ paragraphs ─▶ Source + cleaned text
"""

from __future__ import annotations

import hashlib
import os
import re
import statistics
import tempfile
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import yaml

from quizgen.errors import Diagnostic, Location, SourceError
from quizgen.model import Repair, Source, SourceDates
from quizgen.yamlfile import load_yaml

#: Source ids: lower-case words joined by hyphens (the bank's id rule).
ID_PATTERN = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")

#: File suffixes ``ingest`` accepts, and how each is read.
TEXT_SUFFIXES = (".txt",)
HTML_SUFFIXES = (".html", ".htm")

#: Largest raw document we ingest; the five seed documents are under 32 KB.
MAX_RAW_BYTES = 5 * 1024 * 1024

# --------------------------------------------------------------------------
# The rules, as data. Each repair names one of these; the loader rejects any
# other name, so the log cannot drift from the code that writes it.

RULES: dict[str, str] = {
    "site-chrome": "web-page furniture around the article (menus, footers, share buttons, sidebars) removed",
    "blank-lines": "blank and whitespace-only lines removed (one paragraph per line)",
    "hard-line-break": "a paragraph broken across several raw lines (PDF/e-mail wrapping) joined back into one line",
    "edge-spaces": "spaces at the start or end of a paragraph removed",
    "odd-whitespace": "non-breaking spaces, tabs and other odd space characters replaced by plain spaces",
    "backslash-word": "a backslash standing for a space before a word replaced by a space",
    "lost-f": "'rom' standing for 'from' (its 'f' lost) restored",
    "extra-spaces": "runs of spaces inside a paragraph collapsed to one",
    "space-before-punctuation": "a space before , . : ; ! ? removed",
}

#: Order in which repairs on the same cleaned line are listed (and applied).
RULE_ORDER = {name: i for i, name in enumerate(RULES)}


@dataclass(frozen=True)
class ChromePattern:
    """One known piece of site chrome.

    ``scope`` says how much goes: ``line`` (the matching line), ``footer``
    (the matching line and everything after it). ``where`` limits where it
    may match: ``anywhere``, ``first`` (the first line only, and only if the
    page repeats what it captured), ``top`` (in the run of chrome before the
    article) or ``tail`` (in the run of chrome after it), so that a pattern
    that could in principle occur in prose only fires where chrome lives.
    Named groups in ``pattern`` are facts about the page kept as metadata.
    """

    site: str
    label: str
    pattern: re.Pattern
    scope: str = "line"
    where: str = "anywhere"


def _chrome(site: str, label: str, pattern: str, scope: str = "line", where: str = "anywhere") -> ChromePattern:
    return ChromePattern(site, label, re.compile(pattern), scope, where)


#: Known chrome, matched against whitespace-normalised lines (non-breaking
#: spaces and tabs read as spaces, runs collapsed, ends stripped).
CHROME: tuple[ChromePattern, ...] = (
    # Naenara (DPRK portal): the "More From Naenara (En)" box of news teasers
    # with their dates, ending in "More Articles".
    _chrome("Naenara", "'More From Naenara' footer: news teasers, their dates, 'More Articles'",
            r"^More From Naenara\b", scope="footer"),
    # GlobalSecurity.org: banner, menu entry and mailing-list box.
    _chrome("GlobalSecurity.org", "banner", r"^UNITED24 - Make a charitable donation\b"),
    _chrome("GlobalSecurity.org", "menu entry", r"^Weapons of Mass Destruction \(WMD\)$"),
    _chrome("GlobalSecurity.org", "mailing-list box", r"^Join the GlobalSecurity\.org mailing list$"),
    # Korean bulletin-board pages (KANCC runs Gnuboard): header and footer.
    _chrome("Korean board page", "page title 'TITLE > BOARD'",
            r"^(?P<page_title>.+?) > (?P<board>.+)$", where="first"),
    _chrome("Korean board page", "'skip to content' link (본문 바로가기)", r"^본문 바로가기$"),
    _chrome("Korean board page", "'page information' heading (페이지 정보)", r"^페이지 정보$"),
    _chrome("Korean board page", "post header: poster (작성자), date (작성일), comment count (댓글)",
            r"^작성자\s*(?P<poster>\S+)\s+작성일\s*(?P<posted>\d{2}-\d{2}-\d{2} \d{2}:\d{2})\s+댓글\s*\d+\s*건$"),
    _chrome("Korean board page",
            "board footer from the recommend count (추천) on: share buttons, comments, sidebar headlines, copyright",
            r"^추천\s*\d+$", scope="footer"),
    _chrome("Korean board page", "share button ('… 보내기')", r"^[•·]?\s*\S+(으로|로) 보내기$"),
    _chrome("Korean board page", "'no comments yet' notice (등록된 댓글이 없습니다)", r"^등록된 댓글이 없습니다\.?$"),
    # Any site: copyright and contact lines after the article.
    _chrome("any site", "copyright line", r"^Copyright\b.*\b(?P<copyright_until>(19|20)\d\d)\b.*All rights reserved\.?$",
            where="tail"),
    _chrome("any site", "contact line", r"^E-?mail\s*:", where="tail"),
)

#: Dates in chrome (teaser dates, "November 04, 2025") bound the capture date.
_CHROME_DATE = re.compile(
    r"\b(?P<month>January|February|March|April|May|June|July|August|September|October|November|December)"
    r" (?P<day>\d{1,2}), (?P<year>\d{4})\b"
)
_MONTHS = {m: i for i, m in enumerate(
    "January February March April May June July August September October November December".split(), 1)}

#: A trailing run of at least this many short non-article lines is a sidebar
#: or link list (KANCC's headline list, say), not the article's last words.
TAIL_RUN_MIN = 3
#: "Short" for the tail rule: teaser headlines and menu entries are shorter.
TAIL_LINE_MAX = 60

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


def _plural(n: int, word: str, plural: str | None = None) -> str:
    return f"{n} {word if n == 1 else (plural or word + 's')}"


def _describe_odd(hits: list[Hit]) -> str:
    kinds = Counter(_visible(h.found) for h in hits)
    detail = ", ".join(f"{k} ×{n}" for k, n in sorted(kinds.items()))
    return (f"{_plural(len(hits), 'odd space character')} ({detail}) replaced by plain spaces: "
            "page-layout spacing, not the author's")


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
    # Non-breaking and other odd spaces (KANCC pads with U+00A0). Zero-width
    # joiners are left alone: they matter in some scripts.
    TextRule("odd-whitespace",
             re.compile(r"[\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000\t\v\f\u200b\u2060\ufeff]"),
             lambda m: "" if m.group(0) in "\u200b\u2060\ufeff" else " ",
             _describe_odd),
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
# Reading raw documents.


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


@dataclass
class PageFacts:
    """What the removed chrome said about the page, kept before dropping it."""

    poster: str = ""
    posted: str = ""
    page_title: str = ""
    board: str = ""
    html_title: str = ""
    chrome_dates: list[str] = field(default_factory=list)
    copyright_until: str = ""

    def describe(self) -> str:
        """Return one sentence per fact, for the source's date notes."""
        out = []
        if self.page_title:
            out.append(f"Page title: '{self.page_title}'" + (f" on board '{self.board}'." if self.board else "."))
        if self.posted:
            out.append(f"Posted {_iso_posted(self.posted)}" + (f" by '{self.poster}'" if self.poster else "")
                       + " (page chrome).")
        if self.chrome_dates:
            out.append(f"Dates in the removed chrome run from {min(self.chrome_dates)} to {max(self.chrome_dates)}.")
        if self.copyright_until:
            out.append(f"The copyright line runs to {self.copyright_until}.")
        return " ".join(out)


def _fail(path: str, message: str, line: int | None = None, field_: str | None = None) -> SourceError:
    # One diagnostic, no summary line: the CLI prints exactly one line.
    return SourceError("", [Diagnostic(Location(path, line, field_), message)])


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
_HTML_SPACE = re.compile(r"[ \t\n\r\f]+")  # HTML collapses these, not U+00A0
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.I)


def _html_lines(raw: bytes, display: str) -> tuple[list[RawLine], list[RawLine], str]:
    """Return the text lines of an HTML page, its chrome elements, and its <title>.

    Block elements become lines; inline text is joined; whitespace collapses
    as a browser would (so it is layout, not a repair), except non-breaking
    spaces, which the text rules then log.
    """
    from lxml import etree
    from lxml import html as lxml_html

    head = raw[:4096]
    match = _META_CHARSET.search(head)
    encoding = match.group(1).decode("ascii").lower() if match else "utf-8"
    if raw.startswith(b"\xef\xbb\xbf"):
        encoding = "utf-8"
    _decode(raw, display, encoding)  # a clear error for undecodable bytes
    try:
        parser = lxml_html.HTMLParser(encoding=encoding, remove_comments=True)
        root = lxml_html.document_fromstring(raw, parser=parser)
    except (etree.ParserError, ValueError) as err:
        raise _fail(display, f"cannot read HTML: {err}") from None

    title_el = root.find(".//title")
    html_title = _HTML_SPACE.sub(" ", title_el.text_content()).strip() if title_el is not None else ""

    lines: list[RawLine] = []
    chrome: list[RawLine] = []
    #: Text pieces of the paragraph being read, each with the first raw line it
    #: starts on; a piece that holds line breaks runs on to later lines.
    buffer: list[tuple[str, int]] = []
    block = [0]

    def flush(end_block: bool = True) -> None:
        if buffer:
            text = _HTML_SPACE.sub(" ", "".join(t for t, _ in buffer)).strip(" ")
            first = min(n for _, n in buffer)
            last = max(n + t.rstrip().count("\n") for t, n in buffer)
            buffer.clear()
            if text:
                lines.append(RawLine(first, last, text, block[0]))
        if end_block:
            block[0] += 1

    def last_line(el) -> int:
        return max((d.sourceline or 0) for d in el.iter()) or (el.sourceline or 0)

    def walk(el) -> None:
        tag = el.tag.lower() if isinstance(el.tag, str) else ""
        line = el.sourceline or 0
        if tag in _SKIP_TAGS or not tag:
            return
        if tag in _CHROME_TAGS:
            flush()
            text = _HTML_SPACE.sub(" ", " ".join(el.itertext())).strip()
            chrome.append(RawLine(line, last_line(el), f"<{tag}> {text}".strip()))
            return
        if tag == "pre":
            # Preformatted text keeps its line breaks (a PDF dump often comes
            # as <pre>): each line is a raw line, and the join rule decides.
            flush()
            for offset, text in enumerate(el.text_content().split("\n")):
                lines.append(RawLine(line + offset, line + offset, text, block[0]))
            block[0] += 1
            return
        is_block = tag in _BLOCK_TAGS
        if is_block or tag == "br":
            flush(end_block=is_block)  # <br> breaks a line, not a paragraph
        if el.text:
            buffer.append((el.text, line))
        for child in el:
            walk(child)
            if child.tail:
                # lxml keeps no position for tail text; the child's last line is close.
                buffer.append((child.tail, last_line(child)))
        if is_block:
            flush()

    body = root.find("body")
    walk(body if body is not None else root)
    flush()
    return lines, chrome, html_title


# --------------------------------------------------------------------------
# Site chrome.


def _norm(text: str) -> str:
    """Return ``text`` as chrome patterns see it: odd spaces plain, runs collapsed, ends stripped."""
    return " ".join(text.replace("\u00a0", " ").split())


def _is_non_article(text: str, language: str) -> bool:
    """Whether a trailing line looks like a headline, menu entry or link, not article prose."""
    letters = [c for c in text if c.isalpha()]
    if language == "en" and letters and sum(1 for c in letters if _HANGUL.match(c)) > len(letters) / 2:
        return True
    return len(text) <= TAIL_LINE_MAX and not _SENTENCE_END.search(text)


@dataclass
class _ChromeBlock:
    first: int
    last: int
    sample: str
    label: str
    site: str
    count: int = 1


def _find_chrome(lines: list[RawLine], language: str) -> tuple[set[int], list[_ChromeBlock], PageFacts]:
    """Return the indexes of chrome lines, one block per removal, and the page facts."""
    facts = PageFacts()
    removed: dict[int, ChromePattern | str] = {}
    normed = [_norm(r.text) for r in lines]
    content = [i for i, t in enumerate(normed) if t]

    def match(i: int, where: tuple[str, ...]) -> ChromePattern | None:
        for pat in CHROME:
            if pat.where in where and pat.pattern.search(normed[i]):
                return pat
        return None

    def remember(pat: ChromePattern, i: int) -> None:
        m = pat.pattern.search(normed[i])
        for key, value in m.groupdict().items():
            if value and hasattr(facts, key) and not getattr(facts, key):
                setattr(facts, key, value)

    # Footers: from the first footer marker (after some article text) to the end.
    for i in content[1:]:
        pat = match(i, ("anywhere",))
        if pat and pat.scope == "footer":
            for j in range(i, len(lines)):
                removed[j] = pat
            break

    # Top run: chrome before the first article line, including echoes of the
    # page title and board name that the page repeats.
    echoes: set[str] = set()
    for n, i in enumerate(content):
        if i in removed:
            break
        pat = match(i, ("anywhere", "top") + (("first",) if n == 0 else ()))
        if pat and pat.where == "first":
            m = pat.pattern.search(normed[i])
            # A "TITLE > SECTION" line is only a page title if the page repeats it.
            following = {normed[k] for k in content[n + 1 : n + 12]}
            if not following & {m.group("page_title"), m.group("board")}:
                break
            echoes |= {m.group("page_title"), m.group("board")}
        if pat:
            remember(pat, i)
            removed[i] = pat
        elif normed[i] in echoes:
            removed[i] = "echo"
        else:
            break

    # Known chrome lines anywhere.
    for i in content:
        if i not in removed:
            pat = match(i, ("anywhere",))
            if pat and pat.scope == "line":
                remember(pat, i)
                removed[i] = pat

    # Tail run: walk back from the end over chrome-looking lines.
    run: list[int] = []
    for i in reversed(content):
        if i in removed:
            continue
        pat = match(i, ("anywhere", "tail"))
        if pat:
            remember(pat, i)
            removed[i] = pat
            run.append(i)
        elif _is_non_article(normed[i], language):
            run.append(i)
        else:
            break
    if len(run) >= TAIL_RUN_MIN:
        for i in run:
            removed.setdefault(i, "tail-run")

    # Facts inside footers and the tail run (teaser dates, copyright years).
    for i in sorted(removed):
        for m in _CHROME_DATE.finditer(normed[i]):
            facts.chrome_dates.append(f"{m['year']}-{_MONTHS[m['month']]:02d}-{int(m['day']):02d}")
        pat = removed[i]
        if isinstance(pat, ChromePattern) and pat.scope == "footer":
            for other in CHROME:
                if other.scope == "line" and other.pattern.search(normed[i]):
                    remember(other, i)

    # One repair per removal: a footer or a tail run is one block (blank
    # lines inside it included); a known chrome line is its own block.
    blocks: list[_ChromeBlock] = []
    previous = -1
    for i in sorted(removed):
        reason = removed[i]
        label, site = _chrome_label(reason, facts)
        grouped = isinstance(reason, str) and reason == "tail-run" or (
            isinstance(reason, ChromePattern) and reason.scope == "footer")
        same_run = blocks and blocks[-1].label == label and all(not normed[k] for k in range(previous + 1, i))
        if grouped and same_run:
            blocks[-1].last = lines[i].last
            blocks[-1].count += 1
        elif normed[i] or not grouped:
            blocks.append(_ChromeBlock(lines[i].first, lines[i].last, lines[i].text, label, site))
        previous = i
    return set(removed), blocks, facts


def _chrome_label(reason: ChromePattern | str, facts: PageFacts) -> tuple[str, str]:
    if reason == "echo":
        return "the page title (or board name) repeated by the page", "page chrome"
    if reason == "tail-run":
        return (f"a run of short non-article lines after the article ends "
                f"(headlines, links or menu entries; at least {TAIL_RUN_MIN} in a row)"), "sidebar"
    label = reason.label
    if "posted" in reason.pattern.groupindex and facts.posted:
        label += f"; read before removal: poster '{facts.poster}', posted {_iso_posted(facts.posted)}"
    return label, reason.site


def _iso_posted(posted: str) -> str:
    # Gnuboard prints "yy-mm-dd hh:mm"; a web board post is from 20yy.
    yy, mm, rest = posted.split("-", 2)
    return f"20{yy}-{mm}-{rest}"


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


# --------------------------------------------------------------------------
# Ingestion.


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _default_id(filename: str) -> str:
    stem = Path(filename).stem.lower()
    return re.sub(r"[^a-z0-9]+", "-", stem).strip("-") or "source"


def _sample(text: str, limit: int = 70) -> str:
    text = _visible(_norm(text) or text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def ingest(
    raw: bytes,
    filename: str,
    *,
    id: str | None = None,  # noqa: A002 - the bank's word for it
    title: str | None = None,
    outlet: str = "not stated",
    publisher: str = "not stated",
    kind: str = "unknown",
    language: str = "en",
    origin: str | None = None,
    original_file: str | None = None,
    published: str | None = None,
    captured: str | None = None,
    events: str = "unknown (not recorded at ingestion)",
    date_notes: str | None = None,
    notes: str = "",
) -> tuple[Source, str]:
    """Return the cleaned Source of a raw .txt or .html document and its cleaned text.

    Pure: reads nothing and writes nothing. ``filename`` is used for its
    suffix, for error messages and as the default ``original_file`` and id.
    Metadata left out is read off the page chrome where it can be (title,
    posting date, capture date bound) and otherwise stated as unknown.
    Raises SourceError for a file that is not UTF-8 text or HTML, or that
    has no article text once the chrome is gone.
    """
    display = filename
    suffix = Path(filename).suffix.lower()
    source_id = id if id is not None else _default_id(filename)
    if not ID_PATTERN.match(source_id):
        raise _fail(display, f"id '{source_id}' is not lower-case words joined by hyphens (e.g. 'memoir')",
                    field_="id")
    if len(raw) > MAX_RAW_BYTES:
        raise _fail(display, f"file is {len(raw):,} bytes; the limit is {MAX_RAW_BYTES:,}")

    html_chrome: list[RawLine] = []
    html_title = ""
    if suffix in TEXT_SUFFIXES:
        lines = _text_lines(raw, display)
    elif suffix in HTML_SUFFIXES:
        lines, html_chrome, html_title = _html_lines(raw, display)
    else:
        raise _fail(display, f"expected a .txt or .html file, found '{suffix or 'no suffix'}'")

    removed, blocks, facts = _find_chrome(lines, language)
    facts.html_title = html_title
    repairs: list[Repair] = []
    for el in html_chrome:
        repairs.append(Repair("site-chrome", None, (el.first, el.last), _sample(el.text), "",
                              "HTML element that holds site chrome by its role (<nav>, <aside>, <footer>, <form>, "
                              "<button>), not the article"))
    for b in blocks:
        extent = f"; {b.count} lines" if b.count > 1 else ""
        repairs.append(Repair("site-chrome", None, (b.first, b.last), _sample(b.sample), "",
                              f"{b.site}: {b.label}{extent}"))

    # Blank lines outside chrome: structural for a PDF dump, not text.
    blank = [r for i, r in enumerate(lines) if i not in removed and not r.text.strip()]
    kept = [r for i, r in enumerate(lines) if i not in removed and r.text.strip()]
    if not kept:
        raise _fail(display, "no article text left once the site chrome and blank lines are removed")
    if blank:
        longest = run = 0
        previous = None
        for r in blank:
            run = run + 1 if previous is not None and r.first == previous + 1 else 1
            longest = max(longest, run)
            previous = r.last
        repairs.append(Repair(
            "blank-lines", None, (blank[0].first, blank[-1].last), f"[{_plural(len(blank), 'blank line')}]", "",
            f"one paragraph per line: {_plural(len(blank), 'blank or whitespace-only line')} removed "
            f"(longest run: {longest})"))

    # Text rules per raw line, so every hit knows its raw line.
    pieces: list[tuple[RawLine, str, int, int, list[Hit]]] = []
    for r in kept:
        text = r.text
        lead = len(text) - len(text.lstrip())
        trail = len(text) - len(text.rstrip())
        text = text.strip()
        hits: list[Hit] = []
        for rule in TEXT_RULES:
            text, found = rule.apply(text, (r.first, r.last))
            hits.extend(found)
        pieces.append((r, text.strip(" "), lead, trail, hits))

    # Paragraphs: a line may run on into the next (hard line breaks), but
    # never across HTML blocks: there the markup says where paragraphs are.
    limit = _heading_limit([p[1] for p in pieces])
    paragraphs: list[list[int]] = []
    for k, (r, text, *_rest) in enumerate(pieces):
        if paragraphs and pieces[k - 1][0].block == r.block and _continues(pieces[k - 1][1], text, limit):
            paragraphs[-1].append(k)
        else:
            paragraphs.append([k])

    cleaned: list[str] = []
    for number, members in enumerate(paragraphs, 1):
        parts = [pieces[k][1] for k in members]
        text = parts[0]
        joints = []
        for part in parts[1:]:
            joints.append((text, _glue(text), part))
            text = text + _glue(text) + part
        cleaned.append(text)
        first_raw = pieces[members[0]][0]
        last_raw = pieces[members[-1]][0]
        if joints:
            left, glue, right = joints[0]
            left = "…" + left[-_WINDOW:] if len(left) > _WINDOW else left
            right = right[:_WINDOW] + "…" if len(right) > _WINDOW else right
            raw_numbers = ", ".join(str(pieces[k][0].first) for k in members)
            tight = sum(1 for _l, g, _r in joints if not g)
            how = (f"{_plural(len(joints), 'break')} joined with one space each" if not tight else
                   f"{_plural(len(joints), 'break')} joined, with one space each except after a hyphen "
                   f"ending a line ({tight}), which is kept and joined directly")
            repairs.append(Repair(
                "hard-line-break", number, (first_raw.first, last_raw.last),
                _visible(left + "[line break]" + right), _visible(left + glue + right),
                f"one paragraph broken across raw lines {raw_numbers} by hard line wrapping: {how} "
                "(line-end spaces at the breaks dropped)"))
        lead = pieces[members[0]][2]
        trail = pieces[members[-1]][3]
        if lead or trail:
            edge_raw = first_raw if lead else last_raw
            before, after = _edge_sample(edge_raw.text, lead if edge_raw is first_raw else 0,
                                         trail if edge_raw is last_raw else 0)
            what = [_plural(n, f"{side} space character") for n, side in ((lead, "leading"), (trail, "trailing")) if n]
            repairs.append(Repair(
                "edge-spaces", number,
                ((first_raw if lead else last_raw).first, (last_raw if trail else first_raw).last),
                before, after, " and ".join(what) + " removed: spacing at a paragraph's edge carries no text"))
        by_rule: dict[str, list[Hit]] = {}
        for k in members:
            for hit in pieces[k][4]:
                by_rule.setdefault(hit.rule, []).append(hit)
        for rule in TEXT_RULES:
            hits = by_rule.get(rule.name, [])
            groups = [[h] for h in hits] if rule.each else ([hits] if hits else [])
            for group in groups:
                repairs.append(Repair(
                    rule.name, number,
                    (min(h.raw[0] for h in group), max(h.raw[1] for h in group)),
                    group[0].before, group[0].after, rule.describe(group)))

    repairs.sort(key=lambda r: (r.line is not None, r.line or 0, RULE_ORDER[r.rule], r.raw_lines))

    dates = SourceDates(
        published=published if published is not None else (
            f"{_iso_posted(facts.posted)} (posting date on the page; no earlier date shown)" if facts.posted
            else "unknown (not stated in the text)"),
        captured=captured if captured is not None else _captured_from(facts),
        events=events,
        notes=date_notes if date_notes is not None else (facts.describe() or "No dates were found in the page chrome."),
    )
    source = Source(
        id=source_id,
        title=title if title is not None else (facts.page_title or facts.html_title or _first_heading(cleaned)),
        outlet=outlet,
        publisher=publisher,
        kind=kind,
        language=language,
        origin=origin if origin is not None else "not shown in the text",
        original_file=original_file if original_file is not None else Path(filename).name,
        sha256=_sha256(raw),
        dates=dates,
        lines=tuple(cleaned),
        repairs=tuple(repairs),
        notes=notes,
    )
    return source, render_text(source.lines)


def _edge_sample(text: str, lead: int, trail: int) -> tuple[str, str]:
    """Return before/after samples showing the edge(s) of ``text`` that lose spaces."""
    core = text.strip()
    if len(text) <= 60:
        return _visible(text), _visible(core)
    if lead:
        return _visible(text[: lead + 20]) + "…", _visible(core[:20]) + "…"
    return "…" + _visible(text[-(trail + 20):]), "…" + _visible(core[-20:])


def _captured_from(facts: PageFacts) -> str:
    if facts.chrome_dates:
        return f"not before {max(facts.chrome_dates)} (newest date in the removed site chrome)"
    if facts.copyright_until:
        return f"not before {facts.copyright_until} (the page's copyright line)"
    return "unknown"


def _first_heading(lines: list[str]) -> str:
    first = lines[0]
    return first if len(first) <= HEADING_MAX and not _ends_sentence(first) else "untitled"


def render_text(lines: tuple[str, ...] | list[str]) -> str:
    """Return cleaned lines as the committed text: one per line, each ending in ``\\n``."""
    return "".join(line + "\n" for line in lines)


def source_meta(source: Source) -> dict:
    """Return the metadata ``ingest`` needs to re-create ``source`` from its raw file."""
    return dict(
        id=source.id, title=source.title, outlet=source.outlet, publisher=source.publisher, kind=source.kind,
        language=source.language, origin=source.origin, original_file=source.original_file,
        published=source.dates.published, captured=source.dates.captured, events=source.dates.events,
        date_notes=source.dates.notes, notes=source.notes,
    )


# --------------------------------------------------------------------------
# The committed YAML.

_HEADER = """\
# Source record written by `quizgen sources ingest`. The metadata may be edited
# by hand; the text file and the repair log may not: re-ingest the raw file
# (quizgen sources ingest RAW --id {id} --force keeps this metadata) so that every
# change to the raw document stays recorded. Lines are 1-based lines of {text}.
"""


class _Dumper(yaml.SafeDumper):
    """Block style for mappings and lists, but [a, b] for line spans.

    Text that needs quoting is written for a reader, not a parser: long text
    as a folded block (``>-``, no escapes at all); short text with an
    apostrophe in double quotes ("Kim Il Sung's" rather than YAML's
    'Kim Il Sung''s'), unless a backslash or double quote would need escaping.
    """

    def choose_scalar_style(self):
        style = super().choose_scalar_style()
        if style not in ("'", '"'):
            return style
        value = self.event.value
        block_ok = not self.flow_level and not self.simple_key_context and self.analysis.allow_block
        if block_ok and len(value) > 60 and "\n" not in value:
            return ">"
        if "'" in value and "\\" not in value and '"' not in value:
            return '"'
        return style


def _represent_str(dumper: yaml.SafeDumper, value: str):
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _represent_str)
_Dumper.add_representer(tuple, lambda d, v: d.represent_sequence("tag:yaml.org,2002:seq", v, flow_style=True))


def dump_source(source: Source, text: str | None = None) -> str:
    """Return the YAML record of ``source`` (deterministic, block style, for a teacher to read)."""
    text = text if text is not None else render_text(source.lines)
    record = {
        "id": source.id,
        "title": source.title,
        "outlet": source.outlet,
        "publisher": source.publisher,
        "kind": source.kind,
        "language": source.language,
        "origin": source.origin,
        "original_file": source.original_file,
        "sha256": source.sha256,
        "text": f"{source.id}.txt",
        "text_sha256": _sha256(text.encode("utf-8")),
        "dates": {
            "published": source.dates.published,
            "captured": source.dates.captured,
            "events": source.dates.events,
            "notes": source.dates.notes,
        },
        "notes": source.notes,
        "repairs": [
            {
                "rule": r.rule,
                "line": r.line,
                "raw_lines": tuple(r.raw_lines),
                "before": r.before,
                "after": r.after,
                "reason": r.reason,
            }
            for r in source.repairs
        ],
    }
    body = yaml.dump(record, Dumper=_Dumper, sort_keys=False, allow_unicode=True, default_flow_style=False,
                     width=100, indent=2)
    return _HEADER.format(id=source.id, text=f"{source.id}.txt") + body


# --------------------------------------------------------------------------
# Loading a committed source.

_FIELDS = ("id", "title", "outlet", "publisher", "kind", "language", "origin", "original_file", "sha256", "text",
           "text_sha256", "dates", "notes", "repairs")
_OPTIONAL = {"notes"}
_DATE_FIELDS = ("published", "captured", "events", "notes")
_REPAIR_FIELDS = ("rule", "line", "raw_lines", "before", "after", "reason")
_SHA = re.compile(r"^[0-9a-f]{64}$")


def _type_name(value: object) -> str:
    return {bool: "true/false", int: "a number", float: "a number", list: "a list", dict: "a mapping",
            type(None): "nothing"}.get(type(value), type(value).__name__)


def load_source(path: Path, display: str | None = None) -> Source:
    """Return the Source recorded in a committed ``<id>.yaml`` and its text file.

    Checks every field (missing, unknown, wrong type), the id against the
    file name, the text file against ``text_sha256`` (a cleaned text edited
    by hand no longer matches its repair log), that the text has no blank
    lines, and that each repair points inside the text. All problems are
    collected and raised together as one SourceError whose diagnostics name
    ``file:line`` and the field. YAML syntax errors arrive as BankError from
    ``quizgen.yamlfile``.
    """
    path = Path(path)
    display = display or str(path)
    value, lines = load_yaml(path, display)
    diags: list[Diagnostic] = []

    def problem(where: tuple, message: str, key: bool = False) -> None:
        field_ = ".".join(str(p) if isinstance(p, str) else f"[{p}]" for p in where).replace(".[", "[") or None
        diags.append(Diagnostic(Location(display, lines.of(where, key=key), field_), message))

    if not isinstance(value, dict):
        problem((), f"expected a mapping of source fields, found {_type_name(value)}")
        raise _collected(diags, display)

    def text_field(where: tuple, data: dict, name: str, required: bool = True, empty_ok: bool = False) -> str:
        if name not in data:
            if required:
                problem(where, f"required field '{name}' is missing")
            return ""
        v = data[name]
        if not isinstance(v, str) or (not v.strip() and not empty_ok):
            problem(where + (name,), f"expected text, found {_type_name(v) if not isinstance(v, str) else 'empty text'}")
            return ""
        return v

    for key in value:
        if key not in _FIELDS:
            problem((key,), f"unknown field; expected one of: {', '.join(_FIELDS)}", key=True)
    top = {name: text_field((), value, name, required=name not in _OPTIONAL, empty_ok=name in _OPTIONAL)
           for name in _FIELDS if name not in ("dates", "repairs")}

    if top["id"] and not ID_PATTERN.match(top["id"]):
        problem(("id",), f"'{top['id']}' is not lower-case words joined by hyphens")
    elif top["id"] and top["id"] != path.stem:
        problem(("id",), f"'{top['id']}' does not match the file name '{path.name}'")
    for name in ("sha256", "text_sha256"):
        if top[name] and not _SHA.match(top[name]):
            problem((name,), f"expected 64 lower-case hexadecimal digits, found '{top[name]}'")

    dates = SourceDates("", "", "", "")
    if "dates" not in value:
        problem((), "required field 'dates' is missing")
    elif not isinstance(value["dates"], dict):
        problem(("dates",), f"expected a mapping with {', '.join(_DATE_FIELDS)}, found {_type_name(value['dates'])}")
    else:
        for key in value["dates"]:
            if key not in _DATE_FIELDS:
                problem(("dates", key), f"unknown field; expected one of: {', '.join(_DATE_FIELDS)}", key=True)
        dates = SourceDates(*(text_field(("dates",), value["dates"], n) for n in _DATE_FIELDS))

    text_lines: tuple[str, ...] = ()
    text_name = top["text"]
    if text_name:
        if Path(text_name).name != text_name or text_name.startswith("."):
            problem(("text",), f"'{text_name}' must be a file name in the same folder, not a path")
        else:
            text_path = path.parent / text_name
            try:
                data = text_path.read_bytes()
            except OSError as err:
                problem(("text",), f"cannot open '{text_name}': {err.strerror}")
            else:
                text_lines = _check_text(data, text_name, top["text_sha256"], problem)

    repairs: list[Repair] = []
    if "repairs" not in value:
        problem((), "required field 'repairs' is missing")
    elif not isinstance(value["repairs"], list):
        problem(("repairs",), f"expected a list of repairs, found {_type_name(value['repairs'])}")
    else:
        for i, item in enumerate(value["repairs"]):
            repair = _read_repair(item, ("repairs", i), len(text_lines) if text_lines else None, problem, text_field)
            if repair:
                repairs.append(repair)

    if diags:
        raise _collected(diags, display)
    return Source(
        id=top["id"], title=top["title"], outlet=top["outlet"], publisher=top["publisher"], kind=top["kind"],
        language=top["language"], origin=top["origin"], original_file=top["original_file"], sha256=top["sha256"],
        dates=dates, lines=text_lines, repairs=tuple(repairs), notes=top["notes"],
    )


def _check_text(data: bytes, name: str, expected_sha: str, problem) -> tuple[str, ...]:
    if expected_sha and _SHA.match(expected_sha) and _sha256(data) != expected_sha:
        problem(("text_sha256",), f"does not match '{name}' (its sha256 is {_sha256(data)[:12]}…): the text was "
                                  "changed after ingestion; re-ingest the raw file so the repair log matches")
        return ()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        problem(("text",), f"'{name}' is not UTF-8 text")
        return ()
    if not text.endswith("\n") or "\r" in text:
        problem(("text",), f"'{name}' must end each line with \\n (no \\r)")
        return ()
    result = tuple(text[:-1].split("\n"))
    for n, line in enumerate(result, 1):
        if not line.strip() or line != line.strip():
            problem(("text",), f"'{name}' line {n} is blank or has spaces at its ends; cleaned texts have one "
                               "paragraph per line")
            return ()
    return result


def _read_repair(item, where: tuple, line_count: int | None, problem, text_field) -> Repair | None:
    if not isinstance(item, dict):
        problem(where, f"expected a mapping with {', '.join(_REPAIR_FIELDS)}, found {_type_name(item)}")
        return None
    ok = True
    for key in item:
        if key not in _REPAIR_FIELDS:
            problem(where + (key,), f"unknown field; expected one of: {', '.join(_REPAIR_FIELDS)}", key=True)
            ok = False
    for key in _REPAIR_FIELDS:
        if key not in item:
            problem(where, f"required field '{key}' is missing")
            ok = False
    if not ok:
        return None
    rule = text_field(where, item, "rule")
    if rule and rule not in RULES:
        problem(where + ("rule",), f"unknown rule '{rule}'; expected one of: {', '.join(RULES)}")
        ok = False
    line = item["line"]
    if line is not None and (isinstance(line, bool) or not isinstance(line, int) or line < 1):
        problem(where + ("line",), f"expected a line number (1 or more) or null, found {line!r}")
        ok = False
    elif line is not None and line_count is not None and line > line_count:
        problem(where + ("line",), f"line {line} is past the end of the text ({line_count} lines)")
        ok = False
    span = item["raw_lines"]
    if not (isinstance(span, list) and len(span) == 2 and all(isinstance(n, int) and not isinstance(n, bool)
                                                              and n >= 0 for n in span) and span[0] <= span[1]):
        problem(where + ("raw_lines",), f"expected [first, last] raw line numbers, found {span!r}")
        ok = False
    before = text_field(where, item, "before", empty_ok=True)
    after = text_field(where, item, "after", empty_ok=True)
    reason = text_field(where, item, "reason")
    if not ok or not reason:
        return None
    return Repair(rule, line, (span[0], span[1]), before, after, reason)


def _collected(diags: list[Diagnostic], display: str) -> SourceError:
    if len(diags) == 1:
        return SourceError("", diags)
    return SourceError(f"{len(diags)} errors in {display}", diags)


def verify_raw(source: Source, raw: bytes) -> bool:
    """Return whether ``raw`` is the file ``source`` was ingested from (by sha256)."""
    return _sha256(raw) == source.sha256


# --------------------------------------------------------------------------
# The bank's sources folder.


def sources_dir(bank: Path) -> Path:
    """Return the folder of source records in a bank."""
    return Path(bank) / "sources"


def display_path(path: Path) -> str:
    """Return ``path`` relative to the working directory when it is below it."""
    try:
        return str(Path(os.path.realpath(path)).relative_to(Path.cwd().resolve()))  # realpath: no error on a link loop
    except ValueError:
        return str(path)


def list_sources(bank: Path) -> list[Source]:
    """Return every source recorded in ``bank``, in the order of their original files."""
    folder = sources_dir(bank)
    if not folder.is_dir():
        raise _fail(display_path(folder), "no sources folder in this bank")
    found = [load_source(p, display_path(p)) for p in sorted(folder.glob("*.yaml"))]
    return sorted(found, key=lambda s: (s.original_file, s.id))


def find_source(bank: Path, source_id: str) -> Source:
    """Return the source ``source_id`` of ``bank``; SourceError naming the known ids if absent."""
    path = sources_dir(bank) / f"{source_id}.yaml"
    if not ID_PATTERN.match(source_id) or not path.is_file():
        known = sorted(p.stem for p in sources_dir(bank).glob("*.yaml")) if sources_dir(bank).is_dir() else []
        raise _fail(display_path(sources_dir(bank)),
                    f"no source '{source_id}'; known sources: {', '.join(known) or 'none'}")
    return load_source(path, display_path(path))


def ingest_file(file: Path, bank: Path, *, force: bool = False, **meta) -> tuple[Source, str]:
    """Read ``file``, ingest it and return the result, using an existing record's metadata.

    With ``force`` and an existing record of the same id, metadata not given
    (None) is taken from that record, so re-ingesting reproduces it. Without
    ``force`` an existing id is an error. Writes nothing.
    """
    display = display_path(file)
    try:
        raw = Path(file).read_bytes()
    except IsADirectoryError:
        raise _fail(display, "is a folder, not a file") from None
    except OSError as err:
        raise _fail(display, f"cannot open: {err.strerror}") from None
    source_id = meta.get("id") or _default_id(Path(file).name)
    existing = sources_dir(bank) / f"{source_id}.yaml"
    if ID_PATTERN.match(source_id) and (existing.exists() or existing.with_suffix(".txt").exists()):
        if not force:
            raise _fail(display_path(existing), f"source '{source_id}' already exists; use --force to replace it",
                        field_="id")
        if existing.exists():
            old = source_meta(load_source(existing, display_path(existing)))
            meta = {**old, **{k: v for k, v in meta.items() if v is not None}}
            meta.pop("original_file", None)  # the file being ingested now
    meta = {k: v for k, v in meta.items() if v is not None}
    meta["id"] = source_id
    return ingest(raw, Path(file).name, **meta)


def write_source(bank: Path, source: Source, text: str) -> tuple[Path, Path]:
    """Write ``<id>.txt`` and ``<id>.yaml`` into the bank's sources folder.

    Both files are written to temporary files first and renamed into place
    only when both are complete; if a rename fails, files already renamed are
    put back as they were, so an error leaves nothing half-written.
    """
    folder = sources_dir(bank)
    targets = [(folder / f"{source.id}.txt", text), (folder / f"{source.id}.yaml", dump_source(source, text))]
    temps: list[Path] = []
    replaced: list[tuple[Path, bytes | None]] = []
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for target, content in targets:
            fd, name = tempfile.mkstemp(dir=folder, prefix=f".{target.name}.", suffix=".tmp")
            temps.append(Path(name))
            with os.fdopen(fd, "wb") as handle:
                handle.write(content.encode("utf-8"))
            # mkstemp makes the file private (0600); a bank file is ordinary
            # project data, so keep the mode of the file it replaces, or 0644.
            os.chmod(name, target.stat().st_mode & 0o777 if target.exists() else 0o644)
        for temp, (target, _content) in zip(temps, targets):
            previous = target.read_bytes() if target.exists() else None
            os.replace(temp, target)
            replaced.append((target, previous))
    except OSError as err:
        for temp in temps:
            temp.unlink(missing_ok=True)
        for target, previous in replaced:
            if previous is None:
                target.unlink(missing_ok=True)
            else:
                target.write_bytes(previous)
        raise _fail(display_path(folder), f"cannot write: {err.strerror or err}") from None
    return targets[0][0], targets[1][0]


# --------------------------------------------------------------------------
# Presenting a source (the CLI prints these strings).


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


__all__ = [
    "CHROME", "RULES", "TEXT_RULES", "ingest", "ingest_file", "load_source", "list_sources", "find_source",
    "write_source", "dump_source", "render_text", "source_meta", "format_source", "select_lines", "summary",
    "verify_raw",
]
