from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from schemas.provenance import Provenance
from schemas.registry import register

# Every metric has exactly one unit, so a value can never be read in the wrong one.
METRIC_UNITS = {
    "generated": "kt",
    "generated_per_capita": "kg/person",
    "collected": "kt",
    "collected_per_capita": "kg/person",
    "collection_rate": "percent",
    "recycled": "kt",
    "recycled_per_capita": "kg/person",
    "recycling_rate": "percent",
    "collected_recycled": "kt",
    "put_on_market": "kt",
    "put_on_market_per_capita": "kg/person",
    "recycled_prepared_for_reuse": "kt",
    "recycled_prepared_for_reuse_per_capita": "kg/person",
    "projected_generated": "kt",
    "projected_collection_rate": "percent",
    "genai_ewaste_generated": "kt",
    "projected_genai_ewaste_generated_high": "kt",
    "projected_genai_ewaste_cumulative_2020_2030_low": "kt",
    "projected_genai_ewaste_cumulative_2020_2030_high": "kt",
    "population": "persons",
}


@register(
    "ewaste_statistics",
    primary_key=("zone_id", "year", "metric", "source_id", "series"),
    description="""
E-waste statistics by zone and year in long format: one row per zone, year, metric, source and
series. Masses are converted to kilotonnes (kt; 1 Mt = 1,000 kt; tonnes / 1,000), per-capita
masses to kg per person, rates to percent (of the mass generated, as each publisher defines it).
Sources: the UN SDG database (indicators 12.4.2 / 12.5.1, UNITAR / ITU estimates), Eurostat's
WEEE statistics (env_waselee) and curated global headline figures (Global E-waste Monitor
editions, studies of generative-AI e-waste) with a citation on every row. `population` rows
(UN World Population Prospects) are the denominators of the per-capita consistency check
(macro `ewaste_per_capita_disagreements(tolerance)`).
""",
)
class EwasteStatistics(Provenance):
    zone_id: Series[str] = pa.Field(
        str_length={"min_value": 2},
        description="ISO 3166-1 alpha-3 for countries; WLD for the world; EU27 or AGG-<NAME> for other "
                    "regional aggregates (see zone_type).")
    zone_name: Series[str] = pa.Field(description="Zone name as the source gives it (World for WLD).")
    zone_type: Series[str] = pa.Field(isin=["country", "aggregate"], description="country | aggregate.")
    year: Series[int] = pa.Field(ge=1990, le=2100,
                                 description="Year the value describes (the target year for projections).")
    metric: Series[str] = pa.Field(
        isin=list(METRIC_UNITS),
        description="What is measured: generated, collected, recycled (documented flows of e-waste), "
                    "collected_recycled (Global E-waste Monitor: documented as formally collected and "
                    "recycled), put_on_market (new equipment sold), recycled_prepared_for_reuse, each also "
                    "per capita; collection_rate and recycling_rate (percent); projected_* for "
                    "projections; genai_* for e-waste from generative-AI servers; population (persons).")
    value: Series[float] = pa.Field(ge=0, description="The value, in `unit`.")
    unit: Series[str] = pa.Field(
        isin=sorted(set(METRIC_UNITS.values())),
        description="kt (kilotonnes) | kg/person | percent | persons; fixed per metric.")
    series: Series[str] = pa.Field(
        description="The publisher's series the value belongs to: the SDG series code (EN_EWT_GENV), "
                    "Eurostat dataset/waste/operation/unit codes (env_waselee/TOTAL/COL/T), or the "
                    "publisher of a curated figure (e.g. the Global E-waste Monitor edition).")
    source_file: Series[str] = pa.Field(description="Raw file name within the source's snapshot.")
    citation_publisher: Series[str] = pa.Field(
        nullable=True, description="Curated rows: who published the figure; empty for API sources.")
    citation_title: Series[str] = pa.Field(
        nullable=True, description="Curated rows: title of the cited publication; empty for API sources.")
    citation_url: Series[str] = pa.Field(
        nullable=True, description="Curated rows: URL of the cited publication; empty for API sources.")
    citation_published: Series[str] = pa.Field(
        nullable=True, description="Curated rows: publication date (YYYY, YYYY-MM or YYYY-MM-DD).")
    citation_note: Series[str] = pa.Field(
        nullable=True, description="Curated rows: the quoted passage and any unit conversion applied.")

    @pa.dataframe_check(error="unit does not match the metric's unit (schemas.ewaste.METRIC_UNITS)")
    def unit_matches_metric(cls, frame: pd.DataFrame) -> pd.Series:
        return frame["metric"].map(METRIC_UNITS) == frame["unit"]

    @pa.dataframe_check(error="a percent value above 100")
    def percent_at_most_100(cls, frame: pd.DataFrame) -> pd.Series:
        return (frame["unit"] != "percent") | (frame["value"] <= 100)

    class Config:
        strict = True
        coerce = True
        unique = ["zone_id", "year", "metric", "source_id", "series"]
