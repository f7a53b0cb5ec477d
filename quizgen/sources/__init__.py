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

Modules, in pipeline order: ``reading`` (bytes → raw lines), ``chrome``
(site furniture), ``cleaning`` (text rules, paragraphs), ``ingestion`` (the
pipeline), ``store`` (the committed record: dump, load, write), ``show``
(what the CLI prints).
"""

from __future__ import annotations

from quizgen.model import Repair, Source, SourceDates
from quizgen.sources.chrome import CHROME, ChromePattern, PageFacts
from quizgen.sources.cleaning import RULES, TEXT_RULES, TextRule
from quizgen.sources.common import ID_RE
from quizgen.sources.ingestion import ingest, ingest_file, source_meta
from quizgen.sources.reading import HTML_SUFFIXES, MAX_RAW_BYTES, TEXT_SUFFIXES, RawLine
from quizgen.sources.show import format_source, select_lines, summary
from quizgen.sources.store import (
    check_record,
    display_path,
    dump_source,
    find_source,
    list_sources,
    load_source,
    render_text,
    sources_dir,
    verify_raw,
    write_source,
)

__all__ = [
    "CHROME", "HTML_SUFFIXES", "ID_RE", "MAX_RAW_BYTES", "RULES", "TEXT_RULES", "TEXT_SUFFIXES", "ChromePattern",
    "PageFacts", "RawLine", "Repair", "Source", "SourceDates", "TextRule", "check_record", "display_path", "dump_source",
    "find_source", "format_source", "ingest", "ingest_file", "list_sources", "load_source", "render_text",
    "select_lines", "source_meta", "sources_dir", "summary", "verify_raw", "write_source",
]
