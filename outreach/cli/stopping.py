"""How a command stops when asked to: SIGTERM or Ctrl-C (SIGINT).

The signal raises at once where the command is (``SystemExit(128 + signal)`` for
SIGTERM, ``KeyboardInterrupt`` for Ctrl-C, which Click reports as "Aborted!"), so the
cleanup written as ``finally`` blocks runs while the exception unwinds: temporary files
removed, jobs not started cancelled, the documents being laid out waited for.

Two things could still keep the process alive once that is done, and both are closed here:

- *Threads caught starting.* An exception raised in the main thread while it waits for a
  new thread to start (a pool of threads growing) leaves that thread running but unknown
  to its pool, which then never tells it to stop, and Python waits for it at exit:
  forever. (Measured: a loop growing thread pools, stopped by SIGTERM at random moments,
  hung 18 times in 60.) So once the command has unwound after a stop signal, the process
  ends there (``end``): output flushed, no wait for threads.
- *A cleanup that hangs.* A thread started with the command (``install``) waits for the
  first stop signal; if the process is still alive ``GRACE`` seconds later, it ends it.

The handler does nothing a signal may not interrupt: it writes one byte to a pipe (no
lock) and raises.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
import time
from types import FrameType

#: Seconds a stopped command has to clean up before the process ends regardless.
GRACE = 10.0


class Stopping:
    """The stop signals of this process: their handlers, the watch thread, the code the
    process ends with once one has come."""

    def __init__(self) -> None:
        self.code: int | None = None
        self._read, self._write = os.pipe()

    def install(self) -> None:
        """Handle SIGTERM and SIGINT, and start the thread that ends a cleanup that hangs."""
        signal.signal(signal.SIGTERM, self._stop)
        signal.signal(signal.SIGINT, self._stop)
        threading.Thread(target=self._watch, daemon=True, name="outreach-stop").start()

    def _stop(self, signum: int, _frame: FrameType | None) -> None:
        if self.code is None:
            self.code = 128 + signum
            os.write(self._write, b"!")
        if signum == signal.SIGINT:
            raise KeyboardInterrupt
        raise SystemExit(128 + signum)

    def _watch(self) -> None:
        os.read(self._read, 1)
        time.sleep(GRACE)
        _end(self.code or 1)

    def end(self, code: object) -> None:
        """Once the command has unwound: if a stop signal came, end the process now,
        with ``code`` (the command's exit status, if it set one)."""
        if self.code is not None:
            _end(code if isinstance(code, int) else self.code)


def _end(code: int) -> None:
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    os._exit(code)
