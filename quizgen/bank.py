"""Load banks/ into a checked Bank, reporting every problem with file, line and field.

Layout of a bank folder::

    sources/<id>.yaml + <id>.txt   source metadata, repair log, cleaned text
    claims/*.yaml                  ``source: <id>`` and a list of ``claims``
    questions/*.yaml               a list of ``questions``
    recipes/*.yaml                 recipes (read by quizgen.recipe, not here)

Checking happens in two passes: the shape of each record (unknown keys,
missing fields, types, allowed values), then the meaning (references between
records, verbatim quotes, one correct choice, answers that parse, parametric
cases that instantiate). All problems are collected and reported together,
each as ``banks/FILE.yaml:LINE: question ID: field 'answer': what is wrong``.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from quizgen import model, quotecheck
from quizgen.bankformat import (
    CLAIMS_FILE,
    COMMON_FIELDS,
    QUESTIONS_FILE,
    Field,
    question_fields,
)
from quizgen.errors import BankError, Diagnostic, Location, QuizgenError, as_written, close_match, type_name
from quizgen.inputs import describe
from quizgen.quotecheck import QUOTE_GAP, _normalise_space, quote_in_text  # noqa: F401 (QUOTE_GAP: assemble reads it here)
from quizgen.parametric import CASE_CLAIMS, GENERATORS, JUCHE_OFFSET, Generator, case_values, fill
from quizgen.yamlfile import Lines, load_yaml

log = logging.getLogger(__name__)

#: Stop collecting after this many problems: past that, the first ones are what matter.
MAX_DIAGNOSTICS = 200

_ID_RE = re.compile(model.ID_PATTERN)
_SPAN_RE = re.compile(r"^\s*(\d+)\s*(?:-\s*(\d+))?\s*$")
_EXCERPT_RE = re.compile(r"^\s*([a-z0-9-]+)\s*:\s*(\d+)\s*(?:-\s*(\d+))?\s*$")
_GREGORIAN_RE = re.compile(r"^(\d{4})(-\d{2}(-\d{2})?)?$")
#: Most minutes a question's ``minutes`` may give.
MAX_QUESTION_MINUTES = 60


@dataclass
class _File:
    """One YAML file being checked: its display name, data and line map."""

    display: str
    data: object
    lines: Lines


@dataclass
class _Checker:
    """Collects diagnostics while records are checked."""

    diagnostics: list[Diagnostic] = field(default_factory=list)
    #: Ids of claims that are defined but invalid: questions citing them are
    #: not reported again as citing an unknown claim (one mistake, one line).
    broken_claims: set[str] = field(default_factory=set)
    #: Kinds of record ("source", "claim", "question") of which a file could
    #: not be read whole. References to a record of such a kind that is not
    #: found are gathered in ``unresolved`` instead of reported one by one:
    #: the unread file is the mistake, and it is reported already.
    unread: set[str] = field(default_factory=set)
    unresolved: list[tuple[str, str, Diagnostic]] = field(default_factory=list)

    def unknown(self, kind: str, ident: str, shape: _Shape, rel: tuple, message: str) -> None:
        """Report a reference to an unknown ``kind`` record, or keep it for one summary line."""
        if kind not in self.unread:
            shape.report(rel, message)
            return
        where = Location(shape.file.display, shape.file.lines.of(shape.base + rel, key=True), _field_path(rel) or None)
        self.unresolved.append((kind, ident, Diagnostic(where, message, shape.subject)))

    def summarise_unresolved(self) -> None:
        """Say once, per kind, how many references point into files that could not be read."""
        for kind in ("source", "claim"):
            found = [(ident, d) for k, ident, d in self.unresolved if k == kind]
            if not found:
                continue
            ident, first = found[0]
            others = f" and {len(found) - 1} more" if len(found) > 1 else ""
            self.diagnostics.append(Diagnostic(first.location, (
                f"unknown {kind} '{ident}'{others}: probably in a {kind} file that could not be read, "
                "reported on its own line; fix that file first"), first.subject))

    def add(self, file: _File, path: tuple, subject: str | None, field_path: str | None, message: str, *, key: bool = True, severity: str = "error") -> None:
        if len(self.diagnostics) >= MAX_DIAGNOSTICS:
            return
        # The line of the field's key is where a teacher looks: for a list
        # written below its key ("choices:"), the value starts a line later.
        line = file.lines.of(path, key=key)
        self.diagnostics.append(Diagnostic(Location(file.display, line, field_path), message, subject, severity))

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "error"]


def _field_path(parts: tuple) -> str:
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


class _Shape:
    """Check a value against Field declarations; report problems via the checker."""

    def __init__(self, checker: _Checker, file: _File, subject: str | None, base: tuple):
        self.checker = checker
        self.file = file
        self.subject = subject
        self.base = base  # document path of the record the subject names

    def report(self, rel: tuple, message: str, key: bool = True) -> None:
        self.checker.add(self.file, self.base + rel, self.subject, _field_path(rel) or None, message, key=key)

    def object(self, value: object, fields: tuple[Field, ...], rel: tuple = ()) -> bool:
        if not isinstance(value, dict):
            self.report(rel, f"expected a mapping of fields, found {type_name(value)}")
            return False
        known = {f.name: f for f in fields}
        ok = True
        for key in value:
            if key not in known:
                self.report(rel + (key,), f"unknown field '{key}'{close_match(key, known)}", key=True)
                ok = False
        for f in fields:
            if f.name not in value or value[f.name] is None:
                if f.required:
                    self.report(rel + (f.name,) if f.name in value else rel, f"missing required field '{f.name}'")
                    ok = False
                continue
            ok = self.value(value[f.name], f, rel + (f.name,)) and ok
        return ok

    def value(self, value: object, f: Field, rel: tuple) -> bool:
        if f.type == "list":
            return self.list_value(value, f, rel)
        if f.type == "object":
            return self.object(value, f.fields, rel)
        if f.type not in _SCALAR_PROBLEMS:
            raise AssertionError(f"unknown field type {f.type}")
        problem = _SCALAR_PROBLEMS[f.type](value, f)
        if problem:
            self.report(rel, problem)
            return False
        return True

    def list_value(self, value: object, f: Field, rel: tuple) -> bool:
        if not isinstance(value, list):
            self.report(rel, f"expected a list, found {type_name(value)}")
            return False
        if len(value) < f.min_items:
            self.report(rel, f"needs at least {f.min_items} item{'s' if f.min_items > 1 else ''}, found {len(value)}")
            return False
        ok = True
        for i, item in enumerate(value):
            ok = self.value(item, f.item, rel + (i,)) and ok
        return ok


# What is wrong with a value of one scalar field type, or None: one function per type,
# so that _Shape.value only dispatches (lists and objects recurse, so they stay methods).

def _text_problem(value: object, f: Field) -> str | None:
    if not isinstance(value, str):
        return f"expected text, found {as_written(value)}"
    if f.type == "text" and not value.strip():
        return "must not be empty"
    if f.type == "id" and not _ID_RE.match(value):
        return f"'{value}' is not a valid id (lower-case letters, digits and single hyphens)"
    return None


def _enum_problem(value: object, f: Field) -> str | None:
    if value in f.choices:
        return None
    options = ", ".join(str(c) for c in f.choices)
    return f"{as_written(value)} is not one of: {options}{close_match(value, f.choices)}"


def _int_problem(value: object, f: Field) -> str | None:
    if isinstance(value, bool) or not isinstance(value, int):
        return f"expected a whole number, found {as_written(value)}"
    if f.minimum is not None and value < f.minimum or f.maximum is not None and value > f.maximum:
        return f"{value} is out of range ({f.minimum} to {f.maximum if f.maximum is not None else 'any'})"
    return None


def _number_problem(value: object, f: Field) -> str | None:
    return f"'{value}' is not a number" if _number(value) is None else None


def _bool_problem(value: object, f: Field) -> str | None:
    return None if isinstance(value, bool) else f"expected true or false, found {as_written(value)}"


def _span_problem(value: object, f: Field) -> str | None:
    if _span(value) is None:
        return f"'{value}' is not a line span (write 12, '12-14' or [12, 14], first ≤ last)"
    return None


def _mapping_problem(value: object, f: Field) -> str | None:
    return None if isinstance(value, dict) else f"expected a mapping, found {type_name(value)}"


_SCALAR_PROBLEMS = {
    "text": _text_problem, "string": _text_problem, "id": _text_problem, "enum": _enum_problem,
    "int": _int_problem, "number": _number_problem, "bool": _bool_problem, "span": _span_problem,
    "mapping": _mapping_problem,
}


def _number(value: object) -> Decimal | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def _span(value: object) -> tuple[int, int] | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        first = last = value
    elif isinstance(value, str) and (m := _SPAN_RE.match(value)):
        first, last = int(m.group(1)), int(m.group(2) or m.group(1))
    elif isinstance(value, list) and len(value) == 2 and all(isinstance(v, int) and not isinstance(v, bool) for v in value):
        first, last = value
    else:
        return None
    return (first, last) if 1 <= first <= last else None


# --------------------------------------------------------------------------
# Loading


def load_bank(bank_dir: Path, *, strict: bool = False) -> model.Bank:
    """Return the checked Bank in ``bank_dir``.

    Raises BankError listing every problem found. Warnings (an unused claim)
    are logged, or raised as errors with ``strict``.
    """
    bank, checker = check_bank(bank_dir)
    raise_problems(checker, strict)
    for warning in checker.diagnostics:
        log.warning(warning.format())
    assert bank is not None
    return bank


def raise_problems(checker: "_Checker", strict: bool = False) -> None:
    """Raise one BankError listing the errors (and, with ``strict``, the warnings)."""
    problems = checker.diagnostics if strict else checker.errors
    if not problems:
        return
    # In file and line order, as a teacher works down the files (stable: same-line findings keep theirs).
    problems = sorted(problems, key=lambda d: (d.location.path, d.location.line or 0))
    files = sorted({d.location.path for d in problems})
    noun = "problem" if len(problems) == 1 else "problems"
    where = files[0] if len(files) == 1 else f"{len(files)} files"
    more = " (showing the first ones)" if len(checker.diagnostics) >= MAX_DIAGNOSTICS else ""
    raise BankError(f"{len(problems)} {noun} in {where}{more}", problems)


def check_bank(bank_dir: Path) -> tuple[model.Bank | None, _Checker]:
    """Check everything in ``bank_dir``; return the bank (None if unusable) and the findings."""
    checker = _Checker()
    bank_dir = Path(bank_dir)
    root_name = bank_dir.name or "banks"

    def display(path: Path) -> str:
        return f"{root_name}/{path.relative_to(bank_dir).as_posix()}"

    if not bank_dir.is_dir():
        raise BankError(f"no bank folder at {bank_dir}", [])

    sources = _load_sources(bank_dir, display, checker)
    claims, claim_sites = _load_claims(bank_dir, display, checker, sources)
    questions, used, question_sites = _load_questions(bank_dir, display, checker, sources, claims)
    checker.summarise_unresolved()
    for claim_id, (file, path) in claim_sites.items():
        if claim_id not in used and "question" not in checker.unread:  # an unread file may use it
            checker.add(file, path, f"claim {claim_id}", None, "no question uses this claim [claim.unused]", severity="warning")
    if checker.errors:
        return None, checker
    bank = model.Bank(sources=sources, claims=claims, questions=questions)
    _content_rules(bank, checker, {"claim": claim_sites, "question": question_sites})
    return bank, checker


def _content_rules(bank: model.Bank, checker: _Checker, sites: dict) -> None:
    """Report what quizgen.bankrules finds in a bank whose records are all valid, as warnings."""
    from quizgen import bankrules

    for finding in bankrules.check(bank):
        file, path = sites[finding.record][finding.ident]
        checker.add(file, path + finding.field, f"{finding.record} {finding.ident}", _field_path(finding.field),
                    finding.text(), severity="warning")


def _yaml_files(bank_dir: Path, name: str, display, checker: _Checker) -> list[Path]:
    """Return the YAML files of a bank folder; report a folder that is missing or empty, and YAML names that are not files."""
    folder = bank_dir / name
    entries = sorted(p for p in folder.iterdir() if p.suffix in (".yaml", ".yml")) if folder.is_dir() else []
    files = [p for p in entries if p.is_file()]
    for entry in entries:
        if not entry.is_file():
            what = describe(entry)  # a folder, a FIFO (named pipe), a broken link …
            checker.diagnostics.append(Diagnostic(Location(display(entry)), f"is {what}, not a YAML file; remove or rename it"))
    if not files:
        checker.diagnostics.append(Diagnostic(Location(f"{bank_dir.name}/{name}"), f"no {name[:-1]} files ({name}/*.yaml)"))
    return files


def _read(path: Path, display: str, checker: _Checker) -> _File | None:
    try:
        data, lines = load_yaml(path, display)
    except QuizgenError as err:
        checker.diagnostics.extend(err.diagnostics)
        return None
    return _File(display, data, lines)


def _load_sources(bank_dir: Path, display, checker: _Checker) -> dict[str, model.Source]:
    from quizgen.sources import load_source

    sources: dict[str, model.Source] = {}
    for text in sorted((bank_dir / "sources").glob("*.txt")):  # its description deleted or renamed
        if not text.with_suffix(".yaml").exists() and not text.with_suffix(".yml").exists():
            checker.diagnostics.append(Diagnostic(Location(display(text)), f"has no {text.stem}.yaml beside it (title, dates, checksum)"))
            checker.unread.add("source")
    for path in _yaml_files(bank_dir, "sources", display, checker):
        try:
            source = load_source(path, display(path))
        except QuizgenError as err:
            checker.diagnostics.extend(err.diagnostics or [Diagnostic(Location(display(path)), err.message)])
            checker.unread.add("source")
            continue
        if source.id in sources:
            checker.diagnostics.append(Diagnostic(Location(display(path), 1, "id"), f"duplicate source id '{source.id}'", f"source {source.id}"))
            continue
        sources[source.id] = source
    return sources


def _repeated_id(entry_id, seen: dict[str, str], noun: str, file: _File, checker: _Checker, base: tuple) -> bool:
    """Report ``entry_id`` if an earlier entry had it, else note where it was first seen; return whether repeated.

    Ids are noted before an entry is checked, so a repeated id is reported in
    the same run as the copy's other problems, not only once they are fixed.
    """
    if not isinstance(entry_id, str):
        return False
    if entry_id in seen:
        _Shape(checker, file, f"{noun} {entry_id}", base).report(("id",), f"duplicate {noun} id (first defined at {seen[entry_id]})")
        return True
    seen[entry_id] = f"{file.display}:{file.lines.of(base + ('id',))}"
    return False


def _load_claims(bank_dir: Path, display, checker: _Checker, sources: dict[str, model.Source]):
    claims: dict[str, model.Claim] = {}
    sites: dict[str, tuple[_File, tuple]] = {}
    seen: dict[str, str] = {}  # claim id -> file that first defined it, valid or not
    for path in _yaml_files(bank_dir, "claims", display, checker):
        file = _read(path, display(path), checker)
        if file is None:
            checker.unread.add("claim")
            continue
        top = _Shape(checker, file, None, ())
        if not isinstance(file.data, dict):
            top.report((), f"expected 'source:' and 'claims:' at the top, found {type_name(file.data)}")
            checker.unread.add("claim")
            continue
        known = {f.name for f in CLAIMS_FILE}
        for key in file.data:
            if key not in known:
                top.report((key,), f"unknown field '{key}'{close_match(key, known)}", key=True)
        source_id = file.data.get("source")
        if not isinstance(source_id, str):
            top.report(("source",), "missing required field 'source' (the id of the source these claims come from)")
            checker.unread.add("claim")
            continue
        source = sources.get(source_id)
        if source is None:
            checker.unknown("source", source_id, top, ("source",), f"unknown source '{source_id}'{close_match(source_id, sources)}")
        items = file.data.get("claims")
        if not isinstance(items, list) or not items:
            found = "an empty list" if items == [] else type_name(items)
            top.report(("claims",), f"expected a list of claims, found {found}")
            checker.unread.add("claim")
            continue
        for index, raw in enumerate(items):
            cid = raw.get("id") if isinstance(raw, dict) else None
            duplicate = _repeated_id(cid, seen, "claim", file, checker, ("claims", index))
            claim = _claim(raw, index, file, checker, source_id, source)
            if claim is None:
                if isinstance(cid, str) and not duplicate:
                    checker.broken_claims.add(cid)
                continue
            if duplicate:
                continue
            claims[claim.id] = claim
            sites[claim.id] = (file, ("claims", index))
    return claims, sites


def _claim(raw, index: int, file: _File, checker: _Checker, source_id: str, source: model.Source | None) -> model.Claim | None:
    from quizgen.bankformat import CLAIM_FIELDS

    base = ("claims", index)
    cid = raw.get("id") if isinstance(raw, dict) else None
    subject = f"claim {cid}" if isinstance(cid, str) else f"claims[{index}]"
    shape = _Shape(checker, file, subject, base)
    if not shape.object(raw, CLAIM_FIELDS):
        return None
    first, last = _span(raw["lines"])
    # Each check reports its own problems; all run, so one pass shows every mistake of the claim.
    ok = _claim_quote_ok(shape, raw, source_id, source, first, last)
    dates, dates_ok = _claim_dates(shape, raw, source)
    ok = ok and dates_ok
    references = tuple(
        model.Reference(r["author"], r["title"], str(r["year"]), r["says"], r.get("url") or "")
        for r in raw.get("references") or []
    )
    if raw["verdict"] != "opinion-loaded" and not references:
        shape.report(("references",), f"a '{raw['verdict']}' verdict needs at least one outside reference")
        ok = False
    if not ok:
        return None
    return model.Claim(
        id=raw["id"],
        source=source_id,
        lines=(first, last),
        quote=raw["quote"],
        kind=raw["kind"],
        summary=raw["summary"],
        verdict=raw["verdict"],
        verdict_note=raw["verdict_note"],
        references=references,
        dates=tuple(dates),
        techniques=tuple(raw.get("techniques") or ()),
        teacher_note=raw.get("teacher_note") or "",
        dossier=raw.get("dossier") or "",
        quoted_terms=tuple(raw.get("quoted_terms") or ()),
    )


def _claim_quote_ok(shape: _Shape, raw: dict, source_id: str, source: model.Source | None, first: int, last: int) -> bool:
    """Check the claim's line span lies inside its source and its quote is verbatim there."""
    if source is None:  # the unknown source is reported where the claims file names it
        return True
    if last > len(source.lines):
        shape.report(("lines",), f"line {last} is past the end of source '{source_id}' ({len(source.lines)} lines)")
        return False
    if problem := quotecheck.mismatch(raw["quote"], source, first, last):
        dates = tuple(str(d["as_written"]) for d in raw.get("dates") or [] if isinstance(d, dict) and d.get("as_written"))
        shape.report(("quote",), quotecheck.describe(problem, raw["quote"], source, first, last, dates))
        return False
    return True


def _claim_dates(shape: _Shape, raw: dict, source: model.Source | None) -> tuple[list[model.ClaimDate], bool]:
    """Return the claim's dates that parse, and whether every date agreed with itself and the quote."""
    dates = []
    ok = True
    for i, d in enumerate(raw.get("dates") or []):
        m = _GREGORIAN_RE.match(str(d["gregorian"]))
        if not m:
            shape.report(("dates", i, "gregorian"), f"'{d['gregorian']}' is not YYYY, YYYY-MM or YYYY-MM-DD")
            ok = False
            continue
        juche = d.get("juche")
        if juche is not None and juche + JUCHE_OFFSET != int(m.group(1)):
            shape.report(("dates", i, "juche"), f"Juche {juche} is {juche + JUCHE_OFFSET}, not {m.group(1)}")
            ok = False
        if juche is not None and f"Juche {juche}" not in " ".join(str(d["as_written"]).split()).replace("Juche\u00a0", "Juche "):
            shape.report(("dates", i, "as_written"), f"says Juche {juche} but as_written is '{d['as_written']}'")
            ok = False
        if source is not None and not quote_in_text(d["as_written"], raw["quote"]):
            shape.report(("dates", i, "as_written"), f"'{d['as_written']}' does not appear in the quote")
            ok = False
        dates.append(model.ClaimDate(str(d["as_written"]), str(d["gregorian"]), juche))
    return dates, ok


def _load_questions(bank_dir: Path, display, checker: _Checker, sources, claims):
    questions: dict[str, model.Question] = {}
    sites: dict[str, tuple[_File, tuple]] = {}
    first_file: dict[str, str] = {}
    used: set[str] = set()
    for path in _yaml_files(bank_dir, "questions", display, checker):
        file = _read(path, display(path), checker)
        if file is None:
            checker.unread.add("question")
            continue
        top = _Shape(checker, file, None, ())
        if not isinstance(file.data, dict) or not isinstance(file.data.get("questions"), list):
            top.report(("questions",), "expected 'questions:' followed by a list of questions")
            checker.unread.add("question")
            continue
        for key in file.data:
            if key not in {f.name for f in QUESTIONS_FILE}:
                top.report((key,), f"unknown field '{key}'", key=True)
        for index, raw in enumerate(file.data["questions"]):
            qid = raw.get("id") if isinstance(raw, dict) else None
            duplicate = _repeated_id(qid, first_file, "question", file, checker, ("questions", index))
            cited = raw.get("claims") if isinstance(raw, dict) else None
            if isinstance(cited, list):  # a broken question still uses its claims: no "unused" warnings
                used.update(c for c in cited if isinstance(c, str))
            question = _question(raw, index, file, checker, sources, claims)
            if question is None or duplicate:
                continue
            questions[question.id] = question
            sites[question.id] = (file, ("questions", index))
    return questions, used, sites


def _question(raw, index: int, file: _File, checker: _Checker, sources, claims) -> model.Question | None:
    base = ("questions", index)
    qid = raw.get("id") if isinstance(raw, dict) else None
    subject = f"question {qid}" if isinstance(qid, str) else f"questions[{index}]"
    shape = _Shape(checker, file, subject, base)
    if not isinstance(raw, dict):
        shape.report((), f"expected a mapping of fields, found {type_name(raw)}")
        return None
    kind = raw.get("kind")
    if kind not in model.QUESTION_KINDS:
        # Check the common fields so the kind error comes with the others.
        shape.object({k: v for k, v in raw.items() if k in {f.name for f in COMMON_FIELDS}}, COMMON_FIELDS)
        return None
    if not shape.object(raw, question_fields(kind)):
        return None
    return _QuestionBuilder(raw, kind, shape, sources, claims).build()


class _QuestionBuilder:
    """Check what a question means and build its model object."""

    def __init__(self, raw: dict, kind: str, shape: _Shape, sources, claims):
        self.raw = raw
        self.kind = kind
        self.shape = shape
        self.sources = sources
        self.claims = claims
        self.ok = True

    def bad(self, rel: tuple, message: str) -> None:
        self.shape.report(rel, message)
        self.ok = False

    def build(self) -> model.Question | None:
        self.check_skill_and_claims()
        self.check_tags()
        common = self.common_fields()
        if self.raw.get("parametric"):
            return self.parametric(common)
        specific = getattr(self, "kind_" + self.kind.replace("-", "_"))()
        if not self.ok:
            return None
        return model.QUESTION_KINDS[self.kind](**common, **specific)

    def check_skill_and_claims(self) -> None:
        """Check the sub-skill belongs to the skill, and each cited claim is known and cited once."""
        raw = self.raw
        skill, sub = model.SUBSKILLS[raw["subskill"]]
        if skill.id != raw["skill"]:
            self.bad(("subskill",), f"'{raw['subskill']}' is a sub-skill of {skill.id}, not {raw['skill']}")
        for i, cid in enumerate(raw["claims"]):
            if cid in raw["claims"][:i]:
                self.bad(("claims", i), f"claim '{cid}' is listed twice")
            elif cid in self.shape.checker.broken_claims:
                self.ok = False  # the claim's own problem is already reported
            elif cid not in self.claims:
                self.ok = False
                self.shape.checker.unknown("claim", cid, self.shape, ("claims", i), f"unknown claim '{cid}'{close_match(cid, self.claims)}")

    def check_tags(self) -> None:
        """Check what the tags, answer terms and outside source promise holds for this question."""
        raw = self.raw
        tags = raw.get("tags") or ()
        # Checks of the cited claims wait until all of them are found: with one
        # missing, its absence is the problem, already reported.
        cited = [self.claims[c] for c in raw["claims"] if c in self.claims]
        if len(cited) < len(raw["claims"]):
            cited = []
        if "true-in-propaganda" in tags and cited and not any(c.verdict in ("corroborated", "partly-corroborated") for c in cited):
            self.bad(("tags",), "'true-in-propaganda' needs a claim whose verdict is corroborated or partly corroborated")
        if "cross-source" in tags and cited and len({c.source for c in cited}) < 2:
            self.bad(("tags",), "'cross-source' needs claims from at least two sources")
        if "disagreement" in tags and self.kind != "open-response":
            self.bad(("tags",), "'disagreement' questions must be open-response, so the key does not force one answer")
        if raw.get("answer_terms") and "look-it-up" not in tags:
            self.bad(("answer_terms",), "only a look-it-up question has answer terms (what students look up)")
        if raw["skill"] == "corroborate" and not raw.get("outside_source"):
            self.bad(("outside_source",), "a corroborate question must say which kind of outside source settles it and what it says")

    def common_fields(self) -> dict:
        """Return the fields every kind of question has, checking excerpts and minutes on the way."""
        raw = self.raw
        excerpts = self.excerpts()
        return dict(
            id=raw["id"],
            skill=raw["skill"],
            subskill=raw["subskill"],
            claims=tuple(raw["claims"]),
            stem=raw["stem"],
            explanation=raw["explanation"],
            difficulty=raw["difficulty"],
            grade_band=raw["grade_band"],
            points=raw.get("points") or (2 if self.kind == "open-response" else 1),
            techniques=tuple(raw.get("techniques") or ()),
            tags=tuple(raw.get("tags") or ()),
            outside_source=model.OutsideSource(**raw["outside_source"]) if raw.get("outside_source") else None,
            excerpts=excerpts,
            print_excerpts=raw.get("print_excerpts", True),
            teacher_note=raw.get("teacher_note") or "",
            answer_terms=tuple(raw.get("answer_terms") or ()),
            quoted_terms=tuple(raw.get("quoted_terms") or ()),
            minutes=self.minutes(),
        )

    def minutes(self) -> Decimal | None:
        """Return the question's own working time, or None for its kind's."""
        if "minutes" not in self.raw:
            return None
        value = _number(self.raw["minutes"])  # the shape check reported a value that is no number
        if value is not None and not 0 < value <= MAX_QUESTION_MINUTES:
            self.bad(("minutes",), f"{self.raw['minutes']} is out of range (more than 0, at most {MAX_QUESTION_MINUTES})")
            return None
        return value

    def excerpts(self) -> tuple:
        out = []
        for i, text in enumerate(self.raw.get("excerpts") or []):
            m = _EXCERPT_RE.match(text)
            if not m:
                self.bad(("excerpts", i), f"'{text}' is not 'source-id:A-B'")
                continue
            sid, first, last = m.group(1), int(m.group(2)), int(m.group(3) or m.group(2))
            source = self.sources.get(sid)
            if source is None:
                self.ok = False
                self.shape.checker.unknown("source", sid, self.shape, ("excerpts", i), f"unknown source '{sid}'{close_match(sid, self.sources)}")
            elif not 1 <= first <= last <= len(source.lines):
                self.bad(("excerpts", i), f"lines {first}-{last} are not within source '{sid}' (1-{len(source.lines)})")
            else:
                out.append((sid, first, last))
        return tuple(out)

    # -- per kind -------------------------------------------------------

    def choices(self, rule: str) -> tuple[model.Choice, ...]:
        items = self.raw.get("choices") or []
        choices = tuple(model.Choice(c["text"], bool(c.get("correct", False)), c.get("feedback") or "") for c in items)
        correct = sum(c.correct for c in choices)
        texts = [_normalise_space(c.text).lower() for c in choices]
        for i, text in enumerate(texts):
            if text in texts[:i]:
                self.bad(("choices", i, "text"), f"choice repeats choice {texts.index(text) + 1}")
        if rule == "one" and correct != 1:
            self.bad(("choices",), f"needs exactly one choice with correct: true, found {correct}")
        if rule == "some" and correct < 1:
            self.bad(("choices",), "needs at least one choice with correct: true, found 0")
        if rule == "some" and correct == len(choices):
            self.bad(("choices",), "every choice is correct; add at least one that is not")
        return choices

    def kind_single_choice(self) -> dict:
        if "choices" not in self.raw:
            self.bad(("choices",), "missing required field 'choices'")
            return {}
        return {"choices": self.choices("one")}

    def kind_multiple_response(self) -> dict:
        return {"choices": self.choices("some")}

    def kind_true_false(self) -> dict:
        return {"answer": self.raw["answer"]}

    def kind_short_answer(self) -> dict:
        return {"answers": tuple(self.raw["answers"]), "lines": self.raw.get("lines") or 1}

    def kind_numeric(self) -> dict:
        if "answer" not in self.raw:
            self.bad(("answer",), "missing required field 'answer'")
            return {}
        tolerance = _number(self.raw.get("tolerance", 0)) or Decimal(0)
        if tolerance < 0:
            self.bad(("tolerance",), "must not be negative")
        return {"answer": _number(self.raw["answer"]), "tolerance": tolerance, "unit": self.raw.get("unit") or ""}

    def kind_matching(self) -> dict:
        pairs = tuple(model.Pair(p["left"], p["right"]) for p in self.raw["pairs"])
        if len(pairs) < 2:
            self.bad(("pairs",), f"a matching question needs at least 2 pairs, found {len(pairs)}")
        lefts = [p.left for p in pairs]
        rights = [p.right for p in pairs] + list(self.raw.get("distractors") or [])
        if len(set(lefts)) != len(lefts):
            self.bad(("pairs",), "two pairs have the same left item")
        if len(set(rights)) != len(rights):
            self.bad(("pairs",), "two right-hand items (or a distractor) are the same, so the key is ambiguous")
        return {"pairs": pairs, "distractors": tuple(self.raw.get("distractors") or ())}

    def kind_ordering(self) -> dict:
        items = tuple(self.raw["items"])
        if len(items) < 3:
            self.bad(("items",), f"an ordering question needs at least 3 items, found {len(items)}")
        if len(set(items)) != len(items):
            self.bad(("items",), "two items are the same, so the order is ambiguous")
        return {"items": items}

    def kind_open_response(self) -> dict:
        r = self.raw["rubric"]
        patterns = tuple(
            model.RubricPattern(p["name"], p["description"], p.get("level") or "emergent") for p in r.get("patterns") or []
        )
        rubric = model.Rubric(r["proficient"], r["emergent"], r["basic"], patterns)
        return {"rubric": rubric, "model_answer": self.raw["model_answer"], "lines": self.raw.get("lines") or 5}

    def kind_mark_the_words(self) -> dict:
        claims = [self.claims[c] for c in self.raw["claims"] if c in self.claims]
        passage = self.raw.get("passage")
        if passage is None:
            passage = claims[0].quote if claims else ""
        elif claims:
            source = self.sources.get(claims[0].source)
            if source is not None and not quote_in_text(passage, "\n".join(source.lines)):
                problem = quotecheck.mismatch(passage, source, 1, len(source.lines))
                answers = tuple(a for a in self.raw["answers"] if isinstance(a, str))
                self.bad(("passage",), quotecheck.describe(problem, passage, source, 1, len(source.lines), answers,
                                                           field="passage", whole_source=True))
        for i, phrase in enumerate(self.raw["answers"]):
            if passage and phrase not in passage:
                self.bad(("answers", i), f"'{phrase}' does not appear in the passage")
        optional = tuple(self.raw.get("optional") or ())
        for i, phrase in enumerate(optional):
            if passage and phrase not in passage:
                self.bad(("optional", i), f"'{phrase}' does not appear in the passage")
            elif phrase in self.raw["answers"]:
                self.bad(("optional", i), f"'{phrase}' is also in answers; a phrase is either required or optional")
        return {"passage": passage, "answers": tuple(self.raw["answers"]), "optional": optional}

    # -- parametric -----------------------------------------------------

    def parametric(self, common: dict) -> model.Question | None:
        spec = self.raw["parametric"]
        if self.kind not in ("numeric", "single-choice"):
            self.bad(("parametric",), f"only numeric and single-choice questions can be parametric, not {self.kind}")
            return None
        for name in ("answer", "choices"):
            if name in self.raw:
                self.bad((name,), f"a parametric question computes its {name}; remove this field")
        generator = GENERATORS[spec["generator"]]
        quotes = [self.claims[c].quote for c in self.raw["claims"] if c in self.claims]
        cases = []
        for i, case in enumerate(spec["cases"]):
            rel = ("parametric", "cases", i)
            # A case with a malformed field or claim list is skipped: what it would fill in means nothing.
            if not self.case_fields_ok(generator, case, rel) or not self.case_claims_ok(case, rel):
                continue
            complete = len(quotes) == len(self.raw["claims"])  # with a claim missing, its absence is the problem
            for name in generator.quoted:
                if quotes and complete and not any(quote_in_text(case[name], q) for q in quotes):
                    self.bad(rel + (name,), f"'{case[name]}' does not appear in a quote of the question's claims")
            # A placeholder the generator lacks is wrong for every case: one report, then stop.
            if not self.placeholders_fill(generator, case):
                return None
            cases.append(case)
        if not self.ok:
            return None
        specific: dict = {}
        if self.kind == "numeric":
            specific["unit"] = self.raw.get("unit") or ""
        return model.QUESTION_KINDS[self.kind](
            **common, parametric=model.Parametric(spec["generator"], tuple(cases)), **specific
        )

    def case_fields_ok(self, generator: Generator, case: dict, rel: tuple) -> bool:
        """Check a case gives exactly the generator's values, of the right types, and that they make sense."""
        missing = [p for p in generator.params if p not in case]
        extra = [k for k in case if k not in generator.params and k != CASE_CLAIMS]
        if missing or extra:
            what = []
            if missing:
                what.append("missing " + ", ".join(missing))
            if extra:
                what.append("unknown field " + ", ".join(f"'{k}'" for k in extra))
            self.bad(rel, f"{'; '.join(what)} (generator '{generator.name}' takes {', '.join(generator.params)}; "
                          f"a case may also name its {CASE_CLAIMS})")
            return False
        wrong = [p for p, t in generator.params.items() if not isinstance(case[p], t) or isinstance(case[p], bool)]
        if wrong:
            self.bad(rel + (wrong[0],), f"expected {'a whole number' if generator.params[wrong[0]] is int else 'text'}, found {case[wrong[0]]!r}")
            return False
        problem = generator.check(case)
        if problem:
            self.bad(rel, problem)
            return False
        return True

    def case_claims_ok(self, case: dict, rel: tuple) -> bool:
        """Check the claims a case names, if it names any, are distinct claims of the question."""
        if CASE_CLAIMS not in case:
            return True
        named = case[CASE_CLAIMS]
        if not isinstance(named, list) or not named or not all(isinstance(c, str) for c in named):
            found = "an empty list" if named == [] else as_written(named)
            self.bad(rel + (CASE_CLAIMS,), f"expected a list of claim ids, found {found}")
            return False
        if len(set(named)) < len(named):
            self.bad(rel + (CASE_CLAIMS,), "a claim is listed twice")
            return False
        stray = [c for c in named if c not in self.raw["claims"]]
        if stray:
            self.bad(rel + (CASE_CLAIMS,), f"'{stray[0]}' is not one of the question's claims ({', '.join(self.raw['claims'])})")
            return False
        return True

    def placeholders_fill(self, generator: Generator, case: dict) -> bool:
        """Check every placeholder of the stem, explanation and teacher note is one of the case's values."""
        values = case_values(generator, case)
        for fname in ("stem", "explanation", "teacher_note"):
            try:
                fill(self.raw.get(fname) or "", values)
            except (KeyError, ValueError, IndexError) as err:
                self.bad((fname,), f"placeholder {err} is not a value of generator '{generator.name}' ({', '.join(values)})")
                return False
        return True
