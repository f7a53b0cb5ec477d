"""Filled PDF forms: the ``pdf-form`` worksheet, filled in a PDF reader and handed back.

Field names (one per question position and part; ``n`` is the position)::

    quizgen-build        the build id (filled in by quizgen, read-only)
    quizgen-version      the version letter (likewise)
    student-name         typed by the student
    qn                   single choice and true/false: a radio group (its
                         on-states are the choice letters, True/False, or, as
                         WeasyPrint writes them, the index of the button: 0 = A
                         or True); numeric, short answer, open response and
                         mark the words: a text field (words separated by ; or ,)
    qn-A, qn-B …         multiple response: a check box per letter
    qn-1, qn-2 …         matching: the letter typed for each prompt;
                         ordering: the place typed for each printed item

Text fields are read as a marks sheet's cells are (quizgen.marking.answers).
The build id may also be found in the document's keywords, where a form
carries it there instead of a field.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

from quizgen import scoring
from quizgen.errors import Location
from quizgen.marking.answers import ReadResult, Student, Submission, problem, typed_answer
from quizgen.marking.build import Build

ROUTE = "PDF form"
BUILD_FIELD, VERSION_FIELD, STUDENT_FIELD = "quizgen-build", "quizgen-version", "student-name"
_BUILD_ID = re.compile(r"qg-[0-9a-f]{12}")


def looks_like(data: bytes) -> bool:
    """Return whether ``data`` is a PDF."""
    return data[:1024].lstrip().startswith(b"%PDF-")


def read(path: Path, build: Build, display: str) -> ReadResult:
    """Return the submission in the filled form at ``path``, or why it cannot be marked."""
    result = ReadResult()
    try:
        values, keywords = form_values(Path(path).read_bytes())
    except Exception as err:  # pypdf raises many kinds on a damaged file
        result.problems.append(problem(display, f"cannot read the PDF form: {type(err).__name__}: {err}"))
        return result
    build_id = values.get(BUILD_FIELD) or next(iter(_BUILD_ID.findall(keywords)), "")
    if not values or not build_id:
        result.problems.append(problem(display, "not a quizgen PDF form (no quizgen-build field)"))
        return result
    if build_id != build.id:
        result.problems.append(problem(display, f"answers from another build ({build_id!r}), not {build.id} of {build.path}"))
        return result
    version = build.version(values.get(VERSION_FIELD, ""))
    if version is None:
        result.problems.append(problem(display, f"no version {values.get(VERSION_FIELD)!r} in this build (it has {build.letters})"))
        return result
    name = " ".join(str(values.get(STUDENT_FIELD, "")).split())
    if not name:
        result.problems.append(problem(display, "the form names no student (field student-name is empty)"))
        return result
    answers, given = {}, {}
    for number, position in version.positions.items():
        try:
            answer = field_answer(position, values)
            message = "" if scoring.is_blank(answer) else scoring.check(position, answer)
            if message:
                raise ValueError(message)
        except ValueError as err:
            result.problems.append(problem(display, f"question {number} ({position['kind']}): {err}", column=f"q{number}"))
            continue
        answers[number] = answer
        if not scoring.is_blank(answer):
            given[number] = scoring.answer_text(position, answer)
    if not result.problems:
        result.submissions.append(Submission(Student(name), version.letter, answers, Location(display), ROUTE, given))
    return result


def form_values(data: bytes) -> tuple[dict[str, object], str]:
    """Return the form's values by field name (text, True for a ticked box, the chosen state) and its keywords."""
    import logging

    from pypdf import PdfReader

    # pypdf warns "q3.q3 already parsed" for each radio button of WeasyPrint's forms: noise to a teacher.
    pypdf_log = logging.getLogger("pypdf")
    level = pypdf_log.level
    pypdf_log.setLevel(logging.ERROR)
    try:
        return _form_values(PdfReader(io.BytesIO(data)))
    finally:
        pypdf_log.setLevel(level)


def _form_values(reader) -> tuple[dict[str, object], str]:
    values: dict[str, object] = {}
    for name, field in (reader.get_fields() or {}).items():
        kind, value = field.get("/FT"), field.get("/V")
        if kind == "/Tx" or kind == "/Ch":
            values[name] = "" if value is None else str(value)
        elif kind == "/Btn" and value is not None and str(value) != "/Off":
            values[name] = str(value).lstrip("/")
    for page in reader.pages:  # a radio button chosen by setting its widget's state only
        for annot in page.get("/Annots") or []:
            widget = annot.get_object()
            parent = widget.get("/Parent")
            state = widget.get("/AS")
            if parent is not None and state is not None and str(state) != "/Off":
                name = parent.get_object().get("/T")
                if name is not None and str(name) not in values:
                    values[str(name)] = str(state).lstrip("/")
    keywords = str((reader.metadata or {}).get("/Keywords", "") or "")
    return values, keywords


def field_answer(position: dict, values: dict[str, object]) -> object:
    """Return the answer the form's fields give for ``position`` (None when blank)."""
    n, kind, rec = position["position"], position["kind"], position["scoring"]
    if kind == "single-choice":
        return _choice(values.get(f"q{n}"), rec["letters"])
    if kind == "true-false":
        state = _choice(values.get(f"q{n}"), ["True", "False"])
        return None if state is None else scoring.parse_true_false(state)
    if kind == "multiple-response":
        return sorted(letter for letter in rec["letters"] if values.get(f"q{n}-{letter}"))
    if kind == "matching":
        return {p: typed_answer({"kind": "single-choice"}, values.get(f"q{n}-{p}", ""))
                for p in range(1, len(rec["prompts"]) + 1)}
    if kind == "ordering":
        cells = [str(values.get(f"q{n}-{i}", "")).strip() for i in range(1, len(rec["items"]) + 1)]
        return [int(c) if c.isdigit() else None if c in ("", "-", "?") else _not_place(c) for c in cells]
    return typed_answer(position, str(values.get(f"q{n}", "")))


def _choice(state: object, options: list[str]) -> str | None:
    """Return the option a radio group's state names: by its value, or by WeasyPrint's button index."""
    if state in (None, "", "Off"):
        return None
    text = str(state)
    if text.isdigit() and int(text) < len(options):
        return options[int(text)]
    return text.upper() if len(text) == 1 else text


def _not_place(cell: str) -> int:
    raise ValueError(f"'{cell}' is not a place (a number)")
