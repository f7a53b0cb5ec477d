"""Response files: the answers a student hands back from a screen, and how to read them.

Two ways back, one result. The interactive page (``html-assessment``) saves
a JSON file; the fillable PDF (``pdf-form``) comes back filled in. Either is
read by ``read_answers(path)`` into the same plain ``Response``: the build
id, the version letter, the student's name and, for every question position,
the kind and the value given (``None`` where nothing was given). Marking
checks the build id against its manifest and scores the values; this module
only reads and checks their shape.

The JSON response file (``SCHEMA`` is its JSON Schema; ``quizgen responses
--schema`` prints it)::

    {"format": "quizgen-response", "schema": 1,
     "build": "qg-0123456789ab", "worksheet": "sampler", "version": "A",
     "student": "Ada Lovelace", "saved": "2025-03-05T09:02:11.000Z",
     "answers": [{"position": 1, "kind": "single-choice", "value": "B"}, …]}

``answers`` has one entry per position of the version, in order. Values,
by kind (letters and numbers are those printed on the worksheet)::

    single-choice      "B"                          the letter chosen
    multiple-response  ["A", "C"]                   the letters ticked, in order
    true-false         true / false
    numeric            "1,936"                      as typed (see parse_number)
    short-answer       "emotional appeal"           as typed (see normalise_text)
    open-response      "The article …"              as typed
    matching           ["C", null, "A"]             per numbered prompt, the letter matched
    ordering           [3, 1, 2, 4]                 per printed item (top to bottom), its place
                                                    in the student's order: the numbers the
                                                    paper sheet asks for in its boxes (null: a
                                                    box of a PDF form left empty)
    mark-the-words     [{"index": 4, "word": "cleaned"}, …]
                                                    the words marked, in passage order; index
                                                    counts the passage's words from 0 (passage_words)

The page never writes a question id, an answer key or anything else a
student should not see: a question id such as ``memq-absolutely`` can be the
answer itself. Marking takes the ids from the manifest, by position.

The fillable PDF's fields (``form_fields`` names them; one name per position
and part)::

    name, class, date            the header's lines
    q3                           single-choice and true-false: a radio group, values "A" … / "True", "False";
                                 numeric, short-answer, open-response: a text field
    q3-A, q3-B …                 multiple-response: a check box per choice letter
    q3-1, q3-2 …                 matching: a text field per numbered prompt (a letter);
                                 ordering: a text field per printed item (its place, a number)
    q3-w0, q3-w1 …               mark-the-words: a check box per word of the passage (tooltip: the word)
    q3-working                   numeric: the working line (read, not marked)

The form carries its build id, version and each position's kind in the PDF's
document information (``/quizgenbuild``, ``/quizgenversion``, ``/quizgenkinds``:
"single-choice numeric …", one per position) and its keywords, so a filled
form needs nothing else to be read.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from quizgen.errors import Diagnostic, Location, QuizgenError, field_path

FORMAT = "quizgen-response"
#: Bumped when a field changes meaning; the reader refuses other versions.
SCHEMA_VERSION = 1
#: Larger files are refused unread: a full answer set is a few kilobytes.
MAX_BYTES = 2_000_000

KINDS = ("single-choice", "multiple-response", "true-false", "numeric", "short-answer", "open-response",
         "matching", "ordering", "mark-the-words")

_LETTER = {"type": "string", "pattern": "^[A-Z]$"}
_TEXT = {"type": "string", "maxLength": 20_000}
#: The JSON Schema of each kind's value (null: not answered).
VALUE_SCHEMAS: dict[str, dict] = {
    "single-choice": {"oneOf": [{"type": "null"}, _LETTER]},
    "multiple-response": {"oneOf": [{"type": "null"},
                                    {"type": "array", "items": _LETTER, "minItems": 1, "uniqueItems": True}]},
    "true-false": {"type": ["boolean", "null"]},
    "numeric": {"oneOf": [{"type": "null"}, {"type": "string", "maxLength": 100}]},
    "short-answer": {"oneOf": [{"type": "null"}, _TEXT]},
    "open-response": {"oneOf": [{"type": "null"}, _TEXT]},
    "matching": {"oneOf": [{"type": "null"},
                           {"type": "array", "minItems": 1, "items": {"oneOf": [{"type": "null"}, _LETTER]}}]},
    "ordering": {"oneOf": [{"type": "null"}, {"type": "array", "minItems": 1, "items": {
        "oneOf": [{"type": "null"}, {"type": "integer", "minimum": 1}]}}]},
    "mark-the-words": {"oneOf": [{"type": "null"}, {
        "type": "array", "minItems": 1,
        "items": {"type": "object", "additionalProperties": False, "required": ["index", "word"],
                  "properties": {"index": {"type": "integer", "minimum": 0},
                                 "word": {"type": "string", "maxLength": 200}}},
    }]},
}

SCHEMA: dict = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "https://quizgen.invalid/schemas/response-1.json",
    "title": "quizgen response file",
    "description": "One student's answers to one version of a quizgen worksheet, saved by its interactive page"
                   " (html-assessment). Values use the letters and numbers printed on the worksheet.",
    "type": "object",
    "additionalProperties": False,
    "required": ["format", "schema", "build", "version", "student", "answers"],
    "properties": {
        "format": {"const": FORMAT},
        "schema": {"const": SCHEMA_VERSION},
        "build": {"type": "string", "pattern": "^qg-[0-9a-f]{12}$",
                  "description": "the build id: marking refuses answers to another build"},
        "worksheet": {"type": "string", "maxLength": 200, "description": "the recipe's name, for people"},
        "title": {"type": "string", "maxLength": 500, "description": "the worksheet's title, for people"},
        "version": {"type": "string", "pattern": "^[A-Z]{1,3}$"},
        "student": {"type": "string", "minLength": 1, "maxLength": 200, "pattern": r"\S"},
        "saved": {"type": "string", "maxLength": 40, "description": "when the page saved it (ISO 8601, the device's clock)"},
        "answers": {
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["position", "kind", "value"],
                "properties": {
                    "position": {"type": "integer", "minimum": 1},
                    "kind": {"enum": list(KINDS)},
                    "value": {},
                },
                "allOf": [
                    {"if": {"properties": {"kind": {"const": kind}}}, "then": {"properties": {"value": schema}}}
                    for kind, schema in VALUE_SCHEMAS.items()
                ],
            },
        },
    },
}


class ResponseError(QuizgenError):
    """Raised by the response reader: a file that is not a readable, well-formed response."""


@dataclass(frozen=True)
class Answer:
    """What a student gave at one position: its kind and value (None: nothing given).

    ``value`` is the file's JSON value (see the module docstring) with lists
    as tuples; for mark-the-words, a tuple of (word index, word) pairs.
    """

    position: int
    kind: str
    value: object


@dataclass(frozen=True)
class Response:
    """One student's answers to one version of one build, as read from a file."""

    path: str
    build: str
    version: str
    student: str
    #: Position → Answer, every position of the version.
    answers: dict[int, Answer]
    #: "html" (a saved JSON file) or "pdf-form" (a filled PDF).
    source: str
    worksheet: str = ""
    saved: str = ""
    #: Anything else a form held that is not an answer (numeric working lines), by field name.
    extra: dict[str, str] = field(default_factory=dict)


def _problem(path: str, message: str, field_name: str | None = None, line: int | None = None) -> ResponseError:
    return ResponseError(f"{path} was not read", [Diagnostic(Location(path, line, field_name), message)])


def read_answers(path: Path, display: str | None = None) -> Response:
    """Read a response file (JSON from the page) or a filled PDF form; ResponseError says what is wrong."""
    shown = display or str(path)
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except IsADirectoryError:
        raise _problem(shown, "is a folder, not a response file") from None
    except OSError as err:
        raise _problem(shown, f"cannot read: {err.strerror or err}") from None
    if data.startswith(b"%PDF"):
        return read_form(data, shown)
    if len(data) > MAX_BYTES:
        raise _problem(shown, f"is larger than {MAX_BYTES // 1_000_000} MB: not a response file")
    return parse_response(data, shown)


def parse_response(data: bytes, display: str) -> Response:
    """Return the Response held by the JSON bytes ``data`` (``display`` names the file in messages)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise _problem(display, f"is not UTF-8 text (byte {err.start}): not a response file") from None
    try:
        document = strict_json(text)
    except DuplicateKey as dup:
        raise ResponseError(f"{display} was not read", [Diagnostic(
            Location(display, dup.line, None, dup.column), dup.sentence())]) from None
    except json.JSONDecodeError as err:
        raise _problem(display, f"not JSON: {err.msg} (column {err.colno})", line=err.lineno) from None
    except RecursionError:
        raise _problem(display, "not a response file: nested too deeply") from None
    except ValueError:  # an integer longer than Python will convert (sys.get_int_max_str_digits)
        raise _problem(display, "not a response file: it holds a number too long to read") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise _problem(display, "not a quizgen response file (it has no \"format\": \"quizgen-response\")")
    if document.get("schema") != SCHEMA_VERSION:
        raise _problem(display, f"response schema {document.get('schema')!r} is not the one this quizgen reads"
                                f" ({SCHEMA_VERSION})", "schema")
    _validate(document, display)
    answers = {}
    for entry in document["answers"]:
        if entry["position"] in answers:
            raise _problem(display, f"position {entry['position']} is given twice",
                           f"answers[{document['answers'].index(entry)}].position")
        answers[entry["position"]] = Answer(entry["position"], entry["kind"], _plain_value(entry["kind"], entry["value"]))
    return Response(display, document["build"], document["version"], document["student"].strip(), answers, "html",
                    document.get("worksheet", ""), document.get("saved", ""))


class DuplicateKey(Exception):
    """A JSON object names a key twice (plain ``json`` keeps the last silently): where the second one starts."""

    def __init__(self, key: str, text: str, at: int):
        super().__init__(key)
        self.key = key
        self.line = text.count("\n", 0, at) + 1
        self.column = at - text.rfind("\n", 0, at)

    def sentence(self) -> str:
        """Return what is wrong, for the file's line and column."""
        return (f"key {json.dumps(self.key, ensure_ascii=False)} is given twice in one object; programs disagree on "
                "which one counts, so quizgen reads neither: keep one")


def strict_json(text: str) -> object:
    """Return the JSON document ``text``; DuplicateKey (with line and column) if an object names a key twice.

    Files a teacher may open and edit by hand are read this way: the
    response files here, and the build's manifest (quizgen.marking.build).
    """
    return _strict_decoder().decode(text)


def _strict_decoder() -> json.JSONDecoder:
    """Return a JSON decoder that raises DuplicateKey on a key given twice in one object.

    ``object_pairs_hook`` alone would see the duplicate but not where it is;
    the pure-Python scanner calls ``parse_object`` with the object's start, so
    the key can be found again there. Fast enough for files of MAX_BYTES.
    """
    from json.decoder import WHITESPACE, JSONObject, scanstring
    from json.scanner import py_make_scanner

    def skip(text: str, at: int) -> int:
        return WHITESPACE.match(text, at).end()

    def parse_object(text_and_start, strict, scan_once, object_hook, object_pairs_hook, memo=None, *rest):
        text, start = text_and_start
        pairs, end = JSONObject(text_and_start, strict, scan_once, None, list, memo)
        if len({key for key, _ in pairs}) == len(pairs):
            return dict(pairs), end
        seen, at = set(), skip(text, start)
        while True:  # the object parsed, so it is well formed: walk its keys to the second of a pair
            key, after = scanstring(text, at + 1, strict)
            if key in seen:
                raise DuplicateKey(key, text, at)
            seen.add(key)
            _, at = scan_once(text, skip(text, skip(text, after) + 1))  # past the colon and the value
            at = skip(text, skip(text, at) + 1)  # past the comma

    decoder = json.JSONDecoder()
    decoder.parse_object = parse_object
    decoder.scan_once = py_make_scanner(decoder)
    return decoder


def _validate(document: dict, display: str) -> None:
    """Check ``document`` against SCHEMA; one diagnostic per problem, each naming its field."""
    from jsonschema import Draft202012Validator

    problems = []
    for error in sorted(Draft202012Validator(SCHEMA).iter_errors(document), key=lambda e: list(map(str, e.absolute_path))):
        where = field_path(tuple(error.absolute_path))
        problems.append(Diagnostic(Location(display, None, where), _message(error)))
    if problems:
        raise ResponseError(f"{display} was not read", problems[:20])


def _message(error) -> str:
    """Return a jsonschema error as a short sentence: what was expected, what was found."""
    found = json.dumps(error.instance, ensure_ascii=False)
    found = found if len(found) <= 60 else found[:57] + "…"
    if error.validator == "required":
        return error.message.replace("is a required property", "is missing")
    if error.validator == "additionalProperties":
        return error.message
    if error.validator == "oneOf":  # only values have alternatives: see VALUE_SCHEMAS
        return f"found {found}, which is not a value this kind of question takes"
    if error.validator == "type":
        expected = error.validator_value if isinstance(error.validator_value, list) else [error.validator_value]
        return f"found {found}, expected {' or '.join(expected)}"
    if error.validator == "pattern":
        return f"found {found}, which is not in the expected form"
    return f"found {found}: {error.message}"


def _plain_value(kind: str, value: object) -> object:
    """Return a value as Response holds it: lists as tuples, so a Response cannot be changed.

    Blank text and a list of nothing but nulls (which the page never writes:
    it writes null) read as nothing given, as a blank field of a form does.
    """
    if value is None:
        return None
    if isinstance(value, str) and not _SPACE.sub("", value):
        return None
    if isinstance(value, list) and all(v is None for v in value):
        return None
    if kind == "mark-the-words":
        return tuple((int(w["index"]), str(w["word"])) for w in value)
    if isinstance(value, list):
        return tuple(value)
    return value


# --------------------------------------------------------------------------
# Interpreting typed text: the same rules for the practice page's checks
# (render/seal.py and screen.js) and for marking.


#: White space, as JavaScript's \s has it (Python's str.split also splits at U+001C–U+001F and U+0085).
_SPACE = re.compile("[\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]+")
_QUOTES = str.maketrans({"‘": "'", "’": "'", "‚": "'", "‛": "'", "′": "'", "“": '"', "”": '"', "„": '"',
                         "‟": '"', "″": '"', "–": "-", "—": "-", "‑": "-", "‒": "-", "−": "-"})


def normalise_text(text: str) -> str:
    """Return typed text as it is compared with accepted answers.

    Unicode NFKC, lower case, typographic quotes and dashes made plain,
    spaces collapsed, and quote marks and a final full stop around the
    whole answer dropped: ``  “Emotional  Appeal.” `` → ``emotional appeal``.
    screen.js's ``normalise`` does exactly this.
    """
    text = unicodedata.normalize("NFKC", text).lower().translate(_QUOTES)
    text = " ".join(t for t in _SPACE.split(text) if t)
    previous = None
    while previous != text:
        previous = text
        text = text.strip(" \"'").removesuffix(".").strip()
    return text


_GROUPED = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d+)?")
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")


def parse_number(text: str) -> Decimal | None:
    """Return the number in typed text, or None: '1,936' and '1936.' → 1936, '2,5' → 2.5, '-3' → -3.

    A comma groups thousands where it does (1,936; 12,000.5); otherwise it is
    a decimal comma. Spaces (also thin and no-break ones) are ignored. Units
    are not part of the number: the page prints them beside the box.
    screen.js's ``parseNumber`` does exactly this.
    """
    text = _SPACE.sub("", unicodedata.normalize("NFKC", text)).replace("−", "-")
    if _GROUPED.fullmatch(text):
        text = text.replace(",", "")
    elif text.count(",") == 1 and "." not in text:
        text = text.replace(",", ".")
    if not _NUMBER.fullmatch(text):
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


# --------------------------------------------------------------------------
# Words of a mark-the-words passage: what a student can mark, one at a time.


#: A word: letters or digits, with inner apostrophes and hyphens ("long-cherished", "imperialists’").


@dataclass(frozen=True)
class Word:
    """One markable word of a passage: its index (from 0), text and character span."""

    index: int
    text: str
    start: int
    end: int


#: A markable word: letters or digits, with apostrophes and hyphens inside or after it
#: ("40-year-long", "imperialists’"); quotes and other punctuation stay out. The one
#: definition: the pages, the forms, marking (quizgen.scoring) and the exports share it.
WORD = re.compile(r"\w[\w'’\-]*")


def passage_words(passage: str) -> list[Word]:
    """Return the words of ``passage`` a student can mark, in order."""
    return [Word(i, m.group(), m.start(), m.end()) for i, m in enumerate(WORD.finditer(passage))]


def passage_tokens(passage: str) -> list[tuple[str, int | None]]:
    """Return ``passage`` as runs of text: (word, its index) for each markable word, (text, None) between them."""
    out: list[tuple[str, int | None]] = []
    at = 0
    for word in passage_words(passage):
        if word.start > at:
            out.append((passage[at:word.start], None))
        out.append((word.text, word.index))
        at = word.end
    if at < len(passage):
        out.append((passage[at:], None))
    return out


def phrase_words(passage: str, phrase: str) -> list[tuple[int, ...]]:
    """Return, for each place ``phrase`` occurs in ``passage``, the indices of the words it covers."""
    words = passage_words(passage)
    out = []
    start = passage.find(phrase)
    while start >= 0:
        end = start + len(phrase)
        covered = tuple(w.index for w in words if w.start < end and start < w.end)
        if covered:
            out.append(covered)
        start = passage.find(phrase, start + 1)
    return out


# --------------------------------------------------------------------------
# The fillable PDF: field names, and reading a filled form back.


def form_fields(position: int, kind: str, *, choices: int = 0, parts: int = 0, words: int = 0) -> list[str]:
    """Return the form field names of the question at ``position`` (see the module docstring).

    ``choices``: choice letters (multiple response); ``parts``: prompts
    (matching) or items (ordering); ``words``: words of the passage (mark the words).
    """
    base = f"q{position}"
    if kind == "multiple-response":
        return [f"{base}-{chr(ord('A') + i)}" for i in range(choices)]
    if kind in ("matching", "ordering"):
        return [f"{base}-{n}" for n in range(1, parts + 1)]
    if kind == "mark-the-words":
        return [f"{base}-w{i}" for i in range(words)]
    if kind == "numeric":
        return [base, f"{base}-working"]
    return [base]


#: Custom entries of the PDF's document information that a form carries (WeasyPrint writes
#: a <meta> name as a lower-case key).
FORM_BUILD, FORM_VERSION, FORM_KINDS, FORM_WORKSHEET = "quizgenbuild", "quizgenversion", "quizgenkinds", "quizgenworksheet"


def form_kinds(kinds: list[str]) -> str:
    """Return the QuizgenKinds entry: 'single-choice numeric …', one kind per position in order."""
    return " ".join(kinds)


def read_form(data: bytes, display: str) -> Response:
    """Return the Response held by a filled pdf-form worksheet (PDF bytes)."""
    import io

    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        info = reader.metadata or {}
        fields = reader.get_fields() or {}
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as err:
        raise _problem(display, f"is not a readable PDF: {err}") from None
    entries = {str(key).lstrip("/").lower(): str(value) for key, value in info.items()}
    build, version, kinds = (entries.get(key, "") for key in (FORM_BUILD, FORM_VERSION, FORM_KINDS))
    if not re.fullmatch(r"qg-[0-9a-f]{12}", build) or not re.fullmatch(r"[A-Z]{1,3}", version) or not kinds:
        raise _problem(display, "is a PDF but not a quizgen form (no build id in its document information)")
    kind_list = kinds.split()
    unknown = [k for k in kind_list if k not in KINDS]
    if unknown:
        raise _problem(display, f"names a kind of question this quizgen does not know: {unknown[0]!r}", FORM_KINDS)
    values = {name: _field_value(f) for name, f in fields.items()}
    values |= _split_radio_groups(reader, display)
    answers = {}
    problems: list[Diagnostic] = []
    for position, kind in enumerate(kind_list, start=1):
        try:
            value = _form_value(position, kind, values, fields)
        except ValueError as err:
            field_name, message = err.args
            problems.append(Diagnostic(Location(display, None, field_name), message))
            value = None
        answers[position] = Answer(position, kind, value)
    if problems:
        raise ResponseError(f"{display} was not read", problems)
    student = (values.get("name") or "").strip()
    if not student:
        raise _problem(display, "the form's Name field is empty: whose answers are these?", "name")
    extra = {name: text for name, text in values.items() if name.endswith("-working") and text}
    return Response(display, build, version, student, answers, "pdf-form", entries.get(FORM_WORKSHEET, ""), "", extra)


def _split_radio_groups(reader, display: str) -> dict[str, str | None]:
    """Return the value of each radio group a form holds as several fields of one name.

    Forms made before quizgen.render.pdf joined them hold a question whose
    choices run over a page as one field per page, each numbering its
    buttons from 0 (pypdf's ``get_fields`` keeps the last): each field's
    state is read through its own export values. Two different letters
    ticked cannot be read.
    """
    groups: dict[str, list] = {}
    for reference in reader.trailer["/Root"].get("/AcroForm", {}).get("/Fields", []):
        f = reference.get_object()
        if f.get("/FT") == "/Btn" and "/Kids" in f and "/Opt" in f:
            groups.setdefault(str(f.get("/T", "")), []).append(f)
    out = {}
    for name, fields in groups.items():
        if len(fields) > 1:
            ticked = sorted({v for f in fields if (v := _field_value(f)) is not None})
            if len(ticked) > 1:
                raise _problem(display, f"two choices are ticked, {' and '.join(ticked)} (the question runs over two"
                                        " pages): tick one", name)
            out[name] = ticked[0] if ticked else None
    return out


def _field_value(f) -> str | None:
    """Return a form field's value as text: a text field's text, a check box's or radio group's state."""
    value = f.get("/V")
    if value is None:
        return None
    value = str(value)
    if f.get("/FT") == "/Btn":
        state = value.lstrip("/")
        if state in ("", "Off"):
            return None
        options = f.get("/Opt")
        if options is not None and state.isdigit() and int(state) < len(options):
            return str(options[int(state)])  # WeasyPrint's radios: state n stands for the n-th export value
        return state
    return value


def _form_value(position: int, kind: str, values: dict[str, str | None], fields: dict) -> object:
    """Return one position's value from the form's field values; ValueError(field, message) if it cannot be read."""
    base = f"q{position}"

    def text(name: str) -> str | None:
        raw = values.get(name)
        return raw.strip() or None if raw is not None else None

    numbered = sorted((int(m.group(1)), name) for name in values if (m := re.fullmatch(re.escape(base) + r"-(\d+)", name)))
    if kind in ("single-choice", "numeric", "short-answer", "open-response"):
        value = text(base)
        if kind == "single-choice" and value is not None and not re.fullmatch(r"[A-Z]", value):
            raise ValueError(base, f"found {value!r}, not a choice letter")
        return value
    if kind == "true-false":
        value = text(base)
        return None if value is None else value.lower() == "true"
    if kind == "multiple-response":
        ticked = [m.group(1) for name in sorted(values) if (m := re.fullmatch(re.escape(base) + r"-([A-Z])", name)) and values[name]]
        return tuple(ticked) or None
    if kind == "matching":
        letters = []
        for _, name in numbered:
            value = text(name)
            if value is not None and not re.fullmatch(r"[A-Za-z]", value):
                raise ValueError(name, f"found {value!r}; write one letter")
            letters.append(value.upper() if value else None)
        return tuple(letters) if any(letters) else None
    if kind == "ordering":
        places = []
        for _, name in numbered:
            value = text(name)
            if value is not None and not value.isdecimal():  # not isdigit: "²" is a digit that int() refuses
                raise ValueError(name, f"found {value!r}; write a whole number (1 for the first)")
            places.append(int(value) if value else None)
        return tuple(places) if any(p is not None for p in places) else None
    if kind == "mark-the-words":
        marked = []
        for name in values:
            m = re.fullmatch(re.escape(base) + r"-w(\d+)", name)
            if m and values[name]:
                marked.append((int(m.group(1)), str(fields[name].get("/TU", ""))))
        return tuple(sorted(marked)) or None
    raise ValueError(base, f"unknown kind {kind!r}")


def describe(response: Response) -> str:
    """Return one line about a response: who, which version and build, how much is answered.

    The name is the student's own text: control characters in it are shown
    escaped, so a name cannot move the cursor, recolour or retitle the
    teacher's terminal.
    """
    given = sum(1 for a in response.answers.values() if a.value is not None)
    return (f"{response.path}: {printable(response.student)}, version {response.version} of build {response.build}"
            f" ({response.source}), {given} of {len(response.answers)} answered")


def printable(text: str) -> str:
    """Return ``text`` with each control character (C0, DEL, C1) written as an escape: '\\x1b'."""
    return "".join(ch if unicodedata.category(ch) != "Cc" else ch.encode("unicode_escape").decode("ascii")
                   for ch in text)
