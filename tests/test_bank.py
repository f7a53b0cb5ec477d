"""The bank loader: every mistake a teacher can make is reported with file, line, id and field."""

from __future__ import annotations

import json
import shutil
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from quizgen import model, paths
from quizgen.bank import load_bank, quote_in_text
from quizgen.cli import main
from quizgen.errors import BankError

REPO_BANK = paths.bank_dir()

# A tiny valid bank on top of the committed Naenara source. Line 4 of its
# cleaned text is the Luozigou paragraph, line 1 the opening sentence.
CLAIMS = """\
source: naenara
claims:
  - id: nae-luozigou
    lines: 4
    quote: "whose members decreased from 40 to 18 on the Heights of Luozigou in December 1932"
    kind: quantity
    summary: The guerrilla unit shrank from 40 to 18 men at Luozigou in December 1932.
    verdict: unverifiable
    verdict_note: Only DPRK sources tell this episode.
    references:
      - author: Wikipedia contributors
        title: Kim Il Sung bibliography
        year: "2024"
        says: Scholars note works credited to Kim's guerrilla years after the fact.
    dates:
      - as_written: December 1932
        gregorian: 1932-12
  - id: nae-harshest
    lines: 1
    quote: "the harshest and arduous war"
    kind: evaluation
    summary: The struggle was the harshest war in history.
    verdict: opinion-loaded
    verdict_note: A value judgement, not a checkable fact.
"""

QUESTIONS = """\
questions:
  - id: q-choice
    skill: identify-bias
    subskill: A2
    kind: single-choice
    claims: [nae-harshest]
    stem: Which word carries the writer's judgement?
    choices:
      - text: harshest
        correct: true
      - text: war
      - text: struggle
    explanation: A superlative judges; the other words describe.
    difficulty: 1
    grade_band: 6-8
  - id: q-number
    skill: corroborate
    subskill: C1
    kind: numeric
    claims: [nae-luozigou]
    stem: How many fighters does the text say were left?
    answer: 18
    explanation: The text says the unit decreased from 40 to 18.
    difficulty: 1
    grade_band: 6-8
    outside_source:
      kind: a scholarly history of the guerrilla war
      says: Nothing independent confirms the episode.
  - id: q-match
    skill: date-checking
    subskill: B3
    kind: matching
    claims: [nae-luozigou]
    stem: Match each number to what it counts.
    pairs:
      - left: "40"
        right: members before
      - left: "18"
        right: members after
    explanation: The text gives both.
    difficulty: 1
    grade_band: 6-8
"""


def make_bank(tmp_path: Path, claims: str = CLAIMS, questions: str = QUESTIONS) -> Path:
    """Return a bank folder with the Naenara source and the given claims and questions."""
    bank = tmp_path / "banks"
    (bank / "sources").mkdir(parents=True)
    for suffix in (".yaml", ".txt"):
        shutil.copy(REPO_BANK / "sources" / f"naenara{suffix}", bank / "sources")
    (bank / "claims").mkdir()
    (bank / "questions").mkdir()
    (bank / "claims" / "naenara.yaml").write_text(claims, encoding="utf-8")
    (bank / "questions" / "set.yaml").write_text(questions, encoding="utf-8")
    return bank


def validate(bank: Path) -> tuple[int, list[str]]:
    result = CliRunner().invoke(main, ["bank", "validate", "--bank", str(bank)])
    return result.exit_code, result.output.splitlines()


def line_of(text: str, needle: str, occurrence: int = 1) -> int:
    """Return the 1-based line of the n-th line containing ``needle``."""
    seen = 0
    for number, line in enumerate(text.splitlines(), 1):
        if needle in line:
            seen += 1
            if seen == occurrence:
                return number
    raise AssertionError(f"{needle!r} not in fixture")


def test_fixture_bank_is_valid(tmp_path):
    code, out = validate(make_bank(tmp_path))
    assert code == 0, out
    assert out[-1] == "bank is valid: 1 sources, 2 claims, 3 questions"


def test_loader_builds_model_objects(tmp_path):
    bank = load_bank(make_bank(tmp_path))
    q = bank.questions["q-number"]
    assert isinstance(q, model.Numeric) and q.answer == 18
    assert bank.claims["nae-luozigou"].lines == (4, 4)
    assert bank.claims_of(bank.questions["q-choice"])[0].id == "nae-harshest"
    assert isinstance(bank.questions["q-match"], model.Matching)


# Each case: (which file, text to replace, replacement, needle for the line, expected message
# after "banks/<file>:<line>: "). The line is found in the broken text, so the expectation
# names the exact line a teacher would open.
Q = "questions/set.yaml"
C = "claims/naenara.yaml"
CASES = [
    ("invisible character", Q, "    stem: How many fighters does the text say were left?\n",
     '    stem: "How many fighters \\u202edoes the text say were left?"\n', "u202e",
     "field 'questions[1].stem': the value holds U+202E RIGHT-TO-LEFT OVERRIDE (written as an escape, character 19 of it), "
     "a bidirectional control: it can make the text read differently on screen than in the file; delete it"),
    ("answer terms without look-it-up", Q, "    difficulty: 1\n    grade_band: 6-8\n  - id: q-number",
     "    difficulty: 1\n    grade_band: 6-8\n    answer_terms: [\"1997\"]\n  - id: q-number",
     "answer_terms:", "question q-choice: field 'answer_terms': only a look-it-up question has answer terms (what students look up)"),
    ("unknown key", Q, "    difficulty: 1\n    grade_band: 6-8\n  - id: q-number", "    difficulty: 1\n    grade_band: 6-8\n    dificulty: 2\n  - id: q-number",
     "dificulty: 2", "question q-choice: field 'dificulty': unknown field 'dificulty' (did you mean 'difficulty'?)"),
    ("missing stem", Q, "    stem: How many fighters does the text say were left?\n", "",
     "- id: q-number", "question q-number: missing required field 'stem'"),
    ("duplicate question id", Q, "id: q-match", "id: q-choice",
     "id: q-choice", f"question q-choice: field 'id': duplicate question id (first defined at banks/questions/set.yaml:{line_of(QUESTIONS, 'id: q-choice')})", 2),
    ("dangling claim", Q, "claims: [nae-luozigou]\n    stem: How many", "claims: [nae-luozigu]\n    stem: How many",
     "claims: [nae-luozigu]", "question q-number: field 'claims[0]': unknown claim 'nae-luozigu' (did you mean 'nae-luozigou'?)"),
    ("unknown skill", Q, "skill: identify-bias", "skill: identify-bais",
     "skill: identify-bais", "question q-choice: field 'skill': 'identify-bais' is not one of: identify-bias, date-checking, corroborate (did you mean 'identify-bias'?)"),
    ("unknown sub-skill", Q, "subskill: A2", "subskill: A9",
     "subskill: A9", "question q-choice: field 'subskill': 'A9' is not one of: A1, A2, A3, A4, A5, B1, B2, B3, B4, B5, C1, C2, C3, C4, C5"),
    ("sub-skill of another skill", Q, "subskill: A2", "subskill: B2",
     "subskill: B2", "question q-choice: field 'subskill': 'B2' is a sub-skill of date-checking, not identify-bias"),
    ("no correct choice", Q, "      - text: harshest\n        correct: true\n", "      - text: harshest\n",
     "choices:", "question q-choice: field 'choices': needs exactly one choice with correct: true, found 0"),
    ("two correct choices", Q, "      - text: war\n", "      - text: war\n        correct: true\n",
     "choices:", "question q-choice: field 'choices': needs exactly one choice with correct: true, found 2"),
    ("print_excerpts is not a boolean", Q, "subskill: A2", "subskill: A2\n    print_excerpts: sometimes",
     "print_excerpts: sometimes", "question q-choice: field 'print_excerpts': expected true or false, found 'sometimes'"),
    ("correct is not a boolean", Q, "        correct: true", "        correct: yes please",
     "correct: yes please", "question q-choice: field 'choices[0].correct': expected true or false, found 'yes please'"),
    ("repeated choice", Q, "      - text: struggle", "      - text: War",
     "text: War", "question q-choice: field 'choices[2].text': choice repeats choice 2"),
    ("matching with one pair", Q, '      - left: "18"\n        right: members after\n', "",
     "pairs:", "question q-match: field 'pairs': a matching question needs at least 2 pairs, found 1"),
    ("numeric answer does not parse", Q, "answer: 18", "answer: eighteen",
     "answer: eighteen", "question q-number: field 'answer': 'eighteen' is not a number"),
    ("minutes not a number", Q, "subskill: A2", "subskill: A2\n    minutes: a while",
     "minutes: a while", "question q-choice: field 'minutes': 'a while' is not a number"),
    ("minutes out of range", Q, "subskill: A2", "subskill: A2\n    minutes: 0",
     "minutes: 0", "question q-choice: field 'minutes': 0 is out of range (more than 0, at most 60)"),
    ("numeric answer missing", Q, "    answer: 18\n", "",
     "- id: q-number", "question q-number: field 'answer': missing required field 'answer'"),
    ("negative tolerance", Q, "    answer: 18\n", "    answer: 18\n    tolerance: -1\n",
     "tolerance: -1", "question q-number: field 'tolerance': must not be negative"),
    ("difficulty out of range", Q, "    difficulty: 1\n    grade_band: 6-8\n    outside", "    difficulty: 4\n    grade_band: 6-8\n    outside",
     "difficulty: 4", "question q-number: field 'difficulty': 4 is out of range (1 to 3)"),
    ("difficulty not a number", Q, "    difficulty: 1\n    grade_band: 6-8\n  - id: q-number", "    difficulty: hard\n    grade_band: 6-8\n  - id: q-number",
     "difficulty: hard", "question q-choice: field 'difficulty': expected a whole number, found 'hard'"),
    ("unknown grade band", Q, "    grade_band: 6-8\n  - id: q-number", "    grade_band: 7\n  - id: q-number",
     "grade_band: 7", "question q-choice: field 'grade_band': 7 is not one of: 6-8, 9-10, 11-12"),
    ("unknown kind", Q, "kind: matching", "kind: matchng",
     "kind: matchng", "question q-match: field 'kind': 'matchng' is not one of: single-choice, multiple-response, true-false, short-answer, numeric, matching, ordering, open-response, mark-the-words (did you mean 'matching'?)"),
    ("corroborate without outside source", Q, "    outside_source:\n      kind: a scholarly history of the guerrilla war\n      says: Nothing independent confirms the episode.\n", "",
     "- id: q-number", "question q-number: field 'outside_source': a corroborate question must say which kind of outside source settles it and what it says"),
    ("claims list empty", Q, "claims: [nae-harshest]", "claims: []",
     "claims: []", "question q-choice: field 'claims': needs at least 1 item, found 0"),
    ("bad question id", Q, "id: q-choice", "id: Q Choice",
     "id: Q Choice", "question Q Choice: field 'id': 'Q Choice' is not a valid id (lower-case letters, digits and single hyphens)"),
    ("quote not verbatim", C, "the harshest and arduous war", "the harshest and most arduous war",
     "most arduous", "claim nae-harshest: field 'quote': quote is not verbatim in source 'naenara' line 1; "
                     "the closest passage is at line 1 (differences marked ^):"),
    ("quote at the wrong lines", C, "    lines: 4\n", "    lines: 5\n",
     "quote: \"whose members", "claim nae-luozigou: field 'quote': quote is not verbatim in source 'naenara' line 5; "
                               "it stands at line 4: write 'lines: 4'"),
    ("line span past the end", C, "    lines: 1\n", "    lines: 1-900\n",
     "lines: 1-900", "claim nae-harshest: field 'lines': line 900 is past the end of source 'naenara' ({naenara_lines} lines)"),
    ("line span backwards", C, "    lines: 4\n", "    lines: 9-4\n",
     "lines: 9-4", "claim nae-luozigou: field 'lines': '9-4' is not a line span (write 12, '12-14' or [12, 14], first ≤ last)"),
    ("unknown verdict", C, "verdict: unverifiable", "verdict: false",
     "verdict: false", "claim nae-luozigou: field 'verdict': false is not one of: corroborated, partly-corroborated, contradicted, unverifiable, opinion-loaded"),
    ("verdict without reference", C, "    references:\n      - author: Wikipedia contributors\n        title: Kim Il Sung bibliography\n        year: \"2024\"\n        says: Scholars note works credited to Kim's guerrilla years after the fact.\n", "",
     "- id: nae-luozigou", "claim nae-luozigou: field 'references': a 'unverifiable' verdict needs at least one outside reference"),
    ("reference missing its title", C, "        title: Kim Il Sung bibliography\n", "",
     "- author: Wikipedia", "claim nae-luozigou: field 'references[0]': missing required field 'title'"),
    ("unknown claim kind", C, "kind: quantity", "kind: number",
     "kind: number", "claim nae-luozigou: field 'kind': 'number' is not one of: date, quantity, event, attribution, evaluation"),
    ("dangling source", C, "source: naenara", "source: naenra",
     "source: naenra", "field 'source': unknown source 'naenra' (did you mean 'naenara'?)"),
    ("bad normalised date", C, "gregorian: 1932-12", "gregorian: Dec 1932",
     "gregorian: Dec 1932", "claim nae-luozigou: field 'dates[0].gregorian': 'Dec 1932' is not YYYY, YYYY-MM or YYYY-MM-DD"),
    ("date not in the quote", C, "as_written: December 1932", "as_written: January 1933",
     "as_written: January 1933", "claim nae-luozigou: field 'dates[0].as_written': 'January 1933' does not appear in the quote"),
    ("duplicate claim id", C, "id: nae-harshest", "id: nae-luozigou",
     "id: nae-luozigou", f"claim nae-luozigou: field 'id': duplicate claim id (first defined at banks/claims/naenara.yaml:{line_of(CLAIMS, 'id: nae-luozigou')})", 2),
    ("duplicate key in a mapping", Q, "    stem: Which word", "    stem: First try\n    stem: Which word",
     "stem: Which word", "key 'stem' appears twice in the same mapping"),
    ("YAML syntax error", Q, "    stem: Which word carries the writer's judgement?", "    stem: [Which word carries",
     "choices:", None),
]


def _params():
    for name, file, old, new, needle, expected, *rest in CASES:
        yield pytest.param(file, old, new, needle, expected, rest[0] if rest else 1, id=name)


def test_there_are_at_least_25_malformed_cases():
    assert len(CASES) >= 25


@pytest.mark.parametrize("file, old, new, needle, expected, occurrence", list(_params()))
def test_malformed_bank_is_reported_exactly(tmp_path, file, old, new, needle, expected, occurrence):
    claims, questions = CLAIMS, QUESTIONS
    if file == Q:
        assert old in questions, "fixture text to replace is missing"
        questions = questions.replace(old, new, 1)
        broken = questions
    else:
        assert old in claims, "fixture text to replace is missing"
        claims = claims.replace(old, new, 1)
        broken = claims
    bank = make_bank(tmp_path, claims, questions)
    code, out = validate(bank)
    assert code == 1
    line = line_of(broken, needle, occurrence)
    prefix = f"banks/{file}:{line}: "
    naenara_lines = len((REPO_BANK / "sources" / "naenara.txt").read_text(encoding="utf-8").splitlines())
    expected = expected and expected.replace("{naenara_lines}", str(naenara_lines))
    if expected is None:
        # reported where PyYAML notices the problem, naming where it began
        began = line_of(broken, "stem: [Which word")
        assert any(o.startswith(prefix) and "invalid YAML" in o and f"starts on line {began}" in o for o in out), out
    else:
        assert prefix + expected in out, "\n".join(out)
    assert not any("Traceback" in o for o in out)
    assert "problem" in out[-1] and ("banks/" + file in out[-1] or "files" in out[-1]), out[-1]


def test_a_quote_left_open_is_reported_where_it_opens(tmp_path):
    """PyYAML fails where the runaway quote closes, a line later; the teacher must look where it opened."""
    broken = QUESTIONS.replace(
        "    explanation: The text says the unit decreased from 40 to 18.\n",
        '    explanation: "The text says\n      the unit "decreased" from 40 to 18.\n', 1)
    code, out = validate(make_bank(tmp_path, questions=broken))
    opened = line_of(broken, 'explanation: "The text says')
    assert code == 1 and out[0].startswith(f"banks/questions/set.yaml:{opened}: invalid YAML: "), out
    assert "this line opens a quote (\") that it does not close" in out[0] and 'written \\"' in out[0]
    # Far from where it closes, or never closed at all: still the line where it opens.
    far = QUESTIONS.replace("    explanation: A superlative judges; the other words describe.\n",
                            '    explanation: "A superlative judges; the other words describe.\n', 1)
    for text in (far, far.replace("    explanation: The text says the unit decreased from 40 to 18.\n",
                                  '    explanation: The text says the unit "decreased" from 40 to 18.\n', 1)):
        code, out = validate(make_bank(tmp_path / str(len(text)), questions=text))
        opened = line_of(text, 'explanation: "A superlative')
        assert code == 1 and out[0].startswith(f"banks/questions/set.yaml:{opened}: invalid YAML: "), out
        assert "this line opens a quote" in out[0], out
    # A quoted text may span lines: one that is closed is no error.
    fine = QUESTIONS.replace("    explanation: The text says the unit decreased from 40 to 18.\n",
                             '    explanation: "The text says\n      the unit decreased from 40 to 18."\n', 1)
    assert validate(make_bank(tmp_path / "fine", questions=fine))[0] == 0


def test_all_problems_reported_together(tmp_path):
    questions = QUESTIONS.replace("answer: 18", "answer: x").replace("subskill: A2", "subskill: A7")
    claims = CLAIMS.replace("kind: quantity", "kind: number")
    code, out = validate(make_bank(tmp_path, claims, questions))
    assert code == 1
    problems = [o for o in out if o.startswith("banks/")]
    assert len(problems) == 3, out
    assert out[-1] == "3 problems in 2 files"


def test_a_duplicate_id_is_reported_with_the_copy_s_other_problems(tmp_path):
    """A repeated id whose copy is also broken: one run lists both, not one after the other."""
    broken = "  - id: q-choice\n    skill: date-checking\n    subskill: B3\n    kind: matching\n    claims: [nae-nosuch]"
    questions = QUESTIONS.replace("  - id: q-match\n    skill: date-checking\n    subskill: B3\n    kind: matching\n"
                                  "    claims: [nae-luozigou]", broken)
    assert questions != QUESTIONS
    code, out = validate(make_bank(tmp_path, CLAIMS, questions))
    assert code == 1
    line = line_of(questions, "id: q-choice", 2)
    assert (f"banks/questions/set.yaml:{line}: question q-choice: field 'id': duplicate question id "
            f"(first defined at banks/questions/set.yaml:{line_of(questions, 'id: q-choice')})") in out, out
    assert any("unknown claim 'nae-nosuch'" in o for o in out), out


def test_unused_claim_is_a_warning_and_strict_makes_it_an_error(tmp_path):
    questions = QUESTIONS.replace("claims: [nae-harshest]", "claims: [nae-luozigou]")
    bank = make_bank(tmp_path, CLAIMS, questions)
    code, out = validate(bank)
    assert code == 0
    warning = "banks/claims/naenara.yaml:18: warning: claim nae-harshest: no question uses this claim [claim.unused]"
    assert warning in out
    assert out[-1].startswith("bank is valid")
    result = CliRunner().invoke(main, ["bank", "validate", "--strict", "--bank", str(bank)])
    assert result.exit_code == 1
    assert warning in result.output.splitlines()
    assert result.output.splitlines()[-1] == "1 problem in banks/claims/naenara.yaml"


def test_quote_gap_parts_must_be_in_order():
    text = "one two three four five"
    assert quote_in_text("one two … four five", text)
    assert not quote_in_text("four five … one two", text)
    assert quote_in_text("two\nthree", "one two three")


# ---------------------------------------------------------------- hostile input

HOSTILE = {
    "ten megabytes": lambda: b"questions:\n" + b"  # padding\n" * (10 * 1024 * 1024 // 12),
    "alias bomb": lambda: textwrap.dedent(
        """\
        a: &a ["x","x","x","x","x","x","x","x","x"]
        b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
        c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
        d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
        e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
        f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
        g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
        questions: [*g]
        """
    ).encode(),
    "binary garbage": lambda: bytes(range(256)) * 64,
    "wrong encoding": lambda: "questions:\n  - id: caf\u00e9\n".encode("latin-1"),
    "object-constructing tag": lambda: b"questions:\n  - !!python/object/apply:os.system ['echo hacked']\n",
    "recursive alias": lambda: b"questions: &q\n  - *q\n",
}
HOSTILE_MESSAGES = {
    "ten megabytes": "banks/questions/set.yaml: file is",
    "alias bomb": "banks/questions/set.yaml:1: document expands to more than",
    # byte 0x0a ends line 1; the first byte that is not UTF-8 (0x80) is on line 2
    "binary garbage": "banks/questions/set.yaml:2: not UTF-8 text (byte 0x80)",
    "wrong encoding": "banks/questions/set.yaml:2: not UTF-8 text (byte 0xe9)",
    "object-constructing tag": "banks/questions/set.yaml:2: tag 'tag:yaml.org,2002:python/object/apply:os.system' is not allowed",
    "recursive alias": "banks/questions/set.yaml:",
}


@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_input_fails_fast_and_clearly(tmp_path, name):
    bank = make_bank(tmp_path)
    (bank / "questions" / "set.yaml").write_bytes(HOSTILE[name]())
    code, out = validate(bank)
    assert code == 1
    assert any(o.startswith(HOSTILE_MESSAGES[name]) for o in out), out
    assert not any("Traceback" in o or "internal error" in o for o in out)


def test_object_tag_is_never_constructed(tmp_path):
    marker = tmp_path / "hacked"
    bank = make_bank(tmp_path)
    (bank / "questions" / "set.yaml").write_text(
        f"questions:\n  - !!python/object/apply:pathlib.Path.touch [['{marker}']]\n", encoding="utf-8"
    )
    code, _ = validate(bank)
    assert code == 1
    assert not marker.exists()


def test_missing_bank_folder_is_one_clear_line(tmp_path):
    code, out = validate(tmp_path / "nope")
    assert code == 1
    assert out == [f"{tmp_path / 'nope'}: --bank: no such folder; name the folder that holds the bank's sources/, claims/ "
                   "and questions/, or leave --bank out: quizgen reads the bank named by the nearest quizgen-workspace.yaml "
                   "(in the working folder or one above it), else the bank shipped with it; `quizgen init DIR` makes a "
                   "workspace"]


def test_load_bank_raises_bank_error_with_diagnostics(tmp_path):
    bank = make_bank(tmp_path, questions=QUESTIONS.replace("answer: 18", "answer: x"))
    with pytest.raises(BankError) as info:
        load_bank(bank)
    assert [d.location.field for d in info.value.diagnostics] == ["answer"]


def test_a_closed_pipe_ends_the_listing_quietly():
    # `quizgen bank list | head -1`: the reader leaves early; no traceback, no "internal error".
    import subprocess
    import sys

    proc = subprocess.Popen(
        [sys.executable, "-m", "quizgen", "bank", "list"], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    proc.stdout.readline()
    proc.stdout.close()
    stderr = proc.stderr.read().decode()
    proc.wait(timeout=60)
    assert proc.returncode in (0, 141), stderr
    assert "Traceback" not in stderr and "internal error" not in stderr, stderr


def test_libyaml_and_pure_python_read_the_bank_alike(monkeypatch):
    """The fast composer (libyaml) and PyYAML's own give the same values and lines."""
    from quizgen import yamlfile

    if yamlfile._FAST_LOADER is None:
        pytest.skip("this PyYAML was built without libyaml")
    files = sorted(REPO_BANK.rglob("*.yaml"))
    assert len(files) > 10
    fast = [yamlfile.load_yaml(f) for f in files]
    monkeypatch.setattr(yamlfile, "_FAST_LOADER", None)
    pure = [yamlfile.load_yaml(f) for f in files]
    for f, (fv, fl), (pv, pl) in zip(files, fast, pure):
        assert fv == pv, f
        assert fl.by_path == pl.by_path and fl.key_lines == pl.key_lines, f


def test_bank_list_filters_by_teaching_tag(runner):
    bank = load_bank(paths.bank_dir())
    expected = [q.id for q in bank.questions.values() if "look-it-up" in q.tags]
    result = runner.invoke(main, ["bank", "list", "--tag", "look-it-up", "--json"])
    assert result.exit_code == 0, result.output
    assert [q["id"] for q in json.loads(result.output)] == expected and expected
    listed = runner.invoke(main, ["bank", "list", "--tag", "look-it-up", "--subskill", "B3"])
    assert listed.output.splitlines()[-1] == f"{sum(bank.questions[i].subskill == 'B3' for i in expected)} questions"
    stats = json.loads(runner.invoke(main, ["bank", "stats", "--json"]).output)
    assert stats["questions_per_tag"]["look-it-up"] == len(expected)
    wrong = runner.invoke(main, ["bank", "list", "--tag", "look-up"])
    assert wrong.exit_code == 2 and "'look-up' is not one of:" in wrong.output and "look-it-up" in wrong.output


def _shipped_copy(tmp_path: Path) -> Path:
    bank = tmp_path / "mybank"
    shutil.copytree(REPO_BANK, bank, ignore=shutil.ignore_patterns("recipes"))
    return bank


def test_one_unreadable_claims_file_is_one_problem_not_one_per_citing_question(tmp_path):
    bank = _shipped_copy(tmp_path)
    claims = bank / "claims" / "naenara.yaml"
    claims.write_text("source: : :\n" + claims.read_text(encoding="utf-8"), encoding="utf-8")
    code, out = validate(bank)
    errors = [line for line in out if ": warning:" not in line]
    assert code == 1
    assert errors[0].startswith("mybank/claims/naenara.yaml:1: ")
    (summary,) = [line for line in errors if "unknown claim" in line]
    assert "unknown claim 'nae-" in summary and "more: probably in a claim file that could not be read, reported on its own line" in summary
    assert len(errors) == 3, errors  # the YAML error, the summary, the count


def test_a_source_that_fails_its_checksum_is_not_also_called_unknown(tmp_path):
    bank = _shipped_copy(tmp_path)
    text = bank / "sources" / "kcna.txt"
    text.write_text(text.read_text(encoding="utf-8").replace("a", "b", 1), encoding="utf-8")
    code, out = validate(bank)
    assert code == 1
    assert len([line for line in out if "text_sha256" in line]) == 1
    assert [line for line in out if "unknown source" in line] == [
        next(line for line in out if "unknown source" in line)]  # one line, not one per claim file and excerpt
    assert "probably in a source file that could not be read" in next(line for line in out if "unknown source" in line)


@pytest.mark.parametrize("damage", ["remove", "file", "folder-entry"])
def test_a_bank_without_question_files_is_not_valid(tmp_path, damage):
    bank = _shipped_copy(tmp_path)
    questions = bank / "questions"
    if damage == "remove":
        shutil.rmtree(questions)
    elif damage == "file":
        shutil.rmtree(questions)
        questions.write_text("not a folder")
    else:
        (questions / "extra.yaml").mkdir()
    code, out = validate(bank)
    assert code == 1
    if damage == "folder-entry":
        assert "mybank/questions/extra.yaml: is a folder, not a YAML file; remove or rename it" in out
    else:
        assert "mybank/questions: no question files (questions/*.yaml)" in out
        assert not [line for line in out if "claim.unused" in line]


def test_a_banks_own_default_recipe_is_the_default_and_validate_checks_its_recipes(tmp_path):
    from conftest import project

    bank = tmp_path / "mybank"
    shutil.copytree(project("worksheet"), bank)
    (bank / "recipes").mkdir()
    recipe = bank / "recipes" / "default.yaml"
    recipe.write_text("name: unit3\nversions: 1\nquestions:\n  - skill: corroborate\n    count: 1\n", encoding="utf-8")
    code, out = validate(bank)
    assert code == 0 and out[-1].endswith("; 1 recipe builds"), out
    result = CliRunner().invoke(main, ["build", "--bank", str(bank), "--workers", "1", "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "unit3-answer-key.pdf", "unit3-manifest.json", "unit3-worksheet.pdf"]
    # A recipe the bank cannot fill, or cannot read, fails validation, naming the file.
    recipe.write_text("name: unit3\nquestions:\n  - skill: corroborate\n    count: 90\n", encoding="utf-8")
    (bank / "recipes" / "broken.yaml").write_text("name: [broken\n", encoding="utf-8")
    code, out = validate(bank)
    assert code == 1
    assert any("recipes/broken.yaml:" in line and "invalid YAML" in line for line in out), out
    assert any("recipes/default.yaml:" in line and "asked for 90 corroborate questions" in line for line in out), out
    assert out[-1] == "2 problems in the bank's recipes (recipes/)"


def test_a_parametric_case_may_name_its_claims_from_the_questions_own(tmp_path):
    from conftest import project

    from quizgen.assemble import whole_bank

    bank = tmp_path / "mybank"
    shutil.copytree(project("worksheet"), bank)
    questions = bank / "questions" / "date-checking.yaml"
    text = questions.read_text(encoding="utf-8")
    one_case = "        - {juche: 34, written: Juche 34}\n"
    assert one_case in text
    questions.write_text(text.replace(one_case, "        - {juche: 34, written: Juche 34, claims: [mem-nosuch]}\n"), encoding="utf-8")
    code, out = validate(bank)
    assert code == 1 and any("field 'parametric.cases[1].claims': 'mem-nosuch' is not one of the question's claims "
                             "(mem-juche25, mem-war)" in line for line in out), out
    questions.write_text(text.replace(one_case, "        - {juche: 34, written: Juche 34, claims: [mem-juche25, mem-war]}\n"),
                         encoding="utf-8")
    loaded = load_bank(bank)
    printed = set()
    for seed in range(8):
        item = next(i for i in whole_bank(loaded, seed).versions[0].items if i.question.id == "dc-juche-param")
        if dict(item.question.instance)["written"] == "Juche 34":
            printed.add(item.question.claims)  # named: both, not only the one quoting "Juche 34"
            assert "claims" not in dict(item.question.instance)
    assert printed == {("mem-juche25", "mem-war")}


def test_odd_entries_in_a_banks_recipes_are_reported_not_crashed_on(tmp_path):
    """A folder named like a recipe, a link that loops, a default recipe that is a folder:
    each was an internal error, or a silent build of the shipped sampler."""
    from conftest import project

    bank = tmp_path / "mybank"
    shutil.copytree(project("worksheet"), bank)
    recipes = bank / "recipes"
    recipes.mkdir()
    (recipes / "x.yaml").mkdir()
    (recipes / "loop.yaml").symlink_to("loop.yaml")
    code, out = validate(bank)
    assert code == 1
    assert any(line.endswith("recipes/x.yaml: cannot open: is a folder, not a file") for line in out), out
    assert any("recipes/loop.yaml: cannot open:" in line for line in out), out
    shutil.rmtree(recipes / "x.yaml")
    (recipes / "loop.yaml").unlink()
    (recipes / "default.yaml").mkdir()
    result = CliRunner().invoke(main, ["build", "--bank", str(bank), "--workers", "1", "-o", str(tmp_path / "out")])
    assert result.exit_code == 1 and "default.yaml: cannot open: is a folder, not a file" in result.output
    assert not (tmp_path / "out").exists()


def test_a_broken_question_still_uses_its_claims_and_lists_each_once(tmp_path):
    questions = QUESTIONS.replace("    claims: [nae-luozigou]\n    stem: How many", "    claims: [nae-luozigou]\n    bogus: 1\n    stem: How many")
    assert questions != QUESTIONS
    result = CliRunner().invoke(main, ["bank", "validate", "--strict", "--bank", str(make_bank(tmp_path / "b", CLAIMS, questions))])
    assert result.exit_code == 1 and "claim.unused" not in result.output, result.output
    twice = QUESTIONS.replace("claims: [nae-luozigou]\n    stem: How many", "claims: [nae-luozigou, nae-luozigou]\n    stem: How many")
    code, out = validate(make_bank(tmp_path / "c", CLAIMS, twice))
    assert code == 1 and any("claim 'nae-luozigou' is listed twice" in line for line in out), out


def test_a_control_character_typed_into_a_file_is_named_with_its_line(tmp_path):
    questions = QUESTIONS.replace("How many fighters", "How many\x07 fighters")
    code, out = validate(make_bank(tmp_path, CLAIMS, questions))
    line = line_of(questions, "How many\x07")
    column = questions.split("\n")[line - 1].index("\x07") + 1
    assert code == 1 and out[0] == f"banks/questions/set.yaml:{line}:{column}: U+0007 BELL is a control character; delete it"


@pytest.mark.parametrize("damage", ["empty claims list", "source description deleted"])
def test_an_emptied_claims_file_or_a_lost_source_description_is_one_problem(tmp_path, damage):
    bank = _shipped_copy(tmp_path)
    if damage == "empty claims list":
        (bank / "claims" / "memoir.yaml").write_text("source: memoir\nclaims: []\n", encoding="utf-8")
        cause = "mybank/claims/memoir.yaml:2: field 'claims': expected a list of claims, found an empty list"
    else:
        (bank / "sources" / "memoir.yaml").unlink()
        cause = "mybank/sources/memoir.txt: has no memoir.yaml beside it (title, dates, checksum)"
    code, out = validate(bank)
    assert code == 1 and cause in out, out
    assert len([line for line in out if "unknown " in line]) <= 1, out  # one summary, not one per reference
