"""A new user's first steps: init, the placeholders' refusal, templates, the schema."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest
import yaml

from conftest import REPO, copy_workspace, pdf_pages, run
from outreach.workspace.init import CONTACT, PROFILE
from outreach.workspace.models import Contact, Profile

PLACEHOLDER_FIELDS = ["name", "email", "phone", "address", "status", "summary",
                      "target.field", "target.roles[0]", "strengths[0]",
                      "accomplishments[0]", "availability[0]", "availability[1]"]
CONTACT_FIELDS = ["name", "title", "organization", "address", "email", "phone",
                  "how_we_met", "notes"]


def files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def fill(text: str, values: dict[str, str]) -> str:
    """Replace each placeholder in turn with the next of ``values`` (by field)."""
    for field_name, value in values.items():
        text, count = re.subn(rf"(?m)^(\s*-?\s*{field_name}: ).*$", rf"\g<1>{value}", text,
                              count=1)
        assert count == 1, field_name
    return text


def filled_skeleton(root: Path) -> None:
    profile = root / "profiles" / "candidate.yaml"
    text = fill(profile.read_text(encoding="utf-8"), {
        "name": "Lena Øberg", "email": "lena@example.org", "phone": '"0123 456"',
        "status": "career changer from nursing", "field": "health informatics",
        "roles": "[data analyst]", "strengths": "[clinical workflows]",
        "availability": "[Monday morning, Friday afternoon]"})
    text = re.sub(r"address: \|\n  <<[^\n]*\n  <<[^\n]*\n", "address: 4 Birch Road, Leeds\n",
                  text)
    text = re.sub(r"summary: >-\n  <<[^>]*>>\n", "summary: I nursed for ten years.\n", text)
    text = re.sub(r"  - <<something[^\n]*\n", "  - Led the ward's move to e-charts\n", text)
    text = re.sub(r'^               "<<another[^\n]*\n', "", text, flags=re.M)
    profile.write_text(text, encoding="utf-8")
    contact = root / "profiles" / "contacts" / "example-contact.yaml"
    text = fill(contact.read_text(encoding="utf-8"), {
        "name": "Omar Haddad", "title": "NO", "organization": "NHS Digital",
        "email": "omar@example.org", "phone": "0113 496 0000",
        "how_we_met": "We met at the Leeds health-tech meetup", "notes": "1.10"})
    text = re.sub(r"address: \|\n  <<[^\n]*\n  <<[^\n]*\n", "address: 1 Quay St, Leeds\n", text)
    contact.write_text(text, encoding="utf-8")


def test_init_then_refusal_then_a_letter(tmp_path: Path) -> None:
    root = tmp_path / "new"
    result = run(root, "init")
    assert result.code == 0, result.err
    assert (root / "profiles" / "contacts" / "example-contact.yaml").is_file()
    assert (root / "templates").is_dir()
    assert (root / ".gitignore").read_text().splitlines()[-1] == "output/"
    first = run(root, "letter", "--all")
    assert first.code == 1
    errors = first.err.splitlines()
    assert all(line.startswith("Error: ") for line in errors)
    named = [line.split(": ")[2] for line in errors]
    assert named == PLACEHOLDER_FIELDS
    assert not (root / "output").exists()
    filled_skeleton(root)
    (root / "profiles" / "contacts" / "example-contact.yaml").write_text(
        (root / "profiles" / "contacts" / "example-contact.yaml").read_text()
        .replace("title: NO", "title: <<their job title>>"), encoding="utf-8")
    second = run(root, "letter", "--all")  # a batch leaves the contact out, and says so
    assert second.code == 0 and "skipped 1: 1 incomplete (example-contact)" in second.out
    assert "outreach letter example-contact" in second.err
    named = run(root, "letter", "example-contact")  # named, it is refused field by field
    assert named.code == 1
    assert named.err.strip().endswith("example-contact.yaml:10: title: still to fill in: "
                                      "replace <<their job title>> with your own text, or "
                                      "delete the line")
    filled_skeleton_contact_title(root)
    done = run(root, "letter", "--all", "--format", "pdf")
    assert done.code == 0, done.err
    assert pdf_pages(root / "output" / "example-contact" / "approach-letter.pdf") == 1


def filled_skeleton_contact_title(root: Path) -> None:
    path = root / "profiles" / "contacts" / "example-contact.yaml"
    path.write_text(path.read_text().replace("<<their job title>>", "NO"), encoding="utf-8")


def test_the_unedited_contact_names_each_field(tmp_path: Path) -> None:
    ws = copy_workspace(tmp_path)
    (ws / "profiles" / "contacts" / "ex.yaml").write_text(CONTACT, encoding="utf-8")
    result = run(ws, "letter", "ex")
    assert result.code == 1
    assert [line.split(": ")[2] for line in result.err.splitlines()] == CONTACT_FIELDS
    listed = run(ws, "contacts")  # listing is not writing: it shows the file as it is
    assert listed.code == 0 and "<<their full name>>" in listed.out


def test_a_second_init_changes_nothing(tmp_path: Path) -> None:
    assert run(tmp_path, "init").code == 0
    (tmp_path / "profiles" / "candidate.yaml").write_text("name: mine\n", encoding="utf-8")
    (tmp_path / ".gitignore").write_text("*.pdf\n", encoding="utf-8")
    before = files(tmp_path)
    again = run(tmp_path, "init")
    assert again.code == 0
    assert "nothing changed" in again.out
    assert files(tmp_path) == before


def test_init_keeps_an_existing_workspace(tmp_path: Path) -> None:
    ws = copy_workspace(tmp_path)
    before = files(ws)
    result = run(ws, "init")
    assert result.code == 0
    after = files(ws)
    assert {k: v for k, v in after.items() if k in before} == before
    assert sorted(set(after) - set(before)) == [".gitignore", "schema/.outreach-written.json",
                                                "schema/contact.schema.json",
                                                "schema/profile.schema.json", "smtp.yaml",
                                                "templates/README.md"]


def test_init_into_a_named_folder_and_a_file_in_the_way(tmp_path: Path) -> None:
    assert run(tmp_path, "init", str(tmp_path / "a" / "b")).code == 0
    assert (tmp_path / "a" / "b" / "profiles" / "candidate.yaml").is_file()
    (tmp_path / "f").write_text("x")
    result = run(tmp_path, "init", str(tmp_path / "f"))
    assert result.code != 0 and "Traceback" not in result.err


# -- the schema --------------------------------------------------------------------------


class _EditorLoader(yaml.SafeLoader):
    """YAML as an editor's language server reads it (1.2 core: dates stay text)."""


_EditorLoader.yaml_implicit_resolvers = {
    k: [(t, r) for t, r in v if t != "tag:yaml.org,2002:timestamp"]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()}


def schema_of(root: Path, kind: str) -> dict[str, object]:
    return json.loads((root / "schema" / f"{kind}.schema.json").read_text(encoding="utf-8"))


def editor(text: str) -> object:
    return yaml.load(text, Loader=_EditorLoader)


def test_schema_accepts_every_sample_file(tmp_path: Path) -> None:
    assert run(tmp_path, "schema", "-o", str(tmp_path / "schema")).code == 0
    profile, contact = schema_of(tmp_path, "profile"), schema_of(tmp_path, "contact")
    jsonschema.validate(editor((REPO / "profiles" / "candidate.yaml").read_text()), profile)
    samples = sorted((REPO / "profiles" / "contacts").glob("*.yaml"))
    assert len(samples) >= 6
    for path in samples:
        jsonschema.validate(editor(path.read_text(encoding="utf-8")), contact)
    jsonschema.validate(editor(PROFILE), profile)  # the skeletons too
    jsonschema.validate(editor(CONTACT), contact)


@pytest.mark.parametrize(("kind", "change", "complaint"), [
    ("contact", ("title:", "titel:"), "'titel' was unexpected"),
    ("contact", ("local: true", "local: [true]"), "is not valid under any of the given"),
    ("contact", ("relationship: referral", "relationship: frend"), "is not one of"),
    ("profile", ("meeting_minutes: 20", "meeting_minutes: twenty"), "is not of type 'integer'"),
    ("profile", ("goals: [explore-fit", "goals: [salary"), "is not one of"),
])
def test_schema_rejects_a_typo_and_a_wrong_type(tmp_path: Path, kind: str,
                                                change: tuple[str, str], complaint: str) -> None:
    assert run(tmp_path, "schema", "-o", str(tmp_path / "schema")).code == 0
    source = (REPO / "profiles" / ("candidate.yaml" if kind == "profile"
                                   else "contacts/jim-park.yaml")).read_text(encoding="utf-8")
    assert change[0] in source
    with pytest.raises(jsonschema.ValidationError) as exc:
        jsonschema.validate(editor(source.replace(change[0], change[1], 1)),
                            schema_of(tmp_path, kind))
    assert complaint in exc.value.message


def test_every_field_has_a_description_and_an_example() -> None:
    for model in (Profile, Contact):
        schema = model.model_json_schema()
        for definition in [schema, *schema.get("$defs", {}).values()]:
            for name, prop in definition["properties"].items():
                assert prop.get("description"), name
                assert prop.get("examples"), name


def test_schema_to_standard_output_and_the_modeline(tmp_path: Path) -> None:
    out = run(tmp_path, "schema", "--contact")
    assert out.code == 0
    assert json.loads(out.out)["properties"]["how_we_met"]["description"]
    assert run(tmp_path, "schema").code == 2
    assert run(tmp_path, "schema", "--profile", "-o", str(tmp_path)).code == 2
    assert run(tmp_path, "init").code == 0
    for yaml_file, kind in [("profiles/candidate.yaml", "profile"),
                            ("profiles/contacts/example-contact.yaml", "contact")]:
        first = (tmp_path / yaml_file).read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith("# yaml-language-server: $schema=")
        target = (tmp_path / yaml_file).parent / first.split("=", 1)[1]
        assert target.resolve() == (tmp_path / "schema" / f"{kind}.schema.json").resolve()
    again = run(tmp_path, "schema", "-o", str(tmp_path / "schema"))  # init's are outreach's
    assert [line.split()[0] for line in again.out.splitlines()] == ["unchanged"] * 2
    edited = tmp_path / "schema" / "contact.schema.json"
    edited.write_text(edited.read_text(encoding="utf-8") + " ", encoding="utf-8")
    kept = run(tmp_path, "schema", "-o", str(tmp_path / "schema"))
    assert "contact.schema.json: changed since outreach wrote it" in kept.out


# -- templates ---------------------------------------------------------------------------


def test_templates_list_copy_and_diff(tmp_path: Path) -> None:
    ws = copy_workspace(tmp_path)
    listed = run(ws, "templates")
    assert listed.code == 0
    assert re.search(r"^document\.css\s+built-in", listed.out, re.M)
    assert run(ws, "templates", "copy", "document.css", "letter.md.j2").code == 0
    css = ws / "templates" / "document.css"
    assert "same as built-in" in run(ws, "templates").out
    assert "the same as the built-in" in run(ws, "templates", "diff", "document.css").out
    css.write_text(css.read_text().replace("font-size", "font-size: 13pt; x-size", 1))
    again = run(ws, "templates", "copy", "document.css")
    assert "kept" in again.out
    assert "13pt" in css.read_text()  # never over a file that is there
    diff = run(ws, "templates", "diff").out  # every override
    assert "--- built-in/document.css" in diff
    assert re.search(r"^\+.*13pt", diff, re.M)
    assert re.search(r"^-.*font-size", diff, re.M)
    assert "letter.md.j2: the same as the built-in" in diff
    assert re.search(r"^document\.css\s+yours, changed", run(ws, "templates").out, re.M)


def test_templates_mistakes(tmp_path: Path) -> None:
    ws = copy_workspace(tmp_path)
    wrong = run(ws, "templates", "copy", "document.ccs")
    assert wrong.code == 1 and "did you mean 'document.css'?" in wrong.err
    missing = run(ws, "templates", "diff", "document.css")
    assert missing.code == 1 and "outreach templates copy document.css" in missing.err
    assert run(ws, "templates", "copy").code == 2
    assert run(ws, "templates", "copy", "--all").code == 0
    builtin = sorted(p.name for p in (REPO / "outreach" / "compose" / "templates").iterdir())
    assert len(builtin) >= 11  # every built-in template and resource, the envelope's too
    assert sorted(p.name for p in (ws / "templates").iterdir()) == builtin


@pytest.mark.parametrize("blocker", ["profiles", "profiles/contacts", "templates",
                                     "smtp.yaml/", "schema"])
def test_init_is_all_or_nothing(tmp_path: Path, blocker: str) -> None:
    """A file where init makes a folder (or a folder where it writes a file) is found
    before anything is written: the folder is left as it was."""
    root = tmp_path / "campagne-été"
    target = root / blocker.rstrip("/")
    target.parent.mkdir(parents=True, exist_ok=True)
    if blocker.endswith("/"):
        target.mkdir()
    else:
        target.write_text("in the way")
    before = files(root)
    result = run(tmp_path, "init", str(root))
    assert result.code == 1 and "nothing was written" in result.err
    assert blocker.rstrip("/") in result.err and "Traceback" not in result.err
    assert files(root) == before and sorted(p.name for p in root.rglob("*")) == sorted(
        Path(blocker.rstrip("/")).parts)


def test_init_writes_a_commented_smtp_skeleton(tmp_path: Path) -> None:
    """Every field of smtp.yaml, commented out: uncommented, it is a valid server."""
    from outreach.channels.send import SmtpConfig

    assert run(tmp_path, "init").code == 0
    text = (tmp_path / "smtp.yaml").read_text(encoding="utf-8")
    assert yaml.safe_load(text) is None  # all comments until the user fills it in
    fields = {k: v for line in text.splitlines() if re.match(r"# [a-z_]+: \S", line)
              for k, v in yaml.safe_load(line.removeprefix("# ")).items()}
    assert set(fields) == set(SmtpConfig.model_fields) - {"password"}
    SmtpConfig.model_validate(fields)


def test_every_contact_file_outreach_writes_carries_the_modeline(tmp_path: Path) -> None:
    """log --referral and import write the modeline, as init does, when the workspace
    has the schema."""
    ws = copy_workspace(tmp_path)
    assert run(ws, "schema", "-o", str(ws / "schema")).code == 0
    assert run(ws, "log", "maria-lopez", "--event", "call", "--date", "2026-11-20",
               "--referral", "Zhang Wei, 上海规划院").code == 0
    csv = tmp_path / "Connections.csv"
    csv.write_text("First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
                   "Oluwaseun,Adeyemi,,,Lagos Metro,Planner,01 Mar 2024\n", encoding="utf-8")
    assert run(ws, "import", "linkedin", str(csv)).code == 0
    before = {"jim-park", "maria-lopez", "priya-raman", "thomas-whitfield", "evelyn-okafor",
              "amelie-cote-nguyen"}
    made = [p for p in (ws / "profiles" / "contacts").glob("*.yaml") if p.stem not in before]
    assert len(made) == 2
    for path in made:
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first == "# yaml-language-server: $schema=../../schema/contact.schema.json"
