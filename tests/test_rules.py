"""The rules alone, over models: no rendering, no files written."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from outreach import rules
from outreach.contexts import with_article
from outreach.errors import EnclosureRuleError
from outreach.models import Contact, Profile


def contact(**fields: object) -> Contact:
    base: dict[str, object] = {"name": "Jim Park", "relationship": "referral",
                               "referred_by": "maria-lopez"}
    return Contact.model_validate({**base, **fields})


@pytest.mark.parametrize("title,kind", [
    ("President and Chief Executive Officer", "executive"),
    ("VP, Operations", "executive"),
    ("Director of Planning", "manager"),
    ("Talent Acquisition Partner", "executive"),  # 'partner' outranks: a firm's partner
    ("Senior Recruiter", "recruiter"),
    ("Senior Transportation Planner", "peer"),
    (None, "peer"),
])
def test_contact_kind_from_title(title: str | None, kind: str) -> None:
    assert rules.contact_kind(contact(title=title)) == kind


def test_explicit_kind_wins() -> None:
    assert rules.contact_kind(contact(title="Planner", kind="executive")) == "executive"


def test_salutation_friend_by_first_name_others_formal() -> None:
    assert rules.salutation(contact(relationship="friend", name="Maria Lopez")) == "Dear Maria,"
    assert rules.salutation(contact(salutation="Mr. Park")) == "Dear Mr. Park:"
    # no salutation given: the full name, never a guessed title
    assert rules.salutation(contact()) == "Dear Jim Park:"
    assert rules.salutation(contact(name="王芳", relationship="friend")) == "Dear 王芳,"


def test_close_follows_register() -> None:
    assert rules.complimentary_close(contact(relationship="friend")) == "Best wishes,"
    assert rules.complimentary_close(contact(title="Chief Financial Officer")) == \
        "Respectfully yours,"
    assert rules.complimentary_close(contact(title="Planner")) == "Sincerely,"


def test_minutes_default_twenty_never_over_thirty() -> None:
    base = {"name": "D", "status": "s", "summary": "s", "target": {"field": "f"}}
    assert rules.meeting_minutes(Profile.model_validate(base)) == 20
    assert rules.meeting_minutes(Profile.model_validate({**base, "meeting_minutes": 30})) == 30
    with pytest.raises(ValueError):
        Profile.model_validate({**base, "meeting_minutes": 31})


def test_letter_date_by_paper() -> None:
    day = dt.date(2026, 11, 21)
    assert rules.letter_date(day, "letter") == "November 21, 2026"
    assert rules.letter_date(day, "a4") == "21 November 2026"


@pytest.mark.parametrize("phrase,expected", [
    ("recent graduate", "a recent graduate"),
    ("member of the APA", "a member of the APA"),
    ("urban planner", "an urban planner"),
    ("MPP student", "an MPP student"),
    ("the treasurer of the student chapter", "the treasurer of the student chapter"),
])
def test_status_article(phrase: str, expected: str) -> None:
    assert with_article(phrase) == expected


def test_resume_is_recognised_by_identity_bytes_or_name(tmp_path: Path) -> None:
    resume = tmp_path / "dana.pdf"
    resume.write_bytes(b"%PDF-1.7 resume")
    copy = tmp_path / "copy.pdf"
    copy.write_bytes(resume.read_bytes())
    article = tmp_path / "article.pdf"
    article.write_bytes(b"%PDF-1.7 article")
    assert rules.is_resume(resume, resume)
    assert rules.is_resume(copy, resume)
    assert rules.is_resume(tmp_path / "Résumé 2026.pdf", resume)
    assert rules.is_resume(tmp_path / "dana_CV.pdf", None)
    assert not rules.is_resume(article, resume)


def test_approach_letter_never_encloses_resume(tmp_path: Path) -> None:
    resume = tmp_path / "dana.pdf"
    resume.write_bytes(b"%PDF-1.7")
    with pytest.raises(EnclosureRuleError, match="reads as a job application"):
        rules.check_enclosures(False, [resume], resume)
    rules.check_enclosures(True, [resume], resume)  # allowed there


@pytest.mark.parametrize("text", [
    "I have enclosed my resume for your review.",
    "My résumé is attached.",
    "Enclosed is a copy of my résumé.",
    "Please find my CV, which lists my projects.",
    "I am attaching my current résumé.",
])
def test_a_claim_that_the_resume_comes_along_is_found(text: str) -> None:
    assert rules.resume_claim(text)


@pytest.mark.parametrize("text", [
    "I would value your advice on my résumé when we meet.",
    "Your talk on why employers ignore an attached CV stayed with me.",
    "I will bring my résumé to our meeting.",
])
def test_talking_about_the_resume_is_not_a_claim(text: str) -> None:
    assert rules.resume_claim(text) is None


def test_an_enclosure_line_naming_the_resume() -> None:
    assert rules.lists_resume("Enclosures: Résumé, article.pdf")
    assert rules.lists_resume("Enclosure: dana-cv.pdf")
    assert not rules.lists_resume("Enclosure: article.pdf")
