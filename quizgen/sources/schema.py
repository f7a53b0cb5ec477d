"""The source record's YAML format (``sources/<id>.yaml``), declared once.

The loader (``store.load_source``) takes its field names, which are required
and which may be empty from here, and ``quizgen bank schema`` prints these
declarations as JSON Schema beside the bank's, so the two cannot disagree.
The declarations use the bank's ``Field`` (see ``quizgen.bankformat``) with
three types of their own: ``sha256`` (64 lower-case hexadecimal digits),
``line`` (a cleaned line number, or null for text removed before cleaning)
and ``raw_lines`` ([first, last] lines of the raw file).
"""

from __future__ import annotations

from quizgen.bankformat import Field, object_schema
from quizgen.bankformat import _schema as _bank_schema
from quizgen.sources.cleaning import RULES

SHA256_PATTERN = r"^[0-9a-f]{64}$"

DATE_FIELDS = (
    Field("published", "text", "When it was published, as precisely as known, or 'unknown (…)'.", required=True),
    Field("captured", "text", "When this copy was captured, or a bound ('not before 2025-11-04 (…)').", required=True),
    Field("events", "text", "Dates of the events the text describes.", required=True),
    Field("notes", "text", "How these dates are known.", required=True),
)

REPAIR_FIELDS = (
    Field("rule", "enum", "The cleaning rule that made the change.", required=True, choices=tuple(RULES)),
    Field("line", "line", "Line of the cleaned text it touched; null when the text was removed.", required=True),
    Field("raw_lines", "raw_lines", "First and last line of the raw file it came from.", required=True),
    Field("before", "string", "A short sample of the raw text, invisible characters named ([nbsp], [U+200B]).",
          required=True),
    Field("after", "string", "The same sample after the repair; empty when removed.", required=True),
    Field("reason", "text", "What was changed and why, in words.", required=True),
)

SOURCE_FIELDS = (
    Field("id", "id", "Source id; the file is named <id>.yaml.", required=True),
    Field("title", "text", "Title of the document.", required=True),
    Field("outlet", "text", "Outlet or site that carried it.", required=True),
    Field("publisher", "text", "Who published it.", required=True),
    Field("kind", "text", "Kind of document, e.g. 'state-media article'.", required=True),
    Field("language", "text", "Language code of the text, e.g. en.", required=True),
    Field("origin", "text", "Where the copy comes from, as far as the text shows.", required=True),
    Field("original_file", "text", "File name of the raw document that was ingested.", required=True),
    Field("sha256", "sha256", "SHA-256 of the raw document.", required=True),
    Field("text", "text", "File name of the cleaned text, <id>.txt, in the same folder.", required=True),
    Field("text_sha256", "sha256", "SHA-256 of the cleaned text file.", required=True),
    Field("dates", "object", "What is known about its dates.", required=True, fields=DATE_FIELDS),
    Field("notes", "string", "Notes for teachers."),
    Field("repairs", "list", "Every change made while cleaning the raw document.", required=True,
          item=Field("repair", "object", "One change.", fields=REPAIR_FIELDS)),
)


def field_names(fields: tuple[Field, ...]) -> tuple[str, ...]:
    """Return the names of ``fields`` in their declared order."""
    return tuple(f.name for f in fields)


def _schema(field: Field) -> dict:
    out: dict = {"description": field.doc}
    if field.type == "sha256":
        out.update(type="string", pattern=SHA256_PATTERN)
    elif field.type == "line":
        out["anyOf"] = [{"type": "integer", "minimum": 1}, {"type": "null"}]
    elif field.type == "raw_lines":
        out.update(type="array", items={"type": "integer", "minimum": 0}, minItems=2, maxItems=2)
    elif field.type == "object":
        out.update(object_schema(field.fields, _schema))
    elif field.type == "list":
        out.update(type="array", items=_schema(field.item) if field.item else {})
    else:
        return _bank_schema(field)
    return out


def source_file_schema() -> dict:
    """Return the JSON Schema of a source record (``banks/sources/<id>.yaml``)."""
    return {"title": "source record (sources/<id>.yaml)", **object_schema(SOURCE_FIELDS, _schema)}
