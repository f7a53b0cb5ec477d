"""Pages that are full: the default recipe on Letter and on A4 prints at most 5 pages per version,
every page but the last at least three-quarters full; large print at most twice as many.

Fill is measured as a reader sees it: each page rendered to a grey image by
pdftoppm, the lowest row with anything on it (darker than near-white)
within the printable area (inside the page margins of templates/css/print.css,
so the running header and footer do not count), relative to the height of
that area.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess

import pytest
from pypdf import PdfReader

from quizgen import paths
from quizgen.build import build
from quizgen.recipe import load_recipe

# Lays out the default recipe's PDFs and renders their pages to images.
pytestmark = [pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="needs poppler-utils"), pytest.mark.slow]

MOST_PAGES = 5
LEAST_FILL = 0.75
#: Grey level (0 black … 255 white) below which a pixel counts as printed: the lightest tint on a
#: sheet (an excerpt's background, #f7f5f0) is 245.
INK = 250
DPI = 40
MM = 25.4


def page_margins() -> tuple[float, float]:
    """Return the top and bottom page margins (mm) print.css gives the worksheet."""
    css = (paths.templates_dir() / "css" / "print.css").read_text(encoding="utf-8")
    top, _, bottom, _ = re.search(r"@page\s*{[^}]*?margin:\s*([\d.]+)mm\s+([\d.]+)mm\s+([\d.]+)mm\s+([\d.]+)mm", css).groups()
    return float(top), float(bottom)


def page_fills(data: bytes, folder, margins: tuple[float, float]) -> list[float]:
    """Return, per page, how far down the printable area the page is printed (0 … 1)."""
    path = folder / "sheet.pdf"
    path.write_bytes(data)
    for old in folder.glob("page-*.pgm"):
        old.unlink()
    subprocess.run(["pdftoppm", "-r", str(DPI), "-gray", str(path), str(folder / "page")], check=True)
    fills = []
    for image in sorted(folder.glob("page-*.pgm")):
        raw = image.read_bytes()
        header = re.match(rb"P5\s+(\d+)\s+(\d+)\s+(\d+)\s", raw)
        width, height = int(header.group(1)), int(header.group(2))
        pixels = raw[header.end():]
        top, bottom = (round(m / MM * DPI) for m in margins)
        rows = range(top, height - bottom)
        printed = [y for y in rows if min(pixels[y * width:(y + 1) * width]) < INK]
        fills.append(((printed[-1] - top + 1) / len(rows)) if printed else 0.0)
    return fills


def _sheets(paper: str, large_print: bool, folder) -> dict[str, bytes]:
    recipe = load_recipe(paths.default_recipe(), {"paper": paper, "large_print": large_print, "output": str(folder)})
    report = build(recipe, workers=1, write=False)
    return {o.path.name: o.data for o in report.outputs if "-worksheet-" in o.path.name}


@pytest.fixture(scope="module", params=["letter", "a4"])
def regular(request, tmp_path_factory):
    return request.param, _sheets(request.param, False, tmp_path_factory.mktemp(request.param))


def test_the_default_recipe_prints_at_most_five_full_pages_per_version(regular, tmp_path):
    paper, sheets = regular
    assert len(sheets) == 2
    for name, data in sheets.items():
        fills = page_fills(data, tmp_path, page_margins())
        assert len(fills) <= MOST_PAGES, (paper, name, len(fills))
        thin = [(n, round(f, 2)) for n, f in enumerate(fills[:-1], start=1) if f < LEAST_FILL]
        assert not thin, f"{paper} {name}: pages less than three-quarters full: {thin} (all: {fills})"


def test_large_print_takes_at_most_twice_the_pages(regular, tmp_path):
    paper, sheets = regular
    large = _sheets(paper, True, tmp_path)
    for name, data in sheets.items():
        pages, large_pages = (len(PdfReader(io.BytesIO(d)).pages) for d in (data, large[name]))
        assert large_pages <= 2 * pages, (paper, name, pages, large_pages)


def test_the_fill_measure_sees_an_empty_page_and_a_full_one(tmp_path):
    """The measure itself: a page with one line at the top is nearly empty; one printed to its foot is full."""
    from quizgen.render.pdf import html_to_pdf

    short = "<p>One line.</p>"
    tall = "<div style='height: 250mm; border-bottom: 2pt solid black'></div>"
    data = html_to_pdf([f"<html lang='en'><body>{short}</body></html>", f"<html lang='en'><body>{tall}</body></html>"],
                       ["css/print.css", "css/paper-letter.css", "css/worksheet.css"])
    empty, full = page_fills(data, tmp_path, page_margins())
    assert empty < 0.05 and full > 0.95
