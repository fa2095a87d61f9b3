from __future__ import annotations

import logging
import shutil

import pytest

from conftest import FIXTURES, fixture_source
from pipelines.errors import SourceFormatError
from pipelines.sources import ccf_cloud_factors
from pipelines.validation import validate

SOURCE_ID = "ccf_cloud_factors"
AWS = "grid-emissions-factors-aws.csv"
AZURE = "grid-emissions-factors-azure.csv"
GCP = "grid-emissions-factors-gcp.csv"
AZURE_HEADER = "Region,Location,NERC Region,CO2e (metric ton/kWh),Source"


def _parsed():
    return ccf_cloud_factors.parse_grid_intensity(fixture_source(SOURCE_ID))


def _row(frame, zone_id):
    rows = frame[frame["zone_id"] == zone_id]
    assert len(rows) == 1, f"expected one row for {zone_id}, got {len(rows)}"
    return rows.iloc[0]


def _source_with_azure(tmp_path, lines: list[str]):
    for name in (AWS, GCP):
        shutil.copy(FIXTURES / SOURCE_ID / name, tmp_path / name)
    (tmp_path / AZURE).write_bytes("\r\n".join([AZURE_HEADER, *lines]).encode("utf-8"))
    return fixture_source(SOURCE_ID, folder=tmp_path)


def test_fixtures_keep_crlf_without_a_final_newline():
    for name in (AWS, AZURE, GCP):
        data = (FIXTURES / SOURCE_ID / name).read_bytes()
        assert b"\r\n" in data and not data.endswith(b"\n"), name


def test_tonnes_per_kwh_become_grams_per_kwh():
    frame = _parsed()
    assert _row(frame, "aws:us-east-1")["gco2e_per_kwh"] == pytest.approx(415.755)
    assert _row(frame, "aws:eu-north-1")["gco2e_per_kwh"] == pytest.approx(8.0)
    assert _row(frame, "azure:centralus")["gco2e_per_kwh"] == pytest.approx(472.23)
    assert _row(frame, "azure:swedencentral")["gco2e_per_kwh"] == pytest.approx(9.0)
    assert _row(frame, "gcp:us-central1")["gco2e_per_kwh"] == pytest.approx(479.0)


def test_zone_ids_use_each_providers_region_codes():
    frame = _parsed()
    assert set(frame["zone_type"]) == {"cloud_region"}
    assert sorted(frame.loc[frame["source_file"] == AZURE, "zone_id"]) == [
        "azure:centralus",
        "azure:eastus2",
        "azure:swedencentral",
        "azure:uksouth",
    ]
    assert sorted(frame.loc[frame["source_file"] == AWS, "zone_id"]) == [
        "aws:ap-southeast-1",
        "aws:eu-north-1",
        "aws:sa-east-1",
        "aws:us-east-1",
    ]
    assert "gcp:northamerica-northeast1" in set(frame["zone_id"])


def test_zone_name_is_the_published_location_or_country():
    frame = _parsed()
    assert _row(frame, "aws:us-east-1")["zone_name"] == "United States"
    assert _row(frame, "azure:eastus2")["zone_name"] == "Virginia"
    assert _row(frame, "gcp:europe-west6")["zone_name"] == "Switzerland"


def test_basis_comes_from_each_rows_source():
    frame = _parsed()
    assert {
        _row(frame, z)["basis"] for z in ("aws:us-east-1", "aws:ap-southeast-1", "aws:eu-north-1", "aws:sa-east-1")
    } == {"direct"}
    assert set(frame.loc[frame["source_file"] == GCP, "basis"]) == {"lifecycle"}


def test_every_row_is_data_year_2019():
    assert set(_parsed()["year"]) == {2019}


def test_values_missing_their_decimal_point_are_dropped_with_a_warning(caplog):
    with caplog.at_level(logging.WARNING, logger="pipelines.sources.ccf_cloud_factors"):
        frame = _parsed()
    assert "azure:germanywestcentral" not in set(frame["zone_id"])
    assert "azure:finlandcentral" not in set(frame["zone_id"])
    messages = [r.getMessage() for r in caplog.records]
    assert any(AZURE in m and "line 6" in m and "Germany West Central" in m and "000402" in m for m in messages)
    assert any(AZURE in m and "line 5" in m and "Finland Central" in m and "000077" in m for m in messages)


def test_trailing_empty_field_is_removed_with_a_warning(tmp_path, caplog):
    with caplog.at_level(logging.WARNING, logger="pipelines.sources.ccf_cloud_factors"):
        frame = ccf_cloud_factors.parse_grid_intensity(
            _source_with_azure(tmp_path, ["Central US,Iowa,MRO,0.00047223,EPA,", "UK South,London,,0.000228,EEA"])
        )
    # The first data row is where pandas would have shifted columns into the index.
    central = _row(frame, "azure:centralus")
    assert (central["zone_name"], central["basis"]) == ("Iowa", "direct")
    assert central["gco2e_per_kwh"] == pytest.approx(472.23)
    assert any("line 2" in r.getMessage() and "trailing empty" in r.getMessage() for r in caplog.records)


def test_extra_field_with_data_is_a_format_error(tmp_path):
    with pytest.raises(SourceFormatError, match="line 3 has 6 fields") as caught:
        ccf_cloud_factors.parse_grid_intensity(
            _source_with_azure(tmp_path, ["UK South,London,,0.000228,EEA", "UK West,Cardiff,,0.000228,EEA,note"])
        )
    assert caught.value.file == AZURE


def test_short_row_is_a_format_error(tmp_path):
    with pytest.raises(SourceFormatError, match="line 2 has 4 fields") as caught:
        ccf_cloud_factors.parse_grid_intensity(_source_with_azure(tmp_path, ["UK South,London,,0.000228"]))
    assert caught.value.file == AZURE


def test_non_numeric_factor_names_file_and_column(tmp_path):
    with pytest.raises(SourceFormatError, match="non-numeric") as caught:
        ccf_cloud_factors.parse_grid_intensity(
            _source_with_azure(tmp_path, ["UK South,London,,0.000228,EEA", "UK West,Cardiff,,tbc,EEA"])
        )
    assert (caught.value.file, caught.value.column) == (AZURE, "CO2e (metric ton/kWh)")
    assert "UK West" in str(caught.value)


def test_renamed_factor_column_is_a_format_error(tmp_path):
    (tmp_path / AWS).write_bytes(
        b"Region,Country,NERC Region,CO2e (kg/kWh),Source\r\nus-east-1,United States,SERC,0.4,EPA"
    )
    for name in (AZURE, GCP):
        shutil.copy(FIXTURES / SOURCE_ID / name, tmp_path / name)
    with pytest.raises(SourceFormatError) as caught:
        ccf_cloud_factors.parse_grid_intensity(fixture_source(SOURCE_ID, folder=tmp_path))
    assert (caught.value.file, caught.value.column) == (AWS, "CO2e (metric ton/kWh)")


def test_unrecognised_source_gives_unknown_basis(tmp_path):
    frame = ccf_cloud_factors.parse_grid_intensity(
        _source_with_azure(tmp_path, ["UK South,London,,0.000228,EEA", "Qatar Central,Doha,,0.00049,IEA"])
    )
    assert _row(frame, "azure:qatarcentral")["basis"] == "unknown"
    assert _row(frame, "azure:uksouth")["basis"] == "direct"


def test_output_is_schema_valid():
    frame = _parsed().assign(source_id=SOURCE_ID, source_vintage="2023-04-06")
    validated = validate("grid_carbon_intensity", frame, source_id=SOURCE_ID)
    assert len(validated) == 4 + 4 + 3


def test_source_declares_grid_factors_and_power_coefficients():
    names = [f.name for f in ccf_cloud_factors.SOURCE.files]
    assert names[:3] == [AWS, AZURE, GCP]
    assert {"coefficients-aws-use.csv", "coefficients-azure-use.csv", "coefficients-gcp-use.csv"} <= set(names)
