"""Ingest: raw document → cleaned Source and text, with its repair log (pure), and from a file."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from quizgen import characters
from quizgen.errors import Diagnostic, Location, SourceError
from quizgen.inputs import Unreadable, read_limited
from quizgen.model import Repair, Source, SourceDates
from quizgen.sources.chrome import (
    PageFacts,
    _ChromeBlock,
    _find_chrome,
    _iso_posted,
    _norm,
)
from quizgen.sources.cleaning import (
    _WINDOW,
    HEADING_MAX,
    RULE_ORDER,
    TEXT_RULES,
    Hit,
    _continues,
    _ends_sentence,
    _glue,
    _heading_limit,
    _visible,
    is_blank,
)
from quizgen.sources.common import ID_RE, _fail, _plural, _sha256
from quizgen.sources.reading import (
    HTML_SUFFIXES,
    MAX_RAW_BYTES,
    TEXT_SUFFIXES,
    RawLine,
    _html_encoding,
    _html_lines,
    _text_lines,
)
from quizgen.sources.store import display_path, load_source, render_text, sources_dir


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
    source_id = id if id is not None else _default_id(filename)
    if not ID_RE.match(source_id):
        raise _fail(display, f"id '{source_id}' is not lower-case words joined by hyphens (e.g. 'memoir')",
                    field_="id")
    _check_metadata(dict(title=title, outlet=outlet, publisher=publisher, kind=kind, language=language, origin=origin,
                         original_file=original_file, published=published, captured=captured, events=events,
                         date_notes=date_notes, notes=notes))
    if len(raw) > MAX_RAW_BYTES:
        raise _fail(display, f"file is {len(raw):,} bytes; the limit is {MAX_RAW_BYTES:,}")
    cleaned, repairs, facts = _clean(raw, filename, language)
    source = Source(
        id=source_id, outlet=outlet, publisher=publisher, kind=kind, language=language, notes=notes,
        title=title if title is not None else (facts.page_title or facts.html_title or _first_heading(cleaned)),
        origin=origin if origin is not None else "not shown in the text",
        original_file=original_file if original_file is not None else Path(filename).name,
        sha256=_sha256(raw), dates=_dates(facts, published, captured, events, date_notes),
        lines=tuple(cleaned), repairs=tuple(repairs),
    )
    return source, render_text(source.lines)


def _clean(raw: bytes, filename: str, language: str) -> tuple[list[str], list[Repair], PageFacts]:
    """Return the article's cleaned lines, every repair made (in line order) and what the page chrome said."""
    lines, html_chrome, html_title = _raw_lines(raw, filename)
    removed, blocks, facts = _find_chrome(lines, language)
    facts.html_title = html_title
    repairs = _chrome_repairs(html_chrome, blocks)
    kept = [r for i, r in enumerate(lines) if i not in removed and not is_blank(r.text)]
    if not kept:
        raise _fail(filename, "no article text left once the site chrome and blank lines are removed")
    _refuse_hidden_characters(kept, raw, filename)
    repairs += _blank_line_repairs([r for i, r in enumerate(lines) if i not in removed and is_blank(r.text)])
    cleaned, text_repairs = _paragraphs([_clean_line(r) for r in kept])
    repairs = sorted(repairs + text_repairs,
                     key=lambda r: (r.line is not None, r.line or 0, RULE_ORDER[r.rule], r.raw_lines))
    return cleaned, repairs, facts


#: Metadata that may run over several lines; every other field is one line.
_MULTILINE = ("notes", "date_notes")


def _check_metadata(meta: dict[str, str | None]) -> None:
    """Refuse a metadata value the loader would refuse (or that would print wrongly): empty, several lines, hidden characters.

    Checked before anything is read or written, so a bad --title never
    leaves a source record that stops the bank loading.
    """
    for name, value in meta.items():
        option = "--" + name.replace("_", "-")
        if value is None:
            continue
        if not isinstance(value, str):
            raise _fail(option, f"expected text, found {type(value).__name__}")
        if not value.strip() and name != "notes":
            raise _fail(option, "is empty; give the text, or leave the option out")
        multiline = name in _MULTILINE
        if not multiline and ("\n" in value or "\r" in value):
            raise _fail(option, "must be one line; it holds a line break")
        found = characters.first(value, allowed="\t\n" if multiline else "\t")
        if found is not None:
            index, ch, problem = found
            raise _fail(option, f"character {index + 1}: {characters.describe(ch, problem)}")


#: Characters the text rules repair (see cleaning.TEXT_RULES); every other hidden one is refused.
_REPAIRED = "\t\v\f\r\u200b\u2060\ufeff\u00ad"


def _refuse_hidden_characters(kept: list[RawLine], raw: bytes, filename: str) -> None:
    """Refuse a document whose article text holds a control, bidirectional or invisible format character.

    The repairable ones (odd spaces, zero width spaces, soft hyphens …) are
    left to the text rules, which log what they do. The message names the
    raw file's line and column and the character.
    """
    for r in kept:
        found = characters.first(r.text, allowed=_REPAIRED)
        if found is None:
            continue
        index, ch, problem = found
        line, column = _locate(raw, filename, r, ch, index)
        where = "" if column else " (written as a character reference such as &#x{:04X};)".format(ord(ch))
        raise SourceError("", [Diagnostic(
            Location(filename, line, column=column),
            f"{characters.describe(ch, problem).rsplit('; ', 1)[0]}{where}; remove it from the file and ingest it again")])


def _locate(raw: bytes, filename: str, r: RawLine, ch: str, index: int) -> tuple[int, int | None]:
    """Return the raw file's line and column of a character found at ``index`` of a raw line's text."""
    if Path(filename).suffix.lower() in TEXT_SUFFIXES:
        return r.first, index + 1
    source = raw.decode(_html_encoding(raw), errors="replace").split("\n")
    for number in range(max(r.first, 1), min(r.last, len(source)) + 1):
        if ch in source[number - 1]:
            return number, source[number - 1].index(ch) + 1
    return r.first, None


def _raw_lines(raw: bytes, filename: str) -> tuple[list[RawLine], list[RawLine], str]:
    """Return a document's raw lines, its chrome elements (HTML) and its <title>, read by its suffix."""
    suffix = Path(filename).suffix.lower()
    if suffix in TEXT_SUFFIXES:
        return _text_lines(raw, filename), [], ""
    if suffix in HTML_SUFFIXES:
        return _html_lines(raw, filename)
    raise _fail(filename, f"expected a .txt or .html file, found '{suffix or 'no suffix'}'")


def _chrome_repairs(html_chrome: list[RawLine], blocks: list[_ChromeBlock]) -> list[Repair]:
    """Return one site-chrome repair per chrome element of the HTML and per chrome block found in the lines."""
    repairs = [Repair("site-chrome", None, (el.first, el.last), _sample(el.text), "",
                      "HTML element that holds site chrome by its role (<nav>, <aside>, <footer>, <form>, "
                      "<button>), not the article") for el in html_chrome]
    for b in blocks:
        extent = f"; {b.count} lines" if b.count > 1 else ""
        repairs.append(Repair("site-chrome", None, (b.first, b.last), _sample(b.sample), "",
                              f"{b.site}: {b.label}{extent}"))
    return repairs


def _blank_line_repairs(blank: list[RawLine]) -> list[Repair]:
    """Return the one repair that logs the blank lines outside chrome (structural in a PDF dump, not text)."""
    if not blank:
        return []
    longest = run = 0
    previous = None
    for r in blank:
        run = run + 1 if previous is not None and r.first == previous + 1 else 1
        longest = max(longest, run)
        previous = r.last
    return [Repair(
        "blank-lines", None, (blank[0].first, blank[-1].last), f"[{_plural(len(blank), 'blank line')}]", "",
        f"one paragraph per line: {_plural(len(blank), 'blank or whitespace-only line')} removed "
        f"(longest run: {longest})")]


@dataclass(frozen=True)
class _Piece:
    """A kept raw line after the text rules: its cleaned text, the spaces cut at its ends, the rules' hits."""

    raw: RawLine
    text: str
    lead: int
    trail: int
    hits: tuple[Hit, ...]


def _clean_line(r: RawLine) -> _Piece:
    """Apply the text rules to one raw line, so every hit knows its raw line."""
    text = r.text
    lead = len(text) - len(text.lstrip())
    trail = len(text) - len(text.rstrip())
    text = text.strip()
    hits: list[Hit] = []
    for rule in TEXT_RULES:
        text, found = rule.apply(text, (r.first, r.last))
        hits.extend(found)
    return _Piece(r, text.strip(" "), lead, trail, tuple(hits))


def _paragraphs(pieces: list[_Piece]) -> tuple[list[str], list[Repair]]:
    """Return the cleaned lines (one paragraph each) and the repairs made on them.

    A line may run on into the next (hard line breaks), but never across
    HTML blocks: there the markup says where paragraphs are.
    """
    limit = _heading_limit([p.text for p in pieces])
    groups: list[list[_Piece]] = []
    for k, piece in enumerate(pieces):
        if groups and pieces[k - 1].raw.block == piece.raw.block and _continues(pieces[k - 1].text, piece.text, limit):
            groups[-1].append(piece)
        else:
            groups.append([piece])
    cleaned: list[str] = []
    repairs: list[Repair] = []
    for number, members in enumerate(groups, 1):
        text, joints = _join(members)
        cleaned.append(text)
        repairs += _join_repairs(number, members, joints)
        repairs += _edge_repairs(number, members)
        repairs += _rule_repairs(number, members)
    return cleaned, repairs


def _join(members: list[_Piece]) -> tuple[str, list[tuple[str, str, str]]]:
    """Return the paragraph's text and each joint as (text before, glue, next part)."""
    text = members[0].text
    joints = []
    for piece in members[1:]:
        joints.append((text, _glue(text), piece.text))
        text = text + _glue(text) + piece.text
    return text, joints


def _join_repairs(number: int, members: list[_Piece], joints: list[tuple[str, str, str]]) -> list[Repair]:
    """Return the hard-line-break repair of a paragraph made of several raw lines, if it is."""
    if not joints:
        return []
    left, glue, right = joints[0]
    left = "…" + left[-_WINDOW:] if len(left) > _WINDOW else left
    right = right[:_WINDOW] + "…" if len(right) > _WINDOW else right
    raw_numbers = ", ".join(str(p.raw.first) for p in members)
    tight = sum(1 for _l, g, _r in joints if not g)
    how = (f"{_plural(len(joints), 'break')} joined with one space each" if not tight else
           f"{_plural(len(joints), 'break')} joined, with one space each except after a hyphen "
           f"ending a line ({tight}), which is kept and joined directly")
    return [Repair(
        "hard-line-break", number, (members[0].raw.first, members[-1].raw.last),
        _visible(left + "[line break]" + right), _visible(left + glue + right),
        f"one paragraph broken across raw lines {raw_numbers} by hard line wrapping: {how} "
        "(line-end spaces at the breaks dropped)")]


def _edge_repairs(number: int, members: list[_Piece]) -> list[Repair]:
    """Return the edge-spaces repair of a paragraph whose first or last raw line had spaces at its edge."""
    first_raw, last_raw = members[0].raw, members[-1].raw
    lead, trail = members[0].lead, members[-1].trail
    if not (lead or trail):
        return []
    edge_raw = first_raw if lead else last_raw
    before, after = _edge_sample(edge_raw.text, lead if edge_raw is first_raw else 0,
                                 trail if edge_raw is last_raw else 0)
    what = [_plural(n, f"{side} space character") for n, side in ((lead, "leading"), (trail, "trailing")) if n]
    return [Repair(
        "edge-spaces", number,
        ((first_raw if lead else last_raw).first, (last_raw if trail else first_raw).last),
        before, after, " and ".join(what) + " removed: spacing at a paragraph's edge carries no text")]


def _rule_repairs(number: int, members: list[_Piece]) -> list[Repair]:
    """Return the text rules' repairs on one paragraph: one per hit, or one per rule, as each rule says."""
    by_rule: dict[str, list[Hit]] = {}
    for piece in members:
        for hit in piece.hits:
            by_rule.setdefault(hit.rule, []).append(hit)
    repairs = []
    for rule in TEXT_RULES:
        hits = by_rule.get(rule.name, [])
        groups = [[h] for h in hits] if rule.each else ([hits] if hits else [])
        for group in groups:
            repairs.append(Repair(
                rule.name, number,
                (min(h.raw[0] for h in group), max(h.raw[1] for h in group)),
                group[0].before, group[0].after, rule.describe(group)))
    return repairs


def _dates(facts: PageFacts, published: str | None, captured: str | None, events: str,
           date_notes: str | None) -> SourceDates:
    """Return the source's dates: as given, else read off the page chrome, else stated as unknown."""
    return SourceDates(
        published=published if published is not None else (
            f"{_iso_posted(facts.posted)} (posting date on the page; no earlier date shown)" if facts.posted
            else "unknown (not stated in the text)"),
        captured=captured if captured is not None else _captured_from(facts),
        events=events,
        notes=date_notes if date_notes is not None else (facts.describe() or "No dates were found in the page chrome."),
    )


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


def source_meta(source: Source) -> dict:
    """Return the metadata ``ingest`` needs to re-create ``source`` from its raw file."""
    return dict(
        id=source.id, title=source.title, outlet=source.outlet, publisher=source.publisher, kind=source.kind,
        language=source.language, origin=source.origin, original_file=source.original_file,
        published=source.dates.published, captured=source.dates.captured, events=source.dates.events,
        date_notes=source.dates.notes, notes=source.notes,
    )


def ingest_file(file: Path, bank: Path, *, force: bool = False, **meta) -> tuple[Source, str]:
    """Read ``file``, ingest it and return the result, using an existing record's metadata.

    With ``force`` and an existing record of the same id, metadata not given
    (None) is taken from that record, so re-ingesting reproduces it. Without
    ``force`` an existing id is an error. Writes nothing.
    """
    display = display_path(file)
    try:
        raw = read_limited(Path(file), MAX_RAW_BYTES)
    except Unreadable as err:
        raise _fail(display, str(err)) from None
    source_id = meta.get("id") or _default_id(Path(file).name)
    existing = sources_dir(bank) / f"{source_id}.yaml"
    found = [existing.with_suffix(s) for s in (".yaml", ".yml", ".txt") if os.path.lexists(existing.with_suffix(s))]
    if ID_RE.match(source_id) and found:
        if not force:
            raise _fail(display_path(found[0]), f"source '{source_id}' already exists; use --force to replace it",
                        field_="id")
        if os.path.lexists(existing):
            old = source_meta(load_source(existing, display_path(existing)))
            meta = {**old, **{k: v for k, v in meta.items() if v is not None}}
            meta.pop("original_file", None)  # the file being ingested now
    meta = {k: v for k, v in meta.items() if v is not None}
    meta["id"] = source_id
    return ingest(raw, Path(file).name, **meta)

