"""The DOCX writer that prepares the reference once: the same words and pages as the
python-docx writer it replaced, headings that stay headings, the seeker's metadata, lists
where the PDF has them, and a reference restyled in another word processor."""

from __future__ import annotations

import datetime as dt
import io
import re
import subprocess
import sys
from pathlib import Path

import docx
import pytest

from conftest import (
    REPO,
    comparable,
    copy_workspace,
    libreoffice_to_pdf,
    pdf_pages,
    pdf_text,
    run,
    words,
)
from outreach.app.pipeline import templates_for
from outreach.campaign import rules
from outreach.compose import kinds
from outreach.compose.documents import Rendered, Request, build
from outreach.document.model import Heading, walk
from outreach.render.writers.docx import DocxWriter
from outreach.workspace.folder import Workspace
from support import legacy_docx

sys.path.insert(0, str(REPO / "bench"))
import workspaces

DAY = dt.date(2026, 11, 21)
KINDS = ("approach-letter", "phone-script", "question-sheet", "thank-you")
HEADING_STYLES = re.compile(r"^(Title|Heading \d)$")


def _rendered(root: Path) -> list[Rendered]:
    ws = Workspace(root)
    templates = templates_for(ws)
    out = []
    for contact in ws.contacts():
        for kind in KINDS:
            if kind == "thank-you" and rules.last_conversation(contact.data, DAY) is None:
                continue
            if kind == "phone-script" and contact.data.relationship == "friend":
                continue
            out.append(build(ws, templates, Request(kinds.get(kind), contact, DAY)))
    return out


@pytest.fixture(scope="module")
def both(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[Rendered, Path, Path]]:
    """Every kind of document for the sample and for a varied workspace, written by the
    new writer and by the old one: (rendered, new file, old file)."""
    out = []
    for name, make in (("sample", copy_workspace),
                       ("varied", lambda p: workspaces.make(p, 10, meetings=True))):
        root = make(tmp_path_factory.mktemp(name))
        reference = templates_for(Workspace(root)).resource("reference.docx")
        writer = DocxWriter(reference)
        for n, rendered in enumerate(_rendered(root)):
            new, old = root / f"{n:03d}-new.docx", root / f"{n:03d}-old.docx"
            new.write_bytes(writer.render(rendered.document))
            old.write_bytes(legacy_docx.render_with(rendered.document, reference))
            out.append((rendered, new, old))
    return out


@pytest.fixture(scope="module")
def converted(both: list[tuple[Rendered, Path, Path]],
              tmp_path_factory: pytest.TempPathFactory) -> list[tuple[Path, Path | None]]:
    """Each new file as LibreOffice lays it out, and the old one beside it where the
    test compares them, a letter's (one LibreOffice run for all)."""
    files = [new for _, new, _ in both]
    files += [old for rendered, _, old in both if rendered.document.is_letter]
    pdfs = libreoffice_to_pdf(files, tmp_path_factory.mktemp("lo"))
    olds = iter(pdfs[len(both):])
    return [(new, next(olds) if rendered.document.is_letter else None)
            for (rendered, _, _), new in zip(both, pdfs, strict=False)]


def _text(path: Path) -> str:
    return "\n".join(p.text for p in docx.Document(str(path)).paragraphs)


def test_same_words_as_the_python_docx_writer(both: list[tuple[Rendered, Path, Path]]
                                              ) -> None:
    assert len(both) > 40
    for rendered, new, old in both:
        # the old writer kept a template's doubled spaces; the PDF never showed them
        assert words(_text(new)) == words(_text(old)), rendered.document.title
        assert "  " not in _text(new), rendered.document.title


def test_letters_take_the_same_pages_in_libreoffice(
        both: list[tuple[Rendered, Path, Path]],
        converted: list[tuple[Path, Path | None]]) -> None:
    assert any(old for _, old in converted)
    for (rendered, written, _), (new, old) in zip(both, converted, strict=True):
        title = rendered.document.title
        if rendered.document.is_letter:  # no headings: laid out exactly as before
            assert old is not None and pdf_pages(new) == pdf_pages(old) == 1, title
        assert pdf_pages(new) <= rendered.most_pages, title  # written here as first set
        office = pdf_text(new)
        if rendered.document.folio:  # each page's footer: the title, "Page N of M"
            folio = r"\s+".join(map(re.escape, title.split())) + r"\s+Page (\d+) of (\d+)"
            found = re.findall(folio, office)
            pages = str(pdf_pages(new))
            assert found == [(str(n), pages) for n in range(1, pdf_pages(new) + 1)], title
            office = re.sub(folio, "", office)
        assert comparable(office) == comparable(_text(written)), title


def test_each_heading_has_one_heading_paragraph(both: list[tuple[Rendered, Path, Path]]
                                                ) -> None:
    scripts = [(r, new) for r, new, _ in both if r.document.kind == "phone-script"]
    assert scripts
    for rendered, new in scripts:
        headings = [b.text for b in walk(rendered.document.blocks) if isinstance(b, Heading)]
        styled = [p.text for p in docx.Document(str(new)).paragraphs
                  if HEADING_STYLES.match(p.style.name)]
        assert styled == headings, rendered.document.title
        assert len(headings) >= 5


def test_metadata_names_the_seeker_language_and_today(
        both: list[tuple[Rendered, Path, Path]]) -> None:
    for rendered, new, _ in both[:8]:
        props = docx.Document(str(new)).core_properties
        assert props.author == props.last_modified_by == "Dana Kehr"
        assert props.language == "en"  # the profile's lang
        assert props.title == rendered.document.title
        assert props.subject == rendered.document.subject
        now = dt.datetime.now(dt.UTC)
        for stamp in (props.created, props.modified):
            assert abs(stamp.replace(tzinfo=dt.UTC) - now) < dt.timedelta(hours=1)
        styles = docx.Document(str(new)).styles.element
        assert '<w:lang w:val="en"' in styles.xml  # what Word checks spelling in


def _x(pdf: Path, word: str) -> list[float]:
    box = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True,
                         text=True, check=True).stdout
    return [float(m) for m in re.findall(rf'xMin="([\d.]+)"[^>]*>{re.escape(word)}<', box)]


def test_lists_are_indented_and_spaced_as_in_the_pdf(ws: Path, tmp_path: Path) -> None:
    assert run(ws, "questions", "jim-park", "--date", "2026-11-21").code == 0
    folder = ws / "output" / "jim-park"
    [word_pdf] = libreoffice_to_pdf([folder / "question-sheet.docx"], tmp_path)
    for mark in ("•", "Thank"):  # the bullet and the first word after it
        ours, theirs = _x(folder / "question-sheet.pdf", mark)[0], _x(word_pdf, mark)[0]
        assert abs(ours - theirs) < 3, (mark, ours, theirs)
    paragraphs = docx.Document(str(folder / "question-sheet.docx")).paragraphs
    items = [n for n, p in enumerate(paragraphs) if p.style.name == "Bullet Item"]
    # the agenda's last item (the first that no item follows) is set off from what follows
    last = paragraphs[next(n for n in items if n + 1 not in items)]
    assert last.paragraph_format.space_after is not None
    assert last.paragraph_format.space_after.pt == pytest.approx(9)
    assert paragraphs[items[0]].paragraph_format.space_after is None


def test_set_tighter_as_the_python_docx_writer_did(ws: Path) -> None:
    ws_ = Workspace(ws)
    [rendered] = [build(ws_, templates_for(ws_), Request(kinds.get("approach-letter"),
                                                          ws_.contact("jim-park"), DAY))]
    reference = templates_for(ws_).resource("reference.docx")
    new = docx.Document(io.BytesIO(DocxWriter(reference).render(rendered.document,
                                                                 compact=True)))
    old = docx.Document(io.BytesIO(legacy_docx.render_with(rendered.document, reference,
                                                           compact=True)))
    plain = docx.Document(io.BytesIO(DocxWriter(reference).render(rendered.document)))
    for name in ("Normal", "Body Text", "Signature", "Sender", "Title"):
        sizes = [d.styles[name].font.size for d in (new, old)]
        assert sizes[0] == sizes[1], name
        for attr in ("space_before", "space_after"):
            ours, theirs = (getattr(d.styles[name].paragraph_format, attr) for d in (new, old))
            assert (ours is None) == (theirs is None), name
            if ours is not None:
                assert abs(ours.pt - theirs.pt) < 0.1, (name, attr)
    assert new.styles["Normal"].font.size.pt < plain.styles["Normal"].font.size.pt


def test_a_reference_saved_by_libreoffice_restyles_the_letters(ws: Path, tmp_path: Path
                                                               ) -> None:
    """A reference written by another word processor (other parts, other prefixes)."""
    reference = docx.Document(str(REPO / "outreach" / "compose" / "templates" / "reference.docx"))
    reference.styles["Body Text"].font.name = "DejaVu Sans"
    reference.save(str(tmp_path / "styled.docx"))
    subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path}/profile", "--headless",
                    "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(tmp_path / "lo"),
                    str(tmp_path / "styled.docx")], check=True, capture_output=True, timeout=240)
    (ws / "templates").mkdir()
    (ws / "templates" / "reference.docx").write_bytes((tmp_path / "lo" / "styled.docx")
                                                      .read_bytes())
    result = run(ws, "letter", "jim-park", "priya-raman")
    assert result.code == 0, result.err
    assert "has no paragraph style" not in result.err
    for cid in ("jim-park", "priya-raman"):
        written = docx.Document(str(ws / "output" / cid / "approach-letter.docx"))
        assert written.styles["Body Text"].font.name == "DejaVu Sans"
        styles = [p.style.name for p in written.paragraphs]
        assert styles[:2] == ["Envelope Return", "Letter Date"]  # LibreOffice's "Sender"
    pdfs = libreoffice_to_pdf([ws / "output" / c / "approach-letter.docx"
                               for c in ("jim-park", "priya-raman")], tmp_path / "back")
    for cid, pdf in zip(("jim-park", "priya-raman"), pdfs, strict=True):
        assert pdf_pages(pdf) == 1
        assert comparable(pdf_text(pdf)) == comparable(
            pdf_text(ws / "output" / cid / "approach-letter.pdf"))


def test_a_reference_prepared_once_is_kept_and_writes_the_same_documents(
        ws: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """What the writer prepares of reference.docx (its styles read, its parts compressed
    for each variant) is kept in the cache: the next run writes the same documents
    without reading the reference; a damaged entry is prepared again."""
    import zipfile

    monkeypatch.setenv("OUTREACH_CACHE_DIR", str(tmp_path / "cache"))
    reference = templates_for(Workspace(ws)).resource("reference.docx")
    documents = [r.document for r in _rendered(ws)]
    assert any(d.folio for d in documents) and any(d.is_letter for d in documents)
    now = dt.datetime(2026, 11, 21, 9, 30, tzinfo=dt.UTC)

    def written(writer: DocxWriter) -> list[dict[str, bytes]]:
        out = []
        for document in documents:
            for compact in (False, True):
                with zipfile.ZipFile(io.BytesIO(writer.render(document, compact=compact,
                                                              now=now))) as archive:
                    out.append({name: archive.read(name) for name in archive.namelist()})
        return out

    fresh = DocxWriter(reference)
    first = written(fresh)
    assert fresh._parts is not None  # read, prepared and kept
    again = DocxWriter(reference)
    assert written(again) == first and again._parts is None  # the reference not read
    for entry in (tmp_path / "cache").glob("?" * 48):
        entry.write_bytes(entry.read_bytes()[: len(entry.read_bytes()) // 2])
    damaged = DocxWriter(reference)
    assert written(damaged) == first and damaged._parts is not None
