"""The DOCX writer as it was before it prepared the reference once (python-docx for every
document), kept to compare the fast writer's files with: same words, same pages. The
style each part takes is the reference DOCX's, named by the writer of today's table.
"""

from __future__ import annotations

import io
import logging
from typing import Any

from docx import Document as open_docx
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_BREAK
from docx.oxml.ns import qn
from docx.shared import Inches, Mm, Pt

from outreach.document.model import Block, Document, Heading, ListBlock, Paragraph, Part, Span
from outreach.errors import TemplateError
from outreach.render.writers.docx import DEFAULT_STYLE, LIST_STYLES, ROLE_STYLES

log = logging.getLogger(__name__)

PAGE = {"letter": (Inches(8.5), Inches(11)), "a4": (Mm(210), Mm(297))}


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

    def paragraph(self, spans: tuple[Span, ...], style: str, prefix: str = "") -> None:
        para = self.doc.add_paragraph(style=self.style(style))
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
                    self.paragraph((), inner)

    def keep_close_with_body(self) -> None:
        """The last body paragraph, the close and the signature stay on one page."""
        paragraphs = self.doc.paragraphs
        for index, para in enumerate(paragraphs):
            if para.style is not None and para.style.name == "Closing" and index:
                paragraphs[index - 1].paragraph_format.keep_with_next = True



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
    writer.doc.core_properties.title = document.title[:255]  # the format's limit
    writer.doc.core_properties.subject = document.subject[:255]
    writer.blocks(document.blocks, DEFAULT_STYLE)
    writer.keep_close_with_body()
    out = io.BytesIO()
    writer.doc.save(out)
    return out.getvalue()
