"""The SQL files as assets: deps from their `-- requires:` lines, one code version per file."""

import re
import shutil

import dagster as dg
import pytest

from pipelines import settings
from pipelines.assets.warehouse_sql import sql_asset_key, sql_asset_keys, sql_assets
from pipelines.resources import WarehouseResource
from pipelines.staleness import stale_keys
from pipelines.warehouse import sql_files, tables_required
from schemas import TABLES

pytestmark = pytest.mark.filterwarnings("ignore::dagster.BetaWarning")


def _words_read(text: str) -> set[str]:
    """Identifiers in a SQL file outside comments and string literals."""
    body = re.sub(r"'[^']*'", "''", re.sub(r"--[^\n]*", "", text))
    return set(re.findall(r"\b\w+\b", body))


def test_every_relation_a_file_reads_is_in_its_requires_lines():
    files = sql_files()
    known = set(TABLES) | {name for f in files for name in f.creates}
    unlisted = {f.path.name: sorted((_words_read(f.text) & known) - set(f.creates) - set(f.requires)) for f in files}
    assert {name: names for name, names in unlisted.items() if names} == {}


def test_files_come_after_the_files_creating_what_they_require():
    order = [f.name for f in sql_files()]
    assert order.index("30_footprint") < order.index("50_inference")
    # 41_fleet_specs replaces the stand-in view 40_fleet creates, so it must come after it.
    assert order.index("40_fleet") < order.index("41_fleet_specs")
    assert order.index("20_hardware") < order.index("41_fleet_specs")


def test_a_required_name_nothing_creates_is_refused_naming_the_file(tmp_path, monkeypatch):
    (tmp_path / "10_typo.sql").write_text("-- requires: grid_carbon_intensty\ncreate or replace view v as select 1;\n")
    monkeypatch.setattr(settings, "sql_dir", lambda: tmp_path)
    (ranks, sql_file) = sql_files()
    assert ranks.creates == ("source_priority",)  # generated from the source registry, always first
    with pytest.raises(ValueError, match="10_typo.sql: `-- requires:` names grid_carbon_intensty"):
        tables_required(sql_file, [sql_file])


def test_sql_asset_keys_name_the_file_creating_a_view_or_macro():
    assert sql_asset_keys("grid_carbon_intensity_preferred") == [dg.AssetKey("sql_10_grid_preferred")]
    assert sql_asset_keys("footprint") == [dg.AssetKey("sql_30_footprint")]
    with pytest.raises(ValueError, match="no file of warehouse/sql/ creates no_such_view"):
        sql_asset_keys("no_such_view")


def _table_stub(name: str) -> dg.AssetsDefinition:
    @dg.asset(key=name)
    def _stub() -> dg.MaterializeResult:
        return dg.MaterializeResult()

    return _stub


def _definitions(warehouse_dir) -> dg.Definitions:
    files = sql_files()
    tables = sorted({name for f in files for name in tables_required(f, files)})
    return dg.Definitions(
        assets=[*map(_table_stub, tables), *sql_assets()],
        resources={"warehouse": WarehouseResource(warehouse_dir=str(warehouse_dir))},
    )


@pytest.fixture
def sql_copy(tmp_path, monkeypatch):
    folder = tmp_path / "sql"
    shutil.copytree(settings.sql_dir(), folder)
    monkeypatch.setattr(settings, "sql_dir", lambda: folder)
    return folder


def test_editing_one_sql_file_makes_only_it_and_what_reads_it_stale(sql_copy, tmp_path):
    instance = dg.DagsterInstance.ephemeral()
    defs = _definitions(tmp_path / "warehouse")
    graph = defs.resolve_asset_graph()
    keys = graph.get_all_asset_keys()
    assert defs.resolve_implicit_global_asset_job_def().execute_in_process(instance=instance).success
    assert stale_keys(instance, graph, keys) == set()

    hardware = sql_copy / "20_hardware.sql"
    hardware.write_text(hardware.read_text() + "\n-- an edited comment changes the file's code version\n")
    graph = _definitions(tmp_path / "warehouse").resolve_asset_graph()
    stale = stale_keys(instance, graph, keys)
    assert stale == {sql_asset_key("20_hardware")}
    recomputed = dg.AssetSelection.assets(*stale).downstream().resolve(graph)
    assert {key.to_user_string() for key in recomputed} == {
        "sql_20_hardware",
        "sql_30_footprint",
        "sql_41_fleet_specs",
        "sql_50_inference",
    }


def test_a_file_whose_tables_are_absent_materializes_saying_which(sql_copy, tmp_path):
    (grid,) = [a for a in sql_assets() if a.key == sql_asset_key("10_grid_preferred")]
    result = dg.materialize(
        [grid],
        instance=dg.DagsterInstance.ephemeral(),
        resources={"warehouse": WarehouseResource(warehouse_dir=str(tmp_path))},
    )
    (event,) = result.get_asset_materialization_events()
    metadata = event.materialization.metadata
    assert metadata["applied"].value is False
    assert metadata["missing_relations"].value == ["grid_carbon_intensity", "source_priority"]
    assert not (tmp_path / "aifootprint.duckdb").exists()
