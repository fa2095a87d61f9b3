"""The one Dagster code location: assets, checks, jobs, schedules and resources.

Every module in `pipelines/assets/` (found by `pipelines.discovery`) contributes what it defines
in `assets`, `checks`, `jobs`, `schedules` and `sensors` lists. Two assets depend on every
published table and are built here, once those tables are known: the `sources` catalogue (so it
always describes the bytes behind them) and the `release`.
"""

import dagster as dg

import pipelines.assets
from pipelines import discovery, settings
from pipelines.assets import catalog, release
from pipelines.assets.factory import STAGING_IO, all_raw_assets
from pipelines.io import StagingParquetIOManager
from pipelines.resources import RawStore, WarehouseResource
from schemas import TABLES

_MODULES = discovery.modules(pipelines.assets)
_TABLE_ASSETS = [a for m in _MODULES for a in getattr(m, "assets", [])]
_TABLE_KEYS = sorted(
    {key for a in _TABLE_ASSETS for key in a.keys if key.to_user_string() in TABLES}, key=lambda k: k.to_user_string()
)
_CATALOG = catalog.sources_asset(_TABLE_KEYS)
ALL_ASSETS = [*all_raw_assets(), *_TABLE_ASSETS, _CATALOG, release.release_asset([*_TABLE_KEYS, _CATALOG.key])]
ALL_CHECKS = [c for m in _MODULES for c in getattr(m, "checks", [])]

# Cutting a release is its own decision (the monthly schedule's job, or `aifootprint release`).
REFRESH_SELECTION = dg.AssetSelection.all() - dg.AssetSelection.groups("release")

refresh_job = dg.define_asset_job(
    "refresh",
    selection=REFRESH_SELECTION,
    description="Full refresh: snapshot every source, parse, validate, publish.",
    # One process: spawning a process per step costs more than the steps themselves here.
    executor_def=dg.in_process_executor,
)
JOBS = [refresh_job, *(j for m in _MODULES for j in getattr(m, "jobs", []))]
SCHEDULES = [s for m in _MODULES for s in getattr(m, "schedules", [])]
SENSORS = [s for m in _MODULES for s in getattr(m, "sensors", [])]


def build_resources(
    *,
    archive_dir: str | None = None,
    warehouse_dir: str | None = None,
    mirror_url: str | None = None,
    **raw_store_options,
) -> dict:
    warehouse_dir = str(warehouse_dir or settings.warehouse_dir())
    archive = archive_dir if archive_dir is not None else settings.archive_dir()
    return {
        "raw_store": RawStore(
            warehouse_dir=warehouse_dir,
            archive_dir=str(archive) if archive else None,
            mirror_url=mirror_url or settings.source_mirror(),
            **raw_store_options,
        ),
        "warehouse": WarehouseResource(warehouse_dir=warehouse_dir),
        STAGING_IO: StagingParquetIOManager(warehouse_dir=warehouse_dir),
    }


def build_definitions(**resource_options) -> dg.Definitions:
    return dg.Definitions(
        assets=ALL_ASSETS,
        asset_checks=ALL_CHECKS,
        jobs=JOBS,
        schedules=SCHEDULES,
        sensors=SENSORS,
        resources=build_resources(**resource_options),
    )


defs = build_definitions()
