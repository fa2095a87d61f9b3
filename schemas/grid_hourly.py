"""Grid intensity below the year: hourly series, monthly series, and yearly electricity demand.

Why `grid_intensity_halfhourly` stays its own table: its rows are a grid operator's forecasts
with an index band (and, nationally, an estimated actual) over one day, while these rows are
after-the-fact, flow-traced or generation-based measurements over whole years. Folding forecasts
into a table of measurements would let a mean over "GB hours" mix the two without saying so.
"""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa

from schemas import fields
from schemas.fields import column
from schemas.provenance import Provenance
from schemas.registry import register

ACCOUNTING = ("consumption", "generation")


@register(
    "grid_intensity_hourly",
    primary_key=("zone_id", "hour_start_utc", "source_id"),
    description="""
Carbon intensity of electricity hour by hour, grams of CO2-equivalent per kWh, one row per zone,
hour (start, UTC) and source. Direct (combustion only) and lifecycle intensities are separate
columns, never mixed; a source that publishes only one leaves the other empty. Electricity Maps'
data-portal series (12 zones, one year each) and Open Grid Emissions' consumed emission rates for
three US balancing authorities (lb/MWh x 0.453592 = g/kWh) are both consumption-based (imports
flow-traced). Zone ids follow grid_carbon_intensity; zones that are not the whole country keep
their Electricity Maps key as a subregion id (GB is Great Britain without Northern Ireland,
IN-WE is Western India, JP-TK is Tokyo) and name their country in `country_zone_id`.
""",
)
class GridIntensityHourly(Provenance):
    zone_id = fields.ZONE_ID.but(
        description="ISO 3166-1 alpha-3 where the zone is the whole country (DEU, FRA, POL, SGP); "
        "`<alpha-3>-<ISO 3166-2>` for states (AUS-NSW); otherwise the Electricity Maps zone key "
        "(GB, IN-WE, JP-TK, US-CAL-CISO, US-MIDA-PJM, US-TEX-ERCO, US-NY-NYIS). Open Grid Emissions' "
        "balancing authorities take the Electricity Maps key of the same area (CISO -> US-CAL-CISO)."
    )
    zone_name = fields.ZONE_NAME
    zone_type = fields.zone_type("country", "subregion")
    country_zone_id = column(
        str,
        str_matches=r"^[A-Z]{3}$",
        description="ISO 3166-1 alpha-3 of the country the zone lies in (GBR for GB, IND for IN-WE), to join "
        "annual country figures; a subregion's series is not the country's.",
    )
    hour_start_utc = column(
        pd.DatetimeTZDtype, dtype_kwargs={"unit": "us", "tz": "UTC"}, description="Start of the hour, UTC."
    )
    year = fields.YEAR.but(
        description="The source's data year the hour belongs to. Open Grid Emissions publishes local-time "
        "years, so its 2021 starts at local midnight (08:00 UTC on 1 January for CISO) and its "
        "last hours fall on 1 January 2022 UTC; Electricity Maps' years are UTC years."
    )
    direct_gco2e_per_kwh = column(
        float,
        nullable=True,
        ge=0,
        lt=2000,
        description="Direct (operational, combustion-only) intensity, grams of CO2-equivalent per kWh "
        "consumed; empty where the source gives none.",
    )
    lifecycle_gco2e_per_kwh = column(
        float,
        nullable=True,
        ge=0,
        lt=2500,
        description="Lifecycle intensity (direct plus upstream, construction and fuel supply), grams of "
        "CO2-equivalent per kWh consumed; empty where the source gives none.",
    )
    low_carbon_pct = column(
        float,
        nullable=True,
        ge=0,
        le=100,
        description="Share of consumed electricity from low-carbon sources (renewables and nuclear), percent.",
    )
    renewable_pct = column(
        float, nullable=True, ge=0, le=100, description="Share of consumed electricity from renewables, percent."
    )
    accounting = column(
        str,
        isin=list(ACCOUNTING),
        description="consumption = flow-traced emissions of the electricity consumed in the zone, imports "
        "included; generation = emissions of the generation in the zone.",
    )
    is_estimated = column(
        bool,
        description="True where the source says the hour is estimated or modelled rather than measured "
        "(Electricity Maps' 'Data Estimated'); False where it does not flag hours.",
    )
    estimation_method = column(
        str,
        nullable=True,
        description="How an estimated hour was filled, as the source names it "
        "(ESTIMATED_MODE_BREAKDOWN ...); empty for measured hours.",
    )
    source_file = fields.SOURCE_FILE

    @pa.dataframe_check(description="Every row has a direct or a lifecycle intensity.")
    def has_an_intensity(cls, frame: pd.DataFrame) -> pd.Series:
        return frame["direct_gco2e_per_kwh"].notna() | frame["lifecycle_gco2e_per_kwh"].notna()

    @pa.dataframe_check(description="Hours start on the hour.")
    def starts_on_the_hour(cls, frame: pd.DataFrame) -> pd.Series:
        return frame["hour_start_utc"].dt.floor("h") == frame["hour_start_utc"]


@register(
    "grid_intensity_monthly",
    primary_key=("zone_id", "year", "month", "source_id"),
    description="""
Monthly average carbon intensity of electricity generation and electricity demand by country,
region and US state, one row per zone, month and source (Ember's monthly series). Generation-based:
emissions of the electricity generated in the zone over what it generated, not flow-traced
consumption as in grid_intensity_hourly. Ember's own methodology counts lifecycle CO2-equivalent.
""",
)
class GridIntensityMonthly(Provenance):
    zone_id = fields.ZONE_ID.but(
        str_length={"min_value": 3},
        description="ISO 3166-1 alpha-3 for countries; USA-<state> (ISO 3166-2) for US states, the District "
        "of Columbia (USA-DC) and Puerto Rico (USA-PR); WLD, EU27 or AGG-<NAME> for aggregates, "
        "as in grid_carbon_intensity.",
    )
    zone_name = fields.ZONE_NAME.but(description="Country, region or state name as the source gives it.")
    zone_type = fields.zone_type("country", "subregion", "aggregate")
    year = fields.YEAR.but(description="Calendar year of the month.")
    month = column(int, ge=1, le=12, description="Calendar month, 1-12 (dimensionless).")
    gco2e_per_kwh = column(
        float,
        nullable=True,
        ge=0,
        lt=2000,
        description="Average emissions intensity of generation in the month, grams of CO2-equivalent per kWh "
        "(see basis); empty where the source has demand but no intensity.",
    )
    basis = column(
        str,
        isin=["direct", "lifecycle", "unknown"],
        description="direct | lifecycle | unknown, as for grid_carbon_intensity.",
    )
    demand_twh = column(
        float, nullable=True, ge=0, description="Electricity demand in the month, terawatt-hours (US state GWh / 1000)."
    )
    source_file = fields.SOURCE_FILE


@register(
    "electricity_demand_yearly",
    primary_key=("zone_id", "year", "source_id"),
    description="""
Yearly electricity demand by country and region, terawatt-hours, one row per zone, year and
source (Ember's yearly overview: generation plus net imports). The denominator for shares such
as data centres' part of national electricity use.
""",
)
class ElectricityDemandYearly(Provenance):
    zone_id = fields.ZONE_ID.but(
        str_length={"min_value": 3},
        description="ISO 3166-1 alpha-3 for countries; WLD, EU27 or AGG-<NAME> for aggregates, as in "
        "grid_carbon_intensity.",
    )
    zone_name = fields.ZONE_NAME.but(description="Country or region name as the source gives it.")
    zone_type = fields.zone_type("country", "aggregate")
    year = fields.YEAR.but(description="Calendar year.")
    demand_twh = column(float, ge=0, description="Electricity demand in the year, terawatt-hours.")
    source_file = fields.SOURCE_FILE
