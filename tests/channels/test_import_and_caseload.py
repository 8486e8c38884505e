"""`outreach import linkedin|vcard` and a counsellor's `--caseload`."""

from __future__ import annotations

import errno
import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from conftest import copy_workspace, run
from outreach.workspace.folder import Workspace
from outreach.workspace.placeholders import placeholders_allowed

PREAMBLE = ('Notes:\r\n"When exporting your connection data, you may notice that some of the '
            'email addresses are missing. You will only see email addresses for connections '
            'who have allowed their connections to see or download their email address using '
            'this setting https://www.linkedin.com/psettings/privacy/email. You can learn more '
            'about this here: https://www.linkedin.com/help/linkedin/answer/261"\r\n\r\n')
HEADER = "First Name,Last Name,URL,Email Address,Company,Position,Connected On\r\n"
ROWS = [
    'Ana,Ruiz,https://www.linkedin.com/in/anaruiz,,"Sangamon County, GIS","Manager, Mapping",'
    '12 Mar 2024',
    "Amélie,Côté-Nguyễn,https://www.linkedin.com/in/acn,amelie@example.org,NO,1.10,"
    "01 Jan 2023",
    "Null,Yes,https://www.linkedin.com/in/ny,,0123,Analyst,3 Feb 2022",
    ",,https://www.linkedin.com/in/deleted,,,,5 May 2021",
    "Maria,Lopez,https://www.linkedin.com/in/ml,,Springfield Housing Authority,Manager,"
    "4 Apr 2020",
    "Jim,Park,https://www.linkedin.com/in/jp,jpark@example.gov,Elsewhere,Director,1 Jun 2021",
    'Ana,Ruiz,https://www.linkedin.com/in/anaruiz2,,"Sangamon County, GIS",Manager,'
    "2 Mar 2024",
    "Con,,https://www.linkedin.com/in/con,,,,1 Jan 2020",
]


def linkedin_csv(path: Path, rows: list[str] = ROWS) -> Path:
    text = PREAMBLE + HEADER + "".join(r + "\r\n" for r in rows)
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    return path


def contact_files(ws: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in (ws / "profiles" / "contacts").glob("*.yaml")}


def test_linkedin_export_with_preamble_bom_crlf_and_quoted_commas(tmp_path: Path) -> None:
    ws = copy_workspace(tmp_path / "ws")
    before = contact_files(ws)
    result = run(ws, "import", "linkedin", str(linkedin_csv(tmp_path / "Connections.csv")))
    assert result.code == 0, result.err
    after = contact_files(ws)
    assert {k: v for k, v in after.items() if k in before} == before  # nothing overwritten
    new = sorted(set(after) - set(before))
    assert new == ["amelie-cote-nguyen-2.yaml", "ana-ruiz.yaml", "con-contact.yaml",
                   "null-yes.yaml"]
    workspace = Workspace(ws)
    with placeholders_allowed():  # the tool loads every file it wrote
        loaded = {c.id: c.data for c in workspace.contacts()}
    ana = loaded["ana-ruiz"]
    assert (ana.organization, ana.title) == ("Sangamon County, GIS", "Manager, Mapping")
    assert ana.relationship == "acquaintance"
    assert ana.notes == ("Connected on LinkedIn 2024-03-12: "
                         "https://www.linkedin.com/in/anaruiz")
    amelie = loaded["amelie-cote-nguyen-2"]
    assert (amelie.name, amelie.organization, amelie.title) == ("Amélie Côté-Nguyễn", "NO",
                                                                "1.10")
    assert loaded["null-yes"].name == "Null Yes" and loaded["null-yes"].organization == "0123"
    # duplicates: same name + organization (Maria), same e-mail (Jim), twice in the file (Ana)
    assert "line 9: Maria Lopez is already a contact (the same name and organization as " \
        in result.out and "maria-lopez.yaml); not imported" in result.out
    assert "line 10: Jim Park is already a contact (the same e-mail address as " in result.out
    assert "line 11: Ana Ruiz is already a contact (the same name and organization as " \
        in result.out and "ana-ruiz.yaml); not imported" in result.out
    assert "line 8: no name" in result.out
    # what the letter still needs is listed, and the letter refuses until it is filled
    assert "ana-ruiz.yaml: how_we_met, address" in result.out
    refused = run(ws, "letter", "ana-ruiz")
    assert refused.code == 1
    assert [line.split(": ")[2] for line in refused.err.splitlines()] == ["how_we_met",
                                                                         "address"]
    again = run(ws, "import", "linkedin", str(tmp_path / "Connections.csv"))
    assert again.code == 0 and "0 added" in again.out
    assert contact_files(ws) == after


def test_dry_run_and_relationship(tmp_path: Path) -> None:
    ws = copy_workspace(tmp_path / "ws")
    before = contact_files(ws)
    csv_path = linkedin_csv(tmp_path / "c.csv")
    dry = run(ws, "import", "linkedin", str(csv_path), "--dry-run")
    assert dry.code == 0 and "would add" in dry.out
    assert contact_files(ws) == before
    friends = run(ws, "import", "linkedin", str(csv_path), "--relationship", "friend")
    assert friends.code == 0
    text = (ws / "profiles" / "contacts" / "ana-ruiz.yaml").read_text(encoding="utf-8")
    assert "relationship: friend" in text and "how_we_met" not in text
    assert "ana-ruiz.yaml: address" in friends.out
    assert run(ws, "import", "linkedin", str(csv_path), "--relationship", "boss").code == 2


def test_not_a_linkedin_export(tmp_path: Path) -> None:
    ws = copy_workspace(tmp_path / "ws")
    bad = tmp_path / "x.csv"
    bad.write_text("a,b\n1,2\n")
    result = run(ws, "import", "linkedin", str(bad))
    assert result.code == 1 and "is this LinkedIn's Connections.csv" in result.err
    bad.write_bytes(b"First Name,Last Name\n\xff\xfe,x\n")
    assert "is not UTF-8" in run(ws, "import", "linkedin", str(bad)).err
    assert "run `outreach init` first" in run(tmp_path / "empty", "import", "linkedin",
                                               str(linkedin_csv(tmp_path / "c.csv"))).err


VCARD3 = (
    "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Okafor;Ngozi;;Dr.;\r\nFN:Dr. Ngozi Okafor\r\n"
    "ORG:Leeds Teaching Hospitals\\, NHS;Informatics\r\nTITLE:Chief Clinical Information "
    "Officer\r\nEMAIL;TYPE=INTERNET,WORK:ngozi@example.org\r\nTEL;TYPE=WORK:+44 113 "
    "496 0000\r\nADR;TYPE=WORK:;;Great George St;Leeds;;LS1 3EX;UK\r\n"
    "NOTE:Spoke at the e-health day\\, 2024\r\nEND:VCARD\r\n"
    "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Jim Park\r\nN:Park;Jim;;;\r\n"
    "EMAIL:JPARK@example.gov\r\nEND:VCARD\r\n")
VCARD4 = (
    "BEGIN:VCARD\nVERSION:4.0\nFN:Wei Zhang\nN:Zhang;Wei;;;\nORG:Civic Data Lab\n"
    "TITLE:Planner\nEMAIL;TYPE=home:wei@home.example\nEMAIL;PREF=1;TYPE=work:"
    "wei@lab.example\nTEL;VALUE=uri;TYPE=\"voice,work\":tel:+1-217-555-0199\n"
    "ADR;TYPE=work;LABEL=\"9 Main St\\nSpringfield\":;;9 Main St;Springfield;IL;62701;\n"
    "NOTE:Long notes fold\n  onto the next line.\nEND:VCARD\n")


def test_vcard_3_and_4(tmp_path: Path) -> None:
    ws = copy_workspace(tmp_path / "ws")
    before = contact_files(ws)
    (tmp_path / "a.vcf").write_text(VCARD3, encoding="utf-8")
    (tmp_path / "b.vcf").write_text(VCARD4, encoding="utf-8")
    three = run(ws, "import", "vcard", str(tmp_path / "a.vcf"))
    four = run(ws, "import", "vcard", str(tmp_path / "b.vcf"), "--relationship", "cold")
    assert three.code == 0 and four.code == 0, three.err + four.err
    assert "Jim Park is already a contact (the same e-mail address" in three.out
    with placeholders_allowed():
        loaded = {c.id: c.data for c in Workspace(ws).contacts()}
    assert sorted(set(contact_files(ws)) - set(before)) == ["ngozi-okafor.yaml",
                                                            "wei-zhang.yaml"]
    ngozi = loaded["ngozi-okafor"]
    assert ngozi.organization == "Leeds Teaching Hospitals, NHS, Informatics"
    assert ngozi.salutation == "Dr. Okafor"
    assert ngozi.address == "Great George St\nLeeds, LS1 3EX\nUK"
    assert ngozi.notes == "Spoke at the e-health day, 2024"
    assert ngozi.phone == "+44 113 496 0000"
    wei = loaded["wei-zhang"]
    assert (wei.email, wei.phone, wei.relationship) == ("wei@lab.example", "+1-217-555-0199",
                                                        "cold")
    assert wei.notes == "Long notes fold onto the next line."
    assert wei.address == "9 Main St\nSpringfield, IL 62701"
    assert "wei-zhang.yaml: how_we_met" in four.out and "address" not in four.out.split(
        "wei-zhang.yaml:")[-1]
    broken = tmp_path / "c.vcf"
    broken.write_text("BEGIN:VCARD\nVERSION:3.0\nFN:x\nthis is junk\nEND:VCARD\n")
    result = run(ws, "import", "vcard", str(broken))
    assert result.code == 1
    assert "c.vcf:4: card 1: is not a vCard line (NAME:VALUE): 'this is junk'; not " \
        "imported" in result.err


# -- the caseload ------------------------------------------------------------------------


def caseload(tmp_path: Path) -> Path:
    root = tmp_path / "caseload"
    for client in ("dana-kehr", "li-wei", "sam-oduya"):
        copy_workspace(root / client)
    shutil.rmtree(root / "li-wei" / "profiles" / "contacts")
    (root / "li-wei" / "profiles" / "contacts").mkdir()
    (root / "li-wei" / "profiles" / "contacts" / "tom.yaml").write_text(
        "name: Tom Reyes\nrelationship: friend\nhistory:\n  - {date: 2026-11-08, event: "
        "letter-sent}\n", encoding="utf-8")
    (root / "sam-oduya" / "profiles" / "contacts" / "jim-park.yaml").write_text(
        "name: Jim Park\nrelationship: freind\n", encoding="utf-8")
    (root / "notes.txt").write_text("not a client")
    return root


def test_due_over_a_caseload_with_a_broken_client(tmp_path: Path) -> None:
    root = caseload(tmp_path)
    result = run(tmp_path, "due", "--caseload", str(root), "--today", "2026-11-21")
    assert result.code == 1
    lines = result.out.splitlines()
    assert lines[0].split() == ["CLIENT", "DUE", "CONTACT", "TO", "DO", "WHY"]
    clients = [line.split()[0] for line in lines[1:]]
    assert set(clients) == {"dana-kehr", "li-wei"}
    dates = [line.split()[1] for line in lines[1:]]
    assert dates == sorted(dates)
    tom = next(line for line in lines if "Tom Reyes" in line)
    assert tom.split()[:3] == ["li-wei", "2026-11-12", "OVERDUE"]
    assert any("dana-kehr" in line and "Priya Raman" in line for line in lines)
    assert "sam-oduya" not in result.out
    assert "sam-oduya/profiles/contacts/jim-park.yaml:2: relationship: must be one of" \
        in result.err
    assert "Traceback" not in result.err


def test_contacts_over_a_caseload(tmp_path: Path) -> None:
    root = caseload(tmp_path)
    result = run(tmp_path, "contacts", "--caseload", str(root))
    assert result.code == 1
    rows = {line.split()[0]: line.split()[1:] for line in result.out.splitlines()[1:]}
    assert rows["li-wei"] == ["1", "0", "-"]
    assert rows["dana-kehr"][:2] == ["6", "3"]
    assert "sam-oduya" in result.err
    ok = run(tmp_path, "due", "--caseload", str(tmp_path / "nowhere"))
    assert ok.code == 1 and "no caseload folder" in ok.err


# -- a caseload with folders that cannot be read, links and a broken profile --------------


def deny(monkeypatch: pytest.MonkeyPatch, *folders: Path) -> None:
    """Make ``folders`` unreadable as `chmod 000` does for anyone but root (the tests may
    run as root): listing them, or reaching anything inside them, fails with EACCES."""
    denied = [str(f) for f in folders]

    def inside(path: object, *, strictly: bool) -> bool:
        text = os.path.abspath(os.fsdecode(path)) if isinstance(path, (str, os.PathLike)) \
            else ""
        return any(text.startswith(d + os.sep) or (not strictly and text == d)
                   for d in denied)

    def guard(real: Any, strictly: bool) -> Any:
        def call(path: Any = ".", *args: Any, **kwargs: Any) -> Any:
            if inside(path, strictly=strictly):
                raise PermissionError(errno.EACCES, "Permission denied", str(path))
            return real(path, *args, **kwargs)
        return call

    monkeypatch.setattr(os, "scandir", guard(os.scandir, False))
    monkeypatch.setattr(os, "listdir", guard(os.listdir, False))
    monkeypatch.setattr(os, "stat", guard(os.stat, True))


def hostile_caseload(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "caseload"
    for client in ("ada-obi", "bo-chen", "chidi-eze", "dana-kehr"):
        copy_workspace(root / client)
    (root / "chidi-eze" / "profiles" / "candidate.yaml").write_text(
        "name: Chidi Eze\nstatus: [graduate\n", encoding="utf-8")
    copy_workspace(tmp_path / "elsewhere")
    (root / "eve-outside").symlink_to(tmp_path / "elsewhere")
    (root / "dana-again").symlink_to(root / "dana-kehr")
    deny(monkeypatch, root / "ada-obi", root / "bo-chen" / "profiles" / "contacts")
    return root


def test_due_over_a_caseload_names_every_client_it_cannot_read(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = hostile_caseload(tmp_path, monkeypatch)
    result = run(tmp_path, "due", "--caseload", str(root), "--today", "2026-11-21")
    assert result.code == 1, result.err
    assert "Traceback" not in result.err
    listed = {line.split()[0] for line in result.out.splitlines()[1:]}
    assert listed == {"chidi-eze", "dana-kehr"}  # a broken profile hides nothing due
    errors = [line for line in result.err.splitlines() if line.startswith("Error: ")]
    assert any("ada-obi: cannot be read: Permission denied" in e for e in errors)
    assert any("bo-chen: " in e and "bo-chen/profiles/contacts: cannot be read: "
               "Permission denied" in e for e in errors)
    assert any(e.startswith("Error: chidi-eze: ") and "candidate.yaml:2" in e
               for e in errors)
    assert any("eve-outside: is a link to " in e and "outside the caseload folder" in e
               for e in errors)
    assert len(errors) == 4, result.err
    assert "Warning: " in result.err and "dana-again is " in result.err
    dana = [line for line in result.out.splitlines() if line.startswith("dana-")]
    assert dana and all(line.startswith("dana-kehr") for line in dana)  # counted once


def test_contacts_over_a_caseload_names_every_client_it_cannot_read(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = hostile_caseload(tmp_path, monkeypatch)
    result = run(tmp_path, "contacts", "--caseload", str(root))
    assert result.code == 1
    rows = {line.split()[0]: line.split()[1:] for line in result.out.splitlines()[1:]}
    assert set(rows) == {"chidi-eze", "dana-kehr"}
    assert rows["dana-kehr"][:2] == ["6", "3"]
    assert "bo-chen/profiles/contacts: cannot be read" in result.err  # never "0 contacts"
    assert "ada-obi: cannot be read" in result.err and "eve-outside" in result.err
