"""US EPA eGRID: CO2 output emission rates by eGRID subregion (files in EPA's USEPA/ggcapdthemes).

The subregion CSV is an eGRID Data Explorer export for data year 2022 (eGRID2022). Its rates
are pounds of CO2 per MWh of net generation: CO2 only (not CO2e) and from combustion at the
plants of each subregion, so the basis is `direct`. They describe generation, not consumption:
imports between subregions are not counted.

The export writes its header with a space after each comma (`Region, CO2 total ..., Year`);
the parser strips column names rather than matching the spaces. The US summary workbook is
declared for the raw archive but feeds no table yet.
"""

from __future__ import annotations

import re

import pandas as pd

from pipelines.errors import SourceFormatError
from pipelines.sources._base import Freshness, RawSource, Source, SourceFile

_COMMIT = "2f321402954abfd09c467ecb2c475ff6117d7ce1"
_RAW = f"https://raw.githubusercontent.com/USEPA/ggcapdthemes/{_COMMIT}/data-raw"

SUBREGION_RATES = "CO2_total_output_emission_rate_by_eGRID_subregion_2022.csv"
US_SUMMARY = "egrid_us_summary_2019_2023.xlsx"
LB_PER_MWH_TO_G_PER_KWH = 0.45359237

_RATE_COLUMN = re.compile(r"^CO2 total output emission rate \(lb/MWh\)", re.IGNORECASE)
# eGRID subregion acronyms are four capital letters (AKGD ... SRVC); anything else in the
# Region column means the export changed shape.
_SUBREGION_ACRONYM = re.compile(r"^[A-Z]{4}$")
_NATIONAL_ROW = "US"


def parse_grid_intensity(raw: RawSource) -> pd.DataFrame:
    frame = raw.csv(SUBREGION_RATES, dtype=str, keep_default_na=False)
    frame.columns = [str(c).strip() for c in frame.columns]
    rate_column = _rate_column(frame)
    raw.require_columns(SUBREGION_RATES, frame, ["Region", rate_column, "Year"])

    regions = frame["Region"].str.strip()
    unknown = ~(regions.eq(_NATIONAL_ROW) | regions.str.match(_SUBREGION_ACRONYM))
    if unknown.any():
        raise SourceFormatError(
            "egrid",
            SUBREGION_RATES,
            f"{int(unknown.sum())} Region value(s) are neither 'US' nor an eGRID acronym",
            column="Region",
            sample_rows=frame.loc[unknown].head(5).to_dict("records"),
        )

    national = regions.eq(_NATIONAL_ROW)
    return pd.DataFrame(
        {
            "zone_id": regions.where(~national, "USA"),
            "zone_name": regions,
            "zone_type": national.map({True: "country", False: "subregion"}),
            "year": raw.to_number(SUBREGION_RATES, frame, "Year"),
            "gco2e_per_kwh": raw.to_number(SUBREGION_RATES, frame, rate_column) * LB_PER_MWH_TO_G_PER_KWH,
            "basis": "direct",
            "source_file": SUBREGION_RATES,
        }
    ).reset_index(drop=True)


def _rate_column(frame: pd.DataFrame) -> str:
    matches = [c for c in frame.columns if _RATE_COLUMN.match(c)]
    if len(matches) != 1:
        raise SourceFormatError(
            "egrid",
            SUBREGION_RATES,
            f"expected one 'CO2 total output emission rate (lb/MWh) ...' column, "
            f"found {matches}; columns present: {list(frame.columns)}",
            column="CO2 total output emission rate (lb/MWh)",
        )
    return matches[0]


SOURCE = Source(
    id="egrid",
    title="US EPA eGRID2022 subregion CO2 total output emission rates (eGRID Data Explorer export) and US summary",
    publisher="US Environmental Protection Agency (files in EPA's own USEPA/ggcapdthemes repository)",
    license="Public domain (US federal government work); repository MIT",
    homepage="https://www.epa.gov/egrid",
    description="eGRID2022 CO2 total output emission rate (lb/MWh) for the 27 eGRID subregions and the "
    "US; plus a US-level summary (capacity, net generation, resource mix) for 2019-2023.",
    files=(
        SourceFile(SUBREGION_RATES, f"{_RAW}/{SUBREGION_RATES}", "csv", "2025-02-18"),
        SourceFile(US_SUMMARY, f"{_RAW}/summary_data_for_ggplot.xlsx", "xlsx", "2025-02-11"),
    ),
    parsers={"grid_carbon_intensity": parse_grid_intensity},
    freshness=Freshness(730, "EPA releases eGRID about every 1-2 years"),
    priority={"grid_carbon_intensity": 4},
)
