"""``outreach templates``: the built-in templates, and the workspace's own versions of them.

The built-in templates live inside the installed package, where no one should edit them;
a file of the same name in the workspace's ``templates/`` wins. This module lists them,
copies one (or all) into ``templates/`` to edit, never over a file that is there, and
shows how an override differs from the built-in, as a unified diff.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from outreach.errors import WorkspaceError, display_path
from outreach.workspace.output import create_new

#: What each built-in file is for (README.md, "Templates and styles").
DESCRIPTIONS = {
    "letter.md.j2": "the frame every letter shares: sender, date, addresses, close",
    "approach-letter.md.j2": "the approach letter's body",
    "phone-script.md.j2": "the phone script",
    "question-sheet.md.j2": "the question sheet",
    "thank-you.md.j2": "the thank-you letter's body",
    "keep-in-touch.md.j2": "the keep-in-touch letter's body (where you landed)",
    "linkedin-note.md.j2": "the LinkedIn invitation note (plain text, 200 or 300 characters)",
    "envelope.md.j2": "the envelope's and the address label's addresses",
    "questions.yaml": "the question bank (yours extends it)",
    "document.css": "the PDF's styles",
    "reference.docx": "the DOCX's Word styles",
}


@dataclass(frozen=True)
class Template:
    """One built-in template and the workspace's version of it, if any."""

    name: str
    description: str
    #: "built-in", "yours, changed" or "yours, same as built-in".
    state: str


def _builtin(name: str) -> bytes:
    return (resources.files("outreach.compose") / "templates" / name).read_bytes()


def builtin_names() -> list[str]:
    folder = resources.files("outreach.compose") / "templates"
    return sorted(item.name for item in folder.iterdir()
                  if item.is_file() and not item.name.startswith((".", "_")))


def _checked(name: str) -> str:
    names = builtin_names()
    if name in names:
        return name
    close = difflib.get_close_matches(name, names, n=1)
    hint = f"did you mean '{close[0]}'? " if close else ""
    raise WorkspaceError(f"no built-in template '{name}'; {hint}the templates are: "
                         f"{', '.join(names)}")


def listing(folder: Path) -> list[Template]:
    """Every built-in template, and whether ``folder`` overrides it."""
    out = []
    for name in builtin_names():
        mine = folder / name
        state = "built-in"
        if mine.is_file():
            same = mine.read_bytes() == _builtin(name)
            state = "yours, same as built-in" if same else "yours, changed"
        out.append(Template(name, DESCRIPTIONS.get(name, ""), state))
    return out


def copy(names: list[str] | None, folder: Path) -> list[tuple[Path, bool]]:
    """Copy the named built-ins (or all) into ``folder``: (path, copied) each; a file
    that is there is never replaced (copied is False)."""
    chosen = builtin_names() if names is None else [_checked(n) for n in names]
    return [(folder / name, create_new(folder / name, _builtin(name))) for name in chosen]


def diff(name: str, folder: Path) -> str:
    """How ``folder``'s ``name`` differs from the built-in: a unified diff ('' if same)."""
    _checked(name)
    mine = folder / name
    if not mine.is_file():
        raise WorkspaceError(f"{display_path(mine)} is not there, so the built-in is used; "
                             f"`outreach templates copy {name}` copies it there to edit")
    ours, theirs = _builtin(name), mine.read_bytes()
    if ours == theirs:
        return ""
    try:
        old, new = ours.decode("utf-8"), theirs.decode("utf-8")
    except UnicodeDecodeError:
        return (f"{display_path(mine)} differs from the built-in {name}; it is not text, so "
                "no line-by-line difference can be shown: open it to see its styles\n")
    return "".join(difflib.unified_diff(
        old.splitlines(keepends=True), new.splitlines(keepends=True),
        fromfile=f"built-in/{name}", tofile=display_path(mine)))


def overridden(folder: Path) -> list[str]:
    """The built-in names ``folder`` has a version of."""
    return [t.name for t in listing(folder) if t.state != "built-in"]
