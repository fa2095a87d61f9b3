"""The explorer page's charts: one small function per chart, registered in `CHARTS`.

A chart declares the release tables and columns it reads (`needs`); the page leaves it out,
with a line saying which table or column is missing, when the release lacks any of them. The
function gets a read-only DuckDB connection to the release and returns a `Drawn`: the exact
rows it plots (they are embedded in the page next to the chart, and tests recompute them with
their own SQL), a Vega-Lite spec without data or width, a one-line takeaway and the alt text.

Adding a chart (e.g. once a new table is published):

    @chart("mineral_top_producer", "The largest producer's share of each mineral",
           needs={"mineral_production": "mineral year zone_id quantity_t source_id source_vintage"},
           units="percent of world production")
    def mineral_top_producer(con) -> Drawn:
        rows = con.execute("select ... from mineral_top_producers where producer_rank = 1").fetchdf()
        spec = _single({"type": "bar"}, height=200, x={...}, y={...})
        return Drawn(rows, spec, takeaway=..., description=...)

Charts that differ only in the quantity they draw are declared as data (`FleetChart`: one line of
central estimates with range bars per accelerator_fleet_footprint quantity).

Every plotted row must carry `source_id` and `source_vintage` (the caption lists them). Return
None when the tables hold no rows to plot. Summarise dense series (a year of hourly values per
zone -> daily min/mean/max) so the page stays small. Order in this module is the order on the
page. Each chart needs its numbers recomputed independently in tests/report_expectations.py
(the tests fail for a chart without one).

A chart may read a warehouse view (accelerator_unit_sales, ewaste_recycling_rate_ranked): list the
published tables first in `needs`, since the caption links to those, and the licence note
under a chart names rows withheld from the tables it lists.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd

# Countries whose sources are compared: large electricity users on every continent.
SPREAD_COUNTRIES = ("USA", "CHN", "IND", "DEU", "FRA", "GBR", "JPN", "BRA", "ZAF", "AUS")
# How many of the most and of the least carbon-intensive grids the ranking shows.
RANKED_EACH_END = 15


@dataclass
class Drawn:
    """What a chart function returns."""

    data: pd.DataFrame  # exactly the rows plotted, with source_id and source_vintage
    spec: dict  # Vega-Lite spec without `data`, `width`, `title` or `description`
    takeaway: str  # one line: what a reader should see
    description: str  # alt text: what the chart shows, for readers who cannot see it


@dataclass(frozen=True)
class Chart:
    id: str
    title: str
    needs: dict[str, tuple[str, ...]]  # release table -> columns the chart reads
    units: str
    draw: Callable = field(compare=False)

    @property
    def tables(self) -> list[str]:
        return list(self.needs)


CHARTS: list[Chart] = []


def chart(chart_id: str, title: str, *, needs: dict[str, str], units: str):
    """Register a chart function (see the module docstring); `needs` names each table's columns
    separated by spaces."""

    def wrap(function: Callable) -> Callable:
        if any(c.id == chart_id for c in CHARTS):
            raise ValueError(f"chart id {chart_id!r} registered twice")
        columns = {table_name: tuple(names.split()) for table_name, names in needs.items()}
        CHARTS.append(Chart(chart_id, title, columns, units, function))
        return function

    return wrap


def _fmt(value: float, digits: int = 0) -> str:
    return f"{value:,.{digits}f}"


def _significant(value: float) -> str:
    """Three significant figures, without an exponent for thousands (1,050, not 1.05e+03)."""
    return f"{float(f'{value:.3g}'):,.0f}" if abs(value) >= 1000 else f"{value:,.3g}"


def _year_axis(padding: int = 12) -> dict:
    """A quantitative x axis of whole years, without a zero baseline."""
    return {
        "field": "year",
        "type": "quantitative",
        "title": None,
        "axis": {"format": "d", "tickMinStep": 1},
        "scale": {"zero": False, "padding": padding},
    }


def _single(mark: dict, height, **encoding) -> dict:
    """A one-mark Vega-Lite spec (`data`, `width`, `title` and `description` are the page's)."""
    return {"mark": mark, "encoding": encoding, "height": height}


def _layered(layers: list[dict], height, **encoding) -> dict:
    """A spec of marks drawn over one another, sharing the `encoding` channels."""
    return {"layer": layers, "encoding": encoding, "height": height}


def _series_side_by_side_per_year(legend: str) -> dict:
    """Encoding channels that put each year's `series` side by side, coloured, under one legend."""
    return {
        "x": {"field": "year", "type": "ordinal", "title": None, "axis": {"labelAngle": 0}},
        "xOffset": {"field": "series", "type": "nominal"},
        "color": {"field": "series", "type": "nominal", "title": legend},
    }


def _ranked_bars(mark: dict, x: dict, rankings: list[str]) -> dict:
    """Horizontal bars, one a country (`zone_name`), longest first, coloured by the `ranking` column
    (the top and the bottom of a ranking, in the order `rankings` names them)."""
    return {
        "mark": mark,
        "encoding": {
            "y": {"field": "zone_name", "type": "nominal", "sort": "-x", "title": None, "axis": {"labelLimit": 120}},
            "x": x,
            "color": {
                "field": "ranking",
                "type": "nominal",
                "title": None,
                "legend": {"orient": "top"},
                "sort": rankings,
            },
        },
        "height": {"step": 12},
    }


def _range(low: float, high: float) -> str:
    """`low-high` with three significant figures, or one number when they agree."""
    low_text, high_text = _significant(low), _significant(high)
    return low_text if low_text == high_text else f"{low_text}-{high_text}"


# --- Grid carbon intensity -----------------------------------------------------------------------


@chart(
    "grid_intensity_by_country",
    "Grid carbon intensity by country, latest year",
    needs={
        "grid_carbon_intensity": "zone_id zone_name zone_type year gco2e_per_kwh basis source_id source_vintage",
        "grid_carbon_intensity_preferred": (
            "zone_id zone_name zone_type year gco2e_per_kwh basis source_id source_vintage is_carried_forward"
        ),
    },
    units="gCO2e per kWh of electricity",
)
def grid_intensity_by_country(con) -> Drawn | None:
    # One value per country from the priority view; only values of the year itself, so a
    # country whose latest figure is older is not shown as if it were current.
    data = con.execute(f"""
        with latest as (
            select max(year) as year from grid_carbon_intensity_preferred
            where zone_type = 'country' and not is_carried_forward),
        countries as (
            select p.zone_id, p.zone_name, p.year, p.gco2e_per_kwh, p.basis, p.source_id, p.source_vintage,
                   row_number() over (order by p.gco2e_per_kwh desc, p.zone_id) as rank_from_top,
                   row_number() over (order by p.gco2e_per_kwh, p.zone_id) as rank_from_bottom,
                   count(*) over () as countries
            from grid_carbon_intensity_preferred p join latest using (year)
            where p.zone_type = 'country' and not p.is_carried_forward)
        select zone_id, zone_name, year, gco2e_per_kwh, basis, source_id, source_vintage, countries,
               case when rank_from_top <= {RANKED_EACH_END} then 'most carbon-intensive'
                    else 'least carbon-intensive' end as ranking
        from countries
        where rank_from_top <= {RANKED_EACH_END} or rank_from_bottom <= {RANKED_EACH_END}
        order by gco2e_per_kwh desc, zone_id""").fetchdf()
    if data.empty:
        return None
    year, countries = int(data["year"].iloc[0]), int(data["countries"].iloc[0])
    data = data.drop(columns="countries")
    top, bottom = data.iloc[0], data.iloc[-1]
    spec = _ranked_bars(
        {"type": "bar", "tooltip": False},
        {"field": "gco2e_per_kwh", "type": "quantitative", "title": "gCO2e/kWh"},
        rankings=["most carbon-intensive", "least carbon-intensive"],
    )
    return Drawn(
        data,
        spec,
        takeaway=(
            f"In {year} electricity in {top.zone_name} carried about {_fmt(top.gco2e_per_kwh)} gCO2e/kWh, "
            f"{_fmt(top.gco2e_per_kwh / bottom.gco2e_per_kwh)} times that of {bottom.zone_name} "
            f"({_fmt(bottom.gco2e_per_kwh, 1)}): the same computation emits that many times more on one grid "
            "than on the other."
        ),
        description=(
            f"Horizontal bar chart of grid carbon intensity in {year} for the {RANKED_EACH_END} most and "
            f"the {RANKED_EACH_END} least carbon-intensive of {countries} countries with a value for that "
            f"year, from {top.zone_name} at {_fmt(top.gco2e_per_kwh)} down to {bottom.zone_name} at "
            f"{_fmt(bottom.gco2e_per_kwh, 1)} gCO2e/kWh."
        ),
    )


@chart(
    "grid_intensity_source_spread",
    "How much the sources disagree, for ten large grids",
    needs={"grid_carbon_intensity": "zone_id zone_name year gco2e_per_kwh basis source_id source_vintage"},
    units="gCO2e per kWh of electricity",
)
def grid_intensity_source_spread(con) -> Drawn | None:
    countries = ", ".join(f"'{c}'" for c in SPREAD_COUNTRIES)
    # The year in which these countries have the most sources side by side (latest on a tie).
    data = con.execute(f"""
        with best_year as (
            select year from grid_carbon_intensity where zone_id in ({countries})
            group by year order by count(distinct source_id || '/' || basis) desc, year desc limit 1)
        select g.zone_id, any_value(g.zone_name) over (partition by g.zone_id) as zone_name, g.year,
               g.gco2e_per_kwh, g.basis, g.source_id, g.source_vintage
        from grid_carbon_intensity g join best_year using (year)
        where g.zone_id in ({countries})
        order by g.zone_id, g.source_id, g.basis""").fetchdf()
    if data.empty:
        return None
    year = int(data["year"].iloc[0])
    spread = data.groupby("zone_name")["gco2e_per_kwh"].agg(["min", "max"])
    relative = (spread["max"] - spread["min"]) / spread["min"]
    widest = relative.idxmax()
    spec = _single(
        {"type": "point", "filled": True, "size": 70, "opacity": 0.9},
        height=34 * data["zone_id"].nunique(),
        y={
            "field": "zone_name",
            "type": "nominal",
            "title": None,
            "sort": {"field": "gco2e_per_kwh", "op": "mean", "order": "descending"},
        },
        x={"field": "gco2e_per_kwh", "type": "quantitative", "title": "gCO2e/kWh"},
        color={"field": "source_id", "type": "nominal", "title": "source"},
        shape={"field": "basis", "type": "nominal", "title": "basis"},
        yOffset={"field": "source_id", "type": "nominal"},
    )
    return Drawn(
        data,
        spec,
        takeaway=(
            f"For {year} the sources differ by up to {_fmt(100 * relative.max())} % for {widest} "
            f"({_fmt(spread.loc[widest, 'min'])}-{_fmt(spread.loc[widest, 'max'])} gCO2e/kWh): "
            "basis (direct or lifecycle) and method matter, so every source is kept side by side."
        ),
        description=(
            f"Dot plot of {len(data)} grid carbon intensity values for {year}, one dot per source and "
            f"basis, for {data['zone_name'].nunique()} countries; the widest spread is {widest}, "
            f"from {_fmt(spread.loc[widest, 'min'])} to {_fmt(spread.loc[widest, 'max'])} gCO2e/kWh."
        ),
    )


# --- Hourly grid intensity -------------------------------------------------------------------------

# Time zones of the recorded hourly zones, so an average day reads in the hours
# its people live by; a zone not listed is drawn in UTC and says so.
HOURLY_ZONE_TIMEZONES = {
    "DEU": "Europe/Berlin",
    "FRA": "Europe/Paris",
    "POL": "Europe/Warsaw",
    "GB": "Europe/London",
    "SGP": "Asia/Singapore",
    "AUS-NSW": "Australia/Sydney",
    "IN-WE": "Asia/Kolkata",
    "JP-TK": "Asia/Tokyo",
    "US-CAL-CISO": "America/Los_Angeles",
    "US-TEX-ERCO": "America/Chicago",
    "US-MIDA-PJM": "America/New_York",
    "US-NY-NYIS": "America/New_York",
}

# Each zone is drawn on one basis: lifecycle where its source gives it, else direct, so the two
# are never joined in one line.
_HOURLY_BASIS = """
    with zone_basis as (
        select zone_id, source_id,
               case when count(lifecycle_gco2e_per_kwh) > 0 then 'lifecycle' else 'direct' end as basis
        from grid_intensity_hourly group by zone_id, source_id)
    select h.zone_id, h.zone_name, h.source_id, h.source_vintage, h.year, h.hour_start_utc, b.basis,
           case b.basis when 'lifecycle' then h.lifecycle_gco2e_per_kwh else h.direct_gco2e_per_kwh end
               as gco2e_per_kwh
    from grid_intensity_hourly h join zone_basis b using (zone_id, source_id)"""
_HOURLY_NEEDS = {
    "grid_intensity_hourly": (
        "zone_id zone_name hour_start_utc year direct_gco2e_per_kwh lifecycle_gco2e_per_kwh source_id source_vintage"
    )
}


def _hourly_rows(con) -> pd.DataFrame:
    rows = con.execute(_HOURLY_BASIS + " where gco2e_per_kwh is not null").fetchdf()
    rows["zone"] = rows["zone_name"] + " (" + rows["zone_id"] + ", " + rows["basis"] + ")"
    return rows


@chart(
    "grid_intensity_hourly_day",
    "An average day of grid carbon intensity, hour by hour",
    needs=_HOURLY_NEEDS,
    units="gCO2e per kWh consumed (flow-traced, imports included), mean of each local hour over the "
    "zone's recorded year; local clock time (daylight saving time where the zone keeps it)",
)
def grid_intensity_hourly_day(con) -> Drawn | None:
    rows = _hourly_rows(con)
    if rows.empty:
        return None
    local_hours = []
    for zone_id, zone_rows in rows.groupby("zone_id"):
        timezone = HOURLY_ZONE_TIMEZONES.get(zone_id, "UTC")
        local = zone_rows["hour_start_utc"].dt.tz_convert(timezone)
        local_hours.append(zone_rows.assign(local_hour=local.dt.hour, timezone=timezone))
    data = (
        pd.concat(local_hours)
        .groupby(["zone", "zone_id", "basis", "timezone", "local_hour", "source_id", "source_vintage"], as_index=False)
        .agg(
            gco2e_per_kwh=("gco2e_per_kwh", "mean"),
            hours=("gco2e_per_kwh", "size"),
            first_year=("year", "min"),
            last_year=("year", "max"),
        )
        .sort_values(["zone_id", "local_hour"])
        .reset_index(drop=True)
    )
    swing = data.groupby("zone")["gco2e_per_kwh"].agg(["min", "max"])
    swing = swing.assign(ratio=swing["max"] / swing["min"])
    widest = swing["ratio"].idxmax()
    spec = _single(
        {"type": "line", "point": {"filled": True, "size": 18}, "strokeWidth": 2},
        height=260,
        x={
            "field": "local_hour",
            "type": "quantitative",
            "title": "hour of the day (local time)",
            "scale": {"domain": [0, 23]},
            "axis": {"values": [0, 3, 6, 9, 12, 15, 18, 21], "format": "d"},
        },
        y={"field": "gco2e_per_kwh", "type": "quantitative", "title": "gCO2e/kWh"},
        color={"field": "zone", "type": "nominal", "title": "zone"},
        strokeDash={"field": "zone", "type": "nominal", "title": "zone"},
    )
    return Drawn(
        data,
        spec,
        takeaway=(
            f"Over an average day {widest} swings from {_fmt(swing.loc[widest, 'min'])} to "
            f"{_fmt(swing.loc[widest, 'max'])} gCO2e/kWh ({swing.loc[widest, 'ratio']:.1f} times): the hour "
            "a job runs changes its emissions, more on some grids than others."
        ),
        description=(
            f"Line chart of the mean carbon intensity of each hour of the day, local time, "
            f"for {data['zone'].nunique()} zones; the widest daily swing is {widest}, from "
            f"{_fmt(swing.loc[widest, 'min'])} to {_fmt(swing.loc[widest, 'max'])} gCO2e/kWh."
        ),
    )


@chart(
    "grid_intensity_hourly_year",
    "A year of hourly grid carbon intensity, day by day",
    needs=_HOURLY_NEEDS,
    units="gCO2e per kWh consumed; per UTC day the band spans the lowest to the highest hour, the line the "
    "mean of the day's hours",
)
def grid_intensity_hourly_year(con) -> Drawn | None:
    data = con.execute(f"""
        with hourly as ({_HOURLY_BASIS} where gco2e_per_kwh is not null)
        select zone_name || ' (' || zone_id || ', ' || basis || ')' as zone, zone_id, basis,
               cast(timezone('UTC', hour_start_utc) as date) as day_utc,
               min(gco2e_per_kwh) as min_gco2e_per_kwh, avg(gco2e_per_kwh) as mean_gco2e_per_kwh,
               max(gco2e_per_kwh) as max_gco2e_per_kwh, count(*) as hours, source_id, source_vintage
        from hourly group by all order by zone_id, day_utc""").fetchdf()
    if data.empty:
        return None
    data["day_utc"] = pd.to_datetime(data["day_utc"]).dt.strftime("%Y-%m-%d")
    means = data.groupby("zone")["mean_gco2e_per_kwh"].agg(["min", "max"])
    cleanest_day = data.loc[data["min_gco2e_per_kwh"].idxmin()]
    zones = data["zone"].nunique()
    spec = {
        "facet": {
            "row": {
                "field": "zone",
                "type": "nominal",
                "title": None,
                "header": {
                    "labelAngle": 0,
                    "labelAlign": "left",
                    "labelAnchor": "start",
                    "labelOrient": "top",
                    "labelFontSize": 12,
                    "labelLimit": 280,
                },
            }
        },
        "spec": {
            "layer": [
                {
                    "mark": {"type": "area", "opacity": 0.3, "color": "#0072B2"},
                    "encoding": {
                        "y": {"field": "min_gco2e_per_kwh", "type": "quantitative", "title": "gCO2e/kWh"},
                        "y2": {"field": "max_gco2e_per_kwh"},
                    },
                },
                {
                    "mark": {"type": "line", "strokeWidth": 1, "color": "#0072B2"},
                    "encoding": {"y": {"field": "mean_gco2e_per_kwh", "type": "quantitative"}},
                },
            ],
            "encoding": {
                "x": {"field": "day_utc", "type": "temporal", "title": None, "axis": {"format": "%b", "tickCount": 12}}
            },
            "height": 70,
        },
        # One intensity scale for every zone, so the panels compare; days differ (zones' years differ).
        "resolve": {"scale": {"x": "independent"}},
    }
    spread = (means["max"] / means["min"]).idxmax()
    return Drawn(
        data,
        spec,
        takeaway=(
            f"Day by day the mean moves too: in {spread} from {_fmt(means.loc[spread, 'min'])} to "
            f"{_fmt(means.loc[spread, 'max'])} gCO2e/kWh over the year; the cleanest hour recorded is "
            f"{_fmt(cleanest_day.min_gco2e_per_kwh)} in {cleanest_day.zone} on {cleanest_day.day_utc}."
        ),
        description=(
            f"{zones} small charts, one per zone, of a year of hourly carbon intensity summarised per "
            f"UTC day: a band from the day's lowest to highest hour and a line for its mean; "
            f"{len(data)} days in all."
        ),
    )


# --- Chip sales ------------------------------------------------------------------------------------


@chart(
    "nvidia_datacenter_revenue",
    "NVIDIA Data Center revenue by fiscal quarter",
    needs={
        "chip_revenue_by_market": (
            "company fiscal_year fiscal_quarter period_end breakdown market revenue_usd is_rounded "
            "source_id source_vintage"
        )
    },
    units="billion US dollars per fiscal quarter (nominal); NVIDIA's fiscal year ends in late January",
)
def nvidia_datacenter_revenue(con) -> Drawn | None:
    data = con.execute("""
        select 'FY' || fiscal_year || ' ' || fiscal_quarter as fiscal_period, fiscal_year, fiscal_quarter,
               period_end, revenue_usd / 1e9 as revenue_busd, is_rounded, source_id, source_vintage
        from chip_revenue_by_market
        where company = 'NVIDIA' and breakdown = 'market_platform' and market = 'data_center'
        order by period_end""").fetchdf()
    if data.empty:
        return None
    first, last = data.iloc[0], data.iloc[-1]
    spec = _single(
        {"type": "bar", "color": "#0072B2"},
        height=220,
        x={
            "field": "fiscal_period",
            "type": "ordinal",
            "title": None,
            "sort": None,
            "axis": {"labelAngle": -90, "labelFontSize": 9},
        },
        y={"field": "revenue_busd", "type": "quantitative", "title": "billion USD per quarter"},
    )
    return Drawn(
        data,
        spec,
        takeaway=(
            f"NVIDIA's Data Center revenue went from ${first.revenue_busd:,.1f} billion in "
            f"{first.fiscal_period} to ${last.revenue_busd:,.1f} billion in {last.fiscal_period}, "
            f"{last.revenue_busd / first.revenue_busd:,.0f} times as much per quarter."
        ),
        description=(
            f"Bar chart of NVIDIA's Data Center revenue for {len(data)} fiscal quarters, "
            f"{first.fiscal_period} to {last.fiscal_period}, in billion US dollars, rising from "
            f"{first.revenue_busd:,.1f} to {last.revenue_busd:,.1f}."
        ),
    )


@chart(
    "accelerator_unit_sales",
    "AI accelerator unit sales per year",
    needs={
        "accelerator_shipments": "vendor period units_low source_id",
        "chip_revenue_by_market": "market revenue_usd source_id",
        "accelerator_unit_sales": (
            "vendor year method product_family units_low units_central units_high is_forecast source_id source_vintage"
        ),
    },
    units="million units per calendar year; a dot is the central estimate, a bar spans low to high (none "
    "where a publisher gave only a lower bound); revenue-derived = Data Center revenue x accelerator "
    "share / average selling price",
)
def accelerator_unit_sales(con) -> Drawn | None:
    data = con.execute("""
        select vendor || ': ' || product_family || case method when 'revenue_derived' then '' else ' (cited)' end
                   as series,
               vendor, year, method, units_low / 1e6 as units_m_low, units_central / 1e6 as units_m_central,
               coalesce(units_high, units_low) / 1e6 as units_m_high, units_high is null as is_lower_bound,
               is_forecast, source_id, source_vintage
        from accelerator_unit_sales
        where year is not null and units_low is not null
        order by series, year""").fetchdf()
    if data.empty:
        return None
    peak = data.loc[data["units_m_central"].idxmax()]
    spec = _layered(
        [
            {
                "mark": {"type": "rule", "strokeWidth": 6, "opacity": 0.35},
                "encoding": {"y": {"field": "units_m_low", "type": "quantitative"}, "y2": {"field": "units_m_high"}},
            },
            # The series name says how it was counted (cited, or from revenue): one legend.
            {
                "mark": {"type": "point", "filled": True, "size": 60},
                "encoding": {"y": {"field": "units_m_central", "type": "quantitative", "title": "million units"}},
            },
        ],
        height=240,
        **_series_side_by_side_per_year(legend="series"),
    )
    return Drawn(
        data,
        spec,
        takeaway=(
            f"The largest central estimate is {peak.units_m_central:,.2f} million units in {peak.year} "
            f"({peak.series}"
            + (
                f"; {_range(peak.units_m_low, peak.units_m_high)} million low to high"
                if peak.units_m_low != peak.units_m_high
                else "; no range given"
            )
            + "): cited counts and counts derived from revenue are shown side by side, not added."
        ),
        description=(
            f"Dot plot with range bars of AI accelerator unit sales per year, million units, for "
            f"{data['series'].nunique()} series from {int(data['year'].min())} to "
            f"{int(data['year'].max())}; the largest is {peak.series} in {peak.year} at "
            f"{peak.units_m_central:,.2f} million."
        ),
    )


# --- The accelerator fleet -------------------------------------------------------------------------

_FLEET_SERIES = "vendor || ': ' || product_family"
_FLEET_RANGES = (
    "; the line joins central estimates, a bar spans the low to high estimate (none where a publisher "
    "gave only a lower bound). "
    "Series overlap: an 'all' series contains the vendor series, so they do not add up"
)


@dataclass(frozen=True)
class FleetChart:
    """One quantity of accelerator_fleet_footprint drawn as a line of central estimates with range bars.

    `takeaway` is formatted with the series' largest low estimate: {range} (low-high), {year}, {series}.
    """

    id: str
    title: str
    column: str  # the quantity's column stem: <column>_low, _central, _high
    quantity: str
    unit: str
    units: str  # the caption's units, before the shared note on ranges
    takeaway: str
    scale: float = 1.0

    def draw(self, con) -> Drawn | None:
        # Years after a series' last recorded shipments have an installed base of zero: the macro
        # retires the last cohort, nothing new is recorded. They say nothing about the fleet, so
        # only years with accelerators in service are drawn.
        column, scale = self.column, self.scale
        data = con.execute(f"""
            select {_FLEET_SERIES} as series, year, {column}_low / {scale} as value_low,
                   {column}_central / {scale} as value_central,
                   coalesce({column}_high, {column}_low) / {scale} as value_high,
                   {column}_high is null as is_lower_bound, includes_forecast, source_id, source_vintage
            from accelerator_fleet_footprint
            where installed_base_low > 0 and {column}_low is not null
            order by series, year""").fetchdf()
        if data.empty:
            return None
        peak = data.loc[data["value_high"].idxmax()]
        largest_low = data.loc[data["value_low"].idxmax()]
        spec = _layered(
            [
                {
                    "mark": {"type": "line", "point": {"filled": True, "size": 50}, "strokeWidth": 2},
                    "encoding": {
                        "y": {
                            "field": "value_central",
                            "type": "quantitative",
                            "title": f"{self.quantity}, {self.unit}",
                        }
                    },
                },
                {
                    "mark": {"type": "rule", "strokeWidth": 7, "opacity": 0.35, "strokeDash": [1, 0]},
                    "encoding": {"y": {"field": "value_low", "type": "quantitative"}, "y2": {"field": "value_high"}},
                },
            ],
            height=220,
            x=_year_axis(padding=10),
            # Colour and dash both tell the series apart, for readers who see colours alike.
            color={"field": "series", "type": "nominal", "title": "shipment series"},
            strokeDash={"field": "series", "type": "nominal", "title": "shipment series"},
        )
        return Drawn(
            data,
            spec,
            takeaway=self.takeaway.format(
                range=_range(largest_low.value_low, largest_low.value_high),
                year=largest_low.year,
                series=largest_low.series,
            ),
            description=(
                f"Line chart of the accelerator fleet's {self.quantity} per year, {self.unit}, "
                f"for {data['series'].nunique()} shipment series, each central estimate joined "
                f"by a line with a bar from the low to the high estimate; the largest is "
                f"{peak.series} in {peak.year} at {_range(peak.value_low, peak.value_high)} "
                f"{self.unit}."
            ),
        )


_FLEET_PROVENANCE = "vendor product_family year installed_base_low includes_forecast source_id source_vintage"

FLEET_CHARTS = (
    FleetChart(
        "fleet_installed_base",
        "AI accelerators in service",
        "installed_base",
        "installed base",
        "million units",
        units="millions of accelerators",
        scale=1e6,
        takeaway=(
            "Recorded shipments put {range} million accelerators in service in {year} ({series}); "
            "each retires after the fleet's assumed lifetime."
        ),
    ),
    FleetChart(
        "fleet_electricity",
        "Electricity used by AI accelerators",
        "energy_twh",
        "electricity",
        "TWh",
        units="TWh per year incl. data-centre overhead (PUE)",
        takeaway=(
            "At rated power, average utilisation and PUE the installed accelerators draw about "
            "{range} TWh in {year} ({series}), every hour of the year."
        ),
    ),
    FleetChart(
        "fleet_emissions",
        "Emissions of the electricity AI accelerators use",
        "emissions_mtco2e",
        "emissions",
        "Mt CO2e",
        units="Mt CO2e per year at the world-average grid intensity",
        takeaway=(
            "At the world-average grid intensity that is about {range} Mt CO2e in {year} "
            "({series}); a cleaner grid or lower utilisation lowers it in proportion."
        ),
    ),
)
for _fleet in FLEET_CHARTS:
    chart(
        _fleet.id,
        _fleet.title,
        units=_fleet.units + _FLEET_RANGES,
        needs={
            "accelerator_fleet_footprint": (
                f"{_FLEET_PROVENANCE} {_fleet.column}_low {_fleet.column}_central {_fleet.column}_high"
            )
        },
    )(_fleet.draw)


@chart(
    "datacenter_electricity_world",
    "Data-centre electricity, world: estimates and projections, beside the AI fleet",
    needs={
        "datacenter_electricity": (
            "zone_id year quarter basis scenario series electricity_twh_low electricity_twh_central "
            "electricity_twh_high source_id source_vintage"
        ),
        "accelerator_fleet_footprint": f"{_FLEET_PROVENANCE} energy_twh_low energy_twh_central energy_twh_high",
    },
    units="TWh per year; a dot is the value or base case, a bar the publisher's range; its shape says whether "
    "it is an estimate, a projection or this dataset's own figure; the AI fleet is this dataset's largest "
    "shipment series (accelerators incl. PUE only, not the rest of the data centre)",
)
def datacenter_electricity_world(con) -> Drawn | None:
    data = con.execute(f"""
        select series || coalesce(' - ' || scenario, '') as series, year, basis,
               coalesce(electricity_twh_low, electricity_twh_central, electricity_twh_high) as twh_low,
               coalesce(electricity_twh_central, (electricity_twh_low + electricity_twh_high) / 2,
                        electricity_twh_low, electricity_twh_high) as twh_central,
               coalesce(electricity_twh_high, electricity_twh_central, electricity_twh_low) as twh_high,
               source_id, source_vintage
        from datacenter_electricity
        where zone_id = 'WLD' and quarter is null
          and coalesce(electricity_twh_low, electricity_twh_central, electricity_twh_high) is not null
        union all
        select 'AI accelerators, this dataset: ' || {_FLEET_SERIES}, year, 'estimate (this dataset)',
               energy_twh_low, energy_twh_central, coalesce(energy_twh_high, energy_twh_low), source_id,
               source_vintage
        from accelerator_fleet_footprint
        where installed_base_low > 0 and energy_twh_low is not null
          -- one fleet series, the largest, beside the data-centre totals: the series overlap
          and {_FLEET_SERIES} = (select {_FLEET_SERIES} from accelerator_fleet_footprint
                                 where installed_base_low > 0 and energy_twh_low is not null
                                 order by coalesce(energy_twh_high, energy_twh_low) desc, vendor, product_family
                                 limit 1)
        order by series, year""").fetchdf()
    if data.empty or not (data["basis"] != "estimate (this dataset)").any():
        return None
    world = data[data["basis"] != "estimate (this dataset)"]
    fleet = data[data["basis"] == "estimate (this dataset)"]
    latest = world[world["basis"] != "projection"].sort_values(["year", "twh_central"]).tail(1)
    projections = world[world["basis"] == "projection"]
    spec = _layered(
        [
            {
                "mark": {"type": "rule", "strokeWidth": 6, "opacity": 0.35},
                "encoding": {"y": {"field": "twh_low", "type": "quantitative"}, "y2": {"field": "twh_high"}},
            },
            {
                "mark": {"type": "point", "filled": True, "size": 70},
                "encoding": {
                    "y": {"field": "twh_central", "type": "quantitative", "title": "TWh per year"},
                    # Above the plot: two legends side by side under it are too wide for a phone.
                    "shape": {
                        "field": "basis",
                        "type": "nominal",
                        "title": "kind of figure",
                        "legend": {"orient": "top", "direction": "horizontal"},
                    },
                },
            },
        ],
        height=260,
        x=_year_axis(),
        color={"field": "series", "type": "nominal", "title": "series"},
    )
    takeaway = "World data centres' electricity, as estimated and projected"
    if len(latest):
        row = latest.iloc[0]
        takeaway = f"Data centres used about {_fmt(row.twh_central)} TWh in {row.year} ({row.series})"
    if len(projections):
        top = projections.loc[projections["twh_high"].idxmax()]
        takeaway += f"; projections reach {_range(top.twh_low, top.twh_high)} TWh by {top.year} ({top.series})"
    if len(fleet):
        peak = fleet.loc[fleet["twh_high"].idxmax()]
        takeaway += (
            f"; the largest AI-accelerator fleet series this dataset computes "
            f"({peak.series.split(': ', 1)[1]}) drew {_range(peak.twh_low, peak.twh_high)} TWh in {peak.year}"
        )
    return Drawn(
        data,
        spec,
        takeaway=takeaway + ".",
        description=(
            f"Dot plot with range bars of world data-centre electricity, TWh per year, "
            f"{int(data['year'].min())}-{int(data['year'].max())}: {len(world)} estimates and "
            f"projections from {world['series'].nunique()} series, with {len(fleet)} yearly "
            "values of this dataset's largest AI-accelerator fleet series for comparison."
        ),
    )


# --- E-waste -----------------------------------------------------------------------------------------


@chart(
    "ewaste_generated_recycled",
    "E-waste generated and documented as recycled, world",
    needs={"ewaste_statistics": "zone_id year metric category value unit series source_id source_vintage"},
    units="Mt (millions of tonnes) per year; projections as open circles",
)
def ewaste_generated_recycled(con) -> Drawn | None:
    data = con.execute("""
        select year, case metric when 'generated' then 'generated'
                                 when 'projected_generated' then 'generated (projection)'
                                 else 'collected and recycled' end as flow,
               metric like 'projected_%' as is_projection, value / 1000 as mass_mt, series,
               source_id, source_vintage
        from ewaste_statistics
        where zone_id = 'WLD' and metric in ('generated', 'projected_generated', 'collected_recycled')
          and unit = 'kt' and category = 'TOTAL'
        order by year, flow, series""").fetchdf()
    if data.empty:
        return None
    measured = data[~data["is_projection"]]
    generated = measured[measured["flow"] == "generated"].sort_values("year")
    recycled = measured[measured["flow"] == "collected and recycled"].sort_values("year")
    latest_generated = generated.iloc[-1] if len(generated) else None
    spec = _layered(
        [
            {
                "transform": [{"filter": "!datum.is_projection"}],
                "mark": {"type": "line", "point": {"filled": True, "size": 60}},
                "encoding": {"detail": {"field": "series"}},
            },
            {
                "transform": [{"filter": "datum.is_projection"}],
                "mark": {"type": "point", "filled": False, "size": 80, "strokeWidth": 2},
            },
        ],
        height=220,
        x={"field": "year", "type": "quantitative", "title": None, "axis": {"format": "d"}, "scale": {"zero": False}},
        y={"field": "mass_mt", "type": "quantitative", "title": "Mt per year"},
        color={
            "field": "flow",
            "type": "nominal",
            "title": None,
            "sort": ["generated", "generated (projection)", "collected and recycled"],
        },
    )
    takeaway = "World e-waste per year"
    if latest_generated is not None:
        takeaway = f"The world generated {latest_generated.mass_mt:,.1f} Mt of e-waste in {latest_generated.year}"
        same_year = recycled[recycled["year"] == latest_generated.year]
        if len(same_year):
            share = same_year["mass_mt"].iloc[0] / latest_generated.mass_mt
            takeaway += f"; only {_fmt(100 * share)} % of it was documented as collected and recycled"
    return Drawn(
        data,
        spec,
        takeaway=takeaway + ".",
        description=(
            f"Line chart of world e-waste generated and documented as collected and recycled, "
            f"Mt per year, {int(measured['year'].min())}-{int(measured['year'].max())}, with "
            f"{int(data['is_projection'].sum())} projected values as open circles."
        ),
    )


# Recycling rates of one definition only, never two ranked together: recycled / generated (UN SDG
# 12.5.1, Global E-waste Monitor) and recycled / collected (Eurostat) differ by the collection rate
# (see the view ewaste_recycling_rate_ranked). The chart ranks the definition that covers the most
# countries in this release (licences can leave one out).
_RATE_DEFINITION_WORDS = {
    "recycled_over_generated": "recycled over generated",
    "recycled_over_collected": "recycled over collected",
}


@chart(
    "ewaste_recycling_rate_by_country",
    "E-waste recycling rate by country, one definition at a time",
    needs={
        "ewaste_statistics": "zone_id year metric rate_definition source_id source_vintage",
        "ewaste_recycling_rate_ranked": (
            "year rate_definition recycling_rank countries_ranked zone_id zone_name recycling_rate_pct source_id"
        ),
    },
    units="percent, of the one rate definition named on the axis (recycled over generated, or recycled and "
    "prepared for reuse over collected); the two are never ranked together",
)
def ewaste_recycling_rate_by_country(con) -> Drawn | None:
    data = con.execute(f"""
        with counts as (
            select rate_definition, year, count(*) as countries from ewaste_recycling_rate_ranked
            where rate_definition in ('recycled_over_generated', 'recycled_over_collected') group by all),
        definition as (
            select rate_definition from counts group by rate_definition
            order by max(countries) desc, rate_definition = 'recycled_over_generated' desc limit 1),
        latest as (
            -- the latest year that ranks at least half as many countries as the best-covered year
            select c.rate_definition, max(c.year) as year from counts c join definition using (rate_definition)
            where c.countries >= (select max(countries) from counts join definition using (rate_definition)) / 2
            group by all),
        chosen as (
            select r.*, row_number() over (order by r.recycling_rate_pct, r.zone_id) as rank_from_bottom
            from ewaste_recycling_rate_ranked r join latest using (rate_definition, year))
        select c.zone_id, c.zone_name, c.year, c.rate_definition, c.recycling_rate_pct, c.recycling_rank,
               c.countries_ranked, c.source_id, max(s.source_vintage) as source_vintage,
               case when c.recycling_rank <= {RANKED_EACH_END} then 'highest' else 'lowest' end as ranking
        from chosen c
        join ewaste_statistics s on s.zone_id = c.zone_id and s.year = c.year and s.source_id = c.source_id
             and s.metric = 'recycling_rate' and s.rate_definition = c.rate_definition
        where c.recycling_rank <= {RANKED_EACH_END} or c.rank_from_bottom <= {RANKED_EACH_END}
        group by all
        order by c.recycling_rate_pct desc, c.zone_id""").fetchdf()
    if data.empty:
        return None
    year, countries = int(data["year"].iloc[0]), int(data["countries_ranked"].iloc[0])
    definition = data["rate_definition"].iloc[0]
    words = _RATE_DEFINITION_WORDS.get(definition, definition)
    top, bottom = data.iloc[0], data.iloc[-1]
    median = con.execute(
        "select median(recycling_rate_pct) from ewaste_recycling_rate_ranked where rate_definition = ? and year = ?",
        [definition, year],
    ).fetchone()[0]
    spec = _ranked_bars(
        {"type": "bar"},
        {"field": "recycling_rate_pct", "type": "quantitative", "title": f"% ({words})", "scale": {"domain": [0, 100]}},
        rankings=["highest", "lowest"],
    )
    return Drawn(
        data,
        spec,
        takeaway=(
            f"In {year} the median of {countries} countries recycled {_fmt(median)} % ({words}), from "
            f"{_fmt(top.recycling_rate_pct, 1)} % in {top.zone_name} to {_fmt(bottom.recycling_rate_pct, 1)} % "
            f"in {bottom.zone_name}; rates of the other definition are not comparable and are not ranked here."
        ),
        description=(
            f"Horizontal bar chart of e-waste recycling rates ({words}) in {year} for "
            f"{'all' if len(data) == countries else 'the highest and lowest of'} {countries} countries, from "
            f"{top.zone_name} at {_fmt(top.recycling_rate_pct, 1)} % to {bottom.zone_name} at "
            f"{_fmt(bottom.recycling_rate_pct, 1)} %."
        ),
    )


@chart(
    "fleet_retired_mass",
    "Mass of AI accelerators retired",
    needs={
        "accelerator_fleet_footprint": (
            "vendor product_family year retired_mass_t_low retired_mass_t_high includes_forecast "
            "source_id source_vintage"
        )
    },
    units="tonnes per year (accelerator modules with heatsinks), low to high estimate" + _FLEET_RANGES,
)
def fleet_retired_mass(con) -> Drawn | None:
    data = con.execute(f"""
        select {_FLEET_SERIES} as series, year, retired_mass_t_low as mass_t_low,
               coalesce(retired_mass_t_high, retired_mass_t_low) as mass_t_high,
               retired_mass_t_high is null as is_lower_bound, includes_forecast, source_id, source_vintage
        from accelerator_fleet_footprint
        where retired_mass_t_low > 0
        order by series, year""").fetchdf()
    if data.empty:
        return None
    biggest = data.loc[data["mass_t_high"].idxmax()]
    spec = _layered(
        [
            {
                "mark": {"type": "bar", "opacity": 0.85},
                "encoding": {"y": {"field": "mass_t_low", "type": "quantitative", "title": "tonnes retired"}},
            },
            {
                "mark": {"type": "tick", "thickness": 2, "color": "black"},
                "encoding": {"y": {"field": "mass_t_high", "type": "quantitative"}},
            },
        ],
        height=200,
        **_series_side_by_side_per_year(legend="shipment series"),
    )
    return Drawn(
        data,
        spec,
        takeaway=(
            f"Each cohort becomes e-waste when it retires: up to "
            f"{_range(biggest.mass_t_low, biggest.mass_t_high)} t in {biggest.year} "
            f"({biggest.series})."
        ),
        description=(
            f"Bar chart of the mass of accelerators retired per year, tonnes, for "
            f"{data['series'].nunique()} shipment series, low estimate as bars and high as "
            f"black ticks; the largest is {biggest.mass_t_low:,.0f} t in {biggest.year}."
        ),
    )


# --- Training runs -------------------------------------------------------------------------------------


@chart(
    "training_energy",
    "Training runs: energy, reported and recomputed",
    needs={
        "training_footprint_estimates": (
            "model year estimated_energy_mwh_central reported_energy_mwh source_id source_vintage"
        )
    },
    units="MWh per training run, log scale; recomputed runs at their central estimate (the table has the "
    "low-high range)",
)
def training_energy(con) -> Drawn | None:
    data = con.execute("""
        select model, year, 'recomputed by this dataset' as figure, estimated_energy_mwh_central as energy_mwh,
               source_id, source_vintage
        from training_footprint_estimates where estimated_energy_mwh_central > 0
        union all
        select model, year, 'reported by the authors', reported_energy_mwh, source_id, source_vintage
        from training_footprint_estimates where reported_energy_mwh > 0
        order by year, model, figure""").fetchdf()
    if data.empty:
        return None
    both = con.execute("""
        select median(estimated_energy_mwh_central / reported_energy_mwh), count(*)
        from training_footprint_estimates
        where estimated_energy_mwh_central > 0 and reported_energy_mwh > 0""").fetchone()
    largest = data.loc[data["energy_mwh"].idxmax()]
    # One mark: colour and shape then share one legend (a range layer would split it in two).
    spec = _single(
        {"type": "point", "size": 70, "strokeWidth": 2},
        height=260,
        x=_year_axis(),
        y={"field": "energy_mwh", "type": "quantitative", "title": "MWh (log scale)", "scale": {"type": "log"}},
        color={"field": "figure", "type": "nominal", "title": None},
        shape={"field": "figure", "type": "nominal", "title": None},
    )
    orders = math.log10(data["energy_mwh"].max() / data["energy_mwh"].min())
    takeaway = (
        f"Training energy spans {orders:.0f} orders of magnitude, up to {largest.energy_mwh:,.0f} MWh ({largest.model})"
    )
    if both[1]:
        takeaway += (
            f"; where authors report energy, this dataset's defaults give a median "
            f"{both[0]:.2f} times their figure ({both[1]} runs): the defaults assume full TDP and an "
            "industry-average PUE"
        )
    return Drawn(
        data,
        spec,
        takeaway=takeaway + ".",
        description=(
            f"Scatter plot, log scale, of training energy in MWh against year for "
            f"{data['model'].nunique()} training runs, {int((data['figure'] == 'reported by the authors').sum())} "
            f"reported by their authors and {int((data['figure'] != 'reported by the authors').sum())} "
            f"recomputed with this dataset's defaults; the largest is {largest.model} at "
            f"{largest.energy_mwh:,.0f} MWh."
        ),
    )


# Text tasks whose energy is per request: one request = one prompt answered.
INFERENCE_TEXT_TASKS = (
    "chat",
    "reasoning",
    "code_completion",
    "text_generation",
    "summarization",
    "question_answering",
)


@chart(
    "inference_energy_by_size",
    "Inference energy per request by model size",
    needs={
        "inference_energy_measurements": (
            "measurement_id model total_params_billions task request_unit energy_wh_per_request "
            "measurement_scope source_id source_vintage"
        )
    },
    units="Wh per request (a prompt answered), log scales; GPU-only measurements are lower bounds of what a "
    "served request costs",
)
def inference_energy_by_size(con) -> Drawn | None:
    tasks = ", ".join(f"'{t}'" for t in INFERENCE_TEXT_TASKS)
    data = con.execute(f"""
        select measurement_id, model, total_params_billions, task, measurement_scope, energy_wh_per_request,
               source_id, source_vintage
        from inference_energy_measurements
        where task in ({tasks}) and request_unit in ('request', 'prompt', 'query')
          and total_params_billions > 0 and energy_wh_per_request > 0
        order by total_params_billions, model, measurement_id""").fetchdf()
    if data.empty:
        return None
    small = data[data["total_params_billions"] <= data["total_params_billions"].quantile(0.25)]
    large = data[data["total_params_billions"] >= data["total_params_billions"].quantile(0.75)]
    spec = _single(
        {"type": "point", "filled": True, "size": 40, "opacity": 0.7},
        height=280,
        x={
            "field": "total_params_billions",
            "type": "quantitative",
            "title": "total parameters, billions (log)",
            "scale": {"type": "log"},
        },
        y={
            "field": "energy_wh_per_request",
            "type": "quantitative",
            "title": "Wh per request (log)",
            "scale": {"type": "log"},
        },
        color={"field": "task", "type": "nominal", "title": "task"},
        shape={
            "field": "measurement_scope",
            "type": "nominal",
            "title": "what is measured",
            "legend": {"orient": "top", "direction": "horizontal"},
        },
    )
    return Drawn(
        data,
        spec,
        takeaway=(
            f"The median request to the smallest quarter of models (up to "
            f"{data['total_params_billions'].quantile(0.25):,.3g} billion parameters) used "
            f"{small['energy_wh_per_request'].median():,.2g} Wh, to the largest quarter (from "
            f"{data['total_params_billions'].quantile(0.75):,.3g} billion) "
            f"{large['energy_wh_per_request'].median():,.2g} Wh; batch, hardware and answer length move each "
            "model's figure as much."
        ),
        description=(
            f"Scatter plot, log scales, of {len(data)} inference energy measurements of "
            f"{data['model'].nunique()} models: Wh per request against total parameters in billions, "
            f"coloured by task, shaped by what the measurement covers."
        ),
    )


# --- Data centres ------------------------------------------------------------------------------------


@chart(
    "datacenter_pue",
    "Data-centre power usage effectiveness (PUE)",
    needs={"datacenter_pue": "scope entity year pue source_id source_vintage"},
    units="facility energy / IT energy (1.0 = no overhead)",
)
def datacenter_pue(con) -> Drawn | None:
    data = con.execute("""
        select year, scope, entity, pue, source_id, source_vintage
        from datacenter_pue order by year, scope, entity, source_id""").fetchdf()
    if data.empty:
        return None
    industry = data[data["scope"] == "industry"]
    provider = data[data["scope"] == "provider"]
    spec = _single(
        {"type": "point", "filled": True, "size": 60, "opacity": 0.85},
        height=200,
        x=_year_axis(),
        y={"field": "pue", "type": "quantitative", "title": "PUE", "scale": {"zero": False}},
        color={"field": "scope", "type": "nominal", "title": None},
        shape={"field": "scope", "type": "nominal", "title": None},
    )
    takeaway = "Hyperscale providers report PUEs near 1.1"
    if len(industry) and len(provider):
        takeaway = (
            f"Providers report PUEs of {provider['pue'].min():.2f}-{provider['pue'].max():.2f}, industry "
            f"averages {industry['pue'].min():.2f}-{industry['pue'].max():.2f}: the same IT load can "
            f"draw up to {_fmt(100 * (industry['pue'].max() / provider['pue'].min() - 1))} % more from the grid"
        )
    return Drawn(
        data,
        spec,
        takeaway=takeaway + ".",
        description=(
            f"Scatter plot of {len(data)} data-centre PUE values against year, "
            f"{int(data['year'].min())}-{int(data['year'].max())}, coloured by scope "
            "(industry average or single provider)."
        ),
    )
