"""The HTML of the explorer page: charts first, then the tables (a data dictionary with
downloads), then the sources and their licences. No JavaScript: the charts are SVG and each
chart's plotted rows sit beside it as inert JSON (`<script type="application/json">`), for
readers who want the numbers and for the tests that check them."""

from __future__ import annotations

import html
import json
import logging

import pandas as pd

from pipelines.report import ReportError
from pipelines.report.charts import CHARTS, Chart, Drawn
from pipelines.report.render import NARROW_WIDTH, WIDE_WIDTH, RenderError, full_spec, to_svg

log = logging.getLogger(__name__)

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"
EXTRA_DOWNLOADS = [
    ("aifootprint.duckdb", "DuckDB database: views over the Parquet files, with the warehouse's views and macros"),
    ("datapackage.json", "Frictionless Data Package: types, descriptions, keys, licences"),
    ("CHANGELOG.md", "what changed since the previous release"),
    ("SHA256SUMS", "checksums of every file (sha256sum -c SHA256SUMS)"),
]

STYLE = """
:root { --ink: #1b1b1b; --muted: #555; --line: #d8d8d8; --accent: #0072B2; --paper: #fff; }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
       color: var(--ink); background: var(--paper); }
header, main, footer { max-width: 1180px; margin: 0 auto; padding: 0 16px; }
header { padding-top: 20px; border-bottom: 1px solid var(--line); }
h1 { font-size: 1.6rem; margin: 0 0 4px; }
h2 { font-size: 1.3rem; margin: 32px 0 8px; }
h3 { font-size: 1.05rem; margin: 0 0 6px; }
a { color: var(--accent); }
nav a { margin-right: 16px; }
.lede { color: var(--muted); margin: 4px 0 12px; }
/* One chart per row: a chart is drawn for its width, and scaling it down shrinks its labels. */
.charts { display: grid; grid-template-columns: minmax(0, 1fr); gap: 20px; max-width: 900px; }
figure { margin: 0; padding: 12px; border: 1px solid var(--line); border-radius: 6px; min-width: 0; }
figure svg { display: block; max-width: 100%; height: auto; }
.chart-narrow { display: none; }
@media (max-width: 640px) {
  .chart-wide { display: none; } .chart-narrow { display: block; }
  header, main, footer { padding-left: 8px; padding-right: 8px; } figure { padding: 6px; }
}
figcaption p { margin: 6px 0 0; font-size: 0.9rem; }
figcaption .takeaway { font-size: 1rem; font-weight: 600; }
.meta { color: var(--muted); }
.left-out li { color: var(--muted); }
.table-wrap { overflow-x: auto; }
table { border-collapse: collapse; font-size: 0.9rem; width: 100%; }
th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
code { font-size: 0.9em; overflow-wrap: anywhere; }
/* Descriptions hold long unbreakable names (macro signatures, paths): break them rather than
   widen the page past a phone's screen. */
p, li, td, summary { overflow-wrap: anywhere; }
.dictionary section { margin: 18px 0; }
details summary { cursor: pointer; color: var(--accent); }
footer { color: var(--muted); font-size: 0.85rem; padding: 24px 16px 40px; }
"""


def render_page(package: dict, con, *, files_prefix: str = "") -> tuple[str, list[str], dict[str, str]]:
    """(HTML, ids of the charts drawn, {chart id: why it was left out})."""
    resources = {r["name"]: r for r in package.get("resources", [])}
    sources = {s.get("id"): s for s in package.get("sources", [])}
    columns = _release_columns(con)
    figures, shown, left_out = [], [], {}
    for chart in CHARTS:
        missing = _missing(chart, columns)
        if missing:
            left_out[chart.id] = missing
            continue
        kept_out = _withheld_for(chart, resources)
        try:
            drawn = chart.draw(con)
        except Exception as exc:  # a chart whose tables are present must draw; name it
            raise ReportError(f"chart {chart.id} failed on this release: {type(exc).__name__}: {exc}") from None
        if drawn is None or drawn.data.empty:
            left_out[chart.id] = (
                (
                    "no rows to plot among those this release carries; rows kept out by licence: "
                    + _withheld_text(kept_out)
                )
                if kept_out
                else "no rows to plot in this release"
            )
            continue
        try:
            figures.append(_figure(chart, drawn, resources, sources, kept_out))
        except RenderError as exc:
            raise ReportError(str(exc)) from None
        shown.append(chart.id)
    version = package.get("version", "")
    title = f"aifootprint {version}: release explorer"
    body = [
        "<header>",
        f"<h1>{_e(title)}</h1>",
        f'<p class="lede">{_code_spans(package.get("description", ""))}</p>',
        f'<p class="lede">Released {_e(package.get("created", ""))}{_build_note(package.get("build") or {})}; '
        f"{len(resources)} tables, {sum(r.get('rows', 0) for r in resources.values()):,} rows.</p>",
        '<nav><a href="#charts">Charts</a><a href="#tables">Tables and downloads</a>'
        '<a href="#sources">Sources and licences</a></nav>',
        "</header>",
        "<main>",
        '<h2 id="charts">Charts</h2>',
        '<div class="charts">',
        *figures,
        "</div>",
    ]
    if left_out:
        titles = {c.id: c.title for c in CHARTS}
        body += ['<h3 id="left-out">Charts not in this release</h3>', '<ul class="left-out">']
        body += [f"<li>{_e(titles[c])}: {_e(why)}.</li>" for c, why in left_out.items()]
        body.append("</ul>")
    body += _tables_section(resources, files_prefix)
    body += _sources_section(sources)
    body += [
        "</main>",
        "<footer>Built by aifootprint from the files of this release; every chart is drawn at "
        "release time from the tables listed above, and every plotted row carries its source_id and "
        "source_vintage.</footer>",
    ]
    page = "\n".join(
        [
            "<!doctype html>",
            '<html lang="en">',
            "<head>",
            '<meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',
            '<link rel="icon" href="data:,">',
            f"<title>{_e(title)}</title>",
            f"<style>{STYLE}</style>",
            "</head>",
            "<body>",
            *body,
            "</body>",
            "</html>",
            "",
        ]
    )
    return page, shown, left_out


def _release_columns(con) -> dict[str, set[str]]:
    rows = con.execute(
        "select table_name, column_name from information_schema.columns where table_schema = 'main'"
    ).fetchall()
    columns: dict[str, set[str]] = {}
    for table_name, column_name in rows:
        columns.setdefault(table_name, set()).add(column_name)
    return columns


def _withheld_for(chart: Chart, resources: dict) -> list[tuple[str, dict]]:
    """(table, {source_id, rows, reason}) for each source whose rows of the chart's tables the
    release leaves out for licence reasons (datapackage.json: `resources[i].withheld`)."""
    return [
        (table_name, entry)
        for table_name in chart.needs
        for entry in resources.get(table_name, {}).get("withheld", [])
        if isinstance(entry, dict)
    ]


def _withheld_text(kept_out: list[tuple[str, dict]]) -> str:
    parts = []
    for table_name, entry in kept_out:
        rows = entry.get("rows")
        counted = f"{rows:,} rows of {table_name}" if isinstance(rows, int) else table_name
        reason = entry.get("reason") or "its licence does not clearly allow redistribution"
        parts.append(f"{entry.get('source_id', 'a source')} ({counted}; {reason})")
    return "; ".join(parts)


def _missing(chart: Chart, columns: dict[str, set[str]]) -> str | None:
    for table_name, needed in chart.needs.items():
        if table_name not in columns:
            return f"table {table_name} is not in this release"
        absent = [c for c in needed if c not in columns[table_name]]
        if absent:
            return f"table {table_name} has no column {', '.join(absent)}"
    return None


def _figure(chart: Chart, drawn: Drawn, resources: dict, sources: dict, kept_out: list[tuple[str, dict]] = ()) -> str:
    rows = json.loads(drawn.data.to_json(orient="records", date_format="iso", double_precision=15))
    svgs = [
        to_svg(
            full_spec(drawn.spec, rows, width=width, narrow=variant == "narrow"),
            chart_id=chart.id,
            title=chart.title,
            description=drawn.description,
            variant=variant,
        )
        for variant, width in (("wide", WIDE_WIDTH), ("narrow", NARROW_WIDTH))
    ]
    vintages = (
        drawn.data.groupby("source_id")["source_vintage"]
        .agg(lambda v: ", ".join(sorted({str(x) for x in v if pd.notna(x)})))
        .to_dict()
    )
    credits = []
    for source_id, source_vintages in sorted(vintages.items()):
        source = sources.get(source_id, {})
        name = source.get("publisher") or source_id
        label = f"{name}, {source['title']}" if source.get("title") else name
        credits.append(
            f'<a href="#source-{_e(source_id)}">{_e(label)}</a> (<code>{_e(source_id)}</code>, '
            f"vintage {_e(source_vintages)})"
        )
    tables = [t for t in chart.needs if t in resources] or list(chart.needs)
    table_links = ", ".join(f'<a href="#table-{_e(t)}"><code>{_e(t)}</code></a>' for t in tables)
    data_json = json.dumps(
        {"chart": chart.id, "tables": list(chart.needs), "rows": rows}, ensure_ascii=False, separators=(",", ":")
    ).replace("</", "<\\/")
    return "\n".join(
        [
            f'<figure id="chart-{_e(chart.id)}" aria-labelledby="chart-{_e(chart.id)}-heading">',
            f'<h3 id="chart-{_e(chart.id)}-heading">{_e(chart.title)}</h3>',
            *svgs,
            "<figcaption>",
            f'<p class="takeaway">{_e(drawn.takeaway)}</p>',
            f'<p class="meta">Units: {_e(chart.units)}. Data: {table_links}.</p>',
            f'<p class="meta">Sources: {"; ".join(credits)}.</p>',
            *(
                [
                    f'<p class="meta withheld">Kept out of this release by licence, so not drawn: '
                    f"{_e(_withheld_text(kept_out))}.</p>"
                ]
                if kept_out
                else []
            ),
            "</figcaption>",
            f'<script type="application/json" class="chart-data" data-chart="{_e(chart.id)}">{data_json}</script>',
            "</figure>",
        ]
    )


def _tables_section(resources: dict, prefix: str) -> list[str]:
    lines = [
        '<h2 id="tables">Tables and downloads</h2>',
        "<p>Every table as Parquet (descriptions and units in the field metadata), all of them in one DuckDB "
        "database, and the metadata:</p>",
        "<ul>",
    ]
    lines += [
        f'<li><a href="{_e(prefix + name)}"><code>{_e(name)}</code></a>: {_e(what)}</li>'
        for name, what in EXTRA_DOWNLOADS
    ]
    lines += [
        "</ul>",
        '<div class="table-wrap"><table>',
        '<thead><tr><th scope="col">table</th><th scope="col" class="num">rows</th>'
        '<th scope="col">download</th><th scope="col">what</th></tr></thead><tbody>',
    ]
    for name, resource in resources.items():
        lines.append(
            f'<tr><td><a href="#table-{_e(name)}"><code>{_e(name)}</code></a></td>'
            f'<td class="num">{resource.get("rows", 0):,}</td>'
            f'<td><a href="{_e(prefix + resource.get("path", name + ".parquet"))}">Parquet</a> '
            f"({_size(resource.get('bytes'))})</td><td>{_code_spans(_first_sentence(resource.get('description', '')))}"
            "</td></tr>"
        )
    lines += ["</tbody></table></div>", '<div class="dictionary">']
    for name, resource in resources.items():
        schema = resource.get("schema", {})
        fields = schema.get("fields", [])
        key = ", ".join(schema.get("primaryKey", []))
        lines += [
            f'<section id="table-{_e(name)}">',
            f"<h3><code>{_e(name)}</code></h3>",
            f"<p>{_code_spans(resource.get('description', ''))}</p>",
            f'<p class="meta">{resource.get("rows", 0):,} rows; primary key ({_e(key)}); '
            f'<a href="{_e(prefix + resource.get("path", ""))}">download Parquet</a>.</p>',
            f"<details><summary>{len(fields)} columns</summary>",
            '<div class="table-wrap"><table>',
            '<thead><tr><th scope="col">column</th><th scope="col">type</th>'
            '<th scope="col">description</th></tr></thead><tbody>',
        ]
        lines += [
            f"<tr><td><code>{_e(f['name'])}</code></td><td>{_e(f.get('type', ''))}</td>"
            f"<td>{_e(f.get('description', ''))}</td></tr>"
            for f in fields
        ]
        lines += ["</tbody></table></div></details>", "</section>"]
    lines.append("</div>")
    return lines


def _sources_section(sources: dict) -> list[str]:
    lines = [
        '<h2 id="sources">Sources and licences</h2>',
        "<p>Each source's licence applies to the rows with its <code>source_id</code>.</p>",
        '<div class="table-wrap"><table><thead><tr><th scope="col">source_id</th><th scope="col">source</th>'
        '<th scope="col">licence</th></tr></thead><tbody>',
    ]
    for source_id, source in sorted(sources.items(), key=lambda item: str(item[0])):
        title = source.get("title", "")
        link = source.get("path")
        named = f'<a href="{_e(link)}" rel="external">{_e(title)}</a>' if link else _e(title)
        publisher = f"{_e(source['publisher'])}: " if source.get("publisher") else ""
        lines.append(
            f'<tr id="source-{_e(source_id)}"><td><code>{_e(source_id)}</code></td>'
            f"<td>{publisher}{named}</td><td>{_e(source.get('license', ''))}</td></tr>"
        )
    lines.append("</tbody></table></div>")
    return lines


def _build_note(build: dict) -> str:
    commit = build.get("git_commit")
    return f" from commit <code>{_e(commit[:12])}</code>" if commit else ""


def _first_sentence(text: str) -> str:
    text = " ".join(text.split())
    end = text.find(". ")
    return text if end < 0 else text[: end + 1]


def _size(count) -> str:
    if not isinstance(count, int):
        return "size unknown"
    return f"{count / 1e6:.1f} MB" if count >= 100_000 else f"{max(count / 1e3, 0.1):.1f} kB"


def _code_spans(text: str) -> str:
    """Escaped text with `backticked` names (as the schemas' descriptions write them) as <code>."""
    parts = str(text).split("`")
    if len(parts) % 2 == 0:  # an unpaired backtick: leave the text as it is
        return _e(text)
    return "".join(_e(part) if i % 2 == 0 else f"<code>{_e(part)}</code>" for i, part in enumerate(parts))


def _e(text) -> str:
    return html.escape(str(text), quote=True)
