"""The rules alone, over models: no rendering, no files written."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from outreach.campaign import rules
from outreach.compose import enclosures
from outreach.compose.contexts import with_article
from outreach.errors import EnclosureRuleError
from outreach.workspace.models import Contact, Profile


def contact(**fields: object) -> Contact:
    base: dict[str, object] = {"name": "Jim Park", "relationship": "referral",
                               "referred_by": "maria-lopez"}
    return Contact.model_validate({**base, **fields})


#: Real titles across fields, and the level each should get. The exceptions matter most:
#: a "Principal ... Analyst" is a senior analyst, a "Chief of Staff" runs an office, an
#: HR business partner or a talent partner works in hiring, not in the firm's partnership.
TITLES = [
    ("President and Chief Executive Officer", "executive"),
    ("Chief Operating Officer", "executive"),
    ("CFO", "executive"),
    ("Chief Nursing Officer", "executive"),
    ("Vice President, Operations", "executive"),
    ("VP, Operations", "executive"),
    ("Senior Vice President of Supply Chain", "executive"),
    ("Managing Partner", "executive"),
    ("Partner", "executive"),
    ("Founder and CEO", "executive"),
    ("Owner", "executive"),
    ("Executive Director", "executive"),
    ("Managing Director, Logistics", "executive"),
    ("Dean of Students", "executive"),
    ("Provost", "executive"),
    ("Mayor", "executive"),
    ("Principal", "executive"),  # of a school
    ("Fire Chief", "executive"),
    ("Secretary of Transportation", "executive"),
    ("Chairman of the Board", "executive"),
    ("Chief of Staff", "manager"),
    ("Associate Dean of Admissions", "manager"),
    ("Deputy Director", "manager"),
    ("Assistant Vice President, Finance", "manager"),
    ("Director of Planning", "manager"),
    ("Director of Distribution", "manager"),
    ("Nurse Manager", "manager"),
    ("Port Operations Manager", "manager"),
    ("Warehouse Supervisor", "manager"),
    ("Head of Procurement", "manager"),
    ("Team Lead, Fulfillment", "manager"),
    ("Department Chair, Industrial Engineering", "manager"),
    ("Battalion Commander", "manager"),
    ("Plant Superintendent", "manager"),
    ("General Manager", "manager"),
    ("Strategic Sourcing Manager", "manager"),  # sourcing is buying, not recruiting
    ("Senior Recruiter", "recruiter"),
    ("Talent Acquisition Partner", "recruiter"),
    ("Human Resources Business Partner", "recruiter"),
    ("HR Generalist", "recruiter"),
    ("Technical Recruiter", "recruiter"),
    ("Director of Talent Acquisition", "recruiter"),
    ("Staffing Coordinator", "recruiter"),
    ("People Partner", "recruiter"),
    ("Principal Supply Chain Analyst", "peer"),
    ("Principal Engineer", "peer"),
    ("Staff Engineer", "peer"),
    ("Senior Software Engineer", "peer"),
    ("Logistics Specialist", "peer"),
    ("Senior Transportation Planner", "peer"),
    ("Registered Nurse", "peer"),
    ("Supply Chain Analyst", "peer"),
    ("Demand Planner", "peer"),
    ("Buyer", "peer"),
    ("Associate Attorney", "peer"),
    ("Administrative Secretary", "peer"),
    ("Lead Logistics Planner", "peer"),
    ("Co-op Coordinator", "peer"),
    ("Senior Consultant", "peer"),
    ("Business Partner Liaison", "peer"),
    (None, "peer"),
]


def test_the_title_table_is_large_and_varied() -> None:
    assert len(TITLES) >= 40
    assert {kind for _, kind in TITLES} == {"executive", "manager", "recruiter", "peer"}


@pytest.mark.parametrize("title,kind", TITLES)
def test_contact_kind_from_title(title: str | None, kind: str) -> None:
    assert rules.contact_kind(contact(title=title)) == kind


def test_an_executive_reads_respectfully_and_a_principal_analyst_sincerely() -> None:
    assert rules.complimentary_close(contact(title="Vice President, Operations")) == \
        "Respectfully yours,"
    assert rules.complimentary_close(contact(title="Principal Supply Chain Analyst")) == \
        "Sincerely,"
    assert rules.complimentary_close(contact(title="Human Resources Business Partner")) == \
        "Sincerely,"


def test_explain_says_why_the_level() -> None:
    assert rules.kind_reason(contact(title="Principal Supply Chain Analyst")).startswith(
        "level peer, read from the title")
    assert rules.kind_reason(contact(title="Planner", kind="manager")) == \
        "level manager: as the contact file says (kind: manager)"


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
    assert enclosures.is_resume(resume, resume)
    assert enclosures.is_resume(copy, resume)
    assert enclosures.is_resume(tmp_path / "Résumé 2026.pdf", resume)
    assert enclosures.is_resume(tmp_path / "dana_CV.pdf", None)
    assert not enclosures.is_resume(article, resume)


def test_approach_letter_never_encloses_resume(tmp_path: Path) -> None:
    resume = tmp_path / "dana.pdf"
    resume.write_bytes(b"%PDF-1.7")
    with pytest.raises(EnclosureRuleError, match="reads as a job application"):
        enclosures.check_enclosures(False, [resume], resume)
    enclosures.check_enclosures(True, [resume], resume)  # allowed there


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
