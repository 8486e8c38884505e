"""What leaves or enters: send, import."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from outreach.cli.base import (
    CONTACT_ID,
    F,
    _fail_cleanly,
    _ids,
    _workspace,
    cli,
)
from outreach.errors import display_path


@cli.command()
@click.argument("contact_ids", nargs=-1, metavar="CONTACT_ID...", type=CONTACT_ID)
@click.option("--all", "all_", is_flag=True, help="Every contact in profiles/contacts/.")
@click.option("--send", "really", is_flag=True,
              help="Really send (without it, show each message and what would become of "
                   "it, and send nothing).")
@click.option("--kind", "kind_names", multiple=True, metavar="KIND",
              help="Only drafts of this kind (approach-letter, thank-you, ...); repeatable.")
@click.option("--limit", type=click.IntRange(min=1), default=None, metavar="N",
              help="Send at most N messages this run.")
@click.option("--force", is_flag=True,
              help="Send drafts that no longer fit the history all the same (never one "
                   "already sent, nor one to another address than the contact's).")
@click.option("--record", is_flag=True,
              help="Send nothing: record as sent the drafts sent some other way, and "
                   "write into the history what the send log holds and it lacks.")
@click.pass_context
@_fail_cleanly
def send(ctx: click.Context, contact_ids: tuple[str, ...], all_: bool, really: bool,
         kind_names: tuple[str, ...], limit: int | None, force: bool, record: bool) -> None:
    """Send the e-mail drafts already written (--format eml) through your SMTP server.

    A dry run unless --send: each message is shown (every recipient, the subject, its
    first lines) with what would become of it. A draft already sent (the send log or the
    history says this contact received this document for this occasion) is never sent
    again; one that no longer fits the history is refused unless --force; one addressed
    to anyone but the contact is refused. The server is described in smtp.yaml; the
    password comes from the environment (OUTREACH_SMTP_PASSWORD) or is asked for, and is
    never stored. See docs/sending.md.
    """
    from outreach.channels.send import load_config, password_from
    from outreach.channels.send import record as record_drafts
    from outreach.channels.send import send as send_drafts

    workspace = _workspace(ctx)
    ids = _ids(contact_ids, all_)
    if record:
        if really:
            raise click.UsageError("--record sends nothing: give --record or --send, not both")
        _sent_report(record_drafts(workspace, ids, kind_names=kind_names, force=force))
        return
    config = password = None
    if really:
        config = load_config(workspace)
        password = password_from(config, dict(os.environ))
        if config.user and password is None:
            password = click.prompt(f"Password for {config.user} at {config.host}",
                                    hide_input=True, err=True)
    _sent_report(send_drafts(workspace, ids, really=really, kind_names=kind_names,
                             password=password, force=force, limit=limit, config=config))


_VERDICT_WORDS = {"send": "would send", "forced": "would send", "already": "already sent",
                  "refused": "refused", "held": "held back"}


def _verdict_lines(report: Any) -> None:
    recorded = [o for o, _ in report.recorded]
    for outgoing, verdict in report.judged:
        if outgoing in recorded:
            continue
        label = _VERDICT_WORDS[verdict.status]
        if not report.dry_run and verdict.sends:
            label = "sent" if outgoing in report.sent else "not sent"
        shown = [f"{h} {a}" for h, a in outgoing.recipients()]
        click.echo(f"{label:<13} {display_path(outgoing.path)} {', '.join(shown)}")
        if verdict.why:
            said = "forced" if verdict.status == "forced" else "why"
            click.echo(f"{'':<14}{said}: {verdict.why}")
        click.echo(f"{'':<14}subject: {outgoing.subject}")
        if report.dry_run and verdict.status != "already":
            for line in outgoing.opening():
                click.echo(f"{'':<14}| {line}")


def _sent_report(report: Any) -> None:
    for warning in report.warnings:
        click.echo(f"Warning: {warning}", err=True)
    _verdict_lines(report)
    for outgoing, how in report.recorded:
        click.echo(f"recorded      {display_path(outgoing.path)}: {how}")
    if report.recording and not report.recorded:
        click.echo("nothing to record")
    elif not report.to_send and not report.recording:
        click.echo("nothing to send")
    elif report.dry_run and report.to_send:
        click.echo("(a dry run: nothing was sent; --send sends them)")
    if report.dry_run and report.no_config:
        click.echo("(no smtp.yaml yet: --send needs one; docs/sending.md says what goes in it)")
    _sent_errors(report)


def _sent_errors(report: Any) -> None:
    """The failures, unrecorded messages and refusals, on standard error; exit 1."""
    for line in report.unrecorded:
        click.echo(f"Error: {line}", err=True)
    if report.error:
        recorded = len(report.sent) - len(report.unrecorded)
        unsent = len(report.to_send) - len(report.sent)
        missing = f"{len(report.unrecorded)} sent but not recorded, " \
            if report.unrecorded else ""
        click.echo(f"Error: {report.error}; {recorded} sent and recorded, {missing}{unsent} "
                   "not sent (their drafts are kept for the next run)", err=True)
    refused = report.of("refused")
    if refused:
        click.echo(f"Error: {len(refused)} draft{'s' if len(refused) > 1 else ''} refused "
                   "(why is said above); --force sends one that no longer fits the history",
                   err=True)
    if report.error or report.unrecorded or refused:
        sys.exit(1)


@cli.group("import")
def import_group() -> None:
    """Make contact files from a LinkedIn export or an address book (vCard)."""


def _import_options(func: F) -> F:
    options: list[Callable[[Any], Any]] = [
        click.argument("file", type=click.Path(dir_okay=False, path_type=Path, exists=True)),
        click.option("--relationship", default="acquaintance", show_default=True,
                     type=click.Choice(["friend", "acquaintance", "alumni", "referral",
                                        "cold"]),
                     help="The relationship every imported contact gets."),
        click.option("--dry-run", is_flag=True, help="Say what would be imported; write "
                     "nothing."),
        click.pass_context,
        _fail_cleanly,
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _imported(done: Any) -> None:
    verb = "would add" if done.dry_run else "added"
    for _cid, path, name, _todo in done.added:
        click.echo(f"{verb:<9} {display_path(path)}  {name}")
    for line in done.existing + done.skipped:
        click.echo(f"not added {line}")
    for warning in done.warnings:
        click.echo(f"Warning: {warning}", err=True)
    click.echo(f"\n{len(done.added)} {verb}, {len(done.existing)} already contacts, "
               f"{len(done.skipped)} without a name"
               + (f", {len(done.bad)} not imported (see the errors)" if done.bad else ""))
    todo = [(path, fields) for _cid, path, _name, fields in done.added if fields]
    if todo:
        click.echo("Before writing to them, replace each <<...>> (or delete an optional "
                   "line) in:")
        for path, fields in todo:
            click.echo(f"  {display_path(path)}: {', '.join(fields)}")
    for problem in sorted(done.bad, key=lambda p: p.line or 0):  # the rest was imported
        click.echo(f"Error: {problem}", err=True)
    if done.bad:
        sys.exit(1)


@import_group.command("linkedin")
@_import_options
def import_linkedin(ctx: click.Context, file: Path, relationship: str, dry_run: bool) -> None:
    """From LinkedIn's Connections.csv (Settings, Data privacy, Get a copy of your data)."""
    _import(ctx, file, relationship, dry_run, "linkedin")


@import_group.command("vcard")
@_import_options
def import_vcard(ctx: click.Context, file: Path, relationship: str, dry_run: bool) -> None:
    """From a vCard file (2.1, 3.0 or 4.0) exported by an address book."""
    _import(ctx, file, relationship, dry_run, "vcard")


def _import(ctx: click.Context, file: Path, relationship: str, dry_run: bool,
            source: str) -> None:
    """Read people from ``file`` (``linkedin`` or ``vcard``), write their contact files."""
    from outreach.channels import importing

    read, label = {"linkedin": (importing.read_linkedin, "LinkedIn"),
                   "vcard": (importing.read_vcard, "vCard")}[source]
    export = read(file)
    done = importing.import_people(
        _workspace(ctx), export.people, relationship,  # type: ignore[arg-type]
        source=f"{label}, {file.name}", dry_run=dry_run)
    done.skipped += export.skipped
    done.bad[:0] = export.bad
    _imported(done)
