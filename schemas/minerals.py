"""Minerals in accelerators and servers: production and reserves by country (USGS), and what
each mineral does in the hardware (curated, cited)."""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from schemas.provenance import Provenance
from schemas.registry import register

_CITATION = {
    "citation_publisher": "Who published the figure or statement (organisation or authors).",
    "citation_title": "Title of the cited publication.",
    "citation_url": "URL of the cited publication.",
    "citation_published": "Publication date: YYYY, YYYY-MM or YYYY-MM-DD.",
    "citation_locator": "Page, table or section of the cited publication, where useful.",
    "citation_note": "The quoted passage and any caveat.",
}
_URL_PATTERN = r"^https?://"
_DATE_PATTERN = r"^\d{4}(-\d{2}(-\d{2})?)?$"


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
    mineral: Series[str] = pa.Field(
        isin=["tungsten", "cobalt", "tantalum", "palladium", "platinum", "platinum_group_metals", "iridium",
              "osmium", "rhodium", "ruthenium", "gallium", "germanium"],
        description="Mineral (element) measured; platinum_group_metals for USGS's combined PGM reserves.")
    zone_id: Series[str] = pa.Field(
        description="ISO 3166-1 alpha-3 for countries; WLD for USGS's world total (rounded); "
                    "AGG-OTHER-COUNTRIES for USGS's 'Other countries'.")
    zone_name: Series[str] = pa.Field(description="Country name as USGS gives it, footnote marks removed.")
    zone_type: Series[str] = pa.Field(isin=["country", "aggregate"], description="country | aggregate.")
    year: Series[int] = pa.Field(ge=1900, le=2100,
                                 description="Year of the figure; reserves and capacity: the release's latest "
                                             "production year (2023 for MCS2024).")
    measure: Series[str] = pa.Field(
        str_matches=r"^[a-z0-9_]+$",
        description="mine_production, refinery_production (germanium), primary_production (gallium), reserves, "
                    "production_capacity (gallium); US salient statistics: secondary_production, imports[_<form>], "
                    "exports[_<form>], consumption[_<form>], government_stockpile_shipments[_<form>] (negative: "
                    "net acquisitions), net_import_reliance (share_pct).")
    quantity_t: Series[float] = pa.Field(
        nullable=True,
        description="Tonnes of contained metal; null where USGS publishes NA, W or 'less than a half unit' "
                    "(see value_status) and for net_import_reliance.")
    share_pct: Series[float] = pa.Field(nullable=True, ge=0, le=100,
                                        description="net_import_reliance only: percent of apparent consumption.")
    value_status: Series[str] = pa.Field(
        isin=["reported", "not_available", "withheld", "less_than_half_unit"],
        description="reported (a number) | not_available (USGS NA) | withheld (USGS W: to avoid disclosing company "
                    "data) | less_than_half_unit (above zero but under half the published unit).")
    is_lower_bound: Series[bool] = pa.Field(description="True where USGS publishes '>n': the value is a lower bound.")
    is_estimated: Series[bool] = pa.Field(
        description="True for USGS estimates: an _est column, or an 'e' footnote on the country name.")
    published_unit: Series[str] = pa.Field(isin=["t", "kg", "pct"],
                                           description="Unit of the published figure before conversion.")
    usgs_table: Series[str] = pa.Field(
        isin=["world", "us_salient"],
        description="USGS table the row comes from: world (production and reserves by country) or us_salient "
                    "(US salient statistics, which repeat US production for the years both cover).")
    usgs_type: Series[str] = pa.Field(description="USGS's Type text (what was measured), or the salient column.")
    usgs_notes: Series[str] = pa.Field(nullable=True, description="USGS's notes for the figure, as published, and "
                                                                  "the footnote number glued to the country name.")
    source_file: Series[str] = pa.Field(description="Raw file name within the source's snapshot.")

    @pa.dataframe_check(error="a negative quantity outside government stockpile shipments")
    def negative_only_for_stockpile_shipments(cls, frame: pd.DataFrame) -> pd.Series:
        return ~(frame["quantity_t"] < 0) | frame["measure"].str.startswith("government_stockpile_shipments")

    @pa.dataframe_check(error="a null value marked as reported, or a number marked NA/W")
    def status_matches_value(cls, frame: pd.DataFrame) -> pd.Series:
        has_value = frame["quantity_t"].notna() | frame["share_pct"].notna()
        return has_value == (frame["value_status"] == "reported")

    class Config:
        strict = True
        coerce = True
        unique = ["mineral", "zone_id", "year", "measure", "usgs_table", "source_id"]


@register(
    "mineral_uses",
    primary_key=("mineral", "component", "source_id"),
    description="""
What each mineral of `mineral_production` does in accelerators and servers (curated), with a
citation to the publisher of the statement on every row.
""",
)
class MineralUses(Provenance):
    mineral: Series[str] = pa.Field(description="Mineral, as named in mineral_production.")
    component: Series[str] = pa.Field(description="Part of the hardware it is used in.")
    role: Series[str] = pa.Field(description="What it does there, in words.")
    citation_publisher: Series[str] = pa.Field(description=_CITATION["citation_publisher"])
    citation_title: Series[str] = pa.Field(description=_CITATION["citation_title"])
    citation_url: Series[str] = pa.Field(str_matches=_URL_PATTERN, description=_CITATION["citation_url"])
    citation_published: Series[str] = pa.Field(nullable=True, str_matches=_DATE_PATTERN,
                                               description=_CITATION["citation_published"])
    citation_locator: Series[str] = pa.Field(nullable=True, description=_CITATION["citation_locator"])
    citation_note: Series[str] = pa.Field(nullable=True, description=_CITATION["citation_note"])
    via_url: Series[str] = pa.Field(nullable=True, description="A news or aggregator page that relayed the "
                                                               "statement, if any.")
    source_file: Series[str] = pa.Field(description="Raw file name within the source's snapshot.")

    class Config:
        strict = True
        coerce = True
        unique = ["mineral", "component", "source_id"]
