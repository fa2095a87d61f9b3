"""Green Algorithms calculator reference data (GreenAlgorithms/green-algorithms-tool on GitHub).

Grid carbon intensity comes from CI_aggregated.csv: one value per location, compiled from
several publishers (carbonfootprint.com, Climate Transparency, AIB, Defra, EPA eGRID, IEA,
Electricity Maps) and dated only in free text.

* year: the data year a row states in its source or comments ("Data from April 2022",
  "(data from 2019 published in 2021)", "using 2019/20 data"); a span is dated by its later
  year. A row that states none (Taiwan, in the 2022-10-22 file) gets the year most rows of
  the file state (2020 there, the later year on a tie): a compilation's undated values most
  likely share its usual vintage, while the file's own date would claim newer data than
  any row states.
* basis: unknown. Green Algorithms does not say, and its rows mix generation-only,
  generation plus T&D, AIB production-mix, IEA CO2-only and Electricity Maps lifecycle factors.
"""

from __future__ import annotations

import re

import pandas as pd

from pipelines import hardware, zones
from pipelines.errors import SourceFormatError
from pipelines.sources._base import Freshness, RawSource, Source, SourceFile
from pipelines.sources._parsing import reject_repeated_zone_years, rows_with_intensity
from pipelines.sources._specs import finish_specs, numeric_column

_COMMIT = "30df2feead1c7f5db87a3d86ca1239470a0cd415"
_RAW = f"https://raw.githubusercontent.com/GreenAlgorithms/green-algorithms-tool/{_COMMIT}/data/latest"

CARBON_INTENSITY = "CI_aggregated.csv"
_UNIT = "in gCO2e/kWh"
_WORLD = "WORLD"
_ANY = "Any"  # Green Algorithms' "not narrowed down" in countryName / regionName
# Green Algorithms codes Manitoba CA-MT; ISO 3166-2 codes it CA-MB.
_LOCATION_FIXES = {"CA-MT": "CA-MB"}
_DATA_YEAR_PATTERNS = (
    re.compile(r"data from (?:[a-z]+ )?(?P<start>\d{4})", re.IGNORECASE),
    re.compile(r"(?:based on|using) (?P<start>\d{4})(?:/(?P<end>\d{2}))? data", re.IGNORECASE),
)


def parse_grid_intensity(raw: RawSource) -> pd.DataFrame:
    # Two header rows: units first ("in gCO2e/kWh" over carbonIntensity), then column names.
    # Only an empty cell is missing: pandas would also read Namibia's code NA as missing.
    table = raw.csv(CARBON_INTENSITY, header=None, dtype=str, keep_default_na=False, na_values=[""])
    units, names = table.iloc[0], table.iloc[1].str.strip()
    frame = table.iloc[2:].set_axis(names, axis=1)
    raw.require_columns(
        CARBON_INTENSITY,
        frame,
        ["location", "continentName", "countryName", "regionName", "carbonIntensity", "source", "comments"],
    )
    unit = str(units.set_axis(names)["carbonIntensity"]).strip()
    if unit != _UNIT:
        raise SourceFormatError(
            raw.source_id,
            CARBON_INTENSITY,
            f"expected unit {_UNIT!r} in the first header row, file says {unit!r}",
            column="carbonIntensity",
        )

    # An empty or 0 intensity marks a location without data, not a grid that emits nothing.
    frame, intensity = rows_with_intensity(raw, CARBON_INTENSITY, frame, "carbonIntensity")

    zone_ids, zone_types = zip(*(_zone(raw, location) for location in frame["location"]), strict=True)
    staged = pd.DataFrame(
        {
            "zone_id": zone_ids,
            "zone_name": [_zone_name(row) for row in frame.itertuples()],
            "zone_type": zone_types,
            "year": _data_years(raw, frame),
            "gco2e_per_kwh": intensity,
            "basis": "unknown",
            "source_file": CARBON_INTENSITY,
        },
        index=frame.index,
    )

    reject_repeated_zone_years(raw, CARBON_INTENSITY, frame, staged, "location")
    return staged.reset_index(drop=True)


def _zone(raw: RawSource, location: str) -> tuple[str, str]:
    code = str(location).strip().upper()
    code = _LOCATION_FIXES.get(code, code)
    if code == _WORLD:
        return zones.aggregate_id("World"), "aggregate"
    if "-" in code:
        # Sub-zones ISO does not list (CN-HK2, AU-WA1 ...) are Green Algorithms' own: keep their code.
        return zones.subdivision_id(code) or code, "subregion"
    iso3 = zones.iso3_from_alpha2(code)
    if iso3 is None:
        raise SourceFormatError(
            raw.source_id, CARBON_INTENSITY, f"location {location!r} is not an ISO country code", column="location"
        )
    return iso3, "country"


def _zone_name(row) -> str:
    for name in (row.regionName, row.countryName, row.continentName):
        if isinstance(name, str) and name.strip() and name.strip() != _ANY:
            return name.strip()
    return str(row.location)


def _data_years(raw: RawSource, frame: pd.DataFrame) -> pd.Series:
    text = frame["source"].fillna("") + " " + frame["comments"].fillna("")
    stated = pd.Series([_stated_year(t) for t in text], index=frame.index, dtype="Int64")
    if stated.isna().all():
        raise SourceFormatError(raw.source_id, CARBON_INTENSITY, "no row states the year of its data", column="source")
    # Rows that state no year get the year most rows state (see the module docstring).
    return stated.fillna(stated.mode().max()).astype("int64")


def _stated_year(text: str) -> int | None:
    for pattern in _DATA_YEAR_PATTERNS:
        match = pattern.search(text)
        if match:
            start, end = match["start"], match.groupdict().get("end")
            return int(start[:2] + end) if end else int(start)
    return None


PUE_DEFAULTS = "defaults_PUE.csv"
_UNKNOWN_PROVIDER = "Unknown"  # the calculator's default for a data centre of unknown provider
# Provider codes as in providersNamesCodes.csv; other providers are named in full already.
_PUE_PROVIDER_NAMES = {"gcp": "Google Cloud Platform", "aws": "Amazon Web Services", "azure": "Microsoft Azure"}
_PUE_PUBLISHERS = {"uptimeinstitute.com": "Uptime Institute", "nutanix.dev": "Nutanix"}


def parse_datacenter_pue(raw: RawSource) -> pd.DataFrame:
    """defaults_PUE.csv: the calculator's default PUE and per-provider PUE.

    Two header rows (an index row, then provider,PUE,source). The 'Unknown' provider row is the
    default for a data centre of unknown provider, an industry average (Uptime Institute's
    global survey in the 2025-02-05 file); the other rows are cloud providers' fleet figures.
    year: the first four-digit year in the source cell ("2024 https://...", or the date in a
    cited URL's path ".../2023/05/04/..."); publisher: named from the cited URL's domain.
    """
    table = raw.csv(PUE_DEFAULTS, header=None, dtype=str, keep_default_na=False, na_values=[""])
    frame = table.iloc[2:].set_axis(table.iloc[1].str.strip(), axis=1)
    raw.require_columns(PUE_DEFAULTS, frame, ["provider", "PUE", "source"])
    frame = frame[frame["provider"].notna()]
    source_text = frame["source"].fillna("").str.strip()
    years = pd.to_numeric(source_text.str.extract(r"\b((?:19|20)\d{2})\b")[0])
    if years.isna().any():
        raise SourceFormatError(
            raw.source_id,
            PUE_DEFAULTS,
            "source cell states no year",
            column="source",
            sample_rows=frame[years.isna()].to_dict("records"),
        )
    urls = source_text.str.extract(r"(https?://\S+)")[0]
    domains = urls.str.extract(r"https?://(?:[\w-]+\.)*?([\w-]+\.[a-z]+)/")[0]
    publishers = [_PUE_PUBLISHERS.get(domain, domain) if isinstance(domain, str) else None for domain in domains]
    providers = frame["provider"].str.strip()
    is_default = providers == _UNKNOWN_PROVIDER
    return pd.DataFrame(
        {
            "scope": ["industry" if default else "provider" for default in is_default],
            "entity": [
                f"{publisher} global average (Green Algorithms default for an unknown provider)"
                if default
                else _PUE_PROVIDER_NAMES.get(provider, provider)
                for provider, publisher, default in zip(providers, publishers, is_default, strict=True)
            ],
            "year": years,
            "pue": raw.to_number(PUE_DEFAULTS, frame, "PUE"),
            "citation_publisher": publishers,
            "citation_title": None,
            "citation_url": urls,
            "citation_published": None,
            "citation_note": "Green Algorithms defaults_PUE.csv, provider '" + providers + "': " + source_text,
            "source_file": PUE_DEFAULTS,
        }
    ).reset_index(drop=True)


GPU_TDP = "TDP_gpu.csv"
_GPU_UNITS = {"TDP": "in Watt", "feature_size": "in nm", "die_area": "in cm2", "memory": "in GB"}
_DEFAULT_MODEL = "Any"  # the calculator's default for an unnamed GPU (200 W per core), not a GPU
CM2_TO_MM2 = 100


def parse_accelerator_specs(raw: RawSource) -> pd.DataFrame:
    """TDP_gpu.csv: one row per GPU/TPU model; two header rows (units first, then column names)."""
    table = raw.csv(GPU_TDP, header=None, dtype=str, keep_default_na=False, na_values=[""])
    units, names = table.iloc[0].fillna("").str.strip(), table.iloc[1].str.strip()
    frame = table.iloc[2:].set_axis(names, axis=1)
    raw.require_columns(
        GPU_TDP, frame, ["model", "TDP", "Release_year", "feature_size", "die_area", "memory", "source"]
    )
    stated = units.set_axis(names)
    for column, unit in _GPU_UNITS.items():
        if stated[column] != unit:
            raise SourceFormatError(
                raw.source_id,
                GPU_TDP,
                f"expected unit {unit!r} in the first header row, file says {stated[column]!r}",
                column=column,
            )
    frame = frame[frame["model"].notna() & (frame["model"].str.strip() != _DEFAULT_MODEL)]
    specs = pd.DataFrame(
        {
            "model": frame["model"],
            "kind": frame["model"].map(hardware.infer_kind),
            "tdp_w": numeric_column(raw, GPU_TDP, frame, "TDP"),
            "memory_gb": numeric_column(raw, GPU_TDP, frame, "memory"),
            "release_year": numeric_column(raw, GPU_TDP, frame, "Release_year").astype("Int64"),
            "process_nm": numeric_column(raw, GPU_TDP, frame, "feature_size"),
            "die_area_mm2": numeric_column(raw, GPU_TDP, frame, "die_area") * CM2_TO_MM2,
            "reference": frame["source"].str.strip(),
        }
    )
    return finish_specs(specs, GPU_TDP)


DATACENTRES = "cloudProviders_datacenters.csv"
_CITED_DATE = re.compile(r"\((\d{2})/(\d{2})/(\d{4})\)")


def parse_cloud_regions(raw: RawSource) -> pd.DataFrame:
    """cloudProviders_datacenters.csv: cloud regions with their location and, for Google, PUE.

    Two header rows (a notes row, then column names). Region names are normalised like the
    providers' API ids (Azure's 'East US 2' becomes 'eastus2'). The data year is the date the
    calculator's authors cite for the row ('(29/09/2020)'); no intensity is given per region
    (the calculator looks it up by location in CI_aggregated.csv, published in the grid table).
    """
    table = raw.csv(DATACENTRES, header=None, dtype=str, keep_default_na=False)
    frame = table.iloc[2:].set_axis(table.iloc[1].str.strip(), axis=1)
    raw.require_columns(
        DATACENTRES,
        frame,
        ["provider", "Name", "location", "location_freeForm", "source_datacentre", "PUE", "source_PUE"],
    )
    frame = frame[frame["Name"].str.strip() != ""]
    cited = (frame["source_PUE"] + " " + frame["source_datacentre"]).str.extract(_CITED_DATE)[2]
    if cited.isna().any():
        raise SourceFormatError(
            raw.source_id,
            DATACENTRES,
            "no '(dd/mm/yyyy)' date cited for the row",
            column="source_datacentre",
            sample_rows=frame[cited.isna()].head(5).to_dict("records"),
        )
    providers = frame["provider"].str.strip().str.lower()
    # "Germany West Central (Public)": the bracket is the calculator's note, not part of the region id.
    regions = (
        frame["Name"]
        .str.replace(r"\s*\(.*?\)", "", regex=True)
        .str.strip()
        .str.lower()
        .str.replace(" ", "", regex=False)
    )
    return pd.DataFrame(
        {
            "provider": providers,
            "region": regions,
            "location": frame["location_freeForm"].str.strip().replace("", None),
            "zone_id": [zones.cloud_region_id(p, r) for p, r in zip(providers, regions, strict=True)],
            "country_zone_id": [zones.iso3_from_alpha2(code.split("-")[0]) for code in frame["location"].str.strip()],
            "year": cited.astype(int),
            "grid_gco2e_per_kwh": float("nan"),
            "grid_intensity_basis": None,
            "cfe_fraction": float("nan"),
            "pue": raw.to_number(DATACENTRES, frame, "PUE").astype("float64"),
            "source_file": DATACENTRES,
        }
    ).reset_index(drop=True)


SOURCE = Source(
    id="green_algorithms",
    title="Green Algorithms calculator reference data (v3.0 / latest)",
    publisher="Green Algorithms project (Lannelongue, Grealey, Inouye)",
    license="CC-BY-4.0",
    homepage="https://www.green-algorithms.org/",
    description="Reference tables behind the Green Algorithms carbon footprint calculator: carbon intensity "
    "by location, CPU/GPU power (TDP), default and provider PUE, cloud data centres mapped to "
    "locations, and equivalence constants.",
    files=(
        SourceFile(CARBON_INTENSITY, f"{_RAW}/CI_aggregated.csv", "csv", "2022-10-22"),
        SourceFile("TDP_gpu.csv", f"{_RAW}/TDP_gpu.csv", "csv", "2025-02-05"),
        SourceFile("TDP_cpu.csv", f"{_RAW}/TDP_cpu.csv", "csv", "2025-02-05"),
        SourceFile("defaults_PUE.csv", f"{_RAW}/defaults_PUE.csv", "csv", "2025-02-05"),
        SourceFile("cloudProviders_datacenters.csv", f"{_RAW}/cloudProviders_datacenters.csv", "csv", "2022-04-12"),
        SourceFile("providersNamesCodes.csv", f"{_RAW}/providersNamesCodes.csv", "csv", "2022-04-12"),
        SourceFile("referenceValues.csv", f"{_RAW}/referenceValues.csv", "csv", "2025-01-07"),
    ),
    parsers={
        "grid_carbon_intensity": parse_grid_intensity,
        "datacenter_pue": parse_datacenter_pue,
        "accelerator_specs": parse_accelerator_specs,
        "cloud_regions": parse_cloud_regions,
    },
    freshness=Freshness(1095, "the Green Algorithms tables change rarely"),
    priority={"grid_carbon_intensity": 10, "accelerator_specs": 2},
)
