"""Accessible PDFs: every kind is tagged (PDF/UA-1) with its language, title, author and
subject, read back with poppler and qpdf; a contact's name in another language is marked
with it, so a Japanese name is drawn with a Japanese font."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from conftest import run
from outreach.document.model import Document, Paragraph, Span
from outreach.render.writers.html import document_html

YAMADA = """name: 山田 花子
salutation: 山田様
{lang}title: 都市計画課長
organization: 横浜市都市整備局
address: |
  横浜市中区本町6-50-10
email: yamada@example.jp
relationship: acquaintance
how_we_met: We met at the Congress for New Urbanism in Chicago
"""


def pdfinfo(path: Path) -> dict[str, str]:
    out = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True,
                         text=True).stdout
    return dict(re.findall(r"^([^:]+):\s*(.*)$", out, re.M))


def catalog_lang(path: Path) -> str:
    """The document language in the PDF's catalog (/Lang), as qpdf shows it."""
    def show(obj: str) -> str:
        return subprocess.run(["qpdf", f"--show-object={obj}", str(path)], check=True,
                              capture_output=True, text=True).stdout
    root = re.search(r"/Root (\d+) 0 R", show("trailer"))
    assert root is not None
    lang = re.search(r"/Lang \(([^)]*)\)", show(root.group(1)))
    return lang.group(1) if lang else ""


def fonts(path: Path) -> str:
    return subprocess.run(["pdffonts", str(path)], check=True, capture_output=True,
                          text=True).stdout


def _set_profile_lang(ws: Path, lang: str) -> None:
    profile = ws / "profiles" / "candidate.yaml"
    profile.write_text(profile.read_text(encoding="utf-8") + f"lang: {lang}\n",
                       encoding="utf-8")


@pytest.mark.parametrize("lang", ["en", "en-GB"])
def test_every_pdf_kind_is_tagged_with_language_title_author_and_subject(
        ws: Path, lang: str) -> None:
    if lang != "en":
        _set_profile_lang(ws, lang)
    day = ["--date", "2026-11-21", "--format", "pdf"]
    for args in (["letter", "jim-park"], ["script", "jim-park"], ["questions", "jim-park"],
                 ["thank-you", "priya-raman", "evelyn-okafor"]):
        assert run(ws, *args, *day).code == 0
    out = ws / "output"
    files = {out / "jim-park" / f"{k}.pdf" for k in
             ("approach-letter", "phone-script", "question-sheet")}
    files |= {out / "priya-raman" / "thank-you.pdf", out / "evelyn-okafor" / "thank-you.pdf"}
    for path in sorted(files):
        info = pdfinfo(path)
        assert info["Tagged"] == "yes", path
        assert info["Author"] == "Dana Kehr", path
        assert info["Title"] and info["Subject"], path
        assert catalog_lang(path) == lang, path
    # the résumé's pages follow the letter, and the file is still the tagged letter's
    priya = out / "priya-raman" / "thank-you.pdf"
    assert pdfinfo(priya)["Pages"] == "2"
    assert pdfinfo(priya)["Subject"] == "thank-you for the meeting of 2026-11-18"


@pytest.mark.parametrize("fmt", ["pdf", "docx"])
def test_the_profile_language_goes_into_the_docx_too(ws: Path, fmt: str) -> None:
    import docx

    _set_profile_lang(ws, "fr-CA")
    assert run(ws, "letter", "jim-park", "--format", fmt).code == 0
    path = ws / "output" / "jim-park" / f"approach-letter.{fmt}"
    if fmt == "pdf":
        assert catalog_lang(path) == "fr-CA"
    else:
        props = docx.Document(str(path)).core_properties
        assert (props.language, props.author) == ("fr-CA", "Dana Kehr")


def test_a_japanese_name_is_drawn_with_a_japanese_font_when_the_contact_says_so(
        ws: Path) -> None:
    contacts = ws / "profiles" / "contacts"
    (contacts / "yamada-hanako.yaml").write_text(YAMADA.format(lang="lang: ja\n"),
                                                 encoding="utf-8")
    (contacts / "yamada-unmarked.yaml").write_text(YAMADA.format(lang=""), encoding="utf-8")
    assert run(ws, "letter", "yamada-hanako", "yamada-unmarked", "--format", "pdf").code == 0
    marked = fonts(ws / "output" / "yamada-hanako" / "approach-letter.pdf")
    unmarked = fonts(ws / "output" / "yamada-unmarked" / "approach-letter.pdf")
    assert "Noto-Serif-CJK-JP" in marked and "CJK-SC" not in marked
    # without lang, the same name falls back to the Chinese forms of the Han characters
    assert "CJK-JP" not in unmarked and "Noto-Serif-CJK-SC" in unmarked
    assert catalog_lang(ws / "output" / "yamada-hanako" / "approach-letter.pdf") == "en"


def test_foreign_phrases_are_marked_in_the_html_and_nothing_else_is() -> None:
    doc = Document("approach-letter", "t", "letter",
                   (Paragraph((Span("Dear 山田様: & <b> 山田 花子"),)),),
                   lang="en", foreign=(("山田 花子", "ja"), ("山田様", "ja"), ("x\"y", "ja")))
    html = document_html(doc, "doc-0")
    assert 'lang="en"' in html
    assert ('Dear <span lang="ja">山田様</span>: &amp; &lt;b&gt; '
            '<span lang="ja">山田 花子</span>') in html


@pytest.mark.parametrize("value", ["english", "e", "ja_JP", "'en us'"])
def test_a_bad_language_tag_is_an_error_with_its_line(ws: Path, value: str) -> None:
    contact = ws / "profiles" / "contacts" / "jim-park.yaml"
    lines = contact.read_text(encoding="utf-8").splitlines()
    contact.write_text("\n".join([*lines[:3], f"lang: {value}", *lines[3:]]) + "\n",
                       encoding="utf-8")
    result = run(ws, "letter", "jim-park")
    assert result.code == 1
    assert re.search(r"jim-park\.yaml:4: lang: ", result.err), result.err
    assert "Traceback" not in result.err
    assert not (ws / "output").exists()
