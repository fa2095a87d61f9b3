"""The grid_extras parsers on the recorded real files in ../shared/sources."""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import pytest

from conftest import SHARED_SOURCES, real_source
from pipelines.errors import SourceFormatError
from pipelines.sources import (
    codecarbon,
    emaps_factors,
    gcp_region_carbon,
    uk_carbon_intensity_api,
    unfccc_ifi_grid_factors,
)
from pipelines.sources._base import RawFile, RawSource

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(not SHARED_SOURCES.is_dir(), reason=f"recorded sources not present at {SHARED_SOURCES}"),
]


def one(frame: pd.DataFrame, **where):
    mask = pd.Series(True, index=frame.index)
    for column, value in where.items():
        mask &= frame[column].isna() if value is None else frame[column] == value
    match = frame[mask]
    assert len(match) == 1, f"expected one row for {where}, got {len(match)}"
    return match.iloc[0]


# --- Electricity Maps defaults.yaml -------------------------------------------------------------


@pytest.fixture(scope="module")
def emaps():
    return emaps_factors.parse_generation_emission_factors(real_source("emaps_factors"))


def test_emaps_headline_factors(emaps):
    assert one(emaps, technology="coal", basis="lifecycle")["gco2e_per_kwh"] == 820
    assert one(emaps, technology="gas", basis="lifecycle")["gco2e_per_kwh"] == 490
    assert one(emaps, technology="coal", basis="direct")["gco2e_per_kwh"] == 760
    assert one(emaps, technology="gas", basis="direct")["gco2e_per_kwh"] == 370
    assert one(emaps, technology="nuclear", basis="lifecycle")["gco2e_per_kwh"] == 12
    assert one(emaps, technology="wind", basis="lifecycle")["gco2e_per_kwh"] == 11
    assert one(emaps, technology="unknown", basis="lifecycle")["gco2e_per_kwh"] == 700
    assert one(emaps, technology="oil", basis="lifecycle")["source_note"] == "UK POST 2014"
    assert one(emaps, technology="coal", basis="lifecycle")["source_note"] == "IPCC 2014"


def test_emaps_storage_discharge_by_year(emaps):
    battery = emaps[(emaps["technology"] == "battery discharge") & (emaps["basis"] == "lifecycle")]
    assert sorted(battery["valid_from_date"]) == [dt.date(year, 1, 1) for year in range(2015, 2026)]
    assert one(emaps, technology="battery discharge", basis="lifecycle", valid_from_date=dt.date(2025, 1, 1))[
        "gco2e_per_kwh"
    ] == pytest.approx(358.44)
    assert one(emaps, technology="hydro discharge", basis="direct", valid_from_date=dt.date(2017, 1, 1))[
        "gco2e_per_kwh"
    ] == pytest.approx(379.81)


def test_emaps_row_count(emaps):
    # 12 undated modes + 2 storage modes x 11 years, for each basis.
    assert len(emaps) == 2 * (12 + 2 * 11) == 68


# --- CodeCarbon --------------------------------------------------------------------------------


def test_codecarbon_per_source_factors():
    factors = codecarbon.parse_generation_emission_factors(real_source("codecarbon")).set_index("technology")
    assert len(factors) == 9
    assert factors.loc["coal", ["gco2e_per_kwh", "basis"]].tolist() == [995, "direct"]
    assert factors.loc["gas", ["technology_as_published", "gco2e_per_kwh"]].tolist() == ["natural_gas", 743]
    assert factors.loc["fossil", ["gco2e_per_kwh", "basis"]].tolist() == [635, "direct"]
    assert factors.loc["nuclear", ["gco2e_per_kwh", "basis"]].tolist() == [29, "lifecycle"]
    assert factors.loc["solar", "gco2e_per_kwh"] == 48


@pytest.fixture(scope="module")
def gcp_regions():
    return gcp_region_carbon.parse_cloud_regions(real_source("gcp_region_carbon"))


def test_codecarbon_cloud_impact_is_googles_2023_data(gcp_regions):
    cloud = codecarbon.parse_cloud_regions(real_source("codecarbon")).set_index("zone_id")
    google_2023 = gcp_regions[gcp_regions["year"] == 2023].set_index("zone_id")
    assert len(cloud) == 40
    assert set(cloud.index) == set(google_2023.index)
    pd.testing.assert_series_equal(
        cloud["grid_gco2e_per_kwh"].sort_index(), google_2023["grid_gco2e_per_kwh"].sort_index()
    )
    assert cloud.loc["gcp:me-central1", "location"] == "Doha"


# --- Google Cloud region files ------------------------------------------------------------------


def test_gcp_cfe_and_intensity(gcp_regions):
    iowa = one(gcp_regions, region="us-central1", year=2023)
    assert (iowa["cfe_fraction"], iowa["grid_gco2e_per_kwh"], iowa["grid_intensity_basis"]) == (
        pytest.approx(0.95),
        430,
        "direct",
    )
    assert one(gcp_regions, region="us-central1", year=2019)["grid_intensity_basis"] == "lifecycle"
    assert one(gcp_regions, region="europe-north2", year=2024)["cfe_fraction"] == pytest.approx(1.0)


def test_gcp_rows_per_year_keep_zero_and_empty_cfe(gcp_regions):
    assert gcp_regions.groupby("year").size().to_dict() == {2019: 24, 2020: 27, 2021: 34, 2022: 36, 2023: 40, 2024: 44}
    assert one(gcp_regions, region="northamerica-northeast1", year=2021)["grid_gco2e_per_kwh"] == 0
    assert gcp_regions[gcp_regions["year"] == 2019]["cfe_fraction"].isna().sum() == 8


# --- UNFCCC / IFI ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def ifi():
    return unfccc_ifi_grid_factors.parse_grid_marginal_emission_factors(real_source("unfccc_ifi_grid_factors"))


def test_ifi_values_for_a_few_countries(ifi):
    def value(zone_id, kind):
        return one(ifi, zone_id=zone_id, energy_project_type=kind)["gco2_per_kwh"]

    assert value("AFG", "operating_margin") == 414
    assert value("USA", "firm_energy") == 246
    assert value("USA", "operating_margin") == 416
    assert value("GBR", "intermittent_energy") == 320
    assert value("DEU", "operating_margin") == 650
    assert value("IND", "intermittent_energy") == 822
    assert value("ZWE", "operating_margin") == 1575
    assert value("ESP-CN", "firm_energy") == 435
    assert value("CYM", "firm_energy") == 373
    assert value("EU27", "operating_margin") == 409


def test_ifi_no_data_countries_are_dropped(ifi):
    assert not {"ALB", "COD"} & set(ifi["zone_id"])
    assert ifi["zone_id"].nunique() == 233 - 9
    assert len(ifi) == 5 * 224


def test_ifi_csv_and_json_agree_on_every_value():
    raw = real_source("unfccc_ifi_grid_factors")
    table = unfccc_ifi_grid_factors.factor_table(raw)
    data = json.loads(raw.file(unfccc_ifi_grid_factors.ISO_JSON).read_bytes())
    json_columns = {
        "firm_energy": "Firm Energy (e.g., Hydro, Geothermal)",
        "intermittent_energy": "Intermittent Energy (e.g., Solar, Wind, Tidal)",
        "energy_efficiency": "Energy Efficiency",
        "electricity_consumption": "Electricity Consumption",
        "operating_margin": "Operating Margin Grid Emission",
    }
    from_json = pd.DataFrame(
        {
            column: {unfccc_ifi_grid_factors.fold_name(name): float(entry[key]) for name, entry in data.items()}
            for column, key in json_columns.items()
        }
    )
    assert len(table) == len(from_json) == 233
    pd.testing.assert_frame_equal(table.astype(float).sort_index(), from_json.sort_index(), check_names=False)


# --- GB Carbon Intensity API -------------------------------------------------------------------


@pytest.fixture(scope="module")
def halfhours():
    return uk_carbon_intensity_api.parse_grid_intensity_halfhourly(real_source("uk_carbon_intensity_api"))


def test_gb_national_half_hour(halfhours):
    morning = one(halfhours, zone_id="GBR", period_start_utc=pd.Timestamp("2019-08-26T08:00Z"))
    assert (morning["forecast_gco2_per_kwh"], morning["actual_gco2_per_kwh"], morning["intensity_index"]) == (
        244,
        228,
        "moderate",
    )
    first = one(halfhours, zone_id="GBR", period_start_utc=pd.Timestamp("2019-08-25T12:30Z"))
    assert (first["forecast_gco2_per_kwh"], first["actual_gco2_per_kwh"]) == (183, 178)


def test_gb_regions(halfhours):
    regional = halfhours[halfhours["source_file"] == uk_carbon_intensity_api.REGIONAL]
    assert len(regional) == 48 * 18
    assert regional["zone_id"].nunique() == 18
    assert regional["actual_gco2_per_kwh"].isna().all()
    scotland = one(halfhours, zone_id="GBR-NORTH-SCOTLAND", period_start_utc=pd.Timestamp("2019-08-25T12:30Z"))
    assert (scotland["forecast_gco2_per_kwh"], scotland["intensity_index"]) == (23, "very low")
    assert (
        one(halfhours, zone_id="GBR-WLS", period_start_utc=pd.Timestamp("2019-08-26T08:00Z"))["forecast_gco2_per_kwh"]
        == 337
    )
    assert len(halfhours[halfhours["zone_id"] == "GBR"]) == 48


def test_recorded_api_error_body_is_refused_with_its_message():
    path = SHARED_SOURCES / "uk_carbon_intensity_api" / "error_400_invalid_datetime.json"
    name = uk_carbon_intensity_api.NATIONAL
    raw = RawSource(
        "uk_carbon_intensity_api", {name: RawFile("uk_carbon_intensity_api", name, path, "", "", 0, "2022-10-25")}
    )
    with pytest.raises(SourceFormatError, match="400 Bad Request: Please enter a valid datetime in ISO8601"):
        uk_carbon_intensity_api.response_data(raw, name)
