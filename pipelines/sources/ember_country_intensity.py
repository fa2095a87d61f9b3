"""Ember's latest-year average grid emissions intensity per country and region, via CO2.js.

The Green Web Foundation's CO2.js build script reads Ember's yearly country overview and
keeps, for each country or region, the latest year that has an intensity; the year differs
per entry (2022, 2023 or 2024 in the 2025-08-03 build), so each row carries its own year.

Basis is lifecycle: Ember's emission figures "aim to include full lifecycle emissions
including upstream methane, supply chain and manufacturing emissions ... converted into CO2
equivalent over a 100-year timescale" (Ember, Global Electricity Review 2024, supporting
material).
"""

from __future__ import annotations

import pandas as pd

from pipelines.errors import SourceFormatError
from pipelines.sources._base import Freshness, RawSource, Source, SourceFile
from pipelines.sources._ember import ember_places

_COMMIT = "27cbe8328aeaad0824fb07b3640dc45b72228c7b"

AVERAGE_INTENSITIES = "average-intensities.json"
_FIELDS = ["country_code", "country_or_region", "year", "emissions_intensity_gco2_per_kwh"]


def parse_grid_intensity(raw: RawSource) -> pd.DataFrame:
    data = raw.json(AVERAGE_INTENSITIES)
    if not isinstance(data, dict) or not data:
        raise SourceFormatError(
            raw.source_id, AVERAGE_INTENSITIES, "expected a non-empty JSON object keyed by country code or region name"
        )
    not_objects = [key for key, entry in data.items() if not isinstance(entry, dict)]
    if not_objects:
        raise SourceFormatError(
            raw.source_id, AVERAGE_INTENSITIES, f"{len(not_objects)} entry(ies) are not objects: {not_objects[:5]}"
        )
    frame = pd.DataFrame.from_dict(data, orient="index").rename_axis("key").reset_index()
    raw.require_columns(AVERAGE_INTENSITIES, frame, _FIELDS)
    values = raw.to_number(AVERAGE_INTENSITIES, frame, "emissions_intensity_gco2_per_kwh")
    years = raw.to_number(AVERAGE_INTENSITIES, frame, "year")

    # Ember's emissions are in MtCO2e rounded to 0.01, so the Central African Republic's tiny
    # grid rounds to 0 Mt and shows 0 g/kWh (2022). No grid has a lifecycle intensity of
    # zero, so 0 means "too small to measure", not a clean grid; null means no data.
    has_value = values.notna() & (values != 0)
    frame, values, years = frame[has_value], values[has_value], years[has_value]

    zone_ids, zone_types = ember_places(raw, AVERAGE_INTENSITIES, frame)
    return pd.DataFrame(
        {
            "zone_id": zone_ids.to_numpy(),
            "zone_name": frame["country_or_region"].to_numpy(),
            "zone_type": zone_types.to_numpy(),
            "year": years.to_numpy(),
            "gco2e_per_kwh": values.to_numpy(),
            "basis": "lifecycle",
            "source_file": AVERAGE_INTENSITIES,
        }
    )


SOURCE = Source(
    id="ember_country_intensity",
    title="Ember annual average grid emissions intensity per country (latest year), as compiled by CO2.js",
    publisher="Ember (compiled by The Green Web Foundation, CO2.js)",
    license="CC-BY-4.0 (Ember data); CO2.js repository Apache-2.0",
    homepage="https://ember-energy.org/data/yearly-electricity-data/",
    description="One latest-year lifecycle grid intensity (gCO2e/kWh) per country or region from "
    "Ember's yearly electricity data, keyed by ISO 3166-1 alpha-3 (regions by name).",
    files=(
        SourceFile(
            AVERAGE_INTENSITIES,
            f"https://raw.githubusercontent.com/thegreenwebfoundation/co2.js/{_COMMIT}/"
            "data/output/average-intensities.json",
            "json",
            "2025-08-03",
        ),
    ),
    parsers={"grid_carbon_intensity": parse_grid_intensity},
    freshness=Freshness(550, "Ember publishes yearly electricity data every spring"),
    priority={"grid_carbon_intensity": 2},
)
