"""Enclosures: the résumé never travels with an approach letter, whatever its bytes or
name; encrypted and repeated files are refused or dropped cleanly; what travels carries
no actions and no links out; nothing is fetched while any document is made."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
import yaml

from conftest import EVERYONE, Run, docx_text, pdf_pages, pdf_text, run
from support.sandbox_files import (
    ACTIONS,
    active_content,
    external_relationships,
    hostile_pdf,
    linking_docx,
    png,
    recording_server,
    refused,
)


@pytest.fixture(autouse=True)
def _in_workspace(ws: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ws)  # messages show paths relative to where the user is


def _warnings(err: str) -> list[str]:
    return [ln for ln in err.splitlines() if ln.startswith("Warning: ")
            and "has no title in its metadata" not in ln]  # named from its file name


def _done_quietly(result: Run, seen: list[str], warned: str) -> None:
    """Written, without a request to the server, with a warning holding ``warned``."""
    assert result.code == 0, result.err
    assert seen == []
    assert [w for w in _warnings(result.err) if warned in w], result.err


def _article(path: Path, text: str = "Zoning reform in Springfield") -> Path:
    """A one-page PDF article of a few words (LibreOffice-free: pypdf draws nothing, so
    the words go in a text-only content stream)."""
    from pypdf import PdfWriter
    from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

    writer = PdfWriter()
    page = writer.add_blank_page(612, 792)
    font = DictionaryObject({NameObject("/Type"): NameObject("/Font"),
                             NameObject("/Subtype"): NameObject("/Type1"),
                             NameObject("/BaseFont"): NameObject("/Helvetica")})
    page[NameObject("/Resources")] = DictionaryObject({NameObject("/Font"): DictionaryObject(
        {NameObject("/F1"): writer._add_object(font)})})
    stream = DecodedStreamObject()
    lines = "".join(f"({line}) Tj T* " for line in text.splitlines())
    stream.set_data(f"BT /F1 10 Tf 14 TL 72 720 Td {lines}ET".encode("latin-1", "replace"))
    page[NameObject("/Contents")] = writer._add_object(stream)
    path.parent.mkdir(parents=True, exist_ok=True)
    writer.write(path)
    return path


def _resume_words(ws: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(ws / "profiles" / "resume.pdf"), "-"],
                          capture_output=True, text=True, check=True).stdout


# -- the résumé, by what it says ---------------------------------------------------------

def _linearized(ws: Path) -> Path:
    subprocess.run(["qpdf", "--linearize", "profiles/resume.pdf", "portfolio.pdf"], check=True)
    return ws / "portfolio.pdf"


def _bound_after_an_article(ws: Path) -> Path:
    _article(ws / "a.pdf")
    subprocess.run(["qpdf", "--empty", "--pages", "a.pdf", "profiles/resume.pdf", "--",
                    "work-samples.pdf"], check=True)
    return ws / "work-samples.pdf"


def _retyped_as_pdf(ws: Path) -> Path:
    """The résumé's words in another PDF of another layout (ASCII only)."""
    words = _resume_words(ws).encode("ascii", "ignore").decode().replace("(", "")
    return _article(ws / "samples" / "my-background.pdf", words.replace(")", ""))


def _retyped_as_docx(ws: Path) -> Path:
    import docx

    document = docx.Document()
    for line in _resume_words(ws).splitlines():
        document.add_paragraph(line)
    table = document.add_table(rows=1, cols=1)
    table.cell(0, 0).text = "References on request"
    document.save(str(ws / "background.docx"))
    return ws / "background.docx"


def _with_a_line_changed(ws: Path) -> Path:
    words = _resume_words(ws).encode("ascii", "ignore").decode()
    words = words.replace("(", "").replace(")", "").replace("Springfield", "Chicago", 1)
    return _article(ws / "profile-2026.pdf", "Updated for 2026\n" + words)


@pytest.mark.parametrize("make", [_linearized, _bound_after_an_article, _retyped_as_pdf,
                                  _retyped_as_docx, _with_a_line_changed])
def test_the_resume_is_recognised_by_what_it_says(ws: Path, make: object) -> None:
    enclosure = make(ws)  # type: ignore[operator]
    error = refused(ws, "letter", "jim-park", "--enclose", str(enclosure.relative_to(ws)))
    assert "an approach letter never encloses the résumé" in error
    assert str(enclosure.relative_to(ws)) in error


def test_an_article_is_not_the_resume(ws: Path) -> None:
    _article(ws / "article.pdf", "Zoning reform in Springfield\nA note on housing data")
    result = run(ws, "letter", "jim-park", "--enclose", "article.pdf", "--format", "pdf")
    assert result.code == 0, result.err
    assert pdf_pages(ws / "output" / "jim-park" / "approach-letter.pdf") == 2


@pytest.mark.parametrize("enclosure", ["profiles/resume.pdf", "portfolio.pdf"])
def test_the_resume_is_refused_even_when_the_letter_is_kept(ws: Path, enclosure: str) -> None:
    assert run(ws, "letter", "jim-park").code == 0
    _linearized(ws)
    error = refused(ws, "letter", "jim-park", "--enclose", enclosure)
    assert "never encloses the résumé" in error
    error = refused(ws, "letter", *EVERYONE, "--dry-run", "--enclose", enclosure)
    assert "never encloses the résumé" in error


def test_a_resume_kept_as_docx_is_recognised_in_a_pdf(ws: Path) -> None:
    """The profile's résumé in Word, its PDF export enclosed."""
    _retyped_as_docx(ws).rename(ws / "profiles" / "resume.docx")
    profile = ws / "profiles" / "candidate.yaml"
    profile.write_text(profile.read_text(encoding="utf-8").replace(
        "resume: resume.pdf", "resume: resume.docx"), encoding="utf-8")
    (ws / "profiles" / "resume.pdf").rename(ws / "export.pdf")
    error = refused(ws, "letter", "jim-park", "--enclose", "export.pdf")
    assert "never encloses the résumé" in error


# -- repeated, same-named and encrypted enclosures ---------------------------------------

def test_one_file_given_twice_is_enclosed_once(ws: Path) -> None:
    _article(ws / "article.pdf")
    result = run(ws, "letter", "maria-lopez", "--enclose", "article.pdf", "--enclose",
                 "./article.pdf", "--enclose", str(ws / "article.pdf"))
    assert result.code == 0, result.err
    assert _warnings(result.err) == [  # the same message for each repeat, shown once
        "Warning: article.pdf is given twice with --enclose: it is enclosed once"]
    out = ws / "output" / "maria-lopez"
    assert pdf_pages(out / "approach-letter.pdf") == 2
    assert sorted(p.name for p in out.iterdir()) == [
        "approach-letter-enclosure-article.pdf", "approach-letter.docx", "approach-letter.pdf"]


def test_two_files_of_one_name_both_travel(ws: Path) -> None:
    _article(ws / "spring" / "article.pdf", "Spring issue")
    _article(ws / "autumn" / "article.pdf", "Autumn issue")
    result = run(ws, "letter", "jim-park", "--enclose", "spring/article.pdf",
                 "--enclose", "autumn/article.pdf")
    assert result.code == 0, result.err
    out = ws / "output" / "jim-park"
    assert pdf_pages(out / "approach-letter.pdf") == 3
    text = pdf_text(out / "approach-letter.pdf")
    assert text.index("Spring issue") < text.index("Autumn issue")
    assert "Spring issue" in pdf_text(out / "approach-letter-enclosure-article.pdf")
    assert "Autumn issue" in pdf_text(out / "approach-letter-enclosure-article-2.pdf")


@pytest.mark.parametrize("how", [["256"], ["128", "--use-aes=y"], ["128", "--use-aes=n"],
                                 ["40"]])
@pytest.mark.parametrize("user_password", ["", "secret"])
def test_an_encrypted_enclosure_is_refused(ws: Path, how: list[str],
                                           user_password: str) -> None:
    _article(ws / "plain.pdf")
    subprocess.run(["qpdf", "--allow-weak-crypto", "--encrypt", user_password, "owner",
                    how[0], *how[1:], "--", "plain.pdf", "article.pdf"], check=True)
    error = refused(ws, "letter", "jim-park", "--enclose", "article.pdf")
    assert error == ("Error: cannot enclose article.pdf: it is encrypted; enclose an "
                     "unencrypted copy (for example: qpdf --decrypt article.pdf copy.pdf)")


def test_an_encrypted_resume_is_refused_for_a_thank_you(ws: Path) -> None:
    subprocess.run(["qpdf", "--encrypt", "", "owner", "256", "--", "profiles/resume.pdf",
                    "locked.pdf"], check=True)
    (ws / "locked.pdf").replace(ws / "profiles" / "resume.pdf")
    error = refused(ws, "thank-you", "priya-raman")
    assert "cannot enclose profiles/resume.pdf: it is encrypted" in error


def test_a_damaged_docx_enclosure_is_refused_before_anything(ws: Path) -> None:
    (ws / "notes.docx").write_bytes(b"PK\x03\x04 not really a zip")
    error = refused(ws, "letter", "jim-park", "--enclose", "notes.docx")
    assert "cannot enclose notes.docx: it is not a Word document that can be read" in error


# -- active content ------------------------------------------------------------------

@pytest.mark.parametrize("where", ["open", "names", "page", "annotation-aa",
                                   *ACTIONS, "everywhere"])
def test_a_pdf_enclosure_travels_without_its_actions(ws: Path, where: str) -> None:
    with recording_server() as (url, seen):
        hostile_pdf(ws / "article.pdf", url, where)
        assert active_content((ws / "article.pdf").read_bytes())  # the test file has some
        result = run(ws, "letter", "jim-park", "--enclose", "article.pdf")
    assert result.code == 0, result.err
    assert [w for w in _warnings(result.err) if "article.pdf carried active content" in w]
    out = ws / "output" / "jim-park"
    for written in (out / "approach-letter.pdf", out / "approach-letter-enclosure-article.pdf"):
        assert active_content(written.read_bytes()) == [], written
    assert pdf_pages(out / "approach-letter.pdf") == 2
    assert seen == []


def test_a_clean_pdf_enclosure_travels_as_it_is(ws: Path) -> None:
    _article(ws / "article.pdf")
    result = run(ws, "letter", "maria-lopez", "--enclose", "article.pdf", "--format", "docx")
    assert result.code == 0 and _warnings(result.err) == [], result.err
    assert (ws / "output" / "maria-lopez" / "approach-letter-enclosure-article.pdf"
            ).read_bytes() == (ws / "article.pdf").read_bytes()


# -- DOCX that link outside ------------------------------------------------------------

@pytest.mark.parametrize("targets", [
    {"image": "{url}/image.png"},
    {"image": "file://{secret}"},
    {"header": "{url}/header.png"},
    {"link": "{url}/link", "template": "{url}/normal.dotm"},
    {"image": "{url}/i.png", "header": "file://{secret}", "link": "file://{secret}",
     "template": "file://{secret}"},
])
def test_a_docx_enclosure_is_converted_without_its_links(ws: Path, tmp_path: Path,
                                                         targets: dict[str, str]) -> None:
    secret = tmp_path / "elsewhere" / "secret.png"
    secret.parent.mkdir()
    secret.write_bytes(png())
    with recording_server() as (url, seen):
        filled = {k: v.format(url=url, secret=secret) for k, v in targets.items()}
        linking_docx(ws / "clipping.docx", filled, "A clipping about housing.")
        result = run(ws, "letter", "jim-park", "--enclose", "clipping.docx")
    _done_quietly(result, seen, "clipping.docx links to")
    out = ws / "output" / "jim-park"
    assert "A clipping about housing." in pdf_text(out / "approach-letter.pdf")
    images = subprocess.run(["pdfimages", "-list", str(out / "approach-letter.pdf")],
                            capture_output=True, text=True, check=True).stdout
    assert len(images.splitlines()) == 2, images  # the header of the listing: no image
    beside = (out / "approach-letter-enclosure-clipping.docx").read_bytes()
    assert external_relationships(beside) == []
    assert "A clipping about housing." in docx_text(out / "approach-letter-enclosure-clipping.docx")


def test_a_resume_kept_as_docx_is_converted_without_its_links(ws: Path) -> None:
    """The thank-you after a telephone interview encloses the résumé: in Word, with a
    linked photo and a link to a portfolio."""
    profile = ws / "profiles" / "candidate.yaml"
    data = yaml.safe_load(profile.read_text(encoding="utf-8"))
    data["resume"] = "resume.docx"
    profile.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with recording_server() as (url, seen):
        linking_docx(ws / "profiles" / "resume.docx", {
            "image": f"{url}/photo.png", "link": f"{url}/portfolio",
            "template": f"{url}/t.dotx"}, "Dana Kehr\nPolicy analyst")
        result = run(ws, "thank-you", "priya-raman", "--date", "2026-11-21")
    _done_quietly(result, seen, "resume.docx links to 3")
    out = ws / "output" / "priya-raman"
    assert "Policy analyst" in pdf_text(out / "thank-you.pdf")
    assert external_relationships((out / "thank-you-enclosure-resume.docx").read_bytes()) == []


def test_libreoffice_itself_is_told_to_fetch_nothing(tmp_path: Path) -> None:
    """The second guard: even a DOCX that still links outside (were the cleaning ever
    to miss one) is converted by a LibreOffice that fetches no linked content."""
    import hashlib

    from outreach.compose import enclosures

    with recording_server() as (url, seen):
        data = linking_docx(tmp_path / "raw.docx", {"image": f"{url}/still-linked.png"},
                            "Still linked.").read_bytes()
        pdf = enclosures._convert(hashlib.sha256(data).hexdigest(), data, "raw.docx")
    assert seen == []
    assert pdf.startswith(b"%PDF")


def test_nothing_is_fetched_while_any_document_is_made(ws: Path, tmp_path: Path) -> None:
    """A server on 127.0.0.1 gets no request from any template, stylesheet, Markdown,
    contact text, enclosure or résumé conversion, and every document is still written."""
    secret = tmp_path / "elsewhere" / "photo.png"
    secret.parent.mkdir()
    secret.write_bytes(png())
    with recording_server() as (url, seen):
        _point_everything_at(ws, url, secret)
        results = [run(ws, "letter", "jim-park", "--enclose", "article.pdf",
                       "--enclose", "clipping.docx"),
                   run(ws, "questions", "jim-park"), run(ws, "script", "jim-park"),
                   run(ws, "thank-you", "priya-raman", "--date", "2026-11-21")]
    assert seen == []
    assert all(r.code == 0 for r in results), [r.err for r in results]
    assert not any("Traceback" in r.err for r in results)
    written = sorted(p.name for p in (ws / "output").rglob("*") if p.is_file())
    assert written == sorted([
        "approach-letter.pdf", "approach-letter.docx", "approach-letter-enclosure-article.pdf",
        "approach-letter-enclosure-clipping.docx", "question-sheet.pdf", "question-sheet.docx",
        "phone-script.pdf", "phone-script.docx", "thank-you.pdf", "thank-you.docx",
        "thank-you-enclosure-resume.docx", ".outreach-written.json"])  # and what it wrote
    assert active_content((ws / "output" / "jim-park" / "approach-letter.pdf")
                          .read_bytes()) == []


def _point_everything_at(ws: Path, url: str, secret: Path) -> None:
    """Every way a workspace could ask for ``url`` or a file outside."""
    from conftest import REPO

    templates = ws / "templates"
    templates.mkdir()
    css = (REPO / "outreach" / "compose" / "templates" / "document.css").read_text(encoding="utf-8")
    (templates / "document.css").write_text(
        f'@import url("{url}/import.css");\n@import "{url}/bare.css";\n' + css +
        f'\n@font-face {{ font-family: Far; src: url("{url}/font.woff"); }}\n'
        f'body {{ font-family: Far, serif; background: url("{url}/bg.png"); }}\n'
        f'.part.date {{ background-image: url("file://{secret}"); }}\n'
        f'li {{ list-style-image: url("{url}/bullet.png"); }}\n', encoding="utf-8")
    (templates / "approach-letter.md.j2").write_text(
        '{% extends "letter.md.j2" %}{% block body %}\n'
        f"![photo]({url}/md.png) [site]({url}/link) <{url}/autolink>\n\n"
        f'<img src="{url}/raw.png"> <link rel="stylesheet" href="{url}/l.css">\n\n'
        f'<iframe src="{url}/frame"></iframe><object data="{url}/object"></object>\n'
        "{% endblock %}\n", encoding="utf-8")
    contact = ws / "profiles" / "contacts" / "jim-park.yaml"
    data = yaml.safe_load(contact.read_text(encoding="utf-8"))
    data["notes"] = (f"![n]({url}/notes.png) <img src='{url}/notes-raw.png'> "
                     f"[x](file://{secret}) {url}/plain")
    contact.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    hostile_pdf(ws / "article.pdf", url)
    linking_docx(ws / "clipping.docx", {"image": f"{url}/clip.png", "link": f"{url}/l",
                                        "template": f"{url}/t.dotx",
                                        "header": f"file://{secret}"})
    profile = ws / "profiles" / "candidate.yaml"
    data = yaml.safe_load(profile.read_text(encoding="utf-8"))
    data["resume"] = "resume.docx"
    profile.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    linking_docx(ws / "profiles" / "resume.docx", {
        "image": f"file://{secret}", "link": f"{url}/portfolio", "header": f"{url}/h.png"},
        "Dana Kehr\nPolicy analyst")


def test_an_enclosure_cleaned_once_is_never_another_files(
        ws: Path, caplog: pytest.LogCaptureFixture) -> None:
    """A batch cleans an enclosure once for all its letters: the same bytes give the same
    copy and the same warning, each time; a file changed in between is cleaned anew."""
    from outreach.compose.enclosures import clean_copy

    hostile_pdf(ws / "article.pdf", "http://127.0.0.1:9", "everywhere")
    with caplog.at_level("WARNING", logger="outreach"):
        copies = [clean_copy(ws / "article.pdf") for _ in range(3)]
    assert active_content(copies[0]) == [] and copies[1] == copies[0] == copies[2]
    assert len([r for r in caplog.records if "carried active content" in r.getMessage()]) == 3
    _article(ws / "article.pdf", "Another article altogether")
    assert clean_copy(ws / "article.pdf") == (ws / "article.pdf").read_bytes()
    linking_docx(ws / "article.docx", {"image": "http://127.0.0.1:9/i.png"})
    first = clean_copy(ws / "article.docx")
    linking_docx(ws / "article.docx", {}, "Changed.")
    assert external_relationships(first) == []
    assert clean_copy(ws / "article.docx") == (ws / "article.docx").read_bytes()
