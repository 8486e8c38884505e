"""The layers hold: no import points up them, no import cycle, every module placed;
every import deferred into a function says why, and the commands that must start at
once load none of what is deferred for them.

The layer map (which package, so which layer, each module belongs to) is in one place,
tools/import_graph.py (``LAYER_MAP``, ``LAYERS``); imports are read from the AST,
deferred ones (inside a function) and ``TYPE_CHECKING`` ones included; so are the
reasons an import may be deferred (``DEFERRED``).
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tools"))

import import_graph  # noqa: E402

#: Imports the layers refuse today, each to be turned round by the owner of its module
#: (then taken off this list): (importer, imported).
#: Imports against the layers, and cycles, that are known and waiting to be undone: none.
KNOWN_UPWARD: set[tuple[str, str]] = set()
KNOWN_CYCLES: list[list[str]] = []
KNOWN_PACKAGE_CYCLES: list[list[str]] = []


@pytest.fixture(autouse=True, scope="module")
def pythons_own_recursion_limit() -> Iterator[None]:
    """tools/import_graph.py raises the recursion limit for its walk and leaves it raised:
    it is put back after this module, so that the tests after it in this process meet
    Python's own (a file nested too deeply: tests/workspace/test_loading.py)."""
    limit = sys.getrecursionlimit()
    yield
    sys.setrecursionlimit(limit)


@pytest.fixture(scope="module")
def graph() -> import_graph.Graph:
    return import_graph.graph()


def test_every_module_is_given_a_layer(graph: import_graph.Graph) -> None:
    assert graph.unplaced == [], (
        "give each new module its package in tools/import_graph.py, LAYER_MAP")


def test_no_import_points_up_the_layers(graph: import_graph.Graph) -> None:
    refused = {(i.source, i.target) for i in graph.refused}
    new = sorted(refused - KNOWN_UPWARD)
    assert not new, f"imports against the layers (docs/architecture.md): {new}"
    assert refused == KNOWN_UPWARD, (
        f"turned round, take them off KNOWN_UPWARD: {sorted(KNOWN_UPWARD - refused)}")


def test_no_import_cycle_between_modules_or_packages(graph: import_graph.Graph) -> None:
    def cycles(found: list[list[str]]) -> set[frozenset[str]]:
        return {frozenset(cycle) for cycle in found}

    assert cycles(graph.module_cycles) == cycles(KNOWN_CYCLES)
    assert cycles(graph.package_cycles) == cycles(KNOWN_PACKAGE_CYCLES)


def test_docs_architecture_md_shows_the_graph_as_it_is(graph: import_graph.Graph) -> None:
    text = (REPO / "docs" / "architecture.md").read_text(encoding="utf-8")
    start = text.index(import_graph.MARKERS[0])
    end = text.index(import_graph.MARKERS[1]) + len(import_graph.MARKERS[1])
    assert text[start:end] == import_graph.section(graph), (
        "run: python tools/import_graph.py --write")


def _tree(root: Path, files: dict[str, str]) -> Path:
    """A package ``outreach`` at ``root`` with these modules (path: source)."""
    for name, source in {"__init__.py": "", **files}.items():
        path = root / "outreach" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(source, encoding="utf-8")
    return root / "outreach"


@pytest.mark.parametrize("source", [
    "from .cli import main\n",
    "def f() -> None:\n    from .app import pipeline\n",
    "import outreach.render.layout\n",
    "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .compose.kinds import Kind\n",
    "class A:\n    def f(self) -> None:\n        from .render.writers import pdf\n",
])
def test_an_upward_import_is_refused_however_it_is_written(source: str,
                                                           tmp_path: Path) -> None:
    """errors is the lowest layer: it may import nothing of outreach."""
    root = _tree(tmp_path, {"errors.py": source, "cli.py": "def main() -> None: ...\n",
                            "app/__init__.py": "", "app/pipeline.py": "",
                            "render/__init__.py": "", "render/layout.py": "",
                            "compose/__init__.py": "", "compose/kinds.py": "",
                            "render/writers/__init__.py": "", "render/writers/pdf.py": ""})
    g = import_graph.graph(root)
    assert [i.source for i in g.refused] == ["outreach.errors"] and g.unplaced == []


def test_between_two_packages_of_one_layer_an_import_is_refused(tmp_path: Path) -> None:
    root = _tree(tmp_path, {"render/__init__.py": "", "render/layout.py":
                            "from ..campaign import due\nfrom ..channels import send\n",
                            "campaign/__init__.py": "", "campaign/due.py": "",
                            "channels/__init__.py": "", "channels/send.py":
                            "from outreach.render import layout\n",
                            "logs.py": "from .cache import x\n", "cache.py": "x = 1\n"})
    g = import_graph.graph(root)
    assert [(i.source, i.target) for i in g.refused] == [
        ("outreach.logs", "outreach.cache"),
        ("outreach.render.layout", "outreach.campaign.due"),
        ("outreach.render.layout", "outreach.channels.send")]
    assert g.unplaced == []


def test_cycles_floors_and_arrows_up_are_counted(tmp_path: Path) -> None:
    """compose.a -> errors at the top; compose.b -> compose.a at the top and compose.a
    -> compose.b deferred: one cycle, closed by the deferred import, the arrow running
    back up. compose.x -> campaign.d -> compose.y: no cycle of modules, one of packages."""
    root = _tree(tmp_path, {
        "errors.py": "", "compose/__init__.py": "", "campaign/__init__.py": "",
        "compose/a.py": "from .. import errors\n\ndef f() -> None:\n    from . import b\n",
        "compose/b.py": "from .a import f\n",
        "compose/x.py": "from ..campaign import d\n", "compose/y.py": "",
        "campaign/d.py": "def g() -> None:\n    from ..compose import y\n",
        "cli.py": "def main() -> None:\n    from .compose import b\n"})
    g = import_graph.graph(root)
    assert g.module_cycles == [["outreach.compose.a", "outreach.compose.b"]]
    assert [(i.source, i.target, i.how) for i in g.up] == [
        ("outreach.compose.a", "outreach.compose.b", "deferred")]
    assert g.floor["outreach.errors"] == 0
    assert g.floor["outreach.compose.a"] == g.floor["outreach.compose.b"] == 1
    assert g.floor["outreach.cli"] == 2
    assert g.floor["outreach.compose.x"] == 2 and g.floor["outreach.campaign.d"] == 1
    assert g.package_cycles == [["campaign", "compose"]]
    assert [(i.source, i.target) for i in g.refused] == [
        ("outreach.campaign.d", "outreach.compose.y")]


def test_a_module_no_one_placed_is_named(tmp_path: Path) -> None:
    root = _tree(tmp_path, {"errors.py": "", "brand_new.py": "from . import errors\n"})
    assert import_graph.graph(root).unplaced == ["outreach.brand_new"]


def test_every_deferred_import_says_why(graph: import_graph.Graph) -> None:
    """An import inside a function is of a library ``DEFERRED`` names, marked with its
    name, or of outreach's own code, marked with the library it keeps away (cli/: its
    one pattern)."""
    found = import_graph.deferred()
    faults = [fault for d in found if (fault := d.fault())]
    assert not faults, ("move it to the top of its module, or mark it '# deferred: NAME' "
                        f"(tools/import_graph.py, DEFERRED): {faults}")
    unused = set(import_graph.DEFERRED) - {d.reason for d in found}
    assert not unused, f"reasons no import gives any more, take them off DEFERRED: {unused}"


@pytest.mark.parametrize(("source", "fault"), [
    ("def f() -> None:\n    import json\n", "no '# deferred: NAME'"),
    ("def f() -> None:\n    import json  # deferred: speed\n", "no reason DEFERRED gives"),
    ("def f() -> None:\n    import pypdf  # deferred: weasyprint\n",
     "pypdf is deferred as if it were weasyprint"),
    ("def f() -> None:\n    from . import cache\n", "no '# deferred: NAME'"),
    ("class A:\n    def f(self) -> None:\n        from pikepdf import Pdf\n",
     "no '# deferred: NAME'"),
    ("def f() -> None:\n    from email import (  # deferred: pikepdf\n"
     "        headerregistry)\n", "email.headerregistry is deferred as if it were pikepdf"),
])
def test_a_deferred_import_without_its_reason_is_refused(source: str, fault: str,
                                                         tmp_path: Path) -> None:
    root = _tree(tmp_path, {"errors.py": source, "cache.py": ""})
    [found] = import_graph.deferred(root)
    said = found.fault()
    assert said is not None and fault in said and "outreach.errors, line " in said


@pytest.mark.parametrize("source", [
    "def f() -> None:\n    import weasyprint  # deferred: weasyprint\n",
    "def f() -> None:\n    from pypdf.generic import ArrayObject  # deferred: pypdf\n",
    "def f() -> None:\n    from .render.writers.engine import (  # deferred: weasyprint\n"
    "        weasyprint)\n",
    "def f() -> None:\n    from . import cache  # deferred: outreach.compose.questions\n",
])
def test_a_deferred_import_with_its_reason_passes(source: str, tmp_path: Path) -> None:
    root = _tree(tmp_path, {"errors.py": source, "cache.py": "",
                            "render/__init__.py": "", "render/writers/__init__.py": "",
                            "render/writers/engine.py": ""})
    [found] = import_graph.deferred(root)
    assert found.fault() is None


def test_in_cli_a_command_imports_its_library_code_unmarked(tmp_path: Path) -> None:
    root = _tree(tmp_path, {"cli/__init__.py": "", "cache.py": "", "cli/x.py": (
        "def f() -> None:\n    from outreach import cache\n    import json\n")})
    library, json_ = import_graph.deferred(root)
    assert library.reason == import_graph.COMMAND and library.fault() is None
    assert json_.reason is None and json_.fault() is not None


#: What each command that must start at once may not load (deferred for it: DEFERRED).
#: ``outreach --help`` loads cli/ alone: nothing of the library below it.
NOT_FOR_HELP = ("pydantic", "yaml", "jinja2", "json", "wcwidth", "click.shell_completion",
                "platformdirs", "outreach.workspace.folder", "outreach.app")
NOT_FOR_READING = ("weasyprint", "docx", "pikepdf", "pypdf", "icalendar", "pygal",
                   "markdown_it", "nameparser", "lxml", "tinycss2", "smtplib",
                   "multiprocessing.forkserver", "email.headerregistry",
                   "outreach.compose.questions", "outreach.campaign.referrals")


@pytest.mark.parametrize(("args", "refused"), [
    (["--help"], NOT_FOR_HELP + NOT_FOR_READING),
    # the group's callback runs first: it checks the cache's settings (outreach.cache)
    (["letter", "--help"], ("pydantic", "yaml", "jinja2", "wcwidth",
                            "outreach.workspace.folder", "outreach.app", *NOT_FOR_READING)),
    (["contacts"], NOT_FOR_READING),
    (["due"], NOT_FOR_READING),
    (["report"], (*NOT_FOR_READING, "concurrent.futures", "outreach.campaign.caseload",
                  "outreach.workspace.output", "outreach.render.writers.pdf")),
])
def test_the_commands_that_start_at_once_load_nothing_deferred_for_them(
        args: list[str], refused: tuple[str, ...], tmp_path: Path) -> None:
    from conftest import copy_workspace

    root = copy_workspace(tmp_path / "ws")
    code = ("import sys\nfrom outreach.cli import cli\n"
            f"try:\n    cli({args!r}, prog_name='outreach')\n"
            "except SystemExit as e:\n    assert e.code in (0, 3, None), e.code\n"
            "print(' '.join(sorted(sys.modules)))\n")
    env = {**os.environ, "OUTREACH_CACHE_DIR": str(tmp_path / "cache"),
           "PYTHONPATH": str(REPO)}
    done = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True,
                          text=True, env=env)
    assert done.returncode == 0, done.stderr
    loaded = done.stdout.splitlines()[-1].split()
    assert len(loaded) > 50 and "outreach.cli" in loaded
    assert [m for m in loaded if m in refused or m.startswith(tuple(
        f"{r}." for r in refused))] == []
