"""CodeCarbon's bundled energy-mix and carbon-intensity files (mlco2/codecarbon on GitHub)."""

from __future__ import annotations

import pandas as pd

from pipelines import zones
from pipelines.errors import SourceFormatError
from pipelines.sources._base import Freshness, RawSource, Source, SourceFile

_COMMIT = "b05965e43b690cdc53787c7577adbe6e2caf4ed9"
_RAW = f"https://raw.githubusercontent.com/mlco2/codecarbon/{_COMMIT}/codecarbon/data"

GLOBAL_MIX = "global_energy_mix.json"
EU_INTENSITY = "eu-carbon-intensity-electricity.csv"
USA_STATES = "usa_emissions.json"
LB_PER_MWH_TO_G_PER_KWH = 0.45359237
PER_SOURCE = "carbon_intensity_per_source.json"
CLOUD_IMPACT = "cloud_impact.csv"


def parse_grid_intensity(raw: RawSource) -> pd.DataFrame:
    return pd.concat([_global_mix(raw), _eu_intensity(raw), _usa_states(raw)], ignore_index=True)


def _country_ids(raw: RawSource, name: str, frame: pd.DataFrame, column: str) -> list[str]:
    """ISO alpha-3 country ids; a code we cannot place is an error, not a made-up country."""
    ids = [zones.normalise_alpha3(str(code)) for code in frame[column]]
    unknown = [i for i, zone_id in enumerate(ids) if zone_id is None]
    if unknown:
        raise SourceFormatError(
            raw.source_id,
            name,
            f"{len(unknown)} code(s) that are not ISO 3166-1 alpha-3 "
            "(add an alias in pipelines/zones.py if it is a country)",
            column=column,
            sample_rows=frame.iloc[unknown[:5]].to_dict("records"),
        )
    return ids


def _global_mix(raw: RawSource) -> pd.DataFrame:
    # Our World in Data / Ember series: Ember uses lifecycle emission factors.
    data = raw.json(GLOBAL_MIX)
    frame = pd.DataFrame.from_dict(data, orient="index")
    raw.require_columns(GLOBAL_MIX, frame, ["iso_code", "country_name", "year", "carbon_intensity"])
    # CodeCarbon writes 0 where Our World in Data has no value (e.g. CAF 2022); no grid emits nothing.
    frame = frame[pd.to_numeric(frame["carbon_intensity"], errors="coerce") != 0]
    frame["zone_id"] = _country_ids(raw, GLOBAL_MIX, frame, "iso_code")
    return pd.DataFrame(
        {
            "zone_id": frame["zone_id"],
            "zone_name": frame["country_name"],
            "zone_type": "country",
            "year": raw.to_number(GLOBAL_MIX, frame, "year"),
            "gco2e_per_kwh": raw.to_number(GLOBAL_MIX, frame, "carbon_intensity"),
            "basis": "lifecycle",
            "source_file": GLOBAL_MIX,
        }
    ).reset_index(drop=True)


def _eu_intensity(raw: RawSource) -> pd.DataFrame:
    # OWID grapher export of the EEA series, which counts CO2 from combustion only.
    frame = raw.csv(EU_INTENSITY)
    value_column = "Carbon intensity of electricity (gCO2/kWh)"
    raw.require_columns(EU_INTENSITY, frame, ["Entity", "Code", "Year", value_column])
    frame = frame[frame["Code"].notna()]
    return pd.DataFrame(
        {
            "zone_id": _country_ids(raw, EU_INTENSITY, frame, "Code"),
            "zone_name": frame["Entity"],
            "zone_type": "country",
            "year": raw.to_number(EU_INTENSITY, frame, "Year"),
            "gco2e_per_kwh": raw.to_number(EU_INTENSITY, frame, value_column),
            "basis": "direct",
            "source_file": EU_INTENSITY,
        }
    ).reset_index(drop=True)


def _usa_states(raw: RawSource) -> pd.DataFrame:
    # eGRID 2016 state output emission rates, lb CO2 per MWh, combustion only.
    data = raw.json(USA_STATES)
    unit = data.pop("_unit", {}).get("emissions")
    if unit != "lbs/MWh":
        raise SourceFormatError(
            "codecarbon", USA_STATES, f"expected unit 'lbs/MWh', file says {unit!r}", column="emissions"
        )
    frame = pd.DataFrame.from_dict(data, orient="index").rename_axis("state").reset_index()
    raw.require_columns(USA_STATES, frame, ["emissions", "regionCode"])
    return pd.DataFrame(
        {
            "zone_id": [zones.us_state_id(c) for c in frame["regionCode"].astype(str)],
            "zone_name": frame["state"].str.title(),
            "zone_type": "subregion",
            "year": 2016,
            "gco2e_per_kwh": raw.to_number(USA_STATES, frame, "emissions") * LB_PER_MWH_TO_G_PER_KWH,
            "basis": "direct",
            "source_file": USA_STATES,
        }
    )


# carbon_intensity_per_source.json key -> technology (schemas/grid_extras.py). `world_average`
# (IEA's world grid average) is an average grid intensity, not a technology, and is not read.
PER_SOURCE_TECHNOLOGIES = {
    "coal": "coal",
    "petroleum": "oil",
    "natural_gas": "gas",
    "fossil": "fossil",
    "geothermal": "geothermal",
    "hydroelectricity": "hydro",
    "nuclear": "nuclear",
    "solar": "solar",
    "wind": "wind",
}
_NOT_TECHNOLOGIES = {"unit", "world_average"}
# The file states no basis; each factor's citation does. The World Nuclear Association report is
# a comparison of lifecycle emissions. energy-usage converts fuel burnt to CO2 with EPA carbon
# contents (combustion only), and eGRID's fossil output emission rate is stack emissions.
PER_SOURCE_BASIS_BY_CITATION = {
    "world-nuclear.org": "lifecycle",
    "responsibleproblemsolving/energy-usage": "direct",
    "epa.gov/egrid": "direct",
}


def parse_generation_emission_factors(raw: RawSource) -> pd.DataFrame:
    data = raw.json(PER_SOURCE)
    unit = data.get("unit") if isinstance(data, dict) else None
    if unit != "gCO2.eq/kWh":
        raise SourceFormatError(
            raw.source_id, PER_SOURCE, f"expected unit 'gCO2.eq/kWh', file says {unit!r}", column="unit"
        )
    rows = []
    for key, value in data.items():
        if key.endswith("_source") or key in _NOT_TECHNOLOGIES:
            continue
        if key not in PER_SOURCE_TECHNOLOGIES:
            raise SourceFormatError(raw.source_id, PER_SOURCE, f"unknown technology '{key}'", column=key)
        citation = str(data.get(f"{key}_source") or "").strip()
        basis = next((b for marker, b in PER_SOURCE_BASIS_BY_CITATION.items() if marker in citation), None)
        if basis is None:
            raise SourceFormatError(
                raw.source_id,
                PER_SOURCE,
                f"no known basis for the citation {citation!r} of '{key}' (add it to PER_SOURCE_BASIS_BY_CITATION)",
                column=f"{key}_source",
            )
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise SourceFormatError(raw.source_id, PER_SOURCE, f"non-numeric value {value!r}", column=key)
        rows.append(
            {
                "technology": PER_SOURCE_TECHNOLOGIES[key],
                "technology_as_published": key,
                "basis": basis,
                "gco2e_per_kwh": float(value),
                "valid_from_date": None,
                "source_note": citation,
                "source_file": PER_SOURCE,
            }
        )
    if not rows:
        raise SourceFormatError(raw.source_id, PER_SOURCE, "no emission factors in the file")
    return pd.DataFrame(rows)


# The file has no year column. At the pinned commit every row is Google Cloud's, citing Google's
# region-carbon page, and the values are Google's 2023 figures (region-carbon-info 2023.csv;
# the integration tests check the match), so that is the data year.
CLOUD_IMPACT_DATA_YEAR = 2023
CLOUD_IMPACT_PROVIDERS = {"gcp"}
# Region ids CodeCarbon misspells, corrected so the row joins on the provider's id.
CLOUD_REGION_CORRECTIONS = {("gcp", "me-cenrtal1"): "me-central1"}


def parse_cloud_regions(raw: RawSource) -> pd.DataFrame:
    frame = raw.csv(CLOUD_IMPACT, dtype=str, keep_default_na=False)
    frame = frame.apply(lambda column: column.str.strip())
    raw.require_columns(
        CLOUD_IMPACT,
        frame,
        ["provider", "region", "country_name", "countryIsoCode", "state", "city", "impact", "source"],
    )
    other = ~frame["provider"].isin(CLOUD_IMPACT_PROVIDERS)
    if other.any():
        raise SourceFormatError(
            raw.source_id,
            CLOUD_IMPACT,
            f"rows of provider(s) {sorted(set(frame.loc[other, 'provider']))}, whose data "
            f"year this parser cannot state",
            column="provider",
            sample_rows=frame[other].head(5).to_dict("records"),
        )
    regions = [CLOUD_REGION_CORRECTIONS.get((p, r), r) for p, r in zip(frame["provider"], frame["region"], strict=True)]
    intensity = raw.to_number(CLOUD_IMPACT, frame, "impact").astype("float64")
    location = (
        frame["city"].where(frame["city"] != "", frame["state"]).where(lambda cells: cells != "", frame["country_name"])
    )
    return pd.DataFrame(
        {
            "provider": frame["provider"],
            "region": regions,
            "location": location.replace("", None),
            "zone_id": [zones.cloud_region_id(p, r) for p, r in zip(frame["provider"], regions, strict=True)],
            "country_zone_id": [zones.normalise_alpha3(c) if c else None for c in frame["countryIsoCode"]],
            "year": CLOUD_IMPACT_DATA_YEAR,
            "grid_gco2e_per_kwh": intensity,
            # Google's figures from 2021 on are operational (direct); see gcp_region_carbon.
            "grid_intensity_basis": ["direct" if pd.notna(v) else None for v in intensity],
            "cfe_fraction": float("nan"),
            "pue": float("nan"),
            "source_file": CLOUD_IMPACT,
        }
    )


SOURCE = Source(
    id="codecarbon",
    title="CodeCarbon energy-mix and carbon-intensity data",
    publisher="CodeCarbon (Mila, BCG GAMMA, Comet, Haverford College and contributors)",
    license="MIT",
    homepage="https://codecarbon.io/",
    description="Data files CodeCarbon ships to turn measured energy into emissions.",
    files=(
        SourceFile(GLOBAL_MIX, f"{_RAW}/private_infra/global_energy_mix.json", "json", "2024-09-20"),
        SourceFile(
            "carbon_intensity_per_source.json",
            f"{_RAW}/private_infra/carbon_intensity_per_source.json",
            "json",
            "2021-11-14",
        ),
        SourceFile(EU_INTENSITY, f"{_RAW}/private_infra/2020/eu-carbon-intensity-electricity.csv", "csv", "2022-12-22"),
        SourceFile(USA_STATES, f"{_RAW}/private_infra/2016/usa_emissions.json", "json", "2020-08-27"),
        SourceFile("cloud_impact.csv", f"{_RAW}/cloud/impact.csv", "csv", "2024-07-13"),
        SourceFile("cpu_power.csv", f"{_RAW}/hardware/cpu_power.csv", "csv", "2026-04-13"),
    ),
    parsers={
        "grid_carbon_intensity": parse_grid_intensity,
        "generation_emission_factors": parse_generation_emission_factors,
        "cloud_regions": parse_cloud_regions,
    },
    freshness=Freshness(730, "CodeCarbon refreshes its bundled data irregularly"),
    priority={"grid_carbon_intensity": 7},
)
