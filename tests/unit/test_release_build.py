"""`aifootprint release`: layout, checksums, relative DuckDB views, datapackage, changelog, immutability."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pandas as pd
import pandera.pandas as pandera
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from pandera.typing import Series

from pipelines import changelog as changelog_module, release as release_module
from pipelines.changelog import compare_releases, render_changelog
from pipelines.cli import main
from pipelines.errors import WarehouseLockedError
from pipelines.release import ReleaseError, build_release, connect_release, default_version, read_index
from pipelines.warehouse import Warehouse
from schemas import TABLES, TableSpec, table

MARCH_1 = datetime(2025, 3, 1, 9, 30, tzinfo=UTC)
GRID_KEY = "zone_id=FRA, year=2023, source_id=codecarbon, basis=lifecycle"


def grid_rows(rows=None) -> pd.DataFrame:
    rows = rows or [
        ("FRA", "France", 2023, 56.039),
        ("DEU", "Germany", 2023, 380.95),
        ("USA-CA", "California", 2016, 205.269),
    ]
    return pd.DataFrame(
        {
            "source_id": "codecarbon",
            "source_vintage": "2024-09-20",
            "zone_id": [r[0] for r in rows],
            "zone_name": [r[1] for r in rows],
            "zone_type": ["subregion" if "-" in r[0] else "country" for r in rows],
            "year": [r[2] for r in rows],
            "gco2e_per_kwh": [r[3] for r in rows],
            "basis": "lifecycle",
            "source_file": "global_energy_mix.json",
        }
    )


def sources_rows(sha="8f1053800210aa07cc6019cc422b0d34f47dd092f6351dd873445c2b8199a107") -> pd.DataFrame:
    return pd.DataFrame(
        {
            "source_id": ["codecarbon", "codecarbon"],
            "source_vintage": ["2024-09-20", "2021-11-14"],
            "file": ["global_energy_mix.json", "carbon_intensity_per_source.json"],
            "url": [
                "https://raw.githubusercontent.com/mlco2/codecarbon/x/global_energy_mix.json",
                "https://raw.githubusercontent.com/mlco2/codecarbon/x/carbon_intensity_per_source.json",
            ],
            "obtained_from": [None, None],
            "sha256": [sha, "7daf4e8447755dcc63cad4bd647130c385c50b4b195c625fb1e09bdcb9368896"],
            "bytes": [129182, 1416],
            "format": ["json", "json"],
            "retrieved_at": [None, None],
            "title": "CodeCarbon energy-mix and carbon-intensity data",
            "publisher": "CodeCarbon",
            "license": "MIT",
            "homepage": "https://codecarbon.io/",
        }
    )


def small_warehouse(root: Path) -> Path:
    """A warehouse with two published tables, as a refresh would leave it."""
    store = Warehouse(root)
    store.publish("grid_carbon_intensity", grid_rows())
    store.publish("sources", sources_rows())
    return root


def digests(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def warehouse(tmp_path) -> Path:
    return small_warehouse(tmp_path / "warehouse")


def test_release_folder_holds_every_table_and_passes_sha256sum_check(warehouse):
    result = build_release(warehouse, now=MARCH_1)

    assert result.version == "2025.03.01"
    assert result.path == warehouse / "releases" / "2025.03.01"
    assert sorted(p.name for p in result.path.iterdir()) == [
        "CHANGELOG.md",
        "SHA256SUMS",
        "aifootprint.duckdb",
        "datapackage.json",
        "grid_carbon_intensity.parquet",
        "index.html",
        "sources.parquet",
    ]
    check = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=result.path, capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    assert sorted(check.stdout.splitlines()) == [
        "CHANGELOG.md: OK",
        "aifootprint.duckdb: OK",
        "datapackage.json: OK",
        "grid_carbon_intensity.parquet: OK",
        "index.html: OK",
        "sources.parquet: OK",
    ]
    # The Parquet bytes are the warehouse's own: same rows, same descriptions, same compression.
    assert (
        digests(result.path)["grid_carbon_intensity.parquet"]
        == digests(warehouse / "parquet")["grid_carbon_intensity.parquet"]
    )
    assert not [p.name for p in (warehouse / "releases").iterdir() if p.name.startswith(".")]


def test_index_lists_the_version_with_date_checksums_and_rows(warehouse):
    first = build_release(warehouse, now=MARCH_1)
    Warehouse(warehouse).publish("grid_carbon_intensity", grid_rows([("FRA", "France", 2023, 56.1)]))
    second = build_release(warehouse, now=MARCH_1)

    index = read_index(warehouse / "releases")
    assert index["latest"] == second.version == "2025.03.01.1"
    assert [e["version"] for e in index["releases"]] == ["2025.03.01", "2025.03.01.1"]
    entry = index["releases"][0]
    assert entry["date"] == "2025-03-01T09:30:00Z"
    assert entry["checksums"] == "2025.03.01/SHA256SUMS"
    assert entry["checksums_sha256"] == hashlib.sha256((first.path / "SHA256SUMS").read_bytes()).hexdigest()
    assert entry["tables"] == {"grid_carbon_intensity": 3, "sources": 2}
    assert entry["files"] == 7  # 2 tables, database, datapackage, changelog, page, SHA256SUMS
    assert entry["bytes"] == sum(p.stat().st_size for p in first.path.iterdir())
    assert index["releases"][1]["previous"] == "2025.03.01"


def test_default_version_is_calver_with_a_counter_when_taken():
    day = MARCH_1.date()
    assert default_version(day, set()) == "2025.03.01"
    assert default_version(day, {"2025.03.01"}) == "2025.03.01.1"
    assert default_version(day, {"2025.03.01", "2025.03.01.1", "2025.03.01.2"}) == "2025.03.01.3"


def test_an_existing_version_is_never_overwritten(warehouse, monkeypatch, capsys):
    monkeypatch.setenv("AIFOOTPRINT_WAREHOUSE", str(warehouse))
    assert main(["release", "--version", "1.0"]) == 0
    assert capsys.readouterr().out.strip() == str(warehouse / "releases" / "1.0")
    before = digests(warehouse / "releases")
    Warehouse(warehouse).publish("grid_carbon_intensity", grid_rows([("FRA", "France", 2023, 99.0)]))

    assert main(["release", "--version", "1.0"]) == 1
    assert "release 1.0 already exists" in capsys.readouterr().err
    assert digests(warehouse / "releases") == before


@pytest.mark.parametrize("version", ["../escape", "/abs", ".hidden", "a/b", ""])
def test_a_version_that_is_not_a_plain_folder_name_is_bad_usage(version, warehouse, monkeypatch, capsys):
    monkeypatch.setenv("AIFOOTPRINT_WAREHOUSE", str(warehouse))
    assert main(["release", "--version", version]) == 2
    assert "--version" in capsys.readouterr().err
    assert not (warehouse / "releases").exists()


def test_nothing_to_release_from_an_empty_warehouse(tmp_path):
    with pytest.raises(ReleaseError, match="no published table"):
        build_release(tmp_path / "empty")
    assert not (tmp_path / "empty" / "releases").exists()


def test_release_waits_for_no_refresh(warehouse):
    with Warehouse(warehouse).refresh_lock():
        with pytest.raises(WarehouseLockedError, match="another refresh is running"):
            build_release(warehouse)
    assert not (warehouse / "releases").exists()


def test_a_failed_build_leaves_no_release_and_no_index_entry(warehouse, monkeypatch):
    build_release(warehouse, version="1.0")
    before = digests(warehouse / "releases")

    def crash(folder):
        raise RuntimeError("disk full while writing SHA256SUMS")

    monkeypatch.setattr(release_module, "write_checksums", crash)
    Warehouse(warehouse).publish("grid_carbon_intensity", grid_rows([("FRA", "France", 2023, 56.1)]))
    with pytest.raises(RuntimeError, match="disk full"):
        build_release(warehouse, version="1.1")
    assert digests(warehouse / "releases") == before
    assert sorted(p.name for p in (warehouse / "releases").iterdir()) == ["1.0", "index.json"]


def test_parquet_is_zstd_with_schema_descriptions_as_field_and_key_value_metadata(warehouse):
    path = build_release(warehouse).path / "grid_carbon_intensity.parquet"
    parquet = pq.ParquetFile(path)
    spec = table("grid_carbon_intensity")

    assert {parquet.metadata.row_group(0).column(i).compression for i in range(parquet.metadata.num_columns)} == {
        "ZSTD"
    }
    schema = parquet.schema_arrow
    assert schema.names == spec.columns
    assert (
        schema.field("gco2e_per_kwh").metadata[b"description"].decode() == spec.column_descriptions()["gco2e_per_kwh"]
    )
    assert schema.field("gco2e_per_kwh").metadata[b"unit"] == b"gCO2e/kWh"
    assert b"unit" not in schema.field("zone_id").metadata
    assert json.loads(schema.metadata[b"aifootprint.primary_key"]) == ["zone_id", "year", "source_id", "basis"]
    assert schema.metadata[b"aifootprint.description"].decode() == spec.description


def test_release_database_is_self_contained_and_works_after_the_folder_moves(warehouse, tmp_path, monkeypatch):
    built = build_release(warehouse, version="1.0").path
    moved = tmp_path / "elsewhere" / "aifootprint-1.0"
    moved.parent.mkdir()
    shutil.move(built, moved)
    other = tmp_path / "some-other-cwd"
    other.mkdir()
    monkeypatch.chdir(other)

    # Plain DuckDB from another folder, no search path, no file access: the rows are in the file.
    with duckdb.connect(
        str(moved / "aifootprint.duckdb"), read_only=True, config={"enable_external_access": False}
    ) as con:
        kinds = dict(con.execute("select table_name, table_type from information_schema.tables").fetchall())
        assert kinds["grid_carbon_intensity"] == kinds["sources"] == "BASE TABLE"
        assert kinds["grid_carbon_intensity_preferred"] == "VIEW"
        views = dict(con.execute("select view_name, sql from duckdb_views() where not internal").fetchall())
        assert not [name for name, sql in views.items() if "read_parquet" in sql or str(tmp_path) in sql]
        assert con.execute("select gco2e_per_kwh from grid_carbon_intensity where zone_id = 'FRA'").fetchone() == (
            pytest.approx(56.039),
        )
        assert con.execute("select count(*) from sources").fetchone() == (2,)
        # The warehouse's SQL views and macros come along, over the copied tables.
        assert (
            con.execute("select count(*) from grid_carbon_intensity_preferred where zone_id = 'USA-CA'").fetchone()[0]
            >= 1
        )
        comment = con.execute(
            "select comment from duckdb_columns() where table_name = 'grid_carbon_intensity' "
            "and column_name = 'gco2e_per_kwh'"
        ).fetchone()[0]
        assert comment == table("grid_carbon_intensity").column_descriptions()["gco2e_per_kwh"]
        assert con.execute("select tags['storage_version'] from duckdb_databases() where not internal").fetchone() == (
            "v1.0.0+",
        )
    with connect_release(moved) as con:
        assert con.execute("select count(*) from grid_carbon_intensity").fetchone() == (3,)


def test_datapackage_describes_every_table_from_the_schemas(warehouse):
    path = build_release(warehouse, version="1.0").path
    package = json.loads((path / "datapackage.json").read_text())

    assert package["version"] == "1.0"
    assert [r["name"] for r in package["resources"]] == ["grid_carbon_intensity", "sources"]
    grid = package["resources"][0]
    assert grid["path"] == "grid_carbon_intensity.parquet"
    assert grid["hash"] == "sha256:" + hashlib.sha256((path / grid["path"]).read_bytes()).hexdigest()
    assert grid["bytes"] == (path / grid["path"]).stat().st_size
    assert grid["rows"] == 3
    fields = {f["name"]: f for f in grid["schema"]["fields"]}
    assert grid["schema"]["primaryKey"] == ["zone_id", "year", "source_id", "basis"]
    assert fields["year"]["type"] == "integer"
    assert fields["year"]["constraints"] == {"required": True, "minimum": 1990, "maximum": 2100}
    assert fields["gco2e_per_kwh"]["type"] == "number"
    assert "grams of CO2-equivalent per kWh" in fields["gco2e_per_kwh"]["description"]
    assert (fields["gco2e_per_kwh"]["unit"], "unit" in fields["year"]) == ("gCO2e/kWh", False)
    assert fields["basis"]["constraints"]["enum"] == ["direct", "lifecycle", "unknown"]
    assert fields["source_vintage"]["constraints"]["pattern"] == r"\d{4}-\d{2}-\d{2}"
    [source] = grid["sources"]
    assert source["id"] == "codecarbon" and source["license"] == "MIT" and source["path"] == "https://codecarbon.io/"
    assert "CodeCarbon" in source["attribution"]
    assert grid["licenses"] == [{"name": "MIT", "path": "https://spdx.org/licenses/MIT.html", "title": "MIT"}]
    commit = package["build"]["git_commit"]
    assert commit is None or len(commit) == 40
    # Each declared type is what the Parquet file stores, even for a column empty in every
    # row (sources.obtained_from here), which pandas alone would hand over as type `null`.
    expected = {"string": pa.string(), "integer": pa.int64(), "number": pa.float64()}
    for resource in package["resources"]:
        arrow = pq.read_schema(path / resource["path"])
        assert {f["name"]: expected[f["type"]] for f in resource["schema"]["fields"]} == {
            f.name: f.type for f in arrow
        }, resource["name"]
    assert pq.read_table(path / "sources.parquet").column("obtained_from").to_pylist() == [None, None]


def test_datapackage_validates_with_frictionless(warehouse):
    frictionless = pytest.importorskip("frictionless")
    path = build_release(warehouse, version="1.0").path
    descriptor = json.loads((path / "datapackage.json").read_text())

    report = frictionless.Package.validate_descriptor(descriptor)
    assert report.valid, report.flatten(["type", "note"])
    # Frictionless checks what the schema says, too: a broken descriptor is caught.
    descriptor["resources"][0]["schema"]["primaryKey"] = ["no_such_column"]
    assert not frictionless.Package.validate_descriptor(descriptor).valid


def test_changelog_lists_changed_added_and_removed_rows_by_primary_key(warehouse):
    build_release(warehouse, version="1.0", now=MARCH_1)
    store = Warehouse(warehouse)
    store.publish(
        "grid_carbon_intensity",
        grid_rows(
            [("FRA", "France", 2023, 60.5), ("USA-CA", "California", 2016, 205.269), ("POL", "Poland", 2023, 662.0)]
        ),
    )

    result = build_release(warehouse, version="1.1", now=MARCH_1)

    grid = {d.name: d for d in result.diffs}["grid_carbon_intensity"]
    assert (grid.added, grid.removed, grid.changed) == (1, 1, 1)
    changelog = (result.path / "CHANGELOG.md").read_text()
    assert "Changes since release 1.0" in changelog
    assert "| grid_carbon_intensity | changed | 3 | 3 | 1 | 1 | 1 |" in changelog
    assert "| sources | unchanged | 2 | 2 | 0 | 0 | 0 |" in changelog
    assert f"- `{GRID_KEY}`: gco2e_per_kwh: `56.039` -> `60.5`" in changelog
    assert "1 row added:\n\n- `zone_id=POL, year=2023, source_id=codecarbon, basis=lifecycle`" in changelog
    assert "1 row removed:\n\n- `zone_id=DEU, year=2023, source_id=codecarbon, basis=lifecycle`" in changelog
    assert "## sources" not in changelog


def test_changelog_caps_the_listing_but_not_the_counts(warehouse, monkeypatch):
    build_release(warehouse, version="1.0")
    monkeypatch.setattr(changelog_module, "MAX_LISTED_ROWS", 2)
    rows = [(f"Z{i:02d}", f"Zone {i}", 2023, 100.0 + i) for i in range(5)]
    Warehouse(warehouse).publish("grid_carbon_intensity", grid_rows(rows))

    changelog = (build_release(warehouse, version="1.1").path / "CHANGELOG.md").read_text()
    assert "5 rows added (the first 2, in primary key order):\n\n- `zone_id=Z00," in changelog
    assert "- `zone_id=Z01," in changelog and "zone_id=Z02" not in changelog
    assert "3 rows removed (the first 2, in primary key order):" in changelog


def write_table(path: Path, columns: dict, primary_key: list[str]) -> None:
    arrow = pa.table(columns)
    arrow = arrow.replace_schema_metadata({"aifootprint.primary_key": json.dumps(primary_key)})
    pq.write_table(arrow, path)


def test_changelog_reports_tables_added_and_removed_and_schema_changes(tmp_path):
    old, new = tmp_path / "old", tmp_path / "new"
    old.mkdir(), new.mkdir()
    write_table(old / "chips.parquet", {"model": ["H100", "A100"], "tdp_w": [700, 400]}, ["model"])
    write_table(
        new / "chips.parquet",
        {"model": ["H100", "A100"], "tdp_w": [700.0, 300.0], "memory_gb": [80.0, 40.0]},
        ["model"],
    )
    write_table(old / "retired.parquet", {"k": [1]}, ["k"])
    write_table(new / "fresh.parquet", {"k": [1, 2]}, ["k"])

    diffs = {d.name: d for d in compare_releases(old, new)}

    assert diffs["fresh"].status == "added" and diffs["fresh"].rows_after == 2
    assert diffs["retired"].status == "removed" and diffs["retired"].rows_before == 1
    chips = diffs["chips"]
    assert chips.schema_changes == ["column `memory_gb` added (double)", "column `tdp_w` type int64 -> double"]
    # A100's tdp_w changed (400 -> 300); H100's 700 -> 700.0 is the same value in another type.
    assert (chips.added, chips.removed, chips.changed) == (0, 0, 1)
    assert chips.changed_rows == [({"model": "A100"}, {"tdp_w": (400, 300.0)})]
    text = render_changelog("2", "2025-03-01T00:00:00Z", "1", {"git_commit": None}, list(diffs.values()))
    assert "- column `tdp_w` type int64 -> double" in text
    assert "New table, 2 rows." in text and "Table removed (had 1 rows)." in text


def test_rows_without_a_unique_key_are_compared_whole(tmp_path):
    old, new = tmp_path / "old", tmp_path / "new"
    old.mkdir(), new.mkdir()
    write_table(old / "t.parquet", {"k": [1, 1, 2], "v": ["a", "b", "c"]}, ["k"])
    write_table(new / "t.parquet", {"k": [1, 1, 3], "v": ["a", "b", "d"]}, ["k"])

    [diff] = compare_releases(old, new)
    assert diff.compared_by.startswith("whole rows")
    assert (diff.added, diff.removed) == (1, 1)
    assert diff.added_rows == [{"k": 3, "v": "d"}] and diff.removed_rows == [{"k": 2, "v": "c"}]


class ZoneRowCounts(pandera.DataFrameModel):
    zone_id: Series[str] = pandera.Field(description="Zone id, as in grid_carbon_intensity.")
    rows: Series[int] = pandera.Field(ge=0, description="Rows the zone has in grid_carbon_intensity.")


def test_a_registered_view_that_lives_only_in_the_warehouse_database_is_released(warehouse, monkeypatch):
    monkeypatch.setitem(
        TABLES,
        "zone_row_counts",
        TableSpec(
            "zone_row_counts", ZoneRowCounts, ("zone_id",), "Rows per zone in grid_carbon_intensity.", kind="view"
        ),
    )
    with duckdb.connect(str(warehouse / "aifootprint.duckdb")) as con:
        con.execute(
            "create view zone_row_counts as select zone_id, count(*) as rows "
            "from grid_carbon_intensity group by zone_id"
        )

    path = build_release(warehouse, version="1.0").path

    assert pq.read_table(path / "zone_row_counts.parquet").sort_by("zone_id").to_pylist() == [
        {"zone_id": "DEU", "rows": 1},
        {"zone_id": "FRA", "rows": 1},
        {"zone_id": "USA-CA", "rows": 1},
    ]
    with connect_release(path) as con:
        assert con.execute("select zone_id, rows from zone_row_counts order by zone_id").fetchall() == [
            ("DEU", 1),
            ("FRA", 1),
            ("USA-CA", 1),
        ]
        assert con.execute("select comment from duckdb_tables() where table_name = 'zone_row_counts'").fetchone() == (
            "Rows per zone in grid_carbon_intensity.",
        )
    package = json.loads((path / "datapackage.json").read_text())
    assert [r["name"] for r in package["resources"]][-1] == "zone_row_counts"
