"""UNFCCC / IFI harmonised default grid emission factors, dataset version 3.1 (data year 2021).

The IFI Technical Working Group on GHG accounting publishes, per country, the operating-margin
factor and combined-margin factors for four project types (gCO2/kWh, CO2 only). The Green Web
Foundation vendors the table in CO2.js twice: the spreadsheet export as CSV (read for the
values) and a JSON rendering keyed by the same country names that adds ISO codes (read for the
zone ids only; the integration tests check that both carry the same numbers).

The CSV is a spreadsheet export: a quoted group header with embedded newlines over two lines
('Combined Margin ...' over four columns, 'Operating Margin ...' over one), a sub-header row
naming the project types, a 'Country / Territory / Island' row, one row per country by name,
an 'EU 27' memo row, then free-text footnotes. 0 in every column means the dataset has no
factor for that country; such rows are left out.
"""

from __future__ import annotations

import logging

import pandas as pd

from pipelines import zones
from pipelines.errors import SourceFormatError
from pipelines.sources._base import Freshness, RawSource, Source, SourceFile

log = logging.getLogger(__name__)

_COMMIT = "27cbe8328aeaad0824fb07b3640dc45b72228c7b"
_RAW = f"https://raw.githubusercontent.com/thegreenwebfoundation/co2.js/{_COMMIT}/data"

FACTORS_CSV = "IFI_Default_Grid_Factors_2021_v3.1_unfccc.csv"
ISO_JSON = "marginal-intensities-2021.json"
DATA_YEAR = 2021  # version 3.1 of the dataset covers 2021 (the file name says both)

COUNTRY_HEADER = "Country / Territory / Island"
# Sub-header cell (start) -> energy_project_type of the combined-margin columns.
COMBINED_MARGIN_COLUMNS = {
    "Firm Energy": "firm_energy",
    "Intermittent Energy": "intermittent_energy",
    "Energy Efficiency": "energy_efficiency",
    "Electricity Consumption": "electricity_consumption",
}
_COMBINED_GROUP = "Combined Margin"
_OPERATING_GROUP = "Operating Margin"

# Names (whitespace folded) whose CO2.js ISO code is missing or wrong, with the zone id and type
# they stand for. CO2.js gives the Canary Islands CYM (the Cayman Islands' code) and nothing for
# the Portuguese islands, the Channel Islands (Jersey and Guernsey, two ISO codes) and the EU
# memo row.
_ZONE_OVERRIDES = {
    "Canary Islands (Spain)": (zones.subdivision_id("ES-CN"), "subregion"),
    "Azores (Portugal)": (zones.subdivision_id("PT-20"), "subregion"),
    "Madeira (Portugal)": (zones.subdivision_id("PT-30"), "subregion"),
    "Channel Islands (U.K)": (zones.aggregate_id("Channel Islands"), "aggregate"),
    "Memo: EU 27": (zones.aggregate_id("EU-27"), "aggregate"),
}


def parse_grid_marginal_emission_factors(raw: RawSource) -> pd.DataFrame:
    table = factor_table(raw)
    iso_codes = _iso_codes_by_name(raw)
    table = _drop_no_data(raw, table)

    unresolved = [name for name in table.index if name not in _ZONE_OVERRIDES and name not in iso_codes]
    if unresolved:
        raise SourceFormatError(
            raw.source_id,
            FACTORS_CSV,
            f"{len(unresolved)} name(s) with no ISO code in {ISO_JSON}: {unresolved[:10]}",
            column=COUNTRY_HEADER,
        )
    zone_of = {name: _ZONE_OVERRIDES.get(name) or (iso_codes[name], "country") for name in table.index}

    long = (
        table.rename_axis("zone_name")
        .reset_index()
        .melt(id_vars="zone_name", var_name="column", value_name="gco2_per_kwh")
    )
    long["margin"] = ["operating" if c == "operating_margin" else "combined" for c in long["column"]]
    return pd.DataFrame(
        {
            "zone_id": [zone_of[n][0] for n in long["zone_name"]],
            "zone_name": long["zone_name"],
            "zone_type": [zone_of[n][1] for n in long["zone_name"]],
            "margin": long["margin"],
            "energy_project_type": long["column"],
            "year": DATA_YEAR,
            "gco2_per_kwh": long["gco2_per_kwh"],
            "source_file": FACTORS_CSV,
        }
    )


def fold_name(name: str) -> str:
    """A country name with runs of whitespace folded to one space, as both files are matched on."""
    return " ".join(str(name).split())


def factor_table(raw: RawSource) -> pd.DataFrame:
    """The CSV as a frame indexed by country name, one column per energy_project_type, zeros kept."""
    cells = raw.csv(FACTORS_CSV, header=None, dtype=str, keep_default_na=False)
    cells = cells.apply(lambda column: column.str.strip())
    first = cells[0].tolist()
    if COUNTRY_HEADER not in first:
        raise SourceFormatError(raw.source_id, FACTORS_CSV, f"no '{COUNTRY_HEADER}' row", column=COUNTRY_HEADER)
    header_row = first.index(COUNTRY_HEADER)
    columns = _value_columns(raw, cells.iloc[:header_row])

    body = cells.iloc[header_row + 1 :]
    values = body[list(columns)]
    # Separator rows are empty; footnote rows ('Note 1: ...') have text in the first cell only.
    has_values = (values != "").any(axis=1)
    data = body[has_values & (body[0] != "")]
    frame = pd.DataFrame(
        {name: raw.to_number(FACTORS_CSV, data.rename(columns={index: name}), name) for index, name in columns.items()}
    )
    frame.index = [fold_name(name) for name in data[0]]
    missing = frame.isna()
    if missing.any().any():
        raise SourceFormatError(
            raw.source_id,
            FACTORS_CSV,
            f"{int(missing.any(axis=1).sum())} row(s) with empty factor cells",
            sample_rows=frame[missing.any(axis=1)].head(5).reset_index().to_dict("records"),
        )
    duplicated = frame.index[frame.index.duplicated()].tolist()
    if duplicated:
        raise SourceFormatError(
            raw.source_id, FACTORS_CSV, f"country listed twice: {duplicated}", column=COUNTRY_HEADER
        )
    return frame


def _value_columns(raw: RawSource, header: pd.DataFrame) -> dict[int, str]:
    """Column index -> energy_project_type, read from the group header and sub-header rows."""
    # The group header's cells hold embedded newlines; fold whitespace before matching.
    labels = {index: [fold_name(cell) for cell in header[index]] for index in header.columns}
    columns: dict[int, str] = {}
    group = None
    for index in sorted(labels)[1:]:  # column 0 holds the country names
        cells = labels[index]
        if any(c.startswith(_COMBINED_GROUP) for c in cells):
            group = _COMBINED_GROUP
        elif any(c.startswith(_OPERATING_GROUP) for c in cells):
            group = _OPERATING_GROUP
        if group == _OPERATING_GROUP:
            columns[index] = "operating_margin"
            break
        sub = next(
            (kind for prefix, kind in COMBINED_MARGIN_COLUMNS.items() if any(c.startswith(prefix) for c in cells)), None
        )
        if group == _COMBINED_GROUP and sub:
            columns[index] = sub
    missing = [kind for kind in (*COMBINED_MARGIN_COLUMNS.values(), "operating_margin") if kind not in columns.values()]
    if missing:
        raise SourceFormatError(
            raw.source_id,
            FACTORS_CSV,
            f"header does not name the expected columns {missing}; header cells: {list(labels.values())}",
            column=missing[0],
        )
    return columns


def _drop_no_data(raw: RawSource, table: pd.DataFrame) -> pd.DataFrame:
    zero = table == 0
    # All-zero is the dataset's "no data"; a single zero among real factors would be a broken row.
    partial = zero.any(axis=1) & ~zero.all(axis=1)
    if partial.any():
        raise SourceFormatError(
            raw.source_id,
            FACTORS_CSV,
            "0 among non-zero factors",
            sample_rows=table[partial].head(5).reset_index().to_dict("records"),
        )
    no_data = zero.all(axis=1)
    if no_data.any():
        log.info(
            "unfccc_ifi_grid_factors: %d zone(s) without factors (all 0) left out: %s",
            int(no_data.sum()),
            ", ".join(table.index[no_data]),
        )
    return table[~no_data]


def _iso_codes_by_name(raw: RawSource) -> dict[str, str]:
    """Country name as in the CSV -> ISO alpha-3, from CO2.js's JSON rendering of the same table."""
    data = raw.json(ISO_JSON)
    if not isinstance(data, dict) or not data:
        raise SourceFormatError(raw.source_id, ISO_JSON, "expected an object keyed by country name")
    codes = {}
    for name, entry in data.items():
        code = str((entry or {}).get("country_code_iso_3") or "").strip()
        alpha3 = zones.normalise_alpha3(code) if code else None
        if alpha3:
            codes[fold_name(name)] = alpha3
    return codes


SOURCE = Source(
    id="unfccc_ifi_grid_factors",
    title="UNFCCC / IFI harmonized default grid emission factors (v3.1, 2021)",
    publisher="UNFCCC IFI Technical Working Group on GHG Accounting (file vendored by The Green Web "
    "Foundation, CO2.js)",
    license="unknown (published by UNFCCC for public use; CO2.js repository Apache-2.0)",
    homepage="https://unfccc.int/climate-action/sectoral-engagement/ifis-harmonization-of-standards-for-ghg-"
    "accounting/ifi-twg-list-of-methodologies",
    description="Combined-margin and operating-margin grid emission factors (gCO2/kWh) per country for "
    "project GHG accounting (marginal, not average, intensities).",
    files=(
        SourceFile(FACTORS_CSV, f"{_RAW}/{FACTORS_CSV}", "csv", "2022-09-23"),
        SourceFile(ISO_JSON, f"{_RAW}/output/{ISO_JSON}", "json", "2023-04-05"),
    ),
    parsers={"grid_marginal_emission_factors": parse_grid_marginal_emission_factors},
    freshness=Freshness(None, "dataset v3.1 for 2021, a closed vintage"),
)
