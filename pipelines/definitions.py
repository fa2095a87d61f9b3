"""The one Dagster code location: assets, checks, jobs, schedules and resources.

Every module in `pipelines/assets/` contributes what it defines in `assets`, `checks`,
`jobs`, `schedules` and `sensors` lists; the `sources` catalogue depends on every published
table so it always describes the bytes behind them.
"""

import importlib
import pkgutil

import dagster as dg

import pipelines.assets
from pipelines import settings
from pipelines.assets import catalog
from pipelines.assets.factory import STAGING_IO, all_raw_assets
from pipelines.io import StagingParquetIOManager
from pipelines.resources import RawStore, WarehouseResource


def _asset_modules():
    for info in sorted(pkgutil.iter_modules(pipelines.assets.__path__), key=lambda m: m.name):
        if info.name not in {"factory", "catalog"} and not info.name.startswith("_"):
            yield importlib.import_module(f"pipelines.assets.{info.name}")


_MODULES = list(_asset_modules())
_TABLE_ASSETS = [a for m in _MODULES for a in getattr(m, "assets", [])]
ALL_ASSETS = [*all_raw_assets(), *_TABLE_ASSETS, catalog.sources_asset(_TABLE_ASSETS)]
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
    return dg.Definitions(assets=ALL_ASSETS, asset_checks=ALL_CHECKS, jobs=JOBS, schedules=SCHEDULES,
                          sensors=SENSORS, resources=build_resources(**resource_options))


defs = build_definitions()
