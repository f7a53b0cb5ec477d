"""Time every export format on a 1,000-question bank (target: 1 s each).

Run from the repository root::

    python benchmarks/bench_export.py [--count 1000] [--repeat 3]

The worksheet is the exporter tests' sample (tests/exporters/sample.py:
every question kind, Hangul, GIFT specials, excerpts with citations)
repeated under new question ids, so it needs no bank. Every format in the
registry is timed; one whose module is missing or fails to import is
skipped with the reason. Prints seconds (best of --repeat) and the ratio
to the 1 s target; exits 1 if any format misses it.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
TARGET = 1.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000, help="questions in the bank (default 1000)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per format; the best is reported (default 3)")
    args = parser.parse_args()

    sys.path.insert(0, str(REPO / "tests"))
    from exporters.sample import big_worksheet  # noqa: E402  (tests/exporters/sample.py, no pytest needed)

    from quizgen import exporters
    from quizgen.exporters.plan import plan_format

    worksheet = big_worksheet(args.count)
    print(f"{args.count} questions, best of {args.repeat}, target {TARGET:.1f} s per format")
    print(f"{'format':<14}{'seconds':>9}{'ratio':>8}{'size':>12}")
    missed = 0
    for name in exporters.names():
        try:
            exporter = exporters.get_exporter(name)
        except Exception as err:  # a benchmark reports and goes on
            print(f"{name:<14}  skipped: cannot import ({type(err).__name__}: {err})")
            continue
        best = float("inf")
        size = 0
        for _ in range(args.repeat):
            started = time.perf_counter()
            data = exporter.write(plan_format(worksheet, exporter))  # as `quizgen export`: plan once, then write
            best = min(best, time.perf_counter() - started)
            size = len(data)
        ratio = best / TARGET
        missed += ratio > 1
        flag = "" if ratio <= 1 else "  SLOW"
        print(f"{name:<14}{best:>9.3f}{ratio:>8.2f}{size:>12,}{flag}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
