"""``outreach send``: the e-mail drafts already written, sent through the user's server.

Without ``--send`` nothing leaves: the command shows each message (every envelope
recipient, the subject, the first lines) and what would become of it. Each draft is
judged against the workspace's send log (``outreach/channels/sendlog.py``) and every contact's
history, as they stand:

- *already sent*, and skipped, when the send log (or a history, by Message-ID) says this
  contact already received this kind of document for this occasion (the approach letter
  once; a thank-you once for each conversation; the keep-in-touch letter once),
  whatever its wording;
- *refused*, and never sent, when it would go to the wrong person: its recipient is no
  longer the contact's address, or it was written for another contact than the one
  whose folder holds it;
- *refused* unless ``--force``, when it no longer fits the history: the contact's stage
  is not one the document belongs to (``outreach/campaign/stages.py``: an approach letter to
  someone written to by any channel, met, declined or thanked; a thank-you for a
  conversation already thanked), a keep-in-touch letter already sent by post, or the
  draft is older than the last event in the history.

The judgment is made again just before each message leaves, under the workspace's lock,
against the send log and every history read afresh, so two ``send`` at once deliver
each message once. A message accepted by the server is written to the send log (synced)
and then to the contact's history (the kind's event, ``mode: e-mail``, its Message-ID);
when the history cannot take it, the send log still keeps it from being sent again and
``send --record`` writes it into the history. ``send --record`` also records as sent,
without sending, a draft sent some other way.
"""

from __future__ import annotations

import datetime as dt
import smtplib
import time
from collections.abc import Callable
from copy import deepcopy
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.policy import default
from email.utils import formatdate
from pathlib import Path

from outreach.compose import kinds
from outreach.errors import InputError, OutreachError, Problem, UsageError, display_path
from outreach.render.writers import eml
from outreach.workspace import history
from outreach.workspace.folder import Workspace
from outreach.workspace.models import HistoryEntry
from outreach.workspace.paths import readable
from outreach.workspace.placeholders import placeholders_allowed

from . import drafts, sendlog, smtp
from .smtp import SmtpConfig as SmtpConfig
from .smtp import load_config as load_config
from .smtp import password_from as password_from
from .verdicts import Book, Books, Outgoing, Verdict, judge

#: Headers of a draft that stay on this machine.
PRIVATE_HEADERS = ("X-Unsent", eml.KIND_HEADER, eml.SUBJECT_HEADER, "Bcc")


@dataclass
class Sent:
    """What ``send`` did (or, in a dry run, would do) with each draft."""

    dry_run: bool
    judged: list[tuple[Outgoing, Verdict]] = field(default_factory=list)
    sent: list[Outgoing] = field(default_factory=list)
    #: Sent, but not written everywhere it should be: the message to show for each.
    unrecorded: list[str] = field(default_factory=list)
    #: With ``--record``: what was recorded, and where.
    recorded: list[tuple[Outgoing, str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    #: What failed, when something did; the run stopped there.
    error: str | None = None
    #: No smtp.yaml yet (a dry run needs none).
    no_config: bool = False
    #: ``send --record``: nothing is sent, drafts are recorded.
    recording: bool = False

    def of(self, status: str) -> list[Outgoing]:
        return [o for o, v in self.judged if v.status == status]

    @property
    def to_send(self) -> list[Outgoing]:
        return [o for o, v in self.judged if v.sends]


def _mailed(kind_names: tuple[str, ...]) -> list[kinds.Kind]:
    """The kinds asked for (all that are e-mailed when none); an unknown one, or one
    never e-mailed, is a usage error."""
    mailed = [k for k in kinds.all_kinds() if k.email]
    for name in kind_names:
        if kinds.get(name).email is None:
            raise UsageError(f"--kind {name}: a {kinds.get(name).words} is never e-mailed; "
                             f"the kinds sent are: {', '.join(k.name for k in mailed)}")
    return [k for k in mailed if not kind_names or k.name in kind_names]


def _read_draft(workspace: Workspace, path: Path,
                kind: kinds.Kind) -> tuple[EmailMessage, drafts.Facts]:
    """A draft of the output folder (a link out of the workspace is refused)."""
    message = drafts.parse(readable(path, workspace.root).read_bytes())
    if not message["Message-ID"] or not message["To"]:
        raise InputError([Problem(path, None, None, "is not an e-mail draft written by "
                                  "outreach (it has no To or Message-ID): write it again "
                                  "with --format eml --force")])
    return message, drafts.facts_of(path, message, kind.name)


def find_drafts(workspace: Workspace, contact_ids: list[str] | None,
                kind_names: tuple[str, ...] = ()) -> list[Outgoing]:
    """Every e-mail draft written for these contacts (all when ``None``), by kind."""
    mailed = _mailed(kind_names)
    found = []
    with placeholders_allowed():
        contacts = workspace.contacts(contact_ids)
    for contact in contacts:
        for kind in mailed:
            path = workspace.output_dir / contact.id / f"{kind.name}.eml"
            if path.is_file():
                found.append(Outgoing(contact, kind, path, *_read_draft(workspace, path, kind)))
    return found


def _judge_all(books: Books, found: list[Outgoing], report: Sent, today: dt.date,
               force: bool, limit: int | None) -> None:
    book = books.book(today)
    going = 0
    for outgoing in found:
        verdict = judge(outgoing, book, today, force)
        if verdict.sends:
            going += 1
            if limit is not None and going > limit:
                verdict = Verdict("held", f"--limit {limit}: it waits for the next run")
        report.judged.append((outgoing, verdict))


def send(workspace: Workspace, contact_ids: list[str] | None, *, really: bool = False,
         kind_names: tuple[str, ...] = (), password: str | None = None,
         today: dt.date | None = None, sleep: Callable[[float], None] = time.sleep,
         force: bool = False, limit: int | None = None,
         config: SmtpConfig | None = None) -> Sent:
    """Send the drafts that fit and were not sent yet (with ``really``; else say what
    would become of each)."""
    report = Sent(dry_run=not really)
    if config is None:
        config = _config(workspace, really, report)
    found = find_drafts(workspace, contact_ids, kind_names)
    day = today or dt.date.today()
    books = Books(workspace)  # each file parsed once, and again only when it changes
    _judge_all(books, found, report, day, force, limit)
    if really and report.to_send:
        assert config is not None
        _deliver(books, config, password, report, (day, force), sleep)
    return report


def _config(workspace: Workspace, really: bool, report: Sent) -> SmtpConfig | None:
    """The server's config: needed to send; checked, when there is one, in a dry run."""
    if not really and not (workspace.root / smtp.CONFIG).exists() \
            and not (workspace.root / smtp.CONFIG).is_symlink():
        report.no_config = True
        return None
    return smtp.load_config(workspace)


# -- sending ------------------------------------------------------------------------------


def outgoing_copy(message: EmailMessage) -> EmailMessage:
    """The message as it leaves: dated now, without the draft's private headers (nor
    Bcc, which only the envelope carries)."""
    copy = deepcopy(message)
    for name in PRIVATE_HEADERS:
        del copy[name]
    copy["Date"] = formatdate(localtime=True)
    return copy


def _transmit(server: smtplib.SMTP, outgoing: Outgoing) -> dict[str, tuple[int, bytes]]:
    """Hand one message to the server; the recipients it refused (it took the others).
    SMTPUTF8 is asked for only when an address needs it, and only if offered."""
    sender, recipients = outgoing.envelope()
    international = not all(a.isascii() for a in (sender, *recipients))
    options: list[str] = []
    if international:
        server.ehlo_or_helo_if_needed()
        if not server.has_extn("smtputf8"):
            raise smtp.NotOffered(
                f"the server does not offer SMTPUTF8, which {outgoing.to} needs (the part "
                "before the @ is not ASCII): ask the contact for another address, or "
                "send through a server that offers it")
        options = ["SMTPUTF8", "BODY=8BITMIME"]
    copy = outgoing_copy(outgoing.message)
    data = copy.as_bytes(policy=default.clone(utf8=international, linesep="\r\n"))
    return server.sendmail(sender, recipients, data, options)


def _history_entry(outgoing: Outgoing, day: dt.date) -> HistoryEntry:
    event = outgoing.kind.email.event if outgoing.kind.email else "letter-sent"
    return HistoryEntry(date=day, event=event, mode="e-mail",
                        message_id=outgoing.message_id)


def _record(workspace: Workspace, outgoing: Outgoing, book: Book, via: str) -> str | None:
    """Write a message sent into the send log, then the history; None when both took
    it, else the one consistent message of what is missing and how to mend it."""
    record = sendlog.Record(outgoing.message_id, outgoing.contact.id, outgoing.kind.name,
                            outgoing.occasion(book), tuple(outgoing.envelope()[1]),
                            sendlog.now(), via)
    logged: OutreachError | None = None
    try:
        sendlog.append(workspace.root, record)
    except OutreachError as exc:
        logged = exc
    try:
        history.append_entries(book.contact(outgoing.contact.id),
                       [_history_entry(outgoing, dt.date.fromisoformat(record.day))])
    except OutreachError as exc:
        return unrecorded(outgoing, exc, in_log=logged is None)
    return unrecorded(outgoing, logged, in_log=False, history=True) if logged else None


def unrecorded(outgoing: Outgoing, exc: OutreachError, *, in_log: bool,
               history: bool = False) -> str:
    """The message for a draft sent but not recorded everywhere: what holds it, and the
    command that records it (``send --record``)."""
    where = "its history has it, the send log does not" if history else (
        "the send log has it, so it will not be sent again, but its history does not"
        if in_log else "it is recorded nowhere, so a send would deliver it again")
    cid = outgoing.contact.id
    return (f"{display_path(outgoing.path)} was sent to {outgoing.to} "
            f"({outgoing.message_id}) but not recorded: {where} ({exc}); once that is "
            f"mended, record it with: outreach send {cid} --kind {outgoing.kind.name} "
            "--record")


def _deliver(books: Books, config: SmtpConfig, password: str | None, report: Sent,
             judging: tuple[dt.date, bool], sleep: Callable[[float], None]) -> None:
    """Send ``report.to_send`` in order, each judged again under the lock just before it
    goes and recorded as it goes; stop at a failure. Interrupted (Ctrl-C, SIGTERM), the
    connection is dropped at once."""
    server: smtplib.SMTP | None = None
    current: Outgoing | None = None
    interrupted = True
    try:
        server = smtp.connect(config, password)
        for n, outgoing in enumerate(report.to_send):
            if n:
                sleep(60 / config.per_minute)
            current = outgoing
            _one(books, server, outgoing, report, judging)
        interrupted = False
    except (OSError, smtplib.SMTPException, OutreachError) as exc:
        interrupted = False
        host, port = config.address
        what = f"sending {display_path(current.path)}" if current else \
            f"connecting to {host}:{port}"
        report.error = f"{what} failed: {smtp.failure(exc, config)}"
    finally:
        if server is not None:
            smtp.goodbye(server, interrupted)


def _one(books: Books, server: smtplib.SMTP, outgoing: Outgoing, report: Sent,
         judging: tuple[dt.date, bool]) -> None:
    """Judge ``outgoing`` again under the workspace's lock, against the send log and
    every contact file as they are now (``Books``), send it if it still goes, and
    record it before the lock is let go."""
    workspace = books.workspace
    with sendlog.workspace_lock(workspace.root):
        book = books.book(judging[0])
        verdict = judge(outgoing, book, *judging)
        if not verdict.sends:
            _rejudged(report, outgoing, verdict)
            return
        refused = _transmit(server, outgoing)
        report.sent.append(outgoing)
        for who, (code, text) in refused.items():
            report.warnings.append(f"{display_path(outgoing.path)}: the server refused "
                                   f"{who} ({smtp.answer(code, text)}); it took the others")
        problem = _record(workspace, outgoing, book, "smtp")
    if problem is not None:
        report.unrecorded.append(problem)


def _rejudged(report: Sent, outgoing: Outgoing, verdict: Verdict) -> None:
    report.judged = [(o, verdict if o is outgoing else v) for o, v in report.judged]


# -- recording what was sent some other way -----------------------------------------------


def record(workspace: Workspace, contact_ids: list[str] | None, *,
           kind_names: tuple[str, ...] = (), today: dt.date | None = None,
           force: bool = False) -> Sent:
    """``send --record``: each draft the send log holds and its history lacks is written
    into the history; each draft that would be sent is recorded as sent (send log and
    history), nothing being sent."""
    report = Sent(dry_run=False, recording=True)
    day = today or dt.date.today()
    books = Books(workspace)
    for outgoing in find_drafts(workspace, contact_ids, kind_names):
        with sendlog.workspace_lock(workspace.root):
            book = books.book(day)
            verdict = judge(outgoing, book, day, force)
            report.judged.append((outgoing, verdict))
            done = _record_one(workspace, outgoing, book, verdict)
        if done:
            report.recorded.append((outgoing, done))
    return report


def _record_one(workspace: Workspace, outgoing: Outgoing, book: Book,
                verdict: Verdict) -> str | None:
    logged = book.logged(outgoing.message_id)
    contact = book.contact(outgoing.contact.id)
    if logged is not None and not any(e.message_id == outgoing.message_id
                                      for e in contact.data.history):
        entry = _history_entry(outgoing, dt.date.fromisoformat(logged.day))
        history.append_entries(contact, [entry])
        return "written into its history from the send log"
    if not verdict.sends:
        return None
    problem = _record(workspace, outgoing, book, "record")
    if problem is not None:
        raise OutreachError(problem)
    return "recorded as sent (outreach sent nothing)"
