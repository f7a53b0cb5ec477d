"""The machinery of the hostile-input corpus (tests/test_hostile_inputs.py): layouts, snapshots, one runner.

A case lays out a folder (files, links, FIFOs, sockets, a copy of a sample
bank), runs one quizgen command in it, and checks what a teacher would: the
exit status, the exact lines printed, that every file that was there before
is unchanged (but those the case says may change), which files exist or not
afterwards, and that nothing half-written (a temporary file, a lock) is left.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import socket
import stat
import threading
from dataclasses import dataclass, field
from pathlib import Path

from click.testing import CliRunner
from conftest import project

from quizgen.cli import main

REPO = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Link:
    """A symbolic link to ``target`` (as written, relative or absolute; ``{tmp}`` is the case's folder)."""

    target: str


@dataclass(frozen=True)
class Special:
    """A FIFO, a folder, a socket, or a private character device like /dev/null or /dev/full.

    The devices are made in the case's folder (mknod, as root): a test never
    writes to the system's own /dev, where a regression that renamed over its
    target would replace the machine's /dev/null.
    """

    kind: str  # "fifo" | "dir" | "socket" | "null" | "full"


FIFO, DIR, SOCKET, NULL, FULL = Special("fifo"), Special("dir"), Special("socket"), Special("null"), Special("full")
#: Device numbers of the Linux memory devices.
_DEVICES = {"null": (1, 3), "full": (1, 7)}


@dataclass(frozen=True)
class Copy:
    """A copy of a sample project under tests/projects/ (a folder) or a file of the repository."""

    source: str
    replace: tuple[tuple[str, str, str], ...] = ()  # (file inside the copy, old text, new text)


@dataclass(frozen=True)
class Case:
    """One hostile input and everything a teacher would check afterwards.

    ``args`` and the texts may say ``{tmp}`` (the case's folder). ``lines``
    must each be a whole line of what the command printed (stderr, else
    stdout). ``changed`` may differ afterwards (paths or folder prefixes);
    everything else that existed must be byte-identical and of the same
    kind. ``created`` must exist afterwards, ``absent`` must not. ``read``
    names a FIFO read in a thread while the command runs; what came through
    must start with ``fifo_gets``.
    """

    id: str
    layout: dict
    args: tuple[str, ...]
    status: int
    lines: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()
    created: tuple[str, ...] = ()
    absent: tuple[str, ...] = ()
    read: str = ""
    fifo_gets: bytes = b""
    env: dict = field(default_factory=dict)
    cwd: str = "."


def lay_out(root: Path, layout: dict) -> None:
    """Make every entry of ``layout`` (path → bytes, str, Link, Special or Copy) under ``root``."""
    for name, spec in layout.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(spec, bytes):
            path.write_bytes(spec)
        elif isinstance(spec, str):
            path.write_text(spec.replace("{tmp}", str(root)), encoding="utf-8")
        elif isinstance(spec, Link):
            os.symlink(spec.target.replace("{tmp}", str(root)), path)
        elif spec == FIFO:
            os.mkfifo(path)
        elif spec == DIR:
            path.mkdir()
        elif spec == SOCKET:
            _bind_socket(path)
        elif isinstance(spec, Special) and spec.kind in _DEVICES:
            _make_device(path, *_DEVICES[spec.kind])
        elif isinstance(spec, Copy):
            _copy(spec, path)
        else:
            raise TypeError(f"unknown layout entry {spec!r}")


def _make_device(path: Path, major: int, minor: int) -> None:
    import pytest

    try:
        os.mknod(path, stat.S_IFCHR | 0o666, os.makedev(major, minor))
    except (PermissionError, AttributeError):
        pytest.skip("making a device node needs root (mknod)")


def _bind_socket(path: Path) -> None:
    here = os.getcwd()
    os.chdir(path.parent)  # a relative name: a socket path may not be longer than 108 bytes
    try:
        sock = socket.socket(socket.AF_UNIX)
        sock.bind(path.name)
        sock.close()  # the socket file stays
    finally:
        os.chdir(here)


def _copy(spec: Copy, path: Path) -> None:
    source = project(spec.source) if (REPO / "tests" / "projects" / spec.source).is_dir() else REPO / spec.source
    if source.is_dir():
        shutil.copytree(source, path)
    else:
        shutil.copy(source, path)
    for inner, old, new in spec.replace:
        target = path / inner if source.is_dir() else path
        text = target.read_text(encoding="utf-8")
        assert old in text, f"{old!r} not in {target}"
        target.write_text(text.replace(old, new, 1), encoding="utf-8")


def snapshot(root: Path) -> dict[str, tuple]:
    """Return every entry under ``root`` (links not followed): its kind and its bytes' digest or link target."""
    found = {}
    for folder, dirs, files in os.walk(root):
        for name in dirs + files:
            path = Path(folder) / name
            rel = path.relative_to(root).as_posix()
            mode = os.lstat(path).st_mode
            if stat.S_ISLNK(mode):
                found[rel] = ("link", os.readlink(path))
            elif stat.S_ISREG(mode):
                found[rel] = ("file", hashlib.sha256(path.read_bytes()).hexdigest())
            else:
                found[rel] = (stat.S_IFMT(mode),)
    return found


def _under(rel: str, prefixes: tuple[str, ...]) -> bool:
    return any(rel == p or rel.startswith(p.rstrip("/") + "/") for p in prefixes)


def run_case(case: Case, root: Path, monkeypatch) -> str:
    """Run ``case`` in ``root`` and check it; return what it printed (for further checks)."""
    lay_out(root, case.layout)
    before = snapshot(root)
    monkeypatch.chdir(root / case.cwd)
    for key, value in case.env.items():
        monkeypatch.setenv(key, value.replace("{tmp}", str(root)))
    got: list[bytes] = []
    reader = None
    if case.read:
        reader = threading.Thread(target=lambda: got.append((root / case.read).read_bytes()), daemon=True)
        reader.start()
    args = [a.replace("{tmp}", str(root)) for a in case.args]
    result = CliRunner().invoke(main, args)
    if reader is not None:
        reader.join(timeout=30)
        assert got and got[0].startswith(case.fifo_gets), got and got[0][:200]
    printed = result.output  # stdout and stderr, as a teacher's terminal shows them
    assert "Traceback" not in result.output, result.output
    assert result.exit_code == case.status, (result.exit_code, result.output, result.exception)
    lines = printed.splitlines()
    for expected in case.lines:
        expected = expected.replace("{tmp}", str(root))
        assert expected in lines, f"missing line:\n{expected}\nin:\n{printed}"
    after = snapshot(root)
    for rel, what in before.items():
        if not _under(rel, case.changed):
            assert after.get(rel) == what, f"{rel} changed or vanished"
    for rel in case.created:
        assert os.path.lexists(root / rel), f"{rel} was not written"
    for rel in case.absent:
        assert not os.path.lexists(root / rel), f"{rel} exists"
    leftovers = [rel for rel in after if Path(rel).name.startswith(".") and
                 (rel.endswith(".part") or rel.endswith(".previous") or rel.endswith(".quizgen.lock"))]
    assert leftovers == [], leftovers
    return result.output
