"""From models to rendered documents: the context each template gets, then the model.

``build(kind, ...)`` is the one entry point: it gathers the context for a document
kind from the rules, renders the kind's template, parses the Markdown into the
neutral document model and checks the result against the rules the program enforces
whatever a template says (an approach letter never encloses the résumé).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from . import rules
from .document import DEFAULT_LANGUAGE, Document, text_of
from .errors import EnclosureRuleError, InputError, Problem, WorkspaceError, display_path
from .markup import parse
from .models import GOALS, HistoryEntry, Mode
from .questions import DEFAULT_GOALS, ONE_PAGE_MINUTES, Choice, load_bank, select
from .templating import Templates
from .workspace import ContactFile, ProfileFile, Workspace


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
    #: The meeting's length for a question sheet (default: the profile's minutes).
    minutes: int | None = None
    #: Goals chosen on the command line, before the contact's and the profile's own.
    goals: tuple[str, ...] = ()
    #: How the meeting happens (default: in person when local, else by phone).
    mode: Mode | None = None


@dataclass(frozen=True)
class Rendered:
    """A rendered document; ``request.enclosures`` is what travels with it, the rules'
    enclosures included."""

    request: Request
    document: Document
    #: The most pages the document may take.
    max_pages: int = 1
    #: Why the document says what it says (``--explain``), one line each.
    explanation: tuple[str, ...] = ()


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
    word = first.lower()
    if first.isupper() and len(first) > 1:  # an acronym is read letter by letter
        vowel = first[0] in "AEFHILMNORSX"
    elif word.startswith(_CONSONANT_SOUND):  # university, user, European, one-time
        vowel = False
    elif word.startswith(_SILENT_H):  # honors, hourly
        vowel = True
    else:
        vowel = word[:1] in "aeiou"
    return ("an " if vowel else "a ") + phrase


_CONSONANT_SOUND = ("uni", "use", "usu", "uti", "ure", "uro", "eu", "one", "once")
_SILENT_H = ("hour", "honest", "honor", "honour", "heir")


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


def _recipient_line(contact: ContactFile) -> str:
    data = contact.data
    return ", ".join(x for x in (data.title, data.organization) if x) or data.name


def meeting_goals(workspace: Workspace, request: Request) -> list[str]:
    """The command line's goals, else the contact's own, else the profile's."""
    return list(request.goals or request.contact.data.goals or workspace.profile().data.goals)


def _choices(workspace: Workspace, templates: Templates, request: Request,
             mode: Mode, minutes: int) -> list[Choice]:
    bank = templates.memo("questions", lambda: load_bank(templates.folder))
    return select(bank, meeting_goals(workspace, request),
                  rules.contact_kind(request.contact.data), mode, minutes)


def _meeting_context(workspace: Workspace, request: Request) -> dict[str, Any]:
    profile = workspace.profile().data
    contact = request.contact
    context = letter_context(workspace, request)
    mode = rules.meeting_mode(contact.data, request.mode)
    context.update({
        "address_name": rules.address_name(contact.data),
        "recipient_line": _recipient_line(contact),
        "status_phrase": with_article(profile.status),
        "field": profile.target.field,
        "meet_in_person": mode == "in-person",
        "mode": mode,
        "how_we_met": _sentence(contact.data.how_we_met) if contact.data.how_we_met else "",
    })
    return context


def phone_script_context(workspace: Workspace, request: Request,
                         templates: Templates) -> dict[str, Any]:
    context = _meeting_context(workspace, request)
    loaded = workspace.profile()
    profile = loaded.data
    if not profile.phone:
        raise InputError([Problem(loaded.path, 1, "phone",
                                  "the phone script gives your number to an assistant and on "
                                  "voicemail: add phone: \"+1 ...\" to the profile")])
    sent = rules.letter_sent(request.contact.data)
    context.update({
        "letter_sent": rules.spoken_date(sent) if sent else None,
        "slots": rules.two_choices(profile.availability),
        "retry_day": rules.retry_day(request.today),
        "choices": _choices(workspace, templates, request, "phone",
                            rules.meeting_minutes(profile)),
    })
    return context


def question_sheet_context(workspace: Workspace, request: Request,
                           templates: Templates) -> dict[str, Any]:
    context = _meeting_context(workspace, request)
    minutes = request.minutes or rules.meeting_minutes(workspace.profile().data)
    choices = _choices(workspace, templates, request, context["mode"], minutes)
    closes = [c for c in choices if c.question.place == "close"]
    goals = meeting_goals(workspace, request) or list(DEFAULT_GOALS)
    context.update({
        "minutes": minutes,
        "choices": choices,
        "core": [c for c in choices if c.question.place != "close"],
        "closes": closes,
        "goal_names": ", ".join(g for g in goals if g in GOALS),
        "thank_you_by": rules.letter_date(rules.thank_you_due(request.today),
                                          workspace.profile().data.paper),
    })
    return context


def _conversation(contact: ContactFile, today: dt.date) -> HistoryEntry:
    entry = rules.last_conversation(contact.data, today)
    if entry is None:
        raise WorkspaceError(
            f"no conversation with {contact.data.name} is logged in {display_path(contact.path)}: "
            f"log it first, e.g. outreach log {contact.id} --event meeting --point \"...\"")
    return entry


def thank_you_context(workspace: Workspace, request: Request,
                      _t: Templates) -> dict[str, Any]:
    context = letter_context(workspace, request)
    contact = request.contact
    entry = _conversation(contact, request.today)
    mode = rules.meeting_mode(contact.data, entry.mode)
    referrals = [{"name": r.name, "organization": r.organization} for r in entry.referrals]
    names = [r.name + (f" ({r.organization})" if r.organization else "")
             for r in entry.referrals]
    context.update({
        "field": workspace.profile().data.target.field,
        "conversation": {
            "event": entry.event, "date": entry.date, "day": rules.spoken_date(entry.date),
            "declined": entry.event == "declined",
            # a decline came by telephone, face to face, or in writing
            "declined_how": {"phone": "taking my call", "in-person": "speaking with me"}.get(
                entry.mode or "", "your reply"),
            "by_phone": entry.event == "call" or mode == "phone",
        },
        "points": entry.points[:2],
        "point_sentence": _sentence(entry.points[0]) if entry.points else "",
        "referrals": referrals,
        "referral_names": " and ".join([", ".join(names[:-1]), names[-1]] if len(names) > 1
                                       else names),
        "enclose_resume": rules.thank_you_resume(contact.data, entry).enclose,
    })
    return context


def _approach(workspace: Workspace, request: Request, _t: Templates) -> dict[str, Any]:
    return approach_letter_context(workspace, request)


CONTEXTS: dict[str, Callable[[Workspace, Request, Templates], dict[str, Any]]] = {
    "approach-letter": _approach,
    "phone-script": phone_script_context,
    "question-sheet": question_sheet_context,
    "thank-you": thank_you_context,
}

TITLES = {
    "approach-letter": "Letter to {name}",
    "phone-script": "Phone script: {name}",
    "question-sheet": "Questions for {name}",
    "thank-you": "Thank-you letter to {name}",
}


def page_limit(kind: str, minutes: int) -> int:
    """Letters fit on one page; a sheet for up to 25 minutes on one, longer on two."""
    if kind == "question-sheet":
        return 1 if minutes <= ONE_PAGE_MINUTES else 2
    if kind == "phone-script":
        return 2
    return 1


def rule_enclosures(workspace: Workspace, request: Request) -> tuple[tuple[Enclosure, ...],
                                                                     tuple[str, ...]]:
    """What the rules enclose for this document, and why (for ``--explain``)."""
    if request.kind != "thank-you":
        return (), ()
    contact = request.contact
    decision = rules.thank_you_resume(contact.data, _conversation(contact, request.today))
    why = (f"résumé: {decision.rule}",)
    if not decision.enclose:
        return (), why
    profile = workspace.profile()
    if profile.resume_path is None:
        raise InputError([Problem(profile.path, 1, "resume",
                                  f"the thank-you letter to {contact.data.name} encloses the "
                                  f"résumé ({decision.rule.split(':')[0]}), but the profile "
                                  "names no résumé file: add resume: <file.pdf or .docx>")])
    return (Enclosure("Résumé", profile.resume_path),), why


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def check_resume_rule(document: Document, template: str, workspace: Workspace,
                      contact: ContactFile) -> None:
    """An approach letter never carries the résumé, whatever a template or the user's
    own text in a profile or contact says."""
    if document.kind not in rules.NO_RESUME_KINDS:
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


def subject(request: Request) -> str:
    """What a document answers: for a thank-you, the conversation it thanks for."""
    if request.kind != "thank-you":
        return ""
    entry = rules.last_conversation(request.contact.data, request.today)
    return f"thank-you for the {entry.event} of {entry.date.isoformat()}" if entry else ""


def build(workspace: Workspace, templates: Templates, request: Request) -> Rendered:
    """Render one document for one contact and check it against the rules."""
    profile = workspace.profile()
    rules.check_enclosures(request.kind, [e.path for e in request.enclosures],
                           profile.resume_path)
    extra, why = rule_enclosures(workspace, request)
    request = replace(request, enclosures=extra + request.enclosures)
    context = CONTEXTS[request.kind](workspace, request, templates)
    name = f"{request.kind}.md.j2"
    markdown = templates.render(name, context)
    title = TITLES[request.kind].format(name=request.contact.data.name)
    document = Document(request.kind, title, profile.data.paper, parse(markdown),
                        subject(request), author=profile.data.name,
                        lang=getattr(profile.data, "lang", None) or DEFAULT_LANGUAGE)
    check_resume_rule(document, templates.origin(name), workspace, request.contact)
    explanation = why + tuple(f"{n}. {c.question.text} -- {c.reason}"
                              for n, c in enumerate(context.get("choices", []), start=1))
    limit = page_limit(request.kind, int(context["minutes"]))
    return Rendered(request, document, limit, explanation)
