"""What travels with a letter: checked before anything is planned, cleaned before it goes.

``check_requested`` runs first, before any file is planned or kept: every ``--enclose``
file exists, is a PDF or DOCX that can be read, is not encrypted, is given once, and
is not the résumé when the document may never carry it (compared by what the file
says, so a re-saved, linearized or converted copy is still the résumé).

Nothing big is read before it is known to be worth reading (``read``): a file that is
not a plain file (a FIFO, a device, a folder) is named for what it is and never opened,
one larger than ``MAX_MB`` is refused from its size alone, and one that does not begin
as its kind does (``%PDF-``, or a ZIP archive for DOCX) from its first kilobyte.

An enclosure then travels as a clean copy, never as it came: a PDF without the
actions a reader would run (JavaScript, launch, submit, remote go-to; on pages,
annotations, form fields and the document), a DOCX without its external relationships
(linked images, hyperlinks, attached templates), so that neither LibreOffice's
conversion nor the contact's reader fetches or reads anything from elsewhere. Each
cleaning is reported as a warning.
"""

from __future__ import annotations

import functools
import hashlib
import io
import logging
import os
import re
import shutil
import subprocess
import tempfile
import unicodedata
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from outreach.campaign import rules
from outreach.errors import EnclosureRuleError, OutputError, display_path
from outreach.logs import capture
from outreach.workspace.output import Planned
from outreach.workspace.paths import not_a_file

if TYPE_CHECKING:
    from outreach.workspace.folder import Workspace

log = logging.getLogger(__name__)

#: Action types kept in an enclosed PDF: moving within it, and links a reader opens
#: only when clicked (and then asks). Everything else is removed.
SAFE_ACTIONS = frozenset({"/GoTo", "/URI", "/Named"})
#: Keys whose value is an action (or a list of them).
ACTION_KEYS = frozenset({"/A", "/Next", "/OpenAction"})
#: Keys removed wherever they are: additional (automatic) actions, document-level
#: JavaScript in the names tree, XFA forms (which carry scripts).
ACTIVE_KEYS = frozenset({"/AA", "/JavaScript", "/XFA"})
#: Words shared, four at a time, for a file to count as the résumé.
RESUME_OVERLAP = 0.6
SHINGLE = 4
#: The largest enclosure: it travels inside the letter, and mail servers refuse a
#: message much larger (25 MB at most, and attachments grow by a third when sent).
MAX_MB = 18
#: How each kind of enclosure begins: a PDF's header may follow up to a kilobyte of
#: other bytes (as readers allow); a DOCX is a ZIP archive.
MAGIC = {".pdf": b"%PDF-", ".docx": b"PK\x03\x04"}
HEAD = 1024


def check_requested(workspace: Workspace, may_enclose_resume: bool,
                    paths: tuple[Path, ...]) -> tuple[Path, ...]:
    """The enclosures asked for, each checked, in order, without repeats; refused
    (before anything else happens) when one cannot or may not travel."""

    unique: list[Path] = []
    for path in paths:
        if any(_same_file(path, seen) for seen in unique):
            log.warning("%s is given twice with --enclose: it is enclosed once",
                        display_path(path))
            continue
        _check_one(path)
        unique.append(path)
    resume = workspace.profile().resume_path if unique else None
    check_enclosures(may_enclose_resume, unique, resume)
    return tuple(unique)


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.samefile(b)
    except OSError:
        return a.absolute() == b.absolute()


def _check_one(path: Path) -> None:
    _plain_file(path, os.stat)
    if path.suffix.lower() not in MAGIC:
        raise OutputError(f"cannot enclose {display_path(path)}: an enclosure travels "
                          "inside the PDF, so it must be a PDF or DOCX file")
    text(path)  # small enough, of its kind, readable, and not encrypted


def _plain_file(path: Path, look: Callable[[Any], os.stat_result], at: Any = None
                ) -> os.stat_result:
    """``look(at)`` (``os.stat`` of the path, or ``os.fstat`` of the file opened) when it
    is a plain file of at most ``MAX_MB``; refused, saying what it is, otherwise."""
    shown = display_path(path)
    try:
        info = look(path if at is None else at)
    except FileNotFoundError:
        raise OutputError(f"cannot enclose {shown}: no such file") from None
    except OSError as exc:
        raise OutputError(f"cannot enclose {shown}: {exc.strerror}") from None
    if (what := not_a_file(info.st_mode)) is not None:
        raise OutputError(f"cannot enclose {shown}: it is {what}, not a file")
    if info.st_size > MAX_MB * 1024 * 1024:
        raise _too_big(path, info.st_size)
    return info


def _too_big(path: Path, size: int) -> OutputError:
    return OutputError(
        f"cannot enclose {display_path(path)}: it is {size / 1024 / 1024:,.0f} MB, and an "
        f"enclosure may be at most {MAX_MB} MB (it travels inside the letter, and mail "
        "servers refuse larger messages); enclose a smaller export of it")


def read(path: Path) -> bytes:
    """An enclosure's bytes, once it is known to be a plain file of at most ``MAX_MB``
    that begins as its kind does; nothing is read before (not even opened, when it is
    not a plain file)."""
    _plain_file(path, os.stat)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        raise OutputError(f"cannot enclose {display_path(path)}: {exc.strerror}") from None
    with os.fdopen(fd, "rb") as handle:
        _plain_file(path, os.fstat, fd)  # the file opened is the file looked at
        head = handle.read(HEAD)
        magic = MAGIC.get(path.suffix.lower(), b"")
        if not (head.startswith(magic) or (magic == MAGIC[".pdf"] and magic in head)):
            kind = "PDF" if magic == MAGIC[".pdf"] else "Word document (DOCX)"
            raise OutputError(f"cannot enclose {display_path(path)}: it is not a {kind}, "
                              f"whatever its name (it does not begin as one does)")
        data = head + handle.read(MAX_MB * 1024 * 1024 + 1 - len(head))
    if len(data) > MAX_MB * 1024 * 1024:  # it grew meanwhile
        raise _too_big(path, len(data))
    return data


def _unreadable(path: Path, exc: BaseException) -> OutputError:
    what = "a PDF" if path.suffix.lower() == ".pdf" else "a Word document"
    return OutputError(f"cannot enclose {display_path(path)}: it is not {what} that can "
                       f"be read ({type(exc).__name__}: {exc})")


def _reader(data: bytes, path: Path) -> Any:
    """A pypdf reader for an enclosure; encrypted files are refused (reading one would
    need its password, and AES a cryptography package outreach does not carry)."""
    from pypdf import PdfReader  # deferred: pypdf
    from pypdf.errors import DependencyError, PyPdfError  # deferred: pypdf

    try:
        reader = PdfReader(io.BytesIO(data))
        encrypted = reader.is_encrypted
    except DependencyError:  # pypdf tried the empty password, and AES needs cryptography
        encrypted = True
    except (PyPdfError, ValueError, OSError, KeyError, TypeError) as exc:
        raise _unreadable(path, exc) from None
    if encrypted:
        raise OutputError(f"cannot enclose {display_path(path)}: it is encrypted; enclose an "
                          "unencrypted copy (for example: qpdf --decrypt "
                          f"{display_path(path)} copy.pdf)")
    return reader


# -- what a file says ------------------------------------------------------------------

def text(path: Path) -> str:
    """The words a PDF or DOCX holds (pypdf, python-docx), read once per version."""
    stat = path.stat()
    return _text(str(path.resolve()), stat.st_mtime_ns, stat.st_size)


@functools.cache
def _text(name: str, _mtime: int, _size: int) -> str:
    path = Path(name)
    data = read(path)
    if path.suffix.lower() == ".docx":
        return _docx_text(data, path)
    try:
        return "\n".join(page.extract_text() or "" for page in _reader(data, path).pages)
    except OutputError:
        raise
    except Exception as exc:  # a damaged page stream: pypdf raises many kinds
        raise _unreadable(path, exc) from None


def _docx_text(data: bytes, path: Path) -> str:
    import docx  # deferred: docx

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # not a zip, not Word, damaged: python-docx raises many kinds
        raise _unreadable(path, exc) from None
    cells = (cell.text for table in document.tables for row in table.rows
             for cell in row.cells)
    return "\n".join([*(p.text for p in document.paragraphs), *cells])


def _shingles(words: str) -> set[tuple[str, ...]]:
    """Every run of ``SHINGLE`` words, folded: what a text says, whatever its layout."""
    tokens = re.findall(r"\w+", unicodedata.normalize("NFKC", words).casefold())
    return {tuple(tokens[i:i + SHINGLE]) for i in range(len(tokens) - SHINGLE + 1)}


def says_the_same(path: Path, resume: Path) -> bool:
    """Does ``path`` hold the résumé's text (most of its words, in runs of four)?
    A résumé with no text to compare (a scan) is only recognised by its bytes."""
    try:
        wanted = _shingles(text(resume))
    except OutputError:  # the résumé's own problems are reported where it is used
        return False
    if len(wanted) < 2 * SHINGLE:
        return False
    found = _shingles(text(path))
    return len(wanted & found) >= RESUME_OVERLAP * len(wanted)


# -- clean copies ---------------------------------------------------------------------

def clean_pdf(path: Path) -> bytes:
    """The PDF without its active content (warned about); the file itself when it has
    none."""
    from pypdf import PdfWriter  # deferred: pypdf

    data = read(path)
    writer = PdfWriter(clone_from=_reader(data, path))
    removed: set[str] = set()
    _strip(writer.root_object, set(), removed)
    if not removed:
        return data
    log.warning("%s carried active content (%s): it is enclosed without it",
                display_path(path), ", ".join(sorted(removed)))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _strip(obj: Any, seen: set[int], removed: set[str]) -> None:
    """Remove every action but the safe ones, reachable from ``obj``."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject  # deferred: pypdf

    if isinstance(obj, IndirectObject):
        if obj.idnum in seen:
            return
        seen.add(obj.idnum)
        obj = obj.get_object()
    if isinstance(obj, DictionaryObject):
        for key in list(obj.keys()):
            reason = _active(key, obj[key])
            if reason:
                removed.add(reason)
                del obj[key]
            else:
                _strip(obj.raw_get(key), seen, removed)
    elif isinstance(obj, ArrayObject):
        for item in obj:
            _strip(item, seen, removed)


def _active(key: str, value: Any) -> str | None:
    """Why the entry ``key: value`` must go (``None`` when it may stay)."""
    if key in ACTIVE_KEYS:
        return {"/AA": "automatic actions", "/JavaScript": "JavaScript",
                "/XFA": "an XFA form"}[key]
    if key not in ACTION_KEYS:
        return None
    actions = value if isinstance(value, list) else [value]
    for action in actions:
        action = action.get_object() if hasattr(action, "get_object") else action
        kind = action.get("/S") if hasattr(action, "get") else None
        if kind is not None and kind not in SAFE_ACTIONS:
            return f"{str(kind).lstrip('/')} action"
        uri = str(action.get("/URI", "")) if kind == "/URI" else ""
        if uri and not uri.lower().startswith(("http:", "https:", "mailto:")):
            return "a link to a script or a local file"
    return None


def clean_docx(path: Path) -> bytes:
    """The DOCX without its external relationships, in every part (linked images,
    hyperlinks, attached templates, linked objects); the file itself without any."""
    data = read(path)
    try:
        source = zipfile.ZipFile(io.BytesIO(data))
        cleaned = {info.filename: _without_external(source.read(info))
                   if info.filename.endswith(".rels") else None for info in source.infolist()}
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise _unreadable(path, exc) from None
    dropped = sum(n for n, _ in (c for c in cleaned.values() if c is not None))
    if not dropped:
        return data
    what = "one file or address" if dropped == 1 else f"{dropped} files or addresses"
    log.warning("%s links to %s outside it: it is enclosed without them, so that "
                "nothing is fetched", display_path(path), what)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            replaced = cleaned[info.filename]
            target.writestr(info, replaced[1] if replaced else source.read(info))
    return out.getvalue()


def _without_external(rels: bytes) -> tuple[int, bytes]:
    """A relationships part without its ``TargetMode="External"`` entries (lxml)."""
    from lxml import etree  # deferred: lxml

    root = etree.fromstring(rels, etree.XMLParser(resolve_entities=False, no_network=True))
    external = [r for r in root if r.get("TargetMode") == "External"]
    for rel in external:
        root.remove(rel)
    return len(external), etree.tostring(root, xml_declaration=True, encoding="UTF-8",
                                         standalone=True)


def clean_copy(path: Path) -> bytes:
    """The bytes an enclosure travels as beside a DOCX: cleaned as its kind needs, once
    per run however many letters carry it (as ``as_pdf``)."""
    return _once(path, "copy")


def as_pdf(path: Path) -> bytes:
    """An enclosure's pages as a clean PDF (a DOCX converted by LibreOffice), read and
    cleaned once per run however many letters carry it (a changed file is read again);
    what was said about it is said again each time."""
    return _once(path, "pdf")


def _once(path: Path, form: str) -> bytes:
    stat = path.stat()
    if path.suffix.lower() != ".docx":
        form = "pdf"  # a PDF's clean copy is its pages
    data, warnings = _made(str(path.resolve()), stat.st_mtime_ns, stat.st_size, form)
    for message in warnings:
        log.warning("%s", message)
    return data


@functools.lru_cache(maxsize=16)
def _made(name: str, _mtime: int, _size: int, form: str) -> tuple[bytes, tuple[str, ...]]:
    """``form`` of the file: ``pdf`` (its pages as a clean PDF), ``copy`` (its clean
    copy), with the warnings making it gave."""
    path = Path(name)
    with capture(propagate=False) as warnings:
        if path.suffix.lower() != ".docx":
            data = clean_pdf(path)
        else:
            data = docx_to_pdf(path) if form == "pdf" else clean_docx(path)
    return data, tuple(warnings)


def beside(docx: Path, kind: str, paths: list[Path]) -> list[Planned]:
    """The enclosures placed beside a DOCX as ``<kind>-enclosure-<name>``; two
    different files of one name get ``-2``, ``-3`` ... before the suffix."""
    planned: list[Planned] = []
    taken: set[str] = set()
    for path in paths:
        name, n = f"{kind}-enclosure-{path.name}", 1
        while name.casefold() in taken:
            n += 1
            name = f"{kind}-enclosure-{path.stem}-{n}{path.suffix}"
        taken.add(name.casefold())
        planned.append(Planned(docx.parent / name, clean_copy(path)))
    return planned


# -- LibreOffice ----------------------------------------------------------------------

#: The settings of the throw-away LibreOffice profile a conversion runs in: no linked
#: content from anywhere (a second guard behind the cleaning), no macros.
LIBREOFFICE_SETTINGS = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry"
 xmlns:xs="http://www.w3.org/2001/XMLSchema">
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop
 oor:name="BlockUntrustedRefererLinks" oor:op="fuse"><value>true</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop
 oor:name="DisableMacrosExecution" oor:op="fuse"><value>true</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop
 oor:name="MacroSecurityLevel" oor:op="fuse"><value>3</value></prop></item>
</oor:items>
"""


def docx_to_pdf(path: Path) -> bytes:
    """A DOCX enclosure (a résumé kept in Word) as PDF: its clean copy converted by
    LibreOffice, once per run however many letters enclose it."""
    data = clean_docx(path)
    return _convert(hashlib.sha256(data).hexdigest(), data, display_path(path))


@functools.cache
def _convert(_digest: str, data: bytes, shown: str) -> bytes:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise OutputError(
            f"{shown} is a DOCX file; to put its pages into the PDF, outreach converts it "
            "with LibreOffice, which is not installed (Debian: libreoffice-writer-nogui). "
            "Install it, or point resume: at a PDF export")
    with tempfile.TemporaryDirectory(prefix="outreach-") as tmp:
        source = Path(tmp) / "enclosure.docx"
        source.write_bytes(data)
        profile = Path(tmp) / "profile"
        (profile / "user").mkdir(parents=True)
        (profile / "user" / "registrymodifications.xcu").write_text(LIBREOFFICE_SETTINGS,
                                                                    encoding="utf-8")
        done = subprocess.run(
            [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless",
             "--convert-to", "pdf", "--outdir", tmp, str(source)],
            capture_output=True, text=True, timeout=180, check=False)
        result = Path(tmp) / "enclosure.pdf"
        if done.returncode != 0 or not result.is_file():
            raise OutputError(f"LibreOffice could not convert {shown} to PDF: "
                              f"{(done.stderr or done.stdout).strip()[:200]}")
        return result.read_bytes()


# -- the résumé rule: what never travels with which letter --------------------------------

_RESUME_NAME = re.compile(r"r[eé]sum[eé]|(?<![a-z])cv(?![a-z])|curriculum[ _-]?vitae",
                          re.IGNORECASE)

def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def is_resume(path: Path, resume: Path | None) -> bool:
    """Is this file the seeker's résumé: so named, the same file, the same bytes, or the
    same words (a copy saved again, linearized, converted between PDF and DOCX, or
    bound into a longer file)?"""
    name = unicodedata.normalize("NFC", path.name)
    if _RESUME_NAME.search(name):
        return True
    if resume is None or not resume.is_file() or not path.is_file():
        return False
    return path.resolve() == resume.resolve() or _digest(path) == _digest(resume) \
        or says_the_same(path, resume)


def check_enclosures(may_enclose_resume: bool, enclosures: list[Path],
                     resume: Path | None) -> None:
    """Refuse to let a résumé travel with a document that may never carry one."""
    if may_enclose_resume:
        return
    for path in enclosures:
        if is_resume(path, resume):
            raise EnclosureRuleError(f"cannot enclose {display_path(path)}: {rules.WHY_NO_RESUME}")


def check_rule_enclosures(enclosures: list[Path], resume: Path | None) -> None:
    """A letter whose rules decide the résumé (the thank-you) takes it from them alone:
    ``--enclose`` of the résumé would send it twice, or to someone who has it."""
    for path in enclosures:
        if is_resume(path, resume):
            raise EnclosureRuleError(
                f"cannot enclose {display_path(path)}: a thank-you letter encloses the résumé by "
                "the rules alone (after a telephone interview or a decline, or when they "
                "asked for it: outreach log --resume asked), never twice and never to "
                f"someone who has it; --explain names the rule for each letter")
