"""The project as a newcomer reads it: it stands alone, its functions are short, and
`outreach --help` says what each command does."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import click
import pytest

from conftest import REPO
from outreach.cli import cli

#: Patterns that would point a reader at files outside the repository.
OUTSIDE = re.compile(r"DESIGN\.md|\.\./shared|\bseeds? 0\d\d|\bseed 0|\bseeds 0",
                     re.IGNORECASE)


def _project_files() -> list[Path]:
    listed = subprocess.run(["git", "ls-files"], cwd=REPO, capture_output=True, text=True)
    if listed.returncode == 0 and listed.stdout.strip():
        names = listed.stdout.splitlines()
    else:  # not a git checkout (an unpacked archive): every file but the tools' own
        names = [str(p.relative_to(REPO)) for p in REPO.rglob("*") if p.is_file()
                 and not {".git", ".venv", "output"} & set(p.relative_to(REPO).parts)]
    return [REPO / n for n in names if (REPO / n).is_file()]


def test_nothing_in_the_repository_points_outside_it() -> None:
    me = Path(__file__).resolve()
    found = []
    for path in _project_files():
        if path.resolve() == me:
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        found += [f"{path.relative_to(REPO)}:{n}" for n, line in
                  enumerate(text.splitlines(), start=1) if OUTSIDE.search(line)]
    assert not found


def test_no_function_in_outreach_is_longer_than_40_lines() -> None:
    long = []
    for path in sorted((REPO / "outreach").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                if length > 40:
                    long.append(f"{path.relative_to(REPO)}:{node.lineno} {node.name} "
                                f"({length} lines)")
    assert not long


def test_the_complexity_check_is_on() -> None:
    text = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    assert re.search(r'select = \[[^\]]*"C90"', text)
    assert re.search(r"max-complexity = (\d+)", text)


def test_help_shows_each_commands_whole_first_sentence() -> None:
    result = subprocess.run([sys.executable, "-m", "outreach", "--help"],
                            capture_output=True, text=True, env={"COLUMNS": "80"})
    shown = " ".join(result.stdout.split())
    for name, command in cli.commands.items():
        first = re.match(r"(.+?[.!?])(\s|$)", " ".join((command.help or "").split()))
        assert first is not None, name
        assert f"{name} {first.group(1)}" in shown, name


@pytest.mark.parametrize("args", [["letter", "--all", "jim-park"], ["letter"],
                                  ["thank-you", "--since", "7x"], ["questions", "jim-park",
                                                                   "--goal", "nope"],
                                  ["questions", "jim-park", "--minutes", "90"],
                                  ["log", "jim-park", "--event", "party"]])
def test_every_command_line_mistake_exits_2(ws: Path, args: list[str]) -> None:
    from click.testing import CliRunner

    result = CliRunner().invoke(cli, ["--workspace", str(ws), *args])
    assert result.exit_code == 2, (result.exit_code, result.output)
    assert "Traceback" not in result.output
    assert isinstance(cli, click.Group)


def test_date_option_says_what_it_dates_for_each_command() -> None:
    """``--date`` dates a letter, but for a question sheet it is the meeting's day."""
    def date_help(name: str) -> str:
        option = next(p for p in cli.commands[name].params if p.name in ("today", "day"))
        return str(getattr(option, "help", ""))

    assert date_help("questions").startswith("The meeting's day")
    assert date_help("letter").startswith("The date on the document")
    assert date_help("thank-you").startswith("The date on the document")
