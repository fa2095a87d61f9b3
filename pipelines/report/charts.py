"""The explorer page's charts: one small function per chart, registered in `CHARTS`.

A chart declares the release tables and columns it reads (`needs`); the page leaves it out,
with a line saying which table or column is missing, when the release lacks any of them. The
function gets a read-only DuckDB connection to the release and returns a `Drawn`: the exact
rows it plots (they are embedded in the page next to the chart, and tests recompute them with
their own SQL), a Vega-Lite spec without data or width, a one-line takeaway and the alt text.

Adding a chart (e.g. once a new table is published):

    @chart("inference_energy", "Inference energy per request by model size",
           needs={"inference_energy_measurements": ("model", "energy_wh_per_request", "source_id",
                                                    "source_vintage")},
           units="Wh per request")
    def inference_energy(con) -> Drawn:
        rows = con.execute("select ... from inference_energy_measurements").fetchdf()
        return Drawn(rows, {"mark": "point", "encoding": {...}}, takeaway=..., description=...)

Every plotted row must carry `source_id` and `source_vintage` (the caption lists them). Return
None when the tables hold no rows to plot. Summarise dense series (a year of hourly values per
zone -> daily min/mean/max) so the page stays small. Order in this module is the order on the
page. Each chart needs its numbers recomputed independently in tests/report_expectations.py
(the tests fail for a chart without one).

Charts still to add once their tables are published (issue #17): a day and a year of hourly
intensity (grid_intensity_hourly), NVIDIA data-centre revenue by quarter and unit sales with
ranges, data-centre electricity series and projections beside the fleet, e-waste by country,
inference energy per request by model size (inference_energy_measurements).
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


def chart(chart_id: str, title: str, *, needs: dict[str, tuple[str, ...]], units: str):
    """Register a chart function (see the module docstring)."""
    def wrap(function: Callable) -> Callable:
        if any(c.id == chart_id for c in CHARTS):
            raise ValueError(f"chart id {chart_id!r} registered twice")
        CHARTS.append(Chart(chart_id, title, needs, units, function))
        return function

    return wrap


def _fmt(value: float, digits: int = 0) -> str:
    return f"{value:,.{digits}f}"


def _range(low: float, high: float) -> str:
    """`low-high` with three significant figures, or one number when they agree."""
    low_text, high_text = f"{low:,.3g}", f"{high:,.3g}"
    return low_text if low_text == high_text else f"{low_text}-{high_text}"


# --- Grid carbon intensity -----------------------------------------------------------------------

@chart("grid_intensity_by_country", "Grid carbon intensity by country, latest year",
       needs={"grid_carbon_intensity": ("zone_id", "zone_name", "zone_type", "year", "gco2e_per_kwh", "basis",
                                        "source_id", "source_vintage"),
              "grid_carbon_intensity_preferred": ("zone_id", "zone_name", "zone_type", "year", "gco2e_per_kwh",
                                                  "basis", "source_id", "source_vintage", "is_carried_forward")},
       units="gCO2e per kWh of electricity")
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
    spec = {
        "mark": {"type": "bar", "tooltip": False},
        "encoding": {
            "y": {"field": "zone_name", "type": "nominal", "sort": "-x", "title": None,
                  "axis": {"labelLimit": 120}},
            "x": {"field": "gco2e_per_kwh", "type": "quantitative", "title": "gCO2e/kWh"},
            "color": {"field": "ranking", "type": "nominal", "title": None, "legend": {"orient": "top"},
                      "sort": ["most carbon-intensive", "least carbon-intensive"]},
        },
        "height": {"step": 12},
    }
    return Drawn(
        data, spec,
        takeaway=(f"In {year} electricity in {top.zone_name} carried about {_fmt(top.gco2e_per_kwh)} gCO2e/kWh, "
                  f"{_fmt(top.gco2e_per_kwh / bottom.gco2e_per_kwh)} times that of {bottom.zone_name} "
                  f"({_fmt(bottom.gco2e_per_kwh, 1)}): the same computation emits that many times more on one grid "
                  "than on the other."),
        description=(f"Horizontal bar chart of grid carbon intensity in {year} for the {RANKED_EACH_END} most and "
                     f"the {RANKED_EACH_END} least carbon-intensive of {countries} countries with a value for that "
                     f"year, from {top.zone_name} at {_fmt(top.gco2e_per_kwh)} down to {bottom.zone_name} at "
                     f"{_fmt(bottom.gco2e_per_kwh, 1)} gCO2e/kWh."))


@chart("grid_intensity_source_spread", "How much the sources disagree, for ten large grids",
       needs={"grid_carbon_intensity": ("zone_id", "zone_name", "year", "gco2e_per_kwh", "basis", "source_id",
                                        "source_vintage")},
       units="gCO2e per kWh of electricity")
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
    spec = {
        "mark": {"type": "point", "filled": True, "size": 70, "opacity": 0.9},
        "encoding": {
            "y": {"field": "zone_name", "type": "nominal", "title": None, "sort": {"field": "gco2e_per_kwh",
                                                                                  "op": "mean", "order": "descending"}},
            "x": {"field": "gco2e_per_kwh", "type": "quantitative", "title": "gCO2e/kWh"},
            "color": {"field": "source_id", "type": "nominal", "title": "source"},
            "shape": {"field": "basis", "type": "nominal", "title": "basis"},
            "yOffset": {"field": "source_id", "type": "nominal"},
        },
        "height": 34 * data["zone_id"].nunique(),
    }
    return Drawn(
        data, spec,
        takeaway=(f"For {year} the sources differ by up to {_fmt(100 * relative.max())} % for {widest} "
                  f"({_fmt(spread.loc[widest, 'min'])}-{_fmt(spread.loc[widest, 'max'])} gCO2e/kWh): "
                  "basis (direct or lifecycle) and method matter, so every source is kept side by side."),
        description=(f"Dot plot of {len(data)} grid carbon intensity values for {year}, one dot per source and "
                     f"basis, for {data['zone_name'].nunique()} countries; the widest spread is {widest}, "
                     f"from {_fmt(spread.loc[widest, 'min'])} to {_fmt(spread.loc[widest, 'max'])} gCO2e/kWh."))


# --- The accelerator fleet -------------------------------------------------------------------------

_FLEET_SERIES = "vendor || ': ' || product_family"
_FLEET_RANGES = ("; a bar spans the low to high estimate (none where a publisher gave only a lower bound). "
                 "Series overlap: an 'all' series contains the vendor series, so they do not add up")


def _fleet_chart(con, low: str, high: str, quantity: str, unit: str, scale: float = 1.0) -> Drawn | None:
    # Years after a series' last recorded shipments have an installed base of zero: the macro
    # retires the last cohort, nothing new is recorded. They say nothing about the fleet, so
    # only years with accelerators in service are drawn.
    data = con.execute(f"""
        select {_FLEET_SERIES} as series, year, {low} / {scale} as value_low,
               coalesce({high}, {low}) / {scale} as value_high, {high} is null as is_lower_bound,
               includes_forecast, source_id, source_vintage
        from accelerator_fleet_footprint
        where installed_base_low > 0 and {low} is not null
        order by series, year""").fetchdf()
    if data.empty:
        return None
    peak = data.loc[data["value_high"].idxmax()]
    spec = {
        "layer": [
            {"mark": {"type": "line", "point": {"filled": True, "size": 50}, "strokeWidth": 2},
             "encoding": {"y": {"field": "value_low", "type": "quantitative", "title": f"{quantity}, {unit}"}}},
            {"mark": {"type": "rule", "strokeWidth": 7, "opacity": 0.35, "strokeDash": [1, 0]},
             "encoding": {"y": {"field": "value_low", "type": "quantitative"}, "y2": {"field": "value_high"}}},
        ],
        "encoding": {
            "x": {"field": "year", "type": "quantitative", "title": None,
                  "axis": {"format": "d", "tickMinStep": 1}, "scale": {"zero": False, "padding": 10}},
            # Colour and dash both tell the series apart, for readers who see colours alike.
            "color": {"field": "series", "type": "nominal", "title": "shipment series"},
            "strokeDash": {"field": "series", "type": "nominal", "title": "shipment series"},
        },
        "height": 220,
    }
    return Drawn(data, spec,
                 takeaway="",
                 description=(f"Line chart of the accelerator fleet's {quantity} per year, {unit}, for "
                              f"{data['series'].nunique()} shipment series, each low estimate joined by a line "
                              f"with a bar up to the high estimate; the largest is {peak.series} in {peak.year} "
                              f"at {_range(peak.value_low, peak.value_high)} {unit}."))


_FLEET_PROVENANCE = ("vendor", "product_family", "year", "installed_base_low", "includes_forecast", "source_id",
                     "source_vintage")


@chart("fleet_installed_base", "AI accelerators in service",
       needs={"accelerator_fleet_footprint": (*_FLEET_PROVENANCE, "installed_base_high")},
       units="millions of accelerators, low to high estimate" + _FLEET_RANGES)
def fleet_installed_base(con) -> Drawn | None:
    drawn = _fleet_chart(con, "installed_base_low", "installed_base_high", "installed base", "million units",
                         scale=1e6)
    if drawn is not None:
        biggest = drawn.data.loc[drawn.data["value_low"].idxmax()]
        drawn.takeaway = (f"Recorded shipments put {_range(biggest.value_low, biggest.value_high)} million "
                          f"accelerators in service in "
                          f"{biggest.year} ({biggest.series}); each retires after the fleet's assumed lifetime.")
    return drawn


@chart("fleet_electricity", "Electricity used by AI accelerators",
       needs={"accelerator_fleet_footprint": (*_FLEET_PROVENANCE, "energy_twh_low", "energy_twh_high")},
       units="TWh per year incl. data-centre overhead (PUE), low to high estimate" + _FLEET_RANGES)
def fleet_electricity(con) -> Drawn | None:
    drawn = _fleet_chart(con, "energy_twh_low", "energy_twh_high", "electricity", "TWh")
    if drawn is not None:
        peak = drawn.data.loc[drawn.data["value_low"].idxmax()]
        drawn.takeaway = (f"At rated power, average utilisation and PUE the installed accelerators draw about "
                          f"{_range(peak.value_low, peak.value_high)} TWh in {peak.year} ({peak.series}), every "
                          "hour of the year.")
    return drawn


@chart("fleet_emissions", "Emissions of the electricity AI accelerators use",
       needs={"accelerator_fleet_footprint": (*_FLEET_PROVENANCE, "emissions_mt_co2e_low",
                                              "emissions_mt_co2e_high")},
       units="Mt CO2e per year at the world-average grid intensity, low to high estimate" + _FLEET_RANGES)
def fleet_emissions(con) -> Drawn | None:
    drawn = _fleet_chart(con, "emissions_mt_co2e_low", "emissions_mt_co2e_high", "emissions", "Mt CO2e")
    if drawn is not None:
        peak = drawn.data.loc[drawn.data["value_low"].idxmax()]
        drawn.takeaway = (f"At the world-average grid intensity that is about "
                          f"{_range(peak.value_low, peak.value_high)} Mt CO2e in "
                          f"{peak.year} ({peak.series}); a cleaner grid or lower utilisation lowers it in "
                          "proportion.")
    return drawn


# --- E-waste -----------------------------------------------------------------------------------------

@chart("ewaste_generated_recycled", "E-waste generated and documented as recycled, world",
       needs={"ewaste_statistics": ("zone_id", "year", "metric", "value", "unit", "series", "source_id",
                                    "source_vintage")},
       units="Mt (millions of tonnes) per year; projections as open circles")
def ewaste_generated_recycled(con) -> Drawn | None:
    data = con.execute("""
        select year, case metric when 'generated' then 'generated'
                                 when 'projected_generated' then 'generated (projection)'
                                 else 'collected and recycled' end as flow,
               metric like 'projected_%' as is_projection, value / 1000 as mass_mt, series,
               source_id, source_vintage
        from ewaste_statistics
        where zone_id = 'WLD' and metric in ('generated', 'projected_generated', 'collected_recycled')
          and unit = 'kt'
        order by year, flow, series""").fetchdf()
    if data.empty:
        return None
    measured = data[~data["is_projection"]]
    generated = measured[measured["flow"] == "generated"].sort_values("year")
    recycled = measured[measured["flow"] == "collected and recycled"].sort_values("year")
    latest_generated = generated.iloc[-1] if len(generated) else None
    spec = {
        "layer": [
            {"transform": [{"filter": "!datum.is_projection"}],
             "mark": {"type": "line", "point": {"filled": True, "size": 60}},
             "encoding": {"detail": {"field": "series"}}},
            {"transform": [{"filter": "datum.is_projection"}],
             "mark": {"type": "point", "filled": False, "size": 80, "strokeWidth": 2}},
        ],
        "encoding": {
            "x": {"field": "year", "type": "quantitative", "title": None, "axis": {"format": "d"},
                  "scale": {"zero": False}},
            "y": {"field": "mass_mt", "type": "quantitative", "title": "Mt per year"},
            "color": {"field": "flow", "type": "nominal", "title": None,
                      "sort": ["generated", "generated (projection)", "collected and recycled"]},
        },
        "height": 220,
    }
    takeaway = "World e-waste per year"
    if latest_generated is not None:
        takeaway = f"The world generated {latest_generated.mass_mt:,.1f} Mt of e-waste in {latest_generated.year}"
        same_year = recycled[recycled["year"] == latest_generated.year]
        if len(same_year):
            share = same_year["mass_mt"].iloc[0] / latest_generated.mass_mt
            takeaway += f"; only {_fmt(100 * share)} % of it was documented as collected and recycled"
    return Drawn(data, spec, takeaway=takeaway + ".",
                 description=(f"Line chart of world e-waste generated and documented as collected and recycled, "
                              f"Mt per year, {int(measured['year'].min())}-{int(measured['year'].max())}, with "
                              f"{int(data['is_projection'].sum())} projected values as open circles."))


@chart("fleet_retired_mass", "Mass of AI accelerators retired",
       needs={"accelerator_fleet_footprint": ("vendor", "product_family", "year", "retired_mass_t_low",
                                              "retired_mass_t_high", "includes_forecast", "source_id",
                                              "source_vintage")},
       units="tonnes per year (accelerator modules with heatsinks), low to high estimate" + _FLEET_RANGES)
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
    spec = {
        "layer": [
            {"mark": {"type": "bar", "opacity": 0.85},
             "encoding": {"y": {"field": "mass_t_low", "type": "quantitative", "title": "tonnes retired"}}},
            {"mark": {"type": "tick", "thickness": 2, "color": "black"},
             "encoding": {"y": {"field": "mass_t_high", "type": "quantitative"}}},
        ],
        "encoding": {
            "x": {"field": "year", "type": "ordinal", "title": None, "axis": {"labelAngle": 0}},
            "xOffset": {"field": "series", "type": "nominal"},
            "color": {"field": "series", "type": "nominal", "title": "shipment series"},
        },
        "height": 200,
    }
    return Drawn(data, spec,
                 takeaway=(f"Each cohort becomes e-waste when it retires: up to "
                           f"{_range(biggest.mass_t_low, biggest.mass_t_high)} t in {biggest.year} "
                           f"({biggest.series})."),
                 description=(f"Bar chart of the mass of accelerators retired per year, tonnes, for "
                              f"{data['series'].nunique()} shipment series, low estimate as bars and high as "
                              f"black ticks; the largest is {biggest.mass_t_low:,.0f} t in {biggest.year}."))


# --- Training runs -------------------------------------------------------------------------------------

@chart("training_energy", "Training runs: energy, reported and recomputed",
       needs={"training_footprint_estimates": ("model", "year", "estimated_energy_mwh", "reported_energy_mwh",
                                               "source_id", "source_vintage")},
       units="MWh per training run, log scale")
def training_energy(con) -> Drawn | None:
    data = con.execute("""
        select model, year, 'recomputed by this dataset' as figure, estimated_energy_mwh as energy_mwh,
               source_id, source_vintage
        from training_footprint_estimates where estimated_energy_mwh > 0
        union all
        select model, year, 'reported by the authors', reported_energy_mwh, source_id, source_vintage
        from training_footprint_estimates where reported_energy_mwh > 0
        order by year, model, figure""").fetchdf()
    if data.empty:
        return None
    both = con.execute("""
        select median(estimated_energy_mwh / reported_energy_mwh), count(*)
        from training_footprint_estimates where estimated_energy_mwh > 0 and reported_energy_mwh > 0""").fetchone()
    largest = data.loc[data["energy_mwh"].idxmax()]
    spec = {
        "mark": {"type": "point", "size": 70, "strokeWidth": 2},
        "encoding": {
            "x": {"field": "year", "type": "quantitative", "title": None, "axis": {"format": "d", "tickMinStep": 1},
                  "scale": {"zero": False, "padding": 12}},
            "y": {"field": "energy_mwh", "type": "quantitative", "title": "MWh (log scale)",
                  "scale": {"type": "log"}},
            "color": {"field": "figure", "type": "nominal", "title": None},
            "shape": {"field": "figure", "type": "nominal", "title": None},
        },
        "height": 260,
    }
    orders = math.log10(data["energy_mwh"].max() / data["energy_mwh"].min())
    takeaway = (f"Training energy spans {orders:.0f} orders of magnitude, up to {largest.energy_mwh:,.0f} MWh "
                f"({largest.model})")
    if both[1]:
        takeaway += (f"; where authors report energy, this dataset's defaults give a median "
                     f"{both[0]:.2f} times their figure ({both[1]} runs): the defaults assume full TDP and an "
                     "industry-average PUE")
    return Drawn(data, spec, takeaway=takeaway + ".",
                 description=(f"Scatter plot, log scale, of training energy in MWh against year for "
                              f"{data['model'].nunique()} training runs, {int((data['figure'] == 'reported by the authors').sum())} "
                              f"reported by their authors and {int((data['figure'] != 'reported by the authors').sum())} "
                              f"recomputed with this dataset's defaults; the largest is {largest.model} at "
                              f"{largest.energy_mwh:,.0f} MWh."))


# --- Data centres ------------------------------------------------------------------------------------

@chart("datacenter_pue", "Data-centre power usage effectiveness (PUE)",
       needs={"datacenter_pue": ("scope", "entity", "year", "pue", "source_id", "source_vintage")},
       units="facility energy / IT energy (1.0 = no overhead)")
def datacenter_pue(con) -> Drawn | None:
    data = con.execute("""
        select year, scope, entity, pue, source_id, source_vintage
        from datacenter_pue order by year, scope, entity, source_id""").fetchdf()
    if data.empty:
        return None
    industry = data[data["scope"] == "industry"]
    provider = data[data["scope"] == "provider"]
    spec = {
        "mark": {"type": "point", "filled": True, "size": 60, "opacity": 0.85},
        "encoding": {
            "x": {"field": "year", "type": "quantitative", "title": None, "axis": {"format": "d", "tickMinStep": 1},
                  "scale": {"zero": False, "padding": 12}},
            "y": {"field": "pue", "type": "quantitative", "title": "PUE", "scale": {"zero": False}},
            "color": {"field": "scope", "type": "nominal", "title": None},
            "shape": {"field": "scope", "type": "nominal", "title": None},
        },
        "height": 200,
    }
    takeaway = "Hyperscale providers report PUEs near 1.1"
    if len(industry) and len(provider):
        takeaway = (f"Providers report PUEs of {provider['pue'].min():.2f}-{provider['pue'].max():.2f}, industry "
                    f"averages {industry['pue'].min():.2f}-{industry['pue'].max():.2f}: the same IT load can "
                    f"draw up to {_fmt(100 * (industry['pue'].max() / provider['pue'].min() - 1))} % more from the grid")
    return Drawn(data, spec, takeaway=takeaway + ".",
                 description=(f"Scatter plot of {len(data)} data-centre PUE values against year, "
                              f"{int(data['year'].min())}-{int(data['year'].max())}, coloured by scope "
                              "(industry average or single provider)."))
