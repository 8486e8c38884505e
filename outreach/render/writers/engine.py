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

The swap is process-wide, which is why it is contained: it lasts only while this module
is first imported (Python's import lock makes that once per process), it is put back
however the import ends, and nothing in outreach calls ``find_library`` otherwise. A
program that imports outreach's PDF writer in one thread while another thread of its
own opens a library by ``find_library`` could see "not found" there for those
0.3 seconds; ``load`` is the one place to look if that ever matters.

This module is also the only one that uses WeasyPrint beyond its documented API (``HTML``,
``CSS``, ``FontConfiguration``, ``Document.copy`` and ``write_pdf``, ``Page.anchors``),
each use in one function here:

- ``local_fetcher``: a subclass of ``weasyprint.urls.URLFetcher``, which WeasyPrint 68
  made a class (before, a fetcher was a function); 68 is outreach's floor.
- ``html_stylesheet`` and ``use_html_stylesheet``: WeasyPrint's stylesheet for HTML,
  read from its package (``weasyprint/css/html5_ua.css``), and put in place of its own
  through the private ``HTML._ua_stylesheets`` (left alone, WeasyPrint's own stylesheet
  is used, where the hook is gone); parsed with ``weasyprint.css.counters.CounterStyle``.
- ``page_box``, ``marked_blocks``, ``content_area``, ``overflowing``: the laid-out boxes
  of a page, from the private ``Page._page_box``, and their geometry (``position_y``,
  ``margin_top``, ``border_height()``, ``content_box_y()`` ...): WeasyPrint's layout tree.

Tested with WeasyPrint 68.0, 69.0 (with its own stylesheet for HTML, whole: see
``TRIMMED_FROM``) and 70.0 (``make test-weasyprint`` runs the PDF tests against the
newest release, in a venv of its own). pyproject allows ``>=68,<71``.
"""

from __future__ import annotations

import contextlib
import ctypes.util
import io
import logging
import sys
from collections.abc import Iterator
from importlib.resources import files
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

log = logging.getLogger(__name__)


def _not_searched(name: str) -> None:
    return None


@contextlib.contextmanager
def _no_library_search() -> Iterator[None]:
    """``ctypes.util.find_library`` answers "not found" meanwhile, and as it was after."""
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
        import weasyprint  # deferred: weasyprint

        return weasyprint
    try:
        # WeasyPrint prints its installation help before it fails: said only if the
        # import fails the usual way too
        with _no_library_search(), contextlib.redirect_stdout(io.StringIO()):
            import weasyprint  # deferred: weasyprint
    except OSError:
        _forget_weasyprint()
        import weasyprint  # deferred: weasyprint
    return weasyprint


weasyprint = load()


def local_fetcher(allowed: list[Path], fetched: list[str] | None = None) -> Any:
    """A URL fetcher for data: URLs and files under the ``allowed`` folders; nothing else,
    ever. Every file asked for is noted in ``fetched`` (the layout cache checks them)."""
    roots = [p.resolve() for p in allowed]
    fetcher: Any = weasyprint.urls.URLFetcher  # a class from WeasyPrint 68 on

    class LocalOnly(fetcher):  # type: ignore[misc]
        def fetch(self, url: str, headers: Any = None) -> Any:
            if url.startswith("data:"):
                return super().fetch(url, headers)
            if url.startswith("file:"):
                path = Path(unquote(urlparse(url).path)).resolve()
                if fetched is not None:
                    fetched.append(str(path))
                if any(path.is_relative_to(root) for root in roots):
                    return super().fetch(url, headers)
            log.warning("not fetched (only files of the workspace and the built-in "
                        "templates are): %s", url)
            raise ValueError(f"outreach fetches nothing from outside: {url}")

    return LocalOnly(allowed_protocols=["data", "file"], allow_redirects=False)


#: The first WeasyPrint that lays out a page with its stylesheet for HTML trimmed
#: (``pdf.ua_css``): 68 and 69 need the style of every page area, the footnote area's
#: too, and fail on every page without it.
TRIMMED_FROM = 70


def html_stylesheet() -> str | None:
    """WeasyPrint's stylesheet for HTML, as text; None where it is not where WeasyPrint
    keeps it, where ``use_html_stylesheet`` has no hook to put another in its place, or
    where WeasyPrint is older than ``TRIMMED_FROM`` (its own is then used, whole)."""
    major = str(getattr(weasyprint, "__version__", "0")).split(".")[0]
    if not major.isdigit() or int(major) < TRIMMED_FROM:
        return None

    try:
        ua = (files("weasyprint.css") / "html5_ua.css").read_text("utf-8")
    except OSError:
        return None
    if not callable(getattr(weasyprint.HTML, "_ua_stylesheets", None)):
        return None
    return ua


def stylesheet_with_counters(text: str) -> Any:
    """A stylesheet for HTML parsed as WeasyPrint parses its own (with counter styles)."""
    return weasyprint.CSS(string=text, counter_style=weasyprint.css.counters.CounterStyle())


def use_html_stylesheet(page: Any, sheet: Any) -> None:
    """Lay ``page`` (a ``weasyprint.HTML``) out with ``sheet`` as its stylesheet for HTML,
    in place of WeasyPrint's (the other user-agent sheets it adds stay)."""
    own = page._ua_stylesheets
    page._ua_stylesheets = lambda forms=False: [sheet, *own(forms)[1:]]


def page_box(page: Any) -> Any:
    """The laid-out box of one page of a ``weasyprint.Document``."""
    return page._page_box


def marked_blocks(page: Any) -> dict[int, tuple[float, float, float, float, float]]:
    """Where each block marked ``data-block="N"`` lies on ``page`` (CSS pixels): the top
    and bottom of its border box, its top and bottom margins, its content height."""
    found: dict[int, tuple[float, float, float, float, float]] = {}
    for box in page_box(page).descendants():
        element = getattr(box, "element", None)
        mark = element.get("data-block") if element is not None else None
        if mark is None or int(mark) in found or not hasattr(box, "border_height"):
            continue
        top = box.position_y + box.margin_top
        found[int(mark)] = (top, top + box.border_height(), box.margin_top, box.margin_bottom,
                            box.height)
    return found


def content_area(page: Any, height: float) -> tuple[float, float]:
    """Where the content of ``page`` starts, and its height on a page ``height`` tall."""
    box = page_box(page)
    return box.content_box_y(), height - box.margin_top - box.margin_bottom \
        - box.padding_top - box.padding_bottom - box.border_top_width - box.border_bottom_width


def _boxes(box: Any) -> list[Any]:
    out = [box]
    for child in getattr(box, "children", ()):
        out += _boxes(child)
    return out


def overflowing(laid_out: Any, role: str) -> list[int]:
    """The parts of ``role`` (a ``div`` of that class) whose contents reach past their
    box, by their index in the document (a part's first box is its own, the rest its
    contents)."""
    seen: dict[Any, bool] = {}
    for page in laid_out.pages:
        for box in _boxes(page_box(page)):
            element = getattr(box, "element", None)
            if element is None or element in seen or element.tag != "div" \
                    or role not in (element.get("class") or "").split():
                continue
            top, bottom = box.content_box_y() - 0.5, box.content_box_y() + box.height + 0.5
            seen[element] = any(inner.position_y < top
                                or inner.position_y + inner.margin_height() > bottom
                                for inner in _boxes(box)[1:])
    return [i for i, over in enumerate(seen.values()) if over]
