"""`quizgen responses`: check the answer files students hand back, or print their schema."""

from __future__ import annotations

import json
from pathlib import Path

import click


@click.command("responses")
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
@click.option("--schema", is_flag=True, help="Print the JSON Schema of the response file the interactive page saves.")
def responses_command(files: tuple[Path, ...], schema: bool) -> None:
    """Read students' answer files: response files (.json) saved by the
    interactive page, or filled fillable PDFs (pdf-form).

    Prints one line per file: the student, the version and build it answers,
    and how many questions have an answer. A file that cannot be read is
    named with what is wrong; the exit status is then 1. Marking reads the
    same files.
    """
    from quizgen.errors import QuizgenError
    from quizgen.responses import SCHEMA, describe, read_answers

    if schema:
        click.echo(json.dumps(SCHEMA, indent=2, ensure_ascii=False))
        return
    if not files:
        raise click.UsageError("give the answer files to read, or --schema")
    failed = []
    for path in files:
        try:
            click.echo(describe(read_answers(path)))
        except QuizgenError as err:
            failed.append(err)
    for err in failed:
        for line in err.lines():
            click.echo(line, err=True)
    if failed:
        raise click.exceptions.Exit(1)


COMMANDS: list[click.Command] = [responses_command]
