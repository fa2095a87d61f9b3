"""CLI contract: data on stdout, errors on stderr, exit 0 / 1 / 2."""

import json

import pandas as pd
import pytest

from pipelines.cli import main
from pipelines.warehouse import Warehouse


@pytest.fixture
def warehouse(tmp_path, monkeypatch):
    monkeypatch.setenv("AIFOOTPRINT_WAREHOUSE", str(tmp_path))
    Warehouse(tmp_path).publish(
        "grid_carbon_intensity",
        pd.DataFrame(
            {
                "source_id": ["demo"],
                "source_vintage": ["2024-09-20"],
                "zone_id": ["FRA"],
                "zone_name": ["France"],
                "zone_type": ["country"],
                "year": [2023],
                "gco2e_per_kwh": [56.039],
                "basis": ["lifecycle"],
                "source_file": ["f.json"],
            }
        ),
    )
    return tmp_path


def test_query_json(warehouse, capsys):
    assert main(["query", "select zone_id, gco2e_per_kwh from grid_carbon_intensity", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out) == [{"zone_id": "FRA", "gco2e_per_kwh": 56.039}]


def test_query_csv(warehouse, capsys):
    assert main(["query", "select zone_id, year from grid_carbon_intensity", "--format", "csv"]) == 0
    assert capsys.readouterr().out == "zone_id,year\nFRA,2023\n"


def test_bad_sql_is_usage_error(warehouse, capsys):
    assert main(["query", "select nope from grid_carbon_intensity"]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and "nope" in captured.err


def test_writes_are_refused(warehouse, capsys):
    assert main(["query", "drop table grid_carbon_intensity"]) == 2
    assert "read-only" in capsys.readouterr().err.lower()


def test_query_without_warehouse_fails(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("AIFOOTPRINT_WAREHOUSE", str(tmp_path / "empty"))
    assert main(["query", "select 1"]) == 1
    assert "run `aifootprint refresh` first" in capsys.readouterr().err


def test_unknown_command_is_usage_error():
    with pytest.raises(SystemExit) as exit_info:
        main(["frobnicate"])
    assert exit_info.value.code == 2


def test_refresh_with_missing_archive_folder_is_usage_error(tmp_path, capsys):
    assert main(["refresh", "--archive", str(tmp_path / "nowhere")]) == 2
    assert "no such folder" in capsys.readouterr().err


def test_sources_reports_snapshot_status(tmp_path, capsys):
    (tmp_path / "codecarbon").mkdir()
    (tmp_path / "boavizta").mkdir()
    (tmp_path / "boavizta" / "SOURCE.toml").write_text('id = "boavizta"\n')
    assert main(["sources", "--archive", str(tmp_path), "--format", "json"]) == 0
    captured = capsys.readouterr()
    rows = {r["source_id"]: r for r in json.loads(captured.out)}
    assert rows["codecarbon"]["license"] == "MIT"
    assert rows["egrid"]["status"] == "not in the snapshot"
    assert str(tmp_path) not in captured.out
    assert rows["codecarbon"]["status"].startswith("not usable: source 'codecarbon', file 'SOURCE.toml'")


def test_cli_start_up_imports_no_heavy_library():
    """Every CLI call builds the parser from all command modules; keep them cheap to import."""
    import subprocess
    import sys

    code = (
        "import sys; from pipelines.cli import build_parser; build_parser(); "
        "print(sorted(m for m in ('pandas', 'duckdb', 'dagster', 'pyarrow', 'pandera') if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.stdout.strip() == "[]", result.stderr


def test_refresh_with_mistyped_archive_variable_is_usage_error(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("AIFOOTPRINT_ARCHIVE", str(tmp_path / "typo"))
    monkeypatch.setenv("AIFOOTPRINT_WAREHOUSE", str(tmp_path / "warehouse"))
    assert main(["refresh"]) == 2
    assert "AIFOOTPRINT_ARCHIVE=" in capsys.readouterr().err
