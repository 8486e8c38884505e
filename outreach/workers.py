"""Worker processes, so a batch is laid out on every core.

Workers come from a fork server (or are spawned where there is none): a fresh Python that
imports WeasyPrint once and forks each worker from there. Nothing of the main process is
copied into them, whatever it had imported, and the main process itself needs no
WeasyPrint at all when the workers do the layout. Results come back in order, a pass at a
time, so the caller writes each pass when it is done: a batch killed half-way keeps
what it finished, and the workers end with it (they read their work from the main
process, and stop when it is gone; a worker that dies is an error, not a wait).

One process stays the default where a batch is too small to gain (starting the workers
costs about as much as laying out ``THRESHOLD`` documents, see ``make bench``) and where
other programs keep every core but one busy: more workers would only take turns with
them. That one process is a worker where the fork server is up (it has WeasyPrint
already). ``OUTREACH_WORKERS=N`` sets the number of processes (1: no workers, no server).
"""

from __future__ import annotations

import collections
import contextlib
import functools
import logging
import multiprocessing
import multiprocessing.spawn
import os
import queue
import sys
import threading
import time
import weakref
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import CancelledError, Future, ProcessPoolExecutor
from multiprocessing.context import BaseContext
from typing import Any, Generic, TypeVar

from .errors import UsageError

T = TypeVar("T")
R = TypeVar("R")

#: Workers come from a fork server here (everywhere but Windows); else each is spawned.
FORK_SERVER = "forkserver" in multiprocessing.get_all_start_methods()
#: Fewer documents than this to lay out: done in the main process (measured, see ``make
#: bench``). Where workers come from a fork server, started as the command starts, a
#: single document gains: the server imports WeasyPrint while this process still starts
#: (one letter, median of 5: 1.84 s in one process, 1.50 s with a worker). Where each
#: worker is a new Python importing everything (spawn, on Windows), from 24.
THRESHOLD = 1 if FORK_SERVER else 24
#: What the fork server imports before forking workers.
PRELOAD = ["outreach.server_streams", "outreach.layout", "outreach.writers.engine"]


def cores() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def count(documents: int) -> int:
    """How many processes lay out ``documents`` documents: ``OUTREACH_WORKERS`` when set,
    else one for a batch too small to gain (``THRESHOLD``), and else one per core no
    other program keeps busy (``free_cores``). Where the fork server is up
    (``warm_up``), even one process is a worker (``Jobs``' ``workers_only``): it has
    WeasyPrint already."""
    chosen = _chosen()
    if chosen is not None:
        return chosen
    return 1 if documents < THRESHOLD else max(1, min(cores(), free_cores()))


def _chosen() -> int | None:
    """``OUTREACH_WORKERS``, the number of processes asked for (None: not set)."""
    chosen = os.environ.get("OUTREACH_WORKERS", "").strip()
    if not chosen:
        return None
    if not chosen.isdigit() or int(chosen) < 1:
        raise UsageError(f"OUTREACH_WORKERS={chosen}: give a number of processes, 1 or more")
    return int(chosen)


def may_use_workers(documents: int) -> bool:
    """Whether a batch of ``documents`` may be laid out by workers, before anyone looks
    at how idle the cores are: ``OUTREACH_WORKERS`` asks for more than one process, or
    it is not set and the batch is large enough on a machine of several cores."""
    chosen = _chosen()
    if chosen is not None:
        return chosen > 1
    return documents >= THRESHOLD and cores() > 1


def free_cores() -> int:
    """Cores no other program keeps busy now: a worker on a core that is not free only
    takes turns with what runs there (measured: on this shared 2-core machine, with
    another program busy, two workers took longer than one process).

    Where Linux says how the cores spent their time (``/proc/stat``), it is measured
    over the time since outreach last looked (from when it started, so over the reading
    and rendering of the batch): the ticks neither idle nor spent by outreach itself
    (this process, its fork server and the workers, ``_our_ticks``) are other programs'.
    A look too recent to tell gives the last answer again; a first one waits until a
    tenth of a second has passed since outreach started (on two cores), and one more
    than a few seconds old is taken again over a tenth of a second. Elsewhere the last
    minute's load average tells, which lags: it still counts the batch run just before.
    One look at a time, in case two threads ask together."""
    with _looking:
        return _free_cores()


_looking = threading.Lock()


def _free_cores() -> int:
    global _last, _answer
    now = _cpu_times()
    if now is None or _last is None:
        try:
            return max(1, int(cores() + 1 - os.getloadavg()[0]))
        except OSError:  # not known here: count on every core
            return cores()
    if now[1] - _last[1] < MIN_WINDOW and _answer is not None:
        return _answer
    if now[1] - _last[1] > MAX_WINDOW * _jiffies_per_second():  # too old: looked anew
        _last = (*now, _our_ticks())
    if now[1] - _last[1] < MIN_WINDOW:  # too short to tell: the rest of it waited
        time.sleep((MIN_WINDOW - (now[1] - _last[1])) / _jiffies_per_second())
        now = _cpu_times() or now
    ours = _our_ticks()
    total = max(now[1] - _last[1], 1)
    others = max(0, total - (now[0] - _last[0]) - (ours - _last[2]))
    _last = (*now, ours)
    _answer = max(0, _machine_cores() - int(_machine_cores() * others / total + 0.5))
    return _answer


#: The shortest and longest spans, in clock ticks (of all cores together) and
#: seconds, that the idle time is measured over.
MIN_WINDOW = 20
MAX_WINDOW = 5


def _cpu_times() -> tuple[int, int] | None:
    """(idle, all) clock ticks of every core of the machine since it started (the first
    line of Linux's ``/proc/stat``), or None where there is no such file."""
    try:
        with open("/proc/stat", encoding="ascii") as handle:
            ticks = [int(n) for n in handle.readline().split()[1:9]]
    except (OSError, ValueError):
        return None
    if len(ticks) < 5:
        return None
    return ticks[3] + ticks[4], sum(ticks)  # idle and waiting for the disk: not busy


def _our_ticks() -> int:
    """The clock ticks of CPU outreach has used so far: this process's (every thread),
    its fork server's, and its workers' (``_helper_ticks``)."""
    mine = os.times()
    return int((mine.user + mine.system) * os.sysconf("SC_CLK_TCK")) + _helper_ticks()


def _helper_ticks() -> int:
    """The clock ticks of CPU used so far by outreach's fork server and its workers,
    from Linux's ``/proc``: the server's own and its ended children's (the workers that
    have gone), and each live worker's; 0 before the server starts. A few files read,
    however many processes the machine runs."""
    server = _server_pid()
    if server is None:
        return 0
    workers: set[int] = set()
    try:
        with open(CHILDREN.format(pid=server), encoding="ascii") as handle:
            workers.update(int(pid) for pid in handle.read().split())
    except (OSError, ValueError):  # a kernel that does not list children: the pools'
        for pool in list(_pools):
            workers.update(getattr(pool, "_processes", None) or ())
    return sum(map(_process_ticks, {server, *workers}))


def _process_ticks(pid: int) -> int:
    """User and system clock ticks of one process and of its children that ended and
    were waited for (so a worker's time stays counted once it has gone, in the server's);
    0 once it has ended."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
        return sum(int(field) for field in fields[11:15])
    except (OSError, IndexError, ValueError):
        return 0


def _server_pid() -> int | None:
    """The fork server's process id, once it runs (multiprocessing keeps it on its one
    server; not a documented attribute, hence the care: without it, the server's and the
    workers' time is taken for other programs')."""
    forkserver = sys.modules.get("multiprocessing.forkserver")  # not imported: no server
    pid = getattr(getattr(forkserver, "_forkserver", None), "_forkserver_pid", None)
    return pid if isinstance(pid, int) else None


#: Where Linux lists a process's children (where the kernel was built to).
CHILDREN = "/proc/{pid}/task/{pid}/children"
#: The worker pools of outreach's jobs (``Jobs``), whose workers ``_helper_ticks`` reads.
_pools: weakref.WeakSet[ProcessPoolExecutor] = weakref.WeakSet()


def _jiffies_per_second() -> int:
    return os.sysconf("SC_CLK_TCK") * _machine_cores()


def _machine_cores() -> int:
    return os.cpu_count() or 1


def _look() -> tuple[int, int, int] | None:
    """The machine's idle and all clock ticks, and outreach's own (``_our_ticks``)."""
    now = _cpu_times()
    return None if now is None else (*now, _our_ticks())


#: The last look (``_look``), first taken as outreach starts.
_last = _look()
#: What the last look found (given again for a look too recent to tell).
_answer: int | None = None


_warm: list[bool] = []


_warming = threading.Lock()


def warm_up(documents: int) -> None:
    """Start the fork server for a batch of ``documents`` that may use workers
    (``may_use_workers``): it imports WeasyPrint on another core while this process reads
    and renders the batch. It starts without a look at the cores, which would hold it up
    a tenth of a second: how many workers it forks is decided when the batch is laid out
    (``count``), over the time since the command started, the server's own time counted
    as outreach's (``free_cores``). Where other programs keep the other cores busy, one
    worker lays the batch out, in place of this process, which would have to import
    WeasyPrint first. (When the cache answers every document, the server's import was
    the only cost.)"""
    with _warming:
        if FORK_SERVER and not _warm and may_use_workers(documents):
            from multiprocessing import forkserver

            context()
            try:
                forkserver.ensure_running()
            except OSError:  # no fork server here: the batch is laid out without it
                return
            _warm.append(True)


def warm() -> bool:
    """Whether the fork server is up (started for this process's first batch that may
    use workers; it stays up for the next)."""
    return bool(_warm)


def to_workers() -> bool:
    """Whether a batch's documents go to workers, even where one process lays them out
    (``count``): the fork server is up, with WeasyPrint imported or on its way, and
    ``OUTREACH_WORKERS`` does not ask for this process alone."""
    return bool(_warm) and _chosen() != 1


def warm_up_soon(documents: int) -> None:
    """``warm_up`` from another thread, as a command that lays out about ``documents``
    starts: the fork server then imports WeasyPrint while this process still imports
    outreach and reads the batch, about 0.4 s before the first document the cache lacks
    is known (100 letters, PDF and DOCX, A/B in one sitting: 5.50 s -> 4.62 s). It is
    started before anyone knows whether the cache holds every document; if it does, the
    import on the other core was the only cost. Nothing is said from there: a mistake in
    ``OUTREACH_WORKERS`` is said when the batch is laid out."""

    def quietly() -> None:
        try:
            warm_up(documents)
        except Exception as exc:  # the batch says it when it lays out; here, a warm-up
            logging.getLogger(__name__).debug("no early fork server: %s", exc)

    threading.Thread(target=quietly, daemon=True, name="outreach-warm-up").start()


def context() -> BaseContext:
    """The fork server's context (spawn where there is no fork server)."""
    if FORK_SERVER:
        forkserver = multiprocessing.get_context("forkserver")
        forkserver.set_forkserver_preload(PRELOAD)
        return forkserver
    return multiprocessing.get_context("spawn")


def _end_with_parent() -> None:
    """In a worker: end it the moment the main process is gone (killed, even with
    SIGKILL), rather than wait for work that will never come or block sending a result
    no one reads."""
    parent = multiprocessing.parent_process()
    if parent is None:
        return

    def watch() -> None:
        parent.join()
        os._exit(1)

    threading.Thread(target=watch, daemon=True, name="outreach-parent-watch").start()


#: Set on the thread that gives outreach's jobs to the workers (``Jobs``).
_giving = threading.local()


def _preparation_data(name: str) -> dict[str, Any]:
    """What multiprocessing tells a new process to set up, without the main script when
    the process is a worker started by outreach's jobs thread. A new process imports the
    module its parent ran as ``__main__`` (so that functions defined there can be
    called); outreach's workers run only outreach's functions, and a script that calls
    outreach without an ``if __name__ == "__main__"`` guard would otherwise run again in
    every worker. Only that thread is concerned: the script's ``__main__`` stays what it
    is for every other thread, while a first worker waits for the fork server."""
    data: dict[str, Any] = _PREPARATION_DATA(name)
    if getattr(_giving, "jobs", False):
        data.pop("init_main_from_name", None)
        data.pop("init_main_from_path", None)
    return data


_PREPARATION_DATA = multiprocessing.spawn.get_preparation_data


def _leave_main_out() -> None:
    """Have multiprocessing ask ``_preparation_data`` (once a process has workers)."""
    multiprocessing.spawn.get_preparation_data = _preparation_data


def ordered(func: Callable[[T], R], jobs: Iterable[T], processes: int) -> Jobs[T, R]:
    """``func`` of each job, in order: in this process, or shared among ``processes``
    workers (``Jobs``), every job given to them at once."""
    todo = list(jobs)
    results: Jobs[T, R] = Jobs(func, processes if todo else 1)
    for job in todo:
        results.add(job)
    return results


class Jobs(Iterator[R], Generic[T, R]):
    """``func`` of each job added, given back in the order added: worked out by
    ``processes`` workers, or here, one at a time as each is asked for, when
    ``processes`` is 1 (unless ``workers_only``: the fork server is up, and has what
    ``func`` needs) or no worker process can be made (a system without the semaphores
    multiprocessing needs).

    Worker processes are started as jobs come, up to ``processes``. Jobs may be added
    until the last result has been asked for, so a batch hands the workers each pass as
    soon as it is rendered (1,000 letters, traced: the fork server had WeasyPrint at
    1.0 s; handed over once all were rendered, the first pass went at 3.6 s, handed
    over as rendered, at 1.7 s). Even a single job goes to a worker: the
    workers have WeasyPrint already, and this process would import it first (a re-run
    that lays out one changed letter of 100 took 2.9 s that way, 1.95 s with a worker).

    A job is given to the workers from a thread of its own: the first ones wait there for
    the fork server to have imported WeasyPrint, while this process renders on.
    ``close`` (called too when a job failed, or the results have run out) cancels the
    jobs not started and waits for the rest; a worker that dies is an error, never a
    wait."""

    def __init__(self, func: Callable[[T], R], processes: int, *,
                 workers_only: bool = False) -> None:
        self._func = func
        self._results: collections.deque[Callable[[], R]] = collections.deque()
        self._executor: ProcessPoolExecutor | None = None
        self._todo: queue.SimpleQueue[tuple[T, Future[R]] | None] = queue.SimpleQueue()
        self._giver: threading.Thread | None = None
        self._closed = False
        if processes > 1 or workers_only:
            # where no worker process can be made (no sem_open), all of them here
            with contextlib.suppress(OSError, NotImplementedError):
                self._executor = ProcessPoolExecutor(processes, mp_context=context(),
                                                     initializer=_end_with_parent)
                _pools.add(self._executor)
                _leave_main_out()
        #: How many processes lay the jobs out, and whether they are workers (else this
        #: process works them out itself, one at a time).
        self.processes = processes if self._executor is not None else 1
        self.elsewhere = self._executor is not None

    def add(self, job: T) -> None:
        """One more job: the workers start on it as soon as one is free."""
        if self._closed:
            raise RuntimeError("jobs added after they were closed")
        if self._executor is None:
            self._results.append(functools.partial(self._func, job))
            return
        result: Future[R] = Future()
        self._results.append(result.result)
        if self._giver is None:
            self._giver = threading.Thread(target=self._give, daemon=True,
                                           name="outreach-jobs")
            self._giver.start()
        self._todo.put((job, result))

    def _give(self) -> None:
        """In a thread: each job to the workers, in order, its result passed on. Should
        it end otherwise than asked, the results not given fail rather than never come."""
        _giving.jobs = True
        try:
            self._give_each()
        finally:
            while not self._todo.empty():
                if (item := self._todo.get_nowait()) is not None:
                    item[1].cancel()

    def _give_each(self) -> None:
        assert self._executor is not None
        while (item := self._todo.get()) is not None:
            job, result = item
            if self._closed or not result.set_running_or_notify_cancel():
                result.cancel()
                continue
            try:
                done = self._executor.submit(self._func, job)
            except BaseException as exc:  # the pool broke: said when the result is asked
                result.set_exception(exc)
                continue
            done.add_done_callback(functools.partial(_pass_on, result))

    def __next__(self) -> R:
        if not self._results:
            self.close()
            raise StopIteration
        try:
            return self._results.popleft()()
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        """Cancel the jobs not started and wait for those running (even if a second
        Ctrl-C comes meanwhile)."""
        self._closed = True
        giver, self._giver = self._giver, None
        executor, self._executor = self._executor, None
        try:
            if giver is not None:
                self._todo.put(None)
                giver.join()
        finally:
            if executor is not None:
                executor.shutdown(wait=True, cancel_futures=True)


def _pass_on(result: Future[R], done: Future[R]) -> None:
    """A worker's result (or its failure, or its cancelling) as the job's own."""
    if done.cancelled():
        result.set_exception(CancelledError())
    elif (exc := done.exception()) is not None:
        result.set_exception(exc)
    else:
        result.set_result(done.result())
