"""Worker processes, so a batch is laid out on every core.

Workers come from a fork server (or are spawned where there is none): a fresh Python that
imports WeasyPrint once and forks each worker from there. Nothing of the main process is
copied into them, whatever it had imported, and the main process itself needs no
WeasyPrint at all when the workers do the layout. Results come back in order, a pass at a
time, so the caller writes each pass when it is done: a batch killed half-way keeps
what it finished, and the workers end with it (they read their work from the main
process, and stop when it is gone; a worker that dies is an error, not a wait).

The pool is fixed and small: ``OUTREACH_WORKERS=N`` processes when set (1: no workers, no
server), else one per ``SHARE`` documents up to one per core this process may use
(``os.process_cpu_count``), and one process for a batch too small to gain (starting
the workers costs about as much as laying out ``THRESHOLD`` documents, see ``make
bench``). That one process is a worker where the fork server is up (it has WeasyPrint
already). Only documented interfaces of multiprocessing and concurrent.futures are used.

A worker is a process multiprocessing starts: like any, it imports the caller's main
script again (as ``__mp_main__``) unless the script is a module run with ``python -m``
(``python -m outreach``). A script that calls outreach keeps its work under
``if __name__ == "__main__":``, as Python asks of every program that uses
multiprocessing; the ``outreach`` command's own script does.
"""

from __future__ import annotations

import collections
import contextlib
import functools
import logging
import multiprocessing
import os
import queue
import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import CancelledError, Future, ProcessPoolExecutor
from multiprocessing.context import BaseContext
from typing import Generic, TypeVar

from outreach.errors import UsageError

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
#: Documents for each worker: a batch of fewer than twice as many is laid out by one
#: (measured on two cores other programs kept busy, A/B in one sitting: two workers were
#: 1.33, 1.25 and 1.13 times slower than one process for 8, 16 and 24 letters, and
#: as fast for 100; each worker parses the stylesheet and loads the fonts once).
SHARE = 32
#: What the fork server imports before forking workers.
PRELOAD = ["outreach.render.server_streams", "outreach.render.layout",
           "outreach.render.writers.engine"]


def cores() -> int:
    """The cores this process may run on (``os.process_cpu_count``, Python 3.13; before
    it, the machine's)."""
    counted: Callable[[], int | None] = getattr(os, "process_cpu_count", os.cpu_count)
    return counted() or 1


def count(documents: int) -> int:
    """How many processes lay out ``documents`` documents: ``OUTREACH_WORKERS`` when set,
    else one for a batch too small to gain (``THRESHOLD``), else one per ``SHARE``
    documents, no more than the cores. Where the fork server is up (``warm_up``), even one
    process is a worker (``Jobs``' ``workers_only``): it has WeasyPrint already."""
    chosen = _chosen()
    if chosen is not None:
        return chosen
    if documents < THRESHOLD:
        return 1
    return max(1, min(cores(), documents // SHARE))


def _chosen() -> int | None:
    """``OUTREACH_WORKERS``, the number of processes asked for (None: not set)."""
    chosen = os.environ.get("OUTREACH_WORKERS", "").strip()
    if not chosen:
        return None
    if not chosen.isdigit() or int(chosen) < 1:
        raise UsageError(f"OUTREACH_WORKERS={chosen}: give a number of processes, 1 or more")
    return int(chosen)


def may_use_workers(documents: int) -> bool:
    """Whether a batch of ``documents`` may be laid out by workers: ``OUTREACH_WORKERS``
    asks for more than one process, or it is not set and the batch is large enough on a
    machine of several cores."""
    chosen = _chosen()
    if chosen is not None:
        return chosen > 1
    return documents >= THRESHOLD and cores() > 1


class ForkServer:
    """The fork server of this process's workers: started for the first batch that may
    use workers (``may_use_workers``); it stays up for the next."""

    def __init__(self) -> None:
        self.up = False
        self._starting = threading.Lock()

    def start(self, documents: int) -> None:
        """Start the server for a batch of ``documents``, if it may use workers: it
        imports WeasyPrint on another core while this process reads and renders the
        batch. Where other programs keep the other cores busy, one worker lays the batch
        out, in place of this process, which would have to import WeasyPrint first.
        (When the cache answers every document, the server's import was the only
        cost.)"""
        with self._starting:
            if FORK_SERVER and not self.up and may_use_workers(documents):
                from multiprocessing import forkserver  # deferred: multiprocessing.forkserver

                context()
                try:
                    forkserver.ensure_running()
                except OSError:  # no fork server here: the batch is laid out without it
                    return
                self.up = True


#: This process's fork server.
SERVER = ForkServer()


def warm_up(documents: int) -> None:
    """Start the fork server for a batch of ``documents`` (``ForkServer.start``)."""
    SERVER.start(documents)


def warm() -> bool:
    """Whether the fork server is up."""
    return SERVER.up


def to_workers() -> bool:
    """Whether a batch's documents go to workers, even where one process lays them out
    (``count``): the fork server is up, with WeasyPrint imported or on its way, and
    ``OUTREACH_WORKERS`` does not ask for this process alone."""
    return SERVER.up and _chosen() != 1


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
