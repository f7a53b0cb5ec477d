"""Choice texts as the LMS reports write them back, entities and all.

Canvas keeps an imported choice's text as its HTML through
``Qti::HtmlHelper#clear_html`` (instructure/canvas-lms,
gems/plugins/qti_exporter/lib/qti/html_helper.rb): tags dropped, numeric
character references decoded and every named one (``&amp;``, ``&lt;``,
``&gt;``, ``&nbsp;``) dropped, spacing squeezed. The Student Analysis
report then writes that text: "Transfer: flag & “glory”" comes back as
"Transfer: flag “glory”". quizgen still knows the choice.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from exporters.sample import worksheet_all_kinds
from marking_routes import canvas_choice as canvas_text
from quizgen import manifest
from quizgen.cli import main


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    worksheet = worksheet_all_kinds()
    path = tmp_path_factory.mktemp("sample") / "sample-manifest.json"
    path.write_bytes(manifest.dump(manifest.make_manifest(worksheet)))
    return worksheet, path


def _student_analysis(path: Path, manifest_path: Path, version, cells: dict[int, str]) -> None:
    """Write a Student Analysis CSV of one student: ``cells`` maps positions to the answer cell."""
    import json

    stems = {p["position"]: p["lms_stem"] for p in json.loads(manifest_path.read_text(encoding="utf-8"))["versions"][0]["positions"]}
    head = ["name", "id", "section", "section_id", "submitted"]
    row = ["Ada Lovelace", "311", "Period 2", "88", "2024-03-05 09:31:12 UTC"]
    for item in version.items:
        head += [f"{5000 + item.number}: {canvas_text(stems[item.number])}", f"{float(item.question.points)}"]
        row += [cells.get(item.number, ""), "0.0"]
    head += ["n correct", "n incorrect", "score"]
    row += ["0", str(len(version.items)), "0.0"]
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([head, row])
    path.write_text(out.getvalue(), encoding="utf-8")


def test_canvas_choice_texts_that_lost_their_ampersand_are_still_the_choices(sample, runner, tmp_path):
    worksheet, manifest_path = sample
    version = worksheet.versions[0]
    single = next(i for i in version.items if i.question.kind == "single-choice")
    several = next(i for i in version.items if i.question.kind == "multiple-response")
    chosen = next(i for i, c in enumerate(single.question.choices) if "&" in c.text)
    ticked = [c.text for c in several.question.choices if c.correct]
    assert any("&" in t for t in ticked), "no choice with an ampersand: the test tests nothing"
    cells = {single.number: canvas_text(single.question.choices[chosen].text),
             several.number: ",".join(canvas_text(t).replace(",", "\\,") for t in ticked)}
    report = tmp_path / "quiz-A.csv"
    _student_analysis(report, manifest_path, version, cells)
    out = tmp_path / "results"
    result = runner.invoke(main, ["mark", str(manifest_path), str(report), "-o", str(out), "--no-pdf"])
    assert result.exit_code == 0, result.output
    rows = {int(r["position"]): r for r in csv.DictReader(io.StringIO(
        (out / "worksheet-answers.csv").read_text(encoding="utf-8-sig")))}
    assert rows[single.number]["status"] == ("correct" if single.question.choices[chosen].correct else "wrong")
    assert rows[several.number]["status"] == "correct"


def test_a_text_that_fits_two_choices_once_entities_are_gone_is_refused(sample, runner, tmp_path):
    """"a <b>" and "a" are one text once Canvas drops "&lt;b&gt;": quizgen does not guess."""
    import dataclasses

    from quizgen import model

    worksheet, _ = sample
    version = worksheet.versions[0]
    single = next(i for i in version.items if i.question.kind == "single-choice")
    choices = (model.Choice("August <1945>", True, ""), model.Choice("August 1945", False, ""),
               *single.question.choices[2:])
    item = dataclasses.replace(single, question=dataclasses.replace(single.question, choices=choices))
    changed = dataclasses.replace(worksheet, versions=(dataclasses.replace(
        version, items=tuple(item if i.number == single.number else i for i in version.items)),))
    manifest_path = tmp_path / "sample-manifest.json"
    manifest_path.write_bytes(manifest.dump(manifest.make_manifest(changed)))
    report = tmp_path / "quiz-A.csv"
    _student_analysis(report, manifest_path, changed.versions[0], {single.number: canvas_text("August <1945>")})
    result = runner.invoke(main, ["mark", str(manifest_path), str(report), "-o", str(tmp_path / "out"), "--no-pdf"])
    assert result.exit_code == 1
    assert "'August 1945' fits two of the question's choices once '&', '<' and '>' are dropped" in result.stderr


@pytest.mark.parametrize("columns", [
    ["name", "id", "section", "section_id", "submitted"],
    ["name", "id", "root_account", "section", "section_id", "submitted"],
    ["name", "id", "section", "section_id", "submitted", "attempt"],
    ["name", "id", "root_account", "section", "section_id", "submitted", "attempt"],
    ["name", "id", "sis_id", "section", "section_id", "section_sis_id", "submitted"],
    ["name", "id", "sis_id", "root_account", "section", "section_id", "section_sis_id", "submitted"],
    ["name", "id", "sis_id", "root_account", "section", "section_id", "section_sis_id", "submitted", "attempt"],
])
def test_canvas_student_columns_with_and_without_sis_ids_root_account_and_attempt(sample, runner, tmp_path, columns):
    """student_analysis.rb#to_csv adds sis_id and section_sis_id (a course with SIS ids), root_account (an
    account with trusts) and attempt (every attempt listed): the section and SIS id are found in each case."""
    import json

    worksheet, manifest_path = sample
    version = worksheet.versions[0]
    stems = {p["position"]: p["lms_stem"] for p in json.loads(manifest_path.read_text(encoding="utf-8"))["versions"][0]["positions"]}
    cell = {"name": "Ada Lovelace", "id": "311", "sis_id": "S311", "root_account": "school.instructure.com",
            "section": "Period 2", "section_id": "88", "section_sis_id": "P2", "submitted": "2024-03-05 09:31:12 UTC",
            "attempt": "1"}
    head, row = list(columns), [cell[c] for c in columns]
    for item in version.items:
        head += [f"{5000 + item.number}: {canvas_text(stems[item.number])}", f"{float(item.question.points)}"]
        row += ["", "0.0"]
    head += ["n correct", "n incorrect", "score"]
    row += ["0", str(len(version.items)), "0.0"]
    report = tmp_path / "quiz-A.csv"
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([head, row])
    report.write_text(out.getvalue(), encoding="utf-8")
    result = runner.invoke(main, ["mark", str(manifest_path), str(report), "-o", str(tmp_path / "out"), "--no-pdf"])
    assert result.exit_code == 0, result.output
    gradebook = next(csv.DictReader(io.StringIO((tmp_path / "out" / "worksheet-gradebook.csv").read_text(encoding="utf-8-sig"))))
    assert (gradebook["ID"], gradebook["Section"]) == ("311", "Period 2")
    assert gradebook["SIS User ID"] == ("S311" if "sis_id" in columns else "")
