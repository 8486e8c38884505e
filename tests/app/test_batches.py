"""Large batches: layout shared among worker processes, the cache of laid-out pages, and
no wasted work (a DOCX-only run writes no PDF; a cached one needs no WeasyPrint)."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import EVERYONE, REPO, comparable, pdf_pages, pdf_text, run
from outreach.render.workers import FORK_SERVER
from outreach.render.writers import pdf as pdf_writer

sys.path.insert(0, str(REPO / "bench"))
import workspaces

ENV = {**os.environ, "PYTHONPATH": str(REPO)}


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A cache of this test's own, used in this process and by the commands it starts."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("OUTREACH_CACHE_DIR", str(folder))
    return folder


@pytest.fixture
def laid_out(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[tuple[str, bool]]]:
    """Each document WeasyPrint lays out in this process: (title, PDF written)."""
    seen: list[tuple[str, bool]] = []
    real = pdf_writer.render

    def spy(documents: list[object], css: str, **kw: object) -> object:
        seen.extend((d.title, bool(kw.get("write",
                    True))) for d in documents)  # type: ignore[attr-defined]
        return real(documents, css, **kw)  # type: ignore[arg-type]

    monkeypatch.setenv("OUTREACH_WORKERS", "1")
    monkeypatch.setattr(pdf_writer, "render", spy)
    yield seen


def _letters(ws: Path) -> dict[str, bytes]:
    return {p.parent.name: p.read_bytes() for p in (ws / "output").glob("*/approach-letter.pdf")}


def test_a_rerun_lays_out_only_the_contact_that_changed(
        ws: Path, cache: Path, laid_out: list[tuple[str, bool]]) -> None:
    assert run(ws, "letter", *EVERYONE, "--format", "pdf", "--date", "2026-11-21").code == 0
    assert len(laid_out) == 6
    before = _letters(ws)
    contact = ws / "profiles" / "contacts" / "priya-raman.yaml"
    contact.write_text(contact.read_text().replace("Chicago Metropolitan Agency",
                                                   "Chicago Regional Agency"))
    laid_out.clear()
    result = run(ws, "letter", *EVERYONE, "--format", "pdf", "--date", "2026-11-21", "--force")
    assert result.code == 0, result.err
    assert laid_out == [("Letter to Priya Raman", True)]
    after = _letters(ws)
    assert {cid for cid in after if after[cid] != before[cid]} == {"priya-raman"}
    assert "Chicago Regional Agency" in pdf_text(ws / "output" / "priya-raman" /
                                                 "approach-letter.pdf")
    shutil.rmtree(cache)  # safe to delete: laid out again, the same words
    laid_out.clear()
    assert run(ws, "letter", *EVERYONE, "--format", "pdf", "--date", "2026-11-21",
               "--force").code == 0
    assert len(laid_out) == 6
    for cid in _letters(ws):
        (ws / "again.pdf").write_bytes(after[cid])
        assert pdf_text(ws / "output" / cid / "approach-letter.pdf") == \
            pdf_text(ws / "again.pdf")


def test_the_cache_is_never_stale(ws: Path, cache: Path,
                                  laid_out: list[tuple[str, bool]]) -> None:
    """A changed CSS, or a changed file the CSS names (an image), lays out again."""
    (ws / "templates").mkdir()
    css = (REPO / "outreach" / "compose" / "templates" / "document.css").read_text()
    mark = ws / "templates" / "mark.svg"

    def draw(word: str) -> None:
        mark.write_text('<svg xmlns="http://www.w3.org/2000/svg" width="200" height="40">'
                        f'<text x="5" y="20" font-size="12">Mark {word}</text></svg>')

    draw("Alpha")
    (ws / "templates" / "document.css").write_text(
        css + f"\n.part.sender {{ background: url({mark.as_uri()}) no-repeat right top; }}\n")

    def text() -> str:
        assert run(ws, "letter", "jim-park", "--format", "pdf", "--force").code == 0
        return pdf_text(ws / "output" / "jim-park" / "approach-letter.pdf")

    assert "Mark Alpha" in text() and len(laid_out) == 1
    assert "Mark Alpha" in text() and len(laid_out) == 1  # from the cache
    draw("Beta")
    assert "Mark Beta" in text() and len(laid_out) == 2
    (ws / "templates" / "document.css").write_text(css)
    assert "Mark" not in text() and len(laid_out) == 3


def test_a_cached_run_gives_the_same_warnings(ws: Path, cache: Path) -> None:
    (ws / "templates").mkdir()
    css = (REPO / "outreach" / "compose" / "templates" / "document.css").read_text()
    (ws / "templates" / "document.css").write_text(
        css + "\nhtml { background: url(file:///etc/hostname); }\n")
    for _ in range(2):
        result = run(ws, "letter", "jim-park", "--format", "pdf", "--force")
        assert result.code == 0
        assert "not fetched" in result.err and "/etc/hostname" in result.err


@pytest.mark.skipif(not FORK_SERVER, reason="spawned workers are not warmed up")
def test_where_the_fork_server_is_up_workers_lay_the_batch_out_and_its_warnings_are_said(
        ws: Path, cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The fork server started as the command did: workers lay the batch out, in place
    of this process (which would first import WeasyPrint), and what WeasyPrint said
    there is said here, as often as without workers."""
    from outreach.render import workers

    (ws / "templates").mkdir()
    css = (REPO / "outreach" / "compose" / "templates" / "document.css").read_text()
    (ws / "templates" / "document.css").write_text(
        css + "\nhtml { background: url(file:///etc/hostname); }\n")
    monkeypatch.delenv("OUTREACH_WORKERS", raising=False)
    monkeypatch.setattr(workers, "SERVER", workers.ForkServer())
    monkeypatch.setattr(workers, "cores", lambda: 2)
    alone = ws.parent / "alone"
    shutil.copytree(ws, alone)
    here: list[object] = []
    real = pdf_writer.render
    monkeypatch.setattr(pdf_writer, "render", lambda *a, **kw: here.append(a))
    workers.warm_up(6)
    assert workers.warm()
    result = run(ws, "letter", *EVERYONE, "--format", "pdf", "--date", "2026-11-21")
    assert result.code == 0, result.err
    assert here == [] and "/etc/hostname" in result.err
    said = result.err.count("/etc/hostname")
    letters = sorted((ws / "output").glob("*/approach-letter.pdf"))
    assert len(letters) == 6 and all(pdf_pages(pdf) == 1 for pdf in letters)
    # one letter, fewer than a pass handed early: a worker too
    result = run(ws, "letter", "jim-park", "--format", "pdf", "--date", "2026-11-22",
                 "--force")
    assert result.code == 0 and here == [] and "/etc/hostname" in result.err
    assert "November 22, 2026" in pdf_text(ws / "output" / "jim-park" / "approach-letter.pdf")
    # said as often as where this process lays the batch out itself
    monkeypatch.setattr(pdf_writer, "render", real)
    monkeypatch.setenv("OUTREACH_WORKERS", "1")
    monkeypatch.setenv("OUTREACH_CACHE_DIR", str(cache.parent / "cache-alone"))
    itself = run(alone, "letter", *EVERYONE, "--format", "pdf", "--date", "2026-11-21")
    assert itself.code == 0 and here == []
    assert said == itself.err.count("/etc/hostname")


def _font_file(family: str) -> Path:
    return Path(subprocess.run(["fc-match", "-f", "%{file}", family], check=True,
                               capture_output=True, text=True).stdout)


def test_a_font_replaced_between_two_runs_of_one_process_is_used(
        ws: Path, cache: Path, laid_out: list[tuple[str, bool]]) -> None:
    """A process keeps its stylesheet parsed, with the fonts it loaded, from pass to
    pass and run to run (a program using outreach); a font file changed since is loaded
    again, as the layout cache lays the letter out again."""
    (ws / "templates").mkdir()
    face = ws / "templates" / "face.ttf"
    css = (REPO / "outreach" / "compose" / "templates" / "document.css").read_text()
    (ws / "templates" / "document.css").write_text(
        css + f"\n@font-face {{ font-family: Face; src: url({face.as_uri()}); }}\n"
        "body, .part, p { font-family: Face; }\n")
    letter = ws / "output" / "jim-park" / "approach-letter.pdf"
    for family in ("Liberation Sans", "Liberation Serif"):
        shutil.copyfile(_font_file(family), face)
        assert run(ws, "letter", "jim-park", "--format", "pdf", "--force").code == 0
        assert _embedded_families(letter) == {family}
    assert len(laid_out) == 2


def _embedded_families(path: Path) -> set[str]:
    """The family names the PDF's embedded fonts give themselves (their name tables)."""
    import io

    import pikepdf
    from fontTools.ttLib import TTFont

    families = set()
    with pikepdf.open(path) as document:
        for thing in document.objects:
            if isinstance(thing, pikepdf.Dictionary) and "/FontFile2" in thing:
                font = TTFont(io.BytesIO(thing.FontFile2.read_bytes()))
                families.add(str(font["name"].getDebugName(1)))
    return families


def test_a_text_library_updated_changes_every_key(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """The layout's fingerprint sees the text libraries in every folder searched, a
    folder reached twice (``/lib`` that is ``/usr/lib``) listed once."""
    from outreach import cache as layout_cache

    lib = tmp_path / "usr" / "lib" / "x86_64-linux-gnu"
    lib.mkdir(parents=True)
    (tmp_path / "lib").symlink_to(tmp_path / "usr" / "lib")
    (lib / "libpango-1.0.so.0").write_bytes(b"pango 1.50")
    (lib / "libunrelated.so.1").write_bytes(b"other")
    monkeypatch.setattr(layout_cache, "LIBRARY_DIRS",
                        (str(tmp_path / "usr" / "lib" / "*"), str(tmp_path / "lib" / "*")))

    def fingerprint() -> str:
        layout_cache.environment.cache_clear()
        return layout_cache.environment()

    try:
        found = layout_cache._libraries()
        assert [f.split(":")[0] for f in found] == [str(lib / "libpango-1.0.so.0")]
        before = fingerprint()
        assert fingerprint() == before
        (lib / "libunrelated.so.1").write_bytes(b"other, newer")
        assert fingerprint() == before
        (lib / "libpango-1.0.so.0").write_bytes(b"pango 1.52, rebuilt")
        assert fingerprint() != before
    finally:
        layout_cache.environment.cache_clear()


def test_the_cache_stays_within_its_size(ws: Path, cache: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OUTREACH_CACHE_MB", "0.02")  # about two letters
    assert run(ws, "letter", *EVERYONE, "--format", "pdf").code == 0
    sizes = [p.stat().st_size for p in cache.iterdir() if p.name != "CACHEDIR.TAG"]
    assert 0 < len(sizes) < 6 and sum(sizes) <= 0.02 * 1024 * 1024


def test_docx_only_writes_no_pdf_and_then_needs_no_weasyprint(
        ws: Path, cache: Path, laid_out: list[tuple[str, bool]]) -> None:
    assert run(ws, "letter", *EVERYONE, "--format", "docx").code == 0
    assert len(laid_out) == 6 and not any(written for _, written in laid_out)
    code = ("import sys\nfrom outreach.cli import cli\n"
            f"try:\n    cli(['letter', *{EVERYONE!r}, '--format', 'docx', '--force'], "
            "prog_name='outreach')\nexcept SystemExit as e:\n    assert not e.code, e.code\n"
            "assert 'weasyprint' not in sys.modules, 'weasyprint imported'\n")
    again = subprocess.run([sys.executable, "-c", code], cwd=ws, capture_output=True,
                           text=True, env={**ENV, "OUTREACH_CACHE_DIR": str(cache)})
    assert again.returncode == 0, again.stderr
    assert again.stdout.count("unchanged") == 6  # forced, but the same words
    # a PDF run later lays them out again: the page counts alone are no PDF
    laid_out.clear()
    assert run(ws, "letter", *EVERYONE, "--format", "pdf").code == 0
    assert len(laid_out) == 6 and all(written for _, written in laid_out)


def _batch(root: Path, workers: str, cache: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "outreach", "letter", *EVERYONE, "--date",
                           "2026-11-21"], cwd=root, capture_output=True, text=True,
                          env={**ENV, "OUTREACH_WORKERS": workers,
                               "OUTREACH_CACHE_DIR": str(cache)})


def test_workers_write_what_one_process_writes(tmp_path: Path) -> None:
    one, two = (workspaces.make(tmp_path / name, 30) for name in ("one", "two"))
    for root, workers in ((one, "1"), (two, "2")):
        done = _batch(root, workers, tmp_path / f"cache-{workers}")
        assert done.returncode == 0, done.stderr
        assert done.stdout.count("written") == 60
    for pdf in sorted((one / "output").rglob("*.pdf")):
        twin = two / pdf.relative_to(one)
        assert pdf_pages(pdf) == pdf_pages(twin) == 1
        assert comparable(pdf_text(pdf)) == comparable(pdf_text(twin))
        assert twin.with_suffix(".docx").is_file()


def test_a_script_with_a_main_guard_can_use_the_workers(tmp_path: Path) -> None:
    """Workers import the caller's script again, as every multiprocessing program's do
    (outreach/render/workers.py): under its main guard, the batch is written once."""
    root = workspaces.make(tmp_path / "ws", 16)
    script = tmp_path / "batch.py"
    script.write_text(
        "from pathlib import Path\nfrom outreach.compose import kinds\n"
        "from outreach.app.pipeline import Options, generate\n"
        "from outreach.workspace.folder import Workspace\n"
        "print('started')\n"
        "if __name__ == '__main__':\n"
        f"    report = generate(Workspace(Path({str(root)!r})), "
        "kinds.get('approach-letter'), None, Options(formats=('pdf',)))\n"
        "    print(len(report.outcomes), 'files')\n")
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                          timeout=300, env={**ENV, "OUTREACH_WORKERS": "2",
                                            "OUTREACH_CACHE": "off"})
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["started", "16", "files"]


def test_a_bad_worker_count_is_a_usage_error(ws: Path, monkeypatch: pytest.MonkeyPatch
                                             ) -> None:
    monkeypatch.setenv("OUTREACH_WORKERS", "many")
    result = run(ws, "letter", *EVERYONE)
    assert result.code == 2
    assert "OUTREACH_WORKERS=many" in result.err
    assert not (ws / "output").exists()


def test_print_file_is_made_from_the_letters_just_written(tmp_path: Path) -> None:
    root = workspaces.make(tmp_path / "week", 12, meetings=True)
    result = run(root, "thank-you", "--since", "2026-11-14", "--date", "2026-11-21")
    assert result.code == 0, result.err
    letters = sorted((root / "output").glob("contact-*/thank-you.pdf"))
    assert len(letters) == 12
    batch = root / "output" / "batches" / "2026-11-21-thank-you.pdf"
    assert pdf_pages(batch) == sum(pdf_pages(p) for p in letters)
    text = comparable(pdf_text(batch))
    for letter in letters:
        assert comparable(pdf_text(letter)) in text



def _calls(monkeypatch: pytest.MonkeyPatch, owner: object, name: str) -> list[Any]:
    """The first argument of each call of ``owner.name`` from now on (it still works)."""
    seen: list[Any] = []
    real = getattr(owner, name)

    def spy(first: Any, *args: Any, **kw: Any) -> Any:
        seen.append(first)
        return real(first, *args, **kw)

    monkeypatch.setattr(owner, name, spy)
    return seen


def test_the_resume_is_read_and_cleaned_once_per_run(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The busy week encloses the résumé with many letters: its clean copy (beside each
    DOCX) and its pages (in each PDF) are made once, and made again once it changed."""
    from outreach.compose import enclosures

    cleaned = _calls(monkeypatch, enclosures, "clean_pdf")
    root = workspaces.make(tmp_path / "week", 12, meetings=True)
    result = run(root, "thank-you", "--since", "2026-11-14", "--date", "2026-11-21")
    assert result.code == 0, result.err
    copies = sorted((root / "output").glob("*/thank-you-enclosure-resume.pdf"))
    assert len(copies) >= 2 and len(cleaned) == 1
    resume = root / "profiles" / "resume.pdf"
    assert {p.read_bytes() for p in copies} == {resume.read_bytes()}
    changed = resume.read_bytes() + b"\n% a later version\n"
    resume.write_bytes(changed)
    assert run(root, "thank-you", "--since", "2026-11-14", "--date", "2026-11-21",
               "--force").code == 0
    assert len(cleaned) == 2
    assert {p.read_bytes() for p in copies} == {changed}



def _streamed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, count: int,
              fail_at: int | None = None) -> tuple[Path, list[bool], list[object]]:
    """A batch of ``count`` letters laid out by two workers, in this process (the letter
    number ``fail_at`` cannot be rendered): for each pass handed to the workers, whether
    the batch was still rendering then; and the jobs made."""
    from outreach.app import pipeline
    from outreach.compose import kinds
    from outreach.errors import TemplateError
    from outreach.render import workers
    from outreach.workspace.folder import Workspace

    root = workspaces.make(tmp_path / "ws", count)
    monkeypatch.setenv("OUTREACH_WORKERS", "2")
    monkeypatch.setenv("OUTREACH_CACHE", "off")
    rendering, built = [True], [0]
    when: list[bool] = []
    made: list[object] = []
    real_render, real_build, real_add = pipeline.render, pipeline.build, workers.Jobs.add

    def render(*args: Any, **kw: Any) -> Any:
        done = real_render(*args, **kw)
        rendering[0] = False
        return done

    def build(*args: Any, **kw: Any) -> Any:
        if built[0] == fail_at:
            raise TemplateError("the template fails for this contact")
        built[0] += 1
        return real_build(*args, **kw)

    def add(self: Any, job: Any) -> None:
        when.append(rendering[0])
        if self not in made:
            made.append(self)
        real_add(self, job)

    monkeypatch.setattr(pipeline, "render", render)
    monkeypatch.setattr(pipeline, "build", build)
    monkeypatch.setattr(workers.Jobs, "add", add)
    options = pipeline.Options(formats=("pdf",), today=dt.date(2026, 11, 21))
    with contextlib.suppress(TemplateError):
        pipeline.generate(Workspace(root), kinds.get("approach-letter"), None, options)
    return root, when, made


def test_workers_lay_out_the_first_passes_while_the_rest_of_the_batch_renders(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Passes go to the workers as they are rendered, not after the whole batch (1,000
    letters were handed over from 1.7 s rather than 3.6 s); each letter is still its
    own contact's."""
    root, when, _ = _streamed(tmp_path, monkeypatch, 14)
    assert when == [True, True, True, False]  # passes of 4; the last 2 wait for the end
    letters = sorted((root / "output").glob("*/approach-letter.pdf"))
    assert len(letters) == 14
    for letter in letters:
        n = int(letter.parent.name.removeprefix("contact-"))
        assert pdf_pages(letter) == 1
        assert f"{100 + n} Main Street" in pdf_text(letter)


def test_a_batch_that_fails_to_render_cancels_the_passes_it_handed_out(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """All or nothing still: a letter that cannot be rendered stops the batch before any
    file is written, and the workers stop laying out what was handed to them."""
    import threading

    root, when, made = _streamed(tmp_path, monkeypatch, 14, fail_at=10)
    assert when == [True, True]  # two passes handed before the eleventh letter failed
    assert not (root / "output").exists()
    assert made and all(job._closed for job in made)  # type: ignore[attr-defined]
    assert not any(t.name == "outreach-jobs" for t in threading.enumerate())


def test_lookups_asked_for_a_second_layout_lose_no_document(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The passes handed out as a batch rendered belong to the first layout that takes
    them; laying the batch out again with the same lookups lays out every document once
    more (it used to give nothing for the handed ones, or fail)."""
    from outreach.document.model import Document, Paragraph, Span
    from outreach.render import layout, workers

    monkeypatch.setenv("OUTREACH_WORKERS", "2")
    monkeypatch.setenv("OUTREACH_CACHE", "off")
    monkeypatch.setattr(workers, "to_workers", lambda: True)
    css = (REPO / "outreach" / "compose" / "templates" / "document.css").read_text(encoding="utf-8")
    setting = layout.Setting(css)
    docs = [Document("approach-letter", f"Letter {n}", "letter",
                     (Paragraph((Span(f"Dear reader number {n},"),)),)) for n in range(6)]
    items: list[layout.Item] = [(d, 1, None) for d in docs]
    lookups = layout.Lookups(setting, pdf=False, batch=6)
    for document in docs:
        lookups.ask(document, 1)
    assert len(lookups.handed) == 1  # one pass of 4 handed; 2 wait
    for _ in range(2):
        laid = [n for done in layout.lay_out(items, setting, pdf=False, lookups=lookups)
                for n, _ in done]
        assert sorted(laid) == list(range(6))
        assert lookups.handed == [] and lookups.jobs is None


def _every_kind(ws: Path) -> list[str]:
    """Run each command that writes a document, for every contact it applies to; the
    text of every DOCX written, by path."""
    for command in (["letter", *EVERYONE], ["script", *EVERYONE], ["questions", *EVERYONE],
                    ["thank-you", "--since", "2026-01-01"],
                    ["keep-in-touch", "--landed", "Planner, City of Springfield"]):
        result = run(ws, *command, "--format", "docx", "--force")
        assert result.code == 0, result.err
    from conftest import docx_text

    return [f"{p.relative_to(ws)}\n{docx_text(p)}"
            for p in sorted((ws / "output").rglob("*.docx"))]


def test_a_batch_run_again_parses_only_the_documents_whose_text_changed(
        ws: Path, cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The blocks of each document's Markdown are kept in the cache: run again, nothing
    is parsed and every document has the same words; a changed contact's documents are
    parsed again; a damaged entry is parsed again, never used."""
    from outreach.compose import documents

    parsed = _calls(monkeypatch, documents, "parse")
    first = _every_kind(ws)
    assert len(first) >= 12 and len(parsed) >= len(first)
    parsed.clear()
    assert _every_kind(ws) == first and parsed == []
    contact = ws / "profiles" / "contacts" / "priya-raman.yaml"
    contact.write_text(contact.read_text().replace("Chicago Metropolitan Agency",
                                                   "Chicago Regional Agency"))
    again = _every_kind(ws)
    assert parsed and all("Chicago Regional Agency" in m or "Priya" in m for m in parsed)
    assert [t for t in again if "priya-raman" not in t.split("\n")[0]] == \
        [t for t in first if "priya-raman" not in t.split("\n")[0]]
    assert any("Chicago Regional Agency" in t for t in again)
    for entry in cache.glob("?" * 48):  # every entry damaged: all parsed again, same words
        entry.write_bytes(entry.read_bytes()[:7])
    parsed.clear()
    assert _every_kind(ws) == again and len(parsed) >= len(again)


def test_blocks_kept_as_json_come_back_equal() -> None:
    from outreach.compose.documents import blocks_of
    from outreach.document.model import (
        Heading,
        ListBlock,
        PageBreak,
        Paragraph,
        Part,
        Span,
        from_plain,
        to_plain,
    )

    made = (Heading(2, (Span("Questions “to ask”", bold=True),)),
            Part("answer", (Paragraph((Span("a\nb"), Span("c", italic=True))),), 71.5),
            ListBlock(True, ((Paragraph((Span("one"),)),), (Part("x", ()),)), start=3),
            ListBlock(False, ()), PageBreak(), Part("body", (), None))
    import json

    assert from_plain(json.loads(json.dumps(to_plain(made)))) == made
    markdown = ("::: salutation\nDear Zoë O'Neill,\n:::\n\n# A *heading*\n\n1. first\n"
                "2. **second**\n\n- a\n- b\n")
    assert from_plain(to_plain(blocks_of(markdown))) == blocks_of(markdown)
    with pytest.raises(ValueError):
        from_plain([["?"]])


def test_the_parse_cache_follows_outreachs_code(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """Every module of outreach is in the fingerprint of what its code makes: a module
    changed (a new version, an edit) parses every document again."""
    from outreach import cache as kept

    names = {p.name for p in kept.code_files()}
    assert {"markup.py", "text.py", "model.py", "documents.py"} <= names
    module = tmp_path / "markup.py"
    module.write_text("# one version\n")
    monkeypatch.setattr(kept, "code_files", lambda: [module])
    try:
        kept.code.cache_clear()
        before = kept.code_key("blocks", "Dear Jim,")
        module.write_text("# another version, longer\n")
        kept.code.cache_clear()
        assert kept.code_key("blocks", "Dear Jim,") != before
    finally:
        kept.code.cache_clear()


def test_a_batch_run_again_loads_no_parser(tmp_path: Path) -> None:
    """Names read and Markdown parsed are kept with the pages: a DOCX-only batch run
    again loads neither parser nor WeasyPrint, and writes the same words."""
    from conftest import docx_text

    root = workspaces.make(tmp_path / "ws", 30)
    code = ("import sys\nfrom outreach.cli import cli\n"
            "try:\n    cli(['letter', '--all', '--format', 'docx', '--force', "
            "'--date', '2026-11-21'], prog_name='outreach')\n"
            "except SystemExit as e:\n    assert not e.code, e.code\n"
            "print('loaded:', sorted(m for m in ('nameparser', 'markdown_it', 'weasyprint')"
            " if m in sys.modules))\n")
    env = {**ENV, "OUTREACH_CACHE_DIR": str(tmp_path / "cache")}

    def batch() -> tuple[str, list[str]]:
        done = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True,
                              text=True, env=env)
        assert done.returncode == 0, done.stderr
        letters = sorted((root / "output").glob("*/approach-letter.docx"))
        assert len(letters) == 30
        return done.stdout.splitlines()[-1], [docx_text(p) for p in letters]

    loaded, first = batch()
    assert "'markdown_it', 'nameparser'" in loaded
    loaded, again = batch()
    assert loaded == "loaded: []" and again == first


def test_a_damaged_name_entry_is_read_again(monkeypatch: pytest.MonkeyPatch,
                                            tmp_path: Path) -> None:
    from outreach import cache as kept
    from outreach.campaign import names

    monkeypatch.setenv("OUTREACH_CACHE_DIR", str(tmp_path))
    written = "Dr. María José García Pérez, Jr."
    fresh = names._reading(written)
    assert fresh[0] == "Dr." and fresh[3] == "Jr."
    entry = tmp_path / kept.code_key("name", written)
    for damage in (b"[1, 2", b'["Dr."]', b"[1, 2, 3, 4, 5]", b'{"a": 1}'):
        entry.write_bytes(kept.sealed(damage))
        assert names._reading(written) == fresh
        assert json.loads(kept.unsealed(entry.read_bytes()) or b"") == list(fresh)


def test_entries_nested_too_deep_are_made_again(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """An entry of the cache nested deeper than Python's parser goes (a shared folder
    someone wrote into) is made again, never an error."""
    from outreach import cache as kept
    from outreach.app.pipeline import templates_for
    from outreach.campaign import names
    from outreach.compose.documents import blocks_of
    from outreach.render.writers.docx import DocxWriter
    from outreach.workspace.folder import Workspace

    monkeypatch.setenv("OUTREACH_CACHE_DIR", str(tmp_path / "cache"))
    markdown = "::: salutation\nDear Zoë,\n:::\n\n1. one\n2. two\n"
    reference = templates_for(Workspace(REPO)).resource("reference.docx")
    blocks, reading = blocks_of(markdown), names._reading("Dr. Ana Abara")
    layout_entry = kept.key("layout entry")
    kept.put(layout_entry, kept.Entry(1, b"%PDF"))
    DocxWriter(reference)
    deep = b"[" * 200_000 + b"]" * 200_000
    for entry in (tmp_path / "cache").glob("?" * 48):
        entry.write_bytes(kept.sealed(deep))
    assert blocks_of(markdown) == blocks and names._reading("Dr. Ana Abara") == reading
    assert kept.get(layout_entry, need_pdf=False) is None
    assert DocxWriter(reference)._parts is not None  # prepared again
    (tmp_path / "cache" / layout_entry).write_bytes(kept.sealed(b'{"pages": ' + deep + b"}\n"))
    assert kept.get(layout_entry, need_pdf=False) is None
