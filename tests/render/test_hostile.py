"""Data is never template, markup or a command; rendering fetches nothing from outside."""

from __future__ import annotations

import http.server
import re
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import pytest
import yaml

from conftest import REPO, docx_text, pdf_text, run, words

HOSTILE = [
    "{{ 7*7 }}",
    "{% for x in y %}loop{% endfor %}",
    "<b>bold?</b>",
    "Tom & Jerry &amp; Co",
    "</p><script>alert(1)</script>",
    '{ HYPERLINK "http://example.com" } { DATE \\@ "yyyy" }',
    "*stars* _under_ `code` [link](http://x) ![img](http://x)",
    "1. not a list",
    "# not a heading",
    "::: not-a-part",
    "back\\slash",
]


def hostile_workspace(ws: Path) -> None:
    """Put every hostile string where each document kind prints user text."""
    contact_path = ws / "profiles" / "contacts" / "priya-raman.yaml"
    contact = yaml.safe_load(contact_path.read_text(encoding="utf-8"))
    contact["organization"] = HOSTILE[3]
    contact["notes"] = " | ".join(HOSTILE)
    contact["how_we_met"] = HOSTILE[0] + " " + HOSTILE[4]
    contact["history"][-1]["points"] = [HOSTILE[5], HOSTILE[6]]
    contact_path.write_text(yaml.safe_dump(contact, allow_unicode=True), encoding="utf-8")
    profile_path = ws / "profiles" / "candidate.yaml"
    profile = yaml.safe_load(profile_path.read_text(encoding="utf-8"))
    profile["summary"] = "I typed " + HOSTILE[1] + " and " + HOSTILE[2] + "."
    profile_path.write_text(yaml.safe_dump(profile, allow_unicode=True), encoding="utf-8")


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from conftest import copy_workspace

    ws = copy_workspace(tmp_path_factory.mktemp("hostile"))
    hostile_workspace(ws)
    for command in (["letter"], ["script"], ["questions"], ["thank-you"]):
        result = run(ws, *command, "priya-raman", "--date", "2026-11-21")
        assert result.code == 0, result.err
    return ws


@pytest.mark.parametrize("kind,expected", [
    ("approach-letter", [HOSTILE[0] + " " + HOSTILE[4], HOSTILE[1], HOSTILE[2]]),
    ("phone-script", [HOSTILE[1], HOSTILE[2], *HOSTILE[6:]]),
    ("question-sheet", HOSTILE),
    ("thank-you", [HOSTILE[5], HOSTILE[6], HOSTILE[3]]),
])
def test_typed_text_appears_exactly_as_typed(hostile: Path, kind: str,
                                             expected: list[str]) -> None:
    folder = hostile / "output" / "priya-raman"
    # white space aside: a line may wrap anywhere in a long string ("</" | "p>")
    pdf = unspaced(pdf_text(folder / f"{kind}.pdf"))
    docx = unspaced(docx_text(folder / f"{kind}.docx"))
    for text in expected:
        assert unspaced(text) in pdf, (kind, text)
        assert unspaced(text) in docx, (kind, text)
    assert "49" not in pdf  # {{ 7*7 }} was never evaluated


def unspaced(text: str) -> str:
    """White space left out, and curly quotes read as the straight ones typed (quotes
    and apostrophes are set typographically; everything else is as typed)."""
    text = text.translate(str.maketrans("\u201c\u201d\u2018\u2019", "\"\"''"))
    return re.sub(r"\s+", "", text)


def test_docx_holds_no_field_or_markup_from_data(hostile: Path) -> None:
    import zipfile

    folder = hostile / "output" / "priya-raman"
    with zipfile.ZipFile(folder / "question-sheet.docx") as archive:
        xml = archive.read("word/document.xml").decode("utf-8")
    assert "<w:fldSimple" not in xml and "<w:instrText" not in xml
    assert "&lt;script&gt;" in xml and "<script>" not in xml


# -- nothing fetched -------------------------------------------------------------------


class _Recorder(http.server.BaseHTTPRequestHandler):
    requests: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        _Recorder.requests.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[str]:
    _Recorder.requests = []
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,),  # stops in 0.05 s
                              daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_pdf_rendering_fetches_nothing_from_outside(ws: Path, server: str) -> None:
    (ws / "templates").mkdir()
    css = (REPO / "outreach" / "compose" / "templates" / "document.css").read_text(encoding="utf-8")
    (ws / "templates" / "document.css").write_text(
        f'@import url("{server}/evil.css");\n' + css +
        f'\nbody {{ background: url("{server}/x.png"); }}\n'
        '.part.date { background-image: url("file:///etc/passwd"); }\n'
        '@font-face { font-family: Evil; src: url("file:///etc/shadow"); }\n',
        encoding="utf-8")
    result = run(ws, "letter", "jim-park", "--format", "pdf")
    assert result.code == 0, result.err
    assert _Recorder.requests == []  # the server heard nothing
    assert f"{server}/x.png" in result.err and "file:///etc/passwd" in result.err
    assert "Warning:" in result.err
    assert "Dear Mr. Park:" in pdf_text(ws / "output" / "jim-park" / "approach-letter.pdf")


def test_a_template_image_or_link_is_text(ws: Path, server: str) -> None:
    (ws / "templates").mkdir()
    (ws / "templates" / "approach-letter.md.j2").write_text(
        '{% extends "letter.md.j2" %}{% block body %}\n'
        f"![x]({server}/img.png) <img src=\"{server}/raw.png\">\n"
        "{% endblock %}\n", encoding="utf-8")
    assert run(ws, "letter", "jim-park", "--format", "pdf").code == 0
    assert _Recorder.requests == []
    assert f"{server}/img.png" in words(pdf_text(ws / "output" / "jim-park" /
                                               "approach-letter.pdf"))


@pytest.mark.parametrize("name", ["secret.md", "document.css", "questions.yaml"])
def test_a_link_out_of_the_templates_folder_is_refused(ws: Path, tmp_path: Path,
                                                       name: str) -> None:
    secret = tmp_path / "outside" / "id_rsa"
    secret.parent.mkdir()
    secret.write_text("-----BEGIN PRIVATE KEY----- do not print me\n")
    (ws / "templates").mkdir()
    (ws / "templates" / name).symlink_to(secret)
    if name == "secret.md":
        (ws / "templates" / "approach-letter.md.j2").write_text(
            '{% extends "letter.md.j2" %}{% block body %}\n{% include "secret.md" %}\n'
            "{% endblock %}\n", encoding="utf-8")
    result = run(ws, "questions" if name == "questions.yaml" else "letter", "jim-park")
    assert result.code == 1
    assert "leads outside" in result.err and "do not print me" not in result.err
    assert not (ws / "output").exists()
