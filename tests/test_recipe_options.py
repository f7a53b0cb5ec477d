"""One name per option: the README's table of recipe options against the model, the reader and the CLI.

The table in README.md ("Recipe options") is read here and compared with
``quizgen.model.Recipe`` (every field listed, so a field added to the model
fails until it is documented), ``quizgen.recipe.KEYS`` (the keys a recipe
file may hold and the option that overrides each), the options of
``quizgen build`` and ``quizgen export``, and the defaults ``load_recipe``
gives a recipe that says nothing but its questions.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest
import yaml

from quizgen import model, recipe
from quizgen.cli import main

README = Path(__file__).resolve().parents[1] / "README.md"

#: Model fields that are not recipe options: where the recipe was read from.
INTERNAL = {"path"}
#: Recipe keys that are not model fields: defaults for every questions line (Selection fields).
LINE_DEFAULTS = {"difficulty", "kinds", "sources"}


def table() -> dict[str, dict[str, str]]:
    """Return the README's recipe-options table: key → {option, default, what}."""
    text = README.read_text(encoding="utf-8")
    section = text.split("### Recipe options", 1)[1].split("\n#", 1)[0]
    rows = {}
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 4 or not cells[0].startswith("`"):
            continue
        key = cells[0].strip("`")
        assert key not in rows, f"{key} is listed twice"
        rows[key] = dict(zip(("option", "default", "what"), cells[1:]))
    assert rows, "no recipe-options table in README.md"
    return rows


def build_options() -> set[str]:
    command = main.commands["build"]
    return {opt for p in command.params for opt in (*p.opts, *p.secondary_opts)}


def test_every_model_field_is_a_documented_recipe_key():
    fields = {f.name for f in dataclasses.fields(model.Recipe)} - INTERNAL
    rows = table()
    assert fields - set(rows) == set(), "add these Recipe fields to the README's recipe-options table"
    assert fields - set(recipe.KEYS) == set(), "a Recipe field that no recipe file can set"
    assert set(rows) == set(recipe.KEYS), "the table lists exactly the keys a recipe file may hold"
    assert set(rows) - fields == LINE_DEFAULTS


def test_each_key_has_the_options_name():
    """The option is the key with '-' for '_'; the table names it; `quizgen build` has it."""
    rows, options = table(), build_options()
    for key, flag in recipe.KEYS.items():
        if not flag:
            assert rows[key]["option"] == "—", key
            continue
        assert flag == "--" + key.replace("_", "-"), f"{key}: the option should be --{key.replace('_', '-')}, not {flag}"
        assert re.match(rf"`{re.escape(flag)}`", rows[key]["option"]), key
        assert flag in options, f"quizgen build has no {flag}"
    export = {opt for p in main.commands["export"].params for opt in p.opts}
    assert {"--formats", "--seed", "--output"} <= export  # the same names where export takes a recipe's option


@pytest.mark.parametrize("old, new", [("--skill", "--questions"), ("--format", "--formats"),
                                      ("--per-version", "--per-version-files")])
def test_the_documented_old_spellings_are_the_same_options(old, new):
    command = main.commands["build"]
    (param,) = [p for p in command.params if new in p.opts]
    assert old in param.opts
    assert f"`{old}` for `{new}`" in README.read_text(encoding="utf-8")


def test_the_defaults_in_the_table_are_the_readers(tmp_path):
    """A backticked default is what load_recipe gives a recipe that says nothing else."""
    path = tmp_path / "minimal.yaml"
    path.write_text("questions:\n  - skill: B1\n    count: 1\n", encoding="utf-8")
    loaded = recipe.load_recipe(path)
    line = loaded.questions[0]
    checked = 0
    for key, row in table().items():
        match = re.fullmatch(r"`([^`]*)`", row["default"])
        if not match:
            continue  # prose: "from templates/defaults.yml", "any", "(required)"
        written = yaml.safe_load(match.group(1))
        if key in LINE_DEFAULTS:
            actual = getattr(line, key)
            written = tuple(int(n) for n in str(written).split("-")) if key == "difficulty" else written
        else:
            actual = getattr(loaded, key)
        assert (list(actual) if isinstance(actual, tuple) and key != "difficulty" else actual) == written, key
        checked += 1
    assert checked >= 10
    # "any": no grade band, kinds or sources unless asked for.
    assert loaded.grade_band is None and line.kinds == () and line.sources == ()
