"""Ember / Agora Energiewende, "The European Power Sector in 2020": EU carbon intensities 2000-2020.

The workbook (vendored in owid/energy-data's history) has a 'Carbon intensities' sheet laid out
WIDE: `Area`, `Variable` ('Carbon intensity (gCO2/kWh)'), then one column per year. The parser
turns it into one row per area and year.

Basis `direct`: neither the 'Read me' sheet nor its methodology text box names the emission
factors, so the basis rests on the data. The unit is gCO2 (not CO2e); Sweden at 11-36 g and
France at 54 g in 2018-2019 leave no room for the lifecycle emissions of hydro and nuclear
plants; and EU-27 2018 = 287 g sits beside the EEA's 281 gCO2e/kWh for generation, not above it
as a lifecycle figure would. (Ember's later datasets use lifecycle factors; they are a different
series.) 2000-2018 come from Eurostat; 2019 and 2020 are Ember/Agora estimates extrapolated from
2018 with monthly data, per the 'Read me' sheet.

The same 28 countries x 21 years are, value for value, CodeCarbon's
`eu-carbon-intensity-electricity.csv`: two sources, one series.
"""

from __future__ import annotations

import re

import pandas as pd

from pipelines import zones
from pipelines.errors import SourceFormatError
from pipelines.sources._base import Freshness, RawSource, Source, SourceFile

_OWID_COMMIT = "776e6fb2272c4caac3a4490b4738cf364508f2ed"

WORKBOOK = "eu_electricity_ember.xlsx"
INTENSITY_SHEET = "Carbon intensities"
INTENSITY_VARIABLE = "Carbon intensity (gCO2/kWh)"
# EU27+1 is the EU-27 plus the United Kingdom.
_AGGREGATE_AREAS = ("EU-27", "EU27+1")
# Calamine hands header cells back as int, float or str depending on how they were typed.
_YEAR_HEADER = re.compile(r"^(\d{4})(\.0+)?$")


def parse_grid_intensity(raw: RawSource) -> pd.DataFrame:
    frame = raw.excel(WORKBOOK, sheet_name=INTENSITY_SHEET)
    frame.columns = [str(c).strip() for c in frame.columns]
    raw.require_columns(WORKBOOK, frame, ["Area", "Variable"])
    year_columns = {c: int(_YEAR_HEADER.match(c).group(1)) for c in frame.columns if _YEAR_HEADER.match(c)}
    if not year_columns:
        raise SourceFormatError(
            "ember_eu_power_2020",
            WORKBOOK,
            f"sheet '{INTENSITY_SHEET}' has no year columns; columns present: {list(frame.columns)}",
            column="2000",
        )

    frame = frame[frame["Area"].notna()].copy()
    frame["Area"] = frame["Area"].astype(str).str.strip()
    other_variable = frame["Variable"].astype(str).str.strip() != INTENSITY_VARIABLE
    if other_variable.any():
        raise SourceFormatError(
            "ember_eu_power_2020",
            WORKBOOK,
            f"expected every Variable to be '{INTENSITY_VARIABLE}'",
            column="Variable",
            sample_rows=frame.loc[other_variable].head(5).to_dict("records"),
        )

    values = pd.DataFrame({column: raw.to_number(WORKBOOK, frame, column) for column in year_columns})
    values["Area"] = frame["Area"]
    long = values.melt(id_vars="Area", var_name="year_column", value_name="gco2e_per_kwh")
    # A blank cell is a year the publisher has no figure for, not a row.
    long = long[long["gco2e_per_kwh"].notna()]
    zone = long["Area"].map(_zone)
    return pd.DataFrame(
        {
            "zone_id": zone.str[0],
            "zone_name": long["Area"],
            "zone_type": zone.str[1],
            "year": long["year_column"].map(year_columns),
            "gco2e_per_kwh": long["gco2e_per_kwh"].astype(float),
            "basis": "direct",
            "source_file": WORKBOOK,
        }
    ).reset_index(drop=True)


def _zone(area: str) -> tuple[str, str]:
    if area in _AGGREGATE_AREAS:
        return zones.aggregate_id(area), "aggregate"
    iso3 = zones.iso3_from_name(area)
    if iso3 is None:
        raise SourceFormatError(
            "ember_eu_power_2020",
            WORKBOOK,
            f"Area '{area}' is neither a country nor a known aggregate ({', '.join(_AGGREGATE_AREAS)})",
            column="Area",
        )
    return iso3, "country"


SOURCE = Source(
    id="ember_eu_power_2020",
    title="Ember / Agora Energiewende: Europe's Power Sector in 2020 (EU electricity data and carbon "
    "intensities 2000-2020)",
    publisher="Ember and Agora Energiewende (file vendored in owid/energy-data history)",
    license="CC-BY-SA-4.0 (Ember's licence for data published at the time; verify before redistribution)",
    homepage="https://ember-energy.org/latest-insights/eu-power-sector-2020/",
    description="EU-27 member states + UK: generation by fuel 2000-2020 and carbon intensity of "
    "electricity generation (gCO2/kWh) per country per year.",
    files=(
        SourceFile(
            WORKBOOK,
            f"https://raw.githubusercontent.com/owid/energy-data/{_OWID_COMMIT}/scripts/input/"
            f"electricity-bp-ember/{WORKBOOK}",
            "xlsx",
            "2021-01-27",
        ),
    ),
    parsers={"grid_carbon_intensity": parse_grid_intensity},
    freshness=Freshness(None, "a closed historical vintage (Europe's power sector in 2020)"),
    priority={"grid_carbon_intensity": 6},
)
