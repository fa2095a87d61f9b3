"""uk_carbon_intensity_api: GB national and regional half-hours, and a recorded error body."""

import pandas as pd
import pytest

from conftest import SHARED_SOURCES, one, real_source
from pipelines.errors import SourceFormatError
from pipelines.sources import uk_carbon_intensity_api
from pipelines.sources._base import RawFile, RawSource

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(not SHARED_SOURCES.is_dir(), reason=f"recorded sources not present at {SHARED_SOURCES}"),
]


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
