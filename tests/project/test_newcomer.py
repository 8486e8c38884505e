"""The first hour, scripted: a newcomer on a fresh clone installs outreach as README.md
says, starts a workspace, imports the sample LinkedIn export, fills in the profile and a
contact, writes letters, edits the profile and writes again without --force (the letter
is rewritten), edits the PDF by hand and writes again: refused, naming the file.

The README's install lines run as written, in a shell, with a home folder of their own,
except two things this machine cannot or should not do: the system packages (the line
with sudo) are only checked against scripts/system-deps.sh, and the new environment
reads its dependencies from this project's environment (a .pth file) instead of
downloading them, so `pip install .` installs outreach alone.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from conftest import REPO, pdf_text, words
from workspace.test_new_workspace import filled_skeleton

pytestmark = pytest.mark.slow

README = (REPO / "README.md").read_text(encoding="utf-8")


def install_lines() -> list[str]:
    """The commands of README's Install section, in order."""
    section = README.split("## Install", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```sh\n(.*?)```", section, flags=re.S)
    assert block is not None, "README's Install section has no sh block"
    return [line for line in block.group(1).splitlines() if line.strip()]


def test_the_system_packages_are_those_the_project_installs() -> None:
    apt = next(line for line in install_lines() if line.startswith("sudo apt-get install"))
    script = (REPO / "scripts" / "system-deps.sh").read_text(encoding="utf-8")
    for package in ("libpango-1.0-0", "libpangoft2-1.0-0", "libharfbuzz-subset0",
                    "fonts-liberation2"):
        assert package in apt.split() and package in script
    assert not re.search(r"outreach-[0-9]", README)  # no version written into a command


def _shell(home: Path, clone_from: Path) -> str:
    """README's install lines as a script for this machine (see the module's docstring)."""
    deps = sysconfig.get_path("purelib")
    script = ["set -eu"]
    for line in install_lines():
        if line.startswith("sudo "):
            continue
        line = line.replace("REPOSITORY", str(clone_from)).replace("python3 ",
                                                                   f"{sys.executable} ", 1)
        script.append(line)
        if " -m venv " in line:
            venv = line.split(" -m venv ", 1)[1].strip().replace("~", str(home))
            script.append(f'echo {deps} > "$({venv}/bin/python -c '
                          "'import sysconfig; print(sysconfig.get_path(\"purelib\"))')"
                          '/project-deps.pth"')
    return "\n".join(script) + "\n"


def _env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "VIRTUAL_ENV"}}
    return {**env, "HOME": str(home), "PATH": f"{home}/.local/bin:{env['PATH']}"}


def test_a_newcomer_from_a_fresh_clone(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    installed = subprocess.run(["bash", "-c", _shell(home, REPO)], cwd=home,
                               env=_env(home), capture_output=True, text=True)
    assert installed.returncode == 0, installed.stderr
    assert installed.stdout.splitlines()[-1].startswith("outreach, version")

    def outreach(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(["outreach", *args], cwd=search, env=_env(home),
                              capture_output=True, text=True)

    search = home / "my-search"
    search.mkdir()
    assert outreach("init").returncode == 0
    shutil.copy(home / "outreach" / "examples" / "Connections.csv", search)
    imported = outreach("import", "linkedin", "Connections.csv")
    assert imported.returncode == 0 and "aiko-tanaka.yaml" in imported.stdout

    filled_skeleton(search)  # the profile and the example contact
    aiko = search / "profiles" / "contacts" / "aiko-tanaka.yaml"
    aiko.write_text(aiko.read_text(encoding="utf-8")
                    .replace("<<how you know of them, in a sentence of your own>>",
                             "We met at the Yokohama placemaking forum")
                    .replace("<<their postal address>>", "1-1 Minatomirai, Yokohama"),
                    encoding="utf-8")
    first = outreach("letter", "aiko-tanaka", "example-contact")
    assert first.returncode == 0, first.stderr
    assert first.stdout.count("written") == 4
    letter = search / "output" / "aiko-tanaka" / "approach-letter.pdf"
    assert "Aiko Tanaka" in words(pdf_text(letter))

    profile = search / "profiles" / "candidate.yaml"
    profile.write_text(profile.read_text(encoding="utf-8").replace(
        "career changer from nursing", "nurse turned health-data analyst"), encoding="utf-8")
    again = outreach("letter", "aiko-tanaka")  # no --force
    assert again.returncode == 0, again.stderr
    assert [line.split()[0] for line in again.stdout.splitlines()] == ["overwritten"] * 2
    assert "nurse turned health-data analyst" in words(pdf_text(letter))

    letter.write_bytes(letter.read_bytes() + b"\n% signed by hand\n")
    edited = letter.read_bytes()
    profile.write_text(profile.read_text(encoding="utf-8").replace(
        "nurse turned health-data analyst", "health-data analyst"), encoding="utf-8")
    refused = outreach("letter", "aiko-tanaka")
    assert refused.returncode == 0, refused.stderr
    assert ("kept     output/aiko-tanaka/approach-letter.pdf: changed since outreach wrote "
            "it; --force overwrites it") in refused.stdout
    assert letter.read_bytes() == edited
