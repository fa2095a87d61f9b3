"""Electricity Maps hourly carbon intensity (data-portal CSVs): 12 zones, one year each.

Each file is one zone-year, 8,760 hours, start of the hour in UTC. Intensities are
consumption-based (flow-traced, imports included), direct and lifecycle side by side; both are
kept, in separate columns. Two portal layouts are read:

* 2023 to early 2025 (the recorded files): `Datetime (UTC), Country, Zone Name, Zone Id,
  Carbon Intensity gCO₂eq/kWh (direct), Carbon Intensity gCO₂eq/kWh (LCA), Low Carbon
  Percentage, Renewable Percentage, Data Source, Data Estimated, Data Estimation Method`;
* 2025-26: `Datetime (UTC), Zone id, Carbon intensity gCO₂eq/kWh (direct), Carbon intensity
  gCO₂eq/kWh (Life cycle), Carbon-free energy percentage (CFE%), Renewable energy percentage
  (RE%)`, with no estimation flag (hours are then not flagged: is_estimated False).

Zone ids: a zone that is the whole country becomes its alpha-3 (DE -> DEU), as in
grid_carbon_intensity; other zones keep their key (IN-WE is Western India, JP-TK is Tokyo, the
US balancing authorities), except ISO states (AU-NSW -> AUS-NSW). GB is Great Britain without
Northern Ireland: emaps_yearly files it under GBR, but an hourly series of GB is not the United
Kingdom's, so here it stays `GB`, a subregion of GBR.

Licence: Electricity Maps published these free data-portal files under ODbL when they were
downloaded, but its current terms describe the free datasets as non-commercial; the source is
marked not redistributable, so releases leave its rows out (they stay usable locally).

The URLs are the vendored copies pinned to commits (the portal needs a login), so a live
refresh reads the same bytes as the archive.
"""

from __future__ import annotations

import pandas as pd

from pipelines import zones
from pipelines.errors import SourceFormatError
from pipelines.sources._base import RawSource, Source, SourceFile
from pipelines.sources._parsing import parse_each_present, reject_repeated_hours

_GREEN_DCC = (
    "https://raw.githubusercontent.com/HewlettPackard/green-dcc/3f6ea95cb835b89ba50b0ef76d66d14b8037643e"
    "/data/carbon_intensity"
)
_COZYBENCH = (
    "https://raw.githubusercontent.com/satrai-lab/cozybench/33371464e32a16673633ea93f39fe014ec3574b7"
    "/models/carbon_intensity"
)
_ECO4CAST = (
    "https://raw.githubusercontent.com/AIRI-Institute/eco4cast/6bd35ce797fec9a36eaba5358aeb0d0f8724c25a"
    "/electricitymaps_datasets"
)


def _green_dcc(zone: str, folder: str | None = None) -> SourceFile:
    folder = folder or zone
    return SourceFile(
        f"{zone}_2023_hourly.csv", f"{_GREEN_DCC}/{folder}/2023/{folder}_2023_hourly.csv", "csv", "2025-04-02"
    )


FILES = (
    _green_dcc("DE", "DE-LU"),
    *(
        _green_dcc(zone)
        for zone in ("GB", "US-CAL-CISO", "US-MIDA-PJM", "US-TEX-ERCO", "US-NY-NYIS", "IN-WE", "JP-TK", "SG", "AU-NSW")
    ),
    SourceFile("FR_2023_hourly.csv", f"{_COZYBENCH}/FR_2023_hourly.csv", "csv", "2025-06-08"),
    SourceFile("PL_2022_hourly.csv", f"{_ECO4CAST}/PL_2022_hourly.csv", "csv", "2023-07-11"),
)

# Zones that are not their whole country, and the country they lie in.
SUBREGION_COUNTRIES = {
    "GB": "GBR",
    "IN-WE": "IND",
    "JP-TK": "JPN",
    "AU-NSW": "AUS",
    "US-CAL-CISO": "USA",
    "US-MIDA-PJM": "USA",
    "US-TEX-ERCO": "USA",
    "US-NY-NYIS": "USA",
}
ZONE_NAMES = {"GB": "Great Britain"}

# Column roles -> the names each portal layout uses.
_LAYOUTS = {
    "2023": {
        "time": "Datetime (UTC)",
        "zone": "Zone Id",
        "zone_name": "Zone Name",
        "direct": "Carbon Intensity gCO₂eq/kWh (direct)",
        "lifecycle": "Carbon Intensity gCO₂eq/kWh (LCA)",
        "low_carbon": "Low Carbon Percentage",
        "renewable": "Renewable Percentage",
        "estimated": "Data Estimated",
        "method": "Data Estimation Method",
    },
    "2025": {
        "time": "Datetime (UTC)",
        "zone": "Zone id",
        "direct": "Carbon intensity gCO₂eq/kWh (direct)",
        "lifecycle": "Carbon intensity gCO₂eq/kWh (Life cycle)",
        "low_carbon": "Carbon-free energy percentage (CFE%)",
        "renewable": "Renewable energy percentage (RE%)",
    },
}
_TRUE = {"true": True, "false": False}


def zone_place(zone_key: str) -> tuple[str, str, str]:
    """An Electricity Maps key -> (zone_id, zone_type, country_zone_id)."""
    key = zone_key.strip()
    if key in SUBREGION_COUNTRIES:
        zone_id = zones.electricitymaps_zone(key)[0] if key != "GB" else "GB"
        return zone_id, "subregion", SUBREGION_COUNTRIES[key]
    zone_id, zone_type = zones.electricitymaps_zone(key)
    if zone_type == "country":
        return zone_id, zone_type, zone_id
    country = zones.iso3_from_alpha2(key.split("-")[0]) if "-" in key else None
    if country is None:
        raise KeyError(key)
    return zone_id, zone_type, country


def parse_grid_intensity_hourly(raw: RawSource) -> pd.DataFrame:
    return parse_each_present(raw, [f.name for f in FILES], lambda name: name, _zone_year)


def _layout(raw: RawSource, name: str, frame: pd.DataFrame) -> dict:
    for layout in _LAYOUTS.values():
        if all(column in frame for role, column in layout.items() if role in ("time", "zone", "direct", "lifecycle")):
            return layout
    raise SourceFormatError(
        raw.source_id,
        name,
        "not an Electricity Maps hourly layout: expected "
        f"{_LAYOUTS['2023']['direct']!r} or {_LAYOUTS['2025']['direct']!r}; columns present: "
        f"{list(frame.columns)}",
        column=_LAYOUTS["2023"]["direct"],
    )


def _zone_year(raw: RawSource, name: str) -> pd.DataFrame:
    frame = raw.csv(name, dtype=str, keep_default_na=False, na_values=[""])
    frame.columns = [str(c).strip() for c in frame.columns]
    layout = _layout(raw, name, frame)
    hours = pd.to_datetime(frame[layout["time"]], format="%Y-%m-%d %H:%M:%S", utc=True, errors="coerce")
    if hours.isna().any():
        raise SourceFormatError(
            raw.source_id,
            name,
            "timestamp not 'YYYY-MM-DD hh:mm:ss'",
            column=layout["time"],
            sample_rows=frame[hours.isna()].head(5).to_dict("records"),
        )
    keys = frame[layout["zone"]].str.strip()
    if keys.isna().any() or keys.nunique() != 1:
        raise SourceFormatError(
            raw.source_id,
            name,
            f"expected one zone per file, found {sorted(keys.dropna().unique())[:5]}",
            column=layout["zone"],
        )
    key = keys.iloc[0]
    try:
        zone_id, zone_type, country = zone_place(key)
    except KeyError:
        raise SourceFormatError(
            raw.source_id, name, f"zone key {key!r} has no known country", column=layout["zone"]
        ) from None
    direct = raw.to_number(name, frame, layout["direct"])
    lifecycle = raw.to_number(name, frame, layout["lifecycle"])
    no_value = direct.isna() & lifecycle.isna()
    if no_value.any():
        # An hour the portal left blank is a gap, not a zero; it is left out and the check on
        # contiguous hours reports it.
        frame, hours, direct, lifecycle = frame[~no_value], hours[~no_value], direct[~no_value], lifecycle[~no_value]
    reject_repeated_hours(raw, name, frame, hours, layout["time"])
    estimated = (
        frame[layout["estimated"]].str.strip().str.lower().map(_TRUE)
        if "estimated" in layout and layout["estimated"] in frame
        else pd.Series(False, index=frame.index)
    )
    if estimated.isna().any():
        raise SourceFormatError(
            raw.source_id,
            name,
            "'Data Estimated' is neither true nor false",
            column=layout["estimated"],
            sample_rows=frame[estimated.isna()].head(5).to_dict("records"),
        )
    method = (
        frame[layout["method"]].str.strip()
        if "method" in layout and layout["method"] in frame
        else pd.Series(None, index=frame.index, dtype=object)
    )
    zone_name = ZONE_NAMES.get(key) or (
        frame[layout["zone_name"]].iloc[0].strip() if "zone_name" in layout and layout["zone_name"] in frame else key
    )
    return pd.DataFrame(
        {
            "zone_id": zone_id,
            "zone_name": zone_name,
            "zone_type": zone_type,
            "country_zone_id": country,
            "hour_start_utc": hours,
            "year": hours.dt.year,
            "direct_gco2e_per_kwh": direct,
            "lifecycle_gco2e_per_kwh": lifecycle,
            "low_carbon_pct": raw.to_number(name, frame, layout["low_carbon"])
            if layout["low_carbon"] in frame
            else None,
            "renewable_pct": raw.to_number(name, frame, layout["renewable"]) if layout["renewable"] in frame else None,
            "accounting": "consumption",
            "is_estimated": estimated.astype(bool),
            "estimation_method": method.where(estimated.astype(bool)),
            "source_file": name,
        }
    ).reset_index(drop=True)


SOURCE = Source(
    id="emaps_hourly",
    title="Electricity Maps hourly grid carbon intensity, 12 zones, one full year each (2023; Poland 2022)",
    publisher="Electricity Maps (data-portal hourly datasets), vendored by HewlettPackard/green-dcc, "
    "satrai-lab/cozybench and AIRI-Institute/eco4cast",
    license="ODbL-1.0 as published for the free data-portal datasets when downloaded; Electricity Maps' current "
    "terms describe them as non-commercial, so redistribution is not assumed",
    homepage="https://portal.electricitymaps.com/datasets",
    description="Hourly consumption-based carbon intensity (direct and lifecycle), low-carbon and renewable share, "
    "with an estimated flag per hour, for DE, FR, GB, PL, US-CAL-CISO, US-MIDA-PJM, US-TEX-ERCO, "
    "US-NY-NYIS, IN-WE, JP-TK, SG and AU-NSW.",
    files=FILES,
    parsers={"grid_intensity_hourly": parse_grid_intensity_hourly},
    redistributable=False,
)
