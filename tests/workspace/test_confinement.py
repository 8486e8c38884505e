"""Nothing is ever written outside the workspace or the --output folder: every command,
succeeding or refused, run on a workspace that sits beside other folders and holds
links pointing out to them, leaves everything around the workspace as it was."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from conftest import EVERYONE, copy_workspace, run


def state(parent: Path, skip: tuple[Path, ...]) -> dict[str, object]:
    """Every file, folder and link under ``parent`` outside ``skip``: bytes, link
    targets, modes and modification times."""
    seen: dict[str, object] = {}
    for folder, dirs, files in os.walk(parent, followlinks=False):
        here = Path(folder)
        dirs[:] = [d for d in dirs if here / d not in skip]
        for name in sorted(dirs + files):
            path = here / name
            if path in skip:
                continue
            info = path.lstat()
            key = str(path.relative_to(parent))
            if path.is_symlink():
                seen[key] = ("link", os.readlink(path))
            elif path.is_file():
                seen[key] = ("file", path.read_bytes(), info.st_mode, info.st_mtime_ns)
            else:
                seen[key] = ("folder", info.st_mode, info.st_mtime_ns)
    return seen


def surroundings(tmp_path: Path) -> tuple[Path, Path]:
    """A workspace beside a sibling folder (a profile, a contact, a calendar, a letter),
    with links from the workspace out to the sibling."""
    ws = copy_workspace(tmp_path / "ws")
    sibling = tmp_path / "sibling"
    (sibling / "letters").mkdir(parents=True)
    (sibling / "candidate.yaml").write_bytes((ws / "profiles" / "candidate.yaml").read_bytes())
    (sibling / "resume.pdf").write_bytes((ws / "profiles" / "resume.pdf").read_bytes())
    (sibling / "zed.yaml").write_text("name: Zed Zee\nrelationship: friend\n", encoding="utf-8")
    (sibling / "cal.ics").write_text("BEGIN:VCALENDAR\nEND:VCALENDAR\n", encoding="utf-8")
    (sibling / "letters" / "approach-letter.pdf").write_bytes(b"%PDF- mine\n")
    (tmp_path / "to-sibling").symlink_to("sibling")
    return ws, sibling


DATE = ["--date", "2026-11-21"]
COMMANDS = [
    ["letter", *EVERYONE, *DATE], ["letter", "jim-park", "--force", *DATE],
    ["script", *EVERYONE, "--format", "docx", *DATE], ["questions", "jim-park", *DATE],
    ["thank-you", "priya-raman", "--force", *DATE],
    ["thank-you", "--since", "2026-11-14", "--mark-sent", "--force", "--date", "2026-11-20"],
    ["log", "jim-park", "--event", "meeting", "--date", "2026-11-20",
     "--referral", "Ana Ruiz, County GIS"],
    ["log", "zed", "--event", "call"], ["log", "evil", "--event", "call"],
    ["due", "--today", "2026-11-21", "--ics", "{ws}/cal.ics", "--force"],
    ["due", "--today", "2026-11-21", "--ics", "{ws}/out-cal.ics", "--force"],
    ["contacts"], ["letter", "../sibling/zed"], ["letter", "jim-park", "--date", "9999-12-31"],
]
GLOBAL = [[], ["--profile", "../../sibling/candidate"], ["--profile", "{sibling}/candidate"]]


def hostile_links(ws: Path, sibling: Path) -> None:
    contacts = ws / "profiles" / "contacts"
    (contacts / "evil.yaml").symlink_to(sibling / "zed.yaml")
    (ws / "output" / "maria-lopez").mkdir(parents=True)
    (ws / "output" / "jim-park").symlink_to("../../sibling/letters")
    (ws / "output" / "maria-lopez" / "thank-you.pdf").symlink_to(sibling / "x.pdf")
    (ws / "out-cal.ics").symlink_to(sibling / "cal.ics")
    (ws / "output" / "batches").symlink_to("../../to-sibling")


def test_nothing_is_written_outside_the_workspace_or_output(tmp_path: Path) -> None:
    ws, sibling = surroundings(tmp_path)
    out = tmp_path / "out"
    for stage in ("hostile", "plain"):
        if stage == "hostile":
            hostile_links(ws, sibling)
        else:  # without the links every command can succeed: still nothing outside
            for link in (ws / "profiles" / "contacts" / "evil.yaml", ws / "output" / "jim-park",
                         ws / "out-cal.ics", ws / "output" / "batches",
                         ws / "output" / "maria-lopez" / "thank-you.pdf"):
                link.unlink()
        before = state(tmp_path, (ws, out))
        codes = []
        for options in GLOBAL:
            for command in COMMANDS:
                for where in ([], ["--output", str(out)]):
                    if where and command[0] in ("log", "due", "contacts"):
                        continue
                    args = [a.format(ws=ws, sibling=sibling)
                            for a in [*options, *command, *where]]
                    result = run(ws, *args)
                    assert "Traceback" not in result.err, (args, result.err)
                    codes.append(result.code)
        assert state(tmp_path, (ws, out)) == before, stage
        assert 0 in codes and 1 in codes and 2 in codes
    assert (sibling / "letters" / "approach-letter.pdf").read_bytes() == b"%PDF- mine\n"
    assert any(out.rglob("*.pdf")) and any((ws / "output").rglob("*.pdf"))


def test_paths_checked_before_writing_are_resolved_as_the_system_resolves_them(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The check before writing resolves each folder once for all the files in it: every
    file still resolves where Path.resolve takes it, links, loops and '..' included."""
    from outreach.workspace.paths import _Resolver

    out = tmp_path / "ws" / "output"
    (out / "a").mkdir(parents=True)
    (tmp_path / "elsewhere").mkdir()
    (out / "file").write_text("x", encoding="utf-8")
    os.symlink(tmp_path / "elsewhere", out / "out-link")
    os.symlink(tmp_path / "elsewhere" / "t.pdf", out / "a" / "x.pdf")
    os.symlink("loop2", out / "loop1")
    os.symlink("loop1", out / "loop2")
    os.symlink("../..", out / "up")
    monkeypatch.chdir(tmp_path / "ws")
    resolve = _Resolver()
    for name in ["output/a/y.pdf", "output/a/x.pdf", "output/out-link/z.pdf", "output/a/z.pdf",
                 "output/file/q.pdf", "output/nope/deeper/q.pdf", "output/up/elsewhere/r.pdf",
                 "output/a/../a/y.pdf", "output/up/../x", "output/a/..", "output", "/",
                 str(out / "out-link" / "w.pdf"), str(out / "a" / "x.pdf")]:
        assert resolve(Path(name)) == Path(name).resolve(), name
    for name in ["output/loop1/x", "output/loop1"]:
        with pytest.raises(RuntimeError):
            resolve(Path(name))
