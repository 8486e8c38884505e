"""The library's entry points, one per command; usable without Click.

The document commands are ``pipeline.generate`` (plan -> render -> layout -> write);
this module adds what the other commands do: the thank-you batch (a plan, its run, the
print file from the PDFs in memory, the history marked), the contact list, ``log`` and
``due``.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, replace
from email.parser import BytesParser
from email.policy import default
from pathlib import Path
from typing import TYPE_CHECKING

from . import kinds, rules
from .errors import OutputError, UsageError, display_path
from .models import HistoryEntry, Referral
from .output import Planned, quiet_pdf_reading, write_all
from .paths import writable
from .pipeline import (
    Options,
    Plan,
    Progress,
    Report,
    collect_warnings,
    generate,
    plan,
    run,
    templates_for,
)
from .workspace import ContactFile, Workspace

if TYPE_CHECKING:
    from .due import Item

__all__ = ["Options", "Report", "generate", "templates_for"]


def list_contacts(workspace: Workspace) -> list[tuple[str, str, str, str]]:
    """One row per contact: id, name, relationship, last event (or ``-``)."""
    rows: list[tuple[str, str, str, str]] = []
    for contact in workspace.contacts():
        data = contact.data
        ordered = rules.history_as_of(data)
        last = ordered[-1] if ordered else None
        event = f"{last.event} {last.date.isoformat()}" if last else "-"
        relationship: str = data.relationship
        referrer = workspace.referrer_name(contact)
        if referrer:
            relationship += f" (from {referrer})"
        rows.append((contact.id, data.name, relationship, event))
    return rows


def parse_since(value: str, today: dt.date) -> dt.date:
    """``7d`` (days back from today) or ``YYYY-MM-DD``."""
    text = value.strip().lower()
    if text.endswith("d") and text[:-1].isdigit():
        try:
            return today - dt.timedelta(days=int(text[:-1]))
        except OverflowError:
            raise UsageError(f"--since {value}: that is before the calendar begins") from None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise UsageError(f"--since takes a number of days (7d) or a date (YYYY-MM-DD), "
                         f"not {value!r}") from None


def written_subject(path: Path) -> str:
    """The subject recorded in a PDF's or DOCX's metadata ("" when there is none)."""
    try:
        if path.suffix == ".eml":
            from .writers.eml import SUBJECT_HEADER

            with path.open("rb") as handle:
                return str(BytesParser(policy=default).parse(handle, headersonly=True)
                           .get(SUBJECT_HEADER, ""))
        if path.suffix == ".pdf":
            from pypdf import PdfReader

            with quiet_pdf_reading():
                meta = PdfReader(str(path)).metadata
            return str(meta.subject or "") if meta else ""
        import docx

        return str(docx.Document(str(path)).core_properties.subject or "")
    except Exception:  # unreadable: treated as written for no known conversation
        return ""


def _check_kept_thank_yous(plan: Plan) -> bool:
    """Refuse to keep a thank-you letter written for an older conversation (it would be
    printed and marked sent as if it were this one's); True when any will be written."""
    fresh = False
    for target in plan.targets:
        wanted = kinds.THANK_YOU.subject(plan.request(target.contact))  # type: ignore[misc]
        fresh = fresh or bool(target.write)
        for fmt, path in target.paths.items():
            if fmt not in target.write and written_subject(path) != wanted:
                raise OutputError(
                    f"{display_path(path)} was written for another conversation than the "
                    f"last one logged ({wanted.removeprefix('thank-you for the ')}): move it "
                    "away to keep it, or --force to write the new letter over it")
    return fresh


def owing_thank_you(workspace: Workspace, since: dt.date, today: dt.date) -> list[str]:
    """Contacts with a meeting, call or decline since ``since`` and no thank-you after it."""
    return [c.id for c in workspace.contacts()
            if rules.thank_you_owed(c.data, since, today) is not None]


def _summary(plan: Plan, report: Report) -> None:
    """The batch's table (one row per letter), and a warning for a letter that names
    nothing specific from the conversation."""
    report.table.append(("CONTACT", "CONVERSATION", "ENCLOSURE", "FILE"))
    for target in plan.targets:
        contact = target.contact
        entry = rules.last_conversation(contact.data, plan.today)
        assert entry is not None  # the plan refused contacts without one
        if not entry.points and entry.event != "declined":  # a decline has no advice
            report.warnings.append(
                f"the thank-you letter to {contact.data.name} names nothing specific from the "
                f"conversation: add points with outreach log {contact.id} --point \"...\"")
        decision = rules.thank_you_resume(contact.data, entry)
        how = entry.event + (f" ({entry.mode})" if entry.mode else "")
        shown = target.paths.get("pdf") or next(iter(target.paths.values()))
        report.table.append((contact.data.name, f"{how} {entry.date.isoformat()}",
                             "Résumé" if decision.enclose else "-", display_path(shown)))


def _print_file(plan: Plan, report: Report, path: Path) -> None:
    """One PDF with every letter of the batch, each from memory when written now."""
    from .writers.pdf import concatenate

    parts = [(t.paths["pdf"], report.pdf.get(t.contact.id)) for t in plan.targets]
    options = plan.options
    report.outcomes += write_all([Planned(path, concatenate(parts))], force=options.force,
                                 dry_run=options.dry_run, within=plan.within)


def _mark_sent(plan: Plan, report: Report) -> None:
    from .history import append_entries

    for target in plan.targets:
        append_entries(target.contact, [HistoryEntry(date=plan.today, event="thank-you-sent")])
        report.marked.append(target.contact.id)


def thank_you(workspace: Workspace, contact_ids: list[str] | None, options: Options, *,
              since: dt.date | None = None, mark_sent: bool = False,
              progress: Progress | None = None) -> Report:
    """Thank-you letters for the last conversation with each contact.

    With ``since`` (the busy week): every contact owing one since that day, and one print
    file ``output/batches/<date>-thank-you.pdf`` with every letter and its enclosures.
    With ``mark_sent``: ``thank-you-sent`` is appended to each contact's history.
    """
    today = options.today or dt.date.today()
    options = replace(options, today=today)
    if mark_sent and today > dt.date.today():
        raise UsageError(f"--mark-sent with --date {today.isoformat()}: a letter cannot be "
                         "marked sent on a day still to come")
    report = Report()
    ids = owing_thank_you(workspace, since, today) if since is not None else contact_ids
    if ids is not None and not ids:
        report.warnings.append(f"no meeting, call or decline since {since} is waiting for a "
                               "thank-you letter")
        return report
    batch = (options.output_dir or workspace.output_dir) / "batches" / \
        f"{today.isoformat()}-thank-you.pdf"
    with collect_warnings(report.warnings):
        the_plan = plan(workspace, kinds.THANK_YOU, ids, options)
        _check_batch(the_plan, batch if since is not None else None)
        run(workspace, the_plan, report, progress)
    _summary(the_plan, report)
    if since is not None and "pdf" in options.formats:
        _print_file(the_plan, report, batch)
    if mark_sent and not options.dry_run:
        _mark_sent(the_plan, report)
    return report


def _check_batch(plan: Plan, batch: Path | None) -> None:
    """Refuse kept letters for an older conversation, and a print file that would no
    longer hold every letter."""
    fresh = _check_kept_thank_yous(plan)
    options = plan.options
    if batch is not None and "pdf" in options.formats:
        writable([batch], plan.within)
    if batch is not None and "pdf" in options.formats and batch.exists() and fresh \
            and not options.force and not options.dry_run:
        raise OutputError(f"{display_path(batch)} exists and would no longer hold every "
                          "letter: --force rebuilds it")


@dataclass(frozen=True)
class Logged:
    """What ``outreach log`` did: the entry, the file, and the referrals it added."""

    entry: HistoryEntry
    path: str
    referrals: list[tuple[str, str, bool]]
    #: What to tell the user about what was logged (a point written in the third person).
    warnings: tuple[str, ...] = ()


def parse_referral(text: str) -> Referral:
    """``"Ana Ruiz, County GIS"`` -> a referral with a name and an organization."""
    name, _, organization = (" ".join(part.split()) for part in text.partition(","))
    if not name:
        raise UsageError(f"--referral takes \"Name, Organization\", not {text!r}")
    return Referral(name=name, organization=organization or None)


def log_event(workspace: Workspace, contact_id: str, *, event: str, day: dt.date | None,
              mode: str | None, points: list[str], referrals: list[str],
              resume: str | None) -> Logged:
    """Append one event to a contact's history; turn its referrals into contacts."""
    from pydantic import ValidationError

    from .history import append_entries, check_typed
    from .referrals import add_referral_contacts

    contact = workspace.contact(contact_id)
    today = dt.date.today()
    when = day or today
    if when > today:
        raise UsageError(f"--date {when.isoformat()} is in the future: log what has happened")
    check_typed(points, referrals)
    points = [" ".join(p.split()) for p in points]  # one line each, as a letter shows it
    try:
        entry = HistoryEntry.model_validate({
            "date": when, "event": event, "mode": mode, "points": points,
            "referrals": [parse_referral(r) for r in referrals], "resume": resume})
    except ValidationError as exc:
        message = str(exc.errors()[0]["msg"]).removeprefix("Value error, ")
        raise UsageError(f"cannot log that: {message}") from None
    # the referrals' files first: if one cannot be made, the history is untouched, and
    # running the command again finds the ones already made instead of adding them twice
    added = add_referral_contacts(workspace, contact, list(entry.referrals), today)
    append_entries(contact, [entry])
    return Logged(entry, display_path(contact.path),
                  [(cid, display_path(path), created) for cid, path, created in added],
                  _point_warnings(contact, entry))


def _point_warnings(contact: ContactFile, entry: HistoryEntry) -> tuple[str, ...]:
    """A point the thank-you letter would print speaking of its reader in the third
    person: said now, while the conversation is fresh, with the point rewritten."""
    from . import points

    found: list[str] = []
    with collect_warnings(found):
        for point in entry.points:
            told = points.advice(point, contact.data)
            if told:
                logging.getLogger("outreach.points").warning(
                    f"{told} (edit it in {display_path(contact.path)})")
    return tuple(found)


def what_is_due(workspace: Workspace, today: dt.date, ics: Path | None = None,
                force: bool = False) -> list[Item]:
    """Follow-up calls, thank-you letters owed and referrals not yet approached; with
    ``ics``, written as calendar events (an existing file is kept unless forced)."""
    from .due import due_items, to_ics
    from .output import atomic_write

    if ics is not None:
        writable([ics], (workspace.root, ics.absolute().parent))
    if ics is not None and ics.exists() and not force:
        raise OutputError(f"{display_path(ics)} exists: --force overwrites it with the "
                          "calendar")
    items = due_items(workspace.contacts(), today)
    if ics is not None:
        atomic_write(ics, to_ics(items, today), within=(workspace.root, ics.absolute().parent))
    return items


def parse_landed(text: str) -> tuple[str, str]:
    """``"Policy Analyst, County GIS"`` -> (role, organization)."""
    role, comma, organization = (" ".join(part.split()) for part in text.rpartition(","))
    if not comma or not organization:
        raise UsageError(f"--landed takes \"Role, Organization\", not {text!r}")
    return role, organization


def _kept_in_touch(contact: ContactFile) -> dt.date | None:
    sent = [e.date for e in contact.data.history if e.event == "keep-in-touch-sent"]
    return max(sent) if sent else None


def keep_in_touch_ids(workspace: Workspace, contact_ids: list[str] | None,
                      today: dt.date) -> list[str]:
    """The contacts to tell: those named (refused when already told), else everyone the
    seeker had a conversation with and has not told yet."""
    if contact_ids is None:
        return [c.id for c in workspace.contacts()
                if rules.last_conversation(c.data, today) is not None
                and _kept_in_touch(c) is None]
    for contact in workspace.contacts(contact_ids):
        day = _kept_in_touch(contact)
        if day is not None:
            raise UsageError(f"{contact.data.name} was told where you landed on "
                             f"{day.isoformat()} (keep-in-touch-sent in "
                             f"{display_path(contact.path)}): nobody gets it twice")
    return contact_ids


def keep_in_touch(workspace: Workspace, contact_ids: list[str] | None, options: Options, *,
                  mark_sent: bool = False, progress: Progress | None = None) -> Report:
    """The keep-in-touch letter to each contact; with ``mark_sent``, recorded as sent."""
    from .history import append_entries

    today = options.today or dt.date.today()
    if mark_sent and today > dt.date.today():
        raise UsageError(f"--mark-sent with --date {today.isoformat()}: a letter cannot be "
                         "marked sent on a day still to come")
    ids = keep_in_touch_ids(workspace, contact_ids, today)
    report = Report()
    if not ids:
        report.warnings.append("everyone you had a conversation with has been told "
                               "where you landed")
        return report
    report = generate(workspace, kinds.KEEP_IN_TOUCH, ids, replace(options, today=today),
                      progress)
    if mark_sent and not options.dry_run:
        for contact in workspace.contacts(ids):
            append_entries(contact, [HistoryEntry(date=today, event="keep-in-touch-sent")])
            report.marked.append(contact.id)
    return report
