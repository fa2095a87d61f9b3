"""Our World in Data: carbon intensity of electricity generation by country and year.

The grapher chart `carbon-intensity-electricity` is OWID's processing of Ember's Yearly
Electricity Data (Energy Institute Statistical Review where Ember has no series), in grams
of CO2-equivalent per kWh generated (owid-energy-codebook.csv, row carbon_intensity_elec).

Basis is lifecycle: Ember's emission figures "aim to include full lifecycle emissions
including upstream methane, supply chain and manufacturing emissions, and include all
gases, converted into CO2 equivalent over a 100-year timescale" (Ember, Global Electricity
Review 2024, supporting material), and OWID titles the chart "Lifecycle carbon intensity of
electricity generation".

The carbon-intensity file is declared at OWID's own grapher URL, not at the commit-pinned
mirror its archived bytes came from (pluginsGLPI/carbon, an unmodified grapher export). The
mirror is a third party's frozen copy; a live refresh should follow the publisher, which
adds a year every January. That URL moves, so it declares no data_as_of: archive mode takes
the vintage from the manifest (2025-07-30), live mode from the fetch. The codebook URL is
pinned to a commit of owid/energy-data, so it states its vintage.
"""

from __future__ import annotations

import pandas as pd

from pipelines import zones
from pipelines.errors import SourceFormatError
from pipelines.sources._base import Freshness, RawSource, Source, SourceFile
from pipelines.sources._owid import WORLD_CODE

CARBON_INTENSITY = "carbon-intensity-electricity.csv"
CODEBOOK = "owid-energy-codebook.csv"

_GRAPHER_CSV = (
    "https://ourworldindata.org/grapher/carbon-intensity-electricity.csv?v=1&csvType=full&useColumnShortNames=false"
)
_ENERGY_DATA_COMMIT = "873ea63d7b27e54d86c733bedd44a96b0352dbf0"

# OWID codes its world total outside ISO 3166-1; other OWID_ codes (OWID_KOS) are countries
# that zones.normalise_alpha3 already knows.
# The value column's title has changed across OWID releases ("Carbon intensity of
# electricity - gCO2/kWh" in the archived export); its unit has not.
_VALUE_UNIT_MARKER = "gco2"


def parse_grid_intensity(raw: RawSource) -> pd.DataFrame:
    frame = raw.csv(CARBON_INTENSITY, dtype={"Entity": str, "Code": str})
    raw.require_columns(CARBON_INTENSITY, frame, ["Entity", "Code", "Year"])
    value_column = _value_column(raw, frame)
    values = raw.to_number(CARBON_INTENSITY, frame, value_column)
    years = raw.to_number(CARBON_INTENSITY, frame, "Year")

    # Ember's emissions are in MtCO2e rounded to 0.01, so a tiny grid (Burundi 2000-2012,
    # Central African Republic 2013-2022) rounds to 0 Mt and shows 0 g/kWh; its other years
    # are steps of 0.01 Mt over its generation (62.5, 111.11...). No grid has a lifecycle
    # intensity of zero (IPCC AR5's median for hydropower alone is 24 g/kWh), so 0 means
    # "too small to measure", not a clean grid. An empty cell means no data.
    has_value = values.notna() & (values != 0)
    frame, values, years = frame[has_value], values[has_value], years[has_value]

    placed = [_zone(code, entity) for code, entity in zip(frame["Code"], frame["Entity"], strict=True)]
    unplaced = [i for i, zone in zip(frame.index, placed, strict=True) if zone is None]
    if unplaced:
        raise SourceFormatError(
            raw.source_id,
            CARBON_INTENSITY,
            f"{len(unplaced)} row(s) with a Code that is neither ISO 3166-1 alpha-3 nor "
            f"{WORLD_CODE} (add an alias to pipelines/zones.py)",
            column="Code",
            sample_rows=frame.loc[unplaced].head(5).to_dict("records"),
        )

    return pd.DataFrame(
        {
            "zone_id": [zone_id for zone_id, _ in placed],
            "zone_name": frame["Entity"].to_numpy(),
            "zone_type": [zone_type for _, zone_type in placed],
            "year": years.to_numpy(),
            "gco2e_per_kwh": values.to_numpy(),
            "basis": "lifecycle",
            "source_file": CARBON_INTENSITY,
        }
    )


def _value_column(raw: RawSource, frame: pd.DataFrame) -> str:
    candidates = [c for c in frame.columns if c not in ("Entity", "Code", "Year") and _VALUE_UNIT_MARKER in c.lower()]
    if len(candidates) != 1:
        raise SourceFormatError(
            raw.source_id,
            CARBON_INTENSITY,
            f"expected exactly one value column in gCO2(e)/kWh, found {candidates}; "
            f"columns present: {list(frame.columns)}",
            column="Carbon intensity of electricity - gCO2/kWh",
        )
    return candidates[0]


def _zone(code, entity) -> tuple[str, str] | None:
    """(zone_id, zone_type) for one row, or None when the code names no known zone."""
    if pd.isna(code):
        # OWID leaves Code empty for regions and income groups.
        return (zones.aggregate_id(entity), "aggregate") if isinstance(entity, str) else None
    if code.strip().upper() == WORLD_CODE:
        return zones.aggregate_id(code), "aggregate"
    country = zones.normalise_alpha3(code)
    return (country, "country") if country else None


SOURCE = Source(
    id="owid_energy",
    title="Our World in Data: carbon intensity of electricity generation (grapher export) and OWID energy codebook",
    publisher="Our World in Data (data from Ember and the Energy Institute Statistical Review of World Energy)",
    license="CC-BY-4.0",
    homepage="https://ourworldindata.org/grapher/carbon-intensity-electricity",
    description="Country, region and world carbon intensity of electricity generation by year "
    "(gCO2e/kWh, lifecycle, Ember methodology), plus the codebook describing every "
    "column of owid-energy-data.csv.",
    files=(
        SourceFile(CARBON_INTENSITY, _GRAPHER_CSV, "csv"),
        SourceFile(
            CODEBOOK,
            f"https://raw.githubusercontent.com/owid/energy-data/{_ENERGY_DATA_COMMIT}/owid-energy-codebook.csv",
            "csv",
            "2025-05-30",
        ),
    ),
    parsers={"grid_carbon_intensity": parse_grid_intensity},
    freshness=Freshness(550, "OWID updates the Ember-based series at least yearly"),
    priority={"grid_carbon_intensity": 1},
)
