"""The one Jinja environment, and HTML rendering of prepared contexts.

Templates live in the top-level ``templates/`` folder (inside the wheel:
``quizgen/templates``). The environment is strict: a missing variable is an
error, never a blank on a printed worksheet; and it escapes every value, so
bank text such as ``<img src=…>`` prints literally. Everything a template
prints is computed in ``render.context``; filters are registered here and
nowhere else.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from urllib.parse import unquote

import jinja2

from quizgen import paths
from quizgen.errors import Diagnostic, Location, TemplateError


def _plural(count: int, word: str, plural: str | None = None) -> str:
    """Return '1 point', '2 points'."""
    return f"{count} {word if count == 1 else (plural or word + 's')}"


def make_environment(templates: Path | None = None) -> jinja2.Environment:
    """Return the Jinja environment: templates/ loader, StrictUndefined, autoescape, our filters."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates or paths.templates_dir())),
        undefined=jinja2.StrictUndefined,
        autoescape=True,  # every template is HTML, and so is every string rendered from code
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )
    env.filters["plural"] = _plural
    env.filters["no_widow"] = no_widow
    env.filters["readable_url"] = readable_url
    return env


def no_widow(text: str) -> str:
    """Join a text's last two words, so a wrapped title or stem never leaves one word ("1945", "bubble.") alone."""
    head, space, last = text.rpartition(" ")
    return f"{head}\u00a0{last}" if space and head and len(last) <= 12 else text


# The %-escapes of one non-ASCII character (Hangul, a curly quote) in UTF-8: a lead byte, then its continuation bytes.
_ESCAPED_NON_ASCII = re.compile(
    r"%[CD][0-9A-F](?:%[89AB][0-9A-F])|%E[0-9A-F](?:%[89AB][0-9A-F]){2}|%F[0-4](?:%[89AB][0-9A-F]){3}", re.IGNORECASE)


def readable_url(url: str) -> str:
    """An address as a browser's address bar shows it: Hangul and quotes, not %EC%A4%91….

    A Korean newspaper's address once ran to four lines of escapes in the key. Only escapes of
    non-ASCII characters are decoded; an escaped "/", "?" or space keeps its meaning, and an
    escape that is not part of a valid UTF-8 character stays as it is.
    """
    def decode(match: re.Match) -> str:
        try:
            return unquote(match.group(0), errors="strict")
        except UnicodeDecodeError:
            return match.group(0)
    return _ESCAPED_NON_ASCII.sub(decode, url)


@lru_cache(maxsize=4)
def _environment(templates: str) -> jinja2.Environment:
    # Compiling templates is most of a render's cost; keep one per folder.
    return make_environment(Path(templates))


def render_html(template: str, context: dict, templates: Path | None = None) -> str:
    """Return ``template`` rendered with ``context``; TemplateError names template:line."""
    env = _environment(str(templates or paths.templates_dir()))
    try:
        return env.get_template(template).render(context)
    except jinja2.TemplateSyntaxError as err:
        where = Location(f"templates/{err.name or template}", err.lineno)
        raise TemplateError(f"cannot render {template}", [Diagnostic(where, f"template syntax: {err.message}")]) from None
    except jinja2.TemplateNotFound as err:
        raise TemplateError(f"cannot render {template}", [Diagnostic(Location(f"templates/{err.name}"), "template not found")]) from None
    except jinja2.UndefinedError as err:
        raise TemplateError(
            f"cannot render {template}",
            [Diagnostic(Location(f"templates/{template}", _template_line(err)), f"undefined value: {err.message}")],
        ) from None


def _template_line(err: Exception) -> int | None:
    """Return the template line of a render-time error, from its traceback."""
    tb = err.__traceback__
    line = None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename.endswith(".j2"):
            line = tb.tb_lineno
        tb = tb.tb_next
    return line
