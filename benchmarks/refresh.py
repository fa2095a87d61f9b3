"""Full refresh from the archive into an empty warehouse, then a no-op refresh."""

from __future__ import annotations

import shutil
from pathlib import Path

from benchmarks.common import archive_dir, median, run_cli


def environment(folder: Path) -> dict[str, str]:
    return {"AIFOOTPRINT_WAREHOUSE": str(folder / "warehouse"), "DAGSTER_HOME": str(folder / "dagster_home")}


def measure(scratch: Path, repeats: int = 3) -> dict:
    """Medians; leaves the last run's warehouse in scratch/refresh-<n> (returned as `env`)."""
    full, noop, rss, noop_rss = [], [], [], []
    env = {}
    for number in range(repeats):
        folder = scratch / f"refresh-{number}"
        shutil.rmtree(folder, ignore_errors=True)
        env = environment(folder)
        first = run_cli(["refresh", "--archive", str(archive_dir())], env)
        if first.returncode != 0:
            raise SystemExit(f"full refresh failed:\n{first.stderr}")
        second = run_cli(["refresh", "--archive", str(archive_dir())], env)
        if second.returncode != 0 or "materialized 0 asset(s)" not in second.stderr:
            raise SystemExit(f"no-op refresh did work or failed:\n{second.stderr}")
        full.append(first.seconds)
        rss.append(first.peak_rss_mib)
        noop.append(second.seconds)
        noop_rss.append(second.peak_rss_mib)
        if number < repeats - 1:
            shutil.rmtree(folder, ignore_errors=True)
    return {
        "full_s": median(full),
        "noop_s": median(noop),
        "full_peak_rss_mib": max(rss),
        "noop_peak_rss_mib": max(noop_rss),
        "env": env,
    }


def report(r: dict, floor_s: float) -> list[str]:
    return [
        f"full refresh: median {r['full_s']:.2f} s = {r['full_s'] / floor_s:.1f}x floor (target <= 5x, "
        f"<= 60 s); peak RSS {r['full_peak_rss_mib']:.0f} MiB (target <= 1024)",
        f"no-op refresh: median {r['noop_s']:.3f} s = {r['noop_s'] / r['full_s']:.1%} of full (target <= 10%); "
        f"peak RSS {r['noop_peak_rss_mib']:.0f} MiB",
    ]
