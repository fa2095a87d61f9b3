"""`aifootprint estimate --jobs` over generated jobs, side by side in one run with (a) the committed
hand-written DuckDB query (benchmarks/hand_written.py) over the same Parquet file and reference
tables, (b) the same formula as a pandas row-wise `apply` on a 100,000-row sample, scaled up,
and (c) `--engine spark` on local Spark. The CLI, the hand-written query and Spark each run as
a whole child process (start-up included), timed and measured (peak RSS) the same way."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import duckdb

from benchmarks.common import median, run_child, run_cli

MODELS = ["h100-sxm", "a100-sxm-80gb", "v100-sxm-32gb", "l4", "a100-sxm-40gb"]
ZONES = ["FRA", "USA", "DEU", "IND", "CHN", "BRA", "JPN", "GBR"]
YEARS = [2020, 2021, 2022, 2023, 2024]


def generate_jobs(path: Path, rows: int) -> None:
    models = "[" + ", ".join(f"'{m}'" for m in MODELS) + "]"
    zones = "[" + ", ".join(f"'{z}'" for z in ZONES) + "]"
    years = "[" + ", ".join(map(str, YEARS)) + "]"
    duckdb.sql(f"""
        copy (select {models}[1 + (i % {len(MODELS)})] as hardware,
                     1 + (i * 7) % 64 as count,
                     1 + (i * 13) % 500 as hours,
                     {zones}[1 + (i // 7) % {len(ZONES)}] as zone,
                     {years}[1 + (i // 3) % {len(YEARS)}] as year
              from range({rows}) t(i))
        to '{path}' (format parquet)""")


def lookup_tables(database: Path) -> dict:
    with duckdb.connect(str(database), read_only=True) as con:
        tdp = dict(con.execute("select canonical_model, tdp_w from accelerator_specs_preferred").fetchall())
        embodied = dict(
            con.execute("select canonical_model, kgco2e_per_device from accelerator_embodied_preferred").fetchall()
        )
        intensity = {
            (z, y): g
            for z, y, g in con.execute(
                "select zone_id, year, gco2e_per_kwh from grid_carbon_intensity_preferred"
            ).fetchall()
        }
        (pue,) = con.execute("select pue from datacenter_pue_default").fetchone()
    return {"tdp": tdp, "embodied": embodied, "intensity": intensity, "pue": pue}


def pandas_apply_seconds(jobs: Path, database: Path, sample_rows: int, total_rows: int) -> float:
    frame = duckdb.sql(f"select * from read_parquet('{jobs}') limit {sample_rows}").df()
    t = lookup_tables(database)

    def one_job(row):
        energy = row["count"] * t["tdp"][row["hardware"]] * row["hours"] * t["pue"] / 1000
        return (
            energy,
            energy * t["intensity"][(row["zone"], row["year"])] / 1000,
            row["count"] * t["embodied"].get(row["hardware"], 0.0) * row["hours"] / (4 * 8760),
        )

    started = time.perf_counter()
    frame[["energy_kwh", "operational_kgco2e", "embodied_kgco2e"]] = frame.apply(one_job, axis=1, result_type="expand")
    return (time.perf_counter() - started) * total_rows / sample_rows


def _fail(what: str, run) -> None:
    raise SystemExit(f"{what} failed (exit {run.returncode}):\n{run.stderr[-3000:]}")


def measure(
    scratch: Path, env: dict, rows: int, repeats: int = 3, pandas_sample: int = 100_000, spark: bool = False
) -> dict:
    """Medians (seconds) and peak RSS (MiB) of lean, full, hand-written and, if asked, Spark."""
    database = Path(env["AIFOOTPRINT_WAREHOUSE"]) / "aifootprint.duckdb"
    jobs = scratch / f"jobs-{rows}.parquet"
    if not jobs.exists():
        generate_jobs(jobs, rows)
    out = scratch / "out.parquet"
    times: dict[str, list[float]] = {"lean": [], "full": [], "hand": []}
    rss: dict[str, list[float]] = {"lean": [], "full": [], "hand": []}
    for _ in range(repeats):
        # Interleaved, so that load from other processes falls on each alike.
        for mode in ("lean", "full"):
            run = run_cli(["estimate", "--jobs", str(jobs), "--out", str(out), "--columns", mode], env)
            if run.returncode != 0:
                _fail(f"estimate --jobs --columns {mode}", run)
            times[mode].append(run.seconds)
            rss[mode].append(run.peak_rss_mib)
        run = run_child(["-m", "benchmarks.hand_written", str(database), str(jobs), str(scratch / "hand.parquet")])
        if run.returncode != 0:
            _fail("hand-written query", run)
        times["hand"].append(run.seconds)
        rss["hand"].append(run.peak_rss_mib)
    ((written,),) = duckdb.sql(f"select count(*) from read_parquet('{out}')").fetchall()
    assert written == rows, (written, rows)
    result = {
        "rows": rows,
        **{f"{k}_s": median(v) for k, v in times.items()},
        **{f"{k}_peak_rss_mib": max(v) for k, v in rss.items()},
        "pandas_s": pandas_apply_seconds(jobs, database, min(pandas_sample, rows), rows),
    }
    if spark:
        spark_out = scratch / "spark-out"
        run = run_cli(
            [
                "estimate",
                "--jobs",
                str(jobs),
                "--out",
                str(spark_out),
                "--columns",
                "lean",
                "--engine",
                "spark",
                "--master",
                f"local[{os.cpu_count()}]",
            ],
            env,
        )
        if run.returncode != 0:
            _fail("estimate --engine spark", run)
        result["spark_s"] = run.seconds
        shutil.rmtree(spark_out, ignore_errors=True)
    jobs.unlink(missing_ok=True)
    return result


def report(r: dict) -> list[str]:
    lines = [
        f"batch {r['rows']:,} jobs (whole processes, median): lean {r['lean_s']:.2f} s = "
        f"{r['lean_s'] / r['hand_s']:.2f}x hand-written (target <= 1.5x); full {r['full_s']:.2f} s = "
        f"{r['full_s'] / r['hand_s']:.2f}x (target <= 3x); hand-written {r['hand_s']:.2f} s",
        f"  pandas row-wise apply (scaled from a sample): {r['pandas_s']:.1f} s; lean is "
        f"{r['pandas_s'] / r['lean_s']:.0f}x faster (target >= 100x)",
        f"  peak RSS: lean {r['lean_peak_rss_mib']:.0f} MiB, full {r['full_peak_rss_mib']:.0f} MiB, "
        f"hand-written {r['hand_peak_rss_mib']:.0f} MiB (target <= 1024 MiB)",
    ]
    if "spark_s" in r:
        lines.append(
            f"  local Spark (--engine spark, lean, start-up included): {r['spark_s']:.1f} s = "
            f"{r['spark_s'] / r['lean_s']:.1f}x DuckDB lean"
        )
    return lines
