"""What --enclose is given is looked at before it is read: a huge file is refused from
its size, one that is not of its kind from its first bytes, and a FIFO or a device is
named for what it is, never opened."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import REPO, run
from outreach.compose import enclosures
from outreach.workspace.folder import Workspace

#: Memory enough for outreach to start and check its options, far too little to hold
#: the huge enclosure (it would end in a MemoryError, or take minutes).
LIMIT = 1536 * 1024 * 1024


@pytest.fixture(autouse=True)
def inside(ws: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Commands run from the workspace, as a user types them."""
    monkeypatch.chdir(ws)


def _outreach(ws: Path, *args: str) -> subprocess.CompletedProcess[str]:
    def limited() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (LIMIT, LIMIT))

    return subprocess.run([sys.executable, "-m", "outreach", "letter", "jim-park",
                           "--format", "pdf", *args], cwd=ws, capture_output=True,
                          text=True, timeout=120, preexec_fn=limited,
                          env={**os.environ, "PYTHONPATH": str(REPO)})


def test_a_huge_file_named_pdf_is_refused_from_its_size(ws: Path) -> None:
    huge = ws / "Portfólio 2026.pdf"
    with huge.open("wb") as handle:
        handle.write(b"%PDF-1.7\n")
    os.truncate(huge, 4 * 1024 ** 3)  # sparse: 4 GB that take no room on disk
    done = _outreach(ws, "--enclose", huge.name)
    assert done.returncode == 1, done.stderr
    assert done.stderr == (f"Error: cannot enclose {huge.name}: it is 4,096 MB, and an "
                           f"enclosure may be at most {enclosures.MAX_MB} MB (it travels "
                           "inside the letter, and mail servers refuse larger messages); "
                           "enclose a smaller export of it\n")
    assert not (ws / "output").exists()


def test_a_file_just_over_the_limit_is_refused_and_one_under_it_is_not_read_whole(
        ws: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    over = ws / "scan.docx"
    with over.open("wb") as handle:
        handle.write(b"PK\x03\x04")
    os.truncate(over, enclosures.MAX_MB * 1024 * 1024 + 1)
    result = run(ws, "letter", "jim-park", "--enclose", "scan.docx")
    assert result.code == 1 and f"at most {enclosures.MAX_MB} MB" in result.err
    monkeypatch.setattr(enclosures, "MAX_MB", 1)
    os.truncate(over, 1024 * 1024)  # the limit exactly: not refused for its size
    result = run(ws, "letter", "jim-park", "--enclose", "scan.docx")
    assert result.code == 1 and "not a Word document that can be read" in result.err


@pytest.mark.parametrize(("name", "start", "kind"), [
    ("article.pdf", b"PK\x03\x04 a zip, not a PDF", "PDF"),
    ("programme.pdf", b"<html><body>" + b" " * 1100 + b"%PDF-1.4 past the first kB", "PDF"),
    ("notes.docx", b"%PDF-1.4 a PDF named .docx", "Word document (DOCX)"),
    ("empty.pdf", b"", "PDF"),
])
def test_a_file_not_of_its_kind_is_refused_from_its_first_bytes(
        ws: Path, name: str, start: bytes, kind: str) -> None:
    (ws / name).write_bytes(start + b"\0" * 5000)
    result = run(ws, "letter", "jim-park", "--enclose", name)
    assert result.code == 1
    assert result.err == (f"Error: cannot enclose {name}: it is not a {kind}, whatever its "
                          "name (it does not begin as one does)\n")


def test_a_pdf_header_after_a_little_junk_is_accepted(ws: Path) -> None:
    """Readers accept up to a kilobyte before ``%PDF-`` (a mail gateway's stamp): so does
    outreach, and pypdf reads it."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    path = ws / "programme.pdf"
    with path.open("wb") as handle:
        handle.write(b"X-Scanned-By: gateway\r\n")
        writer.write(handle)
    assert enclosures.read(path) == path.read_bytes()


def test_a_fifo_is_named_for_what_it_is_and_never_opened(ws: Path) -> None:
    os.mkfifo(ws / "article.pdf")  # opened, it would wait for a writer for ever
    done = _outreach(ws, "--enclose", "article.pdf")
    assert done.returncode == 1
    assert done.stderr == ("Error: cannot enclose article.pdf: it is a FIFO (a named pipe), "
                           "not a file\n")


@pytest.mark.parametrize(("device", "what"), [("/dev/zero", "a character device"),
                                               ("/dev/null", "a character device")])
def test_a_device_is_named_for_what_it_is(ws: Path, device: str, what: str) -> None:
    link = ws / "cv-export.pdf"
    link.symlink_to(device)
    for given in (device, link.name):
        result = run(ws, "letter", "jim-park", "--enclose", given)
        assert result.code == 1
        shown = os.path.relpath(device) if given == device else given
        assert result.err == f"Error: cannot enclose {shown}: it is {what}, not a file\n"


def test_a_missing_file_is_still_no_such_file(ws: Path) -> None:
    (ws / "gone.pdf").symlink_to(ws / "nowhere.pdf")
    for name in ("absent.pdf", "gone.pdf"):
        result = run(ws, "letter", "jim-park", "--enclose", name)
        assert result.err == f"Error: cannot enclose {name}: no such file\n"


@pytest.mark.parametrize(("make", "what"), [
    (lambda p: os.mkfifo(p), "is a FIFO (a named pipe), not a file"),
    (lambda p: p.mkdir(), "is a folder, not a file"),
    (lambda p: None, "no such file")])
def test_a_resume_that_is_no_file_is_named_for_what_it_is(
        ws: Path, make: Callable[[Path], None], what: str) -> None:
    """The profile's ``resume:`` naming a FIFO (opened, it would wait for ever), a folder
    or nothing: one error on the profile's line, saying what stands there."""
    profile = ws / "profiles" / "candidate.yaml"
    resume = Workspace(ws).profile().resume_path
    assert resume == ws.resolve() / "profiles" / "resume.pdf"
    resume.unlink()
    make(resume)
    result = run(ws, "letter", "jim-park")
    assert result.code == 1
    line = 1 + profile.read_text(encoding="utf-8").splitlines().index("resume: resume.pdf")
    assert f"candidate.yaml:{line}: resume:" in result.err and what in result.err, result.err
