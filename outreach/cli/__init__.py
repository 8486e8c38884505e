"""The command line: parses options, calls one library function per command, reports.

Only this module prints or exits. Every ``OutreachError`` becomes ``Error: ...`` lines
on standard error and exit status 1 (2 for a command-line mistake, as Click's own);
there is never a traceback for a user's mistake.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
import sys
from collections.abc import Callable, Iterator
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click

from outreach import __version__
from outreach.campaign.stage_names import STAGES
from outreach.errors import OutreachError, UsageError

F = TypeVar("F", bound=Callable[..., Any])


def _fail_cleanly(func: F) -> F:
    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except OutreachError as exc:
            for line in exc.lines():
                click.echo(f"Error: {line}", err=True)
            sys.exit(2 if isinstance(exc, UsageError) else 1)

    return wrapper  # type: ignore[return-value]


#: An example for every command, by its path under ``outreach``: shown at the end of
#: its ``--help`` (by ``_WholeSentence.format_epilog``, the one place that adds them),
#: each parsed by a test. Dates, contacts and files are the sample workspace's.
EXAMPLES: dict[str, tuple[str, ...]] = {
    "": ("outreach init", "outreach letter --all", "outreach due"),
    "init": ("outreach init my-campaign",),
    "letter": ("outreach letter jim-park", "outreach letter --all --dry-run",
               "outreach letter maria-lopez --format eml"),
    "script": ("outreach script jim-park --mode phone",),
    "questions": ("outreach questions jim-park --minutes 20 --goal break-in",
                  "outreach questions --all"),
    "thank-you": ("outreach thank-you priya-raman",
                  "outreach thank-you --since 7d --mark-sent"),
    "keep-in-touch": ('outreach keep-in-touch --landed "Policy Analyst at City of '
                      'Springfield"', 'outreach keep-in-touch --role Analyst '
                      '--organization "Acme, Inc."'),
    "linkedin": ("outreach linkedin jim-park --limit 300",),
    "envelopes": ("outreach envelopes --all", "outreach envelopes --all --labels"),
    "log": ('outreach log jim-park --event meeting --point "Internships open in March"',
            'outreach log maria-lopez --event call --referral "Ana Ruiz, County GIS"',
            "outreach log jim-park --event meeting --date 2026-12-10 --at 14:30",
            "outreach log jim-park --cancel 2026-12-10"),
    "due": ("outreach due", "outreach due --ics output/due.ics", "outreach due --json"),
    "send": ("outreach send --all", "outreach send jim-park --send",
             "outreach send --all --send --limit 5"),
    "contacts": ("outreach contacts", "outreach contacts --stage met --stage declined",
                 "outreach contacts --json", "outreach contacts --caseload clients/"),
    "report": ("outreach report", "outreach report --pdf report.pdf",
               "outreach report --caseload clients/ --json"),
    "cache": ("outreach cache",),
    "cache clear": ("outreach cache clear",),
    "templates": ("outreach templates list",),
    "templates list": ("outreach templates list",),
    "templates copy": ("outreach templates copy approach-letter.md.j2",),
    "templates diff": ("outreach templates diff",),
    "schema": ("outreach schema --output schema/", "outreach schema --contact"),
    "import": ("outreach import linkedin Connections.csv",),
    "import linkedin": ("outreach import linkedin Connections.csv --dry-run",),
    "import vcard": ("outreach import vcard contacts.vcf --relationship friend",),
}


def command_path(ctx: click.Context) -> str:
    """``ctx``'s command as ``EXAMPLES`` names it: ``templates copy``, ``""`` for outreach."""
    names: list[str] = []
    while ctx.parent is not None:
        names.insert(0, ctx.info_name or "")
        ctx = ctx.parent
    return " ".join(names)


class _WholeSentence:
    """A command whose line in ``outreach --help`` is its help's whole first sentence
    (Click would cut it to fit 45 characters), and whose help ends with its examples."""

    help: str | None

    def get_short_help_str(self, limit: int = 45) -> str:
        text = " ".join((self.help or "").split())
        match = re.match(r"(.+?[.!?])(\s|$)", text)
        return match.group(1) if match else text

    def format_epilog(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        examples = EXAMPLES.get(command_path(ctx), ())
        if examples:
            with formatter.section("Examples"):
                for example in examples:
                    formatter.write_text(example)


class _Command(_WholeSentence, click.Command):
    pass


class _Group(_WholeSentence, click.Group):
    command_class = _Command
    group_class = type  # subgroups (outreach templates, outreach import) are _Groups too


class _Bar:
    """A progress bar on standard error, shown only on a terminal; it starts when the
    plan says how much there is to do."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.bar: Any = None

    def start(self, total: int) -> None:
        self.bar = click.progressbar(length=max(1, total), label=self.label,
                                     file=sys.stderr, hidden=not sys.stderr.isatty())
        self.bar.__enter__()

    def advance(self, done: int) -> None:
        if self.bar is not None:
            self.bar.update(done)


@contextlib.contextmanager
def _progress(label: str) -> Iterator[_Bar]:
    bar = _Bar(label)
    try:
        yield bar
    finally:
        if bar.bar is not None:
            bar.bar.__exit__(None, None, None)


class _ContactId(click.types.StringParamType):
    """A contact's id (its file's name without .yaml); the shell completes the ids of
    the workspace's contact files."""

    name = "contact id"

    def shell_complete(self, ctx: click.Context, param: click.Parameter,
                       incomplete: str) -> list[Any]:
        from click.shell_completion import CompletionItem

        from outreach.workspace.paths import CONTACTS

        root = ctx.find_root().params.get("root") or Path()
        ids = sorted(p.stem for p in (Path(root) / CONTACTS).glob("*.yaml"))
        return [CompletionItem(i) for i in ids if i.startswith(incomplete)]


class _TemplateName(click.types.StringParamType):
    """A built-in template's name; the shell completes them."""

    name = "template"

    def shell_complete(self, ctx: click.Context, param: click.Parameter,
                       incomplete: str) -> list[Any]:
        from click.shell_completion import CompletionItem

        from outreach.compose.overrides import builtin_names

        return [CompletionItem(n) for n in builtin_names() if n.startswith(incomplete)]


CONTACT_ID = _ContactId()
#: A stage, as an option takes one: the shell completes the words (stage_names).
STAGE = click.Choice(STAGES)


def _workspace(ctx: click.Context) -> Any:
    from outreach.workspace.folder import Workspace

    obj = ctx.find_object(dict) or {}
    return Workspace(obj.get("root", Path.cwd()), obj.get("profile"))


def _report(report: Any) -> None:
    for warning in report.warnings:
        click.echo(f"Warning: {warning}", err=True)
    for outcome in report.outcomes:
        click.echo(str(outcome))
    if not report.outcomes:
        click.echo("nothing to write")
    if report.skipped:
        click.echo(report.skipped)
        _incomplete_hint(report.skipped)


def _incomplete_hint(skipped: str) -> None:
    """After a batch that left out contacts still holding placeholders: how to see what
    to fill in."""
    found = re.search(r"incomplete \(([^),]+)", skipped)
    if found:
        click.echo(f"Warning: fill in the <<...>> left in their files; outreach letter "
                   f"{found.group(1)} names each field and its line", err=True)


def _parse_day(_ctx: click.Context, _param: click.Parameter, value: str | None) -> dt.date | None:
    if value is None:
        return None
    from outreach.workspace.dates import parse_day

    try:
        return parse_day(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


def _formats(fmt: tuple[str, ...]) -> tuple[str, ...]:
    """``--format`` as given (repeatable): ``both`` is PDF and DOCX, the printed pair; an
    e-mail draft is written only when ``eml`` is named."""
    chosen = [f for one in fmt or ("both",) for f in (("pdf", "docx") if one == "both"
                                                       else (one,))]
    return tuple(dict.fromkeys(chosen))


def _ids(contact_ids: tuple[str, ...], all_: bool,
         stages: tuple[str, ...] = ()) -> list[str] | None:
    """The contacts named, or ``None`` for a batch (``--all``, or ``--stage``)."""
    if sum((bool(contact_ids), all_, bool(stages))) > 1:
        raise click.UsageError("give contact ids, --all or --stage, only one of them")
    if not all_ and not contact_ids and not stages:
        raise click.UsageError("name at least one contact id, or --all (see `outreach contacts`)")
    return None if all_ or stages else list(contact_ids)


def _batch_options(what: str) -> Callable[[F], F]:
    """``--all`` (the contacts at the stages the document belongs to) and ``--stage S``
    (those at another stage, on purpose)."""
    def decorate(func: F) -> F:
        func = click.option(
            "--stage", "stages", multiple=True, type=STAGE,
            help="Every contact at this stage (repeatable), in place of --all: "
                 "to write to them on purpose.")(func)
        return click.option("--all", "all_", is_flag=True,
                            help=f"Every contact for whom this is the next step: {what}.")(func)
    return decorate


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
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
    from outreach.cache import check

    unfit = _fail_cleanly(check)()  # OUTREACH_CACHE_MB=abc: said before anything runs
    if unfit and ctx.invoked_subcommand != "cache":
        click.echo(f"Warning: {unfit}", err=True)


def _output_options_for(date_help: str) -> Callable[[F], F]:
    """The options every writing command shares; ``--date`` says what it dates."""

    def add(func: F) -> F:
        func = _warming_up(func)
        for option in reversed(_writing_options(date_help)):
            func = option(func)
        return func

    return add


def _warming_up(func: F) -> F:
    """A writing command that lays out PDF or DOCX asks, as it is called, for the fork
    server its workers come from (``workers.warm_up_soon``, which decides by the batch's
    size and the machine's cores): the batch is the contacts named, or for ``--all`` and
    ``--since`` the contact files there are."""
    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        named = kwargs.get("contact_ids") or ()
        if {"pdf", "docx"} & set(_formats(kwargs.get("fmt") or ())) and (
                named or kwargs.get("all_") or kwargs.get("stages") or kwargs.get("since")):
            from outreach.render import workers
            from outreach.workspace.paths import CONTACTS

            root = (click.get_current_context().find_object(dict) or {}).get("root", Path())
            workers.warm_up_soon(len(named) or sum(1 for _ in (root / CONTACTS).glob("*.yaml")))
        return func(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def _writing_options(date_help: str) -> list[Callable[[F], F]]:
    return [
        click.option("--format", "fmt", type=click.Choice(["pdf", "docx", "eml", "both"]),
                     multiple=True, help="Which files to write (repeatable): both (the "
                     "default) is PDF and DOCX; eml is an e-mail draft (letters only)."),
        click.option("--output", "-o", "output_dir",
                     type=click.Path(file_okay=False, path_type=Path), default=None,
                     help="Write under DIR instead of the workspace's output/."),
        click.option("--force", is_flag=True, help="Overwrite files changed since outreach "
                     "wrote them, or not written by it (outreach's own are rewritten "
                     "without it)."),
        click.option("--dry-run", is_flag=True,
                     help="Render and check everything, say what would be written, write nothing."),
        click.option("--date", "today", callback=_parse_day, metavar="YYYY-MM-DD",
                     help=date_help),
    ]


_output_options = _output_options_for("The date on the document (default: today).")


def _enclose_options(what: str) -> Callable[[F], F]:
    """--enclose FILE and --enclose-title TEXT (repeatable, paired in order)."""
    def decorate(func: F) -> F:
        func = click.option(
            "--enclose-title", "enclose_titles", multiple=True, metavar="TEXT",
            help="The title the enclosure line gives the file enclosed (one per "
                 "--enclose, in order; default: the file's own title).")(func)
        return click.option(
            "--enclose", type=click.Path(dir_okay=False, path_type=Path), multiple=True,
            metavar="FILE", help=f"Send FILE with {what}.")(func)
    return decorate


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
    from outreach.app.main import keep_in_touch as write_letters
    from outreach.app.main import parse_landed
    from outreach.app.pipeline import Options

    landed_at = parse_landed(landed, role, organization)
    options = Options(formats=_formats(fmt), output_dir=output_dir, force=force,
                      dry_run=dry_run, today=today, landed=landed_at)
    with _progress("Writing keep-in-touch letters") as bar:
        report = write_letters(_workspace(ctx), list(contact_ids) or None, options,
                               mark_sent=mark_sent, progress=bar)
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
    from outreach.app.envelopes import envelopes as print_envelopes
    from outreach.app.pipeline import Options

    options = Options(stages=stages, formats=("pdf",), output_dir=output_dir, force=force,
                      dry_run=dry_run, today=today)
    report = print_envelopes(_workspace(ctx), _ids(contact_ids, all_, stages), options,
                             labels=labels)
    _report(report)
    click.echo()
    _table(report.table)


def _width(text: str) -> int:
    """The columns ``text`` takes on a terminal: two for a CJK character or an emoji,
    none for a combining accent (its length, for text holding a control character)."""
    from wcwidth import wcswidth

    width = wcswidth(text)
    return width if width >= 0 else len(text)


def _table(rows: list[tuple[str, ...]]) -> None:
    """Every table outreach prints (the header row first; nothing without a row under
    it), each column as wide as its widest cell on the terminal."""
    if len(rows) < 2:
        return
    widths = [max(_width(r[i]) for r in rows) for i in range(len(rows[0]))]
    for row in rows:
        click.echo("  ".join(cell + " " * (w - _width(cell))
                             for cell, w in zip(row, widths, strict=True)).rstrip())


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
    from outreach.app.main import thank_you as write_thank_you
    from outreach.app.pipeline import Options

    if since and contact_ids:
        raise click.UsageError("give contact ids or --since, not both")
    if not since and not contact_ids:
        raise click.UsageError("name at least one contact id, or --since 7d for the busy week")
    day = today or dt.date.today()
    options = Options(formats=_formats(fmt), output_dir=output_dir, force=force,
                      dry_run=dry_run, today=day, explain=explain, enclose=enclose,
                      enclose_titles=enclose_titles)
    start = parse_since(since, day) if since else None
    with _progress("Writing thank-you letters") as bar:
        report = write_thank_you(_workspace(ctx), None if start else list(contact_ids),
                                 options, since=start, mark_sent=mark_sent, progress=bar)
    if explain:
        _explain(report)
    _report(report)
    click.echo()
    _table(report.table)
    for cid in report.marked:
        click.echo(f"marked thank-you-sent in the history of {cid}")


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
    from outreach.app.main import cancel_booking, log_event

    if (event is None) == (cancel is None):
        raise click.UsageError("give --event EVENT (what happened or is booked), or "
                               "--cancel DATE (a booking to remove)")
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
    from outreach.app.main import what_is_due
    from outreach.workspace.placeholders import placeholders_allowed

    today = day or dt.date.today()
    if caseload is not None:
        if ics is not None:
            raise click.UsageError("--ics is for one workspace, not with --caseload")
        return _caseload_due(caseload, today)
    with placeholders_allowed():
        items = what_is_due(_workspace(ctx), today, ics, force)
    if as_json:
        import json

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
    import os

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
    from outreach.errors import display_path

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
    from outreach.errors import display_path

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
    import json

    from outreach.app.main import contact_rows
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


# -- a new user's first hour: init, templates, schema, import, a caseload -----------------


@cli.command("init")
@click.argument("directory", metavar="[DIR]", required=False,
                type=click.Path(file_okay=False, path_type=Path))
@click.pass_context
@_fail_cleanly
def init_command(ctx: click.Context, directory: Path | None) -> None:
    """Make DIR (default: the workspace folder) a new workspace to fill in.

    Writes a commented profile skeleton, an example contact, templates/ with a note on
    overriding, a .gitignore for output/ and the schemas an editor checks the YAML with.
    Nothing that exists is overwritten.
    """
    from outreach.errors import display_path
    from outreach.workspace.init import init

    root = directory.resolve() if directory is not None else _workspace(ctx).root
    done = init(root)
    if not done.written:
        click.echo(f"nothing changed: {display_path(root)} already holds every file "
                   "`outreach init` writes, and init never overwrites a file")
        return
    for path in done.written:
        click.echo(f"written  {display_path(path)}")
    for path in done.kept:
        click.echo(f"kept     {display_path(path)} (it exists)")
    click.echo("\nNext: replace each <<...>> in profiles/candidate.yaml and in the example "
               "contact (or import yours: outreach import linkedin Connections.csv), then "
               "run: outreach letter --all")


@cli.group("templates", invoke_without_command=True)
@click.pass_context
@_fail_cleanly
def templates_group(ctx: click.Context) -> None:
    """The built-in templates and your versions of them in templates/.

    `outreach templates list` (or `outreach templates` alone) lists them; `outreach
    templates copy NAME` copies one to edit; `outreach templates diff NAME` shows how
    yours differs from the built-in.
    """
    if ctx.invoked_subcommand is None:
        _list_templates(ctx)


@templates_group.command("list")
@click.pass_context
@_fail_cleanly
def templates_list(ctx: click.Context) -> None:
    """List the built-in templates, what each is, and whether templates/ holds yours."""
    _list_templates(ctx)


def _list_templates(ctx: click.Context) -> None:
    from outreach.compose.overrides import listing

    rows: list[tuple[str, ...]] = [("TEMPLATE", "IN templates/", "WHAT IT IS")]
    rows += [(t.name, t.state, t.description) for t in listing(_workspace(ctx).templates_dir)]
    _table(rows)


@templates_group.command("copy")
@click.argument("names", nargs=-1, metavar="NAME...", type=_TemplateName())
@click.option("--all", "all_", is_flag=True, help="Copy every built-in template.")
@click.pass_context
@_fail_cleanly
def templates_copy(ctx: click.Context, names: tuple[str, ...], all_: bool) -> None:
    """Copy built-in templates into templates/ to edit (never over a file there)."""
    from outreach.compose.overrides import copy
    from outreach.errors import display_path

    if all_ == bool(names):
        raise click.UsageError("name the templates to copy, or --all (not both)")
    for path, copied in copy(None if all_ else list(names), _workspace(ctx).templates_dir):
        click.echo(f"copied   {display_path(path)}" if copied else
                   f"kept     {display_path(path)} (yours is there; it is never replaced)")


@templates_group.command("diff")
@click.argument("names", nargs=-1, metavar="[NAME...]", type=_TemplateName())
@click.pass_context
@_fail_cleanly
def templates_diff(ctx: click.Context, names: tuple[str, ...]) -> None:
    """Show how your templates differ from the built-in ones (a unified diff)."""
    from outreach.compose.overrides import diff, overridden

    folder = _workspace(ctx).templates_dir
    chosen = list(names) or overridden(folder)
    if not chosen:
        click.echo("templates/ holds no version of a built-in template")
    for name in chosen:
        click.echo(diff(name, folder) or f"{name}: the same as the built-in\n", nl=False)


@cli.command("schema")
@click.option("--profile", "which", flag_value="profile", help="The profile's schema, to "
              "standard output.")
@click.option("--contact", "which", flag_value="contact", help="A contact's schema, to "
              "standard output.")
@click.option("--output", "-o", "folder", type=click.Path(file_okay=False, path_type=Path),
              default=None, metavar="DIR",
              help="Write profile.schema.json and contact.schema.json into DIR.")
@click.option("--force", is_flag=True, help="Overwrite schema files in DIR not written by "
              "outreach, or changed since.")
@_fail_cleanly
def schema_command(which: str | None, folder: Path | None, force: bool) -> None:
    """JSON Schema of the profile and a contact, for an editor's YAML language server.

    `outreach init` writes both into schema/ and points each YAML file at them.
    """
    from outreach.workspace.schema import schema_text, write_schemas

    if (which is None) == (folder is None):
        raise click.UsageError("choose --profile or --contact (to standard output), or "
                               "--output DIR (both files)")
    if which is not None:
        click.echo(schema_text(which), nl=False)  # type: ignore[arg-type]
        return
    assert folder is not None
    for outcome in write_schemas(folder, force=force):
        click.echo(str(outcome))


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
    from outreach.errors import display_path

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


def _caseload_due(folder: Path, today: dt.date) -> None:
    from outreach.campaign.caseload import due as caseload_due

    found = caseload_due(folder, today)
    rows: list[tuple[str, ...]] = [("CLIENT", "DUE", "", "CONTACT", "TO DO", "WHY")]
    rows += [(client, item.due.isoformat(), "OVERDUE" if item.overdue else "", item.name,
              item.action, item.reason) for client, item in found.due]
    if not found.due:
        click.echo("nothing is due")
    _table(rows)
    for line in found.notes:
        click.echo(f"Warning: {line}", err=True)
    for line in found.problems:
        click.echo(f"Error: {line}", err=True)
    if found.problems:
        sys.exit(1)
    if any(item.overdue for _, item in found.due):
        sys.exit(3)


def _caseload_contacts(folder: Path) -> None:
    from outreach.campaign.caseload import counts

    found = counts(folder)
    _table([("CLIENT", "CONTACTS", "CONVERSATIONS", "LAST CONVERSATION"),
            *[(c, str(n), str(t), last) for c, n, t, last in found.counts]])
    for line in found.notes:
        click.echo(f"Warning: {line}", err=True)
    for line in found.problems:
        click.echo(f"Error: {line}", err=True)
    if found.problems:
        sys.exit(1)


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
    import json

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
    import json

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


@cli.group("cache", invoke_without_command=True)
@click.pass_context
@_fail_cleanly
def cache_group(ctx: click.Context) -> None:
    """Show where the layout cache is, its size and its limit.

    The cache keeps laid-out pages and parsed documents, so that a batch run again
    redoes only what changed. `outreach cache clear` empties it. OUTREACH_CACHE_DIR
    moves it, OUTREACH_CACHE_MB sets its size (0 turns it off), OUTREACH_CACHE=off
    turns it off (docs/cache.md).
    """
    from outreach.cache import summary

    if ctx.invoked_subcommand is not None:
        return
    found = summary()
    if found.folder is None:
        click.echo("the layout cache is off (OUTREACH_CACHE=off or OUTREACH_CACHE_MB=0)")
        return
    click.echo(f"folder   {found.folder}")
    if found.unfit:
        click.echo(f"not used {found.unfit}")
        return
    click.echo(f"size     {_megabytes(found.size)} in {found.entries} "
               f"{'entry' if found.entries == 1 else 'entries'}")
    click.echo(f"limit    {_megabytes(found.limit)} (OUTREACH_CACHE_MB)")


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB" if size >= 102_400 else f"{size / 1024:.0f} kB"


@cache_group.command("clear")
@_fail_cleanly
def cache_clear() -> None:
    """Remove the cache's entries (and nothing else in its folder)."""
    from outreach.cache import clear, summary

    found = summary()
    if found.folder is None:
        click.echo("nothing to clear: the layout cache is off")
        return
    if found.unfit:
        click.echo(f"nothing to clear: {found.folder} is not used as the layout cache: "
                   f"{found.unfit}")
        return
    removed, freed = clear()
    click.echo(f"removed  {removed} {'entry' if removed == 1 else 'entries'} "
               f"({_megabytes(freed)}) from {found.folder}")


def _stop(signum: int, _frame: object) -> None:
    """SIGTERM ends the command like Ctrl-C: cleanup runs, no temporary file is left."""
    raise SystemExit(128 + signum)


def main() -> None:
    import os
    import signal

    signal.signal(signal.SIGTERM, _stop)
    try:
        cli(prog_name="outreach")
    except Exception as exc:  # a bug of ours: say so in one line; the trace on request
        if os.environ.get("OUTREACH_DEBUG"):
            raise
        click.echo(f"Error: internal error ({type(exc).__name__}: {exc}); this is a bug in "
                   "outreach: run again with OUTREACH_DEBUG=1 to see where, and report it",
                   err=True)
        sys.exit(70)
