"""Our World in Data grapher CSVs: entity, code, year and one value column, one row per entity-year.

OWID exports the header either with its short names (`entity,code,year`) or its long ones
(`Entity,Code,Year`); `code` is ISO 3166-1 alpha-3 for countries, OWID_WRL for the world and
empty for regions and OWID's own aggregates.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from pipelines import zones
from pipelines.errors import SourceFormatError
from pipelines.sources._base import RawSource

WORLD_CODE = "OWID_WRL"


@dataclass(frozen=True)
class GrapherRows:
    frame: pd.DataFrame  # the rows with a value; the year and the parsed value (named by the caller) numeric
    value_column: str  # the value column's name in the file


def read_grapher_csv(raw: RawSource, name: str, entity: str, code: str, year: str, value: str) -> GrapherRows:
    """The rows of `name` that carry a value, parsed into column `value`; the file must have exactly one
    column besides the three keys."""
    frame = raw.csv(name, dtype={entity: str, code: str}, keep_default_na=False, na_values=[""])
    keys = [entity, code, year]
    raw.require_columns(name, frame, keys)
    values = [c for c in frame.columns if c not in keys]
    if len(values) != 1:
        raise SourceFormatError(
            raw.source_id, name, f"expected one value column after {', '.join(keys)}; found {values}"
        )
    frame = frame.assign(**{year: raw.to_number(name, frame, year), value: raw.to_number(name, frame, values[0])})
    return GrapherRows(frame[frame[value].notna()], values[0])


def grapher_places(raw: RawSource, name: str, frame: pd.DataFrame, entity: str, code: str, year: str) -> dict:
    """The zone_id, zone_name, zone_type and year columns of a staging frame, in that order, from `frame`'s keys."""
    zone_ids, zone_types = _zones(raw, name, frame, entity, code)
    return {
        "zone_id": zone_ids,
        "zone_name": frame[entity].str.strip().tolist(),
        "zone_type": zone_types,
        "year": frame[year].astype(int).tolist(),
    }


def _zones(raw: RawSource, name: str, frame: pd.DataFrame, entity: str, code: str) -> tuple[list, list]:
    """(zone_ids, zone_types) for each row: OWID_WRL is WLD, a code a country, no code an aggregate by name."""
    zone_ids, zone_types = [], []
    for entity_name, entity_code in zip(frame[entity], frame[code], strict=True):
        if entity_code == WORLD_CODE:
            zone_ids.append("WLD"), zone_types.append("aggregate")
        elif isinstance(entity_code, str) and entity_code.strip():
            iso3 = zones.normalise_alpha3(entity_code.strip())
            if iso3 is None:
                raise SourceFormatError(
                    raw.source_id,
                    name,
                    f"{entity_name!r} has code {entity_code!r}, not ISO 3166-1 alpha-3",
                    column=code,
                )
            zone_ids.append(iso3), zone_types.append("country")
        else:
            zone_ids.append(zones.aggregate_id(entity_name)), zone_types.append("aggregate")
    return zone_ids, zone_types
