"""A teacher's workspace: `quizgen init`, which bank each command uses, and nothing written into the shipped bank.

The installed (non-editable) package in a workspace is tested in
tests/test_install.py; here the commands run in-process from folders made
on tmp_path.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from quizgen import paths, workspace
from quizgen.bank import load_bank
from quizgen.cli import main
from quizgen.errors import WorkspaceError
from quizgen.recipe import load_recipe

from conftest import pdf_pages_text, project

ROOT = Path(__file__).resolve().parent.parent
SYNTHETIC = project("sources-synthetic")


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _init(runner: CliRunner, where: Path, *args: str) -> Path:
    result = runner.invoke(main, ["init", str(where), *args])
    assert result.exit_code == 0, result.output
    return where


def test_init_copies_the_shipped_bank_and_marks_the_folder(runner, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(main, ["init", "mywork"])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("made a workspace in mywork with a copy of the shipped bank")
    ws = tmp_path / "mywork"
    assert sorted(p.name for p in ws.iterdir()) == ["bank", "output", "quizgen-workspace.yaml", "recipes"]
    shipped = {k: v for k, v in _files(paths.bank_dir()).items() if not k.startswith("recipes/")}
    assert _files(ws / "bank") == shipped
    assert sorted(p.name for p in (ws / "recipes").iterdir()) == ["default.yaml", "starter.yaml"]
    assert (ws / "recipes" / "default.yaml").read_bytes() == (paths.bank_dir() / "recipes" / "default.yaml").read_bytes()
    assert not any((ws / "output").iterdir())
    found = workspace.find(ws / "recipes")
    assert found == workspace.Workspace(ws, ws / "bank", ws / "recipes", ws / "output")
    # Every file is the teacher's to edit, whatever the installed copy's permissions.
    assert all(p.stat().st_mode & 0o200 for p in ws.rglob("*"))

    monkeypatch.chdir(ws)
    result = runner.invoke(main, ["bank", "validate"])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip().endswith("; 2 recipes build")


def test_init_empty_gives_a_commented_skeleton_that_validates_and_builds(runner, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    ws = _init(runner, tmp_path / "fresh", "--empty")
    own = ["bank/bank.yaml", "bank/claims/naenara.yaml", "bank/questions/naenara.yaml", "recipes/default.yaml",
           "quizgen-workspace.yaml"]
    for name in own:  # one commented example of each file
        assert (ws / name).read_text(encoding="utf-8").startswith("#"), name
    assert sorted(_files(ws / "bank")) == ["bank.yaml", "claims/naenara.yaml", "questions/naenara.yaml",
                                           "sources/naenara.txt", "sources/naenara.yaml"]
    monkeypatch.chdir(ws)
    result = runner.invoke(main, ["bank", "validate", "--strict"])
    assert result.exit_code == 0, result.output
    assert "bank is valid: 1 sources, 1 claims, 1 questions; 1 recipe builds" in result.stdout

    # The teacher's own words: a title and a sentence about the sources in bank.yaml.
    (ws / "bank" / "bank.yaml").write_text(
        "title: What the papers said\nabout_sources: The texts come from two local newspapers of 1936.\n", encoding="utf-8")
    result = runner.invoke(main, ["build", "-q"])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0].startswith("wrote output/first-worksheet.pdf")
    text = pdf_pages_text((ws / "output" / "first-worksheet.pdf").read_bytes())[0]
    assert "My first worksheet" in text  # the recipe's title wins over bank.yaml's
    assert "The texts come from two local newspapers of 1936. Read the lines each question points to" in text
    assert "North Korean state media" not in text and "memoir attributed" not in text
    assert "outside histories confirm the article's date for Korea's liberation" in text


@pytest.mark.parametrize("existing", ["file", "full folder"])
def test_init_refuses_a_file_or_a_folder_with_files_and_touches_nothing(runner, tmp_path, monkeypatch, existing):
    monkeypatch.chdir(tmp_path)
    target = tmp_path / "mine"
    if existing == "file":
        target.write_text("notes", encoding="utf-8")
        expected = "mine: is not a folder; give a new folder's name"
    else:
        target.mkdir()
        (target / "notes.txt").write_text("notes", encoding="utf-8")
        expected = "mine: is not empty; `quizgen init` makes a new workspace in a new or empty folder"
    before = _files(tmp_path)
    result = runner.invoke(main, ["init", "mine"])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [expected, "no workspace was made"]
    assert _files(tmp_path) == before and sorted(p.name for p in tmp_path.iterdir()) == ["mine"]


def test_init_into_a_symlink_loop_names_the_loop(runner, tmp_path, monkeypatch):
    """`quizgen init loop` and `quizgen init loop/ws`: the link is named as looping, not 'does not exist' or the OS's words."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "loop").symlink_to("loop")
    for target, expected in (("loop", "loop: is a symbolic link that loops, not a folder; give a new folder's name"),
                             ("loop/ws", f"loop/ws: cannot make it: {tmp_path / 'loop'} is a symbolic link that loops, "
                                         "not a folder")):
        result = runner.invoke(main, ["init", target])
        assert result.exit_code == 1, result.output
        assert result.stderr.splitlines() == [expected, "no workspace was made"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["loop"]


def test_init_in_an_empty_folder_uses_it(runner, tmp_path, monkeypatch):
    (tmp_path / "here").mkdir()
    monkeypatch.chdir(tmp_path / "here")
    assert runner.invoke(main, ["init"]).exit_code == 0
    assert (tmp_path / "here" / workspace.MARKER).is_file()


@pytest.mark.parametrize("empty_folder", [False, True])
def test_a_failed_init_leaves_nothing_behind(tmp_path, monkeypatch, empty_folder):
    if empty_folder:
        (tmp_path / "ws").mkdir()

    def fail(path, data):
        if path.name == "starter.yaml":
            raise OSError(28, "No space left on device")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)

    monkeypatch.setattr(workspace, "_write", fail)
    with pytest.raises(WorkspaceError) as info:
        workspace.init(tmp_path / "ws")
    assert [d.format() for d in info.value.diagnostics] == [f"{tmp_path / 'ws'}: cannot write: No space left on device"]
    assert [p.name for p in tmp_path.iterdir()] == (["ws"] if empty_folder else [])
    assert not empty_folder or list((tmp_path / "ws").iterdir()) == []


def test_every_command_below_a_workspace_uses_its_bank(runner, tmp_path, monkeypatch):
    ws = _init(runner, tmp_path / "ws")
    questions = ws / "bank" / "questions" / "naenara.yaml"
    text = questions.read_text(encoding="utf-8")
    old = "This article about the guerrilla war was published on Naenara."
    assert old in text
    questions.write_text(text.replace(old, "This article (a teacher's edit) was published on Naenara."), encoding="utf-8")
    monkeypatch.chdir(ws / "recipes")  # a folder below the top
    shown = runner.invoke(main, ["bank", "show", "naeq-who-publishes"])
    assert shown.exit_code == 0, shown.output
    assert "This article (a teacher's edit) was published on Naenara." in shown.stdout
    listed = runner.invoke(main, ["bank", "list", "--sources", "naenara", "--format", "csv"])
    assert "(a teacher's edit)" in listed.stdout
    # The shipped bank still reads as it was.
    assert old in load_bank(paths.bank_dir()).questions["naeq-who-publishes"].stem


def test_outside_a_workspace_the_shipped_bank_is_used_read_only_and_help_says_so(runner, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert workspace.find() is None and workspace.bank_dir() == paths.bank_dir()
    result = runner.invoke(main, ["--help"])
    assert result.exit_code == 0
    help_text = " ".join(result.output.split())
    assert "Outside any workspace, commands read the bank shipped with quizgen, read-only" in help_text
    assert "".join(f"Here (in no workspace) commands read the bank shipped with quizgen, read-only: {paths.bank_dir()}".split()
                   ) in "".join(help_text.split())
    assert "quizgen init" in help_text


def test_help_names_the_workspace_it_runs_in(runner, tmp_path, monkeypatch):
    ws = _init(runner, tmp_path / "ws", "--empty")
    monkeypatch.chdir(ws / "bank")
    help_text = "".join(runner.invoke(main, ["--help"]).output.split())  # click wraps paths at hyphens
    assert "".join(f"Here: the workspace {ws}, whose bank is {ws / 'bank'}.".split()) in help_text


def test_ingest_outside_a_workspace_refuses_and_names_quizgen_init(runner, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "page.html").write_bytes((SYNTHETIC / "page.html").read_bytes())
    before = _files(paths.bank_dir())
    result = runner.invoke(main, ["sources", "ingest", "page.html"])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"{tmp_path}: make a workspace with `quizgen init DIR`, then run this command inside DIR "
        "(or name your own bank with --bank)",
        "this folder is not in a quizgen workspace, so quizgen uses its shipped bank, which is read-only",
    ]
    assert _files(paths.bank_dir()) == before


def test_ingest_in_a_workspace_lands_in_its_bank(runner, tmp_path, monkeypatch):
    ws = _init(runner, tmp_path / "ws", "--empty")
    (ws / "output" / "page.html").write_bytes((SYNTHETIC / "page.html").read_bytes())
    monkeypatch.chdir(ws / "output")
    before = _files(paths.bank_dir())
    result = runner.invoke(main, ["sources", "ingest", "page.html", "--id", "final-march"])
    assert result.exit_code == 0, result.output
    assert (ws / "bank" / "sources" / "final-march.txt").read_text(encoding="utf-8").startswith("The Final March\n")
    assert (ws / "bank" / "sources" / "final-march.yaml").is_file()
    assert _files(paths.bank_dir()) == before
    listed = runner.invoke(main, ["sources", "list"])
    assert sorted(line.split()[0] for line in listed.stdout.splitlines()[1:]) == ["final-march", "naenara"]


def test_ingest_into_a_bank_that_is_a_symlink_loop_says_it_cannot_write(runner, tmp_path, monkeypatch):
    """A bank folder named by a symlink to itself: one clear message, not an internal error."""
    ws = tmp_path / "ws"
    ws.mkdir()
    (ws / workspace.MARKER).write_text("bank: loop\n", encoding="utf-8")
    (ws / "loop").symlink_to("loop")
    (ws / "page.html").write_bytes((SYNTHETIC / "page.html").read_bytes())
    monkeypatch.chdir(ws)
    result = runner.invoke(main, ["sources", "ingest", "page.html"])
    assert result.exit_code == 1, result.output
    assert "internal error" not in result.output and "Traceback" not in result.output
    assert "loop" in result.stderr
    workspace.refuse_installed(ws / "loop")  # not the installed package: nothing to refuse


def test_build_into_an_output_folder_that_is_a_symlink_loop_names_the_loop(runner, tmp_path, monkeypatch):
    """`ln -s output output` in a fresh workspace: the message says the link loops, not 'File exists'."""
    ws = _init(runner, tmp_path / "ws")
    (ws / "output").rmdir()
    (ws / "output").symlink_to("output")
    monkeypatch.chdir(ws)
    # html-practice: the writer is the same for every format, and pages need no PDF rendering.
    result = runner.invoke(main, ["build", "recipes/starter.yaml", "--format", "html-practice"])
    assert result.exit_code == 1, result.output
    assert result.stderr.splitlines()[-2:] == [
        "output: cannot write: output is a symbolic link that loops (following it leads back to it), not a folder; "
        "remove it or point it at a folder",
        "nothing was written",
    ]
    assert (ws / "output").is_symlink() and str((ws / "output").readlink()) == "output"


def test_nothing_is_written_into_the_installed_package(tmp_path):
    package = Path(workspace.__file__).resolve().parent
    for target in (package / "banks", package / "banks" / "sources", package):
        with pytest.raises(WorkspaceError) as info:
            workspace.refuse_installed(target)
        assert "quizgen init" in info.value.lines()[0]
    workspace.refuse_installed(tmp_path / "bank")  # anywhere else is fine


def test_a_broken_workspace_file_is_reported_with_file_line_and_field(runner, tmp_path, monkeypatch):
    ws = tmp_path / "ws"
    ws.mkdir()
    (ws / workspace.MARKER).write_text("bank: bank\nrecipe: recipes\noutput: [a, b]\n", encoding="utf-8")
    monkeypatch.chdir(ws)
    result = runner.invoke(main, ["bank", "list"])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "quizgen-workspace.yaml:2: field 'recipe': unknown field 'recipe' (did you mean 'recipes'?); "
        "a workspace file has bank, recipes, output",
        "quizgen-workspace.yaml:3: field 'output': expected a folder name, found [a, b]",
        "2 problems in quizgen-workspace.yaml",
    ]
    assert "problem" in " ".join(runner.invoke(main, ["--help"]).output.split())  # help still answers


def test_the_clone_is_a_workspace_marked_by_a_committed_file():
    tracked = subprocess.run(["git", "ls-files", workspace.MARKER], cwd=ROOT, capture_output=True, text=True, check=False)
    if tracked.returncode != 0:
        pytest.skip("not a git checkout")
    assert tracked.stdout.strip() == workspace.MARKER
    found = workspace.find(ROOT / "quizgen" / "cli")
    assert found == workspace.Workspace(ROOT, ROOT / "banks", ROOT / "banks" / "recipes", ROOT / "output")


def test_build_in_a_workspace_writes_into_its_output_folder(runner, tmp_path, monkeypatch):
    ws = _init(runner, tmp_path / "ws", "--empty")
    monkeypatch.chdir(ws / "recipes")
    recipe = load_recipe(ws / "recipes" / "default.yaml", bank=ws / "bank", default_output=workspace.default_output())
    assert recipe.output == "../output"
    # A recipe's own output: still wins (read from the recipe's folder).
    (ws / "recipes" / "elsewhere.yaml").write_text("output: handouts\nquestions:\n  - id: naeq-date-true\n", encoding="utf-8")
    assert load_recipe(ws / "recipes" / "elsewhere.yaml", default_output="../output").output == str(ws / "recipes" / "handouts")


# --------------------------------------------------------------------------
# Material that is the teacher's


def test_templates_name_none_of_the_shipped_sources():
    bank = load_bank(paths.bank_dir())
    names = {"Korea", "DPRK", "Kim Il Sung", "Juche", "Pyongyang", "KCNA"} | set(bank.sources)
    for source in bank.sources.values():
        names |= {source.title, source.outlet, source.publisher}
    for path in sorted(paths.templates_dir().rglob("*")):
        if path.is_file():
            text = path.read_text(encoding="utf-8")
            found = sorted(n for n in names if n and re.search(r"(?<!\w)" + re.escape(n) + r"(?!\w)", text, re.IGNORECASE))
            assert not found, f"{path.relative_to(paths.templates_dir())} names {found}"


def test_the_shipped_bank_keeps_its_wording():
    recipe = load_recipe()
    assert recipe.title == "Reading the sources: the liberation of Korea, 1945"
    assert recipe.instructions == (
        "The texts you will read come from North Korean state media and from a memoir attributed to Kim Il Sung. "
        "Read the lines each question points to before you answer it. Write your answers in pen.")
    assert dict(recipe.skill_instructions)["date-checking"] == (
        "Work with the dates. A Juche year plus 1911 gives the Gregorian year (Juche 1 = 1912). "
        "Show your working where there is room.")


def test_a_recipe_may_drop_or_replace_the_text_about_the_sources(tmp_path):
    path = tmp_path / "r.yaml"
    path.write_text("about_sources: ''\ninstructions: Use a pen.\nquestions:\n  - skill: B1\n    count: 1\n", encoding="utf-8")
    assert load_recipe(path).instructions == "Use a pen."
    assert load_recipe(path, {"about_sources": "Two newspapers."}).instructions == "Two newspapers. Use a pen."


def test_a_bank_yaml_mistake_is_reported_with_file_line_and_field(runner, tmp_path):
    bank = tmp_path / "mybank"
    for part in ("sources", "claims", "questions"):
        (bank / part).mkdir(parents=True)
    for suffix in (".txt", ".yaml"):
        (bank / "sources" / f"naenara{suffix}").write_bytes((paths.bank_dir() / "sources" / f"naenara{suffix}").read_bytes())
    skeleton = Path(workspace.__file__).parent / "skeleton"
    (bank / "claims" / "naenara.yaml").write_bytes((skeleton / "claims.yaml").read_bytes())
    (bank / "questions" / "naenara.yaml").write_bytes((skeleton / "questions.yaml").read_bytes())
    (bank / "bank.yaml").write_text("title: Mine\nabout: Two papers.\nskill_instructions:\n  dates: Count.\n",
                                    encoding="utf-8")
    result = runner.invoke(main, ["bank", "validate", "--bank", str(bank)])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "mybank/bank.yaml:2: field 'about': unknown field 'about'; "
        "bank.yaml has title, instructions, about_sources, skill_instructions",
        "mybank/bank.yaml:4: field 'skill_instructions.dates': 'dates' is not a skill; use one of: "
        "identify-bias, date-checking, corroborate",
        "2 problems in mybank/bank.yaml",
    ]


def test_a_workspace_without_a_default_recipe_says_which_to_name(runner, tmp_path, monkeypatch):
    ws = _init(runner, tmp_path / "ws", "--empty")
    (ws / "recipes" / "default.yaml").rename(ws / "recipes" / "first.yaml")
    monkeypatch.chdir(ws)
    result = runner.invoke(main, ["build"])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "recipes/default.yaml: this workspace has no default recipe; name one: quizgen build recipes/first.yaml",
        "no recipe to build",
    ]
    assert not any((ws / "output").iterdir())


def test_export_in_a_workspace_writes_into_its_output_folder(runner, tmp_path, monkeypatch):
    ws = _init(runner, tmp_path / "ws", "--empty")
    monkeypatch.chdir(ws / "bank")
    result = runner.invoke(main, ["export", "--formats", "gift"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[-3].endswith(" \u2192 ../output/bank-gift.txt")
    assert lines[-1].startswith("wrote ../output/bank-manifest.json (")
    assert "[id:naeq-date-true]" in (ws / "output" / "bank-gift.txt").read_text(encoding="utf-8")


def test_bank_yaml_values_are_checked_like_a_recipes(tmp_path):
    from quizgen.errors import BankError
    from quizgen.recipe import read_bank_info

    (tmp_path / "bank.yaml").write_text(f"title: {'x' * 201}\ninstructions: [a, b]\nabout_sources: Two papers.\n",
                                        encoding="utf-8")
    with pytest.raises(BankError) as info:
        read_bank_info(tmp_path)
    name = tmp_path.name
    assert info.value.lines() == [
        f"{name}/bank.yaml:1: field 'title': 201 characters is too long; keep it to 200",
        f"{name}/bank.yaml:2: field 'instructions': expected text, found [a, b]",
        f"2 problems in {name}/bank.yaml",
    ]
    (tmp_path / "bank.yaml").write_text("about_sources: Two papers.\n", encoding="utf-8")
    assert read_bank_info(tmp_path) == {"about_sources": "Two papers."}


def test_a_workspace_naming_a_missing_bank_says_file_line_and_field(runner, tmp_path, monkeypatch):
    """Not a bare 'no bank folder at /abs/path': the teacher is pointed at the line of quizgen-workspace.yaml to fix."""
    ws = _init(runner, tmp_path / "ws", "--empty")
    marker = ws / workspace.MARKER
    marker.write_text(marker.read_text(encoding="utf-8").replace("bank: bank", "bank: mybank"), encoding="utf-8")
    line = next(n for n, text in enumerate(marker.read_text(encoding="utf-8").splitlines(), 1) if text.startswith("bank:"))
    monkeypatch.chdir(ws / "recipes")
    for command in (["bank", "list"], ["bank", "validate"], ["build", "--format", "gift"], ["export", "--format", "gift"],
                    ["sources", "list"]):
        result = runner.invoke(main, command)
        assert result.exit_code == 1, (command, result.output)
        assert result.stderr.splitlines() == [
            f"{marker}:{line}: field 'bank': {ws / 'mybank'} does not exist; correct the path (relative to this "
            "file's folder) or put the bank there",
            "the workspace's bank folder does not exist",
        ], command
    assert not (ws / "mybank").exists() and not list((ws / "output").iterdir())
    (ws / "mybank").write_text("", encoding="utf-8")
    assert "mybank is a file, not a folder" in runner.invoke(main, ["bank", "list"]).stderr
    # A workspace file with no 'bank:' at all: its default, named as such.
    marker.write_text("recipes: recipes\n", encoding="utf-8")
    (ws / "bank").rename(ws / "elsewhere")
    assert runner.invoke(main, ["bank", "list"]).stderr.splitlines()[0] == (
        f"{marker}: field 'bank': this file gives no 'bank:', so the bank is {ws / 'bank'}, which does not exist; "
        "add 'bank: FOLDER' or put the bank there")


_HOW_A_BANK_IS_FOUND = (
    "quizgen reads the bank named by the nearest quizgen-workspace.yaml (in the working folder or one above it), "
    "else the bank shipped with it; `quizgen init DIR` makes a workspace")


@pytest.mark.parametrize("kind, what", [
    ("missing", "no such folder"),
    ("file", "a file, not a folder"),
    ("loop", "a symbolic link that loops (following it leads back to it)"),
    ("dangling", "a link to {gone}, which does not exist"),
])
def test_a_bank_option_naming_no_folder_is_one_line_saying_what_to_do(runner, tmp_path, monkeypatch, kind, what):
    """--bank at a missing folder, a file, a looping or dangling link: path, what is wrong, how a bank is found.

    Every command with --bank says the same line (not click's usage error for a file, nor a bare
    'no bank folder at …', nor an internal error), and writes nothing.
    """
    monkeypatch.chdir(tmp_path)
    target = tmp_path / "mybank"
    if kind == "file":
        target.write_text("not a bank\n", encoding="utf-8")
    elif kind == "loop":
        target.symlink_to("mybank")
    elif kind == "dangling":
        target.symlink_to(tmp_path / "gone")
    (tmp_path / "out").mkdir()
    for command in (["bank", "list"], ["bank", "validate"], ["bank", "stats"], ["sources", "list"],
                    ["build", "-o", "out", "--format", "html-practice"], ["export", "-o", "out", "--format", "gift"]):
        result = runner.invoke(main, [*command, "--bank", "mybank"])
        assert result.exit_code == 1, (command, result.output)
        assert result.stderr.splitlines() == [
            f"mybank: --bank: {what.format(gone=tmp_path / 'gone')}; name the folder that holds the bank's sources/, "
            f"claims/ and questions/, or leave --bank out: {_HOW_A_BANK_IS_FOUND}"], command
    assert list((tmp_path / "out").iterdir()) == []


def test_no_bank_found_anywhere_says_how_quizgen_looks_for_one(runner, tmp_path, monkeypatch):
    """Outside a workspace, an install whose shipped bank is missing: not a bare path, but where quizgen looked."""
    gone = tmp_path / "site-packages" / "quizgen" / "banks"
    monkeypatch.setattr(paths, "bank_dir", lambda: gone)
    (tmp_path / "here").mkdir()
    monkeypatch.chdir(tmp_path / "here")
    assert workspace.find() is None
    result = runner.invoke(main, ["bank", "list"])
    assert result.exit_code == 1, result.output
    assert result.stderr.splitlines() == [
        f"{gone}: no bank found: this folder is in no workspace and the bank shipped with quizgen is missing "
        f"(reinstall quizgen); {_HOW_A_BANK_IS_FOUND}, or name one with --bank"]
