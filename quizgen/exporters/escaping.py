"""Escape helpers shared by the exporters, one named function per rule.

The model holds plain text; escaped text exists only inside an exporter. Each
function here turns plain text into what one kind of target needs and says
which importer rule it follows. XML formats build lxml trees (escaping is
automatic) and use only ``xml_text`` and ``html_paragraphs`` from here; text
formats (GIFT, CSV, TSV) call the other functions by name.

The last sections hold the few plain-text pieces every format prints the same
way (the excerpts with the printed worksheet's citation, the outside-source
card, the tags of a question, the grader-only text), so two formats never
disagree on what a citation looks like, nor with the PDF.
"""

from __future__ import annotations

import html
import io
import re
import zipfile
from typing import TYPE_CHECKING, Iterable

if TYPE_CHECKING:
    from quizgen.model import Question, Worksheet, WorksheetItem

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

    Use ``xml_forbidden_chars`` in ``check()`` to report what was dropped.
    """
    return _XML_FORBIDDEN.sub("", normalize_newlines(text))


def describe_chars(chars: Iterable[str]) -> str:
    """Return characters as ``U+0000, U+000B`` for a diagnostic message."""
    return ", ".join(f"U+{ord(c):04X}" for c in chars)


def cdata_pieces(text: str) -> list[str]:
    """Split ``text`` so that no piece contains ``]]>`` (XML 1.0 §2.7).

    A CDATA section ends at the first ``]]>``, and lxml's ``etree.CDATA``
    refuses such text, so a writer that wants CDATA emits one section per
    piece: ``a]]>b`` becomes ``<![CDATA[a]]]]><![CDATA[>b]]>``.
    """
    pieces = text.split("]]>")
    out = [pieces[0]]
    for piece in pieces[1:]:
        out[-1] += "]]"
        out.append(">" + piece)
    return out


def cdata_block(text: str) -> str:
    """Return ``text`` as one or more adjacent CDATA sections (for text-built XML snippets)."""
    return "".join(f"<![CDATA[{piece}]]>" for piece in cdata_pieces(xml_text(text)))


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


# --------------------------------------------------------------------------
# Zip archives

#: The earliest timestamp a zip entry can hold; fixed so the same worksheet
#: always gives the same bytes.
ZIP_TIMESTAMP = (1980, 1, 1, 0, 0, 0)


def zip_bytes(entries: Iterable[tuple[str, bytes]]) -> bytes:
    """Return a deflated zip of ``entries`` (name, bytes) in the order given, byte-identical each run.

    Every entry gets the 1980-01-01 timestamp, permissions 0644 and the
    Unix "made by" system; names must be unique, relative, with ``/``.
    """
    buffer = io.BytesIO()
    seen: set[str] = set()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries:
            if name in seen or name.startswith("/") or "\\" in name or not name:
                raise ValueError(f"bad or repeated zip entry name {name!r}")
            seen.add(name)
            info = zipfile.ZipInfo(name, date_time=ZIP_TIMESTAMP)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            info.external_attr = 0o100644 << 16
            archive.writestr(info, data, compresslevel=6)
    return buffer.getvalue()


# --------------------------------------------------------------------------
# Plain-text pieces every format prints alike

#: Between a line number and its text in an excerpt (an em space, which HTML
#: does not collapse, so the numbers stay readable in every LMS).
LINE_NUMBER_GAP = "\u2003"


#: The line an excerpt block prints between two passages of one source that
#: do not touch, as the printed worksheet's gap mark does.
EXCERPT_GAP = "\u2026"

#: Before a citation, so it reads as the attribution of the lines above it.
CITATION_DASH = "\u2014 "


def citation(worksheet: "Worksheet", source_id: str, ranges: list[tuple[int, int]]) -> str:
    """Return the printed worksheet's citation of runs of one source's lines.

    ``ranges`` are (first, last) runs in line order. The text is the PDF's
    (quizgen.render.context.citation: short title, outlet, date as printed,
    lines), so an export never cites differently from the paper, and never
    prints raw metadata such as "not stated" or an inferred date.
    """
    from quizgen.render import context as printed

    source = worksheet.sources.get(source_id)
    if source is None:
        # Only a worksheet built by hand can cite a source it does not hold.
        return f"{source_id}; {printed.line_label(ranges)}."
    return printed.citation(source, ranges)


def excerpt_blocks(worksheet: "Worksheet", item: "WorksheetItem") -> list[tuple[str, str]]:
    """Return the excerpts of ``item`` as (numbered lines, citation), one block per source, plain text.

    As on the printed worksheet (render.context._excerpts): a source's lines
    come in line order, not in the order of the question's claims (which
    would give away the answer of an ordering question whose author listed
    the claims in order), with a line ``…`` between passages that do not
    touch, and one citation naming every run. The editors' repair note, if
    any, follows the citation on a line of its own.
    """
    from quizgen.render import context as printed

    blocks = []
    for source_id, lines in printed.lines_by_source(item.excerpts).items():
        ranges = printed.line_runs(sorted(lines))
        numbered: list[str] = []
        for first, last in ranges:
            if numbered:
                numbered.append(EXCERPT_GAP)
            numbered += [f"{n}{LINE_NUMBER_GAP}{lines[n]}" for n in range(first, last + 1)]
        cite = CITATION_DASH + citation(worksheet, source_id, ranges)
        source = worksheet.sources.get(source_id)
        repairs = printed.repair_note(source, ranges) if source is not None else ""
        if repairs:
            cite += "\n" + repairs
        blocks.append(("\n".join(numbered), cite))
    return blocks


def outside_card_text(worksheet: "Worksheet", question: "Question") -> str:
    """Return the outside-source card a question prints with it, or ''.

    Only when the recipe asks for cards, and only for the questions the
    printed worksheet gives one (render.context.outside_card): such a recipe
    leaves out look-it-up questions because the card supplies the evidence,
    so the card must be in the question, not only in the feedback students
    see after answering.
    """
    from quizgen.render import context as printed

    card = printed.outside_card(question) if worksheet.recipe.cards else None
    return f"Outside source card ({card['kind']}): {card['says']}" if card else ""


#: The verbs a mark-the-words stem starts with on paper, and what it says
#: instead where the question becomes choices to tick or words to select.
_PAPER_VERBS, _SELECT = ("Circle ", "Mark "), "Select "


def select_stem(question: "Question") -> str:
    """Return the stem of a question carried as choices: a mark-the-words "Circle …" or "Mark …" reads "Select …".

    Only a mark-the-words stem, and only its first word: in an LMS the
    student ticks or clicks the words, there is nothing to circle or mark.
    """
    from quizgen import model as m

    stem = question.stem
    verb = next((v for v in _PAPER_VERBS if stem.startswith(v)), None)
    if isinstance(question, m.MarkTheWords) and verb:
        return _SELECT + stem[len(verb):]
    return stem


def select_note(question: "Question") -> str:
    """Return the words an adaptation line adds when ``select_stem`` changed the stem, else ''."""
    if select_stem(question) == question.stem:
        return ""
    return f"; the stem says 'Select' instead of '{question.stem.split()[0]}'"


def question_text(worksheet: "Worksheet", item: "WorksheetItem", *, passage: str = "", select: bool = True) -> str:
    """Return the printable question text: stem, passage if given, the excerpts with citations, the card.

    Paragraphs are separated by a blank line, so ``html_paragraphs`` renders
    each as a ``<p>`` and the round-trip tests can compare plain text.
    ``select``: the format carries a mark-the-words question as choices or
    words to select, so its stem says "Select" (see ``select_stem``); every
    LMS format does, an Anki card (nothing to tick) passes False. The
    outside-source card comes after the excerpts, as on the printed worksheet.
    """
    q = item.question
    parts = [select_stem(q) if select else q.stem]
    if passage:
        parts.append(passage)
    from quizgen import model as m

    # As on paper, only where the lines come from when the question already
    # holds them: a passage to mark is its excerpt, and a stem that quotes
    # every passage it needs (print_excerpts: false) would be followed by them again.
    cited_only = (bool(passage) and isinstance(q, m.MarkTheWords)) or not q.print_excerpts
    for lines, cite in excerpt_blocks(worksheet, item):
        parts += [cite] if cited_only else [lines, cite]
    card = outside_card_text(worksheet, q)
    if card:
        parts.append(card)
    return "\n\n".join(parts)


def feedback_text(question: "Question") -> str:
    """Return the general feedback: the explanation, then the outside source that settles it, if any."""
    parts = [question.explanation] if question.explanation else []
    if question.outside_source is not None:
        parts.append(f"Outside source ({question.outside_source.kind}): {question.outside_source.says}")
    return "\n\n".join(parts)


#: Appended to an ordering question carried as matching (GIFT, Canvas QTI).
ORDERING_HINT = "For each item, choose its place in the order (1 = first)."


def plain_question_text(worksheet: "Worksheet", item: "WorksheetItem") -> str:
    """Return the question text for plain-text formats, with the hints their adaptations need.

    Used by GIFT and Canvas QTI: the mark-the-words passage (the question is
    carried as choices, so its stem says "Select"), the ordering hint
    (ordering is carried as matching) and the unit of a numeric answer
    (neither format has units) join the stem and excerpts.
    """
    from quizgen import model as m

    q = item.question
    body = question_text(worksheet, item, passage=q.passage if isinstance(q, m.MarkTheWords) else "")
    if isinstance(q, m.Ordering):
        body += "\n\n" + ORDERING_HINT
    if isinstance(q, m.Numeric) and q.unit:
        body += f"\n\n(Answer in {q.unit}.)"
    return body


def general_feedback(question: "Question") -> str:
    """Return the general feedback: explanation, outside source and, for open questions, the rubric."""
    from quizgen import model as m

    parts = [feedback_text(question)]
    if isinstance(question, m.OpenResponse):
        parts.append(rubric_text(question))
    return "\n\n".join(p for p in parts if p)


def question_tags(question: "Question") -> list[str]:
    """Return the tags of a question: skill, sub-skill, then techniques, without repeats."""
    tags: dict[str, None] = {}
    for tag in (question.skill, question.subskill, *question.techniques):
        if tag:
            tags.setdefault(tag, None)
    return list(tags)


def skill_name(skill_id: str) -> str:
    """Return the teacher-facing name of a skill id (the id itself if unknown)."""
    from quizgen.model import SKILLS_BY_ID

    skill = SKILLS_BY_ID.get(skill_id)
    return skill.name if skill else skill_id


def format_decimal(value) -> str:
    """Return a Decimal or number in plain positional notation (no exponent, no trailing zeros).

    GIFT and QTI number grammars have no exponent form (``1E+3`` fails both).
    """
    from decimal import Decimal

    d = Decimal(str(value))
    text = format(d, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    if text in ("-0", ""):
        text = "0"
    return text


def unique_items(worksheet: "Worksheet") -> list["WorksheetItem"]:
    """Return the first item of each question across all versions (for per-question reports)."""
    seen: dict[str, "WorksheetItem"] = {}
    for version in worksheet.versions:
        for item in version.items:
            seen.setdefault(item.question.id, item)
    return list(seen.values())


def item_strings(worksheet: "Worksheet", item: "WorksheetItem") -> list[str]:
    """Return every text of ``item`` an exporter may print (question fields, excerpts, citations)."""
    import dataclasses

    out: list[str] = []

    def walk(value) -> None:
        if isinstance(value, str):
            out.append(value)
        elif dataclasses.is_dataclass(value):
            for f in dataclasses.fields(value):
                walk(getattr(value, f.name))
        elif isinstance(value, (tuple, list)):
            for v in value:
                walk(v)

    walk(item.question)
    walk(item.shuffled)
    for lines, cite in excerpt_blocks(worksheet, item):
        out.extend((lines, cite))
    return out


def adaptation(format_name: str, question_id: str, message: str, severity: str = "adapted"):
    """Return the Diagnostic that tells a teacher how one question was adapted or left out."""
    from quizgen.errors import Diagnostic, Location

    return Diagnostic(Location(format_name), message, subject=f"question {question_id}", severity=severity)


def versions_not_written(format_name: str, worksheet: "Worksheet", why: str) -> list:
    """Return one ``left-out`` Diagnostic per version after the first, for one-quiz formats.

    ``why`` completes "not written: …", e.g. "one spreadsheet is one kahoot".
    """
    from quizgen.errors import Diagnostic, Location

    if not worksheet.versions:
        return []
    first = worksheet.versions[0].letter
    return [
        Diagnostic(
            Location(format_name),
            f"not written: {why}, so only version {first} is exported; export this one with --version {version.letter}",
            subject=f"version {version.letter}",
            severity="left-out",
        )
        for version in worksheet.versions[1:]
    ]


def forbidden_char_report(format_name: str, worksheet: "Worksheet") -> list:
    """Return one ``adapted`` Diagnostic per question holding characters XML 1.0 forbids."""
    out = []
    for item in unique_items(worksheet):
        bad: dict[str, None] = {}
        for text in item_strings(worksheet, item):
            for c in xml_forbidden_chars(text):
                bad.setdefault(c, None)
        if bad:
            out.append(adaptation(format_name, item.question.id,
                                  f"characters the format cannot hold were dropped ({describe_chars(bad)})"))
    return out


_WORD = re.compile(r"\w[\w'’\-]*", re.UNICODE)


def mark_the_words_choices(passage: str, answers: Iterable[str], optional: Iterable[str] = ()) -> list[tuple[str, bool]]:
    """Return the choices of a mark-the-words question carried as multiple response.

    The phrases to mark are the correct choices; every other word of the
    passage (once each, in passage order) is a wrong choice, so a student
    still picks the loaded words out of the whole passage. Choices come in
    passage order. The words of an ``optional`` phrase (credited either way)
    are not offered at all: a choice cannot be right and wrong at once.
    """
    answers = [a for a in answers if a]
    spans: list[tuple[int, str, bool]] = []
    taken: list[tuple[int, int]] = []
    for phrase in optional:
        at = passage.find(phrase) if phrase else -1
        if at != -1:
            taken.append((at, at + len(phrase)))
    for phrase in answers:
        at = passage.find(phrase)
        while at != -1 and any(s < at + len(phrase) and at < e for s, e in taken):
            at = passage.find(phrase, at + 1)
        pos = at if at != -1 else len(passage) + len(spans)
        spans.append((pos, phrase, True))
        if at != -1:
            taken.append((at, at + len(phrase)))
    seen = {phrase.casefold() for phrase in answers}
    for match in _WORD.finditer(passage):
        word = match.group()
        if any(s < match.end() and match.start() < e for s, e in taken):
            continue
        if word.casefold() in seen:
            continue
        seen.add(word.casefold())
        spans.append((match.start(), word, False))
    spans.sort(key=lambda s: s[0])
    return [(text, correct) for _, text, correct in spans]


_NOT_NAME = re.compile(r"[^A-Za-z0-9_.\-]")


def identifier(*parts: str) -> str:
    """Return an XML NCName built from ``parts`` (joined by ``-``), stable across runs.

    IMS CP and QTI 2.1 identifiers are xsd:ID / NCName-like: a letter or
    ``_`` first, then letters, digits, ``. - _``. Bank ids already are, so
    they pass unchanged; anything else is replaced by ``_`` and a short hash
    of the original keeps two different ids from colliding.
    """
    import hashlib

    raw = "-".join(parts)
    name = _NOT_NAME.sub("_", raw)
    if not name or not (name[0].isalpha() or name[0] == "_"):
        name = "_" + name
    if name != raw and name.lstrip("_") != raw:
        name += "_" + hashlib.sha1(raw.encode("utf-8")).hexdigest()[:8]
    return name


# --------------------------------------------------------------------------
# Grader information: open-question rubrics and teacher notes


def rubric_text(question) -> str:
    """Return an open question's model answer, rubric levels and patterns as plain text.

    For formats with one free field for graders (a QTI solution, Blackboard's
    sample answer, Brightspace's answer key, the back of an Anki card), and
    for GIFT and Canvas, which can only put it in feedback students see. The
    teacher note is not in it: see ``grader_text``.
    """
    rubric = question.rubric
    parts = [f"Model answer: {question.model_answer}"] if question.model_answer else []
    parts += [f"Proficient: {rubric.proficient}", f"Emergent: {rubric.emergent}", f"Basic: {rubric.basic}"]
    parts += [f"Pattern ({p.level}) {p.name}: {p.description}" for p in rubric.patterns]
    return "\n\n".join(parts)


def grader_text(question: "Question") -> str:
    """Return what a grader-only field holds: an open question's rubric, then the teacher note.

    A teacher note can warn about what students must not conclude or say
    how to mark them, so it goes only where students never look (Moodle's
    information for graders, a QTI 2.1 scorer rubric), never into feedback.
    """
    from quizgen import model as m

    parts = [rubric_text(question)] if isinstance(question, m.OpenResponse) else []
    if question.teacher_note:
        parts.append(f"Teacher note: {question.teacher_note}")
    return "\n\n".join(parts)


def teacher_note_not_carried(why: str) -> str:
    """Return the adaptation message for a teacher note a format leaves out; ``why`` names the missing field."""
    return f"teacher note not carried ({why}): read it in the PDF answer key"
