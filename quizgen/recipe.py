"""Read a recipe: YAML file + command-line options → frozen Recipe.

This is the only module that reads recipes and ``quizgen build`` options.
A recipe file looks like this (every key is optional except ``questions``)::

    title: Liberation of Korea, 1945
    instructions: Read each excerpt before you answer.
    about_sources: The texts come from North Korean state media.
    name: sampler               # file names: sampler-worksheets.pdf …
    versions: 4
    seed: 1945
    paper: letter               # or a4
    large_print: false
    excerpts: true              # print source excerpts with the questions
    cards: false                # no web access: print outside evidence for verdict
                                # questions and leave out look-it-up ones
    grade_band: 9-10            # the class: 6-8, 9-10 or 11-12 (its questions and younger ones); omit for any
    difficulty: 1-2             # default range for every line below
    kinds: [single-choice]      # default kinds for every line below
    sources: [memoir]           # default sources for every line below
    output: output              # relative to this file; ~ is your home folder
    formats: [pdf, moodle-xml]
    per_version_files: false    # also one PDF per version
    double_sided: true          # class pack: blank page after an odd-length version
    minutes: 40                 # the lesson's time: the build warns when a version needs longer
    shuffle: false              # default: true, or false once a line names questions by id
    answer_sheet: true          # a reusable booklet per version and a short answer sheet per student
    students: 30                # with answer_sheet: answer sheets in the class pack, versions dealt in turn
    questions:
      - id: [memq-juche-year, naeq-order-events]   # picked by hand (or one: `- id: x`)
      - skill: identify-bias    # a skill id or a sub-skill code (B1)
        count: 4
        kinds: [mark-the-words, single-choice]
        difficulty: 1-3
      - skill: B1
        count: 2
    skill_instructions:         # overrides templates/defaults.yml
      corroborate: Say which outside source would settle the claim.

Options given on the command line replace the file's values; ``--questions``
(alias ``--skill``) replaces the whole ``questions`` list and ``--kinds``,
``--sources`` and ``--difficulty`` apply to every line drawn at random. Every
problem is collected and reported at once, each naming the file, line and
field (or the option).

Title, instructions, the text about the sources and the skill instructions
come from the recipe, else from the bank's own ``bank.yaml``, else from
templates/defaults.yml (plain wording true of any bank). ``instructions`` of
the Recipe is the paragraph printed under the title: the text about the
sources, then the instructions.

A line may name questions instead of drawing them (``- id: x`` or ``- id:
[x, y]``): those questions are on every version. Whether they exist is
checked against the bank when the worksheet is assembled; a question named
twice is reported here.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path

from quizgen import model, paths
from quizgen.errors import BankError, Diagnostic, Location, QuizgenError, RecipeError, as_written, close_match, field_path
from quizgen.yamlfile import Lines, load_yaml, unprintable

#: Formats quizgen renders itself (the others are exporters): the printed
#: PDFs, the interactive pages and the fillable PDF.
RENDERED_FORMATS: tuple[str, ...] = ("pdf", "html-practice", "html-assessment", "pdf-form")
#: Most versions a recipe may ask for (A … Z, AA … CV).
MAX_VERSIONS = 100
#: Most questions one line may ask for.
MAX_COUNT = 200
#: Most answer sheets a class pack may hold.
MAX_STUDENTS = 500
PAPERS = ("letter", "a4")
#: Longest title and instructions, in characters. The title is printed on
#: every page; a longer one is a paste gone wrong, and would take minutes to lay out.
MAX_TITLE = 200
MAX_INSTRUCTIONS = 2000
#: Longest lesson a recipe's ``minutes`` may give (a school day).
MAX_MINUTES = 480

_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
_RANGE_RE = re.compile(r"^\s*(\d+)\s*(?:-\s*(\d+))?\s*$")
_SKILL_COUNT_RE = re.compile(r"^\s*([A-Za-z0-9-]+)\s*[=:]\s*(\d+)\s*$")

#: Top-level keys of a recipe file, with the option that overrides each.
KEYS: dict[str, str] = {
    "title": "--title",
    "instructions": "--instructions",
    "name": "--name",
    "versions": "--versions",
    "seed": "--seed",
    "paper": "--paper",
    "large_print": "--large-print",
    "excerpts": "--excerpts",
    "cards": "--cards",
    "grade_band": "--grade-band",
    "difficulty": "--difficulty",
    "kinds": "--kinds",
    "sources": "--sources",
    "output": "--output",
    "formats": "--formats",
    "per_version_files": "--per-version-files",
    "double_sided": "--double-sided",
    "minutes": "--minutes",
    "shuffle": "--shuffle",
    "about_sources": "--about-sources",
    "answer_sheet": "--answer-sheet",
    "students": "--students",
    "questions": "--questions",
    "skill_instructions": "",
}
SELECTION_KEYS = ("skill", "count", "kinds", "sources", "difficulty")
#: The key of a recipe line that names questions instead of drawing them.
PICK_KEY = "id"
#: A bank's own defaults for what its worksheets print, beside its sources/ (see load_defaults).
BANK_INFO = "bank.yaml"
BANK_INFO_KEYS = ("title", "instructions", "about_sources", "skill_instructions")


class _Reader:
    """Collect diagnostics while one recipe's values are checked."""

    def __init__(self, display: str, lines: Lines, from_options: frozenset[str]):
        self.display = display
        self.lines = lines
        self.from_options = from_options
        self.diagnostics: list[Diagnostic] = []

    def bad(self, path: tuple, message: str, *, key: bool = False) -> None:
        top = path[0] if path else ""
        if top in self.from_options:
            # The value came from the command line: name the option, not the file.
            where = Location(KEYS[top] or top)
        else:
            where = Location(self.display, self.lines.of(path, key=key) if self.lines.by_path else None, field_path(path))
        self.diagnostics.append(Diagnostic(where, message))

    def line(self, path: tuple) -> int | None:
        if path and path[0] in self.from_options or not self.lines.by_path:
            return None
        return self.lines.of(path)


def load_defaults(templates: Path | None = None, bank: Path | None = None) -> dict:
    """Return what a worksheet prints unless its recipe says otherwise.

    templates/defaults.yml gives plain wording true of any bank; the bank's
    own bank.yaml (``bank``, default: the shipped bank) replaces any of it,
    skill instructions one skill at a time. Raises BankError naming file,
    line and field for a bank.yaml that is not right.
    """
    path = (templates or paths.templates_dir()) / "defaults.yml"
    data, _ = load_yaml(path, "templates/defaults.yml")
    defaults = dict(data) if isinstance(data, dict) else {}
    own = read_bank_info(Path(bank) if bank is not None else paths.bank_dir())
    skills = {**(defaults.get("skill_instructions") or {}), **own.pop("skill_instructions", {})}
    return {**defaults, **own, "skill_instructions": skills}


def read_bank_info(bank: Path) -> dict:
    """Return the fields of ``bank``/bank.yaml ({} when it has none); BankError listing what is wrong."""
    path = bank / BANK_INFO
    if not path.exists() and not path.is_symlink():
        return {}
    display = f"{bank.name or 'bank'}/{BANK_INFO}"
    data, lines = load_yaml(path, display)
    if data is None:
        return {}
    problems = []

    def bad(where: tuple, message: str, key: bool = False) -> None:
        problems.append(Diagnostic(Location(display, lines.of(where, key=key), field_path(where)), message))

    if not isinstance(data, dict):
        bad((), f"expected fields such as 'title:' ({', '.join(BANK_INFO_KEYS)})")
        data = {}
    out: dict = {}
    for key, value in data.items():
        if key not in BANK_INFO_KEYS:
            bad((key,), f"unknown field '{key}'{close_match(key, BANK_INFO_KEYS)}; bank.yaml has {', '.join(BANK_INFO_KEYS)}", True)
        elif key == "skill_instructions":
            out[key] = _bank_skill_instructions(value, bad)
        elif not isinstance(value, str) and not (isinstance(value, (int, float)) and not isinstance(value, bool)):
            bad((key,), f"expected text, found {as_written(value)}")
        elif len(str(value)) > (longest := MAX_TITLE if key == "title" else MAX_INSTRUCTIONS):
            bad((key,), f"{len(str(value)):,} characters is too long; keep it to {longest:,}")
        else:
            out[key] = str(value)
    if problems:
        noun = "problem" if len(problems) == 1 else "problems"
        raise BankError(f"{len(problems)} {noun} in {display}", problems)
    return out


def _bank_skill_instructions(value: object, bad) -> dict:
    skills = [s.id for s in model.SKILLS]
    if not isinstance(value, dict):
        bad(("skill_instructions",), "expected a mapping of skill id to instruction")
        return {}
    out = {}
    for key, text in value.items():
        if key not in skills:
            bad(("skill_instructions", key), f"'{key}' is not a skill; use one of: {', '.join(skills)}{close_match(key, skills)}", True)
        elif not isinstance(text, str):
            bad(("skill_instructions", key), f"expected text, found {as_written(text)}")
        else:
            out[key] = text
    return out


def load_recipe(
    path: Path | None = None,
    options: Mapping[str, object] | None = None,
    *,
    display: str | None = None,
    templates: Path | None = None,
    bank: Path | None = None,
    default_output: str | None = None,
    allow_outside: bool = False,
) -> model.Recipe:
    """Return the Recipe in ``path`` (default: the shipped sampler) with ``options`` applied.

    ``options`` maps recipe keys (see KEYS) to command-line values: strings
    as typed, booleans for flags, lists for repeatable options, or None for
    "not given". ``bank`` is the bank whose bank.yaml gives the defaults
    (default: the shipped bank); ``default_output`` the folder to write to
    when neither the recipe nor the options name one (a workspace's output/;
    default: output). The file's ``output:`` is resolved against the file's
    folder (``~`` expanded) and must stay inside ``output_area`` unless
    ``allow_outside`` (``--force``); an ``--output`` option is the teacher's
    own choice, relative to the working directory. Raises RecipeError
    listing every problem.
    """
    path = Path(path) if path is not None else paths.default_recipe()
    if display is None:
        display = _display(path)
    values, reader = _read_values(path, display, options or {})
    defaults = load_defaults(templates, bank)
    if default_output is not None:
        defaults["output"] = default_output
    recipe = _build(values, reader, path, defaults, allow_outside)
    if reader.diagnostics:
        # The file's problems in line order, then the options' (stable within a line).
        reader.diagnostics.sort(key=lambda d: (d.location.path.startswith("--"), d.location.line or 0))
        noun = "problem" if len(reader.diagnostics) == 1 else "problems"
        raise RecipeError(f"{len(reader.diagnostics)} {noun} in {_where_problems(reader, display)}", reader.diagnostics)
    assert recipe is not None
    return recipe


def _read_values(path: Path, display: str, options: Mapping[str, object]) -> tuple[dict, _Reader]:
    """Return the recipe file's known fields with the options given over them, and their reader."""
    try:
        data, lines = load_yaml(path, display)
    except QuizgenError as err:
        raise RecipeError(f"cannot read recipe {display}", err.diagnostics) from None
    if data is None:
        data = {}
    given = {k: v for k, v in options.items() if v is not None and v != () and v != []}
    unknown = sorted(set(given) - set(KEYS))
    if unknown:
        raise ValueError(f"unknown recipe options: {', '.join(unknown)}")  # a bug in the CLI, not a user error
    reader = _Reader(display, lines, frozenset(given))
    if not isinstance(data, dict):
        reader.bad((), "expected a mapping of recipe fields (title:, questions: …)")
        raise RecipeError(f"1 problem in recipe {display}", reader.diagnostics)
    for key in data:
        if key not in KEYS:
            reader.bad((key,), f"unknown field '{key}'{close_match(key, KEYS)}", key=True)
    values = {k: v for k, v in data.items() if k in KEYS}
    values.update(given)
    return values, reader


def _where_problems(reader: _Reader, display: str) -> str:
    """Return where a recipe's problems are: the file, the command-line options, or both."""
    from_options = [d.location.path.startswith("--") for d in reader.diagnostics]
    if all(from_options):
        return "the command-line options"
    return f"recipe {display}" + (" and the command-line options" if any(from_options) else "")


def _display(path: Path) -> str:
    """Return a short path for messages: relative to the working directory when inside it."""
    try:
        where = Path(os.path.abspath(path))  # not resolve(): name a link as the teacher wrote it
        return str(where.relative_to(Path.cwd().resolve()))
    except ValueError:
        shipped = paths.bank_dir().resolve()
        try:
            return "banks/" + where.relative_to(shipped).as_posix()
        except ValueError:
            return str(path)


def output_area(recipe_file: Path) -> Path:
    """Return the folder a recipe's ``output:`` may point into without --output or --force.

    That is the workspace the recipe is in (the folder of its
    quizgen-workspace.yaml), else the bank it belongs to (the folder above its
    ``recipes/`` folder when that holds claims/, questions/ or sources/), else
    the recipe's own folder. A recipe shared with a bank cannot send a build,
    and its clean-up, into any other folder of the teacher's.
    """
    from quizgen.workspace import find_marker

    folder = Path(os.path.abspath(recipe_file)).parent
    marker = find_marker(folder)
    if marker is not None:
        return marker.parent
    if folder.name == "recipes" and any((folder.parent / name).is_dir() for name in ("claims", "questions", "sources")):
        return folder.parent
    return folder


def _output(values: dict, r: _Reader, path: Path, default: str, allow_outside: bool) -> str:
    """Return the output folder: an option or the default as given (``~`` expanded), the file's resolved against it."""
    output = values.get("output", default)
    if not isinstance(output, str) or not output.strip():
        r.bad(("output",), f"expected a folder name, found {as_written(output)}")
        return "output"
    if problem := unprintable(output, "the folder name"):
        r.bad(("output",), problem)
        return "output"
    if "output" in r.from_options or "output" not in values:
        return os.path.expanduser(output)
    where = Path(os.path.normpath(Path(os.path.abspath(path)).parent / os.path.expanduser(output)))
    area = output_area(path)
    if not allow_outside and not where.resolve().is_relative_to(area.resolve()):
        through = f" (a link to {where.resolve()})" if where.resolve() != where else ""
        r.bad(("output",), f"'{output}' would write to {where}{through}, outside {area}, the folder of this recipe; to "
                           f"write there, give --output {where} on the command line, or use --force")
    return str(where)


def _build(values: dict, r: _Reader, path: Path, defaults: dict, allow_outside: bool = False) -> model.Recipe | None:
    title = _text(values, "title", r, defaults.get("title", "Worksheet"), longest=MAX_TITLE)
    instructions = _text(values, "instructions", r, defaults.get("instructions", ""), empty_ok=True,
                         longest=MAX_INSTRUCTIONS)
    about_sources = _text(values, "about_sources", r, defaults.get("about_sources", ""), empty_ok=True,
                          longest=MAX_INSTRUCTIONS)
    name = _name(values, r, path)
    versions = _int(values, "versions", r, 1, 1, MAX_VERSIONS)
    seed = _int(values, "seed", r, 1, 0, 2**63 - 1)
    paper = _paper(values, r)
    large_print = _bool(values, "large_print", r, False)
    excerpts = _bool(values, "excerpts", r, True)
    cards = _bool(values, "cards", r, False)
    per_version = _bool(values, "per_version_files", r, False)
    double_sided = _bool(values, "double_sided", r, True)
    minutes = _int(values, "minutes", r, 0, 1, MAX_MINUTES) if "minutes" in values else None
    answer_sheet, students = _answer_sheet(values, r)
    grade_band = _grade_band(values, r)
    output = _output(values, r, path, defaults.get("output", "output"), allow_outside)
    formats = _formats(values, r)
    difficulty = _range(values.get("difficulty", "1-3"), ("difficulty",), r)
    kinds = _kinds(values.get("kinds", []), ("kinds",), r)
    sources = _ids(values.get("sources", []), ("sources",), r)
    selections = _selections(values, r, difficulty, kinds, sources)
    shuffle = _bool(values, "shuffle", r, not any(s.id for s in selections))
    skill_instructions = _skill_instructions(values, defaults, r)
    return model.Recipe(
        title=title,
        instructions=_printed_instructions(about_sources, instructions),
        about_sources=about_sources,
        shuffle=shuffle,
        questions=selections,
        grade_band=grade_band,
        versions=versions,
        seed=seed,
        paper=paper,
        large_print=large_print,
        excerpts=excerpts,
        cards=cards,
        output=output,
        formats=formats,
        per_version_files=per_version,
        double_sided=double_sided,
        minutes=minutes,
        answer_sheet=answer_sheet,
        students=students,
        name=name,
        skill_instructions=skill_instructions,
        path=r.display,
    )


def _name(values: dict, r: _Reader, path: Path) -> str:
    """Return the name the files are called by: the recipe's ``name:``, else its file name."""
    name = values.get("name", path.stem if path.stem != "default" else "worksheet")
    if isinstance(name, str) and (problem := unprintable(name)):
        r.bad(("name",) if "name" in values else (), problem)
    elif not isinstance(name, str) or not _NAME_RE.fullmatch(name):
        if "name" in values:
            r.bad(("name",), f"'{name}' is not a file name (letters, digits, '.', '_' and '-')")
        else:  # taken from the recipe's file name, which the teacher chose freely
            r.bad((), f"the file name '{name}' cannot name the PDFs (letters, digits, '.', '_' and '-' only); "
                      "add a line such as 'name: my-worksheet'")
    return name if isinstance(name, str) else "worksheet"


def _paper(values: dict, r: _Reader) -> str:
    paper = values.get("paper", "letter")
    if not isinstance(paper, str) or paper.lower() not in PAPERS:
        r.bad(("paper",), f"'{paper}' is not a paper size; use letter or a4")
        return "letter"
    return paper.lower()


def _answer_sheet(values: dict, r: _Reader) -> tuple[bool, int]:
    """Return answer-sheet mode and how many students' sheets (0: none) the class pack holds."""
    answer_sheet = _bool(values, "answer_sheet", r, False)
    students = _int(values, "students", r, 0, 1, MAX_STUDENTS) if "students" in values else 0
    if students and not answer_sheet:
        r.bad(("students",), "answer sheets per student need answer-sheet mode: add 'answer_sheet: true'"
                             " (or --answer-sheet); a worksheet class pack holds each version once")
    return answer_sheet, students


def _grade_band(values: dict, r: _Reader) -> str | None:
    grade_band = values.get("grade_band")
    if grade_band is None:
        return None
    grade_band = str(grade_band)
    if grade_band not in model.GRADE_BANDS:
        r.bad(("grade_band",), f"'{grade_band}' is not one of: {', '.join(model.GRADE_BANDS)}"
                               f"{close_match(grade_band, model.GRADE_BANDS)}")
    return grade_band


def read_filter(options: Mapping[str, object]) -> tuple[model.Selection, str | None, bool]:
    """Return the question filter that command-line options describe, read as a recipe line is.

    ``options`` may hold ``skill`` (a skill or sub-skill code), ``kinds``,
    ``sources``, ``difficulty``, ``grade_band`` and ``cards``; None or empty
    means "any". Returns (line, grade band, cards) for catalog.select, so
    `quizgen bank list` and `bank show` filter exactly as a recipe draws.
    Raises RecipeError naming each option at fault.
    """
    given = {k: v for k, v in options.items() if v is not None and v != "" and v != () and v != []}
    r = _Reader("", Lines(), frozenset(given) | {"questions"})
    skill = _skill(given["skill"], ("questions",), r) if "skill" in given else ""
    kinds = _kinds(given.get("kinds", []), ("kinds",), r)
    sources = _ids(given.get("sources", []), ("sources",), r)
    difficulty = _range(given.get("difficulty", "1-3"), ("difficulty",), r)
    grade_band = given.get("grade_band")
    if grade_band is not None and str(grade_band) not in model.GRADE_BANDS:
        r.bad(("grade_band",), f"'{grade_band}' is not one of: {', '.join(model.GRADE_BANDS)}"
                               f"{close_match(grade_band, model.GRADE_BANDS)}")
    if r.diagnostics:
        # The filter's option is --skill (questions of a skill), where a recipe's is --questions.
        raise RecipeError("", [Diagnostic(Location("--skill"), d.message, d.subject, d.severity)
                               if d.location.path == KEYS["questions"] else d for d in r.diagnostics])
    line = model.Selection(skill or "", 0, kinds, sources, difficulty)
    return line, str(grade_band) if grade_band is not None else None, bool(given.get("cards"))


def _printed_instructions(about_sources: str, instructions: str) -> str:
    """Return the paragraph printed under the title: the text about the sources, then the instructions."""
    parts = [p for p in (about_sources, instructions) if p]
    return ("\n\n" if any("\n\n" in p for p in parts) else " ").join(parts)


# -- field readers ----------------------------------------------------------


def _text(values: dict, key: str, r: _Reader, default: str, empty_ok: bool = False, longest: int = 0) -> str:
    value = values.get(key, default)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)  # title: 1945 is text a teacher means
    if not isinstance(value, str) or (not empty_ok and not value.strip()):
        r.bad((key,), f"expected text, found {as_written(value)}")
        return default
    if problem := unprintable(value):  # from a command-line option; the YAML reader checks files
        r.bad((key,), problem)
        return default
    if longest and len(value) > longest:
        r.bad((key,), f"{len(value):,} characters is too long; keep it to {longest:,}")
        return default
    return " ".join(value.split()) if "\n\n" not in value else value.strip()


def _int(values: dict, key: str, r: _Reader, default: int, low: int, high: int) -> int:
    value = values.get(key, default)
    if isinstance(value, str) and re.fullmatch(r"\s*[+-]?\d+\s*", value):  # an option's text: '-3' is a number too
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        r.bad((key,), f"expected a whole number, found {as_written(value)}")
        return default
    if not low <= value <= high:
        r.bad((key,), f"{value} is out of range ({low} to {high})")
        return default
    return value


def _bool(values: dict, key: str, r: _Reader, default: bool) -> bool:
    value = values.get(key, default)
    if not isinstance(value, bool):
        r.bad((key,), f"expected true or false, found {as_written(value)}")
        return default
    return value


def _range(value: object, path: tuple, r: _Reader) -> tuple[int, int]:
    """Read a difficulty: 2, '1-2' or [1, 2]."""
    low = high = None
    if isinstance(value, int) and not isinstance(value, bool):
        low = high = value
    elif isinstance(value, str) and (m := _RANGE_RE.match(value)):
        low, high = int(m.group(1)), int(m.group(2) or m.group(1))
    elif isinstance(value, list) and len(value) == 2 and all(isinstance(v, int) and not isinstance(v, bool) for v in value):
        low, high = value
    if low is None or high is None or not 1 <= low <= high <= 3:
        r.bad(path, f"'{value}' is not a difficulty like 2 or 1-3 (1 easy … 3 hard)")
        return (1, 3)
    return (low, high)


def _list(value: object, path: tuple, r: _Reader) -> list:
    """Accept a YAML list or a comma-separated string (as typed after an option)."""
    if isinstance(value, str):
        if problem := unprintable(value):  # from an option; a message must not print the character
            r.bad(path, problem)
            return []
        items = [v.strip() for v in value.split(",") if v.strip()]
        if value.strip() and not items:  # ",," would quietly mean "no filter"
            r.bad(path, f"{value!r} names nothing; give names separated by commas")
        return items
    if isinstance(value, (list, tuple)):
        return list(value)
    r.bad(path, f"expected a list, found {as_written(value)}")
    return []


def _kinds(value: object, path: tuple, r: _Reader) -> tuple[str, ...]:
    out = []
    for i, kind in enumerate(_list(value, path, r)):
        if not isinstance(kind, str):
            r.bad(path + (i,) if isinstance(value, list) else path, f"expected a question kind, found {as_written(kind)}")
            continue
        if kind not in model.QUESTION_KINDS:
            r.bad(path + (i,) if isinstance(value, list) else path,
                  f"'{kind}' is not a question kind; use one of: {', '.join(model.QUESTION_KINDS)}{close_match(kind, model.QUESTION_KINDS)}")
            continue
        out.append(kind)
    return tuple(out)


def _ids(value: object, path: tuple, r: _Reader) -> tuple[str, ...]:
    out = []
    for i, item in enumerate(_list(value, path, r)):
        if not isinstance(item, str) or not item:
            r.bad(path + (i,) if isinstance(value, list) else path, f"expected a source id, found {as_written(item)}")
            continue
        out.append(item)
    return tuple(out)


def _formats(values: dict, r: _Reader) -> tuple[str, ...]:
    from quizgen import exporters

    known = [*RENDERED_FORMATS, *exporters.names()]
    out = []
    for i, name in enumerate(_list(values.get("formats", ["pdf"]), ("formats",), r)):
        where = ("formats", i) if isinstance(values.get("formats"), list) else ("formats",)
        if not isinstance(name, str):
            r.bad(where, f"expected a format name, found {as_written(name)}")
            continue
        if name not in known:
            r.bad(where, f"'{name}' is not a format; use one of: {', '.join(known)}{close_match(name, known)}")
            continue
        if name not in out:
            out.append(name)
    if not out and "formats" in values and not any(d.location.field and d.location.field.startswith("formats")
                                                   or d.location.path == "--formats" for d in r.diagnostics):
        r.bad(("formats",), "name at least one format")
    return tuple(out or ["pdf"])


def _skill(value: object, path: tuple, r: _Reader) -> str | None:
    names = [s.id for s in model.SKILLS] + list(model.SUBSKILLS)
    if isinstance(value, str) and value.upper() in model.SUBSKILLS:
        return value.upper()
    if value not in names:
        r.bad(path, f"'{value}' is not a skill or sub-skill; use one of: {', '.join(names)}{close_match(value, names)}")
        return None
    return str(value)


def _selections(values: dict, r: _Reader, difficulty, kinds, sources) -> tuple[model.Selection, ...]:
    raw = values.get("questions")
    out: list[model.Selection] = []
    if raw is None:
        r.bad(("questions",), "missing required field 'questions' (a list of skills and counts)")
        return ()
    if "questions" in r.from_options:
        return _option_selections(raw, r, difficulty, kinds, sources)
    if not isinstance(raw, list) or not raw:
        r.bad(("questions",), "expected a list of skills and counts, e.g. '- skill: date-checking' with 'count: 4'")
        return ()
    # A command-line --kinds/--sources/--difficulty beats what each line says.
    forced = {k for k in ("kinds", "sources", "difficulty") if k in r.from_options}
    named: dict[str, str] = {}  # question id -> where it was first named
    for i, item in enumerate(raw):
        path = ("questions", i)
        if isinstance(item, dict) and PICK_KEY in item:
            pick = _pick(item, path, r, named)
            if pick is not None:
                out.append(pick)
            continue
        drawn = _drawn(item, path, r, forced, (difficulty, kinds, sources))
        if drawn is not None:
            out.append(drawn)
    return tuple(out)


def _option_selections(raw, r: _Reader, difficulty, kinds, sources) -> tuple[model.Selection, ...]:
    """Read --questions date-checking=4 (repeatable): skill and count only."""
    out: list[model.Selection] = []
    for text in _list(raw, ("questions",), r):
        m = _SKILL_COUNT_RE.match(str(text))
        if not m:
            r.bad(("questions",), f"'{text}' is not SKILL=COUNT, e.g. date-checking=4 or B1=2")
            continue
        skill = _skill(m.group(1), ("questions",), r)
        count = int(m.group(2))
        if not 1 <= count <= MAX_COUNT:
            r.bad(("questions",), f"{count} is out of range (1 to {MAX_COUNT})")
            continue
        if skill:
            out.append(model.Selection(skill, count, kinds, sources, difficulty, option=f"--questions {str(text).strip()}",
                                       sources_option="--sources" if "sources" in r.from_options else ""))
    return tuple(out)


def _drawn(item: object, path: tuple, r: _Reader, forced: set[str], whole: tuple) -> model.Selection | None:
    """Read a line that draws questions (skill, count, and its own kinds, sources, difficulty)."""
    difficulty, kinds, sources = whole  # the recipe's, unless the line says otherwise
    if not isinstance(item, dict):
        hint = f"; to name a question, write '- id: {item}'" if isinstance(item, str) else ""
        r.bad(path, f"expected 'skill:' and 'count:' (or 'id:'), found {as_written(item)}{hint}")
        return None
    for key in item:
        if key not in SELECTION_KEYS:
            r.bad(path + (key,), f"unknown field '{key}'{close_match(key, SELECTION_KEYS)}", key=True)
    if "skill" not in item:
        r.bad(path, "missing required field 'skill'")
        return None
    skill = _skill(item["skill"], path + ("skill",), r)
    count = _int(item, "count", _Sub(r, path), 1, 1, MAX_COUNT) if "count" in item else None
    if count is None:
        r.bad(path, "missing required field 'count'")
        return None
    own = set(item) - forced  # the line's own value wins unless an option forced the recipe's
    line_kinds = _kinds(item["kinds"], path + ("kinds",), r) if "kinds" in own else kinds
    line_sources = _ids(item["sources"], path + ("sources",), r) if "sources" in own else sources
    line_diff = _range(item["difficulty"], path + ("difficulty",), r) if "difficulty" in own else difficulty
    if not skill:
        return None
    return model.Selection(skill, count, line_kinds, line_sources, line_diff, line=r.line(path),
                           sources_option="--sources" if "sources" in forced else "")


def _pick(item: dict, path: tuple, r: _Reader, named: dict[str, str]) -> model.Selection | None:
    """Read a line that names questions (``id: x`` or ``id: [x, y]``); report a question named twice."""
    for key in item:
        if key != PICK_KEY:
            r.bad(path + (key,), f"a line names questions with 'id:' or draws them with 'skill:' and 'count:', "
                                 f"not both; put '{key}:' on a line of its own", key=True)
    value = item[PICK_KEY]
    listed = isinstance(value, list)
    if listed and not value:
        r.bad(path + (PICK_KEY,), "names no question; write '- id: question-id' or a list of ids")
        return None
    ids, places = [], []
    for j, ident in enumerate(value if listed else [value]):
        where = path + (PICK_KEY, j) if listed else path + (PICK_KEY,)
        if not isinstance(ident, str) or not ident.strip():
            r.bad(where, f"expected a question id, found {as_written(ident)}")
            continue
        ident = ident.strip()
        place = f"{field_path(where)}" + (f", line {r.line(where)}" if r.line(where) else "")
        if ident in named:
            r.bad(where, f"question '{ident}' is named twice (first at {named[ident]}); each question is printed once")
            continue
        named[ident] = place
        ids.append(ident)
        places.append((field_path(where), r.line(where)))
    if not ids:
        return None
    return model.Selection("", len(ids), line=r.line(path), id=tuple(ids), id_places=tuple(places))


class _Sub:
    """A reader for fields nested under ``base`` (lets _int report the full path)."""

    def __init__(self, reader: _Reader, base: tuple):
        self.reader = reader
        self.base = base

    def bad(self, path: tuple, message: str, *, key: bool = False) -> None:
        self.reader.bad(self.base + path, message, key=key)


def _skill_instructions(values: dict, defaults: dict, r: _Reader) -> tuple[tuple[str, str], ...]:
    merged = {s.id: "" for s in model.SKILLS}
    merged.update({k: str(v) for k, v in (defaults.get("skill_instructions") or {}).items() if k in merged})
    given = values.get("skill_instructions", {})
    if not isinstance(given, dict):
        r.bad(("skill_instructions",), "expected a mapping of skill id to instruction")
        given = {}
    for key, text in given.items():
        if key not in merged:
            r.bad(("skill_instructions", key), f"'{key}' is not a skill; use one of: {', '.join(merged)}{close_match(key, merged)}", key=True)
        elif not isinstance(text, str):
            r.bad(("skill_instructions", key), f"expected text, found {as_written(text)}")
        else:
            merged[key] = " ".join(text.split())
    return tuple(merged.items())


def describe(selection: model.Selection, grade_band: str | None = None) -> str:
    """Return a selection in a teacher's words: '6 date-checking questions of difficulty ≤ 2 from source memoir'."""
    kinds = list(selection.kinds)
    kind_words = (", ".join(kinds[:-1]) + " or " + kinds[-1] if len(kinds) > 1 else "".join(kinds)) + " " if kinds else ""
    noun = "question" if selection.count == 1 else "questions"
    text = f"{selection.count} {selection.skill} {kind_words}{noun}"
    low, high = selection.difficulty
    if (low, high) != (1, 3):
        if low == high:
            text += f" of difficulty {low}"
        elif low == 1:
            text += f" of difficulty ≤ {high}"
        elif high == 3:
            text += f" of difficulty ≥ {low}"
        else:
            text += f" of difficulty {low}-{high}"
    if grade_band:
        text += f" for grades {grade_band}" + ("" if grade_band == model.GRADE_BANDS[0] else " or below")
    if selection.sources:
        label = "source" if len(selection.sources) == 1 else "sources"
        text += f" from {label} {', '.join(selection.sources)}"
    return text
