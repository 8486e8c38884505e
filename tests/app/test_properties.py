"""Property tests: any profile and contact that validate give every document kind in
both formats, with the contact's name and organization in the text."""

from __future__ import annotations

import datetime as dt
import io
import re
import subprocess
import tempfile
from pathlib import Path

import docx
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import REPO
from outreach.app.main import templates_for
from outreach.compose import kinds
from outreach.compose.documents import Request, build
from outreach.document.text import sentence_case
from outreach.render.writers import docx as docx_writer
from outreach.render.writers import pdf as pdf_writer
from outreach.workspace.folder import Workspace

KINDS = ("approach-letter", "phone-script", "question-sheet", "thank-you")
#: Letters of several scripts and the punctuation that means something to Markdown,
#: HTML, Jinja or Word; Arabic and Hebrew are tested in test_scripts.py.
ALPHABET = ("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
            "éèêëçñøåäöüßłœÉÅÖ" "αβγδεζηθλμνξπρστφχψωΑΒΓΔ" "абвгдежзийклмнопрстуфхцчшщыэюяБГД"
            "王芳山田花子東京都市" "&<>*_`#{}[]%!|~\\'\"-.,:;()/+=@$?")

word = st.text(alphabet=ALPHABET, min_size=1, max_size=12).filter(lambda s: s.strip() == s)
phrase = st.lists(word, min_size=1, max_size=3).map(" ".join)
#: A name holds a letter (a name of punctuation alone is refused: see test_bad_data.py).
name_phrase = phrase.filter(lambda s: any(c.isalpha() for c in s))
relationship = st.sampled_from(["friend", "acquaintance", "alumni", "referral", "cold"])


def unspaced(text: str) -> str:
    """Text without white space, bidi marks or hyphens: a line may wrap anywhere in a
    generated word, and pdftotext drops a hyphen that ends a line."""
    text = text.translate(str.maketrans("\u201c\u201d\u2018\u2019", "\"\"''"))  # set curly
    return re.sub(r"[\s\u200e\u200f\u202a-\u202e\u2066-\u2069-]+", "", text)


@settings(max_examples=15, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(name=name_phrase, organization=phrase, title=st.none() | phrase, relation=relationship,
       local=st.booleans(), notes=st.none() | phrase, point=phrase,
       mode=st.sampled_from(["in-person", "phone"]), paper=st.sampled_from(["letter", "a4"]))
def test_every_kind_renders_in_both_formats(name: str, organization: str, title: str | None,
                                            relation: str, local: bool, notes: str | None,
                                            point: str, mode: str, paper: str) -> None:
    contact: dict[str, object] = {
        "name": name, "organization": organization, "relationship": relation,
        "local": local, "how_we_met": "We met at a conference",
        "history": [{"date": dt.date(2026, 11, 19), "event": "meeting", "mode": mode,
                     "points": [point]}]}
    if relation == "referral":
        contact["referred_by"] = "Maria Lopez"
    if title is not None:
        contact["title"] = title
    if notes is not None:
        contact["notes"] = notes
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "profiles" / "contacts").mkdir(parents=True)
        profile = yaml.safe_load((REPO / "profiles" / "candidate.yaml").read_text())
        profile["paper"] = paper
        profile.pop("resume")
        profile["resume"] = "resume.pdf"
        (root / "profiles" / "resume.pdf").write_bytes(
            (REPO / "profiles" / "resume.pdf").read_bytes())
        (root / "profiles" / "candidate.yaml").write_text(
            yaml.safe_dump(profile, allow_unicode=True), encoding="utf-8")
        (root / "profiles" / "contacts" / "someone.yaml").write_text(
            yaml.safe_dump(contact, allow_unicode=True), encoding="utf-8")
        ws = Workspace(root)
        templates = templates_for(ws)
        person = ws.contact("someone")
        rendered = [build(ws, templates, Request(kinds.get(kind), person, dt.date(2026, 11, 21)))
                    for kind in KINDS]
        css = templates.resource("document.css").decode()
        pdfs = pdf_writer.render([r.document for r in rendered], css)
        reference = templates.resource("reference.docx")
        for r, laid in zip(rendered, pdfs, strict=True):
            assert laid.pages <= r.max_pages + 1  # the writer sets a long one tighter
            pdf_path = root / f"{r.document.kind}.pdf"
            pdf_path.write_bytes(laid.data)
            text = unspaced(subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf_path), "-"],
                                           capture_output=True, text=True,
                                           check=True).stdout)
            words = unspaced(
                "\n".join(p.text for p in docx.Document(
                    io.BytesIO(docx_writer.render_with(r.document, reference))).paragraphs))
            # an organization starts an address line with a capital (the Bureau -> The
            # Bureau), and may be printed only there
            for value, forms in ((name, {name}),
                                 (organization, {organization, sentence_case(organization)})):
                assert any(unspaced(v) in text for v in forms), (r.document.kind, value)
                assert any(unspaced(v) in words for v in forms), (r.document.kind, value)
