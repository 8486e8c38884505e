"""YAML files to validated models, with every problem mapped to its line.

The YAML is read twice: once composed into nodes (for line numbers and duplicate
keys) and once into plain data (for pydantic). Validation errors are rewritten for
people: ``path:line: field: message``, all problems of a file at once.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from .errors import InputError, Problem

M = TypeVar("M", bound=BaseModel)

#: Where each key of a document stands: ``("history", 0, "event") -> line``.
LineMap = dict[tuple[str | int, ...], int]


class _Loader(yaml.SafeLoader):
    """SafeLoader that leaves dates as text, so pydantic parses them and a bad date
    (2026-13-01) is reported with its line instead of failing inside PyYAML, and that
    refuses aliases (``*name``): a profile has no use for them, and a file of nested
    aliases can expand to gigabytes or refer to itself."""

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()  # type: ignore[no-untyped-call]
            raise yaml.composer.ComposerError(
                None, None, "aliases (*name) are not allowed here; write the value out",
                event.start_mark)
        return super().compose_node(parent, index)


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def field_name(loc: tuple[str | int, ...]) -> str:
    """``("history", 0, "event")`` as a person reads it: ``history[0].event``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def _walk(node: yaml.Node, loc: tuple[str | int, ...], lines: LineMap,
          problems: list[Problem], path: Path) -> None:
    if isinstance(node, yaml.MappingNode):
        seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            key = str(key_node.value)
            line = key_node.start_mark.line + 1
            if key in seen:
                problems.append(Problem(path, line, field_name((*loc, key)),
                                        f"duplicate key; it is already set on line {seen[key]}"))
            seen[key] = line
            lines[(*loc, key)] = line
            _walk(value_node, (*loc, key), lines, problems, path)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            lines[(*loc, index)] = item.start_mark.line + 1
            _walk(item, (*loc, index), lines, problems, path)


#: A profile or contact is a page of text; anything far larger is a mistake (and slow).
MAX_FILE_BYTES = 1024 * 1024


def read_yaml(path: Path) -> tuple[Any, LineMap]:
    """Parse one YAML file; raise InputError for anything that is not a YAML mapping."""
    if path.is_dir():
        raise InputError([Problem(path, None, None, "is a folder, not a YAML file")])
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InputError([Problem(path, None, None, "file not found")]) from None
    except OSError as exc:
        raise InputError([Problem(path, None, None, f"cannot be read: {exc.strerror}")]) from None
    return parse_yaml(raw, path)


def parse_yaml(raw: bytes, path: Path) -> tuple[Any, LineMap]:
    """Parse the bytes of a YAML file; ``path`` is where problems are said to be."""
    if len(raw) > MAX_FILE_BYTES:
        raise InputError([Problem(path, None, None,
                                  f"is {len(raw) // 1024} KB; a profile or contact is at most "
                                  f"{MAX_FILE_BYTES // 1024} KB of text")])
    if b"\0" in raw:
        raise InputError([Problem(path, None, None, "is a binary file, not YAML text")])
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError([Problem(path, raw[: exc.start].count(b"\n") + 1, None,
                                  "is not UTF-8 text; save it as UTF-8")]) from None
    try:
        loader = _Loader(text)  # parsed once: the nodes give the lines, then the data
        try:
            node = loader.get_single_node()
            data = None if node is None else loader.construct_document(node)
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        if exc.context_mark is not None and "<stream end>" in (exc.problem or ""):
            mark = exc.context_mark  # unclosed at the end: point at where it opened
        line: int | None = mark.line + 1 if mark is not None else None
        what = exc.problem or "invalid YAML"
        if ("\t" in text and "tab" in what.lower()) or "found character '\\t'" in what:
            what += " (YAML indents with spaces, never tabs)"
        raise InputError([Problem(path, line, None, f"YAML syntax error: {what}")]) from None
    except RecursionError:
        raise InputError([Problem(path, None, None, "is nested too deeply to be a profile or "
                                  "a contact")]) from None
    except yaml.reader.ReaderError as exc:
        line = text[: exc.position].count("\n") + 1
        raise InputError([Problem(path, line, None,
                                  f"contains a control character (U+{exc.character:04X}) that "
                                  "no document can hold; delete it")]) from None
    except yaml.YAMLError as exc:
        raise InputError([Problem(path, None, None, f"YAML error: {exc}")]) from None
    if node is None or data is None:
        raise InputError([Problem(path, 1, None, "the file is empty")])
    if not isinstance(data, dict):
        raise InputError([Problem(path, node.start_mark.line + 1, None,
                                  "must be a mapping of fields (name: ..., ...)")])
    lines: LineMap = {}
    problems: list[Problem] = []
    try:
        _walk(node, (), lines, problems, path)
        problems += _control_characters(data, (), lines, path)
    except RecursionError:
        raise InputError([Problem(path, None, None, "is nested too deeply to be a profile or "
                                  "a contact")]) from None
    if problems:
        raise InputError(sorted(problems, key=lambda p: p.line or 0))
    return data, lines


#: Characters XML (and so DOCX and the PDF's text layer) cannot hold: C0 controls but
#: tab, newline and carriage return; DEL and the C1 controls; U+FFFE and U+FFFF.
FORBIDDEN_CHARACTERS = _FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")


def _control_characters(value: Any, loc: tuple[str | int, ...], lines: LineMap,
                        path: Path) -> list[Problem]:
    """Every text value holding a character no document can hold (written as an escape
    such as "\\a" inside double quotes): refused, with its line and field."""
    if isinstance(value, str):
        found = _FORBIDDEN.search(value)
        if found is None:
            return []
        return [Problem(path, line_of(lines, loc), field_name(loc) or None,
                        f"contains a control character (U+{ord(found.group()):04X}) that no "
                        "document can hold; delete it")]
    out: list[Problem] = []
    if isinstance(value, dict):
        for key, item in value.items():
            out += _control_characters(item, (*loc, str(key)), lines, path)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            out += _control_characters(item, (*loc, index), lines, path)
    return out


def line_of(lines: LineMap, loc: tuple[str | int, ...]) -> int:
    """The line of ``loc``, or of its nearest enclosing key; 1 for the top level."""
    while loc:
        if loc in lines:
            return lines[loc]
        loc = loc[:-1]
    return 1


def _model_at(model: type[BaseModel], loc: tuple[str | int, ...]) -> type[BaseModel] | None:
    """The model class that owns the last key of ``loc`` (for did-you-mean)."""
    current: type[BaseModel] | None = model
    for part in loc[:-1]:
        if current is None or isinstance(part, int):
            continue
        info = current.model_fields.get(part)
        if info is None:
            return None
        current = _submodel(info.annotation)
    return current


def _submodel(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _submodel(arg)
        if found is not None:
            return found
    return None


def _describe(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _messages(model: type[BaseModel],
              exc: ValidationError) -> Iterator[tuple[tuple[str | int, ...], str]]:
    for err in exc.errors():
        loc = tuple(p for p in err["loc"])
        kind = err["type"]
        value = err.get("input")
        if kind == "extra_forbidden":
            key = str(loc[-1])
            owner = _model_at(model, loc)
            names = list(owner.model_fields) if owner else []
            close = difflib.get_close_matches(key, names, n=1, cutoff=0.6)
            hint = f"; did you mean '{close[0]}'?" if close else (
                f"; known fields: {', '.join(names)}" if names else "")
            yield loc, f"unknown field{hint}"
        elif kind == "missing":
            yield loc, "is required but missing"
        elif kind == "literal_error":
            expected = err.get("ctx", {}).get("expected", "")
            choices = [c.strip(" '") for c in str(expected).replace(" or ", ", ").split(",")]
            close = difflib.get_close_matches(str(value), choices, n=1, cutoff=0.6)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            yield loc, f"must be one of {', '.join(choices)}, not {_describe(value)}{hint}"
        elif value is None and kind.endswith("_type"):
            yield loc, "is empty: write a value after the colon, or remove the line"
        elif kind in {"string_type", "int_type", "int_parsing", "bool_type", "bool_parsing",
                      "list_type", "model_type", "model_attributes_type", "date_type",
                      "date_parsing", "date_from_datetime_parsing", "dict_type"}:
            wanted = {
                "string_type": "text", "int_type": "a whole number",
                "int_parsing": "a whole number", "bool_type": "true or false",
                "bool_parsing": "true or false", "list_type": "a list ([a, b] or '- item' lines)",
                "model_type": "a mapping of fields", "model_attributes_type": "a mapping of fields",
                "dict_type": "a mapping of fields",
                "date_type": "a date written YYYY-MM-DD",
                "date_parsing": "a date written YYYY-MM-DD",
                "date_from_datetime_parsing": "a date written YYYY-MM-DD",
            }[kind]
            yield loc, f"must be {wanted}, not {_describe(value)}"
        elif kind == "string_too_short":
            yield loc, "must not be empty"
        elif kind in {"less_than_equal", "greater_than_equal"}:
            yield loc, f"{err['msg'].replace('Input should be', 'must be')}, not {_describe(value)}"
        elif kind == "value_error":
            yield loc, str(err.get("ctx", {}).get("error", err["msg"]))
        else:
            yield loc, err["msg"]


def validate(model: type[M], data: Any, path: Path, lines: LineMap) -> M:
    """Validate ``data`` as ``model``; every problem names the file, line and field."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems = [
            Problem(path, line_of(lines, loc), field_name(loc), message)
            for loc, message in _messages(model, exc)
        ]
        problems.sort(key=lambda p: p.line or 0)
        raise InputError(problems) from None


def load(model: type[M], path: Path) -> tuple[M, LineMap]:
    """Read and validate one file."""
    data, lines = read_yaml(path)
    return validate(model, data, path, lines), lines
