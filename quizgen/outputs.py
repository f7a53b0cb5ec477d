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

``outputset.write_set`` adds what a build needs on top: a lock on the
output folder, the record of what the last build wrote, and the clean-up.
"""

from __future__ import annotations

import errno
import os
import re
import signal
import stat
import tempfile
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
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
    """Return why writing ``target`` failed, naming a looping link or a file that stands where a folder should."""
    loop = _looping_link(target)
    if loop is not None:  # mkdir says only "File exists", open "Too many levels of symbolic links"
        return f"{loop} is a symbolic link that loops (following it leads back to it), not a folder; remove it or point it at a folder"
    blocker = next((p for p in target.parents if p.exists() and not p.is_dir()), None)
    if blocker is not None:  # e.g. -o notes.txt, where notes.txt is a file
        from quizgen.inputs import describe

        return f"{blocker} is {describe(blocker) or 'a file'}, not a folder"
    return err.strerror or str(err)


def _looping_link(target: Path) -> Path | None:
    """Return the outermost folder on the way to ``target`` that is a symbolic link that loops, else None."""
    for folder in reversed(Path(target).parents):
        try:
            if not stat.S_ISLNK(os.lstat(folder).st_mode):
                continue
            os.stat(folder)
        except OSError as err:
            if err.errno == errno.ELOOP and os.path.islink(folder):
                return folder
            return None  # missing, or unreadable: not a loop, and nothing past it can be one
    return None


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
