"""Names in other scripts render with real glyphs from real fonts, in PDF and DOCX."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import docx
import pytest
import yaml

from conftest import (
    EVERYONE,
    copy_workspace,
    docx_text,
    libreoffice_to_pdf,
    pdf_pages,
    pdf_text,
    run,
)

PEOPLE = {
    "latin": ("Zoë Ångström-Łukasiewicz", "Øresund Byggeri ApS", "Liberation"),
    "greek": ("Νίκος Παπαδόπουλος", "Δήμος Αθηναίων", "Liberation"),
    "cyrillic": ("Анна Иванова", "Мосгорпроект", "Liberation"),
    "chinese": ("王芳", "上海市城市规划设计研究院", "CJK"),
    "japanese": ("山田花子", "東京都都市整備局", "CJK"),
    "arabic": ("سارة الأحمد", "بلدية دبي", "Arabic"),
    "hebrew": ("דוד כהן", "עיריית תל אביב", "Liberation"),
}
BIDI_CONTROLS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")


@pytest.fixture(scope="module")
def scripts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    ws = copy_workspace(tmp_path_factory.mktemp("scripts"))
    for cid, (name, organization, _) in PEOPLE.items():
        (ws / "profiles" / "contacts" / f"{cid}.yaml").write_text(yaml.safe_dump({
            "name": name, "organization": organization, "address": "1 Main Street",
            "relationship": "acquaintance",
            "how_we_met": "We met at the World Urban Forum", "local": False},
            allow_unicode=True), encoding="utf-8")
    result = run(ws, "letter", *PEOPLE, "--date", "2026-11-21")
    assert result.code == 0, result.err
    # nothing logged (no font or layout warning) but, once, that no honorific is known,
    # and, for each name written in no Latin letters, that it is greeted as written
    assert [line for line in result.err.splitlines()
            if "no honorific" not in line and "in no Latin letters" not in line] == []
    assert result.err.count("no honorific") == 1
    return ws


def fonts(pdf: Path) -> str:
    return subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True,
                          check=True).stdout


@pytest.mark.parametrize("cid", list(PEOPLE))
def test_pdf_text_and_fonts(scripts: Path, cid: str) -> None:
    name, organization, font = PEOPLE[cid]
    pdf = scripts / "output" / cid / "approach-letter.pdf"
    text = BIDI_CONTROLS.sub("", pdf_text(pdf))  # pdftotext marks right-to-left runs
    assert name in text and organization in text  # in logical order, right to left too
    listing = fonts(pdf)
    assert font in listing, listing
    for line in listing.splitlines()[2:]:
        columns = line.split()
        assert "Type 3" not in line
        assert columns[-5] == "yes", line  # every font embedded


def test_right_to_left_names_keep_their_order(scripts: Path) -> None:
    text = BIDI_CONTROLS.sub("", pdf_text(scripts / "output" / "arabic" /
                                          "approach-letter.pdf"))
    # the words of the name come in reading order, not reversed
    assert text.index("سارة") < text.index("الأحمد")
    text = BIDI_CONTROLS.sub("", pdf_text(scripts / "output" / "hebrew" /
                                          "approach-letter.pdf"))
    assert text.index("דוד") < text.index("כהן")


def test_docx_text_and_font_fallbacks(scripts: Path) -> None:
    for cid, (name, organization, _) in PEOPLE.items():
        path = scripts / "output" / cid / "approach-letter.docx"
        text = docx_text(path)
        assert name in text and organization in text
    document = docx.Document(str(scripts / "output" / "chinese" / "approach-letter.docx"))
    fonts_element = document.styles["Normal"].element.rPr.rFonts
    assert fonts_element.get(
        "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia"
    ) == "Noto Serif CJK SC"


def test_a_script_fits_one_page_when_it_can_in_pdf_and_in_word(tmp_path: Path) -> None:
    """Every sample script runs a little past a page as first set: set once more,
    tighter, it fits on one, and so does its DOCX in LibreOffice."""
    ws = copy_workspace(tmp_path / "ws")
    result = run(ws, "script", *EVERYONE, "--date", "2026-11-21")
    assert result.code == 0, result.err
    pdfs = sorted((ws / "output").glob("*/phone-script.pdf"))
    assert len(pdfs) == 6
    assert [pdf_pages(p) for p in pdfs] == [1] * 6
    converted = libreoffice_to_pdf([p.with_suffix(".docx") for p in pdfs], tmp_path / "lo")
    assert [pdf_pages(p) for p in converted] == [1] * 6
