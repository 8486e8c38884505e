"""DOCX styled by a reference document, which is read and prepared once (and kept in the
cache, so the next run need not read it).

The writer starts from ``reference.docx`` (the workspace's ``templates/`` first, the
built-in one last) and uses its paragraph styles by name, so a user restyles every
document by editing that file in Word. Reading that file is the expensive part (its
styles alone are hundreds of kilobytes), so ``DocxWriter`` does it once, and keeps the
result in the cache (``cache.py``): every part of the reference (styles, theme, fonts,
numbering, settings) goes, compressed once, into a prepared package, and each document
adds only what is its own, ``word/document.xml`` and the core properties, to a copy of
it. Text goes in as plain, escaped runs: a field code or markup typed in a contact's
notes stays text. Page breaks, sized room to write and the folio's footer, which the
layout stage places, are in ``docx_pages.py``.
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
import hashlib
import io
import json
import logging
import posixpath
import re
import zipfile
from dataclasses import dataclass
from typing import Any

from lxml import etree

from outreach import cache
from outreach.document.model import (
    Block,
    Document,
    Heading,
    ListBlock,
    PageBreak,
    Paragraph,
    Part,
    Span,
)
from outreach.errors import TemplateError

from . import docx_pages
from .docx_pages import escape

log = logging.getLogger(__name__)

#: The paragraph style each part's paragraphs take; the reference DOCX defines them.
ROLE_STYLES = {
    "sender": "Sender",
    "date": "Letter Date",
    "inside-address": "Inside Address",
    "salutation": "Salutation",
    "body": "Body Text",
    "close": "Closing",
    "signature": "Signature",
    "enclosure": "Enclosure",
    "note": "Note",
    "answer": "Answer Space",
    "short-answer": "Short Answer Space",
    "say": "Spoken",
    "question": "Question",
    "meta": "Meta",
}
LIST_STYLES = {True: "Numbered Item", False: "Bullet Item"}
DEFAULT_STYLE = "Body Text"
#: What a style is called once the reference was saved by another word processor
#: (LibreOffice saves its own "Sender" style, which ours becomes, as "Envelope Return").
ALIASES = {"sender": "envelope return"}

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_OFFICE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_MAIN_REL = _OFFICE + "/officeDocument"
_STYLES_REL = _OFFICE + "/styles"
_CORE_REL = _RELS + "/metadata/core-properties"
_CORE_TYPE = "application/vnd.openxmlformats-package.core-properties+xml"

#: Page size in twentieths of a point, and margins (top, right, bottom, left): letters
#: have the PDF's 1 inch (0.9 at the foot); scripts and sheets 0.75 inch, room to write.
PAGE = {"letter": (12240, 15840), "a4": (11906, 16838)}
MARGINS = {True: (1440, 1440, 1296, 1440), False: (1080, 1080, 1080, 1080)}
#: Space after the last item of a list, as the PDF leaves (0.8 em), in twentieths.
LIST_END_SPACE = 180
#: What XML 1.0 cannot hold (the loader refuses control characters; this is the net).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_MARKER = "@@outreach-body@@"


def _w(tag: str) -> str:
    return f"{{{W}}}{tag}"


class _Unusable(Exception):
    """The reference lacks a part every Word document has."""


@dataclass
class _Para:
    """One paragraph of document.xml: its style id, runs and direct formatting."""

    style: str
    runs: str
    keep_next: bool = False
    space_after: int | None = None
    #: It starts a page (the layout placed a page break before it).
    page_break: bool = False
    #: Room to write as tall as the layout made it (points): one line of exactly that
    #: height, with no space around it.
    height: float | None = None

    def xml(self) -> str:
        props = f'<w:pStyle w:val="{escape(self.style)}"/>' if self.style else ""
        if self.keep_next:
            props += "<w:keepNext/>"
        if self.page_break:
            props += "<w:pageBreakBefore/>"
        if self.height is not None:
            props += (f'<w:spacing w:before="0" w:after="0" w:line="{round(self.height * 20)}"'
                      ' w:lineRule="exact"/>')
        elif self.space_after is not None:
            props += f'<w:spacing w:after="{self.space_after}"/>'
        return f"<w:p><w:pPr>{props}</w:pPr>{self.runs}</w:p>"


def _targets(rels: bytes, folder: str) -> dict[str, str]:
    """Relationship type -> part name, from a ``.rels`` part of a part in ``folder``."""
    out: dict[str, str] = {}
    for rel in etree.fromstring(rels).iter(f"{{{_RELS}}}Relationship"):
        if rel.get("TargetMode") == "External":
            continue
        target = rel.get("Target", "")
        name = target.lstrip("/") if target.startswith("/") else \
            posixpath.normpath(posixpath.join(folder, target))
        out.setdefault(rel.get("Type", ""), name)
    return out


def _read(reference: bytes) -> dict[str, bytes]:
    try:
        with zipfile.ZipFile(io.BytesIO(reference)) as archive:
            return {i.filename: archive.read(i) for i in archive.infolist() if not i.is_dir()}
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise _Unusable(f"{type(exc).__name__}: {exc}") from None


def _unusable(exc: Exception) -> TemplateError:
    return TemplateError(f"reference.docx is not a Word document that can be used for "
                         f"styles ({type(exc).__name__}: {exc}); save it again from Word "
                         "as .docx, or delete it to use the built-in one")


#: What a prepared reference holds, and the type of each (a cache entry is checked).
_PREPARED: dict[str, type | tuple[type, ...]] = {
    "main": str, "styles": (str, type(None)), "core": str, "footer": str, "style_ids": dict,
    "footer_style": str, "footer_tabs": list, "root": str}


def _prepared(data: bytes) -> dict[str, Any]:
    """A prepared reference kept in the cache; ValueError if it is not a sound one."""
    found = json.loads(data)
    if not isinstance(found, dict) or any(not isinstance(found.get(k), t)
                                          for k, t in _PREPARED.items()):
        raise ValueError("not a prepared reference")
    texts = [*found["style_ids"], *found["style_ids"].values(), *found["footer_tabs"]]
    if not all(isinstance(text, str) for text in texts):
        raise ValueError("not a prepared reference")
    try:
        etree.fromstring(found["root"].encode("utf-8"))
    except etree.XMLSyntaxError as exc:
        raise ValueError(str(exc)) from None
    return found


def _package(data: bytes) -> bytes:
    """A prepared package kept in the cache; ValueError if it is no zip."""
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise ValueError("not a package")
    return data


def _rels_name(part: str) -> str:
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", name + ".rels")


def _with_core(parts: dict[str, bytes]) -> str:
    """The core-properties part's name; declared in the package when the reference has
    none, so each document can carry its title, author, language and dates."""
    core = _targets(parts["_rels/.rels"], "").get(_CORE_REL)
    if core:
        return core
    core = "docProps/core.xml"
    docx_pages.declare_part(parts, "_rels/.rels", ("rIdOutreachCore", _CORE_REL, core), core,
                            _CORE_TYPE)
    return core


def _paragraph_styles(styles: bytes | None) -> dict[str, str]:
    """Paragraph style names (lower case, as Word matches them) -> style ids."""
    if styles is None:
        return {}
    out: dict[str, str] = {}
    for style in etree.fromstring(styles).iter(_w("style")):
        name = style.find(_w("name"))
        if style.get(_w("type")) == "paragraph" and name is not None:
            out.setdefault(str(name.get(_w("val"), "")).lower(), style.get(_w("styleId"), ""))
    return out


#: The body type of the PDF (document.css: 11.5 pt), and of the kinds set smaller there
#: (a sheet: 11 pt; a script: 11 pt, compact 10 pt); Word's styles are scaled to match.
BODY_PT = 11.5
KIND_PT = {"question-sheet": (11.0, 11.0), "phone-script": (11.0, 10.0)}


def type_scale(kind: str, compact: bool) -> float:
    """How much smaller than the reference's the kind's type is, as the PDF sets it."""
    size = KIND_PT.get(kind, (BODY_PT, 10.5))[1 if compact else 0]
    return size / BODY_PT


def _tighten(root: etree._Element, scale: float, compact: bool) -> None:
    """The Word counterpart of the PDF's type for the kind (``scale``) and of its
    ``.compact``: less space."""
    for style in root.iter(_w("style")):
        if style.get(_w("type")) != "paragraph":
            continue
        size = style.find(f"{_w('rPr')}/{_w('sz')}")
        if size is not None and (size.get(_w("val")) or "").isdigit():
            size.set(_w("val"), str(round(int(size.get(_w("val"))) * scale)))
        spacing = style.find(f"{_w('pPr')}/{_w('spacing')}")
        if not compact:
            continue
        for attr in ("before", "after"):
            value = spacing.get(_w(attr)) if spacing is not None else None
            if spacing is not None and value is not None and value.isdigit():
                spacing.set(_w(attr), str(round(int(value) * 0.7)))


def _set_language(root: etree._Element, lang: str) -> None:
    """The language Word checks spelling in: the default run properties' ``w:lang``."""
    defaults = root.find(_w("docDefaults"))
    if defaults is None:
        defaults = etree.Element(_w("docDefaults"))
        root.insert(0, defaults)
    run = defaults.find(_w("rPrDefault"))
    if run is None:
        run = etree.Element(_w("rPrDefault"))
        defaults.insert(0, run)
    props = run.find(_w("rPr"))
    if props is None:
        props = etree.SubElement(run, _w("rPr"))
    language = props.find(_w("lang"))
    if language is None:
        language = etree.SubElement(props, _w("lang"))
    language.set(_w("val"), lang)


_SPACES = re.compile(" {2,}")
_SPACED_BREAK = re.compile(r" *\n *")


def _spans(spans: tuple[Span, ...]) -> list[Span]:
    """Spaces as the PDF shows them: a run of spaces is one, none at a line's ends."""
    out: list[Span] = []
    after_space = True
    for span in spans:
        text = _SPACED_BREAK.sub("\n", _SPACES.sub(" ", _NOT_XML.sub("", span.text)))
        if after_space:
            text = text.lstrip(" ")
        if text:
            out.append(Span(text, span.bold, span.italic))
            after_space = text[-1] in " \n"
    if out and out[-1].text.endswith(" "):
        last = out.pop()
        if last.text.rstrip(" "):
            out.append(Span(last.text.rstrip(" "), last.bold, last.italic))
    return out


def _run(text: str, bold: bool, italic: bool) -> str:
    props = ("<w:b/>" if bold else "") + ("<w:i/>" if italic else "")
    pieces = "<w:tab/>".join(f'<w:t xml:space="preserve">{escape(p)}</w:t>' if p else ""
                             for p in text.split("\t"))
    return f"<w:r>{f'<w:rPr>{props}</w:rPr>' if props else ''}{pieces}</w:r>"


def runs(spans: tuple[Span, ...], prefix: str = "") -> str:
    """The runs of one paragraph: bold and italic as typed, ``\\n`` a line break."""
    out = [_run(prefix, False, False)] if prefix else []
    for span in _spans(spans):
        for n, line in enumerate(span.text.split("\n")):
            if n:
                out.append("<w:r><w:br/></w:r>")
            if line:
                out.append(_run(line, span.bold, span.italic))
    return "".join(out)


class _Body:
    """The paragraphs of one document, in order."""

    def __init__(self, style_ids: dict[str, str]) -> None:
        self.style_ids = style_ids
        self.paras: list[_Para] = []
        self.closing = style_ids.get("closing", "")
        #: The next paragraph starts a page.
        self.break_next = False

    def style(self, name: str) -> str:
        found = self.style_ids.get(name.lower()) or self.style_ids.get(
            ALIASES.get(name.lower(), ""))
        if found is None:
            log.warning("reference.docx has no paragraph style %r; using Normal", name)
            return self.style_ids.get("normal", "")
        return found

    def add(self, spans: tuple[Span, ...], style: str, prefix: str = "") -> _Para:
        para = _Para(self.style(style), runs(spans, prefix), page_break=self.break_next)
        self.break_next = False
        if self.closing and para.style == self.closing and self.paras:
            self.paras[-1].keep_next = True  # the close stays with the body's last lines
        self.paras.append(para)
        return para

    def blocks(self, blocks: tuple[Block, ...], style: str) -> None:
        for block in blocks:
            if isinstance(block, Paragraph):
                self.add(block.spans, style)
            elif isinstance(block, Heading):  # a heading's style is its own only
                self.add(block.spans, "Title" if block.level == 1
                         else f"Heading {block.level - 1}")
            elif isinstance(block, ListBlock):
                self.items(block, style)
            elif isinstance(block, Part):
                inner = ROLE_STYLES.get(block.role, style)
                if block.blocks:
                    self.blocks(block.blocks, inner)
                else:  # an empty part is room to write: one empty paragraph
                    self.add((), inner).height = block.height
            elif isinstance(block, PageBreak):
                self.break_next = True

    def items(self, block: ListBlock, style: str) -> None:
        for n, item in enumerate(block.items, start=block.start):
            first, *rest = item or (Paragraph(()),)
            spans = first.spans if isinstance(first, Paragraph) else ()
            self.add(spans, LIST_STYLES[block.ordered],
                     prefix=f"{n}.\t" if block.ordered else "•\t")
            self.blocks(tuple(rest), style)
        if block.items:  # the list is set off from what follows, as in the PDF
            self.paras[-1].space_after = LIST_END_SPACE

    def xml(self) -> str:
        return "".join(p.xml() for p in self.paras)


def _core(document: Document, now: dt.datetime) -> bytes:
    """Core properties: title, subject, the seeker as author, language, dates of now."""
    stamp = now.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    fields = [("dc:title", document.title[:255]),  # the format's limit
              ("dc:subject", document.subject[:255]),
              ("dc:creator", document.author[:255]),
              ("cp:lastModifiedBy", document.author[:255]),
              ("dc:language", document.lang), ("cp:revision", "1")]
    body = "".join(f"<{k}>{escape(_NOT_XML.sub('', v))}</{k}>" for k, v in fields)
    dates = "".join(f'<dcterms:{k} xsi:type="dcterms:W3CDTF">{stamp}</dcterms:{k}>'
                    for k in ("created", "modified"))
    return ("<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n<cp:coreProperties "
            'xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
            'xmlns:dcmitype="http://purl.org/dc/dcmitype/" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
            f"{body}{dates}</cp:coreProperties>").encode()


class DocxWriter:
    """Writes documents as DOCX styled by one reference, read and prepared once.

    ``render`` is cheap: the reference's parts are compressed once per variant (set
    tighter or not, and the document's language), and each document only adds its own
    ``document.xml`` and core properties to a copy of that package."""

    def __init__(self, reference: bytes) -> None:
        self.reference = reference
        self.digest = hashlib.sha256(reference).hexdigest()
        self._parts: dict[str, bytes] | None = None
        self._bases: dict[tuple[bool, str, bool, float], bytes] = {}
        self._frames: dict[tuple[str, bool, bool], tuple[str, str]] = {}
        prepared = cache.remembered(cache.code_key("docx reference", self.digest),
                                    self._prepare, _prepared)
        self.main, self.styles, self.core, self.footer = (
            prepared["main"], prepared["styles"], prepared["core"], prepared["footer"])
        self.style_ids: dict[str, str] = prepared["style_ids"]
        self.footer_style: str = prepared["footer_style"]
        self.footer_tabs: list[str] = prepared["footer_tabs"]
        self.root = etree.fromstring(prepared["root"].encode("utf-8"))

    @property
    def parts(self) -> dict[str, bytes]:
        """Every part of the reference, its core properties declared: read only when a
        prepared package is not in the cache."""
        if self._parts is None:
            self._parts = self._read()
        return self._parts

    def _read(self) -> dict[str, bytes]:
        try:
            parts = _read(self.reference)
            _with_core(parts)
            return parts
        except (_Unusable, KeyError, etree.XMLSyntaxError) as exc:
            raise _unusable(exc) from None

    def _prepare(self) -> dict[str, Any]:
        """What the writer needs of the reference for every document, as JSON: reading
        and parsing the reference took 40 ms of every run."""
        try:
            parts = self.parts
            main = _targets(parts["_rels/.rels"], "")[_MAIN_REL]
            folder = posixpath.dirname(main)
            styles = _targets(parts.get(_rels_name(main), b"<r/>"), folder).get(_STYLES_REL)
            style_ids = _paragraph_styles(parts.get(styles or ""))
            root = _with_w_prefix(etree.fromstring(parts[main]))
        except (KeyError, etree.XMLSyntaxError) as exc:  # an unreadable zip: in .parts
            raise _unusable(exc) from None
        return {"main": main, "styles": styles, "core": _with_core(parts),
                "footer": posixpath.join(folder, docx_pages.FOOTER_NAME),
                "style_ids": style_ids, "footer_style": style_ids.get("footer", ""),
                "footer_tabs": docx_pages.tab_stops(parts.get(styles or ""),
                                                    style_ids.get("footer", "")),
                "root": etree.tostring(root, encoding="unicode")}

    def render(self, document: Document, *, compact: bool = False,
               now: dt.datetime | None = None) -> bytes:
        """The document as DOCX bytes; ``compact`` sets it tighter (as the PDF was, when
        it would not otherwise fit its pages)."""
        top, right, bottom, left = MARGINS[document.is_letter]
        width, height = PAGE[document.paper]
        document = docx_pages.for_word(document, (height - top - bottom) / 20)
        body = _Body(self.style_ids)
        body.blocks(document.blocks, DEFAULT_STYLE)
        head, tail = self._frame(document.paper, document.is_letter, document.folio)
        out = io.BytesIO(self._base(compact, document.lang, document.folio,
                                    type_scale(document.kind, compact)))
        with zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(self.main, (head + body.xml() + tail).encode("utf-8"))
            archive.writestr(self.core, _core(document, now or dt.datetime.now(dt.UTC)))
            if document.folio:
                archive.writestr(self.footer, docx_pages.footer_xml(
                    _NOT_XML.sub("", document.title), self.footer_style, self.footer_tabs,
                    width - left - right))
        return out.getvalue()

    def _base(self, compact: bool, lang: str, folio: bool, scale: float) -> bytes:
        """Every part of the reference but the document and its core properties, the
        styles set tighter when ``compact`` and in the document's language; with a
        ``folio``, the footer that carries it declared. Kept in the cache: compressing
        the reference's parts took 30 ms of every run."""
        key = (compact, lang, folio, scale)
        if key not in self._bases:
            self._bases[key] = cache.remembered(
                cache.code_key("docx base", self.digest, str(compact), lang, str(folio),
                               f"{scale:.4f}"),
                lambda: self._make_base(compact, lang, folio, scale), _package, bytes)
        return self._bases[key]

    def _make_base(self, compact: bool, lang: str, folio: bool, scale: float) -> bytes:
        parts = dict(self.parts)
        if folio:
            docx_pages.declare_footer(parts, _rels_name(self.main), self.footer)
        if self.styles in parts:
            root = etree.fromstring(parts[self.styles])
            if compact or scale != 1.0:
                _tighten(root, scale, compact)
            _set_language(root, lang)
            parts[self.styles] = etree.tostring(root, xml_declaration=True,
                                                encoding="UTF-8", standalone=True)
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, data in parts.items():
                if name not in (self.main, self.core, self.footer):
                    archive.writestr(name, data)
        return out.getvalue()

    def _frame(self, paper: str, letter: bool, folio: bool) -> tuple[str, str]:
        """document.xml around the body's paragraphs: the reference's root element and
        its section (headers, footers, columns), with this document's page and margins,
        and the folio's footer when it has one."""
        key = (paper, letter, folio)
        if key not in self._frames:
            root = copy.deepcopy(self.root)
            body = root.find(_w("body"))
            if body is None:
                body = etree.SubElement(root, _w("body"))
            section = body.find(_w("sectPr"))
            for child in list(body):
                body.remove(child)
            body.text = _MARKER
            section = _page(section, paper, letter)
            if folio:
                docx_pages.with_footer(section)
            body.append(section)
            xml = etree.tostring(root, xml_declaration=True, encoding="UTF-8",
                                 standalone=True).decode("utf-8")
            head, _, tail = xml.partition(_MARKER)
            self._frames[key] = (head, tail)
        return self._frames[key]


def _with_w_prefix(root: etree._Element) -> etree._Element:
    """The document's root element, with ``w:`` bound as the paragraphs are written."""
    if root.nsmap.get("w") == W:
        return root
    nsmap = {k: v for k, v in root.nsmap.items() if k != "w"} | {"w": W}
    fresh = etree.Element(root.tag, attrib=dict(root.attrib), nsmap=nsmap)
    fresh.extend(list(root))
    return fresh


#: What comes before ``w:pgSz`` and ``w:pgMar`` in a section's properties.
_BEFORE_PAGE = ("headerReference", "footerReference", "footnotePr", "endnotePr", "type")


def _child(section: etree._Element, tag: str, before: tuple[str, ...]) -> etree._Element:
    """``section``'s child ``tag``, made in its place in the schema's order if missing."""
    found = section.find(_w(tag))
    if found is None:
        found = etree.Element(_w(tag))
        index = sum(1 for c in section if etree.QName(c).localname in before)
        section.insert(index, found)
    return found


def _page(section: etree._Element | None, paper: str, letter: bool) -> etree._Element:
    """The reference's section properties with this document's page size and margins."""
    section = copy.deepcopy(section) if section is not None else etree.Element(_w("sectPr"))
    size = _child(section, "pgSz", _BEFORE_PAGE)
    size.attrib.pop(_w("orient"), None)
    width, height = PAGE[paper]
    size.set(_w("w"), str(width))
    size.set(_w("h"), str(height))
    margins = _child(section, "pgMar", (*_BEFORE_PAGE, "pgSz"))
    for attr, default in (("header", "720"), ("footer", "720"), ("gutter", "0")):
        margins.set(_w(attr), margins.get(_w(attr), default))
    for attr, value in zip(("top", "right", "bottom", "left"), MARGINS[letter], strict=True):
        margins.set(_w(attr), str(value))
    return section


@functools.lru_cache(maxsize=4)
def writer_for(reference: bytes) -> DocxWriter:
    """One prepared writer per reference for the whole run (and the next, in-process)."""
    return DocxWriter(reference)


def render_with(document: Document, reference: bytes, *, compact: bool = False) -> bytes:
    """The document as DOCX bytes, styled by ``reference`` (prepared once per run)."""
    return writer_for(reference).render(document, compact=compact)
