"""Property: whatever a valid contact file looks like (comments, flow and block styles,
block scalars with every chomping indicator, document markers, CRLF line breaks),
``outreach log`` only inserts text into it: every original line is kept, in order, and
the result validates and reads back as the original plus the new entry."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from outreach.workspace.folder import ContactFile
from outreach.workspace.history import append_entries
from outreach.workspace.loading import load, read_yaml
from outreach.workspace.models import Contact, HistoryEntry

ENTRY = HistoryEntry(date=dt.date(2026, 11, 21), event="meeting", mode="phone",
                     points=["Ask the GIS team", "a: b # not a comment"], resume="asked")

words = st.lists(st.sampled_from(["zoning", "data", "Côté", "it's", "#1", "a: b", "[x]",
                                  "Ωmega", "don't"]), min_size=1, max_size=3).map(" ".join)
CHOMPING = ["|", "|-", "|+", ">", ">-", ">+"]
comment = st.sampled_from(["", "  # a comment", "  # {not: yaml}"])


@st.composite
def block_scalar(draw: st.DrawFn, indent: int) -> list[str]:
    """A block scalar's header and lines, with 0 to 2 blank lines after it."""
    header = draw(st.sampled_from(CHOMPING))
    body = [" " * indent + w for w in draw(st.lists(words, min_size=1, max_size=3))]
    return [header, *body, *[""] * draw(st.integers(0, 2))]


def scalar(draw: st.DrawFn, value: str) -> str:
    style = draw(st.sampled_from(["plain", "single", "double"]))
    if style == "plain" and not value.replace(" ", "").isalnum():
        style = "single"  # a plain scalar cannot hold "a: b" or "#1"
    if style == "single":
        return "'" + value.replace("'", "''") + "'"
    if style == "double":
        return '"' + value + '"'
    return value


@st.composite
def history_item(draw: st.DrawFn, dash: int) -> list[str]:
    """One history entry, as a flow mapping or a block mapping under ``- `` at ``dash``."""
    day = draw(st.dates(dt.date(2020, 1, 1), dt.date(2026, 11, 20))).isoformat()
    event = draw(st.sampled_from(["letter-sent", "call", "meeting", "declined"]))
    pad = " " * dash
    if draw(st.integers(0, 3)) == 0:
        return [f"{pad}- {{date: {day}, event: {event}}}{draw(comment)}"]
    lines = [f"{pad}- date: {day}{draw(comment)}", f"{pad}  event: {event}"]
    if draw(st.integers(0, 3)) > 0:
        head, *rest = draw(block_scalar(dash + 6))
        lines += [f"{pad}  points:", f"{pad}    - {head}", *rest]
    return lines


@st.composite
def history(draw: st.DrawFn) -> tuple[str, list[str]]:
    """(``absent`` | ``block`` | ``flow``, the lines of the history key)."""
    style = draw(st.sampled_from(["absent", "block", "block", "flow"]))
    if style == "absent":
        return style, []
    if style == "flow":
        items = ", ".join(f"{{date: 2026-11-{d:02d}, event: call}}"
                          for d in draw(st.lists(st.integers(1, 20), min_size=1, max_size=2)))
        trailing = draw(st.sampled_from(["", ","]))
        return style, [f"history: [{items}{trailing}]{draw(comment)}"]
    dash = draw(st.sampled_from([0, 2, 4]))
    lines = [f"history:{draw(comment)}"]
    for _ in range(draw(st.integers(1, 3))):
        lines += draw(history_item(dash))
        if draw(st.booleans()):
            lines.append(" " * dash + "# between items")
    return style, lines


@st.composite
def contact_file(draw: st.DrawFn) -> tuple[str, str]:
    """(history style, the text of a valid contact file)."""
    style, hist = draw(history())
    fields = [[f"name: {scalar(draw, 'Jim Park')}{draw(comment)}"],
              ["relationship: friend"],
              [f"title: {scalar(draw, draw(words))}"]]
    if draw(st.booleans()):
        head, *rest = draw(block_scalar(2))
        fields.append([f"notes: {head}", *rest])
    if draw(st.booleans()):
        fields.append(["address: |2", "  800 E Monroe St", "  Springfield"])
    if hist:
        fields.insert(draw(st.integers(1, len(fields))), hist)
    if draw(st.booleans()):  # between two fields, never inside a block scalar
        fields.insert(draw(st.integers(0, len(fields))), ["# a comment line"])
    lines = [line for field in fields for line in field]
    start = draw(st.sampled_from([[], ["---"], ["--- # start"], ["%YAML 1.1", "---"]]))
    end = draw(st.sampled_from([[], ["..."], ["...", "# after the end"]]))
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    return style, newline.join([*start, *lines, *end]) + newline


def single_insertion(old: str, new: str) -> str:
    """The text inserted into ``old`` to give ``new``; fails unless that is all."""
    prefix = 0
    while prefix < len(old) and old[prefix] == new[prefix]:
        prefix += 1
    suffix = 0
    while suffix < len(old) - prefix and old[-1 - suffix] == new[-1 - suffix]:
        suffix += 1
    assert prefix + suffix == len(old), "something of the original was changed"
    return new[prefix:len(new) - suffix]


def is_subsequence(old: list[str], new: list[str]) -> bool:
    rest = iter(new)
    return all(any(line == other for other in rest) for line in old)


@settings(max_examples=200, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(case=contact_file())
def test_log_only_inserts_and_the_result_validates(case: tuple[str, str]) -> None:
    style, text = case
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "jim-park.yaml"
        path.write_bytes(text.encode("utf-8"))
        before, _ = load(Contact, path)  # the generated file is valid to begin with
        old_data, _ = read_yaml(path)
        append_entries(ContactFile("jim-park", path, before, {}), [ENTRY])
        new = path.read_bytes().decode("utf-8")
        added = single_insertion(text, new)
        if style != "flow":  # whole lines, each with the file's own line break
            assert is_subsequence(text.splitlines(), new.splitlines())
            assert len(new.splitlines()) > len(text.splitlines()) + 2
        assert "2026-11-21" in added
        after, _ = load(Contact, path)
        assert list(after.history) == [*before.history, ENTRY]
        new_data, _ = read_yaml(path)
        assert {k: v for k, v in new_data.items() if k != "history"} == {
            k: v for k, v in old_data.items() if k != "history"}  # block scalars unchanged


@pytest.mark.parametrize("text", [
    "name: Jim Park\nrelationship: friend\n...\n",
    "name: Jim Park\nrelationship: friend\nhistory:\n  - {date: 2026-11-16, event: call}\n...\n",
    "name: Jim Park\nrelationship: friend\nhistory:\n  - date: 2026-11-16\n    event: call\n"
    "    points:\n      - |+\n        the data team\n\n\n",
    "name: Jim Park\nrelationship: friend\nhistory:\n  - date: 2026-11-16\n    event: call\n"
    "    points:\n      - >+\n        the data team\n\n...\n",
    "---\r\nname: Jim Park\r\nrelationship: friend\r\nnotes: |+\r\n  kept\r\n\r\n...\r\n",
])
def test_document_end_markers_and_kept_blank_lines(tmp_path: Path, text: str) -> None:
    path = tmp_path / "jim-park.yaml"
    path.write_bytes(text.encode("utf-8"))
    before, _ = load(Contact, path)
    old_data, _ = read_yaml(path)
    append_entries(ContactFile("jim-park", path, before, {}), [ENTRY])
    new = path.read_bytes().decode("utf-8")
    single_insertion(text, new)
    assert list(load(Contact, path)[0].history) == [*before.history, ENTRY]
    assert {k: v for k, v in read_yaml(path)[0].items() if k != "history"} == {
        k: v for k, v in old_data.items() if k != "history"}
