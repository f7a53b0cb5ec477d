"""The export plan: every question of a worksheet decided once, then written by each format.

Exporting happens in two steps, as text2qti plans before it writes::

    Worksheet ──plan_item──▶ ItemPlan            once per question of each version, for every format
    ItemPlan  ──carry──────▶ Carried            per format: the kind it becomes, its text, its notes
    Carried…  ──Exporter.write──▶ bytes         the writer only serialises what was decided

An ``ItemPlan`` holds what every format shares: the excerpt blocks with the
printed citation, the outside-source card, the feedback students see after
answering, the grader-only material (rubric, model answer, an open
question's explanation, the teacher note), the scoring (quizgen.scoring)
and the characters XML cannot hold.

``carry`` applies a format's ``Profile`` (what it can carry): a kind it
lacks is converted (ordering → matching of items to positions,
mark-the-words → multiple response over the words of the passage) or left
out; a numeric unit without a field is written into the text; grader-only
material goes into a grader-only field or, where the format has none, is
left out. Each change is a ``Note`` with its reason. The exporter's own
``adapt`` then makes the decisions only it knows (Kahoot's length limits,
the Common Cartridge profile's item types …) and adds its notes. A format's
``check`` is the list of these notes; nothing walks the worksheet twice.

Nothing a student sees (the text, choices, words, prompts and the feedback
shown after answering) holds grader-only material: that is decided here,
for every format at once.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from quizgen import model
from quizgen.errors import Diagnostic, Location
from quizgen.exporters import escape, wording
from quizgen.printed import format_number
from quizgen.scoring import Scoring, Word, passage_words, scoring_of, typed_answers, typed_numbers

if TYPE_CHECKING:
    from quizgen.exporters.base import Exporter

#: Severities of a note, from mild to fatal: carried in another form (or
#: with a part missing), a caution, the question not carried at all, the
#: format cannot be written.
SEVERITIES = ("adapted", "warning", "left-out", "error")


@dataclass(frozen=True)
class Note:
    """One adaptation or omission of a question in one format, with its reason."""

    severity: str
    message: str


def adapted(message: str) -> Note:
    """Return a note for something carried in another form."""
    return Note("adapted", message)


def left_out(message: str) -> Note:
    """Return a note for a question the format does not carry at all."""
    return Note("left-out", message)


@dataclass(frozen=True)
class Profile:
    """What a format can carry; the plan adapts the rest, and says so."""

    #: Kinds the format carries as another kind: kind → (carried kind, why).
    converts: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    #: Kinds the format cannot carry at all: kind → why.
    leaves_out: Mapping[str, str] = field(default_factory=dict)
    #: Kinds that have a field only graders see ("*": every kind).
    grader_kinds: frozenset[str] = frozenset()
    #: Why grader-only material is left out elsewhere, e.g. "GIFT has no field only graders see".
    no_grader_field: str = ""
    #: Whether a numeric unit has a field of its own (else the text says "Answer in years.").
    units: bool = True
    #: Whether a mark-the-words stem says "Select" (false for a flashcard, where nothing is ticked).
    select: bool = True
    #: Whether mark-the-words is carried as the passage's words to select (a hottext interaction);
    #: otherwise, unless converted, the passage is printed in the text (a flashcard).
    words: bool = False
    #: Whether the format marks a typed answer by comparing it with the accepted ones (setting
    #: case aside, not a final full stop): then each is listed as quizgen.scoring accepts it.
    marks_typed: bool = True
    #: Whether students see an answer side after trying (a flashcard's back): an open question's
    #: rubric, model answer and explanation belong there; a teacher note never does.
    answer_side: bool = False
    #: Set when only the first version is written: completes "not written: …".
    first_version_only: str = ""
    #: Why a worksheet none of whose questions the format carries cannot be written.
    empty: str = ""


# --------------------------------------------------------------------------
# What every format shares


@dataclass(frozen=True)
class ItemPlan:
    """One question as it stands in one version, planned once for every format."""

    #: The version letter and the worksheet item (question in this version's order).
    version: str
    item: model.WorksheetItem
    #: How messages name it: "version A, question 3 (ib-single)".
    where: str
    #: Its position, zero-padded to the version's length ("003" in a 154-question bank).
    position: str
    #: The identifier formats give it where an LMS may show it: worksheet name, version and
    #: position ("unit3-A-03"); never the question id, which can name the answer
    #: ("mark-living-hell"). The name keeps two worksheets' items apart where an LMS matches
    #: identifiers across imports (Canvas's migration ids); the id itself stays in teachers'
    #: fields (Moodle's ID number, GIFT's comment, package metadata) and the export report.
    ident: str
    #: Whether this is the question's first appearance (its notes are given there, once).
    first: bool
    #: The excerpts as (numbered lines, citation) blocks, as the PDF prints them.
    excerpts: tuple[tuple[str, str], ...]
    #: The outside-source card printed with the question ('' without one).
    card: str
    #: What students may read after answering: explanation and outside source ('' for an open question).
    feedback: str
    #: An open question's model answer, rubric levels and patterns ('' for other kinds).
    rubric: str
    #: Everything only graders may see: the rubric, an open question's explanation, the teacher note.
    grader: str
    scoring: Scoring
    #: Skill, sub-skill and techniques.
    tags: tuple[str, ...]
    #: Characters of the question's texts that XML 1.0 cannot hold (dropped on export).
    forbidden: tuple[str, ...]

    @property
    def question(self) -> model.Question:
        """Return the question (instantiated, choices in this version's order)."""
        return self.item.question


def plan_item(worksheet: model.Worksheet, version: model.Version, item: model.WorksheetItem, first: bool) -> ItemPlan:
    """Return the format-neutral plan of one question of one version."""
    q = item.question
    several = len(worksheet.versions) > 1
    where = f"{'version ' + version.letter + ', ' if several else ''}question {item.number} ({q.id})"
    feedback = wording.feedback_text(q)
    rubric = wording.rubric_text(q) if isinstance(q, model.OpenResponse) else ""
    grader = [rubric]
    if isinstance(q, model.OpenResponse):
        # Students see feedback when they submit, before the teacher marks an essay: an open
        # question's explanation says what a good answer says, so it is grader material too.
        grader.append(f"Explanation: {feedback}" if feedback else "")
        feedback = ""
    if q.teacher_note:
        grader.append(f"Teacher note: {q.teacher_note}")
    excerpts = tuple(wording.excerpt_blocks(worksheet, item))
    position = f"{item.number:0{max(2, len(str(len(version.items))))}d}"
    return ItemPlan(
        version=version.letter, item=item, where=where, position=position,
        ident=f"{worksheet.recipe.name}-{version.letter}-{position}", first=first, excerpts=excerpts,
        card=wording.card_text(worksheet, q), feedback=feedback, rubric=rubric,
        grader="\n\n".join(p for p in grader if p), scoring=scoring_of(q),
        tags=tuple(wording.question_tags(q)), forbidden=_forbidden(item, excerpts),
    )


def _forbidden(item: model.WorksheetItem, excerpts) -> tuple[str, ...]:
    """Return the characters XML 1.0 forbids in any text of ``item``, in order, without repeats."""
    seen: dict[str, None] = {}
    for text in _strings(item.question) + list(item.shuffled) + [t for block in excerpts for t in block]:
        for c in escape.xml_forbidden_chars(text):
            seen.setdefault(c, None)
    return tuple(seen)


def _strings(value) -> list[str]:
    """Return every string inside a (nested) dataclass value."""
    if isinstance(value, str):
        return [value]
    if dataclasses.is_dataclass(value):
        return [s for f in dataclasses.fields(value) for s in _strings(getattr(value, f.name))]
    if isinstance(value, (tuple, list)):
        return [s for v in value for s in _strings(v)]
    return []


# --------------------------------------------------------------------------
# What one format carries


@dataclass(frozen=True)
class Carried:
    """One question as one format carries it: decided here, serialised by the writer."""

    plan: ItemPlan
    #: The question as a kind the format carries, choices and pairs in printed order.
    question: model.Question
    #: The stem as carried (a mark-the-words stem says "Select" where words are ticked).
    stem: str
    #: What the student reads: stem, passage or unit line, excerpts with citations, card, hint.
    text: str
    #: Shown after answering ('' for none).
    feedback: str
    #: For the format's grader-only field ('' when it has none: then it is left out, and noted).
    grader: str
    notes: tuple[Note, ...]
    #: Matching: the right-hand column in printed order; ordering: the items in printed order.
    shuffled: tuple[str, ...] = ()
    #: Mark the words carried as words to select: every word of the passage, in order.
    words: tuple[Word, ...] = ()
    #: What the format's own ``adapt`` decided (its items, its row), for its writer.
    detail: Any = None

    @property
    def left_out(self) -> bool:
        """Return whether the format does not carry this question at all."""
        return any(n.severity in ("left-out", "error") for n in self.notes)

    @functools.cached_property
    def scoring(self) -> Scoring:
        """Return how the carried question scores, by quizgen.scoring's rule of the original kind.

        Mark the words carried as a list of words keeps its own parts (a
        phrase's share split over its words); an ordering carried as
        matching scores each item's position, as ordering does.
        """
        if isinstance(self.plan.question, model.MarkTheWords):
            return self.plan.scoring
        return scoring_of(self.question)

    @property
    def name(self) -> str:
        """Return the name an LMS lists it by: position and the start of the stem as carried (never the id)."""
        # Drop characters XML cannot carry before collapsing spaces, so a dropped
        # control character never leaves a space at the end (importers trim names).
        stem = " ".join(escape.xml_text(self.stem).split())
        # Moodle strips tags from names, cutting "3 < 5" at the "<": a look-alike keeps the text.
        stem = stem.replace("<", "\u2039")
        name = f"{self.plan.position} {stem}"
        return name if len(name) <= 80 else name[:79] + "\u2026"

    def amend(self, *notes: Note, **changes) -> Carried:
        """Return a copy with ``notes`` added and fields changed (for an exporter's ``adapt``)."""
        return dataclasses.replace(self, notes=self.notes + notes, **changes)


def carry(plan: ItemPlan, profile: Profile) -> Carried:
    """Return how a format with ``profile`` carries ``plan``: converted, adapted or left out, with notes."""
    q = plan.question
    if q.kind in profile.leaves_out:
        return Carried(plan, q, q.stem, "", "", "", (left_out(f"left out: {profile.leaves_out[q.kind]}"),))
    notes: list[Note] = []
    carried, passage, words, shuffled = _kind(plan, profile, notes)
    if isinstance(q, model.ShortAnswer) and profile.marks_typed:
        carried = dataclasses.replace(carried, answers=tuple(typed_answers(carried.answers)))
    if isinstance(q, model.Numeric) and q.unit and (not profile.units or carried is not q):
        passage = f"Answer in {q.unit}."
        notes.append(adapted(f"numeric unit '{q.unit}' written in the question text ('{passage}'): the format "
                             "has no unit field"))
    hint = wording.ORDERING_HINT if isinstance(q, model.Ordering) and isinstance(carried, model.Matching) else ""
    stem = wording.select_stem(q) if profile.select else q.stem
    grader = _grader(plan, profile, notes)
    feedback = wording.feedback_text(q) if profile.answer_side else plan.feedback
    if plan.forbidden:
        notes.append(adapted(f"characters the format cannot hold were dropped ({escape.describe_chars(plan.forbidden)})"))
    return Carried(plan, carried, stem, question_text(plan, stem, passage, hint), feedback, grader, tuple(notes),
                   shuffled, words)


def _kind(plan: ItemPlan, profile: Profile, notes: list[Note]):
    """Return the question as the kind the format carries, its passage, words to select and printed column."""
    q = plan.question
    target, why = profile.converts.get(q.kind, (q.kind, ""))
    shuffled = tuple(plan.item.shuffled)
    if isinstance(q, model.MarkTheWords):
        words = passage_words(q.passage, q.answers, q.optional)
        if profile.words and target == q.kind:
            return q, "", words, shuffled  # the passage is the interaction: its words are selected in place
        if target == q.kind:
            return q, q.passage, (), shuffled  # printed, to mark on the card
        choices = tuple(model.Choice(w.text, w.marked) for w in words)
        notes.append(adapted(f"mark-the-words carried as {target.replace('-', ' ')} ({why}): every word of the "
                             f"passage is a choice, in order, and the {sum(w.marked for w in words)} words to mark "
                             f"are the correct ones{wording.select_note(q) if profile.select else ''}"))
        return convert(q, model.MultipleResponse, choices=choices), q.passage, (), shuffled
    if isinstance(q, model.Ordering) and target == "matching":
        pairs = tuple(model.Pair(text, str(q.items.index(text) + 1)) for text in shuffled or q.items)
        notes.append(adapted(f"ordering carried as matching: each item is matched to its position ({why})"))
        return convert(q, model.Matching, pairs=pairs), "", (), tuple(dict.fromkeys(p.right for p in pairs))
    if isinstance(q, model.Numeric) and target == "short-answer":
        answers = typed_numbers(plan.scoring)
        notes.append(adapted(f"numeric carried as short answer {_numbers_note(plan.scoring, answers)} ({why})"))
        return convert(q, model.ShortAnswer, answers=tuple(answers)), "", (), shuffled
    if target != q.kind:  # a profile asked for a conversion the plan does not know
        raise ValueError(f"the export plan cannot carry {q.kind} as {target}")
    return q, "", (), shuffled


def convert(q: model.Question, cls: type, **fields) -> model.Question:
    """Return ``q`` as a question of class ``cls``: the shared fields kept, the kind's own given."""
    common = {f.name: getattr(q, f.name) for f in dataclasses.fields(model.Question)}
    return cls(**common, **fields)


def _numbers_note(scoring: Scoring, answers: list[str]) -> str:
    """Return how a numeric answer was carried as typed answers, for the note."""
    if not scoring.tolerance:
        return "with the exact answer"
    tolerance = format_number(scoring.tolerance)
    if len(answers) > 1:
        return f"accepting every whole number within the tolerance \u00b1{tolerance}"
    return f"with the exact answer only: the tolerance \u00b1{tolerance} has no form there"


def _grader(plan: ItemPlan, profile: Profile, notes: list[Note]) -> str:
    """Return the grader-only text the format carries, noting what it has to leave out."""
    q = plan.question
    if "*" in profile.grader_kinds or q.kind in profile.grader_kinds:
        return plan.grader
    why = profile.no_grader_field or "the format has no field only graders see"
    if isinstance(q, model.OpenResponse) and not profile.answer_side:
        notes.append(adapted(f"open response: the rubric, model answer and explanation are left out ({why}): "
                             "they are in the PDF answer key"))
    if q.teacher_note:
        notes.append(adapted(f"teacher note not carried ({why}): read it in the PDF answer key"))
    return ""


def question_text(plan: ItemPlan, stem: str, passage: str = "", hint: str = "") -> str:
    """Return what a student reads: stem, passage (or unit line), excerpts with citations, card, hint.

    Paragraphs are separated by a blank line, so ``escape.html_paragraphs``
    renders each as a ``<p>``. As on paper, only where the lines come from
    when the question already holds them: a passage to mark stands for its
    excerpt, and a stem that quotes every passage it needs
    (``print_excerpts: false``) would be followed by them again.
    """
    q = plan.question
    parts = [stem] + ([passage] if passage else [])
    cited_only = isinstance(q, model.MarkTheWords) or not q.print_excerpts
    for lines, cite in plan.excerpts:
        parts += [cite] if cited_only else [lines, cite]
    parts += [p for p in (plan.card, hint) if p]
    return "\n\n".join(parts)


# --------------------------------------------------------------------------
# A format's plan


@dataclass(frozen=True)
class FormatPlan:
    """Everything one format writes, decided: the versions, each carried question, the notes."""

    name: str
    worksheet: model.Worksheet
    #: The versions written, each with its questions as carried (left-out ones included).
    versions: tuple[tuple[model.Version, tuple[Carried, ...]], ...]
    #: Per question (once) and per version not written; severity "error" stops the export.
    notes: tuple[Diagnostic, ...]

    def written(self) -> list[tuple[model.Version, list[Carried]]]:
        """Return each written version with the questions the format carries, in order."""
        return [(version, [c for c in carried if not c.left_out]) for version, carried in self.versions]

    def title(self, version: model.Version, untitled: str = "") -> str:
        """Return the title an LMS lists a version by: the worksheet's (else ``untitled``), "— Version A" with several."""
        title = self.worksheet.recipe.title or untitled
        return title if len(self.worksheet.versions) == 1 else f"{title} \u2014 Version {version.letter}"

    @property
    def errors(self) -> list[Diagnostic]:
        """Return the notes that stop the export."""
        return [n for n in self.notes if n.severity == "error"]

    def counts(self) -> dict[str, int]:
        """Return how many questions were written, adapted (distinct) and left out (distinct)."""
        questions = {c.plan.question.id: c for _, carried in self.versions for c in carried}
        left = {qid for qid, c in questions.items() if c.left_out}
        changed = {qid for qid, c in questions.items() if qid not in left and c.notes}
        return {"written": sum(len(w) for _, w in self.written()), "adapted": len(changed), "left_out": len(left)}


def plan_items(worksheet: model.Worksheet) -> list[ItemPlan]:
    """Return the plan of every question of every version, in order."""
    seen: set[str] = set()
    out = []
    for version in worksheet.versions:
        for item in version.items:
            out.append(plan_item(worksheet, version, item, item.question.id not in seen))
            seen.add(item.question.id)
    return out


def plan_format(worksheet: model.Worksheet, exporter: Exporter, items: list[ItemPlan] | None = None) -> FormatPlan:
    """Return what ``exporter`` writes of ``worksheet`` (``items``: item plans made already, to share)."""
    profile = exporter.profile
    items = plan_items(worksheet) if items is None else items
    letters = [v.letter for v in worksheet.versions]
    written = letters[:1] if profile.first_version_only else letters
    by_version: dict[str, list[Carried]] = {letter: [] for letter in written}
    notes: list[Diagnostic] = []
    noted: set[str] = set()
    for plan in items:
        if plan.version not in by_version:
            continue
        carried = exporter.adapt(carry(plan, profile))
        by_version[plan.version].append(carried)
        if plan.question.id not in noted:
            noted.add(plan.question.id)
            notes += [Diagnostic(Location(exporter.name), n.message, subject=plan.where, severity=n.severity)
                      for n in carried.notes]
    versions = tuple((v, tuple(by_version[v.letter])) for v in worksheet.versions if v.letter in by_version)
    if versions and not any(not c.left_out for _, carried in versions for c in carried):
        why = profile.empty or f"no question of this worksheet can be carried in {exporter.name}: nothing to import"
        notes.append(Diagnostic(Location(exporter.name), why, subject=f"version {letters[0]}", severity="error"))
    for letter in letters[len(written):]:
        notes.append(Diagnostic(
            Location(exporter.name),
            f"not written: {profile.first_version_only}, so only version {letters[0]} is exported; "
            f"export this one with --version {letter}",
            subject=f"version {letter}", severity="left-out"))
    return FormatPlan(exporter.name, worksheet, versions, tuple(notes))


def plan_formats(worksheet: model.Worksheet, exporters: list[Exporter]) -> dict[str, FormatPlan]:
    """Return the plan of every format, each question planned once for all of them."""
    items = plan_items(worksheet)
    return {exporter.name: plan_format(worksheet, exporter, items) for exporter in exporters}
