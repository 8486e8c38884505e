"""Contacts for the people a contact referred the seeker to (``outreach log --referral``).

Each referral becomes a contact file of its own (``relationship: referral``,
``referred_by`` the contact who gave it) unless that person is a contact already, by
the one rule of outreach/workspace/people.py (a namesake at another organization is someone
else). Files are created under a lock on ``profiles/contacts/``, so two ``log``
commands at once naming the same person make one contact, not two.
"""

from __future__ import annotations

import contextlib
import logging
from datetime import date
from pathlib import Path

from outreach.errors import OutreachError, UsageError, display_path
from outreach.workspace.folder import ContactFile, Workspace
from outreach.workspace.history import dump_yaml, validated
from outreach.workspace.loading import read_yaml, validate
from outreach.workspace.models import Contact, Referral
from outreach.workspace.output import create_new, locked, sweep_stages
from outreach.workspace.people import People, Someone, name_key, namesake_warning
from outreach.workspace.schema import modeline_if_schema

log = logging.getLogger(__name__)

#: What the comment of a new referral contact calls each event.
_EVENT_WORDS = {
    "letter-sent": "letter",
    "call": "call",
    "meeting": "meeting",
    "declined": "reply",
    "thank-you-sent": "thank-you note",
    "keep-in-touch-sent": "keep-in-touch letter",
}


def _one_line(text: str) -> str:
    return " ".join(text.split())


def contact_named(workspace: Workspace, name: str,
                  organization: str | None = None) -> str | None:
    """The id of the contact who is this person (outreach/workspace/people.py: the name, and no
    other organization), if any; a file that cannot be read is left out here (the
    commands that load it report it)."""
    same, _ = People.of(workspace, strict=False).find(Someone(name, organization, None, ""))
    return same.id if same is not None else None


def _source(referrer: ContactFile, referral: Referral) -> str:
    """``Jim Park's meeting of 2026-11-19``: where the referral came from."""
    who = _one_line(referrer.data.name)
    history = referrer.data.history
    with contextlib.suppress(OutreachError):
        data, lines = read_yaml(referrer.path)
        history = validate(Contact, data, referrer.path, lines).history
    key = name_key(referral.name)
    for entry in reversed(history):
        if any(name_key(r.name) == key for r in entry.referrals):
            return f"{who}'s {_EVENT_WORDS[entry.event]} of {entry.date.isoformat()}"
    return f"a referral by {who}"


def _contact_text(referral: Referral, referrer: ContactFile, today: date) -> str:
    data: dict[str, object] = {"name": referral.name}
    if referral.title is not None:
        data["title"] = referral.title
    if referral.organization is not None:
        data["organization"] = referral.organization
    data["relationship"] = "referral"
    data["referred_by"] = referrer.id
    return (f"# Added by `outreach log` on {today.isoformat()} from "
            f"{_source(referrer, referral)}.\n"
            + dump_yaml(data, flow=False)
            + "# local: false  # if they are far away\n")


def _create(workspace: Workspace, people: People, referral: Referral,
            text: str) -> tuple[str, Path]:
    """A new contact file holding ``text``, named after ``referral``: ``ana-ruiz.yaml``,
    or ``ana-ruiz-2.yaml`` when that is taken; never replacing a file."""
    text = modeline_if_schema(workspace.contacts_dir / "referral.yaml", workspace.root,
                              "contact") + text  # the same line for every file in the folder
    while True:
        cid = people.new_id(referral.name)
        if cid is None:
            raise UsageError(f"--referral {referral.name!r}: a name holds at least one letter")
        path = workspace.contacts_dir / f"{cid}.yaml"
        validated(text, path)
        if not path.exists() and create_new(path, text.encode("utf-8")):
            return cid, path


def add_referral_contacts(workspace: Workspace, referrer: ContactFile,
                          referrals: list[Referral],
                          today: date) -> list[tuple[str, Path, bool]]:
    """A contact file for each referral not already a contact (``people``: the same
    name, and no other organization).

    Returns ``(id, path, created)`` per referral: the existing contact's id and path with
    False, or the new file's with True. Someone of the same name at another organization
    is a new contact, with a warning naming both files. New files are validated before
    they are written and never replace an existing file; a contact file that cannot be
    read stops it all (the referral may be in it). The names are looked up and the files
    made under the contacts folder's lock, so a referral is never made twice.
    """
    if not referrals:
        return []
    results: list[tuple[str, Path, bool]] = []
    with locked(workspace.contacts_dir):
        sweep_stages(workspace.contacts_dir)  # what a killed import left, as import does
        people = People.of(workspace)
        for referral in referrals:
            someone = Someone(referral.name, referral.organization, None, "--referral")
            same, namesakes = people.find(someone)
            if same is not None and same.id is not None and same.path is not None:
                results.append((same.id, same.path, False))
                continue
            cid, path = _create(workspace, people, referral,
                                _contact_text(referral, referrer, today))
            if namesakes:
                log.warning(namesake_warning(someone, namesakes, display_path(path)))
            people.add(Someone(referral.name, referral.organization, None,
                               display_path(path), cid, path))
            results.append((cid, path, True))
    return results
