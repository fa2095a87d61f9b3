"""Google Cloud region files as cloud_regions rows: CFE, intensity, basis, country (existing fixtures)."""

import pandas as pd
import pytest

from conftest import fixture_source
from pipelines.errors import SourceFormatError
from pipelines.sources import gcp_region_carbon
from pipelines.validation import validate

SOURCE_ID = "gcp_region_carbon"
HEADER_2021 = "Google Cloud Region,Location,Google CFE,Grid carbon intensity (gCO2eq / kWh)"


@pytest.fixture
def regions():
    return gcp_region_carbon.parse_cloud_regions(fixture_source(SOURCE_ID))


def region(frame, name, year):
    match = frame[(frame["region"] == name) & (frame["year"] == year)]
    assert len(match) == 1, f"expected one row for {name} {year}, got {len(match)}"
    return match.iloc[0]


def source_with(tmp_path, name: str, text: str):
    (tmp_path / name).write_text(text, encoding="utf-8")
    return fixture_source(SOURCE_ID, folder=tmp_path)


def test_cfe_and_intensity_per_region_and_year(regions):
    iowa = region(regions, "us-central1", 2024)
    assert (iowa["cfe_fraction"], iowa["grid_gco2e_per_kwh"], iowa["grid_intensity_basis"]) == (
        pytest.approx(0.87),
        pytest.approx(412.72),
        "direct",
    )
    assert iowa["zone_id"] == "gcp:us-central1"
    assert region(regions, "us-central1", 2020)["grid_intensity_basis"] == "lifecycle"


def test_empty_cfe_is_null_and_keeps_the_region(regions):
    hong_kong = region(regions, "asia-east2", 2020)
    assert pd.isna(hong_kong["cfe_fraction"])
    assert hong_kong["grid_gco2e_per_kwh"] == 453


def test_zero_intensity_is_kept_as_published(regions):
    # grid_carbon_intensity drops it (it needs a positive value); here it sits beside CFE 1.00.
    montreal = region(regions, "northamerica-northeast1", 2021)
    assert (montreal["grid_gco2e_per_kwh"], montreal["cfe_fraction"]) == (0, 1.0)
    assert montreal["location"] == "Montréal"


def test_country_from_us_prefix_or_country_name(regions):
    assert region(regions, "us-central1", 2021)["country_zone_id"] == "USA"
    assert region(regions, "asia-east2", 2020)["country_zone_id"] == "HKG"
    # A city is not a country: left empty rather than guessed.
    assert region(regions, "europe-west9", 2021)["country_zone_id"] is None
    assert region(regions, "southamerica-east1", 2024)["country_zone_id"] is None


def test_us_region_named_after_a_state_that_is_also_a_country(tmp_path):
    text = f"{HEADER_2021}\nus-east2,Georgia,0.42,340.42\n"
    frame = gcp_region_carbon.parse_cloud_regions(source_with(tmp_path, "2024.csv", text))
    assert frame["country_zone_id"].tolist() == ["USA"]


def test_no_pue_in_these_files(regions):
    assert regions["pue"].isna().all()


def test_rows_per_file(regions):
    assert regions.groupby("source_file").size().to_dict() == {"2020.csv": 4, "2021.csv": 4, "2024.csv": 5}


def test_schema_valid(regions):
    frame = regions.assign(source_id=SOURCE_ID, source_vintage="2025-12-03")
    assert len(validate("cloud_regions", frame, source_id=SOURCE_ID)) == 13


def test_non_numeric_cfe_names_file_and_column(tmp_path):
    text = f"{HEADER_2021}\nus-central1,Iowa,high,430\n"
    with pytest.raises(SourceFormatError, match="non-numeric") as caught:
        gcp_region_carbon.parse_cloud_regions(source_with(tmp_path, "2023.csv", text))
    assert (caught.value.file, caught.value.column) == ("2023.csv", "Google CFE")


def test_missing_cfe_column_is_a_format_error(tmp_path):
    text = "Google Cloud Region,Location,Grid carbon intensity (gCO2eq / kWh)\nus-central1,Iowa,430\n"
    with pytest.raises(SourceFormatError) as caught:
        gcp_region_carbon.parse_cloud_regions(source_with(tmp_path, "2023.csv", text))
    assert caught.value.column == "Google CFE"


def test_cfe_percent_instead_of_fraction_fails_validation(tmp_path):
    from pipelines.errors import ValidationError

    text = f"{HEADER_2021}\nus-central1,Iowa,95,430\n"
    frame = gcp_region_carbon.parse_cloud_regions(source_with(tmp_path, "2023.csv", text))
    with pytest.raises(ValidationError, match="cfe_fraction"):
        validate("cloud_regions", frame.assign(source_id=SOURCE_ID, source_vintage="2024-07-04"))


def test_gcp_feeds_both_tables():
    assert set(gcp_region_carbon.SOURCE.parsers) == {"grid_carbon_intensity", "cloud_regions"}
