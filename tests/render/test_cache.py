"""The layout cache touches only its own: its folder is marked, only its entries are
read, trimmed or cleared, each entry is checked against its seal before use, a folder
others could write in is not used, and its settings are checked like any input."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import EVERYONE, REPO, pdf_pages, pdf_text, run, snapshot
from outreach import cache as kept

DAY = "2026-11-21"
#: A person unlike the sample's: another script, another title, another relationship.
STRANGER = """\
name: Ngozi Okonkwo-Adeyemi
title: Directora de Planificación
organization: Ayuntamiento de Valparaíso
email: ngozi@example.org
relationship: alumni
how_we_met: we both studied urban planning at the Universidad de Chile
"""


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The cache folder of this test (not made yet), used in this process."""
    where = tmp_path / "cache"
    monkeypatch.setenv("OUTREACH_CACHE_DIR", str(where))
    monkeypatch.setattr(kept, "_refused", {}, raising=False)
    return where


def _letter(ws: Path, *extra: str) -> str:
    done = run(ws, "letter", *EVERYONE, "--format", "pdf", "--date", DAY, *extra)
    assert done.code == 0, done.err
    return done.err


def _entries(where: Path) -> list[Path]:
    return sorted(p for p in where.iterdir()
                  if kept.ENTRY_NAME.fullmatch(p.name) and p.is_file())


def _users_documents(where: Path) -> dict[str, bytes]:
    """A folder of a user's own files, old enough to be the first a trim would take."""
    where.mkdir(mode=0o700)
    (where / "thesis-draft.docx").write_bytes(b"PK\x03\x04 chapter one" * 4000)
    (where / "holiday.mp4").write_bytes(os.urandom(300_000))
    (where / ("a" * 47 + ".txt")).write_text("a name almost like an entry's")
    for n, path in enumerate(sorted(where.iterdir())):
        os.utime(path, (1_000_000 + n, 1_000_000 + n))
    return snapshot(where)


def test_a_folder_of_the_users_documents_is_never_trimmed_nor_used(
        ws: Path, folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = _users_documents(folder)
    monkeypatch.setenv("OUTREACH_CACHE_MB", "0.01")  # far smaller than the documents
    err = _letter(ws)
    assert snapshot(folder) == before  # nothing deleted, nothing added
    assert err.count("is not used") == 1 and f"cache {folder} is not used" in err
    assert "holds files that are not outreach's" in err
    cleared = run(ws, "cache", "clear")
    assert cleared.out.startswith(f"nothing to clear: {folder} is not used")
    assert snapshot(folder) == before
    assert len(list((ws / "output").glob("*/approach-letter.pdf"))) == 6
    assert _letter(ws, "--force").count("is not used") == 1  # once a command


def test_in_its_own_folder_only_its_entries_are_trimmed_and_cleared(
        ws: Path, folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _letter(ws)
    assert (folder / kept.MARKER).read_text().startswith("Signature: 8a477f597d28d172")
    assert len(_entries(folder)) >= 6
    # the user drops files into the cache folder afterwards: they are never touched
    (folder / "notes.txt").write_text("mine")
    (folder / ("ab" * 24)).mkdir()  # a folder named like an entry
    os.utime(folder / "notes.txt", (1, 1))
    monkeypatch.setenv("OUTREACH_CACHE_MB", "0.005")
    (ws / "profiles" / "contacts" / "ngozi-okonkwo-adeyemi.yaml").write_text(STRANGER)
    _letter(ws)
    assert (folder / "notes.txt").read_text() == "mine" and (folder / ("ab" * 24)).is_dir()
    assert sum(p.stat().st_size for p in _entries(folder)) <= 0.005 * kept.MB
    shown = run(ws, "cache")
    assert shown.code == 0 and f"folder   {folder}" in shown.out
    assert f"in {len(_entries(folder))} entr" in shown.out and "limit    5 kB" in shown.out
    cleared = run(ws, "cache", "clear")
    assert cleared.code == 0 and "removed" in cleared.out
    assert _entries(folder) == [] and (folder / "notes.txt").read_text() == "mine"
    assert (folder / kept.MARKER).is_file() and (folder / ("ab" * 24)).is_dir()
    assert "in 0 entries" in run(ws, "cache").out


def test_a_truncated_entry_is_never_used_and_is_made_again(ws: Path, folder: Path) -> None:
    """What a crash without fsync leaves: entries cut short. The letters written from
    them are whole, and the entries are made again, whole."""
    (ws / "profiles" / "contacts" / "ngozi-okonkwo-adeyemi.yaml").write_text(STRANGER)
    _letter(ws)
    letter = ws / "output" / "ngozi-okonkwo-adeyemi" / "approach-letter.pdf"
    good = pdf_text(letter)
    assert "Okonkwo-Adeyemi" in good
    entries = _entries(folder)
    for entry in entries:
        entry.write_bytes(entry.read_bytes()[:2000])
    _letter(ws, "--force")
    assert pdf_pages(letter) == 1 and pdf_text(letter) == good
    for entry in _entries(folder):
        assert kept.unsealed(entry.read_bytes()) is not None


def test_an_entry_that_does_not_match_its_seal_is_removed(folder: Path) -> None:
    name = kept.code_key("test", "sealed")
    assert kept.keep(name, b"%PDF-1.7 whole")
    assert kept.load(name) == b"%PDF-1.7 whole"
    entry = folder / name
    whole = entry.read_bytes()
    for damaged in (whole[:-1], whole.replace(b"whole", b"WHOLE"), b"%PDF-1.7 whole",
                    whole + b"x", b""):
        entry.write_bytes(damaged)
        assert kept.load(name) is None and not entry.exists()
    with pytest.raises(ValueError):
        kept.load("../thesis-draft.docx")


@pytest.mark.skipif(os.geteuid() != 0, reason="giving a folder to another user needs root")
def test_a_folder_of_another_user_is_not_used(ws: Path, folder: Path) -> None:
    _letter(ws)
    entries = {p.name: p.read_bytes() for p in _entries(folder)}
    os.chown(folder, 65534, 65534)  # nobody's
    err = _letter(ws, "--force")
    assert err.count("is not used") == 1 and "another user" in err
    assert {p.name: p.read_bytes() for p in _entries(folder)} == entries  # not even trimmed


def test_a_planted_entry_is_not_read(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Someone who can write in the folder could put words into the letters: a folder
    others can write in is not used, and an entry of another user's is not read."""
    from outreach.campaign import names

    written = "Dra. Ngozi Okonkwo-Adeyemi"
    fresh = names._reading(written)
    entry = folder / kept.code_key("name", written)
    planted = kept.sealed(json.dumps(["Mr.", "Johnny", "", "Rotten", ""]).encode())
    entry.write_bytes(planted)
    if os.geteuid() == 0:
        os.chown(entry, 65534, 65534)
        assert names._reading(written) == fresh
    folder.chmod(0o777)
    entry.write_bytes(planted)
    monkeypatch.setattr(kept, "_approved", {})
    assert names._reading(written) == fresh and entry.read_bytes() == planted
    assert "others can write in it" in kept.summary().unfit


@pytest.mark.parametrize("value", ["abc", "nan", "-1", "inf", "1e400", "200MB", "-0.5"])
def test_a_wrong_size_is_refused_before_anything_is_written(
        ws: Path, folder: Path, monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    _letter(ws)
    cached = snapshot(folder)
    monkeypatch.setenv("OUTREACH_CACHE_MB", value)
    done = subprocess.run([sys.executable, "-m", "outreach", "letter", *EVERYONE, "--force",
                           "--format", "pdf"], cwd=ws, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(REPO)})
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr.startswith(f"Error: OUTREACH_CACHE_MB={value!r} is not a size")
    assert "Traceback" not in done.stderr and done.stderr.count("\n") == 1
    assert snapshot(folder) == cached
    assert run(ws, "cache").code == 1
    assert kept.folder() is None  # a program using outreach: no cache, never a trim


def test_a_wrong_switch_is_refused(ws: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OUTREACH_CACHE", "of")
    done = run(ws, "letter", *EVERYONE)
    assert done.code == 1 and "OUTREACH_CACHE='of'" in done.err
    assert not (ws / "output").exists()


def test_size_zero_turns_the_cache_off_and_empties_nothing(
        ws: Path, folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _letter(ws)
    cached = snapshot(folder)
    monkeypatch.setenv("OUTREACH_CACHE_MB", "0")
    _letter(ws, "--force")
    assert snapshot(folder) == cached
    assert "the layout cache is off" in run(ws, "cache").out
    monkeypatch.setenv("OUTREACH_CACHE_MB", str(kept.MAX_MB))  # the largest: a terabyte
    assert "limit    1000000.0 MB" in run(ws, "cache").out


def test_the_default_folder_is_the_platforms_user_cache(
        ws: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import platformdirs

    monkeypatch.delenv("OUTREACH_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    where = Path(platformdirs.user_cache_dir("outreach", appauthor=False)) / "layout"
    assert kept.folder() == where and where.is_relative_to(tmp_path / "xdg")
    _letter(ws)
    assert len(_entries(where)) >= 6 and (where.stat().st_mode & 0o077) == 0
    assert f"folder   {where}" in run(ws, "cache").out


def _fingerprint(package_root: Path) -> str:
    done = subprocess.run([sys.executable, "-c", "from outreach import cache\n"
                           "print(cache.environment())"], capture_output=True, text=True,
                          check=True, cwd=package_root,
                          env={**os.environ, "PYTHONPATH": str(package_root)})
    return done.stdout.strip()


def test_the_layout_fingerprint_follows_a_moved_module(tmp_path: Path) -> None:
    """The layout's code is in the fingerprint by its content, wherever it lives: moved
    into another folder, and then changed, it changes every key each time."""
    shutil.copytree(REPO / "outreach", tmp_path / "outreach",
                    ignore=shutil.ignore_patterns("__pycache__"))
    first = _fingerprint(tmp_path)
    assert _fingerprint(tmp_path) == first
    (tmp_path / "outreach" / "elsewhere").mkdir()
    for name in ("render/writers/pdf.py", "render/fill.py"):
        moved = tmp_path / "outreach" / "elsewhere" / Path(name).name
        (tmp_path / "outreach" / name).rename(moved)
        moved.write_text(moved.read_text() + "\n# changed once moved\n")
        second = _fingerprint(tmp_path)
        assert second != first
        moved.write_text(moved.read_text() + "# and changed again\n")
        assert _fingerprint(tmp_path) not in (first, second)
        first = _fingerprint(tmp_path)
