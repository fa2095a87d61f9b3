"""Intermediate (staging) DataFrames between assets, stored as Parquet rather than pickles."""

from __future__ import annotations

import os
from pathlib import Path

import dagster as dg
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq


def staging_path(warehouse_dir: str | Path, key: dg.AssetKey) -> Path:
    return Path(warehouse_dir) / "staging" / ("__".join(key.path) + ".parquet")


def read_staging(warehouse_dir: str | Path, key: dg.AssetKey) -> pd.DataFrame:
    return pq.read_table(staging_path(warehouse_dir, key)).to_pandas()


class StagingParquetIOManager(dg.ConfigurableIOManager):
    warehouse_dir: str

    def _path(self, key: dg.AssetKey) -> Path:
        return staging_path(self.warehouse_dir, key)

    def handle_output(self, context: dg.OutputContext, obj: pd.DataFrame) -> None:
        path = self._path(context.asset_key)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.tmp")
        pq.write_table(pa.Table.from_pandas(obj, preserve_index=False), tmp)
        os.replace(tmp, path)
        context.add_output_metadata({"rows": len(obj), "path": str(path)})

    def load_input(self, context: dg.InputContext) -> pd.DataFrame | None:
        """The staging rows, or None where there are none: a source an archive never recorded is
        never staged, and the published asset leaves it out."""
        if not self._path(context.asset_key).exists():
            return None
        return read_staging(self.warehouse_dir, context.asset_key)
