"""Write generated files all-or-nothing.

Every command that writes files gathers them in memory first, then hands them
here: each file goes to a temporary name beside its target and is renamed
into place only when all of them were written. A failure (unwritable folder,
full disk) removes the temporaries and raises OutputError naming the path, so
a teacher never finds half a class pack in the output folder.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from quizgen.errors import Diagnostic, Location, OutputError


def write_files(files: dict[Path, bytes]) -> list[Path]:
    """Write every file or none; return the paths written, in the order given."""
    staged: list[tuple[Path, Path]] = []
    try:
        for target, data in files.items():
            target = Path(target)
            try:
                target.parent.mkdir(parents=True, exist_ok=True)
                if target.is_dir():
                    raise IsADirectoryError(21, "is a folder", str(target))
                fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
                staged.append((Path(tmp), target))  # before writing: a full disk fails mid-write
                with os.fdopen(fd, "wb") as handle:
                    handle.write(data)
            except ValueError:  # a NUL character in the path
                raise OutputError("nothing was written", [Diagnostic(
                    Location(repr(str(target))), "cannot write: the path holds a NUL character")]) from None
            except OSError as err:
                reason = err.strerror or str(err)
                blocker = next((p for p in target.parents if p.exists() and not p.is_dir()), None)
                if blocker is not None:  # e.g. -o notes.txt, where notes.txt is a file
                    reason = f"{blocker} is a file, not a folder"
                raise OutputError(
                    "nothing was written",
                    [Diagnostic(Location(str(target)), f"cannot write: {reason}")],
                ) from None
        for tmp, target in staged:
            os.replace(tmp, target)
            os.chmod(target, 0o644)
        staged = []
    finally:
        for tmp, _ in staged:
            try:
                tmp.unlink()
            except OSError:
                pass
    return [Path(p) for p in files]
