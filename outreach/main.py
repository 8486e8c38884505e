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
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from .documents import Enclosure, Rendered, Request, build

if TYPE_CHECKING:
    from .due import Item
from . import rules
from .errors import LayoutError, OutputError, UsageError, display_path
from .layout import Laid, Lookups, Setting, lay_out
from .loading import FORBIDDEN_CHARACTERS as _FORBIDDEN
from .models import GOALS, HistoryEntry, Mode, Referral
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
    #: Keep each PDF's bytes in the report (the busy week's print file is made of them).
    keep_pdfs: bool = False


@dataclass
class Report:
    """What a command did: one outcome per file, and anything worth a warning."""

    outcomes: list[Outcome] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    #: Per contact id, why each document says what it says (``--explain``).
    explanations: dict[str, tuple[str, ...]] = field(default_factory=dict)
    #: The documents rendered this time, by contact id.
    rendered: dict[str, Rendered] = field(default_factory=dict)
    #: A summary table (header first) for batch commands.
    table: list[tuple[str, ...]] = field(default_factory=list)
    #: Contacts whose history got a ``thank-you-sent`` entry.
    marked: list[str] = field(default_factory=list)
    #: Each PDF written (or that would be), with its bytes, when ``Options.keep_pdfs``.
    pdfs: dict[Path, bytes] = field(default_factory=dict)


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
    loggers = [logging.getLogger(name) for name in ("outreach", "weasyprint", "pypdf")]
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
                    e.path.read_bytes()) for e in rendered.request.enclosures]


Progress = Callable[[int], None]


def layout_setting(workspace: Workspace, templates: Templates) -> Setting:
    """The CSS every PDF is laid out with, and the folders its files may come from."""
    return Setting(templates.resource("document.css").decode("utf-8"), workspace.root,
                   (workspace.templates_dir, workspace.root))


def check_fits(rendered: Rendered, laid: Laid) -> None:
    """A document still over its page limit when set tighter: say what to shorten."""
    limit = rendered.max_pages
    if laid.pages > limit:
        who = rendered.request.contact
        raise LayoutError(
            f"the {rendered.document.kind.replace('-', ' ')} to {who.data.name} runs to "
            f"{laid.pages} pages, more than {limit}: shorten the profile's summary "
            f"or the text in {display_path(who.path)}, or the template")


def generate(workspace: Workspace, kind: str, contact_ids: list[str] | None,
             options: Options, progress: Progress | None = None) -> Report:
    """Write one kind of document for the contacts named (all when ``None``).

    ``progress`` is called with the number of documents just finished, once per PDF
    pass and once per DOCX, so a caller can show a bar of ``steps(...)`` units."""
    report = Report()
    unknown = [g for g in options.goals if g not in GOALS]
    if unknown:
        raise UsageError(f"unknown goal {', '.join(unknown)}; valid goals are: "
                         f"{', '.join(GOALS)}")
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
            if e.path.suffix.lower() not in (".pdf", ".docx"):
                raise OutputError(f"cannot enclose {display_path(e.path)}: an enclosure "
                                  "travels inside the PDF, so it must be a PDF or DOCX file")
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

        setting = layout_setting(workspace, templates)
        lookups = Lookups(setting, pdf=any("pdf" in f for _, f in todo), batch=len(todo))
        rendered: dict[str, Rendered] = {}
        for contact, _ in todo:  # the cache is asked at once: a miss starts the workers
            rendered[contact.id] = render(contact)
            lookups.ask(rendered[contact.id].document, rendered[contact.id].max_pages)
        report.rendered = rendered
        if options.explain:  # explain every contact's document, written now or kept
            report.explanations = {c.id: (rendered[c.id] if c.id in rendered
                                          else render(c)).explanation for c in contacts}
        wants_docx = any("docx" in formats for _, formats in todo)
        reference = templates.resource("reference.docx") if wants_docx else b""
        written: list[Outcome] = []
        items = [(rendered[c.id].document, rendered[c.id].max_pages) for c, _ in todo]
        passes = lay_out(items, setting, progress=progress, pdf=lookups.pdf, lookups=lookups)
        with contextlib.closing(passes):  # each pass is written when done,
            for done in passes:            # so a killed batch keeps its work
                batch = [todo[n] for n, _ in done]
                laid = {todo[n][0].id: result for n, result in done}
                for contact, _ in batch:
                    check_fits(rendered[contact.id], laid[contact.id])
                planned = _files(batch, rendered, laid, target, reference, progress)
                if options.keep_pdfs:
                    report.pdfs.update((p.path, p.data) for p in planned
                                       if p.path.suffix == ".pdf")
                written += write_all(planned, force=options.force, dry_run=options.dry_run)
        report.outcomes = kept + written
        report.outcomes.sort(key=lambda o: str(o.path))
    return report


def _files(batch: list[tuple[ContactFile, list[str]]], rendered: dict[str, Rendered],
           laid: dict[str, Laid], target: Callable[[ContactFile, str], Path],
           reference: bytes, progress: Progress | None) -> list[Planned]:
    """The files of one pass: each PDF with its enclosures' pages, each DOCX with its
    enclosures placed beside it."""
    planned: list[Planned] = []
    for contact, formats in batch:
        if "pdf" in formats:
            data = laid[contact.id].data or b""
            enclosed = [e.path for e in rendered[contact.id].request.enclosures]
            if enclosed:
                from .writers.pdf import append

                data = append(data, enclosed)
            planned.append(Planned(target(contact, "pdf"), data))
        if "docx" in formats:
            from .writers import docx

            path = target(contact, "docx")
            data = docx.render_with(rendered[contact.id].document, reference,
                                    compact=laid[contact.id].compact)
            planned.append(Planned(path, data))
            planned += _enclosure_files(path, rendered[contact.id])
            if progress is not None:
                progress(1)
    return planned




def list_contacts(workspace: Workspace) -> list[tuple[str, str, str, str]]:
    """One row per contact: id, name, relationship, last event (or ``-``)."""
    rows: list[tuple[str, str, str, str]] = []
    for contact in workspace.contacts():
        data = contact.data
        ordered = rules.history_as_of(data)
        last = ordered[-1] if ordered else None
        event = f"{last.event} {last.date.isoformat()}" if last else "-"
        relationship: str = data.relationship
        referrer = workspace.referrer_name(contact)
        if referrer:
            relationship += f" (from {referrer})"
        rows.append((contact.id, data.name, relationship, event))
    return rows


def steps(workspace: Workspace, contact_ids: list[str], options: Options, kind: str) -> int:
    """How many progress units ``generate`` will report: one per document laid out,
    one per DOCX written."""
    out_root = options.output_dir or workspace.output_dir
    total = 0
    for cid in contact_ids:
        formats = [f for f in options.formats
                   if needs_writing(out_root / cid / f"{kind}.{f}", options.force)]
        total += bool(formats) + ("docx" in formats)
    return total


def parse_since(value: str, today: dt.date) -> dt.date:
    """``7d`` (days back from today) or ``YYYY-MM-DD``."""
    text = value.strip().lower()
    if text.endswith("d") and text[:-1].isdigit():
        try:
            return today - dt.timedelta(days=int(text[:-1]))
        except OverflowError:
            raise UsageError(f"--since {value}: that is before the calendar begins") from None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise UsageError(f"--since takes a number of days (7d) or a date (YYYY-MM-DD), "
                         f"not {value!r}") from None


def written_subject(path: Path) -> str:
    """The subject recorded in a PDF's or DOCX's metadata ("" when there is none)."""
    try:
        if path.suffix == ".pdf":
            from pypdf import PdfReader

            meta = PdfReader(str(path)).metadata
            return str(meta.subject or "") if meta else ""
        import docx

        return str(docx.Document(str(path)).core_properties.subject or "")
    except Exception:  # unreadable: treated as written for no known conversation
        return ""


def _check_kept_thank_yous(contacts: list[ContactFile], options: Options, out_root: Path,
                           today: dt.date) -> bool:
    """Refuse to keep a thank-you letter written for an older conversation (it would be
    printed and marked sent as if it were this one's); True when any will be written."""
    from .documents import subject

    fresh = False
    for contact in contacts:
        wanted = subject(Request("thank-you", contact, today))
        for fmt in options.formats:
            path = out_root / contact.id / f"thank-you.{fmt}"
            if needs_writing(path, options.force):
                fresh = True
            elif written_subject(path) != wanted:
                raise OutputError(
                    f"{display_path(path)} was written for another conversation than the "
                    f"last one logged ({wanted.removeprefix('thank-you for the ')}): move it "
                    "away to keep it, or --force to write the new letter over it")
    return fresh


def owing_thank_you(workspace: Workspace, since: dt.date, today: dt.date) -> list[str]:
    """Contacts with a meeting, call or decline since ``since`` and no thank-you after it."""
    return [c.id for c in workspace.contacts()
            if rules.thank_you_owed(c.data, since, today) is not None]


def thank_you(workspace: Workspace, contact_ids: list[str] | None, options: Options, *,
              since: dt.date | None = None, mark_sent: bool = False,
              progress: Progress | None = None) -> Report:
    """Thank-you letters for the last conversation with each contact.

    With ``since`` (the busy week): every contact owing one since that day, and one print
    file ``output/batches/<date>-thank-you.pdf`` with every letter and its enclosures.
    With ``mark_sent``: ``thank-you-sent`` is appended to each contact's history.
    """
    today = options.today or dt.date.today()
    options = replace(options, today=today)
    if mark_sent and today > dt.date.today():
        raise UsageError(f"--mark-sent with --date {today.isoformat()}: a letter cannot be "
                         "marked sent on a day still to come")
    ids = owing_thank_you(workspace, since, today) if since is not None else contact_ids
    if ids is not None and not ids:
        report = Report()
        report.warnings.append(f"no meeting, call or decline since {since} is waiting for a "
                               "thank-you letter")
        return report
    contacts = workspace.contacts(ids)
    out_root = options.output_dir or workspace.output_dir
    batch = out_root / "batches" / f"{today.isoformat()}-thank-you.pdf"
    fresh = _check_kept_thank_yous(contacts, options, out_root, today)
    if since is not None and "pdf" in options.formats and batch.exists() and fresh \
            and not options.force and not options.dry_run:
        raise OutputError(f"{display_path(batch)} exists and would no longer hold every "
                          "letter: --force rebuilds it")
    report = generate(workspace, "thank-you", ids, replace(options, keep_pdfs=True), progress)
    report.table.append(("CONTACT", "CONVERSATION", "ENCLOSURE", "FILE"))
    for contact in contacts:
        entry = rules.last_conversation(contact.data, today)
        assert entry is not None  # generate() refused contacts without one
        if not entry.points:
            report.warnings.append(
                f"the thank-you letter to {contact.data.name} names nothing specific from the "
                f"conversation: add points with outreach log {contact.id} --point \"...\"")
        decision = rules.thank_you_resume(contact.data, entry)
        how = entry.event + (f" ({entry.mode})" if entry.mode else "")
        pdf = out_root / contact.id / "thank-you.pdf"
        report.table.append((contact.data.name, f"{how} {entry.date.isoformat()}",
                             "Résumé" if decision.enclose else "-",
                             display_path(pdf if "pdf" in options.formats else
                                          pdf.with_suffix(".docx"))))
    if since is not None and "pdf" in options.formats:
        files = [out_root / c.id / "thank-you.pdf" for c in contacts]
        if options.dry_run:
            data = b""
        else:
            from .writers.pdf import concatenate

            data = concatenate([report.pdfs.get(f, f) for f in files])  # kept ones: read
        report.outcomes += write_all([Planned(batch, data)], force=options.force,
                                     dry_run=options.dry_run)
    if mark_sent and not options.dry_run:
        from .history import append_entries

        for contact in contacts:
            append_entries(contact, [HistoryEntry(date=today, event="thank-you-sent")])
            report.marked.append(contact.id)
    return report



@dataclass(frozen=True)
class Logged:
    """What ``outreach log`` did: the entry, the file, and the referrals it added."""

    entry: HistoryEntry
    path: str
    referrals: list[tuple[str, str, bool]]


def parse_referral(text: str) -> Referral:
    """``"Ana Ruiz, County GIS"`` -> a referral with a name and an organization."""
    name, _, organization = (" ".join(part.split()) for part in text.partition(","))
    if not name:
        raise UsageError(f"--referral takes \"Name, Organization\", not {text!r}")
    return Referral(name=name, organization=organization or None)


def log_event(workspace: Workspace, contact_id: str, *, event: str, day: dt.date | None,
              mode: str | None, points: list[str], referrals: list[str],
              resume: str | None) -> Logged:
    """Append one event to a contact's history; turn its referrals into contacts."""
    from pydantic import ValidationError

    from .history import add_referral_contacts, append_entries

    contact = workspace.contact(contact_id)
    today = dt.date.today()
    when = day or today
    if when > today:
        raise UsageError(f"--date {when.isoformat()} is in the future: log what has happened")
    for text in (*points, *referrals):
        if _FORBIDDEN.search(text):
            raise UsageError(f"{text!r} contains a control character that no document can "
                             "hold; type it again without it")
    points = [" ".join(p.split()) for p in points]  # one line each, as a letter shows it
    try:
        entry = HistoryEntry.model_validate({
            "date": when, "event": event, "mode": mode, "points": points,
            "referrals": [parse_referral(r) for r in referrals], "resume": resume})
    except ValidationError as exc:
        raise UsageError(f"cannot log that: {exc.errors()[0]['msg']}") from None
    # the referrals' files first: if one cannot be made, the history is untouched, and
    # running the command again finds the ones already made instead of adding them twice
    added = add_referral_contacts(workspace, contact, list(entry.referrals), today)
    append_entries(contact, [entry])
    return Logged(entry, display_path(contact.path),
                  [(cid, display_path(path), created) for cid, path, created in added])


def what_is_due(workspace: Workspace, today: dt.date, ics: Path | None = None,
                force: bool = False) -> list[Item]:
    """Follow-up calls, thank-you letters owed and referrals not yet approached; with
    ``ics``, written as calendar events (an existing file is kept unless forced)."""
    from .due import due_items, to_ics
    from .output import atomic_write

    if ics is not None and ics.exists() and not force:
        raise OutputError(f"{display_path(ics)} exists: --force overwrites it with the "
                          "calendar")
    items = due_items(workspace.contacts(), today)
    if ics is not None:
        atomic_write(ics, to_ics(items, today))
    return items
