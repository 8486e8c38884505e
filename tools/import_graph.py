"""outreach's import graph: floors, arrows running back up, cycles, and the layer map.

    python tools/import_graph.py            # the table, as docs/architecture.md holds it
    python tools/import_graph.py --write    # write it into docs/architecture.md
    python tools/import_graph.py --edges    # every internal import, one a line

Every ``import`` and ``from ... import`` in outreach/ is read from the source (the AST,
nothing is run): those at the top of a module, those deferred into a function body, and
those under ``if TYPE_CHECKING:`` (counted apart: they never run).

- A **cycle** is a strongly connected set of modules (two or more) over every import
  that runs (top-level and deferred); at package level, the same over the packages the
  modules belong to (``LAYER_MAP``).
- A module's **floor** is 0 when it imports no other module of outreach, else one more
  than the highest floor it imports (deferred imports too; a cycle's modules share one).
- An **arrow running back up** is an import that closes a cycle: within a cycle, one
  that points to a module not below the importer on the floors that top-level imports
  alone would give (a deferred import, as a rule: that is how it gets past Python).

``LAYER_MAP`` is the one place that says which package (and so which layer) each module
belongs to; ``LAYERS`` orders the layers, highest first. tests/project/test_architecture.py holds
the code to it: an import from a lower layer to a higher one, or between two packages of
one layer, is refused.
"""

from __future__ import annotations

import argparse
import ast
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PACKAGE = REPO / "outreach"
DOC = REPO / "docs" / "architecture.md"
MARKERS = ("<!-- import-graph: made by tools/import_graph.py -->",
           "<!-- end of import-graph -->")

#: The layers, highest first; each is one package or several independent ones (none of
#: a layer imports another of it). An import may only point down this list.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("cli",),
    ("app",),
    ("channels",),
    ("compose",),
    ("campaign",),
    ("workspace", "render"),
    ("document", "logs", "cache"),
    ("errors", "outreach"),  # outreach/__init__.py: imports nothing
)

#: The package of each module still at the top of outreach/ (where it goes when the
#: modules are moved into their packages). A module inside a package of ``LAYERS``
#: (outreach/render/layout.py), or named as one (outreach/errors.py, outreach/cli/__init__.py),
#: needs no entry.
LAYER_MAP: dict[str, str] = {
    "outreach.__main__": "cli",
}


#: The reason of cli/'s own pattern, unmarked there: a command imports its library code
#: (``outreach.*``) inside the command, so ``outreach --help`` imports cli/ alone.
COMMAND = "command"

#: Why an import is deferred into a function: the only reasons there are. An import
#: inside a function is marked ``# deferred: NAME`` with NAME one of these (on one of the
#: import's lines); an import of a library must name that library (or a package it is
#: in); an import of a module of outreach names the library it keeps away, or the module
#: itself when its own cost is the reason. Costs: the time to import it after what the
#: commands that do without it have imported (python -X importtime, medians, this
#: project's machine); "optional": may be missing where outreach runs. In cli/, an
#: import of outreach's own code is unmarked (``COMMAND``). tests/test_architecture.py
#: refuses any other deferred import; docs/architecture.md counts them by reason.
DEFERRED: dict[str, str] = {
    "click.shell_completion": "1 ms; cli/ only, when the shell completes a word "
                              "(`outreach --help` loads it otherwise not)",
    COMMAND: "0.1-0.45 s (pydantic, PyYAML, jinja2, the workspace's models); cli/ only, "
             "unmarked there: every command module is imported for `outreach --help`, so "
             "each command imports its library code (outreach.*) when it runs",
    "concurrent.futures": "5 ms; only when written files are synced (`send` and `report` "
                          "load no thread pool otherwise)",
    "docx": "0.11 s (python-docx); only when an enclosed DOCX's title or text is read",
    "email.headerregistry": "7-12 ms; only when an e-mail address is checked",
    "fcntl": "optional: POSIX only (locking a folder)",
    "icalendar": "45 ms; only when `due --ics` writes a calendar",
    "json": "2 ms; cli/ only, for `--json` (`outreach --help` loads no json otherwise)",
    "lxml": "17 ms (lxml.etree); only when an enclosed DOCX is cleaned",
    "markdown_it": "55 ms; only when a document is parsed that the cache does not hold",
    "mdit_py_plugins": "with markdown_it (its container plugin)",
    "multiprocessing.forkserver": "a few ms; only when a fork server is started (contacts "
                                  "and due load render/workers.py and start none)",
    "nameparser": "70 ms (it loads its word lists); only when a name is parsed that the "
                  "cache does not hold",
    "outreach.campaign.caseload": "6 ms with campaign.due; only `report --caseload` reads "
                                  "a caseload",
    "outreach.campaign.referrals": "7 ms (with workspace.history and people); only the "
                                   "contexts that name a referral",
    "outreach.compose.kinds": "90 ms (the templates, Jinja, the document contexts); only "
                              "when `due --ics` names the question sheets",
    "outreach.compose.questions": "10-15 ms (its models); only the documents that choose "
                                  "questions (sheets, scripts)",
    "outreach.workspace.output": "2 ms; only when a file is written (plain `report` "
                                 "writes none)",
    "pikepdf": "65 ms; only when PDFs are joined (enclosures, print files)",
    "pygal": "70 ms; only when `report --pdf` draws its charts",
    "pypdf": "0.18 s; only when an enclosed PDF is read or cleaned",
    "tinycss2": "7 ms; only when WeasyPrint's stylesheet is trimmed (not in the cache)",
    "wcwidth": "40 ms; only when a table is printed (`outreach --help` prints none)",
    "weasyprint": "0.5-0.85 s; only when a PDF is laid out; render/writers/engine.py is the "
                  "one module that imports it (importing engine imports WeasyPrint)",
    "yaml._yaml": "optional: PyYAML built without libyaml lacks it",
}

MARK = re.compile(r"#\s*deferred:\s*([\w.]+)")


@dataclass(frozen=True)
class Deferred:
    """One import inside a function (of any module), with the reason it is marked with."""

    source: str
    line: int
    modules: tuple[str, ...]  # absolute names; those of outreach begin with "outreach"
    reason: str | None  # the NAME of its ``# deferred: NAME``, None when unmarked

    def fault(self) -> str | None:
        """What the rule finds wrong with it, or None."""
        where = f"{self.source}, line {self.line}"
        if self.reason is None:
            return f"{where}: deferred with no '# deferred: NAME' (NAME of DEFERRED)"
        if self.reason not in DEFERRED:
            return f"{where}: '# deferred: {self.reason}' is no reason DEFERRED gives"
        for module in self.modules:
            if module.split(".")[0] != "outreach" and not (
                    module == self.reason or module.startswith(self.reason + ".")):
                return f"{where}: {module} is deferred as if it were {self.reason}"
        return None


@dataclass(frozen=True)
class Import:
    """One import of a module of outreach by another."""

    source: str
    target: str
    line: int
    how: str  # "top", "deferred" or "typing"


def module_name(path: Path, root: Path = PACKAGE) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules(root: Path = PACKAGE) -> dict[str, Path]:
    """Every module of the package at ``root``, by dotted name."""
    return {module_name(p, root): p for p in sorted(root.rglob("*.py"))}


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _statements(tree: ast.AST, how: str = "top") -> Iterator[tuple[ast.stmt, str]]:
    """Every import statement under ``tree``, with how it runs."""
    for node in ast.iter_child_nodes(tree):
        inner = how
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            inner = "deferred" if how == "top" else how
        elif isinstance(node, ast.If) and _is_type_checking(node.test):
            for child in node.body:
                yield from _statements(ast.Module(body=[child], type_ignores=[]), "typing")
            for child in node.orelse:
                yield from _statements(ast.Module(body=[child], type_ignores=[]), how)
            continue
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node, how
        yield from _statements(node, inner)


def _base(name: str, node: ast.ImportFrom, is_package: bool) -> str:
    """The module a ``from`` import names, made absolute."""
    if not node.level:
        return node.module or ""
    parts = name.split(".")
    if not is_package:
        parts = parts[:-1]
    parts = parts[:len(parts) - (node.level - 1)]
    return ".".join([*parts, *([node.module] if node.module else [])])


def _targets(name: str, node: ast.stmt, known: dict[str, Path]) -> Iterator[str]:
    """The modules of outreach ``node`` imports (``from .x import y``: ``.x.y`` when that
    is a module, else ``.x``)."""
    if isinstance(node, ast.Import):
        for alias in node.names:
            if alias.name in known:
                yield alias.name
        return
    assert isinstance(node, ast.ImportFrom)
    base = _base(name, node, known[name].name == "__init__.py")
    for alias in node.names:
        if f"{base}.{alias.name}" in known:
            yield f"{base}.{alias.name}"
        elif base in known:
            yield base


def imports(root: Path = PACKAGE) -> list[Import]:
    """Every import of a module of outreach by another, deferred and typing-only ones too."""
    known = modules(root)
    found = []
    for name, path in known.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for node, how in _statements(tree):
            found += [Import(name, target, node.lineno, how)
                      for target in _targets(name, node, known) if target != name]
    return sorted(set(found), key=lambda i: (i.source, i.line, i.target))


def _imported(name: str, node: ast.Import | ast.ImportFrom, is_package: bool
              ) -> tuple[str, ...]:
    if isinstance(node, ast.Import):
        return tuple(alias.name for alias in node.names)
    base = _base(name, node, is_package)
    return tuple(f"{base}.{alias.name}" for alias in node.names)


def deferred(root: Path = PACKAGE) -> list[Deferred]:
    """Every import inside a function in the package at ``root``, of any module."""
    found = []
    for name, path in modules(root).items():
        text = path.read_text(encoding="utf-8")
        lines = text.splitlines()
        for node, how in _statements(ast.parse(text, str(path))):
            if how != "deferred":
                continue
            assert isinstance(node, ast.Import | ast.ImportFrom)
            marks = [m.group(1) for line in lines[node.lineno - 1:node.end_lineno]
                     if (m := MARK.search(line))]
            imported = _imported(name, node, path.name == "__init__.py")
            if not marks and name.startswith("outreach.cli.") and all(
                    m.split(".")[0] == "outreach" for m in imported):
                marks = [COMMAND]  # the pattern of cli/: unmarked, it is said once
            found.append(Deferred(name, node.lineno, imported, marks[0] if marks else None))
    return found


def package_of(module: str) -> str:
    """The package (of ``LAYERS``) a module belongs to: the one it is in, or is named
    as; else ``LAYER_MAP``'s word; KeyError for a module no one has placed."""
    parts = module.split(".")
    if len(parts) == 1:
        return parts[0]
    if any(parts[1] in layer for layer in LAYERS):
        return parts[1]
    return LAYER_MAP[module]


def layer_of(package: str) -> int:
    """The layer's index (0 the highest)."""
    return next(n for n, layer in enumerate(LAYERS) if package in layer)


def upward(found: Iterable[Import]) -> list[Import]:
    """The imports the layers refuse: to a higher layer, or to another package of the
    same layer (typing-only ones too: they say the same dependence)."""
    out = []
    for imp in found:
        source, target = package_of(imp.source), package_of(imp.target)
        if source != target and layer_of(target) <= layer_of(source):
            out.append(imp)
    return out


def components(nodes: Iterable[str], edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    out: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in sorted(edges.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == node:
                    break
            out.append(sorted(group))

    limit = sys.getrecursionlimit()  # put back after: a test run in the same process
    sys.setrecursionlimit(max(limit, 10_000))  # relies on the usual limit (deep YAML)
    try:
        for node in sorted(nodes):
            if node not in index:
                visit(node)
    finally:
        sys.setrecursionlimit(limit)
    return out


def _edges(found: Iterable[Import], hows: tuple[str, ...], key: object = None
           ) -> dict[str, set[str]]:
    edges: dict[str, set[str]] = {}
    for imp in found:
        if imp.how in hows:
            source, target = (imp.source, imp.target) if key is None else (
                package_of(imp.source), package_of(imp.target))
            if source != target:
                edges.setdefault(source, set()).add(target)
    return edges


def cycles(names: Iterable[str], found: Iterable[Import], *, packages: bool = False
           ) -> list[list[str]]:
    """The import cycles over every import that runs (top-level and deferred)."""
    edges = _edges(found, ("top", "deferred"), key=packages or None)
    return [c for c in components(names, edges) if len(c) > 1]


def _floors(names: list[str], edges: dict[str, set[str]]) -> dict[str, int]:
    group_of = {m: tuple(c) for c in components(names, edges) for m in c}
    floor: dict[tuple[str, ...], int] = {}
    for group in dict.fromkeys(group_of.values()):  # Tarjan gives dependencies first
        below = {group_of[t] for m in group for t in edges.get(m, ()) if group_of[t] != group}
        floor[group] = 1 + max((floor[b] for b in below), default=-1)
    return {m: floor[group_of[m]] for m in names}


def floors(names: list[str], found: list[Import]) -> dict[str, int]:
    """Each module's floor over the imports that run (a cycle's modules share one)."""
    return _floors(names, _edges(found, ("top", "deferred")))


def arrows_up(names: list[str], found: list[Import]) -> list[Import]:
    """The imports that close a cycle: within a cycle, those that point to a module not
    below the importer on the floors of top-level imports alone (a deferred import, as
    a rule: Python would refuse most top-level ones)."""
    cycle = {m: frozenset(c) for c in cycles(names, found) for m in c}
    top = _floors(names, _edges(found, ("top",)))
    return [i for i in found if i.how != "typing" and i.target in cycle.get(i.source, ())
            and top[i.target] >= top[i.source]]


@dataclass(frozen=True)
class Graph:
    names: list[str]
    found: list[Import]
    floor: dict[str, int]
    up: list[Import]
    module_cycles: list[list[str]]
    package_cycles: list[list[str]]
    refused: list[Import]
    unplaced: list[str]
    deferred: list[Deferred]


def graph(root: Path = PACKAGE) -> Graph:
    names = sorted(modules(root))
    found = imports(root)
    unplaced = []
    for name in names:
        try:
            package_of(name)
        except KeyError:
            unplaced.append(name)
    placed = [i for i in found if i.source not in unplaced and i.target not in unplaced]
    floor = floors(names, found)
    return Graph(names, found, floor, arrows_up(names, found), cycles(names, found),
                 cycles({package_of(n) for n in names if n not in unplaced}, placed,
                        packages=True),
                 upward(placed), unplaced, deferred(root))


def _short(module: str) -> str:
    return module.removeprefix("outreach.")


def table(g: Graph) -> str:
    """The counts and lists, in Markdown, as docs/architecture.md holds them."""
    count = {how: sum(1 for i in g.found if i.how == how) for how in ("top", "deferred",
                                                                     "typing")}
    lines = [
        "| measure | count |", "| --- | --- |",
        f"| modules | {len(g.names)} |",
        f"| internal imports: at the top of a module | {count['top']} |",
        f"| internal imports: deferred into a function | {count['deferred']} |",
        f"| internal imports: under `TYPE_CHECKING` only | {count['typing']} |",
        f"| floors (levels of imports) | {max(g.floor.values()) + 1} |",
        f"| arrows running back up | {len(g.up)} |",
        f"| import cycles between modules | {len(g.module_cycles)} |",
        f"| import cycles between packages | {len(g.package_cycles)} |",
        f"| imports the layers refuse | {len(g.refused)} |",
        "", "| floor | modules |", "| --- | --- |",
    ]
    for level in range(max(g.floor.values()) + 1):
        on = sorted(_short(m) for m, f in g.floor.items() if f == level)
        lines.append(f"| {level} | {', '.join(on)} |")
    lines += ["", *_deferred_table(g)]
    lists = [("Arrows running back up", [f"`{_short(i.source)}` → `{_short(i.target)}` "
                                          f"(line {i.line}, {i.how})" for i in g.up]),
             ("Cycles between modules", [" ↔ ".join(map(_short, c)) for c in g.module_cycles]),
             ("Cycles between packages", [" ↔ ".join(c) for c in g.package_cycles]),
             ("Imports the layers refuse", [
                 f"`{_short(i.source)}` ({package_of(i.source)}) → `{_short(i.target)}` "
                 f"({package_of(i.target)}), line {i.line}, {i.how}" for i in g.refused]),
             ("Modules no layer is given", [f"`{m}`" for m in g.unplaced])]
    for title, items in lists:
        if items:
            lines += ["", f"{title}:", "", *(f"- {item}" for item in items)]
    return "\n".join(lines) + "\n"


def _deferred_table(g: Graph) -> list[str]:
    """The imports inside a function (of any module), by the reason each is marked with."""
    ruled = g.deferred
    by = {reason: sum(1 for d in ruled if d.reason == reason) for reason in DEFERRED}
    lines = [f"Imports deferred into a function, any module: {len(g.deferred)}; by their "
             "`# deferred:` reason:", "",
             "| reason | imports | why |", "| --- | --- | --- |"]
    lines += [f"| `{reason}` | {n} | {DEFERRED[reason]} |"
              for reason, n in sorted(by.items(), key=lambda r: (-r[1], r[0]))]
    unmarked = sum(1 for d in ruled if d.reason not in DEFERRED)
    return lines + ([f"| (none, or not a reason) | {unmarked} | refused by the test |"]
                    if unmarked else [])


def section(g: Graph | None = None) -> str:
    return f"{MARKERS[0]}\n{table(g or graph())}{MARKERS[1]}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--write", action="store_true", help=f"write the table into {DOC}")
    parser.add_argument("--edges", action="store_true", help="list every internal import")
    args = parser.parse_args(argv)
    g = graph()
    if args.edges:
        for i in g.found:
            print(f"{i.source} -> {i.target}  line {i.line}  {i.how}")
    elif args.write:
        text = DOC.read_text(encoding="utf-8")
        start = text.index(MARKERS[0])
        end = text.index(MARKERS[1]) + len(MARKERS[1])
        DOC.write_text(text[:start] + section(g) + text[end:], encoding="utf-8")
    else:
        print(table(g), end="")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
