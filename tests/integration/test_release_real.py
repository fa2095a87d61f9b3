"""Releases of the warehouse built from the recorded sources in ../shared/sources."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
import sys

import dagster as dg
import duckdb
import pyarrow.parquet as pq
import pytest

from conftest import query, rewrite_archive_file, writable_archive_copy
from pipelines.assets.warehouse_sql import sql_asset_keys
from pipelines.definitions import defs
from pipelines.refresh import run_refresh
from pipelines.release import build_release
from pipelines.warehouse import sql_files
from schemas import TABLES

pytestmark = pytest.mark.integration

FRA_KEY = "zone_id=FRA, year=2023, source_id=codecarbon, basis=lifecycle"


@pytest.fixture(scope="module")
def released(built_warehouse, tmp_path_factory):
    """A copy of the session's warehouse with one release built from it."""
    warehouse = tmp_path_factory.mktemp("released") / "warehouse"
    shutil.copytree(built_warehouse, warehouse)
    return warehouse, build_release(warehouse)


def published_tables_behind(relation: str) -> set[str]:
    """Published tables a view or macro reads, through the SQL-file assets between them."""
    if relation in TABLES or not any(relation in f.creates for f in sql_files()):
        return {relation} & set(TABLES)
    graph = defs.resolve_asset_graph()
    tables, pending, seen = set(), set(sql_asset_keys(relation)), set()
    while pending:
        seen |= pending
        parents = dg.AssetSelection.assets(*pending).upstream(depth=1, include_self=False).resolve(graph)
        tables |= {key.to_user_string() for key in parents if key.to_user_string() in TABLES}
        pending = {key for key in parents if key.to_user_string().startswith("sql_")} - seen
    return tables


def _withheld_rows(result) -> dict[str, int]:
    """Rows per table the release left out for licence reasons (pipelines/licences.py)."""
    package = json.loads((result.path / "datapackage.json").read_text(encoding="utf-8"))
    return {r["name"]: sum(w["rows"] for w in r.get("withheld", [])) for r in package["resources"]}


def test_a_refresh_alone_cuts_no_release(built_warehouse):
    assert not (built_warehouse / "releases").exists()


def test_release_holds_every_published_table_and_passes_sha256sum(released):
    warehouse, result = released
    published = [name for name in TABLES if (warehouse / "parquet" / f"{name}.parquet").exists()]
    assert {"grid_carbon_intensity", "sources"} <= set(published)
    assert sorted(p.stem for p in result.path.glob("*.parquet")) == sorted(published)
    withheld = _withheld_rows(result)
    for name in published:
        assert pq.read_metadata(result.path / f"{name}.parquet").num_rows == pq.read_metadata(
            warehouse / "parquet" / f"{name}.parquet"
        ).num_rows - withheld.get(name, 0), name

    check = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=result.path, capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    assert len(check.stdout.splitlines()) == len(published) + 4  # + database, datapackage, changelog, page


def test_release_database_opened_from_another_folder_matches_the_warehouse(released, tmp_path):
    warehouse, result = released
    # A separate process whose working directory holds nothing of the release, using DuckDB
    # as a data user would (no aifootprint code).
    script = (
        "import duckdb, json, sys\n"
        "folder = sys.argv[1]\n"
        "con = duckdb.connect(folder + '/aifootprint.duckdb', read_only=True)\n"
        "views = [r[0] for r in con.execute('select table_name from information_schema.tables')"
        ".fetchall()]\n"
        "print(json.dumps({v: con.execute(f'select count(*) from \"{v}\"').fetchone()[0] for v in views}))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(result.path)], cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    counts = json.loads(done.stdout)
    assert {"grid_carbon_intensity", "grid_carbon_intensity_preferred", "sources"} <= set(counts)
    withheld = {name for name, rows in _withheld_rows(result).items() if rows}
    for view, rows in counts.items():
        if withheld & set(published_tables_behind(view)) or view in withheld:
            continue  # built over rows a licence keeps out of releases
        assert rows == query(warehouse, f'select count(*) from "{view}"')[0][0], view
    assert counts["grid_carbon_intensity"] == result.tables["grid_carbon_intensity"] > 1000


def test_datapackage_of_the_real_release_validates_and_credits_every_source(released):
    frictionless = pytest.importorskip("frictionless")
    warehouse, result = released
    package = json.loads((result.path / "datapackage.json").read_text())

    report = frictionless.Package.validate_descriptor(package)
    assert report.valid, report.flatten(["type", "note"])
    resources = {r["name"]: r for r in package["resources"]}
    assert set(resources) == set(result.tables)
    grid_sources = {s for (s,) in query(warehouse, "select distinct source_id from grid_carbon_intensity")}
    assert {s["id"] for s in resources["grid_carbon_intensity"]["sources"]} == grid_sources
    # A derived table credits the sources of its inputs too (CC-BY requires attribution).
    estimate_inputs = {
        s
        for (s,) in query(
            warehouse,
            """select distinct intensity_source_id
                       from training_footprint_estimates where intensity_source_id is not null""",
        )
    }
    assert estimate_inputs and estimate_inputs <= {
        s["id"] for s in resources["training_footprint_estimates"]["sources"]
    }
    egrid = next(s for s in package["sources"] if s["id"] == "egrid")
    assert egrid["license"].startswith("Public domain") and egrid["path"] == "https://www.epa.gov/egrid"
    for name, resource in resources.items():
        data = (result.path / resource["path"]).read_bytes()
        assert resource["hash"] == "sha256:" + hashlib.sha256(data).hexdigest(), name
        assert resource["rows"] == result.tables[name]


def test_changelog_after_a_changed_source_lists_the_changed_rows(released, tmp_path):
    warehouse, first = released
    # The same archive with one value changed in one file, its manifest updated to match.
    archive = writable_archive_copy(tmp_path / "archive")
    before = (archive / "codecarbon" / "global_energy_mix.json").read_bytes()
    after = before.replace(b'"carbon_intensity": 56.039', b'"carbon_intensity": 60.5')
    assert after != before
    rewrite_archive_file(archive, "codecarbon", "global_energy_mix.json", after)
    old_sha, new_sha = hashlib.sha256(before).hexdigest(), hashlib.sha256(after).hexdigest()
    outcome = run_refresh(archive_dir=archive, warehouse_dir=warehouse, instance=dg.DagsterInstance.ephemeral())
    assert outcome.success, "\n".join(outcome.report_lines())

    second = build_release(warehouse)

    assert second.previous == first.version
    changelog = (second.path / "CHANGELOG.md").read_text()
    assert f"Changes since release {first.version}" in changelog
    assert re.search(r"\| grid_carbon_intensity \| changed \| ([\d,]+) \| \1 \| 0 \| 0 \| 1 \|", changelog)
    assert f"- `{FRA_KEY}`: gco2e_per_kwh: `56.039` -> `60.5`" in changelog
    assert f"- `source_id=codecarbon, file=global_energy_mix.json`: sha256: `{old_sha}` -> `{new_sha}`" in changelog
    assert "| sources | changed |" in changelog


def test_release_database_keeps_the_renamed_columns_old_names_for_one_release(released):
    _, result = released
    with duckdb.connect(str(result.path / "aifootprint.duckdb"), read_only=True) as con:
        cited = con.execute("select count(*) from legacy.equivalences where url like 'http%'").fetchone()[0]
        assert con.execute("select count(citation_url) from equivalences").fetchone()[0] == cited
    assert cited == result.tables["equivalences"] > 0
