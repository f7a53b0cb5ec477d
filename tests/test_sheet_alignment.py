"""What a teacher sees at a glance on the printed pages: labels on one line, room between things.

Read back from the words' boxes in the PDF (``pdftotext -bbox``, in points): the
"Answer" box of a number question and its "Working" line, the two columns of a
matching table, the name / class / score line of an answer sheet, the "Asked at"
label of the key, and the last word of a stem or hint, which never stands alone
on its line. Each of these was once wrong on the shipped sampler (see each test).
"""

from __future__ import annotations

import dataclasses
import subprocess
from pathlib import Path

import lxml.etree
import pytest

from quizgen import model, paths
from quizgen.assemble import whole_bank
from quizgen.bank import load_bank
from quizgen.build import build
from quizgen.recipe import load_recipe

# Lays out worksheets, an answer key and answer sheets.
pytestmark = pytest.mark.slow

MM = 72 / 25.4  # points in a millimetre


@dataclasses.dataclass(frozen=True)
class Word:
    text: str
    x0: float
    y0: float
    x1: float
    y1: float


def page_words(data: bytes, tmp_path: Path) -> list[list[Word]]:
    """Every word of every page with its box, in reading order."""
    path = tmp_path / "words.pdf"
    path.write_bytes(data)
    xhtml = subprocess.run(["pdftotext", "-bbox", str(path), "-"], capture_output=True, check=True).stdout
    root = lxml.etree.fromstring(xhtml, lxml.etree.XMLParser(recover=True))
    pages = root.iter("{*}page")
    return [[Word(w.text or "", *(float(w.get(k)) for k in ("xMin", "yMin", "xMax", "yMax")))
             for w in page.iter("{*}word")] for page in pages]


def page_lines(data: bytes) -> list[list[str]]:
    """The lines of each page as pypdf extracts them (not collapsed: where a line breaks matters here)."""
    import io

    from pypdf import PdfReader

    return [(page.extract_text() or "").splitlines() for page in PdfReader(io.BytesIO(data)).pages]


@pytest.fixture(scope="module")
def bank() -> model.Bank:
    return load_bank(paths.bank_dir())


def _worksheet(bank: model.Bank, kinds: set[str] | None = None, **recipe_changes) -> bytes:
    """One worksheet of every question of the shipped bank (of ``kinds``), each once."""
    from quizgen.render import render_html
    from quizgen.render.context import worksheet_context
    from quizgen.render.pdf import html_to_pdf

    questions = {qid: q for qid, q in bank.questions.items() if kinds is None or q.kind in kinds}
    sheet = whole_bank(dataclasses.replace(bank, questions=questions), seed=1)
    sheet = dataclasses.replace(sheet, recipe=dataclasses.replace(sheet.recipe, **recipe_changes))
    context = worksheet_context(sheet, sheet.versions[0], link=False)
    return html_to_pdf([render_html("worksheet.html.j2", context)], context["doc"]["stylesheets"])


@pytest.mark.parametrize("settings", [{"paper": "letter"}, {"paper": "letter", "large_print": True}],
                         ids=["letter", "large-print"])
def test_a_number_questions_working_line_stands_clear_of_its_answer_box(bank, tmp_path, settings):
    """"ANSWER [box] WORKING ____": the box is 30 mm wide after a 2.5 mm gap, and "Working" once
    touched its right edge, a little higher than "Answer" (the inline response's margin: 0 overrode
    the working line's margin, and its box sat on another baseline)."""
    pages = page_words(_worksheet(bank, {"numeric"}, **settings), tmp_path)
    pairs = 0
    for words in pages:
        answers = [w for w in words if w.text == "ANSWER"]
        workings = [w for w in words if w.text == "WORKING"]
        assert len(answers) == len(workings)
        for answer, working in zip(answers, workings):
            if working.y0 > answer.y1:  # large print may set the working line on a line of its own
                continue
            pairs += 1
            assert abs(answer.y1 - working.y1) < 0.5, "ANSWER and WORKING are not on one baseline"
            gap = working.x0 - answer.x1
            assert gap >= (2.5 + 30 + 4) * MM - 0.5, f"WORKING is {gap / MM:.1f} mm after ANSWER"
    assert pairs >= 2


def test_matching_prompts_stand_clear_of_the_column_rule(bank, tmp_path):
    """A prompt of the left column once ran up to the dashed rule between the columns
    ("... at Yalta|"): the cell's padding was overridden. The rule is 4 mm left of the letters."""
    pages = page_words(_worksheet(bank, {"matching"}), tmp_path)
    checked = 0
    for words in pages:
        letters = [w for w in words if len(w.text) == 1 and w.text in "ABCDEFGH"]
        # The letters of a table's right column share an x; a bank's letters run across the page.
        columns: dict[int, list[Word]] = {}
        for letter in letters:
            columns.setdefault(round(letter.x0), []).append(letter)
        for x, column in columns.items():
            if x < 200 or "B" not in {w.text for w in column}:  # a column of A's is the right texts' first words
                continue
            rule = column[0].x0 - 4 * MM
            for letter in column:  # the row's first two lines, left of the rule
                left = [w for w in words if w.x0 < rule and letter.y0 - 2 <= w.y0 <= letter.y0 + 14]
                checked += 1
                crowded = [w.text for w in left if w.x1 > rule - 3 * MM]
                assert not crowded, f"page {pages.index(words) + 1}: within 3 mm of the column rule: {crowded}"
    assert checked >= 1


@pytest.fixture(scope="module")
def sampler(tmp_path_factory) -> dict[str, bytes]:
    """The shipped sampler in answer-sheet mode, two versions, one student."""
    out = tmp_path_factory.mktemp("out")
    recipe = load_recipe(None, {"answer_sheet": True, "students": "1", "versions": "2", "per_version_files": False,
                                "output": str(out), "double_sided": False})
    report = build(recipe, paths.bank_dir(), workers=1, write=False)
    return {o.path.name.split("-", 1)[1]: o.data for o in report.outputs}


def test_an_answer_sheets_name_class_and_score_labels_share_a_line(sampler, tmp_path):
    """"Score" once sat 3 mm below "Name" and "Class", its "/ 13" above them: the three cells of the
    line were aligned on their baselines, and only the score's cell has text in line."""
    pages = page_words(sampler["class-pack.pdf"], tmp_path)
    sheets = [words for words in pages if any(w.text == "Score" for w in words)]
    assert sheets
    for words in sheets:
        name, klass, score = (next(w for w in words if w.text == label) for label in ("Name", "Class", "Score"))
        of = next(w for w in words if w.text == "/" and w.x0 > score.x1)
        assert abs(name.y1 - klass.y1) < 0.5 and abs(name.y1 - score.y1) < 0.5, (name, klass, score)
        assert abs(of.y1 - score.y1) < 2.5, (score, of)  # "/" reaches below the baseline


def test_the_keys_asked_at_label_stays_whole(sampler):
    """"ASKED" once ended a line and "AT A2 B · B4 A" began the next."""
    lines = [" ".join(line.split()) for page in page_lines(sampler["answer-key.pdf"]) for line in page]
    assert any("ASKED AT" in line for line in lines)
    assert not [line for line in lines if line.endswith("ASKED") or line.startswith("AT ")]


@pytest.mark.parametrize("paper", ["letter", "a4"])
def test_no_stem_or_hint_leaves_its_last_word_alone_on_a_line(bank, paper):
    """"Fill in one / bubble." (Letter), "Which Gregorian year is / it?" (A4): the last two words
    of what a question says before its answer space stay on one line."""
    from quizgen.render.context import worksheet_context

    data = _worksheet(bank, paper=paper)
    # Each line with the one before it: a last word alone follows the line that ends with the word before it.
    breaks = {(" ".join(prev.split()[-1:]), " ".join(line.split()))
              for page in page_lines(data) for prev, line in zip(page, page[1:])}
    sheet = whole_bank(bank, seed=1)
    sheet = dataclasses.replace(sheet, recipe=dataclasses.replace(sheet.recipe, paper=paper))
    alone = set()  # "one / bubble.": a break one hint or stem may share with others
    for part in worksheet_context(sheet, sheet.versions[0], link=False)["parts"]:
        for item in part["questions"]:
            last = item["hint"] if item["hint"] and not item["inline_response"] else item["stem_lines"][-1]
            words = str(last).split()
            if len(words) >= 2 and (words[-2], words[-1]) in breaks:
                alone.add(f"{words[-2]} / {words[-1]}")
    assert not alone, f"on {paper}, a last word alone on a line: {sorted(alone)}"


def test_the_key_prints_addresses_as_a_browser_shows_them(sampler):
    """A Korean newspaper's address (dongne.donga.com) once printed as four lines of %EC%A4%91…
    escapes across two pages of the key; its Hangul prints now, and the address is a line."""
    import re

    from quizgen.render import readable_url

    text = "".join(pdf_text.replace("\n", "") for pdf_text in
                   ("\n".join(page) for page in page_lines(sampler["answer-key.pdf"])))
    assert "dongne.donga.com" in text
    assert not re.findall(r"(?:%[89A-F][0-9A-F]){2,}", text)
    assert readable_url("http://x.org/a%2Fb%20c%EC%A4%91%FF") == "http://x.org/a%2Fb%20c중%FF"


@pytest.mark.parametrize("paper", ["letter", "a4"])
def test_no_choice_leaves_its_last_word_alone_on_a_line(bank, paper):
    """"…the Korean / War.": a choice that wraps keeps its last two words together, as stems and hints do.

    Each choice is found whole in the page text (any run of spaces or line breaks between its
    words), so the same two words elsewhere on the sheet (a card, an excerpt) do not count."""
    import re

    from quizgen.render.context import worksheet_context

    pages = ["\n".join(lines) for lines in page_lines(_worksheet(bank, paper=paper))]
    sheet = whole_bank(bank, seed=1)
    sheet = dataclasses.replace(sheet, recipe=dataclasses.replace(sheet.recipe, paper=paper))
    alone, found = set(), 0
    for part in worksheet_context(sheet, sheet.versions[0], link=False)["parts"]:
        for item in part["questions"]:
            for choice in item.get("choices") or ():
                words = str(choice["text"]).split()
                pattern = re.compile(r"\s+".join(re.escape(w) for w in words[:-1]) + r"(\s+)" + re.escape(words[-1]))
                match = next((m for page in pages if (m := pattern.search(page))), None) if len(words) > 1 else None
                found += match is not None
                if match and "\n" in match.group(1):
                    alone.add(f"{words[-2]} / {words[-1]}")
    assert found > 50 and not alone, f"on {paper}, a choice's last word alone on a line: {sorted(alone)}"
