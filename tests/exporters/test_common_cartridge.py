"""Common Cartridge 1.1 export: official XSDs and their embedded Schematron, read back, properties.

The cartridge is checked three ways:

- every XML file against the 1EdTech CC 1.1 XSDs in ``shared/schemas/cc1.1``
  (manifest profile with the LOM profile, QTI profile), and against the
  Schematron rules embedded in those XSDs (``xs:appinfo``), run with
  ``lxml.isoschematron``;
- read back with the XPath queries Moodle's CC 1.1 importer uses
  (``backup/cc/entity11.quiz.class.php``, Moodle 3.3), question by question;
- Hypothesis pushes hostile text through it and looks for it again.
"""

from __future__ import annotations

import copy
import functools
import io
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import examples
from hypothesis import HealthCheck, given, settings
from lxml import etree, isoschematron

from quizgen import model as m
from quizgen.exporters.common_cartridge import CommonCartridgeExporter
from quizgen.exporters.escape import xml_text
from quizgen.exporters.plan import question_text
from quizgen.printed import format_number

from .conftest import schemas_path
from .sample import worksheet_all_kinds
from .support import (
    expected_text, grader_only, hostile_text, html_to_text, listed, listed_name, long_text, passage_words, place, plan_of,
)

QTI = "http://www.imsglobal.org/xsd/ims_qtiasiv1p2"
CP = "http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1"
NS = {"q": QTI, "cp": CP}
SCH = "http://purl.oclc.org/dsdl/schematron"
SVRL = "http://purl.oclc.org/dsdl/svrl"

MANIFEST_XSD = "cc1.1/ccv1p1_imscp_v1p2_v1p0.xsd"
LOM_XSD = "cc1.1/ccv1p1_lommanifest_v1p0.xsd"
QTI_XSD = "cc1.1/ccv1p1_qtiasiv1p2p1_v1p0.xsd"


# --------------------------------------------------------------------------
# Validators


@functools.lru_cache(maxsize=None)
def xsd(relative: str) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(schemas_path() / relative)))


@functools.lru_cache(maxsize=None)
def schematron(relative: str) -> isoschematron.Schematron:
    """Return the Schematron rules embedded in an XSD's ``xs:appinfo`` as a runnable schema.

    The 1EdTech files use the ISO namespace (``purl.oclc.org/dsdl/schematron``)
    with Schematron 1.5 habits: ``pattern/@name`` and ``sch:title`` after
    ``sch:ns``. ISO wants ``title`` first and has no ``@name``, so the rules
    are gathered in ISO order and ``@name`` dropped; the XPath 1.0 tests and
    messages are used as written (queryBinding xslt).
    """
    doc = etree.parse(str(schemas_path() / relative))
    gathered = []
    for appinfo in doc.iter("{http://www.w3.org/2001/XMLSchema}appinfo"):
        for element in appinfo:
            if isinstance(element.tag, str) and element.tag.startswith(f"{{{SCH}}}"):
                element = copy.deepcopy(element)
                element.attrib.pop("name", None)
                gathered.append(element)
    order = {"title": 0, "ns": 1, "pattern": 2}
    gathered.sort(key=lambda e: order[etree.QName(e).localname])
    assert any(etree.QName(e).localname == "pattern" for e in gathered), f"no Schematron in {relative}"
    schema = etree.Element(f"{{{SCH}}}schema", nsmap={"sch": SCH}, queryBinding="xslt")
    schema.extend(gathered)
    return isoschematron.Schematron(schema, store_report=True, validate_schema=False)


def failed_asserts(rules: isoschematron.Schematron, doc: etree._Element) -> list[str]:
    """Return the messages of the Schematron asserts ``doc`` fails."""
    rules.validate(doc)
    return [
        " ".join("".join(f.itertext()).split())
        for f in rules.validation_report.iter(f"{{{SVRL}}}failed-assert")
    ]


def assert_valid(doc: etree._Element, xsd_name: str, *schematron_names: str) -> None:
    schema = xsd(xsd_name)
    assert schema.validate(doc), f"{xsd_name}: {schema.error_log}"
    for name in schematron_names:
        failures = failed_asserts(schematron(name), doc)
        assert not failures, f"Schematron of {name}: {failures}"


# --------------------------------------------------------------------------
# Reading the cartridge back


def open_cartridge(data: bytes) -> tuple[etree._Element, dict[str, etree._Element]]:
    """Return the manifest and each assessment document (by href)."""
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert archive.testzip() is None
    manifest = etree.fromstring(archive.read("imsmanifest.xml"))
    assessments = {}
    for href in manifest.xpath("//cp:resource/cp:file/@href", namespaces=NS):
        assessments[href] = etree.fromstring(archive.read(href))
    return manifest, assessments


def _x(node, path: str) -> list:
    return node.xpath(path, namespaces=NS)


def _text(nodes: list) -> str:
    return nodes[0].text or "" if nodes else ""


def moodle_read(doc: etree._Element) -> list[dict]:
    """Read an assessment the way Moodle's CC 1.1 importer does (entity11.quiz.class.php).

    Question text: the first ``presentation/material/mattext``; name: the
    item title; type: the ``cc_profile`` field; default grade: ``cc_weighting``;
    general feedback: the ``displayfeedback`` of ``continue="Yes"``
    conditions; choices: response labels, scored by a ``setvar`` in the
    condition whose first ``varequal`` names them (multiple response: the
    ``varequal[@case='Yes']`` under the SCORE=100 condition, not under
    ``not``); true/false must use the idents ``true`` and ``false``;
    fill in the blank: the ``varequal`` of the SCORE=100 condition.
    """
    out = []
    for item in _x(doc, "/q:questestinterop/q:assessment/q:section/q:item"):
        ident = item.get("ident")

        def feedback_of(ids: list[str]) -> list[str]:
            return [_text(_x(item, f"q:itemfeedback[@ident='{i}']/q:flow_mat/q:material/q:mattext")) for i in ids]

        profile = _text(_x(item, "q:itemmetadata/q:qtimetadata/q:qtimetadatafield[q:fieldlabel='cc_profile']/q:fieldentry"))
        weight = _text(_x(item, ".//q:qtimetadatafield[q:fieldlabel='cc_weighting']/q:fieldentry"))
        general_ids = [
            d.get("linkrefid")
            for c in _x(item, "q:resprocessing/q:respcondition")
            if (c.get("continue") or "").lower() == "yes"
            for d in _x(c, "q:displayfeedback")
        ]
        read = {
            "ident": ident,
            "name": item.get("title"),
            "type": profile,
            "text": _text(_x(item, "q:presentation/q:material/q:mattext")),
            "grade": int(weight) if weight.isdigit() and 0 <= int(weight) <= 99 else 1,
            "category": _text(_x(item, ".//q:qtimetadatafield[q:fieldlabel='cc_question_category']/q:fieldentry")),
            "computerscored": _text(_x(item, ".//q:qtimetadatafield[q:fieldlabel='qmd_computerscored']/q:fieldentry")),
            "feedback": " ".join(feedback_of(general_ids)),
            "solution": _text(_x(item, "q:itemfeedback[@ident='solution']/q:solution/q:solutionmaterial/q:material/q:mattext")),
            "choices": [],
            "answers": [],
        }
        conditions = _x(item, "q:resprocessing/q:respcondition")
        if profile in ("cc.multiple_choice.v0p1", "cc.multiple_response.v0p1", "cc.true_false.v0p1"):
            correct_mr = set()
            if profile == "cc.multiple_response.v0p1":
                correct_mr = set(_x(item, ".//q:setvar[@varname='SCORE'][.=100]/../q:conditionvar"
                                          "//q:varequal[@case='Yes'][not(parent::q:not)]/text()"))
            for label in _x(item, "q:presentation/q:response_lid/q:render_choice/q:response_label"):
                lid = label.get("ident")
                matching = [c for c in conditions if (_text(_x(c, "q:conditionvar/q:varequal")).lower() == lid.lower())]
                # A choice is right when a condition on it sets a positive score, not just any score.
                scored = any(Decimal(_text(_x(c, "q:setvar")) or 0) > 0 for c in matching)
                fb = feedback_of([d.get("linkrefid") for c in matching for d in _x(c, "q:displayfeedback")])
                if profile == "cc.multiple_response.v0p1":
                    scored = lid in correct_mr
                read["choices"].append({"ident": lid, "text": _text(_x(label, "q:material/q:mattext")),
                                        "correct": scored, "feedback": " ".join(fb)})
            if profile == "cc.true_false.v0p1":
                assert sorted(c["ident"] for c in read["choices"]) == ["false", "true"], "Moodle throws otherwise"
        elif profile == "cc.fib.v0p1":
            right = _x(item, "q:resprocessing/q:respcondition/q:setvar[text()='100']/..")
            read["answers"] = [v.text or "" for v in _x(right[0], "q:conditionvar/q:varequal")]
        out.append(read)
    return out


# --------------------------------------------------------------------------
# What each question should come back as (written from the model, not from the exporter)


def expected_items(worksheet: m.Worksheet, version: m.Version) -> list[dict]:
    """Return, per CC item, what the reader should find for this version (texts as the plan put them)."""
    planned = dict(plan_of("cc", worksheet).written())[version]
    out = []
    for c in planned:
        q = c.plan.question
        ident, name = place(worksheet, version, q), expected_text(c.name)
        assert name.startswith(listed_name(worksheet, version, c)) and q.id not in name
        base = {"ident": ident, "name": name, "text": expected_text(c.text), "grade": q.points}
        if isinstance(q, m.SingleChoice):
            kind = "cc.multiple_choice.v0p1" if len(q.choices) >= 3 else "cc.multiple_response.v0p1"
            out.append(base | {"type": kind, "choices": [(ch.text, ch.correct, ch.feedback) for ch in q.choices]})
        elif isinstance(q, m.MultipleResponse):
            out.append(base | {"type": "cc.multiple_response.v0p1",
                               "choices": [(ch.text, ch.correct, ch.feedback) for ch in q.choices]})
        elif isinstance(q, m.TrueFalse):
            out.append(base | {"type": "cc.true_false.v0p1",
                               "choices": [("True", q.answer, ""), ("False", not q.answer, "")]})
        elif isinstance(q, m.ShortAnswer):
            out.append(base | {"type": "cc.fib.v0p1", "answers": listed(q.answers)})
        elif isinstance(q, m.Numeric):
            if q.unit:
                assert expected_text(f"Answer in {q.unit}.") in base["text"]
            answers = [format_number(q.answer)]
            if q.tolerance and q.answer % 1 == 0 and q.tolerance % 1 == 0:
                answers = [str(n) for n in range(int(q.answer - q.tolerance), int(q.answer + q.tolerance) + 1)]
            out.append(base | {"type": "cc.fib.v0p1", "answers": answers})
        elif isinstance(q, (m.Matching, m.Ordering)):
            if isinstance(q, m.Matching):
                prompts = [f"Match: {p.left}" for p in q.pairs]
                rights = [p.right for p in q.pairs]
            else:
                prompts = [f"Which comes in position {k} of {len(q.items)}?" for k in range(1, len(q.items) + 1)]
                rights = list(q.items)
            for k, (prompt, right) in enumerate(zip(prompts, rights), start=1):
                out.append({
                    "ident": f"{ident}_{k}", "name": f"{name} ({k}/{len(prompts)})",
                    "text": expected_text(question_text(c.plan, c.stem, prompt)),
                    "grade": None, "type": "cc.multiple_choice.v0p1",
                    "choices": [(o, o == right, "") for o in c.plan.item.shuffled],
                })
        elif isinstance(q, m.OpenResponse):
            out.append(base | {"type": "cc.essay.v0p1", "grader": grader_only(q)})
        elif isinstance(q, m.MarkTheWords):
            assert expected_text(q.passage) in base["text"]
            out.append(base | {"type": "cc.multiple_response.v0p1", "marks": q})
        else:  # pragma: no cover - a new kind must be added here
            raise AssertionError(q.kind)
    return out


def compare(worksheet: m.Worksheet, data: bytes) -> None:
    """Assert that every version reads back question by question as exported."""
    manifest, assessments = open_cartridge(data)
    hrefs = manifest.xpath("//cp:resource[@type='imsqti_xmlv1p2/imscc_xmlv1p1/assessment']/cp:file/@href",
                           namespaces=NS)
    assert len(hrefs) == len(worksheet.versions)
    for version, href in zip(worksheet.versions, hrefs):
        read = moodle_read(assessments[href])
        expected = expected_items(worksheet, version)
        assert [r["ident"] for r in read] == [e["ident"] for e in expected]
        for got, want in zip(read, expected):
            where = got["ident"]
            assert got["name"] == want["name"], where
            assert got["type"] == want["type"], where
            assert html_to_text(got["text"]) == want["text"], where
            if want["grade"] is not None:
                assert got["grade"] == want["grade"], where
            q = next(i.question for i in version.items if got["ident"].split("_")[0] == place(worksheet, version, i.question))
            if not isinstance(q, m.OpenResponse):  # an essay's explanation is for graders: left out
                assert html_to_text(got["feedback"]).startswith(expected_text(q.explanation)), where
            if "choices" in want:
                assert [(html_to_text(c["text"]), c["correct"]) for c in got["choices"]] == [
                    (expected_text(t), ok) for t, ok, _fb in want["choices"]
                ], where
                for c, (_t, _ok, fb) in zip(got["choices"], want["choices"]):
                    assert html_to_text(c["feedback"].strip()) == expected_text(fb), where
            if "answers" in want:
                assert got["answers"] == [expected_text(a) for a in want["answers"]], where
            if "grader" in want:
                # No solution: the profile's solution may be shown to students (qmd_solutionspermitted).
                assert got["solution"] == "" and got["computerscored"] == "No", where
                shown = html_to_text(got["text"]) + html_to_text(got["feedback"])
                assert not [t for t in want["grader"] if expected_text(t) in shown], where
            if "marks" in want:
                q = want["marks"]
                words = [html_to_text(c["text"]) for c in got["choices"]]
                assert words == passage_words(q.passage, q.optional), where
                ticked = [html_to_text(c["text"]) for c in got["choices"] if c["correct"]]
                assert sorted(ticked) == sorted(w for phrase in q.answers for w in passage_words(phrase)), where


def export(worksheet: m.Worksheet) -> bytes:
    return CommonCartridgeExporter().export(worksheet)


def validate_cartridge(data: bytes) -> None:
    manifest, assessments = open_cartridge(data)
    assert_valid(manifest, MANIFEST_XSD, MANIFEST_XSD, LOM_XSD)
    for doc in assessments.values():
        assert_valid(doc, QTI_XSD, QTI_XSD)


# --------------------------------------------------------------------------
# Tests


def test_manifest_and_assessments_are_valid_with_schematron(worksheet_all_kinds, schemas_dir):
    validate_cartridge(export(worksheet_all_kinds))


def test_schematron_rules_are_live(worksheet_all_kinds, schemas_dir):
    # Breaking the profile on purpose must be caught, or the checks above prove nothing.
    _manifest, assessments = open_cartridge(export(worksheet_all_kinds))
    doc = next(iter(assessments.values()))
    labels = doc.xpath("//q:item[.//q:fieldentry='cc.multiple_choice.v0p1'][1]//q:response_label", namespaces=NS)
    for label in labels[2:]:
        label.getparent().remove(label)
    essay = doc.xpath("//q:item[.//q:fieldentry='cc.essay.v0p1']//q:conditionvar", namespaces=NS)[0]
    etree.SubElement(essay, f"{{{QTI}}}varequal", respident="response1").text = "x"
    failures = " ".join(failed_asserts(schematron(QTI_XSD), doc))
    assert "[RULE 4d]" in failures and "[RULE 8c]" in failures


def test_manifest_has_one_assessment_per_version(worksheet_all_kinds):
    manifest, assessments = open_cartridge(export(worksheet_all_kinds))
    resources = manifest.xpath("//cp:resource", namespaces=NS)
    assert [r.get("type") for r in resources] == ["imsqti_xmlv1p2/imscc_xmlv1p1/assessment"] * 2
    refs = manifest.xpath("//cp:organization/cp:item/cp:item/@identifierref", namespaces=NS)
    assert refs == [r.get("identifier") for r in resources]
    titles = [a.xpath("/q:questestinterop/q:assessment/@title", namespaces=NS)[0] for a in assessments.values()]
    assert titles == [f"{worksheet_all_kinds.recipe.title} \u2014 Version {v}" for v in "AB"]
    assert manifest.xpath("string(//cp:metadata/cp:schemaversion)", namespaces=NS) == "1.1.0"


def test_reads_back_question_by_question(worksheet_all_kinds):
    compare(worksheet_all_kinds, export(worksheet_all_kinds))


def test_skill_and_points_are_carried(worksheet_all_kinds):
    _manifest, assessments = open_cartridge(export(worksheet_all_kinds))
    version = worksheet_all_kinds.versions[0]
    by_id = {r["ident"]: r for r in moodle_read(next(iter(assessments.values())))}
    read = {i.question.id: by_id[place(worksheet_all_kinds, version, i.question)] for i in version.items
            if place(worksheet_all_kinds, version, i.question) in by_id}
    assert read["ib-single"]["category"] == "Identify bias/A2 Loaded language"
    assert "Techniques: glittering-generality, name-calling" in html_to_text(read["ib-single"]["feedback"])
    assert read["co-open"]["grade"] == 4
    assert read["co-open"]["category"] == "Corroborate/C4 Weigh disagreeing sources"
    # An open question's explanation and outside source say what a good answer says: graders only, so not here.
    assert html_to_text(read["co-open"]["feedback"]) == "Skill: Corroborate, C4 Weigh disagreeing sources"


def test_parametric_versions_keep_their_own_numbers(worksheet_all_kinds):
    _manifest, assessments = open_cartridge(export(worksheet_all_kinds))
    a, b = (moodle_read(doc) for doc in assessments.values())
    idents = {place(worksheet_all_kinds, v, i.question) for v in worksheet_all_kinds.versions for i in v.items if i.question.id == "dc-juche"}
    answers = {r["ident"].rsplit("-", 2)[1]: r["answers"] for r in a + b if r["ident"] in idents}
    assert answers == {"A": ["1945"], "B": ["1948"]}  # two items: each version keeps its own number


def test_every_adaptation_is_reported_once(worksheet_all_kinds):
    lines = [d.format() for d in CommonCartridgeExporter().check(worksheet_all_kinds)]
    by_question = {}
    for line in lines:
        qid = line.split("(", 1)[1].split("):", 1)[0]
        by_question.setdefault(qid, []).append(line)
    assert "carried as 3 multiple-choice questions" in " ".join(by_question["dc-match"])
    assert "carried as 4 multiple-choice questions" in " ".join(by_question["dc-order"])
    assert "mark-the-words carried as multiple response" in " ".join(by_question["ib-mark"])
    assert "exact answer only: the tolerance \u00b10.5 has no form" in " ".join(by_question["dc-gap"])
    assert "short answer with the exact answer (CC 1.1 has no numeric type" in " ".join(by_question["dc-juche"])
    assert "partial credit" in " ".join(by_question["ib-multi"])
    assert "rubric, model answer and explanation are left out" in " ".join(by_question["co-open"])
    # once per question, although both versions hold every question
    assert len(lines) == len(set(lines)) and len(by_question["dc-juche"]) == 1
    assert all(line.startswith("cc: adapted: version A, question ") for line in lines)
    assert {"ib-single", "co-tf", "co-short"}.isdisjoint(by_question)


def _one_question_worksheet(question: m.Question, shuffled: tuple[str, ...] = ()) -> m.Worksheet:
    item = m.WorksheetItem(number=1, question=question, key="", shuffled=shuffled)
    base = worksheet_all_kinds()
    return m.Worksheet(recipe=base.recipe, versions=(m.Version("A", (item,)),), sources=base.sources)


def _question(kind, **fields) -> m.Question:
    common = dict(id="q1", skill="date-checking", subskill="B1", claims=(), stem="Stem?", explanation="Why.",
                  difficulty=1, grade_band="9-10")
    return kind(**(common | fields))


@pytest.mark.parametrize(
    "choices, profile, idents, reported",
    [
        ((m.Choice("True"), m.Choice("False", True)), "cc.true_false.v0p1", ["true", "false"], "carried as true/false"),
        ((m.Choice("Yes", True), m.Choice("No")), "cc.multiple_response.v0p1", ["A", "B"], "carried as multiple response"),
        ((m.Choice("a"), m.Choice("b", True), m.Choice("c")), "cc.multiple_choice.v0p1", ["A", "B", "C"], None),
    ],
)
def test_single_choice_with_two_choices_is_adapted(choices, profile, idents, reported, schemas_dir):
    worksheet = _one_question_worksheet(_question(m.SingleChoice, choices=choices))
    data = export(worksheet)
    validate_cartridge(data)
    _manifest, assessments = open_cartridge(data)
    (read,) = moodle_read(next(iter(assessments.values())))
    assert read["type"] == profile and read["ident"] == f"{worksheet.recipe.name}-A-01"
    assert [c["ident"] for c in read["choices"]] == idents
    assert [c["correct"] for c in read["choices"]] == [c.correct for c in choices]
    messages = " ".join(d.message for d in CommonCartridgeExporter().check(worksheet))
    assert (reported in messages) if reported else not messages


@pytest.mark.parametrize(
    "answer, tolerance, accepted, reported",
    [
        ("1945", "0", ["1945"], "with the exact answer (CC 1.1 has no numeric type"),
        ("1945", "2", ["1943", "1944", "1945", "1946", "1947"], "accepting every whole number within the tolerance \u00b12"),
        ("2.5", "0.1", ["2.5"], "tolerance \u00b10.1 has no form"),
        ("1945", "100", ["1945"], "tolerance \u00b1100 has no form"),
    ],
)
def test_numeric_tolerance(answer, tolerance, accepted, reported):
    worksheet = _one_question_worksheet(
        _question(m.Numeric, answer=Decimal(answer), tolerance=Decimal(tolerance), unit="years")
    )
    _manifest, assessments = open_cartridge(export(worksheet))
    (read,) = moodle_read(next(iter(assessments.values())))
    assert read["answers"] == accepted
    assert html_to_text(read["text"]).startswith("Stem?\n\nAnswer in years.")
    assert reported in " ".join(d.message for d in CommonCartridgeExporter().check(worksheet))


def test_matching_points_are_shared_between_parts():
    pairs = (m.Pair("a", "1"), m.Pair("b", "2"), m.Pair("c", "3"))
    worksheet = _one_question_worksheet(_question(m.Matching, pairs=pairs, points=7), shuffled=("3", "1", "2"))
    _manifest, assessments = open_cartridge(export(worksheet))
    read = moodle_read(next(iter(assessments.values())))
    assert [r["grade"] for r in read] == [3, 2, 2]
    assert [[c["correct"] for c in r["choices"]] for r in read] == [
        [False, True, False], [False, False, True], [True, False, False]
    ]
    assert "worth 7 points in all)" in CommonCartridgeExporter().check(worksheet)[0].message


def test_mark_the_words_choices_follow_the_passage():
    q = _question(m.MarkTheWords, passage="The heroic Leader smashed the enemy; the heroic army won.",
                  answers=("heroic Leader", "smashed"))
    _manifest, assessments = open_cartridge(export(_one_question_worksheet(q)))
    (read,) = moodle_read(next(iter(assessments.values())))
    # One word per choice, every word in order: the phrase to mark is two correct words, and the
    # second "heroic" (outside it) is a wrong choice.
    assert [(html_to_text(c["text"]), c["correct"]) for c in read["choices"]] == [
        ("The", False), ("heroic", True), ("Leader", True), ("smashed", True), ("the", False), ("enemy", False),
        ("the", False), ("heroic", False), ("army", False), ("won", False),
    ]


def test_export_is_deterministic(worksheet_all_kinds):
    first = export(worksheet_all_kinds)
    assert export(worksheet_all_kinds) == first
    infos = zipfile.ZipFile(io.BytesIO(first)).infolist()
    assert [i.filename for i in infos][0] == "imsmanifest.xml"
    assert {i.date_time for i in infos} == {(1980, 1, 1, 0, 0, 0)}


@settings(max_examples=examples(30), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(extra=hostile_text())
def test_hostile_text_survives(extra):
    worksheet = worksheet_all_kinds(extra)
    data = export(worksheet)
    compare(worksheet, data)


@settings(max_examples=examples(30), deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(extra=hostile_text())
def test_hostile_text_stays_valid_against_the_schemas(schemas_dir, extra):
    validate_cartridge(export(worksheet_all_kinds(extra)))


def test_very_long_text_survives():
    worksheet = worksheet_all_kinds(long_text())
    compare(worksheet, export(worksheet))


def test_schema_files_are_the_official_ones(schemas_dir: Path):
    # The profile XSD must hold the embedded rules this module relies on.
    text = (schemas_dir / QTI_XSD).read_text(encoding="utf-8")
    assert "RULE SET 4" in text and "cc.multiple_choice.v0p1" in text
    assert xml_text("a\x00b") == "ab"


def test_forbidden_characters_are_dropped_and_reported(schemas_dir):
    worksheet = worksheet_all_kinds("\x00\x0b")
    validate_cartridge(export(worksheet))
    lines = [d.format() for d in CommonCartridgeExporter().check(worksheet)]
    assert "cc: adapted: version A, question 1 (ib-single): characters the format cannot hold were dropped " \
           "(U+0000, U+000B)" in lines
