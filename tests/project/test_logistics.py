"""A campaign unlike the sample, read as a counsellor reads it: tests/workspaces/logistics.

An Army logistics officer moving into supply-chain management writes to eleven people
(three of them referrals made by ``outreach log``): honorifics in the name and given
apart, a particle, a family name written first, two given and two family names, a
suffix, Greek script, no title, no address, no phone, a friend who declined, an
in-person decline, a phone interview, a kept résumé, points logged in the third person.
The tests assert the sentences a reader checks: salutations, greetings, the referrer's
introduction, the thank-you's points and follow-ups, enclosure lines, and the warnings.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from conftest import (
    EVERYONE,
    REPO,
    comparable,
    docx_text,
    libreoffice_to_pdf,
    pdf_pages,
    pdf_text,
    run,
    words,
)

SOURCE = REPO / "tests" / "workspaces" / "logistics"
DAY = "2026-11-21"
CONVERSED = ["robert-whitcombe", "laila-haddad", "mary-ann-fox", "chen-siyuan",
             "anneke-van-den-berg"]


def workspace(target: Path) -> Path:
    shutil.copytree(SOURCE / "profiles", target / "profiles")
    return target


@pytest.fixture(scope="module")
def campaign(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """Every letter, script and thank-you of the campaign, and what each command warned."""
    ws = workspace(tmp_path_factory.mktemp("logistics"))
    errs: dict[str, str] = {}
    for name, args in (("letter", ["letter", *EVERYONE]), ("script", ["script", *EVERYONE]),
                       ("thank-you", ["thank-you", *CONVERSED])):
        result = run(ws, *args, "--date", DAY)
        assert result.code == 0, result.err
        errs[name] = result.err
    return ws, errs


def read(ws: Path, cid: str, kind: str) -> str:
    """The document's words as pdftotext gives them, line breaks folded."""
    return words(pdf_text(ws / "output" / cid / f"{kind}.pdf"))


def test_the_workspace_is_unlike_the_sample() -> None:
    contacts = {p.stem: yaml.safe_load(p.read_text(encoding="utf-8"))
                for p in (SOURCE / "profiles" / "contacts").glob("*.yaml")}
    assert len(contacts) >= 8
    made_by_log = [c for c in contacts.values() if c["relationship"] == "referral"
                   and c.get("referred_by") in contacts]
    assert len(made_by_log) >= 3
    assert any("family_name" in c for c in contacts.values())
    assert any("address" not in c for c in contacts.values())
    assert any("title" not in c for c in contacts.values())
    assert any("phone" not in c for c in contacts.values())


@pytest.mark.parametrize("cid,salutation", [
    ("robert-whitcombe", "Dear Mr. Whitcombe:"),
    ("laila-haddad", "Dear Dr. Haddad:"),
    ("mary-ann-fox", "Dear Mary Ann,"),
    ("chen-siyuan", "Dear Ms. Chen:"),
    ("anneke-van-den-berg", "Dear Ms. van den Berg:"),
    ("jose-maria-garcia-perez", "Dear Mr. García Pérez:"),
    ("darnell-hughes-jr", "Dear Darnell Hughes Jr.:"),
    ("alexandros-papadopoulos", "Dear Αλέξανδρος Παπαδόπουλος:"),
    ("tom-brandt", "Dear Tom Brandt:"),
])
def test_salutations_in_pdf_and_docx(campaign: tuple[Path, dict[str, str]], cid: str,
                                     salutation: str) -> None:
    ws, _ = campaign
    assert salutation in read(ws, cid, "approach-letter")
    assert salutation in docx_text(ws / "output" / cid / "approach-letter.docx").splitlines()


def test_inside_address_names_the_honorific_once(campaign: tuple[Path, dict[str, str]]
                                                 ) -> None:
    ws, _ = campaign
    assert read(ws, "robert-whitcombe", "approach-letter").count("Mr. Robert Whitcombe") == 1
    assert "Dr. Laila Haddad Principal Supply Chain Analyst" in read(ws, "laila-haddad",
                                                                     "approach-letter")
    assert "Dr. Dr." not in read(ws, "laila-haddad", "approach-letter")


def test_levels_from_titles_set_the_close(campaign: tuple[Path, dict[str, str]]) -> None:
    ws, _ = campaign
    assert "Respectfully yours," in read(ws, "robert-whitcombe", "approach-letter")  # a VP
    for cid in ("laila-haddad", "chen-siyuan"):  # a principal analyst; an HR partner
        assert "Sincerely," in read(ws, cid, "approach-letter")


@pytest.mark.parametrize("cid,sentence", [
    ("tom-brandt", "Robert Whitcombe of Keystone Freight Systems suggested that I write "
                   "to you. I am an 18-year Army logistics officer"),
    ("marcus-hale", "Dr. Laila Haddad, Principal Supply Chain Analyst at Meridian Health "
                    "System, suggested that I write to you."),
    ("jose-maria-garcia-perez", "My former commander, Col. Anne Ruiz, suggested that I "
                                "write to you."),
    ("robert-whitcombe", "We met at the NDTA Fall Meeting in Norfolk, where you spoke on "
                         "port congestion. I am an 18"),
])
def test_letters_open_with_who_and_how(campaign: tuple[Path, dict[str, str]], cid: str,
                                       sentence: str) -> None:
    ws, _ = campaign
    assert sentence in read(ws, cid, "approach-letter")


def test_a_friend_is_not_told_who_the_writer_is(campaign: tuple[Path, dict[str, str]]
                                                ) -> None:
    ws, _ = campaign
    text = read(ws, "mary-ann-fox", "approach-letter")
    assert "As you know" not in text and "18-year" not in text and "Fort Carson" not in text
    assert "Best wishes," in text


@pytest.mark.parametrize("cid,opening", [
    ("laila-haddad", "Hello, Dr. Haddad. This is Elena Brooks. Do you have a moment?"),
    ("mary-ann-fox", "Hi Mary Ann, this is Elena Brooks. Do you have a moment?"),
    ("marcus-hale", "Hello, is this Marcus Hale? This is Elena Brooks."),
    ("chen-siyuan", "Hello, Ms. Chen. This is Elena Brooks."),
    ("alexandros-papadopoulos", "Hello, is this Αλέξανδρος Παπαδόπουλος?"),
])
def test_calls_open_as_one_speaks(campaign: tuple[Path, dict[str, str]], cid: str,
                                  opening: str) -> None:
    ws, _ = campaign
    text = read(ws, cid, "phone-script")
    assert opening in text
    assert "Hello, Marcus Hale." not in text and "Hello Marcus Hale" not in text


def test_referral_scripts_name_the_referrer_with_their_role(
        campaign: tuple[Path, dict[str, str]]) -> None:
    ws, _ = campaign
    hale = read(ws, "marcus-hale", "phone-script")
    assert "Dr. Laila Haddad, Principal Supply Chain Analyst at Meridian Health System, " \
        "suggested I call you." in hale
    assert "Hello, this message is for Marcus Hale. This is Elena Brooks" in hale
    assert "I wrote to you on November 20, after Robert Whitcombe of Keystone Freight " \
        "Systems suggested I get in touch" in read(ws, "tom-brandt", "phone-script")
    assert "My former commander, Col. Anne Ruiz, suggested I call." in \
        read(ws, "jose-maria-garcia-perez", "phone-script")  # to the assistant


def test_warnings_for_letters_with_nowhere_to_go_and_calls_with_no_number(
        campaign: tuple[Path, dict[str, str]]) -> None:
    _, errs = campaign
    letters = errs["letter"]
    for name in ("Tom Brandt", "Marcus Hale", "Grace Liu", "Mary Ann Fox"):
        assert f"Warning: the letter to {name} has no inside address" in letters
    assert "e-mail it to maryann.fox@example.com" in letters
    assert "Robert Whitcombe has no inside address" not in letters
    assert "Warning: the phone script for Darnell Hughes Jr. has no number to call" in \
        errs["script"]
    assert "15-second summary" not in errs["script"]  # 38 words: said in 15 seconds


def test_a_long_summary_is_warned_of(tmp_path: Path) -> None:
    ws = workspace(tmp_path)
    profile = ws / "profiles" / "candidate.yaml"
    data = yaml.safe_load(profile.read_text(encoding="utf-8"))
    data["summary"] += " Before that I commanded a transportation company in Korea and " \
        "taught logistics planning at the Army Logistics University for two years."
    profile.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    result = run(ws, "script", "laila-haddad", "--date", DAY)
    assert result.code == 0
    assert "Warning: your 15-second summary is 60 words, about 24 seconds spoken: cut " \
        "summary:" in result.err


def test_thank_you_points_are_said_to_the_reader(campaign: tuple[Path, dict[str, str]]
                                                 ) -> None:
    ws, errs = campaign
    text = read(ws, "robert-whitcombe", "thank-you")
    assert "Two pieces of your advice have stayed with me:" in text
    assert "•" not in text
    # the points logged about him are printed, and the user is told how to write them
    assert "the point \u201cA CSCP matters less to him than a record of running a P&L\u201d " \
        "seems to speak of Robert Whitcombe in the third person (\u201chim\u201d)" in \
        errs["thank-you"]
    assert "write the point as you would say it to them: \u201cA CSCP matters less than a " \
        "record of running a P&L\u201d" in errs["thank-you"]


def test_a_point_written_to_the_reader_reads_as_a_letter(tmp_path: Path) -> None:
    ws = workspace(tmp_path)
    path = ws / "profiles" / "contacts" / "laila-haddad.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "Hospital supply chains are where she sees the most openings for veterans",
        "hospital supply chains have the most openings for veterans"), encoding="utf-8")
    result = run(ws, "thank-you", "laila-haddad", "--date", DAY)
    assert result.code == 0 and "third person" not in result.err
    assert "One piece of your advice has stayed with me: that hospital supply chains have " \
        "the most openings for veterans." in read(ws, "laila-haddad", "thank-you")


def test_log_warns_of_a_point_in_the_third_person_and_logs_it(tmp_path: Path) -> None:
    ws = workspace(tmp_path)
    result = run(ws, "log", "darnell-hughes-jr", "--event", "meeting", "--date", DAY,
                 "--point", "He says brokers hire for grit, not degrees")
    assert result.code == 0
    assert "Warning: the point \u201cHe says brokers hire for grit, not degrees\u201d" in \
        result.err
    assert "\u201cBrokers hire for grit, not degrees\u201d" in result.err
    assert "He says brokers hire" in (ws / "profiles" / "contacts" /
                                      "darnell-hughes-jr.yaml").read_text(encoding="utf-8")


def test_thank_yous_agree_with_the_history(campaign: tuple[Path, dict[str, str]]) -> None:
    ws, _ = campaign
    whitcombe = read(ws, "robert-whitcombe", "thank-you")  # tom-brandt: letter-sent
    assert "Thank you also for suggesting that I talk with Tom Brandt of MHI, to whom I " \
        "have already written, mentioning that you suggested it." in whitcombe
    assert "this week" not in whitcombe and "I will be in touch" not in whitcombe
    assert "Enclosure" not in whitcombe  # he kept the résumé
    assert "Thank you also for suggesting that I talk with Marcus Hale of Owens & Minor; I " \
        "will be in touch this week" in read(ws, "laila-haddad", "thank-you")
    chen = read(ws, "chen-siyuan", "thank-you")
    assert "I have enclosed a copy of my résumé, as you asked," in chen
    assert "Enclosure: Résumé" in chen


def test_a_friend_who_declined_gets_a_friends_letter(campaign: tuple[Path, dict[str, str]]
                                                     ) -> None:
    ws, _ = campaign
    text = read(ws, "mary-ann-fox", "thank-you")
    assert "Dear Mary Ann," in text
    assert "Thanks for getting back to me on November 19." in text
    for stiff in ("I know how full your schedule is", "frank", "I hope you will remember me"):
        assert stiff not in text
    assert "Enclosure: Résumé" in text  # a decline: the résumé goes, by the rules


def test_an_in_person_decline_does_not_say_we_never_met(campaign: tuple[Path, dict[str, str]]
                                                        ) -> None:
    ws, _ = campaign
    text = read(ws, "anneke-van-den-berg", "thank-you")
    assert "Thank you for taking a moment to speak with me on November 20" in text
    assert "I am sorry we could not sit down together" in text
    assert "could not meet" not in text


def test_enclosures_are_named_by_title(tmp_path: Path) -> None:
    from weasyprint import HTML

    ws = workspace(tmp_path / "ws")
    article = tmp_path / "nearshoring-article.pdf"
    HTML(string="<title>The Case for Nearshoring</title><p>Text.</p>").write_pdf(article)
    notes = tmp_path / "port_notes.pdf"
    HTML(string="<p>Notes.</p>").write_pdf(notes)
    result = run(ws, "thank-you", "robert-whitcombe", "--date", DAY, "--enclose",
                 str(article))
    assert result.code == 0, result.err
    text = read(ws, "robert-whitcombe", "thank-you")
    assert "I have enclosed \u201cThe Case for Nearshoring\u201d in case it is of use." in text
    assert "Enclosure: The Case for Nearshoring" in text and ".pdf" not in text
    assert pdf_pages(ws / "output" / "robert-whitcombe" / "thank-you.pdf") == 2
    result = run(ws, "thank-you", "laila-haddad", "--date", DAY, "--enclose", str(notes),
                 "--enclose", str(article), "--enclose-title", "Notes on Port Congestion")
    assert result.code == 0, result.err
    assert "Enclosures: Résumé, Notes on Port Congestion, The Case for Nearshoring" in \
        read(ws, "laila-haddad", "thank-you")
    result = run(ws, "thank-you", "chen-siyuan", "--date", DAY, "--enclose", str(notes))
    assert "port_notes.pdf has no title in its metadata, so the enclosure line calls it " \
        "\u201cPort notes\u201d" in result.err
    assert "Enclosures: Résumé, Port notes" in read(ws, "chen-siyuan", "thank-you")


def test_the_resume_is_enclosed_by_the_rules_alone(tmp_path: Path) -> None:
    ws = workspace(tmp_path)
    resume = ws / "profiles" / "resume.pdf"
    for cid in ("laila-haddad", "robert-whitcombe"):  # would go twice; they have it
        result = run(ws, "thank-you", cid, "--date", DAY, "--enclose", str(resume))
        assert result.code == 1
        assert "a thank-you letter encloses the résumé by the rules alone" in result.err
    assert not (ws / "output").exists()


def test_typography_holds_in_every_document(campaign: tuple[Path, dict[str, str]]) -> None:
    ws, _ = campaign
    for docx in (ws / "output").rglob("*.docx"):
        text = docx_text(docx)
        assert "'" not in text and '"' not in text, docx
        assert "  " not in text, docx
    for pdf in (ws / "output").rglob("*.pdf"):
        raw = pdf_text(pdf)
        assert "'" not in raw and "a 18" not in words(raw), pdf
        assert not any("  " in line.strip() for line in raw.splitlines()), pdf


def test_libreoffice_reads_the_same_words_and_pages(campaign: tuple[Path, dict[str, str]],
                                                     tmp_path: Path) -> None:
    ws, _ = campaign
    chosen = [ws / "output" / cid / f"{kind}.docx" for cid, kind in (
        ("jose-maria-garcia-perez", "approach-letter"), ("mary-ann-fox", "thank-you"),
        ("chen-siyuan", "thank-you"), ("alexandros-papadopoulos", "approach-letter"))]
    for docx, converted in zip(chosen, libreoffice_to_pdf(chosen, tmp_path), strict=True):
        ours = docx.with_suffix(".pdf")
        assert pdf_pages(converted) == 1
        # the letter's own page (our PDF may carry the résumé after it)
        assert comparable(pdf_text(converted)) in comparable(pdf_text(ours))


def test_referrals_followed_up_differently_are_each_said(tmp_path: Path) -> None:
    ws = workspace(tmp_path)
    result = run(ws, "log", "darnell-hughes-jr", "--event", "meeting", "--date", DAY,
                 "--mode", "in-person", "--point", "Brokers hire for grit",
                 "--referral", "Tom Brandt, MHI", "--referral", "Ana Diaz, Summit Freight")
    assert result.code == 0, result.err
    assert "tom-brandt is already a contact" in result.out
    assert run(ws, "thank-you", "darnell-hughes-jr", "--date", DAY).code == 0
    assert "Thank you also for suggesting that I talk with Tom Brandt of MHI and Ana Diaz " \
        "of Summit Freight. I have already written to Tom Brandt. I will write to Ana Diaz " \
        "this week." in read(ws, "darnell-hughes-jr", "thank-you")
