"""The neutral document model every template is rendered into.

A document is a tuple of blocks: paragraphs, headings, lists and named parts (the
letter frame's sender, date, inside address, salutation, body, close, signature and
enclosure; a sheet's notes or answer space). The DOCX and PDF writers turn the same
model into their format, so both always carry the same words.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

#: The paper a document is set on (the profile's ``paper``). Defined here, with the
#: document model, so that laying out pages needs no pydantic (``outreach.workspace.models``).
Paper = Literal["letter", "a4"]


@dataclass(frozen=True)
class Span:
    """A run of text with one formatting; ``\\n`` inside is a line break."""

    text: str
    bold: bool = False
    italic: bool = False


@dataclass(frozen=True)
class Paragraph:
    spans: tuple[Span, ...]

    @property
    def text(self) -> str:
        return "".join(s.text for s in self.spans)


@dataclass(frozen=True)
class Heading:
    level: int
    spans: tuple[Span, ...]

    @property
    def text(self) -> str:
        return "".join(s.text for s in self.spans)


@dataclass(frozen=True)
class ListBlock:
    """A numbered or bulleted list; each item is a tuple of blocks."""

    ordered: bool
    items: tuple[tuple[Block, ...], ...]
    start: int = 1


@dataclass(frozen=True)
class Part:
    """A named part: ``role`` picks the Word style and the CSS class of its paragraphs."""

    role: str
    blocks: tuple[Block, ...]
    #: The part's height in points, when the layout stage set it (a sheet's answer
    #: spaces share the room left on their page); ``None``: the style's own.
    height: float | None = None


@dataclass(frozen=True)
class PageBreak:
    """A page break the layout stage placed (so the PDF and the DOCX break alike)."""


Block = Paragraph | Heading | ListBlock | Part | PageBreak

#: Parts whose source lines are kept as lines (addresses, signature), not reflowed.
LINE_ROLES = frozenset({"sender", "date", "inside-address", "close", "signature", "enclosure",
                        "return-address", "delivery-address"})


@dataclass(frozen=True)
class Document:
    """One rendered document, ready for a writer."""

    kind: str
    title: str
    paper: Paper
    blocks: tuple[Block, ...]
    #: What the document answers (a thank-you: which conversation); kept in the PDF's and
    #: the DOCX's metadata, so a later run can tell a letter for an older conversation.
    subject: str = ""
    #: The language it is written in (the profile's ``lang``), and who wrote it (the
    #: seeker): kept in the PDF's metadata, for screen readers and search.
    lang: str = "en"
    author: str = ""
    #: Words in another language than the document's (a contact's name), each with its
    #: language tag: the PDF marks them, so they are drawn and read in that language.
    foreign: tuple[tuple[str, str], ...] = ()
    #: Every page carries the title and "Page N of M" (a running footer).
    folio: bool = False
    #: The pages the layout stage settled on, when it knows them (for "of M").
    pages: int | None = None

    @property
    def is_letter(self) -> bool:
        return self.part("body") is not None

    def part(self, role: str) -> Part | None:
        for block in walk(self.blocks):
            if isinstance(block, Part) and block.role == role:
                return block
        return None

    def text(self) -> str:
        """The words of the document, one paragraph a line (for rules and tests)."""
        return text_of(self.blocks)


def text_of(blocks: tuple[Block, ...]) -> str:
    """The words of some blocks, one paragraph or heading a line."""
    return "\n".join(b.text for b in walk(blocks) if isinstance(b, Paragraph | Heading))


def walk(blocks: tuple[Block, ...]) -> list[Block]:
    """Every block, depth first, parts and lists before their contents."""
    out: list[Block] = []
    for block in blocks:
        out.append(block)
        if isinstance(block, Part):
            out.extend(walk(block.blocks))
        elif isinstance(block, ListBlock):
            for item in block.items:
                out.extend(walk(item))
    return out


def to_plain(blocks: tuple[Block, ...]) -> list[Any]:
    """Blocks as plain lists, strings and numbers (for JSON): ``from_plain`` gives them
    back equal."""
    def span(s: Span) -> list[Any]:
        return [s.text, s.bold, s.italic]

    out: list[Any] = []
    for block in blocks:
        if isinstance(block, Paragraph):
            out.append(["p", [span(s) for s in block.spans]])
        elif isinstance(block, Heading):
            out.append(["h", block.level, [span(s) for s in block.spans]])
        elif isinstance(block, ListBlock):
            out.append(["l", block.ordered, block.start, [to_plain(i) for i in block.items]])
        elif isinstance(block, Part):
            out.append(["r", block.role, block.height, to_plain(block.blocks)])
        else:
            out.append(["b"])
    return out


def from_plain(plain: list[Any]) -> tuple[Block, ...]:
    """The blocks ``to_plain`` gave; ValueError for anything else."""
    def spans(items: list[Any]) -> tuple[Span, ...]:
        return tuple(Span(str(t), bool(b), bool(i)) for t, b, i in items)

    out: list[Block] = []
    for item in plain:
        tag, *rest = item
        if tag == "p":
            out.append(Paragraph(spans(rest[0])))
        elif tag == "h":
            out.append(Heading(int(rest[0]), spans(rest[1])))
        elif tag == "l":
            out.append(ListBlock(bool(rest[0]), tuple(from_plain(i) for i in rest[2]),
                                 int(rest[1])))
        elif tag == "r":
            height = None if rest[1] is None else float(rest[1])
            out.append(Part(str(rest[0]), from_plain(rest[2]), height))
        elif tag == "b":
            out.append(PageBreak())
        else:
            raise ValueError(f"not a block: {tag!r}")
    return tuple(out)
