"""How long PDF letters take: one layout pass for a batch vs one WeasyPrint call each.

Prints medians of several runs, measured in this one process, and their ratio. Run with
`make bench`; the machine is shared, so compare figures from the same run only.
"""

from __future__ import annotations

import datetime as dt
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from outreach.documents import Request, build  # noqa: E402
from outreach.main import PASS_SIZE, templates_for  # noqa: E402
from outreach.workspace import Workspace  # noqa: E402
from outreach.writers import pdf  # noqa: E402

ROUNDS = 5
COPIES = 5  # the six sample contacts, five times over: 30 letters


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        shutil.copytree(REPO / "profiles", Path(tmp) / "profiles")
        ws = Workspace(Path(tmp))
        templates = templates_for(ws)
        css = templates.resource("document.css").decode()
        today = dt.date(2026, 11, 21)
        docs = [build(ws, templates, Request("approach-letter", c, today)).document
                for c in ws.contacts()] * COPIES
        pdf.render(docs[:1], css)  # warm up: fonts, imports

        def batch() -> None:
            pdf.render(docs, css)

        def one_by_one() -> None:
            for doc in docs:
                pdf.render([doc], css)

        def passes() -> None:  # what outreach does: written a pass at a time
            for start in range(0, len(docs), PASS_SIZE):
                pdf.render(docs[start:start + PASS_SIZE], css)

        results = {}
        for name, func in (("one layout pass", batch), (f"passes of {PASS_SIZE}", passes),
                           ("one call per letter", one_by_one)):
            times = []
            for _ in range(ROUNDS):
                start = time.perf_counter()
                func()
                times.append(time.perf_counter() - start)
            results[name] = statistics.median(times)
        print(f"{len(docs)} approach letters to PDF, median of {ROUNDS} runs:")
        for name, seconds in results.items():
            print(f"  {name:<22} {seconds:6.2f} s  ({seconds / len(docs) * 1000:5.0f} ms a letter)")
        ratio = results["one call per letter"] / results["one layout pass"]
        print(f"  one call per letter takes {ratio:.2f}x as long as one layout pass")
        ratio = results[f"passes of {PASS_SIZE}"] / results["one layout pass"]
        print(f"  passes of {PASS_SIZE} take {ratio:.2f}x as long as one layout pass")


IMPORT_ROWS = 5000
IMPORT_ROUNDS = 3


def import_linkedin() -> None:
    """`outreach import linkedin` of a 5,000-row Connections.csv into a fresh workspace."""
    from outreach.importing import import_people, read_linkedin

    header = ('Notes:\r\n"When exporting your connection data, some e-mail addresses are '
              'missing."\r\n\r\nFirst Name,Last Name,URL,Email Address,Company,Position,'
              'Connected On\r\n')
    rows = "".join(f'Person{i},Surname{i % 97},https://www.linkedin.com/in/p{i},'
                   f'{"" if i % 5 else f"p{i}@example.org"},"Company {i % 300}, Inc.",'
                   f'Analyst,{1 + i % 28} Mar 2024\r\n' for i in range(IMPORT_ROWS))
    times = []
    with tempfile.TemporaryDirectory() as tmp:
        export = Path(tmp) / "Connections.csv"
        export.write_bytes(b"\xef\xbb\xbf" + (header + rows).encode("utf-8"))
        for round_ in range(IMPORT_ROUNDS):
            root = Path(tmp) / f"ws{round_}"
            shutil.copytree(REPO / "profiles", root / "profiles")
            start = time.perf_counter()
            people, _ = read_linkedin(export)
            done = import_people(Workspace(root), people, "acquaintance", source="bench")
            times.append(time.perf_counter() - start)
            assert len(done.added) == IMPORT_ROWS
    print(f"import linkedin, {IMPORT_ROWS} rows (one contact file each), median of "
          f"{IMPORT_ROUNDS} runs: {statistics.median(times):.2f} s")


if __name__ == "__main__":
    import_linkedin()
    main()
