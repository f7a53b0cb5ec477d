"""Response files: the JSON the interactive worksheet page saves ("Save my answers").

One file per student and version (schema: ``RESPONSE_SCHEMA`` in
quizgen.marking.schema, printed by ``quizgen mark --response-schema``)::

    {
      "quizgen": "response",
      "schema": 1,
      "build": "qg-3f2a9c81d0e4",          the build id printed in the page
      "version": "B",
      "student": {"name": "Ada Lovelace", "id": ""},
      "saved": "2024-03-05T09:02:00Z",     optional, not used for marking
      "answers": {
        "1": "C",                          single choice: the letter
        "2": ["A", "D"],                   multiple response: the letters
        "3": true,                         true/false
        "4": "1934",                       numeric: as typed (a JSON number is fine too)
        "5": "Pyongyang",                  short answer / open response: the text
        "6": {"1": "C", "2": "A"},         matching: prompt number → letter (null: no letter)
        "7": [3, 1, 2],                    ordering: the place given to each printed item, top to bottom
        "8": ["annihilated", "great"]      mark the words: the words marked
      }
    }

Letters and numbers are those of the version's printed sheet. A position
that is missing, null, "" or [] is a blank.
"""

from __future__ import annotations

import json
from pathlib import Path

from quizgen import scoring
from quizgen.errors import Location
from quizgen.marking.answers import ReadResult, Student, Submission, problem
from quizgen.marking.build import Build

ROUTE = "response file"


def looks_like(data: bytes) -> bool:
    """Return whether ``data`` is a quizgen response file (JSON naming itself one)."""
    head = data[:400].lstrip()
    return head.startswith(b"{") and b'"quizgen"' in data[:4000]


def read(path: Path, build: Build, display: str) -> ReadResult:
    """Return the submission in the response file at ``path``, or why it cannot be marked."""
    result = ReadResult()
    try:
        data = json.loads(Path(path).read_bytes().decode("utf-8-sig"))
    except UnicodeDecodeError:
        result.problems.append(problem(display, "not a response file: not UTF-8 text"))
        return result
    except json.JSONDecodeError as err:
        result.problems.append(problem(display, f"not a response file: JSON: {err.msg}", err.lineno))
        return result
    if not isinstance(data, dict) or data.get("quizgen") != "response":
        result.problems.append(problem(display, "not a quizgen response file (no \"quizgen\": \"response\")"))
        return result
    head = _head(data, build, display)
    if isinstance(head, str):
        result.problems.append(problem(display, head))
        return result
    student, version = head
    answers, given, problems = _answers(data.get("answers"), build.versions[version].positions, display)
    result.problems += problems
    if not problems:
        result.submissions.append(Submission(student, version, answers, Location(display), ROUTE, given))
    return result


def _head(data: dict, build: Build, display: str) -> tuple[Student, str] | str:
    """Return the student and version letter, or why the file does not fit the build."""
    if data.get("schema", 1) != 1:
        return f"response file schema {data.get('schema')!r} is not one this quizgen reads (1)"
    if data.get("build") != build.id:
        return f"answers from another build ({data.get('build')!r}), not {build.id} of {build.path}"
    version = build.version(data.get("version", ""))
    if version is None:
        return f"no version {data.get('version')!r} in this build (it has {build.letters})"
    who = data.get("student")
    name = (who.get("name") if isinstance(who, dict) else who) or ""
    if not isinstance(name, str) or not name.strip():
        return "the response file names no student"
    sid = str(who.get("id", "") or "") if isinstance(who, dict) else ""
    return Student(" ".join(name.split()), id=sid), version.letter


def _answers(raw: object, positions: dict[int, dict], display: str):
    answers: dict[int, object] = {n: None for n in positions}
    given: dict[int, str] = {}
    problems = []
    if not isinstance(raw, dict):
        return answers, given, [problem(display, "no 'answers' object")]
    for key, value in raw.items():
        number = int(key) if str(key).isdigit() else None
        if number not in positions:
            problems.append(problem(display, f"position {key!r} is not a question of this version (1–{len(positions)})",
                                    column=f"answers.{key}"))
            continue
        position = positions[number]
        try:
            answer = json_answer(position, value)
            if not scoring.is_blank(answer):
                message = scoring.check(position, answer)
                if message:
                    raise ValueError(message)
        except ValueError as err:
            problems.append(problem(display, f"question {number} ({position['kind']}): {err}", column=f"answers.{key}"))
            continue
        answers[number] = answer
        given[number] = scoring.answer_text(position, answer)
    return answers, given, problems


def json_answer(position: dict, value: object) -> object:
    """Return a response file's value for ``position`` in scoring's form; ValueError if it has the wrong shape."""
    kind = position["kind"]
    if value is None or value == "" or value == [] or value == {}:
        return None
    if kind in ("single-choice",) and isinstance(value, str):
        return value.strip().upper()
    if kind == "multiple-response" and isinstance(value, list) and all(isinstance(v, str) for v in value):
        return sorted({v.strip().upper() for v in value})
    if kind == "true-false" and isinstance(value, bool):
        return value
    if kind == "numeric" and isinstance(value, (str, int, float)) and not isinstance(value, bool):
        return str(value)
    if kind in ("short-answer", "open-response") and isinstance(value, str):
        return value
    if kind == "matching" and isinstance(value, dict):
        return {int(k): (str(v).upper() if v else None) for k, v in value.items() if str(k).isdigit()} | {
            n: None for n in range(1, len(position["scoring"]["prompts"]) + 1) if str(n) not in value}
    if kind == "ordering" and isinstance(value, list) and all(v is None or isinstance(v, int) for v in value):
        return list(value)
    if kind == "mark-the-words" and isinstance(value, list) and all(isinstance(v, str) for v in value):
        return [w for v in value for w in scoring.words(v)]
    raise ValueError(f"{json.dumps(value, ensure_ascii=False)[:60]} is not {scoring.RULES[kind].answer}")
