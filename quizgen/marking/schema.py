"""The JSON Schema of the build manifest, as ``quizgen mark --schema`` prints it (draft 2020-12).

The tests validate real manifests against it. A response file's schema is
quizgen.responses.SCHEMA (``quizgen responses --schema``).
"""

from __future__ import annotations

import json

_TEXT = {"type": "string"}
_LETTERS = {"type": "array", "items": {"type": "string", "pattern": "^[A-Z]$"}}

#: The ``scoring`` record of a position, per kind (quizgen.scoring.scoring_record).
_SCORING = {
    "single-choice": {"letters": _LETTERS, "correct": _LETTERS},
    "multiple-response": {"letters": _LETTERS, "correct": _LETTERS},
    "true-false": {"answer": {"type": "boolean"}},
    "numeric": {"answer": _TEXT, "tolerance": _TEXT, "unit": _TEXT},
    "short-answer": {"accepted": {"type": "array", "items": _TEXT, "minItems": 1}},
    "matching": {"prompts": {"type": "array", "items": _TEXT}, "options": {"type": "array", "items": _TEXT},
                 "correct": _LETTERS},
    "ordering": {"items": {"type": "array", "items": _TEXT}, "correct": {"type": "array", "items": {"type": "integer"}}},
    "mark-the-words": {"passage": _TEXT, "phrases": {"type": "array", "items": _TEXT},
                       "phrase_words": {"type": "array", "items": {"type": "array", "items": _TEXT}},
                       "words": {"type": "array", "items": _TEXT}, "optional_words": {"type": "array", "items": _TEXT},
                       "tokens": {"type": "array", "items": _TEXT}},
    "open-response": {"levels": {"type": "array", "items": {"type": "object", "required": ["name", "points", "text"]}},
                      "patterns": {"type": "array"}, "model_answer": _TEXT},
}


#: The fields of each kind's scoring record (what marking reads).
SCORING_FIELDS: dict[str, tuple[str, ...]] = {kind: tuple(fields) for kind, fields in _SCORING.items()}


def _position() -> dict:
    by_kind = [
        {"if": {"properties": {"kind": {"const": kind}}},
         "then": {"properties": {"scoring": {"type": "object", "required": sorted(fields), "properties": fields}}}}
        for kind, fields in _SCORING.items()
    ]
    return {
        "type": "object",
        "required": ["position", "question", "kind", "skill", "subskill", "points", "key", "scoring", "stem",
                     "lms_stem", "explanation", "claims", "rule"],
        "properties": {
            "position": {"type": "integer", "minimum": 1, "description": "the question's number on the sheet"},
            "question": {"type": "string", "description": "the bank's question id"},
            "kind": {"enum": sorted(_SCORING)},
            "skill": _TEXT, "subskill": _TEXT,
            "points": {"type": "integer", "minimum": 0},
            "key": {"type": "string", "description": "the answer as the printed key gives it"},
            "shuffled": {"type": "array", "items": _TEXT},
            "instance": {"type": "object", "description": "the values a parametric question was drawn with"},
            "choices": {"type": "array", "items": {"type": "object", "required": ["text", "correct"]},
                        "description": "choices in printed order (A, B, C …)"},
            "stem": {"type": "string", "description": "the stem as printed"},
            "lms_stem": {"type": "string", "description": "the stem as the LMS exports show it"},
            "explanation": _TEXT,
            "outside_source": {"type": ["object", "null"]},
            "claims": {"type": "array", "items": {"type": "object", "required": ["id", "summary", "verdict"]}},
            "rule": {"type": "string", "description": "the kind's scoring rule by name (quizgen.scoring.RULES)"},
            "scoring": {"type": "object", "description": "what scoring needs, per kind"},
        },
        "allOf": by_kind,
    }


MANIFEST_SCHEMA: dict = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "quizgen build manifest",
    "description": "Written beside the answer key by every build and export (NAME-manifest.json); teacher-only.",
    "type": "object",
    "required": ["schema", "build", "versions"],
    "properties": {
        "schema": {"type": "integer", "minimum": 1},
        "build": {
            "type": "object",
            "required": ["id", "name", "title", "seed", "recipe", "bank", "quizgen"],
            "properties": {
                "id": {"type": "string", "pattern": "^qg-[0-9a-f]{12}$"},
                "name": _TEXT, "title": _TEXT, "seed": {"type": "integer"},
                "recipe": {"type": "string", "description": "SHA-256 of what the recipe asks for"},
                "bank": {"type": "string", "description": "SHA-256 of the bank's files ('' when not known)"},
                "quizgen": _TEXT,
            },
        },
        "versions": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["letter", "points", "positions"],
                "properties": {"letter": {"type": "string"}, "points": {"type": "integer"},
                               "positions": {"type": "array", "items": _position()}},
            },
        },
        "files": {"type": "array", "description": "the files the build wrote (name, size, SHA-256)"},
    },
}

def dump(schema: dict) -> str:
    """Return a schema as printed: indented JSON."""
    return json.dumps(schema, indent=2, ensure_ascii=False)
