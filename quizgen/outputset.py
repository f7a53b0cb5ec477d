"""A set of files written into one folder: the folder's lock, the record of what was written, the clean-up.

A build (or an export) writes its files and its manifest as one set, through
``write_set``: under a lock on the output folder, so two builds never mix
their files; refusing to overwrite a file the last manifest does not list
(or lists, but that changed since) unless ``force``; and, once the new set is
in place, removing the files the earlier build wrote and this one did not,
if they are unchanged since. Every byte goes through ``outputs.write_files``.
"""

from __future__ import annotations

import fcntl
import glob
import os
import stat
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from quizgen.errors import Diagnostic, Location, OutputError
from quizgen.outputs import _reason, _refuse, write_files

#: The lock file in an output folder while a build writes into it.
LOCK_NAME = ".quizgen.lock"
#: How long a build waits for another one writing into the same folder, in seconds.
LOCK_WAIT = 120.0


@contextmanager
def folder_lock(folder: Path, *, wait: float | None = None, say: Callable[[str], None] | None = None) -> Iterator[None]:
    """Hold the lock of ``folder`` (made if need be) while the block runs; remove the lock file after.

    A second run waits for the first (saying so once) for up to ``wait``
    seconds, then raises OutputError naming the folder and the other run.
    The lock is an advisory ``flock``: the system releases it when its
    holder ends, however it ends, so a lock file left by a killed run
    never blocks the next one.
    """
    wait = LOCK_WAIT if wait is None else wait
    path = Path(folder) / LOCK_NAME
    deadline = time.monotonic() + wait
    fd = _acquire(path, deadline, say or (lambda message: None))
    try:
        yield
    finally:
        try:
            os.unlink(path)
        finally:
            os.close(fd)


def _acquire(path: Path, deadline: float, say: Callable[[str], None]) -> int:
    told = False
    while True:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o644)
        except OSError as err:
            raise _refuse(path.parent, _reason(path, err)) from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _holder(fd)
            os.close(fd)
            if time.monotonic() >= deadline:
                raise OutputError("nothing was written", [Diagnostic(Location(str(path.parent)), (
                    f"another quizgen run{holder} is writing into this folder; try again when it has finished"))])
            if not told:
                say(f"waiting for another quizgen run{holder} writing into {path.parent}")
                told = True
            time.sleep(0.1)
            continue
        try:
            same = os.fstat(fd).st_ino == os.stat(path).st_ino
        except FileNotFoundError:
            same = False
        if same:  # not a lock file its last holder removed while we waited for it
            os.ftruncate(fd, 0)
            os.write(fd, f"{os.getpid()}\n".encode())
            return fd
        os.close(fd)


def _holder(fd: int) -> str:
    try:
        pid = os.pread(fd, 32, 0).decode("ascii").strip()
    except (OSError, UnicodeDecodeError):
        return ""
    return f" (process {pid})" if pid.isdigit() else ""


@dataclass
class SetWritten:
    """What ``write_set`` did: files written, earlier files removed, and earlier files left alone (and why)."""

    written: list[Path] = field(default_factory=list)
    removed: list[Path] = field(default_factory=list)
    kept: list[tuple[Path, str]] = field(default_factory=list)
    #: Entries of the earlier record still true of the folder, carried into the new one.
    carried: list[dict] = field(default_factory=list)
    #: The bytes of the manifest written.
    manifest: bytes = b""


def file_digest(path: Path, size: int) -> str | None:
    """Return the SHA-256 of the regular file ``path`` if it holds ``size`` bytes, else None (without reading it)."""
    import hashlib

    try:
        st = os.stat(path)
        if not stat.S_ISREG(st.st_mode) or st.st_size != size:
            return None
        digest = hashlib.sha256()
        with open(path, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    except OSError:
        return None
    return digest.hexdigest()


def unchanged(path: Path, entry: Mapping) -> bool:
    """Whether ``path`` still holds what the record ``entry`` (size, sha256) says was written."""
    return file_digest(path, entry["size"]) == entry["sha256"]


def foreign_files(files: Mapping[Path, bytes], record: Mapping[str, Mapping], folder: Path) -> list[tuple[Path, str]]:
    """Return the targets that hold a file the record does not account for, each with why.

    A target that does not exist, is a FIFO or a device (writing to it
    destroys nothing), or is listed in ``record`` (name → entry) and
    unchanged since, is quizgen's to overwrite; any other is the teacher's.
    """
    found = []
    for path in files:
        try:
            st = os.stat(path)
        except OSError:
            continue  # missing, or a dangling link: nothing is lost; the writer says if it cannot write
        if not stat.S_ISREG(st.st_mode):
            continue
        entry = record.get(_relative(path, folder))
        if entry is None:
            found.append((path, "it is not a file quizgen wrote (the manifest does not list it)"))
        elif not unchanged(path, entry):
            found.append((path, "it changed since quizgen wrote it"))
    return found


def _relative(path: Path, folder: Path) -> str:
    try:
        return Path(path).relative_to(folder).as_posix()
    except ValueError:
        return str(path)


def sort_stale(folder: Path, record: Mapping[str, Mapping], written: set[str], keep_unchanged: bool) -> SetWritten:
    """Sort the files of ``record`` this run does not write: to remove, to carry into the new record, or to keep.

    Unchanged ones are to be removed, or with ``keep_unchanged`` carried into
    the new record; a changed one, a link or anything but a regular file is
    left alone and listed as kept, with why. Changes nothing.
    """
    done = SetWritten()
    for name, entry in sorted(record.items()):
        path = Path(folder) / name
        if name in written:
            continue
        try:
            st = os.lstat(path)
        except OSError:
            continue  # already gone
        if not stat.S_ISREG(st.st_mode):
            done.kept.append((path, "it is not a regular file any more"))
        elif not unchanged(path, entry):
            done.kept.append((path, "it changed since quizgen wrote it"))
        elif keep_unchanged:
            done.carried.append(dict(entry))
        else:
            done.removed.append(path)
    return done


def _remove_sorted(done: SetWritten, record: Mapping[str, Mapping], folder: Path) -> None:
    """Remove the files ``sort_stale`` found stale, checking each once more; keep what cannot go."""
    removed = []
    for path in done.removed:
        entry = record[_relative(path, folder)]
        try:
            if not stat.S_ISREG(os.lstat(path).st_mode) or not unchanged(path, entry):
                done.kept.append((path, "it changed since quizgen wrote it"))
                continue
            path.unlink()
            removed.append(path)
        except FileNotFoundError:
            continue
        except OSError as err:
            done.kept.append((path, f"it could not be removed: {err.strerror or err}"))
    done.removed = removed


def write_set(files: Mapping[Path, bytes], folder: Path, manifest_path: Path, manifest: dict, *,
              force: bool = False, say: Callable[[str], None] | None = None) -> SetWritten:
    """Write the files of one build (or export) and its manifest into ``folder``, as one set.

    Under the folder's lock: the earlier manifest at ``manifest_path`` is
    read; a target that holds a file it does not list (or lists, but that
    changed since) is refused unless ``force``; the new manifest lists every
    file written, plus the earlier files it keeps when they belong to the
    same versions (see ``manifest.same_papers``); everything is written
    through ``write_files`` (all or nothing); then the earlier build's files
    this one did not write are removed if unchanged since. Returns what was
    written, removed and kept.
    """
    from quizgen import manifest as manifests

    folder = Path(folder)
    with folder_lock(folder, say=say):
        _remove_leftovers([*files, manifest_path])
        old, problem = manifests.read_manifest(manifest_path)
        record = manifests.recorded_files(old)
        _refuse_foreign(files, record, folder, manifest_path if problem else None, problem, force)
        done = sort_stale(folder, record, {_relative(p, folder) for p in files}, manifests.same_papers(old, manifest))
        entries = [manifests.file_entry(_relative(p, folder), data) for p, data in files.items()]
        done.manifest = manifests.dump({**manifest, "files": sorted(entries + done.carried, key=lambda e: e["name"])})
        # The stale files go in the same held moment as the renames, so Ctrl-C never leaves
        # the new set beside files of the old one that its manifest does not list.
        write_files({**files, manifest_path: done.manifest}, after_commit=lambda: _remove_sorted(done, record, folder))
        done.written = [Path(p) for p in files] + [manifest_path]
    return done


def _remove_leftovers(paths: list[Path]) -> None:
    """Remove what a killed run left beside these targets: its temporary files and second names.

    Only names this writer makes (``.NAME.*.part``, ``.NAME.*.previous``) and
    only under the folder's lock, when no other run can be using them.
    """
    for path in paths:
        path = Path(path)
        try:
            leftovers = list(path.parent.glob(f".{glob.escape(path.name)}.*.part")) + list(
                path.parent.glob(f".{glob.escape(path.name)}.*.previous"))
        except OSError:
            continue
        for leftover in leftovers:
            try:
                if stat.S_ISREG(os.lstat(leftover).st_mode):
                    leftover.unlink()
            except OSError:
                pass


def _refuse_foreign(files: Mapping[Path, bytes], record: Mapping[str, Mapping], folder: Path,
                    unreadable: Path | None, problem: str, force: bool) -> None:
    blocked = foreign_files(files, record, folder)
    if unreadable is not None:
        blocked.insert(0, (unreadable, f"{problem}; so quizgen cannot tell its own files here from yours"))
    if not blocked or force:
        return
    count = f"{len(blocked)} file{'s' if len(blocked) != 1 else ''}"
    raise OutputError(
        f"nothing was written: {count} in the way; move {'them' if len(blocked) != 1 else 'it'}, write elsewhere "
        "with --output, or overwrite with --force",
        [Diagnostic(Location(str(path)), f"would be overwritten, but {why}") for path, why in blocked],
    )
