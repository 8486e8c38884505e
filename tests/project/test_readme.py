"""README.md and docs/ stay true: every command example runs (in a copy of the sample
workspace) and prints what the page shows, every YAML example validates, every command
and option they name exists, and each command has its section and example in
docs/commands.md."""

from __future__ import annotations

import re
import shlex
import shutil
from collections.abc import Callable
from pathlib import Path

import click
import pytest
import yaml

from conftest import REPO, copy_workspace, run
from outreach.channels.send import SmtpConfig
from outreach.cli import cli
from outreach.compose.questions import BankFile
from outreach.workspace.models import Contact, Profile

PAGES = {path.relative_to(REPO).as_posix(): path.read_text(encoding="utf-8")
         for path in [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]}
README = PAGES["README.md"]
COMMANDS = PAGES["docs/commands.md"]


def _blocks(text: str) -> list[tuple[str, str]]:
    return re.findall(r"^```(\w*)\n(.*?)^```", text, flags=re.S | re.M)


def _examples() -> list[tuple[str, str, list[str]]]:
    """Each ``$ outreach ...`` line of a plain block, with its page and the lines shown
    after it."""
    found = []
    for page, text in PAGES.items():
        for lang, body in _blocks(text):
            if lang:
                continue
            for one in re.split(r"\n(?=\$ )", body.rstrip("\n")):
                lines = one.splitlines()
                if lines and lines[0].startswith("$ outreach "):
                    found.append((page, lines[0][2:], lines[1:]))
    return found


def _typo(ws: Path) -> None:
    path = ws / "profiles" / "contacts" / "jim-park.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("title:", "titel:", 1),
                    encoding="utf-8")


def _empty(ws: Path) -> None:
    shutil.rmtree(ws)
    ws.mkdir()


#: What the sample workspace needs for an example to show what the page says it shows.
SETUP: dict[str, Callable[[Path], None]] = {"outreach letter --all": _typo,
                                            "outreach init": _empty}


def example_workspace(tmp_path: Path) -> Path:
    """The sample workspace, with the files the examples read: the sample LinkedIn export
    and address book, a mail server, and a counsellor's folder of one client."""
    ws = copy_workspace(tmp_path)
    shutil.copy(REPO / "examples" / "Connections.csv", ws / "Connections.csv")
    shutil.copy(REPO / "examples" / "contacts.vcf", ws / "contacts.vcf")
    shutil.copytree(REPO / "profiles", ws / "clients" / "ana-client" / "profiles")
    (ws / "smtp.yaml").write_text("host: smtp.example.org\nuser: dana@example.org\n",
                                  encoding="utf-8")
    return ws


def _fold(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("page,command,shown", _examples(), ids=lambda v: str(v)[:40])
def test_each_example_prints_what_the_page_shows(page: str, command: str, shown: list[str],
                                                 tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    ws = example_workspace(tmp_path)
    SETUP.get(command, lambda _ws: None)(ws)
    monkeypatch.chdir(ws)
    result = run(ws, *shlex.split(command)[1:])
    failing = any(line.startswith("Error:") for line in shown)
    assert result.code in ((1,) if failing else (0, 3)), (page, result.err)
    actual = _fold(result.out + "\n" + result.err)
    segments: list[list[str]] = [[]]  # the shown lines, cut at each "..." (lines left out)
    for line in shown:
        if line.strip() == "...":
            segments.append([])
        else:
            segments[-1].append(line)
    for segment in segments:
        assert _fold("\n".join(segment)) in actual, page


def test_there_are_examples_to_run() -> None:
    pages = {page for page, _, _ in _examples()}
    assert {"README.md", "docs/commands.md"} <= pages and len(_examples()) >= 20


@pytest.mark.parametrize("body", [b for text in PAGES.values() for lang, b in _blocks(text)
                                  if lang == "yaml"],
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


def _options(command: click.Command) -> set[str]:
    names = {opt for p in command.params for opt in getattr(p, "opts", [])}
    for sub in getattr(command, "commands", {}).values():
        names |= _options(sub)
    return names | _GLOBAL


_GLOBAL = {"--workspace", "--profile", "--help", "--version"}


def _named(text: str) -> list[tuple[str, str]]:
    """``(command, text about it)`` for each row of a table, or section of a page, that
    starts by naming an ``outreach`` command."""
    found = []
    for part in re.split(r"\n(?=## |\| `outreach )", text):
        match = re.match(r"(?:## |\| )`outreach ([a-z-]+)", part)
        if match:
            found.append((match.group(1), part.split("\n```", 1)[0]))
    return found


@pytest.mark.parametrize("name,text", _named(README) + _named(COMMANDS),
                         ids=lambda v: str(v)[:30])
def test_each_command_and_option_named_exists(name: str, text: str) -> None:
    assert isinstance(cli, click.Group)
    command = cli.commands.get(name)
    assert command is not None, f"the docs name outreach {name}, which does not exist"
    for span in re.findall(r"`([^`]*)`", text):
        words = span.split()
        other = cli.commands.get(words[1] if words[:1] == ["outreach"] and len(words) > 1
                                 else words[0] if words else "")
        known = _options(other if other is not None else command)
        for option in re.findall(r"(?<![\w-])(--[a-z][a-z-]*)", span):
            assert option in known, f"{span!r} names {option}, which does not exist"


def test_every_command_has_a_line_in_the_readme_and_a_section_with_an_example() -> None:
    assert isinstance(cli, click.Group)
    assert set(cli.commands) <= {name for name, _ in _named(README)}
    sections = {name for name, _ in _named(COMMANDS)}
    assert set(cli.commands) <= sections, set(cli.commands) - sections
    shown = {shlex.split(command)[1] for page, command, _ in _examples()
             if page == "docs/commands.md"}
    assert set(cli.commands) <= shown, set(cli.commands) - shown


def test_the_readme_is_for_users() -> None:
    """About 150 lines; the rest is in docs/, and every page it links to exists."""
    assert len(README.splitlines()) <= 170
    for link in re.findall(r"\]\((docs/[^)#]+)", README):
        assert (REPO / link).is_file(), link
    assert "## Where each contact stands\n" in README and "(docs/campaign.md)" in README


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_the_completion_lines_in_the_docs_give_a_script(
        shell: str, monkeypatch: pytest.MonkeyPatch) -> None:
    line = next(row for row in COMMANDS.splitlines() if row.startswith(f"| {shell} |"))
    assert f"_OUTREACH_COMPLETE={shell}_source outreach" in line
    monkeypatch.setenv("_OUTREACH_COMPLETE", f"{shell}_source")
    with pytest.raises(SystemExit) as done:
        cli.main([], prog_name="outreach")
    assert done.value.code == 0
