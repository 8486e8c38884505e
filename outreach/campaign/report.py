"""The campaign in figures (``outreach report``): plain functions over loaded contacts.

Every figure is counted from the contacts' histories as they stand on a day (what is
booked for later is a plan, not an event: ``rules.history_as_of``); each contact's stage
is ``stages.of``'s. docs/report.md gives each definition to users; the terminal, the
JSON and the PDF (``report_pdf``) all show these same figures. Nothing here reads files
but through ``Workspace``, prints or writes.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from outreach.errors import OutreachError
from outreach.workspace.folder import ContactFile, Workspace
from outreach.workspace.models import BOOKABLE, HistoryEntry
from outreach.workspace.people import name_key
from outreach.workspace.placeholders import placeholders_allowed

from . import rules, stages
from .names import latin_form

#: The weeks the report's table and chart show, this one last.
WEEKS = 8
#: "The last two weeks" of the advice: today and the 13 days before.
RECENT = dt.timedelta(days=14)
#: Fewer letters than this, and the response rate measures nothing: no advice.
LEAST_LETTERS = 3
#: The referral tree's lines in the PDF, at most, and the names on one line (the
#: terminal shows them all).
TREE_LINES_ON_PAGE = 10
TREE_NAMES_ON_PAGE = 6


@dataclass(frozen=True)
class Week:
    """One week, Monday to Sunday: what happened in it."""

    monday: dt.date
    letters: int = 0
    conversations: int = 0
    declines: int = 0
    thank_yous: int = 0

    def as_json(self) -> dict[str, object]:
        return {"week": self.monday.isoformat(), "letters": self.letters,
                "conversations": self.conversations, "declines": self.declines,
                "thank_yous": self.thank_yous}


@dataclass(frozen=True)
class Branch:
    """A person in the referral tree, and the people they led to."""

    name: str
    children: tuple[Branch, ...] = ()


@dataclass(frozen=True)
class Figures:
    """One workspace's figures on ``today`` (docs/report.md defines each)."""

    today: dt.date
    stages: dict[str, int]
    letters: int
    conversations: int
    declines: int
    scheduled: int
    thank_yous: int
    #: Contacts written to, and of them those who answered.
    written_to: int
    answered: int
    median_days_to_reply: float | None
    #: How many replies the median is taken over.
    replies: int
    referrals: int
    tree: tuple[Branch, ...]
    weeks: tuple[Week, ...]
    #: Conversations held in the last two weeks (``RECENT``).
    recent: int
    #: The profile's ``weekly_conversations``, when it sets one.
    target: int | None = None
    #: The day of the last thing that happened (``None``: nothing yet).
    last_activity: dt.date | None = None

    @property
    def response_rate(self) -> float | None:
        """The share of contacts written to who answered (``None``: nobody written to)."""
        return round(self.answered / self.written_to, 2) if self.written_to else None

    def as_json(self) -> dict[str, object]:
        """The keys of ``outreach report --json``."""
        return {"stages": dict(self.stages), "letters": self.letters,
                "conversations": self.conversations, "declines": self.declines,
                "scheduled": self.scheduled, "thank_yous": self.thank_yous,
                "response_rate": self.response_rate,
                "median_days_to_reply": self.median_days_to_reply,
                "referrals": self.referrals, "weeks": [w.as_json() for w in self.weeks]}


# -- one contact -----------------------------------------------------------------------


def _first_letter(history: list[HistoryEntry]) -> HistoryEntry | None:
    return next((e for e in history if e.event == "letter-sent"), None)


def _answered(history: list[HistoryEntry], booked: list[HistoryEntry]) -> bool:
    """Written to and answered: a conversation held or booked, or a decline, on or after
    the first letter's day."""
    letter = _first_letter(history)
    if letter is None:
        return False
    return bool(booked) or any(e.event in rules.CONVERSATIONS and e.date >= letter.date
                               for e in history)


def days_to_reply(history: list[HistoryEntry]) -> int | None:
    """Days from the first letter to the first conversation held or decline on or after
    its day (``None``: not written to, or no reply yet)."""
    letter = _first_letter(history)
    if letter is None:
        return None
    reply = next((e for e in history
                  if e.event in rules.CONVERSATIONS and e.date >= letter.date), None)
    return (reply.date - letter.date).days if reply else None


def mondays(today: dt.date, count: int = WEEKS) -> list[dt.date]:
    """The Mondays of the last ``count`` weeks, oldest first, this week's last."""
    this = today - dt.timedelta(days=today.weekday())
    return [this - dt.timedelta(weeks=count - 1 - n) for n in range(count)]


def _weeks(entries: Iterable[HistoryEntry], today: dt.date) -> tuple[Week, ...]:
    starts = mondays(today)
    counts: dict[dt.date, Counter[str]] = {monday: Counter() for monday in starts}
    for entry in entries:
        monday = entry.date - dt.timedelta(days=entry.date.weekday())
        if monday in counts:
            counts[monday][_kind(entry)] += 1
    return tuple(Week(m, c["letters"], c["conversations"], c["declines"], c["thank_yous"])
                 for m, c in counts.items())


def _kind(entry: HistoryEntry) -> str:
    """What an entry counts as: ``letters``, ``conversations`` (a meeting or call held),
    ``declines``, ``thank_yous``, or ``other``."""
    if entry.event in BOOKABLE:
        return "conversations"
    return {"letter-sent": "letters", "declined": "declines",
            "thank-you-sent": "thank_yous"}.get(entry.event, "other")


# -- the referral tree -----------------------------------------------------------------


def referred(contact: ContactFile) -> bool:
    """Led to by someone else: the file names a referrer, or says ``referral``."""
    return contact.data.referred_by is not None or contact.data.relationship == "referral"


def met_through_others(contact: ContactFile, history: list[HistoryEntry]) -> bool:
    """Met through someone else (the ``referrals`` figure): referred, and a meeting or
    call held with them in ``history`` (a referral only written to, or booked, or who
    declined, is not met yet)."""
    return referred(contact) and any(e.event in BOOKABLE for e in history)


#: Where a referral whose file names nobody hangs in the tree.
UNNAMED = "(referrer not named)"


def referral_tree(contacts: list[ContactFile]) -> tuple[Branch, ...]:
    """Who led to whom: a referrer that is a contact (``referred_by`` its id) is the
    contact; one written as a name is that name; each root is someone not referred."""
    by_id = {c.id: c for c in contacts}
    children: dict[str, list[str]] = {}
    names = {c.id: c.data.name for c in contacts}
    keys = _name_keys(contacts)
    for contact in contacts:
        if not referred(contact):
            continue
        ref = _as_contact(contact.data.referred_by, by_id, keys)
        parent = ref if ref in by_id and ref != contact.id else f"name:{ref or UNNAMED}"
        names.setdefault(parent, parent.removeprefix("name:"))
        children.setdefault(parent, []).append(contact.id)
    led = {child for kids in children.values() for child in kids}
    roots = [key for key in children if key not in led]
    return tuple(_branch(key, children, names, set()) for key in sorted(
        roots, key=lambda k: _order(names[k])))


def _name_keys(contacts: list[ContactFile]) -> dict[str, set[str]]:
    """Each name key (``people.name_key``, as written and of the Latin form in brackets
    of a name in another script) and the ids of the contacts who go by it."""
    keys: dict[str, set[str]] = {}
    for contact in contacts:
        name = contact.data.name
        latin = latin_form(name)
        for key in {name_key(name), *([name_key(latin)] if latin else [])}:
            keys.setdefault(key, set()).add(contact.id)
    return keys


def _as_contact(ref: str | None, by_id: dict[str, ContactFile],
                keys: dict[str, set[str]]) -> str | None:
    """A referrer written as free text that is the name of exactly one contact (the same
    person by ``people.name_key``, ``Minjun Kim`` for ``김민준 (Minjun Kim)``) is that
    contact's id; anything else as written."""
    if ref is None or ref in by_id:
        return ref
    found = keys.get(name_key(ref), set())
    return next(iter(found)) if len(found) == 1 else ref


def _order(name: str) -> tuple[str, str]:
    """Names in the order a reader looks for them: ``Đặng`` among the D's."""
    return name_key(name), name


def _branch(key: str, children: dict[str, list[str]], names: dict[str, str],
            seen: set[str]) -> Branch:
    seen.add(key)
    kids = sorted((k for k in children.get(key, []) if k not in seen),
                  key=lambda k: _order(names[k]))
    return Branch(names[key], tuple(_branch(k, children, names, seen) for k in kids))


def tree_lines(tree: Iterable[Branch], depth: int = 0, most: int | None = None) -> list[str]:
    """The tree as indented lines: ``Farid Rahimi → Eun-ji Park, Kofi Asante``, each
    person's own referrals on the lines below, indented (``most``: the names a line
    holds at most, then how many others)."""
    lines = []
    for branch in tree:
        if branch.children:
            names = [child.name for child in branch.children]
            led = ", ".join(names[:most])
            if most is not None and len(names) > most:
                led += f" and {len(names) - most} others"
            lines.append(f"{'  ' * depth}{branch.name} → {led}")
            lines += tree_lines(branch.children, depth + 1, most)
    return lines


# -- the figures -----------------------------------------------------------------------


@dataclass
class _Tally:
    """What the contacts add up to, one contact at a time."""

    today: dt.date
    stages: Counter[str] = field(default_factory=Counter)
    entries: list[HistoryEntry] = field(default_factory=list)
    scheduled: int = 0
    written_to: int = 0
    answered: int = 0
    days: list[int] = field(default_factory=list)
    referrals: int = 0

    def add(self, contact: ContactFile) -> None:
        history = rules.history_as_of(contact.data, self.today)
        booked = rules.booked(contact.data, self.today)
        self.stages[stages.of(contact, self.today).stage] += 1
        self.entries += history
        self.scheduled += len(booked)
        if _first_letter(history) is not None:
            self.written_to += 1
            self.answered += _answered(history, booked)
        days = days_to_reply(history)
        if days is not None:
            self.days.append(days)
        self.referrals += met_through_others(contact, history)

    def counted(self, kind: str) -> int:
        return sum(1 for e in self.entries if _kind(e) == kind)


def _median(days: list[int]) -> float | None:
    if not days:
        return None
    middle = statistics.median(days)
    return int(middle) if float(middle).is_integer() else float(middle)


def figures(contacts: list[ContactFile], today: dt.date,
            target: int | None = None) -> Figures:
    """The figures of ``contacts`` on ``today`` (``target``: the profile's
    ``weekly_conversations``)."""
    tally = _Tally(today)
    for contact in contacts:
        tally.add(contact)
    since = today - RECENT + dt.timedelta(days=1)
    return Figures(
        today=today, stages={stage: tally.stages[stage] for stage in stages.STAGES},
        letters=tally.counted("letters"), conversations=tally.counted("conversations"),
        declines=tally.counted("declines"), scheduled=tally.scheduled,
        thank_yous=tally.counted("thank_yous"), written_to=tally.written_to,
        answered=tally.answered, median_days_to_reply=_median(tally.days),
        replies=len(tally.days), referrals=tally.referrals,
        tree=referral_tree(contacts), weeks=_weeks(tally.entries, today),
        recent=sum(1 for e in tally.entries
                   if _kind(e) == "conversations" and e.date >= since),
        target=target, last_activity=max((e.date for e in tally.entries), default=None))


# -- the guides' advice ----------------------------------------------------------------


def bogging_down(found: Figures) -> bool:
    """Too few conversations lately: none in the last two weeks, or fewer than the
    profile's ``weekly_conversations`` a week; never said on fewer than 3 letters."""
    if found.letters < LEAST_LETTERS:
        return False
    wanted = 2 * found.target if found.target else 1
    return found.recent < wanted


def _plural(count: int, word: str, words: str | None = None) -> str:
    """``1 letter``, ``2 letters``; ``words`` for a plural not made with an s."""
    return f"{count} {word if count == 1 else words or word + 's'}"


def letters_for(conversations: int, written_to: int, answered: int) -> int:
    """Letters that would bring ``conversations`` more at ``answered`` of ``written_to``
    (rounded up)."""
    return -(-conversations * written_to // answered)


def advice(found: Figures) -> str | None:
    """The guides' advice when the search bogs down (``bogging_down``): how many letters
    this week would bring one more conversation (or the week's target) at the measured
    response rate. ``None`` when all is well or there is too little to measure."""
    if not bogging_down(found):
        return None
    if found.recent == 0:
        said = "no conversation held in the last two weeks"
    else:
        said = (f"{_plural(found.recent, 'conversation')} in the last two weeks, fewer "
                f"than the {found.target} a week your profile aims at")
    rate = f"{found.answered} of {found.written_to}"
    wanted = found.target or 1
    if found.answered == 0:
        plan = (f"At {rate}, nobody written to has answered yet: call the people you "
                "wrote to, and write to more")
    else:
        more = "one more conversation" if wanted == 1 else f"{wanted} more conversations"
        count = letters_for(wanted, found.written_to, found.answered)
        plan = f"At {rate}, {_plural(count, 'letter')} this week would bring about {more}"
    return (f"The search is bogging down: {said}. {plan}. The guides' advice: more "
            "prospecting and more informational interviews each week.")


# -- as shown --------------------------------------------------------------------------


def rate_text(found: Figures) -> str:
    """``80% (8 of 10)``; ``-`` when nobody was written to."""
    if found.response_rate is None:
        return "-"
    return f"{round(100 * found.answered / found.written_to)}% " \
           f"({found.answered} of {found.written_to})"


def shown(found: Figures) -> list[tuple[str, str, str]]:
    """The figures as a person reads them: (label, value, what it counts)."""
    days = found.median_days_to_reply
    return [
        ("Letters", str(found.letters), "letters sent"),
        ("Conversations", str(found.conversations), "meetings and calls held"),
        ("Declines", str(found.declines), "declined"),
        ("Scheduled", str(found.scheduled), "meetings and calls booked, still to come"),
        ("Thank-yous", str(found.thank_yous), "thank-you letters sent"),
        ("Response rate", rate_text(found), "of the contacts written to, those who "
         "answered"),
        ("Days to reply", "-" if days is None else f"{days:g}",
         f"median, first letter to first reply ({_plural(found.replies, 'reply', 'replies')})"),
        ("Referrals", str(found.referrals),
         "person met through another" if found.referrals == 1 else "people met through others"),
    ]


# -- loading ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Seeker:
    """A workspace's seeker and contacts, as the report reads them."""

    name: str
    paper: str
    lang: str
    target: int | None
    contacts: list[ContactFile]


def load(workspace: Workspace) -> Seeker:
    """The profile and every contact (those still holding placeholders too: they are
    ``incomplete``); a workspace without contacts has none."""
    with placeholders_allowed():
        profile = workspace.profile().data
        contacts = workspace.contacts() if workspace.contact_ids() else []
    return Seeker(profile.name, profile.paper, profile.lang, profile.weekly_conversations,
                  contacts)


def stage_text(counts: dict[str, int]) -> str:
    """``3 new, 2 approached, 1 met``: the stages that hold someone, in campaign order."""
    return ", ".join(f"{counts[s]} {s}" for s in stages.STAGES if counts.get(s)) or "none"


# -- a counsellor's caseload -----------------------------------------------------------


@dataclass(frozen=True)
class Client:
    """One client's row of ``outreach report --caseload``."""

    folder: str
    name: str
    paper: str
    figures: Figures
    overdue: int

    @property
    def days_idle(self) -> int | None:
        """Days since the last thing that happened (``None``: nothing yet)."""
        last = self.figures.last_activity
        return None if last is None else (self.figures.today - last).days

    @property
    def bogging_down(self) -> bool:
        return bogging_down(self.figures)

    def need(self) -> tuple[bool, int, float, str]:
        """The order of the rows, who needs the counsellor first: bogging down, then
        the most overdue items, then the longest idle (never active first)."""
        idle = self.days_idle
        return (not self.bogging_down, -self.overdue,
                -(float("inf") if idle is None else idle), self.name.casefold())

    def as_json(self) -> dict[str, object]:
        return {"client": self.folder, "name": self.name, "stages": dict(self.figures.stages),
                "conversations_14_days": self.figures.recent, "overdue": self.overdue,
                "days_since_last_activity": self.days_idle,
                "bogging_down": self.bogging_down}


@dataclass(frozen=True)
class Broken:
    """A client whose files do not load: each problem names the file (and line)."""

    folder: str
    problems: tuple[str, ...]

    def as_json(self) -> dict[str, object]:
        return {"client": self.folder, "errors": list(self.problems)}


@dataclass(frozen=True)
class Caseload:
    """Every client of a caseload folder, in the order of ``Client.need``, and those
    that could not be read."""

    today: dt.date
    clients: tuple[Client, ...]
    broken: tuple[Broken, ...]

    def as_json(self) -> dict[str, object]:
        return {"today": self.today.isoformat(),
                "clients": [c.as_json() for c in self.clients],
                "broken": [b.as_json() for b in self.broken]}

    @property
    def paper(self) -> str:
        """The paper most clients' profiles name (letter when none can be read)."""
        papers = Counter(c.paper for c in self.clients).most_common(1)
        return papers[0][0] if papers else "letter"


def _client(folder: str, workspace: Workspace, today: dt.date) -> Client:
    from .due import due_items  # deferred: outreach.campaign.caseload

    seeker = load(workspace)
    found = figures(seeker.contacts, today, seeker.target)
    overdue = sum(1 for item in due_items(seeker.contacts, today) if item.overdue)
    return Client(folder, seeker.name, seeker.paper, found, overdue)


def caseload(folder: Path, today: dt.date) -> Caseload:
    """Every client workspace in ``folder`` (``caseload.clients``): a row each, or the
    problems of its files; one broken client never hides the others."""
    from .caseload import clients  # deferred: outreach.campaign.caseload

    rows: list[Client] = []
    broken: list[Broken] = []
    for name, workspace in clients(folder):
        try:
            rows.append(_client(name, workspace, today))
        except OutreachError as exc:
            broken.append(Broken(name, tuple(exc.lines())))
    return Caseload(today, tuple(sorted(rows, key=Client.need)), tuple(broken))
