"""The interactive pages in a real browser: Debian's Chromium, over file://, with the network blocked.

Each test opens a built page, answers it as a student would (keyboard alone,
or pointer), and fails on any request other than the file itself, any
console error and any uncaught script error. The answers it gives are
worked out from the model (tests/screen/driver.py), not from the page.
"""

from __future__ import annotations

import json

import pytest

from quizgen.responses import parse_response

from .conftest import open_page, write_pages
from .driver import Student, right_answer, wrong_answer

HOW = ["keyboard", "pointer"]


def _no_problems(opened) -> None:
    assert opened.problems() == []


@pytest.fixture(scope="module")
def kinds_pages(all_kinds, tmp_path_factory):
    folder = tmp_path_factory.mktemp("pages")
    return {mode: write_pages(all_kinds, folder, mode) for mode in ("practice", "assessment")}


@pytest.fixture(scope="module")
def sampler_pages(sampler, tmp_path_factory):
    folder = tmp_path_factory.mktemp("sampler-pages")
    return {mode: write_pages(sampler, folder, mode) for mode in ("practice", "assessment")}


def _save(page) -> dict:
    """Press Save my answers; return the downloaded file's JSON."""
    with page.expect_download() as info:
        page.click("#save-answers")
    return json.loads(open(info.value.path(), encoding="utf-8").read())


NO_PICKER = "Object.defineProperty(window, 'showSaveFilePicker', {value: undefined, configurable: true});"


@pytest.mark.parametrize("how", HOW)
def test_assessment_every_kind_answered_and_saved(browser, all_kinds, kinds_pages, how, tmp_path):
    """Every kind is answered (by keyboard alone, or by pointer), saved, and read back as given."""
    for version in all_kinds.versions:
        opened = open_page(browser, kinds_pages["assessment"][version.letter], init_script=NO_PICKER)
        page, student = opened.page, Student(opened.page, how)
        student._text("#student-name", "Ada Lovelace")
        plans = [right_answer(item) if item.number % 2 else wrong_answer(item) if item.question.kind != "open-response"
                 else right_answer(item) for item in version.items]
        for planned in plans:
            student.answer(planned)
        if how == "keyboard":
            student.tab_to("#save-answers")
            with page.expect_download() as info:
                student.press("Enter")
            saved = json.loads(open(info.value.path(), encoding="utf-8").read())
        else:
            saved = _save(page)
        path = tmp_path / f"{version.letter}.json"
        path.write_text(json.dumps(saved), encoding="utf-8")
        response = parse_response(path.read_bytes(), str(path))
        assert (response.version, response.student, response.source) == (version.letter, "Ada Lovelace", "html")
        from quizgen.manifest import build_id

        assert response.build == build_id(all_kinds)
        assert {n: a.kind for n, a in response.answers.items()} == {i.number: i.question.kind for i in version.items}
        for planned in plans:
            assert response.answers[planned.position].value == planned.expected, planned
        assert "questions answered" in page.inner_text("#save-status")
        _no_problems(opened)
        opened.context.close()


@pytest.mark.parametrize("how", HOW)
def test_practice_right_answers_explained_wrong_ones_not(browser, all_kinds, kinds_pages, how):
    for version in all_kinds.versions:
        opened = open_page(browser, kinds_pages["practice"][version.letter])
        student = Student(opened.page, how)
        for item in version.items:
            if item.question.kind == "open-response":
                continue
            student.answer(wrong_answer(item))
            feedback = student.check(item.number)
            assert feedback.startswith("Not yet"), (item.question.kind, feedback)
            assert " ".join(item.question.explanation.split()) not in " ".join(feedback.split())
        opened.page.reload()
        for item in version.items:
            if item.question.kind == "open-response":
                continue
            student.answer(right_answer(item))
            feedback = student.check(item.number)
            assert feedback.startswith("Right."), (item.question.kind, feedback)
            assert " ".join(item.question.explanation.split()) in " ".join(feedback.split())
        _no_problems(opened)
        opened.context.close()
