"""Bad answers: one clear line each (file, and line and column for a CSV), nothing written, --skip-bad, idempotence."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import marking_routes as routes
from quizgen import paths
from quizgen.cli import main


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The default recipe (two versions): its worksheet, manifest and build id."""
    from quizgen import manifest
    from quizgen.build import _assemble
    from quizgen.recipe import load_recipe

    folder = tmp_path_factory.mktemp("build")
    worksheet = _assemble(load_recipe(paths.default_recipe(), {}), None)
    path = folder / "sampler-manifest.json"
    path.write_bytes(manifest.dump(manifest.make_manifest(worksheet)))
    return worksheet, path, manifest.build_id(worksheet)


def _response(folder: Path, name: str, build_id: str, version: str = "A", answers: dict | None = None,
              student: str = "Ada Lovelace", kinds: dict | None = None) -> Path:
    """Write a response file in quizgen.responses's format: ``answers`` maps positions to values."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    kinds = kinds or {}
    entries = [{"position": int(n), "kind": kinds.get(int(n), "single-choice"), "value": v}
               for n, v in (answers or {"2": "A"}).items()]
    path.write_text(json.dumps({"format": "quizgen-response", "schema": 1, "build": build_id, "version": version,
                                "student": student, "answers": entries}), encoding="utf-8")
    return path


def _fails(runner, manifest: Path, *args: str) -> list[str]:
    result = runner.invoke(main, ["mark", str(manifest), *args])
    assert result.exit_code == 1, result.output
    return result.stderr.splitlines()


def _single_choice(worksheet, letter="A") -> int:
    return next(i.number for i in worksheet.versions[0].items if i.question.kind == "single-choice")


def test_answers_of_another_build_are_refused_and_nothing_is_written(built, runner, tmp_path):
    _, manifest, build_id = built
    bad = _response(tmp_path / "in", "ada.json", "qg-000000000000", answers={"1": None})
    out = tmp_path / "results"
    lines = _fails(runner, manifest, str(bad), "-o", str(out))
    assert lines == [f"{bad}: answers from another build ('qg-000000000000'), not {build_id} of {manifest}",
                     "nothing was written: 1 problem in 1 file (--skip-bad marks the rest)"]
    assert not out.exists()


@pytest.mark.parametrize("change, message", [
    ({"version": "Z"}, "no version 'Z' in this build (it has A, B)"),
    ({"answers": {"13": "A"}}, "version A has no question 13 (it has 1–12)"),
    ({"student": " "}, "field 'student': found \" \", which is not in the expected form"),
])
def test_response_file_problems(built, runner, tmp_path, change, message):
    worksheet, manifest, build_id = built
    number = _single_choice(worksheet)
    args = {"version": "A", "answers": {str(number): "A"}, "student": "Ada Lovelace"} | change
    bad = _response(tmp_path, "ada.json", build_id, **args)
    assert _fails(runner, manifest, str(bad))[0] == f"{bad}: {message}"


def test_a_response_of_another_worksheet_shape(built, runner, tmp_path):
    worksheet, manifest, build_id = built
    number = next(i.number for i in worksheet.versions[0].items if i.question.kind != "single-choice")
    kind = worksheet.versions[0].items[number - 1].question.kind
    bad = _response(tmp_path, "ada.json", build_id, answers={str(number): "A"})
    assert _fails(runner, manifest, str(bad))[0] == (
        f"{bad}: question {number} ({kind}): the file has a single-choice answer here: is it of another worksheet?")


def test_a_value_the_question_cannot_take(built, runner, tmp_path):
    worksheet, manifest, build_id = built
    number = _single_choice(worksheet)
    count = len(worksheet.versions[0].items[number - 1].question.choices)
    bad = _response(tmp_path, "ada.json", build_id, answers={str(number): "H"})
    last = chr(64 + count)
    assert _fails(runner, manifest, str(bad))[0] == (
        f"{bad}: question {number} (single-choice): 'H' is not one of the letters A–{last}")


def test_the_same_student_twice(built, runner, tmp_path):
    _, manifest, build_id = built
    worksheet, _, _ = built
    first = _response(tmp_path / "in", "a.json", build_id, answers={str(_single_choice(worksheet)): "A"})
    number = next(i.number for i in worksheet.versions[1].items if i.question.kind == "single-choice")
    second = _response(tmp_path / "in", "b.json", build_id, version="B", student=" ada  LOVELACE ",
                       answers={str(number): "A"})
    lines = _fails(runner, manifest, str(tmp_path / "in"))
    assert lines[0] == f"{second}: ada LOVELACE answered twice: also in {first}"


def test_an_unreadable_file(built, runner, tmp_path):
    _, manifest, _ = built
    odd = tmp_path / "notes.txt"
    odd.write_bytes(b"\x00\x01garbage")
    missing = tmp_path / "missing.json"
    lines = _fails(runner, manifest, str(odd), str(missing))
    assert lines[:2] == [f"{odd}: not an answers file quizgen reads (a binary file)", f"{missing}: no such file"]


def test_marks_sheet_errors_name_line_and_column(built, runner, tmp_path):
    worksheet, manifest, build_id = built
    sheet = tmp_path / "sheet.csv"
    runner.invoke(main, ["mark", "--template", str(manifest), "-o", str(sheet)])
    number = _single_choice(worksheet)
    text = sheet.read_text(encoding="utf-8-sig")
    row = ["Ada Lovelace", "A"] + [""] * 12
    row[1 + number] = "Z"
    sheet.write_text(text + ",".join(row) + "\r\nBo Ng,Q\r\n", encoding="utf-8-sig")
    lines = _fails(runner, manifest, str(sheet))
    count = len(worksheet.versions[0].items[number - 1].question.choices)
    header_lines = text.count("\n")
    assert lines[:2] == [
        f"{sheet}:{header_lines + 1}: column '{number}': single-choice: 'Z' is not one of the letters A–{chr(64 + count)}",
        f"{sheet}:{header_lines + 2}: column 'version': no version 'Q' in this build (it has A, B)",
    ]


def test_marks_sheet_of_another_build(built, runner, tmp_path):
    _, manifest, build_id = built
    sheet = tmp_path / "sheet.csv"
    sheet.write_text("# quizgen marks sheet,build qg-0123456789ab,Other\r\nname,version,1\r\nAda,A,B\r\n", encoding="utf-8")
    assert _fails(runner, manifest, str(sheet))[0] == (
        f"{sheet}:1: a marks sheet of build qg-0123456789ab, not {build_id} of {manifest}")


def test_template_does_not_replace_a_filled_sheet(built, runner, tmp_path):
    _, manifest, _ = built
    sheet = tmp_path / "sheet.csv"
    sheet.write_text("filled in by hand", encoding="utf-8")
    result = runner.invoke(main, ["mark", "--template", str(manifest), "-o", str(sheet)])
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == (
        f"{sheet}: already exists (perhaps filled in): give another -o, or --force to replace it")
    assert sheet.read_text(encoding="utf-8") == "filled in by hand"


def test_manifest_problems(runner, tmp_path):
    broken = tmp_path / "x-manifest.json"
    broken.write_text("{not json", encoding="utf-8")
    assert _fails(runner, broken, str(tmp_path))[0] == f"{broken}:1: not a manifest: JSON: Expecting property name enclosed in double quotes"
    old = tmp_path / "old-manifest.json"
    old.write_text(json.dumps({"schema": 1, "build": {"id": "qg-0123456789ab"}, "versions": [
        {"letter": "A", "points": 1, "positions": [{"position": 1, "question": "q", "kind": "numeric", "skill": "s",
                                                    "subskill": "B1", "points": 1, "key": "1", "stem": "?"}]}]}))
    assert _fails(runner, old, str(tmp_path))[0] == (
        f"{old}: field 'versions[0].positions[0]': position has no 'scoring' (written by an older quizgen: build again to mark)")


def test_a_manifest_with_a_key_given_twice_is_refused(built, runner, tmp_path):
    """Read as strictly as a response file: a second "key" (say, hand-added to change the key) is not taken silently."""
    worksheet, manifest, _ = built
    text = manifest.read_text(encoding="utf-8")
    number = _single_choice(worksheet)
    record = f'"position": {number},'
    assert text.count(record) >= 1
    at = text.index('"key": ', text.index(record))
    doubled = text[:at] + '"key": "D",\n      ' + text[at:]
    changed = tmp_path / "sampler-manifest.json"
    changed.write_text(doubled, encoding="utf-8")
    line = doubled.count("\n", 0, doubled.index('"key": ', at + 1)) + 1
    column = doubled.index('"key": ', at + 1) - doubled.rfind("\n", 0, doubled.index('"key": ', at + 1))
    response = _response(tmp_path / "in", "ada.json", built[2], answers={str(number): "D"})
    lines = _fails(runner, changed, str(response), "-o", str(tmp_path / "results"))
    assert lines[0] == (f'{changed}:{line}:{column}: key "key" is given twice in one object; programs disagree on '
                        "which one counts, so quizgen reads neither: keep one")
    assert not (tmp_path / "results").exists()


def test_a_manifest_with_a_version_or_position_twice_is_refused(built, runner, tmp_path):
    _, manifest, _ = built
    data = json.loads(manifest.read_text(encoding="utf-8"))
    twice = dict(data, versions=data["versions"] + [data["versions"][0]])
    path = tmp_path / "twice-manifest.json"
    path.write_text(json.dumps(twice), encoding="utf-8")
    assert _fails(runner, path, str(tmp_path))[0] == f"{path}: field 'versions[2].letter': version A is listed twice"
    version = dict(data["versions"][0], positions=data["versions"][0]["positions"] + [data["versions"][0]["positions"][0]])
    path.write_text(json.dumps(dict(data, versions=[version])), encoding="utf-8")
    assert _fails(runner, path, str(tmp_path))[0] == (
        f"{path}: field 'versions[0].positions[12].position': version A lists question 1 twice")


def test_skip_bad_marks_the_rest_and_lists_what_was_skipped(built, runner, tmp_path):
    worksheet, manifest, build_id = built
    answers = {str(_single_choice(worksheet)): "B"}
    good = _response(tmp_path / "in", "good.json", build_id, student="Bo Ng", answers=answers)
    bad = _response(tmp_path / "in", "bad.json", build_id, version="Z", answers=answers)
    result = runner.invoke(main, ["mark", str(manifest), str(tmp_path / "in"), "--skip-bad", "--no-pdf",
                                  "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert f"skipped: {bad}: no version 'Z' in this build (it has A, B)" in result.stderr
    rows = routes.read_csv(tmp_path / "out" / "sampler-gradebook.csv")
    assert [r["Student"] for r in rows] == ["Bo Ng"] and good.exists()


def test_marking_again_with_one_more_file_gives_what_marking_once_gives(built, runner, tmp_path):
    worksheet, manifest, build_id = built
    roster = routes.students(worksheet, count=6, seed=3)
    files = routes.write_response_files(tmp_path / "in", build_id, roster)
    step, once = tmp_path / "step", tmp_path / "once"
    assert runner.invoke(main, ["mark", str(manifest), *map(str, files[:-1]), "-o", str(step), "--no-pdf"]).exit_code == 0
    assert runner.invoke(main, ["mark", str(manifest), *map(str, files), "-o", str(step), "--no-pdf"]).exit_code == 0
    assert runner.invoke(main, ["mark", str(manifest), *map(str, reversed(files)), "-o", str(once), "--no-pdf"]).exit_code == 0
    names = sorted(p.name for p in once.iterdir())
    assert names == sorted(p.name for p in step.iterdir()) and "sampler-gradebook.csv" in names
    for name in names:
        assert (step / name).read_bytes() == (once / name).read_bytes(), name


def test_the_manifest_schema_is_printed_and_test_response_files_fit_theirs(built, runner, tmp_path):
    """The response files these tests write are the page's format (quizgen.responses.SCHEMA)."""
    jsonschema = pytest.importorskip("jsonschema")
    from quizgen.responses import SCHEMA

    worksheet, _, build_id = built
    result = runner.invoke(main, ["mark", "--schema"])
    assert result.exit_code == 0 and json.loads(result.output)["title"] == "quizgen build manifest"
    schema = SCHEMA
    roster = routes.students(worksheet, count=4, seed=2)
    for path in routes.write_response_files(tmp_path, build_id, roster):
        jsonschema.validate(json.loads(path.read_text(encoding="utf-8")), schema)


def test_usage_errors(built, runner):
    _, manifest, _ = built
    result = runner.invoke(main, ["mark", str(manifest)])
    assert result.exit_code == 2 and "give the answers to mark" in result.stderr
    result = runner.invoke(main, ["mark"])
    assert result.exit_code == 2 and "give the build's manifest" in result.stderr


# --------------------------------------------------------------------------
# LMS reports whose columns do not fit


def test_moodle_question_text_of_another_question_is_refused(built, runner, tmp_path):
    from quizgen.exporters.moodle_xml import MoodleXmlExporter

    worksheet, manifest, _ = built
    roster = routes.students(worksheet, count=3, seed=4, versions=["A"])
    xml = MoodleXmlExporter().export(worksheet)
    responses, _, _ = routes.write_moodle(tmp_path, "quiz", roster, xml, routes.MOODLE_EN, True, True)
    text = responses.read_text(encoding="utf-8-sig")
    items = worksheet.versions[0].items
    # The quiz's first two questions in the other order: question 1's text is question 2's.
    first, second = (routes.moodle_question_summary(i, routes.moodle_question_texts(xml, "A", True)) for i in items[:2])
    swapped = text.replace(first.split("\n")[0], "\x00").replace(second.split("\n")[0], first.split("\n")[0]).replace("\x00", second.split("\n")[0])
    responses.write_text(swapped, encoding="utf-8-sig")
    lines = _fails(runner, manifest, str(responses), "--version", "A")
    assert lines[0] == (f"{responses}:1: column 'Question 1': is question 2 of version A, not question 1: the quiz's "
                        "questions are in another order than the version's")


def test_moodle_grades_without_responses(built, runner, tmp_path):
    from quizgen.exporters.moodle_xml import MoodleXmlExporter

    worksheet, manifest, _ = built
    roster = routes.students(worksheet, count=3, seed=4, versions=["A"])
    _, grades, _ = routes.write_moodle(tmp_path, "quiz", roster, MoodleXmlExporter().export(worksheet),
                                       routes.MOODLE_EN, True, False)
    lines = _fails(runner, manifest, str(grades))
    assert lines[0] == (f"{grades}: a Moodle Grades report with no Responses report of the same attempts: give the "
                        "quiz's Responses report too (quizgen marks the responses)")


def test_canvas_column_matching_no_question_or_two(built, runner, tmp_path):
    from quizgen.exporters.canvas_qti import CanvasQtiExporter

    worksheet, manifest, _ = built
    roster = routes.students(worksheet, count=3, seed=4, versions=["A"])
    report = tmp_path / "analysis.csv"
    routes.write_canvas(report, roster, CanvasQtiExporter().export(worksheet), sis=False, french=False)
    lines = report.read_text(encoding="utf-8").splitlines()
    header = lines[0]
    stem = worksheet.versions[0].items[2].question.stem
    changed = header.replace(routes.html.escape(stem[:30], quote=False), "Something else entirely", 1)
    assert changed != header
    report.write_text("\n".join([changed, *lines[1:]]) + "\n", encoding="utf-8")
    got = _fails(runner, manifest, str(report), "--version", "A")
    assert got[0].startswith(f"{report}:1: column '") and got[0].endswith("': matches no question of version A")

    # Two positions with the same stem: the column matches both.
    data = json.loads(manifest.read_text(encoding="utf-8"))
    positions = data["versions"][0]["positions"]
    positions[3]["lms_stem"] = positions[2]["lms_stem"]
    twin = tmp_path / "twin-manifest.json"
    twin.write_text(json.dumps(data), encoding="utf-8")
    report.write_text("\n".join(lines) + "\n", encoding="utf-8")
    got = _fails(runner, twin, str(report), "--version", "A")
    assert got[0].endswith("': matches questions 3, 4 of version A alike")


def test_moodle_student_without_an_attempt_is_not_marked(built, runner, tmp_path):
    """Moodle lists enrolled students who never attempted the quiz with '-' everywhere: not a blank worksheet."""
    import csv
    import io

    from quizgen.exporters.moodle_xml import MoodleXmlExporter

    worksheet, manifest, _ = built
    roster = routes.students(worksheet, count=3, seed=4, versions=["A"])
    responses, _, _ = routes.write_moodle(tmp_path, "quiz", roster, MoodleXmlExporter().export(worksheet),
                                          routes.MOODLE_EN, True, False)
    rows = list(csv.reader(io.StringIO(responses.read_text(encoding="utf-8-sig"))))
    rows.append(["Absent", "Al", "al@school.example", "Not yet attempted", "-", "-", "-", "-"] + ["-"] * 12)
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    responses.write_bytes(b"\xef\xbb\xbf" + out.getvalue().encode("utf-8"))
    result = runner.invoke(main, ["mark", str(manifest), str(responses), "--no-pdf", "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.stderr
    names = [r["Student"] for r in routes.read_csv(tmp_path / "out" / "sampler-gradebook.csv")]
    assert len(names) == 3 and "Al Absent" not in names


def test_a_folder_of_answers_may_hold_the_builds_own_files(built, runner, tmp_path):
    """The files the manifest records as written by the build (worksheets, key, exports) are not answers."""
    from quizgen import manifest as manifests

    worksheet, _, build_id = built
    folder = tmp_path / "output"
    folder.mkdir()
    (folder / "sampler-class-pack.pdf").write_bytes(b"%PDF-1.7\n% a worksheet, not a form\n")
    record = manifests.make_manifest(worksheet, files=[{"name": "sampler-class-pack.pdf", "size": 33, "sha256": "0" * 64}])
    path = folder / "sampler-manifest.json"
    path.write_bytes(manifests.dump(record))
    _response(folder, "ada.json", build_id, answers={str(_single_choice(worksheet)): "A"})
    result = runner.invoke(main, ["mark", str(path), str(folder), "--no-pdf"])
    assert result.exit_code == 0, result.stderr
    assert [r["Student"] for r in routes.read_csv(folder / "sampler-results" / "sampler-gradebook.csv")] == ["Ada Lovelace"]
