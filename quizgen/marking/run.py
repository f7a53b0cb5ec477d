"""``quizgen mark``: read every answers file, check them all, score, then write the results at once.

Results, in DIR (default: ``NAME-results/`` beside the manifest), for a build named ``sampler``::

    sampler-gradebook.csv         one row per student, for the LMS gradebook import (see quizgen.marking.tables)
    sampler-answers.csv           every answer: student × question, response, key, points
    sampler-skills.csv            one row per student: percentage per skill and sub-skill
    sampler-items.csv             item analysis: facility, discrimination, answer counts, flags
    sampler-disagreements.csv     where an LMS report carried marks: every answer it marked otherwise
    sampler-rubric-sheet.csv      open answers to mark (read back by the next run)
    sampler-class-report.html     the class report, one self-contained page
    sampler-class-report.pdf      the same, to print
    sampler-feedback.pdf          one page per student

Nothing is written when any answers file is bad (each problem is listed
with its file, and line and column for a CSV), unless ``skip_bad``: then
the bad files and rows are left out and listed. The results depend only on
the answers given (students in name order, no dates), so marking again with
one more file gives what marking once with all of them gives.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from quizgen.errors import AnswersError, Diagnostic, Location
from quizgen.marking import canvas, marks_sheet, moodle, response_file, rubric_sheet
from quizgen.marking.answers import ReadResult, Submission, problem
from quizgen.marking.build import Build, load_build
from quizgen.marking.table import decode, read_table

#: Files in an answers folder that are never answers (quizgen's own outputs beside them).
_NOT_ANSWERS = ("-manifest.json",)


@dataclass
class MarkReport:
    """What a marking run read and wrote."""

    build: Build
    #: (path, what it is, bytes), in the order written.
    outputs: list[tuple[Path, str, bytes]] = field(default_factory=list)
    #: Problems left out with --skip-bad.
    skipped: list[Diagnostic] = field(default_factory=list)
    #: Things the teacher should know (warnings that did not stop the run).
    notes: list[str] = field(default_factory=list)
    students: int = 0
    to_mark: int = 0
    disagreements: int = 0
    seconds: float = 0.0


def results_folder(manifest: Path, build: Build) -> Path:
    """Return the default results folder: ``NAME-results`` beside the manifest."""
    return Path(manifest).parent / f"{build.name or 'worksheet'}-results"


def mark(manifest: Path, answers: list[Path], output: Path | None = None, *, skip_bad: bool = False,
         version: str | None = None, pdf: bool = True, feedback: bool = True, write: bool = True) -> MarkReport:
    """Mark the answers in ``answers`` (files or folders) against the build of ``manifest``.

    Raises AnswersError, listing every problem, when a file or row is bad
    (nothing is written) unless ``skip_bad``; OutputError when DIR cannot be written.
    """
    from quizgen.marking import results as marking_results

    started = time.perf_counter()
    build = load_build(manifest)
    folder = Path(output) if output is not None else results_folder(manifest, build)
    report = MarkReport(build)
    read = read_all(expand(answers, build), build, version, folder / rubric_sheet.sheet_name(build))
    submissions = unique_students(read)
    problems = read.problems
    if problems and not skip_bad:
        files = len({d.location.path for d in problems})
        raise AnswersError(f"nothing was written: {len(problems)} problem{'s' if len(problems) != 1 else ''} in "
                           f"{files} file{'s' if files != 1 else ''} (--skip-bad marks the rest)", problems)
    report.skipped = problems
    if not submissions:
        raise AnswersError("nothing was written: no answers to mark", problems if skip_bad else ())
    results = marking_results.mark(build, submissions, read.rubric)
    report.notes += [f"{name}: version {v}, question {n}: the answer changed since it was marked on the rubric sheet;"
                     " it is to mark again" for name, v, n in results.stale_marks]
    report.outputs = outputs(results, folder, pdf, feedback)
    report.students = len(results.students)
    report.to_mark = sum(len(s.to_mark) for s in results.students)
    report.disagreements = len(results.disagreements)
    if write:
        from quizgen.outputs import write_files

        write_files({path: data for path, _, data in report.outputs})
    report.seconds = time.perf_counter() - started
    return report


def expand(paths: list[Path], build: Build) -> list[Path]:
    """Return the answers files: each file given, and the files of each folder given.

    A folder's files are taken in name order, leaving out hidden files,
    manifests and the files the build itself wrote (its manifest lists
    them), so the build's output folder can hold the answers too.
    """
    out: list[Path] = []
    for path in paths:
        path = Path(path)
        if path.is_dir():
            out += sorted(p for p in path.iterdir() if p.is_file() and not p.name.startswith(".")
                          and not p.name.endswith(_NOT_ANSWERS) and p.name not in build.files)
        else:
            out.append(path)
    seen, unique = set(), []
    for path in out:
        key = path.resolve() if path.exists() else path
        if key not in seen:
            seen.add(key)
            unique.append(path)
    return unique


def read_all(paths: list[Path], build: Build, version: str | None, rubric_path: Path) -> ReadResult:
    """Read every file with its reader; pair Moodle's reports; read the rubric sheet of earlier runs."""
    total = ReadResult()
    reports: list[tuple[moodle.Report, str]] = []
    given_rubric = False
    for path in paths:
        display = str(path)
        kind, content = classify(path, display)
        if isinstance(kind, Diagnostic):
            total.problems.append(kind)
        elif kind in ("moodle-responses", "moodle-grades"):
            reports.append((content, kind))
        else:
            given_rubric |= kind == "rubric"
            _merge(total, _READERS[kind](path, content, build, display, version))
    _merge(total, read_moodle(reports, build, version))
    if not given_rubric and rubric_path.is_file():
        table = read_table(rubric_path)
        if table.rows and rubric_sheet.looks_like(table):
            _merge(total, rubric_sheet.read(table, build))
    return total


def _merge(total: ReadResult, part: ReadResult) -> None:
    total.submissions += part.submissions
    total.problems += part.problems
    total.rubric.update(part.rubric)


def classify(path: Path, display: str) -> tuple[str | Diagnostic, object]:
    """Return which reader a file needs ("response", "marks", "rubric", "canvas", "moodle-…") and its table."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return problem(display, "no such file"), None
    except OSError as err:
        return problem(display, f"cannot read: {err.strerror or err}"), None
    if response_file.looks_like(data):
        return "response", None
    if b"\x00" in data[:4096]:
        return problem(display, "not an answers file quizgen reads (a binary file)"), None
    table = read_table(path, decode(data), display)
    if not table.rows:
        return problem(display, "an empty file"), None
    if marks_sheet.looks_like(table):
        return "marks", table
    if rubric_sheet.looks_like(table):
        return "rubric", table
    found = canvas.recognise(table)
    if found is not None:
        return "canvas", found
    found = moodle.recognise(table)
    if found is not None:
        return f"moodle-{found.kind}", found
    return problem(display, "not an answers file quizgen reads (a response file, PDF form, marks sheet, rubric sheet,"
                            " Moodle Responses or Grades report, or Canvas Student Analysis report)"), None


_READERS = {
    "response": lambda path, content, build, display, version: response_file.read(path, build, display),
    "marks": lambda path, content, build, display, version: marks_sheet.read(content, build),
    "rubric": lambda path, content, build, display, version: rubric_sheet.read(content, build),
    "canvas": lambda path, content, build, display, version: canvas.read(content, build, version),
}


def read_moodle(reports: list[tuple[moodle.Report, str]], build: Build, version: str | None) -> ReadResult:
    """Read each Moodle Responses report, with the Grades report of the same students where one is given."""
    total = ReadResult()
    responses = [r for r, kind in reports if kind == "moodle-responses"]
    grades = [r for r, kind in reports if kind == "moodle-grades"]
    paired: dict[int, moodle.Report] = {}
    for g in grades:
        attempts = {g.attempt(row) for _, row in g.students()}
        overlap = [(len(attempts & {r.attempt(row) for _, row in r.students()}), i) for i, r in enumerate(responses)]
        best = max(overlap, default=(0, -1))
        if best[0] == 0 or best[1] in paired:
            total.problems.append(problem(g.table.path, "a Moodle Grades report with no Responses report of the same"
                                          " attempts: give the quiz's Responses report too (quizgen marks the responses)"))
            continue
        paired[best[1]] = g
    for index, r in enumerate(responses):
        _merge(total, moodle.read(r, paired.get(index), build, version))
    return total


def unique_students(read: ReadResult) -> list[Submission]:
    """Return the submissions, one per student; a student met twice is a problem (the later one is left out)."""
    first: dict[str, Submission] = {}
    for submission in read.submissions:
        key = submission.student.key
        if key in first:
            other = first[key].origin.prefix()
            read.problems.append(Diagnostic(submission.origin, f"{submission.student.name} answered twice: also in {other}"))
            continue
        first[key] = submission
    return list(first.values())


def outputs(results, folder: Path, pdf: bool, feedback: bool = True) -> list[tuple[Path, str, bytes]]:
    """Return every results file (path, label, bytes), made in memory."""
    from quizgen.marking import report as class_report
    from quizgen.marking import tables

    build = results.build
    name = build.name or "worksheet"
    out = [
        (folder / f"{name}-gradebook.csv", "gradebook", tables.gradebook(results)),
        (folder / f"{name}-answers.csv", "every answer", tables.answers_long(results)),
        (folder / f"{name}-skills.csv", "skills per student", tables.skills_wide(results)),
        (folder / f"{name}-items.csv", "item analysis", tables.item_analysis(results)),
    ]
    if any(s.submission.lms_marks for s in results.students):
        out.append((folder / f"{name}-disagreements.csv", "LMS disagreements", tables.disagreements(results)))
    rows = class_report.rubric_rows(results)
    if rows:
        out.append((folder / rubric_sheet.sheet_name(build), "rubric sheet", rubric_sheet.write(build, rows)))
    out.append((folder / f"{name}-class-report.html", "class report", class_report.class_report_html(results).encode("utf-8")))
    if pdf:
        out.append((folder / f"{name}-class-report.pdf", "class report", class_report.class_report_pdf(results)))
        if feedback:
            out.append((folder / f"{name}-feedback.pdf", "feedback sheets", class_report.feedback_pdf(results)))
    return out


def template(manifest: Path, output: Path | None = None, force: bool = False) -> tuple[Path, bytes]:
    """Return where the marks sheet of ``manifest``'s build goes and its bytes; refuses to replace a filled one."""
    build = load_build(manifest)
    target = Path(output) if output is not None else Path(manifest).parent / marks_sheet.sheet_name(build)
    if target.is_dir():
        target = target / marks_sheet.sheet_name(build)
    if target.exists() and not force:
        raise AnswersError("nothing was written", [Diagnostic(Location(str(target)),
                           "already exists (perhaps filled in): give another -o, or --force to replace it")])
    return target, marks_sheet.template(build)


