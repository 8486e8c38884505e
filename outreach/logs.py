"""What the libraries and outreach log while a document is made, caught to be said again.

WeasyPrint, pypdf and outreach log warnings (a file the CSS may not fetch, a missing
font, a damaged enclosure) while a document is laid out or an enclosure is made; the
layout cache keeps them with each entry, so a cached run says what a fresh one would.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator


class _Capture(logging.Handler):
    def __init__(self, messages: list[str]) -> None:
        super().__init__(logging.WARNING)
        self.messages = messages

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if message not in self.messages:
            self.messages.append(message)


@contextlib.contextmanager
def capture(propagate: bool = True, into: list[str] | None = None) -> Iterator[list[str]]:
    """The warnings WeasyPrint, pypdf and outreach log meanwhile, each once, in order:
    added as they come to ``into`` (a report's warnings), else to a new list; logged as
    usual too unless ``propagate`` is false (the caller logs them itself)."""
    handler = _Capture(into if into is not None else [])
    loggers = [logging.getLogger(name) for name in ("outreach", "weasyprint", "pypdf")]
    kept = [logger.propagate for logger in loggers]
    for logger in loggers:
        logger.addHandler(handler)
        logger.propagate = propagate
    saved = [(h, h.level) for logger in loggers for h in logger.handlers if h is not handler]
    if not propagate:  # the handlers already there (a report's) hear nothing meanwhile
        for other, _ in saved:
            other.setLevel(logging.CRITICAL + 1)
    try:
        yield handler.messages
    finally:
        for other, level in saved:
            other.setLevel(level)
        for logger, before in zip(loggers, kept, strict=True):
            logger.removeHandler(handler)
            logger.propagate = before
