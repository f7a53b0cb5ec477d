"""`quizgen sources …`: ingest a raw document, list the bank's sources, show one.

Commands only parse options, call quizgen.sources and print; errors arrive as
QuizgenError and the top-level group prints them as one line, exit 1.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import click

COMMANDS: list[click.Command] = []

_BANK_OPTION = click.option(
    "--bank",
    type=click.Path(path_type=Path),  # workspace.bank_dir checks it: one line that says what is wrong
    metavar="DIRECTORY",
    default=None,
    help="Bank folder (holds sources/). Default: the workspace's, else the bank shipped with quizgen, read-only.",
)


def _bank(bank: Path | None) -> Path:
    from quizgen import workspace

    return workspace.bank_dir(bank)


@click.group("sources")
def sources_group() -> None:
    """Ingest, list and show the source documents of the bank."""


@sources_group.command("ingest")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--id", "source_id", help="Source id (lower-case words joined by hyphens). Default: from the file name.")
@click.option("--title", help="Title. Default: read from the page, else the first heading.")
@click.option("--outlet", help="Outlet or site that carried it.")
@click.option("--publisher", help="Who published it.")
@click.option("--kind", help="Kind, e.g. 'state-media article', 'memoir (reposted)'.")
@click.option("--language", help="Language code of the text (default: en).")
@click.option("--origin", help="Where the copy comes from, as far as the text shows.")
@click.option("--published", help="Publication date as precisely as known, or 'unknown'.")
@click.option("--captured", help="When the copy was captured, or a bound.")
@click.option("--events", help="Dates of the events the text describes.")
@click.option("--date-notes", help="How the dates are known.")
@click.option("--notes", help="Notes for teachers.")
@click.option("--force", is_flag=True, help="Replace an existing source of the same id (keeps its metadata "
                                            "unless given again).")
@_BANK_OPTION
def ingest_command(file: Path, source_id: str | None, bank: Path | None, force: bool, **meta) -> None:
    """Clean a raw .txt or .html document into the bank, with its repair log.

    Writes into the workspace's bank (or --bank); never into the bank shipped
    with quizgen: outside a workspace, make one first with `quizgen init`.
    """
    from quizgen import sources, workspace

    target = workspace.writable_bank(bank)
    source, text = sources.ingest_file(file, target, force=force, id=source_id, **meta)
    text_path, yaml_path = sources.write_source(target, source, text)
    counts = sources.summary(source)["repairs"]
    detail = ", ".join(f"{rule} ×{n}" for rule, n in counts.items()) or "none"
    click.echo(f"wrote {sources.display_path(text_path)} ({len(source.lines)} lines) and "
               f"{sources.display_path(yaml_path)} (repairs: {detail})")


@sources_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@_BANK_OPTION
def list_command(as_json: bool, bank: Path | None) -> None:
    """List the bank's sources: id, kind, lines, repairs, title."""
    from quizgen import sources

    rows = [sources.summary(s) for s in sources.list_sources(_bank(bank))]
    if as_json:
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    width = max([len(r["id"]) for r in rows] + [2])
    click.echo(f"{'id':<{width}}  {'lines':>5}  {'repairs':>7}  kind / title")
    for r in rows:
        click.echo(f"{r['id']:<{width}}  {r['lines']:>5}  {sum(r['repairs'].values()):>7}  "
                   f"{r['kind']}: {r['title']}")


def _line_range(ctx: click.Context, param: click.Parameter, value: str | None) -> tuple[int, int] | None:
    if value is None:
        return None
    m = re.fullmatch(r"\s*(\d+)\s*(?:-\s*(\d+)\s*)?", value)
    if not m:
        raise click.BadParameter(f"expected a line or a range such as 12 or 12-20, got {value!r}")
    first = int(m.group(1))
    return first, int(m.group(2) or first)


@sources_group.command("show")
@click.argument("source_id", metavar="ID")
@click.option("--lines", "line_range", callback=_line_range, metavar="A-B", help="Only these lines (e.g. 12-20).")
@_BANK_OPTION
def show_command(source_id: str, line_range: tuple[int, int] | None, bank: Path | None) -> None:
    """Print a source's cleaned text with line numbers, and the repairs on those lines."""
    from quizgen import sources

    source = sources.find_source(_bank(bank), source_id)
    first, last = sources.select_lines(source, *(line_range or (None, None)))
    click.echo(sources.format_source(source, first, last))


COMMANDS.append(sources_group)
