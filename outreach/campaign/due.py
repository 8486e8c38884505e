"""What is due: the follow-up calls, thank-you letters, referrals and booked meetings
waiting on the seeker: the follow-up schedule of the guides, in one place.

Plain functions over the loaded contacts; nothing here reads files, prints or writes.
Each rule is one function whose docstring states it; ``every_item`` collects one
contact's, each with the day from which it is listed, and ``due_items`` keeps those
listed by today. ``to_ics`` turns the list into an iCalendar file (a booked meeting as a
timed event with an alarm the evening before, the rest as all-day events).

Only what has happened counts as an event: a meeting or call dated ahead (or later
today) is booked, a plan that makes the contact ``scheduled``, and no other entry may
stand in the future.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from outreach.workspace.folder import ContactFile
from outreach.workspace.folder import referrer_name as workspace_referrer_name
from outreach.workspace.models import BOOKABLE, HistoryEntry

from . import rules
from .rules import CONVERSATIONS
from .stages import is_booked, standing

if TYPE_CHECKING:
    from icalendar import Event

#: The command that writes each document a due item points to, by the document kind
#: (the campaign stands below the kinds: tests/campaign/test_due.py checks these are theirs).
COMMANDS = {"approach-letter": "letter", "phone-script": "script",
            "question-sheet": "questions", "thank-you": "thank-you"}

#: The events that mean a contact has been approached.
APPROACHES = CONVERSATIONS | {"letter-sent"}  # a decline is a conversation too

Action = Literal["follow-up call", "thank-you", "approach referral", "question sheet",
                 "meeting", "call", "log what helped", "gone quiet"]

#: The follow-up schedule of the guides (docs/campaign.md says it for users):
#: a letter by post takes some days to arrive; an e-mail arrives the day it is sent.
POST_DAYS = dt.timedelta(days=2)
#: The call comes a day or two after the letter arrives: listed from the day after it
#: arrives, due the day after that.
FOLLOW_UP_LISTED = dt.timedelta(days=1)
FOLLOW_UP_DUE = dt.timedelta(days=2)
#: How long past its due date a follow-up call may slip before it is overdue.
FOLLOW_UP_GRACE = dt.timedelta(days=3)
#: After a follow-up that reached nobody (a voicemail, a reminder), the next one.
FOLLOW_UP_AGAIN = dt.timedelta(days=7)
#: After ``rules.FOLLOW_UPS`` follow-ups with no answer the contact has gone quiet
#: (``rules.gone_quiet``): ``due`` stops asking, and says so for this long.
FOLLOW_UPS = rules.FOLLOW_UPS
QUIET_SHOWN = dt.timedelta(days=14)
#: A thank-you is listed from the day after the conversation, and is due as
#: ``rules.thank_you_due`` says (two days after it).
THANK_YOU_LISTED = dt.timedelta(days=1)

_SLUGS: dict[Action, str] = {
    "follow-up call": "follow-up-call",
    "thank-you": "thank-you",
    "approach referral": "approach-referral",
    "question sheet": "question-sheet",
    "meeting": "meeting",
    "call": "call",
    "log what helped": "log-what-helped",
    "gone quiet": "gone-quiet",
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
    #: From which day ``due`` lists it (``contacts`` shows it as the next step before).
    listed: dt.date | None = None
    #: A meeting or call booked: the history entry, and its place in the history.
    booking: HistoryEntry | None = None
    index: int | None = None
    #: Said, not asked (gone quiet): nothing falls due, so ``contacts`` shows no date.
    said_only: bool = False

    def as_json(self) -> dict[str, object]:
        """The item for ``--json``: plain values only."""
        entry = self.booking
        return {"id": self.contact_id, "name": self.name, "action": self.action,
                "due": self.due.isoformat(), "overdue": self.overdue, "reason": self.reason,
                "command": self.command, "time": entry.time if entry else None,
                "minutes": entry.minutes if entry else None}


# -- the rules -------------------------------------------------------------------------


def past_history(contact: ContactFile, today: dt.date) -> list[HistoryEntry]:
    """The contact's history as it stands on ``today`` (see ``rules.history_as_of``)."""
    return rules.history_as_of(contact.data, today)


def arrives(letter: HistoryEntry) -> dt.date:
    """The day a letter reaches its reader: an e-mail the same day, a letter by post
    ``POST_DAYS`` later."""
    return letter.date + (dt.timedelta(0) if letter.mode == "e-mail" else POST_DAYS)


def _follow_up_due(letter: HistoryEntry, follow_ups: list[HistoryEntry]) -> dt.date:
    if follow_ups:
        return follow_ups[-1].date + FOLLOW_UP_AGAIN
    return arrives(letter) + FOLLOW_UP_DUE


def follow_up_call(contact: ContactFile, today: dt.date) -> Item | None:
    """Follow-up call: the last ``letter-sent`` with no ``call``, ``meeting`` or
    ``declined`` after it, and nothing booked. The letter promised a call a day or two
    after it arrives (``arrives``): listed from the day after it arrives, due the day
    after that, overdue more than three days past due. A ``follow-up`` logged (a call
    that reached nobody, a reminder) asks for the next one a week later; after two,
    the contact has gone quiet (``gone_quiet``) and no call is asked for."""
    found = rules.unanswered(contact.data, today)
    if found is None or rules.booked(contact.data, today):
        return None
    letter, count = found
    if count >= FOLLOW_UPS:
        return None
    follow_ups = [e for e in past_history(contact, today)
                  if e.event == "follow-up" and e.date >= letter.date]
    due = _follow_up_due(letter, follow_ups)
    listed = due - (FOLLOW_UP_DUE - FOLLOW_UP_LISTED) if not follow_ups else due
    again = f", {count} follow-up{'s' if count > 1 else ''} with no answer" if count else ""
    return Item(
        contact_id=contact.id, name=contact.data.name, action="follow-up call", due=due,
        overdue=today > due + FOLLOW_UP_GRACE,
        reason=f"letter sent {letter.date.isoformat()}, no call or meeting since{again}",
        command=f"outreach {COMMANDS['phone-script']} {contact.id}", listed=listed)


def gone_quiet(contact: ContactFile, today: dt.date) -> Item | None:
    """Gone quiet: ``FOLLOW_UPS`` follow-ups after the last letter, no answer. Said (not
    asked) for two weeks after the last follow-up; never overdue."""
    found = rules.gone_quiet(contact.data, today)
    if found is None:
        return None
    letter, count = found
    last = max(e.date for e in past_history(contact, today) if e.event == "follow-up")
    return Item(
        contact_id=contact.id, name=contact.data.name, action="gone quiet", due=last,
        overdue=False,
        reason=f"letter sent {letter.date.isoformat()}, {count} follow-ups with no answer: "
               "no more calls are asked for (log a call or meeting if they answer)",
        command="", listed=last if today <= last + QUIET_SHOWN else dt.date.max,
        said_only=True)


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
    due = rules.thank_you_due(held)
    return Item(
        contact_id=contact.id,
        name=contact.data.name,
        action="thank-you",
        due=due,
        overdue=today > due,
        reason=(f"{_CONVERSATION_WORDS[conversation.event]} on {held.isoformat()}, "
                "no thank-you sent since"),
        command=f"outreach {COMMANDS['thank-you']} {contact.id}",
        listed=held + THANK_YOU_LISTED,
    )


def log_what_helped(contact: ContactFile, today: dt.date) -> Item | None:
    """A meeting or call written down ahead whose day has passed with nothing logged of
    it (no points, referrals or résumé), not yet thanked: log what helped, so the
    thank-you can name it. Listed from the day after; never overdue."""
    found = standing(contact.data, today)
    entry = found.entry
    if found.stage != "met" or entry is None or not is_booked(entry):
        return None
    index = contact.data.history.index(entry)
    return Item(
        contact_id=contact.id, name=contact.data.name, action="log what helped",
        due=entry.date + dt.timedelta(days=1), overdue=False,
        reason=f"{entry.event} on {entry.date.isoformat()}: nothing logged of it yet",
        command=(f"outreach log {contact.id} --event {entry.event} --date "
                 f"{entry.date.isoformat()} --point \"...\""),
        listed=entry.date + dt.timedelta(days=1), booking=entry, index=index)


def bookings(contact: ContactFile, today: dt.date) -> list[Item]:
    """Each meeting or call booked and still to come: the question sheet to print the
    evening before (listed the day before), and the meeting itself on its day."""
    items = []
    for entry in rules.booked(contact.data, today):
        index = contact.data.history.index(entry)
        at = f" at {entry.time}" if entry.time else ""
        length = f", {entry.minutes} minutes" if entry.minutes else ""
        how = f" by {entry.mode}" if entry.mode == "phone" else ""
        eve = entry.date - dt.timedelta(days=1)
        sheet = today <= eve  # on the day itself, the meeting says it all
        common = {"contact_id": contact.id, "name": contact.data.name, "overdue": False,
                  "booking": entry, "index": index}
        if sheet:
            items.append(Item(
                action="question sheet", due=eve, listed=eve,
                reason=f"{entry.event} on {entry.date.isoformat()}{at}{how}: print the "
                       "question sheet and read it the evening before",
                command=f"outreach {COMMANDS['question-sheet']} {contact.id}",
                **common))  # type: ignore[arg-type]
        held: Action = "meeting" if entry.event == "meeting" else "call"
        items.append(Item(action=held, due=entry.date, listed=entry.date,
                          reason=f"{entry.event}{at}{length}{how}, booked",
                          command=f"outreach {COMMANDS['question-sheet']} {contact.id}",
                          **common))  # type: ignore[arg-type]
    return items


def referrer_name(contact: ContactFile, contacts: Iterable[ContactFile]) -> str | None:
    """Who referred the contact (``workspace.referrer_name``), looking referrer ids up
    among ``contacts``."""
    names = {other.id: other.data.name for other in contacts}
    return workspace_referrer_name(contact, names.get)


def approach_referral(contact: ContactFile, today: dt.date,
                      contacts: Iterable[ContactFile] = ()) -> Item | None:
    """Referral not yet approached: a contact whose relationship is ``referral`` with no
    ``letter-sent``, ``call``, ``meeting`` or ``declined`` in its history (up to today)
    and nothing booked. Due today, never overdue: there is no date to be late against.
    The reason names who referred them (see ``referrer_name``; ``contacts`` is where
    referrer ids are looked up)."""
    if contact.data.relationship != "referral":
        return None
    if any(e.event in APPROACHES for e in past_history(contact, today)) \
            or rules.booked(contact.data, today):
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
        command=f"outreach {COMMANDS['approach-letter']} {contact.id}",
        referrer=referrer,
    )


def sort_key(item: Item) -> tuple[bool, bool, dt.date, str, str, str]:
    """The order of the list: overdue first, then by due date, then by contact id
    (then by time and action, so the order never depends on the input's); the contacts
    gone quiet, who ask for nothing, last."""
    time = item.booking.time or "" if item.booking else ""
    return (item.action == "gone quiet", not item.overdue, item.due, item.contact_id, time,
            item.action)


def every_item(contact: ContactFile, today: dt.date,
               contacts: Iterable[ContactFile] = ()) -> list[Item]:
    """Everything ahead for one contact, listed today or later (``contacts``: where
    referrer ids are looked up)."""
    found = [follow_up_call(contact, today), gone_quiet(contact, today),
             thank_you(contact, today), log_what_helped(contact, today),
             approach_referral(contact, today, contacts), *bookings(contact, today)]
    return sorted((item for item in found if item is not None), key=sort_key)


def due_items(contacts: list[ContactFile], today: dt.date) -> list[Item]:
    """Everything due on ``today`` for these contacts, overdue first, then by due date,
    then by contact id."""
    items = [item for contact in contacts for item in every_item(contact, today, contacts)
             if item.listed is None or item.listed <= today]
    return sorted(items, key=sort_key)


# -- iCalendar -------------------------------------------------------------------------

PRODID = "-//outreach//due//EN"
#: The evening before a meeting, when its alarm rings: time to print and read the sheet.
EVENING = dt.time(19, 0)
#: When the evening before is already past, the alarm rings this long before the start
#: (said "In an hour").
LAST_CALL = dt.timedelta(hours=1)
#: The length given a booked meeting or call in the calendar when none was agreed.
DEFAULT_MINUTES = 30


def summary(item: Item) -> str:
    """The event's title: what to do and for whom; ``[overdue] `` first when late."""
    if item.action == "thank-you":
        text = f"Thank-you letter to {item.name}"
    elif item.action == "follow-up call":
        text = f"Call {item.name} about the meeting"
    elif item.action in ("meeting", "call"):
        how = " (phone)" if item.booking and item.booking.mode == "phone" else ""
        text = f"Informational {item.action} with {item.name}{how}"
    elif item.action == "question sheet":
        text = f"Print the question sheet for {item.name}"
    elif item.action == "log what helped":
        text = f"Log what helped in the {item.name} conversation"
    else:
        text = f"Write to {item.name}" + (
            f" (referred by {item.referrer})" if item.referrer else " (a referral)")
    return f"[overdue] {text}" if item.overdue else text


def uid(item: Item) -> str:
    """A UID that stays the same for the same item, so a re-import updates the event. A
    referral to approach is due "today" every day, so its UID leaves the date out; a
    booking is known by its place in the history, so moving it updates its event."""
    if item.action == "approach referral":
        return f"{item.contact_id}-{_SLUGS[item.action]}@outreach"
    if item.index is not None and item.action in BOOKABLE:  # a meeting may become a call
        return f"{item.contact_id}-booking-{item.index}@outreach"
    if item.index is not None:
        return f"{item.contact_id}-{_SLUGS[item.action]}-{item.index}@outreach"
    return f"{item.contact_id}-{_SLUGS[item.action]}-{item.due.isoformat()}@outreach"


def _timed(event: Event, item: Item, sheets: list[str], now: dt.datetime) -> None:
    """A booked meeting or call: at its time (all day when none was given), as long as
    agreed, with an alarm still ahead of ``now`` (``alarm``); its description names the
    question sheets written, or the command that writes them."""
    entry = item.booking
    assert entry is not None
    day, at = entry.moment
    if at is None:
        event.add("dtstart", day)
        event.add("dtend", day + dt.timedelta(days=1))
        start = dt.datetime.combine(day, dt.time(0))
    else:
        start = dt.datetime.combine(day, at)  # floating: the seeker's own local time
        event.add("dtstart", start)
        event.add("dtend", start + dt.timedelta(minutes=entry.minutes or DEFAULT_MINUTES))
    ring = alarm(start, at is not None, now)
    if ring is not None:
        from icalendar import Alarm  # deferred: icalendar

        when, said = ring
        found = Alarm()
        found.add("action", "DISPLAY")
        found.add("description", f"{said}: {summary(item)}. Print and read the question "
                                 "sheet")
        found.add("trigger", when - start)
        event.add_component(found)
    where = (f"Question sheet: {', '.join(sheets)}" if sheets else
             "Question sheet: not written yet (the command below writes it)")
    event.add("description", f"{item.reason}\n{where}\n{item.command}")


def alarm(start: dt.datetime, timed: bool, now: dt.datetime
          ) -> tuple[dt.datetime, str] | None:
    """When a booking's alarm rings, and what it says: at ``EVENING`` the evening
    before; when that is already past at ``now`` (a booking made for later today, or
    for tomorrow after 19:00), ``LAST_CALL`` before a booking with a time; none when
    that is past too (an alarm that rings in the past would ring at once, or never)."""
    evening = dt.datetime.combine(start.date() - dt.timedelta(days=1), EVENING)
    if evening > now:
        return evening, "Tomorrow"
    soon = start - LAST_CALL
    if timed and soon > now:
        return soon, "In an hour"
    return None


def to_ics(items: list[Item], today: dt.date,
           sheet: Callable[[str], list[str]] = lambda _id: [],
           now: dt.datetime | None = None) -> bytes:
    """The items as an iCalendar file: a booked meeting or call as a timed event (with
    an alarm still ahead of ``now``, by default the clock on the real today and the
    start of any other; ``sheet`` gives the paths of a contact's question sheets
    written), every other item as an all-day VEVENT on its due date. A contact gone
    quiet is no event.

    DTSTAMP is ``today`` at midnight UTC rather than the clock, so the same items and
    the same ``today`` always give the same bytes (but for an alarm the clock passed)."""
    from icalendar import Calendar, Event  # deferred: icalendar

    if now is None:
        now = dt.datetime.combine(today, rules.clock(today) or dt.time(0))
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    stamp = dt.datetime.combine(today, dt.time(0), tzinfo=dt.UTC)
    for item in items:
        if item.action in ("gone quiet", "question sheet"):
            continue  # nothing to do; the meeting's alarm says to print the sheet
        event = Event()
        event.add("uid", uid(item))
        event.add("dtstamp", stamp)
        event.add("summary", summary(item))
        if item.booking is not None and item.action in BOOKABLE:
            _timed(event, item, sheet(item.contact_id), now)
        else:
            event.add("dtstart", item.due)
            event.add("dtend", item.due + dt.timedelta(days=1))
            event.add("description", f"{item.reason}\n{item.command}")
        calendar.add_component(event)
    data: bytes = calendar.to_ical()  # not annotated in icalendar
    return data
