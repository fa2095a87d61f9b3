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


def _r(value, digits: int = 6) -> float | None:
    return None if value is None or pd.isna(value) else round(float(value), digits)


# Means over thousands of hours: pandas and DuckDB sum in different orders, so they agree to a
# few decimals, not to the last digit.
_MEAN_DIGITS = 3


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
        return sorted(
            (f"{r.vendor}: {r.product_family}", int(r.year), _r(low / scale), _r(central / scale), _r(h / scale))
            for r, low, central, h in zip(
                fleet.itertuples(), fleet[f"{column}_low"], fleet[f"{column}_central"], high, strict=True
            )
        )

    return compute


def _hourly_one_basis(con) -> pd.DataFrame:
    rows = _frame(con, "select * from grid_intensity_hourly")
    has_lifecycle = rows.groupby(["zone_id", "source_id"])["lifecycle_gco2e_per_kwh"].transform(
        lambda v: v.notna().any()
    )
    rows = rows.assign(
        basis=has_lifecycle.map({True: "lifecycle", False: "direct"}),
        value=rows["lifecycle_gco2e_per_kwh"].where(has_lifecycle, rows["direct_gco2e_per_kwh"]),
    )
    return rows[rows["value"].notna()]


_LOCAL = {
    "DEU": "Europe/Berlin",
    "US-CAL-CISO": "America/Los_Angeles",
    "US-TEX-ERCO": "America/Chicago",
    "US-MIDA-PJM": "America/New_York",
}


def _hourly_day(con):
    rows = _hourly_one_basis(con)
    out = []
    for (zone_id, basis), zone in rows.groupby(["zone_id", "basis"]):
        # DuckDB's own time-zone conversion, not pandas': the chart uses pandas.
        hours = con.execute(
            "select hour(timezone(?, t)) as h from unnest(?::timestamptz[]) as u(t)",
            [_LOCAL.get(zone_id, "UTC"), [t.to_pydatetime() for t in zone["hour_start_utc"]]],
        ).fetchdf()["h"]
        means = zone["value"].groupby(hours.values).mean()
        out += [(zone_id, basis, int(hour), _r(mean, _MEAN_DIGITS)) for hour, mean in means.items()]
    return sorted(out)


def _hourly_year(con):
    rows = _hourly_one_basis(con)
    rows = rows.assign(day=rows["hour_start_utc"].dt.tz_convert("UTC").dt.strftime("%Y-%m-%d"))
    days = rows.groupby(["zone_id", "basis", "day"])["value"].agg(["min", "mean", "max"]).reset_index()
    return sorted(
        (r.zone_id, r.basis, r.day, _r(r.min), _r(r.mean, _MEAN_DIGITS), _r(r.max)) for r in days.itertuples()
    )


def _revenue(con):
    rows = _frame(con, "select * from chip_revenue_by_market")
    rows = rows[(rows["company"] == "NVIDIA") & (rows["market"] == "data_center")]
    return sorted((int(r.fiscal_year), r.fiscal_quarter, _r(r.revenue_usd / 1e9)) for r in rows.itertuples())


def _unit_sales(con):
    rows = _frame(con, "select * from accelerator_unit_sales")
    rows = rows[rows["year"].notna() & rows["units_low"].notna()]
    return sorted(
        (
            r.vendor,
            int(r.year),
            r.method,
            _r(r.units_low / 1e6),
            _r(r.units_central / 1e6),
            _r((r.units_low if pd.isna(r.units_high) else r.units_high) / 1e6),
        )
        for r in rows.itertuples()
    )


def _datacenter_world(con):
    rows = _frame(con, "select * from datacenter_electricity")
    rows = rows[(rows["zone_id"] == "WLD") & rows["quarter"].isna()]
    out = []
    for r in rows.itertuples():
        low, central, high = r.electricity_twh_low, r.electricity_twh_central, r.electricity_twh_high
        given = [v for v in (low, central, high) if pd.notna(v)]
        if not given:
            continue
        if pd.isna(central):
            central = (low + high) / 2 if pd.notna(low) and pd.notna(high) else given[0]
        low = low if pd.notna(low) else given[0]
        high = (
            high if pd.notna(high) else (r.electricity_twh_central if pd.notna(r.electricity_twh_central) else given[0])
        )
        out.append((int(r.year), r.basis, _r(low), _r(central), _r(high)))
    fleet = _frame(con, "select * from accelerator_fleet_footprint")
    fleet = fleet[(fleet["installed_base_low"] > 0) & fleet["energy_twh_low"].notna()]
    if not fleet.empty:  # the one series with the largest (high, else low) energy of any year
        top = (
            fleet.assign(size=fleet["energy_twh_high"].fillna(fleet["energy_twh_low"]))
            .sort_values(["size", "vendor", "product_family"], ascending=[False, True, True])
            .iloc[0]
        )
        fleet = fleet[(fleet["vendor"] == top.vendor) & (fleet["product_family"] == top.product_family)]
    out += [
        (
            int(r.year),
            "estimate (this dataset)",
            _r(r.energy_twh_low),
            _r(r.energy_twh_central),
            _r(r.energy_twh_low if pd.isna(r.energy_twh_high) else r.energy_twh_high),
        )
        for r in fleet.itertuples()
    ]
    return sorted(out)


def _recycling_by_country(con):
    rates = _frame(con, "select * from ewaste_statistics")
    rates = rates[
        (rates["metric"] == "recycling_rate")
        & (rates["category"] == "TOTAL")
        & (rates["zone_type"] == "country")
        & rates["rate_definition"].isin(["recycled_over_generated", "recycled_over_collected"])
    ]
    if rates.empty:
        return []
    rates = (
        rates.assign(eurostat_first=rates["source_id"] != "eurostat_env_waselee")
        .sort_values(["eurostat_first", "source_id", "series"])
        .drop_duplicates(["zone_id", "year", "rate_definition"])
    )
    counts = rates.groupby(["rate_definition", "year"]).size()
    best = counts.groupby(level=0).max()
    definition = max(best.index, key=lambda d: (best[d], d == "recycled_over_generated"))
    per_year = counts[definition]
    year = max(y for y, n in per_year.items() if n >= best[definition] // 2)
    chosen = rates[(rates["rate_definition"] == definition) & (rates["year"] == year)]
    top = chosen.sort_values("value", ascending=False).head(EACH_END)
    bottom = chosen.sort_values(["value", "zone_id"]).head(EACH_END)
    both = pd.concat([top, bottom]).drop_duplicates("zone_id")
    return sorted((r.zone_id, int(r.year), r.rate_definition, _r(r.value)) for r in both.itertuples())


_TEXT_TASKS = {"chat", "reasoning", "code_completion", "text_generation", "summarization", "question_answering"}


def _inference(con):
    rows = _frame(con, "select * from inference_energy_measurements")
    wh = rows["energy_wh_per_request"]
    keep = (
        rows["task"].isin(_TEXT_TASKS)
        & rows["request_unit"].isin(["request", "prompt", "query"])
        & (rows["total_params_billions"] > 0)
        & (wh > 0)
    )
    return sorted(
        (r.measurement_id, _r(r.total_params_billions), _r(w))
        for r, w in zip(rows[keep].itertuples(), wh[keep], strict=True)
    )


def _retired(con):
    fleet = _frame(con, "select * from accelerator_fleet_footprint")
    fleet = fleet[fleet["retired_mass_t_low"].fillna(0) > 0]
    return sorted(
        (
            f"{r.vendor}: {r.product_family}",
            int(r.year),
            _r(r.retired_mass_t_low),
            _r(r.retired_mass_t_low if pd.isna(r.retired_mass_t_high) else r.retired_mass_t_high),
        )
        for r in fleet.itertuples()
    )


def _ewaste(con):
    rows = _frame(con, "select * from ewaste_statistics where zone_id = 'WLD'")
    rows = rows[
        rows["metric"].isin(["generated", "projected_generated", "collected_recycled"]) & (rows["category"] == "TOTAL")
    ]
    return sorted((int(r.year), r.metric, r.series, _r(r.value / 1000)) for r in rows.itertuples())


def _training(con):
    runs = _frame(con, "select * from training_footprint_estimates")
    out = [
        (r.model, int(r.year), "estimated", _r(r.estimated_energy_mwh_central))
        for r in runs.itertuples()
        if pd.notna(r.estimated_energy_mwh_central) and r.estimated_energy_mwh_central > 0
    ]
    out += [
        (r.model, int(r.year), "reported", _r(r.reported_energy_mwh))
        for r in runs.itertuples()
        if pd.notna(r.reported_energy_mwh) and r.reported_energy_mwh > 0
    ]
    return sorted(out)


def _pue(con):
    rows = _frame(con, "select * from datacenter_pue")
    return sorted((r.entity, int(r.year), r.scope, _r(r.pue)) for r in rows.itertuples())


EXPECTED = {
    "grid_intensity_by_country": _by_country,
    "grid_intensity_source_spread": _spread,
    "grid_intensity_hourly_day": _hourly_day,
    "grid_intensity_hourly_year": _hourly_year,
    "nvidia_datacenter_revenue": _revenue,
    "accelerator_unit_sales": _unit_sales,
    "fleet_installed_base": _fleet("installed_base", 1e6),
    "fleet_electricity": _fleet("energy_twh"),
    "fleet_emissions": _fleet("emissions_mtco2e"),
    "datacenter_electricity_world": _datacenter_world,
    "ewaste_generated_recycled": _ewaste,
    "ewaste_recycling_rate_by_country": _recycling_by_country,
    "fleet_retired_mass": _retired,
    "training_energy": _training,
    "inference_energy_by_size": _inference,
    "datacenter_pue": _pue,
}

_METRIC_OF_FLOW = {
    "generated": "generated",
    "generated (projection)": "projected_generated",
    "collected and recycled": "collected_recycled",
}


def emitted(chart_id: str, rows: list[dict]) -> list[tuple]:
    """The same tuples from the rows the page embedded for the chart."""
    if chart_id == "grid_intensity_by_country":
        return sorted((r["zone_id"], r["year"], _r(r["gco2e_per_kwh"]), r["source_id"]) for r in rows)
    if chart_id == "grid_intensity_source_spread":
        return sorted((r["zone_id"], r["year"], r["source_id"], r["basis"], _r(r["gco2e_per_kwh"])) for r in rows)
    if chart_id.startswith("fleet_") and chart_id != "fleet_retired_mass":
        return sorted(
            (r["series"], r["year"], _r(r["value_low"]), _r(r["value_central"]), _r(r["value_high"])) for r in rows
        )
    if chart_id == "grid_intensity_hourly_day":
        return sorted((r["zone_id"], r["basis"], r["local_hour"], _r(r["gco2e_per_kwh"], _MEAN_DIGITS)) for r in rows)
    if chart_id == "grid_intensity_hourly_year":
        return sorted(
            (
                r["zone_id"],
                r["basis"],
                r["day_utc"],
                _r(r["min_gco2e_per_kwh"]),
                _r(r["mean_gco2e_per_kwh"], _MEAN_DIGITS),
                _r(r["max_gco2e_per_kwh"]),
            )
            for r in rows
        )
    if chart_id == "nvidia_datacenter_revenue":
        return sorted((r["fiscal_year"], r["fiscal_quarter"], _r(r["revenue_busd"])) for r in rows)
    if chart_id == "accelerator_unit_sales":
        return sorted(
            (r["vendor"], r["year"], r["method"], _r(r["units_m_low"]), _r(r["units_m_central"]), _r(r["units_m_high"]))
            for r in rows
        )
    if chart_id == "datacenter_electricity_world":
        return sorted((r["year"], r["basis"], _r(r["twh_low"]), _r(r["twh_central"]), _r(r["twh_high"])) for r in rows)
    if chart_id == "ewaste_recycling_rate_by_country":
        return sorted((r["zone_id"], r["year"], r["rate_definition"], _r(r["recycling_rate_pct"])) for r in rows)
    if chart_id == "inference_energy_by_size":
        return sorted(
            (r["measurement_id"], _r(r["total_params_billions"]), _r(r["energy_wh_per_request"])) for r in rows
        )
    if chart_id == "fleet_retired_mass":
        return sorted((r["series"], r["year"], _r(r["mass_t_low"]), _r(r["mass_t_high"])) for r in rows)
    if chart_id == "ewaste_generated_recycled":
        return sorted((r["year"], _METRIC_OF_FLOW[r["flow"]], r["series"], _r(r["mass_mt"])) for r in rows)
    if chart_id == "training_energy":
        return sorted(
            (
                r["model"],
                r["year"],
                "reported" if r["figure"].startswith("reported") else "estimated",
                _r(r["energy_mwh"]),
            )
            for r in rows
        )
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
