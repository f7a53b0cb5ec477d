"""HTML → PDF bytes with WeasyPrint; the only module that imports weasyprint.

Rendering is sealed off: the URL fetcher serves files inside ``templates/``
(the stylesheets) and refuses everything else, so a worksheet can neither
reach the network nor read a file elsewhere on the machine, whatever a bank
string says. Output is reproducible: no dates in the metadata, and the PDF
identifier is a hash of the HTML, so the same HTML gives the same bytes.

A PDF is made of one or more HTML documents. Each document is laid out on
its own, so page numbers ("Page n of N") restart with each version of a
class pack, and the pages are then written as one file. ``render_jobs``
runs several PDFs in parallel worker processes.
"""

from __future__ import annotations

import hashlib
import logging
import os
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

import weasyprint
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from quizgen import paths
from quizgen.errors import Diagnostic, Location, RenderError

log = logging.getLogger(__name__)


class RefusedResource(ValueError):
    """A document asked for something outside templates/."""


class TemplatesOnlyFetcher(URLFetcher):
    """Serve ``file:`` URLs inside the templates folder; refuse every other URL.

    WeasyPrint calls this for stylesheets, images and fonts. Refusing means
    raising: WeasyPrint then logs a warning and leaves the resource out, so
    a hostile ``<img src="http://…">`` in bank text (which the templates
    escape anyway) could never be fetched.
    """

    def __init__(self, root: Path):
        super().__init__(allowed_protocols=("file",), allow_redirects=False)
        self.root = root.resolve()
        self.refused: list[str] = []

    def fetch(self, url, headers=None):
        from urllib.parse import unquote, urlsplit

        parts = urlsplit(url)
        if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
            self.refused.append(url)
            raise RefusedResource(f"refused {url}: rendering reads only files inside templates/")
        path = Path(unquote(parts.path)).resolve()
        if not path.is_relative_to(self.root) or not path.is_file():
            self.refused.append(url)
            raise RefusedResource(f"refused {url}: rendering reads only files inside templates/")
        mime = "text/css" if path.suffix == ".css" else "application/octet-stream"
        return URLFetcherResponse(path.as_uri(), path.read_bytes(), {"Content-Type": mime})


@dataclass(frozen=True)
class PdfJob:
    """One PDF to make: its HTML documents (each numbered from page 1) and its name.

    With ``split`` the result also holds each document as a PDF of its own
    (e.g. one file per version), written from the same layout.
    """

    name: str
    documents: tuple[str, ...]
    split: bool = False


@dataclass(frozen=True)
class PdfResult:
    """The bytes of a job's PDF, of each document when split, and how long it took."""

    name: str
    pdf: bytes
    parts: tuple[bytes, ...]
    seconds: float
    pages: int


def html_to_pdf(documents: Sequence[str], templates: Path | None = None) -> bytes:
    """Return one PDF of ``documents`` (HTML strings), each laid out with its own page numbers."""
    return render_job(PdfJob("pdf", tuple(documents)), templates).pdf


def render_job(job: PdfJob, templates: Path | None = None, progress: Callable[[str], None] | None = None) -> PdfResult:
    """Lay out every document of ``job`` and write the PDF (and the split parts)."""
    started = time.perf_counter()
    root = (templates or paths.templates_dir()).resolve()
    fetcher = TemplatesOnlyFetcher(root)
    fonts = FontConfiguration()
    base_url = root.as_uri() + "/"
    laid_out = []
    try:
        for index, html in enumerate(job.documents):
            document = weasyprint.HTML(string=html, base_url=base_url, url_fetcher=fetcher).render(font_config=fonts)
            laid_out.append(document)
            if progress:
                progress(f"{job.name}: laid out {index + 1} of {len(job.documents)}")
        if fetcher.refused:
            log.warning("rendering refused %d resource(s) outside templates/: %s", len(fetcher.refused), fetcher.refused[0])
        whole = laid_out[0].copy([page for document in laid_out for page in document.pages])
        pdf = _write(whole, job.documents)
        parts = tuple(_write(d, (html,)) for d, html in zip(laid_out, job.documents)) if job.split else ()
    except RenderError:
        raise
    except Exception as err:  # WeasyPrint's own errors have no common base class
        raise RenderError(f"cannot render {job.name}", [Diagnostic(Location(job.name), f"{type(err).__name__}: {err}")]) from err
    return PdfResult(job.name, pdf, parts, time.perf_counter() - started, len(whole.pages))


def _write(document, html: Sequence[str]) -> bytes:
    # A content hash for the file identifier: same HTML, same id, same bytes.
    digest = hashlib.sha256("\x00".join(html).encode("utf-8")).hexdigest()[:32]
    return document.write_pdf(pdf_identifier=digest.encode("ascii"))


# --------------------------------------------------------------------------
# Parallel rendering


def _worker_job(job: PdfJob, templates: str | None) -> PdfResult:
    return render_job(job, Path(templates) if templates else None)


def default_workers() -> int:
    """Return how many worker processes to use: one per CPU, at most 8."""
    return max(1, min(os.cpu_count() or 1, 8))


def render_jobs(
    jobs: Sequence[PdfJob],
    workers: int | None = None,
    progress: Callable[[PdfResult], None] | None = None,
    templates: Path | None = None,
) -> list[PdfResult]:
    """Render ``jobs`` (in parallel processes when there are several) and return results in job order."""
    workers = min(workers or default_workers(), len(jobs))
    if workers <= 1:
        results = []
        for job in jobs:
            result = render_job(job, templates)
            if progress:
                progress(result)
            results.append(result)
        return results
    # Biggest jobs first, so the last one to start is a short one.
    order = sorted(range(len(jobs)), key=lambda i: -sum(len(d) for d in jobs[i].documents))
    results: dict[int, PdfResult] = {}
    import multiprocessing

    # fork: workers start with weasyprint already imported and fonts already scanned.
    context = multiprocessing.get_context("fork") if "fork" in multiprocessing.get_all_start_methods() else None
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        futures = {pool.submit(_worker_job, jobs[i], str(templates) if templates else None): i for i in order}
        for future in as_completed(futures):
            result = future.result()
            results[futures[future]] = result
            if progress:
                progress(result)
    return [results[i] for i in range(len(jobs))]
