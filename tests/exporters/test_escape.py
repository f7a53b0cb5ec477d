"""The escape rules, archives and printed numbers: exact small cases and Hypothesis properties."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from hypothesis import given
from lxml import etree

from quizgen.exporters import escape as esc
from quizgen.exporters.package import zip_bytes
from quizgen.printed import format_number, letter_of

from .support import hostile_text, html_to_text


def gift_unescape(text: str) -> str:
    """Undo GIFT escapes the way Moodle's qformat_gift escapedchar_pre/post does."""
    table = {"\\": "\\", ":": ":", "#": "#", "=": "=", "{": "{", "}": "}", "~": "~", "n": "\n"}
    return re.sub(r"\\([\\:#={}~n])", lambda m: table[m.group(1)], text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a~b", "a\\~b"),
        ("1=2", "1\\=2"),
        ("#{x}:", "\\#\\{x\\}\\:"),
        ("back\\slash", "back\\\\slash"),
        ("two\nlines", "two\\nlines"),
        ("crlf\r\nand\rcr", "crlf\\nand\\ncr"),
        ("\\n", "\\\\n"),
        ("세기와 더불어", "세기와 더불어"),
    ],
)
def test_gift_escape(text, expected):
    assert esc.gift_escape(text) == expected


@given(hostile_text())
def test_gift_escape_round_trips_on_one_line(text):
    escaped = esc.gift_escape(text)
    assert "\n" not in escaped and "\r" not in escaped
    # No unescaped special is left for Moodle to act on.
    assert not re.search(r"(?<!\\)(?:\\\\)*[~=#{}:]", escaped)
    assert gift_unescape(escaped) == esc.normalize_newlines(text)


def test_gift_category_and_tags():
    assert esc.gift_category(["Test: a/b {x}", "Identify bias"]) == "$course$/top/Test: a//b x/Identify bias"
    assert esc.gift_tag("A2") == "A2"
    assert esc.gift_tag("x]y<z>") == "x\\]y z"
    assert esc.gift_tag("tick`tag") == "tick tag"


def test_xml_text_strips_and_reports_forbidden_characters():
    assert esc.xml_text("a\x00b\x0bc\ufffed") == "abcd"
    assert esc.xml_forbidden_chars("a\x00b\x00\x0b") == ["\x00", "\x0b"]
    assert esc.describe_chars(["\x00", "\x0b"]) == "U+0000, U+000B"


@given(hostile_text())
def test_xml_text_is_accepted_by_lxml(text):
    el = etree.Element("t")
    el.text = esc.xml_text(text)
    # lxml gives None for an empty text node
    assert (etree.fromstring(etree.tostring(el)).text or "") == esc.xml_text(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a < b & c", "<p>a &lt; b &amp; c</p>"),
        ("one\ntwo\n\nthree", "<p>one<br>two</p><p>three</p>"),
        ("a\n\n\nb", "<p>a</p><p><br>b</p>"),
    ],
)
def test_html_paragraphs(text, expected):
    assert esc.html_paragraphs(text) == expected


@given(hostile_text())
def test_html_paragraphs_round_trip(text):
    rendered = esc.html_paragraphs(text)
    assert "\n" not in rendered
    assert html_to_text(rendered) == esc.normalize_newlines(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("=1+1", "'=1+1"), ("+7", "'+7"), ("-x", "'-x"), ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\tx"),
     ("\rx", "'\rx"), ("plain", "plain"), ("", "")],
)
def test_spreadsheet_cell(text, expected):
    assert esc.spreadsheet_cell(text) == expected


def test_zip_bytes_is_deterministic_and_ordered():
    entries = [("imsmanifest.xml", b"<m/>"), ("b/x.xml", b"x"), ("a.txt", "세기".encode())]
    data = zip_bytes(entries)
    assert data == zip_bytes(entries)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert z.namelist() == ["imsmanifest.xml", "b/x.xml", "a.txt"]
        for info in z.infolist():
            assert info.date_time == (1980, 1, 1, 0, 0, 0)
            assert (info.external_attr >> 16) & 0o777 == 0o644
        assert z.read("a.txt").decode() == "세기"
    with pytest.raises(ValueError):
        zip_bytes([("a", b""), ("a", b"")])


@pytest.mark.parametrize(("value", "text"), [("1945", "1945"), ("0.50", "0.5"), ("1E+3", "1000"), ("-0", "0"),
                                             ("2.0", "2"), ("-2.50", "-2.5"), ("1.5E-7", "0.00000015")])
def test_format_number(value, text):
    """One home for numbers: the PDF and every export write them alike, never with an exponent."""
    from decimal import Decimal

    assert format_number(Decimal(value)) == text


@pytest.mark.parametrize(("index", "letter"), [(0, "A"), (25, "Z"), (26, "AA"), (27, "AB"), (51, "AZ"), (52, "BA")])
def test_letter_of(index, letter):
    assert letter_of(index) == letter


def test_question_text_has_stem_excerpt_and_citation(worksheet_all_kinds):
    from quizgen.exporters import wording
    from quizgen.exporters.plan import plan_items, question_text

    plan = plan_items(worksheet_all_kinds)[0]
    text = question_text(plan, plan.question.stem)
    assert text.startswith(plan.question.stem + "\n\n1\u2003In August 1945")
    assert "\u2014 With the Century (세기와 더불어)" in text and "lines 1\u20134" in text
    assert wording.question_tags(plan.question) == ["identify-bias", "A2", "glittering-generality", "name-calling"]
