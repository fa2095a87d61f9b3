"""Data-centre electricity: measured series, estimates and cited projections side by side."""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa

from schemas import fields
from schemas.fields import column
from schemas.provenance import Cited
from schemas.registry import register

_RANGES = ("electricity_twh", "share_of_demand_pct")


@register(
    "datacenter_electricity",
    primary_key=("zone_id", "year", "quarter", "basis", "scenario", "series", "source_id"),
    description="""
Electricity used by data centres and its share of electricity demand, by zone and year (or
quarter), with what kind of figure each row is: `metered` (Ireland's CSO MEC02, the only
metered national series), `estimate` (modelled values for past years: IEA, LBNL, OWID's IEA-based
shares) or `projection` (a scenario for a future year). Projections and estimates are
curated with the publisher, report, page or section and scenario on every row; where the
publisher gives a range it is `_low`/`_high`, with `_central` for its base case where it names
one. No world figure is metered. Views: `datacenter_electricity_yearly` (quarters summed to
complete years), `datacenter_electricity_projections_vs_latest`; where `electricity_demand_yearly`
is published, `datacenter_electricity_vs_country_demand` compares projections with countries'
whole electricity demand (the article's "about Japan's use").
""",
)
class DatacenterElectricity(Cited):
    zone_id = column(
        str,
        description="ISO 3166-1 alpha-3 for countries; WLD for the world; AGG-<NAME> "
        "for regions (IEA regions keep their names, e.g. AGG-EUROPE-IEA).",
    )
    zone_name = fields.ZONE_NAME
    zone_type = fields.zone_type("country", "aggregate")
    year = fields.YEAR.but(ge=2000, description="Year the figure describes (target year of a projection).")
    quarter = column(
        pd.Int64Dtype, nullable=True, ge=1, le=4, description="Quarter (1-4) for quarterly series; empty for a year."
    )
    basis = column(
        str,
        isin=["metered", "estimate", "projection"],
        description="metered (measured consumption) | estimate (modelled, past year) | "
        "projection (scenario for a future year, as of its publication).",
    )
    scenario = column(
        str,
        nullable=True,
        description="The publisher's scenario or case name (e.g. "
        "'Base Case'); empty for measured and single-"
        "value estimates.",
    )
    scope = column(
        str,
        description="What is counted: 'data centres', or 'data centres, AI and "
        "cryptocurrencies' (IEA Electricity 2024).",
    )
    electricity_twh = fields.range_of(
        float,
        nullable=True,
        ge=0,
        low="Electricity, TWh: low end.",
        central="Electricity, TWh: the value, or the base case of a range (empty where the publisher names none).",
        high="Electricity, TWh: high end.",
    )
    share_of_demand_pct = fields.range_of(
        float,
        nullable=True,
        ge=0,
        le=100,
        low="Share of the zone's electricity demand, percent: low end.",
        central="Share of the zone's electricity demand, percent: the value or base case.",
        high="Share of the zone's electricity demand, percent: high end.",
    )
    series = column(
        str, description="The series or report the row belongs to (e.g. 'CSO MEC02', 'IEA Electricity 2024')."
    )
    source_file = fields.SOURCE_FILE
    citation = fields.citation(locator=True, via_url=True)

    @pa.dataframe_check(error="a row with neither electricity nor share of demand")
    def has_a_figure(cls, frame: pd.DataFrame) -> pd.Series:
        columns = [f"{q}_{end}" for q in _RANGES for end in ("low", "central", "high")]
        return frame[columns].notna().any(axis=1)

    @pa.dataframe_check(error="low <= central <= high does not hold")
    def ranges_ordered(cls, frame: pd.DataFrame) -> pd.Series:
        ok = pd.Series(True, index=frame.index)
        for quantity in _RANGES:
            low, central, high = (frame[f"{quantity}_{end}"] for end in ("low", "central", "high"))
            ok &= ~(low > central) & ~(central > high) & ~(low > high)
        return ok
