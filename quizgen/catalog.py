"""Read-only views of a loaded bank: filter, count, and dump as JSON-ready data."""

from __future__ import annotations

import dataclasses
from collections import Counter
from decimal import Decimal

from quizgen import model


@dataclasses.dataclass(frozen=True)
class QuestionFilter:
    """What `quizgen bank list` and `bank show` filter on: a recipe line's filters, and two more."""

    #: Skill or sub-skill, kinds, sources and difficulty, as a recipe line gives them (empty: any).
    line: model.Selection = model.Selection("", 0)
    #: The class's grade band: questions written for it or younger, as in a recipe.
    grade_band: str | None = None
    #: As a recipe's ``cards: true``: leave out questions that need a look-up.
    cards: bool = False
    subskill: str = ""
    tag: str = ""


def sources_of(bank: model.Bank, question: model.Question) -> tuple[str, ...]:
    """Return the ids of the sources a question draws on (claims and extra excerpts), in order."""
    ids = [bank.claims[c].source for c in question.claims if c in bank.claims]
    ids += [sid for sid, _, _ in question.excerpts]
    return tuple(dict.fromkeys(ids))


def matches(bank: model.Bank, question: model.Question, selection: model.Selection, grade_band: str | None) -> bool:
    """Return whether ``question`` passes every filter of a recipe line (an empty skill: any skill)."""
    if selection.skill in model.SUBSKILLS:
        if question.subskill != selection.skill:
            return False
    elif selection.skill and question.skill != selection.skill:
        return False
    if selection.kinds and question.kind not in selection.kinds:
        return False
    low, high = selection.difficulty
    if not low <= question.difficulty <= high:
        return False
    # A class's band takes questions written for it or for younger students, never older ones.
    if grade_band and model.GRADE_BANDS.index(question.grade_band) > model.GRADE_BANDS.index(grade_band):
        return False
    if selection.sources and not set(sources_of(bank, question)) & set(selection.sources):
        return False
    return True


def select(bank: model.Bank, flt: QuestionFilter) -> list[model.Question]:
    """Return the questions that pass the filter, in bank order."""
    out = []
    for q in bank.questions.values():
        if not matches(bank, q, flt.line, flt.grade_band):
            continue
        if flt.cards and model.LOOK_IT_UP in q.tags:
            continue
        if flt.subskill and q.subskill != flt.subskill:
            continue
        if flt.tag and flt.tag not in q.tags:
            continue
        out.append(q)
    return out


def list_rows(bank: model.Bank, questions: list[model.Question]) -> list[dict]:
    """Return one flat row per question for `quizgen bank list` (text and CSV): its facts and whole stem."""
    return [{
        "id": q.id,
        "skill": q.skill,
        "subskill": q.subskill,
        "kind": q.kind,
        "difficulty": q.difficulty,
        "grade_band": q.grade_band,
        "points": q.points,
        "sources": ",".join(sources_of(bank, q)),
        "tags": ",".join(q.tags),
        "parametric": q.parametric is not None,
        "stem": " ".join(q.stem.split()),
    } for q in questions]


def stats(bank: model.Bank) -> dict:
    """Return counts per skill, sub-skill, kind, source, difficulty and verdict."""
    questions = list(bank.questions.values())
    per_source_q: Counter = Counter()
    for q in questions:
        per_source_q.update(sources_of(bank, q))
    return {
        "sources": len(bank.sources),
        "claims": len(bank.claims),
        "questions": len(questions),
        "parametric": sum(q.parametric is not None for q in questions),
        "questions_per_skill": _ordered(Counter(q.skill for q in questions), [s.id for s in model.SKILLS]),
        "questions_per_subskill": _ordered(Counter(q.subskill for q in questions), list(model.SUBSKILLS)),
        "questions_per_kind": _ordered(Counter(q.kind for q in questions), list(model.QUESTION_KINDS)),
        "questions_per_source": _ordered(per_source_q, list(bank.sources)),
        "questions_per_difficulty": _ordered(Counter(q.difficulty for q in questions), [1, 2, 3]),
        "questions_per_grade_band": _ordered(Counter(q.grade_band for q in questions), list(model.GRADE_BANDS)),
        "questions_per_tag": _ordered(Counter(t for q in questions for t in q.tags), list(model.QUESTION_TAGS)),
        "claims_per_source": _ordered(Counter(c.source for c in bank.claims.values()), list(bank.sources)),
        "claims_per_verdict": _ordered(Counter(c.verdict for c in bank.claims.values()), list(model.VERDICTS)),
        "claims_per_kind": _ordered(Counter(c.kind for c in bank.claims.values()), list(model.CLAIM_KINDS)),
    }


def _ordered(counter: Counter, order: list) -> dict:
    return {str(key): counter.get(key, 0) for key in order}


def plain(value):
    """Return ``value`` (model objects included) as JSON-ready data."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        out = {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
        if isinstance(value, model.Question):
            out = {"kind": value.kind, **out}
        return out
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def dump(bank: model.Bank) -> dict:
    """Return the whole bank (sources' metadata, claims, questions) as one JSON-ready mapping."""
    sources = {}
    for sid, source in bank.sources.items():
        data = plain(source)
        data["line_count"] = len(source.lines)
        del data["lines"]
        sources[sid] = data
    return {
        "format": "quizgen-bank/1",
        "skills": plain(model.SKILLS),
        "sources": sources,
        "claims": plain(bank.claims),
        "questions": plain(bank.questions),
    }
