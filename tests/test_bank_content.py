"""The shipped bank: coverage, traceability and correctness of its content.

These tests read the bank itself; every number they assert is a floor the
product promises teachers, recomputed from the loaded bank.
"""

from __future__ import annotations

import dataclasses
import random
import re
from collections import Counter
from decimal import Decimal

import pytest

from quizgen import model, paths
from quizgen.bank import load_bank, quote_in_text
from quizgen.parametric import instantiate


@pytest.fixture(scope="module")
def bank() -> model.Bank:
    return load_bank(paths.bank_dir(), strict=True)


def test_claim_coverage(bank):
    assert len(bank.claims) >= 45
    per_source = Counter(c.source for c in bank.claims.values())
    assert set(per_source) == set(bank.sources) and len(bank.sources) == 5
    assert min(per_source.values()) >= 5, per_source


def test_question_coverage(bank):
    questions = list(bank.questions.values())
    assert len(questions) >= 90
    per_skill = Counter(q.skill for q in questions)
    assert all(per_skill[s.id] >= 30 for s in model.SKILLS), per_skill
    per_sub = Counter(q.subskill for q in questions)
    assert all(per_sub[code] >= 3 for code in model.SUBSKILLS), per_sub
    per_kind = Counter(q.kind for q in questions)
    assert all(per_kind[kind] >= 4 for kind in model.QUESTION_KINDS), per_kind
    assert sum(q.parametric is not None for q in questions) >= 8


def test_teaching_tags_coverage(bank):
    tags = Counter(t for q in bank.questions.values() for t in q.tags)
    assert tags["true-in-propaganda"] >= 6, tags
    assert tags["who-is-behind"] >= 4, tags
    assert tags["cross-source"] >= 4, tags
    assert tags["disagreement"] >= 1, tags


def test_look_it_up_questions_are_those_no_card_can_answer(bank):
    from quizgen.render.context import outside_card

    look_ups = [q for q in bank.questions.values() if model.LOOK_IT_UP in q.tags]
    assert len(look_ups) >= 4
    # A question a card can answer is not a look-up: cards are for classes without web access.
    assert not [q.id for q in look_ups if outside_card(q) is not None]


def test_who_is_behind_includes_the_kcna_article_on_a_us_site(bank):
    behind = [q for q in bank.questions.values() if "who-is-behind" in q.tags]
    assert any(bank.claims[c].source == "kcna" for q in behind for c in q.claims)


def test_disagreement_is_not_keyed_as_one_answer(bank):
    for q in bank.questions.values():
        if "disagreement" in q.tags:
            assert isinstance(q, model.OpenResponse)
            assert q.rubric.proficient and q.rubric.patterns, q.id


def test_every_quote_is_verbatim_at_its_span(bank):
    for claim in bank.claims.values():
        source = bank.sources[claim.source]
        first, last = claim.lines
        assert 1 <= first <= last <= len(source.lines), claim.id
        assert quote_in_text(claim.quote, source.text(first, last)), claim.id
        # and the span is tight: drop its first or its last line and the quote is no longer there
        if first < last:
            assert not quote_in_text(claim.quote, source.text(first + 1, last)), f"{claim.id}: span starts too early"
            assert not quote_in_text(claim.quote, source.text(first, last - 1)), f"{claim.id}: span ends too late"


JUCHE_IN_TEXT = re.compile(r"Juche\s+(\d+)\s*\((\d{4})\)")


def test_every_juche_conversion_is_right(bank):
    # Conversions the bank records …
    recorded = 0
    for claim in bank.claims.values():
        for date in claim.dates:
            if date.juche is not None:
                assert int(date.gregorian[:4]) - date.juche == 1911, (claim.id, date)
                recorded += 1
    assert recorded >= 5
    # … and the ones the sources print themselves, "Juche 25 (1936)".
    printed = [(s.id, m) for s in bank.sources.values() for m in JUCHE_IN_TEXT.finditer("\n".join(s.lines))]
    assert printed
    for sid, match in printed:
        assert int(match.group(2)) - int(match.group(1)) == 1911, (sid, match.group(0))


def _recompute(generator: str, v: dict) -> int:
    """Compute a parametric answer from first principles, independently of quizgen.parametric."""
    if generator == "juche-to-gregorian":
        assert f"Juche {v['juche']}" in " ".join(v["written"].split())
        return 1912 + (v["juche"] - 1)
    if generator == "gregorian-to-juche":
        return v["year"] - 1912 + 1
    if generator == "years-between":
        return v["second_year"] - v["first_year"]
    if generator == "start-year":
        assert str(v["duration"]) in v["written"]
        return v["end_year"] - v["duration"]
    if generator == "anniversary-year":
        return v["start_year"] + v["nth"]
    if generator == "days-between":
        from datetime import date

        y1, m1, d1 = map(int, v["first_date"].split("-"))
        y2, m2, d2 = map(int, v["second_date"].split("-"))
        return (date(y2, m2, d2) - date(y1, m1, d1)).days
    raise AssertionError(f"no independent check for generator {generator}")


def test_parametric_questions_stay_correct_under_200_seeds(bank):
    parametric = [q for q in bank.questions.values() if q.parametric is not None]
    assert len(parametric) >= 8
    for question in parametric:
        seen_cases = set()
        for seed in range(200):
            concrete = instantiate(question, random.Random(seed))
            values = dict(concrete.instance)
            expected = _recompute(question.parametric.generator, values)
            seen_cases.add(tuple(sorted((k, str(v)) for k, v in values.items())))
            if isinstance(concrete, model.Numeric):
                assert concrete.answer == Decimal(expected), (question.id, seed)
            else:
                correct = [c.text for c in concrete.choices if c.correct]
                assert correct == [str(expected)], (question.id, seed)
                assert len({c.text for c in concrete.choices}) == len(concrete.choices) >= 3
            assert "{" not in concrete.stem and "{" not in concrete.explanation, question.id
        # a parametric question must actually vary between seeds
        assert len(seen_cases) >= 2, f"{question.id} gives the same instance for every seed"


def test_every_question_cites_a_claim_and_every_claim_is_used(bank):
    used = set()
    for q in bank.questions.values():
        assert q.claims, q.id
        used.update(q.claims)
    assert set(bank.claims) <= used, sorted(set(bank.claims) - used)


def test_verdicts_have_references(bank):
    for claim in bank.claims.values():
        if claim.verdict != "opinion-loaded":
            assert claim.references, claim.id
            for ref in claim.references:
                assert ref.author.strip() and ref.title.strip() and ref.says.strip(), claim.id


#: Outside facts that many notes lean on, and the word that shows a
#: reference backs each: a note that states one must cite it on its own claim
#: (opinion-loaded ones too), since the key prints a claim's references
#: beside its note and nowhere else.
OUTSIDE_FACTS = {
    "88th": "88th",            # Kim's unit, the Red Army's 88th Brigade, saw no combat
    "atomic bomb": "atomic",   # Japan surrendered after the bombings and the Soviet entry
    "late 1940s": "late 1940s",  # the label "KPRA" is first attested then
    "1997": "1997",            # the Juche calendar was adopted then
    "1955": "1955",            # Juche first named as a political idea
}


def test_notes_cite_the_outside_facts_they_state(bank):
    missing = []
    for claim in bank.claims.values():
        cited = " ".join(f"{r.title} {r.says}" for r in claim.references)
        for fact, shown_by in OUTSIDE_FACTS.items():
            if fact in claim.verdict_note and shown_by not in cited:
                missing.append(f"{claim.id}: note says {fact!r}, no reference does")
    assert not missing, "\n".join(missing)


def test_every_question_has_an_explanation_difficulty_and_band(bank):
    for q in bank.questions.values():
        assert len(q.explanation.split()) >= 6, q.id
        assert 1 <= q.difficulty <= 3 and q.grade_band in model.GRADE_BANDS, q.id


def test_corroborate_questions_name_the_outside_source(bank):
    for q in bank.questions.values():
        if q.skill == "corroborate":
            assert q.outside_source and q.outside_source.kind and q.outside_source.says, q.id


def test_open_responses_have_three_level_rubrics_with_named_patterns(bank):
    for q in bank.questions.values():
        if isinstance(q, model.OpenResponse):
            r = q.rubric
            assert r.proficient and r.emergent and r.basic, q.id
            assert r.patterns, f"{q.id}: name the half-right answers a teacher will meet"


def test_true_in_propaganda_questions_key_the_source_as_right(bank):
    for q in bank.questions.values():
        if "true-in-propaganda" in q.tags:
            verdicts = {bank.claims[c].verdict for c in q.claims}
            assert verdicts & {"corroborated", "partly-corroborated"}, q.id


def test_mark_the_words_answers_are_in_the_passage(bank):
    for q in bank.questions.values():
        if isinstance(q, model.MarkTheWords):
            for phrase in q.answers:
                assert phrase in q.passage, (q.id, phrase)


def test_the_teacher_guide_shows_real_bank_entries():
    """The examples in banks/README.md are copies of entries in the bank, so they cannot drift."""
    import yaml

    bank_dir = paths.bank_dir()
    entries = {}
    for path in list(bank_dir.glob("claims/*.yaml")) + list(bank_dir.glob("questions/*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for entry in data.get("claims") or data.get("questions") or []:
            entries[entry["id"]] = entry
    guide = (bank_dir / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```yaml\n(.*?)```", guide, flags=re.S)
    shown = [e for block in blocks for key in ("claims", "questions") for e in (yaml.safe_load(block).get(key) or [])]
    assert len(shown) >= 2
    for example in shown:
        assert example == entries.get(example["id"]), f"banks/README.md shows {example['id']} unlike the bank"


def test_what_students_read_never_says_excerpt(bank):
    """A worksheet built without excerpts (--no-excerpts) points to lines of the source texts
    handed out instead, so a stem or choice speaking of "this excerpt" would point at nothing."""
    import re

    said = []
    for question in bank.questions.values():
        texts = [question.stem, *(c.text for c in getattr(question, "choices", ()))]
        said += [question.id for text in texts if re.search(r"\bexcerpts?\b", text, re.IGNORECASE)]
    assert said == []


def test_a_parametric_case_prints_only_the_passages_it_quotes(bank):
    """A case quoting "Juche 25" prints the line that says Juche 25, not the claim's other line."""
    from quizgen.assemble import whole_bank
    from quizgen.parametric import GENERATORS

    cases = set()
    for seed in range(12):
        for item in whole_bank(bank, seed).versions[0].items:
            values = dict(item.question.instance)
            quoted = [f for f in GENERATORS[bank.questions[item.question.id].parametric.generator].quoted] if values else []
            for field in quoted:
                cases.add((item.question.id, values[field]))
                for excerpt in item.excerpts:
                    assert str(values[field]) in " ".join(excerpt.lines), (item.question.id, values, excerpt.first)
    assert len(cases) >= 7  # resq-juche-year and -choice: Juche 25, 26, 34; memq-juche-param: 32, 33


def _prose(record) -> list[str]:
    """Every string a claim or question holds, its fields walked recursively, ids left out."""
    out = []

    def walk(value, name=""):
        if isinstance(value, str):
            if name not in ("id", "claims", "source", "url", "quote"):
                out.append(value)
        elif dataclasses.is_dataclass(value):
            for field in dataclasses.fields(value):
                walk(getattr(value, field.name), field.name)
        elif isinstance(value, dict):
            for key, item in value.items():
                walk(item, str(key))
        elif isinstance(value, (list, tuple)):
            for item in value:
                walk(item, name)

    walk(record)
    return out


def test_prose_never_shows_a_claim_id(bank):
    """Teachers and students read notes and explanations; a code like "nae-under-his-leadership" means nothing to them."""
    ids = re.compile(r"\b(?:%s)\b" % "|".join(re.escape(c) for c in bank.claims))
    found = [(r.id, m.group()) for r in [*bank.claims.values(), *bank.questions.values()]
             for text in _prose(r) for m in ids.finditer(text)]
    assert found == []


def test_the_memoir_is_never_called_kims_own(bank):
    """Who wrote With the Century is disputed, and volume 8 came out after Kim's death (dossier
    §2.1): the bank says "the memoir published under his name", never that it is his own account."""
    own = re.compile(r"\b(?:own (?:memoir|reminiscences|account)|Kim(?: Il Sung)?'s (?:song|memoir|reminiscences))\b",
                     re.IGNORECASE)
    found = [(r.id, m.group()) for r in [*bank.claims.values(), *bank.questions.values(), *bank.sources.values()]
             for text in _prose(r) for m in own.finditer(text)
             if not re.search(r"(presented as|calls itself) $", text[: m.start()])]  # what the book claims to be
    assert found == []


def test_prose_uses_typographic_double_quotes(bank):
    """Stems, choices, notes and explanations print “curly” quotes throughout; a sheet mixing
    them with straight ones looked careless. Quoted source text (quotes, passages, answers to
    match against it) keeps the source's own marks."""
    verbatim = {"passage", "answers", "title", "author", "instance"}
    straight = []
    for record in [*bank.claims.values(), *bank.questions.values()]:
        fields = {f.name: getattr(record, f.name) for f in dataclasses.fields(record) if f.name not in verbatim}
        straight += [record.id for text in _prose(fields) if '"' in text]
    assert straight == []


def test_every_parametric_case_prints_passages_about_its_own_dates(bank):
    """Each case of a question with several claims prints only the lines it is about: the claims it
    names, or those whose lines give its quoted text or one of its dates. A box of other lines sat
    under a day count whose dates it never mentions."""
    from quizgen.assemble import case_claims, case_dates, excerpts_of
    from quizgen.parametric import CASE_CLAIMS, GENERATORS

    for question in bank.questions.values():
        spec = question.parametric
        if spec is None or len(question.claims) == 1:
            continue
        for case in spec.cases:
            chosen = case_claims(bank, question, case)
            assert set(chosen) <= set(question.claims), (question.id, case)
            if CASE_CLAIMS in case:
                continue
            wanted = {str(case[f]) for f in GENERATORS[spec.generator].quoted} or case_dates(case)
            for claim in chosen:
                text = " ".join(line for e in excerpts_of(bank, dataclasses.replace(question, claims=(claim,))) for line in e.lines)
                assert any(w in text for w in wanted), (question.id, case, claim)


def test_no_drawn_count_offers_the_inclusive_or_exclusive_count_as_wrong(bank):
    """A day or year count is keyed as a difference; a student who counts both ends (or neither) must
    not find that number among the wrong choices (issue 22: broq-days-param offered answer + 1)."""
    from quizgen.bankrules import COUNTING_RULE
    from quizgen.parametric import COUNTING

    counts = [q for q in bank.questions.values() if q.parametric and q.parametric.generator in COUNTING
              and isinstance(q, model.SingleChoice)]
    assert counts
    for question in counts:
        for seed in range(60):
            concrete = instantiate(question, random.Random(seed))
            answer = int(next(c.text for c in concrete.choices if c.correct))
            wrong = {int(c.text) for c in concrete.choices if not c.correct}
            assert not wrong & {answer - 1, answer + 1}, (question.id, seed)
            assert COUNTING_RULE.search(concrete.stem), question.id  # and it says how to count
