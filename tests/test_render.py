"""The HTML handed to WeasyPrint: what each page prints, escaping, strictness, citations."""

from __future__ import annotations

import dataclasses
import html as htmllib
import re
import shutil

import pytest

from quizgen import model, paths
from quizgen.assemble import make_worksheet, whole_bank
from quizgen.errors import TemplateError
from quizgen.render import make_environment, render_html
from quizgen.render.context import (
    answer_grid,
    answer_key_contexts,
    choice_layout,
    citation,
    marked_segments,
    published,
    repair_note,
    worksheet_context,
)

HOSTILE = '<img src="http://example.com/x">'


@pytest.fixture(scope="module")
def sheet(worksheet_bank):
    return whole_bank(worksheet_bank, seed=3)


def page(sheet, version=0) -> str:
    return render_html("worksheet.html.j2", worksheet_context(sheet, sheet.versions[version]))


def text_of(html: str) -> str:
    """Return the visible text of an HTML page: tags dropped, entities decoded, spaces collapsed."""
    body = re.sub(r"<head>.*?</head>", " ", html, flags=re.S)
    body = re.sub(r"<[^>]+>", " ", body)
    return " ".join(htmllib.unescape(body).split())


def test_one_environment_strict_and_escaping():
    env = make_environment()
    assert env.undefined.__name__ == "StrictUndefined"
    assert env.from_string("{{ x }}").render(x="<b>") == "&lt;b&gt;"
    assert "plural" in env.filters


def test_worksheet_prints_every_question_and_excerpt(sheet):
    text = text_of(page(sheet))
    for item in sheet.versions[0].items:
        assert " ".join(item.question.stem.split()) in text, item.question.id
        for excerpt in item.excerpts:
            for line in excerpt.lines:
                assert " ".join(line.split()) in text
    assert "Name" in text and "Class" in text and "Date" in text and "Version" in text
    assert sheet.recipe.title in text and " ".join(sheet.recipe.instructions.split()) in text
    assert re.search(rf"{len(sheet.versions[0].items)} questions · \d+ points", text)


def test_worksheet_holds_no_answer(sheet):
    html = page(sheet)
    text = text_of(html)
    for item in sheet.versions[0].items:
        q = item.question
        assert q.explanation not in text, q.id
        if isinstance(q, model.OpenResponse):
            for secret in (q.model_answer, q.rubric.proficient, q.rubric.emergent, q.rubric.basic):
                assert secret not in text
    assert "webpage-origin-word" not in text  # the accepted answer of a short-answer question
    assert 'class="choice correct' not in html and "key-details" not in html


def test_each_kind_gets_its_answer_space_empty_on_the_worksheet_and_filled_in_the_key(sheet):
    """Bubbles, checkboxes, number box and working line, write-on lines, match and timeline boxes, a passage to circle."""
    import lxml.html

    version = sheet.versions[0]
    worksheet = lxml.html.fromstring(page(sheet))
    key = lxml.html.fromstring(render_html("answer_key.html.j2", answer_key_contexts(sheet)[-1]))
    kinds = set()
    for item in version.items:
        q, anchor = item.question, f"vA-q{item.number}"
        (article,) = worksheet.xpath(f'//article[@id="{anchor}"]')
        keyed = key_entry(key, q.id)
        response = article.xpath('.//*[contains(concat(" ", @class, " "), " response ")]')
        assert len(response) == 1, anchor
        (response,) = response

        def boxes(node, cls):
            return [b.text_content().strip() for b in node.xpath(f'.//*[contains(concat(" ", @class, " "), " {cls} ")]')]

        kinds.add(q.kind)
        if isinstance(q, model.SingleChoice):
            assert boxes(response, "bubble") == list("ABCDEFGH"[:len(q.choices)]), anchor
        elif isinstance(q, model.TrueFalse):
            assert boxes(response, "bubble") == ["T", "F"] and boxes(response, "choice-text") == ["True", "False"], anchor
        elif isinstance(q, model.MultipleResponse):
            assert len(boxes(response, "checkbox")) == len(q.choices), anchor
        elif isinstance(q, model.Numeric):
            # The key's answer line, or for a parametric question its table of each version's numbers.
            assert boxes(response, "answer-box") == [""] and item.key in keyed.text_content(), anchor
            assert article.xpath('.//*[@class="working"]//*[@class="working-line"]'), anchor
        elif isinstance(q, (model.ShortAnswer, model.OpenResponse)):
            assert len(boxes(response, "answer-line")) >= q.lines, anchor
        elif isinstance(q, model.Matching):
            assert boxes(response, "match-box") == [""] * len(q.pairs), anchor
            # The key gives the letters to read down the boxes at this position.
            letters = "".join(part.split("-")[1] for part in item.key.split(", "))
            assert f"A{item.number} {letters}" in boxes(keyed, "position"), anchor
            assert len(boxes(response, "match-option")) == len(q.pairs) + len(q.distractors)
        elif isinstance(q, model.Ordering):
            assert boxes(response, "order-box") == [""] * len(q.items), anchor
            assert f"A{item.number} {item.key}" in boxes(keyed, "position"), anchor
        elif isinstance(q, model.MarkTheWords):
            assert not response.xpath(".//mark") and keyed.xpath(".//mark"), anchor
    assert len(kinds) >= 8, f"the sample worksheet should use every kind, has {sorted(kinds)}"


def key_entry(key, question_id: str):
    """Return the key's entry (an lxml element) of the question ``question_id``; there is exactly one."""
    (entry,) = [e for e in key.xpath('//article[contains(@class, "key-entry")]')
                if e.xpath('string(.//*[@class="question-id"])') == question_id]
    return entry


def test_hostile_bank_text_is_escaped(sheet):
    html = page(sheet)
    assert "<img" not in html
    assert "&lt;img src=" in html
    assert HOSTILE in text_of(html)


def _printed_excerpts(ctx: dict) -> list[tuple[int, dict]]:
    """Return (question number, excerpt) in print order: a shared passage above its question, then the question's own."""
    return [(item["number"], e) for part in ctx["parts"] for item in part["questions"]
            for e in item["passages"] + item["excerpts"]]


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_excerpts_print_once_per_version_then_point_back(worksheet_bank, seed):
    """Excerpts are numbered in print order; the same lines are never printed twice in a version: a
    later question points back, "above question N" within its group, else with the page."""
    recipe = model.Recipe("T", "", (model.Selection("date-checking", 5), model.Selection("corroborate", 4)), seed=seed)
    sheet = make_worksheet(worksheet_bank, recipe)
    ctx = worksheet_context(sheet, sheet.versions[0])
    printed = _printed_excerpts(ctx)
    assert [e["number"] for _, e in printed] == list(range(1, len(printed) + 1))
    texts = [tuple((line.get("n"), line.get("text")) for line in e["lines"]) for _, e in printed]
    assert len(set(texts)) == len(texts), "an excerpt printed twice"
    by_number = {e["number"]: (q, e) for q, e in printed}
    pointers = [(item["number"], see) for part in ctx["parts"] for item in part["questions"] for see in item["see_refs"]]
    for number, see in pointers:
        shown = [int(n) for n in re.findall(r"\d+", see["excerpts"])]
        assert see["question"] < number and all(by_number[n][0] == see["question"] for n in shown), (number, see)
        if not see["above"]:
            assert see["target"] == by_number[shown[0]][1]["anchor"]
    html = render_html("worksheet.html.j2", ctx)
    for _, see in pointers:
        assert f"Use {see['excerpts']}" in text_of(html)


def test_questions_of_a_part_on_one_passage_follow_each_other_under_it(worksheet_bank):
    """co-tf-yalta, co-choice-independent and co-match-sources stand on the same memoir and KCNA lines:
    assembly puts them together, the passage prints once above the first, labelled with their numbers,
    and the others point up to it. The key numbers them as the sheet does."""
    recipe = model.Recipe("T", "", (model.Selection("corroborate", 5),), seed=1)
    for seed in range(1, 6):
        sheet = make_worksheet(worksheet_bank, dataclasses.replace(recipe, seed=seed))
        version = sheet.versions[0]
        shared = [i.number for i in version.items
                  if i.question.id in ("co-tf-yalta", "co-choice-independent", "co-match-sources")]
        assert shared == list(range(shared[0], shared[0] + len(shared))), (seed, shared)
        ctx = worksheet_context(sheet, version)
        items = {item["number"]: item for part in ctx["parts"] for item in part["questions"]}
        first = items[shared[0]]
        assert first["passages"] and all(p["label"].startswith("for questions") for p in first["passages"])
        for number in shared[1:]:
            assert not items[number]["passages"] and not items[number]["excerpts"]
            assert [s["question"] for s in items[number]["see_refs"]] == [shared[0]]
            assert items[number]["see_excerpts"] == [f"Use {items[number]['see_refs'][0]['excerpts']}, above question {shared[0]}."]
        # The key's entries give each question the position the sheet gives it.
        (key,) = answer_key_contexts(sheet)
        at = {e["question_id"]: [p["at"] for p in e["positions"]] for g in key["groups"] for e in g["entries"]}
        assert all(at[i.question.id] == [f"A{i.number}"] for i in version.items), seed


def test_parts_by_skill_with_their_instruction(sheet):
    recipe = dataclasses.replace(sheet.recipe, skill_instructions=(("date-checking", "Juche + 1911"),))
    ctx = worksheet_context(dataclasses.replace(sheet, recipe=recipe), sheet.versions[0])
    assert [p["skill"] for p in ctx["parts"]] == ["Corroborate", "Check dates", "Identify bias"]
    assert ctx["parts"][1]["instruction"] == "Juche + 1911" and ctx["parts"][0]["instruction"] == ""
    assert ctx["summary"] == "16 questions · 18 points"
    text = text_of(render_html("worksheet.html.j2", ctx))
    assert re.search(r"Check dates\s+Juche \+ 1911", text)


def test_no_excerpts_when_the_recipe_says_so(worksheet_bank):
    recipe = model.Recipe("T", "", (model.Selection("corroborate", 5),), excerpts=False)
    sheet = make_worksheet(worksheet_bank, recipe)
    assert "excerpt-line" not in page(sheet)


def test_answer_key_has_answers_grid_and_details(sheet):
    """One document: the grid first, then each question with its answer, explanation, rubric and claims."""
    (context,) = answer_key_contexts(sheet)
    assert context["doc"]["title"].endswith("— answer key") and "Answer key" in context["doc"]["running"]
    text = text_of(render_html("answer_key.html.j2", context))
    assert "earns its points only when every part is right" in text  # the marking rule for several parts
    assert text.index("Answer grid") < text.index(sheet.versions[0].items[0].question.explanation)
    for item in sheet.versions[0].items:
        assert item.question.explanation in text
        assert f"{item.question.subskill} {model.SUBSKILLS[item.question.subskill][1].name}" in text
    assert "Proficient" in text and "Model answer" in text
    assert "Corroborated" in text and "Foreign Relations of the United States" in text
    from quizgen.manifest import build_id

    assert f"build {build_id(sheet)}" in text


def test_the_key_gives_each_question_once_with_its_positions_in_every_version(worksheet_bank):
    """Three versions: one entry per distinct question, listing 'A3 C · B1 A …' as the versions ask it."""
    import lxml.html

    sheet = make_worksheet(worksheet_bank, model.Recipe("T", "", (model.Selection("corroborate", 4),
                                                                  model.Selection("date-checking", 4)), versions=3))
    (context,) = answer_key_contexts(sheet)
    key = lxml.html.fromstring(render_html("answer_key.html.j2", context))
    ids = [e.xpath('string(.//*[@class="question-id"])') for e in key.xpath('//article[contains(@class, "key-entry")]')]
    assert sorted(ids) == sorted({i.question.id for v in sheet.versions for i in v.items})  # each once
    for version in sheet.versions:
        for item in version.items:
            entry = key_entry(key, item.question.id)
            positions = [" ".join(p.text_content().split()) for p in entry.xpath('.//*[@class="position"]')]
            shuffled = item.question.kind in ("single-choice", "multiple-response", "matching", "ordering")
            wanted = f"{version.letter}{item.number}"
            assert any(p == wanted or (shuffled and p.startswith(wanted + " ")) for p in positions), (wanted, positions)
            if isinstance(item.question, model.SingleChoice):
                assert f"{wanted} {item.key}" in positions
    # The grid cells name the entries: version B's question 1 points to its question's entry.
    item = sheet.versions[1].items[0]
    cell = context["grid"]["blocks"][0]["rows"][1]["cells"][0]
    entry_number = next(e["number"] for g in context["groups"] for e in g["entries"] if e["question_id"] == item.question.id)
    assert cell["entry"] == entry_number


def test_a_parametric_question_shows_every_versions_numbers_in_one_table(worksheet_bank):
    parametric = {qid: q for qid, q in worksheet_bank.questions.items() if q.parametric}
    assert parametric, "the sample bank should have a parametric question"
    sheet = make_worksheet(dataclasses.replace(worksheet_bank, questions=parametric),
                           model.Recipe("T", "", (model.Selection("date-checking", len(parametric)),), versions=6, seed=4))
    (context,) = answer_key_contexts(sheet)
    entries = {e["question_id"]: e for g in context["groups"] for e in g["entries"]}
    for qid in {i.question.id for v in sheet.versions for i in v.items}:
        table = entries[qid]["instances"]
        uses = [(v, i) for v in sheet.versions for i in v.items if i.question.id == qid]
        listed = [p.split()[0] for row in table["rows"] for p in row["positions"]]
        assert sorted(listed) == sorted(f"{v.letter}{i.number}" for v, i in uses)  # every version, once
        for version, item in uses:
            row = next(r for r in table["rows"] if any(p.split()[0] == f"{version.letter}{item.number}" for p in r["positions"]))
            values = dict(item.question.instance)
            assert row["answer"] in (str(values.get("answer")), item.key), qid
    html = render_html("answer_key.html.j2", context)
    assert html.count('class="instances"') == len(entries)


def test_key_prints_claim_details_once_across_versions(worksheet_bank):
    recipe = model.Recipe("T", "", (model.Selection("corroborate", 5),), versions=2)
    sheet = make_worksheet(worksheet_bank, recipe)
    text = text_of(render_html("answer_key.html.j2", answer_key_contexts(sheet)[0]))
    for cid in {c for v in sheet.versions for i in v.items for c in i.question.claims}:
        claim = sheet.claims[cid]
        assert text.count(f"{model.VERDICT_LABELS[claim.verdict]} {' '.join(claim.verdict_note.split())}") == 1, cid
        for reference in claim.references:
            assert text.count(" ".join(reference.says.split())) >= 1, cid


def test_answer_grid_cells():
    q = model.SingleChoice("q", "corroborate", "C1", ("c",), "s", "e", 1, "9-10", choices=(model.Choice("a", True), model.Choice("b")))
    o = model.OpenResponse("o", "corroborate", "C3", ("c",), "s", "e", 2, "9-10", points=2)
    m = model.MarkTheWords("m", "identify-bias", "A2", ("c",), "s", "e", 1, "9-10", passage="x y z", answers=("x", "z"))
    phrases = dataclasses.replace(m, passage="x y z w", answers=("x y", "z", "w"))
    items = (model.WorksheetItem(1, q, "A"), model.WorksheetItem(2, o, "see rubric"), model.WorksheetItem(3, m, "x; z"),
             model.WorksheetItem(4, phrases, "x y; z; w"))
    sheet = model.Worksheet(model.Recipe("T", "", ()), (model.Version("A", items), model.Version("B", items[:1])))
    grid = answer_grid(sheet)
    (block,) = grid["blocks"]
    assert block["numbers"] == [1, 2, 3, 4]
    cells = block["rows"][0]["cells"]
    assert [c["text"] for c in cells] == ["A", "rubric", "2 words", "3 phrases"]  # one answer of two words: phrases
    assert block["rows"][1]["cells"][1:] == [None, None, None]
    assert block["rows"][0]["points"] == 5


def test_memoir_excerpt_citation_and_repair_note(worksheet_bank):
    memoir = worksheet_bank.sources["memoir"]
    assert citation(memoir, 2, 3) == "With the Century, chapter 24 (excerpt). KANCC website; 2020-10-11; lines 2–3."
    assert repair_note(memoir, 2, 3) == (
        "Transcription repaired by the editors: stray backslashes before words replaced by spaces (line 2)."
    )
    assert repair_note(memoir, 3, 8) == ""


def test_a_repair_made_all_through_a_text_is_counted_not_listed():
    from quizgen.bank import load_bank

    memoir = load_bank(paths.bank_dir()).sources["memoir"]
    whole = [(1, len(memoir.lines))]
    note = repair_note(memoir, whole)
    assert re.search(r"stray backslashes before words replaced by spaces \(on \d{2,} lines\)", note), note
    assert re.search(r"\(lines? [\d–, and]+\)", repair_note(memoir, 2, 6)), repair_note(memoir, 2, 6)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2010-09-14 (inferred; the dateline prints no year)", "date not printed in the source"),
        ("unknown (no date or publisher in the text)", "date not printed in the source"),
        ("1998 (With the Century vol. 8); reposted on kancc.org 2020-10-11", "1998"),
        ("2020-10-11", "2020-10-11"),
    ],
)
def test_published_dates_never_print_an_inferred_year(worksheet_bank, text, expected):
    source = dataclasses.replace(worksheet_bank.sources["kcna"], dates=model.SourceDates(text, "", "", ""))
    assert published(source) == expected


def test_choice_layout():
    """Short choices four to a row, middling two, long ones one a line; in large print the limits are lower."""
    assert choice_layout(["True", "False"]) == "grid-4"
    assert choice_layout(["A US Army official history of the war", "b"]) == "grid-2"
    assert choice_layout(["x" * 60]) == "stacked"
    assert choice_layout(["Glittering generality"], large=True) == "grid-2"
    assert choice_layout(["A US Army official history of the war"], large=True) == "stacked"


def test_marked_segments():
    segments = marked_segments("the brutal and glorious army", ("glorious", "brutal"))
    assert [(s["text"], s["marked"]) for s in segments] == [
        ("the ", False), ("brutal", True), (" and ", False), ("glorious", True), (" army", False)
    ]


def test_stylesheets_are_linked_or_left_to_the_renderer(sheet):
    assert '<link rel="stylesheet" href="css/print.css">' in page(sheet)
    ctx = worksheet_context(sheet, sheet.versions[0], link=False)
    assert "<link" not in render_html("worksheet.html.j2", ctx)
    assert ctx["doc"]["stylesheets"] == ["css/print.css", "css/paper-letter.css", "css/worksheet.css"]


def test_paper_and_large_print_pick_stylesheets(worksheet_bank):
    recipe = model.Recipe("T", "", (model.Selection("corroborate", 1),), paper="a4", large_print=True)
    sheet = make_worksheet(worksheet_bank, recipe)
    doc = worksheet_context(sheet, sheet.versions[0])["doc"]
    assert "css/paper-a4.css" in doc["stylesheets"] and "css/large-print.css" in doc["stylesheets"]
    for name in doc["stylesheets"]:
        assert (paths.templates_dir() / name).is_file()


def test_undefined_value_is_a_template_error_with_its_line(tmp_path, sheet):
    folder = tmp_path / "templates"
    shutil.copytree(paths.templates_dir(), folder)
    with open(folder / "partials" / "numeric.html.j2", "a", encoding="utf-8") as handle:
        handle.write("{{ item.no_such_field }}\n")
    lines = numeric_page_error(folder, sheet)
    assert lines[0].startswith("templates/worksheet.html.j2") or lines[0].startswith("templates/")
    assert "undefined value" in lines[0] and "no_such_field" in lines[0]


def test_template_syntax_error_names_template_and_line(tmp_path, sheet):
    folder = tmp_path / "templates"
    shutil.copytree(paths.templates_dir(), folder)
    (folder / "partials" / "numeric.html.j2").write_text("line one\n{% if %}\n", encoding="utf-8")
    lines = numeric_page_error(folder, sheet)
    assert lines[0].startswith("templates/partials/numeric.html.j2:2: template syntax:")


def numeric_page_error(folder, sheet) -> list[str]:
    with pytest.raises(TemplateError) as info:
        render_html("worksheet.html.j2", worksheet_context(sheet, sheet.versions[0]), templates=folder)
    return info.value.lines()


def test_one_box_per_source_within_a_question(worksheet_bank):
    # dc-order-events stands on memoir lines 2 and 8 and a KCNA line: two boxes, not three,
    # the memoir's with a gap mark between its passages and one citation for both.
    only = dataclasses.replace(worksheet_bank, questions={"dc-order-events": worksheet_bank.questions["dc-order-events"]})
    sheet = whole_bank(only, seed=1)
    (item,) = [i for part in worksheet_context(sheet, sheet.versions[0])["parts"] for i in part["questions"]]
    assert [e["number"] for e in item["excerpts"]] == [1, 2]
    memoir = next(e for e in item["excerpts"] if "Century" in e["citation"])
    assert [line.get("n") for line in memoir["lines"]] == [2, None, 8]
    assert memoir["citation"].endswith("lines 2 and 8.")
    html = render_html("worksheet.html.j2", worksheet_context(sheet, sheet.versions[0]))
    assert html.count('class="excerpt-gap"') == 1 and html.count('class="excerpt"') == 2


def test_line_labels():
    from quizgen.render.context import line_label

    assert line_label([(7, 7)]) == "line 7"
    assert line_label([(7, 9)]) == "lines 7–9"
    assert line_label([(7, 7), (11, 12), (25, 25)]) == "lines 7, 11–12 and 25"


def test_a_question_that_quotes_its_passages_prints_where_they_come_from(worksheet_bank):
    question = dataclasses.replace(worksheet_bank.questions["dc-order-events"], print_excerpts=False)
    only = dataclasses.replace(worksheet_bank, questions={question.id: question})
    sheet = whole_bank(only, seed=1)
    (item,) = [i for part in worksheet_context(sheet, sheet.versions[0])["parts"] for i in part["questions"]]
    assert item["excerpts"] == [] and item["see_excerpts"] == []
    assert item["quoted_from"] == (
        "Quoted from: With the Century, chapter 24 (excerpt). KANCC website; 2020-10-11; lines 2 and 8. "
        "International Obligation Noted (excerpt). GlobalSecurity.org via KNS; September 14; line 2."
    )
    html = render_html("worksheet.html.j2", worksheet_context(sheet, sheet.versions[0]))
    assert 'class="excerpt"' not in html and "Quoted from:" in html


def test_cards_give_outside_evidence_to_verdict_questions_only(worksheet_bank):
    chosen = {qid: worksheet_bank.questions[qid] for qid in ("co-tf-yalta", "co-choice-independent", "dc-order-events")}
    sheet = whole_bank(dataclasses.replace(worksheet_bank, questions=chosen), seed=1)

    def items(sheet):
        return {i["anchor"]: i for part in worksheet_context(sheet, sheet.versions[0])["parts"] for i in part["questions"]}

    assert all(i["card"] is None for i in items(sheet).values())  # off unless the recipe asks
    with_cards = dataclasses.replace(sheet, recipe=dataclasses.replace(sheet.recipe, cards=True))
    by_id = {item.question.id: item.number for item in with_cards.versions[0].items}
    got = {qid: items(with_cards)[f"vA-q{n}"]["card"] for qid, n in by_id.items()}
    # C3 (a verdict) gets its evidence; C2 (choose the source) would be given away; date-checking has none.
    assert got["co-tf-yalta"] == {"kind": "primary record (FRUS)", "says": "The sessions ran from 4 to 11 February 1945."}
    assert got["co-choice-independent"] is None and got["dc-order-events"] is None
    html = render_html("worksheet.html.j2", worksheet_context(with_cards, with_cards.versions[0]))
    assert html.count('class="outside-card"') == 1 and "The sessions ran from 4 to 11 February 1945." in html
    # The key gives the outside evidence as the teacher's, not as a student's card.
    key = render_html("answer_key.html.j2", answer_key_contexts(with_cards)[0])
    assert "outside-card" not in key and "Outside evidence" in text_of(key)


def test_questions_that_need_a_look_up_say_so_on_the_worksheet_only(worksheet_bank):
    chosen = {qid: worksheet_bank.questions[qid] for qid in ("co-tf-yalta", "co-choice-independent", "dc-order-events")}
    chosen["co-choice-independent"] = dataclasses.replace(chosen["co-choice-independent"], tags=(model.LOOK_IT_UP,))
    sheet = whole_bank(dataclasses.replace(worksheet_bank, questions=chosen), seed=1)
    numbers = {i.question.id: i.number for i in sheet.versions[0].items}
    html = page(sheet)

    def question(qid):
        return text_of(re.search(rf'id="vA-q{numbers[qid]}".*?id="vA-q{numbers[qid]}-end"', html, flags=re.S).group(0))

    # Tagged look-it-up, and a verdict question whose outside-source card the recipe leaves out
    # (cards off): both send students to look; the second says where, from its card.
    assert html.count('class="look-it-up"') == 2
    assert "Look it up" in question("co-choice-independent") and "an encyclopedia, a library" in question("co-choice-independent")
    assert "Look it up This one needs an outside source: primary record (FRUS)." in question("co-tf-yalta")
    assert "Look it up" not in question("dc-order-events")
    # A stem that already says what the outside source says needs no look-up.
    told = dataclasses.replace(chosen["co-tf-yalta"], outside_source=dataclasses.replace(
        chosen["co-tf-yalta"].outside_source, in_stem=True))
    told_sheet = whole_bank(dataclasses.replace(worksheet_bank, questions={**chosen, "co-tf-yalta": told}), seed=1)
    assert page(told_sheet).count('class="look-it-up"') == 1
    with_cards = page(dataclasses.replace(sheet, recipe=dataclasses.replace(sheet.recipe, cards=True)))
    assert with_cards.count('class="look-it-up"') == 1 and with_cards.count('class="outside-card"') == 1
    key = "".join(render_html("answer_key.html.j2", c) for c in answer_key_contexts(sheet))
    assert "look-it-up" not in key


def test_key_prints_a_short_answer_once_then_the_other_wordings(worksheet_bank):
    chosen = {"co-short-which": worksheet_bank.questions["co-short-which"]}
    sheet = whole_bank(dataclasses.replace(worksheet_bank, questions=chosen), seed=1)
    key = "".join(render_html("answer_key.html.j2", c) for c in answer_key_contexts(sheet))
    answers = re.findall(r'<p class="key-answer">(.*?)</p>', key, flags=re.S)
    assert [text_of(a) for a in answers] == ["Answer sixty-five (also accepted: 65 years)"]


def test_a_claim_shared_by_two_questions_prints_its_note_and_references_once(sheet):
    """The second question on a claim gives its quote and verdict, and points to the first for the rest."""
    version = sheet.versions[0]
    users: dict[str, list[int]] = {}
    for item in version.items:
        for cid in item.question.claims:
            users.setdefault(cid, []).append(item.number)
    shared = {cid: numbers for cid, numbers in users.items() if len(numbers) > 1}
    assert shared, "the sample bank should have a claim two questions use"
    (context,) = answer_key_contexts(sheet)
    text = text_of(render_html("answer_key.html.j2", context))
    entry_of = {e["question_id"]: e["number"] for g in context["groups"] for e in g["entries"]}
    for cid, numbers in shared.items():
        claim = sheet.claims[cid]
        label = model.VERDICT_LABELS[claim.verdict]
        assert text.count(f"{label} " + " ".join(claim.verdict_note.split())) == 1, cid
        first = min(entry_of[version.items[n - 1].question.id] for n in numbers)
        assert text.count(f"see entry {first}") >= len(numbers) - 1, cid


def test_a_reference_whose_title_names_its_author_prints_the_name_once():
    """"People's Daily, People's Daily, English edition …" reads as a typo to a teacher."""
    import dataclasses

    from quizgen import paths
    from quizgen.bank import load_bank

    bank = load_bank(paths.bank_dir())
    doubled = [(c, r) for c in bank.claims.values() for r in c.references if r.title.startswith(r.author)]
    assert doubled, "the shipped bank should have a reference whose title starts with its author"
    claim, ref = doubled[0]
    question = next(q for q in bank.questions.values() if claim.id in q.claims)
    sheet = whole_bank(dataclasses.replace(bank, questions={question.id: question}), seed=1)
    text = text_of(render_html("answer_key.html.j2", answer_key_contexts(sheet)[-1]))
    title = " ".join(ref.title.split())
    assert title in text and f"{ref.author}, {title}" not in text
    other = next(r for c in sheet.claims.values() for r in c.references if not r.title.startswith(r.author))
    assert f"{other.author}, {' '.join(other.title.split())}" in text


def test_right_choices_in_the_key_are_joined_by_a_middle_dot():
    from quizgen.render.context import answer_words

    q = model.MultipleResponse("m", "corroborate", "C1", ("c",), "s", "e", 1, "9-10",
                               choices=(model.Choice("It is dated.", True), model.Choice("No."), model.Choice("It names KCNA.", True)))
    item = model.WorksheetItem(1, q, "AC", (), ())
    assert answer_words(item) == "It is dated. · It names KCNA."


def test_a_timeline_key_says_which_numbers_go_in_the_boxes():
    from quizgen.render.context import answer_words

    q = model.Ordering("o", "date-checking", "B3", ("c",), "s", "e", 1, "9-10", items=("First", "Second", "Third"))
    item = model.WorksheetItem(1, q, "3-1-2", (), ("Third", "First", "Second"))
    assert answer_words(item) == "(the numbers in the boxes, top to bottom). In order: 1 First; 2 Second; 3 Third"


def test_large_print_is_for_the_students_pages_not_the_key():
    """The key is the teacher's: regular print, which also keeps each entry with its answer line."""
    from quizgen.render.context import document

    recipe = model.Recipe("T", "", (), large_print=True)
    for kind in ("worksheet", "source_texts"):
        assert "css/large-print.css" in document(recipe, "T", kind, "T")["stylesheets"], kind
    key = document(recipe, "T", "answer_key", "T")
    assert "css/large-print.css" not in key["stylesheets"] and "large-print" not in key["classes"]


def test_the_key_names_the_site_of_an_encyclopedia_copy_instead_of_printing_its_address():
    from quizgen.render.context import reference_link

    mirror = model.Reference("Wikipedia contributors", "Surrender of Japan", "n.d.", "says", "http://chaos.owiki.org/wiki/Surrender_of_Japan")
    canonical = dataclasses.replace(mirror, url="https://en.wikipedia.org/wiki/With_the_Century")
    paper = model.Reference("Peter Duus and Daniel I. Okimoto", "Comment", "1979", "says", "https://www.jstor.org/stable/2053504")
    assert reference_link(mirror) == {"url": "", "copy_at": "chaos.owiki.org"}
    assert reference_link(canonical) == {"url": canonical.url, "copy_at": ""}
    assert reference_link(paper) == {"url": paper.url, "copy_at": ""}
    from quizgen.assemble import whole_bank
    from quizgen.bank import load_bank

    sheet = whole_bank(load_bank(paths.bank_dir()))
    html = "".join(render_html("answer_key.html.j2", c) for c in answer_key_contexts(sheet))
    assert "(read in a copy at chaos.owiki.org)" in html and "owiki.org/wiki" not in html
    assert "https://www.jstor.org/stable/2053504" in html


def test_a_title_never_wraps_to_leave_its_last_word_alone(worksheet_bank):
    from quizgen.render import no_widow

    assert no_widow("Reading the sources: the liberation of Korea, 1945") == "Reading the sources: the liberation of Korea,\u00a01945"
    assert no_widow("Quiz") == "Quiz"
    sheet = whole_bank(worksheet_bank)  # titled "Question bank"
    assert '<h1 class="title">Question\u00a0bank</h1>' in page(sheet)
