"""Points logged from a conversation, as the thank-you letter says them to the reader.

A point is logged once (``outreach log --point``) and printed in a letter to the person
who made it, so it must be written to them: "A CSCP matters less than a record of
running a P&L", not "A CSCP matters less to him than ...". A point that speaks of the
addressee in the third person is warned of when it is logged and when a letter is
written, with the point rewritten where a plain rewrite will do.
"""

from __future__ import annotations

import re

from . import names, text
from .models import Contact

_PRONOUNS = re.compile(
    r"\b(he|she|him|her|his|hers|himself|herself|they|them|their|theirs|themselves|"
    r"the contact)\b", re.IGNORECASE)
#: "He says that ...", "Robert thinks ...": the point is what follows.
_REPORTING = (r"\s+(says|said|thinks|thought|believes|feels|told me|tells me|suggests|"
              r"suggested|recommends|recommended)\s+(that\s+)?")
#: "... matters less to him than ...": the reader is the one it matters to; drop it.
_TO_THEM = re.compile(r"\s+(to|for)\s+(him|her|them)\b", re.IGNORECASE)


def third_person(point: str, contact: Contact) -> str | None:
    """The word by which ``point`` speaks of the contact in the third person, if any:
    a pronoun, "the contact", or their own name."""
    match = _PRONOUNS.search(point)
    if match:
        return match.group(0)
    name = names.of(contact)
    for part in (name.given, name.family, name.formal):
        if part and re.search(rf"(?<!\w){re.escape(part)}(?!\w)", point):
            return part
    return None


def rewrite(point: str, contact: Contact) -> str | None:
    """The point written to the reader, when dropping the reporting words does it
    ("He says X" -> "X"; "matters less to him" -> "matters less"); else ``None``."""
    name = names.of(contact)
    who = "|".join(re.escape(p) for p in ("he", "she", "they", name.given, name.family,
                                           name.formal, name.full) if p)
    rewritten = re.sub(rf"^({who}){_REPORTING}", "", point.strip(), flags=re.IGNORECASE)
    rewritten = _TO_THEM.sub("", rewritten)
    if rewritten == point.strip() or third_person(rewritten, contact):
        return None
    return text.sentence_case(rewritten)


def advice(point: str, contact: Contact) -> str | None:
    """What to tell the user about a point written in the third person (``None`` when
    it is written to the reader)."""
    word = third_person(point, contact)
    if word is None:
        return None
    better = rewrite(point, contact)
    how = (f": \u201c{better}\u201d" if better else
           ", with \u201cyou\u201d for the person, or as the advice itself")
    return (f"the point \u201c{point}\u201d seems to speak of {contact.name} in the third "
            f"person (\u201c{word}\u201d); the thank-you letter is written to them, so "
            f"write the point as you would say it to them{how}")
