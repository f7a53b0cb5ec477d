"""Anki .apkg: read back with Anki's own importer (PyPI ``anki``) and with sqlite3; stable ids; properties.

Two readers:

- ``anki``: the official Anki library (the registry's Anki tooling) imports
  the package into a fresh collection with ``import_anki_package``, the code
  path of File > Import in the desktop app; skipped with a reason when the
  package cannot be installed;
- ``sqlite3``: opens ``collection.anki2`` from the zip and reads the notes,
  note type and deck rows directly, so the structure is checked everywhere.
"""

from __future__ import annotations

import dataclasses
import io
import json
import sqlite3
import zipfile
from pathlib import Path

import genanki
import pytest
from conftest import examples
from hypothesis import HealthCheck, given, settings

from quizgen import model as m
from quizgen.exporters.anki import AnkiExporter
from quizgen.exporters.plan import question_text
from quizgen.exporters.wording import feedback_text

from .sample import worksheet_all_kinds
from .support import expected_text, hostile_text, html_to_text, long_text, plan_of


def export(worksheet: m.Worksheet) -> bytes:
    return AnkiExporter().export(worksheet)


def read_sqlite(data: bytes, tmp_path: Path | None = None) -> dict:
    """Return the notes (by question id and guid), note types and decks stored in the package."""
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert archive.namelist() == ["collection.anki2", "media"]
    assert json.loads(archive.read("media")) == {}
    db = sqlite3.connect(":memory:")
    db.deserialize(archive.read("collection.anki2"))
    models = json.loads(db.execute("SELECT models FROM col").fetchone()[0])
    decks = json.loads(db.execute("SELECT decks FROM col").fetchone()[0])
    notes = []
    for guid, mid, tags, flds in db.execute("SELECT guid, mid, tags, flds FROM notes ORDER BY id"):
        front, back, qid = flds.split("\x1f")
        notes.append({"guid": guid, "mid": mid, "tags": tags.split(), "front": front, "back": back, "id": qid})
    cards = db.execute("SELECT nid, did, ord FROM cards").fetchall()
    db.close()
    return {"models": models, "decks": decks, "notes": notes, "cards": cards}


def expected_notes(worksheet: m.Worksheet) -> list[tuple[m.WorksheetItem, str]]:
    """Return (item, guid) per distinct question instance, in order of first appearance."""
    out, seen = [], set()
    for version in worksheet.versions:
        for item in version.items:
            q = item.question
            guid = genanki.guid_for("quizgen", q.id)
            if q.instance:
                guid = genanki.guid_for("quizgen", q.id, json.dumps([[k, str(v)] for k, v in q.instance]))
            if guid not in seen:
                seen.add(guid)
                out.append((item, guid))
    return out


def check_note(worksheet: m.Worksheet, item: m.WorksheetItem, front_html: str, back_html: str, tags: list[str]):
    """Assert that one note carries the question: front, back and tags (written from the model)."""
    q = item.question
    front, back = html_to_text(front_html), html_to_text(back_html)
    passage = q.passage if isinstance(q, m.MarkTheWords) else ""
    if isinstance(q, m.Numeric) and q.unit:
        passage = f"Answer in {q.unit}."
    # A card has nothing to tick: a mark-the-words stem keeps its paper verb ("Circle", "Mark").
    plan = next(c.plan for _, cs in plan_of("anki", worksheet).written() for c in cs if c.plan.item == item)
    assert front.startswith(expected_text(question_text(plan, q.stem, passage))), q.id
    if isinstance(q, (m.SingleChoice, m.MultipleResponse)):
        for n, c in enumerate(q.choices):
            letter = "ABCDEFGHIJ"[n]
            assert f"\n\n{letter}. {expected_text(c.text)}" in front, q.id
            assert (f"{letter}. {expected_text(c.text)}" in back) == c.correct, (q.id, letter)
    elif isinstance(q, m.TrueFalse):
        assert back.startswith("Answer:\n\n" + ("True" if q.answer else "False")), q.id
    elif isinstance(q, m.ShortAnswer):
        assert all(expected_text(a) in back for a in q.answers), q.id
    elif isinstance(q, m.Numeric):
        assert back.startswith(f"Answer:\n\n{q.answer.normalize():f}"), q.id
    elif isinstance(q, m.Matching):
        for p in q.pairs:
            assert expected_text(p.left) in front and f"{expected_text(p.left)} \u2192 {expected_text(p.right)}" in back
        assert all(expected_text(d) in front for d in q.distractors)
    elif isinstance(q, m.Ordering):
        assert all(expected_text(t) in front for t in q.items)
        assert all(f"{n}. {expected_text(t)}" in back for n, t in enumerate(q.items, start=1)), q.id
    elif isinstance(q, m.OpenResponse):
        for part in (q.model_answer, q.rubric.proficient, q.rubric.emergent, q.rubric.basic):
            assert expected_text(part) in back, q.id
    elif isinstance(q, m.MarkTheWords):
        assert all(expected_text(a) in back for a in q.answers), q.id
    assert expected_text(feedback_text(q)) in back, q.id
    for claim_id in q.claims:
        claim = worksheet.claims[claim_id]
        assert f"{m.VERDICT_LABELS[claim.verdict]}. {expected_text(claim.verdict_note)}" in back, q.id
    want_tags = [q.skill, q.subskill, *q.techniques, *getattr(q, "tags", ())]
    assert sorted(tags, key=str.lower) == sorted({"_".join(t.split()) for t in want_tags}, key=str.lower), q.id


def compare_sqlite(worksheet: m.Worksheet, data: bytes) -> None:
    stored = read_sqlite(data)
    want = expected_notes(worksheet)
    assert [(n["id"], n["guid"]) for n in stored["notes"]] == [(item.question.id, guid) for item, guid in want]
    for note, (item, _guid) in zip(stored["notes"], want):
        check_note(worksheet, item, note["front"], note["back"], note["tags"])
    assert len(stored["cards"]) == len(want)


# --------------------------------------------------------------------------
# The official Anki importer


@pytest.fixture(scope="module")
def anki_collection():
    """Return a function that imports .apkg bytes into a fresh (or given) Anki collection."""
    # The test extras install it (sh scripts/test.sh): missing, it is a broken setup, not a reason to skip.
    try:
        import anki.collection as collection_module
    except ImportError as err:
        pytest.fail(f"the official 'anki' package (PyPI) cannot be imported ({err}): pip install -e '.[test]'")

    def load(data: bytes, tmp_path: Path, col=None, update_always: bool = False):
        package = tmp_path / f"deck{len(list(tmp_path.glob('*.apkg')))}.apkg"
        package.write_bytes(data)
        col = col or collection_module.Collection(str(tmp_path / "collection.anki2"))
        # update_notes 1 = "Always" in File > Import (0, the default, is "If newer").
        options = collection_module.ImportAnkiPackageOptions(update_notes=1 if update_always else 0)
        request = collection_module.ImportAnkiPackageRequest(package_path=str(package), options=options)
        col.import_anki_package(request)
        return col

    return load


def anki_notes(col) -> list:
    return [col.get_note(nid) for nid in sorted(col.find_notes(""))]


def test_anki_imports_every_question(anki_collection, worksheet_all_kinds, tmp_path):
    col = anki_collection(export(worksheet_all_kinds), tmp_path)
    try:
        notes = anki_notes(col)
        want = expected_notes(worksheet_all_kinds)
        assert len(notes) == len(want) == 11  # ten questions, the parametric one twice
        by_guid = {n.guid: n for n in notes}
        for item, guid in want:
            note = by_guid[guid]
            assert note.note_type()["name"] == "quizgen question"
            assert [f["name"] for f in note.note_type()["flds"]] == ["Front", "Back", "Question ID"]
            assert note["Question ID"] == item.question.id
            check_note(worksheet_all_kinds, item, note["Front"], note["Back"], note.tags)
        assert worksheet_all_kinds.recipe.title in [d.name for d in col.decks.all_names_and_ids()]
        assert col.card_count() == len(want)
    finally:
        col.close()


def test_anki_reimport_updates_instead_of_duplicating(anki_collection, worksheet_all_kinds, tmp_path):
    col = anki_collection(export(worksheet_all_kinds), tmp_path)
    try:
        before = len(col.find_notes(""))
        changed = dataclasses.replace(worksheet_all_kinds, versions=tuple(
            dataclasses.replace(v, items=tuple(
                dataclasses.replace(i, question=dataclasses.replace(i.question, explanation="Rewritten."))
                for i in v.items)) for v in worksheet_all_kinds.versions))
        # The same package again: nothing new. Same GUIDs: never a duplicate;
        # with "Update notes: Always" (docs/lms/anki.md) the new text comes in.
        anki_collection(export(worksheet_all_kinds), tmp_path, col)
        assert len(col.find_notes("")) == before
        anki_collection(export(changed), tmp_path, col, update_always=True)
        notes = anki_notes(col)
        assert len(notes) == before
        assert all("Rewritten." in html_to_text(n["Back"]) for n in notes)
    finally:
        col.close()


def test_anki_keeps_two_quizgen_decks_apart(anki_collection, worksheet_all_kinds, tmp_path):
    other = dataclasses.replace(
        worksheet_all_kinds,
        recipe=dataclasses.replace(worksheet_all_kinds.recipe, title="Another worksheet"),
        versions=tuple(dataclasses.replace(v, items=tuple(
            dataclasses.replace(i, question=dataclasses.replace(i.question, id=i.question.id + "-x"))
            for i in v.items)) for v in worksheet_all_kinds.versions),
    )
    col = anki_collection(export(worksheet_all_kinds), tmp_path)
    try:
        anki_collection(export(other), tmp_path, col)
        assert len(col.find_notes("")) == 22
        names = {d.name for d in col.decks.all_names_and_ids()}
        assert {worksheet_all_kinds.recipe.title, "Another worksheet"} <= names
    finally:
        col.close()


# --------------------------------------------------------------------------
# The package itself


def test_notes_read_back_from_sqlite(worksheet_all_kinds):
    compare_sqlite(worksheet_all_kinds, export(worksheet_all_kinds))


def test_ids_are_stable_and_derived_from_fixed_strings(worksheet_all_kinds):
    stored = read_sqlite(export(worksheet_all_kinds))
    (model_id,) = stored["models"]
    assert stored["models"][model_id]["name"] == "quizgen question"
    deck_ids = {d["id"] for d in stored["decks"].values() if d["name"] == worksheet_all_kinds.recipe.title}
    assert len(deck_ids) == 1
    # Another worksheet with the same title and question ids gives the same ids; another title, another deck.
    retitled = dataclasses.replace(worksheet_all_kinds,
                                   recipe=dataclasses.replace(worksheet_all_kinds.recipe, title="Other"))
    other = read_sqlite(export(retitled))
    assert set(other["models"]) == {model_id}
    assert {d["id"] for d in other["decks"].values() if d["name"] == "Other"}.isdisjoint(deck_ids)
    assert [n["guid"] for n in other["notes"]] == [n["guid"] for n in stored["notes"]]


def test_export_is_byte_identical(worksheet_all_kinds):
    first = export(worksheet_all_kinds)
    assert export(worksheet_all_kinds) == first
    assert {i.date_time for i in zipfile.ZipFile(io.BytesIO(first)).infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_tags_have_no_spaces():
    q = m.TrueFalse(id="t", skill="identify-bias", subskill="A3", claims=(), stem="?", explanation="",
                    difficulty=1, grade_band="9-10", techniques=("band wagon", "name-calling"))
    ws = m.Worksheet(recipe=worksheet_all_kinds().recipe, versions=(m.Version("A", (m.WorksheetItem(1, q, ""),)),))
    assert read_sqlite(export(ws))["notes"][0]["tags"] == ["identify-bias", "A3", "band_wagon", "name-calling"]


def test_nothing_is_adapted_but_the_unit(worksheet_all_kinds):
    # The back of a card is the answer side students turn to: an open question's rubric belongs there.
    assert [d.message for d in AnkiExporter().check(worksheet_all_kinds)] == [
        "numeric unit 'years' written in the question text ('Answer in years.'): the format has no unit field"]
    assert AnkiExporter.question_kinds == frozenset(m.QUESTION_KINDS)


@settings(max_examples=examples(30), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(extra=hostile_text())
def test_hostile_text_survives(extra):
    worksheet = worksheet_all_kinds(extra)
    compare_sqlite(worksheet, export(worksheet))


def test_very_long_text_survives():
    worksheet = worksheet_all_kinds(long_text())
    compare_sqlite(worksheet, export(worksheet))


def test_hostile_text_survives_anki_import(anki_collection, tmp_path):
    extra = "세기와 더불어 ~=#{}:\\ ]]> <&> “x” \u05e9\u05dc\u05d5\u05dd\r\n\t\x00 <p>&amp;"
    worksheet = worksheet_all_kinds(extra)
    col = anki_collection(export(worksheet), tmp_path)
    try:
        by_guid = {n.guid: n for n in anki_notes(col)}
        for item, guid in expected_notes(worksheet):
            note = by_guid[guid]
            check_note(worksheet, item, note["Front"], note["Back"], note.tags)
    finally:
        col.close()


def test_modification_time_follows_content(worksheet_all_kinds):
    first = read_sqlite(export(worksheet_all_kinds))
    db_times = {}
    for data in (export(worksheet_all_kinds),):
        archive = zipfile.ZipFile(io.BytesIO(data))
        db = sqlite3.connect(":memory:")
        db.deserialize(archive.read("collection.anki2"))
        db_times = dict(db.execute("SELECT guid, mod FROM notes"))
        db.close()
    assert len(set(db_times.values())) == len(first["notes"])  # one time per content
    changed = dataclasses.replace(worksheet_all_kinds, versions=tuple(
        dataclasses.replace(v, items=tuple(
            dataclasses.replace(i, question=dataclasses.replace(i.question, explanation="New."))
            if i.question.id == "co-tf" else i for i in v.items)) for v in worksheet_all_kinds.versions))
    archive = zipfile.ZipFile(io.BytesIO(export(changed)))
    db = sqlite3.connect(":memory:")
    db.deserialize(archive.read("collection.anki2"))
    after = dict(db.execute("SELECT guid, mod FROM notes"))
    db.close()
    moved = {g for g in after if after[g] != db_times[g]}
    assert moved == {genanki.guid_for("quizgen", "co-tf")}


def test_forbidden_characters_are_dropped_and_reported():
    worksheet = worksheet_all_kinds("\x00\x1f")
    compare_sqlite(worksheet, export(worksheet))  # \x1f would split Anki's fields
    lines = [d.format() for d in AnkiExporter().check(worksheet)]
    assert "anki: adapted: version A, question 3 (co-tf): characters the format cannot hold were dropped " \
           "(U+0000, U+001F)" in lines
