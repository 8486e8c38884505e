"""``outreach import``: contact files from a LinkedIn export or an address book.

``read_linkedin`` reads LinkedIn's ``Connections.csv`` (its ``Notes:`` preamble, a byte-
order mark, CRLF, quoted commas and line breaks, ``12 Mar 2024`` dates, mostly empty
e-mail addresses) with the csv module; ``read_vcard`` reads vCard 2.1, 3.0 and 4.0 card
by card in bounded memory (outreach/channels/vcard.py). Both give an ``Export``: the people, the
rows that hold no one, and the rows or cards that cannot be imported, each named with
its line; ``import_people`` turns each person into ``profiles/contacts/<id>.yaml``.

Each id comes from the person's name (``people.contact_id``: honorifics and suffixes
dropped, transliterated to ASCII), made unique. Someone who is already a contact (the
same person by the rule of outreach/workspace/people.py) is never overwritten but reported, and
so is a second row for one person; a namesake at another organization is added with a
warning naming both. A contact file that cannot be read stops the import, named (the
person may be in it). What a letter still needs and an export does not hold
(``how_we_met``, an address) is written as a placeholder (``<<...>>``, see
outreach/workspace/placeholders.py) and listed for the user.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from outreach.errors import InputError, Problem, WorkspaceError, display_path
from outreach.workspace.folder import Workspace
from outreach.workspace.loading import FORBIDDEN_CHARACTERS, MAX_FILE_BYTES
from outreach.workspace.models import Contact, Relationship
from outreach.workspace.output import create_new_batch, locked, sweep_stages
from outreach.workspace.paths import writable
from outreach.workspace.people import People, Someone, email_key, namesake_warning
from outreach.workspace.placeholders import placeholder
from outreach.workspace.schema import modeline_if_schema

from .vcard import Card, read_cards

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
    """One person read from an export; ``where`` says where (``line 7``, ``card 3``),
    ``source`` and ``line`` the file and line a problem with them is reported at."""

    where: str
    name: str
    title: str | None = None
    organization: str | None = None
    email: str | None = None
    phone: str | None = None
    address: str | None = None
    notes: str | None = None
    salutation: str | None = None
    #: The name the id is made from, when it is not ``name`` (without the vCard's prefix).
    id_name: str | None = None
    source: Path | None = None
    line: int | None = None


@dataclass
class Export:
    """What a reader found: the people, rows without anyone, and rows or cards that
    cannot be imported (reported, with their line, and skipped)."""

    people: list[Person] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    bad: list[Problem] = field(default_factory=list)


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
    #: Rows or cards that cannot be imported, each with its file and line: exit 1.
    bad: list[Problem] = field(default_factory=list)
    #: Namesakes added as other people, each naming both files.
    warnings: list[str] = field(default_factory=list)


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


def _line(value: str | None) -> str | None:
    """A value a contact file holds on one line: line breaks and runs of space as one."""
    cleaned = _clean(value)
    return " ".join(cleaned.split()) if cleaned else None


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
    return (_line(row[index]) or "") if index is not None and index < len(row) else ""


def _linkedin_person(columns: dict[str, int], row: list[str], path: Path,
                     line: int) -> Person | None:
    def cell(name: str) -> str:
        return _cell(columns, row, name)

    name = " ".join(p for p in (cell("First Name"), cell("Last Name")) if p)
    if not name:
        return None
    since = cell("Connected On")
    notes = [f"Connected on LinkedIn {_linkedin_date(since)}" if since else "", cell("URL")]
    return Person(f"line {line}", name, title=cell("Position") or None,
                  organization=cell("Company") or None, email=cell("Email Address") or None,
                  notes=_clean(": ".join(n for n in notes if n)), source=path, line=line)


def _rows(reader: Iterator[list[str]], line_num: Callable[[], int], path: Path,
          export: Export) -> Iterator[tuple[int, list[str]]]:
    """(first line, cells) of each row; a row the csv module cannot read is reported
    in ``export`` and skipped, and the rows after it are read all the same."""
    start = line_num() + 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            export.bad.append(Problem(path, start, None, f"CSV error: {exc}; row not "
                                      "imported"))
            if line_num() < start:  # nothing more was read: the file ends here
                return
            start = line_num() + 1
            continue
        line, start = start, line_num() + 1
        yield line, row


def read_linkedin(path: Path) -> Export:
    """The people of a LinkedIn ``Connections.csv``, the rows that hold no one, and
    those that cannot be imported."""
    reader = csv.reader(io.StringIO(_text(path), newline=""))
    export = Export()
    try:
        columns = _header(reader, path)
    except csv.Error as exc:
        raise InputError([Problem(path, reader.line_num, None, f"CSV error: {exc}")]) from None
    for line, row in _rows(reader, lambda: reader.line_num, path, export):
        if not any(c.strip() for c in row):
            continue
        person = _linkedin_person(columns, row, path, line)
        if person is None:
            export.skipped.append(f"line {line}: no name")
        else:
            export.people.append(person)
    return export


def _address(card: Card) -> str | None:
    adr = card.first("ADR")
    if adr is None:
        return None
    box, extended, street, city, region, code, country = (adr.parts() + [""] * 7)[:7]
    town = " ".join(p for p in (f"{city}," if city else "", region, code) if p).strip(" ,")
    return _clean("\n".join(p for p in (box, extended, street, town, country) if p))


def _text_of(card: Card, name: str) -> str | None:
    found = card.first(name)
    return _line(found.text()) if found is not None else None


def _vcard_person(card: Card, path: Path) -> Person | None:
    n = card.first("N")
    family, given, _more, prefix, suffix = ((n.parts() if n else []) + [""] * 5)[:5]
    name = _text_of(card, "FN") or _line(" ".join(p for p in (given, family) if p))
    if not name:
        return None
    org = card.first("ORG")
    phone = _text_of(card, "TEL")
    email = _text_of(card, "EMAIL")
    return Person(f"card {card.number}", name, title=_text_of(card, "TITLE"),
                  organization=_line(", ".join(p for p in org.parts() if p)) if org else None,
                  email=re.sub(r"^mailto:", "", email, flags=re.I) if email else None,
                  phone=re.sub(r"^tel:", "", phone) if phone else None,
                  address=_address(card), notes=_clean(_note(card)),
                  salutation=_line(f"{prefix} {family}") if prefix and family else None,
                  id_name=_without(name, prefix, suffix), source=path, line=card.line)


def _note(card: Card) -> str | None:
    found = card.first("NOTE")
    return found.text() if found is not None else None


def _without(name: str, prefix: str, suffix: str) -> str | None:
    """The name without the N line's prefix (``Col.``) and suffix (``III``), for its id."""
    bare = name
    if prefix and bare.startswith(prefix):
        bare = bare[len(prefix):]
    if suffix and bare.rstrip().endswith(suffix):
        bare = bare.rstrip()[: -len(suffix)].rstrip(" ,")
    return bare.strip() if bare.strip() and bare != name else None


def read_vcard(path: Path) -> Export:
    """The people of a vCard file (2.1, 3.0 or 4.0, one card or many), the cards that
    hold no one, and those that cannot be imported."""
    export, cards = Export(), 0
    for card in read_cards(path):
        cards += 1
        if card.problem is not None:
            problem = card.problem
            export.bad.append(Problem(problem.path, problem.line, problem.field,
                                      f"{problem.message}; not imported"))
            continue
        try:
            person = _vcard_person(card, path)
        except ValueError as exc:
            export.bad.append(Problem(path, card.line, None, f"card {card.number}: {exc}; "
                                      "not imported"))
            continue
        if person is None:
            export.skipped.append(f"card {card.number} (line {card.line}): no name")
        else:
            export.people.append(person)
    if not cards:
        raise InputError([Problem(path, None, None, "is not a vCard file: it has no "
                                  "BEGIN:VCARD line")])
    return export


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


#: Written under the name of a contact the export gives no honorific for (LinkedIn never
#: does): the field exists, and when to use it.
HONORIFIC_HINT = ("# honorific: Ms.  # uncomment with the one they use (Ms., Mr., Dr. ...) "
                  "for \"Dear Ms. {family}:\";\n#   without it, letters open with the full "
                  "name (\"Dear {name}:\")\n")


def contact_text(fields: dict[str, str]) -> str:
    """The YAML of ``fields``; without a salutation, the ``honorific:`` hint under the name."""
    text = ""
    for key, value in fields.items():
        text += _value(key, value)
        if key == "name" and "salutation" not in fields:
            family = value.split()[-1] if value.split() else value
            text += HONORIFIC_HINT.format(family=family, name=value)
    return text


def _header_lines(workspace: Workspace, path: Path, source: str, where: str) -> str:
    line = modeline_if_schema(path, workspace.root, "contact")
    return (f"{line}# Imported from {source} ({where}). Replace each <<...>> with your own "
            "words before writing to them.\n")


def import_people(workspace: Workspace, people: list[Person], relationship: Relationship, *,
                  source: str, dry_run: bool = False) -> Imported:
    """One contact file per person not already a contact; see the module's docstring.
    A person whose fields are no valid contact is reported in ``bad`` and skipped."""
    if not workspace.profiles_dir.is_dir():
        raise WorkspaceError(f"{display_path(workspace.root)} is not an outreach workspace "
                             "(it has no profiles/ folder): run `outreach init` first")
    # two imports at once (or an import and `log --referral`): the second reads the
    # contacts once the first has written its own, so nobody is added twice
    with contextlib.nullcontext() if dry_run else locked(workspace.contacts_dir):
        if not dry_run:
            sweep_stages(workspace.contacts_dir)  # what an import killed meanwhile left
        index = People.of(workspace)  # a broken contact file stops it, named
        done = Imported(dry_run)
        texts: list[tuple[str, bytes]] = []
        for person in people:
            planned = _plan(workspace, index, person, relationship, done)
            if planned is not None:
                path, fields = planned
                texts.append((path.name, (_header_lines(workspace, path, source, person.where)
                                          + contact_text(fields)).encode("utf-8")))
        if not dry_run:
            _write(workspace, texts, done)
    return done


def _already(person: Person, same: Someone) -> str:
    if email_key(person.email) and email_key(person.email) == email_key(same.email):
        why = "the same e-mail address as"
    elif person.organization and same.organization:
        why = "the same name and organization as"
    else:
        why = "the same name, and no other organization, as"
    return f"{person.where}: {person.name} is already a contact ({why} {same.where}); " \
        "not imported"


def _plan(workspace: Workspace, index: People, person: Person, relationship: Relationship,
          done: Imported) -> tuple[Path, dict[str, str]] | None:
    """The path and fields of ``person``'s new file, or None (reported in ``done``)."""
    someone = Someone(person.name, person.organization, person.email, person.where)
    same, namesakes = index.find(someone)
    if same is not None:
        done.existing.append(_already(person, same))
        return None
    fields = contact_fields(person, relationship)
    try:
        Contact.model_validate(fields)  # what is written is always a valid contact
    except ValidationError as exc:
        done.bad.append(_invalid(person, exc))
        return None
    cid = index.new_id(person.id_name or person.name)
    if cid is None:
        done.bad.append(_problem(person, "name", f"{person.name!r} has no letter that "
                                 "spells in ASCII"))
        return None
    path = workspace.contacts_dir / f"{cid}.yaml"
    if namesakes:
        verb = "would be added" if done.dry_run else "added"
        done.warnings.append(f"{person.where}: " + namesake_warning(
            someone, namesakes, display_path(path), verb))
    index.add(Someone(person.name, person.organization, person.email, display_path(path),
                      cid, path))
    done.added.append((cid, path, person.name,
                       [k for k, v in fields.items() if v.startswith("<<")]))
    return path, fields


def _problem(person: Person, field_name: str | None, message: str) -> Problem:
    said = "" if person.where == f"line {person.line}" else f"{person.where}: "  # card 3
    return Problem(person.source or Path(person.where), person.line, field_name,
                   f"{said}{message}; not imported")


def _invalid(person: Person, exc: ValidationError) -> Problem:
    """The first thing wrong with what ``person`` would become, as a line of the export."""
    error = exc.errors()[0]
    where = ".".join(str(part) for part in error["loc"]) or None
    message = str(error["msg"]).removeprefix("Value error, ")
    return _problem(person, where, message)


def _write(workspace: Workspace, texts: list[tuple[str, bytes]], done: Imported) -> None:
    """Write the files planned; one whose name was taken meanwhile is reported instead."""
    writable([workspace.contacts_dir / name for name, _ in texts], (workspace.root,))
    created = create_new_batch(workspace.contacts_dir, texts)
    for added, ok in zip(list(done.added), created, strict=True):
        if not ok:
            done.added.remove(added)
            done.existing.append(f"{display_path(added[1])} exists; not imported")
