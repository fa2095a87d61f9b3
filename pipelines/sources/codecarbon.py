"""CodeCarbon's bundled energy-mix and carbon-intensity files (mlco2/codecarbon on GitHub)."""

from __future__ import annotations

import pandas as pd

from pipelines import zones
from pipelines.errors import SourceFormatError
from pipelines.sources._base import RawSource, Source, SourceFile

_COMMIT = "b05965e43b690cdc53787c7577adbe6e2caf4ed9"
_RAW = f"https://raw.githubusercontent.com/mlco2/codecarbon/{_COMMIT}/codecarbon/data"

GLOBAL_MIX = "global_energy_mix.json"
EU_INTENSITY = "eu-carbon-intensity-electricity.csv"
USA_STATES = "usa_emissions.json"
LB_PER_MWH_TO_G_PER_KWH = 0.45359237


def parse_grid_intensity(raw: RawSource) -> pd.DataFrame:
    return pd.concat([_global_mix(raw), _eu_intensity(raw), _usa_states(raw)], ignore_index=True)


def _global_mix(raw: RawSource) -> pd.DataFrame:
    # Our World in Data / Ember series: Ember uses lifecycle emission factors.
    data = raw.json(GLOBAL_MIX)
    frame = pd.DataFrame.from_dict(data, orient="index")
    raw.require_columns(GLOBAL_MIX, frame, ["iso_code", "country_name", "year", "carbon_intensity"])
    # CodeCarbon writes 0 where Our World in Data has no value (e.g. CAF 2022); no grid emits nothing.
    frame = frame[pd.to_numeric(frame["carbon_intensity"], errors="coerce") != 0]
    frame["zone_id"] = [zones.normalise_alpha3(c) or c for c in frame["iso_code"].astype(str)]
    return pd.DataFrame({
        "zone_id": frame["zone_id"],
        "zone_name": frame["country_name"],
        "zone_type": "country",
        "year": raw.to_number(GLOBAL_MIX, frame, "year"),
        "gco2e_per_kwh": raw.to_number(GLOBAL_MIX, frame, "carbon_intensity"),
        "basis": "lifecycle",
        "source_file": GLOBAL_MIX,
    }).reset_index(drop=True)


def _eu_intensity(raw: RawSource) -> pd.DataFrame:
    # OWID grapher export of the EEA series, which counts CO2 from combustion only.
    frame = raw.csv(EU_INTENSITY)
    value_column = "Carbon intensity of electricity (gCO2/kWh)"
    raw.require_columns(EU_INTENSITY, frame, ["Entity", "Code", "Year", value_column])
    frame = frame[frame["Code"].notna()]
    return pd.DataFrame({
        "zone_id": [zones.normalise_alpha3(c) or c for c in frame["Code"]],
        "zone_name": frame["Entity"],
        "zone_type": "country",
        "year": raw.to_number(EU_INTENSITY, frame, "Year"),
        "gco2e_per_kwh": raw.to_number(EU_INTENSITY, frame, value_column),
        "basis": "direct",
        "source_file": EU_INTENSITY,
    }).reset_index(drop=True)


def _usa_states(raw: RawSource) -> pd.DataFrame:
    # eGRID 2016 state output emission rates, lb CO2 per MWh, combustion only.
    data = raw.json(USA_STATES)
    unit = data.pop("_unit", {}).get("emissions")
    if unit != "lbs/MWh":
        raise SourceFormatError("codecarbon", USA_STATES, f"expected unit 'lbs/MWh', file says {unit!r}",
                                column="emissions")
    frame = pd.DataFrame.from_dict(data, orient="index").rename_axis("state").reset_index()
    raw.require_columns(USA_STATES, frame, ["emissions", "regionCode"])
    return pd.DataFrame({
        "zone_id": [zones.us_state_id(c) for c in frame["regionCode"].astype(str)],
        "zone_name": frame["state"].str.title(),
        "zone_type": "subregion",
        "year": 2016,
        "gco2e_per_kwh": raw.to_number(USA_STATES, frame, "emissions") * LB_PER_MWH_TO_G_PER_KWH,
        "basis": "direct",
        "source_file": USA_STATES,
    })


SOURCE = Source(
    id="codecarbon",
    title="CodeCarbon energy-mix and carbon-intensity data",
    publisher="CodeCarbon (Mila, BCG GAMMA, Comet, Haverford College and contributors)",
    license="MIT",
    homepage="https://codecarbon.io/",
    description="Data files CodeCarbon ships to turn measured energy into emissions.",
    files=(
        SourceFile(GLOBAL_MIX, f"{_RAW}/private_infra/global_energy_mix.json", "json", "2024-09-20"),
        SourceFile("carbon_intensity_per_source.json",
                   f"{_RAW}/private_infra/carbon_intensity_per_source.json", "json", "2021-11-14"),
        SourceFile(EU_INTENSITY, f"{_RAW}/private_infra/2020/eu-carbon-intensity-electricity.csv", "csv",
                   "2022-12-22"),
        SourceFile(USA_STATES, f"{_RAW}/private_infra/2016/usa_emissions.json", "json", "2020-08-27"),
        SourceFile("cloud_impact.csv", f"{_RAW}/cloud/impact.csv", "csv", "2024-07-13"),
        SourceFile("cpu_power.csv", f"{_RAW}/hardware/cpu_power.csv", "csv", "2026-04-13"),
    ),
    parsers={"grid_carbon_intensity": parse_grid_intensity},
)
