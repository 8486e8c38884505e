"""Appending to a contact's history keeps every line the user wrote; referral contacts."""

from __future__ import annotations

import difflib
import re
from datetime import date
from pathlib import Path

import pytest

from outreach.campaign.referrals import add_referral_contacts
from outreach.errors import InputError, OutreachError
from outreach.workspace.folder import CONTACT_ID, ContactFile, Workspace
from outreach.workspace.history import append_entries, appended_text, entry_data
from outreach.workspace.loading import load
from outreach.workspace.models import Contact, HistoryEntry, Referral
from outreach.workspace.people import contact_id

MEETING = HistoryEntry(
    date=date(2026, 11, 21), event="meeting", mode="in-person",
    points=["The plan's data team hires from internships"],
    referrals=[Referral(name="Ana Ruiz", organization="County GIS")],
    resume="kept",
)
CALL = HistoryEntry(date=date(2026, 11, 24), event="call", points=["Follow up in March"])
THANKS = HistoryEntry(date=date(2026, 11, 25), event="thank-you-sent")

RICH = """\
# Jim Park, met through Maria.
# Keep this file short.
name: Jim Park  # he goes by Jim
title: 'Director of Planning'
organization: "City of Springfield"
address: |
  800 E Monroe St
  Springfield, IL 62701
relationship: referral
referred_by: Maria Lopez   # a contact id

history:   # oldest first
  - {date: 2026-11-16, event: letter-sent}  # the first letter
  # he called back two days later
  - date: 2026-11-18
    event: call
    mode: phone
    points:
      - 'Asked for: "20 minutes"'
      - "He said: bring questions"   # inline comment
    resume: not-discussed

  # notes below are mine
notes: Led the 2025 housing plan.
goals: [break-in, skills]
"""


def workspace(root: Path, files: dict[str, str | bytes]) -> Workspace:
    """A workspace in ``root`` holding profiles/contacts/<id>.yaml for each file given."""
    folder = root / "profiles" / "contacts"
    folder.mkdir(parents=True, exist_ok=True)
    for cid, content in files.items():
        data = content.encode("utf-8") if isinstance(content, str) else content
        (folder / f"{cid}.yaml").write_bytes(data)
    return Workspace(root)


def contact_file(tmp_path: Path, text: str | bytes, cid: str = "jim-park") -> ContactFile:
    return workspace(tmp_path, {cid: text}).contact(cid)


def reload(path: Path) -> Contact:
    """The file read back the way the tool reads a contact."""
    return load(Contact, path)[0]


def inserted(before: list[str], after: list[str]) -> list[tuple[int, list[str]]]:
    """The runs of lines added to ``before`` to make ``after`` (index in ``after``, lines).

    Fails if any original line was changed, dropped or moved: removing the added runs from
    ``after`` must give ``before`` exactly."""
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    runs: list[tuple[int, list[str]]] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        assert tag in {"equal", "insert"}, (tag, before[i1:i2], after[j1:j2])
        if tag == "insert":
            runs.append((j1, after[j1:j2]))
    kept = list(after)
    for start, lines in reversed(runs):
        del kept[start: start + len(lines)]
    assert kept == before
    return runs


def history_item(path: Path, index: int = -1) -> HistoryEntry:
    return reload(path).history[index]


# -- a file with everything a user might write ------------------------------------------


def test_rich_file_keeps_every_line_and_adds_the_entry_last(tmp_path: Path) -> None:
    contact = contact_file(tmp_path, RICH)
    before = contact.data

    append_entries(contact, [MEETING])

    text = contact.path.read_text(encoding="utf-8")
    runs = inserted(RICH.splitlines(), text.splitlines())
    assert len(runs) == 1
    start, lines = runs[0]
    # right after the last item's last content line, before the blank line and the
    # comment that belong to `notes`
    assert text.splitlines()[start - 1] == "    resume: not-discussed"
    assert text.splitlines()[start] == "  - date: 2026-11-21"
    assert lines[-1] == "    resume: kept"
    assert all(line.startswith("    ") for line in lines[1:])

    after = reload(contact.path)
    assert after.history[-1] == MEETING
    assert after.history[:-1] == before.history
    assert len(after.history) == 3
    assert after.model_dump(exclude={"history"}) == before.model_dump(exclude={"history"})
    assert after.title == "Director of Planning"
    assert after.history[1].points == ['Asked for: "20 minutes"', "He said: bring questions"]
    # and the workspace still loads it
    assert Workspace(tmp_path).contact("jim-park").data == after


def test_the_new_entry_is_block_style_with_only_the_values_given(tmp_path: Path) -> None:
    contact = contact_file(tmp_path, RICH)
    append_entries(contact, [MEETING])
    runs = inserted(RICH.splitlines(), contact.path.read_text(encoding="utf-8").splitlines())
    assert runs[0][1] == [
        "  - date: 2026-11-21",
        "    event: meeting",
        "    mode: in-person",
        "    points:",
        "    - The plan's data team hires from internships",
        "    referrals:",
        "    - name: Ana Ruiz",
        "      organization: County GIS",
        "    resume: kept",
    ]


def test_entry_data_omits_empty_values_in_field_order() -> None:
    assert entry_data(MEETING) == {
        "date": date(2026, 11, 21), "event": "meeting", "mode": "in-person",
        "points": ["The plan's data team hires from internships"],
        "referrals": [{"name": "Ana Ruiz", "organization": "County GIS"}],
        "resume": "kept",
    }
    assert list(entry_data(MEETING)) == ["date", "event", "mode", "points", "referrals",
                                         "resume"]
    assert entry_data(THANKS) == {"date": date(2026, 11, 25), "event": "thank-you-sent"}


# -- a) no history key -------------------------------------------------------------------


def test_no_history_key_appends_a_history_at_the_end(tmp_path: Path) -> None:
    original = "name: Maria Lopez\nrelationship: friend\nnotes: A friend.  # keep\n"
    contact = contact_file(tmp_path, original, "maria-lopez")
    append_entries(contact, [CALL])
    text = contact.path.read_text(encoding="utf-8")
    assert text.startswith(original)
    assert text[len(original):].splitlines()[:2] == ["history:", "  - date: 2026-11-24"]
    assert reload(contact.path).history == [CALL]
    assert reload(contact.path).notes == "A friend."


def test_no_history_key_in_a_file_without_a_final_newline(tmp_path: Path) -> None:
    original = "# a friend\nname: Maria Lopez\nrelationship: friend"
    contact = contact_file(tmp_path, original, "maria-lopez")
    append_entries(contact, [CALL])
    text = contact.path.read_text(encoding="utf-8")
    assert text.startswith(original + "\nhistory:\n")
    runs = inserted(original.splitlines(), text.splitlines())
    assert runs[0][1][0] == "history:"
    assert reload(contact.path).history == [CALL]


# -- b) block sequences ------------------------------------------------------------------


@pytest.mark.parametrize("indent", [0, 2, 4])
def test_block_sequence_keeps_the_dash_indent(tmp_path: Path, indent: int) -> None:
    pad = " " * indent
    original = (f"name: Jim Park\nrelationship: friend\nhistory:\n"
                f"{pad}- date: 2026-11-16\n{pad}  event: letter-sent\n"
                f"{pad}# a comment after the last item\n"
                f"notes: x\n")
    contact = contact_file(tmp_path, original)
    append_entries(contact, [CALL])
    text = contact.path.read_text(encoding="utf-8")
    runs = inserted(original.splitlines(), text.splitlines())
    assert len(runs) == 1
    start, lines = runs[0]
    assert start == 5
    assert lines[0] == f"{pad}- date: 2026-11-24"
    assert lines[1] == f"{pad}  event: call"
    history = reload(contact.path).history
    assert [e.event for e in history] == ["letter-sent", "call"]
    assert history[-1] == CALL


def test_block_sequence_ending_in_a_block_scalar(tmp_path: Path) -> None:
    original = ("name: Jim Park\nrelationship: friend\nhistory:\n"
                "  - date: 2026-11-16\n    event: call\n    points:\n      - |\n"
                "        A point written\n        as a block\n\n\n# about notes\nnotes: x\n")
    contact = contact_file(tmp_path, original)
    append_entries(contact, [THANKS])
    text = contact.path.read_text(encoding="utf-8")
    runs = inserted(original.splitlines(), text.splitlines())
    assert runs[0][0] == 9
    contact_data = reload(contact.path)
    assert contact_data.history[0].points == ["A point written\nas a block"]
    assert contact_data.history[-1] == THANKS
    assert contact_data.notes == "x"


def test_block_sequence_as_the_last_key_with_trailing_comments(tmp_path: Path) -> None:
    original = ("name: Jim Park\nrelationship: friend\nhistory:\n"
                "  - {date: 2026-11-16, event: letter-sent}   # sent\n\n# the end\n")
    contact = contact_file(tmp_path, original)
    append_entries(contact, [THANKS])
    text = contact.path.read_text(encoding="utf-8")
    assert text == original.replace(
        "# sent\n", "# sent\n  - date: 2026-11-25\n    event: thank-you-sent\n")


# -- c) flow sequences -------------------------------------------------------------------


def test_empty_flow_sequence_becomes_a_block(tmp_path: Path) -> None:
    original = "name: Jim Park\nrelationship: friend\nhistory: []  # none yet\nnotes: x\n"
    contact = contact_file(tmp_path, original)
    append_entries(contact, [CALL])
    text = contact.path.read_text(encoding="utf-8")
    new_lines = text.splitlines()
    assert new_lines[2] == "history:   # none yet"  # just the [] is gone
    assert new_lines[3] == "  - date: 2026-11-24"
    expected = original.splitlines()
    expected[2] = new_lines[2]
    inserted(expected, new_lines)
    assert reload(contact.path).history == [CALL]
    assert reload(contact.path).notes == "x"


def test_flow_sequence_gets_a_flow_entry_before_the_bracket(tmp_path: Path) -> None:
    original = ("name: Jim Park\nrelationship: friend\n"
                "history: [{date: 2026-11-16, event: letter-sent}]  # so far\nnotes: x\n")
    contact = contact_file(tmp_path, original)
    append_entries(contact, [MEETING])
    text = contact.path.read_text(encoding="utf-8")
    old_lines, new_lines = original.splitlines(), text.splitlines()
    assert len(new_lines) == len(old_lines)
    assert [n for n, (a, b) in enumerate(zip(old_lines, new_lines, strict=True)) if a != b] == [2]
    assert new_lines[2].startswith("history: [{date: 2026-11-16, event: letter-sent}, {")
    assert new_lines[2].endswith("}]  # so far")
    history = reload(contact.path).history
    assert [e.event for e in history] == ["letter-sent", "meeting"]
    assert history[-1] == MEETING


def test_flow_sequence_over_several_lines_with_a_trailing_comma(tmp_path: Path) -> None:
    original = ("name: Jim Park\nrelationship: friend\nhistory: [\n"
                "  {date: 2026-11-16, event: letter-sent},\n]\nnotes: x\n")
    contact = contact_file(tmp_path, original)
    append_entries(contact, [CALL])
    history = reload(contact.path).history
    assert [e.event for e in history] == ["letter-sent", "call"]
    assert history[-1] == CALL
    assert contact.path.read_text(encoding="utf-8").splitlines()[4:] == ["]", "notes: x"]


# -- d) a null history -------------------------------------------------------------------


@pytest.mark.parametrize("value", ["", " ~", " null  # nothing yet"])
def test_null_history_gets_a_block_item(tmp_path: Path, value: str) -> None:
    original = f"name: Jim Park\nrelationship: friend\nhistory:{value}\nnotes: x\n"
    path = tmp_path / "jim-park.yaml"
    path.write_text(original, encoding="utf-8")
    text = appended_text(original, CALL, path)
    path.write_text(text, encoding="utf-8")
    lines = text.splitlines()
    assert lines[2].startswith("history:")
    assert "~" not in lines[2]
    assert "null" not in lines[2]
    if "#" in value:
        assert lines[2].endswith("# nothing yet")
    assert lines[3] == "  - date: 2026-11-24"
    assert lines[-1] == "notes: x"
    assert reload(path).history == [CALL]


def test_null_history_through_append_entries(tmp_path: Path) -> None:
    # `history:` with nothing after it does not validate as a list, so this file is set
    # up by hand rather than through Workspace.contact.
    original = "name: Jim Park\nrelationship: friend\nhistory:\nnotes: x\n"
    path = tmp_path / "jim-park.yaml"
    path.write_text(original, encoding="utf-8")
    contact = ContactFile("jim-park", path, Contact(name="Jim Park", relationship="friend"), {})
    append_entries(contact, [CALL, THANKS])
    runs = inserted(original.splitlines(), path.read_text(encoding="utf-8").splitlines())
    assert runs[0][0] == 3
    assert reload(path).history == [CALL, THANKS]


# -- line endings and encoding ---------------------------------------------------------


def test_crlf_file_gets_crlf_lines(tmp_path: Path) -> None:
    original = RICH.replace("\n", "\r\n")
    contact = contact_file(tmp_path, original.encode("utf-8"))
    append_entries(contact, [MEETING])
    raw = contact.path.read_bytes()
    assert b"\n" not in raw.replace(b"\r\n", b"")
    text = raw.decode("utf-8")
    runs = inserted(original.split("\r\n"), text.split("\r\n"))
    assert len(runs) == 1
    assert reload(contact.path).history[-1] == MEETING


def test_crlf_file_without_history_or_final_newline(tmp_path: Path) -> None:
    original = "name: Maria Lopez\r\nrelationship: friend"
    contact = contact_file(tmp_path, original.encode("utf-8"), "maria-lopez")
    append_entries(contact, [CALL, THANKS])
    raw = contact.path.read_bytes()
    assert raw.startswith(original.encode("utf-8") + b"\r\nhistory:\r\n")
    assert b"\n" not in raw.replace(b"\r\n", b"")
    assert raw.endswith(b"\r\n")
    assert reload(contact.path).history == [CALL, THANKS]


def test_byte_order_mark_and_non_ascii_are_kept(tmp_path: Path) -> None:
    original = "\ufeff# Côté\nname: Amélie Côté-Nguyễn\nrelationship: friend\n"
    contact = contact_file(tmp_path, original.encode("utf-8"), "amelie")
    append_entries(contact, [CALL])
    raw = contact.path.read_bytes()
    assert raw.startswith(original.encode("utf-8"))
    assert reload(contact.path).name == "Amélie Côté-Nguyễn"


# -- order -------------------------------------------------------------------------------


def test_two_entries_in_one_call_keep_their_order(tmp_path: Path) -> None:
    contact = contact_file(tmp_path, RICH)
    append_entries(contact, [MEETING, THANKS])
    history = reload(contact.path).history
    assert history[-2:] == [MEETING, THANKS]
    runs = inserted(RICH.splitlines(), contact.path.read_text(encoding="utf-8").splitlines())
    assert len(runs) == 1  # one run: the two entries one after the other


def test_two_calls_in_a_row_keep_their_order(tmp_path: Path) -> None:
    contact = contact_file(tmp_path, RICH)
    append_entries(contact, [MEETING])
    append_entries(Workspace(tmp_path).contact("jim-park"), [THANKS])
    history = reload(contact.path).history
    assert [e.event for e in history] == ["letter-sent", "call", "meeting", "thank-you-sent"]
    inserted(RICH.splitlines(), contact.path.read_text(encoding="utf-8").splitlines())


def test_no_entries_changes_nothing(tmp_path: Path) -> None:
    contact = contact_file(tmp_path, RICH)
    append_entries(contact, [])
    assert contact.path.read_text(encoding="utf-8") == RICH


# -- quoting -----------------------------------------------------------------------------

AWKWARD = [
    "Salary: ask later",
    "see item #3",
    "# not a comment",
    "- not a list",
    "* not a bullet",
    "*alias",
    "&anchor",
    "!tag",
    "@handle",
    "%directive",
    "`ticks`",
    "It's \"quoted\"",
    "'single'",
    '"double"',
    "{{ 7*7 }}",
    "{% if x %}",
    "[not, a, list]",
    "a, b, c",
    "Côté & Frères, Montréal",
    "yes",
    "null",
    "2026-11-21",
    "3.14",
    "line one\nline two",
    "ends with a colon:",
    "? question",
    "| pipe",
    "> fold",
]

STARTS = {
    "block": ("name: Jim Park\nrelationship: friend\nhistory:\n"
              "  - {date: 2026-11-16, event: call}\n"),
    "flow": "name: Jim Park\nrelationship: friend\nhistory: [{date: 2026-11-16, event: call}]\n",
    "none": "name: Jim Park\nrelationship: friend\n",
}


@pytest.mark.parametrize("layout", sorted(STARTS))
def test_awkward_values_round_trip_exactly(tmp_path: Path, layout: str) -> None:
    entry = HistoryEntry(
        date=date(2026, 11, 21), event="meeting",
        points=AWKWARD,
        referrals=[Referral(name="Amélie Côté-Nguyễn", organization="Côté & Frères, {Inc}",
                            title="Chief: Planning # 1")],
    )
    contact = contact_file(tmp_path, STARTS[layout])
    append_entries(contact, [entry])
    text = contact.path.read_text(encoding="utf-8")
    assert "49" not in text
    assert "Côté" in text  # written as itself, not escaped
    inserted(STARTS[layout].splitlines()[:2], text.splitlines()[:2])
    got = reload(contact.path).history[-1]
    assert got == entry
    assert got.points == AWKWARD


def test_dates_are_written_unquoted(tmp_path: Path) -> None:
    contact = contact_file(tmp_path, STARTS["block"])
    append_entries(contact, [CALL])
    assert "  - date: 2026-11-24\n" in contact.path.read_text(encoding="utf-8")


# -- refusals ----------------------------------------------------------------------------


def test_result_that_would_not_validate_is_refused(tmp_path: Path) -> None:
    contact = contact_file(tmp_path, RICH)
    broken = RICH.replace("title:", "titel:").encode("utf-8")
    contact.path.write_bytes(broken)  # the user edits the file after it was loaded
    with pytest.raises(OutreachError) as caught:
        append_entries(contact, [MEETING])
    assert "titel" in str(caught.value)
    assert contact.path.read_bytes() == broken
    assert [p.name for p in contact.path.parent.iterdir()] == ["jim-park.yaml"]


@pytest.mark.parametrize("history", [
    "history: {date: 2026-11-16, event: call}\n",
    "history: soon\n",
    "history:\n  - {date: 2026-11-16, event: call\n",
    "history:\n  - [2026-11-16, call]\n",
])
def test_a_history_that_is_not_a_list_of_entries_is_refused(tmp_path: Path,
                                                            history: str) -> None:
    contact = contact_file(tmp_path, "name: Jim Park\nrelationship: friend\n")
    original = ("name: Jim Park\nrelationship: friend\n" + history).encode("utf-8")
    contact.path.write_bytes(original)
    with pytest.raises(OutreachError):
        append_entries(contact, [CALL])
    assert contact.path.read_bytes() == original


def test_appended_text_is_pure_and_reports_the_path(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    with pytest.raises(OutreachError) as caught:
        appended_text("- a list\n- not a mapping\n", CALL, path)
    assert "x.yaml:1" in str(caught.value)
    assert not path.exists()


# -- slugs and referral contacts ---------------------------------------------------------


@pytest.mark.parametrize(("name", "expected"), [
    ("Ana Ruiz", "ana-ruiz"),
    ("Amélie Côté-Nguyễn", "amelie-cote-nguyen"),
    ("  Jean-Luc   O'Brien Jr. ", "jean-luc-o-brien"),
    ("Ægir Øster", "aegir-oster"),
    ("李四", "li-si"),
    ("Con", "con-contact"),
])
def test_slug(name: str, expected: str) -> None:
    assert contact_id(name) == expected
    assert CONTACT_ID.match(expected)


@pytest.mark.parametrize("name", ["", "---", "😀🎉", "  "])
def test_no_id_for_a_name_without_letters(name: str) -> None:
    assert contact_id(name) is None


def referrer(tmp_path: Path) -> tuple[Workspace, ContactFile]:
    text = RICH.replace(
        "    resume: not-discussed\n",
        "    resume: not-discussed\n  - date: 2026-11-20\n    event: meeting\n"
        "    referrals: [{name: Ana Ruiz, organization: County GIS}]\n")
    ws = workspace(tmp_path, {"jim-park": text})
    return ws, ws.contact("jim-park")


def test_referral_contact_is_created_and_valid(tmp_path: Path) -> None:
    ws, jim = referrer(tmp_path)
    results = add_referral_contacts(
        ws, jim, [Referral(name="Ana Ruiz", organization="County GIS",
                           title="GIS Analyst: Parcels")], date(2026, 11, 21))
    path = tmp_path / "profiles" / "contacts" / "ana-ruiz.yaml"
    assert results == [("ana-ruiz", path, True)]
    text = path.read_text(encoding="utf-8")
    first = text.splitlines()[0]
    assert first.startswith("#")
    assert "outreach log" in first
    assert "2026-11-21" in first
    assert "Jim Park's meeting" in first
    assert re.search(r"^# local: false  # if they are far away$", text, re.M)
    assert not re.search(r"^local:", text, re.M)
    ana = Workspace(tmp_path).contact("ana-ruiz")
    assert ana.data.name == "Ana Ruiz"
    assert ana.data.organization == "County GIS"
    assert ana.data.title == "GIS Analyst: Parcels"
    assert ana.data.relationship == "referral"
    assert ana.data.referred_by == "jim-park"
    assert ana.data.local is True
    assert ana.data.history == []
    assert Workspace(tmp_path).referrer_name(ana) == "Jim Park"


def test_referral_contact_is_not_created_twice(tmp_path: Path) -> None:
    ws, jim = referrer(tmp_path)
    today = date(2026, 11, 21)
    first = add_referral_contacts(ws, jim, [Referral(name="Ana Ruiz")], today)
    written = (tmp_path / "profiles" / "contacts" / "ana-ruiz.yaml").read_bytes()
    files = sorted(p.name for p in ws.contacts_dir.iterdir())
    again = add_referral_contacts(ws, jim, [Referral(name="Ana Ruiz")], today)
    assert again == [(first[0][0], first[0][1], False)]
    assert sorted(p.name for p in ws.contacts_dir.iterdir()) == files
    assert (tmp_path / "profiles" / "contacts" / "ana-ruiz.yaml").read_bytes() == written


@pytest.mark.parametrize("spelling", ["ANA RUIZ", "  ana   ruíz ", "Aña Ruiz"])
def test_referral_matches_a_name_differing_in_accents_case_or_spaces(
        tmp_path: Path, spelling: str) -> None:
    ws, jim = referrer(tmp_path)
    existing = "name: Ana Ruiz\nrelationship: friend\n"
    (ws.contacts_dir / "ana.yaml").write_text(existing, encoding="utf-8")
    results = add_referral_contacts(ws, jim, [Referral(name=spelling)], date(2026, 11, 21))
    assert results == [("ana", ws.contacts_dir / "ana.yaml", False)]
    assert sorted(p.name for p in ws.contacts_dir.iterdir()) == ["ana.yaml", "jim-park.yaml"]
    assert (ws.contacts_dir / "ana.yaml").read_text(encoding="utf-8") == existing


def test_referral_of_an_existing_contact_by_accented_name(tmp_path: Path) -> None:
    ws, jim = referrer(tmp_path)
    (ws.contacts_dir / "amelie.yaml").write_text(
        "name: Amélie Côté-Nguyễn\nrelationship: friend\n", encoding="utf-8")
    results = add_referral_contacts(ws, jim, [Referral(name="amelie cote-nguyen")],
                                    date(2026, 11, 21))
    assert results == [("amelie", ws.contacts_dir / "amelie.yaml", False)]


def test_slug_collision_gets_a_number(tmp_path: Path) -> None:
    ws, jim = referrer(tmp_path)
    other = "name: Ana Ruiz-Ortega\nrelationship: friend\n"
    (ws.contacts_dir / "ana-ruiz.yaml").write_text(other, encoding="utf-8")
    today = date(2026, 11, 21)
    results = add_referral_contacts(ws, jim, [Referral(name="Ana Ruiz")], today)
    assert results == [("ana-ruiz-2", ws.contacts_dir / "ana-ruiz-2.yaml", True)]
    assert (ws.contacts_dir / "ana-ruiz.yaml").read_text(encoding="utf-8") == other
    assert Workspace(tmp_path).contact("ana-ruiz-2").data.name == "Ana Ruiz"

    (ws.contacts_dir / "ana-ruiz-3.yaml").write_text("name: Someone Else\n", encoding="utf-8")
    results = add_referral_contacts(ws, jim, [Referral(name="Aña Ruiz")], today)
    assert results == [("ana-ruiz-2", ws.contacts_dir / "ana-ruiz-2.yaml", False)]
    # Sr. tells a mother from her daughter: another person, and the id without it is
    # taken three times over (ana-ruiz-3 by Someone Else)
    results = add_referral_contacts(ws, jim, [Referral(name="Ana Ruiz Sr")], today)
    assert results[0][2] is True
    assert results[0][0] == "ana-ruiz-4"


def test_several_referrals_in_one_call(tmp_path: Path) -> None:
    ws, jim = referrer(tmp_path)
    (ws.contacts_dir / "ana-ruiz.yaml").write_text("name: Ana Ruiz-Ortega\nrelationship: "
                                                   "friend\n", encoding="utf-8")
    results = add_referral_contacts(ws, jim, [
        Referral(name="Ana Ruiz"), Referral(name="Jim Park"), Referral(name="ana ruiz"),
        Referral(name="李四", organization="Planning: Dept. #2"),
    ], date(2026, 11, 21))
    assert [(cid, created) for cid, _, created in results] == [
        ("ana-ruiz-2", True), ("jim-park", False), ("ana-ruiz-2", False), ("li-si", True)]
    fresh = Workspace(tmp_path)
    assert fresh.contact("li-si").data.name == "李四"
    assert fresh.contact("li-si").data.organization == "Planning: Dept. #2"
    first_line = (ws.contacts_dir / "li-si.yaml").read_text(encoding="utf-8").splitlines()[0]
    assert "a referral by Jim Park" in first_line


def test_a_result_that_loses_anything_is_refused_even_if_valid(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import outreach.workspace.history

    real = outreach.workspace.history.appended_text

    def careless(text: str, entry: HistoryEntry, path: Path) -> str:
        return real(text, entry, path).replace("notes: Led the 2025 housing plan.\n", "")

    monkeypatch.setattr(outreach.workspace.history, "appended_text", careless)
    contact = contact_file(tmp_path, RICH)
    with pytest.raises(OutreachError):
        append_entries(contact, [MEETING])
    assert contact.path.read_text(encoding="utf-8") == RICH


def test_aliases_are_refused_and_the_file_left_alone(tmp_path: Path) -> None:
    # outreach refuses YAML aliases everywhere (a self-referring or nested alias can
    # expand without end), so a file holding one is reported, never rewritten
    original = ("name: Jim Park\nrelationship: friend\nhistory: &h\n"
                "  - &first {date: 2026-11-16, event: call}\n  - *first\n# about notes\n"
                "notes: x\n")
    path = tmp_path / "profiles" / "contacts" / "jim-park.yaml"
    path.parent.mkdir(parents=True)
    path.write_text(original, encoding="utf-8")
    with pytest.raises(InputError, match="aliases"):
        Workspace(tmp_path).contact("jim-park")
    assert path.read_text(encoding="utf-8") == original
