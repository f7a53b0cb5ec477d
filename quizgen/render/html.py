"""Worksheet → interactive pages: one self-contained HTML file per version, to answer on a screen.

Two modes. ``practice`` checks each answer and then shows its explanation,
without holding the answers in readable form (see ``render.seal`` for what
that means and how). ``assessment`` holds no key, explanation or rubric at
all: the student types a name, answers, and saves a response file
(``quizgen.responses``) to hand back.

A page shows what the printed worksheet shows (title, instructions, parts,
excerpts with their line numbers beside the questions that use them,
outside-source cards, citations) from the same context as the PDF
(``render.context.worksheet_context``, which holds no answers), with screen
controls instead of bubbles and boxes. Everything is inline: the styles and
script of ``templates/screen/`` go into the file, fonts are the device's own
(see screen.css), and a Content-Security-Policy forbids every request, so the
page works from a USB stick or an e-mail attachment and can reach nothing.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
from functools import lru_cache
from pathlib import Path

from markupsafe import Markup

from quizgen import model, paths
from quizgen.manifest import build_id
from quizgen.render import render_html
from quizgen.render.context import worksheet_context
from quizgen.responses import SCHEMA_VERSION, passage_tokens

MODES = ("practice", "assessment")

#: What the student is told to do on screen, per kind (the paper's hints speak of bubbles and boxes).
SCREEN_HINTS: dict[str, str] = {
    "single-choice": "Choose one answer.",
    "multiple-response": "Choose every answer that applies.",
    "true-false": "Choose True or False.",
    "short-answer": "Type your answer.",
    "numeric": "Type the number.",
    "matching": "For each numbered item, choose the letter of its match.",
    "ordering": "Put the items in order, first at the top: drag them, or use their Up and Down buttons.",
    "open-response": "Write your answer in full sentences.",
    "mark-the-words": "Select each word that answers the question: click or tap it, or move with the arrow keys"
                      " and press Space. For a phrase, select each of its words.",
}


def page_name(recipe: model.Recipe, version: str, mode: str) -> str:
    """Return the file name of one version's page: sampler-practice-A.html."""
    return f"{recipe.name}-{mode}-{version}.html"


def render_page(worksheet: model.Worksheet, version: model.Version, mode: str) -> str:
    """Return the HTML of ``version``'s interactive page in ``mode`` (practice or assessment)."""
    return render_html("screen/page.html.j2", page_context(worksheet, version, mode))


def page_context(worksheet: model.Worksheet, version: model.Version, mode: str) -> dict:
    """Return the context of one version's page: the worksheet's, with screen controls and the page data."""
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}, not {mode!r}")
    from quizgen.printed import select_stem

    build = build_id(worksheet)
    # A page has no handout beside it: the excerpts are always shown with their questions.
    on_screen = dataclasses.replace(worksheet, recipe=dataclasses.replace(worksheet.recipe, excerpts=True))
    ctx = worksheet_context(on_screen, version, link=False)
    wording = _wording()
    criteria = wording["criteria"]
    ctx["instructions"] = _screen_text(ctx["instructions"], wording["paper_only"])
    by_number = {item.number: item for item in version.items}
    positions = []
    for part in ctx["parts"]:
        for q in part["questions"]:
            item = by_number[q["number"]]
            q["excerpts"] = q["passages"] + q["excerpts"]  # a passage the print shares above a group, shown here with its first question
            q["stem"] = select_stem(item.question)
            q["hint"] = _hint(q)
            if q["number"] == part["questions"][0]["number"]:
                part["instruction"] = _screen_text(part["instruction"], wording["paper_only"])
            q["field"] = f"q{item.number}"
            if q["kind"] == "mark-the-words":
                q["tokens"] = _tokens(item.question.passage)
            if q["kind"] == "open-response":
                q["criteria"] = criteria.get(item.question.subskill) or criteria["default"]
            if q["kind"] == "short-answer":
                q["multiline"] = item.question.lines > 1
            positions.append({"position": item.number, "kind": item.question.kind})
    data = {"format": "quizgen-page", "response_schema": SCHEMA_VERSION, "mode": mode, "build": build,
            "version": version.letter, "worksheet": worksheet.recipe.name, "title": worksheet.recipe.title,
            "positions": positions}
    if mode == "practice":
        from quizgen.render.seal import practice_checks

        data["checks"] = {str(item.number): practice_checks(item, build, version.letter) for item in version.items}
    style, script = _inline("screen/screen.css"), _inline("screen/screen.js")
    ctx.update({
        "mode": mode,
        "build": build,
        "data": data,
        "style": Markup(style),
        "script": Markup(script),
        "csp": content_policy(style, script),
        "page_title": f"{worksheet.recipe.title} — Version {version.letter} ({mode})",
    })
    return ctx


def _hint(q: dict) -> str:
    hint = SCREEN_HINTS[q["kind"]]
    if q["kind"] == "matching":
        unused = len(q["right"]) - len(q["left"])
        if unused == 1:
            hint += " One lettered choice is not used."
        elif unused > 1:
            hint += f" {unused} lettered choices are not used."
    return hint


def _tokens(passage: str) -> list[dict]:
    """Return a passage as runs of text and markable words (with their indices)."""
    return [{"text": text} if index is None else {"text": text, "index": index} for text, index in passage_tokens(passage)]


@lru_cache(maxsize=1)
def _wording() -> dict:
    """Return templates/screen/screen.yml: paper-only sentences, and open answers' criteria by sub-skill."""
    import yaml

    with open(paths.templates_dir() / "screen" / "screen.yml", encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def _screen_text(text: str, paper_only: list[str]) -> str:
    """Return instructions without the sentences that speak of paper and pen."""
    for sentence in paper_only:
        text = text.replace(sentence, "")
    return " ".join(text.split())


def _inline(name: str) -> str:
    """Return a file of templates/ to inline in the page."""
    return (paths.templates_dir() / name).read_text(encoding="utf-8")


def content_policy(style: str, script: str) -> str:
    """Return the page's Content-Security-Policy: its own style and script, and no request of any kind."""
    def source(text: str) -> str:
        return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"

    return (f"default-src 'none'; script-src {source(script)}; style-src {source(style)}; img-src data:;"
            " base-uri 'none'; form-action 'none'")


def page_paths(worksheet: model.Worksheet, mode: str) -> list[tuple[Path, str, str]]:
    """Return (file name, label, HTML) of every version's page in ``mode``."""
    recipe = worksheet.recipe
    return [
        (Path(page_name(recipe, v.letter, mode)), f"{mode} page, version {v.letter}", render_page(worksheet, v, mode))
        for v in worksheet.versions
    ]
