"""The campaign's stages as words: what the command line offers (``--stage``) without
loading anything else; ``outreach/campaign/stages.py`` derives each contact's from its history."""

from __future__ import annotations

from typing import Literal, get_args

Stage = Literal["incomplete", "new", "approached", "scheduled", "met", "declined",
                "thanked", "kept-in-touch"]
STAGES: tuple[Stage, ...] = get_args(Stage)

#: The rule of each stage, as docs/campaign.md and ``--help`` say it.
RULES: dict[Stage, str] = {
    "incomplete": "the file still holds <<...>> placeholders",
    "new": "nothing sent, said or booked yet",
    "approached": "written to (letter-sent), no conversation since",
    "scheduled": "a meeting or call booked for a later day (or later today)",
    "met": "the last conversation (meeting or call) was held and not yet thanked",
    "declined": "declined, and not yet thanked (the guides say to send a thank-you anyway)",
    "thanked": "a thank-you sent after the last conversation or decline",
    "kept-in-touch": "a keep-in-touch letter sent after that",
}
