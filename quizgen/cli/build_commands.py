"""`quizgen build`: worksheets, answer keys and class packs from a recipe."""

from __future__ import annotations

from pathlib import Path

import click

from quizgen import exporters, workspace


def _formats_help() -> str:
    from quizgen.build import RENDERED_FORMATS

    return ("Comma-separated: " + ", ".join([*RENDERED_FORMATS, *exporters.names()])
            + " (default: the recipe's, else pdf; --format is the same option). html-practice and"
            " html-assessment: an interactive page per version; pdf-form: a fillable PDF per version.")


@click.command("build")
@click.argument("recipe", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--bank", "bank_dir", type=click.Path(path_type=Path), metavar="DIRECTORY", default=None,
              help="Bank folder to use (default: the workspace's, else the bank shipped with quizgen, read-only).")
@click.option("-o", "--output", default=None, help="Folder to write into (default: the recipe's, else output).")
@click.option("--title", default=None, help="Title printed on every page.")
@click.option("--instructions", default=None, help="Instructions printed under the title.")
@click.option("--about-sources", default=None, help="Where the texts come from, printed before the instructions.")
@click.option("--name", default=None, help="Start of the file names, e.g. unit3 → unit3-answer-key.pdf.")
@click.option("--questions", "--skill", "skills", multiple=True, metavar="SKILL=COUNT",
              help="Questions to draw, e.g. --questions date-checking=4 --questions B1=2 (replaces the recipe's"
                   " questions list; --skill is the same option).")
@click.option("--kinds", default=None, help="Question kinds allowed, comma-separated (e.g. single-choice,numeric).")
@click.option("--sources", default=None, help="Source ids to draw from, comma-separated (e.g. memoir,kcna).")
@click.option("--difficulty", default=None, help="Difficulty or range: 1 (easy) to 3 (hard), e.g. 1-2.")
@click.option("--grade-band", default=None, help="6-8, 9-10 or 11-12.")
@click.option("--versions", default=None, help="Number of versions (A, B, C …).")
@click.option("--seed", default=None, help="Seed: the same seed gives the same worksheets.")
@click.option("--paper", default=None, help="letter or a4.")
@click.option("--large-print/--no-large-print", default=None, help="Bigger type and more room to write.")
@click.option("--excerpts/--no-excerpts", default=None, help="Print the source excerpts with the questions.")
@click.option("--cards/--no-cards", default=None,
              help="For a class without web access: print the outside evidence for verdict questions"
                   " and leave out questions that need a look-up.")
@click.option("--per-version-files/--no-per-version-files", "--per-version/--no-per-version", "per_version",
              default=None, help="Also write one worksheet PDF per version (--per-version is the same option).")
@click.option("--double-sided/--single-sided", "double_sided", default=None,
              help="Class pack for double-sided printing (the default): a blank page after a version"
                   " with an odd number of pages, so each version starts a new sheet.")
@click.option("--shuffle/--no-shuffle", default=None,
              help="Shuffle question order in each version (default: yes, unless the recipe names questions by id).")
@click.option("--minutes", default=None, metavar="N",
              help="The time the class has: the build warns when a version's estimated working time is longer.")
@click.option("--answer-sheet/--no-answer-sheet", "answer_sheet", default=None,
              help="Print a reusable question booklet per version, without room to write, and a short answer"
                   " sheet per student instead of worksheets.")
@click.option("--students", default=None, metavar="N",
              help="With --answer-sheet: put N answer sheets in the class pack, versions dealt in turn.")
@click.option("--formats", "--format", "formats", default=None, help=_formats_help())
@click.option("--workers", type=click.IntRange(1, 64), default=None, help="Processes to render PDFs with (default: one per CPU).")
@click.option("-q", "--quiet", is_flag=True, help="Print only what was written.")
@click.option("--force", is_flag=True,
              help="Overwrite files in the output folder that quizgen did not write, and write where the recipe's"
                   " output: points outside its folder.")
def build_command(recipe, bank_dir, output, title, instructions, about_sources, name, skills, kinds, sources, difficulty,
                  grade_band, versions, seed, paper, large_print, excerpts, cards, per_version, double_sided, shuffle,
                  minutes, answer_sheet, students, formats, workers, quiet, force):
    """Build worksheets, answer key and class pack from RECIPE.

    With no RECIPE, builds the workspace's recipes/default.yaml (outside a
    workspace, the shipped 12-question sampler). Options override
    what the recipe says. Every file is made before any is written: if
    something fails, nothing is left half-written.
    """
    from quizgen.build import build
    from quizgen.recipe import load_recipe

    options = dict(
        output=output, title=title, instructions=instructions, name=name, questions=list(skills), kinds=kinds,
        sources=sources, difficulty=difficulty, grade_band=grade_band, versions=versions, seed=seed, paper=paper,
        large_print=large_print, excerpts=excerpts, cards=cards, per_version_files=per_version, formats=formats,
        double_sided=double_sided, about_sources=about_sources, shuffle=shuffle, minutes=minutes,
        answer_sheet=answer_sheet, students=students,
    )
    bank = workspace.bank_dir(bank_dir)
    loaded = load_recipe(recipe if recipe is not None else workspace.default_recipe(bank_dir), options, bank=bank,
                         default_output=workspace.default_output(), allow_outside=force)
    progress = None if quiet else (lambda message: click.echo(message, err=True))
    report = build(loaded, bank, progress=progress, workers=workers, force=force)
    for note in [] if quiet else report.notes:  # warnings of the build itself (the working time, say)
        click.echo(note.format(), err=True)
    for line in [] if quiet else report.summaries:  # one line per export format; the detail is in its report
        click.echo(line, err=True)
    for out in report.outputs:
        click.echo(f"wrote {out.path} ({out.label}, {_size(len(out.data))})")
    for path in report.removed:
        click.echo(f"removed {path} (left from an earlier build; it would not match this answer key)")
    for path, why in report.kept:
        click.echo(f"left {path} as it is: an earlier build wrote it, but {why}", err=True)
    if not quiet:
        click.echo(f"done in {report.seconds:.1f} s", err=True)


def _size(count: int) -> str:
    return f"{count / 1024:.0f} KB" if count < 1024 * 1024 else f"{count / 1024 / 1024:.1f} MB"


COMMANDS: list[click.Command] = [build_command]
