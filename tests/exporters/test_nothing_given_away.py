"""Nothing given away: every format's student-visible fields, for every question of the shipped bank.

Each format's file is read back with a reader written here (lxml, zipfile,
csv, openpyxl, sqlite3 and the gift-pegjs parser), which sorts what it
finds into what a student sees while answering (question text, names,
choices, words, prompts, matches) and what a student may see after
submitting (feedback), leaving out what students never see (Moodle's
information for graders, QTI scorer rubrics, the keys a format scores
with). Then, for every question of the bank:

* no grader-only text (rubric levels and patterns, model answer, an open
  question's explanation, teacher note) is in either;
* no explanation is in what a student sees while answering;
* no accepted short answer and no numeric answer is in it, unless the
  printed worksheet shows it too (a stem or an excerpt may quote it);
* every word to mark is its own one-word choice: no phrase stands out;
* the question id is nowhere a student looks (names, titles, item
  identifiers, file names in a package): an id such as
  "broq-mark-living-hell" names the answer. The readers find a question by
  its version and position ("bank-A-003"), or by a field only teachers see
  (Moodle's ID number, GIFT's comment, Brightspace's ID row).

Anki is the one exception, on purpose: a deck is for students to study
from, and the back of a card is the answer side (docs/lms/anki.md); its
front is checked like the others, its back only for teacher notes.
"""

from __future__ import annotations

import csv
import html
import io
import re
import sqlite3
import zipfile

import openpyxl
import pytest
from lxml import etree

from quizgen import model as m
from quizgen import paths
from quizgen.assemble import whole_bank
from quizgen.bank import load_bank
from quizgen.exporters import get_exporter, names

from .support import grader_only, html_to_text, single_words, squash
from .test_gift import parse_with_gift_pegjs

#: Texts shorter than this are too common to mean a leak ("No.", "1945" is checked as a number).
MIN_TEXT = 12


@pytest.fixture(scope="module")
def bank_sheet() -> m.Worksheet:
    return whole_bank(load_bank(paths.bank_dir()), 7)


@pytest.fixture(scope="module")
def exported(bank_sheet) -> dict[str, bytes]:
    """Return each format's file of the whole bank, made once for the module's tests."""
    return {fmt: get_exporter(fmt).export(bank_sheet) for fmt in names()}


class Seen:
    """What students see of each question (by id): while answering, and after submitting."""

    def __init__(self) -> None:
        self.answering: dict[str, list[str]] = {}
        self.after: dict[str, list[str]] = {}
        self.words: dict[str, list[str]] = {}

    def show(self, qid: str, *texts: str | None) -> None:
        self.answering.setdefault(qid, []).extend(plain(t) for t in texts if t)

    def later(self, qid: str, *texts: str | None) -> None:
        self.after.setdefault(qid, []).extend(plain(t) for t in texts if t)


def plain(text: str) -> str:
    """Return text as a student reads it: tags dropped, entities decoded, GIFT escapes undone, spaces collapsed."""
    text = re.sub(r"</?hottext[^>]*>", "", text)  # a word to select is part of its sentence
    text = re.sub(r"<[^>]+>", " ", text)
    text = re.sub(r"\\([\\:#={}~n])", lambda mt: {"n": " "}.get(mt.group(1), mt.group(1)), text)
    return squash(html.unescape(text))


# --------------------------------------------------------------------------
# One reader per format


def read_moodle_xml(data: bytes, seen: Seen) -> None:
    for q in etree.fromstring(data).findall("question"):
        if q.get("type") == "category":
            continue
        qid, kind = q.findtext("idnumber"), q.get("type")
        seen.show(qid, q.findtext("name/text"), q.findtext("questiontext/text"))
        seen.later(qid, q.findtext("generalfeedback/text"), *[a.findtext("feedback/text") for a in q.findall("answer")])
        if kind == "multichoice":  # the other kinds' answers are the keys Moodle scores with
            seen.show(qid, *[a.findtext("text") for a in q.findall("answer")])
            seen.words[qid] = [plain(a.findtext("text")) for a in q.findall("answer")]
        for sub in q.findall("subquestion"):
            seen.show(qid, sub.findtext("text"), sub.findtext("answer/text"))


def read_gift(data: bytes, seen: Seen, tmp_path) -> None:
    for q in parse_with_gift_pegjs(data, tmp_path):
        if q["type"] == "Category":
            continue
        qid = q["id"]
        seen.show(qid, q["title"], q["stem"]["text"])
        seen.later(qid, (q.get("globalFeedback") or {}).get("text"))
        if q["type"] == "MC":
            seen.show(qid, *[c["text"]["text"] for c in q["choices"]])
            seen.words[qid] = [plain(c["text"]["text"]) for c in q["choices"]]
        for c in q.get("choices") or []:
            seen.later(qid, (c.get("feedback") or {}).get("text"))
        for pair in q.get("matchPairs") or []:
            seen.show(qid, pair["subquestion"]["text"], pair["subanswer"])


def _qti12_items(data: bytes):
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            if name.endswith(".xml") and name != "imsmanifest.xml" and not name.endswith("assessment_meta.xml"):
                yield from etree.fromstring(archive.read(name)).iter("{*}item")


def read_qti12(data: bytes, seen: Seen, by_position: dict[str, str]) -> None:
    """Canvas and Common Cartridge: the presentation is shown; item feedback (solutions included) comes after.

    An item's ident (and its choices') and title are counted as shown: some players list them.
    """
    for item in _qti12_items(data):
        qid = by_position[item.get("ident").split("_")[0]]
        presentation = item.find("{*}presentation")
        seen.show(qid, item.get("ident"), item.get("title"), *[t.text for t in presentation.iter("{*}mattext")])
        seen.show(qid, *[label.get("ident") for label in presentation.iter("{*}response_label")])
        labels = presentation.findall(".//{*}response_label")
        if labels:
            seen.words.setdefault(qid, []).extend(plain(t.text or "") for lb in labels for t in lb.iter("{*}mattext"))
        seen.later(qid, *[t.text for f in item.findall("{*}itemfeedback") for t in f.iter("{*}mattext")])


def read_qti21(data: bytes, seen: Seen, by_position: dict[str, str]) -> None:
    """The item's file name, identifier and title count as shown: players list them to candidates."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in (n for n in archive.namelist() if n.startswith("items/")):
            root = etree.fromstring(archive.read(name))
            qid = by_position[root.get("identifier")]
            body = root.find("{*}itemBody")
            for scorer in body.findall("{*}rubricBlock[@view='scorer']"):
                body.remove(scorer)  # players show it to scorers only
            seen.show(qid, name, root.get("identifier"), root.get("title"), " ".join(body.itertext()))
            hot = body.findall(".//{*}hottext")
            if hot:
                seen.words[qid] = [h.text for h in hot]
            seen.later(qid, *[" ".join(f.itertext()) for f in root.findall("{*}modalFeedback")])


def read_blackboard(data: bytes, seen: Seen, ids: list[str]) -> None:
    for qid, line in zip(ids, data.decode("utf-8").splitlines()):
        kind, text, *rest = line.split("\t")
        seen.show(qid, text)
        if kind in ("MC", "MA"):
            seen.show(qid, *rest[::2])
            seen.words[qid] = [plain(a) for a in rest[::2]]
        elif kind == "MAT":
            seen.show(qid, *rest)
        elif kind == "ESS" and rest:
            seen.later(qid, rest[0])  # a sample answer is shown with the correct answers


def read_brightspace(data: bytes, seen: Seen) -> None:
    qid = ""
    for row in csv.reader(io.StringIO(data[3:].decode("utf-8"), newline="")):
        name = row[0]
        if name == "ID":
            qid = row[1]  # the library's id for instructors, not shown to learners
        elif name in ("Title", "QuestionText", "Item", "Choice", "Match"):
            seen.show(qid, row[1] if name != "Choice" and name != "Match" else row[2])
        elif name == "Option":
            seen.show(qid, row[2])
            seen.words.setdefault(qid, []).append(plain(row[2]))
            seen.later(qid, row[4])
        elif name in ("Feedback", "AnswerKey", "Hint"):
            seen.later(qid, row[1])  # an answer key may be released to learners


def read_kahoot(data: bytes, seen: Seen, stems: dict[str, str]) -> None:
    sheet = openpyxl.load_workbook(io.BytesIO(data))["Sheet1"]
    for row in sheet.iter_rows(min_row=9, values_only=True):
        if row[1]:
            qid = stems[squash(row[1])]
            seen.show(qid, row[1], *[str(v) for v in row[2:6] if v])


def read_anki(data: bytes, seen: Seen, backs: dict[str, str]) -> None:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        db = sqlite3.connect(":memory:")
        db.deserialize(archive.read("collection.anki2"))
        for flds, in db.execute("SELECT flds FROM notes"):
            front, back, qid = flds.split("\x1f")
            seen.show(qid, front)
            backs[qid] = plain(back)  # the answer side: studied on purpose, checked for teacher notes only
        db.close()


def positions(sheet: m.Worksheet) -> dict[str, str]:
    """Return each question's id by the neutral name of its place: worksheet name, version letter, zero-padded position."""
    out = {}
    for version in sheet.versions:
        width = max(2, len(str(len(version.items))))
        out.update({f"{sheet.recipe.name}-{version.letter}-{item.number:0{width}d}": item.question.id
                    for item in version.items})
    return out


def read(fmt: str, data: bytes, sheet: m.Worksheet, tmp_path) -> tuple[Seen, dict[str, str]]:
    seen, backs = Seen(), {}
    ids = [item.question.id for item in sheet.versions[0].items]
    if fmt == "moodle-xml":
        read_moodle_xml(data, seen)
    elif fmt == "gift":
        read_gift(data, seen, tmp_path)
    elif fmt in ("canvas-qti", "cc"):
        read_qti12(data, seen, positions(sheet))
    elif fmt == "qti21":
        read_qti21(data, seen, positions(sheet))
    elif fmt == "blackboard":
        read_blackboard(data, seen, ids)
    elif fmt == "brightspace":
        read_brightspace(data, seen)
    elif fmt == "kahoot":
        read_kahoot(data, seen, {squash(i.question.stem): i.question.id for i in sheet.versions[0].items})
    elif fmt == "anki":
        read_anki(data, seen, backs)
    else:  # pragma: no cover - a new format needs a reader here
        raise AssertionError(f"no reader for {fmt}: write one, then this test covers it")
    return seen, backs


# --------------------------------------------------------------------------
# What the paper shows, and what counts as a leak


def paper_text(item: m.WorksheetItem, sheet: m.Worksheet) -> str:
    """Return everything the printed worksheet shows of a question: stem, passage, excerpts and citations, card, choices."""
    from quizgen.printed import citation

    q = item.question
    parts = [q.stem, getattr(q, "passage", ""), *[line for e in item.excerpts for line in e.lines], *item.shuffled]
    parts += [citation(sheet.sources[e.source], e.first, e.last) for e in item.excerpts if e.source in sheet.sources]
    parts += [c.text for c in getattr(q, "choices", ())] + [p.left for p in getattr(q, "pairs", ())]
    if q.outside_source is not None:
        parts.append(q.outside_source.says)
    return squash(" ".join(parts))


def leaks(item: m.WorksheetItem, sheet: m.Worksheet, seen: Seen, backs: dict[str, str]) -> list[str]:
    """Return what a student could read of the answer before the teacher marks it."""
    q = item.question
    answering = " ".join(seen.answering.get(q.id, []))
    everything = answering + " " + " ".join(seen.after.get(q.id, []))
    found = []
    if re.search(r"(?<![^\W_])" + re.escape(q.id) + r"(?![^\W_])", everything):  # "items/A-<id>.xml" too
        found.append(f"question id {q.id!r} shown (it can name the answer)")
    for text in grader_only(q):
        if len(text) >= MIN_TEXT and squash(text) in everything:
            found.append(f"grader-only text shown: {text[:50]!r}")
    if q.teacher_note and squash(q.teacher_note) in backs.get(q.id, ""):
        found.append("teacher note on the card")
    if len(q.explanation) >= MIN_TEXT and squash(q.explanation) in answering:
        found.append("explanation shown before answering")
    paper = paper_text(item, sheet)
    keyed = list(getattr(q, "answers", ())) if isinstance(q, m.ShortAnswer) else []
    if isinstance(q, m.Numeric):
        from quizgen.printed import format_number

        keyed.append(format_number(q.answer))
    for answer in keyed:
        pattern = r"(?<![\w.])" + re.escape(squash(answer)) + r"(?![\w])"
        if re.search(pattern, answering, re.I) and not re.search(pattern, paper, re.I):
            found.append(f"answer {answer!r} shown but not printed on the worksheet")
    if isinstance(q, m.MarkTheWords) and q.id in seen.words:
        if not single_words(seen.words[q.id]):
            found.append(f"choices that are not single words: {[w for w in seen.words[q.id] if ' ' in w][:3]}")
    return found


@pytest.mark.parametrize("fmt", names())
def test_no_format_gives_an_answer_away(fmt, bank_sheet, exported, tmp_path):
    data = exported[fmt]
    seen, backs = read(fmt, data, bank_sheet, tmp_path)
    assert seen.answering, f"the {fmt} reader found nothing: it would hide a leak"
    problems = {}
    for item in bank_sheet.versions[0].items:
        found = leaks(item, bank_sheet, seen, backs)
        if found:
            problems[item.question.id] = found
    assert problems == {}, fmt


def test_the_check_catches_a_leak(bank_sheet, tmp_path):
    """Put a model answer and a keyed answer where students look: the check must see both."""
    item = next(i for i in bank_sheet.versions[0].items if isinstance(i.question, m.OpenResponse))
    short = next(i for i in bank_sheet.versions[0].items if isinstance(i.question, m.ShortAnswer)
                 and squash(i.question.answers[0]) not in paper_text(i, bank_sheet))
    seen = Seen()
    seen.show(item.question.id, item.question.stem)
    seen.later(item.question.id, "Model answer: " + item.question.model_answer)
    seen.show(short.question.id, f"{short.question.stem} ({short.question.answers[0]})")
    mark = next(i for i in bank_sheet.versions[0].items if isinstance(i.question, m.MarkTheWords))
    seen.words[mark.question.id] = ["The", "living hell"]
    assert leaks(item, bank_sheet, seen, {}) and leaks(short, bank_sheet, seen, {}) and leaks(mark, bank_sheet, seen, {})
    assert not leaks(item, bank_sheet, Seen(), {})
    named = Seen()
    named.show(mark.question.id, f"items/A-{mark.question.id}.xml")
    assert leaks(mark, bank_sheet, named, {}) == [f"question id {mark.question.id!r} shown (it can name the answer)"]


def test_the_readers_see_every_question(bank_sheet, exported, tmp_path):
    """Each reader finds the questions its format carries, so a silent reader cannot pass the leak test."""
    ids = {i.question.id for i in bank_sheet.versions[0].items}
    for fmt in names():
        data = exported[fmt]
        seen, _ = read(fmt, data, bank_sheet, tmp_path)
        carried = {d.subject.rsplit("(", 1)[1][:-1] for d in get_exporter(fmt).check(bank_sheet) if d.severity == "left-out"}
        assert set(seen.answering) == ids - carried, fmt


def test_mark_the_words_keeps_the_passage_punctuated(bank_sheet, exported):
    """The passage students read keeps its punctuation in every format that prints it."""
    marks = [i.question for i in bank_sheet.versions[0].items if isinstance(i.question, m.MarkTheWords)]
    assert marks
    for fmt in ("moodle-xml", "canvas-qti", "cc", "blackboard", "brightspace", "qti21"):
        text = plain(_all_text(exported[fmt]))
        for q in marks:
            assert squash(q.passage) in text, (fmt, q.id)


def _all_text(data: bytes) -> str:
    if data[:2] != b"PK":
        return data.decode("utf-8-sig")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return "\n".join(archive.read(n).decode("utf-8", errors="ignore") for n in archive.namelist())



def test_no_file_in_a_package_is_named_after_a_question(bank_sheet, exported):
    """Zip-based formats (QTI 2.1, Canvas, Common Cartridge, Anki, Kahoot) name their files by position, never by id."""
    ids = {i.question.id for i in bank_sheet.versions[0].items}
    zipped = {fmt: data for fmt, data in exported.items() if data[:2] == b"PK"}
    assert {"qti21", "canvas-qti", "cc", "anki", "kahoot"} <= set(zipped)
    for fmt, data in zipped.items():
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            named = [(n, qid) for n in archive.namelist() for qid in ids if re.search(rf"(?<![^\W_]){re.escape(qid)}(?![^\W_])", n)]
        assert named == [], fmt
