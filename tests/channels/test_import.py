"""`outreach import linkedin|vcard`: LinkedIn's export and vCards 3 and 4 (a counsellor's
`--caseload`: tests/campaign/test_caseload.py)."""

from __future__ import annotations

from pathlib import Path

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
