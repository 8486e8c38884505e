"""Points logged from a conversation, as the thank-you letter says them to the reader.

A point is logged once (``outreach log --point``) and printed in a letter to the person
who made it, so it must be written to them: "A CSCP matters less than a record of
running a P&L", not "A CSCP matters less to him than ...". A point that speaks of the
addressee in the third person is warned of when it is logged and when a letter is
written, with the point rewritten in the second person where a plain rewrite will do
("He says his team hires nurses" -> "Your team hires nurses"). A point written to the
reader ("You said employers want people who know their GCP") is left alone: its
"their" is someone else's.

The letters say the points as part of a sentence written to the reader ("... stayed
with me: that the certification is a good first step, and that testing teams need
clinicians"), not as notes pasted after a colon (``clauses``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from outreach.document import text
from outreach.workspace.models import Contact

from . import names

#: Words that speak of one person in the third person: always of the reader, in a point.
_SINGULAR = re.compile(r"\b(he|she|him|her|his|hers|himself|herself|the contact)\b",
                       re.IGNORECASE)
#: "They", "their" ... speak of the reader only as the sentence's first word ("Their
#: team hires nurses", "They say ..."); elsewhere they are other people's.
_PLURAL_LEAD = re.compile(r"^(they|them|their|theirs)\b", re.IGNORECASE)
#: A sentence that speaks to the reader: its third-person words are about others.
_SECOND = re.compile(r"\b(you|your|yours|yourself)\b", re.IGNORECASE)
#: "He says that ...", "Robert thinks ...": the point is what follows.
_REPORTING = (r"\s+(says|said|say|thinks|thought|think|believes|feels|feel|told me|"
              r"tells me|suggests|suggested|recommends|recommended)\s+(that\s+)?")
#: "... matters less to him than ...": the reader is the one it matters to; drop it.
_TO_THEM = re.compile(r"\s+(to|for)\s+(him|her|them)\b", re.IGNORECASE)
#: Words of the third person and their second-person forms, where no verb changes.
_SECOND_PERSON = {"his": "your", "their": "your", "him": "you", "them": "you",
                  "hers": "yours", "theirs": "yours", "himself": "yourself",
                  "herself": "yourself", "themselves": "yourself"}
#: Words before which "her" is an object (``told her about``), not a possessive.
_AFTER_OBJECT = frozenset({"about", "to", "for", "with", "and", "or", "that", "at", "in",
                           "on", "by", "from", "as", "than", ""})


def _who(contact: Contact) -> str:
    """The words by which a point may name its speaker: a pronoun, or their name."""
    name = names.of(contact)
    return "|".join(re.escape(p) for p in ("he", "she", "they", name.given, name.family,
                                           name.formal, name.full) if p)


def _reported(point: str, contact: Contact) -> re.Match[str] | None:
    """``She said`` or ``Robert thinks`` opening the point: what follows is what they
    said, in their words to the seeker ("get your OSHA 30")."""
    return re.match(rf"^({_who(contact)}){_REPORTING}", point.strip(), flags=re.IGNORECASE)


def third_person(point: str, contact: Contact) -> str | None:
    """The word by which ``point`` speaks of the contact in the third person, if any:
    a pronoun, "the contact", or their own name; nothing in a sentence that speaks to
    the reader ("you"), unless it opens by reporting them ("She said get your ...")."""
    reported = _reported(point, contact)
    if reported:
        return reported.group(1)
    if _SECOND.search(point):
        return None
    match = _SINGULAR.search(point) or _PLURAL_LEAD.search(point.strip())
    if match:
        return match.group(0)
    name = names.of(contact)
    for part in (name.given, name.family, name.formal):
        if part and re.search(rf"(?<!\w){re.escape(part)}(?!\w)", point):
            return part
    return None


def _swap(match: re.Match[str]) -> str:
    word, after = match.group(1), match.group(2) or ""
    lower = word.lower()
    if lower == "her":
        new = "you" if after.lower() in _AFTER_OBJECT else "your"
    else:
        new = _SECOND_PERSON[lower]
    return (new.capitalize() if word[0].isupper() else new) + match.group(0)[len(word):]


def rewrite(point: str, contact: Contact) -> str | None:
    """The point written to the reader, when a plain rewrite does it: the reporting
    words dropped ("He says X" -> "X"; "matters less to him" -> "matters less") and the
    other third-person words put in the second person ("his team" -> "your team");
    ``None`` when a verb would have to change too ("where she sees ..."). What a report
    says to the seeker is said back to the reader ("She said your CV needs numbers" ->
    "My CV needs numbers"); advice to do something keeps its persons until it is made
    a clause (``clause``)."""
    name = names.of(contact)
    reported = _reported(point, contact)
    rewritten = point.strip()[reported.end():] if reported else point.strip()
    if reported and not _is_imperative(rewritten):
        rewritten = text.swap_persons(rewritten)
    rewritten = _TO_THEM.sub("", rewritten)
    owner = "|".join(re.escape(p) for p in (name.formal, name.full, name.given) if p)
    rewritten = re.sub(rf"(?<!\w)({owner})['\u2019]s\b", "their", rewritten)
    rewritten = re.sub(r"\b(his|him|hers|himself|herself|her)\b(?:\s+(\w+))?", _swap,
                       rewritten, flags=re.IGNORECASE)
    rewritten = re.sub(r"^(their|them|theirs)\b(?:\s+(\w+))?", _swap, rewritten,
                       flags=re.IGNORECASE)
    # after "She says", a "they" leading what she says is other people
    plural = _PLURAL_LEAD.search(rewritten) and not (reported and reported.group(1).lower()
                                                      != "they")
    if rewritten == point.strip() or _SINGULAR.search(rewritten) or plural or \
            rewritten.lower().startswith("to "):
        return None
    return text.sentence_case(rewritten)


def advice(point: str, contact: Contact) -> str | None:
    """What to tell the user about a point written in the third person (``None`` when
    it is written to the reader)."""
    word = third_person(point, contact)
    if word is None:
        return None
    better = rewrite(point, contact)
    how = (f": \u201c{better}\u201d, as the letters now say it" if better else
           ", with \u201cyou\u201d for the person, or as the advice itself")
    return (f"the point \u201c{point}\u201d seems to speak of {contact.name} in the third "
            f"person (\u201c{word}\u201d); the thank-you letter is written to them, so "
            f"write the point as you would say it to them{how}")


# -- points as part of a sentence ------------------------------------------------------

#: First words that make a point advice to do something: "Apply early" -> "to apply
#: early"; "Don't ..." -> "not to ...".
_IMPERATIVES = frozenset({
    "apply", "ask", "avoid", "be", "build", "call", "consider", "contact", "do", "find",
    "focus", "follow", "get", "go", "join", "keep", "learn", "look", "make", "network",
    "read", "reach", "start", "stop", "take", "talk", "try", "use", "volunteer", "write",
    "always", "spend", "bring", "check", "attend", "emphasize", "highlight", "prepare"})
_NEGATIVE = {"don't": "not to", "don\u2019t": "not to", "do not": "not to",
             "never": "never to"}


#: "You said ...", "You told me to ...": the reader's own words reported to them; the
#: clause is what they said ("that ...", "to ...").
_YOU_SAID = re.compile(r"^you\s+(?:said|say|told me|tell me|suggested|recommended|advised "
                       r"me|thought|think|mentioned|pointed out|reminded me)\s+(?:that\s+)?",
                       re.IGNORECASE)


def _is_imperative(said: str) -> bool:
    """Is ``said`` advice to do something ("Apply early", "Don't wait")?"""
    lower = said.lower()
    first = lower.split(maxsplit=1)[0] if lower else ""
    return first in _IMPERATIVES or any(lower.startswith(n + " ") for n in _NEGATIVE)


def _first_clause(said: str, known: list[str]) -> str:
    """One sentence as a clause: ``that ...``, ``to ...``, ``not to ...``; the persons of
    advice to do something exchanged (it was said to the seeker: "get your OSHA 30" ->
    "to get my OSHA 30")."""
    imperative = _is_imperative(said)
    if imperative:
        said = text.swap_persons(said)
    said = text.lower_first(said, known)
    lower = said.lower()
    for negative, lead in _NEGATIVE.items():
        if lower.startswith(negative + " "):
            return f"{lead} {said[len(negative) + 1:]}"
    if imperative or lower.startswith("to "):
        return said if lower.startswith("to ") else "to " + said
    return "that " + said


def clause(point: str, known: Iterable[str] = ()) -> str | None:
    """A point as a clause of a sentence to the reader: ``that the certification is a
    good first step``, ``to apply early``, ``not to wait``; ``You said`` and ``You told
    me`` dropped (the reader knows who said it); the sentences after the first go on
    after a dash (``to talk to the estimators first \u2014 they know who is hiring``);
    ``None`` for a question, which no clause can hold. ``known``: names and
    organizations, whose capitals stay."""
    said = text.capital_i(" ".join(point.split())).rstrip(" .!")
    if not said or said.endswith("?"):
        return None
    known = list(known)
    first, *rest = [s.rstrip(" .!") for s in text.sentences(said)]
    if any(s.endswith("?") for s in rest):
        return None
    first = _YOU_SAID.sub("", first) or first
    more = "; ".join(text.lower_first(s, known) for s in rest)
    return _first_clause(first, known) + (f" \u2014 {more}" if more else "")


def clauses(points: list[str], known: Iterable[str] = ()) -> str | None:
    """The points as one phrase of clauses (``that A, and that B``); ``None`` when one
    of them cannot be a clause."""
    known = list(known)
    parts = [clause(p, known) for p in points]
    if not parts or any(p is None for p in parts):
        return None
    said = [p for p in parts if p is not None]
    return said[0] if len(said) == 1 else ", ".join(said[:-1]) + ", and " + said[-1]


def to_the_reader(point: str, contact: Contact) -> str:
    """The point as the letter says it: rewritten to the reader when it speaks of them in
    the third person and a plain rewrite will do (the user is warned), else as logged."""
    if third_person(point, contact) is None:
        return point
    return rewrite(point, contact) or point
