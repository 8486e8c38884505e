"""The send log: one file for the workspace, a line for every message that left.

``send-log.jsonl`` at the workspace's root holds, one JSON object a line, each message
``outreach send`` handed to the server and the server accepted (or that ``send --record``
recorded as sent some other way): its Message-ID, the contact, the document's kind, the
occasion it answers (a thank-you's conversation, ``meeting of 2026-11-18``; empty for a
document a contact gets once), every envelope recipient and the time. A line is added,
and synced to disk, before the contact's history is written; the log is read again, under
the workspace's lock, before each message is sent. Lines are only ever added.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

from outreach.errors import InputError, OutputError, Problem, display_path
from outreach.workspace.output import locked
from outreach.workspace.paths import readable, writable

LOG = "send-log.jsonl"


@dataclass(frozen=True)
class Record:
    """One message sent (or recorded as sent)."""

    message_id: str
    contact: str
    kind: str
    #: What it answers (a thank-you's conversation: ``meeting of 2026-11-18``), or "".
    occasion: str
    recipients: tuple[str, ...]
    #: When the server accepted it, ISO 8601 with the offset.
    time: str
    #: ``smtp`` (outreach sent it) or ``record`` (``send --record``: sent some other way).
    via: str = "smtp"

    @property
    def day(self) -> str:
        return self.time[:10]


def path_of(root: Path) -> Path:
    return root / LOG


def _record(line: str, path: Path, number: int) -> Record:
    try:
        data = json.loads(line)
        data["recipients"] = tuple(data["recipients"])
        return Record(**data)
    except (ValueError, TypeError, KeyError) as exc:
        raise InputError([Problem(path, number, None, (
            f"is not a line outreach send wrote ({exc}): the message it stood for may have "
            "left, so nothing is sent until it is mended or removed"))]) from None


def read(root: Path) -> list[Record]:
    """Every record of the workspace's send log (none when there is no log yet)."""
    path = path_of(root)
    if not path.exists() and not path.is_symlink():
        return []
    readable(path, root)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError([Problem(path, None, None, f"cannot be read: {exc}")]) from None
    return [_record(line, path, n) for n, line in enumerate(text.splitlines(), start=1)
            if line.strip()]


def append(root: Path, record: Record) -> None:
    """Add ``record`` to the log, on disk (synced) when this returns."""
    path = path_of(root)
    writable([path], [root])
    line = json.dumps(asdict(record), ensure_ascii=False) + "\n"
    try:
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(fd, line.encode("utf-8"))
            os.fsync(fd)
        finally:
            os.close(fd)
    except OSError as exc:
        raise OutputError(f"cannot write {display_path(path)}: {exc.strerror}") from None


def now() -> str:
    return dt.datetime.now().astimezone().isoformat(timespec="seconds")


@contextlib.contextmanager
def workspace_lock(root: Path) -> Iterator[None]:
    """The workspace's sending lock: held while a message is checked, sent and logged,
    so two ``outreach send`` at once deliver each message once."""
    with locked(root):
        yield
