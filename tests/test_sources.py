"""Source ingestion: cleaning rules, repair logs, the committed sources, the `sources` commands.

Tests that need the five raw documents find them in tests/projects/raw-sources
(byte-for-byte copies), or where the environment variable QUIZGEN_SHARED_SOURCES
points; the product itself never reads them. Expected counts are computed from the raw files, not written in here.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import re
import shutil
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from quizgen import sources
from quizgen.cli import main
from quizgen.errors import QuizgenError, SourceError

REPO = Path(__file__).resolve().parents[1]
BANK = REPO / "banks"
COMMITTED = BANK / "sources"
SYNTHETIC = Path(__file__).resolve().parent / "projects" / "sources-synthetic"
IDS = ("brochure", "resistance", "naenara", "memoir", "kcna")

HANGUL = re.compile(r"[\u1100-\u11ff\u3130-\u318f\uac00-\ud7a3]")
#: Words and patterns of site chrome that must not survive in any cleaned text.
CHROME_MARKERS = (
    "More From Naenara", "More Articles", "UNITED24", "Weapons of Mass Destruction", "mailing list",
    "GlobalSecurity", "[Reminiscences]", "Copyright", "All rights reserved", "E-mail", "webmaster@",
    "I saw the bright humanity in DPRK",
)
TEASER_DATE = re.compile(r"^\s*(January|February|March|April|May|June|July|August|September|October|November|"
                         r"December) \d{2}, \d{4}\s*$", re.M)


def raw_dir() -> Path:
    """Return the folder of the raw documents, or skip the test."""
    folder = Path(os.environ.get("QUIZGEN_SHARED_SOURCES", REPO / "tests" / "projects" / "raw-sources"))
    if not folder.is_dir():
        pytest.skip(f"raw source documents not found at {folder} (set QUIZGEN_SHARED_SOURCES)")
    return folder


@functools.lru_cache(maxsize=None)
def committed(source_id: str) -> sources.Source:
    return sources.load_source(COMMITTED / f"{source_id}.yaml", f"banks/sources/{source_id}.yaml")


@functools.lru_cache(maxsize=None)
def raw_of(source_id: str) -> bytes:
    path = raw_dir() / committed(source_id).original_file
    if not path.is_file():
        pytest.skip(f"raw document {path} not found")
    return path.read_bytes()


def reingest(source_id: str) -> tuple[sources.Source, str]:
    return sources.ingest(raw_of(source_id), committed(source_id).original_file,
                          **sources.source_meta(committed(source_id)))


def removed_raw_lines(source: sources.Source) -> set[int]:
    """Return the raw line numbers that site-chrome repairs removed."""
    out: set[int] = set()
    for r in source.repairs:
        if r.rule == "site-chrome":
            out |= set(range(r.raw_lines[0], r.raw_lines[1] + 1))
    return out


def article_raw_lines(source_id: str) -> list[str]:
    """Return the raw lines (1-based order) that are not chrome and not blank."""
    gone = removed_raw_lines(committed(source_id))
    text = raw_of(source_id).decode("utf-8")
    return [line for n, line in enumerate(text.split("\n"), 1) if n not in gone and line.strip()]


def by_rule(source: sources.Source, rule: str) -> list:
    return [r for r in source.repairs if r.rule == rule]


# --------------------------------------------------------------------------
# The committed sources


@pytest.mark.parametrize("source_id", IDS)
def test_reingesting_the_raw_document_reproduces_the_committed_files_byte_for_byte(source_id):
    source, text = reingest(source_id)
    assert text == (COMMITTED / f"{source_id}.txt").read_text(encoding="utf-8")
    assert sources.dump_source(source, text) == (COMMITTED / f"{source_id}.yaml").read_text(encoding="utf-8")


@pytest.mark.parametrize("source_id", IDS)
def test_raw_sha256_is_recorded_and_matches(source_id):
    raw = raw_of(source_id)
    source = committed(source_id)
    assert source.sha256 == hashlib.sha256(raw).hexdigest()
    assert sources.verify_raw(source, raw)
    assert not sources.verify_raw(source, raw + b" ")


@pytest.mark.parametrize("source_id", IDS)
def test_committed_text_is_one_paragraph_per_line(source_id):
    data = (COMMITTED / f"{source_id}.txt").read_bytes()
    text = data.decode("utf-8")
    assert text.endswith("\n") and "\r" not in text
    lines = text[:-1].split("\n")
    assert all(line and line == line.strip() for line in lines)
    assert "  " not in text and "\u00a0" not in text and "\t" not in text
    source = committed(source_id)
    assert source.lines == tuple(lines)
    assert source.id == source_id
    assert all(r.line is None or 1 <= r.line <= len(lines) for r in source.repairs)


@pytest.mark.parametrize("source_id", IDS)
def test_line_numbers_are_stable(source_id):
    first, _ = reingest(source_id)
    second, _ = reingest(source_id)
    assert first.lines == second.lines == committed(source_id).lines
    assert first.repairs == second.repairs


@pytest.mark.parametrize("source_id", IDS)
def test_no_site_chrome_survives(source_id):
    text = (COMMITTED / f"{source_id}.txt").read_text(encoding="utf-8")
    for marker in CHROME_MARKERS:
        assert marker not in text, marker
    assert not TEASER_DATE.search(text)
    # None of the five article bodies has Hangul: any Hangul line was chrome.
    assert not HANGUL.search(text)


@pytest.mark.parametrize("source_id", IDS)
def test_every_raw_hangul_line_was_removed_as_chrome(source_id):
    # The memoir's page is full of Korean chrome; verify that every raw line
    # with Hangul lies inside a logged site-chrome removal, i.e. that the
    # body itself legitimately has none (and nothing Korean was dropped
    # silently).
    gone = removed_raw_lines(committed(source_id))
    raw_lines = raw_of(source_id).decode("utf-8").split("\n")
    hangul = [n for n, line in enumerate(raw_lines, 1) if HANGUL.search(line)]
    assert set(hangul) <= gone
    if source_id == "memoir":
        assert hangul  # the raw page does have Korean chrome


@pytest.mark.parametrize("source_id", IDS)
def test_cleaning_changes_no_words_except_the_logged_lost_f(source_id):
    # "Never improve wording": apart from chrome, the article's words are
    # exactly the raw ones, in order, except each logged 'rom' -> 'from'.
    raw = re.findall(r"\w+", "\n".join(article_raw_lines(source_id)))
    clean = re.findall(r"\w+", (COMMITTED / f"{source_id}.txt").read_text(encoding="utf-8"))
    assert len(raw) == len(clean)
    changes = [(a, b) for a, b in zip(raw, clean) if a != b]
    assert set(changes) <= {("rom", "from")}
    assert len(changes) == len(by_rule(committed(source_id), "lost-f"))


@pytest.mark.parametrize("source_id", IDS)
def test_cleaning_changes_no_character_but_whitespace_and_the_logged_repairs(source_id):
    # Words alone would miss a dropped quote mark or full stop: compare every
    # character but whitespace, after undoing the two logged repairs that touch
    # one (a stray backslash before a word; a lost 'f' in 'from').
    source = committed(source_id)
    gone = removed_raw_lines(source)
    with_backslash = {n for n, line in enumerate(raw_of(source_id).decode("utf-8").split("\n"), 1)
                      if "\\" in line and n not in gone}
    logged = {n for r in by_rule(source, "backslash-word") for n in range(r.raw_lines[0], r.raw_lines[1] + 1)}
    assert with_backslash <= logged, sorted(with_backslash - logged)
    raw = "\n".join(article_raw_lines(source_id))
    raw = re.sub(r"\brom\b", "from", raw.replace("\\", " "))
    clean = (COMMITTED / f"{source_id}.txt").read_text(encoding="utf-8")
    assert "".join(raw.split()) == "".join(clean.split())


def test_texts_without_damage_are_their_raw_lines_unchanged():
    # resistance and kcna only lose chrome and blank lines.
    for source_id in ("resistance", "kcna"):
        assert list(committed(source_id).lines) == article_raw_lines(source_id)
        assert {r.rule for r in committed(source_id).repairs} <= {"site-chrome", "blank-lines"}


# --------------------------------------------------------------------------
# Each repair rule is logged


def test_backslash_repairs_add_up_to_the_backslashes_in_the_raw_memoir():
    raw_text = raw_of("memoir").decode("utf-8")
    expected = Counter(m.group(1) for m in re.finditer(r"\\([A-Za-z]+)", raw_text))
    assert sum(expected.values()) > 0
    logged: Counter = Counter()
    repairs = by_rule(committed("memoir"), "backslash-word")
    for r in repairs:
        total = int(re.match(r"(\d+) backslash", r.reason).group(1))
        words = Counter({w: int(n) for w, n in re.findall(r"\\(\w+) ×(\d+)", r.reason)})
        assert sum(words.values()) == total
        logged += words
    assert logged == expected
    # One repair per cleaned line, and none left in the text.
    assert len({r.line for r in repairs}) == len(repairs)
    assert "\\" not in "\n".join(committed("memoir").lines)


def test_backslash_repair_keeps_capitalisation_and_says_so():
    memoir = committed("memoir")
    text = "\n".join(memoir.lines)
    assert "Soviet union" in text and "Soviet Union" not in text
    first = next(r for r in by_rule(memoir, "backslash-word") if "union" in r.before)
    assert "Soviet\\union" in first.before and "Soviet union" in first.after
    assert "'Soviet\\union' becomes 'Soviet union', not 'Soviet Union'" in first.reason
    # ",\and" loses the backslash and keeps the comma and one space.
    assert "Hungary, and were" in text


def test_each_lost_f_is_logged_once():
    raw_text = raw_of("memoir").decode("utf-8")
    whole_word_rom = re.compile(r"(?<![\w’'\-])rom(?![\w’'\-])")
    expected = len(whole_word_rom.findall(raw_text))
    assert expected > 0
    repairs = by_rule(committed("memoir"), "lost-f")
    assert len(repairs) == expected
    assert all(" rom" in r.before and " from" in r.after for r in repairs)
    assert not whole_word_rom.search("\n".join(committed("memoir").lines))


def test_hard_line_breaks_rebuild_paragraphs_and_keep_headings():
    brochure = committed("brochure")
    joined_raw = 0
    for r in by_rule(brochure, "hard-line-break"):
        numbers = [int(n) for n in re.search(r"raw lines ([\d, ]+) by", r.reason).group(1).split(", ")]
        joins = int(re.search(r"(\d+) breaks? joined", r.reason).group(1))
        assert joins == len(numbers) - 1 and numbers[0] == r.raw_lines[0] and numbers[-1] == r.raw_lines[1]
        joined_raw += joins
    # Every kept raw line is either a paragraph of its own or joined to one.
    assert len(article_raw_lines("brochure")) == len(brochure.lines) + joined_raw
    for heading in ("Crossing the Amnok River", "Lighting the Torch for National Rebirth",
                    "Operation for Final Offensive for Liberation"):
        assert heading in brochure.lines
    assert brochure.lines[0] == "Liberation of Korea and President Kim Il Sung"
    assert all(line.endswith((".", "”", ":")) for line in brochure.lines if len(line) > 80)
    # The memoir has one paragraph broken mid-sentence by the page.
    memoir = committed("memoir")
    (repair,) = by_rule(memoir, "hard-line-break")
    assert "Soviet Far East Front Forces on several occasions" in memoir.lines[repair.line - 1]


def test_whitespace_repairs_are_logged():
    memoir = committed("memoir")
    raw_text = raw_of("memoir").decode("utf-8")
    gone = removed_raw_lines(memoir)
    raw_lines = raw_text.split("\n")
    nbsp_in_article = sum(line.strip().count("\u00a0") for n, line in enumerate(raw_lines, 1) if n not in gone)
    odd = by_rule(memoir, "odd-whitespace")
    assert sum(int(re.match(r"(\d+) odd", r.reason).group(1)) for r in odd) == nbsp_in_article
    assert "Later I met him on several occasions, deepening our friendship." in memoir.lines
    (extra,) = by_rule(memoir, "extra-spaces")
    assert extra.before.startswith("Later  I  met")
    # Edge spaces: the brochure's PDF lines end in spaces.
    assert by_rule(committed("brochure"), "edge-spaces")
    blank = by_rule(committed("brochure"), "blank-lines")
    assert len(blank) == 1 and blank[0].line is None


def test_space_before_punctuation_is_repaired_and_quoted_times_are_left_alone():
    naenara = committed("naenara")
    raw_text = "\n".join(article_raw_lines("naenara"))
    expected = len(re.findall(r"(?<=\w) (?=[,.;:!?](?:\s|$))", raw_text, re.M))
    assert expected > 0 and len(by_rule(naenara, "space-before-punctuation")) == expected
    text = "\n".join(naenara.lines)
    assert "Kim Il Sung ," not in text and "Kim Il Sung, who embarked" in text
    assert "With the Century: If I had thought" in text
    # The memoir's quotation of a Japanese record keeps its "11: 50 pm".
    assert any(line.startswith("“At 11: 50 pm on August 8") for line in committed("memoir").lines)


def test_chrome_removals_are_logged_with_their_raw_lines():
    naenara = committed("naenara")
    (footer,) = by_rule(naenara, "site-chrome")
    raw_lines = raw_of("naenara").decode("utf-8").split("\n")
    start = next(n for n, line in enumerate(raw_lines, 1) if line.startswith("More From Naenara"))
    assert footer.raw_lines == (start, len(raw_lines)) and footer.line is None
    kcna = committed("kcna")
    assert [r.before for r in by_rule(kcna, "site-chrome")] == [
        "UNITED24 - Make a charitable donation in support of Ukraine!",
        "Weapons of Mass Destruction (WMD)",
        "Join the GlobalSecurity.org mailing list",
    ]
    memoir = committed("memoir")
    befores = [r.before for r in by_rule(memoir, "site-chrome")]
    assert "본문 바로가기" in befores and "페이지 정보" in befores and "추천 0" in befores
    assert memoir.lines[0] == "7. The Final Campaign"


# --------------------------------------------------------------------------
# Metadata


def test_metadata_is_read_off_the_chrome_when_not_given():
    memoir, _ = sources.ingest(raw_of("memoir"), "page.txt", id="memoir")
    assert memoir.dates.published.startswith("2020-10-11 19:44")
    assert "편집국" in memoir.dates.notes
    assert memoir.title == "[Reminiscences]Chapter 24 7. The Final Campaign"
    assert "2024" in memoir.dates.captured
    naenara, _ = sources.ingest(raw_of("naenara"), "page.txt", id="naenara")
    assert naenara.dates.captured.startswith("not before 2025-11-04")
    assert naenara.dates.published.startswith("unknown")


def test_committed_metadata_states_known_and_unknown_dates():
    memoir = committed("memoir")
    assert "1998" in memoir.dates.published and "2020-10-11" in memoir.dates.published
    assert memoir.kind == "memoir (reposted)"
    kcna = committed("kcna")
    assert kcna.dates.published.startswith("2010-09-14") and "inferred" in kcna.dates.published
    naenara = committed("naenara")
    assert naenara.dates.published.startswith("unknown") and "2025-11" in naenara.dates.captured
    for source_id in IDS:
        source = committed(source_id)
        assert source.language == "en" and source.original_file.endswith(".txt")
        assert all([source.title, source.outlet, source.publisher, source.kind, source.origin])


# --------------------------------------------------------------------------
# New documents with the same kind of debris


def test_a_new_text_document_with_similar_debris_is_cleaned_by_the_same_rules():
    source, text = sources.ingest((SYNTHETIC / "new_document.txt").read_bytes(), "new_document.txt")
    assert text.split("\n")[:-1] == [
        "The River Crossing",
        "In the spring of 1931 the guerrillas marched north and east, away from the border villages, carrying "
        "food and arms for the long winter ahead.",
        "The Second March",
        "Later I met the commander of the Soviet union forces, who came from Khabarovsk with his staff. He said, "
        '"We expect a great deal from you."',
    ]
    counts = Counter(r.rule for r in source.repairs)
    assert counts == {"site-chrome": 3, "blank-lines": 1, "edge-spaces": 2, "hard-line-break": 2,
                      "backslash-word": 2, "lost-f": 3, "extra-spaces": 1, "space-before-punctuation": 1}
    assert source.id == "new-document" and source.title == "The River Crossing"
    assert source.dates.captured.startswith("not before 2024-03-03")


def test_an_html_document_is_cleaned_by_the_same_rules():
    raw = (SYNTHETIC / "page.html").read_bytes()
    source, text = sources.ingest(raw, "page.html", id="page")
    assert source.lines == (
        "The Final March",
        "In August 1945 the units crossed the Tuman and advanced into the homeland, striking the enemy from all "
        "quarters.",
        "The commander said: We are old comrades-in-arms.",
        "Later I met him again in Pyongyang.",
    )
    assert source.title == "The Final March – Example Portal"
    chrome = by_rule(source, "site-chrome")
    assert [r.before.split()[0] for r in chrome] == ["<nav>", "<aside>", "<footer>"]
    assert "not text" not in text and "color" not in text
    counts = Counter(r.rule for r in source.repairs)
    assert counts["backslash-word"] == 1 and counts["lost-f"] == 1 and counts["odd-whitespace"] == 2
    (join,) = by_rule(source, "hard-line-break")  # the <br> inside one paragraph
    assert join.line == 4
    # raw_lines point at the HTML source lines.
    (lost,) = by_rule(source, "lost-f")
    html_lines = raw.decode("utf-8").split("\n")
    first, last = lost.raw_lines
    assert "rom all quarters" in " ".join(html_lines[first - 1 : last]), (first, last)


def test_html_paragraphs_are_never_joined_across_blocks():
    raw = b"<html><body><h2>A heading</h2><p>first paragraph without a stop</p><p>second one.</p></body></html>"
    source, _ = sources.ingest(raw, "x.html")
    assert source.lines == ("A heading", "first paragraph without a stop", "second one.")


def test_a_trailing_run_of_short_non_article_lines_is_removed_as_a_sidebar():
    article = "The main text of the article ends with a full sentence.\n"
    sidebar = "Latest news\n잊지 못할 추억과 격정을 안겨주는 2월\nAnother headline here\nOne more headline\n"
    source, text = sources.ingest((article + "\n" + sidebar).encode(), "x.txt")
    assert text == article
    (chrome,) = by_rule(source, "site-chrome")
    assert chrome.raw_lines == (3, 6) and "run of short non-article lines" in chrome.reason
    # Two short lines are not a run: an article may end on a short line.
    source, text = sources.ingest((article + "Pyongyang\nThe editors\n").encode(), "x.txt")
    assert text.count("\n") == 3


def test_a_title_line_is_chrome_only_when_the_page_repeats_it():
    echoed = "Story > 게시판\n게시판\nStory\nThe article text begins here.\n".encode()
    source, text = sources.ingest(echoed, "x.txt")
    assert text == "The article text begins here.\n"
    plain = b"Rates > inflation\nThe article text begins here.\n"
    source, text = sources.ingest(plain, "x.txt")
    assert text.startswith("Rates > inflation\n")


@pytest.mark.parametrize(
    ("raw", "filename", "expected"),
    [
        (b"caf\xe9 text\n", "x.txt", "x.txt:1: not utf-8 text (byte 0xe9); save the file as UTF-8"),
        (b"one\ntwo\x00\n", "x.txt", "x.txt:2: file contains NUL bytes; is it a binary file?"),
        (b"text\n", "x.pdf", "x.pdf: expected a .txt or .html file, found '.pdf'"),
        (b"\n\nMore From Naenara (En)\n", "x.txt",
         "x.txt: no article text left once the site chrome and blank lines are removed"),
        (b"text\n", "Bad Name.txt",
         "Bad Name.txt: field 'id': id 'bad-name' is not lower-case words joined by hyphens (e.g. 'memoir')"),
    ],
)
def test_ingest_errors_are_one_clear_line(raw, filename, expected):
    if filename == "Bad Name.txt":
        with pytest.raises(SourceError) as info:
            sources.ingest(raw, filename, id="Bad Name")
        expected = expected.replace("'bad-name'", "'Bad Name'")
    else:
        with pytest.raises(SourceError) as info:
            sources.ingest(raw, filename)
    assert info.value.lines() == [expected]


# --------------------------------------------------------------------------
# load_source: errors name file, line and field


@pytest.fixture
def bank_copy(tmp_path):
    folder = tmp_path / "bank" / "sources"
    folder.mkdir(parents=True)
    for suffix in (".yaml", ".txt"):
        shutil.copy(COMMITTED / f"naenara{suffix}", folder)
    return folder


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _line_of(path: Path, start: str) -> int:
    return next(n for n, line in enumerate(path.read_text(encoding="utf-8").split("\n"), 1) if line.startswith(start))


def _load_error(path: Path) -> list[str]:
    with pytest.raises(QuizgenError) as info:
        sources.load_source(path, "naenara.yaml")
    return info.value.lines()


def test_load_source_reports_unknown_and_missing_fields(bank_copy):
    path = bank_copy / "naenara.yaml"
    _edit(path, "outlet:", "outlett:")
    line = _line_of(path, "outlett:")
    assert _load_error(path) == [
        f"naenara.yaml:{line}: field 'outlett': unknown field; expected one of: id, title, outlet, publisher, kind, "
        "language, origin, original_file, sha256, text, text_sha256, dates, notes, repairs",
        "naenara.yaml:5: required field 'outlet' is missing",
        "2 errors in naenara.yaml",
    ]


def test_load_source_detects_an_edited_text(bank_copy):
    path = bank_copy / "naenara.yaml"
    _edit(bank_copy / "naenara.txt", "harshest", "hardest")
    (line,) = _load_error(path)
    assert line.startswith(f"naenara.yaml:{_line_of(path, 'text_sha256:')}: field 'text_sha256': does not match "
                           "'naenara.txt' (its sha256 is ")
    assert line.endswith("the text was changed after ingestion; re-ingest the raw file so the repair log matches")


def test_load_source_checks_the_sha256_and_the_repairs(bank_copy):
    path = bank_copy / "naenara.yaml"
    _edit(path, "sha256: 12e79f", "sha256: XYZ")
    _edit(path, "rule: space-before-punctuation", "rule: tidy-up")
    _edit(path, "  line: 2\n", "  line: 99\n")
    lines = _load_error(path)
    assert lines[0].startswith(f"naenara.yaml:{_line_of(path, 'sha256:')}: field 'sha256': expected 64 lower-case "
                               "hexadecimal digits, found 'XYZ")
    assert lines[1].startswith(f"naenara.yaml:{_line_of(path, '- rule: tidy-up')}: field 'repairs[1].rule': "
                               "unknown rule 'tidy-up'; expected one of: site-chrome,")
    assert lines[2] == f"naenara.yaml:{_line_of(path, '  line: 99')}: field 'repairs[1].line': line 99 is past the " \
                       "end of the text (13 lines)"
    assert lines[3] == "3 errors in naenara.yaml"


def test_load_source_reports_a_missing_text_file_and_a_wrong_id(bank_copy):
    path = bank_copy / "naenara.yaml"
    (bank_copy / "naenara.txt").unlink()
    _edit(path, "id: naenara", "id: other")
    assert _load_error(path) == [
        "naenara.yaml:5: field 'id': 'other' does not match the file name 'naenara.yaml'",
        f"naenara.yaml:{_line_of(path, 'text:')}: field 'text': cannot open 'naenara.txt': No such file or directory",
        "2 errors in naenara.yaml",
    ]


# --------------------------------------------------------------------------
# The CLI


@pytest.fixture
def runner():
    return CliRunner()


def _stderr_lines(result) -> list[str]:
    return [line for line in result.stderr.split("\n") if line]


def test_cli_ingest_writes_text_and_yaml_and_refuses_to_overwrite(runner, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    shutil.copy(SYNTHETIC / "new_document.txt", tmp_path / "doc.txt")
    result = runner.invoke(main, ["sources", "ingest", "doc.txt", "--id", "march", "--title", "The March",
                                  "--kind", "test document", "--bank", "bank"])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("wrote bank/sources/march.txt (4 lines) and bank/sources/march.yaml (repairs: ")
    written = sources.load_source(tmp_path / "bank" / "sources" / "march.yaml")
    assert written.title == "The March" and written.kind == "test document" and len(written.lines) == 4
    before = {p.name: p.read_bytes() for p in (tmp_path / "bank" / "sources").iterdir()}

    result = runner.invoke(main, ["sources", "ingest", "doc.txt", "--id", "march", "--bank", "bank"])
    assert result.exit_code == 1
    assert _stderr_lines(result) == [
        "bank/sources/march.yaml: field 'id': source 'march' already exists; use --force to replace it"]
    assert {p.name: p.read_bytes() for p in (tmp_path / "bank" / "sources").iterdir()} == before

    # --force re-ingests and keeps the metadata that is not given again.
    result = runner.invoke(main, ["sources", "ingest", "doc.txt", "--id", "march", "--force", "--bank", "bank",
                                  "--outlet", "Example"])
    assert result.exit_code == 0, result.stderr
    again = sources.load_source(tmp_path / "bank" / "sources" / "march.yaml")
    assert again.title == "The March" and again.kind == "test document" and again.outlet == "Example"
    assert sorted(p.name for p in (tmp_path / "bank" / "sources").iterdir()) == ["march.txt", "march.yaml"]


@pytest.mark.parametrize(
    ("content", "name", "expected"),
    [
        (b"\xff\xfe bad", "bad.txt", "bad.txt:1: not utf-8 text (byte 0xff); save the file as UTF-8"),
        (None, "missing.txt", "missing.txt: cannot open: No such file or directory"),
        (b"%PDF-1.4", "doc.pdf", "doc.pdf: expected a .txt or .html file, found '.pdf'"),
    ],
)
def test_cli_ingest_of_a_bad_file_prints_one_line_and_writes_nothing(runner, tmp_path, monkeypatch,
                                                                      content, name, expected):
    monkeypatch.chdir(tmp_path)
    if content is not None:
        (tmp_path / name).write_bytes(content)
    result = runner.invoke(main, ["sources", "ingest", name, "--bank", "bank"])
    assert result.exit_code == 1
    assert _stderr_lines(result) == [expected]
    assert "Traceback" not in result.output
    assert not (tmp_path / "bank").exists()


def test_cli_ingest_of_html(runner, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    shutil.copy(SYNTHETIC / "page.html", tmp_path)
    result = runner.invoke(main, ["sources", "ingest", "page.html", "--bank", "bank"])
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "bank" / "sources" / "page.txt").read_text(encoding="utf-8").startswith("The Final March\n")


def test_a_failed_write_leaves_nothing_behind(tmp_path, monkeypatch):
    source, text = sources.ingest((SYNTHETIC / "new_document.txt").read_bytes(), "doc.txt", id="doc")
    real_replace = os.replace
    calls = []

    def failing_replace(src, dst):
        calls.append(dst)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", failing_replace)
    with pytest.raises(SourceError) as info:
        sources.write_source(tmp_path / "bank", source, text)
    assert info.value.lines()[0].endswith("cannot write: No space left on device")
    assert list((tmp_path / "bank" / "sources").iterdir()) == []


def test_cli_list_shows_the_shipped_sources(runner):
    result = runner.invoke(main, ["sources", "list"])
    assert result.exit_code == 0, result.stderr
    rows = result.stdout.split("\n")
    assert rows[0].split() == ["id", "lines", "repairs", "kind", "/", "title"]
    assert [row.split()[0] for row in rows[1:] if row] == list(IDS)
    result = runner.invoke(main, ["sources", "list", "--json"])
    data = json.loads(result.stdout)
    assert [d["id"] for d in data] == list(IDS)
    memoir = next(d for d in data if d["id"] == "memoir")
    assert memoir["lines"] == len(committed("memoir").lines)
    assert memoir["repairs"]["lost-f"] == len(by_rule(committed("memoir"), "lost-f"))


def test_cli_show_prints_numbered_lines_and_their_repairs(runner):
    memoir = committed("memoir")
    line = next(r.line for r in memoir.repairs if r.rule == "lost-f")
    result = runner.invoke(main, ["sources", "show", "memoir", "--lines", f"{line}-{line + 1}"])
    assert result.exit_code == 0, result.stderr
    out = result.stdout.split("\n")
    assert out[0] == f"memoir: {memoir.title}"
    assert f"{line}  {memoir.lines[line - 1]}" in out
    assert f"{line + 1}  {memoir.lines[line]}" in out
    assert f"{line - 1}  {memoir.lines[line - 2]}" not in out
    assert any(row.startswith(f"  line {line} (raw ") and " lost-f: " in row for row in out)
    assert not any(row.startswith("  removed") for row in out)  # chrome only with the whole text
    whole = runner.invoke(main, ["sources", "show", "kcna"])
    assert whole.exit_code == 0 and "  removed (raw 1) site-chrome: 'UNITED24" in whole.stdout


@pytest.mark.parametrize(
    ("args", "code", "expected"),
    [
        (["sources", "show", "nosuch"], 1,
         "no source 'nosuch'; known sources: brochure, kcna, memoir, naenara, resistance"),
        (["sources", "show", "kcna", "--lines", "25-40"], 1, "kcna: field '--lines': lines 25-40 are outside the "
                                                             "text (lines 1-30)"),
        (["sources", "show", "kcna", "--lines", "a-b"], 2, "expected a line or a range such as 12 or 12-20"),
        (["sources", "show", "kcna", "--lines", "14-10"], 1, "kcna: field '--lines': lines 14-10 run backwards; did you mean 10-14?"),
    ],
)
def test_cli_show_errors(runner, args, code, expected):
    result = runner.invoke(main, args)
    assert result.exit_code == code
    assert expected in result.stderr
    if code == 1:
        assert len(_stderr_lines(result)) == 1


def test_hyphens_and_dashes_at_a_line_break():
    raw = b"It crossed the Korean-\nChinese border, said the (KCNA) --\nUpon arrival it rested.\n"
    source, text = sources.ingest(raw, "x.txt")
    assert text == "It crossed the Korean-Chinese border, said the (KCNA) -- Upon arrival it rested.\n"
    (join,) = by_rule(source, "hard-line-break")
    assert "after a hyphen ending a line (1)" in join.reason and join.raw_lines == (1, 3)


def test_committed_dates_agree_with_what_the_chrome_says():
    # The committed metadata was written by hand; it must not contradict the
    # facts ingestion reads off the removed chrome.
    for source_id in IDS:
        derived, _ = sources.ingest(raw_of(source_id), committed(source_id).original_file, id=source_id)
        mine = committed(source_id).dates
        posted = re.match(r"(\d{4}-\d{2}-\d{2})", derived.dates.published)
        if posted:
            assert posted.group(1) in mine.published
        bound = re.match(r"not before (\d{4}-\d{2})", derived.dates.captured)
        if bound:
            assert bound.group(1) in mine.captured
        if derived.dates.captured == "unknown":
            assert mine.captured == "unknown"


def test_cli_ingest_passes_its_options_to_the_library(runner, tmp_path, monkeypatch):
    # Wiring only: the command parses options and calls sources.ingest_file
    # and sources.write_source, nothing more.
    from unittest import mock

    fake, text = sources.ingest(b"Some text.\n", "doc.txt", id="doc")
    with mock.patch.object(sources, "ingest_file", autospec=True, return_value=(fake, text)) as ingest_file, \
            mock.patch.object(sources, "write_source", autospec=True,
                              return_value=(tmp_path / "doc.txt", tmp_path / "doc.yaml")) as write_source:
        result = runner.invoke(main, ["sources", "ingest", "raw.html", "--id", "doc", "--title", "T", "--kind", "K",
                                      "--published", "1998", "--force", "--bank", str(tmp_path)])
    assert result.exit_code == 0, result.stderr
    ingest_file.assert_called_once_with(
        Path("raw.html"), tmp_path, force=True, id="doc", title="T", outlet=None, publisher=None, kind="K",
        language=None, origin=None, published="1998", captured=None, events=None, date_notes=None, notes=None)
    write_source.assert_called_once_with(tmp_path, fake, text)


def test_html_pre_keeps_its_lines_for_the_join_rule():
    raw = (b"<html><body>\n<pre>Crossing the River\n\nIn 1925 a boy stood at a ferry on the river that flows\n"
           b"along the border.</pre>\n</body></html>\n")
    source, text = sources.ingest(raw, "x.html")
    assert text == "Crossing the River\nIn 1925 a boy stood at a ferry on the river that flows along the border.\n"
    (join,) = by_rule(source, "hard-line-break")
    assert join.raw_lines == (4, 5)


# --------------------------------------------------------------------------
# The declared schema of a source record


def _bank_schema(runner) -> dict:
    result = runner.invoke(main, ["bank", "schema"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_bank_schema_declares_the_source_record_and_every_shipped_record_fits_it(runner):
    import jsonschema
    import yaml

    schema = _bank_schema(runner)
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    for path in sorted(COMMITTED.glob("*.yaml")):
        record = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert list(validator.iter_errors(record)) == [], path.name
    record = yaml.safe_load((COMMITTED / "naenara.yaml").read_text(encoding="utf-8"))
    for broken in ({**record, "outlett": "x"}, {**record, "sha256": "XYZ"},
                   {**record, "repairs": [{**record["repairs"][0], "rule": "tidy-up"}]},
                   {k: v for k, v in record.items() if k != "dates"}):
        assert not validator.is_valid(broken)


def test_the_loader_and_the_schema_name_the_same_fields(runner, bank_copy):
    """The loader's 'expected one of' list is the schema's properties, in the same order."""
    properties = next(s for s in _bank_schema(runner)["oneOf"] if "repairs" in s.get("properties", {}))["properties"]
    path = bank_copy / "naenara.yaml"
    _edit(path, "outlet:", "outlett:")
    first = _load_error(path)[0]
    assert first.split("expected one of: ")[1] == ", ".join(properties)


# --------------------------------------------------------------------------
# Invisible characters: repaired and logged as what was done, or refused


def test_a_zero_width_space_between_words_becomes_a_space_and_the_log_says_so():
    raw = "The Final March\nThe columns\u200bcrossed the river \u200b at dawn; a soft\u00adhyphen and a word\u2060joiner.\n"
    source, text = sources.ingest(raw.encode(), "doc.txt")
    assert text.split("\n")[1] == "The columns crossed the river at dawn; a softhyphen and a wordjoiner."
    (odd,) = by_rule(source, "odd-whitespace")
    assert odd.reason.startswith("1 odd space character ([U+200B] zero width space between two words ×1) replaced "
                                 "by plain spaces")
    (gone,) = by_rule(source, "invisible-characters")
    assert gone.reason.startswith("3 invisible characters ([U+00AD] soft hyphen ×1, [U+200B] zero width space ×1, "
                                  "[U+2060] word joiner ×1) deleted")
    assert "[U+00AD]" in gone.before and "[U+00AD]" not in gone.after
    # What the log says is what happened: the record loads back and its text is the one returned.
    assert sources.check_record(Path("doc.yaml"), sources.dump_source(source, text).encode(), text.encode()).lines \
        == source.lines


@pytest.mark.parametrize(("character", "name"), [
    ("\u202e", "U+202E RIGHT-TO-LEFT OVERRIDE is a bidirectional control"),
    ("\u061c", "U+061C ARABIC LETTER MARK is a bidirectional control"),
    ("\x1b", "U+001B ESCAPE is a control character"),
    ("\u2028", "U+2028 LINE SEPARATOR is an invisible line break"),
    ("\U000e0001", "U+E0001 LANGUAGE TAG is an invisible format character"),
])
def test_ingest_refuses_a_hidden_character_it_cannot_repair_naming_line_column_and_name(character, name):
    with pytest.raises(SourceError) as info:
        sources.ingest(f"The Final March\nThe col{character}umns crossed.\n".encode(), "doc.txt")
    (line,) = info.value.lines()
    assert line.startswith(f"doc.txt:2:8: {name}")
    assert line.endswith("; remove it from the file and ingest it again")


def test_a_zero_width_joiner_in_hangul_stays_as_written():
    source, text = sources.ingest("The Final March\n세기와 더\u200d불어 is the memoir's title.\n".encode(), "doc.txt")
    assert "더\u200d불어" in text and not by_rule(source, "invisible-characters")
