"""outreach envelopes: one print file of envelopes, or of address labels, for a batch.

The envelope is a document kind (``kinds.ENVELOPE``, template ``envelope.md.j2``): each
contact's is rendered like any other document, then all are laid out in one pass into
one tagged PDF, ``output/batches/<date>-envelopes.pdf``, one envelope a page. No file is
written per contact: an envelope is printed with its batch, and one kept from an older
run could carry an address since changed. With ``--labels`` the same delivery addresses
go on a sheet of labels instead (``<date>-labels.pdf``, see ``outreach/compose/postal.py``).

A contact without a postal address is left out with a warning naming them; only when no
contact has one is it an error. A profile without an address gives envelopes without a
return address, with a warning: the post carries them, but cannot return one it cannot
deliver.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

from outreach.compose import kinds, postal
from outreach.compose.documents import Rendered, Request, build
from outreach.document.model import Block, Document, Part
from outreach.errors import LayoutError, TemplateError, WorkspaceError, display_path
from outreach.workspace.folder import ContactFile, Workspace
from outreach.workspace.output import Planned, write_all
from outreach.workspace.paths import writable

from .pipeline import (
    Options,
    Report,
    check_needs,
    choose,
    collect_warnings,
    stylesheet,
    templates_for,
)


def _posted(workspace: Workspace, contact_ids: list[str] | None, options: Options,
            report: Report) -> tuple[list[ContactFile], list[ContactFile]]:
    """The contacts (for a batch, those at its stages: ``pipeline.choose``), and those with
    a postal address; a warning for each of the others."""
    today = options.today or dt.date.today()
    contacts, report.skipped = choose(workspace, kinds.ENVELOPE, contact_ids,
                                      options.stages, today)
    if not contacts and contact_ids is None:
        return [], []
    posted = [c for c in contacts if c.data.address and c.data.address.strip()]
    for contact in contacts:
        if contact not in posted:
            report.warnings.append(f"no postal address for {contact.data.name} "
                                   f"({display_path(contact.path)}), so nothing is printed "
                                   "for them: add address: to print one")
    if not posted:
        raise WorkspaceError("nothing to print: no contact named has a postal address; add "
                             "address: to the contact files of " + ", ".join(
                                 f"{c.data.name} ({display_path(c.path)})" for c in contacts))
    return contacts, posted


def _cover(workspace: Workspace, title: str, posted: list[ContactFile]) -> Document:
    """The print file's own title, author, subject and language (its metadata)."""
    profile = workspace.profile().data
    names = ", ".join(c.data.name for c in posted)
    return Document("batch", title, profile.paper, (), f"For {names}", profile.lang,
                    profile.name)


def _part(rendered: Rendered, role: str, template: str) -> Part:
    part = rendered.document.part(role)
    if part is None:
        raise TemplateError(f"template {template} has no ::: {role} part: the "
                            f"{'label' if role == 'delivery-address' else 'envelope'} "
                            "prints it")
    return part


def _too_long(rendered: list[Rendered], over: list[int], where: str) -> None:
    if over:
        who = [rendered[i].request.contact for i in over]
        raise LayoutError(f"the address does not fit {where}: " + "; ".join(
            f"{c.data.name} ({display_path(c.path)})" for c in who)
            + ": shorten its lines (title, organization, address)")


def _envelopes(workspace: Workspace, rendered: list[Rendered], css: str,
               cover: Document, template: str) -> bytes:
    from outreach.render.writers.pdf import print_file

    envelope = postal.ENVELOPES[cover.paper]
    for one in rendered:
        _part(one, "delivery-address", template)
    done = print_file([r.document for r in rendered], css, cover,
                      check=("return-address", "delivery-address"),
                      base_url=workspace.root, allowed=_allowed(workspace))
    if done.overflowing["return-address"]:
        raise LayoutError(f"your return address does not fit the corner of a "
                          f"{envelope.name} envelope: shorten address: in "
                          f"{display_path(workspace.profile().path)}")
    _too_long(rendered, done.overflowing["delivery-address"], f"a {envelope.name} envelope")
    if done.starts[-1] != len(rendered):
        raise LayoutError(f"template {template} takes more than one page for an envelope")
    return done.data


def label_sheets(rendered: list[Rendered], paper: str, template: str) -> tuple[Block, ...]:
    """The delivery addresses as labels, a sheet's worth to each ``sheet`` part."""
    sheet = postal.SHEETS[paper]  # type: ignore[index]
    labels = [Part("label", _part(r, "delivery-address", template).blocks) for r in rendered]
    return tuple(Part("sheet", tuple(labels[i:i + sheet.per_sheet]))
                 for i in range(0, len(labels), sheet.per_sheet))


def _labels(workspace: Workspace, rendered: list[Rendered], cover: Document,
            template: str, templates_css: str) -> bytes:
    from outreach.render.writers.pdf import print_file

    sheet = postal.SHEETS[cover.paper]
    foreign = tuple(dict.fromkeys(f for r in rendered for f in r.document.foreign))
    labels = replace(cover, kind="address-labels", foreign=foreign,
                     blocks=label_sheets(rendered, cover.paper, template))
    done = print_file([labels], postal.labels_css(cover.paper) + templates_css, cover,
                      check=("label",), base_url=workspace.root,
                      allowed=_allowed(workspace))
    _too_long(rendered, done.overflowing["label"], f"an {sheet.name} label")
    return done.data


def _allowed(workspace: Workspace) -> list[Path]:
    return [workspace.templates_dir, workspace.root]


def _table(contacts: list[ContactFile], posted: list[ContactFile]) -> list[tuple[str, ...]]:
    """One row per contact: the address printed, or why nothing was."""
    rows: list[tuple[str, ...]] = [("CONTACT", "ADDRESS")]
    for contact in contacts:
        lines = [ln.strip() for ln in (contact.data.address or "").splitlines() if ln.strip()]
        rows.append((contact.data.name, ", ".join(lines) if contact in posted
                     else "- (no postal address: not printed)"))
    return rows


def _print(workspace: Workspace, posted: list[ContactFile], today: dt.date,
           labels: bool) -> bytes:
    """Each contact's envelope rendered, then all laid out as envelopes or labels."""
    templates = templates_for(workspace)
    rendered = [build(workspace, templates, Request(kinds.ENVELOPE, c, today))
                for c in posted]
    template = templates.origin(kinds.ENVELOPE.template)
    paper = workspace.profile().data.paper
    if labels:
        cover = _cover(workspace, f"Address labels ({postal.SHEETS[paper].name}), "
                       f"{today.isoformat()}", posted)
        return _labels(workspace, rendered, cover, template, stylesheet(templates))
    cover = _cover(workspace, f"Envelopes ({postal.ENVELOPES[paper].name}), "
                   f"{today.isoformat()}", posted)
    css = stylesheet(templates, postal.envelope_css(paper))
    return _envelopes(workspace, rendered, css, cover, template)


def envelopes(workspace: Workspace, contact_ids: list[str] | None, options: Options, *,
              labels: bool = False) -> Report:
    """One print file of envelopes (or, with ``labels``, label sheets) for the contacts
    named (all when ``None``) who have a postal address."""
    today = options.today or dt.date.today()
    report = Report()
    out_root = options.output_dir or workspace.output_dir
    name = "labels" if labels else kinds.ENVELOPE.batch
    path = out_root / "batches" / f"{today.isoformat()}-{name}.pdf"
    within = (workspace.root, out_root)
    with collect_warnings(report.warnings):
        contacts, posted = _posted(workspace, contact_ids, options, report)
        if not contacts:
            return report
        check_needs(workspace, kinds.ENVELOPE, posted, today, ("pdf",))
        writable([path], within)
        if not labels and not workspace.profile().data.address:
            report.warnings.append(
                "the envelopes carry no return address, so the post cannot send back one it "
                f"cannot deliver: add address: to {display_path(workspace.profile().path)}")
        data = _print(workspace, posted, today, labels)
        report.outcomes += write_all([Planned(path, data)], force=options.force,
                                     dry_run=options.dry_run, within=within)
    report.table = _table(contacts, posted)
    return report
