"""Documents a counsellor signs, round 3: each class of fault the counsellor found, on a
seeker and contacts unlike the sample's (a nurse moving into clinical research; names in
Hangul, Greek and Han characters, family names first; HR readers; a decline; a
referral met)."""

from __future__ import annotations

import itertools
import shutil
from pathlib import Path
from typing import Any

import yaml

from conftest import EVERYONE, REPO, pdf_text, run, words

DAY = "2026-11-20"

PROFILE: dict[str, Any] = {
    "name": "Oluwaseun Adeyemi", "email": "seun@example.ca", "phone": "+1 514 555 0199",
    "address": "4120 rue Saint-Denis\nMontréal QC  H2W 2M5\nCanada",
    "status": "registered nurse moving into clinical research",
    "summary": (
        "For nine years I have worked as a nurse in a cardiac intensive care unit, where I "
        "coordinated patient enrolment for three multicentre trials of anticoagulant "
        "therapy and trained forty nurses on the protocols. Last year I completed a "
        "graduate certificate in clinical research at McGill, with a practicum at a "
        "contract research organization in Laval, and I now hold the ACRP certification. "
        "I want to understand how sponsors hire and what monitoring is like."),
    "goals": ["day-to-day", "break-in"],
    "target": {"field": "clinical research", "roles": ["clinical research associate"]},
    "resume": "resume.pdf", "availability": ["Thursday afternoon"], "paper": "a4",
}


def workspace(tmp: Path, contacts: dict[str, dict[str, Any]],
              **profile: Any) -> Path:
    """A workspace of its own: the nurse's profile (with ``profile`` over it), the
    sample's résumé file, and ``contacts``."""
    folder = tmp / "contacts"
    folder.mkdir(parents=True)
    shutil.copyfile(REPO / "profiles" / "resume.pdf", tmp / "resume.pdf")
    (tmp / "candidate.yaml").write_text(
        yaml.safe_dump(PROFILE | profile, allow_unicode=True), encoding="utf-8")
    for cid, data in contacts.items():
        (folder / f"{cid}.yaml").write_text(yaml.safe_dump(data, allow_unicode=True),
                                            encoding="utf-8")
    ws = tmp.parent / "ws"
    (ws / "profiles").mkdir(parents=True)
    for item in tmp.iterdir():
        shutil.move(str(item), ws / "profiles" / item.name)
    return ws


def make(tmp_path: Path, contacts: dict[str, dict[str, Any]], **profile: Any) -> Path:
    return workspace(tmp_path / "src", contacts, **profile)


def written(ws: Path, cid: str, kind: str) -> str:
    return words(pdf_text(ws / "output" / cid / f"{kind}.pdf"))


def email_text(ws: Path, cid: str, kind: str) -> str:
    """The e-mail's plain-text body, as a mail client shows it."""
    import email
    from email import policy

    message = email.message_from_bytes((ws / "output" / cid / f"{kind}.eml").read_bytes(),
                                       policy=policy.default)
    body = message.get_body(preferencelist=("plain",))
    assert body is not None
    return f"Subject: {message['Subject']}\n" + words(body.get_content())


def contact(name: str, relationship: str = "acquaintance", **fields: Any) -> dict[str, Any]:
    return {"name": name, "relationship": relationship,
            "how_we_met": "we spoke at the ACRP Canada conference in October",
            "address": "12 Rue X\nQuébec QC  G1R 1A1", "email": "x@example.ca",
            "phone": "+1 418 555 0100"} | fields


# -- 1. names in another script; family name first -------------------------------------

def test_a_name_in_another_script_is_greeted_and_spoken_in_its_latin_form(
        tmp_path: Path) -> None:
    ws = make(tmp_path, {
        "kim": contact("김민준 (Minjun Kim)", title="Director of Clinical Operations"),
        "alexiou": contact("Δημήτρης Αλεξίου (Dimitris Alexiou)", honorific="Dr.",
                           title="Medical Advisor")})
    assert run(ws, "letter", "kim", "alexiou", "--date", DAY).code == 0
    assert run(ws, "script", "kim", "alexiou", "--date", DAY).code == 0
    kim = written(ws, "kim", "approach-letter")
    assert "Dear Minjun Kim:" in kim
    assert "김민준 (Minjun Kim)" in kim  # the inside address as the user wrote it
    assert "Dear Dr. Alexiou:" in written(ws, "alexiou", "approach-letter")
    script = written(ws, "kim", "phone-script")
    assert "is this Minjun Kim?" in script and "speak with Minjun Kim?" in script
    assert "Hello, Dr. Alexiou." in written(ws, "alexiou", "phone-script")
    pal = make(tmp_path / "pal", {"wang": contact("王芳 (Fang Wang)", "friend",
                                                  given_name="Fang")})
    assert run(pal, "script", "wang", "--date", DAY).code == 0
    friend = written(pal, "wang", "phone-script")
    assert "Hi Fang, this is" in friend and "May I speak with Fang Wang?" in friend


def test_a_friend_whose_name_may_be_family_name_first_is_warned_of_once(
        tmp_path: Path) -> None:
    ws = make(tmp_path, {
        "li": contact("Li Na", "friend"),
        "tran": contact("Trần Thu Hà", "friend"),
        "settled": contact("Park Ji-woo", "friend", given_name="Ji-woo"),
        "west": contact("Rosa Klein", "friend")})
    result = run(ws, "letter", *EVERYONE, "--date", DAY)
    assert result.code == 0
    assert result.err.count("Li Na is greeted as \u201cLi\u201d") == 1
    assert "add given_name: Na to" in result.err
    assert "Trần Thu Hà is greeted as \u201cTrần Thu\u201d" in result.err
    assert "Park Ji-woo is greeted" not in result.err
    assert "Rosa Klein is greeted" not in result.err
    assert "Dear Ji-woo," in written(ws, "settled", "approach-letter")


def test_no_honorific_is_warned_of_once_a_batch_naming_the_field(tmp_path: Path) -> None:
    ws = make(tmp_path, {"a": contact("Ngozi Eze"), "b": contact("Aroha Ngata"),
                         "c": contact("Sofía Herrera", honorific="Ms.")})
    result = run(ws, "letter", *EVERYONE, "--date", DAY)
    assert result.code == 0
    assert result.err.count("no honorific") == 1
    assert "add honorific:" in result.err
    ws2 = make(tmp_path / "2", {"c": contact("Sofía Herrera", honorific="Ms.")})
    assert "no honorific" not in run(ws2, "letter", *EVERYONE, "--date", DAY).err


# -- 3. the 15-second summary at speaking length ----------------------------------------

def test_letters_and_calls_say_about_fifty_words_of_the_summary(tmp_path: Path) -> None:
    ws = make(tmp_path, {"obi": contact("Grace Obi", title="Clinical Research Associate")})
    letter = run(ws, "letter", "obi", "--date", DAY)
    script = run(ws, "script", "obi", "--date", DAY)
    for text in (written(ws, "obi", "approach-letter"), written(ws, "obi", "phone-script")):
        assert "trained forty nurses on the protocols." in text
        assert "McGill" not in text and "monitoring is like" not in text
    for result in (letter, script):
        assert "leave out \u201cLast year I completed a graduate certificate" in result.err
        assert "add pitch:" in result.err
    # the status names the field: it is not said twice
    assert "I am a registered nurse moving into clinical research. For nine" in \
        written(ws, "obi", "approach-letter")


def test_a_pitch_is_said_instead_of_the_summary(tmp_path: Path) -> None:
    pitch = "Nine years a cardiac ICU nurse, I ran enrolment for three anticoagulant trials"
    ws = make(tmp_path, {"obi": contact("Grace Obi")}, pitch=pitch)
    result = run(ws, "letter", "obi", "--date", DAY)
    assert result.code == 0 and "leave out" not in result.err
    text = written(ws, "obi", "approach-letter")
    assert pitch + "." in text and "For nine years" not in text


# -- 12. small things --------------------------------------------------------------------

def test_one_slot_is_offered_as_that_or_another_time(tmp_path: Path) -> None:
    ws = make(tmp_path, {"obi": contact("Grace Obi", title="Clinical Research Associate",
                                        organization="Medpace Clinical Research Canada")})
    result = run(ws, "script", "obi", "--date", DAY)
    text = written(ws, "obi", "phone-script")
    assert "Thursday afternoon, or would another time suit you better?" in text
    assert "gives one time" in result.err and "availability:" in result.err
    two = make(tmp_path / "2", {"obi": contact("Grace Obi")},
               availability=["Monday at 9", "Friday after lunch"])
    assert run(two, "script", "obi", "--date", DAY).code == 0
    assert "Monday at 9, or is Friday after lunch better for you?" in \
        written(two, "obi", "phone-script")


def test_the_script_header_keeps_the_date_on_one_line(tmp_path: Path) -> None:
    # titles of every length, so that the header's line ends fall all through the date
    ws = make(tmp_path, {f"c{n}": contact(
        "Grace Obi", title="Clinical Research Associate" + " II" * n,
        organization="the Ottawa Hospital Research Institute") for n in range(14)})
    assert run(ws, "script", *EVERYONE, "--date", DAY).code == 0
    for n in range(14):
        text = pdf_text(ws / "output" / f"c{n}" / "phone-script.pdf")
        assert any("20\u00a0November\u00a02026" in line or "20 November 2026" in line
                   for line in text.splitlines()), text


# -- 2. free text fitted into sentences: points ------------------------------------------

def test_points_are_joined_into_a_sentence_written_to_the_reader(tmp_path: Path) -> None:
    ws = make(tmp_path, {"ibarra": contact(
        "Tomás Ibarra", honorific="Mr.", organization="Syneos Health", history=[
            {"date": "2026-11-19", "event": "meeting", "mode": "in-person",
             "resume": "reviewed",
             "points": ["Syneos hires nurses straight into CRA I roles",
                        "Don't wait for a posting to write to a sponsor."]}])})
    assert run(ws, "thank-you", "ibarra", "--date", DAY).code == 0
    assert "Two pieces of your advice have stayed with me: that Syneos hires nurses " \
        "straight into CRA I roles, and not to wait for a posting to write to a sponsor." \
        in written(ws, "ibarra", "thank-you")


def test_a_third_person_point_is_said_to_the_reader_and_warned_of(tmp_path: Path) -> None:
    ws = make(tmp_path, {"obi": contact("Grace Obi", history=[
        {"date": "2026-11-19", "event": "call",
         "points": ["She says her team reads the deviation log first",
                    "Monitoring visits are mostly source data verification."]}])})
    result = run(ws, "thank-you", "obi", "--date", DAY)
    assert "(\u201cShe\u201d)" in result.err
    assert "\u201cYour team reads the deviation log first\u201d" in result.err
    assert "stayed with me: that your team reads the deviation log first, and that " \
        "monitoring visits are mostly source data verification." in \
        written(ws, "obi", "thank-you")


def test_the_third_person_check_spares_their_in_a_sentence_to_the_reader() -> None:
    from outreach.campaign import points
    from outreach.workspace.models import Contact

    person = Contact(name="Αλεξάνδρα Νικολάου (Alexandra Nikolaou)",
                     relationship="acquaintance", how_we_met="x")
    for fine in ("You said employers want people who know their GCP",
                 "Sponsors expect CRAs to manage their own travel",
                 "Your team trains new monitors on their first studies"):
        assert points.advice(fine, person) is None, fine
    assert points.third_person("He says his unit hires nurses", person) == "He"
    assert points.rewrite("He says his unit hires nurses", person) == \
        "Your unit hires nurses"
    assert points.rewrite("Their unit hires nurses", person) == "Your unit hires nurses"
    assert points.rewrite("Alexandra thinks the role suits her", person) == \
        "The role suits you"


# -- 6. a decline is not a conversation; 10. a late thank-you ---------------------------

def test_a_decline_is_thanked_for_what_happened(tmp_path: Path) -> None:
    ws = make(tmp_path, {"alexiou": contact(
        "Δημήτρης Αλεξίου (Dimitris Alexiou)", "cold", honorific="Dr.",
        title="Chief Medical Officer", history=[
            {"date": "2026-11-18", "event": "declined", "mode": "phone"}])})
    result = run(ws, "thank-you", "alexiou", "--date", DAY)
    assert result.code == 0 and "names nothing specific" not in result.err
    assert run(ws, "keep-in-touch", "alexiou", "--landed", "CRA I, Syneos Health",
               "--date", "2026-12-15").code == 0
    text = written(ws, "alexiou", "keep-in-touch")
    assert "Although we were not able to meet, I was grateful to you for taking my call " \
        "on November 18" in text
    assert "time you gave me" not in text and "our conversation" not in text


def test_a_late_thank_you_says_so_and_warns(tmp_path: Path) -> None:
    history = [{"date": "2026-11-06", "event": "meeting", "mode": "in-person",
                "resume": "reviewed", "points": ["The sponsor reads the deviation log"]}]
    ws = make(tmp_path, {"late": contact("Ngozi Eze", history=history),
                         "soon": contact("Aroha Ngata", history=[
                             history[0] | {"date": "2026-11-17"}]),
                         "pal": contact("Rosa Klein", "friend", history=history)})
    result = run(ws, "thank-you", "late", "soon", "pal", "--date", DAY)
    assert result.code == 0
    assert "the thank-you letter to Ngozi Eze answers the meeting of November 6, 14 days " \
        "ago" in result.err
    assert "Aroha Ngata answers" not in result.err
    assert "Please forgive me for taking so long to write." in written(ws, "late",
                                                                       "thank-you")
    assert "late" not in written(ws, "soon", "thank-you")
    assert "Sorry this note is so late in coming!" in written(ws, "pal", "thank-you")


# -- 7. referrers are thanked for the introduction ---------------------------------------

def test_a_referrer_is_thanked_for_an_introduction_that_led_to_a_conversation(
        tmp_path: Path) -> None:
    ws = make(tmp_path, {
        "nikolaou": contact("Alexandra Nikolaou", honorific="Ms.", history=[
            {"date": "2026-11-04", "event": "call", "points": ["CRAs travel a lot"]}]),
        "sato": contact("Sato Haruto", "referral", referred_by="nikolaou",
                        organization="Parexel", history=[
                            {"date": "2026-11-16", "event": "meeting",
                             "mode": "in-person", "resume": "kept"}]),
        "free": contact("Kwame Mensah", "referral", referred_by="Alexandra Nikolaou",
                        history=[{"date": "2026-11-17", "event": "call"}]),
        "unmet": contact("Leilani Kahale", "referral", referred_by="nikolaou")})
    assert run(ws, "thank-you", "nikolaou", "--date", DAY).code == 0
    text = written(ws, "nikolaou", "thank-you")
    assert "Thanks to your introductions I spoke with Sato Haruto of Parexel on November " \
        "16 and Kwame Mensah on November 17" in text
    assert "Leilani" not in text
    assert run(ws, "keep-in-touch", "nikolaou", "--landed", "CRA I, Parexel",
               "--date", "2026-12-15").code == 0
    assert "the role I have accepted came through those introductions" in \
        written(ws, "nikolaou", "keep-in-touch")
    # the one introduced works where the seeker landed: they will be colleagues
    assert run(ws, "keep-in-touch", "sato", "--landed", "CRA I, Parexel",
               "--date", "2026-12-15").code == 0
    assert "I look forward to working alongside you there." in \
        written(ws, "sato", "keep-in-touch")
    assert "alongside" not in written(ws, "nikolaou", "keep-in-touch")


# -- 2. free text fitted into sentences: referrers, capitals, articles --------------------

def test_free_text_is_fitted_to_each_sentence_it_goes_into(tmp_path: Path) -> None:
    ws = make(tmp_path, {"okafor": contact(
        "Chidi Okafor", "referral", honorific="Dr.", title="Medical Monitor",
        organization="the Canadian Cancer Trials Group",
        referred_by="my former charge nurse, Mrs. Hélène Roy",
        how_we_met="A colleague in the ICU told me about your work on the trials group",
        history=[{"date": DAY, "event": "meeting", "mode": "in-person"}])})
    assert run(ws, "letter", "okafor", "--format", "pdf", "--format", "eml",
               "--date", DAY).code == 0
    assert run(ws, "questions", "okafor", "--date", DAY).code == 0
    assert run(ws, "linkedin", "okafor").code == 0
    # an address line starts with a capital; a sentence keeps "the" in lower case
    letter = pdf_text(ws / "output" / "okafor" / "approach-letter.pdf")
    assert "\nThe Canadian Cancer Trials Group\n" in letter
    # the subject names the person, not "my former charge nurse"
    mail = email_text(ws, "okafor", "approach-letter")
    assert mail.startswith("Subject: Mrs. Hélène Roy suggested I write to you\n")
    # the sheet speaks to the seeker: "your" charge nurse, the appositive closed
    sheet = written(ws, "okafor", "question-sheet")
    assert "say that your former charge nurse, Mrs. Hélène Roy, suggested you talk" in sheet
    # after "Hello Dr. Okafor," the sentence goes on in lower case
    note = (ws / "output" / "okafor" / "linkedin-note.txt").read_text(encoding="utf-8")
    assert "Hello Dr. Okafor, my former charge nurse" in note


def test_a_sentence_after_the_greeting_keeps_the_capitals_of_names() -> None:
    from outreach.document.text import is_name, lower_first, to_second_person

    assert lower_first("We met at ACRP Canada") == "we met at ACRP Canada"
    assert lower_first("McGill's alumni office gave me your name") == \
        "McGill's alumni office gave me your name"
    assert lower_first("Siobhán gave me your name", ["Siobhán Byrne"]) == \
        "Siobhán gave me your name"
    assert lower_first("I read your article") == "I read your article"
    assert to_second_person("my mentor at our clinic, who taught me") == \
        "your mentor at your clinic, who taught you"
    assert is_name("Ludwig van Beethoven") and not is_name("the head of HR")


# -- 8. e-mails read as e-mails ----------------------------------------------------------

def test_an_email_is_worded_for_email_and_its_subject_for_the_reader(
        tmp_path: Path) -> None:
    ws = make(tmp_path, {
        "pal": contact("Aroha Ngata", "friend", title="Owner",
                       organization="Ngata Clinical Staffing"),
        "chief": contact("Δημήτρης Αλεξίου (Dimitris Alexiou)", "cold", honorific="Dr.",
                         title="Chief Medical Officer"),
        "peer": contact("Ngozi Eze", history=[
            {"date": "2026-11-19", "event": "call", "points": ["Sponsors want GCP"]}])})
    for command in ("letter", "thank-you"):
        ids = ["peer"] if command == "thank-you" else ["pal", "chief", "peer"]
        assert run(ws, command, *ids, "--format", "pdf", "--format", "eml",
                   "--date", DAY).code == 0
    subjects = {cid: email_text(ws, cid, "approach-letter").splitlines()[0]
                for cid in ("pal", "chief", "peer")}
    assert len(set(subjects.values())) == 3, subjects
    assert subjects["pal"] == "Subject: Could I ask your advice about clinical research?"
    assert subjects["chief"].startswith("Subject: A request for 20 minutes of your advice")
    for cid in ("pal", "chief", "peer"):
        mail = email_text(ws, cid, "approach-letter")
        assert "after this reaches you" not in mail and "in a day or two" in mail
        assert "after this reaches you" in written(ws, cid, "approach-letter")
    thanks = email_text(ws, "peer", "thank-you")  # a call: the résumé goes with it
    assert "I have attached a copy of my résumé" in thanks
    assert "Enclosure" not in thanks and "enclosed" not in thanks
    letter = written(ws, "peer", "thank-you")
    assert "I have enclosed a copy of my résumé" in letter and "Enclosure: Résumé" in letter


# -- 4. HR and recruiting readers; 5. register follows the relationship first ------------

def test_a_recruiter_is_asked_how_they_hire_and_told_it_is_no_application(
        tmp_path: Path) -> None:
    ws = make(tmp_path, {
        "hr": contact("Sofía Herrera", honorific="Ms.", title="HR Business Partner",
                      organization="Hôpital Sainte-Justine"),
        "ta": contact("Kenji Watanabe", honorific="Mr.", title="Talent Acquisition Partner",
                      organization="Medpace", local=False)})
    assert run(ws, "letter", "hr", "ta", "--date", DAY).code == 0
    assert run(ws, "questions", "hr", "ta", "--date", DAY).code == 0
    for cid, organization in (("hr", "Hôpital Sainte-Justine"), ("ta", "Medpace")):
        letter = written(ws, cid, "approach-letter")
        assert f"learn how {organization} hires for roles such as clinical research " \
            "associate" in letter
        assert "this is not a job application" in letter
        assert "drawn from your own work in it" not in letter
        sheet = written(ws, cid, "question-sheet")
        assert "How does your organization usually hire for roles like the ones" in sheet
        assert "How did you first get into this field?" not in sheet
        assert "typical day" not in sheet
        assert "not a job application" in sheet


def test_friends_and_people_who_know_the_seeker_get_the_light_form(tmp_path: Path) -> None:
    ws = make(tmp_path, {
        "owner": contact("Aroha Ngata", "friend", title="Owner",
                         organization="Ngata Clinical Staffing"),
        "classmate": contact(
            "Ifeoma Chukwu", "alumni", title="Chief Executive Officer",
            how_we_met="we were in the same graduate certificate cohort at McGill"),
        "stranger": contact("Lars Nilsson", "cold", honorific="Mr.",
                            title="Chief Executive Officer",
                            how_we_met="I read your interview in Applied Clinical Trials")})
    assert run(ws, "letter", *EVERYONE, "--date", DAY).code == 0
    owner = written(ws, "owner", "approach-letter")
    assert "Let me be clear" not in owner and "Dear Aroha," in owner
    classmate = written(ws, "classmate", "approach-letter")
    assert "registered nurse" not in classmate and "For nine years" not in classmate
    assert "Let me be clear" not in classmate and "Respectfully" not in classmate
    assert "decided to look seriously at a career in clinical research" in classmate
    stranger = written(ws, "stranger", "approach-letter")
    assert "Let me be clear that I am not asking you for a job" in stranger
    assert "I am a registered nurse moving into clinical research." in stranger


# -- 9. the résumé's owner ---------------------------------------------------------------

def test_a_resume_without_the_seekers_name_is_warned_of_before_it_travels(
        tmp_path: Path) -> None:
    import docx

    calls = {cid: contact(name, history=[{"date": "2026-11-19", "event": "call"}])
             for cid, name in (("a", "Ngozi Eze"), ("b", "Aroha Ngata"))}
    ws = make(tmp_path, calls)  # the sample's résumé: Dana Kehr's
    result = run(ws, "thank-you", "a", "b", "--date", DAY)
    assert result.code == 0
    assert result.err.count("does not contain your name (Oluwaseun Adeyemi)") == 1
    assert "resume:" in result.err
    mine = docx.Document()
    mine.add_paragraph("OLUWASEUN ADEYEMI, RN")
    mine.add_paragraph("Cardiac intensive care nurse; clinical research certificate")
    mine.save(str(ws / "profiles" / "mine.docx"))
    profile = ws / "profiles" / "candidate.yaml"
    profile.write_text(profile.read_text(encoding="utf-8").replace(
        "resume: resume.pdf", "resume: mine.docx"), encoding="utf-8")
    again = run(ws, "thank-you", "a", "b", "--date", DAY, "--force")
    assert again.code == 0 and "does not contain your name" not in again.err


# -- 11. envelopes abroad ------------------------------------------------------------------

def test_an_envelope_abroad_ends_with_the_country_in_capitals(tmp_path: Path) -> None:
    ws = make(tmp_path, {
        "kim": contact("김민준 (Minjun Kim)", address="Hanbit Biologics\n20 Songdomirae-ro\n"
                       "Incheon 21990\nRepublic of Korea"),
        "obi": contact("Grace Obi", address="5375 Medpace Way\nCincinnati, OH 45227\nU.S.A."),
        "home": contact("Ngozi Eze", address="1000 Rue Saint-Denis\nMontréal QC  H2X 0C1\n"
                        "Canada")})
    assert run(ws, "envelopes", "kim", "obi", "home", "--date", DAY).code == 0
    pages = pdf_text(ws / "output" / "batches" / f"{DAY}-envelopes.pdf").split("\f")
    kim, obi, home = ([line.strip() for line in page.splitlines() if line.strip()]
                      for page in pages[:3])
    assert kim[-1] == "REPUBLIC OF KOREA" and obi[-1] == "U.S.A."
    for abroad in (kim, obi):  # the return address says where to send it back
        assert abroad.index("Canada") < abroad.index("Oluwaseun Adeyemi") + 4
    assert "Canada" not in home and "CANADA" not in home  # at home, no country line


def test_the_return_address_without_a_country_is_warned_of_abroad(tmp_path: Path) -> None:
    ws = make(tmp_path, {"kim": contact("Minjun Kim", address="20 Songdomirae-ro\n"
                                        "Incheon 21990\nSouth Korea")},
              address="4120 rue Saint-Denis\nMontréal QC  H2W 2M5")
    result = run(ws, "envelopes", "kim", "--date", DAY)
    assert result.code == 0
    assert "your address names no country" in result.err
    text = pdf_text(ws / "output" / "batches" / f"{DAY}-envelopes.pdf")
    assert "SOUTH KOREA" in text


# -- 12. the DOCX sheet gives as much room to write as the PDF ----------------------------

def test_the_docx_sheet_gives_about_the_room_to_write_the_pdf_gives(tmp_path: Path) -> None:
    from conftest import libreoffice_to_pdf, pdf_pages
    from render.test_sheet_layout import BOTTOM, answer_spaces, pdf_lines

    ws = make(tmp_path, {
        "hr": contact("Sofía Herrera", honorific="Ms.", title="Talent Acquisition Partner",
                      organization="the Ottawa Hospital Research Institute"),
        "obi": contact("Grace Obi", title="Clinical Research Associate II",
                       organization="Medpace", notes="Monitors oncology trials in Ontario "
                       "and Quebec; spoke at ACRP Canada on remote monitoring."),
        "pal": contact("Aroha Ngata", "friend")})
    assert run(ws, "questions", *EVERYONE, "--format", "both", "--date", DAY).code == 0
    pdfs = [ws / "output" / cid / "question-sheet.pdf" for cid in ("hr", "obi", "pal")]
    office = libreoffice_to_pdf([p.with_suffix(".docx") for p in pdfs], tmp_path / "lo")

    def room(pdf: Path) -> float:
        """The room under every question but the last of its page (whose space runs
        to the foot of the page, where the two programs put the folio differently)."""
        spaces = answer_spaces(pdf_lines(pdf), BOTTOM)
        return sum(s.height for s, after in itertools.pairwise(spaces)
                   if after.page == s.page)

    for pdf, word in zip(pdfs, office, strict=True):
        assert pdf_pages(word) == pdf_pages(pdf)
        assert room(word) >= 0.88 * room(pdf), (pdf, room(word), room(pdf))
