"""Imported first by the fork server (``workers.PRELOAD``), and only there: the server
and the workers forked from it never read the terminal nor print to it (results,
errors and warnings go back to the main process through multiprocessing), so their
standard input and output are pointed at ``/dev/null``. Otherwise the server, started
as the command starts, held the caller's standard output open while it imported
WeasyPrint: ``$(outreach ...)`` or ``outreach ... | less`` waited for that import even
when the run itself had ended (every page cached, or a mistake said at once). Standard
error stays: a worker that crashes still says why there.
"""

from __future__ import annotations

import os


def _quiet() -> None:
    nothing = os.open(os.devnull, os.O_RDWR)
    try:
        for stream in (0, 1):
            os.dup2(nothing, stream)
    finally:
        os.close(nothing)


_quiet()
