"""Publishing is atomic and writes one table; readers get a read-only connection with no file access."""

import hashlib
import subprocess
import sys
import threading

import duckdb
import pandas as pd
import pytest

from pipelines import warehouse as warehouse_module
from pipelines.errors import WarehouseLockedError
from pipelines.warehouse import Warehouse


def grid_rows(value=56.039):
    return pd.DataFrame(
        {
            "source_id": ["demo", "demo"],
            "source_vintage": ["2024-09-20", "2024-09-20"],
            "zone_id": ["FRA", "DEU"],
            "zone_name": ["France", "Germany"],
            "zone_type": ["country", "country"],
            "year": [2023, 2023],
            "gco2e_per_kwh": [value, 381.0],
            "basis": ["lifecycle", "lifecycle"],
            "source_file": ["f.json", "f.json"],
        }
    )


def pue_rows():
    return pd.DataFrame(
        {
            "source_id": ["curated_pue"],
            "source_vintage": ["2024-01-01"],
            "scope": ["industry"],
            "entity": ["Uptime Institute survey"],
            "year": [2024],
            "pue": [1.56],
            "citation_publisher": ["Uptime Institute"],
            "citation_title": ["Global Data Center Survey 2024"],
            "citation_url": ["https://uptimeinstitute.com/"],
            "citation_published": ["2024"],
            "citation_note": [None],
            "source_file": ["datacenter_pue.csv"],
        }
    )


def relations(con) -> set[str]:
    return {row[0] for row in con.execute("select table_name from information_schema.tables").fetchall()}


def digests(store: Warehouse) -> dict:
    paths = [store.database_path, store.parquet_path("grid_carbon_intensity")]
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in paths}


def test_publish_writes_parquet_and_duckdb_and_sql_adds_the_views(tmp_path):
    store = Warehouse(tmp_path)
    result = store.publish("grid_carbon_intensity", grid_rows())
    assert result["rows"] == 2
    with store.connect() as con:
        assert relations(con) == {"grid_carbon_intensity"}
    store.apply_sql()
    with store.connect() as con:
        assert con.execute(
            "select gco2e_per_kwh from grid_carbon_intensity_preferred where zone_id = 'FRA' and year = 2023"
        ).fetchone() == (pytest.approx(56.039),)
    assert store.read("grid_carbon_intensity")["zone_id"].tolist() == ["FRA", "DEU"]


def test_failure_during_publish_leaves_previous_bytes(tmp_path, monkeypatch):
    store = Warehouse(tmp_path)
    store.publish("grid_carbon_intensity", grid_rows())
    before = digests(store)

    fsync = warehouse_module._fsync

    def crash_on_the_database_copy(path):
        if path.name == f".{warehouse_module.DATABASE_NAME}.tmp":
            raise RuntimeError("simulated crash before the new database copy is swapped in")
        fsync(path)

    monkeypatch.setattr(warehouse_module, "_fsync", crash_on_the_database_copy)
    with pytest.raises(RuntimeError):
        store.publish("grid_carbon_intensity", grid_rows(value=99.0))
    assert digests(store) == before
    assert sorted(p.name for p in tmp_path.rglob("*.tmp")) == []


def test_query_connection_is_read_only_and_sandboxed(tmp_path):
    store = Warehouse(tmp_path)
    store.publish("grid_carbon_intensity", grid_rows())
    with store.connect() as con:
        with pytest.raises(duckdb.Error):
            con.execute("delete from grid_carbon_intensity")
        with pytest.raises(duckdb.Error):
            con.execute(f"copy grid_carbon_intensity to '{tmp_path / 'leak.csv'}'")
        with pytest.raises(duckdb.Error):
            con.execute(f"attach '{tmp_path / 'other.duckdb'}' as other")
    assert not (tmp_path / "leak.csv").exists()


def test_second_refresh_lock_is_refused_with_a_clear_message(tmp_path):
    store = Warehouse(tmp_path)
    code = (
        "import sys; from pipelines.warehouse import Warehouse; "
        "lock = Warehouse(sys.argv[1]).refresh_lock(); lock.__enter__(); print('held', flush=True); "
        "sys.stdin.read()"
    )
    holder = subprocess.Popen(
        [sys.executable, "-c", code, str(tmp_path)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(WarehouseLockedError, match="locked: another refresh is running"):
            with store.refresh_lock():
                pass
    finally:
        holder.stdin.close()
        holder.wait(timeout=10)
    with store.refresh_lock():  # released when the holder exits
        pass


def test_concurrent_publishes_are_serialised(tmp_path):
    store = Warehouse(tmp_path)
    errors = []

    def publish(value):
        try:
            store.publish("grid_carbon_intensity", grid_rows(value))
        except Exception as exc:  # collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=publish, args=(v,)) for v in (10.0, 20.0, 30.0)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with store.connect() as con:
        (value,) = con.execute("select gco2e_per_kwh from grid_carbon_intensity where zone_id = 'FRA'").fetchone()
    assert value in (10.0, 20.0, 30.0)
    assert store.read("grid_carbon_intensity").loc[0, "gco2e_per_kwh"] == value


def test_republishing_identical_rows_rewrites_nothing(tmp_path):
    store = Warehouse(tmp_path)
    assert store.publish("grid_carbon_intensity", grid_rows())["unchanged"] is False
    before = digests(store)
    assert store.publish("grid_carbon_intensity", grid_rows())["unchanged"] is True
    assert digests(store) == before
    assert store.publish("grid_carbon_intensity", grid_rows(value=57.0))["unchanged"] is False
    assert digests(store) != before


def test_a_view_answers_with_the_republished_rows_without_being_recreated(tmp_path):
    store = Warehouse(tmp_path)
    store.publish("grid_carbon_intensity", grid_rows())
    store.apply_sql()
    with store.connect() as con:
        view_sql = con.execute(
            "select sql from duckdb_views() where view_name = 'grid_carbon_intensity_preferred'"
        ).fetchone()
    store.publish("grid_carbon_intensity", grid_rows(value=12.5))
    with store.connect() as con:
        assert (
            con.execute("select sql from duckdb_views() where view_name = 'grid_carbon_intensity_preferred'").fetchone()
            == view_sql
        )
        assert con.execute(
            "select gco2e_per_kwh from grid_carbon_intensity_preferred where zone_id = 'FRA' and year = 2023"
        ).fetchone() == (12.5,)


def test_publishing_one_table_leaves_the_others_as_they_were(tmp_path):
    store = Warehouse(tmp_path)
    store.publish("grid_carbon_intensity", grid_rows())
    store.publish("datacenter_pue", pue_rows())
    with store.connect() as con:
        before = con.execute("from datacenter_pue").fetchall()
    store.publish("grid_carbon_intensity", grid_rows(value=12.5))
    with store.connect() as con:
        assert relations(con) == {"grid_carbon_intensity", "datacenter_pue"}
        assert con.execute("from datacenter_pue").fetchall() == before


def test_sql_whose_required_tables_are_missing_is_skipped_and_writes_nothing(tmp_path):
    store = Warehouse(tmp_path)
    store.publish("datacenter_pue", pue_rows())
    before = store.database_path.read_bytes()
    grid_file = next(f for f in warehouse_module.sql_files() if f.name == "10_grid_preferred")
    assert store.apply_sql([grid_file]) == {"10_grid_preferred.sql": ["grid_carbon_intensity", "source_priority"]}
    assert store.database_path.read_bytes() == before


def test_all_null_column_keeps_its_declared_type():
    rows = grid_rows()
    rows["zone_name"] = None  # e.g. `retrieved_at` of every file in archive mode
    arrow = warehouse_module.arrow_table("grid_carbon_intensity", rows)
    assert str(arrow.schema.field("zone_name").type) == "string"
    assert str(arrow.schema.field("year").type) == "int64"


def test_identical_rows_are_republished_when_the_database_lacks_the_table(tmp_path):
    store = Warehouse(tmp_path)
    store.publish("grid_carbon_intensity", grid_rows())
    # e.g. the database was rebuilt by another table's publish after this table's file was lost
    with duckdb.connect(str(store.database_path)) as con:
        con.execute("drop table grid_carbon_intensity cascade")
    assert store.publish("grid_carbon_intensity", grid_rows())["unchanged"] is False
    with store.connect() as con:
        assert con.execute("select count(*) from grid_carbon_intensity").fetchone() == (2,)


def test_preferred_view_ranks_sources_prefers_lifecycle_and_carries_forward(tmp_path):
    def row(source_id, year, value, basis="lifecycle", zone="FRA"):
        return {
            "source_id": source_id,
            "source_vintage": "2024-01-01",
            "zone_id": zone,
            "zone_name": zone,
            "zone_type": "country",
            "year": year,
            "gco2e_per_kwh": value,
            "basis": basis,
            "source_file": "f",
        }

    rows = pd.DataFrame(
        [
            row("codecarbon", 2020, 60.0, "direct"),  # ranked 7th
            row("codecarbon", 2020, 70.0, "lifecycle"),  # same source: lifecycle beats direct
            row("owid_energy", 2021, 50.0),  # ranked 1st
            row("codecarbon", 2021, 55.0),
            row("an_unranked_source", 2021, 40.0),  # sources missing from the priority list rank last
            row("owid_energy", 2023, 45.0),  # 2022 is a gap: carried forward from 2021
            row("emaps_yearly", 2024, 30.0, zone="DEU"),  # makes 2024 the last year: FRA 2024 carries 2023
        ]
    )
    store = Warehouse(tmp_path)
    store.publish("grid_carbon_intensity", rows)
    store.apply_sql()
    with store.connect() as con:
        got = con.execute("""select year, source_id, basis, gco2e_per_kwh, data_year, is_carried_forward
                             from grid_carbon_intensity_preferred where zone_id = 'FRA' order by year""").fetchall()
    assert got == [
        (2020, "codecarbon", "lifecycle", 70.0, 2020, False),
        (2021, "owid_energy", "lifecycle", 50.0, 2021, False),
        (2022, "owid_energy", "lifecycle", 50.0, 2021, True),
        (2023, "owid_energy", "lifecycle", 45.0, 2023, False),
        (2024, "owid_energy", "lifecycle", 45.0, 2023, True),
    ]
