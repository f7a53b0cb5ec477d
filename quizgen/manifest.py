"""The build manifest: one record of what a build made, for marking and for safe clean-up.

Every build (and every export of a recipe) writes, beside its answer key,
``NAME-manifest.json``. It is teacher-only material, like the key: nothing a
student gets contains it. It holds

- ``build``: the build id, the digests of the bank and the recipe, the seed
  and the quizgen version. The build id is derived from the worksheet itself
  (the recipe's choices and every version's questions, choice orders and
  numbers), so the same bank, recipe and seed always give the same id, and
  response files and filled forms that carry it can be matched to it;
- ``versions``: per version, each position's question id, kind, skill,
  sub-skill, points, choice order, parametric values, printable key and
  ``scoring`` record (quizgen.scoring), its stem, explanation and claims:
  everything marking needs, so marking never reads the bank again (the
  schema is ``quizgen.marking.schema``, printed by ``quizgen mark --schema``);
- ``files``: each file the build wrote (name, size, SHA-256), so a later
  build removes only files that were ours and are unchanged since.

Plain JSON, sorted keys, so the same build writes the same bytes.

Schema (version 1; sections other engineers add follow the same rules)::

    {
      "schema": 1,                       # readers refuse a newer number
      "build": {"id": "qg-…", "name", "title", "seed", "recipe": sha256 of the recipe's choices,
                "bank": sha256 of the bank's files, "quizgen": version},
      "versions": [{"letter": "A", "points": n, "positions": [{"position", "question", "kind",
                    "skill", "subskill", "points", "key", "shuffled", "instance", "choices"}, …]}, …],
      "files": [{"name": "sampler-answer-key.pdf",   # path relative to the manifest's folder, '/'-separated
                 "size": 123456,                      # bytes
                 "sha256": "…"}, …]                   # of the bytes written; the manifest never lists itself
    }

``files`` is generic: any command that writes a set of files beside a
manifest (PDFs, exports, screen formats, results) lists each of them, and
``outputset.write_set`` uses the list to tell quizgen's files from a
teacher's: only a file listed there, and unchanged since, is overwritten or
removed without ``--force``.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
from decimal import Decimal
from pathlib import Path

from quizgen import __version__, model

#: Bumped when a field changes meaning; readers refuse a newer one.
SCHEMA_VERSION = 1
SUFFIX = "-manifest.json"


def manifest_name(recipe_name: str) -> str:
    """Return the file name of the manifest of a build named ``recipe_name``."""
    return f"{recipe_name}{SUFFIX}"


def _plain(value: object) -> object:
    """Return ``value`` as JSON-ready data: dataclasses, tuples, Decimals and sets made plain."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        data = {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
        if isinstance(value, model.Question):
            data["kind"] = value.kind  # a class attribute, not a field
        return data
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, (set, frozenset)):
        return sorted(_plain(v) for v in value)
    if isinstance(value, Decimal):
        return str(value)
    return value


def _digest(data: object) -> str:
    text = json.dumps(_plain(data), sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def recipe_digest(recipe: model.Recipe) -> str:
    """Return a digest of what ``recipe`` asks for (not where it was read or where it writes)."""
    return _digest(dataclasses.replace(recipe, path="", output=""))


#: The bank's own files: what the loader reads and the recipes beside them (never an output folder inside it).
BANK_PARTS = ("sources", "claims", "questions", "recipes")


def bank_digest(bank_dir: Path) -> str:
    """Return a digest of the bank's files in ``bank_dir`` (names and bytes of its YAML and texts).

    Only its top-level YAML (bank.yaml) and the folders in BANK_PARTS
    count: a workspace keeps its output/ folder beside them, and the PDFs
    written there must not change the digest of the bank they came from.
    """
    from quizgen.inputs import Unreadable, read_limited

    digest = hashlib.sha256()
    bank_dir = Path(bank_dir)
    files = sorted([p for p in bank_dir.glob("*.y*ml") if p.is_file()]  # bank.yaml: its wording
                   + [p for part in BANK_PARTS for p in (bank_dir / part).rglob("*")
                      if p.suffix in (".yaml", ".yml", ".txt") and p.is_file()])
    for path in files:
        try:
            data = read_limited(path, MAX_MANIFEST_BYTES)
        except Unreadable:
            continue  # the loader has already said what is wrong with it
        digest.update(path.relative_to(bank_dir).as_posix().encode("utf-8") + b"\0")
        digest.update(hashlib.sha256(data).digest())
    return digest.hexdigest()


#: A build id as build_id makes it, wherever one is read back (sheets, response files).
BUILD_ID = re.compile(r"qg-[0-9a-f]{12}")


def build_id(worksheet: model.Worksheet) -> str:
    """Return the id of the build of ``worksheet``: ``qg-`` and 12 hex digits.

    Derived from what the worksheet asks for and holds (recipe without its
    paths, each version's instantiated questions in their printed order), so
    it changes exactly when a student's answers would mean something else.
    How the build is delivered (formats, paper, print options, answer sheets
    or worksheets) is left out: PDFs built today and the interactive pages
    built tomorrow from the same recipe carry the same id, and so do a
    class's answer sheets and the worksheets of the same draw.
    """
    recipe = dataclasses.replace(worksheet.recipe, path="", output="", formats=(), paper="", large_print=False,
                                 double_sided=True, per_version_files=False, answer_sheet=False, students=0)
    return "qg-" + _digest([recipe, worksheet.versions])[:12]


def version_record(version: model.Version, worksheet: model.Worksheet | None = None) -> dict:
    """Return what marking needs of one version: each position, how it is keyed and how it scores.

    Besides the printed key, a position holds its ``scoring`` record (see
    quizgen.scoring: correct letters, accepted answers, tolerance and unit,
    pairs, order, words, rubric levels), the stem as printed and as an LMS
    shows it (to match an LMS report's columns), the explanation and the
    claims it stands on (for feedback sheets and the class report), so
    marking never reads the bank. ``worksheet`` supplies the claims.
    """
    from quizgen import scoring

    claims = worksheet.claims if worksheet is not None else {}
    positions = []
    for item in version.items:
        question = item.question
        positions.append({
            "position": item.number,
            "question": question.id,
            "kind": question.kind,
            "skill": question.skill,
            "subskill": question.subskill,
            "points": question.points,
            "key": item.key,
            "shuffled": list(item.shuffled),
            "instance": {name: _plain(value) for name, value in question.instance},
            "choices": [_plain(c) for c in getattr(question, "choices", ())],
            # mark-the-words: phrases credited either way, marked or not (not in "key")
            "optional": list(getattr(question, "optional", ())),
            **_marking_fields(item, claims),
            "rule": scoring.RULES[question.kind].name,
            "scoring": scoring.scoring_record(item),
        })
    return {"letter": version.letter, "points": version.points, "positions": positions}


def _marking_fields(item: model.WorksheetItem, claims: dict) -> dict:
    """Return the texts results print about a position: stems, explanation, claims, outside source."""
    from quizgen.printed import select_stem

    question = item.question
    outside = question.outside_source
    return {
        "stem": question.stem,
        "lms_stem": select_stem(question),
        "explanation": question.explanation,
        "outside_source": {"kind": outside.kind, "says": outside.says} if outside else None,
        "claims": [{"id": c, "summary": claims[c].summary, "verdict": claims[c].verdict, "source": claims[c].source}
                   for c in question.claims if c in claims],
    }


def make_manifest(worksheet: model.Worksheet, *, bank: str = "", files: list[dict] | None = None) -> dict:
    """Return the manifest of a build of ``worksheet`` (``bank``: its bank digest, when known)."""
    recipe = worksheet.recipe
    return {
        "schema": SCHEMA_VERSION,
        "build": {
            "id": build_id(worksheet),
            "name": recipe.name,
            "title": recipe.title,
            "seed": recipe.seed,
            "recipe": recipe_digest(recipe),
            "bank": bank,
            "quizgen": __version__,
        },
        "versions": [version_record(v, worksheet) for v in worksheet.versions],
        "files": files or [],
    }


def file_entry(name: str, data: bytes) -> dict:
    """Return the record of one written file: its name (relative to the manifest's folder), size and SHA-256."""
    return {"name": name, "size": len(data), "sha256": hashlib.sha256(data).hexdigest()}


#: Largest manifest read back; one of 100 versions of 200 questions is a few megabytes.
MAX_MANIFEST_BYTES = 64 * 1024 * 1024


def read_manifest(path: Path) -> tuple[dict | None, str]:
    """Return the manifest at ``path`` and '' , or (None, '') if there is none, or (None, why) if it cannot be read.

    Reads only a regular file (a link to one included), at most
    MAX_MANIFEST_BYTES, so a FIFO or a device in its place never blocks.
    """
    import os
    import stat

    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None, ""
    except OSError as err:
        return None, f"cannot read it: {err.strerror or err}"
    if not stat.S_ISREG(st.st_mode):
        return None, "it is not a regular file"
    if st.st_size > MAX_MANIFEST_BYTES:
        return None, f"it is {st.st_size:,} bytes, more than a manifest ever is"
    from quizgen.responses import DuplicateKey, strict_json

    try:
        # Strictly, as marking reads it: with a key given twice (a hand edit, a bad merge), the last one
        # could claim a teacher's file as quizgen's to overwrite.
        data = strict_json(Path(path).read_bytes().decode("utf-8"))
    except DuplicateKey as dup:
        return None, f"line {dup.line}, column {dup.column}: {dup.sentence()}"
    except RecursionError:
        return None, "it is not a quizgen manifest (nested too deeply)"
    except (OSError, UnicodeDecodeError, ValueError) as err:
        return None, f"it is not a quizgen manifest ({type(err).__name__})"
    if not isinstance(data, dict) or not isinstance(data.get("schema"), int) or not isinstance(data.get("files", []), list):
        return None, "it is not a quizgen manifest"
    if data["schema"] > SCHEMA_VERSION:
        return None, f"it was written by a newer quizgen (schema {data['schema']}); update quizgen"
    return data, ""


def recorded_files(manifest: dict | None) -> dict[str, dict]:
    """Return the ``files`` entries of a manifest by name, leaving out any that is malformed or leaves its folder."""
    entries = {}
    for entry in (manifest or {}).get("files", []):
        if not isinstance(entry, dict):
            continue
        name, size, digest = entry.get("name"), entry.get("size"), entry.get("sha256")
        if (isinstance(name, str) and _inside(name) and isinstance(size, int) and not isinstance(size, bool)
                and size >= 0 and isinstance(digest, str) and len(digest) == 64):
            entries[name] = {"name": name, "size": size, "sha256": digest}
    return entries


def _inside(name: str) -> bool:
    """Whether a recorded name stays inside the manifest's folder (no absolute path, no '..', no NUL)."""
    from pathlib import PurePosixPath

    path = PurePosixPath(name)
    return bool(name) and "\0" not in name and not path.is_absolute() and ".." not in path.parts and "\\" not in name


def same_papers(old: dict | None, new: dict) -> bool:
    """Whether an earlier manifest describes the same versions as ``new`` (its files still match this build)."""
    return old is not None and old.get("versions") == new.get("versions")


def dump(manifest: dict) -> bytes:
    """Return the manifest as the bytes written to disk (sorted keys, UTF-8, newline at the end)."""
    return (json.dumps(manifest, sort_keys=True, ensure_ascii=False, indent=1) + "\n").encode("utf-8")
