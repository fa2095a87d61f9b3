from __future__ import annotations

from schemas import fields
from schemas.fields import column
from schemas.provenance import Provenance
from schemas.registry import register

BASES = ("direct", "lifecycle", "unknown")


@register(
    "grid_carbon_intensity",
    primary_key=("zone_id", "year", "source_id", "basis"),
    description="""
Average carbon intensity of electricity by zone and year, one row per zone, year, source and
basis. Every source's value is kept side by side (never averaged); the view
`grid_carbon_intensity_preferred` picks one per zone-year. Units are converted to grams of
CO2-equivalent per kWh (lb/MWh x 0.453592; kg/kWh x 1000; t/kWh x 1e6).
""",
)
class GridCarbonIntensity(Provenance):
    zone_id = fields.ZONE_ID.but(
        description="ISO 3166-1 alpha-3 for countries; `<alpha-3>-<ISO 3166-2 code>` for states and "
        "provinces (USA-CA); eGRID acronym for US eGRID subregions; Electricity Maps zone "
        "key for other sub-national zones; WLD or AGG-<NAME> for aggregates; "
        "<provider>:<region> for cloud regions."
    )
    zone_name = fields.ZONE_NAME
    zone_type = fields.zone_type("country", "subregion", "aggregate", "cloud_region")
    year = fields.YEAR.but(description="Data year the intensity describes.")
    gco2e_per_kwh = column(
        float,
        gt=0,
        lt=2000,
        description="Carbon intensity of electricity, grams of CO2-equivalent per kWh "
        "(CO2 only where the source reports CO2 only; see basis).",
    )
    basis = column(
        str,
        isin=list(BASES),
        description="direct = combustion emissions only; lifecycle = including upstream and "
        "construction emissions; unknown = the source does not say.",
    )
    source_file = fields.SOURCE_FILE
