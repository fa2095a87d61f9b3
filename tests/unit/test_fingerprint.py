"""The refresh fingerprint changes with any input, code, library or output change."""

import os

import pytest

from pipelines import fingerprint


@pytest.fixture
def setup(tmp_path):
    archive = tmp_path / "archive" / "demo"
    archive.mkdir(parents=True)
    (archive / "SOURCE.toml").write_text('id = "demo"\n')
    (archive / "data.csv").write_text("a,b\n1,2\n")
    warehouse = tmp_path / "warehouse"
    (warehouse / "parquet").mkdir(parents=True)
    (warehouse / "parquet" / "grid_carbon_intensity.parquet").write_bytes(b"PAR1")
    (warehouse / "aifootprint.duckdb").write_bytes(b"db")
    fingerprint.record(tmp_path / "archive", warehouse, ["run-1"])
    return tmp_path / "archive", warehouse


def test_unchanged_inputs_and_outputs_match(setup):
    archive, warehouse = setup
    assert fingerprint.unchanged_since_last_refresh(archive, warehouse)["run_ids"] == ["run-1"]


def test_changed_archive_bytes_do_not_match(setup):
    archive, warehouse = setup
    (archive / "demo" / "data.csv").write_text("a,b\n1,3\n")
    assert fingerprint.unchanged_since_last_refresh(archive, warehouse) is None


def test_other_archive_folder_does_not_match(setup, tmp_path):
    archive, warehouse = setup
    other = tmp_path / "other"
    os.rename(archive, other)
    assert fingerprint.unchanged_since_last_refresh(other, warehouse) is None


def test_deleted_or_rewritten_output_does_not_match(setup):
    archive, warehouse = setup
    (warehouse / "parquet" / "grid_carbon_intensity.parquet").write_bytes(b"PAR1 rewritten")
    assert fingerprint.unchanged_since_last_refresh(archive, warehouse) is None
    fingerprint.record(archive, warehouse, ["run-2"])
    (warehouse / "parquet" / "grid_carbon_intensity.parquet").unlink()
    assert fingerprint.unchanged_since_last_refresh(archive, warehouse) is None


def test_code_change_does_not_match(setup, monkeypatch):
    archive, warehouse = setup
    stored = fingerprint.compute(archive, warehouse)
    monkeypatch.setattr(fingerprint, "_LIBRARIES", fingerprint._LIBRARIES + ("a-library-we-upgraded",))
    assert fingerprint.compute(archive, warehouse)["code"] != stored["code"]


def test_forget_removes_the_record(setup):
    archive, warehouse = setup
    fingerprint.forget(warehouse)
    assert fingerprint.unchanged_since_last_refresh(archive, warehouse) is None


def test_refresh_running_sees_another_process_holding_the_lock(tmp_path):
    import subprocess
    import sys

    assert not fingerprint.refresh_running(tmp_path)
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
        assert fingerprint.refresh_running(tmp_path)
    finally:
        holder.stdin.close()
        holder.wait(timeout=10)
    assert not fingerprint.refresh_running(tmp_path)
