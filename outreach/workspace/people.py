"""One notion of "the same person", for ``import``, ``log --referral`` and the documents.

Two records are the same person when they share an e-mail address, or when their names
match (``name_key``: honorifics, suffixes, accents, case, punctuation and spacing aside)
and neither their organizations nor their e-mail addresses say otherwise. Someone of the
same name at another organization is another person: a new contact, and a warning that
names both files, never a silent merge.

A contact id is the name without honorifics and suffixes, transliterated to ASCII with
anyascii (``陈思远`` -> ``chen-si-yuan``, ``Иван Петров`` -> ``ivan-petrov``), made unique
by ``-2``, ``-3`` ... A name with no letter (only emoji) gives no id at all.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from anyascii import anyascii

from outreach.errors import InputError, OutreachError, Problem, display_path

from .folder import CONTACT_ID, Workspace, valid_contact_id
from .loading import read_yaml
from .paths import within

#: Words before a name that are a form of address, not the name (compared without dots).
HONORIFICS = frozenset({
    "mr", "mrs", "ms", "miss", "mx", "dr", "prof", "professor", "rev", "revd", "sir", "dame",
    "hon", "mme", "mlle", "herr", "frau", "dott", "dra", "sra", "srta",
})
#: Words after a name that are a generation or a degree, dropped at the end of a name.
SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv", "phd", "esq", "md", "dds", "mba", "cpa"})
#: The suffixes that tell a father from his son: dropped from ids, kept when comparing.
GENERATIONS = frozenset({"jr", "sr", "ii", "iii", "iv"})
#: Degrees and letters dropped only after a comma (``Ana Ruiz, MA``; Yo-Yo Ma keeps Ma).
LETTERS = SUFFIXES | frozenset({
    "ma", "ba", "bsc", "msc", "mph", "jd", "llm", "rn", "pe", "pmp", "cfa", "faicp", "aicp",
    "mpa", "mpp", "frcs", "obe", "mbe", "cbe", "dphil", "edd", "psyd",
})
#: Letters NFKD leaves whole but that have a plain ASCII spelling.
_ASCII_LETTERS = str.maketrans({
    "ß": "ss", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ø": "o", "Ø": "O",
    "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ð": "d", "Ð": "D", "þ": "th", "Þ": "Th",
    "\u0131": "i",  # dotless i
})


def _bare(word: str) -> str:
    return word.strip(".,").casefold()


def core_name(name: str, *, generation: bool = False) -> str:
    """``name`` without honorifics before it or suffixes after it:
    ``Dr. Laila Haddad, PhD`` -> ``Laila Haddad``; a name of one such word is kept.
    ``generation``: keep Jr., Sr., III (a father and his son are two people)."""
    dropped = SUFFIXES - GENERATIONS if generation else SUFFIXES
    words = name.replace(",", " , ").split()
    while len(words) > 1 and _bare(words[0]) in HONORIFICS:
        words.pop(0)
    while len(words) > 1 and (words[-1] == "," or _bare(words[-1]) in dropped or (
            _bare(words[-1]) in LETTERS - GENERATIONS and "," in words)):
        words.pop()
    return " ".join(words).replace(" , ", ", ").strip(" ,")


def has_letter(name: str) -> bool:
    return any(unicodedata.category(c).startswith("L") for c in name)


def _fold(text: str) -> str:
    """Accents dropped from Latin letters only (a Japanese voiced mark is part of the
    letter), case folded, punctuation and spacing as one space."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_ASCII_LETTERS))
    kept: list[str] = []
    for char in decomposed:
        if unicodedata.combining(char) and kept and kept[-1].isascii():
            continue
        kept.append(char)
    composed = unicodedata.normalize("NFC", "".join(kept).casefold())
    return " ".join(re.sub(r"[^\w\u0300-\u036f\u3099\u309a]+|_", " ", composed).split())


def name_key(name: str) -> str:
    """A name as compared: ``Dr. José  Núñez`` and ``jose nunez`` are the same key;
    ``陈思远`` and ``陈思媛`` are not (transliteration would make them one)."""
    return _fold(core_name(name, generation=True))


def organization_key(organization: str | None) -> str:
    return _fold(organization) if organization else ""


def email_key(email: str | None) -> str:
    return email.strip().casefold() if email else ""


def _separated(char: str) -> str:
    """One character in ASCII; an ideograph or a Hangul syllable is a word of its own."""
    if char.isascii():
        return char
    text = anyascii(char)
    name = unicodedata.name(char, "")
    return f" {text} " if name.startswith(("CJK", "HANGUL SYLLABLE")) else text


def contact_id(name: str) -> str | None:
    """The id for a contact of this name, None when the name holds no letter:
    ``Dr. Amélie Côté-Nguyễn`` -> ``amelie-cote-nguyen``, ``陈思远`` -> ``chen-si-yuan``."""
    if not has_letter(name):
        return None
    ascii_text = "".join(_separated(c) for c in core_name(name).translate(_ASCII_LETTERS))
    result = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower())[:60].strip("-")
    if not result:
        return None
    if not valid_contact_id(result):  # a name Windows reserves: con, nul, com1 ...
        result = f"{result}-contact"
    assert CONTACT_ID.match(result)
    return result


@dataclass(frozen=True)
class Someone:
    """A person as "the same person" compares them, and where they were read."""

    name: str
    organization: str | None
    email: str | None
    where: str
    id: str | None = None
    path: Path | None = None

    def same_as(self, other: Someone) -> bool:
        mine, theirs = email_key(self.email), email_key(other.email)
        if mine and mine == theirs:
            return True
        if name_key(self.name) != name_key(other.name):
            return False
        orgs = organization_key(self.organization), organization_key(other.organization)
        return not (all(orgs) and orgs[0] != orgs[1]) and not (mine and theirs)

    def described(self) -> str:
        return f"{self.where} ({self.organization or 'no organization'})"


@dataclass
class People:
    """Every contact of a workspace as compared, and the ids taken; kept up to date as
    people are added (an import adds thousands: looked up by key, not one by one)."""

    by_email: dict[str, list[Someone]] = field(default_factory=dict)
    by_name: dict[str, list[Someone]] = field(default_factory=dict)
    ids: set[str] = field(default_factory=set)

    @classmethod
    def of(cls, workspace: Workspace, *, strict: bool = True) -> People:
        """The workspace's contacts. ``strict``: a file that cannot be read stops
        everything, named (the person being added may be in it); otherwise it is left out."""
        people, problems = cls(), []
        for cid in workspace.contact_ids():
            people.ids.add(cid.casefold())
            path = workspace.contacts_dir / f"{cid}.yaml"
            if not within(path, [workspace.root]):
                continue  # a link out of the workspace is never read
            try:
                people.add(_read_someone(cid, path))
            except OutreachError as exc:
                problems += exc.problems if isinstance(exc, InputError) else [
                    Problem(path, None, None, str(exc))]
        if strict and problems:
            raise InputError([Problem(p.path, p.line, p.field, f"{p.message} (fix this file "
                                      "first: the person being added may be in it)")
                              for p in problems])
        return people

    def add(self, someone: Someone) -> None:
        if email_key(someone.email):
            self.by_email.setdefault(email_key(someone.email), []).append(someone)
        self.by_name.setdefault(name_key(someone.name), []).append(someone)
        if someone.id:
            self.ids.add(someone.id.casefold())

    def find(self, someone: Someone) -> tuple[Someone | None, list[Someone]]:
        """The known record of the same person, if any, and the namesakes who are
        other people (same name, another organization or e-mail address)."""
        namesakes = self.by_name.get(name_key(someone.name), [])
        by_email = self.by_email.get(email_key(someone.email), []) if someone.email else []
        same = next((known for known in [*by_email, *namesakes] if someone.same_as(known)),
                    None)
        return same, [] if same else list(namesakes)

    def new_id(self, name: str) -> str | None:
        """An id for ``name`` no contact has (case aside), now taken; None: no letter."""
        base = contact_id(name)
        if base is None:
            return None
        cid, number = base, 1
        while cid.casefold() in self.ids:
            number += 1
            cid = f"{base}-{number}"
        self.ids.add(cid.casefold())
        return cid


def _read_someone(cid: str, path: Path) -> Someone:
    data, _ = read_yaml(path)
    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        raise InputError([Problem(path, None, "name", "is missing or not text")])
    text = {k: v if isinstance(v, str) else None
            for k, v in ((k, data.get(k)) for k in ("organization", "email"))}
    return Someone(name, text["organization"], text["email"], display_path(path), cid, path)


def namesake_warning(new: Someone, namesakes: list[Someone], where: str,
                     verb: str = "added") -> str:
    """What to say when a person is added beside others of the same name."""
    others = "; ".join(known.described() for known in namesakes)
    return (f"{new.name} ({new.organization or 'no organization'}) has the name of "
            f"{others}, but another organization or e-mail address: {verb} as {where}, a "
            "different person (if they are one person, merge the two files)")
