"""ML CO2 Impact calculator data (mlco2/impact on GitHub).

Grid carbon intensity comes from the Electricity Maps yearly averages the calculator
bundles (exported 2021-10-27): one row per Electricity Maps zone and year. Electricity
Maps counts lifecycle emissions (IPCC lifecycle factors per fuel), so basis is lifecycle.
"""

from __future__ import annotations

import pandas as pd

from pipelines import zones
from pipelines.errors import SourceFormatError
from pipelines.sources._base import RawSource, Source, SourceFile

_COMMIT = "d0d3ee5a71ea222ac344a94900642ed2ce649af4"
_RAW = f"https://raw.githubusercontent.com/mlco2/impact/{_COMMIT}/data"

YEARLY_AVERAGES = "electricitymap_yearly_averages_2021-10-27.csv"


def parse_grid_intensity(raw: RawSource) -> pd.DataFrame:
    # Only an empty cell is missing: pandas would also read a zone key NA (Namibia) as missing.
    frame = raw.csv(YEARLY_AVERAGES, dtype={"zone_key": str, "Zone Name": str}, keep_default_na=False,
                    na_values=[""])
    raw.require_columns(YEARLY_AVERAGES, frame, ["zone_key", "year", "Zone Name", "carbon_intensity_avg"])
    intensity = raw.to_number(YEARLY_AVERAGES, frame, "carbon_intensity_avg")
    # Zone-years without a single hour of data (no_hours_with_data = 0) are left empty; a 0 would be
    # the same placeholder, not a grid that emits nothing.
    has_value = intensity.notna() & (intensity != 0)
    frame, intensity = frame[has_value], intensity[has_value]
    if frame.empty:
        raise SourceFormatError(raw.source_id, YEARLY_AVERAGES, "no row has a carbon intensity",
                                column="carbon_intensity_avg")

    zone_ids, zone_types = zip(*(zones.electricitymaps_zone(key) for key in frame["zone_key"]))
    staged = pd.DataFrame({
        "zone_id": zone_ids,
        "zone_name": frame["Zone Name"],
        "zone_type": zone_types,
        "year": raw.to_number(YEARLY_AVERAGES, frame, "year"),
        "gco2e_per_kwh": intensity,
        "basis": "lifecycle",
        "source_file": YEARLY_AVERAGES,
    }, index=frame.index)

    duplicated = staged.duplicated(["zone_id", "year"], keep=False)
    if duplicated.any():
        raise SourceFormatError(raw.source_id, YEARLY_AVERAGES,
                                f"{int(duplicated.sum())} rows give the same zone and year",
                                column="zone_key", sample_rows=frame[duplicated].to_dict("records"))
    return staged.reset_index(drop=True)


SOURCE = Source(
    id="mlco2_impact",
    title="ML CO2 Impact calculator data",
    publisher="Lacoste, Luccioni, Schmidt, Dandres (ML CO2 Impact)",
    license="MIT",
    homepage="https://mlco2.github.io/impact/",
    description="Data behind the Machine Learning Emissions Calculator: accelerator TDP and throughput, cloud "
                "regions with grid intensity, and electricityMap yearly average carbon intensity per zone.",
    files=(
        SourceFile("gpus.csv", f"{_RAW}/gpus.csv", "csv", "2026-02-26"),
        SourceFile("impact.csv", f"{_RAW}/impact.csv", "csv", "2024-11-09"),
        SourceFile(YEARLY_AVERAGES, f"{_RAW}/2021-10-27yearly_averages.csv", "csv", "2021-10-27"),
        SourceFile("instances.csv", f"{_RAW}/instances.csv", "csv", "2020-05-09"),
    ),
    parsers={"grid_carbon_intensity": parse_grid_intensity},
)
