from __future__ import annotations

import pandera.pandas as pa
from pandera.typing import Series

from schemas.provenance import Provenance
from schemas.registry import register


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
    zone_id: Series[str] = pa.Field(
        str_length={"min_value": 2},
        description="ISO 3166-1 alpha-3 for countries; `<alpha-3>-<ISO 3166-2 code>` for states and "
                    "provinces (USA-CA); eGRID acronym for US eGRID subregions; Electricity Maps zone "
                    "key for other sub-national zones; WLD or AGG-<NAME> for aggregates; "
                    "<provider>:<region> for cloud regions.")
    zone_name: Series[str] = pa.Field(description="Zone name as the source gives it.")
    zone_type: Series[str] = pa.Field(
        isin=["country", "subregion", "aggregate", "cloud_region"],
        description="country | subregion | aggregate | cloud_region.")
    year: Series[int] = pa.Field(ge=1990, le=2100, description="Data year the intensity describes.")
    gco2e_per_kwh: Series[float] = pa.Field(
        gt=0, lt=2000,
        description="Carbon intensity of electricity, grams of CO2-equivalent per kWh "
                    "(CO2 only where the source reports CO2 only; see basis).")
    basis: Series[str] = pa.Field(
        isin=["direct", "lifecycle", "unknown"],
        description="direct = combustion emissions only; lifecycle = including upstream and "
                    "construction emissions; unknown = the source does not say.")
    source_file: Series[str] = pa.Field(description="Raw file name within the source's snapshot.")

    class Config:
        strict = True
        coerce = True
        unique = ["zone_id", "year", "source_id", "basis"]
