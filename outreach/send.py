"""``outreach send``: the e-mail drafts already written, sent through the user's server.

The server is described in ``smtp.yaml`` at the workspace's root (host, port, TLS,
user, how many messages a minute); the password is never in a file: it comes from an
environment variable (``OUTREACH_SMTP_PASSWORD`` unless ``password_env`` names another)
or is typed when asked. Without ``--send`` nothing leaves: the command says what it
would send. Each message sent is recorded at once in the contact's history (the kind's
event, ``mode: e-mail``, its Message-ID); a draft whose Message-ID is in the history is
never sent again. A failure stops the run and says what failed; what was sent before it
is recorded, the rest is left as it was, ready for the next run.
"""

from __future__ import annotations

import datetime as dt
import smtplib
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.parser import BytesParser
from email.policy import default
from email.utils import formatdate
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator

from . import kinds
from .errors import InputError, OutreachError, Problem, display_path
from .loading import load
from .models import HistoryEntry, Text, _Model
from .workspace import ContactFile, Workspace
from .writers.eml import KIND_HEADER, SUBJECT_HEADER

CONFIG = "smtp.yaml"
DEFAULT_PASSWORD_ENV = "OUTREACH_SMTP_PASSWORD"
#: Headers of a draft that stay on this machine.
PRIVATE_HEADERS = ("X-Unsent", KIND_HEADER, SUBJECT_HEADER)


class SmtpConfig(_Model):
    """``smtp.yaml``: the user's outgoing mail server."""

    host: Text
    #: Default: 587 with STARTTLS, 465 with SSL, 25 without TLS.
    port: int | None = Field(default=None, ge=1, le=65535)
    tls: Literal["starttls", "ssl", "none"] = "starttls"
    user: Text | None = None
    password_env: Text = DEFAULT_PASSWORD_ENV
    #: The rate limit: at most this many messages a minute.
    per_minute: int = Field(default=10, ge=1, le=120)
    password: str | None = None

    @field_validator("password")
    @classmethod
    def _never_stored(cls, value: str | None) -> None:
        raise ValueError("a password is never kept in a file: set it in the environment "
                         f"variable {DEFAULT_PASSWORD_ENV} (or the one password_env names), "
                         "or type it when outreach send asks")

    @property
    def address(self) -> tuple[str, int]:
        return self.host, self.port or {"starttls": 587, "ssl": 465, "none": 25}[self.tls]


@dataclass(frozen=True)
class Outgoing:
    """One draft found in the output folder."""

    contact: ContactFile
    kind: kinds.Kind
    path: Path
    message: EmailMessage

    @property
    def message_id(self) -> str:
        return str(self.message["Message-ID"] or "")

    @property
    def to(self) -> str:
        return str(self.message["To"] or "")


@dataclass
class Sent:
    """What ``send`` did: the drafts sent (or, in a dry run, to send), those sent before."""

    dry_run: bool
    sent: list[Outgoing] = field(default_factory=list)
    to_send: list[Outgoing] = field(default_factory=list)
    already: list[tuple[Outgoing, dt.date]] = field(default_factory=list)
    #: What failed, when something did; the run stopped there.
    error: str | None = None


def load_config(workspace: Workspace) -> SmtpConfig:
    path = workspace.root / CONFIG
    if not path.is_file():
        raise OutreachError(
            f"no {display_path(path)}: describe your outgoing mail server there (host: "
            "smtp.example.org, port: 587, tls: starttls, user: you@example.org); the "
            f"password goes in the environment variable {DEFAULT_PASSWORD_ENV}")
    config, _ = load(SmtpConfig, path)
    return config


def _read_draft(path: Path) -> EmailMessage:
    with path.open("rb") as handle:
        message = BytesParser(policy=default).parse(handle)
    if not isinstance(message, EmailMessage) or not message["Message-ID"] \
            or not message["To"]:
        raise InputError([Problem(path, None, None, "is not an e-mail draft written by "
                                  "outreach (it has no To or Message-ID): write it again "
                                  "with --format eml --force")])
    return message


def find_drafts(workspace: Workspace, contact_ids: list[str] | None,
                kind_names: tuple[str, ...] = ()) -> list[Outgoing]:
    """Every e-mail draft written for these contacts (all when ``None``), by kind."""
    mailed = [k for k in kinds.all_kinds() if k.email and (not kind_names
                                                           or k.name in kind_names)]
    found = []
    for contact in workspace.contacts(contact_ids):
        for kind in mailed:
            path = workspace.output_dir / contact.id / f"{kind.name}.eml"
            if path.is_file():
                found.append(Outgoing(contact, kind, path, _read_draft(path)))
    return found


def _sent_on(outgoing: Outgoing) -> dt.date | None:
    for entry in outgoing.contact.data.history:
        if entry.message_id == outgoing.message_id:
            return entry.date
    return None


def _connect(config: SmtpConfig, password: str | None) -> smtplib.SMTP:
    host, port = config.address
    context = ssl.create_default_context()
    server: smtplib.SMTP
    if config.tls == "ssl":
        server = smtplib.SMTP_SSL(host, port, timeout=60, context=context)
    else:
        server = smtplib.SMTP(host, port, timeout=60)
    try:
        if config.tls == "starttls":
            server.starttls(context=context)
        if config.user:
            server.login(config.user, password or "")
    except BaseException:
        server.close()
        raise
    return server


def _outgoing_copy(message: EmailMessage) -> EmailMessage:
    """The message as it leaves: dated now, without the draft's private headers."""
    copy = BytesParser(policy=default).parsebytes(message.as_bytes())
    assert isinstance(copy, EmailMessage)
    for name in PRIVATE_HEADERS:
        del copy[name]
    copy["Date"] = formatdate(localtime=True)
    return copy


def _record(outgoing: Outgoing, today: dt.date) -> None:
    from .history import append_entries

    event = outgoing.kind.email.event if outgoing.kind.email else "letter-sent"
    append_entries(outgoing.contact, [HistoryEntry(
        date=today, event=event, mode="e-mail", message_id=outgoing.message_id)])


def _failure(exc: BaseException, config: SmtpConfig, outgoing: Outgoing | None) -> str:
    host, port = config.address
    what = f"sending {display_path(outgoing.path)}" if outgoing else \
        f"connecting to {host}:{port}"
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        reason = f"the server refused the login of {config.user} (check the password)"
    elif isinstance(exc, smtplib.SMTPNotSupportedError):
        reason = "the server does not offer STARTTLS (tls: ssl, or tls: none for a " \
                 "server on this machine)"
    elif isinstance(exc, smtplib.SMTPResponseException):
        answer = exc.smtp_error
        text = answer.decode(errors="replace") if isinstance(answer, bytes) else answer
        reason = f"the server answered {exc.smtp_code} {text}"
    else:
        reason = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
    return f"{what} failed: {reason}"


def _deliver(config: SmtpConfig, password: str | None, report: Sent, today: dt.date,
             sleep: Callable[[float], None]) -> None:
    """Send ``report.to_send`` in order, recording each as it goes; stop at a failure."""
    current: Outgoing | None = None
    try:
        with _connect(config, password) as server:
            for n, outgoing in enumerate(report.to_send):
                if n:
                    sleep(60 / config.per_minute)
                current = outgoing
                server.send_message(_outgoing_copy(outgoing.message))
                report.sent.append(outgoing)
                _record(outgoing, today)
    except (OSError, smtplib.SMTPException) as exc:
        report.error = _failure(exc, config, current)
    except OutreachError as exc:  # sent, but the history could not take the entry
        report.error = (f"{display_path(current.path) if current else 'a draft'} was sent, "
                        f"but could not be recorded: {exc}; add it with outreach log")


def send(workspace: Workspace, contact_ids: list[str] | None, *, really: bool = False,
         kind_names: tuple[str, ...] = (), password: str | None = None,
         today: dt.date | None = None, sleep: Callable[[float], None] = time.sleep) -> Sent:
    """Send the drafts not sent yet (with ``really``; else say what would be sent)."""
    config = load_config(workspace)
    report = Sent(dry_run=not really)
    for outgoing in find_drafts(workspace, contact_ids, kind_names):
        day = _sent_on(outgoing)
        if day is not None:
            report.already.append((outgoing, day))
        else:
            report.to_send.append(outgoing)
    if really and report.to_send:
        _deliver(config, password, report, today or dt.date.today(), sleep)
    return report


def password_from(config: SmtpConfig, environ: dict[str, str]) -> str | None:
    """The password from the environment, or ``None`` (then the user is asked)."""
    return environ.get(config.password_env) or None
