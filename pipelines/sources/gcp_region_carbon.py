"""Google Cloud region carbon data (GoogleCloudPlatform/region-carbon-info): one CSV per data year.

Each file gives, per Google Cloud region, the average carbon intensity of the local grid
(gCO2eq/kWh) and Google's carbon-free-energy share (CFE%, which describes Google's procurement,
not the grid: it goes to `cloud_regions`, not `grid_carbon_intensity`).

Basis follows each file's own header. 2019 and 2020 label the column 'Lifecycle grid carbon
intensity', so `lifecycle`. From 2021 the column is 'Grid carbon intensity', which the
repository README defines as "average operational gross emissions per unit of energy from the
grid": operational, i.e. `direct`. The data agree: Montréal (hydro) is 27 g in 2019-2020 and
0-5 g from 2021.

Google rounds to whole grams before 2024, so Montréal's near-zero grid prints as 0 in 2021 and
2022. The schema requires a positive intensity; those rows are dropped with a logged warning
rather than raised to an invented small number.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator

import pandas as pd

from pipelines import zones
from pipelines.errors import SourceFormatError
from pipelines.sources._base import Freshness, RawSource, Source, SourceFile

log = logging.getLogger(__name__)

_COMMIT = "49f3f26bfd682305e8d9b572fea1f811900421a9"
_RAW = f"https://raw.githubusercontent.com/GoogleCloudPlatform/region-carbon-info/{_COMMIT}/data/yearly"

# data year -> data_as_of of the bytes at the pinned commit
YEARLY_FILES = {
    2019: "2023-12-02",
    2020: "2023-12-02",
    2021: "2023-12-02",
    2022: "2025-01-13",
    2023: "2024-07-04",
    2024: "2025-12-03",
}
_FILE_NAME = re.compile(r"^(\d{4})\.csv$")
_INTENSITY_COLUMN = re.compile(r"^(lifecycle )?grid carbon intensity \(gco2eq ?/ ?kwh\)$", re.IGNORECASE)
REGION_COLUMN = "Google Cloud Region"
LOCATION_COLUMN = "Location"


def _yearly_files(raw: RawSource) -> Iterator[tuple[str, int, pd.DataFrame, str]]:
    """Each yearly file in year order: its name, data year, cells (headers trimmed) and intensity column."""
    for name in sorted(raw.files):
        match = _FILE_NAME.match(name)
        if match:
            frame = raw.csv(name, dtype=str, keep_default_na=False)
            frame.columns = [str(c).strip() for c in frame.columns]
            yield name, int(match.group(1)), frame, _intensity_column(raw, name, frame)


def _basis(intensity_column: str) -> str:
    return "lifecycle" if intensity_column.lower().startswith("lifecycle") else "direct"


def parse_grid_intensity(raw: RawSource) -> pd.DataFrame:
    return pd.concat([_yearly_intensity(raw, *yearly) for yearly in _yearly_files(raw)], ignore_index=True)


def _yearly_intensity(raw: RawSource, name: str, year: int, frame: pd.DataFrame, intensity_column: str) -> pd.DataFrame:
    raw.require_columns(name, frame, [REGION_COLUMN, LOCATION_COLUMN, intensity_column])
    no_region = frame[REGION_COLUMN].str.strip() == ""
    if no_region.any():
        raise SourceFormatError(
            raw.source_id,
            name,
            f"{int(no_region.sum())} row(s) without a region",
            column=REGION_COLUMN,
            sample_rows=frame.loc[no_region].head(5).to_dict("records"),
        )

    values = raw.to_number(name, frame, intensity_column)
    zero = values == 0
    if zero.any():
        log.warning(
            "gcp_region_carbon: %s: dropped %d region(s) published as 0 gCO2eq/kWh "
            "(rounded to whole grams; the schema needs a positive value): %s",
            name,
            int(zero.sum()),
            ", ".join(frame.loc[zero, REGION_COLUMN]),
        )
    frame, values = frame[~zero], values[~zero]

    return pd.DataFrame(
        {
            "zone_id": [zones.cloud_region_id("gcp", region) for region in frame[REGION_COLUMN]],
            "zone_name": frame[LOCATION_COLUMN].str.strip(),
            "zone_type": "cloud_region",
            "year": year,
            "gco2e_per_kwh": values,
            "basis": _basis(intensity_column),
            "source_file": name,
        }
    ).reset_index(drop=True)


def _intensity_column(raw: RawSource, name: str, frame: pd.DataFrame) -> str:
    matches = [c for c in frame.columns if _INTENSITY_COLUMN.match(c)]
    if len(matches) != 1:
        raise SourceFormatError(
            raw.source_id,
            name,
            f"expected one '[Lifecycle ]grid carbon intensity (gCO2eq / kWh)' column, "
            f"found {matches}; columns present: {list(frame.columns)}",
            column="Grid carbon intensity (gCO2eq / kWh)",
        )
    return matches[0]


CFE_COLUMN = "Google CFE"
# Google names every region in the United States `us-<area><n>`; other regions' Location is a
# city unless it is a country or territory name (Finland, Taiwan, Hong Kong ...). Names of three
# letters or fewer are skipped: pycountry would read them as ISO codes.
_US_REGION = re.compile(r"^us-")


def parse_cloud_regions(raw: RawSource) -> pd.DataFrame:
    return pd.concat([_yearly_regions(raw, *yearly) for yearly in _yearly_files(raw)], ignore_index=True)


def _yearly_regions(raw: RawSource, name: str, year: int, frame: pd.DataFrame, intensity_column: str) -> pd.DataFrame:
    frame = frame.apply(lambda column: column.str.strip())
    raw.require_columns(name, frame, [REGION_COLUMN, LOCATION_COLUMN, CFE_COLUMN, intensity_column])
    frame = frame[frame[REGION_COLUMN] != ""]
    intensity = raw.to_number(name, frame, intensity_column).astype("float64")
    basis = _basis(intensity_column)
    # Unlike grid_carbon_intensity, a 0 here is kept as published (rounded to whole grams).
    return pd.DataFrame(
        {
            "provider": "gcp",
            "region": frame[REGION_COLUMN],
            "location": frame[LOCATION_COLUMN].replace("", None),
            "zone_id": [zones.cloud_region_id("gcp", region) for region in frame[REGION_COLUMN]],
            "country_zone_id": [
                _country(region, location)
                for region, location in zip(frame[REGION_COLUMN], frame[LOCATION_COLUMN], strict=True)
            ],
            "year": year,
            "grid_gco2e_per_kwh": intensity,
            "grid_intensity_basis": [basis if pd.notna(v) else None for v in intensity],
            "cfe_fraction": raw.to_number(name, frame, CFE_COLUMN).astype("float64"),
            "pue": float("nan"),
            "source_file": name,
        }
    ).reset_index(drop=True)


def _country(region: str, location: str) -> str | None:
    if _US_REGION.match(region):
        return "USA"
    return zones.iso3_from_name(location) if len(location) > 3 else None


SOURCE = Source(
    id="gcp_region_carbon",
    title="Google Cloud region carbon data: grid carbon intensity and Google CFE% per region and year",
    publisher="Google Cloud (GoogleCloudPlatform/region-carbon-info)",
    license="Apache-2.0",
    homepage="https://cloud.google.com/sustainability/region-carbon",
    description="One CSV per data year: average grid carbon intensity (gCO2eq/kWh) of the local grid "
    "of each Google Cloud region, and Google's hourly carbon-free-energy share.",
    files=tuple(
        SourceFile(f"{year}.csv", f"{_RAW}/{year}.csv", "csv", data_as_of) for year, data_as_of in YEARLY_FILES.items()
    ),
    parsers={"grid_carbon_intensity": parse_grid_intensity, "cloud_regions": parse_cloud_regions},
    freshness=Freshness(550, "Google publishes each year's region data the following year", one_file_per_year=True),
    priority={"grid_carbon_intensity": 5},
)
