"""``outreach report --pdf``: the figures on one page, with charts, as a tagged PDF.

The charts are drawn by pygal as SVG and laid out by WeasyPrint with the page, as an
image with its alternative text (read by screen readers: the PDF is tagged, PDF/UA-1,
like every PDF outreach writes). pygal is imported here and only here, when a report's
PDF is written (about a tenth of a second): no other command's start-up pays for it.
"""

from __future__ import annotations

import base64
from html import escape
from pathlib import Path
from typing import Any

from outreach.document.model import Document, Paper
from outreach.errors import LayoutError, OutputError, display_path
from outreach.workspace.paths import writable

from .report import (
    TREE_LINES_ON_PAGE,
    TREE_NAMES_ON_PAGE,
    Caseload,
    Client,
    Figures,
    Seeker,
    advice,
    shown,
    stage_text,
    tree_lines,
)
from .rules import letter_date
from .stages import STAGES

#: Colours of the charts, told apart in print and by most colour-blind readers.
LETTERS = "#1f6fb2"
CONVERSATIONS = "#e07b39"
#: Each stage's colour in the funnel: grey not started, blue under way, green talked.
STAGE_COLOURS = {"incomplete": "#9e9e9e", "new": "#bdbdbd", "approached": "#6baed6",
                 "scheduled": "#2171b5", "met": "#41ab5d", "declined": "#d6604d",
                 "thanked": "#74c476", "kept-in-touch": "#a1d99b"}
FONTS = ('"DejaVu Sans", "Liberation Sans", "Noto Sans", "Noto Sans CJK SC", '
         '"Noto Sans Arabic", "Noto Sans Hebrew", sans-serif')

CSS = f"""
@page {{ margin: 0.55in 0.6in; }}
html {{ font-family: {FONTS}; font-size: 9.5pt; line-height: 1.25; color: #111; }}
h1 {{ font-size: 16pt; margin: 0; }}
h2 {{ font-size: 11pt; margin: 0.9em 0 0.3em 0; color: #1f4e79; }}
p.date {{ margin: 0.1em 0 0.6em 0; color: #444; }}
table {{ border-collapse: collapse; }}
table.layout {{ width: 100%; }}
table.layout > tbody > tr > td {{ vertical-align: top; padding: 0; }}
table.figures td, table.figures th, table.rows td, table.rows th {{
  padding: 0.15em 0.5em 0.15em 0; text-align: left; vertical-align: top; }}
table.figures th {{ font-weight: bold; white-space: nowrap; }}
table.figures td.value {{ white-space: nowrap; font-weight: bold; }}
table.figures td.what {{ color: #555; }}
table.rows {{ width: 100%; }}
table.rows th {{ border-bottom: 1px solid #888; }}
table.rows td {{ border-bottom: 1px solid #ddd; }}
tr.bogging td {{ background: #fde0dd; }}
table.clients {{ font-size: 8pt; table-layout: auto; }}
table.clients td:first-child {{ white-space: nowrap; }}
table.clients th, table.clients td {{ padding-right: 0.35em; }}
table.clients th {{ vertical-align: bottom; font-weight: bold; }}
table.clients td.n {{ text-align: right; }}
table.clients th + th {{ text-align: right; }}
table.clients th + th, table.clients td.n {{ padding-left: 0.9em; }}
.mark {{ color: #a50f15; }}
img {{ width: 100%; }}
ul.tree {{ list-style: none; margin: 0; padding: 0; }}
p.advice {{ border-left: 3pt solid {CONVERSATIONS}; padding: 0.3em 0.6em;
  background: #fff4ec; }}
p.broken {{ color: #a50f15; margin: 0.2em 0; }}
table.charts {{ break-inside: avoid; margin-bottom: 0.4em; }}
table.charts td {{ padding-right: 0.3em; }}
h3 {{ font-size: 9pt; margin: 0.4em 0 0.2em 0; color: #444; font-weight: normal; }}
table.clients tr {{ break-inside: avoid; }}
h2 {{ break-after: avoid; }}
"""


def check_target(path: Path, root: Path, force: bool) -> None:
    """Refuse, before anything is counted, a PDF that would go where it should not or
    over a file that exists (unless ``force``)."""
    writable([path], (root, path.absolute().parent))
    if path.exists() and not force:
        raise OutputError(f"{display_path(path)} exists: --force overwrites it with the "
                          "report")


def write(path: Path, data: bytes, root: Path) -> None:
    """The PDF written all at once (never half a file)."""
    from outreach.workspace.output import atomic_write  # deferred: outreach.workspace.output

    atomic_write(path, data, within=(root, path.absolute().parent))


# -- the charts ------------------------------------------------------------------------


def _style() -> Any:
    from pygal.style import Style  # deferred: pygal

    return Style(background="white", plot_background="white", foreground="#222",
                 foreground_strong="#111", foreground_subtle="#d9d9d9",
                 colors=(LETTERS, CONVERSATIONS), font_family=FONTS.replace('"', "'"),
                 label_font_size=13, major_label_font_size=13, legend_font_size=14,
                 value_font_size=13, title_font_size=14, opacity="1", opacity_hover="1",
                 guide_stroke_color="#d9d9d9", major_guide_stroke_color="#bdbdbd",
                 guide_stroke_dasharray="none", major_guide_stroke_dasharray="none")


def _chart(kind: str, width: int, height: int, **config: Any) -> Any:
    import pygal  # deferred: pygal

    chart = getattr(pygal, kind)(
        style=_style(), width=width, height=height, explicit_size=True, js=[],
        disable_xml_declaration=True, print_values=True, margin=6, truncate_label=-1,
        show_y_guides=True, **config)
    return chart


def _whole_steps(top: int) -> list[int]:
    """Whole numbers for a count axis: about five steps from 0 to at least ``top``."""
    step = max(1, -(-top // 5))
    return list(range(0, max(top, 1) + step, step))


def _svg(chart: Any) -> str:
    text: str = chart.render(is_unicode=True)
    return text


def weeks_chart(found: Figures, paper: Paper) -> str:
    """Letters and conversations per week, side by side, as SVG."""
    chart = _chart("Bar", 700, 270, legend_at_bottom=True, legend_at_bottom_columns=2,
                   print_zeroes=False, truncate_legend=-1)
    chart.x_labels = [_short(w.monday, paper) for w in found.weeks]
    top = max([w.letters for w in found.weeks] + [w.conversations for w in found.weeks])
    chart.y_labels = _whole_steps(top)
    chart.add("Letters", [w.letters for w in found.weeks])
    chart.add("Conversations held", [w.conversations for w in found.weeks])
    return _svg(chart)


def funnel_chart(found: Figures) -> str:
    """The contacts at each stage, campaign order top to bottom, as SVG."""
    chart = _chart("HorizontalBar", 340, 250, show_legend=False, print_zeroes=True,
                   print_values_position="top", margin_right=20)
    order = list(reversed(found.stages))  # pygal draws the first label at the bottom
    chart.x_labels = order
    chart.y_labels = _whole_steps(max(found.stages.values(), default=0))
    chart.add("Contacts", [{"value": found.stages[s], "color": STAGE_COLOURS[s]}
                           for s in order])
    return _svg(chart)


def _short(day: Any, paper: Paper) -> str:
    """A week's Monday on an axis: ``Nov 16`` on letter paper, ``16 Nov`` on A4."""
    month = day.strftime("%b")
    return f"{month} {day.day}" if paper == "letter" else f"{day.day} {month}"


def _image(svg: str, alt: str) -> str:
    data = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    return f'<img src="data:image/svg+xml;base64,{data}" alt="{escape(alt)}">'


# -- one seeker's page -----------------------------------------------------------------


def _figures_table(found: Figures) -> str:
    rows = "".join(f'<tr><th scope="row">{escape(label)}</th><td class="value">'
                   f'{escape(value)}</td><td class="what">{escape(what)}</td></tr>'
                   for label, value, what in shown(found))
    return f'<table class="figures"><tbody>{rows}</tbody></table>'


def _weeks_alt(found: Figures) -> str:
    weeks = "; ".join(f"week of {w.monday.isoformat()}: {w.letters} letters, "
                      f"{w.conversations} conversations" for w in found.weeks)
    return f"Bar chart of letters and conversations per week. {weeks}."


def _funnel_alt(found: Figures) -> str:
    return f"Bar chart of contacts by stage: {stage_text(found.stages)}."


def _tree(found: Figures, most: int) -> str:
    """The referral tree's first ``most`` lines, and how many more the terminal shows."""
    lines = tree_lines(found.tree, most=TREE_NAMES_ON_PAGE)
    if not lines:
        return "<p>Nobody has been met through someone else yet.</p>"
    items = "".join(f'<li style="padding-left: {len(line) - len(line.lstrip())}em">'
                    f"{escape(line.strip())}</li>" for line in lines[:most])
    more = len(lines) - len(lines[:most])
    rest = (f"<p>and {_lines(more)} more: <code>outreach report</code> in the terminal "
            "shows the whole tree</p>" if more else "")
    return f'<ul class="tree">{items}</ul>{rest}'


def _lines(count: int) -> str:
    return f"{count} line" + ("" if count == 1 else "s")


def seeker_html(seeker: Seeker, found: Figures, tree: int = TREE_LINES_ON_PAGE) -> str:
    """The page's HTML (``tree``: the referral tree's lines at most): every text
    escaped, every chart an image with its text."""
    paper: Paper = seeker.paper  # type: ignore[assignment]
    said = advice(found)
    parts = [
        f"<h1>Campaign report: {escape(seeker.name)}</h1>",
        f'<p class="date">{escape(letter_date(found.today, paper))}</p>',
        '<table class="layout"><tbody><tr>',
        f'<td style="width: 56%"><h2>The figures</h2>{_figures_table(found)}</td>',
        f'<td><h2>Contacts by stage</h2>{_image(funnel_chart(found), _funnel_alt(found))}'
        "</td></tr></tbody></table>",
        f'<p class="advice">{escape(said)}</p>' if said else "",
        "<h2>Letters and conversations, the last 8 weeks</h2>",
        _image(weeks_chart(found, paper), _weeks_alt(found)),
        f"<h2>Referrals: who led to whom</h2>{_tree(found, tree)}",
    ]
    return _page("".join(parts), f"Campaign report: {seeker.name}", seeker.lang)


def _page(body: str, title: str, lang: str) -> str:
    return (f'<!DOCTYPE html><html lang="{escape(lang)}"><head><meta charset="utf-8">'
            f"<title>{escape(title)}</title></head><body>{body}</body></html>")


def seeker_pdf(seeker: Seeker, found: Figures) -> bytes:
    """One seeker's report, one page of the profile's paper."""
    title = f"Campaign report: {seeker.name}"
    versions = [seeker_html(seeker, found, most) for most in (TREE_LINES_ON_PAGE, 5, 2, 0)]
    return _render(versions, Document(
        kind="report", title=title, paper=seeker.paper,  # type: ignore[arg-type]
        blocks=(), subject=f"The campaign on {found.today.isoformat()}", lang=seeker.lang,
        author=seeker.name), "the report does")


# -- a caseload ------------------------------------------------------------------------


def _client_row(client: Client) -> str:
    """A client's row: the name (marked when bogging down), a number per stage, the
    conversations of the last 14 days, the overdue items, the days idle."""
    idle = "-" if client.days_idle is None else str(client.days_idle)
    name = f"{escape(client.name)} <small>({escape(client.folder)})</small>"
    if client.bogging_down:
        name += ' <strong class="mark">bogging down</strong>'
    numbers = [*(client.figures.stages[s] for s in STAGES), client.figures.recent,
               client.overdue]
    cells = "".join(f'<td class="n">{n or ""}</td>' for n in numbers)
    style = ' class="bogging"' if client.bogging_down else ""
    return f'<tr{style}><td>{name}</td>{cells}<td class="n">{idle}</td></tr>'


def _client_rows(found: Caseload) -> str:
    head = ("Client", *STAGES, "Conversations, 14 days", "Overdue", "Days idle")
    cells = "".join(f'<th scope="col">{escape(h)}</th>' for h in head)
    rows = "".join(_client_row(client) for client in found.clients)
    return (f'<table class="rows clients"><thead><tr>{cells}</tr></thead>'
            f"<tbody>{rows}</tbody></table>")


#: The clients one chart of the caseload holds: a longer caseload has one chart for each
#: so many, on one scale, so every bar keeps the same thickness and every name its size.
CHART_CLIENTS = 25


def recent_chart(clients: list[Client], top: int) -> str:
    """Conversations in the last 14 days, one bar per client in the order given, on a
    scale from 0 to at least ``top`` (the same for every chart of a caseload), as SVG."""
    chart = _chart("HorizontalBar", 480, 60 + 18 * max(1, len(clients)), show_legend=False,
                   print_zeroes=True, print_values_position="top", margin_right=20)
    steps = _whole_steps(top)
    chart.range = (0, steps[-1])
    order = list(reversed(clients))  # pygal draws the first label at the bottom
    chart.x_labels = [c.name for c in order]
    chart.y_labels = steps
    chart.add("Conversations, 14 days", [
        {"value": c.figures.recent, "color": "#d6604d" if c.bogging_down else CONVERSATIONS}
        for c in order])
    return _svg(chart)


def _charts(found: Caseload) -> str:
    """The caseload's charts of recent conversations, ``CHART_CLIENTS`` clients each,
    in the order of the table, two side by side, each pair kept whole on a page."""
    clients = list(found.clients)
    top = max((c.figures.recent for c in clients), default=0)
    cells = []
    for start in range(0, len(clients), CHART_CLIENTS):
        part = clients[start:start + CHART_CLIENTS]
        alt = "Bar chart of conversations in the last 14 days per client: " + "; ".join(
            f"{c.name}: {c.figures.recent}" for c in part) + "."
        which = (f"clients {start + 1} to {start + len(part)} of {len(clients)}"
                 if len(clients) > CHART_CLIENTS else "each client")
        cells.append(f'<td style="width: 50%"><h3>{which}</h3>'
                     f"{_image(recent_chart(part, top), alt)}</td>")
    rows = "".join(f'<table class="layout charts"><tbody><tr>{"".join(cells[n:n + 2])}'
                   "</tr></tbody></table>" for n in range(0, len(cells), 2))
    return f"<h2>Conversations in the last 14 days</h2>{rows}" if rows else ""


def caseload_html(found: Caseload) -> str:
    """The caseload's pages: the table (its header on every page), the clients whose
    files cannot be read, and the charts of recent conversations."""
    day = letter_date(found.today, found.paper)  # type: ignore[arg-type]
    broken = "".join(f'<p class="broken">{escape(b.folder)}: {escape(line)}</p>'
                     for b in found.broken for line in b.problems)
    parts = [f"<h1>Caseload report</h1><p class=\"date\">{escape(day)}</p>",
             "<h2>Clients, who needs you first</h2>", _client_rows(found),
             f"<h2>Clients whose files cannot be read</h2>{broken}" if broken else "",
             _charts(found)]
    return _page("".join(parts), "Caseload report", "en")


def caseload_pdf(found: Caseload) -> bytes:
    """A caseload's report, on as many pages as its clients need, turned landscape: a
    row holds eleven figures beside the client's name."""
    cover = Document(kind="report", title="Caseload report",
                     paper=found.paper,  # type: ignore[arg-type]
                     blocks=(), subject=f"The caseload on {found.today.isoformat()}")
    return _render([caseload_html(found)], cover, "", pages=None, landscape=True)


# -- the PDF ---------------------------------------------------------------------------


def _render(versions: list[str], cover: Document, what: str, pages: int | None = 1,
            landscape: bool = False) -> bytes:
    """The first of ``versions`` (HTML) that fits ``pages`` pages (``None``: any number),
    laid out by WeasyPrint and tagged, with ``cover``'s title, author, subject and
    language; nothing is fetched but the charts' ``data:`` URLs. ``what`` is named when
    none fits."""
    from outreach.render.writers.engine import weasyprint  # deferred: weasyprint
    from outreach.render.writers.pdf import (  # deferred: weasyprint
        PAGE_SIZE,
        _fetcher,
        page_css,
        pdf_options,
    )

    size = f"{PAGE_SIZE[cover.paper]} landscape" if landscape else None
    css = weasyprint.CSS(string=page_css(cover.paper, size) + CSS)
    for html in versions:
        laid_out = weasyprint.HTML(string=html, url_fetcher=_fetcher([])).render(
            stylesheets=[css])
        if pages is None or len(laid_out.pages) <= pages:
            data: bytes = laid_out.write_pdf(**pdf_options(cover, laid_out.metadata))
            return data
    raise LayoutError(f"{what} not fit on one page: --json gives every figure")
