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

# Drives Chromium through every page (pytest -m 'not slow' leaves them out).
pytestmark = pytest.mark.slow

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


def test_each_sampler_version_opens_offline_and_saves(browser, sampler, sampler_pages):
    """The default recipe's pages, every version: no request, no script error, keyed answers checked right."""
    for version in sampler.versions:
        opened = open_page(browser, sampler_pages["practice"][version.letter])
        student = Student(opened.page, "pointer")
        for item in version.items:
            if item.question.kind == "open-response":
                continue
            student.answer(right_answer(item))
            assert student.check(item.number).startswith("Right."), item.question.id
        _no_problems(opened)
        opened.context.close()
        opened = open_page(browser, sampler_pages["assessment"][version.letter], init_script=NO_PICKER)
        student = Student(opened.page, "keyboard")
        student._text("#student-name", "Grace Hopper")
        for item in version.items:
            student.answer(right_answer(item))
        saved = _save(opened.page)
        assert saved["version"] == version.letter and saved["student"] == "Grace Hopper"
        assert [a["position"] for a in saved["answers"]] == [i.number for i in version.items]
        assert all(a["value"] is not None for a in saved["answers"])
        _no_problems(opened)
        opened.context.close()


def test_answers_survive_a_reload_and_a_closed_tab(browser, all_kinds, kinds_pages):
    version = all_kinds.versions[0]
    opened = open_page(browser, kinds_pages["assessment"][version.letter], init_script=NO_PICKER)
    student = Student(opened.page, "pointer")
    student._text("#student-name", "Ada Lovelace")
    plans = [right_answer(item) for item in version.items]
    for planned in plans:
        student.answer(planned)
    opened.page.close()  # the tab is closed; the context (the browser profile) stays
    again = open_page(browser, kinds_pages["assessment"][version.letter], context=opened.context, init_script=NO_PICKER)
    assert again.page.input_value("#student-name") == "Ada Lovelace"
    assert "kept on this device for Ada Lovelace" in again.page.inner_text("#restored")
    again.page.reload()
    saved = _save(again.page)
    assert {a["position"]: a["value"] for a in saved["answers"]} == {
        p.position: _as_json(p.expected) for p in plans}
    _no_problems(again)
    opened.context.close()


def _as_json(expected):
    """The JSON form of a Planned.expected value (tuples are lists, marked words are objects)."""
    if isinstance(expected, tuple) and expected and isinstance(expected[0], tuple):
        return [{"index": i, "word": w} for i, w in expected]
    return list(expected) if isinstance(expected, tuple) else expected


def test_another_student_never_inherits_the_answers(browser, all_kinds, kinds_pages):
    """A new name on a page holding someone's answers asks whose they are; saving waits for the answer."""
    version = all_kinds.versions[0]
    opened = open_page(browser, kinds_pages["assessment"][version.letter], init_script=NO_PICKER)
    page, student = opened.page, Student(opened.page, "pointer")
    student._text("#student-name", "Ada Lovelace")
    page.keyboard.press("Tab")  # the name is committed
    student.answer(right_answer(version.items[0]))
    first = _save(page)
    assert first["student"] == "Ada Lovelace"
    page.fill("#student-name", "Blaise Pascal")
    page.keyboard.press("Tab")
    assert page.is_visible("#student-change")
    assert "given under the name Ada Lovelace" in page.inner_text("#student-change")
    page.click("#save-answers")  # refused until the question is answered
    assert "whose answers" in page.inner_text("#save-status")
    page.click("#clear-answers")
    second = _save(page)
    assert second["student"] == "Blaise Pascal"
    assert all(a["value"] is None for a in second["answers"])
    page.click("#new-student")
    assert page.input_value("#student-name") == ""
    page.reload()
    assert page.input_value("#student-name") == "" and page.is_hidden("#restored")
    _no_problems(opened)
    opened.context.close()


PICKER_STUB = """
window.savedFiles = [];
window.showSaveFilePicker = async (options) => {
  const file = {name: options.suggestedName, writes: []};
  window.savedFiles.push(file);
  return {name: options.suggestedName, createWritable: async () => {
    let content = '';
    return {write: async (text) => { content = text; }, close: async () => { file.writes.push(content); }};
  }};
};
"""


def test_a_second_save_replaces_the_first_files_content(browser, all_kinds, kinds_pages):
    """Where the browser can write a chosen file, the same student's second save writes over the first file."""
    version = all_kinds.versions[0]
    opened = open_page(browser, kinds_pages["assessment"][version.letter], init_script=PICKER_STUB)
    page, student = opened.page, Student(opened.page, "pointer")
    student._text("#student-name", "Ada Lovelace")
    page.click("#save-answers")
    page.wait_for_function("window.savedFiles.length === 1 && window.savedFiles[0].writes.length === 1")
    student.answer(right_answer(version.items[0]))
    page.click("#save-answers")
    page.wait_for_function("window.savedFiles[0].writes.length === 2")
    files = page.evaluate("window.savedFiles")
    assert len(files) == 1, "the second save chose a new file"
    first, second = (json.loads(w) for w in files[0]["writes"])
    assert first["answers"][0]["value"] is None and second["answers"][0]["value"] == right_answer(version.items[0]).expected
    assert files[0]["name"] == f"{all_kinds.recipe.name}-{version.letter}-ada-lovelace.json"
    page.click("#new-student")
    student._text("#student-name", "Blaise Pascal")
    page.click("#save-answers")
    page.wait_for_function("window.savedFiles.length === 2")
    assert page.evaluate("window.savedFiles[1].name").endswith("-blaise-pascal.json")
    _no_problems(opened)
    opened.context.close()


def test_open_response_shows_the_rubric_once_written(browser, all_kinds, kinds_pages):
    version = all_kinds.versions[0]
    item = next(i for i in version.items if i.question.kind == "open-response")
    opened = open_page(browser, kinds_pages["practice"][version.letter])
    page, n = opened.page, item.number
    assert page.is_disabled(f"#q{n} .show-rubric") and page.is_hidden(f"#q{n}-rubric")
    Student(page, "keyboard")._open_response(n, "It leaves out the Red Army.")
    assert page.is_enabled(f"#q{n} .show-rubric")
    page.click(f"#q{n} .show-rubric")
    shown = " ".join(page.inner_text(f"#q{n}-rubric").split())
    rubric = item.question.rubric
    for text in (rubric.proficient, rubric.emergent, rubric.basic):
        assert " ".join(text.split()) in shown
    assert item.question.model_answer not in shown
    page.fill(f"#q{n}-text", "")
    assert page.is_disabled(f"#q{n} .show-rubric") and page.is_hidden(f"#q{n}-rubric")
    _no_problems(opened)
    opened.context.close()


def test_choice_feedback_after_a_wrong_choice(browser, sampler, sampler_pages):
    """A wrong choice with its own feedback in the bank shows that feedback, not the explanation."""
    for version in sampler.versions:
        for item in version.items:
            q = item.question
            wrong = [(i, c) for i, c in enumerate(getattr(q, "choices", ())) if not c.correct and c.feedback]
            if q.kind != "single-choice" or not wrong:
                continue
            opened = open_page(browser, sampler_pages["practice"][version.letter])
            index, choice = wrong[0]
            student = Student(opened.page, "pointer")
            student._single_choice(item.number, chr(65 + index))
            feedback = " ".join(student.check(item.number).split())
            assert feedback.startswith("Not yet") and " ".join(choice.feedback.split()) in feedback
            _no_problems(opened)
            opened.context.close()
            return
    pytest.fail("the sampler has no single-choice question with feedback on a wrong choice")


@pytest.mark.parametrize("mode", ["practice", "assessment"])
def test_usable_at_360_px(browser, sampler, sampler_pages, mode):
    """On a 360-px-wide phone nothing is wider than the screen and every control can be reached."""
    for version in sampler.versions:
        opened = open_page(browser, sampler_pages[mode][version.letter], width=360, height=740)
        page = opened.page
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        too_wide = page.evaluate("""() => [...document.querySelectorAll('input, select, textarea, button, .excerpt, .outside-card')]
            .filter(e => e.offsetParent !== null && e.getBoundingClientRect().right > 360.5).map(e => e.outerHTML.slice(0, 80))""")
        assert too_wide == []
        small = page.evaluate("""() => [...document.querySelectorAll('button:not(.word):not(.link-button), select, input[type=text]')]
            .filter(e => e.offsetParent !== null && e.getBoundingClientRect().height < 43).map(e => e.outerHTML.slice(0, 80))""")
        assert small == [], "controls under 44 px are hard to tap"
        _no_problems(opened)
        opened.context.close()


@pytest.mark.parametrize("mode", ["practice", "assessment"])
def test_axe_finds_no_serious_violation(browser, all_kinds, kinds_pages, sampler, sampler_pages, axe_source, mode):
    """axe-core, run in the page after answering: no serious or critical accessibility violation."""
    for path, worksheet in ((kinds_pages[mode]["A"], all_kinds), (sampler_pages[mode]["A"], sampler)):
        # axe is injected as a script, which the page's own policy forbids; only this test lifts it.
        opened = open_page(browser, path, bypass_csp=True, init_script=NO_PICKER)
        page = opened.page
        student = Student(page, "pointer")
        for item in worksheet.versions[0].items:
            student.answer(right_answer(item))
            if mode == "practice" and item.question.kind != "open-response":
                student.check(item.number)
        page.add_script_tag(content=axe_source)
        result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
        bad = [f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
               for v in result["violations"] if v["impact"] in ("serious", "critical")]
        assert bad == []
        _no_problems(opened)
        opened.context.close()


def test_page_hashing_and_reading_match_python(browser, all_kinds, kinds_pages):
    """The page's SHA-256, text normalising and number reading are those of quizgen (seal.py, responses.py)."""
    import base64
    import hashlib
    from decimal import Decimal

    from quizgen.assemble import format_number
    from quizgen.responses import normalise_text, parse_number

    texts = ["", "a", "abc", "x" * 55, "y" * 56, "z" * 64, "ü" * 100, "세기와 더불어", "\u001f".join(["salt", "check", "B"]),
             "  “Emotional  Appeal.” ", "'absolutely'", "ＡＢＣ", "Ste\u0301phane", "2,000+ railway vehicles", "U.S.", "a – b — c"]
    numbers = ["1936", "1,936", "1936.", "2,5", "-3", " 1 936 ", "−4.50", "12,000.25", "1.2.3", "abc", "", "0.0", "-0", ".5",
               "1e3", "+7"]
    opened = open_page(browser, kinds_pages["practice"]["A"])
    page = opened.page
    got = page.evaluate("ts => ts.map(t => [quizgenPage.sha256Base64(t), quizgenPage.normalise(t)])", texts)
    for text, (digest, normal) in zip(texts, got):
        assert digest == base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()
        assert normal == normalise_text(text), text
    forms = page.evaluate("ns => ns.map(n => quizgenPage.numberForms(n, 0))", numbers)
    for text, form in zip(numbers, forms):
        number = parse_number(text)
        if number is None:
            assert form is None, text
        elif number == number.to_integral_value():
            assert form == [format_number(number)], text
        else:  # more places than the grid: the two neighbours
            assert form == [format_number(number.to_integral_value(rounding="ROUND_FLOOR")),
                            format_number(number.to_integral_value(rounding="ROUND_FLOOR") + 1)], text
    assert page.evaluate("quizgenPage.numberForms('2.45', 1)") == ["2.4", "2.5"]
    assert page.evaluate("quizgenPage.numberForms('-2.45', 1)") == ["-2.5", "-2.4"]
    assert parse_number("2.45") == Decimal("2.45")
    _no_problems(opened)
    opened.context.close()


def test_every_question_of_the_bank_checks_its_key_right(browser, shipped_bank, tmp_path):
    """Practice page of the whole bank: each question's keyed answer is 'Right.' with its explanation."""
    from quizgen.assemble import whole_bank

    worksheet = whole_bank(shipped_bank)
    path = write_pages(worksheet, tmp_path, "practice")["A"]
    opened = open_page(browser, path)
    student = Student(opened.page, "pointer")
    wrong = []
    for item in worksheet.versions[0].items:
        if item.question.kind == "open-response":
            continue
        student.answer(right_answer(item))
        feedback = " ".join(student.check(item.number).split())
        if not feedback.startswith("Right.") or " ".join(item.question.explanation.split()) not in feedback:
            wrong.append((item.question.id, feedback[:80]))
    assert wrong == []
    _no_problems(opened)
    opened.context.close()


def test_a_phone_answers_by_touch(browser, all_kinds, kinds_pages):
    """On a 360-px touch screen: tap choices and words, drag a timeline item with a finger."""
    version = all_kinds.versions[0]
    context = browser.new_context(viewport={"width": 360, "height": 740}, has_touch=True, is_mobile=True,
                                  accept_downloads=True)
    context.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file:") else r.abort())
    opened = open_page(browser, kinds_pages["assessment"][version.letter], context=context, init_script=NO_PICKER)
    page = opened.page
    single = next(i for i in version.items if i.question.kind == "single-choice")
    words = next(i for i in version.items if i.question.kind == "mark-the-words")
    ordering = next(i for i in version.items if i.question.kind == "ordering")
    page.tap("#student-name")
    page.keyboard.type("Ada Lovelace")
    page.tap(f"label[for='q{single.number}-B']")
    page.tap(f"#q{words.number} .word[data-index='1']")
    item = page.locator(f"#q{ordering.number} .order-item").last
    item.scroll_into_view_if_needed()
    first = page.locator(f"#q{ordering.number} .order-item").first.bounding_box()
    box = item.locator(".order-text").bounding_box()
    cdp = context.new_cdp_session(page)
    x, y = box["x"] + 5, box["y"] + box["height"] / 2
    cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": x, "y": y}]})
    for k in range(1, 11):
        cdp.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [{"x": x, "y": y + (first["y"] + 5 - y) * k / 10}]})
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    student = Student(page, "pointer")
    printed_last = len(ordering.shuffled)
    assert student.order(ordering.number)[0] == printed_last
    assert page.evaluate("window.scrollX") == 0
    values = {a["position"]: a["value"] for a in _save(page)["answers"]}
    assert values[single.number] == "B"
    assert values[words.number] == [{"index": 1, "word": page.inner_text(f"#q{words.number} .word[data-index='1']")}]
    assert values[ordering.number][printed_last - 1] == 1
    _no_problems(opened)
    context.close()


def test_garbled_local_storage_starts_a_clean_page(browser, all_kinds, kinds_pages):
    from quizgen.manifest import build_id

    key = f"quizgen:{build_id(all_kinds)}:A"
    garbage = "localStorage.setItem(%s, JSON.stringify({student: 5, answers: {'1': {'x': 1}, '7': 3}, orders: {'8': 'no'}}));" % json.dumps(key)
    opened = open_page(browser, kinds_pages["assessment"]["A"], init_script=garbage + NO_PICKER)
    assert opened.page.inner_text("#progress").startswith("0 of")
    _no_problems(opened)
    opened.context.close()


def test_a_number_is_right_anywhere_within_its_tolerance(browser, all_kinds, tmp_path):
    """2.5 ± 0.2, and its unit: the ends count, a number between the grid's steps counts, just outside does not."""
    import dataclasses
    from decimal import Decimal

    from quizgen import model

    item = next(i for i in all_kinds.versions[0].items if i.question.kind == "numeric")
    question = dataclasses.replace(item.question, answer=Decimal("2.5"), tolerance=Decimal("0.2"), unit="km")
    sheet = dataclasses.replace(all_kinds, versions=(model.Version("A", (dataclasses.replace(item, question=question),)),))
    opened = open_page(browser, write_pages(sheet, tmp_path, "practice")["A"])
    page, n = opened.page, item.number
    assert page.inner_text(f"#q{n}-unit") == "km"
    for typed, right in [("2.5", True), ("2.3", True), ("2.7", True), ("2,65", True), ("2.699", True), ("2.70", True),
                         ("2.71", False), ("2.29", False), ("3", False), ("-2.5", False)]:
        page.fill(f"#q{n}-number", typed)
        page.click(f"#q{n} .check-button")
        assert page.inner_text(f"#q{n}-feedback").startswith("Right." if right else "Not yet"), typed
    page.fill(f"#q{n}-number", "two and a half")
    page.click(f"#q{n} .check-button")
    assert page.inner_text(f"#q{n}-feedback").startswith("Type a number")
    _no_problems(opened)
    opened.context.close()


@pytest.mark.parametrize("answer, tolerance, cases", [
    ("40000", "5000", [("40000", True), ("35000", True), ("45000", True), ("44,999.99", True), ("35 000.5", True),
                       ("45000.01", False), ("34999", False), ("-40000", False), ("4e4", None)]),
    ("1936", "2500", [("-564", True), ("4436", True), ("4437", False), ("-565", False), ("0", True), ("-0.5", True)]),
    ("123456789012345678901234567890", "0.5", [("123456789012345678901234567890", True),
                                               ("123,456,789,012,345,678,901,234,567,890.5", True),
                                               ("123456789012345678901234567891", False)]),
])
def test_wide_and_long_numbers_check_right(browser, all_kinds, tmp_path, answer, tolerance, cases):
    """A tolerance of thousands builds a page (checked by decimal blocks) and a 30-digit answer checks exactly."""
    import dataclasses
    from decimal import Decimal

    from quizgen import model

    item = next(i for i in all_kinds.versions[0].items if i.question.kind == "numeric")
    question = dataclasses.replace(item.question, answer=Decimal(answer), tolerance=Decimal(tolerance))
    sheet = dataclasses.replace(all_kinds, versions=(model.Version("A", (dataclasses.replace(item, question=question),)),))
    opened = open_page(browser, write_pages(sheet, tmp_path, "practice")["A"])
    page, n = opened.page, item.number
    for typed, right in cases:
        page.fill(f"#q{n}-number", typed)
        page.click(f"#q{n} .check-button")
        expected = "Type a number" if right is None else "Right." if right else "Not yet"
        assert page.inner_text(f"#q{n}-feedback").startswith(expected), typed
    _no_problems(opened)
    opened.context.close()
