"""Reading recipes: the YAML file, the command-line options, and every error's exact line."""

from __future__ import annotations

import re

import pytest
from conftest import write_recipe

from quizgen import model, paths
from quizgen.errors import QuizgenError, RecipeError
from quizgen.recipe import describe, load_recipe

MINIMAL = "questions:\n  - skill: date-checking\n    count: 2\n"


@pytest.fixture(autouse=True)
def in_tmp(tmp_path, monkeypatch):
    # Recipes are named relative to the working directory in messages.
    monkeypatch.chdir(tmp_path)


def errors(path, options=None) -> list[str]:
    with pytest.raises(RecipeError) as info:
        load_recipe(path, options)
    return info.value.lines()


def test_shipped_default_is_a_mixed_twelve_question_sampler():
    recipe = load_recipe()
    assert sum(s.count for s in recipe.questions) == 12
    skills = {model.SUBSKILLS[s.skill][0].id if s.skill in model.SUBSKILLS else s.skill for s in recipe.questions}
    assert skills == {s.id for s in model.SKILLS}
    kinds = {k for s in recipe.questions for k in s.kinds}
    assert len(kinds) >= 6
    assert recipe.name == "sampler" and recipe.formats == ("pdf",)
    assert recipe.path.endswith("recipes/default.yaml"), recipe.path
    assert load_recipe(paths.default_recipe()) == load_recipe()


def test_minimal_recipe_takes_defaults(tmp_path):
    recipe = load_recipe(write_recipe(tmp_path, MINIMAL))
    assert recipe.questions == (model.Selection("date-checking", 2, line=2),)
    assert recipe.versions == 1 and recipe.seed == 1 and recipe.paper == "letter"
    assert recipe.excerpts and not recipe.large_print and not recipe.cards
    assert recipe.name == "recipe" and recipe.output == "output"
    assert recipe.title  # from templates/defaults.yml
    instructions = dict(recipe.skill_instructions)
    assert set(instructions) == {s.id for s in model.SKILLS}
    assert "1911" in instructions["date-checking"]


def test_full_recipe(tmp_path):
    path = write_recipe(tmp_path, """\
        title: Dates in the memoir
        instructions: Use a pen.
        about_sources: A memoir attributed to Kim Il Sung.
        name: memoir-dates
        versions: 4
        seed: 7
        paper: A4
        large_print: true
        excerpts: false
        cards: true
        grade_band: 9-10
        difficulty: 1-2
        kinds: [numeric]
        sources: [memoir]
        output: out/pdfs
        formats: [pdf, gift]
        per_version_files: true
        questions:
          - skill: b1
            count: 2
          - skill: corroborate
            count: 1
            kinds: [true-false, single-choice]
            sources: [kcna]
            difficulty: 3
        skill_instructions:
          corroborate: Name the   outside source.
    """)
    recipe = load_recipe(path)
    assert recipe.title == "Dates in the memoir" and recipe.about_sources == "A memoir attributed to Kim Il Sung."
    assert recipe.instructions == "A memoir attributed to Kim Il Sung. Use a pen."  # as printed: about, then instructions
    assert (recipe.name, recipe.versions, recipe.seed, recipe.paper) == ("memoir-dates", 4, 7, "a4")
    assert recipe.large_print and not recipe.excerpts and recipe.per_version_files and recipe.cards
    assert recipe.grade_band == "9-10" and recipe.output == str(tmp_path / "out/pdfs") and recipe.formats == ("pdf", "gift")
    assert recipe.questions == (
        model.Selection("B1", 2, ("numeric",), ("memoir",), (1, 2), line=19),
        model.Selection("corroborate", 1, ("true-false", "single-choice"), ("kcna",), (3, 3), line=21),
    )
    assert dict(recipe.skill_instructions)["corroborate"] == "Name the outside source."


def test_options_override_the_file(tmp_path):
    path = write_recipe(tmp_path, """\
        versions: 2
        questions:
          - skill: date-checking
            count: 2
            difficulty: 3
    """)
    recipe = load_recipe(path, {
        "versions": "5", "seed": "99", "paper": "a4", "title": "Quiz", "difficulty": "1-2",
        "kinds": "numeric,short-answer", "large_print": True, "excerpts": False, "cards": True, "output": "elsewhere",
        "formats": "pdf,moodle-xml", "grade_band": None,
    })
    assert (recipe.versions, recipe.seed, recipe.paper, recipe.title) == (5, 99, "a4", "Quiz")
    assert recipe.questions[0].difficulty == (1, 2)
    assert recipe.questions[0].kinds == ("numeric", "short-answer")
    assert recipe.large_print and not recipe.excerpts and recipe.output == "elsewhere"
    assert recipe.cards
    assert recipe.formats == ("pdf", "moodle-xml")


def test_skill_option_replaces_the_questions(tmp_path):
    recipe = load_recipe(write_recipe(tmp_path, MINIMAL), {"questions": ["B1=3", "identify-bias=2"], "sources": "memoir"})
    assert recipe.questions == (
        model.Selection("B1", 3, (), ("memoir",), option="--questions B1=3", sources_option="--sources"),
        model.Selection("identify-bias", 2, (), ("memoir",), option="--questions identify-bias=2", sources_option="--sources"),
    )


@pytest.mark.parametrize(
    "text, expected",
    [
        ("versions: 0\n" + MINIMAL, ["recipe.yaml:1: field 'versions': 0 is out of range (1 to 100)"]),
        ("versions: two\n" + MINIMAL, ["recipe.yaml:1: field 'versions': expected a whole number, found 'two'"]),
        ("paper: legal\n" + MINIMAL, ["recipe.yaml:1: field 'paper': 'legal' is not a paper size; use letter or a4"]),
        ("large_print: yes please\n" + MINIMAL,
         ["recipe.yaml:1: field 'large_print': expected true or false, found 'yes please'"]),
        ("cards: sometimes\n" + MINIMAL,
         ["recipe.yaml:1: field 'cards': expected true or false, found 'sometimes'"]),
        ("grade_band: 7-9\n" + MINIMAL,
         ["recipe.yaml:1: field 'grade_band': '7-9' is not one of: 6-8, 9-10, 11-12"]),
        ("difficulty: 0-4\n" + MINIMAL,
         ["recipe.yaml:1: field 'difficulty': '0-4' is not a difficulty like 2 or 1-3 (1 easy … 3 hard)"]),
        ("titel: Quiz\n" + MINIMAL, ["recipe.yaml:1: field 'titel': unknown field 'titel' (did you mean 'title'?)"]),
        ("name: my quiz\n" + MINIMAL,
         ["recipe.yaml:1: field 'name': 'my quiz' is not a file name (letters, digits, '.', '_' and '-')"]),
        ("formats: [pdf, moodle]\n" + MINIMAL,
         ["recipe.yaml:1: field 'formats[1]': 'moodle' is not a format; use one of: pdf, "]),
        ("questions:\n  - skill: date-cheking\n    count: 2\n",
         ["recipe.yaml:2: field 'questions[0].skill': 'date-cheking' is not a skill or sub-skill; use one of: "]),
        ("questions:\n  - skill: B1\n    count: 0\n",
         ["recipe.yaml:3: field 'questions[0].count': 0 is out of range (1 to 200)"]),
        ("questions:\n  - skill: B1\n", ["recipe.yaml:2: field 'questions[0]': missing required field 'count'"]),
        ("questions:\n  - skill: B1\n    count: 1\n    kinds: [essay]\n",
         ["recipe.yaml:4: field 'questions[0].kinds[0]': 'essay' is not a question kind; use one of: "]),
        ("questions:\n  - skill: B1\n    count: 1\n    level: 2\n",
         ["recipe.yaml:4: field 'questions[0].level': unknown field 'level'"]),
        ("title: Quiz\n", ["recipe.yaml:1: field 'questions': missing required field 'questions' (a list of skills and counts)"]),
        ("skill_instructions:\n  dates: Use a calendar.\n" + MINIMAL,
         ["recipe.yaml:2: field 'skill_instructions.dates': 'dates' is not a skill; use one of: "]),
        # Found by an adversarial trial: each of these was a crash, a hang or a file with a newline in its name.
        ("questions:\n  - skill: B1\n    count: 1\n    kinds: [[numeric]]\n",
         ["recipe.yaml:4: field 'questions[0].kinds[0]': expected a question kind, found [numeric]"]),
        ("kinds: [{a: 1}]\n" + MINIMAL, ["recipe.yaml:1: field 'kinds[0]': expected a question kind, found {a: 1}"]),
        ('title: "' + "Word " * 100 + '"\n' + MINIMAL,
         ["recipe.yaml:1: field 'title': 500 characters is too long; keep it to 200"]),
        ('title: "Quiz \\x01"\n' + MINIMAL,
         ["recipe.yaml:1: field 'title': the value holds U+0001 START OF HEADING (written as an escape, character 6 of it), "
          "a control character; delete it"]),
        ('title: "bad \\uD800"\n' + MINIMAL, ["recipe.yaml:1: field 'title': the value holds U+D800 (written as an escape, character 5 of it), half of a surrogate"]),
        ('title: "\\u202eQuiz"\n' + MINIMAL, ["recipe.yaml:1: field 'title': the value holds U+202E RIGHT-TO-LEFT OVERRIDE (written as an escape, character 1"]),
        ('output: "out\\x00x"\n' + MINIMAL, ["recipe.yaml:1: field 'output': the value holds U+0000 NULL (written as an escape, character 4 of it), a control"]),
        ('name: "good\\n"\n' + MINIMAL, ["recipe.yaml:1: field 'name': 'good\n' is not a file name"]),
        ("minutes: forty\n" + MINIMAL, ["recipe.yaml:1: field 'minutes': expected a whole number, found 'forty'"]),
        ("minutes: 0\n" + MINIMAL, ["recipe.yaml:1: field 'minutes': 0 is out of range (1 to 480)"]),
    ],
)
def test_each_error_names_file_line_and_field(tmp_path, text, expected):
    lines = errors(write_recipe(tmp_path, text))
    assert len(lines) == len(expected) + 1
    for line, start in zip(lines, expected):
        assert line.startswith(start), line
    # What YAML itself cannot hold is found while reading the file
    assert lines[-1] in ("1 problem in recipe recipe.yaml", "cannot read recipe recipe.yaml")


def test_a_file_name_that_cannot_name_the_pdfs_is_blamed_on_the_file_name(tmp_path):
    """'my recipe.yaml' has no name field: the message must not say it has a bad one."""
    lines = errors(write_recipe(tmp_path, MINIMAL, name="my recipe.yaml"))
    assert lines[0] == ("my recipe.yaml:1: the file name 'my recipe' cannot name the PDFs (letters, digits, '.', '_' and "
                        "'-' only); add a line such as 'name: my-worksheet'")
    assert load_recipe(write_recipe(tmp_path, "name: mine\n" + MINIMAL, name="my recipe.yaml")).name == "mine"


def test_a_number_is_a_title_and_options_are_checked_like_the_file(tmp_path):
    assert load_recipe(write_recipe(tmp_path, "title: 1945\n" + MINIMAL)).title == "1945"
    assert errors(write_recipe(tmp_path, MINIMAL), {"title": "Quiz\x07"})[0] == (
        "--title: the text holds U+0007 BELL, a control character; delete it")


def test_a_list_option_that_names_nothing_is_an_error_and_one_format_error_is_enough(tmp_path):
    assert errors(write_recipe(tmp_path, MINIMAL), {"sources": ",,"})[0] == "--sources: ',,' names nothing; give names separated by commas"
    lines = errors(write_recipe(tmp_path, "formats: [[pdf]]\n" + MINIMAL))
    assert lines == ["recipe.yaml:1: field 'formats[0]': expected a format name, found [pdf]", "1 problem in recipe recipe.yaml"]


def test_every_problem_is_reported_at_once(tmp_path):
    lines = errors(write_recipe(tmp_path, "versions: 0\npaper: legal\n" + MINIMAL))
    assert lines == [
        "recipe.yaml:1: field 'versions': 0 is out of range (1 to 100)",
        "recipe.yaml:2: field 'paper': 'legal' is not a paper size; use letter or a4",
        "2 problems in recipe recipe.yaml",
    ]


def test_problems_are_listed_in_line_order(tmp_path):
    lines = errors(write_recipe(tmp_path, "versions: 0\npaper: legal\ntitel: Quiz\n" + MINIMAL))
    assert [line.split(":")[1] for line in lines[:-1]] == ["1", "2", "3"], lines


def test_option_errors_name_the_option(tmp_path):
    lines = errors(write_recipe(tmp_path, MINIMAL), {"versions": "0", "questions": ["dates"]})
    assert lines == [
        "--versions: 0 is out of range (1 to 100)",
        "--questions: 'dates' is not SKILL=COUNT, e.g. date-checking=4 or B1=2",
        "2 problems in the command-line options",
    ]
    # Problems in both places: the summary names both.
    lines = errors(write_recipe(tmp_path, "versions: 0\n" + MINIMAL), {"paper": "legal"})
    assert lines == [
        "recipe.yaml:1: field 'versions': 0 is out of range (1 to 100)",
        "--paper: 'legal' is not a paper size; use letter or a4",
        "2 problems in recipe recipe.yaml and the command-line options",
    ]


def test_a_skill_option_the_bank_cannot_fill_is_named_as_typed(tmp_path):
    from quizgen.assemble import make_worksheet
    from quizgen.bank import load_bank

    from conftest import project

    recipe = load_recipe(write_recipe(tmp_path, MINIMAL), {"questions": ["C3=2", "corroborate=5"]})
    with pytest.raises(RecipeError) as info:
        make_worksheet(load_bank(project("worksheet")), recipe)
    assert info.value.lines()[0] == "--questions corroborate=5: asked for 5 corroborate questions; the bank has 5, but --questions C3=2 may take 2 of them"


def test_yaml_syntax_error_is_a_recipe_error(tmp_path):
    lines = errors(write_recipe(tmp_path, "questions: [\n"))
    assert lines[0].startswith("recipe.yaml:2: invalid YAML")
    assert lines[-1] == "cannot read recipe recipe.yaml"


def test_missing_file(tmp_path):
    lines = errors(tmp_path / "nope.yaml")
    assert lines == ["nope.yaml: cannot open: No such file or directory", "cannot read recipe nope.yaml"]


@pytest.mark.parametrize(
    "selection, band, expected",
    [
        (model.Selection("date-checking", 6, (), ("memoir",), (1, 2)), None,
         "6 date-checking questions of difficulty ≤ 2 from source memoir"),
        (model.Selection("B1", 1, ("numeric",)), "9-10", "1 B1 numeric question for grades 9-10 or below"),
        (model.Selection("B1", 2), "6-8", "2 B1 questions for grades 6-8"),
        (model.Selection("corroborate", 2, (), (), (3, 3)), None, "2 corroborate questions of difficulty 3"),
        (model.Selection("A2", 3, ("true-false", "single-choice"), ("kcna", "memoir"), (2, 3)), None,
         "3 A2 true-false or single-choice questions of difficulty ≥ 2 from sources kcna, memoir"),
    ],
)
def test_describe(selection, band, expected):
    assert describe(selection, band) == expected


def test_the_readme_example_recipe_fills_from_the_shipped_bank(tmp_path):
    """The recipe a teacher copies from the README must build as it stands."""
    from pathlib import Path

    from quizgen import paths
    from quizgen.assemble import make_worksheet
    from quizgen.bank import load_bank

    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```yaml\n(.*?)```", readme, flags=re.S)
    (example,) = [b for b in blocks if b.startswith("title:") and "questions:" in b]
    path = tmp_path / "unit3.yaml"
    path.write_text(example, encoding="utf-8")
    recipe = load_recipe(path)
    assert recipe.grade_band and recipe.versions == 4
    sheet = make_worksheet(load_bank(paths.bank_dir()), recipe)
    assert len(sheet.versions) == 4 and all(len(v.items) == sum(s.count for s in recipe.questions) for v in sheet.versions)


@pytest.mark.parametrize(
    "text, line, hint",
    [
        ("title: Read: the text\n" + MINIMAL, 1, "put the text in quotes"),
        ("questions:\n  - skill: B1\n     count: 1\n", 3, "line it up with the keys around it"),
        ("questions:\n\t- skill: B1\n", 2, "indent with spaces, not tabs"),
        ("questions:\n  - skill: B1\n    count: 1\n  title: x\n", 4, "check this line's indentation"),
    ],
    ids=["colon-in-text", "indented-key", "tab", "outdented-key"],
)
def test_yaml_mistakes_a_teacher_makes_get_a_plain_hint(tmp_path, text, line, hint):
    lines = errors(write_recipe(tmp_path, text))
    assert lines[0].startswith(f"recipe.yaml:{line}: invalid YAML: ") and hint in lines[0], lines[0]


def test_a_title_with_its_quote_left_open_is_reported_at_its_line(tmp_path):
    """PyYAML reads to the end of the file looking for the closing quote; the teacher needs line 2."""
    path = write_recipe(tmp_path, 'versions: 2\ntitle: "Reading the sources\n' + MINIMAL)
    with pytest.raises(QuizgenError) as info:
        load_recipe(path)
    first = info.value.lines()[0]
    assert first.startswith("recipe.yaml:2: invalid YAML") and "this line opens a quote (\")" in first, first


def test_an_option_holding_a_control_character_is_refused_without_printing_it(tmp_path):
    lines = errors(write_recipe(tmp_path, MINIMAL), {"kinds": "numeric\x07", "name": "a\x1b[31mRED"})
    assert sorted(lines[:2]) == ["--kinds: the text holds U+0007 BELL, a control character; delete it",
                                 "--name: the text holds U+001B ESCAPE, a control character; delete it"]
    assert not any("\x07" in line or "\x1b" in line for line in lines)


def test_minutes_is_the_same_option_in_the_file_and_on_the_command_line(tmp_path):
    """`minutes:` in a recipe and `--minutes` give Recipe.minutes: the time the class has."""
    assert load_recipe(write_recipe(tmp_path, MINIMAL)).minutes is None
    assert load_recipe(write_recipe(tmp_path, "minutes: 40\n" + MINIMAL)).minutes == 40
    assert load_recipe(write_recipe(tmp_path, "minutes: 40\n" + MINIMAL), {"minutes": "25"}).minutes == 25
    assert errors(write_recipe(tmp_path, MINIMAL), {"minutes": "-5"}) == [
        "--minutes: -5 is out of range (1 to 480)", "1 problem in the command-line options"]
