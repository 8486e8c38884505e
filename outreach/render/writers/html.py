"""The neutral document model as HTML, the input of the PDF writer.

Every piece of text is HTML-escaped here and nowhere else: whatever a user typed is
shown as typed. A part becomes ``<div class="part ROLE">``; document.css styles it.
"""

from __future__ import annotations

import re
from html import escape

from outreach.document.model import Block, Document, Heading, ListBlock, PageBreak, Paragraph, Span

#: For WeasyPrint, a block whose text breaks lines keeps its ``\n`` as they are and is
#: set with ``white-space: pre-line``: a ``<br>`` is an element of its own, with a box
#: and a pseudo-element to lay out, and a letter's address blocks hold about ten (about a
#: quarter of a letter's layout time, see ``make bench``). Inline, so a stylesheet
#: cannot lose the breaks. An e-mail keeps ``<br>``, which every mail program shows
#: (some ignore styles).
LINES = ' style="white-space: pre-line"'
#: Every element and attribute the HTML below holds: the PDF writer leaves out the rules
#: of WeasyPrint's stylesheet for HTML that could style no other (``pdf.ua_css``).
TAGS = frozenset({"html", "head", "meta", "title", "body", "section", "div", "p", "h1",
                  "h2", "h3", "h4", "h5", "h6", "ol", "ul", "li", "strong", "em", "span",
                  "br"})
ATTRIBUTES = frozenset({"lang", "charset", "id", "class", "style", "start", "data-pages",
                        "data-block"})


def _lines(spans: tuple[Span, ...], br: bool) -> str:
    """The attribute of a block whose text breaks lines (nothing for the others)."""
    return LINES if not br and any("\n" in span.text for span in spans) else ""


def _spans(spans: tuple[Span, ...], br: bool) -> str:
    out = []
    for span in spans:
        text = "<br>".join(map(escape, span.text.split("\n"))) if br else escape(span.text)
        if span.bold:
            text = f"<strong>{text}</strong>"
        if span.italic:
            text = f"<em>{text}</em>"
        out.append(text)
    return "".join(out)


def _block(block: Block, br: bool = False) -> str:
    if isinstance(block, Paragraph):
        return f"<p{_lines(block.spans, br)}>{_spans(block.spans, br)}</p>"
    if isinstance(block, Heading):
        level = min(block.level, 6)
        return f"<h{level}{_lines(block.spans, br)}>{_spans(block.spans, br)}</h{level}>"
    if isinstance(block, ListBlock):
        tag = "ol" if block.ordered else "ul"
        start = f' start="{block.start}"' if block.ordered and block.start != 1 else ""
        items = "".join(f"<li>{_blocks(item, br)}</li>" for item in block.items)
        return f"<{tag}{start}>{items}</{tag}>"
    if isinstance(block, PageBreak):
        return '<div class="page-break"></div>'
    height = f' style="height: {block.height:.2f}pt"' if block.height is not None else ""
    return f'<div class="part {escape(block.role)}"{height}>{_blocks(block.blocks, br)}</div>'


def _blocks(blocks: tuple[Block, ...], br: bool = False) -> str:
    return "".join(_block(b, br) for b in blocks)


def _marked(blocks: tuple[Block, ...]) -> str:
    """Top-level blocks, each marked with its index (``data-block``), to be measured."""
    out = []
    for n, block in enumerate(blocks):
        html = _block(block)
        tag_end = html.index(">")
        out.append(f'{html[:tag_end]} data-block="{n}"{html[tag_end:]}')
    return "".join(out)


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


def document_html(document: Document, anchor: str, extra_class: str = "",
                  *, mark: bool = False, br: bool = False) -> str:
    """One document as a ``<section>`` in its language; ``anchor`` is its id, to find its
    first page. ``mark`` numbers the top-level blocks, for the layout stage to measure
    them. A document with a folio says how many pages it has (``data-pages``). ``br``
    breaks lines with ``<br>`` (for mail programs) instead of ``white-space: pre-line``
    (for WeasyPrint: see ``LINES``)."""
    classes = f"document {escape(document.kind)} {extra_class}"
    if document.folio:
        classes += " folio"
    pages = f' data-pages="{document.pages}"' if document.folio and document.pages else ""
    inner = _marked(document.blocks) if mark else _blocks(document.blocks, br)
    body = _mark_foreign(inner, document.foreign)
    return (f'<section id="{anchor}" class="{" ".join(classes.split())}"{pages} '
            f'lang="{escape(document.lang)}">{body}</section>')


def page_html(sections: list[str], title: str, lang: str = "en") -> str:
    body = "\n".join(sections)
    return (f'<!DOCTYPE html><html lang="{escape(lang)}"><head><meta charset="utf-8">'
            f"<title>{escape(title)}</title></head><body>{body}</body></html>")
