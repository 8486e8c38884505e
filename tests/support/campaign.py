"""A workspace with a contact at every point of a campaign, dated from the real today
(a booked meeting must stand ahead of the clock), for the campaign's tests.

``build(root)`` writes it; ``EXPECTED`` says each contact's stage, and the ids of each
stage are what a batch for that stage must write.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

from conftest import REPO

TODAY = dt.date.today()


def day(offset: int) -> str:
    return (TODAY + dt.timedelta(days=offset)).isoformat()


#: Contact id -> (stage today, file text). Names in other scripts, family name first,
#: a file with placeholders from an import, a decline without how_we_met.
CONTACTS: dict[str, tuple[str, str]] = {
    "nadia-haddad": ("new", """\
name: Nadia Haddad
honorific: Dr.
title: Director of Research
organization: Levant Policy Institute
address: |
  5 Harbor Road
  Springfield, IL 62701
email: nadia.haddad@example.org
relationship: cold
how_we_met: I read your report on rental housing in the Midwest
"""),
    "wang-fang": ("new", """\
name: 王芳 (Fang Wang)
title: Planner
organization: Metro Transit Authority
email: fang.wang@example.org
relationship: alumni
how_we_met: We both studied planning at the University of Illinois Springfield
"""),
    "jonas-weber": ("incomplete", """\
name: Jonas Weber
title: Analyst
organization: Acme Analytics
relationship: acquaintance
how_we_met: <<how you know them, a sentence in your own words>>
"""),
    "ivan-petrov": ("approached", f"""\
name: Иван Петров (Ivan Petrov)
honorific: Mr.
family_name: Petrov
title: Senior Planner
organization: County Planning Office
phone: "+1 217 555 0133"
relationship: cold
how_we_met: I heard your talk on zoning at the county library
history:
  - {{date: {day(-5)}, event: letter-sent}}
"""),
    "li-na": ("scheduled", f"""\
name: Li Na
given_name: Na
family_name: Li
title: Housing Analyst
organization: City of Springfield
email: li.na@example.org
phone: "+1 217 555 0144"
relationship: friend
history:
  - {{date: {day(-9)}, event: letter-sent, mode: e-mail}}
  - date: {day(2)}
    event: meeting
    time: "14:30"
    minutes: 25
"""),
    "farid-rahimi": ("met", f"""\
name: Farid Rahimi
honorific: Mr.
title: Program Officer
organization: Prairie Foundation
email: farid.rahimi@example.org
relationship: acquaintance
how_we_met: We met at the housing summit in October
history:
  - {{date: {day(-12)}, event: letter-sent, mode: e-mail}}
  - {{date: {day(-1)}, event: meeting, time: "10:00", minutes: 20}}
"""),
    "grace-obi": ("met", f"""\
name: Grace Obi
honorific: Ms.
title: Data Manager
organization: County GIS
email: grace.obi@example.org
relationship: referral
referred_by: farid-rahimi
history:
  - {{date: {day(-10)}, event: letter-sent}}
  - date: {day(-3)}
    event: call
    mode: phone
    points: [A GIS certificate opens the door to county work]
"""),
    "hana-sato": ("declined", f"""\
name: Hana Sato
honorific: Ms.
title: Chief Operating Officer
organization: Riverside Bank
email: hana.sato@example.org
relationship: cold
history:
  - {{date: {day(-50)}, event: letter-sent}}
  - {{date: {day(-42)}, event: declined}}
"""),
    "omar-khan": ("thanked", f"""\
name: Omar Khan
honorific: Mr.
title: Planner
organization: City of Springfield
email: omar.khan@example.org
relationship: acquaintance
how_we_met: We met at a city council hearing
history:
  - {{date: {day(-40)}, event: letter-sent}}
  - date: {day(-33)}
    event: meeting
    points: [Volunteer on a neighborhood plan to learn the process]
  - {{date: {day(-32)}, event: thank-you-sent}}
"""),
    "rosa-diaz": ("kept-in-touch", f"""\
name: Rosa Díaz
honorific: Ms.
title: Director of Housing
organization: Springfield Housing Authority
relationship: friend
history:
  - {{date: {day(-60)}, event: meeting}}
  - {{date: {day(-59)}, event: thank-you-sent}}
  - {{date: {day(-2)}, event: keep-in-touch-sent}}
"""),
    "tom-brandt": ("approached", f"""\
name: Tom Brandt
honorific: Mr.
title: Manager
organization: Brandt Consulting
phone: "+1 217 555 0155"
relationship: cold
how_we_met: Your firm's work on the downtown plan
history:
  - {{date: {day(-30)}, event: letter-sent}}
  - {{date: {day(-22)}, event: follow-up}}
  - {{date: {day(-12)}, event: follow-up}}
"""),
}

EXPECTED = {cid: stage for cid, (stage, _) in CONTACTS.items()}


def at(stage: str) -> list[str]:
    """The ids of the contacts at ``stage``, sorted."""
    return sorted(cid for cid, found in EXPECTED.items() if found == stage)


def build(root: Path) -> Path:
    """The campaign workspace at ``root`` (the sample profile, these contacts)."""
    shutil.copytree(REPO / "profiles", root / "profiles",
                    ignore=shutil.ignore_patterns("contacts"))
    folder = root / "profiles" / "contacts"
    folder.mkdir()
    for cid, (_, text) in CONTACTS.items():
        (folder / f"{cid}.yaml").write_text(text, encoding="utf-8")
    return root
