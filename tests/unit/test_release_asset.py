"""The Dagster `release` asset, its job and the monthly schedule."""

from __future__ import annotations

import dagster as dg
from test_release_build import small_warehouse

from pipelines.assets import release as release_assets
from pipelines.release import read_index
from pipelines.resources import WarehouseResource
from schemas import TABLES


def materialize(warehouse, **config):
    release = release_assets.release_asset([dg.AssetKey("grid_carbon_intensity")])
    return dg.materialize(
        [release],
        instance=dg.DagsterInstance.ephemeral(),
        resources={"warehouse": WarehouseResource(warehouse_dir=str(warehouse))},
        run_config={"ops": {"release": {"config": config}}} if config else None,
    )


def test_release_asset_builds_a_release_when_asked(tmp_path):
    warehouse = small_warehouse(tmp_path / "warehouse")

    result = materialize(warehouse, build=True, version="2.0")

    assert result.success
    [materialization] = result.asset_materializations_for_node("release")
    assert materialization.metadata["version"].value == "2.0"
    assert materialization.metadata["rows"].value == {"grid_carbon_intensity": 3, "sources": 2}
    page = warehouse / "releases" / "2.0" / "index.html"
    assert materialization.metadata["explorer_page"].value == str(page)
    assert "Grid carbon intensity by country, latest year" in page.read_text()
    assert [e["version"] for e in read_index(warehouse / "releases")["releases"]] == ["2.0"]


def test_a_plain_run_of_the_release_asset_builds_nothing(tmp_path):
    warehouse = small_warehouse(tmp_path / "warehouse")

    result = materialize(warehouse)

    assert result.success
    assert result.asset_materializations_for_node("release") == []
    assert not (warehouse / "releases").exists()


def test_definitions_hold_the_release_asset_downstream_of_every_table_and_a_monthly_schedule():
    from pipelines.definitions import defs

    graph = defs.resolve_asset_graph()
    table_keys = {
        key for key in graph.get_all_asset_keys() if key.to_user_string() in TABLES and graph.get(key).is_materializable
    }
    assert dg.AssetKey("grid_carbon_intensity") in table_keys and dg.AssetKey("sources") in table_keys
    assert set(graph.get(dg.AssetKey("release")).parent_keys) == table_keys

    schedule = defs.resolve_schedule_def("monthly_release")
    assert schedule.cron_schedule == "0 3 1 * *" and schedule.execution_timezone == "UTC"
    assert schedule.job_name == "refresh_and_release"
    job = defs.resolve_job_def("refresh_and_release")
    selected = {key.to_user_string() for key in job.asset_layer.selected_asset_keys}
    assert {"release", "grid_carbon_intensity", "sources", "raw_codecarbon"} <= selected


def test_the_scheduled_job_builds_a_release_with_its_own_config(tmp_path):
    from pipelines.definitions import build_definitions

    warehouse = small_warehouse(tmp_path / "warehouse")
    job = build_definitions(warehouse_dir=str(warehouse)).resolve_job_def("refresh_and_release")

    # Only the release step: the refresh steps are the refresh's own tests' business.
    result = job.execute_in_process(instance=dg.DagsterInstance.ephemeral(), asset_selection=[dg.AssetKey("release")])

    assert result.success
    [entry] = read_index(warehouse / "releases")["releases"]
    assert entry["tables"] == {"grid_carbon_intensity": 3, "sources": 2}
