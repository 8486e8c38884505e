"""Write the registry's template contract into docs/templates.md (between its markers).

    python tools/make_template_docs.py
"""

from __future__ import annotations

from pathlib import Path

from outreach.compose.contract import GENERATED, section

DOC = Path(__file__).resolve().parent.parent / "docs" / "templates.md"


def main() -> None:
    text = DOC.read_text(encoding="utf-8")
    start = text.index(GENERATED[0])
    end = text.index(GENERATED[1]) + len(GENERATED[1])
    DOC.write_text(text[:start] + section() + text[end:], encoding="utf-8")


if __name__ == "__main__":
    main()
