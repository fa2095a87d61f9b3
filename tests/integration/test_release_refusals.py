"""Releases refuse a partial warehouse, say when nothing changed, and open from anywhere (real data)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import dagster as dg
import pytest

from conftest import SHARED_SOURCES
from pipelines.cli import main
from pipelines.refresh import run_refresh
from pipelines.release import read_index

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def partial_warehouse(tmp_path_factory):
    """What a refresh that published only the grid tables leaves behind."""
    if not SHARED_SOURCES.is_dir():
        pytest.skip(f"recorded sources not present at {SHARED_SOURCES}")
    warehouse = tmp_path_factory.mktemp("partial")
    outcome = run_refresh(
        archive_dir=SHARED_SOURCES,
        warehouse_dir=warehouse,
        select=["+key:grid_carbon_intensity"],
        instance=dg.DagsterInstance.ephemeral(),
    )
    assert outcome.success, "\n".join(outcome.report_lines())
    return warehouse


def test_a_partial_warehouse_is_refused_naming_the_missing_tables(partial_warehouse, tmp_path, monkeypatch, capsys):
    warehouse = tmp_path / "w"
    shutil.copytree(partial_warehouse, warehouse)
    monkeypatch.setenv("AIFOOTPRINT_WAREHOUSE", str(warehouse))
    assert main(["release"]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    (line,) = captured.err.strip().splitlines()
    assert line.startswith("error: refusing a partial release: the warehouse lacks ")
    for name in ("accelerator_specs", "ewaste_statistics", "training_footprint_estimates"):
        assert name in line
    # NVIDIA's filings are recorded (sec_companyfacts_nvidia), so the table is expected even though
    # sec_edgar's other companies are in no recorded archive.
    assert "chip_company_financials" in line and "--allow-partial" in line
    assert not (warehouse / "releases" / "index.json").exists()


def test_allow_partial_releases_and_records_it(partial_warehouse, tmp_path, monkeypatch, capsys):
    warehouse = tmp_path / "w"
    shutil.copytree(partial_warehouse, warehouse)
    monkeypatch.setenv("AIFOOTPRINT_WAREHOUSE", str(warehouse))
    assert main(["release", "--version", "p1", "--allow-partial"]) == 0
    folder = warehouse / "releases" / "p1"
    package = json.loads((folder / "datapackage.json").read_text())
    assert package["build"]["partial"] is True
    missing = package["build"]["tables_not_included"]
    assert missing["accelerator_specs"] == "missing from the warehouse (released with --allow-partial)"
    assert missing["chip_company_financials"] == "missing from the warehouse (released with --allow-partial)"
    assert "grid_carbon_intensity" in {r["name"] for r in package["resources"]}
    assert read_index(warehouse / "releases")["releases"][0]["partial"] is True
    assert "**Partial release**" in (folder / "CHANGELOG.md").read_text()


def test_identical_data_is_a_no_op_and_the_database_opens_from_anywhere(built_warehouse, tmp_path, monkeypatch, capsys):
    warehouse = tmp_path / "w"
    shutil.copytree(built_warehouse, warehouse)
    monkeypatch.setenv("AIFOOTPRINT_WAREHOUSE", str(warehouse))
    assert main(["release", "--version", "r1"]) == 0
    first = capsys.readouterr()
    assert main(["release"]) == 0
    second = capsys.readouterr()
    assert second.out.strip() == first.out.strip() == str(warehouse / "releases" / "r1")
    assert "identical to the latest release r1" in second.err and "no new version written" in second.err
    assert [e["version"] for e in read_index(warehouse / "releases")["releases"]] == ["r1"]
    assert sorted(p.name for p in (warehouse / "releases").iterdir()) == ["index.json", "r1"]

    # Self-contained: another process, another working directory, the file alone.
    lonely = tmp_path / "elsewhere" / "db.duckdb"
    lonely.parent.mkdir()
    shutil.copy(warehouse / "releases" / "r1" / "aifootprint.duckdb", lonely)
    code = (
        "import duckdb, json; con = duckdb.connect('db.duckdb', read_only=True); "
        'names = [r[0] for r in con.execute("select table_name from information_schema.tables").fetchall()]; '
        "print(json.dumps({n: con.execute(f'select count(*) from \"{n}\"').fetchone()[0] for n in names}))"
    )
    counts = json.loads(
        subprocess.run(
            [sys.executable, "-c", code], cwd=lonely.parent, capture_output=True, text=True, check=True, timeout=120
        ).stdout
    )
    assert counts["grid_carbon_intensity"] > 8000 and counts["grid_carbon_intensity_preferred"] > 8000
    assert counts["accelerator_specs_preferred"] > 0 and counts["training_footprint_estimates"] > 0
    # Empty only where the rows are legitimately none: a disagreement list with nothing to list, or a
    # table whose every row a licence keeps out of releases (listed as withheld in datapackage.json).
    package = json.loads((warehouse / "releases" / "r1" / "datapackage.json").read_text())
    all_withheld = {r["name"] for r in package["resources"] if r.get("withheld") and not r.get("rows")}
    empty = sorted(name for name, rows in counts.items() if rows == 0)
    nothing_to_list = {"grid_hourly_gaps"}  # Open Grid Emissions' released hours have no gaps
    assert [
        name for name in empty if not name.startswith("ewaste_per_capita") and name not in nothing_to_list
    ] == sorted(all_withheld), empty
