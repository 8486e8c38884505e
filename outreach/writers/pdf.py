"""PDF through WeasyPrint, many documents in one layout pass.

WeasyPrint is imported here and only here, when a PDF is written, so commands that
write no PDF (``outreach --help``, ``contacts``, DOCX only) start instantly.

All documents of a batch are laid out as one HTML document, each starting on a new
page, then split per document by the page where its anchor lands: one layout pass is
several times faster than one call per document (see ``make bench``).
"""

from __future__ import annotations

import functools
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
        part.metadata.title = doc.title
        part.metadata.description = doc.subject or None
        part.metadata.authors = [doc.author] if doc.author else []
        part.metadata.lang = doc.lang
        out.append(PdfPages(part.write_pdf(), len(pages)))
    return out


def docx_to_pdf(path: Path) -> bytes:
    """A DOCX enclosure (a résumé kept in Word) as PDF, converted by LibreOffice once per
    run however many letters enclose it."""
    stat = path.stat()
    return _docx_to_pdf(str(path.resolve()), stat.st_mtime_ns, stat.st_size)


@functools.cache
def _docx_to_pdf(name: str, _mtime: int, _size: int) -> bytes:
    path = Path(name)
    import shutil
    import subprocess
    import tempfile

    from ..errors import OutputError, display_path

    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise OutputError(
            f"{display_path(path)} is a DOCX file; to put its pages into the PDF, outreach "
            "converts it with LibreOffice, which is not installed (Debian: "
            "libreoffice-writer-nogui). Install it, or point resume: at a PDF export")
    with tempfile.TemporaryDirectory(prefix="outreach-") as tmp:
        source = Path(tmp) / "enclosure.docx"
        shutil.copyfile(path, source)
        profile = Path(tmp) / "profile"
        done = subprocess.run(
            [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless",
             "--convert-to", "pdf", "--outdir", tmp, str(source)],
            capture_output=True, text=True, timeout=180, check=False)
        result = Path(tmp) / "enclosure.pdf"
        if done.returncode != 0 or not result.is_file():
            raise OutputError(f"LibreOffice could not convert {display_path(path)} to PDF: "
                              f"{(done.stderr or done.stdout).strip()[:200]}")
        return result.read_bytes()


def read_once(path: Path) -> bytes:
    """An enclosure's bytes, read once per run however many letters carry it (a changed
    file is read again)."""
    stat = path.stat()
    return _read(str(path.resolve()), stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=16)
def _read(name: str, _mtime: int, _size: int) -> bytes:
    return Path(name).read_bytes()


def append(letter: bytes, enclosures: list[Path]) -> bytes:
    """The letter followed by every page of each enclosure, in order (pypdf). PDF files
    go in as they are; DOCX files are converted with LibreOffice first."""
    import io

    from pypdf import PdfReader, PdfWriter
    from pypdf.errors import PyPdfError

    from ..errors import OutputError, display_path

    writer = PdfWriter()
    writer.append(io.BytesIO(letter))
    info = PdfReader(io.BytesIO(letter)).metadata
    if info:  # the letter's title and subject stay the file's
        writer.add_metadata({key: str(value) for key, value in info.items()})
    for path in enclosures:
        try:
            if path.suffix.lower() == ".docx":
                writer.append(io.BytesIO(docx_to_pdf(path)))
            else:
                writer.append(io.BytesIO(read_once(path)))
        except (PyPdfError, ValueError, OSError) as exc:
            raise OutputError(f"cannot enclose {display_path(path)}: it is not a PDF that "
                              f"can be read ({exc})") from None
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def concatenate(files: list[Path | bytes]) -> bytes:
    """One print file: every page of each PDF in order, each file starting on a new page.
    A PDF just made is given as its bytes; one kept from an earlier run, as its path."""
    import io

    from pypdf import PdfWriter
    from pypdf.errors import PyPdfError

    from ..errors import OutputError, display_path

    writer = PdfWriter()
    for item in files:
        try:
            writer.append(io.BytesIO(item) if isinstance(item, bytes) else str(item))
        except (PyPdfError, ValueError, OSError) as exc:
            where = "a letter" if isinstance(item, bytes) else display_path(item)
            raise OutputError(f"cannot put {where} in the print file: it is not "
                              f"a PDF that can be read ({exc}); --force writes it again"
                              ) from None
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
