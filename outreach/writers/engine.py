"""WeasyPrint, imported without the programs its import would start.

WeasyPrint opens Pango, HarfBuzz, fontconfig and GObject through cffi, trying several
names for each (those of Linux, macOS and Windows). For every name it cannot open as
given, cffi asks ``ctypes.util.find_library``, which on Linux runs ``ldconfig -p``,
then ``gcc`` and ``ld``, to look for a library of that name: 54 programs here, a
fifth of a second before a batch's first page, in the main process or in the fork
server the workers come from (measured: ``import weasyprint`` 0.57 to 0.71 s, 0.41 to 0.57 s
without them).

On Linux the names WeasyPrint tries include each library's soname
(``libpango-1.0.so.0``), which the dynamic loader finds by itself, where ``ldconfig``
would have found it and in the folders of ``LD_LIBRARY_PATH``; so while WeasyPrint is
imported here, the search answers "not found" at once and the library opens by its
soname. If that fails all the same (a system laid out otherwise), the import is made
once more with the search as it was. Elsewhere WeasyPrint is imported as it is.
"""

from __future__ import annotations

import contextlib
import io
import sys
from collections.abc import Iterator
from typing import Any


def _not_searched(name: str) -> None:
    return None


@contextlib.contextmanager
def _no_library_search() -> Iterator[None]:
    import ctypes.util

    search = ctypes.util.find_library
    ctypes.util.find_library = _not_searched
    try:
        yield
    finally:
        ctypes.util.find_library = search


def _forget_weasyprint() -> None:
    for name in [n for n in sys.modules if n == "weasyprint" or n.startswith("weasyprint.")]:
        del sys.modules[name]


def load() -> Any:
    """The ``weasyprint`` module (untyped), imported once per process."""
    if "weasyprint" in sys.modules or not sys.platform.startswith("linux"):
        import weasyprint

        return weasyprint
    try:
        # WeasyPrint prints its installation help before it fails: said only if the
        # import fails the usual way too
        with _no_library_search(), contextlib.redirect_stdout(io.StringIO()):
            import weasyprint
    except OSError:
        _forget_weasyprint()
        import weasyprint
    return weasyprint


weasyprint = load()
