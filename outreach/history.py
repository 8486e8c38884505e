"""Appending to a contact's ``history`` without disturbing what the user wrote.

The file is never dumped as a whole: it is composed (and scanned) with PyYAML only to
find where the ``history`` value stands, and the new entry's text is inserted there.
Every original line is kept, in order, with its comments, quoting and layout; the only
change is the lines added (and, for ``history: []`` or ``history: null``, the ``[]`` or
``null`` that gives way to the first item).

Also here: creating a contact file for someone a contact referred the seeker to.
"""

from __future__ import annotations

import contextlib
import re
import unicodedata
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from .errors import InputError, OutreachError, Problem, display_path
from .loading import _Loader, parse_yaml, read_yaml, validate
from .models import Contact, HistoryEntry, Referral
from .output import atomic_write, create_new
from .workspace import CONTACT_ID, ContactFile, Workspace, valid_contact_id

#: Characters PyYAML reads as line breaks.
_BREAKS = "\r\n\x85\u2028\u2029"
#: What the comment of a new referral contact calls each event.
_EVENT_WORDS = {
    "letter-sent": "letter",
    "call": "call",
    "meeting": "meeting",
    "declined": "reply",
    "thank-you-sent": "thank-you note",
    "keep-in-touch-sent": "keep-in-touch letter",
}
#: Letters NFKD leaves whole but that have a plain ASCII spelling.
_ASCII_LETTERS = str.maketrans({
    "ß": "ss", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ø": "o", "Ø": "O",
    "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ð": "d", "Ð": "D", "þ": "th", "Þ": "Th",
    "\u0131": "i",  # dotless i
})


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


def _dump(data: object, *, flow: bool) -> str:
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
    text = _dump([entry_data(entry)], flow=False)
    return [" " * column + line if line else line for line in text.splitlines()]


def _flow_text(entry: HistoryEntry) -> str:
    """The entry as one flow mapping: ``{date: 2026-11-21, event: call}``."""
    return _dump(entry_data(entry), flow=True).strip()


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


def _content_end(tokens: list[yaml.Token], start: int, end: int) -> int:
    """Where the last real token in ``[start, end)`` ends: the end of a node's last
    content, not the comments and blank lines a block collection's end mark runs past."""
    last = start
    for token in tokens:
        if isinstance(token, yaml.BlockEndToken | yaml.StreamEndToken):
            continue
        if start <= token.start_mark.index < end:
            last = max(last, token.end_mark.index)
    return last


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


def _parse(text: str, path: Path) -> tuple[yaml.MappingNode, list[yaml.Token]]:
    try:
        node = yaml.compose(text, Loader=_Loader)
        tokens = list(yaml.scan(text, Loader=_Loader))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        raise InputError([Problem(path, line, None,
                                  f"YAML syntax error: {exc.problem or 'invalid YAML'}")]) from None
    except yaml.YAMLError as exc:
        raise InputError([Problem(path, None, None, f"YAML error: {exc}")]) from None
    if node is None:
        raise InputError([Problem(path, 1, None, "the file is empty")])
    if not isinstance(node, yaml.MappingNode):
        raise InputError([Problem(path, node.start_mark.line + 1, None,
                                  "must be a mapping of fields (name: ..., ...)")])
    return node, tokens


# -- appending --------------------------------------------------------------------------


def appended_text(text: str, entry: HistoryEntry, path: Path) -> str:
    """``text`` (a contact file) with ``entry`` added as the last item of its history.

    Only text is inserted (or, for ``history: []`` and ``history: null``, the ``[]`` or
    ``null`` is removed to make room for a block item); every other character stays.
    ``path`` is only for the messages of the InputError raised when the text is not a
    YAML mapping or its ``history`` is not a list.
    """
    root, tokens = _parse(text, path)
    nl = _newline(text)
    found = [(k, v) for k, v in root.value
             if isinstance(k, yaml.ScalarNode) and k.value == "history"]
    if len(found) > 1:
        raise InputError([Problem(path, found[1][0].start_mark.line + 1, "history",
                                  "duplicate key; history is set twice")])
    flow_root = bool(root.flow_style)

    if not found:  # a) no history yet
        if flow_root:
            return _flow_insert(text, tokens, root, f"history: [{_flow_text(entry)}]")
        column = root.value[0][0].start_mark.column
        if text and text[-1] not in _BREAKS:
            text += nl
        lines = [" " * column + "history:", *_block_lines(entry, column + 2)]
        return text + "".join(line + nl for line in lines)

    key, value = found[0]
    if _is_null(value):  # d) history: (or ~, null)
        start, end = value.start_mark.index, value.end_mark.index
        if flow_root:
            item = f"[{_flow_text(entry)}]"
            return text[:start] + (item if end > start else " " + item) + text[end:]
        text = text[:start] + text[end:]
        return _insert_lines(text, start, _block_lines(entry, key.start_mark.column + 2), nl)

    if not isinstance(value, yaml.SequenceNode):
        raise InputError([Problem(path, value.start_mark.line + 1, "history",
                                  "must be a list ([a, b] or '- item' lines) to add to it")])

    if value.flow_style:  # c) history: [...]
        if value.value or flow_root:
            return _flow_insert(text, tokens, value, _flow_text(entry))
        start, end = value.start_mark.index, value.end_mark.index
        text = text[:start] + text[end:]
        return _insert_lines(text, start, _block_lines(entry, key.start_mark.column + 2), nl)

    # b) a block sequence: after the last item's last content, with the items' indent
    dash = next(t for t in tokens if isinstance(t, yaml.BlockEntryToken)
                and t.start_mark.index >= value.start_mark.index)
    last = _content_end(tokens, value.start_mark.index, value.end_mark.index) - 1
    while last > value.start_mark.index and text[last] in " \t" + _BREAKS:
        last -= 1  # the line breaks a block scalar (| or >) runs on to
    return _insert_lines(text, last, _block_lines(entry, dash.start_mark.column), nl)


def _read_text(path: Path) -> str:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError([Problem(path, None, None,
                                  f"cannot be read: {exc.strerror}")]) from None
    try:
        return raw.decode("utf-8")  # a byte-order mark stays, as U+FEFF, and is kept
    except UnicodeDecodeError as exc:
        raise InputError([Problem(path, raw[: exc.start].count(b"\n") + 1, None,
                                  "is not UTF-8 text; save it as UTF-8")]) from None


def _validated(text: str, path: Path) -> tuple[dict[str, Any], Contact]:
    """``text`` read and validated exactly as a contact file at ``path`` would be."""
    data, lines = parse_yaml(text.encode("utf-8"), path)
    return data, validate(Contact, data, path, lines)


def append_entries(contact: ContactFile, entries: list[HistoryEntry]) -> None:
    """Add ``entries`` (oldest first) to the end of the contact file's history.

    The new text is validated as a contact before anything is written, and written
    atomically; if it would not validate, InputError is raised and the file is untouched.
    """
    if not entries:
        return
    path = contact.path
    original = _read_text(path)
    text = original
    for entry in entries:
        text = appended_text(text, entry, path)
    data, result = _validated(text, path)
    _check_kept(original, data, result, entries, path)
    atomic_write(path, text.encode("utf-8"))


def _check_kept(original: str, data: dict[str, Any], result: Contact,
                entries: list[HistoryEntry], path: Path) -> None:
    """Refuse a result that reads as anything but the original plus ``entries``."""
    before = yaml.load(original, Loader=_Loader)
    old = before.get("history") or []
    new = data.get("history") or []
    same_fields = ({k: v for k, v in before.items() if k != "history"}
                   == {k: v for k, v in data.items() if k != "history"})
    if (not same_fields or new[: len(old)] != old or len(new) != len(old) + len(entries)
            or list(result.history[len(old):]) != entries):
        raise OutreachError(
            f"cannot add to the history of {display_path(path)}: the file would not read "
            "back as before plus the new entries, so it was left as it is")


# -- contacts for referrals ---------------------------------------------------------------


def slug(name: str) -> str:
    """A contact id for ``name``: ``Amélie Côté-Nguyễn`` -> ``amelie-cote-nguyen``."""
    plain = unicodedata.normalize("NFKD", name.translate(_ASCII_LETTERS))
    ascii_text = plain.encode("ascii", "ignore").decode("ascii").lower()
    result = re.sub(r"[^a-z0-9]+", "-", ascii_text)[:60].strip("-")
    result = result or "contact"
    if not valid_contact_id(result):  # a name Windows reserves: con, nul, com1 ...
        result = f"{result}-contact"
    assert CONTACT_ID.match(result)
    return result


def _name_key(name: str) -> str:
    """A name as compared: no accents, no case, white space folded."""
    decomposed = unicodedata.normalize("NFKD", name.translate(_ASCII_LETTERS))
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.casefold().split())


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _known_names(workspace: Workspace) -> dict[str, tuple[str, Path]]:
    """Every contact's name key -> (id, path); a file that cannot be read is skipped."""
    known: dict[str, tuple[str, Path]] = {}
    for cid in workspace.contact_ids():
        path = workspace.contacts_dir / f"{cid}.yaml"
        try:
            data, _ = read_yaml(path)
        except OutreachError:
            continue
        name = data.get("name")
        if isinstance(name, str) and name.strip():
            known.setdefault(_name_key(name), (cid, path))
    return known


def _source(referrer: ContactFile, referral: Referral) -> str:
    """``Jim Park's meeting of 2026-11-19``: where the referral came from."""
    who = _one_line(referrer.data.name)
    history = referrer.data.history
    with contextlib.suppress(OutreachError):
        data, lines = read_yaml(referrer.path)
        history = validate(Contact, data, referrer.path, lines).history
    key = _name_key(referral.name)
    for entry in reversed(history):
        if any(_name_key(r.name) == key for r in entry.referrals):
            return f"{who}'s {_EVENT_WORDS[entry.event]} of {entry.date.isoformat()}"
    return f"a referral by {who}"


def _contact_text(referral: Referral, referrer: ContactFile, today: date) -> str:
    data: dict[str, object] = {"name": referral.name}
    if referral.title is not None:
        data["title"] = referral.title
    if referral.organization is not None:
        data["organization"] = referral.organization
    data["relationship"] = "referral"
    data["referred_by"] = referrer.id
    return (f"# Added by `outreach log` on {today.isoformat()} from "
            f"{_source(referrer, referral)}.\n"
            + _dump(data, flow=False)
            + "# local: false  # if they are far away\n")


def add_referral_contacts(workspace: Workspace, referrer: ContactFile,
                          referrals: list[Referral],
                          today: date) -> list[tuple[str, Path, bool]]:
    """A contact file for each referral not already a contact (matched by name).

    Returns ``(id, path, created)`` per referral: the existing contact's id and path with
    False, or the new file's with True. New files are validated before they are written
    and never replace an existing file.
    """
    known = _known_names(workspace)
    results: list[tuple[str, Path, bool]] = []
    for referral in referrals:
        key = _name_key(referral.name)
        if key in known:
            results.append((*known[key], False))
            continue
        text = _contact_text(referral, referrer, today)
        base = slug(referral.name)
        _validated(text, workspace.contacts_dir / f"{base}.yaml")
        taken = {cid.casefold() for cid in workspace.contact_ids()}
        number = 1
        while True:
            cid = base if number == 1 else f"{base}-{number}"
            path = workspace.contacts_dir / f"{cid}.yaml"
            number += 1
            if cid.casefold() in taken:  # Ana-Ruiz.yaml would clash with ana-ruiz.yaml
                continue
            if not path.exists() and create_new(path, text.encode("utf-8")):
                break
        known[key] = (cid, path)
        results.append((cid, path, True))
    return results
