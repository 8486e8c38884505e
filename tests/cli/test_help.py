"""Help and the shell: an example in every command's help (each one parses), exit
codes that mean one thing each, and completion of contact ids, stages and templates
through Click's completion API."""

from __future__ import annotations

import shlex
import warnings
from pathlib import Path

import click
import pytest
from click.shell_completion import ShellComplete

from conftest import REPO, run
from outreach.cli import EXAMPLES, STAGES, cli
from outreach.compose.overrides import builtin_names


def _commands(group: click.Group = cli, path: str = "") -> list[tuple[str, click.Command]]:
    """Every command under ``outreach`` (groups too), by its path."""
    found: list[tuple[str, click.Command]] = [(path, group)] if not path else []
    for name, command in group.commands.items():
        sub = f"{path} {name}".strip()
        found.append((sub, command))
        if isinstance(command, click.Group):
            found += [c for c in _commands(command, sub) if c[0] != sub]
    return found


def _rest(ctx: click.Context) -> list[str]:
    """The words a group left for its subcommand (Click 8.2 moves them into args)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        return [*ctx.protected_args, *ctx.args]


def _resolve(args: list[str]) -> tuple[click.Context, click.Command]:
    """Parse ``args`` as the shell would pass them, down to the command they name,
    without running it (a usage mistake raises click.UsageError)."""
    ctx = cli.make_context("outreach", list(args), resilient_parsing=False)
    command: click.Command = cli
    while isinstance(command, click.Group) and _rest(ctx):
        _name, sub, rest = command.resolve_command(ctx, _rest(ctx))
        assert sub is not None
        ctx = sub.make_context(_name, rest, parent=ctx)
        command = sub
    return ctx, command


@pytest.mark.parametrize(("path", "command"), _commands(), ids=lambda v: str(v)[:30])
def test_every_command_shows_an_example_that_parses(
        path: str, command: click.Command, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("Connections.csv", "contacts.vcf"):  # the files the examples read
        (tmp_path / name).write_text("")
    monkeypatch.chdir(tmp_path)
    examples = EXAMPLES.get(path)
    assert examples, f"outreach {path} has no example in EXAMPLES"
    shown = run(tmp_path, *path.split(), "--help")
    assert shown.code == 0 and "Examples:" in shown.out
    for example in examples:
        assert f"  {example}" in shown.out
        words = shlex.split(example)
        assert words[0] == "outreach" and " ".join(words[1:]).startswith(path)
        _resolve(words[1:])


def test_no_example_names_a_command_that_does_not_exist() -> None:
    assert set(EXAMPLES) <= {path for path, _ in _commands()} | {""}


@pytest.mark.parametrize(("args", "code"), [
    (["contacts"], 0),
    (["letter", "jim-park", "--dry-run", "--format", "pdf"], 0),
    (["letter", "nobody-here"], 1),  # a user's mistake in the workspace
    (["thank-you", "maria-lopez"], 1),  # nothing logged to thank for
    (["letter"], 2),  # a command-line mistake
    (["letter", "jim-park", "--all"], 2),
    (["letter", "--format", "tiff", "--all"], 2),
    (["no-such-command"], 2),
    (["templates", "copy"], 2),
    (["script", "jim-park", "--goal", "x"], 2),
    (["due", "--today", "2026-11-21"], 3),  # something is overdue
    (["due", "--today", "2026-11-10"], 0),
])
def test_exit_codes_mean_one_thing_each(ws: Path, args: list[str], code: int) -> None:
    result = run(ws, *args)
    assert result.code == code, (result.out, result.err)
    if code in (1, 2):
        assert result.err.startswith(("Error:", "Usage:")) and "Traceback" not in result.err


def _complete(args: list[str], incomplete: str) -> list[str]:
    completion = ShellComplete(cli, {}, "outreach", "_OUTREACH_COMPLETE")
    return [item.value for item in completion.get_completions(args, incomplete)]


def test_contact_ids_complete_from_the_workspace(tmp_path: Path) -> None:
    contacts = tmp_path / "profiles" / "contacts"
    contacts.mkdir(parents=True)
    for cid in ("chen-si-yuan", "chen-wei", "ivan-petrov"):
        (contacts / f"{cid}.yaml").write_text("name: x\n")
    (contacts / "notes.txt").write_text("not a contact")
    where = ["--workspace", str(tmp_path)]
    assert _complete([*where, "letter"], "chen") == ["chen-si-yuan", "chen-wei"]
    assert _complete([*where, "log"], "") == ["chen-si-yuan", "chen-wei", "ivan-petrov"]
    assert _complete([*where, "thank-you", "ivan-petrov"], "ch") == ["chen-si-yuan",
                                                                   "chen-wei"]
    assert _complete([*where, "send"], "i") == ["ivan-petrov"]


def test_template_names_complete() -> None:
    assert _complete(["templates", "copy"], "app") == ["approach-letter.md.j2"]
    assert set(_complete(["templates", "diff"], "")) == set(builtin_names())


def test_stages_complete_as_their_words() -> None:
    from outreach.cli import STAGE

    @click.command()
    @click.option("--stage", type=STAGE)
    def listing(stage: str) -> None: ...

    completion = ShellComplete(listing, {}, "listing", "_X")
    assert [i.value for i in completion.get_completions(["--stage"], "")] == list(STAGES)
    assert [i.value for i in completion.get_completions(["--stage"], "k")] == [
        "kept-in-touch"]


def test_templates_list_lists_every_built_in_template(tmp_path: Path) -> None:
    listed = run(tmp_path, "templates", "list")
    assert listed.code == 0
    assert [line.split()[0] for line in listed.out.splitlines()[1:]] == builtin_names()
    assert run(tmp_path, "templates").out == listed.out


def test_every_built_in_template_is_documented() -> None:
    text = (REPO / "docs" / "templates.md").read_text(encoding="utf-8")
    table = text.split("## The built-in templates", 1)[1].split("\n## ", 1)[0]
    assert [n for n in builtin_names() if f"| `{n}`" not in table] == []


def test_tables_align_by_display_width(tmp_path: Path) -> None:
    """CJK names take two columns a character, an emoji two, a combining accent none:
    every column of `outreach contacts` starts at the same place on the terminal."""
    from wcwidth import wcswidth

    contacts = tmp_path / "profiles" / "contacts"
    contacts.mkdir(parents=True)
    people = {"chen-si-yuan": ("陈思远", "alumni"), "zoe": ("Zoë 👩‍💻 Brandt", "friend"),
              "amelie": ("Ame\u0301lie Roy", "cold"), "ivan": ("Иван Петров", "friend")}
    for cid, (name, relationship) in people.items():
        (contacts / f"{cid}.yaml").write_text(f"name: {name}\nrelationship: {relationship}\n",
                                              encoding="utf-8")
    listed = run(tmp_path, "contacts")
    assert listed.code == 0, listed.err
    rows = listed.out.splitlines()
    starts = {wcswidth(row[:row.index(word)]) for row, word in zip(
        rows, ["RELATIONSHIP", *[people[r.split()[0]][1] for r in rows[1:]]], strict=True)}
    assert len(starts) == 1 and len(rows) == 5
