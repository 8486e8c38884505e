"""Names understood, salutations that never guess, points said to the reader (no files;
the text they are put into: tests/document/test_text.py)."""

from __future__ import annotations

import pytest

from outreach.campaign import names, points, rules
from outreach.document import text
from outreach.workspace.models import Contact


def contact(name: str, relationship: str = "acquaintance", **fields: object) -> Contact:
    return Contact.model_validate({"name": name, "relationship": relationship,
                                   "how_we_met": "We met", **fields})


@pytest.mark.parametrize("written,fields,honorific,given,family", [
    ("Mary Ann Fox", {}, "", "Mary Ann", "Fox"),
    ("Dr. Laila Haddad", {}, "Dr.", "Laila", "Haddad"),
    ("Ludwig van Beethoven", {}, "", "Ludwig", "van Beethoven"),
    ("Anneke van den Berg", {}, "", "Anneke", "van den Berg"),
    ("José María García Pérez", {"given": "José María", "family": "García Pérez"}, "",
     "José María", "García Pérez"),
    ("Chen Siyuan", {"given": "Siyuan", "family": "Chen"}, "", "Siyuan", "Chen"),
    ("Martin Luther King Jr.", {}, "", "Martin Luther", "King"),
    ("Cher", {}, "", "Cher", ""),
    ("王芳", {}, "", "", "王芳"),
    ("Αλέξανδρος Παπαδόπουλος", {}, "", "Αλέξανδρος", "Παπαδόπουλος"),
    ("Col. Anne Ruiz", {}, "Col.", "Anne", "Ruiz"),
    ("King Lee", {}, "", "King", "Lee"),  # a given name nameparser knows as a title
    ("J. Edgar Hoover", {}, "", "Edgar", "Hoover"),  # an initial is not what friends say
])
def test_names_are_parsed_and_explicit_parts_win(written: str, fields: dict[str, str],
                                                 honorific: str, given: str,
                                                 family: str) -> None:
    name = names.parse(written, **fields)
    assert (name.honorific, name.given, name.family) == (honorific, given, family)


def test_family_name_first_is_known_from_the_explicit_fields() -> None:
    assert names.parse("Chen Siyuan", given="Siyuan", family="Chen").family_first
    assert not names.parse("Mary Ann Fox").family_first


@pytest.mark.parametrize("name,fields,relationship,dear,hello", [
    ("Mary Ann Fox", {}, "acquaintance", "Dear Mary Ann Fox:", "Hello, is this Mary Ann Fox?"),
    ("Mary Ann Fox", {}, "friend", "Dear Mary Ann,", "Hi Mary Ann,"),
    ("Mary Ann Fox", {"honorific": "Ms."}, "acquaintance", "Dear Ms. Fox:",
     "Hello, Ms. Fox."),
    ("Dr. Laila Haddad", {}, "alumni", "Dear Dr. Haddad:", "Hello, Dr. Haddad."),
    ("Chen Siyuan", {"family_name": "Chen", "given_name": "Siyuan"}, "friend",
     "Dear Siyuan,", "Hi Siyuan,"),
    ("Chen Siyuan", {"family_name": "Chen", "given_name": "Siyuan", "honorific": "Ms."},
     "cold", "Dear Ms. Chen:", "Hello, Ms. Chen."),
    ("Ludwig van Beethoven", {"honorific": "Mr."}, "cold", "Dear Mr. van Beethoven:",
     "Hello, Mr. van Beethoven."),
    ("José María García Pérez", {"given_name": "José María",
                                 "family_name": "García Pérez", "honorific": "Mr."},
     "cold", "Dear Mr. García Pérez:", "Hello, Mr. García Pérez."),
    ("Martin Luther King Jr.", {"honorific": "Dr."}, "cold", "Dear Dr. King:",
     "Hello, Dr. King."),
    ("Cher", {}, "cold", "Dear Cher:", "Hello, is this Cher?"),
    ("王芳", {}, "friend", "Dear 王芳,", "Hi 王芳,"),
    ("Αλέξανδρος Παπαδόπουλος", {}, "friend", "Dear Αλέξανδρος,", "Hi Αλέξανδρος,"),
    ("Robert (Bob) Hale", {}, "friend", "Dear Bob,", "Hi Bob,"),
    ("Jim Park", {"salutation": "Mr. Park"}, "cold", "Dear Mr. Park:", "Hello, Mr. Park."),
])
def test_salutations_and_greetings_never_guess(name: str, fields: dict[str, str],
                                               relationship: str, dear: str,
                                               hello: str) -> None:
    person = contact(name, relationship, **fields)
    assert rules.salutation(person) == dear
    assert rules.greeting(person) == hello


def test_a_call_never_opens_with_a_bare_full_name() -> None:
    hale = contact("Marcus Hale", "referral", referred_by="Laila Haddad")
    assert rules.greeting(hale) == "Hello, is this Marcus Hale?"
    assert rules.voicemail_greeting(hale) == "Hello, this message is for Marcus Hale."
    assert "Hello, Marcus Hale." not in (rules.greeting(hale), rules.voicemail_greeting(hale))


def test_the_inside_address_carries_the_honorific_once() -> None:
    assert names.parse("Robert Whitcombe", honorific="Mr.").with_honorific == \
        "Mr. Robert Whitcombe"
    assert names.parse("Dr. Laila Haddad").with_honorific == "Dr. Laila Haddad"


@pytest.mark.parametrize("point,word,rewritten", [
    ("A CSCP matters less to him than a record of running a P&L", "him",
     "A CSCP matters less than a record of running a P&L"),
    ("He says defense contractors hire former logisticians first", "He",
     "Defense contractors hire former logisticians first"),
    ("Robert thinks APICS matters more", "Robert", "APICS matters more"),
    ("Hospital supply chains are where she sees the most openings", "she", None),
    ("The contact prefers e-mail", "The contact", None),
])
def test_points_in_the_third_person_are_found_and_rewritten(point: str, word: str,
                                                            rewritten: str | None) -> None:
    person = contact("Robert Whitcombe")
    assert points.third_person(point, person) == word
    assert points.rewrite(point, person) == rewritten
    advice = points.advice(point, person)
    assert advice is not None and "as you would say it to them" in advice


def test_a_point_said_to_the_reader_is_left_alone() -> None:
    person = contact("Robert Whitcombe")
    assert points.advice("A CSCP matters less than a record of running a P&L",
                         person) is None


def test_a_salutation_gives_the_inside_address_its_honorific() -> None:
    assert names.of(contact("Jim Park", salutation="Mr. Park")).with_honorific == \
        "Mr. Jim Park"
    assert names.of(contact("Amélie Côté-Nguyễn", salutation="Mme Côté-Nguyễn")
                    ).with_honorific == "Mme Amélie Côté-Nguyễn"
    assert names.of(contact("Maria Lopez", "friend", salutation="Maria")).with_honorific == \
        "Maria Lopez"


def test_a_hyphenated_middle_starts_the_family_name() -> None:
    assert names.parse("Zoë Ægir-Łukasiewicz 山田").given == "Zoë"


def test_names_remembered_in_one_run_are_never_another_contacts() -> None:
    """Names are parsed once per text: the remembered answer must be the one asked for,
    the parts given explicitly included."""
    first = [names.of(contact(n)) for n in ("Dr. Laila Haddad", "Jim Park", "Anne Ruiz")]
    again = [names.of(contact(n)) for n in ("Jim Park", "Anne Ruiz", "Dr. Laila Haddad")]
    assert [n.family for n in first] == ["Haddad", "Park", "Ruiz"]
    assert [n.family for n in again] == ["Park", "Ruiz", "Haddad"]
    assert names.parse("Chen Siyuan").family == "Siyuan"
    assert names.parse("Chen Siyuan", given="Siyuan", family="Chen").family == "Chen"
    assert names.of(contact("Jim Park", honorific="Mr.")).formal == "Mr. Park"
    assert names.of(contact("Jim Park")).formal == ""
    assert [text.typographic(t) for t in ('"a"', "'b'", '"a"')] == ["\u201ca\u201d",
                                                                   "\u2018b\u2019",
                                                                   "\u201ca\u201d"]
