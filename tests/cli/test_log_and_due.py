"""`outreach log` and `outreach due` from the command line, on the sample workspace."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from icalendar import Calendar

from conftest import pdf_text, run, snapshot, words
from outreach.workspace.loading import load
from outreach.workspace.models import Contact

COMMENTED = """\
# Jim Park, met through Maria. Keep this comment!
name: Jim Park
salutation: 'Mr. Park'            # single-quoted on purpose
title: "Director of Planning"
organization: City of Springfield
relationship: referral
referred_by: maria-lopez

local: true
history:
  - {date: 2026-11-16, event: letter-sent}   # flow style, with a comment
  # the call that set up the meeting
  - date: 2026-11-17
    event: call
notes: >-
  Led the 2025 housing plan.
"""


def new_lines(before: str, after: str) -> list[str]:
    """The lines of ``after`` that are not the lines of ``before``, checking that every
    original line is still there, in order."""
    old, new = before.splitlines(), after.splitlines()
    added, i = [], 0
    for line in new:
        if i < len(old) and line == old[i]:
            i += 1
        else:
            added.append(line)
    assert i == len(old), f"original line {i + 1} lost: {old[i]!r}"
    return added


def test_log_keeps_every_original_line_in_order(ws: Path) -> None:
    path = ws / "profiles" / "contacts" / "jim-park.yaml"
    path.write_text(COMMENTED, encoding="utf-8")
    result = run(ws, "log", "jim-park", "--event", "meeting", "--date", "2026-11-20",
                 "--mode", "in-person", "--point", "The data team hires from internships",
                 "--point", "Ask about: the GIS group's # backlog",
                 "--referral", "Ana Ruiz, County GIS", "--resume", "kept")
    assert result.code == 0, result.err
    after = path.read_text(encoding="utf-8")
    added = new_lines(COMMENTED, after)
    assert added and all(line.startswith("  ") for line in added)
    contact, _ = load(Contact, path)
    last = contact.history[-1]
    assert (last.date, last.event, last.mode, last.resume) == (
        dt.date(2026, 11, 20), "meeting", "in-person", "kept")
    assert last.points == ["The data team hires from internships",
                           "Ask about: the GIS group's # backlog"]
    assert [(r.name, r.organization) for r in last.referrals] == [("Ana Ruiz", "County GIS")]
    assert contact.notes == "Led the 2025 housing plan."
    assert [e.event for e in contact.history] == ["letter-sent", "call", "meeting"]


def test_referral_becomes_a_contact_whose_letter_and_script_name_the_referrer(ws: Path) -> None:
    result = run(ws, "log", "jim-park", "--event", "meeting", "--date", "2026-11-20",
                 "--referral", "Ana Ruiz, County GIS")
    assert result.code == 0, result.err
    assert "added contact ana-ruiz" in result.out
    contact, _ = load(Contact, ws / "profiles" / "contacts" / "ana-ruiz.yaml")
    assert (contact.relationship, contact.referred_by, contact.organization) == (
        "referral", "jim-park", "County GIS")
    assert run(ws, "letter", "ana-ruiz", "--format", "pdf").code == 0
    letter = words(pdf_text(ws / "output" / "ana-ruiz" / "approach-letter.pdf"))
    assert "Dear Ana Ruiz:" in letter
    assert "Jim Park, Director of Planning at City of Springfield, suggested that I write " \
        "to you." in letter  # the referrer with his role, from his own file
    assert run(ws, "script", "ana-ruiz", "--format", "pdf").code == 0
    script = words(pdf_text(ws / "output" / "ana-ruiz" / "phone-script.pdf"))
    assert "Hello, is this Ana Ruiz?" in script  # no honorific known: asked, not guessed
    assert "Jim Park, Director of Planning at City of Springfield, suggested I call you." \
        in script
    # the same referral again: no second contact
    again = run(ws, "log", "priya-raman", "--event", "call", "--date", "2026-11-20",
                "--referral", "ana ruiz, County GIS")
    assert again.code == 0 and "ana-ruiz is already a contact" in again.out
    assert len(list((ws / "profiles" / "contacts").glob("ana-ruiz*"))) == 1


@pytest.mark.parametrize("event", ["letter-sent", "declined", "thank-you-sent", "follow-up",
                                   "keep-in-touch-sent"])
def test_log_refuses_a_future_date_and_changes_nothing(ws: Path, event: str) -> None:
    """Only a meeting or call is booked ahead; nothing else can be logged before it
    happens."""
    before = snapshot(ws / "profiles")
    tomorrow = (dt.date.today() + dt.timedelta(days=1)).isoformat()
    result = run(ws, "log", "jim-park", "--event", event, "--date", tomorrow)
    assert result.code == 2 and "in the future" in result.err
    assert snapshot(ws / "profiles") == before


def test_log_unknown_contact(ws: Path) -> None:
    result = run(ws, "log", "nobody", "--event", "call")
    assert result.code == 1 and "no contact 'nobody'" in result.err


# -- due -------------------------------------------------------------------------------


def due_rows(out: str) -> dict[tuple[str, str], str]:
    rows = {}
    for line in out.splitlines()[1:]:
        for action in ("follow-up call", "thank-you", "approach referral"):
            if action in line:
                name = line.split(action)[0].split("  ")
                rows[(next(n.strip() for n in reversed(name) if n.strip()), action)] = line
    return rows


def test_due_lists_the_week_and_exits_non_zero_when_overdue(ws: Path) -> None:
    result = run(ws, "due", "--today", "2026-11-21")
    assert result.code == 3  # Evelyn's and Priya's thank-you letters are overdue
    rows = due_rows(result.out)
    assert set(rows) == {("Jim Park", "follow-up call"), ("Evelyn Okafor", "thank-you"),
                         ("Priya Raman", "thank-you"), ("Thomas Whitfield", "thank-you")}
    assert "OVERDUE" in rows[("Evelyn Okafor", "thank-you")]
    assert "OVERDUE" in rows[("Priya Raman", "thank-you")]
    assert "OVERDUE" not in rows[("Thomas Whitfield", "thank-you")]  # decline on the 19th
    assert "OVERDUE" not in rows[("Jim Park", "follow-up call")]  # letter on the 18th
    assert "outreach script jim-park" in rows[("Jim Park", "follow-up call")]


def test_due_nothing_overdue_exits_zero(ws: Path) -> None:
    result = run(ws, "due", "--today", "2026-11-19")
    assert result.code == 0
    rows = due_rows(result.out)
    assert ("Evelyn Okafor", "thank-you") in rows and ("Priya Raman", "thank-you") in rows
    assert ("Thomas Whitfield", "thank-you") not in rows  # the decline was that day
    assert ("Jim Park", "follow-up call") not in rows  # the letter is a day old


def test_due_lists_referrals_not_yet_approached_and_writes_ics(ws: Path) -> None:
    assert run(ws, "log", "jim-park", "--event", "meeting", "--date", "2026-11-20",
               "--referral", "Ana Ruiz, County GIS").code == 0
    ics = ws / "due.ics"
    result = run(ws, "due", "--today", "2026-11-21", "--ics", str(ics))
    rows = due_rows(result.out)
    assert ("Ana Ruiz", "approach referral") in rows
    assert "outreach letter ana-ruiz" in rows[("Ana Ruiz", "approach referral")]
    events = Calendar.from_ical(ics.read_bytes()).walk("VEVENT")
    assert len(events) == len(rows)
    summaries = {str(e["SUMMARY"]) for e in events}
    assert "Write to Ana Ruiz (referred by Jim Park)" in summaries
