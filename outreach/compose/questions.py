"""The question bank and the rules that choose a meeting's questions.

The bank is data (``templates/questions.yaml``): every question tagged with the goals
it serves, its place in the meeting and, optionally, the kinds of contact it suits. A
workspace's own ``templates/questions.yaml`` extends it: a question with a built-in id
replaces that one, a new id is added, ``remove`` drops ids, ``replace: true`` starts from
nothing. Selection is a plain, deterministic function of the bank, the goals, the
contact's kind, the meeting's mode and its minutes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Annotated, Literal

import yaml
from pydantic import Field, StringConstraints, field_validator

from outreach.document.text import with_article
from outreach.errors import InputError, Problem
from outreach.workspace.loading import read_yaml, validate
from outreach.workspace.models import GOALS, ContactKind, Mode, _check_goals, _Model

from .templating import BUILTIN, inside_folder

Place = Literal["opener", "core", "close"]
QuestionId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]*$")]

#: Prepared questions (the opener and those for the goals; the closing asks come on top):
#: never fewer than 5, about one per 4 minutes, and no more than fit the sheet's pages
#: with room to write (a meeting up to 25 minutes is one page, a longer one two).
MIN_QUESTIONS = 5
MAX_ONE_PAGE = 5
MAX_QUESTIONS = 10
ONE_PAGE_MINUTES = 25
MINUTES_PER_QUESTION = 4
DEFAULT_GOALS = ("explore-fit", "day-to-day", "break-in")


class Question(_Model):
    id: QuestionId
    text: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=220)]
    goals: list[str] = Field(min_length=1)
    place: Place
    suits: list[ContactKind] | None = None
    #: A free note on where the question comes from (a bank of your own may keep one).
    source: str | None = None
    #: What it asks about; a sheet never holds two questions of one topic. Without
    #: one, the question is a topic of its own.
    topic: QuestionId | None = None

    _goals = field_validator("goals")(_check_goals)

    @property
    def subject(self) -> str:
        return self.topic or self.id


class BankFile(_Model):
    """One questions.yaml: the built-in bank, or a workspace's extension of it."""

    version: int = 1
    goals: dict[str, str] | None = None
    replace: bool = False
    remove: list[QuestionId] = Field(default_factory=list)
    questions: list[Question] = Field(default_factory=list)

    @field_validator("goals")
    @classmethod
    def _known_goals(cls, goals: dict[str, str] | None) -> dict[str, str] | None:
        if goals is not None:
            _check_goals(list(goals))
        return goals


@dataclass(frozen=True)
class Bank:
    questions: tuple[Question, ...]
    #: What each goal means, in words a sheet prints (the bank's ``goals``).
    goal_words: Mapping[str, str] = field(default_factory=dict)

    def words_for(self, goal: str) -> str:
        return self.goal_words.get(goal) or GOALS[goal]

    def by_place(self, place: Place) -> list[Question]:
        return [q for q in self.questions if q.place == place]

    def position(self, question: Question) -> int:
        """Where ``question`` stands in the bank (its ids are unique)."""
        return self._positions[question.id]

    @cached_property
    def _positions(self) -> dict[str, int]:
        positions: dict[str, int] = {}
        for n, q in enumerate(self.questions):
            positions.setdefault(q.id, n)
        return positions


def _read(path: Path) -> BankFile:
    data, lines = read_yaml(path)
    return validate(BankFile, data, path, lines)


def _check_ids(questions: list[Question], path: Path) -> None:
    seen: set[str] = set()
    for q in questions:
        if q.id in seen:
            raise InputError([Problem(path, None, "questions", f"id {q.id!r} appears twice")])
        seen.add(q.id)


#: PyYAML's safe loader, over libyaml where PyYAML has it (the built-in bank is ours).
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_bank(workspace_templates: Path | None) -> Bank:
    """The built-in bank, extended or replaced by the workspace's questions.yaml."""
    ref = BUILTIN / "questions.yaml"
    builtin = BankFile.model_validate(yaml.load(ref.read_text(encoding="utf-8"),
                                                Loader=_SAFE_LOADER))
    questions = list(builtin.questions)
    words = dict(builtin.goals or {})
    user_path = inside_folder(workspace_templates, "questions.yaml") \
        if workspace_templates else None
    if user_path is not None:
        user = _read(user_path)
        _check_ids(user.questions, user_path)
        words |= user.goals or {}
        if user.replace:
            questions = []
        unknown = [i for i in user.remove if i not in {q.id for q in questions}]
        if unknown:
            raise InputError([Problem(user_path, None, "remove",
                                      f"no built-in question {', '.join(unknown)}")])
        questions = [q for q in questions if q.id not in set(user.remove)]
        replaced = {q.id: q for q in user.questions}
        questions = [replaced.pop(q.id, q) for q in questions] + list(replaced.values())
    bank = Bank(tuple(questions), words)
    where = user_path or Path("questions.yaml")
    for place in ("opener", "core"):
        if not bank.by_place(place):
            raise InputError([Problem(where, None, "questions",
                                      f"the bank has no {place} question")])
    if not any("referrals" in q.goals for q in bank.by_place("close")):
        raise InputError([Problem(where, None, "questions",
                                  "the bank has no close question for the goal referrals: "
                                  "every meeting ends by asking for someone else to talk to")])
    return bank


# -- selection -------------------------------------------------------------------------


@dataclass(frozen=True)
class Choice:
    """A chosen question and why it was chosen (for --explain)."""

    question: Question
    reason: str


def question_count(minutes: int) -> int:
    """Prepared questions for a meeting of ``minutes``: about one per 4 minutes, never
    fewer than 5, never more than fit the sheet (5 on one page, 10 on two). With the
    closing asks a 20-minute sheet holds 7 numbered questions, a 40-minute one 12."""
    cap = MAX_ONE_PAGE if minutes <= ONE_PAGE_MINUTES else MAX_QUESTIONS
    return max(MIN_QUESTIONS, min(cap, round(minutes / MINUTES_PER_QUESTION)))


def _suit(question: Question, kind: ContactKind) -> int:
    """2: written for this kind of contact; 1: for anyone; 0: for other kinds."""
    if question.suits is None:
        return 1
    return 2 if kind in question.suits else 0


def _suit_note(question: Question, kind: ContactKind) -> str:
    return "suits any contact" if question.suits is None else f"suits {with_article(kind)}"


def _closes(bank: Bank, mode: Mode) -> list[Choice]:
    """Feedback on the résumé when meeting in person; always, last, someone else to ask."""
    closes: list[Choice] = []
    if mode == "in-person":
        resume = [q for q in bank.by_place("close") if "resume-feedback" in q.goals]
        if resume:
            closes.append(Choice(resume[0], "close: in person, ask for advice on the résumé"))
    referral = [q for q in bank.by_place("close") if "referrals" in q.goals]
    if referral:
        closes.append(Choice(referral[0], "close: always end by asking for someone else "
                                          "to talk to"))
    return closes


@dataclass
class _Ranking:
    """How questions are weighed for one contact: never one written for other kinds of
    contact, never a second of one topic; suited to their kind first, then the most
    direct for the goal, then the bank's order."""

    bank: Bank
    kind: ContactKind
    #: The topics asked already.
    topics: set[str]

    def order(self, q: Question) -> int:
        return self.bank.position(q)

    def open(self, place: Place) -> list[Question]:
        return [q for q in self.bank.by_place(place)
                if _suit(q, self.kind) and q.subject not in self.topics]

    def rank(self, q: Question, goal: str | None) -> tuple[int, int, int]:
        directness = q.goals.index(goal) if goal in q.goals else len(q.goals) + 1
        return (-_suit(q, self.kind), directness, self.order(q))

    def take(self, q: Question, reason: str) -> Choice:
        self.topics.add(q.subject)
        return Choice(q, f"{reason}; {_suit_note(q, self.kind)}")

    def opener(self, goals: list[str]) -> Choice | None:
        """The opener that serves a goal of the meeting and suits the contact best."""
        openers = self.open("opener")
        if not openers:
            return None
        opener = min(openers, key=lambda q: (
            -int(any(g in goals for g in q.goals)), -_suit(q, self.kind), self.order(q)))
        served = [g for g in opener.goals if g in goals]
        return self.take(opener, "opener: an easy first question"
                         + (f" that also serves {', '.join(served)}" if served else ""))


def _one_turn(ranking: _Ranking, goals: list[str], turn: int, wanted: int) -> list[Choice]:
    """One turn across the goals: for each, the best question of a topic not yet asked."""
    chosen: list[Choice] = []
    for goal in goals:
        candidates = [q for q in ranking.open("core") if goal in q.goals]
        if len(chosen) == wanted or not candidates:
            continue
        best = min(candidates, key=lambda q: ranking.rank(q, goal))
        chosen.append(ranking.take(best, f"goal {goal} (turn {turn})"))
    return chosen


def _fillers(ranking: _Ranking, wanted: int) -> list[Choice]:
    """When the goals have no more questions: the best of the rest of the bank."""
    chosen: list[Choice] = []
    while len(chosen) < wanted and ranking.open("core"):
        best = min(ranking.open("core"), key=lambda q: ranking.rank(q, None))
        chosen.append(ranking.take(best, "filler: the goals have no more questions"))
    return chosen


def own_question(text: str, number: int) -> Choice:
    """A question of the seeker's own for this contact (the contact file's ``questions``)."""
    question = Question.model_construct(id=f"own-{number}", text=text, goals=[],
                                        place="core", suits=None, source="contact",
                                        topic=None)
    return Choice(question, "your own question for this contact: your own come first")


def select(bank: Bank, goals: list[str], kind: ContactKind, mode: Mode,
           minutes: int, own: Sequence[str] = ()) -> list[Choice]:
    """The meeting's questions, in the order to ask them.

    The seeker's own questions for this contact first; then an opener; then questions
    for the goals, taken in turns across the goals (so no one goal takes them all),
    each time the question that best suits the contact's kind and serves the goal most
    directly, never one written for other kinds of contact nor a second of one topic;
    then the close: feedback on the résumé when meeting in person, and always, last, a
    request for someone else to talk to. The own questions count towards the number.
    """
    goals = list(dict.fromkeys(goals or DEFAULT_GOALS))
    closes = _closes(bank, mode)
    ranking = _Ranking(bank, kind, {c.question.subject for c in closes})
    chosen = [own_question(text, n) for n, text in enumerate(own, start=1)]
    wanted = question_count(minutes) - len(chosen)
    opener = ranking.opener(goals) if wanted > 0 else None
    if opener is not None:
        chosen.append(opener)
        wanted -= 1
    turn = 1
    while wanted > 0:
        found = _one_turn(ranking, goals, turn, wanted)
        if not found:
            chosen += _fillers(ranking, wanted)
            break
        chosen += found
        wanted -= len(found)
        turn += 1
    return chosen + closes
