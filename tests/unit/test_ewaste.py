"""E-waste per-capita consistency macro and rate views (several sources).

curated_ewaste's own tests are in test_source_curated_ewaste.py."""

import duckdb
import pandas as pd
import pytest

from conftest import REPO
from curated_ewaste_frames import parse
from pipelines.validation import validate

CHECK_SQL = REPO / "warehouse" / "sql" / "30_ewaste.sql"


# --- per-capita consistency (warehouse/sql/30_ewaste.sql) ------------------------------------


def statistics_row(zone_id, year, metric, value, source_id="un_sdg_ewaste"):
    unit = {"population": "persons"}.get(metric, "kg/person" if metric.endswith("_per_capita") else "kt")
    return {
        "zone_id": zone_id,
        "year": year,
        "metric": metric,
        "value": value,
        "unit": unit,
        "category": "TOTAL",
        "zone_name": zone_id,
        "zone_type": "country",
        "rate_definition": None,
        "flag": None,
        "source_id": source_id,
        "source_vintage": "2024-01-01",
        "series": f"{source_id}:{metric}",
    }


@pytest.fixture
def statistics():
    rows = [
        # GEM 2024: 62 Mt and 7.8 kg per person over WPP 2022's 7.942 billion: 7.81 kg implied.
        statistics_row("WLD", 2022, "generated", 62000, "curated_ewaste"),
        statistics_row("WLD", 2022, "generated_per_capita", 7.8, "curated_ewaste"),
        statistics_row("WLD", 2022, "population", 7.942e9, "curated_ewaste"),
        # A national total written into the per-capita field (8 kt over 450,000 people is 17.8 kg).
        statistics_row("BRN", 2020, "generated", 8.0),
        statistics_row("BRN", 2020, "generated_per_capita", 18000.0),
        statistics_row("BRN", 2020, "population", 450000, "curated_ewaste"),
        # Exactly 10 % apart is within tolerance; 15 % is not.
        statistics_row("AGG-TEN", 2021, "collected", 11.0),
        statistics_row("AGG-TEN", 2021, "collected_per_capita", 10.0),
        statistics_row("AGG-TEN", 2021, "recycled", 11.5),
        statistics_row("AGG-TEN", 2021, "recycled_per_capita", 10.0),
        statistics_row("AGG-TEN", 2021, "population", 1e6, "curated_ewaste"),
        # A total and a per-capita value from different sources are not a pair.
        statistics_row("NOR", 2022, "generated", 1000.0, "eurostat_env_waselee"),
        statistics_row("NOR", 2022, "generated_per_capita", 26.0),
        statistics_row("NOR", 2022, "population", 5.5e6, "curated_ewaste"),
        # A pair with no population to compare against.
        statistics_row("GLP", 2022, "collected", 5367.0),
        statistics_row("GLP", 2022, "collected_per_capita", 13.9512),
    ]
    con = duckdb.connect()
    con.register("rows", pd.DataFrame(rows))
    con.execute("create table ewaste_statistics as select * from rows")
    con.execute(CHECK_SQL.read_text())
    yield con
    con.close()


def test_disagreements_beyond_tolerance_are_listed(statistics):
    listed = statistics.execute("from ewaste_per_capita_disagreements(0.10)").fetchdf()
    assert listed[["zone_id", "year", "total_metric"]].values.tolist() == [
        ["BRN", 2020, "generated"],
        ["AGG-TEN", 2021, "recycled"],
    ]
    brunei = listed.iloc[0]
    assert brunei["implied_per_capita_kg"] == pytest.approx(17.7778, abs=1e-4)
    assert brunei["relative_difference"] == pytest.approx(0.999, abs=1e-3)
    assert listed.iloc[1]["relative_difference"] == pytest.approx(0.15)


def test_every_comparable_pair_is_checked_and_the_rest_counted(statistics):
    checked = statistics.execute(
        "select zone_id, total_metric from ewaste_per_capita_disagreements(-1) order by all"
    ).fetchall()
    assert checked == [("AGG-TEN", "collected"), ("AGG-TEN", "recycled"), ("BRN", "generated"), ("WLD", "generated")]
    without = statistics.execute("from ewaste_per_capita_pairs_without_population()").fetchall()
    assert without == [("GLP", 2022, "un_sdg_ewaste", "TOTAL", "collected", "collected_per_capita")]


def test_asset_check_lists_the_disagreeing_series(tmp_path):
    from pipelines.assets.ewaste import ewaste_per_capita_consistency
    from pipelines.resources import WarehouseResource
    from pipelines.warehouse import Warehouse

    frame = parse()
    brunei = frame.iloc[[0, 0, 0]].assign(
        zone_id="BRN",
        zone_name="Brunei Darussalam",
        zone_type="country",
        year=2020,
        metric=["generated", "generated_per_capita", "population"],
        value=[8.0, 18000.0, 450000.0],
        unit=["kt", "kg/person", "persons"],
    )
    store = Warehouse(tmp_path)
    store.publish("ewaste_statistics", validate("ewaste_statistics", pd.concat([frame, brunei])))
    store.apply_sql()

    result = ewaste_per_capita_consistency(warehouse=WarehouseResource(warehouse_dir=str(tmp_path)))

    assert not result.passed and result.severity.value == "WARN"
    metadata = {key: getattr(value, "value", value) for key, value in result.metadata.items()}
    assert (metadata["pairs_checked"], metadata["disagreements"], metadata["pairs_without_population"]) == (2, 1, 0)
    assert metadata["listed"][0]["zone_id"] == "BRN" and metadata["listed"][0]["per_capita_kg"] == "18000.0"


# --- rate definitions are never ranked together (30_ewaste.sql, asset check) -----------------


def rate_row(zone_id, year, value, definition, source_id="owid_ewaste"):
    return {
        "zone_id": zone_id,
        "zone_name": zone_id,
        "zone_type": "country",
        "year": year,
        "metric": "recycling_rate",
        "category": "TOTAL",
        "value": value,
        "unit": "percent",
        "rate_definition": definition,
        "flag": None,
        "source_id": source_id,
        "source_vintage": "2024-01-01",
        "series": "s",
    }


@pytest.fixture
def rates_warehouse():
    from pipelines.assets.ewaste import rankings_mixing_rate_definitions

    rows = [
        rate_row("DEU", 2017, 85.8, "recycled_over_collected"),
        rate_row("MLT", 2017, 72.1, "recycled_over_collected"),
        rate_row("JPN", 2017, 21.0, "recycled_over_generated"),
        rate_row("USA", 2017, 15.0, "recycled_over_generated"),
    ]
    con = duckdb.connect()
    con.register("rows", pd.DataFrame(rows))
    con.execute("create table ewaste_statistics as select * from rows")
    con.execute(CHECK_SQL.read_text())
    return con, rankings_mixing_rate_definitions


def test_the_published_ranking_keeps_definitions_apart(rates_warehouse):
    con, mixed = rates_warehouse
    ranked = con.execute(
        "select rate_definition, zone_id, recycling_rank from ewaste_recycling_rate_ranked order by all"
    ).fetchall()
    assert ranked == [
        ("recycled_over_collected", "DEU", 1),
        ("recycled_over_collected", "MLT", 2),
        ("recycled_over_generated", "JPN", 1),
        ("recycled_over_generated", "USA", 2),
    ]
    assert mixed(con) == []


def test_the_check_fails_on_a_view_that_ranks_both_definitions_together(rates_warehouse):
    con, mixed = rates_warehouse
    con.execute(
        "create view recycling_league as select year, rate_definition, zone_id, "
        "rank() over (partition by year order by value desc) as league_rank from ewaste_statistics"
    )
    found = mixed(con)
    assert [(m["view"], m["rank_column"], m["rate_definition"], m["first_rank"]) for m in found] == [
        ("recycling_league", "league_rank", "recycled_over_generated", 3)
    ]
