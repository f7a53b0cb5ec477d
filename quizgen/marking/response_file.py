"""Response files and filled PDF forms: what the interactive page and the fillable PDF give back.

Both are read by ``quizgen.responses.read_answers`` (the format, its schema
and the form's field names are defined there, with the pages and forms that
write them); this module checks a response against the build's manifest
(build id, version, each position's kind, values the question can take) and
turns its values into the forms ``quizgen.scoring`` takes.
"""

from __future__ import annotations

from pathlib import Path

from quizgen import responses, scoring
from quizgen.errors import Location
from quizgen.marking.answers import ReadResult, Student, Submission, problem
from quizgen.marking.build import Build

#: How each source is named in the results.
ROUTES = {"html": "response file", "pdf-form": "PDF form"}


def looks_like(data: bytes) -> bool:
    """Return whether ``data`` is a response file (JSON naming its format) or a PDF (perhaps a filled form)."""
    return data[:1024].lstrip().startswith(b"%PDF-") or (
        data[:400].lstrip().startswith(b"{") and responses.FORMAT.encode() in data[:4000])


def read(path: Path, build: Build, display: str) -> ReadResult:
    """Return the submission in the response file or filled form at ``path``, or what is wrong with it."""
    result = ReadResult()
    try:
        response = responses.read_answers(Path(path), display)
    except responses.ResponseError as err:
        result.problems += err.diagnostics or [problem(display, err.message)]
        return result
    if response.build != build.id:
        result.problems.append(problem(display, f"answers from another build ({response.build!r}), not {build.id} of {build.path}"))
        return result
    version = build.version(response.version)
    if version is None:
        result.problems.append(problem(display, f"no version {response.version!r} in this build (it has {build.letters})"))
        return result
    answers, given = {n: None for n in version.positions}, {}
    for number, answer in sorted(response.answers.items()):
        position = version.positions.get(number)
        if position is None:
            result.problems.append(problem(display, f"version {version.letter} has no question {number}"
                                                    f" (it has 1–{len(version.positions)})"))
            continue
        try:
            value = screen_answer(position, answer)
        except ValueError as err:
            result.problems.append(problem(display, f"question {number} ({position['kind']}): {err}"))
            continue
        answers[number] = value
        if not scoring.is_blank(value):
            given[number] = scoring.answer_text(position, value)
    if not result.problems:
        result.submissions.append(Submission(Student(" ".join(response.student.split())), version.letter, answers,
                                             Location(display), ROUTES.get(response.source, response.source), given))
    return result


def screen_answer(position: dict, answer: responses.Answer) -> object:
    """Return a response's value at ``position`` in scoring's form; ValueError when the question cannot take it."""
    kind, value = position["kind"], answer.value
    if answer.kind != kind:
        raise ValueError(f"the file has a {answer.kind} answer here: is it of another worksheet?")
    if value is None:
        return None
    if kind == "multiple-response":
        value = sorted(value)
    elif kind == "matching":
        if len(value) != len(position["scoring"]["prompts"]):
            raise ValueError(f"{len(value)} letters given for {len(position['scoring']['prompts'])} prompts")
        value = dict(enumerate(value, start=1))
    elif kind == "ordering":
        value = list(value)
    elif kind == "mark-the-words":
        value = _marked_words(position, value)
    message = scoring.check(position, value)
    if message:
        raise ValueError(message)
    return value


def _marked_words(position: dict, marked: tuple) -> list[str]:
    """Return the words a student marked, read from the passage at the indices given."""
    words = responses.passage_words(position["scoring"]["passage"])
    out = []
    for index, _ in marked:
        if not 0 <= index < len(words):
            raise ValueError(f"word {index} is not in the passage (it has {len(words)} words)")
        out += scoring.words(words[index].text)
    return out
