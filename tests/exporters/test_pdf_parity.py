"""Exports say what the printed worksheet says, and keep to students what students may see.

Four things a trial run found, each checked against every format that
carries it, on a small worksheet built from the model classes:

* excerpts come one block per source in line order (not claim order, which
  gives away an ordering question), with "…" between separate passages, one
  citation naming every run and the repair note, as on the PDF;
* the citation is the PDF's (render.context.citation), not raw metadata;
* with ``cards: true`` the outside-source card is in the question text of
  the questions the PDF gives one, and nowhere in it without cards;
* a teacher note goes only into grader-only fields (Moodle XML
  information for graders, a QTI 2.1 scorer rubric); every other format
  leaves it out and says so, once per question.

And a mark-the-words stem's leading "Circle" says "Select" where the
question becomes choices (not on an Anki card).
"""

from __future__ import annotations

import dataclasses
import io
import zipfile

import pytest
from click.testing import CliRunner
from lxml import etree

from quizgen import model as m
from quizgen import printed
from quizgen.exporters import get_exporter
from quizgen.exporters import wording as esc
from quizgen.exporters.plan import plan_items, question_text

from . import sample

#: Formats that put the question text (excerpts, citation, card) in the file.
TEXT_FORMATS = ("moodle-xml", "gift", "canvas-qti", "qti21", "cc", "blackboard", "brightspace", "anki")
#: Every format, for the teacher-note checks (Kahoot only when a question fits).
ALL_FORMATS = TEXT_FORMATS + ("kahoot",)

LINES = tuple(f"Line {n} says WORD{n:02d} here." for n in range(1, 16))

#: The exporter sample's source, with the metadata a real bank source may carry
#: ("not stated", an unknown date) and a repaired line.
SOURCE = dataclasses.replace(
    sample.SOURCE, id="naenara", title="Untitled portal article", outlet="not stated",
    publisher="not stated (DPRK state media, external-propaganda style)", kind="article", original_file="naenara.txt",
    dates=m.SourceDates(published="unknown (no date or publisher in the text)", captured="2024-01-02",
                        events="1932-1945", notes=""),
    lines=LINES,
    repairs=(m.Repair("space-before-punctuation", 8, (8, 8), "here .", "here.", "tidy"),),
)

NOTE_OPEN = "Sensitive topic: make sure students do not conclude SECRETNOTEOPEN."
NOTE_MARK = "Give credit to a student who leaves SECRETNOTEMARK unmarked."
CARD = m.OutsideSource("encyclopedia entry", "The Soviet army entered Pyongyang first.")


def _common(qid: str, skill: str, sub: str, stem: str, **kw) -> dict:
    return dict(id=qid, skill=skill, subskill=sub, claims=(), stem=stem, explanation=f"Why {qid}.",
                difficulty=2, grade_band="9-10", **kw)


def _excerpt(first: int, last: int) -> m.Excerpt:
    return m.Excerpt("naenara", first, last, LINES[first - 1:last])


ORDER = m.Ordering(**_common("order-events", "date-checking", "B3", "Put these events in order."),
                   items=("First event", "Second event", "Third event"))
VERDICT = m.TrueFalse(**_common("verdict-tf", "corroborate", "C3", "Outside sources confirm the claim.",
                                outside_source=CARD), answer=False)
NAME_KIND = m.SingleChoice(**_common("name-kind", "corroborate", "C1", "What kind of source is this?",
                                     outside_source=m.OutsideSource("archive", "NOT-A-CARD evidence.")),
                           choices=(m.Choice("A memoir", True), m.Choice("A census", False), m.Choice("A map", False)))
OPEN = m.OpenResponse(**_common("weigh-open", "corroborate", "C4", "Weigh the memoir as evidence.", points=2,
                                teacher_note=NOTE_OPEN),
                      rubric=m.Rubric("Weighs it.", "Names it.", "Restates it."), model_answer="It is one-sided.")
MARK = m.MarkTheWords(**_common("mark-judge", "identify-bias", "A2",
                                "Circle the three words in this sentence that judge instead of describe.",
                                teacher_note=NOTE_MARK),
                      passage="The vicious bandits fled in shameful disorder.", answers=("vicious", "bandits", "shameful"))
CIRCLE_CHOICE = m.SingleChoice(**_common("circle-choice", "identify-bias", "A2", "Circle one: which word is loaded?"),
                               choices=(m.Choice("vicious", True), m.Choice("fled", False), m.Choice("in", False)))


def worksheet(cards: bool = False) -> m.Worksheet:
    """Return a one-version worksheet: the ordering question's excerpts in claim order 4, 10–11, 8, 2, 12."""
    items = (
        m.WorksheetItem(1, ORDER, "1-2-3", (_excerpt(4, 4), _excerpt(10, 11), _excerpt(8, 8), _excerpt(2, 2),
                                            _excerpt(12, 12)), shuffled=ORDER.items),
        m.WorksheetItem(2, VERDICT, "False", (_excerpt(5, 5),)),
        m.WorksheetItem(3, NAME_KIND, "A", (_excerpt(6, 6),)),
        m.WorksheetItem(4, OPEN, OPEN.model_answer, (_excerpt(14, 15),)),
        m.WorksheetItem(5, MARK, "vicious; bandits; shameful", (_excerpt(3, 3),)),
        m.WorksheetItem(6, CIRCLE_CHOICE, "A"),
    )
    recipe = m.Recipe(title="Parity sample", instructions="", questions=(), cards=cards)
    return m.Worksheet(recipe=recipe, versions=(m.Version("A", items),), sources={"naenara": SOURCE})


def export_text(fmt: str, ws: m.Worksheet) -> str:
    """Return everything a format wrote, as text: zip entries (the Anki database too) one after another."""
    data = get_exporter(fmt).export(ws)
    if data[:2] != b"PK":
        return data.decode("utf-8-sig")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        # SQLite stores short text as plain UTF-8, so Anki's fields can be searched in the bytes.
        return "\n".join(archive.read(name).decode("utf-8", errors="ignore") for name in archive.namelist())


def plain(text: str) -> str:
    """Undo the escaping the text formats apply (GIFT backslashes, HTML entities), enough to search."""
    import html

    return html.unescape(text.replace("\\", ""))


# --------------------------------------------------------------------------
# 1 and 2: excerpts by line, one citation per source, the PDF's citation


def test_excerpt_blocks_are_in_line_order_with_gap_marks_and_one_citation():
    ws = worksheet()
    blocks = esc.excerpt_blocks(ws, ws.versions[0].items[0])
    assert len(blocks) == 1, "one source, one block"
    lines, cite = blocks[0]
    numbers = [line.split(esc.LINE_NUMBER_GAP)[0] for line in lines.split("\n")]
    assert numbers == ["2", "\u2026", "4", "\u2026", "8", "\u2026", "10", "11", "12"]
    ranges = [(2, 2), (4, 4), (8, 8), (10, 12)]
    assert cite.split("\n") == ["\u2014 " + printed.citation(SOURCE, ranges), printed.repair_note(SOURCE, ranges)]
    assert cite.startswith("\u2014 Untitled portal article; date not printed in the source; lines 2, 4, 8 and 10\u201312.")
    assert "Transcription repaired by the editors: spaces before punctuation removed (line 8)." in cite


def _text(ws: m.Worksheet, number: int, passage: str = "") -> str:
    """Return question ``number``'s text as the plan puts it together (stem, passage, excerpts, card)."""
    plan = plan_items(ws)[number - 1]
    return question_text(plan, plan.question.stem, passage)


def test_citation_is_the_printed_worksheets_and_never_raw_metadata():
    ws = worksheet()
    text = _text(ws, 2)
    assert text.endswith("\u2014 " + printed.citation(SOURCE, 5, 5))
    assert "not stated" not in text and "unknown" not in text and "Transcription" not in text


@pytest.mark.parametrize("fmt", TEXT_FORMATS)
def test_every_format_prints_excerpt_lines_in_line_order_with_the_pdf_citation(fmt):
    text = plain(export_text(fmt, worksheet()))
    found = [text.find(LINES[n - 1]) for n in (2, 4, 8, 10, 11, 12)]
    assert all(at >= 0 for at in found), (fmt, found)
    assert found == sorted(found), (fmt, found)  # claim order (4, 10, 8, 2, 12) would give away the answer
    assert printed.citation(SOURCE, [(2, 2), (4, 4), (8, 8), (10, 12)]) in text, fmt
    assert "Transcription repaired by the editors: spaces before punctuation removed (line 8)." in text, fmt
    assert "not stated" not in text and "no date or publisher" not in text, fmt


# --------------------------------------------------------------------------
# 3: outside-source cards in the question text when the recipe asks for cards


CARD_TEXT = f"Outside source card ({CARD.kind}): {CARD.says}"


def test_card_follows_the_excerpts_in_the_question_text_only_with_cards():
    with_cards = _text(worksheet(cards=True), 2)
    assert with_cards.endswith("\u2014 " + printed.citation(SOURCE, 5, 5) + "\n\n" + CARD_TEXT)
    assert CARD.says not in _text(worksheet(cards=False), 2)
    # C1 (naming the kind of source is the task): no card, as on paper.
    assert "NOT-A-CARD" not in _text(worksheet(cards=True), 3)


def _moodle_question_texts(data: bytes) -> dict[str, str]:
    root = etree.fromstring(data)
    return {q.findtext("idnumber"): q.findtext("questiontext/text") for q in root.findall("question")
            if q.get("type") != "category"}


@pytest.mark.parametrize("fmt", TEXT_FORMATS)
def test_every_format_carries_the_card_in_the_question_only_with_cards(fmt):
    assert CARD_TEXT in plain(export_text(fmt, worksheet(cards=True))), fmt
    assert CARD_TEXT not in plain(export_text(fmt, worksheet(cards=False))), fmt
    assert "card (archive)" not in plain(export_text(fmt, worksheet(cards=True))), fmt


def test_default_recipe_puts_the_card_into_moodle_and_gift_question_text(tmp_path):
    from quizgen import paths
    from quizgen.cli import main

    recipe = paths.bank_dir().parent / "banks" / "recipes" / "default.yaml"
    if not recipe.is_file():
        recipe = paths.bank_dir() / "recipes" / "default.yaml"
    result = CliRunner().invoke(main, ["export", "-f", "moodle-xml,gift", str(recipe), "-o", str(tmp_path)],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    xml = next(tmp_path.glob("*-moodle-xml.xml")).read_bytes()
    root = etree.fromstring(xml)
    category, texts = "", {}
    for q in root.findall("question"):
        if q.get("type") == "category":
            category = q.findtext("category/text")
        elif "/Version A/" in category:
            texts[q.findtext("idnumber")] = q.findtext("questiontext/text")
    # The verdict questions version A drew, worked out independently of the exporters.
    from quizgen.assemble import make_worksheet
    from quizgen.bank import load_bank
    from quizgen.recipe import load_recipe

    sheet = make_worksheet(load_bank(paths.bank_dir()), load_recipe(recipe))
    carded = [i.question.id for i in sheet.versions[0].items if printed.outside_card(i.question)]
    assert carded, "the default recipe should draw a verdict question with a card"
    gift = next(tmp_path.glob("*-gift.txt")).read_text(encoding="utf-8")
    for qid in carded:
        assert "Outside source card (" in texts[qid], qid
        block = gift[gift.index(f"[id:{qid}]"):]
        head = block[: block.index("\n{") if "\n{" in block else block.index("{\n")]
        assert "Outside source card (" in head, qid


# --------------------------------------------------------------------------
# 4: teacher notes only in grader-only fields, and reported where left out


def test_rubric_and_general_feedback_never_hold_the_teacher_note():
    plans = {p.question.id: p for p in plan_items(worksheet())}
    assert "SECRETNOTEOPEN" not in plans[OPEN.id].rubric + plans[OPEN.id].feedback
    assert plans[OPEN.id].grader.endswith("Teacher note: " + NOTE_OPEN)
    assert plans[MARK.id].grader == "Teacher note: " + NOTE_MARK


def _notes_outside(root, allowed) -> list[str]:
    """Return the texts holding a teacher note that are not inside an allowed (grader-only) element."""
    out = []
    for el in root.iter():
        for text in (el.text, el.tail):
            if text and "SECRETNOTE" in text:
                holder = el if text is el.text else el.getparent()
                if not any(allowed(a) for a in [holder, *holder.iterancestors()]):
                    out.append(text)
    return out


def test_moodle_xml_keeps_the_teacher_note_to_graderinfo():
    root = etree.fromstring(get_exporter("moodle-xml").export(worksheet()))
    assert _notes_outside(root, lambda el: el.tag == "graderinfo") == []
    grader = [q.findtext("graderinfo/text") for q in root.findall("question") if q.findtext("idnumber") == OPEN.id]
    assert "SECRETNOTEOPEN" in grader[0]


def test_qti21_keeps_the_teacher_note_to_scorer_rubrics():
    with zipfile.ZipFile(io.BytesIO(get_exporter("qti21").export(worksheet()))) as archive:
        items = {n: etree.fromstring(archive.read(n)) for n in archive.namelist() if n.startswith("items/")}
    scorer = lambda el: isinstance(el.tag, str) and el.tag.endswith("rubricBlock") and el.get("view") == "scorer"  # noqa: E731
    for name, root in items.items():
        assert _notes_outside(root, scorer) == [], name
    found = {n for n, root in items.items() for el in root.iter() if scorer(el) and "SECRETNOTE" in "".join(el.itertext())}
    name = worksheet().recipe.name
    assert found == {f"items/{name}-A-04.xml", f"items/{name}-A-05.xml"}  # the open question and the words to mark: 4th and 5th


@pytest.mark.parametrize("fmt", ["gift", "canvas-qti", "cc", "blackboard", "brightspace", "anki"])
def test_formats_without_a_grader_only_field_leave_the_teacher_note_out(fmt):
    assert "SECRETNOTE" not in export_text(fmt, worksheet()), fmt


def _note_lines(fmt: str, ws: m.Worksheet) -> dict[str, list]:
    out: dict[str, list] = {}
    for d in get_exporter(fmt).check(ws):
        if "teacher note" in d.message:
            out.setdefault(d.subject.rsplit("(", 1)[1].rstrip(")"), []).append(d)
    return out


#: Questions whose teacher note each format leaves out (and so reports).
NOT_CARRIED = {
    "moodle-xml": {MARK.id},  # information for graders exists for essays only
    "qti21": set(),
    **{fmt: {OPEN.id, MARK.id} for fmt in ("gift", "canvas-qti", "cc", "blackboard", "brightspace", "anki")},
}


@pytest.mark.parametrize("fmt", sorted(NOT_CARRIED))
def test_each_teacher_note_left_out_gets_one_adapted_line(fmt):
    lines = _note_lines(fmt, worksheet())
    assert set(lines) == NOT_CARRIED[fmt], fmt
    for subject, found in lines.items():
        assert len(found) == 1 and found[0].severity == "adapted", (fmt, subject)
        assert "not carried" in found[0].message and "PDF answer key" in found[0].message


def test_kahoot_reports_the_teacher_note_of_a_question_it_writes():
    tf = m.TrueFalse(**_common("short-tf", "corroborate", "C2", "The memoir is a primary source.",
                               teacher_note="Accept SECRETNOTEKAHOOT."), answer=True)
    ws = m.Worksheet(recipe=m.Recipe(title="K", instructions="", questions=()),
                     versions=(m.Version("A", (m.WorksheetItem(1, tf, "True"),)),))
    lines = _note_lines("kahoot", ws)
    assert list(lines) == ["short-tf"] and len(lines["short-tf"]) == 1
    assert "SECRETNOTEKAHOOT" not in export_text("kahoot", ws)


# --------------------------------------------------------------------------
# Mark the words: "Circle" says "Select" where the question becomes choices


@pytest.mark.parametrize("fmt", ["moodle-xml", "gift", "canvas-qti", "qti21", "cc", "blackboard", "brightspace"])
def test_mark_the_words_stem_says_select_where_carried_as_choices(fmt):
    text = plain(export_text(fmt, worksheet()))
    assert MARK.stem.replace("Circle ", "Select ", 1) in text, fmt
    # Neither the question nor its name says "Circle".
    assert MARK.stem not in text and MARK.stem[:30] not in text, fmt
    assert "Circle one: which word is loaded?" in text, fmt  # other kinds keep their stem


def test_anki_card_keeps_circle_and_select_stem_touches_only_a_leading_circle():
    assert MARK.stem in export_text("anki", worksheet())
    assert esc.select_stem(MARK) == "Select the three words in this sentence that judge instead of describe."
    assert esc.select_stem(CIRCLE_CHOICE) == CIRCLE_CHOICE.stem
    inner = dataclasses.replace(MARK, stem="Read it, then Circle the words.")
    assert esc.select_stem(inner) == inner.stem
    marked = dataclasses.replace(MARK, stem="Mark the words that judge.")
    assert esc.select_stem(marked) == "Select the words that judge."
    assert esc.select_note(marked) == "; the stem says 'Select' instead of 'Mark'"


def test_a_question_name_says_select_as_its_text_does():
    from .support import plan_of

    ((_, carried),) = plan_of("moodle-xml", worksheet()).written()
    assert carried[4].name == "05 Select the three words in this sentence that judge instead of describe."


@pytest.mark.parametrize("fmt", ["moodle-xml", "gift", "canvas-qti", "cc", "blackboard", "brightspace"])
def test_the_conversion_line_says_the_stem_was_changed(fmt):
    lines = [d.message for d in get_exporter(fmt).check(worksheet()) if d.subject == f"question 5 ({MARK.id})"]
    converted = [line for line in lines if "mark" in line.lower() and "words" in line and "choice" in line]
    assert len(converted) == 1 and "'Select' instead of 'Circle'" in converted[0], (fmt, lines)


def test_a_passage_to_mark_is_not_printed_twice():
    """As on paper, the passage stands for its excerpt: the export prints the passage and the
    citation, not the excerpt's lines as well (line 3 printed after the passage it holds)."""
    text = _text(worksheet(), 5, MARK.passage)
    assert MARK.passage in text
    assert LINES[2] not in text and "line 3." in text


def test_a_stem_that_quotes_its_passages_is_not_followed_by_them():
    """print_excerpts: false (the stem quotes every passage it needs): the citation only, as on paper."""
    ws = worksheet()
    item = ws.versions[0].items[1]
    quoted = dataclasses.replace(item, question=dataclasses.replace(VERDICT, print_excerpts=False))
    assert LINES[4] in _text(ws, 2)
    one = dataclasses.replace(ws, versions=(m.Version("A", (quoted,)),))
    text = _text(one, 1)
    assert LINES[4] not in text and "line 5." in text
