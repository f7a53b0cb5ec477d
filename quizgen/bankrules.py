"""Content rules for the bank: each catches a kind of slip, not one instance of it.

The bank loader (quizgen.bank) checks that records are well formed and point at
each other; these rules read the built Bank and ask whether what a student or
teacher reads is honest and markable:

``quote.unsourced``
    Words in quotation marks (“curly” or "straight") are a quotation: verbatim in a source (its cleaned
    text or its record), or in the quoted words or title of an outside reference
    that the question's claims cite. Anything else put in quotation marks (a
    term, a label, a title, words a student might write) is declared in the
    record's ``quoted_terms``, so a paraphrase cannot pass as a quotation.
``count.rule``
    A question that counts years, months or days (how many between two dates,
    which start year a duration implies, how old) says how to count in its stem
    ("Subtract …", "Do not count the first day"), or, if it is numeric, accepts
    both the inclusive and the exclusive count (its tolerance takes in two whole numbers).
``mark.note``
    A mark-the-words key agrees with its stem and notes: a phrase the stem says
    to leave unmarked is not keyed; a phrase the explanation or teacher note
    credits either way is ``optional``; and a passage phrase they discuss but the
    key leaves out is one the stem tells students to leave unmarked.
``param.alternative``
    A parametric question never offers, as a wrong choice, a number that a usual
    alternative way of counting makes right (see quizgen.parametric.alternatives).

Every finding is a warning: the worksheet still builds, and ``quizgen bank
validate --strict`` fails on it.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Iterator

from quizgen import model
from quizgen.quotecheck import QUOTE_GAP, quote_in_spaced, quote_in_text, spaced
from quizgen.parametric import COUNTING, GENERATORS, alternatives, case_values, distractors, fill

OPEN, CLOSE = "“", "”"
#: A straight double quote: what most keyboards type for both marks. Its pairs are quotations too.
STRAIGHT = '"'

#: Trailing punctuation that may sit inside the closing mark (“…war,”) without being quoted.
_TRAILING = ".,;:!?"


@dataclass(frozen=True)
class Finding:
    """One rule broken by one record: where (record id, field path) and what is wrong."""

    record: str  # "question" or "claim"
    ident: str
    field: tuple  # path inside the record, e.g. ("choices", 2, "feedback")
    message: str
    rule: str

    def text(self) -> str:
        """Return the message with its rule code, as the bank check prints it."""
        return f"{self.message} [{self.rule}]"


def check(bank: model.Bank) -> list[Finding]:
    """Return every finding of every rule on ``bank``."""
    out: list[Finding] = []
    sources = _SourceTexts(bank)
    for claim in bank.claims.values():
        out += quoted_spans(claim, "claim", _claim_prose(claim), sources, _reference_quotes(claim.references))
    for question in bank.questions.values():
        cited = [r for c in question.claims if c in bank.claims for r in bank.claims[c].references]
        out += quoted_spans(question, "question", _question_prose(question), sources, _reference_quotes(cited))
        out += counting_rule(question)
        out += parametric_alternatives(question)
        if isinstance(question, model.MarkTheWords):
            out += mark_the_words_notes(question)
    return out


# --------------------------------------------------------------------------
# Quotation marks


def quote_spans(text: str) -> list[str]:
    """Return the text inside each pair of double quotes, inner pairs included.

    “Curly” pairs nest (“… the “second theatre of decisive battle,” …”);
    "straight" marks, which cannot say whether they open or close, pair in
    order of reading. An unmatched mark is left alone (another test keeps the
    shipped bank's pairs balanced).
    """
    if OPEN not in text and STRAIGHT not in text:
        return []  # most prose quotes nothing; the loop below is the slow part of the bank check
    spans, opened, straight = [], [], None
    for at, char in enumerate(text):
        if char == OPEN:
            opened.append(at)
        elif char == CLOSE and opened:
            start = opened.pop()
            spans.append(text[start + 1 : at])
        elif char == STRAIGHT:
            if straight is None:
                straight = at
            else:
                spans.append(text[straight + 1 : at])
                straight = None
    return spans


class _SourceTexts:
    """Each source's cleaned text and its record (title, origin, notes, what was removed as chrome)."""

    def __init__(self, bank: model.Bank):
        self.texts = []
        for source in bank.sources.values():
            record = [source.title, source.outlet, source.publisher, source.origin, source.notes, source.dates.notes]
            record += [r.before for r in source.repairs]
            self.texts += [spaced(text) for text in ("\n".join(source.lines), *record)]  # once, not per quote

    def holds(self, span: str) -> bool:
        return quote_in_spaced(span, self.texts)


@dataclass(frozen=True)
class _Quoted:
    """What the outside references of a record quote: words in quotation marks in what they say, and titles."""

    says: tuple[str, ...]
    titles: tuple[str, ...]  # lower-cased: a title's capitals are house style, not words

    def holds(self, span: str) -> bool:
        return any(quote_in_text(span, quoted) for quoted in self.says) or any(
            quote_in_text(span.casefold(), title) for title in self.titles)


def _reference_quotes(references) -> _Quoted:
    return _Quoted(tuple(q for ref in references for q in quote_spans(ref.says)),
                   tuple(ref.title.casefold() for ref in references))


def _variants(span: str) -> Iterator[str]:
    """Yield the forms a quotation may take: as written, with punctuation before the closing mark dropped,
    without a leading or trailing ellipsis, and with its first letter's case changed (a quote that opens
    a sentence)."""
    seen = set()
    for form in (span, span.rstrip(_TRAILING)):
        form = form.strip()
        form = form.removeprefix("…").removesuffix("…").strip()
        for variant in (form, form[:1].swapcase() + form[1:]):
            if variant and variant not in seen:
                seen.add(variant)
                yield variant


def is_quotation(span: str, sources: _SourceTexts, quoted: _Quoted) -> bool:
    """Return whether ``span`` stands verbatim in a source, or in what a cited reference quotes or is titled."""
    return any(sources.holds(form) or quoted.holds(form) for form in _variants(span))


def quoted_spans(record, kind: str, prose: list[tuple[tuple, str]], sources: _SourceTexts, quoted: _Quoted) -> list[Finding]:
    """Rule quote.unsourced: every quoted span is a quotation, a verdict label or a declared term."""
    declared = {" ".join(t.split()).casefold() for t in record.quoted_terms}
    labels = {v.casefold() for v in model.VERDICT_LABELS.values()}
    out, used = [], set()
    for field, text in prose:
        for span in quote_spans(text):
            flat = " ".join(span.split())
            key = flat.rstrip(_TRAILING).casefold()
            if key in declared or flat.casefold() in declared:
                used.add(key if key in declared else flat.casefold())
                continue
            if key in labels or is_quotation(flat, sources, quoted):
                continue
            out.append(Finding(kind, record.id, field, (
                f"“{_short(flat)}” is in quotation marks but is in no source, nor in what a cited reference quotes: "
                "quote exactly (join parts with ' … '), drop the marks, or declare it in quoted_terms "
                "(a term, label, title or words a student might write)"), "quote.unsourced"))
    for term in record.quoted_terms:
        if " ".join(term.split()).casefold() not in used:
            out.append(Finding(kind, record.id, ("quoted_terms",), (
                f"“{_short(term)}” is declared but never put in quotation marks in this {kind}; remove it"),
                "quote.unsourced"))
    return out


def _short(text: str, limit: int = 70) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _question_prose(q: model.Question) -> list[tuple[tuple, str]]:
    """Return (field path, text) for everything a student or teacher reads in a question, cases filled in."""
    out = [(("stem",), q.stem), (("explanation",), q.explanation), (("teacher_note",), q.teacher_note)]
    if q.outside_source:
        out.append((("outside_source", "says"), q.outside_source.says))
    for i, choice in enumerate(getattr(q, "choices", ())):
        out += [(("choices", i, "text"), choice.text), (("choices", i, "feedback"), choice.feedback)]
    if isinstance(q, model.OpenResponse):
        for level in ("proficient", "emergent", "basic"):
            out.append((("rubric", level), getattr(q.rubric, level)))
        for i, pattern in enumerate(q.rubric.patterns):
            out += [(("rubric", "patterns", i, "name"), pattern.name), (("rubric", "patterns", i, "description"), pattern.description)]
        out.append((("model_answer",), q.model_answer))
    if q.parametric is None:
        return out
    # A placeholder such as “{written}” is quoted once per case, filled with that case's values.
    generator = GENERATORS[q.parametric.generator]
    filled = []
    for case in q.parametric.cases:
        values = case_values(generator, case)
        filled += [(field, fill(text, values)) for field, text in out]
    return list(dict.fromkeys(filled))


def _claim_prose(c: model.Claim) -> list[tuple[tuple, str]]:
    return [(("summary",), c.summary), (("verdict_note",), c.verdict_note), (("teacher_note",), c.teacher_note)]


# --------------------------------------------------------------------------
# Counting years, months and days

#: Words in a stem that say how to count: subtract (exclusive, elapsed time), or count both ends
#: (inclusive), or leave out the first or the last day, or count whole units.
COUNTING_RULE = re.compile(
    r"\bsubtract|\bminus\b|\d\s*[−-]\s*\d|}\s*[−-]\s*[{\d]"
    r"|\b(?:do not|don't|without) count|\bcount(?:ing)? (?:both|neither|only|the first|the last)"
    r"|\binclusive(?:ly)?\b|\bexclusive(?:ly)?\b"
    r"|\b(?:full|whole|complete|completed) (?:years|months|days)\b",
    re.IGNORECASE,
)

_COUNT_UNITS = {"year", "years", "month", "months", "day", "days"}
_ASKS_COUNT = re.compile(r"\bhow (?:many (?:years|months|days)|old)\b", re.IGNORECASE)
_DURATION = re.compile(r"\b\d+[- ](?:year|month|day)s?\b", re.IGNORECASE)
_ASKS_YEAR = re.compile(r"\bwhich (?:start )?year\b|\bwhat year\b|\bin which year\b", re.IGNORECASE)


def counts_time(q: model.Question) -> bool:
    """Return whether ``q`` asks for a count of years, months or days, or a year reached by counting one."""
    if q.parametric is not None:
        return q.parametric.generator in COUNTING
    if not isinstance(q, model.Numeric):
        return False
    if q.unit.strip().casefold() in _COUNT_UNITS or _ASKS_COUNT.search(q.stem):
        return True
    return bool(_DURATION.search(q.stem) and _ASKS_YEAR.search(q.stem))


_INCLUSIVE = re.compile(r"\bcount(?:ing)? both\b|\binclusive(?:ly)?\b", re.IGNORECASE)


def counting_rule(q: model.Question) -> list[Finding]:
    """Rule count.rule: a count states how to count, or accepts both the inclusive and exclusive answers."""
    if not counts_time(q):
        return []
    if q.parametric is not None and _INCLUSIVE.search(q.stem):
        return [Finding("question", q.id, ("stem",), (
            f"the stem says to count both ends, but generator '{q.parametric.generator}' keys the difference "
            "(from the 1st to the 2nd is 1): say 'Do not count the first day' or 'Subtract …' instead"), "count.rule")]
    if COUNTING_RULE.search(q.stem):
        return []
    fixed = isinstance(q, model.Numeric) and q.parametric is None
    if fixed and math.floor(q.answer + q.tolerance) - math.ceil(q.answer - q.tolerance) >= 1:
        return []  # the accepted range holds two whole numbers: both counts score
    return [Finding("question", q.id, ("stem",), (
        "this question counts years, months or days but the stem does not say how (counting both ends gives one "
        "more): say how, e.g. 'Subtract the earlier year from the later one' or 'Do not count the first day'"
        + (", or accept both counts with a tolerance of 1" if fixed else "")), "count.rule")]


# --------------------------------------------------------------------------
# Parametric distractors


def parametric_alternatives(q: model.Question) -> list[Finding]:
    """Rule param.alternative: no generated wrong choice is right by a usual alternative convention."""
    if q.parametric is None or not isinstance(q, model.SingleChoice):
        return []
    generator = GENERATORS[q.parametric.generator]
    out = []
    for i, case in enumerate(q.parametric.cases):
        answer = generator.answer(case)
        clash = sorted(set(distractors(generator, case, answer)) & set(alternatives(generator, case, answer)))
        if clash:
            out.append(Finding("question", q.id, ("parametric", "cases", i), (
                f"this case offers {', '.join(map(str, clash))} as a wrong choice, but a usual way of counting "
                f"(both ends, or neither) makes it right; generator '{generator.name}' must not offer it"),
                "param.alternative"))
    return out


# --------------------------------------------------------------------------
# Mark the words

_UNMARKED = re.compile(r"\b(?:leave|leaves|leaving)\b[^.;]*\bunmarked\b|\b(?:do not|don't|not to) (?:mark|circle)\b", re.IGNORECASE)
_EITHER_WAY = re.compile(
    r"\bcredit\b[^.;]*\b(?:unmarked|either way|whether or not|marks?|circles?)\b|\beither way\b"
    r"|\b(?:marked|circled) or (?:not|left unmarked)\b", re.IGNORECASE)
_NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8}
_COUNTED = re.compile(r"\b(one|two|three|four|five|six|seven|eight|\d+) (?:words|phrases|words or phrases)\b", re.IGNORECASE)


def _sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.;:])\s+", " ".join(text.split())) if s]


def _places(part: str, passage: str) -> list[tuple[int, int]]:
    """Return where ``part`` stands in ``passage`` as whole words (“Japan” is not in “Japanese”)."""
    pattern = re.escape(part)
    if part[:1].isalnum():
        pattern = r"(?<!\w)" + pattern
    if part[-1:].isalnum():
        pattern += r"(?!\w)"
    return [(m.start(), m.end()) for m in re.finditer(pattern, passage)]


def _in_passage(span: str, passage: str) -> str | None:
    """Return the passage's own form of ``span`` (first letter's case may differ), or None."""
    for form in _variants(span):
        if all(part and _places(part, passage) for part in form.split(QUOTE_GAP)):
            return form
    return None


def _overlaps(phrase: str, keyed: tuple[str, ...] | list[str], passage: str) -> bool:
    """Return whether ``phrase`` shares passage text with any of the ``keyed`` phrases."""
    taken = [place for key in keyed for place in _places(key, passage)]
    return any(s < e2 and s2 < e for part in phrase.split(QUOTE_GAP) for s, e in _places(part, passage)
               for s2, e2 in taken)


def mark_the_words_notes(q: model.MarkTheWords) -> list[Finding]:
    """Rule mark.note: the key agrees with what the stem and the notes say about each phrase.

    A phrase the stem says to leave unmarked is not keyed; a number of words the
    stem asks for is the number of phrases the key requires; a phrase a note
    credits either way is optional; and once the stem lists phrases to leave
    unmarked, the list is complete: a passage phrase the explanation or teacher
    note discusses but the key leaves out is on it (or is optional).
    """
    out = []
    passage, keyed = q.passage, q.answers + q.optional
    exempt = []
    for sentence in _sentences(q.stem):
        if _UNMARKED.search(sentence):
            exempt += [p for p in (_in_passage(s, passage) for s in quote_spans(sentence)) if p]
    for phrase in exempt:
        if _overlaps(phrase, keyed, passage):
            out.append(Finding("question", q.id, ("answers",), f"the stem says to leave “{phrase}” unmarked, but the key marks it", "mark.note"))
    counted = _COUNTED.search(q.stem)
    if counted:
        wanted = _NUMBERS.get(counted.group(1).casefold()) or int(counted.group(1))
        if wanted != len(q.answers):
            out.append(Finding("question", q.id, ("answers",), (
                f"the stem asks for {counted.group(0)} but the key requires {len(q.answers)}"), "mark.note"))
    said: set[str] = set()  # one warning per phrase, however many notes credit it
    for field in ("explanation", "teacher_note"):
        where = field.replace("_", " ")
        for sentence in _sentences(getattr(q, field)):
            credited = bool(_EITHER_WAY.search(sentence))
            for phrase in (p for p in (_in_passage(s, passage) for s in quote_spans(sentence)) if p):
                if credited and _overlaps(phrase, q.answers, passage):
                    if phrase.casefold() not in said:
                        said.add(phrase.casefold())
                        out.append(Finding("question", q.id, ("answers",), (
                            f"the {where} credits “{phrase}” either way, but the key requires it: "
                            "list it (or the key phrase holding it) under optional"), "mark.note"))
                elif exempt and not _overlaps(phrase, keyed + tuple(exempt), passage):
                    out.append(Finding("question", q.id, ("stem",), (
                        f"the {where} discusses “{phrase}”, which the key does not mark, but the stem's list of "
                        "phrases to leave unmarked leaves it out: add it there, or list it under optional"), "mark.note"))
    return out
