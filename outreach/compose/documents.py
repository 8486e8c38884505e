"""The render stage for one document: context, template, document model, rule checks.

``build(workspace, templates, request)`` gathers the context for the request's kind
(its registry entry says how), renders the kind's template, parses the Markdown into
the neutral document model and checks the result against the rules the program
enforces whatever a template says (an approach letter never encloses the résumé).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from outreach import cache
from outreach.campaign import rules
from outreach.document.markup import parse
from outreach.document.model import Block, Document, from_plain, text_of, to_plain
from outreach.document.text import sentence_case, typeset
from outreach.errors import EnclosureRuleError, display_path
from outreach.workspace.folder import ContactFile, Workspace
from outreach.workspace.models import Mode

from . import enclosures
from .templating import Templates

if TYPE_CHECKING:
    from .kinds import Kind


@dataclass(frozen=True)
class Enclosure:
    """A file that travels with a letter: named in its enclosure line, appended to its PDF."""

    label: str
    path: Path


def enclosure_title(path: Path, given: str | None = None) -> str:
    """How an enclosure line names a file: the title given (``--enclose-title``), else
    the title in the file's own metadata (a PDF's or a DOCX's), else words made from its
    name, with a warning (never ``nearshoring-article.pdf``)."""
    if given and given.strip():
        return " ".join(given.split())
    title = _metadata_title(path)
    if title:
        return title
    made = sentence_case(re.sub(r"[-_.]+", " ", path.stem).strip()) or path.name
    logging.getLogger("outreach.compose.enclosures").warning(
        f"{display_path(path)} has no title in its metadata, so the enclosure line calls "
        f"it \u201c{made}\u201d: --enclose-title \"...\" names it better")
    return made


def _metadata_title(path: Path) -> str:
    try:
        if path.suffix.lower() == ".pdf":
            from pypdf import PdfReader  # deferred: pypdf

            meta = PdfReader(str(path)).metadata
            return " ".join(str(meta.title or "").split()) if meta else ""
        import docx  # deferred: docx

        return " ".join(str(docx.Document(str(path)).core_properties.title or "").split())
    except Exception:  # unreadable metadata: named from the file's name instead
        return ""


@dataclass(frozen=True)
class Request:
    """What to render: one document kind for one contact."""

    kind: Kind
    contact: ContactFile
    today: dt.date
    enclosures: tuple[Enclosure, ...] = field(default=())
    #: The meeting's length for a question sheet (default: the profile's minutes).
    minutes: int | None = None
    #: Goals chosen on the command line, before the contact's and the profile's own.
    goals: tuple[str, ...] = ()
    #: How the meeting happens (default: in person when local, else by phone).
    mode: Mode | None = None
    #: The most characters a note may hold (``--limit``; default the kind's).
    limit: int | None = None
    #: Where the seeker landed, ``(role, organization)`` (the keep-in-touch letter).
    landed: tuple[str, str] | None = None
    #: The date given on the command line (``--date``), if one was: for a question
    #: sheet, the meeting's day (a sheet is often printed the day before).
    given_date: dt.date | None = None


@dataclass(frozen=True)
class Rendered:
    """A rendered document; ``request.enclosures`` is what travels with it, the rules'
    enclosures included."""

    request: Request
    document: Document
    #: The pages the document should take (it is set tighter to fit them) ...
    max_pages: int = 1
    #: ... and the most it may run to when even that does not fit them.
    most_pages: int = 1
    #: Why the document says what it says (``--explain``), one line each.
    explanation: tuple[str, ...] = ()
    #: The pages its filling parts fill (``Kind.fill``); 0: it has none.
    fill_pages: int = 0
    #: The document as an e-mail words it (``channel`` "email": attached, not enclosed;
    #: a follow-up that fits e-mail), rendered when asked for; ``None``: as printed.
    email_blocks: Callable[[], tuple[Block, ...]] | None = None


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def check_resume_rule(document: Document, kind: Kind, template: str, workspace: Workspace,
                      contact: ContactFile) -> None:
    """A kind that may never carry the résumé (the approach letter) does not, whatever a
    template or the user's own text in a profile or contact says."""
    if kind.may_enclose_resume:
        return
    enclosure = document.part("enclosure")
    if enclosure is not None and rules.lists_resume(text_of(enclosure.blocks)):
        raise EnclosureRuleError(f"template {template} lists the résumé as an enclosure: "
                                 f"{rules.WHY_NO_RESUME}")
    claim = rules.resume_claim(document.text())
    if claim is None:
        return
    profile = workspace.profile()
    for path, data in ((contact.path, contact.data), (profile.path, profile.data)):
        if any(claim in text for text in _strings(data.model_dump(mode="json"))):
            raise EnclosureRuleError(f"your text in {display_path(path)} says the résumé "
                                     f"comes with the letter (“{claim}”): "
                                     f"{rules.WHY_NO_RESUME}")
    raise EnclosureRuleError(f"template {template} says the résumé travels with the letter "
                             f"(“{claim}”): {rules.WHY_NO_RESUME}")


def foreign_names(contact: ContactFile, lang: str) -> tuple[tuple[str, str], ...]:
    """The contact's name and salutation with the contact's language, when it differs
    from the document's; and their title, organization and address lines written in a
    script other than Latin (a Japanese address takes Japanese glyph forms too)."""
    data = contact.data
    if data.lang is None or data.lang.lower() == lang.lower():
        return ()
    names = [data.name, data.salutation, rules.address_name(data)]
    names += [text for text in (data.title, data.organization,
                                *(data.address or "").splitlines())
              if text and any(ord(c) >= 0x370 for c in text)]
    return tuple((name.strip(), data.lang) for name in dict.fromkeys(n for n in names if n))


def blocks_of(markdown: str) -> tuple[Block, ...]:
    """The typeset blocks of a document's rendered Markdown: kept in the cache, keyed by
    the text, so a batch run again parses only the documents whose text changed
    (parsing was a third of rendering a letter)."""
    return cache.remembered(cache.code_key("blocks", markdown),
                            lambda: typeset(parse(markdown)),
                            lambda kept: from_plain(json.loads(kept)),
                            lambda blocks: cache.as_json(to_plain(blocks)))


def build(workspace: Workspace, templates: Templates, request: Request) -> Rendered:
    """Render one document for one contact and check it against the rules."""
    kind = request.kind
    profile = workspace.profile()
    enclosures.check_enclosures(kind.may_enclose_resume, [e.path for e in request.enclosures],
                           profile.resume_path)
    extra, why = kind.enclosures(workspace, request) if kind.enclosures else ((), ())
    request = replace(request, enclosures=extra + request.enclosures)
    context = kind.context(workspace, request, templates)
    markdown = templates.render(kind.template, context)
    blocks = blocks_of(markdown)
    if kind.fit is not None:
        blocks = kind.fit(blocks, request, context)
    document = Document(kind.name, kind.title.format(name=request.contact.data.name),
                        profile.data.paper, blocks,
                        kind.subject(request) if kind.subject
                        else f"{kind.words.capitalize()}: {kind.summary}",
                        profile.data.lang, profile.data.name,
                        foreign_names(request.contact, profile.data.lang), folio=kind.folio)
    check_resume_rule(document, kind, templates.origin(kind.template), workspace,
                      request.contact)
    contact = request.contact.data
    explanation = (f"greeting: {rules.explain_name(contact)}", rules.kind_reason(contact),
                   *why, *(f"{n}. {c.question.text} -- {c.reason}"
                           for n, c in enumerate(context.get("choices", []), start=1)))
    pages = kind.pages(context)
    return Rendered(request, document, max_pages=pages,
                    most_pages=max(pages, kind.most_pages or pages), explanation=explanation,
                    fill_pages=kind.fill.pages(context) if kind.fill else 0,
                    email_blocks=_as_email(workspace, templates, request, context, document))


def _as_email(workspace: Workspace, templates: Templates, request: Request,
              context: dict[str, Any], document: Document
              ) -> Callable[[], tuple[Block, ...]] | None:
    """The template rendered again for an e-mail, when its context has a ``channel``;
    checked against the rules as the printed letter is."""
    kind = request.kind
    if kind.email is None or "channel" not in context:
        return None

    def blocks() -> tuple[Block, ...]:
        worded = blocks_of(templates.render(kind.template, context | {"channel": "email"}))
        check_resume_rule(replace(document, blocks=worded), kind,
                          templates.origin(kind.template), workspace, request.contact)
        return worded

    return blocks
