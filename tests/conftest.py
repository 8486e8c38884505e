"""Shared helpers: a fresh copy of the sample workspace, the CLI, and readers that look
at written files the way a user's software does (poppler, python-docx, LibreOffice)."""

from __future__ import annotations

import functools
import inspect
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner

from outreach.cli import cli

#: The test modules as rewritten by pytest (assertions) and outreach's modules are kept
#: compiled in their __pycache__ folders (ignored by git) even where the environment says
#: PYTHONDONTWRITEBYTECODE: without them each xdist worker rewrites the 60-odd test
#: modules again (5 s of its start), and each command run as a process compiles outreach.
sys.dont_write_bytecode = False

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
SAMPLE_IDS = sorted(p.stem for p in (REPO / "profiles" / "contacts").glob("*.yaml"))
#: In place of ``--all``, a batch of every contact whatever its stage (``--all`` takes
#: those at the document's own stage): for the tests of what a batch of many does.
EVERYONE = ("--stage", "new", "--stage", "approached", "--stage", "scheduled",
            "--stage", "met", "--stage", "declined", "--stage", "thanked",
            "--stage", "kept-in-touch")


#: What a test that starts a process of its own says in its code: outreach run as a
#: command, a Python of its own, LibreOffice. (poppler's readers, ``pdf_text`` and
#: ``pdf_pages`` below, take a few milliseconds: not counted.)
STARTS_A_PROCESS = re.compile(r"\bsubprocess\.|\bsys\.executable\b|\blibreoffice_to_pdf\b"
                              r"|\bsoffice\b|\bPopen\b|\bmultiprocessing\.")


#: Tests that lay out every document of a workspace, or of several, in this process:
#: each took 17 s or more (all its cases) in a run of the whole suite on two busy cores
#: (``pytest --durations=0``), together two fifths of what ``make test-fast`` took.
#: Also ``slow``; the file (under tests/) and the name alone (any parameters) are enough.
LAID_OUT_AT_LENGTH = {
    "render/test_docx_writer.py::test_same_words_as_the_python_docx_writer",
    "app/test_batches.py::test_a_batch_run_again_parses_only_the_documents_whose_text_changed",
    "render/test_sheet_layout.py::test_sample_sheets_fill_their_pages",
    "render/test_pdf_stylesheet.py::"
    "test_every_kind_of_document_comes_out_as_with_weasyprints_whole_stylesheet",
    "compose/test_kinds.py::test_contacts_without_how_we_met_still_get_every_other_document",
    "workspace/test_confinement.py::test_nothing_is_written_outside_the_workspace_or_output",
    "project/test_logistics.py::test_enclosures_are_named_by_title",
    "workspace/test_log_properties.py::test_log_only_inserts_and_the_result_validates",
    "compose/test_sandbox_enclosures.py::test_a_pdf_enclosure_travels_without_its_actions",
}


@functools.cache
def _source(function: object) -> str:
    try:
        return inspect.getsource(function)  # type: ignore[arg-type]
    except (OSError, TypeError):
        return ""


@functools.cache
def _starts_a_process(function: Callable[..., object]) -> bool:
    """Whether a test's code, or that of a helper of its own module it calls, starts a
    process (once per function: the cases of a parametrized test share it)."""
    source = _source(function)
    if STARTS_A_PROCESS.search(source):
        return True
    module = inspect.getmodule(function)
    for name in set(re.findall(r"\b(\w+)\(", source)):
        helper = getattr(module, name, None)
        if inspect.isfunction(helper) and helper is not function and \
                helper.__module__ == getattr(module, "__name__", None) and \
                STARTS_A_PROCESS.search(_source(helper)):
            return True
    return False


def _fixture_starts_a_process(item: pytest.Item, name: str, seen: set[str]) -> bool:
    """Whether the fixture ``name`` of the test's module (or of this file), or one it
    asks for, starts a process (``converted``: LibreOffice, once for a whole module)."""
    if name in seen:
        return False
    seen.add(name)
    module = getattr(item, "module", None)
    fixture = getattr(module, name, None) or globals().get(name)
    function = getattr(fixture, "__wrapped__", None)
    if function is None or not inspect.isfunction(function):
        return False
    return _starts_a_process(function) or any(
        _fixture_starts_a_process(item, arg, seen)
        for arg in inspect.signature(function).parameters)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests that start a process of their own (outreach as a command, a fresh Python,
    LibreOffice), or whose fixtures do, and those of ``LAID_OUT_AT_LENGTH`` are marked
    ``slow``: ``make test-fast`` (``-m "not slow"``) leaves them out. A test may say so
    itself too (``@pytest.mark.slow``)."""
    for item in items:
        function = getattr(item, "function", None)
        if function is None or item.get_closest_marker("slow") is not None:
            continue
        seen: set[str] = set()
        named = (f"{item.path.relative_to(TESTS).as_posix()}::"
                 f"{getattr(item, 'originalname', item.name)}")
        if named in LAID_OUT_AT_LENGTH or _starts_a_process(function) or any(
                _fixture_starts_a_process(item, name, seen)
                for name in getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)


@pytest.fixture(autouse=True, scope="session")
def layout_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The tests' layout cache: a folder of their own (commands run as subprocesses
    inherit it), never the user's; one for every xdist worker of the run, as the cache
    is shared by a user's commands run at once (what one worker laid out, the other
    takes from it)."""
    run = tmp_path_factory.getbasetemp()
    folder = (run.parent if os.environ.get("PYTEST_XDIST_WORKER") else run) / "layout-cache"
    folder.mkdir(exist_ok=True)
    os.environ["OUTREACH_CACHE_DIR"] = str(folder)
    yield folder


#: The LibreOffice profile of this process's conversions (``libreoffice_to_pdf``), kept
#: from one to the next as a user's is: a start in a new profile spends 0.2 s making it.
OFFICE_PROFILE: list[Path] = []


@pytest.fixture(autouse=True, scope="session")
def office_profile(tmp_path_factory: pytest.TempPathFactory) -> None:
    """One LibreOffice profile for each xdist worker (LibreOffice starts one at a time in
    a worker; two at once in one profile would not do), under the run's own folder."""
    OFFICE_PROFILE[:] = [tmp_path_factory.getbasetemp() / "lo-profile"]


@pytest.fixture(autouse=True)
def no_early_warm_up(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Commands run in-process start no warm-up thread (``workers.warm_up_soon``): one
    left running would look at the cores while a later test feeds them figures of its
    own. Tests of the warm-up (marked ``warm_up``), and commands run as their own
    process, start it as a user's commands do."""
    if request.node.get_closest_marker("warm_up") is None:
        from outreach.render import workers

        monkeypatch.setattr(workers, "warm_up_soon", lambda documents: None)


def copy_workspace(target: Path) -> Path:
    """A copy of the repository's sample workspace (profiles only) at ``target``."""
    shutil.copytree(REPO / "profiles", target / "profiles")
    return target


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    return copy_workspace(tmp_path)


@dataclass
class Run:
    code: int
    out: str
    err: str


def run(workspace: Path, *args: str) -> Run:
    """Invoke the CLI in-process on ``workspace``."""
    result = CliRunner().invoke(cli, ["--workspace", str(workspace), *args],
                                catch_exceptions=False)
    return Run(result.exit_code, result.stdout, result.stderr)


def words(text: str) -> str:
    """Text with runs of white space folded, hyphenation at line ends undone."""
    return re.sub(r"\s+", " ", text.replace("\u00ad", "")).strip()


def comparable(text: str) -> str:
    """Words to compare across formats: pdftotext drops the hyphen of a compound broken
    at the end of a line (rental-|inspection), so hyphens are left out on both sides."""
    return words(text).replace("-", "")


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True,
                          capture_output=True, text=True).stdout


def pdf_pages(path: Path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True,
                          text=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))  # type: ignore[union-attr]


def pdf_page_size(path: Path) -> str:
    info = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True,
                          text=True).stdout
    return re.search(r"^Page size:\s+(.*)$", info, re.M).group(1)  # type: ignore[union-attr]


def docx_text(path: Path) -> str:
    return "\n".join(p.text for p in docx.Document(str(path)).paragraphs)


def libreoffice_to_pdf(paths: list[Path], outdir: Path) -> list[Path]:
    """Convert DOCX files with LibreOffice, as a user opening them in Writer would see them.

    One LibreOffice start for all files; each is copied under a unique name first, since
    every contact's letter is called approach-letter.docx."""
    sources = outdir / "docx"
    sources.mkdir(parents=True, exist_ok=True)
    copies = []
    for n, path in enumerate(paths):
        copies.append(sources / f"{n:03d}-{path.name}")
        shutil.copyfile(path, copies[-1])
    profile = OFFICE_PROFILE[0] if OFFICE_PROFILE else outdir / "lo-profile"
    subprocess.run(["soffice", f"-env:UserInstallation=file://{profile}", "--headless",
                    "--convert-to", "pdf", "--outdir", str(outdir), *map(str, copies)],
                   check=True, capture_output=True, timeout=240)
    return [outdir / (p.stem + ".pdf") for p in copies]


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` with its bytes (to prove nothing changed)."""
    return {str(p.relative_to(folder)): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}
