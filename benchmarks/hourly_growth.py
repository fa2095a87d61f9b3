"""How publish cost grows with a large source table: 1x, 10x and 100x synthetic rows pushed through
the path every parsed table takes (pipelines.validation.validate, then Warehouse.publish, which
writes Parquet, copies the DuckDB file, loads the table and re-applies warehouse/sql), into a
copy of a warehouse built from the archive. The rows stand in for the hourly grid tables
(10^5-10^7 rows) to come; they use grid_carbon_intensity's schema, which every warehouse has."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import numpy as np
import pandas as pd

from benchmarks.common import median


def synthetic_rows(rows: int) -> pd.DataFrame:
    index = np.arange(rows)
    return pd.DataFrame(
        {
            "zone_id": pd.Series(index // 100).map("SYN-{:06d}".format),
            "zone_name": "synthetic zone",
            "zone_type": "subregion",
            "year": 2000 + index % 100,
            "gco2e_per_kwh": 50.0 + (index * 37) % 900,
            "basis": "lifecycle",
            "source_file": "synthetic.csv",
            "source_id": "synthetic_hourly",
            "source_vintage": "2026-01-01",
        }
    )


def measure(built_warehouse: Path, scratch: Path, base_rows: int = 100_000, repeats: int = 2) -> dict:
    from pipelines.validation import validate
    from pipelines.warehouse import Warehouse

    results = {}
    for factor in (1, 10, 100):
        rows = base_rows * factor
        frame = synthetic_rows(rows)
        times = []
        for _ in range(repeats if factor < 100 else 1):
            target = scratch / f"growth-{factor}"
            shutil.rmtree(target, ignore_errors=True)
            shutil.copytree(built_warehouse, target)
            started = time.perf_counter()
            Warehouse(target).publish(
                "grid_carbon_intensity", validate("grid_carbon_intensity", frame, source_id="synthetic_hourly")
            )
            times.append(time.perf_counter() - started)
            shutil.rmtree(target, ignore_errors=True)
        results[factor] = {"rows": rows, "seconds": median(times)}
        del frame
    return results


def report(r: dict) -> list[str]:
    base = r[1]["seconds"]
    cells = ", ".join(
        f"{f}x ({v['rows']:,} rows) {v['seconds']:.2f} s = {v['seconds'] / base:.1f}x" for f, v in r.items()
    )
    growth = r[100]["seconds"] / base
    return [
        f"refresh growth, validate + publish of a large table: {cells}; "
        f"100x rows cost {growth:.0f}x time (target: no faster than linear, <= 100x)"
    ]
