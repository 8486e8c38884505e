"""A counsellor's `--caseload`: `due` and `contacts` over several clients' workspaces, each
client it cannot read named (outreach/campaign/caseload.py)."""

from __future__ import annotations

import errno
import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from conftest import copy_workspace, run


def caseload(tmp_path: Path) -> Path:
    root = tmp_path / "caseload"
    for client in ("dana-kehr", "li-wei", "sam-oduya"):
        copy_workspace(root / client)
    shutil.rmtree(root / "li-wei" / "profiles" / "contacts")
    (root / "li-wei" / "profiles" / "contacts").mkdir()
    (root / "li-wei" / "profiles" / "contacts" / "tom.yaml").write_text(
        "name: Tom Reyes\nrelationship: friend\nhistory:\n  - {date: 2026-11-08, event: "
        "letter-sent}\n", encoding="utf-8")
    (root / "sam-oduya" / "profiles" / "contacts" / "jim-park.yaml").write_text(
        "name: Jim Park\nrelationship: freind\n", encoding="utf-8")
    (root / "notes.txt").write_text("not a client")
    return root


def test_due_over_a_caseload_with_a_broken_client(tmp_path: Path) -> None:
    root = caseload(tmp_path)
    result = run(tmp_path, "due", "--caseload", str(root), "--today", "2026-11-21")
    assert result.code == 1
    lines = result.out.splitlines()
    assert lines[0].split() == ["CLIENT", "DUE", "CONTACT", "TO", "DO", "WHY"]
    clients = [line.split()[0] for line in lines[1:]]
    assert set(clients) == {"dana-kehr", "li-wei"}
    dates = [line.split()[1] for line in lines[1:]]
    assert dates == sorted(dates)
    tom = next(line for line in lines if "Tom Reyes" in line)
    assert tom.split()[:3] == ["li-wei", "2026-11-12", "OVERDUE"]
    assert any("dana-kehr" in line and "Priya Raman" in line for line in lines)
    assert "sam-oduya" not in result.out
    assert "sam-oduya/profiles/contacts/jim-park.yaml:2: relationship: must be one of" \
        in result.err
    assert "Traceback" not in result.err


def test_contacts_over_a_caseload(tmp_path: Path) -> None:
    root = caseload(tmp_path)
    result = run(tmp_path, "contacts", "--caseload", str(root))
    assert result.code == 1
    rows = {line.split()[0]: line.split()[1:] for line in result.out.splitlines()[1:]}
    assert rows["li-wei"] == ["1", "0", "-"]
    assert rows["dana-kehr"][:2] == ["6", "3"]
    assert "sam-oduya" in result.err
    ok = run(tmp_path, "due", "--caseload", str(tmp_path / "nowhere"))
    assert ok.code == 1 and "no caseload folder" in ok.err


# -- a caseload with folders that cannot be read, links and a broken profile --------------


def deny(monkeypatch: pytest.MonkeyPatch, *folders: Path) -> None:
    """Make ``folders`` unreadable as `chmod 000` does for anyone but root (the tests may
    run as root): listing them, or reaching anything inside them, fails with EACCES."""
    denied = [str(f) for f in folders]

    def inside(path: object, *, strictly: bool) -> bool:
        text = os.path.abspath(os.fsdecode(path)) if isinstance(path, (str, os.PathLike)) \
            else ""
        return any(text.startswith(d + os.sep) or (not strictly and text == d)
                   for d in denied)

    def guard(real: Any, strictly: bool) -> Any:
        def call(path: Any = ".", *args: Any, **kwargs: Any) -> Any:
            if inside(path, strictly=strictly):
                raise PermissionError(errno.EACCES, "Permission denied", str(path))
            return real(path, *args, **kwargs)
        return call

    monkeypatch.setattr(os, "scandir", guard(os.scandir, False))
    monkeypatch.setattr(os, "listdir", guard(os.listdir, False))
    monkeypatch.setattr(os, "stat", guard(os.stat, True))


def hostile_caseload(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "caseload"
    for client in ("ada-obi", "bo-chen", "chidi-eze", "dana-kehr"):
        copy_workspace(root / client)
    (root / "chidi-eze" / "profiles" / "candidate.yaml").write_text(
        "name: Chidi Eze\nstatus: [graduate\n", encoding="utf-8")
    copy_workspace(tmp_path / "elsewhere")
    (root / "eve-outside").symlink_to(tmp_path / "elsewhere")
    (root / "dana-again").symlink_to(root / "dana-kehr")
    deny(monkeypatch, root / "ada-obi", root / "bo-chen" / "profiles" / "contacts")
    return root


def test_due_over_a_caseload_names_every_client_it_cannot_read(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = hostile_caseload(tmp_path, monkeypatch)
    result = run(tmp_path, "due", "--caseload", str(root), "--today", "2026-11-21")
    assert result.code == 1, result.err
    assert "Traceback" not in result.err
    listed = {line.split()[0] for line in result.out.splitlines()[1:]}
    assert listed == {"chidi-eze", "dana-kehr"}  # a broken profile hides nothing due
    errors = [line for line in result.err.splitlines() if line.startswith("Error: ")]
    assert any("ada-obi: cannot be read: Permission denied" in e for e in errors)
    assert any("bo-chen: " in e and "bo-chen/profiles/contacts: cannot be read: "
               "Permission denied" in e for e in errors)
    assert any(e.startswith("Error: chidi-eze: ") and "candidate.yaml:2" in e
               for e in errors)
    assert any("eve-outside: is a link to " in e and "outside the caseload folder" in e
               for e in errors)
    assert len(errors) == 4, result.err
    assert "Warning: " in result.err and "dana-again is " in result.err
    dana = [line for line in result.out.splitlines() if line.startswith("dana-")]
    assert dana and all(line.startswith("dana-kehr") for line in dana)  # counted once


def test_contacts_over_a_caseload_names_every_client_it_cannot_read(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = hostile_caseload(tmp_path, monkeypatch)
    result = run(tmp_path, "contacts", "--caseload", str(root))
    assert result.code == 1
    rows = {line.split()[0]: line.split()[1:] for line in result.out.splitlines()[1:]}
    assert set(rows) == {"chidi-eze", "dana-kehr"}
    assert rows["dana-kehr"][:2] == ["6", "3"]
    assert "bo-chen/profiles/contacts: cannot be read" in result.err  # never "0 contacts"
    assert "ada-obi: cannot be read" in result.err and "eve-outside" in result.err
