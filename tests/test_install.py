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
