"""Rendered Markdown to the neutral document model (markdown-it-py).

Templates are Jinja2 over Markdown. Raw HTML is off, so ``<b>`` typed anywhere is
text. Named parts use the container syntax::

    ::: salutation
    Dear Jim,
    :::
"""

from __future__ import annotations

import re
from functools import cache
from typing import TYPE_CHECKING

from .model import LINE_ROLES, Block, Heading, ListBlock, Paragraph, Part, Span

if TYPE_CHECKING:  # imported when a document is first parsed: a batch whose documents
    from markdown_it import MarkdownIt  # are all in the cache needs no parser
    from markdown_it.token import Token

_ROLE = re.compile(r"^\s*([a-z][a-z0-9-]*)\s*$")


@cache
def _parser() -> MarkdownIt:
    from markdown_it import MarkdownIt  # deferred: markdown_it
    from mdit_py_plugins.container import container_plugin  # deferred: mdit_py_plugins

    md = MarkdownIt("commonmark", {"html": False, "typographer": False})
    md.disable(["code", "fence", "html_block", "html_inline", "image", "link", "autolink"])
    md.use(container_plugin, name="part",
           validate=lambda params, *_: _ROLE.match(params) is not None)
    return md


#: Inline tokens that switch bold or italic on or off.
_EMPHASIS = {"strong_open": ("bold", True), "strong_close": ("bold", False),
             "em_open": ("italic", True), "em_close": ("italic", False)}


def _inline_text(child: Token, keep_lines: bool) -> str:
    """The text an inline token stands for (anything unknown is shown as written)."""
    if child.type == "code_inline":
        return child.markup + child.content + child.markup
    if child.type == "softbreak":
        return "\n" if keep_lines else " "
    if child.type == "hardbreak":
        return "\n"
    return str(child.content)


def _inline(token: Token, keep_lines: bool) -> tuple[Span, ...]:
    spans: list[Span] = []
    style = {"bold": False, "italic": False}
    for child in token.children or []:
        if child.type in _EMPHASIS:
            which, on = _EMPHASIS[child.type]
            style[which] = on
            continue
        text = _inline_text(child, keep_lines)
        bold, italic = style["bold"], style["italic"]
        if spans and spans[-1].bold == bold and spans[-1].italic == italic:
            spans[-1] = Span(spans[-1].text + text, bold, italic)
        else:
            spans.append(Span(text, bold, italic))
    return tuple(spans)


def _blocks(tokens: list[Token], pos: int, end_type: str | None,
            keep_lines: bool) -> tuple[tuple[Block, ...], int]:
    out: list[Block] = []
    while pos < len(tokens):
        token = tokens[pos]
        if end_type is not None and token.type == end_type:
            return tuple(out), pos + 1
        if token.type == "paragraph_open":
            out.append(Paragraph(_inline(tokens[pos + 1], keep_lines)))
            pos += 3
        elif token.type == "heading_open":
            out.append(Heading(int(token.tag[1]), _inline(tokens[pos + 1], keep_lines)))
            pos += 3
        elif token.type in ("bullet_list_open", "ordered_list_open"):
            ordered = token.type == "ordered_list_open"
            close = "ordered_list_close" if ordered else "bullet_list_close"
            start = int(str(token.attrs.get("start", 1)))
            items: list[tuple[Block, ...]] = []
            pos += 1
            while tokens[pos].type != close:
                item, pos = _blocks(tokens, pos + 1, "list_item_close", keep_lines)
                items.append(item)
            out.append(ListBlock(ordered, tuple(items), start))
            pos += 1
        elif token.type == "container_part_open":
            role = token.info.strip()
            inner, pos = _blocks(tokens, pos + 1, "container_part_close", role in LINE_ROLES)
            out.append(Part(role, inner))
        elif token.type == "hr":
            pos += 1
        else:  # blockquotes and the like: keep their contents
            pos += 1
    return tuple(out), pos


def parse(markdown: str) -> tuple[Block, ...]:
    """Parse rendered Markdown into blocks."""
    blocks, _ = _blocks(_parser().parse(markdown), 0, None, False)
    return blocks


_ESCAPE = re.compile(r"([\\`*_{}\[\]()#+\-.!<>|~&:\"'=$%^@;,?/])")


def escape(value: str) -> str:
    """Make text safe to place in Markdown: every ASCII punctuation mark is escaped,
    blank lines inside a value become line breaks, so data is shown as typed."""
    lines = [ln.strip() for ln in value.strip().splitlines()]
    lines = [_ESCAPE.sub(r"\\\1", ln) for ln in lines if ln]
    return "\\\n".join(lines)
