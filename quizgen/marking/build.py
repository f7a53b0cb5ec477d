"""Read a build's manifest for marking: its id, versions and what each position holds.

The manifest (quizgen.manifest, schema in quizgen.marking.schema) is all
marking knows of a build. It is checked here once, so the readers and the
scoring can trust it: a file that is not a manifest, or one written before
positions carried their scoring records, is refused with one line.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from quizgen.errors import AnswersError, Diagnostic, Location
from quizgen.manifest import BUILD_ID, SCHEMA_VERSION
from quizgen.marking.schema import SCORING_FIELDS
from quizgen.responses import DuplicateKey, strict_json

#: Fields every position must have for marking.
POSITION_FIELDS = ("position", "question", "kind", "skill", "subskill", "points", "key", "scoring", "stem")


@dataclass(frozen=True)
class Version:
    """One version of the build: its letter, total points and positions by number."""

    letter: str
    points: int
    positions: dict[int, dict]


@dataclass(frozen=True)
class Build:
    """A build as its manifest records it."""

    id: str
    name: str
    title: str
    versions: dict[str, Version]
    #: Where the manifest was read, for messages.
    path: str
    #: Names of the files the build wrote (its worksheets, key, exports): never answers.
    files: frozenset[str] = frozenset()

    def version(self, letter: str) -> Version | None:
        """Return the version with this letter (any case), or None."""
        return self.versions.get(str(letter).strip().upper())

    @property
    def letters(self) -> str:
        """Return the version letters as a message lists them: 'A–AD' or 'A, B'."""
        letters = list(self.versions)
        return f"{letters[0]}–{letters[-1]}" if len(letters) > 2 else ", ".join(letters)

    @property
    def width(self) -> int:
        """Return the largest number of positions of any version."""
        return max((len(v.positions) for v in self.versions.values()), default=0)

    def other_build(self, cells: list[str]) -> str | None:
        """Return what a sheet's first row names when it is not this build ("build qg-…",
        "no build"), or None when the sheet was made for this build."""
        found = BUILD_ID.findall(" ".join(cells))
        if found and found[0] == self.id:
            return None
        return f"build {found[0]}" if found else "no build"


def load_build(path: Path) -> Build:
    """Return the build recorded in the manifest at ``path``; AnswersError if it cannot be used."""
    where = str(path)
    try:
        # As strictly as a response file: a key given twice (a hand edit, a bad merge) is not read
        # as whichever comes last.
        data = strict_json(Path(path).read_text(encoding="utf-8"))
    except DuplicateKey as dup:
        raise AnswersError("cannot mark", [Diagnostic(Location(where, dup.line, None, dup.column), dup.sentence())]) from None
    except FileNotFoundError:
        raise _refuse(where, "no such file") from None
    except IsADirectoryError:
        raise _refuse(where, "is a folder, not a manifest (NAME-manifest.json, beside the answer key)") from None
    except UnicodeDecodeError:
        raise _refuse(where, "not a manifest: not UTF-8 text") from None
    except json.JSONDecodeError as err:
        raise AnswersError("cannot mark", [Diagnostic(Location(where, err.lineno), f"not a manifest: JSON: {err.msg}")]) from None
    except OSError as err:
        raise _refuse(where, f"cannot read: {err.strerror or err}") from None
    except RecursionError:
        raise _refuse(where, "not a manifest: nested too deeply") from None
    except ValueError:  # an integer longer than Python will convert
        raise _refuse(where, "not a manifest: it holds a number too long to read") from None
    return _build(data, where)


def _refuse(where: str, message: str, field: str | None = None) -> AnswersError:
    return AnswersError("cannot mark", [Diagnostic(Location(where, field=field), message)])


def _build(data: object, where: str) -> Build:
    if not isinstance(data, dict) or not isinstance(data.get("build"), dict) or "versions" not in data:
        raise _refuse(where, "not a quizgen manifest (no 'build' and 'versions')")
    schema = data.get("schema")
    if not isinstance(schema, int) or schema > SCHEMA_VERSION:
        raise _refuse(where, f"manifest schema {schema!r} is newer than this quizgen reads ({SCHEMA_VERSION}): update quizgen",
                      "schema")
    build = data["build"]
    if not isinstance(build.get("id"), str) or not build["id"]:
        raise _refuse(where, "the manifest names no build id", "build.id")
    versions: dict[str, Version] = {}
    for index, record in enumerate(data["versions"] if isinstance(data["versions"], list) else []):
        version = _version(record, where, index)
        if version.letter in versions:
            raise _refuse(where, f"version {version.letter} is listed twice", f"versions[{index}].letter")
        versions[version.letter] = version
    if not versions:
        raise _refuse(where, "the manifest lists no versions", "versions")
    files = frozenset(Path(str(f.get("name") or f.get("path") or "")).name for f in data.get("files") or []
                      if isinstance(f, dict))
    return Build(build["id"], str(build.get("name", "")), str(build.get("title", "")), versions, where, files - {""})


def _version(record: object, where: str, index: int) -> Version:
    field = f"versions[{index}]"
    if not isinstance(record, dict) or not isinstance(record.get("positions"), list):
        raise _refuse(where, "not a version record", field)
    letter = str(record.get("letter", "")).upper()
    positions = {}
    for n, position in enumerate(record["positions"]):
        missing = [f for f in POSITION_FIELDS if not isinstance(position, dict) or f not in position]
        if not missing:
            if position["kind"] not in SCORING_FIELDS:
                raise _refuse(where, f"unknown question kind {position['kind']!r}", f"{field}.positions[{n}].kind")
            missing = [f"scoring.{f}" for f in SCORING_FIELDS[position["kind"]] if f not in position["scoring"]]
        if missing:
            hint = " (written by an older quizgen: build again to mark)" if "scoring" in missing[0] else ""
            raise _refuse(where, f"position has no '{missing[0]}'{hint}", f"{field}.positions[{n}]")
        number = int(position["position"])
        if number in positions:
            raise _refuse(where, f"version {letter} lists question {number} twice", f"{field}.positions[{n}].position")
        positions[number] = position
    return Version(letter, int(record.get("points", 0)), positions)
