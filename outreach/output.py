"""Writing files without ever losing work.

Every write goes to a temporary file in the target's own folder and is then moved
over the target with ``os.replace``, so a reader (or a crash) sees the old file or the
new one, never half of one. An existing file is kept unless the caller forces it.
"""

from __future__ import annotations

import contextlib
import glob
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


def _mode_for(path: Path) -> int:
    """The permissions a new file gets from the umask, or those of the file it replaces."""
    try:
        return path.stat().st_mode & 0o777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _folder(path: Path) -> None:
    for parent in reversed([path.parent, *path.parent.parents]):
        if parent.exists() and not parent.is_dir():
            raise OutputError(f"cannot write {display_path(path)}: {display_path(parent)} is a "
                              "file, where a folder should be; move it away")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot write {display_path(path)}: {exc.strerror}") from None


def temp_prefix(path: Path) -> str:
    """The name every temporary file for ``path`` starts with (and ends with ``.tmp``)."""
    return f".{path.name}."


def _temp_copy(path: Path, data: bytes, sync: bool = True) -> str:
    """``data`` written (and synced, unless the caller syncs it) to a temporary file
    beside ``path``; its name."""
    _folder(path)
    try:
        fd, tmp = tempfile.mkstemp(prefix=temp_prefix(path), suffix=".tmp", dir=path.parent)
        os.fchmod(fd, _mode_for(path))
    except OSError as exc:
        raise OutputError(f"cannot write {display_path(path)}: {exc.strerror}") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            if sync:
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


def sweep(folder: Path, name: str) -> None:
    """Remove what a killed run left of its temporary files for ``folder/name``."""
    if folder.is_dir():
        for leftover in folder.glob(f".{glob.escape(name)}.*.tmp"):
            with contextlib.suppress(OSError):
                leftover.unlink()


def _sync_one(name: str) -> None:
    fd = os.open(name, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _sync(names: list[str]) -> None:
    """Every staged file on disk before any is moved into place. Synced side by side,
    the file system commits them together: one wait for a pass, not one for each file."""
    from concurrent.futures import ThreadPoolExecutor

    try:
        with ThreadPoolExecutor(max(1, min(16, len(names)))) as pool:
            list(pool.map(_sync_one, names))
    except OSError as exc:
        where = Path(exc.filename) if exc.filename else Path(names[0])
        raise OutputError(f"cannot write {display_path(where)}: {exc.strerror}") from None


def write_all(planned: Iterable[Planned], *, force: bool, dry_run: bool) -> list[Outcome]:
    """Write every planned file (or say what would be written), all or nothing.

    Every file is first written in full to a temporary file beside its target; only when
    all of them are on disk are they moved into place, one ``os.replace`` each. A failure
    before that point removes the temporary files and leaves every target as it was.
    """
    outcomes: list[Outcome] = []
    staged: list[tuple[str, Path]] = []
    try:
        for item in planned:
            exists = item.path.exists()
            if exists and not force:
                outcomes.append(Outcome(item.path, "kept"))
            elif dry_run:
                outcomes.append(Outcome(item.path,
                                        "would overwrite" if exists else "would write"))
            else:
                sweep(item.path.parent, item.path.name)
                staged.append((_temp_copy(item.path, item.data, sync=False), item.path))
                outcomes.append(Outcome(item.path, "overwritten" if exists else "written"))
        _sync([tmp for tmp, _ in staged])
        for tmp, path in staged:
            os.replace(tmp, path)
    except BaseException:
        for tmp, _ in staged:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        raise
    return outcomes
