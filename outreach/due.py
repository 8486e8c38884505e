"""What is due: the follow-up calls, thank-you letters and referrals waiting on the seeker.

Plain functions over the loaded contacts; nothing here reads files, prints or writes.
Each rule is one function whose docstring states it, and ``due_items`` collects them.
``to_ics`` turns the list into an iCalendar file (one all-day event per item) so the
list can go into any calendar.

Only what has happened counts: history entries dated after ``today`` are plans, not
events, and are ignored when deciding what is due.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from icalendar import Calendar, Event

from . import kinds, rules
from .models import HistoryEntry
from .rules import CONVERSATIONS
from .workspace import ContactFile
from .workspace import referrer_name as workspace_referrer_name

Action = Literal["follow-up call", "thank-you", "approach referral"]

#: The events that mean a contact has been approached.
APPROACHES = CONVERSATIONS | {"letter-sent"}  # a decline is a conversation too

#: The call follows a day or two after the letter arrives: due two days after sending.
FOLLOW_UP_DUE = dt.timedelta(days=2)
#: How long past its due date a follow-up call may slip before it is overdue.
FOLLOW_UP_GRACE = dt.timedelta(days=3)
#: A thank-you is listed from the day after the conversation, and is due as
#: ``rules.thank_you_due`` says (two days after it).
THANK_YOU_LISTED = dt.timedelta(days=1)

_SLUGS: dict[Action, str] = {
    "follow-up call": "follow-up-call",
    "thank-you": "thank-you",
    "approach referral": "approach-referral",
}
_CONVERSATION_WORDS = {"meeting": "meeting", "call": "call", "declined": "declined"}


@dataclass(frozen=True)
class Item:
    """One thing the seeker should do for one contact, and by when."""

    contact_id: str
    #: The contact's name.
    name: str
    action: Action
    #: When it is due.
    due: dt.date
    overdue: bool
    #: One line a person reads: why this is due.
    reason: str
    #: The outreach command that helps, e.g. ``outreach script jim-park``.
    command: str
    #: For a referral: who referred the contact (a name), when known.
    referrer: str | None = None


# -- the rules -------------------------------------------------------------------------


def past_history(contact: ContactFile, today: dt.date) -> list[HistoryEntry]:
    """The contact's history as it stands on ``today`` (see ``rules.history_as_of``)."""
    return rules.history_as_of(contact.data, today)


def follow_up_call(contact: ContactFile, today: dt.date) -> Item | None:
    """Follow-up call: the last ``letter-sent`` with no ``call``, ``meeting`` or
    ``declined`` after it. The letter promised a call a day or two after it arrives, so
    the call is due two days after the letter was sent and listed from that day
    (``today >= due``); it is overdue when today is more than three days past the due
    date (letter + 5 days < today)."""
    letter = rules.letter_sent(contact.data, today)
    if letter is None:
        return None
    due = letter + FOLLOW_UP_DUE
    if today < due:
        return None
    return Item(
        contact_id=contact.id,
        name=contact.data.name,
        action="follow-up call",
        due=due,
        overdue=today > due + FOLLOW_UP_GRACE,
        reason=f"letter sent {letter.isoformat()}, no call or meeting since",
        command=f"outreach {kinds.PHONE_SCRIPT.command} {contact.id}",
    )


def thank_you(contact: ContactFile, today: dt.date) -> Item | None:
    """Thank-you owed: the last conversation (``meeting``, ``call`` or ``declined``) with
    no ``thank-you-sent`` dated on or after the conversation's date.

    Boundaries, counted in days after the conversation (day 0): not listed on day 0 (the
    note is written the next day, with the conversation digested); listed from day 1;
    due on day 2 (the conversation + 2 days); overdue from day 3 (today > due)."""
    conversation = rules.thank_you_owed(contact.data, today=today)
    if conversation is None:
        return None
    held = conversation.date
    if today < held + THANK_YOU_LISTED:
        return None
    due = rules.thank_you_due(held)
    return Item(
        contact_id=contact.id,
        name=contact.data.name,
        action="thank-you",
        due=due,
        overdue=today > due,
        reason=(f"{_CONVERSATION_WORDS[conversation.event]} on {held.isoformat()}, "
                "no thank-you sent since"),
        command=f"outreach {kinds.THANK_YOU.command} {contact.id}",
    )


def referrer_name(contact: ContactFile, contacts: Iterable[ContactFile]) -> str | None:
    """Who referred the contact (``workspace.referrer_name``), looking referrer ids up
    among ``contacts``."""
    names = {other.id: other.data.name for other in contacts}
    return workspace_referrer_name(contact, names.get)


def approach_referral(contact: ContactFile, today: dt.date,
                      contacts: Iterable[ContactFile] = ()) -> Item | None:
    """Referral not yet approached: a contact whose relationship is ``referral`` with no
    ``letter-sent``, ``call``, ``meeting`` or ``declined`` in its history (up to today).
    Due today, never overdue: there is no date to be late against. The reason names who
    referred them (see ``referrer_name``; ``contacts`` is where referrer ids are
    looked up)."""
    if contact.data.relationship != "referral":
        return None
    if any(e.event in APPROACHES for e in past_history(contact, today)):
        return None
    referrer = referrer_name(contact, contacts)
    who = f"referred by {referrer}" if referrer else "a referral"
    return Item(
        contact_id=contact.id,
        name=contact.data.name,
        action="approach referral",
        due=today,
        overdue=False,
        reason=f"{who}, not yet written to or called",
        command=f"outreach {kinds.APPROACH_LETTER.command} {contact.id}",
        referrer=referrer,
    )


def sort_key(item: Item) -> tuple[bool, dt.date, str, str]:
    """The order of the list: overdue first, then by due date, then by contact id
    (then by action, so the order never depends on the input's)."""
    return (not item.overdue, item.due, item.contact_id, item.action)


def due_items(contacts: list[ContactFile], today: dt.date) -> list[Item]:
    """Everything due on ``today`` for these contacts, overdue first, then by due date,
    then by contact id."""
    items: list[Item] = []
    for contact in contacts:
        for item in (follow_up_call(contact, today), thank_you(contact, today),
                     approach_referral(contact, today, contacts)):
            if item is not None:
                items.append(item)
    return sorted(items, key=sort_key)


# -- iCalendar -------------------------------------------------------------------------

PRODID = "-//outreach//due//EN"


def summary(item: Item) -> str:
    """The event's title: what to do and for whom; ``[overdue] `` first when late."""
    if item.action == "thank-you":
        text = f"Thank-you letter to {item.name}"
    elif item.action == "follow-up call":
        text = f"Call {item.name} about the meeting"
    else:
        text = f"Write to {item.name}" + (
            f" (referred by {item.referrer})" if item.referrer else " (a referral)")
    return f"[overdue] {text}" if item.overdue else text


def uid(item: Item) -> str:
    """A UID that stays the same for the same item, so a re-import updates the event. A
    referral to approach is due "today" every day, so its UID leaves the date out."""
    if item.action == "approach referral":
        return f"{item.contact_id}-{_SLUGS[item.action]}@outreach"
    return f"{item.contact_id}-{_SLUGS[item.action]}-{item.due.isoformat()}@outreach"


def to_ics(items: list[Item], today: dt.date) -> bytes:
    """The items as an iCalendar file: one all-day VEVENT per item on its due date.

    DTSTAMP is ``today`` at midnight UTC rather than the clock, so the same items and
    the same ``today`` always give the same bytes."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    stamp = dt.datetime.combine(today, dt.time(0), tzinfo=dt.UTC)
    for item in items:
        event = Event()
        event.add("uid", uid(item))
        event.add("dtstamp", stamp)
        event.add("dtstart", item.due)
        event.add("dtend", item.due + dt.timedelta(days=1))
        event.add("summary", summary(item))
        event.add("description", f"{item.reason}\n{item.command}")
        calendar.add_component(event)
    data: bytes = calendar.to_ical()  # not annotated in icalendar
    return data
