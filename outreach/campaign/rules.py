"""The domain rules as plain functions over the models (docs/rules.md explains them).

Nothing here renders or writes: each function answers one question the documents
ask (how to greet this person, how formal to be, how many minutes to ask for, may
this file travel with this letter) and is tested on its own.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import cache

from outreach.workspace.models import (
    BOOKABLE,
    MAX_MEETING_MINUTES,
    Contact,
    ContactKind,
    HistoryEntry,
    Mode,
    Paper,
    Profile,
)

from . import names

#: A title read for the contact's level: the first rule that matches decides, so the
#: exceptions stand before the rules they except ("Principal Analyst" is a senior
#: analyst, not a principal; "Chief of Staff" runs an office, not a company; a
#: "Talent Acquisition Partner" recruits, a "Managing Partner" runs the firm).
#: tests/campaign/test_rules.py holds the table of real titles these rules are checked on.
_LEVELS: tuple[tuple[str, ContactKind, str], ...] = (
    (r"\b(assistant|associate|deputy)\s+(dean|provost|vice[- ]president|vp|"
     r"superintendent|director|chief)\b", "manager", "an assistant or deputy to a leader"),
    (r"\bchief of staff\b", "manager", "a chief of staff runs a leader's office"),
    (r"\bprincipal\s+(\w+\s+)*(analyst|engineer|scientist|consultant|designer|planner|"
     r"architect|researcher|developer|specialist|investigator|associate|economist)\b",
     "peer", "a principal analyst, engineer or the like is a senior individual contributor"),
    (r"\b(ceo|cfo|coo|cto|cio|chro|cmo|cno|cso|cpo|cao)\b|\bchief\b.*\bofficer\b|"
     r"\bchief executive\b|\b(fire|police) chief\b", "executive", "a chief officer"),
    (r"\b(executive|senior|group|corporate)\s+vice[- ]president\b|\bvice[- ]president\b|"
     r"\b(s|e)?vp\b|\bpresident\b", "executive", "a president or vice president"),
    (r"\b(managing|senior|founding|general|equity|name)\s+partner\b|^partner\b|"
     r"\bpartner,", "executive", "a partner of the firm"),
    (r"\b(co-?)?founder\b|\bowner\b|\bproprietor\b|\b(executive|managing) director\b|"
     r"\bchair(man|woman|person)?\b of the board|\bboard (chair|member)\b|\bdean\b|"
     r"\bprovost\b|\bchancellor\b|\bsuperintendent of schools\b|\bhead of school\b|"
     r"\bcommissioner\b|\bmayor\b|^secretary of\b|\bcommanding (general|officer)\b|"
     r"^principal\b", "executive", "leads an organisation"),
    (r"\brecruit\w*|\btalent\b|\bhuman resources\b|\bhr\b|\bstaffing\b|"
     r"\bpeople (operations|partner)\b|\bcampus relations\b", "recruiter",
     "hiring and human resources"),
    (r"\bmanager\b|\bdirector\b|\bhead\b|\bsupervisor\b|\bsuperintendent\b|"
     r"\bforeman\b|\b(team|group|shift) lead(er)?\b|\bchair\b|\bchief\b|"
     r"\bcommander\b|\badministrator\b|\bforewoman\b", "manager",
     "manages people or a unit"),
)


@cache
def _level_patterns() -> tuple[tuple[re.Pattern[str], ContactKind, str], ...]:
    """``_LEVELS`` compiled, once, when a title is first read."""
    return tuple((re.compile(pattern, re.IGNORECASE), kind, why)
                 for pattern, kind, why in _LEVELS)


def kind_from_title(title: str | None) -> tuple[ContactKind, str]:
    """The level a title says, and why (peer when nothing says otherwise)."""
    text = " ".join((title or "").split())
    for pattern, kind, why in _level_patterns():
        if pattern.search(text):
            return kind, why
    return "peer", "no word of the title marks a manager, an executive or a recruiter"


def contact_kind(contact: Contact) -> ContactKind:
    """The contact's level: as given, else read from the title (peer when unsure)."""
    if contact.kind is not None:
        return contact.kind
    return kind_from_title(contact.title)[0]


def kind_reason(contact: Contact) -> str:
    """Why the contact's level is what it is, for ``--explain``."""
    kind = contact_kind(contact)
    if contact.kind is not None:
        return f"level {kind}: as the contact file says (kind: {kind})"
    if not contact.title:
        return "level peer: the contact file gives no title (kind: sets it)"
    _, why = kind_from_title(contact.title)
    return f"level {kind}, read from the title \u201c{contact.title}\u201d: {why}"


def is_familiar(contact: Contact) -> bool:
    """Friends are written to by first name and in a warmer register."""
    return contact.relationship == "friend"


#: A ``how_we_met`` that speaks of a past shared with the seeker (classmates, colleagues,
#: a teacher): they know the seeker, who need not introduce themselves as to a stranger.
_SHARED_PAST = re.compile(
    r"\b(we|you and I)\s+(were|worked|studied|served|trained|volunteered|grew up|"
    r"have known|played|lived|sat)\b|\btogether\b|\bclassmates?\b|\bco-?workers?\b|"
    r"\bsame (class|program|programme|team|unit|cohort|ward|course|department)\b|"
    r"\byou (taught|supervised|mentored|trained|coached|managed|hired) me\b",
    re.IGNORECASE)


def knows_me(contact: Contact) -> bool:
    """Does the contact know the seeker: a friend, or someone whose ``how_we_met`` speaks
    of a past they shared (``we were in the same cohort``)? Such a reader gets the light
    form: no status recited as to a stranger, no promise made as to a cold contact."""
    return is_familiar(contact) or (
        contact.relationship in {"alumni", "acquaintance", "referral"}
        and bool(contact.how_we_met) and _SHARED_PAST.search(contact.how_we_met or "")
        is not None)


def first_name(name: str) -> str:
    """The given name(s) of a name as written (``Mary Ann`` of ``Mary Ann Fox``; the
    whole name when no given name can be told apart)."""
    return names.parse(name).familiar


def address_name(contact: Contact) -> str:
    """How to address the contact: a friend by given name (or nickname), anyone else by
    the salutation given (``Mr. Park``), else honorific and family name when the
    honorific is known (``Dr. Haddad``), else the full name: no guessing at gender."""
    name = names.of(contact)
    if is_familiar(contact):
        return contact.salutation or name.familiar
    return contact.salutation or name.formal or name.full


def salutation(contact: Contact) -> str:
    """The letter's salutation line: a comma for friends, a colon in business letters."""
    return f"Dear {address_name(contact)}" + ("," if is_familiar(contact) else ":")


def _opening(contact: Contact, friend: str, known: str, name_only: str) -> str:
    """One of three openings, each with ``{name}``: to a friend; to someone whose
    honorific is known; to a full name alone, which must not sound as if the caller
    were speaking of them."""
    if is_familiar(contact):
        form = friend
    elif contact.salutation or names.of(contact).formal:
        form = known
    else:
        form = name_only
    return form.format(name=address_name(contact))


def greeting(contact: Contact) -> str:
    """The call's first words: ``Hi Mary Ann,``, ``Hello, Dr. Haddad.``, or ``Hello, is
    this Marcus Hale?``."""
    return _opening(contact, "Hi {name},", "Hello, {name}.", "Hello, is this {name}?")


def voicemail_greeting(contact: Contact) -> str:
    """A message's first words: ``Hi Mary Ann.``, ``Hello, Dr. Haddad.``, or who the
    message is for (``Hello, this message is for Marcus Hale.``)."""
    return _opening(contact, "Hi {name}.", "Hello, {name}.",
                    "Hello, this message is for {name}.")


def explain_name(contact: Contact) -> str:
    """How the documents greet the contact, and why, for ``--explain``."""
    name = names.of(contact)
    how = (f"\u201c{salutation(contact)}\u201d in letters, \u201c{greeting(contact)}\u201d "
           "on the phone")
    if contact.salutation:
        return f"{how} (the salutation in the contact file)"
    if is_familiar(contact):
        return f"{how} (a friend, by given name; given_name: changes it)"
    if name.formal:
        return f"{how} (honorific {name.honorific}, family name {name.family})"
    return (f"{how} (no honorific known, so the full name; honorific: Ms., Mr., Dr. ... "
            "in the contact file gives the shorter form)")


def complimentary_close(contact: Contact) -> str:
    if is_familiar(contact):
        return "Best wishes,"
    if contact_kind(contact) == "executive" and not knows_me(contact):
        return "Respectfully yours,"
    return "Sincerely,"


def meeting_minutes(profile: Profile) -> int:
    """The minutes to ask for: the profile's (20 by default), never more than 30."""
    return min(profile.meeting_minutes, MAX_MEETING_MINUTES)


def letter_date(day: dt.date, paper: Paper) -> str:
    """``November 21, 2026`` on US Letter paper, ``21 November 2026`` on A4."""
    month = day.strftime("%B")
    if paper == "letter":
        return f"{month} {day.day}, {day.year}"
    return f"{day.day} {month} {day.year}"


def meeting_mode(contact: Contact, chosen: Mode | None = None) -> Mode:
    """In person when the contact is local, by phone otherwise, unless chosen."""
    if chosen is not None:
        return chosen
    return "in-person" if contact.local else "phone"


def letter_sent(contact: Contact, today: dt.date | None = None) -> dt.date | None:
    """The date of the last letter sent, when no call, meeting or decline has followed it
    (in date order: a letter logged late for an earlier day does not count as the last)."""
    for entry in reversed(history_as_of(contact, today)):
        if entry.event == "letter-sent":
            return entry.date
        if entry.event in CONVERSATIONS:
            return None
    return None


def spoken_date(day: dt.date) -> str:
    """``November 16``: how a date is said on the phone."""
    return f"{day.strftime('%B')} {day.day}"


def two_choices(availability: list[str]) -> tuple[str, ...]:
    """The slots of the close: the first two of the profile's availability; the one
    slot alone when there is one (the close then offers "that or another time")."""
    if availability:
        return tuple(availability[:2])
    return "early this week", "later in the week"


def retry_day(today: dt.date) -> str:
    """When to say you will call again: two working days on."""
    day = today
    for _ in range(2):
        day += dt.timedelta(days=1)
        while day.weekday() >= 5:
            day += dt.timedelta(days=1)
    return f"on {day.strftime('%A')}"


def thank_you_due(conversation: dt.date) -> dt.date:
    """A thank-you letter goes out within two days of the conversation."""
    return conversation + dt.timedelta(days=2)


# -- after a conversation --------------------------------------------------------------

CONVERSATIONS = frozenset({"meeting", "call", "declined"})


def clock(today: dt.date | None) -> dt.time | None:
    """The time of day to judge ``today`` at: now when it is the real today; otherwise
    none (a day looked at from outside: every booked time on it is still to come)."""
    now = dt.datetime.now()
    return now.time() if today is None or today == now.date() else None


def has_happened(entry: HistoryEntry, today: dt.date | None,
                 now: dt.time | None = None) -> bool:
    """Has ``entry`` happened by ``today`` (at ``now``)? An entry dated after ``today``
    is a plan (a meeting or call booked); so is one booked for a time later today."""
    if today is None or entry.date < today:
        return True
    if entry.date > today:
        return False
    _, at = entry.moment
    return at is None or (now is not None and at <= now)


def history_as_of(contact: Contact, today: dt.date | None = None,
                  now: dt.time | None = None) -> list[HistoryEntry]:
    """The history as it stands on ``today`` (at ``now``, default the clock's time when
    ``today`` is the real today): what is booked for later is a plan, not an event, and
    is dropped; the rest in date order (entries of one day keep the order they were
    written in)."""
    if now is None and today is not None:
        now = clock(today)
    return sorted((e for e in contact.history if has_happened(e, today, now)),
                  key=lambda e: e.date)


def booked(contact: Contact, today: dt.date, now: dt.time | None = None
           ) -> list[HistoryEntry]:
    """The meetings and calls booked and still to come on ``today`` (at ``now``),
    soonest first."""
    if now is None:
        now = clock(today)
    return sorted((e for e in contact.history
                   if e.event in BOOKABLE and not has_happened(e, today, now)),
                  key=lambda e: (e.date, e.time or ""))


#: After this many follow-ups with no answer the contact has gone quiet: ``due`` stops
#: asking for calls (as career-ops closes a lead after two follow-ups) and a batch at
#: ``approached`` leaves the contact out (``gone_quiet``).
FOLLOW_UPS = 2


def unanswered(contact: Contact, today: dt.date) -> tuple[HistoryEntry, int] | None:
    """The last letter sent with no conversation after it (up to ``today``), and how many
    ``follow-up`` entries came after it; ``None`` when a conversation followed or no
    letter was sent."""
    follow_ups = 0
    for entry in reversed(history_as_of(contact, today)):
        if entry.event == "follow-up":
            follow_ups += 1
        elif entry.event == "letter-sent":
            return entry, follow_ups
        elif entry.event in CONVERSATIONS:
            return None
    return None


def gone_quiet(contact: Contact, today: dt.date) -> tuple[HistoryEntry, int] | None:
    """Has the contact gone quiet: ``FOLLOW_UPS`` follow-ups or more after the last letter,
    no answer, nothing booked? The letter and the count when so. The one rule of it:
    ``due`` says it, batches leave the contact out, a script named for them warns."""
    found = unanswered(contact, today)
    if found is None or found[1] < FOLLOW_UPS or booked(contact, today):
        return None
    return found


def last_conversation(contact: Contact, today: dt.date | None = None) -> HistoryEntry | None:
    """The most recent meeting, call or decline in the contact's history."""
    found = None
    for entry in history_as_of(contact, today):
        if entry.event in CONVERSATIONS:
            found = entry
    return found


def thank_you_owed(contact: Contact, since: dt.date | None = None,
                   today: dt.date | None = None) -> HistoryEntry | None:
    """The last conversation (on or after ``since``) with no ``thank-you-sent`` dated on
    or after its day; ``None`` when nothing is owed."""
    entry = last_conversation(contact, today)
    if entry is None or (since is not None and entry.date < since):
        return None
    if any(e.event == "thank-you-sent" and e.date >= entry.date
           for e in history_as_of(contact, today)):
        return None
    return entry


@dataclass(frozen=True)
class ResumeDecision:
    """Whether the résumé travels with a thank-you letter, and the rule that said so."""

    enclose: bool
    rule: str


def thank_you_resume(contact: Contact, entry: HistoryEntry) -> ResumeDecision:
    """The enclosure table of docs/rules.md: who already has the résumé, and who should
    get it now."""
    if entry.event == "declined":
        return ResumeDecision(True, "they declined or put you off: the résumé is enclosed, and "
                                    "the letter restates the purpose, regrets not meeting and "
                                    "asks to be remembered")
    if entry.resume in ("reviewed", "kept"):
        how = "met in person" if meeting_mode(contact, entry.mode) == "in-person" \
            and entry.event == "meeting" else "spoke"
        return ResumeDecision(False, f"{how} and they {entry.resume} the résumé: not "
                                     "enclosed, they have it")
    if entry.event == "call" or meeting_mode(contact, entry.mode) == "phone":
        return ResumeDecision(True, "an interview by telephone: the résumé is enclosed, since "
                                    "they have not seen it")
    if entry.resume == "asked":
        return ResumeDecision(True, "met in person and they asked for the résumé: enclosed")
    return ResumeDecision(False, "met in person, résumé not discussed: not enclosed unless "
                                 "they asked for it (log --resume asked)")


# -- enclosures -------------------------------------------------------------------------

WHY_NO_RESUME = (
    "an approach letter never encloses the résumé: sent with the first letter it reads "
    "as a job application, and the letter asks only for information and advice. Bring "
    "the résumé to the meeting and ask for feedback on it there"
)

_RESUME_WORD = r"r[eé]sum[eé]s?|\bcv\b|curriculum vitae"
#: The writer saying the résumé comes with the letter: "I have enclosed my résumé",
#: "my CV is attached", "enclosed is a copy of my résumé", "please find my résumé".
_RESUME_CLAIM = re.compile(
    rf"\b(enclos\w*|attach\w*|please find|included)\W+(?:(?:is|are|a|an|the|copy|of|here)\W+)*"
    rf"my\W+(?:\w+\W+){{0,2}}({_RESUME_WORD})|"
    rf"\bmy\W+(?:\w+\W+){{0,2}}({_RESUME_WORD})\W+(?:(?:is|are|has|been)\W+)*"
    rf"(enclosed|attached|included)",
    re.IGNORECASE)


def lists_resume(enclosure_line: str) -> bool:
    """Does an enclosure line name the résumé?"""
    return re.search(_RESUME_WORD, enclosure_line, re.IGNORECASE) is not None


def resume_claim(text: str) -> str | None:
    """The words in ``text`` that say the résumé is enclosed or attached, if any."""
    match = _RESUME_CLAIM.search(text)
    return match.group(0) if match else None
