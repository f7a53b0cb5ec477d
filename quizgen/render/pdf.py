"""HTML → PDF bytes with WeasyPrint; the only module that imports weasyprint.

Rendering is sealed off: the URL fetcher serves files inside ``templates/``
(the stylesheets) and refuses everything else, so a worksheet can neither
reach the network nor read a file elsewhere on the machine, whatever a bank
string says. Output is reproducible: no dates in the metadata, and the PDF
identifier is a hash of the HTML, so the same HTML gives the same bytes.

A PDF is made of one or more HTML documents. Each document is laid out on
its own, so page numbers ("Page n of N") restart with each version of a
class pack, and the pages are then written as one file. ``render_jobs``
renders documents in parallel worker processes and merges the parts.
"""

from __future__ import annotations

import copy
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
    """One PDF to make: its HTML documents (each numbered from page 1).

    ``stylesheets`` are paths inside templates/ applied to every document
    (parsed once per process). ``title`` is the PDF title of a file merged
    from parts rendered in several processes. With ``split`` the result also
    holds each document as a PDF of its own (e.g. one file per version),
    written from the same layout.
    """

    name: str
    documents: tuple[str, ...]
    stylesheets: tuple[str, ...] = ()
    title: str = ""
    split: bool = False


@dataclass(frozen=True)
class PdfResult:
    """The bytes of a job's PDF, of each document when split, and what it took."""

    name: str
    pdf: bytes
    parts: tuple[bytes, ...]
    seconds: float
    pages: int


class _Renderer:
    """Per-process state: the fetcher, font configuration and parsed stylesheets."""

    def __init__(self, templates: Path):
        self.root = templates.resolve()
        self.fetcher = TemplatesOnlyFetcher(self.root)
        self.fonts = FontConfiguration()
        self.base_url = self.root.as_uri() + "/"
        self.sheets: dict[str, weasyprint.CSS] = {}

    def stylesheets(self, names: Sequence[str]) -> list:
        out = []
        for name in names:
            if name not in self.sheets:
                path = (self.root / name).resolve()
                if not path.is_relative_to(self.root):
                    raise RenderError("cannot render", [Diagnostic(Location(name), "stylesheet is outside templates/")])
                self.sheets[name] = weasyprint.CSS(
                    string=path.read_text(encoding="utf-8"), base_url=path.as_uri(),
                    url_fetcher=self.fetcher, font_config=self.fonts,
                )
            out.append(self.sheets[name])
        return out

    def render(self, name: str, documents: Sequence[str], stylesheets: Sequence[str], split: bool, title: str = "") -> PdfResult:
        started = time.perf_counter()
        refused_before = len(self.fetcher.refused)
        try:
            sheets = self.stylesheets(stylesheets)
            laid_out = [
                weasyprint.HTML(string=html, base_url=self.base_url, url_fetcher=self.fetcher).render(
                    stylesheets=sheets, font_config=self.fonts
                )
                for html in documents
            ]
            refused = self.fetcher.refused[refused_before:]
            if refused:
                log.warning("rendering refused %d resource(s) outside templates/, e.g. %s", len(refused), refused[0])
            whole = laid_out[0].copy([page for document in laid_out for page in document.pages])
            if title:  # else the file would carry its first document's title
                whole.metadata = copy.copy(whole.metadata)  # copy() shares it with laid_out[0]
                whole.metadata.title = title
            pdf = _write(whole, documents)
            parts = _split(pdf, laid_out, documents) if split else ()
        except RenderError:
            raise
        except Exception as err:  # WeasyPrint's errors share no base class
            raise RenderError(f"cannot render {name}", [Diagnostic(Location(name), f"{type(err).__name__}: {err}")]) from err
        return PdfResult(name, pdf, parts, time.perf_counter() - started, len(whole.pages))


#: One renderer per templates folder and process: a cache, like lru_cache, so
#: a worker parses the stylesheets and scans the fonts once for all its chunks.
_renderers: dict[Path, _Renderer] = {}


def _renderer(templates: Path | None) -> _Renderer:
    root = (templates or paths.templates_dir()).resolve()
    if root not in _renderers:
        _renderers[root] = _Renderer(root)
    return _renderers[root]


def _write(document, html: Sequence[str]) -> bytes:
    # A content hash for the file identifier: same HTML, same id, same bytes.
    digest = hashlib.sha256("\x00".join(html).encode("utf-8")).hexdigest()[:32]
    return document.write_pdf(pdf_identifier=digest.encode("ascii"))


def _split(pdf: bytes, laid_out: Sequence, documents: Sequence[str]) -> tuple[bytes, ...]:
    """Cut ``pdf`` into one file per laid-out document, by page ranges.

    Cutting the written file is several times cheaper than painting and
    writing every document a second time; each part keeps its pages' links
    and named destinations, and gets its document's title and its own
    content-hash identifier.
    """
    import io

    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import ArrayObject, ByteStringObject

    reader = PdfReader(io.BytesIO(pdf))
    parts, first = [], 0
    for document, html in zip(laid_out, documents):
        last = first + len(document.pages)
        writer = PdfWriter()
        writer.append(reader, pages=(first, last))
        if document.metadata.title:
            writer.add_metadata({"/Title": document.metadata.title})
        digest = hashlib.sha256(html.encode("utf-8")).digest()[:16]
        writer._ID = ArrayObject([ByteStringObject(digest), ByteStringObject(digest)])  # pypdf has no public setter
        out = io.BytesIO()
        writer.write(out)
        parts.append(out.getvalue())
        first = last
    return tuple(parts)


def html_to_pdf(documents: Sequence[str], stylesheets: Sequence[str] = (), templates: Path | None = None) -> bytes:
    """Return one PDF of ``documents`` (HTML strings), each laid out with its own page numbers."""
    return render_job(PdfJob("pdf", tuple(documents), tuple(stylesheets)), templates).pdf


def render_job(job: PdfJob, templates: Path | None = None) -> PdfResult:
    """Lay out every document of ``job`` in this process and write its PDF (and split parts)."""
    return _renderer(templates).render(job.name, job.documents, job.stylesheets, job.split, job.title)


# --------------------------------------------------------------------------
# Parallel rendering: jobs are cut into chunks of whole documents, chunks
# are rendered in worker processes, and each job's chunks are merged back.


@dataclass(frozen=True)
class _Chunk:
    job: int
    first: int
    documents: tuple[str, ...]


#: Most documents (versions) laid out in one chunk. The cut depends on the
#: documents alone, never on the number of workers, so a 2-core and an
#: 8-core machine write the same bytes.
CHUNK_DOCUMENTS = 8


def _chunks(jobs: Sequence[PdfJob]) -> list[_Chunk]:
    """Cut each job into chunks of consecutive documents, as even as can be."""
    out = []
    for j, job in enumerate(jobs):
        count = len(job.documents)
        pieces = max(1, -(-count // CHUNK_DOCUMENTS))
        first = 0
        for k in range(pieces):
            size = count // pieces + (1 if k < count % pieces else 0)
            out.append(_Chunk(j, first, job.documents[first : first + size]))
            first += size
    return out


def _render_chunk(job: PdfJob, chunk: _Chunk, templates: str | None) -> PdfResult:
    return _renderer(Path(templates) if templates else None).render(job.name, chunk.documents, job.stylesheets, job.split, job.title)


def merge_pdfs(parts: Sequence[bytes], title: str) -> bytes:
    """Return one PDF of ``parts`` in order, with ``title`` and a content-derived identifier."""
    import io

    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import ArrayObject, ByteStringObject

    writer = PdfWriter()
    for data in parts:
        writer.append(PdfReader(io.BytesIO(data)))
    writer.add_metadata({"/Title": title})
    digest = hashlib.sha256(b"".join(hashlib.sha256(p).digest() for p in parts)).digest()[:16]
    writer._ID = ArrayObject([ByteStringObject(digest), ByteStringObject(digest)])  # pypdf has no public setter
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def default_workers() -> int:
    """Return how many worker processes to use: one per CPU, at most 8."""
    return max(1, min(os.cpu_count() or 1, 8))


Progress = Callable[[str, int, int], None]


def render_jobs(
    jobs: Sequence[PdfJob],
    workers: int | None = None,
    progress: Progress | None = None,
    templates: Path | None = None,
) -> list[PdfResult]:
    """Render ``jobs`` and return their results in job order.

    Each job is cut into chunks of whole documents (see CHUNK_DOCUMENTS);
    with more than one worker the chunks are rendered in parallel processes,
    biggest first, and each job's chunks are merged in order. ``progress(job name,
    documents done, documents in the job)`` is called as chunks finish.
    """
    workers = workers or default_workers()
    chunks = _chunks(jobs)
    done = [0] * len(jobs)
    pieces: dict[int, list[tuple[int, PdfResult]]] = {j: [] for j in range(len(jobs))}

    def finished(chunk: _Chunk, result: PdfResult) -> None:
        pieces[chunk.job].append((chunk.first, result))
        done[chunk.job] += len(chunk.documents)
        if progress:
            progress(jobs[chunk.job].name, done[chunk.job], len(jobs[chunk.job].documents))

    if workers == 1 or len(chunks) == 1:
        for chunk in chunks:
            finished(chunk, _render_chunk(jobs[chunk.job], chunk, str(templates) if templates else None))
    else:
        import multiprocessing

        # fork: workers start with weasyprint imported and the fonts already scanned.
        methods = multiprocessing.get_all_start_methods()
        context = multiprocessing.get_context("fork") if "fork" in methods else None
        order = sorted(chunks, key=lambda c: -sum(len(d) for d in c.documents))
        with ProcessPoolExecutor(max_workers=min(workers, len(chunks)), mp_context=context) as pool:
            futures = {pool.submit(_render_chunk, jobs[c.job], c, str(templates) if templates else None): c for c in order}
            for future in as_completed(futures):
                finished(futures[future], future.result())
    results = []
    for j, job in enumerate(jobs):
        ordered = [r for _, r in sorted(pieces[j], key=lambda item: item[0])]
        pdf = ordered[0].pdf if len(ordered) == 1 else merge_pdfs([r.pdf for r in ordered], job.title)
        results.append(PdfResult(
            job.name, pdf, tuple(p for r in ordered for p in r.parts),
            sum(r.seconds for r in ordered), sum(r.pages for r in ordered),
        ))
    return results
