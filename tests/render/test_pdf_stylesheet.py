"""The PDF writer lays out with WeasyPrint's stylesheet for HTML trimmed to what can
style outreach's documents (``pdf.ua_css``): every page must come out as WeasyPrint's
whole stylesheet makes it, to the byte."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from importlib.resources import files
from pathlib import Path
from typing import Any

import pytest

from conftest import EVERYONE, REPO, run
from outreach.document.model import Document, Heading, ListBlock, PageBreak, Paragraph, Part, Span
from outreach.render.writers import html as html_writer
from outreach.render.writers import pdf as pdf_writer

#: The writer's own ``render`` and ``print_file``: the fixtures put spies in their place.
RENDER = pdf_writer.render
PRINT_FILE = pdf_writer.print_file

CSS = (REPO / "outreach" / "compose" / "templates" / "document.css").read_text(encoding="utf-8")
UA = (files("weasyprint.css") / "html5_ua.css").read_text("utf-8")
#: A stylesheet of the user's that uses what the trimmed one leaves out by default.
FOOTNOTES_AND_BOXES = CSS + """
.part.signature p { float: footnote; }
@page { @top-center { content: "Draft"; } @left-middle { content: counter(page); } }
"""


def _every_block() -> Document:
    """A document with every kind of block and span outreach writes, lists nested three
    deep (ordered and not, one starting at 4), a part of set height, a page break and a
    phrase in another language."""
    def items(depth: int, ordered: bool) -> tuple[tuple[Any, ...], ...]:
        inner = (ListBlock(not ordered, items(depth + 1, not ordered)),) if depth < 3 else ()
        return tuple((Paragraph((Span(f"Item {n} at depth {depth}"),)), *inner)
                     for n in range(2))

    return Document(
        "question-sheet", "Every block", "letter", (
            *(Heading(level, (Span(f"Heading {level}"),)) for level in range(1, 7)),
            Part("body", (Paragraph((Span("Plain, "), Span("bold", bold=True),
                                     Span(" and "), Span("italic", italic=True),
                                     Span(", with Zoë 陈思远\nover two lines."))),)),
            ListBlock(False, items(1, False)),
            ListBlock(True, items(1, True), start=4),
            Part("answer", (), height=120.0),
            PageBreak(),
            Part("note", (Paragraph((Span("After the break."),)),)),
        ), lang="en", foreign=(("陈思远", "zh"),), folio=True, pages=2)


@pytest.fixture(scope="module")
def passes(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[list[Document], dict[str, Any]]]:
    """Every pass the sample workspace's commands lay out, with every kind of document
    (letters, scripts, sheets, thank-yous, keep-in-touch), and the setting of each."""
    from conftest import copy_workspace

    seen: list[tuple[list[Document], dict[str, Any]]] = []

    def spy(documents: list[Document], css: str, **kw: Any) -> Any:
        if documents:
            seen.append((list(documents), {"css": css, **kw}))
        return RENDER(documents, css, **kw)

    with pytest.MonkeyPatch.context() as m:
        m.setenv("OUTREACH_WORKERS", "1")
        m.setenv("OUTREACH_CACHE", "off")
        m.setattr(pdf_writer, "render", spy)
        ws = copy_workspace(tmp_path_factory.mktemp("passes") / "ws")
        for command in (["letter", *EVERYONE], ["script", *EVERYONE], ["questions", *EVERYONE],
                        ["thank-you", "--since", "2026-01-01"],
                        ["keep-in-touch", "--landed", "Planner, City of Springfield"]):
            result = run(ws, *command, "--format", "docx", "--force")
            assert result.code == 0, result.err
    kinds = {d.kind for documents, _ in seen for d in documents}
    assert kinds >= {"approach-letter", "phone-script", "question-sheet", "thank-you",
                     "keep-in-touch"}, kinds
    return seen


def _pdfs(documents: list[Document], setting: dict[str, Any], whole: bool,
          monkeypatch: pytest.MonkeyPatch) -> list[tuple[bytes, int]]:
    """The PDFs of one pass, with the trimmed stylesheet or (``whole``) WeasyPrint's."""
    with monkeypatch.context() as m:
        m.setattr(pdf_writer, "_STYLES", {})
        if whole:
            m.setattr(pdf_writer, "_ua_sheet", lambda css: None)
        kw = {k: v for k, v in setting.items() if k not in ("css", "write", "fetched")}
        return [(p.data, p.pages)
                for p in RENDER(documents, setting["css"], write=True, **kw)]


def test_every_kind_of_document_comes_out_as_with_weasyprints_whole_stylesheet(
        passes: list[tuple[list[Document], dict[str, Any]]],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Each pass of every kind of document, set plain and tighter, gives the same PDF
    bytes with the trimmed stylesheet as with WeasyPrint's whole one."""
    compact_seen = False
    for documents, setting in passes:
        compact_seen |= bool(setting.get("compact"))
        trimmed = _pdfs(documents, setting, False, monkeypatch)
        assert trimmed == _pdfs(documents, setting, True, monkeypatch), \
            [d.title for d in documents]
    tighter = {**passes[0][1], "compact": frozenset(range(len(passes[0][0])))}
    assert _pdfs(passes[0][0], tighter, False, monkeypatch) == \
        _pdfs(passes[0][0], tighter, True, monkeypatch)
    assert len(passes) >= 5


def test_envelopes_and_labels_come_out_as_with_weasyprints_whole_stylesheet(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The print files of envelopes and of address labels (their own page sizes and
    CSS) are the same bytes with the trimmed stylesheet as with WeasyPrint's."""
    from conftest import copy_workspace

    seen: list[tuple[tuple[Any, ...], dict[str, Any]]] = []

    def spy(*args: Any, **kw: Any) -> Any:
        seen.append((args, kw))
        return PRINT_FILE(*args, **kw)

    monkeypatch.setenv("OUTREACH_WORKERS", "1")
    monkeypatch.setattr(pdf_writer, "print_file", spy)
    ws = copy_workspace(tmp_path / "ws")
    for labels in ([], ["--labels"]):
        result = run(ws, "envelopes", *EVERYONE, *labels, "--force")
        assert result.code == 0, result.err
    assert len(seen) == 2
    for args, kw in seen:
        with monkeypatch.context() as m:
            m.setattr(pdf_writer, "_STYLES", {})
            trimmed = PRINT_FILE(*args, **kw)
            m.setattr(pdf_writer, "_STYLES", {})
            m.setattr(pdf_writer, "_ua_sheet", lambda css: None)
            assert trimmed == PRINT_FILE(*args, **kw)


@pytest.mark.parametrize("css", [CSS, FOOTNOTES_AND_BOXES], ids=["own", "footnotes-and-boxes"])
def test_every_block_comes_out_as_with_weasyprints_whole_stylesheet(
        css: str, passes: list[tuple[list[Document], dict[str, Any]]],
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Headings of every level, nested lists, bold and italic, a phrase in Chinese and a
    page break; and a user's stylesheet with footnotes and margin boxes of its own,
    which the trimmed stylesheet keeps: the same bytes, and the same measures."""
    from outreach.render.writers.engine import weasyprint

    letters = [d for documents, _ in passes for d in documents
               if d.kind == "approach-letter"][:2]
    documents = [_every_block(), *letters]
    setting = {"css": css}
    trimmed = _pdfs(documents, setting, False, monkeypatch)
    assert trimmed == _pdfs(documents, setting, True, monkeypatch)
    assert trimmed[0][1] >= 2  # the page break
    with monkeypatch.context() as m:
        m.setattr(pdf_writer, "_STYLES", {})
        measured = pdf_writer.measure(documents, css)
        m.setattr(pdf_writer, "_STYLES", {})
        m.setattr(pdf_writer, "_ua_sheet", lambda css: None)
        assert measured == pdf_writer.measure(documents, css)
    with monkeypatch.context() as m:  # the trimmed sheet is the one laid out with
        m.setattr(pdf_writer, "_STYLES", {})
        assert pdf_writer._style(css, ()).ua is not None
        m.setattr(pdf_writer, "_STYLES", {})
        red = weasyprint.CSS(string=pdf_writer.ua_css(UA, css) + "body { color: red }")
        m.setattr(pdf_writer, "_ua_sheet", lambda css: red)
        assert RENDER(documents, css)[0].data != trimmed[0][0]
    if css is FOOTNOTES_AND_BOXES:  # the footnotes and the boxes are there
        from conftest import pdf_text

        path = tmp_path / "letter.pdf"
        path.write_bytes(trimmed[1][0])
        assert "Draft" in pdf_text(path)


def test_the_trimmed_stylesheet_leaves_out_only_what_cannot_style_a_document() -> None:
    own = pdf_writer.ua_css(UA, CSS)
    for gone in ("::footnote-call", "::note-call", "@note-area", "@footnote", "@top-left",
                 "@counter-style", "button, input, keygen, select, textarea {",
                 "table { display: table }", "textarea {", "[dir=ltr i] dd",
                 "blockquote, figure {"):
        assert gone not in own, gone
    for kept in ("li { display: list-item }", "::marker", "h6 { bookmark-level: 6 }",
                 ":is(dir, menu, ol, ul) ul", "@bottom-left", "@bottom-right",
                 "margin: 75px", "b, strong, th { font-weight: bold }", ":link"):
        assert kept in own, kept
    theirs = pdf_writer.ua_css(UA, FOOTNOTES_AND_BOXES)
    for kept in ("::footnote-call", "::footnote-marker", "@footnote", "@top-center",
                 "@left-middle"):
        assert kept in theirs, kept
    assert "::note-call" not in theirs and "@top-left " not in theirs
    assert "::note-call" in pdf_writer.ua_css(UA, CSS + ".x { position: note(); }")
    assert len(own) < len(UA) / 3


@pytest.mark.parametrize(("selector", "matches"), [
    ("p", True), ("h1 + p", True), ("ol > li", True), ("::marker", True), (":root", True),
    (":lang(zh)", True), ("p:lang(fr)", True), (":dir(rtl) li", True),
    ("li:nth-child(2n+1)", True), (":where(p, table)", True), (":is(ol, ul) ul", True),
    ("p:not(table)", True), ("p:has(> table)", True), ("[lang] span", True),
    ("section[data-pages='2']", True), ("table", False), ("td:nth-child(2)", False),
    (":is(table, td)", False), ("input:not(p)", False), ("[dir=rtl] p", False),
    ("p[hidden]", False), ("ul dir", False), ("a:link", False), ("p a\\:b", True),
])
def test_a_selector_may_match_only_if_its_element_and_attributes_can_be_there(
        selector: str, matches: bool) -> None:
    assert pdf_writer._may_match(selector) is matches


def test_the_html_holds_only_the_elements_and_attributes_the_trim_counts_on(
        passes: list[tuple[list[Document], dict[str, Any]]]) -> None:
    """``pdf.ua_css`` drops the rules that style other elements: if outreach's HTML
    ever holds one more (a link, a table), ``html.TAGS`` must say so."""
    found: set[str] = set()
    attributes: set[str] = set()

    class Collect(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            found.add(tag)
            attributes.update(name for name, _ in attrs)

    documents = [_every_block(), *(d for documents, _ in passes for d in documents)]
    sections = [html_writer.document_html(d, f"doc-{n}", "compact", mark=bool(n % 2))
                for n, d in enumerate(documents)]
    sections += [html_writer.document_html(d, "e", br=True) for d in documents]
    Collect().feed(html_writer.page_html(sections, "All", "en"))
    assert found <= html_writer.TAGS, found - html_writer.TAGS
    assert attributes <= html_writer.ATTRIBUTES, attributes - html_writer.ATTRIBUTES
    assert {"h6", "ol", "ul", "li", "strong", "em", "span", "br"} <= found


def test_the_trimmed_text_is_kept_and_a_damaged_entry_is_made_again(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OUTREACH_CACHE_DIR", str(tmp_path))
    made: list[str] = []
    real = pdf_writer.ua_css
    monkeypatch.setattr(pdf_writer, "ua_css", lambda ua, css: made.append(css) or real(ua, css))
    assert pdf_writer._ua_sheet(CSS) is not None and len(made) == 1
    assert pdf_writer._ua_sheet(CSS) is not None and len(made) == 1
    from outreach import cache

    def kept(path: Path) -> object:
        return json.loads(cache.unsealed(path.read_bytes()) or b"null")

    (entry,) = [p for p in tmp_path.glob("?" * 48) if kept(p) == real(UA, CSS)]
    entry.write_bytes(entry.read_bytes()[:-40])  # cut short
    assert pdf_writer._ua_sheet(CSS) is not None and len(made) == 2
    assert kept(entry) == real(UA, CSS)


def test_without_weasyprints_hook_its_own_stylesheet_is_used(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from outreach.render.writers.engine import weasyprint

    monkeypatch.delattr(weasyprint.HTML, "_ua_stylesheets")
    assert pdf_writer._ua_sheet(CSS) is None
