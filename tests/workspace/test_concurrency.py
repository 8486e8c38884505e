"""Several outreach commands at once: nothing the user was told was logged is lost, no
referral is made twice, and two batches never sweep away each other's files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import EVERYONE, REPO, copy_workspace, run
from outreach.workspace.loading import load
from outreach.workspace.models import Contact
from outreach.workspace.output import MANIFEST, STALE_SECONDS, sweep, temp_prefix

ENV = {**os.environ, "PYTHONPATH": str(REPO)}


def start(ws: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "outreach", *args], cwd=ws, env=ENV,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def finish(processes: list[subprocess.Popen[str]]) -> list[tuple[int, str, str]]:
    results = []
    for process in processes:
        out, err = process.communicate(timeout=300)
        results.append((process.returncode, out, err))
    return results


def history(ws: Path, cid: str) -> list[tuple[str, tuple[str, ...]]]:
    contact, _ = load(Contact, ws / "profiles" / "contacts" / f"{cid}.yaml")
    return [(e.event, tuple(e.points)) for e in contact.history]


@pytest.mark.parametrize("cid", ["jim-park", "maria-lopez"])
def test_eight_logs_at_once_keep_all_eight_entries(tmp_path: Path, cid: str) -> None:
    ws = copy_workspace(tmp_path)
    before = history(ws, cid)
    results = finish([start(ws, "log", cid, "--event", "call", "--date", "2026-11-20",
                            "--point", f"point number {n}") for n in range(8)])
    for code, out, err in results:
        assert code == 0, err
        assert out.startswith((f"logged call on 2026-11-20 in profiles/contacts/{cid}.yaml",
                               f"added to the call of 2026-11-20 in profiles/contacts/{cid}"))
    after = history(ws, cid)
    assert after[: len(before)] == before
    # one call that day, holding every point each command added (none lost, none twice)
    assert len(after) == len(before) + 1 and after[-1][0] == "call"
    assert sorted(after[-1][1]) == [f"point number {n}" for n in range(8)]
    assert not [p for p in (ws / "profiles" / "contacts").iterdir() if p.name.startswith(".")]


def test_the_same_referral_logged_at_once_makes_one_contact(tmp_path: Path) -> None:
    ws = copy_workspace(tmp_path)
    contacts = ws / "profiles" / "contacts"
    names = {p.name for p in contacts.glob("*.yaml")}
    results = finish([start(ws, "log", cid, "--event", "meeting", "--date", "2026-11-20",
                            "--referral", "Ana Ruíz, County GIS")
                      for cid in ["jim-park", "maria-lopez", "priya-raman"] * 2])
    assert all(code == 0 for code, _, _ in results), [err for _, _, err in results]
    added = {p.name for p in contacts.glob("*.yaml")} - names
    assert added == {"ana-ruiz.yaml"}
    assert sum("added contact ana-ruiz" in out for _, out, _ in results) == 1
    assert sum("ana-ruiz is already a contact" in out for _, out, _ in results) == 5
    assert history(ws, "jim-park")[-2:] == [("letter-sent", ()), ("meeting", ())]  # one


def test_mark_sent_and_logs_at_once_keep_every_entry(tmp_path: Path) -> None:
    ws = copy_workspace(tmp_path)
    before = history(ws, "priya-raman")
    processes = [start(ws, "thank-you", "priya-raman", "--mark-sent", "--format", "docx",
                       "--date", "2026-11-20")]
    processes += [start(ws, "log", "priya-raman", "--event", "call", "--date", "2026-11-20",
                        "--point", f"p{n}") for n in range(4)]
    results = finish(processes)
    assert all(code == 0 for code, _, _ in results), [err for _, _, err in results]
    added = history(ws, "priya-raman")[len(before):]
    assert sorted(event for event, _ in added) == ["call", "thank-you-sent"]
    assert sorted(next(points for event, points in added if event == "call")) == [
        f"p{n}" for n in range(4)]


def test_two_batches_at_once_both_finish(tmp_path: Path) -> None:
    ws = copy_workspace(tmp_path)
    for pair in range(2):
        results = finish([start(ws, "letter", *EVERYONE, "--force", "--format", "pdf",
                                "--date", "2026-11-21") for _ in range(2)])
        for code, out, err in results:
            assert code == 0, f"pair {pair}: {err}"
            assert "Traceback" not in err and out.count("approach-letter.pdf") == 6
    manifest = ws / "output" / MANIFEST
    assert not [p for p in (ws / "output").rglob(".*") if p.is_file() and p != manifest]
    assert len(json.loads(manifest.read_text())["files"]) == 6  # each recorded, once


# -- which temporary files are swept ------------------------------------------------------


def dead_pid() -> int:
    process = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                             capture_output=True, text=True, check=True)
    return int(process.stdout)


def leftover(folder: Path, target: str, pid: int, age: float = 0, tag: str = "k2x9_q1z") -> Path:
    path = folder / f".{target}.{pid}.{tag}.tmp"
    path.write_bytes(b"half a file")
    if age:
        os.utime(path, (time.time() - age, time.time() - age))
    return path


def test_sweep_keeps_a_live_writers_file_and_removes_a_dead_ones(tmp_path: Path) -> None:
    live = leftover(tmp_path, "approach-letter.pdf", os.getppid())
    mine = leftover(tmp_path, "approach-letter.pdf", os.getpid())
    dead = leftover(tmp_path, "approach-letter.pdf", dead_pid())
    old = leftover(tmp_path, "approach-letter.pdf", os.getppid(), age=STALE_SECONDS + 60,
                   tag="old")
    legacy = tmp_path / ".approach-letter.pdf.abcdefgh.tmp"  # no process id in its name
    legacy.write_bytes(b"")
    other = leftover(tmp_path, "thank-you.pdf", dead_pid())
    sweep(tmp_path, "approach-letter.pdf")
    assert live.exists() and mine.exists() and legacy.exists() and other.exists()
    assert not dead.exists() and not old.exists()


def test_temporary_names_carry_the_process_id(tmp_path: Path) -> None:
    assert temp_prefix(tmp_path / "x.pdf") == f".x.pdf.{os.getpid()}."


def test_a_killed_logs_leftover_is_ignored_then_swept(tmp_path: Path) -> None:
    ws = copy_workspace(tmp_path)
    contacts = ws / "profiles" / "contacts"
    stray = leftover(contacts, "jim-park.yaml", dead_pid())
    stray.write_text("name: Half\nrelationship: friend\n", encoding="utf-8")
    listed = run(ws, "contacts")
    assert listed.code == 0 and "Half" not in listed.out and ".jim-park" not in listed.out
    logged = run(ws, "log", "jim-park", "--event", "call", "--date", "2026-11-20")
    assert logged.code == 0, logged.err
    assert not stray.exists()
