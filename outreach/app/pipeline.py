"""A batch of documents in four stages: plan -> render -> layout -> write.

- **plan** (``plan``): choose the contacts (named, by stage, or by the kind's own rule:
  ``Kind.choice``), load and validate what the batch needs, every problem at once
  (the contacts' files, what each document needs from them, the enclosures and the
  no-résumé rule), and decide which files are written and which are kept, the batch's
  print file too. Nothing is rendered yet; the progress bar, ``--dry-run``,
  ``--explain`` and the batch's own steps read the plan instead of working it out again.
- **render** (``render``): each document once, into the neutral document model.
- **layout** (``layout``): every document laid out as PDF in passes of several, checked
  against its page limit; one that runs long is set once more, tighter. Laid-out pages
  come from a cache when nothing that decides them changed, and a large batch is laid
  out by worker processes on every core (``outreach/render/layout.py``).
- **write** (``write``): each pass's files written atomically, all of a pass or none.
- then the batch's own steps, as its kind says (``finish``): its table (``Kind.table``),
  its print file made from the PDFs in memory (``Kind.print_file``, with ``--since``),
  and with ``--mark-sent`` each contact's history marked (``Kind.sent``). A kind written
  as one print file and no file per contact (``Kind.batch``: the envelopes) is rendered
  the same way and laid out by ``app/envelopes.py``.

Nothing is written until every document has rendered, so an error in the data or a
template leaves no files behind; a killed batch keeps the passes already written.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
from collections.abc import Generator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Protocol

from outreach.campaign import stages
from outreach.compose import enclosures
from outreach.compose.documents import Enclosure, Rendered, Request, build, enclosure_title
from outreach.compose.enclosures import as_pdf, beside, check_requested
from outreach.compose.kinds import EMAIL_NEEDS, Kind, all_kinds
from outreach.compose.templating import Templates
from outreach.document.text import with_article
from outreach.errors import (
    InputError,
    LayoutError,
    OutputError,
    Problem,
    UsageError,
    WorkspaceError,
    display_path,
)
from outreach.logs import capture
from outreach.render.layout import Filling, Laid, Lookups, Setting, lay_out
from outreach.render.writers.pdf import append, concatenate
from outreach.workspace.folder import ContactFile, Workspace
from outreach.workspace.history import append_entries
from outreach.workspace.models import GOALS, HistoryEntry, Mode
from outreach.workspace.output import Outcome, Planned, quiet_pdf_reading, why_kept, write_all
from outreach.workspace.paths import writable
from outreach.workspace.placeholders import placeholders_allowed

from . import envelopes

log = logging.getLogger("outreach.campaign")

FORMATS = ("pdf", "docx")
#: The formats laid out on pages (by WeasyPrint); the others are text.
PRINTED = frozenset(FORMATS)
#: Every format a document can be written in: ``eml`` is an e-mail draft, ``txt`` a
#: note to paste (a kind's ``formats`` say which are its own).


@dataclass(frozen=True)
class Options:
    """What the user chose on the command line (or a caller of the library)."""

    formats: tuple[str, ...] = FORMATS
    output_dir: Path | None = None
    force: bool = False
    dry_run: bool = False
    today: dt.date | None = None
    enclose: tuple[Path, ...] = ()
    #: The titles the enclosure line gives the files enclosed, in order (the rest are
    #: named by their metadata's title).
    enclose_titles: tuple[str, ...] = ()
    minutes: int | None = None
    goals: tuple[str, ...] = ()
    mode: Mode | None = None
    explain: bool = False
    #: The most characters of a note (``--limit``).
    limit: int | None = None
    #: Where the seeker landed, ``(role, organization)`` (``--landed``).
    landed: tuple[str, str] | None = None
    #: For a batch: the campaign stages whose contacts it takes (``--stage``; default
    #: the stages the kind belongs to).
    stages: tuple[str, ...] = ()
    #: For a batch of a kind that chooses by its own rule (``Kind.choice``), the day it
    #: looks back to (``--since``); with it, the kind's print file is written too.
    since: dt.date | None = None
    #: Record each document sent in its contact's history (``Kind.sent``), once written.
    mark_sent: bool = False
    #: A kind written as one print file (envelopes): address labels instead.
    labels: bool = False


class Progress(Protocol):
    """What a progress bar needs: the units of work, then each unit done."""

    def start(self, total: int) -> None: ...

    def advance(self, done: int) -> None: ...


@dataclass
class Report:
    """What a command did: one outcome per file, and anything worth a warning."""

    outcomes: list[Outcome] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    #: Per contact id, why each document says what it says (``--explain``).
    explanations: dict[str, tuple[str, ...]] = field(default_factory=dict)
    #: The documents rendered this time, by contact id.
    rendered: dict[str, Rendered] = field(default_factory=dict)
    #: Each PDF written (or, in a dry run, that would be), enclosures included, by id.
    pdf: dict[str, bytes] = field(default_factory=dict)
    #: A summary table (header first) for batch commands.
    table: list[tuple[str, ...]] = field(default_factory=list)
    #: Contacts whose history got the kind's ``sent`` entry (``--mark-sent``).
    marked: list[str] = field(default_factory=list)
    #: What a batch took and left out by stage (``Selection.summary`` says it).
    skipped: stages.Selection | None = None


# -- plan -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Target:
    """One contact's document in the plan: where each format goes, which are written."""

    contact: ContactFile
    paths: Mapping[str, Path]
    #: The formats written this time; the others exist and are kept.
    write: tuple[str, ...]
    #: Why each format not written is kept (``output.CHANGED`` or ``output.FOREIGN``).
    why: Mapping[str, str] = field(default_factory=dict)

    def kept(self) -> list[Outcome]:
        return [Outcome(path, "kept", *([self.why[fmt]] if fmt in self.why else []))
                for fmt, path in self.paths.items() if fmt not in self.write]


@dataclass(frozen=True)
class Plan:
    """Which documents of one kind a command writes, for whom, with what."""

    kind: Kind
    today: dt.date
    options: Options
    targets: tuple[Target, ...]
    #: The files the user asked to enclose (the rules' own are added when rendering).
    enclosures: tuple[Enclosure, ...] = ()
    #: The folders written files must stay inside (the workspace, the output folder).
    within: tuple[Path, ...] = ()
    #: What a batch took and left out by stage (``stages.Selection``), if a batch.
    skipped: stages.Selection | None = None
    #: The batch's print file, ``output/batches/<date>-<name>.pdf``, if it has one.
    print_file: Path | None = None
    #: Why a batch of the kind's own choosing has nothing to write (said as a warning).
    nothing: str = ""
    #: Every contact the batch chose, in order, those it left out too (``Kind.left_out``);
    #: empty: the targets' contacts.
    chosen: tuple[ContactFile, ...] = ()

    @property
    def to_write(self) -> list[Target]:
        return [t for t in self.targets if t.write]

    @property
    def steps(self) -> int:
        """Progress units: one per document laid out, one per DOCX written."""
        return sum(bool(PRINTED & set(t.write)) + ("docx" in t.write) for t in self.to_write)

    def request(self, contact: ContactFile) -> Request:
        o = self.options
        return Request(self.kind, contact, self.today, self.enclosures, o.minutes, o.goals,
                       o.mode, o.limit, o.landed, o.today)


def check_needs(workspace: Workspace, kind: Kind, contacts: list[ContactFile],
                today: dt.date, formats: tuple[str, ...] = FORMATS) -> None:
    """Everything the documents need from these contacts and the profile (and, for an
    e-mail draft, the addresses): every missing piece of the batch reported at once."""
    problems: list[Problem] = []
    needs = kind.needs + (EMAIL_NEEDS if "eml" in formats else ())
    for contact in contacts:
        for need in needs:
            problem = need.check(workspace, contact, today)
            if problem is not None and problem not in problems:
                problems.append(problem)
    if problems:
        raise InputError(problems)


def _enclosures(options: Options, kind: Kind, workspace: Workspace) -> tuple[Enclosure, ...]:
    """The files to enclose, checked before anything else (even for a document that
    exists and would be kept): they exist, can be read and travel inside a PDF, and the
    résumé never goes with a kind that may not carry it, nor by --enclose with one whose
    rules decide it (the thank-you). Each is named by its title (--enclose-title, else
    the file's own)."""
    if len(options.enclose_titles) > len(options.enclose):
        raise UsageError("--enclose-title names a file given with --enclose: give one "
                         "--enclose FILE for each title, in the same order")
    titles = dict(zip(options.enclose, options.enclose_titles, strict=False))
    paths = check_requested(workspace, kind.may_enclose_resume, options.enclose)
    if kind.enclosures is not None:  # the rules alone decide when the résumé goes
        enclosures.check_rule_enclosures(list(paths), workspace.profile().resume_path)
    return tuple(Enclosure(enclosure_title(p, titles.get(p)), p) for p in paths)


def _check_formats(kind: Kind, formats: tuple[str, ...]) -> None:
    allowed = kind.formats + (("eml",) if kind.email else ())
    unknown = [f for f in formats if f not in (*allowed, "eml")]
    if unknown:
        raise UsageError(f"a {kind.words} is not written as {', '.join(unknown)}; its "
                         f"formats are: {', '.join(allowed)}")
    if "eml" in formats and kind.email is None:
        mailed = ", ".join(k.name for k in all_kinds() if k.email)
        raise UsageError(f"a {kind.words} is not sent by e-mail, so --format eml does not "
                         f"apply to it (e-mail drafts are written for: {mailed})")


def plan(workspace: Workspace, kind: Kind, contact_ids: list[str] | None,
         options: Options) -> Plan:
    """The plan for one kind of document for the contacts named (all when ``None``)."""
    today = options.today or dt.date.today()
    _check_marking(kind, options, today)
    if kind.batch is not None:
        return _print_plan(workspace, kind, contact_ids, options, today)
    by_rule = chosen_by_rule(workspace, kind, contact_ids, options, today)
    if by_rule is not None and not by_rule[0] and kind.choice is not None:
        return Plan(kind, today, options, (), skipped=by_rule[1],
                    nothing=kind.choice.nobody.format(since=options.since))
    _check_options(kind, options)
    workspace.profile()
    enclosures = _enclosures(options, kind, workspace)  # the résumé rule comes first
    contacts, skipped = by_rule or choose(workspace, kind, contact_ids, options.stages,
                                          today, dated=options.today is not None)
    contacts, skipped = leave_out_misfits(workspace, kind, contacts, skipped, today,
                                          options.formats)
    for contact in contacts:  # a referrer's file must be valid too
        workspace.referrer_name(contact)
    workspace.check_referral_chains(contacts)  # a circle: a warning elsewhere, here an error
    check_needs(workspace, kind, contacts, today, options.formats)
    out_root = options.output_dir or workspace.output_dir
    within = (workspace.root, out_root)
    targets = [_target(contact, out_root, kind, options, within) for contact in contacts]
    writable([p for t in targets for p in t.paths.values()], within)
    the_plan = Plan(kind, today, options, tuple(targets), enclosures, within, skipped,
                    _print_path(kind, options, out_root, today))
    _check_kept_subjects(the_plan)
    _check_print_file(the_plan)
    return the_plan


def _print_plan(workspace: Workspace, kind: Kind, contact_ids: list[str] | None,
                options: Options, today: dt.date) -> Plan:
    """The plan of a kind written as one print file for its batch (``Kind.batch``: the
    envelopes), ``output/batches/<date>-<batch>.pdf`` (``labels`` with ``--labels``)."""
    contacts, skipped = choose(workspace, kind, contact_ids, options.stages, today)
    out_root = options.output_dir or workspace.output_dir
    within = (workspace.root, out_root)
    name = "labels" if options.labels else kind.batch
    path = out_root / "batches" / f"{today.isoformat()}-{name}.pdf"
    if not contacts and contact_ids is None:
        return Plan(kind, today, options, (), within=within, skipped=skipped)
    taken = _leave_out(workspace, kind, contacts, today)
    check_needs(workspace, kind, taken, today, ("pdf",))
    writable([path], within)
    targets = tuple(Target(contact, {}, ()) for contact in taken)
    return Plan(kind, today, options, targets, (), within, skipped, path,
                chosen=tuple(contacts))


def _leave_out(workspace: Workspace, kind: Kind, contacts: list[ContactFile],
               today: dt.date) -> list[ContactFile]:
    """The contacts a batch takes: those ``Kind.left_out`` finds wanting left out, each
    with a warning; an error when that leaves nobody."""
    left = kind.left_out
    if left is None:
        return contacts
    out = [c for c in contacts if left.need.check(workspace, c, today) is not None]
    for contact in out:
        log.warning(left.warning.format(name=contact.data.name,
                                        path=display_path(contact.path)))
    if len(out) == len(contacts):
        raise WorkspaceError(left.nobody + ", ".join(
            f"{c.data.name} ({display_path(c.path)})" for c in contacts))
    wanting = {c.id for c in out}
    return [c for c in contacts if c.id not in wanting]


def _check_options(kind: Kind, options: Options) -> None:
    unknown = [g for g in options.goals if g not in GOALS]
    if unknown:
        raise UsageError(f"unknown goal {', '.join(unknown)}; valid goals are: "
                         f"{', '.join(GOALS)}")
    _check_formats(kind, options.formats)


def _check_marking(kind: Kind, options: Options, today: dt.date) -> None:
    """``--mark-sent`` records a document sent: of a kind that is, on a day gone by."""
    if not options.mark_sent:
        return
    if kind.sent is None:
        raise UsageError(f"a {kind.words} is never marked sent")
    if today > dt.date.today():
        raise UsageError(f"--mark-sent with --date {today.isoformat()}: a letter cannot be "
                         "marked sent on a day still to come")


def _print_path(kind: Kind, options: Options, out_root: Path, today: dt.date) -> Path | None:
    """The batch's print file (``Kind.print_file``, for a batch with ``--since``), when
    the documents are written as PDF."""
    if kind.print_file is None or options.since is None or "pdf" not in options.formats:
        return None
    return out_root / "batches" / f"{today.isoformat()}-{kind.print_file}.pdf"


def choose(workspace: Workspace, kind: Kind, contact_ids: list[str] | None,
           chosen: tuple[str, ...], today: dt.date, *,
           dated: bool = False) -> tuple[list[ContactFile], stages.Selection | None]:
    """The contacts a command writes to, and what a batch left out by stage.

    Named contacts are always written (one still holding placeholders is refused with
    its file's lines), each with a warning when the document no longer fits its stage;
    for a document of a meeting still to come, a day given (``dated``: the meeting's
    day) says the meeting is arranged. A batch (``None``) takes the contacts at the
    stages ``chosen`` (default: the kind's); the others are counted, never validated
    for this document, never an error."""
    if contact_ids is not None:
        contacts = workspace.contacts(contact_ids)
        _warn_misfits(kind, contacts, today, dated)
        return contacts, None
    wanted = chosen or kind.stages
    if not wanted:
        return workspace.contacts(), None
    with placeholders_allowed():
        everyone = workspace.contacts()
    selection = stages.select(everyone, wanted, today)
    if "incomplete" in wanted:  # chosen on purpose: say what to fill in, file by file
        workspace.contacts([c.id for c in selection.chosen if c.unfilled])
    return list(selection.chosen), selection


def leave_out_misfits(workspace: Workspace, kind: Kind, contacts: list[ContactFile],
                      selection: stages.Selection | None, today: dt.date,
                      formats: tuple[str, ...] = FORMATS
                      ) -> tuple[list[ContactFile], stages.Selection | None]:
    """In a batch, a contact taken at a stage the document does not belong to (``--stage``
    on purpose) that lacks what the document needs is left out, each problem said as a
    warning with its file and line, and named in the skipped line: it does not stop the
    others. A contact at the document's own stage still stops the batch (every problem
    at once): it is the one the document is for."""
    if selection is None or not kind.stages:
        return contacts, selection
    lacking: list[ContactFile] = []
    for contact in contacts:
        found = stages.of(contact, today)
        if found.stage in kind.stages:
            continue
        try:
            workspace.referrer_name(contact)
            workspace.check_referral_chains([contact])
            check_needs(workspace, kind, [contact], today, formats)
        except InputError as error:
            lacking.append(contact)
            for line in error.lines():
                log.warning(f"{contact.id} ({found.stage}) is left out of the batch: {line}")
    selection = selection.leave_out(lacking, f"lacking what {with_article(kind.words)} needs")
    return list(selection.chosen), selection


def _warn_misfits(kind: Kind, contacts: list[ContactFile], today: dt.date,
                  dated: bool) -> None:
    """A warning for each contact whose stage the document no longer fits; for a
    document of a meeting still to come, a day given says the meeting is arranged."""
    arranged = dated and "scheduled" in kind.stages
    for contact in [] if arranged else contacts:
        warning = stages.misfit(contact, kind.stages, kind.words, kind.for_whom, today)
        if warning:
            log.warning(warning)


def chosen_by_rule(workspace: Workspace, kind: Kind, contact_ids: list[str] | None,
                   options: Options, today: dt.date
                   ) -> tuple[list[ContactFile], stages.Selection | None] | None:
    """For a kind that chooses by a rule of its own (``Kind.choice``): the contacts named,
    none it refuses, or those a batch takes and what it left out (said only when the
    rule says why); None when the stages choose (``choose``)."""
    choice = kind.choice
    refuse = choice.refuse if choice else None
    if choice is None or (contact_ids is not None and refuse is None) or (
            contact_ids is None and choice.with_since and options.since is None):
        return None
    if contact_ids is not None and refuse is not None:
        contacts = workspace.contacts(contact_ids)
        for contact in contacts:
            if refused := refuse(contact):
                raise UsageError(refused)
    else:
        with placeholders_allowed():
            everyone = workspace.contacts()
        selection = stages.select_where(everyone, lambda c, found: found.stage != "incomplete"
                                        and choice.takes(c, options.since, today), today)
        contacts = list(selection.chosen)
    _warn_misfits(kind, contacts, today, options.today is not None)
    if contact_ids is not None or choice.why is None:
        return contacts, None
    return contacts, replace(selection, why=choice.why.format(since=options.since))


def _target(contact: ContactFile, out_root: Path, kind: Kind, options: Options,
            within: tuple[Path, ...]) -> Target:
    """Where each format of one contact's document goes; a file is written when it is
    missing or outreach's own unchanged since (see ``output``), kept when changed by
    hand, unless forced; a dry run checks them all."""
    paths = {fmt: out_root / contact.id / f"{kind.name}.{fmt}" for fmt in options.formats}
    why = {fmt: why_kept(path, force=options.force, within=within,
                         dry_run=options.dry_run) for fmt, path in paths.items()}
    return Target(contact, paths, tuple(f for f in paths if why[f] is None),
                  {f: w for f, w in why.items() if w is not None})


# -- render -----------------------------------------------------------------------------

def templates_for(workspace: Workspace) -> Templates:
    folder = workspace.templates_dir
    return Templates(folder if folder.is_dir() else None)


def render(workspace: Workspace, templates: Templates, plan: Plan,
           lookups: Lookups | None = None) -> dict[str, Rendered]:
    """Every document the plan writes, rendered once (with ``--explain``, the kept ones
    too, so every contact's explanation is given). Each one laid out on pages is asked
    of the layout cache at once (``lookups``): the first it lacks starts the workers."""
    explain = plan.options.explain
    rendered: dict[str, Rendered] = {}
    for target in plan.targets:
        if target.write or explain:
            one = rendered[target.contact.id] = build(workspace, templates,
                                                      plan.request(target.contact))
            if lookups is not None and PRINTED & set(target.write):
                lookups.ask(one.document, one.max_pages, filling(one))
    return rendered


# -- layout -----------------------------------------------------------------------------

def layout_setting(workspace: Workspace, templates: Templates, kind: Kind | None = None
                   ) -> Setting:
    """The CSS a kind's PDFs are laid out with (its own page's first, if it has one), and
    the folders their files may come from."""
    page = kind.page(workspace.profile().data.paper) if kind and kind.page else ""
    return Setting(stylesheet(templates, page), workspace.root,
                   (workspace.templates_dir, workspace.root))


def stylesheet(templates: Templates, page: str = "") -> str:
    """``document.css``, after the CSS of a kind's own page (an envelope's), if any."""
    return page + templates.resource("document.css").decode("utf-8")


def layout(plan: Plan, rendered: Mapping[str, Rendered], setting: Setting,
           lookups: Lookups | None = None, progress: Progress | None = None
           ) -> Generator[list[tuple[Target, Laid]], None, None]:
    """The documents written as PDF or DOCX laid out (``outreach/render/layout.py``: from the
    cache, in passes, by workers for a large batch), a pass at a time, each checked
    against its page limit. DOCX-only runs need it too: the page count is measured here
    (no PDF is written), and a document set tighter is written tighter in Word too."""
    printed = [t for t in plan.to_write if PRINTED & set(t.write)]
    items = [(one.document, one.max_pages, filling(one))
             for one in (rendered[t.contact.id] for t in printed)]
    passes = lay_out(items, setting, pdf=any("pdf" in t.write for t in printed),
                     progress=progress.advance if progress else None, lookups=lookups)
    with contextlib.closing(passes):
        for done in passes:
            for n, laid in done:
                _check_fits(rendered[printed[n].contact.id], laid.pages)
            yield [(printed[n], laid) for n, laid in done]


def filling(rendered: Rendered) -> Filling | None:
    """What fills the document's pages (``Kind.fill``), if anything does."""
    fill = rendered.request.kind.fill
    return Filling(fill.roles, rendered.fill_pages) if fill and rendered.fill_pages else None


def _check_fits(rendered: Rendered, pages: int) -> None:
    limit = rendered.most_pages
    if pages > limit:
        who = rendered.request.contact
        raise LayoutError(
            f"the {rendered.request.kind.words} to {who.data.name} runs to {pages} pages, "
            f"more than {limit}: shorten the profile's summary or the text in "
            f"{display_path(who.path)}, or the template")


# -- write ------------------------------------------------------------------------------

def _docx_files(target: Target, rendered: Rendered, laid: Laid,
                reference: bytes) -> list[Planned]:
    """The DOCX, and its enclosures placed beside it: ``<kind>-enclosure-<name>``."""
    from outreach.render.writers import docx  # deferred: lxml

    path = target.paths["docx"]
    data = docx.render_with(laid.document or rendered.document, reference,
                            compact=laid.compact)
    return [Planned(path, data), *beside(path, rendered.request.kind.name,
                                         [e.path for e in rendered.request.enclosures])]


def _files(target: Target, rendered: Rendered, laid: Laid | None,
           reference: bytes) -> list[Planned]:
    """One document's files: the PDF with its enclosures' pages, the DOCX beside them."""
    planned: list[Planned] = []
    if laid is not None and "pdf" in target.write:
        data = laid.data or b""
        enclosed = [e.path for e in rendered.request.enclosures]
        if enclosed:

            data = append(data, enclosed, as_pdf)
        planned.append(Planned(target.paths["pdf"], data))
    if laid is not None and "docx" in target.write:
        planned += _docx_files(target, rendered, laid, reference)
    return planned


def _text_files(workspace: Workspace, target: Target, rendered: Rendered) -> list[Planned]:
    """The formats that need no pages: the e-mail draft, the note as text."""
    files = []
    if "txt" in target.write:
        text = rendered.document.text().strip() + "\n"
        files.append(Planned(target.paths["txt"], text.encode("utf-8")))
    if "eml" in target.write:
        from outreach.channels.drafts import files as draft_files  # deferred: email.headerregistry

        files += draft_files(workspace, rendered, target.paths["eml"])
    return files


def _beside(planned: list[Planned]) -> tuple[list[Planned], list[Planned]]:
    """The files to write, and apart from them what is kept beside an e-mail draft for
    ``outreach send`` (written with its draft, whenever the draft is)."""
    from outreach.channels.drafts import facts_path  # deferred: email.headerregistry

    kept = {facts_path(p.path) for p in planned if p.path.suffix == ".eml"}
    return [p for p in planned if p.path not in kept], [p for p in planned if p.path in kept]


def _write_pass(workspace: Workspace, plan: Plan, rendered: Mapping[str, Rendered],
                batch: list[tuple[Target, Laid | None]], reference: bytes, report: Report,
                progress: Progress | None) -> None:
    """One pass's files, written all at once."""
    planned: list[Planned] = []
    for target, laid in batch:
        files = _files(target, rendered[target.contact.id], laid, reference)
        files += _text_files(workspace, target, rendered[target.contact.id])
        planned += files
        if "pdf" in target.write:
            report.pdf[target.contact.id] = files[0].data
        if progress is not None and "docx" in target.write:
            progress.advance(1)
    planned, beside = _beside(planned)
    report.outcomes += write_all(planned, force=plan.options.force,
                                 dry_run=plan.options.dry_run, within=plan.within)
    write_all(beside, force=True, dry_run=plan.options.dry_run, within=plan.within)


def write(workspace: Workspace, templates: Templates, plan: Plan,
          rendered: Mapping[str, Rendered], report: Report,
          progress: Progress | None = None, lookups: Lookups | None = None) -> None:
    """Lay out and write the plan's documents, a pass at a time; each pass's files are
    written when it is done, so a killed batch keeps its work."""
    todo = plan.to_write
    wants_docx = any("docx" in t.write for t in todo)
    reference = templates.resource("reference.docx") if wants_docx else b""
    setting = lookups.setting if lookups else layout_setting(workspace, templates, plan.kind)
    for done in layout(plan, rendered, setting, lookups, progress):
        _write_pass(workspace, plan, rendered, list(done), reference, report, progress)
    texts: list[tuple[Target, Laid | None]] = [(t, None) for t in todo
                                               if not PRINTED & set(t.write)]
    if texts:  # e-mail drafts and notes need no pages
        _write_pass(workspace, plan, rendered, texts, reference, report, progress)


# -- a batch's own steps: kept letters, the table, the print file, mark-sent ------------

def written_subject(path: Path) -> str:
    """The subject recorded in a PDF's or DOCX's metadata ("" when there is none)."""
    try:
        if path.suffix == ".eml":
            from outreach.channels.drafts import answers_of  # deferred: email.headerregistry

            return answers_of(path)
        if path.suffix == ".pdf":
            from pypdf import PdfReader  # deferred: pypdf

            with quiet_pdf_reading():
                meta = PdfReader(str(path)).metadata
            return str(meta.subject or "") if meta else ""
        import docx  # deferred: docx

        return str(docx.Document(str(path)).core_properties.subject or "")
    except Exception:  # unreadable: treated as written for no known conversation
        return ""


def _check_kept_subjects(plan: Plan) -> None:
    """Refuse to keep a document written for another subject than this one's (a
    thank-you for an older conversation: it would be printed and marked sent as if it
    were this one's). Only a file kept by hand is read: the plan knows the others."""
    subject = plan.kind.subject
    if subject is None:
        return
    for target in plan.targets:
        wanted = subject(plan.request(target.contact))
        for fmt, path in target.paths.items():
            if fmt not in target.write and written_subject(path) != wanted:
                raise OutputError(
                    f"{display_path(path)} was written for another conversation than the "
                    f"last one logged ({wanted.removeprefix('thank-you for the ')}): move it "
                    "away to keep it, or --force to write the new letter over it")


def _check_print_file(plan: Plan) -> None:
    """The print file may be written, and is not kept when it would no longer hold every
    document (one is written anew)."""
    batch, options = plan.print_file, plan.options
    if batch is None:
        return
    writable([batch], plan.within)
    if plan.to_write and (why := why_kept(batch, force=options.force, within=plan.within,
                                          dry_run=options.dry_run)):
        raise OutputError(f"{display_path(batch)} ({why}) would no longer hold every "
                          "letter: --force rebuilds it")


def _summary(plan: Plan, report: Report) -> None:
    """The batch's table (``Kind.table``: one row per document, and its file), and the
    warnings it gives for a document."""
    table, left = plan.kind.table, plan.kind.left_out
    if table is None:
        return
    per_contact = plan.kind.batch is None  # a file each: the table names it
    report.table.append((*table.header, *(("FILE",) if per_contact else ())))
    targets = {t.contact.id: t for t in plan.targets}
    for contact in plan.chosen or [t.contact for t in plan.targets]:
        target = targets.get(contact.id)
        if target is None:
            report.table.append((contact.data.name, left.shown if left else "-"))
            continue
        said = table.warning(contact, plan.today) if table.warning is not None else None
        if said:
            report.warnings.append(said)
        shown = target.paths.get("pdf") or next(iter(target.paths.values()), None)
        report.table.append((*table.row(contact, plan.today),
                             *((display_path(shown),) if per_contact and shown else ())))


def _write_print_file(plan: Plan, report: Report) -> None:
    """One PDF with every document of the batch, each from memory when written now."""

    if plan.print_file is None:
        return
    parts = [(t.paths["pdf"], report.pdf.get(t.contact.id)) for t in plan.targets]
    options = plan.options
    report.outcomes += write_all([Planned(plan.print_file, concatenate(parts))],
                                 force=options.force, dry_run=options.dry_run,
                                 within=plan.within)


def _mark_sent(plan: Plan, report: Report) -> None:
    """``Kind.sent`` appended to each contact's history (``--mark-sent``)."""

    event = plan.kind.sent
    if not plan.options.mark_sent or plan.options.dry_run or event is None:
        return
    for target in plan.targets:
        append_entries(target.contact, [HistoryEntry(date=plan.today, event=event)])
        report.marked.append(target.contact.id)


def _run_print_file(workspace: Workspace, templates: Templates, plan: Plan,
                    report: Report) -> None:
    """A kind written as one print file (``Kind.batch``): each contact's document
    rendered, all laid out together (``app/envelopes.py``), the file written."""

    if plan.print_file is None or not plan.targets:
        return
    envelopes.warn_return_address(workspace, plan.options.labels)
    rendered = [build(workspace, templates, plan.request(t.contact)) for t in plan.targets]
    data = envelopes.print_file(workspace, templates, rendered, plan.today,
                                plan.options.labels, stylesheet(templates))
    options = plan.options
    report.outcomes += write_all([Planned(plan.print_file, data)], force=options.force,
                                 dry_run=options.dry_run, within=plan.within)
    _summary(plan, report)


def finish(plan: Plan, report: Report) -> None:
    """After the documents are written: the batch's table, its print file, and with
    ``--mark-sent`` each contact's history marked."""
    _summary(plan, report)
    _write_print_file(plan, report)
    _mark_sent(plan, report)


# -- the whole batch --------------------------------------------------------------------

def run(workspace: Workspace, plan: Plan, report: Report,
        progress: Progress | None = None) -> Report:
    """Render, lay out and write what ``plan`` says, into ``report``; then the batch's
    own steps (``finish``). A kind written as one print file is laid out as one."""
    templates = templates_for(workspace)
    if plan.kind.batch is not None:
        _run_print_file(workspace, templates, plan, report)
        return report
    printed = [t for t in plan.to_write if PRINTED & set(t.write)]
    lookups = Lookups(layout_setting(workspace, templates, plan.kind), batch=len(printed),
                      pdf=any("pdf" in t.write for t in printed))
    with contextlib.closing(lookups):  # what was handed to workers, if the batch stops
        rendered = render(workspace, templates, plan, lookups)
        report.rendered = {cid: r for cid, r in rendered.items()
                           if cid in {t.contact.id for t in plan.to_write}}
        if plan.options.explain:
            report.explanations = {cid: r.explanation for cid, r in rendered.items()}
        if progress is not None:
            progress.start(plan.steps)
        for target in plan.targets:
            report.outcomes += target.kept()
        write(workspace, templates, plan, rendered, report, progress, lookups)
    report.outcomes.sort(key=lambda o: str(o.path))
    finish(plan, report)
    return report


def generate(workspace: Workspace, kind: Kind, contact_ids: list[str] | None,
             options: Options, progress: Progress | None = None) -> Report:
    """Write one kind of document for the contacts named (all when ``None``)."""
    report = Report()
    with capture(into=report.warnings):  # outreach's and WeasyPrint's warnings
        the_plan = plan(workspace, kind, contact_ids, options)
        report.skipped = the_plan.skipped
        if the_plan.nothing:
            report.warnings.append(the_plan.nothing)
        else:
            run(workspace, the_plan, report, progress)
    return report
