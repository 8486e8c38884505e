"""The template contract as text: what each kind's template receives, from the registry.

``docs/templates.md`` holds this text between two markers; ``python
tools/make_template_docs.py`` writes it there, and a test fails when the two differ.
"""

from __future__ import annotations

from . import kinds

#: The markers around the generated part of docs/templates.md.
GENERATED = ("<!-- generated from outreach/compose/kinds.py: do not edit by hand -->",
             "<!-- end of the generated part -->")


def _kind_section(kind: kinds.Kind) -> list[str]:
    resume = ""
    if not kind.may_enclose_resume:
        resume = (" It never carries the résumé: the program refuses it, whatever the "
                  "template or the command line says.")
    elif kind.enclosures is not None:
        resume = " Its rules decide whether the résumé travels with it."
    first, *more = kind.formats
    files = f"`output/<id>/{kind.name}.{first}`" + "".join(f" and `.{f}`" for f in more)
    if kind.batch:
        files = f"one print file, `output/batches/<date>-{kind.batch}.{first}`"
    email = "; with `--format eml`, `.eml`, an e-mail draft" if kind.email else ""
    lines = [f"### `{kind.template}`: {kind.words}", "",
             f"{kind.summary[0].upper()}{kind.summary[1:]}. Written by `outreach "
             f"{kind.command}` to {files}{email}.{resume}", ""]
    if kind.needs:
        lines += ["It needs:", ""]
        lines += [f"- `{need.field}`: {need.why}" for need in kind.needs]
        lines.append("")
    lines += ["| name | what it holds |", "|---|---|"]
    lines += [f"| `{name}` | {what} |" for name, what in sorted(kind.variables.items())]
    return [*lines, ""]


def section() -> str:
    """The generated part of docs/templates.md, markers included."""
    lines = [GENERATED[0], ""]
    for kind in kinds.all_kinds():
        lines += _kind_section(kind)
    return "\n".join([*lines, GENERATED[1]])
