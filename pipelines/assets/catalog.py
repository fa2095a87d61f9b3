"""The `sources` table: one row per raw file behind the published tables, with licence and vintage.

It depends on every published table, so it changes only when they do: after a failed refresh
it still describes the exact bytes the published tables were built from.
"""

import sys

import dagster as dg
import pandas as pd

from pipelines import archive, validation
from pipelines.assets.factory import raw_asset_key
from pipelines.assets.table_metadata import published_metadata
from pipelines.code_version import code_version
from pipelines.resources import RawStore, WarehouseResource
from pipelines.sources import SOURCES
from pipelines.validation import validate


def sources_asset(published_keys: list[dg.AssetKey]) -> dg.AssetsDefinition:
    @dg.asset(
        name="sources",
        deps=[*(raw_asset_key(s) for s in SOURCES), *published_keys],
        group_name="catalog",
        kinds={"duckdb", "parquet"},
        code_version=code_version([sys.modules[__name__], archive, validation]),
        description="Catalogue of every raw file: URL, sha256, licence, vintage.",
    )
    def sources_table(raw_store: RawStore, warehouse: WarehouseResource) -> dg.MaterializeResult:
        rows = []
        for source in SOURCES.values():
            if not raw_store.has_snapshot(source):
                continue
            for raw_file in raw_store.open(source).files.values():
                rows.append(
                    {
                        "source_id": source.id,
                        "source_vintage": raw_file.vintage,
                        "file": raw_file.name,
                        "url": raw_file.url,
                        "obtained_from": raw_file.obtained_from,
                        "sha256": raw_file.sha256,
                        "bytes": raw_file.bytes,
                        "format": raw_file.format,
                        "retrieved_at": raw_file.retrieved_at,
                        "title": source.title,
                        "publisher": source.publisher,
                        "license": source.license,
                        "homepage": source.homepage,
                    }
                )
        frame = validate("sources", pd.DataFrame(rows))
        return dg.MaterializeResult(
            metadata={**warehouse.publish("sources", frame), **published_metadata("sources", frame)}
        )

    return sources_table
