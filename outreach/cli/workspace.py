"""The workspace itself: init, templates, schema, cache."""

from __future__ import annotations

from pathlib import Path

import click

from outreach.cli.base import (
    _fail_cleanly,
    _table,
    _TemplateName,
    _workspace,
    cli,
)
from outreach.errors import display_path

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
