"""`aifootprint estimate --jobs` over 10 million generated jobs, against (a) the same formula as a
pandas row-wise `apply` on a 100,000-row sample scaled up, and (b) a hand-written DuckDB query
over the same Parquet file. All three use the warehouse's defaults (TDP x utilisation 1.0, the
default PUE, the preferred grid intensity for zone and year, embodied kgCO2e over 4 years)."""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

import duckdb

from benchmarks.common import archive_dir, median, run_cli

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


HAND_WRITTEN_SQL = """
copy (
    with pue as (select pue from datacenter_pue_default)
    select j.*,
           j.count * s.tdp_w * j.hours * pue.pue / 1000 as energy_kwh,
           j.count * s.tdp_w * j.hours * pue.pue / 1000 * g.gco2e_per_kwh / 1000 as operational_kgco2e,
           j.count * e.kgco2e_per_device * j.hours / (4 * 8760) as embodied_kgco2e
    from read_parquet('{jobs}') j
    cross join pue
    join accelerator_specs_preferred s on s.canonical_model = j.hardware
    join grid_carbon_intensity_preferred g on g.zone_id = j.zone and g.year = j.year
    left join accelerator_embodied_preferred e on e.canonical_model = j.hardware
) to '{out}' (format parquet)
"""


def lookup_tables(database: Path) -> dict:
    with duckdb.connect(str(database), read_only=True) as con:
        tdp = dict(con.execute("select canonical_model, tdp_w from accelerator_specs_preferred").fetchall())
        embodied = dict(con.execute(
            "select canonical_model, kgco2e_per_device from accelerator_embodied_preferred").fetchall())
        intensity = {(z, y): g for z, y, g in con.execute(
            "select zone_id, year, gco2e_per_kwh from grid_carbon_intensity_preferred").fetchall()}
        (pue,) = con.execute("select pue from datacenter_pue_default").fetchone()
    return {"tdp": tdp, "embodied": embodied, "intensity": intensity, "pue": pue}


def pandas_apply_seconds(jobs: Path, database: Path, sample_rows: int, total_rows: int) -> float:
    frame = duckdb.sql(f"select * from read_parquet('{jobs}') limit {sample_rows}").df()
    t = lookup_tables(database)

    def one_job(row):
        energy = row["count"] * t["tdp"][row["hardware"]] * row["hours"] * t["pue"] / 1000
        return (energy, energy * t["intensity"][(row["zone"], row["year"])] / 1000,
                row["count"] * t["embodied"].get(row["hardware"], 0.0) * row["hours"] / (4 * 8760))

    started = time.perf_counter()
    frame[["energy_kwh", "operational_kgco2e", "embodied_kgco2e"]] = frame.apply(
        one_job, axis=1, result_type="expand")
    return (time.perf_counter() - started) * total_rows / sample_rows


def measure(rows: int = 10_000_000, repeats: int = 3) -> dict:
    with tempfile.TemporaryDirectory() as scratch:
        scratch = Path(scratch)
        env = {"AIFOOTPRINT_WAREHOUSE": str(scratch / "warehouse"), "DAGSTER_HOME": str(scratch / "dagster_home")}
        built = run_cli(["refresh", "--archive", str(archive_dir())], env)
        if built.returncode != 0:
            raise SystemExit(f"refresh failed:\n{built.stderr}")
        database = scratch / "warehouse" / "aifootprint.duckdb"
        jobs = scratch / "jobs.parquet"
        generate_jobs(jobs, rows)

        cli_times = []
        for _ in range(repeats):
            run = run_cli(["estimate", "--jobs", str(jobs), "--out", str(scratch / "out.parquet")], env)
            if run.returncode != 0:
                raise SystemExit(f"estimate --jobs failed:\n{run.stderr}")
            cli_times.append(run.seconds)
        ((written,),) = duckdb.sql(f"select count(*) from read_parquet('{scratch / 'out.parquet'}')").fetchall()
        assert written == rows, (written, rows)

        sql_times = []
        for _ in range(repeats):
            with duckdb.connect(str(database), read_only=True) as con:
                started = time.perf_counter()
                con.execute(HAND_WRITTEN_SQL.format(jobs=jobs, out=scratch / "hand.parquet"))
                sql_times.append(time.perf_counter() - started)
        pandas_s = pandas_apply_seconds(jobs, database, 100_000, rows)
    cli_s, sql_s = median(cli_times), median(sql_times)
    return {"rows": rows, "cli_s": cli_s, "sql_s": sql_s, "pandas_s": pandas_s}


if __name__ == "__main__":
    r = measure(int(os.environ.get("BATCH_ROWS", 10_000_000)))
    print(f"batch_estimate: {r['rows']:,} jobs: estimate --jobs median {r['cli_s']:.2f} s "
          f"({r['rows'] / r['cli_s']:,.0f} rows/s, whole CLI process)")
    print(f"  pandas row-wise apply (100,000-row sample, scaled): {r['pandas_s']:.1f} s "
          f"({r['rows'] / r['pandas_s']:,.0f} rows/s); speed-up {r['pandas_s'] / r['cli_s']:.0f}x (target >= 100x)")
    print(f"  hand-written DuckDB SQL: median {r['sql_s']:.2f} s; estimate/SQL {r['cli_s'] / r['sql_s']:.2f}x "
          f"(target <= 1.5x)")
