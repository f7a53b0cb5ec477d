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


def page_break_problems(data: bytes, key: bool, large_print: bool = False) -> list[str]:
    """Return where a PDF breaks pages badly, read from its named destinations.

    Every question has anchors ``vA-q3`` and ``vA-q3-end``, its response
    (what students answer on) ``vA-q3-response``, a response kept whole
    (choices on a row or two, a box, a few lines) ``vA-q3-response-end`` too,
    and each excerpt ``vA-excerpt-2``. Questions flow from page to page. On
    a worksheet a question may run on to the next page between its parts,
    never inside a short response: its two anchors share a page; the stem
    never ends a page, so the question's first part below it (an excerpt
    or the response) starts on the stem's page (large print: a long stem may
    run on, and an excerpt start overleaf, so on the next page at most). A passage printed above a group of
    questions shares its page with the first of them, or faces it (pages
    2-3, 4-5 …). In the answer key an entry may run on, but the question as
    printed stays on one page with its answer line (``answer-vA-q3``). In
    both, a part heading (``part-vA-2``) stays with the part's first question.
    """
    import re

    _, dests, page = _anchors(data)
    top = {name: float(d["/Top"]) for name, d in dests.items()}
    starts = [d for d in dests if re.fullmatch(r"v[A-Z]+-q\d+", d)]
    problems = [] if starts else ["no question anchors"]
    excerpts = {d for d in dests if re.fullmatch(r"v[A-Z]+-excerpt-\d+", d)}

    def facing(first: int, second: int) -> bool:  # 0-based pages: 1 and 2 face each other (pages 2 and 3)
        return first == second or (second == first + 1 and first % 2 == 1)

    for anchor in starts:
        if key:
            if page[anchor] != page[f"answer-{anchor}"]:
                problems.append(f"{anchor} starts on page {page[anchor] + 1}, its answer on {page['answer-' + anchor] + 1}")
            continue
        response, end = f"{anchor}-response", f"{anchor}-response-end"
        if end in page and page[response] != page[end]:
            problems.append(f"{anchor}'s response is split across pages {page[response] + 1} and {page[end] + 1}")
        # The question's first part below its stem: an excerpt of its own (below the stem) or its response.
        below = [a for a in excerpts | {response} if a in page and (page[a], -top[a]) >= (page[anchor], -top[anchor])
                 and (page[a], -top[a]) <= (page[f"{anchor}-end"], -top[f"{anchor}-end"])]
        first_part = min(below, key=lambda a: (page[a], -top[a]), default=response)
        # Large print: a long stem may itself run on, or its excerpt start overleaf (one page on, no more).
        if page[first_part] != page[anchor] and not (large_print and page[first_part] == page[anchor] + 1):
            problems.append(f"{anchor}'s stem ends page {page[anchor] + 1}")
    for excerpt in excerpts:
        # A passage above a group: the next question anchor after it.
        after = [a for a in starts if (page[a], -top[a]) > (page[excerpt], -top[excerpt])]
        owner = min(after, key=lambda a: (page[a], -top[a]), default=None)
        if owner is not None and page[owner] > page[excerpt] and not any(
                (page[a], -top[a]) <= (page[excerpt], -top[excerpt]) <= (page[f"{a}-end"], -top[f"{a}-end"]) for a in starts):
            if not facing(page[excerpt], page[owner]):
                problems.append(f"{excerpt} on page {page[excerpt] + 1}, its first question {owner} on page {page[owner] + 1}")
    heads = [d for d in dests if d.startswith("part-v")]
    if starts and not heads:
        problems.append("no part heading anchors")
    for head in heads:
        # The part's first question (or a passage above it) starts on the heading's page.
        below = [a for a in [*starts, *excerpts] if page[a] == page[head] and top[a] < top[head]]
        if not below:
            problems.append(f"{head} on page {page[head] + 1} has nothing under it on that page")
    return problems


def broken_unit_problems(data: bytes, context: dict) -> list[str]:
    """Return the units of a one-version worksheet PDF that a page break cuts: an excerpt line, a
    choice, a matching prompt or match, a timeline item. Each must stand whole in one page's text
    (``context``: the version's worksheet context, which holds what each prints)."""
    # Compared without spaces: text extraction adds one where a line wraps after a dash.
    pages = ["".join(text.split()) for text in pdf_pages_text(data)]
    units: list[tuple[str, str]] = []
    for part in context["parts"]:
        for item in part["questions"]:
            where = f"question {item['number']}"
            for excerpt in item["passages"] + item["excerpts"]:
                units += [(f"{where}, excerpt line {line['n']}", line["text"]) for line in excerpt["lines"] if "n" in line]
            units += [(f"{where}, choice", c["text"]) for c in item.get("choices", [])]
            units += [(f"{where}, matching row", r["text"]) for r in item.get("left", []) + item.get("right", [])]
            units += [(f"{where}, timeline item", e["text"]) for e in item.get("entries", [])]
    return [f"{what} is cut by a page break: {squash(text)[:60]}…" for what, text in units
            if not any("".join(text.split()) in page for page in pages)]


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


def structure_problems(data: bytes) -> list[str]:
    """Return what keeps a PDF from being a well-formed tagged PDF, read with pikepdf.

    A tagged PDF has /MarkInfo /Marked true, a language and a title shown in
    the window, and a structure tree: one /Document element whose elements
    all point to pages of this file, and a parent tree mapping each page's
    marked content (/StructParents) to elements on that page. Headings are
    H1/H2 elements and lists L/LI, as the HTML has them.
    """
    import io

    import pikepdf

    pdf = pikepdf.open(io.BytesIO(data))
    root = pdf.Root
    problems = []
    if not (root.get("/MarkInfo") and root.MarkInfo.get("/Marked")):
        problems.append("not marked as tagged")
    if not str(root.get("/Lang", "")):
        problems.append("no document language")
    if not str(pdf.docinfo.get("/Title", "")) or not root.get("/ViewerPreferences", {}).get("/DisplayDocTitle"):
        problems.append("no title shown in the window")
    tree = root.get("/StructTreeRoot")
    if tree is None:
        return problems + ["no structure tree"]
    pages = {p.obj.objgen for p in pdf.pages}
    nums = tree.ParentTree.Nums
    entries = {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}
    tags: dict[str, int] = {}
    stack = [tree.K[0] if isinstance(tree.K, pikepdf.Array) else tree.K]
    while stack:
        element = stack.pop()
        tags[str(element.S)] = tags.get(str(element.S), 0) + 1
        if "/Pg" in element and element.Pg.objgen not in pages:
            problems.append(f"a {element.S} element points to a page of another file")
        kids = element.K if isinstance(element.K, pikepdf.Array) else [element.K]
        stack += [k for k in kids if isinstance(k, pikepdf.Dictionary) and k.get("/Type") == "/StructElem"]
    for number, page in enumerate(pdf.pages, start=1):
        key = page.obj.get("/StructParents")
        if key is None or int(key) not in entries:
            problems.append(f"page {number} has no parent-tree entry")
        elif any(element.Pg.objgen != page.obj.objgen for element in entries[int(key)]):
            problems.append(f"page {number}'s marked content maps to elements of another page")
    if tags.get("/Document") != 1:
        problems.append("not one Document element")
    for needed in ("/H1", "/P", "/L", "/LI"):
        if not tags.get(needed):
            problems.append(f"no {needed} element")
    return problems


# --------------------------------------------------------------------------
# The fast part: `pytest -m "not slow"` tries fewer random examples per property


#: Set when the run leaves the slow tests out: each property then tries a quarter of its examples
#: (at least five); the whole suite (sh scripts/test.sh, .ci/run) tries them all.
FAST = False


def pytest_configure(config) -> None:
    global FAST
    FAST = " ".join((config.option.markexpr or "").split()) == "not slow"


def examples(count: int) -> int:
    """Return how many examples a Hypothesis property tries in this run: ``count``, or a quarter in the fast part."""
    return max(5, count // 4) if FAST else count
