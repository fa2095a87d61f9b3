from __future__ import annotations

import pandas as pd
import pandera.pandas as pa

from schemas import fields
from schemas.fields import column
from schemas.provenance import Cited
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
    # Eurostat env_waselee operations (WEEE Directive reporting)
    "collected_from_households": "kt",
    "collected_from_households_per_capita": "kg/person",
    "collected_from_others": "kt",
    "collected_from_others_per_capita": "kg/person",
    "treated": "kt",
    "treated_per_capita": "kg/person",
    "treated_in_country": "kt",
    "treated_in_country_per_capita": "kg/person",
    "treated_in_other_eu_country": "kt",
    "treated_in_other_eu_country_per_capita": "kg/person",
    "treated_outside_eu": "kt",
    "treated_outside_eu_per_capita": "kg/person",
    "recovered": "kt",
    "recovered_per_capita": "kg/person",
    "prepared_for_reuse": "kt",
    "prepared_for_reuse_per_capita": "kg/person",
    "recovery_rate": "percent",
}

# What a rate divides by what. Publishers use the same word ("recycling rate") for different
# ratios, so every percent row names its own, and rates are only compared within one definition.
RATE_DEFINITIONS = {
    "recycled_over_generated": "documented recycled (or collected and recycled) mass / e-waste generated "
    "(UN SDG 12.5.1, Global E-waste Monitor)",
    "collected_over_generated": "documented formally collected mass / e-waste generated (Global E-waste "
    "Monitor, UN SDG EN_EWT_COLLR)",
    "recycled_over_collected": "recycled and prepared for reuse / WEEE collected (Eurostat env_waselee "
    "RCY_REU PC; the EU/EEA rows of UN SDG 12.5.1 as OWID republishes them)",
    "recovered_over_collected": "recovered / WEEE collected (Eurostat env_waselee RCV PC)",
    "collected_over_put_on_market_avg_3y": "WEEE collected / average mass put on the market in the three preceding "
    "years (the WEEE Directive's collection rate; Eurostat COL AVG_3Y)",
}
# A ratio to the mass collected can exceed 100 %: a year's treatment may include WEEE collected
# the year before (Malta 2011: 122.8 %); so can collection against past years' sales
# (Liechtenstein 2015: 174.1 %). A ratio to the mass generated cannot.
RATE_DEFINITIONS_ALLOWING_OVER_100 = (
    "recycled_over_collected",
    "recovered_over_collected",
    "collected_over_put_on_market_avg_3y",
)
# The definition of rows whose publisher states one per metric (GEM headlines, SDG series).
RATE_DEFINITION_BY_METRIC = {
    "recycling_rate": "recycled_over_generated",
    "collection_rate": "collected_over_generated",
    "projected_collection_rate": "collected_over_generated",
    "recovery_rate": "recovered_over_collected",
}
TOTAL_CATEGORY = "TOTAL"


@register(
    "ewaste_statistics",
    primary_key=("zone_id", "year", "metric", "category", "source_id", "series"),
    description="""
E-waste statistics by zone, year, product category and operation in long format: one row per
zone, year, metric, category, source and series. Masses are converted to kilotonnes (kt; 1 Mt =
1,000 kt; tonnes / 1,000), per-capita masses to kg per person, rates to percent; every rate names
its `rate_definition` (recycled / generated or recycled / collected: never rank the two
together, view `ewaste_recycling_rate_ranked`), and Eurostat's flags stay in `flag`. Sources:
the UN SDG database (indicators 12.4.2 / 12.5.1, UNITAR / ITU estimates), Eurostat's WEEE bulk
file (env_waselee, 13 categories and the total, 2005-2018), OWID's republication of SDG 12.5.1
(recycling rate by country) and curated figures (Global E-waste Monitor editions, studies of
generative-AI e-waste) with a citation on every row. `population` rows
(UN World Population Prospects) are the denominators of the per-capita consistency check
(macro `ewaste_per_capita_disagreements(tolerance)`). Long format on purpose (`value` with its
`unit`, fixed per metric): some forty metrics in three units would otherwise be forty sparse
columns, each with a unit suffix.
""",
)
class EwasteStatistics(Cited):
    zone_id = fields.ZONE_ID.but(
        description="ISO 3166-1 alpha-3 for countries; WLD for the world; EU27 or AGG-<NAME> for other "
        "regional aggregates (see zone_type)."
    )
    zone_name = fields.ZONE_NAME.but(description="Zone name as the source gives it (World for WLD).")
    zone_type = fields.zone_type("country", "aggregate")
    year = fields.YEAR.but(description="Year the value describes (the target year for projections).")
    metric = column(
        str,
        isin=list(METRIC_UNITS),
        description="What is measured: generated, collected, recycled (documented flows of e-waste), "
        "collected_recycled (Global E-waste Monitor: documented as formally collected and "
        "recycled), put_on_market (new equipment sold), recycled_prepared_for_reuse, each also "
        "per capita; collection_rate and recycling_rate (percent); projected_* for "
        "projections; genai_* for e-waste from generative-AI servers; population (persons).",
    )
    category = column(
        str,
        str_matches=r"^(TOTAL|EE_[A-Z_]+)$",
        description="Product category: TOTAL (all electrical and electronic equipment) or a Eurostat WEEE "
        "category code: EE_ITT IT and telecommunications equipment, EE_LHA large household "
        "appliances, EE_SHA small household appliances, EE_CPV consumer equipment and "
        "photovoltaic panels (EE_CPV_CON, EE_CPV_PVP its parts), EE_LIT lighting (EE_LIT_GDL gas "
        "discharge lamps), EE_EET tools, EE_TLS toys, leisure and sports, EE_MED medical devices, "
        "EE_MON monitoring and control instruments, EE_ATD automatic dispensers.",
    )
    value = column(float, ge=0, description="The value, in `unit`.")
    flag = column(
        str,
        nullable=True,
        str_matches=r"^[a-z]+$",
        description="The publisher's observation flags, as published (Eurostat: b break in series, d "
        "definition differs, e estimated, p provisional, s Eurostat estimate; letters combine, "
        "e.g. de). Empty: no flag.",
    )
    rate_definition = column(
        str,
        nullable=True,
        isin=list(RATE_DEFINITIONS),
        description="For rates (unit percent) only: "
        + "; ".join(f"{k} = {v}" for k, v in RATE_DEFINITIONS.items())
        + ". Empty for masses and counts.",
    )
    unit = column(
        str,
        isin=sorted(set(METRIC_UNITS.values())),
        description="kt (kilotonnes) | kg/person | percent | persons; fixed per metric.",
    )
    series = column(
        str,
        description="The publisher's series the value belongs to: the SDG series code (EN_EWT_GENV), "
        "Eurostat dataset/waste/operation/unit codes (env_waselee/TOTAL/COL/T), or the "
        "publisher of a curated figure (e.g. the Global E-waste Monitor edition).",
    )
    source_file = fields.SOURCE_FILE
    citation = fields.citation(locator=False, via_url=False)

    @pa.dataframe_check(error="unit does not match the metric's unit (schemas.ewaste.METRIC_UNITS)")
    def unit_matches_metric(cls, frame: pd.DataFrame) -> pd.Series:
        return frame["metric"].map(METRIC_UNITS) == frame["unit"]

    @pa.dataframe_check(
        error="a percent value above 100 under a definition relative to the mass generated "
        "(only ratios to the mass collected or put on the market may exceed 100)"
    )
    def percent_at_most_100(cls, frame: pd.DataFrame) -> pd.Series:
        return (
            (frame["unit"] != "percent")
            | (frame["value"] <= 100)
            | frame["rate_definition"].isin(RATE_DEFINITIONS_ALLOWING_OVER_100)
        )

    @pa.dataframe_check(error="a rate (unit percent) without rate_definition, or a rate_definition on a non-rate")
    def rates_name_their_definition(cls, frame: pd.DataFrame) -> pd.Series:
        return (frame["unit"] == "percent") == frame["rate_definition"].notna()
