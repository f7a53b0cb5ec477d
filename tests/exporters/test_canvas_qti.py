"""Canvas QTI 1.2 zip: validate against the QTI 1.2.1 DTD, read back, compare question by question."""

from __future__ import annotations

import io
import zipfile
from decimal import Decimal

import pytest
from conftest import examples
from hypothesis import HealthCheck, given, settings
from lxml import etree

from quizgen import model as m
from quizgen.exporters import get_exporter
from quizgen.exporters.canvas_qti import CANVAS_TYPE, QTI_NS, quiz_identifier

from .sample import worksheet_all_kinds
from .support import (
    listed_name,
    place,
    assert_carries,
    body_must_carry,
    expected_text,
    feedback_must_carry,
    hostile_text,
    html_to_text,
    long_text,
    passage_words,
    plan_of,
    single_words,
    unzip,
)

EXPORTER = get_exporter("canvas-qti")
NS = {"q": QTI_NS}


def without_namespace(doc: etree._Element) -> etree._Element:
    """Return a copy in no namespace: the QTI 1.2 DTD predates XML namespaces (Canvas's files carry one)."""
    doc = etree.fromstring(etree.tostring(doc))
    for el in doc.iter():
        if isinstance(el.tag, str):
            el.tag = etree.QName(el).localname
        for attr in list(el.attrib):
            if attr.startswith("{"):
                del el.attrib[attr]
    etree.cleanup_namespaces(doc)
    return doc


@pytest.fixture(scope="module")
def qti_dtd(schemas_dir):
    path = schemas_dir / "qti1.2" / "ims_qtiasiv1p2p1.dtd"
    if not path.is_file():
        pytest.skip(f"QTI 1.2.1 DTD not found at {path}")
    return etree.DTD(str(path))


def mattext(el) -> str:
    node = el.find("q:material/q:mattext", NS)
    text = node.text or ""
    return html_to_text(text) if node.get("texttype") == "text/html" else text


def compare(ws: m.Worksheet, data: bytes) -> int:
    files = unzip(data)
    names = list(files)
    assert names[0] == "imsmanifest.xml"
    manifest = etree.fromstring(files["imsmanifest.xml"])
    hrefs = {f.get("href") for f in manifest.iter("{*}file")}
    assert hrefs == set(names) - {"imsmanifest.xml"}
    checked = 0
    for version, carried in plan_of("canvas-qti", ws).written():
        quiz_id = quiz_identifier(ws, version)
        meta = etree.fromstring(files[f"{quiz_id}/assessment_meta.xml"])
        assert Decimal(meta.findtext("{*}points_possible")) == version.points
        doc = etree.fromstring(files[f"{quiz_id}/{quiz_id}.xml"])
        items = doc.findall(".//q:item", NS)
        assert [i.get("ident") for i in items] == [place(ws, version, it.question) for it in version.items]
        for el, c in zip(items, carried):
            q, original = c.question, c.plan.question
            fields = {f.findtext("q:fieldlabel", namespaces=NS): f.findtext("q:fieldentry", namespaces=NS)
                      for f in el.findall("q:itemmetadata/q:qtimetadata/q:qtimetadatafield", NS)}
            assert fields["question_type"] == CANVAS_TYPE[q.kind]
            assert Decimal(fields["points_possible"]) == q.points
            assert el.get("title") == expected_text(c.name) and c.name.startswith(listed_name(ws, version, c))
            assert mattext(el.find("q:presentation", NS)) == expected_text(c.text)
            feedback = {f.get("ident"): mattext(f.find("q:flow_mat", NS)) for f in el.findall("q:itemfeedback", NS)}
            assert feedback.get("general_fb", "") == expected_text(c.feedback)
            assert_carries(mattext(el.find("q:presentation", NS)), body_must_carry(c.plan.item), q.id)
            assert_carries(feedback.get("general_fb", ""), feedback_must_carry(original), q.id)
            conds = el.findall("q:resprocessing/q:respcondition", NS)
            scoring = [cond for cond in conds if cond.find("q:setvar", NS) is not None]
            qtype = fields["question_type"]
            if qtype in ("multiple_choice_question", "true_false_question", "multiple_answers_question"):
                labels = el.findall(".//q:response_label", NS)
                if isinstance(q, m.TrueFalse):
                    choices = [m.Choice("True", q.answer), m.Choice("False", not q.answer)]
                else:
                    choices = list(q.choices)
                assert [mattext(lb) for lb in labels] == [expected_text(ch.text) for ch in choices]
                if isinstance(original, m.MarkTheWords):
                    assert single_words([mattext(lb) for lb in labels])
                    assert [mattext(lb) for lb in labels] == passage_words(original.passage, original.optional)
                for lb, ch in zip(labels, choices):
                    assert feedback.get(lb.get("ident") + "_fb", "") == expected_text(ch.feedback)
                (score,) = scoring
                correct = {lb.get("ident") for lb, ch in zip(labels, choices) if ch.correct}
                if qtype == "multiple_answers_question":
                    assert el.find(".//q:response_lid", NS).get("rcardinality") == "Multiple"
                    yes = {v.text for v in score.findall("q:conditionvar/q:and/q:varequal", NS)}
                    no = {v.text for v in score.findall("q:conditionvar/q:and/q:not/q:varequal", NS)}
                    assert yes == correct and no == {lb.get("ident") for lb in labels} - correct
                else:
                    assert {v.text for v in score.findall("q:conditionvar/q:varequal", NS)} == correct
                assert score.findtext("q:setvar", namespaces=NS) == "100"
            elif qtype == "short_answer_question":
                (score,) = scoring
                assert [v.text for v in score.findall("q:conditionvar/q:varequal", NS)] == [expected_text(a) for a in q.answers]
            elif qtype == "numerical_question":
                (score,) = scoring
                exact = score.find(".//q:varequal", NS).text
                assert Decimal(exact) == q.answer
                if q.tolerance:
                    assert Decimal(score.find(".//q:vargte", NS).text) == q.answer - q.tolerance
                    assert Decimal(score.find(".//q:varlte", NS).text) == q.answer + q.tolerance
            elif qtype == "matching_question":
                lids = el.findall("q:presentation/q:response_lid", NS)
                if isinstance(original, m.Matching):
                    pairs = [(p.left, p.right) for p in original.pairs]
                else:  # ordering: each item (as printed) to its position
                    pairs = [(t, str(original.items.index(t) + 1)) for t in c.plan.item.shuffled]
                assert [mattext(lid) for lid in lids] == [expected_text(left) for left, _ in pairs]
                total = Decimal(0)
                for lid, (_, right), cond in zip(lids, pairs, scoring):
                    texts = {lb.get("ident"): mattext(lb) for lb in lid.findall(".//q:response_label", NS)}
                    var = cond.find("q:conditionvar/q:varequal", NS)
                    assert var.get("respident") == lid.get("ident")
                    assert texts[var.text] == expected_text(right)
                    total += Decimal(cond.findtext("q:setvar", namespaces=NS))
                assert total == 100
                if isinstance(original, m.Matching):
                    offered = {mattext(lb) for lb in lids[0].findall(".//q:response_label", NS)}
                    assert {expected_text(d) for d in original.distractors} <= offered
            elif qtype == "essay_question":
                assert el.find(".//q:response_str", NS) is not None
            checked += 1
    return checked


def test_items_are_valid_against_the_qti_dtd(worksheet_all_kinds, qti_dtd):
    files = unzip(EXPORTER.export(worksheet_all_kinds))
    assessments = [n for n in files if n.endswith(".xml") and not n.endswith("assessment_meta.xml") and n != "imsmanifest.xml"]
    assert len(assessments) == 2
    for name in assessments:
        doc = without_namespace(etree.fromstring(files[name]))
        assert qti_dtd.validate(doc), (name, qti_dtd.error_log.filter_from_errors())


def test_every_question_comes_back(worksheet_all_kinds):
    assert compare(worksheet_all_kinds, EXPORTER.export(worksheet_all_kinds)) == 20


def test_every_item_has_canvas_question_type(worksheet_all_kinds):
    files = unzip(EXPORTER.export(worksheet_all_kinds))
    items = 0
    for name, data in files.items():
        if name.endswith(".xml") and "/" in name and not name.endswith("assessment_meta.xml"):
            for item in etree.fromstring(data).iterfind(".//q:item", NS):
                labels = item.findall("q:itemmetadata/q:qtimetadata/q:qtimetadatafield/q:fieldlabel", NS)
                assert "question_type" in [lb.text for lb in labels]
                items += 1
    assert items == sum(len(v.items) for v in worksheet_all_kinds.versions)


def test_adaptations_are_reported(worksheet_all_kinds):
    no_field = "Classic Quizzes have no field only graders see; comments are shown to students"
    assert [d.format() for d in EXPORTER.check(worksheet_all_kinds)] == [
        "canvas-qti: adapted: version A, question 6 (dc-gap): numeric unit 'years' written in the question text "
        "('Answer in years.'): the format has no unit field",
        "canvas-qti: adapted: version A, question 8 (dc-order): ordering carried as matching: each item is matched to "
        "its position (Classic Quizzes have no ordering type)",
        f"canvas-qti: adapted: version A, question 9 (co-open): open response: the rubric, model answer and "
        f"explanation are left out ({no_field}): they are in the PDF answer key",
        "canvas-qti: adapted: version A, question 10 (ib-mark): mark-the-words carried as multiple response (Classic "
        "Quizzes have no mark-the-words type): every word of the passage is a choice, in order, and the 6 words to "
        "mark are the correct ones; the stem says 'Select' instead of 'Mark'",
    ]


def test_zip_is_deterministic_with_fixed_timestamps(worksheet_all_kinds):
    data = EXPORTER.export(worksheet_all_kinds)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert {i.date_time for i in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}


@settings(max_examples=examples(30), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(hostile_text())
def test_hostile_text_round_trips(text):
    ws = worksheet_all_kinds(text)
    compare(ws, EXPORTER.export(ws))


def test_hostile_text_stays_valid(qti_dtd):
    ws = worksheet_all_kinds("]]> <&> \x00 “세기” \u202e ~=#{}:\\")
    files = unzip(EXPORTER.export(ws))
    validated = 0
    for name, data in files.items():
        if name.endswith(".xml") and "/" in name and not name.endswith("assessment_meta.xml"):
            assert qti_dtd.validate(without_namespace(etree.fromstring(data))), qti_dtd.error_log
            validated += 1
    assert validated == len(ws.versions)


def test_very_long_text_round_trips():
    ws = worksheet_all_kinds(long_text())
    compare(ws, EXPORTER.export(ws))
