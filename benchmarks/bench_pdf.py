"""Time PDF building against auto-multiple-choice and raw WeasyPrint; print ratios from one run.

    python benchmarks/bench_pdf.py [--bank DIR] [--repeat 3]

Cases, each timed as a cold command (a fresh process, as a teacher runs it):

  (a) one version + answer key            `quizgen build --versions 1`
  (b) class pack of 30 versions + key     `quizgen build --versions 30`

Each is set beside:

  AMC   `auto-multiple-choice prepare --mode s` (question papers and
        solutions) on an equivalent paper written from the same assembled
        worksheet: the same 12 questions, stems, excerpts and choices; 1 copy
        for (a), 30 copies for (b). Debian package `auto-multiple-choice`;
        skipped if missing.
  raw   WeasyPrint alone rendering the very HTML quizgen renders (one
        process, one document after another, stylesheets linked), i.e.
        what quizgen costs over the engine it drives.

For (b) it also times the engine's floor: raw WeasyPrint on the same HTML
with no stylesheet at all (its defaults), i.e. what laying out this content
costs before any of quizgen's styling. It also times `quizgen --help`, and
both levers: rendering in one process vs several (--workers), and laying all
versions out in one document vs one document per version. Medians of --repeat rounds, each running every case once
(interleaved, so drift in machine speed hits all cases alike). --only-a
runs case (a) and the AMC papers only. Not part of the test run.
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


# --------------------------------------------------------------------------
# The same HTML quizgen renders, for raw WeasyPrint


def write_html(bank_dir: Path, versions: int, folder: Path) -> list[Path]:
    """Write the worksheet and key HTML quizgen renders for ``versions`` (stylesheets linked)."""
    from quizgen.assemble import make_worksheet
    from quizgen.bank import load_bank
    from quizgen.recipe import load_recipe
    from quizgen.render import render_html
    from quizgen.render.context import answer_key_contexts, worksheet_context

    recipe = load_recipe(paths.default_recipe(), {"versions": str(versions)})
    sheet = make_worksheet(load_bank(bank_dir), recipe)
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
    import re
    import sys
    from pathlib import Path
    import weasyprint
    templates, out, mode = sys.argv[1], Path(sys.argv[2]), sys.argv[3]
    files = [Path(p) for p in sys.argv[4:]]
    base = Path(templates).as_uri() + "/"
    if mode in ("one", "bare"):
        # Every worksheet in one document, every key part in another. "bare":
        # no stylesheet at all (WeasyPrint's defaults), the engine's floor.
        for group in ("worksheet", "key"):
            pages = [p.read_text() for p in files if p.name.startswith(group)]
            head = pages[0].split("<body")[0]
            if mode == "bare":
                head = re.sub(r"<link[^>]*>", "", head)
            body = "".join(re.search(r"<body[^>]*>(.*)</body>", p, re.S).group(1) for p in pages)
            html = head + '<body class="' + group + '">' + body + "</body></html>"
            weasyprint.HTML(string=html, base_url=base).write_pdf(out / f"{group}.pdf")
    else:
        for p in files:
            weasyprint.HTML(string=p.read_text(), base_url=base).write_pdf(out / (p.stem + ".pdf"))
""")


# --------------------------------------------------------------------------
# An equivalent auto-multiple-choice paper


_TEX = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "$": r"\$", "&": r"\&", "#": r"\#", "^": r"\^{}",
        "_": r"\_", "%": r"\%", "~": r"\~{}", "<": r"\textless{}", ">": r"\textgreater{}"}


def tex(text: str) -> str:
    """Escape text for pdfLaTeX; characters it cannot set (Hangul, 《》) become '?'."""
    out = "".join(_TEX.get(ch, ch) for ch in text)
    return re.sub(r"[^\x00-\u024f\u2013\u2014\u2018\u2019\u201c\u201d\u2026\u2192\u00b1\u2264\u2265]", "?", out)


def amc_source(bank_dir: Path, copies: int) -> str:
    """Return an AMC LaTeX paper with version A's 12 questions, excerpts included, ``copies`` copies."""
    from quizgen.assemble import make_worksheet
    from quizgen.bank import load_bank
    from quizgen.recipe import load_recipe

    recipe = load_recipe(paths.default_recipe(), {"versions": "1"})
    sheet = make_worksheet(load_bank(bank_dir), recipe)
    blocks = []
    for item in sheet.versions[0].items:
        q = item.question
        excerpt = "".join(
            "\\begin{quote}\\small " + " ".join(f"{e.first + i}~{tex(line)}\\\\" for i, line in enumerate(e.lines)) + "\\end{quote}"
            for e in item.excerpts
        )
        stem = tex(q.stem)
        if isinstance(q, (model.SingleChoice, model.MultipleResponse, model.TrueFalse)):
            env = "questionmult" if isinstance(q, model.MultipleResponse) else "question"
            choices = (
                [(c.text, c.correct) for c in q.choices] if not isinstance(q, model.TrueFalse)
                else [("True", q.answer), ("False", not q.answer)]
            )
            body = "".join(("\\correctchoice{" if ok else "\\wrongchoice{") + tex(text) + "}\n" for text, ok in choices)
            blocks.append(f"\\element{{all}}{{\\begin{{{env}}}{{{q.id}}}\n{excerpt}{stem}\n\\begin{{choices}}\n{body}\\end{{choices}}\n\\end{{{env}}}}}")
        else:
            lines = getattr(q, "lines", 2)
            blocks.append(
                f"\\element{{all}}{{\\begin{{question}}{{{q.id}}}\n{excerpt}{stem}\n"
                f"\\AMCOpen{{lines={lines}}}{{\\wrongchoice[F]{{f}}\\scoring{{0}}\\wrongchoice[P]{{p}}\\scoring{{1}}"
                f"\\correctchoice[C]{{c}}\\scoring{{2}}}}\n\\end{{question}}}}"
            )
    return (
        "\\documentclass[letterpaper]{article}\n\\usepackage[utf8]{inputenc}\n\\usepackage[T1]{fontenc}\n"
        "\\usepackage{textcomp}\n\\usepackage[box,completemulti]{automultiplechoice}\n\\begin{document}\n"
        + "\n".join(blocks)
        + f"\n\\onecopy{{{copies}}}{{\n\\noindent{{\\Large\\bf {tex(recipe.title)}}}\\hfill Version \\AMCcode{{v}}{{1}}\n\n"
        "\\namefield{\\fbox{\\begin{minipage}{.9\\linewidth}Name:\\vspace*{.5cm}\\end{minipage}}}\n\n"
        f"{tex(recipe.instructions)}\n\n\\insertgroup{{all}}\n\\AMCcleardoublepage\n}}\n\\end{{document}}\n"
    )


def amc_case(bank_dir: Path, copies: int, work: Path) -> tuple | None:
    """Return (command, before, kwargs) running AMC's prepare on a ``copies``-copy paper, or None."""
    amc = shutil.which("auto-multiple-choice")
    if not amc:
        return None
    folder = work / f"amc-{copies}"
    folder.mkdir()
    (folder / "source.tex").write_text(amc_source(bank_dir, copies), encoding="utf-8")
    data = folder / "data"

    def fresh_data() -> None:
        shutil.rmtree(data, ignore_errors=True)
        data.mkdir()

    command = [amc, "prepare", "--mode", "s", "--with", "pdflatex", "--prefix", str(folder) + "/", "--data", str(data),
               "--out-sujet", str(folder / "subject.pdf"), "--out-corrige", str(folder / "solution.pdf"), "source.tex"]
    fresh_data()
    result = subprocess.run(command, cwd=folder, capture_output=True, text=True)  # check it works, untimed
    if not (folder / "subject.pdf").exists():
        print(result.stdout[-2000:], result.stderr[-2000:], file=sys.stderr)
        raise SystemExit("auto-multiple-choice prepare failed; see above")
    return command, fresh_data, {"cwd": folder}


# --------------------------------------------------------------------------


def pages(pdf: Path) -> int:
    from pypdf import PdfReader

    return len(PdfReader(str(pdf)).pages)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--bank", type=Path, default=None, help="bank folder (default: shipped bank, else the test sample)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--only-a", action="store_true", help="only case (a) and the AMC papers (quicker)")
    args = parser.parse_args()
    bank_dir = args.bank
    if bank_dir is None:
        shipped = paths.bank_dir()
        has_questions = any((shipped / "questions").glob("*.yaml"))
        bank_dir = shipped if has_questions else ROOT / "tests" / "projects" / "worksheet"
    cmd = quizgen_cmd()
    print(f"machine: {platform.machine()}, {os.cpu_count()} CPUs, {platform.platform()}, Python {platform.python_version()}")
    import weasyprint

    print(f"WeasyPrint {weasyprint.__version__}; bank: {bank_dir}; median of {args.repeat} interleaved rounds")
    if not shutil.which("auto-multiple-choice"):
        print("auto-multiple-choice is not installed, so the AMC columns will read n/a;"
              " install it with: apt-get install -y auto-multiple-choice", file=sys.stderr)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        cases: dict[str, tuple] = {"help": (cmd + ["--help"], None, {})}
        for copies in (1, 30):
            case = amc_case(bank_dir, copies, work)
            if case:
                cases[f"amc{copies}"] = case
        built_dirs = {}
        for versions in (1, 30):
            out = work / f"out-{versions}"
            built_dirs[versions] = out
            base = cmd + ["build", "--bank", str(bank_dir), "--versions", str(versions), "--no-per-version", "-q", "-o", str(out)]
            cases[f"ours{versions}"] = (base, None, {})
            if versions > 1:
                cases[f"ours{versions}-1proc"] = (base + ["--workers", "1"], None, {})
            html_dir = work / f"html-{versions}"
            html_dir.mkdir()
            files = write_html(bank_dir, versions, html_dir)
            raw_out = work / f"raw-{versions}"
            raw_out.mkdir()
            raw_cmd = [sys.executable, "-c", RAW_SCRIPT, str(paths.templates_dir()), str(raw_out)]
            cases[f"raw{versions}"] = (raw_cmd + ["each"] + [str(f) for f in files], None, {})
            if versions > 1:
                cases[f"raw{versions}-one"] = (raw_cmd + ["one"] + [str(f) for f in files], None, {})
                cases[f"raw{versions}-bare"] = (raw_cmd + ["bare"] + [str(f) for f in files], None, {})
        if args.only_a:
            cases = {k: v for k, v in cases.items() if "30" not in k or k == "amc30"}
        median = interleaved(cases, args.repeat)
        help_time = median.pop("help")
        amc = {n: median.get(f"amc{n}") for n in (1, 30)}
        rows = []
        for label, versions in (("(a) 1 version + key", 1), ("(b) 30 versions + grid + key", 30)):
            if f"ours{versions}" not in median:
                continue
            ours = median[f"ours{versions}"]
            rows.append((label, ours, median.get(f"ours{versions}-1proc", ours), median[f"raw{versions}"],
                         median.get(f"raw{versions}-one", median[f"raw{versions}"]), amc[versions],
                         sum(pages(p) for p in built_dirs[versions].glob("*.pdf"))))
    amc30 = amc[30]
    print()
    print(f"{'case':32} {'quizgen':>8} {'1 proc':>8} {'raw WP':>8} {'raw 1doc':>8} {'AMC 1':>7} {'AMC 30':>7} "
          f"{'÷AMC30':>7} {'÷AMC1':>6} {'÷raw':>6} {'pages':>6}")
    for label, ours, ours_1, raw, raw_one, _, n in rows:
        cells = [f"{t:7.2f}" if t else "    n/a" for t in (amc[1], amc30)]
        ratio30 = f"{ours / amc30:7.2f}" if amc30 else "    n/a"
        ratio1 = f"{ours / amc[1]:6.2f}" if amc[1] and label.startswith("(a)") else "     —"
        print(f"{label:32} {ours:8.2f} {ours_1:8.2f} {raw:8.2f} {raw_one:8.2f} {' '.join(cells)} {ratio30} {ratio1} "
              f"{ours / raw:6.2f} {n:6d}")
    bare = median.get("raw30-bare")
    if bare and amc30:
        cpus = os.cpu_count() or 1
        print(f"\nfloor for (b): WeasyPrint alone, the same HTML with no stylesheet at all, one process: {bare:.2f} s;"
              f" spread perfectly over {cpus} CPUs {bare / cpus:.2f} s = {bare / cpus / amc30:.2f} x AMC 30")
    print(f"\nquizgen --help: {help_time:.3f} s (target ≤ 0.25 s)")
    print("targets: ÷AMC30 ≤ 1.00 for (a) and (b) (the issue's 30-copy paper); ÷raw ≤ 1.10."
          " ÷AMC1, (a) against a 1-copy paper, is stricter and shown for reference")
    print("AMC: prepare --mode s on the same 12 questions and excerpts (pdfLaTeX; Hangul set as '?')")
    print("quizgen: default workers; '1 proc': --workers 1. raw WP: one document per version;"
          " 'raw 1doc': all versions in one document")


if __name__ == "__main__":
    main()
