"""`quizgen init`: make a teacher's workspace."""

from __future__ import annotations

from pathlib import Path

import click


@click.command("init")
@click.argument("folder", required=False, default=".", type=click.Path(path_type=Path))
@click.option("--empty", is_flag=True,
              help="Start from a skeleton (one example source, claim, question and recipe, each commented) "
                   "instead of a copy of the shipped bank.")
def init_command(folder: Path, empty: bool) -> None:
    """Make a workspace in FOLDER (new or empty; default: this folder).

    \b
    FOLDER/
      quizgen-workspace.yaml   marks the workspace
      bank/                    the bank: a copy of the shipped one (or --empty: a skeleton)
      recipes/                 default.yaml (what `quizgen build` makes) and a starter recipe
      output/                  where builds write

    Every quizgen command run in FOLDER, or in a folder below it, then uses
    this bank and these recipes, without --bank.
    """
    from quizgen import workspace

    marker = workspace.init(folder, empty=empty)
    folder = folder if str(folder) != "." else Path.cwd()
    what = "a skeleton bank (one commented example of each file)" if empty else "a copy of the shipped bank"
    click.echo(f"made a workspace in {folder} with {what}: {marker.name}, bank/, recipes/, output/")
    click.echo(f"next: cd {folder}, then `quizgen bank list`, `quizgen build`"
               + (" (recipes/default.yaml)" if empty else " (the sampler) or `quizgen build recipes/starter.yaml`"))


COMMANDS: list[click.Command] = [init_command]
