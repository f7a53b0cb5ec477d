"""PDF jobs and rendering them in parallel worker processes.

A job is one PDF made of whole HTML documents (versions). Jobs are cut into
chunks of whole documents, chunks are laid out in worker processes
(``quizgen.render.pdf`` does the WeasyPrint work there), and each job's
chunks are merged back in order.

Importing WeasyPrint costs about 0.4 s of CPU, and getting it ready (fonts
scanned, stylesheets parsed) a little more. A ``RenderPool`` does both once,
in this process, and then forks its workers, which start with WeasyPrint
ready: a worker that imported it on its own would repeat the work, once per
worker, on CPUs the workers share. This module itself does not import
WeasyPrint: a build that renders nothing never loads it.
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import os
import sys
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

from quizgen.render.pages import PdfResult


@dataclass(frozen=True)
class PdfJob:
    """One PDF to make: its HTML documents (each numbered from page 1).

    ``stylesheets`` are paths inside templates/ applied to every document
    (parsed once per process). ``title`` is the PDF's title. With ``split``
    the result also holds each document as a PDF of its own (e.g. one file
    per version), cut from the same layout. ``blank`` is the HTML of a page
    put after every document of an odd number of pages but the last, so
    that printed double-sided each document starts a new sheet; the files of
    ``split`` leave it out. With ``forms``, the documents' inputs become
    PDF form fields (the fillable worksheet). ``stamps``, when given, holds
    an HTML page per document ("" for none) printed over the document's
    first page: the documents can then be the same (one version's blank
    answer sheet), laid out once and reused, each copy stamped with its
    student's number.
    """

    name: str
    documents: tuple[str, ...]
    stylesheets: tuple[str, ...] = ()
    title: str = ""
    split: bool = False
    blank: str = ""
    stamps: tuple[str, ...] = ()
    forms: bool = False


@dataclass(frozen=True)
class _Chunk:
    job: int
    first: int
    documents: tuple[str, ...]
    last: bool = True  # holds the job's last document
    stamps: tuple[str, ...] = ()


#: Most documents (versions) laid out in one chunk. The cut depends on the
#: documents alone, never on the number of workers, so a 2-core and an
#: 8-core machine write the same bytes.
CHUNK_DOCUMENTS = 8


def _pieces(count: int) -> int:
    return max(1, -(-count // CHUNK_DOCUMENTS))


def chunk_count(document_counts: Sequence[int]) -> int:
    """Return how many chunks jobs of these document counts are cut into."""
    return sum(_pieces(count) for count in document_counts)


def _chunks(jobs: Sequence[PdfJob]) -> list[_Chunk]:
    """Cut each job into chunks of consecutive documents, as even as can be."""
    out = []
    for j, job in enumerate(jobs):
        count = len(job.documents)
        pieces = _pieces(count)
        first = 0
        for k in range(pieces):
            size = count // pieces + (1 if k < count % pieces else 0)
            out.append(_Chunk(j, first, job.documents[first : first + size], last=k == pieces - 1,
                              stamps=job.stamps[first : first + size]))
            first += size
    return out


def _render_chunk(job: PdfJob, chunk: _Chunk, templates: str | None) -> PdfResult:
    from quizgen.render.pdf import render_documents

    return render_documents(job.name, chunk.documents, job.stylesheets, job.split, job.title,
                            Path(templates) if templates else None, blank=job.blank, blank_after_last=not chunk.last,
                            forms=job.forms, stamps=chunk.stamps)


def _die_with(parent: int) -> None:
    """Ask Linux to end this worker when the build that started it ends, however it ends.

    A build stopped by SIGTERM or SIGKILL runs no clean-up, and its workers
    would go on laying out pages for minutes with no one to read them.
    """
    try:
        import ctypes
        import signal

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, int(signal.SIGTERM))  # 1: PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # not Linux: the pool's own shutdown still ends workers
        return
    if os.getppid() != parent:  # the build ended before the request was made
        os._exit(1)


def _start_worker(parent: int | None = None) -> None:
    import signal

    # Ctrl-C reaches the whole process group; the build answers it and ends
    # its workers. A worker that took it too would print a traceback (while
    # importing WeasyPrint, say) over the one line "interrupted". SIGTERM,
    # which ends a worker, ends it at once, not through the CLI's handler.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if parent is not None:
        _die_with(parent)


def _warm(templates: str | None) -> None:
    # Best effort: if warming fails, the real render fails again with a clear
    # RenderError naming the document.
    try:
        from quizgen.render.pdf import warm

        warm(Path(templates) if templates else None)
    except Exception:  # noqa: BLE001
        pass


@contextlib.contextmanager
def _ctrl_c_held():
    """Block SIGINT in this thread while the block runs (the workers forked in it inherit the block).

    A Ctrl-C that comes meanwhile is delivered when the block ends, as
    KeyboardInterrupt in ordinary code, not lost in a fork handler.
    """
    import signal

    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def _ready() -> None:
    """A first task: submitting it makes the pool start its workers now."""


def merge_pdfs(parts: Sequence[bytes], title: str) -> bytes:
    """Return one PDF of ``parts`` in order, with ``title``; tags, links and destinations kept (render.pages)."""
    from quizgen.render.pages import join

    return join([(data, None) for data in parts], title)


def default_workers() -> int:
    """Return how many worker processes to use: one per CPU, at most 8."""
    return max(1, min(os.cpu_count() or 1, 8))


class RenderPool:
    """Worker processes that render chunks; started early, used by ``render_jobs``.

    ``RenderPool(workers)`` with one worker (or where processes cannot be
    forked) holds no processes: chunks are rendered in this process. Use it
    as a context manager so the workers end with the build, also when the
    build fails before rendering.
    """

    def __init__(self, workers: int | None = None, templates: Path | None = None):
        self.workers = workers or default_workers()
        self.templates = str(templates) if templates else None
        self.executor: ProcessPoolExecutor | None = None

    def __enter__(self) -> RenderPool:
        # fork: a worker starts from this process's memory at once, WeasyPrint
        # imported and warmed here, once for all of them.
        if self.workers > 1 and "fork" in multiprocessing.get_all_start_methods():
            _warm(self.templates)
            gc.freeze()  # the workers' collector leaves what they inherit alone: no page copied just to be scanned
            try:
                with _ctrl_c_held():  # forked workers start with it blocked; a Ctrl-C meanwhile arrives after
                    self.executor = ProcessPoolExecutor(
                        max_workers=self.workers, mp_context=multiprocessing.get_context("fork"),
                        initializer=_start_worker, initargs=(os.getpid(),),
                    )
                    self.executor.submit(_ready)  # with fork, the first task starts every worker
            except BaseException:  # Ctrl-C while they start: no __exit__ will run, so end them here
                self.__exit__(*sys.exc_info())
                raise
            finally:
                gc.unfreeze()  # here, in the parent, collected as before
        return self

    def __exit__(self, exc_type, *exc) -> None:
        if self.executor is None:
            return
        if exc_type is not None:
            # The build failed (often before rendering, on a bank error): stop
            # the workers now rather than let the error wait for them to warm up.
            # ProcessPoolExecutor has no public way to do this before Python 3.14.
            for process in list((self.executor._processes or {}).values()):
                process.terminate()
        self.executor.shutdown(wait=True, cancel_futures=True)
        self.executor = None

    def submit(self, job: PdfJob, chunk: _Chunk) -> Future:
        assert self.executor is not None
        return self.executor.submit(_render_chunk, job, chunk, self.templates)


Progress = Callable[[str, int, int], None]


def render_jobs(jobs: Sequence[PdfJob], progress: Progress | None = None, pool: RenderPool | None = None) -> list[PdfResult]:
    """Render ``jobs`` and return their results in job order.

    Each job is cut into chunks of whole documents (see CHUNK_DOCUMENTS);
    chunks are rendered in ``pool``'s workers, biggest first, or in this
    process without a pool (or with a one-worker pool); each job's chunks
    are merged in order, in the pool's templates folder.
    ``progress(job name, documents done, documents in the job)`` is called
    as chunks finish.
    """
    chunks = _chunks(jobs)
    done = [0] * len(jobs)
    pieces: dict[int, list[tuple[int, PdfResult]]] = {j: [] for j in range(len(jobs))}

    def finished(chunk: _Chunk, result: PdfResult) -> None:
        pieces[chunk.job].append((chunk.first, result))
        done[chunk.job] += len(chunk.documents)
        if progress:
            progress(jobs[chunk.job].name, done[chunk.job], len(jobs[chunk.job].documents))

    if pool is None or pool.executor is None:
        templates = pool.templates if pool else None
        for chunk in chunks:
            finished(chunk, _render_chunk(jobs[chunk.job], chunk, templates))
    else:
        order = sorted(chunks, key=lambda c: -sum(len(d) for d in c.documents))
        futures = {pool.submit(jobs[c.job], c): c for c in order}
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
