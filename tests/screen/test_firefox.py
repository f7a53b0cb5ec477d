"""The default recipe's pages in a second engine: Debian's Firefox ESR, over file://, with no network.

The Chromium tests (test_browser.py) complete every kind by keyboard and
pointer; these check that Gecko runs the same pages: each version's practice
and assessment page opens with no request, no script or console error, its
language set and every question's controls in place; practice feedback for a
right and a wrong choice; assessment answers kept on the device across a
reload and a fresh opening. The answers are worked out from the model
(driver.py), not read from the page.
"""

from __future__ import annotations

import pytest

from quizgen import model
from quizgen.responses import passage_words

from .conftest import write_pages
from .driver import right_answer, wrong_answer
from .firefox import Firefox, missing

pytestmark = [
    pytest.mark.slow,
    # Mozilla's client libraries import deprecated modules (telnetlib, distro.linux_distribution); not ours to fix.
    pytest.mark.filterwarnings("ignore:.*telnetlib:DeprecationWarning"),
    pytest.mark.filterwarnings("ignore:distro.linux_distribution:DeprecationWarning"),
]

MODES = ("practice", "assessment")


@pytest.fixture(scope="module")
def firefox(tmp_path_factory):
    reason = missing()
    if reason:  # as for Chromium: the test command installs it, so its absence is a failure, not a skip
        pytest.fail(reason)
    browser = Firefox(tmp_path_factory.mktemp("firefox") / "gecko.log")
    yield browser
    browser.close()


@pytest.fixture(scope="module")
def pages(sampler, tmp_path_factory):
    folder = tmp_path_factory.mktemp("firefox-pages")
    return {mode: write_pages(sampler, folder, mode) for mode in MODES}


def expected_controls(item: model.WorksheetItem, mode: str) -> dict[str, int]:
    """CSS selector -> how many controls question ``item`` must show, from the model."""
    q, n = item.question, item.number
    if isinstance(q, (model.SingleChoice, model.TrueFalse)):
        want = {f"#q{n} input[type=radio]": 2 if isinstance(q, model.TrueFalse) else len(q.choices)}
    elif isinstance(q, model.MultipleResponse):
        want = {f"#q{n} input[type=checkbox]": len(q.choices)}
    elif isinstance(q, model.Numeric):
        want = {f"#q{n}-number": 1}
    elif isinstance(q, model.ShortAnswer):
        want = {f"#q{n}-text": 1}
    elif isinstance(q, model.OpenResponse):
        want = {f"#q{n} textarea#q{n}-text": 1}
    elif isinstance(q, model.Matching):
        want = {f"#q{n} select": len(q.pairs)}
    elif isinstance(q, model.Ordering):
        want = {f"#q{n} .order-item": len(q.items), f"#q{n} .order-item .move": 2 * len(q.items)}
    elif isinstance(q, model.MarkTheWords):
        want = {f"#q{n} .word": len(passage_words(q.passage))}
    else:
        raise TypeError(q.kind)
    if mode == "practice":
        want[f"#q{n} .show-rubric" if isinstance(q, model.OpenResponse) else f"#q{n} .check-button"] = 1
    return want


# How many elements match, and how many of those take up room on screen and are not hidden.
SHOWN = """
const all = Array.from(document.querySelectorAll(arguments[0]));
const shown = all.filter(e => e.getClientRects().length > 0 && getComputedStyle(e).visibility !== "hidden");
return [all.length, shown.length];
"""


def test_firefox_opens_each_sampler_page_offline_with_every_control(firefox, sampler, pages):
    for version in sampler.versions:
        for mode in MODES:
            firefox.open(pages[mode][version.letter])
            assert firefox.js("return document.documentElement.lang") == "en"
            assert firefox.js("return document.querySelectorAll('article.question').length") == len(version.items)
            for item in version.items:
                for selector, count in expected_controls(item, mode).items():
                    assert firefox.js(SHOWN, selector) == [count, count], (version.letter, mode, selector)
            assert firefox.problems() == [], (version.letter, mode)


def test_firefox_practice_feedback_for_a_right_and_a_wrong_choice(firefox, sampler, pages):
    for version in sampler.versions:
        firefox.open(pages["practice"][version.letter])
        right_item, wrong_item = [i for i in version.items if isinstance(i.question, model.SingleChoice)][:2]
        for item, planned, verdict in ((right_item, right_answer(right_item), "Right."),
                                       (wrong_item, wrong_answer(wrong_item), "Not yet")):
            n = item.number
            firefox.click(f"label[for='q{n}-{planned.answer}']")
            assert firefox.js("return document.getElementById(arguments[0]).checked", f"q{n}-{planned.answer}")
            firefox.click(f"#q{n} .check-button")
            feedback = " ".join(firefox.text(f"#q{n}-feedback").split())
            assert feedback.startswith(verdict), (version.letter, n, feedback)
            explained = " ".join(item.question.explanation.split()) in feedback
            assert explained == (verdict == "Right."), (version.letter, n, feedback)
        assert firefox.problems() == [], version.letter


def _given(firefox, choice_id: str, text_id: str) -> tuple:
    return tuple(firefox.js(
        "return [document.getElementById('student-name').value, document.getElementById(arguments[0]).checked,"
        " document.getElementById(arguments[1]).value]", choice_id, text_id))


def test_firefox_assessment_answers_survive_a_reload_and_a_fresh_opening(firefox, sampler, pages):
    for version in sampler.versions:
        page = pages["assessment"][version.letter]
        firefox.open(page)
        choice = next(i for i in version.items if isinstance(i.question, model.SingleChoice))
        short = next(i for i in version.items if isinstance(i.question, model.ShortAnswer))
        choice_id = f"q{choice.number}-{right_answer(choice).answer}"
        text_id = f"q{short.number}-text"
        firefox.type("#student-name", "Grace Hopper")
        firefox.click(f"label[for='{choice_id}']")
        firefox.type(f"#{text_id}", right_answer(short).answer)
        given = ("Grace Hopper", True, right_answer(short).answer)
        assert _given(firefox, choice_id, text_id) == given
        assert firefox.text("#progress").startswith(f"2 of {len(version.items)}")
        firefox.reload()
        assert _given(firefox, choice_id, text_id) == given, "lost on reload"
        firefox.open(page)  # a new load, not a history step: nothing but the page's own storage brings them back
        assert _given(firefox, choice_id, text_id) == given, "lost on opening the file again"
        assert firefox.problems() == [], version.letter
        firefox.js("localStorage.clear()")
        firefox.open(page)
        assert _given(firefox, choice_id, text_id) == ("", False, ""), "answers came back without local storage"


BROKEN = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>broken</title></head><body>
<img src="http://example.com/pixel.png" alt="">
<script>console.error("logged on purpose"); fetch("https://example.org/").catch(() => {}); notDefinedAnywhere();</script>
</body></html>"""


def test_firefox_harness_reports_requests_and_script_errors(firefox, tmp_path):
    """The checks above can fail: a page that requests, throws and logs an error is reported for each."""
    page = tmp_path / "broken.html"
    page.write_text(BROKEN, encoding="utf-8")
    firefox.open(page)
    firefox.js("return new Promise(done => setTimeout(done, 300))")
    found = "\n".join(firefox.problems())
    for expected in ("request: http://example.com/pixel.png", "request: https://example.org/",
                     "notDefinedAnywhere is not defined", "console error: logged on purpose"):
        assert expected in found
