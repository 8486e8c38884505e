"""YAML that means what was typed: plain values are text until the model says otherwise.

The loader (``outreach/workspace/loading.py``) reads every plain value as the text written, so
``organization: NO``, ``phone: 0123`` and ``title: 1.10`` keep their text instead of
becoming ``False``, ``83`` and ``1.1`` as YAML 1.1 would have them. This module is the
other half, applied by every model before it validates: where a field is *not* text,

- ``~``, ``null``, ``Null`` and ``NULL`` mean "not given", as in YAML (in a text field
  they are the text typed: someone may be called Null);
- a whole number written in decimal becomes that number (``meeting_minutes: 020`` is 20,
  never the octal 16), so a message quotes it as typed: ``not 45``.

Yes/no and dates are left to pydantic, which reads ``true``/``yes``/``on`` and
``2026-11-16`` from text and names the field when it cannot.
"""

from __future__ import annotations

import functools
import re
import types
import typing
from typing import Any

from pydantic import BaseModel

#: The words YAML reads as "nothing", besides an empty value.
NULL_WORDS = frozenset({"~", "null", "Null", "NULL"})
_WHOLE_NUMBER = re.compile(r"[+-]?[0-9]+")


def _kinds(annotation: Any) -> set[type]:
    """The plain types a field's annotation admits: ``Text | None`` -> {str, NoneType}."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _kinds(typing.get_args(annotation)[0])
    if origin is typing.Union or origin is types.UnionType:
        found: set[type] = set()
        for arg in typing.get_args(annotation):
            found |= _kinds(arg)
        return found
    if origin is typing.Literal:
        return {object}  # a choice of words: a null word there means "not given"
    if origin is not None:
        return {origin}
    return {annotation} if isinstance(annotation, type) else {object}


def typed_field(kinds: set[type], value: Any) -> Any:
    """One value as the field of ``kinds`` means it (see the module's docstring)."""
    if not isinstance(value, str) or str in kinds:
        return value
    if value in NULL_WORDS:
        return None
    if kinds & {int} and bool not in kinds and _WHOLE_NUMBER.fullmatch(value) \
            and len(value) < 19:
        return int(value)
    return value


@functools.cache
def _field_kinds(model: type[BaseModel]) -> dict[str, set[type]]:
    return {name: _kinds(info.annotation) for name, info in model.model_fields.items()}


def typed(model: type[BaseModel], data: Any) -> Any:
    """``data`` (a mapping read from YAML) with each value as the field of ``model`` it
    is for means it. Anything else is left alone."""
    if not isinstance(data, dict):
        return data
    kinds = _field_kinds(model)
    return {key: typed_field(kinds[key], value) if key in kinds else value
            for key, value in data.items()}
