"""A workspace template reads nothing outside the templates, and cannot run away.

Every name a template gives to include, import, from or extends must be a file inside
the workspace's ``templates/`` or the built-in templates; a render is bounded in steps,
size and time. Each refusal is one ``Error:`` line naming the template and its line,
exit 1, nothing written, the workspace unchanged.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import run
from outreach.compose import sandbox
from support.sandbox_files import refused

SECRET = "do-not-print-this-secret"


def _write(ws: Path, name: str, text: str) -> None:
    (ws / "templates").mkdir(exist_ok=True)
    (ws / "templates" / name).write_text(text, encoding="utf-8")


def _template(ws: Path, body: str) -> None:
    """An approach letter whose body (from line 2) is ``body``."""
    _write(ws, "approach-letter.md.j2",
           '{% extends "letter.md.j2" %}{% block body %}\n' + body + "\n{% endblock %}\n")


@pytest.fixture(autouse=True)
def _in_workspace(ws: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ws)  # messages show paths relative to where the user is


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    path = tmp_path / "outside" / "secret.txt"
    path.parent.mkdir()
    path.write_text(SECRET + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("statement", [
    '{% include "SECRET" %}',
    '{% include "../../../../../../../../SECRET" %}',
    '{% include ["missing.md", "SECRET"] %}',
    '{% import "SECRET" as s %}',
    '{% from "SECRET" import x %}',
    '{% include "templates/../../outside/secret.txt" %}',
    '{% include "..\\\\outside\\\\secret.txt" %}',
    '{% include "file:SECRET" %}',
])
def test_a_template_names_only_files_inside_the_templates(ws: Path, secret: Path,
                                                          statement: str) -> None:
    _template(ws, "Before.\n" + statement.replace("SECRET", str(secret)))
    error = refused(ws, "letter", "jim-park")
    assert "templates/approach-letter.md.j2:3:" in error
    assert "is not a file in templates" in error


def test_extends_outside_names_the_template_and_line(ws: Path, secret: Path) -> None:
    _write(ws, "phone-script.md.j2", "{# a comment #}\n" + f'{{% extends "{secret}" %}}\n')
    error = refused(ws, "script", "jim-park")
    assert "templates/phone-script.md.j2:2:" in error and repr(str(secret)) in error


def test_a_built_in_template_name_cannot_climb_out_of_the_package() -> None:
    """Without a workspace folder the built-in templates are the only folder: a name
    is refused there too (the old lookup joined it to the package folder unchecked)."""
    from outreach.compose.templating import Templates
    from outreach.errors import TemplateError

    for name in ("../templating.py", "/etc/hostname", "../../outreach/errors.py"):
        with pytest.raises(TemplateError, match="is not a file in"):
            Templates(None).render(name, {})
    assert Templates(None).env.get_template("letter.md.j2").name == "letter.md.j2"


@pytest.mark.parametrize("target", ["file", "folder"])
def test_a_link_inside_templates_that_leads_out_is_refused(ws: Path, secret: Path,
                                                           target: str) -> None:
    (ws / "templates").mkdir()
    if target == "file":
        (ws / "templates" / "part.md").symlink_to(secret)
        _template(ws, '{% include "part.md" %}')
    else:
        (ws / "templates" / "parts").symlink_to(secret.parent)
        _template(ws, '{% include "parts/secret.txt" %}')
    error = refused(ws, "letter", "jim-park", "--format", "docx")
    assert "templates/approach-letter.md.j2:2:" in error and "leads outside" in error


def test_a_link_that_stays_inside_and_a_subfolder_are_fine(ws: Path) -> None:
    (ws / "templates" / "parts").mkdir(parents=True)
    (ws / "templates" / "parts" / "p.md").write_text("From a subfolder.\n", encoding="utf-8")
    (ws / "templates" / "alias.md").symlink_to(ws / "templates" / "parts" / "p.md")
    _template(ws, '{% include "parts/p.md" %} {% include "alias.md" %}')
    result = run(ws, "letter", "jim-park", "--format", "docx")
    assert result.code == 0, result.err
    from conftest import docx_text

    assert docx_text(ws / "output" / "jim-park" / "approach-letter.docx").count(
        "From a subfolder.") == 2


def test_one_check_keeps_every_read_inside(ws: Path, secret: Path) -> None:
    """Templates, resources and the question bank share one function."""
    from outreach.compose.templating import Templates, inside_folder
    from outreach.errors import TemplateError

    (ws / "templates").mkdir()
    (ws / "templates" / "document.css").symlink_to(secret)
    with pytest.raises(TemplateError, match="leads outside"):
        Templates(ws / "templates").resource("document.css")
    with pytest.raises(TemplateError, match="is not a file in"):
        Templates(ws / "templates").resource("../profiles/candidate.yaml")
    for name in ("/etc/passwd", "..", "a/../../b", "C:\\x", "x\0y", ""):
        with pytest.raises(TemplateError):
            inside_folder(ws / "templates", name)
    assert inside_folder(ws / "templates", "absent.css") is None


RUNAWAYS = {
    "nested-ranges": "{% for i in range(99999) %}{% for j in range(99999) %}"
                     "{% endfor %}{% endfor %}",
    "nested-ranges-printing": "{% for i in range(99999) %}{% for j in range(99999) %}"
                              "x{% endfor %}{% endfor %}",
    "string-times-number": '{{ "word " * 2*10**6 }}',
    "list-times-number": "{{ ([1] * 10**8)|length }}",
    "power": "{{ 7 ** (10 ** 8) }}",
    "format-width": '{{ "%999999999d" % 1 }}',
    "format-star-width": '{{ "%*d" % (999999999, 1) }}',
    "str-format-width": '{{ "{:>999999999}".format(1) }}',
    "str-format-nested-width": '{{ "{:{}}".format(1, 999999999) }}',
    "format-filter": '{{ "%999999999s"|format("x") }}',
    "center-filter": '{{ "x"|center(999999999) }}',
    "ljust-method": '{{ "x".ljust(999999999) }}',
    "replace-method": '{% set s = "x" * 90000 %}{{ s.replace("", s)|length }}',
    "replace-filter": '{% set s = "x" * 90000 %}{{ s|replace("x", s)|length }}',
    "join-method": '{% set s = "y" * 90000 %}{{ s.join(range(99999)|list)|length }}',
    "namespace-doubling": '{% set ns = namespace(s="ab") %}{% for i in range(60) %}'
                          "{% set ns.s = ns.s ~ ns.s %}{% endfor %}{{ ns.s|length }}",
    "macro-doubling": '{% macro d(s, n) %}{% if n %}{{ d(s ~ s, n - 1) }}{% else %}'
                      '{{ s|length }}{% endif %}{% endmacro %}{{ d("ab", 60) }}',
    "range-too-long": "{{ range(10**7)|length }}",
    "output-piece-by-piece": '{% for i in range(50000) %}{{ "word " }}{% endfor %}',
}


@pytest.mark.parametrize("body", list(RUNAWAYS.values()), ids=list(RUNAWAYS))
@pytest.mark.parametrize("fmt", ["pdf", "docx"])
def test_a_runaway_template_is_stopped_and_named(ws: Path, body: str, fmt: str) -> None:
    _template(ws, "Dear reader.\n" + body)
    error = refused(ws, "letter", "jim-park", "--format", fmt)
    assert "templates/approach-letter.md.j2:" in error and "template ran away" in error


def test_a_loop_that_calls_nothing_meets_the_time_budget(ws: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """Iterating a long text twice over makes no call and no output: the time budget
    stops it (set small here, so the test does not wait the real budget out)."""
    monkeypatch.setattr(sandbox, "RENDER_SECONDS", 0.2)
    _template(ws, '{% set s = "x" * 99999 %}{% for a in s %}{% for b in s %}'
                  "{% endfor %}{% endfor %}")
    error = refused(ws, "letter", "jim-park", "--format", "docx")
    assert "templates/approach-letter.md.j2:" in error and "runs longer than 0.2 seconds" in error


def test_a_runaway_question_sheet_names_its_template(ws: Path) -> None:
    _write(ws, "question-sheet.md.j2", "# Questions\n\n{% for q in range(99999) %}"
           "{% for r in range(99999) %}{% endfor %}{% endfor %}\n")
    error = refused(ws, "questions", "jim-park")
    assert "templates/question-sheet.md.j2:3: template ran away" in error


def test_ordinary_templates_stay_well_inside_the_bounds(ws: Path) -> None:
    """Loops, formats and joins of a normal size still work."""
    _template(ws, '{% for i in range(3) %}{{ "%03d" % i }} {% endfor %}'
                  '{{ ["a", "b"]|join(", ") }} {{ "{:>6}".format("x") }} {{ "ab" * 3 }}'
                  '{% set ns = namespace(n=0) %}{% for i in range(100) %}'
                  "{% set ns.n = ns.n + i %}{% endfor %} {{ ns.n }}")
    result = run(ws, "letter", "jim-park", "--format", "docx")
    assert result.code == 0, result.err
    from conftest import docx_text

    text = docx_text(ws / "output" / "jim-park" / "approach-letter.docx")
    assert "000 001 002 a, b x ababab 4950" in " ".join(text.split())
