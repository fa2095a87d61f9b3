"""Full refresh from the archive into an empty warehouse, then a no-op refresh."""

from __future__ import annotations

import tempfile
from pathlib import Path

from benchmarks.common import archive_dir, median, run_cli


def measure(repeats: int = 3) -> dict:
    full, noop, rss = [], [], []
    for _ in range(repeats):
        with tempfile.TemporaryDirectory() as scratch:
            env = {"AIFOOTPRINT_WAREHOUSE": str(Path(scratch) / "warehouse"),
                   "DAGSTER_HOME": str(Path(scratch) / "dagster_home")}
            first = run_cli(["refresh", "--archive", str(archive_dir())], env)
            if first.returncode != 0:
                raise SystemExit(f"full refresh failed:\n{first.stderr}")
            second = run_cli(["refresh", "--archive", str(archive_dir())], env)
            if second.returncode != 0 or "materialized 0 asset(s)" not in second.stderr:
                raise SystemExit(f"no-op refresh did work or failed:\n{second.stderr}")
            full.append(first.seconds)
            rss.append(first.peak_rss_mib)
            noop.append(second.seconds)
    return {"full_s": median(full), "noop_s": median(noop), "full_peak_rss_mib": median(rss)}


if __name__ == "__main__":
    result = measure()
    print(f"full_refresh: median {result['full_s']:.2f} s, peak RSS {result['full_peak_rss_mib']:.0f} MiB")
    print(f"noop_refresh: median {result['noop_s']:.2f} s")
