"""Electricity Maps yearly average carbon intensity per zone, 2021-2025, as retrieved by CO2.js.

The Green Web Foundation's CO2.js script asks the Electricity Maps v3 API
(`/carbon-intensity/past?temporalGranularity=yearly&datetime=<year>-12-31T12:00Z`) for each
zone and year and writes one file per year, so the data year is the one in the file name.

Basis is lifecycle: the script passes no `emissionFactorType`, and Electricity Maps computes
its carbon intensities "through life-cycle analysis", offering operational (direct) factors
only on request (electricitymaps-contrib wiki, "Emission factors").

Zone keys go through zones.electricitymaps_zone: country keys (ISO alpha-2) become alpha-3,
ISO 3166-2 sub-zones become `<alpha-3>-<code>` (AU-NSW -> AUS-NSW), others keep their key
(US-CAL-CISO, DK-DK1). Note that the zone `GB` is Great Britain (Northern Ireland is GB-NIR)
and `IN` is mainland India: both stand for their country, as Electricity Maps publishes no
wider zone.
"""

from __future__ import annotations

import re

import pandas as pd

from pipelines import zones
from pipelines.errors import SourceFormatError
from pipelines.sources._base import Freshness, RawSource, Source, SourceFile

_COMMIT = "27cbe8328aeaad0824fb07b3640dc45b72228c7b"
_RAW = f"https://raw.githubusercontent.com/thegreenwebfoundation/co2.js/{_COMMIT}/data/output/electricity-maps"

YEARS = range(2021, 2026)
YEARLY_FILES = tuple(f"yearly_{year}.json" for year in YEARS)
_YEAR_IN_NAME = re.compile(r"^yearly_(\d{4})\.json$")

EXPECTED_UNIT = "gCO2eq/kWh"
_VALUE = "carbonIntensity.value"
_UNIT = "carbonIntensity.unit"
_ZONE_NAME = "zone.zoneName"


def parse_grid_intensity(raw: RawSource) -> pd.DataFrame:
    return pd.concat([_yearly(raw, name) for name in YEARLY_FILES], ignore_index=True)


def _yearly(raw: RawSource, name: str) -> pd.DataFrame:
    year = int(_YEAR_IN_NAME.match(name).group(1))
    frame = _zone_table(raw, name)

    wrong_unit = frame[_UNIT] != EXPECTED_UNIT
    if wrong_unit.any():
        raise SourceFormatError(
            raw.source_id,
            name,
            f"expected unit {EXPECTED_UNIT!r}, {int(wrong_unit.sum())} zone(s) say otherwise",
            column=_UNIT,
            sample_rows=frame.loc[wrong_unit].head(5).to_dict("records"),
        )

    values = raw.to_number(name, frame, _VALUE)
    # CO2.js writes the API's answer as is: a zone without data for the year loses its
    # `value` (undefined is dropped by JSON.stringify) or has null. A lifecycle intensity of
    # zero is not a measurement either.
    has_value = values.notna() & (values != 0)
    frame, values = frame[has_value], values[has_value]

    placed = [zones.electricitymaps_zone(key) for key in frame["zone_key"]]
    staged = pd.DataFrame(
        {
            "zone_id": [zone_id for zone_id, _ in placed],
            "zone_name": frame[_ZONE_NAME].fillna(frame["zone_key"]).to_numpy(),
            "zone_type": [zone_type for _, zone_type in placed],
            "year": year,
            "gco2e_per_kwh": values.to_numpy(),
            "basis": "lifecycle",
            "source_file": name,
            "zone_key": frame["zone_key"].to_numpy(),
        }
    )
    return _one_row_per_zone(raw, name, staged).drop(columns="zone_key")


def _zone_table(raw: RawSource, name: str) -> pd.DataFrame:
    data = raw.json(name)
    if not isinstance(data, dict) or not data:
        raise SourceFormatError(raw.source_id, name, "expected a non-empty JSON object keyed by zone key")
    records, malformed = [], []
    for key, entry in data.items():
        zone = entry.get("zone") if isinstance(entry, dict) else None
        intensity = entry.get("carbonIntensity") if isinstance(entry, dict) else None
        if not isinstance(intensity, dict) or not isinstance(zone, (dict, type(None))):
            malformed.append(key)
            continue
        records.append(
            {
                "zone_key": key,
                **{f"zone.{k}": v for k, v in (zone or {}).items()},
                **{f"carbonIntensity.{k}": v for k, v in intensity.items()},
            }
        )
    if malformed:
        raise SourceFormatError(
            raw.source_id,
            name,
            f"{len(malformed)} zone(s) without a carbonIntensity object: {malformed[:5]}",
            column="carbonIntensity",
        )
    frame = pd.DataFrame.from_records(records)
    raw.require_columns(name, frame, [_VALUE, _UNIT, _ZONE_NAME])
    return frame


def _one_row_per_zone(raw: RawSource, name: str, staged: pd.DataFrame) -> pd.DataFrame:
    """Two keys naming one zone (an old alpha-3 key beside its alpha-2 successor, say) collapse
    to one row when they agree; when they disagree nothing says which is right."""
    duplicated = staged["zone_id"].duplicated(keep=False)
    if not duplicated.any():
        return staged
    clashes = staged[duplicated].groupby("zone_id")["gco2e_per_kwh"].nunique()
    conflicting = clashes[clashes > 1].index
    if len(conflicting):
        sample = staged[staged["zone_id"].isin(conflicting)].head(5).to_dict("records")
        raise SourceFormatError(
            raw.source_id,
            name,
            f"zone keys that map to the same zone_id carry different values: {list(conflicting)[:5]}",
            column="zone_id",
            sample_rows=sample,
        )
    return staged.drop_duplicates("zone_id", keep="first").reset_index(drop=True)


SOURCE = Source(
    id="emaps_yearly",
    title="Electricity Maps yearly average carbon intensity per zone, 2021-2025 (as retrieved by CO2.js)",
    publisher="Electricity Maps (retrieved via its API and published by The Green Web Foundation, CO2.js)",
    license="ODbL-1.0 (Electricity Maps yearly data-portal datasets); CO2.js repository Apache-2.0",
    homepage="https://www.electricitymaps.com/data-portal",
    description="Yearly lifecycle carbon intensity (gCO2eq/kWh) for 352 Electricity Maps zones: "
    "countries and sub-national zones (US balancing authorities, Australian states, "
    "Nordic and Italian bidding zones ...), one file per year.",
    files=tuple(SourceFile(name, f"{_RAW}/{name}", "json", "2026-02-04") for name in YEARLY_FILES),
    parsers={"grid_carbon_intensity": parse_grid_intensity},
    freshness=Freshness(
        550, "Electricity Maps publishes each year's averages early the next year", one_file_per_year=True
    ),
    priority={"grid_carbon_intensity": 3},
)
