"""Helpers for exporter tests: the hostile-text strategy and readers that undo our escaping.

Import from here in any ``tests/exporters/test_<format>.py``::

    from .support import hostile_text, html_to_text, expected_text
"""

from __future__ import annotations

import html
import re

from conftest import squash  # noqa: F401  (one copy for all tests; re-exported for the exporter tests)
from hypothesis import strategies as st


#: Characters every exporter must survive: GIFT specials, XML/HTML specials,
#: CDATA end, quotes, newlines, Hangul, right-to-left text, astral-plane
#: characters, characters XML 1.0 forbids.
HOSTILE_PIECES = (
    "~", "=", "#", "{", "}", ":", "\\", "\\n", "//", "::", "->", "####", "%50%",
    "]]>", "<![CDATA[", "<", ">", "&", "&amp;", "&#35;", "<p>", "</p>", "<br>",
    "\"", "'", "“", "”", "‘", "’", "\n", "\r\n", "\t", "  ",
    "세기와 더불어", "김일성", "\u05e9\u05dc\u05d5\u05dd", "\u0627\u0644\u062a\u062d\u0631\u064a\u0631", "\u202e", "\u200f",
    "\U0001f1f0\U0001f1f7", "\U0001d54f", "\x00", "\x0b", "\x1f", "\ufffe",
    "$CATEGORY:", "[html]", "[id:x]", "=1936:0", "@SUM(A1)", "+1", "-1",
)


def hostile_text(max_size: int = 40) -> st.SearchStrategy[str]:
    """Return a strategy for text full of characters exporters must escape."""
    alphabet = st.characters(blacklist_categories=("Cs",))
    piece = st.one_of(st.sampled_from(HOSTILE_PIECES), st.text(alphabet, min_size=1, max_size=6))
    return st.lists(piece, min_size=1, max_size=max_size).map("".join)


def long_text(size: int = 20000) -> str:
    """Return one very long hostile string (for a single slow example)."""
    return ("세기와 더불어 ~=#{}:\\ ]]> <&> “x” \u05e9\u05dc\u05d5\u05dd\n" * (size // 40 + 1))[:size]


#: What XML 1.0 cannot hold (§2.2 Char), written here rather than taken from
#: the exporters, so a bug there cannot hide in what the tests expect.
_NOT_XML_CHAR = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
#: Line breaks the exporters agree to turn into LF: CR LF, CR, NEL, LS, PS.
_LINE_BREAKS = re.compile("\r\n?|[\x85\u2028\u2029]")


def expected_text(text: str) -> str:
    """Return what an XML-safe round trip should give back: forbidden characters gone, LF newlines."""
    return _NOT_XML_CHAR.sub("", _LINE_BREAKS.sub("\n", text))


def body_must_carry(item, *, unit: bool = True) -> list[str]:
    """Return the texts of the model a question's exported text must contain, whatever its layout.

    Taken from the question itself, not from the exporters' text builders: the
    stem, a mark-the-words passage (which stands for its excerpt), a numeric
    unit, every excerpt line of other questions.
    """
    from quizgen import model as m

    q = item.question
    stem = q.stem
    if isinstance(q, m.MarkTheWords) and stem.startswith(("Circle ", "Mark ")):
        # Carried as choices, a mark-the-words stem says "Select" instead: the rest must be there.
        stem = stem.split(" ", 1)[1]
    texts = [stem]
    if isinstance(q, m.MarkTheWords):
        # The passage to mark stands for its excerpt, as on paper: the citation is enough.
        texts.append(q.passage)
    elif q.print_excerpts:  # else the stem quotes every passage it needs
        texts += [line for excerpt in item.excerpts for line in excerpt.lines]
    if unit and isinstance(q, m.Numeric) and q.unit:  # unit=False: the format has a unit field
        texts.append(q.unit)
    return texts


def feedback_must_carry(question) -> list[str]:
    """Return the model texts a question's general feedback must contain: explanation, outside source.

    Not for an open question: students see feedback when they submit, before
    the teacher marks, and its explanation says what a good answer says.
    """
    from quizgen import model as m

    if isinstance(question, m.OpenResponse):
        return []
    texts = [question.explanation]
    if question.outside_source is not None:
        texts.append(question.outside_source.says)
    return [t for t in texts if t]


def grader_only(question) -> list[str]:
    """Return the texts of a question only graders may see: rubric, model answer, teacher note, an open question's explanation.

    Written from the model, not from the exporters.
    """
    from quizgen import model as m

    texts = [question.teacher_note]
    if isinstance(question, m.OpenResponse):
        rubric = question.rubric
        texts += [question.model_answer, rubric.proficient, rubric.emergent, rubric.basic, question.explanation]
        texts += [p.description for p in rubric.patterns]
    return [t for t in texts if t and t.strip()]


def assert_carries(got: str, texts: list[str], where: str) -> None:
    """Assert that each of ``texts`` is in ``got`` (whitespace collapsed on both sides)."""
    flat = squash(got)
    for text in texts:
        assert squash(expected_text(text)) in flat, (where, text[:60])


_P = re.compile(r"<p>(.*?)</p>", re.S)


def html_to_text(fragment: str) -> str:
    """Undo ``escape.html_paragraphs`` and the excerpt markup: back to plain text.

    ``<p>`` boundaries become blank lines, ``<br>`` newlines; ``<blockquote>``
    and ``<cite>`` wrappers are dropped; entities are decoded.
    """
    paragraphs = _P.findall(fragment)
    if not paragraphs:
        return html.unescape(fragment)
    out = []
    for p in paragraphs:
        p = p.replace("<br>", "\n").replace("<br/>", "\n").replace("<br />", "\n")
        p = re.sub(r"</?(cite|blockquote|em|strong)>", "", p)
        out.append(html.unescape(p))
    return "\n\n".join(out)


def unzip(data: bytes) -> dict[str, bytes]:
    """Return the entries of a zip export by name (the zip itself checked)."""
    import io
    import zipfile

    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert z.testzip() is None
        return {name: z.read(name) for name in z.namelist()}


def plan_of(fmt: str, worksheet):
    """Return the export plan of ``worksheet`` for format ``fmt`` (what the writer is meant to write)."""
    from quizgen.exporters import get_exporter
    from quizgen.exporters.plan import plan_format

    return plan_format(worksheet, get_exporter(fmt))


def single_words(texts) -> bool:
    """Return whether every text is one word: no space inside, no surrounding punctuation but apostrophes."""
    return all(t and not re.search(r"\s", t) and re.fullmatch(r"\w[\w'’\-]*", t) for t in texts)


def passage_words(text: str, optional=()) -> list[str]:
    """Return the words of ``text`` a student can mark, as an export shows them (written here, not taken from quizgen).

    The words of an ``optional`` phrase (credited either way) are nobody's choice: left out.
    """
    for phrase in optional:
        text = text.replace(phrase, " ", 1)
    return [w for w in (expected_text(w) for w in re.findall(r"\w[\w'’\-]*", text)) if w]


def place(worksheet, version, question) -> str:
    """Return how exports identify ``question`` where students may look: worksheet, version, position ("lib-A-03").

    Written here, not taken from the exporters: the position is zero-padded to
    the version's length (two digits at least), and the question id never appears.
    """
    width = max(2, len(str(len(version.items))))
    number = next(i.number for i in version.items if i.question.id == question.id)
    return f"{worksheet.recipe.name}-{version.letter}-{number:0{width}d}"


def listed_name(worksheet, version, carried) -> str:
    """Return the name an LMS lists a carried question by: its position, then the start of its stem."""
    return place(worksheet, version, carried.plan.question).rsplit("-", 1)[1] + " "


def listed(answers) -> list[str]:
    """Return accepted short answers as the formats that mark typed text list them.

    quizgen sets a final full stop aside; those formats only set case aside,
    so each answer comes with the stop added (or taken away), after the
    answers as written, nothing twice (case aside). Written here from the rule
    in docs/scoring.md, not taken from the exporters.
    """
    out: list[str] = []
    for answer in [*answers, *[_toggle_stop(a) for a in answers]]:
        if answer.strip(". ") and answer.casefold() not in {a.casefold() for a in out}:
            out.append(answer)
    return out


def _toggle_stop(answer: str) -> str:
    text = answer.rstrip()
    return text.rstrip(".").rstrip() if text.endswith(".") else text + "."
