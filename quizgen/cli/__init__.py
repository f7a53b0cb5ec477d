"""The quizgen command line: click commands only.

Each command parses options, calls one library function and prints. Errors a
user can cause arrive as QuizgenError and become lines on stderr with exit
status 1; anything else is a bug and gets a short hint instead of a wall of
traceback (``--debug`` shows it).

Heavy libraries (WeasyPrint, lxml) are imported inside the commands that need
them, so ``quizgen --help`` answers at once.
"""

from __future__ import annotations

import os
import sys

import click

from quizgen import __version__
from quizgen.errors import QuizgenError


class QuizgenGroup(click.Group):
    """A click group that reports QuizgenError as clean lines, not tracebacks."""

    def format_epilog(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """Say which bank the commands use from this folder (a workspace's, or the shipped one, read-only)."""
        super().format_epilog(ctx, formatter)
        if ctx.parent is None:
            formatter.write_paragraph()
            formatter.write_text(_bank_in_use())

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except QuizgenError as err:
            for line in err.lines():
                click.echo(line, err=True)
            ctx.exit(1)
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException):
            raise
        except KeyboardInterrupt:
            click.echo("interrupted", err=True)
            ctx.exit(130)
        except BrokenPipeError:
            # The reader went away (`quizgen bank stats | head`): stop quietly, as
            # Unix tools do; point stdout at devnull so the exit flush cannot fail again.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            ctx.exit(141)
        except Exception as err:  # the CLI boundary: anything else is a bug
            if ctx.find_root().params.get("debug"):
                raise
            click.echo(f"internal error: {type(err).__name__}: {err}", err=True)
            click.echo("this is a bug in quizgen; run again with --debug for the traceback and report it", err=True)
            ctx.exit(70)


@click.group(cls=QuizgenGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="quizgen")
@click.option("--debug", is_flag=True, hidden=True, help="Show tracebacks for internal errors.")
def main(debug: bool) -> None:
    """Make media-literacy worksheets and LMS quizzes from a checked question bank.

    A bank holds source documents, the checkable claims in them, and
    questions that train three skills: identify bias, check dates,
    corroborate. The shipped bank is built on five documents about the
    liberation of Korea in 1945.

    Your own bank lives in a workspace: `quizgen init mywork` makes one (a
    copy of the shipped bank, or --empty). Every command run inside it, or
    in a folder below, uses its bank and recipes; a clone of quizgen is a
    workspace too. Outside any workspace, commands read the bank shipped
    with quizgen, read-only, and nothing is ever written into it.

    \b
    Typical use:
      quizgen init mywork && cd mywork   a workspace of your own
      quizgen build                      recipes/default.yaml (elsewhere: the shipped sampler) as PDFs
      quizgen build recipes/unit3.yaml   your own recipe
      quizgen bank list                  every question, its id and its whole stem
      quizgen bank show ID --key         one question as students see it, and its key
      quizgen bank validate              check the bank after editing it
      quizgen export --formats moodle-xml recipes/unit3.yaml
      quizgen mark output/sampler-manifest.json answers/   mark the students' answers
    """
    _end_cleanly_on_sigterm()


def _end_cleanly_on_sigterm() -> None:
    """End on SIGTERM (kill, a closing terminal) like Ctrl-C: clean-up runs, so no temporary or lock file is left.

    Only while the command runs: the handler before it is put back after.
    """
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        return

    owner = os.getpid()

    def terminated(signum, frame):
        if os.getpid() != owner:  # a render worker forked with this handler: end as SIGTERM says, silently
            signal.signal(signum, signal.SIG_DFL)
            os.kill(os.getpid(), signum)
            return
        click.echo("terminated", err=True)
        sys.exit(128 + signum)

    previous = signal.signal(signal.SIGTERM, terminated)
    click.get_current_context().call_on_close(lambda: signal.signal(signal.SIGTERM, previous))


def _bank_in_use() -> str:
    """Return a line saying which bank commands run here use."""
    from quizgen import workspace

    marker = workspace.find_marker()
    if marker is None:
        return (f"Here (in no workspace) commands read the bank shipped with quizgen, read-only: "
                f"{workspace.shipped().bank}. Make a workspace with `quizgen init DIR`.")
    try:
        found = workspace.load(marker)
    except QuizgenError:
        return f"Here: the workspace of {marker}, which has a problem (any command prints it)."
    return f"Here: the workspace {found.root}, whose bank is {found.bank}."


def _register() -> None:
    from quizgen.cli import (
        bank_commands,
        build_commands,
        export_commands,
        mark_commands,
        response_commands,
        source_commands,
        workspace_commands,
    )

    for module in (workspace_commands, build_commands, export_commands, bank_commands, source_commands, response_commands,
                   mark_commands):
        for command in module.COMMANDS:
            main.add_command(command)


_register()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
