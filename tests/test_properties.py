"""Random inputs (Hypothesis) for the recipe loader, the bank loader and ingest.

Each either loads or says what is wrong in one-line messages; none raises
anything but QuizgenError, prints a traceback or writes a file when it
fails. The number of examples is bounded so the suite keeps its time.
"""

from __future__ import annotations

import os
import shutil
import string
import tempfile
from pathlib import Path

import yaml
from click.testing import CliRunner
from conftest import examples, project
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hostile import snapshot

from quizgen import recipe, sources
from quizgen.bank import load_bank
from quizgen.cli import main
from quizgen.errors import QuizgenError

#: 40 examples each in the suite (10 in the fast part); QUIZGEN_HYPOTHESIS_EXAMPLES=2000 for a longer hunt by hand.
BOUNDED = settings(max_examples=examples(int(os.environ.get("QUIZGEN_HYPOTHESIS_EXAMPLES", "40"))), deadline=None,
                   suppress_health_check=[HealthCheck.function_scoped_fixture])

#: Text a teacher might type, and text no teacher should: controls, bidi, invisible and astral characters.
_ODD = "\x00\x01\x07\t\n\r\x1b\x7f\x85\u00a0\u00ad\u200b\u200d\u200e\u202e\u2028\u2066\ufeff\U0001f600\U000e0041"
TEXT = st.text(alphabet=st.sampled_from(string.printable + _ODD + "한글ÄΩ"), max_size=30)
SCALAR = st.one_of(st.none(), st.booleans(), st.integers(-10**20, 10**20), st.floats(allow_nan=True), TEXT)
VALUE = st.recursive(SCALAR, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                     st.dictionaries(TEXT, inner, max_size=4)), max_leaves=12)
#: Recipe documents: mostly the recipe's own keys (so the checks of each field run), with odd values.
RECIPE_DOCS = st.dictionaries(st.one_of(st.sampled_from(sorted(recipe.KEYS)), TEXT), VALUE, max_size=8)


def _one_line_each(err: QuizgenError) -> None:
    lines = err.lines()
    assert lines, "an error with nothing to say"
    for line in lines:
        assert "\n" not in line and "\r" not in line, repr(line)


def _as_yaml(document) -> bytes:
    try:
        return yaml.safe_dump(document, allow_unicode=True).encode("utf-8", "surrogatepass")
    except (yaml.YAMLError, UnicodeEncodeError):
        return repr(document).encode("utf-8", "surrogatepass")


@BOUNDED
@given(document=st.one_of(RECIPE_DOCS, VALUE))
def test_a_random_recipe_document_loads_or_is_refused_in_one_line_messages(document):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "recipe.yaml"
        path.write_bytes(_as_yaml(document))
        before = snapshot(Path(folder))
        try:
            loaded = recipe.load_recipe(path)
        except QuizgenError as err:
            _one_line_each(err)
        else:
            assert loaded.questions  # a recipe that loads asks for something
        assert snapshot(Path(folder)) == before


@BOUNDED
@given(raw=st.binary(max_size=400))
def test_random_bytes_as_a_recipe_load_or_are_refused(raw):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "recipe.yaml"
        path.write_bytes(raw)
        try:
            recipe.load_recipe(path)
        except QuizgenError as err:
            _one_line_each(err)
        assert sorted(p.name for p in Path(folder).iterdir()) == ["recipe.yaml"]


@BOUNDED
@given(raw=st.one_of(st.binary(max_size=400), VALUE.map(_as_yaml)), where=st.sampled_from(["questions", "claims"]))
def test_a_random_bank_file_loads_or_is_refused_and_nothing_is_written(raw, where):
    with tempfile.TemporaryDirectory() as folder:
        bank = Path(folder) / "bank"
        shutil.copytree(project("worksheet"), bank)
        (bank / where / "random.yaml").write_bytes(raw)
        before = snapshot(bank)
        try:
            load_bank(bank)
        except QuizgenError as err:
            _one_line_each(err)
        assert snapshot(bank) == before


@BOUNDED
@given(raw=st.one_of(st.binary(max_size=600), TEXT.map(lambda t: t.encode("utf-8", "surrogatepass"))),
       suffix=st.sampled_from([".txt", ".html"]))
def test_random_bytes_ingest_or_are_refused(raw, suffix):
    try:
        source, text = sources.ingest(raw, "doc" + suffix)
    except QuizgenError as err:
        _one_line_each(err)
        return
    assert text == "".join(line + "\n" for line in source.lines)
    assert all(line and line == line.strip() for line in source.lines)


@BOUNDED
@given(raw=st.binary(max_size=300), title=st.one_of(st.none(), TEXT))
def test_ingest_from_the_command_line_writes_a_record_that_loads_or_writes_nothing(raw, title):
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "doc.txt").write_bytes(raw)
        args = ["sources", "ingest", str(root / "doc.txt"), "--bank", str(root / "bank")]
        if title is not None:
            args += ["--title", title]
        result = CliRunner().invoke(main, args)
        assert "Traceback" not in result.output and result.exit_code in (0, 1), (result.exit_code, result.output)
        written = sorted(p.name for p in (root / "bank" / "sources").iterdir()) if (root / "bank").exists() else []
        if result.exit_code == 1:
            assert written == []
            return
        assert written == ["doc.txt", "doc.yaml"]
        loaded = sources.load_source(root / "bank" / "sources" / "doc.yaml")
        assert loaded.title == (title if title is not None else loaded.title)
