"""vCard files (2.1, 3.0, 4.0) read one card at a time, in bounded memory.

An address book exports photos inside the cards (a 15 MB photo is common): the file is
read line by line, and only the properties an import uses (names, organization, title,
e-mail, telephone, address, note) are kept. A card whose kept text is larger than
``MAX_CARD_BYTES``, or that cannot be read (a line that is no ``NAME:VALUE``, text that
is not UTF-8, no ``END:VCARD``), is reported with its line and skipped: the other cards
are read all the same.

Values are read with their escapes (RFC 6350 3.4): ``\\,`` ``\\;`` ``\\\\`` ``\\n``; an
unescaped comma in a text value (``TITLE:Director, Planning and Zoning``) is text, and
only the structured values (N, ADR, ORG) are split, on unescaped semicolons.
Quoted-printable values (vCard 2.1) are decoded with their CHARSET.
"""

from __future__ import annotations

import quopri
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from outreach.errors import InputError, Problem

#: What is kept of one card at most (photos, sounds and keys are never kept).
MAX_CARD_BYTES = 256 * 1024
#: A physical line longer than this is only skipped through (a photo on one line).
MAX_LINE_BYTES = 64 * 1024
#: The properties an import reads; every other one is skipped as it is read.
KEPT = frozenset({"BEGIN", "END", "VERSION", "N", "FN", "ORG", "TITLE", "EMAIL", "TEL",
                  "ADR", "NOTE"})
_SPLIT = re.compile(r"(?<!\\)((?:\\\\)*);")
_ESCAPES = {"\\": "\\", ",": ",", ";": ";", "n": "\n", "N": "\n"}


@dataclass(frozen=True)
class Property:
    """One content line: ``EMAIL;TYPE=work:ana@example.org``, its value still escaped."""

    name: str
    params: dict[str, list[str]]
    raw: str
    line: int

    @property
    def preferred(self) -> bool:
        types = [t.lower() for t in self.params.get("TYPE", [])]
        return "PREF" in self.params or "pref" in types or "PREF" in self.params.get("", [])

    def text(self) -> str:
        """The value as text, escapes read (``Acme\\, Inc.`` -> ``Acme, Inc.``)."""
        return unescape(self.decoded())

    def parts(self) -> list[str]:
        """A structured value's components (N, ADR, ORG), split on unescaped ';'."""
        pieces = _SPLIT.split(self.decoded())
        # re.split keeps the captured run of escaped backslashes: glue it back on
        joined = [pieces[0]]
        for index in range(1, len(pieces), 2):
            joined[-1] += pieces[index]
            joined.append(pieces[index + 1])
        return [unescape(p) for p in joined]

    def decoded(self) -> str:
        encoding = [e.upper() for e in self.params.get("ENCODING", [])]
        if "QUOTED-PRINTABLE" not in encoding + self.params.get("", []):
            return self.raw
        charset = (self.params.get("CHARSET") or ["utf-8"])[0]
        try:
            return quopri.decodestring(self.raw.encode("utf-8")).decode(charset)
        except (LookupError, UnicodeDecodeError):
            raise ValueError(f"line {self.line}: {self.name} is not quoted-printable "
                             f"{charset} text") from None


def unescape(text: str) -> str:
    out: list[str] = []
    chars = iter(text)
    for char in chars:
        if char == "\\":
            nxt = next(chars, "")
            out.append(_ESCAPES.get(nxt, "\\" + nxt))
        else:
            out.append(char)
    return "".join(out)


@dataclass
class Card:
    """One card as read: where it starts, its properties, or why it cannot be used."""

    number: int
    line: int
    properties: list[Property] = field(default_factory=list)
    problem: Problem | None = None
    size: int = 0

    def all(self, name: str) -> list[Property]:
        return [p for p in self.properties if p.name == name]

    def first(self, name: str) -> Property | None:
        """The preferred ``name`` line (PREF, TYPE=pref), else the first."""
        found = self.all(name)
        return min(found, key=lambda p: 0 if p.preferred else 1) if found else None


def _physical_lines(handle: BinaryIO) -> Iterator[tuple[int, bytes, bool]]:
    """(number, the line without its end, whole?): a line longer than MAX_LINE_BYTES is
    given cut, and the rest of it read through without being kept."""
    number = 0
    while chunk := handle.readline(MAX_LINE_BYTES):
        number += 1
        whole = chunk.endswith(b"\n") or len(chunk) < MAX_LINE_BYTES
        if not whole:
            while (rest := handle.readline(MAX_LINE_BYTES)) and not rest.endswith(b"\n"):
                pass
        yield number, chunk.rstrip(b"\r\n"), whole


def _logical_lines(handle: BinaryIO) -> Iterator[tuple[int, str | None]]:
    """Unfolded lines of the properties kept, with the number of their first line;
    None for a line that is too long or not UTF-8 (its card is then skipped)."""
    start, pieces, keep, qp = 0, list[str](), False, False
    for number, raw, whole in _physical_lines(handle):
        if number == 1:
            raw = raw.removeprefix(b"\xef\xbb\xbf")
        if qp and pieces and pieces[-1].endswith("="):  # a quoted-printable soft break
            pieces.append(_decode(raw, whole))
            continue
        if raw[:1] in (b" ", b"\t"):  # a folded line goes on the line before
            if keep:
                pieces.append(_decode(raw[1:], whole))
            continue
        if keep:
            yield start, _joined(pieces, qp)
        head = raw.split(b":", 1)[0]
        name = head.split(b";", 1)[0].split(b".")[-1].strip().upper()
        # a line that is no NAME:VALUE is kept, for its card to be reported
        keep = bool(raw.strip()) and (name.decode("ascii", "replace") in KEPT
                                      or b":" not in raw)
        qp = keep and b"QUOTED-PRINTABLE" in head.upper()
        start, pieces = number, [_decode(raw, whole)]
    if keep:
        yield start, _joined(pieces, qp)


def _decode(raw: bytes, whole: bool) -> str:
    if not whole:
        return "\0too-long"
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return "\0not-utf-8"


def _joined(pieces: list[str], qp: bool) -> str | None:
    if any(p.startswith("\0") for p in pieces):
        return None
    if qp:  # a soft line break is '=' at the end of a line
        return "".join(p[:-1] if p.endswith("=") and i < len(pieces) - 1 else p
                       for i, p in enumerate(pieces))
    return "".join(pieces)


def _split_params(head: str) -> tuple[str, dict[str, list[str]]]:
    """``item1.EMAIL;TYPE=work,pref;PREF=1`` -> (``EMAIL``, {TYPE: [work, pref], ...});
    a bare parameter (2.1's ``EMAIL;INTERNET``) is listed under ``""``."""
    parts = re.findall(r'(?:[^;"]|"[^"]*")+', head)
    name = parts[0].split(".")[-1].strip().upper() if parts else ""
    params: dict[str, list[str]] = {}
    for part in parts[1:]:
        key, equals, value = part.partition("=")
        values = [v.strip('"') for v in re.findall(r'(?:[^,"]|"[^"]*")+', value)]
        if equals:
            params.setdefault(key.strip().upper(), []).extend(values)
        else:
            params.setdefault("", []).append(key.strip().upper())
    return name, params


def _property(text: str, line: int) -> Property:
    head, colon, value = _head_and_value(text)
    if not colon or not head.strip():
        shown = text if len(text) < 60 else text[:57] + "..."
        raise ValueError(f"line {line}: is not a vCard line (NAME:VALUE): {shown!r}")
    name, params = _split_params(head)
    return Property(name, params, value, line)


def _head_and_value(text: str) -> tuple[str, str, str]:
    """Split at the first colon outside a quoted parameter value."""
    quoted = False
    for index, char in enumerate(text):
        if char == '"':
            quoted = not quoted
        elif char == ":" and not quoted:
            return text[:index], ":", text[index + 1:]
    return text, "", ""


class _Cards:
    """The cards of a file, built line by line."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.card: Card | None = None
        self.count = 0

    def problem(self, line: int, message: str) -> None:
        if self.card is not None and self.card.problem is None:
            self.card.problem = Problem(self.path, line, None,
                                        f"card {self.card.number}: {message}")

    def begin(self, line: int) -> Card | None:
        ended = self.end(line, "it has no END:VCARD before the next BEGIN:VCARD")
        self.count += 1
        self.card = Card(self.count, line)
        return ended

    def end(self, line: int, missing: str | None = None) -> Card | None:
        if self.card is not None and missing is not None:
            self.problem(line, missing)
        card, self.card = self.card, None
        return card

    def add(self, text: str | None, line: int) -> None:
        if self.card is None or self.card.problem is not None:
            return
        if text is None:
            self.problem(line, f"line {line} is not UTF-8 text, or longer than "
                         f"{MAX_LINE_BYTES // 1024} KB")
            return
        self.card.size += len(text)
        if self.card.size > MAX_CARD_BYTES:
            self.problem(line, f"is more than {MAX_CARD_BYTES // 1024} KB without its "
                         "photo; an address book's card is far smaller")
            return
        try:
            self.card.properties.append(_property(text, line))
        except ValueError as exc:
            self.problem(line, str(exc).split(": ", 1)[1])


def read_cards(path: Path) -> Iterator[Card]:
    """Every card of the file at ``path``, each with its problem if it has one."""
    try:
        handle = path.open("rb")
    except OSError as exc:
        raise InputError([Problem(path, None, None, f"cannot be read: {exc.strerror}")]) \
            from None
    with handle:
        cards = _Cards(path)
        for line, text in _logical_lines(handle):
            word = (text or "").strip().upper()
            if word not in ("BEGIN:VCARD", "END:VCARD"):
                cards.add(text, line)
                continue
            done = cards.begin(line) if word == "BEGIN:VCARD" else cards.end(line)
            if done is not None:
                yield done
        if cards.card is not None:
            cards.problem(cards.card.line, "the file ends before its END:VCARD")
            yield cards.card
