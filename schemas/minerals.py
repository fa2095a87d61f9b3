"""Minerals in accelerators and servers: production and reserves by country (USGS), and what
each mineral does in the hardware (curated, cited)."""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa

from schemas import fields
from schemas.fields import column
from schemas.provenance import Cited, Provenance
from schemas.registry import register


@register(
    "mineral_production",
    primary_key=("mineral", "zone_id", "year", "measure", "usgs_table", "source_id"),
    description="""
Production, reserves, capacity and US trade of the minerals in accelerators and servers
(tungsten, cobalt, tantalum, palladium and platinum, gallium, germanium), by country, year and
measure, from the USGS Mineral Commodity Summaries data release. Quantities are tonnes of
contained metal (files in kilograms are converted: / 1,000). USGS's NA (not available) and W
(withheld) stay null with `value_status` saying which, never 0: a mineral or country without a
figure says so (germanium: no country production is published). View
`mineral_top_producers` ranks producers and gives each its share of the world total.
""",
)
class MineralProduction(Provenance):
    mineral = column(
        str,
        isin=[
            "tungsten",
            "cobalt",
            "tantalum",
            "palladium",
            "platinum",
            "platinum_group_metals",
            "iridium",
            "osmium",
            "rhodium",
            "ruthenium",
            "gallium",
            "germanium",
        ],
        description="Mineral (element) measured; platinum_group_metals for USGS's combined PGM reserves.",
    )
    zone_id = column(
        str,
        description="ISO 3166-1 alpha-3 for countries; WLD for USGS's world total (rounded); "
        "AGG-OTHER-COUNTRIES for USGS's 'Other countries'.",
    )
    zone_name = fields.ZONE_NAME.but(description="Country name as USGS gives it, footnote marks removed.")
    zone_type = fields.zone_type("country", "aggregate")
    year = fields.YEAR.but(
        ge=1900,
        description="Year of the figure; reserves and capacity: the release's latest "
        "production year (2023 for MCS2024).",
    )
    measure = column(
        str,
        str_matches=r"^[a-z0-9_]+$",
        description="mine_production, refinery_production (germanium), primary_production (gallium), reserves, "
        "production_capacity (gallium); US salient statistics: secondary_production, imports[_<form>], "
        "exports[_<form>], consumption[_<form>], government_stockpile_shipments[_<form>] (negative: "
        "net acquisitions), net_import_reliance (share_pct).",
    )
    quantity_t = column(
        float,
        nullable=True,
        description="Tonnes of contained metal; null where USGS publishes NA, W or 'less than a half unit' "
        "(see value_status) and for net_import_reliance.",
    )
    share_pct = column(
        float, nullable=True, ge=0, le=100, description="net_import_reliance only: percent of apparent consumption."
    )
    value_status = column(
        str,
        isin=["reported", "not_available", "withheld", "less_than_half_unit"],
        description="reported (a number) | not_available (USGS NA) | withheld (USGS W: to avoid disclosing company "
        "data) | less_than_half_unit (above zero but under half the published unit).",
    )
    is_lower_bound = column(bool, description="True where USGS publishes '>n': the value is a lower bound.")
    is_estimated = column(
        bool, description="True for USGS estimates: an _est column, or an 'e' footnote on the country name."
    )
    published_unit = column(str, isin=["t", "kg", "pct"], description="Unit of the published figure before conversion.")
    usgs_table = column(
        str,
        isin=["world", "us_salient"],
        description="USGS table the row comes from: world (production and reserves by country) or us_salient "
        "(US salient statistics, which repeat US production for the years both cover).",
    )
    usgs_type = column(str, description="USGS's Type text (what was measured), or the salient column.")
    usgs_notes = column(
        str,
        nullable=True,
        description="USGS's notes for the figure, as published, and the footnote number glued to the country name.",
    )
    source_file = fields.SOURCE_FILE

    @pa.dataframe_check(error="a negative quantity outside government stockpile shipments")
    def negative_only_for_stockpile_shipments(cls, frame: pd.DataFrame) -> pd.Series:
        return ~(frame["quantity_t"] < 0) | frame["measure"].str.startswith("government_stockpile_shipments")

    @pa.dataframe_check(error="a null value marked as reported, or a number marked NA/W")
    def status_matches_value(cls, frame: pd.DataFrame) -> pd.Series:
        has_value = frame["quantity_t"].notna() | frame["share_pct"].notna()
        return has_value == (frame["value_status"] == "reported")


@register(
    "mineral_uses",
    primary_key=("mineral", "component", "source_id"),
    description="""
What each mineral of `mineral_production` does in accelerators and servers (curated), with a
citation to the publisher of the statement on every row.
""",
)
class MineralUses(Cited):
    mineral = column(str, description="Mineral, as named in mineral_production.")
    component = column(str, description="Part of the hardware it is used in.")
    role = column(str, description="What it does there, in words.")
    citation = fields.citation(locator=True, via_url=True)
    source_file = fields.SOURCE_FILE
