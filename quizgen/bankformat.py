"""The bank's YAML format, declared once.

The same declarations drive the loader's shape checks (unknown keys, missing
fields, wrong types) and ``quizgen bank schema`` (a JSON Schema for editors),
so the two cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass

from quizgen.model import ID_PATTERN, CLAIM_KINDS, GRADE_BANDS, QUESTION_KINDS, QUESTION_TAGS, SKILLS, SUBSKILLS, VERDICTS
from quizgen.parametric import GENERATORS


@dataclass(frozen=True)
class Field:
    """One YAML field.

    ``type`` is one of: text (non-empty string), string (may be empty), id
    (lower-case words joined by hyphens), int, number, bool, span (a line
    number, "A-B", or [A, B]), enum, list (of ``item``), object (with
    ``fields``), mapping (free-form keys, used for parametric cases).
    """

    name: str
    type: str
    doc: str
    required: bool = False
    choices: tuple = ()
    minimum: int | None = None
    maximum: int | None = None
    item: "Field | None" = None
    fields: tuple["Field", ...] = ()
    min_items: int = 0


def _f(name, type_, doc, **kw) -> Field:
    return Field(name, type_, doc, **kw)


REFERENCE = (
    _f("author", "text", "Author or publishing body.", required=True),
    _f("title", "text", "Title of the work, article or record.", required=True),
    _f("year", "string", "Year of publication (or 'n.d.').", required=True),
    _f("says", "text", "What it says about the claim, in your words or a short quote.", required=True),
    _f("url", "string", "Where it can be read, if online."),
)

CLAIM_FIELDS = (
    _f("id", "id", "Unique claim id, e.g. memoir-yalta-date.", required=True),
    _f("lines", "span", "Line span in the cleaned source text: 12, '12-14' or [12, 14].", required=True),
    _f("quote", "text", "Verbatim quote from those lines; ' … ' may join parts that appear in order.", required=True),
    _f("kind", "enum", "What the claim is about.", required=True, choices=CLAIM_KINDS),
    _f("summary", "text", "The claim in one neutral sentence.", required=True),
    _f("verdict", "enum", "Verdict on the dossier's scale.", required=True, choices=VERDICTS),
    _f("verdict_note", "text", "Why this verdict: what the evidence shows.", required=True),
    _f("references", "list", "Outside sources behind the verdict.",
       item=_f("reference", "object", "An outside source.", fields=REFERENCE)),
    _f("dates", "list", "Dates in the quote, as written and normalised.",
       item=_f("date", "object", "A date.", fields=(
           _f("as_written", "text", "The date exactly as the source writes it.", required=True),
           _f("gregorian", "text", "Gregorian year or ISO date (YYYY, YYYY-MM or YYYY-MM-DD).", required=True),
           _f("juche", "int", "The Juche year, when the source uses one.", minimum=1),
       ))),
    _f("techniques", "list", "Propaganda techniques the quote shows.", item=_f("technique", "id", "Technique name.")),
    _f("teacher_note", "string", "Note for the teacher (sensitivity, nuance)."),
    _f("dossier", "string", "Claim number in the reference dossier (C01-C40), if any."),
    _f("quoted_terms", "list", "Words the claim's notes put in quotation marks that quote no source (terms, labels,"
       " titles); every other quoted span must be verbatim in a source or in what a reference quotes.",
       item=_f("term", "text", "A term, label or title, as it stands between the marks.")),
)

CHOICE = (
    _f("text", "text", "What the student reads.", required=True),
    _f("correct", "bool", "true for a correct choice."),
    _f("feedback", "string", "Shown after answering (LMS exports)."),
)

RUBRIC = (
    _f("proficient", "text", "What a full-credit answer does.", required=True),
    _f("emergent", "text", "What a half-right answer does.", required=True),
    _f("basic", "text", "What a no-credit answer does.", required=True),
    _f("patterns", "list", "Named half-right answers a teacher will meet.",
       item=_f("pattern", "object", "A named answer pattern.", fields=(
           _f("name", "text", "Short name, e.g. 'type of source'.", required=True),
           _f("description", "text", "What the answer looks like and why it falls short.", required=True),
           _f("level", "enum", "Which level it earns.", choices=("proficient", "emergent", "basic")),
       ))),
)

COMMON_FIELDS = (
    _f("id", "id", "Unique question id.", required=True),
    _f("skill", "enum", "The skill trained.", required=True, choices=tuple(s.id for s in SKILLS)),
    _f("subskill", "enum", "Sub-skill code (A1-A5, B1-B5, C1-C5).", required=True, choices=tuple(SUBSKILLS)),
    _f("kind", "enum", "Question kind.", required=True, choices=tuple(QUESTION_KINDS)),
    _f("claims", "list", "Ids of the claims the question is built on.", required=True, min_items=1,
       item=_f("claim", "id", "A claim id.")),
    _f("stem", "text", "The question as the student reads it.", required=True),
    _f("explanation", "text", "Why the key is right (answer key and LMS feedback).", required=True),
    _f("difficulty", "int", "1 (easy) to 3 (hard).", required=True, minimum=1, maximum=3),
    _f("grade_band", "enum", "Grades it is written for.", required=True, choices=GRADE_BANDS),
    _f("points", "int", "Points (default 1; open response 2).", minimum=1, maximum=20),
    _f("techniques", "list", "Propaganda techniques involved.", item=_f("technique", "id", "Technique name.")),
    _f("tags", "list", "Teaching tags: " + ", ".join(QUESTION_TAGS) + ".",
       item=_f("tag", "enum", "A teaching tag.", choices=tuple(QUESTION_TAGS))),
    _f("outside_source", "object", "Corroborate questions: the kind of outside source that settles it and what it says.",
       fields=(
           _f("kind", "text", "Kind of source, e.g. 'primary record (FRUS)'.", required=True),
           _f("says", "text", "What that source says.", required=True),
           _f("in_stem", "bool", "true when students need no look-up without cards: the stem already says what "
              "the source says, or reasoning from the texts answers the question."),
       )),
    _f("excerpts", "list", "Extra passages to print, as 'source-id:A-B'; default: the claims' spans.",
       item=_f("excerpt", "text", "source-id:A-B")),
    _f("print_excerpts", "bool", "false when the stem quotes all a student needs: print citations, not passages."),
    _f("teacher_note", "string", "Note for the teacher."),
    _f("minutes", "number", "Minutes a student needs for it, when the kind's usual time is not right"
       " (more than 0, at most 60; see the README's working-time table)."),
    _f("answer_terms", "list", "look-it-up questions: words or numbers that give the answer away if another question"
       " on the sheet prints them (default: the answer itself); such questions are never drawn together.",
       item=_f("term", "text", "A word, name or number.")),
    _f("quoted_terms", "list", "Words the question puts in quotation marks that quote no source: terms, labels,"
       " titles, words a student might write; every other quoted span must be verbatim in a source or in what a"
       " reference of its claims quotes.",
       item=_f("term", "text", "A term, label, title or student's words, as it stands between the marks.")),
    _f("parametric", "object", "Makes the question parametric (numeric or single-choice only).", fields=(
        _f("generator", "enum", "Generator name.", required=True, choices=tuple(GENERATORS)),
        _f("cases", "list", "Values from the sources to draw from.", required=True, min_items=1,
           item=_f("case", "mapping", "Generator parameters, and optionally claims: the question's claims this case is about.")),
    )),
)

KIND_FIELDS: dict[str, tuple[Field, ...]] = {
    "single-choice": (
        _f("choices", "list", "The choices; exactly one has correct: true.", min_items=2,
           item=_f("choice", "object", "A choice.", fields=CHOICE)),
    ),
    "multiple-response": (
        _f("choices", "list", "The choices; one or more have correct: true.", required=True, min_items=2,
           item=_f("choice", "object", "A choice.", fields=CHOICE)),
    ),
    "true-false": (
        _f("answer", "bool", "true or false.", required=True),
    ),
    "short-answer": (
        _f("answers", "list", "Accepted answers (case-insensitive).", required=True, min_items=1,
           item=_f("answer", "text", "An accepted answer.")),
        _f("lines", "int", "Write-on lines on paper.", minimum=1, maximum=12),
    ),
    "numeric": (
        _f("answer", "number", "The number."),
        _f("tolerance", "number", "Accepted distance from the answer (default 0)."),
        _f("unit", "string", "Unit printed after the answer box, e.g. 'years'."),
    ),
    "matching": (
        _f("pairs", "list", "Left item and its match; at least 2 pairs.", required=True,
           item=_f("pair", "object", "A pair.", fields=(
               _f("left", "text", "Prompt.", required=True),
               _f("right", "text", "Its match.", required=True),
           ))),
        _f("distractors", "list", "Extra right-hand items that match nothing.", item=_f("distractor", "text", "An extra item.")),
    ),
    "ordering": (
        _f("items", "list", "The items in the correct order (they are shuffled on the sheet).", required=True,
           item=_f("item", "text", "An item.")),
    ),
    "open-response": (
        _f("rubric", "object", "Three-level rubric.", required=True, fields=RUBRIC),
        _f("model_answer", "text", "A full-credit answer.", required=True),
        _f("lines", "int", "Write-on lines on paper.", minimum=1, maximum=20),
    ),
    "mark-the-words": (
        _f("passage", "text", "Passage to mark; verbatim from the claim's source. Default: the first claim's quote."),
        _f("answers", "list", "Words or phrases to mark; each appears in the passage.", required=True, min_items=1,
           item=_f("answer", "text", "A phrase.")),
        _f("optional", "list", "Phrases of the passage credited either way, marked or not (the key shows them as"
           " optional; they neither earn nor cost marks).",
           item=_f("phrase", "text", "A phrase of the passage.")),
    ),
}

CLAIMS_FILE = (
    _f("source", "id", "Source id these claims come from.", required=True),
    _f("claims", "list", "The claims.", required=True, item=_f("claim", "object", "A claim.", fields=CLAIM_FIELDS)),
)

QUESTIONS_FILE = (
    _f("questions", "list", "The questions.", required=True, item=_f("question", "mapping", "A question.")),
)


def question_fields(kind: str) -> tuple[Field, ...]:
    """Return every field a question of this kind may have."""
    return COMMON_FIELDS + KIND_FIELDS.get(kind, ())


# --------------------------------------------------------------------------
# JSON Schema


def _schema(field: Field) -> dict:
    t = field.type
    out: dict = {"description": field.doc}
    if t == "text":
        out.update(type="string", minLength=1)
    elif t == "string":
        out.update(type="string")
    elif t == "id":
        out.update(type="string", pattern=ID_PATTERN)
    elif t == "int":
        out.update(type="integer")
    elif t == "number":
        out.update(type=["number", "string"])
    elif t == "bool":
        out.update(type="boolean")
    elif t == "enum":
        out.update(enum=list(field.choices))
    elif t == "span":
        out["anyOf"] = [
            {"type": "integer", "minimum": 1},
            {"type": "string", "pattern": r"^\d+(-\d+)?$"},
            {"type": "array", "items": {"type": "integer", "minimum": 1}, "minItems": 2, "maxItems": 2},
        ]
    elif t == "list":
        out.update(type="array", items=_schema(field.item) if field.item else {})
        if field.min_items:
            out["minItems"] = field.min_items
    elif t == "object":
        out.update(object_schema(field.fields))
    elif t == "mapping":
        out.update(type="object")
    if field.minimum is not None:
        out["minimum"] = field.minimum
    if field.maximum is not None:
        out["maximum"] = field.maximum
    return out


def object_schema(fields: tuple[Field, ...], field_schema=None) -> dict:
    """Return the JSON Schema of a record of ``fields``: none missing that is required, none unknown.

    ``field_schema`` gives each field's schema (default: a bank field's); source records pass their own.
    """
    field_schema = field_schema or _schema
    return {
        "type": "object",
        "properties": {f.name: field_schema(f) for f in fields},
        "required": [f.name for f in fields if f.required],
        "additionalProperties": False,
    }


def json_schema() -> dict:
    """Return a JSON Schema (draft 2020-12) covering claims and questions files."""
    question_variants = []
    for kind in QUESTION_KINDS:
        variant = object_schema(question_fields(kind))
        variant["properties"]["kind"] = {"const": kind, "description": "Question kind."}
        question_variants.append({"if": {"properties": {"kind": {"const": kind}}, "required": ["kind"]}, "then": variant})
    questions_file = {
        "type": "object",
        "properties": {
            "questions": {
                "type": "array",
                "items": {"type": "object", "required": ["kind"], "allOf": question_variants},
            }
        },
        "required": ["questions"],
        "additionalProperties": False,
    }
    from quizgen.sources.schema import source_file_schema

    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://quizgen.invalid/bank.schema.json",
        "title": "quizgen bank file (banks/claims/*.yaml, banks/questions/*.yaml or banks/sources/*.yaml)",
        "description": "A claims file has 'source' and 'claims'; a questions file has 'questions'; a source record "
                       "has 'id', 'text', 'repairs' and the other fields `quizgen sources ingest` writes.",
        "oneOf": [object_schema(CLAIMS_FILE), questions_file, source_file_schema()],
        "$defs": {"claim": object_schema(CLAIM_FIELDS)},
    }
