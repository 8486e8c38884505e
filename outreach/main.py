"""The library's entry points, one per command; usable without Click.

``generate`` does the same five steps for every document kind: load and validate
everything it needs (all problems at once), decide which files to write, render each
document once into the neutral model, lay out all PDFs in one pass and write the
DOCX files, then write atomically, keeping what exists unless forced. Nothing is
written until every document has rendered, so an error leaves no files behind.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .documents import Enclosure, Rendered, Request, build
from .errors import LayoutError, OutputError, display_path
from .models import Mode
from .output import Outcome, Planned, needs_writing, write_all
from .templating import Templates
from .workspace import ContactFile, Workspace

FORMATS = ("pdf", "docx")


@dataclass(frozen=True)
class Options:
    """What the user chose on the command line (or a caller of the library)."""

    formats: tuple[str, ...] = FORMATS
    output_dir: Path | None = None
    force: bool = False
    dry_run: bool = False
    today: dt.date | None = None
    enclose: tuple[Path, ...] = ()
    minutes: int | None = None
    goals: tuple[str, ...] = ()
    mode: Mode | None = None
    explain: bool = False


@dataclass
class Report:
    """What a command did: one outcome per file, and anything worth a warning."""

    outcomes: list[Outcome] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    #: Per contact id, why each document says what it says (``--explain``).
    explanations: dict[str, tuple[str, ...]] = field(default_factory=dict)


class _Collect(logging.Handler):
    def __init__(self, sink: list[str]) -> None:
        super().__init__(logging.WARNING)
        self.sink = sink

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if message not in self.sink:
            self.sink.append(message)


@contextlib.contextmanager
def collect_warnings(sink: list[str]) -> Iterator[None]:
    """Warnings logged by outreach or WeasyPrint while rendering go into the report."""
    handler = _Collect(sink)
    loggers = [logging.getLogger("outreach"), logging.getLogger("weasyprint")]
    for logger in loggers:
        logger.addHandler(handler)
    try:
        yield
    finally:
        for logger in loggers:
            logger.removeHandler(handler)


def templates_for(workspace: Workspace) -> Templates:
    folder = workspace.templates_dir
    return Templates(folder if folder.is_dir() else None)


def _enclosure_files(path: Path, rendered: Rendered) -> list[Planned]:
    """Enclosures placed beside a DOCX: ``<kind>-enclosure-<name>``."""
    return [Planned(path.parent / f"{rendered.request.kind}-enclosure-{e.path.name}",
                    e.path.read_bytes()) for e in rendered.enclosures]


def _pdfs(workspace: Workspace, templates: Templates, rendered: list[Rendered]) -> list[bytes]:
    from .writers import pdf

    if not rendered:
        return []
    css = templates.resource("document.css").decode("utf-8")
    allowed = [workspace.templates_dir, workspace.root]
    docs = [r.document for r in rendered]
    results = pdf.render(docs, css, base_url=workspace.root, allowed=allowed)
    long = [i for i, r in enumerate(results) if r.pages > rendered[i].max_pages]
    if long:  # set them once more, a little tighter
        tighter = pdf.render([docs[i] for i in long], css, compact=frozenset(range(len(long))),
                             base_url=workspace.root, allowed=allowed)
        for i, result in zip(long, tighter, strict=True):
            limit = rendered[i].max_pages
            if result.pages > limit:
                who = rendered[i].request.contact
                raise LayoutError(
                    f"the {docs[i].kind.replace('-', ' ')} to {who.data.name} runs to "
                    f"{result.pages} pages, more than {limit}: shorten the profile's summary "
                    f"or the text in {display_path(who.path)}, or the template")
            results[i] = result
    out = []
    for r, result in zip(rendered, results, strict=True):
        data = result.data
        pdf_enclosures = [e.path for e in r.enclosures if e.path.suffix.lower() == ".pdf"]
        if pdf_enclosures:
            data = pdf.append(data, pdf_enclosures)
        out.append(data)
    return out


def generate(workspace: Workspace, kind: str, contact_ids: list[str] | None,
             options: Options) -> Report:
    """Write one kind of document for the contacts named (all when ``None``)."""
    report = Report()
    with collect_warnings(report.warnings):
        workspace.profile()
        contacts = workspace.contacts(contact_ids)
        for contact in contacts:  # a referrer's file must be valid too
            workspace.referrer_name(contact)
        today = options.today or dt.date.today()
        templates = templates_for(workspace)
        enclosures = tuple(Enclosure(p.name, p) for p in options.enclose)
        for e in enclosures:
            if not e.path.is_file():
                raise OutputError(f"cannot enclose {display_path(e.path)}: no such file")
        out_root = options.output_dir or workspace.output_dir

        def target(contact: ContactFile, fmt: str) -> Path:
            return out_root / contact.id / f"{kind}.{fmt}"

        todo: list[tuple[ContactFile, list[str]]] = []
        kept: list[Outcome] = []
        for contact in contacts:
            formats = [f for f in options.formats if needs_writing(target(contact, f),
                                                                     options.force)]
            kept += [Outcome(target(contact, f), "kept") for f in options.formats
                     if f not in formats]
            if formats:
                todo.append((contact, formats))

        def render(contact: ContactFile) -> Rendered:
            return build(workspace, templates, Request(kind, contact, today, enclosures,
                                                       options.minutes, options.goals,
                                                       options.mode))

        rendered = {c.id: render(c) for c, _ in todo}
        if options.explain:  # explain every contact's document, written now or kept
            report.explanations = {c.id: (rendered[c.id] if c.id in rendered
                                          else render(c)).explanation for c in contacts}
        for_pdf = [rendered[c.id] for c, formats in todo if "pdf" in formats]
        pdf_bytes = dict(zip([r.request.contact.id for r in for_pdf],
                             _pdfs(workspace, templates, for_pdf), strict=True))
        planned: list[Planned] = []
        if any("docx" in formats for _, formats in todo):
            from .writers import docx

            reference = templates.resource("reference.docx")
        for contact, formats in todo:
            if "pdf" in formats:
                planned.append(Planned(target(contact, "pdf"), pdf_bytes[contact.id]))
            if "docx" in formats:
                path = target(contact, "docx")
                data = docx.render_with(rendered[contact.id].document, reference)
                planned.append(Planned(path, data))
                planned += _enclosure_files(path, rendered[contact.id])
        report.outcomes = kept + write_all(planned, force=options.force,
                                           dry_run=options.dry_run)
        report.outcomes.sort(key=lambda o: str(o.path))
    return report




def list_contacts(workspace: Workspace) -> list[tuple[str, str, str, str]]:
    """One row per contact: id, name, relationship, last event (or ``-``)."""
    rows: list[tuple[str, str, str, str]] = []
    for contact in workspace.contacts():
        data = contact.data
        last = data.history[-1] if data.history else None
        event = f"{last.event} {last.date.isoformat()}" if last else "-"
        relationship: str = data.relationship
        referrer = workspace.referrer_name(contact)
        if referrer:
            relationship += f" (from {referrer})"
        rows.append((contact.id, data.name, relationship, event))
    return rows
