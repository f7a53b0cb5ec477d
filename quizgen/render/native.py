"""Import WeasyPrint without the slow part of finding its native libraries.

WeasyPrint loads GObject, Pango, HarfBuzz and fontconfig through cffi, and
tries up to six names for each (the Windows and macOS spellings too). cffi
hands every name that is not a loadable file name to
``ctypes.util.find_library``, which on Linux asks the loader cache
(``ldconfig -p``) and, when that misses, compiles and links a dummy program
with gcc and then runs ld (WeasyPrint issue #1125 shows these runs). On
Debian 12, 22 lookups are made and 16 miss: about 0.3 s of WeasyPrint's
one-second import, on the critical path of every cold build.

While WeasyPrint is imported here, ``find_library`` asks the loader cache
only. Where that is not enough (libraries found only through gcc's or ld's
search paths), the import fails quietly and is made again with the standard
lookup, so nothing that worked before stops working.
"""

from __future__ import annotations

import contextlib
import importlib
import io
import sys
from types import ModuleType


def _loader_cache_finder():
    """Return the standard library's lookup in the loader cache alone, or None where it has none."""
    import ctypes.util

    if not sys.platform.startswith("linux"):
        return None
    return getattr(ctypes.util, "_findSoname_ldconfig", None)  # glibc Linux; private, so looked up with care


def import_weasyprint() -> ModuleType:
    """Return the ``weasyprint`` module, imported with the quick library lookup where it works."""
    import ctypes.util

    from_cache = _loader_cache_finder()
    if from_cache is not None:
        standard = ctypes.util.find_library
        ctypes.util.find_library = from_cache
        try:
            # WeasyPrint prints installation advice before it raises; keep it
            # for the standard attempt, the one whose failure is real.
            with contextlib.redirect_stdout(io.StringIO()):
                return importlib.import_module("weasyprint")
        except OSError:
            pass  # the modules that failed are gone from sys.modules: try again below
        finally:
            ctypes.util.find_library = standard
    return importlib.import_module("weasyprint")
