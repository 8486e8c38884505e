"""A counsellor's caseload: one workspace per client, all inside one folder.

``caseload/dana-kehr/profiles/...``, ``caseload/li-wei/profiles/...``: each sub-folder
with a ``profiles/`` folder is a client, named by the folder. ``due`` lists what is due
across every client, ``contacts`` counts each client's contacts and conversations. A
client whose files do not load is reported, with the path of the file and what is
wrong, and the other clients are listed all the same.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from .due import Item, due_items
from .errors import OutreachError, WorkspaceError, display_path
from .placeholders import placeholders_allowed
from .rules import CONVERSATIONS
from .workspace import ContactFile, Workspace


@dataclass
class Caseload:
    """Rows per client, and the problems of the clients that could not be read."""

    due: list[tuple[str, Item]] = field(default_factory=list)
    #: (client, contacts, conversations, last conversation or "-")
    counts: list[tuple[str, int, int, str]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def clients(folder: Path) -> list[tuple[str, Workspace]]:
    """Every client workspace in ``folder``, by name."""
    if not folder.is_dir():
        raise WorkspaceError(f"no caseload folder {display_path(folder)}")
    found = [(p.name, Workspace(p)) for p in sorted(folder.iterdir())
             if p.is_dir() and (p / "profiles").is_dir()]
    if not found:
        raise WorkspaceError(f"no client workspaces in {display_path(folder)}: the caseload "
                             "is one folder per client, each with its profiles/ folder "
                             "(`outreach init DIR/CLIENT` makes one)")
    return found


def _each(folder: Path, caseload: Caseload) -> list[tuple[str, list[ContactFile]]]:
    loaded = []
    for name, workspace in clients(folder):
        try:
            with placeholders_allowed():
                contacts = workspace.contacts() if workspace.contact_ids() else []
        except OutreachError as exc:
            caseload.problems += [f"{name}: {line}" for line in exc.lines()]
            continue
        loaded.append((name, contacts))
    return loaded


def due(folder: Path, today: dt.date) -> Caseload:
    """What is due for every client, soonest first (then by client and contact)."""
    caseload = Caseload()
    for name, contacts in _each(folder, caseload):
        caseload.due += [(name, item) for item in due_items(contacts, today)]
    caseload.due.sort(key=lambda row: (row[1].due, row[0], row[1].name))
    return caseload


def counts(folder: Path) -> Caseload:
    """Per client: how many contacts, how many conversations, and the last one."""
    caseload = Caseload()
    for name, contacts in _each(folder, caseload):
        talks = [entry for contact in contacts for entry in contact.data.history
                 if entry.event in CONVERSATIONS]
        last = max((entry.date for entry in talks), default=None)
        caseload.counts.append((name, len(contacts), len(talks),
                                last.isoformat() if last else "-"))
    return caseload
