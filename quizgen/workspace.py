"""A teacher's workspace: find the one a command runs in, and make one (`quizgen init`).

A workspace is a folder with a ``quizgen-workspace.yaml`` at its top. Every
command run in it, or in a folder below it, uses the bank, recipes and output
folder that file names, so ``--bank`` is never needed there. The nearest
such file above the working directory wins.

The clone of quizgen is a workspace too: its top folder holds a committed
``quizgen-workspace.yaml`` naming ``banks/``. Run from anywhere inside the
clone, quizgen reads the clone's bank whichever way it was installed (a
copy in ``.venv`` by ``pip install .``, or editable), so a teacher's edit to
``banks/`` is never silently ignored.

Outside any workspace quizgen uses the bank shipped inside the installed
package, read-only: nothing ever writes into the installed package
(``refuse_installed``), and commands that would write into a bank say to
make a workspace with ``quizgen init``.
"""

from __future__ import annotations

import os
import secrets
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from quizgen import paths
from quizgen.errors import Diagnostic, Location, QuizgenError, WorkspaceError, as_written, close_match

#: The file that marks a workspace's top folder.
MARKER = "quizgen-workspace.yaml"
#: Fields of the marker file, with their defaults (paths relative to the file's folder).
FIELDS = {"bank": "bank", "recipes": "recipes", "output": "output"}


@dataclass(frozen=True)
class Workspace:
    """Where a command finds its bank and recipes, and writes by default."""

    #: The workspace's top folder; None for the shipped bank (no workspace).
    root: Path | None
    bank: Path
    recipes: Path
    #: The default output folder; None outside a workspace (the recipe's, else output/).
    output: Path | None = None
    #: Where the bank is named: the marker file and the line of its ``bank:`` (None if left to the default).
    marker: Path | None = field(default=None, compare=False)
    bank_line: int | None = field(default=None, compare=False)

    @property
    def read_only(self) -> bool:
        """Whether this is the shipped bank, which no command may write into."""
        return self.root is None


def shipped() -> Workspace:
    """Return the bank shipped with quizgen, as a read-only workspace."""
    bank = paths.bank_dir()
    return Workspace(None, bank, bank / "recipes")


def find_marker(start: Path | None = None) -> Path | None:
    """Return the marker file of the workspace ``start`` (default: the working folder) is in, or None."""
    here = Path(os.path.abspath(start or Path.cwd()))
    for folder in (here, *here.parents):
        marker = folder / MARKER
        if marker.is_file():
            return marker
    return None


def find(start: Path | None = None) -> Workspace | None:
    """Return the workspace ``start`` (default: the working folder) is in, or None outside any."""
    marker = find_marker(start)
    return load(marker) if marker is not None else None


def current() -> Workspace:
    """Return the workspace of the working folder, else the shipped bank."""
    return find() or shipped()


def load(marker: Path) -> Workspace:
    """Return the workspace a marker file describes; WorkspaceError naming file, line and field if it is wrong."""
    from quizgen.yamlfile import load_yaml

    display = _display(marker)
    try:
        data, lines = load_yaml(marker, display)
    except QuizgenError as err:  # the YAML reader's BankError: same lines, named as the workspace's file
        raise WorkspaceError(f"cannot read the workspace file {display}", err.diagnostics) from None
    data = {} if data is None else data
    problems: list[Diagnostic] = []
    if not isinstance(data, dict):
        raise WorkspaceError(f"1 problem in {display}", [Diagnostic(Location(display, 1), "expected fields such as 'bank: bank'")])
    for key in data:
        if key not in FIELDS:
            problems.append(Diagnostic(Location(display, lines.of((key,), key=True), key),
                                       f"unknown field '{key}'{close_match(key, FIELDS)}; a workspace file has {', '.join(FIELDS)}"))
    root = marker.parent
    folders = {}
    for key, default in FIELDS.items():
        value = data.get(key, default)
        if not isinstance(value, str) or not value.strip():
            problems.append(Diagnostic(Location(display, lines.of((key,)), key), f"expected a folder name, found {as_written(value)}"))
            value = default
        folder = Path(os.path.expanduser(value.strip()))
        folders[key] = folder if folder.is_absolute() else root / folder
    if problems:
        noun = "problem" if len(problems) == 1 else "problems"
        raise WorkspaceError(f"{len(problems)} {noun} in {display}", problems)
    return Workspace(root, folders["bank"], folders["recipes"], folders["output"], marker,
                     lines.of(("bank",)) if "bank" in data else None)


def bank_dir(given: Path | None = None) -> Path:
    """Return the bank a command uses: ``given`` (--bank), else the workspace's, else the shipped one.

    A workspace whose file names a bank folder that is not there is reported
    against that file's ``bank:`` line (WorkspaceError), not as a bare path;
    a ``--bank`` that is not a folder, or a shipped bank that is missing, in
    one line that says how quizgen looks for a bank.
    """
    if given is not None:
        if not Path(given).is_dir():
            raise _bad_given_bank(Path(given))
        return Path(given)
    found = current()
    if found.marker is not None and not found.bank.is_dir():
        raise _missing_bank(found)
    if not found.bank.is_dir():  # an install without its bank: nothing to fall back on
        raise WorkspaceError(
            f"{_display(found.bank)}: no bank found: this folder is in no workspace and the bank shipped with quizgen "
            f"is missing (reinstall quizgen); {LOOK_FOR_A_BANK}, or name one with --bank")
    return found.bank


#: How a command finds its bank without --bank: said by every message that finds none.
LOOK_FOR_A_BANK = (f"quizgen reads the bank named by the nearest {MARKER} (in the working folder or one above it), "
                   "else the bank shipped with it; `quizgen init DIR` makes a workspace")


def _bad_given_bank(given: Path) -> WorkspaceError:
    """Return the one-line error for a ``--bank`` that names no folder: the path, what it is, what to do."""
    from quizgen.inputs import describe

    what = describe(given) or "a file"
    if what == "missing":
        what = "no such folder"
    elif what == "a broken link":
        what = f"a link to {os.path.realpath(given)}, which does not exist"
    elif what == "a symbolic link that loops":
        what = "a symbolic link that loops (following it leads back to it)"
    elif what.startswith(("a ", "an ", "not ")):
        what = f"{what}, not a folder"
    else:  # an OS reason: permission denied, say
        what = f"cannot be read: {what}"
    return WorkspaceError(
        f"{_display(given)}: --bank: {what}; name the folder that holds the bank's sources/, claims/ and questions/, "
        f"or leave --bank out: {LOOK_FOR_A_BANK}")


def _missing_bank(found: Workspace) -> WorkspaceError:
    display = _display(found.marker)
    what = "is a file, not a folder" if found.bank.exists() else "does not exist"
    if found.bank_line:
        message = f"{_display(found.bank)} {what}; correct the path (relative to this file's folder) or put the bank there"
    else:
        message = (f"this file gives no 'bank:', so the bank is {_display(found.bank)}, which {what}; "
                   "add 'bank: FOLDER' or put the bank there")
    return WorkspaceError(f"the workspace's bank folder {what}", [Diagnostic(Location(display, found.bank_line, "bank"), message)])


def default_recipe(given_bank: Path | None = None) -> Path:
    """Return the recipe `quizgen build` makes when none is named.

    With --bank: that bank's recipes/default.yaml if it has one, else the
    shipped sampler (as before workspaces). In a workspace: its
    recipes/default.yaml (a missing one is reported when it is read).
    Elsewhere: the shipped sampler.
    """
    if given_bank is not None:
        return paths.default_recipe(given_bank)
    found = current()
    recipe = found.recipes / "default.yaml"
    if found.read_only or recipe.exists() or recipe.is_symlink():  # not a file: reading it says why
        return recipe
    others = sorted(os.path.relpath(p) for p in found.recipes.glob("*.y*ml")) if found.recipes.is_dir() else []
    hint = f"name one: quizgen build {others[0]}" if others else "write one (see the README, \"Building worksheets\")"
    raise WorkspaceError("no recipe to build", [Diagnostic(
        Location(_display(recipe)), f"this workspace has no default recipe; {hint}")])


def default_output() -> str | None:
    """Return the workspace's output folder, as a path from the working folder; None outside a workspace."""
    found = find()
    if found is None or found.output is None:
        return None
    return os.path.relpath(found.output) if _below(Path.cwd(), found.root) else str(found.output)


def recipes_dir(given_bank: Path | None = None) -> Path:
    """Return the folder of recipes `quizgen bank validate` checks: the bank's own with --bank, else the workspace's."""
    return Path(given_bank) / "recipes" if given_bank is not None else current().recipes


# --------------------------------------------------------------------------
# Never write into the installed package


def refuse_installed(path: Path, what: str = "write into") -> None:
    """Raise WorkspaceError if ``path`` is inside the installed quizgen package.

    The installed copy is replaced by the next install; anything written there
    would be lost, and it is the bank every other folder reads.
    """
    # realpath, not Path.resolve: it follows what links it can and never raises (a link to itself, say);
    # writing to such a path then fails with a message of its own.
    target = Path(os.path.realpath(path))
    package = Path(paths.__file__).resolve().parent
    if _below(target, package) or (_below(target, paths.bank_dir().resolve()) and not _in_a_workspace(target)):
        raise WorkspaceError(
            f"cannot {what} {path}: it is the bank shipped with quizgen, which is read-only",
            [Diagnostic(Location(str(path)), "make a workspace of your own with `quizgen init DIR`, then run this "
                                             "command inside DIR (or name your own bank with --bank)")],
        )


def writable_bank(given: Path | None = None) -> Path:
    """Return the bank a command may write into (ingest): ``given``, else the workspace's.

    Outside a workspace, with no --bank, that would be the shipped bank:
    WorkspaceError naming `quizgen init`.
    """
    bank = Path(given) if given is not None else current().bank  # ingest may be what makes the folder
    if given is None and find() is None:
        raise WorkspaceError(
            "this folder is not in a quizgen workspace, so quizgen uses its shipped bank, which is read-only",
            [Diagnostic(Location(str(Path.cwd())), "make a workspace with `quizgen init DIR`, then run this command "
                                                   "inside DIR (or name your own bank with --bank)")],
        )
    refuse_installed(bank)
    return bank


def _in_a_workspace(path: Path) -> bool:
    marker = find_marker(path if path.is_dir() else path.parent)
    return marker is not None


def _below(path: Path, folder: Path | None) -> bool:
    if folder is None:
        return False
    try:
        Path(os.path.abspath(path)).relative_to(os.path.abspath(folder))
        return True
    except ValueError:
        return False


def _display(path: Path) -> str:
    try:
        return os.path.relpath(path) if _below(path, Path.cwd()) else str(path)
    except ValueError:
        return str(path)


# --------------------------------------------------------------------------
# quizgen init

#: Files `quizgen init --empty` writes from quizgen/skeleton/ (name there → place in the workspace).
SKELETON = {
    "bank.yaml": "bank/bank.yaml",
    "claims.yaml": "bank/claims/naenara.yaml",
    "questions.yaml": "bank/questions/naenara.yaml",
    "default-recipe.yaml": "recipes/default.yaml",
}
#: The shipped source the skeleton's example claim and question stand on.
SKELETON_SOURCE = "naenara"


def init(folder: Path, *, empty: bool = False) -> Path:
    """Make a workspace in ``folder`` (new, or an empty folder); return its marker file.

    A new workspace is made in a hidden folder beside ``folder`` and renamed
    into place when complete; an empty folder (the working one, say) is
    filled in place and emptied again on failure. Either way a failure
    leaves nothing behind.
    """
    folder = Path(folder)
    where = Path(os.path.abspath(folder))
    if folder.exists() or folder.is_symlink():
        if not folder.is_dir() or folder.is_symlink():
            from quizgen.inputs import describe

            looping = describe(folder) == "a symbolic link that loops"  # not the OS's "File exists"
            raise _init_error(folder, f"is {'a symbolic link that loops, ' if looping else ''}not a folder; "
                                      "give a new folder's name")
        if any(folder.iterdir()):
            raise _init_error(folder, "is not empty; `quizgen init` makes a new workspace in a new or empty folder")
    elif not where.parent.is_dir():
        raise _init_error(folder, f"cannot make it: {_no_folder(where.parent)}")
    refuse_installed(where, "make a workspace in")
    fill_in_place = where.is_dir()
    # A new folder (not mkdtemp's private one), so it gets the teacher's usual permissions.
    staging = where if fill_in_place else where.parent / f".{where.name}.{secrets.token_hex(4)}.part"
    try:
        if not fill_in_place:
            staging.mkdir()
        _fill(staging, empty)
        if not fill_in_place:
            os.rename(staging, where)
    except BaseException as err:
        _clear(staging, remove=not fill_in_place)
        if isinstance(err, OSError):
            raise _init_error(folder, f"cannot write: {err.strerror or err}") from None
        raise
    return folder / MARKER


def _no_folder(parent: Path) -> str:
    """Return why ``parent`` is no folder to make a workspace in: missing, or what stands in the way (a looping link …)."""
    from quizgen.inputs import describe

    for folder in (parent, *parent.parents):
        if os.path.lexists(folder):
            if folder.is_dir():
                break
            return f"{folder} is {describe(folder) or 'a file'}, not a folder"
    return f"{parent} does not exist"


def _clear(folder: Path, remove: bool) -> None:
    """Remove what init wrote into ``folder`` (and the folder itself with ``remove``)."""
    if remove:
        shutil.rmtree(folder, ignore_errors=True)
        return
    for child in folder.iterdir():
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child, ignore_errors=True)
        else:
            child.unlink(missing_ok=True)


def _init_error(folder: Path, message: str) -> WorkspaceError:
    shown = str(folder) if str(folder) not in (".", "") else os.getcwd()
    return WorkspaceError("no workspace was made", [Diagnostic(Location(shown), message)])


def _fill(root: Path, empty: bool) -> None:
    """Write a workspace's files into ``root``."""
    shipped_bank = paths.bank_dir()
    skeleton = Path(__file__).resolve().parent / "skeleton"
    _write(root / MARKER, (skeleton / "workspace.yaml").read_bytes())
    (root / "output").mkdir()
    if empty:
        for name, place in SKELETON.items():
            _write(root / place, (skeleton / name).read_bytes())
        for suffix in (".txt", ".yaml"):
            name = f"{SKELETON_SOURCE}{suffix}"
            _write(root / "bank" / "sources" / name, (shipped_bank / "sources" / name).read_bytes())
        return
    for path in sorted(shipped_bank.rglob("*")):
        relative = path.relative_to(shipped_bank)
        if path.is_file() and relative.parts[0] != "recipes":
            _write(root / "bank" / relative, path.read_bytes())
    for path in sorted((shipped_bank / "recipes").glob("*.yaml")):
        _write(root / "recipes" / path.name, path.read_bytes())
    _write(root / "recipes" / "starter.yaml", (skeleton / "starter-recipe.yaml").read_bytes())


def _write(path: Path, data: bytes) -> None:
    """Write a workspace file as a new file, so the teacher can edit it (the installed copy may be read-only)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
