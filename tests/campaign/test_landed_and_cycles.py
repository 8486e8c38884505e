"""`keep-in-touch --landed` read one unambiguous way (issue 30 item 23), and a referral
cycle that is a warning for `due` and `contacts`, an error only for the documents that
print the chain (item 25)."""

from __future__ import annotations

import os
import subprocess
import sys
from email.parser import BytesParser
from email.policy import default
from pathlib import Path

import pytest

from conftest import REPO, run
from outreach.app.main import parse_landed
from outreach.errors import UsageError


@pytest.mark.parametrize(("text", "expected"), [
    ("Analyst at Acme, Inc.", ("Analyst", "Acme, Inc.")),
    ("Policy Analyst, Illinois Rural Housing Coalition",
     ("Policy Analyst", "Illinois Rural Housing Coalition")),
    ("Directora de Planeación at Gobierno de Jalisco, México",
     ("Directora de Planeación", "Gobierno de Jalisco, México")),
    ("  Планировщик   at  Мосгорпроект, Москва ", ("Планировщик", "Мосгорпроект, Москва")),
    ("規劃師, 台北市政府", ("規劃師", "台北市政府")),
])
def test_landed_read_one_way(text: str, expected: tuple[str, str]) -> None:
    assert parse_landed(text) == expected


@pytest.mark.parametrize("text", [
    "Analyst, Acme, Inc.",          # never "Analyst, Acme" at "Inc."
    "Analyst, Acme Inc, Chicago",
    "Analyst, Inc.",
    "Engineer, GmbH",
    "Lead at Large at Acme",
    "somewhere",
    "Analyst at ",
])
def test_an_ambiguous_landed_is_a_usage_error(text: str) -> None:
    with pytest.raises(UsageError, match=r'write "ROLE at ORGANIZATION" .* or --role ROLE '
                                         r"--organization ORGANIZATION"):
        parse_landed(text)


def test_role_and_organization_options() -> None:
    assert parse_landed(None, " Analyst ", "Acme,  Inc.") == ("Analyst", "Acme, Inc.")
    for args in ((None, "Analyst", None), (None, None, None), ("A at B", "A", "B")):
        with pytest.raises(UsageError):
            parse_landed(*args)


def test_the_letter_says_the_organization_whole(ws: Path) -> None:
    refused = run(ws, "keep-in-touch", "evelyn-okafor", "--landed", "Analyst, Acme, Inc.")
    assert refused.code == 2 and "can be read more than one way" in refused.err
    assert not (ws / "output").exists()
    result = run(ws, "keep-in-touch", "evelyn-okafor", "--role", "Analyst",
                 "--organization", "Acme, Inc.", "--format", "eml", "--date", "2026-11-21")
    assert result.code == 0, result.err
    mail = BytesParser(policy=default).parsebytes(
        (ws / "output" / "evelyn-okafor" / "keep-in-touch.eml").read_bytes())
    body = " ".join(mail.get_body(("plain",)).get_content().split())  # type: ignore[union-attr]
    assert "the position of Analyst at Acme, Inc." in body, body


# -- a referral cycle ----------------------------------------------------------------------


def _cycle(ws: Path) -> None:
    contacts = ws / "profiles" / "contacts"
    with (contacts / "maria-lopez.yaml").open("a", encoding="utf-8") as handle:
        handle.write("referred_by: ahmed\n")
    (contacts / "ahmed.yaml").write_text(
        "name: أحمد منصور\nrelationship: referral\nreferred_by: jim-park\nhistory:\n"
        "  - {date: 2026-11-01, event: letter-sent}\n", encoding="utf-8")


def outreach(ws: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The command as a user runs it (its warnings on stderr, as the user sees them)."""
    return subprocess.run([sys.executable, "-m", "outreach", "--workspace", str(ws), *args],
                          capture_output=True, text=True, check=False,
                          env={**os.environ, "PYTHONPATH": str(REPO)})


def test_a_referral_cycle_is_a_warning_for_due_and_contacts(ws: Path) -> None:
    _cycle(ws)  # jim-park -> maria-lopez -> ahmed -> jim-park
    due = outreach(ws, "due", "--today", "2026-11-21")
    assert due.returncode == 3, due.stderr  # overdue items, listed: not an error
    assert "أحمد منصور" in due.stdout and "Evelyn Okafor" in due.stdout
    assert "Error" not in due.stderr
    assert "the referrals go round in a circle (ahmed -> jim-park -> maria-lopez -> " \
        "ahmed)" in due.stderr
    contacts = outreach(ws, "contacts")
    assert contacts.returncode == 0 and "ahmed" in contacts.stdout
    assert "Error" not in contacts.stderr and "go round in a circle" in contacts.stderr


def test_a_referral_cycle_is_an_error_for_a_document_that_names_the_referrer(
        ws: Path) -> None:
    _cycle(ws)
    letter = run(ws, "letter", "maria-lopez")
    assert letter.code == 1
    errors = [line for line in letter.err.splitlines() if line.startswith("Error: ")]
    assert len(errors) == 1 and "maria-lopez.yaml:13: referred_by: the referrals go " \
        "round in a circle (maria-lopez -> ahmed -> jim-park -> maria-lopez)" in errors[0]
    assert not (ws / "output").exists()
    outside = run(ws, "letter", "priya-raman", "--dry-run")
    assert outside.code == 0, outside.err  # no one else is held up
