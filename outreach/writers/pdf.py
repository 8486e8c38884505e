"""PDF through WeasyPrint, many documents in one layout pass.

WeasyPrint is imported here and only here, when a PDF is written, so commands that
write no PDF (``outreach --help``, ``contacts``, DOCX only) start instantly.

All documents of a batch are laid out as one HTML document, each starting on a new
page, then split per document by the page where its anchor lands: one layout pass is
several times faster than one call per document (see ``make bench``).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..document import Document
from .html import document_html, page_html

log = logging.getLogger(__name__)

PAGE_SIZE = {"letter": "Letter", "a4": "A4"}


@dataclass(frozen=True)
class PdfPages:
    """One document's PDF and how many pages it took."""

    data: bytes
    pages: int


def _fetcher(allowed: list[Path], fetched: list[str] | None = None) -> Any:
    from weasyprint.urls import URLFetcher

    roots = [p.resolve() for p in allowed]

    class LocalOnly(URLFetcher):  # type: ignore[misc]
        """Fetches data: URLs and files under the allowed folders; nothing else, ever.
        Every file asked for is noted in ``fetched`` (the layout cache checks them)."""

        def fetch(self, url: str, headers: Any = None) -> Any:
            if url.startswith("data:"):
                return super().fetch(url, headers)
            if url.startswith("file:"):
                from urllib.parse import unquote, urlparse

                path = Path(unquote(urlparse(url).path)).resolve()
                if fetched is not None:
                    fetched.append(str(path))
                if any(path.is_relative_to(root) for root in roots):
                    return super().fetch(url, headers)
            log.warning("not fetched (only files of the workspace and the built-in "
                        "templates are): %s", url)
            raise ValueError(f"outreach fetches nothing from outside: {url}")

    return LocalOnly(allowed_protocols=["data", "file"], allow_redirects=False)


def page_css(paper: str) -> str:
    """The page size rule put before the document CSS."""
    return f"@page {{ size: {PAGE_SIZE[paper]}; }}\n"


def pdf_options(document: Document, metadata: Any) -> dict[str, Any]:
    """An accessible PDF: tagged (PDF/UA-1), with the document's title, author (the
    seeker), subject and language in ``metadata``; returns the options of ``write_pdf``."""
    metadata.title = document.title
    metadata.authors = [document.author] if document.author else []
    metadata.description = document.subject or None
    metadata.lang = document.lang
    return {"pdf_variant": "pdf/ua-1"}


def render(documents: list[Document], css: str, *, compact: frozenset[int] = frozenset(),
           base_url: Path | None = None, allowed: list[Path] | None = None,
           write: bool = True, fetched: list[str] | None = None) -> list[PdfPages]:
    """Lay out all ``documents`` in one pass; return one PDF for each, in order.

    ``compact`` holds the indexes of documents to set tighter (a letter that ran long).
    Without ``write`` only the pages are counted (``data`` is empty): a DOCX-only run
    needs to know that a document fits, not its PDF. Files the layout reads are noted in
    ``fetched``.
    """
    import weasyprint

    if not documents:
        return []
    sections = [document_html(doc, f"doc-{i}", "compact" if i in compact else "")
                for i, doc in enumerate(documents)]
    html = page_html(sections, documents[0].title, documents[0].lang)
    fetcher = _fetcher(allowed or [], fetched)
    laid_out = weasyprint.HTML(
        string=html, base_url=str(base_url) if base_url else None, url_fetcher=fetcher,
    ).render(stylesheets=[weasyprint.CSS(string=page_css(documents[0].paper) + css,
                                         url_fetcher=fetcher)])
    starts: list[int] = []
    for i in range(len(documents)):
        anchor = f"doc-{i}"
        starts.append(next(n for n, page in enumerate(laid_out.pages) if anchor in page.anchors))
    starts.append(len(laid_out.pages))
    out = []
    for i, doc in enumerate(documents):
        pages = laid_out.pages[starts[i]:starts[i + 1]]
        if not write:
            out.append(PdfPages(b"", len(pages)))
            continue
        part = laid_out.copy(pages)
        out.append(PdfPages(part.write_pdf(**pdf_options(doc, part.metadata)), len(pages)))
    return out


def append(letter: bytes, enclosures: list[Path]) -> bytes:
    """The letter followed by every page of each enclosure, in order (pypdf): each as
    its clean copy, a DOCX converted with LibreOffice first (``enclosures.as_pdf``)."""
    import io

    from pypdf import PdfReader, PdfWriter
    from pypdf.errors import PyPdfError

    from ..enclosures import as_pdf
    from ..errors import OutputError, display_path

    # a clone keeps the letter's catalog (its tags, language) and metadata as the file's
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(letter)))
    for path in enclosures:
        try:
            writer.append(io.BytesIO(as_pdf(path)))
        except (PyPdfError, ValueError, OSError) as exc:
            raise OutputError(f"cannot enclose {display_path(path)}: it is not a PDF that "
                              f"can be read ({exc})") from None
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def concatenate(files: list[tuple[Path, bytes | None]]) -> bytes:
    """One print file: every page of each PDF in order, each file starting on a new page.
    Each PDF is given as its path and, when it is in memory, its bytes (else it is read
    from the path)."""
    import io

    from pypdf import PdfWriter
    from pypdf.errors import PyPdfError

    from ..errors import OutputError, display_path

    writer = PdfWriter()
    for path, data in files:
        try:
            writer.append(io.BytesIO(data) if data is not None else str(path))
        except (PyPdfError, ValueError, OSError) as exc:
            raise OutputError(f"cannot put {display_path(path)} in the print file: it is not "
                              f"a PDF that can be read ({exc}); --force writes it again"
                              ) from None
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
