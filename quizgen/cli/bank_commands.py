"""`quizgen bank …`: check and browse the question bank."""

from __future__ import annotations

import json
from pathlib import Path

import click

from quizgen import paths

bank_option = click.option(
    "--bank",
    "bank_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Bank folder to use (default: the bank shipped with quizgen).",
)
json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")


def _load(bank_dir: Path | None, strict: bool = False):
    from quizgen.bank import load_bank

    return load_bank(bank_dir or paths.bank_dir(), strict=strict)


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

    folder = bank_dir or paths.bank_dir()
    bank, checker = check_bank(folder)
    raise_problems(checker, strict)
    recipes = check_recipes(bank, Path(folder) / "recipes")
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
@click.option("--skill", default="", help="identify-bias, date-checking or corroborate.")
@click.option("--subskill", default="", help="Sub-skill code, e.g. B1.")
@click.option("--kind", default="", help="Question kind, e.g. numeric.")
@click.option("--source", default="", help="Source id, e.g. memoir.")
@click.option("--difficulty", default="1-3", help="Difficulty or range, e.g. 2 or 1-2.")
@click.option("--grade-band", default="", help="6-8, 9-10 or 11-12.")
@click.option("--tag", default="", help="Teaching tag, e.g. look-it-up (questions that need an outside look-up).")
@json_option
def list_questions(bank_dir, skill, subskill, kind, source, difficulty, grade_band, tag, as_json) -> None:
    """List questions, optionally filtered."""
    from quizgen.catalog import QuestionFilter, plain, select, sources_of

    bank = _load(bank_dir)
    flt = QuestionFilter(skill, subskill, kind, source, _range(difficulty), grade_band, tag)
    _check_filter(flt, bank)
    found = select(bank, flt)
    if as_json:
        click.echo(json.dumps([plain(q) for q in found], indent=2, ensure_ascii=False))
        return
    for q in found:
        stem = " ".join(q.stem.split())
        stem = stem if len(stem) <= 70 else stem[:69] + "…"
        click.echo(f"{q.id:34} {q.subskill} {q.kind:17} d{q.difficulty} {','.join(sources_of(bank, q)):22} {stem}")
    click.echo(f"{len(found)} question{'s' if len(found) != 1 else ''}")


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


def _range(text: str) -> tuple[int, int]:
    parts = text.split("-")
    try:
        low, high = int(parts[0]), int(parts[-1])
    except ValueError:
        raise click.BadParameter(f"'{text}' is not a difficulty like 2 or 1-3", param_hint="--difficulty") from None
    if len(parts) > 2 or not 1 <= low <= high <= 3:
        raise click.BadParameter(f"'{text}' is not a difficulty like 2 or 1-3", param_hint="--difficulty")
    return low, high


def _check_filter(flt, bank) -> None:
    from quizgen import model

    checks = [
        ("--skill", flt.skill, [s.id for s in model.SKILLS]),
        ("--subskill", flt.subskill, list(model.SUBSKILLS)),
        ("--kind", flt.kind, list(model.QUESTION_KINDS)),
        ("--source", flt.source, list(bank.sources)),
        ("--grade-band", flt.grade_band, list(model.GRADE_BANDS)),
        ("--tag", flt.tag, list(model.QUESTION_TAGS)),
    ]
    for hint, value, options in checks:
        if value and value not in options:
            raise click.BadParameter(f"'{value}' is not one of: {', '.join(options)}", param_hint=hint)


COMMANDS: list[click.Command] = [bank_group]
