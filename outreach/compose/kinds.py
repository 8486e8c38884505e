"""The registry of document kinds: everything that makes a kind, in one entry.

A kind is data: its template, the builder of its template's context and the names that
context holds, its title, how many pages it may take, the enclosures its rules add,
whether it may ever carry the résumé, and what it needs from the contact's file or the
profile. Commands, ``--explain``, due items and the no-résumé rule read the registry;
nothing else in the program names a kind's properties. A new kind is one ``Kind``
passed to ``register``, one template, and its tests.

What a document needs is checked when the document is planned (``Need.check``), never
when a contact is loaded: a contact that validates can always be listed, be due, and get
every document that does not need what it lacks.
"""

from __future__ import annotations

import datetime as dt
import logging
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from outreach.campaign import names, rules
from outreach.document import text
from outreach.errors import Problem, UsageError, display_path
from outreach.workspace import addresses
from outreach.workspace.loading import line_of
from outreach.workspace.models import NEEDS_HOW_WE_MET, Event, Paper

from . import contexts, enclosures, notes, postal
from .documents import Enclosure, Request

if TYPE_CHECKING:
    from pathlib import Path

    from outreach.document.model import Block
    from outreach.workspace.folder import ContactFile, Workspace

    from .templating import Templates

ContextBuilder = Callable[["Workspace", "Request", "Templates"], dict[str, Any]]
RuleEnclosures = Callable[["Workspace", "Request"],
                          tuple[tuple["Enclosure", ...], tuple[str, ...]]]
Check = Callable[["Workspace", "ContactFile", dt.date], "Problem | None"]


@dataclass(frozen=True)
class Need:
    """Something a document needs, checked when the document is planned.

    ``check`` returns the problem (file, line, field, what to write) or ``None``."""

    field: str
    #: When and why the document needs it, as docs/templates.md says it.
    why: str
    check: Check


def _one_page(_context: Mapping[str, Any]) -> int:
    return 1


#: The parts of a letter an e-mail leaves out: the addresses and the date block, and
#: the enclosure line (what travels with it is attached, and the e-mail says so).
LETTER_HEAD = frozenset({"sender", "date", "inside-address", "enclosure"})


@dataclass(frozen=True)
class Email:
    """How a kind goes as an e-mail draft (``--format eml``)."""

    #: The subject line, from the same facts as the document.
    subject: Callable[[Workspace, Request], str]
    #: The event ``outreach send`` records in the contact's history (``mode: e-mail``).
    event: Event = "letter-sent"
    #: The parts of the document an e-mail leaves out (a letter's addresses and date).
    omits: frozenset[str] = LETTER_HEAD


@dataclass(frozen=True)
class Fill:
    """Parts that share the room the pages leave (a sheet's answer spaces): the layout
    stage gives each of them an equal share of what is left on its page, and breaks the
    pages where the shares come out most equal (``outreach/render/fill.py``)."""

    #: The roles of the top-level parts (``::: answer``) that fill the pages.
    roles: frozenset[str]
    #: How many pages to fill, from the context; more when the text itself needs more.
    pages: Callable[[Mapping[str, Any]], int] = _one_page


@dataclass(frozen=True)
class Choice:
    """How a batch of a kind that chooses its contacts by a rule of its own, not by
    stage, takes them (the thank-you owed since a day, the keep-in-touch letter)."""

    #: Whether the batch takes the contact: from its file, the day the batch looks back
    #: to (``--since``) and today. A contact still holding placeholders is never taken.
    takes: Callable[[ContactFile, dt.date | None, dt.date], bool]
    #: The warning when the batch takes nobody (``{since}``: the day it looks back to).
    nobody: str
    #: Said after the count of the contacts left out (``{since}``); None: not said.
    why: str | None = None
    #: The rule chooses only a batch with ``--since`` (without it: the kind's stages).
    with_since: bool = False
    #: Why a contact named may not get the document (told already), or None.
    refuse: Callable[[ContactFile], str | None] | None = None


@dataclass(frozen=True)
class Summary:
    """The table a batch ends with, one row per document (the pipeline adds the file)."""

    header: tuple[str, ...]
    row: Callable[[ContactFile, dt.date], tuple[str, ...]]
    #: A warning for one document, said once the batch is written, or None.
    warning: Callable[[ContactFile, dt.date], str | None] | None = None


@dataclass(frozen=True)
class LeftOut:
    """Contacts a batch leaves out, each with a warning, rather than refuse them all: those
    ``need`` finds wanting (an envelope without a postal address)."""

    need: Need
    #: The warning for one (``{name}``, ``{path}``).
    warning: str
    #: The error when it leaves out every contact, followed by their names and files.
    nobody: str
    #: What the batch's table says of one.
    shown: str


@dataclass(frozen=True)
class Kind:
    """One document kind. ``name`` is also the output file's stem
    (``output/<id>/<name>.pdf``) and the template's (``<name>.md.j2``)."""

    name: str
    #: The outreach command that writes it (for due items and messages).
    command: str
    #: One line: what the document is for.
    summary: str
    title: str
    context: ContextBuilder
    #: Every name the template receives, with what it holds.
    variables: Mapping[str, str]
    #: The most pages the document may take, from its context.
    pages: Callable[[Mapping[str, Any]], int] = _one_page
    #: When a document cannot be set on ``pages`` even tighter, the most it may run to
    #: (the phone script: one page when it can, two when it must). None: ``pages``.
    most_pages: int | None = None
    #: The enclosures the rules add (the thank-you's résumé), and why.
    enclosures: RuleEnclosures | None = None
    #: False: the résumé may never travel with it, whatever a template or option says.
    may_enclose_resume: bool = True
    needs: tuple[Need, ...] = ()
    #: What the document answers (kept in its metadata), e.g. which conversation.
    subject: Callable[[Request], str] | None = None
    #: Parts that fill the pages, and how many pages to fill (``None``: no filling).
    fill: Fill | None = None
    #: Every page carries the title and "Page N of M" (PDF margin boxes, DOCX footer).
    folio: bool = False
    #: How it goes as an e-mail draft; ``None``: it is never an e-mail.
    email: Email | None = None
    #: The formats it is written in (besides ``eml``, when it has an ``email``): pdf and
    #: docx for a document on pages, ``txt`` for a note to paste somewhere.
    formats: tuple[str, ...] = ("pdf", "docx")
    #: Chooses, among the versions the template wrote, the one that fits (a note's
    #: length), from the parsed blocks, the request and the context; or raises.
    fit: Callable[[tuple[Block, ...], Request, Mapping[str, Any]], tuple[Block, ...]] | None \
        = None
    #: CSS for the kind's own page, from the profile's paper (an envelope's size and where
    #: its addresses go), laid before document.css; ``None``: a page of the paper itself.
    page: Callable[[Paper], str] | None = None
    #: Written into one print file for a batch, ``output/batches/<date>-<batch>.pdf``,
    #: rather than one file per contact; ``None``: one file per contact.
    batch: str | None = None
    #: The campaign stages it belongs to (``outreach/campaign/stages.py``): a batch (``--all``)
    #: takes the contacts at these; a contact named elsewhere gets it with a warning.
    #: Empty: the kind chooses its contacts itself (the thank-you, keep-in-touch).
    stages: tuple[str, ...] = ()
    #: Whom it is written for, ending the warning: "an approach letter is written for
    #: someone you have not yet written to or spoken with".
    for_whom: str = ""
    #: A batch that chooses its contacts by a rule of its own (``None``: by ``stages``).
    choice: Choice | None = None
    #: A batch chosen by ``--since`` also writes one print file of every document,
    #: ``output/batches/<date>-<print_file>.pdf`` (``None``: none).
    print_file: str | None = None
    #: The table a batch ends with (``None``: none).
    table: Summary | None = None
    #: The contacts a batch leaves out with a warning (``None``: a missing need refuses).
    left_out: LeftOut | None = None

    @property
    def sent(self) -> Event | None:
        """The event that records it sent, by ``outreach send`` or ``--mark-sent``."""
        return self.email.event if self.email else None

    @property
    def template(self) -> str:
        return f"{self.name}.md.j2"

    @property
    def words(self) -> str:
        """The kind as a sentence says it: ``approach letter``."""
        return self.name.replace("-", " ")


_REGISTRY: dict[str, Kind] = {}


def register(kind: Kind, *, replace: bool = False) -> Kind:
    """Add a kind to the registry (``replace`` to change an existing one)."""
    if kind.name in _REGISTRY and not replace:
        raise ValueError(f"a document kind {kind.name!r} is registered already")
    _REGISTRY[kind.name] = kind
    return kind


def unregister(name: str) -> None:
    _REGISTRY.pop(name, None)


def get(name: str) -> Kind:
    try:
        return _REGISTRY[name]
    except KeyError:
        raise UsageError(f"no document kind {name!r}; the kinds are: "
                         f"{', '.join(_REGISTRY)}") from None


def all_kinds() -> list[Kind]:
    return list(_REGISTRY.values())


# -- what documents need ------------------------------------------------------------

#: How a sentence names a contact by relationship.
RELATIONSHIP_WORDS = {"friend": "a friend", "acquaintance": "an acquaintance",
                      "alumni": "a fellow alumnus or alumna", "referral": "a referral",
                      "cold": "a cold contact"}


def _how_we_met(_ws: Workspace, contact: ContactFile, _today: dt.date) -> Problem | None:
    data = contact.data
    if data.relationship not in NEEDS_HOW_WE_MET or data.how_we_met:
        return None
    return Problem(contact.path, line_of(contact.lines, ("relationship",)), "how_we_met",
                   f"is needed: the approach letter to {RELATIONSHIP_WORDS[data.relationship]} "
                   "opens by saying how you learned of them; add a sentence of your own (for "
                   "example: I read your article on zoning reform in Planning magazine)")


def _referrer(_ws: Workspace, contact: ContactFile, _today: dt.date) -> Problem | None:
    data = contact.data
    if data.relationship != "referral" or data.referred_by or data.how_we_met:
        return None
    return Problem(contact.path, line_of(contact.lines, ("relationship",)), "referred_by",
                   "is needed: the approach letter to a referral says who suggested the "
                   "contact; add the id of that contact, or their name")


def _profile_phone(ws: Workspace, _contact: ContactFile, _today: dt.date) -> Problem | None:
    profile = ws.profile()
    if profile.data.phone:
        return None
    return Problem(profile.path, 1, "phone", "the phone script gives your number to an "
                   "assistant and on voicemail: add phone: \"+1 ...\" to the profile")


def _a_conversation(_ws: Workspace, contact: ContactFile, today: dt.date) -> Problem | None:
    if rules.last_conversation(contact.data, today) is not None:
        return None
    field = "history" if ("history",) in contact.lines else None
    return Problem(contact.path, line_of(contact.lines, ("history",)), field,
                   f"no conversation with {contact.data.name} is logged, so there is nothing "
                   f"to thank for: log it first, e.g. outreach log {contact.id} --event "
                   "meeting --point \"...\"")


def _resume_file(ws: Workspace, contact: ContactFile, today: dt.date) -> Problem | None:
    entry = rules.last_conversation(contact.data, today)
    profile = ws.profile()
    if entry is None or profile.resume_path is not None:
        return None
    decision = rules.thank_you_resume(contact.data, entry)
    if not decision.enclose:
        return None
    return Problem(profile.path, 1, "resume",
                   f"the thank-you letter to {contact.data.name} encloses the résumé "
                   f"({decision.rule.split(':')[0]}), but the profile names no résumé file: "
                   "add resume: <file.pdf or .docx>")


def _contact_email(_ws: Workspace, contact: ContactFile, _today: dt.date) -> Problem | None:
    email = contact.data.email
    reason = addresses.problem(email) if email else None
    if email and reason is None:
        return None
    if email:
        return Problem(contact.path, line_of(contact.lines, ("email",)), "email",
                       reason or "is not an e-mail address (name@example.org)")
    return Problem(contact.path, line_of(contact.lines, ("name",)), "email",
                   f"is needed: --format eml writes an e-mail to {contact.data.name}; add "
                   "their address (email: name@example.org), or write a letter instead")


def _profile_email(ws: Workspace, _contact: ContactFile, _today: dt.date) -> Problem | None:
    profile = ws.profile()
    email = profile.data.email
    reason = addresses.problem(email) if email else None
    if email and reason is None:
        return None
    return Problem(profile.path, line_of(profile.lines, ("email",)), "email",
                   (reason or "is not an e-mail address (you@example.org)") if email else
                   "is needed: an e-mail draft is from you; add email: you@example.org to "
                   "the profile")


def _contact_address(_ws: Workspace, contact: ContactFile, _today: dt.date) -> Problem | None:
    if contact.data.address and contact.data.address.strip():
        return None
    return Problem(contact.path, line_of(contact.lines, ("name",)), "address",
                   f"is needed: an envelope goes to {contact.data.name}'s postal address; add "
                   "it (address: |, then one line each)")


HOW_WE_MET = Need("how_we_met", "an approach letter to an acquaintance, an alumnus or "
                  "alumna or a cold contact opens by saying how you learned of them",
                  _how_we_met)
REFERRED_BY = Need("referred_by", "an approach letter to a referral names who suggested "
                   "the contact (or how_we_met says it)", _referrer)
PROFILE_PHONE = Need("phone (profile)", "the script gives your number to an assistant and "
                     "on voicemail", _profile_phone)
CONVERSATION = Need("history", "a thank-you answers the last meeting, call or decline "
                    "logged", _a_conversation)
RESUME_FILE = Need("resume (profile)", "the résumé file, when the rules enclose it",
                   _resume_file)
EMAIL_TO = Need("email", "an e-mail draft (--format eml) goes to the contact's address",
                _contact_email)
EMAIL_FROM = Need("email (profile)", "an e-mail draft (--format eml) is from the seeker's "
                  "address", _profile_email)
POSTAL_ADDRESS = Need("address", "an envelope or a label goes to the contact's postal "
                      "address (outreach envelopes leaves out, with a warning, contacts "
                      "without one)", _contact_address)
#: What every e-mail draft needs, whatever its kind.
EMAIL_NEEDS = (EMAIL_FROM, EMAIL_TO)


# -- what the rules enclose ------------------------------------------------------------

def _thank_you_enclosures(workspace: Workspace, request: Request
                          ) -> tuple[tuple[Enclosure, ...], tuple[str, ...]]:
    """The résumé, when the thank-you rules enclose it; and the rule, for --explain."""
    contact = request.contact
    decision = rules.thank_you_resume(contact.data,
                                      contexts.conversation(contact, request.today))
    why = (f"résumé: {decision.rule}",)
    resume = workspace.profile().resume_path
    if not decision.enclose or resume is None:  # the plan has refused a missing file
        return (), why
    _warn_resume_owner(workspace, resume)
    return (Enclosure("Résumé", resume),), why


def _folded(text: str) -> str:
    """Text compared as a reader would: case, accents and spacing aside."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


def _warn_resume_owner(workspace: Workspace, resume: Path) -> None:
    """A résumé whose text does not hold the seeker's name (a sample left in place) is
    warned of before it travels behind their signature."""
    profile = workspace.profile()
    seeker = names.parse(profile.data.name)
    said = _folded(enclosures.text(resume))
    if any(part and _folded(part) in said for part in (seeker.family, seeker.full)):
        return
    logging.getLogger("outreach.compose.enclosures").warning(
        f"the résumé {display_path(resume)}, which thank-you letters enclose, does not "
        f"contain your name ({profile.data.name}): is it someone else's, a sample left in "
        f"place? Put your own in resume: in {display_path(profile.path)}")


def _thank_you_subject(request: Request) -> str:
    """Which conversation a thank-you answers, so a later run can tell an older letter."""
    entry = rules.last_conversation(request.contact.data, request.today)
    return f"thank-you for the {entry.event} of {entry.date.isoformat()}" if entry else ""


def _referrer_for_subject(workspace: Workspace, contact: ContactFile) -> str | None:
    """Who referred the contact, short enough for a subject: the name of a contact, or
    the name in the free text (``my former manager, Dr. Ruth Cole`` -> ``Dr. Ruth
    Cole``), else the text as typed (a subject that opens with it gives it a capital)."""
    name = workspace.referrer_name(contact)
    if name is None or name != contact.data.referred_by:
        return contexts.said(name) if name is not None else None
    name = contexts.said(name)
    parts = [p.strip() for p in name.split(",") if p.strip()]
    named = [p for p in parts[1:] if text.is_name(p)]
    return named[0] if named else parts[0] if parts else name


def _approach_email_subject(workspace: Workspace, request: Request) -> str:
    """By register: a friend is asked plainly; a formal reader is told what is asked."""
    register = contexts.register(request.contact)
    field = workspace.profile().data.target.field
    referrer = _referrer_for_subject(workspace, request.contact)
    if register == "familiar":
        return f"Could I ask your advice about {field}?"
    if referrer:
        return (f"Introduced by {referrer}: a request for your advice" if register == "formal"
                else f"{text.sentence_case(referrer)} suggested I write to you")
    if register == "formal":
        return f"A request for {rules.meeting_minutes(workspace.profile().data)} minutes of " \
               f"your advice on {field}"
    return f"Asking your advice on {field}"


def _thank_you_email_subject(_workspace: Workspace, request: Request) -> str:
    entry = contexts.conversation(request.contact, request.today)
    familiar = contexts.register(request.contact) == "familiar"
    if entry.event == "declined":
        return "Thanks for getting back to me" if familiar else "Thank you for your reply"
    day = rules.spoken_date(entry.date)
    if familiar:
        return f"Thanks for {'the call' if entry.event == 'call' else 'meeting up'} on {day}"
    return f"Thank you for our conversation on {day}"


def _sheet_pages(context: Mapping[str, Any]) -> int:
    """A sheet for up to 25 minutes fills one page; a longer meeting's fills two."""
    from .questions import ONE_PAGE_MINUTES  # deferred: outreach.compose.questions

    return 1 if int(context["minutes"]) <= ONE_PAGE_MINUTES else 2


def _sheet_most_pages(context: Mapping[str, Any]) -> int:
    """One page more than the sheet fills, for long notes or many questions of one's own."""
    return _sheet_pages(context) + 1


# -- the names each template receives ---------------------------------------------------

COMMON = {
    "profile": "the seeker's profile, every field as in the YAML (profile.name, "
               "profile.summary, profile.phone ...)",
    "contact": "the contact's file, every field as in the YAML (contact.name, "
               "contact.notes, contact.local ...)",
    "date": "today's date as a letter writes it (November 21, 2026; 21 November 2026 on A4)",
    "register": "familiar (a friend), formal (an executive or a cold contact who does "
                "not know you) or business",
    "referrer": "who referred the contact (a name), or nothing",
    "minutes": "the minutes asked for (the profile's meeting_minutes, at most 30)",
}
LETTER = COMMON | {
    "sender": "the seeker: name, address_lines, phone, email",
    "recipient": "the contact: name, title, organization, address_lines",
    "salutation": "the salutation line, punctuation included (Dear Mr. Park:)",
    "close": "the complimentary close (Sincerely,)",
    "enclosures": "the titles of what travels with the letter (Résumé, a PDF's title or "
                  "--enclose-title)",
    "channel": "letter (printed and posted) or email (the --format eml draft: attached, "
               "not enclosed; a follow-up that fits e-mail)",
}
MEETING = COMMON | {
    "address_name": "how to address the contact (a friend's given name, else the "
                    "salutation, else honorific and family name, else the full name)",
    "recipient_line": "the contact's title and organization on one line",
    "status_phrase": "the profile's status with its article (a recent graduate in ...)",
    "field": "the field the seeker is exploring (profile.target.field)",
    "meet_in_person": "true when the meeting is in person, false by phone",
    "how_we_met": "how_we_met as a sentence, or empty",
    "spoken_name": "the contact's full name as said aloud (the Latin form of a name "
                   "written in another script: Minjun Kim for 김민준 (Minjun Kim))",
    "acquainted": "true when the contact knows you: a friend, or how_we_met speaks of a "
                  "past you shared (we were in the same cohort): no status recited",
    "recruiter": "true for a recruiter or an HR partner: ask how they hire, and say it "
                 "is not a job application",
}


APPROACH_LETTER = register(Kind(
    name="approach-letter", command="letter",
    summary="asks for a short meeting for information and advice; never a job, never "
            "the résumé",
    title="Letter to {name}", context=contexts.approach_letter,
    variables=LETTER | {
        "introduction": "the opening sentence: who referred you, or how you learned of "
                        "the contact",
        "status_phrase": MEETING["status_phrase"],
        "status_sentence": "I am <status>, exploring a career in <field>. (the field "
                           "left out when the status names it; empty when the summary "
                           "says who you are: I'm a ...)",
        "summary": "the 15-second summary as a letter says it: profile.pitch, else the "
                   "summary's first sentences up to about 50 words",
        "field": MEETING["field"],
        "acquainted": MEETING["acquainted"],
        "recruiter": MEETING["recruiter"],
        "hiring": "what to ask a recruiter about (how the Ottawa Hospital hires for roles "
                  "such as study coordinator)",
        "promise_no_job": "true for a cold contact or an executive who does not know you "
                          "(never a recruiter, whose letter says it is no application): "
                          "the letter says it is "
                          "not about a job",
    },
    may_enclose_resume=False, needs=(HOW_WE_MET, REFERRED_BY),
    email=Email(_approach_email_subject),
    stages=("new",), for_whom="someone you have not yet written to or spoken with"))

PHONE_SCRIPT = register(Kind(
    name="phone-script", command="script",
    summary="the call asking for the meeting, and what to say to an assistant, to "
            "voicemail, to \"too busy\" and to \"yes, now\"",
    title="Phone script: {name}", context=contexts.phone_script,
    variables=MEETING | {
        "how_we_met": "how_we_met as a sentence, or empty; to someone who knows you "
                      "(acquainted), a reminder: You may remember me: we were ...",
        "greeting": "the call's first words: Hi Mary Ann, (a friend), Hello, Dr. Haddad. "
                    "(an honorific known), else Hello, is this Marcus Hale?",
        "voicemail_greeting": "a message's first words: Hello, Dr. Haddad., or Hello, "
                              "this message is for Marcus Hale.",
        "summary": "the 15-second summary as the call says it: profile.pitch, else the "
                   "summary's first sentences up to about 50 words",
        "status_sentence": "I am <status>, exploring a career in <field>. (the field "
                           "left out when the status names it; empty when the summary "
                           "says who you are: I'm a ...)",
        "referrer_phrase": "who referred the contact, with their role or organization, "
                           "ready to stand before a verb (Tom Brandt of MHI), or nothing",
        "referred_opening": "who suggested the call, as the start of a sentence (Tom "
                            "Brandt of MHI suggested I call), or empty",
        "letter_sent": "the day the last letter was sent, as said aloud (November 16), "
                       "or nothing",
        "slots": "the times offered in the close: the first two of profile.availability, "
                 "or the one there is (the close then offers that or another time)",
        "retry_day": "when voicemail says you will call again (on Tuesday)",
        "choices": "the questions for a conversation now: each has question.text and "
                   "reason",
    },
    most_pages=2, needs=(PROFILE_PHONE,),
    stages=("approached",),
    for_whom="someone you wrote to and have not spoken with since"))

QUESTION_SHEET = register(Kind(
    name="question-sheet", command="questions",
    summary="the meeting's agenda, questions chosen for the seeker's goals with room "
            "to write, the closing asks",
    title="Questions for {name}", context=contexts.question_sheet,
    variables=MEETING | {
        "minutes": "the meeting's minutes (--minutes, else the profile's)",
        "choices": "every chosen question, in order: question.text, question.place, "
                   "question.source (\"contact\" for the contact file's own questions), reason",
        "core": "the contact file's own questions, the opener and the questions for the goals",
        "closes": "the closing asks (feedback on the résumé in person; someone else to "
                  "talk to)",
        "goal_names": "the goals of this meeting, comma-separated (their codes)",
        "goal_words": "the goals of this meeting in words (whether the field or role "
                      "suits you), from the question bank's goals",
        "meeting_date": "the meeting's day with its weekday (--date, else the meeting or "
                        "call booked, else one logged for today), or empty when unknown",
        "meeting_time": "the time the meeting is booked for (2:30 p.m. on letter paper, "
                        "14:30 on A4), or empty",
        "thank_you_by": "the day the thank-you letter is due, two days after the meeting "
                        "(with its weekday), or empty when the meeting's day is unknown",
        "notes_lead": "the first sentence or clause of the research notes, or empty",
        "referrer_said": "who referred the contact, said to you (your former manager, "
                         "Dr. Ruth Cole,), or empty",
    },
    pages=_sheet_most_pages, folio=True,
    fill=Fill(frozenset({"answer", "short-answer"}), _sheet_pages),
    stages=("scheduled",), for_whom="a meeting or call booked and still to come"))

def _owes_thanks(contact: ContactFile, since: dt.date | None, today: dt.date) -> bool:
    return since is not None and rules.thank_you_owed(contact.data, since, today) is not None


def _thank_you_row(contact: ContactFile, today: dt.date) -> tuple[str, ...]:
    """The conversation thanked for, and whether the résumé goes with the letter."""
    entry = rules.last_conversation(contact.data, today)
    assert entry is not None  # the plan refused contacts without one
    decision = rules.thank_you_resume(contact.data, entry)
    how = entry.event + (f" ({entry.mode})" if entry.mode else "")
    return (contact.data.name, f"{how} {entry.date.isoformat()}",
            "Résumé" if decision.enclose else "-")


def _names_nothing(contact: ContactFile, today: dt.date) -> str | None:
    """A letter that names nothing specific from the conversation (a decline has no
    advice to name)."""
    entry = rules.last_conversation(contact.data, today)
    if entry is None or entry.points or entry.event == "declined":
        return None
    return (f"the thank-you letter to {contact.data.name} names nothing specific from the "
            f"conversation: add points with outreach log {contact.id} --event "
            f"{entry.event} --date {entry.date.isoformat()} --point \"...\"")


THANK_YOU = register(Kind(
    name="thank-you", command="thank-you",
    summary="thanks for the last conversation logged, names what helped, encloses the "
            "résumé when the rules say so",
    title="Thank-you letter to {name}", context=contexts.thank_you,
    variables=LETTER | {
        "field": MEETING["field"],
        "conversation": "the last conversation: event, date, day (as said aloud), "
                        "declined, declined_how, declined_by (phone, in-person or "
                        "writing), by_phone, resume (reviewed, kept, not-discussed, asked), "
                        "late (written more than 3 days after it)",
        "introduced": "the people this contact introduced you to (their referred_by) "
                      "whom you have since met or called, each with the day (Tomás Ibarra "
                      "of Syneos Health on November 12), first met first",
        "introduced_names": "those people as a phrase (A on November 12 and B on ...)",
        "points": "up to two points logged for the conversation, each as a sentence",
        "advice": "those points as clauses of one sentence to the reader (that the "
                  "certification is a good first step, and to talk to the estimators "
                  "first \u2014 they know who is hiring), or empty when one is a question",
        "advice_about": "what their advice was about: the field, or, for a recruiter or "
                        "an HR partner, how their organization hires",
        "point_sentence": "the first point as a sentence",
        "referrals": "the people they suggested: each has name and organization",
        "referral_names": "the referrals as a phrase (Ana Ruiz (County GIS) and Li Wei)",
        "referral_sentence": "thanks for the people suggested and what has been done about "
                             "each, from their own files (I have already written to ...); "
                             "those in introduced are thanked there instead",
        "enclose_resume": "true when the rules enclose the résumé",
        "other_enclosures": "the titles of what --enclose adds besides the résumé",
        "enclosed_titles": "those titles in quotes, as a phrase (“A” and “B”)",
    },
    enclosures=_thank_you_enclosures, needs=(CONVERSATION, RESUME_FILE),
    subject=_thank_you_subject, email=Email(_thank_you_email_subject, "thank-you-sent"),
    stages=("met", "declined"), for_whom="a conversation or decline not yet thanked",
    choice=Choice(_owes_thanks, "no meeting, call or decline since {since} is waiting for "
                  "a thank-you letter",
                  why=", with no conversation or decline since {since} left to thank",
                  with_since=True),
    print_file="thank-you",
    table=Summary(("CONTACT", "CONVERSATION", "ENCLOSURE"), _thank_you_row, _names_nothing)))

LINKEDIN_NOTE = register(Kind(
    name="linkedin-note", command="linkedin",
    summary="the approach as a LinkedIn invitation note (200 characters, or --limit): "
            "who suggested the contact, who you are, a request for advice; never a job",
    title="LinkedIn note to {name}", context=contexts.linkedin_note,
    variables=MEETING | {
        "how_we_met": "how_we_met as a sentence to follow the greeting's comma (we met "
                      "at ...)",
        "status_exploring": "your status and the field (a recent graduate in public "
                            "policy exploring urban planning; the field left out when the "
                            "status names it)",
        "limit": "the most characters the note may hold (200; --limit 300 for Premium)",
        "greeting_name": "the name the note greets (a friend's first name, else the "
                         "salutation's name)",
        "sender_first": "the seeker's first name, to sign a short note",
        "referrer_subject": "who referred the contact, ready to stand before its verb "
                            "(my former commander, Col. Anne Ruiz,), or nothing",
    },
    may_enclose_resume=False, needs=(HOW_WE_MET, REFERRED_BY), formats=("txt",),
    fit=notes.fit,
    stages=("new",), for_whom="someone you have not yet written to or spoken with"))


def _keep_in_touch_email_subject(_workspace: Workspace, request: Request) -> str:
    organization = request.landed[1] if request.landed else ""
    if contexts.register(request.contact) == "familiar":
        return f"Some news: I\u2019ve joined {organization}" if organization else \
            "Some news from my search"
    return f"News: I have joined {organization}" if organization else "News from my search"


def _told(contact: ContactFile) -> dt.date | None:
    """The day the contact was told where the seeker landed, if they were."""
    sent = [e.date for e in contact.data.history if e.event == "keep-in-touch-sent"]
    return max(sent) if sent else None


def _not_yet_told(contact: ContactFile, _since: dt.date | None, today: dt.date) -> bool:
    """Everyone the seeker had a conversation with and has not told yet."""
    return rules.last_conversation(contact.data, today) is not None and _told(contact) is None


def _told_already(contact: ContactFile) -> str | None:
    day = _told(contact)
    if day is None:
        return None
    return (f"{contact.data.name} was told where you landed on {day.isoformat()} "
            f"(keep-in-touch-sent in {display_path(contact.path)}): nobody gets it twice")


KEEP_IN_TOUCH = register(Kind(
    name="keep-in-touch", command="keep-in-touch",
    summary="tells a contact who helped where the seeker landed, and thanks them again "
            "for the advice and introductions logged in their history",
    title="Keep-in-touch letter to {name}", context=contexts.keep_in_touch,
    variables=LETTER | {
        "field": MEETING["field"],
        "landed": "where the seeker landed (--landed): role and organization",
        "points": "up to two points logged in any conversation with the contact, each "
                  "a sentence",
        "advice": "those points as clauses of one sentence (that A, and that B), or "
                  "empty when one of them is more than a sentence",
        "referral_names": "everyone they suggested, as a phrase",
        "through": "the introduction that led to the new role, when one of the people "
                   "they suggested works there: that introduction, or your introduction "
                   "to A (of several); else empty",
        "introduced": "the people this contact introduced you to (their referred_by) "
                      "whom you have since met or called, each with the day",
        "introduced_names": "those people as a phrase (A on November 12 and B on ...)",
        "introduced_through": "true when one of them works where you landed: the role "
                              "came through their introduction",
        "declined": "true when the last word from them was a decline: no conversation "
                    "to thank them for",
        "joining_them": "true when the contact works where you landed: you will be "
                        "colleagues",
        "declined_how": "what to thank someone who declined for (taking my call, "
                        "speaking with me, your reply)",
        "spoke_on": "the day of the last conversation, as said aloud (November 18)",
    },
    may_enclose_resume=False, needs=(CONVERSATION,),
    email=Email(_keep_in_touch_email_subject, "keep-in-touch-sent"),
    choice=Choice(_not_yet_told, "everyone you had a conversation with has been told "
                  "where you landed", refuse=_told_already)))


def _envelope_row(contact: ContactFile, _today: dt.date) -> tuple[str, ...]:
    """The address printed, on one line."""
    lines = [ln.strip() for ln in (contact.data.address or "").splitlines() if ln.strip()]
    return (contact.data.name, ", ".join(lines))


ENVELOPE = register(Kind(
    name="envelope", command="envelopes",
    summary="the contact's postal address where the postal services read it and the "
            "seeker's return address in the top-left corner, on a US No. 10 envelope "
            "(letter) or a DL (A4); with --labels, the same address on a sheet of labels",
    title="Envelope to {name}", context=contexts.envelope,
    variables={
        "profile": COMMON["profile"],
        "contact": COMMON["contact"],
        "sender": "the seeker: name, address_lines (empty when the profile has no address: "
                  "the envelope then has no return address)",
        "recipient": LETTER["recipient"],
    },
    may_enclose_resume=False, needs=(POSTAL_ADDRESS,), formats=("pdf",),
    page=postal.envelope_css, batch="envelopes",
    stages=("new",), for_whom="an approach letter going by post",
    table=Summary(("CONTACT", "ADDRESS"), _envelope_row),
    left_out=LeftOut(POSTAL_ADDRESS, "no postal address for {name} ({path}), so nothing is "
                     "printed for them: add address: to print one",
                     "nothing to print: none of these contacts has a postal address; add "
                     "address: to the contact files of ", "- (no postal address: not printed)")))
