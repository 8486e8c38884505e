"""One policy for paths and links, and messages that name the real problem: a link is
followed only to a file inside the workspace (or the --output folder) and written
through, never replaced; a profile is a NAME; every command says when a folder is not
a workspace; a damaged PDF read back prints nothing stray; typed text is bounded."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import EVERYONE, copy_workspace, run, snapshot
from outreach.workspace.loading import load
from outreach.workspace.models import Contact

COMMANDS = [
    ["letter", *EVERYONE], ["script", "jim-park"], ["questions", *EVERYONE],
    ["thank-you", "priya-raman"], ["thank-you", "--since", "7d"],
    ["log", "jim-park", "--event", "call"], ["due"], ["contacts"],
]


def one_error(result_err: str) -> str:
    assert "Traceback" not in result_err
    errors = [line for line in result_err.splitlines() if line.startswith("Error: ")]
    assert len(errors) == 1, result_err
    return errors[0]


@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: a[0])
def test_every_command_says_the_folder_is_not_a_workspace(tmp_path: Path,
                                                          args: list[str]) -> None:
    for folder in (tmp_path / "nonexistent", tmp_path):
        result = run(folder, *args)
        assert result.code == 1
        error = one_error(result.err)
        assert "is not an outreach workspace" in error
        assert ("no such folder" if folder != tmp_path else "no profiles/ folder") in error
    assert list(tmp_path.iterdir()) == []


def test_a_contact_linked_inside_the_workspace_is_written_through(tmp_path: Path) -> None:
    ws = copy_workspace(tmp_path)
    shared = ws / "kept-elsewhere"
    shared.mkdir()
    link = ws / "profiles" / "contacts" / "maria-lopez.yaml"
    link.rename(shared / "maria.yaml")
    link.symlink_to("../../kept-elsewhere/maria.yaml")
    result = run(ws, "log", "maria-lopez", "--event", "call", "--date", "2026-11-20",
                 "--point", "Ask about internships")
    assert result.code == 0, result.err
    assert link.is_symlink() and link.readlink() == Path("../../kept-elsewhere/maria.yaml")
    contact, _ = load(Contact, shared / "maria.yaml")
    assert contact.history[-1].points == ["Ask about internships"]
    assert not [p for p in (ws / "profiles" / "contacts").iterdir() if p.name.startswith(".")]


def test_an_output_folder_linked_inside_the_workspace_is_written_through(
        tmp_path: Path) -> None:
    ws = copy_workspace(tmp_path)
    (ws / "letters").mkdir()
    (ws / "output").mkdir()
    (ws / "output" / "jim-park").symlink_to("../letters")
    result = run(ws, "letter", "jim-park", "--format", "pdf", "--date", "2026-11-21")
    assert result.code == 0, result.err
    assert (ws / "letters" / "approach-letter.pdf").read_bytes().startswith(b"%PDF-")
    assert (ws / "output" / "jim-park").is_symlink()


def test_a_contact_linked_outside_is_neither_read_nor_replaced(tmp_path: Path) -> None:
    ws = copy_workspace(tmp_path / "ws")
    outside = tmp_path / "other" / "zed.yaml"
    outside.parent.mkdir()
    outside.write_text("name: Zed Zee\nrelationship: friend\n", encoding="utf-8")
    link = ws / "profiles" / "contacts" / "zed.yaml"
    link.symlink_to(outside)
    for args in (["log", "zed", "--event", "call"], ["letter", *EVERYONE], ["contacts"],
                 ["due"], ["letter", "zed"]):
        result = run(ws, *args)
        assert result.code == 1
        assert f"is a link to {outside}, outside the workspace" in one_error(result.err)
    assert link.is_symlink()
    assert outside.read_text(encoding="utf-8") == "name: Zed Zee\nrelationship: friend\n"
    assert not (ws / "output").exists()


@pytest.mark.parametrize("name", ["../../other/candidate", "/etc/passwd", "sub/candidate",
                                  "..", "candidate.yaml/..", "-", ".hidden", "a\\b"])
@pytest.mark.parametrize("args", [["letter", *EVERYONE], ["contacts"], ["due"]],
                         ids=lambda a: a[0])
def test_a_profile_is_a_name_never_a_path(tmp_path: Path, name: str,
                                          args: list[str]) -> None:
    ws = copy_workspace(tmp_path)
    before = snapshot(ws)
    result = run(ws, "--profile", name, *args)
    assert result.code != 0
    assert "--profile takes the NAME of a file profiles/NAME.yaml" in one_error(result.err)
    assert snapshot(ws) == before


def test_a_second_profile_by_name_still_works(tmp_path: Path) -> None:
    ws = copy_workspace(tmp_path)
    profile = (ws / "profiles" / "candidate.yaml").read_text(encoding="utf-8")
    (ws / "profiles" / "lee.yaml").write_text(profile.replace("Dana Kehr", "Lee Ng"),
                                              encoding="utf-8")
    result = run(ws, "--profile", "lee", "letter", "maria-lopez", "--format", "docx",
                 "--date", "2026-11-21")
    assert result.code == 0, result.err


def test_a_damaged_kept_pdf_prints_no_stray_line(tmp_path: Path) -> None:
    ws = copy_workspace(tmp_path)
    pdf = ws / "output" / "priya-raman" / "thank-you.pdf"
    pdf.parent.mkdir(parents=True)
    pdf.write_bytes(b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\n")  # cut short
    result = run(ws, "thank-you", "priya-raman", "--format", "pdf", "--date", "2026-11-21")
    assert result.code == 1
    assert "was written for another conversation" in one_error(result.err)
    assert result.err.strip().count("\n") == 0, result.err  # nothing but the Error line
    assert "EOF" not in result.err + result.out


@pytest.mark.parametrize("option", ["--point", "--referral"])
def test_a_hundred_kilobyte_point_names_the_option(ws: Path, option: str) -> None:
    before = snapshot(ws)
    text = "Ana Ruiz, " + "County GIS " * 9300
    result = run(ws, "log", "jim-park", "--event", "meeting", "--date", "2026-11-20",
                 option, text)
    assert result.code != 0
    error = one_error(result.err)
    assert f"Error: {option} 'Ana Ruiz, County GIS" in error
    assert f"is {len(text)} characters long" in error and "pages" not in error
    assert snapshot(ws) == before


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-32"])
def test_a_file_saved_as_utf16_or_32_says_so(ws: Path, encoding: str) -> None:
    path = ws / "profiles" / "contacts" / "zed.yaml"
    path.write_bytes("name: Zoë\nrelationship: friend\n".encode(encoding))
    result = run(ws, "contacts")
    wide = "UTF-32" if encoding == "utf-32" else "UTF-16"
    assert result.code == 1
    assert one_error(result.err).endswith(
        f"profiles/contacts/zed.yaml: is saved as {wide} text; save it as UTF-8 (in your "
        "editor's Save As, choose the encoding UTF-8)")


@pytest.mark.parametrize("name", ["王芳", "Ωmega", "José", "O'Neil-Smith", "עדי כהן",
                                  "عمر", "\u200fעדי\u200f", "Ł. K."])  # noqa: RUF001
def test_real_names_in_any_script_are_accepted(ws: Path, name: str) -> None:
    (ws / "profiles" / "contacts" / "zed.yaml").write_text(
        f'name: "{name}"\nrelationship: friend\nsalutation: "{name}"\n', encoding="utf-8")
    result = run(ws, "contacts")
    assert result.code == 0, result.err
    assert name.strip("\u200f") in result.out
