"""``outreach init``: a new workspace, ready to fill in.

Writes a commented skeleton profile whose values are placeholders (``<<your full
name>>``: see outreach/workspace/placeholders.py, so a letter is refused, field by field, until
they are replaced), one commented example contact, an empty ``templates/`` with a note
on overriding, a commented ``smtp.yaml`` for ``outreach send``, a ``.gitignore`` for
``output/``, and the JSON Schemas an editor uses to check the YAML as it is typed.
Nothing that exists is ever overwritten: a second ``init`` changes nothing and says so.
Everything is checked before anything is written (a file where a folder goes, a folder
where a file goes, a folder that cannot be written in): init does all of it or none.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from outreach.errors import OutputError, display_path

from .models import GOALS
from .output import Planned, create_new, record
from .paths import CONTACTS
from .schema import SCHEMA_DIR, file_name, modeline, schema_text

_GOAL_LINES = "".join(f"#   {goal:<20} {what}\n" for goal, what in GOALS.items())

PROFILE = f"""\
# Your profile: who you are, for every letter, phone script and question sheet.
# Replace each <<...>> with your own words: outreach refuses to write a letter while one
# is left, and names each. Lines starting with # are comments; keep or delete them.

# Your full name, as you sign your letters.
name: <<your full name>>
# How to reach you, printed under your name (delete a line you do not want printed).
email: <<your e-mail address>>
phone: "<<your telephone number>>"
address: |
  <<your street and number>>
  <<your town, state and postal code>>

# Who you are now, completing "I am a ...".
status: <<who you are now, for example a recent graduate in public policy>>
# Your 15-second summary, in the first person: what you have done, what you are exploring.
summary: >-
  <<two or three sentences about you, for example: This spring I finished my master's
  in public policy, where I analyzed housing data for the city.>>

# What you want to learn from these conversations; the questions are chosen for them:
{_GOAL_LINES}goals: [explore-fit, break-in]
# The field and roles you are exploring.
target:
  field: <<the field you are exploring, for example urban planning>>
  roles: ["<<a role you are considering>>"]
# Strengths you bring (a few words each) and what you have done that shows them.
strengths: ["<<a strength, for example housing data analysis>>"]
accomplishments:
  - <<something you did, in a sentence, for example Led a survey of 40 tenants>>

# Your résumé, a PDF or DOCX file beside this one. An approach letter never encloses it;
# a thank-you letter does when the rules say so. Remove the # to use it.
# resume: resume.pdf

# How many minutes your letters ask for (10 to 30).
meeting_minutes: 20
# When you can meet: the phone script offers two of these.
availability: ["<<a time you are free, for example Tuesday morning>>",
               "<<another, for example Wednesday afternoon>>"]
# letter (US paper, dates like November 21, 2026) or a4 (21 November 2026).
paper: letter
"""

CONTACT = """\
# One person you will write to. The file's name (without .yaml) is the contact's id:
# `outreach letter example-contact` writes to them. Copy this file for each person
# (or run `outreach import linkedin Connections.csv`), or delete it.

name: <<their full name>>
# Optional: how the letter greets them (without it: the first name for a friend, else
# the full name).
# salutation: Ms. Rivera
title: <<their job title>>
organization: <<where they work>>
# For the letter's inside address, one line each.
address: |
  <<their street and number>>
  <<their town, state and postal code>>
email: <<their e-mail address, or delete this line>>
phone: "<<their telephone number, or delete this line>>"
# friend | acquaintance | alumni | referral | cold: sets the letter's tone and opening.
relationship: acquaintance
# How you came to write, a sentence in your own voice; the letter opens with it (needed
# for acquaintance, alumni and cold). For a referral, write referred_by: instead (another
# contact's id, or the name of who suggested them).
how_we_met: <<how you know of them, in a sentence, for example We met at the housing forum>>
# false: they are far away, and the letter offers a telephone conversation instead.
local: true
# Your research notes, printed on the question sheet.
notes: <<what you learned about them and their organization, or delete this line>>
# What happens next is recorded with `outreach log`, which adds a history here.
"""

TEMPLATES_NOTE = """\
# Your templates

A file here with the name of a built-in template is used instead of the built-in one
(for example `document.css` for the PDF's look, `reference.docx` for the Word styles,
`approach-letter.md.j2` for the letter's words). `questions.yaml` here extends the
question bank.

    outreach templates                 lists the built-in templates and yours
    outreach templates copy NAME       copies one here to edit (never over yours)
    outreach templates diff NAME       shows how yours differs from the built-in
"""

SMTP = """\
# Your outgoing mail server, for `outreach send` (only --send needs it: without --send,
# outreach send shows what it would send). Remove the # before each line you fill in.
# The password is never kept in a file: outreach send asks for it, or reads it from the
# environment variable OUTREACH_SMTP_PASSWORD (or the one password_env names).

# The server's name, from your mail provider's help pages.
# host: smtp.example.org
# starttls (port 587, the usual), ssl (port 465) or none (port 25, unencrypted).
# tls: starttls
# Only if your provider says another port.
# port: 587
# The name you log in with, often your e-mail address.
# user: you@example.org
# Another environment variable to read the password from.
# password_env: OUTREACH_SMTP_PASSWORD
# At most this many messages a minute (1 to 120), so the server does not take you for
# a sender of spam.
# per_minute: 10
"""

GITIGNORE = "# What outreach writes; it can always be written again.\noutput/\n"


@dataclass
class Initialized:
    """What ``init`` did: the files it wrote and those it found already there."""

    root: Path
    written: list[Path] = field(default_factory=list)
    kept: list[Path] = field(default_factory=list)


def _files(root: Path) -> list[tuple[Path, str]]:
    profile = root / "profiles" / "candidate.yaml"
    contact = root / CONTACTS / "example-contact.yaml"
    files = [(root / SCHEMA_DIR / file_name(kind), schema_text(kind))
             for kind in ("profile", "contact")]
    if not any((root / "profiles").glob("*.yaml")):  # a profile of another name is kept
        files.append((profile, modeline(profile, root, "profile") + PROFILE))
    if not any((root / CONTACTS).glob("*.yaml")):
        files.append((contact, modeline(contact, root, "contact") + CONTACT))
    files += [(root / "templates" / "README.md", TEMPLATES_NOTE),
              (root / "smtp.yaml", SMTP), (root / ".gitignore", GITIGNORE)]
    return files


def _blocker(path: Path) -> str | None:
    """What would stop init writing ``path``: a file where a folder goes, a folder where
    the file goes, a folder it cannot write in."""
    for folder in reversed(path.parents):  # from the top down
        if folder.exists() and not folder.is_dir():
            return f"{display_path(folder)} is a file, where init makes a folder"
    if path.is_dir():
        return f"{display_path(path)} is a folder, where init writes a file"
    nearest = next(p for p in path.parents if p.exists())
    if not os.access(nearest, os.W_OK | os.X_OK):
        return f"cannot write in {display_path(nearest)}"
    return None


def init(root: Path) -> Initialized:
    """Make ``root`` a workspace; every file that exists is kept as it is. Everything
    is checked first: nothing is written unless all of it can be."""
    files = _files(root)
    problems = dict.fromkeys(p for p in (_blocker(path) for path, _ in files) if p)
    if problems:
        raise OutputError("; ".join(problems) + ": move it away and run init again "
                          "(nothing was written)")
    done = Initialized(root)
    for path, text in files:
        if create_new(path, text.encode("utf-8")):
            done.written.append(path)
        else:
            done.kept.append(path)
    (root / CONTACTS).mkdir(parents=True, exist_ok=True)
    schemas = root / SCHEMA_DIR  # outreach's own: `outreach schema -o schema` renews them
    record([Planned(p, t.encode("utf-8")) for p, t in files
            if p in done.written and p.parent == schemas], within=(schemas,))
    return done
