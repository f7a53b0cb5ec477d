"""The one small interface every export format implements."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from quizgen.exporters.plan import Profile

if TYPE_CHECKING:
    from quizgen.errors import Diagnostic
    from quizgen.exporters.plan import Carried, FormatPlan
    from quizgen.model import Worksheet


class Exporter:
    """Write the plan of a worksheet (quizgen.exporters.plan) as the bytes of one file.

    A subclass sets the class attributes, declares its ``profile`` and
    implements ``write``; ``adapt`` is for decisions only the format knows.
    ``write`` is pure: no file I/O, no printing, no clock; the same plan
    always gives the same bytes (ids come from question ids, zip entries
    get a fixed timestamp).
    """

    #: The ``--formats`` value, lower-case with hyphens (e.g. ``moodle-xml``).
    name: ClassVar[str] = ""
    #: File name extension, with the dot: files are named NAME-FORMAT.EXT (``bank-gift.txt``).
    suffix: ClassVar[str] = ""
    #: One line for ``--help`` and the format guide.
    label: ClassVar[str] = ""
    #: What the format can carry; the plan converts, adapts or leaves out the rest.
    profile: ClassVar[Profile] = Profile()
    #: Question kinds the format carries as they are: by default every kind the
    #: profile neither converts nor leaves out (a format whose ``adapt`` reshapes
    #: more, such as Common Cartridge, declares its own).
    question_kinds: ClassVar[frozenset[str]] = frozenset()

    def __init_subclass__(cls, **kwargs) -> None:
        super().__init_subclass__(**kwargs)
        from quizgen.model import QUESTION_KINDS

        if "question_kinds" not in cls.__dict__:
            cls.question_kinds = frozenset(k for k in QUESTION_KINDS if k not in cls.profile.converts
                                           and k not in cls.profile.leaves_out)

    def adapt(self, carried: Carried) -> Carried:
        """Return ``carried`` with the decisions only this format makes (limits, its own item types) and their notes."""
        return carried

    def write(self, plan: FormatPlan) -> bytes:
        """Return the file's bytes for ``plan`` (every version it writes, every question it carries)."""
        raise NotImplementedError

    def file_name(self, stem: str) -> str:
        """Return the file name for a worksheet or bank named ``stem``: ``stem-name.ext``."""
        return f"{stem}-{self.name}{self.suffix}"

    def export(self, worksheet: Worksheet) -> bytes:
        """Plan ``worksheet`` for this format and return the bytes."""
        from quizgen.exporters.plan import plan_format

        return self.write(plan_format(worksheet, self))

    def check(self, worksheet: Worksheet) -> list[Diagnostic]:
        """Return what this format adapts or leaves out of ``worksheet``: the plan's notes."""
        from quizgen.exporters.plan import plan_format

        return list(plan_format(worksheet, self).notes)
