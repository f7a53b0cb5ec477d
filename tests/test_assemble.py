"""Assembly: selection by the recipe's filters, seeded order and shuffles, answer keys."""

from __future__ import annotations

import dataclasses

import pytest
from conftest import write_recipe

from quizgen import model
from quizgen.assemble import answer_key, format_number, make_worksheet, sources_of, version_letter, whole_bank
from quizgen.errors import RecipeError
from quizgen.recipe import load_recipe


def recipe(*selections: model.Selection, **kw) -> model.Recipe:
    return model.Recipe(title="T", instructions="", questions=selections, **kw)


ALL = (
    model.Selection("identify-bias", 6),
    model.Selection("date-checking", 5),
    model.Selection("corroborate", 5),
)


def test_same_seed_same_worksheet(worksheet_bank):
    r = recipe(*ALL, versions=3, seed=5)
    assert make_worksheet(worksheet_bank, r) == make_worksheet(worksheet_bank, r)


def test_versions_differ_in_order(worksheet_bank):
    sheet = make_worksheet(worksheet_bank, recipe(*ALL, versions=4, seed=5))
    orders = {tuple(i.question.id for i in v.items) for v in sheet.versions}
    assert len(orders) == 4
    # and in the order of the choices of a choice question
    choice_orders = {
        tuple(c.text for c in i.question.choices)
        for v in sheet.versions for i in v.items if i.question.id == "ib-choice-technique"
    }
    assert len(choice_orders) > 1


def test_another_seed_gives_another_worksheet(worksheet_bank):
    assert make_worksheet(worksheet_bank, recipe(*ALL, seed=1)) != make_worksheet(worksheet_bank, recipe(*ALL, seed=2))


def test_a_version_does_not_depend_on_how_many_versions_there_are(worksheet_bank):
    two = make_worksheet(worksheet_bank, recipe(*ALL, versions=2, seed=9))
    five = make_worksheet(worksheet_bank, recipe(*ALL, versions=5, seed=9))
    assert two.versions == five.versions[:2]
    assert [v.letter for v in five.versions] == ["A", "B", "C", "D", "E"]


def test_questions_are_grouped_by_skill_in_recipe_order_and_numbered(worksheet_bank):
    r = recipe(model.Selection("corroborate", 2), model.Selection("B1", 1), model.Selection("identify-bias", 2), versions=3)
    for version in make_worksheet(worksheet_bank, r).versions:
        skills = [i.question.skill for i in version.items]
        assert skills == ["corroborate"] * 2 + ["date-checking"] + ["identify-bias"] * 2
        assert [i.number for i in version.items] == [1, 2, 3, 4, 5]
        assert len({i.question.id for i in version.items}) == 5


def test_selection_varies_across_versions_when_the_pool_is_larger(worksheet_bank):
    sheet = make_worksheet(worksheet_bank, recipe(model.Selection("identify-bias", 2), versions=6, seed=3))
    assert len({frozenset(i.question.id for i in v.items) for v in sheet.versions}) > 1


@pytest.mark.parametrize(
    "selection, band, allowed",
    [
        (model.Selection("B1", 1), None, {"dc-juche-param"}),
        (model.Selection("date-checking", 2, ("numeric",)), None, {"dc-juche-param", "dc-numeric-article-year"}),
        (model.Selection("corroborate", 1, (), ("memoir",), (3, 3)), None, {"co-open-verdict"}),
        (model.Selection("identify-bias", 2, (), ("kcna",)), None, {"ib-multi-loaded"}),
        (model.Selection("identify-bias", 5), "9-10",
         {"ib-mark-loaded", "ib-choice-technique", "ib-multi-loaded", "ib-tf-century", "ib-short-note"}),
    ],
)
def test_filters(worksheet_bank, selection, band, allowed):
    count = min(selection.count, len(allowed))
    sel = dataclasses.replace(selection, count=count)
    sheet = make_worksheet(worksheet_bank, recipe(sel, versions=4, grade_band=band))
    for version in sheet.versions:
        assert {i.question.id for i in version.items} <= allowed


def test_a_grade_band_takes_its_own_and_younger_questions_never_older(worksheet_bank):
    """A 11-12 class may use the 9-10 questions too; a 9-10 class never gets the 11-12 one."""
    everything = {"ib-mark-loaded", "ib-choice-technique", "ib-multi-loaded", "ib-tf-century", "ib-short-note", "ib-open-purpose"}
    sheet = make_worksheet(worksheet_bank, recipe(model.Selection("identify-bias", 6), grade_band="11-12"))
    assert {i.question.id for i in sheet.versions[0].items} == everything
    with pytest.raises(RecipeError) as info:
        make_worksheet(worksheet_bank, recipe(model.Selection("identify-bias", 6), grade_band="9-10"))
    assert info.value.lines()[0] == (
        "recipe: field 'questions[0]': asked for 6 identify-bias questions for grades 9-10 or below; the bank has 5"
    )


def test_shortfall_says_what_is_short(worksheet_bank, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = write_recipe(tmp_path, """\
        questions:
          - skill: date-checking
            count: 6
            difficulty: 1-2
            sources: [memoir]
          - skill: corroborate
            count: 1
    """)
    with pytest.raises(RecipeError) as info:
        make_worksheet(worksheet_bank, load_recipe(path))
    assert info.value.lines() == [
        "recipe.yaml:2: field 'questions[0]': asked for 6 date-checking questions of difficulty ≤ 2 "
        "from source memoir; the bank has 3",
        "the bank cannot fill 1 recipe line; nothing was written",
    ]


def test_shortfall_with_no_question_at_all(worksheet_bank):
    r = recipe(model.Selection("A5", 1), model.Selection("B2", 2, ("ordering",)), grade_band="6-8")
    with pytest.raises(RecipeError) as info:
        make_worksheet(worksheet_bank, r)
    assert info.value.lines() == [
        "recipe: field 'questions[0]': asked for 1 A5 question for grades 6-8; the bank has none",
        "recipe: field 'questions[1]': asked for 2 B2 ordering questions for grades 6-8; the bank has none",
        "the bank cannot fill 2 recipe lines; nothing was written",
    ]


def test_unknown_source(worksheet_bank):
    with pytest.raises(RecipeError) as info:
        make_worksheet(worksheet_bank, recipe(model.Selection("corroborate", 1, (), ("memior",))))
    assert info.value.lines()[0] == "recipe: field 'questions[0]': unknown source 'memior' (did you mean 'memoir'?); the bank has: kcna, memoir"


def test_overlapping_lines_that_cannot_both_be_filled(worksheet_bank):
    # Two B1-only lines: the bank has one B1 question.
    r = recipe(model.Selection("date-checking", 5), model.Selection("B3", 1))
    with pytest.raises(RecipeError) as info:
        make_worksheet(worksheet_bank, r)
    assert info.value.lines()[0] == (
        "recipe: field 'questions[0]': asked for 5 date-checking questions; the bank has 5, "
        "but questions[1] may take 1 of them"
    )


def test_narrow_lines_are_filled_before_broad_ones(worksheet_bank):
    # date-checking takes 4 of 5; B1 needs the only B1 question. Any order
    # that filled the broad line first would sometimes leave B1 empty.
    r = recipe(model.Selection("date-checking", 4), model.Selection("B1", 1), versions=20)
    for version in make_worksheet(worksheet_bank, r).versions:
        assert "dc-juche-param" in {i.question.id for i in version.items}


def test_parametric_questions_get_their_own_numbers(worksheet_bank):
    sheet = make_worksheet(worksheet_bank, recipe(model.Selection("B1", 1), model.Selection("B5", 2), versions=3, seed=4))
    juche = [i for v in sheet.versions for i in v.items if i.question.subskill == "B1"]
    assert len(juche) == 3 and {i.question.answer for i in juche} == {1936, 1945}
    for item in (i for v in sheet.versions for i in v.items):
        q = item.question
        assert q.parametric is None and "{" not in q.stem and "{" not in q.explanation
        if q.id == "dc-juche-param":
            assert item.key == str(q.answer)
            assert f"Juche {int(q.answer) - 1911}" in q.stem
        if q.id == "dc-anniversary-param":
            values = dict(q.instance)
            assert q.choices[q.correct_index].text == str(values["answer"]) == str(1945 + values["nth"])
            assert item.key == "ABCD"[q.correct_index]
    anniversaries = {i.question.stem for v in sheet.versions for i in v.items if i.question.id == "dc-anniversary-param"}
    assert len(anniversaries) == 3


def test_keys_point_at_what_the_sheet_prints(worksheet_bank):
    sheet = whole_bank(worksheet_bank, seed=11)
    items = {i.question.id: i for i in sheet.versions[0].items}
    single = items["ib-choice-technique"]
    assert single.question.choices["ABCD".index(single.key)].text == "Glittering generality"
    multi = items["ib-multi-loaded"]
    letters = multi.key.split(", ")
    assert sorted(multi.question.choices["ABCD".index(x)].text for x in letters) == ["eternal", "invincible"]
    match = items["co-match-sources"]
    for n, pair in enumerate(match.question.pairs, start=1):
        assert f"{n}-{'ABCD'[match.shuffled.index(pair.right)]}" in match.key.split(", ")
    assert "Another KCNA article" in match.shuffled and len(match.shuffled) == 4
    order = items["dc-order-events"]
    positions = [int(x) for x in order.key.split("-")]
    assert [order.shuffled[positions.index(k)] for k in (1, 2, 3, 4)] == list(order.question.items)
    assert items["ib-tf-century"].key == "False" and items["co-tf-yalta"].key == "True"
    assert items["dc-numeric-article-year"].key == "2010"
    assert items["ib-mark-loaded"].key == "glorious; crushed; brutal"
    assert items["co-open-verdict"].key == "see rubric"
    assert items["co-short-which"].key == "sixty-five"


def test_shuffles_never_give_the_answer_away(worksheet_bank):
    for seed in range(30):
        items = {i.question.id: i for i in whole_bank(worksheet_bank, seed).versions[0].items}
        order = items["dc-order-events"]
        assert order.shuffled != order.question.items
        match = items["co-match-sources"]
        assert list(match.shuffled[:3]) != [p.right for p in match.question.pairs]
        choice = items["co-choice-independent"]
        assert choice.question.choices[-1].text == "None of the above"


def test_whole_bank_holds_every_question_in_bank_order(worksheet_bank):
    sheet = whole_bank(worksheet_bank, seed=2)
    assert len(sheet.versions) == 1
    assert [i.question.id for i in sheet.versions[0].items] == list(worksheet_bank.questions)
    assert [i.number for i in sheet.versions[0].items] == list(range(1, 17))
    assert set(sheet.sources) == {"memoir", "kcna"} and set(sheet.claims) == set(worksheet_bank.claims)
    assert sum(s.count for s in sheet.recipe.questions) == 16
    assert whole_bank(worksheet_bank, seed=2) == sheet


def test_excerpts_are_the_claims_spans_merged(worksheet_bank):
    items = {i.question.id: i for i in whole_bank(worksheet_bank).versions[0].items}
    order = items["dc-order-events"]  # claims at memoir 2 and 8, kcna 2
    assert [(e.source, e.first, e.last) for e in order.excerpts] == [("memoir", 2, 2), ("memoir", 8, 8), ("kcna", 2, 2)]


def test_a_parametric_case_prints_the_line_it_quotes(worksheet_bank):
    # dc-juche-param cites memoir line 6 (Juche 25) and line 8 (Juche 34); each case needs one.
    printed = {}
    for seed in range(8):
        item = next(i for i in whole_bank(worksheet_bank, seed).versions[0].items if i.question.id == "dc-juche-param")
        written = dict(item.question.instance)["written"]
        printed.setdefault(written, set()).add(tuple((e.source, e.first, e.last) for e in item.excerpts))
        assert item.question.claims == ({"Juche 25": "mem-juche25", "Juche 34": "mem-war"}[written],)
    assert printed == {"Juche 25": {(("memoir", 6, 6),)}, "Juche 34": {(("memoir", 8, 8),)}}


def test_worksheet_cites_only_what_it_uses(worksheet_bank):
    sheet = make_worksheet(worksheet_bank, recipe(model.Selection("identify-bias", 1, (), ("kcna",))))
    assert set(sheet.sources) == {"kcna"} and set(sheet.claims) == {"kcna-eternal"}
    assert sources_of(worksheet_bank, sheet.versions[0].items[0].question) == ("kcna",)


@pytest.mark.parametrize("index, letter", [(0, "A"), (1, "B"), (25, "Z"), (26, "AA"), (27, "AB"), (99, "CV")])
def test_version_letter(index, letter):
    assert version_letter(index) == letter


def test_numbers_print_as_written():
    from decimal import Decimal

    assert [format_number(Decimal(x)) for x in ("1936", "1.9360E+3", "2.50", "0.1")] == ["1936", "1936", "2.5", "0.1"]
    q = model.Numeric("n", "date-checking", "B5", ("c",), "s", "e", 1, "9-10", answer=Decimal("34"),
                      tolerance=Decimal("1"), unit="years")
    assert answer_key(q) == "34 ± 1 years"


def test_a_wide_claim_span_prints_only_the_quoted_lines(worksheet_bank):
    from quizgen.assemble import quote_span

    memoir = worksheet_bank.sources["memoir"]
    claim = dataclasses.replace(worksheet_bank.claims["mem-juche25"], lines=(4, 8))
    assert quote_span(memoir, claim) == ("memoir", 6, 6)
    two = dataclasses.replace(claim, quote="The great leader’s glorious army … the Association for the Restoration")
    assert quote_span(memoir, two) == ("memoir", 4, 6)
    lost = dataclasses.replace(claim, quote="words that are not there")
    assert quote_span(memoir, lost) == ("memoir", 4, 8)


def _tag_look_it_up(bank: model.Bank, skill: str) -> tuple[model.Bank, set[str]]:
    """Return ``bank`` with every question of ``skill`` but one tagged look-it-up, and their ids."""
    ids = [q.id for q in bank.questions.values() if q.skill == skill][1:]
    questions = {
        qid: dataclasses.replace(q, tags=q.tags + (model.LOOK_IT_UP,)) if qid in ids else q
        for qid, q in bank.questions.items()
    }
    return dataclasses.replace(bank, questions=questions), set(ids)


def test_cards_leave_out_questions_that_need_a_look_up(worksheet_bank):
    bank, look_ups = _tag_look_it_up(worksheet_bank, "corroborate")
    line = model.Selection("corroborate", 1)
    with_cards = {
        i.question.id
        for seed in range(40)
        for v in make_worksheet(bank, recipe(line, versions=3, seed=seed, cards=True)).versions
        for i in v.items
    }
    without = {
        i.question.id
        for seed in range(40)
        for v in make_worksheet(bank, recipe(line, versions=3, seed=seed)).versions
        for i in v.items
    }
    assert with_cards and not with_cards & look_ups
    assert without & look_ups  # only cards leave them out


def test_shortfall_counts_what_cards_leave_out(worksheet_bank):
    bank, look_ups = _tag_look_it_up(worksheet_bank, "corroborate")
    with pytest.raises(RecipeError) as info:
        make_worksheet(bank, recipe(model.Selection("corroborate", 2), cards=True))
    assert info.value.lines()[0] == (
        f"recipe: field 'questions[0]': asked for 2 corroborate questions; the bank has 1 "
        f"({len(look_ups)} more need students to look something up, which cards: true leaves out)"
    )


def test_every_version_of_a_class_is_worth_the_same_points(worksheet_bank):
    """Versions differ in which questions they ask, never in what they are worth, line by line."""
    selections = (model.Selection("corroborate", 2), model.Selection("identify-bias", 3))
    sheet = make_worksheet(worksheet_bank, recipe(*selections, versions=12, seed=5))
    points = {q.id: q.points for q in worksheet_bank.questions.values()}
    assert len(set(points.values())) > 1, "this test needs questions of different points"
    for skill in ("corroborate", "identify-bias"):
        per_version = {tuple(sorted(points[i.question.id] for i in v.items if i.question.skill == skill)) for v in sheet.versions}
        assert len(per_version) == 1, (skill, per_version)
    assert len({frozenset(i.question.id for i in v.items) for v in sheet.versions}) > 1


def test_a_draw_matches_version_a_s_kinds_and_difficulties_where_the_bank_has_spare_and_its_points_always():
    import random
    from decimal import Decimal

    from quizgen.assemble import _draw

    common = ("corroborate", "C3", ("c",), "s", "e", 1, "9-10")
    tf = [model.TrueFalse(f"tf{n}", *common, answer=True) for n in range(3)]
    sc = [model.SingleChoice(f"sc{n}", *common, choices=(model.Choice("a", True), model.Choice("b"))) for n in range(3)]
    lone = [model.Numeric("nu0", *common, answer=Decimal(1))]
    free = tf + sc + lone
    assert {x.points for x in free} == {1}
    for seed in range(20):
        # Spare true-false and single-choice questions: the kinds are kept.
        drawn = _draw(free, 2, [(1, "true-false", 1), (1, "single-choice", 1)], random.Random(seed))
        assert sorted(x.kind for x in drawn) == ["single-choice", "true-false"]
    # The only numeric question would repeat in every version: that slot takes any 1-point question.
    picks = {frozenset(x.id for x in _draw(free, 1, [(1, "numeric", 1)], random.Random(seed))) for seed in range(20)}
    assert len(picks) > 1
    # Points are kept even when no kind can be: a 2-point slot takes the 2-point question.
    two = model.TrueFalse("tf-two", *common, answer=True, points=2)
    assert [x.id for x in _draw(free + [two], 1, [(2, "open-response", 2)], random.Random(1))] == ["tf-two"]
    # Difficulty is kept too where the kind has spare at it; else the kind alone.
    hard = [dataclasses.replace(q, id=q.id + "-hard", difficulty=3) for q in tf]
    for seed in range(20):
        drawn = _draw(free + hard, 1, [(1, "true-false", 3)], random.Random(seed))
        assert drawn[0].kind == "true-false" and drawn[0].difficulty == 3
        drawn = _draw(free + hard[:1], 1, [(1, "true-false", 3)], random.Random(seed))
        assert drawn[0].kind == "true-false"
    assert len({_draw(free + hard[:1], 1, [(1, "true-false", 3)], random.Random(seed))[0].id for seed in range(20)}) > 1


def test_each_part_opens_with_its_shortest_question(worksheet_bank):
    """It shares its page with the part's heading (question 1 also with the header):
    a near-page-tall question there would leave the heading alone on a page."""
    from quizgen.assemble import _print_length

    sheet = make_worksheet(worksheet_bank, recipe(*ALL, versions=5, seed=2))
    for version in sheet.versions:
        skills = list(dict.fromkeys(i.question.skill for i in version.items))
        assert len(skills) > 1
        for skill in skills:
            part = [i for i in version.items if i.question.skill == skill]
            lengths = [_print_length(worksheet_bank, worksheet_bank.questions[i.question.id]) for i in part]
            assert lengths[0] == min(lengths), (version.letter, skill)
    # The rest of each part is still shuffled: the versions do not all share one order.
    assert len({tuple(i.question.id for i in v.items[1:]) for v in sheet.versions}) > 1


def test_no_question_prints_the_answer_a_look_it_up_question_asks_for():
    """ "In which year did North Korea adopt the Juche calendar?" (look it up) is no
    exercise where another question on the sheet says "adopted in 1997"."""
    from quizgen import paths
    from quizgen.assemble import given_away
    from quizgen.bank import load_bank

    bank = load_bank(paths.bank_dir())
    asked, telling = bank.questions["kcnaq-juche-anachronism"], bank.questions["resq-anachronism"]
    assert model.LOOK_IT_UP in asked.tags and "1997" in " ".join([telling.stem, *(c.text for c in telling.choices)])
    assert given_away(bank, [asked, telling]) == [("kcnaq-juche-anachronism", "resq-anachronism")]
    assert given_away(bank, [telling, bank.questions["kcnaq-kpra-label"]]) == []
    # A class pack where 4 of 30 versions drew such a pair before versions were redrawn.
    lines = (model.Selection("date-checking", 4, difficulty=(1, 2)), model.Selection("B1", 2, difficulty=(1, 2)),
             model.Selection("corroborate", 2, difficulty=(2, 3)))
    versions = [v for seed in range(1, 6) for v in make_worksheet(bank, recipe(*lines, versions=30, seed=seed, grade_band="9-10")).versions]
    drew = [v for v in versions if "kcnaq-juche-anachronism" in {i.question.id for i in v.items}]
    assert drew, "no version drew the look-it-up question: the check above tests nothing"
    for version in versions:
        assert given_away(bank, [bank.questions[i.question.id] for i in version.items]) == [], version.letter
    # Answer terms: "What do outside histories say this unit was?" is given away by any
    # mention of the 88th Brigade, not only by the whole right choice.
    unit, rank = bank.questions["memq-iaf-name"], bank.questions["memq-kim-rank"]
    assert unit.answer_terms and given_away(bank, [unit, rank]) == [("memq-iaf-name", "memq-kim-rank")]
    memoir_lines = (model.Selection("identify-bias", 3, sources=("memoir",)), model.Selection("corroborate", 3, sources=("memoir",)))
    sheet = make_worksheet(bank, recipe(*memoir_lines, versions=30, seed=7, grade_band="9-10"))
    assert any("memq-iaf-name" in {i.question.id for i in v.items} for v in sheet.versions)
    for version in sheet.versions:
        assert given_away(bank, [bank.questions[i.question.id] for i in version.items]) == [], version.letter


def test_a_give_away_the_bank_cannot_avoid_is_said(worksheet_bank, caplog):
    import logging

    claim = (next(iter(worksheet_bank.claims)),)
    asked = model.ShortAnswer("look", "date-checking", "B3", claim, "In which year?", "e", 1, "9-10",
                              tags=(model.LOOK_IT_UP,), answers=("1997",))
    telling = model.TrueFalse("tell", "date-checking", "B3", claim, "It was adopted in 1997.", "e", 1, "9-10")
    bank = dataclasses.replace(worksheet_bank, questions={"look": asked, "tell": telling})
    with caplog.at_level(logging.WARNING, logger="quizgen.assemble"):
        make_worksheet(bank, recipe(model.Selection("date-checking", 2)))
    assert [r.getMessage() for r in caplog.records] == [
        "version A: question tell prints the answer to look-it-up question look (no other draw found)"]


def test_a_skill_line_spreads_over_its_sub_skills():
    """Five date-checking questions drew three on one idea (the Juche calendar's 1997 adoption):
    a line asking for a whole skill now takes its sub-skills in turn, in every version."""
    from quizgen import paths
    from quizgen.bank import load_bank

    bank = load_bank(paths.bank_dir())
    lines = (model.Selection("date-checking", 5), model.Selection("corroborate", 5))
    for seed in (1, 3, 5):
        sheet = make_worksheet(bank, recipe(*lines, versions=10, seed=seed))
        for version in sheet.versions:
            for skill in ("date-checking", "corroborate"):
                subskills = [i.question.subskill for i in version.items if i.question.skill == skill]
                assert len(subskills) == 5
                assert len(set(subskills)) >= (5 if version.letter == "A" else 4), (seed, version.letter, skill, subskills)
        assert len({frozenset(i.question.id for i in v.items) for v in sheet.versions}) == 10


def test_no_version_asks_twice_about_the_same_claims():
    """resq-juche-year and resq-juche-choice convert the same Juche dates, once as a number and once
    as a choice; kcnaq-disagree-open prints what kcnaq-disagree-choice asks. One sheet takes one."""
    from quizgen import paths
    from quizgen.assemble import same_claims
    from quizgen.bank import load_bank

    bank = load_bank(paths.bank_dir())
    assert same_claims([bank.questions["resq-juche-year"], bank.questions["resq-juche-choice"]]) == [
        ("resq-juche-year", "resq-juche-choice")]
    lines = (model.Selection("date-checking", 5), model.Selection("corroborate", 5), model.Selection("identify-bias", 4))
    for seed in (1, 2, 3):
        sheet = make_worksheet(bank, recipe(*lines, versions=30, seed=seed))
        for version in sheet.versions:
            assert same_claims([bank.questions[i.question.id] for i in version.items]) == [], (seed, version.letter)
