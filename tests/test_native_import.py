"""WeasyPrint's native libraries are found from the loader cache, with the standard lookup as fallback.

Each test imports WeasyPrint in a fresh interpreter: an import can be
watched only once per process.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

pytestmark = [pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the loader-cache lookup is glibc Linux only"),
              pytest.mark.slow]  # each test imports WeasyPrint in a fresh process


def run_python(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=120)


def test_quick_import_runs_no_compiler_or_linker_probe():
    result = run_python("""
        import ctypes.util
        probes = []
        for name in ("_findLib_gcc", "_findLib_ld"):
            real = getattr(ctypes.util, name)
            def watched(lib, real=real, name=name):
                probes.append((name, lib))
                return real(lib)
            setattr(ctypes.util, name, watched)
        standard = ctypes.util.find_library

        from quizgen.render.native import import_weasyprint
        weasyprint = import_weasyprint()
        weasyprint.HTML(string="<p>ok</p>").write_pdf()
        assert ctypes.util.find_library is standard, "find_library was not restored"
        print("probes", probes)
    """)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "probes []"


def test_a_failed_quick_import_is_retried_with_the_standard_lookup():
    # Stands in for a machine whose libraries only gcc's or ld's search paths
    # know: the first import of WeasyPrint's library loader fails (printing
    # advice, as WeasyPrint does); the retry must run with the standard
    # find_library and succeed, and the failed attempt's output stays hidden.
    result = run_python("""
        import ctypes.util, importlib.abc, sys
        standard = ctypes.util.find_library
        attempts = []

        class FailFirstLoad(importlib.abc.MetaPathFinder):
            def find_spec(self, name, path, target=None):
                if name == "weasyprint.text.ffi":
                    attempts.append(ctypes.util.find_library is standard)
                    if len(attempts) == 1:
                        print("WeasyPrint could not import some external libraries.")
                        raise OSError("cannot load library 'libgobject-2.0-0'")
                return None

        sys.meta_path.insert(0, FailFirstLoad())
        from quizgen.render.native import import_weasyprint
        weasyprint = import_weasyprint()
        assert weasyprint.HTML(string="<p>ok</p>").write_pdf().startswith(b"%PDF")
        print("attempts with the standard lookup:", attempts)
    """)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "attempts with the standard lookup: [False, True]"
