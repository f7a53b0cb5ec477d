"""Where the shipped templates and bank live.

In a wheel they are inside the package (``quizgen/templates``,
``quizgen/banks``; see pyproject.toml). In a source checkout they sit at the
top level beside ``quizgen/``. Either way the installed command finds them
from any working directory.

``bank_dir`` is always the shipped bank. Which bank a command uses (a
workspace's, the clone's, or this one, read-only) is decided in
quizgen.workspace.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def _shipped(name: str) -> Path:
    inside = _PACKAGE / name
    if inside.is_dir():
        return inside
    return _PACKAGE.parent / name


def templates_dir() -> Path:
    """Return the folder of Jinja templates and CSS."""
    return _shipped("templates")


def bank_dir() -> Path:
    """Return the folder of the shipped question bank."""
    return _shipped("banks")


def default_recipe(bank: Path | None = None) -> Path:
    """Return the default recipe: ``bank``'s own recipes/default.yaml if it has one, else the shipped sampler."""
    own = Path(bank) / "recipes" / "default.yaml" if bank is not None else None
    if own is not None and (own.exists() or own.is_symlink()):  # not a file: reading it says why
        return own
    return bank_dir() / "recipes" / "default.yaml"
