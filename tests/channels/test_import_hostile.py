"""Hostile and clumsy exports (issue 30, items 15-20; issue 29 and 28 on names): one bad
row or card is reported with its line and skipped, the rest imported, exit 1; vCard
values read with their escapes; memory bounded per card; a killed import's staging
swept; a broken contact file stops the import; a namesake at another organization is
another person; ids in ASCII for every script, without honorifics."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import tracemalloc
from pathlib import Path

import pytest

from channels.test_import import contact_files, linkedin_csv
from conftest import REPO, copy_workspace, run
from outreach.channels.importing import read_vcard
from outreach.workspace.folder import Workspace
from outreach.workspace.placeholders import placeholders_allowed


def new_files(ws: Path, before: dict[str, bytes]) -> list[str]:
    return sorted(set(contact_files(ws)) - set(before))


def loaded(ws: Path) -> dict[str, object]:
    with placeholders_allowed():
        return {c.id: c.data for c in Workspace(ws).contacts()}


def errors(err: str) -> list[str]:
    assert "Traceback" not in err and "validation error" not in err, err
    return [line for line in err.splitlines() if line.startswith("Error: ")]


# -- LinkedIn: one bad row, the rest imported ----------------------------------------------

HOSTILE_ROWS = [
    "😀,🎉,https://www.linkedin.com/in/emoji,,Acme,Analyst,1 Jan 2024",            # line 5
    '"Siobhán\nMarie",Ó Briain,https://x/so,,"Dublin City\nCouncil",Planner,2 Jan 2024',
    "陈,思远,https://x/c1,,市规划局,规划师,3 Jan 2024",                               # line 9
    "陈,思媛,https://x/c2,,市规划局,工程师,4 Jan 2024",
    "Иван,Петров,https://x/ip,ivan@example.ru,Гипрогор,Архитектор,5 Jan 2024",
    "🌍🌍,,https://x/e2,,,,6 Jan 2024",                                                # line 12
    "Γιώργος,Παπαδόπουλος,https://x/gp,,Δήμος Αθηναίων,Μηχανικός,7 Jan 2024",
    "Dr. Laila,\"Haddad, PhD\",https://x/lh,,Amman Water,Engineer,8 Jan 2024",
]


def test_bad_linkedin_rows_are_reported_and_skipped(tmp_path: Path) -> None:
    ws = copy_workspace(tmp_path / "ws")
    before = contact_files(ws)
    result = run(ws, "import", "linkedin", str(linkedin_csv(tmp_path / "c.csv",
                                                            HOSTILE_ROWS)))
    assert result.code == 1
    found = errors(result.err)
    assert len(found) == 2, result.err
    assert found[0].startswith("Error: ") and "c.csv:5: name: '😀 🎉' is not a " \
        "name" in found[0] and found[0].endswith("not imported")
    assert "c.csv:12: name: '🌍🌍' is not a name" in found[1]
    assert new_files(ws, before) == [
        "chen-si-yuan-2.yaml", "chen-si-yuan.yaml", "giorgos-papadopoylos.yaml",
        "ivan-petrov.yaml", "laila-haddad.yaml", "siobhan-marie-o-briain.yaml"]
    people = loaded(ws)
    siobhan = people["siobhan-marie-o-briain"]
    assert (siobhan.name, siobhan.organization) == (  # type: ignore[attr-defined]
        "Siobhán Marie Ó Briain", "Dublin City Council")
    # two people whose names read alike in ASCII are two people
    assert {people["chen-si-yuan"].name,
            people["chen-si-yuan-2"].name} == {  # type: ignore[attr-defined]
        "陈 思远", "陈 思媛"}
    assert "not imported" not in result.out.split("\n\n")[0]  # both were added
    assert "6 added, 0 already contacts, 0 without a name, 2 not imported" in result.out


def test_a_row_the_csv_module_cannot_read_is_skipped_alone(tmp_path: Path) -> None:
    ws = copy_workspace(tmp_path / "ws")
    before = contact_files(ws)
    huge = "x" * 200_000  # over the csv module's field limit
    rows = ["Ana,Ruiz,https://x/a,,Here,Analyst,1 Jan 2024",
            f'Big,Cell,https://x/b,,"{huge}",Analyst,1 Jan 2024',
            "Tomás,Quispe,https://x/t,,Lima,Analyst,1 Jan 2024"]
    result = run(ws, "import", "linkedin", str(linkedin_csv(tmp_path / "c.csv", rows)))
    assert result.code == 1
    found = errors(result.err)
    assert len(found) == 1 and "c.csv:6: CSV error: field larger than field limit" \
        in found[0]
    assert new_files(ws, before) == ["ana-ruiz.yaml", "tomas-quispe.yaml"]


# -- vCards: escapes, broken cards, honorifics ---------------------------------------------

CARDS = (
    "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Omar Haddad\r\nN:Haddad;Omar;;;\r\n"
    "ORG:Acme\\, Inc.;Sales, EMEA\r\nTITLE:Director, Planning and Zoning\r\nEND:VCARD\r\n"
    # line 8: an emoji-only name
    "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:🙂\r\nEND:VCARD\r\n"
    # line 12: a line break in FN and ORG (escaped), a folded TITLE, an escaped semicolon
    "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Ngozi\\nAdichie\r\nORG:Lagos State\\nMinistry\r\n"
    "TITLE:Head\\; Urban\r\n  Renewal\r\nEND:VCARD\r\n"
    # line 19: junk inside a card, at line 22
    "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Broken Card\r\n%%% not a property\r\nEND:VCARD\r\n"
    # line 24: honorific and suffix, in N and in FN
    "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Haddad;Laila;;Dr.;PhD\r\nFN:Dr. Laila Haddad\\, PhD\r\n"
    "ORG:Jordan Valley Authority\r\nEND:VCARD\r\n"
    # line 30: vCard 2.1, quoted-printable in Latin-1, a name in Korean
    "BEGIN:VCARD\r\nVERSION:2.1\r\nN;CHARSET=UTF-8:김;민준\r\nFN;CHARSET=UTF-8:김민준\r\n"
    "NOTE;ENCODING=QUOTED-PRINTABLE;CHARSET=ISO-8859-1:Caf=E9 au =\r\nlait, Seoul\r\n"
    "END:VCARD\r\n"
    # line 37: a card that never ends
    "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Jr Unfinished\r\n"
)


def test_vcard_escapes_and_bad_cards(tmp_path: Path) -> None:
    ws = copy_workspace(tmp_path / "ws")
    before = contact_files(ws)
    (tmp_path / "a.vcf").write_text(CARDS, encoding="utf-8")
    result = run(ws, "import", "vcard", str(tmp_path / "a.vcf"))
    assert result.code == 1
    found = errors(result.err)
    assert len(found) == 3, found
    assert "a.vcf:8: name: card 2: '🙂' is not a name" in found[0]
    assert "a.vcf:22: card 4: is not a vCard line (NAME:VALUE): '%%% not a property'" \
        in found[1]
    assert "a.vcf:37: card 7: the file ends before its END:VCARD; not imported" in found[2]
    assert new_files(ws, before) == ["gim-min-jun.yaml", "laila-haddad.yaml",
                                     "ngozi-adichie.yaml", "omar-haddad.yaml"]
    people = loaded(ws)
    omar = people["omar-haddad"]
    assert omar.organization == "Acme, Inc., Sales, EMEA"  # type: ignore[attr-defined]
    assert omar.title == "Director, Planning and Zoning"  # type: ignore[attr-defined]
    ngozi = people["ngozi-adichie"]
    assert (ngozi.name, ngozi.organization, ngozi.title) == (  # type: ignore[attr-defined]
        "Ngozi Adichie", "Lagos State Ministry", "Head; Urban Renewal")
    laila = people["laila-haddad"]
    assert laila.name == "Dr. Laila Haddad, PhD"  # type: ignore[attr-defined]
    assert laila.salutation == "Dr. Haddad"  # type: ignore[attr-defined]
    assert people["gim-min-jun"].notes == "Café au lait, Seoul"  # type: ignore[attr-defined]


def test_the_skeleton_shows_the_honorific(tmp_path: Path) -> None:
    ws = copy_workspace(tmp_path / "ws")
    rows = ["Michael,Chen,https://x/mc,,Metro Transit,Planner,1 Jan 2024"]
    assert run(ws, "import", "linkedin", str(linkedin_csv(tmp_path / "c.csv", rows))).code == 0
    text = (ws / "profiles" / "contacts" / "michael-chen.yaml").read_text(encoding="utf-8")
    lines = text.splitlines()
    at = lines.index("name: Michael Chen")
    assert lines[at + 1].startswith("# honorific: Ms.  # uncomment with the one they use")
    assert '"Dear Ms. Chen:"' in lines[at + 1]
    assert 'letters open with the full name ("Dear Michael Chen:")' in lines[at + 2]
    (tmp_path / "d.vcf").write_text(
        "BEGIN:VCARD\nVERSION:3.0\nN:Haddad;Laila;;Dr.;\nFN:Laila Haddad\nEND:VCARD\n",
        encoding="utf-8")
    assert run(ws, "import", "vcard", str(tmp_path / "d.vcf")).code == 0
    laila = (ws / "profiles" / "contacts" / "laila-haddad.yaml").read_text(encoding="utf-8")
    assert "salutation: Dr. Haddad" in laila and "# honorific" not in laila


# -- memory: a photo is never held --------------------------------------------------------


def big_card(photo_bytes: int, folded: bool) -> bytes:
    base64 = "QUJD" * (photo_bytes // 4)
    if folded:
        base64 = "\r\n ".join(base64[i:i + 74] for i in range(0, len(base64), 74))
    return ("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Paulo Freire\r\nORG:Recife Housing\r\n"
            f"PHOTO;ENCODING=b;TYPE=JPEG:{base64}\r\nTITLE:Planner\r\nEND:VCARD\r\n"
            ).encode("ascii")


@pytest.mark.parametrize("folded", [True, False], ids=["folded", "one-line"])
def test_a_22_mb_vcard_is_read_in_little_memory(tmp_path: Path, folded: bool) -> None:
    path = tmp_path / "big.vcf"
    with path.open("wb") as handle:
        handle.write(big_card(15 * 2**20, folded))
        for number in range(3):
            handle.write(big_card(2 * 2**20, folded).replace(b"Paulo Freire",
                                                            f"Person {number}".encode()))
    assert path.stat().st_size > 21 * 2**20
    tracemalloc.start()
    try:
        export = read_vcard(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert [p.name for p in export.people] == ["Paulo Freire", "Person 0", "Person 1",
                                               "Person 2"]
    assert export.people[0].title == "Planner" and not export.bad
    assert peak < 8 * 2**20, f"{peak / 2**20:.1f} MB"  # vobject took 3 GB


def test_a_card_too_large_without_its_photo_is_skipped(tmp_path: Path) -> None:
    path = tmp_path / "n.vcf"
    note = "NOTE:" + "y" * 70 + "".join("\r\n " + "y" * 70 for _ in range(5000))
    path.write_text("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Huge Note\r\n" + note +
                    "\r\nEND:VCARD\r\nBEGIN:VCARD\r\nVERSION:3.0\r\nFN:Small Card\r\n"
                    "END:VCARD\r\n", encoding="utf-8")
    export = read_vcard(path)
    assert [p.name for p in export.people] == ["Small Card"]
    assert len(export.bad) == 1 and "card 1: is more than 256 KB" in str(export.bad[0])


# -- a kill during staging ----------------------------------------------------------------

KILLED = """
import os, signal, sys
os.sync = lambda: os.kill(os.getpid(), signal.SIGKILL)  # killed between stage and link
sys.argv = ["outreach", "--workspace", sys.argv[1], "import", "linkedin", sys.argv[2]]
from outreach.cli import main
main()
"""


def test_a_kill_during_staging_is_swept_by_the_next_import(tmp_path: Path) -> None:
    ws = copy_workspace(tmp_path / "ws")
    before = contact_files(ws)
    rows = [f"Person{i},Surname{i},https://x/{i},p{i}@example.org,Org,Analyst,1 Jan 2024"
            for i in range(40)]
    export = linkedin_csv(tmp_path / "c.csv", rows)
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    killed = subprocess.run([sys.executable, "-c", KILLED, str(ws), str(export)],
                            env=env, capture_output=True, check=False)
    assert killed.returncode == -9
    contacts = ws / "profiles" / "contacts"
    left = [p for p in contacts.iterdir() if p.name.startswith(".")]
    assert len(left) == 1 and left[0].is_dir() and len(list(left[0].iterdir())) == 40
    assert contact_files(ws) == before  # nothing half-imported
    again = run(ws, "import", "linkedin", str(export))
    assert again.code == 0, again.err
    assert [p.name for p in contacts.iterdir() if p.name.startswith(".")] == []
    assert len(new_files(ws, before)) == 40


def test_a_referral_sweeps_a_killed_import_too(tmp_path: Path) -> None:
    ws = copy_workspace(tmp_path / "ws")
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True).stdout.strip()
    left = ws / "profiles" / "contacts" / f".outreach-stage.{dead}.abc123.tmp"
    left.mkdir()
    (left / "0").write_text("name: Someone Private\n", encoding="utf-8")
    live = ws / "profiles" / "contacts" / f".outreach-stage.{os.getpid()}.def456.tmp"
    live.mkdir()  # a stage of a run still going (this process) is left alone
    result = run(ws, "log", "jim-park", "--event", "call", "--referral", "Ana Ruiz")
    assert result.code == 0, result.err
    assert not left.exists() and live.exists()


# -- a broken contact file, a namesake -----------------------------------------------------


def test_a_broken_contact_file_stops_the_import(tmp_path: Path) -> None:
    ws = copy_workspace(tmp_path / "ws")
    broken = ws / "profiles" / "contacts" / "maria-lopez.yaml"
    broken.write_text("name: Maria Lopez\norganization: [unclosed\n", encoding="utf-8")
    before = contact_files(ws)
    rows = ["Maria,Lopez,https://x/ml,,Springfield Housing Authority,Manager,1 Jan 2024",
            "Kofi,Mensah,https://x/km,,Accra Metro,Planner,1 Jan 2024"]
    result = run(ws, "import", "linkedin", str(linkedin_csv(tmp_path / "c.csv", rows)))
    assert result.code == 1
    found = errors(result.err)
    assert len(found) == 1 and "maria-lopez.yaml:2: YAML syntax error" in found[0]
    assert "fix this file first: the person being added may be in it" in found[0]
    assert contact_files(ws) == before


def test_a_namesake_at_another_organization_is_another_person(tmp_path: Path) -> None:
    ws = copy_workspace(tmp_path / "ws")
    before = contact_files(ws)
    rows = ["Maria,Lopez,https://x/ml,,Riverside Bank,Loan Officer,1 Jan 2024",
            "María,López,https://x/ml2,,Springfield Housing Authority,Manager,1 Jan 2024"]
    result = run(ws, "import", "linkedin", str(linkedin_csv(tmp_path / "c.csv", rows)))
    assert result.code == 0, result.err
    assert new_files(ws, before) == ["maria-lopez-2.yaml"]
    assert "line 6: María López is already a contact (the same name and organization " \
        "as " in result.out
    warning = next(line for line in result.err.splitlines() if line.startswith("Warning"))
    assert "Maria Lopez (Riverside Bank) has the name of " in warning
    assert "maria-lopez.yaml (Springfield Housing Authority)" in warning
    assert "added as " in warning and "maria-lopez-2.yaml" in warning


def test_a_referral_at_another_organization_is_another_person(tmp_path: Path) -> None:
    ws = copy_workspace(tmp_path / "ws")
    before = contact_files(ws)
    result = run(ws, "log", "jim-park", "--event", "call", "--referral",
                 "Maria Lopez, Riverside Bank", "--referral",
                 "maria lópez, Springfield Housing Authority", "--referral", "Maria Lopez")
    assert result.code == 0, result.err
    assert new_files(ws, before) == ["maria-lopez-2.yaml"]
    banker = Workspace(ws).contact("maria-lopez-2")
    assert banker.data.organization == "Riverside Bank"
    assert banker.data.referred_by == "jim-park"
    assert "Warning: Maria Lopez (Riverside Bank) has the name of " in result.err
    assert "maria-lopez.yaml (Springfield Housing Authority)" in result.err
    assert "added contact maria-lopez-2" in result.out
    assert result.out.count("maria-lopez is already a contact") == 2


def test_a_referral_with_a_broken_contact_file_changes_nothing(tmp_path: Path) -> None:
    ws = copy_workspace(tmp_path / "ws")
    (ws / "profiles" / "contacts" / "maria-lopez.yaml").write_text("name: [x\n")
    before = contact_files(ws)
    result = run(ws, "log", "jim-park", "--event", "call", "--referral", "Maria Lopez")
    assert result.code == 1
    assert "maria-lopez.yaml:1: YAML syntax error" in errors(result.err)[0]
    assert contact_files(ws) == before


def test_two_non_latin_referrals_are_two_people(tmp_path: Path) -> None:
    ws = copy_workspace(tmp_path / "ws")
    before = contact_files(ws)
    result = run(ws, "log", "jim-park", "--event", "call", "--referral", "陈思远, 规划局",
                 "--referral", "陈思媛, 规划局", "--referral", "Иван Петров")
    assert result.code == 0, result.err
    assert new_files(ws, before) == ["chen-si-yuan-2.yaml", "chen-si-yuan.yaml",
                                     "ivan-petrov.yaml"]
    assert result.out.count("added contact") == 3


def test_a_thank_you_does_not_take_a_namesake_for_the_referral(tmp_path: Path) -> None:
    """Jim Park of the City has been written to; Jim Park of Riverside Bank, suggested at
    a meeting, has not: the letter must not say he has."""
    from datetime import date

    from outreach.compose.contexts import referral_sentence
    from outreach.workspace.models import HistoryEntry, Referral

    ws = copy_workspace(tmp_path / "ws")
    workspace = Workspace(ws)
    meeting = HistoryEntry(date=date(2026, 11, 17), event="meeting", referrals=[
        Referral(name="Jim Park", organization="Riverside Bank")])
    text = referral_sentence(workspace, meeting, date(2026, 11, 21), familiar=False)
    assert "I will be in touch this week" in text and "already written" not in text
    same = HistoryEntry(date=date(2026, 11, 17), event="meeting", referrals=[
        Referral(name="Jim Park", organization="City of Springfield")])
    said = referral_sentence(workspace, same, date(2026, 11, 21), familiar=False)
    assert "to whom I have already written" in said


def test_two_imports_at_once_add_a_person_once(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """An address book and a LinkedIn export imported at the same moment, each holding
    the same person under another spelling of the name (the e-mail says who it is): the
    second import reads the contacts only once the first has written its own, so she is
    added once and the other import says she is already a contact."""
    import threading

    from outreach.channels import importing

    ws = copy_workspace(tmp_path / "ws")
    before = contact_files(ws)
    both_read = threading.Barrier(2)
    real_of = importing.People.of

    def read_then_wait(workspace: Workspace, **kwargs: bool) -> importing.People:
        index = real_of(workspace, **kwargs)
        with contextlib.suppress(threading.BrokenBarrierError):
            both_read.wait(timeout=1.5)  # both read the contacts before either writes
        return index

    monkeypatch.setattr(importing.People, "of", read_then_wait)
    spellings = ["Chen Siyuan", "Siyuan Chen"]
    results: dict[str, importing.Imported] = {}

    def one_import(name: str) -> None:
        person = importing.Person(where="line 4", name=name, organization="Tsinghua Unigroup",
                                  email="S.Chen@example.org")
        results[name] = importing.import_people(Workspace(ws), [person], "acquaintance",
                                                source=name)

    threads = [threading.Thread(target=one_import, args=(n,)) for n in spellings]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(new_files(ws, before)) == 1
    assert sorted(len(r.added) for r in results.values()) == [0, 1]
    second = next(r for r in results.values() if not r.added)
    assert "is already a contact (the same e-mail address as" in second.existing[0]
