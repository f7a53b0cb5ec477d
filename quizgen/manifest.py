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
  sub-skill, points, choice order, parametric values and printable key:
  everything marking needs, so marking never reads the bank again;
- ``files``: each file the build wrote (name, size, SHA-256), so a later
  build removes only files that were ours and are unchanged since.

Plain JSON, sorted keys, so the same build writes the same bytes.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
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


def bank_digest(bank_dir: Path) -> str:
    """Return a digest of every file of the bank in ``bank_dir`` (names and bytes)."""
    digest = hashlib.sha256()
    for path in sorted(p for p in Path(bank_dir).rglob("*") if p.is_file()):
        digest.update(path.relative_to(bank_dir).as_posix().encode("utf-8") + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def build_id(worksheet: model.Worksheet) -> str:
    """Return the id of the build of ``worksheet``: ``qg-`` and 12 hex digits.

    Derived from what the worksheet asks for and holds (recipe without its
    paths, each version's instantiated questions in their printed order), so
    it changes exactly when a student's answers would mean something else.
    How the build is delivered (formats, paper, print options) is left out:
    PDFs built today and the interactive pages built tomorrow from the same
    recipe carry the same id.
    """
    recipe = dataclasses.replace(worksheet.recipe, path="", output="", formats=(), paper="", large_print=False,
                                 double_sided=True, per_version_files=False)
    return "qg-" + _digest([recipe, worksheet.versions])[:12]


def version_record(version: model.Version) -> dict:
    """Return what marking needs of one version: each position and how it is keyed."""
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
        })
    return {"letter": version.letter, "points": version.points, "positions": positions}


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
        "versions": [version_record(v) for v in worksheet.versions],
        "files": files or [],
    }


def dump(manifest: dict) -> bytes:
    """Return the manifest as the bytes written to disk (sorted keys, UTF-8, newline at the end)."""
    return (json.dumps(manifest, sort_keys=True, ensure_ascii=False, indent=1) + "\n").encode("utf-8")
