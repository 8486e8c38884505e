"""YAML that means what was typed: the YAML 1.1 traps keep their text in text fields, and
numbers, yes/no and dates still convert where the model expects them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from conftest import copy_workspace, pdf_text, run, words
from outreach.errors import InputError
from outreach.workspace.loading import load
from outreach.workspace.models import Contact, Profile


def contact(tmp_path: Path, text: str) -> Contact:
    path = tmp_path / "x.yaml"
    path.write_text(text, encoding="utf-8")
    return load(Contact, path)[0]


BASE = "name: Jim Park\nrelationship: friend\n"


# Each YAML 1.1 trap: (what the user typed in a text field, what YAML 1.1 would make of it).
TRAPS = [
    ("organization: NO", "organization", "NO"),          # Norway -> False
    ("organization: no", "organization", "no"),
    ("organization: Off", "organization", "Off"),
    ("title: On", "title", "On"),
    ("salutation: Yes", "salutation", "Yes"),            # -> True
    ("notes: y", "notes", "y"),
    ("phone: 0123", "phone", "0123"),                   # octal -> 83
    ("phone: 0o17", "phone", "0o17"),
    ("phone: 0x1F", "phone", "0x1F"),                   # hex -> 31
    ("phone: 1_000", "phone", "1_000"),                 # -> 1000
    ("phone: 12:30:00", "phone", "12:30:00"),           # sexagesimal -> 45000
    ("phone: +15551234", "phone", "+15551234"),         # -> 15551234
    ("title: 1.10", "title", "1.10"),                   # float -> 1.1
    ("title: 1e3", "title", "1e3"),
    ("title: .inf", "title", ".inf"),
    ("title: .NaN", "title", ".NaN"),
    ("notes: 2026-11-16", "notes", "2026-11-16"),       # a date object
    ("notes: 2026-11-16 10:00:00", "notes", "2026-11-16 10:00:00"),
    ("salutation: null", "salutation", "null"),
    ("salutation: Null", "salutation", "Null"),
    ("salutation: ~", "salutation", "~"),
    ("organization: true", "organization", "true"),
]


@pytest.mark.parametrize(("line", "field", "text"), TRAPS, ids=[t[0] for t in TRAPS])
def test_a_text_field_keeps_the_text_typed(tmp_path: Path, line: str, field: str,
                                           text: str) -> None:
    assert getattr(contact(tmp_path, BASE + line + "\n"), field) == text


def test_a_name_may_be_null(tmp_path: Path) -> None:
    assert contact(tmp_path, "name: null\nrelationship: friend\n").name == "null"
    assert contact(tmp_path, "name: NO\nrelationship: friend\n").name == "NO"


def test_in_a_list_of_text_too(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text("name: Dana\nstatus: graduate\nsummary: hi\ntarget: {field: NO, roles: "
                    "[1.10, 0123, yes]}\nstrengths: [off, ~]\n", encoding="utf-8")
    profile = load(Profile, path)[0]
    assert profile.target.field == "NO"
    assert profile.target.roles == ["1.10", "0123", "yes"]
    assert profile.strengths == ["off", "~"]


def test_numbers_yes_no_and_dates_convert_where_the_model_wants_them(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text("name: Dana\nstatus: graduate\nsummary: hi\ntarget: {field: x}\n"
                    "meeting_minutes: 025\n", encoding="utf-8")
    assert load(Profile, path)[0].meeting_minutes == 25  # decimal, never octal 21
    found = contact(tmp_path, BASE + "local: no\nhistory:\n  - {date: 2026-11-16, "
                                     "event: call}\n")
    assert found.local is False
    assert found.history[0].date == dt.date(2026, 11, 16)
    assert contact(tmp_path, BASE + "local: Yes\n").local is True
    assert contact(tmp_path, BASE + "local: true\n").local is True


def test_empty_and_null_words_mean_not_given_where_the_field_is_not_text(
        tmp_path: Path) -> None:
    found = contact(tmp_path, BASE + "email:\nkind: ~\ngoals: null\nhistory: NULL\n")
    assert found.email is None
    assert found.kind is None
    assert found.goals is None
    assert found.history == []


def test_messages_still_quote_what_was_typed(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    for value, message in [("45", "must be less than or equal to 30, not 45"),
                           ("1.5", "must be a whole number, not '1.5'"),
                           ("twenty", "must be a whole number, not 'twenty'"),
                           ("~", "is empty: write a value after the colon, or remove the line")]:
        path.write_text("name: Dana\nstatus: graduate\nsummary: hi\ntarget: {field: x}\n"
                        f"meeting_minutes: {value}\n", encoding="utf-8")
        with pytest.raises(InputError) as exc:
            load(Profile, path)
        assert str(exc.value).endswith(f"p.yaml:5: meeting_minutes: {message}"), str(exc.value)


def test_the_letter_prints_the_text_as_typed(tmp_path: Path) -> None:
    ws = copy_workspace(tmp_path)
    path = ws / "profiles" / "contacts" / "maria-lopez.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("title: ", "title: 1.10 ", 1)
                        .replace("organization: ", "organization: NO ", 1), encoding="utf-8")
    assert run(ws, "letter", "maria-lopez", "--format", "pdf").code == 0
    letter = words(pdf_text(ws / "output" / "maria-lopez" / "approach-letter.pdf"))
    assert "1.10 " in letter
    assert "NO " in letter
