"""CSV files as spreadsheets and LMSs write them: encodings, delimiters, localised numbers.

Moodle writes its reports as UTF-8 with a byte-order mark; a spreadsheet
program saving a marks sheet may write the Windows code page instead, and
use ";" as the delimiter where "," is the decimal comma (French Excel).
``read_table`` copes with all of these and keeps each row's first line
number, so a message can say ``file:line``.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path


@dataclass(frozen=True)
class Table:
    """A CSV file's rows, each with the line it starts on (1-based)."""

    path: str
    rows: list[tuple[int, list[str]]]

    @property
    def header(self) -> list[str]:
        """Return the first row (the column headers)."""
        return self.rows[0][1] if self.rows else []


def decode(data: bytes) -> str:
    """Return a CSV file's text: UTF-8 (a byte-order mark dropped), else Windows-1252."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def delimiter(first_line: str) -> str:
    """Return the delimiter of a CSV file from its header line: the most frequent of , ; and tab."""
    counts = {d: first_line.count(d) for d in (",", ";", "\t")}
    return max(counts, key=lambda d: (counts[d], d == ","))


def read_table(path: Path | str, text: str | None = None, display: str | None = None) -> Table:
    """Return the rows of the CSV file at ``path`` (or of ``text``), blank rows left out."""
    if text is None:
        text = decode(Path(path).read_bytes())
    first = text.split("\n", 1)[0]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter(first))
    rows = []
    line = 1
    for row in reader:
        if any(cell.strip() for cell in row):
            rows.append((line, row))
        line = reader.line_num + 1
    return Table(display or str(path), rows)


_NUMBER = re.compile(r"^[+-]?\d[\d\s\u00a0\u202f.,']*$")


def local_number(text: str) -> Decimal | None:
    """Return a number as an LMS writes it in any language: '0.83', '0,83', '1 234,5'; None if it is not one."""
    text = text.strip()
    if not _NUMBER.match(text):
        return None
    digits = re.sub(r"[\s\u00a0\u202f']", "", text)
    last = max(digits.rfind("."), digits.rfind(","))
    if last != -1:
        digits = re.sub(r"[.,]", "", digits[:last]) + "." + digits[last + 1:]
    try:
        return Decimal(digits)
    except InvalidOperation:
        return None
