"""Open Grid Emissions (Singularity Energy): hourly consumed emission rates of US balancing
authorities, in lb/MWh, for CISO, ERCO and PJM in 2021.

Consumption-based: the emissions of the electricity consumed in the balancing authority,
imports traced through EIA-930 interchange. The CO2e rate (CO2, CH4 and N2O from combustion,
not adjusted for biomass or CHP) is the direct intensity here, converted lb/MWh x 0.453592 =
g/kWh; OGE publishes no lifecycle rate.

Timestamps: `datetime_utc` ('2021-01-01 08:00:00+00:00') is the start of the hour in UTC and
is what the table keys on; `datetime_local` carries the local offset, which changes with
daylight saving (-08:00 in winter, -07:00 in summer for CISO). The files cover a LOCAL calendar
year, so 2021 starts at 08:00 UTC on 1 January for CISO and ends on 1 January 2022 UTC; `year`
is the local year. The two columns must agree (local = UTC + offset) or the file is refused.

Balancing authorities take the Electricity Maps key of the same area (CISO -> US-CAL-CISO), so
the two hourly series line up. The URLs are the vendored copies pinned to a commit (OGE's own
releases are zip archives per year), so a live refresh reads the same bytes as the archive.
"""

from __future__ import annotations

import pandas as pd

from pipelines.errors import SourceFormatError
from pipelines.sources._base import RawSource, Source, SourceFile
from pipelines.sources._parsing import parse_each_present, reject_repeated_hours

_RAW = (
    "https://raw.githubusercontent.com/SumanVSarawad/test/16c04185548b1d90b11786f138ecd77c05f10c10"
    "/data/ba_carbon_accounting"
)
LB_PER_MWH_TO_G_PER_KWH = 0.453592
YEAR = 2021
# OGE balancing-authority code -> (zone id, name).
BALANCING_AUTHORITIES = {
    "CISO": ("US-CAL-CISO", "California Independent System Operator"),
    "ERCO": ("US-TEX-ERCO", "Electric Reliability Council of Texas"),
    "PJM": ("US-MIDA-PJM", "PJM Interconnection"),
}
UTC_COLUMN = "datetime_utc"
LOCAL_COLUMN = "datetime_local"
CO2E_RATE = "consumed_co2e_rate_lb_per_mwh_for_electricity"


def file_name(ba: str) -> str:
    return f"{ba}_{YEAR}_hourly_us_units.csv"


def parse_grid_intensity_hourly(raw: RawSource) -> pd.DataFrame:
    return parse_each_present(raw, BALANCING_AUTHORITIES, file_name, _ba)


def _ba(raw: RawSource, ba: str) -> pd.DataFrame:
    name = file_name(ba)
    frame = raw.csv(name, dtype=str, keep_default_na=False, na_values=[""])
    raw.require_columns(name, frame, [UTC_COLUMN, LOCAL_COLUMN, CO2E_RATE])
    hours = pd.to_datetime(frame[UTC_COLUMN], format="%Y-%m-%d %H:%M:%S%z", utc=True, errors="coerce")
    local = pd.to_datetime(frame[LOCAL_COLUMN], format="%Y-%m-%d %H:%M:%S%z", utc=True, errors="coerce")
    bad = hours.isna() | local.isna()
    if bad.any():
        raise SourceFormatError(
            raw.source_id,
            name,
            "timestamp not 'YYYY-MM-DD hh:mm:ss+hh:mm'",
            column=UTC_COLUMN,
            sample_rows=frame[bad].head(5).to_dict("records"),
        )
    disagree = hours != local
    if disagree.any():
        raise SourceFormatError(
            raw.source_id,
            name,
            "datetime_utc and datetime_local name different instants",
            column=LOCAL_COLUMN,
            sample_rows=frame[disagree].head(5).to_dict("records"),
        )
    reject_repeated_hours(raw, name, frame, hours, UTC_COLUMN)
    rate = raw.to_number(name, frame, CO2E_RATE)
    has_rate = rate.notna()  # an hour without a rate is a gap; the contiguity check reports it
    frame, hours, rate = frame[has_rate], hours[has_rate], rate[has_rate]
    zone_id, zone_name = BALANCING_AUTHORITIES[ba]
    return pd.DataFrame(
        {
            "zone_id": zone_id,
            "zone_name": zone_name,
            "zone_type": "subregion",
            "country_zone_id": "USA",
            "hour_start_utc": hours,
            # The local calendar year: the text before the first '-' of the local timestamp.
            "year": frame[LOCAL_COLUMN].str.slice(0, 4).astype(int),
            "direct_gco2e_per_kwh": rate * LB_PER_MWH_TO_G_PER_KWH,
            "lifecycle_gco2e_per_kwh": None,
            "low_carbon_pct": None,
            "renewable_pct": None,
            "accounting": "consumption",
            "is_estimated": False,
            "estimation_method": None,
            "source_file": name,
        }
    ).reset_index(drop=True)


SOURCE = Source(
    id="oge_hourly_ba",
    title="Open Grid Emissions hourly consumption-based emission rates for CISO, ERCO and PJM, 2021",
    publisher="Singularity Energy, Open Grid Emissions Initiative (files vendored by SumanVSarawad/test)",
    license="CC-BY-4.0 (Open Grid Emissions dataset, Singularity Energy)",
    homepage="https://singularity.energy/open-grid-emissions",
    description="Hourly consumed CO2e emission rates (lb/MWh, converted to g/kWh) of three US balancing "
    "authorities, local-time calendar year 2021.",
    files=tuple(SourceFile(file_name(ba), f"{_RAW}/{ba}.csv", "csv", "2024-03-06") for ba in BALANCING_AUTHORITIES),
    parsers={"grid_intensity_hourly": parse_grid_intensity_hourly},
)
