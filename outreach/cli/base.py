"""The command line's shared parts: the group, its options and reports, the one table
printer; only the cli package prints or exits. Every ``OutreachError`` becomes ``Error: ...``
lines on standard error and exit status 1 (2 for a command-line mistake, as Click's own);
there is never a traceback for a user's mistake. The commands are in the modules beside
this one, one per group of commands."""


from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import sys
from collections.abc import Callable, Iterator
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click

from outreach import __version__
from outreach.campaign.stage_names import STAGES as STAGES
from outreach.errors import OutreachError, UsageError

from .stopping import Stopping

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
        from click.shell_completion import CompletionItem  # deferred: click.shell_completion

        from outreach.workspace.paths import CONTACTS

        root = ctx.find_root().params.get("root") or Path()
        ids = sorted(p.stem for p in (Path(root) / CONTACTS).glob("*.yaml"))
        return [CompletionItem(i) for i in ids if i.startswith(incomplete)]


class _TemplateName(click.types.StringParamType):
    """A built-in template's name; the shell completes them."""

    name = "template"

    def shell_complete(self, ctx: click.Context, param: click.Parameter,
                       incomplete: str) -> list[Any]:
        from click.shell_completion import CompletionItem  # deferred: click.shell_completion

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
    said = report.skipped.summary() if report.skipped else None
    if said:
        click.echo(said)
        _incomplete_hint(report.skipped.incomplete)


def _incomplete_hint(ids: list[str]) -> None:
    """After a batch that left out contacts still holding placeholders: how to see what
    to fill in."""
    if ids:
        command = click.get_current_context().command_path.removeprefix("outreach ")
        named = command if command.split()[0] in ("letter", "script", "questions",
                                                  "linkedin", "thank-you") else "letter"
        click.echo(f"Warning: fill in the <<...>> left in their files; outreach {named} "
                   f"{ids[0]} names each field and its line", err=True)


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


def _width(text: str) -> int:
    """The columns ``text`` takes on a terminal: two for a CJK character or an emoji,
    none for a combining accent (its length, for text holding a control character)."""
    from wcwidth import wcswidth  # deferred: wcwidth

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


def main() -> None:
    stopping = Stopping()
    stopping.install()
    code: object = 0
    try:
        cli(prog_name="outreach")
    except SystemExit as exc:
        code = exc.code
        raise
    except Exception as exc:  # a bug of ours: say so in one line; the trace on request
        if os.environ.get("OUTREACH_DEBUG"):
            raise
        click.echo(f"Error: internal error ({type(exc).__name__}: {exc}); this is a bug in "
                   "outreach: run again with OUTREACH_DEBUG=1 to see where, and report it",
                   err=True)
        code = 70
        sys.exit(70)
    finally:  # stopped by a signal: end here, once cleanup has run (cli/stopping.py)
        stopping.end(code)
