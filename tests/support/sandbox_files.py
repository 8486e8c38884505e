"""Hostile files for the sandbox tests: PDFs that carry actions, DOCX files that link
outside themselves, and a server on 127.0.0.1 that records every request it gets."""

from __future__ import annotations

import http.server
import io
import re
import struct
import threading
import zipfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import docx
from docx.shared import Inches
from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    FloatObject,
    NameObject,
    NumberObject,
    TextStringObject,
)

from conftest import run, snapshot


def refused(ws: Path, *args: str, hidden: str = "do-not-print-this-secret") -> str:
    """Run a command that must be refused: exit 1, no traceback, one ``Error:`` line
    (returned), ``hidden`` nowhere in the output, nothing written or changed."""
    before = snapshot(ws)
    result = run(ws, *args)
    assert result.code == 1, (result.out, result.err)
    assert "Traceback" not in result.err
    errors = [ln for ln in result.err.splitlines() if ln.startswith("Error: ")]
    assert len(errors) == 1, result.err
    assert hidden not in result.out + result.err
    assert snapshot(ws) == before
    return errors[0]


# -- a server that records everything ------------------------------------------------


class Recorder(http.server.BaseHTTPRequestHandler):
    """Answers any method with 404 and notes it: ``GET /x.png``, ``OPTIONS /``, ..."""

    seen: list[str]

    def __getattr__(self, name: str) -> Callable[[], None]:
        if not name.startswith("do_"):
            raise AttributeError(name)
        return self._record

    def _record(self) -> None:
        self.seen.append(f"{self.command} {self.path}")
        self.send_response(404)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@contextmanager
def recording_server() -> Iterator[tuple[str, list[str]]]:
    """``(base URL, the requests it got)`` while the block runs."""
    seen: list[str] = []
    handler = type("Handler", (Recorder,), {"seen": seen})
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    # shut down within 0.05 s of the block's end (0.5 s by default)
    threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True).start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", seen
    finally:
        httpd.shutdown()
        httpd.server_close()


# -- PDFs ------------------------------------------------------------------------------

def _action(kind: str, **entries: Any) -> DictionaryObject:
    action = DictionaryObject({NameObject("/Type"): NameObject("/Action"),
                               NameObject("/S"): NameObject(kind)})
    for key, value in entries.items():
        action[NameObject("/" + key)] = value
    return action


ACTIONS: dict[str, Callable[[str], DictionaryObject]] = {
    "javascript": lambda url: _action("/JavaScript", JS=TextStringObject(
        f"app.launchURL('{url}/js', true);")),
    "launch": lambda url: _action("/Launch", F=TextStringObject("/bin/sh")),
    "gotor": lambda url: _action("/GoToR", F=TextStringObject(f"{url}/remote.pdf"),
                                 D=ArrayObject([NumberObject(0), NameObject("/Fit")])),
    "submitform": lambda url: _action("/SubmitForm", F=TextStringObject(f"{url}/submit")),
    "uri-script": lambda url: _action("/URI", URI=TextStringObject("javascript:alert(1)")),
}


def _link(page: Any, writer: PdfWriter, action: DictionaryObject, key: str = "/A") -> None:
    annotation = DictionaryObject({
        NameObject("/Type"): NameObject("/Annot"), NameObject("/Subtype"): NameObject("/Link"),
        NameObject("/Rect"): ArrayObject([FloatObject(v) for v in (72, 72, 300, 100)]),
        NameObject(key): action if key == "/A" else DictionaryObject(
            {NameObject("/E"): action})})
    page[NameObject("/Annots")] = ArrayObject([
        *page.get("/Annots", ArrayObject()), writer._add_object(annotation)])


def hostile_pdf(path: Path, url: str, where: str = "everywhere") -> Path:
    """A one-page article (text and a harmless https link) carrying actions: in the
    catalog's open action, the names tree, the page's own actions, a link's action and
    its automatic actions, or ``everywhere``."""
    writer = PdfWriter()
    page = writer.add_blank_page(612, 792)
    _link(page, writer, _action("/URI", URI=TextStringObject("https://example.org/a")))
    if where in ("open", "everywhere"):
        writer.root_object[NameObject("/OpenAction")] = ACTIONS["javascript"](url)
    if where in ("names", "everywhere"):
        script = _action("/JavaScript", JS=TextStringObject(f"app.launchURL('{url}/n');"))
        writer.root_object[NameObject("/Names")] = DictionaryObject({
            NameObject("/JavaScript"): DictionaryObject({NameObject("/Names"): ArrayObject(
                [TextStringObject("run"), writer._add_object(script)])})})
    if where in ("page", "everywhere"):
        page[NameObject("/AA")] = DictionaryObject({NameObject("/O"): ACTIONS["launch"](url)})
    for name in (ACTIONS if where == "everywhere" else [where] if where in ACTIONS else []):
        _link(page, writer, ACTIONS[name](url))
    if where in ("annotation-aa", "everywhere"):
        _link(page, writer, ACTIONS["javascript"](url), key="/AA")
    writer.write(path)
    return path


ACTIVE_NAMES = ("/JavaScript", "/JS", "/Launch", "/GoToR", "/SubmitForm", "/AA",
                "/OpenAction", "javascript:")


def active_content(data: bytes) -> list[str]:
    """The active names left anywhere in a PDF's objects (read back with qpdf's view
    of every object, uncompressed)."""
    import subprocess
    import tempfile

    with tempfile.NamedTemporaryFile(suffix=".pdf") as source:
        source.write(data)
        source.flush()
        plain = subprocess.run(["qpdf", "--qdf", "--object-streams=disable", source.name,
                                "-"], capture_output=True, check=False).stdout
    assert plain.startswith(b"%PDF"), "qpdf could not read the PDF"
    return [name for name in ACTIVE_NAMES if name.encode() in plain]


def pdf_page_count(data: bytes) -> int:
    return len(PdfReader(io.BytesIO(data)).pages)


# -- DOCX ------------------------------------------------------------------------------

def png() -> bytes:
    """A red PNG of 4 by 4 pixels."""
    def chunk(tag: bytes, data: bytes) -> bytes:
        body = tag + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(b"\x00" + b"\xff\x00\x00" * 4 for _ in range(4))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 4, 4, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def linking_docx(path: Path, targets: dict[str, str], text: str = "An article.") -> Path:
    """A DOCX whose picture is linked, not embedded, to ``targets["image"]``; with a
    hyperlink to ``targets["link"]``, an attached template ``targets["template"]``, and
    a header whose picture links to ``targets["header"]`` (each when given)."""
    document = docx.Document()
    for line in text.splitlines():
        document.add_paragraph(line)
    document.add_picture(io.BytesIO(png()), width=Inches(1))
    section = document.sections[0]
    section.header.paragraphs[0].add_run().add_picture(io.BytesIO(png()), width=Inches(0.5))
    buffer = io.BytesIO()
    document.save(buffer)
    source = zipfile.ZipFile(buffer)
    with zipfile.ZipFile(path, "w") as target:
        for info in source.infolist():
            target.writestr(info, _linked(info.filename, source.read(info), targets))
        if "template" in targets:
            target.writestr("word/_rels/settings.xml.rels", _rels(
                _rel("rIdT", "attachedTemplate", targets["template"])))
    return path


def _rel(rid: str, kind: str, url: str) -> bytes:
    return (f'<Relationship Id="{rid}" Type="{REL}/{kind}" Target="{url}" '
            'TargetMode="External"/>').encode()


def _rels(*entries: bytes) -> bytes:
    return (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns='
            b'"http://schemas.openxmlformats.org/package/2006/relationships">'
            + b"".join(entries) + b"</Relationships>")


def _linked(name: str, data: bytes, targets: dict[str, str]) -> bytes:
    """One part of the DOCX, its pictures turned into links to ``targets``."""
    image = {"word/_rels/document.xml.rels": targets.get("image"),
             "word/_rels/header1.xml.rels": targets.get("header")}.get(name)
    if image:
        data = re.sub(rb'Target="media/[^"]+"', f'Target="{image}" TargetMode="External"'
                      .encode(), data, count=1)
    if name == "word/_rels/document.xml.rels" and "link" in targets:
        data = data.replace(b"</Relationships>",
                            _rel("rIdL", "hyperlink", targets["link"]) + b"</Relationships>")
    if name in ("word/document.xml", "word/header1.xml"):
        data = data.replace(b"r:embed=", b"r:link=")
    if name == "word/document.xml" and "link" in targets:
        data = data.replace(b"</w:body>", b'<w:p><w:hyperlink r:id="rIdL"><w:r><w:t>a link'
                                          b"</w:t></w:r></w:hyperlink></w:p></w:body>")
    if name == "word/settings.xml" and "template" in targets:
        data = data.replace(b"</w:settings>", b'<w:attachedTemplate r:id="rIdT"/>'
                                              b"</w:settings>")
    return data


def external_relationships(data: bytes) -> list[str]:
    """Every ``TargetMode="External"`` target in any part of a DOCX."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return [target.decode() for name in archive.namelist() if name.endswith(".rels")
                for target in re.findall(rb'Target="([^"]+)"[^>]*TargetMode="External"',
                                         archive.read(name))]
