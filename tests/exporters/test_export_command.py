"""`quizgen export`: option wiring, the adaptation report, all-or-nothing writing."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree

from quizgen.cli import main

BANK = Path(__file__).resolve().parents[1] / "projects" / "worksheet"

RECIPE = """\
title: Liberation 1945
name: lib
versions: 2
seed: 3
questions:
  - skill: identify-bias
    count: 2
  - skill: date-checking
    count: 2
"""


@pytest.fixture
def run(tmp_path):
    def invoke(*args: str):
        return CliRunner().invoke(main, ["export", *args], catch_exceptions=False)
    return invoke


def test_whole_bank_to_every_one_of_my_formats(run, tmp_path):
    out = tmp_path / "out"
    result = run("--format", "moodle-xml,gift", "-f", "canvas-qti,qti21", "--bank", str(BANK), "--output", str(out))
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in out.iterdir())
    assert names == ["bank-canvas-qti.canvas-qti.zip", "bank-gift.gift.txt", "bank-manifest.json", "bank-moodle-xml.xml",
                     "bank-qti21.qti21.zip"]
    lines = result.output.splitlines()
    # Adaptations come first, one line per question and format, then the files.
    assert any(line.startswith("moodle-xml: adapted: question ") and "ordering carried as matching" in line for line in lines)
    assert lines[-5:] == [f"wrote {out / n}" for n in ("bank-moodle-xml.xml", "bank-gift.gift.txt",
                                                         "bank-canvas-qti.canvas-qti.zip", "bank-qti21.qti21.zip",
                                                         "bank-manifest.json")]
    root = etree.parse(str(out / "bank-moodle-xml.xml")).getroot()
    assert len([q for q in root if q.get("type") != "category"]) > 0
    with zipfile.ZipFile(out / "bank-qti21.qti21.zip") as z:
        assert z.namelist()[0] == "imsmanifest.xml"


def test_recipe_one_version(run, tmp_path):
    recipe = tmp_path / "lib.yaml"
    recipe.write_text(RECIPE, encoding="utf-8")
    out = tmp_path / "out"
    result = run("-f", "canvas-qti", str(recipe), "--version", "b", "--bank", str(BANK), "-o", str(out))
    assert result.exit_code == 0, result.output
    data = (out / "lib-B-canvas-qti.canvas-qti.zip").read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        quizzes = [n for n in z.namelist() if n.endswith("assessment_meta.xml")]
    assert len(quizzes) == 1


def test_same_seed_same_bytes(run, tmp_path):
    recipe = tmp_path / "lib.yaml"
    recipe.write_text(RECIPE, encoding="utf-8")
    for folder in ("one", "two"):
        assert run("-f", "gift,qti21", str(recipe), "--bank", str(BANK), "-o", str(tmp_path / folder), "--seed", "9").exit_code == 0
    for name in ("lib-gift.gift.txt", "lib-qti21.qti21.zip"):
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes()


def test_unknown_format_suggests_close_match(run):
    result = CliRunner().invoke(main, ["export", "-f", "gifft"])
    assert result.exit_code == 2
    assert "unknown format 'gifft' (did you mean 'gift'?)" in result.output


def test_unknown_version_letter(run, tmp_path):
    recipe = tmp_path / "lib.yaml"
    recipe.write_text(RECIPE, encoding="utf-8")
    result = CliRunner().invoke(main, ["export", "-f", "gift", str(recipe), "--version", "Z", "--bank", str(BANK), "-o", str(tmp_path)])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == ["--version: no version 'Z'; the recipe makes A, B (or use all)", "nothing was written"]
    assert not list(tmp_path.glob("*.txt"))


def test_empty_bank_writes_nothing(run, tmp_path):
    empty = tmp_path / "bank"
    for sub in ("sources", "claims", "questions"):
        (empty / sub).mkdir(parents=True)
    result = CliRunner().invoke(main, ["export", "-f", "gift", "--bank", str(empty), "-o", str(tmp_path / "out")])
    assert result.exit_code == 1  # the bank loader refuses it, one line per problem
    assert not (tmp_path / "out").exists()


def test_help_lists_the_registry(run):
    result = CliRunner().invoke(main, ["export", "--help"])
    assert result.exit_code == 0
    for name in ("moodle-xml", "gift", "canvas-qti", "qti21", "cc", "kahoot", "anki"):
        assert name in result.output
