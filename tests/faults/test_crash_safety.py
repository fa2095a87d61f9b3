"""A refresh killed with SIGKILL (issue #7, item 4).

A killed process runs no cleanup: whatever it was writing stays on disk. The published
files must still be the last good ones (new bytes only ever reach them by rename), the
warehouse must stay readable, and the next refresh must complete over the debris.
"""

from __future__ import annotations

import json
import signal
import time
from pathlib import Path

import dagster as dg
import pytest

from conftest import rewrite_archive_file
from http_server import Reply
from pipelines.cli import main as cli_main
from pipelines.refresh import run_refresh
from pipelines.warehouse import Warehouse

from .support import FAST_FETCH, copy_warehouse, folder_digests, published_digests, start_cli, table_rows

pytestmark = pytest.mark.faults

SOURCE_ID, FILE = "codecarbon", "eu-carbon-intensity-electricity.csv"
SELECT = [f"grid_carbon_intensity__{SOURCE_ID}", "grid_carbon_intensity"]
AUSTRIA_2000 = (
    "select gco2e_per_kwh from grid_carbon_intensity where source_id = 'codecarbon' and zone_id = 'AUT' and year = 2000"
)


def publish_temp_files(warehouse: Path) -> list[Path]:
    """Temporary files Warehouse.publish writes next to the files it is about to replace."""
    return [
        p
        for folder in (warehouse, warehouse / "parquet")
        if folder.is_dir()
        for p in folder.iterdir()
        if p.name.endswith(".tmp")
    ]


def kill_when(process, condition, limit_s: float = 240.0) -> None:
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline and process.poll() is None:
        if condition():
            process.send_signal(signal.SIGKILL)
            process.wait(timeout=30)
            return
        time.sleep(0.001)  # the publish window is ~0.1 s; poll well inside it
    process.kill()
    _, stderr = process.communicate(timeout=30)
    pytest.fail(f"the refresh ended (exit {process.returncode}) before it was caught writing:\n{stderr}")


def changed_archive(archive: Path) -> None:
    """Austria 2000 from 158 to 159 g/kWh, so a completed publish is visible."""
    path = archive / SOURCE_ID / FILE
    rewrite_archive_file(
        archive, SOURCE_ID, FILE, path.read_bytes().replace(b"Austria,AUT,2000,158", b"Austria,AUT,2000,159", 1)
    )


def query_json(warehouse: Path, sql: str, monkeypatch, capsys):
    monkeypatch.setenv("AIFOOTPRINT_WAREHOUSE", str(warehouse))
    capsys.readouterr()
    assert cli_main(["query", sql, "--format", "json"]) == 0, capsys.readouterr().err
    return json.loads(capsys.readouterr().out)


def test_refresh_killed_while_publishing_leaves_the_last_good_state_and_the_next_refresh_completes(
    built_warehouse, archive_copy, tmp_path, monkeypatch, capsys
):
    changed_archive(archive_copy)
    # The new table is written first, so while its temporary file exists nothing has been
    # renamed into place yet. A kill that lands after the renames (the test process was not
    # scheduled in time) tests nothing, so that attempt is repeated.
    for attempt in range(3):
        warehouse = copy_warehouse(built_warehouse, tmp_path / f"warehouse{attempt}")
        new_table = warehouse / "parquet" / ".grid_carbon_intensity.parquet.tmp"
        before = published_digests(warehouse)
        rows_before = table_rows(warehouse, "grid_carbon_intensity")
        process = start_cli(
            "refresh",
            "--archive",
            str(archive_copy),
            "--select",
            *SELECT,
            warehouse=warehouse,
            dagster_home=tmp_path / f"dagster_home{attempt}",
        )
        kill_when(process, new_table.exists)
        if new_table.exists():
            break
    else:
        pytest.fail("three kills in a row landed after the publish had renamed its files")

    assert process.returncode == -signal.SIGKILL
    # Killed mid-write: its temporary files are still there, the published ones untouched.
    assert published_digests(warehouse) == before
    assert table_rows(warehouse, "grid_carbon_intensity") == rows_before
    assert Warehouse(warehouse).read("grid_carbon_intensity").shape[0] == len(rows_before)
    assert query_json(warehouse, AUSTRIA_2000, monkeypatch, capsys) == [{"gco2e_per_kwh": 158.0}]

    # The lock died with the process (its file, naming the dead pid, is still there).
    assert (warehouse / ".refresh.lock").read_text() == str(process.pid)
    outcome = run_refresh(
        archive_dir=archive_copy, warehouse_dir=warehouse, instance=dg.DagsterInstance.ephemeral(), select=SELECT
    )

    assert outcome.success, "\n".join(outcome.report_lines())
    assert "grid_carbon_intensity" in outcome.materialized
    assert query_json(warehouse, AUSTRIA_2000, monkeypatch, capsys) == [{"gco2e_per_kwh": 159.0}]
    assert publish_temp_files(warehouse) == []  # the next publish reuses and removes the debris


def test_stale_temp_files_and_a_stale_lock_do_not_break_a_refresh(
    built_warehouse, tmp_path, monkeypatch, capsys, shared_sources
):
    warehouse = copy_warehouse(built_warehouse, tmp_path / "warehouse")
    debris = {
        warehouse / ".aifootprint.duckdb.tmp": b"half a database",
        warehouse / "parquet" / ".grid_carbon_intensity.parquet.tmp": b"PAR1 half a table",
        warehouse / "staging" / f".grid_carbon_intensity__{SOURCE_ID}.parquet.tmp": b"PAR1 half a frame",
    }
    for path, data in debris.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    (warehouse / ".refresh.lock").write_text("999999")

    outcome = run_refresh(
        archive_dir=shared_sources, warehouse_dir=warehouse, instance=dg.DagsterInstance.ephemeral(), select=SELECT
    )

    assert outcome.success, "\n".join(outcome.report_lines())
    assert publish_temp_files(warehouse) == []
    assert not (warehouse / "staging" / f".grid_carbon_intensity__{SOURCE_ID}.parquet.tmp").exists()
    assert query_json(warehouse, AUSTRIA_2000, monkeypatch, capsys) == [{"gco2e_per_kwh": 158.0}]


def test_live_refresh_killed_mid_fetch_keeps_the_previous_raw_snapshot(live_warehouse, mirror, tmp_path):
    warehouse = copy_warehouse(live_warehouse, tmp_path / "warehouse")
    raw_before = folder_digests(warehouse / "raw" / SOURCE_ID)
    published_before = published_digests(warehouse)
    # Files before this one have already been written to the fetch's staging folder when the
    # server parks the request; the process is killed there.
    changed = mirror.recorded(SOURCE_ID, "usa_emissions.json").replace(b"452.5", b"999.5")
    mirror.inject(SOURCE_ID, "global_energy_mix.json", Reply(200, b'{"changed": true}'))
    mirror.inject(SOURCE_ID, "usa_emissions.json", Reply(200, changed, fault="hold"))

    process = start_cli(
        "refresh",
        "--select",
        f"grid_carbon_intensity__{SOURCE_ID}",
        warehouse=warehouse,
        dagster_home=tmp_path / "dagster_home",
        AIFOOTPRINT_SOURCE_MIRROR=mirror.url,
    )
    kill_when(process, mirror.holding.is_set)
    mirror.release.set()

    assert process.returncode == -signal.SIGKILL
    assert folder_digests(warehouse / "raw" / SOURCE_ID) == raw_before
    assert published_digests(warehouse) == published_before
    leftovers = [p for p in (warehouse / "raw").iterdir() if p.name.startswith(f".{SOURCE_ID}-")]
    assert leftovers and (leftovers[0] / "global_energy_mix.json").read_bytes() == b'{"changed": true}'

    mirror.serve_archive()
    outcome = run_refresh(
        warehouse_dir=warehouse,
        mirror_url=mirror.url,
        instance=dg.DagsterInstance.ephemeral(),
        select=[f"grid_carbon_intensity__{SOURCE_ID}"],
        **FAST_FETCH,
    )

    assert outcome.success, "\n".join(outcome.report_lines())
    assert {k: v for k, v in folder_digests(warehouse / "raw" / SOURCE_ID).items() if k != "SOURCE.toml"} == {
        k: v for k, v in raw_before.items() if k != "SOURCE.toml"
    }
