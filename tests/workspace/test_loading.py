"""Loading and validation: every problem names the file, the line and the field."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from outreach.errors import InputError
from outreach.workspace.loading import load
from outreach.workspace.models import Contact, Profile


def problems(tmp_path: Path, text: str, model: type = Contact) -> list[str]:
    path = tmp_path / "x.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as exc:
        load(model, path)
    return [str(p) for p in exc.value.problems]


def test_unknown_key_suggests_the_near_miss(tmp_path: Path) -> None:
    found = problems(tmp_path, "name: Jim Park\ntitel: Director\nrelationship: cold\n"
                               "how_we_met: I read your article\n")
    assert len(found) == 1
    assert found[0].endswith("x.yaml:2: titel: unknown field; did you mean 'title'?")


def test_all_problems_of_a_file_at_once_in_line_order(tmp_path: Path) -> None:
    found = problems(tmp_path, "name: Jim\nrelationship: freind\nlocal: maybe\nhistory:\n"
                               "  - {date: 2026-13-01, event: call}\n")
    assert [f.split(":", 2)[1:] for f in found] == [
        ["2", " relationship: must be one of friend, acquaintance, alumni, referral, cold, "
              "not 'freind'; did you mean 'friend'?"],
        ["3", " local: must be true or false, not 'maybe'"],
        ["5", " history[0].date: must be a date written YYYY-MM-DD, not '2026-13-01'"],
    ]


def test_wrong_type_names_what_was_expected(tmp_path: Path) -> None:
    found = problems(tmp_path, "name: Dana\nstatus: graduate\nsummary: hi\n"
                               "target: {field: planning}\nmeeting_minutes: twenty\n", Profile)
    assert len(found) == 1
    assert ":5: meeting_minutes: must be a whole number, not 'twenty'" in found[0]


def test_minutes_over_thirty_are_refused(tmp_path: Path) -> None:
    found = problems(tmp_path, "name: Dana\nstatus: graduate\nsummary: hi\n"
                               "target: {field: planning}\nmeeting_minutes: 45\n", Profile)
    assert ":5: meeting_minutes: must be less than or equal to 30, not 45" in found[0]


def test_missing_required_field_points_at_the_mapping(tmp_path: Path) -> None:
    found = problems(tmp_path, "name: Jim\n")
    assert found[0].endswith(":1: relationship: is required but missing")


def test_yaml_syntax_error_has_its_line(tmp_path: Path) -> None:
    found = problems(tmp_path, "name: Jim\nrelationship: cold\nnotes: [unclosed\n")
    assert len(found) == 1
    assert ":4: YAML syntax error:" in found[0] or ":3: YAML syntax error:" in found[0]


def test_tab_indentation_is_explained(tmp_path: Path) -> None:
    found = problems(tmp_path, "name: Jim\n\trelationship: cold\n")
    assert ":2: YAML syntax error:" in found[0]
    assert "never tabs" in found[0]


def test_duplicate_key_is_an_error(tmp_path: Path) -> None:
    found = problems(tmp_path, "name: Jim\nrelationship: cold\nname: Joe\n")
    assert found[0].endswith(":3: name: duplicate key; it is already set on line 1")


def test_unknown_goal_lists_the_valid_ones(tmp_path: Path) -> None:
    found = problems(tmp_path, "name: Dana\nstatus: graduate\nsummary: hi\n"
                               "target: {field: planning}\ngoals: [explore-fit, salary]\n",
                     Profile)
    assert ":5: goals: unknown goal 'salary'; valid goals are: explore-fit, day-to-day" in found[0]


@pytest.mark.parametrize("text,message", [
    ("", "the file is empty"),
    ("- just\n- a list\n", "must be a mapping of fields"),
])
def test_empty_or_non_mapping(tmp_path: Path, text: str, message: str) -> None:
    assert message in problems(tmp_path, text)[0]


def test_dates_stay_dates(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text("name: Jim\nrelationship: friend\nhistory:\n"
                    "  - {date: 2026-11-16, event: letter-sent}\n", encoding="utf-8")
    contact, lines = load(Contact, path)
    assert contact.history[0].date.isoformat() == "2026-11-16"
    assert lines[("history", 0, "event")] == 4


_VARIED_YAML = [
    "name: Jim Park\ntitle: 'Director, Ops'   # a comment\nlocal: NO\nphone: 0123\n",
    "name: \"Zo\\u00eb \\\"Z\\\" \\x41\"\nnotes: |\n  two\n\n  paragraphs\n"
    "how_we_met: >-\n  folded\n  lines\n\n  kept\n",
    "name: Ana\r\nhistory:\r\n  - {date: 2026-11-02, event: call, note: ~}\r\n"
    "  - date: 2026-11-03\r\n    event: meeting\r\n    points: [a, 'b: c', \"d\"]\r\n",
    "name: 王芳\ntitle: plain\n  continued on\n  three lines\nemail:\nx: &a anchored\n",
    "---\nname: Null\n? complex key\n: value\nlist:\n- - nested\n  - deeper\n...\n",
]


@pytest.mark.parametrize("text", _VARIED_YAML)
def test_libyaml_reads_what_pyyaml_reads(text: str) -> None:
    """Where PyYAML has libyaml, files are read by it: the same data and the same line
    for every field as PyYAML's own parser gives."""
    from outreach.workspace import loading

    if loading._FastLoader is None:
        pytest.skip("PyYAML without libyaml")
    path = Path("x.yaml")
    fast_node, fast = loading._load(loading._FastLoader, text, path)
    own_node, own = loading._load(loading._Loader, text, path)
    assert fast == own
    assert str(fast_node).replace("style=''", "style=None") == str(own_node)
    fast_lines: dict[tuple[str | int, ...], int] = {}
    own_lines: dict[tuple[str | int, ...], int] = {}
    loading._walk(fast_node, (), fast_lines, [], path)
    loading._walk(own_node, (), own_lines, [], path)
    assert fast_lines == own_lines and len(own_lines) >= 3


@pytest.mark.parametrize("text", [
    "name: Jim\n  title: x\n", "name: [a, b\n", "name: 'open\n", "a: 1\n\tb: 2\n",
    "x: &a [*a]\nname: Jim\n", "name: !!binary 'ab'\n", "name: !custom x\n",
    "- a\n- b\n", "", "name: Jim\nname: Jo\n", "name: \"bad \\q escape\"\n",
    "name: Jim\nx: [" + "[" * 3000 + "]" * 3000 + "]\n", "{a: 1}}\n", "key: @at\n",
    # what libyaml alone would accept: PyYAML's own parser still reads these
    "name: Jim\naddress: \t|\n  1 Main St\n", "name: Jim\naddress: |#\n  1 Main St\n",
    "name: Jim\nhistory:\n  - {date?: 2026-11-09, event: call}\n",
])
def test_problems_are_said_the_same_with_or_without_libyaml(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    from outreach.workspace import loading

    def said() -> list[str]:
        with pytest.raises(InputError) as exc:
            loading.parse_yaml(text.encode("utf-8"), tmp_path / "x.yaml")
        return [str(p) for p in exc.value.problems]

    with_libyaml = said()
    monkeypatch.setattr(loading, "_FastLoader", None)
    assert said() == with_libyaml


@pytest.mark.parametrize("libyaml", [True, False])
def test_nesting_too_deep_is_refused_whatever_the_recursion_limit(
        monkeypatch: pytest.MonkeyPatch, libyaml: bool) -> None:
    """Thousands of ``[`` are refused by their depth, not by Python running out of stack:
    with the interpreter's recursion limit raised (as another library may leave it), the
    file is still "nested too deeply", and a history's ordinary depth is read."""
    import sys

    from outreach.workspace import loading

    if not libyaml:
        monkeypatch.setattr(loading, "_FastLoader", None)
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(100_000)
    deep = "name: Jim\nx: " + "[" * 3000 + "]" * 3000 + "\n"
    try:
        with pytest.raises(InputError, match="nested too deeply"):
            loading.parse_yaml(deep.encode("utf-8"), Path("x.yaml"))
    finally:
        sys.setrecursionlimit(limit)
    ordinary = "name: Jim\nhistory:\n  - {date: 2026-11-02, points: [a, b]}\n"
    assert loading.parse_yaml(ordinary.encode("utf-8"), Path("x.yaml"))


def _outcome(loading: Any, text: str) -> object:
    """What reading ``text`` gives: the data and lines, or the problems said."""
    try:
        return loading.parse_yaml(text.encode("utf-8"), Path("x.yaml"))
    except InputError as exc:
        return [str(p) for p in exc.problems]


@pytest.mark.parametrize("text", [
    "name: Jim\ntitle: !\n", "name: \"\\ud800\"\n", "name: Jim\n\ufefftitle: x\n",
    "name: Jim\ntitle: ! x\n", "name: Jim\nnotes: >2#\n  x\n",
])
def test_what_libyaml_reads_otherwise_is_read_by_pyyaml(
        monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    from outreach.workspace import loading

    with_libyaml = _outcome(loading, text)
    monkeypatch.setattr(loading, "_FastLoader", None)
    assert _outcome(loading, text) == with_libyaml


def test_contact_files_mangled_at_random_read_the_same_with_or_without_libyaml(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Characters YAML gives meaning to, put in, taken out and repeated at random places
    of real contact files: with libyaml the data, the lines and the problems are those
    PyYAML's own parser gives (the guard sends what libyaml reads otherwise to it)."""
    import random

    from outreach.workspace import loading

    rng = random.Random(20261121)
    seeds = [p.read_text(encoding="utf-8")
             for p in sorted(Path(__file__).resolve().parents[2].glob("profiles/**/*.yaml"))]
    marks = [*":- \t\"'|>[]{}#&*!%@`\n,?\\~9é\r", "\n  ", "\n- ", ": ", "|+\n", ">-\n",
             "\u2028", "\x85", "\ufeff", "---\n", "...\n", "!!str ", "&a ", "*a", "? "]
    texts = []
    for _ in range(400):
        text = rng.choice(seeds)
        for _ in range(rng.randint(1, 4)):
            at = rng.randrange(len(text) + 1)
            roll = rng.random()
            if roll < 0.5:
                text = text[:at] + rng.choice(marks) + text[at:]
            elif roll < 0.8:
                text = text[:at] + text[at + rng.randint(1, 3):]
            else:
                text = text[:at] + text[at:at + rng.randint(1, 20)] + text[at:]
        texts.append(text)
    with_libyaml = [_outcome(loading, t) for t in texts]
    monkeypatch.setattr(loading, "_FastLoader", None)
    assert [_outcome(loading, t) for t in texts] == with_libyaml
    assert sum(isinstance(o, list) for o in with_libyaml) > 50  # many problems among them


def test_a_pasted_page_in_a_one_line_field_is_named(tmp_path: Path) -> None:
    """100 KB in how_we_met: the file, line and field, not a template's failure."""
    found = problems(tmp_path, "name: Wu Fang\norganization: 北京规划院\nrelationship: cold\n"
                               f"how_we_met: {'我读了您的文章。' * 12800}\n")
    assert len(found) == 1 and found[0].endswith(
        "x.yaml:4: how_we_met: is 102400 characters long, more than the 1000 a line of a "
        "document holds: shorten it to a sentence")


@pytest.mark.parametrize(("relationship", "field", "tail"), [
    ("cold", "how_we_met", " (the approach letter opens with it)"),
    ("alumni", "how_we_met", " (the approach letter opens with it)"),
    ("friend", "how_we_met", ", or delete the line"),
    ("referral", "referred_by", " (the approach letter to a referral names who suggested "
                                "them)"),
    ("cold", "notes", ", or delete the line"),
])
def test_a_placeholder_is_deletable_only_where_no_letter_needs_it(
        tmp_path: Path, relationship: str, field: str, tail: str) -> None:
    from outreach.workspace.placeholders import load as load_filled

    path = tmp_path / "c.yaml"
    path.write_text(f"name: Сергей Иванов\nrelationship: {relationship}\n"
                    f"{field}: <<fill me>>\n", encoding="utf-8")
    with pytest.raises(InputError) as exc:
        load_filled(Contact, path)
    assert [str(p).split(": ", 1)[1] for p in exc.value.problems] == [
        f"{field}: still to fill in: replace <<fill me>> with your own text{tail}"]


def test_a_nested_optional_placeholder_may_be_deleted(tmp_path: Path) -> None:
    """Deciding "optional" walks into nested models: a history entry's mode may go, its
    event may not."""
    from outreach.workspace.placeholders import load as load_filled

    path = tmp_path / "c.yaml"
    path.write_text("name: Ana Ruiz\nrelationship: friend\nhistory:\n"
                    "  - {date: 2026-11-02, event: meeting, mode: <<how>>}\n",
                    encoding="utf-8")
    with pytest.raises(InputError) as exc:
        load_filled(Contact, path)
    assert str(exc.value.problems[0]).endswith("history[0].mode: still to fill in: replace "
                                               "<<how>> with your own text, or delete the "
                                               "line")
