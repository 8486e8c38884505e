"""JSON Schema for the profile and a contact, generated from the models.

An editor with a YAML language server (VS Code's YAML extension, Neovim, Helix, ...)
reads the schema named by a file's first line,
``# yaml-language-server: $schema=../schema/profile.schema.json``, and then checks and
completes the file as it is typed: every field with its description and an example,
unknown keys and wrong types underlined. ``outreach init`` writes the two files into the
workspace's ``schema/`` folder and that line at the top of each YAML file it creates.

The schema says what the loader accepts, as an editor reads the file (YAML 1.2): the
loader keeps every plain value as the text typed (outreach/workspace/scalars.py), so where the model
wants text, ``title: 1.10``, ``phone: 0123`` and ``organization: no`` are text, which an
editor reads as a number and a yes/no: the schema accepts those there (``_as_loaded``). A
yes/no field takes the words pydantic reads (``local: no``, ``yes``, ``on``), and a date
is written YYYY-MM-DD. A test holds the schema and the loader to the same verdict over
every example file and a generated corpus. What no schema can say: a required text field
written ``null`` (the loader reads the name "null"; an editor reads nothing), and numbers
written in hexadecimal or with an exponent in a whole-number field.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel

from .models import _LANG as LANG_TAG
from .models import Contact, Profile
from .output import Outcome, Planned, write_all

Kind = Literal["profile", "contact"]
MODELS: dict[Kind, type[BaseModel]] = {"profile": Profile, "contact": Contact}
#: The dialect pydantic writes.
DIALECT = "https://json-schema.org/draft/2020-12/schema"
#: Where ``init`` writes the schemas, relative to the workspace.
SCHEMA_DIR = "schema"


def file_name(kind: Kind) -> str:
    return f"{kind}.schema.json"


#: The words pydantic reads as yes or no, in any case (those an editor reads as a
#: boolean itself, true and false, are booleans to it).
YES_NO = ("0", "off", "f", "false", "n", "no", "1", "on", "t", "true", "y", "yes")
_YES_NO = "^(" + "|".join("".join(f"[{c.lower()}{c.upper()}]" if c.isalpha() else c
                                  for c in word) for word in YES_NO) + ")$"
#: A name holds a letter: here, a character that is no space, ASCII digit or ASCII
#: punctuation (a pattern both Python's and an editor's JavaScript read alike; the
#: loader asks for a letter of any script).
_SOME_LETTER = "[^\\s0-9!-/:-@\\[-`{-~]"
#: What describes a field rather than constrains its value.
_ANNOTATIONS = ("title", "description", "examples", "default")


def _either(node: dict[str, Any], *others: dict[str, Any]) -> dict[str, Any]:
    """``node``'s value or one of ``others``, its description kept at the top."""
    outer = {k: v for k, v in node.items() if k in _ANNOTATIONS}
    inner = {k: v for k, v in node.items() if k not in _ANNOTATIONS}
    return {**outer, "anyOf": [inner, *others]}


def _widened(node: dict[str, Any], name: str) -> dict[str, Any]:
    """One schema node as the loader reads it (see the module's docstring)."""
    kind = node.get("type")
    if kind == "boolean":
        return _either(node, {"type": "string", "pattern": _YES_NO}, {"enum": [0, 1]})
    if kind == "string" and node.get("format") == "date":
        return {**node, "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"}
    if kind == "string" and name == "lang":  # a language tag, as the model checks it
        return {**node, "pattern": LANG_TAG.pattern}
    if kind == "string" and name == "name":  # a name holds a letter; a number does not
        return _either({**node, "pattern": _SOME_LETTER}, {"type": "boolean"})
    if kind == "string" and not {"enum", "const", "format"} & set(node):
        return _either(node, {"type": ["number", "boolean"]})
    return node


def _as_loaded(node: Any, name: str = "") -> Any:
    """The generated schema, every node ``_widened``; ``name`` is the field's."""
    if isinstance(node, list):
        return [_as_loaded(item, name) for item in node]
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key in ("properties", "$defs"):
            out[key] = {k: _as_loaded(v, k if key == "properties" else "")
                        for k, v in value.items()}
        elif key in ("anyOf", "oneOf", "allOf", "items"):
            out[key] = _as_loaded(value, name)
        else:
            out[key] = value
    return _widened(out, name)


def schema(kind: Kind) -> dict[str, Any]:
    """The JSON Schema of a profile or a contact file, as the loader reads them."""
    generated = _as_loaded(MODELS[kind].model_json_schema())
    title = {"profile": "outreach profile (profiles/candidate.yaml)",
             "contact": "outreach contact (profiles/contacts/<id>.yaml)"}[kind]
    return {"$schema": DIALECT, **generated, "title": title}


def schema_text(kind: Kind) -> str:
    return json.dumps(schema(kind), indent=2, ensure_ascii=False) + "\n"


def planned(folder: Path) -> list[Planned]:
    """Both schema files, to be written into ``folder``."""
    return [Planned(folder / file_name(kind), schema_text(kind).encode("utf-8"))
            for kind in MODELS]


def write_schemas(folder: Path, *, force: bool = False) -> list[Outcome]:
    """Write ``profile.schema.json`` and ``contact.schema.json`` into ``folder``; an
    existing file is kept unless forced."""
    return write_all(planned(folder), force=force, dry_run=False, within=(folder,))


def modeline(yaml_file: Path, workspace: Path, kind: Kind) -> str:
    """The first line that points an editor at the schema, relative to ``yaml_file``."""
    target = workspace / SCHEMA_DIR / file_name(kind)
    relative = Path(*[".."] * len(yaml_file.parent.relative_to(workspace).parts), target
                    .relative_to(workspace))
    return f"# yaml-language-server: $schema={relative.as_posix()}\n"


def modeline_if_schema(yaml_file: Path, workspace: Path, kind: Kind) -> str:
    """The modeline for a YAML file outreach writes into a workspace (a contact from
    ``import`` or ``log --referral``), when the workspace holds the schema it points
    to (``outreach init`` writes it); else nothing, as an editor could not follow it."""
    if (workspace / SCHEMA_DIR / file_name(kind)).is_file():
        return modeline(yaml_file, workspace, kind)
    return ""
