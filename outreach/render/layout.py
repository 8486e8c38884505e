"""Laying out a batch of documents as PDF: from the cache, in this process or on every core.

``lay_out`` takes each document with the most pages it may take and gives back, a pass
at a time, its page count, its PDF (unless only the pages are wanted: a DOCX-only run
needs to know that a document fits, not its PDF) and whether it had to be set tighter to
fit. Documents laid out before with the same HTML, CSS, fonts and WeasyPrint come from
the cache (``outreach/cache.py``) without WeasyPrint being imported; the rest are laid
out in passes of several (one WeasyPrint pass is much faster than one call each), by
worker processes when the batch is large enough (``outreach/render/workers.py``). The cache is
asked about each document as soon as it is rendered (``Lookups``); once the workers are
up, the documents it lacks go to them a pass at a time from then on, so the first passes
are laid out while the rest of the batch still renders.

A document whose kind fills its pages (a question sheet: ``outreach/render/fill.py``) is laid
out in the same pass once more to fill them, where its first layout was made (in the
worker, for a large batch). Its cache entry is its own, keyed by the document as
rendered and what fills it; it keeps the PDF and where the page breaks and the filling
parts' heights were placed, so the DOCX writer gets the document as the PDF shows it.

Warnings logged while laying out (a file the CSS may not fetch, a missing font) are kept
with each entry and logged again whenever it is used, so a cached run says what a fresh
one would.
"""

from __future__ import annotations

import gc
import json
import logging
from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from outreach import cache
from outreach.document.model import Document
from outreach.logs import capture

from . import fill, workers
from .fill import Placed
from .writers import pdf
from .writers.html import document_html

log = logging.getLogger(__name__)

#: Documents laid out in one WeasyPrint pass; between passes the progress bar moves and
#: the finished files are written.
PASS_SIZE = 8
#: Passes are smaller when workers share them, so none waits long for the last one (a
#: pass of 4 costs about the same per document as one of 16: see ``make bench``).
WORKER_PASS_SIZE = 4

Progress = Callable[[int], None]


@dataclass(frozen=True)
class Setting:
    """What every document of a batch is laid out with."""

    css: str
    base_url: Path | None = None
    allowed: tuple[Path, ...] = ()


@dataclass(frozen=True)
class Filling:
    """Parts of a document that fill its pages (``Kind.fill``): their roles, and how many
    pages they fill at least."""

    roles: frozenset[str]
    pages: int


#: One document to lay out: the most pages it may take, and what fills its pages.
Item = tuple[Document, int, Filling | None]


@dataclass(frozen=True)
class Laid:
    """One document laid out: its pages, its PDF (None if not asked for), whether it
    was set tighter to fit, and the document as laid out when filling its pages placed
    page breaks and heights in it (None: as rendered)."""

    pages: int
    data: bytes | None
    compact: bool
    document: Document | None = None


@dataclass(frozen=True)
class _Job:
    """One pass for a worker: documents, their page limits, how to lay them out."""

    documents: tuple[Document, ...]
    limits: tuple[int, ...]
    setting: Setting
    pdf: bool
    fills: tuple[Filling | None, ...] = ()


@dataclass(frozen=True)
class _Done:
    """A pass laid out: each document as set first, those that ran long set tighter."""

    first: tuple[tuple[int, bytes | None], ...]
    tighter: dict[int, tuple[int, bytes | None]] = field(default_factory=dict)
    #: Those that fill their pages, laid out once more to fill them.
    filled: dict[int, tuple[int, bytes | None, Placed]] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()
    files: tuple[str, ...] = ()


def run(job: _Job) -> _Done:
    """Lay out one pass (in a worker or here); documents over their limit once more,
    tighter. The garbage collector waits meanwhile: a pass makes many objects and frees
    them all at its end, so collecting during it only costs time."""
    setting, docs = job.setting, list(job.documents)
    fetched: list[str] = []

    def render(some: list[Document], compact: frozenset[int]) -> list[pdf.PdfPages]:
        return pdf.render(some, setting.css, compact=compact, base_url=setting.base_url,
                          allowed=list(setting.allowed), write=job.pdf, fetched=fetched)

    gc.disable()
    try:
        with capture() as warnings:
            first = render(docs, frozenset())
            long = [i for i, r in enumerate(first) if r.pages > job.limits[i]]
            tighter = render([docs[i] for i in long], frozenset(range(len(long))))
            pages = [r.pages for r in first]
            for i, result in zip(long, tighter, strict=True):
                pages[i] = result.pages
            filled = _fill(job, pages, frozenset(long), fetched)
    finally:
        gc.enable()

    def kept(result: pdf.PdfPages) -> tuple[int, bytes | None]:
        return result.pages, result.data if job.pdf else None

    return _Done(tuple(kept(r) for r in first),
                 {i: kept(r) for i, r in zip(long, tighter, strict=True)},
                 {i: (*kept(r), placed) for i, (placed, r) in filled.items()},
                 tuple(warnings), tuple(sorted(set(fetched))))


def _fill(job: _Job, pages: list[int], compact: frozenset[int], fetched: list[str]
          ) -> dict[int, tuple[Placed, Any]]:
    """The documents of a pass that fill their pages (and fit them), laid out again to
    fill them: at least the pages asked for, more when their layout took more."""
    which, jobs = [], []
    for i, filling in enumerate(job.fills):
        if filling is not None and pages[i] <= job.limits[i]:
            which.append(i)
            jobs.append(fill.Job(job.documents[i], pages[i], filling.roles,
                                 max(filling.pages, pages[i]), i in compact))
    setting = job.setting
    done = fill.lay_out(jobs, setting.css, setting.base_url, list(setting.allowed),
                        write=job.pdf, fetched=fetched)
    return dict(zip(which, done, strict=True))


def _key(document: Document, setting: Setting, compact: bool) -> str:
    """Everything that decides this document's pages and bytes, but the environment."""
    return cache.key(document_html(document, "doc", "compact" if compact else ""),
                     setting.css, document.paper, document.title, document.subject,
                     document.author, document.lang, str(setting.base_url),
                     "\n".join(map(str, setting.allowed)))


def _fill_key(document: Document, setting: Setting, filling: Filling) -> str:
    """The key of the document laid out to fill its pages (its own entry: the HTML of
    the document filled differs from the one rendered)."""
    return cache.key(_key(document, setting, False), "fill", " ".join(sorted(filling.roles)),
                     str(filling.pages))


def _placed_json(placed: Placed, compact: bool) -> str:
    return json.dumps({"breaks": placed.breaks, "heights": placed.heights,
                       "pages": placed.pages, "compact": compact})


def _from_json(text: str) -> tuple[Placed, bool]:
    found = json.loads(text)
    return (Placed(tuple(found["breaks"]), tuple((int(i), float(h)) for i, h in found["heights"]),
                   int(found["pages"])), bool(found["compact"]))


def _replay(warnings: tuple[str, ...]) -> None:
    for message in warnings:
        log.warning("%s", message)


def _cached_filled(document: Document, setting: Setting, filling: Filling, pdf: bool
                   ) -> Laid | None:
    """The document as laid out to fill its pages, from the cache."""
    entry = cache.get(_fill_key(document, setting, filling), need_pdf=pdf)
    if entry is None:
        return None
    try:
        placed, compact = _from_json(entry.placed)
    except cache.DAMAGED:  # an entry of no filled document
        return None
    _replay(entry.warnings)
    return Laid(entry.pages, entry.data, compact, placed.on(document))


def _cached(document: Document, limit: int, setting: Setting, pdf: bool,
            filling: Filling | None = None) -> Laid | None:
    """The document from the cache: as first set, or tighter if that ran long; one that
    fills its pages, as laid out to fill them."""
    if filling is not None:
        return _cached_filled(document, setting, filling, pdf)
    first = cache.get(_key(document, setting, False), need_pdf=pdf)
    if first is None:
        return None
    if first.pages <= limit:
        _replay(first.warnings)
        return Laid(first.pages, first.data, False)
    tighter = cache.get(_key(document, setting, True), need_pdf=pdf)
    if tighter is None:
        return None
    _replay(first.warnings + tighter.warnings)
    return Laid(tighter.pages, tighter.data, True)


def _keep(job: _Job, done: _Done) -> list[Laid]:
    """Each document of a finished pass as laid out, its entries put in the cache."""
    files = tuple(cache.file_state(f) for f in done.files)
    out = []
    for i, document in enumerate(job.documents):
        pages, data = done.first[i]
        cache.put(_key(document, job.setting, False),
                  cache.Entry(pages, data, done.warnings, files))
        if i in done.tighter:
            pages, data = done.tighter[i]
            cache.put(_key(document, job.setting, True),
                      cache.Entry(pages, data, done.warnings, files))
        filling = job.fills[i] if job.fills else None
        if filling is not None and i in done.filled:
            pages, data, placed = done.filled[i]
            cache.put(_fill_key(document, job.setting, filling),
                      cache.Entry(pages, data, done.warnings, files,
                                  _placed_json(placed, i in done.tighter)))
            out.append(Laid(pages, data, i in done.tighter, placed.on(document)))
        else:
            out.append(Laid(pages, data, i in done.tighter))
    return out


class Lookups:
    """The cache asked about each document of a batch as soon as it is rendered. At the
    first one it lacks, in a batch large enough for workers, the fork server starts if
    the command did not start it already (``workers.warm_up_soon``): it imports
    WeasyPrint on another core while the rest of the batch renders. Once the workers are
    to be used, the documents the cache lacks are handed to them a pass at a time, as
    they are rendered (``handed``): the workers lay out the first passes while this
    process renders the rest. ``close`` cancels what was handed, if the batch stops."""

    def __init__(self, setting: Setting, *, pdf: bool, batch: int) -> None:
        self.setting, self.pdf, self.batch = setting, pdf, batch
        self.found: dict[int, tuple[Document, Laid | None]] = {}
        #: The passes handed to the workers, in order, and the jobs that lay them out.
        self.handed: list[_Job] = []
        self.jobs: workers.Jobs[_Job, _Done] | None = None
        self._waiting: list[Item] = []

    def ask(self, document: Document, limit: int, filling: Filling | None = None) -> None:
        found = _cached(document, limit, self.setting, self.pdf, filling)
        self.found[id(document)] = (document, found)
        if found is None:
            workers.warm_up(self.batch)
            self._waiting.append((document, limit, filling))
            if len(self._waiting) >= WORKER_PASS_SIZE and workers.to_workers():
                self._hand()

    def _hand(self) -> None:
        """The documents waiting to the workers, in passes of ``WORKER_PASS_SIZE`` (the
        rest wait for the next, or for ``lay_out``)."""
        if self.jobs is None:
            self.jobs = workers.Jobs(run, workers.count(self.batch), workers_only=True)
        while len(self._waiting) >= WORKER_PASS_SIZE:
            some = self._waiting[:WORKER_PASS_SIZE]
            del self._waiting[:WORKER_PASS_SIZE]
            job = _job(some, self.setting, self.pdf)
            self.jobs.add(job)
            self.handed.append(job)

    def get(self, document: Document, limit: int, filling: Filling | None = None
            ) -> Laid | None:
        if id(document) in self.found:
            return self.found[id(document)][1]
        return _cached(document, limit, self.setting, self.pdf, filling)

    def close(self) -> None:
        """Cancel the passes handed and not yet laid out."""
        jobs, self.jobs = self.jobs, None
        self.handed = []
        if jobs is not None:
            jobs.close()


def _job(items: list[Item], setting: Setting, pdf: bool) -> _Job:
    return _Job(tuple(d for d, _, _ in items), tuple(limit for _, limit, _ in items),
                setting, pdf, tuple(f for _, _, f in items))


def _passes(items: list[Item], missing: list[int], setting: Setting, *, pdf: bool,
            processes: int) -> tuple[list[list[int]], list[_Job]]:
    """The documents the cache lacks in passes (their indexes in ``items``), and a job
    for each: smaller ones when workers share them."""
    size = PASS_SIZE if processes == 1 else WORKER_PASS_SIZE
    passes = [missing[start:start + size] for start in range(0, len(missing), size)]
    return passes, [_job([items[n] for n in p], setting, pdf) for p in passes]


def _given(items: list[Item], missing: list[int], setting: Setting, pdf: bool,
           lookups: Lookups) -> tuple[list[list[int]], list[_Job], workers.Jobs[_Job, _Done]]:
    """The passes of the documents the cache lacks (their indexes in ``items``), their
    jobs, and the jobs given out: first the passes handed to the workers as the batch
    rendered (``Lookups``), then the rest. Passes handed for documents this batch does
    not lay out (another setting, other documents) are cancelled and made again."""
    where = {id(items[n][0]): n for n in missing}
    handed, given = lookups.handed, lookups.jobs
    lookups.handed, lookups.jobs = [], None  # this layout's from now on: taken once
    if given is None or lookups.setting != setting or lookups.pdf != pdf or not all(
            id(d) in where for job in handed for d in job.documents):
        if given is not None:
            given.close()
        handed, given = [], None
    early = [[where[id(d)] for d in job.documents] for job in handed]
    taken = {n for p in early for n in p}
    rest = [n for n in missing if n not in taken]
    if given is None and rest:
        given = workers.Jobs(run, workers.count(len(rest)), workers_only=workers.to_workers())
    elif given is None:  # nothing to lay out
        given = workers.Jobs(run, 1)
    passes, jobs = _passes(items, rest, setting, pdf=pdf, processes=given.processes)
    for job in jobs:  # workers start on them at once
        given.add(job)
    return early + passes, handed + jobs, given


def lay_out(items: list[Item], setting: Setting, *, pdf: bool = True,
            progress: Progress | None = None, lookups: Lookups | None = None
            ) -> Generator[list[tuple[int, Laid]], None, None]:
    """Each document of ``items`` (with the most pages it may take, and what fills its
    pages) laid out, yielded a
    pass at a time as ``(index in items, Laid)``: first those the cache holds (asked
    already, when ``lookups`` is given; workers lay out the rest meanwhile), then the
    passes laid out, in order. A document
    still over its limit when set tighter is returned so; the caller says what to
    shorten."""
    lookups = lookups or Lookups(setting, pdf=pdf, batch=len(items))
    hits: list[tuple[int, Laid]] = []
    missing: list[int] = []
    for n, (document, limit, filling) in enumerate(items):
        found = lookups.get(document, limit, filling)
        if found is None:
            missing.append(n)
        else:
            hits.append((n, found))
    passes, jobs, results = _given(items, missing, setting, pdf, lookups)
    try:
        for start in range(0, len(hits), PASS_SIZE):
            if progress is not None:
                progress(len(hits[start:start + PASS_SIZE]))
            yield hits[start:start + PASS_SIZE]
        for n, done in enumerate(results):
            indexes, job = passes[n], jobs[n]
            if results.elsewhere:  # logged in the worker: said again here
                _replay(done.warnings)
            if progress is not None:
                progress(len(indexes))
            yield list(zip(indexes, _keep(job, done), strict=True))
    finally:
        results.close()
    if missing:
        cache.trim()
