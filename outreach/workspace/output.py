"""Writing files without ever losing work.

Every write goes to a temporary file in the target's own folder and is then moved
over the target with ``os.replace``, so a reader (or a crash) sees the old file or the
new one, never half of one.

What outreach writes it records in a manifest, ``.outreach-written.json`` in the output
folder (the deepest of the folders a write must stay ``within`` that holds the file):
each file's SHA-256 as written. A file that still has the recorded hash is outreach's
own and is written again, without ``--force``, when what it would hold changes; a file
changed since (by hand, in Word) or not written by outreach is kept and named, unless
the caller forces it. The manifest is read and replaced under the folder's lock, so
commands running side by side never lose each other's entries.
"""

from __future__ import annotations

import contextlib
import functools
import glob
import hashlib
import io
import json
import logging
import os
import re
import shutil
import tempfile
import time
import warnings
import zipfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Literal

from outreach.errors import OutputError, display_path

from .paths import writable

if TYPE_CHECKING:
    from concurrent.futures import Future, ThreadPoolExecutor

Action = Literal["written", "overwritten", "kept", "unchanged", "would write",
                 "would overwrite"]
#: The manifest of what outreach wrote, in the output folder.
MANIFEST = ".outreach-written.json"
#: Why a file that exists is kept (``--force`` overwrites it either way).
CHANGED = "changed since outreach wrote it"
FOREIGN = "not written by outreach"


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
    #: Why a kept file is kept: ``CHANGED`` or ``FOREIGN``.
    why: str = CHANGED

    def __str__(self) -> str:
        where = display_path(self.path)
        if self.action == "kept":
            return f"kept     {where}: {self.why}; --force overwrites it"
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
    if path.parent.is_dir():  # and so is every folder above it
        return
    for parent in reversed([path.parent, *path.parent.parents]):
        if parent.exists() and not parent.is_dir():
            raise OutputError(f"cannot write {display_path(path)}: {display_path(parent)} is a "
                              "file, where a folder should be; move it away")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot write {display_path(path)}: {exc.strerror}") from None


def temp_prefix(path: Path) -> str:
    """The name every temporary file for ``path`` starts with (and ends with ``.tmp``):
    ``.<name>.<pid>.``, so a sweep can tell a live writer's file from a dead one's."""
    return f".{path.name}.{os.getpid()}."


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


def atomic_write(path: Path, data: bytes, *, within: Sequence[Path]) -> None:
    """Write ``data`` to ``path`` all at once: a temporary file, then ``os.replace``.

    A link at ``path`` (leading inside ``within``; see ``paths``) is written through:
    its target gets the data and the link stays a link."""
    writable([path], within)
    path = path.resolve()
    sweep(path.parent, path.name)
    try:
        os.replace(_temp_copy(path, data), path)
    except BaseException as exc:
        _remove_own_temporaries([path])
        if isinstance(exc, OSError):
            raise OutputError(f"cannot write {display_path(path)}: {exc.strerror}") from None
        raise


def create_new(path: Path, data: bytes) -> bool:
    """Write a file that must not exist yet, all at once; False (nothing written) if it
    does. A hard link to the temporary file fails, rather than replaces, a taken name."""
    tmp = _temp_copy(path, data)
    try:
        return _link_new(Path(tmp), path)
    finally:
        with contextlib.suppress(OSError):
            os.unlink(tmp)


def create_new_batch(folder: Path, files: list[tuple[str, bytes]]) -> list[bool]:
    """``create_new`` for many files in one folder (an import of thousands of contacts):
    each is written into a hidden temporary folder beside them, all are flushed to disk
    with one ``os.sync``, then each is hard-linked into place, never over a name that is
    taken (False for that file). A crash leaves each file whole or absent."""
    if not files:
        return []
    _folder(folder / files[0][0])
    try:  # named like a temporary file (the process id in it), for sweep_stages
        stage = Path(tempfile.mkdtemp(prefix=f"{STAGE_PREFIX}{os.getpid()}.", suffix=".tmp",
                                      dir=folder))
    except OSError as exc:
        raise OutputError(f"cannot write in {display_path(folder)}: {exc.strerror}") from None
    try:
        for index, (_name, data) in enumerate(files):
            (stage / str(index)).write_bytes(data)
        os.sync()
        return [_link_new(stage / str(index), folder / name)
                for index, (name, _data) in enumerate(files)]
    except OSError as exc:
        raise OutputError(f"cannot write in {display_path(folder)}: {exc.strerror}") from None
    finally:
        shutil.rmtree(stage, ignore_errors=True)


#: The start of the name of ``create_new_batch``'s hidden folder.
STAGE_PREFIX = ".outreach-stage."


def sweep_stages(folder: Path) -> None:
    """Remove the hidden folders ``create_new_batch`` runs that were killed left in
    ``folder`` (copies of the files they were writing), like any other stale temporary
    file; a folder a run still writing has is left."""
    with contextlib.suppress(OSError):
        for leftover in folder.glob(".outreach-*.tmp"):
            if leftover.is_dir() and not leftover.is_symlink() and stale(leftover):
                shutil.rmtree(leftover, ignore_errors=True)


def _link_new(tmp: Path, path: Path) -> bool:
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


# -- the manifest of what outreach wrote ------------------------------------------------

def manifest_folder(path: Path, within: Sequence[Path]) -> Path:
    """The folder whose manifest records ``path``: the deepest of ``within`` holding it
    (the output folder, not the workspace above it), else the file's own folder."""
    where = Path(os.path.abspath(path))
    holding = [Path(os.path.abspath(f)) for f in within if where.is_relative_to(
        os.path.abspath(f))]
    return max(holding, key=lambda f: len(f.parts)) if holding else where.parent


def _key(path: Path, folder: Path) -> str:
    return Path(os.path.abspath(path)).relative_to(folder).as_posix()


def _parsed(data: bytes) -> dict[str, tuple[str, ...]]:
    try:
        files = json.loads(data).get("files")
    except (ValueError, AttributeError):  # damaged: nothing is known to be outreach's
        return {}
    if not isinstance(files, dict):
        return {}
    return {k: (v,) if isinstance(v, str) else tuple(h for h in v if isinstance(h, str))
            for k, v in files.items() if isinstance(k, str) and isinstance(v, str | list)}


#: Each manifest read, by folder, with the version of the file it was read from: a plan
#: of a thousand letters asks for it two thousand times.
_READ: dict[Path, tuple[tuple[int, int, int], dict[str, tuple[str, ...]]]] = {}


def recorded(folder: Path) -> Mapping[str, tuple[str, ...]]:
    """What the manifest in ``folder`` records: path (relative to it) -> SHA-256 (two
    while the file is being replaced: the one it had and the one it gets)."""
    try:
        with open(folder / MANIFEST, "rb") as handle:
            info = os.fstat(handle.fileno())
            stamp = (info.st_ino, info.st_mtime_ns, info.st_size)
            if folder not in _READ or _READ[folder][0] != stamp:
                _READ[folder] = (stamp, _parsed(handle.read()))
            return MappingProxyType(_READ[folder][1])
    except OSError:
        return {}


def _digest(path: Path) -> str | None:
    try:
        with open(path, "rb") as handle:
            return hashlib.file_digest(handle, "sha256").hexdigest()
    except OSError:
        return None


def why_kept(path: Path, *, force: bool, within: Sequence[Path],
             dry_run: bool = False) -> str | None:
    """Why ``path`` is kept rather than written (``CHANGED``, ``FOREIGN``), or None: it
    is missing, outreach's own and unchanged since, or forced (and a dry run checks
    every file, so none is kept from it)."""
    if force or dry_run or not path.exists():
        return None
    folder = manifest_folder(path, within)
    known = recorded(folder).get(_key(path, folder))
    if known is None:
        return FOREIGN
    return None if _digest(path) in known else CHANGED


def _zip_parts(data: bytes) -> dict[str, tuple[int, int] | bytes] | None:
    """A ZIP's entries by name, each as its CRC-32 and size from the central directory
    (nothing decompressed), but those that hold a time stamp, read whole without it."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return {info.filename: _STAMPS.sub(b"", archive.read(info))
                    if info.filename.endswith(_STAMPED) else (info.CRC, info.file_size)
                    for info in archive.infolist()}
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return None


_STAMPS = re.compile(rb"<dcterms:(created|modified)[^>]*>[^<]*</dcterms:\1>")
#: The parts of a DOCX that say when it was written (its core properties).
_STAMPED = ("core.xml",)


def same_content(old: bytes, new: bytes) -> bool:
    """Would writing ``new`` over ``old`` change nothing but the time stamps a writer
    puts in (a DOCX records when it was made, in its ZIP entries and core properties)?
    The entries are compared by their checksums; only the core properties are read."""
    if old == new:
        return True
    if not (old.startswith(b"PK") and new.startswith(b"PK")):
        return False
    before, after = _zip_parts(old), _zip_parts(new)
    return before is not None and before == after


def _record(written: list[Planned], folder: Path, *, replacing: bool) -> None:
    """Add the files written to the manifest in ``folder`` (under its lock). Before they
    replace what is there (``replacing``), each is recorded with both its old hash and
    its new one, so a run killed at any point leaves every file outreach's own."""
    if not written:
        return
    files: dict[str, object] = {k: v[0] if len(v) == 1 else list(v)
                                for k, v in recorded(folder).items()}
    for item in written:
        new = hashlib.sha256(item.data).hexdigest()
        old = _digest(item.path) if replacing else None
        files[_key(item.path, folder)] = [old, new] if old and old != new else new
    text = json.dumps({"written by": "outreach", "files": dict(sorted(files.items()))},
                      indent=1, ensure_ascii=False) + "\n"
    atomic_write(folder / MANIFEST, text.encode("utf-8"), within=(folder,))


#: A temporary file older than this is a leftover, whatever process wrote it (its id
#: may have been given to another process since, or it was written on another machine).
STALE_SECONDS = 6 * 3600
#: Files synced side by side, at most.
SYNC_THREADS = 16
_TEMP_PID = re.compile(r"\.(\d+)\.[^.]*\.tmp$")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True


def stale(leftover: Path) -> bool:
    """Is this temporary file a leftover of a run that ended without cleaning up: its
    writer (the process id in its name) is gone, or it is hours old?"""
    try:
        age = time.time() - leftover.stat().st_mtime
    except OSError:
        return False
    match = _TEMP_PID.search(leftover.name)
    if age > STALE_SECONDS:
        return True
    return match is not None and int(match.group(1)) != os.getpid() and not _alive(
        int(match.group(1)))


def sweep(folder: Path, name: str) -> None:
    """Remove what killed runs left of their temporary files for ``folder/name``; a
    temporary file of a run still writing (another batch at the same time) is left."""
    if folder.is_dir():
        for leftover in folder.glob(f".{glob.escape(name)}.*.tmp"):
            if stale(leftover):
                with contextlib.suppress(OSError):
                    leftover.unlink()


def _sync_one(name: str) -> None:
    fd = os.open(name, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@functools.cache
def _syncing() -> ThreadPoolExecutor:
    """The threads that sync staged files, kept from pass to pass: making 16 threads for
    each pass of a batch cost a third of writing its files. A thread is started only
    when the others are busy, so a pass of a few files starts a few."""
    from concurrent.futures import ThreadPoolExecutor  # deferred: concurrent.futures

    return ThreadPoolExecutor(SYNC_THREADS, thread_name_prefix="outreach-sync")


if hasattr(os, "register_at_fork"):  # a forked child's copy has no threads behind it
    os.register_at_fork(after_in_child=_syncing.cache_clear)


def _sync(names: list[str]) -> None:
    """Every staged file on disk before any is moved into place. Synced side by side,
    the file system commits them together: one wait for a pass, not one for each file."""
    try:
        _sync_side_by_side(names)
    except OSError as exc:
        where = Path(exc.filename) if exc.filename else Path(names[0])
        raise OutputError(f"cannot write {display_path(where)}: {exc.strerror}") from None


def _sync_side_by_side(names: list[str]) -> None:
    """``names`` synced by the pool's threads; when the system refuses one more thread
    (a memory limit, a limit on processes: "can't start new thread"), the rest here,
    while the threads there are sync what they were given."""
    futures = _submitted(_syncing(), names)
    for name in names[len(futures):]:
        _sync_one(name)
    for future in futures:
        future.result()


def _submitted(pool: ThreadPoolExecutor, names: list[str]) -> list[Future[None]]:
    """The syncs the pool took, in order: all of them, or those before it could not
    start a thread (the one refused is synced by the caller: twice does no harm)."""
    futures: list[Future[None]] = []
    for name in names:
        try:
            futures.append(pool.submit(_sync_one, name))
        except RuntimeError:  # can't start new thread
            break
    return futures


@contextlib.contextmanager
def locked(folder: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``folder`` (the folder itself, so nothing is left
    behind) while a read-modify-write of a file in it runs; other outreach processes
    wait. The lock goes with the process, however it ends."""
    import fcntl  # deferred: fcntl

    try:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    except OSError as exc:
        raise OutputError(f"cannot lock {display_path(folder)}: {exc.strerror}") from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def record(written: list[Planned], *, within: Sequence[Path]) -> None:
    """Record files written otherwise than by ``write_all`` (``init`` makes them with
    ``create_new``) as outreach's own, so a later command may write them again."""
    for folder in sorted({manifest_folder(item.path, within) for item in written}):
        with locked(folder):
            _record([i for i in written if manifest_folder(i.path, within) == folder],
                    folder, replacing=False)


def _outcome(item: Planned, force: bool, dry_run: bool,
             within: Sequence[Path]) -> Outcome:
    """What becomes of one planned file: written, overwritten (outreach's own, or
    forced), unchanged (the same as outreach's own), or kept and why."""
    why = why_kept(item.path, force=force, within=within)
    if why is not None:
        return Outcome(item.path, "kept", why)
    if not item.path.exists():
        return Outcome(item.path, "would write" if dry_run else "written")
    try:
        if same_content(item.path.read_bytes(), item.data):
            return Outcome(item.path, "unchanged")
    except OSError:
        pass  # unreadable (a link to nowhere): written over, as forced
    return Outcome(item.path, "would overwrite" if dry_run else "overwritten")


def write_all(planned: Iterable[Planned], *, force: bool, dry_run: bool,
              within: Sequence[Path]) -> list[Outcome]:
    """Write every planned file (or say what would be written), all or nothing, and
    record each in the manifest; a file changed since outreach wrote it, or not written
    by it, is kept unless forced, and one that would not change is left as it is.

    Every file is first written in full to a temporary file beside its target; only when
    all of them are on disk are they moved into place, one ``os.replace`` each. A failure
    before that point removes the temporary files and leaves every target as it was.
    A target that leads outside ``within`` (through a link) is refused before any is
    written (see ``paths``); a link inside is written through.
    """
    planned = list(planned)
    writable([item.path for item in planned], within)
    if dry_run:
        return [_outcome(item, force, True, within) for item in planned]
    folders = sorted({manifest_folder(item.path, within) for item in planned})
    with contextlib.ExitStack() as stack:
        for folder in folders:  # the manifests' folders, always in one order
            _folder(folder / MANIFEST)
            stack.enter_context(locked(folder))
        outcomes = [_outcome(item, force, False, within) for item in planned]
        written = [item for item, o in zip(planned, outcomes, strict=True)
                   if o.action in ("written", "overwritten")]
        for replacing in (True, False):  # around the files' move into place
            for folder in folders:
                _record([i for i in written if manifest_folder(i.path, within) == folder],
                        folder, replacing=replacing)
            if replacing:
                _replace_all(written)
    return outcomes


def _replace_all(planned: list[Planned]) -> None:
    """Each file staged beside its target, all synced, then each moved into place."""
    staged: list[tuple[str, Path]] = []
    try:
        for item in planned:
            real = item.path.resolve()
            sweep(real.parent, real.name)
            staged.append((_temp_copy(real, item.data, sync=False), real))
        _sync([tmp for tmp, _ in staged])
        for tmp, path in staged:
            os.replace(tmp, path)
    except BaseException:
        _remove_own_temporaries([item.path for item in planned])
        raise


def _remove_own_temporaries(paths: list[Path]) -> None:
    """Every temporary file this process made for ``paths``, found by name (its pid is in
    it), not by the list of those staged: a signal (SIGTERM, Ctrl-C) may come after a
    file was made and before its name was kept."""
    for path in paths:
        with contextlib.suppress(OSError):
            real = path.resolve()
            for tmp in real.parent.glob(f"{glob.escape(temp_prefix(real))}*.tmp"):
                with contextlib.suppress(OSError):
                    tmp.unlink()


@contextlib.contextmanager
def quiet_pdf_reading() -> Iterator[None]:
    """While outreach reads back a PDF it wrote, pypdf's complaints about a damaged file
    ("EOF marker not found") are not printed: the caller says what matters."""
    logger = logging.getLogger("pypdf")
    was = logger.disabled
    logger.disabled = True
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        logger.disabled = was
