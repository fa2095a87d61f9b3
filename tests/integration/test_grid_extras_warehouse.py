"""The four grid_extras tables as published by a full refresh from the recorded sources."""

import datetime as dt

import pytest

from conftest import query
from pipelines.sources import sources_for_table

pytestmark = pytest.mark.integration

TABLES = ("generation_emission_factors", "grid_marginal_emission_factors", "cloud_regions", "grid_intensity_halfhourly")


def test_row_counts_per_source(built_warehouse):
    counts = {
        table: dict(query(built_warehouse, f"select source_id, count(*) from {table} group by 1")) for table in TABLES
    }
    assert counts == {
        "generation_emission_factors": {"emaps_factors": 68, "codecarbon": 9},
        "grid_marginal_emission_factors": {"unfccc_ifi_grid_factors": 1120},
        "cloud_regions": {"gcp_region_carbon": 205, "codecarbon": 40, "green_algorithms": 78},
        "grid_intensity_halfhourly": {"uk_carbon_intensity_api": 912},
    }
    for table in TABLES:
        assert set(counts[table]) == {s.id for s in sources_for_table(table)}


def test_generation_factors(built_warehouse):
    rows = dict(
        ((t, b), v)
        for t, b, v in query(
            built_warehouse,
            """
        select technology, basis, gco2e_per_kwh from generation_emission_factors
        where source_id = 'emaps_factors' and valid_from_date is null""",
        )
    )
    assert rows[("coal", "lifecycle")] == 820
    assert rows[("gas", "lifecycle")] == 490
    assert rows[("coal", "direct")] == 760
    ((valid_from_date, value, vintage),) = query(
        built_warehouse,
        """
        select valid_from_date, gco2e_per_kwh, source_vintage from generation_emission_factors
        where technology = 'battery discharge' and basis = 'direct' and valid_from_date = date '2019-01-01'""",
    )
    assert (valid_from_date, value, vintage) == (dt.date(2019, 1, 1), pytest.approx(383.75), "2026-04-28")


def test_marginal_factors(built_warehouse):
    rows = query(
        built_warehouse,
        """
        select energy_project_type, gco2_per_kwh, source_vintage from grid_marginal_emission_factors
        where zone_id = 'FRA' order by 1""",
    )
    assert rows == [
        ("electricity_consumption", 68, "2022-09-23"),
        ("energy_efficiency", 68, "2022-09-23"),
        ("firm_energy", 68, "2022-09-23"),
        ("intermittent_energy", 124, "2022-09-23"),
        ("operating_margin", 158, "2022-09-23"),
    ]


def test_cloud_regions_join_grid_table(built_warehouse):
    row = query(
        built_warehouse,
        """
        select c.cfe_fraction, c.grid_gco2e_per_kwh, g.gco2e_per_kwh
        from cloud_regions c join grid_carbon_intensity g
          on g.zone_id = c.zone_id and g.year = c.year and g.source_id = c.source_id
        where c.zone_id = 'gcp:us-central1' and c.year = 2023""",
    )
    assert row == [(pytest.approx(0.95), 430, 430)]
    (codecarbon_2023,) = query(
        built_warehouse,
        """
        select grid_gco2e_per_kwh from cloud_regions
        where source_id = 'codecarbon' and zone_id = 'gcp:europe-west9' and year = 2023""",
    )
    assert codecarbon_2023 == (34,)


def test_halfhourly_timestamps_are_utc(built_warehouse):
    ((start, actual),) = query(
        built_warehouse,
        """
        select period_start_utc at time zone 'UTC', actual_gco2_per_kwh from grid_intensity_halfhourly
        where zone_id = 'GBR' and period_start_utc = timestamptz '2019-08-26 08:00:00+00'""",
    )
    assert (start, actual) == (dt.datetime(2019, 8, 26, 8, 0), 228)


def test_parquet_descriptions_carry_units(built_warehouse):
    import pyarrow.parquet as pq

    schema = pq.read_schema(built_warehouse / "parquet" / "grid_marginal_emission_factors.parquet")
    assert "grams of CO2 (not CO2e) per kWh" in schema.field("gco2_per_kwh").metadata[b"description"].decode()


def test_cloud_regions_carry_green_algorithms_pue(built_warehouse):
    rows = query(
        built_warehouse,
        """select year, pue, country_zone_id from cloud_regions
                                     where zone_id = 'gcp:us-west1' and source_id = 'green_algorithms'""",
    )
    assert rows == [(2020, pytest.approx(1.11), "USA")]
