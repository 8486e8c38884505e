"""What each template receives: one context builder per document kind.

A builder is a plain function ``(workspace, request, templates) -> dict`` that gathers
the values a template prints from the models and the rules. The names each kind's
template receives are listed in its registry entry (``outreach/compose/kinds.py``) and in
``docs/templates.md``; a test fails when a builder and its entry drift apart.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import unicodedata
from typing import TYPE_CHECKING, Any

from outreach.campaign import names, points, rules
from outreach.campaign.points import to_the_reader
from outreach.document.text import (
    and_list,
    lower_first,
    sentence,
    sentence_case,
    sentences,
    subject,
    tidy_sentences,
    title_case,
    to_second_person,
    weekdays_capitalized,
    with_article,
    words,
)
from outreach.errors import OutreachError, WorkspaceError, display_path
from outreach.workspace.folder import ContactFile, ProfileFile, Workspace
from outreach.workspace.models import (
    BOOKABLE,
    GOALS,
    Contact,
    HistoryEntry,
    Mode,
    Paper,
    Profile,
)

from .notes import DEFAULT_LIMIT
from .postal import country, for_the_post
from .templating import Templates

__all__ = ["sentence", "with_article"]  # the grammar helpers' old home, for callers

log = logging.getLogger(__name__)
#: About 15 seconds spoken, at some 150 words a minute.
SUMMARY_WORDS = 40
#: The most of the summary a letter or a call says (the rest reads as a résumé in prose).
PITCH_WORDS = 50

if TYPE_CHECKING:
    from .documents import Request
    from .questions import Bank, Choice


def _lines(text: str | None) -> list[str]:
    return [ln.strip() for ln in (text or "").splitlines() if ln.strip()]


def _sender(profile: ProfileFile) -> dict[str, Any]:
    data = profile.data
    return {"name": data.name, "address_lines": _lines(data.address),
            "phone": data.phone, "email": data.email}


def _recipient(contact: ContactFile) -> dict[str, Any]:
    data = contact.data
    return {"name": names.of(data).with_honorific,
            # a line of an address starts with a capital (The Ottawa Hospital ...)
            "title": title_case(data.title) if data.title else data.title,
            "organization": sentence_case(data.organization) if data.organization
            else data.organization, "address_lines": _address_lines(data)}


def _address_lines(data: Contact) -> list[str]:
    """The postal address's lines, less a first line that repeats the organization or
    the name already printed above it (``Tilted Axis Press`` typed in both)."""
    lines = _lines(data.address)
    above = {_key(x) for x in (data.organization, data.name) if x}
    while lines and _key(lines[0]) in above:
        lines = lines[1:]
    return lines


def _key(text: str) -> str:
    return " ".join(text.casefold().replace(".", "").replace(",", "").split()) \
        .removeprefix("the ")


def said(name: str) -> str:
    """A name as a sentence says it: its Latin form when one is given in brackets after
    another script (``Олена Коваленко (Olena Kovalenko)`` -> ``Olena Kovalenko``); the
    inside address and the envelope keep the name as written. A name typed in lower case
    after a description's comma gets its capitals (``my charge nurse, beth`` -> ``my
    charge nurse, Beth``)."""
    latin = names.latin_form(name)
    if latin:
        return latin
    head, comma, tail = name.partition(",")
    if comma and tail.strip() and tail == tail.lower():
        return f"{head}, {title_case(tail.strip())}"
    return name


def said_referrer(workspace: Workspace, contact: ContactFile) -> str | None:
    """Who referred the contact (``Workspace.referrer_name``), as a sentence says it."""
    name = workspace.referrer_name(contact)
    return said(name) if name is not None else None


def _role(title: str | None, organization: str | None) -> str:
    """``, Director of Planning at City of Springfield,`` or `` of MHI``: who someone is,
    as an appositive after their name (a title with a comma of its own gives way to
    the organisation, so the sentence keeps one pair of commas)."""
    if title and "," not in title:
        return f", {title}" + (f" at {organization}," if organization else ",")
    return f" of {organization}" if organization else ""


def referrer_phrase(workspace: Workspace, contact: ContactFile) -> str | None:
    """Who referred the contact, said so the reader knows who they are: ``Tom Brandt of
    MHI``, ``Maria Lopez, Housing Program Manager at Springfield Housing Authority,``;
    free text as written (``my former commander, Col. Anne Ruiz,``), ready to stand
    before its verb."""
    ref = contact.data.referred_by
    if ref is None:
        return None
    if ref != contact.id and workspace.has_contact(ref):
        other = workspace.contact(ref).data
        return said(other.name) + _role(other.title, other.organization)
    return subject(said(ref))


def introduction(workspace: Workspace, contact: ContactFile) -> str:
    """The opening sentence: who referred the writer, or how they learned of the contact."""
    referrer = workspace.referrer_name(contact)
    phrase = referrer_phrase(workspace, contact)
    how = sentence(contact.data.how_we_met) if contact.data.how_we_met else ""
    if referrer and phrase and referrer.lower() not in how.lower():
        return f"{sentence_case(phrase)} suggested that I write to you. {how}".strip()
    return how


def _warn_no_address(contact: ContactFile) -> None:
    data = contact.data
    if data.address:
        return
    send = f"e-mail it to {data.email}" if data.email else "send it by e-mail"
    log.warning(f"the letter to {data.name} has no inside address, since "
                f"{display_path(contact.path)} gives none: add address: to print and post "
                f"it, or {send}")


def register(contact: ContactFile) -> str:
    """``familiar`` for friends; ``formal`` for executives and cold contacts, unless they
    know the seeker (the relationship comes first); else ``business``."""
    data = contact.data
    if rules.is_familiar(data):
        return "familiar"
    if rules.knows_me(data):
        return "business"
    if data.relationship == "cold" or rules.contact_kind(data) == "executive":
        return "formal"
    return "business"


def _warn_name(contact: ContactFile) -> None:
    """A friend's name that may be written family name first, greeted by that name."""
    if not names.may_be_family_first(contact.data):
        return
    name = names.of(contact.data)
    rest = name.full.split()[1:]
    log.warning(f"{contact.data.name} is greeted as \u201c{name.given}\u201d, read as the "
                f"given name; if {name.full.split()[0]} is the family name, written first, "
                f"add given_name: {' '.join(rest)} to {display_path(contact.path)} "
                f"(given_name: {name.given} keeps the greeting and this warning away)")


def _warn_no_latin(contact: ContactFile) -> None:
    """A name written in no Latin letters, with no Latin form beside it: greeted and
    spoken as written, which the seeker may not be able to say."""
    data = contact.data
    if data.salutation or names.of(data).latin or any(
            "LATIN" in unicodedata.name(c, "") for c in data.name if c.isalpha()):
        return
    log.warning(f"{data.name} is written in no Latin letters, so letters greet them as "
                f"\u201c{rules.salutation(data)}\u201d and the phone script says the name "
                f"aloud: add its Latin form in brackets, name: {data.name} (Given Family), "
                f"to {display_path(contact.path)}; the inside address keeps the name as "
                "written")


def _warn_honorific(contact: ContactFile) -> None:
    """A letter that greets by the full name, since no honorific is known (said once a
    batch: the message is the same for every contact)."""
    data = contact.data
    if rules.is_familiar(data) or data.salutation or names.of(data).formal:
        return
    log.warning("letters to contacts with no honorific open with the full name "
                "(\u201cDear Jordan Avery:\u201d): add honorific: Ms., Mr., Dr., Prof. ... "
                "to a contact's file for the shorter \u201cDear Dr. Avery:\u201d (outreach "
                "never guesses one)")


def common_context(workspace: Workspace, request: Request) -> dict[str, Any]:
    """What every template gets: the two people, the date, the register, the minutes."""
    profile = workspace.profile()
    contact = request.contact
    _warn_name(contact)
    _warn_no_latin(contact)
    return {
        "profile": profile.data.model_dump(),
        "contact": contact.data.model_dump(),
        "date": rules.letter_date(request.today, profile.data.paper),
        "register": register(contact),
        "referrer": said_referrer(workspace, contact),
        "minutes": rules.meeting_minutes(profile.data),
    }


def letter_context(workspace: Workspace, request: Request) -> dict[str, Any]:
    """What every letter template gets: the common values and the letter frame's parts."""
    contact = request.contact
    _warn_honorific(contact)
    return common_context(workspace, request) | {
        "sender": _sender(workspace.profile()),
        "recipient": _recipient(contact),
        "salutation": rules.salutation(contact.data),
        "close": rules.complimentary_close(contact.data),
        "enclosures": [e.label for e in request.enclosures],
        "channel": "letter",
    }


def _letter_context(workspace: Workspace, request: Request) -> dict[str, Any]:
    """The letter frame's values, with a warning for a letter that has nowhere to go."""
    _warn_no_address(request.contact)
    return letter_context(workspace, request)


def approach_letter(workspace: Workspace, request: Request,
                    _templates: Templates) -> dict[str, Any]:
    data = request.contact.data
    warn_pitch(workspace, spoken=False)
    profile = workspace.profile().data
    return _letter_context(workspace, request) | {
        "introduction": introduction(workspace, request.contact),
        "status_phrase": status_phrase(profile),
        "status_sentence": "" if says_who(pitch(profile)[0]) else status_sentence(profile),
        "summary": pitch(profile)[0],
        "field": profile.target.field,
        "promise_no_job": not rules.knows_me(data) and rules.contact_kind(data) != "recruiter"
        and (data.relationship == "cold" or rules.contact_kind(data) == "executive"),
        "acquainted": rules.knows_me(data),
        "recruiter": rules.contact_kind(data) == "recruiter",
        "hiring": _hiring(data.organization, profile.target.roles),
    }


def _hiring(organization: str | None, roles: list[str]) -> str:
    """What to ask a recruiter about: ``how the Ottawa Hospital hires for roles such as
    study coordinator``."""
    who = organization or "your organization"
    what = f"roles such as {and_list(roles)}" if roles else "roles like the ones I am exploring"
    return f"how {who} hires for {what}"


def _recipient_line(contact: ContactFile) -> str:
    data = contact.data
    return ", ".join(x for x in (title_case(data.title) if data.title else None,
                                 data.organization) if x) or data.name


#: What a conversation with a recruiter or an HR partner is for: how they hire.
RECRUITER_GOALS = ("break-in", "skills", "job-listings", "resume-feedback")


def meeting_goals(workspace: Workspace, request: Request) -> list[str]:
    """The command line's goals, else the contact's own; else, with a recruiter, how
    their organization hires; else the profile's."""
    data = request.contact.data
    if request.goals or data.goals:
        return list(request.goals or data.goals or ())
    if rules.contact_kind(data) == "recruiter":
        return list(RECRUITER_GOALS)
    return list(workspace.profile().data.goals)


def _bank(templates: Templates) -> Bank:
    """The question bank, read once per run (imported only by the commands that ask)."""
    from .questions import load_bank  # deferred: outreach.compose.questions

    return templates.memo("questions", lambda: load_bank(templates.folder))


def _choices(workspace: Workspace, templates: Templates, request: Request,
             mode: Mode, minutes: int, own: list[str] | None = None) -> list[Choice]:
    from .questions import select  # deferred: outreach.compose.questions

    return select(_bank(templates), meeting_goals(workspace, request),
                  rules.contact_kind(request.contact.data), mode, minutes, own or [])


def _meeting_context(workspace: Workspace, request: Request) -> dict[str, Any]:
    """What the phone script and the question sheet share."""
    profile = workspace.profile().data
    contact = request.contact
    mode = rules.meeting_mode(contact.data, request.mode)
    common = common_context(workspace, request)
    return common | {
        # research notes typed in haste, printed as sentences
        "contact": common["contact"] | {"notes": tidy_sentences(contact.data.notes or "")
                                        or None},
        "address_name": rules.address_name(contact.data),
        "recipient_line": _recipient_line(contact),
        "status_phrase": status_phrase(profile),
        "field": profile.target.field,
        "meet_in_person": mode == "in-person",
        "how_we_met": sentence(contact.data.how_we_met) if contact.data.how_we_met else "",
        "acquainted": rules.knows_me(contact.data),
        "recruiter": rules.contact_kind(contact.data) == "recruiter",
        "spoken_name": names.of(contact.data).full,
    }


def pitch(profile: Profile) -> tuple[str, str]:
    """The summary as a letter or a call says it, and what it leaves out: ``pitch:``
    when the profile gives one, else the summary's first sentences up to about
    ``PITCH_WORDS`` words (the first sentence whatever its length)."""
    if profile.pitch:
        return sentence(profile.pitch), ""
    parts = sentences(profile.summary)
    kept = parts[:1]
    for part in parts[1:]:
        if words(" ".join([*kept, part])) > PITCH_WORDS:
            break
        kept.append(part)
    return sentence(" ".join(kept)), " ".join(parts[len(kept):])


def _opening_words(text: str, count: int = 8) -> str:
    cut = text.split()
    return " ".join(cut[:count]) + (" \u2026" if len(cut) > count else "")


def warn_pitch(workspace: Workspace, spoken: bool) -> None:
    """A summary cut for a letter or a call, naming what was left out; a pitch too long
    to say in 15 seconds (on the phone)."""
    profile = workspace.profile()
    said, left = pitch(profile.data)
    field = "pitch" if profile.data.pitch else "summary"
    count = words(profile.data.pitch or profile.data.summary)
    seconds = f"{count} words, about {round(count / 2.5)} seconds spoken"
    where = display_path(profile.path)
    if left:
        log.warning(f"your 15-second summary is {seconds}: cut summary: in {where} to "
                    f"about {SUMMARY_WORDS} words, or add pitch: with a shorter version; "
                    f"until then letters and calls say its first {words(said)} words and "
                    f"leave out \u201c{_opening_words(left)}\u201d")
    elif spoken and words(said) > SUMMARY_WORDS:
        log.warning(f"your 15-second {field} is {seconds}: cut {field}: in {where} to "
                    f"about {SUMMARY_WORDS} words")


def status_phrase(profile: Profile) -> str:
    """The status with its article, fitted to follow "I am": ``Recent graduate in
    Korean Literature.`` -> ``a recent graduate in Korean Literature`` (its first word
    keeps its capital when the seeker writes it so elsewhere: ``an Army veteran``)."""
    texts = [profile.summary, profile.pitch or "", *profile.accomplishments]
    # the words written with a capital inside a sentence, not at its start
    known = [re.sub(r"(^|[.!?]\s+)\S+", r"\1", t) for t in texts] + [profile.target.field]
    status = lower_first(profile.status.strip().rstrip(" ."), known)
    return with_article(status)


def says_who(summary: str) -> bool:
    """Does the summary say who the writer is (``I'm a SOAS graduate ...``), so that a
    status sentence before it would say it twice?"""
    return re.match(r"(I am|I['\u2019]m)\s+(a|an)\s", summary) is not None


def status_with_field(profile: Profile, joiner: str) -> str:
    """The status with its article and the field after ``joiner`` (``, exploring a
    career in ``), the field left out when the status names it (``a nurse moving into
    clinical research``)."""
    status = status_phrase(profile)
    field = profile.target.field
    if field.casefold() in profile.status.casefold():
        return status
    return f"{status}{joiner}{field}"


def status_sentence(profile: Profile) -> str:
    """``I am a nurse, exploring a career in clinical research.``"""
    return f"I am {status_with_field(profile, ', exploring a career in ')}."


def _warn_script(workspace: Workspace, contact: ContactFile) -> None:
    """A summary too long to say in 15 seconds; a contact with no number to call; one
    time to offer in the close."""
    warn_pitch(workspace, spoken=True)
    profile = workspace.profile()
    if len(profile.data.availability) == 1:
        log.warning(f"availability: in {display_path(profile.path)} gives one time, so the "
                    "call closes on that or another time: add a second for a choice of two")
    if not contact.data.phone:
        log.warning(f"the phone script for {contact.data.name} has no number to call: add "
                    f"phone: to {display_path(contact.path)}")


def phone_script(workspace: Workspace, request: Request,
                 templates: Templates) -> dict[str, Any]:
    profile = workspace.profile().data
    contact = request.contact
    _warn_script(workspace, contact)
    context = _meeting_context(workspace, request)
    sent = rules.letter_sent(contact.data)
    phrase = referrer_phrase(workspace, contact)
    return context | {
        # someone who knows you is reminded of it, not told it
        "how_we_met": f"You may remember me: {lower_first(context['how_we_met'])}"
        if context["acquainted"] and context["how_we_met"] else context["how_we_met"],
        "summary": pitch(profile)[0],
        "status_sentence": "" if says_who(pitch(profile)[0]) else status_sentence(profile),
        "greeting": rules.greeting(contact.data),
        "voicemail_greeting": rules.voicemail_greeting(contact.data),
        "referrer_phrase": phrase,
        "referred_opening": f"{sentence_case(phrase)} suggested I call" if phrase else "",
        "letter_sent": rules.spoken_date(sent) if sent else None,
        "slots": tuple(weekdays_capitalized(s) for s in rules.two_choices(
            profile.availability)),
        "retry_day": rules.retry_day(request.today),
        "choices": _choices(workspace, templates, request, "phone",
                            rules.meeting_minutes(profile)),
    }


def booking(request: Request) -> HistoryEntry | None:
    """The meeting or call the sheet is for: the one booked for the date given on the
    command line, else the next one booked, else one logged for the day itself."""
    contact = request.contact.data
    ahead = rules.booked(contact, request.today)
    if request.given_date is not None:
        return next((e for e in contact.history if e.event in BOOKABLE
                     and e.date == request.given_date), None)
    if ahead:
        return ahead[0]
    entry = rules.last_conversation(contact, request.today)
    if entry is not None and entry.event != "declined" and entry.date == request.today:
        return entry
    return None


def _sheet_booking(request: Request) -> HistoryEntry | None:
    """``booking``, with a warning when ``--date`` names a day with nothing booked while
    a meeting or call is booked on another (``--date`` on a sheet is the meeting's day,
    not the day it is printed)."""
    found = booking(request)
    ahead = rules.booked(request.contact.data, request.today)
    if found is None and request.given_date is not None and ahead:
        when = ahead[0].date.isoformat() + (f" at {ahead[0].time}" if ahead[0].time else "")
        log.warning(f"the question sheet for {request.contact.data.name} is for "
                    f"{request.given_date.isoformat()} (--date), but the {ahead[0].event} "
                    f"booked is on {when}: leave out --date to take its day, time and "
                    "length (on a sheet, --date is the meeting's day)")
    return found


def meeting_day(request: Request) -> dt.date | None:
    """The meeting's day: the date given on the command line (a sheet is printed the
    evening before), else the meeting or call booked (``booking``); else unknown."""
    if request.given_date is not None:
        return request.given_date
    entry = booking(request)
    return entry.date if entry is not None else None


def clock_time(time: str, paper: Paper) -> str:
    """``14:30`` as the paper's country says it: ``2:30 p.m.`` on US Letter, ``14:30``
    on A4."""
    if paper != "letter":
        return time
    hours, minutes = (int(part) for part in time.split(":"))
    half = "a.m." if hours < 12 else "p.m."
    return f"{(hours - 1) % 12 + 1}:{minutes:02d} {half}" if minutes else \
        f"{(hours - 1) % 12 + 1} {half}"


def day_with_weekday(day: dt.date, paper: Paper) -> str:
    """``Tuesday, November 24, 2026``; on A4, ``Tuesday 24 November 2026``."""
    return f"{day:%A}{',' if paper == 'letter' else ''} {rules.letter_date(day, paper)}"


def notes_lead(notes: str | None, limit: int = 90) -> str:
    """The research notes' first sentence; when it is long, as many of its clauses as
    fit ``limit`` characters (the first cut at a word when even it is longer)."""
    first = re.split(r"(?<=[.!?])\s|\n", (notes or "").strip(), maxsplit=1)[0].rstrip(" .")
    if len(first) <= limit:
        return first
    clauses = first.split("; ")
    kept = clauses[0]
    for clause in clauses[1:]:
        if len(kept) + 2 + len(clause) > limit:
            break
        kept += "; " + clause
    if len(kept) <= limit:
        return kept
    return kept[:limit].rsplit(" ", 1)[0].rstrip(" ,;:") + "…"


#: The longest meeting a sheet holds questions for (``questions --minutes`` takes 10-40).
MOST_SHEET_MINUTES = 40


def question_sheet(workspace: Workspace, request: Request,
                   templates: Templates) -> dict[str, Any]:
    context = _meeting_context(workspace, request)
    paper = workspace.profile().data.paper
    booked = _sheet_booking(request)
    minutes = request.minutes or (min(booked.minutes, MOST_SHEET_MINUTES)
                                  if booked and booked.minutes else None) \
        or rules.meeting_minutes(workspace.profile().data)
    mode = rules.meeting_mode(request.contact.data, request.mode or (
        booked.mode if booked and booked.mode in ("in-person", "phone") else None))
    choices = _choices(workspace, templates, request, mode, minutes,
                       request.contact.data.questions)
    from .questions import DEFAULT_GOALS  # deferred: outreach.compose.questions

    goals = [g for g in meeting_goals(workspace, request) or DEFAULT_GOALS if g in GOALS]
    bank = _bank(templates)
    day = meeting_day(request)
    return context | {
        "minutes": minutes,
        "choices": choices,
        "core": [c for c in choices if c.question.place != "close"],
        "closes": [c for c in choices if c.question.place == "close"],
        "goal_names": ", ".join(goals),
        "goal_words": [bank.words_for(g).replace("the contact", context["address_name"])
                       for g in goals],
        "meeting_date": day_with_weekday(day, paper) if day else "",
        "meeting_time": clock_time(booked.time, paper) if booked and booked.time else "",
        "meet_in_person": mode == "in-person",
        "thank_you_by": day_with_weekday(rules.thank_you_due(day), paper) if day else "",
        "notes_lead": notes_lead(context["contact"]["notes"]),
        "referrer_said": _referrer_to_you(workspace, request.contact),
    }


def _referrer_to_you(workspace: Workspace, contact: ContactFile) -> str:
    """Who referred the contact, said to the seeker (a sheet's note): the free text's
    ``my former manager, Dr. Ruth Cole,`` becomes ``your former manager, ...``."""
    name = said_referrer(workspace, contact)
    if name is None:
        return ""
    return to_second_person(subject(name)) if name == said(contact.data.referred_by or "") \
        else name


def conversation(contact: ContactFile, today: dt.date) -> HistoryEntry:
    """The last conversation a thank-you answers (the plan has checked there is one)."""
    entry = rules.last_conversation(contact.data, today)
    if entry is None:
        raise WorkspaceError(
            f"no conversation with {contact.data.name} is logged in {display_path(contact.path)}: "
            f"log it first, e.g. outreach log {contact.id} --event meeting --point \"...\"")
    return entry


#: A thank-you written more days than this after the conversation says it is late.
LATE_DAYS = 3


def _warn_late(contact: ContactFile, entry: HistoryEntry, today: dt.date) -> bool:
    """Is the thank-you late (more than ``LATE_DAYS`` after the conversation)? Warned."""
    days = (today - entry.date).days
    if days <= LATE_DAYS:
        return False
    event = "decline" if entry.event == "declined" else entry.event
    log.warning(f"the thank-you letter to {contact.data.name} answers the {event} of "
                f"{rules.spoken_date(entry.date)}, {days} days ago: the guides say within a "
                "day or two, so the letter apologizes for the delay; send it today")
    return True


def declined_how(entry: HistoryEntry) -> str:
    """What to thank someone who declined for: a decline came by telephone, face to
    face, or in writing."""
    return {"phone": "taking my call", "in-person": "speaking with me"}.get(
        entry.mode or "", "your reply")


def _conversation_facts(contact: ContactFile, entry: HistoryEntry,
                        today: dt.date) -> dict[str, Any]:
    mode = rules.meeting_mode(contact.data, entry.mode)
    return {
        "late": _warn_late(contact, entry, today),
        "event": entry.event, "date": entry.date, "day": rules.spoken_date(entry.date),
        "declined": entry.event == "declined",
        "declined_how": declined_how(entry),
        "declined_by": entry.mode if entry.mode in ("in-person", "phone") else "writing",
        "by_phone": entry.event == "call" or mode == "phone",
        "resume": entry.resume,
    }


def _followed_up(workspace: Workspace, name: str, today: dt.date,
                 organization: str | None = None) -> str:
    """What the seeker has done about a referral, from its contact file if there is one:
    ``spoken`` (a conversation logged), ``written`` (a letter sent) or ``pending``."""
    from outreach.campaign.referrals import contact_named  # deferred: outreach.campaign.referrals

    found = contact_named(workspace, name, organization)
    if found is None:
        return "pending"
    try:
        history = rules.history_as_of(workspace.contact(found).data, today)
    except OutreachError:
        return "pending"
    events = {e.event for e in history}
    if events & rules.CONVERSATIONS:
        return "spoken"
    return "written" if "letter-sent" in events else "pending"


#: What has been done about the people suggested: all alike, in the thanks itself ...
_THANKS = {
    ("pending", False): "Thank you also for suggesting that I talk with {names}; I will be in "
                        "touch this week and will mention that you suggested it.",
    ("written", False): "Thank you also for suggesting that I talk with {names}, to whom I "
                        "have already written, mentioning that you suggested it.",
    ("spoken", False): "Thank you also for suggesting that I talk with {names}, with whom I "
                       "have since spoken.",
    ("pending", True): "Thanks, too, for pointing me to {names}; I\u2019ll get in touch this "
                       "week and say you sent me.",
    ("written", True): "Thanks, too, for pointing me to {names}; I\u2019ve already written "
                       "and said you sent me.",
    ("spoken", True): "Thanks, too, for pointing me to {names}; we\u2019ve talked since, and "
                      "it helped.",
}
#: ... or, when they differ, one sentence for each.
_FOLLOW_UP = {
    "pending": "I will write to {names} this week.",
    "written": "I have already written to {names}.",
    "spoken": "I have since spoken with {names}.",
}


def referral_sentence(workspace: Workspace, entry: HistoryEntry, today: dt.date,
                      familiar: bool) -> str:
    """Thanks for the people suggested, and what has been done about each, as the
    contacts' own histories say (never "I will write" to someone already written to)."""
    if not entry.referrals:
        return ""
    named = [said(r.name) + (f" of {r.organization}" if r.organization else "")
             for r in entry.referrals]
    groups: dict[str, list[str]] = {}
    for referral in entry.referrals:
        state = _followed_up(workspace, referral.name, today, referral.organization)
        groups.setdefault(state, []).append(said(referral.name))
    if len(groups) == 1:
        return _THANKS[(next(iter(groups)), familiar)].format(names=and_list(named))
    thanks = (f"Thanks, too, for pointing me to {and_list(named)}." if familiar else
              f"Thank you also for suggesting that I talk with {and_list(named)}.")
    return " ".join([thanks, *(_FOLLOW_UP[state].format(names=and_list(who))
                               for state, who in groups.items())])


def _referred(workspace: Workspace) -> dict[str, list[str]]:
    """Who referred whom: each contact's id, with the ids of the contacts whose
    ``referred_by`` names them (by id, or by name as written)."""
    from outreach.campaign.referrals import contact_named  # deferred: outreach.campaign.referrals

    found: dict[str, list[str]] = {}
    for cid in workspace.contact_ids():
        try:
            ref = workspace.contact(cid).data.referred_by
        except OutreachError:
            continue  # its own problems are reported when it is asked for
        if ref is None:
            continue
        referrer = ref if workspace.has_contact(ref) else contact_named(workspace, ref)
        if referrer is not None and referrer != cid:
            found.setdefault(referrer, []).append(cid)
    return found


def introductions_met(workspace: Workspace, templates: Templates, contact: ContactFile,
                      today: dt.date) -> list[tuple[ContactFile, HistoryEntry]]:
    """The people this contact introduced the seeker to (their ``referred_by``) with whom
    a meeting or call is logged, and the first such conversation."""
    met = []
    for cid in templates.memo("referred", lambda: _referred(workspace)).get(contact.id, []):
        other = workspace.contact(cid)
        spoken = [e for e in rules.history_as_of(other.data, today)
                  if e.event in {"meeting", "call"}]
        if spoken:
            met.append((other, spoken[0]))
    return sorted(met, key=lambda pair: pair[1].date)


def _introduced(met: list[tuple[ContactFile, HistoryEntry]]) -> list[str]:
    """``Tomás Ibarra of Syneos Health on November 12``, for each."""
    return [said(c.data.name) + (f" of {c.data.organization}" if c.data.organization else "")
            + f" on {rules.spoken_date(e.date)}" for c, e in met]


def advice_clauses(workspace: Workspace, contact: ContactFile, said: list[str],
                   referrals: list[Any]) -> str:
    """The points as clauses of one sentence to the reader (``that A, and that B``), the
    capitals of the names the workspace knows kept; empty when one cannot be a clause."""
    data = contact.data
    known = [data.name, data.organization or "", data.title or "",
             workspace.profile().data.target.field,
             *(f"{r.name} {r.organization or ''}" for r in referrals)]
    return points.clauses(said, known) or ""


def _warn_points(contact: ContactFile, entry: HistoryEntry) -> None:
    for point in entry.points[:2]:
        told = points.advice(point, contact.data)
        if told:
            log.warning(f"{told} (in {display_path(contact.path)})")


def thank_you(workspace: Workspace, request: Request, templates: Templates) -> dict[str, Any]:
    contact = request.contact
    entry = conversation(contact, request.today)
    _warn_points(contact, entry)
    entry = entry.model_copy(update={"points": [points.to_the_reader(p, contact.data)
                                                for p in entry.points]})
    referrals = [{"name": r.name, "organization": r.organization} for r in entry.referrals]
    met = introductions_met(workspace, templates, contact, request.today)
    named = {c.data.name.casefold() for c, _ in met}
    unmet = entry.model_copy(update={"referrals": [  # those not thanked for meeting
        r for r in entry.referrals if r.name.casefold() not in named]})
    return _letter_context(workspace, request) | {
        "introduced": _introduced(met),
        "introduced_names": and_list(_introduced(met)),
        "field": workspace.profile().data.target.field,
        "advice_about": _advice_about(workspace, contact),
        "conversation": _conversation_facts(contact, entry, request.today),
        "points": [sentence(p) for p in entry.points[:2]],
        "advice": advice_clauses(workspace, contact, entry.points[:2], entry.referrals),
        "referrals": referrals,
        "referral_sentence": referral_sentence(workspace, unmet, request.today,
                                               rules.is_familiar(contact.data)),
        "enclose_resume": rules.thank_you_resume(contact.data, entry).enclose,
        "point_sentence": sentence(entry.points[0]) if entry.points else "",
        "referral_names": and_list([said(r.name) + (f" ({r.organization})" if r.organization
                                              else "") for r in entry.referrals]),
        "other_enclosures": _other_enclosures(workspace, request),
        "enclosed_titles": and_list([f"\u201c{t}\u201d"
                                     for t in _other_enclosures(workspace, request)]),
    }


def _advice_about(workspace: Workspace, contact: ContactFile) -> str:
    """What the reader's advice was about: the field; for a recruiter or an HR partner,
    who speaks for how their organization hires, not from work in the field, that."""
    if rules.contact_kind(contact.data) == "recruiter":
        return f"how {contact.data.organization or 'your organization'} hires"
    return workspace.profile().data.target.field


def _other_enclosures(workspace: Workspace, request: Request) -> list[str]:
    """What travels with the letter besides the résumé (``--enclose``), by title."""
    resume = workspace.profile().resume_path
    return [e.label for e in request.enclosures if e.path != resume]


def linkedin_note(workspace: Workspace, request: Request,
                  _templates: Templates) -> dict[str, Any]:
    """The approach, as short as a LinkedIn invitation must be."""
    context = _meeting_context(workspace, request)
    profile = workspace.profile().data
    return context | {
        # after "Hello Ms. Ruiz," a sentence goes on in lower case
        "how_we_met": lower_first(context["how_we_met"], [request.contact.data.name]),
        "status_exploring": status_with_field(profile, " exploring "),
        "limit": request.limit or DEFAULT_LIMIT,
        "greeting_name": rules.address_name(request.contact.data),
        "sender_first": rules.first_name(workspace.profile().data.name),
        "referrer_subject": _referrer_subject(workspace, request.contact),
    }


def _referrer_subject(workspace: Workspace, contact: ContactFile) -> str | None:
    """The referrer's name, or the free text as written with its appositive closed, to
    stand before "suggested" in a note too short for their role."""
    name = workspace.referrer_name(contact)
    if name is None or name != contact.data.referred_by:
        return said(name) if name is not None else None
    return subject(said(name))


def _help_given(contact: ContactFile, today: dt.date) -> tuple[list[str], list[Any], Any]:
    """Every point and referral logged with the contact, and the last conversation."""
    conversations = [e for e in rules.history_as_of(contact.data, today)
                     if e.event in rules.CONVERSATIONS]
    points = [p for e in conversations for p in e.points]
    referrals = [r for e in conversations for r in e.referrals]
    return points, referrals, conversations[-1] if conversations else None


def _same_organization(one: str | None, other: str) -> bool:
    """Is ``one`` the organization ``other`` (case and a leading "the" aside)?"""
    if not one or not other:
        return False
    return one.casefold().removeprefix("the ") == other.casefold().removeprefix("the ")


def keep_in_touch(workspace: Workspace, request: Request,
                  templates: Templates) -> dict[str, Any]:
    """The letter that tells a contact where the seeker landed, and thanks them again."""
    role, organization = request.landed or ("", "")
    logged, referrals, last = _help_given(request.contact, request.today)
    points = [to_the_reader(p, request.contact.data) for p in logged]
    met = introductions_met(workspace, templates, request.contact, request.today)
    named = {c.data.name.casefold() for c, _ in met}
    others = [r for r in referrals if r.name.casefold() not in named]
    through = [said(r.name) for r in others
               if _same_organization(r.organization, organization)]
    names = [said(r.name) + (f" ({r.organization})" if r.organization else "")
             for r in others]
    return letter_context(workspace, request) | {
        "field": workspace.profile().data.target.field,
        "landed": {"role": role, "organization": organization},
        "points": [sentence(p) for p in points[:2]],
        "advice": advice_clauses(workspace, request.contact, points[:2], referrals),
        "referral_names": and_list(names),
        # which introduction led to the new role: the only one, or those named
        "through": "" if not through else "that introduction" if len(others) == 1
        else f"your introduction to {and_list(through)}",
        "introduced": _introduced(met),
        "introduced_names": and_list(_introduced(met)),
        "introduced_through": any(_same_organization(c.data.organization, organization)
                                  for c, _ in met),
        "spoke_on": rules.spoken_date(last.date) if last else "",
        "declined": last is not None and last.event == "declined",
        "joining_them": _same_organization(request.contact.data.organization, organization),
        "declined_how": declined_how(last) if last else "",
    }


def envelope(workspace: Workspace, request: Request, _templates: Templates) -> dict[str, Any]:
    """The two addresses on an envelope: the seeker's, to return it; the contact's; each
    as the post reads it (a letter abroad: the country in capitals on the last line, and
    the sender's country in the return address)."""
    profile = workspace.profile()
    sender, recipient = _sender(profile), _recipient(request.contact)
    back, to, abroad = for_the_post(sender["address_lines"], recipient["address_lines"])
    if abroad and back and country(back) is None:
        log.warning(f"the envelope to {request.contact.data.name} goes abroad, but your "
                    f"address names no country, so it could not come back to you: add the "
                    f"country as the last line of address: in {display_path(profile.path)}")
    return {"profile": profile.data.model_dump(),
            "contact": request.contact.data.model_dump(),
            "sender": sender | {"address_lines": back},
            "recipient": recipient | {"address_lines": to}}
