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
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

from outreach.document.text import with_article
from outreach.workspace.folder import ContactFile
from outreach.workspace.models import BOOKABLE, Contact, HistoryEntry

from . import rules
from .stage_names import RULES as RULES
from .stage_names import STAGES as STAGES
from .stage_names import Stage

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


def is_open(entry: HistoryEntry) -> bool:
    """Is this a meeting or call with nothing logged of it yet (no points, referrals or
    résumé)? Logging it again on its day completes it instead of adding a second."""
    return entry.event in BOOKABLE and not entry.outcome


def is_booked(entry: HistoryEntry) -> bool:
    """Was this meeting or call booked ahead (a time or length agreed) and nothing
    logged of it since?"""
    return is_open(entry) and (entry.time is not None or entry.minutes is not None)


# -- batches -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Selection:
    """The contacts a batch takes, and those it leaves out by stage."""

    chosen: tuple[ContactFile, ...]
    skipped: tuple[tuple[ContactFile, Stage], ...] = ()
    #: What a batch that chooses by its own rule took, said after the count
    #: (``skipped 9, with nothing to thank since 2026-11-30: ...``).
    why: str = ""
    #: The contacts at a stage the batch takes, left out all the same, each with why
    #: (``gone quiet``, ``declined, no how_we_met``): named in the summary.
    left_out: tuple[tuple[ContactFile, str], ...] = ()

    def leave_out(self, contacts: Iterable[ContactFile], why: str) -> Selection:
        """The same selection with ``contacts`` taken out of the chosen, left out for
        ``why``."""
        gone = {c.id for c in contacts}
        if not gone:
            return self
        return replace(self, chosen=tuple(c for c in self.chosen if c.id not in gone),
                       left_out=self.left_out + tuple(
                           (c, why) for c in self.chosen if c.id in gone))

    @property
    def incomplete(self) -> list[str]:
        """The ids of the contacts left out because they still hold placeholders."""
        return [c.id for c, stage in self.skipped if stage == "incomplete"]

    def summary(self) -> str | None:
        """``skipped 11: 2 approached, 3 met, 1 incomplete (jonas-weber), 1 gone quiet
        (tom-brandt)``; None when nothing was skipped. The contacts left out for a reason
        of their own are named after the stages."""
        if not self.skipped and not self.left_out:
            return None
        counts = Counter(stage for _, stage in self.skipped)
        parts = []
        for stage in STAGES:
            if counts[stage]:
                part = f"{counts[stage]} {stage}"
                if stage == "incomplete":
                    part += f" ({', '.join(self.incomplete)})"
                parts.append(part)
        reasons: dict[str, list[str]] = {}
        for contact, why in self.left_out:
            reasons.setdefault(why, []).append(contact.id)
        parts += [f"{len(ids)} {why} ({', '.join(ids)})" for why, ids in reasons.items()]
        total = len(self.skipped) + len(self.left_out)
        return f"skipped {total}{self.why}: {', '.join(parts)}"


def select(contacts: Iterable[ContactFile], stages: Iterable[str], today: dt.date,
           now: dt.time | None = None) -> Selection:
    """The contacts whose stage is one of ``stages``; the others, with their stage. A
    contact ``approached`` who has gone quiet (``rules.gone_quiet``: two follow-ups with
    no answer) is left out and named: nothing more is asked of them until they answer."""
    wanted = set(stages)
    selection = select_where(contacts, lambda _c, found: found.stage in wanted, today, now)
    quiet = [c for c in selection.chosen
             if "approached" in wanted and of(c, today, now).stage == "approached"
             and rules.gone_quiet(c.data, today)]
    return selection.leave_out(quiet, "gone quiet")


def select_where(contacts: Iterable[ContactFile],
                 keep: Callable[[ContactFile, Standing], bool], today: dt.date,
                 now: dt.time | None = None) -> Selection:
    """The contacts ``keep`` takes (never one still ``incomplete`` unless it asks for
    that stage); the others, with their stage."""
    chosen: list[ContactFile] = []
    skipped: list[tuple[ContactFile, Stage]] = []
    for contact in contacts:
        found = of(contact, today, now)
        if keep(contact, found):
            chosen.append(contact)
        else:
            skipped.append((contact, found.stage))
    return Selection(tuple(chosen), tuple(skipped))


def misfit(contact: ContactFile, stages: tuple[str, ...], words: str, for_whom: str,
           today: dt.date, now: dt.time | None = None) -> str | None:
    """The warning for a document written on purpose to a contact whose stage it does not
    belong to (``None`` when it fits, or when the document belongs to no stage)."""
    if not stages:
        return None
    found = of(contact, today, now)
    if found.stage in stages:
        return _quiet(contact, found, words, today)
    return f"{found.said(contact.id)}: {with_article(words)} is written for {for_whom}"


def _quiet(contact: ContactFile, found: Standing, words: str, today: dt.date) -> str | None:
    """The warning for a document named for an approached contact who has gone quiet
    (a batch leaves them out): written all the same, as asked."""
    quiet = rules.gone_quiet(contact.data, today) if found.stage == "approached" else None
    if quiet is None:
        return None
    letter, count = quiet
    return (f"{contact.id} has gone quiet: {count} follow-ups with no answer since the "
            f"letter of {letter.date.isoformat()} (a batch leaves them out); "
            f"{with_article(words)} is written all the same, as you named them")

