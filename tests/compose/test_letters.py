"""Approach letters end to end: the sample workspace, the CLI, and the files as a user
opens them (pdftotext/pdfinfo, python-docx, LibreOffice)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from conftest import (
    EVERYONE,
    REPO,
    SAMPLE_IDS,
    comparable,
    copy_workspace,
    docx_text,
    libreoffice_to_pdf,
    pdf_page_size,
    pdf_pages,
    pdf_text,
    run,
    snapshot,
    words,
)

NAMES = {
    "maria-lopez": ("Dear Maria,", "Maria Lopez"),
    "jim-park": ("Dear Mr. Park:", "Jim Park"),
    "priya-raman": ("Dear Ms. Raman:", "Priya Raman"),
    "thomas-whitfield": ("Dear Mr. Whitfield:", "Thomas Whitfield"),
    "evelyn-okafor": ("Dear Dr. Okafor:", "Evelyn Okafor"),
    "amelie-cote-nguyen": ("Dear Mme Côté-Nguyễn:", "Amélie Côté-Nguyễn"),
}


@pytest.fixture(scope="module")
def letters(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample workspace after `outreach letter --all`, written once for this module."""
    ws = copy_workspace(tmp_path_factory.mktemp("letters"))
    result = run(ws, "letter", *EVERYONE, "--date", "2026-11-21")
    assert result.code == 0, result.err
    assert result.err == ""  # nothing logged: no font, layout or fetch warnings
    return ws


def letter_text(ws: Path, cid: str) -> str:
    return words(pdf_text(ws / "output" / cid / "approach-letter.pdf"))


def test_sample_workspace_covers_the_kinds_of_contact() -> None:
    assert set(NAMES) <= set(SAMPLE_IDS)


def test_every_contact_gets_a_one_page_pdf_and_a_docx(letters: Path) -> None:
    for cid in SAMPLE_IDS:
        folder = letters / "output" / cid
        assert sorted(p.name for p in folder.iterdir()) == [
            "approach-letter.docx", "approach-letter.pdf"]
        assert pdf_pages(folder / "approach-letter.pdf") == 1


@pytest.mark.parametrize("cid", sorted(NAMES))
def test_pdf_has_salutation_signature_minutes_and_no_enclosure(letters: Path, cid: str) -> None:
    text = letter_text(letters, cid)
    salutation, name = NAMES[cid]
    assert salutation in text
    assert name in text  # inside address
    assert text.endswith("Dana Kehr")  # signature last: no enclosure line after it
    assert "20 minutes" in text
    assert "Enclosure" not in text
    assert "résumé" not in text.lower() and "resume" not in text.lower()
    assert "November 21, 2026" in text


def test_docx_has_the_same_words_as_the_pdf(letters: Path) -> None:
    for cid in SAMPLE_IDS:
        folder = letters / "output" / cid
        assert comparable(docx_text(folder / "approach-letter.docx")) == \
            comparable(letter_text(letters, cid))


def test_libreoffice_opens_each_docx_as_one_page_with_the_same_words(
        letters: Path, tmp_path: Path) -> None:
    docxs = [letters / "output" / cid / "approach-letter.docx" for cid in SAMPLE_IDS]
    converted = libreoffice_to_pdf(docxs, tmp_path)
    for cid, pdf in zip(SAMPLE_IDS, converted, strict=True):
        assert pdf_pages(pdf) == 1, cid
        assert comparable(pdf_text(pdf)) == comparable(letter_text(letters, cid)), cid


def test_docx_uses_the_reference_styles(letters: Path) -> None:
    import docx

    document = docx.Document(str(letters / "output" / "jim-park" / "approach-letter.docx"))
    styles = [p.style.name for p in document.paragraphs]
    assert styles[:4] == ["Sender", "Letter Date", "Inside Address", "Salutation"]
    assert styles[-2:] == ["Closing", "Signature"]
    assert "Body Text" in styles
    # the close is kept with the last paragraph of the body: no orphaned signature
    closing = styles.index("Closing")
    assert document.paragraphs[closing - 1].paragraph_format.keep_with_next


def test_referral_letter_names_the_referrer(letters: Path) -> None:
    assert "Maria Lopez" in letter_text(letters, "jim-park")


def test_cold_letter_says_it_is_not_a_request_for_a_job(letters: Path) -> None:
    text = letter_text(letters, "thomas-whitfield")
    assert "not asking you for a job" in text
    assert "Planning magazine" in text  # how the writer learned of him
    # the far-away contact is offered a telephone conversation
    assert "telephone conversation" in text
    # a friend's letter makes no such disclaimer
    assert "not asking you for a job" not in letter_text(letters, "maria-lopez")


def test_friend_letter_is_less_formal_than_executive_letter(letters: Path) -> None:
    friend = letter_text(letters, "maria-lopez")
    executive = letter_text(letters, "evelyn-okafor")
    assert "Dear Maria," in friend and "Best wishes," in friend
    assert "Dear Dr. Okafor:" in executive and "Respectfully yours," in executive
    contractions = ("I\u2019ll", "I\u2019d")
    assert any(c in friend for c in contractions)
    assert "'" not in friend  # apostrophes are typographic, never straight
    assert not any(c in executive for c in contractions)


def test_letters_say_status_summary_purpose_and_follow_up(letters: Path) -> None:
    for cid in SAMPLE_IDS:
        text = letter_text(letters, cid)
        if cid == "maria-lopez":  # a friend knows who the writer is: no recital
            assert "recent graduate" not in text and "survey" not in text
        else:
            assert "I am a recent graduate in public policy" in text
            assert "survey of 40 tenants" in text  # the 15-second summary
        assert "advice" in text
        assert "informed" in text  # why it helps: a more informed decision
        assert "a day or two after" in text  # the follow-up call


def test_accents_survive_in_pdf_and_docx(letters: Path) -> None:
    folder = letters / "output" / "amelie-cote-nguyen"
    for text in (pdf_text(folder / "approach-letter.pdf"),
                 docx_text(folder / "approach-letter.docx")):
        assert "Amélie Côté-Nguyễn" in text
        assert "Atelier Urbain Côté & Frères" in text
        assert "Montréal (Québec)" in text


def test_second_run_without_force_keeps_files(letters: Path) -> None:
    """Nothing changed since the letters were written: each is left as it is."""
    before = snapshot(letters / "output")
    result = run(letters, "letter", "jim-park", "--date", "2026-11-21")
    assert result.code == 0
    assert result.out.count("unchanged") == 2 and "written" not in result.out
    assert snapshot(letters / "output") == before


def test_force_overwrites(ws: Path) -> None:
    assert run(ws, "letter", "jim-park", "--format", "pdf", "--date", "2026-11-21").code == 0
    result = run(ws, "letter", "jim-park", "--format", "pdf", "--force", "--date", "2027-01-05")
    assert "overwritten" in result.out
    assert "January 5, 2027" in pdf_text(ws / "output" / "jim-park" / "approach-letter.pdf")


def test_dry_run_writes_nothing(ws: Path) -> None:
    result = run(ws, "letter", *EVERYONE, "--dry-run")
    assert result.code == 0
    assert result.out.count("would write") == 2 * len(SAMPLE_IDS)
    assert not (ws / "output").exists()


def test_format_and_output_options(ws: Path, tmp_path: Path) -> None:
    out = tmp_path / "elsewhere"
    result = run(ws, "letter", "maria-lopez", "--format", "docx", "--output", str(out))
    assert result.code == 0
    assert [p.name for p in (out / "maria-lopez").iterdir()] == ["approach-letter.docx"]


def test_a4_paper_from_the_profile(ws: Path) -> None:
    profile = ws / "profiles" / "candidate.yaml"
    profile.write_text(profile.read_text().replace("paper: letter", "paper: a4"))
    assert run(ws, "letter", "jim-park", "--format", "pdf", "--date", "2026-11-21").code == 0
    pdf = ws / "output" / "jim-park" / "approach-letter.pdf"
    assert "595.276 x 841.89" in pdf_page_size(pdf)
    assert "21 November 2026" in pdf_text(pdf)


def test_workspace_template_overrides_the_built_in_one(ws: Path) -> None:
    (ws / "templates").mkdir()
    (ws / "templates" / "approach-letter.md.j2").write_text(
        '{% extends "letter.md.j2" %}{% block body %}\n'
        "A letter of my own about {{ field }}, {{ minutes }} minutes.\n"
        "{% endblock %}\n", encoding="utf-8")
    assert run(ws, "letter", "jim-park", "--format", "both").code == 0
    folder = ws / "output" / "jim-park"
    for text in (pdf_text(folder / "approach-letter.pdf"),
                 docx_text(folder / "approach-letter.docx")):
        assert "A letter of my own about urban planning, 20 minutes." in text
        assert "Dear Mr. Park:" in text  # the shared frame still applies


def test_workspace_css_and_reference_docx_are_used(ws: Path) -> None:
    import docx

    (ws / "templates").mkdir()
    css = (REPO / "outreach" / "compose" / "templates" / "document.css").read_text()
    (ws / "templates" / "document.css").write_text(css + "\nhtml { font-family: 'DejaVu Sans'; }\n")
    reference = docx.Document(str(REPO / "outreach" / "compose" / "templates" / "reference.docx"))
    reference.styles["Body Text"].font.name = "DejaVu Sans"
    reference.save(str(ws / "templates" / "reference.docx"))
    assert run(ws, "letter", "jim-park").code == 0
    folder = ws / "output" / "jim-park"
    fonts = subprocess.run(["pdffonts", str(folder / "approach-letter.pdf")],
                           capture_output=True, text=True, check=True).stdout
    assert "DejaVu-Sans" in fonts or "DejaVuSans" in fonts
    written = docx.Document(str(folder / "approach-letter.docx"))
    assert written.styles["Body Text"].font.name == "DejaVu Sans"


def test_address_lines_stay_apart_whatever_the_workspace_css_says(ws: Path) -> None:
    """Lines of an address are set as lines (``white-space: pre-line`` on their block,
    not one ``<br>`` element each, which took a quarter of a letter's layout); a
    workspace stylesheet that sets whitespace otherwise cannot run them together."""
    from outreach.document.model import Document, Paragraph, Span
    from outreach.render.writers.html import document_html

    html = document_html(Document(kind="approach-letter", title="t", paper="letter", blocks=(
        Paragraph((Span("800 E Monroe St\nSpringfield, IL 62701"),)),)), "doc-0")
    assert "<br" not in html and "800 E Monroe St\nSpringfield" in html
    (ws / "templates").mkdir()
    css = (REPO / "outreach" / "compose" / "templates" / "document.css").read_text()
    (ws / "templates" / "document.css").write_text(css + "\np { white-space: normal; }\n")
    assert run(ws, "letter", "jim-park").code == 0
    lines = pdf_text(ws / "output" / "jim-park" / "approach-letter.pdf").splitlines()
    for line in ("12 Elm Street", "+1 217 555 0100", "Director of Planning",
                 "City of Springfield", "800 E Monroe St"):
        assert line in lines


# -- the résumé rule -----------------------------------------------------------------


def test_enclosing_the_resume_fails_and_says_why(ws: Path) -> None:
    for path in (ws / "profiles" / "resume.pdf", ws / "my-resume-copy.pdf"):
        if not path.exists():
            path.write_bytes((ws / "profiles" / "resume.pdf").read_bytes())
        result = run(ws, "letter", "jim-park", "--enclose", str(path))
        assert result.code == 1
        assert "never encloses the résumé" in result.err
        assert "job application" in result.err
    assert not (ws / "output").exists()


def test_a_template_that_encloses_the_resume_fails(ws: Path) -> None:
    (ws / "templates").mkdir()
    (ws / "templates" / "approach-letter.md.j2").write_text(
        '{% extends "letter.md.j2" %}{% block body %}\nPlease see my résumé, enclosed.\n'
        "{% endblock %}\n", encoding="utf-8")
    result = run(ws, "letter", "jim-park")
    assert result.code == 1
    assert "templates/approach-letter.md.j2" in result.err
    assert "never encloses the résumé" in result.err
    assert not (ws / "output").exists()


def test_another_enclosure_travels_with_the_letter(ws: Path) -> None:
    from pypdf import PdfWriter

    article = ws / "article.pdf"
    writer = PdfWriter()
    writer.add_blank_page(612, 792)
    with article.open("wb") as handle:
        writer.write(handle)
    result = run(ws, "letter", "thomas-whitfield", "--enclose", str(article))
    assert result.code == 0, result.err
    folder = ws / "output" / "thomas-whitfield"
    assert pdf_pages(folder / "approach-letter.pdf") == 2
    # named by title, never by file name: this one has none, so its name says it, and
    # the user is told that --enclose-title says it better
    assert "Enclosure: Article" in pdf_text(folder / "approach-letter.pdf")
    assert "article.pdf has no title in its metadata" in result.err
    assert (folder / "approach-letter-enclosure-article.pdf").read_bytes() == article.read_bytes()


# -- bad input -------------------------------------------------------------------------


@pytest.mark.parametrize("cid,edit,expected", [
    ("jim-park", lambda t: t.replace("title:", "titel:"),
     "profiles/contacts/jim-park.yaml:4: titel: unknown field; did you mean 'title'?"),
    ("jim-park", lambda t: t.replace("local: true", "local: [yes]"),
     "profiles/contacts/jim-park.yaml:14: local: must be true or false"),
    ("jim-park", lambda t: t.replace("title: Director of Planning", "title: [Director"),
     "profiles/contacts/jim-park.yaml:"),
])
def test_bad_contact_file_is_one_clear_error(ws: Path, cid: str, edit: object,
                                             expected: str,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ws)  # run from the workspace: the message names the file from there
    path = ws / "profiles" / "contacts" / f"{cid}.yaml"
    original = path.read_text(encoding="utf-8")
    path.write_text(edit(original), encoding="utf-8")  # type: ignore[operator]
    result = run(ws, "letter", *EVERYONE)  # in-process: a bug would raise here
    assert result.code == 1
    assert result.err.startswith("Error: " + expected), result.err
    assert "Traceback" not in result.err
    assert result.out == ""
    assert not (ws / "output").exists()
    assert "YAML syntax error" in result.err if "[Director" in edit(original) else True  # type: ignore[operator]


def test_unknown_contact_id_suggests_one(ws: Path) -> None:
    result = run(ws, "letter", "jim-prak")
    assert result.code == 1
    assert "no contact 'jim-prak'" in result.err and "did you mean 'jim-park'" in result.err


def test_contacts_lists_relationship_and_last_event(ws: Path) -> None:
    result = run(ws, "contacts")
    assert result.code == 0
    rows = {line.split()[0]: line for line in result.out.splitlines()[1:]}
    assert set(rows) == set(SAMPLE_IDS)
    assert "referral (from Maria Lopez)" in rows["jim-park"]
    assert "letter-sent 2026-11-18" in rows["jim-park"]
    assert "friend" in rows["maria-lopez"] and rows["maria-lopez"].rstrip().endswith("-")


def test_help_does_not_import_weasyprint() -> None:
    code = ("import sys\nfrom outreach.cli import cli\n"
            "try:\n    cli(['--help'], prog_name='outreach')\nexcept SystemExit:\n    pass\n"
            "for cmd in (['letter', '--help'], ['contacts', '--help']):\n"
            "    try:\n        cli(cmd, prog_name='outreach')\n"
            "    except SystemExit:\n        pass\n"
            "assert 'weasyprint' not in sys.modules, 'weasyprint imported'\n"
            "assert 'docx' not in sys.modules, 'python-docx imported'\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "letter" in result.stdout and "contacts" in result.stdout


def test_docx_only_run_still_checks_the_page(ws: Path) -> None:
    profile = ws / "profiles" / "candidate.yaml"
    # a pitch: is said whole (a summary would be cut to its first sentences)
    long = " ".join(["I led a survey of tenants and mapped vacant parcels."] * 70)
    profile.write_text(profile.read_text() + f"pitch: {long}\n")
    result = run(ws, "letter", "jim-park", "--format", "docx")
    assert result.code == 1
    assert "runs to 2 pages, more than 1" in result.err or "runs to 3 pages" in result.err
    assert not (ws / "output").exists()


def test_a_letter_set_tighter_is_tighter_in_word_too(ws: Path, tmp_path: Path) -> None:
    profile = ws / "profiles" / "candidate.yaml"
    extra = " ".join(["I also volunteer with the neighborhood association."] * 14)
    summary = ("This spring I finished my master's at the University of Illinois "
               "Springfield, where I analyzed housing data and led a survey of 40 tenants "
               "that shaped the city's rental-inspection ordinance.")
    profile.write_text(profile.read_text() + f"pitch: \"{summary} {extra}\"\n")
    # too long for the usual setting (two pages), short enough for the tighter one
    result = run(ws, "letter", "evelyn-okafor")
    assert result.code == 0, result.err
    folder = ws / "output" / "evelyn-okafor"
    assert pdf_pages(folder / "approach-letter.pdf") == 1
    [converted] = libreoffice_to_pdf([folder / "approach-letter.docx"], tmp_path / "lo")
    assert pdf_pages(converted) == 1
