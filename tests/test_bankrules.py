"""The bank's content rules (quizgen/bankrules.py): each catches a kind of slip.

Every test copies the small bank in tests/projects/bankrules (which passes
``bank validate --strict``), puts back one slip of the kind the issue-22
review found in the shipped bank, and checks that the rule reports it with
file, line, field and rule code, that ``--strict`` fails on it, and that a
plain ``validate`` still passes (the rules warn; they do not block a build).
"""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from quizgen import bankrules, parametric
from quizgen.bank import check_bank, load_bank
from quizgen.cli import main

from conftest import project

QUESTIONS = "questions/set.yaml"
CLAIMS = "claims/naenara.yaml"


def slipped(tmp_path: Path, file: str, old: str, new: str) -> Path:
    """Return a copy of the bankrules project with ``old`` replaced by ``new`` once in ``file``."""
    bank = tmp_path / "bank"
    shutil.copytree(project("bankrules"), bank)
    path = bank / file
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} is not once in {file}"
    path.write_text(text.replace(old, new), encoding="utf-8")
    return bank


def validate(bank: Path, *options: str) -> tuple[int, list[str]]:
    result = CliRunner().invoke(main, ["bank", "validate", "--bank", str(bank), *options])
    return result.exit_code, result.output.splitlines()


def line_of(bank: Path, file: str, record: str, key: str) -> int:
    """Return the line of the first ``key`` (e.g. "explanation:") at or after the line of ``record``."""
    lines = (bank / file).read_text(encoding="utf-8").splitlines()
    start = next(n for n, line in enumerate(lines) if record in line)
    return next(n for n in range(start, len(lines)) if lines[n].strip().startswith(key)) + 1


def reported(bank: Path, file: str, at: tuple[str, str], subject: str, field: str, rule: str) -> str:
    """Return the warning the rule gives at ``at`` (record, key line), after checking that --strict fails
    on it and a plain validate does not."""
    code, out = validate(bank, "--strict")
    assert code != 0, out
    where = f"bank/{file}:{line_of(bank, file, *at)}: warning: {subject}: field '{field}': "
    found = [line for line in out if line.startswith(where) and line.endswith(f"[{rule}]")]
    assert len(found) == 1, "\n".join(out)
    plain, _ = validate(bank)
    assert plain == 0  # a warning, not an error: the bank still builds
    return found[0]


def test_the_small_bank_passes_every_rule():
    code, out = validate(project("bankrules"), "--strict")
    assert code == 0, out
    assert out[-1] == "bank is valid: 1 sources, 3 claims, 5 questions"


def test_the_shipped_bank_passes_every_rule():
    bank, checker = check_bank(Path(__file__).resolve().parents[1] / "banks")
    assert bank is not None
    assert [d.format() for d in checker.diagnostics] == []


# --------------------------------------------------------------------------
# quote.unsourced


def test_a_paraphrase_in_quotation_marks_is_caught(tmp_path):
    # As "tales spread" stood for "legendary tales … spread", and "low opinion" for "did not have a high opinion".
    bank = slipped(tmp_path, QUESTIONS, "“20-year-long\n      … war”", "“20-year war”")
    line = reported(bank, QUESTIONS, ("id: q-quote", "explanation:"), "question q-quote", "explanation", "quote.unsourced")
    assert "“20-year war”" in line and "quoted_terms" in line


def test_a_quote_missing_from_every_source_is_caught_in_choices_and_feedback(tmp_path):
    bank = slipped(tmp_path, QUESTIONS, "“collapsed around 1940”", "“fell apart around 1940”")
    reported(bank, QUESTIONS, ("id: q-quote", "feedback: Outside"), "question q-quote", "choices[0].feedback", "quote.unsourced")


def test_what_a_reference_quotes_counts_only_for_questions_on_its_claim(tmp_path):
    # The quote stands in a reference of nae-twenty-years; moved to a question on another claim, it is unsourced.
    bank = slipped(tmp_path, QUESTIONS, "explanation: 16 days to the end of August and 2 in September make 18.",
                   "explanation: 16 days to the end of August and 2 in September make 18, long after resistance “collapsed around 1940”.")
    reported(bank, QUESTIONS, ("id: q-days", "explanation:"), "question q-days", "explanation", "quote.unsourced")


def test_words_a_student_might_write_must_be_declared(tmp_path):
    bank = slipped(tmp_path, QUESTIONS, '    quoted_terms: ["it must be true, it is so precise"]\n', "")
    reported(bank, QUESTIONS, ("id: q-quote", "feedback: A student"), "question q-quote", "choices[1].feedback", "quote.unsourced")


def test_a_declared_term_never_quoted_is_reported(tmp_path):
    bank = slipped(tmp_path, QUESTIONS, '["it must be true, it is so precise"]', '["it must be true, it is so precise", "never used"]')
    line = reported(bank, QUESTIONS, ("id: q-quote", "quoted_terms:"), "question q-quote", "quoted_terms", "quote.unsourced")
    assert "never put in quotation marks" in line


def test_a_paraphrase_in_straight_quotation_marks_is_caught_too(tmp_path):
    # A teacher's keyboard types " rather than “ ”: the marks still say the words are quoted.
    bank = slipped(tmp_path, QUESTIONS, "“20-year-long\n      … war”", '"20-year war"')
    line = reported(bank, QUESTIONS, ("id: q-quote", "explanation:"), "question q-quote", "explanation", "quote.unsourced")
    assert "“20-year war”" in line
    bank = slipped(tmp_path / "ok", QUESTIONS, "“20-year-long\n      … war”", '"20-year-long … war"')
    assert validate(bank, "--strict")[0] == 0


def test_straight_quotation_marks_pair_in_order():
    assert bankrules.quote_spans('a "one" b "two, three" c') == ["one", "two, three"]
    assert bankrules.quote_spans('“outer "inner" outer”') == ["inner", 'outer "inner" outer']
    assert bankrules.quote_spans('an unmatched " mark') == []


def test_claim_notes_are_checked_too(tmp_path):
    bank = slipped(tmp_path, CLAIMS, "the day Korea marks as\n      liberation", "the day Korea marks as\n      “the day of liberation”")
    reported(bank, CLAIMS, ("id: nae-liberation", "verdict_note:"), "claim nae-liberation", "verdict_note", "quote.unsourced")


def test_quote_spans_nest_and_allow_the_usual_liberties():
    assert bankrules.quote_spans("says “regarded Korea as the “second theatre,” deployed” here") == [
        "second theatre,", "regarded Korea as the “second theatre,” deployed"]
    bank = load_bank(project("bankrules"))
    sources = bankrules._SourceTexts(bank)
    nothing = bankrules._reference_quotes(())
    ok = lambda span: bankrules.is_quotation(span, sources, nothing)  # noqa: E731
    assert ok("Immortal exploits")                        # first letter's case
    assert ok("the long bloody anti-Japanese war shine,")  # a comma inside the closing mark
    assert ok("immortal exploits … prosperous socialist Korea")  # a gap marked with …
    assert ok("More From Naenara (En)")                   # chrome removed from the text, kept in the source's record
    assert not ok("immortal deeds")
    assert not ok("the long bloody anti-Japanese war shines")


# --------------------------------------------------------------------------
# count.rule


def test_a_day_count_without_a_counting_rule_is_caught(tmp_path):
    # As broq-days-param asked "How many days passed from … to …?" and keyed only the difference.
    bank = slipped(tmp_path, QUESTIONS, " Do not count the first day: from the 1st to the 2nd\n      of a month is 1 day.\n    answer: 18",
                   "\n    answer: 18")
    reported(bank, QUESTIONS, ("id: q-days", "stem:"), "question q-days", "stem", "count.rule")


def test_a_start_year_without_a_counting_rule_is_caught(tmp_path):
    # As naeq-twenty-year-start keyed 1925 when 1926 to 1945 is twenty years counted both ends.
    bank = slipped(tmp_path, QUESTIONS, " (Subtract the 20 years from 1945.)", "")
    line = reported(bank, QUESTIONS, ("id: q-start", "stem:"), "question q-start", "stem", "count.rule")
    assert "tolerance of 1" in line


def test_a_tolerance_accepting_both_counts_is_enough(tmp_path):
    bank = slipped(tmp_path, QUESTIONS, " (Subtract the 20 years from 1945.)\n    answer: 1925",
                   "\n    answer: 1925.5\n    tolerance: 0.5")
    assert validate(bank, "--strict")[0] == 0


def test_a_parametric_count_without_a_counting_rule_is_caught(tmp_path):
    bank = slipped(tmp_path, QUESTIONS, "? Do not\n      count the first day: from the 1st to the 2nd of a month is 1 day.", "?")
    line = reported(bank, QUESTIONS, ("id: q-days-param", "stem:"), "question q-days-param", "stem", "count.rule")
    assert "tolerance" not in line  # a parametric question cannot declare one


def test_a_stem_that_counts_both_ends_contradicts_the_generator(tmp_path):
    bank = slipped(tmp_path, QUESTIONS, "Do not\n      count the first day: from the 1st to the 2nd of a month is 1 day.",
                   "Count both\n      the first and the last day.")
    line = reported(bank, QUESTIONS, ("id: q-days-param", "stem:"), "question q-days-param", "stem", "count.rule")
    assert "keys the difference" in line


# --------------------------------------------------------------------------
# mark.note


def test_a_phrase_the_note_credits_either_way_must_be_optional(tmp_path):
    # As memq-mark-fascist required "fascist forces" while its note credited leaving "fascist" unmarked.
    bank = slipped(tmp_path, QUESTIONS, "answers: [immortal, long-cherished desire of the nation, shine, prosperous]\n    optional: [bloody]",
                   "answers: [immortal, long-cherished desire of the nation, bloody, shine, prosperous]")
    reported(bank, QUESTIONS, ("id: q-mark", "answers:"), "question q-mark", "answers", "mark.note")


def test_an_incomplete_list_of_phrases_to_leave_unmarked_is_caught(tmp_path):
    # As kcnaq-mark-counterrevolutionary exempted "puppet Manchukuo" but not the unkeyed "remnants of the defeated Japanese army".
    bank = slipped(tmp_path, QUESTIONS, "Leave “anti-Japanese\n      war” unmarked: it names the war.",
                   "Leave “Kim Il Sung”\n      unmarked: it is a name.")
    line = reported(bank, QUESTIONS, ("id: q-mark", "stem:"), "question q-mark", "stem", "mark.note")
    assert "“anti-Japanese war”" in line


def test_a_phrase_the_stem_exempts_must_not_be_keyed(tmp_path):
    bank = slipped(tmp_path, QUESTIONS, "Leave “anti-Japanese\n      war” unmarked", "Leave “shine”\n      unmarked")
    code, out = validate(bank, "--strict")
    assert code != 0
    assert any("the stem says to leave “shine” unmarked, but the key marks it [mark.note]" in line for line in out), out


def test_the_number_of_words_the_stem_asks_for_is_the_number_keyed(tmp_path):
    bank = slipped(tmp_path, QUESTIONS, "Mark the words in this sentence", "Mark the three words in this sentence")
    line = reported(bank, QUESTIONS, ("id: q-mark", "answers:"), "question q-mark", "answers", "mark.note")
    assert "three words" in line and "requires 4" in line


def test_an_optional_phrase_must_be_in_the_passage_and_not_also_required(tmp_path):
    bank = slipped(tmp_path, QUESTIONS, "optional: [bloody]", "optional: [bloody, gory, shine]")
    code, out = validate(bank)
    assert code != 0
    assert any("field 'optional[1]': 'gory' does not appear in the passage" in line for line in out), out
    assert any("'shine' is also in answers; a phrase is either required or optional" in line for line in out), out


# --------------------------------------------------------------------------
# param.alternative


def test_a_generator_offering_the_inclusive_count_as_wrong_is_caught(monkeypatch, tmp_path):
    # The days-between generator offered answer - 1 and answer + 1 as wrong choices (broq-days-param).
    old = parametric.GENERATORS["days-between"]
    monkeypatch.setitem(parametric.GENERATORS, "days-between",
                        dataclasses.replace(old, distractors=lambda c, a: [a - 1, a + 1, a + 7]))
    bank = project("bankrules")
    found = [f for f in bankrules.check(load_bank(bank)) if f.rule == "param.alternative"]
    assert [(f.ident, f.field) for f in found] == [("q-days-param", ("parametric", "cases", 0)), ("q-days-param", ("parametric", "cases", 1))]
    assert "offers 5, 7 as a wrong choice" in found[0].message
    code, out = validate(bank, "--strict")
    assert code != 0 and any(line.endswith("[param.alternative]") for line in out), out


@pytest.mark.parametrize("generator", sorted(parametric.COUNTING))
def test_no_counting_generator_offers_one_more_or_one_less(generator):
    spec = parametric.GENERATORS[generator]
    cases = {
        "years-between": [{"first_event": "a", "first_year": y, "second_event": "b", "second_year": y + n}
                          for y in (1905, 1936) for n in range(1, 80)],
        "days-between": [{"first_event": "a", "first_date": "1945-08-09", "second_event": "b", "second_date": d}
                         for d in ("1945-08-10", "1945-08-11", "1945-08-15", "1945-09-02", "1945-09-19", "1946-08-09")],
        "start-year": [{"duration": n, "end_year": 1945, "written": f"{n}-year"} for n in range(1, 120)],
    }[generator]
    for case in cases:
        answer = spec.answer(case)
        wrong = parametric.distractors(spec, case, answer)
        assert len(wrong) == 3 and answer not in wrong, case
        assert not set(wrong) & set(parametric.alternatives(spec, case, answer)), case
