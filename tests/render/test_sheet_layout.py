"""The question sheet as a working paper, measured in the files a user prints.

The answer spaces are measured in the PDF with ``pdftotext -bbox-layout``: the space under
each question runs from the foot of its last line to the next line of text (or the foot
of the page). Every sheet is also opened as LibreOffice opens its DOCX. The data is
varied: the sample workspace, a workspace written here (an executive with long notes,
a peer with long questions of the seeker's own, a recruiter by phone, a friend with no
notes, A4 paper), and the logistics workspace when it is present; 10 to 40 minutes.
"""

from __future__ import annotations

import html
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import (
    EVERYONE,
    REPO,
    SAMPLE_IDS,
    comparable,
    copy_workspace,
    libreoffice_to_pdf,
    pdf_pages,
    pdf_text,
    run,
    words,
)
from outreach.app.pipeline import Options, generate
from outreach.compose import kinds
from outreach.errors import OutreachError
from outreach.workspace.folder import Workspace

DAY = "2026-11-24"
CM = 72 / 2.54  # points to the centimetre
LOGISTICS = REPO / "tests" / "workspaces" / "logistics"

LONG_NOTES = (
    "Runs operations for a regional hospital network of nine sites; before that, twelve "
    "years in distribution for a national grocer, where she rebuilt the cold chain after "
    "the 2021 recall. Spoke at the state logistics forum on nurse staffing and supply "
    "shortages; the network is moving its warehouse to a new site next spring and is "
    "hiring planners. She sits on the advisory board of the community college's supply-"
    "chain certificate. Her LinkedIn posts are mostly about vendor consolidation.")
OWN_QUESTIONS = [
    "Your article on consolidating vendors said the network cut its suppliers by a third in "
    "two years: what did that change for the people who plan the orders day to day?",
    "When the cold chain was rebuilt after the recall, which skills turned out to matter "
    "most, and which of them could someone coming from the public sector bring?",
    "How does the move to the new warehouse next spring change what the team looks for in "
    "a new planner?",
]


def _contact(**fields: object) -> str:
    out = []
    for key, value in fields.items():
        if isinstance(value, list):
            out.append(f"{key}:")
            out += [f"  - {_quoted(v)}" for v in value]
        elif isinstance(value, bool):
            out.append(f"{key}: {'true' if value else 'false'}")
        else:
            out.append(f"{key}: {_quoted(value)}")
    return "\n".join(out) + "\n"


def _quoted(value: object) -> str:
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'


VARIED = {
    "helen-marsh": _contact(
        name="Helen Marsh", salutation="Ms. Marsh", title="Chief Operating Officer",
        organization="Lakeside Health Network", relationship="cold",
        how_we_met="I heard you speak at the state logistics forum in October",
        notes=LONG_NOTES, questions=OWN_QUESTIONS[:2]),
    "omar-farouk": _contact(
        name="Omar Farouk", title="Supply Planner", organization="Lakeside Health Network",
        relationship="alumni", how_we_met="We were in the same MBA cohort",
        notes="Planner for surgical supplies; moved from the Navy in 2022.",
        questions=OWN_QUESTIONS, kind="peer"),
    "ruth-okonkwo": _contact(
        name="Ruth Okonkwo", title="Talent Acquisition Lead", organization="Freightline",
        relationship="acquaintance", how_we_met="We met at the veterans' job fair",
        local=False, kind="recruiter"),
    "sam-lee": _contact(name="Sam Lee", relationship="friend") + (
        "history:\n  - {date: 2026-11-20, event: meeting, mode: in-person, "
        "points: [Planners who know the wards are hard to find], resume: asked}\n"),
}


def varied_workspace(target: Path, paper: str = "letter") -> Path:
    copy_workspace(target)
    contacts = target / "profiles" / "contacts"
    for path in contacts.glob("*.yaml"):
        path.unlink()
    for cid, text in VARIED.items():
        (contacts / f"{cid}.yaml").write_text(text, encoding="utf-8")
    profile = target / "profiles" / "candidate.yaml"
    profile.write_text(profile.read_text().replace("paper: letter", f"paper: {paper}"))
    return target


# -- reading a sheet back -------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    top: float
    bottom: float
    text: str


@dataclass(frozen=True)
class Page:
    height: float
    lines: list[Line]


def pdf_lines(path: Path) -> list[Page]:
    """Each page's lines of text, top to bottom, as poppler finds them (points)."""
    import subprocess

    out = subprocess.run(["pdftotext", "-bbox-layout", str(path), "-"], check=True,
                         capture_output=True, text=True).stdout
    pages = []
    for page in re.finditer(r'<page width="[\d.]+" height="([\d.]+)">(.*?)</page>', out, re.S):
        lines = []
        for line in re.finditer(r'<line xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" '
                                r'yMax="([\d.]+)">(.*?)</line>', page.group(2), re.S):
            text = " ".join(html.unescape(w) for w in re.findall(r">([^<]*)</word>",
                                                               line.group(3)))
            lines.append(Line(float(line.group(1)), float(line.group(2)), text))
        pages.append(Page(float(page.group(1)), sorted(lines, key=lambda ln: ln.top)))
    return pages


@dataclass(frozen=True)
class Space:
    """The room under one question: where it starts and ends on its page (points)."""

    page: int
    number: int
    start: float
    end: float

    @property
    def height(self) -> float:
        return self.end - self.start


def answer_spaces(pages: list[Page], bottom_margin: float) -> list[Space]:
    """The space under each numbered question, from its last line to the next text (or
    to the bottom margin, when the question is the last on its page)."""
    spaces = []
    for n, page in enumerate(pages):
        foot = page.height - bottom_margin
        body = [ln for ln in page.lines if ln.top < foot]  # the folio is in the margin
        for i, line in enumerate(body):
            found = re.match(r"(\d+)\. ", line.text)
            if not found:
                continue
            last = i
            while last + 1 < len(body) and body[last + 1].top - body[last].bottom < 6:
                last += 1  # the question's own wrapped lines
            end = body[last + 1].top if last + 1 < len(body) else foot
            spaces.append(Space(n, int(found.group(1)), body[last].bottom, end))
    return spaces


def sheet(ws: Path, cid: str, *args: str) -> Path:
    result = run(ws, "questions", cid, "--date", DAY, "--force", *args)
    assert result.code == 0, result.err
    return ws / "output" / cid / "question-sheet.pdf"


#: The sheet's bottom margin (document.css: @page folio) and the room kept above it.
BOTTOM = 0.85 * 72


def check_filled(pdf: Path, minutes: int) -> list[Space]:
    """The checks every sheet passes; returns its answer spaces."""
    pages = pdf_lines(pdf)
    assert len(pages) == (1 if minutes <= 25 else 2), pdf
    spaces = answer_spaces(pages, BOTTOM)
    assert [s.number for s in spaces] == list(range(1, len(spaces) + 1))
    for n, page in enumerate(pages):
        on_page = [s for s in spaces if s.page == n]
        assert on_page, f"page {n + 1} of {pdf} has no question"
        heights = [s.height for s in on_page]
        # an equal share on the page (the closing ones too), to within a line's rounding
        assert max(heights) - min(heights) < 4, (n, heights)
        foot = page.height - BOTTOM
        if n + 1 < len(pages):  # the last question's space runs to the foot of the page
            assert foot - on_page[-1].end < 0.5 * CM
        else:  # ... or to what follows (after the meeting), a few centimetres above it
            assert foot - on_page[-1].end < 4 * CM
        texts = " ".join(ln.text for ln in page.lines)
        assert f"Page {n + 1} of {len(pages)}" in texts  # the folio on every page
    shares = [s.height for s in spaces]
    assert min(shares) > 0.6 * max(shares)  # the pages' shares come out close
    assert min(shares) > 1.2 * CM  # room for two or three handwritten lines at least
    return spaces


# -- the sample workspace -------------------------------------------------------------


@pytest.mark.parametrize("minutes", [10, 20, 25, 30, 40])
def test_sample_sheets_fill_their_pages(tmp_path: Path, minutes: int) -> None:
    ws = copy_workspace(tmp_path)
    result = run(ws, "questions", *EVERYONE, "--date", DAY, "--minutes", str(minutes))
    assert result.code == 0, result.err
    for cid in SAMPLE_IDS:
        spaces = check_filled(ws / "output" / cid / "question-sheet.pdf", minutes)
        if minutes >= 30:
            assert min(s.height for s in spaces) > 2 * CM


def test_before_the_fill_a_sheet_left_most_of_its_room_blank(tmp_path: Path) -> None:
    """What the filling changes, measured: the same sheet with the answer spaces at the
    least height the stylesheet gives them would end far above the foot of page 2."""
    ws = copy_workspace(tmp_path)
    pdf = sheet(ws, "evelyn-okafor", "--minutes", "40")
    filled = answer_spaces(pdf_lines(pdf), BOTTOM)
    from outreach.render.writers import pdf as pdf_writer

    css = (REPO / "outreach" / "compose" / "templates" / "document.css").read_text(encoding="utf-8")
    from outreach.app.pipeline import templates_for
    from outreach.compose.documents import Request, build

    workspace = Workspace(ws)
    import datetime as dt

    request = Request(kinds.QUESTION_SHEET, workspace.contact("evelyn-okafor"),
                      dt.date.fromisoformat(DAY), minutes=40)
    rendered = build(workspace, templates_for(workspace), request)
    [unfilled] = pdf_writer.render([rendered.document], css)
    plain = tmp_path / "plain.pdf"
    plain.write_bytes(unfilled.data)
    before = answer_spaces(pdf_lines(plain), BOTTOM)
    assert sum(s.height for s in filled) > 2 * sum(s.height for s in before)


# -- varied data ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def varied(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return varied_workspace(tmp_path_factory.mktemp("varied"))


@pytest.mark.parametrize("minutes", [10, 20, 30, 40])
@pytest.mark.parametrize("cid", ["omar-farouk", "ruth-okonkwo", "sam-lee"])
def test_varied_sheets_fill_their_pages(varied: Path, cid: str, minutes: int) -> None:
    check_filled(sheet(varied, cid, "--minutes", str(minutes)), minutes)


def test_long_notes_and_own_questions_take_another_page_filled_too(varied: Path) -> None:
    """An executive with long notes and two long questions of the seeker's own: at 20
    minutes the sheet needs two pages, and fills both."""
    pdf = sheet(varied, "helen-marsh", "--minutes", "20")
    pages = pdf_lines(pdf)
    assert len(pages) == 2
    spaces = answer_spaces(pages, BOTTOM)
    assert {s.page for s in spaces} == {0, 1}
    heights = [s.height for s in spaces]
    assert min(heights) > 0.6 * max(heights)
    foot = pages[0].height - BOTTOM
    assert foot - max(s.end for s in spaces if s.page == 0) < 0.5 * CM
    check_filled(sheet(varied, "helen-marsh", "--minutes", "40"), 40)


def test_a4_sheets_fill_a4_pages(tmp_path: Path) -> None:
    ws = varied_workspace(tmp_path, paper="a4")
    for minutes in (20, 40):
        pdf = sheet(ws, "omar-farouk", "--minutes", str(minutes))
        assert pdf_lines(pdf)[0].height == pytest.approx(841.9, abs=0.5)
        check_filled(pdf, minutes)


def test_own_questions_come_first_and_every_topic_once(varied: Path) -> None:
    text = words(pdf_text(sheet(varied, "omar-farouk", "--minutes", "40")))
    for n, question in enumerate(OWN_QUESTIONS, start=1):
        assert f"{n}. {question}" in text
    result = run(varied, "questions", "omar-farouk", "--minutes", "40", "--explain",
                 "--dry-run", "--date", DAY)
    lines = [ln for ln in result.out.splitlines() if re.match(r"\s+\d+\. ", ln)]
    assert all("your own question" in ln for ln in lines[:3])
    assert "opener" in lines[3]


def test_logistics_workspace_sheets(tmp_path: Path) -> None:
    if not LOGISTICS.is_dir():
        pytest.skip("the logistics workspace is not in this tree")
    shutil.copytree(LOGISTICS / "profiles", tmp_path / "profiles")
    for minutes in (20, 40):
        result = run(tmp_path, "questions", *EVERYONE, "--date", DAY, "--minutes", str(minutes),
                     "--force")
        assert result.code == 0, result.err
        for pdf in (tmp_path / "output").glob("*/question-sheet.pdf"):
            check_filled(pdf, minutes)


# -- the DOCX, as LibreOffice opens it --------------------------------------------------


def same_words(text: str) -> str:
    """Words to compare between the PDF and LibreOffice's rendering of the DOCX: a
    bullet is a glyph, not a word, and poppler reads a bullet set at a tab stop out of
    its line's order, so bullets are left out on both sides."""
    return comparable(text.replace("•", " "))


def _same_in_libreoffice(pdfs: list[Path], tmp_path: Path) -> list[Path]:
    """LibreOffice's rendering of each PDF's DOCX has its pages and words; returns it."""
    docxs = [p.with_suffix(".docx") for p in pdfs]
    converted = libreoffice_to_pdf(docxs, tmp_path / "lo")
    for pdf, office in zip(pdfs, converted, strict=True):
        assert pdf_pages(office) == pdf_pages(pdf), pdf
        assert same_words(pdf_text(office)) == same_words(pdf_text(pdf)), pdf
    return converted


def test_sheet_docx_breaks_and_fills_pages_as_the_pdf(varied: Path, tmp_path: Path) -> None:
    pdfs = []
    for cid, minutes in (("helen-marsh", 20), ("omar-farouk", 40), ("ruth-okonkwo", 30),
                         ("sam-lee", 10)):
        pdf = sheet(varied, cid, "--minutes", str(minutes))
        shutil.copyfile(pdf, tmp_path / f"{cid}.pdf")
        shutil.copyfile(pdf.with_suffix(".docx"), tmp_path / f"{cid}.docx")
        pdfs.append(tmp_path / f"{cid}.pdf")
    office = _same_in_libreoffice(pdfs, tmp_path)[1]  # omar-farouk's, as Writer shows it
    in_word = answer_spaces(pdf_lines(office), 0.75 * 72)
    in_pdf = answer_spaces(pdf_lines(tmp_path / "omar-farouk.pdf"), BOTTOM)
    assert [s.page for s in in_word] == [s.page for s in in_pdf]  # the same page breaks
    for word, printed in zip(in_word, in_pdf, strict=True):
        assert word.height > 0.75 * printed.height  # comparable room to write


def _written(ws: Path, kind: kinds.Kind) -> list[tuple[Path, int]]:
    """``kind`` written as PDF and DOCX for every contact that has what it needs: each
    PDF, and how many of its pages are the document's own (the enclosures follow)."""
    import datetime as dt

    workspace = Workspace(ws)
    options = Options(formats=("pdf", "docx"), today=dt.date.fromisoformat(DAY), force=True,
                      landed=("supply planner", "Lakeside Health Network"))
    written = []
    for path in sorted((ws / "profiles" / "contacts").glob("*.yaml")):
        try:
            report = generate(workspace, kind, [path.stem], options)
        except OutreachError:
            continue  # it lacks what this kind needs
        enclosed = sum(pdf_pages(e.path) for one in report.rendered.values()
                       for e in one.request.enclosures)
        written += [(o.path, pdf_pages(o.path) - enclosed)
                    for o in report.outcomes if o.path.name == f"{kind.name}.pdf"]
    return written


def _own_text(pdf: Path, pages: int) -> str:
    import subprocess

    return subprocess.run(["pdftotext", "-enc", "UTF-8", "-l", str(pages), str(pdf), "-"],
                          check=True, capture_output=True, text=True).stdout


#: The kinds written both as PDF and as DOCX (an envelope is a PDF only).
PAGED = [k.name for k in kinds.all_kinds() if {"pdf", "docx"} <= set(k.formats)]


#: Each kind's PDFs (with their own pages) and LibreOffice's rendering of their DOCX, for
#: one source: see ``in_libreoffice``.
Converted = dict[str, list[tuple[Path, int, Path]]]


@pytest.fixture(scope="module")
def in_libreoffice(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], Converted]:
    """Every paged kind written as PDF and DOCX from one source (each kind in a copy of
    its own), and every DOCX of that source opened in one start of LibreOffice: a start
    takes seconds, a file a fraction of one. Made once per source, on the first test of
    that source (the tests come source by source, so an xdist worker sent a run of them
    seldom needs both)."""
    made: dict[str, Converted] = {}

    def converted(source: str) -> Converted:
        if source not in made:
            root = tmp_path_factory.mktemp(f"kinds-{source}")
            written = {}
            for name in PAGED:
                folder = root / name
                ws = copy_workspace(folder) if source == "sample" else \
                    varied_workspace(folder)
                written[name] = _written(ws, kinds.get(name))
            pdfs = [pdf for name in PAGED for pdf, _ in written[name]]
            office = iter(libreoffice_to_pdf([p.with_suffix(".docx") for p in pdfs],
                                             root / "lo"))
            made[source] = {name: [(pdf, own, next(office)) for pdf, own in written[name]]
                            for name in PAGED}
        return made[source]

    return converted


@pytest.mark.parametrize("name", PAGED)
@pytest.mark.parametrize("source", ["sample", "varied"])
def test_each_kinds_docx_has_the_pdfs_words_and_pages(
        name: str, source: str, in_libreoffice: Callable[[str], Converted]) -> None:
    """Every kind written as PDF and DOCX: LibreOffice's rendering of the DOCX has the
    PDF's words, in order, and its page count (the enclosures' pages aside)."""
    written = in_libreoffice(source)[name]
    if not written:
        pytest.skip(f"no contact of the {source} workspace has what the {name} kind needs")
    problems = []
    for pdf, own, office in written:
        where = f"{pdf.parent.name}/{pdf.name}"
        if pdf_pages(office) != own:
            problems.append(f"{where}: {pdf_pages(office)} pages in LibreOffice, {own} in "
                            "the PDF")
        elif same_words(pdf_text(office)) != same_words(_own_text(pdf, own)):
            problems.append(f"{where}: the words differ")
    assert not problems, "\n".join(problems)


def test_a_sheet_is_laid_out_alike_wherever_it_falls_in_a_pass(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The layout cache keeps a document once, so its layout may not depend on what
    else shares its pass: a sheet written alone and written second in a batch has the
    same page breaks, answer heights (DOCX) and lines where they were (PDF)."""
    import datetime as dt
    import subprocess
    import zipfile

    monkeypatch.setenv("OUTREACH_CACHE", "off")
    monkeypatch.setenv("OUTREACH_WORKERS", "1")
    ws = copy_workspace(tmp_path)
    workspace = Workspace(ws)
    options = Options(formats=("pdf", "docx"), today=dt.date.fromisoformat(DAY), force=True,
                      minutes=35)
    seen = []
    for ids in (["priya-raman"], ["jim-park", "priya-raman"]):
        generate(workspace, kinds.QUESTION_SHEET, ids, options)
        folder = ws / "output" / "priya-raman"
        with zipfile.ZipFile(folder / "question-sheet.docx") as docx:
            body = docx.read("word/document.xml")
        boxes = subprocess.run(["pdftotext", "-bbox", str(folder / "question-sheet.pdf"), "-"],
                               check=True, capture_output=True, text=True).stdout
        seen.append((body, re.findall(r"<word [^>]*>", boxes)))
    assert b"pageBreakBefore" in seen[0][0]
    assert seen[0] == seen[1]
