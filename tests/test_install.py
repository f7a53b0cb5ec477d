"""A plain (non-editable) install works from any working directory.

The wheel is built from a copy of the checkout, installed with ``--target``
into a temporary folder (dependencies come from the test environment), and
the installed package is run from an unrelated folder: it must find its own
templates, bank and default recipe, never the checkout's.
"""

from __future__ import annotations

import configparser
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

# Installs the package into a folder with pip.
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    work = tmp_path_factory.mktemp("install")
    checkout = work / "checkout"
    # Copy what git tracks, as a fresh clone would have it (no .venv, no output/).
    tracked = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=False)
    if tracked.returncode != 0:
        pytest.skip("not a git checkout: cannot reproduce a fresh clone")
    for name in tracked.stdout.decode().split("\0"):
        if name and (ROOT / name).is_file():
            (checkout / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, checkout / name)
    target = work / "site"
    result = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(target), str(checkout)],
        capture_output=True, text=True, check=False,
    )
    assert result.returncode == 0, result.stderr
    shutil.rmtree(checkout)  # the installed package must not lean on the checkout
    return target


def run_installed(target: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(target))
    code = "import sys; from quizgen.cli import main; sys.exit(main())"
    return subprocess.run([sys.executable, "-c", code, *args], cwd=cwd, env=env, capture_output=True, text=True, check=False)


def test_installed_package_is_the_copy_in_the_target(installed, tmp_path):
    result = run_installed(installed, tmp_path, "--help")
    assert result.returncode == 0, result.stderr
    probe = subprocess.run(
        [sys.executable, "-c", "import quizgen, quizgen.paths as p; print(quizgen.__file__); print(p.bank_dir()); print(p.templates_dir())"],
        cwd=tmp_path, env=dict(os.environ, PYTHONPATH=str(installed)), capture_output=True, text=True, check=True,
    )
    module, bank, templates = probe.stdout.splitlines()
    for path in (module, bank, templates):
        assert Path(path).resolve().is_relative_to(installed.resolve()), path
    assert (Path(bank) / "sources" / "memoir.txt").is_file()
    assert (Path(templates) / "worksheet.html.j2").is_file()


def test_console_script_is_declared(installed):
    entry_points = next(installed.glob("quizgen-*.dist-info/entry_points.txt"))
    parser = configparser.ConfigParser()
    parser.read(entry_points, encoding="utf-8")
    assert parser["console_scripts"]["quizgen"] == "quizgen.cli:main"


def test_installed_bank_validates_from_another_folder(installed, tmp_path):
    result = run_installed(installed, tmp_path, "bank", "validate")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "bank is valid: 5 sources" in result.stdout


def test_installed_build_writes_into_the_working_folder(installed, tmp_path):
    result = run_installed(installed, tmp_path, "build", "--versions", "1")
    assert result.returncode == 0, result.stdout + result.stderr
    pdfs = sorted(p.name for p in (tmp_path / "output").rglob("*.pdf"))
    assert pdfs, result.stdout


# --------------------------------------------------------------------------
# A teacher's workspace, with the installed (non-editable) quizgen: the
# README's first command installs quizgen as a copy in .venv/.


def _tree_digest(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _edit_stem(bank: Path, question_id: str, prefix: str) -> None:
    """Put ``prefix`` before the stem of ``question_id`` in the bank's YAML, as a teacher would by hand."""
    from quizgen.bank import load_bank

    stem = " ".join(load_bank(bank).questions[question_id].stem.split())
    for path in sorted((bank / "questions").glob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        if f"- id: {question_id}\n" not in text:
            continue
        start = text.index(f"- id: {question_id}\n")
        head = stem[:25]
        at = text.index(head, start)
        path.write_text(text[:at] + prefix + text[at:], encoding="utf-8")
        return
    raise AssertionError(f"no question {question_id}")


def test_installed_quizgen_in_a_workspace_builds_the_teachers_edit(installed, tmp_path):
    from quizgen.assemble import make_worksheet
    from quizgen.bank import load_bank
    from quizgen.recipe import load_recipe

    from conftest import pdf_pages_text

    shipped = _tree_digest(installed / "quizgen" / "banks")
    result = run_installed(installed, tmp_path, "init", "mywork")
    assert result.returncode == 0, result.stderr
    ws = tmp_path / "mywork"
    # The question `quizgen build --versions 1` puts first, edited by hand in the workspace.
    recipe = load_recipe(ws / "recipes" / "default.yaml", {"versions": "1"}, bank=ws / "bank")
    first = make_worksheet(load_bank(ws / "bank"), recipe).versions[0].items[0].question.id
    _edit_stem(ws / "bank", first, "(Edited by the teacher) ")
    result = run_installed(installed, ws / "recipes", "build", "--versions", "1", "--workers", "1")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "wrote ../output/sampler-worksheet.pdf" in result.stdout
    text = " ".join(pdf_pages_text((ws / "output" / "sampler-worksheet.pdf").read_bytes()))
    assert "(Edited by the teacher)" in text
    assert _tree_digest(installed / "quizgen" / "banks") == shipped


def test_installed_ingest_lands_in_the_workspace_and_is_refused_outside(installed, tmp_path):
    shipped = _tree_digest(installed / "quizgen" / "banks")
    page = (ROOT / "tests" / "projects" / "sources-synthetic" / "page.html").read_bytes()
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "page.html").write_bytes(page)
    refused = run_installed(installed, outside, "sources", "ingest", "page.html")
    assert refused.returncode == 1 and "Traceback" not in refused.stderr
    assert "make a workspace with `quizgen init DIR`" in refused.stderr
    # Naming the installed bank itself is refused too.
    named = run_installed(installed, outside, "sources", "ingest", "page.html", "--bank", str(installed / "quizgen" / "banks"))
    assert named.returncode == 1 and "it is the bank shipped with quizgen, which is read-only" in named.stderr

    assert run_installed(installed, tmp_path, "init", "--empty", "mywork").returncode == 0
    (tmp_path / "mywork" / "page.html").write_bytes(page)
    result = run_installed(installed, tmp_path / "mywork", "sources", "ingest", "page.html")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("wrote bank/sources/page.txt")
    assert (tmp_path / "mywork" / "bank" / "sources" / "page.txt").read_text(encoding="utf-8").startswith("The Final March")
    assert _tree_digest(installed / "quizgen" / "banks") == shipped


def test_installed_bank_show_and_a_broken_quote_in_a_workspace(installed, tmp_path):
    assert run_installed(installed, tmp_path, "init", "--empty", "mywork").returncode == 0
    ws = tmp_path / "mywork"
    shown = run_installed(installed, ws, "bank", "show", "naeq-date-true", "--key")
    assert shown.returncode == 0, shown.stderr
    text = " ".join(shown.stdout.split())
    for part in ("True or false: outside histories confirm the article's date", "12 │", "answer space: bubbles for True and False",
                 "answer: True", "explanation: The article is right here.", "verdict: Corroborated.",
                 "reference: Wikipedia contributors, Surrender of Japan"):
        assert part in text, part
    claims = ws / "bank" / "claims" / "naenara.yaml"
    claims.write_text(claims.read_text(encoding="utf-8").replace(
        '"the historic cause of national liberation on August 15, 1945"',
        '"the historic cause of the national liberation on August 15, 1945"'), encoding="utf-8")
    line = next(n for n, text in enumerate(claims.read_text(encoding="utf-8").splitlines(), 1) if "quote:" in text)
    result = run_installed(installed, ws, "bank", "validate")
    assert result.returncode == 1
    assert result.stderr.splitlines()[:4] == [
        f"bank/claims/naenara.yaml:{line}: claim nae-liberation-date: field 'quote': quote is not verbatim in source "
        "'naenara' line 12; the closest passage is at line 12 (differences marked ^):",
        "  quote:  the historic cause of the national liberation…",
        "  source: the historic cause of     national liberation…",
        "                               ^^^^",
    ]


def test_installed_quizgen_run_from_the_clone_reads_the_clones_bank(installed, tmp_path):
    """The README's first command installs a copy; run from the clone, quizgen still reads the clone's banks/."""
    clone = tmp_path / "clone"
    tracked = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True)
    for name in tracked.stdout.decode().split("\0"):
        if name and (ROOT / name).is_file():
            (clone / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, clone / name)
    _edit_stem(clone / "banks", "naeq-who-publishes", "(Edited in the clone) ")
    result = run_installed(installed, clone / "docs", "bank", "show", "naeq-who-publishes")
    assert result.returncode == 0, result.stderr
    assert "(Edited in the clone)" in " ".join(result.stdout.split())
    untouched = run_installed(installed, tmp_path, "bank", "show", "naeq-who-publishes")
    assert "(Edited in the clone)" not in untouched.stdout  # elsewhere: the installed copy
    help_text = "".join(run_installed(installed, clone, "--help").stdout.split())
    assert "".join(f"Here: the workspace {clone}, whose bank is {clone / 'banks'}.".split()) in help_text


def test_installed_export_writes_every_format(installed, tmp_path):
    # Some writers read shipped files (Anki's card stylesheet, under templates/): the installed copy must find them.
    formats = ("moodle-xml", "gift", "canvas-qti", "qti21", "cc", "blackboard", "brightspace", "kahoot", "anki")
    result = run_installed(installed, tmp_path, "export", "--formats", ",".join(formats))
    assert result.returncode == 0, result.stdout + result.stderr
    written = sorted(p.name for p in (tmp_path / "output").iterdir())
    for name in formats:
        assert any(f.startswith(f"bank-{name}.") for f in written), (name, written)
