"""The one Dagster code location: assets, checks, jobs and resources."""


import dagster as dg

from pipelines import settings
from pipelines.assets import catalog, grid
from pipelines.assets.factory import STAGING_IO, all_raw_assets
from pipelines.io import StagingParquetIOManager
from pipelines.resources import RawStore, WarehouseResource

ALL_ASSETS = [*all_raw_assets(), *grid.assets, catalog.sources_table]
ALL_CHECKS = [*grid.checks]

refresh_job = dg.define_asset_job(
    "refresh",
    selection=dg.AssetSelection.all(),
    description="Full refresh: snapshot every source, parse, validate, publish.",
    # One process: spawning a process per step costs more than the steps themselves here.
    executor_def=dg.in_process_executor,
)


def build_resources(*, archive_dir: str | None = None, warehouse_dir: str | None = None,
                    mirror_url: str | None = None, **raw_store_options) -> dict:
    warehouse_dir = str(warehouse_dir or settings.warehouse_dir())
    archive = archive_dir if archive_dir is not None else settings.archive_dir()
    return {
        "raw_store": RawStore(warehouse_dir=warehouse_dir, archive_dir=str(archive) if archive else None,
                              mirror_url=mirror_url or settings.source_mirror(), **raw_store_options),
        "warehouse": WarehouseResource(warehouse_dir=warehouse_dir),
        STAGING_IO: StagingParquetIOManager(warehouse_dir=warehouse_dir),
    }


def build_definitions(**resource_options) -> dg.Definitions:
    return dg.Definitions(assets=ALL_ASSETS, asset_checks=ALL_CHECKS, jobs=[refresh_job],
                          resources=build_resources(**resource_options))


defs = build_definitions()
