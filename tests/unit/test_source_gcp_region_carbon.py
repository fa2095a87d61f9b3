from __future__ import annotations

import logging
import shutil

import pytest

from conftest import FIXTURES, fixture_source
from pipelines.errors import SourceFormatError
from pipelines.sources import gcp_region_carbon
from pipelines.validation import validate

SOURCE_ID = "gcp_region_carbon"
HEADER_2021 = "Google Cloud Region,Location,Google CFE,Grid carbon intensity (gCO2eq / kWh)"


def _parsed():
    return gcp_region_carbon.parse_grid_intensity(fixture_source(SOURCE_ID))


def _row(frame, zone_id, year):
    rows = frame[(frame["zone_id"] == zone_id) & (frame["year"] == year)]
    assert len(rows) == 1, f"expected one row for {zone_id} {year}, got {len(rows)}"
    return rows.iloc[0]


def _source_with(tmp_path, name: str, text: str, newline: str = "\r\n"):
    (tmp_path / name).write_bytes(text.replace("\n", newline).encode("utf-8"))
    return fixture_source(SOURCE_ID, folder=tmp_path)


def test_fixtures_keep_the_published_line_endings():
    folder = FIXTURES / SOURCE_ID
    assert b"\r\n" in (folder / "2020.csv").read_bytes()
    assert b"\r\n" not in (folder / "2021.csv").read_bytes()
    assert (folder / "2021.csv").read_bytes().endswith(b"\n\n")


def test_year_comes_from_the_file_name():
    frame = _parsed()
    assert frame.groupby("source_file")["year"].unique().map(list).to_dict() == {
        "2020.csv": [2020],
        "2021.csv": [2021],
        "2024.csv": [2024],
    }


def test_values_per_region_and_year():
    frame = _parsed()
    assert _row(frame, "gcp:us-central1", 2020)["gco2e_per_kwh"] == 454
    assert _row(frame, "gcp:us-central1", 2021)["gco2e_per_kwh"] == 394
    assert _row(frame, "gcp:europe-west9", 2021)["gco2e_per_kwh"] == 59
    assert _row(frame, "gcp:us-central1", 2024)["gco2e_per_kwh"] == pytest.approx(412.72)
    assert _row(frame, "gcp:africa-south1", 2024)["gco2e_per_kwh"] == pytest.approx(656.85)
    assert _row(frame, "gcp:me-central1", 2024)["gco2e_per_kwh"] == 366


def test_basis_follows_each_files_header():
    basis = _parsed().groupby("year")["basis"].unique().map(list).to_dict()
    assert basis == {2020: ["lifecycle"], 2021: ["direct"], 2024: ["direct"]}


def test_zones_are_cloud_regions_named_by_location_as_published():
    frame = _parsed()
    assert set(frame["zone_type"]) == {"cloud_region"}
    assert _row(frame, "gcp:europe-west6", 2024)["zone_name"] == "Zürich"
    assert _row(frame, "gcp:southamerica-east1", 2024)["zone_name"] == "Sāo Paulo"
    assert _row(frame, "gcp:northamerica-northeast1", 2020)["zone_name"] == "Montréal"


def test_empty_cfe_cells_do_not_drop_regions():
    frame = _parsed()
    assert sorted(frame.loc[frame["year"] == 2020, "zone_id"]) == [
        "gcp:asia-east2",
        "gcp:europe-west6",
        "gcp:northamerica-northeast1",
        "gcp:us-central1",
    ]


def test_zero_intensity_is_dropped_with_a_warning(caplog):
    with caplog.at_level(logging.WARNING, logger="pipelines.sources.gcp_region_carbon"):
        frame = _parsed()
    assert "gcp:northamerica-northeast1" not in set(frame.loc[frame["year"] == 2021, "zone_id"])
    assert _row(frame, "gcp:northamerica-northeast1", 2020)["gco2e_per_kwh"] == 27
    assert len(frame[frame["year"] == 2021]) == 3
    assert any("2021.csv" in r.getMessage() and "northamerica-northeast1" in r.getMessage() for r in caplog.records)


def test_unrecognised_intensity_header_is_a_format_error(tmp_path):
    text = "Google Cloud Region,Location,Google CFE,Carbon intensity (kgCO2/kWh)\nus-central1,Iowa,0.95,0.43\n"
    with pytest.raises(SourceFormatError, match="grid carbon intensity") as caught:
        gcp_region_carbon.parse_grid_intensity(_source_with(tmp_path, "2023.csv", text))
    assert caught.value.file == "2023.csv"
    assert caught.value.column == "Grid carbon intensity (gCO2eq / kWh)"


def test_missing_location_column_is_a_format_error(tmp_path):
    text = "Google Cloud Region,Google CFE,Grid carbon intensity (gCO2eq / kWh)\nus-central1,0.95,430\n"
    with pytest.raises(SourceFormatError) as caught:
        gcp_region_carbon.parse_grid_intensity(_source_with(tmp_path, "2023.csv", text))
    assert (caught.value.file, caught.value.column) == ("2023.csv", "Location")


def test_non_numeric_intensity_names_file_and_column(tmp_path):
    text = f"{HEADER_2021}\nus-central1,Iowa,0.95,430\neurope-west9,Paris,0.94,n/a\n"
    with pytest.raises(SourceFormatError, match="non-numeric") as caught:
        gcp_region_carbon.parse_grid_intensity(_source_with(tmp_path, "2023.csv", text))
    assert caught.value.file == "2023.csv"
    assert caught.value.column == "Grid carbon intensity (gCO2eq / kWh)"
    assert "europe-west9" in str(caught.value)


def test_row_without_a_region_is_a_format_error(tmp_path):
    text = f"{HEADER_2021}\nus-central1,Iowa,0.95,430\n,Paris,0.94,34\n"
    with pytest.raises(SourceFormatError, match="without a region") as caught:
        gcp_region_carbon.parse_grid_intensity(_source_with(tmp_path, "2023.csv", text))
    assert caught.value.column == "Google Cloud Region"


def test_parses_whichever_yearly_files_the_snapshot_holds(tmp_path):
    shutil.copy(FIXTURES / SOURCE_ID / "2024.csv", tmp_path / "2024.csv")
    frame = gcp_region_carbon.parse_grid_intensity(fixture_source(SOURCE_ID, folder=tmp_path))
    assert set(frame["source_file"]) == {"2024.csv"}
    assert len(frame) == 5


def test_output_is_schema_valid():
    frame = _parsed().assign(source_id=SOURCE_ID, source_vintage="2025-12-03")
    validated = validate("grid_carbon_intensity", frame, source_id=SOURCE_ID)
    assert len(validated) == 4 + 3 + 5


def test_source_declares_one_file_per_data_year():
    assert [f.name for f in gcp_region_carbon.SOURCE.files] == [f"{y}.csv" for y in range(2019, 2025)]
    assert all(f.url.endswith(f"/data/yearly/{f.name}") for f in gcp_region_carbon.SOURCE.files)
