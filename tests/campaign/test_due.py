"""What is due: each rule at its boundaries, the order of the list, and the .ics export."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import icalendar
import pytest

from outreach.campaign.due import (
    Item,
    approach_referral,
    due_items,
    follow_up_call,
    gone_quiet,
    referrer_name,
    thank_you,
    to_ics,
)
from outreach.workspace.folder import ContactFile
from outreach.workspace.models import Contact

TODAY = dt.date(2026, 11, 25)


def day(offset: int) -> str:
    """A date ``offset`` days from TODAY, as written in YAML."""
    return (TODAY + dt.timedelta(days=offset)).isoformat()


def contact(cid: str, *events: tuple[int, str] | dict[str, Any], name: str | None = None,
            relationship: str = "acquaintance", **extra: Any) -> ContactFile:
    """A contact whose history is ``(days from TODAY, event)`` pairs (or entries as
    written), oldest first."""
    data: dict[str, Any] = {
        "name": name or cid.replace("-", " ").title(),
        "relationship": relationship,
        "history": [e if isinstance(e, dict) else {"date": day(e[0]), "event": e[1]}
                    for e in events],
        **extra,
    }
    if relationship != "referral":
        data.setdefault("how_we_met", "We met at the planning conference")
    return ContactFile(cid, Path("x.yaml"), Contact.model_validate(data), {})


def actions(items: list[Item]) -> list[tuple[str, str]]:
    return [(i.contact_id, i.action) for i in items]


# -- follow-up call ----------------------------------------------------------------------
# A letter by post (no mode) arrives two days after it is sent (POST_DAYS), an e-mail
# the same day; the call is listed the day after it arrives and due the day after that.


def listed(item: Item | None, today: dt.date = TODAY) -> Item | None:
    """The item if ``due`` lists it on ``today``."""
    return item if item is not None and (item.listed is None or item.listed <= today) \
        else None


def emailed(offset: int) -> dict[str, Any]:
    return {"date": day(offset), "event": "letter-sent", "mode": "e-mail"}


@pytest.mark.parametrize(("mode", "first_listed"), [(None, -3), ("e-mail", -1)])
def test_follow_up_listed_the_day_after_the_letter_arrives(mode: str | None,
                                                           first_listed: int) -> None:
    def item(offset: int) -> Item | None:
        entry = {"date": day(offset), "event": "letter-sent", "mode": mode}
        return listed(follow_up_call(contact("jim-park", entry), TODAY))

    assert item(first_listed + 1) is None
    found = item(first_listed)
    assert found is not None and found.due == TODAY + dt.timedelta(days=1)


def test_follow_up_due_two_days_after_an_email_arrives() -> None:
    item = follow_up_call(contact("jim-park", emailed(-2)), TODAY)
    assert item is not None
    assert item.due == TODAY
    assert not item.overdue
    assert item.action == "follow-up call"
    assert item.name == "Jim Park"
    assert item.reason == f"letter sent {day(-2)}, no call or meeting since"
    assert item.command == "outreach script jim-park"


def test_a_letter_by_post_is_called_about_two_days_later_than_an_email() -> None:
    posted = follow_up_call(contact("jim-park", (-2, "letter-sent")), TODAY)
    assert posted is not None and posted.due == TODAY + dt.timedelta(days=2)


def test_follow_up_not_overdue_three_days_past_due() -> None:
    item = follow_up_call(contact("jim-park", emailed(-5)), TODAY)
    assert item is not None
    assert item.due == TODAY - dt.timedelta(days=3)
    assert not item.overdue


def test_follow_up_overdue_more_than_three_days_past_due() -> None:
    item = follow_up_call(contact("jim-park", emailed(-6)), TODAY)
    assert item is not None
    assert item.due == TODAY - dt.timedelta(days=4)
    assert item.overdue


@pytest.mark.parametrize("event", ["call", "meeting", "declined"])
def test_a_conversation_after_the_letter_clears_the_follow_up(event: str) -> None:
    cf = contact("jim-park", (-10, "letter-sent"), (-8, event))
    assert follow_up_call(cf, TODAY) is None


def test_a_later_letter_needs_its_own_follow_up() -> None:
    cf = contact("jim-park", (-30, "letter-sent"), (-28, "call"), emailed(-3))
    item = follow_up_call(cf, TODAY)
    assert item is not None
    assert item.due == TODAY - dt.timedelta(days=1)
    assert day(-3) in item.reason


def test_no_letter_no_follow_up() -> None:
    assert follow_up_call(contact("jim-park"), TODAY) is None
    assert follow_up_call(contact("jim-park", (-9, "thank-you-sent")), TODAY) is None


def test_a_follow_up_with_no_answer_asks_for_another_a_week_later() -> None:
    cf = contact("jim-park", emailed(-12), (-6, "follow-up"))
    item = follow_up_call(cf, TODAY)
    assert item is not None and item.due == TODAY + dt.timedelta(days=1)
    assert "1 follow-up with no answer" in item.reason
    assert listed(item) is None and gone_quiet(cf, TODAY) is None


def test_after_two_follow_ups_the_contact_has_gone_quiet() -> None:
    cf = contact("jim-park", emailed(-20), (-15, "follow-up"), (-5, "follow-up"))
    assert follow_up_call(cf, TODAY) is None
    quiet = gone_quiet(cf, TODAY)
    assert quiet is not None and quiet.action == "gone quiet" and not quiet.overdue
    assert quiet.command == "" and "2 follow-ups with no answer" in quiet.reason
    assert actions(due_items([cf], TODAY)) == [("jim-park", "gone quiet")]
    # said for two weeks, then no more: due stops asking
    later = TODAY + dt.timedelta(days=10)
    assert due_items([cf], later) == []


def test_an_answer_after_the_follow_ups_ends_the_quiet() -> None:
    cf = contact("jim-park", emailed(-20), (-15, "follow-up"), (-5, "follow-up"),
                 (-1, "call"))
    assert gone_quiet(cf, TODAY) is None
    assert actions(due_items([cf], TODAY)) == [("jim-park", "thank-you")]


# -- thank-you ---------------------------------------------------------------------------


def test_thank_you_not_listed_on_the_day_of_the_conversation() -> None:
    assert listed(thank_you(contact("jim-park", (0, "meeting")), TODAY)) is None


def test_thank_you_listed_the_day_after() -> None:
    item = thank_you(contact("jim-park", (-1, "meeting")), TODAY)
    assert item is not None
    assert item.due == TODAY + dt.timedelta(days=1)
    assert not item.overdue
    assert item.action == "thank-you"
    assert item.reason == f"meeting on {day(-1)}, no thank-you sent since"
    assert item.command == "outreach thank-you jim-park"


def test_thank_you_due_two_days_after_not_yet_overdue() -> None:
    item = thank_you(contact("jim-park", (-2, "meeting")), TODAY)
    assert item is not None
    assert item.due == TODAY
    assert not item.overdue


def test_thank_you_overdue_three_days_after() -> None:
    item = thank_you(contact("jim-park", (-3, "meeting")), TODAY)
    assert item is not None
    assert item.due == TODAY - dt.timedelta(days=1)
    assert item.overdue


@pytest.mark.parametrize("event", ["call", "declined"])
def test_calls_and_declines_are_conversations(event: str) -> None:
    item = thank_you(contact("jim-park", (-8, "letter-sent"), (-2, event)), TODAY)
    assert item is not None
    assert item.due == TODAY
    assert item.reason.startswith(f"{event} on {day(-2)}")


@pytest.mark.parametrize("sent", [-2, -1])
def test_a_thank_you_sent_on_or_after_the_conversation_clears_it(sent: int) -> None:
    assert thank_you(contact("jim-park", (-2, "meeting"), (sent, "thank-you-sent")),
                     TODAY) is None


def test_a_thank_you_sent_before_the_conversation_does_not_count() -> None:
    cf = contact("jim-park", (-4, "thank-you-sent"), (-3, "meeting"))
    item = thank_you(cf, TODAY)
    assert item is not None
    assert item.overdue


def test_a_second_meeting_after_a_thank_you_is_owed_a_new_one() -> None:
    cf = contact("jim-park", (-20, "meeting"), (-19, "thank-you-sent"), (-2, "meeting"))
    item = thank_you(cf, TODAY)
    assert item is not None
    assert item.due == TODAY
    assert day(-2) in item.reason


def test_no_conversation_no_thank_you() -> None:
    assert thank_you(contact("jim-park", (-9, "letter-sent")), TODAY) is None


# -- referrals ---------------------------------------------------------------------------


def test_a_referral_never_approached_is_due_today_never_overdue() -> None:
    maria = contact("maria-lopez", name="Maria Lopez", relationship="friend")
    ana = contact("ana-ruiz", name="Ana Ruiz", relationship="referral",
                  referred_by="maria-lopez")
    item = approach_referral(ana, TODAY, [maria, ana])
    assert item is not None
    assert item.due == TODAY
    assert not item.overdue
    assert item.action == "approach referral"
    assert item.referrer == "Maria Lopez"
    assert "referred by Maria Lopez" in item.reason
    assert item.command == "outreach letter ana-ruiz"


def test_referred_by_as_free_text_is_used_as_written() -> None:
    ana = contact("ana-ruiz", relationship="referral", referred_by="Prof. Dana Wu")
    item = approach_referral(ana, TODAY, [ana])
    assert item is not None
    assert item.referrer == "Prof. Dana Wu"
    assert "referred by Prof. Dana Wu" in item.reason


def test_referred_by_an_id_not_in_the_list_is_shown_as_written() -> None:
    ana = contact("ana-ruiz", relationship="referral", referred_by="maria-lopez")
    assert referrer_name(ana, [ana]) == "maria-lopez"


def test_a_referral_naming_itself_is_not_looked_up() -> None:
    ana = contact("ana-ruiz", name="Ana Ruiz", relationship="referral", referred_by="ana-ruiz")
    assert referrer_name(ana, [ana]) == "ana-ruiz"


def test_a_referral_without_referred_by_still_listed() -> None:
    ana = contact("ana-ruiz", relationship="referral", how_we_met="Jim suggested you")
    item = approach_referral(ana, TODAY, [ana])
    assert item is not None
    assert item.referrer is None
    assert item.reason == "a referral, not yet written to or called"


@pytest.mark.parametrize("event", ["letter-sent", "call", "meeting", "declined"])
def test_an_approached_referral_is_not_listed(event: str) -> None:
    ana = contact("ana-ruiz", (-30, event), relationship="referral", referred_by="Jim")
    assert approach_referral(ana, TODAY, [ana]) is None


def test_a_thank_you_alone_is_not_an_approach() -> None:
    ana = contact("ana-ruiz", (-30, "thank-you-sent"), relationship="referral",
                  referred_by="Jim")
    assert approach_referral(ana, TODAY, [ana]) is not None


@pytest.mark.parametrize("relationship", ["friend", "acquaintance", "alumni", "cold"])
def test_only_referrals_are_listed_unapproached(relationship: str) -> None:
    cf = contact("x", relationship=relationship)
    assert approach_referral(cf, TODAY, [cf]) is None


# -- the list ----------------------------------------------------------------------------


def test_due_items_sorted_overdue_first_then_due_date_then_id() -> None:
    contacts = [
        contact("zoe", (-2, "meeting")),                       # thank-you due today
        contact("amy", (-2, "meeting")),                       # thank-you due today
        contact("bob", emailed(-9)),                   # call overdue, due -7
        contact("cal", (-3, "meeting")),                       # thank-you overdue, due -1
        contact("dee", emailed(-5)),                   # call due -3, not overdue
        contact("eve", relationship="referral", referred_by="amy"),  # due today
        contact("fay", (-1, "meeting")),                       # thank-you due +1
        contact("gus"),                                        # nothing due
    ]
    items = due_items(contacts, TODAY)
    assert actions(items) == [
        ("bob", "follow-up call"),
        ("cal", "thank-you"),
        ("dee", "follow-up call"),
        ("amy", "thank-you"),
        ("eve", "approach referral"),
        ("zoe", "thank-you"),
        ("fay", "thank-you"),
    ]
    assert [i.overdue for i in items] == [True, True] + [False] * 5
    # Overdue comes before an earlier due date that is not overdue.
    assert items[1].due > items[2].due
    assert items[4].referrer == "Amy"


def test_due_items_does_not_depend_on_input_order() -> None:
    contacts = [contact("b", (-2, "meeting")), contact("a", (-2, "letter-sent")),
                contact("c", (-20, "letter-sent"))]
    assert due_items(contacts, TODAY) == due_items(list(reversed(contacts)), TODAY)


def test_one_contact_can_owe_a_thank_you_and_a_call() -> None:
    cf = contact("jim-park", (-20, "meeting"), emailed(-6))
    items = due_items([cf], TODAY)
    # Both overdue; the thank-you (due 18 days ago) is older than the call (4 days ago).
    assert actions(items) == [("jim-park", "thank-you"), ("jim-park", "follow-up call")]
    assert all(i.overdue for i in items)


def test_nothing_due_for_no_contacts() -> None:
    assert due_items([], TODAY) == []


# -- future-dated entries ----------------------------------------------------------------


def test_a_booked_call_stands_in_for_the_follow_up() -> None:
    """The call is arranged: nothing to chase; the booking is listed on its day."""
    cf = contact("jim-park", emailed(-6), {"date": day(3), "event": "call", "time": "10:00"})
    assert follow_up_call(cf, TODAY) is None
    assert actions(due_items([cf], TODAY + dt.timedelta(days=3))) == [("jim-park", "call")]


def test_a_future_letter_is_not_yet_sent() -> None:
    assert follow_up_call(contact("jim-park", (2, "letter-sent")), TODAY) is None


def test_a_planned_meeting_owes_no_thank_you_yet() -> None:
    assert thank_you(contact("jim-park", (5, "meeting")), TODAY) is None
    # ... and it does not hide the thank-you owed for a past one.
    item = thank_you(contact("jim-park", (-3, "call"), (5, "meeting")), TODAY)
    assert item is not None
    assert item.reason.startswith(f"call on {day(-3)}")


def test_a_future_thank_you_does_not_clear_one_owed() -> None:
    item = thank_you(contact("jim-park", (-3, "meeting"), (1, "thank-you-sent")), TODAY)
    assert item is not None
    assert item.overdue


def test_a_planned_letter_does_not_count_as_approaching_a_referral() -> None:
    ana = contact("ana-ruiz", (4, "letter-sent"), relationship="referral", referred_by="Jim")
    assert approach_referral(ana, TODAY, [ana]) is not None


def test_a_history_entirely_in_the_future_is_harmless() -> None:
    cf = contact("jim-park", (1, "letter-sent"), (2, "call"), (3, "meeting"),
                 (4, "thank-you-sent"))
    assert due_items([cf], TODAY) == []


def test_a_history_out_of_order_is_read_by_date() -> None:
    cf = contact("jim-park", (-3, "call"), (-9, "letter-sent"))
    assert follow_up_call(cf, TODAY) is None
    assert thank_you(cf, TODAY) is not None


# -- iCalendar ---------------------------------------------------------------------------


def _calendar_contacts() -> list[ContactFile]:
    return [
        contact("jim-park", (-3, "meeting"), name="Jim Park"),
        contact("maria-lopez", emailed(-2), name="Maria Lopez", relationship="friend"),
        contact("ana-ruiz", name="Ana Ruiz", relationship="referral", referred_by="jim-park"),
    ]


def _events(data: bytes) -> list[icalendar.Event]:
    parsed = icalendar.Calendar.from_ical(data)
    assert isinstance(parsed, icalendar.Calendar)
    assert str(parsed["PRODID"]) == "-//outreach//due//EN"
    assert str(parsed["VERSION"]) == "2.0"
    return [c for c in parsed.walk("VEVENT") if isinstance(c, icalendar.Event)]


def test_to_ics_one_all_day_event_per_item() -> None:
    items = due_items(_calendar_contacts(), TODAY)
    events = _events(to_ics(items, TODAY))
    assert len(events) == len(items) == 3
    by_uid = {str(e["UID"]): e for e in events}
    assert set(by_uid) == {
        f"jim-park-thank-you-{day(-1)}@outreach",
        f"maria-lopez-follow-up-call-{day(0)}@outreach",
        "ana-ruiz-approach-referral@outreach",
    }
    thanks = by_uid[f"jim-park-thank-you-{day(-1)}@outreach"]
    assert str(thanks["SUMMARY"]) == "[overdue] Thank-you letter to Jim Park"
    start = thanks.decoded("DTSTART")
    assert type(start) is dt.date
    assert start == TODAY - dt.timedelta(days=1)
    assert thanks.decoded("DTEND") == TODAY
    assert thanks.decoded("DTSTAMP") == dt.datetime(2026, 11, 25, tzinfo=dt.UTC)
    assert str(thanks["DESCRIPTION"]) == (
        f"meeting on {day(-3)}, no thank-you sent since\noutreach thank-you jim-park")

    call = by_uid[f"maria-lopez-follow-up-call-{day(0)}@outreach"]
    assert str(call["SUMMARY"]) == "Call Maria Lopez about the meeting"
    assert call.decoded("DTSTART") == TODAY
    assert call.decoded("DTEND") == TODAY + dt.timedelta(days=1)

    write = by_uid["ana-ruiz-approach-referral@outreach"]
    assert str(write["SUMMARY"]) == "Write to Ana Ruiz (referred by Jim Park)"
    assert str(write["DESCRIPTION"]).endswith("\noutreach letter ana-ruiz")


def test_to_ics_is_deterministic() -> None:
    items = due_items(_calendar_contacts(), TODAY)
    assert to_ics(items, TODAY) == to_ics(items, TODAY)
    again = due_items(list(reversed(_calendar_contacts())), TODAY)
    assert to_ics(again, TODAY) == to_ics(items, TODAY)


def test_to_ics_keeps_names_as_written() -> None:
    cf = contact("amelie", (-2, "call"), name="Amélie Côté-Nguyen, PhD; Dept. of GIS")
    events = _events(to_ics(due_items([cf], TODAY), TODAY))
    assert [str(e["SUMMARY"]) for e in events] == [
        "Thank-you letter to Amélie Côté-Nguyen, PhD; Dept. of GIS"]


def test_to_ics_of_nothing_is_an_empty_calendar() -> None:
    assert _events(to_ics([], TODAY)) == []


def test_the_commands_due_names_are_the_kinds_own() -> None:
    from outreach.campaign.due import COMMANDS
    from outreach.compose import kinds

    assert {name: kinds.get(name).command for name in COMMANDS} == COMMANDS
