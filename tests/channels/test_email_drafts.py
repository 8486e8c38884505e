"""E-mail drafts (``--format eml``), read back with Python's ``email`` package as a mail
client would: an approach draft never carries an attachment; a thank-you carries the
résumé exactly in the cases of the enclosure table; text, HTML and the PDF letter say
the same words; names outside ASCII are encoded in the headers as the standard says."""

from __future__ import annotations

import re
from email.headerregistry import Address
from email.message import EmailMessage
from email.parser import BytesParser
from email.policy import default
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import EVERYONE, REPO, SAMPLE_IDS, comparable, pdf_text, run, snapshot

RESUME = (REPO / "profiles" / "resume.pdf").read_bytes()

#: Conversations and whether the enclosure table sends the résumé after each.
CASES = {
    "phone-interview": ("{date: 2026-11-18, event: meeting, mode: phone}", True),
    "call": ("{date: 2026-11-18, event: call, resume: not-discussed}", True),
    "declined": ("{date: 2026-11-18, event: declined, mode: phone}", True),
    "kept": ("{date: 2026-11-18, event: meeting, mode: in-person, resume: kept}", False),
    "reviewed-by-phone": ("{date: 2026-11-18, event: meeting, mode: phone, "
                          "resume: reviewed}", False),
    "in-person": ("{date: 2026-11-18, event: meeting, mode: in-person}", False),
    "asked": ("{date: 2026-11-18, event: meeting, mode: in-person, resume: asked}", True),
}


def read(path: Path) -> EmailMessage:
    with path.open("rb") as handle:
        msg = BytesParser(policy=default).parse(handle)
    assert isinstance(msg, EmailMessage)
    return msg


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.skip = False

    def handle_starttag(self, tag: str, attrs: object) -> None:
        self.skip = tag == "title"

    def handle_endtag(self, tag: str) -> None:
        self.skip = False
        self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append(data)


def bodies(msg: EmailMessage) -> tuple[str, str]:
    text = msg.get_body(("plain",))
    html = msg.get_body(("html",))
    assert text is not None and html is not None
    parser = _Text()
    parser.feed(html.get_content())
    return text.get_content(), "".join(parser.parts)


def _contact(ws: Path, cid: str, history: str, *, name: str = "Rosa Díaz",
             email: str | None = "rosa@example.org") -> None:
    lines = [f"name: {name}", "title: Planner", "organization: Metro Council",
             "relationship: friend", *([f"email: {email}"] if email else []),
             f"history: [{history}]" if history else ""]
    (ws / "profiles" / "contacts" / f"{cid}.yaml").write_text("\n".join(lines) + "\n",
                                                              encoding="utf-8")


def test_approach_drafts_carry_no_attachment_and_the_letters_words(ws: Path) -> None:
    _contact(ws, "rosa-diaz", "")
    result = run(ws, "letter", *EVERYONE, "--format", "pdf", "--format", "eml")
    assert result.code == 0, result.err
    for cid in [*SAMPLE_IDS, "rosa-diaz"]:
        folder = ws / "output" / cid
        msg = read(folder / "approach-letter.eml")
        assert msg["X-Unsent"] == "1"
        assert list(msg.iter_attachments()) == [], cid
        assert msg["From"].addresses[0].addr_spec == "dana.kehr@example.org"
        assert msg["Subject"]
        text, html = bodies(msg)
        assert comparable(text) == comparable(html)
        letter = comparable(pdf_text(folder / "approach-letter.pdf"))
        phone = "+1 217 555 0100"
        assert text.rstrip().endswith(phone)
        # the e-mail is the letter from the salutation on, without addresses or date ...
        opening = comparable("\n\n".join(text.split("\n\n")[:2]))
        assert opening in letter, cid
        assert letter.index(comparable(text[:40])) > 0
        assert "Springfield, IL 62701" not in text and "2026" not in text
        # ... with the promised call timed from today, and a reply invited, as an e-mail
        # can be answered (the letter's call comes after it "reaches you")
        assert "this letter" not in text and "after this reaches you" not in text, cid
        assert "in a day or two" in text and "repl" in text, cid
        assert "after this reaches you" in letter, cid
        assert "résumé" not in text.lower() or "not asking" in text
    jim = read(ws / "output" / "jim-park" / "approach-letter.eml")
    assert jim["To"].addresses[0].addr_spec == "jpark@example.gov"
    assert jim["Subject"] == "Maria Lopez suggested I write to you"


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_thank_you_draft_attaches_the_resume_exactly_when_the_table_says(
        ws: Path, case: str) -> None:
    history, enclosed = CASES[case]
    _contact(ws, "rosa-diaz", history)
    result = run(ws, "thank-you", "rosa-diaz", "--format", "eml", "--format", "pdf",
                 "--date", "2026-11-20")
    assert result.code == 0, result.err
    folder = ws / "output" / "rosa-diaz"
    msg = read(folder / "thank-you.eml")
    attachments = list(msg.iter_attachments())
    if enclosed:
        assert len(attachments) == 1
        assert attachments[0].get_filename() == "resume.pdf"
        assert attachments[0].get_content_type() == "application/pdf"
        assert attachments[0].get_content() == RESUME
    else:
        assert attachments == []
    text, html = bodies(msg)
    assert comparable(text) == comparable(html)
    # an e-mail says "attached" and has no enclosure line; the letter says "enclosed"
    assert "Enclosure" not in text and "enclosed" not in text
    assert ("attached" in text) is enclosed
    letter = comparable(pdf_text(folder / "thank-you.pdf"))
    assert ("Enclosure: Résumé" in letter) is enclosed
    assert comparable("\n\n".join(text.split("\n\n")[:2])) in letter
    # what it answers is kept beside the draft for outreach, never in it (a mail client
    # would send it on)
    assert not [h for h in msg if h.lower().startswith("x-outreach")]
    from outreach.channels.drafts import answers_of

    assert answers_of(folder / "thank-you.eml").startswith("thank-you for the ")


def test_other_enclosures_are_attached_and_the_resume_never_to_an_approach(
        ws: Path, tmp_path: Path) -> None:
    from pypdf import PdfWriter

    brochure = tmp_path / "portfolio.pdf"
    blank = PdfWriter()
    blank.add_blank_page(612, 792)
    with brochure.open("wb") as handle:
        blank.write(handle)
    assert run(ws, "letter", "jim-park", "--format", "eml", "--enclose",
               str(brochure)).code == 0
    msg = read(ws / "output" / "jim-park" / "approach-letter.eml")
    assert [a.get_filename() for a in msg.iter_attachments()] == ["portfolio.pdf"]
    copy = tmp_path / "mine.pdf"
    copy.write_bytes(RESUME)
    before = snapshot(ws)
    refused = run(ws, "letter", "maria-lopez", "--format", "eml", "--enclose", str(copy))
    assert refused.code == 1 and "never encloses the résumé" in refused.err
    assert snapshot(ws) == before


def test_names_outside_ascii_are_encoded_in_the_headers(ws: Path) -> None:
    _contact(ws, "zoe", "", name="Zoë Ægir-Łukasiewicz 山田")
    assert run(ws, "letter", "amelie-cote-nguyen", "zoe", "--format", "eml").code == 0
    for cid, name, greeting in (("amelie-cote-nguyen", "Amélie Côté-Nguyễn",
                                 "Dear Mme Côté-Nguyễn:"),
                                ("zoe", "Zoë Ægir-Łukasiewicz 山田", "Dear Zoë,")):
        raw = (ws / "output" / cid / "approach-letter.eml").read_bytes()
        head = raw.split(b"\n\n", 1)[0]
        head.decode("ascii")  # every header is 7-bit: encoded words, not raw UTF-8
        assert b"=?utf-8?" in head
        msg = read(ws / "output" / cid / "approach-letter.eml")
        assert msg["To"].addresses[0].display_name == name
        assert bodies(msg)[0].startswith(greeting)


@pytest.mark.parametrize(("written", "shown", "greeting"), [
    ("Олена Коваленко (Olena Kovalenko)", "Олена Коваленко", "Dear Olena,"),
    ("Dr. Ιωάννης Παπαδόπουλος (Ioannis Papadopoulos)", "Dr. Ιωάννης Παπαδόπουλος",
     "Dear Ioannis,"),
    ("Rosa (Rosie) Díaz", "Rosa (Rosie) Díaz", "Dear Rosie,")])
def test_the_to_line_shows_the_name_in_its_own_script_whole(
        ws: Path, written: str, shown: str, greeting: str) -> None:
    """A name written with its Latin form in brackets is addressed in its own script: the
    brackets, a comment in an address, came back from the folded header as "(Olena
    Kovalenk o)". The letter still greets in the Latin form."""
    _contact(ws, "long", "", name=written,
             email="olena.kovalenko-papadopoulos@kyiv-translation-bureau.example.org")
    assert run(ws, "letter", "long", "--format", "eml").code == 0
    msg = read(ws / "output" / "long" / "approach-letter.eml")
    assert msg["To"].addresses[0].display_name == shown
    assert bodies(msg)[0].startswith(greeting)


def test_contacts_without_an_address_are_listed_at_once_and_nothing_is_written(
        ws: Path) -> None:
    _contact(ws, "no-mail-1", "", email=None)
    _contact(ws, "no-mail-2", "", name="Li Wei", email=None)
    _contact(ws, "bad-mail", "", name="Bo Chen", email="bo at example")
    before = snapshot(ws)
    result = run(ws, "letter", *EVERYONE, "--format", "eml")
    assert result.code == 1
    lines = result.err.strip().splitlines()
    assert len(lines) == 3, result.err
    assert re.search(r"no-mail-1\.yaml:1: email: is needed: --format eml writes an e-mail "
                     r"to Rosa Díaz", result.err)
    assert "no-mail-2.yaml:1: email: is needed" in result.err
    assert "bad-mail.yaml:5: email: 'bo at example' is not an e-mail address" in result.err
    assert snapshot(ws) == before
    # a letter on paper needs no address
    assert run(ws, "letter", "no-mail-1", "--format", "pdf").code == 0


def test_eml_is_refused_for_a_kind_that_is_not_mailed_and_both_means_print(ws: Path) -> None:
    result = run(ws, "script", "jim-park", "--format", "eml")
    assert result.code == 2 and "a phone script is not sent by e-mail" in result.err
    assert run(ws, "letter", "jim-park").code == 0
    assert sorted(p.name for p in (ws / "output" / "jim-park").iterdir()) == [
        "approach-letter.docx", "approach-letter.pdf"]


def test_a_draft_written_again_keeps_its_message_id(ws: Path) -> None:
    path = ws / "output" / "priya-raman" / "thank-you.eml"
    assert run(ws, "thank-you", "priya-raman", "--format", "eml", "--date",
               "2026-11-20").code == 0
    first = read(path)["Message-ID"]
    assert run(ws, "thank-you", "priya-raman", "--format", "eml", "--date", "2026-11-21",
               "--force").code == 0
    assert read(path)["Message-ID"] == first
    assert re.fullmatch(r"<[0-9a-f]{32}\.thank-you@example\.org>", first)


def test_a_line_break_in_the_html_part_is_a_br_which_every_mail_program_shows() -> None:
    """The PDF's HTML breaks lines with ``white-space: pre-line`` (faster to lay out);
    some mail programs ignore styles, so the e-mail's HTML keeps ``<br>``."""
    from outreach.document.model import Document, Paragraph, Span
    from outreach.render.writers import eml

    document = Document(kind="approach-letter", title="t", paper="letter", blocks=(
        Paragraph((Span("Dana Kehr\n+1 217 555 0100"),)),))
    msg = BytesParser(policy=default).parsebytes(eml.render(document, eml.Draft(
        Address("Dana Kehr", addr_spec="dana@example.org"),
        Address("Rosa Díaz", addr_spec="rosa@example.org"), "Hello")))
    assert isinstance(msg, EmailMessage)
    html = msg.get_body(("html",))
    assert html is not None
    assert "Dana Kehr<br>+1 217 555 0100" in html.get_content()
    assert "white-space" not in html.get_content()
