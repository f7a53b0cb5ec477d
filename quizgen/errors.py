"""Errors a user can cause and act on.

Every error the library raises on purpose is a QuizgenError. The CLI turns it
into lines on stderr and exit status 1; anything else is a bug and gets a
traceback hint. Whoever knows the file and line attaches a Location.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Location:
    """Where a problem is: a display path, a 1-based line, a field path, and a 1-based column where it helps."""

    path: str
    line: int | None = None
    field: str | None = None
    column: int | None = None

    def prefix(self) -> str:
        """Return ``path:line:column``, ``path:line`` or just ``path`` for the start of a message."""
        if self.line and self.column:
            return f"{self.path}:{self.line}:{self.column}"
        return f"{self.path}:{self.line}" if self.line else self.path


@dataclass(frozen=True)
class Diagnostic:
    """One problem found while checking user input.

    ``subject`` names the thing at fault ("question date-arf-1"), ``field``
    the YAML field inside it, ``message`` what is wrong.
    """

    location: Location
    message: str
    subject: str | None = None
    severity: str = "error"

    def format(self) -> str:
        """Return the one-line form ``path:line: subject: field 'x': message``."""
        parts = [self.location.prefix()]
        if self.severity != "error":
            parts.append(self.severity)
        if self.subject:
            parts.append(self.subject)
        if self.location.field:
            parts.append(f"field '{self.location.field}'")
        parts.append(self.message)
        return ": ".join(parts)


class QuizgenError(Exception):
    """A problem the user can fix; printed as one line per diagnostic, exit 1."""

    def __init__(self, message: str, diagnostics: tuple[Diagnostic, ...] | list[Diagnostic] = ()):
        super().__init__(message)
        self.message = message
        self.diagnostics = tuple(diagnostics)

    def lines(self) -> list[str]:
        """Return the lines the CLI prints: each diagnostic, then the summary."""
        out = [d.format() for d in self.diagnostics]
        if self.message:
            out.append(self.message)
        return out


class BankError(QuizgenError):
    """Raised by the bank loader: YAML syntax, schema, references, duplicate ids."""


class SourceError(QuizgenError):
    """Raised by source ingestion and by quote checks against cleaned texts."""


class RecipeError(QuizgenError):
    """Raised by the recipe reader and by assembly when a recipe cannot be met."""


class TemplateError(QuizgenError):
    """Raised by rendering when a template is missing or broken (template:line)."""


class RenderError(QuizgenError):
    """Raised when PDF rendering fails (fonts, layout)."""


class ExportError(QuizgenError):
    """Raised by an exporter that cannot express something; names format and question."""


class AnswersError(QuizgenError):
    """Raised by marking: a manifest or students' answers that cannot be read or do not fit the build."""


class OutputError(QuizgenError):
    """Raised by build when the output folder cannot be written."""


def as_written(value: object) -> str:
    """Return a value as a teacher wrote it in YAML, for "found …" in a message: true, nothing, [a, b], 'text'."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, str):
        return repr(value)
    import yaml

    return yaml.safe_dump(value, default_flow_style=True, allow_unicode=True, width=10_000).strip()


def type_name(value: object) -> str:
    """Return what kind of YAML value ``value`` is, for "expected …, found a list": nothing, true/false, text …"""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


def field_path(path: tuple) -> str | None:
    """Return a value's path in a YAML document as a field name: 'questions[0].kinds[1]'."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else ("." if out else "") + str(part)
    return out or None


def close_match(word: str, options) -> str:
    """Return ' (did you mean 'x'?)' for the option closest to ``word``, or ''.

    Case is ignored in comparing ('NAEQ-ORDER-EVENTS' finds 'naeq-order-events'); the option is named as it is.
    """
    import difflib

    by_fold = {}
    for option in map(str, options):
        by_fold.setdefault(option.casefold(), option)
    match = difflib.get_close_matches(str(word).casefold(), list(by_fold), n=1)
    return f" (did you mean '{by_fold[match[0]]}'?)" if match else ""


class WorkspaceError(QuizgenError):
    """Raised by quizgen.workspace: a broken workspace file, `quizgen init` refused, a write into the shipped bank."""
