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


def _anchors(data: bytes):
    """Return a PDF's reader, its named destinations and the page (0-based) each one is on."""
    import io

    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    dests = reader.named_destinations
    return reader, dests, {name: reader.get_destination_page_number(d) for name, d in dests.items()}


def page_break_problems(data: bytes, key: bool) -> list[str]:
    """Return where a PDF breaks pages badly, read from its named destinations.

    Every question has anchors ``vA-q3`` and ``vA-q3-end``, and its response
    (what students answer on) ``vA-q3-response``. A worksheet question sits
    on one page, unless it is taller than a page: then it starts a page (no
    other question above it there) and its response is whole, on the page
    where the question ends. In the answer key an entry may run on, but the
    question as printed stays on one page with its answer line
    (``answer-vA-q3``). In both, a part heading (``part-vA-2``) stays with the
    part's first question.
    """
    import re

    _, dests, page = _anchors(data)
    top = {name: float(d["/Top"]) for name, d in dests.items()}
    starts = [d for d in dests if re.fullmatch(r"v[A-Z]+-q\d+", d)]
    problems = [] if starts else ["no question anchors"]
    for anchor in starts:
        if not key and page[anchor] != page[f"{anchor}-end"]:
            above = [other for other in starts if other != anchor and any(
                page.get(mark) == page[anchor] and top[mark] > top[anchor] for mark in (other, f"{other}-end"))]
            response = f"{anchor}-response"
            if above:
                problems.append(f"{anchor} runs from page {page[anchor] + 1} to {page[anchor + '-end'] + 1}"
                                f" though it could start a page of its own (below {above[0]})")
            if response not in page or page[response] != page[f"{anchor}-end"]:
                problems.append(f"{anchor}'s response is split across pages")
        if key and page[anchor] != page[f"answer-{anchor}"]:
            problems.append(f"{anchor} starts on page {page[anchor] + 1}, its answer on {page['answer-' + anchor] + 1}")
    heads = [d for d in dests if d.startswith("part-v")]
    if starts and not heads:
        problems.append("no part heading anchors")
    for head in heads:
        # A question starting under the heading, or (large print) one the heading opens.
        below = [a for a in starts if page[a] == page[head] and (top[a] < top[head] or (
            page[f"{a}-end"] > page[head] or top[f"{a}-end"] < top[head]))]
        if not below:
            problems.append(f"{head} on page {page[head] + 1} has no question under it on that page")
    return problems


def continued_label_problems(data: bytes) -> list[str]:
    """Return pages whose "Question N, continued" header is wrong or missing.

    A page that begins inside question N (it started on an earlier page and
    ends on this one or later) says "Question N, continued" at the top; no
    other page has such a header. Pages of separate documents (versions) are
    told apart by the version letter in the anchors.
    """
    import re

    reader, dests, page = _anchors(data)
    expected: dict[int, str] = {}
    for anchor in (d for d in dests if re.fullmatch(r"v[A-Z]+-q\d+", d)):
        number = anchor.rsplit("q", 1)[1]
        for inside in range(page[anchor] + 1, page[f"{anchor}-end"] + 1):
            expected[inside] = f"Question {number}, continued"
    problems = []
    for index, pdf_page in enumerate(reader.pages):
        found = re.findall(r"Question \d+, continued", pdf_page.extract_text())
        want = [expected[index]] if index in expected else []
        if found != want:
            problems.append(f"page {index + 1}: header {found or 'none'}, expected {want or 'none'}")
    return problems
