"""DOCX through python-docx, styled by a reference document.

The writer starts from ``reference.docx`` (the workspace's ``templates/`` first, the
built-in one last) and uses its paragraph styles by name, so a user restyles every
letter by editing that file in Word. Text goes in as plain runs: a field code or
markup typed in a contact's notes stays text.
"""

from __future__ import annotations

import io
import logging
from dataclasses import replace
from typing import Any

from docx import Document as open_docx
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_BREAK, WD_LINE_SPACING, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Inches, Mm, Pt

from ..document import Block, Document, Heading, ListBlock, PageBreak, Paragraph, Part, Span
from ..errors import TemplateError

log = logging.getLogger(__name__)

#: The paragraph style each part's paragraphs take; the reference DOCX defines them.
ROLE_STYLES = {
    "sender": "Sender",
    "date": "Letter Date",
    "inside-address": "Inside Address",
    "salutation": "Salutation",
    "body": "Body Text",
    "close": "Closing",
    "signature": "Signature",
    "enclosure": "Enclosure",
    "note": "Note",
    "answer": "Answer Space",
    "short-answer": "Short Answer Space",
    "say": "Spoken",
    "question": "Question",
    "meta": "Meta",
}
LIST_STYLES = {True: "Numbered Item", False: "Bullet Item"}
DEFAULT_STYLE = "Body Text"

PAGE = {"letter": (Inches(8.5), Inches(11)), "a4": (Mm(210), Mm(297))}
#: Word sets the same text a little taller than the PDF (its line spacing, its lists'
#: spacing): a page's text takes about this much more room in Word. A part the layout
#: sized (a sheet's answer space) gives up its share of that, so that Word's pages hold
#: what the PDF's hold (the same page breaks, the same page count).
WORD_TALLER = 1.2


class _Writer:
    def __init__(self, reference: bytes) -> None:
        try:
            self.doc = open_docx(io.BytesIO(reference))
        except Exception as exc:  # not a zip, not a Word document, a damaged one
            raise TemplateError(f"reference.docx is not a Word document that can be used "
                                f"for styles ({type(exc).__name__}: {exc}); save it again "
                                "from Word as .docx, or delete it to use the built-in one"
                                ) from None
        self.styles = {s.name for s in self.doc.styles}
        #: The next paragraph starts a page (the layout placed a page break before it).
        self.break_next = False
        body = self.doc.element.body
        for child in list(body):
            if child.tag != qn("w:sectPr"):
                body.remove(child)

    def style(self, name: str) -> str:
        if name in self.styles:
            return name
        log.warning("reference.docx has no paragraph style %r; using Normal", name)
        self.styles.add(name)  # warn once
        return "Normal"

    def paragraph(self, spans: tuple[Span, ...], style: str, prefix: str = "") -> Any:
        para = self.doc.add_paragraph(style=self.style(style))
        if self.break_next:
            para.paragraph_format.page_break_before = True
            self.break_next = False
        if prefix:
            para.add_run(prefix)
        for span in spans:
            for n, line in enumerate(span.text.split("\n")):
                if n:
                    para.add_run().add_break(WD_BREAK.LINE)
                if line:
                    run = para.add_run(line)
                    run.bold = span.bold or None
                    run.italic = span.italic or None
        return para

    def blocks(self, blocks: tuple[Block, ...], style: str) -> None:
        for block in blocks:
            if isinstance(block, Paragraph):
                self.paragraph(block.spans, style)
            elif isinstance(block, Heading):
                style = "Title" if block.level == 1 else f"Heading {block.level - 1}"
                self.paragraph(block.spans, style)
            elif isinstance(block, ListBlock):
                for n, item in enumerate(block.items, start=block.start):
                    marker = f"{n}.\t" if block.ordered else "•\t"
                    first, *rest = item or (Paragraph(()),)
                    spans = first.spans if isinstance(first, Paragraph) else ()
                    self.paragraph(spans, LIST_STYLES[block.ordered], prefix=marker)
                    self.blocks(tuple(rest), style)
            elif isinstance(block, Part):
                inner = ROLE_STYLES.get(block.role, style)
                if block.blocks:
                    self.blocks(block.blocks, inner)
                else:  # an empty part is room to write: one empty paragraph
                    _sized(self.paragraph((), inner), block.height)
            elif isinstance(block, PageBreak):
                self.break_next = True

    def keep_close_with_body(self) -> None:
        """The last body paragraph, the close and the signature stay on one page."""
        paragraphs = self.doc.paragraphs
        for index, para in enumerate(paragraphs):
            if para.style is not None and para.style.name == "Closing" and index:
                paragraphs[index - 1].paragraph_format.keep_with_next = True



def _sized(para: Any, height: float | None) -> None:
    """Room to write as tall as the layout made it: one line of that exact height, the
    style's border below it."""
    if height is None:
        return
    fmt = para.paragraph_format
    fmt.space_before = fmt.space_after = Pt(0)
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(round(height, 1))


def _for_word(document: Document, content: float) -> Document:
    """The parts the layout sized, each page's made smaller by their share of what Word's
    taller text takes more than the PDF's. ``content`` is a page's text height (pt); the
    PDF's pages are full, so the text of a page takes what its sized parts leave."""
    pages: list[list[tuple[int, Part, float]]] = [[]]
    for i, block in enumerate(document.blocks):
        if isinstance(block, PageBreak):
            pages.append([])
        elif isinstance(block, Part) and block.height is not None:
            pages[-1].append((i, block, block.height))
    blocks = list(document.blocks)
    for sized in filter(None, pages):
        text = content - sum(height for _, _, height in sized)
        less = (WORD_TALLER - 1) * max(0.0, text) / len(sized)
        for i, part, height in sized:
            blocks[i] = replace(part, height=max(12.0, height - less))
    return replace(document, blocks=tuple(blocks))


def _field(para: Any, code: str) -> None:
    """A Word field (``PAGE``, ``NUMPAGES``) that the reader's software fills in."""
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), code)
    run = OxmlElement("w:r")
    props, size = OxmlElement("w:rPr"), OxmlElement("w:sz")
    size.set(qn("w:val"), "18")  # 9 pt, as the rest of the footer
    props.append(size)
    run.append(props)
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    para._p.append(field)


def _folio(doc: Any, title: str, styles: set[str]) -> None:
    """Every page's footer: the title at the left, "Page N of M" at the right."""
    section = doc.sections[0]
    section.footer_distance = Inches(0.4)
    footer = section.footer
    footer.is_linked_to_previous = False
    para = footer.paragraphs[0] if footer.paragraphs else footer.add_paragraph()
    if "Footer" in styles:
        para.style = doc.styles["Footer"]
    tabs = para.paragraph_format.tab_stops
    for stop in para.style.paragraph_format.tab_stops:  # the style's own tabs, cleared
        tabs.add_tab_stop(stop.position, WD_TAB_ALIGNMENT.CLEAR)
    width = section.page_width - section.left_margin - section.right_margin
    tabs.add_tab_stop(width, WD_TAB_ALIGNMENT.RIGHT)
    para.add_run(f"{title}\tPage ").font.size = Pt(9)
    _field(para, "PAGE")
    para.add_run(" of ").font.size = Pt(9)
    _field(para, "NUMPAGES")


def _tighten(doc: Any) -> None:
    """The Word counterpart of the PDF's ``.compact``: smaller type, less space."""
    for style in doc.styles:
        if style.type != WD_STYLE_TYPE.PARAGRAPH:
            continue
        font = style.font
        if font.size is not None:
            font.size = Pt(round(font.size.pt * 10.5 / 11.5 * 2) / 2)
        fmt = style.paragraph_format
        for attr in ("space_before", "space_after"):
            value = getattr(fmt, attr)
            if value is not None:
                setattr(fmt, attr, Pt(value.pt * 0.7))


def render_with(document: Document, reference: bytes, *, compact: bool = False) -> bytes:
    """The document as DOCX bytes, styled by ``reference``; ``compact`` sets it tighter
    (as the PDF was, when it would not otherwise fit its pages)."""
    writer = _Writer(reference)
    if compact:
        _tighten(writer.doc)
    width, height = PAGE[document.paper]
    for section in writer.doc.sections:
        section.page_width, section.page_height = width, height
        if document.is_letter:
            section.left_margin = section.right_margin = section.top_margin = Inches(1)
            section.bottom_margin = Inches(0.9)
        else:  # scripts and sheets: narrower margins, more room to write
            section.left_margin = section.right_margin = Inches(0.75)
            section.top_margin = section.bottom_margin = Inches(0.75)
    if document.folio:
        _folio(writer.doc, document.title, writer.styles)
    margins = Inches(1.9) if document.is_letter else Inches(1.5)  # top and bottom
    document = _for_word(document, height.pt - margins.pt)
    writer.doc.core_properties.title = document.title[:255]  # the format's limit
    writer.doc.core_properties.subject = document.subject[:255]
    writer.doc.core_properties.language = document.lang
    writer.doc.core_properties.author = document.author[:255]
    writer.blocks(document.blocks, DEFAULT_STYLE)
    writer.keep_close_with_body()
    out = io.BytesIO()
    writer.doc.save(out)
    return out.getvalue()
