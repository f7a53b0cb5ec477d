"""Students' answers for the marking tests, and every way they come back, written as the real thing writes it.

The answers are drawn from the assembled worksheet (the model), never from
the manifest, and ``expected_share`` scores them by its own reading of the
model's keys: the tests compare quizgen's results with that independent
computation. The writers shape each route as its producer does:

- response files in quizgen.responses's format, as the interactive page
  saves them, and the pdf-form worksheets filled in with pypdf;
- the marks sheet as a teacher types it into ``quizgen mark --template``'s file;
- Moodle's Responses and Grades reports as mod/quiz/report/responses and
  overview download them (see quizgen/marking/moodle.py for what was read),
  in English and in French, with Moodle's own marks worked out from the
  exported Moodle XML's fractions;
- Canvas's Student Analysis as student_analysis.rb writes it, question
  texts taken from the exported QTI.
"""

from __future__ import annotations

import csv
import html
import io
import json
import random
import re
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

from quizgen import model
from quizgen.assemble import format_number, letter_of
from quizgen.scoring import passage_words


def mark_the_words_choices(passage: str, answers, optional=()) -> list[tuple[str, bool]]:
    """Return the choices an LMS export offers for a passage: every word, in order, right when in a phrase to mark."""
    return [(w.text, w.marked) for w in passage_words(passage, answers, optional)]


WORD = re.compile(r"\w+(?:['’\-]\w+)*")


def words_of(text: str) -> list[str]:
    """Return the words of ``text``, lower-cased: the test's own reading of "a word"."""
    return [w.lower().replace("’", "'") for w in WORD.findall(text)]


# --------------------------------------------------------------------------
# Students and their answers


@dataclass
class Student:
    """A student: name, version, and per position (kind of answer, answer in scoring's form)."""

    name: str
    version: model.Version
    answers: dict[int, tuple[str, object]] = field(default_factory=dict)
    #: Rubric points the teacher gives the open answers (position → points), once marked.
    rubric: dict[int, Fraction] = field(default_factory=dict)

    def answer(self, number: int) -> object:
        """Return the answer at a position (None: blank)."""
        return self.answers.get(number, ("blank", None))[1]


FIRST = ["Ada", "Bea", "Chen", "Dara", "Eun-ji", "Farid", "Gita", "Hugo", "Ines", "Jae", "Kofi", "Lena", "Mira", "Nils",
         "Oona", "Pablo", "Quynh", "Rosa", "Sami", "Tova"]
LAST = ["Lovelace", "Ng", "Kim", "O'Neil", "Park", "Haddad", "Rao", "Émond"]


def students(worksheet: model.Worksheet, count: int = 40, seed: int = 21, versions: list[str] | None = None) -> list[Student]:
    """Return ``count`` students spread over the versions, each answer right, wrong, partial, blank or open."""
    rng = random.Random(seed)
    pool = [v for v in worksheet.versions if versions is None or v.letter in versions]
    out = []
    for i in range(count):
        version = pool[i % len(pool)]
        student = Student(f"{FIRST[i % len(FIRST)]} {LAST[i % len(LAST)]}{'' if i < len(FIRST) else ' ' + str(i)}", version)
        strength = [0.85, 0.6, 0.35][i % 3]
        for item in version.items:
            roll = rng.random()
            how = "right" if roll < strength else "blank" if roll > 0.93 else rng.choice(["wrong", "partial"])
            student.answers[item.number] = (how, answer_for(item, how, rng))
        out.append(student)
    return out


def answer_for(item: model.WorksheetItem, how: str, rng: random.Random) -> object:
    """Return an answer of the given sort (right, wrong, partial, blank) to ``item``, in scoring's form."""
    q = item.question
    if how == "blank":
        return None
    if isinstance(q, model.OpenResponse):
        return f"The writer wants readers to admire him; I would check {rng.choice(['the dates', 'another source'])}."
    if isinstance(q, model.SingleChoice):
        right = q.correct_index
        wrong = [i for i in range(len(q.choices)) if i != right]
        return letter_of(right if how == "right" else rng.choice(wrong))
    if isinstance(q, model.MultipleResponse):
        right = [i for i, c in enumerate(q.choices) if c.correct]
        wrong = [i for i, c in enumerate(q.choices) if not c.correct]
        chosen = right if how == "right" else right[:-1] + wrong[:1] if how == "partial" else wrong[:2] or right[:1]
        return sorted(letter_of(i) for i in chosen)
    if isinstance(q, model.TrueFalse):
        return q.answer if how == "right" else not q.answer
    if isinstance(q, model.Numeric):
        value = q.answer if how == "right" else q.answer + q.tolerance + 3
        return format_number(value) + (f" {q.unit}" if q.unit and rng.random() < 0.5 else "")
    if isinstance(q, model.ShortAnswer):
        return q.answers[0].upper() if how == "right" and rng.random() < 0.5 else q.answers[0] if how == "right" else "Tokyo"
    if isinstance(q, model.Matching):
        letters = {n: letter_of(item.shuffled.index(p.right)) for n, p in enumerate(q.pairs, start=1)}
        if how == "right":
            return letters
        rotated = list(letters.values())[1:] + list(letters.values())[:1]
        if how == "partial":
            return {n: letters[n] if n == 1 else rotated[n - 1] for n in letters} | {len(letters): None}
        return dict(zip(letters, rotated))
    if isinstance(q, model.Ordering):
        places = [q.items.index(text) + 1 for text in item.shuffled]
        if how == "right":
            return places
        if how == "partial":
            swapped = places[:]
            swapped[0], swapped[1] = swapped[1], swapped[0]
            return swapped
        return [len(places) + 1 - p for p in places]
    if isinstance(q, model.MarkTheWords):
        # In LMS units (the phrases and other words the exports offer), so every route can carry it.
        choices = mark_the_words_choices(q.passage, q.answers, q.optional)
        right = [t for t, c in choices if c]
        wrong = [t for t, c in choices if not c]
        picked = right if how == "right" else right[:-1] + wrong[:1] if how == "partial" else wrong[:2]
        return picked
    raise AssertionError(q.kind)


def mtw_words(picked: list[str]) -> list[str]:
    """Return the words a mark-the-words answer marks."""
    return [w for phrase in picked for w in words_of(phrase)]


# --------------------------------------------------------------------------
# The test's own scoring, from the model


def expected_share(item: model.WorksheetItem, answer: object) -> Fraction | None:
    """Return the share of the points ``answer`` earns (None: an open answer to mark)."""
    q = item.question
    if answer is None or answer == [] or answer == "":
        return Fraction(0)
    if isinstance(q, model.OpenResponse):
        return None
    if isinstance(q, model.SingleChoice):
        return Fraction(q.choices[ord(answer) - 65].correct)
    if isinstance(q, (model.MultipleResponse, model.MarkTheWords)):
        if isinstance(q, model.MultipleResponse):
            keyed = {letter_of(i) for i, c in enumerate(q.choices) if c.correct}
            chosen = set(answer)
            return max(Fraction(0), Fraction(len(chosen & keyed) - len(chosen - keyed), len(keyed)))
        # banks/README.md, "Marking mark-the-words": a phrase is found by marking a word of it; a
        # marked word in no required or optional phrase costs a share; never below zero.
        chosen = set(mtw_words(answer))
        found = sum(1 for phrase in q.answers if chosen & set(words_of(phrase)))
        allowed = set(mtw_words(list(q.answers) + list(q.optional)))
        return max(Fraction(0), Fraction(found - len(chosen - allowed), len(q.answers)))
    if isinstance(q, model.TrueFalse):
        return Fraction(answer == q.answer)
    if isinstance(q, model.Numeric):
        number = Decimal(str(answer).split()[0])
        return Fraction(abs(number - q.answer) <= q.tolerance)
    if isinstance(q, model.ShortAnswer):
        return Fraction(str(answer).strip().lower() in [a.lower() for a in q.answers])
    if isinstance(q, model.Matching):
        right = sum(1 for n, p in enumerate(q.pairs, start=1)
                    if answer.get(n) is not None and item.shuffled[ord(answer[n]) - 65] == p.right)
        return Fraction(right, len(q.pairs))
    if isinstance(q, model.Ordering):
        right = sum(1 for text, place in zip(item.shuffled, answer) if place == q.items.index(text) + 1)
        return Fraction(right, len(q.items))
    raise AssertionError(q.kind)


def expected_results(student: Student) -> dict:
    """Return the student's expected points, maximum, points to mark and skill percentages."""
    points = maximum = pending = Fraction(0)
    skills: dict[str, list[Fraction]] = {}
    for item in student.version.items:
        share = expected_share(item, student.answer(item.number))
        if share is None and item.number in student.rubric:
            share = student.rubric[item.number] / item.question.points
        got = skills.setdefault(item.question.skill, [Fraction(0), Fraction(0), Fraction(0)])
        got[1] += item.question.points
        maximum += item.question.points
        if share is None:
            pending += item.question.points
            got[2] += item.question.points
        else:
            points += share * item.question.points
            got[0] += share * item.question.points
    return {"points": points, "maximum": maximum, "pending": pending,
            "skills": {k: None if v[2] else v[0] * 100 / v[1] for k, v in skills.items()}}


# --------------------------------------------------------------------------
# Routes: response files, PDF forms, marks sheet


def write_response_files(folder: Path, build_id: str, roster: list[Student]) -> list[Path]:
    """Write one response file per student, as the interactive page saves them (quizgen.responses's format)."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i, s in enumerate(roster):
        answers = []
        for item in s.version.items:
            value = s.answer(item.number)
            q = item.question
            if value is not None and isinstance(q, model.Matching):
                value = [value.get(n) for n in range(1, len(q.pairs) + 1)]
            elif value is not None and isinstance(q, model.MarkTheWords):
                value = [{"index": index, "word": word} for index, word in marked_indices(q.passage, value)]
            answers.append({"position": item.number, "kind": q.kind, "value": value})
        data = {"format": "quizgen-response", "schema": 1, "build": build_id, "worksheet": "sampler",
                "version": s.version.letter, "student": s.name, "saved": "2024-03-05T09:02:00Z", "answers": answers}
        path = folder / f"response-{i:02d}.json"
        path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
        paths.append(path)
    return paths


def marked_indices(passage: str, picked: list[str]) -> list[tuple[int, str]]:
    """Return the passage's words (index, word) a student marks for the phrases and words ``picked``."""
    from quizgen.responses import passage_words, phrase_words

    words = passage_words(passage)
    out: set[int] = set()
    for phrase in picked:
        if len(words_of(phrase)) == 1:  # a word: the first word of the passage that is it (not "the" in "their")
            out |= {next(w.index for w in words if words_of(w.text) == words_of(phrase))}
            continue
        found = phrase_words(passage, phrase)
        out |= set(found[0]) if found else set()
    return [(i, words[i].text) for i in sorted(out)]


def write_pdf_forms(folder: Path, worksheet: model.Worksheet, roster: list[Student]) -> list[Path]:
    """Write one filled PDF form per student: the pdf-form worksheet, filled with pypdf as a PDF reader would."""
    from pypdf import PdfReader, PdfWriter

    from quizgen.render import render_html
    from quizgen.render.form import form_context
    from quizgen.render.pdf import render_documents

    folder.mkdir(parents=True, exist_ok=True)
    blanks: dict[str, bytes] = {}
    paths = []
    for i, s in enumerate(roster):
        letter = s.version.letter
        if letter not in blanks:
            ctx = form_context(worksheet, s.version)
            blanks[letter] = render_documents("form", [render_html("worksheet.html.j2", ctx)], ctx["doc"]["stylesheets"],
                                              forms=True).pdf
        writer = PdfWriter(clone_from=PdfReader(io.BytesIO(blanks[letter])))
        values = {"name": s.name, "class": "10B"}
        for item in s.version.items:
            values |= form_fields(item, s.answer(item.number))
        for page in writer.pages:
            writer.update_page_form_field_values(page, values, auto_regenerate=False)
        out = io.BytesIO()
        writer.write(out)
        path = folder / f"form-{i:02d}.pdf"
        path.write_bytes(out.getvalue())
        paths.append(path)
    return paths


def form_fields(item: model.WorksheetItem, answer: object) -> dict[str, str]:
    """Return the field values a student's answer sets (radio states as WeasyPrint names them: the index)."""
    q, n = item.question, item.number
    if answer is None:
        return {}
    if isinstance(q, model.SingleChoice):
        return {f"q{n}": f"/{ord(answer) - 65}"}
    if isinstance(q, model.TrueFalse):
        return {f"q{n}": "/0" if answer else "/1"}
    if isinstance(q, model.MultipleResponse):
        return {f"q{n}-{letter}": "/on" for letter in answer}
    if isinstance(q, model.Matching):
        return {f"q{n}-{p}": letter or "" for p, letter in answer.items()}
    if isinstance(q, model.Ordering):
        return {f"q{n}-{i}": "" if place is None else str(place) for i, place in enumerate(answer, start=1)}
    if isinstance(q, model.MarkTheWords):
        return {f"q{n}-w{index}": "/on" for index, _ in marked_indices(q.passage, answer)}
    return {f"q{n}": str(answer)}


def typed(item: model.WorksheetItem, answer: object, variant: int) -> str:
    """Return an answer as a teacher types it on the marks sheet (``variant`` picks among the forms allowed)."""
    q = item.question
    if answer is None:
        return ""
    if isinstance(q, model.MultipleResponse):
        return (" " if variant % 2 else "").join(answer) if len(answer) > 1 else answer[0]
    if isinstance(q, model.TrueFalse):
        return ("T" if answer else "F") if variant % 2 else ("True" if answer else "false")
    if isinstance(q, model.Matching):
        if variant % 2:
            return " ".join(f"{n}{letter or '?'}" for n, letter in answer.items())
        return ", ".join(f"{n}-{letter}" for n, letter in answer.items() if letter)
    if isinstance(q, model.Ordering):
        return ("-" if variant % 2 else " ").join("?" if p is None else str(p) for p in answer)
    if isinstance(q, model.MarkTheWords):
        return "; ".join(answer)
    if isinstance(q, model.SingleChoice):
        return answer.lower() if variant % 3 == 0 else answer
    return str(answer)


def fill_marks_sheet(template: Path, roster: list[Student]) -> None:
    """Add a row per student to the marks sheet ``template``, typed as a teacher would."""
    text = template.read_text(encoding="utf-8-sig")
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for i, s in enumerate(roster):
        row = [s.name, s.version.letter.lower() if i % 4 == 0 else s.version.letter]
        row += [typed(item, s.answer(item.number), i) for item in s.version.items]
        writer.writerow(row)
    template.write_text(text + out.getvalue(), encoding="utf-8-sig")


# --------------------------------------------------------------------------
# Moodle


# Dates as the attempts tables write them when downloading: strftimedatetime with its comma made a space
# (mod/quiz/report/overview/overview_table.php and responses/last_responses_table.php, build_table).
MOODLE_EN = {"last": "Last name", "first": "First name", "email": "Email address", "state": "State",
             "started": "Started on", "completed": "Completed", "duration": "Duration", "grade": "Grade",
             "question": "Question", "response": "Response", "right": "Right answer", "qbrief": "Q.",
             "finished": "Finished", "average": "Overall average", "requires": "Requires grading",
             "true": "True", "false": "False", "decimal": ".", "dates": ["5 March 2024  9:02 AM", "5 March 2024  9:31 AM"]}
MOODLE_FR = {"last": "Nom de famille", "first": "Prénom", "email": "Adresse de courriel", "state": "État",
             "started": "Commencé le", "completed": "Terminé", "duration": "Temps utilisé", "grade": "Note",
             "question": "Question", "response": "Réponse", "right": "Bonne réponse", "qbrief": "Q.",
             "finished": "Terminée", "average": "Moyenne générale", "requires": "Doit être évalué",
             "true": "Vrai", "false": "Faux", "decimal": ",", "dates": ["5 mars 2024  09:02", "5 mars 2024  09:31"]}


def moodle_fractions(moodle_xml: bytes, version: str, several: bool) -> dict[str, list[tuple[str, Fraction]]]:
    """Return, per question id, the choices and fractions of the exported Moodle XML (one version's)."""
    from lxml import etree

    root = etree.fromstring(moodle_xml)
    out, current = {}, ""
    for question in root.iter("question"):
        if question.get("type") == "category":
            current = question.findtext("category/text")
            continue
        if several and f"/Version {version}/" not in current:
            continue
        if question.get("type") != "multichoice":
            continue
        choices = [(html.unescape(re.sub(r"<[^>]+>", "", a.findtext("text"))), Fraction(a.get("fraction")) / 100)
                   for a in question.iter("answer")]
        out[question.findtext("idnumber")] = choices
    return out


def moodle_share(item: model.WorksheetItem, answer: object, fractions: dict) -> Fraction | None:
    """Return the share Moodle gives ``answer``, grading the exported question as qtype_multichoice and the rest do."""
    q = item.question
    if isinstance(q, model.OpenResponse):
        return None  # an essay waits for grading
    if answer is None:
        return Fraction(0)
    if isinstance(q, (model.MultipleResponse, model.MarkTheWords)):
        texts = moodle_choice_texts(item, answer)
        total = sum(f for text, f in fractions[q.id] if text in texts)
        return min(Fraction(1), max(Fraction(0), total))
    if isinstance(q, model.ShortAnswer):
        return Fraction(str(answer).strip().lower() in [a.lower() for a in q.answers])
    return expected_share(item, answer)


def moodle_choice_texts(item: model.WorksheetItem, answer: object) -> list[str]:
    """Return the texts of the choices a multiple-choice answer ticks, in choice order."""
    q = item.question
    if isinstance(q, model.MarkTheWords):
        return [t for t, _ in mark_the_words_choices(q.passage, q.answers, q.optional) if t in answer]
    return [c.text for i, c in enumerate(q.choices) if letter_of(i) in answer]


def moodle_summary(item: model.WorksheetItem, answer: object, words: dict) -> str:
    """Return a response as the Responses report summarises it ("-" for none)."""
    q = item.question
    if answer is None:
        return "-"
    if isinstance(q, model.SingleChoice):
        return q.choices[ord(answer) - 65].text
    if isinstance(q, (model.MultipleResponse, model.MarkTheWords)):
        return "; ".join(moodle_choice_texts(item, answer))
    if isinstance(q, model.TrueFalse):
        return words["true"] if answer else words["false"]
    if isinstance(q, model.Matching):
        return "; ".join(f"{p.left} -> {item.shuffled[ord(answer[n]) - 65]}"
                         for n, p in enumerate(q.pairs, start=1) if answer.get(n))
    if isinstance(q, model.Ordering):
        return "; ".join(f"{text} -> {place}" for text, place in zip(item.shuffled, answer) if place is not None)
    return str(answer)


def moodle_question_texts(moodle_xml: bytes, version: str, several: bool) -> dict[str, str]:
    """Return each question's text as Moodle's html_to_text gives it (paragraphs become lines)."""
    from lxml import etree

    root = etree.fromstring(moodle_xml)
    out, current = {}, ""
    for question in root.iter("question"):
        if question.get("type") == "category":
            current = question.findtext("category/text")
        elif not several or f"/Version {version}/" in current:
            body = question.findtext("questiontext/text")
            text = re.sub(r"</p>\s*<p>", "\n\n", body).replace("<br>", "\n")
            out[question.findtext("idnumber")] = html.unescape(re.sub(r"<[^>]+>", "", text)).strip()
    return out


def moodle_question_summary(item: model.WorksheetItem, texts: dict[str, str]) -> str:
    """Return the "Question n" column: the question text, then its choices (get_question_summary)."""
    q = item.question
    text = texts[q.id]
    if isinstance(q, (model.SingleChoice, model.MultipleResponse)):
        return text + ": " + "; ".join(c.text for c in q.choices)
    if isinstance(q, model.Matching):
        return f"{text} {{{'; '.join(p.left for p in q.pairs)}}} -> {{{'; '.join(item.shuffled)}}}"
    return text


def write_moodle(folder: Path, stem: str, roster: list[Student], moodle_xml: bytes, words: dict, several: bool,
                 with_question_text: bool, override: tuple[int, int, str] | None = None) -> tuple[Path, Path, dict]:
    """Write one quiz's Responses and Grades reports; return their paths and Moodle's marks (student, position) → points."""
    version = roster[0].version
    fractions = moodle_fractions(moodle_xml, version.letter, several)
    texts = moodle_question_texts(moodle_xml, version.letter, several)
    total = version.points
    scale = Fraction(10, total)  # the quiz's maximum grade is 10
    dec = words["decimal"]

    def fmt(value: Fraction) -> str:
        return f"{float(value):.2f}".replace(".", dec)

    info = [words["last"], words["first"], words["email"], words["state"], words["started"], words["completed"],
            words["duration"], f"{words['grade']}/{fmt(Fraction(10))}"]
    r_head, g_head = list(info), list(info)
    for item in version.items:
        n = item.number
        if with_question_text:
            r_head.append(f"{words['question']} {n}")
        r_head.append(f"{words['response']} {n}")
        if with_question_text:
            r_head.append(f"{words['right']} {n}")
        g_head.append(f"{words['qbrief']} {n} /{fmt(item.question.points * scale)}")
    r_rows, g_rows, lms = [r_head], [g_head], {}
    sums = []
    for i, s in enumerate(roster):
        first, last = s.name.split(" ", 1)
        email = re.sub(r"[^a-z0-9]+", ".", s.name.lower()).strip(".") + "@school.example"
        who = [last, first, email, words["finished"], words["dates"][0], words["dates"][1],
               "29 mins 3 secs", ""]
        responses, marks, got = list(who), list(who), Fraction(0)
        for item in version.items:
            answer = s.answer(item.number)
            if with_question_text:
                responses.append(moodle_question_summary(item, texts))
            responses.append(moodle_summary(item, answer, words))
            if with_question_text:
                responses.append(moodle_summary(item, expected_key(item), words))
            share = moodle_share(item, answer, fractions)
            if override and override[:2] == (i, item.number):
                share = Fraction(override[2])
            mark = None if share is None else share * item.question.points * scale
            lms[(s.name, item.number)] = None if share is None else share * item.question.points
            marks.append("-" if answer is None else words["requires"] if mark is None else fmt(mark))
            got += mark or 0
        responses[7] = marks[7] = fmt(got)
        sums.append(got)
        r_rows.append(responses)
        g_rows.append(marks)
    g_rows.append([words["average"], "", "", "", "", "", "", fmt(sum(sums) / len(sums))] + [""] * len(version.items))
    responses_path, grades_path = folder / f"{stem}-responses.csv", folder / f"{stem}-grades.csv"
    for path, rows in ((responses_path, r_rows), (grades_path, g_rows)):
        out = io.StringIO()
        csv.writer(out, lineterminator="\n").writerows(rows)
        path.write_bytes(b"\xef\xbb\xbf" + out.getvalue().encode("utf-8"))  # Moodle's download: UTF-8 with a BOM
    return responses_path, grades_path, lms


def expected_key(item: model.WorksheetItem) -> object:
    """Return the keyed answer to ``item`` (for Moodle's "Right answer" column)."""
    return answer_for(item, "right", random.Random(0)) if not isinstance(item.question, model.OpenResponse) else None


# --------------------------------------------------------------------------
# Canvas


def canvas_texts(qti_zip: bytes, version: str) -> dict[int, str]:
    """Return each position's question text as the Student Analysis header shows it: the QTI html through strip_tags.

    Items are identified by worksheet, version and position ("unit3-A-03"), never by question id.
    """
    from lxml import etree

    archive = zipfile.ZipFile(io.BytesIO(qti_zip))
    name = next(n for n in archive.namelist() if n.endswith(f"-{version}.xml") and "meta" not in n)
    root = etree.fromstring(archive.read(name))
    ns = {"q": "http://www.imsglobal.org/xsd/ims_qtiasiv1p2"}
    out = {}
    for item in root.iterfind(".//q:item", ns):
        number = int(item.get("ident").rsplit("-", 1)[1])
        body = item.find("q:presentation/q:material/q:mattext", ns).text
        # Canvas's own HtmlTextHelper.strip_tags (gems/html_text_helper): tags gone, numeric character
        # references decoded, named ones (&amp; &lt; …) dropped.
        text = re.sub(r"</?[^<>\n]*>?", "", body)
        text = re.sub(r"&#(\d+);", lambda m: chr(int(m.group(1))), text)
        out[number] = re.sub(r"&\w+;", "", text)
    return out


def canvas_choice(text: str) -> str:
    """Return a choice's text as Canvas keeps it from the QTI's HTML (Qti::HtmlHelper#clear_html): named
    entities dropped, spacing squeezed."""
    return " ".join(re.sub(r"&\w+;", "", html.escape(text, quote=False)).split())


def canvas_cell(item: model.WorksheetItem, answer: object) -> str:
    """Return an answer as the Student Analysis writes it."""
    q = item.question
    if answer is None:
        return ""
    if isinstance(q, model.SingleChoice):
        return canvas_choice(q.choices[ord(answer) - 65].text)
    if isinstance(q, model.TrueFalse):
        return "True" if answer else "False"
    if isinstance(q, (model.MultipleResponse, model.MarkTheWords)):
        return ",".join(canvas_choice(t).replace(",", "\\,") for t in moodle_choice_texts(item, answer))
    if isinstance(q, (model.Matching, model.Ordering)):
        if isinstance(q, model.Matching):
            pairs = [(p.left, item.shuffled[ord(answer[n]) - 65] if answer.get(n) else "")
                     for n, p in enumerate(q.pairs, start=1)]
        else:
            pairs = [(text, "" if place is None else str(place)) for text, place in zip(item.shuffled, answer)]
        return ",".join("=>".join(part.replace("=>", "\\=>") for part in pair).replace(",", "\\,") for pair in pairs)
    if isinstance(q, model.ShortAnswer) and expected_share(item, answer) == 1:
        return next(a for a in q.answers if a.lower() == str(answer).strip().lower())  # the matched answer's text
    return str(answer)


def write_canvas(path: Path, roster: list[Student], qti_zip: bytes, *, sis: bool, french: bool, first_id: int = 900,
                 override: tuple[int, int, str] | None = None) -> dict:
    """Write a Student Analysis CSV for one quiz (version); return Canvas's points (student, position) → points."""
    version = roster[0].version
    texts = canvas_texts(qti_zip, version.letter)
    head = (["nom", "id", "sis_id", "section", "section_id", "section_sis_id", "soumis", "tentative"] if french and sis
            else ["nom", "id", "section", "section_id", "soumis"] if french
            else ["name", "id", "sis_id", "section", "section_id", "section_sis_id", "submitted", "attempt"] if sis
            else ["name", "id", "section", "section_id", "submitted"])
    for item in version.items:
        head += [f"{7000 + item.number * 13}: {texts[item.number]}", f"{float(item.question.points)}"]
    head += ["n correct", "n incorrect", "score"] if not french else ["n correctes", "n incorrectes", "note"]
    rows, lms = [head], {}
    for i, s in enumerate(roster):
        row = [s.name, str(first_id + i)] + ([f"S{first_id + i:04d}"] if sis else []) + ["Period 2", "41"] + (["P2"] if sis else [])
        row += ["2024-03-05 09:31:12 UTC"] + (["1"] if sis else [])
        correct = incorrect = 0
        score = Fraction(0)
        for item in version.items:
            answer = s.answer(item.number)
            share = expected_share(item, answer)
            if override and override[:2] == (i, item.number):
                share = Fraction(override[2])
            points = (share or 0) * item.question.points
            lms[(s.name, item.number)] = None if share is None else points
            # Every question has its entry in submission_data, a blank one too: its points are 0.0. An
            # ungraded essay is correct: "undefined" and a partial answer "partial", both truthy in Ruby, so
            # "n correct" counts them (student_analysis.rb: submission_data.select { |a| a[:correct] }).
            row += [canvas_cell(item, answer), f"{float(points)}"]
            counted = answer is not None and (share is None or share > 0)
            correct += counted
            incorrect += not counted
            score += points
        row += [str(correct), str(incorrect), f"{float(score)}"]
        rows.append(row)
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")
    return lms


def read_csv(path: Path) -> list[dict]:
    """Return a results CSV's rows as dicts (its byte-order mark dropped)."""
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))


def read_csv_text(text: str) -> list[dict]:
    """Return CSV text's rows as dicts."""
    return list(csv.DictReader(io.StringIO(text)))


def pdf_text(data: bytes) -> list[str]:
    """Return each page's text, whitespace collapsed."""
    from pypdf import PdfReader

    return [" ".join((page.extract_text() or "").split()) for page in PdfReader(io.BytesIO(data)).pages]
