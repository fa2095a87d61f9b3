"""Each explorer chart's numbers, recomputed from a release's tables without the chart code.

`expected(chart_id, con)` and `emitted(chart_id, rows)` both give a sorted list of tuples: what
the chart should plot, from plain queries and pandas written for the tests, and what the page
embedded next to the chart's SVG. Tests compare the two (tests/unit/test_report.py on a small
release, tests/integration/test_report_real.py on the release of the recorded archive).
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pandas as pd

TEN_COUNTRIES = ["USA", "CHN", "IND", "DEU", "FRA", "GBR", "JPN", "BRA", "ZAF", "AUS"]
EACH_END = 15


def _r(value) -> float | None:
    return None if value is None or pd.isna(value) else round(float(value), 6)


def _frame(con, sql: str) -> pd.DataFrame:
    return con.execute(sql).fetchdf()


def _by_country(con):
    preferred = _frame(con, "select * from grid_carbon_intensity_preferred where zone_type = 'country'")
    own_year = preferred[preferred["data_year"] == preferred["year"]]
    latest = own_year[own_year["year"] == own_year["year"].max()]
    ranked = latest.sort_values(["gco2e_per_kwh", "zone_id"], ascending=[False, True])
    highest = ranked.head(EACH_END)
    lowest = latest.sort_values(["gco2e_per_kwh", "zone_id"]).head(EACH_END)
    chosen = pd.concat([highest, lowest]).drop_duplicates("zone_id")
    return sorted((r.zone_id, int(r.year), _r(r.gco2e_per_kwh), r.source_id) for r in chosen.itertuples())


def _spread(con):
    rows = _frame(con, "select * from grid_carbon_intensity")
    rows = rows[rows["zone_id"].isin(TEN_COUNTRIES)]
    if rows.empty:
        return []
    per_year = rows.assign(pair=rows["source_id"] + "|" + rows["basis"]).groupby("year")["pair"].nunique()
    year = max(per_year.index, key=lambda y: (per_year[y], y))
    chosen = rows[rows["year"] == year]
    return sorted((r.zone_id, int(r.year), r.source_id, r.basis, _r(r.gco2e_per_kwh)) for r in chosen.itertuples())


def _fleet(column: str, scale: float = 1.0):
    def compute(con):
        fleet = _frame(con, "select * from accelerator_fleet_footprint")
        fleet = fleet[(fleet["installed_base_low"] > 0) & fleet[f"{column}_low"].notna()]
        high = fleet[f"{column}_high"].fillna(fleet[f"{column}_low"])
        return sorted((f"{r.vendor}: {r.product_family}", int(r.year), _r(low / scale), _r(h / scale))
                      for r, low, h in zip(fleet.itertuples(), fleet[f"{column}_low"], high))
    return compute


def _retired(con):
    fleet = _frame(con, "select * from accelerator_fleet_footprint")
    fleet = fleet[fleet["retired_mass_t_low"].fillna(0) > 0]
    return sorted((f"{r.vendor}: {r.product_family}", int(r.year), _r(r.retired_mass_t_low),
                   _r(r.retired_mass_t_low if pd.isna(r.retired_mass_t_high) else r.retired_mass_t_high))
                  for r in fleet.itertuples())


def _ewaste(con):
    rows = _frame(con, "select * from ewaste_statistics where zone_id = 'WLD'")
    rows = rows[rows["metric"].isin(["generated", "projected_generated", "collected_recycled"])]
    return sorted((int(r.year), r.metric, r.series, _r(r.value / 1000)) for r in rows.itertuples())


def _training(con):
    runs = _frame(con, "select * from training_footprint_estimates")
    out = [(r.model, int(r.year), "estimated", _r(r.estimated_energy_mwh)) for r in runs.itertuples()
           if pd.notna(r.estimated_energy_mwh) and r.estimated_energy_mwh > 0]
    out += [(r.model, int(r.year), "reported", _r(r.reported_energy_mwh)) for r in runs.itertuples()
            if pd.notna(r.reported_energy_mwh) and r.reported_energy_mwh > 0]
    return sorted(out)


def _pue(con):
    rows = _frame(con, "select * from datacenter_pue")
    return sorted((r.entity, int(r.year), r.scope, _r(r.pue)) for r in rows.itertuples())


EXPECTED = {
    "grid_intensity_by_country": _by_country,
    "grid_intensity_source_spread": _spread,
    "fleet_installed_base": _fleet("installed_base", 1e6),
    "fleet_electricity": _fleet("energy_twh"),
    "fleet_emissions": _fleet("emissions_mt_co2e"),
    "ewaste_generated_recycled": _ewaste,
    "fleet_retired_mass": _retired,
    "training_energy": _training,
    "datacenter_pue": _pue,
}

_METRIC_OF_FLOW = {"generated": "generated", "generated (projection)": "projected_generated",
                   "collected and recycled": "collected_recycled"}


def emitted(chart_id: str, rows: list[dict]) -> list[tuple]:
    """The same tuples from the rows the page embedded for the chart."""
    if chart_id == "grid_intensity_by_country":
        return sorted((r["zone_id"], r["year"], _r(r["gco2e_per_kwh"]), r["source_id"]) for r in rows)
    if chart_id == "grid_intensity_source_spread":
        return sorted((r["zone_id"], r["year"], r["source_id"], r["basis"], _r(r["gco2e_per_kwh"])) for r in rows)
    if chart_id.startswith("fleet_") and chart_id != "fleet_retired_mass":
        return sorted((r["series"], r["year"], _r(r["value_low"]), _r(r["value_high"])) for r in rows)
    if chart_id == "fleet_retired_mass":
        return sorted((r["series"], r["year"], _r(r["mass_t_low"]), _r(r["mass_t_high"])) for r in rows)
    if chart_id == "ewaste_generated_recycled":
        return sorted((r["year"], _METRIC_OF_FLOW[r["flow"]], r["series"], _r(r["mass_mt"])) for r in rows)
    if chart_id == "training_energy":
        return sorted((r["model"], r["year"], "reported" if r["figure"].startswith("reported") else "estimated",
                       _r(r["energy_mwh"])) for r in rows)
    if chart_id == "datacenter_pue":
        return sorted((r["entity"], r["year"], r["scope"], _r(r["pue"])) for r in rows)
    raise KeyError(f"no expectation written for chart {chart_id}")


def expected(chart_id: str, con) -> list[tuple]:
    return EXPECTED[chart_id](con)


class _PageParser(HTMLParser):
    def __init__(self):
        super().__init__()
        self.data: dict[str, dict] = {}
        self.svgs: list[dict] = []
        self._in_data: str | None = None
        self._svg: dict | None = None
        self._in_title = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and attrs.get("type") == "application/json":
            self._in_data = attrs.get("data-chart", "")
            self.data[self._in_data] = {"text": ""}
        elif tag == "svg":
            self._svg = {"attrs": attrs, "title": ""}
            self.svgs.append(self._svg)
        elif tag == "title" and self._svg is not None and not self._svg["title"]:
            self._in_title = True

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_data = None
        elif tag == "svg":
            self._svg = None
        elif tag == "title":
            self._in_title = False

    def handle_data(self, text):
        if self._in_data is not None:
            self.data[self._in_data]["text"] += text
        elif self._in_title and self._svg is not None:
            self._svg["title"] += text


def read_page(html_text: str) -> tuple[dict[str, list[dict]], list[dict]]:
    """({chart id: embedded rows}, [{attrs, title} for each inline SVG]) of an explorer page."""
    parser = _PageParser()
    parser.feed(html_text)
    rows = {chart: json.loads(entry["text"])["rows"] for chart, entry in parser.data.items()}
    return rows, parser.svgs


def left_out_lines(html_text: str) -> list[str]:
    block = re.search(r'<ul class="left-out">(.*?)</ul>', html_text, re.S)
    return re.findall(r"<li>(.*?)</li>", block.group(1)) if block else []
