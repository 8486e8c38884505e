"""Contacts for the people a contact referred the seeker to (``outreach log --referral``).

Each referral becomes a contact file of its own (``relationship: referral``,
``referred_by`` the contact who gave it) unless a contact of that name exists. Files are
created under a lock on ``profiles/contacts/``, so two ``log`` commands at once naming
the same person make one contact, not two.
"""

from __future__ import annotations

import contextlib
import re
import unicodedata
from datetime import date
from pathlib import Path

from .errors import OutreachError
from .history import dump_yaml, validated
from .loading import read_yaml, validate
from .models import Contact, Referral
from .output import create_new, locked
from .paths import within
from .schema import modeline_if_schema
from .workspace import CONTACT_ID, ContactFile, Workspace, valid_contact_id

#: What the comment of a new referral contact calls each event.
_EVENT_WORDS = {
    "letter-sent": "letter",
    "call": "call",
    "meeting": "meeting",
    "declined": "reply",
    "thank-you-sent": "thank-you note",
    "keep-in-touch-sent": "keep-in-touch letter",
}
#: Letters NFKD leaves whole but that have a plain ASCII spelling.
_ASCII_LETTERS = str.maketrans({
    "ß": "ss", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ø": "o", "Ø": "O",
    "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ð": "d", "Ð": "D", "þ": "th", "Þ": "Th",
    "\u0131": "i",  # dotless i
})


def slug(name: str) -> str:
    """A contact id for ``name``: ``Amélie Côté-Nguyễn`` -> ``amelie-cote-nguyen``."""
    plain = unicodedata.normalize("NFKD", name.translate(_ASCII_LETTERS))
    ascii_text = plain.encode("ascii", "ignore").decode("ascii").lower()
    result = re.sub(r"[^a-z0-9]+", "-", ascii_text)[:60].strip("-")
    result = result or "contact"
    if not valid_contact_id(result):  # a name Windows reserves: con, nul, com1 ...
        result = f"{result}-contact"
    assert CONTACT_ID.match(result)
    return result


def _name_key(name: str) -> str:
    """A name as compared: no accents, no case, white space folded."""
    decomposed = unicodedata.normalize("NFKD", name.translate(_ASCII_LETTERS))
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.casefold().split())


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _known_names(workspace: Workspace) -> dict[str, tuple[str, Path]]:
    """Every contact's name key -> (id, path); a file that cannot be read is skipped."""
    known: dict[str, tuple[str, Path]] = {}
    for cid in workspace.contact_ids():
        path = workspace.contacts_dir / f"{cid}.yaml"
        if not within(path, [workspace.root]):
            continue  # a link out of the workspace is never read
        try:
            data, _ = read_yaml(path)
        except OutreachError:
            continue
        name = data.get("name")
        if isinstance(name, str) and name.strip():
            known.setdefault(_name_key(name), (cid, path))
    return known


def contact_named(workspace: Workspace, name: str) -> str | None:
    """The id of the contact of that name (accents, case and spacing aside), if any."""
    found = _known_names(workspace).get(_name_key(name))
    return found[0] if found else None


def _source(referrer: ContactFile, referral: Referral) -> str:
    """``Jim Park's meeting of 2026-11-19``: where the referral came from."""
    who = _one_line(referrer.data.name)
    history = referrer.data.history
    with contextlib.suppress(OutreachError):
        data, lines = read_yaml(referrer.path)
        history = validate(Contact, data, referrer.path, lines).history
    key = _name_key(referral.name)
    for entry in reversed(history):
        if any(_name_key(r.name) == key for r in entry.referrals):
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


def _create(workspace: Workspace, referral: Referral, text: str) -> tuple[str, Path]:
    """A new contact file holding ``text``, named after ``referral``: ``ana-ruiz.yaml``,
    or ``ana-ruiz-2.yaml`` when that is taken; never replacing a file."""
    base = slug(referral.name)
    validated(text, workspace.contacts_dir / f"{base}.yaml")
    text = modeline_if_schema(workspace.contacts_dir / f"{base}.yaml", workspace.root,
                              "contact") + text
    taken = {cid.casefold() for cid in workspace.contact_ids()}
    number = 1
    while True:
        cid = base if number == 1 else f"{base}-{number}"
        path = workspace.contacts_dir / f"{cid}.yaml"
        number += 1
        if cid.casefold() in taken:  # Ana-Ruiz.yaml would clash with ana-ruiz.yaml
            continue
        if not path.exists() and create_new(path, text.encode("utf-8")):
            return cid, path


def add_referral_contacts(workspace: Workspace, referrer: ContactFile,
                          referrals: list[Referral],
                          today: date) -> list[tuple[str, Path, bool]]:
    """A contact file for each referral not already a contact (matched by name).

    Returns ``(id, path, created)`` per referral: the existing contact's id and path with
    False, or the new file's with True. New files are validated before they are written
    and never replace an existing file. The names are looked up and the files made
    under the contacts folder's lock, so a referral is never made twice.
    """
    if not referrals:
        return []
    results: list[tuple[str, Path, bool]] = []
    with locked(workspace.contacts_dir):
        known = _known_names(workspace)
        for referral in referrals:
            key = _name_key(referral.name)
            if key in known:
                results.append((*known[key], False))
                continue
            cid, path = _create(workspace, referral,
                                _contact_text(referral, referrer, today))
            known[key] = (cid, path)
            results.append((cid, path, True))
    return results
