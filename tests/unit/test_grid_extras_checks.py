"""The grid_extras asset checks, run directly against a small published warehouse."""

import datetime as dt

import pandas as pd
import pytest

from pipelines.assets import grid_extras
from pipelines.resources import WarehouseResource
from pipelines.validation import validate

PROVENANCE = {"source_id": "demo", "source_vintage": "2024-01-01"}


@pytest.fixture
def warehouse(tmp_path) -> WarehouseResource:
    return WarehouseResource(warehouse_dir=str(tmp_path))


def publish(warehouse, table_name, rows):
    warehouse.publish(table_name, validate(table_name, pd.DataFrame([{**PROVENANCE, **r} for r in rows])))


def factor(basis, value, technology="coal", valid_from_date=None):
    return {
        "technology": technology,
        "technology_as_published": technology,
        "basis": basis,
        "gco2e_per_kwh": value,
        "valid_from_date": valid_from_date,
        "source_note": "IPCC 2014",
        "source_file": "f.yaml",
    }


def halfhour(zone_id, start, minutes=30):
    start = pd.Timestamp(start)
    return {
        "zone_id": zone_id,
        "zone_name": zone_id,
        "period_start_utc": start,
        "period_end_utc": start + pd.Timedelta(minutes=minutes),
        "forecast_gco2_per_kwh": 180.0,
        "actual_gco2_per_kwh": None,
        "intensity_index": "moderate",
        "source_file": "i.json",
    }


def test_lifecycle_at_least_direct_passes_and_fails(warehouse):
    day = dt.date(2015, 1, 1)
    publish(
        warehouse,
        "generation_emission_factors",
        [
            factor("direct", 760),
            factor("lifecycle", 820),
            factor("direct", 400, "battery discharge", day),
            factor("lifecycle", 300, "battery discharge", day),
        ],
    )
    result = grid_extras.generation_lifecycle_at_least_direct(warehouse=warehouse)
    assert not result.passed
    assert result.metadata["lifecycle_below_direct"].data == [
        ["demo", "battery discharge", "2015-01-01", "400.0", "300.0"]
    ]


def test_halfhourly_contiguity(warehouse):
    publish(
        warehouse,
        "grid_intensity_halfhourly",
        [
            halfhour("GBR", "2019-08-25T12:30Z"),
            halfhour("GBR", "2019-08-25T13:00Z"),
            halfhour("GBR-LONDON", "2019-08-25T12:30Z"),
        ],
    )
    assert grid_extras.halfhourly_periods_contiguous(warehouse=warehouse).passed

    publish(
        warehouse,
        "grid_intensity_halfhourly",
        [
            halfhour("GBR", "2019-08-25T12:30Z"),
            halfhour("GBR", "2019-08-25T13:30Z"),
            halfhour("GBR-LONDON", "2019-08-25T12:30Z", minutes=60),
        ],
    )
    result = grid_extras.halfhourly_periods_contiguous(warehouse=warehouse)
    assert not result.passed
    assert {row[0] for row in result.metadata["irregular_periods"].data} == {"GBR", "GBR-LONDON"}


def test_marginal_ordering_warns_on_out_of_order_zone(warehouse):
    def rows(zone_id, firm, intermittent, operating):
        common = {
            "zone_id": zone_id,
            "zone_name": zone_id,
            "zone_type": "country",
            "year": 2021,
            "source_file": "ifi.csv",
        }
        return [
            {**common, "margin": "combined", "energy_project_type": "firm_energy", "gco2_per_kwh": firm},
            {
                **common,
                "margin": "combined",
                "energy_project_type": "intermittent_energy",
                "gco2_per_kwh": intermittent,
            },
            {**common, "margin": "operating", "energy_project_type": "operating_margin", "gco2_per_kwh": operating},
        ]

    publish(warehouse, "grid_marginal_emission_factors", rows("AFG", 193, 331, 414) + rows("XYZ", 500, 400, 300))
    result = grid_extras.marginal_factor_ordering(warehouse=warehouse)
    assert not result.passed
    assert result.metadata["zones_compared"].value == 2 and result.metadata["out_of_order"].value == 1


def test_cloud_intensity_compared_with_grid_table(warehouse):
    cloud = {
        "provider": "gcp",
        "location": "x",
        "country_zone_id": None,
        "year": 2023,
        "grid_intensity_basis": "direct",
        "cfe_fraction": None,
        "pue": None,
        "source_file": "2023.csv",
    }
    publish(
        warehouse,
        "cloud_regions",
        [
            {**cloud, "region": "us-central1", "zone_id": "gcp:us-central1", "grid_gco2e_per_kwh": 430.0},
            {**cloud, "region": "europe-west9", "zone_id": "gcp:europe-west9", "grid_gco2e_per_kwh": 34.0},
            {**cloud, "region": "asia-east1", "zone_id": "gcp:asia-east1", "grid_gco2e_per_kwh": 451.0},
        ],
    )
    grid = {
        "zone_name": "x",
        "zone_type": "cloud_region",
        "year": 2023,
        "basis": "direct",
        "source_file": "g.csv",
        "source_id": "other",
    }
    warehouse.publish(
        "grid_carbon_intensity",
        validate(
            "grid_carbon_intensity",
            pd.DataFrame(
                [
                    {**grid, "zone_id": "gcp:us-central1", "gco2e_per_kwh": 440.0, "source_vintage": "2024-01-01"},
                    {**grid, "zone_id": "gcp:europe-west9", "gco2e_per_kwh": 60.0, "source_vintage": "2024-01-01"},
                ]
            ),
        ),
    )
    result = grid_extras.cloud_intensity_matches_grid_table(warehouse=warehouse)
    assert not result.passed
    assert result.metadata["pairs_compared"].value == 2
    assert result.metadata["pairs_apart"].value == 1
    assert result.metadata["worst"].data[0]["zone_id"] == "gcp:europe-west9"


def test_primary_key_check_reads_the_registered_key(warehouse):
    row = factor("direct", 760)
    # Published without validation to simulate duplicates slipping past (e.g. concatenated sources).
    warehouse.publish("generation_emission_factors", pd.DataFrame([{**PROVENANCE, **row}] * 2))
    check = grid_extras.primary_key_check("generation_emission_factors")
    result = check(warehouse=warehouse)
    assert not result.passed
    assert result.metadata["duplicates"].data[0][:3] == ["demo", "coal", "direct"]


def test_every_table_has_row_count_and_key_checks():
    names = {key.name for check in grid_extras.checks for key in check.check_keys}
    for table_name in grid_extras.TABLES:
        assert {f"{table_name}_rows_per_source", f"{table_name}_primary_key_unique"} <= names
