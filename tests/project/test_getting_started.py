"""README "Getting started", as a new user does it: from the wheel, in an empty folder.

The wheel is built with pip (`pip wheel . --no-deps`) and installed with pip into a new
virtual environment, exactly as README.md says. Its dependencies (WeasyPrint, pydantic,
...) are not downloaded again: the new environment reads them from this project's .venv
through a .pth file (installing them from the package index would take minutes and the
network); `pip check` confirms the wheel's declared dependencies are all satisfied there.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

from conftest import REPO, pdf_pages, pdf_text, words
from workspace.test_new_workspace import PLACEHOLDER_FIELDS, filled_skeleton


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A new virtual environment with outreach installed from its wheel; its bin/."""
    root = tmp_path_factory.mktemp("install")
    subprocess.run([sys.executable, "-m", "pip", "wheel", str(REPO), "--no-deps", "-q",
                    "-w", str(root / "dist")], check=True, capture_output=True)
    wheel = next((root / "dist").glob("outreach-*.whl"))
    venv.create(root / "env", with_pip=True)
    site = Path(sysconfig.get_path("purelib", vars={"base": str(root / "env"),
                                                    "platbase": str(root / "env")}))
    (site / "project-deps.pth").write_text(sysconfig.get_path("purelib") + "\n")
    pip = [str(root / "env" / "bin" / "python"), "-m", "pip"]
    # --force-reinstall: the .pth also shows pip this project's own (editable) install
    subprocess.run([*pip, "install", "--no-deps", "--force-reinstall", "-q", str(wheel)],
                   check=True, capture_output=True)
    check = subprocess.run([*pip, "check"], capture_output=True, text=True)
    assert "outreach" not in check.stdout, check.stdout
    return root / "env" / "bin"


def outreach(bin_dir: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "VIRTUAL_ENV"}}
    return subprocess.run([str(bin_dir / "outreach"), *args], cwd=cwd, env=env,
                          capture_output=True, text=True)


def test_from_the_wheel_to_a_first_letter(installed: Path, tmp_path: Path) -> None:
    folder = tmp_path / "my-search"
    folder.mkdir()
    where = subprocess.run([str(installed / "python"), "-c",
                            "import outreach; print(outreach.__file__)"], cwd=folder,
                           env={k: v for k, v in os.environ.items() if k != "PYTHONPATH"},
                           capture_output=True, text=True, check=True).stdout
    assert str(installed.parent) in where  # the installed package, not this checkout

    first = outreach(installed, folder, "init")
    assert first.returncode == 0, first.stderr
    assert (folder / "profiles" / "candidate.yaml").is_file()

    refused = outreach(installed, folder, "letter", "--all")
    assert refused.returncode == 1
    assert [line.split(": ")[2] for line in refused.stderr.splitlines()] == PLACEHOLDER_FIELDS
    assert "Traceback" not in refused.stderr

    filled_skeleton(folder)
    done = outreach(installed, folder, "letter", "--all")
    assert done.returncode == 0, done.stderr
    letter = folder / "output" / "example-contact" / "approach-letter.pdf"
    assert pdf_pages(letter) == 1
    text = words(pdf_text(letter))
    assert "Lena Øberg" in text and "Omar Haddad" in text and "<<" not in text
    assert (folder / "output" / "example-contact" / "approach-letter.docx").is_file()

    snapshot = {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    again = outreach(installed, folder, "init")
    assert again.returncode == 0 and "nothing changed" in again.stdout
    assert {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()} == snapshot


def test_the_installed_templates_are_reached_with_the_command(installed: Path,
                                                              tmp_path: Path) -> None:
    assert outreach(installed, tmp_path, "init").returncode == 0
    copied = outreach(installed, tmp_path, "templates", "copy", "document.css")
    assert copied.returncode == 0, copied.stderr
    assert (tmp_path / "templates" / "document.css").read_bytes() == \
        (REPO / "outreach" / "compose" / "templates" / "document.css").read_bytes()
    shutil.rmtree(tmp_path / "templates")
