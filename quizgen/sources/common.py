"""Helpers every step of ingestion shares: the id rule, errors, digests, counts."""

from __future__ import annotations

import hashlib
import re

from quizgen.errors import Diagnostic, Location, SourceError
from quizgen.model import ID_PATTERN

#: Source ids: lower-case words joined by hyphens (the bank's id rule).
ID_RE = re.compile(ID_PATTERN)


def _fail(path: str, message: str, line: int | None = None, field_: str | None = None) -> SourceError:
    # One diagnostic, no summary line: the CLI prints exactly one line.
    return SourceError("", [Diagnostic(Location(path, line, field_), message)])


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _plural(n: int, word: str, plural: str | None = None) -> str:
    return f"{n} {word if n == 1 else (plural or word + 's')}"
