"""Text that stays grammatical whatever the data: articles, sentence case, the end of a
sentence, appositives, lists of names, plurals, and typography (curly quotes and
apostrophes, one space between sentences) over a whole document.

The user's sentences (``how_we_met``, ``status``, logged points) are printed as they
were typed, except for what a careful reader would correct without asking: a missing
capital at the start, a missing full stop at the end, a straight quote.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace
from functools import lru_cache

import smartypants

from .model import Block, Heading, ListBlock, Paragraph, Part, Span

# -- articles ---------------------------------------------------------------------------

#: Words whose spelling starts with a vowel but whose sound does not, and the reverse.
_CONSONANT_SOUND = ("uni", "use", "usu", "uti", "ure", "uro", "eu", "one", "once", "ewe")
_SILENT_H = ("hour", "honest", "honor", "honour", "heir")
#: Letters whose name starts with a vowel sound: an MBA, an NDTA, an R&D, an X-ray.
_VOWEL_LETTERS = "AEFHILMNORSX"
#: Words that already determine the phrase: no article goes before them.
_DETERMINERS = frozenset({"a", "an", "the", "my", "our", "your", "his", "her", "their",
                          "its", "this", "that", "one", "some", "another", "any", "each"})


def _number_takes_an(digits: str) -> bool:
    """``8``, ``11``, ``18``, ``80``-``89``, ``800``, ``8,000``, ``11,000``, ``18 million``
    are said with a vowel first (eight, eleven, eighteen): ``an 18-year veteran``."""
    groups = digits.split(",") if "," in digits else [digits]
    lead = groups[0]
    if "," not in digits:  # 18000: the leading group of three digits from the right
        lead = digits[: len(digits) % 3 or 3]
    value = int(lead)
    return value in (8, 11, 18) or str(value).startswith("8")


def _word_like(acronym: str) -> bool:
    """Is an acronym said as a word (NASA, NATO, OSHA) rather than letter by letter
    (NDTA, MBA, FAA, USMC)? Four letters or more, no three consonants or two vowels in
    a row."""
    if len(acronym) < 4:
        return False
    shape = "".join("v" if c in "AEIOU" else "c" for c in acronym)
    return "ccc" not in shape and "vv" not in shape


def _vowel_sound(word: str) -> bool:
    """Does ``word`` begin with a vowel sound, so take ``an``?"""
    number = re.match(r"[0-9][0-9,]*", word)
    if number:
        return _number_takes_an(number.group(0).rstrip(","))
    letters = re.match(r"[A-Za-z]+", word)
    head = letters.group(0) if letters else word
    if (head.isupper() and len(head) > 1 and not _word_like(head)) or \
            re.match(r"[A-Za-z](\.|-|$)", word):  # an MBA, a U.S., an X-ray, an R
        return head[:1].upper() in _VOWEL_LETTERS
    lower = word.lower()
    if lower.startswith(_CONSONANT_SOUND):  # university, user, European, one-time
        return False
    if lower.startswith(_SILENT_H):  # honors, hourly
        return True
    return lower[:1] in "aeiou"


def with_article(phrase: str) -> str:
    """``18-year Army veteran`` -> ``an 18-year Army veteran``; ``MBA student`` -> ``an
    MBA student``; a phrase that starts with a determiner (``the``, ``my``) is kept."""
    words = phrase.split(maxsplit=1)
    if not words:
        return phrase
    first = words[0]
    if first.lower() in _DETERMINERS or first.lower().endswith(("'s", "\u2019s")):
        return phrase
    return ("an " if _vowel_sound(first) else "a ") + phrase


# -- sentences --------------------------------------------------------------------------

def sentence_case(text: str) -> str:
    """The first letter made a capital when the first word is all lower case (``we met
    at ...`` -> ``We met at ...``); ``iPhone`` or ``eBay`` are left as typed."""
    text = text.strip()
    first = text.split(maxsplit=1)[0] if text else ""
    if not first[:1].isalpha() or first != first.lower():
        return text
    return text[:1].upper() + text[1:]


#: Words a title keeps in lower case inside it (``Head of Rights and Contracts``).
_MINOR_WORDS = frozenset({"a", "an", "and", "as", "at", "by", "for", "in", "of", "on",
                          "or", "the", "to", "with", "de", "du", "des", "la", "le"})


def title_case(title: str) -> str:
    """A job title typed all in lower case as a heading or an address line writes it
    (``business manager`` -> ``Business Manager``; ``head of rights`` -> ``Head of
    Rights``); a title with any capital is the seeker's own choice, and only its first
    letter is made a capital (``sentence_case``)."""
    title = " ".join(title.split())
    # acronyms aside (UX, VP), a title with a capital is written as its writer chose
    if any(w != w.lower() and not (w.isupper() and len(w) > 1) for w in title.split()):
        return sentence_case(title)
    words = title.split(" ")
    return " ".join(w if i and w in _MINOR_WORDS else "-".join(p[:1].upper() + p[1:]
                                                                for p in w.split("-"))
                    for i, w in enumerate(words))


_WEEKDAY = re.compile(r"\b(monday|tuesday|wednesday|thursday|friday|saturday|sunday)s?\b")


def weekdays_capitalized(text: str) -> str:
    """``monday after 3:30 pm`` -> ``Monday after 3:30 pm``: a day's name has a capital."""
    return _WEEKDAY.sub(lambda m: m.group(0).capitalize(), text)


#: "i" typed for the pronoun: alone, or before an apostrophe (i'm, i've), never "i.e.".
_LOWER_I = re.compile(r"(?<![\w.'\u2019-])i(?=['\u2019](?:m|ve|ll|d)\b|[\s,;:!?]|$)")


def capital_i(text: str) -> str:
    """The pronoun "I" where it was typed "i" (``and i built`` -> ``and I built``)."""
    return _LOWER_I.sub("I", text)


def sentence(text: str) -> str:
    """``text`` as a sentence: a capital first, a full stop (or its own ``!``/``?``) last,
    inside any closing quote or bracket it ends with staying outside; the pronoun "I"
    where it was typed "i"."""
    text = sentence_case(capital_i(text))
    stripped = text.rstrip("\"'\u201d\u2019)]")
    if stripped[-1:] in ".!?\u2026" or not stripped:
        return text
    if text[-1:] in "\"\u201d'\u2019":  # American style: the stop goes inside the quote
        return stripped + "." + text[len(stripped):]
    return text + "."


#: Abbreviations whose full stop ends no sentence (``Dr. Cole``, ``U.S. Army``).
_ABBREVIATIONS = re.compile(r"(?:\b(?:Dr|Mr|Mrs|Ms|Mx|Prof|St|Mt|Jr|Sr|Inc|Co|Corp|Ltd|"
                            r"vs|etc|e\.g|i\.e|No|Col|Gen|Lt|Capt|Sgt|Rev)|\b[A-Z])\.$")


def sentences(text: str) -> list[str]:
    """``text`` cut into its sentences (a full stop after ``Dr`` or an initial ends none)."""
    pieces = re.split(r"(?:(?<=[.!?\u2026])|(?<=[.!?\u2026][\"\u201d\u2019')\]]))\s+"
                      r"(?=[\"\u201c(]?[A-Z0-9])", " ".join(text.split()))
    out: list[str] = []
    for piece in pieces:
        if out and _ABBREVIATIONS.search(out[-1]):
            out[-1] += " " + piece
        else:
            out.append(piece)
    return [p for p in out if p]


def tidy_sentences(text: str) -> str:
    """Notes typed in haste as sentences: a capital after each full stop and a full
    stop at the end (``ran the program since 2019. used to be a PM`` -> ``Ran the
    program since 2019. Used to be a PM.``); abbreviations (``e.g. the``) and a list's
    number (``1. not a list``, ``| 2. then``: a number that follows no word) are left."""
    text = " ".join(text.split())

    def capital(match: re.Match[str]) -> str:
        before = text[:match.start()]
        if _ABBREVIATIONS.search(before) or re.search(r"(?:^|[^\w\s.,]\s*)\d{1,3}\.$", before):
            return match.group(0)
        return match.group(1) + match.group(2).upper()

    return sentence(re.sub(r"(?<=[.!?])(\s+)([a-z])", capital, text)) if text else text


def keeps_capital(word: str, known: Iterable[str] = ()) -> bool:
    """Does a sentence's first word keep its capital inside a sentence: ``I``, a name
    or an acronym (``McGill``, ``ACRP``), or a word of one of the ``known`` names?"""
    bare = word.strip("\"'\u201c\u2018(")
    if bare == "I" or bare[1:] != bare[1:].lower() or not bare[:1].isupper():
        return True
    return any(re.search(rf"(?<!\w){re.escape(bare)}(?!\w)", k) for k in known)


#: Words of a name written in lower case: particles (``van``, ``de la``, ``bin``).
_PARTICLES = frozenset({"de", "del", "della", "der", "di", "da", "do", "dos", "du", "la",
                        "le", "van", "von", "y", "bin", "binti", "al", "el", "ten", "ter"})


def is_name(phrase: str) -> bool:
    """Is ``phrase`` a name (``Mrs. Hélène Roy``, ``Ludwig van Beethoven``): each word a
    capital first, but for particles?"""
    words = phrase.split()
    return bool(words) and words[0][:1].isupper() and all(
        w[:1].isupper() or w in _PARTICLES for w in words)


def lower_first(text: str, known: Iterable[str] = ()) -> str:
    """A sentence to follow a comma (``Hello Ms. Ruiz, we met ...``): its first letter in
    lower case unless the first word keeps its capital (``keeps_capital``)."""
    text = text.strip()
    first = text.split(maxsplit=1)[0] if text else ""
    if not first or keeps_capital(first, known):
        return text
    return text[:1].lower() + text[1:]


_TO_YOU = {"my": "your", "My": "Your", "me": "you", "mine": "yours", "myself": "yourself",
           "I": "you", "our": "your", "Our": "Your"}


def to_second_person(phrase: str) -> str:
    """The seeker's own words said back to them (a note on a sheet): ``my former
    manager`` -> ``your former manager``."""
    return re.sub(r"\b(my|My|me|mine|myself|I|our|Our)\b(?!\.)",
                  lambda m: _TO_YOU[m.group(1)], phrase)


#: Reported speech turned round: what the reader said to the seeker ("get your OSHA 30,
#: send it to my assistant") as the seeker says it back to the reader ("get my OSHA 30,
#: send it to your assistant"). The verbs that change with the person come first.
_SWAPPED = {"you are": "I am", "you were": "I was", "I am": "you are", "I was": "you were",
            "you're": "I'm", "I'm": "you're", "you've": "I've", "I've": "you've",
            "you'll": "I'll", "I'll": "you'll", "you'd": "I'd", "I'd": "you'd",
            "your": "my", "yours": "mine", "yourself": "myself", "my": "your",
            "mine": "yours", "myself": "yourself", "me": "you", "I": "you"}
_SWAP = re.compile(r"(?<![\w'\u2019])(you (?:are|were)|I (?:am|was)|(?:you|I)['\u2019]"
                   r"(?:re|m|ve|ll|d)|yours(?:elf)?|your|myself|mine|my|me|I|you)"
                   r"(?![\w'\u2019])", re.IGNORECASE)
#: Words after which "you" is the subject of a verb ("before you have"), so "I".
_SUBJECT_AFTER = frozenset({"before", "after", "until", "when", "once", "if", "unless",
                            "while", "because", "so", "and", "but", "or", "that", "where",
                            "since", "as", "than", "whether", "what", "how", "why"})
#: Words after which "you" is the subject ("you should call"), so "I".
_VERB_AFTER = re.compile(r"\s+(should|shall|can|could|will|would|must|might|may|have|had|"
                         r"do|don['\u2019]t|did|need|want|know|get|go|find|apply|start|take|"
                         r"see|feel|think|land|move|build|make|try|ask|keep|look|stay|join|"
                         r"write|send|talk|really|already|still|also|just|never|always)\b",
                         re.IGNORECASE)


def swap_persons(phrase: str) -> str:
    """The first and second persons exchanged, as reported speech is said back to the
    one who spoke: ``get your OSHA 30 before you apply`` -> ``get my OSHA 30 before I
    apply``; ``ask me again`` -> ``ask you again``. "We" and "our" are left alone."""
    def swap(match: re.Match[str]) -> str:
        word = match.group(0)
        key = word.replace("\u2019", "'")
        lower = key if key.startswith("I") and key[1:2] in ("", " ", "'") else key.lower()
        if lower == "you":
            before = phrase[:match.start()].split()
            subject = not before or before[-1].lower().strip(",;") in _SUBJECT_AFTER \
                or _VERB_AFTER.match(phrase, match.end()) is not None
            new = "I" if subject else "me"
        else:
            new = _SWAPPED.get(lower, word)
        new = new.replace("'", "\u2019") if "\u2019" in word else new
        return new[:1].upper() + new[1:] if word[:1].isupper() and new[:1] != "I" \
            and match.start() == 0 else new

    return _SWAP.sub(swap, phrase)


def subject(phrase: str) -> str:
    """A phrase that can stand before its verb: an appositive opened with a comma is
    closed with one (``my former commander, Col. Anne Ruiz,`` ... suggested)."""
    phrase = phrase.strip().rstrip(",")
    return phrase + "," if "," in phrase else phrase


def and_list(items: list[str]) -> str:
    """``A``, ``A and B``, ``A, B and C``."""
    if len(items) < 2:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def count(number: int, singular: str, plural: str | None = None) -> str:
    """``1 contact``, ``2 contacts``; ``plural`` for the irregular (``alumni``)."""
    noun = singular if number == 1 else (plural or singular + "s")
    return f"{number} {noun}"


def words(text: str) -> int:
    """How many words ``text`` holds (what is said aloud, give or take)."""
    return len(re.findall(r"[\w\u2019'$%.,-]+", text))


# -- typography over a document ---------------------------------------------------------

_SPACES = re.compile(r"[ \t\u00a0]{2,}")
#: A quote before a decade or year is an apostrophe: the '90s.
_ELIDED_YEAR = re.compile(r"\u2018(?=\d\d)")


@lru_cache(maxsize=8192)  # the templates' own sentences recur in every document
def typographic(text: str) -> str:
    """Curly quotes and apostrophes for straight ones; one space where there were two."""
    text = smartypants.smartypants(text, smartypants.Attr.q | smartypants.Attr.u)
    text = _ELIDED_YEAR.sub("\u2019", text)
    return _SPACES.sub(" ", text)


def _spans(spans: tuple[Span, ...]) -> tuple[Span, ...]:
    out: list[Span] = []
    for span in spans:
        text = typographic(span.text)
        if out and out[-1].text.endswith(" ") and text.startswith(" "):
            text = text[1:]
        out.append(replace(span, text=text))
    return tuple(out)


def typeset(blocks: tuple[Block, ...]) -> tuple[Block, ...]:
    """Every block's text set with curly quotes and single spaces (the templates' own
    words and the data alike), so no document mixes straight and curly quotes or shows a
    double space."""
    out: list[Block] = []
    for block in blocks:
        if isinstance(block, Paragraph | Heading):
            out.append(replace(block, spans=_spans(block.spans)))
        elif isinstance(block, ListBlock):
            out.append(replace(block, items=tuple(typeset(item) for item in block.items)))
        elif isinstance(block, Part):
            out.append(replace(block, blocks=typeset(block.blocks)))
    return tuple(out)
