"""Appending to a contact's ``history`` without disturbing what the user wrote.

The file is never dumped as a whole: it is composed (and scanned) with ``loading``'s
parser only to find where the ``history`` value stands, and the new entry's text is
inserted there. Every original line is kept, in order, with its comments, quoting and
layout; the only change is the lines added (and, for ``history: []`` or
``history: null``, the ``[]`` or ``null`` that gives way to the first item).

The read-modify-write runs under a lock on the contact's folder, so two ``outreach log``
commands at once both keep their entry; and the file is read again just before it is
replaced, so an edit saved meanwhile is never overwritten.
"""

from __future__ import annotations

import codecs
import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from outreach.errors import InputError, OutreachError, Problem, UsageError, display_path

from .folder import ContactFile
from .loading import character_problem, compose_yaml, decode_yaml, parse_yaml, read_bytes, validate
from .models import Contact, HistoryEntry, Referral
from .output import atomic_write, locked

#: Characters PyYAML reads as line breaks.
_BREAKS = "\r\n\x85\u2028\u2029"
class _Dumper(yaml.SafeDumper):
    """SafeDumper that never writes anchors and keeps every scalar on one line."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    # A multi-line text is written double-quoted with \n escapes: exact, and one line,
    # so it can go inside a flow collection or be re-indented without a second thought.
    style = '"' if any(c in value for c in _BREAKS) else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _represent_str)
# a date of a subclass (as a test's frozen clock makes) is written as a date all the same
_Dumper.add_multi_representer(dt.date, yaml.SafeDumper.represent_date)


def dump_yaml(data: object, *, flow: bool) -> str:
    """``data`` as YAML text: no anchors, every text on one line, keys in their order."""
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True,
                     default_flow_style=flow, width=10**6)


# -- the entry as YAML ------------------------------------------------------------------


def _referral_data(referral: Referral) -> dict[str, object]:
    return {key: value for key, value in referral.model_dump().items() if value is not None}


def entry_data(entry: HistoryEntry) -> dict[str, object]:
    """The YAML mapping for ``entry``, in the model's field order, without empty values."""
    data: dict[str, object] = {}
    for name in HistoryEntry.model_fields:
        value = getattr(entry, name)
        if value is None or value == []:
            continue
        if name == "referrals":
            value = [_referral_data(r) for r in entry.referrals]
        elif isinstance(value, list):
            value = list(value)
        data[name] = value
    return data


def _block_lines(entry: HistoryEntry, column: int) -> list[str]:
    """The entry as a block sequence item whose ``-`` stands at ``column``."""
    text = dump_yaml([entry_data(entry)], flow=False)
    return [" " * column + line if line else line for line in text.splitlines()]


def _flow_text(entry: HistoryEntry) -> str:
    """The entry as one flow mapping: ``{date: 2026-11-21, event: call}``."""
    return dump_yaml(entry_data(entry), flow=True).strip()


# -- where things stand in the text ---------------------------------------------------
# -- where things stand in the text ---------------------------------------------------


def _newline(text: str) -> str:
    """The file's line break: that of its first line (``\\n`` when it has one line)."""
    match = re.search(r"\r\n|\r|\n", text)
    return match.group(0) if match else "\n"


def _after_line(text: str, index: int) -> int | None:
    """The index just past the line break that ends the line holding ``index``."""
    for pos in range(index, len(text)):
        char = text[pos]
        if char in _BREAKS:
            if char == "\r" and text[pos + 1: pos + 2] == "\n":
                return pos + 2
            return pos + 1
    return None


def _insert_lines(text: str, index: int, lines: list[str], nl: str) -> str:
    """``lines`` inserted as whole lines after the line holding ``index``."""
    block = "".join(line + nl for line in lines)
    at = _after_line(text, index)
    if at is None:  # the last line of a file without a final line break
        return text + nl + block
    return text[:at] + block + text[at:]


def _last_token(tokens: list[yaml.Token], start: int, end: int) -> yaml.Token | None:
    """The last real token in ``[start, end)``: that of a node's last content, not the
    comments and blank lines a block collection's end mark runs past."""
    last: yaml.Token | None = None
    for token in tokens:
        if isinstance(token, yaml.BlockEndToken | yaml.StreamEndToken):
            continue
        if start <= token.start_mark.index < end and (
                last is None or token.end_mark.index > last.end_mark.index):
            last = token
    return last


_BLOCK_HEADER = re.compile(r"[|>]([1-9][+-]?|[+-][1-9]?)?")


def _keeps_breaks(text: str, token: yaml.Token) -> bool:
    """Is ``token`` a block scalar with the keep indicator (``|+``, ``>+``, ``|2+``), whose
    value holds the blank lines after it?"""
    if not isinstance(token, yaml.ScalarToken) or token.style not in ("|", ">"):
        return False
    header = _BLOCK_HEADER.match(text, token.start_mark.index)
    return header is not None and "+" in header.group(0)


def _block_end(text: str, tokens: list[yaml.Token], node: yaml.Node) -> int:
    """An index on the last line of a block collection's content: new lines go after it.
    A block scalar that keeps its trailing blank lines keeps them: the lines go after."""
    start = node.start_mark.index
    token = _last_token(tokens, start, node.end_mark.index)
    last = (token.end_mark.index if token is not None else start) - 1
    if token is not None and _keeps_breaks(text, token):
        return last
    while last > start and text[last] in " \t" + _BREAKS:
        last -= 1  # the line breaks a block scalar (| or >) runs on to
    return last


def _document_end(text: str, tokens: list[yaml.Token]) -> int:
    """Where the document's text ends: the start of its ``...`` line, or the file's end."""
    for token in tokens:
        if isinstance(token, yaml.DocumentEndToken):
            start: int = token.start_mark.index - token.start_mark.column
            return start
    return len(text)


def _flow_insert(text: str, tokens: list[yaml.Token], node: yaml.Node, item: str) -> str:
    """``item`` added as the last entry of the flow collection ``node``."""
    close = node.end_mark.index - 1
    opening = next(t for t in tokens if t.start_mark.index >= node.start_mark.index
                   and isinstance(t, yaml.FlowSequenceStartToken | yaml.FlowMappingStartToken))
    inner = [t for t in tokens if opening.start_mark.index < t.start_mark.index < close]
    if not inner:
        return text[:close] + item + text[close:]
    last = max(inner, key=lambda t: t.end_mark.index)
    at = last.end_mark.index
    separator = " " if isinstance(last, yaml.FlowEntryToken) else ", "
    return text[:at] + separator + item + text[at:]


def _is_null(node: yaml.Node) -> bool:
    return isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:null"


# -- appending --------------------------------------------------------------------------


def _history_node(root: yaml.MappingNode,
                  path: Path) -> tuple[yaml.ScalarNode, yaml.Node] | None:
    found = [(k, v) for k, v in root.value
             if isinstance(k, yaml.ScalarNode) and k.value == "history"]
    if len(found) > 1:
        raise InputError([Problem(path, found[1][0].start_mark.line + 1, "history",
                                  "duplicate key; history is set twice")])
    return found[0] if found else None


def _new_history(text: str, tokens: list[yaml.Token], root: yaml.MappingNode,
                 entry: HistoryEntry) -> str:
    """A ``history`` key with ``entry``, added as the mapping's last key."""
    if root.flow_style:
        return _flow_insert(text, tokens, root, f"history: [{_flow_text(entry)}]")
    nl = _newline(text)
    column = root.value[0][0].start_mark.column
    at = _document_end(text, tokens)  # before a "..." line, never after it
    head = text[:at]
    if head and head[-1] not in _BREAKS:
        head += nl
    lines = [" " * column + "history:", *_block_lines(entry, column + 2)]
    return head + "".join(line + nl for line in lines) + text[at:]


def _fill_empty(text: str, key: yaml.Node, value: yaml.Node, flow_root: bool,
                entry: HistoryEntry) -> str:
    """``history:``, ``history: ~`` or ``history: []`` given its first item."""
    start, end = value.start_mark.index, value.end_mark.index
    if flow_root and _is_null(value):
        item = f"[{_flow_text(entry)}]"
        return text[:start] + (item if end > start else " " + item) + text[end:]
    text = text[:start] + text[end:]
    return _insert_lines(text, start, _block_lines(entry, key.start_mark.column + 2),
                         _newline(text))


def appended_text(text: str, entry: HistoryEntry, path: Path) -> str:
    """``text`` (a contact file) with ``entry`` added as the last item of its history.

    Only text is inserted (or, for ``history: []`` and ``history: null``, the ``[]`` or
    ``null`` is removed to make room for a block item); every other character stays.
    ``path`` is only for the messages of the InputError raised when the text is not a
    YAML mapping or its ``history`` is not a list.
    """
    root, tokens = compose_yaml(text, path)
    found = _history_node(root, path)
    if found is None:
        return _new_history(text, tokens, root, entry)
    key, value = found
    flow_root = bool(root.flow_style)
    if _is_null(value) or (isinstance(value, yaml.SequenceNode) and value.flow_style
                           and not value.value and not flow_root):
        return _fill_empty(text, key, value, flow_root, entry)
    if not isinstance(value, yaml.SequenceNode):
        raise InputError([Problem(path, value.start_mark.line + 1, "history",
                                  "must be a list ([a, b] or '- item' lines) to add to it")])
    if value.flow_style:
        return _flow_insert(text, tokens, value, _flow_text(entry))
    dash = next(t for t in tokens if isinstance(t, yaml.BlockEntryToken)
                and t.start_mark.index >= value.start_mark.index)
    return _insert_lines(text, _block_end(text, tokens, value),
                         _block_lines(entry, dash.start_mark.column), _newline(text))


def validated(text: str, path: Path) -> tuple[dict[str, Any], Contact]:
    """``text`` read and validated exactly as a contact file at ``path`` would be."""
    data, lines = parse_yaml(text.encode("utf-8"), path)
    return data, validate(Contact, data, path, lines)


def _with_entries(raw: bytes, entries: list[HistoryEntry], path: Path) -> bytes:
    """The bytes of the contact file ``raw`` with ``entries`` appended, checked."""
    original = decode_yaml(raw, path)
    text = original
    for entry in entries:
        text = appended_text(text, entry, path)
    data, result = validated(text, path)
    _check_kept(original, data, result, entries, path)
    bom = codecs.BOM_UTF8 if raw.startswith(codecs.BOM_UTF8) else b""
    return bom + text.encode("utf-8")


#: How often an edit saved while outreach adds to the file is read again before giving up.
ATTEMPTS = 3


def _rewrite(contact: ContactFile, change: Callable[[bytes], bytes],
             within: tuple[Path, ...]) -> None:
    """Replace the contact file by ``change`` of its bytes, under the folder's lock;
    read once more before it is replaced: if it changed (an editor saved it), the change
    is made to the new text instead."""
    real = contact.path.resolve()
    with locked(real.parent):
        for _ in range(ATTEMPTS):
            raw = read_bytes(real)
            data = change(raw)
            if read_bytes(real) == raw:
                atomic_write(real, data, within=within or (real.parent,))
                return
    raise OutreachError(f"{display_path(contact.path)} kept changing while outreach added to "
                        "its history, so it was left as it is: save it, then log again")


def append_entries(contact: ContactFile, entries: list[HistoryEntry], *,
                   within: tuple[Path, ...] = ()) -> None:
    """Add ``entries`` (oldest first) to the end of the contact file's history.

    The new text is validated as a contact before anything is written, and written
    atomically (through a link, to the file it points to; ``within``, default the
    contact's folder, is where that may be); if it would not validate, InputError is
    raised and the file is untouched. The whole read-modify-write holds the folder's
    lock, and the file is read once more before it is replaced: if it changed (an editor
    saved it), the entries are added to the new text instead.
    """
    if entries:
        _rewrite(contact, lambda raw: _with_entries(raw, entries, contact.path), within)


def upsert_entry(contact: ContactFile, entry: HistoryEntry,
                 into: Callable[[Contact, HistoryEntry], HistoryEntry | None],
                 merge: Callable[[HistoryEntry, HistoryEntry], HistoryEntry], *,
                 within: tuple[Path, ...] = ()) -> tuple[HistoryEntry | None, HistoryEntry]:
    """Add ``entry``, or merge it into the entry ``into`` picks from the file as it is
    now: the choice is made under the file's lock, on what is read there, so several
    commands at once each keep what they add. Returns the entry changed (or None) and
    the entry as written."""
    done: list[HistoryEntry | None] = [None, entry]

    def change(raw: bytes) -> bytes:
        _, now = validated(decode_yaml(raw, contact.path), contact.path)
        old = into(now, entry)
        done[:] = [old, merge(old, entry) if old is not None else entry]
        if old is None:
            return _with_entries(raw, [entry], contact.path)
        written = done[1]
        assert written is not None
        return _with_replacement(raw, old, written, contact.path)

    _rewrite(contact, change, within)
    written = done[1]
    assert written is not None
    return done[0], written


def remove_entries(contact: ContactFile, which: Callable[[Contact], list[HistoryEntry]], *,
                   within: tuple[Path, ...] = ()) -> list[HistoryEntry]:
    """Remove the entries ``which`` picks from the file as it is now (under its lock)."""
    removed: list[HistoryEntry] = []

    def change(raw: bytes) -> bytes:
        _, now = validated(decode_yaml(raw, contact.path), contact.path)
        removed[:] = which(now)
        for entry in removed:
            raw = _with_replacement(raw, entry, None, contact.path)
        return raw

    _rewrite(contact, change, within)
    return removed


def replace_entry(contact: ContactFile, old: HistoryEntry, new: HistoryEntry | None, *,
                  within: tuple[Path, ...] = ()) -> None:
    """Put ``new`` in place of the history entry ``old`` (a booked meeting completed or
    moved), or remove ``old`` when ``new`` is None (a booked meeting cancelled). Only
    that entry's text changes (a comment inside it goes with it); the rest of the file
    is kept as written, and the change is checked, locked and atomic as an append is."""
    _rewrite(contact, lambda raw: _with_replacement(raw, old, new, contact.path), within)


def _with_replacement(raw: bytes, old: HistoryEntry, new: HistoryEntry | None,
                      path: Path) -> bytes:
    original = decode_yaml(raw, path)
    _, before = validated(original, path)
    if old not in before.history:
        raise OutreachError(f"the entry of {old.date.isoformat()} is no longer in "
                            f"{display_path(path)}: it changed meanwhile; look, then log again")
    index = before.history.index(old)
    text = replaced_text(original, index, new, path)
    _, after = validated(text, path)
    expected = [*before.history[:index], *([new] if new else []),
                *before.history[index + 1:]]
    if after.model_dump(exclude={"history"}) != before.model_dump(exclude={"history"}) \
            or list(after.history) != expected:
        raise OutreachError(
            f"cannot change the history of {display_path(path)}: the file would not read "
            "back as before with that one entry changed, so it was left as it is")
    bom = codecs.BOM_UTF8 if raw.startswith(codecs.BOM_UTF8) else b""
    return bom + text.encode("utf-8")


def _item_lines(text: str, tokens: list[yaml.Token], node: yaml.Node) -> tuple[int, int, int]:
    """Where a block sequence item stands: the start of its ``-`` line, the end of its
    last line (past the line break), and the ``-``'s column."""
    dash = max((t for t in tokens if isinstance(t, yaml.BlockEntryToken)
                and t.start_mark.index < node.start_mark.index),
               key=lambda t: t.start_mark.index)
    start = dash.start_mark.index - dash.start_mark.column
    end = _after_line(text, _block_end(text, tokens, node)) or len(text)
    return start, end, dash.start_mark.column


def _flow_removed(text: str, start: int, end: int) -> str:
    """The flow item in ``[start, end)`` removed with one comma beside it."""
    after = re.match(r"\s*,\s*", text[end:])
    if after:
        return text[:start] + text[end + after.end():]
    before = re.search(r",\s*$", text[:start])
    return text[: before.start() if before else start] + text[end:]


def replaced_text(text: str, index: int, entry: HistoryEntry | None, path: Path) -> str:
    """``text`` with history item ``index`` replaced by ``entry`` (removed when None);
    a flow item stays a flow item, a block item a block item."""
    root, tokens = compose_yaml(text, path)
    found = _history_node(root, path)
    assert found is not None and isinstance(found[1], yaml.SequenceNode)
    sequence = found[1]
    node = sequence.value[index]
    if sequence.flow_style or node.flow_style:
        start, end = node.start_mark.index, node.end_mark.index
        if entry is not None:
            return text[:start] + _flow_text(entry) + text[end:]
        if sequence.flow_style:
            return _flow_removed(text, start, end)
    start, end, column = _item_lines(text, tokens, node)
    nl = _newline(text)
    lines = _block_lines(entry, column) if entry is not None else []
    return text[:start] + "".join(line + nl for line in lines) + text[end:]


def _check_kept(original: str, data: dict[str, Any], result: Contact,
                entries: list[HistoryEntry], path: Path) -> None:
    """Refuse a result that reads as anything but the original plus ``entries``."""
    before, _ = parse_yaml(original.encode("utf-8"), path)
    old = before["history"] if isinstance(before.get("history"), list) else []  # or ~, null
    new = data.get("history") or []
    same_fields = ({k: v for k, v in before.items() if k != "history"}
                   == {k: v for k, v in data.items() if k != "history"})
    if (not same_fields or new[: len(old)] != old or len(new) != len(old) + len(entries)
            or list(result.history[len(old):]) != entries):
        raise OutreachError(
            f"cannot add to the history of {display_path(path)}: the file would not read "
            "back as before plus the new entries, so it was left as it is")


#: The longest point or referral ``outreach log`` takes: a point is a sentence the
#: thank-you letter quotes, not the notes of the meeting.
MAX_TYPED = 300


def check_typed(points: list[str], referrals: list[str]) -> None:
    """Refuse a ``--point`` or ``--referral`` no letter can hold, naming the option."""
    for option, values in (("--point", points), ("--referral", referrals)):
        for text in values:
            problem = character_problem(text)
            if problem is not None:
                raise UsageError(f"{option} {_shown(text)} {problem}")
            if len(text) > MAX_TYPED:
                raise UsageError(
                    f"{option} {_shown(text)} is {len(text)} characters long; it takes one "
                    f"sentence of at most {MAX_TYPED} characters (keep longer notes in the "
                    "contact's notes)")


def _shown(text: str) -> str:
    return repr(text) if len(text) <= 40 else repr(text[:37]) + "..."
