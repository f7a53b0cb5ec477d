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

    The bank (banks/) holds five source documents about the liberation of
    Korea in 1945, the checkable claims in them, and questions that train
    three skills: identify bias, check dates, corroborate.

    \b
    Typical use:
      quizgen build                      the default 12-question sampler as PDFs
      quizgen build my-recipe.yaml       your own recipe
      quizgen bank validate              check the bank after editing it
      quizgen export --formats moodle-xml my-recipe.yaml
    """


def _register() -> None:
    from quizgen.cli import bank_commands, build_commands, export_commands, source_commands

    for module in (build_commands, export_commands, bank_commands, source_commands):
        for command in module.COMMANDS:
            main.add_command(command)


_register()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
