"""Floor: the time for DuckDB/pyarrow (and the matching readers for xlsx/yaml) to read every
raw file in the archive once. Nothing a refresh does can be faster than this."""

from __future__ import annotations

import json
import time
import tomllib
from pathlib import Path

import duckdb
import pandas as pd
import yaml

from benchmarks.common import archive_dir, median


def read_every_file(archive: Path) -> int:
    con = duckdb.connect()
    rows = 0
    for manifest in sorted(archive.glob("*/SOURCE.toml")):
        for entry in tomllib.loads(manifest.read_text())["files"]:
            path = manifest.parent / entry["path"]
            suffix = path.suffix.lower()
            if suffix == ".csv":
                rows += con.execute(
                    "select count(*) from read_csv(?, all_varchar=true, null_padding=true, "
                    "ignore_errors=true, header=false, parallel=false, strict_mode=false)",
                    [str(path)],
                ).fetchone()[0]
            elif suffix == ".json":
                data = json.loads(path.read_bytes())
                rows += len(data) if hasattr(data, "__len__") else 1
            elif suffix == ".xlsx":
                rows += sum(len(f) for f in pd.read_excel(path, sheet_name=None, engine="calamine").values())
            elif suffix in (".yml", ".yaml"):
                rows += len(yaml.load(path.read_bytes(), Loader=yaml.CSafeLoader) or {})
            else:
                rows += path.read_bytes().count(b"\n")
    return rows


def measure(repeats: int = 5) -> float:
    archive = archive_dir()
    read_every_file(archive)  # warm the page cache and imports
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        read_every_file(archive)
        times.append(time.perf_counter() - started)
    return median(times)


if __name__ == "__main__":
    print(f"floor: read every raw file once: median {measure():.3f} s")
