"""The workspace folder: where profiles, contacts, templates and output live.

``profiles/candidate.yaml`` (or ``profiles/<name>.yaml``) is the seeker,
``profiles/contacts/<id>.yaml`` one contact each, ``templates/`` the user's overrides,
``output/`` what is generated. Files are read when first asked for, then cached.
Loading checks only what every contact file must hold; what a document needs is
checked when it is planned.
"""

from __future__ import annotations

import datetime as dt
import difflib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel

from outreach.errors import InputError, Problem, WorkspaceError, display_path

from .loading import LineMap, line_of
from .models import BOOKABLE, Contact, Profile
from .paths import CONTACT_ID as CONTACT_ID  # said here too: referrals reads them here
from .paths import CONTACTS, profile_name, readable, within
from .paths import MAX_ID as MAX_ID
from .paths import not_a_file as _not_a_file
from .paths import valid_contact_id as valid_contact_id
from .placeholders import load, placeholders_allowed, refusing
from .placeholders import read as read_unfilled

log = logging.getLogger(__name__)
M = TypeVar("M", bound=BaseModel)

RESUME_SUFFIXES = {".pdf": b"%PDF-", ".docx": b"PK\x03\x04"}


@dataclass(frozen=True)
class ProfileFile:
    """The seeker's profile as loaded, with where it came from."""

    path: Path
    data: Profile
    lines: LineMap

    @property
    def resume_path(self) -> Path | None:
        """The résumé file, resolved against the profile's folder (checked at load)."""
        if self.data.resume is None:
            return None
        return (self.path.parent / self.data.resume).resolve()


@dataclass(frozen=True)
class ContactFile:
    """One contact as loaded: its id (the file's stem), path and data."""

    id: str
    path: Path
    data: Contact
    lines: LineMap
    #: The fields that still hold a ``<<placeholder>>`` (the contact is ``incomplete``).
    unfilled: tuple[Problem, ...] = ()


@dataclass
class Workspace:
    """A folder holding ``profiles/``, ``templates/`` and ``output/``."""

    root: Path
    profile_name: str | None = None
    _contacts: dict[str, ContactFile] = field(default_factory=dict, repr=False)
    _profile: ProfileFile | None = field(default=None, repr=False)
    _cycles: dict[str, Problem] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        if self.profile_name is not None:
            profile_name(self.profile_name)  # a NAME in profiles/, never a path

    @property
    def profiles_dir(self) -> Path:
        return self.root / "profiles"

    @property
    def contacts_dir(self) -> Path:
        return self.root / CONTACTS

    @property
    def templates_dir(self) -> Path:
        return self.root / "templates"

    @property
    def output_dir(self) -> Path:
        return self.root / "output"

    # -- the profile -----------------------------------------------------------------

    def require(self) -> None:
        """Refuse a folder that is not a workspace (it has no ``profiles/``)."""
        if not self.profiles_dir.is_dir():
            why = "it has no profiles/ folder" if self.root.is_dir() else "no such folder"
            raise WorkspaceError(
                f"{display_path(self.root)} is not an outreach workspace: {why} (run in a "
                "workspace or pass --workspace DIR; `outreach init` makes one)")

    def load(self, model: type[M], path: Path) -> tuple[M, LineMap]:
        """Read and validate a file of the workspace; a link out of it is refused."""
        return load(model, readable(path, self.root))

    def profile_path(self) -> Path:
        self.require()
        if self.profile_name is not None:
            path = self.profiles_dir / f"{profile_name(self.profile_name)}.yaml"
            if not path.is_file():
                raise WorkspaceError(f"no profile {display_path(path)}")
            return path
        default = self.profiles_dir / "candidate.yaml"
        if default.is_file():
            return default
        found = sorted(self.profiles_dir.glob("*.yaml"))
        if len(found) == 1:
            return found[0]
        if not found:
            raise WorkspaceError(
                f"no profile in {display_path(self.profiles_dir)}: write candidate.yaml there"
            )
        names = ", ".join(p.stem for p in found)
        raise WorkspaceError(f"several profiles ({names}); choose one with --profile NAME")

    def profile(self) -> ProfileFile:
        if self._profile is None:
            path = self.profile_path()
            data, lines = self.load(Profile, path)
            loaded = ProfileFile(path, data, lines)
            _check_resume(loaded, self.root)
            self._profile = loaded
        return self._profile

    # -- contacts ------------------------------------------------------------------

    def contact_ids(self) -> list[str]:
        """The ids of every ``*.yaml`` in profiles/contacts/ (a ``*.yml`` is warned of)."""
        if not self.contacts_dir.is_dir():
            return []
        for stray in sorted(self.contacts_dir.glob("*.yml")):
            log.warning("%s is ignored: contact files end in .yaml", display_path(stray))
        return sorted(p.stem for p in self.contacts_dir.glob("*.yaml")
                      if not p.name.startswith("."))

    def contact_path(self, contact_id: str) -> Path:
        if not valid_contact_id(contact_id):
            raise WorkspaceError(
                f"{contact_id!r} is not a contact id: an id is the name of a file in "
                f"{display_path(self.contacts_dir)} without .yaml, made of ASCII letters, "
                "digits, '.', '-' and '_', starting and ending with a letter or digit, at "
                f"most {MAX_ID} characters long, and not a name Windows reserves (con, nul, "
                "com1, ...)")
        return self.contacts_dir / f"{contact_id}.yaml"

    def has_contact(self, contact_id: str) -> bool:
        return valid_contact_id(contact_id) and self.contact_path(contact_id).is_file()

    def contact(self, contact_id: str) -> ContactFile:
        if contact_id not in self._contacts:
            self.require()
            path = self.contact_path(contact_id)
            if not path.exists():
                known = self.contact_ids()
                close = difflib.get_close_matches(contact_id, known, n=1)
                hint = f"; did you mean '{close[0]}'?" if close else (
                    f"; known contacts: {', '.join(known)}" if known else "")
                raise WorkspaceError(
                    f"no contact '{contact_id}' (no file {display_path(path)}){hint}"
                )
            data, lines, unfilled = read_unfilled(Contact, readable(path, self.root))
            loaded = ContactFile(contact_id, path, data, lines, unfilled)
            _check_contact(self, loaded)
            self._contacts[contact_id] = loaded
            self._check_referral_chain(loaded)
        found = self._contacts[contact_id]
        if found.unfilled and refusing():
            raise InputError(list(found.unfilled))
        return found

    def _check_referral_chain(self, contact: ContactFile) -> None:
        """``referred_by`` ids that lead round in a circle back to this contact are said
        once (a warning: ``due`` and ``contacts`` go on); ``check_referral_chain`` makes
        them an error where a document would name who introduced the contact."""
        chain = [contact.id]
        ref = contact.data.referred_by
        while ref is not None and self.has_contact(ref):
            if ref in chain:
                loop = " -> ".join([*chain, ref])
                self._cycles[contact.id] = Problem(
                    contact.path, line_of(contact.lines, ("referred_by",)), "referred_by",
                    f"the referrals go round in a circle ({loop}): referred_by names the "
                    "person who introduced you to this contact")
                log.warning("%s; a document to them is refused until one referred_by is "
                            "corrected", self._cycles[contact.id])
                return
            chain.append(ref)
            path = self.contact_path(ref)
            try:
                data, _ = self.load(Contact, path)
            except InputError:
                return  # that file's own problems are reported when it is loaded
            ref = data.referred_by

    def check_referral_chains(self, contacts: list[ContactFile]) -> None:
        """Refuse contacts whose referrals go round in a circle: a document to them names
        who introduced them, and the chain says two things."""
        problems = [self._cycles[c.id] for c in contacts if c.id in self._cycles]
        if problems:
            raise InputError(problems)

    def contacts(self, ids: list[str] | None = None) -> list[ContactFile]:
        """The contacts named (or all), every file validated; all problems reported at once."""
        problems: list[Problem] = []
        loaded: list[ContactFile] = []
        seen: dict[str, str] = {}
        self.require()
        if ids is None and not self.contact_ids():
            raise WorkspaceError(f"no contacts in {display_path(self.contacts_dir)}: add one "
                                 "YAML file per person (`outreach init` writes an example; "
                                 "`outreach import linkedin|vcard FILE` brings yours in)")
        for cid in self.contact_ids() if ids is None else list(dict.fromkeys(ids)):
            folded = cid.casefold()
            if folded in seen and seen[folded] != cid:  # one output folder for two people
                problems.append(Problem(
                    self.contacts_dir / f"{cid}.yaml", None, None,
                    f"differs from {seen[folded]}.yaml only in upper and lower case, so both "
                    "would write to the same output folder on Windows and macOS; rename one"))
                continue
            seen[folded] = cid
            try:
                loaded.append(self.contact(cid))
            except InputError as exc:
                problems.extend(exc.problems)
            except WorkspaceError as exc:
                if ids is not None:  # a contact the user named: say so plainly
                    raise
                problems.append(Problem(self.contacts_dir / f"{cid}.yaml", None, None,
                                        f"{exc}; rename the file"))
        if problems:
            raise InputError(problems)
        return loaded

    def referrer_name(self, contact: ContactFile) -> str | None:
        """Who referred this contact: a contact id's name, or the free text as written
        (a referrer whose own file still holds placeholders is named all the same)."""
        with placeholders_allowed():
            return referrer_name(contact, lambda ref: self.contact(ref).data.name
                                 if self.has_contact(ref) else None)


def referrer_name(contact: ContactFile,
                  name_of: Callable[[str], str | None]) -> str | None:
    """Who referred ``contact``: when ``referred_by`` is the id of another contact, that
    contact's name (``name_of`` looks ids up, ``None`` for no such contact); otherwise
    the text as written (a name); ``None`` when nobody is named."""
    ref = contact.data.referred_by
    if ref is None:
        return None
    name = name_of(ref) if ref != contact.id else None
    return name if name is not None else ref


def _check_resume(profile: ProfileFile, root: Path) -> None:
    if profile.data.resume is None:
        return
    path = profile.resume_path
    assert path is not None
    line = line_of(profile.lines, ("resume",))
    if not within(profile.path.parent / profile.data.resume, [root]):
        raise InputError([Problem(profile.path, line, "resume",
                                  f"{path} is outside the workspace: keep the "
                                  "résumé inside it (beside the profile)")])
    if path.suffix.lower() not in RESUME_SUFFIXES:
        raise InputError([Problem(profile.path, line, "resume",
                                  f"must be a PDF or DOCX file, not {path.name}")])
    if not path.is_file():
        what = _not_a_file(path.stat().st_mode) if path.exists() else None
        raise InputError([Problem(profile.path, line, "resume",
                                  f"{display_path(path)} is {what}, not a file" if what
                                  else f"no such file: {display_path(path)}")])
    with path.open("rb") as handle:
        head = handle.read(5)
    if not head.startswith(RESUME_SUFFIXES[path.suffix.lower()][: len(head) or 1]):
        kind = path.suffix[1:].upper()
        raise InputError([Problem(profile.path, line, "resume",
                                  f"{display_path(path)} is not a real {kind} file")])


def _looks_like_id(value: str) -> bool:
    """``maria-lopez`` is meant as a contact id; ``Maria Lopez`` or ``Maria`` is a name."""
    return value == value.lower() and CONTACT_ID.match(value) is not None and (
        "-" in value or "_" in value or value.isascii())


def _check_contact(workspace: Workspace, contact: ContactFile) -> None:
    """What every contact file must hold, whatever is written from it: a history of what
    has happened, and a referrer that exists when one is named by id. What a document
    needs (how_we_met for an approach letter) is checked when it is planned."""
    data = contact.data
    today = dt.date.today()
    for index, entry in enumerate(data.history):
        if entry.date <= today:
            continue
        if entry.event not in BOOKABLE:
            why = (f"{entry.date.isoformat()} is in the future: the history records what "
                   "has happened, and only a meeting or call is booked ahead")
        elif entry.outcome:
            why = (f"{entry.date.isoformat()} is in the future: a {entry.event} booked "
                   "ahead holds no points, referrals or résumé yet (log them on the day)")
        else:
            continue
        raise InputError([Problem(
            contact.path, line_of(contact.lines, ("history", index, "date")),
            f"history[{index}].date", why)])
    ref = data.referred_by
    if ref is not None and _looks_like_id(ref) and not workspace.has_contact(ref):
        close = difflib.get_close_matches(ref, workspace.contact_ids(), n=1)
        hint = f"did you mean '{close[0]}'? " if close else ""
        raise InputError([Problem(
            contact.path, line_of(contact.lines, ("referred_by",)), "referred_by",
            f"no contact '{ref}'; {hint}write the id of another contact, or the "
            "referrer's full name")])
