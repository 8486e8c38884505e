"""The public YAML format as pydantic models (README.md describes it for users).

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
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

from outreach.document.model import Paper as Paper  # the one definition, re-exported

from .scalars import typed

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
#: The relationships whose approach letter opens with how_we_met (optional otherwise).
NEEDS_HOW_WE_MET = frozenset({"acquaintance", "alumni", "cold"})
#: The most characters of a line a document prints (a sentence of how_we_met, a title):
#: far more than a page holds, so a paste gone wrong is named by its field.
LINE_MAX = 1000
#: Text a document prints on one line.
Line = Annotated[Text, Field(max_length=LINE_MAX), AfterValidator(_one_line)]
#: A person's name.
Name = Annotated[Line, AfterValidator(_has_letter)]

_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_LANG = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$")


def _check_lang(value: str) -> str:
    if not _LANG.match(value):
        raise ValueError(f"{value!r} is not a language tag; write one such as en, en-GB, "
                         "fr-CA, ja or zh-Hant")
    return value


#: A language tag (BCP 47): ``en``, ``fr-CA``, ``ja``, ``zh-Hant``.
Lang = Annotated[str, StringConstraints(strip_whitespace=True), AfterValidator(_check_lang)]

Relationship = Literal["friend", "acquaintance", "alumni", "referral", "cold"]
ContactKind = Literal["peer", "manager", "executive", "recruiter"]
Event = Literal["letter-sent", "follow-up", "call", "meeting", "declined", "thank-you-sent",
                "keep-in-touch-sent"]
#: How something happened: a conversation in person or by phone; a letter by e-mail.
Mode = Literal["in-person", "phone", "e-mail"]
#: The events that send something: the only ones that may happen by e-mail (with a
#: follow-up, which may be a reminder e-mail as well as a call that reached nobody).
SENT_EVENTS = frozenset({"letter-sent", "thank-you-sent", "keep-in-touch-sent"})
#: The conversations: a meeting or call may be booked ahead (a later date, a time).
BOOKABLE = frozenset({"meeting", "call"})
_HH_MM = re.compile(r"([01][0-9]|2[0-3]):[0-5][0-9]")
ResumeOutcome = Literal["reviewed", "kept", "not-discussed", "asked"]

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

    @model_validator(mode="before")
    @classmethod
    def _as_typed(cls, data: Any) -> Any:
        """Plain YAML values arrive as text: ``~``/``null`` mean "not given" and whole
        numbers are numbers where the field is not text (outreach/workspace/scalars.py)."""
        return typed(cls, data)


def _goal_items(schema: dict[str, Any]) -> None:
    """In the JSON Schema, a goal is one of the fixed words (an editor offers them)."""
    schema["items"] = {"enum": list(GOALS)}


def _empty_history(schema: dict[str, Any]) -> None:
    """In the JSON Schema, ``history:`` with nothing after it is allowed: no history yet."""
    schema["anyOf"] = [{"type": "array", "items": schema.pop("items")}, {"type": "null"}]
    schema.pop("type", None)


class Target(_Model):
    """The field and roles the seeker is exploring."""

    field: Line = Field(description="The field or industry you are exploring.",
                        examples=["urban planning"])
    roles: list[Line] = Field(default_factory=list,
                              description="The roles in that field you are considering.",
                              examples=[["policy analyst", "planner"]])


class Profile(_Model):
    """The seeker: ``profiles/candidate.yaml``."""

    name: Name = Field(description="Your full name, as you sign your letters.",
                       examples=["Dana Kehr"])
    email: Line | None = Field(default=None, description="Your e-mail address, printed under "
                               "your name.", examples=["dana.kehr@example.org"])
    phone: Line | None = Field(default=None, description="Your telephone number; quote it.",
                               examples=["+1 217 555 0100"])
    address: Text | None = Field(default=None, description="Your postal address, one line "
                                 "per line of the envelope (write `address: |`).",
                                 examples=["12 Elm Street\nSpringfield, IL 62701"])
    status: Line = Field(description='Who you are now, completing "I am a ...".',
                         examples=["recent graduate in public policy"])
    summary: Text = Field(description="Your 15-second summary, in the first person: what "
                          "you have done and what you are exploring.",
                          examples=["This spring I finished my master's in public policy, "
                                    "where I analyzed housing data."])
    pitch: Text | None = Field(default=None, description="Your summary as letters and "
                               "phone calls say it, about 50 words (15 seconds spoken); "
                               "without it they say the summary's first sentences, up to "
                               "about 50 words.",
                               examples=["Nine years a cardiac ICU nurse, I coordinated "
                                         "enrolment for three anticoagulant trials."])
    goals: list[str] = Field(default_factory=list, description="What you want to learn from "
                             "these conversations; the questions are chosen for them.",
                             examples=[["explore-fit", "break-in"]],
                             json_schema_extra=_goal_items)
    target: Target = Field(description="The field and roles you are exploring.",
                           examples=[{"field": "urban planning", "roles": ["planner"]}])
    strengths: list[Line] = Field(default_factory=list, description="Strengths you bring, "
                                  "a few words each.", examples=[["housing data analysis"]])
    accomplishments: list[Text] = Field(default_factory=list, description="What you have "
                                        "done that shows them, a sentence each.",
                                        examples=[["Led a 40-person survey of tenants"]])
    resume: Line | None = Field(default=None, description="Your résumé, a PDF or DOCX file, "
                                "relative to this file. Never sent with a first letter.",
                                examples=["resume.pdf"])
    meeting_minutes: int = Field(
        default=DEFAULT_MEETING_MINUTES, ge=10, le=MAX_MEETING_MINUTES,
        description="How many minutes your letters ask for (10 to 30).", examples=[20])
    availability: list[Line] = Field(default_factory=list, description="When you can meet; "
                                     "the phone script offers two of these.",
                                     examples=[["Tuesday morning", "Wednesday afternoon"]])
    paper: Paper = Field(default="letter", description='The paper size and date style: letter '
                         '(US, "November 21, 2026") or a4 ("21 November 2026").',
                         examples=["letter"])
    weekly_conversations: int | None = Field(
        default=None, ge=1, le=20, description="Your target of informational interviews a "
        "week: outreach report says the search is bogging down below it.", examples=[2])
    lang: Lang = Field(default="en", description="The language your documents are written "
                       "in, a tag such as en, en-GB or fr-CA; PDFs are tagged with it for "
                       "screen readers.", examples=["en"])

    _goals = field_validator("goals")(_check_goals)


class Referral(_Model):
    """Someone a contact suggested the seeker talk to."""

    name: Name = Field(description="Their full name.", examples=["Ana Ruiz"])
    organization: Line | None = Field(default=None, description="Where they work.",
                                      examples=["County GIS"])
    title: Line | None = Field(default=None, description="Their job title.",
                               examples=["GIS Manager"])


class HistoryEntry(_Model):
    """One thing that happened with a contact; ``history`` is oldest first."""

    date: dt.date = Field(description="When it happened, YYYY-MM-DD.",
                          examples=["2026-11-16"])
    event: Event = Field(description="What happened.", examples=["meeting"])
    mode: Mode | None = Field(default=None, description="How a meeting or call took place "
                              "(or e-mail: how a letter was sent).", examples=["in-person"])
    time: str | None = Field(default=None, description="The time a meeting or call is "
                             "booked for, HH:MM on a 24-hour clock (quote it).",
                             examples=["14:30"], pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$")
    minutes: int | None = Field(default=None, ge=5, le=120, description="How long the "
                                "meeting or call is agreed to last, in minutes.",
                                examples=[20])
    points: list[Text] = Field(default_factory=list, description="What helped, to thank them "
                               "for.", examples=[["The data team hires from internships"]])
    referrals: list[Referral] = Field(default_factory=list, description="People they "
                                      "suggested you talk to.",
                                      examples=[[{"name": "Ana Ruiz",
                                                  "organization": "County GIS"}]])
    resume: ResumeOutcome | None = Field(default=None, description="What happened to your "
                                         "résumé at the meeting.", examples=["reviewed"])

    @field_validator("date", mode="before")
    @classmethod
    def _iso_date(cls, value: object) -> object:
        """YYYY-MM-DD only: ``0`` or ``20261118`` is no date, whatever a parser makes of it."""
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            return value
        if isinstance(value, str) and _ISO_DATE.fullmatch(value.strip()):
            return value.strip()
        shown = value if isinstance(value, str) else repr(value)  # as it was typed
        shown = shown if len(shown) <= 40 else shown[:37] + "..."
        raise ValueError(f"must be a date written YYYY-MM-DD, not {shown}")
    message_id: Line | None = Field(default=None, description="The Message-ID of the e-mail "
                                    "sent (written by outreach send, so it is never sent "
                                    "twice).", examples=["<0a1b2c.thank-you@example.org>"])

    @field_validator("time", mode="before")
    @classmethod
    def _hh_mm(cls, value: object) -> object:
        """``14:30`` (quoted or not: YAML 1.1 reads an unquoted 14:30 as 870 minutes)."""
        if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 24 * 60:
            return f"{value // 60:02d}:{value % 60:02d}"
        if isinstance(value, str) and _HH_MM.fullmatch(value.strip()):
            return value.strip()
        if value is None:
            return None
        raise ValueError(f"must be a time written HH:MM on a 24-hour clock, such as "
                         f"14:30, not {value}")

    @model_validator(mode="after")
    def _email_sends_only(self) -> HistoryEntry:
        if self.mode == "e-mail" and self.event not in SENT_EVENTS | {"follow-up", "declined"}:
            raise ValueError(f"mode: e-mail is for what was sent "
                             f"({', '.join(sorted(SENT_EVENTS))}), a follow-up or a decline; "
                             f"a {self.event} happens in person or by phone")
        if (self.time is not None or self.minutes is not None) \
                and self.event not in BOOKABLE:
            raise ValueError(f"time and minutes are for a meeting or call; a {self.event} "
                             "has neither")
        return self

    @property
    def outcome(self) -> bool:
        """Does the entry say how the conversation went (points, referrals, the résumé)?"""
        return bool(self.points or self.referrals or self.resume)

    @property
    def moment(self) -> tuple[dt.date, dt.time | None]:
        """When it happens: the day, and the time when one is given."""
        return self.date, dt.time.fromisoformat(self.time) if self.time else None


class Contact(_Model):
    """A person the seeker approaches: ``profiles/contacts/<id>.yaml``."""

    name: Name = Field(description="Their full name.", examples=["Jim Park"])
    salutation: Line | None = Field(default=None, description="How the letter greets them; "
                                    "without it, the first name for friends, else the full "
                                    "name.", examples=["Mr. Park"])
    given_name: Line | None = Field(default=None, description="The given name(s) a friend "
                                    "is greeted by, when the name does not say it plainly.",
                                    examples=["Siyuan"])
    family_name: Line | None = Field(default=None, description="The family name used after "
                                     "an honorific, for a name written family name first "
                                     "or with two (outreach reads the rest from name).",
                                     examples=["Chen"])
    honorific: Line | None = Field(default=None, description="Ms., Mr., Dr., Col. ...: with "
                                   "it, \"Dear Ms. Chen:\"; never guessed.",
                                   examples=["Ms."])
    title: Line | None = Field(default=None, description="Their job title.",
                               examples=["Director of Planning"])
    organization: Line | None = Field(default=None, description="Where they work.",
                                      examples=["City of Springfield"])
    address: Text | None = Field(default=None, description="Their postal address, for the "
                                 "letter's inside address (write `address: |`).",
                                 examples=["800 E Monroe St\nSpringfield, IL 62701"])
    email: Line | None = Field(default=None, description="Their e-mail address.",
                               examples=["jpark@example.gov"])
    phone: Line | None = Field(default=None, description="Their telephone number; quote it.",
                               examples=["+1 217 555 0142"])
    relationship: Relationship = Field(description="How you know them; it sets the letter's "
                                       "tone and opening.", examples=["acquaintance"])
    referred_by: Line | None = Field(default=None, description="Who suggested them: another "
                                     "contact's id or a full name (needed for a referral).",
                                     examples=["maria-lopez"])
    how_we_met: Line | None = Field(default=None, description="How you came to write, a "
                                    "sentence in your own voice; the letter opens with it "
                                    "(needed for acquaintance, alumni and cold).",
                                    examples=["I read your article on zoning reform"])
    local: bool = Field(default=True, description="false: they are far away, and the letter "
                        "offers a telephone conversation instead of a visit.",
                        examples=[True])
    notes: Text | None = Field(default=None, description="Your research notes, printed on the "
                               "question sheet.", examples=["Led the 2025 housing plan."])
    #: Extension: the contact's level, used to weigh questions and set the register.
    #: Inferred from ``title`` when absent.
    kind: ContactKind | None = Field(default=None, description="Their level, to choose "
                                     "questions and the register; read from the title when "
                                     "absent.", examples=["manager"])
    #: Extension: goals for this contact only, replacing the profile's.
    goals: list[str] | None = Field(default=None, description="Goals for this contact only, "
                                    "instead of the profile's.", examples=[["skills"]],
                                    json_schema_extra=_goal_items)
    #: Extension: the seeker's own questions for this contact (from research: their
    #: article, their organization's news); the question sheet asks them first.
    questions: list[Text] | None = Field(default=None, description="Your own questions for "
                                         "this contact, from your research; the question "
                                         "sheet asks them first.",
                                         examples=[["How did the 2025 housing plan change "
                                                    "your department's hiring?"]])
    history: list[HistoryEntry] = Field(default_factory=list, description="What has "
                                        "happened, oldest first (outreach log adds to it).",
                                        examples=[[{"date": "2026-11-16",
                                                    "event": "letter-sent"}]],
                                        json_schema_extra=_empty_history)
    lang: Lang | None = Field(default=None, description="The language of their name, when it "
                              "is not your documents' (ja: a Japanese name is drawn with "
                              "Japanese glyph forms).", examples=["ja"])

    _goals = field_validator("goals")(_check_goals)

    @field_validator("history", mode="before")
    @classmethod
    def _no_history_yet(cls, value: object) -> object:
        """``history:`` with nothing after it means no history yet."""
        return [] if value is None else value
