"""Thank-you letters: the résumé rules, the busy-week batch, and the print file."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import docx
import pytest

from conftest import (
    copy_workspace,
    docx_text,
    pdf_pages,
    pdf_text,
    run,
    snapshot,
    words,
)
from outreach.campaign import rules
from outreach.workspace.models import Contact

DAY = "2026-11-21"


def contact(*history: dict[str, object], local: bool = True) -> Contact:
    return Contact.model_validate({"name": "Jim Park", "relationship": "friend",
                                   "local": local, "history": list(history)})


@pytest.mark.parametrize("entry,enclose,words_in_rule", [
    ({"event": "meeting", "mode": "in-person", "resume": "kept"}, False, "they have it"),
    ({"event": "meeting", "mode": "in-person", "resume": "reviewed"}, False, "they have it"),
    ({"event": "meeting", "mode": "in-person", "resume": "not-discussed"}, False,
     "not enclosed unless"),
    ({"event": "meeting", "mode": "in-person"}, False, "not enclosed unless"),
    ({"event": "meeting", "mode": "phone", "resume": "not-discussed"}, True, "telephone"),
    ({"event": "call"}, True, "telephone"),
    ({"event": "declined"}, True, "declined"),
])
def test_resume_enclosure_table(entry: dict[str, object], enclose: bool,
                                words_in_rule: str) -> None:
    c = contact({"date": "2026-11-19", **entry})
    decision = rules.thank_you_resume(c, c.history[-1])
    assert decision.enclose is enclose
    assert words_in_rule in decision.rule


def test_meeting_without_mode_follows_distance() -> None:
    far = contact({"date": "2026-11-19", "event": "meeting"}, local=False)
    assert rules.thank_you_resume(far, far.history[-1]).enclose
    near = contact({"date": "2026-11-19", "event": "meeting"})
    assert not rules.thank_you_resume(near, near.history[-1]).enclose


def test_thank_you_owed_window_and_sent() -> None:
    met = {"date": "2026-11-17", "event": "meeting"}
    assert rules.thank_you_owed(contact(met)) is not None
    assert rules.thank_you_owed(contact(met), since=dt.date(2026, 11, 18)) is None
    assert rules.thank_you_owed(
        contact(met, {"date": "2026-11-18", "event": "thank-you-sent"})) is None
    again = contact(met, {"date": "2026-11-18", "event": "thank-you-sent"},
                    {"date": "2026-11-20", "event": "call"})
    assert rules.thank_you_owed(again) == again.history[-1]
    assert rules.thank_you_owed(contact({"date": "2026-11-17", "event": "letter-sent"})) is None


# -- the busy week ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def week(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, dict[str, bytes]]:
    ws = copy_workspace(tmp_path_factory.mktemp("week"))
    before = snapshot(ws / "profiles")
    result = run(ws, "thank-you", "--since", "7d", "--date", DAY, "--explain")
    assert result.code == 0, result.err
    return ws, result.out, before


def letter(ws: Path, cid: str) -> Path:
    return ws / "output" / cid / "thank-you.pdf"


def test_one_letter_per_conversation_in_the_week(week: tuple[Path, str, dict[str, bytes]]
                                                 ) -> None:
    ws, _, _ = week
    written = sorted(p.parent.name for p in (ws / "output").glob("*/thank-you.pdf"))
    # an in-person meeting, a telephone interview, a decline; jim-park only has a letter
    assert written == ["evelyn-okafor", "priya-raman", "thomas-whitfield"]


def test_letters_name_the_logged_points(week: tuple[Path, str, dict[str, bytes]]) -> None:
    ws, _, _ = week
    expected = {
        "evelyn-okafor": ["turn housing data into lending decisions",
                          "Rural housing finance is where the field will grow"],
        "priya-raman": ["value GIS skills as much as a planning degree",
                        "AICP candidate pilot"],
        "thomas-whitfield": ["hire from planning departments, rarely from school"],
    }
    for cid, points in expected.items():
        text = words(pdf_text(letter(ws, cid)))
        for point in points:
            assert point in text, (cid, point)


def test_in_person_letter_one_page_no_enclosure(week: tuple[Path, str, dict[str, bytes]]
                                                ) -> None:
    ws, _, _ = week
    text = words(pdf_text(letter(ws, "evelyn-okafor")))
    assert pdf_pages(letter(ws, "evelyn-okafor")) == 1
    assert "Enclosure" not in text and "enclosed" not in text
    assert "Samuel Adeyemi" in text  # the referral she gave is thanked
    assert not (ws / "output" / "evelyn-okafor" / "thank-you-enclosure-resume.pdf").exists()


@pytest.mark.parametrize("cid", ["priya-raman", "thomas-whitfield"])
def test_phone_and_decline_letters_carry_the_resume(week: tuple[Path, str, dict[str, bytes]],
                                                    cid: str) -> None:
    ws, _, _ = week
    resume = ws / "profiles" / "resume.pdf"
    pdf = letter(ws, cid)
    first_page = words(pdf_text(pdf).split("\f")[0])
    assert first_page.endswith("Dana Kehr Enclosure: Résumé")
    assert pdf_pages(pdf) == 1 + pdf_pages(resume)
    # the pages after the letter are the résumé's own
    assert words(pdf_text(pdf).split("\f", 1)[1]) == words(pdf_text(resume))
    # beside the DOCX, the résumé file itself
    beside = ws / "output" / cid / "thank-you-enclosure-resume.pdf"
    assert beside.read_bytes() == resume.read_bytes()
    assert "Enclosure: Résumé" in docx_text(ws / "output" / cid / "thank-you.docx")


def test_decline_letter_restates_regrets_and_asks_to_be_remembered(
        week: tuple[Path, str, dict[str, bytes]]) -> None:
    ws, _, _ = week
    text = words(pdf_text(letter(ws, "thomas-whitfield")))
    assert "not asking about a job" in text and "information and advice" in text
    assert "sorry we could not meet" in text
    assert "remember me" in text


def test_print_file_holds_every_letter_and_enclosure(week: tuple[Path, str, dict[str, bytes]]
                                                     ) -> None:
    ws, _, _ = week
    batch = ws / "output" / "batches" / f"{DAY}-thank-you.pdf"
    letters = sorted((ws / "output").glob("*/thank-you.pdf"))
    assert pdf_pages(batch) == sum(pdf_pages(p) for p in letters) == 5
    pages = pdf_text(batch).split("\f")
    assert pages[0].strip().startswith("12 Elm Street")  # each letter starts a page
    assert "Dear Dr. Okafor:" in pages[0] and "Dear Ms. Raman:" in pages[1]
    assert "Dear Mr. Whitfield:" in pages[3]


def test_summary_table_and_explain(week: tuple[Path, str, dict[str, bytes]]) -> None:
    _, out, _ = week
    assert "CONTACT" in out and "CONVERSATION" in out and "ENCLOSURE" in out
    row = next(line for line in out.splitlines() if line.startswith("Priya Raman"))
    assert "meeting (phone) 2026-11-18" in row and "Résumé" in row
    assert "an interview by telephone: the résumé is enclosed" in out
    assert "met in person and they kept the résumé: not enclosed" in out


def test_profiles_unchanged_without_mark_sent(week: tuple[Path, str, dict[str, bytes]]) -> None:
    ws, _, before = week
    assert snapshot(ws / "profiles") == before


def test_mark_sent_records_and_clears_the_week(ws: Path) -> None:
    result = run(ws, "thank-you", "--since", "7d", "--date", DAY, "--mark-sent")
    assert result.code == 0, result.err
    for cid in ("evelyn-okafor", "priya-raman", "thomas-whitfield"):
        assert f"marked thank-you-sent in the history of {cid}" in result.out
        text = (ws / "profiles" / "contacts" / f"{cid}.yaml").read_text()
        assert "event: thank-you-sent" in text and "2026-11-21" in text
    again = run(ws, "thank-you", "--since", "7d", "--date", DAY)
    assert again.code == 0
    assert "no meeting, call or decline since 2026-11-14" in again.err


def test_no_points_still_written_with_a_warning(ws: Path) -> None:
    path = ws / "profiles" / "contacts" / "maria-lopez.yaml"
    path.write_text(path.read_text() + "history:\n  - {date: 2026-11-20, event: meeting}\n")
    result = run(ws, "thank-you", "maria-lopez", "--date", DAY)
    assert result.code == 0
    assert "names nothing specific" in result.err
    text = words(pdf_text(letter(ws, "maria-lopez")))
    assert "Dear Maria," in text and "Thanks so much for meeting with me on November 20" in text


def test_no_conversation_is_an_error_that_says_what_to_do(ws: Path) -> None:
    result = run(ws, "thank-you", "jim-park")
    assert result.code == 1
    assert "no conversation with Jim Park is logged" in result.err
    assert "outreach log jim-park --event meeting" in result.err
    assert not (ws / "output").exists()


def test_docx_resume_is_converted_into_the_pdf_and_placed_beside(tmp_path: Path) -> None:
    ws = copy_workspace(tmp_path)
    resume = docx.Document()
    resume.add_heading("Dana Kehr", 0)
    resume.add_paragraph("Education: Master of Public Policy, University of Illinois Springfield")
    resume.save(str(ws / "profiles" / "resume.docx"))
    profile = ws / "profiles" / "candidate.yaml"
    profile.write_text(profile.read_text().replace("resume: resume.pdf", "resume: resume.docx"))
    result = run(ws, "thank-you", "priya-raman", "--date", DAY)
    assert result.code == 0, result.err
    pdf = letter(ws, "priya-raman")
    assert pdf_pages(pdf) == 2
    assert "Master of Public Policy" in pdf_text(pdf).split("\f")[1]
    beside = ws / "output" / "priya-raman" / "thank-you-enclosure-resume.docx"
    assert beside.read_bytes() == (ws / "profiles" / "resume.docx").read_bytes()
