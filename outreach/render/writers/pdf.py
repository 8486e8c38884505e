"""PDF through WeasyPrint, many documents in one layout pass.

WeasyPrint is used here and in ``engine`` only, imported through ``engine`` (inside the
functions that lay out a page, ``# deferred: weasyprint``) when a PDF is written; what of
it is not its documented API is in ``engine``, and only there. So commands that write no
PDF (``outreach --help``, ``contacts``, DOCX only) start at once.

All documents of a batch are laid out as one HTML document, each starting on a new
page, then split per document by the page where its anchor lands: one layout pass is
several times faster than one call per document (see ``make bench``).
"""

from __future__ import annotations

import functools
import io
import json
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from outreach import cache
from outreach.cache import file_state
from outreach.document.model import Document
from outreach.errors import OutputError, display_path
from outreach.logs import capture

from .html import ATTRIBUTES, TAGS, document_html, page_html

log = logging.getLogger(__name__)

PAGE_SIZE = {"letter": "Letter", "a4": "A4"}


@dataclass(frozen=True)
class PdfPages:
    """One document's PDF and how many pages it took."""

    data: bytes
    pages: int


def _fetcher(allowed: list[Path], fetched: list[str] | None = None) -> Any:
    from .engine import local_fetcher  # deferred: weasyprint

    return local_fetcher(allowed, fetched)


def page_css(paper: str, size: str | None = None) -> str:
    """The page size rule put before the document CSS (``size``: another than the
    paper's, the measuring pass's long page). The body has no top or bottom margin: it
    would set the first document of a pass lower than the rest (and leave the last
    less room), and a document must be laid out alike wherever it falls in a pass (the
    layout cache keeps it once). Its side margins, the same for every document, stay."""
    return (f"@page {{ size: {size or PAGE_SIZE[paper]}; }}\n"
            "body { margin-top: 0; margin-bottom: 0; }\n")


def pdf_options(document: Document, metadata: Any) -> dict[str, Any]:
    """An accessible PDF: tagged (PDF/UA-1), with the document's title, author (the
    seeker), subject and language in ``metadata``; returns the options of ``write_pdf``."""
    metadata.title = document.title
    metadata.authors = [document.author] if document.author else []
    metadata.description = document.subject or None
    metadata.lang = document.lang
    return {"pdf_variant": "pdf/ua-1"}


def _lay_out(documents: list[Document], css: str, compact: frozenset[int],
             base_url: Path | None, allowed: list[Path] | None,
             fetched: list[str] | None = None, *, size: str | None = None,
             mark: bool = False) -> Any:
    """All ``documents`` laid out in one WeasyPrint pass, each from a new page; the files
    the layout reads are noted in ``fetched``; ``size`` is the page's (default: the
    paper's); ``mark`` numbers their top-level blocks."""
    from .engine import use_html_stylesheet, weasyprint  # deferred: weasyprint

    sections = [document_html(doc, f"doc-{i}", "compact" if i in compact else "", mark=mark)
                for i, doc in enumerate(documents)]
    html = page_html(sections, documents[0].title, documents[0].lang)
    style = _style(page_css(documents[0].paper, size) + css, tuple(allowed or []))
    for message in style.warnings:  # said for every pass, as if it were parsed again
        log.warning("%s", message)
    if fetched is not None:
        fetched += style.fetched
    page = weasyprint.HTML(string=html, base_url=str(base_url) if base_url else None,
                           url_fetcher=_fetcher(allowed or [], fetched))
    if style.ua is not None:
        use_html_stylesheet(page, style.ua)
    return page.render(stylesheets=[style.css], font_config=style.fonts)


#: The page's margin boxes (CSS Paged Media), as named in an ``@page`` rule.
MARGIN_BOXES = frozenset(
    f"{edge}-{place}" for edge, places in (
        ("top", ("left-corner", "left", "center", "right", "right-corner")),
        ("bottom", ("left-corner", "left", "center", "right", "right-corner")),
        ("left", ("top", "middle", "bottom")), ("right", ("top", "middle", "bottom")))
    for place in places)


def _selectors(prelude: str) -> list[str]:
    """A rule's selectors: its prelude cut at each comma outside parentheses."""
    parts, depth, start = [], 0, 0
    for i, char in enumerate(prelude):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == "," and depth == 0:
            parts.append(prelude[start:i])
            start = i + 1
    return [*parts, prelude[start:]]


def _arguments_read(selector: str) -> str:
    """``selector`` as ``_may_match`` reads it: without its ``:not()`` and ``:has()``,
    which only narrow what it matches (a selector without them matches at least as
    much), and without the arguments of other functional pseudo-classes but ``:is()``
    and ``:where()`` (``:lang(zh)`` and ``:nth-child(2n)`` name no element)."""
    at = 0
    while (found := re.compile(r":([a-z-]+)\(").search(selector, at)) is not None:
        if found.group(1) in ("is", "where", "matches", "any"):
            at = found.end()
            continue
        depth, end = 0, len(selector)
        for i in range(found.end() - 1, len(selector)):
            depth += {"(": 1, ")": -1}.get(selector[i], 0)
            if depth == 0:
                end = i + 1
                break
        kept = "" if found.group(1) in ("not", "has") else f":{found.group(1)}"
        selector = selector[:found.start()] + kept + selector[end:]
        at = found.start() + len(kept)
    return selector


def _may_match(selector: str) -> bool:
    """Whether ``selector`` may match an element outreach's HTML holds: not if the element
    it styles (its last compound) is only of other types, or if it needs an attribute
    that HTML never has. A selector with an escape is kept, unread."""
    selector = _arguments_read(selector.strip().lower())
    if "\\" in selector:
        return True
    if any(name not in ATTRIBUTES for name in re.findall(r"\[\s*([a-z-]+)", selector)):
        return False
    depth, last = 0, 0
    for i, char in enumerate(selector):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth == 0 and char in " >+~":
            last = i + 1
    subject = re.sub(r"\[[^]]*\]", "", selector[last:])
    types = re.findall(r"(?<![-\w.#:])([a-z][a-z0-9-]*)", subject)
    return not types or any(name in TAGS for name in types)


@dataclass(frozen=True)
class _Uses:
    """What of WeasyPrint's stylesheet for HTML a stylesheet of outreach's documents
    calls on beyond the elements: footnotes, notes and margin boxes of the page."""

    footnotes: bool
    notes: bool
    styled: frozenset[str]

    @classmethod
    def of(cls, css: str) -> _Uses:
        return cls(re.search(r"footnote", css, re.IGNORECASE) is not None,
                   re.search(r"note\(", css, re.IGNORECASE) is not None,
                   frozenset(name.lower() for name in re.findall(r"@([a-z-]+)", css,
                                                                 re.IGNORECASE)))

    def selector(self, selector: str) -> bool:
        selector = selector.strip().lower()
        if selector.startswith("::footnote-"):
            return self.footnotes
        if selector.startswith("::note-"):
            return self.notes
        return _may_match(selector)

    def area(self, name: str) -> bool:
        if name == "footnote":
            return self.footnotes
        if name == "note-area":
            return self.notes
        return name not in MARGIN_BOXES or name in self.styled


def ua_css(ua: str, css: str) -> str:
    """WeasyPrint's stylesheet for HTML (``ua``) less the rules that cannot change a
    document outreach lays out with ``css`` (the only stylesheet: outreach's HTML has no
    ``<style>``, and only its own ``style`` attributes):

    - rules that style no element and no attribute outreach's HTML holds (forms, tables…);
    - those of footnotes unless ``css`` names them (``float: footnote``), and of notes
      unless it places one (``position: note()``);
    - the look of each margin box of the page that ``css`` does not style (one it does
      not style is empty, drawn nowhere);
    - the counter styles, which WeasyPrint gives each document on their own.

    Every element had a style made for each part of a footnote and a note, and every
    page one for each of its 16 margin boxes: a sixth of laying out a letter (``make
    bench``). What is left lays out every page as WeasyPrint's whole stylesheet does
    (tested for every kind of document)."""
    import tinycss2  # deferred: tinycss2

    uses = _Uses.of(css)
    kept = []
    for rule in tinycss2.parse_stylesheet(ua, skip_comments=True, skip_whitespace=True):
        if rule.type == "qualified-rule":
            if any(map(uses.selector, _selectors(tinycss2.serialize(rule.prelude)))):
                kept.append(rule.serialize())
        elif rule.type == "at-rule" and rule.lower_at_keyword == "page" and rule.content:
            inner = tinycss2.parse_blocks_contents(rule.content, skip_comments=True,
                                                   skip_whitespace=True)
            body = "".join(f"{node.serialize()};" if node.type == "declaration" else
                           node.serialize() for node in inner
                           if node.type != "at-rule" or uses.area(node.lower_at_keyword))
            kept.append(f"@page{tinycss2.serialize(rule.prelude)}{{{body}}}")
        elif rule.type != "at-rule" or rule.lower_at_keyword != "counter-style":
            kept.append(rule.serialize())
    return "\n".join(kept)


def _ua_sheet(css: str) -> Any:
    """``ua_css`` for ``css``, parsed; None (WeasyPrint's own is used) where WeasyPrint
    keeps no stylesheet for HTML where outreach looks. The text is kept in the cache
    (as JSON: a cut entry is made again), so a process parses only what is left of it."""
    from .engine import html_stylesheet, stylesheet_with_counters  # deferred: weasyprint

    ua = html_stylesheet()
    if ua is None:
        return None

    def read(data: bytes) -> str:
        text = json.loads(data)
        if not isinstance(text, str):
            raise ValueError("not a stylesheet")
        return text

    text = cache.remembered(cache.code_key("ua css", ua, css), lambda: ua_css(ua, css), read)
    return stylesheet_with_counters(text)


@dataclass(frozen=True)
class _Style:
    """A stylesheet parsed once per process, with the fonts its ``@font-face`` rules
    loaded, the files it read and the warnings parsing it gave (both noted again for
    every pass that uses it: the layout cache keeps them with each document)."""

    css: Any
    fonts: Any
    fetched: tuple[str, ...]
    warnings: tuple[str, ...]
    #: WeasyPrint's stylesheet for HTML as ``ua_css`` trims it for ``css`` (None: its own).
    ua: Any = None
    #: The size and time of each file read, when it was parsed: one changed since (a
    #: font replaced while a program using outreach runs on) parses it again.
    states: tuple[tuple[str, int, int], ...] = ()

    def current(self) -> bool:
        return all(file_state(name) == state for name, state in zip(
            self.fetched, self.states, strict=True))


_STYLES: dict[tuple[str, tuple[Path, ...]], _Style] = {}
#: Stylesheets kept parsed at once (a batch uses one or two: its page, a measuring page).
_STYLES_KEPT = 8


def _style(css: str, allowed: tuple[Path, ...]) -> _Style:
    """The parsed stylesheet for ``css``: parsing it, and loading its fonts, took about
    a tenth of each pass's layout (100 letters in passes of 8: 3.84 s, 3.34 s with one
    parse), so every pass of a process shares one."""
    from .engine import weasyprint  # deferred: weasyprint

    FontConfiguration = weasyprint.text.fonts.FontConfiguration

    key = (css, allowed)
    if key not in _STYLES or not _STYLES[key].current():
        fonts, fetched = FontConfiguration(), list[str]()
        with capture(propagate=False) as warnings:
            parsed = weasyprint.CSS(string=css, url_fetcher=_fetcher(list(allowed), fetched),
                                    font_config=fonts)
        _STYLES.pop(key, None)
        while len(_STYLES) >= _STYLES_KEPT:
            del _STYLES[next(iter(_STYLES))]
        _STYLES[key] = _Style(parsed, fonts, tuple(fetched), tuple(warnings),
                              _ua_sheet(css), tuple(map(file_state, fetched)))
    return _STYLES[key]


def _starts(laid_out: Any, count: int) -> list[int]:
    """The page each document starts on, and after them the number of pages."""
    starts = [next(n for n, page in enumerate(laid_out.pages) if f"doc-{i}" in page.anchors)
              for i in range(count)]
    return [*starts, len(laid_out.pages)]


def render(documents: list[Document], css: str, *, compact: frozenset[int] = frozenset(),
           base_url: Path | None = None, allowed: list[Path] | None = None,
           write: bool = True, fetched: list[str] | None = None) -> list[PdfPages]:
    """Lay out all ``documents`` in one pass; return one PDF for each, in order.

    ``compact`` holds the indexes of documents to set tighter (a letter that ran long).
    Without ``write`` only the pages are counted (``data`` is empty): a DOCX-only run
    needs to know that a document fits, not its PDF. Files the layout reads are noted in
    ``fetched``.
    """
    if not documents:
        return []
    laid_out = _lay_out(documents, css, compact, base_url, allowed, fetched)
    starts = _starts(laid_out, len(documents))
    out = []
    for i, doc in enumerate(documents):
        pages = laid_out.pages[starts[i]:starts[i + 1]]
        if not write:
            out.append(PdfPages(b"", len(pages)))
            continue
        part = laid_out.copy(pages)
        out.append(PdfPages(part.write_pdf(**pdf_options(doc, part.metadata)), len(pages)))
    return out


#: The paper's size in CSS pixels (96 to the inch), as WeasyPrint measures.
PAPER_PX = {"letter": (8.5 * 96, 11 * 96), "a4": (210 / 25.4 * 96, 297 / 25.4 * 96)}
#: The height of the one long page a measuring pass lays each document on.
TALL_PX = 400 * 96


@dataclass(frozen=True)
class Extent:
    """Where one top-level block lies (CSS pixels, border box) and its content height."""

    top: float
    bottom: float
    margin_top: float
    margin_bottom: float
    height: float


@dataclass(frozen=True)
class Measure:
    """A document laid out on one long page: its blocks by index, where the content
    starts, and the height a real page gives the content."""

    blocks: tuple[Extent, ...]
    start: float
    page_height: float


def _extents(page: Any, count: int) -> tuple[Extent, ...]:
    from .engine import marked_blocks  # deferred: weasyprint

    found = {n: Extent(*where) for n, where in marked_blocks(page).items()}
    if len(found) != count:  # a block that made no box of its own: nothing to plan on
        return ()
    return tuple(found[n] for n in range(count))


def measure(documents: list[Document], css: str, *, compact: frozenset[int] = frozenset(),
            base_url: Path | None = None, allowed: list[Path] | None = None,
            fetched: list[str] | None = None) -> list[Measure]:
    """Lay each document out on one very long page, and measure its top-level blocks:
    the layout stage places page breaks and sizes the parts that fill the room left."""
    from .engine import content_area  # deferred: weasyprint

    if not documents:
        return []
    width, height = PAPER_PX[documents[0].paper]
    laid_out = _lay_out(documents, css, compact, base_url, allowed, fetched,
                        size=f"{width}px {TALL_PX}px", mark=True)
    out = []
    for i, doc in enumerate(documents):
        page = next(p for p in laid_out.pages if f"doc-{i}" in p.anchors)
        start, real = content_area(page, height)
        out.append(Measure(_extents(page, len(doc.blocks)), start, real))
    return out


@dataclass(frozen=True)
class PrintFile:
    """Several documents laid out as one PDF (a batch of envelopes, a sheet of labels)."""

    data: bytes
    #: The page each document starts on, and after them the number of pages.
    starts: list[int]
    #: For each part role checked, the indexes (in document order) of the parts of that
    #: role whose text runs past the box the stylesheet gives them.
    overflowing: dict[str, list[int]]


def print_file(documents: list[Document], css: str, cover: Document, *,
               check: tuple[str, ...] = (), base_url: Path | None = None,
               allowed: list[Path] | None = None) -> PrintFile:
    """Lay out ``documents`` in one pass as one tagged PDF with ``cover``'s title,
    author, subject and language, and measure the parts named in ``check``."""
    from .engine import overflowing  # deferred: weasyprint

    laid_out = _lay_out(documents, css, frozenset(), base_url, allowed)
    data = laid_out.write_pdf(**pdf_options(cover, laid_out.metadata))
    return PrintFile(data, _starts(laid_out, len(documents)),
                     {role: overflowing(laid_out, role) for role in check})


def append(letter: bytes, enclosures: list[Path], as_pdf: Callable[[Path], bytes]) -> bytes:
    """The letter followed by every page of each enclosure, in order, as ``as_pdf`` gives
    them (``enclosures.as_pdf``: its clean copy, a DOCX converted with LibreOffice
    first). The letter's catalog (its tags, language) and metadata stay the file's.

    Pages are copied by qpdf (pikepdf), which does in C++ what pypdf does in Python:
    about six times faster, measured on the busy week's 40 résumés (``make bench``)."""
    import pikepdf  # deferred: pikepdf

    with pikepdf.open(io.BytesIO(letter)) as out:
        for path in enclosures:
            try:
                pages = _opened(as_pdf(path)).pages
            except (pikepdf.PdfError, ValueError, OSError) as exc:
                raise OutputError(f"cannot enclose {display_path(path)}: it is not a PDF "
                                  f"that can be read ({exc})") from None
            out.pages.extend(pages)
        return _saved(out)


@functools.lru_cache(maxsize=4)
def _opened(data: bytes) -> Any:
    """An enclosure's clean copy opened once per run, however many letters carry it."""
    import pikepdf  # deferred: pikepdf

    return pikepdf.open(io.BytesIO(data))


def _saved(pdf: Any) -> bytes:
    """The PDF's bytes: its streams compressed, its objects packed in object streams
    (as the letter's own are), and the same bytes for the same pages on every run."""
    import pikepdf  # deferred: pikepdf

    out = io.BytesIO()
    pdf.save(out, compress_streams=True, deterministic_id=True,
             object_stream_mode=pikepdf.ObjectStreamMode.generate)
    return out.getvalue()


def concatenate(files: list[tuple[Path, bytes | None]]) -> bytes:
    """One print file: every page of each PDF in order, each file starting on a new page.
    Each PDF is given as its path and, when it is in memory, its bytes (else it is read
    from the path)."""
    import pikepdf  # deferred: pikepdf

    sources: list[Any] = []  # qpdf copies a page's streams when the file is saved
    try:
        with pikepdf.new() as out:
            for path, data in files:
                try:
                    sources.append(pikepdf.open(io.BytesIO(data) if data is not None
                                                else path))
                except (pikepdf.PdfError, ValueError, OSError) as exc:
                    raise OutputError(f"cannot put {display_path(path)} in the print file: "
                                      f"it is not a PDF that can be read ({exc}); --force "
                                      "writes it again") from None
                out.pages.extend(sources[-1].pages)
            return _saved(out)
    finally:
        for source in sources:
            source.close()
