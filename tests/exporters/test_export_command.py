"""`quizgen export`: option wiring, the adaptation report, all-or-nothing writing."""

from __future__ import annotations

import io
import re
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


ALL = ("moodle-xml", "gift", "canvas-qti", "qti21", "cc", "blackboard", "brightspace", "kahoot", "anki")


def test_whole_bank_to_every_format_one_line_each(run, tmp_path):
    out = tmp_path / "out"
    result = run("--formats", "moodle-xml,gift", "-f", "canvas-qti,qti21", "--format", "cc,blackboard,brightspace,kahoot,anki",
                 "--bank", str(BANK), "--output", str(out))
    assert result.exit_code == 0, result.output
    names = {"moodle-xml": "bank-moodle-xml.xml", "gift": "bank-gift.txt", "canvas-qti": "bank-canvas-qti.zip",
             "qti21": "bank-qti21.zip", "cc": "bank-cc.imscc", "blackboard": "bank-blackboard.txt",
             "brightspace": "bank-brightspace.csv", "kahoot": "bank-kahoot.xlsx", "anki": "bank-anki.apkg"}
    assert sorted(p.name for p in out.iterdir()) == sorted([*names.values(), "bank-export-report.txt", "bank-manifest.json"])
    lines = result.output.splitlines()
    # One line per format, then the report and the manifest; no question-by-question lines without --verbose.
    assert len(lines) == len(ALL) + 2
    for line, fmt in zip(lines, ALL):
        assert re.fullmatch(rf"{fmt}: \d+ questions?, \d+ adapted, \d+ left out \u2192 {re.escape(str(out / names[fmt]))}", line), line
    assert lines[-2] == f"wrote {out / 'bank-export-report.txt'} (what each format adapted or left out, question by question)"
    assert lines[-1].startswith(f"wrote {out / 'bank-manifest.json'} (manifest")
    report = (out / "bank-export-report.txt").read_text(encoding="utf-8")
    assert all(line.replace(f"{out}/", "") in report for line in lines[:-2])
    assert re.search(r"^  question \d+ \([a-z0-9-]+\): adapted: ordering carried as matching", report, re.M)
    root = etree.parse(str(out / "bank-moodle-xml.xml")).getroot()
    assert len([q for q in root if q.get("type") != "category"]) > 0
    with zipfile.ZipFile(out / "bank-qti21.zip") as z:
        assert z.namelist()[0] == "imsmanifest.xml"


def test_summary_counts_match_the_files(run, tmp_path):
    """The counts a teacher reads are what the files hold: written, adapted and left-out questions."""
    out = tmp_path / "out"
    result = run("-f", "moodle-xml,kahoot", "--bank", str(BANK), "-o", str(out))
    assert result.exit_code == 0, result.output
    from quizgen.assemble import whole_bank
    from quizgen.bank import load_bank

    total = len(load_bank(BANK).questions)
    root = etree.parse(str(out / "bank-moodle-xml.xml")).getroot()
    assert len([q for q in root if q.get("type") != "category"]) == total
    moodle, kahoot = result.output.splitlines()[:2]
    assert moodle.startswith(f"moodle-xml: {total} questions, ")
    rows = int(re.match(r"kahoot: (\d+) question", kahoot).group(1))
    import openpyxl

    sheet = openpyxl.load_workbook(out / "bank-kahoot.xlsx")["Sheet1"]
    assert rows == sum(1 for row in sheet.iter_rows(min_row=9) if row[1].value) and rows < total
    assert kahoot.endswith(f"{total - rows} left out \u2192 {out / 'bank-kahoot.xlsx'}")
    assert whole_bank(load_bank(BANK)).versions[0].items  # the bank the counts were taken from


def test_verbose_names_each_question_by_version_and_position(run, tmp_path):
    recipe = tmp_path / "lib.yaml"
    recipe.write_text(RECIPE, encoding="utf-8")
    result = run("-f", "blackboard", str(recipe), "--bank", str(BANK), "-o", str(tmp_path / "out"), "--verbose")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    detail = [line for line in lines if line.startswith("blackboard: adapted: ")]
    assert len(detail) == 4 and all(re.match(r"blackboard: adapted: version A, question [1-4] \([a-z0-9-]+\): ", line)
                                    for line in detail)
    assert "blackboard: left-out: version B: not written: a Blackboard upload fills one test, so only version A is " \
           "exported; export this one with --version B" in lines
    assert lines[-3] == f"blackboard: 4 questions (version A only; B not written), 4 adapted, 0 left out \u2192 " \
                        f"{tmp_path / 'out' / 'lib-blackboard.txt'}"
    quiet = run("-f", "blackboard", str(recipe), "--bank", str(BANK), "-o", str(tmp_path / "out"))
    assert quiet.output.splitlines() == lines[-3:]


def test_recipe_one_version(run, tmp_path):
    recipe = tmp_path / "lib.yaml"
    recipe.write_text(RECIPE, encoding="utf-8")
    out = tmp_path / "out"
    result = run("-f", "canvas-qti", str(recipe), "--version", "b", "--bank", str(BANK), "-o", str(out))
    assert result.exit_code == 0, result.output
    data = (out / "lib-B-canvas-qti.zip").read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        quizzes = [n for n in z.namelist() if n.endswith("assessment_meta.xml")]
    assert len(quizzes) == 1


def test_same_seed_same_bytes(run, tmp_path):
    recipe = tmp_path / "lib.yaml"
    recipe.write_text(RECIPE, encoding="utf-8")
    for folder in ("one", "two"):
        assert run("-f", "gift,qti21", str(recipe), "--bank", str(BANK), "-o", str(tmp_path / folder), "--seed", "9").exit_code == 0
    for name in ("lib-gift.txt", "lib-qti21.zip", "lib-export-report.txt"):
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
