"""The public YAML format as pydantic models (README.md describes it for users).

Field names here are the public format: extend, never rename. Every model forbids
unknown keys so that a typo (``titel``) is reported instead of silently ignored.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]

Relationship = Literal["friend", "acquaintance", "alumni", "referral", "cold"]
ContactKind = Literal["peer", "manager", "executive", "recruiter"]
Event = Literal["letter-sent", "call", "meeting", "declined", "thank-you-sent"]
Mode = Literal["in-person", "phone"]
ResumeOutcome = Literal["reviewed", "kept", "not-discussed", "asked"]
Paper = Literal["letter", "a4"]

#: The fixed vocabulary of goals a seeker (or one contact) may name; the question bank
#: tags every question with some of them. Documented in README.md.
GOALS: dict[str, str] = {
    "explore-fit": "decide whether the field or role suits me",
    "day-to-day": "what the work is like day to day",
    "preparation": "education, courses and experience that prepare you",
    "break-in": "how people get their first job in the field",
    "skills": "skills and qualities employers look for",
    "advancement": "where the path leads and how people advance",
    "culture": "the workplace, its people and its pressures",
    "organization": "the organisation's strategy, funding and outlook",
    "industry-outlook": "the field's growth and trends, the economy and legislation",
    "career-path": "the contact's own path into and through the field",
    "related-occupations": "neighbouring occupations and settings",
    "job-listings": "where openings are found and how they are filled",
    "referrals": "other people worth talking to",
    "resume-feedback": "advice on the résumé",
}

MAX_MEETING_MINUTES = 30
DEFAULT_MEETING_MINUTES = 20


def _check_goals(goals: list[str] | None) -> list[str] | None:
    if goals is None:
        return None
    unknown = [g for g in goals if g not in GOALS]
    if unknown:
        raise ValueError(
            f"unknown goal {', '.join(repr(g) for g in unknown)}; "
            f"valid goals are: {', '.join(GOALS)}"
        )
    return goals


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Target(_Model):
    """The field and roles the seeker is exploring."""

    field: Text
    roles: list[Text] = Field(default_factory=list)


class Profile(_Model):
    """The seeker: ``profiles/candidate.yaml``."""

    name: Text
    email: Text | None = None
    phone: Text | None = None
    address: Text | None = None
    status: Text
    summary: Text
    goals: list[str] = Field(default_factory=list)
    target: Target
    strengths: list[Text] = Field(default_factory=list)
    accomplishments: list[Text] = Field(default_factory=list)
    resume: Text | None = None
    meeting_minutes: int = Field(
        default=DEFAULT_MEETING_MINUTES, ge=10, le=MAX_MEETING_MINUTES
    )
    availability: list[Text] = Field(default_factory=list)
    paper: Paper = "letter"

    _goals = field_validator("goals")(_check_goals)


class Referral(_Model):
    """Someone a contact suggested the seeker talk to."""

    name: Text
    organization: Text | None = None
    title: Text | None = None


class HistoryEntry(_Model):
    """One thing that happened with a contact; ``history`` is oldest first."""

    date: dt.date
    event: Event
    mode: Mode | None = None
    points: list[Text] = Field(default_factory=list)
    referrals: list[Referral] = Field(default_factory=list)
    resume: ResumeOutcome | None = None


class Contact(_Model):
    """A person the seeker approaches: ``profiles/contacts/<id>.yaml``."""

    name: Text
    salutation: Text | None = None
    title: Text | None = None
    organization: Text | None = None
    address: Text | None = None
    email: Text | None = None
    phone: Text | None = None
    relationship: Relationship
    referred_by: Text | None = None
    how_we_met: Text | None = None
    local: bool = True
    notes: Text | None = None
    #: Extension: the contact's level, used to weigh questions and set the register.
    #: Inferred from ``title`` when absent.
    kind: ContactKind | None = None
    #: Extension: goals for this contact only, replacing the profile's.
    goals: list[str] | None = None
    #: Extension: the seeker's own questions for this contact (from research: their
    #: article, their organization's news); the question sheet asks them first.
    questions: list[Text] | None = None
    history: list[HistoryEntry] = Field(default_factory=list)

    _goals = field_validator("goals")(_check_goals)

    @field_validator("history", mode="before")
    @classmethod
    def _no_history_yet(cls, value: object) -> object:
        """``history:`` with nothing after it means no history yet."""
        return [] if value is None else value
