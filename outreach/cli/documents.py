"""The commands that write documents: letter, script, questions, thank-you,
keep-in-touch, linkedin, envelopes."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import click

from outreach.cli.base import (
    CONTACT_ID,
    F,
    _batch_options,
    _enclose_options,
    _fail_cleanly,
    _formats,
    _ids,
    _output_options,
    _output_options_for,
    _parse_day,
    _progress,
    _report,
    _table,
    _workspace,
    cli,
)


@cli.command()
@click.argument("contact_ids", nargs=-1, metavar="CONTACT_ID...", type=CONTACT_ID)
@_batch_options("those not yet written to (new)")
@_enclose_options("the letter (never the résumé)")
@_output_options
@click.pass_context
@_fail_cleanly
def letter(ctx: click.Context, contact_ids: tuple[str, ...], all_: bool, stages: tuple[str, ...],
           enclose: tuple[Path, ...], enclose_titles: tuple[str, ...], fmt: tuple[str, ...],
           output_dir: Path | None, force: bool, dry_run: bool,
           today: dt.date | None) -> None:
    """Write the approach letter for each contact.

    Writes output/<id>/approach-letter.pdf and .docx. The letter asks for information
    and advice, never a job, and never encloses the résumé: bring it to the meeting.
    """
    from outreach.app.pipeline import Options
    from outreach.compose.kinds import APPROACH_LETTER

    options = Options(stages=stages, formats=_formats(fmt), output_dir=output_dir, force=force,
                      dry_run=dry_run, today=today, enclose=enclose,
                      enclose_titles=enclose_titles)
    _write(ctx, APPROACH_LETTER, _ids(contact_ids, all_, stages), options, "Writing letters")


def _write(ctx: click.Context, kind: Any, ids: list[str] | None, options: Any,
           label: str) -> None:
    """Plan, render, lay out and write one kind of document; report what happened."""
    from outreach.app.pipeline import generate

    with _progress(label) as bar:
        report = generate(_workspace(ctx), kind, ids, options, bar)
    if options.explain:
        _explain(report)
    _report(report)


def _meeting_options(func: F) -> F:
    options = [
        click.option("--mode", type=click.Choice(["in-person", "phone"]), default=None,
                     help="How the meeting happens (default: in person if the contact is "
                          "local, else by phone)."),
        click.option("--explain", is_flag=True, help="Say why each question was chosen."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _explain(report: Any) -> None:
    for cid, lines in report.explanations.items():
        click.echo(f"{cid}:")
        for line in lines:
            click.echo(f"  {line}")


@cli.command()
@click.argument("contact_ids", nargs=-1, metavar="CONTACT_ID...", type=CONTACT_ID)
@_batch_options("those written to, not yet spoken with (approached)")
@_meeting_options
@_output_options
@click.pass_context
@_fail_cleanly
def script(ctx: click.Context, contact_ids: tuple[str, ...], all_: bool,
           stages: tuple[str, ...], mode: str | None,
           explain: bool, fmt: tuple[str, ...], output_dir: Path | None, force: bool, dry_run: bool,
           today: dt.date | None) -> None:
    """Write the phone script asking each contact for a meeting.

    Writes output/<id>/phone-script.pdf and .docx: the call, a two-choice close from
    your availability, then the branches: an assistant, voicemail, "too busy / send
    your résumé", and "yes, now".
    """
    from outreach.app.pipeline import Options
    from outreach.compose.kinds import PHONE_SCRIPT

    options = Options(stages=stages, formats=_formats(fmt), output_dir=output_dir,
                      force=force, dry_run=dry_run, today=today, mode=mode,  # type: ignore[arg-type]
                      explain=explain)
    _write(ctx, PHONE_SCRIPT, _ids(contact_ids, all_, stages), options, "Writing phone scripts")


@cli.command()
@click.argument("contact_ids", nargs=-1, metavar="CONTACT_ID...", type=CONTACT_ID)
@_batch_options("those with a meeting or call booked (scheduled)")
@click.option("--minutes", type=click.IntRange(10, 40), default=None,
              help="The meeting's length (default: the profile's meeting_minutes).")
@click.option("--goal", "goals", multiple=True, metavar="GOAL",
              help="A goal for this meeting (repeatable); replaces the contact's and "
                   "the profile's goals.")
@_meeting_options
@_output_options_for("The meeting's day: the sheet shows it and dates the thank-you two "
                     "days after (default: a meeting logged for today; else the sheet "
                     "says 'within two days').")
@click.pass_context
@_fail_cleanly
def questions(ctx: click.Context, contact_ids: tuple[str, ...], all_: bool, stages: tuple[str, ...],
              minutes: int | None, goals: tuple[str, ...], mode: str | None, explain: bool,
              fmt: tuple[str, ...], output_dir: Path | None, force: bool, dry_run: bool,
              today: dt.date | None) -> None:
    """Write the question sheet for a meeting with each contact.

    Writes output/<id>/question-sheet.pdf and .docx: research notes, the agenda,
    questions chosen for your goals (about one per 4 minutes, at least 5) with room for
    answers, the closing asks, and what to do after.
    """
    from outreach.app.pipeline import Options
    from outreach.compose.kinds import QUESTION_SHEET

    options = Options(stages=stages, formats=_formats(fmt), output_dir=output_dir,
                      force=force, dry_run=dry_run, today=today, minutes=minutes,
                      goals=goals, mode=mode, explain=explain)  # type: ignore[arg-type]
    _write(ctx, QUESTION_SHEET, _ids(contact_ids, all_, stages), options, "Writing question sheets")


@cli.command("keep-in-touch")
@click.argument("contact_ids", nargs=-1, metavar="[CONTACT_ID...]", type=CONTACT_ID)
@click.option("--landed", default=None, metavar='"ROLE at ORGANIZATION"',
              help='Where your search ended: "Analyst at Acme, Inc." (or --role and '
                   '--organization).')
@click.option("--role", default=None, metavar="ROLE", help="The position you took.")
@click.option("--organization", default=None, metavar="ORGANIZATION",
              help="Where you took it, commas and all.")
@click.option("--mark-sent", is_flag=True,
              help="Append keep-in-touch-sent to each contact's history (for letters by "
                   "post; outreach send records e-mails itself).")
@_output_options
@click.pass_context
@_fail_cleanly
def keep_in_touch(ctx: click.Context, contact_ids: tuple[str, ...], landed: str | None,
                  role: str | None, organization: str | None, mark_sent: bool,
                  fmt: tuple[str, ...], output_dir: Path | None, force: bool, dry_run: bool,
                  today: dt.date | None) -> None:
    """Tell the people who helped where you landed, and thank them again.

    Writes output/<id>/keep-in-touch.pdf and .docx (and .eml with --format eml) for
    the contacts named, or for everyone you had a conversation with who has not been
    told yet. Each letter names the advice and introductions logged in their history.
    """
    from outreach.app.main import parse_landed
    from outreach.app.pipeline import Options, generate
    from outreach.compose.kinds import KEEP_IN_TOUCH

    landed_at = parse_landed(landed, role, organization)
    options = Options(formats=_formats(fmt), output_dir=output_dir, force=force,
                      dry_run=dry_run, today=today or dt.date.today(), landed=landed_at,
                      mark_sent=mark_sent)
    with _progress("Writing keep-in-touch letters") as bar:
        report = generate(_workspace(ctx), KEEP_IN_TOUCH, list(contact_ids) or None,
                          options, bar)
    _report(report)
    for cid in report.marked:
        click.echo(f"marked keep-in-touch-sent in the history of {cid}")


@cli.command()
@click.argument("contact_ids", nargs=-1, metavar="CONTACT_ID...", type=CONTACT_ID)
@_batch_options("those not yet written to (new)")
@click.option("--limit", type=click.IntRange(100, 300), default=200, show_default=True,
              help="The most characters: 200 on a free LinkedIn account, 300 on Premium.")
@click.option("--output", "-o", "output_dir", type=click.Path(file_okay=False, path_type=Path),
              default=None, help="Write under DIR instead of the workspace's output/.")
@click.option("--force", is_flag=True, help="Overwrite a note changed since outreach wrote "
              "it, or not written by it.")
@click.option("--dry-run", is_flag=True, help="Render and check everything, say what would "
              "be written, write nothing.")
@click.pass_context
@_fail_cleanly
def linkedin(ctx: click.Context, contact_ids: tuple[str, ...], all_: bool,
             stages: tuple[str, ...], limit: int,
             output_dir: Path | None, force: bool, dry_run: bool) -> None:
    """Write the LinkedIn invitation note for each contact.

    Writes output/<id>/linkedin-note.txt, to paste into the invitation: who suggested
    the contact, who you are, a request for advice (never a job, never the résumé),
    within --limit characters; an error names what to shorten when it cannot fit.
    """
    from outreach.app.pipeline import Options
    from outreach.compose.kinds import LINKEDIN_NOTE

    options = Options(stages=stages, formats=("txt",), output_dir=output_dir, force=force,
                      dry_run=dry_run, limit=limit)
    _write(ctx, LINKEDIN_NOTE, _ids(contact_ids, all_, stages), options, "Writing LinkedIn notes")


@cli.command()
@click.argument("contact_ids", nargs=-1, metavar="CONTACT_ID...", type=CONTACT_ID)
@_batch_options("those not yet written to (new)")
@click.option("--labels", is_flag=True,
              help="Address labels instead of envelopes: Avery 5160 (30 a sheet) on letter "
                   "paper, Avery L7160 (21 a sheet) on A4.")
@click.option("--output", "-o", "output_dir", type=click.Path(file_okay=False, path_type=Path),
              default=None, help="Write under DIR instead of the workspace's output/.")
@click.option("--force", is_flag=True, help="Overwrite the print file even if changed "
              "since outreach wrote it, or not written by it.")
@click.option("--dry-run", is_flag=True, help="Render and check everything, say what would "
              "be written, write nothing.")
@click.option("--date", "today", callback=_parse_day, metavar="YYYY-MM-DD",
              help="The date in the print file's name (default: today).")
@click.pass_context
@_fail_cleanly
def envelopes(ctx: click.Context, contact_ids: tuple[str, ...], all_: bool,
              stages: tuple[str, ...], labels: bool,
              output_dir: Path | None, force: bool, dry_run: bool,
              today: dt.date | None) -> None:
    """Print the envelopes (or address labels) for letters that go by post.

    Writes one print file, output/batches/<date>-envelopes.pdf: a US No. 10 envelope
    for each contact on letter paper, a DL on A4, with your return address top left.
    --labels writes output/batches/<date>-labels.pdf instead. Contacts without a postal
    address are named and left out.
    """
    from outreach.app.pipeline import Options, generate
    from outreach.compose.kinds import ENVELOPE

    options = Options(stages=stages, formats=("pdf",), output_dir=output_dir, force=force,
                      dry_run=dry_run, today=today, labels=labels)
    report = generate(_workspace(ctx), ENVELOPE, _ids(contact_ids, all_, stages), options)
    _report(report)
    click.echo()
    _table(report.table)


@cli.command("thank-you")
@click.argument("contact_ids", nargs=-1, metavar="CONTACT_ID...", type=CONTACT_ID)
@click.option("--since", metavar="7d|YYYY-MM-DD",
              help="The busy week: every contact with a meeting, call or decline since then "
                   "and no thank-you after it, plus one print file in output/batches/.")
@click.option("--mark-sent", is_flag=True,
              help="Append thank-you-sent to each contact's history (nothing under "
                   "profiles/ changes without it).")
@click.option("--explain", is_flag=True, help="Name the rule that enclosed the résumé or not.")
@_enclose_options("the letter (an article you discussed; the résumé goes by the rules "
                  "alone)")
@_output_options
@click.pass_context
@_fail_cleanly
def thank_you(ctx: click.Context, contact_ids: tuple[str, ...], since: str | None,
              mark_sent: bool, explain: bool, enclose: tuple[Path, ...],
              enclose_titles: tuple[str, ...], fmt: tuple[str, ...], output_dir: Path | None,
              force: bool, dry_run: bool, today: dt.date | None) -> None:
    """Write the thank-you letter for the last conversation with each contact.

    Writes output/<id>/thank-you.pdf and .docx. The résumé is enclosed exactly when the
    rules say so: after a telephone interview or a decline, not after an in-person
    meeting. When it is, the PDF holds the letter and then the résumé's pages, and the
    résumé file is placed beside the DOCX.
    """
    from outreach.app.main import parse_since
    from outreach.app.pipeline import Options, generate
    from outreach.compose.kinds import THANK_YOU

    if since and contact_ids:
        raise click.UsageError("give contact ids or --since, not both")
    if not since and not contact_ids:
        raise click.UsageError("name at least one contact id, or --since 7d for the busy week")
    day = today or dt.date.today()
    start = parse_since(since, day) if since else None
    options = Options(formats=_formats(fmt), output_dir=output_dir, force=force,
                      dry_run=dry_run, today=day, explain=explain, enclose=enclose,
                      enclose_titles=enclose_titles, since=start, mark_sent=mark_sent)
    with _progress("Writing thank-you letters") as bar:
        report = generate(_workspace(ctx), THANK_YOU, None if start else list(contact_ids),
                          options, bar)
    if explain:
        _explain(report)
    _report(report)
    click.echo()
    _table(report.table)
    for cid in report.marked:
        click.echo(f"marked thank-you-sent in the history of {cid}")
