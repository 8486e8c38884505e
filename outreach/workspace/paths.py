"""Where outreach may read and write: the one rule for paths and symbolic links.

A path the user names on the command line (``--workspace``, ``--output``, ``--ics``,
``--enclose``) is taken as given. Below it, outreach follows a symbolic link only when
the link's target stays inside the workspace (or, for what is written, inside the
folder given to ``--output``); a link that leads anywhere else is refused, never
followed and never replaced. Only regular files are read and written: a folder, a
device or a pipe where a file should be is refused. A profile is named by a NAME in
``profiles/``, never by a path.
"""

from __future__ import annotations

import re
import stat
from collections.abc import Iterable, Sequence
from pathlib import Path

from outreach.errors import InputError, OutputError, Problem, UsageError, display_path

#: Where a workspace keeps one YAML file per contact.
CONTACTS = Path("profiles", "contacts")
#: A contact id: the stem of a file in profiles/contacts/, safe as a folder name on every
#: system: ASCII letters, digits, '.', '-', '_'; starting and ending with a letter or
#: digit (no leading dot, no '..' to climb out, no trailing dot Windows would drop).
CONTACT_ID = re.compile(r"^(?!.*\.\.)[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?$")
#: Names Windows reserves for devices, whatever the extension: never a folder name.
WINDOWS_RESERVED = re.compile(r"^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$", re.IGNORECASE)


#: The longest contact id: its file's temporary copy (``.<id>.yaml.<pid>.<random>.tmp``)
#: and its output files must stay far below the 255 characters a file name may have.
MAX_ID = 100


def valid_contact_id(contact_id: str) -> bool:
    """Can this id name a contact file and an output folder safely, everywhere?"""
    return (len(contact_id) <= MAX_ID and CONTACT_ID.match(contact_id) is not None
            and not WINDOWS_RESERVED.match(contact_id))


def within(path: Path, roots: Iterable[Path]) -> bool:
    """Does ``path``, with every link in it followed, stay inside one of ``roots``?"""
    real = path.resolve()
    return any(real.is_relative_to(root.resolve()) for root in roots)


def readable(path: Path, workspace: Path) -> Path:
    """``path`` (a file of the workspace) when it is, or links to, a file inside the
    workspace; InputError naming the path when a link leads outside."""
    if not within(path, [workspace]):
        raise InputError([Problem(
            path, None, None,
            f"is a link to {path.resolve()}, outside the workspace: outreach "
            "follows links only to files inside it; copy the file into the workspace")])
    return path


#: What a path that is not a plain file is, in words.
NOT_FILES = ((stat.S_ISFIFO, "a FIFO (a named pipe)"), (stat.S_ISCHR, "a character device"),
             (stat.S_ISBLK, "a block device"), (stat.S_ISDIR, "a folder"),
             (stat.S_ISSOCK, "a socket"))


def not_a_file(mode: int) -> str | None:
    """What a file of ``mode`` (``os.stat``'s) is, in words, when it is not a plain file."""
    return next((what for test, what in NOT_FILES if test(mode)), None)


def _kind_of(real: Path) -> str | None:
    """What stands at ``real`` when it is not a regular file (or nothing there)."""
    try:
        return not_a_file(real.stat().st_mode)
    except OSError:
        return None


def writable(paths: Iterable[Path], roots: Sequence[Path]) -> None:
    """Refuse, before anything is written, to write any of ``paths`` through a link that
    leads outside ``roots``, or onto something that is not a regular file."""
    real_roots = [root.resolve() for root in roots]
    folders: set[Path] = set()  # checked already, with every folder above them
    resolve = _Resolver()
    for path in paths:
        shown = display_path(path)
        real = resolve(path)
        if not any(real.is_relative_to(root) for root in real_roots):
            raise OutputError(
                f"cannot write {shown}: a link leads it to {real}, "
                "outside the workspace and the folder named for output; remove the link, or "
                "write elsewhere with --output")
        what = _kind_of(real)
        if what is not None:
            raise OutputError(f"cannot write {shown}: it is {what}; move it away")
        _no_file_above(real, shown, folders)


class _Resolver:
    """``path.resolve()`` for many files in a few folders, each folder resolved once: a
    file that is not itself a link is where its resolved folder is."""

    def __init__(self) -> None:
        self.folders: dict[Path, Path] = {}

    def __call__(self, path: Path) -> Path:
        if path.name in ("", ".", "..") or path.is_symlink():
            return path.resolve()
        if path.parent not in self.folders:
            self.folders[path.parent] = path.parent.resolve()
        return self.folders[path.parent] / path.name


def _no_file_above(real: Path, shown: str, folders: set[Path]) -> None:
    """Refuse ``real`` when a file stands where one of its folders should be."""
    for parent in real.parents:
        if parent in folders:
            return
        if parent.exists() and not parent.is_dir():
            raise OutputError(f"cannot write {shown}: {display_path(parent)} is a file, "
                              "where a folder should be; move it away")
        folders.add(parent)


def profile_name(name: str) -> str:
    """A profile NAME as given to ``--profile``: the stem of a file in ``profiles/``."""
    if not valid_contact_id(name):
        raise UsageError(
            f"--profile takes the NAME of a file profiles/NAME.yaml, not {name!r}: letters, "
            "digits, '.', '-' and '_', with no folder and no path")
    return name
