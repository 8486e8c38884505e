"""The commands of the campaign's history: log, due, contacts, report."""

from __future__ import annotations

import datetime as dt
import re
import sys
from pathlib import Path
from typing import Any

import click

from outreach.cli.base import (
    CONTACT_ID,
    STAGE,
    _fail_cleanly,
    _parse_day,
    _table,
    _workspace,
    cli,
)


def _hh_mm(_ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    if value is None or re.fullmatch(r"([01][0-9]|2[0-3]):[0-5][0-9]", value.strip()):
        return value.strip() if value else None
    raise click.BadParameter(f"{value!r} is not a time: write HH:MM on a 24-hour clock, "
                             "such as 14:30")


@cli.command()
@click.argument("contact_id", metavar="CONTACT_ID", type=CONTACT_ID)
@click.option("--event", default=None,
              type=click.Choice(["meeting", "call", "declined", "letter-sent", "follow-up",
                                 "thank-you-sent", "keep-in-touch-sent"]),
              help="What happened (or, for a meeting or call dated ahead, what is booked).")
@click.option("--date", "day", callback=_parse_day, metavar="YYYY-MM-DD",
              help="When it happened (default: today); a later day books a meeting or call.")
@click.option("--at", callback=_hh_mm, metavar="HH:MM",
              help="The time of a meeting or call (a later time today books it).")
@click.option("--minutes", type=click.IntRange(5, 120), default=None,
              help="How long the meeting or call is agreed to last.")
@click.option("--mode", type=click.Choice(["in-person", "phone", "e-mail"]), default=None,
              help="How it happened: in person or by phone; a letter by e-mail.")
@click.option("--point", "points", multiple=True, metavar="TEXT",
              help="Something from the conversation that helped (repeatable).")
@click.option("--referral", "referrals", multiple=True, metavar='"NAME, ORGANIZATION"',
              help="Someone they suggested you talk to (repeatable); becomes a new contact.")
@click.option("--resume", type=click.Choice(["reviewed", "kept", "not-discussed", "asked"]),
              default=None, help="What happened to your résumé at the meeting.")
@click.option("--cancel", "cancel", callback=_parse_day, metavar="YYYY-MM-DD",
              help="Cancel the meeting or call booked for that day.")
@click.pass_context
@_fail_cleanly
def log(ctx: click.Context, contact_id: str, event: str | None, day: dt.date | None,
        at: str | None, minutes: int | None, mode: str | None, points: tuple[str, ...],
        referrals: tuple[str, ...], resume: str | None, cancel: dt.date | None) -> None:
    """Add what happened to a contact's history, or book a meeting or call.

    The file is kept as you wrote it: the new lines are inserted, nothing else changes.
    A meeting or call dated ahead is booked (--at HH:MM, --minutes N); logged on its
    day, it is completed, never counted twice; booked again, it is moved; --cancel DATE
    removes it. Each --referral becomes a contact file of its own (relationship
    referral, referred by this contact) unless a contact of that name exists.
    """
    from outreach.app.tracker import cancel_booking, log_event

    if (event is None) == (cancel is None):
        raise click.UsageError("give --event EVENT (what happened or is booked) or "
                               "--cancel DATE (a booking to remove): one of them, not both")
    if cancel is not None:
        click.echo(cancel_booking(_workspace(ctx), contact_id, cancel).said())
        return
    assert event is not None
    result = log_event(_workspace(ctx), contact_id, event=event, day=day, mode=mode,
                       points=list(points), referrals=list(referrals), resume=resume,
                       at=at, minutes=minutes)
    for warning in result.warnings:
        click.echo(f"Warning: {warning}", err=True)
    click.echo(result.said())
    for cid, path, created in result.referrals:
        if created:
            click.echo(f"added contact {cid} ({path}); write to them with: "
                       f"outreach letter {cid}")
        else:
            click.echo(f"{cid} is already a contact ({path})")


@cli.command()
@click.option("--today", "day", callback=_parse_day, metavar="YYYY-MM-DD",
              help="The day to judge from (default: today).")
@click.option("--ics", type=click.Path(dir_okay=False, path_type=Path), default=None,
              metavar="FILE", help="Also write the items as calendar events.")
@click.option("--force", is_flag=True, help="Overwrite the --ics file even if changed "
              "since outreach wrote it, or not written by it.")
@click.option("--caseload", type=click.Path(file_okay=False, path_type=Path), default=None,
              metavar="DIR", help="Every client's workspace in DIR (one folder per client).")
@click.option("--json", "as_json", is_flag=True,
              help="Print the items as JSON (a list of objects), for scripts.")
@click.pass_context
@_fail_cleanly
def due(ctx: click.Context, day: dt.date | None, ics: Path | None, force: bool,
        caseload: Path | None, as_json: bool) -> None:
    """List what needs doing.

    Follow-up calls (a day or two after a letter arrives), thank-you letters owed,
    referrals to write, the question sheet to print the evening before a booked
    meeting and the meeting itself, what helped to log after it, and the contacts who
    have gone quiet after two follow-ups. Exits with status 3 when something is
    overdue, so it can run from cron.
    """
    from outreach.app.tracker import what_is_due
    from outreach.workspace.placeholders import placeholders_allowed

    today = day or dt.date.today()
    if caseload is not None:
        if ics is not None:
            raise click.UsageError("--ics is for one workspace, not with --caseload")
        return _caseload_due(caseload, today)
    with placeholders_allowed():
        items = what_is_due(_workspace(ctx), today, ics, force)
    if as_json:
        import json  # deferred: json

        click.echo(json.dumps([i.as_json() for i in items], ensure_ascii=False, indent=2))
        sys.exit(3 if any(item.overdue for item in items) else 0)
    if not items:
        click.echo("nothing is due")
    rows: list[tuple[str, ...]] = [("DUE", "", "CONTACT", "TO DO", "WHY", "COMMAND")]
    for item in items:
        rows.append((item.due.isoformat(), "OVERDUE" if item.overdue else "", item.name,
                     item.action, item.reason, item.command))
    _table(rows)
    if ics is not None:
        click.echo(f"wrote {len(items)} calendar events to {ics}")
    if any(item.overdue for item in items):
        sys.exit(3)


@cli.command()
@click.option("--stage", "stages", multiple=True, type=STAGE,
              help="Only the contacts at this stage (repeatable).")
@click.option("--json", "as_json", is_flag=True,
              help="Print the list as JSON (a list of objects), for scripts and spreadsheets.")
@click.option("--today", "day", callback=_parse_day, metavar="YYYY-MM-DD",
              help="The day to judge the stages from (default: today).")
@click.option("--caseload", type=click.Path(file_okay=False, path_type=Path), default=None,
              metavar="DIR", help="Count each client's contacts and conversations, for "
              "every client's workspace in DIR.")
@click.pass_context
@_fail_cleanly
def contacts(ctx: click.Context, stages: tuple[str, ...], as_json: bool,
             day: dt.date | None, caseload: Path | None) -> None:
    """List the contacts: where each stands in the campaign and the next step.

    The stage comes from the contact's history (incomplete, new, approached,
    scheduled, met, declined, thanked, kept-in-touch); the next step and its date
    from the follow-up schedule `outreach due` keeps.
    """
    import json  # deferred: json

    from outreach.app.tracker import contact_rows
    from outreach.workspace.placeholders import placeholders_allowed

    if caseload is not None:
        return _caseload_contacts(caseload)
    with placeholders_allowed():
        rows = contact_rows(_workspace(ctx), day or dt.date.today(), stages)
    if as_json:
        click.echo(json.dumps([row.as_json() for row in rows], ensure_ascii=False, indent=2))
        return
    if not rows:
        click.echo("no contacts at that stage" if stages else
                   "no contacts yet: add one file per person in profiles/contacts/")
        return
    _table([("ID", "NAME", "RELATIONSHIP", "STAGE", "NEXT", "DUE", "LAST EVENT"),
            *[(r.id, r.name, r.relationship, r.stage, r.next,
               r.due.isoformat() if r.due else "-", r.last) for r in rows]])


def _caseload_due(folder: Path, today: dt.date) -> None:
    from outreach.campaign.caseload import due as caseload_due

    found = caseload_due(folder, today)
    rows: list[tuple[str, ...]] = [("CLIENT", "DUE", "", "CONTACT", "TO DO", "WHY")]
    rows += [(client, item.due.isoformat(), "OVERDUE" if item.overdue else "", item.name,
              item.action, item.reason) for client, item in found.due]
    if not found.due:
        click.echo("nothing is due")
    _table(rows)
    _said(found)
    if any(item.overdue for _, item in found.due):
        sys.exit(3)


def _said(found: Any) -> None:
    """A caseload's warnings and the errors of the clients that could not be read (then
    exit 1: the others were listed all the same)."""
    for line in found.notes:
        click.echo(f"Warning: {line}", err=True)
    for line in found.problems:
        click.echo(f"Error: {line}", err=True)
    if found.problems:
        sys.exit(1)


def _caseload_contacts(folder: Path) -> None:
    from outreach.campaign.caseload import counts

    found = counts(folder)
    _table([("CLIENT", "CONTACTS", "CONVERSATIONS", "LAST CONVERSATION"),
            *[(c, str(n), str(t), last) for c, n, t, last in found.counts]])
    _said(found)


@cli.command("report")
@click.option("--today", "day", callback=_parse_day, metavar="YYYY-MM-DD",
              help="The day to count to (default: today).")
@click.option("--json", "as_json", is_flag=True, help="Print the figures as one JSON object.")
@click.option("--pdf", type=click.Path(dir_okay=False, path_type=Path), default=None,
              metavar="FILE", help="Also write them on one page, with charts, as a PDF.")
@click.option("--force", is_flag=True, help="Overwrite the --pdf file if it exists.")
@click.option("--caseload", type=click.Path(file_okay=False, path_type=Path), default=None,
              metavar="DIR", help="One row per client, for every client's workspace in DIR.")
@click.pass_context
@_fail_cleanly
def report_command(ctx: click.Context, day: dt.date | None, as_json: bool, pdf: Path | None,
                   force: bool, caseload: Path | None) -> None:
    """The campaign in figures: letters, conversations, response rate, referrals.

    Contacts by stage, the last 8 weeks, the referral tree, and the guides' advice
    when the search bogs down (docs/report.md defines every figure). --caseload: who
    among your clients needs you first; exits 1 when a client's files cannot be read.
    """
    import json  # deferred: json

    from outreach.campaign import report_pdf
    from outreach.campaign.report import caseload as caseload_report
    from outreach.campaign.report import figures, load

    today = day or dt.date.today()
    root = _workspace(ctx).root
    if pdf is not None:
        report_pdf.check_target(pdf, root, force)
    if caseload is not None:
        return _caseload_report(caseload_report(caseload, today), as_json, pdf, root)
    seeker = load(_workspace(ctx))
    found = figures(seeker.contacts, today, seeker.target)
    if as_json:
        click.echo(json.dumps(found.as_json(), indent=2, ensure_ascii=False))
    else:
        _print_figures(seeker.name, found)
    if pdf is not None:
        report_pdf.write(pdf, report_pdf.seeker_pdf(seeker, found), root)
        click.echo(f"wrote {pdf}", err=as_json)


def _print_figures(name: str, found: Any) -> None:
    from outreach.campaign.report import advice, shown, tree_lines

    click.echo(f"{name}: the campaign on {found.today.isoformat()}\n")
    _table([("STAGE", "CONTACTS"), *[(s, str(n)) for s, n in found.stages.items()],
            ("total", str(sum(found.stages.values())))])
    click.echo()
    _table([(label, value, what) for label, value, what in shown(found)])
    click.echo("\nReferrals: who led to whom")
    for line in tree_lines(found.tree) or ["nobody yet"]:
        click.echo(f"  {line}")
    click.echo("\nThe last 8 weeks")
    _table([("WEEK OF", "LETTERS", "CONVERSATIONS", "DECLINES", "THANK-YOUS"),
            *[(w.monday.isoformat(), str(w.letters), str(w.conversations), str(w.declines),
               str(w.thank_yous)) for w in found.weeks]])
    said = advice(found)
    if said:
        click.echo(f"\n{said}")


def _caseload_report(found: Any, as_json: bool, pdf: Path | None, root: Path) -> None:
    import json  # deferred: json

    from outreach.campaign import report_pdf
    from outreach.campaign.report import stage_text

    if as_json:
        click.echo(json.dumps(found.as_json(), indent=2, ensure_ascii=False))
    else:
        rows: list[tuple[str, ...]] = [("", "CLIENT", "FOLDER", "CONTACTS BY STAGE",
                                        "CONVERSATIONS 14 DAYS", "OVERDUE", "DAYS IDLE")]
        rows += [("BOGGING DOWN" if c.bogging_down else "", c.name, c.folder,
                  stage_text(c.figures.stages), str(c.figures.recent), str(c.overdue),
                  "-" if c.days_idle is None else str(c.days_idle)) for c in found.clients]
        rows += [("CANNOT READ", "?", b.folder, "(see the errors below)", "", "", "")
                 for b in found.broken]
        _table(rows)
    if pdf is not None:
        report_pdf.write(pdf, report_pdf.caseload_pdf(found), root)
        click.echo(f"wrote {pdf}", err=as_json)
    for broken in found.broken:
        for line in broken.problems:
            click.echo(f"Error: {broken.folder}: {line}", err=True)
    if found.broken:
        sys.exit(1)
