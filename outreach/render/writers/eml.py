"""An e-mail draft: the neutral document model as an RFC 5322 message (``.eml``).

Python's ``email`` package builds it (``EmailMessage`` with the default policy), so
headers holding names in any script are encoded as the standard says, and attachments
carry their file names. The body is the same document twice: plain text, and HTML from
the same writer as the PDF's; a mail client shows the one it prefers. ``X-Unsent: 1``
makes clients open the file as a draft to edit and send, not as a message received (it
is an instruction to the mail client, which does not send it on; ``outreach send``
removes it). No header is for outreach alone: a draft may be sent as it is from a mail
client, so what ``outreach send`` needs is kept beside it (``outreach/channels/drafts.py``).

An address whose part before the ``@`` is not ASCII has no other form: the headers of
such a draft are written in UTF-8 (RFC 6532), as servers offering SMTPUTF8 take them.
"""

from __future__ import annotations

import hashlib
import mimetypes
from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import default

from outreach.document.model import Block, Document, Heading, ListBlock, Paragraph, Part

from .html import document_html, page_html

#: Headers drafts of earlier versions carried: which document a draft is, and what it
#: answers (a thank-you's conversation). Read from such drafts; never written, and
#: removed by ``outreach send`` before a message leaves.
KIND_HEADER = "X-Outreach-Kind"
SUBJECT_HEADER = "X-Outreach-Answers"


@dataclass(frozen=True)
class Draft:
    """Everything an e-mail draft holds besides its body."""

    sender: Address
    to: Address
    subject: str
    #: What travels with it: each file's name and the bytes it travels as.
    attachments: tuple[tuple[str, bytes], ...] = ()
    #: What the document answers (a thank-you: which conversation), or nothing.
    answers: str = ""


def _block_text(block: Block) -> list[str]:
    """One block as paragraphs of plain text (a list item is ``- `` or ``1. ``)."""
    if isinstance(block, Paragraph | Heading):
        return [block.text]
    if isinstance(block, ListBlock):
        items = []
        for n, item in enumerate(block.items, start=block.start):
            marker = f"{n}. " if block.ordered else "- "
            items.append(marker + " ".join(t for b in item for t in _block_text(b)))
        return ["\n".join(items)]
    assert isinstance(block, Part)
    return [t for b in block.blocks for t in _block_text(b)]


def text_body(document: Document) -> str:
    """The document as plain text: a blank line between paragraphs; the close and the
    signature on consecutive lines, as a letter is signed."""
    out: list[str] = []
    previous = ""
    for block in document.blocks:
        role = block.role if isinstance(block, Part) else ""
        paragraphs = [p for p in _block_text(block) if p.strip()]
        if paragraphs and role == "signature" and previous == "close" and out:
            out[-1] += "\n" + paragraphs.pop(0)
        out += paragraphs
        previous = role
    return "\n\n".join(out) + "\n"


def message_id(draft: Draft, kind: str, text: str) -> str:
    """A Message-ID that depends only on what the draft says and carries: written again
    unchanged, a draft keeps its id, so it is never sent twice."""
    digest = hashlib.sha256()
    for part in (kind, str(draft.to), draft.subject, text):
        digest.update(part.encode("utf-8") + b"\0")
    for _name, data in draft.attachments:
        digest.update(hashlib.sha256(data).digest())
    domain = draft.sender.domain or "outreach.invalid"
    return f"<{digest.hexdigest()[:32]}.{kind}@{domain}>"


def render(document: Document, draft: Draft) -> bytes:
    """The draft as the bytes of an ``.eml`` file."""
    text = text_body(document)
    international = not all(a.username.isascii() for a in (draft.sender, draft.to))
    msg = EmailMessage(policy=default.clone(utf8=international))
    msg["From"] = draft.sender
    msg["To"] = draft.to
    msg["Subject"] = draft.subject
    msg["Message-ID"] = message_id(draft, document.kind, text)
    msg["X-Unsent"] = "1"
    msg.set_content(text)
    html = page_html([document_html(document, "message", br=True)], draft.subject, document.lang)
    msg.add_alternative(html, subtype="html")
    for name, data in draft.attachments:
        kind, _ = mimetypes.guess_type(name)
        maintype, subtype = (kind or "application/octet-stream").split("/", 1)
        msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return msg.as_bytes()
