"""Render the sample job seeker's résumé (tools/sample_resume.html) to profiles/resume.pdf.

The PDF title and author metadata come from the HTML <title> and
<meta name="author"> elements, which WeasyPrint copies into the PDF.

Usage (from anywhere):
    .venv/bin/python tools/make_sample_resume.py
"""

from __future__ import annotations

import sys
from pathlib import Path

from weasyprint import HTML

REPO_ROOT: Path = Path(__file__).resolve().parent.parent
SOURCE_HTML: Path = REPO_ROOT / "tools" / "sample_resume.html"
OUTPUT_PDF: Path = REPO_ROOT / "profiles" / "resume.pdf"
EXPECTED_TITLE: str = "Dana Kehr — Résumé"


def render(source: Path = SOURCE_HTML, output: Path = OUTPUT_PDF) -> int:
    """Render *source* to *output* and return the number of pages produced."""
    document = HTML(filename=str(source), encoding="utf-8").render()
    title = document.metadata.title
    if title != EXPECTED_TITLE:
        raise ValueError(f"unexpected <title> in {source}: {title!r}")
    output.parent.mkdir(parents=True, exist_ok=True)
    document.write_pdf(str(output))
    return len(document.pages)


def main() -> int:
    pages = render()
    print(f"wrote {OUTPUT_PDF.relative_to(REPO_ROOT)} ({pages} page{'s' if pages != 1 else ''})")
    if pages != 1:
        print("error: the sample résumé must fit on exactly one page", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
