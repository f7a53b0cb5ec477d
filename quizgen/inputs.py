"""Read a file a teacher names, checking what it is before reading it.

A recipe, a bank file or a document to ingest must be a regular file (or a
link to one) of bounded size. Anything else is refused with one line that
says what it is, before a byte is read: a FIFO would block forever, a link
to /dev/zero would read until memory runs out. At most ``limit`` + 1 bytes
are ever read, so a file that grows while it is read is refused too.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path


class Unreadable(Exception):
    """A file that cannot or must not be read; ``str()`` is the reason, worded for a teacher."""


def what_it_is(mode: int) -> str:
    """Return what a file of this mode is, for 'X is …, not a regular file'."""
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def describe(path: Path) -> str:
    """Return what ``path`` is when it is not a readable regular file: 'a folder', 'a broken link' …; '' if it is one."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return "a broken link" if os.path.islink(path) else "missing"
    except OSError as err:
        return "a symbolic link that loops" if err.errno == errno.ELOOP else (err.strerror or str(err))
    return "" if stat.S_ISREG(st.st_mode) else what_it_is(st.st_mode)


def read_limited(path: Path, limit: int) -> bytes:
    """Return the bytes of the regular file ``path`` if it holds at most ``limit`` of them.

    Raises Unreadable naming what the path is (a folder, a FIFO, a device …),
    why it cannot be opened, or how big it is.
    """
    try:
        st = os.stat(path)
    except ValueError:
        raise Unreadable("cannot open: the path holds a NUL character") from None
    except OSError as err:
        raise Unreadable(_open_reason(err)) from None
    if not stat.S_ISREG(st.st_mode):
        raise Unreadable(_not_regular(st.st_mode))
    if st.st_size > limit:
        raise Unreadable(f"file is {st.st_size:,} bytes; the limit is {limit:,}")
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
    except OSError as err:
        raise Unreadable(_open_reason(err)) from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):  # swapped between the look and the open
            raise Unreadable(_not_regular(st.st_mode))
        chunks, size = [], 0
        while size <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError as err:
        raise Unreadable(f"cannot read: {err.strerror or err}") from None
    finally:
        os.close(fd)
    if size > limit:
        raise Unreadable(f"file is more than {limit:,} bytes (it grew while it was read); the limit is {limit:,}")
    return b"".join(chunks)


def _not_regular(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "is a folder, not a file"
    return f"is {what_it_is(mode)}, not a regular file"


def _open_reason(err: OSError) -> str:
    if err.errno == errno.ELOOP:
        return "cannot open: a symbolic link that points to itself"
    return f"cannot open: {err.strerror or err}"
