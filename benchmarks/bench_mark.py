"""Time `quizgen mark` on 1,000 response files of the default recipe with 30 versions.

Run from the repository root::

    python benchmarks/bench_mark.py [--students 1000] [--repeat 3]

Targets (issue 21): every CSV from 1,000 response files in at most 2 s; the
class report PDF for 1,000 students in at most 5 s. Timed as cold
commands (a fresh process each, as a teacher runs them):

- **csv**: ``quizgen mark MANIFEST answers/ --no-pdf`` (every CSV, the
  rubric sheet and the HTML class report);
- **report**: ``quizgen mark … --no-feedback`` (the same and the class
  report PDF); the PDF's own share is report − csv;
- **baseline**: a bare Python process in the same process tree that reads
  the same 1,000 JSON files and writes one CSV row per file: the floor any
  marking of these files stands on; **start-up**: ``quizgen --version``.

Prints wall-clock seconds and CPU seconds (user + system; medians of
--repeat) and ratios to the targets and to the baseline. On a machine
shared with other work the wall clock moves with the load; the CPU
seconds say what the command itself costs. The answers are drawn with a fixed seed (right, wrong, partial,
blank and open answers, as in tests/marking_routes.py).
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
TARGETS = {"csv": 2.0, "report": 5.0}

BASELINE = """
import csv, json, sys
from pathlib import Path
rows = []
for path in sorted(Path(sys.argv[1]).iterdir()):
    data = json.loads(path.read_text(encoding="utf-8"))
    rows.append([data["student"]["name"], data["version"], len(data["answers"])])
with open(sys.argv[2], "w", newline="", encoding="utf-8") as out:
    csv.writer(out).writerows(rows)
"""


def prepare(folder: Path, students: int) -> Path:
    """Write the manifest of the default recipe with 30 versions and ``students`` response files; return the manifest."""
    sys.path.insert(0, str(REPO / "tests"))
    import marking_routes as routes  # noqa: E402  (tests/marking_routes.py, no pytest needed)

    from quizgen import manifest, paths
    from quizgen.build import _assemble
    from quizgen.recipe import load_recipe

    worksheet = _assemble(load_recipe(paths.default_recipe(), {"versions": "30"}), None)
    path = folder / "sampler-manifest.json"
    path.write_bytes(manifest.dump(manifest.make_manifest(worksheet)))
    roster = routes.students(worksheet, count=students, seed=1000)
    routes.write_response_files(folder / "answers", manifest.build_id(worksheet), roster)
    return path


def timed(command: list[str]) -> tuple[float, float]:
    """Return the wall-clock and CPU (user + system) seconds of running ``command``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode != 0:
        raise SystemExit(f"failed: {' '.join(command)}\n{result.stderr}")
    return seconds, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=1000, help="response files (default 1000)")
    parser.add_argument("--repeat", type=int, default=3, help="rounds; medians are reported (default 3)")
    args = parser.parse_args()
    quizgen = str(Path(sys.executable).parent / "quizgen")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        manifest = prepare(folder, args.students)
        answers = str(folder / "answers")
        cases = {
            "baseline": [sys.executable, "-c", BASELINE, answers, str(folder / "baseline.csv")],
            "start-up": [quizgen, "--version"],
            "csv": [quizgen, "mark", str(manifest), answers, "--no-pdf", "-q", "-o", str(folder / "csv")],
            "report": [quizgen, "mark", str(manifest), answers, "--no-feedback", "-q", "-o", str(folder / "report")],
        }
        times: dict[str, list[tuple[float, float]]] = {name: [] for name in cases}
        for _ in range(args.repeat):  # interleaved, so a slow spell slows every case of a round alike
            for name, command in cases.items():
                times[name].append(timed(command))
    median = {name: statistics.median(wall for wall, _ in values) for name, values in times.items()}
    cpu = {name: statistics.median(used for _, used in values) for name, values in times.items()}
    print(f"{args.students} response files, default recipe with 30 versions, median of {args.repeat}"
          f" (load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs)")
    print(f"{'case':<10}{'seconds':>9}{'CPU s':>8}{'÷target':>9}{'÷baseline':>11}")
    for name in cases:
        target = TARGETS.get(name)
        ratio = f"{median[name] / target:.2f}" if target else "—"
        print(f"{name:<10}{median[name]:>9.2f}{cpu[name]:>8.2f}{ratio:>9}{median[name] / median['baseline']:>11.1f}")
    pdf = median["report"] - median["csv"]
    print(f"class report PDF alone (report − csv): {pdf:.2f} s ({cpu['report'] - cpu['csv']:.2f} CPU s),"
          f" ÷target {pdf / TARGETS['report']:.2f}")
    return 0 if median["csv"] <= TARGETS["csv"] and pdf <= TARGETS["report"] else 1


if __name__ == "__main__":
    sys.exit(main())
