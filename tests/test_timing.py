"""Time and score: the worksheet's first page gives the total score with a box and an estimated
working time (minutes per kind, or a question's own ``minutes``); a recipe's ``minutes`` (the time
the class has) makes the build warn when a version needs longer."""

from __future__ import annotations

import dataclasses
import re
from decimal import Decimal

from conftest import project, write_recipe

from quizgen import model, timing
from quizgen.assemble import make_worksheet
from quizgen.build import build
from quizgen.cli import main
from quizgen.recipe import load_recipe


def test_every_kind_has_a_time_and_a_question_may_give_its_own(worksheet_bank):
    assert set(timing.MINUTES_PER_KIND) == set(model.QUESTION_KINDS)
    question = next(q for q in worksheet_bank.questions.values() if q.kind == "open-response")
    assert timing.question_minutes(question) == timing.MINUTES_PER_KIND["open-response"]
    assert timing.question_minutes(dataclasses.replace(question, minutes=Decimal(12))) == 12


def test_a_version_s_estimate_is_the_sum_rounded_up_to_five_minutes(worksheet_bank):
    recipe = model.Recipe("T", "", (model.Selection("date-checking", 5),), seed=1)
    version = make_worksheet(worksheet_bank, recipe).versions[0]
    total = sum(timing.question_minutes(i.question) for i in version.items)
    estimate = timing.version_minutes(version)
    assert estimate % 5 == 0 and total <= estimate < total + 5


def test_the_bank_field_minutes_is_read(tmp_path):
    from quizgen.bank import load_bank

    bank = tmp_path / "bank"
    import shutil

    shutil.copytree(project("worksheet"), bank)
    path = bank / "questions" / "date-checking.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("  - id: dc-short-founded\n", "  - id: dc-short-founded\n    minutes: 7.5\n", 1),
                    encoding="utf-8")
    assert load_bank(bank).questions["dc-short-founded"].minutes == Decimal("7.5")
    assert load_bank(project("worksheet")).questions["dc-short-founded"].minutes is None


def test_the_first_page_shows_the_total_score_with_a_box_and_the_time(tmp_path):
    """Read as laid out (pdftotext -layout): the name line ends with "Score … / N" (N the version's
    points), beside a box drawn for it, and the summary gives the estimated time."""
    import subprocess

    from quizgen.render import render_html
    from quizgen.render.context import worksheet_context

    recipe = load_recipe(write_recipe(tmp_path, "versions: 2\nper_version_files: true\nquestions:\n"
                                                "  - skill: date-checking\n    count: 4\n"))
    report = build(recipe, project("worksheet"), workers=1, write=False)
    for version in report.worksheet.versions:
        path = tmp_path / f"{version.letter}.pdf"
        path.write_bytes(next(o.data for o in report.outputs if o.path.name == f"recipe-worksheet-{version.letter}.pdf"))
        first = subprocess.run(["pdftotext", "-layout", "-f", "1", "-l", "1", str(path), "-"], capture_output=True,
                               text=True, check=True).stdout
        (fields,) = [line for line in first.splitlines() if "Name" in line]
        assert re.search(rf"Class .* Date .* Score\s+/\s*{version.points}\s*$", fields), fields
        summary = " ".join(first.split())
        assert f"{len(version.items)} questions · {version.points} points · about {timing.version_minutes(version)} minutes" in summary
        html = render_html("worksheet.html.j2", worksheet_context(report.worksheet, version))
        assert html.count('class="total-box"') == 1


def test_the_build_warns_when_a_version_needs_longer_than_the_recipe_gives(tmp_path, runner):
    recipe = write_recipe(tmp_path, "versions: 2\nminutes: 5\nformats: [gift]\nquestions:\n  - skill: date-checking\n    count: 4\n")
    result = runner.invoke(main, ["build", str(recipe), "--bank", str(project("worksheet")), "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.stderr.splitlines() if "warning" in line]
    assert len(warnings) == 2, result.stderr
    assert all(re.fullmatch(r".*recipe\.yaml: warning: field 'minutes': version [AB] takes about \d+ minutes, longer than "
                            r"the 5 the recipe gives .*", w) for w in warnings), warnings
    result = runner.invoke(main, ["build", str(recipe), "--bank", str(project("worksheet")), "-o", str(tmp_path / "out"),
                                  "--minutes", "90"])
    assert result.exit_code == 0 and "warning" not in result.stderr
