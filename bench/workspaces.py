"""Workspaces of any size for the benchmark and the tests: the sample profile and many
contacts unlike one another (relationships, accents, long and short notes, near and far,
meetings by phone and in person, résumés kept, asked for, not discussed).

``make(folder, count)`` writes ``profiles/`` under ``folder``; the same count always
gives the same contacts, so runs can be compared.
"""

from __future__ import annotations

import shutil
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

GIVEN = ["Ana", "Bruno", "Chiara", "Dmitri", "Élodie", "Farid", "Grace", "Hiroshi", "Ingrid",
         "José", "Kwame", "Lena", "Marek", "Nadia", "Oren", "Paula", "Quentin", "Rosa",
         "Søren", "Thu", "Umar", "Vera", "Wen", "Ximena", "Yusuf", "Zoë"]
FAMILY = ["Abara", "Brennan", "Castellanos", "Dubois", "Eriksen", "Fujimoto", "García",
          "Haddad", "Ivanova", "Jansen", "Kowalczyk", "Lindqvist", "Moreau", "Nakamura",
          "O'Neill", "Petrović", "Quispe", "Rahman", "Schäfer", "Tran", "Ueda", "Van der Berg",
          "Wójcik", "Xu", "Yilmaz", "Zanetti"]
TITLES = ["Director of Planning", "Senior Transportation Planner", "Housing Program Manager",
          "Chief Executive Officer", "GIS Analyst", "Urban Designer", "Policy Analyst",
          "Vice President, Community Development", "Principal Planner", ""]
ORGS = ["City of Springfield", "Chicago Metropolitan Agency for Planning",
        "Prairie State Housing Trust", "Cascade Urban Partners", "Atelier Urbain Côté & Frères",
        "Sangamon County Land Bank", "Illinois Rural Housing Coalition"]
RELATIONSHIPS = ["acquaintance", "alumni", "cold", "friend", "referral"]
HOW = ["We met at the Illinois Housing Summit in October, where you spoke about rural "
       "lending", "I read your article on missing-middle housing in Planning magazine",
       "I found your name in the alumni directory of the public policy program",
       "We spoke briefly after the county's open house on the new land-use plan, when you "
       "described how your team chooses which parcels to map first and asked students to "
       "write"]
NOTES = ["Leads the 2025 housing plan.", "Works on regional transit-oriented development; "
         "speaks English and Spanish.", "", "Wrote on zoning reform for duplexes and "
         "fourplexes; firm consults for mid-sized cities across the Midwest and the South."]
POINTS = ["The plan's data team hires from internships",
          "Regional agencies value GIS skills as much as a planning degree",
          "Rural housing finance is where the field will grow over the next five years"]


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def contact_yaml(n: int, *, meeting: str | None = None) -> str:
    """The YAML of contact number ``n``; ``meeting`` (a date) logs a conversation then."""
    given, family = GIVEN[n % len(GIVEN)], FAMILY[(n * 7) % len(FAMILY)]
    relationship = RELATIONSHIPS[n % len(RELATIONSHIPS)]
    title, org = TITLES[n % len(TITLES)], ORGS[n % len(ORGS)]
    lines = [f"name: {_quote(f'{given} {family}')}", f"organization: {_quote(org)}",
             f"relationship: {relationship}", f"local: {'true' if n % 3 else 'false'}",
             "address: |", f"  {100 + n} Main Street, Suite {n % 40 + 1}",
             f"  Springfield, IL 627{n % 100:02d}"]
    if title:
        lines.append(f"title: {_quote(title)}")
    if relationship != "friend":
        lines.append(f"how_we_met: {_quote(HOW[n % len(HOW)])}")
    if relationship == "referral":
        lines.append("referred_by: Maria Lopez")
    if NOTES[n % len(NOTES)]:
        lines.append(f"notes: {_quote(NOTES[n % len(NOTES)])}")
    if n % 4 == 1:
        lines.append(f"phone: \"+1 217 555 01{n % 100:02d}\"")
    if meeting:
        lines += _history(n, meeting)
    return "\n".join(lines) + "\n"


def _history(n: int, day: str) -> list[str]:
    """A conversation on ``day``: two in five letters enclose the résumé (a call, or a
    meeting by phone where it was not discussed); the rest met people who have it."""
    encloses = n % 5 in (0, 3)
    mode = "phone" if encloses else "in-person"
    resume = "not-discussed" if encloses else ("kept", "reviewed", "not-discussed")[n % 3]
    points = ", ".join(_quote(p) for p in POINTS[: 1 + n % 2])
    return ["history:", "  - {date: 2026-11-02, event: letter-sent}",
            f"  - {{date: {day}, event: meeting, mode: {mode}, resume: {resume}, "
            f"points: [{points}]}}"]


def make(folder: Path, count: int, *, meetings: bool = False) -> Path:
    """A workspace at ``folder`` with the sample profile and ``count`` contacts."""
    profiles = folder / "profiles"
    shutil.copytree(REPO / "profiles", profiles, dirs_exist_ok=True,
                    ignore=shutil.ignore_patterns("contacts"))
    contacts = profiles / "contacts"
    contacts.mkdir(exist_ok=True)
    for n in range(count):
        day = f"2026-11-{16 + n % 4:02d}" if meetings else None
        (contacts / f"contact-{n:04d}.yaml").write_text(contact_yaml(n, meeting=day),
                                                         encoding="utf-8")
    return folder
