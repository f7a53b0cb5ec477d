"""Worksheet → the fillable PDF (``pdf-form``): the printed worksheet with form fields on its boxes.

The context is the student worksheet's (``render.context.worksheet_context``,
no answers in it) with ``form`` added: the build id, version and each
position's kind, which the templates write as the PDF's document
information, and per question the names of its fields
(``quizgen.responses.form_fields``). The worksheet templates put a field
over each bubble, box and write-on line when ``form`` is given
(``css/form.css`` makes the fields invisible until filled), so the page
prints as the worksheet does. ``render.pdf`` lays it out with WeasyPrint's
PDF forms.
"""

from __future__ import annotations

from quizgen import model
from quizgen.manifest import build_id
from quizgen.render.context import worksheet_context
from quizgen.responses import (FORM_BUILD, FORM_KINDS, FORM_VERSION, FORM_WORKSHEET, form_fields, form_kinds,
                               passage_tokens, passage_words)

#: The stylesheet that turns the worksheet's boxes into fields (after the worksheet's own).
FORM_STYLESHEET = "css/form.css"


def form_name(recipe: model.Recipe, version: str) -> str:
    """Return the file name of one version's fillable PDF: sampler-form-A.pdf."""
    return f"{recipe.name}-form-{version}.pdf"


def form_context(worksheet: model.Worksheet, version: model.Version) -> dict:
    """Return the context of one version's fillable worksheet."""
    ctx = worksheet_context(worksheet, version, link=False)
    build = build_id(worksheet)
    by_number = {item.number: item for item in version.items}
    for part in ctx["parts"]:
        for q in part["questions"]:
            item = by_number[q["number"]]
            q["fields"] = _fields(item)
            if isinstance(item.question, model.MarkTheWords):
                q["tokens"] = _tokens(item.question.passage, q["fields"])
    kinds = [item.question.kind for item in version.items]
    ctx["doc"] = {**ctx["doc"], "stylesheets": [*ctx["doc"]["stylesheets"], FORM_STYLESHEET]}
    ctx["form"] = {
        "metadata": {
            FORM_BUILD: build,
            FORM_VERSION: version.letter,
            FORM_KINDS: form_kinds(kinds),
            FORM_WORKSHEET: worksheet.recipe.name,
        },
        "keywords": f"quizgen form, build {build}, version {version.letter}",
        "build": build,
    }
    return ctx


def _fields(item: model.WorksheetItem) -> dict:
    """Return the field names of an item, by what the templates put them on."""
    q = item.question
    names = form_fields(item.number, q.kind, choices=len(getattr(q, "choices", ())),
                        parts=len(q.pairs) if isinstance(q, model.Matching) else len(item.shuffled),
                        words=len(passage_words(q.passage)) if isinstance(q, model.MarkTheWords) else 0)
    if isinstance(q, model.Numeric):
        return {"answer": names[0], "working": names[1]}
    if isinstance(q, (model.MultipleResponse, model.Matching, model.Ordering, model.MarkTheWords)):
        return {"parts": names}
    return {"answer": names[0]}


def _tokens(passage: str, fields: dict) -> list[dict]:
    """Return the passage as text runs and words, each word with its check box's name."""
    return [{"text": text} if index is None else {"text": text, "field": fields["parts"][index]}
            for text, index in passage_tokens(passage)]
