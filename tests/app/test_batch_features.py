"""A batch's own steps are the pipeline's, from its kind: the contacts a kind chooses by a
rule of its own, its print file made from the letters in memory, its table, and
--mark-sent. A kind registered at run time gets each of them by saying so in its entry;
the thank-you batch loads the contacts once and reads no letter it writes itself."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import docx
import pytest
import yaml

from conftest import pdf_pages, pdf_text, words
from outreach.app import pipeline
from outreach.app.pipeline import Options, generate
from outreach.compose import contexts, kinds
from outreach.compose.documents import Request
from outreach.compose.templating import Templates
from outreach.errors import UsageError, display_path
from outreach.workspace.folder import ContactFile, Workspace
from support import campaign

TODAY = campaign.TODAY
CHECK_IN = """{% extends "letter.md.j2" %}
{% block body %}
I am writing to check in, and to thank you again for your time.
{% endblock %}
"""


def _context(workspace: Workspace, request: Request, _templates: Templates) -> dict[str, Any]:
    return contexts.letter_context(workspace, request)


def _cold(contact: ContactFile, since: dt.date | None, _today: dt.date) -> bool:
    return since is not None and contact.data.relationship == "cold"


@pytest.fixture
def check_in() -> Iterator[kinds.Kind]:
    """A letter to every cold contact, with every batch feature a kind can have."""
    kind = kinds.register(kinds.Kind(
        name="check-in", command="check-in", summary="checks in", title="Check-in: {name}",
        context=_context, variables=kinds.LETTER,
        email=kinds.Email(lambda _w, _r: "Checking in", "follow-up"),
        choice=kinds.Choice(_cold, "nobody cold since {since}",
                            why=", not cold (since {since})", with_since=True),
        print_file="check-ins",
        table=kinds.Summary(("CONTACT", "ORGANIZATION"),
                            lambda c, _t: (c.data.name, c.data.organization or "-"))))
    yield kind
    kinds.unregister(kind.name)


@pytest.fixture
def stages_ws(tmp_path: Path) -> Path:
    """The campaign's workspace: a contact at every stage, names in several scripts."""
    root = campaign.build(tmp_path / "ws")
    (root / "templates").mkdir()
    (root / "templates" / "check-in.md.j2").write_text(CHECK_IN, encoding="utf-8")
    return root


def test_a_kind_registered_at_run_time_gets_its_batch_features_from_the_pipeline(
        stages_ws: Path, check_in: kinds.Kind) -> None:
    cold = sorted(cid for cid, (stage, text) in campaign.CONTACTS.items()
                  if "relationship: cold" in text and stage != "incomplete")
    since = TODAY - dt.timedelta(days=30)
    report = generate(Workspace(stages_ws), check_in, None,
                      Options(formats=("pdf",), today=TODAY, since=since, mark_sent=True))
    out = stages_ws / "output"
    letters = [out / cid / "check-in.pdf" for cid in cold]
    batch = out / "batches" / f"{TODAY.isoformat()}-check-ins.pdf"
    # one letter each, then the print file of them all, in the batch's order
    assert len(cold) == 4 and [o.path for o in report.outcomes] == [*letters, batch]
    assert pdf_pages(batch) == sum(pdf_pages(p) for p in letters)
    names = [yaml.safe_load((stages_ws / "profiles" / "contacts" / f"{cid}.yaml")
                            .read_text(encoding="utf-8"))["name"] for cid in cold]
    printed = words(pdf_text(batch))
    places = [printed.index(words(pdf_text(p)).split("Dear")[1][:30]) for p in letters]
    assert places == sorted(places)
    # the table names each letter's file; the others are counted with the rule's words
    assert report.table[0] == ("CONTACT", "ORGANIZATION", "FILE")
    assert [row[0] for row in report.table[1:]] == names
    assert [row[2] for row in report.table[1:]] == [display_path(p) for p in letters]
    assert report.skipped is not None
    assert f", not cold (since {since})" in (report.skipped.summary() or "")
    # --mark-sent: the kind's sent event, today, in each history, and nobody else's
    assert report.marked == cold
    for cid in campaign.CONTACTS:
        history = yaml.safe_load((stages_ws / "profiles" / "contacts" / f"{cid}.yaml")
                                 .read_text(encoding="utf-8")).get("history") or []
        marked = {"date": TODAY, "event": "follow-up"} in history
        assert marked == (cid in cold), cid


def test_a_batch_of_its_own_choosing_that_takes_nobody_says_so_and_writes_nothing(
        stages_ws: Path, check_in: kinds.Kind) -> None:
    for path in (stages_ws / "profiles" / "contacts").glob("*.yaml"):
        path.write_text(path.read_text(encoding="utf-8").replace("relationship: cold",
                                                                 "relationship: referral"),
                        encoding="utf-8")
    since = TODAY - dt.timedelta(days=3)
    report = generate(Workspace(stages_ws), check_in, None,
                      Options(today=TODAY, since=since, mark_sent=True))
    assert report.warnings == [f"nobody cold since {since}"]
    assert report.outcomes == [] and report.marked == []
    assert not (stages_ws / "output").exists()


def test_mark_sent_is_refused_for_a_kind_that_is_never_sent(stages_ws: Path) -> None:
    before = {p: p.read_bytes() for p in (stages_ws / "profiles").rglob("*.yaml")}
    with pytest.raises(UsageError, match="a linkedin note is never marked sent"):
        generate(Workspace(stages_ws), kinds.LINKEDIN_NOTE, ["nadia-haddad"],
                 Options(formats=("txt",), mark_sent=True))
    assert not (stages_ws / "output").exists()
    assert before == {p: p.read_bytes() for p in (stages_ws / "profiles").rglob("*.yaml")}


@pytest.fixture
def loads(monkeypatch: pytest.MonkeyPatch) -> list[list[str] | None]:
    """Each time a command loads contacts: the ids asked for (None: everyone)."""
    seen: list[list[str] | None] = []
    real = Workspace.contacts

    def spy(self: Workspace, ids: list[str] | None = None) -> list[ContactFile]:
        seen.append(ids)
        return real(self, ids)

    monkeypatch.setattr(Workspace, "contacts", spy)
    return seen


@pytest.fixture
def subjects_read(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Each written file whose subject the pipeline reads back."""
    seen: list[Path] = []
    real = pipeline.written_subject

    def spy(path: Path) -> str:
        seen.append(path)
        return real(path)

    monkeypatch.setattr(pipeline, "written_subject", spy)
    return seen


def test_the_busy_week_loads_the_contacts_once_and_reads_back_only_a_letter_kept(
        ws: Path, loads: list[list[str] | None], subjects_read: list[Path]) -> None:
    day, since = dt.date(2026, 11, 21), dt.date(2026, 11, 14)
    options = Options(today=day, since=since)
    first = generate(Workspace(ws), kinds.THANK_YOU, None, options)
    assert loads == [None]  # the batch chooses from one load: no second pass over its ids
    assert subjects_read == []  # what it wrote, it knows
    written = sorted({o.path.parent.name for o in first.outcomes if o.path.parent.name
                      != "batches"})
    assert len(written) == 3
    # a DOCX re-saved in Word is kept: the only file whose subject is read back
    kept = ws / "output" / written[0] / "thank-you.docx"
    document = docx.Document(str(kept))
    document.add_paragraph("P.S. Added by hand.")
    document.save(str(kept))
    loads.clear()
    again = generate(Workspace(ws), kinds.THANK_YOU, None, options)
    assert loads == [None]
    assert subjects_read == [kept]
    assert any(o.path == kept and o.action == "kept" for o in again.outcomes)


def test_keep_in_touch_loads_the_contacts_once(ws: Path,
                                               loads: list[list[str] | None]) -> None:
    report = generate(Workspace(ws), kinds.KEEP_IN_TOUCH, None,
                      Options(formats=("docx",), today=dt.date(2026, 11, 21),
                              landed=("Policy Analyst", "County GIS")))
    assert loads == [None]
    assert len(report.outcomes) == 3
