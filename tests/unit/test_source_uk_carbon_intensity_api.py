"""uk_carbon_intensity_api parser against hand-written API responses (national, regional, error)."""

import json
import shutil

import pandas as pd
import pytest

from conftest import FIXTURES, fixture_source
from pipelines.errors import SourceFormatError
from pipelines.sources import uk_carbon_intensity_api as api
from pipelines.validation import validate

SOURCE_ID = "uk_carbon_intensity_api"
ERROR_BODY = FIXTURES / SOURCE_ID / "error_400_invalid_datetime.json"


@pytest.fixture
def parsed():
    return api.parse_grid_intensity_halfhourly(fixture_source(SOURCE_ID))


def at(frame, zone_id, start):
    match = frame[(frame["zone_id"] == zone_id) & (frame["period_start_utc"] == pd.Timestamp(start))]
    assert len(match) == 1, f"expected one row for {zone_id} at {start}, got {len(match)}"
    return match.iloc[0]


def source_with(tmp_path, name: str, text: str):
    shutil.copytree(FIXTURES / SOURCE_ID, tmp_path, dirs_exist_ok=True)
    (tmp_path / name).write_text(text, encoding="utf-8")
    return fixture_source(SOURCE_ID, folder=tmp_path)


def test_national_forecast_actual_and_index(parsed):
    first = at(parsed, "GBR", "2019-08-25T12:30Z")
    assert (first["forecast_gco2_per_kwh"], first["actual_gco2_per_kwh"], first["intensity_index"]) == (
        183,
        178,
        "moderate",
    )
    assert first["period_end_utc"] == pd.Timestamp("2019-08-25T13:00Z")
    assert first["zone_name"] == "Great Britain"


def test_national_actual_not_yet_published_is_empty(parsed):
    assert pd.isna(at(parsed, "GBR", "2019-08-25T13:30Z")["actual_gco2_per_kwh"])


def test_timestamps_are_utc(parsed):
    assert str(parsed["period_start_utc"].dt.tz) == "UTC"


def test_regions_get_documented_zone_ids(parsed):
    regional = parsed[parsed["source_file"] == api.REGIONAL]
    assert sorted(set(regional["zone_id"])) == ["GBR-ENG", "GBR-GB", "GBR-NORTH-SCOTLAND"]
    scotland = at(parsed, "GBR-NORTH-SCOTLAND", "2019-08-25T13:00Z")
    assert (scotland["forecast_gco2_per_kwh"], scotland["intensity_index"], scotland["zone_name"]) == (
        21,
        "very low",
        "North Scotland",
    )
    assert at(parsed, "GBR-GB", "2019-08-25T12:30Z")["forecast_gco2_per_kwh"] == 178


def test_regional_rows_have_no_actual(parsed):
    assert parsed.loc[parsed["source_file"] == api.REGIONAL, "actual_gco2_per_kwh"].isna().all()


def test_output_is_schema_valid(parsed):
    frame = parsed.assign(source_id=SOURCE_ID, source_vintage="2019-08-26")
    validated = validate("grid_intensity_halfhourly", frame, source_id=SOURCE_ID)
    assert len(validated) == 3 + 2 * 3


def test_error_body_raises_with_the_apis_message(tmp_path):
    raw = source_with(tmp_path, api.NATIONAL, ERROR_BODY.read_text(encoding="utf-8"))
    with pytest.raises(SourceFormatError) as caught:
        api.parse_grid_intensity_halfhourly(raw)
    message = str(caught.value)
    assert caught.value.file == api.NATIONAL
    assert "400 Bad Request" in message
    assert "Please enter a valid datetime in ISO8601 format YYYY-MM-DDThh:mmZ" in message


def test_empty_data_list_is_a_format_error(tmp_path):
    with pytest.raises(SourceFormatError, match="at least one period"):
        api.parse_grid_intensity_halfhourly(source_with(tmp_path, api.REGIONAL, '{"data": []}'))


def test_unknown_region_id_is_a_format_error(tmp_path):
    body = json.loads((FIXTURES / SOURCE_ID / api.REGIONAL).read_text(encoding="utf-8"))
    body["data"][0]["regions"][0]["regionid"] = 19
    with pytest.raises(SourceFormatError, match="unknown region id") as caught:
        api.parse_grid_intensity_halfhourly(source_with(tmp_path, api.REGIONAL, json.dumps(body)))
    assert caught.value.column == "regionid"


def test_renumbered_region_is_a_format_error(tmp_path):
    body = json.loads((FIXTURES / SOURCE_ID / api.REGIONAL).read_text(encoding="utf-8"))
    body["data"][1]["regions"][0]["shortname"] = "Orkney"
    with pytest.raises(SourceFormatError, match="different name") as caught:
        api.parse_grid_intensity_halfhourly(source_with(tmp_path, api.REGIONAL, json.dumps(body)))
    assert "Orkney" in str(caught.value)


def test_malformed_timestamp_names_the_column(tmp_path):
    text = (
        (FIXTURES / SOURCE_ID / api.NATIONAL)
        .read_text(encoding="utf-8")
        .replace('"from": "2019-08-25T13:30Z"', '"from": "25/08/2019 13:30"')
    )
    with pytest.raises(SourceFormatError, match="YYYY-MM-DDThh:mmZ") as caught:
        api.parse_grid_intensity_halfhourly(source_with(tmp_path, api.NATIONAL, text))
    assert caught.value.column == "from"


def test_non_numeric_forecast_names_the_column(tmp_path):
    text = (
        (FIXTURES / SOURCE_ID / api.NATIONAL)
        .read_text(encoding="utf-8")
        .replace('"forecast": 178', '"forecast": "high"', 1)
    )
    with pytest.raises(SourceFormatError, match="non-numeric") as caught:
        api.parse_grid_intensity_halfhourly(source_with(tmp_path, api.NATIONAL, text))
    assert caught.value.column == "forecast"


def test_source_declares_the_live_api_urls():
    urls = {f.name: f.url for f in api.SOURCE.files}
    assert urls == {
        api.NATIONAL: "https://api.carbonintensity.org.uk/intensity/2019-08-25T12:30Z/fw24h",
        api.REGIONAL: "https://api.carbonintensity.org.uk/regional/intensity/2019-08-25T12:30Z/fw24h",
    }
    # The API's past data can be revised, so no file claims a fixed vintage.
    assert all(f.data_as_of is None for f in api.SOURCE.files)
