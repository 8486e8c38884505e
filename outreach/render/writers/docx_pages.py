"""What the layout placed in a document, in Word: sized room to write, and the folio.

The layout stage may size a kind's filling parts (a sheet's answer spaces) and break its
pages (``outreach/render/fill.py``); the DOCX writer makes each sized part one empty paragraph
of exactly that line height, and starts a page where the PDF does. A document with a
folio gets a footer on every page: its title at the left, "Page N of M" at the right,
as Word fields (``PAGE``, ``NUMPAGES``) that the reader's software fills in.
"""

from __future__ import annotations

import html
from dataclasses import replace

from lxml import etree

from outreach.document.model import Document, PageBreak, Part

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def escape(text: str) -> str:
    """``&``, ``<`` and ``>`` as XML text holds them (``xml.sax.saxutils.escape`` does
    the same, but imports urllib, http and ssl with it)."""
    return html.escape(text, quote=False)


_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_TYPES = "http://schemas.openxmlformats.org/package/2006/content-types"
FOOTER_REL = _R + "/footer"
FOOTER_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"
#: The relationship id of the folio's footer, in the main part's relationships.
FOOTER_ID = "rIdOutreachFooter"
FOOTER_NAME = "footerOutreach.xml"
#: From the page's foot to the footer's (twentieths of a point): 0.4 inch.
FOOTER_DISTANCE = 576
#: The footer's type, 9 pt (in half-points).
FOOTER_SIZE = 18

#: Word sets the same text a little taller than the PDF (its line spacing, its lists'
#: spacing): a page's text takes about this much more room in Word. A part the layout
#: sized (a sheet's answer space) gives up its share of that, so that Word's pages hold
#: what the PDF's hold (the same page breaks, the same page count). Measured on sheets
#: opened in LibreOffice, with the type of the kind's PDF (``docx.KIND_PT``): 1.03 leaves
#: the answer spaces some 90% of the PDF's height (1.2, with 11.5 pt type, left 70%).
WORD_TALLER = 1.03
#: The least a sized part keeps (points): one line to write on.
LEAST_PT = 12.0


def for_word(document: Document, content: float) -> Document:
    """The parts the layout sized, each page's made smaller by their share of what Word's
    taller text takes more than the PDF's. ``content`` is a page's text height (pt); the
    PDF's pages are full, so the text of a page takes what its sized parts leave."""
    pages: list[list[tuple[int, Part, float]]] = [[]]
    for i, block in enumerate(document.blocks):
        if isinstance(block, PageBreak):
            pages.append([])
        elif isinstance(block, Part) and block.height is not None:
            pages[-1].append((i, block, block.height))
    if not any(pages):
        return document
    blocks = list(document.blocks)
    for sized in filter(None, pages):
        text = content - sum(height for _, _, height in sized)
        less = (WORD_TALLER - 1) * max(0.0, text) / len(sized)
        for i, part, height in sized:
            blocks[i] = replace(part, height=max(LEAST_PT, height - less))
    return replace(document, blocks=tuple(blocks))


def tab_stops(styles: bytes | None, style_id: str) -> list[str]:
    """The positions of a paragraph style's own tab stops (to clear them)."""
    if styles is None or not style_id:
        return []
    for style in etree.fromstring(styles).iter(f"{{{W}}}style"):
        if style.get(f"{{{W}}}styleId") == style_id:
            return [str(tab.get(f"{{{W}}}pos")) for tab in style.iter(f"{{{W}}}tab")
                    if tab.get(f"{{{W}}}pos")]
    return []


def _run(text: str) -> str:
    pieces = "<w:tab/>".join(f'<w:t xml:space="preserve">{escape(p)}</w:t>' if p else ""
                             for p in text.split("\t"))
    return f'<w:r><w:rPr><w:sz w:val="{FOOTER_SIZE}"/></w:rPr>{pieces}</w:r>'


def _field(code: str) -> str:
    return f'<w:fldSimple w:instr="{code}">{_run("1")}</w:fldSimple>'


def footer_xml(title: str, style_id: str, clear: list[str], width: int) -> bytes:
    """The folio's footer part: ``title`` at the left, "Page N of M" at the right margin
    (``width``, twentieths of a point, from the left one); the style's tabs cleared."""
    style = f'<w:pStyle w:val="{escape(style_id)}"/>' if style_id else ""
    tabs = "".join(f'<w:tab w:val="clear" w:pos="{p}"/>' for p in clear if p != str(width))
    tabs += f'<w:tab w:val="right" w:pos="{width}"/>'
    runs = _run(f"{title}\tPage ") + _field("PAGE") + _run(" of ") + _field("NUMPAGES")
    return (f"<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
            f'<w:ftr xmlns:w="{W}" xmlns:r="{_R}"><w:p><w:pPr>{style}<w:tabs>{tabs}</w:tabs>'
            f"</w:pPr>{runs}</w:p></w:ftr>").encode()


def declare_part(parts: dict[str, bytes], rels_name: str, rel: tuple[str, str, str],
                 part: str, content_type: str) -> None:
    """A part declared in the package: the relationship ``rel`` (id, type, target) in
    ``rels_name`` (any of that id replaced) and the part's content type. ``parts`` is
    changed in place."""
    rel_id, rel_type, target = rel
    rels = etree.fromstring(parts.get(rels_name) or f'<Relationships xmlns="{_RELS}"/>'.encode())
    for old in rels.findall(f"{{{_RELS}}}Relationship[@Id='{rel_id}']"):
        rels.remove(old)
    etree.SubElement(rels, f"{{{_RELS}}}Relationship", Id=rel_id, Type=rel_type, Target=target)
    parts[rels_name] = etree.tostring(rels, xml_declaration=True, encoding="UTF-8",
                                      standalone=True)
    types = etree.fromstring(parts["[Content_Types].xml"])
    etree.SubElement(types, f"{{{_TYPES}}}Override", PartName="/" + part,
                     ContentType=content_type)
    parts["[Content_Types].xml"] = etree.tostring(types, xml_declaration=True,
                                                  encoding="UTF-8", standalone=True)


def declare_footer(parts: dict[str, bytes], rels_name: str, part: str) -> None:
    """The folio's footer ``part``, beside the main part whose relationships are in
    ``rels_name``, declared in the package (``FOOTER_ID``)."""
    declare_part(parts, rels_name, (FOOTER_ID, FOOTER_REL, FOOTER_NAME), part, FOOTER_TYPE)


def with_footer(section: etree._Element) -> None:
    """The section's footer on every page is the folio's (the reference's own footers,
    and a first page of its own, set aside)."""
    for old in section.findall(f"{{{W}}}footerReference") + section.findall(f"{{{W}}}titlePg"):
        section.remove(old)
    reference = etree.Element(f"{{{W}}}footerReference")
    reference.set(f"{{{W}}}type", "default")
    reference.set(f"{{{_R}}}id", FOOTER_ID)
    index = sum(1 for c in section if etree.QName(c).localname == "headerReference")
    section.insert(index, reference)
    margins = section.find(f"{{{W}}}pgMar")
    if margins is not None:
        margins.set(f"{{{W}}}footer", str(FOOTER_DISTANCE))
