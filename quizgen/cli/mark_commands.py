"""`quizgen mark`: score the students' answers against a build's manifest and write the results."""

from __future__ import annotations

from pathlib import Path

import click


@click.command("mark")
@click.argument("manifest", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.argument("answers", nargs=-1, type=click.Path(path_type=Path))
@click.option("-o", "--output", type=click.Path(path_type=Path), default=None,
              help="Results folder (default: NAME-results beside the manifest); with --template, the sheet's path.")
@click.option("--skip-bad", is_flag=True, help="Mark the good answers when some files or rows are bad, and list the bad ones.")
@click.option("--version", "version", default=None, metavar="LETTER",
              help="The version an LMS report is of, where quizgen cannot tell (two versions with the same questions).")
@click.option("--pdf/--no-pdf", default=True, help="Write the class report and feedback sheets as PDF too (the default).")
@click.option("--feedback/--no-feedback", default=True,
              help="Write the students' feedback sheets (the default; a page per student, the slowest part).")
@click.option("--template", is_flag=True, help="Write an empty marks sheet for MANIFEST's build (for paper answers), and stop.")
@click.option("--force", is_flag=True, help="With --template: replace an existing marks sheet.")
@click.option("--schema", is_flag=True, help="Print the manifest's JSON Schema, and stop.")
@click.option("-q", "--quiet", is_flag=True, help="Print only what was written.")
def mark_command(manifest, answers, output, skip_bad, version, pdf, feedback, template, force, schema, quiet):
    """Mark the students' ANSWERS against the build of MANIFEST (NAME-manifest.json, beside the answer key).

    ANSWERS are files or folders of them: response files of the interactive
    page and filled PDF forms (quizgen responses checks them), the marks
    sheet (see --template), the rubric sheet, Moodle's Responses report
    (with its Grades report) and Canvas's Student Analysis report. Nothing
    is written if any of them is bad.
    """
    from quizgen.marking import run
    from quizgen.marking import schema as schemas

    if schema:
        click.echo(schemas.dump(schemas.MANIFEST_SCHEMA))
        return
    if manifest is None:
        raise click.UsageError("give the build's manifest (NAME-manifest.json, beside the answer key)")
    if template:
        from quizgen.outputs import write_files

        target, data = run.template(manifest, output, force)
        write_files({target: data})
        click.echo(f"wrote {target} (marks sheet: one row per student; fill it in, then quizgen mark {manifest} {target})")
        return
    if not answers:
        raise click.UsageError("give the answers to mark: files, or folders of them")
    report = run.mark(manifest, list(answers), output, skip_bad=skip_bad, version=version, pdf=pdf, feedback=feedback)
    for diagnostic in report.skipped:
        click.echo(f"skipped: {diagnostic.format()}", err=True)
    for note in [] if quiet else report.notes:
        click.echo(f"note: {note}", err=True)
    for path, label, data in report.outputs:
        click.echo(f"wrote {path} ({label})")
    if not quiet:
        extra = f"; {_answers(report.to_mark)} to mark on the rubric sheet" if report.to_mark else ""
        lms = f"; the LMS marked {_answers(report.disagreements)} otherwise" if report.disagreements else ""
        students = f"{report.students} student{'s' if report.students != 1 else ''}"
        click.echo(f"marked {students} in {report.seconds:.1f} s{extra}{lms}", err=True)


def _answers(count: int) -> str:
    return f"{count} answer{'s' if count != 1 else ''}"


COMMANDS: list[click.Command] = [mark_command]
