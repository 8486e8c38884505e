"""A cache of laid-out pages, so a batch run again lays out only what changed.

An entry is keyed by everything that decides a document's pages and bytes: its HTML, the
CSS, whether it was set tighter, its metadata, the workspace folder its URLs resolve
against, the installed WeasyPrint and its helpers, the system's text libraries and
fonts, and outreach's own code (by content, wherever its modules live). A file the
layout fetched (a font or an image named in the CSS) is recorded with its size and time,
and the entry is not used once that file changed. So an entry is never stale; the folder
is safe to delete at any time, and it is kept under a size (least recently used entries
go first).

The same folder keeps what outreach's own code made of a template's rendered Markdown
(the document's blocks), of a contact's name (its parts) and of the DOCX reference (its
styles, prepared), keyed by that input and a fingerprint of outreach's code and of the
packages it used: a batch run again parses only the letters and names that changed.

The cache touches only its own. Its folder is ``$OUTREACH_CACHE_DIR``, else the
platform's user cache folder (platformdirs: ``~/.cache/outreach/layout`` on Linux). It
holds a marker (``CACHEDIR.TAG``); a folder without it is used only when it is new,
empty or holds nothing but entries, and a folder of someone else's, or one others can
write in, is not used at all (said once; outreach works without a cache). An entry is a
file named by its 48-digit key, sealed with its length and SHA-256: anything else in the
folder is never read, trimmed or cleared, and an entry that does not match its seal (a
crash left it short) is removed and made again. ``OUTREACH_CACHE=off`` or
``OUTREACH_CACHE_MB=0`` turns the cache off; ``OUTREACH_CACHE_MB`` sets its size
(default 200, at most ``MAX_MB``), checked before a command writes anything.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import importlib.util
import json
import math
import os
import re
import stat
import sys
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from glob import glob
from pathlib import Path
from typing import Any, TypeVar

import platformdirs

from .errors import SettingError

#: Packages whose code lays out or writes the pages (stat of their files, not imported).
PACKAGES = ("weasyprint", "pydyf", "tinycss2", "cssselect2", "tinyhtml5", "fontTools",
            "pyphen")
#: Packages whose code outreach's cached work depends on besides its own: the Markdown
#: parser (a document's blocks), the name parser (a contact's name read) and lxml (the
#: DOCX reference's styles, prepared once).
CODE_PACKAGES = ("markdown_it", "mdit_py_plugins", "nameparser", "lxml")
FONT_DIRS = ("/usr/share/fonts", "/usr/local/share/fonts", "~/.fonts", "~/.local/share/fonts",
             "/etc/fonts", "/Library/Fonts", "~/Library/Fonts", "/System/Library/Fonts")
LIBRARIES = ("libpango-1.0", "libpangoft2-1.0", "libharfbuzz", "libfontconfig", "libfreetype")
LIBRARY_DIRS = ("/usr/lib", "/usr/lib/*", "/usr/local/lib", "/opt/homebrew/lib", "/lib/*")
DEFAULT_MB = 200
#: The largest size ``OUTREACH_CACHE_MB`` may give (a terabyte): more is a typing slip.
MAX_MB = 1_000_000
MB = 1024 * 1024
#: What reading a damaged entry raises: the entry is then made again.
DAMAGED = (ValueError, TypeError, KeyError, IndexError, RecursionError)
#: The marker of outreach's cache folder, in the Cache Directory Tagging convention
#: (backup tools skip such a folder); its first two lines say it is outreach's.
MARKER = "CACHEDIR.TAG"
MARKER_TEXT = ("Signature: 8a477f597d28d172789f06886806bc55\n"
               "# This file is a cache directory tag created by outreach.\n"
               "# outreach reads, trims and clears only its own entries here (files named\n"
               "# by 48 hexadecimal digits); the folder is safe to delete at any time.\n")
#: An entry's name (its key) and the temporary name it is written under first.
ENTRY_NAME = re.compile(r"[0-9a-f]{48}")
TEMP_NAME = re.compile(r"\.entry\.[^/]+")
#: The seal an entry starts with: ``outreach-cache 1 <length> <sha256>\n``.
SEAL = b"outreach-cache 1 "
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)

T = TypeVar("T")


@dataclass(frozen=True)
class Entry:
    """What the cache keeps of one laid-out document."""

    pages: int
    data: bytes | None  # None: only the page count was asked for (a DOCX-only run)
    warnings: tuple[str, ...] = ()
    #: Files the layout read, with their size and modification time.
    files: tuple[tuple[str, int, int], ...] = ()
    #: What the layout placed in the document besides (JSON; a sheet's page breaks and
    #: answer heights), or empty.
    placed: str = ""


# -- the settings ------------------------------------------------------------------------

def switched_on() -> bool:
    """``OUTREACH_CACHE``: on (unset, ``on``, ``yes``, ``1``) or off (``off``, ``no``,
    ``0``); anything else is refused."""
    value = os.environ.get("OUTREACH_CACHE", "").strip().lower()
    if value in ("", "on", "yes", "1", "true"):
        return True
    if value in ("off", "no", "0", "false"):
        return False
    raise SettingError(f"OUTREACH_CACHE={os.environ['OUTREACH_CACHE']!r} is neither on nor "
                       "off; set OUTREACH_CACHE=off to turn the layout cache off, or unset it")


def limit_mb() -> float:
    """``OUTREACH_CACHE_MB``: the cache's size in megabytes, from 0 (no cache) to
    ``MAX_MB``; unset or empty, ``DEFAULT_MB``. Anything else is refused."""
    text = os.environ.get("OUTREACH_CACHE_MB", "").strip()
    if not text:
        return DEFAULT_MB
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not 0 <= value <= MAX_MB:  # a NaN fails this too
        raise SettingError(
            f"OUTREACH_CACHE_MB={text!r} is not a size: give the layout cache's size in "
            f"megabytes, a number from 0 (no cache) to {MAX_MB} (default {DEFAULT_MB})")
    return value


def check_settings() -> None:
    """Both settings checked: the CLI calls this before a command writes anything."""
    switched_on()
    limit_mb()


def _limit() -> int | None:
    """The cache's size in bytes; None when it is off (or a setting is wrong: the CLI
    said so before anything ran, and a program using outreach gets no cache)."""
    try:
        on, size = switched_on(), limit_mb()
    except SettingError:
        return None
    return int(size * MB) if on and size > 0 else None


def folder() -> Path | None:
    """Where the cache lives (whether or not it may be used), or None when it is off."""
    if _limit() is None:
        return None
    explicit = os.environ.get("OUTREACH_CACHE_DIR")
    if explicit:
        return Path(explicit).expanduser()
    return Path(platformdirs.user_cache_dir("outreach", appauthor=False)) / "layout"


# -- whose folder ------------------------------------------------------------------------

#: Folders found not fit to use in this process, with why (said once).
_refused: dict[str, str] = {}
#: Folders found fit, with their identity and owner as then: looked at again when changed.
_approved: dict[str, tuple[int, int, int, int]] = {}


def check() -> str | None:
    """The settings checked (``SettingError``), then the folder: what to say, once, when
    it is not fit to use (the CLI says it before a command runs), or None."""
    check_settings()
    where = folder()
    if where is None:
        return None
    why = _unfit(where, create=False)
    if not why:
        return None
    _refused[str(where)] = why
    return (f"the layout cache {where} is not used: {why}; outreach works "
            "without it (only more slowly)")


def _own(create: bool) -> Path | None:
    """The cache folder when outreach may use it (made when ``create`` and missing);
    None when the cache is off, the folder is missing, or it is not fit to use (``check``
    says why, before the layout starts: a warning said during it would be taken for
    one of the layout's)."""
    where = folder()
    if where is None or str(where) in _refused:
        return None
    why = _unfit(where, create)
    if why:
        _refused[str(where)] = why
    return where if why is None else None


def _unfit(where: Path, create: bool) -> str | None:
    """Why ``where`` may not be the cache (None: it may; empty: it does not exist)."""
    try:
        info = os.stat(where)
    except FileNotFoundError:
        return _made(where) if create else ""
    except OSError as exc:
        return f"it cannot be read ({exc.strerror})"
    if not stat.S_ISDIR(info.st_mode):
        return "it is not a folder"
    identity = (info.st_dev, info.st_ino, info.st_uid, info.st_mode)
    if _approved.get(str(where)) == identity:
        return None
    why = _owner_problem(info) or _marked(where)
    if why is None:
        _approved[str(where)] = identity
    return why


def _made(where: Path) -> str | None:
    try:
        where.mkdir(parents=True, mode=0o700, exist_ok=True)
    except OSError as exc:
        return f"it cannot be made ({exc.strerror})"
    return _unfit(where, create=False)  # someone may have made it first


def _owner_problem(info: os.stat_result) -> str | None:
    if os.name != "posix":
        return None
    if info.st_uid != os.geteuid():
        return "it belongs to another user, who could put words into your letters"
    if info.st_mode & 0o022:
        return (f"others can write in it, and so put words into your letters (chmod "
                f"go-w, or point OUTREACH_CACHE_DIR elsewhere; mode {info.st_mode & 0o777:o})")
    return None


def _marked(where: Path) -> str | None:
    """None when ``where`` carries outreach's marker, or may be given it: it holds
    nothing but outreach's entries."""
    try:
        fd = os.open(where / MARKER, os.O_RDONLY | _NOFOLLOW)
        with os.fdopen(fd, "rb") as handle:
            found = handle.read(len(MARKER_TEXT) + 1).decode("utf-8", "replace")
    except FileNotFoundError:
        return _adopt(where)
    except OSError as exc:
        return f"its {MARKER} cannot be read ({exc.strerror})"
    if found.splitlines()[:2] != MARKER_TEXT.splitlines()[:2]:
        return f"its {MARKER} is not outreach's: the folder is another program's cache"
    return None


def _adopt(where: Path) -> str | None:
    try:
        others = sorted(n for n in os.listdir(where) if not _ours(n))
    except OSError as exc:
        return f"it cannot be listed ({exc.strerror})"
    if others:
        return (f"it holds files that are not outreach's ({others[0]}"
                f"{', ...' if len(others) > 1 else ''}), which it never touches; point "
                "OUTREACH_CACHE_DIR at a new or empty folder")
    try:
        _write(where, MARKER, MARKER_TEXT.encode())
    except OSError as exc:
        return f"it cannot be written ({exc.strerror})"
    return None


def _ours(name: str) -> bool:
    return name == MARKER or bool(ENTRY_NAME.fullmatch(name) or TEMP_NAME.fullmatch(name))


def _write(where: Path, name: str, data: bytes) -> None:
    """``data`` under ``name`` in ``where``, all at once (a temporary file first)."""
    fd, tmp = tempfile.mkstemp(prefix=".entry.", dir=where)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, where / name)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


# -- fingerprints ------------------------------------------------------------------------

def _stat(path: str) -> str:
    try:
        info = os.stat(path)
    except OSError:
        return f"{path}:-"
    return f"{path}:{info.st_size}:{info.st_mtime_ns}"


def _package_files(name: str) -> list[str]:
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.origin:
        return [f"{name}:-"]
    where = Path(spec.origin).parent
    return [_stat(str(p)) for p in sorted(where.glob("*.py"))] + [_stat(str(where))]


def _libraries() -> list[str]:
    """The text libraries' files, each folder listed once (a folder reached twice, as
    ``/lib`` is ``/usr/lib`` on most systems, once): listing the large ``/usr/lib/*``
    folders once for each library took 40 ms of every run."""
    folders: list[str] = []
    for pattern in LIBRARY_DIRS:
        folders += sorted(glob(pattern + "/")) if "*" in pattern else [pattern]
    seen: set[str] = set()
    found: list[str] = []
    for where in folders:
        real = os.path.realpath(where)
        if real in seen:
            continue
        seen.add(real)
        try:
            with os.scandir(real) as entries:
                names = sorted(e.name for e in entries if e.name.startswith(LIBRARIES))
        except OSError:  # not there, or not a folder
            continue
        found += [_stat(os.path.join(real, name)) for name in names]
    return found


@functools.cache
def environment() -> str:
    """A fingerprint of what lays out the pages, besides the document and its CSS:
    outreach's own code (``code``), the layout's packages, text libraries and fonts."""
    parts = [code()]
    for name in PACKAGES:
        parts += _package_files(name)
    parts += _libraries()
    for root in FONT_DIRS:  # fontconfig itself notices new fonts by folder times
        for path, _, _ in sorted(os.walk(os.path.expanduser(root))):
            parts.append(_stat(path))
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _digest(fingerprint: str, parts: tuple[str, ...]) -> str:
    digest = hashlib.sha256(fingerprint.encode())
    for part in parts:
        digest.update(len(part.encode()).to_bytes(8, "big"))
        digest.update(part.encode())
    return digest.hexdigest()[:48]


def key(*parts: str) -> str:
    """The cache key of a document laid out from ``parts`` in this environment."""
    return _digest(environment(), parts)


def code_files() -> list[Path]:
    """outreach's own modules: what any of them does may change what it makes."""
    here = Path(__file__).resolve().parent
    return sorted(here.rglob("*.py"))


@functools.cache
def code() -> str:
    """A fingerprint of outreach's own code, by the modules' content (a module moved or
    renamed is still in it; 0.5 MB read in about a millisecond), and of the packages it
    parses Markdown and names with."""
    digest = hashlib.sha256(sys.version.encode())
    for path in code_files():
        with contextlib.suppress(OSError):
            data = path.read_bytes()
            digest.update(len(data).to_bytes(8, "big"))
            digest.update(data)
    for name in CODE_PACKAGES:
        digest.update("\n".join(_package_files(name)).encode())
    return digest.hexdigest()


def code_key(*parts: str) -> str:
    """The cache key of what outreach's code makes of ``parts`` (no layout in it)."""
    return _digest(code(), ("made by outreach", *parts))


def file_state(path: str) -> tuple[str, int, int]:
    try:
        info = os.stat(path)
    except OSError:
        return (path, -1, -1)
    return (path, info.st_size, info.st_mtime_ns)


# -- entries -----------------------------------------------------------------------------

def _entry_name(name: str) -> str:
    if not ENTRY_NAME.fullmatch(name):
        raise ValueError(f"{name!r} is not a cache key (48 hexadecimal digits)")
    return name


def sealed(data: bytes) -> bytes:
    """``data`` as an entry keeps it: after a line with its length and SHA-256."""
    return SEAL + b"%d %s\n" % (len(data), hashlib.sha256(data).hexdigest().encode()) + data


def unsealed(kept: bytes) -> bytes | None:
    """The data of an entry that matches its seal; None for one that does not (cut
    short by a crash, or damaged)."""
    line, newline, data = kept.partition(b"\n")
    if not newline or not line.startswith(SEAL):
        return None
    try:
        length, digest = line[len(SEAL):].split(b" ")
        whole = int(length) == len(data)
    except ValueError:
        return None
    if not whole or hashlib.sha256(data).hexdigest().encode() != digest:
        return None
    return data


def _read(path: Path) -> bytes | None:
    """An entry's sealed bytes: a file of this user's, not through a link."""
    try:
        fd = os.open(path, os.O_RDONLY | _NOFOLLOW)
    except FileNotFoundError:
        return None
    except OSError:  # a link, or a file no one may read: not an entry to use
        return b""
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode) or (os.name == "posix"
                                               and info.st_uid != os.geteuid()):
            return b""
        return handle.read()


def load(name: str) -> bytes | None:
    """The bytes kept under ``name``, or None (none kept, the cache is off, or the entry
    did not match its seal: it is then removed, to be made again)."""
    where = _own(create=False)
    if where is None:
        return None
    path = where / _entry_name(name)
    try:
        kept = _read(path)
    except OSError:
        kept = b""
    data = None if kept is None else unsealed(kept)
    if data is None:
        if kept is not None:
            with contextlib.suppress(OSError):
                os.unlink(path)
        return None
    with contextlib.suppress(OSError):
        os.utime(path)  # recently used: trimmed last
    return data


def keep(name: str, data: bytes) -> bool:
    """Keep ``data`` under ``name`` (atomically, sealed); False when the cache is off or
    cannot be written."""
    where = _own(create=True)
    if where is None:
        return False
    try:
        _write(where, _entry_name(name), sealed(data))
    except OSError:
        return False
    return True


def as_json(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False).encode("utf-8")


def remembered(name: str, make: Callable[[], T], read: Callable[[bytes], T],
               dump: Callable[[T], bytes] = as_json) -> T:
    """What ``make`` gives, kept under ``name``: read back from a sound entry (``read``
    raises one of ``DAMAGED`` for one that is not), else made and kept."""
    found = load(name)
    if found is not None:
        try:
            return read(found)
        except DAMAGED:
            pass
    made = make()
    keep(name, dump(made))
    return made


def get(name: str, *, need_pdf: bool) -> Entry | None:
    """The entry for a key, if there is a sound one (and with the PDF, if needed)."""
    kept = load(name)
    if kept is None:
        return None
    line, _, data = kept.partition(b"\n")
    try:
        header = json.loads(line)
        entry = Entry(int(header["pages"]), data if header["pdf"] else None,
                      tuple(header["warnings"]), tuple(tuple(f) for f in header["files"]),
                      str(header.get("placed", "")))
    except DAMAGED:
        return None
    if (need_pdf and entry.data is None) or any(file_state(f[0]) != f for f in entry.files):
        return None
    return entry


def put(name: str, entry: Entry) -> bool:
    """Keep an entry (atomically); False when the cache is off or cannot be written."""
    header = {"pages": entry.pages, "pdf": entry.data is not None,
              "warnings": list(entry.warnings), "files": [list(f) for f in entry.files],
              "placed": entry.placed}
    return keep(name, json.dumps(header).encode() + b"\n" + (entry.data or b""))


def _entries(where: Path) -> Iterator[tuple[int, int, str]]:
    """The cache's own files in ``where`` (entries and their temporary files, this
    user's, not links), as (last used, size, path); nothing else is ever looked at."""
    with os.scandir(where) as found:
        for item in found:
            if item.name == MARKER or not _ours(item.name):
                continue
            with contextlib.suppress(OSError):
                info = item.stat(follow_symlinks=False)
                if stat.S_ISREG(info.st_mode) and (os.name != "posix"
                                                   or info.st_uid == os.geteuid()):
                    yield info.st_mtime_ns, info.st_size, item.path


def trim(limit: int | None = None) -> None:
    """Remove the least recently used entries until the cache is within its size."""
    where = _own(create=False)
    limit = _limit() if limit is None else limit
    if where is None or limit is None:
        return
    with contextlib.suppress(OSError):  # the folder went away meanwhile
        entries = sorted(_entries(where))
        total = sum(size for _, size, _ in entries)
        for _, size, path in entries:
            if total <= limit:
                break
            with contextlib.suppress(OSError):
                os.unlink(path)
                total -= size


@dataclass(frozen=True)
class Summary:
    """What ``outreach cache`` shows."""

    folder: Path | None  # None: the cache is off
    limit: int  # bytes
    entries: int
    size: int  # bytes
    unfit: str  # why the folder is not used, or empty


def summary() -> Summary:
    """The cache's folder, size, limit and number of entries (the settings checked)."""
    check_settings()
    where, limit = folder(), _limit() or 0
    if where is None:
        return Summary(None, limit, 0, 0, "")
    why = _unfit(where, create=False)
    if why is None:
        with contextlib.suppress(OSError):
            found = list(_entries(where))
            return Summary(where, limit, len(found), sum(s for _, s, _ in found), "")
    return Summary(where, limit, 0, 0, why or "")


def clear() -> tuple[int, int]:
    """Remove every entry (and nothing else): how many, and their bytes."""
    check_settings()
    where = _own(create=False)
    removed = freed = 0
    if where is None:
        return removed, freed
    for _, size, path in list(_entries(where)):
        with contextlib.suppress(OSError):
            os.unlink(path)
            removed, freed = removed + 1, freed + size
    return removed, freed
