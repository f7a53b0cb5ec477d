"""A quote that is not verbatim: the error shows the closest passage, its lines and where the two differ."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from quizgen import paths
from quizgen.bank import load_bank
from quizgen.cli import main
from quizgen.quotecheck import aligned, mismatch, quote_in_text

SHIPPED = paths.bank_dir()
ORIGINAL = "is the saviour of the Korean nation, who liberated his country from the Japanese military occupation."


@pytest.fixture(scope="module")
def brochure():
    return load_bank(SHIPPED).sources["brochure"]


def _copy(tmp_path: Path) -> Path:
    bank = tmp_path / "banks"
    shutil.copytree(SHIPPED, bank, ignore=shutil.ignore_patterns("recipes"))
    return bank


def _validate(bank: Path, claims_file: str, old: str, new: str) -> tuple[int, list[str], int]:
    path = bank / "claims" / claims_file
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    line = next(n for n, l in enumerate(text.splitlines(), 1) if old in l)
    result = CliRunner().invoke(main, ["bank", "validate", "--bank", str(bank)])
    return result.exit_code, result.output.splitlines(), line


def test_the_issue_example_shows_where_quote_and_source_differ(tmp_path, brochure):
    assert ORIGINAL in brochure.lines[1]
    code, out, line = _validate(_copy(tmp_path), "brochure.yaml", "is the saviour of the Korean nation, who",
                                "is the savior of all the Korean nation, who")
    assert code == 1
    assert out[:5] == [
        f"banks/claims/brochure.yaml:{line}: claim bro-saviour: field 'quote': quote is not verbatim in source "
        "'brochure' line 2; the closest passage is at line 2 (differences marked ^):",
        "  quote:  is the savio r of all the Korean nation, who…",
        "  source: is the saviour of     the Korean nation, who…",
        "                      ^    ^^^^",
        f'  to quote the source as it stands, write: quote: "{ORIGINAL}"',
    ]
    assert out[5] == "1 problem in banks/claims/brochure.yaml"


def test_the_suggestion_is_valid_when_copied_in(tmp_path):
    bank = _copy(tmp_path)
    _, out, _ = _validate(bank, "brochure.yaml", "is the saviour of the Korean nation, who", "is the saviour of the Korean people, who")
    suggestion = next(l for l in out if "to quote the source as it stands, write: quote: " in l)
    fixed = suggestion.split("write: quote: ", 1)[1]
    path = bank / "claims" / "brochure.yaml"
    text = path.read_text(encoding="utf-8")
    broken = next(l for l in text.splitlines() if "Korean people" in l)
    path.write_text(text.replace(broken, f"    quote: {fixed}"), encoding="utf-8")
    assert CliRunner().invoke(main, ["bank", "validate", "--bank", str(bank)]).exit_code == 0


def test_the_passage_ends_where_the_quote_does_not_at_the_next_comma(tmp_path):
    """The closest passage is whole words of the source, but a comma or bracket after (or before) the words the
    quote stops at is not part of it: no difference is marked there and the suggestion does not add it."""
    code, out, line = _validate(_copy(tmp_path), "memoir.yaml", "had taken Budapest, the capital of Hungary\"",
                                "had taken Budapest the capitol of Hungary\"")
    assert code == 1
    head = next(i for i, l in enumerate(out) if "claim mem-budapest: field 'quote'" in l)
    assert out[head + 1:head + 5] == [
        "  quote:  …forces had taken Budapest  the capitol of Hungary",
        "  source: …forces had taken Budapest, the capital of Hungary",
        "                                    ^          ^",
        '  to quote the source as it stands, write: quote: "By that time the Soviet forces had taken Budapest, '
        'the capital of Hungary"',
    ]


def test_a_passage_keeps_the_punctuation_a_quote_has(brochure):
    problem = mismatch("President Kim Il Sung (1912-1994) is the savior", brochure, 2, 2)
    assert problem.passage == "President Kim Il Sung (1912-1994) is the saviour"
    problem = mismatch("liberated his contry from the Japanese military occupation.", brochure, 2, 2)
    assert problem.passage == "liberated his country from the Japanese military occupation."
    problem = mismatch("1912-1994) is the savior of the Korean nation", brochure, 2, 2)
    assert problem.passage == "1912-1994) is the saviour of the Korean nation"


def test_a_quote_at_the_wrong_lines_names_the_right_ones(tmp_path):
    bank = _copy(tmp_path)
    path = bank / "claims" / "brochure.yaml"
    lines = path.read_text(encoding="utf-8").splitlines()
    at = next(n for n, l in enumerate(lines) if ORIGINAL in l)
    assert lines[at - 1].strip() == "lines: 2"
    lines[at - 1] = "    lines: 3-4"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["bank", "validate", "--bank", str(bank)])
    assert result.output.splitlines()[0] == (
        f"banks/claims/brochure.yaml:{at + 1}: claim bro-saviour: field 'quote': quote is not verbatim in source "
        "'brochure' lines 3-4; it stands at line 2: write 'lines: 2'")


def test_no_suggestion_when_it_would_not_make_the_claim_valid(tmp_path):
    # The claim lists the date as the broken quote writes it: the source's text would lose it.
    bank = _copy(tmp_path)
    path = bank / "claims" / "naenara.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace('quote: "the historic cause of national liberation on August 15, 1945"',
                        'quote: "the historic cause of national liberation on August 16, 1945"', 1)
    text = text.replace("      - as_written: August 15, 1945\n        gregorian: 1945-08-15",
                        "      - as_written: August 16, 1945\n        gregorian: 1945-08-16", 1)
    path.write_text(text, encoding="utf-8")
    out = CliRunner().invoke(main, ["bank", "validate", "--bank", str(bank)]).output.splitlines()
    head = next(i for i, l in enumerate(out) if "claim nae-liberation-date: field 'quote'" in l)
    assert out[head].endswith("the closest passage is at line 12 (differences marked ^):")
    assert out[head + 1:head + 4] == [
        "  quote:  …liberation on August 16, 1945",
        "  source: …liberation on August 15, 1945",
        "                                 ^",
    ]
    assert not any("to quote the source as it stands" in l for l in out)


def test_nothing_alike_says_so_without_a_guess(brochure):
    problem = mismatch("Seoul hosted the Olympic Games in 1988 with great success.", brochure, 2, 2)
    assert problem.passage == "" and problem.passage_lines is None


def test_a_part_after_a_gap_is_checked_on_its_own(brochure):
    quote = "President Kim Il Sung (1912-1994) … liberated his country from the Japanse military occupation"
    problem = mismatch(quote, brochure, 2, 2)
    assert problem.part == "liberated his country from the Japanse military occupation"
    assert problem.passage.startswith("liberated his country from the Japanese military occupation")
    assert problem.passage_lines == (2, 2)
    assert quote_in_text("President Kim Il Sung (1912-1994) … liberated his country", brochure.text(2, 2))


@pytest.mark.parametrize("quote, passage, expected", [
    ("the savior of", "the saviour of", ["  quote:  the savio r of", "  source: the saviour of", "                   ^"]),
    ("Korean people, who", "Korean nation, who", ["  quote:  Korean people, who", "  source: Korean nation, who",
                                                  "                 ^^^^^^"]),
    ("“saviour” of", "saviour of", ["  quote:  “saviour” of", "  source:  saviour  of", "          ^       ^"]),
])
def test_aligned_marks_each_differing_character(quote, passage, expected):
    assert aligned(quote, passage) == expected


def test_a_long_quote_shows_only_the_stretches_that_differ():
    words = [f"word{n}" for n in range(60)]
    quote = " ".join(words)
    passage = " ".join(w if w != "word30" else "ward30" for w in words)
    out = aligned(quote, passage)
    assert len(out) == 3 and out[0].startswith("  quote:  …") and out[0].endswith("…")
    assert all(len(line) <= 72 for line in out)
    assert out[2].count("^") == 1 and out[0][out[2].index("^")] == "o"
