"""The README's week of a campaign, run on the sample workspace a day at a time, with
the clock set to each day it names (in the evening, after the day's meeting)."""

from __future__ import annotations

import datetime as dt
import json
import re
import shlex
from pathlib import Path

import pytest
import yaml
from freezegun import freeze_time

from conftest import REPO, copy_workspace, run

README = (REPO / "README.md").read_text(encoding="utf-8")
DAY = re.compile(r"^# \w+ (\d{4}-\d{2}-\d{2})")


def the_week() -> list[tuple[dt.date, list[list[str]]]]:
    """The walk's days, each with its commands (comments dropped)."""
    section = README.split("## Where each contact stands", 1)[1]
    block = re.search(r"```sh\n(.*?)```", section, flags=re.S)
    assert block is not None
    days: list[tuple[dt.date, list[list[str]]]] = []
    for line in block.group(1).splitlines():
        found = DAY.match(line)
        if found:
            days.append((dt.date.fromisoformat(found.group(1)), []))
        elif line.startswith("outreach "):
            for command in line.split("  #")[0].split("; "):
                days[-1][1].append(shlex.split(command)[1:])
    return days


def test_the_week_has_days_and_commands() -> None:
    days = the_week()
    assert len(days) == 4 and all(commands for _, commands in days)


def history(ws: Path, cid: str) -> list[dict[str, object]]:
    text = (ws / "profiles" / "contacts" / f"{cid}.yaml").read_text(encoding="utf-8")
    return list(yaml.safe_load(text)["history"])


@pytest.mark.parametrize("until", [2, 3, 4])
def test_the_week_of_a_campaign_runs_as_the_readme_says(tmp_path: Path, until: int) -> None:
    ws = copy_workspace(tmp_path)
    for day, commands in the_week()[:until]:
        with freeze_time(dt.datetime.combine(day, dt.time(18, 0))):
            for args in commands:
                result = run(ws, *args)
                allowed = (0, 3) if args[0] == "due" else (0,)
                assert result.code in allowed, (day, args, result.err)
                if args[:2] == ["letter", "--all"]:
                    assert "amelie-cote-nguyen" in result.out and "maria-lopez" in result.out
                    assert "jim-park" not in result.out and "skipped 4:" in result.out
                if args[0] == "due" and day.weekday() == 3:  # Thursday: the sheet
                    assert "question sheet" in result.out and "Jim Park" in result.out
    with freeze_time(dt.datetime.combine(the_week()[until - 1][0], dt.time(18, 0))):
        rows = {r["id"]: r["stage"] for r in json.loads(run(ws, "contacts", "--json").out)}
    if until == 2:
        assert rows["jim-park"] == "scheduled"
        assert rows["evelyn-okafor"] == rows["priya-raman"] == "thanked"
        assert rows["thomas-whitfield"] == "thanked"
        assert rows["amelie-cote-nguyen"] == "approached" and rows["maria-lopez"] == "new"
    if until == 3:
        sheet = ws / "output" / "jim-park" / "question-sheet.pdf"
        assert sheet.is_file()
    if until == 4:
        assert rows["jim-park"] == "thanked"
        meetings = [e for e in history(ws, "jim-park") if e["event"] == "meeting"]
        assert len(meetings) == 1 and meetings[0]["time"] == "14:30"
        assert meetings[0]["points"] == ["Start with the city's summer internship"]
