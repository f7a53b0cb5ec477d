"""Time PDF building against auto-multiple-choice and raw WeasyPrint; print seconds, pages and ratios from one run.

    python benchmarks/bench_pdf.py [--bank DIR] [--repeat 3] [--keep DIR]

Cases, each timed as a cold command (a fresh process, as a teacher runs it):

  (a) one version + answer key            `quizgen build --versions 1`
  (b) class pack of 30 versions + key     `quizgen build --versions 30`
  (c) answer-sheet mode, 30 versions, 30 students
                                          `quizgen build --versions 30 --answer-sheet --students 30`
  (d) answer-sheet mode, the sampler's 2 versions, 30 students (quizgen only: AMC
      has no way to print a version's questions once for several students)

Each is set beside:

  AMC   `auto-multiple-choice prepare --mode s` (question papers and its
        solution file) on the same work written from the same assembled
        worksheet: every version's own questions in the same order, the
        same stems, excerpts with their line numbers, outside-source cards,
        choices in the printed order, and answer spaces of the same size
        (`\\AMCOpen` with as many 9 mm lines as the worksheet prints); one
        copy per version (1 for (a), 30 for (b)), and for (c) the same 30
        copies with AMC's separate answer sheet. Debian package
        `auto-multiple-choice`; skipped if missing.
  raw   WeasyPrint alone rendering the very HTML quizgen renders for (a) and
        (b) (one process, one document after another, stylesheets linked):
        what quizgen costs over the engine it drives.

It also times `quizgen --help`, and counts the pages of every PDF each side
writes (per copy for AMC, per version for quizgen). Medians of --repeat
rounds, each running every case once (interleaved, so drift in machine
speed hits all cases alike). --keep DIR keeps the PDFs and the AMC
sources, to look at. Not part of the test run.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from quizgen import model, paths  # noqa: E402

#: The worksheet's write-on line spacing (worksheet.css, .answer-line), given to \AMCOpen.
LINE_HEIGHT = "9mm"


def run_once(command: list[str], before=None, **kw) -> float:
    """Return the wall time of one run of ``command`` (``before()`` is called first, untimed)."""
    if before:
        before()
    started = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **kw)
    return time.perf_counter() - started


def interleaved(cases: dict[str, tuple], repeat: int) -> dict[str, float]:
    """Run every case once per round, ``repeat`` rounds; return each case's median.

    Rounds, not blocks: this machine's speed drifts by 10–20 % over minutes,
    and a drift then slows every case of a round alike instead of whichever
    case happened to run during it.
    """
    times: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(repeat):
        for name, (command, before, kw) in cases.items():
            times[name].append(run_once(command, before, **kw))
    return {name: statistics.median(t) for name, t in times.items()}


def quizgen_cmd() -> list[str]:
    exe = Path(sys.executable).parent / "quizgen"
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "quizgen"]


def worksheet(bank_dir: Path, versions: int) -> model.Worksheet:
    """Return the default recipe's worksheet in ``versions`` versions, as `quizgen build` assembles it."""
    from quizgen.assemble import make_worksheet
    from quizgen.bank import load_bank
    from quizgen.recipe import load_recipe

    recipe = load_recipe(paths.default_recipe(), {"versions": str(versions)})
    return make_worksheet(load_bank(bank_dir), recipe)


# --------------------------------------------------------------------------
# The same HTML quizgen renders, for raw WeasyPrint


def write_html(bank_dir: Path, versions: int, folder: Path) -> list[Path]:
    """Write the worksheet and key HTML quizgen renders for ``versions`` (stylesheets linked)."""
    from quizgen.render import render_html
    from quizgen.render.context import answer_key_contexts, worksheet_context

    sheet = worksheet(bank_dir, versions)
    files = []
    for version in sheet.versions:
        path = folder / f"worksheet-{version.letter}.html"
        path.write_text(render_html("worksheet.html.j2", worksheet_context(sheet, version)), encoding="utf-8")
        files.append(path)
    for i, ctx in enumerate(answer_key_contexts(sheet)):
        path = folder / f"key-{i:02d}.html"
        path.write_text(render_html("answer_key.html.j2", ctx), encoding="utf-8")
        files.append(path)
    return files


RAW_SCRIPT = textwrap.dedent("""
    import sys
    from pathlib import Path
    import weasyprint
    templates, out = sys.argv[1], Path(sys.argv[2])
    base = Path(templates).as_uri() + "/"
    for p in [Path(p) for p in sys.argv[3:]]:
        weasyprint.HTML(string=p.read_text(), base_url=base).write_pdf(out / (p.stem + ".pdf"))
""")


# --------------------------------------------------------------------------
# The same paper for auto-multiple-choice, written from what the worksheet prints


_TEX = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "$": r"\$", "&": r"\&", "#": r"\#", "^": r"\^{}",
        "_": r"\_", "%": r"\%", "~": r"\~{}", "<": r"\textless{}", ">": r"\textgreater{}"}


def tex(text: str) -> str:
    """Escape text for pdfLaTeX; characters it cannot set (Hangul, 《》) become '?'."""
    out = "".join(_TEX.get(ch, ch) for ch in text)
    out = out.replace("\n", r"\newline{}")
    return re.sub(r"[^\x00-\u024f\u2013\u2014\u2018\u2019\u201c\u201d\u2026\u2192\u00b1\u2264\u2265]", "?", out)


def _excerpts(ctx: dict) -> str:
    """Return an item's printed excerpts as LaTeX: numbered lines, '…' for a gap, the citation."""
    out = []
    for excerpt in ctx.get("excerpts", []) + [p for p in ctx.get("passages", []) if isinstance(p, dict)]:
        lines = []
        for line in excerpt.get("lines", []):
            if line.get("gap"):
                lines.append(r"\hspace*{7mm}\dots\par")
            else:
                lines.append(rf"\noindent\hangindent=7mm\makebox[7mm][l]{{\tiny {line['n']}}}{tex(line['text'])}\par")
        citation = excerpt.get("citation", "")
        out.append(r"\begin{quote}\small " + f"\\textsc{{Excerpt {excerpt.get('number', '')}}}\\par "
                   + "".join(lines) + (rf"{{\scriptsize {tex(citation)}}}" if citation else "") + r"\end{quote}")
    card = ctx.get("card")
    if card:
        out.append(r"\par\noindent\fbox{\parbox{\dimexpr\linewidth-2\fboxsep}{\small\textbf{Outside source card} ("
                   + tex(card["kind"]) + ") " + tex(card["says"]) + "}}\\par ")
    for key in ("quoted_from",):
        if ctx.get(key):
            out.append(rf"{{\scriptsize {tex(ctx[key])}}}\par ")
    return "".join(out)


def _open(qid: str, lines: int) -> str:
    return (f"\\AMCOpen{{lines={lines},lineheight={LINE_HEIGHT}}}{{\\wrongchoice[F]{{f}}\\scoring{{0}}"
            f"\\wrongchoice[P]{{p}}\\scoring{{1}}\\correctchoice[C]{{c}}\\scoring{{2}}}}")


def amc_question(item: model.WorksheetItem, ctx: dict, letter: str) -> str:
    """Return one question as AMC LaTeX: what the worksheet prints, with an answer space of the same size."""
    q = item.question
    qid = f"{q.id}-{letter}"  # a parametric question differs by version
    head = r"\textbf{" + tex(q.stem) + "}\\par " + _excerpts(ctx)  # the worksheet's order: stem, then excerpts
    if isinstance(q, (model.SingleChoice, model.MultipleResponse, model.TrueFalse)):
        env = "questionmult" if isinstance(q, model.MultipleResponse) else "question"
        choices = ([(c.text, c.correct) for c in q.choices] if not isinstance(q, model.TrueFalse)
                   else [("True", q.answer), ("False", not q.answer)])
        body = "".join(("\\correctchoice{" if ok else "\\wrongchoice{") + tex(text) + "}\n" for text, ok in choices)
        layout = "choiceshoriz" if isinstance(q, model.TrueFalse) else "choices"
        return f"\\begin{{{env}}}{{{qid}}}\n{head}\n\\begin{{{layout}}}[o]\n{body}\\end{{{layout}}}\n\\end{{{env}}}\n"
    if isinstance(q, model.Matching):  # boxes to write letters in, beside the numbered prompts, and the lettered matches
        rows = "".join(rf"\item[\fbox{{\rule{{0pt}}{{4mm}}\hspace{{5mm}}}} {row['number']}] {tex(row['text'])}" for row in ctx["left"])
        right = "".join(rf"\item[{row['letter']}] {tex(row['text'])}" for row in ctx["right"])
        body = rf"\begin{{description}}{rows}\end{{description}}\begin{{description}}{right}\end{{description}}"
        return f"\\begin{{question}}{{{qid}}}\n{head}{body}\n{_open(qid, 1)}\n\\end{{question}}\n"
    if isinstance(q, model.Ordering):
        rows = "".join(rf"\item[\fbox{{\rule{{0pt}}{{4mm}}\hspace{{5mm}}}}] {tex(e['text'])}" for e in ctx["entries"])
        return f"\\begin{{question}}{{{qid}}}\n{head}\\begin{{description}}{rows}\\end{{description}}\n{_open(qid, 1)}\n\\end{{question}}\n"
    if isinstance(q, model.MarkTheWords):  # the passage to circle words in, set with room for a pen
        passage = r"\begin{quote}\linespread{1.9}\selectfont " + tex(q.passage) + r"\par\end{quote}"
        return f"\\begin{{question}}{{{qid}}}\n{head}{passage}\n{_open(qid, 1)}\n\\end{{question}}\n"
    lines = 2 if isinstance(q, model.Numeric) else getattr(q, "lines", 1)  # numeric: the box and a working line
    return f"\\begin{{question}}{{{qid}}}\n{head}\n{_open(qid, lines)}\n\\end{{question}}\n"


def amc_source(sheet: model.Worksheet, answer_sheet: bool = False) -> str:
    """Return an AMC paper with one copy per version of ``sheet``: its own questions, in its order."""
    from quizgen.render.context import worksheet_context

    recipe = sheet.recipe
    groups, copies = [], []
    for version in sheet.versions:
        ctx = worksheet_context(sheet, version)
        items = {i["number"]: i for part in ctx["parts"] for i in part["questions"]}
        group = "v" + "".join(chr(ord("a") + ord(c) - ord("A")) for c in version.letter)  # letters only
        groups += [f"\\element{{{group}}}{{{amc_question(item, items[item.number], version.letter)}}}" for item in version.items]
        header = (f"\\noindent{{\\Large\\bf {tex(recipe.title)}}}\\hfill Version {version.letter}\n\n"
                  "\\namefield{\\fbox{\\begin{minipage}{.9\\linewidth}Name:\\vspace*{.5cm}\\end{minipage}}}\n\n"
                  f"{tex(recipe.instructions)}\n\n")
        form = ("\\AMCcleardoublepage\n\\AMCformBegin\n{\\Large\\bf Answer sheet}\\hfill Version "
                f"{version.letter}\n\n\\namefield{{\\fbox{{\\begin{{minipage}}{{.9\\linewidth}}Name:\\vspace*{{.5cm}}"
                "\\end{minipage}}}\n\n\\AMCform\n") if answer_sheet else ""
        copies.append(f"\\onecopy{{1}}{{\n{header}\\insertgroup{{{group}}}\n{form}\\AMCcleardoublepage\n}}")
    options = "box,completemulti" + (",separateanswersheet" if answer_sheet else "")
    return (
        f"\\documentclass[{'a4paper' if recipe.paper == 'a4' else 'letterpaper'}]{{article}}\n"
        "\\usepackage[utf8]{inputenc}\n\\usepackage[T1]{fontenc}\n\\usepackage{textcomp}\n"
        "\\usepackage[margin=17mm]{geometry}\n"  # the worksheet's margins (print.css)
        f"\\usepackage[{options}]{{automultiplechoice}}\n\\begin{{document}}\n"
        + "\n".join(groups) + "\n" + "\n".join(copies) + "\n\\end{document}\n"
    )


def amc_case(sheet: model.Worksheet, name: str, work: Path, answer_sheet: bool = False) -> tuple | None:
    """Return (command, before, kwargs) running AMC's prepare on ``sheet``'s paper, or None without AMC."""
    amc = shutil.which("auto-multiple-choice")
    if not amc:
        return None
    folder = work / f"amc-{name}"
    folder.mkdir()
    (folder / "source.tex").write_text(amc_source(sheet, answer_sheet), encoding="utf-8")
    data = folder / "data"

    def fresh_data() -> None:
        shutil.rmtree(data, ignore_errors=True)
        data.mkdir()

    command = [amc, "prepare", "--mode", "s", "--with", "pdflatex", "--prefix", str(folder) + "/", "--data", str(data),
               "--out-sujet", str(folder / "subject.pdf"), "--out-corrige", str(folder / "solution.pdf"), "source.tex"]
    fresh_data()
    result = subprocess.run(command, cwd=folder, capture_output=True, text=True)  # check it works, untimed
    if not (folder / "subject.pdf").exists():
        print(result.stdout[-3000:], result.stderr[-3000:], file=sys.stderr)
        raise SystemExit(f"auto-multiple-choice prepare failed on {folder / 'source.tex'}; see above")
    return command, fresh_data, {"cwd": folder}


# --------------------------------------------------------------------------
# Pages


def pages(pdf: Path) -> int:
    from pypdf import PdfReader

    return len(PdfReader(str(pdf)).pages)


def amc_copy_pages(pdf: Path, title: str) -> list[int]:
    """Return the pages of each copy of an AMC paper: a copy starts on the page that prints the title."""
    from pypdf import PdfReader

    reader = PdfReader(str(pdf))
    words = " ".join(title.split()[:4])
    starts = [n for n, page in enumerate(reader.pages) if words in " ".join((page.extract_text() or "").split())]
    return [b - a for a, b in zip(starts, starts[1:] + [len(reader.pages)])]


def quizgen_version_pages(folder: Path, name: str = "sampler") -> list[int]:
    """Return the pages of each version's worksheet (or booklet), from the per-version files."""
    files = sorted(folder.glob(f"{name}-worksheet-*.pdf")) or sorted(folder.glob(f"{name}-booklet-*.pdf"))
    files = files or sorted(folder.glob(f"{name}-worksheet.pdf"))
    return [pages(p) for p in files]


def spread(counts: list[int]) -> str:
    if not counts:
        return "n/a"
    if min(counts) == max(counts):
        return f"{counts[0]} each" if len(counts) > 1 else str(counts[0])
    return f"{min(counts)}–{max(counts)} (median {statistics.median(counts):g})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--bank", type=Path, default=None, help="bank folder (default: shipped bank)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", type=Path, default=None, help="keep the PDFs and AMC sources in this folder")
    args = parser.parse_args()
    bank_dir = args.bank or paths.bank_dir()
    cmd = quizgen_cmd()
    print(f"machine: {platform.machine()}, {os.cpu_count()} CPUs, {platform.platform()}, Python {platform.python_version()}")
    import weasyprint

    print(f"WeasyPrint {weasyprint.__version__}; bank: {bank_dir}; median of {args.repeat} interleaved rounds")
    if not shutil.which("auto-multiple-choice"):
        print("auto-multiple-choice is not installed, so the AMC columns will read n/a;"
              " install it with: apt-get install -y auto-multiple-choice", file=sys.stderr)
    with tempfile.TemporaryDirectory() as tmp:
        work = args.keep or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        cases: dict[str, tuple] = {"help": (cmd + ["--help"], None, {})}
        one, thirty = worksheet(bank_dir, 1), worksheet(bank_dir, 30)
        for name, sheet, separate in (("a", one, False), ("b", thirty, False), ("c", thirty, True)):
            case = amc_case(sheet, name, work, separate)
            if case:
                cases[f"amc-{name}"] = case
        quizgen_cases = {
            "a": ["--versions", "1"],
            "b": ["--versions", "30"],
            "c": ["--versions", "30", "--answer-sheet", "--students", "30"],
            "d": ["--versions", "2", "--answer-sheet", "--students", "30"],
        }
        outs = {}
        for name, options in quizgen_cases.items():
            out = work / f"quizgen-{name}"
            outs[name] = out
            cases[f"ours-{name}"] = (cmd + ["build", "--bank", str(bank_dir), *options, "--per-version", "-q", "-o", str(out)],
                                     None, {})
        for name, versions in (("a", 1), ("b", 30)):
            html_dir = work / f"html-{name}"
            html_dir.mkdir(exist_ok=True)
            files = write_html(bank_dir, versions, html_dir)
            raw_out = work / f"raw-{name}"
            raw_out.mkdir(exist_ok=True)
            cases[f"raw-{name}"] = ([sys.executable, "-c", RAW_SCRIPT, str(paths.templates_dir()), str(raw_out),
                                     *map(str, files)], None, {})
        median = interleaved(cases, args.repeat)
        report(median, outs, work, one.recipe.title)


def report(median: dict[str, float], outs: dict[str, Path], work: Path, title: str) -> None:
    """Print the table: seconds, pages, seconds per page, ratios against AMC and raw WeasyPrint."""
    help_time = median.pop("help")
    labels = {"a": "(a) 1 version + key", "b": "(b) 30 versions + key", "c": "(c) answer sheets, 30 versions, 30 students",
              "d": "(d) answer sheets, 2 versions, 30 students"}
    print()
    print(f"{'case':46} {'quizgen s':>9} {'pages':>6} {'s/page':>7} {'AMC s':>7} {'pages':>6} {'s/page':>7} "
          f"{'÷AMC':>6} {'÷raw':>6}")
    for name, label in labels.items():
        ours = median[f"ours-{name}"]
        our_pages = sum(pages(p) for p in outs[name].glob("*.pdf") if not re.search(r"-(worksheet|booklet)-[A-Z]+\.pdf$", p.name))
        amc = median.get(f"amc-{name}")
        folder = work / f"amc-{name}"
        amc_pages = pages(folder / "subject.pdf") + pages(folder / "solution.pdf") if amc else 0
        raw = median.get(f"raw-{name}")
        cells = (f"{amc:7.2f} {amc_pages:6d} {amc / amc_pages:7.3f} {ours / amc:6.2f}" if amc
                 else f"{'n/a':>7} {'':>6} {'':>7} {'n/a':>6}")
        print(f"{label:46} {ours:9.2f} {our_pages:6d} {ours / our_pages:7.3f} {cells} "
              + (f"{ours / raw:6.2f}" if raw else f"{'n/a':>6}"))
    print("\npages per copy or version (quizgen: a worksheet or booklet; AMC: a copy, with its answer sheet in (c)):")
    for name in ("a", "b", "c", "d"):
        line = f"  {labels[name]:46} quizgen {spread(quizgen_version_pages(outs[name]))}"
        folder = work / f"amc-{name}"
        if (folder / "subject.pdf").exists():
            line += f"; AMC {spread(amc_copy_pages(folder / 'subject.pdf', title))}, solution {pages(folder / 'solution.pdf')} pages"
        key = outs[name] / "sampler-answer-key.pdf"
        line += f"; quizgen key {pages(key)} pages"
        print(line)
    print(f"\nquizgen --help: {help_time:.3f} s (target ≤ 0.25 s)")
    print("targets: ÷AMC ≤ 1.00 for (b) and (c); ÷raw ≤ 1.10 (quizgen over WeasyPrint alone on the same HTML)")
    print("AMC: prepare --mode s, pdfLaTeX, one copy per version (Hangul set as '?'); quizgen: default workers")


if __name__ == "__main__":
    main()
