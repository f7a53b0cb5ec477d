"""`quizgen bank …`: check and browse the question bank."""

from __future__ import annotations

import json
from pathlib import Path

import click

from quizgen import workspace

bank_option = click.option(
    "--bank",
    "bank_dir",
    type=click.Path(path_type=Path),  # not file_okay=False: workspace.bank_dir says what is wrong, in one line
    metavar="DIRECTORY",
    default=None,
    help="Bank folder to use (default: the workspace's, else the bank shipped with quizgen, read-only).",
)
json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")


def _load(bank_dir: Path | None, strict: bool = False):
    from quizgen.bank import load_bank

    return load_bank(workspace.bank_dir(bank_dir), strict=strict)


def filter_options(command):
    """Add the question filters a recipe line has (same names, same meaning), and two more."""
    options = [
        click.option("--skill", default=None, help="A skill (identify-bias, date-checking, corroborate) or a sub-skill code, e.g. B1."),
        click.option("--kinds", "--kind", "kinds", default=None, help="Question kinds, comma-separated, e.g. numeric,ordering."),
        click.option("--sources", "--source", "sources", default=None, help="Source ids, comma-separated, e.g. memoir,kcna."),
        click.option("--difficulty", default=None, help="Difficulty or range, 1 (easy) to 3, e.g. 2 or 1-2."),
        click.option("--grade-band", default=None, help="The class: 6-8, 9-10 or 11-12 (its questions and younger ones)."),
        click.option("--cards", is_flag=True, default=None, help="As a recipe with cards: true: leave out look-it-up questions."),
        click.option("--subskill", default="", help="Sub-skill code, e.g. B1 (the same as --skill B1)."),
        click.option("--tag", default="", help="Teaching tag, e.g. look-it-up (questions that need an outside look-up)."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _filter(bank, skill, kinds, sources, difficulty, grade_band, cards, subskill, tag):
    """Return the QuestionFilter the options describe; bad values are usage errors (exit 2)."""
    from quizgen.catalog import QuestionFilter
    from quizgen.errors import RecipeError
    from quizgen.recipe import read_filter

    try:
        line, band, cards = read_filter({"skill": skill, "kinds": kinds, "sources": sources, "difficulty": difficulty,
                                         "grade_band": grade_band, "cards": cards})
    except RecipeError as err:
        raise click.UsageError("\n".join(err.lines())) from None
    flt = QuestionFilter(line, band, cards, subskill, tag)
    _check_filter(flt, bank)
    return flt


@click.group("bank")
def bank_group() -> None:
    """Check and browse the question bank (sources, claims, questions)."""


@bank_group.command("validate")
@bank_option
@click.option("--strict", is_flag=True, help="Treat warnings (e.g. a claim no question uses) as errors.")
def validate(bank_dir: Path | None, strict: bool) -> None:
    """Check every file of the bank and list every problem found.

    Each problem is one line: file, line, the question or claim, the field,
    and what is wrong. Exit status 1 if there is any.
    """
    from quizgen.assemble import check_recipes
    from quizgen.bank import check_bank, raise_problems

    from quizgen.recipe import read_bank_info

    folder = workspace.bank_dir(bank_dir)
    bank, checker = check_bank(folder)
    raise_problems(checker, strict)
    read_bank_info(folder)
    recipes = check_recipes(bank, workspace.recipes_dir(bank_dir), folder)
    for warning in checker.diagnostics:
        click.echo(warning.format(), err=True)
    click.echo(f"bank is valid: {len(bank.sources)} sources, {len(bank.claims)} claims, {len(bank.questions)} questions"
               + (f"; {recipes} {'recipe builds' if recipes == 1 else 'recipes build'}" if recipes else ""))


@bank_group.command("schema")
def schema() -> None:
    """Print a JSON Schema of the bank's YAML files, for editors that check YAML."""
    from quizgen.bankformat import json_schema

    click.echo(json.dumps(json_schema(), indent=2, ensure_ascii=False))


@bank_group.command("list")
@bank_option
@filter_options
@click.option("--format", "output_format", type=click.Choice(["text", "csv", "json"]), default="text",
              help="text: each question's facts and whole stem, wrapped to the terminal; csv or json for other tools.")
@click.option("--json", "as_json", is_flag=True, hidden=True, help="The same as --format json.")
def list_questions(bank_dir, output_format, as_json, **filters) -> None:
    """List questions with their ids and whole stems, filtered as a recipe line filters.

    Name the questions you want on a worksheet in a recipe: `- id: ID`.
    """
    from quizgen.catalog import list_rows, plain, select

    bank = _load(bank_dir)
    found = select(bank, _filter(bank, **filters))
    if as_json or output_format == "json":
        click.echo(json.dumps([plain(q) for q in found], indent=2, ensure_ascii=False))
    elif output_format == "csv":
        click.echo(_csv(list_rows(bank, found)), nl=False)
    else:
        rows = list_rows(bank, found)
        click.echo(_listing(rows, _width()))
        click.echo(f"{len(found)} question{'s' if len(found) != 1 else ''}")


@bank_group.command("show")
@click.argument("ids", nargs=-1, metavar="[ID]...")
@bank_option
@filter_options
@click.option("--key", is_flag=True, help="Also show what the answer key shows: answer, explanation, rubric, "
                                          "the claims' verdicts and references.")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", help="text or json.")
@click.option("--seed", type=click.IntRange(min=0), default=1, show_default=True,
              help="Seed for the choice order and a parametric question's numbers (as a recipe's seed).")
def show(ids, bank_dir, key, output_format, seed, **filters) -> None:
    """Show questions whole, as a student sees them on a worksheet.

    Each ID is a question id (`quizgen bank list` shows them); with no ID,
    every question that passes the filters. Shows the stem, the excerpts
    with their line numbers, the choices (in version A's shuffled order)
    and what the answer space is; --key adds the answer key's part.
    """
    from quizgen.catalog import select
    from quizgen.errors import close_match
    from quizgen.preview import format_preview, preview

    bank = _load(bank_dir)
    flt = _filter(bank, **filters)
    for ident in ids:
        if ident not in bank.questions:
            raise click.BadParameter(f"no question '{ident}' in the bank{close_match(ident, bank.questions)}",
                                     param_hint="ID")
    passing = {q.id for q in select(bank, flt)}
    chosen = [i for i in dict.fromkeys(ids) if i in passing] if ids else [q for q in bank.questions if q in passing]
    entries = preview(bank, chosen, key=key, cards=flt.cards, seed=seed) if chosen else []
    if output_format == "json":
        click.echo(json.dumps(entries, indent=2, ensure_ascii=False))
    elif entries:
        click.echo(format_preview(entries, _width()))
    else:
        click.echo("no question passes the filters", err=True)


def _width() -> int:
    """Return the terminal's width (80 when the output is not a terminal and COLUMNS is not set)."""
    import shutil

    return max(40, shutil.get_terminal_size((80, 24)).columns)


def _listing(rows: list[dict], width: int) -> str:
    """Return the text listing: per question, its id and facts, then its whole stem wrapped and indented."""
    import textwrap

    out = []
    for row in rows:
        facts = f"{row['subskill']} {row['kind']} · d{row['difficulty']} · {row['grade_band']} · {row['sources']}"
        tags = f" · {row['tags']}" if row["tags"] else ""
        tags += " · parametric: {names} change per version" if row["parametric"] else ""
        out += textwrap.wrap(f"{row['id']}  {facts}{tags}", width, subsequent_indent="    ", break_on_hyphens=False)
        out += textwrap.wrap(row["stem"], width, initial_indent="    ", subsequent_indent="    ", break_on_hyphens=False)
    return "\n".join(out)


def _csv(rows: list[dict]) -> str:
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]) if rows else ["id"], lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


@bank_group.command("stats")
@bank_option
@json_option
def stats(bank_dir, as_json) -> None:
    """Count questions per skill, sub-skill, kind, source and claims per verdict."""
    from quizgen.catalog import stats as bank_stats

    data = bank_stats(_load(bank_dir))
    if as_json:
        click.echo(json.dumps(data, indent=2))
        return
    click.echo(f"{data['sources']} sources, {data['claims']} claims, {data['questions']} questions ({data['parametric']} parametric)")
    for key, value in data.items():
        if isinstance(value, dict):
            click.echo(f"\n{key.replace('_', ' ')}:")
            for name, count in value.items():
                click.echo(f"  {name:24} {count:4}")


@bank_group.command("dump")
@bank_option
@click.option("-o", "--output", type=click.Path(dir_okay=False, allow_dash=True, path_type=Path), default=None,
              help="Write to this file instead of standard output ('-': standard output).")
def dump(bank_dir, output) -> None:
    """Write the whole loaded bank (sources' metadata, claims, questions) as one JSON document."""
    from quizgen.catalog import dump as bank_dump
    from quizgen.outputs import write_files

    text = json.dumps(bank_dump(_load(bank_dir)), indent=2, ensure_ascii=False) + "\n"
    if output is None or str(output) == "-":
        click.echo(text, nl=False)
        return
    write_files({output: text.encode("utf-8")})
    click.echo(f"wrote {output}")


def _check_filter(flt, bank) -> None:
    from quizgen import model

    checks = [
        ("--subskill", flt.subskill, list(model.SUBSKILLS)),
        ("--tag", flt.tag, list(model.QUESTION_TAGS)),
        ("--sources", next((s for s in flt.line.sources if s not in bank.sources), ""), list(bank.sources)),
    ]
    for hint, value, options in checks:
        if value and value not in options:
            raise click.BadParameter(f"'{value}' is not one of: {', '.join(options)}", param_hint=hint)


COMMANDS: list[click.Command] = [bank_group]
