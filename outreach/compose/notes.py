"""A note that must fit a length (a LinkedIn invitation): the fullest version that fits.

The template writes several versions, each a ``::: note`` part, the fullest first; the
first one within the limit is the note. When even the last is too long, the seeker's
own data is what to shorten, and the error names the longest pieces of it. The note
keeps the approach letter's rules, checked here in code: it asks for advice, never for
a job, and it never mentions the résumé.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from outreach.document.model import Block, Part, text_of
from outreach.errors import LayoutError, TemplateError, display_path

if TYPE_CHECKING:
    from .documents import Request

#: The characters a free LinkedIn account may write in an invitation note.
DEFAULT_LIMIT = 200
#: A note that asks about work: "a job", "any openings", "are you hiring", "a position".
_JOB_REQUEST = re.compile(r"\b(?:a|any|the|your|an)\s+(?:jobs?|openings?|positions?|"
                          r"vacanc\w+|internships?)\b|\bare you hiring\b|\br[eé]sum[eé]s?\b|"
                          r"\bcv\b", re.IGNORECASE)


def note_text(blocks: tuple[Block, ...]) -> str:
    """A version's words on one line, as LinkedIn counts them."""
    return " ".join(text_of(blocks).split())


def _what_to_shorten(text: str, request: Request, context: Mapping[str, Any]) -> str:
    """The seeker's data in the note, longest first: what can be made shorter."""
    contact = request.contact
    pieces = [
        ("target.field in the profile", str(context.get("field") or "")),
        (f"referred_by in {display_path(contact.path)}", str(context.get("referrer") or "")),
        (f"salutation in {display_path(contact.path)}",
         str(context.get("greeting_name") or "")),
        ("status in the profile", str(context.get("status_phrase") or "")),
        ("name in the profile", str(context.get("sender_first") or "")),
    ]
    found = sorted(((len(value), where, value) for where, value in pieces
                    if value and value in text), reverse=True)
    return " or ".join(f"{where} ({n} characters: {value if n <= 40 else value[:37] + '...'})"
                       for n, where, value in found[:2])


def fit(blocks: tuple[Block, ...], request: Request,
        context: Mapping[str, Any]) -> tuple[Block, ...]:
    """The first ``::: note`` version within the limit that asks for nothing but advice
    (a version whose words, the user's own included, ask about a job or mention the
    résumé is passed over)."""
    limit = int(context.get("limit") or DEFAULT_LIMIT)
    versions = [b for b in blocks if isinstance(b, Part) and b.role == "note"] or \
        [Part("note", blocks)]
    asks = [_JOB_REQUEST.search(note_text(v.blocks)) for v in versions]
    versions = [v for v, ask in zip(versions, asks, strict=True) if ask is None]
    what = request.kind.title.format(name=request.contact.data.name)
    if not versions:
        said = next(a.group(0) for a in asks if a is not None)
        raise TemplateError(f"every version of the {what} says “{said}”: a note asks for "
                            "advice only, never about a job, and never mentions the résumé")
    for version in versions:
        if len(note_text(version.blocks)) <= limit:
            return (version,)
    shortest = note_text(versions[-1].blocks)
    raise LayoutError(
        f"the {what} needs "
        f"{len(shortest)} characters even at its shortest, more than {limit}: shorten "
        f"{_what_to_shorten(shortest, request, context) or 'the template'}"
        + ("" if limit >= 300 else ", or allow 300 with --limit 300 (LinkedIn Premium)"))
