"""The threads that sync a batch's files are a help, never a condition: when the system
refuses a thread (a memory limit, a limit on processes), the files are synced with the
threads there are, or none, and every file is written."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import REPO
from outreach.workspace import output
from outreach.workspace.output import Planned, write_all


def _batch(folder: Path, n: int, tag: str) -> list[Planned]:
    return [Planned(folder / f"Ωμέγα-{i:03d}" / "carta de presentación.pdf",
                    f"%PDF-1.7 {tag} {i}\n".encode() * (i + 1)) for i in range(n)]


@pytest.fixture
def fresh_pool() -> Iterator[None]:
    """A process that has not made its sync threads yet."""
    output._syncing.cache_clear()
    yield
    output._syncing().shutdown()
    output._syncing.cache_clear()


@pytest.mark.parametrize("threads", [0, 1, 3])
@pytest.mark.usefixtures("fresh_pool")
def test_a_batch_is_written_when_threads_cannot_be_started(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, threads: int) -> None:
    started: list[threading.Thread] = []
    real = threading.Thread.start

    refused: list[str] = []

    def start(self: threading.Thread) -> None:
        if self.name.startswith("outreach-sync") and len(started) >= threads:
            refused.append(self.name)
            raise RuntimeError("can't start new thread")
        started.append(self)
        real(self)

    monkeypatch.setattr(threading.Thread, "start", start)
    for tag, force in (("first", False), ("second", True), ("third", True)):
        planned = _batch(tmp_path, 40, tag)
        outcomes = write_all(planned, force=force, dry_run=False, within=[tmp_path])
        assert [o.action for o in outcomes] == ["overwritten" if force else "written"] * 40
        assert all(p.path.read_bytes() == p.data for p in planned)
        assert not list(tmp_path.rglob("*.tmp"))
    assert len(started) == threads and refused


def test_a_batch_under_a_memory_limit_is_written(tmp_path: Path) -> None:
    """The case as it was met: a memory limit (``ulimit -v``) leaves room for only a few
    threads' stacks; the batch is written all the same."""
    script = f"""
import resource, sys, threading
from pathlib import Path
sys.path.insert(0, {str(REPO / "tests")!r})
from workspace.test_sync_threads import _batch
from outreach.workspace import output
size = int(next(l for l in open("/proc/self/status") if l.startswith("VmSize")).split()[1])
room = (size + 20 * 1024) * 1024  # 20 MB more: two or three stacks of 8 MB
resource.setrlimit(resource.RLIMIT_AS, (room, room))
refused = []
real = threading.Thread.start
def start(self):
    try:
        real(self)
    except RuntimeError:
        refused.append(self.name)
        raise
threading.Thread.start = start
planned = _batch(Path(sys.argv[1]), 60, "limited")
output.write_all(planned, force=False, dry_run=False, within=[Path(sys.argv[1])])
assert all(p.path.read_bytes() == p.data for p in planned)
print("threads refused:", len(refused))
"""
    done = subprocess.run([sys.executable, "-c", script, str(tmp_path)], capture_output=True,
                          text=True, timeout=120, env={**os.environ, "PYTHONPATH": str(REPO)})
    assert done.returncode == 0, done.stderr
    assert int(done.stdout.split(":")[1]) > 0  # the limit was met, and the batch written
    assert len(list(tmp_path.rglob("*.pdf"))) == 60
