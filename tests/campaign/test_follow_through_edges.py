"""Follow-through edge cases found in review: stale letters, print files, calendars."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from conftest import pdf_text, run, snapshot, words
from outreach.campaign import rules
from outreach.workspace.models import Contact

DAY = "2026-11-21"


def test_a_letter_outreach_wrote_follows_the_new_conversation(ws: Path) -> None:
    assert run(ws, "thank-you", "priya-raman", "--date", "2026-11-19").code == 0
    assert run(ws, "log", "priya-raman", "--event", "call", "--date", "2026-11-20",
               "--point", "The MPO runs a fellowship").code == 0
    again = run(ws, "thank-you", "priya-raman", "--date", DAY)
    assert again.code == 0 and again.out.count("overwritten") == 2
    letter = words(pdf_text(ws / "output" / "priya-raman" / "thank-you.pdf"))
    assert "the MPO runs a fellowship" in letter


def test_a_kept_letter_for_an_older_conversation_is_not_reused(ws: Path) -> None:
    assert run(ws, "thank-you", "priya-raman", "--date", "2026-11-19").code == 0
    assert run(ws, "log", "priya-raman", "--event", "call", "--date", "2026-11-20",
               "--point", "The MPO runs a fellowship").code == 0
    edited = ws / "output" / "priya-raman" / "thank-you.pdf"
    edited.write_bytes(edited.read_bytes() + b"\n")  # touched by hand: kept
    stale = run(ws, "thank-you", "--since", "7d", "--date", DAY, "--mark-sent")
    assert stale.code == 1
    assert "was written for another conversation than the last one logged" in stale.err
    assert "call of 2026-11-20" in stale.err
    assert "thank-you-sent" not in (ws / "profiles/contacts/priya-raman.yaml").read_text()
    forced = run(ws, "thank-you", "--since", "7d", "--date", DAY, "--force")
    assert forced.code == 0, forced.err
    batch = words(pdf_text(ws / "output" / "batches" / f"{DAY}-thank-you.pdf"))
    assert "November 20" in batch and "that the MPO runs a fellowship" in batch


def test_a_print_file_that_would_miss_a_new_letter_is_not_kept(ws: Path) -> None:
    assert run(ws, "thank-you", "--since", "7d", "--date", DAY).code == 0
    assert run(ws, "log", "jim-park", "--event", "meeting", "--date", "2026-11-20",
               "--point", "Internships open in March").code == 0
    printed = ws / "output" / "batches" / f"{DAY}-thank-you.pdf"
    printed.write_bytes(printed.read_bytes() + b"\n")  # touched by hand: kept
    again = run(ws, "thank-you", "--since", "7d", "--date", DAY, "--mark-sent")
    assert again.code == 1 and "would no longer hold every letter" in again.err
    assert "thank-you-sent" not in (ws / "profiles/contacts/jim-park.yaml").read_text()
    assert run(ws, "thank-you", "--since", "7d", "--date", DAY, "--force").code == 0
    batch = pdf_text(ws / "output" / "batches" / f"{DAY}-thank-you.pdf")
    assert "Dear Mr. Park:" in batch and "that internships open in March" in batch


def test_running_the_week_twice_keeps_everything(ws: Path) -> None:
    assert run(ws, "thank-you", "--since", "7d", "--date", DAY).code == 0
    before = snapshot(ws / "output")
    again = run(ws, "thank-you", "--since", "7d", "--date", DAY)
    assert again.code == 0 and "unchanged" in again.out and "written" not in again.out
    assert snapshot(ws / "output") == before


def test_mark_sent_on_a_day_to_come_is_refused(ws: Path) -> None:
    later = (dt.date.today() + dt.timedelta(days=3)).isoformat()
    result = run(ws, "thank-you", "priya-raman", "--date", later, "--mark-sent")
    assert result.code == 2 and "cannot be marked sent on a day still to come" in result.err
    assert run(ws, "contacts").code == 0


def test_due_keeps_an_existing_calendar_file(ws: Path) -> None:
    target = ws / "profiles" / "contacts" / "jim-park.yaml"
    before = target.read_bytes()
    result = run(ws, "due", "--today", DAY, "--ics", str(target))
    assert result.code == 1 and "--force overwrites it" in result.err
    assert target.read_bytes() == before
    ics = ws / "due.ics"
    ics.write_text("mine\n")
    assert run(ws, "due", "--today", DAY, "--ics", str(ics), "--force").code == 3
    assert ics.read_text().startswith("BEGIN:VCALENDAR")


def test_since_far_back_is_an_error_not_a_crash(ws: Path) -> None:
    result = run(ws, "thank-you", "--since", "99999999d")
    assert result.code == 2 and "before the calendar begins" in result.err


def test_referral_named_like_a_device_gets_a_safe_id(ws: Path) -> None:
    result = run(ws, "log", "jim-park", "--event", "call", "--date", "2026-11-20",
                 "--referral", "Con, Edison Co")
    assert result.code == 0, result.err
    assert "added contact con-contact" in result.out
    assert run(ws, "contacts").code == 0


def test_referral_file_first_then_history(ws: Path) -> None:
    # the same command twice adds the referral once and the history entry twice, never a
    # referral without its history line or the other way round
    for _ in range(2):
        assert run(ws, "log", "jim-park", "--event", "call", "--date", "2026-11-20",
                   "--referral", "Ana Ruiz, County GIS").code == 0
    assert len(list((ws / "profiles" / "contacts").glob("ana-ruiz*.yaml"))) == 1


def test_a_letter_logged_late_for_an_earlier_day_is_not_the_last_event(ws: Path) -> None:
    assert run(ws, "log", "priya-raman", "--event", "letter-sent",
               "--date", "2026-11-05").code == 0
    row = next(line for line in run(ws, "contacts").out.splitlines()
               if line.startswith("priya-raman"))
    assert "meeting 2026-11-18" in row
    assert run(ws, "script", "priya-raman", "--format", "pdf").code == 0
    assert "I wrote to you" not in pdf_text(ws / "output" / "priya-raman" /
                                            "phone-script.pdf")


def test_decline_is_thanked_for_how_it_came(ws: Path) -> None:
    path = ws / "profiles" / "contacts" / "thomas-whitfield.yaml"
    for mode, words_expected in (("phone", "Thank you for taking my call on November 19"),
                                 # they said no face to face: never "we could not meet"
                                 ("in-person", "Thank you for taking a moment to speak with "
                                               "me on November 19"),
                                 (None, "Thank you for your reply of November 19")):
        text = path.read_text()
        text = text.replace("    mode: phone\n", "").replace("    mode: in-person\n", "")
        if mode:
            text = text.replace("    event: declined\n", f"    event: declined\n    mode: {mode}\n")
        path.write_text(text)
        result = run(ws, "thank-you", "thomas-whitfield", "--force", "--format", "pdf")
        assert result.code == 0, result.err
        letter = words(pdf_text(ws / "output" / "thomas-whitfield" / "thank-you.pdf"))
        assert words_expected in letter


def test_they_already_have_the_resume_even_by_phone() -> None:
    contact = Contact.model_validate({"name": "Pat", "relationship": "friend", "history": [
        {"date": "2026-11-19", "event": "meeting", "mode": "phone", "resume": "kept"}]})
    decision = rules.thank_you_resume(contact, contact.history[-1])
    assert not decision.enclose and "they have it" in decision.rule
    asked = Contact.model_validate({"name": "Pat", "relationship": "friend", "history": [
        {"date": "2026-11-19", "event": "meeting", "mode": "in-person", "resume": "asked"}]})
    assert rules.thank_you_resume(asked, asked.history[-1]).enclose
