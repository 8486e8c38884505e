"""Regeneration without fear: outreach records what it wrote (output/.outreach-written.json,
each file's SHA-256); its own files are written again when what they hold changes, a file
changed by hand (or not written by outreach) is kept and named until --force."""

from __future__ import annotations

import hashlib
import json
import threading
from pathlib import Path

import pytest

from conftest import pdf_text, run
from outreach.workspace import output
from outreach.workspace.output import MANIFEST, Planned, write_all

LETTER = Path("output") / "jim-park" / "approach-letter.pdf"


def actions(out: str) -> list[str]:
    """What each line of a writing command's output says was done (its first word)."""
    return [line.split()[0] for line in out.splitlines() if line.strip()]


def test_a_letter_follows_its_inputs_until_edited_by_hand(ws: Path) -> None:
    first = run(ws, "letter", "jim-park", "--format", "pdf", "--date", "2026-11-21")
    assert first.code == 0 and "written" in first.out
    recorded = json.loads((ws / "output" / MANIFEST).read_text())["files"]
    assert set(recorded) == {"jim-park/approach-letter.pdf"}
    assert recorded["jim-park/approach-letter.pdf"] == hashlib.sha256(
        (ws / LETTER).read_bytes()).hexdigest()

    again = run(ws, "letter", "jim-park", "--format", "pdf", "--date", "2027-01-05")
    assert again.code == 0 and actions(again.out) == ["overwritten"]
    assert "January 5, 2027" in pdf_text(ws / LETTER)

    (ws / LETTER).write_bytes((ws / LETTER).read_bytes() + b"\n% edited by hand\n")
    edited = (ws / LETTER).read_bytes()
    refused = run(ws, "letter", "jim-park", "--format", "pdf", "--date", "2027-02-01")
    assert refused.code == 0
    assert actions(refused.out) == ["kept"]
    assert refused.out.rstrip().endswith(
        "/output/jim-park/approach-letter.pdf: changed since outreach wrote it; --force "
        "overwrites it")
    assert (ws / LETTER).read_bytes() == edited

    forced = run(ws, "letter", "jim-park", "--format", "pdf", "--date", "2027-02-01",
                 "--force")
    assert actions(forced.out) == ["overwritten"] and "February 1, 2027" in pdf_text(ws / LETTER)
    after = run(ws, "letter", "jim-park", "--format", "pdf", "--date", "2027-03-01")
    assert actions(after.out) == ["overwritten"]  # outreach's own again


def test_a_file_outreach_did_not_write_is_kept_and_named(ws: Path) -> None:
    (ws / LETTER).parent.mkdir(parents=True)
    (ws / LETTER).write_bytes(b"%PDF- someone else's")
    result = run(ws, "letter", "jim-park", "--format", "pdf", "--date", "2026-11-21")
    assert "approach-letter.pdf: not written by outreach; --force overwrites it" in result.out
    assert (ws / LETTER).read_bytes() == b"%PDF- someone else's"


def test_an_unchanged_docx_is_left_as_it_is(ws: Path) -> None:
    """A DOCX records when it was made: written again from the same inputs, only those
    stamps would differ, so it is left alone."""
    assert run(ws, "letter", "jim-park", "--date", "2026-11-21").code == 0
    docx = ws / "output" / "jim-park" / "approach-letter.docx"
    before = docx.stat().st_mtime_ns, docx.read_bytes()
    again = run(ws, "letter", "jim-park", "--date", "2026-11-21")
    assert actions(again.out) == ["unchanged", "unchanged"]
    assert (docx.stat().st_mtime_ns, docx.read_bytes()) == before


def test_dry_run_checks_every_document_even_when_outputs_exist(ws: Path) -> None:
    assert run(ws, "letter", "--all", "--format", "pdf", "--date", "2026-11-21").code == 0
    (ws / "templates").mkdir(exist_ok=True)
    (ws / "templates" / "approach-letter.md.j2").write_text("{{ contact.nosuchfield( }}\n")
    result = run(ws, "letter", "--all", "--format", "pdf", "--dry-run")
    assert result.code == 1 and "approach-letter.md.j2" in result.err


@pytest.mark.parametrize("how", ["print file", "calendar"])
def test_batches_and_calendars_follow_the_same_rule(ws: Path, how: str) -> None:
    if how == "calendar":
        path = ws / "output" / "due.ics"
        args = ["due", "--today", "2026-11-21", "--ics", str(path)]
    else:
        args = ["thank-you", "--since", "2026-11-14", "--date", "2026-11-21", "--format",
                "pdf"]
        path = ws / "output" / "batches" / "2026-11-21-thank-you.pdf"
    assert run(ws, *args).code in (0, 3) and path.exists()
    assert run(ws, *args).code in (0, 3)  # outreach's own: written again without --force
    path.write_bytes(path.read_bytes() + b"\n")
    refused = run(ws, *args)
    assert refused.code == 1
    assert f"{path.name}: changed since outreach wrote it" in refused.err or (
        f"{path.name} (changed since outreach wrote it)" in refused.err)
    assert run(ws, *args, "--force").code in (0, 3)


def test_side_by_side_writers_keep_every_entry(tmp_path: Path) -> None:
    """Commands writing into one output folder at once: every file is recorded."""
    def write(n: int) -> None:
        for i in range(10):
            write_all([Planned(tmp_path / f"c{n}" / f"{i}.txt", f"{n}-{i}".encode())],
                      force=False, dry_run=False, within=[tmp_path])

    threads = [threading.Thread(target=write, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    recorded = json.loads((tmp_path / MANIFEST).read_text())["files"]
    assert len(recorded) == 40 and all(isinstance(h, str) for h in recorded.values())
    assert all(output.why_kept(tmp_path / name, force=False, within=[tmp_path]) is None
               for name in recorded)


def test_a_damaged_manifest_keeps_everything(tmp_path: Path) -> None:
    """A manifest that cannot be read knows no file as outreach's own: all are kept."""
    write_all([Planned(tmp_path / "a.txt", b"one")], force=False, dry_run=False,
              within=[tmp_path])
    (tmp_path / MANIFEST).write_text("{not json")
    done = write_all([Planned(tmp_path / "a.txt", b"two")], force=False, dry_run=False,
                     within=[tmp_path])
    assert [(o.action, o.why) for o in done] == [("kept", output.FOREIGN)]
    assert (tmp_path / "a.txt").read_bytes() == b"one"
