"""`quizgen export`: a worksheet or the whole bank as LMS files (Moodle, GIFT, Canvas, QTI …).

The command gathers everything in memory (bank, worksheet, every
exporter's check, every export) and writes only when all of it worked,
through ``outputs.write_files`` (all files or none). Heavy modules are
imported inside the command so ``quizgen --help`` stays fast.
"""

from __future__ import annotations

from pathlib import Path

import click

from quizgen import exporters


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
@click.option("--output", "-o", "output_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder to write to (default: the recipe's output folder, else output/).")
@click.option("--bank", "bank_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Bank folder to use (default: the bank shipped with quizgen).")
@click.option("--seed", type=click.IntRange(min=0), default=None,
              help="Seed for shuffling and parametric numbers (default: the recipe's, or 1 for the whole bank).")
def export_command(formats: list[str], recipe: Path | None, version_letter: str, output_dir: Path | None,
                   bank_dir: Path | None, seed: int | None) -> None:
    """Export a worksheet, or without RECIPE the whole bank, for an LMS.

    \b
    With RECIPE: the assembled worksheet, every version (or --version A).
    Without:     every question of the bank, one version, for the LMS's question bank.

    Before the files are listed, each question a format cannot carry as it
    is gets one line saying what happened to it (adapted or left out).
    See docs/lms/<format>.md for how to import each file.
    """
    outputs, notes = _export(formats, recipe, version_letter, output_dir, bank_dir, seed)
    for note in notes:
        click.echo(note.format())
    from quizgen.outputs import write_files

    for path in write_files(outputs):
        click.echo(f"wrote {path}")


def _export(formats: list[str], recipe_path: Path | None, version_letter: str, output_dir: Path | None,
            bank_dir: Path | None, seed: int | None):
    """Return ({path: bytes}, notes): every export made in memory, nothing written yet."""
    import dataclasses

    from quizgen import paths
    from quizgen.bank import load_bank
    from quizgen.errors import ExportError

    bank = load_bank(bank_dir or paths.bank_dir())
    if recipe_path is not None:
        from quizgen.assemble import make_worksheet
        from quizgen.recipe import load_recipe

        recipe = load_recipe(recipe_path, {"seed": str(seed) if seed is not None else None})
        worksheet = make_worksheet(bank, recipe)
        stem = recipe.name
        folder = output_dir or Path(recipe.output_dir)
    else:
        from quizgen.assemble import whole_bank

        worksheet = whole_bank(bank, seed if seed is not None else 1)
        stem = "bank"
        folder = output_dir or Path("output")
    if version_letter.lower() != "all":
        letters = [v.letter for v in worksheet.versions]
        chosen = [v for v in worksheet.versions if v.letter.upper() == version_letter.upper()]
        if not chosen:
            raise click.BadParameter(f"no version '{version_letter}'; this worksheet has {', '.join(letters)} or all",
                                     param_hint="'--version'")
        worksheet = dataclasses.replace(worksheet, versions=tuple(chosen))
        stem = f"{stem}-{chosen[0].letter}"
    if not any(v.items for v in worksheet.versions):
        raise ExportError("nothing to export: the bank has no questions; nothing was written")
    chosen_exporters = [exporters.get_exporter(name) for name in formats]
    notes = exporters.check_all(worksheet, chosen_exporters)
    outputs = {folder / f"{stem}-{e.name}{e.suffix}": e.export(worksheet) for e in chosen_exporters}
    return outputs, notes


COMMANDS: list[click.Command] = [export_command]
