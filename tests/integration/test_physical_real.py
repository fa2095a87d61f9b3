"""The physical side from the recorded files (../shared/sources, archive mode): WEEE by country,
the minerals in the chips, data-centre electricity, and the fleet beside world e-waste."""

import pytest

from conftest import query

pytestmark = pytest.mark.integration


def test_weee_collected_by_country_with_its_flag(built_warehouse):
    rows = query(
        built_warehouse,
        "select value, unit, flag from ewaste_statistics where zone_id = 'DEU' and "
        "year = ? and metric = 'collected' and category = 'TOTAL' and "
        "source_id = 'eurostat_env_waselee'",
        [2006],
    )
    assert rows == [(pytest.approx(753.9), "kt", "s")]  # 753,900 t, Eurostat estimate
    assert query(
        built_warehouse,
        "select value, flag from ewaste_statistics where zone_id = 'DEU' and year = 2017 "
        "and metric = 'collected' and category = 'TOTAL' and "
        "source_id = 'eurostat_env_waselee'",
    ) == [(pytest.approx(836.907), None)]


def test_at_least_25_countries_have_yearly_series(built_warehouse):
    countries = query(
        built_warehouse,
        "select count(*) from (select zone_id from ewaste_statistics where "
        "zone_type = 'country' and category = 'TOTAL' and metric = 'collected' "
        "group by zone_id having count(distinct year) >= 10)",
    )
    assert countries[0][0] >= 25


def test_owid_eu_rates_are_eurostats_recycled_over_collected(built_warehouse):
    rows = query(
        built_warehouse,
        "select source_id, value, rate_definition from ewaste_statistics where "
        "zone_id = 'DEU' and year = 2017 and metric = 'recycling_rate' and "
        "category = 'TOTAL' order by source_id",
    )
    assert rows == [
        ("eurostat_env_waselee", 85.8, "recycled_over_collected"),
        ("owid_ewaste", 85.8, "recycled_over_collected"),
    ]
    assert query(
        built_warehouse,
        "select value, rate_definition from ewaste_statistics where zone_id = 'MLT' and "
        "year = 2011 and source_id = 'owid_ewaste'",
    ) == [(122.8, "recycled_over_collected")]
    assert query(
        built_warehouse,
        "select value, rate_definition from ewaste_statistics where zone_id = 'WLD' and "
        "year = 2022 and source_id = 'owid_ewaste'",
    ) == [(22.3, "recycled_over_generated")]


def test_no_view_ranks_two_rate_definitions_together(built_warehouse):
    import duckdb

    from pipelines.assets.ewaste import rankings_mixing_rate_definitions

    with duckdb.connect(str(built_warehouse / "aifootprint.duckdb"), read_only=True) as con:
        assert rankings_mixing_rate_definitions(con) == []
        ranked = con.execute(
            "select count(distinct rate_definition) from ewaste_recycling_rate_ranked where year = 2017"
        ).fetchone()[0]
    assert ranked == 2


def test_dr_congo_share_of_world_cobalt_2023(built_warehouse):
    rows = query(
        built_warehouse,
        "select producer_rank, quantity_t, world_quantity_t, share_of_world_pct from "
        "mineral_top_producers where mineral = 'cobalt' and measure = 'mine_production' "
        "and year = 2023 and zone_id = 'COD'",
    )
    assert rows == [(1, 170000.0, 230000.0, 73.91)]


def test_germanium_says_it_has_no_world_figure(built_warehouse):
    gaps = query(
        built_warehouse,
        "select measure, year, world_status from mineral_world_data_gaps where mineral = 'germanium' order by all",
    )
    assert gaps == [
        ("refinery_production", 2022, "not_available"),
        ("refinery_production", 2023, "not_available"),
        ("reserves", 2023, "not_available"),
    ]
    assert query(
        built_warehouse, "select count(*) from mineral_production where value_status <> 'reported' and quantity_t = 0"
    ) == [(0,)]


def test_ireland_metered_quarter_and_year(built_warehouse):
    assert query(
        built_warehouse,
        "select electricity_twh_central from datacenter_electricity where zone_id = 'IRL' "
        "and year = 2025 and quarter = 4",
    ) == [(pytest.approx(1.991),)]
    latest = query(
        built_warehouse,
        "select figure, year, electricity_twh_low, electricity_twh_central, "
        "electricity_twh_high, share_of_demand_pct_central from "
        "datacenter_electricity_projection_vs_latest order by figure",
    )
    assert [row[:2] for row in latest] == [
        ("IEA latest world estimate", 2024),
        ("IEA projection for 2026", 2026),
        ("Latest metered quarter (Ireland, CSO)", 2025),
        ("Latest metered year (Ireland, CSO)", 2025),
    ]
    assert latest[1][2:5] == (620.0, None, 1050.0)
    assert latest[3][3] == pytest.approx(7.662) and latest[3][5] == pytest.approx(23.23)  # CSO: 23 % in 2025


def test_world_share_series_from_owid(built_warehouse):
    rows = query(
        built_warehouse,
        "select year, round(share_of_demand_pct_central, 2) from datacenter_electricity "
        "where zone_id = 'WLD' and source_id = 'owid_datacentre_share' order by year",
    )
    assert [year for year, _ in rows] == [2020, 2023, 2024, 2025] and rows[0][1] == 1.01 and rows[-1][1] == 1.53


def test_fleet_retired_mass_beside_world_ewaste(built_warehouse):
    last_fleet_year = query(built_warehouse, "select max(year) from accelerator_fleet_footprint")[0][0]
    rows = query(
        built_warehouse,
        "select year, retired_mass_t_low, retired_mass_t_high, world_ewaste_generated_t, "
        "world_ewaste_year from fleet_ewaste_by_year where retired_mass_t_high is not null "
        "order by year desc",
    )
    assert rows[0][0] == last_fleet_year
    assert all(low <= high for _, low, high, _, _ in rows)
    assert {world for *_, world, _ in rows} == {62_000_000.0}  # GEM 2024: 62 Mt in 2022, carried forward
    genai = query(
        built_warehouse,
        "select year, ewaste_t from genai_ewaste_estimates where metric = 'projected_genai_ewaste_generated_high'",
    )
    assert genai == [(2030, 2_500_000.0)]


def test_mineral_uses_are_cited(built_warehouse):
    rows = query(
        built_warehouse,
        "select mineral, count(*), count(citation_url), count(citation_publisher) "
        "from mineral_uses group by mineral order by mineral",
    )
    assert rows == [("cobalt", 1, 1, 1), ("gallium", 2, 2, 2), ("tantalum", 1, 1, 1)]
    produced = {row[0] for row in query(built_warehouse, "select distinct mineral from mineral_production")}
    assert {row[0] for row in rows} <= produced


def test_units_in_column_names_view(built_warehouse):
    rows = query(
        built_warehouse,
        "select value_kt, value_kg_per_capita, value_pct, flag "
        "from ewaste_statistics_by_unit where zone_id = 'DEU' and year = 2006 and metric = 'collected' and "
        "category = 'TOTAL' and source_id = 'eurostat_env_waselee'",
    )
    assert rows == [(pytest.approx(753.9), None, None, "s")]
    assert query(
        built_warehouse,
        "select count(*) from ewaste_statistics_by_unit where (value_kt is not null)::int + "
        "(value_kg_per_capita is not null)::int + (value_pct is not null)::int + "
        "(population_persons is not null)::int <> 1",
    ) == [(0,)]
