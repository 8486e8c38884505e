"""JSON Schema for the profile and a contact, generated from the models.

An editor with a YAML language server (VS Code's YAML extension, Neovim, Helix, ...)
reads the schema named by a file's first line,
``# yaml-language-server: $schema=../schema/profile.schema.json``, and then checks and
completes the file as it is typed: every field with its description and an example,
unknown keys and wrong types underlined. ``outreach init`` writes the two files into the
workspace's ``schema/`` folder and that line at the top of each YAML file it creates.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel

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


def schema(kind: Kind) -> dict[str, Any]:
    """The JSON Schema of a profile or a contact file."""
    generated = MODELS[kind].model_json_schema()
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
