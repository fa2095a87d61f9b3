"""EcoLogits' per-country electricity-mix impact factors (genai-impact/ecologits on GitHub).

Only the GWP column feeds `grid_carbon_intensity`; ADPe, PE and WUE have no table yet.

Where GWP comes from: EcoLogits' methodology says "We use data from Our World in Data for
GWP impact" (docs/methodology/llm_inference.md), and EcoLogits pull request #181, which wrote
this file (2025-09-08), says "gwp data coming from Our World in Data". Neither states a year,
nor does the file. Comparing the file with OWID's carbon-intensity-electricity
export of 2025-07-30 (source `owid_energy`) answers it: every gwp equals OWID's value for the
zone's latest year, divided by 1000 and rounded to 5 decimals (FRA 0.04418 = 44.179085 g in
2024). That latest year is 2024 for 47 of the 50 zones (WOR is OWID's World) and older where
OWID had no 2024 value yet: IDN and ISL 2023, UKR 2022. `_OLDER_OWID_YEARS` records that and
holds only for the bytes at `_COMMIT`: the integration test re-derives it from both recorded
files, so recording a newer file without re-checking the years fails.

Basis is lifecycle, as for OWID's series (Ember's lifecycle emission factors).
"""

from __future__ import annotations

import pandas as pd

from pipelines import zones
from pipelines.errors import SourceFormatError
from pipelines.sources._base import Freshness, RawSource, Source, SourceFile

_COMMIT = "2d0a1c76358a1aad0c530d47794e37465ad029e8"

ELECTRICITY_MIXES = "electricity_mixes.csv"
KG_TO_G = 1000

_LATEST_OWID_YEAR = 2024
# Zones whose latest OWID value was older than 2024 when EcoLogits copied the series.
_OLDER_OWID_YEARS = {"IDN": 2023, "ISL": 2023, "UKR": 2022}
# EcoLogits codes the world mix "WOR"; zones.aggregate_id knows it as WLD.
_WORLD_CODE = "WOR"


def _data_year(zone_id: str) -> int:
    return _OLDER_OWID_YEARS.get(zone_id, _LATEST_OWID_YEAR)


def parse_grid_intensity(raw: RawSource) -> pd.DataFrame:
    frame = raw.csv(ELECTRICITY_MIXES, dtype={"name": str})
    raw.require_columns(ELECTRICITY_MIXES, frame, ["name", "gwp"])
    gwp_kg = raw.to_number(ELECTRICITY_MIXES, frame, "gwp")

    # An empty or zero gwp is no data: no grid has a lifecycle intensity of zero.
    has_value = gwp_kg.notna() & (gwp_kg != 0)
    frame, gwp_kg = frame[has_value], gwp_kg[has_value]

    names = frame["name"].fillna("").astype(str).str.strip().str.upper()
    is_world = names == _WORLD_CODE
    countries = names.map(zones.normalise_alpha3)
    unknown = ~is_world & countries.isna()
    if unknown.any():
        raise SourceFormatError(
            raw.source_id,
            ELECTRICITY_MIXES,
            f"{int(unknown.sum())} row(s) whose name is neither ISO 3166-1 alpha-3 nor {_WORLD_CODE}",
            column="name",
            sample_rows=frame.loc[unknown].head(5).to_dict("records"),
        )

    zone_ids = countries.where(~is_world, zones.aggregate_id(_WORLD_CODE))
    return pd.DataFrame(
        {
            "zone_id": zone_ids.to_numpy(),
            # The file carries codes only.
            "zone_name": [
                ("World" if world else zones.country_name(zone_id))
                for zone_id, world in zip(zone_ids, is_world, strict=True)
            ],
            "zone_type": is_world.map({True: "aggregate", False: "country"}).to_numpy(),
            "year": [_data_year(zone_id) for zone_id in zone_ids],
            "gco2e_per_kwh": (gwp_kg * KG_TO_G).to_numpy(),
            "basis": "lifecycle",
            "source_file": ELECTRICITY_MIXES,
        }
    )


SOURCE = Source(
    id="ecologits_electricity_mixes",
    title="EcoLogits electricity-mix impact factors per country (GWP, ADPe, PE, WUE)",
    publisher="GenAI Impact (EcoLogits)",
    license="MPL-2.0",
    homepage="https://ecologits.ai/latest/methodology/llm_inference/",
    description="Per-country electricity-mix impact factors EcoLogits uses for generative-AI "
    "inference: GWP from Our World in Data, ADPe and PE from ADEME Base Empreinte, "
    "off-site WUE per the World Resources Institute methodology.",
    files=(
        SourceFile(
            ELECTRICITY_MIXES,
            f"https://raw.githubusercontent.com/genai-impact/ecologits/{_COMMIT}/ecologits/data/electricity_mixes.csv",
            "csv",
            "2025-09-08",
        ),
    ),
    parsers={"grid_carbon_intensity": parse_grid_intensity},
    freshness=Freshness(550, "EcoLogits follows OWID's yearly release"),
    priority={"grid_carbon_intensity": 8},
)
