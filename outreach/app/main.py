"""The library's entry points, one per command; usable without Click.

The document commands are ``pipeline.generate`` (plan -> render -> layout -> write), the
thank-you and keep-in-touch batches and the envelopes included: what a batch does beyond
one file per contact (its own choice of contacts, its print file, its table, mark-sent)
is the pipeline's, from the kind's entry (``Kind.choice``, ``print_file``, ``batch``,
``table``, ``left_out``, ``sent``). This module parses what those commands are told
(``--since``, ``--landed``); ``tracker`` holds the other commands: the contact list,
``log`` and ``due``.
"""

from __future__ import annotations

import datetime as dt
import re

from outreach.errors import UsageError

from .pipeline import Options, Report, generate, templates_for

__all__ = ["Options", "Report", "generate", "templates_for"]


def parse_since(value: str, today: dt.date) -> dt.date:
    """``7d`` (days back from today) or ``YYYY-MM-DD``."""
    text = value.strip().lower()
    if text.endswith("d") and text[:-1].isdigit():
        try:
            return today - dt.timedelta(days=int(text[:-1]))
        except OverflowError:
            raise UsageError(f"--since {value}: that is before the calendar begins") from None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise UsageError(f"--since takes a number of days (7d) or a date (YYYY-MM-DD), "
                         f"not {value!r}") from None



#: What ends an organization's name after a comma: "Acme, Inc." is one organization.
_COMPANY_ENDINGS = re.compile(r"^(inc|llc|llp|ltd|limited|co|corp|corporation|plc|gmbh|ag|"
                              r"sa|s\.a|sas|srl|bv|nv|pty|pc|lp|pllc|oy|ab|as|kk)\.?$",
                              re.IGNORECASE)
_LANDED_HOW = ('write "ROLE at ORGANIZATION" (--landed "Analyst at Acme, Inc.") or '
               '--role ROLE --organization ORGANIZATION')


def parse_landed(text: str | None, role: str | None = None,
                 organization: str | None = None) -> tuple[str, str]:
    """Where the seeker landed, as (role, organization), said one unambiguous way:
    ``--role``/``--organization``, ``"Policy Analyst at County GIS"``, or a single comma
    (``"Policy Analyst, County GIS"``) when it cannot be the comma of a name: ``"Analyst,
    Acme, Inc."`` is refused, never read as "Analyst, Acme" at "Inc."."""
    given = [" ".join(v.split()) if v is not None else None for v in (role, organization)]
    if text is None:
        if not all(given):
            raise UsageError(f"say where you landed: {_LANDED_HOW}")
        return given[0] or "", given[1] or ""
    if any(v is not None for v in given):
        raise UsageError(f"--landed, or --role and --organization, not both: {_LANDED_HOW}")
    words = " ".join(text.split())
    if words.lower().count(" at ") == 1:
        at = words.lower().index(" at ")
        found = (words[:at].strip(" ,"), words[at + 4:].strip(" ,"))
    else:
        parts = [p.strip() for p in words.split(",")]
        found = (parts[0], parts[1]) if len(parts) == 2 and not _COMPANY_ENDINGS.match(
            parts[1]) and " at " not in words.lower() else ("", "")
    if not all(found):
        raise UsageError(f"--landed {text!r} can be read more than one way (or names no "
                         f"organization): {_LANDED_HOW}")
    return found
