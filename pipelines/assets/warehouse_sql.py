"""The views and macros of `warehouse/sql/`, one asset per file.

* `sql_<file stem>` (e.g. `sql_10_grid_preferred`, group `warehouse_sql`): applies that one file
  to the warehouse database (a copy, swapped in atomically; pipelines/warehouse.py).
  `sql_source_priority` applies the one file generated from the source registry (its ranks).
* Its deps come from the file's `-- requires:` lines: a published table maps to that table's
  asset, a view, table or macro another file creates maps to that file's asset. Its code version
  hashes that file alone, so editing one file makes only it and what reads it stale.
* A file whose required relations are absent (a source missing from the archive) is not applied;
  the materialization says so (`applied: false`, `missing_relations`) and the refresh goes on.

Assets that query a view or macro declare the file behind it with `sql_asset_keys(...)`.
"""

from __future__ import annotations

import dagster as dg

from pipelines.code_version import code_version
from pipelines.progress import SQL_ASSET_PREFIX
from pipelines.resources import WarehouseResource
from pipelines.warehouse import SqlFile, sql_files, sql_files_required, tables_required

GROUP = "warehouse_sql"


def sql_asset_key(file_name: str) -> dg.AssetKey:
    return dg.AssetKey(SQL_ASSET_PREFIX + file_name)


def sql_asset_keys(*relations: str) -> list[dg.AssetKey]:
    """The assets of the SQL files creating these views, tables or macros."""
    files = sql_files()
    unknown = [name for name in relations if not any(name in f.creates for f in files)]
    if unknown:
        raise ValueError(f"no file of warehouse/sql/ creates {', '.join(unknown)}")
    return [sql_asset_key(f.name) for f in files if set(relations) & set(f.creates)]


def sql_asset(sql_file: SqlFile, files: list[SqlFile]) -> dg.AssetsDefinition:
    @dg.asset(
        key=sql_asset_key(sql_file.name),
        deps=[
            *map(dg.AssetKey, tables_required(sql_file, files)),
            *map(sql_asset_key, sql_files_required(sql_file, files)),
        ],
        group_name=GROUP,
        kinds={"duckdb", "sql"},
        code_version=code_version([sql_file.text]),
        description=(
            f"Views and macros of warehouse/sql/{sql_file.path.name}: {', '.join(sql_file.creates)}."
            if sql_file.path.is_absolute()
            else f"Table {', '.join(sql_file.creates)}, generated from the source registry."
        ),
    )
    def _apply(warehouse: WarehouseResource) -> dg.MaterializeResult:
        missing = warehouse.store.apply_sql([sql_file])[sql_file.path.name]
        return dg.MaterializeResult(
            metadata={
                "applied": not missing,
                "creates": dg.MetadataValue.json(list(sql_file.creates)),
                "missing_relations": dg.MetadataValue.json(missing),
            }
        )

    return _apply


def sql_assets() -> list[dg.AssetsDefinition]:
    files = sql_files()
    return [sql_asset(sql_file, files) for sql_file in files]


assets = sql_assets()
