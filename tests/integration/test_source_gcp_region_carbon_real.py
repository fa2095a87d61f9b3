from __future__ import annotations

import pytest

from conftest import one, real_source
from pipelines.sources import gcp_region_carbon
from pipelines.validation import validate

SOURCE = gcp_region_carbon.SOURCE
pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def raw():
    return real_source(SOURCE.id)


@pytest.fixture(scope="module")
def rows(raw):
    return gcp_region_carbon.parse_grid_intensity(raw)


def _row(rows, region, year):
    match = rows[(rows["zone_id"] == f"gcp:{region}") & (rows["year"] == year)]
    assert len(match) == 1
    return match.iloc[0]


def test_regions_per_year(rows):
    # 2021 and 2022 each lose Montréal, published as 0 gCO2eq/kWh.
    assert rows.groupby("year").size().to_dict() == {2019: 24, 2020: 27, 2021: 33, 2022: 35, 2023: 40, 2024: 44}


def test_real_values(rows):
    assert _row(rows, "us-central1", 2023)["gco2e_per_kwh"] == 430
    assert _row(rows, "europe-west9", 2023)["gco2e_per_kwh"] == 34
    assert _row(rows, "us-central1", 2019)["gco2e_per_kwh"] == 479
    assert _row(rows, "northamerica-northeast1", 2023)["gco2e_per_kwh"] == 2
    assert _row(rows, "africa-south1", 2024)["gco2e_per_kwh"] == pytest.approx(656.85)
    assert _row(rows, "europe-north2", 2024)["gco2e_per_kwh"] == pytest.approx(2.73)
    assert _row(rows, "southamerica-east1", 2023)["zone_name"] == "Sāo Paulo"


def test_lifecycle_until_2020_then_direct(rows):
    assert rows.groupby("basis")["year"].agg(lambda y: sorted(set(y))).to_dict() == {
        "lifecycle": [2019, 2020],
        "direct": [2021, 2022, 2023, 2024],
    }


def test_montreal_zero_is_dropped(rows):
    montreal = rows[rows["zone_id"] == "gcp:northamerica-northeast1"]
    assert sorted(montreal["year"]) == [2019, 2020, 2023, 2024]


def test_schema_valid(raw, rows):
    vintages = {name: f.vintage for name, f in raw.files.items()}
    frame = rows.assign(source_id=SOURCE.id, source_vintage=rows["source_file"].map(vintages))
    assert len(validate("grid_carbon_intensity", frame, source_id=SOURCE.id)) == 203


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
