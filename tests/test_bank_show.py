"""`quizgen bank show` (a whole question, as a student sees it and as the key shows it) and `bank list`.

They run on the small bank under tests/projects/worksheet (every kind, two sources), named by a
workspace file in the test's folder; the one test about look-it-up questions uses the shipped bank.
"""

from __future__ import annotations

import csv
import io
import json

import pytest
from click.testing import CliRunner
from conftest import project

from quizgen import model, paths
from quizgen.assemble import make_worksheet
from quizgen.bank import load_bank
from quizgen.catalog import QuestionFilter, matches, select
from quizgen.cli import main
from quizgen.workspace import MARKER

SMALL_BANK = project("worksheet")


@pytest.fixture(scope="module")
def bank() -> model.Bank:
    return load_bank(SMALL_BANK)


@pytest.fixture
def runner(monkeypatch, tmp_path) -> CliRunner:
    """A runner in a workspace whose bank is the small test bank."""
    (tmp_path / MARKER).write_text(f"bank: {SMALL_BANK}\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COLUMNS", "72")
    return CliRunner()


@pytest.fixture
def shipped_runner(monkeypatch, tmp_path) -> CliRunner:
    monkeypatch.chdir(tmp_path)  # no workspace: the shipped bank
    monkeypatch.setenv("COLUMNS", "72")
    return CliRunner()


def _squash(text: str) -> str:
    return " ".join(text.split())


def _first(bank: model.Bank, kind: str, **where) -> model.Question:
    return next(q for q in bank.questions.values() if q.kind == kind and q.parametric is None
                and all(getattr(q, k) == v for k, v in where.items()))


def test_show_prints_the_whole_question_as_the_student_sees_it(runner, bank):
    q = _first(bank, "single-choice")
    result = runner.invoke(main, ["bank", "show", q.id])
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.splitlines()[0].startswith(q.id + " ─")
    assert all(len(line) <= 72 for line in out.splitlines())
    text = _squash(out)
    assert _squash(q.stem) in text
    item = make_worksheet(bank, model.Recipe("", "", (model.Selection("", 1, id=(q.id,)),), shuffle=False)).versions[0].items[0]
    for excerpt in item.excerpts:  # every printed line, with its number
        for n, line in enumerate(excerpt.lines, start=excerpt.first):
            assert f"{n} │ {_squash(line)[:40]}" in text.replace("│ │", "│")
    for letter, choice in zip("ABCDEFG", item.question.choices):  # version A's order, lettered
        assert f"{letter}. {_squash(choice.text)}" in text
    assert "answer space: a bubble beside each choice; the student fills in one" in text
    # Nothing of the key without --key.
    assert "answer key" not in out and _squash(q.explanation)[:60] not in text
    assert not any(_squash(c.feedback)[:40] in text for c in q.choices if c.feedback)


def test_show_key_adds_answer_explanation_verdicts_and_references(runner, bank):
    q = _first(bank, "single-choice")
    out = _squash(runner.invoke(main, ["bank", "show", q.id, "--key"]).stdout)
    item = make_worksheet(bank, model.Recipe("", "", (model.Selection("", 1, id=(q.id,)),), shuffle=False)).versions[0].items[0]
    assert f"answer: {item.key}" in out
    assert _squash(q.explanation) in out
    for cid in q.claims:
        claim = bank.claims[cid]
        assert f"claim {cid} ({claim.source}," in out
        assert f"verdict: {model.VERDICT_LABELS[claim.verdict]}. {_squash(claim.verdict_note)}" in out
        for ref in claim.references:
            assert f"{ref.author}, {ref.title} ({ref.year}): {_squash(ref.says)}" in out


def test_show_key_of_an_open_response_gives_its_rubric_and_model_answer(runner, bank):
    q = _first(bank, "open-response")
    out = _squash(runner.invoke(main, ["bank", "show", q.id, "--key"]).stdout)
    for level in ("proficient", "emergent", "basic"):
        assert f"{level}: {_squash(getattr(q.rubric, level))}" in out
    assert f"model answer: {_squash(q.model_answer)}" in out
    assert f"answer space: {q.lines} lines for an answer in full sentences" in out


def test_show_describes_every_kind_and_the_json_matches(runner, bank):
    ids = [next(q.id for q in bank.questions.values() if q.kind == kind) for kind in model.QUESTION_KINDS]
    result = runner.invoke(main, ["bank", "show", *ids, "--format", "json", "--key"])
    assert result.exit_code == 0, result.output
    entries = json.loads(result.stdout)
    assert [e["id"] for e in entries] == ids
    assert [e["kind"] for e in entries] == list(model.QUESTION_KINDS)
    by_kind = {e["kind"]: e for e in entries}
    assert len(by_kind["matching"]["right"]) >= len(by_kind["matching"]["left"]) >= 2
    assert sorted(by_kind["ordering"]["items"]) == sorted(bank.questions[by_kind["ordering"]["id"]].items)
    assert by_kind["ordering"]["key"]["in_order"] == list(bank.questions[by_kind["ordering"]["id"]].items)
    assert by_kind["mark-the-words"]["passage"] and by_kind["mark-the-words"]["key"]["marked"]
    assert all(e["answer_space"] and e["key"]["answer"] and e["key"]["claims"] for e in entries)
    student = json.loads(runner.invoke(main, ["bank", "show", *ids, "--format", "json"]).stdout)
    assert all("key" not in e for e in student)


def test_show_an_unknown_id_says_did_you_mean(runner):
    result = runner.invoke(main, ["bank", "show", "dc-order-event"])
    assert result.exit_code == 2
    assert "no question 'dc-order-event' in the bank (did you mean 'dc-order-events'?)" in result.output
    result = runner.invoke(main, ["bank", "show", "DC-ORDER-EVENTS"])
    assert "(did you mean 'dc-order-events'?)" in result.output


def test_showing_questions_together_warns_of_nothing(shipped_runner, caplog):
    """A look-it-up question shown beside one that prints its answer is no worksheet: no 'prints the answer' warning."""
    from quizgen.preview import preview

    bank = load_bank(paths.bank_dir())  # the small bank has no look-it-up question
    ids = ["kcnaq-juche-anachronism", "memq-juche-anachronism"]
    assert model.LOOK_IT_UP in bank.questions[ids[0]].tags
    with caplog.at_level("WARNING"):
        assert [e["id"] for e in preview(bank, ids)] == ids
    assert caplog.records == []
    result = shipped_runner.invoke(main, ["bank", "show", *ids])
    assert result.exit_code == 0 and "prints the answer" not in result.output


def test_show_with_filters_shows_every_question_that_passes(runner, bank):
    result = runner.invoke(main, ["bank", "show", "--skill", "B1", "--kinds", "numeric", "--format", "json"])
    expected = [q.id for q in bank.questions.values() if q.subskill == "B1" and q.kind == "numeric"]
    assert [e["id"] for e in json.loads(result.stdout)] == expected and expected


def test_list_shows_whole_stems_wrapped_to_the_terminal(runner, bank):
    result = runner.invoke(main, ["bank", "list"])
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[-1] == f"{len(bank.questions)} questions"
    assert all(len(line) <= 72 for line in lines)
    text = _squash(result.stdout)
    longest = max(bank.questions.values(), key=lambda q: len(q.stem))
    assert len(longest.stem) > 100 and _squash(longest.stem) in text  # two lines at least
    assert not any(line.endswith("…") for line in lines)  # stems are never cut
    for q in bank.questions.values():
        assert f"{q.id}  {q.subskill} {q.kind}" in result.stdout
        assert _squash(q.stem) in text


def test_list_as_csv_and_json_for_other_tools(runner, bank):
    rows = list(csv.DictReader(io.StringIO(runner.invoke(main, ["bank", "list", "--format", "csv"]).stdout)))
    assert [r["id"] for r in rows] == list(bank.questions)
    q = bank.questions[rows[0]["id"]]
    assert rows[0]["stem"] == _squash(q.stem) and rows[0]["kind"] == q.kind and int(rows[0]["difficulty"]) == q.difficulty
    data = json.loads(runner.invoke(main, ["bank", "list", "--format", "json", "--sources", "memoir"]).stdout)
    assert [d["id"] for d in data] == [q.id for q in select(bank, QuestionFilter(model.Selection("", 0, sources=("memoir",))))]


@pytest.mark.parametrize("line, band, cards, options", [
    (model.Selection("B1", 0), None, False, ["--skill", "b1"]),
    (model.Selection("date-checking", 0, ("numeric", "ordering"), ("memoir", "kcna"), (1, 2)), "9-10", False,
     ["--skill", "date-checking", "--kinds", "numeric,ordering", "--sources", "memoir,kcna", "--difficulty", "1-2",
      "--grade-band", "9-10"]),
    (model.Selection("corroborate", 0), None, True, ["--skill", "corroborate", "--cards"]),
])
def test_list_filters_as_a_recipe_line_draws(runner, bank, line, band, cards, options):
    """The same filters as recipes: exactly the questions such a recipe line could draw."""
    expected = [q.id for q in bank.questions.values() if matches(bank, q, line, band)
                and not (cards and model.LOOK_IT_UP in q.tags)]
    result = runner.invoke(main, ["bank", "list", "--format", "json", *options])
    assert result.exit_code == 0, result.output
    assert [d["id"] for d in json.loads(result.stdout)] == expected and expected


@pytest.mark.parametrize("options, expected", [
    (["--kinds", "numric"], "--kinds: 'numric' is not a question kind; use one of: single-choice, multiple-response, "
                            "true-false, short-answer, numeric, matching, ordering, open-response, mark-the-words "
                            "(did you mean 'numeric'?)"),
    (["--skill", "dates"], "--skill: 'dates' is not a skill or sub-skill"),
    (["--difficulty", "0-4"], "--difficulty: '0-4' is not a difficulty like 2 or 1-3 (1 easy … 3 hard)"),
    (["--grade-band", "7"], "--grade-band: '7' is not one of: 6-8, 9-10, 11-12"),
])
def test_a_bad_filter_is_a_usage_error_naming_the_option(runner, options, expected):
    result = runner.invoke(main, ["bank", "list", *options])
    assert result.exit_code == 2
    assert expected in result.output
