"""`quizgen export`: a worksheet or the whole bank as LMS files (Moodle, GIFT, Canvas, QTI …).

``build.export`` makes everything in memory (bank, worksheet, every
format's plan, every export, the report); the command writes only when all
of it worked, through ``build.write_outputs`` (all files or none, with the
manifest), then prints one line per format. Heavy modules are imported
inside the command so ``quizgen --help`` stays fast.
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
@click.option("--formats", "--format", "-f", "formats", multiple=True, required=True, callback=_formats,
              metavar="F[,F…]", help=f"Export formats, comma-separated: {', '.join(exporters.names())}"
                                   " (--format is the same option).")
@click.argument("recipe", required=False, type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.option("--version", "version_letter", default="all", show_default=True, metavar="LETTER|all",
              help="Export one version of the worksheet (A, B …) or all of them.")
@click.option("--output", "-o", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder to write to (default: the recipe's output folder, else output/).")
@click.option("--bank", "bank_dir", type=click.Path(path_type=Path), metavar="DIRECTORY", default=None,
              help="Bank folder to use (default: the workspace's, else the bank shipped with quizgen, read-only).")
@click.option("--seed", type=click.IntRange(min=0), default=None,
              help="Seed for shuffling and parametric numbers (default: the recipe's, or 1 for the whole bank).")
@click.option("--force", is_flag=True,
              help="Overwrite files in the output folder that quizgen did not write, and write where the recipe's"
                   " output: points outside its folder.")
@click.option("--verbose", "-v", is_flag=True, help="Also print what each format adapted or left out, question by question.")
def export_command(formats: list[str], recipe: Path | None, version_letter: str, output: Path | None,
                   bank_dir: Path | None, seed: int | None, force: bool, verbose: bool) -> None:
    """Export a worksheet, or without RECIPE the whole bank, for an LMS.

    \b
    With RECIPE: the assembled worksheet, every version (or --version A).
    Without:     every question of the bank, one version, for the LMS's question bank.

    Files are named NAME-FORMAT.EXT (bank-gift.txt, unit3-canvas-qti.zip).
    Each format gets one line: questions written, adapted and left out, and
    its file. What was adapted or left out, question by question, is in
    NAME-export-report.txt beside them (and printed with --verbose). See
    docs/lms/<format>.md for how to import each file.
    """
    from quizgen.build import export, write_outputs

    bank = workspace.bank_dir(bank_dir)
    report = export(formats, recipe, bank, version=version_letter, seed=seed, output=output,
                    default_output=workspace.default_output(), force=force)
    write_outputs(report, bank, force=force, progress=lambda message: click.echo(message, err=True))
    if verbose:
        for note in report.export_notes:
            click.echo(note.format())
    for line in report.summaries:  # one per format, naming its file
        click.echo(line)
    for out in report.outputs[len(report.summaries):]:  # the report beside them, the manifest
        click.echo(f"wrote {out.path} ({out.label})")
    for path in report.removed:
        click.echo(f"removed {path} (left from an earlier export; it would not match these versions)")
    for path, why in report.kept:
        click.echo(f"left {path} as it is: an earlier export wrote it, but {why}", err=True)


COMMANDS: list[click.Command] = [export_command]
