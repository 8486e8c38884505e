"""From models to rendered documents: the context each template gets, then the model.

``build(kind, ...)`` is the one entry point: it gathers the context for a document
kind from the rules, renders the kind's template, parses the Markdown into the
neutral document model and checks the result against the rules the program enforces
whatever a template says (an approach letter never encloses the résumé).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import rules
from .document import Document
from .markup import parse
from .templating import Templates
from .workspace import ContactFile, ProfileFile, Workspace

KINDS = ("approach-letter", "phone-script", "question-sheet", "thank-you")


@dataclass(frozen=True)
class Enclosure:
    """A file that travels with a letter: named in its enclosure line, appended to its PDF."""

    label: str
    path: Path


@dataclass(frozen=True)
class Request:
    """What to render: one document kind for one contact."""

    kind: str
    contact: ContactFile
    today: dt.date
    enclosures: tuple[Enclosure, ...] = field(default=())


@dataclass(frozen=True)
class Rendered:
    """A rendered document with what travels with it."""

    request: Request
    document: Document
    enclosures: tuple[Enclosure, ...]


def _lines(text: str | None) -> list[str]:
    return [ln.strip() for ln in (text or "").splitlines() if ln.strip()]


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text[-1:] in ".!?" else text + "."


def with_article(phrase: str) -> str:
    """``recent graduate`` -> ``a recent graduate``; leaves ``the``/``a``/``an`` alone."""
    first = phrase.split(maxsplit=1)[0] if phrase.split() else ""
    if first.lower() in {"a", "an", "the"} or first.lower().endswith("'s"):
        return phrase
    vowel = first[:1].lower() in "aeiou" or (first.isupper() and first[:1] in "AEFHILMNORSX")
    return ("an " if vowel else "a ") + phrase


def _sender(profile: ProfileFile) -> dict[str, Any]:
    data = profile.data
    return {"name": data.name, "address_lines": _lines(data.address),
            "phone": data.phone, "email": data.email}


def _recipient(contact: ContactFile) -> dict[str, Any]:
    data = contact.data
    return {"name": data.name, "title": data.title, "organization": data.organization,
            "address_lines": _lines(data.address)}


def introduction(workspace: Workspace, contact: ContactFile) -> str:
    """The opening sentence: who referred the writer, or how they learned of the contact."""
    referrer = workspace.referrer_name(contact)
    how = _sentence(contact.data.how_we_met) if contact.data.how_we_met else ""
    if referrer and referrer.lower() not in how.lower():
        return f"{referrer} suggested that I write to you. {how}".strip()
    return how


def register(contact: ContactFile) -> str:
    """``familiar`` for friends; ``formal`` for executives and cold contacts; else ``business``."""
    data = contact.data
    if rules.is_familiar(data):
        return "familiar"
    if data.relationship == "cold" or rules.contact_kind(data) == "executive":
        return "formal"
    return "business"


def letter_context(workspace: Workspace, request: Request) -> dict[str, Any]:
    """What every letter template gets: the frame's parts and the two people."""
    profile = workspace.profile()
    contact = request.contact
    return {
        "sender": _sender(profile),
        "recipient": _recipient(contact),
        "date": rules.letter_date(request.today, profile.data.paper),
        "salutation": rules.salutation(contact.data),
        "close": rules.complimentary_close(contact.data),
        "enclosures": [e.label for e in request.enclosures],
        "profile": profile.data.model_dump(),
        "contact": contact.data.model_dump(),
        "contact_id": contact.id,
        "kind": rules.contact_kind(contact.data),
        "register": register(contact),
        "referrer": workspace.referrer_name(contact),
        "minutes": rules.meeting_minutes(profile.data),
        "today": request.today,
    }


def approach_letter_context(workspace: Workspace, request: Request) -> dict[str, Any]:
    context = letter_context(workspace, request)
    data = request.contact.data
    context.update({
        "introduction": introduction(workspace, request.contact),
        "status_phrase": with_article(workspace.profile().data.status),
        "field": workspace.profile().data.target.field,
        "promise_no_job": data.relationship == "cold" or context["kind"] == "executive",
    })
    return context


CONTEXTS: dict[str, Callable[[Workspace, Request], dict[str, Any]]] = {
    "approach-letter": approach_letter_context,
}


def build(workspace: Workspace, templates: Templates, request: Request) -> Rendered:
    """Render one document for one contact and check it against the rules."""
    profile = workspace.profile()
    rules.check_enclosures(request.kind, [e.path for e in request.enclosures],
                           profile.resume_path)
    context = CONTEXTS[request.kind](workspace, request)
    name = f"{request.kind}.md.j2"
    markdown = templates.render(name, context)
    title = f"{request.kind.replace('-', ' ').capitalize()} to {request.contact.data.name}"
    document = Document(request.kind, title, profile.data.paper, parse(markdown))
    rules.check_document(document, templates.origin(name))
    return Rendered(request, document, request.enclosures)
