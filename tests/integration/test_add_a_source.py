"""Adding a source is adding one module: a toy source, written by this test outside the repository,
is discovered, gets its assets and freshness check, is refreshed raw -> staging -> published from
an archive, and takes its declared place in the source priority, with no other file edited."""

import hashlib
import json
import os
import subprocess
import sys

import duckdb

from conftest import REPO

TOY_MODULE = '''
"""Toy grid intensities: one CSV, one row per zone and year."""

import pandas as pd

from pipelines.sources._base import Freshness, RawSource, Source, SourceFile

FILE = "intensity.csv"


def parse_grid_intensity(raw: RawSource) -> pd.DataFrame:
    frame = raw.csv(FILE)
    raw.require_columns(FILE, frame, ["zone_id", "zone_name", "year", "gco2e_per_kwh"])
    return pd.DataFrame({"zone_id": frame["zone_id"], "zone_name": frame["zone_name"], "zone_type": "country",
                         "year": frame["year"], "gco2e_per_kwh": raw.to_number(FILE, frame, "gco2e_per_kwh"),
                         "basis": "lifecycle", "source_file": FILE})


SOURCE = Source(
    id="toy_grid",
    title="Toy grid intensities",
    publisher="Toy Publisher",
    license="CC-BY-4.0",
    homepage="https://example.invalid/toy",
    files=(SourceFile(FILE, "https://example.invalid/toy/intensity.csv", "csv"),),
    parsers={"grid_carbon_intensity": parse_grid_intensity},
    freshness=Freshness(400, "the toy publisher updates yearly"),
    priority={"grid_carbon_intensity": 13},
)
'''

# Run in a fresh interpreter: the registry, assets and Definitions are built once, at import.
# The toy's folder becomes a second directory of the `pipelines.sources` package before the
# registry is built, so discovery finds it where it finds every other source module.
SCENARIO = """
import importlib.util, json, sys

toy_dir, archive, warehouse = sys.argv[1:4]
spec = importlib.util.find_spec("pipelines.sources")
spec.submodule_search_locations.append(toy_dir)
package = importlib.util.module_from_spec(spec)
sys.modules[spec.name] = package
spec.loader.exec_module(package)

import dagster as dg
from pipelines.definitions import build_definitions
from pipelines.refresh import run_refresh

graph = build_definitions(archive_dir=archive, warehouse_dir=warehouse).resolve_asset_graph()
check = graph.get_check_spec(dg.AssetCheckKey(dg.AssetKey("raw_toy_grid"), "data_is_fresh"))
outcome = run_refresh(archive_dir=archive, warehouse_dir=warehouse, select=["+key:grid_carbon_intensity"],
                      instance=dg.DagsterInstance.ephemeral())
print(json.dumps({"freshness_check": check.description, "materialized": sorted(outcome.materialized),
                  "failures": outcome.failures}))
"""

CSV = b"zone_id,zone_name,year,gco2e_per_kwh\nFRA,France,2023,52.5\nDEU,Germany,2023,381\n"


def test_a_toy_source_module_is_all_it_takes(tmp_path):
    toy_dir, archive, warehouse = tmp_path / "toy_sources", tmp_path / "archive", tmp_path / "warehouse"
    toy_dir.mkdir()
    (toy_dir / "toy_grid.py").write_text(TOY_MODULE)
    (archive / "toy_grid").mkdir(parents=True)
    (archive / "toy_grid" / "intensity.csv").write_bytes(CSV)
    (archive / "toy_grid" / "SOURCE.toml").write_text(
        'id = "toy_grid"\ntitle = "Toy grid intensities"\npublisher = "Toy Publisher"\nlicense = "CC-BY-4.0"\n'
        'homepage = "https://example.invalid/toy"\n\n[[files]]\npath = "intensity.csv"\n'
        f'url = "https://example.invalid/toy/intensity.csv"\nsha256 = "{hashlib.sha256(CSV).hexdigest()}"\n'
        f'bytes = {len(CSV)}\ndata_as_of = "2025-06-01"\n'
    )

    done = subprocess.run(
        [sys.executable, "-c", SCENARIO, str(toy_dir), str(archive), str(warehouse)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "DAGSTER_HOME": str(tmp_path / "dagster_home")},
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])

    assert result["freshness_check"] == "Every file's data_as_of within 400 days (the toy publisher updates yearly)."
    assert result["failures"] == []
    # The toy's rows and the table; then the views over it (SQL-file assets) and the ranks they read.
    tables = [key for key in result["materialized"] if not key.startswith("sql_")]
    assert tables == ["grid_carbon_intensity", "grid_carbon_intensity__toy_grid"]
    assert {"sql_source_priority", "sql_10_grid_preferred"} <= set(result["materialized"])
    assert (warehouse / "parquet" / "grid_carbon_intensity.parquet").is_file()
    with duckdb.connect(str(warehouse / "aifootprint.duckdb"), read_only=True) as con:
        published = con.execute(
            "select zone_id, year, gco2e_per_kwh, basis, source_id, source_vintage, source_file "
            "from grid_carbon_intensity order by zone_id"
        ).fetchall()
        rank = con.execute("select priority_rank from grid_source_priority where source_id = 'toy_grid'").fetchall()
        preferred = con.execute(
            "select zone_id, gco2e_per_kwh, source_id from grid_carbon_intensity_preferred order by zone_id"
        ).fetchall()
    assert published == [
        ("DEU", 2023, 381.0, "lifecycle", "toy_grid", "2025-06-01", "intensity.csv"),
        ("FRA", 2023, 52.5, "lifecycle", "toy_grid", "2025-06-01", "intensity.csv"),
    ]
    assert rank == [(13,)]
    assert preferred == [("DEU", 381.0, "toy_grid"), ("FRA", 52.5, "toy_grid")]
