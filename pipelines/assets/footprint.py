"""Footprint tables: reference data, published training runs, and the runs recomputed.

* `datacenter_pue`, `equivalences`: one staging asset per source and the published table.
* `ai_training_runs`: staged per source (Llama model cards, curated papers); the published
  asset also resolves each run's hardware name to a canonical accelerator with
  `pipelines.hardware.resolve_accelerator`, so it depends on the accelerator tables.
* `training_footprint_estimates`: every run recomputed by the warehouse's `footprint()` macro
  (warehouse/sql/30_footprint.sql) with the dataset's defaults, read over a read-only
  connection to the current warehouse, validated and published. Its dependencies are the
  published tables behind the macro, read from the SQL files' `-- requires:` lines.
"""

import re
import sys

import dagster as dg
import pandas as pd

from pipelines import footprint, hardware
from pipelines.warehouse import published_tables_behind
from pipelines.assets.checks import rows_per_source_check
from pipelines.assets.factory import published_code_version, staging_asset, staging_asset_key, table_assets
from pipelines.assets.table_metadata import published_metadata
from pipelines.code_version import code_version
from pipelines.errors import UnknownHardwareError
from pipelines.io import read_staging
from pipelines.resources import RawStore, WarehouseResource
from pipelines.sources import sources_for_table
from pipelines.validation import validate

GROUP = "footprint"
PUE = "datacenter_pue"
EQUIVALENCES = "equivalences"
RUNS = "ai_training_runs"
ESTIMATES = "training_footprint_estimates"
LLAMA_SOURCE = "llama_model_cards"
# Estimates further than this factor from the reported figure are listed by a warning check.
RATIO_WARNING_FACTOR = 3.0

_REQUIRES = re.compile(r"^--\s*requires:\s*(.+)$", re.MULTILINE)
# --- ai_training_runs: staged per source, published with canonical accelerator names --------------

def _runs_published_asset() -> dg.AssetsDefinition:
    sources = sources_for_table(RUNS)
    accelerator_tables = published_tables_behind("accelerator_specs_preferred")

    @dg.asset(name=RUNS, group_name=GROUP, kinds={"duckdb", "parquet"},
              deps=[*(staging_asset_key(RUNS, s.id) for s in sources), *map(dg.AssetKey, accelerator_tables)],
              code_version=code_version([published_code_version(RUNS), hardware, sys.modules[__name__]]),
              description=f"Published table `{RUNS}`: every source's runs, each hardware name resolved to a "
                          "canonical accelerator (see schemas/).")
    def _published(context: dg.AssetExecutionContext, raw_store: RawStore,
                   warehouse: WarehouseResource) -> dg.MaterializeResult:
        frames = [read_staging(warehouse.warehouse_dir, staging_asset_key(RUNS, s.id))
                  for s in sources if raw_store.has_snapshot(s)]
        runs = pd.concat(frames, ignore_index=True)
        with warehouse.store.connect() as con:
            resolved, unmatched = resolve_hardware_names(con, runs["hardware"].dropna().unique())
        runs["canonical_model"] = runs["hardware"].map(resolved)
        runs = validate(RUNS, runs)
        result = warehouse.publish(RUNS, runs)
        return dg.MaterializeResult(metadata={
            **result, **published_metadata(RUNS, runs), "unmatched_hardware": dg.MetadataValue.json(unmatched)})

    return _published


def resolve_hardware_names(con, names) -> tuple[dict[str, str], dict[str, str]]:
    """Canonical model per hardware name, and the reason for each name that matches none."""
    resolved, unmatched = {}, {}
    has_specs = con.execute("select count(*) from information_schema.tables "
                            "where table_name = 'accelerator_specs_preferred'").fetchall()[0][0]
    for name in names:
        if not has_specs:
            unmatched[name] = "the warehouse has no accelerator_specs_preferred"
            continue
        try:
            resolved[name] = hardware.resolve_accelerator(con, name).canonical_model
        except UnknownHardwareError as exc:
            unmatched[name] = str(exc)
    return resolved, unmatched


# --- training_footprint_estimates ----------------------------------------------------------------

# Each run as a footprint() job: its accelerator-hours as one device running that long (energy
# and embodied emissions depend only on count x hours), its zone (else the macro's default
# zone, the world average) and year; every other input left to the defaults.
ESTIMATES_SQL = """
create or replace temp table training_runs as
select row_number() over (order by source_id, model) as job_id, *,
       coalesce(gpu_hours, hardware_count * training_hours) as device_hours
from ai_training_runs;

create or replace temp view training_jobs as
select job_id, canonical_model, 1.0 as device_count, device_hours as hours, zone_id, year,
       null::double as pue, null::double as power_w, null::double as utilization, null::double as gco2e_per_kwh,
       null::double as lifetime_years, null::double as embodied_kgco2e_per_device
from training_runs
where device_hours is not null and canonical_model is not null;

select r.source_id, r.source_vintage, r.model, r.organization, r.year, r.hardware, r.canonical_model,
       r.device_hours, f.tdp_w, f.tdp_source_id, f.tdp_source_vintage,
       f.pue, f.pue_source_id, f.pue_source_vintage,
       coalesce(r.zone_id, footprint_default_zone()) as zone_id, r.zone_id is null as zone_is_assumed,
       f.gco2e_per_kwh, f.intensity_source_id, f.intensity_source_vintage, f.intensity_data_year,
       f.intensity_is_carried_forward,
       f.embodied_kgco2e_per_device, f.embodied_source_id, f.embodied_source_vintage,
       f.energy_kwh / 1000 as estimated_energy_mwh,
       f.operational_kgco2e / 1000 as estimated_operational_tco2e,
       f.embodied_kgco2e / 1000 as estimated_embodied_tco2e,
       r.reported_energy_mwh, r.reported_tco2e,
       estimated_energy_mwh / nullif(r.reported_energy_mwh, 0) as energy_ratio,
       estimated_operational_tco2e / nullif(r.reported_tco2e, 0) as tco2e_ratio,
       case when r.device_hours is null then 'no accelerator-hours reported (GPU-hours, or count and hours)'
            when r.hardware is null then 'no accelerator named'
            when r.canonical_model is null then 'accelerator ''' || r.hardware
                                                || ''' not matched in accelerator_specs_preferred'
            when f.power_w is null then 'no TDP for ' || r.canonical_model
            when f.gco2e_per_kwh is null then 'no grid intensity for ' || f.zone_id || ' in or before ' || f.year
       end as not_estimated_reason
from training_runs r
left join footprint('training_jobs') f using (job_id)
order by r.source_id, r.model
"""


@dg.asset(name=ESTIMATES, group_name=GROUP, kinds={"duckdb", "parquet"},
          deps=[dg.AssetKey(RUNS), *map(dg.AssetKey, published_tables_behind("footprint"))],
          code_version=code_version([published_code_version(ESTIMATES), footprint, sys.modules[__name__]]),
          description="Every training run recomputed with the dataset's defaults (TDP, default PUE, preferred "
                      "grid intensity, embodied emissions) next to the reported figures, with the ratios.")
def training_footprint_estimates(warehouse: WarehouseResource) -> dg.MaterializeResult:
    with footprint.connect(warehouse.store.root) as con:
        statements = [s for s in ESTIMATES_SQL.split(";") if s.strip()]
        for statement in statements[:-1]:
            con.execute(statement)
        frame = con.execute(statements[-1]).fetchdf()
    frame = validate(ESTIMATES, frame)
    result = warehouse.publish(ESTIMATES, frame)
    estimated = frame["estimated_energy_mwh"].notna()
    return dg.MaterializeResult(metadata={
        **result, **published_metadata(ESTIMATES, frame), "runs_estimated": int(estimated.sum()), "runs_not_estimated": int((~estimated).sum()),
        "median_tco2e_ratio": float(frame["tco2e_ratio"].median()) if frame["tco2e_ratio"].notna().any() else None})


# --- checks ----------------------------------------------------------------------------------------

def _json(rows) -> dg.MetadataValue:
    return dg.MetadataValue.json([[None if pd.isna(v) else str(v) for v in row] for row in rows])


@dg.asset_check(asset=RUNS, description="Every run's hardware name resolves to a canonical accelerator (a warning: "
                                        "an unmatched run gets no estimate).")
def training_runs_hardware_resolves(warehouse: WarehouseResource) -> dg.AssetCheckResult:
    with warehouse.store.connect() as con:
        rows = con.execute(f"""select distinct hardware from {RUNS}
                               where hardware is not null and canonical_model is null order by 1""").fetchall()
    return dg.AssetCheckResult(passed=not rows, severity=dg.AssetCheckSeverity.WARN,
                               metadata={"unmatched_hardware": _json(rows)})


@dg.asset_check(asset=ESTIMATES, description="Every Llama model-card run with reported emissions has an estimate "
                                             "and a ratio estimate / reported.")
def llama_runs_have_ratios(warehouse: WarehouseResource) -> dg.AssetCheckResult:
    with warehouse.store.connect() as con:
        rows = con.execute(f"""select model, not_estimated_reason from {ESTIMATES}
                               where source_id = ? and reported_tco2e > 0 and tco2e_ratio is null""",
                           [LLAMA_SOURCE]).fetchall()
        (count,) = con.execute(f"select count(*) from {ESTIMATES} where source_id = ? and tco2e_ratio is not null",
                               [LLAMA_SOURCE]).fetchall()[0]
    return dg.AssetCheckResult(passed=not rows and count > 0,
                               metadata={"llama_runs_with_ratio": count, "without_ratio": _json(rows)})


@dg.asset_check(asset=ESTIMATES,
                description=f"Runs whose estimate is more than {RATIO_WARNING_FACTOR:g}x off the reported emissions "
                            "(a warning to read: reported figures use their own PUE, grid factor and power).")
def estimates_near_reported(warehouse: WarehouseResource) -> dg.AssetCheckResult:
    with warehouse.store.connect() as con:
        rows = con.execute(f"""select model, round(tco2e_ratio, 2), reported_tco2e,
                                      round(estimated_operational_tco2e, 1) from {ESTIMATES}
                               where tco2e_ratio > ? or tco2e_ratio < ? order by tco2e_ratio desc""",
                           [RATIO_WARNING_FACTOR, 1 / RATIO_WARNING_FACTOR]).fetchall()
    return dg.AssetCheckResult(passed=not rows, severity=dg.AssetCheckSeverity.WARN,
                               metadata={"model_ratio_reported_estimated": _json(rows)})


@dg.asset_check(asset=ESTIMATES, description="The calculation defaults resolve: one default PUE row, a grid "
                                             "intensity for the default zone, every equivalence key present with "
                                             "a convertible unit.")
def footprint_defaults_resolve(warehouse: WarehouseResource) -> dg.AssetCheckResult:
    with warehouse.store.connect() as con:
        pue = con.execute("select source_id, entity, year, pue from datacenter_pue_default").fetchall()
        (zone_years,) = con.execute("""select count(*) from grid_carbon_intensity_preferred
                                       where zone_id = footprint_default_zone()""").fetchall()[0]
        broken = con.execute("""select c.key from footprint_equivalence_choices c
                                left join footprint_equivalences(1, 1) e using (key)
                                where e.amount is null order by c.display_order""").fetchall()
    return dg.AssetCheckResult(passed=len(pue) == 1 and zone_years > 0 and not broken,
                               metadata={"default_pue": _json(pue), "default_zone_years": zone_years,
                                         "equivalences_missing_or_unconvertible": _json(broken)})


assets = [
    *table_assets(PUE, group=GROUP),
    *table_assets(EQUIVALENCES, group=GROUP),
    *(staging_asset(RUNS, source, GROUP) for source in sources_for_table(RUNS)),
    _runs_published_asset(),
    training_footprint_estimates,
]
checks = [rows_per_source_check(PUE), training_runs_hardware_resolves, llama_runs_have_ratios, estimates_near_reported,
          footprint_defaults_resolve]
