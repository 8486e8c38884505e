"""A cache of laid-out pages, so a batch run again lays out only what changed.

An entry is keyed by everything that decides a document's pages and bytes: its HTML, the
CSS, whether it was set tighter, its metadata, the workspace folder its URLs resolve
against, the installed WeasyPrint and its helpers, the system's text libraries and
fonts, and outreach's own HTML, PDF and page-filling code. A file the layout fetched (a font or an
image named in the CSS) is recorded with its size and time, and the entry is not used
once that file changed. So an entry is never stale; the folder is safe to delete at any
time, and it is kept under a size (least recently used entries go first).

The same folder keeps what outreach's own code made of a template's rendered Markdown
(the document's blocks), of a contact's name (its parts) and of the DOCX reference (its
styles, prepared), keyed by that input and a fingerprint of outreach's code and of the
packages it used: a batch run again parses only the letters and names that changed.

The folder is ``$OUTREACH_CACHE_DIR``, else ``$XDG_CACHE_HOME/outreach/layout``, else
``~/.cache/outreach/layout``; ``OUTREACH_CACHE=off`` turns the cache off and
``OUTREACH_CACHE_MB`` sets its size (default 200).
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import importlib.util
import json
import os
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from glob import glob
from pathlib import Path
from typing import Any, TypeVar

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
#: What reading a damaged entry raises: the entry is then made again.
DAMAGED = (ValueError, TypeError, KeyError, IndexError, RecursionError)

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


def folder() -> Path | None:
    """Where the cache lives, or None when it is turned off."""
    if os.environ.get("OUTREACH_CACHE", "").lower() in ("off", "0", "no"):
        return None
    explicit = os.environ.get("OUTREACH_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache")
    return Path(base) / "outreach" / "layout"


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
    """A fingerprint of what lays out the pages, besides the document and its CSS."""
    here = Path(__file__).resolve().parent / "writers"
    parts = [sys.version, _stat(str(here / "html.py")), _stat(str(here / "pdf.py")),
             _stat(str(here.parent / "fill.py"))]
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
    """A fingerprint of outreach's own code and of the packages it parses Markdown with."""
    parts = [sys.version, *(_stat(str(path)) for path in code_files())]
    for name in CODE_PACKAGES:
        parts += _package_files(name)
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def code_key(*parts: str) -> str:
    """The cache key of what outreach's code makes of ``parts`` (no layout in it)."""
    return _digest(code(), ("made by outreach", *parts))


def file_state(path: str) -> tuple[str, int, int]:
    try:
        info = os.stat(path)
    except OSError:
        return (path, -1, -1)
    return (path, info.st_size, info.st_mtime_ns)


def load(name: str) -> bytes | None:
    """The bytes kept under ``name``, or None (none kept, or the cache is off)."""
    where = folder()
    if where is None:
        return None
    try:
        with open(where / name, "rb") as handle:
            data = handle.read()
    except OSError:
        return None
    with contextlib.suppress(OSError):
        os.utime(where / name)  # recently used: trimmed last
    return data


def keep(name: str, data: bytes) -> bool:
    """Keep ``data`` under ``name`` (atomically); False when the cache is off or cannot
    be written."""
    where = folder()
    if where is None:
        return False
    try:
        where.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".entry.", dir=where)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, where / name)
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


def trim(limit: int | None = None) -> None:
    """Remove the least recently used entries until the cache is within its size."""
    where = folder()
    if where is None or not where.is_dir():
        return
    if limit is None:
        limit = int(float(os.environ.get("OUTREACH_CACHE_MB", DEFAULT_MB)) * 1024 * 1024)
    entries = []
    with os.scandir(where) as found:
        for item in found:
            with contextlib.suppress(OSError):
                info = item.stat()
                entries.append((info.st_mtime_ns, info.st_size, item.path))
    total = sum(size for _, size, _ in entries)
    for _, size, path in sorted(entries):
        if total <= limit:
            break
        with contextlib.suppress(OSError):
            os.unlink(path)
            total -= size
