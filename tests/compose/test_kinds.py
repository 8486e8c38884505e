"""The registry of document kinds and the pipeline's stages: a new kind is one entry and
one template; what a document needs is checked when it is planned, not when a contact
is loaded; the template contract in docs/templates.md is the registry's."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import EVERYONE, REPO, docx_text, pdf_pages, pdf_text, run, snapshot, words
from outreach.app.pipeline import Options, generate, plan, templates_for
from outreach.compose import contexts, kinds
from outreach.compose.documents import Request
from outreach.compose.templating import Templates
from outreach.workspace.folder import Workspace

CONFIRMATION = """{% extends "letter.md.j2" %}
{% block body %}
Thank you for agreeing to meet with me on {{ meeting_day }}. I look forward to hearing
about your work in {{ profile.target.field }}.
{% endblock %}
"""


def _confirmation_context(workspace: Workspace, request: Request,
                          _templates: Templates) -> dict[str, Any]:
    return contexts.letter_context(workspace, request) | {"meeting_day": "Tuesday morning"}


@pytest.fixture
def confirmation() -> Iterator[kinds.Kind]:
    kind = kinds.register(kinds.Kind(
        name="meeting-confirmation", command="confirm", summary="confirms a meeting",
        title="Confirmation to {name}", context=_confirmation_context,
        variables=kinds.LETTER | {"meeting_day": "the day agreed"}))
    yield kind
    kinds.unregister(kind.name)


def test_a_kind_registered_at_run_time_renders_to_pdf_and_docx(
        ws: Path, confirmation: kinds.Kind) -> None:
    (ws / "templates").mkdir()
    (ws / "templates" / "meeting-confirmation.md.j2").write_text(CONFIRMATION)
    report = generate(Workspace(ws), confirmation, ["jim-park"],
                      Options(today=dt.date(2026, 11, 21)))
    folder = ws / "output" / "jim-park"
    assert sorted(str(o.path.name) for o in report.outcomes) == [
        "meeting-confirmation.docx", "meeting-confirmation.pdf"]
    for text in (words(pdf_text(folder / "meeting-confirmation.pdf")),
                 words(docx_text(folder / "meeting-confirmation.docx"))):
        assert "Thank you for agreeing to meet with me on Tuesday morning." in text
        assert "Dear Mr. Park:" in text and "Dana Kehr" in text
    assert pdf_pages(folder / "meeting-confirmation.pdf") == 1
    assert kinds.get("meeting-confirmation") is confirmation


def test_an_unknown_kind_names_the_known_ones() -> None:
    with pytest.raises(Exception, match="approach-letter, phone-script"):
        kinds.get("memo")


def _strip_how_we_met(ws: Path, *ids: str) -> None:
    for cid in ids:
        path = ws / "profiles" / "contacts" / f"{cid}.yaml"
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        path.write_text("".join(ln for ln in lines if not ln.startswith("how_we_met:")),
                        encoding="utf-8")


NO_HOW = ("priya-raman", "thomas-whitfield", "evelyn-okafor")  # alumni, cold, acquaintance


@pytest.mark.parametrize("args", [
    ["contacts"],
    ["due", "--today", "2026-11-21"],
    ["script", *EVERYONE, "--format", "pdf"],
    ["questions", *EVERYONE, "--format", "docx"],
    ["thank-you", "--since", "7d", "--date", "2026-11-21", "--format", "pdf"],
])
def test_contacts_without_how_we_met_still_get_every_other_document(
        ws: Path, args: list[str]) -> None:
    _strip_how_we_met(ws, *NO_HOW)
    result = run(ws, *args)
    assert result.code in (0, 3), result.err  # due exits 3 when something is overdue
    assert "Error" not in result.err
    if args[0] == "thank-you":  # the three of them are owed a thank-you, and get one
        for cid in ("priya-raman", "thomas-whitfield", "evelyn-okafor"):
            assert (ws / "output" / cid / "thank-you.pdf").is_file()


def test_the_approach_letter_refuses_each_contact_lacking_how_we_met_at_once(
        ws: Path) -> None:
    _strip_how_we_met(ws, *NO_HOW)
    before = snapshot(ws / "profiles")
    # named, each is written to on purpose (in a batch by --stage, a contact at another
    # stage than new that lacks it is left out instead: tests/test_campaign_leftovers.py)
    result = run(ws, "letter", *NO_HOW)
    assert result.code == 1
    errors = [ln for ln in result.err.splitlines() if ln.startswith("Error: ")]
    assert len(errors) == 3, result.err
    for cid, who in zip(sorted(NO_HOW), ("an acquaintance", "a fellow alumnus or alumna",
                                         "a cold contact"), strict=True):
        line = next(e for e in errors if f"contacts/{cid}.yaml:" in e)
        assert f"how_we_met: is needed: the approach letter to {who}" in line
    assert not (ws / "output").exists()
    assert snapshot(ws / "profiles") == before


def test_the_plan_says_what_is_written_and_kept(ws: Path) -> None:
    workspace = Workspace(ws)
    (ws / "output" / "jim-park").mkdir(parents=True)
    (ws / "output" / "jim-park" / "approach-letter.pdf").write_bytes(b"%PDF-1.7 kept")
    the_plan = plan(workspace, kinds.APPROACH_LETTER, ["jim-park", "maria-lopez"], Options())
    jim, maria = the_plan.targets
    assert jim.write == ("docx",) and [o.action for o in jim.kept()] == ["kept"]
    assert maria.write == ("pdf", "docx")
    assert the_plan.steps == 2 + 2  # each laid out once, each DOCX written once


# -- the template contract -------------------------------------------------------------

SAMPLES = {"approach-letter": "jim-park", "phone-script": "jim-park", "envelope": "jim-park",
           "question-sheet": "jim-park", "thank-you": "priya-raman",
           "linkedin-note": "jim-park", "keep-in-touch": "priya-raman"}


@pytest.mark.parametrize("kind", kinds.all_kinds(), ids=lambda k: k.name)
def test_each_template_receives_exactly_the_names_its_entry_lists(kind: kinds.Kind) -> None:
    workspace = Workspace(REPO)
    contact = workspace.contact(SAMPLES[kind.name])
    request = Request(kind, contact, dt.date(2026, 11, 21))
    context = kind.context(workspace, request, templates_for(workspace))
    assert sorted(context) == sorted(kind.variables)


def test_docs_templates_md_lists_the_registry_as_it_is() -> None:
    from outreach.compose.contract import GENERATED, section

    text = (REPO / "docs" / "templates.md").read_text(encoding="utf-8")
    start, end = text.index(GENERATED[0]), text.index(GENERATED[1]) + len(GENERATED[1])
    assert text[start:end] == section(), "run: python tools/make_template_docs.py"


def test_every_builtin_template_name_is_documented() -> None:
    text = (REPO / "docs" / "templates.md").read_text(encoding="utf-8")
    for kind in kinds.all_kinds():
        assert f"`{kind.template}`" in text
        for name in kind.variables:
            assert f"`{name}`" in text
