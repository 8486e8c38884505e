"""A person's name understood: honorific, given names, family name, suffix, and order.

``name`` in a contact file is parsed with nameparser (a well-kept parser of names in
the Western order: it knows honorifics and ranks, particles such as ``van`` and ``de
la``, suffixes such as ``Jr.`` and ``PhD``, and nicknames in brackets). What no parser
can know is said in the file: ``given_name`` and ``family_name`` (a family name written
first, as in ``Chen Siyuan``; two family names, as in ``García Pérez``) and
``honorific``, which outreach never guesses, since it would be guessing gender.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import TYPE_CHECKING

from outreach import cache as kept
from outreach.workspace.models import Contact

if TYPE_CHECKING:  # nameparser loads its word lists on import (60 ms): only when a name
    from nameparser import HumanName  # is parsed, not for `contacts` or `due`
    from nameparser.config import Constants

#: Honorifics written out in full that are never also given names (unlike "King",
#: "Prince", "Dean" or "Major", which nameparser also knows as titles). A title written
#: with a full stop ("Dr.", "Col.", "Maj. Gen.") is always an honorific.
_HONORIFIC_WORDS = frozenset({
    "mr", "mrs", "ms", "miss", "mx", "dr", "doctor", "prof", "professor", "rev",
    "reverend", "sir", "dame", "sister", "father", "brother", "rabbi", "imam", "judge",
    "justice", "senator", "governor", "mayor", "ambassador", "captain", "colonel",
    "general", "lieutenant", "sergeant", "admiral", "commander", "mme", "mlle", "herr",
    "frau",
})
_INITIAL = re.compile(r"^\w\.?$")


@dataclass(frozen=True)
class PersonName:
    """The parts of one person's name; an empty string is a part not known."""

    written: str
    honorific: str
    given: str
    family: str
    suffix: str = ""
    #: What they are called among friends, when the name says it (``Robert (Bob) Hale``).
    nickname: str = ""
    #: The name in Latin letters given beside one in another script (``王芳 (Fang
    #: Wang)``): what a salutation and a call say; the inside address keeps ``written``.
    latin: str = ""

    @property
    def full(self) -> str:
        """The name without the honorific, as written: ``Laila Haddad``, ``Chen Siyuan``
        (its Latin form when one is given beside another script: ``Fang Wang``)."""
        text = self.latin or self.written
        if self.nickname:  # Robert (Bob) Hale -> Robert Hale
            text = " ".join(re.sub(rf"[(\"“']{re.escape(self.nickname)}[)\"”']", "", text).split())
        if self.honorific and text.startswith(self.honorific):
            text = text[len(self.honorific):].strip(" ,")
        return text or self.written

    @property
    def formal(self) -> str:
        """``Dr. Haddad``, ``Ms. Chen``, ``Mr. García Pérez``: only with an honorific."""
        if not self.honorific or not self.family:
            return ""
        return f"{self.honorific} {self.family}"

    @property
    def familiar(self) -> str:
        """How a friend is greeted: the nickname, else the given names, else the name."""
        return self.nickname or self.given or self.full

    @property
    def with_honorific(self) -> str:
        """The inside address's name line: ``Mr. Robert Whitcombe``, ``Dr. Laila Haddad``."""
        if not self.honorific or self.written.startswith(self.honorific):
            return self.written
        return f"{self.honorific} {self.written}"

    @property
    def family_first(self) -> bool:
        """Is the family name written before the given name (``Chen Siyuan``)?"""
        if not self.family or not self.given:
            return False
        return self.full.startswith(self.family) and not self.full.startswith(self.given)


#: A name with another in brackets, ASCII or full-width (U+FF08, U+FF09).
_BRACKETED = re.compile("^(?P<outside>[^()\uff08\uff09]+?)\\s*[(\uff08]"
                        "(?P<inside>[^()\uff08\uff09]+)[)\uff09]\\s*$")


def _is_latin(text: str) -> bool:
    """Are all the letters of ``text`` Latin ones (``Zoë``, ``Nguyễn`` included)?"""
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and all("LATIN" in unicodedata.name(c, "") for c in letters)


def latin_form(written: str) -> str:
    """The Latin form given in brackets after a name in another script (``김민준 (Minjun
    Kim)`` -> ``Minjun Kim``), with the honorific written before it kept; else empty."""
    match = _BRACKETED.match(written.strip())
    if match is None or _is_latin(match["outside"]) or not _is_latin(match["inside"]):
        return ""
    honorific = [w for w in match["outside"].split() if _is_latin(w) and w.endswith(".")]
    return " ".join([*honorific, match["inside"].strip()])


def as_written(written: str) -> str:
    """The name in its own script, without the Latin form in brackets after it
    (``김민준 (Minjun Kim)`` -> ``김민준``); any other name as it is. An address's display
    name: the brackets would be a comment there, which Python's own mail reader splits
    when the header is folded ("Kovalenk o")."""
    if not latin_form(written):
        return written
    match = _BRACKETED.match(written.strip())
    assert match is not None
    return match["outside"].strip()


def _is_honorific(title: str) -> bool:
    return all(w.endswith(".") or w.lower() in _HONORIFIC_WORDS for w in title.split())


@cache
def _constants_without(words: frozenset[str]) -> Constants:
    """nameparser's constants with some titles taken as names (``King Lee``)."""
    from nameparser.config import Constants  # deferred: nameparser

    constants = Constants()
    constants.titles.remove(*words)
    return constants


def _parse(written: str) -> HumanName:
    from nameparser import HumanName  # deferred: nameparser

    parsed = HumanName(written)
    if parsed.title and not _is_honorific(parsed.title):
        words = frozenset(w.lower().strip(".") for w in parsed.title.split())
        parsed = HumanName(written, constants=_constants_without(words))
    return parsed


def _given(parsed: HumanName) -> str:
    """The given names before the family name, initials left out (``J. Edgar`` ->
    ``Edgar``; ``Mary Ann`` stays ``Mary Ann``); a hyphenated middle name is taken as the
    start of a double family name (``Zoë Ægir-Łukasiewicz ...`` -> ``Zoë``)."""
    middles: list[str] = []
    for word in parsed.middle_list:
        if "-" in word:
            break
        middles.append(word)
    words = [*parsed.first_list, *middles]
    kept = [w for w in words if not _INITIAL.match(w)]
    return " ".join(kept or words[:1])


Reading = tuple[str, str, str, str, str]


def _reading(written: str) -> Reading:
    """What the parser reads in ``written``: honorific, given names, family name, suffix
    and nickname. Kept in the cache (keyed by the name, outreach's code and nameparser's),
    so a batch run again loads no parser: loading it and reading a hundred names took a
    tenth of such a run."""
    def read() -> Reading:
        parsed = _parse(written)
        title = parsed.title if parsed.title and _is_honorific(parsed.title) else ""
        return (title, _given(parsed), parsed.last, parsed.suffix, parsed.nickname)

    return kept.remembered(kept.code_key("name", written), read, _reading_kept)


def _reading_kept(data: bytes) -> Reading:
    parts = json.loads(data)
    if not (isinstance(parts, list) and len(parts) == 5 and
            all(isinstance(part, str) for part in parts)):
        raise ValueError("not a name's reading")
    return (parts[0], parts[1], parts[2], parts[3], parts[4])


@lru_cache(maxsize=4096)  # a batch asks for each contact's name several times
def parse(written: str, *, given: str | None = None, family: str | None = None,
          honorific: str | None = None) -> PersonName:
    """The parts of ``written``; each explicit part given wins over the parser's (a
    PersonName is frozen, so the same one is handed to every caller)."""
    latin = latin_form(written)
    title, read_given, read_family, suffix, nickname = _reading(latin or written)
    return PersonName(
        written=written,
        honorific=honorific or title,
        given=given or read_given,
        family=family or read_family,
        suffix=suffix,
        nickname=nickname,
        latin=latin,
    )


def of(contact: Contact) -> PersonName:
    """A contact's name, with the file's ``given_name``, ``family_name`` and
    ``honorific`` over what the parser reads; a ``salutation`` such as ``Mr. Park``
    gives the honorific when nothing else does (for the inside address)."""
    honorific = contact.honorific
    if not honorific and contact.salutation:
        honorific = parse(contact.salutation).honorific or None
    return parse(contact.name, given=contact.given_name, family=contact.family_name,
                 honorific=honorific)


#: Family names often written first (Chinese, Korean, Vietnamese, Japanese ones):
#: a friend's name that starts with one may be greeted by the family name.
_FAMILY_FIRST_WORDS = """
wang li zhang liu chen yang huang zhao wu zhou xu sun ma zhu hu guo he gao lin luo zheng
liang xie song tang han feng deng cao peng zeng xiao tian dong pan yuan cai jiang yu du ye
cheng wei su lu ding ren shen yao jin fu zhong tan lam chan wong cheung leung ng ho lau chow
tsang yip kwok chu lo tse mak kim lee park choi jung jeong kang cho yoon jang lim oh seo
shin kwon hwang ahn yoo hong jeon ko moon son bae baek heo nam noh nguyen tran le pham hoang
huynh phan vu vo dang bui do ngo duong ly sato suzuki takahashi tanaka watanabe ito
yamamoto nakamura kobayashi kato
"""
FAMILY_FIRST = frozenset(_FAMILY_FIRST_WORDS.split())


def _folded(word: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", word.casefold())
                   if not unicodedata.combining(c))


def may_be_family_first(contact: Contact) -> bool:
    """Might a friend be greeted by their family name (``Wang Lei``, ``Nguyễn Văn An``)?
    When the name is read given-name-first, starts with a family name often written
    first, and neither ``given_name`` nor a ``salutation`` says how to greet them."""
    if contact.given_name or contact.salutation or contact.relationship != "friend":
        return False
    name = of(contact)
    words = name.full.split()
    return (1 < len(words) <= 3 and not name.nickname and name.given.startswith(words[0])
            and _folded(words[0]) in FAMILY_FIRST)
