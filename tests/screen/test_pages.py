"""The interactive pages' files, read as files: what they hold and what they must not.

- Practice: nothing in a page's source tells a keyed answer from another
  (the page is built again with another answer keyed: only the sealed values
  change, and not their sizes), and no teacher-only text is readable in it.
- Assessment: no key, explanation, feedback or rubric text at all, and no
  check data.
- Both: self-contained (no link, image or other resource; a policy that
  forbids every request), the page's language set, every control labelled.
The whole bank is checked, every question of it.
"""

from __future__ import annotations

import base64
import dataclasses
import json
import re
from decimal import Decimal

import pytest
from lxml import html as lxml_html

from quizgen import model
from quizgen.assemble import format_number, whole_bank
from quizgen.render import render_html
from quizgen.render.context import worksheet_context
from quizgen.render.html import MODES, content_policy, render_page
from quizgen.render.seal import accepted, digest, unseal


@pytest.fixture(scope="module")
def bank_sheet(shipped_bank):
    return whole_bank(shipped_bank)


def _one(worksheet: model.Worksheet, item: model.WorksheetItem) -> model.Worksheet:
    """Return a one-question worksheet of ``item`` (its number kept)."""
    return dataclasses.replace(worksheet, versions=(model.Version("A", (item,)),))


def _split(page: str) -> tuple[str, dict]:
    """Return the page without its data, and the data."""
    match = re.search(r'<script type="application/json" id="quizgen-data">(.*?)</script>', page, re.S)
    assert match, "no page data"
    return page[: match.start(1)] + page[match.end(1):], json.loads(match.group(1))


def _shape(value):
    """Return the shape of check data: keys, list lengths and string lengths, not the values."""
    if isinstance(value, dict):
        return {k: _shape(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_shape(v) for v in value]
    if isinstance(value, str):
        return len(value)
    return value


def _rekeyed(item: model.WorksheetItem) -> model.WorksheetItem | None:
    """Return ``item`` with another answer keyed (the printed question unchanged), or None for open response."""
    q = item.question
    if isinstance(q, model.SingleChoice):
        k = (q.correct_index + 1) % len(q.choices)
        choices = tuple(dataclasses.replace(c, correct=i == k) for i, c in enumerate(q.choices))
        return dataclasses.replace(item, question=dataclasses.replace(q, choices=choices))
    if isinstance(q, model.MultipleResponse):
        flags = [c.correct for c in q.choices]
        flags = flags[1:] + flags[:1] if flags[1:] + flags[:1] != flags else [not f for f in flags]
        choices = tuple(dataclasses.replace(c, correct=f) for c, f in zip(q.choices, flags))
        return dataclasses.replace(item, question=dataclasses.replace(q, choices=choices))
    if isinstance(q, model.TrueFalse):
        return dataclasses.replace(item, question=dataclasses.replace(q, answer=not q.answer))
    if isinstance(q, model.Numeric):
        return dataclasses.replace(item, question=dataclasses.replace(q, answer=q.answer + 7))
    if isinstance(q, model.ShortAnswer):
        other = tuple(f"other answer {n}" for n in range(len(set(accepted(item)))))
        return dataclasses.replace(item, question=dataclasses.replace(q, answers=other))
    if isinstance(q, model.Matching):
        rights = [p.right for p in q.pairs]
        rights = rights[1:] + rights[:1]
        pairs = tuple(dataclasses.replace(p, right=r) for p, r in zip(q.pairs, rights))
        return dataclasses.replace(item, question=dataclasses.replace(q, pairs=pairs))
    if isinstance(q, model.Ordering):
        return dataclasses.replace(item, question=dataclasses.replace(q, items=tuple(reversed(q.items))))
    if isinstance(q, model.MarkTheWords):
        found = re.findall(r"\w+", q.passage)
        words = [w for w in found if found.count(w) == 1 and not any(w in a for a in q.answers)]
        return dataclasses.replace(item, question=dataclasses.replace(q, answers=tuple(words[: len(q.answers)])))
    return None


def test_practice_page_reads_the_same_whatever_is_keyed(bank_sheet):
    """For every question of the bank: key another answer, and only the sealed values change, never their sizes."""
    checked = 0
    for item in bank_sheet.versions[0].items:
        other = _rekeyed(item)
        if other is None:
            continue
        sheet, sheet2 = _one(bank_sheet, item), _one(bank_sheet, other)
        page, data = _split(render_page(sheet, sheet.versions[0], "practice"))
        page2, data2 = _split(render_page(sheet2, sheet2.versions[0], "practice"))
        assert page == page2, item.question.id
        ours, theirs = data["checks"][str(item.number)], data2["checks"][str(item.number)]
        assert ours["tags"] != theirs["tags"], f"{item.question.id}: the check data did not change with the key"
        assert _shape(ours) == _shape(theirs), item.question.id
        # The build id (and the salts made from it) is a digest of the whole worksheet, keys included:
        # it changes with them, but says nothing of them without every other field of the bank.
        assert {k: v for k, v in data.items() if k not in ("checks", "build")} == {
            k: v for k, v in data2.items() if k not in ("checks", "build")}
        checked += 1
    assert checked > 100


def _teacher_texts(worksheet: model.Worksheet, item: model.WorksheetItem) -> list[str]:
    """Return what only the teacher may read about ``item``: answers, explanation, feedback, rubric, notes."""
    q = item.question
    out = [q.explanation, q.teacher_note]
    out += [c.feedback for c in getattr(q, "choices", ())]
    if isinstance(q, model.ShortAnswer):
        out += list(q.answers)
    if isinstance(q, model.MarkTheWords):
        out += [a for a in q.answers if len(a) > 12]  # a short keyed word may well appear elsewhere; long phrases not
    if isinstance(q, model.OpenResponse):
        out += [q.rubric.proficient, q.rubric.emergent, q.rubric.basic, q.model_answer]
        out += [p.description for p in q.rubric.patterns]
    if isinstance(q, model.Numeric):
        out.append(format_number(q.answer))
    if q.outside_source is not None and not worksheet.recipe.cards:
        out.append(q.outside_source.says)
    for claim_id in q.claims:
        claim = worksheet.claims.get(claim_id)
        if claim is not None:
            out += [claim.verdict_note] + [r.says for r in claim.references]
    return [" ".join(t.split()) for t in out if t and t.strip()]


def _visible(page: str) -> str:
    """Return every text and attribute value of a page (not its data), whitespace collapsed."""
    tree = lxml_html.fromstring(page)
    for script in tree.xpath("//script | //style"):
        script.getparent().remove(script)
    parts = [tree.text_content()] + [v for e in tree.iter() for v in e.attrib.values()]
    return " ".join(" ".join(parts).split())


def _appears(needle: str, haystack: str) -> bool:
    if re.fullmatch(r"-?\d+(\.\d+)?", needle):
        return re.search(r"(?<![\d.])" + re.escape(needle) + r"(?![\d]|\.\d)", haystack) is not None
    return needle in haystack


@pytest.mark.parametrize("mode", MODES)
def test_whole_bank_page_gives_nothing_away(bank_sheet, mode):
    """Every question of the bank: no teacher-only text in the page unless the printed worksheet prints it too."""
    version = bank_sheet.versions[0]
    page = render_page(bank_sheet, version, mode)
    without_data, data = _split(page)
    shown = _visible(without_data)
    printed = _visible(render_html("worksheet.html.j2", worksheet_context(bank_sheet, version, link=False)))
    leaks = []
    for item in version.items:
        for text in _teacher_texts(bank_sheet, item):
            if _appears(text, shown) and not _appears(text, printed):
                leaks.append(f"{item.question.id}: {text[:60]}")
            if mode == "assessment" and len(text) > 20 and text in page and not _appears(text, printed):
                leaks.append(f"{item.question.id} (anywhere in the file): {text[:60]}")
    assert leaks == []
    raw = json.dumps(data, ensure_ascii=False)
    for item in version.items:
        for text in _teacher_texts(bank_sheet, item):
            assert len(text) < 6 or text not in raw
    if mode == "assessment":
        assert "checks" not in data and "sealed" not in raw and "rubric" not in raw
    else:
        _practice_data_is_opaque(data, version)


def _practice_data_is_opaque(data: dict, version: model.Version) -> None:
    """Check data holds base64 digests and sealed text only, in the fields seal.py names."""
    b64 = re.compile(r"[A-Za-z0-9+/]+={0,2}")
    assert set(data["checks"]) == {str(i.number) for i in version.items}
    for position, check in data["checks"].items():
        assert set(check) <= {"salt", "tags", "wraps", "sealed", "decimals", "feedback", "rubric"}, position
        strings = [check["salt"], *check.get("tags", []), *check.get("wraps", []), check.get("sealed", "A="),
                   *check.get("feedback", {}).values(), check.get("rubric", "A=")]
        assert all(b64.fullmatch(s) for s in strings), position
        assert len(check.get("tags", [])) == len(check.get("wraps", [])) and check.get("tags", []) == sorted(check.get("tags", []))
        lengths = {len(v) for v in check.get("feedback", {}).values()}
        assert len(lengths) <= 1, f"position {position}: choice feedback of unequal lengths tells them apart"


def test_sealed_explanation_opens_only_with_a_right_answer(bank_sheet):
    from quizgen.render.seal import practice_checks, tag

    checked = 0
    for item in bank_sheet.versions[0].items:
        if item.question.kind == "open-response":
            continue
        check = practice_checks(item, "qg-000000000000", "A")
        salt = check["salt"]
        for answer in accepted(item):
            at = check["tags"].index(tag(salt, answer))
            key = bytes(a ^ b for a, b in zip(base64.b64decode(check["wraps"][at]), digest(salt, "wrap", answer)))
            assert unseal(key, check["sealed"]) == item.question.explanation
        assert tag(salt, "not an answer") not in check["tags"]
        wrong_key = digest(salt, "wrap", "not an answer")
        try:
            garbled = unseal(wrong_key, check["sealed"])
        except UnicodeDecodeError:
            garbled = ""
        assert garbled != item.question.explanation
        checked += 1
    assert checked > 100


@pytest.mark.parametrize("mode", MODES)
def test_page_is_self_contained_and_labelled(sampler, mode):
    for version in sampler.versions:
        page = render_page(sampler, version, mode)
        tree = lxml_html.fromstring(page)
        assert tree.get("lang") == "en"
        assert tree.xpath("//link | //img | //iframe | //object | //embed | //base | //a[@href] | //*[@src]") == []
        assert not re.search(r"https?://", " ".join(e.get("style", "") for e in tree.iter()))
        (style,) = tree.xpath("//style")
        scripts = tree.xpath("//script")
        assert [s.get("type") for s in scripts] == ["application/json", None]
        policy = tree.xpath("//meta[@http-equiv='Content-Security-Policy']/@content")[0]
        assert policy == content_policy(style.text, scripts[1].text)
        assert "default-src 'none'" in policy and "connect-src" not in policy
        for control in tree.xpath("//input | //select | //textarea"):
            named = control.get("aria-label") or control.get("aria-labelledby") or tree.xpath(
                f"//label[@for='{control.get('id')}']")
            assert named, lxml_html.tostring(control)[:120]
        for button in tree.xpath("//button"):
            assert button.text_content().strip(), lxml_html.tostring(button)[:120]
        ids = tree.xpath("//@id")
        assert len(ids) == len(set(ids)), "an id is used twice"


def test_open_response_criteria_are_not_the_rubric(bank_sheet):
    """The student-facing criteria are general; no rubric level of the bank appears among them."""
    version = bank_sheet.versions[0]
    shown = _visible(_split(render_page(bank_sheet, version, "assessment"))[0])
    for item in version.items:
        if isinstance(item.question, model.OpenResponse):
            assert "A full answer:" in shown
            assert " ".join(item.question.rubric.proficient.split()) not in shown


def test_screen_instructions_leave_out_pen_and_paper(sampler):
    page = render_page(sampler, sampler.versions[0], "assessment")
    shown = _visible(_split(page)[0])
    assert "Read the lines each question points to before you answer it." in shown
    assert "in pen" not in shown and "Show your working where there is room" not in shown


def test_hostile_bank_text_is_shown_as_text(all_kinds):
    """Bank text with <tags>, & and ]]> is escaped: shown as written, never markup."""
    page = render_page(all_kinds, all_kinds.versions[0], "practice")
    tree = lxml_html.fromstring(page)
    assert "<tags>" in tree.text_content()
    assert tree.xpath("//tags") == []


def test_tolerance_is_checked_on_its_grid():
    """A number checks right anywhere within the tolerance, at the answer's places and between them."""
    from quizgen.render.seal import _numbers

    q = model.Numeric(id="n", skill="date-checking", subskill="B1", claims=(), stem="s", explanation="e", difficulty=1,
                      grade_band="9-10", answer=Decimal("2.5"), tolerance=Decimal("0.2"))
    assert _numbers(q) == ["2.3", "2.4", "2.5", "2.6", "2.7"]


def _in_blocks(forms: list[str], units: int) -> bool:
    """Return whether the number ``units`` (in steps of the grid) falls in one of the blocks ``forms`` lists."""
    for form in forms:
        if form.startswith("b"):
            level, index = map(int, form[1:].split(":"))
            if units // 10**level == index:
                return True
    return False


@pytest.mark.parametrize("answer, tolerance", [("1936", "5000"), ("40000", "5000"), ("-12.5", "1000.25"),
                                               ("2.5", "1000000"), ("0", "123456789")])
def test_a_wide_tolerance_is_checked_by_decimal_blocks(answer, tolerance):
    """A range too wide to list number by number is listed as aligned blocks (1s, 10s, 100s …) and its top end:
    every number inside falls in exactly one block or is the top end, none outside does."""
    from quizgen.render.seal import MOST_LISTED, _numbers, decimals, number_levels

    q = model.Numeric(id="n", skill="date-checking", subskill="B1", claims=(), stem="s", explanation="e", difficulty=1,
                      grade_band="9-10", answer=Decimal(answer), tolerance=Decimal(tolerance))
    forms = _numbers(q)
    places = decimals(q)
    low, high = [int((q.answer + sign * q.tolerance).scaleb(places)) for sign in (-1, 1)]
    assert number_levels(q) and len(forms) <= 18 * number_levels(q) + 1  # at most 9 blocks per end and level
    assert high - low + 1 > MOST_LISTED
    assert format_number(q.answer + q.tolerance) in forms
    assert number_levels(q) == len(str(high - low)) > max(int(f[1:].split(":")[0]) for f in forms if f.startswith("b"))
    samples = {low, high, low - 1, high + 1, (low + high) // 2, low + 1, high - 1, low + 10, high - 10}
    samples |= {low + k * (high - low) // 97 for k in range(98)}
    for units in samples:
        inside = sum(_in_blocks([f], units) for f in forms)
        assert inside == (1 if low <= units < high else 0), units


def test_numbers_longer_than_decimals_default_precision_are_exact():
    """Decimal's default context keeps 28 digits: a 30-digit answer must not be rounded on the grid."""
    from quizgen.render.seal import _numbers

    q = model.Numeric(id="n", skill="date-checking", subskill="B1", claims=(), stem="s", explanation="e", difficulty=1,
                      grade_band="9-10", answer=Decimal("123456789012345678901234567890"), tolerance=Decimal("0.5"))
    forms = _numbers(q)
    assert forms[0] == "123456789012345678901234567889.5" and forms[-1] == "123456789012345678901234567890.5"
    assert "123456789012345678901234567890" in forms


def test_a_page_shows_the_excerpts_even_when_the_paper_hands_them_out(sampler):
    import dataclasses

    paper_apart = dataclasses.replace(sampler, recipe=dataclasses.replace(sampler.recipe, excerpts=False))
    page = render_page(paper_apart, paper_apart.versions[0], "assessment")
    assert 'class="excerpt"' in page and "In the source texts" not in page


def test_optional_phrases_are_right_marked_or_not(bank_sheet):
    from quizgen.responses import phrase_words

    found = 0
    for item in bank_sheet.versions[0].items:
        q = item.question
        if not isinstance(q, model.MarkTheWords) or not q.optional:
            continue
        required = {i for phrase in q.answers for i in phrase_words(q.passage, phrase)[0]}
        either = {i for phrase in q.optional for i in phrase_words(q.passage, phrase)[0]}
        ok = set(accepted(item))
        assert ",".join(map(str, sorted(required))) in ok
        assert ",".join(map(str, sorted(required | either))) in ok
        assert ",".join(map(str, sorted(either))) not in ok
        found += 1
    assert found >= 1
