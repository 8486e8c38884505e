"""A rendered letter as an e-mail draft: the kind decides what the e-mail leaves out.

The same rendered document that becomes the PDF and the DOCX becomes the e-mail, less
the parts its kind's ``Email.omits`` names (a letter's addresses and date block: the
message's headers say who and when). The seeker's telephone number, which the letter
carries in its heading, follows the signature. What travels with the letter is
attached: the résumé exactly when the rules enclosed it, never with a kind that may not
carry it (checked here again, in code, whatever a template says).

Nothing in a draft is for outreach alone: a draft may be sent from a mail client as it
is. What ``outreach send`` needs to know of it (the contact and the document it was
written for, what it answers, the day it was written) is kept beside it, in
``.<kind>.eml.json`` (``Facts``), bound to the draft by its Message-ID. Drafts written
before carry that in ``X-Outreach-*`` headers, which are still read.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict, dataclass, replace
from email.errors import HeaderParseError
from email.headerregistry import Address
from email.message import EmailMessage
from email.parser import BytesParser, Parser
from email.policy import default
from pathlib import Path

from outreach.campaign import names
from outreach.compose import enclosures
from outreach.compose.documents import Rendered
from outreach.compose.enclosures import clean_copy
from outreach.document.model import Block, Document, Paragraph, Part, Span
from outreach.errors import InputError, Problem
from outreach.render.writers import eml
from outreach.workspace import addresses
from outreach.workspace.folder import Workspace
from outreach.workspace.output import Planned


def _address(name: str, email: str, path_problem: Problem) -> Address:
    """``name <email>``, the domain as the DNS knows it; an address the mail system
    cannot take is the user's error, said with the field (``path_problem``)."""
    reason = addresses.problem(email)
    try:
        if reason is not None:
            raise ValueError(reason)
        local, _, domain = email.strip().rpartition("@")
        return Address(" ".join(name.split()), local, addresses.ascii_domain(domain))
    except (HeaderParseError, ValueError, IndexError) as exc:
        message = reason or f"{path_problem.message} ({exc})"
        raise InputError([replace(path_problem, message=message)]) from None


def _email_blocks(rendered: Rendered, workspace: Workspace) -> tuple[Block, ...]:
    kind = rendered.request.kind
    omits = kind.email.omits if kind.email else frozenset()
    worded = rendered.email_blocks() if rendered.email_blocks else rendered.document.blocks
    blocks = tuple(b for b in worded if not (isinstance(b, Part) and b.role in omits))
    phone = workspace.profile().data.phone
    if phone and "sender" in omits:
        blocks += (Part("sender-phone", (Paragraph((Span(phone),)),)),)
    return blocks


def email_document(rendered: Rendered, workspace: Workspace) -> Document:
    """The document as the e-mail says it."""
    return replace(rendered.document, blocks=_email_blocks(rendered, workspace))


def draft(workspace: Workspace, rendered: Rendered) -> bytes:
    """The ``.eml`` bytes of one rendered document (its kind has an ``email``)."""
    return _draft(workspace, rendered)[0]


def _draft(workspace: Workspace, rendered: Rendered) -> tuple[bytes, eml.Draft]:
    request = rendered.request
    kind, contact = request.kind, request.contact
    assert kind.email is not None  # the plan refused --format eml for this kind
    profile = workspace.profile()
    paths = [e.path for e in request.enclosures]
    enclosures.check_enclosures(kind.may_enclose_resume, paths, profile.resume_path)
    attachments = tuple((path.name, clean_copy(path)) for path in paths)
    sender = _address(names.as_written(profile.data.name), profile.data.email or "", Problem(
        profile.path, profile.lines.get(("email",), 1), "email",
        "is not an e-mail address an e-mail can be sent from (name@example.org)"))
    to = _address(names.as_written(contact.data.name), contact.data.email or "", Problem(
        contact.path, contact.lines.get(("email",), 1), "email",
        "is not an e-mail address (name@example.org)"))
    subject = kind.email.subject(workspace, request)
    answers = kind.subject(request) if kind.subject else ""
    envelope = eml.Draft(sender, to, subject, attachments, answers)
    return eml.render(email_document(rendered, workspace), envelope), envelope



# -- what send needs, beside the draft -------------------------------------------------


@dataclass(frozen=True)
class Facts:
    """What ``outreach send`` knows of a draft besides its text."""

    message_id: str
    #: The contact it was written for ("" when not known: a draft of an older version).
    contact: str
    kind: str
    #: What it answers (``thank-you for the meeting of 2026-11-18``), or "".
    answers: str
    #: The day it was written for (the document's date), YYYY-MM-DD.
    written: str
    #: The address it was written to.
    to: str

    @property
    def day(self) -> dt.date:
        return dt.date.fromisoformat(self.written)


def facts_path(draft_path: Path) -> Path:
    """Where a draft's facts are kept: ``output/<id>/.<kind>.eml.json``."""
    return draft_path.with_name(f".{draft_path.name}.json")


def files(workspace: Workspace, rendered: Rendered, path: Path) -> tuple[Planned, Planned]:
    """The draft at ``path`` and its facts beside it."""
    data, envelope = _draft(workspace, rendered)
    request = rendered.request
    facts = Facts(message_id=str(parse(data, headers=True)["Message-ID"]),
                  contact=request.contact.id, kind=request.kind.name,
                  answers=envelope.answers, written=request.today.isoformat(),
                  to=envelope.to.addr_spec)
    text = json.dumps(asdict(facts), ensure_ascii=False, indent=1) + "\n"
    return Planned(path, data), Planned(facts_path(path), text.encode("utf-8"))


def parse(data: bytes, *, headers: bool = False) -> EmailMessage:
    """A draft's message. Its headers are read as UTF-8 when they are (RFC 6532: an
    address outside ASCII), so names and addresses come back as written."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        message = BytesParser(policy=default).parsebytes(data, headersonly=headers)
    else:
        message = Parser(policy=default).parsestr(text, headersonly=headers)
    assert isinstance(message, EmailMessage)
    return message


def _kept_facts(path: Path, message_id: str) -> Facts | None:
    """The facts kept beside the draft at ``path``, when they are this draft's."""
    try:
        data = json.loads(facts_path(path).read_text(encoding="utf-8"))
        facts = Facts(**{k: str(data[k]) for k in Facts.__dataclass_fields__})
        facts.day  # noqa: B018 -- a date, or ValueError
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return None
    return facts if facts.message_id == message_id else None


def facts_of(path: Path, message: EmailMessage, kind: str) -> Facts:
    """What is known of the draft at ``path`` (named for ``kind``): its facts when kept
    beside it; else those an older draft's own headers carry, the day being the file's."""
    message_id = str(message["Message-ID"] or "")
    kept = _kept_facts(path, message_id)
    if kept is not None:
        return kept
    written = dt.date.fromtimestamp(path.stat().st_mtime).isoformat()
    to = message["To"].addresses if message["To"] else ()
    return Facts(message_id, "", str(message.get(eml.KIND_HEADER) or kind),
                 str(message.get(eml.SUBJECT_HEADER) or ""), written,
                 to[0].addr_spec if to else "")


def answers_of(path: Path) -> str:
    """What the draft at ``path`` answers ("" when it says nothing of it)."""
    message = parse(path.read_bytes(), headers=True)
    return facts_of(path, message, "").answers
