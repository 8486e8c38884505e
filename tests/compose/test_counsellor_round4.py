"""Documents a counsellor signs, round 4: each class of fault a counsellor found reading
the documents of two seekers unlike the sample's (a union electrician moving into
construction project management, on letter paper in Chicago; a graduate in Korean
literature looking at literary translation, on A4 in London), with names in Cyrillic,
Greek, Hangul and Arabic script, a mononym, family names first, an HR partner, a
decline, referrers, and points of advice logged carelessly."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import REPO, pdf_text, run, words

DAY = "2026-12-07"

ELECTRICIAN: dict[str, Any] = {
    "name": "DeShawn Reyes-Okonkwo", "email": "deshawn@example.com",
    "phone": "+1 312 555 0147", "address": "2214 W Cermak Rd, Apt 3\nChicago, IL 60608",
    "status": "journeyman electrician with IBEW local 134.",
    "summary": "I have been a union electrician for eleven years, the last four as a "
               "foreman running crews of up to 22 on hospital jobs.",
    "goals": ["break-in", "skills", "advancement"],
    "target": {"field": "construction project management",
               "roles": ["assistant project manager"]},
    "resume": "resume.pdf", "availability": ["monday after 3:30 pm", "saturday morning"],
    "paper": "letter",
}
GRADUATE: dict[str, Any] = {
    "name": "Chloé Anand-Whitfield", "email": "chloe@example.co.uk",
    "phone": "+44 7700 900123",
    "address": "14 Mornington Crescent\nLondon NW1 7RH\nUnited Kingdom",
    "status": "Recent graduate in Korean Literature.",
    "summary": "I graduated from SOAS in July with a first in Korean literature.",
    "goals": ["break-in", "career-path", "job-listings"],
    "target": {"field": "literary translation", "roles": ["translator"]},
    "resume": "resume.pdf", "availability": ["Tuesday afternoon", "Thursday morning"],
    "paper": "a4",
}


def make(tmp_path: Path, profile: dict[str, Any], contacts: dict[str, dict[str, Any]],
         **changes: Any) -> Path:
    """A workspace of its own: ``profile`` (with ``changes`` over it), the sample's
    résumé file, and ``contacts``."""
    ws = tmp_path / "ws"
    (ws / "profiles" / "contacts").mkdir(parents=True)
    shutil.copyfile(REPO / "profiles" / "resume.pdf", ws / "profiles" / "resume.pdf")
    (ws / "profiles" / "candidate.yaml").write_text(
        yaml.safe_dump(profile | changes, allow_unicode=True), encoding="utf-8")
    for cid, data in contacts.items():
        (ws / "profiles" / "contacts" / f"{cid}.yaml").write_text(
            yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return ws


def contact(name: str, relationship: str = "acquaintance", **fields: Any) -> dict[str, Any]:
    return {"name": name, "relationship": relationship,
            "how_we_met": "we met at the Building Trades job fair",
            "address": "55 E Monroe St\nChicago, IL 60603", "email": "x@example.com",
            "phone": "+1 312 555 0100"} | fields


def written(ws: Path, cid: str, kind: str) -> str:
    return words(pdf_text(ws / "output" / cid / f"{kind}.pdf"))


def email_subject(ws: Path, cid: str, kind: str) -> str:
    import email
    from email import policy

    message = email.message_from_bytes((ws / "output" / cid / f"{kind}.eml").read_bytes(),
                                       policy=policy.default)
    return str(message["Subject"]).strip()


# -- 1. points of advice: reported, said back, more than one sentence ---------------------

def test_reported_advice_is_said_back_to_the_reader_with_the_persons_turned() -> None:
    from outreach.campaign import points
    from outreach.document.text import swap_persons
    from outreach.workspace.models import Contact

    person = Contact(name="Олена Коваленко (Olena Kovalenko)", relationship="alumni",
                     honorific="Dr.")
    # "she said get your OSHA 30": the "your" is the seeker's, said back as "my"
    told = points.to_the_reader("she said get your OSHA 30 and take the CAPM exam.", person)
    assert points.third_person("she said get your OSHA 30", person) == "she"
    assert points.clause(told) == "to get my OSHA 30 and take the CAPM exam"
    assert points.to_the_reader("She said your CV needs numbers", person) == \
        "My CV needs numbers"
    # after "she says", a leading "they" is other people, not the reader
    assert points.to_the_reader("she says they hire in March", person) == \
        "They hire in March"
    assert points.clause("You told me to build a portfolio of three translations.") == \
        "to build a portfolio of three translations"
    assert points.clause("You said the first year is all submittals") == \
        "that the first year is all submittals"
    assert points.clause("Don't sign a contract before you have the rights") == \
        "not to sign a contract before I have the rights"
    assert points.clause("Talk to the estimators first. They know who's hiring.") == \
        "to talk to the estimators first \u2014 they know who's hiring"
    assert points.clause("Apply now. Is that too soon?") is None
    assert swap_persons("send your résumé to my assistant when you're ready") == \
        "send my résumé to your assistant when I'm ready"
    assert swap_persons("I think you should call me") == "You think I should call you"


def test_the_letters_say_logged_advice_as_one_sentence_to_the_reader(
        tmp_path: Path) -> None:
    ws = make(tmp_path, ELECTRICIAN, {
        "kovalenko": contact(
            "Олена Коваленко (Olena Kovalenko)", "alumni", honorific="Dr.",
            organization="DePaul University", history=[
                {"date": "2026-12-05", "event": "meeting", "mode": "in-person",
                 "resume": "reviewed",
                 "points": ["she said get your OSHA 30 and take the CAPM exam.",
                            "Talk to the estimators first. They know who's hiring."]}]),
        "wei": contact("Li Wei", "friend", given_name="Wei", history=[
            {"date": "2026-11-25", "event": "meeting", "mode": "in-person",
             "points": ["You said the first year as a PE is all submittals and RFIs"]}])})
    result = run(ws, "thank-you", "kovalenko", "--date", DAY)
    assert result.code == 0, result.err
    assert "(\u201cshe\u201d)" in result.err  # the report is still warned of
    said = ("to get my OSHA 30 and take the CAPM exam, and to talk to the estimators "
            "first \u2014 they know who\u2019s hiring.")
    assert f"Two pieces of your advice have stayed with me: {said}" in \
        written(ws, "kovalenko", "thank-you")
    assert run(ws, "keep-in-touch", "kovalenko", "wei", "--landed",
               "Assistant Project Manager at Turner Construction",
               "--date", "2027-02-01").code == 0
    assert said in written(ws, "kovalenko", "keep-in-touch")
    assert "stayed with me throughout my search: that the first year as a PE is all " \
        "submittals and RFIs." in written(ws, "wei", "keep-in-touch")


# -- 2. names in another script: said in their Latin form, warned of without one ----------

def test_a_referrer_in_another_script_is_named_in_latin_letters_in_sentences(
        tmp_path: Path) -> None:
    ws = make(tmp_path, ELECTRICIAN, {
        "kovalenko": contact("Олена Коваленко (Olena Kovalenko)", "alumni", honorific="Dr.",
                             organization="DePaul University"),
        "patel": contact("Raj Patel", "referral", honorific="Mr.", referred_by="kovalenko",
                         organization="the Chicago Building Trades Council")})
    assert run(ws, "letter", "patel", "--format", "pdf", "--format", "eml",
               "--date", DAY).code == 0
    assert run(ws, "script", "patel", "--date", DAY).code == 0
    assert run(ws, "linkedin", "patel").code == 0
    letter = written(ws, "patel", "approach-letter")
    assert "Olena Kovalenko of DePaul University suggested that I write to you." in letter
    assert "Олена" not in letter
    script = written(ws, "patel", "phone-script")
    assert "Olena Kovalenko of DePaul University suggested I call you." in script
    assert "Олена" not in script
    note = (ws / "output" / "patel" / "linkedin-note.txt").read_text(encoding="utf-8")
    assert "Hello Mr. Patel, Olena Kovalenko suggested I contact you." in note
    assert email_subject(ws, "patel", "approach-letter") == \
        "Olena Kovalenko suggested I write to you"
    # the sheet for the meeting booked, and the referrer's thanks for the introduction
    path = ws / "profiles" / "contacts" / "patel.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["history"] = [{"date": "2026-12-09", "event": "meeting", "time": "09:00",
                        "minutes": 20}]
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    assert run(ws, "questions", "patel", "--date", "2026-12-09").code == 0
    assert "say that Olena Kovalenko suggested you talk" in \
        written(ws, "patel", "question-sheet")


def test_a_name_in_no_latin_letters_is_warned_of(tmp_path: Path) -> None:
    ws = make(tmp_path, GRADUATE, {
        "ivanova": contact("Анна Сергеевна Иванова", "cold", honorific="Dr."),
        "pap": contact("Κωνσταντίνος Παπαδόπουλος", "cold", honorific="Mr."),
        "kim": contact("김민준 (Minjun Kim)", "cold"),
        "suharti": contact("Suharti", "cold")})
    result = run(ws, "letter", "ivanova", "pap", "kim", "suharti", "--date", DAY)
    assert result.code == 0
    assert "Анна Сергеевна Иванова is written in no Latin letters, so letters greet " \
        "them as \u201cDear Dr. Иванова:\u201d" in result.err
    assert "name: Κωνσταντίνος Παπαδόπουλος (Given Family)" in result.err
    assert result.err.count("in no Latin letters") == 2  # not Minjun Kim, not Suharti


# -- 3. the status fitted after "I am"; a pitch that says who the writer is ---------------

def test_the_status_is_fitted_to_follow_i_am(tmp_path: Path) -> None:
    cold = {"lee": contact("Grace Lee", "cold", honorific="Ms.")}
    graduate = make(tmp_path / "g", GRADUATE, cold)
    assert run(graduate, "letter", "lee", "--date", DAY).code == 0
    assert "I am a recent graduate in Korean Literature, exploring a career in literary " \
        "translation." in written(graduate, "lee", "approach-letter")
    sparky = make(tmp_path / "s", ELECTRICIAN, cold)
    assert run(sparky, "letter", "lee", "--date", DAY).code == 0
    assert "I am a journeyman electrician with IBEW local 134, exploring a career" in \
        written(sparky, "lee", "approach-letter")
    # a first word the seeker writes with a capital elsewhere keeps it
    veteran = make(tmp_path / "v", ELECTRICIAN, cold, status="Army veteran.",
                   summary="I served eight years in the Army as an electrician.")
    assert run(veteran, "letter", "lee", "--date", DAY).code == 0
    assert "I am an Army veteran, exploring" in written(veteran, "lee", "approach-letter")
    # ... but not a word that has a capital only as the first of a sentence
    nurse = make(tmp_path / "n", ELECTRICIAN, cold, status="Registered nurse.",
                 summary="Registered nurse since 2014, on a cardiac ward.")
    assert run(nurse, "letter", "lee", "--date", DAY).code == 0
    assert "I am a registered nurse, exploring" in written(nurse, "lee", "approach-letter")


def test_a_pitch_that_says_who_the_writer_is_is_not_preceded_by_the_status(
        tmp_path: Path) -> None:
    pitch = ("i'm a SOAS graduate in Korean literature who has translated two short "
             "stories, and I want to learn how translators find their first commissions")
    ws = make(tmp_path, GRADUATE, {"lee": contact("Grace Lee", "cold", honorific="Ms.")},
              pitch=pitch)
    assert run(ws, "letter", "lee", "--date", DAY).code == 0
    assert run(ws, "script", "lee", "--date", DAY).code == 0
    for kind in ("approach-letter", "phone-script"):
        text = written(ws, "lee", kind)
        assert "I\u2019m a SOAS graduate in Korean literature who has translated" in text
        assert "graduate in Korean Literature" not in text  # the status, said twice


# -- 4. an HR reader is thanked for advice on hiring, not on the field --------------------

def test_an_hr_reader_is_thanked_for_advice_on_how_they_hire(tmp_path: Path) -> None:
    ws = make(tmp_path, GRADUATE, {"bloom": contact(
        "Harriet Bloom", honorific="Ms.", title="HR Business Partner",
        organization="Penguin Random House UK", history=[
            {"date": "2026-12-06", "event": "call",
             "points": ["PRH runs a paid editorial traineeship every spring"]}])})
    assert run(ws, "thank-you", "bloom", "--date", DAY).code == 0
    text = written(ws, "bloom", "thank-you")
    assert "your candid advice about how Penguin Random House UK hires." in text
    assert "advice about literary translation" not in text


# -- 5. a friend is not told on the phone how the two of them met -------------------------

def test_a_friend_is_not_told_how_you_met(tmp_path: Path) -> None:
    ws = make(tmp_path, GRADUATE, {
        "park": contact("Park Ji-hoon", "friend", given_name="Ji-hoon",
                        how_we_met="we were flatmates in Seoul"),
        "cold": contact("Grace Lee", "cold", honorific="Ms.",
                        how_we_met="I read your essay in Asymptote")})
    assert run(ws, "script", "park", "cold", "--date", DAY).code == 0
    assert "flatmates" not in written(ws, "park", "phone-script")
    assert "I read your essay in Asymptote." in written(ws, "cold", "phone-script")


# -- 6. the inside address: no line twice, a title typed in lower case --------------------

def test_the_address_does_not_repeat_the_organization_and_a_title_gets_capitals(
        tmp_path: Path) -> None:
    ws = make(tmp_path, GRADUATE, {"park": contact(
        "Yoon Su-bin", "cold", honorific="Mx.", given_name="Su-bin", family_name="Yoon",
        title="head of rights and contracts", organization="Tilted Axis Press",
        address="Tilted Axis Press\n12 Hackney Rd\nLondon E2 7NX")})
    assert run(ws, "letter", "park", "--date", DAY).code == 0
    assert run(ws, "script", "park", "--date", DAY).code == 0
    assert run(ws, "envelopes", "park", "--date", DAY).code == 0
    lines = [ln.strip() for ln in pdf_text(ws / "output" / "park" / "approach-letter.pdf")
             .splitlines() if ln.strip()]
    start = lines.index("Mx. Yoon Su-bin")
    assert lines[start:start + 5] == ["Mx. Yoon Su-bin", "Head of Rights and Contracts",
                                      "Tilted Axis Press", "12 Hackney Rd", "London E2 7NX"]
    envelope = pdf_text(ws / "output" / "batches" / f"{DAY}-envelopes.pdf")
    assert envelope.count("Tilted Axis Press") == 1
    assert "Head of Rights and Contracts, Tilted Axis Press" in \
        written(ws, "park", "phone-script")


# -- 7. the keep-in-touch letter names the introduction that led to the role --------------

def test_the_introduction_that_led_to_the_role_is_named_among_several(
        tmp_path: Path) -> None:
    history = [{"date": "2026-11-20", "event": "meeting", "mode": "in-person",
                "resume": "kept", "referrals": [
                    {"name": "Ewa Zielińska-Grabowska", "organization": "Turner Construction"},
                    {"name": "Raj Patel", "organization": "the Building Trades Council"}]}]
    ws = make(tmp_path, ELECTRICIAN, {
        "many": contact("Suharti", history=history),
        "one": contact("Κώστας Νικολάου (Kostas Nikolaou)", honorific="Mr.",
                       history=[history[0] | {"referrals": history[0]["referrals"][:1]}])})
    assert run(ws, "keep-in-touch", "many", "one", "--landed",
               "Assistant Project Manager at Turner Construction",
               "--date", "2027-02-01").code == 0
    many = written(ws, "many", "keep-in-touch")
    assert "your introduction to Ewa Zielińska-Grabowska led directly to where I am now" \
        in many
    assert "that introduction" not in many
    assert "; that introduction led directly to where I am now" in \
        written(ws, "one", "keep-in-touch")


# -- 8. small things: the days offered, a sheet dated off its booking, notes --------------

def test_the_days_offered_on_the_phone_have_capitals(tmp_path: Path) -> None:
    ws = make(tmp_path, ELECTRICIAN, {"ewa": contact("Ewa Nowak", honorific="Ms.")})
    assert run(ws, "script", "ewa", "--date", DAY).code == 0
    assert "Could we meet Monday after 3:30 pm, or is Saturday morning better for you?" \
        in written(ws, "ewa", "phone-script")


def test_a_sheet_dated_off_its_booking_is_warned_of(tmp_path: Path) -> None:
    ws = make(tmp_path, GRADUATE, {"cho": contact(
        "Deborah Smith-Cho", "alumni", honorific="Ms.", title="Publisher",
        notes="ran the network since 2019. used to edit at Granta",
        history=[{"date": "2026-12-10", "event": "meeting", "mode": "in-person",
                  "time": "15:00", "minutes": 30}])})
    result = run(ws, "questions", "cho", "--date", DAY)
    assert result.code == 0
    assert "is for 2026-12-07 (--date), but the meeting booked is on 2026-12-10 at 15:00" \
        in result.err
    assert run(ws, "questions", "cho", "--force").code == 0
    sheet = written(ws, "cho", "question-sheet")
    assert "Thursday 10 December 2026 at 15:00" in sheet
    assert "Research notes: Ran the network since 2019. Used to edit at Granta." in sheet
    assert "how people like Ms. Smith-Cho came into the field" in sheet
    assert "like the contact" not in sheet
    assert "is for" not in run(ws, "questions", "cho", "--force").err


# -- 9. a third seeker, read cold: a nurse moving into health tech ------------------------

NURSE: dict[str, Any] = {
    "name": "Mary-Kate O'Sullivan-Nakamura", "email": "mk@example.com",
    "phone": "+1 507 555 0123", "address": "18 3rd Ave SW\nRochester, MN 55902",
    "status": "ICU nurse (RN, BSN) moving into health tech",
    "summary": "i've worked nights in a 30-bed ICU for six years, and i built the "
               "unit's sepsis dashboard in Excel",
    "goals": ["day-to-day", "explore-fit"],
    "target": {"field": "health tech", "roles": ["nurse informaticist"]},
    "resume": "resume.pdf", "availability": ["weekday mornings"], "paper": "letter",
}


def test_free_text_typed_in_lower_case_gets_its_capitals(tmp_path: Path) -> None:
    from outreach.document.text import capital_i, title_case

    ws = make(tmp_path, NURSE, {
        "hassan": contact("Dr. Ahmed Hassan", "referral", referred_by="my charge nurse, beth",
                          title="Chief Medical Information Officer", organization="Epic"),
        "kiri": contact("Kiri", "friend", title="UX researcher",
                        organization="the Mayo Clinic Platform")})
    assert run(ws, "letter", "hassan", "kiri", "--format", "pdf", "--format", "eml",
               "--date", DAY).code == 0
    letter = written(ws, "hassan", "approach-letter")
    # the pronoun, and a name after the description's comma
    assert "My charge nurse, Beth, suggested that I write to you." in letter
    assert "for six years, and I built the unit\u2019s sepsis dashboard" in letter
    assert email_subject(ws, "hassan", "approach-letter") == \
        "Introduced by Beth: a request for your advice"
    # an acronym does not make a title the writer's own choice of capitals
    assert "\nUX Researcher\n" in pdf_text(ws / "output" / "kiri" / "approach-letter.pdf")
    assert title_case("VP, Clinical Product") == "VP, Clinical Product"
    assert capital_i("i'm sure, i.e. certain, and i know") == \
        "I'm sure, i.e. certain, and I know"


def test_someone_who_knows_you_is_reminded_of_it_on_the_phone(tmp_path: Path) -> None:
    ws = make(tmp_path, NURSE, {"choi": contact(
        "Sung-min Choi", "alumni", honorific="Mr.", title="Clinical Informatics Manager",
        how_we_met="we were in the same nursing school cohort at UIC.")})
    assert run(ws, "script", "choi", "--date", DAY).code == 0
    assert "Do you have a moment? You may remember me: we were in the same nursing " \
        "school cohort at UIC." in written(ws, "choi", "phone-script")


@pytest.mark.parametrize(("typed", "printed"), [
    ("1. not a list | 2. nor this", "1. not a list | 2. nor this."),
    ("steps: 1. call her; 2. write", "Steps: 1. call her; 2. write."),
    ("ran the program since 2019. used to be a PM", "Ran the program since 2019. Used to be "
     "a PM."),
    ("e.g. the budget office. then planning", "E.g. the budget office. Then planning.")])
def test_notes_get_a_capital_after_a_sentence_but_not_after_a_lists_number(
        typed: str, printed: str) -> None:
    """Research notes are printed as sentences, but a list's number ("1.") ends no
    sentence: what follows it stays as typed."""
    from outreach.document.text import tidy_sentences

    assert tidy_sentences(typed) == printed
