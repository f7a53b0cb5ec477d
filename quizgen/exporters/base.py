"""The one small interface every export format implements."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

if TYPE_CHECKING:
    from quizgen.errors import Diagnostic
    from quizgen.model import Worksheet


class Exporter:
    """Turn a finished Worksheet into the bytes of one file.

    Subclasses set the class attributes and implement ``export``. ``export``
    is pure: no file I/O, no printing, no clock; the same worksheet always
    gives the same bytes (ids come from question ids, zip entries get a fixed
    timestamp).
    """

    #: The ``--format`` value, lower-case with hyphens (e.g. ``moodle-xml``).
    name: ClassVar[str] = ""
    #: File name suffix of the export, with the dot (e.g. ``.xml``).
    suffix: ClassVar[str] = ""
    #: One line for ``--help`` and the format guide.
    label: ClassVar[str] = ""
    #: Question kinds the format carries as they are; others are adapted or left out.
    question_kinds: ClassVar[frozenset[str]] = frozenset()

    def export(self, worksheet: "Worksheet") -> bytes:
        """Return the export of every version of ``worksheet`` as file bytes."""
        raise NotImplementedError

    def check(self, worksheet: "Worksheet") -> list["Diagnostic"]:
        """Report what this format adapts or leaves out, one Diagnostic per question.

        Severity ``adapted`` (carried in another form, e.g. ordering as
        matching), ``left-out`` (not exported) or ``error`` (cannot export at
        all). The subject names the question; the message says what happened.
        """
        return []
