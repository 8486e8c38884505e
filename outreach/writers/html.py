"""The neutral document model as HTML, the input of the PDF writer.

Every piece of text is HTML-escaped here and nowhere else: whatever a user typed is
shown as typed. A part becomes ``<div class="part ROLE">``; document.css styles it.
"""

from __future__ import annotations

import re
from html import escape

from ..document import Block, Document, Heading, ListBlock, Paragraph, Part, Span


def _spans(spans: tuple[Span, ...]) -> str:
    out = []
    for span in spans:
        text = "<br>".join(escape(line) for line in span.text.split("\n"))
        if span.bold:
            text = f"<strong>{text}</strong>"
        if span.italic:
            text = f"<em>{text}</em>"
        out.append(text)
    return "".join(out)


def _block(block: Block) -> str:
    if isinstance(block, Paragraph):
        return f"<p>{_spans(block.spans)}</p>"
    if isinstance(block, Heading):
        level = min(block.level, 6)
        return f"<h{level}>{_spans(block.spans)}</h{level}>"
    if isinstance(block, ListBlock):
        tag = "ol" if block.ordered else "ul"
        start = f' start="{block.start}"' if block.ordered and block.start != 1 else ""
        items = "".join(f"<li>{_blocks(item)}</li>" for item in block.items)
        return f"<{tag}{start}>{items}</{tag}>"
    assert isinstance(block, Part)
    return f'<div class="part {escape(block.role)}">{_blocks(block.blocks)}</div>'


def _blocks(blocks: tuple[Block, ...]) -> str:
    return "".join(_block(b) for b in blocks)


def _mark_foreign(html: str, foreign: tuple[tuple[str, str], ...]) -> str:
    """Each phrase in another language, wherever it stands in the text, wrapped in a
    ``<span lang>`` (longest first, so a salutation that holds the name is one span)."""
    langs = {escape(text): lang for text, lang in foreign if text.strip()}
    if not langs:
        return html
    phrases = re.compile("|".join(re.escape(t) for t in sorted(langs, key=len, reverse=True)))

    def text_node(match: re.Match[str]) -> str:
        return phrases.sub(lambda m: f'<span lang="{escape(langs[m.group(0)])}">'
                                     f"{m.group(0)}</span>", match.group(0))

    return re.sub(r"(?<=>)[^<]+", text_node, html)


def document_html(document: Document, anchor: str, extra_class: str = "") -> str:
    """One document as a ``<section>`` in its language; ``anchor`` is its id, to find its
    first page."""
    classes = f"document {escape(document.kind)} {extra_class}".strip()
    body = _mark_foreign(_blocks(document.blocks), document.foreign)
    return (f'<section id="{anchor}" class="{classes}" lang="{escape(document.lang)}">'
            f"{body}</section>")


def page_html(sections: list[str], title: str, lang: str = "en") -> str:
    body = "\n".join(sections)
    return (f'<!DOCTYPE html><html lang="{escape(lang)}"><head><meta charset="utf-8">'
            f"<title>{escape(title)}</title></head><body>{body}</body></html>")
