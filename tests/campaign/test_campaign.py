"""The campaign: each contact's stage from its history, the batches that follow from it,
booked meetings, and the follow-up schedule (docs/campaign.md)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import icalendar
import pytest

from conftest import run
from outreach.campaign.stages import STAGES, standing
from outreach.workspace.models import Contact
from support.campaign import EXPECTED, at, build, day

TODAY = dt.date(2026, 11, 25)


def model(*entries: dict[str, Any], **extra: Any) -> Contact:
    return Contact.model_validate({"name": "Jim Park", "relationship": "acquaintance",
                                   "history": list(entries), **extra})


def on(offset: int, event: str, **fields: Any) -> dict[str, Any]:
    return {"date": (TODAY + dt.timedelta(days=offset)).isoformat(), "event": event,
            **fields}


# -- one test per row of the stages table ------------------------------------------------


def test_incomplete_while_the_file_holds_placeholders() -> None:
    met = model(on(-3, "meeting"))
    assert standing(met, TODAY, unfilled=True).stage == "incomplete"
    assert standing(met, TODAY).stage == "met"


def test_new_when_nothing_was_sent_said_or_booked() -> None:
    assert standing(model(), TODAY).stage == "new"
    # something planned for later is not something sent
    assert standing(model(on(2, "meeting", time="10:00")), TODAY).stage != "new"


def test_approached_when_written_to_and_no_conversation_since() -> None:
    found = standing(model(on(-5, "letter-sent")), TODAY)
    assert found.stage == "approached" and found.entry is not None
    assert found.entry.date == TODAY - dt.timedelta(days=5)
    assert standing(model(on(-5, "letter-sent"), on(-2, "follow-up")),
                    TODAY).stage == "approached"


@pytest.mark.parametrize("event", ["meeting", "call"])
def test_scheduled_when_a_meeting_or_call_is_booked_for_a_later_day(event: str) -> None:
    found = standing(model(on(-5, "letter-sent"), on(2, event, time="14:30")), TODAY)
    assert found.stage == "scheduled"
    assert found.entry is not None and found.entry.event == event


def test_scheduled_until_the_booked_time_today_then_met() -> None:
    contact = model(on(0, "meeting", time="14:30"))
    assert standing(contact, TODAY, dt.time(9, 0)).stage == "scheduled"
    assert standing(contact, TODAY, dt.time(14, 30)).stage == "met"
    assert standing(contact, TODAY, dt.time(16, 0)).stage == "met"


def test_a_booking_after_a_thank_you_schedules_again() -> None:
    contact = model(on(-20, "meeting"), on(-19, "thank-you-sent"), on(3, "call", time="09:00"))
    assert standing(contact, TODAY).stage == "scheduled"


@pytest.mark.parametrize("event", ["meeting", "call"])
def test_met_when_the_last_conversation_was_held_and_not_thanked(event: str) -> None:
    assert standing(model(on(-5, "letter-sent"), on(-1, event)), TODAY).stage == "met"
    # a booked meeting whose day has passed with nothing logged was held
    assert standing(model(on(-1, event, time="10:00")), TODAY).stage == "met"


def test_declined_when_declined_and_not_thanked() -> None:
    found = standing(model(on(-9, "letter-sent"), on(-4, "declined")), TODAY)
    assert found.stage == "declined"


@pytest.mark.parametrize("event", ["meeting", "call", "declined"])
def test_thanked_when_a_thank_you_follows_the_last_conversation(event: str) -> None:
    assert standing(model(on(-4, event), on(-3, "thank-you-sent")), TODAY).stage == "thanked"
    # the same day counts, as due counts it
    assert standing(model(on(-4, event), on(-4, "thank-you-sent")), TODAY).stage == "thanked"
    # a thank-you before the conversation does not
    assert standing(model(on(-6, "thank-you-sent"), on(-4, event)),
                    TODAY).stage in ("met", "declined")


def test_kept_in_touch_when_told_where_you_landed_after_that() -> None:
    contact = model(on(-40, "meeting"), on(-39, "thank-you-sent"),
                    on(-1, "keep-in-touch-sent"))
    assert standing(contact, TODAY).stage == "kept-in-touch"
    # a later conversation starts the round again
    assert standing(model(on(-40, "meeting"), on(-1, "keep-in-touch-sent"),
                          on(0, "call")), TODAY).stage == "met"


def test_the_stage_words_are_exactly_these() -> None:
    assert STAGES == ("incomplete", "new", "approached", "scheduled", "met", "declined",
                      "thanked", "kept-in-touch")


# -- the workspace of every stage --------------------------------------------------------


@pytest.fixture
def cw(tmp_path: Path) -> Path:
    return build(tmp_path)


def written(out: str) -> list[str]:
    """The contact ids of the files a command wrote (or would write)."""
    ids = []
    for line in out.splitlines():
        if line.startswith(("written ", "would write ", "overwritten ", "unchanged ")):
            parts = line.split()[-1].split("/")
            folder = parts[parts.index("output") + 1]
            if folder != "batches":
                ids.append(folder)
    return sorted(set(ids))


def test_contacts_lists_every_stage_with_the_next_step(cw: Path) -> None:
    result = run(cw, "contacts", "--json")
    assert result.code == 0
    rows = json.loads(result.out)
    assert {r["id"]: r["stage"] for r in rows} == EXPECTED
    by_id = {r["id"]: r for r in rows}
    assert set(by_id["li-na"]) >= {"id", "name", "stage", "next", "due"}
    assert by_id["li-na"]["next"] == "question sheet" and by_id["li-na"]["due"] == day(1)
    assert by_id["farid-rahimi"]["next"] == "log what helped"
    assert by_id["grace-obi"]["next"] == "thank-you" and by_id["grace-obi"]["due"] == day(-1)
    # gone quiet is said, not asked: no date falls due (the last follow-up's would read
    # as overdue)
    assert by_id["tom-brandt"]["next"] == "gone quiet" and by_id["tom-brandt"]["due"] is None
    assert by_id["nadia-haddad"]["next"] == "approach letter"
    assert by_id["jonas-weber"]["next"].startswith("fill in the <<...>>")
    table = run(cw, "contacts")
    assert table.code == 0 and "STAGE" in table.out and "scheduled" in table.out


@pytest.mark.parametrize("stages", [["met"], ["new", "declined"]])
def test_contacts_filters_by_stage(cw: Path, stages: list[str]) -> None:
    args = [a for s in stages for a in ("--stage", s)]
    rows = json.loads(run(cw, "contacts", "--json", *args).out)
    assert sorted(r["id"] for r in rows) == sorted(i for s in stages for i in at(s))


@pytest.mark.parametrize(("command", "stage", "extra"), [
    ("letter", "new", ["--format", "docx"]),
    ("linkedin", "new", []),
    ("script", "approached", ["--format", "docx"]),
    ("questions", "scheduled", ["--format", "docx"]),
])
def test_each_batch_writes_exactly_the_contacts_of_its_stage(
        cw: Path, command: str, stage: str, extra: list[str]) -> None:
    result = run(cw, command, "--all", *extra)
    assert result.code == 0, result.err
    quiet = ["tom-brandt"] if stage == "approached" else []  # two follow-ups: gone quiet
    assert written(result.out) == [cid for cid in at(stage) if cid not in quiet]
    last = result.out.strip().splitlines()[-1]
    skipped = len(EXPECTED) - len(at(stage)) + len(quiet)
    assert last.startswith(f"skipped {skipped}: ") and "1 incomplete (jonas-weber)" in last
    assert "Error" not in result.err


def test_the_envelope_batch_prints_for_the_new_contacts_only(cw: Path) -> None:
    result = run(cw, "envelopes", "--all")
    assert result.code == 0, result.err
    names = [line.split("  ")[0] for line in result.out.splitlines()[1:]]
    assert "Nadia Haddad" in result.out and "Farid Rahimi" not in result.out
    assert "Hana Sato" not in result.out and names
    assert "skipped 9:" in result.out


def test_a_declined_contact_without_how_we_met_does_not_stop_the_letters(cw: Path) -> None:
    # hana-sato (cold, declined, no how_we_met) and jonas-weber (placeholders) are left out
    result = run(cw, "letter", "--all", "--format", "docx", "--dry-run")
    assert result.code == 0 and written(result.out) == ["nadia-haddad", "wang-fang"]


def test_stage_chooses_another_stage_on_purpose(cw: Path) -> None:
    result = run(cw, "letter", "--stage", "approached", "--format", "docx")
    assert result.code == 0  # tom-brandt has gone quiet: left out of any batch
    assert written(result.out) == [c for c in at("approached") if c != "tom-brandt"]
    both = run(cw, "letter", "--stage", "met", "--stage", "thanked", "--format", "docx",
               "--force")
    assert written(both.out) == sorted(at("met") + at("thanked"))


def test_stage_incomplete_on_purpose_names_what_to_fill_in(cw: Path) -> None:
    result = run(cw, "letter", "--stage", "incomplete")
    assert result.code == 1
    assert "profiles/contacts/jonas-weber.yaml:5: how_we_met: still to fill in" in result.err
    assert not (cw / "output").exists()


def test_a_contact_named_is_written_with_a_warning_when_it_no_longer_fits(cw: Path) -> None:
    result = run(cw, "letter", "farid-rahimi", "--format", "docx")
    assert result.code == 0
    assert written(result.out) == ["farid-rahimi"]
    assert (f"farid-rahimi was met on {day(-1)} at 10:00: an approach letter is written "
            "for someone you have not yet written to or spoken with") in result.err
    fits = run(cw, "letter", "nadia-haddad", "--format", "docx")
    assert fits.code == 0 and "Warning" not in fits.err


@pytest.mark.parametrize(("command", "cid", "words"), [
    ("script", "hana-sato", f"hana-sato declined on {day(-42)}: a phone script"),
    ("questions", "omar-khan", f"omar-khan was thanked on {day(-32)}: a question sheet"),
    ("thank-you", "rosa-diaz", f"rosa-diaz was told where you landed on {day(-2)}: "
                               "a thank you"),
])
def test_each_document_warns_out_of_its_stage(cw: Path, command: str, cid: str,
                                              words: str) -> None:
    result = run(cw, command, cid, "--format", "docx")
    assert result.code == 0, result.err
    assert words in result.err


def test_a_contact_named_with_placeholders_gets_the_files_error(cw: Path) -> None:
    result = run(cw, "letter", "jonas-weber")
    assert result.code == 1
    assert result.err.startswith("Error: ") and result.err.count("Error") == 1
    assert "profiles/contacts/jonas-weber.yaml:5: how_we_met: still to fill in" in result.err


def test_the_thank_you_week_takes_those_met_or_declined_in_it(cw: Path) -> None:
    result = run(cw, "thank-you", "--since", "7d", "--format", "docx")
    assert result.code == 0, result.err
    assert written(result.out) == ["farid-rahimi", "grace-obi"]  # hana-sato declined earlier
    assert "1 incomplete (jonas-weber)" in result.out
    month = run(cw, "thank-you", "--since", "60d", "--format", "docx", "--force")
    assert written(month.out) == ["farid-rahimi", "grace-obi", "hana-sato"]


def test_keep_in_touch_skips_those_already_told(cw: Path) -> None:
    result = run(cw, "keep-in-touch", "--landed", "Planner, City of Springfield",
                 "--format", "docx")
    assert result.code == 0, result.err
    assert written(result.out) == ["farid-rahimi", "grace-obi", "hana-sato", "omar-khan"]


# -- booked meetings ---------------------------------------------------------------------


def history(ws: Path, cid: str) -> list[dict[str, Any]]:
    import yaml

    text = (ws / "profiles" / "contacts" / f"{cid}.yaml").read_text(encoding="utf-8")
    return list(yaml.safe_load(text)["history"])


def test_a_meeting_is_booked_ahead_and_makes_the_contact_scheduled(cw: Path) -> None:
    result = run(cw, "log", "ivan-petrov", "--event", "meeting", "--date", day(3),
                 "--at", "09:15", "--minutes", "30", "--mode", "phone")
    assert result.code == 0, result.err
    assert result.out.startswith(f"booked meeting on {day(3)} at 09:15")
    entry = history(cw, "ivan-petrov")[-1]
    assert entry["time"] == "09:15" and entry["minutes"] == 30 and entry["mode"] == "phone"
    rows = {r["id"]: r for r in json.loads(run(cw, "contacts", "--json").out)}
    assert rows["ivan-petrov"]["stage"] == "scheduled"


def test_a_booked_meeting_holds_no_points_yet(cw: Path) -> None:
    result = run(cw, "log", "ivan-petrov", "--event", "meeting", "--date", day(3),
                 "--point", "Something")
    assert result.code == 2 and "log them on the day" in result.err


def test_logging_the_meeting_on_its_day_completes_the_booking(cw: Path) -> None:
    before = len(history(cw, "farid-rahimi"))
    result = run(cw, "log", "farid-rahimi", "--event", "meeting", "--date", day(-1),
                 "--point", "Foundations hire analysts who can write", "--resume", "kept")
    assert result.code == 0, result.err
    assert result.out.startswith(f"logged the meeting booked for {day(-1)} at 10:00")
    entries = history(cw, "farid-rahimi")
    assert len(entries) == before
    meetings = [e for e in entries if e["event"] == "meeting"]
    assert len(meetings) == 1
    assert meetings[0]["points"] == ["Foundations hire analysts who can write"]
    assert meetings[0]["time"] == "10:00" and meetings[0]["minutes"] == 20
    due = json.loads(run(cw, "due", "--json").out)
    assert [i["action"] for i in due if i["id"] == "farid-rahimi"] == ["thank-you"]


def test_booking_again_moves_the_meeting_and_cancel_removes_it(cw: Path) -> None:
    moved = run(cw, "log", "li-na", "--event", "meeting", "--date", day(4), "--at", "11:00")
    assert moved.code == 0, moved.err
    assert moved.out.startswith(f"moved the meeting of {day(2)} at 14:30 to {day(4)} at 11:00")
    meetings = [e for e in history(cw, "li-na") if e["event"] == "meeting"]
    assert len(meetings) == 1 and meetings[0]["minutes"] == 25
    cancelled = run(cw, "log", "li-na", "--cancel", day(4))
    assert cancelled.code == 0 and cancelled.out.startswith("cancelled the meeting booked")
    assert [e["event"] for e in history(cw, "li-na")] == ["letter-sent"]
    again = run(cw, "log", "li-na", "--cancel", day(4))
    assert again.code == 1 and f"no meeting or call booked for {day(4)}" in again.err


def test_the_sheet_takes_the_booked_meeting(cw: Path) -> None:
    from conftest import docx_text

    result = run(cw, "questions", "li-na", "--format", "docx")
    assert result.code == 0, result.err
    text = docx_text(cw / "output" / "li-na" / "question-sheet.docx")
    booked = dt.date.fromisoformat(day(2))
    assert f"{booked:%A}, {booked:%B} {booked.day}, {booked.year} at 2:30 p.m." in text
    assert "25 minutes agreed" in text


def test_due_lists_the_sheet_the_day_before_and_the_meeting_on_its_day(cw: Path) -> None:
    def actions(offset: int) -> list[str]:
        out = run(cw, "due", "--json", "--today", day(offset)).out
        return [i["action"] for i in json.loads(out) if i["id"] == "li-na"]

    assert actions(0) == []
    assert actions(1) == ["question sheet"]
    assert actions(2) == ["meeting"]
    # its day passed with nothing logged: what helped, and the thank-you
    assert actions(3) == ["log what helped", "thank-you"]


def test_the_calendar_holds_the_meeting_at_its_time(cw: Path) -> None:
    ics = cw / "due.ics"
    result = run(cw, "due", "--ics", str(ics))
    assert result.code in (0, 3), result.err
    calendar = icalendar.Calendar.from_ical(ics.read_bytes())
    events = {str(e["UID"]): e for e in calendar.walk("VEVENT")}
    meeting = events["li-na-booking-1@outreach"]
    start = meeting.decoded("DTSTART")
    assert start == dt.datetime.combine(dt.date.fromisoformat(day(2)), dt.time(14, 30))
    assert meeting.decoded("DTEND") - start == dt.timedelta(minutes=25)
    alarm = meeting.walk("VALARM")[0]
    rings = start + alarm.decoded("TRIGGER")
    assert rings == dt.datetime.combine(dt.date.fromisoformat(day(1)), dt.time(19, 0))
    assert "Question sheet: not written yet" in str(meeting["DESCRIPTION"])
    # moved: the same event, at its new time
    run(cw, "log", "li-na", "--event", "meeting", "--date", day(5), "--at", "08:00")
    assert run(cw, "due", "--ics", str(ics)).code in (0, 3)  # its own file: no --force
    again = {str(e["UID"]): e for e in icalendar.Calendar.from_ical(ics.read_bytes())
             .walk("VEVENT")}
    assert again["li-na-booking-1@outreach"].decoded("DTSTART").hour == 8


def test_a_booked_meeting_in_the_file_loads_while_other_future_events_do_not(cw: Path) -> None:
    path = cw / "profiles" / "contacts" / "omar-khan.yaml"
    path.write_text(path.read_text() + f"  - {{date: {day(3)}, event: letter-sent}}\n")
    result = run(cw, "letter", "omar-khan")
    assert result.code == 1
    assert "only a meeting or call is booked ahead" in result.err


# -- what a user's review found ----------------------------------------------------------


def test_more_points_for_a_conversation_go_into_it_not_beside_it(cw: Path) -> None:
    first = run(cw, "log", "grace-obi", "--event", "call", "--date", day(-3),
                "--point", "Ask the county about its data fellowship")
    assert first.code == 0 and first.out.startswith(f"added to the call of {day(-3)}")
    calls = [e for e in history(cw, "grace-obi") if e["event"] == "call"]
    assert len(calls) == 1
    assert calls[0]["points"] == ["A GIS certificate opens the door to county work",
                                  "Ask the county about its data fellowship"]
    assert json.loads(run(cw, "report", "--json").out)["conversations"] == 4


def test_a_decline_ends_what_was_booked(cw: Path) -> None:
    result = run(cw, "log", "li-na", "--event", "declined")
    assert result.code == 0
    assert f"cancelled the meeting booked for {day(2)} at 14:30: they declined" in result.err
    assert [e["event"] for e in history(cw, "li-na")] == ["letter-sent", "declined"]
    rows = {r["id"]: r["stage"] for r in json.loads(run(cw, "contacts", "--json").out)}
    assert rows["li-na"] == "declined"


def test_a_call_held_early_on_its_day_is_held(cw: Path) -> None:
    from freezegun import freeze_time

    today = dt.date.fromisoformat(day(0))
    with freeze_time(dt.datetime.combine(today, dt.time(12, 0))):
        assert run(cw, "log", "ivan-petrov", "--event", "call", "--date", day(0),
                   "--at", "17:30").code == 0
        done = run(cw, "log", "ivan-petrov", "--event", "call", "--point", "Talked early")
        assert done.out.startswith(f"logged the call booked for {day(0)}")
        rows = {r["id"]: r["stage"] for r in json.loads(run(cw, "contacts", "--json").out)}
    assert rows["ivan-petrov"] == "met"
    assert "time" not in history(cw, "ivan-petrov")[-1]


def test_a_meeting_made_a_call_keeps_its_calendar_event_and_not_its_place(cw: Path) -> None:
    moved = run(cw, "log", "li-na", "--event", "call", "--date", day(2), "--at", "16:00")
    assert moved.out.startswith(f"moved the call of {day(2)} at 14:30 to {day(2)} at 16:00")
    run(cw, "log", "li-na", "--event", "meeting", "--date", day(3), "--at", "09:00",
        "--mode", "in-person")
    again = run(cw, "log", "li-na", "--event", "call", "--date", day(4), "--at", "09:00")
    assert again.code == 0 and "mode" not in history(cw, "li-na")[-1]
    ics = cw / "due.ics"
    run(cw, "due", "--ics", str(ics))
    uids = [str(e["UID"]) for e in icalendar.Calendar.from_ical(ics.read_bytes())
            .walk("VEVENT") if "li-na" in str(e["UID"])]
    assert uids == ["li-na-booking-1@outreach"]


def test_a_decline_by_e_mail_is_history(cw: Path) -> None:
    result = run(cw, "log", "ivan-petrov", "--event", "declined", "--mode", "e-mail")
    assert result.code == 0, result.err
    assert run(cw, "contacts").code == 0
    letter = run(cw, "thank-you", "ivan-petrov", "--format", "docx")
    assert letter.code == 0, letter.err


def test_cancel_says_nothing_of_a_meeting_that_is_not_there(cw: Path) -> None:
    none = run(cw, "log", "nadia-haddad", "--cancel", day(9))
    assert none.code == 1 and none.err.strip().endswith("nadia-haddad.yaml")
    both = run(cw, "log", "li-na", "--event", "meeting", "--cancel", day(2))
    assert both.code == 2 and "not both" in both.err
