"""Asset factories: the same snapshot → staging → published flow for every source and table.

* `raw_<source>`: an observable source asset: observing it takes a snapshot of the source's
  files (fetch with conditional GET, or verify an archive) and reports their sha256 as its
  data version, so downstream assets are stale only when the bytes (or their code) changed.
* `<table>__<source>`: parse one source's snapshot into the table's shape and validate it,
  so a bad file fails only its own source, with an error naming source, file, column, rows.
* `<table>`: concatenate every source's rows, validate the whole (keys across sources) and
  publish atomically to Parquet + DuckDB.
"""

import logging
import sys
import types
import warnings
from collections.abc import Callable
from contextlib import contextmanager

import dagster as dg
import pandas as pd

import schemas
from pipelines import validation, warehouse as warehouse_module, zones
from pipelines.assets.table_metadata import published_metadata
from pipelines.code_version import code_version
from pipelines.errors import ArchiveError
from pipelines.resources import RawStore, WarehouseResource
from pipelines.sources import SOURCES, Source, _base, sources_for_table
from pipelines.validation import validate

STAGING_IO = "staging_io_manager"


def raw_asset_key(source_id: str) -> dg.AssetKey:
    return dg.AssetKey(f"raw_{source_id}")


def staging_asset_key(table_name: str, source_id: str) -> dg.AssetKey:
    return dg.AssetKey(f"{table_name}__{source_id}")


# Observable source assets are marked beta; they are the mechanism Dagster documents for
# versioning external data, and the refresh depends on them.
warnings.filterwarnings("ignore", category=dg.BetaWarning)


def raw_asset(source: Source):
    @dg.observable_source_asset(
        key=raw_asset_key(source.id),
        group_name="raw",
        description=f"Raw snapshot of {source.title} ({source.publisher}). Licence: {source.license}.",
    )
    def _raw(context, raw_store: RawStore) -> dg.ObserveResult:
        snapshot = raw_store.snapshot(source, log=context.log.warning)
        files = sorted(snapshot.files.values(), key=lambda f: f.name)
        return dg.ObserveResult(
            metadata={
                "mode": raw_store.mode,
                "files": dg.MetadataValue.json(
                    {f.name: {"sha256": f.sha256, "bytes": f.bytes, "data_as_of": f.vintage} for f in files}
                ),
                "bytes": sum(f.bytes for f in files),
            },
            data_version=dg.DataVersion(_combined_digest(f.sha256 for f in files)),
        )

    return _raw


def _module_of(function):
    return sys.modules[function.__module__]


def _project_imports(module) -> list:
    """Project modules a parser's module imports (e.g. pipelines.hardware): their code shapes its output."""
    return [
        value
        for value in vars(module).values()
        if isinstance(value, types.ModuleType)
        and value.__name__.startswith(("pipelines.", "schemas."))
        and value is not module
    ]


def _schema_module(table_name: str):
    return sys.modules[schemas.table(table_name).model.__module__]


def staging_asset(table_name: str, source: Source, group: str) -> dg.AssetsDefinition:
    parser = source.parsers[table_name]

    @dg.asset(
        key=staging_asset_key(table_name, source.id),
        deps=[raw_asset_key(source.id)],
        group_name=group,
        io_manager_key=STAGING_IO,
        code_version=code_version(
            [
                _module_of(parser),
                *_project_imports(_module_of(parser)),
                _base,
                zones,
                validation,
                _schema_module(table_name),
                sys.modules[__name__],
            ]
        ),
        description=f"`{table_name}` rows from {source.title}, parsed and validated.",
        kinds={"pandas", "pandera"},
    )
    def _staging(context: dg.AssetExecutionContext, raw_store: RawStore) -> pd.DataFrame:
        raw = raw_store.open(source)
        with parser_notes() as notes:
            frame = parser(raw)
        frame = with_provenance(frame, raw)
        frame = validate(table_name, frame, source_id=source.id)
        context.add_output_metadata(
            {
                "source_id": source.id,
                "vintages": sorted(frame["source_vintage"].unique().tolist()),
                "parser_notes": dg.MetadataValue.json(notes),
            }
        )
        return frame

    return _staging


@contextmanager
def parser_notes():
    """Collect what parsers log (rows dropped as placeholders, published defects) for the asset's
    metadata, where a reader of the run finds them next to the data; they still reach stderr."""
    notes: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            notes.append(record.getMessage())

    handler = Collect(level=logging.INFO)
    source_logger = logging.getLogger("pipelines.sources")
    source_logger.addHandler(handler)
    try:
        yield notes
    finally:
        source_logger.removeHandler(handler)


def with_provenance(frame: pd.DataFrame, raw) -> pd.DataFrame:
    frame = frame.copy()
    frame["source_id"] = raw.source_id
    vintages = {name: f.vintage for name, f in raw.files.items()}
    frame["source_vintage"] = frame["source_file"].map(vintages)
    return frame


def staging_inputs(table_name: str) -> dict[str, dg.AssetIn]:
    """One input per source of the table: its staging rows, loaded through the staging IO manager."""
    return {source.id: dg.AssetIn(staging_asset_key(table_name, source.id)) for source in sources_for_table(table_name)}


def present_staging_frames(
    table_name: str, staging: dict[str, pd.DataFrame | None], raw_store: RawStore
) -> list[pd.DataFrame]:
    """The staging frames of the sources with a snapshot: one an archive never recorded is left out (the
    refresh reports it), even where an older refresh left its staging rows behind."""
    present = [
        frame
        for source_id, frame in staging.items()
        if frame is not None and raw_store.has_snapshot(SOURCES[source_id])
    ]
    if not present:
        raise ArchiveError(
            next(iter(staging), table_name),
            None,
            f"no source of `{table_name}` has a raw snapshot ({', '.join(staging)}); nothing to publish",
        )
    return present


def published_asset(
    table_name: str, group: str, transform: Callable[[pd.DataFrame], pd.DataFrame] | None = None
) -> dg.AssetsDefinition:
    @dg.asset(
        name=table_name,
        ins=staging_inputs(table_name),
        group_name=group,
        kinds={"duckdb", "parquet"},
        code_version=published_code_version(table_name, transform),
        description=f"Published table `{table_name}` (see schemas/).",
    )
    def _published(
        context: dg.AssetExecutionContext,
        raw_store: RawStore,
        warehouse: WarehouseResource,
        **staging: pd.DataFrame | None,
    ) -> dg.MaterializeResult:
        combined = pd.concat(present_staging_frames(table_name, staging, raw_store), ignore_index=True)
        if transform is not None:
            combined = transform(combined)
        combined = validate(table_name, combined)
        result = warehouse.publish(table_name, combined)
        return dg.MaterializeResult(metadata={**result, **published_metadata(table_name, combined)})

    return _published


def published_code_version(table_name: str, transform=None) -> str:
    """Code that shapes a published table: its schema and the publisher (the SQL files are their own assets)."""
    parts = [_schema_module(table_name), warehouse_module, validation, sys.modules[__name__]]
    if transform is not None:
        parts.append(_module_of(transform))
    return code_version(parts)


def table_assets(table_name: str, group: str) -> list[dg.AssetsDefinition]:
    return [staging_asset(table_name, s, group) for s in sources_for_table(table_name)] + [
        published_asset(table_name, group)
    ]


def all_raw_assets() -> list:
    return [raw_asset(source) for source in SOURCES.values()]


def _combined_digest(digests) -> str:
    import hashlib

    return hashlib.sha256("".join(sorted(digests)).encode()).hexdigest()[:16]
