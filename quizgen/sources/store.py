"""The bank's sources folder: the committed YAML record and text, written and read back.

Only ``write_source`` touches disk. ``load_source`` checks every field of a
record (missing, unknown, wrong type), the id against the file name, the text
against its digest and each repair against the text.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Callable

import yaml

from quizgen import characters
from quizgen.errors import Diagnostic, Location, QuizgenError, SourceError
from quizgen.inputs import Unreadable, describe, read_limited
from quizgen.model import Repair, Source, SourceDates
from quizgen.sources.cleaning import RULES
from quizgen.sources.common import ID_RE, _fail, _sha256
from quizgen.sources.reading import MAX_RAW_BYTES
from quizgen.sources.schema import (
    DATE_FIELDS,
    REPAIR_FIELDS,
    SHA256_PATTERN,
    SOURCE_FIELDS,
    field_names,
)
from quizgen.yamlfile import Lines, load_yaml, parse_yaml


def render_text(lines: tuple[str, ...] | list[str]) -> str:
    """Return cleaned lines as the committed text: one per line, each ending in ``\\n``."""
    return "".join(line + "\n" for line in lines)



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

_FIELDS = field_names(SOURCE_FIELDS)
_OPTIONAL = {f.name for f in SOURCE_FIELDS if not f.required}
_DATE_FIELDS = field_names(DATE_FIELDS)
_REPAIR_FIELDS = field_names(REPAIR_FIELDS)
_SHA = re.compile(SHA256_PATTERN)


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
    return _RecordReader(path, display, lines).read(value, lambda name: _read_text(path.parent / name))


def _read_text(path: Path) -> bytes:
    try:
        return read_limited(path, MAX_RAW_BYTES)
    except Unreadable as err:
        raise OSError(0, str(err).removeprefix("cannot open: ")) from None


class _RecordReader:
    """Check one source record's values, collecting every problem with its line and field."""

    def __init__(self, path: Path, display: str, lines: Lines):
        self.path = path
        self.display = display
        self.lines = lines
        self.diags: list[Diagnostic] = []

    def problem(self, where: tuple, message: str, key: bool = False) -> None:
        field_ = ".".join(str(p) if isinstance(p, str) else f"[{p}]" for p in where).replace(".[", "[") or None
        self.diags.append(Diagnostic(Location(self.display, self.lines.of(where, key=key), field_), message))

    def text_field(self, where: tuple, data: dict, name: str, required: bool = True, empty_ok: bool = False) -> str:
        if name not in data:
            if required:
                self.problem(where, f"required field '{name}' is missing")
            return ""
        v = data[name]
        if not isinstance(v, str) or (not v.strip() and not empty_ok):
            self.problem(where + (name,), f"expected text, found {_type_name(v) if not isinstance(v, str) else 'empty text'}")
            return ""
        return v

    def read(self, value: object, read_text: Callable[[str], bytes]) -> Source:
        """Return the Source of a record's ``value``; ``read_text(name)`` gives the bytes of its text file."""
        if not isinstance(value, dict):
            self.problem((), f"expected a mapping of source fields, found {_type_name(value)}")
            raise _collected(self.diags, self.display)
        top = self.top_fields(value)
        dates = self.dates(value)
        text_lines = self.text_lines(top, read_text)
        repairs = self.repairs(value, len(text_lines) if text_lines else None)
        if self.diags:
            raise _collected(self.diags, self.display)
        return Source(
            id=top["id"], title=top["title"], outlet=top["outlet"], publisher=top["publisher"], kind=top["kind"],
            language=top["language"], origin=top["origin"], original_file=top["original_file"], sha256=top["sha256"],
            dates=dates, lines=text_lines, repairs=tuple(repairs), notes=top["notes"],
        )

    def top_fields(self, value: dict) -> dict[str, str]:
        """Return the record's text fields; unknown fields, the id and the digests are checked."""
        for key in value:
            if key not in _FIELDS:
                self.problem((key,), f"unknown field; expected one of: {', '.join(_FIELDS)}", key=True)
        top = {name: self.text_field((), value, name, required=name not in _OPTIONAL, empty_ok=name in _OPTIONAL)
               for name in _FIELDS if name not in ("dates", "repairs")}
        if top["id"] and not ID_RE.match(top["id"]):
            self.problem(("id",), f"'{top['id']}' is not lower-case words joined by hyphens")
        elif top["id"] and top["id"] != self.path.stem:
            self.problem(("id",), f"'{top['id']}' does not match the file name '{self.path.name}'")
        for name in ("sha256", "text_sha256"):
            if top[name] and not _SHA.match(top[name]):
                self.problem((name,), f"expected 64 lower-case hexadecimal digits, found '{top[name]}'")
        return top

    def dates(self, value: dict) -> SourceDates:
        if "dates" not in value:
            self.problem((), "required field 'dates' is missing")
        elif not isinstance(value["dates"], dict):
            self.problem(("dates",), f"expected a mapping with {', '.join(_DATE_FIELDS)}, "
                                     f"found {_type_name(value['dates'])}")
        else:
            for key in value["dates"]:
                if key not in _DATE_FIELDS:
                    self.problem(("dates", key), f"unknown field; expected one of: {', '.join(_DATE_FIELDS)}", key=True)
            return SourceDates(*(self.text_field(("dates",), value["dates"], n) for n in _DATE_FIELDS))
        return SourceDates("", "", "", "")

    def text_lines(self, top: dict[str, str], read_text: Callable[[str], bytes]) -> tuple[str, ...]:
        """Return the lines of the record's text file, checked against its digest and the one-paragraph rule."""
        text_name = top["text"]
        if not text_name:
            return ()
        if Path(text_name).name != text_name or text_name.startswith("."):
            self.problem(("text",), f"'{text_name}' must be a file name in the same folder, not a path")
            return ()
        try:
            data = read_text(text_name)
        except OSError as err:
            self.problem(("text",), f"cannot open '{text_name}': {err.strerror}")
            return ()
        return _check_text(data, text_name, top["text_sha256"], self.problem)

    def repairs(self, value: dict, line_count: int | None) -> list[Repair]:
        if "repairs" not in value:
            self.problem((), "required field 'repairs' is missing")
            return []
        if not isinstance(value["repairs"], list):
            self.problem(("repairs",), f"expected a list of repairs, found {_type_name(value['repairs'])}")
            return []
        found = (_read_repair(item, ("repairs", i), line_count, self.problem, self.text_field)
                 for i, item in enumerate(value["repairs"]))
        return [repair for repair in found if repair]


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
    found = characters.first(text)
    if found is not None:
        index, ch, what = found
        line, column = characters.line_and_column(text, index)
        problem(("text",), f"'{name}' line {line}, column {column}: {characters.describe(ch, what)} "
                           "(and re-ingest the raw file, so the repair log matches)")
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
        return str(Path(path).resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError, RuntimeError):  # outside the working folder, or a link that loops
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
    if not ID_RE.match(source_id) or not path.is_file():
        known = sorted(p.stem for p in sources_dir(bank).glob("*.yaml")) if sources_dir(bank).is_dir() else []
        raise _fail(display_path(sources_dir(bank)),
                    f"no source '{source_id}'; known sources: {', '.join(known) or 'none'}")
    return load_source(path, display_path(path))


def write_source(bank: Path, source: Source, text: str) -> tuple[Path, Path]:
    """Write ``<id>.txt`` and ``<id>.yaml`` into the bank's sources folder, after checking them as the loader would.

    The record is read back from the bytes about to be written, and the
    bank is checked with it in place (in a scratch copy): if the record
    would not load, or the bank would have a problem it does not have now
    (a claim whose quote the new text no longer holds, say), SourceError
    lists it and nothing is written. Both files go through the one writer
    (``outputs.write_files``): both or neither.
    """
    from quizgen.outputs import write_files

    folder = sources_dir(bank)
    text_path, yaml_path = folder / f"{source.id}.txt", folder / f"{source.id}.yaml"
    files = {text_path: text.encode("utf-8"), yaml_path: dump_source(source, text).encode("utf-8")}
    check_record(yaml_path, files[yaml_path], files[text_path])
    _check_bank_with(Path(bank), files)
    try:
        write_files(files)
    except QuizgenError as err:
        raise SourceError(err.message, err.diagnostics) from None
    return text_path, yaml_path


def check_record(yaml_path: Path, record: bytes, text: bytes) -> Source:
    """Return the Source a record and its text (as bytes) would load as; SourceError if the loader would refuse them."""
    display = display_path(yaml_path)
    value, lines = parse_yaml(record, display)
    try:
        return _RecordReader(yaml_path, display, lines).read(value, lambda name: text)
    except SourceError as err:
        raise SourceError("nothing was written: the source record would not load (a bug in quizgen; please "
                          "report it)", err.diagnostics) from None


def _check_bank_with(bank: Path, files: dict[Path, bytes]) -> None:
    """Refuse files that would give the bank a problem it does not have now (checked in a scratch copy)."""
    import tempfile

    from quizgen.bank import check_bank

    with tempfile.TemporaryDirectory(prefix="quizgen-check-") as scratch:
        copy = Path(scratch) / (bank.name or "bank")
        copy.mkdir()
        _copy_bank(bank, copy)
        before = {d.format() for d in check_bank(copy)[1].errors}
        for path, data in files.items():
            target = copy / path.relative_to(bank)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        new = [d for d in check_bank(copy)[1].errors if d.format() not in before]
    if new:
        raise SourceError(f"nothing was written: with this source the bank would have {len(new)} new "
                          f"problem{'s' if len(new) != 1 else ''}; fix them first (or re-ingest the file they expect)",
                          new)


def _copy_bank(bank: Path, copy: Path) -> None:
    """Copy the regular files the bank loader reads (sources, claims, questions) into ``copy``."""
    for name in ("sources", "claims", "questions"):
        folder = bank / name
        if not folder.is_dir():
            continue
        (copy / name).mkdir(parents=True, exist_ok=True)
        for path in folder.iterdir():
            if path.suffix in (".yaml", ".yml", ".txt") and not describe(path):  # regular files only, never a FIFO
                try:
                    (copy / name / path.name).write_bytes(read_limited(path, MAX_RAW_BYTES))
                except Unreadable:
                    continue  # the loader reports it, before and after alike
