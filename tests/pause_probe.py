"""Run quizgen with one function made to pause, so a test can act at that exact moment.

    python tests/pause_probe.py TARGET SECONDS CALL -- quizgen arguments …

TARGET is a dotted name (``quizgen.outputs._commit``, ``os.replace``);
the CALL-th call to it (1 = the first) prints ``PAUSED <target>`` on stderr,
sleeps SECONDS (or, given ``until:PATH``, until PATH exists) and then does
what it would have done. Used by
tests/test_interrupts.py to send Ctrl-C while the bank loads, while pages
render, while files are staged or half renamed, and to hold the output
folder's lock while a second build runs. Nothing in quizgen knows of it.
"""

from __future__ import annotations

import importlib
import os
import sys
import time


def _pause(target: str, seconds: float | str, call: int) -> None:
    parts = target.split(".")
    for cut in range(len(parts) - 1, 0, -1):  # the longest prefix that is a module; the rest are attributes
        try:
            owner = importlib.import_module(".".join(parts[:cut]))
            break
        except ModuleNotFoundError:
            continue
    for name in parts[cut:-1]:
        owner = getattr(owner, name)
    attr = parts[-1]
    original = getattr(owner, attr)
    calls = [0]

    def paused(*args, **kwargs):
        calls[0] += 1
        if calls[0] == call:
            sys.stderr.write(f"PAUSED {target}\n")
            sys.stderr.flush()
            if isinstance(seconds, str):  # "until:PATH": hold until the test makes PATH
                deadline = time.monotonic() + 120
                while not os.path.exists(seconds) and time.monotonic() < deadline:
                    time.sleep(0.05)
            else:
                time.sleep(seconds)
        return original(*args, **kwargs)

    setattr(owner, attr, paused)


def main() -> None:
    target, seconds, call, separator, *args = sys.argv[1:]
    assert separator == "--", "usage: pause_probe.py TARGET SECONDS CALL -- ARGS"
    _pause(target, seconds[len("until:"):] if seconds.startswith("until:") else float(seconds), int(call))
    from quizgen.cli import main as quizgen

    sys.argv = ["quizgen", *args]
    quizgen()


if __name__ == "__main__":
    main()
