"""The campaign's own commands, beside the documents: the contact list (``contacts``),
``log`` and ``due``. They read and write the contacts' files and histories and never lay
out a document, so they import nothing of the pipeline (``outreach contacts`` and
``outreach due`` start without the templates, Jinja or the layout code).
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import ValidationError

from outreach.campaign import points, rules, stages
from outreach.campaign.due import bookings, due_items, every_item, to_ics
from outreach.campaign.stages import is_open
from outreach.errors import OutputError, OutreachError, UsageError, display_path
from outreach.logs import capture
from outreach.workspace.folder import ContactFile, Workspace
from outreach.workspace.history import check_typed, remove_entries, replace_entry, upsert_entry
from outreach.workspace.models import BOOKABLE, Contact, HistoryEntry, Referral
from outreach.workspace.output import Planned, why_kept, write_all
from outreach.workspace.paths import writable

if TYPE_CHECKING:
    from outreach.campaign.due import Item

@dataclass(frozen=True)
class Row:
    """One contact as ``outreach contacts`` lists it."""

    id: str
    name: str
    relationship: str
    stage: str
    #: The next step, and when it is due (None: no date).
    next: str
    due: dt.date | None
    last: str

    def as_json(self) -> dict[str, object]:
        return {"id": self.id, "name": self.name, "relationship": self.relationship,
                "stage": self.stage, "next": self.next,
                "due": self.due.isoformat() if self.due else None, "last_event": self.last}


#: The next step when nothing is dated: by stage.
_NEXT = {
    "incomplete": "fill in the <<...>> in {path}",
    "new": "approach letter",
    "approached": "wait for their answer",
    "thanked": "keep-in-touch letter when you land",
    "kept-in-touch": "-",
}


def contact_rows(workspace: Workspace, today: dt.date,
                 wanted: tuple[str, ...] = ()) -> list[Row]:
    """One row per contact (those at the stages ``wanted``, or all): its stage, the next
    step of the follow-up schedule (``due.every_item``) with its date, its last event."""

    everyone = workspace.contacts()
    rows: list[Row] = []
    for contact in everyone:
        found = stages.of(contact, today)
        if wanted and found.stage not in wanted:
            continue
        items = every_item(contact, today, everyone)
        ahead = min(items, key=lambda i: i.due) if items else None
        step = (ahead.action if ahead else
                _NEXT.get(found.stage, "-").format(id=contact.id,
                                                   path=display_path(contact.path)))
        ordered = rules.history_as_of(contact.data, today)
        last = f"{ordered[-1].event} {ordered[-1].date.isoformat()}" if ordered else "-"
        relationship: str = contact.data.relationship
        referrer = workspace.referrer_name(contact)
        if referrer:
            relationship += f" (from {referrer})"
        rows.append(Row(contact.id, contact.data.name, relationship, found.stage, step,
                        ahead.due if ahead and not ahead.said_only else None, last))
    return rows


@dataclass(frozen=True)
class Logged:
    """What ``outreach log`` did: the entry, the file, and the referrals it added."""

    entry: HistoryEntry
    path: str
    referrals: list[tuple[str, str, bool]]
    #: What to tell the user about what was logged (a point written in the third person).
    warnings: tuple[str, ...] = ()
    #: What was done: logged, booked, completed (a booked entry), moved or cancelled.
    action: str = "logged"
    #: The booked entry completed, moved or cancelled.
    replaced: HistoryEntry | None = None

    def said(self) -> str:
        """One line: what was done, in which file."""
        entry, old = self.entry, self.replaced
        when = entry.date.isoformat() + (f" at {entry.time}" if entry.time else "")
        if self.action == "cancelled":
            return f"cancelled the {entry.event} booked for {when} in {self.path}"
        if self.action == "moved" and old is not None:
            was = old.date.isoformat() + (f" at {old.time}" if old.time else "")
            return f"moved the {entry.event} of {was} to {when} in {self.path}"
        if self.action == "completed":
            return f"logged the {entry.event} booked for {when} in {self.path}"
        if self.action == "added to":
            return f"added to the {entry.event} of {when} in {self.path}"
        return f"{self.action} {entry.event} on {when} in {self.path}"


def parse_referral(text: str) -> Referral:
    """``"Ana Ruiz, County GIS"`` -> a referral with a name and an organization."""
    name, _, organization = (" ".join(part.split()) for part in text.partition(","))
    if not name:
        raise UsageError(f"--referral takes \"Name, Organization\", not {text!r}")
    return Referral(name=name, organization=organization or None)


def _new_entry(fields: dict[str, object]) -> HistoryEntry:

    try:
        return HistoryEntry.model_validate(fields)
    except ValidationError as exc:
        message = str(exc.errors()[0]["msg"]).removeprefix("Value error, ")
        raise UsageError(f"cannot log that: {message}") from None


def _check_when(entry: HistoryEntry) -> None:
    """Only a meeting or call is written down ahead, and then without its outcome."""
    if rules.has_happened(entry, dt.date.today(), rules.clock(None)):
        return
    when = entry.date.isoformat() + (f" {entry.time}" if entry.time else "")
    if entry.event not in BOOKABLE:
        raise UsageError(f"--date {when} is in the future: log what has happened (only a "
                         "meeting or call is booked ahead)")
    if entry.outcome:
        raise UsageError(f"--date {when} is still to come: a {entry.event} booked ahead has "
                         "no points, referrals or résumé yet; log them on the day")


def _entry_to_change(contact: Contact, entry: HistoryEntry) -> HistoryEntry | None:
    """The entry the new one goes into, if any: a meeting or call booked for its day (it
    is completed), the same conversation logged that day already (its points are added
    to), or, for a new booking, the one still to come (it is moved)."""

    if entry.event not in BOOKABLE:
        return None
    same_day = [e for e in contact.history if e.event in BOOKABLE
                and e.date == entry.date and (is_open(e) or e.event == entry.event)]
    if same_day:
        return same_day[-1]
    if not _happened(entry):
        ahead = rules.booked(contact, dt.date.today())
        return ahead[0] if ahead else None
    return None


def _happened(entry: HistoryEntry) -> bool:
    return rules.has_happened(entry, dt.date.today(), rules.clock(None))


def _merged(old: HistoryEntry, new: HistoryEntry) -> HistoryEntry:
    """``old`` completed, moved or added to by ``new``: what the new one says, the rest as
    it was; the points and referrals of a conversation logged twice, together. Logged
    as held, it has happened (a time still to come today is dropped)."""
    kept: dict[str, object] = {name: getattr(old, name) for name in ("time", "minutes")
                               if getattr(new, name) is None}
    if new.mode is None and old.event == new.event:
        kept["mode"] = old.mode
    if old.outcome and old.event == new.event:
        kept["points"] = list(dict.fromkeys([*old.points, *new.points]))
        kept["referrals"] = [*old.referrals,
                             *(r for r in new.referrals if r not in old.referrals)]
        kept["resume"] = new.resume or old.resume
    merged = new.model_copy(update=kept)
    if _happened(new) and not _happened(merged):
        merged = merged.model_copy(update={"time": None})
    return merged


def _action(old: HistoryEntry | None, entry: HistoryEntry) -> str:
    if old is None:
        return "logged" if _happened(entry) else "booked"
    if not _happened(entry):
        return "moved"
    return "completed" if not old.outcome else "added to"


def _close_bookings(contact: ContactFile, entry: HistoryEntry) -> tuple[str, ...]:
    """A decline ends what was booked and still to come: each such booking removed."""

    if entry.event != "declined":
        return ()
    closed = remove_entries(contact, lambda now: rules.booked(now, dt.date.today()))
    return tuple(f"cancelled the {booked.event} booked for {booked.date.isoformat()}"
                 f"{f' at {booked.time}' if booked.time else ''}: they declined"
                 for booked in closed)


def log_event(workspace: Workspace, contact_id: str, *, event: str, day: dt.date | None,
              mode: str | None, points: list[str], referrals: list[str],
              resume: str | None, at: str | None = None,
              minutes: int | None = None) -> Logged:
    """Append one event to a contact's history; turn its referrals into contacts.

    A meeting or call dated ahead (or later today, ``at``) is booked. Logging one on the
    day a booked one stands completes that entry (one meeting, never two); booking one
    while another is still to come moves it."""
    from outreach.campaign.referrals import (
        add_referral_contacts,  # deferred: outreach.campaign.referrals
    )

    contact = workspace.contact(contact_id)
    today = dt.date.today()
    check_typed(points, referrals)
    points = [" ".join(p.split()) for p in points]  # one line each, as a letter shows it
    entry = _new_entry({
        "date": day or today, "event": event, "mode": mode, "points": points,
        "referrals": [parse_referral(r) for r in referrals], "resume": resume,
        "time": at, "minutes": minutes})
    _check_when(entry)
    # the referrals' files first: if one cannot be made, the history is untouched, and
    # running the command again finds the ones already made instead of adding them twice
    namesakes: list[str] = []  # a referral of an existing contact's name, someone else
    with capture(into=namesakes):
        added = add_referral_contacts(workspace, contact, list(entry.referrals), today)
    old, written = upsert_entry(contact, entry, _entry_to_change, _merged)
    action = _action(old, entry)
    entry = written
    closed = _close_bookings(contact, entry)
    return Logged(entry, display_path(contact.path),
                  [(cid, display_path(path), created) for cid, path, created in added],
                  (*namesakes, *closed, *_point_warnings(contact, entry)), action, old)


def cancel_booking(workspace: Workspace, contact_id: str, day: dt.date) -> Logged:
    """Remove the meeting or call booked for ``day`` (one with nothing logged of it)."""

    contact = workspace.contact(contact_id)
    found = [e for e in contact.data.history if e.date == day and is_open(e)]
    if not found:
        held = any(e.date == day and e.event in BOOKABLE for e in contact.data.history)
        raise OutreachError(f"no meeting or call booked for {day.isoformat()} in "
                            f"{display_path(contact.path)}" + (
                                " (the one logged that day, with what was said, is part of "
                                "the history, and stays)" if held else ""))
    replace_entry(contact, found[-1], None)
    return Logged(found[-1], display_path(contact.path), [], (), "cancelled", found[-1])


def _point_warnings(contact: ContactFile, entry: HistoryEntry) -> tuple[str, ...]:
    """A point the thank-you letter would print speaking of its reader in the third
    person: said now, while the conversation is fresh, with the point rewritten."""

    found: list[str] = []
    with capture(into=found):
        for point in entry.points:
            told = points.advice(point, contact.data)
            if told:
                logging.getLogger("outreach.campaign.points").warning(
                    f"{told} (edit it in {display_path(contact.path)})")
    return tuple(found)


def what_is_due(workspace: Workspace, today: dt.date, ics: Path | None = None,
                force: bool = False) -> list[Item]:
    """Follow-up calls, thank-you letters owed, referrals not yet approached, booked
    meetings; with ``ics``, written as calendar events, every booking still to come
    included (by the rule of every file outreach writes: ``output.why_kept``)."""

    within = (workspace.root, ics.absolute().parent) if ics is not None else ()
    if ics is not None:
        writable([ics], within)
        why = why_kept(ics, force=force, within=within)
        if why is not None:
            raise OutputError(f"kept {display_path(ics)}: {why}; --force overwrites it "
                              "with the calendar")
    contacts = workspace.contacts()
    items = due_items(contacts, today)
    if ics is not None:
        from outreach.compose import kinds  # deferred: outreach.compose.kinds

        ahead = [i for c in contacts for i in bookings(c, today)
                 if i.action in BOOKABLE and i not in items]

        def sheets(cid: str) -> list[str]:  # the question sheets written, by format
            found = (workspace.output_dir / cid / f"{kinds.QUESTION_SHEET.name}.{fmt}"
                     for fmt in kinds.QUESTION_SHEET.formats)
            return [display_path(path) for path in found if path.is_file()]

        data = to_ics(items + ahead, today, sheets)
        write_all([Planned(ics, data)], force=force, dry_run=False, within=within)
    return items
