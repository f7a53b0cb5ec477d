"""QTI 2.1 content package: XSD-valid items, tests and manifest; keys score full marks; round trip."""

from __future__ import annotations

from decimal import Decimal

import pytest
from conftest import examples
from hypothesis import HealthCheck, given, settings
from lxml import etree

from quizgen import model as m
from quizgen.exporters import get_exporter, wording
from quizgen.exporters.qti21 import QTI_NS, assessment_test_identifier

from .qti_eval import Item
from .sample import worksheet_all_kinds
from .support import (
    listed_name,
    place,
    assert_carries,
    expected_text,
    grader_only,
    hostile_text,
    long_text,
    passage_words,
    plan_of,
    single_words,
    unzip,
)

EXPORTER = get_exporter("qti21")
NS = {"q": QTI_NS}


@pytest.fixture(scope="module")
def schemas(schemas_dir):
    """Return (QTI 2.1 item/test schema, IMS CP 1.1 schema, rptemplates folder), all local files."""
    base = schemas_dir / "qti2x_qti3_oat-sa"
    qti, cp = base / "qtiv2p1" / "imsqti_v2p1.xsd", base / "imscp_v1p1.xsd"
    if not (qti.is_file() and cp.is_file()):
        pytest.skip(f"QTI 2.1 / IMS CP schemas not found under {base}")
    # Every import in these files is relative (../w3/xml.xsd, imsmd_v1p2p4.xsd),
    # so parsing by path resolves them locally; no network is involved.
    parser = etree.XMLParser(no_network=True)
    return (etree.XMLSchema(etree.parse(str(qti), parser)), etree.XMLSchema(etree.parse(str(cp), parser)),
            base / "rptemplates")


def text_of(el) -> str:
    """Return the plain text of a flow container: paragraphs as blank lines, <br/> as newlines."""
    paragraphs = el.findall("q:p", NS)
    if not paragraphs:
        return el.text or ""
    out = []
    for p in paragraphs:
        parts = [p.text or ""]
        for child in p:
            parts.append("\n" if etree.QName(child).localname == "br" else (child.text or ""))
            parts.append(child.tail or "")
        out.append("".join(parts))
    return "\n\n".join(out)


def body_text(item_el) -> str:
    body = item_el.find("q:itemBody", NS)
    paragraphs = [p for p in body.findall("q:p", NS) if p.find("q:textEntryInteraction", NS) is None]
    holder = etree.Element("x")
    for p in paragraphs:
        holder.append(etree.fromstring(etree.tostring(p)))
    for p in holder:
        p.tag = f"{{{QTI_NS}}}p"
    return text_of(holder)


def test_every_file_is_valid(worksheet_all_kinds, schemas):
    qti, cp, _ = schemas
    files = unzip(EXPORTER.export(worksheet_all_kinds))
    assert list(files)[0] == "imsmanifest.xml"
    assert cp.validate(etree.fromstring(files["imsmanifest.xml"])), cp.error_log
    for name, data in files.items():
        if name != "imsmanifest.xml":
            assert qti.validate(etree.fromstring(data)), (name, qti.error_log)
    assert sum(n.startswith("items/") for n in files) == 20 and sum(n.startswith("tests/") for n in files) == 2


def test_manifest_lists_every_file_and_dependency(worksheet_all_kinds):
    files = unzip(EXPORTER.export(worksheet_all_kinds))
    manifest = etree.fromstring(files["imsmanifest.xml"])
    resources = {r.get("identifier"): r for r in manifest.iter("{*}resource")}
    assert {r.get("href") for r in resources.values()} == set(files) - {"imsmanifest.xml"}
    for r in resources.values():
        for dep in r.iter("{*}dependency"):
            assert dep.get("identifierref") in resources


def test_no_style_attributes_and_valid_identifiers(worksheet_all_kinds):
    import re

    ncname = re.compile(r"^[A-Za-z_][A-Za-z0-9_.\-]*$")
    for name, data in unzip(EXPORTER.export(worksheet_all_kinds)).items():
        for el in etree.fromstring(data).iter():
            if isinstance(el.tag, str):
                assert "style" not in el.attrib, name
                for attr in ("identifier", "responseIdentifier", "outcomeIdentifier", "identifierref"):
                    if attr in el.attrib:
                        assert ncname.match(el.get(attr)), (name, attr, el.get(attr))


def test_every_key_scores_full_marks(worksheet_all_kinds):
    templates = None  # quizgen writes its own rules, no standard template to fetch
    files = unzip(EXPORTER.export(worksheet_all_kinds))
    scored = 0
    for version in worksheet_all_kinds.versions:
        for witem in version.items:
            q = witem.question
            item = Item(files[f"items/{place(worksheet_all_kinds, version, q)}.xml"], templates)
            if isinstance(q, m.OpenResponse):
                assert item.root.find("q:responseProcessing", NS) is None  # scored by a person
                continue
            outcomes = item.score(item.key())
            assert outcomes["SCORE"] == outcomes["MAXSCORE"] == q.points, q.id
            assert item.score(None)["SCORE"] == 0
            scored += 1
    assert scored == 18


def test_wrong_and_partial_answers_score_less(worksheet_all_kinds):
    templates = None
    files = unzip(EXPORTER.export(worksheet_all_kinds))
    version = worksheet_all_kinds.versions[0]
    get = lambda qid: Item(files[f"items/{place(worksheet_all_kinds, version, next(i.question for i in version.items if i.question.id == qid))}.xml"], templates)  # noqa: E731
    single = get("ib-single")
    assert single.score("choice2")["SCORE"] == 0
    multi = get("ib-multi")  # right: 1, 2, 4 of 5; points 2
    assert abs(multi.score(["choice1", "choice2"])["SCORE"] - Decimal(4) / 3) < Decimal("0.001")
    assert abs(multi.score(["choice1", "choice2", "choice3", "choice4", "choice5"])["SCORE"] - Decimal(2) / 3) < Decimal("0.001")  # 3 right - 2 wrong shares
    short = get("co-short")
    assert short.score("red army")["SCORE"] == 1 and short.score("Soviets")["SCORE"] == 0
    gap = get("dc-gap")  # 53 ± 0.5
    assert gap.score(Decimal("53.5"))["SCORE"] == 1 and gap.score(Decimal("54"))["SCORE"] == 0
    order = get("dc-order")  # four items, 1 point: a quarter per item in its place
    key = order.key()
    assert order.score(list(reversed(key)))["SCORE"] == 0
    assert order.score([key[1], key[0], key[2], key[3]])["SCORE"] == Decimal("0.5")
    assert order.score(key)["SCORE"] == 1
    match = get("dc-match")
    assert abs(match.score(match.key()[:2])["SCORE"] - Decimal(2) / 3) < Decimal("0.001")
    mark = get("ib-mark")  # three phrases, a third each, split over their words: great Leader / crushed / at a stroke
    assert len(mark.key()) == 6 and "word1" not in mark.key()
    assert abs(mark.score(mark.key() + ["word1"])["SCORE"] - Decimal(2) / 3) < Decimal("0.001")  # "The" costs a third
    assert abs(mark.score(mark.key()[:3])["SCORE"] - Decimal(2) / 3) < Decimal("0.001")  # two phrases whole


def compare(ws: m.Worksheet, data: bytes) -> int:
    files = unzip(data)
    manifest = etree.fromstring(files["imsmanifest.xml"])
    meta = {}
    for r in manifest.iter("{*}resource"):
        general = r.find("{*}metadata/{*}lom/{*}general")
        if general is not None:
            meta[r.get("href")] = (general.findtext("{*}identifier"), [k.text for k in general.findall("{*}keyword/{*}langstring")])
    checked = 0
    for version, carried in plan_of("qti21", ws).written():
        test = etree.fromstring(files[f"tests/{assessment_test_identifier(ws, version)}.xml"])
        refs = [r.get("identifier") for r in test.iter(f"{{{QTI_NS}}}assessmentItemRef")]
        assert refs == [place(ws, version, i.question) for i in version.items]
        for c in carried:
            q = c.question
            href = f"items/{place(ws, version, q)}.xml"
            el = etree.fromstring(files[href])
            assert meta[href] == (q.id, wording.question_tags(q))
            assert el.get("title") == expected_text(c.name) and c.name.startswith(listed_name(ws, version, c))
            assert body_text(el) == expected_text(c.text)
            general = el.find("q:modalFeedback[@identifier='general']", NS)
            assert (text_of(general) if general is not None else "") == expected_text(c.feedback)
            body = el.find("q:itemBody", NS)
            scorer = body.findall("q:rubricBlock[@view='scorer']", NS)
            assert [text_of(r) for r in scorer] == ([expected_text(c.grader)] if c.grader else [])
            if isinstance(q, (m.SingleChoice, m.MultipleResponse, m.TrueFalse)):
                choices = ([m.Choice("True", q.answer), m.Choice("False", not q.answer)] if isinstance(q, m.TrueFalse) else list(q.choices))
                simple = body.findall("q:choiceInteraction/q:simpleChoice", NS)
                assert [text_of(s) for s in simple] == [expected_text(ch.text) for ch in choices]
                key = Item(files[href]).key()
                key = key if isinstance(key, list) else [key]
                assert {s.get("identifier") for s, ch in zip(simple, choices) if ch.correct} == set(key)
                for s, ch in zip(simple, choices):
                    fb = el.find(f"q:modalFeedback[@identifier='{s.get('identifier')}']", NS)
                    assert (text_of(fb) if fb is not None else "") == expected_text(ch.feedback)
            elif isinstance(q, m.MarkTheWords):
                hot = body.findall(".//q:hottext", NS)
                # Every word of the passage is a hottext, one word each, in order; the punctuation stays in the text.
                assert single_words([h.text for h in hot]) and [h.text for h in hot] == passage_words(q.passage, q.optional)
                key = set(Item(files[href]).key())
                assert sorted(h.text for h in hot if h.get("identifier") in key) == sorted(
                    w for phrase in q.answers for w in passage_words(phrase))
                interaction = body.find("q:hottextInteraction", NS)
                assert " ".join("".join(interaction.itertext()).split()) == " ".join(expected_text(q.passage).split())
            elif isinstance(q, m.ShortAnswer):
                keys = [e.get("mapKey") for e in el.iter(f"{{{QTI_NS}}}mapEntry")]
                assert keys == list(dict.fromkeys(expected_text(a).strip() for a in q.answers))
            elif isinstance(q, m.Numeric):
                assert Item(files[href]).key() == q.answer
                assert (body.find(".//q:textEntryInteraction", NS).tail or "").strip() == q.unit
            elif isinstance(q, m.Matching):
                sets = body.findall("q:matchInteraction/q:simpleMatchSet", NS)
                lefts = [text_of(ch) for ch in sets[0]]
                rights = {ch.get("identifier"): text_of(ch) for ch in sets[1]}
                left_ids = [ch.get("identifier") for ch in sets[0]]
                assert lefts == [expected_text(p.left) for p in q.pairs]
                pairs = Item(files[href]).key()
                got = {(lefts[left_ids.index(a)], rights[b]) for a, b in pairs}
                assert got == {(expected_text(p.left), expected_text(p.right)) for p in q.pairs}
                assert {expected_text(d) for d in q.distractors} <= set(rights.values())
            elif isinstance(q, m.Ordering):
                simple = body.findall("q:orderInteraction/q:simpleChoice", NS)
                texts = {s.get("identifier"): text_of(s) for s in simple}
                assert [text_of(s) for s in simple] == [expected_text(t) for t in c.plan.item.shuffled]
                assert [texts[i] for i in Item(files[href]).key()] == [expected_text(t) for t in q.items]
            elif isinstance(q, m.OpenResponse):
                (rubric,) = scorer
                assert_carries(text_of(rubric), grader_only(q), q.id)
            checked += 1
    return checked


def test_every_question_comes_back(worksheet_all_kinds):
    assert compare(worksheet_all_kinds, EXPORTER.export(worksheet_all_kinds)) == 20


def test_nothing_to_adapt(worksheet_all_kinds):
    assert EXPORTER.check(worksheet_all_kinds) == []
    assert EXPORTER.question_kinds == frozenset(m.QUESTION_KINDS)


@settings(max_examples=examples(30), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(hostile_text())
def test_hostile_text_round_trips(text):
    ws = worksheet_all_kinds(text)
    compare(ws, EXPORTER.export(ws))


@settings(max_examples=examples(10), deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(hostile_text())
def test_hostile_text_stays_valid_and_keys_still_score(schemas, text):
    qti, cp, templates = schemas
    ws = worksheet_all_kinds(text)
    files = unzip(EXPORTER.export(ws))
    assert cp.validate(etree.fromstring(files["imsmanifest.xml"])), cp.error_log
    scored = 0
    for name, data in files.items():
        if name != "imsmanifest.xml":
            assert qti.validate(etree.fromstring(data)), (name, qti.error_log)
        if name.startswith("items/"):
            item = Item(data, templates)
            if item.root.find("q:responseProcessing", NS) is not None:  # open questions have none
                out = item.score(item.key())
                assert out["SCORE"] == out["MAXSCORE"]
                scored += 1
    keyed = [i for v in ws.versions for i in v.items if not isinstance(i.question, m.OpenResponse)]
    assert scored >= len(keyed), (scored, len(keyed))


def test_very_long_text_round_trips():
    ws = worksheet_all_kinds(long_text())
    compare(ws, EXPORTER.export(ws))


def test_evaluator_runs_the_standard_templates(worksheet_all_kinds, schemas):
    """The test evaluator also runs IMS's match_correct/map_response templates, which score 0..1 or the mapping."""
    _, _, templates = schemas
    files = unzip(EXPORTER.export(worksheet_all_kinds))
    version = worksheet_all_kinds.versions[0]
    for qid, template, expected in (("ib-single", "match_correct", 1), ("ib-multi", "map_response", 2)):
        q = next(i.question for i in version.items if i.question.id == qid)
        root = etree.fromstring(files[f"items/{place(worksheet_all_kinds, version, q)}.xml"])
        rp = root.find("q:responseProcessing", NS)
        for child in list(rp):
            rp.remove(child)
        rp.set("template", f"http://www.imsglobal.org/question/qti_v2p1/rptemplates/{template}")
        item = Item(etree.tostring(root), templates)
        assert item.score(item.key())["SCORE"] == expected


def test_the_scoring_is_quizgen_scorings(worksheet_all_kinds):
    """Each part alone scores what quizgen.scoring says it is worth (floored at 0): one table, not a second copy."""
    from quizgen.scoring import scoring_of

    files = unzip(EXPORTER.export(worksheet_all_kinds))
    version = worksheet_all_kinds.versions[0]
    checked = 0
    for witem in version.items:
        q = witem.question
        if not isinstance(q, (m.MultipleResponse, m.MarkTheWords, m.Matching)):
            continue
        item = Item(files[f"items/{place(worksheet_all_kinds, version, q)}.xml"])
        parts = scoring_of(q).parts
        mapping = item.declarations["RESPONSE"].find("q:mapping", NS)
        keys = [e.get("mapKey") for e in mapping.findall("q:mapEntry", NS)]
        assert [Decimal(e.get("mappedValue")) for e in mapping.findall("q:mapEntry", NS)] == [p.value for p in parts]
        for key, part in zip(keys, parts):
            response = [key] if not isinstance(q, m.Matching) else [tuple(key.split())]
            assert item.score(response)["SCORE"] == max(Decimal(0), part.value), (q.id, key)
            checked += 1
    assert checked > 15
