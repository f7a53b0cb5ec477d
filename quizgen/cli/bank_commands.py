"""Commands of this group are added here (see quizgen/cli/__init__.py)."""

from __future__ import annotations

import click

COMMANDS: list[click.Command] = []
