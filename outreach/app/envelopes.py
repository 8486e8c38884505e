"""The print file of ``outreach envelopes``: envelopes, or address labels, for a batch.

The envelope is a document kind (``kinds.ENVELOPE``, template ``envelope.md.j2``) written
as one print file for its batch (``Kind.batch``): the pipeline plans the batch and
renders each contact's envelope like any other document (``pipeline.plan``, ``run``);
this module lays them all out in one pass into one tagged PDF,
``output/batches/<date>-envelopes.pdf``, one envelope a page. No file is written per
contact: an envelope is printed with its batch, and one kept from an older run could
carry an address since changed. With ``--labels`` the same delivery addresses go on a
sheet of labels instead (``<date>-labels.pdf``, see ``outreach/compose/postal.py``).

A contact without a postal address is left out with a warning naming them
(``Kind.left_out``); only when no contact has one is it an error. A profile without an
address gives envelopes without a return address, with a warning: the post carries
them, but cannot return one it cannot deliver.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import replace
from pathlib import Path

from outreach.compose import kinds, postal
from outreach.compose.documents import Rendered
from outreach.compose.templating import Templates
from outreach.document.model import Block, Document, Part
from outreach.errors import LayoutError, TemplateError, display_path
from outreach.render.writers import pdf
from outreach.workspace.folder import ContactFile, Workspace

log = logging.getLogger(__name__)


def warn_return_address(workspace: Workspace, labels: bool) -> None:
    """Envelopes from a profile without an address carry no return address: a warning."""
    if not labels and not workspace.profile().data.address:
        log.warning("the envelopes carry no return address, so the post cannot send back "
                    "one it cannot deliver: add address: to "
                    f"{display_path(workspace.profile().path)}")


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

    envelope = postal.ENVELOPES[cover.paper]
    for one in rendered:
        _part(one, "delivery-address", template)
    done = pdf.print_file([r.document for r in rendered], css, cover,
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

    sheet = postal.SHEETS[cover.paper]
    foreign = tuple(dict.fromkeys(f for r in rendered for f in r.document.foreign))
    labels = replace(cover, kind="address-labels", foreign=foreign,
                     blocks=label_sheets(rendered, cover.paper, template))
    done = pdf.print_file([labels], postal.labels_css(cover.paper) + templates_css, cover,
                      check=("label",), base_url=workspace.root,
                      allowed=_allowed(workspace))
    _too_long(rendered, done.overflowing["label"], f"an {sheet.name} label")
    return done.data


def _allowed(workspace: Workspace) -> list[Path]:
    return [workspace.templates_dir, workspace.root]


def print_file(workspace: Workspace, templates: Templates, rendered: list[Rendered],
               today: dt.date, labels: bool, document_css: str) -> bytes:
    """The batch's envelopes (rendered each like any document) laid out as one print
    file of envelopes, or of labels; ``document_css`` is the templates' document.css."""
    posted = [r.request.contact for r in rendered]
    template = templates.origin(kinds.ENVELOPE.template)
    paper = workspace.profile().data.paper
    if labels:
        cover = _cover(workspace, f"Address labels ({postal.SHEETS[paper].name}), "
                       f"{today.isoformat()}", posted)
        return _labels(workspace, rendered, cover, template, document_css)
    cover = _cover(workspace, f"Envelopes ({postal.ENVELOPES[paper].name}), "
                   f"{today.isoformat()}", posted)
    css = postal.envelope_css(paper) + document_css
    return _envelopes(workspace, rendered, css, cover, template)
