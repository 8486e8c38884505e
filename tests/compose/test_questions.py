"""The question bank and the selection rules alone: data in, choices out."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import run
from outreach.compose.questions import Bank, load_bank, question_count, select
from outreach.errors import InputError
from outreach.workspace.models import GOALS


@pytest.fixture(scope="module")
def bank() -> Bank:
    return load_bank(None)


def ids(choices: list) -> list[str]:  # type: ignore[type-arg]
    return [c.question.id for c in choices]


def test_bank_holds_the_guides_questions(bank: Bank) -> None:
    assert 44 <= len(bank.questions) <= 50
    assert len({q.id for q in bank.questions}) == len(bank.questions)
    for goal in GOALS:
        serving = [q for q in bank.questions if goal in q.goals]
        assert serving, goal
        if goal not in {"referrals", "resume-feedback"}:
            assert len(serving) >= 2, goal
    assert {q.place for q in bank.questions} == {"opener", "core", "close"}


@pytest.mark.parametrize("minutes,count", [(10, 5), (15, 5), (20, 5), (25, 5), (30, 8),
                                           (36, 9), (40, 10), (60, 10)])
def test_count_fits_the_minutes_and_the_page(minutes: int, count: int) -> None:
    assert question_count(minutes) == count


def test_selection_is_deterministic(bank: Bank) -> None:
    args = (bank, ["explore-fit", "break-in", "industry-outlook"], "manager", "in-person", 20)
    assert ids(select(*args)) == ids(select(*args))  # type: ignore[arg-type]


def test_shape_opener_goals_then_close(bank: Bank) -> None:
    chosen = select(bank, ["explore-fit", "break-in", "industry-outlook"], "manager",
                    "in-person", 20)
    assert len(chosen) == 7  # five prepared questions, then the two closing asks
    assert chosen[0].question.place == "opener"
    assert [c.question.place for c in chosen[-2:]] == ["close", "close"]
    assert "resume-feedback" in chosen[-2].question.goals  # in person: résumé feedback
    assert "referrals" in chosen[-1].question.goals  # always last: someone else to talk to
    core = chosen[1:-2]
    # spread across the goals: one from each before any goal gets a second
    assert {g for c in core for g in c.question.goals} >= {"explore-fit", "break-in",
                                                            "industry-outlook"}


def test_by_phone_no_resume_feedback_but_still_a_referral(bank: Bank) -> None:
    chosen = select(bank, ["skills"], "peer", "phone", 20)
    assert not any(c.question.place == "close" and "resume-feedback" in c.question.goals
                   for c in chosen)
    assert "referrals" in chosen[-1].question.goals
    assert len(chosen) == 6  # five prepared questions and the referral ask


def test_different_goals_give_different_questions(bank: Bank) -> None:
    a = ids(select(bank, ["explore-fit", "break-in"], "peer", "in-person", 20))
    b = ids(select(bank, ["culture", "advancement"], "peer", "in-person", 20))
    assert a[1:-2] != b[1:-2]
    assert not set(a[1:-2]) & set(b[1:-2])


def test_weighted_to_the_contacts_kind(bank: Bank) -> None:
    executive = select(bank, ["organization"], "executive", "in-person", 20)
    peer = select(bank, ["organization"], "peer", "in-person", 20)
    first_exec = executive[1].question
    assert first_exec.suits is not None and "executive" in first_exec.suits
    assert ids(executive) != ids(peer)


def test_longer_meeting_more_questions_still_ending_with_referral(bank: Bank) -> None:
    short = select(bank, ["explore-fit"], "peer", "in-person", 20)
    long = select(bank, ["explore-fit"], "peer", "in-person", 40)
    assert len(long) == 12 > len(short)
    assert "referrals" in long[-1].question.goals
    assert len(set(ids(long))) == len(long)  # no question twice


def test_every_choice_has_a_reason(bank: Bank) -> None:
    for choice in select(bank, ["break-in"], "recruiter", "in-person", 40):
        assert choice.reason


# -- the workspace's own bank --------------------------------------------------------


def write_bank(tmp_path: Path, text: str) -> Path:
    (tmp_path / "questions.yaml").write_text(text, encoding="utf-8")
    return tmp_path


def test_workspace_bank_adds_replaces_and_removes(tmp_path: Path, bank: Bank) -> None:
    folder = write_bank(tmp_path, """\
remove: [fairness]
questions:
  - id: getting-started
    text: "What first drew you to city planning?"
    goals: [career-path]
    place: opener
  - id: zoning-reform
    text: "How is zoning reform changing the work in your office?"
    goals: [industry-outlook]
    place: core
""")
    mine = load_bank(folder)
    by_id = {q.id: q for q in mine.questions}
    assert by_id["getting-started"].text == "What first drew you to city planning?"
    assert "zoning-reform" in by_id and "fairness" not in by_id
    assert len(mine.questions) == len(bank.questions)


def test_workspace_bank_can_replace_everything(tmp_path: Path) -> None:
    folder = write_bank(tmp_path, """\
replace: true
questions:
  - {id: hello, text: "How did you start?", goals: [career-path], place: opener}
  - {id: work, text: "What is the work like?", goals: [day-to-day], place: core}
  - {id: who, text: "Who else should I ask?", goals: [referrals], place: close}
""")
    assert [q.id for q in load_bank(folder).questions] == ["hello", "work", "who"]


def test_a_bank_without_a_referral_close_is_refused(tmp_path: Path) -> None:
    folder = write_bank(tmp_path, """\
remove: [referral]
""")
    with pytest.raises(InputError, match="no close question for the goal referrals"):
        load_bank(folder)


def test_workspace_bank_errors_name_file_line_and_field(tmp_path: Path) -> None:
    folder = write_bank(tmp_path, """\
questions:
  - id: pay
    text: "What does the job pay?"
    goals: [salary]
    place: core
""")
    with pytest.raises(InputError) as exc:
        load_bank(folder)
    message = str(exc.value)
    assert "questions.yaml:4: questions[0].goals: unknown goal 'salary'" in message
    assert "explore-fit" in message


def test_cli_rejects_an_unknown_goal(ws: Path) -> None:
    result = run(ws, "questions", "jim-park", "--goal", "salary")
    assert result.code == 2
    assert "unknown goal salary" in result.err and "explore-fit" in result.err
    assert not (ws / "output").exists()


def test_the_built_in_bank_reads_the_same_with_or_without_libyaml() -> None:
    """The bank is read by libyaml where PyYAML has it; its ids are unique (a question's
    place in the bank is looked up by its id)."""
    import yaml

    from outreach.compose import questions
    from outreach.compose.templating import BUILTIN

    text = (BUILTIN / "questions.yaml").read_text(encoding="utf-8")
    assert yaml.load(text, Loader=questions._SAFE_LOADER) == yaml.safe_load(text)
    bank = questions.load_bank(None)
    assert [bank.position(q) for q in bank.questions] == list(range(len(bank.questions)))
