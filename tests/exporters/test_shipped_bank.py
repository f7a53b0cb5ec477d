"""The shipped bank through every exporter, checked as the synthetic sample is.

The sample worksheet (sample.py) holds the awkward cases; this module makes
sure the real content also survives: every question of the bank, exported
to each format, is valid against the official schemas where there are any
and reads back, question by question, with the independent parsers.
"""

from __future__ import annotations

import pytest
from lxml import etree

from quizgen import model as m
from quizgen import paths
from quizgen.assemble import whole_bank
from quizgen.bank import load_bank
from quizgen.exporters import get_exporter

from . import (
    test_anki,
    test_blackboard,
    test_brightspace,
    test_canvas_qti,
    test_common_cartridge,
    test_gift,
    test_kahoot,
    test_moodle_xml,
    test_qti21,
)
from .qti_eval import Item
from .support import place
from .test_canvas_qti import qti_dtd  # noqa: F401  (fixtures shared with the sample's tests)
from .test_qti21 import schemas  # noqa: F401

# The whole shipped bank through every format and its official schemas.
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def bank_sheet() -> m.Worksheet:
    bank = load_bank(paths.bank_dir())
    if len(bank.questions) < 90:
        pytest.fail(f"the shipped bank has only {len(bank.questions)} questions")
    return whole_bank(bank, 7)


def _count(sheet: m.Worksheet) -> int:
    return len(sheet.versions[0].items)


def test_moodle_xml_reads_back(bank_sheet):
    assert test_moodle_xml.compare(bank_sheet, get_exporter("moodle-xml").export(bank_sheet)) == _count(bank_sheet)


def test_gift_with_both_parsers(bank_sheet, tmp_path):
    data = get_exporter("gift").export(bank_sheet)
    parsed = test_gift.parse_with_gift_pegjs(data, tmp_path)
    assert test_gift.compare_gift_pegjs(bank_sheet, parsed) == _count(bank_sheet)
    full, partial = test_gift.compare_pygiftparser(bank_sheet, data)
    assert full + partial == _count(bank_sheet)


def test_canvas_qti_valid_and_complete(bank_sheet, qti_dtd):
    data = get_exporter("canvas-qti").export(bank_sheet)
    for name, body in test_canvas_qti.unzip(data).items():
        if name.endswith(".xml") and name != "imsmanifest.xml" and not name.endswith("assessment_meta.xml"):
            doc = test_canvas_qti.without_namespace(etree.fromstring(body))
            assert qti_dtd.validate(doc), (name, qti_dtd.error_log.filter_from_errors())
    assert test_canvas_qti.compare(bank_sheet, data) == _count(bank_sheet)


def test_common_cartridge_valid_with_schematron(bank_sheet, schemas_dir):
    data = get_exporter("cc").export(bank_sheet)
    test_common_cartridge.validate_cartridge(data)
    test_common_cartridge.compare(bank_sheet, data)


def test_qti21_valid_and_every_key_scores_full_marks(bank_sheet, schemas):
    qti, cp, _ = schemas
    files = test_qti21.unzip(get_exporter("qti21").export(bank_sheet))
    assert cp.validate(etree.fromstring(files["imsmanifest.xml"])), cp.error_log
    for name, body in files.items():
        if name != "imsmanifest.xml":
            assert qti.validate(etree.fromstring(body)), (name, qti.error_log)
    version = bank_sheet.versions[0]
    for witem in version.items:
        q = witem.question
        if isinstance(q, m.OpenResponse):
            continue
        item = Item(files[f"items/{place(bank_sheet, version, q)}.xml"], None)
        outcomes = item.score(item.key())
        assert outcomes["SCORE"] == outcomes["MAXSCORE"] == q.points, q.id


def test_spreadsheets_and_anki_read_back(bank_sheet):
    test_blackboard.compare(bank_sheet, get_exporter("blackboard").export(bank_sheet))
    test_brightspace.compare(bank_sheet, get_exporter("brightspace").export(bank_sheet))
    test_kahoot.compare(bank_sheet, get_exporter("kahoot").export(bank_sheet))
    test_anki.compare_sqlite(bank_sheet, get_exporter("anki").export(bank_sheet))
