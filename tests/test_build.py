"""`quizgen build`: files written, progress, errors, exporters, nothing half-written."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
from pathlib import Path
from unittest import mock

import pytest
from conftest import continued_label_problems, page_break_problems, project, write_recipe

from quizgen import model
from quizgen.build import build, output_names
from quizgen.cli import main
from quizgen.exporters.base import Exporter
from quizgen.exporters.plan import Profile, adapted
from quizgen.recipe import load_recipe

BANK = ["--bank", str(project("worksheet"))]
SMALL = ["--skill", "corroborate=2", "--skill", "B1=1", "--workers", "1"]


def test_build_writes_the_worksheet_and_key(runner, tmp_path):
    result = runner.invoke(main, ["build", *BANK, *SMALL, "--versions", "1", "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "sampler-answer-key.pdf", "sampler-manifest.json", "sampler-worksheet.pdf"]
    assert f"wrote {tmp_path / 'sampler-worksheet.pdf'} (worksheet, " in result.stdout
    assert f"wrote {tmp_path / 'sampler-answer-key.pdf'} (answer key, " in result.stdout
    assert f"wrote {tmp_path / 'sampler-manifest.json'} (manifest: " in result.stdout
    for path in tmp_path.glob("*.pdf"):
        assert path.read_bytes().startswith(b"%PDF")


@pytest.mark.slow
def test_multi_version_build_shows_progress_and_lists_files(runner, tmp_path):
    result = runner.invoke(main, ["build", *BANK, *SMALL, "--versions", "3", "--per-version", "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "assembled 3 versions of 3 questions" in result.stderr
    assert "worksheets: 3 of 3 rendered" in result.stderr
    assert "answer key: rendered" in result.stderr  # one document, whatever the number of versions
    written = [line.split()[1] for line in result.stdout.splitlines()]
    assert [Path(w).name for w in written] == [
        "sampler-class-pack.pdf", "sampler-worksheet-A.pdf", "sampler-worksheet-B.pdf", "sampler-worksheet-C.pdf",
        "sampler-answer-key.pdf", "sampler-manifest.json",
    ]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(Path(w).name for w in written)


@pytest.mark.slow
def test_a_new_build_removes_the_pdfs_an_earlier_build_of_the_name_left(runner, tmp_path):
    """A class pack of other versions would not match the new key; other files stay."""
    first = runner.invoke(main, ["build", *BANK, *SMALL, "--versions", "2", "--per-version", "-o", str(tmp_path)])
    assert first.exit_code == 0, first.output
    mine = ["notes.pdf", "other-class-pack.pdf", "sampler-class-pack.txt", "sampler-worksheet-Z.pdf"]
    for name in mine:
        (tmp_path / name).write_bytes(b"a teacher's file")
    second = runner.invoke(main, ["build", *BANK, *SMALL, "--versions", "1", "--seed", "7", "-o", str(tmp_path)])
    assert second.exit_code == 0, second.output
    gone = ["sampler-class-pack.pdf", "sampler-worksheet-A.pdf", "sampler-worksheet-B.pdf"]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        mine + ["sampler-answer-key.pdf", "sampler-worksheet.pdf", "sampler-manifest.json"])
    for name in gone:
        assert f"removed {tmp_path / name} (left from an earlier build; it would not match this answer key)" in second.stdout
    # Exports alone of the same versions leave the PDFs be: they are the same papers.
    third = runner.invoke(main, ["build", *BANK, *SMALL, "--versions", "1", "--seed", "7", "--format", "gift",
                                 "-o", str(tmp_path)])
    assert third.exit_code == 0, third.output
    assert (tmp_path / "sampler-worksheet.pdf").exists() and "removed" not in third.stdout
    # Of other versions, they would not match the manifest marking reads: they go.
    fourth = runner.invoke(main, ["build", *BANK, *SMALL, "--versions", "1", "--format", "gift", "-o", str(tmp_path)])
    assert fourth.exit_code == 0, fourth.output
    assert not (tmp_path / "sampler-worksheet.pdf").exists() and f"removed {tmp_path / 'sampler-worksheet.pdf'}" in fourth.stdout
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(mine + ["sampler-gift.txt", "sampler-export-report.txt", "sampler-manifest.json"])


def test_quiet_prints_only_the_files(runner, tmp_path):
    result = runner.invoke(main, ["build", *BANK, *SMALL, "--versions", "2", "--no-per-version", "-q", "-o", str(tmp_path)])
    assert result.exit_code == 0 and result.stderr == ""
    assert len(result.stdout.splitlines()) == 3  # class pack, key, manifest


def test_a_recipe_the_bank_cannot_fill_fails_before_rendering(runner, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write_recipe(tmp_path, "questions:\n  - skill: date-checking\n    count: 6\n    difficulty: 1-2\n    sources: [memoir]\n")
    with mock.patch("quizgen.render.jobs.render_jobs") as render:
        result = runner.invoke(main, ["build", "recipe.yaml", *BANK])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "recipe.yaml:2: field 'questions[0]': asked for 6 date-checking questions of difficulty ≤ 2 from source memoir; "
        "the bank has 3",
        "the bank cannot fill 1 recipe line; nothing was written",
    ]
    render.assert_not_called()
    assert not (tmp_path / "output").exists()


def test_bad_option_names_the_option(runner, tmp_path):
    result = runner.invoke(main, ["build", *BANK, "--versions", "0", "-o", str(tmp_path)])
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == "--versions: 0 is out of range (1 to 100)"
    negative = runner.invoke(main, ["build", *BANK, "--versions", "-3", "-o", str(tmp_path)])
    assert negative.exit_code == 1 and negative.stderr.splitlines()[0] == "--versions: -3 is out of range (1 to 100)"


def test_a_misspelt_sources_option_is_reported_once_against_the_option(runner, tmp_path):
    """Not once per line of the default recipe, blamed on a file the teacher never wrote."""
    from quizgen.bank import load_bank

    known = list(load_bank(project("worksheet")).sources)
    typo = known[0][:-2] + known[0][-1] + known[0][-2]  # two letters swapped
    result = runner.invoke(main, ["build", *BANK, "--sources", typo, "-o", str(tmp_path)])
    assert result.exit_code == 1 and list(tmp_path.iterdir()) == []
    lines = result.stderr.splitlines()
    assert [line for line in lines if "unknown source '" in line] == [
        f"--sources: unknown source '{typo}' (did you mean '{known[0]}'?); the bank has: {', '.join(known)}"
    ]
    assert "default.yaml" not in result.stderr
    assert lines[-1] == "1 unknown source; nothing was written"  # not "the bank cannot fill": it could


def test_unwritable_output_leaves_nothing_behind(runner, tmp_path):
    blocker = tmp_path / "out"
    blocker.write_text("a file where the folder should be")
    result = runner.invoke(main, ["build", *BANK, *SMALL, "--versions", "1", "-o", str(blocker / "pdfs")])
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-1] == "nothing was written"
    assert result.stderr.splitlines()[-2] == f"{blocker / 'pdfs'}: cannot write: {blocker} is a file, not a folder"
    assert blocker.read_text() == "a file where the folder should be"


def test_a_full_disk_leaves_no_half_written_file(tmp_path, monkeypatch):
    """The file whose write fails is removed too, not only those written before it."""
    import errno

    from quizgen import outputs
    from quizgen.errors import OutputError

    class FullDisk(io.BufferedWriter):
        def write(self, data):
            super().write(data[: len(data) // 2])
            self.flush()
            raise OSError(errno.ENOSPC, "No space left on device")

    real_fdopen = os.fdopen
    calls = []

    def fdopen(fd, mode):
        calls.append(fd)
        return FullDisk(real_fdopen(fd, "wb", buffering=0)) if len(calls) == 2 else real_fdopen(fd, mode)

    (tmp_path / "old.pdf").write_bytes(b"earlier build")
    monkeypatch.setattr(outputs.os, "fdopen", fdopen)
    with pytest.raises(OutputError) as caught:
        outputs.write_files({tmp_path / "a.pdf": b"x" * 1000, tmp_path / "b.pdf": b"y" * 1000})
    assert "No space left on device" in str(caught.value.diagnostics[0])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["old.pdf"]


def test_write_false_writes_nothing(tmp_path):
    recipe = load_recipe(None, {"questions": ["corroborate=1"], "versions": "1", "output": str(tmp_path / "o")})
    report = build(recipe, project("worksheet"), workers=1, write=False)
    assert [o.path.name for o in report.outputs] == ["sampler-worksheet.pdf", "sampler-answer-key.pdf"]
    assert not (tmp_path / "o").exists()


class FakeExporter(Exporter):
    """A format that carries every question as text, and says so for each."""

    name = "fake"
    suffix = ".txt"
    label = "fake format"

    def adapt(self, carried):
        return carried.amend(adapted("carried as text"))

    def write(self, plan):
        return "\n".join(c.question.id for _, carried in plan.written() for c in carried).encode()


def test_export_formats_call_the_exporter_and_report_adaptations(runner, tmp_path):
    with mock.patch("quizgen.exporters.get_exporter", return_value=FakeExporter()) as get:
        result = runner.invoke(main, ["build", *BANK, *SMALL, "--versions", "1", "--format", "gift", "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    get.assert_called_once_with("gift")
    assert (tmp_path / "sampler-fake.txt").read_text().count("\n") == 2
    assert not (tmp_path / "sampler-worksheet.pdf").exists()
    (summary,) = [line for line in result.stderr.splitlines() if line.startswith("fake: ")]
    assert summary == f"fake: 3 questions, 3 adapted, 0 left out \u2192 {tmp_path / 'sampler-fake.txt'}"
    report = (tmp_path / "sampler-export-report.txt").read_text()
    assert report.count(": adapted: carried as text") == 3
    # -q prints only what was written: not the adaptations either.
    with mock.patch("quizgen.exporters.get_exporter", return_value=FakeExporter()):
        quiet = runner.invoke(main, ["build", *BANK, *SMALL, "--versions", "1", "--format", "gift", "-q", "-o", str(tmp_path)])
    assert quiet.exit_code == 0 and quiet.stderr == ""
    assert [line.split(" (")[0] for line in quiet.stdout.splitlines()] == [
        f"wrote {tmp_path / 'sampler-fake.txt'}", f"wrote {tmp_path / 'sampler-export-report.txt'}",
        f"wrote {tmp_path / 'sampler-manifest.json'}"]


def test_exporter_errors_stop_the_build_before_writing(runner, tmp_path):
    fake = FakeExporter()
    fake.profile = Profile(leaves_out={k: "fake takes nothing" for k in model.QUESTION_KINDS}, empty="cannot carry this")
    with mock.patch("quizgen.exporters.get_exporter", return_value=fake):
        result = runner.invoke(main, ["build", *BANK, *SMALL, "--format", "pdf,gift", "-o", str(tmp_path)])
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-2:] == ["fake: version A: cannot carry this", "cannot export (1 problem above); nothing was written"]
    assert list(tmp_path.iterdir()) == []


def test_cli_wiring(runner, tmp_path):
    path = write_recipe(tmp_path, "questions:\n  - skill: B1\n    count: 1\n")
    report = mock.Mock(notes=[], summaries=[], outputs=[], removed=[], kept=[], seconds=0.0)
    with mock.patch("quizgen.build.build", autospec=True, return_value=report) as fake:
        result = runner.invoke(main, ["build", str(path), "--versions", "4", "--seed", "9", "--paper", "a4",
                                      "--large-print", "--no-excerpts", "--single-sided", "--workers", "3", *BANK])
    assert result.exit_code == 0, result.output
    recipe, bank_dir = fake.call_args.args
    assert (recipe.versions, recipe.seed, recipe.paper, recipe.large_print, recipe.excerpts) == (4, 9, "a4", True, False)
    assert recipe.double_sided is False and load_recipe(path).double_sided is True
    assert recipe.questions == (model.Selection("B1", 1, line=2),)
    assert bank_dir == project("worksheet") and fake.call_args.kwargs["workers"] == 3


def test_output_names():
    one = model.Recipe("T", "", (), name="unit")
    assert output_names(one) == {"worksheet": "unit-worksheet.pdf", "answer-key": "unit-answer-key.pdf"}
    many = model.Recipe("T", "", (), name="unit", versions=3)
    assert output_names(many) == {"class-pack": "unit-class-pack.pdf", "answer-key": "unit-answer-key.pdf"}


def test_help_imports_no_rendering_libraries():
    # --help answers fast because WeasyPrint and Jinja2 are imported only inside the
    # commands that render; benchmarks/ measures the time, this checks the cause.
    out = subprocess.run([sys.executable, "-X", "importtime", "-m", "quizgen", "--help"], capture_output=True, text=True)
    assert out.returncode == 0 and "Usage" in out.stdout
    assert "weasyprint" not in out.stderr and "jinja2" not in out.stderr


@pytest.mark.slow
def test_plain_quizgen_build_makes_the_sampler_from_the_shipped_bank(tmp_path):
    """`quizgen build` with no recipe: the 12-question sampler; questions break only between their parts."""
    from quizgen import paths
    from quizgen.bank import load_bank
    from quizgen.errors import QuizgenError

    try:
        bank = load_bank(paths.bank_dir())
    except QuizgenError as err:
        pytest.skip(f"shipped bank not loadable yet: {err.message}")
    if not bank.questions:
        pytest.skip("shipped bank has no questions yet")
    report = build(load_recipe(None, {"output": str(tmp_path)}), None, write=False)
    assert all(len(v.items) == 12 for v in report.worksheet.versions)
    for output in report.outputs:
        if output.label.startswith("answer key"):  # entries, not questions: see test_answer_key.py
            continue
        assert page_break_problems(output.data, key=False) == [], output.path.name
        assert continued_label_problems(output.data) == [], output.path.name
    # Question 1 starts on page 1 of every version, under the header (the shortest question goes first).
    import io

    from pypdf import PdfReader

    for version in report.worksheet.versions:
        data = next(o.data for o in report.outputs if o.path.name == f"sampler-worksheet-{version.letter}.pdf")
        reader = PdfReader(io.BytesIO(data))
        assert reader.get_destination_page_number(reader.named_destinations[f"v{version.letter}-q1"]) == 0, version.letter


@pytest.mark.slow
def test_large_print_breaks_tall_questions_outside_the_response_and_says_so(tmp_path):
    """In large print some of the sampler's questions run on to the next page (long excerpts).

    Such a question breaks between its parts (in large print also between
    its stem and its excerpt), never inside the choices, boxes or lines
    students answer on; the page it continues on is headed "Question N,
    continued", and no other page is.
    """
    import io

    from pypdf import PdfReader

    from quizgen import paths
    from quizgen.bank import load_bank
    from quizgen.errors import QuizgenError

    try:
        load_bank(paths.bank_dir())
    except QuizgenError as err:
        pytest.skip(f"shipped bank not loadable yet: {err.message}")
    recipe = load_recipe(None, {"output": str(tmp_path), "paper": "a4", "large_print": True})
    report = build(recipe, None, write=False, workers=2)
    outputs = {o.path.name: o.data for o in report.outputs}
    pack = outputs["sampler-class-pack.pdf"]
    reader = PdfReader(io.BytesIO(pack))
    dests = reader.named_destinations
    tall = [d for d in dests if d.endswith("-response")
            and reader.get_destination_page_number(dests[d.removesuffix("-response")])
            != reader.get_destination_page_number(dests[d])]
    assert tall, "no question of the large-print sampler continues overleaf any more: this test needs a taller one"
    for name, data in outputs.items():
        assert continued_label_problems(data) == [], name
        if not name.endswith("answer-key.pdf"):  # entries, not questions: see test_answer_key.py
            assert page_break_problems(data, key=False, large_print=True) == [], name
    # A part's heading is never left at the foot of a page: it is on the page where its
    # first question begins.
    from conftest import pdf_pages_text, squash

    for version in report.worksheet.versions:
        pages = pdf_pages_text(outputs[f"sampler-worksheet-{version.letter}.pdf"])
        firsts = [item for n, item in enumerate(version.items)
                  if n == 0 or version.items[n - 1].question.skill != item.question.skill]
        for number, item in enumerate(firsts, start=1):
            (page,) = [t for t in pages if f"PART {number}" in t]
            assert squash(item.question.stem)[:40] in page, (version.letter, number)


def test_a_bank_error_starts_no_render_worker(tmp_path, monkeypatch):
    """The bank is read and checked before the render workers start: a bank error costs no process."""
    from quizgen.errors import BankError
    from quizgen.render import jobs

    bank = tmp_path / "bank"
    shutil.copytree(project("worksheet"), bank)
    (bank / "questions" / "broken.yaml").write_text("questions: [\n", encoding="utf-8")
    started = []
    monkeypatch.setattr(jobs.RenderPool, "__enter__", lambda self: started.append(self) or self)
    recipe = load_recipe(None, {"versions": "2", "output": str(tmp_path / "out")})
    with pytest.raises(BankError):
        build(recipe, bank, workers=2)
    assert started == []
    assert not (tmp_path / "out").exists()


def test_a_failed_build_stops_the_render_workers_at_once(tmp_path, monkeypatch):
    """A build that fails while its workers are busy (still starting, here) terminates them instead of waiting."""
    import signal

    from quizgen import build as build_module
    from quizgen.errors import RenderError
    from quizgen.render import jobs

    monkeypatch.setattr(jobs, "_start_worker", lambda *args: __import__("time").sleep(60))  # a worker still starting

    def failing(*args, **kwargs):
        raise RenderError("cannot render worksheet")

    monkeypatch.setattr(build_module, "render_pdfs", failing)
    seen = []
    original = jobs.RenderPool.__exit__

    def exit_and_watch(self, *exc):
        seen.extend(self.executor._processes.values())
        return original(self, *exc)

    monkeypatch.setattr(jobs.RenderPool, "__exit__", exit_and_watch)
    recipe = load_recipe(None, {"versions": "2", "questions": ["corroborate=2"], "output": str(tmp_path / "out")})
    with pytest.raises(RenderError):
        build(recipe, project("worksheet"), workers=2)
    assert len(seen) == 2
    assert [p.exitcode for p in seen] == [-signal.SIGTERM] * 2
    assert not (tmp_path / "out").exists()


def test_a_worker_that_cannot_warm_up_still_renders(tmp_path, monkeypatch):
    """Warming up is best effort: a failure there must not break the pool or hide a real error."""
    from quizgen.render import pdf

    def broken(templates=None):
        raise RuntimeError("no fonts today")

    monkeypatch.setattr(pdf, "warm", broken)
    recipe = load_recipe(None, {"versions": "2", "questions": ["corroborate=2"], "output": str(tmp_path)})
    report = build(recipe, project("worksheet"), workers=2, write=False)
    assert [o.path.name for o in report.outputs][:1] == ["sampler-class-pack.pdf"]
    assert all(o.data.startswith(b"%PDF") for o in report.outputs)


@pytest.mark.parametrize("versions", [1, 3, 9, 30])
def test_render_workers_match_the_documents_the_build_renders(versions):
    """No more workers than chunks, counted from the documents the key and worksheets really have."""
    from quizgen.assemble import make_worksheet
    from quizgen.bank import load_bank
    from quizgen.build import render_workers
    from quizgen.render.context import answer_key_contexts
    from quizgen.render.jobs import chunk_count

    recipe = load_recipe(None, {"versions": str(versions), "questions": ["corroborate=2"]})
    sheet = make_worksheet(load_bank(project("worksheet")), recipe)
    chunks = chunk_count([len(sheet.versions), len(answer_key_contexts(sheet))])
    assert render_workers(recipe, 64) == chunks
    assert render_workers(recipe, 1) == 1


def _children(pid: int) -> list[int]:
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:  # the field after the state: the parent's pid
            out.append(int(stat.parent.name))
    return out


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc")
@pytest.mark.slow
def test_render_workers_end_when_the_build_is_killed(tmp_path):
    """A build stopped with SIGTERM ran no clean-up: its two workers went on for eleven minutes."""
    import signal
    import time

    build_proc = subprocess.Popen([sys.executable, "-m", "quizgen", "build", *BANK, "--versions", "6", "--workers", "2",
                                   "-q", "-o", str(tmp_path / "out")], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    workers: list[int] = []
    try:
        deadline = time.monotonic() + 20
        while len(workers := _children(build_proc.pid)) < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert len(workers) >= 2, "the build did not start its workers"
        build_proc.send_signal(signal.SIGTERM)
        build_proc.wait(timeout=10)
        deadline = time.monotonic() + 10
        while any(Path(f"/proc/{w}").exists() for w in workers) and time.monotonic() < deadline:
            time.sleep(0.1)
        alive = [w for w in workers if Path(f"/proc/{w}").exists()
                 and Path(f"/proc/{w}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"]
        assert alive == []
    finally:  # leave nothing running, whatever failed (orphaned workers belong to init by now)
        build_proc.kill()
        for w in workers:
            try:
                os.kill(w, 9)
            except ProcessLookupError:
                pass


def test_progress_never_says_wrote_before_anything_is_written(runner, tmp_path, monkeypatch):
    """Pages and exports are made in memory; an unwritable folder then writes nothing, and no line claimed otherwise."""
    import errno

    from quizgen import outputs

    def denied(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(outputs.tempfile, "mkstemp", denied)
    result = runner.invoke(main, ["build", *BANK, *SMALL, "--versions", "1", "--format",
                                  "html-practice,html-assessment,gift", "-o", str(tmp_path / "out")])
    assert result.exit_code == 1, result.output
    lines = result.stderr.splitlines()
    assert lines[-2].endswith("cannot write: Permission denied") and lines[-1] == "nothing was written"
    assert "made the practice pages" in lines and "made the assessment pages" in lines and "made the gift export" in lines
    claims = [line for line in lines if line.split()[0] in ("wrote", "exported", "written", "saved")]
    assert claims == [] and result.stdout == ""
    assert not list((tmp_path / "out").glob("*.html"))
