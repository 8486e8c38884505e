"""The command line: parses options, calls one library function per command, reports.

Only this module prints or exits. Every ``OutreachError`` becomes ``Error: ...`` lines
on standard error and exit status 1; there is never a traceback for a user's mistake.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click

from . import __version__
from .errors import OutreachError

F = TypeVar("F", bound=Callable[..., Any])


def _fail_cleanly(func: F) -> F:
    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except OutreachError as exc:
            for line in exc.lines():
                click.echo(f"Error: {line}", err=True)
            sys.exit(1)

    return wrapper  # type: ignore[return-value]


def _workspace(ctx: click.Context) -> Any:
    from .workspace import Workspace

    obj = ctx.find_object(dict) or {}
    return Workspace(obj.get("root", Path.cwd()), obj.get("profile"))


def _report(report: Any) -> None:
    for warning in report.warnings:
        click.echo(f"Warning: {warning}", err=True)
    for outcome in report.outcomes:
        click.echo(str(outcome))
    if not report.outcomes:
        click.echo("nothing to write")


def _parse_day(_ctx: click.Context, _param: click.Parameter, value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date written YYYY-MM-DD") from None


def _ids(contact_ids: tuple[str, ...], all_: bool) -> list[str] | None:
    if all_ and contact_ids:
        raise click.UsageError("give contact ids or --all, not both")
    if not all_ and not contact_ids:
        raise click.UsageError("name at least one contact id, or --all (see `outreach contacts`)")
    return None if all_ else list(contact_ids)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="outreach")
@click.option("--workspace", "-w", "root", type=click.Path(file_okay=False, path_type=Path),
              default=Path("."), show_default=True,
              help="The workspace folder (profiles/, templates/, output/).")
@click.option("--profile", metavar="NAME", default=None,
              help="Use profiles/NAME.yaml (default: profiles/candidate.yaml).")
@click.pass_context
def cli(ctx: click.Context, root: Path, profile: str | None) -> None:
    """Letters, phone scripts, question sheets and thank-you notes for an
    informational-interview campaign, written from YAML as PDF and DOCX."""
    ctx.ensure_object(dict)
    ctx.obj["root"] = root.resolve()
    ctx.obj["profile"] = profile


def _output_options(func: F) -> F:
    options = [
        click.option("--format", "fmt", type=click.Choice(["pdf", "docx", "both"]),
                     default="both", show_default=True, help="Which files to write."),
        click.option("--output", "-o", "output_dir",
                     type=click.Path(file_okay=False, path_type=Path), default=None,
                     help="Write under DIR instead of the workspace's output/."),
        click.option("--force", is_flag=True, help="Overwrite files that exist."),
        click.option("--dry-run", is_flag=True,
                     help="Render and check everything, say what would be written, write nothing."),
        click.option("--date", "today", callback=_parse_day, metavar="YYYY-MM-DD",
                     help="The date on the document (default: today)."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


@cli.command()
@click.argument("contact_ids", nargs=-1, metavar="CONTACT_ID...")
@click.option("--all", "all_", is_flag=True, help="Every contact in profiles/contacts/.")
@click.option("--enclose", type=click.Path(dir_okay=False, path_type=Path), multiple=True,
              metavar="FILE", help="Send FILE with the letter (never the résumé).")
@_output_options
@click.pass_context
@_fail_cleanly
def letter(ctx: click.Context, contact_ids: tuple[str, ...], all_: bool,
           enclose: tuple[Path, ...], fmt: str, output_dir: Path | None, force: bool,
           dry_run: bool, today: dt.date | None) -> None:
    """Write the approach letter for each contact: output/<id>/approach-letter.pdf|.docx.

    The letter asks for information and advice, never a job, and never encloses the
    résumé: bring it to the meeting instead.
    """
    from .main import FORMATS, Options, generate

    options = Options(formats=FORMATS if fmt == "both" else (fmt,), output_dir=output_dir,
                      force=force, dry_run=dry_run, today=today, enclose=enclose)
    _report(generate(_workspace(ctx), "approach-letter", _ids(contact_ids, all_), options))


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
@click.argument("contact_ids", nargs=-1, metavar="CONTACT_ID...")
@click.option("--all", "all_", is_flag=True, help="Every contact in profiles/contacts/.")
@_meeting_options
@_output_options
@click.pass_context
@_fail_cleanly
def script(ctx: click.Context, contact_ids: tuple[str, ...], all_: bool, mode: str | None,
           explain: bool, fmt: str, output_dir: Path | None, force: bool, dry_run: bool,
           today: dt.date | None) -> None:
    """Write the phone script asking each contact for a meeting:
    output/<id>/phone-script.pdf|.docx.

    The call, a two-choice close from your availability, then the branches: an
    assistant, voicemail, "too busy / send your résumé", and "yes, now".
    """
    from .main import FORMATS, Options, generate

    options = Options(formats=FORMATS if fmt == "both" else (fmt,), output_dir=output_dir,
                      force=force, dry_run=dry_run, today=today, mode=mode,  # type: ignore[arg-type]
                      explain=explain)
    report = generate(_workspace(ctx), "phone-script", _ids(contact_ids, all_), options)
    if explain:
        _explain(report)
    _report(report)


@cli.command()
@click.argument("contact_ids", nargs=-1, metavar="CONTACT_ID...")
@click.option("--all", "all_", is_flag=True, help="Every contact in profiles/contacts/.")
@click.option("--minutes", type=click.IntRange(10, 60), default=None,
              help="The meeting's length (default: the profile's meeting_minutes).")
@click.option("--goal", "goals", multiple=True, metavar="GOAL",
              help="A goal for this meeting (repeatable); replaces the contact's and "
                   "the profile's goals.")
@_meeting_options
@_output_options
@click.pass_context
@_fail_cleanly
def questions(ctx: click.Context, contact_ids: tuple[str, ...], all_: bool,
              minutes: int | None, goals: tuple[str, ...], mode: str | None, explain: bool,
              fmt: str, output_dir: Path | None, force: bool, dry_run: bool,
              today: dt.date | None) -> None:
    """Write the question sheet for a meeting: output/<id>/question-sheet.pdf|.docx.

    Research notes, the agenda, questions chosen for your goals (about one per 3 to 4
    minutes, at least 5) with room for answers, the closing asks, and what to do after.
    """
    from .main import FORMATS, Options, generate
    from .models import GOALS

    unknown = [g for g in goals if g not in GOALS]
    if unknown:
        raise click.BadParameter(f"unknown goal {', '.join(unknown)}; valid goals are: "
                                 f"{', '.join(GOALS)}", param_hint="--goal")
    options = Options(formats=FORMATS if fmt == "both" else (fmt,), output_dir=output_dir,
                      force=force, dry_run=dry_run, today=today, minutes=minutes,
                      goals=goals, mode=mode, explain=explain)  # type: ignore[arg-type]
    report = generate(_workspace(ctx), "question-sheet", _ids(contact_ids, all_), options)
    if explain:
        _explain(report)
    _report(report)


@cli.command()
@click.pass_context
@_fail_cleanly
def contacts(ctx: click.Context) -> None:
    """List the contacts with their relationship and last event."""
    from .main import list_contacts

    rows = list_contacts(_workspace(ctx))
    if not rows:
        click.echo("no contacts yet: add one file per person in profiles/contacts/")
        return
    headers = ("ID", "NAME", "RELATIONSHIP", "LAST EVENT")
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]
    for row in (headers, *rows):
        click.echo("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())


def main() -> None:
    cli(prog_name="outreach")
