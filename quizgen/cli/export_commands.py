"""`quizgen export`: a worksheet or the whole bank as LMS files (Moodle, GIFT, Canvas, QTI …).

``build.export`` makes everything in memory (bank, worksheet, every
exporter's check, every export); the command writes only when all of it
worked, through ``build.write_outputs`` (all files or none, with the manifest). Heavy modules are
imported inside the command so ``quizgen --help`` stays fast.
"""

from __future__ import annotations

from pathlib import Path

import click

from quizgen import exporters, workspace


def _formats(ctx: click.Context, param: click.Parameter, value: tuple[str, ...]) -> list[str]:
    """Split ``--format a,b`` (repeatable) and check every name against the registry."""
    names: list[str] = []
    for chunk in value:
        for name in chunk.split(","):
            name = name.strip()
            if name and name not in names:
                names.append(name)
    if not names:
        raise click.BadParameter("give at least one format", ctx=ctx, param=param)
    for name in names:
        if name not in exporters.names():
            import difflib

            close = difflib.get_close_matches(name, exporters.names(), n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            raise click.BadParameter(f"unknown format '{name}'{hint}; choose from {', '.join(exporters.names())}",
                                     ctx=ctx, param=param)
    return names


@click.command("export")
@click.option("--format", "-f", "formats", multiple=True, required=True, callback=_formats,
              metavar="F[,F…]", help=f"Export format(s), comma-separated: {', '.join(exporters.names())}.")
@click.argument("recipe", required=False, type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.option("--version", "version_letter", default="all", show_default=True, metavar="LETTER|all",
              help="Export one version of the worksheet (A, B …) or all of them.")
@click.option("--output", "-o", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder to write to (default: the recipe's output folder, else output/).")
@click.option("--bank", "bank_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Bank folder to use (default: the workspace's, else the bank shipped with quizgen, read-only).")
@click.option("--seed", type=click.IntRange(min=0), default=None,
              help="Seed for shuffling and parametric numbers (default: the recipe's, or 1 for the whole bank).")
@click.option("--force", is_flag=True,
              help="Overwrite files in the output folder that quizgen did not write, and write where the recipe's"
                   " output: points outside its folder.")
def export_command(formats: list[str], recipe: Path | None, version_letter: str, output: Path | None,
                   bank_dir: Path | None, seed: int | None, force: bool) -> None:
    """Export a worksheet, or without RECIPE the whole bank, for an LMS.

    \b
    With RECIPE: the assembled worksheet, every version (or --version A).
    Without:     every question of the bank, one version, for the LMS's question bank.

    Before the files are listed, each question a format cannot carry as it
    is gets one line saying what happened to it (adapted or left out).
    See docs/lms/<format>.md for how to import each file.
    """
    from quizgen.build import export, write_outputs

    bank = workspace.bank_dir(bank_dir)
    report = export(formats, recipe, bank, version=version_letter, seed=seed, output=output,
                    default_output=workspace.default_output(), force=force)
    for note in report.notes:
        click.echo(note.format())
    write_outputs(report, bank, force=force, progress=lambda message: click.echo(message, err=True))
    for out in report.outputs:
        click.echo(f"wrote {out.path}")
    for path in report.removed:
        click.echo(f"removed {path} (left from an earlier export; it would not match these versions)")
    for path, why in report.kept:
        click.echo(f"left {path} as it is: an earlier export wrote it, but {why}", err=True)


COMMANDS: list[click.Command] = [export_command]
