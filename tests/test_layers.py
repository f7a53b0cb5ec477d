"""Rooms with one job: no import cycle, exporters free of the renderer and the recipe reader, one home per helper, functions that read as steps.

Read from the source with ``ast``: every ``import`` counts, also one inside
a function (it runs too), except those under ``if TYPE_CHECKING:``, which
only type checkers read.
"""

from __future__ import annotations

import ast
import functools
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "quizgen"


def _modules() -> dict[str, Path]:
    out = {}
    for path in PACKAGE.rglob("*.py"):
        name = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        out[name.removesuffix(".__init__")] = path
    return out


MODULES = _modules()


@functools.lru_cache(maxsize=None)
def tree_of(name: str) -> ast.Module:
    return ast.parse(MODULES[name].read_text(encoding="utf-8"))


def _type_checking_lines(tree: ast.Module) -> set[int]:
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and getattr(node.test, "id", getattr(node.test, "attr", "")) == "TYPE_CHECKING":
            for child in node.body:
                lines.update(range(child.lineno, child.end_lineno + 1))
    return lines


def imports_of(name: str) -> set[str]:
    """Return the quizgen modules ``name`` imports (a package's submodule when it names one)."""
    tree = tree_of(name)
    skip = _type_checking_lines(tree)
    found: set[str] = set()
    for node in ast.walk(tree):
        if getattr(node, "lineno", 0) in skip:
            continue
        if isinstance(node, ast.ImportFrom) and node.level == 0 and (node.module or "").startswith("quizgen"):
            for alias in node.names:
                sub = f"{node.module}.{alias.name}"
                found.add(sub if sub in MODULES else node.module)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("quizgen"))
    return {m for m in found if m in MODULES and m != name}


#: Cycles made by function-level imports that the sources package split (issue 17) brought in, each
#: with its reason; listed so that any other cycle fails, and so that this list shrinks as they go
#: (a cycle listed here that no longer exists fails too).
KNOWN_CYCLES = {
    ("quizgen.bankformat", "quizgen.sources.schema"):
        "bankformat.json_schema includes the source-file schema, which is built from bankformat's fields",
    ("quizgen.bank", "quizgen.sources", "quizgen.sources.ingestion", "quizgen.sources.store"):
        "sources.store checks the whole bank (bank.check_bank) before it writes a source into it",
}


def test_no_import_cycles():
    graph = {name: imports_of(name) for name in MODULES}
    cycles = []

    def visit(name: str, path: list[str]) -> None:
        for dep in sorted(graph[name]):
            if dep in path:
                cycles.append(path[path.index(dep):] + [dep])
            elif dep not in done:
                visit(dep, path + [dep])
        done.add(name)

    done: set[str] = set()
    for name in sorted(graph):
        if name not in done:
            visit(name, [name])
    found = {tuple(sorted(set(c))): c for c in cycles}
    unknown = [c for key, c in found.items() if key not in KNOWN_CYCLES]
    assert unknown == [], "import cycles: " + "; ".join(" → ".join(c) for c in unknown)
    assert set(KNOWN_CYCLES) <= set(found), f"gone, so take them off KNOWN_CYCLES: {set(KNOWN_CYCLES) - set(found)}"


@pytest.mark.parametrize("name", sorted(m for m in MODULES if m.startswith("quizgen.exporters")))
def test_exporters_import_neither_the_renderer_nor_the_recipe_reader(name):
    """Exporters read a finished Worksheet; they never lay out pages or read recipes."""
    forbidden = [m for m in imports_of(name)
                 if m.startswith(("quizgen.render", "quizgen.recipe", "quizgen.build", "quizgen.cli", "quizgen.bank"))]
    assert forbidden == [], name


def _defined(function: str) -> list[str]:
    out = []
    for name in MODULES:
        out += [name for node in tree_of(name).body if isinstance(node, ast.FunctionDef) and node.name == function]
    return out


@pytest.mark.parametrize("function, home", [
    ("format_number", "quizgen.printed"), ("letter_of", "quizgen.printed"), ("citation", "quizgen.printed"),
    ("line_runs", "quizgen.printed"), ("repair_note", "quizgen.printed"), ("outside_card", "quizgen.printed"),
    ("shares", "quizgen.scoring"), ("identifier", "quizgen.exporters.package"), ("zip_bytes", "quizgen.exporters.package"),
    ("rubric_text", "quizgen.exporters.wording"), ("xml_text", "quizgen.exporters.escape"),
    ("select_stem", "quizgen.printed"), ("type_name", "quizgen.errors"),
    ("skill_name", "quizgen.printed"), ("subskill_name", "quizgen.printed"),
])
def test_one_home_for_each_helper(function, home):
    """Number formatting, letters, citations, scoring shares, ids: defined once, imported everywhere else."""
    assert _defined(function) == [home]


#: The style rule "functions read as steps (aim for under ~50 lines)", counted from ``def`` to the
#: last line, docstring included (decorators not).
FUNCTION_LINES = 50

#: Functions allowed past FUNCTION_LINES, by qualified name ("quizgen.module.Class.method"), each
#: with the reason it could not be split into steps. None now. One that comes under the limit (or
#: goes) fails the test until it is taken off, so the list only shrinks.
LONG_FUNCTIONS: dict[str, str] = {}


def _function_lengths() -> dict[str, int]:
    """Return the length of every function of quizgen, by qualified name ("quizgen.bank._Shape.value")."""
    lengths = {}

    def visit(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                key = f"{prefix}.{child.name}"  # a name defined twice (say, in if/else) counts its longest
                lengths[key] = max(lengths.get(key, 0), child.end_lineno - child.lineno + 1)
            visit(child, f"{prefix}.{child.name}" if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
                  else prefix)

    for name in MODULES:
        visit(tree_of(name), name)
    return lengths


def test_functions_read_as_steps():
    """No function of quizgen runs past ~50 lines, but for the listed exceptions."""
    lengths = _function_lengths()
    long = [f"{key}: {n} lines" for key, n in sorted(lengths.items()) if n > FUNCTION_LINES and key not in LONG_FUNCTIONS]
    assert not long, (f"split into named steps (at most {FUNCTION_LINES} lines), or list in LONG_FUNCTIONS "
                      f"with the reason: {'; '.join(long)}")
    fixed = [key for key in LONG_FUNCTIONS if lengths.get(key, 0) <= FUNCTION_LINES]
    assert not fixed, f"now short enough (or gone), so take them off LONG_FUNCTIONS: {', '.join(fixed)}"


def _writer_modules() -> list[str]:
    """Return every module of a registered format's writer: its module, or each module of its package."""
    from quizgen.exporters import BUILTIN

    out = []
    for target in BUILTIN.values():
        module = target.split(":")[0]
        out += sorted(m for m in MODULES if m == module or m.startswith(module + "."))
    return out


#: The issue's measure of a writer a newcomer can read in one go ("plan → bytes", under ~200 lines).
WRITER_LINES = 200


@pytest.mark.parametrize("name", _writer_modules())
def test_writers_stay_short(name):
    """Each format's writer, and each part of one that is a package, fits in 200 lines.

    What two writers share belongs in exporters.package, qti12 or moodle; what
    decides text or scoring in the plan, wording or scoring; fixed data in
    templates/ or a data module such as kahoot_template.
    """
    lines = len(MODULES[name].read_text(encoding="utf-8").splitlines())
    assert lines <= WRITER_LINES, f"{name} has {lines} lines"
