"""The one writer (quizgen/outputs.py), sets of files (outputset.py) and the manifest's record, one behaviour at a time.

The hostile-input corpus (test_hostile_inputs.py) drives the same code
through the commands; these tests pin what the commands cannot show: a
rename that fails half-way, modes and owners, the lock's wait and message,
a link to /proc/self/fd/1 as /dev/stdout is wired, and the record's shape.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import project

from quizgen import manifest, outputs, outputset
from quizgen.errors import OutputError

BANK = str(project("worksheet"))


def test_a_rename_that_fails_half_way_puts_back_what_was_replaced(tmp_path, monkeypatch):
    (tmp_path / "a.pdf").write_bytes(b"the earlier a")
    (tmp_path / "b.pdf").write_bytes(b"the earlier b")
    real_replace = os.replace
    calls = []

    def failing(src, dst):
        calls.append(dst)
        if len(calls) == 2:
            raise OSError(errno.EIO, "Input/output error")
        real_replace(src, dst)

    monkeypatch.setattr(outputs.os, "replace", failing)
    with pytest.raises(OutputError) as caught:
        outputs.write_files({tmp_path / "a.pdf": b"new a", tmp_path / "b.pdf": b"new b", tmp_path / "c.pdf": b"c"})
    assert caught.value.lines() == [f"{tmp_path / 'b.pdf'}: cannot write: Input/output error", "nothing was written"]
    assert (tmp_path / "a.pdf").read_bytes() == b"the earlier a"  # put back, though its rename had succeeded
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.pdf", "b.pdf"]


def test_an_existing_file_keeps_its_mode_and_a_new_one_is_0644(tmp_path):
    private = tmp_path / "key.pdf"
    private.write_bytes(b"old")
    private.chmod(0o600)
    outputs.write_files({private: b"new", tmp_path / "new.pdf": b"new"})
    assert private.read_bytes() == b"new"
    assert (private.stat().st_mode & 0o777, (tmp_path / "new.pdf").stat().st_mode & 0o777) == (0o600, 0o644)


@pytest.mark.skipif(os.geteuid() != 0, reason="only root can give a file to another user")
def test_root_overwriting_a_teachers_file_leaves_it_the_teachers(tmp_path):
    theirs = tmp_path / "key.pdf"
    theirs.write_bytes(b"old")
    os.chown(theirs, 1000, 1000)
    outputs.write_files({theirs: b"new"})
    assert (theirs.stat().st_uid, theirs.stat().st_gid) == (1000, 1000)


def test_a_link_is_written_through_and_stays_a_link(tmp_path):
    (tmp_path / "shared").mkdir()
    target = tmp_path / "shared" / "key.pdf"
    target.write_bytes(b"old")
    link = tmp_path / "key.pdf"
    link.symlink_to(target)
    outputs.write_files({link: b"new"})
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert target.read_bytes() == b"new"
    assert sorted(p.name for p in (tmp_path / "shared").iterdir()) == ["key.pdf"]


def test_a_file_inside_a_folder_link_that_loops_names_the_link(tmp_path):
    (tmp_path / "one").symlink_to("two")
    (tmp_path / "two").symlink_to("one")
    with pytest.raises(OutputError) as caught:
        outputs.write_files({tmp_path / "one" / "sub" / "key.pdf": b"key"})
    assert caught.value.lines() == [
        f"{tmp_path / 'one' / 'sub' / 'key.pdf'}: cannot write: {tmp_path / 'one'} is a symbolic link that loops "
        "(following it leads back to it), not a folder; remove it or point it at a folder",
        "nothing was written",
    ]


def _dump_to_stdout_link(tmp_path: Path, stdout) -> subprocess.CompletedProcess:
    """`quizgen bank dump -o LINK`, LINK → /proc/self/fd/1: what /dev/stdout is, in a folder of the test's own.

    The system's /dev/stdout is left alone: a regression that renamed over a
    link's target would replace it for the whole machine (as root).
    """
    link = tmp_path / "stdout"
    if not link.is_symlink():
        link.symlink_to("/proc/self/fd/1")
    return subprocess.run([sys.executable, "-m", "quizgen", "bank", "dump", "--bank", BANK, "-o", str(link)],
                          stdout=stdout, stderr=subprocess.PIPE)


@pytest.mark.skipif(not Path("/proc/self/fd/1").exists(), reason="needs Linux /proc")
def test_dump_to_stdout_into_a_pipe_writes_the_json_and_leaves_the_link(tmp_path):
    result = _dump_to_stdout_link(tmp_path, subprocess.PIPE)
    assert result.returncode == 0, result.stderr
    text = result.stdout.decode()
    assert json.loads(text[: text.rindex("}") + 1])["questions"]
    assert text.rstrip().endswith(f"wrote {tmp_path / 'stdout'}")
    assert os.readlink(tmp_path / "stdout") == "/proc/self/fd/1"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["stdout"]


@pytest.mark.skipif(not Path("/proc/self/fd/1").exists(), reason="needs Linux /proc")
def test_dump_to_stdout_appending_to_a_file_keeps_what_the_file_held(tmp_path):
    """`quizgen bank dump -o /dev/stdout >> log`: the log keeps its lines; the JSON comes after them."""
    log = tmp_path / "log"
    log.write_text("an earlier line\n")
    with open(log, "a") as handle:
        result = _dump_to_stdout_link(tmp_path, handle)
    assert result.returncode == 0, result.stderr
    text = log.read_text()
    assert text.startswith("an earlier line\n{")
    assert json.loads(text[len("an earlier line\n"): text.rindex("}") + 1])["sources"]
    assert os.readlink(tmp_path / "stdout") == "/proc/self/fd/1"


def test_a_second_run_waits_for_the_lock_then_gives_up_naming_the_other_run(tmp_path):
    said = []
    with outputset.folder_lock(tmp_path):
        assert (tmp_path / outputset.LOCK_NAME).read_text() == f"{os.getpid()}\n"
        with pytest.raises(OutputError) as caught:
            with outputset.folder_lock(tmp_path, wait=0.3, say=said.append):
                pass
    assert said == [f"waiting for another quizgen run (process {os.getpid()}) writing into {tmp_path}"]
    assert caught.value.lines() == [
        f"{tmp_path}: another quizgen run (process {os.getpid()}) is writing into this folder; try again when it "
        "has finished", "nothing was written"]
    assert not (tmp_path / outputset.LOCK_NAME).exists()


def test_the_lock_file_is_removed_when_the_block_fails(tmp_path):
    with pytest.raises(RuntimeError):
        with outputset.folder_lock(tmp_path):
            raise RuntimeError("a render error, say")
    assert list(tmp_path.iterdir()) == []


def _set(tmp_path: Path, files: dict[str, bytes], versions: list, force: bool = False) -> outputset.SetWritten:
    record = {"schema": manifest.SCHEMA_VERSION, "build": {"id": "qg-test"}, "versions": versions}
    return outputset.write_set({tmp_path / name: data for name, data in files.items()}, tmp_path,
                             tmp_path / "x-manifest.json", record, force=force)


def test_the_record_lists_every_file_written_with_size_and_sha256_but_not_itself(tmp_path):
    """Generic: any file name under the folder, a subfolder's included (the screen formats write some)."""
    files = {"x-answer-key.pdf": b"%PDF key", "screen/x-A.html": b"<html>A</html>", "x-gift.txt": b""}
    done = _set(tmp_path, files, ["A"])
    written = json.loads((tmp_path / "x-manifest.json").read_text())
    assert written["files"] == sorted(({"name": n, "size": len(d), "sha256": hashlib.sha256(d).hexdigest()}
                                       for n, d in files.items()), key=lambda e: e["name"])
    assert json.loads(done.manifest) == written
    assert done.written[-1] == tmp_path / "x-manifest.json"


def test_files_of_the_same_versions_are_carried_into_the_record_and_of_others_removed(tmp_path):
    _set(tmp_path, {"x-class-pack.pdf": b"pack", "screen/x-A.html": b"A"}, ["A"])
    same = _set(tmp_path, {"x-gift.txt": b"gift"}, ["A"])  # an export of the same papers
    assert same.removed == [] and {e["name"] for e in json.loads(same.manifest)["files"]} == {
        "x-class-pack.pdf", "screen/x-A.html", "x-gift.txt"}
    other = _set(tmp_path, {"x-gift.txt": b"gift 2"}, ["B"])  # other versions: the papers would not match
    assert sorted(other.removed) == [tmp_path / "screen" / "x-A.html", tmp_path / "x-class-pack.pdf"]
    assert [e["name"] for e in json.loads(other.manifest)["files"]] == ["x-gift.txt"]


@pytest.mark.parametrize("entry", [
    {"name": "../x.pdf", "size": 1, "sha256": "0" * 64},
    {"name": "/etc/passwd", "size": 1, "sha256": "0" * 64},
    {"name": "a/../../x", "size": 1, "sha256": "0" * 64},
    {"name": "x\\..\\y", "size": 1, "sha256": "0" * 64},
    {"name": "", "size": 1, "sha256": "0" * 64},
    {"name": "x.pdf", "size": -1, "sha256": "0" * 64},
    {"name": "x.pdf", "size": True, "sha256": "0" * 64},
    {"name": "x.pdf", "size": 1, "sha256": "short"},
    {"name": ["x.pdf"], "size": 1, "sha256": "0" * 64},
    "x.pdf",
])
def test_a_record_entry_that_is_malformed_or_leaves_the_folder_is_ignored(entry):
    assert manifest.recorded_files({"schema": 1, "files": [entry]}) == {}


def test_the_same_export_writes_the_same_manifest_bytes(tmp_path):
    for folder in ("one", "two"):
        result = subprocess.run([sys.executable, "-m", "quizgen", "export", "-f", "gift", "--bank", BANK, "-o", folder],
                                cwd=tmp_path, capture_output=True)
        assert result.returncode == 0, result.stderr
    assert (tmp_path / "one" / "bank-manifest.json").read_bytes() == (tmp_path / "two" / "bank-manifest.json").read_bytes()


def test_docs_manifest_describes_every_key_a_manifest_has(tmp_path):
    """docs/manifest.md's tables name each top-level key, each build key and each file entry's key."""
    import re

    result = subprocess.run([sys.executable, "-m", "quizgen", "export", "-f", "gift", "--bank", BANK, "-o", "out"],
                            cwd=tmp_path, capture_output=True)
    assert result.returncode == 0, result.stderr
    written = json.loads((tmp_path / "out" / "bank-manifest.json").read_text())
    doc = (Path(__file__).resolve().parents[1] / "docs" / "manifest.md").read_text(encoding="utf-8")
    table_keys = set(re.findall(r"^\| `(\w+)` \|", doc, re.M))
    assert set(written) <= table_keys
    assert set(written["files"][0]) <= table_keys
    build_row = next(line for line in doc.splitlines() if line.startswith("| `build` |"))
    assert all(f"`{key}`" in build_row for key in written["build"])


def test_the_bank_digest_is_of_the_banks_files_not_of_outputs_kept_inside_it(tmp_path):
    import shutil

    bank = tmp_path / "workspace"
    shutil.copytree(BANK, bank)
    first = manifest.bank_digest(bank)
    (bank / "output").mkdir()
    (bank / "output" / "sampler-class-pack.pdf").write_bytes(b"%PDF a build's output")
    (bank / "notes.txt").write_text("a teacher's notes")
    assert manifest.bank_digest(bank) == first
    (bank / "questions" / "corroborate.yaml").write_text("questions: []\n")
    assert manifest.bank_digest(bank) != first
