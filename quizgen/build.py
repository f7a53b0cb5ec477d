"""Run the pipeline: bank + recipe → worksheet → PDFs and exports → files.

``build`` (the `quizgen build` command) and ``export`` (`quizgen export`)
make everything in memory first (bank loaded and checked, worksheet
assembled, every exporter's check run, every PDF rendered, every export
made); files are written only when all of it succeeded, through
``write_outputs``, which writes all files or none.

Files, for a recipe named ``sampler``::

    sampler-worksheet.pdf         one version: the student worksheet
    sampler-class-pack.pdf        several versions: all of them, ready to print
    sampler-worksheet-A.pdf …     one per version, with per_version_files
    (answer_sheet: true)
    sampler-class-pack.pdf        each version's question booklet once, then the answer sheets:
                                  one per student (students: N), else one per version
    sampler-booklet-A.pdf …       one booklet per version, with per_version_files
    sampler-answer-key.pdf        answer grid, then each distinct question once
    sampler-source-texts.pdf      without excerpts: the whole sources the questions cite
    sampler-moodle-xml.xml …      one per export format: NAME-FORMAT.EXT
    sampler-export-report.txt     with exports: what each format adapted or left out, per question
    sampler-practice-A.html …     html-practice: an interactive page per version (checks answers)
    sampler-assessment-A.html …   html-assessment: an interactive page per version (saves a response file)
    sampler-form-A.pdf …          pdf-form: a fillable worksheet per version

    sampler-manifest.json         what was built and written (see manifest.py); teacher-only

Every set is written through ``outputset.write_set``: under a lock on the
folder, refusing to overwrite a file the last manifest does not list
(unless ``force``), and removing afterwards the files an earlier build of
the same name wrote and this one did not (a class pack of other versions,
say), if they are unchanged since: they would not match the new answer key.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from quizgen import model
from quizgen.errors import Diagnostic
from quizgen.recipe import RENDERED_FORMATS  # noqa: F401  (read here by the CLI and the tests too)

log = logging.getLogger(__name__)

Progress = Callable[[str], None]



@dataclass(frozen=True)
class Output:
    """One file the build made: where it goes, what it is, its bytes."""

    path: Path
    label: str
    data: bytes


@dataclass
class BuildReport:
    """What a build wrote and what the exporters had to adapt or leave out."""

    worksheet: model.Worksheet
    outputs: list[Output] = field(default_factory=list)
    notes: list[Diagnostic] = field(default_factory=list)
    #: One line per export format: questions written, adapted, left out, and the file.
    summaries: list[str] = field(default_factory=list)
    #: What each export format adapted or left out, per question (its report file holds them too).
    export_notes: list[Diagnostic] = field(default_factory=list)
    seconds: float = 0.0
    #: Where the set goes and the start of its file names (the manifest is ``STEM-manifest.json``).
    folder: Path = Path("output")
    stem: str = ""
    #: Files of an earlier build under the same name, removed after this one was written.
    removed: list[Path] = field(default_factory=list)
    #: Files of an earlier build left alone, each with why (changed since, say).
    kept: list[tuple[Path, str]] = field(default_factory=list)

    @property
    def written(self) -> list[Path]:
        """Return the paths written, in order."""
        return [o.path for o in self.outputs]


def output_names(recipe: model.Recipe) -> dict[str, str]:
    """Return the file name of each PDF output of ``recipe`` (key → name)."""
    names = {}
    if recipe.versions == 1 and not recipe.answer_sheet:
        names["worksheet"] = f"{recipe.name}-worksheet.pdf"
    else:  # answer-sheet mode: the booklets and the answer sheets, in one pack whatever the versions
        names["class-pack"] = f"{recipe.name}-class-pack.pdf"
    names["answer-key"] = f"{recipe.name}-answer-key.pdf"
    if not recipe.excerpts:
        names["source-texts"] = f"{recipe.name}-source-texts.pdf"
    return names


def build(
    recipe: model.Recipe,
    bank_dir: Path | None = None,
    formats: tuple[str, ...] | None = None,
    *,
    progress: Progress | None = None,
    workers: int | None = None,
    write: bool = True,
    force: bool = False,
) -> BuildReport:
    """Build everything ``recipe`` asks for from the bank in ``bank_dir``; return what was written.

    ``formats`` defaults to the recipe's. With ``write=False`` nothing is
    written; the report still holds every output.
    ``force`` overwrites files in the output folder that quizgen did not
    write (see ``write_outputs``). Raises QuizgenError subclasses (BankError,
    RecipeError, ExportError, RenderError, OutputError); when one is raised,
    no file was written.
    """
    from quizgen.timing import over_time

    started = time.perf_counter()
    say = progress or (lambda message: None)
    formats = tuple(formats or recipe.formats)
    worksheet = _assemble(recipe, bank_dir)
    count = len(worksheet.versions)
    say(f"assembled {count} version{'s' if count != 1 else ''} of {len(worksheet.versions[0].items)} questions")
    out = Path(recipe.output)
    report = BuildReport(worksheet, folder=out, stem=recipe.name)
    report.notes.extend(over_time(worksheet))  # the time the recipe gives, against the estimate
    planned = _plan_exports(worksheet, [f for f in formats if f not in RENDERED_FORMATS], report)
    _render_outputs(recipe, worksheet, formats, workers, report, say)
    _export_outputs(planned, out, recipe.name, report, say)
    if write:
        write_outputs(report, bank_dir, force=force, progress=say)
    report.seconds = time.perf_counter() - started
    return report


def _render_outputs(recipe: model.Recipe, worksheet: model.Worksheet, formats: tuple[str, ...], workers: int | None,
                    report: BuildReport, say: Progress) -> None:
    """Render the PDFs, fillable PDFs and HTML pages ``formats`` asks for into ``report.outputs`` (in memory)."""
    from quizgen.render.jobs import RenderPool

    out = report.folder
    rendered = [f for f in formats if f in RENDERED_FORMATS]
    # The render workers start once the bank is read and checked (a bank error starts none), forked
    # from this process after it has imported WeasyPrint: imported once, not once per worker.
    with RenderPool(render_workers(recipe, workers, forms="pdf-form" in formats) if {"pdf", "pdf-form"} & set(formats)
                    else 1) as pool:
        if "pdf" in formats:
            for output in render_pdfs(worksheet, progress=say, pool=pool):
                report.outputs.append(Output(out / output.path, output.label, output.data))
        if "pdf-form" in formats:
            report.outputs += [Output(out / o.path, o.label, o.data) for o in render_forms(worksheet, progress=say, pool=pool)]
        for mode in ("practice", "assessment"):
            if f"html-{mode}" in rendered:
                report.outputs += [Output(out / o.path, o.label, o.data) for o in render_pages(worksheet, mode)]
                say(f"made the {mode} pages")  # in memory: written (or not) at the end


def write_outputs(report: BuildReport, bank_dir: Path | None = None, *, force: bool = False,
                  progress: Progress | None = None) -> None:
    """Write a report's outputs and its manifest into ``report.folder`` as one set (``outputset.write_set``).

    The manifest (``STEM-manifest.json``, teacher-only) records the build and
    every file written; it is added to ``report.outputs``, and the earlier
    build's files removed or left alone go to ``report.removed`` and
    ``report.kept``. A file in the way that quizgen did not write is refused
    (OutputError, nothing written) unless ``force``.
    """
    from quizgen import manifest, paths
    from quizgen.outputset import write_set

    bank = manifest.bank_digest(Path(bank_dir) if bank_dir else paths.bank_dir())
    record = manifest.make_manifest(report.worksheet, bank=bank)
    path = report.folder / manifest.manifest_name(report.stem)
    done = write_set({o.path: o.data for o in report.outputs}, report.folder, path, record, force=force,
                     say=progress)
    report.outputs.append(Output(path, "manifest: what was built and written, for marking; teacher only", done.manifest))
    report.removed.extend(done.removed)
    report.kept.extend(done.kept)


def _load_bank(bank_dir: Path | None) -> model.Bank:
    from quizgen import paths
    from quizgen.bank import load_bank

    return load_bank(Path(bank_dir) if bank_dir else paths.bank_dir())


def _assemble(recipe: model.Recipe, bank_dir: Path | None) -> model.Worksheet:
    from quizgen.assemble import make_worksheet

    return make_worksheet(_load_bank(bank_dir), recipe)


def render_workers(recipe: model.Recipe, workers: int | None = None, forms: bool = False) -> int:
    """Return how many processes to render ``recipe``'s PDFs with: no more than it has chunks."""
    from quizgen.render.jobs import chunk_count, default_workers

    # The worksheet job has a document per version (in answer-sheet mode, and one per answer sheet);
    # the key is one document (see answer_key_contexts).
    sheets = recipe.versions + (recipe.students or recipe.versions if recipe.answer_sheet else 0)
    counts = [sheets, 1] + ([] if recipe.excerpts else [1])  # the source texts
    counts += [1] * recipe.versions if forms else []  # a fillable PDF per version
    return max(1, min(workers or default_workers(), chunk_count(counts)))


def export(
    formats: list[str],
    recipe_path: Path | None = None,
    bank_dir: Path | None = None,
    *,
    version: str = "all",
    seed: int | None = None,
    output: Path | None = None,
    default_output: str | None = None,
    force: bool = False,
) -> BuildReport:
    """Make LMS exports in memory (nothing is written): of a recipe's worksheet, or of the whole bank.

    ``version`` is a version letter or "all". Without a recipe every question
    of the bank goes into one version (seed 1 unless given), for an LMS's
    question bank. ``default_output`` is the folder when neither ``output``
    nor the recipe names one (a workspace's). Raises RecipeError for a version the worksheet lacks and
    ExportError when there is nothing to export or an exporter's check fails.
    """
    from quizgen.errors import ExportError

    started = time.perf_counter()
    worksheet, stem, folder = _export_worksheet(recipe_path, bank_dir, seed=seed, output=output,
                                                default_output=default_output, force=force)
    if version.lower() != "all":
        worksheet, stem = _one_version(worksheet, stem, version, from_recipe=recipe_path is not None)
    if not any(v.items for v in worksheet.versions):
        raise ExportError("nothing to export: the bank has no questions; nothing was written")
    report = BuildReport(worksheet, folder=folder, stem=stem)
    _export_outputs(_plan_exports(worksheet, formats, report), folder, stem, report)
    report.seconds = time.perf_counter() - started
    return report


def _export_worksheet(recipe_path: Path | None, bank_dir: Path | None, *, seed: int | None, output: Path | None,
                      default_output: str | None, force: bool) -> tuple[model.Worksheet, str, Path]:
    """Return the worksheet to export, the start of its file names and its folder: a recipe's, or the whole bank."""
    if recipe_path is not None:
        from quizgen.recipe import load_recipe

        recipe = load_recipe(recipe_path, {"seed": str(seed) if seed is not None else None,
                                           "output": str(output) if output is not None else None},
                             bank=bank_dir, default_output=default_output, allow_outside=force)
        return _assemble(recipe, bank_dir), recipe.name, Path(recipe.output)
    from quizgen.assemble import whole_bank

    worksheet = whole_bank(_load_bank(bank_dir), seed if seed is not None else 1)
    return worksheet, "bank", Path(output or default_output or "output")


def _one_version(worksheet: model.Worksheet, stem: str, version: str, *, from_recipe: bool) -> tuple[model.Worksheet, str]:
    """Return the worksheet cut down to ``version`` (any case) and the file-name stem naming it; raise if it has none."""
    import dataclasses

    from quizgen.errors import Location, RecipeError

    chosen = [v for v in worksheet.versions if v.letter.upper() == version.upper()]
    if not chosen:
        letters = ", ".join(v.letter for v in worksheet.versions)
        what = f"the recipe makes {letters}" if from_recipe else "without a recipe the whole bank is one version, A"
        raise RecipeError(
            "nothing was written", [Diagnostic(Location("--version"), f"no version '{version}'; {what} (or use all)")]
        )
    return dataclasses.replace(worksheet, versions=tuple(chosen)), f"{stem}-{chosen[0].letter}"


def _plan_exports(worksheet: model.Worksheet, names: list[str], report: BuildReport) -> list:
    """Plan every export before any is written (each question once); stop on errors, keep the notes."""
    if not names:  # a build of PDFs or pages only: no question to plan for any format
        return []
    from quizgen.exporters import get_exporter, plan_all

    exporters = [get_exporter(name) for name in names]
    plans = plan_all(worksheet, exporters)
    for plan in plans.values():
        report.export_notes.extend(plan.notes)
    return [(exporter, plans[exporter.name]) for exporter in exporters]


def _export_outputs(planned: list, folder: Path, stem: str, report: BuildReport, say: Progress | None = None) -> None:
    """Write each planned export to bytes (files NAME-FORMAT.EXT) and the report of what each adapted."""
    from quizgen.exporters.summary import REPORT_SUFFIX, report_text, summary_line

    entries = []
    for exporter, plan in planned:
        path = folder / exporter.file_name(stem)
        report.outputs.append(Output(path, exporter.label or exporter.name, exporter.write(plan)))
        report.summaries.append(summary_line(plan, path))
        entries.append((plan, path))
        if say:
            say(f"made the {exporter.name} export")  # in memory: written (or not) at the end
    if entries:
        text = report_text(report.worksheet.recipe.title, entries)
        report.outputs.append(Output(folder / f"{stem}{REPORT_SUFFIX}", "what each format adapted or left out, question by question",
                                     text.encode("utf-8")))


def _sheet_documents(worksheet: model.Worksheet) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """Return the HTML documents of the students' pack, their stylesheets and the stamps over them.

    A worksheet per version; in answer-sheet mode a booklet per version,
    then the answer sheets, versions dealt in turn: a version's sheet is the
    same HTML for each of its students (laid out once), and each copy gets a
    stamp naming its student. The sheets' stylesheets are added to the
    booklets': a job shares one list.
    """
    from quizgen.render import render_html
    from quizgen.render.context import (
        answer_sheet_context,
        answer_sheet_stamp_context,
        booklet_context,
        student_versions,
        worksheet_context,
    )

    if not worksheet.recipe.answer_sheet:
        contexts = [worksheet_context(worksheet, v, link=False) for v in worksheet.versions]
        return tuple(render_html("worksheet.html.j2", c) for c in contexts), tuple(contexts[0]["doc"]["stylesheets"]), ()
    booklets = [booklet_context(worksheet, v, link=False) for v in worksheet.versions]
    sheets = {v.letter: answer_sheet_context(worksheet, v, link=False) for v in worksheet.versions}
    sheet_html = {letter: render_html("answer_sheet.html.j2", c) for letter, c in sheets.items()}
    dealt = student_versions(worksheet)
    html = [render_html("worksheet.html.j2", c) for c in booklets] + [sheet_html[v.letter] for _, v in dealt]
    stamps = [""] * len(booklets) + [
        render_html("answer_sheet_stamp.html.j2", answer_sheet_stamp_context(worksheet, v, student, link=False))
        if student else "" for student, v in dealt]
    stylesheets = dict.fromkeys(booklets[0]["doc"]["stylesheets"] + next(iter(sheets.values()))["doc"]["stylesheets"])
    return tuple(html), tuple(stylesheets), tuple(stamps)


def render_pdfs(worksheet: model.Worksheet, *, progress: Progress | None = None, pool=None) -> list[Output]:
    """Return the PDF outputs of ``worksheet`` (paths relative to the output folder).

    Renders in the worker processes of ``pool`` (a started ``RenderPool``), else in this process.
    """
    from quizgen.render.jobs import render_jobs

    say = progress or (lambda message: None)
    recipe = worksheet.recipe
    names = output_names(recipe)
    sheets_name = "class-pack" if "class-pack" in names else "worksheet"
    jobs = _pdf_jobs(worksheet, names, sheets_name)
    count = len(worksheet.versions)
    versions = f"{count} version{'s' if count != 1 else ''}"
    say(f"rendering {versions}, the answer key and the source texts" if len(jobs) > 2
        else f"rendering {versions} and the answer key")
    labels = {sheets_name: "booklets and answer sheets" if recipe.answer_sheet else "worksheets", "answer-key": "answer key",
              "source-texts": "source texts"}

    def step(name: str, done: int, total: int) -> None:
        say(f"  {labels[name]}: {done} of {total} rendered" if total > 1 else f"  {labels[name]}: rendered")

    results = {r.name: r for r in render_jobs(jobs, progress=step, pool=pool)}
    return _pdf_outputs(worksheet, names, sheets_name, results)


def _pdf_jobs(worksheet: model.Worksheet, names: dict[str, str], sheets_name: str) -> list:
    """Return the render jobs of the PDFs: the students' sheets, the answer key, and the source texts if printed apart."""
    from quizgen.render import render_html
    from quizgen.render.context import (
        answer_key_contexts,
        blank_page_context,
        cited_sources,
        source_texts_context,
    )
    from quizgen.render.jobs import PdfJob

    recipe = worksheet.recipe
    key_contexts = answer_key_contexts(worksheet, link=False)
    documents, stylesheets, stamps = _sheet_documents(worksheet)
    jobs = [
        PdfJob(
            sheets_name,
            documents,
            stylesheets,
            title=f"{recipe.title} — {'class pack' if len(documents) > 1 else 'worksheet'}",
            split=recipe.per_version_files and len(documents) > 1,
            blank=render_html("blank_page.html.j2", blank_page_context(recipe, link=False))
            if recipe.double_sided and len(documents) > 1 else "",
            stamps=stamps,
        ),
        PdfJob(
            "answer-key",
            tuple(render_html("answer_key.html.j2", c) for c in key_contexts),
            tuple(key_contexts[0]["doc"]["stylesheets"]),
            title=key_contexts[0]["doc"]["title"],
        ),
    ]
    if "source-texts" in names and cited_sources(worksheet):
        texts = source_texts_context(worksheet, link=False)
        jobs.append(PdfJob("source-texts", (render_html("source_texts.html.j2", texts),), tuple(texts["doc"]["stylesheets"]),
                           title=texts["doc"]["title"]))
    return jobs


def _pdf_outputs(worksheet: model.Worksheet, names: dict[str, str], sheets_name: str, results: dict) -> list[Output]:
    """Return the rendered PDFs as outputs: the sheets whole, each version's part, the key, the source texts."""
    recipe = worksheet.recipe
    sheets = results[sheets_name]
    outputs = [Output(Path(names[sheets_name]), sheets_name.replace("-", " "), sheets.pdf)]
    each = "booklet" if recipe.answer_sheet else "worksheet"
    for version, data in zip(worksheet.versions, sheets.parts):  # in answer-sheet mode, the booklets come first
        outputs.append(Output(Path(f"{recipe.name}-{each}-{version.letter}.pdf"), f"{each}, version {version.letter}", data))
    outputs.append(Output(Path(names["answer-key"]), "answer key", results["answer-key"].pdf))
    if "source-texts" in results:
        outputs.append(Output(Path(names["source-texts"]), "source texts", results["source-texts"].pdf))
    return outputs


def render_forms(worksheet: model.Worksheet, *, progress: Progress | None = None, pool=None) -> list[Output]:
    """Return the fillable PDF of every version (``pdf-form``), paths relative to the output folder.

    One job per version, so each file is laid out and written whole: cutting
    a merged PDF apart would leave its form fields behind.
    """
    from quizgen.render import render_html
    from quizgen.render.form import form_context, form_name
    from quizgen.render.jobs import PdfJob, render_jobs

    say = progress or (lambda message: None)
    recipe = worksheet.recipe
    jobs = []
    for version in worksheet.versions:
        ctx = form_context(worksheet, version)
        jobs.append(PdfJob(form_name(recipe, version.letter), (render_html("worksheet.html.j2", ctx),),
                           tuple(ctx["doc"]["stylesheets"]), title=f"{ctx['doc']['title']} — form", forms=True))
    say(f"rendering {len(jobs)} fillable PDF{'s' if len(jobs) != 1 else ''}")
    results = render_jobs(jobs, pool=pool)
    return [Output(Path(r.name), f"fillable PDF, version {v.letter}", r.pdf) for r, v in zip(results, worksheet.versions)]


def render_pages(worksheet: model.Worksheet, mode: str) -> list[Output]:
    """Return the interactive page of every version in ``mode`` (practice or assessment)."""
    from quizgen.render.html import page_paths

    return [Output(path, label, html.encode("utf-8")) for path, label, html in page_paths(worksheet, mode)]
