"""YAML files to validated models, with every problem mapped to its line.

The YAML is read twice: once composed into nodes (for line numbers and duplicate
keys) and once into plain data (for pydantic). Validation errors are rewritten for
people: ``path:line: field: message``, all problems of a file at once.
"""

from __future__ import annotations

import codecs
import contextlib
import difflib
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from outreach.errors import InputError, Problem

M = TypeVar("M", bound=BaseModel)

#: Where each key of a document stands: ``("history", 0, "event") -> line``.
LineMap = dict[tuple[str | int, ...], int]


#: How deep a file's lists and mappings may nest: a contact's history is 3 levels deep;
#: deeper is a mistake or an attack (thousands of ``[``), refused whatever Python's
#: recursion limit is.
MAX_DEPTH = 64


class _TooDeep(Exception):
    """Lists and mappings nested deeper than ``MAX_DEPTH``."""


class _NoAliases(yaml.composer.Composer):
    """A composer that refuses aliases (``*name``): a profile has no use for them, and a
    file of nested aliases can expand to gigabytes or refer to itself; and refuses
    nesting deeper than ``MAX_DEPTH``."""

    _depth = 0

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        parser: Any = self  # PyYAML's parser or libyaml's, whichever it is mixed with
        if parser.check_event(yaml.AliasEvent):
            event = parser.peek_event()
            raise yaml.composer.ComposerError(
                None, None, "aliases (*name) are not allowed here; write the value out",
                event.start_mark)
        if self._depth >= MAX_DEPTH:
            raise _TooDeep
        self._depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


class _Loader(_NoAliases, yaml.SafeLoader):
    """SafeLoader that leaves dates as text, so pydantic parses them and a bad date
    (2026-13-01) is reported with its line instead of failing inside PyYAML, and that
    refuses aliases."""


#: YAML that means what was typed: every plain (unquoted) value is read as the text written,
#: so ``organization: NO``, ``phone: 0123``, ``title: 1.10``, ``name: Null`` and dates stay
#: text (YAML 1.1 would make them false, 83, 1.1, nothing and a date object). Where the
#: model wants a number, a yes/no or a date, pydantic converts the text ("20" -> 20,
#: "true" -> True, "2026-11-16" -> a date) and names the field if it cannot. Only an empty
#: value (``email:`` with nothing after it) still means "not given".
#: ``~`` and ``null`` are still recognised (so tools that look at the nodes see them), but
#: read as their text: the model decides (outreach/workspace/scalars.py) that they mean "not given"
#: in a field that is not text, and keeps ``name: Null`` as the name typed.
_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag == "tag:yaml.org,2002:null"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    if any(tag == "tag:yaml.org,2002:null" for tag, _ in resolvers)
}


def _null_as_text(loader: yaml.SafeLoader, node: yaml.Node) -> str | None:
    return loader.construct_scalar(node) or None if isinstance(node, yaml.ScalarNode) else None


_Loader.add_constructor("tag:yaml.org,2002:null", _null_as_text)


def _fast_loader() -> type[_NoAliases] | None:
    """The same loader over libyaml's scanner and parser (C, several times faster than
    PyYAML's own): the same composer, resolvers and constructors, so the same nodes, lines
    and data. None where PyYAML was built without libyaml."""
    if not yaml.__with_libyaml__:
        return None
    from yaml._yaml import CParser  # deferred: yaml._yaml

    class FastLoader(_NoAliases, CParser, yaml.constructor.SafeConstructor,
                     yaml.resolver.Resolver):
        yaml_implicit_resolvers = _Loader.yaml_implicit_resolvers
        yaml_constructors = _Loader.yaml_constructors

        def __init__(self, stream: str) -> None:
            CParser.__init__(self, stream)
            yaml.constructor.SafeConstructor.__init__(self)
            yaml.resolver.Resolver.__init__(self)
            yaml.composer.Composer.__init__(self)

    return FastLoader


_FastLoader = _fast_loader()


#: What libyaml accepts and PyYAML's own parser refuses, or reads otherwise: a tab
#: (before a value, PyYAML refuses it), a byte-order mark (counted otherwise), a comment
#: right after a block scalar's header (``|#``), a tag (``!`` alone reads otherwise).
_LIBYAML_DIFFERS = re.compile(r"[\t\ufeff]|[|>][0-9+-]*#|(?:^|[\s\[{,])!", re.MULTILINE)


def _fast(text: str) -> type[_NoAliases] | None:
    """libyaml's loader for ``text``, unless the text holds what it reads otherwise than
    PyYAML's own parser (above; and a ``?`` inside ``{...}`` or ``[...]``, which PyYAML
    refuses): PyYAML's parser reads those."""
    if _LIBYAML_DIFFERS.search(text) or ("?" in text and ("{" in text or "[" in text)):
        return None
    return _FastLoader


def field_name(loc: tuple[str | int, ...]) -> str:
    """``("history", 0, "event")`` as a person reads it: ``history[0].event``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


_STR = "tag:yaml.org,2002:str"


def _walk(node: yaml.Node, loc: tuple[str | int, ...], lines: LineMap,
          problems: list[Problem], path: Path) -> None:
    if isinstance(node, yaml.MappingNode):
        seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            key = str(key_node.value)
            line = key_node.start_mark.line + 1
            if key_node.tag != _STR or not isinstance(key_node, yaml.ScalarNode):
                problems.append(Problem(path, line, field_name((*loc, key)) or None,
                                        "is not a field name: field names are words such as "
                                        "name or title (write the value after one)"))
                continue
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
    return parse_yaml(read_bytes(path), path)


def read_bytes(path: Path) -> bytes:
    """The bytes of a file the user keeps; InputError when it is a folder or unreadable."""
    if path.is_dir():
        raise InputError([Problem(path, None, None, "is a folder, not a YAML file")])
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise InputError([Problem(path, None, None, "file not found")]) from None
    except OSError as exc:
        raise InputError([Problem(path, None, None, f"cannot be read: {exc.strerror}")]) from None


#: Byte-order marks of the encodings a text editor may save in instead of UTF-8.
_WIDE_BOMS = ((codecs.BOM_UTF32_LE, "UTF-32"), (codecs.BOM_UTF32_BE, "UTF-32"),
              (codecs.BOM_UTF16_LE, "UTF-16"), (codecs.BOM_UTF16_BE, "UTF-16"))


def _wide_encoding(raw: bytes) -> str | None:
    """"UTF-16" or "UTF-32" when ``raw`` looks saved in one (a byte-order mark, or the
    zero bytes of ASCII text in UTF-16 at every other place), else None."""
    for bom, name in _WIDE_BOMS:
        if raw.startswith(bom):
            return name
    for zeros, rest in ((raw[1::2], raw[0::2]), (raw[0::2], raw[1::2])):
        if len(raw) >= 4 and zeros.count(0) * 2 > len(zeros) and 0 not in rest:
            return "UTF-16"
    return None


def decode_yaml(raw: bytes, path: Path) -> str:
    """The text of a profile or contact file: at most ``MAX_FILE_BYTES``, UTF-8 (a
    byte-order mark is dropped), no NUL bytes; InputError saying how to fix anything else."""
    if len(raw) > MAX_FILE_BYTES:
        raise InputError([Problem(path, None, None,
                                  f"is {len(raw) // 1024} KB; a profile or contact is at most "
                                  f"{MAX_FILE_BYTES // 1024} KB of text")])
    wide = _wide_encoding(raw)
    if wide is not None:
        raise InputError([Problem(path, None, None,
                                  f"is saved as {wide} text; save it as UTF-8 (in your editor's "
                                  "Save As, choose the encoding UTF-8)")])
    if b"\0" in raw:
        raise InputError([Problem(path, None, None, "is a binary file, not YAML text")])
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError([Problem(path, raw[: exc.start].count(b"\n") + 1, None,
                                  "is not UTF-8 text; save it as UTF-8")]) from None


def _syntax_problem(exc: yaml.MarkedYAMLError, text: str, path: Path) -> Problem:
    mark = exc.problem_mark or exc.context_mark
    if exc.context_mark is not None and "<stream end>" in (exc.problem or ""):
        mark = exc.context_mark  # unclosed at the end: point at where it opened
    line: int | None = mark.line + 1 if mark is not None else None
    what = exc.problem or "invalid YAML"
    if ("\t" in text and "tab" in what.lower()) or "found character '\\t'" in what:
        what += " (YAML indents with spaces, never tabs)"
    return Problem(path, line, None, f"YAML syntax error: {what}")


@contextlib.contextmanager
def _yaml_problems(text: str, path: Path) -> Iterator[None]:
    """PyYAML's exceptions, raised inside, as one InputError naming the line."""
    try:
        yield
    except yaml.MarkedYAMLError as exc:
        raise InputError([_syntax_problem(exc, text, path)]) from None
    except (RecursionError, _TooDeep):
        raise InputError([Problem(path, None, None, "is nested too deeply to be a profile or "
                                  "a contact")]) from None
    except yaml.reader.ReaderError as exc:
        line = text[: exc.position].count("\n") + 1
        raise InputError([Problem(path, line, None,
                                  f"contains a control character (U+{exc.character:04X}) that "
                                  "no document can hold; delete it")]) from None
    except yaml.YAMLError as exc:
        raise InputError([Problem(path, None, None, f"YAML error: {exc}")]) from None


def _mapping(node: yaml.Node | None, path: Path) -> yaml.MappingNode:
    if node is None:
        raise InputError([Problem(path, 1, None, "the file is empty")])
    if not isinstance(node, yaml.MappingNode):
        raise InputError([Problem(path, node.start_mark.line + 1, None,
                                  "must be a mapping of fields (name: ..., ...)")])
    return node


def compose_yaml(text: str, path: Path) -> tuple[yaml.MappingNode, list[yaml.Token]]:
    """The node tree and the tokens of a document, read as ``parse_yaml`` reads it, for
    code that changes the text in place and must know where each value stands."""
    with _yaml_problems(text, path):  # PyYAML's own parser: the text is changed in place
        node = yaml.compose(text, Loader=_Loader)
        tokens = list(yaml.scan(text, Loader=_Loader))
    return _mapping(node, path), tokens


def _load(loader_class: Callable[[str], Any], text: str,
          path: Path) -> tuple[yaml.MappingNode, Any]:
    loader = loader_class(text)  # parsed once: the nodes give the lines, then the data
    try:
        node = _mapping(loader.get_single_node(), path)
        return node, loader.construct_document(node)
    finally:
        loader.dispose()


def _compose(text: str, path: Path) -> tuple[yaml.MappingNode, Any]:
    """The nodes and the data of a document: read by libyaml where PyYAML has it; a
    document it cannot read (or a mapping it did not find) is read again by PyYAML's own
    parser, so that every problem is said in the words and with the line it gives."""
    fast = _fast(text)
    if fast is not None:
        try:
            return _load(fast, text, path)
        except Exception:  # said again, in the same words, by the loader below
            pass
    with _yaml_problems(text, path):
        return _load(_Loader, text, path)


def parse_yaml(raw: bytes, path: Path) -> tuple[Any, LineMap]:
    """Parse the bytes of a YAML file; ``path`` is where problems are said to be."""
    text = decode_yaml(raw, path)
    node, data = _compose(text, path)
    lines: LineMap = {}
    problems: list[Problem] = []
    with _yaml_problems(text, path):
        _walk(node, (), lines, problems, path)
        problems += _character_problems(data, (), lines, path)
    if problems:
        raise InputError(sorted(problems, key=lambda p: p.line or 0))
    return data, lines


#: Characters XML (and so DOCX and the PDF's text layer) cannot hold: C0 controls but
#: tab, newline and carriage return; DEL and the C1 controls; U+FFFE and U+FFFF.
FORBIDDEN_CHARACTERS = _FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")
#: The bidirectional embedding, override and isolate controls: invisible, they reorder
#: the text after them, beyond the field they are typed in (a name shown backwards, a
#: table garbled). Right-to-left names need none of them: the renderers order the text.
BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")


def character_problem(text: str) -> str | None:
    """What is wrong with a character in ``text`` that no document should hold, or None."""
    found = _FORBIDDEN.search(text)
    if found is not None:
        return (f"contains a control character (U+{ord(found.group()):04X}) that no "
                "document can hold; delete it")
    found = BIDI_CONTROLS.search(text)
    if found is not None:
        return (f"contains an invisible bidirectional control (U+{ord(found.group()):04X}) "
                "that would reorder the text around it; delete it (right-to-left text needs "
                "none)")
    return None


def _character_problems(value: Any, loc: tuple[str | int, ...], lines: LineMap,
                        path: Path) -> list[Problem]:
    """Every text value holding a character no document can hold (written as an escape
    such as "\\a" inside double quotes): refused, with its line and field."""
    if isinstance(value, str):
        message = character_problem(value)
        if message is None:
            return []
        return [Problem(path, line_of(lines, loc), field_name(loc) or None, message)]
    out: list[Problem] = []
    if isinstance(value, dict):
        for key, item in value.items():
            out += _character_problems(item, (*loc, str(key)), lines, path)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            out += _character_problems(item, (*loc, index), lines, path)
    return out


def line_of(lines: LineMap, loc: tuple[str | int, ...]) -> int:
    """The line of ``loc``, or of its nearest enclosing key; 1 for the top level."""
    while loc:
        if loc in lines:
            return lines[loc]
        loc = loc[:-1]
    return 1


def model_at(model: type[BaseModel], loc: tuple[str | int, ...]) -> type[BaseModel] | None:
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


#: What a value of the wrong type should have been, by pydantic's error type.
_WANTED = {
    "string_type": "text", "int_type": "a whole number",
    "int_parsing": "a whole number", "bool_type": "true or false",
    "bool_parsing": "true or false", "list_type": "a list ([a, b] or '- item' lines)",
    "model_type": "a mapping of fields", "model_attributes_type": "a mapping of fields",
    "dict_type": "a mapping of fields",
    "date_type": "a date written YYYY-MM-DD",
    "date_parsing": "a date written YYYY-MM-DD",
    "date_from_datetime_parsing": "a date written YYYY-MM-DD",
}


def _unknown(model: type[BaseModel], loc: tuple[str | int, ...]) -> str:
    key = str(loc[-1])
    owner = model_at(model, loc)
    names = list(owner.model_fields) if owner else []
    close = difflib.get_close_matches(key, names, n=1, cutoff=0.6)
    hint = f"; did you mean '{close[0]}'?" if close else (
        f"; known fields: {', '.join(names)}" if names else "")
    return f"unknown field{hint}"


def _choice(err: Any, value: Any) -> str:
    expected = err.get("ctx", {}).get("expected", "")
    choices = [c.strip(" '") for c in str(expected).replace(" or ", ", ").split(",")]
    close = difflib.get_close_matches(str(value), choices, n=1, cutoff=0.6)
    hint = f"; did you mean '{close[0]}'?" if close else ""
    return f"must be one of {', '.join(choices)}, not {_describe(value)}{hint}"


def _plain(kind: str, value: Any, err: Any) -> str:
    """The message for an error that needs no knowledge of the model."""
    if value is None and kind.endswith("_type"):
        return "is empty: write a value after the colon, or remove the line"
    if kind in _WANTED:
        return f"must be {_WANTED[kind]}, not {_describe(value)}"
    if kind == "string_too_short":
        return "must not be empty"
    if kind in ("string_too_long", "too_long") and isinstance(value, str):
        most = err.get("ctx", {}).get("max_length")
        return (f"is {len(value)} characters long, more than the {most} a line of a "
                "document holds: shorten it to a sentence")
    if kind in {"less_than_equal", "greater_than_equal"}:
        return f"{err['msg'].replace('Input should be', 'must be')}, not {_describe(value)}"
    if kind == "value_error":
        return str(err.get("ctx", {}).get("error", err["msg"]))
    return str(err["msg"])


def _messages(model: type[BaseModel],
              exc: ValidationError) -> Iterator[tuple[tuple[str | int, ...], str]]:
    for err in exc.errors():
        loc = tuple(p for p in err["loc"])
        kind = err["type"]
        if kind == "extra_forbidden":
            yield loc, _unknown(model, loc)
        elif kind == "missing":
            yield loc, "is required but missing"
        elif kind == "literal_error":
            yield loc, _choice(err, err.get("input"))
        else:
            yield loc, _plain(kind, err.get("input"), err)


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
