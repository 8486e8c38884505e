"""Text that stays grammatical whatever the data: articles, sentences, typography, plurals
(outreach/document/text.py; no files)."""

from __future__ import annotations

import pytest

from outreach.document import text


@pytest.mark.parametrize("phrase,expected", [
    ("18-year Army logistics officer", "an 18-year Army logistics officer"),
    ("8,000-soldier brigade", "an 8,000-soldier brigade"),
    ("11-year veteran", "an 11-year veteran"),
    ("1,100-vehicle convoy", "a 1,100-vehicle convoy"),
    ("80-person team", "an 80-person team"),
    ("MBA student", "an MBA student"),
    ("NDTA member", "an NDTA member"),
    ("FAA inspector", "an FAA inspector"),
    ("NASA engineer", "a NASA engineer"),
    ("NATO planner", "a NATO planner"),
    ("OSHA trainer", "an OSHA trainer"),
    ("USMC veteran", "a USMC veteran"),
    ("U.S. Army officer", "a U.S. Army officer"),
    ("honest broker", "an honest broker"),
    ("university graduate", "a university graduate"),
    ("Army veteran", "an Army veteran"),
    ("my first career", "my first career"),
    ("executive", "an executive"),
])
def test_articles_before_numbers_and_acronyms(phrase: str, expected: str) -> None:
    assert text.with_article(phrase) == expected


def test_user_sentences_get_a_capital_a_stop_and_closed_appositives() -> None:
    assert text.sentence("we met at the NDTA Fall Meeting") == \
        "We met at the NDTA Fall Meeting."
    assert text.sentence("Is it?") == "Is it?"
    assert text.sentence("eBay hires planners") == "eBay hires planners."
    assert text.sentence('He called it "lean"') == 'He called it "lean."'
    assert text.subject("my former commander, Col. Anne Ruiz") == \
        "my former commander, Col. Anne Ruiz,"
    assert text.subject("Tom Brandt") == "Tom Brandt"


def test_typography_curly_quotes_and_one_space() -> None:
    assert text.typographic("I'd say  \"yes\" to the '90s") == \
        "I\u2019d say \u201cyes\u201d to the \u201990s"


def test_plurals_and_lists() -> None:
    assert text.count(1, "contact") == "1 contact"
    assert text.count(3, "alumnus", "alumni") == "3 alumni"
    assert text.and_list(["A", "B", "C"]) == "A, B and C"
