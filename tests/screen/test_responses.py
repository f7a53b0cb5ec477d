"""Reading response files: the schema, clear errors naming file and field, and the command."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quizgen.assemble import format_number
from quizgen.cli import main
from quizgen.responses import (SCHEMA, ResponseError, normalise_text, parse_number, parse_response, passage_words,
                               phrase_words, read_answers)

GOOD = {
    "format": "quizgen-response", "schema": 1, "build": "qg-0123456789ab", "worksheet": "sampler", "version": "B",
    "student": "Ada Lovelace", "saved": "2025-03-05T09:02:11.000Z",
    "answers": [
        {"position": 1, "kind": "single-choice", "value": "C"},
        {"position": 2, "kind": "multiple-response", "value": ["A", "D"]},
        {"position": 3, "kind": "true-false", "value": False},
        {"position": 4, "kind": "numeric", "value": "1,936"},
        {"position": 5, "kind": "short-answer", "value": "emotional appeal"},
        {"position": 6, "kind": "open-response", "value": None},
        {"position": 7, "kind": "matching", "value": ["B", None, "A"]},
        {"position": 8, "kind": "ordering", "value": [3, 1, 2]},
        {"position": 9, "kind": "mark-the-words", "value": [{"index": 4, "word": "cleaned"}, {"index": 5, "word": "up"}]},
    ],
}


def _write(tmp_path, document, name="answers.json") -> str:
    path = tmp_path / name
    path.write_text(document if isinstance(document, str) else json.dumps(document), encoding="utf-8")
    return path


def test_a_good_file_reads_as_plain_data(tmp_path):
    response = read_answers(_write(tmp_path, GOOD))
    assert (response.build, response.version, response.student, response.source) == ("qg-0123456789ab", "B", "Ada Lovelace", "html")
    values = {n: a.value for n, a in response.answers.items()}
    assert values == {1: "C", 2: ("A", "D"), 3: False, 4: "1,936", 5: "emotional appeal", 6: None,
                      7: ("B", None, "A"), 8: (3, 1, 2), 9: ((4, "cleaned"), (5, "up"))}
    assert [a.kind for a in response.answers.values()] == [a["kind"] for a in GOOD["answers"]]


def test_the_schema_is_valid_and_accepts_the_example():
    from jsonschema import Draft202012Validator

    Draft202012Validator.check_schema(SCHEMA)
    assert list(Draft202012Validator(SCHEMA).iter_errors(GOOD)) == []


def _bad(tmp_path, change) -> list[str]:
    document = json.loads(json.dumps(GOOD))
    change(document)
    with pytest.raises(ResponseError) as caught:
        read_answers(_write(tmp_path, document))
    return caught.value.lines()


def test_a_value_the_kind_cannot_take_is_named_by_field(tmp_path):
    lines = _bad(tmp_path, lambda d: d["answers"][0].update(value=7))
    assert any("answers.json: field 'answers[0].value'" in line and "found 7" in line for line in lines), lines
    lines = _bad(tmp_path, lambda d: d["answers"][7].update(value=["first"]))
    assert any("answers[7].value" in line for line in lines), lines
    lines = _bad(tmp_path, lambda d: d["answers"][8]["value"][0].pop("word"))
    assert any("answers[8].value" in line for line in lines), lines


def test_missing_and_unknown_fields(tmp_path):
    lines = _bad(tmp_path, lambda d: d.pop("student"))
    assert any("'student' is missing" in line for line in lines), lines
    lines = _bad(tmp_path, lambda d: d.update(teacher="x"))
    assert any("teacher" in line for line in lines), lines
    lines = _bad(tmp_path, lambda d: d.update(student="   "))
    assert any("field 'student'" in line for line in lines), lines
    lines = _bad(tmp_path, lambda d: d.update(student=5))
    assert any("field 'student': found 5, expected string" in line for line in lines), lines
    lines = _bad(tmp_path, lambda d: d.update(build="qg-xyz"))
    assert any("field 'build'" in line for line in lines), lines
    lines = _bad(tmp_path, lambda d: d["answers"][1].update(position=1))
    assert any("position 1 is given twice" in line for line in lines), lines
    lines = _bad(tmp_path, lambda d: d["answers"][1].update(kind="essay"))
    assert any("answers[1].kind" in line for line in lines), lines


def test_not_json_names_the_line(tmp_path):
    with pytest.raises(ResponseError) as caught:
        read_answers(_write(tmp_path, '{\n "format": "quizgen-response",\n "schema": 1,,\n}'))
    assert caught.value.lines()[0].startswith(f"{tmp_path / 'answers.json'}:3: not JSON")


def test_a_key_given_twice_is_refused_with_line_column_and_key(tmp_path):
    """Plain json keeps the last of two "value"s silently: a hand-edited answer could pass for the student's."""
    text = json.dumps(GOOD, indent=1).replace('"value": "1,936"', '"value": "1,936",\n   "value": "1,945"')
    line = next(n for n, row in enumerate(text.splitlines(), 1) if '"1,945"' in row)
    with pytest.raises(ResponseError) as caught:
        read_answers(_write(tmp_path, text))
    assert caught.value.lines() == [
        f'{tmp_path / "answers.json"}:{line}:4: key "value" is given twice in one object; programs disagree on which '
        "one counts, so quizgen reads neither: keep one",
        f"{tmp_path / 'answers.json'} was not read",
    ]
    top = json.dumps(GOOD).replace('"student": "Ada Lovelace"', '"student": "Ada Lovelace", "student": "Grace"')
    with pytest.raises(ResponseError, match="was not read") as caught:
        parse_response(top.encode(), "top.json")
    assert caught.value.lines()[0].startswith('top.json:1:') and 'key "student" is given twice' in caught.value.lines()[0]
    assert parse_response(json.dumps(GOOD).encode(), "good.json").student == "Ada Lovelace"  # nested objects still read


@pytest.mark.parametrize("content, says", [
    ('{"format": "something-else"}', "not a quizgen response file"),
    ("[1, 2]", "not a quizgen response file"),
    ('{"format": "quizgen-response", "schema": 2}', "response schema 2"),
    ("\udcff", None),
])
def test_files_that_are_not_responses(tmp_path, content, says):
    path = tmp_path / "x.json"
    if says is None:
        path.write_bytes(b"\xff\xfe\x00garbage")
        says = "not UTF-8"
    else:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(ResponseError) as caught:
        read_answers(path)
    assert says in " ".join(caught.value.lines())


def test_odd_files(tmp_path):
    with pytest.raises(ResponseError, match="was not read") as caught:
        read_answers(tmp_path)
    assert "is a folder" in caught.value.lines()[0]
    with pytest.raises(ResponseError) as caught:
        read_answers(tmp_path / "missing.json")
    assert "cannot read" in caught.value.lines()[0]
    big = tmp_path / "big.json"
    big.write_bytes(b" " * 2_000_001)
    with pytest.raises(ResponseError) as caught:
        read_answers(big)
    assert "larger than" in caught.value.lines()[0]
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000, encoding="utf-8")
    with pytest.raises(ResponseError):
        read_answers(deep)
    fake = tmp_path / "fake.pdf"
    fake.write_bytes(b"%PDF-1.7\nnot really")
    with pytest.raises(ResponseError) as caught:
        read_answers(fake)
    assert "PDF" in caught.value.lines()[0]


def test_an_integer_too_long_to_read_is_a_clear_error(tmp_path):
    """Python refuses to read an integer of more than 4300 digits; the reader says so instead of crashing."""
    text = json.dumps(GOOD).replace('"position": 1,', '"position": ' + "9" * 5000 + ",", 1)
    with pytest.raises(ResponseError) as caught:
        read_answers(_write(tmp_path, text))
    assert "answers.json" in caught.value.lines()[0] and "number" in caught.value.lines()[0], caught.value.lines()


def test_blank_answers_read_as_not_given(tmp_path, runner):
    """What the page never writes (blank text, a list of nothing) reads as nothing given, as a blank form field does."""
    document = json.loads(json.dumps(GOOD))
    blank = {"numeric": " ", "short-answer": "", "open-response": "\n\t", "matching": [None, None, None],
             "ordering": [None, None, None]}
    for answer in document["answers"]:
        if answer["kind"] in blank:
            answer["value"] = blank[answer["kind"]]
    path = _write(tmp_path, document)
    response = read_answers(path)
    assert {n: a.value for n, a in response.answers.items() if a.kind in blank} == {4: None, 5: None, 6: None, 7: None, 8: None}
    assert response.answers[5].kind == "short-answer"
    result = runner.invoke(main, ["responses", str(path)])
    assert "4 of 9 answered" in result.stdout, result.output


def test_a_name_cannot_drive_the_teachers_terminal(tmp_path, runner):
    """Control characters in a name (an ANSI escape that recolours or retitles the terminal) are shown, not sent."""
    document = dict(GOOD, student="Eve\u001b[31m red\u001b]0;title\u0007 \u009b2J")
    result = runner.invoke(main, ["responses", str(_write(tmp_path, document))])
    assert result.exit_code == 0
    assert not any(ord(c) < 32 and c != "\n" or 0x7f <= ord(c) < 0xa0 for c in result.stdout), repr(result.stdout)
    assert "Eve" in result.stdout and "red" in result.stdout


def test_responses_command_reads_and_reports(runner, tmp_path):
    good = _write(tmp_path, GOOD, "good.json")
    bad = _write(tmp_path, "{}", "bad.json")
    result = runner.invoke(main, ["responses", str(good), str(bad)])
    assert result.exit_code == 1
    assert f"{good}: Ada Lovelace, version B of build qg-0123456789ab (html), 8 of 9 answered" in result.stdout
    assert f"{bad}: not a quizgen response file" in result.stderr
    assert "Traceback" not in result.output


def test_responses_command_prints_the_schema(runner):
    result = runner.invoke(main, ["responses", "--schema"])
    assert result.exit_code == 0
    assert json.loads(result.stdout) == SCHEMA
    assert runner.invoke(main, ["responses"]).exit_code == 2


def test_normalising_typed_answers():
    assert normalise_text("  “Emotional  Appeal.” ") == "emotional appeal"
    assert normalise_text("'absolutely'") == normalise_text('"absolutely"') == "absolutely"
    assert normalise_text("U.S.") == "u.s"
    assert normalise_text("a – b") == "a - b"
    assert normalise_text("ＡＢＣ") == "abc"


@pytest.mark.parametrize("text, number", [("1936", 1936), ("1,936", 1936), ("1936.", 1936), ("2,5", Decimal("2.5")),
                                          (" −4.50 ", Decimal("-4.5")), ("12,000.25", Decimal("12000.25")),
                                          ("1 936", 1936), ("abc", None), ("1.2.3", None), ("", None), ("1e3", None)])
def test_reading_typed_numbers(text, number):
    assert parse_number(text) == (Decimal(number) if number is not None else None)


@given(st.decimals(min_value=-10**9, max_value=10**9, places=3, allow_nan=False, allow_infinity=False))
def test_a_number_written_as_quizgen_writes_it_reads_back(value):
    assert parse_number(format_number(value)) == value


def test_words_of_a_passage():
    passage = "they cleaned up the counterrevolutionary forces -- wealthy landowners, rebels and imperialists’ lackeys"
    words = passage_words(passage)
    assert [w.text for w in words][:4] == ["they", "cleaned", "up", "the"]
    assert "imperialists’" in [w.text for w in words]
    assert phrase_words(passage, "cleaned up") == [(1, 2)]
    assert phrase_words(passage, "e") != []
    assert phrase_words(passage, "missing") == []
