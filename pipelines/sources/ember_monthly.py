"""Ember's monthly and yearly electricity overview per country and region, and monthly per US state.

Three tables behind Ember's public data API (ember-climate/ember-data-api, pinned commit):

* api_country_overview_monthly.csv: demand (TWh) and emissions intensity (gCO2/kWh) per month
  for 88 countries and 11 aggregates (`country_code` empty for World, EU, OECD ...);
* api_overview_usa_monthly.csv: demand (GWh), emissions (ktCO2) and intensity per month for the
  50 states, Washington D.C., Puerto Rico and 'US Total';
* api_country_overview_yearly.csv: the yearly equivalent for 222 countries and regions, from
  which `electricity_demand_yearly` takes demand.

The intensity is generation-based (emissions of what the zone generates over its generation),
not flow-traced consumption like grid_intensity_hourly. Basis lifecycle, as for Ember's other
series (ember_country_intensity): Ember's figures "aim to include full lifecycle emissions
including upstream methane, supply chain and manufacturing emissions" (Global Electricity Review
2024, supporting material). Dates are the first day of the month. Recent months are partial
(fewer entities), which is how Ember publishes them.
"""

from __future__ import annotations

import logging

import pandas as pd
import pycountry

from pipelines.errors import SourceFormatError
from pipelines.sources._base import RawSource, Source, SourceFile
from pipelines.sources._ember import ember_places

log = logging.getLogger(__name__)

_RAW = "https://raw.githubusercontent.com/ember-climate/ember-data-api/02ce82d403b50d2cd2acd792505411088891b34e/data"
COUNTRY_MONTHLY = "api_country_overview_monthly.csv"
COUNTRY_YEARLY = "api_country_overview_yearly.csv"
USA_MONTHLY = "api_overview_usa_monthly.csv"
BASIS = "lifecycle"
_US_STATE_CODES = {s.name: s.code.split("-")[1] for s in pycountry.subdivisions.get(country_code="US")}
_US_STATE_CODES.update({"Washington, D.C.": "DC", "Washington DC": "DC"})
US_TOTAL = "US Total"


def _read(raw: RawSource, name: str, columns: list[str]) -> pd.DataFrame:
    frame = raw.csv(name, dtype=str, keep_default_na=False, na_values=[""])
    raw.require_columns(name, frame, columns)
    return frame


def _months(raw: RawSource, name: str, frame: pd.DataFrame) -> pd.Series:
    dates = pd.to_datetime(frame["date"], format="%Y-%m-%d", errors="coerce")
    bad = dates.isna() | (dates.dt.day != 1)
    if bad.any():
        raise SourceFormatError(
            raw.source_id,
            name,
            "date is not the first day of a month (YYYY-MM-01)",
            column="date",
            sample_rows=frame[bad].head(5).to_dict("records"),
        )
    return dates


def parse_grid_intensity_monthly(raw: RawSource) -> pd.DataFrame:
    return pd.concat([_country_monthly(raw), _usa_monthly(raw)], ignore_index=True)


def _country_monthly(raw: RawSource) -> pd.DataFrame:
    name = COUNTRY_MONTHLY
    frame = _read(
        raw, name, ["country_or_region", "country_code", "date", "demand_twh", "emissions_intensity_gco2_per_kwh"]
    )
    dates = _months(raw, name, frame)
    zone_ids, zone_types = ember_places(raw, name, frame)
    return pd.DataFrame(
        {
            "zone_id": zone_ids,
            "zone_name": frame["country_or_region"],
            "zone_type": zone_types,
            "year": dates.dt.year,
            "month": dates.dt.month,
            "gco2e_per_kwh": raw.to_number(name, frame, "emissions_intensity_gco2_per_kwh"),
            "basis": BASIS,
            "demand_twh": raw.to_number(name, frame, "demand_twh"),
            "source_file": name,
        }
    )


def _usa_monthly(raw: RawSource) -> pd.DataFrame:
    name = USA_MONTHLY
    frame = _read(raw, name, ["country", "state", "date", "demand_gwh", "emissions_intensity_gco2_per_kwh"])
    dates = _months(raw, name, frame)
    states = frame["state"].str.strip()
    codes = states.map(_US_STATE_CODES)
    unknown = codes.isna() & (states != US_TOTAL)
    if unknown.any():
        raise SourceFormatError(
            raw.source_id, name, f"unknown US state name(s) {sorted(states[unknown].unique())[:5]}", column="state"
        )
    # 'US Total' repeats the country, which the country file already has as USA (Ember's
    # national series); the state file's own total is left out rather than kept under a second id.
    keep = states != US_TOTAL
    demand_twh = raw.to_number(name, frame, "demand_gwh") / 1000.0
    negative = demand_twh < 0
    if negative.any():
        # Washington D.C.'s demand is a few hundred kWh below zero in some months (Ember derives it
        # from EIA net generation and trade); a negative demand is no measurement, so it is left empty.
        log.info(
            "%s/%s: %d month(s) with negative demand (%s) left empty",
            raw.source_id,
            name,
            int(negative.sum()),
            ", ".join(sorted(states[negative].unique())),
        )
        demand_twh = demand_twh.where(~negative)
    return pd.DataFrame(
        {
            "zone_id": "USA-" + codes.fillna(""),
            "zone_name": states,
            "zone_type": "subregion",
            "year": dates.dt.year,
            "month": dates.dt.month,
            "gco2e_per_kwh": raw.to_number(name, frame, "emissions_intensity_gco2_per_kwh"),
            "basis": BASIS,
            "demand_twh": demand_twh,
            "source_file": name,
        }
    )[keep].reset_index(drop=True)


def parse_electricity_demand_yearly(raw: RawSource) -> pd.DataFrame:
    name = COUNTRY_YEARLY
    frame = _read(raw, name, ["country_or_region", "country_code", "year", "demand_twh"])
    zone_ids, zone_types = ember_places(raw, name, frame)
    demand = raw.to_number(name, frame, "demand_twh")
    years = raw.to_number(name, frame, "year")
    staged = pd.DataFrame(
        {
            "zone_id": zone_ids,
            "zone_name": frame["country_or_region"],
            "zone_type": zone_types,
            "year": years,
            "demand_twh": demand,
            "source_file": name,
        }
    )
    # A year Ember lists without demand is not a zero.
    return staged[demand.notna()].reset_index(drop=True)


SOURCE = Source(
    id="ember_monthly",
    title="Ember monthly and yearly electricity overview per country/region and per US state "
    "(demand, emissions intensity)",
    publisher="Ember (ember-climate/ember-data-api: the tables behind Ember's public data API)",
    license="CC-BY-4.0 (stated per table in the repository's metadata.json). Cite: Ember, Electricity Data",
    homepage="https://ember-energy.org/data/monthly-electricity-data/",
    description="Monthly demand (TWh) and generation emissions intensity (gCO2/kWh) for 99 countries and "
    "aggregates and 53 US states/territories; yearly demand for 222 countries and regions.",
    files=(
        SourceFile(COUNTRY_MONTHLY, f"{_RAW}/{COUNTRY_MONTHLY}", "csv", "2025-05-21"),
        SourceFile(COUNTRY_YEARLY, f"{_RAW}/{COUNTRY_YEARLY}", "csv", "2025-05-21"),
        SourceFile(USA_MONTHLY, f"{_RAW}/{USA_MONTHLY}", "csv", "2025-04-02"),
    ),
    parsers={
        "grid_intensity_monthly": parse_grid_intensity_monthly,
        "electricity_demand_yearly": parse_electricity_demand_yearly,
    },
)
