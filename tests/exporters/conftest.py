"""Fixtures shared by every exporter test (and by the other formats' tests).

``worksheet_all_kinds``: two versions, all nine question kinds, awkward text
(see tests/exporters/sample.py). ``schemas_dir``: the official schemas in
``../shared/schemas`` (env ``QUIZGEN_SCHEMAS``), or a skip with the reason.
The hostile-text Hypothesis strategy and the HTML reader are in support.py.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from .sample import big_worksheet, worksheet_all_kinds as _worksheet_all_kinds

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def worksheet_all_kinds():
    """Return the two-version, nine-kind sample worksheet."""
    return _worksheet_all_kinds()


@pytest.fixture(scope="session")
def worksheet_big():
    """Return a 1,000-question one-version worksheet (for size and speed checks)."""
    return big_worksheet(1000)


def schemas_path() -> Path:
    """Return the folder of official schemas (may not exist)."""
    env = os.environ.get("QUIZGEN_SCHEMAS")
    return Path(env) if env else REPO.parent / "shared" / "schemas"


@pytest.fixture(scope="session")
def schemas_dir() -> Path:
    """Return the schemas folder, or skip: the schemas are never copied into the repo."""
    path = schemas_path()
    if not path.is_dir():
        pytest.skip(f"official schemas not found at {path} (set QUIZGEN_SCHEMAS to the shared/schemas folder)")
    return path
