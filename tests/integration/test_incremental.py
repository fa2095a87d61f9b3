"""Only what changed recomputes: asserted on Dagster's event log, not on timing."""

import dagster as dg
import duckdb
import pytest

from conftest import SHARED_SOURCES, rewrite_archive_file, writable_archive_copy
from pipelines.refresh import run_refresh

pytestmark = [pytest.mark.integration, pytest.mark.filterwarnings("ignore:Use fetch_materializations")]


def materializations(instance) -> list[str]:
    """Every asset materialization in the instance's event log, oldest first."""
    records = instance.get_event_records(
        dg.EventRecordsFilter(event_type=dg.DagsterEventType.ASSET_MATERIALIZATION), ascending=True
    )
    return [record.asset_key.to_user_string() for record in records]


@pytest.fixture(scope="module")
def incremental(tmp_path_factory):
    root = tmp_path_factory.mktemp("incremental")
    archive = writable_archive_copy(root / "archive")
    instance = dg.DagsterInstance.ephemeral()
    first = run_refresh(archive_dir=archive, warehouse_dir=root / "warehouse", instance=instance)
    assert first.success, first.report_lines()
    return archive, root / "warehouse", instance


def test_noop_refresh_materializes_nothing(incremental):
    archive, warehouse, instance = incremental
    before = materializations(instance)
    outcome = run_refresh(archive_dir=archive, warehouse_dir=warehouse, instance=instance)
    assert outcome.success
    assert materializations(instance) == before
    assert outcome.materialized == []
    assert "grid_carbon_intensity" in outcome.up_to_date
    assert set(outcome.observed) >= {"raw_codecarbon", "raw_owid_energy"}


def test_changed_source_recomputes_only_its_downstream(incremental):
    archive, warehouse, instance = incremental
    name = "CO2_total_output_emission_rate_by_eGRID_subregion_2022.csv"
    rewrite_archive_file(
        archive, "egrid", name, (archive / "egrid" / name).read_bytes().replace(b"823.149", b"820.000")
    )
    before = len(materializations(instance))

    outcome = run_refresh(archive_dir=archive, warehouse_dir=warehouse, instance=instance)

    assert outcome.success, outcome.report_lines()
    recomputed = set(materializations(instance)[before:])
    assert "grid_carbon_intensity__egrid" in recomputed
    assert "grid_carbon_intensity" in recomputed
    assert not any(
        key.startswith("grid_carbon_intensity__") and key != "grid_carbon_intensity__egrid" for key in recomputed
    )
    assert "grid_carbon_intensity__owid_energy" in outcome.up_to_date


def test_deleted_output_is_rebuilt(incremental):
    archive, warehouse, instance = incremental
    (warehouse / "parquet" / "grid_carbon_intensity.parquet").unlink()
    outcome = run_refresh(archive_dir=archive, warehouse_dir=warehouse, instance=instance)
    assert outcome.success
    assert "grid_carbon_intensity" in outcome.materialized
    assert (warehouse / "parquet" / "grid_carbon_intensity.parquet").exists()


def test_deleted_database_is_rebuilt_with_every_table_and_view(incremental):
    archive, warehouse, instance = incremental
    (warehouse / "aifootprint.duckdb").unlink()
    outcome = run_refresh(archive_dir=archive, warehouse_dir=warehouse, instance=instance)
    assert outcome.success, outcome.report_lines()
    assert {"grid_carbon_intensity", "sql_10_grid_preferred", "sql_30_footprint"} <= set(outcome.materialized)
    with duckdb.connect(str(warehouse / "aifootprint.duckdb"), read_only=True) as con:
        (zones,) = con.execute("select count(distinct zone_id) from grid_carbon_intensity_preferred").fetchone()
        (macros,) = con.execute("select count(*) from duckdb_functions() where function_name = 'footprint'").fetchone()
    assert zones > 200 and macros == 1


def test_cli_noop_refresh_answers_without_running_dagster(tmp_path):
    import os
    import subprocess
    import sys

    if not SHARED_SOURCES.is_dir():
        pytest.skip(f"recorded sources not present at {SHARED_SOURCES}")
    env = {
        **os.environ,
        "AIFOOTPRINT_WAREHOUSE": str(tmp_path / "warehouse"),
        "DAGSTER_HOME": str(tmp_path / "dagster_home"),
    }

    def refresh():
        return subprocess.run(
            [sys.executable, "-m", "pipelines.cli", "refresh", "--archive", str(SHARED_SOURCES)],
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )

    first = refresh()
    assert first.returncode == 0, first.stderr
    instance = dg.DagsterInstance.from_config(str(tmp_path / "dagster_home"))
    runs_before = len(instance.get_runs())
    events_before = materializations(instance)

    second = refresh()

    assert second.returncode == 0
    assert "nothing changed since the last refresh" in second.stderr
    assert len(instance.get_runs()) == runs_before
    assert materializations(instance) == events_before
