"""The hand-written DuckDB baseline for `estimate --jobs`: the same formula over the same
reference tables (TDP x utilisation 1.0, the default PUE, the preferred grid intensity for zone
and year, embodied kgCO2e over 4 years), written by hand as one query with no name resolution,
no checks and no provenance. Run as a whole process, like the CLI it is compared with:

    python -m benchmarks.hand_written WAREHOUSE_DB JOBS.parquet OUT.parquet
"""

from __future__ import annotations

import sys

import duckdb

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


def run(database: str, jobs: str, out: str) -> int:
    with duckdb.connect(database, read_only=True) as con:
        return con.execute(HAND_WRITTEN_SQL.format(jobs=jobs, out=out)).fetchall()[0][0]


if __name__ == "__main__":
    print(run(*sys.argv[1:4]))
