"""A rendered letter as an e-mail draft: the kind decides what the e-mail leaves out.

The same rendered document that becomes the PDF and the DOCX becomes the e-mail, less
the parts its kind's ``Email.omits`` names (a letter's addresses and date block: the
message's headers say who and when). The seeker's telephone number, which the letter
carries in its heading, follows the signature. What travels with the letter is
attached: the résumé exactly when the rules enclosed it, never with a kind that may not
carry it (checked here again, in code, whatever a template says).
"""

from __future__ import annotations

from dataclasses import replace
from email.errors import HeaderParseError
from email.headerregistry import Address

from . import rules
from .document import Block, Document, Paragraph, Part, Span
from .documents import Rendered
from .enclosures import clean_copy
from .errors import InputError, Problem
from .workspace import Workspace
from .writers import eml


def _address(name: str, email: str, path_problem: Problem) -> Address:
    """``name <email>``; an address the e-mail package cannot parse is the user's error."""
    try:
        return Address(display_name=" ".join(name.split()), addr_spec=email.strip())
    except (HeaderParseError, ValueError, IndexError):
        raise InputError([path_problem]) from None


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
    request = rendered.request
    kind, contact = request.kind, request.contact
    assert kind.email is not None  # the plan refused --format eml for this kind
    profile = workspace.profile()
    paths = [e.path for e in request.enclosures]
    rules.check_enclosures(kind.may_enclose_resume, paths, profile.resume_path)
    attachments = tuple((path.name, clean_copy(path)) for path in paths)
    sender = _address(profile.data.name, profile.data.email or "", Problem(
        profile.path, profile.lines.get(("email",), 1), "email",
        "is not an e-mail address an e-mail can be sent from (name@example.org)"))
    to = _address(contact.data.name, contact.data.email or "", Problem(
        contact.path, contact.lines.get(("email",), 1), "email",
        "is not an e-mail address (name@example.org)"))
    subject = kind.email.subject(workspace, request)
    answers = kind.subject(request) if kind.subject else ""
    return eml.render(email_document(rendered, workspace),
                      eml.Draft(sender, to, subject, attachments, answers))
