"""The one writer: every file quizgen writes goes through here.

Commands gather what they write in memory first, then hand it here. Each
target is looked at before anything is written, and written by what it is:

- a new path or a regular file: written to a temporary name beside it and
  renamed into place once every file of the set was written (atomic; an
  existing file keeps its mode);
- a symbolic link: written through to the file it points to, atomically
  as above; the link itself stays;
- a character device or a FIFO (``/dev/stdout``, a named pipe): written
  to directly, with no temporary file and no rename;
- anything else (a folder where a file is expected, a socket, a block
  device, a link that loops): refused, with one line naming it.

Nothing here renames over or deletes anything but a regular file. A failure
(unwritable folder, full disk, Ctrl-C) removes the temporary files and
raises OutputError naming the path, so a teacher never finds half a class
pack in the output folder.

``write_set`` adds what a build needs on top: a lock on the output folder
(two builds never mix their files), the record of what the last build
wrote (``manifest.py``'s ``files``), a refusal to overwrite a file that is
not in that record (unless ``force``), and the removal of files an earlier
build wrote that this one did not, if they are unchanged since.
"""

from __future__ import annotations

import errno
import fcntl
import glob
import os
import re
import signal
import stat
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from quizgen.errors import Diagnostic, Location, OutputError

#: What quizgen writes to, said when it refuses something else.
_WRITES_TO = "quizgen writes only to files, links to files, FIFOs and character devices"


@dataclass(frozen=True)
class _Target:
    """How one path will be written: ``atomic`` (temporary file + rename at ``real``), ``stream`` or ``descriptor``."""

    path: Path
    real: Path
    how: str
    mode: int = 0o644
    owner: tuple[int, int] | None = None
    fd: int | None = None


def _refuse(path: Path, reason: str) -> OutputError:
    return OutputError("nothing was written", [Diagnostic(Location(str(path)), f"cannot write: {reason}")])


def _kind_name(mode: int) -> str:
    """Return what a file that is not a regular file is, in a teacher's words."""
    if stat.S_ISDIR(mode):
        return "a folder, not a file"
    if stat.S_ISSOCK(mode):
        return "a socket, not a file"
    if stat.S_ISBLK(mode):
        return "a block device (a disk), not a file"
    if stat.S_ISLNK(mode):
        return "a symbolic link that loops"
    return "not a regular file"


def _by_mode(path: Path, real: Path, st: os.stat_result) -> _Target:
    if stat.S_ISREG(st.st_mode):
        return _Target(path, real, "atomic", stat.S_IMODE(st.st_mode), (st.st_uid, st.st_gid))
    if stat.S_ISCHR(st.st_mode) or stat.S_ISFIFO(st.st_mode):
        return _Target(path, path, "stream")
    raise _refuse(path, f"is {_kind_name(st.st_mode)}; {_WRITES_TO}")


def _target(path: Path) -> _Target:
    """Return how ``path`` will be written, or raise OutputError if it must not be."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return _Target(path, path, "atomic")
    except ValueError:  # a NUL character in the path
        raise OutputError("nothing was written", [Diagnostic(
            Location(repr(str(path))), "cannot write: the path holds a NUL character")]) from None
    except OSError as err:
        raise _refuse(path, _reason(path, err)) from None
    if not stat.S_ISLNK(st.st_mode):
        return _by_mode(path, path, st)
    fd = _open_descriptor(path)
    if fd is not None:  # /dev/stdout and friends: this process's own open file, written where it stands
        return _Target(path, path, "descriptor", fd=fd)
    try:
        followed = os.stat(path)
    except FileNotFoundError:  # a dangling link: make the file it names, in a folder that exists
        real = Path(os.path.realpath(path))
        if not real.parent.is_dir():
            raise _refuse(path, f"it is a link to {real}, whose folder does not exist") from None
        return _Target(path, real, "atomic")
    except OSError as err:
        if err.errno == errno.ELOOP:
            raise _refuse(path, f"is a symbolic link that loops; {_WRITES_TO}") from None
        raise _refuse(path, _reason(path, err)) from None
    return _by_mode(path, Path(os.path.realpath(path)), followed)


_DESCRIPTOR_LINK = re.compile(rf"^/(?:proc/(?:self|{os.getpid()})|dev)/fd/(\d+)$")


def _open_descriptor(path: Path) -> int | None:
    """Return the file descriptor a link such as /dev/stdout stands for (it goes through /proc/self/fd/N), else None."""
    hop = Path(os.path.abspath(path))
    for _ in range(40):
        match = _DESCRIPTOR_LINK.match(str(hop))
        if match:
            return int(match.group(1))
        if not hop.is_symlink():
            return None
        hop = Path(os.path.normpath(hop.parent / os.readlink(hop)))
    return None


def _reason(target: Path, err: OSError) -> str:
    """Return why writing ``target`` failed, naming a file that stands where a folder should."""
    blocker = next((p for p in target.parents if p.exists() and not p.is_dir()), None)
    if blocker is not None:  # e.g. -o notes.txt, where notes.txt is a file
        from quizgen.inputs import describe

        return f"{blocker} is {describe(blocker) or 'a file'}, not a folder"
    return err.strerror or str(err)


def _stage(target: _Target, data: bytes) -> Path:
    """Write ``data`` to a temporary file beside ``target.real``; return its path."""
    target.real.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.real.name}.", suffix=".part", dir=target.real.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, target.mode)
        if target.owner is not None and os.geteuid() == 0:  # root writing a teacher's file leaves it theirs
            os.chown(tmp, *target.owner)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return Path(tmp)


def _stream(target: _Target, data: bytes) -> None:
    """Write ``data`` straight to a FIFO or character device (opening a FIFO waits for its reader)."""
    if target.fd is not None:
        import sys

        sys.stdout.flush()  # what was printed before comes first
        _write_all(target.fd, data)
        return
    fd = os.open(target.path, os.O_WRONLY | os.O_NOCTTY)
    try:
        _write_all(fd, data)
    finally:
        os.close(fd)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def write_files(files: Mapping[Path, bytes], *, after_commit: Callable[[], None] | None = None) -> list[Path]:
    """Write every file or none; return the paths written, in the order given.

    Every target is checked before anything is written; files are staged
    first, streams written next, and the staged files renamed into place
    last, so a failure anywhere leaves no regular file changed. Ctrl-C is
    held while the renames run (milliseconds): it undoes them, or, once they
    are done, waits for ``after_commit`` (the removal of stale files) and
    then ends the command.
    """
    targets = [(_target(Path(path)), data) for path, data in files.items()]
    staged: list[tuple[Path, _Target]] = []
    try:
        for target, data in targets:
            if target.how == "atomic":
                staged.append((_write_or_fail(target, lambda t=target, d=data: _stage(t, d)), target))
        for target, data in targets:
            if target.how in ("stream", "descriptor"):
                _write_or_fail(target, lambda t=target, d=data: _stream(t, d))
        _commit(staged, after_commit)
        staged = []
    finally:
        for tmp, _ in staged:
            tmp.unlink(missing_ok=True)
    return [Path(p) for p in files]


@contextmanager
def _holding_interrupts() -> Iterator[list]:
    """Hold Ctrl-C (SIGINT) while the block runs; yield a list that is non-empty once it came; deliver it after."""
    if threading.current_thread() is not threading.main_thread():
        yield []
        return
    previous = signal.getsignal(signal.SIGINT)
    if previous in (signal.SIG_IGN, None):
        yield []
        return
    caught: list = []
    signal.signal(signal.SIGINT, lambda signum, frame: caught.append(frame))
    try:
        yield caught
    finally:
        signal.signal(signal.SIGINT, previous)
    if caught:
        if not callable(previous):
            raise KeyboardInterrupt
        previous(signal.SIGINT, caught[0])  # Python's own handler raises KeyboardInterrupt


def _commit(staged: list[tuple[Path, _Target]], after: Callable[[], None] | None = None) -> None:
    """Rename every staged file into place, or none: a failed rename (or Ctrl-C) puts the earlier ones back.

    The file a rename replaces is kept under a second name (a hard link,
    no copy) until every rename is done. ``after`` runs once all are in place.
    """
    done: list[tuple[Path, Path | None]] = []  # (target, its previous content's second name, or None if new)
    with _holding_interrupts() as interrupted:
        try:
            for tmp, target in staged:
                if interrupted:
                    break
                backup = _second_name(target.real)
                try:
                    os.replace(tmp, target.real)
                except BaseException:
                    if backup is not None:
                        backup.unlink(missing_ok=True)
                    raise
                done.append((target.real, backup))
        except OSError as err:
            _undo(done)
            raise _refuse(staged[len(done)][1].path, _reason(staged[len(done)][1].real, err)) from None
        if interrupted:
            _undo(done)
            return  # leaving the block delivers the Ctrl-C
        for _target_path, backup in done:
            if backup is not None:
                backup.unlink(missing_ok=True)
        if after is not None:
            after()


def _second_name(path: Path) -> Path | None:
    """Give the file at ``path`` (if any) a second name to put it back from; None if there is none or links fail."""
    if not os.path.lexists(path):
        return None
    backup = path.with_name(f".{path.name}.{os.getpid()}.previous")
    try:
        os.link(path, backup, follow_symlinks=False)
    except OSError:  # no hard links here: replace without a way back
        return None
    return backup


def _undo(done: list[tuple[Path, Path | None]]) -> None:
    for target, backup in reversed(done):
        try:
            if backup is None:
                target.unlink(missing_ok=True)
            else:
                os.replace(backup, target)
        except OSError:
            pass


def _write_or_fail(target: _Target, write: Callable[[], Path | None]):
    try:
        return write()
    except OSError as err:
        raise _refuse(target.path, _reason(target.real, err)) from None


# --------------------------------------------------------------------------
# A set of files written into one folder: lock, record, refusal, clean-up.

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
