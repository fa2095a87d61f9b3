"""Cloud Carbon Footprint (CCF) coefficients: grid emission factors per cloud region.

Three CSVs (AWS, Azure, GCP) give one factor per region in metric tonnes CO2e per kWh
(x 1e6 -> g/kWh). Zone ids are `<provider>:<region>` in lower case. AWS and GCP publish
region codes (`us-east-1`, `europe-west3`); Azure's file uses display names ('Germany West
Central'), which become Azure's programmatic region names by dropping the spaces
(`azure:germanywestcentral`, `azure:eastus2`): the form the Azure APIs and CLI return.

Year: the files carry none. CCF's methodology for this factor set names eGRID2019 for the US,
carbonfootprint.com's 2020 report and the EEA for the rest, Google's published figures for GCP
(which equal Google's 2019 file for the regions Google then measured), and calls them "averages
over a given year that is pre-2020". Every row is given data year 2019. Azure's five
'... Central' European rows (France, Finland, Germany, Belgium, Sweden) were added later
(2023) with Source 'EEA' and no stated year; they are also given 2019, for want of a
documented alternative.

Basis, from each row's Source: eGRID CO2e output rates, EEA intensities, EMA Singapore's grid
factor and carbonfootprint.com's 'generation' factors all count combustion at the power plant,
so `direct`; Google's figures come from the 2019 publication Google labels 'Lifecycle', so
`lifecycle`; any other source is `unknown`.

Defects as published, handled rather than guessed at:

* A value written as digits with a leading zero and no decimal point (Azure: 'Germany West
  Central,Frankfurt,,000402,EEA' and 'Finland Central,Helsinki,,000077,EEA,') has lost its
  '0.': 000402 would read as 402 t/kWh, five orders of magnitude above any grid. The intended
  value is a guess (0.000402 is likely, but the string does not say so), so the row is dropped
  with a warning naming file, line and region.
* A row with trailing empty fields (the Finland row above ends in ',') has them removed with a
  warning; extra fields that hold data are a SourceFormatError.
"""

from __future__ import annotations

import csv
import io
import logging
import re

import pandas as pd

from pipelines import zones
from pipelines.errors import SourceFormatError
from pipelines.sources._base import Freshness, RawSource, Source, SourceFile

log = logging.getLogger(__name__)

_COMMIT = "b0032d928c787cf76cecd7d1d611c5b46f366e29"
_RAW = f"https://raw.githubusercontent.com/cloud-carbon-footprint/ccf-coefficients/{_COMMIT}"

GRID_FACTOR_FILES = {
    "aws": "grid-emissions-factors-aws.csv",
    "azure": "grid-emissions-factors-azure.csv",
    "gcp": "grid-emissions-factors-gcp.csv",
}
FACTOR_COLUMN = "CO2e (metric ton/kWh)"
TONNES_PER_KWH_TO_G_PER_KWH = 1e6
FACTOR_YEAR = 2019
_LOCATION_COLUMNS = ("Location", "Country")
_BASIS_BY_SOURCE = {
    "epa": "direct",
    "eea": "direct",
    "ema singapore": "direct",
    "carbonfootprint.com": "direct",
    "google": "lifecycle",
}
_LOST_DECIMAL_POINT = re.compile(r"^0\d+$")
_LINE = "_line"


def parse_grid_intensity(raw: RawSource) -> pd.DataFrame:
    return pd.concat(
        [_grid_factors(raw, provider, name) for provider, name in GRID_FACTOR_FILES.items()], ignore_index=True
    )


def _grid_factors(raw: RawSource, provider: str, name: str) -> pd.DataFrame:
    frame = _read_rows(raw, name)
    location_column = next((c for c in _LOCATION_COLUMNS if c in frame.columns), _LOCATION_COLUMNS[0])
    raw.require_columns(name, frame, ["Region", location_column, FACTOR_COLUMN, "Source"])

    lost_point = frame[FACTOR_COLUMN].str.strip().str.match(_LOST_DECIMAL_POINT)
    for _, row in frame[lost_point].iterrows():
        log.warning(
            "ccf_cloud_factors: %s line %d: dropped region '%s': %s %r has no decimal point "
            "(a leading '0.' is missing as published; the intended value is not ours to guess)",
            name,
            row[_LINE],
            row["Region"],
            FACTOR_COLUMN,
            row[FACTOR_COLUMN],
        )
    frame = frame[~lost_point]

    regions = frame["Region"].str.strip()
    if provider == "azure":
        regions = regions.str.replace(r"\s+", "", regex=True)
    return pd.DataFrame(
        {
            "zone_id": [zones.cloud_region_id(provider, region) for region in regions],
            "zone_name": frame[location_column].str.strip(),
            "zone_type": "cloud_region",
            "year": FACTOR_YEAR,
            "gco2e_per_kwh": raw.to_number(name, frame, FACTOR_COLUMN) * TONNES_PER_KWH_TO_G_PER_KWH,
            "basis": frame["Source"].str.strip().str.lower().map(_BASIS_BY_SOURCE).fillna("unknown"),
            "source_file": name,
        }
    ).reset_index(drop=True)


def _read_rows(raw: RawSource, name: str) -> pd.DataFrame:
    """The CSV as text cells, with each row's line number.

    Read with the csv module rather than pandas: pandas either rejects a row with a trailing
    comma or, when it is the first data row, silently shifts every column into the index.
    """
    rows = list(csv.reader(io.StringIO(raw.text(name))))
    header = [cell.strip() for cell in rows[0]]
    records = []
    for line, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        extra = row[len(header) :]
        if len(row) < len(header) or any(cell.strip() for cell in extra):
            raise SourceFormatError(
                raw.source_id,
                name,
                f"line {line} has {len(row)} fields but the header has {len(header)}",
                sample_rows=[row],
            )
        if extra:
            log.warning("ccf_cloud_factors: %s line %d: removed %d trailing empty field(s)", name, line, len(extra))
        records.append([*row[: len(header)], line])
    if not records:
        raise SourceFormatError(raw.source_id, name, "CSV has a header but no rows")
    return pd.DataFrame(records, columns=[*header, _LINE])


SOURCE = Source(
    id="ccf_cloud_factors",
    title="Cloud Carbon Footprint coefficients: grid emission factors per cloud region and per-vCPU power coefficients",
    publisher="Cloud Carbon Footprint (Thoughtworks and contributors)",
    license="Apache-2.0",
    homepage="https://www.cloudcarbonfootprint.org/docs/methodology",
    description="Input and output tables of the CCF coefficients notebooks: grid emission factors for "
    "AWS, Azure and GCP regions (metric tonnes CO2e per kWh) and min/max watts per vCPU by "
    "CPU micro-architecture.",
    files=(
        SourceFile(GRID_FACTOR_FILES["aws"], f"{_RAW}/data/{GRID_FACTOR_FILES['aws']}", "csv", "2021-10-29"),
        SourceFile(GRID_FACTOR_FILES["azure"], f"{_RAW}/data/{GRID_FACTOR_FILES['azure']}", "csv", "2023-04-06"),
        SourceFile(GRID_FACTOR_FILES["gcp"], f"{_RAW}/data/{GRID_FACTOR_FILES['gcp']}", "csv", "2021-10-29"),
        SourceFile("coefficients-aws-use.csv", f"{_RAW}/output/coefficients-aws-use.csv", "csv", "2026-04-24"),
        SourceFile("coefficients-azure-use.csv", f"{_RAW}/output/coefficients-azure-use.csv", "csv", "2022-03-01"),
        SourceFile("coefficients-gcp-use.csv", f"{_RAW}/output/coefficients-gcp-use.csv", "csv", "2026-04-24"),
    ),
    parsers={"grid_carbon_intensity": parse_grid_intensity},
    freshness=Freshness(1095, "the CCF coefficients change rarely"),
    priority={"grid_carbon_intensity": 12},
)
