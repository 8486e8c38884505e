"""``outreach import``: contact files from a LinkedIn export or an address book.

``read_linkedin`` reads LinkedIn's ``Connections.csv`` (its ``Notes:`` preamble, a byte-
order mark, CRLF, quoted commas, ``12 Mar 2024`` dates, mostly empty e-mail addresses)
with the csv module; ``read_vcard`` reads vCard 3.0 and 4.0 with vobject. Both give
``Person`` records; ``import_people`` turns each into ``profiles/contacts/<id>.yaml``.

Each id comes from the person's name (``history.slug``), made unique. Someone who is
already a contact (the same e-mail address, or the same name and organization) is
never overwritten but reported, and so is a second row for one person. What a letter
still needs and an export does not hold (``how_we_met``, an address) is written as a
placeholder (``<<...>>``, see outreach/placeholders.py) and listed for the user.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import InputError, Problem, WorkspaceError, display_path
from .loading import FORBIDDEN_CHARACTERS, MAX_FILE_BYTES
from .models import Contact, Relationship
from .output import create_new_batch
from .placeholders import placeholder
from .referrals import slug
from .schema import modeline_if_schema
from .workspace import Workspace

#: What an import reads at most: a LinkedIn export of 30,000 connections is ~3 MB.
MAX_IMPORT_BYTES = 200 * MAX_FILE_BYTES
LINKEDIN_HEADER = ("First Name", "Last Name", "URL", "Email Address", "Company", "Position",
                   "Connected On")
_MONTHS = {m: i for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1)}
#: Which field each relationship needs before a letter can be written.
NEEDED = {"acquaintance": "how_we_met", "alumni": "how_we_met", "cold": "how_we_met",
          "referral": "referred_by"}
HINTS = {"how_we_met": "how you know of them, in a sentence of your own",
         "referred_by": "who suggested them, a contact id or a full name",
         "address": "their postal address"}


@dataclass(frozen=True)
class Person:
    """One person read from an export; ``where`` says where (``line 7``, ``card 3``)."""

    where: str
    name: str
    title: str | None = None
    organization: str | None = None
    email: str | None = None
    phone: str | None = None
    address: str | None = None
    notes: str | None = None
    salutation: str | None = None


@dataclass
class Imported:
    """What an import did (or, with ``dry_run``, would do)."""

    dry_run: bool
    #: (id, path, name, the fields still holding placeholders)
    added: list[tuple[str, Path, str, list[str]]] = field(default_factory=list)
    #: One sentence per person not imported because they are there already.
    existing: list[str] = field(default_factory=list)
    #: One sentence per row or card that holds no one.
    skipped: list[str] = field(default_factory=list)


# -- reading -------------------------------------------------------------------------------


def _text(path: Path) -> str:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError([Problem(path, None, None, f"cannot be read: {exc.strerror}")]) from None
    if len(raw) > MAX_IMPORT_BYTES:
        raise InputError([Problem(path, None, None, f"is {len(raw) // 2**20} MB; an export "
                                  f"to import is at most {MAX_IMPORT_BYTES // 2**20} MB")])
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError([Problem(path, raw[: exc.start].count(b"\n") + 1, None,
                                  "is not UTF-8 text; export it again as UTF-8")]) from None


def _clean(value: str | None) -> str | None:
    """A value as a contact file may hold it: no control characters, no edge spaces."""
    if value is None:
        return None
    value = FORBIDDEN_CHARACTERS.sub("", value).replace("\r\n", "\n").replace("\r", "\n")
    value = "\n".join(line.strip() for line in value.split("\n") if line.strip())
    return value or None


def _linkedin_date(text: str) -> str:
    """``12 Mar 2024`` as ``2024-03-12`` (any other text as written)."""
    parts = text.split()
    if len(parts) == 3 and parts[0].isdigit() and parts[2].isdigit() \
            and parts[1][:3].lower() in _MONTHS:
        return f"{int(parts[2]):04d}-{_MONTHS[parts[1][:3].lower()]:02d}-{int(parts[0]):02d}"
    return text


def _header(rows: Iterator[list[str]], path: Path) -> dict[str, int]:
    """Skip LinkedIn's preamble (``Notes:``, a notice, a blank line) up to the header."""
    for row in rows:
        cells = [c.strip() for c in row]
        if "First Name" in cells and "Last Name" in cells:
            return {name: index for index, name in enumerate(cells)}
    raise InputError([Problem(path, None, None, "has no line of column names starting "
                              f"{','.join(LINKEDIN_HEADER[:3])}: is this LinkedIn's "
                              "Connections.csv (Settings, Data privacy, Get a copy of your "
                              "data, Connections)?")])


def _cell(columns: dict[str, int], row: list[str], name: str) -> str:
    index = columns.get(name)
    return (_clean(row[index]) or "") if index is not None and index < len(row) else ""


def _linkedin_person(columns: dict[str, int], row: list[str], line: int) -> Person | None:
    def cell(name: str) -> str:
        return _cell(columns, row, name)

    name = " ".join(p for p in (cell("First Name"), cell("Last Name")) if p)
    if not name:
        return None
    since = cell("Connected On")
    notes = [f"Connected on LinkedIn {_linkedin_date(since)}" if since else "", cell("URL")]
    return Person(f"line {line}", name, title=cell("Position") or None,
                  organization=cell("Company") or None, email=cell("Email Address") or None,
                  notes=_clean(": ".join(n for n in notes if n)))


def read_linkedin(path: Path) -> tuple[list[Person], list[str]]:
    """The people of a LinkedIn ``Connections.csv``, and the rows that hold no one."""
    reader = csv.reader(io.StringIO(_text(path), newline=""))
    people: list[Person] = []
    skipped: list[str] = []
    try:
        columns = _header(reader, path)
        for row in reader:
            if not any(c.strip() for c in row):
                continue
            person = _linkedin_person(columns, row, reader.line_num)
            if person is None:
                skipped.append(f"line {reader.line_num}: no name")
            else:
                people.append(person)
    except csv.Error as exc:
        raise InputError([Problem(path, reader.line_num, None, f"CSV error: {exc}")]) from None
    return people, skipped


def _first(card: Any, key: str) -> Any:
    """The value of the card's preferred ``key`` line (PREF / TYPE=pref first), or None."""
    lines = card.contents.get(key) or []
    def rank(line: Any) -> int:
        params = {k.upper(): [str(v).lower() for v in vs] for k, vs in line.params.items()}
        return 0 if "PREF" in params or "pref" in params.get("TYPE", []) else 1
    return min(lines, key=rank).value if lines else None


def _address(value: Any) -> str | None:
    if value is None:
        return None
    town = " ".join(p for p in (f"{value.city}," if value.city else "", value.region,
                                value.code) if p).strip(" ,")
    lines = [value.box, value.extended, value.street, town, value.country]
    return _clean("\n".join(str(p) for p in lines if p))


def _vcard_person(card: Any, number: int) -> Person | None:
    n = _first(card, "n")
    given = " ".join(p for p in (n.given, n.family) if p) if n is not None else ""
    name = _clean(_first(card, "fn")) or _clean(given)
    if not name:
        return None
    org = _first(card, "org")
    phone = _first(card, "tel")
    prefix = n.prefix if n is not None and n.family else ""
    return Person(f"card {number}", name,
                  title=_clean(_first(card, "title")),
                  organization=_clean(", ".join(p for p in org if p)) if org else None,
                  email=_clean(_first(card, "email")),
                  phone=_clean(re.sub(r"^tel:", "", phone)) if phone else None,
                  address=_address(_first(card, "adr")), notes=_clean(_first(card, "note")),
                  salutation=_clean(f"{prefix} {n.family}") if prefix else None)


def read_vcard(path: Path) -> tuple[list[Person], list[str]]:
    """The people of a vCard file (3.0 or 4.0, one card or many), and the empty cards."""
    import vobject

    people: list[Person] = []
    skipped: list[str] = []
    text = _text(path)
    try:
        for number, card in enumerate(vobject.readComponents(text), 1):
            if card.name != "VCARD":
                continue
            person = _vcard_person(card, number)
            if person is None:
                skipped.append(f"card {number}: no name")
            else:
                people.append(person)
    except vobject.base.ParseError as exc:
        raise InputError([_vcard_problem(path, text, exc)]) from None
    return people, skipped


def _vcard_problem(path: Path, text: str, exc: Exception) -> Problem:
    """vobject's message, at the line it quotes (its own line count skips folded lines)."""
    message = re.sub(r"^At line \d+: ", "", str(exc))
    quoted = message.split("Failed to parse line: ", 1)[-1] if "line: " in message else None
    lines = text.splitlines()
    line = next((i for i, t in enumerate(lines, 1) if quoted and t.strip() == quoted.strip()),
                None)
    return Problem(path, line, None, f"is not a vCard file vobject can read: {message}")


# -- writing -------------------------------------------------------------------------------

_PLAIN = re.compile(r"[^\W\d_][\w .,'()&/+@-]*[\w.)]|[^\W\d_]")
_YAML11_WORDS = {"y", "n", "yes", "no", "on", "off", "true", "false", "null"}


def _scalar(text: str) -> str:
    """``text`` as a YAML value that reads back as exactly this text with any loader."""
    if _PLAIN.fullmatch(text) and text.lower() not in _YAML11_WORDS:
        return text
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a YAML string


def _value(key: str, text: str) -> str:
    if "\n" not in text:
        return f"{key}: {_scalar(text)}\n"
    return f"{key}: |\n" + "".join(f"  {line}\n" for line in text.split("\n"))


def contact_fields(person: Person, relationship: Relationship) -> dict[str, str]:
    """The fields of ``person``'s contact file, placeholders for what is still needed."""
    data = {"name": person.name, "salutation": person.salutation, "title": person.title,
            "organization": person.organization, "email": person.email,
            "phone": person.phone, "relationship": relationship}
    needed = NEEDED.get(relationship)
    if needed is not None:
        data[needed] = placeholder(HINTS[needed])
    data["address"] = person.address or placeholder(HINTS["address"])
    data["notes"] = person.notes
    return {k: v for k, v in data.items() if v is not None}


def contact_text(fields: dict[str, str]) -> str:
    return "".join(_value(k, v) for k, v in fields.items())


@dataclass
class _Index:
    """Who is already a contact (by e-mail, and by name and organization) and which ids
    are taken, kept up to date as people are added."""

    emails: dict[str, str] = field(default_factory=dict)
    names: dict[tuple[str, str], str] = field(default_factory=dict)
    ids: set[str] = field(default_factory=set)

    @classmethod
    def of(cls, workspace: Workspace) -> _Index:
        from .loading import read_yaml

        index = cls()
        for cid in workspace.contact_ids():
            index.ids.add(cid.casefold())
            path = workspace.contacts_dir / f"{cid}.yaml"
            try:
                data, _ = read_yaml(path)
            except InputError:
                continue  # a broken file is reported by the commands that load it
            if isinstance(data.get("name"), str):
                index.add(data["name"], data.get("organization"), data.get("email"),
                          display_path(path))
        return index

    def add(self, name: str, organization: Any, email: Any, where: str) -> None:
        if isinstance(email, str) and email.strip():
            self.emails.setdefault(email.strip().casefold(), where)
        org = slug(organization) if isinstance(organization, str) else ""
        self.names.setdefault((slug(name), org), where)

    def match(self, person: Person) -> str | None:
        """Why ``person`` is already a contact, or None."""
        if person.email and person.email.casefold() in self.emails:
            return f"the same e-mail address as {self.emails[person.email.casefold()]}"
        org = slug(person.organization) if person.organization else ""
        where = self.names.get((slug(person.name), org))
        return f"the same name and organization as {where}" if where else None

    def new_id(self, name: str) -> str:
        base = slug(name)
        cid, number = base, 1
        while cid.casefold() in self.ids:
            number += 1
            cid = f"{base}-{number}"
        self.ids.add(cid.casefold())
        return cid


def _header_lines(workspace: Workspace, path: Path, source: str, where: str) -> str:
    line = modeline_if_schema(path, workspace.root, "contact")
    return (f"{line}# Imported from {source} ({where}). Replace each <<...>> with your own "
            "words before writing to them.\n")


def import_people(workspace: Workspace, people: list[Person], relationship: Relationship, *,
                  source: str, dry_run: bool = False) -> Imported:
    """One contact file per person not already a contact; see the module's docstring."""
    if not workspace.profiles_dir.is_dir():
        raise WorkspaceError(f"{display_path(workspace.root)} is not an outreach workspace "
                             "(it has no profiles/ folder): run `outreach init` first")
    index = _Index.of(workspace)
    done = Imported(dry_run)
    texts: list[tuple[str, bytes]] = []
    for person in people:
        seen = index.match(person)
        if seen is not None:
            done.existing.append(f"{person.where}: {person.name} is already a contact "
                                 f"({seen}); not imported")
            continue
        cid = index.new_id(person.name)
        path = workspace.contacts_dir / f"{cid}.yaml"
        fields = contact_fields(person, relationship)
        Contact.model_validate(fields)  # what is written is always a valid contact
        texts.append((path.name, (_header_lines(workspace, path, source, person.where)
                                  + contact_text(fields)).encode("utf-8")))
        index.add(person.name, person.organization, person.email, display_path(path))
        done.added.append((cid, path, person.name,
                           [k for k, v in fields.items() if v.startswith("<<")]))
    if not dry_run:
        _write(workspace, texts, done)
    return done


def _write(workspace: Workspace, texts: list[tuple[str, bytes]], done: Imported) -> None:
    """Write the files planned; one whose name was taken meanwhile is reported instead."""
    from .paths import writable

    writable([workspace.contacts_dir / name for name, _ in texts], (workspace.root,))
    created = create_new_batch(workspace.contacts_dir, texts)
    for added, ok in zip(list(done.added), created, strict=True):
        if not ok:
            done.added.remove(added)
            done.existing.append(f"{display_path(added[1])} exists; not imported")
