"""Parts that fill the pages: the layout stage's second pass.

A kind may name parts that share the room its pages leave (``Kind.fill``: the question
sheet's answer spaces). Such a document is laid out once more on one long page, and
every top-level block is measured. Then the pages are planned: the page breaks go
before blocks that may start a page (not a filling part, which stays with what comes
before it, and not the block after a heading), chosen so that the filling parts get
shares of the room as equal as they can be; each page's filling parts then share the
room that page leaves equally. The document is laid out a last time with those page
breaks (``PageBreak`` blocks) and heights (``Part.height``). Both writers read them, so
the PDF and the DOCX break their pages at the same places.

When no plan fits (one block taller than a page), the document keeps its first layout.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from outreach.document.model import Block, Document, Heading, PageBreak, Part

from .writers.pdf import Measure, PdfPages, measure, render

#: CSS pixels kept free at the foot of each page, against rounding.
SAFETY_PX = 6.0
#: Points to the CSS pixel.
PT_PER_PX = 0.75
#: How far the shares shrink when the last pass ran onto another page.
RETRY_SCALE = 0.85


@dataclass(frozen=True)
class Split:
    """Where the pages break (block indexes) and each page's share per filling part."""

    breaks: tuple[int, ...]
    shares: tuple[float, ...]


@dataclass(frozen=True)
class Job:
    """One document to fill: its first layout's pages, its filling roles, the pages it
    fills, whether it is set tighter."""

    document: Document
    first: int
    roles: frozenset[str]
    pages: int
    compact: bool


def filling(document: Document, roles: frozenset[str]) -> list[int]:
    """The indexes of the top-level parts that fill the room left."""
    return [i for i, b in enumerate(document.blocks) if isinstance(b, Part) and b.role in roles]


def _may_start_page(blocks: tuple[Block, ...], index: int, fill: set[int]) -> bool:
    return index not in fill and not isinstance(blocks[index - 1], Heading)


def _used(m: Measure, first: int, last: int) -> float:
    """The height blocks ``first`` to ``last`` take on a page of their own (CSS px): from
    the foot of the block before (so its margin counts, as after a forced break) to the
    foot of the last, with the space it keeps below."""
    blocks = m.blocks
    top = m.start if first == 0 else blocks[first - 1].bottom
    end = blocks[last]
    after = blocks[last + 1].top - end.bottom if last + 1 < len(blocks) else 0.0
    return end.bottom + max(after, end.margin_bottom) - top


def _shares(m: Measure, breaks: tuple[int, ...], fill: list[int]) -> tuple[float, ...] | None:
    """Each page's share per filling part, or ``None`` when the pages cannot hold it."""
    bounds = (0, *breaks, len(m.blocks))
    shares = []
    for start, end in itertools.pairwise(bounds):
        count = sum(1 for i in fill if start <= i < end)
        free = m.page_height - _used(m, start, end - 1) - SAFETY_PX
        if count == 0 or free < 0:
            return None
        shares.append(free / count)
    return tuple(shares)


def plan(document: Document, m: Measure, roles: frozenset[str], pages: int) -> Split | None:
    """The page breaks that give the filling parts the most equal shares, and the shares;
    ``None`` when nothing fits ``pages`` pages."""
    fill = filling(document, roles)
    if not fill or len(m.blocks) != len(document.blocks):
        return None
    starts = [i for i in range(1, len(document.blocks))
              if _may_start_page(document.blocks, i, set(fill))]
    best: tuple[tuple[float, float], Split] | None = None
    for breaks in itertools.combinations(starts, pages - 1):
        shares = _shares(m, breaks, fill)
        if shares is None:
            continue
        score = (min(shares), min(shares) - max(shares))
        if best is None or score > best[0]:
            best = (score, Split(breaks, shares))
    return best[1] if best else None


@dataclass(frozen=True)
class Placed:
    """What the layout adds to a document that fills its pages: the blocks a page break
    goes before, the heights of its filling parts (points, by block index), its pages.
    Small and plain, so the layout cache keeps it beside the PDF."""

    breaks: tuple[int, ...]
    heights: tuple[tuple[int, float], ...]
    pages: int

    def on(self, document: Document) -> Document:
        """``document`` with the page breaks and heights placed."""
        heights = dict(self.heights)
        blocks: list[Block] = []
        for i, block in enumerate(document.blocks):
            if i in self.breaks:
                blocks.append(PageBreak())
            if i in heights and isinstance(block, Part):
                block = replace(block, height=heights[i])
            blocks.append(block)
        return replace(document, blocks=tuple(blocks), pages=self.pages)


def apply(document: Document, m: Measure, roles: frozenset[str], split: Split,
          scale: float = 1.0) -> Placed:
    """The split's page breaks, and the heights of the filling parts."""
    heights = []
    for i in filling(document, roles):
        page = sum(1 for b in split.breaks if b <= i)
        heights.append((i, round((m.blocks[i].height + split.shares[page] * scale)
                                 * PT_PER_PX, 1)))
    return Placed(split.breaks, tuple(heights), len(split.breaks) + 1)


def _compact(jobs: Iterable[Job]) -> frozenset[int]:
    return frozenset(i for i, job in enumerate(jobs) if job.compact)


def lay_out(jobs: list[Job], css: str, base_url: Path | None, allowed: list[Path], *,
            write: bool = True, fetched: list[str] | None = None
            ) -> list[tuple[Placed, PdfPages]]:
    """Fill each job's pages; return what was placed in each document, and its PDF
    (only its pages, without ``write``). Files the layout reads are noted in ``fetched``."""
    measures = measure([j.document for j in jobs], css, compact=_compact(jobs),
                       base_url=base_url, allowed=allowed, fetched=fetched)
    splits = [plan(j.document, m, j.roles, j.pages) for j, m in zip(jobs, measures, strict=True)]
    results: list[tuple[Placed, PdfPages] | None] = [None] * len(jobs)
    for scale in (1.0, RETRY_SCALE, 0.0):
        todo = [i for i in range(len(jobs)) if results[i] is None]
        if not todo:
            break
        placed = [_placed(jobs[i], measures[i], splits[i], scale) for i in todo]
        laid = render([p.on(jobs[i].document) for i, p in zip(todo, placed, strict=True)],
                      css, compact=_compact(jobs[i] for i in todo), base_url=base_url,
                      allowed=allowed, write=write, fetched=fetched)
        for i, one, pdf in zip(todo, placed, laid, strict=True):
            if pdf.pages == one.pages or scale == 0.0:
                results[i] = (one, pdf)
    return [r for r in results if r is not None]


def _placed(job: Job, m: Measure, split: Split | None, scale: float) -> Placed:
    """What to place in the job's document (``scale`` 0: nothing, its first page count)."""
    if split is None or scale == 0.0:
        return Placed((), (), job.first)
    return apply(job.document, m, job.roles, split, scale)
