"""The LinkedIn invitation note: within its limit for every sample and test contact,
naming the referrer where there is one, asking for advice only; an error that names
what to shorten when the seeker's data cannot fit."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import EVERYONE, SAMPLE_IDS, run, snapshot

EXTRA = {
    # a referral with a long name, from a free-text referrer
    "long-referral": "name: Maximilian Alexander von Hohenberg-Wittelsbach\n"
                     "salutation: Dr. von Hohenberg-Wittelsbach\nrelationship: referral\n"
                     "referred_by: Dr. Bartholomew Featherstonehaugh-Cholmondeley\n",
    "friend": "name: Zoë Ægir\nrelationship: friend\n",
    "cold": "name: Kwame Mensah\nrelationship: cold\nhow_we_met: I heard your talk on "
            "transit equity at the Chicago APA chapter meeting in September, where you "
            "described the fare-capping pilot and its first results in detail\n",
    # the user's own sentence asks about openings: that version is passed over
    "openings": "name: Sam Roe\nrelationship: alumni\nhow_we_met: I saw your post "
                "about the openings on your team\n",
}


def _add(ws: Path) -> list[str]:
    for cid, text in EXTRA.items():
        (ws / "profiles" / "contacts" / f"{cid}.yaml").write_text(text, encoding="utf-8")
    return [*SAMPLE_IDS, *EXTRA]


@pytest.mark.parametrize("limit", [200, 300])
def test_every_note_fits_its_limit_and_names_the_referrer(ws: Path, limit: int) -> None:
    ids = _add(ws)
    result = run(ws, "linkedin", *EVERYONE, "--limit", str(limit))
    assert result.code == 0, result.err
    notes = {cid: (ws / "output" / cid / "linkedin-note.txt").read_text(encoding="utf-8")
             for cid in ids}
    for cid, note in notes.items():
        assert note.endswith("\n") and "\n" not in note.rstrip("\n"), cid
        assert len(note.rstrip("\n")) <= limit, (cid, len(note))
        assert "advice" in note
        for word in ("job", "résumé", "resume", "position", "hiring"):
            assert word not in note.lower(), (cid, word)
    assert "Maria Lopez suggested" in notes["jim-park"]
    assert "Dr. Bartholomew Featherstonehaugh-Cholmondeley suggested" in \
        notes["long-referral"]
    assert notes["friend"].startswith("Hi Zoë,")
    assert notes["jim-park"].startswith("Hello Mr. Park,")
    assert "openings" not in notes["openings"]
    if limit == 300:  # room for how the seeker learned of them
        assert "transit equity" in notes["cold"]


def test_a_note_that_cannot_fit_says_what_to_shorten(ws: Path) -> None:
    profile = ws / "profiles" / "candidate.yaml"
    text = profile.read_text(encoding="utf-8")
    field = ("regional and metropolitan transportation, land-use and housing policy "
             "analysis for mid-sized cities and counties in the Midwest and the Great Plains")
    profile.write_text(text.replace("field: urban planning", f"field: {field}"),
                       encoding="utf-8")
    before = snapshot(ws)
    result = run(ws, "linkedin", "jim-park")
    assert result.code == 1
    assert "the LinkedIn note to Jim Park needs" in result.err
    assert (f"more than 200: shorten target.field in the profile ({len(field)} characters: "
            "regional and metropolitan transportat...) or referred_by in ") in result.err
    assert "or allow 300 with --limit 300" in result.err
    assert snapshot(ws) == before


def test_a_note_is_text_only(ws: Path) -> None:
    result = run(ws, "linkedin", "jim-park", "--limit", "400")
    assert result.code == 2
    assert run(ws, "letter", "jim-park", "--format", "pdf").code == 0


def test_a_referrer_written_as_an_appositive_keeps_its_commas(tmp_path: Path) -> None:
    import shutil

    from conftest import REPO

    ws = tmp_path / "logistics"
    shutil.copytree(REPO / "tests" / "workspaces" / "logistics", ws)
    result = run(ws, "linkedin", "jose-maria-garcia-perez", "--limit", "300")
    assert result.code == 0, result.err
    note = (ws / "output" / "jose-maria-garcia-perez" / "linkedin-note.txt").read_text(
        encoding="utf-8")
    assert "my former commander, Col. Anne Ruiz, suggested" in note
