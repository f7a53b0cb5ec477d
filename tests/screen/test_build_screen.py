"""`quizgen build` with the screen formats: html-practice, html-assessment and pdf-form."""

from __future__ import annotations

import pytest
from conftest import write_recipe

from quizgen.cli import main
from quizgen.manifest import build_id
from quizgen.responses import read_answers

# Builds PDFs, forms and pages.
pytestmark = pytest.mark.slow


def test_default_recipe_writes_all_three_for_every_version(runner, tmp_path, sampler):
    result = runner.invoke(main, ["build", "--format", "html-practice,html-assessment,pdf-form", "-o", str(tmp_path),
                                  "--workers", "2"])
    assert result.exit_code == 0, result.output
    letters = [v.letter for v in sampler.versions]
    expected = sorted([f"sampler-practice-{v}.html" for v in letters] + [f"sampler-assessment-{v}.html" for v in letters]
                      + [f"sampler-form-{v}.pdf" for v in letters] + ["sampler-manifest.json"])
    assert sorted(p.name for p in tmp_path.iterdir()) == expected
    for letter in letters:
        assert f"wrote {tmp_path / f'sampler-form-{letter}.pdf'} (fillable PDF, version {letter}," in result.stdout
        page = (tmp_path / f"sampler-assessment-{letter}.html").read_text(encoding="utf-8")
        assert f'"build": "{build_id(sampler)}"' in page and f'"version": "{letter}"' in page
    # Same bank, recipe and seed: the same bytes.
    again = tmp_path / "again"
    runner.invoke(main, ["build", "--format", "html-practice,pdf-form", "-o", str(again), "--workers", "1"])
    for name in ("sampler-practice-A.html", "sampler-form-B.pdf"):
        assert (again / name).read_bytes() == (tmp_path / name).read_bytes()


def test_recipe_formats_name_the_screen_formats(runner, tmp_path):
    recipe = write_recipe(tmp_path, """
        title: Screens
        name: screens
        versions: 3
        formats: [html-assessment]
        questions:
          - skill: corroborate
            count: 2
    """)
    out = tmp_path / "out"
    result = runner.invoke(main, ["build", str(recipe), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == [f"screens-assessment-{v}.html" for v in "ABC"] + [
        "screens-manifest.json"]
    # Fewer versions later: the pages of versions that no longer exist go, as stale PDFs do.
    result = runner.invoke(main, ["build", str(recipe), "-o", str(out), "--versions", "2"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == [f"screens-assessment-{v}.html" for v in "AB"] + [
        "screens-manifest.json"]
    assert f"removed {out / 'screens-assessment-C.html'}" in result.stdout


def test_an_unknown_format_lists_the_screen_formats(runner, tmp_path):
    result = runner.invoke(main, ["build", "--format", "html-practise", "-o", str(tmp_path)])
    assert result.exit_code != 0
    assert "did you mean 'html-practice'" in result.output
    assert "pdf-form" in result.output
    assert list(tmp_path.iterdir()) == []


def test_a_built_form_filled_is_read_with_its_build(runner, tmp_path, sampler):
    import io

    from pypdf import PdfReader, PdfWriter

    result = runner.invoke(main, ["build", "--format", "pdf-form", "-o", str(tmp_path), "--workers", "1"])
    assert result.exit_code == 0, result.output
    writer = PdfWriter(clone_from=PdfReader(tmp_path / "sampler-form-B.pdf"))
    for page in writer.pages:
        writer.update_page_form_field_values(page, {"name": "Grace Hopper"}, auto_regenerate=False)
    out = io.BytesIO()
    writer.write(out)
    filled = tmp_path / "filled.pdf"
    filled.write_bytes(out.getvalue())
    response = read_answers(filled)
    assert (response.build, response.version, response.student) == (build_id(sampler), "B", "Grace Hopper")
    assert len(response.answers) == len(sampler.versions[1].items)


def test_build_id_follows_the_questions_not_the_delivery(sampler):
    """PDFs and pages built from one recipe at different times carry one id; another draw another id."""
    import dataclasses

    same = dataclasses.replace(sampler.recipe, formats=("html-assessment",), paper="a4", large_print=True,
                               double_sided=False, per_version_files=False, output="elsewhere")
    assert build_id(dataclasses.replace(sampler, recipe=same)) == build_id(sampler)
    shuffled = dataclasses.replace(sampler, versions=tuple(reversed(sampler.versions)))
    assert build_id(shuffled) != build_id(sampler)
    assert build_id(dataclasses.replace(sampler, recipe=dataclasses.replace(sampler.recipe, seed=2))) != build_id(sampler)
