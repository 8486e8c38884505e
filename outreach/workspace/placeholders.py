"""Placeholders: ``<<your full name>>``, what ``outreach init`` and ``outreach import`` leave
for the user to fill in.

A value holding ``<<...>>`` is valid YAML and valid text, so without this check a letter
would print it. ``load`` (used by the workspace to read a profile or a contact) refuses
a file that still holds one, naming each field on its own line, together with the file's
other problems. Listing commands (``contacts``, ``due``) run inside
``placeholders_allowed()``: a freshly imported contact is listed before it is filled in.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Iterator, Mapping
from contextvars import ContextVar
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel

from outreach.errors import InputError, Problem

from .loading import LineMap, field_name, line_of, model_at, read_yaml, validate
from .models import NEEDS_HOW_WE_MET

M = TypeVar("M", bound=BaseModel)

#: ``<<what to write here>>``: never in anything a person would really write.
PLACEHOLDER = re.compile(r"<<[^<>\n]*>>")
_REFUSE: ContextVar[bool] = ContextVar("refuse_placeholders", default=True)

#: Fields a model leaves optional that a letter needs all the same, given the fields
#: beside them (those of the same mapping): why, or None when it may go.
NEEDED_WHEN: dict[str, Callable[[Mapping[str, Any]], str | None]] = {
    "how_we_met": lambda beside: (
        "the approach letter opens with it" if beside.get("relationship") in NEEDS_HOW_WE_MET
        else None),
    "referred_by": lambda beside: (
        "the approach letter to a referral names who suggested them"
        if beside.get("relationship") == "referral" and not beside.get("how_we_met")
        else None),
}


def placeholder(hint: str) -> str:
    """The placeholder for a value still to be written: ``<<hint>>``."""
    return f"<<{hint}>>"


@contextlib.contextmanager
def placeholders_allowed() -> Iterator[None]:
    """Within this block, files holding placeholders load (for listing, not writing)."""
    token = _REFUSE.set(False)
    try:
        yield
    finally:
        _REFUSE.reset(token)


def _found(value: Any, loc: tuple[str | int, ...]) -> Iterator[tuple[tuple[str | int, ...], str]]:
    if isinstance(value, str):
        match = PLACEHOLDER.search(value)
        if match:
            yield loc, match.group()
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _found(item, (*loc, str(key)))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _found(item, (*loc, index))


def _at(data: Any, loc: tuple[str | int, ...]) -> Any:
    for part in loc:
        data = data[part]
    return data


def _tail(model: type[BaseModel], data: Any, loc: tuple[str | int, ...]) -> str:
    """What the message adds: ", or delete the line" for a field that may go (optional
    in the model, wherever it is nested, and needed by no letter), else why it stays."""
    key, owner = loc[-1], model_at(model, loc)
    info = owner.model_fields.get(key) if owner and isinstance(key, str) else None
    if info is None or info.is_required():
        return ""  # a required field, or an item of a list
    beside = _at(data, loc[:-1])
    why = NEEDED_WHEN.get(str(key))
    needed = why(beside if isinstance(beside, dict) else {}) if why else None
    return f" ({needed})" if needed else ", or delete the line"


def unfilled(model: type[BaseModel], data: Any, lines: LineMap, path: Path) -> list[Problem]:
    """One problem per field of ``data`` that still holds a placeholder."""
    return [Problem(path, line_of(lines, loc), field_name(loc),
                    f"still to fill in: replace {text} with your own text"
                    f"{_tail(model, data, loc)}")
            for loc, text in _found(data, ())]


def refusing() -> bool:
    """Are placeholders refused here (outside ``placeholders_allowed``)?"""
    return _REFUSE.get()


def read(model: type[M], path: Path) -> tuple[M, LineMap, tuple[Problem, ...]]:
    """Read and validate one file; the fields still holding a placeholder are returned
    (and reported with the file's other problems, should it not validate)."""
    data, lines = read_yaml(path)
    problems = unfilled(model, data, lines, path)
    try:
        result = validate(model, data, path, lines)
    except InputError as exc:
        shown = problems if _REFUSE.get() else []
        named = {p.field for p in shown}
        raise InputError(sorted(shown + [p for p in exc.problems if p.field not in named],
                                key=lambda p: p.line or 0)) from None
    return result, lines, tuple(problems)


def load(model: type[M], path: Path) -> tuple[M, LineMap]:
    """Read and validate one file, refusing placeholders not yet filled in (see above)."""
    result, lines, problems = read(model, path)
    if problems and _REFUSE.get():
        raise InputError(list(problems))
    return result, lines
