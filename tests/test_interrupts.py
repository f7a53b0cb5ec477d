"""Ctrl-C at every moment, and two builds into one folder at once.

Each command runs as a real process in its own process group, and Ctrl-C is
sent the way a terminal sends it: SIGINT to the whole group (render workers
included). tests/pause_probe.py holds the command at a chosen moment (the
bank loading, pages rendering, files staged, files half renamed, the folder
locked) so the signal lands exactly there. Afterwards: exit status 130, the
last line "interrupted", no traceback, nothing half-written, every file that
was there unchanged.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import project
from hostile import snapshot


TESTS = Path(__file__).resolve().parent
PROBE = TESTS / "pause_probe.py"
BANK = str(project("worksheet"))
SMALL = ["--skill", "corroborate=1", "--versions", "1", "--workers", "1"]

# Each test runs quizgen in processes of its own and waits for signals to land: slow.
pytestmark = [pytest.mark.skipif(not hasattr(os, "killpg"), reason="needs POSIX process groups"), pytest.mark.slow]


def _start(args: list[str], cwd: Path, pause: tuple[str, float | str, int] | None = None) -> subprocess.Popen:
    command = [sys.executable, "-m", "quizgen", *args]
    if pause is not None:
        target, seconds, call = pause
        command = [sys.executable, str(PROBE), target, str(seconds), str(call), "--", *args]
    return subprocess.Popen(command, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            start_new_session=True, env={**os.environ, "PYTHONUNBUFFERED": "1"})


def _wait_for(proc: subprocess.Popen, marker: str, timeout: float = 60) -> str:
    """Read the process's stderr until a line holds ``marker``; return what was read."""
    seen = ""
    deadline = time.monotonic() + timeout
    while marker not in seen:
        assert time.monotonic() < deadline, f"never saw {marker!r}; stderr so far:\n{seen}"
        line = proc.stderr.readline().decode("utf-8", "replace")
        assert line or proc.poll() is None, f"ended ({proc.returncode}) before {marker!r}:\n{seen}"
        seen += line
    return seen


def _ctrl_c(proc: subprocess.Popen) -> tuple[int, str]:
    os.killpg(proc.pid, signal.SIGINT)
    try:
        _out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    return proc.returncode, err.decode("utf-8", "replace")


def _no_leftovers(folder: Path) -> list[str]:
    return [p.name for p in folder.rglob("*") if p.name.startswith(".") and
            (p.name.endswith(".part") or p.name.endswith(".previous") or p.name == ".quizgen.lock")]


#: (what is happening, the command, the function held while Ctrl-C arrives: its name, seconds, n-th call).
#: Held for 60 s, the signal ends the hold; held for 3 s, the moment is one where quizgen holds Ctrl-C
#: itself (renames, removals) and acts on it when the hold ends.
MOMENTS = [
    ("the bank is loading", ["build", "--bank", BANK, *SMALL, "-o", "out"], ("quizgen.bank.load_bank", 60, 1)),
    ("WeasyPrint is warming up for the render workers", ["build", "--bank", BANK, "--skill", "corroborate=1",
                                                         "--versions", "2", "--workers", "2", "-o", "out"],
     ("quizgen.render.pdf.warm", 60, 1)),
    ("pages are rendering", ["build", "--bank", BANK, *SMALL, "-o", "out"], ("quizgen.render.jobs.render_jobs", 60, 1)),
    ("an export is being made", ["build", "--bank", BANK, *SMALL, "--format", "gift", "-o", "out"],
     ("quizgen.exporters.gift.GiftExporter.write", 60, 1)),
    ("the files are staged, none renamed yet", ["build", "--bank", BANK, *SMALL, "-o", "out"],
     ("quizgen.outputs._commit", 60, 1)),
    ("the first file is renamed, the others not", ["build", "--bank", BANK, *SMALL, "-o", "out"],
     ("os.replace", 3, 2)),
    ("an export command writes", ["export", "-f", "gift", "--bank", BANK, "-o", "out"],
     ("quizgen.outputs._commit", 60, 1)),
    ("ingest writes the source", ["sources", "ingest", "doc.txt", "--bank", "bank"],
     ("quizgen.outputs._commit", 60, 1)),
    ("bank dump writes", ["bank", "dump", "--bank", BANK, "-o", "out/bank.json"],
     ("quizgen.outputs._commit", 60, 1)),
]


@pytest.mark.parametrize(("moment", "args", "pause"), MOMENTS, ids=[m[0] for m in MOMENTS])
def test_ctrl_c_at_this_moment_ends_cleanly(tmp_path, moment, args, pause):
    out = tmp_path / "out"
    # An earlier build's files (a different seed, per-version sheets) are there, to be kept or replaced whole.
    earlier = subprocess.run([sys.executable, "-m", "quizgen", "build", "--bank", BANK, *SMALL, "--per-version",
                              "--versions", "2", "-q", "-o", str(out)], capture_output=True, text=True)
    assert earlier.returncode == 0, earlier.stderr
    (tmp_path / "doc.txt").write_text("The Final March\nIn 1945 the columns crossed the river at dawn.\n")
    (tmp_path / "bank" / "sources").mkdir(parents=True)
    before = snapshot(tmp_path)
    proc = _start(args, tmp_path, pause)
    _wait_for(proc, "PAUSED")
    status, err = _ctrl_c(proc)
    assert status == 130, err
    assert err.splitlines()[-1] == "interrupted", err
    assert "Traceback" not in err, err
    assert _no_leftovers(tmp_path) == []
    assert snapshot(tmp_path) == before, "a file changed, appeared or vanished"


def test_ctrl_c_while_stale_files_are_removed_finishes_the_set_then_ends(tmp_path):
    """Once the new set is in place, the earlier build's files go too before Ctrl-C ends the command.

    Stopping between the two would leave a class pack of other versions beside
    a manifest that does not list it.
    """
    out = tmp_path / "out"
    earlier = subprocess.run([sys.executable, "-m", "quizgen", "build", "--bank", BANK, *SMALL, "--per-version",
                              "--versions", "2", "-q", "-o", str(out)], capture_output=True, text=True)
    assert earlier.returncode == 0, earlier.stderr
    proc = _start(["build", "--bank", BANK, *SMALL, "--seed", "7", "-o", "out"], tmp_path,
                  ("quizgen.outputset._remove_sorted", 3, 1))
    _wait_for(proc, "PAUSED")
    status, err = _ctrl_c(proc)
    assert (status, err.splitlines()[-1]) == (130, "interrupted"), err
    manifest = _consistent(out)
    assert manifest["build"]["seed"] == 7
    assert sorted(p.name for p in out.iterdir()) == ["sampler-answer-key.pdf", "sampler-manifest.json",
                                                     "sampler-worksheet.pdf"]
    assert _no_leftovers(tmp_path) == []


def test_ctrl_c_while_real_workers_render_ends_them_without_a_traceback(tmp_path):
    """No probe: the signal reaches the build and its render workers, as a terminal's Ctrl-C does."""
    proc = _start(["build", "--bank", BANK, "--skill", "corroborate=2", "--versions", "8", "--workers", "2",
                   "-o", "out"], tmp_path)
    _wait_for(proc, "rendering")
    time.sleep(0.5)
    status, err = _ctrl_c(proc)
    assert (status, err.splitlines()[-1]) == (130, "interrupted"), err
    assert "Traceback" not in err, err
    assert not (tmp_path / "out").exists()


def test_ctrl_c_while_waiting_for_the_lock(tmp_path):
    holder = _start(["build", "--bank", BANK, *SMALL, "-o", "out"], tmp_path, ("quizgen.outputs._commit", 60, 1))
    try:
        _wait_for(holder, "PAUSED")
        waiting = _start(["build", "--bank", BANK, *SMALL, "-o", "out"], tmp_path)
        _wait_for(waiting, "waiting for another quizgen run")
        status, err = _ctrl_c(waiting)
        assert (status, err.splitlines()[-1]) == (130, "interrupted"), err
        assert "Traceback" not in err
    finally:
        _ctrl_c(holder)
    assert _no_leftovers(tmp_path) == []
    assert not (tmp_path / "out" / "sampler-worksheet.pdf").exists()


# --------------------------------------------------------------------------
# Two builds into the same folder at once


def _consistent(folder: Path) -> dict:
    """Return the folder's manifest after checking that every file in the folder is one it lists, unchanged."""
    import hashlib

    manifest = json.loads((folder / "sampler-manifest.json").read_text(encoding="utf-8"))
    listed = {entry["name"]: entry["sha256"] for entry in manifest["files"]}
    present = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir()
               if p.name != "sampler-manifest.json"}
    assert present == listed, (sorted(present), sorted(listed))
    return manifest


def test_a_second_build_waits_for_the_first_and_the_folder_holds_one_build(tmp_path):
    """The first build is held with its files staged; the second waits, then replaces the whole set."""
    go = tmp_path / "go"
    first = _start(["build", "--bank", BANK, "--skill", "corroborate=2", "--versions", "3", "--per-version",
                    "--workers", "1", "--seed", "1", "-o", "out"], tmp_path, ("quizgen.outputs._commit", f"until:{go}", 1))
    _wait_for(first, "PAUSED")
    second = _start(["build", "--bank", BANK, "--skill", "corroborate=2", "--versions", "1", "--workers", "1",
                     "--seed", "2", "-o", "out"], tmp_path)
    waited = _wait_for(second, "waiting for another quizgen run")
    assert f"(process {first.pid}) writing into out" in waited
    go.touch()
    _out, err_first = first.communicate(timeout=120)
    out_second, err_second = second.communicate(timeout=120)
    assert (first.returncode, second.returncode) == (0, 0), (err_first, err_second)
    manifest = _consistent(tmp_path / "out")
    assert manifest["build"]["seed"] == 2 and [v["letter"] for v in manifest["versions"]] == ["A"]
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "sampler-answer-key.pdf", "sampler-manifest.json", "sampler-worksheet.pdf"]
    assert _no_leftovers(tmp_path) == []
    assert "removed out/sampler-class-pack.pdf (left from an earlier build; it would not match this answer key)" \
        in out_second.decode()


def test_two_builds_started_together_leave_one_consistent_set(tmp_path):
    """No probe: whichever writes last, the folder holds its set whole and nothing of the other's."""
    runs = [_start(["build", "--bank", BANK, "--skill", "corroborate=2", "--versions", str(n), "--per-version",
                    "--workers", "1", "--seed", str(n), "-o", "out"], tmp_path) for n in (2, 3)]
    for run in runs:
        _out, err = run.communicate(timeout=180)
        assert run.returncode == 0, err.decode()
    manifest = _consistent(tmp_path / "out")
    letters = [v["letter"] for v in manifest["versions"]]
    assert letters in (["A", "B"], ["A", "B", "C"])
    expected = {f"sampler-worksheet-{letter}.pdf" for letter in letters} | {
        "sampler-class-pack.pdf", "sampler-answer-key.pdf", "sampler-manifest.json"}
    assert {p.name for p in (tmp_path / "out").iterdir()} == expected


def test_sigterm_while_files_are_staged_removes_them_and_the_lock(tmp_path):
    proc = _start(["build", "--bank", BANK, *SMALL, "-o", "out"], tmp_path, ("quizgen.outputs._commit", 60, 1))
    _wait_for(proc, "PAUSED")
    proc.send_signal(signal.SIGTERM)
    _out, err = proc.communicate(timeout=60)
    assert (proc.returncode, err.decode().splitlines()[-1]) == (143, "terminated"), err
    assert "Traceback" not in err.decode()
    assert _no_leftovers(tmp_path) == [] and list((tmp_path / "out").iterdir()) == []


def test_what_a_killed_build_left_is_cleared_by_the_next_one(tmp_path):
    """SIGKILL runs no clean-up: its staged files and lock stay, until the next build into the folder clears them."""
    proc = _start(["build", "--bank", BANK, *SMALL, "-o", "out"], tmp_path, ("quizgen.outputs._commit", 60, 1))
    _wait_for(proc, "PAUSED")
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    assert _no_leftovers(tmp_path) != []  # what SIGKILL leaves
    again = subprocess.run([sys.executable, "-m", "quizgen", "build", "--bank", BANK, *SMALL, "-q", "-o", "out"],
                           cwd=tmp_path, capture_output=True, text=True)
    assert again.returncode == 0, again.stderr
    assert _no_leftovers(tmp_path) == []
    _consistent(tmp_path / "out")
