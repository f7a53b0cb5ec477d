"""Fixtures of the screen-format tests: built pages and a real browser.

The browser is Debian's Chromium (/usr/bin/chromium, installed by
``scripts/system-packages.sh test``), driven by Playwright; nothing is
downloaded. Every page is opened over ``file://`` in a context that aborts
and records any other request, and that records console errors and
uncaught exceptions: ``opened.problems()`` must be empty at the end of a test.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", "--no-first-run"]
AXE = Path(__file__).resolve().parents[1] / "node" / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture(scope="session")
def all_kinds():
    """The two-version worksheet with every kind and awkward text (tests/exporters/sample.py)."""
    from exporters.sample import worksheet_all_kinds

    return worksheet_all_kinds()


@pytest.fixture(scope="session")
def sampler():
    """The default recipe's worksheet, from the shipped bank."""
    from quizgen import paths
    from quizgen.assemble import make_worksheet
    from quizgen.bank import load_bank
    from quizgen.recipe import load_recipe

    return make_worksheet(load_bank(paths.bank_dir()), load_recipe(paths.default_recipe()))


@pytest.fixture(scope="session")
def shipped_bank():
    from quizgen import paths
    from quizgen.bank import load_bank

    return load_bank(paths.bank_dir())


def write_pages(worksheet, folder: Path, mode: str) -> dict[str, Path]:
    """Write each version's page in ``mode`` to ``folder``; return {version letter: path}."""
    from quizgen.render.html import page_name, render_page

    folder.mkdir(parents=True, exist_ok=True)
    out = {}
    for version in worksheet.versions:
        path = folder / page_name(worksheet.recipe, version.letter, mode)
        path.write_text(render_page(worksheet, version, mode), encoding="utf-8")
        out[version.letter] = path
    return out


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, headless, through Playwright (no browser download)."""
    if not CHROMIUM.exists():
        pytest.fail("/usr/bin/chromium is missing: run sh scripts/test.sh (it installs Debian's chromium)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is in the [test] extras")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        yield chromium
        chromium.close()


@dataclass
class Opened:
    """A page opened over file:// with every other request refused and recorded."""

    page: object
    context: object
    requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def problems(self) -> list[str]:
        return [f"request: {u}" for u in self.requests] + self.errors


def open_page(browser, path: Path, *, width: int = 1280, height: int = 900, bypass_csp: bool = False,
              init_script: str = "", context=None) -> Opened:
    """Open ``path`` in a fresh context (or ``context``) with the network blocked."""
    ctx = context or browser.new_context(viewport={"width": width, "height": height}, accept_downloads=True,
                                         bypass_csp=bypass_csp)
    opened = Opened(None, ctx)

    def route(r):
        url = r.request.url
        if url.startswith("file:"):
            r.continue_()
        else:
            opened.requests.append(url)
            r.abort()

    if context is None:
        ctx.route("**/*", route)
    page = ctx.new_page()
    page.on("request", lambda r: None if r.url.startswith(("file:", "blob:", "data:")) else opened.requests.append(r.url))
    page.on("console", lambda m: opened.errors.append(f"console {m.type}: {m.text}") if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda e: opened.errors.append(f"uncaught: {e}"))
    if init_script:
        page.add_init_script(init_script)
    page.goto(path.as_uri())
    page.wait_for_load_state("load")
    opened.page = page
    return opened


@pytest.fixture
def axe_source() -> str:
    if not AXE.exists():
        if shutil.which("npm") is None:
            pytest.fail("axe-core is missing and npm is not installed: run sh scripts/test.sh")
        pytest.fail(f"{AXE} is missing: run sh scripts/test.sh (it runs npm install in tests/node)")
    return AXE.read_text(encoding="utf-8")
