"""Phone scripts and question sheets, rendered and read back as a user's software does."""

from __future__ import annotations

import re
from pathlib import Path

import docx
import pytest

from conftest import (
    EVERYONE,
    comparable,
    copy_workspace,
    docx_text,
    pdf_pages,
    pdf_text,
    run,
    words,
)

DAY = "2026-11-21"


def numbered(text: str) -> list[str]:
    """The numbered questions of a sheet, in order, from its extracted text."""
    return re.findall(r"^\s*(\d+)\. (.+)$", text, re.M)  # type: ignore[return-value]


def sheet(ws: Path, cid: str, *args: str) -> tuple[str, Path]:
    result = run(ws, "questions", cid, "--date", DAY, "--force", *args)
    assert result.code == 0, result.err
    assert result.err == ""
    pdf = ws / "output" / cid / "question-sheet.pdf"
    return pdf_text(pdf), pdf


@pytest.fixture(scope="module")
def scripts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    ws = copy_workspace(tmp_path_factory.mktemp("scripts"))
    maria = ws / "profiles" / "contacts" / "maria-lopez.yaml"  # no letter: a plain call
    assert "history" not in maria.read_text()
    result = run(ws, "script", *EVERYONE, "--date", DAY)
    assert result.code == 0, result.err
    assert result.err == ""
    return ws


def script_text(ws: Path, cid: str) -> str:
    return words(pdf_text(ws / "output" / cid / "phone-script.pdf"))


# -- question sheets -------------------------------------------------------------------


def test_twenty_minute_sheet_one_page_five_to_seven_questions(ws: Path) -> None:
    text, pdf = sheet(ws, "jim-park")
    assert pdf_pages(pdf) == 1
    questions = numbered(text)
    assert 5 <= len(questions) <= 7
    assert [int(n) for n, _ in questions] == list(range(1, len(questions) + 1))
    assert "suggest I talk to" in questions[-1][1]  # always ends with the referral request
    assert "résumé" in questions[-2][1]  # in person: feedback on the résumé


def test_forty_minute_sheet_more_questions_at_most_two_pages(ws: Path) -> None:
    short, _ = sheet(ws, "evelyn-okafor")
    long, pdf = sheet(ws, "evelyn-okafor", "--minutes", "40")
    assert 1 <= pdf_pages(pdf) <= 2
    assert len(numbered(long)) > len(numbered(short))
    assert "suggest I talk to" in numbered(long)[-1][1]


def test_sheet_header_notes_agenda_and_after(ws: Path) -> None:
    text = words(sheet(ws, "jim-park")[0])
    assert "Questions for Jim Park" in text
    assert "Director of Planning, City of Springfield" in text
    assert "November 21, 2026" in text and "20 minutes agreed, in person" in text
    assert "Led the 2025 housing plan" in text  # research notes
    for item in ("Thank Mr. Park", "came to learn", "how much time", "permission to take notes"):
        assert item in text
    assert "Saturday, November 21, 2026" in text  # --date: the meeting's day
    assert "thank-you letter by Monday, November 23, 2026" in text  # two days after it
    assert "Log the points and the people Mr. Park suggested" in text


def test_two_goal_sets_give_different_sheets_same_inputs_the_same(ws: Path) -> None:
    a1, _ = sheet(ws, "jim-park", "--goal", "explore-fit", "--goal", "break-in")
    a2, _ = sheet(ws, "jim-park", "--goal", "explore-fit", "--goal", "break-in")
    b, _ = sheet(ws, "jim-park", "--goal", "culture", "--goal", "advancement")
    assert a1 == a2
    assert numbered(a1)[1:-2] != numbered(b)[1:-2]
    assert ("What you want to learn: the workplace, its people and its pressures; where the "
            "path leads and how people advance.") in words(b)


def test_contact_goals_replace_the_profiles(ws: Path) -> None:
    path = ws / "profiles" / "contacts" / "maria-lopez.yaml"
    default, _ = sheet(ws, "maria-lopez")
    path.write_text(path.read_text() + "goals: [culture, day-to-day]\n")
    own, _ = sheet(ws, "maria-lopez")
    assert ("What you want to learn: the workplace, its people and its pressures; what the "
            "work is like day to day.") in words(own)
    assert numbered(own) != numbered(default)


def test_remote_contact_meets_by_phone_without_resume_review(ws: Path) -> None:
    text, _ = sheet(ws, "thomas-whitfield")
    assert "by phone" in text
    assert not any("résumé" in q for _, q in numbered(text))
    text, _ = sheet(ws, "thomas-whitfield", "--mode", "in-person")
    assert "résumé" in numbered(text)[-2][1]


def test_sheet_docx_has_the_questions_and_room_to_write(ws: Path) -> None:
    text, _ = sheet(ws, "jim-park")
    document = docx.Document(str(ws / "output" / "jim-park" / "question-sheet.docx"))
    paragraphs = document.paragraphs
    answers = [p for p in paragraphs if p.style.name in ("Answer Space", "Short Answer Space")]
    questions = [p for p in paragraphs if p.style.name == "Question"]
    assert len(answers) == len(questions) == len(numbered(text))
    folio = "Questions for Jim Park Page 1 of 1"  # the PDF's footer; the DOCX's is a footer
    assert words(text).endswith(folio)
    assert comparable(docx_text(ws / "output" / "jim-park" / "question-sheet.docx")) == \
        comparable(words(text).removesuffix(folio))


def test_explain_says_why_each_question(ws: Path) -> None:
    result = run(ws, "questions", "jim-park", "--explain", "--dry-run")
    lines = [ln for ln in result.out.splitlines() if re.match(r"\s+\d+\. ", ln)]
    assert len(lines) == 7
    assert "opener" in lines[0]
    assert "goal explore-fit" in lines[1]
    assert "close: always end by asking for someone else" in lines[-1]
    assert not (ws / "output").exists()


# -- phone scripts ---------------------------------------------------------------------


def test_every_contact_gets_a_script_of_at_most_two_pages(scripts: Path) -> None:
    folders = [f for f in (scripts / "output").iterdir() if f.is_dir()]  # not the manifest
    assert len(folders) == len(list((scripts / "profiles" / "contacts").glob("*.yaml")))
    for folder in folders:
        assert 1 <= pdf_pages(folder / "phone-script.pdf") <= 2
        assert (folder / "phone-script.docx").exists()


def test_referral_script_names_the_referrer_and_two_slots(scripts: Path) -> None:
    text = script_text(scripts, "jim-park")
    assert "Hello, Mr. Park. This is Dana Kehr. Do you have a moment?" in text
    # the referrer named with their role, from her own contact file
    assert "Maria Lopez, Housing Program Manager at Springfield Housing Authority, " \
        "suggested I get in touch" in text
    assert "Could we meet Tuesday morning, or is Wednesday afternoon better for you?" in text
    assert "20 minutes" in text
    assert "survey of 40 tenants" in text  # the 15-second summary


def test_script_after_a_letter_opens_from_the_letter(scripts: Path) -> None:
    # jim-park's history: letter-sent on 2026-11-18
    assert "I wrote to you on November 18, after Maria Lopez, Housing Program Manager" in \
        script_text(scripts, "jim-park")
    # no letter sent: the referrer or how they met opens the call instead
    assert "I wrote to you" not in script_text(scripts, "maria-lopez")
    assert "Could we talk Tuesday morning" in script_text(scripts, "thomas-whitfield")


def test_friend_greeted_by_first_name(scripts: Path) -> None:
    assert "Hi Maria, this is Dana Kehr. Do you have a moment?" in script_text(scripts,
                                                                               "maria-lopez")


def test_script_branches(scripts: Path) -> None:
    text = script_text(scripts, "jim-park")
    for heading in ("If an assistant answers", "If you reach voicemail",
                    "If they say \u201cI\u2019m too busy\u201d or \u201cjust send me your "
                    "résumé\u201d", "If they say \u201cYes, now is fine\u201d"):
        assert heading in text
    voicemail = text.split("If you reach voicemail")[1].split("If they say")[0]
    assert voicemail.count("Dana Kehr") == 2 and voicemail.count("+1 217 555 0100") == 2
    busy = text.split("too busy")[1].split("Yes, now is fine")[0]
    assert "not asking about a job" in busy and "information and advice" in busy
    assert "five or ten minutes now" in busy and "someone else" in busy
    now = text.split("Yes, now is fine")[1]
    assert "1. How did you first get into this field?" in now


def test_script_docx_matches_pdf(scripts: Path) -> None:
    folder = scripts / "output" / "jim-park"
    assert comparable(docx_text(folder / "phone-script.docx")) == \
        comparable(pdf_text(folder / "phone-script.pdf"))


def test_script_explain_lists_the_questions(ws: Path) -> None:
    result = run(ws, "script", "jim-park", "--explain", "--dry-run")
    lines = [ln for ln in result.out.splitlines() if re.match(r"\s+\d+\. ", ln)]
    assert len(lines) == 6  # by phone: five prepared questions and the referral ask
    assert "close: always end by asking for someone else" in lines[-1]
