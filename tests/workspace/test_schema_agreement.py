"""One source of truth for the format: the JSON Schema (outreach/workspace/schema.py, generated
from the models) and the loader accept and refuse the same files, read as an editor's
YAML language server reads them (YAML 1.2 core) — over every example file and over a
corpus of files made by hypothesis from the values people type (``local: no``,
``phone: 0123``, ``title: 1.10``, dates, words in other scripts)."""

from __future__ import annotations

import functools
import re
from pathlib import Path

import jsonschema
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import REPO
from outreach.errors import InputError
from outreach.workspace.init import CONTACT, PROFILE
from outreach.workspace.loading import parse_yaml, validate
from outreach.workspace.models import Contact, Profile
from outreach.workspace.schema import schema

MODELS: dict[str, type[Contact] | type[Profile]] = {"contact": Contact, "profile": Profile}


class Yaml12(yaml.SafeLoader):
    """YAML 1.2's core schema, as yaml-language-server reads a file: true/false only,
    decimal (0123 is 123), 0o and 0x numbers, no dates (they stay text)."""


Yaml12.yaml_implicit_resolvers = {}
for tag, pattern, first in [
        ("bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
        ("int", r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$", "-+0123456789"),
        ("float", r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
                  r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$", "-+.0123456789"),
        ("null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""])]:
    Yaml12.add_implicit_resolver(f"tag:yaml.org,2002:{tag}", re.compile(pattern), list(first))


def _int(loader: yaml.SafeLoader, node: yaml.Node) -> int:
    text = str(loader.construct_scalar(node))  # type: ignore[arg-type]
    return int(text, 0) if text[:2] in ("0o", "0x") else int(text, 10)


def _float(loader: yaml.SafeLoader, node: yaml.Node) -> float:
    text = str(loader.construct_scalar(node)).lower()  # type: ignore[arg-type]
    return float(text.replace(".inf", "inf").replace(".nan", "nan"))


Yaml12.add_constructor("tag:yaml.org,2002:int", _int)
Yaml12.add_constructor("tag:yaml.org,2002:float", _float)
Yaml12.add_constructor("tag:yaml.org,2002:bool",
                       lambda loader, node: loader.construct_scalar(node).lower() == "true")


def loader_accepts(kind: str, text: str) -> bool:
    try:
        data, lines = parse_yaml(text.encode("utf-8"), Path(f"x.{kind}.yaml"))
        validate(MODELS[kind], data, Path("x.yaml"), lines)
    except InputError:
        return False
    return True


@functools.cache
def _validator(kind: str) -> jsonschema.Draft202012Validator:
    """The schema as an editor holds it: made once per kind (it takes a hundred times
    longer to make than to check a file with)."""
    return jsonschema.Draft202012Validator(
        schema(kind), format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)


def schema_accepts(kind: str, text: str) -> bool:
    return _validator(kind).is_valid(yaml.load(text, Loader=Yaml12))


def _examples() -> list[tuple[str, str, str]]:
    """(name, kind, text) of every example file: the sample workspace, the skeletons
    init writes, the YAML blocks of README.md and docs/."""
    found = [("candidate.yaml", "profile", (REPO / "profiles" / "candidate.yaml").read_text()),
             ("init profile", "profile", PROFILE), ("init contact", "contact", CONTACT)]
    found += [(p.name, "contact", p.read_text(encoding="utf-8"))
              for p in sorted((REPO / "profiles" / "contacts").glob("*.yaml"))]
    for page in [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]:
        for n, body in enumerate(re.findall(r"^```yaml\n(.*?)^```", page.read_text(
                encoding="utf-8"), flags=re.S | re.M)):
            data = yaml.safe_load(body)
            if isinstance(data, dict) and "relationship" in data:
                found.append((f"{page.name} {n}", "contact", body))
            elif isinstance(data, dict) and "summary" in data:
                found.append((f"{page.name} {n}", "profile", body))
    return found


@pytest.mark.parametrize(("name", "kind", "text"), _examples(), ids=lambda v: str(v)[:24])
def test_every_example_file_is_accepted_by_both(name: str, kind: str, text: str) -> None:
    assert loader_accepts(kind, text) and schema_accepts(kind, text), name


@pytest.mark.parametrize(("kind", "line", "accepted"), [
    ("contact", "local: no", True), ("contact", "local: Yes", True),
    ("contact", "local: 0", True), ("contact", "local: maybe", False),
    ("contact", "phone: 0123", True), ("contact", "title: 1.10", True),
    ("contact", "organization: NO", True), ("contact", "notes: 2026-11-16", True),
    ("contact", "title: [a, b]", False), ("contact", "relationship: frend", False),
    ("contact", "history: [{date: 2026-13-45, event: call}]", False),
    ("contact", "history: [{date: 20261116, event: call}]", False),
    ("contact", "history:", True), ("contact", "titel: x", False),
    ("contact", f"how_we_met: {'a' * 1001}", False),
])
def test_what_the_issue_names(kind: str, line: str, accepted: bool) -> None:
    text = "name: Chen Siyuan\nrelationship: friend\n" + line + "\n"
    if line.startswith("relationship"):
        text = "name: Chen Siyuan\n" + line + "\n"
    assert loader_accepts(kind, text) is accepted
    assert schema_accepts(kind, text) is accepted


#: Values as people type them: words the YAML of 1.1 or 1.2 reads as something else,
#: numbers with leading zeros, dates good and bad, text in other scripts, wrong shapes.
TYPED = ["no", "yes", "No", "ON", "off", "y", "n", "t", "true", "False", "0", "1", "2",
         "0123", "020", "-7", "1.10", ".5", "12:30", "2026-11-16", "2026-13-01", "", "''",
         '"0123"', "[]", "[a, b]", "{a: 1}", "Jim Park", "Ωμέγα", "陈思远", "Смирнов",
         "O'Brien", "'yes'", "~", "null", "x" * 1001]
#: A required text field written ~ or null: the loader reads the word, an editor reads
#: nothing (see outreach/workspace/schema.py); numbers with an exponent or in hexadecimal in a
#: whole-number field: an editor reads a number, the loader refuses the text.
NULLS = {"~", "null", "Null", "NULL", ""}
words = st.sampled_from(TYPED) | st.text(st.characters(categories=["L"]) | st.sampled_from(
    "0123456789:.-"), min_size=1, max_size=12)
required_words = words.filter(lambda w: w not in NULLS)


def _lines(fields: dict[str, str]) -> str:
    return "".join(f"{key}: {value}\n" for key, value in fields.items())


@st.composite
def contacts(draw: st.DrawFn) -> str:
    fields = {"name": draw(required_words),
              "relationship": draw(st.sampled_from(["friend", "cold", "alumni"]) | words)}
    for key in draw(st.lists(st.sampled_from(["title", "organization", "phone", "email",
                                              "how_we_met", "local", "notes", "kind",
                                              "lang", "salutation"]), unique=True)):
        fields[key] = draw(words | st.sampled_from(["manager", "ja", "zh-Hant", "true"]))
    text = _lines(fields)
    if draw(st.booleans()):
        day = draw(st.sampled_from(["2026-11-16", "2026-02-30", "16/11/2026"]) | words)
        event = draw(st.sampled_from(["meeting", "call", "letter-sent"]) | words)
        mode = draw(st.sampled_from(["in-person", "phone"]) | words)
        text += f"history:\n  - {{date: {day}, event: {event}, mode: {mode}}}\n"
    return text


@st.composite
def profiles(draw: st.DrawFn) -> str:
    fields = {"name": draw(required_words), "status": draw(required_words),
              "summary": draw(required_words),
              "target": "{field: " + draw(st.sampled_from(["planning", "GIS"]) | required_words)
              + "}"}
    if draw(st.booleans()):
        fields["meeting_minutes"] = draw(st.sampled_from(["20", "020", "+15", "9", "31",
                                                          "30", "20.0", "twenty"]) | words)
    for key in draw(st.lists(st.sampled_from(["email", "phone", "paper", "lang", "goals"]),
                             unique=True)):
        fields[key] = draw(words | st.sampled_from(["a4", "letter", "[break-in]", "fr-CA"]))
    return _lines(fields)


def _readable(text: str) -> bool:
    """Both readers take the file as YAML (syntax is the loader's own message)."""
    try:
        yaml.load(text, Loader=Yaml12)
        parse_yaml(text.encode("utf-8"), Path("x.yaml"))
    except (yaml.YAMLError, InputError):
        return False
    return True


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(contacts().map(lambda t: ("contact", t)),
                 profiles().map(lambda t: ("profile", t))))
def test_schema_and_loader_give_the_same_verdict(case: tuple[str, str]) -> None:
    kind, text = case
    if _readable(text):
        assert schema_accepts(kind, text) == loader_accepts(kind, text), text


def test_the_corpus_holds_both_verdicts() -> None:
    """The generated files are not all good or all bad (the test would then be weak)."""
    verdicts: list[bool] = []

    @settings(max_examples=150, deadline=None, database=None, derandomize=True)
    @given(contacts())
    def collect(text: str) -> None:
        if _readable(text):
            verdicts.append(loader_accepts("contact", text))

    collect()
    assert verdicts.count(True) >= 5 and verdicts.count(False) >= 5, verdicts.count(True)


