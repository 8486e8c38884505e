"""Where each contact stands in the campaign, derived from its file alone.

A contact moves through stages that follow from its history: new -> approached (written
to) -> scheduled (a meeting or call booked) -> met -> thanked -> kept in touch; or
declined -> thanked. Nobody keeps a stage field in step: ``stage`` reads it from the
history every time, as of a day (and, on the real today, the clock's time: a meeting
booked for 14:30 is ``scheduled`` until then, ``met`` after).

A document belongs to stages (``Kind.stages``): the approach letter and the LinkedIn note
to ``new``, the phone script to ``approached``, the question sheet to ``scheduled``, the
thank-you to ``met`` and ``declined``. Batches take the contacts whose stage the document
belongs to; a contact named on purpose is written all the same, with a warning when the
document no longer fits (``misfit``). docs/campaign.md states each rule for users.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal, get_args

from . import rules
from .models import BOOKABLE, Contact, HistoryEntry
from .workspace import ContactFile

Stage = Literal["incomplete", "new", "approached", "scheduled", "met", "declined",
                "thanked", "kept-in-touch"]
STAGES: tuple[Stage, ...] = get_args(Stage)

#: The rule of each stage, as docs/campaign.md and ``--help`` say it.
RULES: dict[Stage, str] = {
    "incomplete": "the file still holds <<...>> placeholders",
    "new": "nothing sent, said or booked yet",
    "approached": "written to (letter-sent), no conversation since",
    "scheduled": "a meeting or call booked for a later day (or later today)",
    "met": "the last conversation (meeting or call) was held and not yet thanked",
    "declined": "declined, and not yet thanked (the guides say to send a thank-you anyway)",
    "thanked": "a thank-you sent after the last conversation or decline",
    "kept-in-touch": "a keep-in-touch letter sent after that",
}

#: Each stage as a phrase after the contact's id: ``farid-rahimi was met on 2026-12-06``.
_SAID: dict[Stage, str] = {
    "incomplete": "still holds placeholders to fill in",
    "new": "has not been written to yet",
    "approached": "was written to on {day}",
    "scheduled": "has a {event} booked for {day}",
    "met": "was met on {day}",
    "declined": "declined on {day}",
    "thanked": "was thanked on {day}",
    "kept-in-touch": "was told where you landed on {day}",
}


@dataclass(frozen=True)
class Standing:
    """A contact's stage, and the history entry that put it there (none for ``new`` and
    ``incomplete``)."""

    stage: Stage
    entry: HistoryEntry | None = None

    def said(self, contact_id: str) -> str:
        """``farid-rahimi was met on 2026-12-06``."""
        entry = self.entry
        day = entry.date.isoformat() if entry else ""
        if entry is not None and entry.time:
            day += f" at {entry.time}"
        event = entry.event if entry else ""
        return f"{contact_id} {_SAID[self.stage].format(day=day, event=event)}"


def _after(history: list[HistoryEntry], entry: HistoryEntry) -> list[HistoryEntry]:
    """The entries on or after ``entry``'s day, but ``entry`` itself (as
    ``rules.thank_you_owed`` counts a thank-you sent the day of the conversation)."""
    return [e for e in history if e.date >= entry.date and e is not entry]


def standing(contact: Contact, today: dt.date, now: dt.time | None = None,
             *, unfilled: bool = False) -> Standing:
    """Where ``contact`` stands on ``today`` (at ``now``; the clock's time on the real
    today), by the rules of ``RULES``."""
    if unfilled:
        return Standing("incomplete")
    if now is None:
        now = rules.clock(today)
    ahead = rules.booked(contact, today, now)
    if ahead:
        return Standing("scheduled", ahead[0])
    history = rules.history_as_of(contact, today, now)
    conversation = next((e for e in reversed(history) if e.event in rules.CONVERSATIONS),
                        None)
    if conversation is None:
        letter = next((e for e in reversed(history) if e.event == "letter-sent"), None)
        return Standing("approached", letter) if letter else Standing("new")
    later = _after(history, conversation)
    for event, stage in (("keep-in-touch-sent", "kept-in-touch"),
                         ("thank-you-sent", "thanked")):
        found = next((e for e in reversed(later) if e.event == event), None)
        if found is not None:
            return Standing(stage, found)  # type: ignore[arg-type]
    held: Stage = "declined" if conversation.event == "declined" else "met"
    return Standing(held, conversation)


def of(contact: ContactFile, today: dt.date, now: dt.time | None = None) -> Standing:
    """Where a loaded contact stands (``incomplete`` while it holds placeholders)."""
    return standing(contact.data, today, now, unfilled=bool(contact.unfilled))


def is_booked(entry: HistoryEntry) -> bool:
    """Was this meeting or call written down before it happened (a time, no outcome)?"""
    return entry.event in BOOKABLE and not entry.outcome


# -- batches -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Selection:
    """The contacts a batch takes, and those it leaves out by stage."""

    chosen: tuple[ContactFile, ...]
    skipped: tuple[tuple[ContactFile, Stage], ...] = ()

    def summary(self) -> str | None:
        """``skipped 11: 2 approached, 3 met, 1 incomplete (jonas-weber)``; None when
        nothing was skipped."""
        if not self.skipped:
            return None
        counts = Counter(stage for _, stage in self.skipped)
        parts = []
        for stage in STAGES:
            if counts[stage]:
                part = f"{counts[stage]} {stage}"
                if stage == "incomplete":
                    ids = [c.id for c, s in self.skipped if s == stage]
                    part += f" ({', '.join(ids)})"
                parts.append(part)
        return f"skipped {len(self.skipped)}: {', '.join(parts)}"


def select(contacts: Iterable[ContactFile], stages: Iterable[str], today: dt.date,
           now: dt.time | None = None) -> Selection:
    """The contacts whose stage is one of ``stages``; the others, with their stage."""
    wanted = set(stages)
    chosen: list[ContactFile] = []
    skipped: list[tuple[ContactFile, Stage]] = []
    for contact in contacts:
        stage = of(contact, today, now).stage
        if stage in wanted:
            chosen.append(contact)
        else:
            skipped.append((contact, stage))
    return Selection(tuple(chosen), tuple(skipped))


def misfit(contact: ContactFile, stages: tuple[str, ...], words: str, for_whom: str,
           today: dt.date, now: dt.time | None = None) -> str | None:
    """The warning for a document written on purpose to a contact whose stage it does not
    belong to (``None`` when it fits, or when the document belongs to no stage)."""
    if not stages:
        return None
    found = of(contact, today, now)
    if found.stage in stages:
        return None
    return f"{found.said(contact.id)}: {_article(words)} {words} is written for {for_whom}"


def _article(words: str) -> str:
    return "an" if words[:1] in "aeiou" else "a"
