"""The PDFs themselves, read back with pypdf and poppler: content, secrecy, layout, fonts, safety."""

from __future__ import annotations

import io
import logging
import re
import shutil
import subprocess
from decimal import Decimal

import pytest
from conftest import _anchors, page_break_problems, pdf_pages_text, project, squash, structure_problems
from pypdf import PdfReader

from quizgen import model, paths
from quizgen.bank import load_bank
from quizgen.build import build
from quizgen.recipe import load_recipe

# Every test here lays out PDFs with WeasyPrint (pytest -m 'not slow' leaves them out).
pytestmark = pytest.mark.slow

VERSIONS = 3


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """One build of the sampler recipe on the sample bank: 3 versions, per-version files, 2 workers."""
    recipe = load_recipe(paths.default_recipe(), {"versions": str(VERSIONS), "output": str(tmp_path_factory.mktemp("out"))})
    report = build(recipe, project("worksheet"), workers=2, write=False)
    files = {o.path.name: o.data for o in report.outputs}
    return report.worksheet, files


def pdftotext_layout(data: bytes, folder, *pages: str) -> str:
    """Return a PDF's text as poppler lays it out (columns and rows kept), the way a reader sees it."""
    path = folder / "laid-out.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", "-layout", *pages, str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def version_pdf(files, letter: str) -> bytes:
    return files[f"sampler-worksheet-{letter}.pdf"]


def test_files_made(built):
    _, files = built
    assert sorted(files) == [
        "sampler-answer-key.pdf", "sampler-class-pack.pdf",
        "sampler-worksheet-A.pdf", "sampler-worksheet-B.pdf", "sampler-worksheet-C.pdf",
    ]


def test_every_question_and_excerpt_is_in_each_version(built):
    """Every stem, and of every excerpt line what the question needs: the whole line, or (a trimmed
    line) every quoted passage the line holds. Compared without spaces: text extraction adds one
    where a line wraps after a dash."""
    sheet, files = built

    def bare(text: str) -> str:
        return "".join(text.split())

    for version in sheet.versions:
        text = bare(" ".join(pdf_pages_text(version_pdf(files, version.letter))))
        for item in version.items:
            assert bare(item.question.stem) in text, (version.letter, item.question.id)
            for excerpt in item.excerpts:
                if isinstance(item.question, model.MarkTheWords) or not item.question.print_excerpts:
                    continue  # the passage itself is printed instead, or the stem quotes it
                source = sheet.sources[excerpt.source]
                for n in range(excerpt.first, excerpt.last + 1):
                    line = source.lines[n - 1]
                    needed = [bare(need) for need in excerpt.needs if bare(need) in bare(line)] or [bare(line)]
                    assert all(need in text for need in needed), (version.letter, excerpt.source, n)
            if isinstance(item.question, model.MarkTheWords):
                assert bare(item.question.passage) in text


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")
def test_excerpts_print_line_numbers_and_citations(built, tmp_path):
    """Read as laid out: each excerpt line starts with its number in the source, and the source's title is cited."""
    from quizgen.bank import load_bank

    sheet, files = built
    sources = load_bank(project("worksheet")).sources
    lines_checked = 0
    for version in sheet.versions:
        laid_out = squash(pdftotext_layout(version_pdf(files, version.letter), tmp_path))
        for item in version.items:
            if isinstance(item.question, model.MarkTheWords):
                continue
            for excerpt in item.excerpts:
                assert squash(sources[excerpt.source].title.rstrip(".")) in laid_out, (version.letter, excerpt.source)
                for offset, line in enumerate(excerpt.lines):
                    start = " ".join(line.split()[:3])
                    assert squash(f"{excerpt.first + offset} {start}") in laid_out, (version.letter, excerpt.first + offset)
                    lines_checked += 1
    assert lines_checked


def test_hostile_bank_text_prints_literally(tmp_path):
    """A bank string holding an HTML tag is printed as text, tag and all, not obeyed."""
    hostile = '<img src="http://example.com/x">'
    recipe = load_recipe(paths.default_recipe(), {
        "versions": "1", "output": str(tmp_path), "questions": ["A4=1"], "kinds": "short-answer"})
    report = build(recipe, project("worksheet"), workers=1, write=False)
    (item,) = report.worksheet.versions[0].items
    assert hostile in item.question.stem, "the sample bank's A4 short answer should hold an HTML tag"
    for output in report.outputs:
        assert hostile in " ".join(pdf_pages_text(output.data)), output.path.name


def test_the_sampler_prints_outside_source_cards_for_verdict_questions(built):
    sheet, files = built
    assert sheet.recipe.cards
    carded = 0
    for version in sheet.versions:
        text = " ".join(pdf_pages_text(version_pdf(files, version.letter)))
        for item in version.items:
            q = item.question
            if q.subskill in ("C3", "C4", "C5") and q.outside_source:
                assert squash(q.outside_source.says) in text, (version.letter, q.id)
                carded += 1
            elif q.outside_source:
                assert squash(q.outside_source.says) not in text, (version.letter, q.id)
    assert carded, "the sample should include a verdict question"


def test_class_pack_holds_every_version_in_order(built):
    sheet, files = built
    all_texts = pdf_pages_text(files["sampler-class-pack.pdf"])
    # Double-sided (the default): a blank page follows each version of an odd number
    # of pages but the last, so every version starts a new sheet; the per-version files
    # leave it out.
    blank = [n for n, t in enumerate(all_texts) if BLANK_NOTE in t]
    texts = [t for n, t in enumerate(all_texts) if n not in blank]
    expected = [t for p in sheet.versions for t in pdf_pages_text(version_pdf(files, p.letter))]
    assert texts == expected
    firsts = [n for n, t in enumerate(all_texts) if "Page 1 of" in t]
    assert len(firsts) == len(sheet.versions) and all(n % 2 == 0 for n in firsts), firsts
    sizes = [len(pdf_pages_text(version_pdf(files, v.letter))) for v in sheet.versions]
    assert any(size % 2 for size in sizes), "this test needs a version of an odd number of pages"
    assert blank == [first + size for first, size in zip(firsts[:-1], sizes) if size % 2]
    for n in blank:
        assert all_texts[n] == squash(f"This page is intentionally left blank. {sheet.recipe.title}"), all_texts[n]
    # Read independently of the per-version files (which are cut from the pack):
    # each page names one version, the versions come in order, each in one run of
    # pages that starts at "Page 1", and that run asks that version's questions in order.
    letters = [re.findall(r"Version ([A-Z]+)\b", t) for t in texts]
    assert all(len(set(found)) == 1 for found in letters), letters
    page_versions = [found[0] for found in letters]
    runs = [letter for n, letter in enumerate(page_versions) if n == 0 or page_versions[n - 1] != letter]
    assert runs == [v.letter for v in sheet.versions]
    for version in sheet.versions:
        pages = [t for t, letter in zip(texts, page_versions) if letter == version.letter]
        assert "Page 1 of" in pages[0]
        text = " ".join(pages)
        positions = [text.find(squash(item.question.stem)) for item in version.items]
        assert -1 not in positions and positions == sorted(positions), version.letter


BLANK_NOTE = "This page is intentionally left blank."


def test_single_sided_class_pack_has_no_blank_pages(tmp_path):
    recipe = load_recipe(paths.default_recipe(), {"versions": str(VERSIONS), "output": str(tmp_path), "double_sided": False})
    report = build(recipe, project("worksheet"), workers=1, write=False)
    files = {o.path.name: o.data for o in report.outputs}
    pack = pdf_pages_text(files["sampler-class-pack.pdf"])
    assert not any(BLANK_NOTE in t for t in pack)
    assert pack == [t for v in report.worksheet.versions for t in pdf_pages_text(files[f"sampler-worksheet-{v.letter}.pdf"])]


def secrets(version: model.Version) -> list[str]:
    """Return texts that belong only in the answer key: explanations, rubrics, model answers, keys."""
    out = []
    for item in version.items:
        q = item.question
        shown = squash(" ".join([q.stem, *(line for e in item.excerpts for line in e.lines),
                                 *(c.text for c in getattr(q, "choices", ()))]))
        out.append(q.explanation)
        if isinstance(q, model.OpenResponse):
            out += [q.model_answer, q.rubric.proficient, q.rubric.emergent, q.rubric.basic]
            out += [p.description for p in q.rubric.patterns]
        if isinstance(q, model.ShortAnswer):
            out += [a for a in q.answers if a not in shown]
        if isinstance(q, model.Numeric) and str(q.answer) not in shown:
            out.append(str(q.answer))
    return [squash(s) for s in out if s.strip()]


def test_worksheets_hold_no_answer_rubric_or_explanation(built):
    sheet, files = built
    for version in sheet.versions:
        data = version_pdf(files, version.letter)
        text = " ".join(pdf_pages_text(data))
        meta = " ".join(str(v) for v in (PdfReader(io.BytesIO(data)).metadata or {}).values())
        for secret in secrets(version):
            assert secret not in text, (version.letter, secret)
            assert secret not in meta
        assert "webpage-origin-word" not in text or "ib-short-note" not in {i.question.id for i in version.items}
        assert b"/EmbeddedFiles" not in data and b"/JavaScript" not in data
    # In the pack, each version's pages (read from the pack itself) hold none of that version's
    # answers. Another version may print a number that answers this one ("2010"): not a leak.
    pack = pdf_pages_text(files["sampler-class-pack.pdf"])
    for version in sheet.versions:
        pages = " ".join(p for p in pack if f"Version {version.letter}" in p)
        assert pages
        for secret in secrets(version):
            assert secret not in pages, (version.letter, secret)


def test_answer_key_matches_what_each_version_asks(built):
    """Each question once, with the positions every version gives it and what to look for there."""
    from test_answer_key import asked_at, key_entries_text, key_text

    sheet, files = built
    key = pdf_pages_text(files["sampler-answer-key.pdf"])
    assert "Answer grid" in key[0]
    entries = key_entries_text(key_text(files["sampler-answer-key.pdf"], sheet), sheet)
    for version in sheet.versions:
        for item in version.items:
            q = item.question
            text = entries[q.id]
            assert asked_at(sheet, q.id) in text, q.id
            if not q.instance:  # a parametric stem is printed with one version's numbers
                assert squash(q.stem) in text, q.id
            assert squash(q.explanation) in text or q.instance, q.id
            assert f"{q.subskill} {model.SUBSKILLS[q.subskill][1].name}" in text
            if isinstance(q, model.OpenResponse):
                assert squash(q.rubric.proficient) in text
            if isinstance(q, model.SingleChoice) and not q.instance:
                right = next(c.text for c in q.choices if c.correct)
                assert squash(f"ANSWER {right}") in text, (version.letter, q.id)
            if isinstance(q, model.Numeric):
                assert Decimal(item.key) == q.answer, (version.letter, q.id)
                assert item.key in text, (version.letter, q.id)
            points = f"{q.points} point{'s' if q.points != 1 else ''}"
            assert squash(f"{q.subskill} {model.SUBSKILLS[q.subskill][1].name} · {points}") in text, (version.letter, q.id)


def test_answer_key_gives_each_claims_verdict_and_references(built):
    """Every claim a question rests on is in the key with its verdict label and every outside reference."""
    from quizgen.bank import load_bank

    sheet, files = built
    claims = load_bank(project("worksheet")).claims
    text = " ".join(pdf_pages_text(files["sampler-answer-key.pdf"]))
    checked = 0
    for claim_id in {c for v in sheet.versions for i in v.items for c in i.question.claims}:
        claim = claims[claim_id]
        assert squash(f"{model.VERDICT_LABELS[claim.verdict]} {claim.verdict_note}") in text, claim_id
        for reference in claim.references:
            assert squash(reference.title) in text and squash(reference.says) in text, (claim_id, reference.title)
            checked += 1
    assert checked, "the sample's claims should carry references"


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")
def test_answer_grid_rows_read_across_each_version(built, tmp_path):
    """Each grid row is one version: its letter, the keys of its choice and number items in order, its points."""
    sheet, files = built
    grid = pdftotext_layout(files["sampler-answer-key.pdf"], tmp_path, "-f", "1", "-l", "1")
    rows = {line.split()[0]: line.strip() for line in grid.splitlines() if line.strip() and line.split()[0] in
            {v.letter for v in sheet.versions}}
    assert sorted(rows) == [v.letter for v in sheet.versions]
    for version in sheet.versions:
        row = rows[version.letter]
        assert row.split()[-1] == str(sum(item.question.points for item in version.items)), row
        at = len(version.letter)
        for item in version.items:
            if isinstance(item.question, (model.SingleChoice, model.TrueFalse, model.MultipleResponse, model.Numeric)):
                cell = item.key.replace(", ", "")
                found = row.find(cell, at)
                assert found >= 0, (version.letter, item.number, cell, row)
                at = found + len(cell)


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")
def test_the_keyed_letter_is_printed_beside_the_right_choice(built, tmp_path):
    """Read as laid out, each worksheet shows the key's letter in the bubble beside the correct choice."""
    sheet, files = built
    checked = 0
    for version in sheet.versions:
        laid_out = squash(pdftotext_layout(version_pdf(files, version.letter), tmp_path))
        for item in version.items:
            if isinstance(item.question, model.SingleChoice):
                right = next(c.text for c in item.question.choices if c.correct)
                assert squash(f"{item.key} {right}")[:40] in laid_out, (version.letter, item.question.id)
                checked += 1
    assert checked


def test_versions_differ_in_order(built):
    sheet, files = built
    orders = []
    for version in sheet.versions:
        text = " ".join(pdf_pages_text(version_pdf(files, version.letter)))
        stems = sorted((text.index(squash(i.question.stem)), i.question.id) for i in version.items)
        orders.append(tuple(qid for _, qid in stems))
        assert [qid for qid in orders[-1]] == [i.question.id for i in version.items]
    assert len(set(orders)) == len(orders)
    # Choice order too: a choice question asked in several versions prints its
    # choices in a different order in at least one of them, as each version's text shows.
    printed: dict[str, set[tuple[str, ...]]] = {}
    for version in sheet.versions:
        text = " ".join(pdf_pages_text(version_pdf(files, version.letter)))
        for item in version.items:
            if isinstance(item.question, (model.SingleChoice, model.MultipleResponse)):
                start = text.index(squash(item.question.stem))
                found = sorted((text.index(squash(c.text), start), c.text) for c in item.question.choices)
                printed.setdefault(item.question.id, set()).add(tuple(t for _, t in found))
    assert any(len(orders) > 1 for orders in printed.values()), printed


def test_same_seed_same_bytes(built, tmp_path):
    sheet, files = built
    again = build(sheet.recipe, project("worksheet"), workers=2, write=False)
    assert {o.path.name: o.data for o in again.outputs} == files


def test_same_seed_same_bytes_from_a_fresh_process(built, tmp_path):
    """Another interpreter, another hash seed, the command line: still the same bytes."""
    import os
    import sys

    _, files = built
    env = {**os.environ, "PYTHONHASHSEED": "4242"}
    done = subprocess.run([sys.executable, "-m", "quizgen", "build", "--bank", str(project("worksheet")),
                           "--versions", str(VERSIONS), "-q", "-o", str(tmp_path)], capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr
    assert {p.name: p.read_bytes() for p in tmp_path.glob("*.pdf")} == files


def test_every_page_names_its_version_and_page_count(built):
    sheet, files = built
    for version in sheet.versions:
        pages = pdf_pages_text(version_pdf(files, version.letter))
        for n, text in enumerate(pages, start=1):
            assert f"Page {n} of {len(pages)}" in text
            assert f"Version {version.letter}" in text
            # The last page's footer ends the sheet; no other page, and not the key, says so.
            assert ("End of worksheet" in text) == (n == len(pages)), (version.letter, n)
    assert all("End of worksheet" not in text for text in pdf_pages_text(files["sampler-answer-key.pdf"]))


def test_the_end_of_the_sheet_never_takes_a_page_of_its_own():
    """The last question fills its page to the foot: the end of the sheet is still on that page.

    It is said in the footer; a line after the last question went to a page of
    its own in 2 of 30 versions of the shipped sampler.
    """
    import dataclasses

    from quizgen.assemble import whole_bank
    from quizgen.bank import load_bank
    from quizgen.render import render_html
    from quizgen.render.context import worksheet_context
    from quizgen.render.pdf import html_to_pdf

    bank = load_bank(project("worksheet"))
    question = max(bank.questions.values(), key=lambda q: len(q.stem))
    question = dataclasses.replace(question, stem=question.stem + " Write your answer below." * 40)
    fullest = None
    for _ in range(30):  # lengthen the stem until the question no longer fits one page
        question = dataclasses.replace(question, stem=question.stem + " Write your answer below." * 2)
        sheet = whole_bank(dataclasses.replace(bank, questions={question.id: question}), seed=1)
        context = worksheet_context(sheet, sheet.versions[0], link=False)
        data = html_to_pdf([render_html("worksheet.html.j2", context)], context["doc"]["stylesheets"])
        if len(PdfReader(io.BytesIO(data)).pages) > 1:
            break
        fullest = data
    assert fullest is not None
    _, dests, _ = _anchors(fullest)
    # It ends within 10 mm of the page body's foot (19 mm up): no room for a line after it.
    assert float(dests["vA-q1-end"]["/Top"]) < (19 + 10) / 25.4 * 72
    pages = pdf_pages_text(fullest)
    assert len(pages) == 1 and "End of worksheet · Page 1 of 1" in " ".join(pages[0].split())


def test_questions_break_only_between_their_parts(built):
    """Worksheets: a question runs on only between its parts (never after its stem alone, never inside a
    short response, an excerpt line, a choice or a row). Headings with a question. (The key's entries:
    test_answer_key.py.)"""
    from conftest import broken_unit_problems

    from quizgen.render.context import worksheet_context

    sheet, files = built
    for name in [f"sampler-worksheet-{v.letter}.pdf" for v in sheet.versions] + ["sampler-class-pack.pdf"]:
        assert page_break_problems(files[name], key=False) == [], name
    for version in sheet.versions:
        assert broken_unit_problems(version_pdf(files, version.letter), worksheet_context(sheet, version)) == []


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="needs poppler-utils")
def test_pages_render_and_are_not_blank(built, tmp_path):
    from PIL import Image

    _, files = built
    for name in ("sampler-worksheet-A.pdf", "sampler-answer-key.pdf"):
        path = tmp_path / name
        path.write_bytes(files[name])
        subprocess.run(["pdftoppm", "-r", "24", "-gray", "-png", str(path), str(tmp_path / path.stem)], check=True)
        images = sorted(tmp_path.glob(f"{path.stem}-*.png"))
        assert len(images) == len(PdfReader(io.BytesIO(files[name])).pages)
        for image in images:
            # The body only, inside the page margins (17 mm at the head, 19 mm at the
            # foot): a page with nothing but its running header and footer is blank.
            gray = Image.open(image).convert("L")
            width, height = gray.size
            top, bottom = round(height * 17 / 279), height - round(height * 19 / 279)
            pixels = list(gray.crop((0, top, width, bottom)).tobytes())
            # Ink: at 24 dpi small type is grey, not black (a page of four lines has 36
            # pixels darker than 128 but over 400 darker than 192).
            dark = sum(1 for p in pixels if p < 192)
            assert dark > 0.001 * len(pixels), image.name


def notdef(caplog) -> list[str]:
    """Return WeasyPrint's reports of a .notdef glyph (the missing-glyph box) drawn for a character."""
    return [r.getMessage() for r in caplog.records if ".notdef glyph" in r.getMessage()]


def test_fonts_cover_the_text_and_are_embedded(built, caplog):
    sheet, files = built
    # Render again in this process so WeasyPrint's warnings reach caplog: it
    # warns for every character no font on the list has a glyph for.
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        again = build(sheet.recipe, project("worksheet"), workers=1, write=False)
    assert notdef(caplog) == []
    assert {o.path.name: o.data for o in again.outputs} == files  # one process or two: same bytes
    for name, data in files.items():
        reader = PdfReader(io.BytesIO(data))
        for page in reader.pages:
            for font in page["/Resources"].get("/Font", {}).values():
                font = font.get_object()
                descendant = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
                descriptor = descendant["/FontDescriptor"].get_object()
                assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")), (name, font["/BaseFont"])
    text = " ".join(pdf_pages_text(files["sampler-class-pack.pdf"]))
    asked = {i.question.id for v in sheet.versions for i in v.items}
    assert "ib-tf-century" in asked, "the sample should ask the question whose excerpt has Hangul"
    assert "세기와 더불어" in text
    assert "“" in text and "’" in text


@pytest.mark.skipif(shutil.which("pdffonts") is None, reason="needs poppler-utils")
def test_pdffonts_reports_every_font_embedded(built, tmp_path):
    _, files = built
    path = tmp_path / "pack.pdf"
    path.write_bytes(files["sampler-class-pack.pdf"])
    rows = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
    assert rows and all(row.split()[-5] == "yes" for row in rows), rows
    families = " ".join(rows)
    assert "Noto-Sans" in families and "Noto-Serif" in families


def test_hangul_and_quotes_render_with_real_glyphs(caplog):
    from quizgen.render.pdf import html_to_pdf

    html = (
        '<html><head><title>t</title></head><body class="worksheet">'
        '<p class="stem">회고록 《세기와 더불어》 “quoted” ‘single’ – — … ± ≤ ≥ →</p></body></html>'
    )
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        data = html_to_pdf([html], ["css/print.css", "css/paper-letter.css", "css/worksheet.css"])
    assert notdef(caplog) == []
    assert "세기와 더불어" in pdf_pages_text(data)[0]


def test_rendering_reaches_no_network_and_no_other_file(monkeypatch):
    import socket

    from quizgen.render.pdf import RefusedResource, TemplatesOnlyFetcher, _renderer, html_to_pdf

    def no_network(*args, **kwargs):
        raise AssertionError("rendering tried to open a network connection")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    hostile = (
        '<html><head><title>t</title><link rel="stylesheet" href="http://example.com/x.css">'
        '<link rel="stylesheet" href="file:///etc/passwd"></head><body>'
        '<img src="http://example.com/x"><img src="../pyproject.toml"><p>hello</p></body></html>'
    )
    data = html_to_pdf([hostile])
    assert data.startswith(b"%PDF")
    refused = _renderer(None).fetcher.refused
    assert "http://example.com/x" in refused and "http://example.com/x.css" in refused
    assert "file:///etc/passwd" in refused and any(r.endswith("pyproject.toml") for r in refused)

    fetcher = TemplatesOnlyFetcher(paths.templates_dir())
    assert fetcher.fetch((paths.templates_dir() / "css" / "print.css").as_uri()).read().startswith(b"/*")
    for url in ("https://example.com/", "data:text/css,p{}", (paths.templates_dir() / ".." / "README.md").resolve().as_uri()):
        with pytest.raises(RefusedResource):
            fetcher.fetch(url)


def test_metadata_is_fixed(built):
    sheet, files = built
    for name, data in files.items():
        meta = PdfReader(io.BytesIO(data)).metadata
        assert "/CreationDate" not in meta and "/ModDate" not in meta, name
        # The language screen readers use; pypdf's merge and split must not drop it.
        assert PdfReader(io.BytesIO(data)).trailer["/Root"].get("/Lang") == "en", name
        assert meta["/Title"].startswith("Reading the sources")
    title = lambda name: PdfReader(io.BytesIO(files[name])).metadata["/Title"]  # noqa: E731
    assert title("sampler-class-pack.pdf").endswith("— class pack")
    assert title("sampler-answer-key.pdf").endswith("— answer key")
    for version in sheet.versions:
        assert title(f"sampler-worksheet-{version.letter}.pdf").endswith(f"— Version {version.letter}")


def test_a4_and_large_print(tmp_path):
    recipe = load_recipe(paths.default_recipe(), {
        "versions": "1", "paper": "a4", "large_print": True, "output": str(tmp_path), "questions": ["corroborate=2"],
    })
    report = build(recipe, project("worksheet"), workers=1, write=False)
    sheet = next(o for o in report.outputs if o.path.name == "sampler-worksheet.pdf")
    box = PdfReader(io.BytesIO(sheet.data)).pages[0].mediabox
    assert (round(float(box.width) * 25.4 / 72), round(float(box.height) * 25.4 / 72)) == (210, 297)
    letter = build(load_recipe(paths.default_recipe(), {"versions": "1", "questions": ["corroborate=2"]}),
                   project("worksheet"), workers=1, write=False)
    box = PdfReader(io.BytesIO(letter.outputs[0].data)).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (612, 792)
    # Large print: the same questions in bigger type. The stem's font size, read from the page's text operators.
    regular = build(load_recipe(paths.default_recipe(), {
        "versions": "1", "paper": "a4", "output": str(tmp_path), "questions": ["corroborate=2"],
    }), project("worksheet"), workers=1, write=False)
    instructions = recipe.instructions
    assert font_size_of(sheet.data, instructions) >= 1.3 * font_size_of(regular.outputs[0].data, instructions)


def test_without_excerpts_each_question_points_to_lines_of_the_source_texts_handed_out(tmp_path, built):
    """--no-excerpts: no excerpt on the sheet, a pointer to the lines instead, and the whole sources in their own PDF."""
    recipe = load_recipe(paths.default_recipe(), {"versions": "2", "output": str(tmp_path), "excerpts": False})
    report = build(recipe, project("worksheet"), workers=1, write=False)
    files = {o.path.name: o.data for o in report.outputs}
    assert "sampler-source-texts.pdf" in files and "sampler-source-texts.pdf" not in built[1]
    bank = load_bank(project("worksheet"))
    cited: list[str] = []
    for version in report.worksheet.versions:
        # Poppler's reading order: pypdf gives the two-column choices before the lines above them.
        sheet_file = tmp_path / f"{version.letter}.pdf"
        sheet_file.write_bytes(files[f"sampler-worksheet-{version.letter}.pdf"])
        text = squash(subprocess.run(["pdftotext", str(sheet_file), "-"], capture_output=True, text=True, check=True).stdout)
        assert "Excerpt 1" not in text and "The source texts are handed out with this worksheet." in text
        stems = [text.index(squash(item.question.stem)) for item in version.items]
        for item, start, end in zip(version.items, stems, stems[1:] + [len(text)]):
            if not item.question.print_excerpts or isinstance(item.question, model.MarkTheWords) or not item.excerpts:
                continue
            own = text[start:end]
            assert "In the source texts:" in own, item.question.id
            for excerpt in item.excerpts:
                assert bank.sources[excerpt.source].title in own, (item.question.id, excerpt.source)
                for n in range(excerpt.first, excerpt.last + 1):
                    assert re.search(rf"\b{n}\b", own.split("In the source texts:", 1)[1]), (item.question.id, n)
                if excerpt.source not in cited:
                    cited.append(excerpt.source)
    assert cited, "the sample should cite some source"
    # The source texts: each cited source whole, every line behind its number, in the order first cited.
    laid_out = pdftotext_layout(files["sampler-source-texts.pdf"], tmp_path)
    titles = [laid_out.index(bank.sources[sid].title) for sid in cited]
    assert titles == sorted(titles)
    for sid in cited:
        part = laid_out[laid_out.index(bank.sources[sid].title):]
        for n, line in enumerate(bank.sources[sid].lines, start=1):
            first_words = " ".join(line.split()[:3])
            assert re.search(rf"^\s*{n}\s+{re.escape(first_words)}", part, flags=re.M), (sid, n)
    pages = pdf_pages_text(files["sampler-source-texts.pdf"])
    assert all(f"Page {n} of {len(pages)}" in t for n, t in enumerate(pages, start=1))


def test_large_print_has_no_cover_the_questions_begin_on_page_1(tmp_path):
    """Large print once opened with a cover page (an outline of the parts), because a question kept
    whole seldom fitted below the header. Questions flow now: the first begins on page 1, in large
    print as in regular print."""
    options = {"versions": "1", "output": str(tmp_path), "questions": ["B1=1", "C1=1", "C3=1"], "excerpts": False}
    for large_print in (True, False):
        report = build(load_recipe(paths.default_recipe(), {**options, "large_print": large_print}),
                       project("worksheet"), workers=1, write=False)
        version = report.worksheet.versions[0]
        pages = pdf_pages_text(next(o for o in report.outputs if o.path.name == "sampler-worksheet.pdf").data)
        assert squash(report.worksheet.recipe.instructions) in pages[0]
        assert squash(version.items[0].question.stem)[:40] in pages[0], large_print
        assert "In this worksheet" not in " ".join(pages)


@pytest.mark.parametrize("cards", [True, False])  # without cards, verdict questions say "Look it up"
def test_large_print_sets_every_word_at_large_print_sizes(tmp_path, cards):
    """Large-print guidance asks for 16 pt or more: every run of text on every page is at least
    16 pt, labels, line numbers, citations and the running header and footer included (they were
    12 pt), and each page's footer is one line."""
    recipe = load_recipe(paths.default_recipe(), {"versions": "1", "large_print": True, "output": str(tmp_path),
                                                  "cards": cards})
    report = build(recipe, project("worksheet"), workers=1, write=False)
    sheet = next(o for o in report.outputs if o.path.name == "sampler-worksheet.pdf")
    sizes: dict[str, float] = {}
    footer_lines: list[set[float]] = []

    def visit(run, cm, tm, font, size):
        if run.strip():
            words = " ".join(run.split())
            sizes[words] = min(sizes.get(words, 99.0), round(size * tm[0] * cm[0], 1))
            if tm[5] * cm[3] + cm[5] < 40:  # below the text area: the footer (15 mm ≈ 42 pt)
                footer_lines[-1].add(round(tm[5] * cm[3] + cm[5]))

    for page in PdfReader(io.BytesIO(sheet.data)).pages:
        footer_lines.append(set())
        page.extract_text(visitor_text=visit)
    assert len(sizes) > 50
    assert any(run.upper().startswith(("OUTSIDE SOURCE CARD" if cards else "LOOK IT UP")) for run in sizes), sizes
    small = {run: size for run, size in sizes.items() if size < 16}
    assert not small, small
    assert all(len(lines) == 1 for lines in footer_lines), footer_lines
    assert any("Page 1 of" in run for run in sizes)
    for item in report.worksheet.versions[0].items:
        # The first words, up to any Hangul: a run ends where the font changes to the CJK one.
        stem = " ".join(item.question.stem.split()[:3]).split("《")[0].strip()
        assert any(run.startswith(stem) and size >= 16 for run, size in sizes.items()), item.question.id
    for hint in ("Fill in one bubble.", "Write your answer on the line."):
        found = [size for run, size in sizes.items() if run.startswith(hint)]
        assert found and min(found) >= 16, (hint, found)


def font_size_of(data: bytes, text: str) -> float:
    """Return the size (pt) in which the first page draws the run that begins ``text``."""
    start = " ".join(text.split()[:3])
    sizes = []

    def visit(run, cm, tm, font, size):
        if run.startswith(start):
            sizes.append(size * tm[0] * cm[0])

    PdfReader(io.BytesIO(data)).pages[0].extract_text(visitor_text=visit)
    assert sizes, f"no text run begins {start!r}"
    return sizes[0]


def test_a_character_no_font_covers_is_caught(caplog):
    from quizgen.render.pdf import html_to_pdf

    # The check above fails on a worksheet with a character no font has
    # (U+0378 is unassigned, so no font can have it).
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        html_to_pdf(["<html><body><p>abc \u0378 def</p></body></html>"])
    assert notdef(caplog) and "U+0378" in notdef(caplog)[0]


@pytest.mark.skipif(shutil.which("fc-list") is None, reason="needs fontconfig")
def test_every_font_the_css_names_is_installed():
    import re

    installed = set()
    for line in subprocess.run(["fc-list", ":", "family"], capture_output=True, text=True, check=True).stdout.splitlines():
        installed.update(name.strip() for name in line.split(","))
    named = set()
    for css in (paths.templates_dir() / "css").glob("*.css"):
        for families in re.findall(r"font-family:\s*([^;]+);", css.read_text(encoding="utf-8")):
            named.update(re.findall(r'"([^"]+)"', families))
    assert named >= {"Noto Sans", "Noto Serif", "Noto Sans CJK KR", "DejaVu Sans"}
    assert sorted(named - installed) == [], "scripts/system-packages.sh must install these"


@pytest.mark.skipif(shutil.which("pdfinfo") is None, reason="needs poppler-utils")
def test_every_pdf_is_tagged_with_language_title_and_a_structure_tree(built, tmp_path):
    """Worksheets, class pack and key: poppler reads them as tagged, and the structure tree holds
    headings, paragraphs and lists on this file's pages (conftest.structure_problems)."""
    _, files = built
    for name, data in files.items():
        path = tmp_path / name
        path.write_bytes(data)
        info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
        assert re.search(r"^Tagged:\s+yes$", info, re.M), name
        assert structure_problems(data) == [], name


def test_merged_chunks_are_the_same_bytes_on_one_or_two_processes(monkeypatch, tmp_path):
    from quizgen.render import jobs

    monkeypatch.setattr(jobs, "CHUNK_DOCUMENTS", 2)  # 3 versions → chunks of 2 and 1, merged
    recipe = load_recipe(paths.default_recipe(), {"versions": "3", "questions": ["corroborate=2", "B1=1"],
                                                  "output": str(tmp_path)})
    one = build(recipe, project("worksheet"), workers=1, write=False)
    two = build(recipe, project("worksheet"), workers=2, write=False)
    assert [o.data for o in one.outputs] == [o.data for o in two.outputs]
    pack = one.outputs[0].data
    # Double-sided: a one-page version is followed by a blank page in the pack, not in its own file.
    texts = [t for t in pdf_pages_text(pack) if not t.startswith("This page is intentionally left blank.")]
    parts = [pdf_pages_text(o.data) for o in one.outputs if "-worksheet-" in o.path.name]
    assert texts == [t for part in parts for t in part]
    assert PdfReader(io.BytesIO(pack)).metadata["/Title"] == "Reading the sources: the liberation of Korea, 1945 — class pack"
    assert PdfReader(io.BytesIO(pack)).trailer["/Root"]["/Lang"] == "en"
    # Joined from chunks and cut per version, every file keeps its structure tree.
    for output in one.outputs:
        assert structure_problems(output.data) == [], output.path.name


def test_blank_pages_separate_odd_documents_across_chunks_but_never_end_the_pack(monkeypatch):
    from quizgen.render import jobs

    monkeypatch.setattr(jobs, "CHUNK_DOCUMENTS", 2)  # five documents: chunks of 2, 2 and 1
    html = "<html><body><p>Document {}</p></body></html>"
    blank = "<html><body><p>Blank</p></body></html>"
    job = jobs.PdfJob("pack", tuple(html.format(n) for n in range(5)), blank=blank)
    (result,) = jobs.render_jobs([job])
    texts = [squash(t) for t in pdf_pages_text(result.pdf)]
    assert texts == ["Document 0", "Blank", "Document 1", "Blank", "Document 2", "Blank", "Document 3", "Blank", "Document 4"]


def _one_question_pdf(question: model.Question, bank: model.Bank) -> tuple[bytes, dict]:
    import dataclasses

    from quizgen.assemble import whole_bank
    from quizgen.render import render_html
    from quizgen.render.context import worksheet_context
    from quizgen.render.pdf import html_to_pdf

    sheet = whole_bank(dataclasses.replace(bank, questions={question.id: question}), seed=1)
    context = worksheet_context(sheet, sheet.versions[0], link=False)
    return html_to_pdf([render_html("worksheet.html.j2", context)], context["doc"]["stylesheets"]), context


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")
def test_a_long_unbroken_string_wraps_inside_the_page(tmp_path):
    """An address or a long number in a stem or a choice wraps at the right margin instead of running off the page."""
    import dataclasses

    from lxml import etree

    bank = load_bank(project("worksheet"))
    question = next(q for q in bank.questions.values() if isinstance(q, model.SingleChoice))
    url = "https://example.org/" + "a-very-long-path-segment-" * 12 + "end"
    number = "1" * 90
    question = dataclasses.replace(question, stem=f"Read {url} and the number {number}, then choose.",
                                   choices=(model.Choice(url, True),) + question.choices[1:])
    data, _ = _one_question_pdf(question, bank)
    path = tmp_path / "long.pdf"
    path.write_bytes(data)
    html = subprocess.run(["pdftotext", "-bbox", str(path), "-"], capture_output=True, text=True, check=True).stdout
    root = etree.fromstring(html.encode("utf-8"), etree.HTMLParser())
    width = float(root.find(".//page").get("width"))
    right = width - 14 / 25.4 * 72  # print.css: 14 mm side margins
    words = root.findall(".//word")
    assert any("example.org" in (w.text or "") for w in words)
    over = [(w.text, w.get("xmax")) for w in words if float(w.get("xmax")) > right + 1]
    assert not over, over


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")
def test_a_stem_keeps_the_line_breaks_it_has_in_the_bank(tmp_path):
    """A stem laid out as lines in the bank prints as lines, as the exports keep them; spaces inside a line collapse."""
    import dataclasses

    from quizgen.exporters import get_exporter

    bank = load_bank(project("worksheet"))
    question = next(q for q in bank.questions.values() if isinstance(q, model.SingleChoice))
    stem = "Read the three dates below.\n1936:   founding\n1945: liberation\nWhich comes first?"
    question = dataclasses.replace(question, stem=stem)
    data, context = _one_question_pdf(question, bank)
    path = tmp_path / "lines.pdf"
    path.write_bytes(data)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    lines = [" ".join(line.split()) for line in text.splitlines()]
    (first,) = [n for n, line in enumerate(lines) if "Read the three dates below." in line]
    assert lines[first + 1] == "1936: founding" and lines[first + 2] == "1945: liberation", lines[first:first + 4]
    assert lines[first + 3].startswith("Which comes first?")
    from quizgen.assemble import whole_bank

    sheet = whole_bank(dataclasses.replace(bank, questions={question.id: question}), seed=1)
    # The exports keep them the same way: a line break in the question's HTML.
    assert "Read the three dates below.<br>1936" in get_exporter("gift").export(sheet).decode("utf-8")
