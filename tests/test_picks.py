"""Questions picked by hand: a recipe line names questions by id, mixed with lines drawn at random."""

from __future__ import annotations

import pytest
from conftest import _anchors, pdf_pages_text, write_recipe
from click.testing import CliRunner

from quizgen import model, paths, workspace
from quizgen.assemble import make_worksheet
from quizgen.bank import load_bank
from quizgen.cli import main
from quizgen.errors import RecipeError
from quizgen.recipe import load_recipe

NAMED = ["resq-surrender-juche", "memq-juche-anachronism", "naeq-order-events", "kcnaq-twenty-years"]

FOUR_AND_FOUR = f"""\
    versions: 4
    seed: 3
    questions:
      - id: [{", ".join(NAMED)}]
      - skill: date-checking
        count: 4
"""


@pytest.fixture(scope="module")
def bank() -> model.Bank:
    return load_bank(paths.bank_dir())


def _ids(version: model.Version) -> list[str]:
    return [item.question.id for item in version.items]


def test_named_questions_keep_the_recipe_order_and_drawn_ones_follow(bank, tmp_path):
    recipe = load_recipe(write_recipe(tmp_path, FOUR_AND_FOUR))
    assert recipe.questions[0] == model.Selection("", 4, line=4, id=tuple(NAMED))
    assert recipe.shuffle is False  # the default once a line names questions
    sheet = make_worksheet(bank, recipe)
    drawn = []
    for version in sheet.versions:
        ids = _ids(version)
        assert ids[:4] == NAMED
        assert len(ids) == 8 and len(set(ids)) == 8
        assert all(bank.questions[i].skill == "date-checking" and i not in NAMED for i in ids[4:])
        drawn.append(tuple(ids[4:]))
    assert len(set(drawn)) > 1  # the drawn questions differ between versions, as in any recipe


def test_versions_of_a_hand_picked_worksheet_still_differ(bank, tmp_path):
    picked = ["naeq-who-publishes", "naeq-order-events", "naeq-technique-song", "naeq-juche-year",
              "naeq-mark-immortal", "naeq-match-techniques", "naeq-name-emotion"]
    recipe = load_recipe(write_recipe(tmp_path, f"versions: 4\nquestions:\n  - id: [{', '.join(picked)}]\n"))
    sheet = make_worksheet(bank, recipe)
    assert all(_ids(v) == picked for v in sheet.versions)

    def shown(version: model.Version) -> tuple:
        return tuple((tuple(c.text for c in getattr(i.question, "choices", ())), i.shuffled, i.question.instance)
                     for i in version.items)

    assert len({shown(v) for v in sheet.versions}) == 4  # choices, timeline and numbers shuffled per version
    # With shuffle, the order too (inside each skill's part; five identify-bias questions here).
    shuffled = load_recipe(write_recipe(tmp_path, f"versions: 4\nshuffle: true\nquestions:\n  - id: [{', '.join(picked)}]\n"))
    orders = {tuple(_ids(v)) for v in make_worksheet(bank, shuffled).versions}
    assert len(orders) > 1 and all(sorted(o) == sorted(picked) for o in orders)


def test_shuffle_groups_named_questions_into_parts_by_skill(bank, tmp_path):
    recipe = load_recipe(write_recipe(tmp_path, """\
        shuffle: true
        questions:
          - id: [naeq-date-true, naeq-who-publishes, naeq-order-events]
    """))
    ids = _ids(make_worksheet(bank, recipe).versions[0])
    # One part per skill, in the order the recipe first names them.
    assert [bank.questions[i].skill for i in ids] == ["corroborate", "identify-bias", "date-checking"]


def test_recipe_order_holds_across_skills(bank, tmp_path):
    recipe = load_recipe(write_recipe(tmp_path, """\
        questions:
          - id: naeq-order-events
          - skill: corroborate
            count: 1
          - id: naeq-who-publishes
    """))
    ids = _ids(make_worksheet(bank, recipe).versions[0])
    assert ids[0] == "naeq-order-events" and ids[2] == "naeq-who-publishes"
    assert bank.questions[ids[1]].skill == "corroborate"


def test_an_unknown_id_says_did_you_mean(bank, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = write_recipe(tmp_path, "questions:\n  - skill: B1\n    count: 1\n  - id: [naeq-who-publishes, naeq-order-event]\n")
    with pytest.raises(RecipeError) as info:
        make_worksheet(bank, load_recipe(path))
    assert info.value.lines() == [
        "recipe.yaml:4: field 'questions[1].id[1]': unknown question 'naeq-order-event' (did you mean 'naeq-order-events'?)",
        "1 unknown question; nothing was written",
    ]


def test_an_unknown_id_is_reported_at_its_own_field_and_line(bank, tmp_path, monkeypatch):
    """As a question named twice is: questions[N].id for a lone id, questions[N].id[K] in a list, on the id's line."""
    monkeypatch.chdir(tmp_path)
    path = write_recipe(tmp_path, """\
        questions:
          - id: naeq-who-publish
          - id:
              - naeq-order-events
              - naeq-date-tru
    """)
    with pytest.raises(RecipeError) as info:
        make_worksheet(bank, load_recipe(path))
    assert info.value.lines() == [
        "recipe.yaml:2: field 'questions[0].id': unknown question 'naeq-who-publish' (did you mean 'naeq-who-publishes'?)",
        "recipe.yaml:5: field 'questions[1].id[1]': unknown question 'naeq-date-tru' (did you mean 'naeq-date-true'?)",
        "2 unknown questions; nothing was written",
    ]


def test_an_id_typed_in_capitals_says_did_you_mean(bank, tmp_path, monkeypatch):
    """Ids are lower case; one typed with capitals (copied from a heading, caps lock) still gets a suggestion."""
    monkeypatch.chdir(tmp_path)
    path = write_recipe(tmp_path, "questions:\n  - id: [NAEQ-ORDER-EVENTS, Naeq-Who-Publish]\n")
    with pytest.raises(RecipeError) as info:
        make_worksheet(bank, load_recipe(path))
    assert info.value.lines()[:2] == [
        "recipe.yaml:2: field 'questions[0].id[0]': unknown question 'NAEQ-ORDER-EVENTS' (did you mean 'naeq-order-events'?)",
        "recipe.yaml:2: field 'questions[0].id[1]': unknown question 'Naeq-Who-Publish' (did you mean 'naeq-who-publishes'?)",
    ]


def test_a_question_named_twice_is_reported_with_both_places(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = write_recipe(tmp_path, """\
        questions:
          - id: [naeq-who-publishes, naeq-order-events]
          - id: naeq-who-publishes
    """)
    with pytest.raises(RecipeError) as info:
        load_recipe(path)
    assert info.value.lines() == [
        "recipe.yaml:3: field 'questions[1].id': question 'naeq-who-publishes' is named twice "
        "(first at questions[0].id[0], line 2); each question is printed once",
        "1 problem in recipe recipe.yaml",
    ]


def test_a_named_question_is_never_drawn_again_and_a_short_line_says_why(bank, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    b1 = [q.id for q in bank.questions.values() if q.subskill == "B1"]
    path = write_recipe(tmp_path, f"versions: 3\nquestions:\n  - id: [{b1[0]}, {b1[1]}]\n  - skill: B1\n    count: {len(b1) - 2}\n")
    for version in make_worksheet(bank, load_recipe(path)).versions:
        assert sorted(_ids(version)) == sorted(b1)  # every B1 question once: the named two, the rest drawn
    path = write_recipe(tmp_path, f"questions:\n  - id: [{b1[0]}, {b1[1]}]\n  - skill: B1\n    count: {len(b1) - 1}\n")
    with pytest.raises(RecipeError) as info:
        make_worksheet(bank, load_recipe(path))
    assert info.value.lines() == [
        f"recipe.yaml:3: field 'questions[1]': asked for {len(b1) - 1} B1 questions; the bank has {len(b1) - 2} "
        "(2 more are named by questions[0], and a question is printed once)",
        "the bank cannot fill 1 recipe line; nothing was written",
    ]


@pytest.mark.parametrize(("entry", "expected"), [
    ("  - id: naeq-who-publishes\n    count: 2\n",
     "recipe.yaml:3: field 'questions[0].count': a line names questions with 'id:' or draws them with 'skill:' and "
     "'count:', not both; put 'count:' on a line of its own"),
    ("  - id: []\n", "recipe.yaml:2: field 'questions[0].id': names no question; write '- id: question-id' or a list of ids"),
    ("  - id: [naeq-who-publishes, 12]\n", "recipe.yaml:2: field 'questions[0].id[1]': expected a question id, found 12"),
    ("  - naeq-who-publishes\n", "recipe.yaml:2: field 'questions[0]': expected 'skill:' and 'count:' (or 'id:'), "
     "found 'naeq-who-publishes'; to name a question, write '- id: naeq-who-publishes'"),
])
def test_a_malformed_pick_is_reported_with_line_and_field(tmp_path, monkeypatch, entry, expected):
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "recipe.yaml"
    path.write_text("questions:\n" + entry, encoding="utf-8")
    with pytest.raises(RecipeError) as info:
        load_recipe(path)
    assert info.value.lines()[0] == expected


def test_cards_refuse_a_named_look_it_up_question(bank, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    lookup = next(q.id for q in bank.questions.values() if model.LOOK_IT_UP in q.tags)
    path = write_recipe(tmp_path, f"cards: true\nquestions:\n  - id: {lookup}\n")
    with pytest.raises(RecipeError) as info:
        make_worksheet(bank, load_recipe(path))
    assert info.value.lines()[0] == (
        f"recipe.yaml:3: field 'questions[0].id': question '{lookup}' needs students to look something up, which "
        "cards: true leaves out; name another question or set cards: false")
    assert make_worksheet(bank, load_recipe(path, {"cards": False})).versions[0].items[0].question.id == lookup


def test_a_recipe_of_draws_only_is_drawn_as_before(worksheet_bank):
    lines = (model.Selection("identify-bias", 3), model.Selection("date-checking", 3))
    shuffled = make_worksheet(worksheet_bank, model.Recipe("T", "", lines, versions=3, seed=9))
    kept = make_worksheet(worksheet_bank, model.Recipe("T", "", lines, versions=3, seed=9, shuffle=False))
    for a, b in zip(shuffled.versions, kept.versions):
        assert sorted(_ids(a)) == sorted(_ids(b))  # the same draws; only the order may differ
        assert [i.question.skill for i in b.items] == ["identify-bias"] * 3 + ["date-checking"] * 3


@pytest.mark.slow  # lays out PDFs
def test_the_starter_recipe_builds_with_the_named_four_in_order(tmp_path, monkeypatch):
    """From `quizgen init`: four named questions, then four drawn, on every version of the class pack."""
    runner = CliRunner()
    monkeypatch.chdir(tmp_path)
    assert runner.invoke(main, ["init", "mywork"]).exit_code == 0
    monkeypatch.chdir(tmp_path / "mywork")
    result = runner.invoke(main, ["build", "recipes/starter.yaml", "-q", "--workers", "1"])
    assert result.exit_code == 0, result.output
    bank = load_bank(workspace.bank_dir())
    starter = load_recipe(tmp_path / "mywork" / "recipes" / "starter.yaml")
    named = list(starter.questions[0].id)
    assert len(named) == 4 and starter.questions[1].count == 4
    data = (tmp_path / "mywork" / "output" / "starter-class-pack.pdf").read_bytes()
    pages = pdf_pages_text(data)
    _, _, page_of = _anchors(data)
    for letter in ("A", "B"):
        for number, qid in enumerate(named, start=1):
            # Question N of the version starts on the page that prints the N-th named stem.
            stem = " ".join(bank.questions[qid].stem.split())[:50]
            assert stem in pages[page_of[f"v{letter}-q{number}"]], f"version {letter}, question {number}: {qid}"


def test_a_give_away_between_two_named_questions_says_both_were_named(bank, tmp_path, monkeypatch, caplog):
    """No draw can part two questions the teacher named: say that, once, not 'no other draw found' per version."""
    import logging

    monkeypatch.chdir(tmp_path)
    path = write_recipe(tmp_path, """\
        versions: 3
        questions:
          - id: [kcnaq-juche-anachronism, memq-juche-anachronism]
    """)
    with caplog.at_level(logging.WARNING, logger="quizgen.assemble"):
        sheet = make_worksheet(bank, load_recipe(path))
    assert all(_ids(v) == ["kcnaq-juche-anachronism", "memq-juche-anachronism"] for v in sheet.versions)
    assert [r.getMessage() for r in caplog.records] == [
        "recipe.yaml:3: warning: field 'questions[0].id[1]': question 'memq-juche-anachronism' prints the answer that "
        "look-it-up question 'kcnaq-juche-anachronism' asks students to look up; both were named in the recipe, so every "
        "version prints both (name one of them to keep the look-up)"]


def test_a_named_question_above_the_grade_band_is_printed_with_a_warning(bank, tmp_path, monkeypatch, caplog):
    import logging

    monkeypatch.chdir(tmp_path)
    older = next(q for q in bank.questions.values() if q.grade_band == "11-12")
    younger = next(q for q in bank.questions.values() if q.grade_band == "6-8")
    path = write_recipe(tmp_path, f"grade_band: 9-10\nquestions:\n  - id: {younger.id}\n  - id:\n      - {older.id}\n")
    with caplog.at_level(logging.WARNING, logger="quizgen.assemble"):
        sheet = make_worksheet(bank, load_recipe(path))
    assert _ids(sheet.versions[0]) == [younger.id, older.id]  # a warning, not an error: the teacher chose it
    assert [r.getMessage() for r in caplog.records] == [
        f"recipe.yaml:5: warning: field 'questions[1].id[0]': question '{older.id}' is written for grades 11-12, "
        "above the recipe's grade_band 9-10; it is printed because the recipe names it"]
