"""Shared test helpers. Several engineers add to this file: add, don't rewrite."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

PROJECTS = Path(__file__).parent / "projects"


@pytest.fixture
def runner() -> CliRunner:
    """A click runner that keeps stderr apart from stdout."""
    return CliRunner()


def project(name: str) -> Path:
    """Return the folder of a sample project under tests/projects/."""
    path = PROJECTS / name
    assert path.is_dir(), f"no sample project {name!r}"
    return path


# --------------------------------------------------------------------------
# Worksheets (recipe, assembly, rendering): the `worksheet` sample bank has
# every question kind, two parametric questions, Hangul, typographic quotes
# and a hostile string.


@pytest.fixture(scope="session")
def worksheet_bank():
    """The loaded tests/projects/worksheet bank."""
    from quizgen.bank import load_bank

    return load_bank(project("worksheet"))


def write_recipe(folder: Path, text: str, name: str = "recipe.yaml") -> Path:
    """Write a recipe file into ``folder`` and return its path."""
    import textwrap

    path = folder / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def pdf_pages_text(data: bytes) -> list[str]:
    """Return the text of each page of a PDF (pypdf), whitespace collapsed."""
    import io

    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    return [squash(page.extract_text() or "") for page in reader.pages]


def squash(text: str) -> str:
    """Collapse every run of whitespace to one space (PDF text breaks lines anywhere)."""
    return " ".join(text.split())
