"""Site chrome: the web-page furniture around an article, found by general rules and removed.

Chrome is found by the patterns in ``CHROME`` plus two structural rules (the
page title echoed at the top, and a run of short non-article lines at the
end). What the removed chrome said about the page (poster, posting date,
dates of teasers, copyright years) is kept as ``PageFacts`` for the
source's dates.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from quizgen.sources.cleaning import _SENTENCE_END
from quizgen.sources.reading import RawLine


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

_HANGUL = re.compile(r"[\u1100-\u11ff\u3130-\u318f\uac00-\ud7a3]")


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
    scan = _ChromeScan(lines, [_norm(r.text) for r in lines])
    scan.footers()
    scan.top_run()
    scan.known_lines()
    scan.tail_run(language)
    scan.facts_in_removed()
    return set(scan.removed), scan.blocks(), scan.facts


class _ChromeScan:
    """The steps of finding chrome, in order; each marks lines in ``removed`` with why they go."""

    def __init__(self, lines: list[RawLine], normed: list[str]):
        self.lines = lines
        self.normed = normed
        self.content = [i for i, t in enumerate(normed) if t]
        self.facts = PageFacts()
        self.removed: dict[int, ChromePattern | str] = {}

    def match(self, i: int, where: tuple[str, ...]) -> ChromePattern | None:
        for pat in CHROME:
            if pat.where in where and pat.pattern.search(self.normed[i]):
                return pat
        return None

    def remember(self, pat: ChromePattern, i: int) -> None:
        """Keep the facts a chrome line states (named groups of its pattern) unless already known."""
        m = pat.pattern.search(self.normed[i])
        for key, value in m.groupdict().items():
            if value and hasattr(self.facts, key) and not getattr(self.facts, key):
                setattr(self.facts, key, value)

    def footers(self) -> None:
        """From the first footer marker (after some article text) to the end."""
        for i in self.content[1:]:
            pat = self.match(i, ("anywhere",))
            if pat and pat.scope == "footer":
                for j in range(i, len(self.lines)):
                    self.removed[j] = pat
                return

    def top_run(self) -> None:
        """Chrome before the first article line, including echoes of the page title and board name."""
        echoes: set[str] = set()
        for n, i in enumerate(self.content):
            if i in self.removed:
                return
            pat = self.match(i, ("anywhere", "top") + (("first",) if n == 0 else ()))
            if pat and pat.where == "first":
                m = pat.pattern.search(self.normed[i])
                # A "TITLE > SECTION" line is only a page title if the page repeats it.
                following = {self.normed[k] for k in self.content[n + 1 : n + 12]}
                if not following & {m.group("page_title"), m.group("board")}:
                    return
                echoes |= {m.group("page_title"), m.group("board")}
            if pat:
                self.remember(pat, i)
                self.removed[i] = pat
            elif self.normed[i] in echoes:
                self.removed[i] = "echo"
            else:
                return

    def known_lines(self) -> None:
        """Known chrome lines anywhere."""
        for i in self.content:
            if i not in self.removed:
                pat = self.match(i, ("anywhere",))
                if pat and pat.scope == "line":
                    self.remember(pat, i)
                    self.removed[i] = pat

    def tail_run(self, language: str) -> None:
        """Walk back from the end over chrome-looking lines; a long enough run of them goes."""
        run: list[int] = []
        for i in reversed(self.content):
            if i in self.removed:
                continue
            pat = self.match(i, ("anywhere", "tail"))
            if pat:
                self.remember(pat, i)
                self.removed[i] = pat
                run.append(i)
            elif _is_non_article(self.normed[i], language):
                run.append(i)
            else:
                break
        if len(run) >= TAIL_RUN_MIN:
            for i in run:
                self.removed.setdefault(i, "tail-run")

    def facts_in_removed(self) -> None:
        """Facts inside footers and the tail run (teaser dates, copyright years)."""
        for i in sorted(self.removed):
            for m in _CHROME_DATE.finditer(self.normed[i]):
                self.facts.chrome_dates.append(f"{m['year']}-{_MONTHS[m['month']]:02d}-{int(m['day']):02d}")
            pat = self.removed[i]
            if isinstance(pat, ChromePattern) and pat.scope == "footer":
                for other in CHROME:
                    if other.scope == "line" and other.pattern.search(self.normed[i]):
                        self.remember(other, i)

    def blocks(self) -> list[_ChromeBlock]:
        """One block per removal: a footer or a tail run is one (blank lines inside it included); a known line its own."""
        blocks: list[_ChromeBlock] = []
        previous = -1
        for i in sorted(self.removed):
            reason = self.removed[i]
            label, site = _chrome_label(reason, self.facts)
            grouped = isinstance(reason, str) and reason == "tail-run" or (
                isinstance(reason, ChromePattern) and reason.scope == "footer")
            same_run = blocks and blocks[-1].label == label and all(not self.normed[k] for k in range(previous + 1, i))
            if grouped and same_run:
                blocks[-1].last = self.lines[i].last
                blocks[-1].count += 1
            elif self.normed[i] or not grouped:
                blocks.append(_ChromeBlock(self.lines[i].first, self.lines[i].last, self.lines[i].text, label, site))
            previous = i
        return blocks


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

