"""`outreach report`: each figure on a campaign built for the test, the 8 weeks, the
advice, the JSON, the one-page tagged PDF, and a counsellor's caseload."""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import pdf_page_size, pdf_pages, pdf_text, run, words
from outreach.campaign import report
from outreach.workspace.folder import Workspace

#: A Wednesday: its week began on Monday 2026-12-07.
TODAY = "2026-12-09"

PROFILE = """\
name: Nguyễn Thị Mai
status: nurse moving into public-health policy
summary: I have worked eight years on a hospital ward and now study health policy.
target: {field: public health, roles: [policy officer]}
paper: a4
"""

#: One contact at every stage, and around them what the figures must count or not:
#: a letter before the 8 weeks, follow-ups (not letters), a meeting booked ahead
#: (scheduled, not held), a meeting whose day passed with nothing logged (held), a call
#: with someone never written to, a decline, referrals by id and by name, and two weeks
#: in which nothing counted happened (2026-11-16 holds only a keep-in-touch letter).
CONTACTS = {
    "kenji-watanabe": "name: 渡辺 健二\nrelationship: cold\nhow_we_met: <<how you found them>>\n",
    "sofia-herrera": "name: Sofía Herrera\nrelationship: referral\nreferred_by: kofi-asante\n",
    "aarav-mehta": """\
name: Aarav Mehta
relationship: alumni
how_we_met: We both studied at the nursing school
history:
  - {date: 2026-09-15, event: letter-sent}
  - {date: 2026-10-20, event: letter-sent}
  - {date: 2026-10-27, event: follow-up}
  - {date: 2026-11-04, event: follow-up}
""",
    "oleksandr-kovalenko": """\
name: Oleksandr Kovalenko
relationship: referral
referred_by: Dr. Amara Osei
history:
  - {date: 2026-11-26, event: letter-sent}
""",
    "fatima-benali": """\
name: Fatima Zahra Benali
relationship: cold
how_we_met: I read your report on rural clinics
history:
  - {date: 2026-11-24, event: letter-sent}
  - {date: 2026-12-11, event: meeting, time: "10:00", minutes: 20}
""",
    "eun-ji-park": """\
name: Eun-ji Park
relationship: referral
referred_by: farid-rahimi
history:
  - {date: 2026-11-23, event: letter-sent, mode: e-mail}
  - {date: 2026-12-08, event: meeting, time: "15:00", minutes: 30}
""",
    "li-ming": """\
name: 李明
relationship: friend
history:
  - {date: 2026-10-22, event: call, points: [Ministries hire analysts from wards]}
""",
    "kofi-asante": """\
name: Kofi Asante
relationship: referral
referred_by: farid-rahimi
history:
  - {date: 2026-11-02, event: letter-sent}
  - {date: 2026-11-12, event: declined}
""",
    "farid-rahimi": """\
name: Farid Rahimi
relationship: friend
history:
  - {date: 2026-10-27, event: letter-sent}
  - {date: 2026-10-29, event: call, referrals: [{name: Eun-ji Park}, {name: Kofi Asante}]}
  - {date: 2026-10-30, event: thank-you-sent}
""",
    "ingrid-lindqvist": """\
name: Ingrid Lindqvist
relationship: acquaintance
how_we_met: We met at the regional health forum
history:
  - {date: 2026-11-03, event: letter-sent}
  - {date: 2026-11-10, event: meeting, points: [Learn the budget cycle]}
  - {date: 2026-11-11, event: thank-you-sent}
  - {date: 2026-11-20, event: keep-in-touch-sent}
""",
}


def campaign(root: Path, profile: str = PROFILE) -> Path:
    contacts = root / "profiles" / "contacts"
    contacts.mkdir(parents=True)
    (root / "profiles" / "candidate.yaml").write_text(profile, encoding="utf-8")
    for cid, text in CONTACTS.items():
        (contacts / f"{cid}.yaml").write_text(text, encoding="utf-8")
    return root


@pytest.fixture
def mai(tmp_path: Path) -> Path:
    return campaign(tmp_path / "mai")


def found(root: Path, today: str = TODAY) -> report.Figures:
    seeker = report.load(Workspace(root))
    return report.figures(seeker.contacts, dt.date.fromisoformat(today), seeker.target)


# -- each figure -----------------------------------------------------------------------


def test_every_stage_is_counted_once(mai: Path) -> None:
    assert found(mai).stages == {"incomplete": 1, "new": 1, "approached": 2, "scheduled": 1,
                                 "met": 2, "declined": 1, "thanked": 1, "kept-in-touch": 1}


def test_the_counts_of_events(mai: Path) -> None:
    figures = found(mai)
    # every letter-sent, the one before the 8 weeks too; follow-ups are no letters
    assert figures.letters == 8
    # held: two calls, a meeting logged, a meeting whose day passed with nothing logged;
    # the meeting booked for Friday is scheduled, not held
    assert figures.conversations == 4
    assert figures.scheduled == 1
    assert figures.declines == 1
    assert figures.thank_yous == 2


def test_the_response_rate_counts_contacts_written_to(mai: Path) -> None:
    """Seven written to (李明 was called, never written to); five answered: a call, a
    meeting, a meeting held with nothing logged, a decline, a meeting booked."""
    figures = found(mai)
    assert (figures.answered, figures.written_to) == (5, 7)
    assert figures.response_rate == 0.71
    assert report.rate_text(figures) == "71% (5 of 7)"


def test_the_median_days_from_first_letter_to_first_reply(mai: Path) -> None:
    """Farid 2 days, Ingrid 7, Kofi 10 (a decline), Eun-ji 15 (held, nothing logged);
    Fatima's meeting is only booked; Aarav never answered: median of 2, 7, 10, 15."""
    figures = found(mai)
    assert figures.median_days_to_reply == 8.5
    assert figures.replies == 4


def test_referrals_and_the_tree(mai: Path) -> None:
    figures = found(mai)
    # of the four referred, only Eun-ji Park was met: Oleksandr Kovalenko was only
    # written to, Kofi Asante declined, Sofía Herrera has not been written to yet
    assert figures.referrals == 1
    assert report.tree_lines(figures.tree) == [
        "Dr. Amara Osei → Oleksandr Kovalenko",
        "Farid Rahimi → Eun-ji Park, Kofi Asante",
        "  Kofi Asante → Sofía Herrera",
    ]


def test_the_last_8_weeks_are_mondays_with_the_empty_ones(mai: Path) -> None:
    weeks = found(mai).weeks
    assert [w.monday.isoformat() for w in weeks] == [
        "2026-10-19", "2026-10-26", "2026-11-02", "2026-11-09", "2026-11-16",
        "2026-11-23", "2026-11-30", "2026-12-07"]
    assert all(w.monday.weekday() == 0 for w in weeks)
    assert [(w.letters, w.conversations, w.declines, w.thank_yous) for w in weeks] == [
        (1, 1, 0, 0), (1, 1, 0, 1), (2, 0, 0, 0), (0, 1, 1, 1), (0, 0, 0, 0),
        (3, 0, 0, 0), (0, 0, 0, 0), (0, 1, 0, 0)]


def test_a_day_in_the_past_counts_only_what_had_happened(mai: Path) -> None:
    figures = found(mai, "2026-11-01")  # a Sunday: its week began on 2026-10-26
    assert figures.weeks[-1].monday.isoformat() == "2026-10-26"
    assert (figures.letters, figures.conversations, figures.thank_yous) == (3, 2, 1)
    # Kofi, Oleksandr (written to later) and Sofía were new; every meeting dated after
    # the day (Ingrid's, Eun-ji's, Fatima's) stood ahead then: booked, not held
    assert figures.stages["new"] == 3
    assert figures.scheduled == 3 and figures.stages["scheduled"] == 3


# -- the guides' advice ----------------------------------------------------------------


def test_no_conversation_in_two_weeks_says_how_many_letters(mai: Path) -> None:
    """On 2026-12-07 the last conversation was on 2026-11-10: at 5 of 7, 7/5 letters
    rounded up bring one more."""
    said = report.advice(found(mai, "2026-12-07"))
    assert said is not None
    assert said.startswith("The search is bogging down: no conversation held in the "
                           "last two weeks.")
    assert "At 5 of 7, 2 letters this week would bring about one more conversation." in said


def test_a_conversation_in_the_last_two_weeks_is_enough_without_a_target(mai: Path) -> None:
    assert report.advice(found(mai)) is None


@pytest.mark.parametrize(("target", "plan"), [
    (2, "At 5 of 7, 3 letters this week would bring about 2 more conversations."),
    # one conversation in two weeks is half a week's target of one
    (1, "At 5 of 7, 2 letters this week would bring about one more conversation."),
])
def test_below_the_profiles_weekly_target(tmp_path: Path, target: int, plan: str) -> None:
    root = campaign(tmp_path / "ws", PROFILE + f"weekly_conversations: {target}\n")
    said = report.advice(found(root))
    assert said is not None
    assert f"1 conversation in the last two weeks, fewer than the {target} a week" in said
    assert plan in said


def test_the_issues_example_and_rounding_up() -> None:
    assert report.letters_for(1, 10, 8) == 2  # "at 8 of 10, 2 letters"
    assert report.letters_for(1, 4, 4) == 1
    assert report.letters_for(2, 9, 2) == 9


def test_nothing_is_said_on_fewer_than_three_letters(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    (root / "profiles" / "contacts").mkdir(parents=True)
    (root / "profiles" / "candidate.yaml").write_text(PROFILE, encoding="utf-8")
    for n, day in enumerate(["2026-11-02", "2026-11-03"]):
        (root / "profiles" / "contacts" / f"c{n}.yaml").write_text(
            f"name: Person {n}\nrelationship: friend\nhistory:\n"
            f"  - {{date: {day}, event: letter-sent}}\n", encoding="utf-8")
    assert report.advice(found(root)) is None
    (root / "profiles" / "contacts" / "c2.yaml").write_text(
        "name: Person 2\nrelationship: friend\nhistory:\n"
        "  - {date: 2026-11-04, event: letter-sent}\n", encoding="utf-8")
    said = report.advice(found(root))
    assert said is not None and "nobody written to has answered yet" in said


# -- the command -----------------------------------------------------------------------


def test_json_has_the_issues_keys_and_figures(mai: Path) -> None:
    result = run(mai, "report", "--json", "--today", TODAY)
    assert result.code == 0, result.err
    data = json.loads(result.out)
    assert list(data) == ["stages", "letters", "conversations", "declines", "scheduled",
                          "thank_yous", "response_rate", "median_days_to_reply",
                          "referrals", "weeks"]
    assert (data["letters"], data["conversations"], data["response_rate"],
            data["median_days_to_reply"], data["referrals"]) == (8, 4, 0.71, 8.5, 1)
    assert data["weeks"][4] == {"week": "2026-11-16", "letters": 0, "conversations": 0,
                                "declines": 0, "thank_yous": 0}
    assert data["stages"]["kept-in-touch"] == 1


def test_the_terminal_report(mai: Path) -> None:
    result = run(mai, "report", "--today", "2026-12-07")
    assert result.code == 0, result.err
    out = result.out
    assert out.startswith("Nguyễn Thị Mai: the campaign on 2026-12-07")
    assert re.search(r"^Response rate +71% \(5 of 7\)", out, re.M)
    assert re.search(r"^kept-in-touch +1$", out, re.M)
    assert "  Farid Rahimi → Eun-ji Park, Kofi Asante\n    Kofi Asante → Sofía Herrera" in out
    assert re.search(r"^2026-11-16 +0 +0 +0 +0$", out, re.M)
    assert "2 letters this week would bring about one more conversation" in out


@pytest.mark.parametrize(("paper", "size", "day"), [("a4", "(A4)", "9 December 2026"),
                                                    ("letter", "(letter)", "December 9, 2026")])
def test_the_pdf_is_one_tagged_page_of_the_profiles_paper(tmp_path: Path, paper: str,
                                                          size: str, day: str) -> None:
    mai = campaign(tmp_path / "mai", PROFILE.replace("paper: a4", f"paper: {paper}"))
    target = mai / "report.pdf"
    result = run(mai, "report", "--today", TODAY, "--pdf", str(target))
    assert result.code == 0, result.err
    assert pdf_pages(target) == 1
    assert size in pdf_page_size(target)
    info = subprocess.run(["pdfinfo", str(target)], capture_output=True, text=True).stdout
    assert re.search(r"^Tagged:\s+yes", info, re.M)
    assert re.search(r"^Title:\s+Campaign report: Nguyễn Thị Mai", info, re.M)
    text = words(pdf_text(target))
    assert day in text  # the date as the paper's country writes it
    assert "71% (5 of 7)" in text and "Farid Rahimi → Eun-ji Park, Kofi Asante" in text
    again = run(mai, "report", "--today", TODAY, "--pdf", str(target))
    assert again.code == 1 and "exists: --force overwrites it" in again.err


def test_the_charts_are_images_with_their_words(mai: Path) -> None:
    """Each chart is a tagged figure whose alternative text says what it shows."""
    import pikepdf

    target = mai / "report.pdf"
    assert run(mai, "report", "--today", TODAY, "--pdf", str(target)).code == 0
    alts = []
    with pikepdf.open(target) as pdf:
        todo = [pdf.Root.StructTreeRoot]
        while todo:
            node = todo.pop()
            if isinstance(node, pikepdf.Array):
                todo += list(node)
            elif isinstance(node, pikepdf.Dictionary):
                if node.get("/S") == "/Figure":
                    alts.append(str(node.get("/Alt")))
                if "/K" in node:
                    todo.append(node.K)
    assert len(alts) == 2
    assert any("week of 2026-12-07: 0 letters, 1 conversations" in alt for alt in alts)
    assert any("2 approached" in alt and "1 kept-in-touch" in alt for alt in alts)


def test_report_imports_no_charting_library_for_other_commands(tmp_path: Path) -> None:
    code = ("import sys\nfrom outreach.cli import cli\n"
            "for args in (['--help'], ['letter', '--help'], ['report', '--help'],\n"
            "             ['letter', 'jim-park', '--format', 'docx', '--dry-run']):\n"
            "    try:\n        cli(args, prog_name='outreach')\n"
            "    except SystemExit as e:\n        assert not e.code, (args, e.code)\n"
            "assert 'pygal' not in sys.modules, 'pygal imported'\n"
            "cli(['report', '--pdf', 'r.pdf'], prog_name='outreach', standalone_mode=False)\n"
            "assert 'pygal' in sys.modules\n")
    from conftest import copy_workspace

    root = copy_workspace(tmp_path / "ws")
    result = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True,
                            text=True)
    assert result.returncode == 0, result.stderr
    assert (root / "r.pdf").is_file()


# -- a counsellor's caseload -----------------------------------------------------------


def three_clients(tmp_path: Path) -> Path:
    """Mai (a conversation this week, three items overdue), Tomasz (letters, nobody met:
    bogging down, though nothing is overdue and he called last week) and Ayşe, whose
    profile names a paper size that does not exist."""
    root = tmp_path / "caseload"
    campaign(root / "mai")
    tomasz = root / "tomasz-nowak" / "profiles"
    (tomasz / "contacts").mkdir(parents=True)
    (tomasz / "candidate.yaml").write_text(PROFILE.replace("Nguyễn Thị Mai", "Tomasz Nowak"),
                                           encoding="utf-8")
    for n in range(3):  # each called twice since, no answer: gone quiet, nothing overdue
        (tomasz / "contacts" / f"p{n}.yaml").write_text(
            f"name: Person {n}\nrelationship: friend\nhistory:\n"
            f"  - {{date: 2026-10-{12 + n:02d}, event: letter-sent}}\n"
            "  - {date: 2026-11-20, event: follow-up}\n"
            "  - {date: 2026-12-01, event: follow-up}\n", encoding="utf-8")
    campaign(root / "ayse-yilmaz", PROFILE.replace("paper: a4", "paper: legal"))
    (root / "notes.txt").write_text("not a client", encoding="utf-8")
    return root


def test_caseload_names_all_three_the_broken_one_with_its_file(tmp_path: Path) -> None:
    root = three_clients(tmp_path)
    result = run(tmp_path, "report", "--caseload", str(root), "--today", TODAY)
    assert result.code == 1
    assert "Traceback" not in result.out + result.err
    lines = result.out.splitlines()
    assert lines[0].split()[:2] == ["CLIENT", "FOLDER"]
    # who needs the counsellor first: Tomasz, bogging down, before Mai and her overdue
    # items; the broken last
    assert lines[1].startswith("BOGGING DOWN") and "Tomasz Nowak" in lines[1]
    assert re.search(r"Tomasz Nowak +tomasz-nowak +3 approached +0 +0 +8$", lines[1])
    assert "Nguyễn Thị Mai" in lines[2] and "1 incomplete, 1 new, 2 approached" in lines[2]
    assert re.search(r"Nguyễn Thị Mai +mai +.* 1 +3 +1$", lines[2])
    assert lines[3].startswith("CANNOT READ") and "ayse-yilmaz" in lines[3]
    assert re.search(r"^Error: ayse-yilmaz: .*ayse-yilmaz/profiles/candidate\.yaml:5: "
                     r"paper: ", result.err, re.M)


def test_caseload_json_and_pdf(tmp_path: Path) -> None:
    root = three_clients(tmp_path)
    target = tmp_path / "caseload.pdf"
    result = run(tmp_path, "report", "--caseload", str(root), "--today", TODAY, "--json",
                 "--pdf", str(target))
    assert result.code == 1
    data = json.loads(result.out)
    assert [c["client"] for c in data["clients"]] == ["tomasz-nowak", "mai"]
    mai = data["clients"][1]
    assert (mai["conversations_14_days"], mai["overdue"], mai["days_since_last_activity"],
            mai["bogging_down"]) == (1, 3, 1, False)
    assert data["broken"][0]["client"] == "ayse-yilmaz"
    assert "candidate.yaml:5" in data["broken"][0]["errors"][0]
    assert pdf_pages(target) == 1
    text = words(pdf_text(target))
    assert "Tomasz Nowak" in text and "ayse-yilmaz" in text and "bogging down" in text


def test_a_long_referral_tree_still_fits_one_page_and_says_what_is_left(mai: Path) -> None:
    """Twenty people led on from one another, with long names: the page shows the tree's
    first lines (six names a line at most) and says how many more the terminal shows."""
    contacts = mai / "profiles" / "contacts"
    for n in range(20):
        ref = "farid-rahimi" if n < 8 else f"r{n - 8:02d}"
        (contacts / f"r{n:02d}.yaml").write_text(
            f"name: Mercedes Inmaculada Fernández-Villaverde {n}\nrelationship: referral\n"
            f"referred_by: {ref}\n", encoding="utf-8")
    lines = report.tree_lines(found(mai).tree)
    assert len(lines) == 15
    target = mai / "report.pdf"
    assert run(mai, "report", "--today", TODAY, "--pdf", str(target)).code == 0
    assert pdf_pages(target) == 1
    text = words(pdf_text(target))
    assert "Fernández-Villaverde 3 and 4 others" in text
    assert re.search(r"and \d+ lines more: outreach report in the terminal shows the whole "
                     r"tree", text)


def test_the_documentation_defines_every_key(mai: Path) -> None:
    from conftest import REPO

    text = (REPO / "docs" / "report.md").read_text(encoding="utf-8")
    for key in found(mai).as_json():
        assert f"`{key}`" in text, key
    client = report.caseload(mai.parent, dt.date.fromisoformat(TODAY)).clients[0]
    for key in client.as_json():
        assert f"`{key}`" in text, key
