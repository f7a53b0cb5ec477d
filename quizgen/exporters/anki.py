"""Anki deck package (.apkg) with stable ids, built with genanki.

Every question becomes one note of a Basic-style note type "quizgen
question" with three fields:

- **Front**: the stem, the passage (mark the words), the source excerpt with
  its citation, and the choices, matching columns or items to order;
- **Back**: the answer, the explanation (and the outside source that
  settles it), the verdict of each claim the question is built on, and for
  open questions the model answer and rubric;
- **Question ID**: the bank's question id.

A deck is for students to study from: the back of a card is the answer
side they turn to after trying, so it holds the key and, for an open
question, the model answer and rubric; do not hand out a deck of the
questions of a coming test. Teacher notes are never on a card (each is
noted). Tags are the skill, the sub-skill, the techniques and the
teaching tags (spaces become ``_``: Anki tags are space-separated). Every
kind fits a flashcard; a question that appears in several versions is one
note (the first version's choice order), except a parametric question
whose versions drew different values: each instance is its own note.

Ids are stable, so importing a new export updates the notes of the last one
instead of duplicating them: the note type and deck ids come from hashes of
fixed strings (the deck's includes the worksheet title), each note's GUID
from ``genanki.guid_for`` of its question id (and instance values). The
collection is built in memory with a fixed timestamp and zipped with fixed
entry times, so the same worksheet always gives the same bytes.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import sqlite3
import warnings
from typing import TYPE_CHECKING

import genanki

from quizgen import model
from quizgen.exporters import wording
from quizgen.exporters.base import Exporter
from quizgen.exporters.escape import html_text, xml_text
from quizgen.exporters.package import zip_bytes
from quizgen.exporters.plan import Profile
from quizgen.paths import templates_dir
from quizgen.printed import letter_of

if TYPE_CHECKING:
    from quizgen.exporters.plan import Carried, FormatPlan
    from quizgen.model import Worksheet

#: Base of the note and card ids genanki numbers from (2024-01-01 UTC, in
#: seconds); a per-deck offset keeps two quizgen decks from sharing ids.
EPOCH = 1_704_067_200
#: Bumped only if the note type's fields or templates change incompatibly.
MODEL_KEY = "quizgen/anki/note-type/v1"

#: The cards' style sheet, kept with the other style sheets (templates/css); Anki stores it in the note type.
CSS = (templates_dir() / "css" / "anki-card.css").read_text(encoding="utf-8")


def stable_id(key: str) -> int:
    """Return a positive 31-bit id from a fixed string (Anki model and deck ids)."""
    return int.from_bytes(hashlib.sha256(key.encode("utf-8")).digest()[:4], "big") >> 1 | 1 << 30


NOTE_TYPE = genanki.Model(
    stable_id(MODEL_KEY),
    "quizgen question",
    fields=[{"name": "Front"}, {"name": "Back"}, {"name": "Question ID"}],
    templates=[{
        "name": "Card 1",
        "qfmt": "{{Front}}",
        "afmt": "{{FrontSide}}<hr id=answer>{{Back}}",
    }],
    css=CSS,
)


def front_text(carried: Carried) -> str:
    """Return the plain text of the front: question text, then the choices or columns."""
    q = carried.question
    parts = [carried.text]
    if isinstance(q, (model.SingleChoice, model.MultipleResponse)):
        parts += [f"{letter_of(n)}. {c.text}" for n, c in enumerate(q.choices)]
    elif isinstance(q, model.TrueFalse):
        parts.append("True or false?")
    elif isinstance(q, model.Matching):
        parts += [f"{n}. {p.left}" for n, p in enumerate(q.pairs, start=1)]
        right = carried.shuffled or tuple(p.right for p in q.pairs) + q.distractors
        parts += [f"{letter_of(n)}. {text}" for n, text in enumerate(right)]
    elif isinstance(q, model.Ordering):
        parts += [f"{letter_of(n)}. {text}" for n, text in enumerate(carried.shuffled or q.items)]
    return "\n\n".join(parts)


def back_text(worksheet: Worksheet, carried: Carried) -> str:
    """Return the plain text of the back: answer, explanation, verdicts."""
    parts = ["Answer:", wording.answer_text(carried.question, carried.plan.rubric)]
    for extra in (carried.feedback, wording.verdict_text(worksheet, carried.question)):
        if extra:
            parts.append(extra)
    return "\n\n".join(parts)


def anki_tags(question: model.Question) -> list[str]:
    """Return the note's tags: skill, sub-skill, techniques, teaching tags; no spaces inside a tag."""
    tags: dict[str, None] = {}
    for tag in (*wording.question_tags(question), *getattr(question, "tags", ())):
        clean = "_".join(xml_text(tag).split())
        if clean:
            tags.setdefault(clean, None)
    return list(tags)


def note_guid(question: model.Question) -> str:
    """Return the note GUID: from the question id, plus the instance values of a parametric question."""
    if question.instance:
        return genanki.guid_for("quizgen", question.id, json.dumps([[k, str(v)] for k, v in question.instance]))
    return genanki.guid_for("quizgen", question.id)


def note_mtime(note: genanki.Note) -> int:
    """Return a modification time that changes whenever the note's content does.

    Anki's importer (rslib import_export/package/apkg/import/notes.rs) only
    updates an existing note when the incoming modification time differs
    ("Update notes: Always") or is later ("If newer", the default). A clock
    would break byte-identical exports, so the time is derived from the
    content: a changed question always gets a different time, and "Always"
    brings it in (docs/lms/anki.md).
    """
    digest = hashlib.sha256("\x1f".join([*note.fields, *note.tags]).encode("utf-8")).digest()
    return EPOCH + int.from_bytes(digest[:8], "big") % 100_000_000


def deck_name(worksheet: Worksheet) -> str:
    # "::" separates sub-decks in Anki; a title holding it would split the deck.
    title = " ".join(xml_text(worksheet.recipe.title or "quizgen").split()) or "quizgen"
    return title.replace("::", ": :")


def notes(plan: FormatPlan) -> list[genanki.Note]:
    """Return one note per distinct question (instance), in order of first appearance."""
    out: list[genanki.Note] = []
    seen: set[str] = set()
    for _version, carried in plan.written():
        for c in carried:
            guid = note_guid(c.question)
            if guid in seen:
                continue
            seen.add(guid)
            fields = [html_text(front_text(c)), html_text(back_text(plan.worksheet, c)), c.question.id]
            out.append(genanki.Note(model=NOTE_TYPE, fields=fields, tags=anki_tags(c.question), guid=guid))
    return out


class AnkiExporter(Exporter):
    """Anki .apkg: one deck, one note per question, stable ids."""

    name = "anki"
    #: Anki's package suffix.
    suffix = ".apkg"
    label = "Anki deck package (.apkg): one flashcard per question, stable ids"
    #: A flashcard shows every kind: question on the front, answer on the back (nothing to tick).
    profile = Profile(select=False, units=False, answer_side=True, marks_typed=False,
                      no_grader_field="students study the cards, so it is on neither side")

    def write(self, plan: FormatPlan) -> bytes:
        """Return the .apkg bytes (collection.anki2 and an empty media map)."""
        recipe = plan.worksheet.recipe
        name = deck_name(plan.worksheet)
        deck = genanki.Deck(stable_id(f"quizgen/anki/deck/{name}"), name,
                            description=html_text(recipe.instructions) if recipe.instructions else "")
        for note in notes(plan):
            deck.add_note(note)
        timestamp = EPOCH + stable_id(name) % 10_000_000
        connection = sqlite3.connect(":memory:")
        try:
            cursor = connection.cursor()
            with warnings.catch_warnings():
                # genanki warns about HTML-like text in fields; ours is escaped on purpose.
                warnings.simplefilter("ignore")
                genanki.Package(deck).write_to_db(cursor, timestamp, itertools.count(timestamp * 1000))
            for note in deck.notes:
                cursor.execute("UPDATE notes SET mod = ? WHERE guid = ?", (note_mtime(note), note.guid))
            connection.commit()
            database = connection.serialize()
        finally:
            connection.close()
        return zip_bytes([("collection.anki2", database), ("media", b"{}")])


__all__ = ["AnkiExporter", "NOTE_TYPE", "anki_tags", "note_guid", "note_mtime", "stable_id"]
