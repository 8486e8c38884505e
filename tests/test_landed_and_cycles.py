"""`keep-in-touch --landed` read one unambiguous way (issue 30 item 23), and a referral
cycle that is a warning for `due` and `contacts`, an error only for the documents that
print the chain (item 25)."""

from __future__ import annotations

from email.parser import BytesParser
from email.policy import default
from pathlib import Path

import pytest

from conftest import run
from outreach.errors import UsageError
from outreach.main import parse_landed


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
