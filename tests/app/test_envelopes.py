"""Envelopes and address labels, read back with poppler: the page is the envelope (No. 10
on letter paper, DL on A4) or the label sheet, each address lands where the post (or the
label) expects it, a batch holds one envelope per contact with an address, and the
contacts without one are named."""

from __future__ import annotations

import math
import re
import subprocess
from html import unescape
from pathlib import Path

import pytest

from conftest import EVERYONE, pdf_page_size, pdf_pages, run
from render.test_accessible import catalog_lang, fonts, pdfinfo

DAY = ["--date", "2026-11-21"]
INCH = 72.0
MM = 72 / 25.4

#: Contacts written for these tests: other scripts, other address shapes.
PEOPLE = {
    "nikos-papadakis": ("Νίκος Παπαδάκης", "Οδός Ερμού 15\nΑθήνα 105 63\nGreece",  # noqa: RUF001
                        ""),
    "yamada-hanako": ("山田 花子", "横浜市中区本町6-50-10\nJapan", "lang: ja\n"),
    "layla-haddad": ("ليلى حداد", "12 Rue Hamra\nBeirut\nLebanon", ""),
    "olga-ivanova": ("Ольга Иванова", "ул. Тверская, 7\nМосква 125009\nRussia",  # noqa: RUF001
                     ""),
}


def _contact(ws: Path, cid: str, name: str, address: str | None, extra: str = "") -> None:
    text = f"name: {name}\nrelationship: friend\n{extra}"
    if address is not None:
        text += "address: |\n" + "".join(f"  {ln}\n" for ln in address.splitlines())
    (ws / "profiles" / "contacts" / f"{cid}.yaml").write_text(text, encoding="utf-8")


def _people(ws: Path) -> None:
    for cid, (name, address, extra) in PEOPLE.items():
        _contact(ws, cid, name, address, extra)


def _paper(ws: Path, paper: str) -> None:
    profile = ws / "profiles" / "candidate.yaml"
    text = profile.read_text(encoding="utf-8")
    profile.write_text(re.sub(r"^paper: \w+", f"paper: {paper}", text, flags=re.M),
                       encoding="utf-8")


def _no_profile_address(ws: Path) -> None:
    profile = ws / "profiles" / "candidate.yaml"
    text = profile.read_text(encoding="utf-8")
    profile.write_text(re.sub(r"^address: \|\n(  .*\n)+", "", text, flags=re.M),
                       encoding="utf-8")


def words(path: Path) -> list[list[tuple[str, float, float, float, float]]]:
    """Per page, each word with its box (xMin, yMin, xMax, yMax; y down from the top),
    as ``pdftotext -bbox`` reads them."""
    html = subprocess.run(["pdftotext", "-bbox", "-enc", "UTF-8", str(path), "-"],
                          check=True, capture_output=True, text=True).stdout
    pages = []
    for page in re.findall(r"<page[^>]*>(.*?)</page>", html, re.S):
        found = re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" '
                           r'yMax="([\d.]+)">([^<]*)</word>', page)
        pages.append([(unescape(t), float(a), float(b), float(c), float(d))
                      for a, b, c, d, t in found])
    return pages


def box_of(page: list[tuple[str, float, float, float, float]],
           text: str) -> tuple[float, float, float, float]:
    """The box around the words of ``text``, found in a row in the page's reading order."""
    wanted = text.split()
    order = [w[0] for w in page]
    for i in range(len(page) - len(wanted) + 1):
        if order[i:i + len(wanted)] == wanted:
            hits = page[i:i + len(wanted)]
            return (min(w[1] for w in hits), min(w[2] for w in hits),
                    max(w[3] for w in hits), max(w[4] for w in hits))
    raise AssertionError(f"{text!r} not on the page: {order}")


def batch(ws: Path, name: str = "envelopes") -> Path:
    return ws / "output" / "batches" / f"2026-11-21-{name}.pdf"


# -- envelopes --------------------------------------------------------------------------

def test_letter_paper_gives_one_no_10_envelope_per_contact_addresses_where_usps_reads(
        ws: Path) -> None:
    result = run(ws, "envelopes", *EVERYONE, *DAY)
    assert result.code == 0, result.err
    path = batch(ws)
    assert pdf_pages(path) == 6  # the six sample contacts, all with an address
    assert pdf_page_size(path).startswith("684 x 297 pts")  # 9.5 x 4.125 in
    width, height = 9.5 * INCH, 4.125 * INCH
    pages = words(path)
    jim = next(p for p in pages if any(w[0] == "Monroe" for w in p))
    # the delivery address: inside USPS's OCR read area (1/2 in from the sides, its top at
    # most 2 3/4 in above the bottom), above the bar-code strip (the bottom 5/8 in), and
    # right of centre, below the stamp
    x0, y0, x1, y1 = box_of(jim, "Jim Park Director of Planning City of Springfield "
                                 "800 E Monroe St Springfield, IL 62701")
    assert x0 >= width / 3 and x1 <= width - 0.5 * INCH
    assert y0 >= height - 2.75 * INCH and y1 <= height - 0.625 * INCH
    # the return address: the top-left corner, above the read area
    rx0, _, rx1, ry1 = box_of(jim, "Dana Kehr 12 Elm Street Springfield, IL 62701")
    assert rx0 < 0.6 * INCH and rx1 < width / 2 and ry1 < height - 2.75 * INCH
    info = pdfinfo(path)
    assert (info["Tagged"], info["Author"]) == ("yes", "Dana Kehr")
    assert info["Title"] == "Envelopes (US No. 10), 2026-11-21"
    assert "Jim Park" in info["Subject"] and catalog_lang(path) == "en"
    assert "CONTACT" in result.out and "800 E Monroe St, Springfield, IL 62701" in result.out
    assert not (ws / "output" / "jim-park").exists()  # one print file, nothing per contact


def test_a4_paper_gives_dl_envelopes_with_the_address_lower_right(ws: Path) -> None:
    _paper(ws, "a4")
    _people(ws)
    assert run(ws, "envelopes", "nikos-papadakis", "priya-raman", *DAY).code == 0
    path = batch(ws)
    assert pdf_pages(path) == 2
    assert pdf_page_size(path).startswith("623.622 x 311.811 pts")  # 220 x 110 mm
    width, height = 220 * MM, 110 * MM
    # abroad, the country alone on the last line, in capitals (UPU practice)
    for page, text in zip(words(path), ("Νίκος Παπαδάκης Οδός Ερμού 15 Αθήνα 105 63 GREECE",
                                        "Priya Raman Senior Transportation Planner Chicago "
                                        "Metropolitan Agency for Planning 433 W Van Buren "
                                        "St, Suite 450 Chicago, IL 60607"), strict=True):
        x0, y0, x1, y1 = box_of(page, text)
        # right of centre, below the stamp (the top 40 mm), above the 15 mm code strip
        assert x0 >= 95 * MM and x1 <= width - 10 * MM
        assert y0 >= 40 * MM and y1 <= height - 15 * MM
        rx0, _, rx1, ry1 = box_of(page, "Dana Kehr 12 Elm Street")
        assert rx0 < 15 * MM and rx1 < width / 2 and ry1 < 40 * MM


def test_names_in_every_script_are_drawn(ws: Path) -> None:
    _people(ws)
    assert run(ws, "envelopes", *PEOPLE, *DAY).code == 0
    path = batch(ws)
    pages = words(path)
    assert len(pages) == len(PEOPLE)
    text = " ".join(w[0] for page in pages for w in page)
    for name in ("Νίκος", "Παπαδάκης", "山田", "花子", "Ольга", "Иванова", "Москва"):
        assert name in text
    used = fonts(path)
    assert "Noto-Serif-CJK-JP" in used  # lang: ja: Japanese glyph forms
    assert "Arabic" in used or "Naskh" in used


def test_contacts_without_an_address_are_named_and_left_out(ws: Path) -> None:
    _contact(ws, "no-address", "Nadia Noor", None)
    _contact(ws, "blank-address", "Bram Blank", None, "address:\n")  # empty: not given
    result = run(ws, "envelopes", *EVERYONE, *DAY)
    assert result.code == 0, result.err
    assert pdf_pages(batch(ws)) == 6
    for name, cid in (("Nadia Noor", "no-address"), ("Bram Blank", "blank-address")):
        assert re.search(rf"Warning: no postal address for {name} \(.*{cid}\.yaml\)",
                         result.err)
        assert re.search(rf"{name} +- \(no postal address: not printed\)", result.out)


def test_no_contact_with_an_address_is_an_error_and_writes_nothing(ws: Path) -> None:
    _contact(ws, "no-address", "Nadia Noor", None)
    _contact(ws, "also-none", "Omar Ode", None)
    result = run(ws, "envelopes", "no-address", "also-none", *DAY)
    assert result.code == 1
    assert result.err.startswith("Error: nothing to print: none of these contacts has a "
                                 "postal address")
    assert "Nadia Noor (" in result.err and "Omar Ode (" in result.err
    assert "Traceback" not in result.err
    assert not (ws / "output").exists()
    # a batch says the same of the contacts it took (none of them was named)
    for cid in ("no-address", "also-none"):
        with (ws / "profiles" / "contacts" / f"{cid}.yaml").open("a") as handle:
            handle.write("history: [{date: 2026-11-02, event: meeting}, "
                         "{date: 2026-11-03, event: thank-you-sent}]\n")
    batch_run = run(ws, "envelopes", "--stage", "thanked", *DAY)
    assert batch_run.code == 1 and "none of these contacts has a postal" in batch_run.err
    assert "Nadia Noor (" in batch_run.err and "named" not in batch_run.err


def test_a_profile_without_an_address_gives_envelopes_without_a_return_address(
        ws: Path) -> None:
    _no_profile_address(ws)
    result = run(ws, "envelopes", "jim-park", *DAY)
    assert result.code == 0, result.err
    assert "Warning: the envelopes carry no return address" in result.err
    assert "profiles/candidate.yaml" in result.err.replace("\\", "/")
    page = words(batch(ws))[0]
    assert "Kehr" not in [w[0] for w in page]
    assert box_of(page, "Jim Park")[0] >= 9.5 * INCH / 3
    # labels carry no return address, so they say nothing of it
    labels = run(ws, "envelopes", "jim-park", "--labels", *DAY)
    assert labels.code == 0 and "return address" not in labels.err


def test_an_address_too_long_for_the_envelope_is_an_error_naming_the_contact(
        ws: Path) -> None:
    long_lines = "\n".join(f"Building {n}, Intergovernmental Affairs Campus" for n in range(9))
    _contact(ws, "long-address", "Bartholomew Long", long_lines + "\nSpringfield, IL 62701")
    result = run(ws, "envelopes", "long-address", "jim-park", *DAY)
    assert result.code == 1
    assert "does not fit a US No. 10 envelope: Bartholomew Long (" in result.err
    assert not (ws / "output").exists()


def test_the_batch_file_is_kept_once_edited_unless_forced_and_a_dry_run_writes_nothing(
        ws: Path) -> None:
    dry = run(ws, "envelopes", "jim-park", "--dry-run", *DAY)
    assert dry.code == 0 and "would write" in dry.out
    assert not (ws / "output").exists()
    assert run(ws, "envelopes", "jim-park", *DAY).code == 0
    assert pdf_pages(batch(ws)) == 1
    ours = run(ws, "envelopes", "jim-park", "maria-lopez", *DAY)  # outreach's own file
    assert ours.code == 0 and "overwritten" in ours.out and pdf_pages(batch(ws)) == 2
    batch(ws).write_bytes(batch(ws).read_bytes() + b"\n")  # touched by hand
    kept = run(ws, "envelopes", "jim-park", *DAY)
    assert kept.code == 0 and "changed since outreach wrote it" in kept.out
    assert pdf_pages(batch(ws)) == 2
    assert run(ws, "envelopes", "jim-park", "--force", *DAY).code == 0
    assert pdf_pages(batch(ws)) == 1


def test_the_command_line_needs_contacts_or_all(ws: Path) -> None:
    assert run(ws, "envelopes").code == 2
    assert run(ws, "envelopes", "jim-park", "--all").code == 2
    unknown = run(ws, "envelopes", "nobody-here")
    assert unknown.code != 0 and "nobody-here" in unknown.err


def test_a_template_without_the_delivery_address_is_refused(ws: Path) -> None:
    (ws / "templates").mkdir()
    (ws / "templates" / "envelope.md.j2").write_text(
        "::: return-address\n{{ sender.name }}\n:::\n", encoding="utf-8")
    result = run(ws, "envelopes", "jim-park", *DAY)
    assert result.code == 1 and "has no ::: delivery-address part" in result.err
    assert not (ws / "output").exists()


# -- labels ---------------------------------------------------------------------------

def _many(ws: Path, count: int) -> list[str]:
    """``count`` more contacts with addresses; every contact id, in the order printed."""
    for n in range(count):
        _contact(ws, f"zz-contact-{n:02d}", f"Person Number{n:02d}",
                 f"{100 + n} Main Street\nSpringfield, IL 627{n:02d}")
    return sorted(p.stem for p in (ws / "profiles" / "contacts").glob("*.yaml"))


@pytest.mark.parametrize("paper,per_sheet,cell", [
    # Avery 5160: 2 5/8 x 1 in from a 1/2 in top and 3/16 in side margin, 1/8 in apart
    ("letter", 30, (0.1875 * INCH, 0.5 * INCH, 2.625 * INCH, 1 * INCH, 2.75 * INCH)),
    # Avery L7160: 63.5 x 38.1 mm from a 15.15 mm top and 7.25 mm side margin
    ("a4", 21, (7.25 * MM, 15.15 * MM, 63.5 * MM, 38.1 * MM, 66.04 * MM)),
])
def test_labels_fill_standard_sheets_each_address_inside_its_label(
        ws: Path, paper: str, per_sheet: int,
        cell: tuple[float, float, float, float, float]) -> None:
    _paper(ws, paper)
    ids = _many(ws, 25)  # 31 contacts
    result = run(ws, "envelopes", *EVERYONE, "--labels", *DAY)
    assert result.code == 0, result.err
    path = batch(ws, "labels")
    assert pdf_pages(path) == math.ceil(len(ids) / per_sheet) == 2
    assert pdfinfo(path)["Tagged"] == "yes"
    left, top, width, height, pitch = cell
    pages = words(path)
    for index, cid in enumerate(ids):
        if not cid.startswith("zz-"):  # the sample contacts come first
            continue
        n = int(cid[-2:])
        page, slot = divmod(index, per_sheet)
        row, column = divmod(slot, 3)
        x0, y0, x1, y1 = box_of(pages[page], f"Person Number{n:02d} {100 + n} Main "
                                             f"Street Springfield, IL 627{n:02d}")
        cx, cy = left + column * pitch, top + row * height
        assert cx < x0 and x1 < cx + width, (cid, x0, x1, cx)
        assert cy < y0 and y1 < cy + height, (cid, y0, y1, cy)
        # set a little in from the label's left edge, centred from top to bottom
        assert 0.05 * INCH < x0 - cx < 0.25 * INCH, (cid, x0, cx)
        assert abs((y0 + y1) / 2 - (cy + height / 2)) < 0.06 * INCH, (cid, y0, y1, cy)


def test_an_address_too_long_for_a_label_is_an_error_naming_the_contact(ws: Path) -> None:
    # seven lines fit an L7160 label (38.1 mm) but not a 5160 (1 in)
    address = "Intergovernmental Affairs Building\nRoom 1234\n1234 North Long Street\n" \
              "Springfield, IL 62701"
    _contact(ws, "long-one", "Bartholomew Featherstone", address,
             "title: Deputy Assistant Director\norganization: Regional Planning Authority\n")
    result = run(ws, "envelopes", "long-one", "jim-park", "--labels", *DAY)
    assert result.code == 1
    assert "does not fit an Avery 5160 label: Bartholomew Featherstone (" in result.err
    assert not (ws / "output").exists()
    _paper(ws, "a4")
    assert run(ws, "envelopes", "long-one", "jim-park", "--labels", *DAY).code == 0
    assert pdf_pages(batch(ws, "labels")) == 1
