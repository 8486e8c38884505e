"""The error corpus (tests/corpus/errors.yaml): bad input of every kind gives one clear
message naming the file, the line and the field, a non-zero exit, no traceback, and
leaves no file in output/ and the user's files as they were."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import EVERYONE, REPO, copy_workspace, run, snapshot

CASES: list[dict[str, Any]] = yaml.safe_load(
    (REPO / "tests" / "corpus" / "errors.yaml").read_text(encoding="utf-8"))


def apply(ws: Path, case: dict[str, Any]) -> None:
    for name, text in case.get("write", {}).items():
        (ws / name).parent.mkdir(parents=True, exist_ok=True)
        (ws / name).write_text(text, encoding="utf-8")
    for name, text in case.get("append", {}).items():
        with (ws / name).open("a", encoding="utf-8") as handle:
            handle.write(text)
    for name, (old, new) in case.get("replace", {}).items():
        text = (ws / name).read_text(encoding="utf-8")
        assert old in text, f"{case['name']}: {old!r} not in {name}"
        (ws / name).write_text(text.replace(old, new, 1), encoding="utf-8")
    for name, hexdata in case.get("bytes", {}).items():
        (ws / name).write_bytes(bytes.fromhex(hexdata))
    for name, size in case.get("grow", {}).items():  # pad with comment lines
        with (ws / name).open("a", encoding="utf-8") as handle:
            handle.write(("# " + "x" * 97 + "\n") * (size // 100))
    for name, depth in case.get("grow-nesting", {}).items():
        with (ws / name).open("a", encoding="utf-8") as handle:
            handle.write("notes: " + "[" * depth + "]" * depth + "\n")
    for name in case.get("mkdir", []):
        (ws / name).mkdir(parents=True)
    for name in case.get("delete", []):
        (ws / name).unlink()
    for name, target in case.get("symlink", {}).items():
        (ws / name).parent.mkdir(parents=True, exist_ok=True)
        (ws / name).symlink_to(target)


def test_the_corpus_is_large_enough() -> None:
    assert len(CASES) >= 30
    assert len({c["name"] for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_error_case(case: dict[str, Any], tmp_path: Path,
                    monkeypatch: pytest.MonkeyPatch) -> None:
    ws = copy_workspace(tmp_path)
    apply(ws, case)
    before = snapshot(ws / "profiles")
    monkeypatch.chdir(ws)  # paths in messages are shown relative to where the user is
    result = run(ws, *case.get("args", ["letter", *EVERYONE]))
    assert result.code != 0
    assert "Traceback" not in result.err
    errors = [line for line in result.err.splitlines() if line.startswith("Error: ")]
    assert len(errors) == 1, result.err
    assert case["expect"] in errors[0], errors[0]
    assert not (ws / "output").exists() or not any(
        p.is_file() for p in (ws / "output").rglob("*"))
    assert snapshot(ws / "profiles") == before  # the user's files are never changed
