"""How many processes lay out a batch: workers only on cores no other program keeps busy,
judged by how idle the cores are now, not by the last minute's load."""

from __future__ import annotations

import multiprocessing
import os
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import EVERYONE
from outreach import workers

LINUX = os.path.exists("/proc/stat")
REPO = Path(__file__).parent.parent
SAMPLE = list((REPO / "profiles" / "contacts").glob("*.yaml"))


@pytest.fixture
def no_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OUTREACH_WORKERS", raising=False)
    monkeypatch.setattr(workers, "_warm", [])


def _ticks(monkeypatch: pytest.MonkeyPatch, *samples: tuple[int, int],
           ours: tuple[int, ...] = ()) -> None:
    """``/proc/stat`` as if it said these (idle, all) ticks, one per look, and outreach
    (this process, its fork server and workers) had used ``ours`` ticks by each look
    after the first (none unless given; the last one from then on)."""
    looks: Iterator[tuple[int, int]] = iter(samples[1:])
    used: Iterator[int] = iter(ours)
    monkeypatch.setattr(workers, "_last", (*samples[0], 0))
    monkeypatch.setattr(workers, "_answer", None)
    monkeypatch.setattr(workers, "_cpu_times", lambda: next(looks))
    monkeypatch.setattr(workers, "_our_ticks", lambda: next(used, ours[-1] if ours else 0))
    monkeypatch.setattr(workers, "_machine_cores", lambda: 2)
    monkeypatch.setattr(workers, "cores", lambda: 2)


# A second of 2 cores is 200 ticks. ``ours``: this process busy all along (100), the fork
# server too (+100), or this process asleep waiting for its workers (0).
@pytest.mark.parametrize(("idle", "ours", "expected"), [
    (100, 100, 2),  # this process busy, the other core idle
    (0, 100, 1),  # another program keeps the other core busy
    (60, 100, 2), (30, 100, 1),  # busy for less than half the time, or more
    (0, 200, 2),  # this process and its fork server, both busy
    (0, 133, 1),  # another program shared both cores with them: a third of each
    (100, 0, 1),  # this process asleep: its idle core is no other program's
    (200, 0, 2), (0, 0, 0)])
def test_free_cores_are_those_neither_idle_nor_outreachs_own(
        monkeypatch: pytest.MonkeyPatch, idle: int, ours: int, expected: int) -> None:
    _ticks(monkeypatch, (1000, 5000), (1000 + idle, 5200), ours=(ours,))
    assert workers.free_cores() == expected


def test_a_look_too_old_to_say_what_happens_now_is_taken_again(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # an hour of idle cores before, then a tenth of a second with both busy
    hour = 2 * 100 * 3600
    _ticks(monkeypatch, (0, 0), (hour, hour), (hour, hour + 40))
    monkeypatch.setattr(workers, "_jiffies_per_second", lambda: 200)
    assert workers.free_cores() == 0


def test_looks_in_quick_succession_give_the_last_answer_without_waiting(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A caller laying out batch after batch asks each time: only a first look with
    too little to go on waits, and only for what its window lacks."""
    waits: list[float] = []
    monkeypatch.setattr(workers.time, "sleep", waits.append)
    monkeypatch.setattr(workers, "_jiffies_per_second", lambda: 200)
    _ticks(monkeypatch, (0, 0), (0, 2), (0, 40), *[(0, 41 + n) for n in range(100)])
    assert [workers.free_cores() for _ in range(100)] == [0] * 100
    # only what the window still lacks: 18 of its 20 ticks had passed since the start
    assert waits == [pytest.approx((workers.MIN_WINDOW - 2) / 200)]


def test_a_first_look_long_enough_after_the_start_does_not_wait(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Outreach looks first as it starts; by the time a batch is laid out the window is
    long enough, and the answer comes at once."""
    waits: list[float] = []
    monkeypatch.setattr(workers.time, "sleep", waits.append)
    _ticks(monkeypatch, (0, 0), (100, 200), ours=(100,))
    assert workers.free_cores() == 2 and waits == []


@pytest.mark.usefixtures("no_setting")
def test_a_large_batch_uses_both_cores_when_the_other_is_idle(
        monkeypatch: pytest.MonkeyPatch) -> None:
    _ticks(monkeypatch, (0, 0), (100, 200), ours=(100,))  # this process busy, the other idle
    assert workers.count(100) == 2


@pytest.mark.usefixtures("no_setting")
def test_with_another_program_busy_a_large_batch_has_one_process(
        monkeypatch: pytest.MonkeyPatch) -> None:
    _ticks(monkeypatch, (0, 0), (0, 200), ours=(100,))
    assert workers.count(100) == 1
    _ticks(monkeypatch, (0, 0), (0, 200), ours=(0,))  # every core another program's
    assert workers.count(100) == 1


@pytest.mark.usefixtures("no_setting")
def test_even_one_letter_goes_to_a_worker_where_there_is_a_fork_server(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The fork server imports WeasyPrint while the command starts, so even one letter
    gains (measured); where each worker would be a new Python, a small batch stays in
    this process."""
    _ticks(monkeypatch, (0, 0), (100, 200), (200, 400), ours=(100, 200))
    fork_server = "forkserver" in multiprocessing.get_all_start_methods()
    assert workers.count(1) == (2 if fork_server else 1)
    assert workers.count(0) == 1
    monkeypatch.setattr(workers, "THRESHOLD", 24)
    assert workers.count(23) == 1


def _burn(seconds: float) -> int:
    """Keep a core busy for ``seconds`` of CPU time; this process's id."""
    end = time.process_time() + seconds
    while time.process_time() < end:
        pass
    return os.getpid()


@pytest.mark.skipif(not LINUX or not workers.FORK_SERVER,
                    reason="the server's time is read from Linux's /proc")
@pytest.mark.parametrize("listed", [True, False])
def test_the_fork_servers_and_its_workers_time_is_read_while_they_run_and_after(
        listed: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    """Read for real (a CPython that renamed what it keeps the server's id in would
    make it 0, and a busy machine's cores would seem free): a worker's time is counted
    while it runs, and stays counted once it has ended; where the kernel does not list
    a process's children, the workers are those of outreach's pools."""
    if not listed:
        monkeypatch.setattr(workers, "CHILDREN", "/proc/{pid}/task/{pid}/no-such-listing")
    ticks = os.sysconf("SC_CLK_TCK")

    def rises_by(seconds: float, since: int) -> bool:
        deadline = time.monotonic() + 30
        while workers._helper_ticks() - since < seconds * ticks:
            if time.monotonic() > deadline:
                return False
            time.sleep(0.01)
        return True

    jobs = workers.Jobs(_burn, 1, workers_only=True)
    jobs.add(0.0)
    worker = next(jobs)
    assert worker != os.getpid() and workers._server_pid() is not None
    before = workers._helper_ticks()
    jobs.add(0.5)
    assert rises_by(0.1, before)  # counted while the worker runs
    assert next(jobs) == worker
    jobs.close()
    deadline = time.monotonic() + 30
    while os.path.exists(f"/proc/{worker}") and time.monotonic() < deadline:
        time.sleep(0.01)
    assert not os.path.exists(f"/proc/{worker}")
    assert rises_by(0.45, before)  # and once it has ended, in the server's


def _spin(until: float) -> None:
    while time.monotonic() < until:
        pass


@pytest.mark.skipif(not LINUX, reason="the idle time is read from Linux's /proc/stat")
@pytest.mark.usefixtures("no_setting")
def test_with_every_core_busy_a_large_batch_is_laid_out_in_one_process(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Other programs keep every core busy (real processes, spinning): workers would only
    take turns with them, so the batch stays in one process, however idle the machine
    was a minute ago."""
    until = time.monotonic() + 3
    context = multiprocessing.get_context("spawn")
    spinners = [context.Process(target=_spin, args=(until,)) for _ in range(os.cpu_count() or 1)]
    for spinner in spinners:
        spinner.start()
    try:
        time.sleep(1)  # the spinners started; then a fresh look over a tenth of a second
        monkeypatch.setattr(workers, "_last", workers._look())
        monkeypatch.setattr(workers, "_answer", None)
        time.sleep(0.3)
        assert workers.free_cores() == 0
        assert workers.count(100) == 1
    finally:
        for spinner in spinners:
            spinner.join()


def test_the_fork_server_loads_only_what_laying_out_needs() -> None:
    """Workers are forked from a server that imports ``workers.PRELOAD`` while the batch
    renders; what it imports beyond WeasyPrint delays every worker's first pass (pydantic
    alone cost 0.2 s there), so the layout code needs none of the data and template
    machinery."""
    import subprocess
    import sys

    code = ("import sys; from outreach import workers; [__import__(m) for m in "
            "workers.PRELOAD]; print(' '.join(sorted(sys.modules)), file=sys.stderr)")
    loaded = set(subprocess.run([sys.executable, "-c", code], check=True, capture_output=True,
                                text=True).stderr.split())
    assert "weasyprint" in loaded and "outreach.writers.engine" in loaded
    assert not loaded & {"pydantic", "jinja2", "markdown_it", "yaml", "click", "docx",
                         "nameparser", "outreach.models", "outreach.workspace"}


LIBRARY_CODE = """
import sys
started = []
sys.addaudithook(lambda event, args: started.append(args[0]) if event == "subprocess.Popen"
                 else None)
{setup}
from outreach.writers import engine
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
    monkeypatch.setattr(workers, "_warm", [])
    raised: list[object] = []
    monkeypatch.setattr(threading, "excepthook", raised.append)
    workers.warm_up_soon(100)
    for thread in threading.enumerate():
        if thread.name == "outreach-warm-up":
            thread.join(10)
    assert raised == [] and not workers._warm
    assert capfd.readouterr().err == ""


@pytest.mark.skipif(not workers.FORK_SERVER, reason="spawned workers are not warmed up")
@pytest.mark.parametrize(("setting", "cores", "documents", "started"), [
    (None, 2, 100, True), (None, 2, 1, True), (None, 2, 0, False), (None, 1, 100, False),
    ("1", 2, 100, False), ("2", 1, 100, True)])
def test_the_fork_server_starts_without_a_look_at_the_cores(
        setting: str | None, cores: int, documents: int, started: bool,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A look would hold the server up a tenth of a second, on the way to every batch's
    first layout: whether it may be needed is enough (several cores, or workers asked
    for); how many workers is decided when the batch is laid out."""
    from multiprocessing import forkserver

    if setting is None:
        monkeypatch.delenv("OUTREACH_WORKERS", raising=False)
    else:
        monkeypatch.setenv("OUTREACH_WORKERS", setting)
    monkeypatch.setattr(workers, "_warm", [])
    monkeypatch.setattr(workers, "cores", lambda: cores)

    def no_look() -> int:
        raise AssertionError("looked at the cores")

    monkeypatch.setattr(workers, "free_cores", no_look)
    monkeypatch.setattr(workers, "_cpu_times", no_look)
    monkeypatch.setattr(workers.time, "sleep", no_look)
    runs: list[bool] = []
    monkeypatch.setattr(forkserver, "ensure_running", lambda: runs.append(True))
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
from multiprocessing import forkserver
from outreach import workers
workers.warm_up_soon(1)
for thread in threading.enumerate():
    if thread.name == "outreach-warm-up":
        thread.join(30)
pid = forkserver._forkserver._forkserver_pid
streams = []
for _ in range(300):  # until the server has imported its first module
    streams = [os.readlink(f"/proc/{pid}/fd/{n}") for n in (0, 1)]
    if streams == [os.devnull] * 2:
        break
    time.sleep(0.1)
print(bool(workers._warm), pid is not None and os.path.exists(f"/proc/{pid}"), *streams)
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
import sys, time
from outreach import workers
MARK = "the caller's own"
print("started")
jobs = workers.Jobs(abs, 2)
jobs.add(-7)  # its first worker waits, in another thread, for the fork server's import
seen = set()
end = time.monotonic() + 1.5
while time.monotonic() < end:
    seen.add(getattr(sys.modules["__main__"], "MARK", None))
print(list(jobs), *seen)
"""


def test_the_callers_main_module_stays_its_own_while_workers_start(tmp_path: Path) -> None:
    """The first worker waits for the fork server in a thread of its own; meanwhile the
    caller's ``__main__`` is the caller's for every other thread (it used to be swapped
    for an empty one while the worker started), and the worker does not run the
    caller's script again."""
    import subprocess

    script = tmp_path / "caller.py"
    script.write_text(MAIN_CODE, encoding="utf-8")
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                          timeout=120, env={**os.environ, "PYTHONPATH": str(REPO)})
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("\n")[:2] == ["started", "[7] the caller's own"]
