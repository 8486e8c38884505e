"""README.md stays true: its command examples run and print what it shows, its YAML
examples validate, and every command and option its table names exists."""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable
from pathlib import Path

import click
import pytest
import yaml

from conftest import REPO, copy_workspace, run
from outreach.cli import cli
from outreach.models import Contact, Profile
from outreach.questions import BankFile
from outreach.send import SmtpConfig

README = (REPO / "README.md").read_text(encoding="utf-8")
BLOCKS = re.findall(r"^```(\w*)\n(.*?)^```", README, flags=re.S | re.M)


def _examples() -> list[tuple[str, list[str]]]:
    """Each ``$ outreach ...`` line of a plain block, with the lines shown after it."""
    found = []
    for lang, body in BLOCKS:
        lines = body.splitlines()
        if lang or not lines or not lines[0].startswith("$ outreach "):
            continue
        found.append((lines[0][2:], lines[1:]))
    return found


def _typo(ws: Path) -> None:
    path = ws / "profiles" / "contacts" / "jim-park.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("title:", "titel:", 1),
                    encoding="utf-8")


#: What the sample workspace needs for an example to show what README says it shows.
SETUP: dict[str, Callable[[Path], None]] = {"outreach letter --all": _typo}


def _fold(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("command,shown", _examples(), ids=lambda v: str(v)[:40])
def test_each_example_prints_what_the_readme_shows(command: str, shown: list[str],
                                                   tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    ws = copy_workspace(tmp_path)
    SETUP.get(command, lambda _ws: None)(ws)
    monkeypatch.chdir(ws)
    result = run(ws, *shlex.split(command)[1:])
    actual = _fold(result.out + "\n" + result.err)
    segments = [[]]  # the shown lines, cut at each "..." (lines left out)
    for line in shown:
        if line.strip() == "...":
            segments.append([])
        else:
            segments[-1].append(line)
    for segment in segments:
        assert _fold("\n".join(segment)) in actual


def test_there_are_examples_to_run() -> None:
    assert len(_examples()) >= 3


@pytest.mark.parametrize("body", [b for lang, b in BLOCKS if lang == "yaml"],
                         ids=lambda b: b.split("\n", 1)[0][:30])
def test_each_yaml_example_validates(body: str) -> None:
    data = yaml.safe_load(body)
    if "relationship" in data:  # a contact (it may hold questions of its own)
        Contact.model_validate(data)
    elif "questions" in data:
        BankFile.model_validate(data)
    elif "host" in data:
        SmtpConfig.model_validate(data)
    else:
        Profile.model_validate(data)


def _table_rows() -> list[tuple[str, str]]:
    """``(command, options named)`` for each row of README's command table."""
    rows = []
    for line in README.splitlines():
        match = re.match(r"\| `outreach ([a-z-]+(?: [a-z]+)?)", line)
        if match:
            rows.append((match.group(1), line))
    return rows


def _options(command: click.Command) -> set[str]:
    names = {opt for p in command.params for opt in getattr(p, "opts", [])}
    for sub in getattr(command, "commands", {}).values():
        names |= _options(sub)
    return names | _GLOBAL


_GLOBAL = {"--workspace", "--profile", "--help", "--version"}


@pytest.mark.parametrize("name,row", _table_rows(), ids=lambda v: str(v)[:30])
def test_each_command_and_option_in_the_table_exists(name: str, row: str) -> None:
    assert isinstance(cli, click.Group)
    command = cli.commands.get(name.split()[0])
    assert command is not None, f"README names outreach {name}, which does not exist"
    for span in re.findall(r"`([^`]*)`", row):
        words = span.split()
        other = cli.commands.get(words[0]) if words else None  # `thank-you --mark-sent`
        known = _options(other if other is not None else command)
        for option in re.findall(r"(?<![\w-])(--[a-z][a-z-]*)", span):
            assert option in known, f"README: {span!r} names {option}, which does not exist"


def test_every_command_has_a_row_in_the_table() -> None:
    assert isinstance(cli, click.Group)
    named = {name.split()[0] for name, _ in _table_rows()}
    assert set(cli.commands) <= named, set(cli.commands) - named
