"""The public YAML format as pydantic models.

Field names here are the public format: extend, never rename. Every model forbids
unknown keys so that a typo (``titel``) is reported instead of silently ignored.

Text is checked as a letter will show it: every text holds something visible (not only
spaces or a zero-width space); the fields a document prints on one line (a name, a
salutation, a title, an e-mail address ...) hold no line break; a name holds a letter;
a date is written YYYY-MM-DD and nothing else. (Control characters and bidirectional
controls are refused for every text when the file is read: see ``loading``.)
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
)

#: Characters that end a line (for YAML, Python or a word processor).
LINE_BREAKS = "\n\r\x0b\x0c\x85\u2028\u2029"


def _visible(value: str) -> str:
    if not any(unicodedata.category(c)[0] not in "ZC" for c in value):
        raise ValueError("has nothing visible in it (only spaces or invisible characters "
                         "such as a zero-width space): write the text, or remove the line")
    return value


def _one_line(value: str) -> str:
    if any(c in LINE_BREAKS for c in value):
        raise ValueError("must be one line, as the documents print it: write it without "
                         "line breaks")
    return value


def _has_letter(value: str) -> str:
    if not any(unicodedata.category(c).startswith("L") for c in value):
        raise ValueError(f"{value!r} is not a name: a name holds at least one letter")
    return value


#: Text of any length, over lines if need be (an address, notes, the summary).
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1),
                 AfterValidator(_visible)]
#: Text a document prints on one line.
Line = Annotated[Text, AfterValidator(_one_line)]
#: A person's name.
Name = Annotated[Line, AfterValidator(_has_letter)]

_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")

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

    field: Line
    roles: list[Line] = Field(default_factory=list)


class Profile(_Model):
    """The seeker: ``profiles/candidate.yaml``."""

    name: Name
    email: Line | None = None
    phone: Line | None = None
    address: Text | None = None
    status: Line
    summary: Text
    goals: list[str] = Field(default_factory=list)
    target: Target
    strengths: list[Line] = Field(default_factory=list)
    accomplishments: list[Text] = Field(default_factory=list)
    resume: Line | None = None
    meeting_minutes: int = Field(
        default=DEFAULT_MEETING_MINUTES, ge=10, le=MAX_MEETING_MINUTES
    )
    availability: list[Line] = Field(default_factory=list)
    paper: Paper = "letter"

    _goals = field_validator("goals")(_check_goals)


class Referral(_Model):
    """Someone a contact suggested the seeker talk to."""

    name: Name
    organization: Line | None = None
    title: Line | None = None


class HistoryEntry(_Model):
    """One thing that happened with a contact; ``history`` is oldest first."""

    date: dt.date
    event: Event
    mode: Mode | None = None
    points: list[Text] = Field(default_factory=list)
    referrals: list[Referral] = Field(default_factory=list)
    resume: ResumeOutcome | None = None

    @field_validator("date", mode="before")
    @classmethod
    def _iso_date(cls, value: object) -> object:
        """YYYY-MM-DD only: ``0`` or ``20261118`` is no date, whatever a parser makes of it."""
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            return value
        if isinstance(value, str) and _ISO_DATE.fullmatch(value.strip()):
            return value.strip()
        shown = repr(value) if len(repr(value)) <= 40 else repr(value)[:37] + "..."
        raise ValueError(f"must be a date written YYYY-MM-DD, not {shown}")


class Contact(_Model):
    """A person the seeker approaches: ``profiles/contacts/<id>.yaml``."""

    name: Name
    salutation: Line | None = None
    title: Line | None = None
    organization: Line | None = None
    address: Text | None = None
    email: Line | None = None
    phone: Line | None = None
    relationship: Relationship
    referred_by: Line | None = None
    how_we_met: Line | None = None
    local: bool = True
    notes: Text | None = None
    #: Extension: the contact's level, used to weigh questions and set the register.
    #: Inferred from ``title`` when absent.
    kind: ContactKind | None = None
    #: Extension: goals for this contact only, replacing the profile's.
    goals: list[str] | None = None
    history: list[HistoryEntry] = Field(default_factory=list)

    _goals = field_validator("goals")(_check_goals)

    @field_validator("history", mode="before")
    @classmethod
    def _no_history_yet(cls, value: object) -> object:
        """``history:`` with nothing after it means no history yet."""
        return [] if value is None else value
