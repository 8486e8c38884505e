"""How many processes lay out a batch (a fixed pool: the cores, the batch's size, or
``OUTREACH_WORKERS``), the fork server they come from, and how they end."""

from __future__ import annotations

import multiprocessing
import os
import re
import sys
import threading
import time
from pathlib import Path

import pytest

from conftest import EVERYONE
from outreach.render import workers

LINUX = os.path.exists("/proc/stat")
REPO = Path(__file__).resolve().parents[2]
SAMPLE = list((REPO / "profiles" / "contacts").glob("*.yaml"))


@pytest.fixture
def no_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OUTREACH_WORKERS", raising=False)
    monkeypatch.setattr(workers, "SERVER", workers.ForkServer())


@pytest.mark.usefixtures("no_setting")
@pytest.mark.parametrize(("cores", "documents", "expected"), [
    (2, 100, 2), (8, 100, 3), (8, 1000, 8), (2, 63, 1), (2, 64, 2), (2, 8, 1), (1, 100, 1),
    (64, 4096, 64), (2, 1, 1), (2, 0, 1)])
def test_the_pool_is_a_worker_for_each_share_of_the_batch_up_to_the_cores(
        cores: int, documents: int, expected: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """A fixed pool, from the cores this process may use and the batch's size alone (a
    second worker for a small batch costs more than it lays out)."""
    monkeypatch.setattr(workers, "cores", lambda: cores)
    assert workers.count(documents) == expected


@pytest.mark.parametrize(("setting", "expected"), [("1", 1), ("3", 3), (" 5 ", 5)])
def test_outreach_workers_sets_the_pool_whatever_the_cores_and_the_batch(
        setting: str, expected: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OUTREACH_WORKERS", setting)
    monkeypatch.setattr(workers, "cores", lambda: 2)
    assert workers.count(1) == workers.count(1000) == expected


@pytest.mark.parametrize("setting", ["0", "-2", "two", "1.5"])
def test_a_bad_outreach_workers_is_refused(setting: str,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    from outreach.errors import UsageError

    monkeypatch.setenv("OUTREACH_WORKERS", setting)
    with pytest.raises(UsageError, match=f"OUTREACH_WORKERS={re.escape(setting)}"):
        workers.count(100)


@pytest.mark.usefixtures("no_setting")
def test_even_one_letter_goes_to_a_worker_where_there_is_a_fork_server(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The fork server imports WeasyPrint while the command starts, so even one letter
    gains (measured); where each worker would be a new Python, a small batch stays in
    this process."""
    monkeypatch.setattr(workers, "cores", lambda: 2)
    fork_server = "forkserver" in multiprocessing.get_all_start_methods()
    assert workers.may_use_workers(1) == fork_server
    assert not workers.may_use_workers(0)
    assert workers.count(0) == 1
    monkeypatch.setattr(workers, "THRESHOLD", 24)
    assert not workers.may_use_workers(23) and workers.count(23) == 1
    assert workers.may_use_workers(24) and workers.count(24) == 1


def test_the_fork_server_loads_only_what_laying_out_needs() -> None:
    """Workers are forked from a server that imports ``workers.PRELOAD`` while the batch
    renders; what it imports beyond WeasyPrint delays every worker's first pass (pydantic
    alone cost 0.2 s there), so the layout code needs none of the data and template
    machinery."""
    import subprocess
    import sys

    code = ("import sys; from outreach.render import workers; [__import__(m) for m in "
            "workers.PRELOAD]; print(' '.join(sorted(sys.modules)), file=sys.stderr)")
    loaded = set(subprocess.run([sys.executable, "-c", code], check=True, capture_output=True,
                                text=True).stderr.split())
    assert "weasyprint" in loaded and "outreach.render.writers.engine" in loaded
    assert not loaded & {"pydantic", "jinja2", "markdown_it", "yaml", "click", "docx",
                         "nameparser", "outreach.workspace.models", "outreach.workspace.folder"}


LIBRARY_CODE = """
import sys
started = []
sys.addaudithook(lambda event, args: started.append(args[0]) if event == "subprocess.Popen"
                 else None)
{setup}
from outreach.render.writers import engine
pdf = engine.weasyprint.HTML(string="<p>Dear Ms. Ueda:</p>").write_pdf()
print(pdf[:5].decode(), len(started))
"""


def _import_engine(setup: str = "") -> list[str]:
    import subprocess
    import sys

    return subprocess.run([sys.executable, "-c", LIBRARY_CODE.format(setup=setup)], check=True,
                          capture_output=True, text=True).stdout.split()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the search is Linux's")
def test_weasyprint_is_imported_without_starting_a_program() -> None:
    """cffi's library search ran ldconfig, gcc and ld for each name WeasyPrint tries (54
    programs, about 0.2 s before a batch's first page); the sonames open directly."""
    assert _import_engine() == ["%PDF-", "0"]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the search is Linux's")
def test_weasyprint_is_imported_the_usual_way_where_the_sonames_do_not_open() -> None:
    """A system whose loader knows the libraries by none of the names WeasyPrint tries:
    the import is made again with the library search, and says nothing more."""
    setup = ("import cffi\n"
             "opens = cffi.FFI.dlopen\n"
             "def dlopen(self, name, flags=0):\n"
             "    import ctypes.util\n"
             "    if ctypes.util.find_library.__name__ == '_not_searched':\n"
             "        raise OSError(name)\n"
             "    return opens(self, name, flags)\n"
             "cffi.FFI.dlopen = dlopen\n")
    printed = _import_engine(setup)
    assert printed[0] == "%PDF-" and int(printed[1]) > 0 and len(printed) == 2


@pytest.mark.parametrize(("args", "asked"), [
    (("letter", *EVERYONE), [len(SAMPLE)]),
    (("questions", *EVERYONE, "--format", "docx"), [len(SAMPLE)]),
    (("thank-you", "--since", "2026-11-14", "--date", "2026-11-21"), [len(SAMPLE)]),
    (("letter", "jim-park", "maria-lopez"), [2]),
    (("letter", *EVERYONE, "--format", "eml"), []),  # nothing laid out on pages
    (("keep-in-touch", "--landed", "Planner, City of Springfield"), []),
])
def test_a_writing_command_starts_the_fork_server_as_it_starts(
        args: tuple[str, ...], asked: list[int], monkeypatch: pytest.MonkeyPatch,
        tmp_path: Path) -> None:
    """Before it imports anything heavy, a command that lays out pages asks for the fork
    server, with the size of its batch: the contacts named, or the contact files there
    are (``warm_up_soon`` starts it only for a batch large enough for workers)."""
    from conftest import copy_workspace, run

    sizes: list[int] = []
    monkeypatch.setattr(workers, "warm_up_soon", sizes.append)
    run(copy_workspace(tmp_path), *args, "--dry-run")
    assert sizes == asked


@pytest.mark.warm_up
def test_warming_up_says_nothing_of_a_bad_worker_count(
        monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]) -> None:
    """The warm-up thread keeps quiet; the batch says what is wrong when it lays out."""
    monkeypatch.setenv("OUTREACH_WORKERS", "many")
    monkeypatch.setattr(workers, "SERVER", workers.ForkServer())
    raised: list[object] = []
    monkeypatch.setattr(threading, "excepthook", raised.append)
    workers.warm_up_soon(100)
    for thread in threading.enumerate():
        if thread.name == "outreach-warm-up":
            thread.join(10)
    assert raised == [] and not workers.warm()
    assert capfd.readouterr().err == ""


@pytest.mark.skipif(not workers.FORK_SERVER, reason="spawned workers are not warmed up")
@pytest.mark.parametrize(("setting", "cores", "documents", "started"), [
    (None, 2, 100, True), (None, 2, 1, True), (None, 2, 0, False), (None, 1, 100, False),
    ("1", 2, 100, False), ("2", 1, 100, True)])
def test_the_fork_server_starts_for_a_batch_that_may_use_workers(
        setting: str | None, cores: int, documents: int, started: bool,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Several cores, or workers asked for: the server starts (once, however many
    batches ask); how many workers it forks is decided when the batch is laid out."""
    from multiprocessing import forkserver

    if setting is None:
        monkeypatch.delenv("OUTREACH_WORKERS", raising=False)
    else:
        monkeypatch.setenv("OUTREACH_WORKERS", setting)
    monkeypatch.setattr(workers, "SERVER", workers.ForkServer())
    monkeypatch.setattr(workers, "cores", lambda: cores)
    runs: list[bool] = []
    monkeypatch.setattr(forkserver, "ensure_running", lambda: runs.append(True))
    workers.warm_up(documents)
    workers.warm_up(documents)
    assert workers.warm() == started and runs == [True] * started
    assert workers.to_workers() == started


def _pid(_: int) -> int:
    return os.getpid()


def test_a_single_pass_goes_to_a_worker_when_there_are_workers() -> None:
    """A re-run that lays out one changed letter gives it to a worker of the fork server,
    which has WeasyPrint already, instead of importing it in this process."""
    assert list(workers.ordered(_pid, [1], 1)) == [os.getpid()]
    assert list(workers.ordered(_pid, [1], 2)) != [os.getpid()]
    assert list(workers.ordered(_pid, [], 2)) == []
    # no idle core for a second worker: one worker, which has WeasyPrint already
    jobs: workers.Jobs[int, int] = workers.Jobs(_pid, 1, workers_only=True)
    for job in (1, 2):
        jobs.add(job)
    assert jobs.elsewhere and jobs.processes == 1
    assert os.getpid() not in set(jobs)


def test_where_no_worker_can_be_made_the_batch_is_laid_out_here(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Now that even one letter asks for a worker, a system without the semaphores
    multiprocessing needs (some containers) must still write it."""
    def unavailable(*args: object, **kwargs: object) -> None:
        raise NotImplementedError("sem_open is not implemented on this system")

    monkeypatch.setattr(workers, "ProcessPoolExecutor", unavailable)
    assert list(workers.ordered(_pid, [1, 2], 2)) == [os.getpid()] * 2


WARM_UP_CODE = """
import os, threading, time
from outreach.render import workers
workers.warm_up_soon(1)
for thread in threading.enumerate():
    if thread.name == "outreach-warm-up":
        thread.join(30)
def servers():  # this process's child that runs multiprocessing's fork server
    for entry in os.listdir("/proc"):
        try:
            with open(f"/proc/{entry}/stat") as handle:
                parent = int(handle.read().rsplit(")", 1)[1].split()[1])
            with open(f"/proc/{entry}/cmdline", "rb") as handle:
                if parent == os.getpid() and b"forkserver" in handle.read():
                    yield int(entry)
        except (OSError, ValueError, IndexError):
            pass
pid = next(servers(), None)
streams = []
for _ in range(300):  # until the server has imported its first module
    streams = [os.readlink(f"/proc/{pid}/fd/{n}") for n in (0, 1)]
    if streams == [os.devnull] * 2:
        break
    time.sleep(0.1)
print(workers.warm(), pid is not None and os.path.exists(f"/proc/{pid}"), *streams)
"""


@pytest.mark.skipif(not LINUX, reason="the server's streams are read from /proc")
def test_the_command_starts_a_fork_server_that_leaves_the_callers_output_alone() -> None:
    """The server started as a command starts is up, and holds neither the caller's
    input nor its output: ``$(outreach ...)`` ends when the run ends, not when the server
    has imported WeasyPrint."""
    import subprocess

    done = subprocess.run([sys.executable, "-c", WARM_UP_CODE], capture_output=True,
                          text=True, timeout=120, env={**os.environ, "OUTREACH_WORKERS": "2"})
    assert done.stdout.split() == ["True", "True", os.devnull, os.devnull], done.stderr


def _mark(path: str) -> str:
    Path(path).write_text(str(os.getpid()))
    return path


def test_workers_are_given_every_job_before_the_first_result_is_asked_for(
        tmp_path: Path) -> None:
    """A re-run writes the letters the cache held while the workers lay out the ones
    that changed (the one changed letter of 100 came 0.12-0.17 s after the others were
    written)."""
    marks = [str(tmp_path / str(n)) for n in range(3)]
    results = workers.ordered(_mark, marks, 2)
    try:
        deadline = time.monotonic() + 60
        while not all(map(os.path.exists, marks)) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert all(map(os.path.exists, marks))
        assert list(results) == marks
    finally:
        results.close()


MAIN_CODE = """
import sys
from outreach.render import workers
print("started")
if __name__ == "__main__":
    jobs = workers.Jobs(abs, 2)
    for job in (-7, -8, -9):
        jobs.add(job)
    print(list(jobs), sys.modules["__main__"].__name__)
"""


def test_a_callers_script_with_a_main_guard_uses_the_workers_once(tmp_path: Path) -> None:
    """Workers are processes multiprocessing starts: they import the caller's script
    again (as ``__mp_main__``), so its work stays under the main guard, as Python asks;
    the work is done once, by workers, and the caller's ``__main__`` stays its own."""
    import subprocess

    script = tmp_path / "caller.py"
    script.write_text(MAIN_CODE, encoding="utf-8")
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                          timeout=120, env={**os.environ, "PYTHONPATH": str(REPO)})
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("\n")[:2] == ["started", "[7, 8, 9] __main__"]
