"""What the teacher gets: gradebook shape, item analysis, class report (HTML and PDF) and feedback sheets."""

from __future__ import annotations

import shutil
import subprocess
from fractions import Fraction

import pytest

import marking_routes as routes
from quizgen import paths
from quizgen.cli import main
from quizgen.errors import Location
from quizgen.marking.answers import Student, Submission
from quizgen.marking.build import load_build
from quizgen.marking.results import mark

# Marks 40 students of 30 versions, then reads the reports (PDFs, a browser).
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The default recipe with 30 versions: worksheet and loaded build."""
    from quizgen import manifest
    from quizgen.build import _assemble
    from quizgen.recipe import load_recipe

    folder = tmp_path_factory.mktemp("build")
    worksheet = _assemble(load_recipe(paths.default_recipe(), {"versions": "30"}), None)
    path = folder / "sampler-manifest.json"
    path.write_bytes(manifest.dump(manifest.make_manifest(worksheet)))
    return worksheet, path, load_build(path)


@pytest.fixture(scope="module")
def marked(built, tmp_path_factory):
    """Forty students' response files marked with PDFs: the results folder."""
    worksheet, manifest_path, build = built
    from click.testing import CliRunner

    folder = tmp_path_factory.mktemp("marked")
    roster = routes.students(worksheet, seed=11)
    roster[0].name = "=HYPERLINK(\"http://example.com\")"
    routes.write_response_files(folder / "in", build.id, roster)
    result = CliRunner().invoke(main, ["mark", str(manifest_path), str(folder / "in"), "-o", str(folder / "out")])
    assert result.exit_code == 0, result.output
    return folder / "out", roster


def _submission(build, letter: str, name: str, answers: dict) -> Submission:
    return Submission(Student(name), letter, answers, Location("test"), "test")


def test_gradebook_has_the_columns_lms_imports_look_for(marked):
    out, roster = marked
    text = (out / "sampler-gradebook.csv").read_bytes()
    assert text.startswith(b"\xef\xbb\xbf")
    header = routes.read_csv(out / "sampler-gradebook.csv")[0].keys()
    # Canvas's gradebook importer: "Student", "ID", the SIS columns, "Section" last of the student's; then assignments.
    assert list(header)[:8] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "Score", "Maximum", "Percent"]
    assert list(header)[-3:] == ["Version", "Email address", "To mark"]
    names = [r["Student"] for r in routes.read_csv(out / "sampler-gradebook.csv")]
    assert "'=HYPERLINK(\"http://example.com\")" in names  # a formula-like name stays text
    assert names == sorted(names, key=lambda n: n.casefold())


def test_item_analysis_flags_negative_discrimination_and_facility(built):
    """Strong students miss question 1 and weak ones get it: negative discrimination; a question all get right: very easy."""
    _, _, build = built
    version = build.versions["A"]
    from quizgen import scoring

    def answers(good: bool, first_right: bool) -> dict:
        out = {}
        for n, p in version.positions.items():
            right = first_right if n == 1 else (good or n == 2)
            out[n] = scoring.key_answer(p) if right and p["kind"] != "open-response" else None
        return out

    subs = [_submission(build, "A", f"Strong {i}", answers(True, False)) for i in range(4)]
    subs += [_submission(build, "A", f"Weak {i}", answers(False, True)) for i in range(4)]
    results = mark(build, subs, {})
    items = {item.position["position"]: item for item in results.items}
    assert items[1].facility == Fraction(1, 2)
    assert items[1].discrimination == pytest.approx(-1.0)
    assert "negative discrimination" in items[1].flags
    assert items[2].facility == 1 and "very easy" in items[2].flags and items[2].discrimination is None
    third = items[3]
    assert third.discrimination == pytest.approx(1.0) and third.flags == []
    from quizgen.marking import tables

    csv_rows = {r["question"]: r for r in routes.read_csv_text(tables.item_analysis(results).decode("utf-8-sig"))}
    assert csv_rows[version.positions[1]["question"]]["flags"] == "negative discrimination"
    assert csv_rows[version.positions[1]["question"]]["facility"] == "0.5"


def test_class_report_html_is_self_contained_with_svg_charts(marked):
    from lxml import html as lxml_html

    out, roster = marked
    page = (out / "sampler-class-report.html").read_text(encoding="utf-8")
    tree = lxml_html.fromstring(page)
    assert tree.get("lang") == "en"
    assert not tree.xpath("//script | //link | //img | //iframe | //object")
    assert not [a for el in tree.iter() for a in ("src", "href") if el.get(a)]
    assert "url(" not in page
    charts = tree.xpath("//svg[@role='img']")
    assert len(charts) >= 2 and all(c.get("aria-label") for c in charts)
    assert len(tree.xpath("//svg[@role='img']//rect")) >= 10
    assert "Most-missed questions" in page and "Item analysis" in page
    text = tree.text_content()
    for s in roster[1:]:
        assert s.name in text


@pytest.mark.skipif(shutil.which("chromium") is None, reason="needs Debian's chromium")
def test_class_report_html_in_a_real_browser(marked, tmp_path):
    """Chromium, offline, draws the page: its DOM holds the charts, and a screenshot is not blank."""
    out, _ = marked
    page = (out / "sampler-class-report.html").resolve()
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
             "--disable-component-update", "--disable-sync", "--no-first-run", f"--user-data-dir={tmp_path / 'profile'}"]
    dom = subprocess.run(["chromium", *flags, "--dump-dom", page.as_uri()], capture_output=True, text=True, timeout=120)
    assert "<svg" in dom.stdout and "Results per skill" in dom.stdout
    shot = tmp_path / "shot.png"
    subprocess.run(["chromium", *flags, f"--screenshot={shot}", "--window-size=1000,1400", page.as_uri()],
                   capture_output=True, timeout=120)
    from PIL import Image

    image = Image.open(shot).convert("RGB")
    bars = sum(count for count, pixel in image.getcolors(1 << 24) if pixel == (0x45, 0x7B, 0x9D))
    assert bars > 500, "the score distribution's bars are not drawn"


def test_class_report_pdf(marked, tmp_path):
    out, _ = marked
    data = (out / "sampler-class-report.pdf").read_bytes()
    pages = routes.pdf_text(data)
    assert "class report" in pages[0] and "Score distribution" in pages[0] and "Results per skill" in pages[0]
    assert any("Most-missed questions" in p for p in pages) and any("Item analysis" in p for p in pages)
    subprocess.run(["pdftoppm", "-r", "40", "-png", "-f", "1", "-l", "1", str(out / "sampler-class-report.pdf"),
                    str(tmp_path / "page")], check=True)
    from PIL import Image

    image = Image.open(next(tmp_path.glob("page*.png"))).convert("RGB")
    coloured = sum(count for count, (r, g, b) in image.getcolors(1 << 24)
                   if abs(r - 0x45) < 20 and abs(g - 0x7B) < 20 and abs(b - 0x9D) < 20)
    assert coloured > 100, "no chart bars on the first page"


def test_feedback_sheets_one_page_each_and_no_model_answer(marked, built):
    out, roster = marked
    _, _, build = built
    pages = routes.pdf_text((out / "sampler-feedback.pdf").read_bytes())
    assert len(pages) == len(roster)
    for page, s in zip(pages, sorted(roster, key=lambda s: s.name.casefold())):
        assert page.startswith(s.name.split()[0][:8]) or s.name[:8] in page
    model_answers = {p["scoring"]["model_answer"][:60] for v in build.versions.values() for p in v.positions.values()
                     if p["kind"] == "open-response"}
    joined = " ".join(pages)
    assert not [m for m in model_answers if m in joined]
    assert "What to practise" in joined and "Your answer:" in joined


def test_feedback_sheets_fit_one_page_with_every_answer_wrong(built):
    """Every version, every answer wrong with the longest wrong choices: still one page per student."""
    from quizgen import scoring
    from quizgen.marking.report import feedback_pdf

    _, _, build = built
    subs = []
    for letter, version in build.versions.items():
        answers = {}
        for n, p in version.positions.items():
            rec = p["scoring"]
            if p["kind"] == "single-choice":
                answers[n] = max((x for x in rec["letters"] if x not in rec["correct"]),
                                 key=lambda x: len(p["choices"][ord(x) - 65]["text"]))
            elif p["kind"] == "multiple-response":
                answers[n] = [x for x in rec["letters"] if x not in rec["correct"]]
            elif p["kind"] == "true-false":
                answers[n] = not rec["answer"]
            elif p["kind"] in ("numeric", "short-answer"):
                answers[n] = "a long wrong answer that a student wrote at length in the box"
            elif p["kind"] == "mark-the-words":
                answers[n] = [t for t in rec["tokens"] if t not in rec["words"]][:8]
            else:
                answers[n] = None
            assert scoring.score(p, answers[n]).status in (scoring.WRONG, scoring.BLANK)
        subs.append(_submission(build, letter, f"Student {letter}", answers))
    pages = routes.pdf_text(feedback_pdf(mark(build, subs, {})))
    assert len(pages) == len(subs)


def _wrong(p: dict) -> object:
    """Return a wrong answer to a position (open response: some text, to be marked)."""
    rec = p["scoring"]
    if p["kind"] == "single-choice":
        return next(x for x in rec["letters"] if x not in rec["correct"])
    if p["kind"] == "mark-the-words":
        return [t for t in rec["tokens"] if t not in rec["words"]][:2]
    if p["kind"] in ("matching",):
        return {n: None for n in range(1, len(rec["correct"]) + 1)} | {1: rec["correct"][1]}
    if p["kind"] == "ordering":
        return list(reversed(rec["correct"]))
    if p["kind"] == "open-response":
        return "It says so."
    return "a wrong answer"


def test_feedback_gives_a_mark_the_words_key_as_its_phrases_and_an_open_answer_its_rubric(built):
    """The key to a passage to mark is its phrases ('wealthy landowners'), not its words in alphabetical order; an
    open answer, once marked, shows the level reached and what full marks take (the rubric is fine after marking)."""
    from quizgen.marking.report import feedback_context

    _, _, build = built
    letter, version = next((v.letter, v) for v in build.versions.values()
                           if any(p["kind"] == "mark-the-words" and any(len(w) > 1 for w in p["scoring"]["phrase_words"])
                                  for p in v.positions.values()))
    mtw = next(p for p in version.positions.values() if p["kind"] == "mark-the-words")
    opened = next(p for p in version.positions.values() if p["kind"] == "open-response")
    student = _submission(build, letter, "Ada Lovelace", {n: _wrong(p) for n, p in version.positions.items()})
    rubric = {(student.student.key, letter, opened["position"]): (Fraction(1), "It says so.")}
    results = mark(build, [student], rubric)
    missed = {m["number"]: m for m in feedback_context(results, results.students[0])["missed"]}
    assert missed[mtw["position"]]["right"] == "; ".join(mtw["scoring"]["phrases"])
    levels = {level["name"]: level for level in opened["scoring"]["levels"]}
    marked = missed[opened["position"]]
    assert marked["points"] == "1 of 2 points"
    assert marked["right"].startswith(f"Emergent (1 of 2 points). Full marks: {levels['Proficient']['text'][:40]}")
    assert "teacher's comments" not in marked["right"]
    one_point = next(m for m in missed.values() if m["number"] != opened["position"])
    assert one_point["points"] == "0 of 1 point"


def test_item_analysis_counts_every_version_of_a_question_whose_choices_differ(built):
    """A parametric single choice (its numbers differ by version): every answer chosen is listed with its
    count, each version's right answer flagged, and the most-missed entry gives each version's answer."""
    from quizgen import scoring
    from quizgen.marking.report import class_report_context

    _, _, build = built
    holding: dict[str, list] = {}
    for v in build.versions.values():
        for p in v.positions.values():
            if p["kind"] == "single-choice":
                holding.setdefault(p["question"], []).append((v.letter, p))
    question, (first, second) = next((q, (a, b)) for q, found in holding.items() for a in found for b in found
                                     if a[0] < b[0] and [c["text"] for c in a[1]["choices"]]
                                     != [c["text"] for c in b[1]["choices"]]
                                     and scoring.key_answer(a[1]) != scoring.key_answer(b[1])
                                     and a[1]["choices"][ord(scoring.key_answer(a[1])) - 65]["text"]
                                     != b[1]["choices"][ord(scoring.key_answer(b[1])) - 65]["text"])
    subs = []
    for i, (letter, p) in enumerate([first, first, second, second, second]):
        answers = {n: None if q["kind"] == "open-response" else scoring.key_answer(q)
                   for n, q in build.versions[letter].positions.items()}  # all right but this one (or not)
        answers[p["position"]] = scoring.key_answer(p) if i in (0, 2) else _wrong(p)
        subs.append(_submission(build, letter, f"Student {i}", answers))
    context = class_report_context(mark(build, subs, {}), inline_css=True)
    row = next(r for r in context["items"] if r["question"] == question)
    assert sum(c["count"] for c in row["choices"]) == 5
    right = {c["text"] for c in row["choices"] if c["right"]}
    assert right == {p["choices"][ord(scoring.key_answer(p)) - 65]["text"] for _, p in (first, second)}
    missed = next(m for m in context["most_missed"] if m["question"] == question)
    assert f"(version {first[0]})" in missed["answer"] and f"(version {second[0]})" in missed["answer"]
    assert not {w["text"] for w in missed["wrong"]} & right


def test_most_missed_open_question_lists_no_other_answers(built):
    from quizgen.marking.report import class_report_context

    _, _, build = built
    version = build.versions["A"]
    opened = next(p for p in version.positions.values() if p["kind"] == "open-response")
    subs = [_submission(build, "A", f"Student {i}", {opened["position"]: "It says so."}) for i in range(3)]
    rubric = {(s.student.key, "A", opened["position"]): (Fraction(0), "It says so.") for s in subs}
    context = class_report_context(mark(build, subs, rubric), inline_css=True)
    missed = next(m for m in context["most_missed"] if m["question"] == opened["question"])
    assert missed["wrong"] == []


def test_item_analysis_lists_the_commonest_written_answers(built):
    """A short answer or number: the answers written most often, with their counts, the right ones flagged
    (the items CSV had them; the class report showed nothing)."""
    from quizgen import scoring
    from quizgen.marking.report import class_report_context

    _, _, build = built
    letter, short = next((v.letter, p) for v in build.versions.values() for p in v.positions.values()
                         if p["kind"] == "short-answer")
    accepted = short["scoring"]["accepted"][0]
    typed = [accepted.upper() + ".", accepted, "propaganda", "propaganda", "Propaganda ", "tokyo", None]
    subs = [_submission(build, letter, f"Student {i}", {short["position"]: t}) for i, t in enumerate(typed)]
    row = next(r for r in class_report_context(mark(build, subs, {}), inline_css=True)["items"]
               if r["question"] == short["question"])
    assert [(c["text"], c["count"], c["right"]) for c in row["choices"]] == [
        ("propaganda", 3, False), (accepted, 2, True), ("tokyo", 1, False), ("(blank)", 1, False)]
    assert scoring.score(short, "propaganda").status == scoring.WRONG


def test_the_charts_say_what_waits_for_the_rubric_sheet(built):
    """Before the rubric sheet is filled in, every student has an open answer to mark: the score chart was
    an empty frame and the skill chart drew a mean of 0 %, with nothing saying why. Now each says how many
    answers it waits for, and draws what is marked once some are."""
    from lxml import html as lxml_html

    from quizgen import scoring
    from quizgen.marking.report import class_report_html

    _, _, build = built
    version = build.versions["A"]
    opened = next(p for p in version.positions.values() if p["kind"] == "open-response")
    answers = {n: "It says so." if p["kind"] == "open-response" else scoring.key_answer(p)
               for n, p in version.positions.items()}
    subs = [_submission(build, "A", f"Student {i}", answers) for i in range(5)]

    def charts(rubric: dict):
        tree = lxml_html.fromstring(class_report_html(mark(build, subs, rubric)))
        scores, skills = tree.xpath("//figure[contains(@class, 'chart')]")
        return scores, skills

    scores, skills = charts({})
    assert "Scores appear once the open answers are marked (5 to mark)" in " ".join(scores.text_content().split())
    assert not scores.xpath(".//svg"), "an empty score chart is drawn"
    waiting = next(r for r in skills.xpath(".//svg/text") if r.text == skill_name_of(opened))
    row = waiting.getparent().index(waiting)
    lines = [e.text for e in waiting.getparent()[row + 1: row + 3]]
    assert lines == ["none marked yet", "5 open answers to mark"], lines
    assert not [e for e in skills.xpath(".//svg/line") if float(e.get("y1")) == float(waiting.get("y")) - 11], \
        "a mean line is drawn for a skill with nothing marked"

    done = {(s.student.key, "A", opened["position"]): (Fraction(opened["points"]), "It says so.") for s in subs[:2]}
    scores, skills = charts(done)
    assert "2 of 5 students; the others appear once their open answers are marked (3 to mark)" in " ".join(
        scores.text_content().split())
    assert sum(float(r.get("height")) > 0 for r in scores.xpath(".//svg//rect")) == 1  # both at 100 %


def skill_name_of(position: dict) -> str:
    from quizgen.printed import skill_name

    return skill_name(position["skill"])
