"""The exporter registry: names, suggestions, and the interface every format keeps."""

from __future__ import annotations

import importlib
import re

import click
import pytest

from quizgen import exporters
from quizgen.exporters.base import Exporter
from quizgen.model import QUESTION_KINDS


def test_unknown_name_suggests_close_match():
    with pytest.raises(click.UsageError) as err:
        exporters.get_exporter("moodle-xlm")
    message = err.value.message
    assert "unknown export format 'moodle-xlm'" in message
    assert "Did you mean 'moodle-xml'?" in message
    for name in exporters.names():
        assert name in message


def test_unknown_name_without_close_match_has_no_hint():
    with pytest.raises(click.UsageError) as err:
        exporters.get_exporter("zzzzzz")
    assert "Did you mean" not in err.value.message


def test_register_refuses_taken_and_empty_names():
    with pytest.raises(ValueError, match="already exists"):
        exporters.register("gift", "x:Y")
    with pytest.raises(ValueError, match="needs a name"):
        exporters.register("", "x:Y")


def _exporter(name: str) -> Exporter:
    """Return the exporter; a registered format whose module is missing fails."""
    module = exporters._registry[name].split(":")[0]
    importlib.import_module(module)
    return exporters.get_exporter(name)


@pytest.mark.parametrize("name", exporters.names())
def test_every_format_declares_its_interface(name):
    exporter = _exporter(name)
    assert isinstance(exporter, Exporter)
    assert exporter.name == name
    assert exporter.suffix.startswith(".") and len(exporter.suffix) > 1
    assert exporter.label and "\n" not in exporter.label
    assert exporter.question_kinds, "declare the kinds the format carries"
    assert set(exporter.question_kinds) <= set(QUESTION_KINDS)
    # Files are named NAME-FORMAT.EXT, the extension once.
    assert exporter.file_name("bank") == f"bank-{name}{exporter.suffix}" and exporter.suffix.count(".") == 1
    # A writer of its own; the plan decides the rest (a kind is carried, converted or left out, not two).
    assert type(exporter).write is not Exporter.write
    profile = exporter.profile
    assert not set(profile.converts) & set(profile.leaves_out)
    assert set(profile.converts) | set(profile.leaves_out) | set(exporter.question_kinds) <= set(QUESTION_KINDS)
    assert not set(profile.converts) & set(exporter.question_kinds)


@pytest.mark.parametrize("name", exporters.names())
def test_every_format_exports_the_sample_deterministically(name, worksheet_all_kinds):
    exporter = _exporter(name)
    first = exporter.export(worksheet_all_kinds)
    assert isinstance(first, bytes) and first
    assert exporter.export(worksheet_all_kinds) == first
    # A fresh instance too: no state kept between calls.
    assert type(exporter)().export(worksheet_all_kinds) == first


@pytest.mark.parametrize("name", exporters.names())
def test_every_format_reports_each_kind_it_does_not_carry(name, worksheet_all_kinds):
    exporter = _exporter(name)
    diagnostics = exporter.check(worksheet_all_kinds)
    # Naming the question is not enough (some formats report every question for
    # other reasons): one of its messages must say what happens to its kind.
    says_kind = {
        "ordering": r"ordering", "matching": r"matching", "mark-the-words": r"mark(ing)?[- ]the[- ]words|marking words",
        "open-response": r"essay|written answers", "short-answer": r"typed answers|short answer", "numeric": r"numeric|typed numbers",
        "true-false": r"true[/ -]false", "single-choice": r"multiple[- ]choice|single", "multiple-response": r"multiple[- ]response|multiple answers",
    }
    for item in worksheet_all_kinds.versions[0].items:
        if item.question.kind not in exporter.question_kinds:
            about = [d.format() for d in diagnostics if d.subject.endswith(f"({item.question.id})")]
            assert any(re.search(says_kind[item.question.kind], a, re.I) for a in about), \
                f"{name} adapts {item.question.kind} without saying so: {about}"
    for d in diagnostics:
        assert d.severity in ("adapted", "left-out", "error", "warning")


@pytest.mark.parametrize("name", exporters.names())
def test_check_is_the_plans_notes_and_export_writes_the_plan(name, worksheet_all_kinds):
    """check() and export() read one plan: no second walk over the worksheet that could disagree."""
    from quizgen.exporters.plan import plan_format

    exporter = _exporter(name)
    plan = plan_format(worksheet_all_kinds, exporter)
    assert exporter.check(worksheet_all_kinds) == list(plan.notes)
    assert exporter.write(plan) == exporter.export(worksheet_all_kinds)
    # Each question's notes are given once, where it first appears.
    subjects = [d.subject for d in plan.notes if d.subject.endswith(")")]
    ids = [s.rsplit("(", 1)[1] for s in subjects]
    first = {}
    for subject, qid in zip(subjects, ids):
        first.setdefault(qid, subject)
        assert first[qid] == subject, (name, subject)
