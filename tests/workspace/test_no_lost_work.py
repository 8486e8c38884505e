"""No lost work: a batch killed half-way leaves only complete files, and running it
again finishes the rest."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import EVERYONE, REPO, copy_workspace, pdf_pages

COUNT = 40


def many_contacts(ws: Path) -> None:
    template = (ws / "profiles" / "contacts" / "maria-lopez.yaml").read_text(encoding="utf-8")
    for n in range(COUNT):
        (ws / "profiles" / "contacts" / f"friend-{n:02d}.yaml").write_text(
            template.replace("Maria Lopez", f"Maria Lopez {n:02d}"), encoding="utf-8")


def finished(ws: Path) -> list[Path]:
    return sorted(p for p in (ws / "output").rglob("approach-letter.pdf"))


def leftovers(ws: Path) -> list[Path]:
    from outreach.workspace.output import MANIFEST

    return sorted(p for p in (ws / "output").rglob(".*") if p.is_file() and p.name != MANIFEST)


def complete(pdf: Path) -> bool:
    check = subprocess.run(["qpdf", "--check", str(pdf)], capture_output=True, text=True)
    return check.returncode == 0 and pdf_pages(pdf) == 1


def start(ws: Path) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "outreach", "letter", *EVERYONE,
                             "--format", "pdf", "--date", "2026-11-21"], cwd=ws,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONPATH": str(REPO),
                                 "PYTHONFAULTHANDLER": "1"})


def kill_after_first_pass(ws: Path, how: signal.Signals) -> None:
    process = start(ws)
    deadline = time.monotonic() + 120
    while not (ws / "output").exists() or not finished(ws):
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline
        time.sleep(0.01)
    process.send_signal(how)
    try:
        process.communicate(timeout=60)
    except subprocess.TimeoutExpired:  # say where it hangs: every thread's stack
        process.send_signal(signal.SIGABRT)
        pytest.fail(f"{how.name} did not stop the batch in 60 s:\n{process.communicate()[1]}")


@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGTERM])
def test_killed_batch_leaves_complete_files_and_a_rerun_finishes(tmp_path: Path,
                                                                 how: signal.Signals) -> None:
    ws = copy_workspace(tmp_path)
    many_contacts(ws)
    total = len(list((ws / "profiles" / "contacts").glob("*.yaml")))
    kill_after_first_pass(ws, how)
    done = finished(ws)
    assert 0 < len(done) < total  # killed half-way
    assert all(complete(p) for p in done)
    if how == signal.SIGTERM:  # cleanup ran: not even a temporary file is left
        assert leftovers(ws) == []
    again = subprocess.run([sys.executable, "-m", "outreach", "letter", *EVERYONE, "--format",
                            "pdf", "--date", "2026-11-21"], cwd=ws, capture_output=True,
                           text=True, env={**os.environ, "PYTHONPATH": str(REPO)})
    assert again.returncode == 0, again.stderr
    # the files written before the kill are outreach's own, recorded as they went in
    assert again.stdout.count("unchanged") == len(done) and "kept" not in again.stdout
    assert again.stdout.count("written") == total - len(done)
    everything = finished(ws)
    assert len(everything) == total and all(complete(p) for p in everything)
    assert leftovers(ws) == []  # what a killed run left behind is swept


@pytest.mark.parametrize("at", [1, 2, 3])
def test_a_stop_between_making_a_temporary_file_and_keeping_its_name_leaves_none(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, at: int) -> None:
    """SIGTERM and Ctrl-C stop a batch wherever it is: even just after a temporary file
    was made and before its name was kept, nothing but the user's files is left."""
    from outreach.workspace import output

    real, calls = os.fchmod, list[int]()

    def stopped(fd: int, mode: int) -> None:
        real(fd, mode)
        calls.append(fd)
        if len(calls) == at:
            raise KeyboardInterrupt

    monkeypatch.setattr(output.os, "fchmod", stopped)
    (tmp_path / "kept.pdf").write_bytes(b"the user's")
    planned = [output.Planned(tmp_path / name, b"new") for name in
               ("kept.pdf", "a.pdf", "b.docx")]
    with pytest.raises(KeyboardInterrupt):
        output.write_all(planned, force=True, dry_run=False, within=[tmp_path])
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != output.MANIFEST) == [
        "kept.pdf"]
    assert (tmp_path / "kept.pdf").read_bytes() == b"the user's"
    # the manifest, if written yet, is whole and still owns the user's file as it is
    assert output.why_kept(tmp_path / "kept.pdf", force=False, within=[tmp_path]) in (
        None, output.FOREIGN)
    calls[:] = [0] * (at - 1)  # one file: stopped at its own temporary file
    with pytest.raises(KeyboardInterrupt):
        output.atomic_write(tmp_path / "kept.pdf", b"new", within=[tmp_path])
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != output.MANIFEST) == [
        "kept.pdf"]


def test_passes_are_synced_by_the_same_threads_and_a_failed_sync_says_which_file(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The threads that sync a pass's files are kept for the next pass (making them for
    each pass cost a third of writing it), and a sync that fails still names its file and
    leaves nothing behind."""
    import threading

    from outreach.errors import OutputError
    from outreach.workspace import output

    def syncing() -> set[threading.Thread]:  # the threads themselves: no ident reused
        return {t for t in threading.enumerate() if t.name.startswith("outreach-sync")}

    made: set[threading.Thread] = set()
    for n in range(4):
        planned = [output.Planned(tmp_path / f"pass-{n}" / f"{i}.pdf", b"pages")
                   for i in range(output.SYNC_THREADS)]
        output.write_all(planned, force=False, dry_run=False, within=[tmp_path])
        made |= syncing()
    assert 0 < len(made) <= output.SYNC_THREADS  # 16 new threads a pass made 64

    def failing(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(output.os, "fsync", failing)
    with pytest.raises(OutputError,
                       match=r"cannot write .*(\.tmp|\.outreach-written\.json): No space "):
        output.write_all([output.Planned(tmp_path / "full.pdf", b"pages")], force=False,
                         dry_run=False, within=[tmp_path])
    assert not (tmp_path / "full.pdf").exists() and not list(tmp_path.glob(".full*"))


STOPPED_COMMAND = r"""
import os, sys, threading, time
import click
from outreach.cli import main
from outreach.cli import stopping
from outreach.cli.base import cli

stopping.GRACE = float(sys.argv[2])

@cli.command("stop-me")
@click.argument("how")
def stop_me(how):
    try:
        if how == "orphan":  # a thread its pool will never tell to stop, as when the
            # signal comes while the pool is starting it; Python waits for it at exit
            threading.Thread(target=threading.Event().wait).start()
        print("ready", flush=True)
        time.sleep(60)
    finally:
        print("cleaned up", flush=True)
        if how == "hung-cleanup":
            threading.Event().wait()

sys.argv = ["outreach", "stop-me", sys.argv[1]]
main()
"""


@pytest.mark.parametrize(("how", "grace", "stops"), [
    ("orphan", 30.0, signal.SIGTERM), ("orphan", 30.0, signal.SIGINT),
    ("hung-cleanup", 1.0, signal.SIGTERM)])
def test_a_stopped_command_ends_once_cleaned_up_even_if_a_thread_or_its_cleanup_would_hang(
        tmp_path: Path, how: str, grace: float, stops: signal.Signals) -> None:
    """SIGTERM or Ctrl-C: the command's cleanup runs, then the process ends, whatever
    threads are left (none is waited for), and a cleanup that hangs is cut short after
    the grace period: the stop never turns into a hang (cli/stopping.py)."""
    script = tmp_path / "stopped.py"
    script.write_text(STOPPED_COMMAND, encoding="utf-8")
    process = subprocess.Popen([sys.executable, str(script), how, str(grace)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env={**os.environ, "PYTHONPATH": str(REPO)})
    assert process.stdout is not None
    assert process.stdout.readline() == "ready\n"
    process.send_signal(stops)
    out, err = process.communicate(timeout=25)  # a hang: the thread is never joined
    assert out == "cleaned up\n"
    assert process.returncode == (1 if stops == signal.SIGINT else 128 + stops), err
    if stops == signal.SIGINT:
        assert "Aborted!" in err  # Click's own word for Ctrl-C, as before
