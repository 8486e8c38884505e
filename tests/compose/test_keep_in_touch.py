"""The keep-in-touch letter: to everyone the seeker had a conversation with (or those
named), naming the specific advice or introduction logged for each, where the seeker
landed; PDF, DOCX and e-mail; recorded so that nobody gets it twice."""

from __future__ import annotations

from email.parser import BytesParser
from email.policy import default
from pathlib import Path

import yaml

from conftest import comparable, docx_text, pdf_text, run, snapshot

LANDED = ["--landed", "Policy Analyst, Illinois Rural Housing Coalition",
          "--date", "2026-11-21"]


def _contact(ws: Path, cid: str, text: str) -> None:
    (ws / "profiles" / "contacts" / f"{cid}.yaml").write_text(text, encoding="utf-8")


def test_each_letter_names_the_help_that_contact_gave(ws: Path) -> None:
    # a friend who gave a referral only, over two conversations; one with nothing logged
    _contact(ws, "ola", "name: Ola Nordmann\nrelationship: friend\nemail: ola@example.no\n"
             "history:\n  - {date: 2026-11-02, event: call, referrals: [{name: Kari Vik}]}\n"
             "  - {date: 2026-11-12, event: meeting, mode: in-person, points: "
             "[Volunteer with the regional planning commission]}\n")
    _contact(ws, "quiet", "name: Quinn Quiet\nrelationship: alumni\nhow_we_met: x\n"
             "email: q@example.com\n"
             "history: [{date: 2026-11-03, event: meeting, mode: phone}]\n")
    result = run(ws, "keep-in-touch", *LANDED, "--format", "pdf", "--format", "docx",
                 "--format", "eml")
    assert result.code == 0, result.err
    out = ws / "output"
    told = sorted(p.parent.name for p in out.glob("*/keep-in-touch.pdf"))
    # everyone with a conversation logged; not Jim Park (a letter only) nor Maria Lopez
    assert told == ["evelyn-okafor", "ola", "priya-raman", "quiet", "thomas-whitfield"]
    expected = {
        "evelyn-okafor": ["turn housing data into lending decisions",
                          "Samuel Adeyemi (Illinois Rural Housing Coalition); that "
                          "introduction led directly to where I am now"],
        # the points in prose, each a sentence, never a list of notes
        "priya-raman": ["stayed with me throughout my search: that regional agencies value "
                        "GIS skills as much as a planning degree, and that the APA"],
        "thomas-whitfield": ["that zoning-reform consultancies hire from planning "
                             "departments"],
        "ola": ["to volunteer with the regional planning commission",
                "introducing me to Kari Vik."],
        "quiet": ["Thank you again for the time you gave me on November 3"],
    }
    for cid, phrases in expected.items():
        pdf = comparable(pdf_text(out / cid / "keep-in-touch.pdf"))
        docx = comparable(docx_text(out / cid / "keep-in-touch.docx"))
        for phrase in phrases:
            assert comparable(phrase) in pdf and comparable(phrase) in docx, (cid, phrase)
        assert "•" not in pdf_text(out / cid / "keep-in-touch.pdf"), cid
        assert comparable("Policy Analyst at Illinois Rural Housing Coalition") in pdf
    mail = BytesParser(policy=default).parsebytes((out / "ola" / "keep-in-touch.eml")
                                                  .read_bytes())
    # Ola is a friend: the subject is in the friend's register
    assert mail["Subject"] == "Some news: I\u2019ve joined Illinois Rural Housing Coalition"
    assert list(mail.iter_attachments()) == []
    body = mail.get_body(("plain",))
    assert body is not None and "Kari Vik" in body.get_content()


def test_nobody_gets_it_twice(ws: Path) -> None:
    first = run(ws, "keep-in-touch", "evelyn-okafor", *LANDED, "--format", "pdf",
                "--mark-sent")
    assert first.code == 0, first.err
    history = yaml.safe_load((ws / "profiles" / "contacts" / "evelyn-okafor.yaml")
                             .read_text(encoding="utf-8"))["history"]
    assert history[-1] == {"date": __import__("datetime").date(2026, 11, 21),
                           "event": "keep-in-touch-sent"}
    before = snapshot(ws)
    again = run(ws, "keep-in-touch", "evelyn-okafor", *LANDED, "--force")
    assert again.code == 2
    assert "Evelyn Okafor was told where you landed on 2026-11-21" in again.err
    assert snapshot(ws) == before
    rest = run(ws, "keep-in-touch", *LANDED, "--format", "pdf", "--force")
    assert rest.code == 0
    assert "evelyn-okafor" not in rest.out and "priya-raman" in rest.out


def test_landed_must_name_an_organization(ws: Path) -> None:
    result = run(ws, "keep-in-touch", "--landed", "somewhere")
    assert result.code == 2 and 'write "ROLE at ORGANIZATION"' in result.err
    assert run(ws, "keep-in-touch").code == 2
