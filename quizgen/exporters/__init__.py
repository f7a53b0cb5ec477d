"""The export formats: one module per format, one registry.

The registry maps each ``--formats`` name to the class that implements it, as
a "module:Class" string, so listing formats (for ``--help``) imports nothing
heavy. Adding a format = one module (an Exporter with its Profile, ``adapt``
for what only it knows, ``write`` from the plan: see quizgen.exporters.plan),
one line here, one test module shaped like its siblings', and a reader in
tests/exporters/test_nothing_given_away.py (which fails until there is one).
"""

from __future__ import annotations

import difflib
import importlib
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from quizgen.exporters.base import Exporter

#: Built-in formats: name -> "module:Class".
BUILTIN: dict[str, str] = {
    "moodle-xml": "quizgen.exporters.moodle_xml:MoodleXmlExporter",
    "gift": "quizgen.exporters.gift:GiftExporter",
    "canvas-qti": "quizgen.exporters.canvas_qti:CanvasQtiExporter",
    "qti21": "quizgen.exporters.qti21:Qti21Exporter",
    "cc": "quizgen.exporters.common_cartridge:CommonCartridgeExporter",
    "blackboard": "quizgen.exporters.blackboard:BlackboardExporter",
    "brightspace": "quizgen.exporters.brightspace:BrightspaceExporter",
    "kahoot": "quizgen.exporters.kahoot:KahootExporter",
    "anki": "quizgen.exporters.anki:AnkiExporter",
}

_registry: dict[str, str] = dict(BUILTIN)


def register(name: str, target: str) -> None:
    """Add a format; a taken name is refused with the module that holds it."""
    if not name:
        raise ValueError("an exporter needs a name")
    if name in _registry:
        raise ValueError(f"export format {name!r} already exists (in {_registry[name].split(':')[0]})")
    _registry[name] = target


def names() -> list[str]:
    """Return the known format names, in registry order."""
    return list(_registry)


def plan_all(worksheet, chosen: list["Exporter"]) -> dict:
    """Plan ``worksheet`` for every chosen format at once; return {name: FormatPlan}.

    Each question is planned once for all formats (quizgen.exporters.plan).
    Errors (a format that can carry none of the questions) stop the whole
    export, nothing half-written; adaptations and losses stay in each plan's
    notes for the command to summarise.
    """
    from quizgen.errors import ExportError
    from quizgen.exporters.plan import plan_formats

    plans = plan_formats(worksheet, chosen)
    errors = [d for plan in plans.values() for d in plan.errors]
    if errors:
        # An error is usually one question, but may be the whole worksheet (a kahoot with no
        # question that fits), so the count names problems, not questions.
        noun = "problem" if len(errors) == 1 else "problems"
        raise ExportError(f"cannot export ({len(errors)} {noun} above); nothing was written", errors)
    return plans


def get_exporter(name: str) -> "Exporter":
    """Return an instance of the exporter for ``name``; unknown names are a usage error."""
    target = _registry.get(name)
    if target is None:
        close = difflib.get_close_matches(name, _registry, n=1)
        hint = f" Did you mean '{close[0]}'?" if close else ""
        raise click.UsageError(f"unknown export format '{name}'; known formats: {', '.join(_registry)}.{hint}")
    module_name, class_name = target.split(":")
    cls = getattr(importlib.import_module(module_name), class_name)
    return cls()
