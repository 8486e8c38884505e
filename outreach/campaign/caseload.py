"""A counsellor's caseload: one workspace per client, all inside one folder.

``caseload/dana-kehr/profiles/...``, ``caseload/li-wei/profiles/...``: each sub-folder
with a ``profiles/`` folder is a client, named by the folder. ``due`` lists what is due
across every client, ``contacts`` counts each client's contacts and conversations.

Every client that cannot be read is one or more error lines naming the file or folder
and what is wrong (a folder that cannot be read, a contacts folder that cannot be
listed, a broken profile or contact file), and the other clients are listed all the
same. A client folder that is a link out of the caseload folder is refused, as a link
out of a workspace is; two names for one folder (a link beside it) count it once.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from outreach.errors import OutreachError, WorkspaceError, display_path
from outreach.workspace.folder import ContactFile, Workspace
from outreach.workspace.placeholders import placeholders_allowed

from .due import Item, due_items
from .rules import CONVERSATIONS


@dataclass
class Caseload:
    """Rows per client, and the problems of the clients that could not be read."""

    due: list[tuple[str, Item]] = field(default_factory=list)
    #: (client, contacts, conversations, last conversation or "-")
    counts: list[tuple[str, int, int, str]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    #: What is worth knowing but lost nothing: a client reached twice, counted once.
    notes: list[str] = field(default_factory=list)


def _listing(folder: Path) -> list[os.DirEntry[str]]:
    """The entries of ``folder``, sorted; OSError when it cannot be read."""
    with os.scandir(folder) as entries:
        return sorted(entries, key=lambda entry: entry.name)


def _client(entry: os.DirEntry[str], root: Path, seen: dict[Path, str],
            caseload: Caseload) -> Workspace | None:
    """The client workspace at ``entry``, None when it is no client (or is reported)."""
    path = Path(entry.path)
    shown = display_path(path)
    try:
        if not entry.is_dir():
            return None
        real = path.resolve()
        if not real.is_relative_to(root):
            caseload.problems.append(f"{shown}: is a link to {real}, outside the caseload "
                                     "folder: refused, as links out of a workspace are; "
                                     "move the client's folder into the caseload")
            return None
        if not (path / "profiles").is_dir():
            os.listdir(path)  # a folder that cannot be read is said to be so
            return None
    except OSError as exc:
        caseload.problems.append(f"{shown}: cannot be read: {exc.strerror}")
        return None
    if real in seen:
        caseload.notes.append(f"{shown} is {display_path(root / seen[real])} again (a link): "
                              "counted once")
        return None
    seen[real] = entry.name
    return Workspace(path)


def clients(folder: Path, caseload: Caseload | None = None) -> list[tuple[str, Workspace]]:
    """Every client workspace in ``folder``, by name; what cannot be read goes into
    ``caseload.problems``."""
    caseload = caseload if caseload is not None else Caseload()
    if not folder.is_dir():
        raise WorkspaceError(f"no caseload folder {display_path(folder)}")
    try:
        entries = _listing(folder)
    except OSError as exc:
        raise WorkspaceError(f"{display_path(folder)}: cannot be read: {exc.strerror}") \
            from None
    root, seen = folder.resolve(), dict[Path, str]()
    found = []
    for entry in sorted(entries, key=lambda e: (e.is_symlink(), e.name)):  # real ones first
        workspace = _client(entry, root, seen, caseload)
        if workspace is not None:
            found.append((entry.name, workspace))
    if not found and not caseload.problems:
        raise WorkspaceError(f"no client workspaces in {display_path(folder)}: the caseload "
                             "is one folder per client, each with its profiles/ folder "
                             "(`outreach init DIR/CLIENT` makes one)")
    return sorted(found, key=lambda pair: pair[0])


def _listable(folder: Path) -> None:
    """A contacts folder that cannot be listed is an error, never "0 contacts"."""
    if folder.is_dir() or folder.is_symlink():
        try:
            os.listdir(folder)
        except OSError as exc:
            raise WorkspaceError(f"{display_path(folder)}: cannot be read: "
                                 f"{exc.strerror}") from None


def _problems(name: str, load: Callable[[], object], caseload: Caseload) -> bool:
    """Run ``load``; each line of what goes wrong is an error line for client ``name``."""
    try:
        with placeholders_allowed():
            load()
    except OutreachError as exc:
        caseload.problems += [f"{name}: {line}" for text in exc.lines()
                              for line in text.split("\n")]
    except OSError as exc:  # a file or folder that changed or cannot be read meanwhile
        where = display_path(Path(exc.filename)) if exc.filename else "a file"
        caseload.problems.append(f"{name}: {where}: cannot be read: {exc.strerror}")
    else:
        return True
    return False


def _each(folder: Path, caseload: Caseload) -> list[tuple[str, list[ContactFile]]]:
    """Each client's contacts; a broken profile is reported, and the client's contacts
    are listed all the same (what is due does not wait for the profile)."""
    loaded = []
    for name, workspace in clients(folder, caseload):
        _problems(name, workspace.profile, caseload)
        contacts: list[ContactFile] = []

        def load(workspace: Workspace = workspace, into: list[ContactFile] = contacts) -> None:
            _listable(workspace.contacts_dir)
            into += workspace.contacts() if workspace.contact_ids() else []

        if _problems(name, load, caseload):
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
