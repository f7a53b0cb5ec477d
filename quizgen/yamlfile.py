"""Read YAML that a teacher edits by hand, safely, remembering where each value was.

PyYAML composes the document into nodes (which keep line marks); we build
plain Python values from those nodes ourselves so that:

- only the standard YAML tags are accepted (a ``!!python/object`` tag is an
  error naming its line, never constructed);
- aliases are allowed but the expanded document is capped, so an alias bomb
  stops with a clear error instead of eating memory;
- duplicate keys are an error instead of silently keeping the last one;
- every value's line is kept in a ``Lines`` map keyed by its path.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from quizgen import characters
from quizgen.errors import BankError, Diagnostic, Location, field_path
from quizgen.inputs import Unreadable, read_limited

#: Largest YAML file we read; a bank file is a few hundred kilobytes at most.
MAX_BYTES = 2 * 1024 * 1024
#: Most values a document may expand to (aliases included).
MAX_NODES = 200_000
#: Deepest nesting accepted.
MAX_DEPTH = 64

_SCALAR_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
}

Path_ = tuple  # a path into the document: keys and indexes


@dataclass
class Lines:
    """Map from a value's path (keys and list indexes) to its 1-based line."""

    by_path: dict[tuple, int] = field(default_factory=dict)
    key_lines: dict[tuple, int] = field(default_factory=dict)

    def of(self, path: tuple, key: bool = False) -> int:
        """Return the line of ``path``; falls back to the nearest parent.

        With ``key=True`` the line of the mapping key is preferred (useful
        for unknown-key messages).
        """
        probe = tuple(path)
        if key and probe in self.key_lines:
            return self.key_lines[probe]
        while probe:
            if probe in self.by_path:
                return self.by_path[probe]
            probe = probe[:-1]
        return self.by_path.get((), 1)


class _Builder:
    """Turn composed YAML nodes into Python values, recording lines."""

    def __init__(self, display: str):
        self.display = display
        self.lines = Lines()
        self.count = 0
        self.constructor = yaml.SafeLoader("")

    def fail(self, node: yaml.Node, message: str, path: tuple = ()) -> BankError:
        loc = Location(self.display, node.start_mark.line + 1, field_path(path))
        return BankError(f"cannot read {self.display}", [Diagnostic(loc, message)])

    def build(self, node: yaml.Node, path: tuple = (), depth: int = 0):
        self.count += 1
        if self.count > MAX_NODES:
            raise self.fail(node, f"document expands to more than {MAX_NODES} values (alias bomb?)")
        if depth > MAX_DEPTH:
            raise self.fail(node, f"nesting deeper than {MAX_DEPTH} levels")
        self.lines.by_path.setdefault(path, node.start_mark.line + 1)
        if isinstance(node, yaml.ScalarNode):
            value = self.scalar(node)
            # The file's own characters were checked before parsing: this one was written as an escape ("\u202e").
            if isinstance(value, str) and (problem := unprintable(value, "the value", escaped=True)):
                raise self.fail(node, problem, path)
            return value
        if isinstance(node, yaml.SequenceNode):
            if node.tag not in ("tag:yaml.org,2002:seq",):
                raise self.fail(node, f"tag {node.tag!r} is not allowed")
            return [self.build(item, path + (i,), depth + 1) for i, item in enumerate(node.value)]
        if isinstance(node, yaml.MappingNode):
            if node.tag not in ("tag:yaml.org,2002:map",):
                raise self.fail(node, f"tag {node.tag!r} is not allowed")
            result: dict = {}
            for key_node, value_node in node.value:
                if not isinstance(key_node, yaml.ScalarNode):
                    raise self.fail(key_node, "a key must be a plain word, not a list or mapping")
                if key_node.tag == "tag:yaml.org,2002:merge":
                    raise self.fail(key_node, "merge keys ('<<') are not supported; write the fields out")
                key = self.scalar(key_node)
                if not isinstance(key, (str, int)):
                    key = str(key)
                if isinstance(key, str) and (problem := unprintable(key, "the key", escaped=True, allowed="")):
                    raise self.fail(key_node, problem, path)
                if key in result:
                    raise self.fail(key_node, f"key '{key}' appears twice in the same mapping")
                self.lines.key_lines[path + (key,)] = key_node.start_mark.line + 1
                result[key] = self.build(value_node, path + (key,), depth + 1)
            return result
        raise self.fail(node, "unexpected YAML node")

    def scalar(self, node: yaml.ScalarNode):
        if node.tag not in _SCALAR_TAGS:
            raise self.fail(node, f"tag {node.tag!r} is not allowed (only plain YAML values)")
        if node.tag == "tag:yaml.org,2002:timestamp":
            return node.value  # keep dates as the text the teacher wrote
        try:
            value = self.constructor.construct_object(node, deep=True)
        except (yaml.YAMLError, ValueError, OverflowError) as err:
            raise self.fail(node, f"cannot read value {node.value!r}: {err}") from None
        return value


def unprintable(text: str, what: str = "the text", *, escaped: bool = False, allowed: str = "\t\n") -> str:
    """Return what is wrong with a text that holds a character no page should print, else ''.

    The rule (control, bidirectional and invisible format characters) is
    ``quizgen.characters``'; the message names the character and where it is in the text.
    """
    found = characters.first(text, allowed=allowed)
    if found is None:
        return ""
    index, ch, problem = found
    where = f" (written as an escape, character {index + 1} of it)" if escaped else ""
    return f"{what} holds {characters.name(ch)}{where}, {problem}; delete it"


def _check_characters(text: str, display: str) -> None:
    """Raise BankError naming line, column and character for the first one typed into the file that may not be there."""
    found = characters.first(text, allowed="\t\n\r")
    if found is not None:
        index, ch, problem = found
        line, column = characters.line_and_column(text, index)
        raise BankError(f"cannot read {display}", [
            Diagnostic(Location(display, line, column=column), characters.describe(ch, problem))])


#: What usually causes PyYAML's commonest complaints, in a teacher's words.
_YAML_HINTS = (
    ("mapping values are not allowed",
     "if this line's text contains ': ', put the text in quotes (stem: \"Read: the …\"); "
     "if it is a 'key: value' line, line it up with the keys around it"),
    ("found character '\\t'", "indent with spaces, not tabs"),
    ("expected <block end>", "check this line's indentation: it must line up with the lines of the same list or entry"),
    ("could not find expected ':'", "check the line before: a 'key: value' line may be missing its ':' or its closing quote"),
    ("did not find expected key", "check this line's indentation and that every '- ' list item lines up"),
    ("did not find expected '-' indicator", "check this line's indentation: list items start with '- ' at the same column"),
)


_OPENS_QUOTE = re.compile(r"""^\s*(?:-\s+)?[\w-]+:\s+(["'])""")


#: How far back a runaway quote is looked for, in lines.
_LOOK_BACK = 60

#: Errors a runaway quote causes: the text after the place it closes is read as stray.
_RUNAWAY = re.compile(r"found '<scalar>'|could not find expected ':'|found unexpected end of stream")


def _runaway_quote(err: yaml.MarkedYAMLError, problem: str, text: str, line: int | None) -> tuple[int, str] | None:
    """Return (line, quote mark) where a quote left open begins, if that is what ``err`` is about, else None."""
    lines = text.splitlines()
    if err.context and "quoted scalar" in err.context and err.context_mark:
        # It ran on to the end of the file: PyYAML marks where it opened.
        n, column = err.context_mark.line, err.context_mark.column
        return n + 1, (lines[n][column] if n < len(lines) and column < len(lines[n]) else '"')
    if not line or not _RUNAWAY.search(problem):
        return None
    # It closed at a quote mark on the failing line. Look back for the nearest
    # value that opens a quote: the lines between, keys included, were
    # swallowed by the runaway text. The failing line's own quotes may look
    # balanced, since its first one is where the runaway ended.
    failing = lines[line - 1] if line <= len(lines) else ""
    for n in range(min(line, len(lines)), max(0, line - _LOOK_BACK), -1):
        match = _OPENS_QUOTE.match(lines[n - 1])
        if not match:
            continue
        quote, rest = match.group(1), lines[n - 1][match.end():]
        closed = rest.replace("\\\\", "").replace('\\"', "") if quote == '"' else rest.replace("''", "")
        if quote not in closed and (quote in failing or n == line):
            return n, quote
        if n < line:
            return None
    return None


def yaml_hint(problem: str) -> str:
    """Return a plain hint for a PyYAML error message, or ''."""
    return next((hint for marker, hint in _YAML_HINTS if marker in problem), "")


def load_yaml(path: Path, display: str | None = None) -> tuple[object, Lines]:
    """Return the value of a YAML file and the line of every value in it.

    Raises BankError (one diagnostic, naming the file and line) for a file
    that is too large, not UTF-8, not valid YAML, or uses a disallowed tag.
    """
    display = display or str(path)
    try:
        raw = read_limited(path, MAX_BYTES)
    except Unreadable as err:
        reason = str(err)
        reason = "cannot open: " + reason if reason.startswith("is a folder") else reason
        raise BankError(f"cannot read {display}", [Diagnostic(Location(display), reason)]) from None
    return parse_yaml(raw, display)


#: libyaml's composer when PyYAML was built with it (its wheels are): about
#: 15 times faster than the pure-Python one on the shipped bank.
_FAST_LOADER = getattr(yaml, "CSafeLoader", None)


def _compose(text: str):
    """Compose ``text`` into nodes, with libyaml when present.

    A document libyaml rejects is composed again in pure Python, so the
    error a teacher reads is worded the same on every machine.
    """
    if _FAST_LOADER is not None:
        try:
            return yaml.compose(text, Loader=_FAST_LOADER)
        except yaml.YAMLError:
            pass
    return yaml.compose(text, Loader=yaml.SafeLoader)


def parse_yaml(raw: bytes, display: str) -> tuple[object, Lines]:
    """Parse YAML bytes; see load_yaml."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        raise BankError(
            f"cannot read {display}",
            [Diagnostic(Location(display, line), f"not UTF-8 text (byte 0x{raw[err.start]:02x}); save the file as UTF-8")],
        ) from None
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise BankError(f"cannot read {display}", [Diagnostic(Location(display, line), "file contains NUL bytes; is it a binary file?")])
    _check_characters(text, display)  # typed into the file itself (PyYAML would give no line)
    try:
        node = _compose(text)
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line = mark.line + 1 if mark else None
        problem = (err.problem or err.context or "invalid YAML").strip()
        # PyYAML notices an unclosed bracket or quote where parsing fails,
        # often a line later; name the line where the construct began too.
        if err.context and err.context_mark and err.problem_mark and err.context_mark.line != err.problem_mark.line:
            problem += f" ({err.context.strip()} that starts on line {err.context_mark.line + 1})"
        hint = yaml_hint(problem)
        opened = _runaway_quote(err, problem, text, line)
        if opened:
            # A quote left open runs on into the next lines and the parser fails
            # where it closes, a line or more later: the cause is where it opened.
            line, quote = opened
            inside = "written twice ('')" if quote == "'" else 'written \\"'
            hint = (f"this line opens a quote ({quote}) that it does not close; a {quote} inside the quoted text "
                    f"must be {inside}, or write the text as a '>-' block without quotes")
        raise BankError(f"cannot read {display}",
                        [Diagnostic(Location(display, line), f"invalid YAML: {problem}" + (f"; {hint}" if hint else ""))]) from None
    except yaml.YAMLError as err:
        raise BankError(f"cannot read {display}", [Diagnostic(Location(display), f"invalid YAML: {err}")]) from None
    except RecursionError:
        raise BankError(f"cannot read {display}", [Diagnostic(Location(display), "YAML nested too deeply")]) from None
    if node is None:
        return None, Lines()
    builder = _Builder(display)
    try:
        value = builder.build(node)
    except RecursionError:
        raise BankError(f"cannot read {display}", [Diagnostic(Location(display), "YAML nested too deeply")]) from None
    return value, builder.lines
