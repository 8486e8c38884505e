"""Build outreach/compose/templates/reference.docx: the Word styles every DOCX is written with.

Run ``python tools/make_reference_docx.py`` after changing a style here. Users restyle
their own documents by copying the built file into their workspace's templates/ and
editing the styles in Word; the names below are the contract with the DOCX writer.
"""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Inches, Pt, RGBColor

from outreach.render.writers.docx import LIST_STYLES, ROLE_STYLES

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "outreach" / "compose" / "templates" / "reference.docx"
FONT = "Times New Roman"  # LibreOffice renders it with the metric-compatible Liberation Serif
SIZE = Pt(11.5)
#: Chinese and Japanese text; Word without it substitutes its own CJK font.
EAST_ASIAN = "Noto Serif CJK SC"

#: A list item's text is indented as in the PDF; its marker (• or 12.) sits before it.
LIST_INDENT = 24
MARKER_WIDTH = {"Bullet Item": 7, "Numbered Item": 14}

# name: (space before, space after, keep with next, italic)
SPACING: dict[str, tuple[float, float, bool, bool]] = {
    "Sender": (0, 18, False, False),
    "Letter Date": (0, 18, False, False),
    "Inside Address": (0, 18, False, False),
    "Salutation": (0, 9, True, False),
    "Body Text": (0, 9, False, False),
    "Closing": (4, 0, True, False),
    "Signature": (36, 0, False, False),
    "Enclosure": (18, 0, False, False),
    "Note": (0, 9, False, True),
    "Answer Space": (0, 26, False, False),
    "Short Answer Space": (0, 14, False, False),
    "Spoken": (0, 6, False, False),
    "Question": (6, 0, True, False),
    "Meta": (0, 6, False, False),
}


def _set_fonts(style_font: object) -> None:
    font = style_font
    font.name = FONT  # type: ignore[attr-defined]
    font.size = SIZE  # type: ignore[attr-defined]
    rpr = font.element.rPr  # type: ignore[attr-defined]
    fonts = rpr.find(qn("w:rFonts"))
    for attr in ("w:ascii", "w:hAnsi", "w:cs"):  # Latin, Greek, Cyrillic, Hebrew, Arabic
        fonts.set(qn(attr), FONT)
    fonts.set(qn("w:eastAsia"), EAST_ASIAN)  # Chinese and Japanese names


def _bottom_border(style: object) -> None:
    ppr = style.element.get_or_add_pPr()  # type: ignore[attr-defined]
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "4"), ("w:space", "1"),
                       ("w:color", "999999")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    ppr.append(borders)


def main() -> None:
    doc = Document()
    styles = doc.styles
    normal = styles["Normal"]
    _set_fonts(normal.font)
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.line_spacing = 1.0
    for name in sorted({*ROLE_STYLES.values(), *LIST_STYLES.values()}):
        style = styles[name] if name in [s.name for s in styles] else styles.add_style(
            name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = normal
        style.quick_style = True
        fmt = style.paragraph_format
        before, after, keep, italic = SPACING.get(name, (0, 4, False, False))
        fmt.space_before, fmt.space_after = Pt(before), Pt(after)
        fmt.keep_with_next = keep
        fmt.widow_control = True
        style.font.italic = italic or None
        style.font.name = FONT
        if name in LIST_STYLES.values():  # where the PDF puts them: the text 24 pt in,
            fmt.left_indent = Pt(LIST_INDENT)  # the marker just before it
            fmt.first_line_indent = Pt(-MARKER_WIDTH[name])
            fmt.tab_stops.add_tab_stop(Pt(LIST_INDENT))
            fmt.space_after = Pt(4)
        if name in ("Answer Space", "Short Answer Space"):
            _bottom_border(style)
        if name in ("Spoken", "Question"):
            fmt.left_indent = Inches(0.3)
        if name == "Question":
            fmt.first_line_indent = Inches(-0.3)
            fmt.tab_stops.add_tab_stop(Inches(0.3))
    for name, size in (("Title", 15), ("Heading 1", 12.5), ("Heading 2", 11.5)):
        style = styles[name]
        style.font.name = FONT
        style.font.size = Pt(size)
        style.font.bold = True
        style.font.color.rgb = RGBColor(0x11, 0x11, 0x11)
        style.paragraph_format.space_before = Pt(0 if name == "Title" else 10)
        style.paragraph_format.space_after = Pt(4)
        style.paragraph_format.keep_with_next = True
        rpr = style.element.get_or_add_rPr()
        fonts = rpr.find(qn("w:rFonts"))
        if fonts is not None:
            for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
                if fonts.get(qn(attr)) is not None:
                    del fonts.attrib[qn(attr)]
            fonts.set(qn("w:ascii"), FONT)
            fonts.set(qn("w:hAnsi"), FONT)
    title_ppr = styles["Title"].element.pPr
    if title_ppr is not None:  # the default Title has a blue rule under it
        for border in title_ppr.findall(qn("w:pBdr")):
            title_ppr.remove(border)
    body = doc.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)
    doc.core_properties.title = "outreach reference styles"
    doc.core_properties.author = "outreach"
    doc.save(OUT)
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
