"""What becomes of an e-mail draft: sent, already sent, or refused, and why.

``judge`` weighs one draft against the send log and every contact's history as they
stand (``Book``), in this order: a draft that would reach the wrong person is refused,
whatever ``--force`` says; one whose contact already received this kind of document for
this occasion is already sent (never sent again); one that no longer fits the history
is refused unless forced. ``outreach/channels/send.py`` says each rule for users.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from dataclasses import dataclass, field
from email.headerregistry import Address
from email.message import EmailMessage
from pathlib import Path
from typing import Literal

from outreach.campaign import rules, stages
from outreach.compose import kinds
from outreach.compose.documents import Request
from outreach.document.text import with_article
from outreach.errors import display_path
from outreach.workspace import addresses
from outreach.workspace.folder import ContactFile, Workspace
from outreach.workspace.loading import line_of
from outreach.workspace.models import HistoryEntry
from outreach.workspace.paths import readable
from outreach.workspace.placeholders import placeholders_allowed

from . import sendlog
from .drafts import Facts

Status = Literal["send", "forced", "already", "refused", "held"]


@dataclass(frozen=True)
class Verdict:
    """What becomes of a draft, and why (in words, naming the history entry or the
    send log line that decided it)."""

    status: Status
    why: str = ""

    @property
    def sends(self) -> bool:
        return self.status in ("send", "forced")


@dataclass(frozen=True)
class Outgoing:
    """One draft found in the output folder of ``contact``."""

    contact: ContactFile
    kind: kinds.Kind
    path: Path
    message: EmailMessage
    facts: Facts

    @property
    def message_id(self) -> str:
        return str(self.message["Message-ID"] or "")

    @property
    def to(self) -> str:
        return str(self.message["To"] or "")

    @property
    def subject(self) -> str:
        return str(self.message["Subject"] or "")

    def recipients(self) -> list[tuple[str, Address]]:
        """Every envelope recipient, with the header that names it (to, cc, bcc)."""
        found = []
        for header in ("To", "Cc", "Bcc"):
            value = self.message[header]
            found += [(header.lower(), a) for a in (value.addresses if value else ())]
        return found

    def envelope(self) -> tuple[str, list[str]]:
        """The envelope: the sender and every recipient, each domain in ASCII."""
        sender = self.message["From"].addresses[0] if self.message["From"] else None
        mail_from = addresses.envelope(sender.username, sender.domain) if sender else ""
        return mail_from, [addresses.envelope(a.username, a.domain)
                           for _, a in self.recipients()]

    def opening(self, count: int = 3) -> list[str]:
        """The first lines of the message's text."""
        body = self.message.get_body(("plain",))
        text = body.get_content() if isinstance(body, EmailMessage) else ""
        lines = [line.strip() for line in str(text).splitlines() if line.strip()][:count]
        return [line if len(line) <= 90 else line[:89].rstrip() + "…" for line in lines]

    def occasion(self, book: Book) -> str:
        """What the draft answers: as written beside it, else what it would answer
        today (a thank-you: the last conversation); "" for a kind without occasions."""
        if self.facts.answers:
            return self.facts.answers
        return occasion_now(self.kind, book.contacts.get(self.contact.id, self.contact),
                            book.today)


def occasion_now(kind: kinds.Kind, contact: ContactFile, today: dt.date) -> str:
    """What a document of ``kind`` written today would answer ("" for most kinds)."""
    if kind.subject is None:
        return ""

    return kind.subject(Request(kind, contact, today))


@dataclass(frozen=True)
class Book:
    """The send log and every contact's history, as they stand on ``today``."""

    records: tuple[sendlog.Record, ...]
    contacts: dict[str, ContactFile]
    today: dt.date

    def logged(self, message_id: str) -> sendlog.Record | None:
        return next((r for r in self.records if r.message_id == message_id), None)

    def contact(self, contact_id: str) -> ContactFile:
        return self.contacts[contact_id]


@dataclass
class Books:
    """The book of one batch, read afresh for each message at the cost of reading once:
    every contact file's bytes and the send log are read again each time (a few
    milliseconds for hundreds of contacts), but only a file whose bytes changed since
    the last book (a history another ``send``, a ``log`` or an editor wrote) is parsed
    and validated again. So each book is the files as they are now."""

    workspace: Workspace
    #: Per contact id, the bytes last parsed and what they gave.
    _known: dict[str, tuple[bytes, ContactFile]] = field(default_factory=dict)

    def book(self, today: dt.date | None = None) -> Book:
        fresh = Workspace(self.workspace.root, self.workspace.profile_name)
        ids = fresh.contact_ids()
        now = {cid: self._bytes(fresh, cid) for cid in ids}
        changed = [cid for cid in ids if cid not in self._known
                   or self._known[cid][0] != now[cid]]
        with placeholders_allowed():  # all at once, every problem said, as contacts()
            parsed = {c.id: c for c in fresh.contacts(changed if self._known else None)
                      } if changed else {}
        known = {cid: self._known[cid] for cid in ids if cid not in parsed}
        for cid, contact in parsed.items():  # kept only if it did not change meanwhile
            if self._bytes(fresh, cid) == now[cid]:
                known[cid] = (now[cid], contact)
        self._known = known
        contacts = {cid: parsed[cid] if cid in parsed else known[cid][1] for cid in ids}
        return Book(tuple(sendlog.read(self.workspace.root)), contacts,
                    today or dt.date.today())

    @staticmethod
    def _bytes(fresh: Workspace, cid: str) -> bytes:
        try:
            return readable(fresh.contact_path(cid), fresh.root).read_bytes()
        except OSError:
            return b""  # gone or unreadable: parsed again, which says why


def where(contact: ContactFile, entry: HistoryEntry | None) -> str:
    """``profiles/contacts/x.yaml:12``: where a history entry stands."""
    if entry is None or entry not in contact.data.history:
        return display_path(contact.path)
    index = contact.data.history.index(entry)
    return f"{display_path(contact.path)}:{line_of(contact.lines, ('history', index))}"


def _norm(address: str) -> str:
    local, _, domain = address.strip().rpartition("@")
    with contextlib.suppress(ValueError):
        domain = addresses.ascii_domain(domain)
    return f"{local}@{domain}".casefold()


def _misplaced(out: Outgoing, contact: ContactFile | None) -> str | None:
    """Why the draft would reach the wrong person, or None."""
    folder = out.contact.id
    if contact is None:
        return f"{folder} is no longer a contact (no file {display_path(out.contact.path)})"
    if out.facts.contact and out.facts.contact != folder:
        return (f"it was written for {out.facts.contact}, but it sits in the folder of "
                f"{folder}: write {folder}'s own (outreach {out.kind.command} {folder} "
                "--format eml)")
    email = contact.data.email or ""
    if email and _norm(email) in {_norm(a.addr_spec) for h, a in out.recipients() if h == "to"}:
        return None
    line = line_of(contact.lines, ("email",))
    now = f"is now {email}" if email else "is no longer given"
    return (f"it is addressed to {out.to}, but {folder}'s address {now} "
            f"({display_path(contact.path)}:{line}): write the draft again (outreach "
            f"{out.kind.command} {folder} --format eml --force)")


def _already(out: Outgoing, contact: ContactFile, book: Book) -> str | None:
    """When and where it says the contact already received this, or None."""
    record = book.logged(out.message_id)
    if record is not None:
        return f"sent on {record.day} to {', '.join(record.recipients)} (send log)"
    occasion = out.occasion(book)
    for record in book.records:
        if (record.contact, record.kind, record.occasion) == (contact.id, out.kind.name,
                                                              occasion):
            what = f"a {occasion}" if occasion else with_article(out.kind.words)
            return (f"{contact.id} received {what} on {record.day} (send log: "
                    f"{record.message_id})")
    for other in book.contacts.values():
        entry = next((e for e in other.data.history if e.message_id == out.message_id), None)
        if entry is not None:
            return f"sent on {entry.date.isoformat()} ({where(other, entry)})"
    entry = _emailed(out, contact, occasion)
    if entry is not None:
        what = f"a {occasion}" if occasion else with_article(out.kind.words)
        return (f"{contact.id} was e-mailed {what} on {entry.date.isoformat()} "
                f"({where(contact, entry)})")
    return None


def _emailed(out: Outgoing, contact: ContactFile, occasion: str) -> HistoryEntry | None:
    """An e-mail of this kind ``outreach send`` recorded in the history (before the send
    log: it carries a Message-ID) for this occasion: on or after the day of the
    conversation the occasion names (``... of 2026-11-18``), any day when it names none."""
    event = out.kind.email.event if out.kind.email else ""
    since = occasion.rpartition(" of ")[2] if occasion else ""
    return next((e for e in contact.data.history if e.event == event and e.message_id
                 and e.date.isoformat() >= since), None)


def _misfit(out: Outgoing, contact: ContactFile, book: Book) -> str | None:
    """Why the draft no longer fits the contact's history, or None."""
    kind, today = out.kind, book.today
    found = stages.misfit(contact, kind.stages, kind.words, kind.for_whom, today)
    if found is not None:
        return f"{found} ({where(contact, stages.of(contact, today).entry)})"
    history = rules.history_as_of(contact.data, today)
    event = kind.email.event if kind.email else ""
    if not kind.stages:
        sent = next((e for e in reversed(history) if e.event == event), None)
        if sent is not None:
            what = kind.words if kind.words.endswith("letter") else f"{kind.words} letter"
            return (f"{contact.id} was sent {with_article(what)} on "
                    f"{sent.date.isoformat()} by other means ({where(contact, sent)})")
    return _answered(out, contact, today) or _stale(out, contact, history)


def _answered(out: Outgoing, contact: ContactFile, today: dt.date) -> str | None:
    """A draft answering another conversation than the last one."""
    if not out.facts.answers:
        return None
    now = occasion_now(out.kind, contact, today)
    if now == out.facts.answers:
        return None
    return f"it answers {_after_for(out.facts.answers)}, but the last is {_after_for(now)}"


def _after_for(answers: str) -> str:
    return answers.partition(" for ")[2] or "nothing"


def _stale(out: Outgoing, contact: ContactFile, history: list[HistoryEntry]) -> str | None:
    """A draft written before the last event of the history."""
    if not history or history[-1].date <= out.facts.day:
        return None
    last = history[-1]
    return (f"it was written on {out.facts.written}, before the {last.event} of "
            f"{last.date.isoformat()} ({where(contact, last)}): write it again "
            f"(outreach {out.kind.command} {contact.id} --format eml --force)")


def judge(out: Outgoing, book: Book, today: dt.date | None = None,
          force: bool = False) -> Verdict:
    """What becomes of ``out``, by the send log and the histories in ``book``."""
    if today is not None and today != book.today:
        book = Book(book.records, book.contacts, today)
    contact = book.contacts.get(out.contact.id)
    wrong = _misplaced(out, contact)
    if wrong is not None or contact is None:
        return Verdict("refused", wrong or "")
    sent = _already(out, contact, book)
    if sent is not None:
        return Verdict("already", sent)
    why = _misfit(out, contact, book)
    if why is None:
        return Verdict("send")
    return Verdict("forced", why) if force else Verdict("refused", why)
