"""Writing files without ever losing work.

Every write goes to a temporary file in the target's own folder and is then moved
over the target with ``os.replace``, so a reader (or a crash) sees the old file or the
new one, never half of one. An existing file is kept unless the caller forces it.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from .errors import OutputError, display_path

Action = Literal["written", "overwritten", "kept", "would write", "would overwrite"]


@dataclass(frozen=True)
class Planned:
    """A file to write and its bytes."""

    path: Path
    data: bytes


@dataclass(frozen=True)
class Outcome:
    """What happened to one planned file."""

    path: Path
    action: Action

    def __str__(self) -> str:
        where = display_path(self.path)
        if self.action == "kept":
            return f"kept     {where} (it exists; --force overwrites it)"
        return f"{self.action:<8} {where}"


def _temp_copy(path: Path, data: bytes) -> str:
    """``data`` written and synced to a temporary file beside ``path``; its name."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise OutputError(f"cannot write {display_path(path)}: {exc.strerror}") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise OutputError(f"cannot write {display_path(path)}: {exc.strerror}") from None
        raise
    return tmp


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` all at once: a temporary file, then ``os.replace``."""
    tmp = _temp_copy(path, data)
    try:
        os.replace(tmp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise OutputError(f"cannot write {display_path(path)}: {exc.strerror}") from None


def create_new(path: Path, data: bytes) -> bool:
    """Write a file that must not exist yet, all at once; False (nothing written) if it
    does. A hard link to the temporary file fails, rather than replaces, a taken name."""
    tmp = _temp_copy(path, data)
    try:
        os.link(tmp, path)
        return True
    except FileExistsError:
        return False
    except OSError:  # a file system without hard links
        if path.exists():
            return False
        os.replace(tmp, path)
        return True
    finally:
        with contextlib.suppress(OSError):
            os.unlink(tmp)


def needs_writing(path: Path, force: bool) -> bool:
    """A file is written when it is missing, or when the user forces it."""
    return force or not path.exists()


def write_all(planned: Iterable[Planned], *, force: bool, dry_run: bool) -> list[Outcome]:
    """Write every planned file (or say what would be written)."""
    outcomes: list[Outcome] = []
    for item in planned:
        exists = item.path.exists()
        if exists and not force:
            outcomes.append(Outcome(item.path, "kept"))
        elif dry_run:
            outcomes.append(Outcome(item.path, "would overwrite" if exists else "would write"))
        else:
            atomic_write(item.path, item.data)
            outcomes.append(Outcome(item.path, "overwritten" if exists else "written"))
    return outcomes
