"""Footprint tables: reference data, published training runs, and the runs recomputed.

* `datacenter_pue`, `equivalences`: one staging asset per source and the published table.
* `ai_training_runs`: staged per source (Llama model cards, curated papers); the published
  asset also resolves each run's hardware name to a canonical accelerator with
  `pipelines.hardware.resolve_accelerator`, so it depends on the accelerator tables.
* `training_footprint_estimates`: every run recomputed by the warehouse's `footprint()` macro
  (warehouse/sql/30_footprint.sql) with the dataset's defaults, read over a read-only
  connection to the current warehouse, validated and published. Its dependencies are the
  SQL assets creating the macro and views it queries (pipelines/assets/warehouse_sql.py).
"""

import sys

import dagster as dg
import pandas as pd

import schemas
from pipelines import footprint, hardware, training_runs
from pipelines.assets.checks import rows_per_source_check
from pipelines.assets.factory import (
    present_staging_frames,
    published_code_version,
    staging_asset,
    staging_inputs,
    table_assets,
)
from pipelines.assets.table_metadata import published_metadata
from pipelines.assets.warehouse_sql import sql_asset_keys
from pipelines.code_version import code_version
from pipelines.errors import UnknownHardwareError
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

# --- ai_training_runs: staged per source, published with canonical accelerator names --------------


def _runs_published_asset() -> dg.AssetsDefinition:
    @dg.asset(
        name=RUNS,
        group_name=GROUP,
        kinds={"duckdb", "parquet"},
        ins=staging_inputs(RUNS),
        deps=sql_asset_keys("accelerator_specs_preferred"),
        code_version=code_version([published_code_version(RUNS), hardware, training_runs, sys.modules[__name__]]),
        description=f"Published table `{RUNS}`: every source's runs, each hardware name resolved to a "
        "canonical accelerator (see schemas/).",
    )
    def _published(
        context: dg.AssetExecutionContext,
        raw_store: RawStore,
        warehouse: WarehouseResource,
        **staging: pd.DataFrame | None,
    ) -> dg.MaterializeResult:
        runs = pd.concat(present_staging_frames(RUNS, staging, raw_store), ignore_index=True)
        # Columns only some sources give are absent when none of those sources is in the snapshot.
        runs = runs.reindex(columns=list(dict.fromkeys([*runs.columns, *schemas.table(RUNS).columns])))
        with warehouse.store.connect() as con:
            resolved, unmatched = resolve_hardware_names(con, runs["hardware"].dropna().unique())
        runs["canonical_model"] = runs["hardware"].map(resolved)
        runs["run_key"] = runs["model"].map(training_runs.run_key)
        runs = validate(RUNS, runs)
        result = warehouse.publish(RUNS, runs)
        return dg.MaterializeResult(
            metadata={
                **result,
                **published_metadata(RUNS, runs),
                "unmatched_hardware": dg.MetadataValue.json(unmatched),
            }
        )

    return _published


def resolve_hardware_names(con, names) -> tuple[dict[str, str], dict[str, str]]:
    """Canonical model per hardware name, and the reason for each name that matches none."""
    resolved, unmatched = {}, {}
    has_specs = con.execute(
        "select count(*) from information_schema.tables where table_name = 'accelerator_specs_preferred'"
    ).fetchall()[0][0]
    for name in names:
        if "," in name:
            # Several accelerator types ("NVIDIA V100,NVIDIA A100"): which ran how long is not
            # stated, and hardware is never imputed.
            unmatched[name] = "names several accelerator types"
            continue
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
# zone, the world average) and year; every other input left to the defaults. Runs known only
# by Epoch's modelled cluster power run as one "device" of that power for the training time,
# with PUE 1 (the power already includes the overhead). The method rule and the utilisation
# range are in schemas/footprint.py (training_footprint_estimates); the range is the quartiles
# of the MFUs Epoch reports across runs, so it moves with the data and names its count.
ESTIMATES_SQL = """
create or replace temp table training_runs as
with utilization as (
    select quantile_cont(hardware_utilization_fraction, 0.25) as mfu_low,
           median(hardware_utilization_fraction) as mfu_central,
           quantile_cont(hardware_utilization_fraction, 0.75) as mfu_high,
           count(hardware_utilization_fraction) as mfu_runs
    from ai_training_runs
),
-- Utilisation (MFU) is measured against the dense peak: Epoch's tensor FP16/BF16 figure is dense,
-- where ML CO2 Impact's H100 1,979 TFLOP/s (the preferred value) is with sparsity, so Epoch's
-- peak comes first, then the preferred 16-bit, then 32-bit figure.
dense_peak as (
    select canonical_model, max(peak_tflops_fp16) as epoch_peak_tflops
    from accelerator_specs where source_id = 'epoch_ml_hardware' group by canonical_model
),
runs as (
    select r.*, coalesce(r.gpu_hours, r.hardware_count * r.training_hours) as reported_device_hours,
           coalesce(d.epoch_peak_tflops, s.peak_tflops_fp16, s.peak_tflops_fp32) as spec_peak_tflops,
           s.tdp_w as spec_tdp_w
    from ai_training_runs r
    left join accelerator_specs_preferred s using (canonical_model)
    left join dense_peak d using (canonical_model)
),
methods as (
    select runs.*, u.*,
           case when reported_device_hours is not null and canonical_model is not null and spec_tdp_w is not null
                     then 'reported_hardware_hours'
                when training_compute_flop is not null and canonical_model is not null and spec_tdp_w is not null
                     and spec_peak_tflops is not null then 'training_compute'
                when cluster_power_draw_w is not null and training_hours is not null then 'source_power_draw'
           end as method
    from runs cross join utilization u
),
ranged as (
    select *,
           case when method = 'training_compute' then coalesce(hardware_utilization_fraction, mfu_low) end as u_low,
           case when method = 'training_compute' then coalesce(hardware_utilization_fraction, mfu_central) end
               as u_central,
           case when method = 'training_compute' then coalesce(hardware_utilization_fraction, mfu_high) end as u_high
    from methods
)
select row_number() over (order by source_id, model) as job_id, *,
       case when method = 'training_compute' then training_compute_flop / (spec_peak_tflops * 1e12 * u_high) / 3600
            else reported_device_hours end as device_hours_low,
       case when method = 'training_compute' then training_compute_flop / (spec_peak_tflops * 1e12 * u_central) / 3600
            else reported_device_hours end as device_hours_central,
       case when method = 'training_compute' then training_compute_flop / (spec_peak_tflops * 1e12 * u_low) / 3600
            else reported_device_hours end as device_hours_high,
       case when method <> 'training_compute' then null
            when hardware_utilization_fraction is not null then 'the run''s reported MFU (Epoch AI)'
            else 'quartiles of the MFU Epoch AI reports for ' || mfu_runs || ' runs (low 25 %, central median, '
                 || 'high 75 %)' end as utilization_basis
from ranged;

create or replace temp view training_jobs as
select job_id, canonical_model, 1.0 as device_count,
       case when method = 'source_power_draw' then training_hours else device_hours_central end as hours,
       zone_id, year,
       case when method = 'source_power_draw' then 1.0 end as pue,
       case when method = 'source_power_draw' then cluster_power_draw_w end as power_w,
       null::double as utilization, null::double as gco2e_per_kwh,
       null::double as lifetime_years, null::double as embodied_kgco2e_per_device
from training_runs
where method is not null;

select r.source_id, r.source_vintage, r.model, r.organization, r.year, r.run_key, r.hardware, r.canonical_model,
       r.method, r.device_hours_low, r.device_hours_central, r.device_hours_high, r.training_compute_flop,
       case when r.method = 'training_compute' then r.spec_peak_tflops end as peak_tflops,
       r.u_low as utilization_fraction_low, r.u_central as utilization_fraction_central,
       r.u_high as utilization_fraction_high, r.utilization_basis,
       case when r.method <> 'source_power_draw' then f.tdp_w end as tdp_w,
       case when r.method <> 'source_power_draw' then f.tdp_source_id end as tdp_source_id,
       case when r.method <> 'source_power_draw' then f.tdp_source_vintage end as tdp_source_vintage,
       f.pue, f.pue_source_id, f.pue_source_vintage,
       coalesce(r.zone_id, footprint_default_zone()) as zone_id, r.zone_id is null as is_zone_assumed,
       f.gco2e_per_kwh, f.intensity_source_id, f.intensity_source_vintage, f.intensity_data_year,
       f.intensity_is_carried_forward,
       case when r.method <> 'source_power_draw' then f.embodied_kgco2e_per_device end as embodied_kgco2e_per_device,
       case when r.method <> 'source_power_draw' then f.embodied_source_id end as embodied_source_id,
       case when r.method <> 'source_power_draw' then f.embodied_source_vintage end as embodied_source_vintage,
       coalesce(r.device_hours_low / r.device_hours_central, 1) as scale_low,
       coalesce(r.device_hours_high / r.device_hours_central, 1) as scale_high,
       f.energy_kwh / 1000 * scale_low as estimated_energy_mwh_low,
       f.energy_kwh / 1000 as estimated_energy_mwh_central,
       f.energy_kwh / 1000 * scale_high as estimated_energy_mwh_high,
       f.operational_kgco2e / 1000 * scale_low as estimated_operational_tco2e_low,
       f.operational_kgco2e / 1000 as estimated_operational_tco2e_central,
       f.operational_kgco2e / 1000 * scale_high as estimated_operational_tco2e_high,
       case when r.method <> 'source_power_draw' then f.embodied_kgco2e / 1000 * scale_low end
           as estimated_embodied_tco2e_low,
       case when r.method <> 'source_power_draw' then f.embodied_kgco2e / 1000 end as estimated_embodied_tco2e_central,
       case when r.method <> 'source_power_draw' then f.embodied_kgco2e / 1000 * scale_high end
           as estimated_embodied_tco2e_high,
       r.cluster_power_draw_w * r.training_hours / 1e6 as source_power_draw_energy_mwh,
       r.reported_energy_mwh, r.reported_tco2e,
       estimated_energy_mwh_central / nullif(r.reported_energy_mwh, 0) as energy_ratio,
       estimated_operational_tco2e_central / nullif(r.reported_tco2e, 0) as tco2e_ratio,
       case when r.method is null then
                case when r.reported_device_hours is null and r.training_compute_flop is null
                          then 'no accelerator-hours reported (GPU-hours, or count and hours) and no training compute'
                     when r.hardware is null then 'no accelerator named'
                     when r.hardware like '%,%' then 'several accelerator types named (' || r.hardware
                                                     || '): hardware is never imputed'
                     when r.canonical_model is null then 'accelerator ''' || r.hardware
                                                         || ''' not matched in accelerator_specs_preferred'
                     when r.spec_tdp_w is null then 'no TDP for ' || r.canonical_model
                     else 'no peak FLOP/s for ' || r.canonical_model
                end
            when f.energy_kwh is null then 'no TDP for ' || coalesce(r.canonical_model, 'the accelerator')
            when f.gco2e_per_kwh is null then 'no grid intensity for ' || f.zone_id || ' in or before ' || f.year
       end as not_estimated_reason
from training_runs r
left join footprint('training_jobs') f using (job_id)
order by r.source_id, r.model
"""


@dg.asset(
    name=ESTIMATES,
    group_name=GROUP,
    kinds={"duckdb", "parquet"},
    deps=[
        dg.AssetKey(RUNS),
        dg.AssetKey("accelerator_specs"),
        *sql_asset_keys("accelerator_specs_preferred", "footprint", "footprint_default_zone"),
    ],
    code_version=code_version([published_code_version(ESTIMATES), footprint, sys.modules[__name__]]),
    description="Every training run recomputed with the dataset's defaults (TDP, default PUE, preferred "
    "grid intensity, embodied emissions) next to the reported figures, with the ratios.",
)
def training_footprint_estimates(warehouse: WarehouseResource) -> dg.MaterializeResult:
    with footprint.connect(warehouse.store.root) as con:
        statements = [s for s in ESTIMATES_SQL.split(";") if s.strip()]
        for statement in statements[:-1]:
            con.execute(statement)
        frame = con.execute(statements[-1]).fetchdf()
    frame = validate(ESTIMATES, frame.drop(columns=["scale_low", "scale_high"]))
    result = warehouse.publish(ESTIMATES, frame)
    estimated = frame["estimated_energy_mwh_central"].notna()
    return dg.MaterializeResult(
        metadata={
            **result,
            **published_metadata(ESTIMATES, frame),
            "runs_estimated": int(estimated.sum()),
            "runs_not_estimated": int((~estimated).sum()),
            "runs_per_method": dg.MetadataValue.json(frame["method"].value_counts().to_dict()),
            "median_tco2e_ratio": float(frame["tco2e_ratio"].median()) if frame["tco2e_ratio"].notna().any() else None,
        }
    )


# --- checks ----------------------------------------------------------------------------------------


def _json(rows) -> dg.MetadataValue:
    return dg.MetadataValue.json([[None if pd.isna(v) else str(v) for v in row] for row in rows])


@dg.asset_check(
    asset=RUNS,
    description="Every run's hardware name resolves to a canonical accelerator (a warning: "
    "an unmatched run gets no estimate).",
)
def training_runs_hardware_resolves(warehouse: WarehouseResource) -> dg.AssetCheckResult:
    with warehouse.store.connect() as con:
        rows = con.execute(f"""select distinct hardware from {RUNS}
                               where hardware is not null and canonical_model is null order by 1""").fetchall()
    return dg.AssetCheckResult(
        passed=not rows, severity=dg.AssetCheckSeverity.WARN, metadata={"unmatched_hardware": _json(rows)}
    )


@dg.asset_check(
    asset=ESTIMATES,
    description="Every Llama model-card run with reported emissions has an estimate and a ratio estimate / reported.",
)
def llama_runs_have_ratios(warehouse: WarehouseResource) -> dg.AssetCheckResult:
    with warehouse.store.connect() as con:
        rows = con.execute(
            f"""select model, not_estimated_reason from {ESTIMATES}
                               where source_id = ? and reported_tco2e > 0 and tco2e_ratio is null""",
            [LLAMA_SOURCE],
        ).fetchall()
        (count,) = con.execute(
            f"select count(*) from {ESTIMATES} where source_id = ? and tco2e_ratio is not null", [LLAMA_SOURCE]
        ).fetchall()[0]
    return dg.AssetCheckResult(
        passed=not rows and count > 0, metadata={"llama_runs_with_ratio": count, "without_ratio": _json(rows)}
    )


@dg.asset_check(
    asset=ESTIMATES,
    description=f"Runs whose estimate is more than {RATIO_WARNING_FACTOR:g}x off the reported emissions "
    "(a warning to read: reported figures use their own PUE, grid factor and power).",
)
def estimates_near_reported(warehouse: WarehouseResource) -> dg.AssetCheckResult:
    with warehouse.store.connect() as con:
        rows = con.execute(
            f"""select model, round(tco2e_ratio, 2), reported_tco2e,
                                      round(estimated_operational_tco2e_central, 1) from {ESTIMATES}
                               where tco2e_ratio > ? or tco2e_ratio < ? order by tco2e_ratio desc""",
            [RATIO_WARNING_FACTOR, 1 / RATIO_WARNING_FACTOR],
        ).fetchall()
    return dg.AssetCheckResult(
        passed=not rows, severity=dg.AssetCheckSeverity.WARN, metadata={"model_ratio_reported_estimated": _json(rows)}
    )


@dg.asset_check(
    asset=ESTIMATES,
    description="The calculation defaults resolve: one default PUE row, a grid "
    "intensity for the default zone, every equivalence key present with "
    "a convertible unit.",
)
def footprint_defaults_resolve(warehouse: WarehouseResource) -> dg.AssetCheckResult:
    with warehouse.store.connect() as con:
        pue = con.execute("select source_id, entity, year, pue from datacenter_pue_default").fetchall()
        (zone_years,) = con.execute("""select count(*) from grid_carbon_intensity_preferred
                                       where zone_id = footprint_default_zone()""").fetchall()[0]
        broken = con.execute("""select c.key from footprint_equivalence_choices c
                                left join footprint_equivalences(1, 1) e using (key)
                                where e.amount is null order by c.display_order""").fetchall()
    return dg.AssetCheckResult(
        passed=len(pue) == 1 and zone_years > 0 and not broken,
        metadata={
            "default_pue": _json(pue),
            "default_zone_years": zone_years,
            "equivalences_missing_or_unconvertible": _json(broken),
        },
    )


assets = [
    *table_assets(PUE, group=GROUP),
    *table_assets(EQUIVALENCES, group=GROUP),
    *(staging_asset(RUNS, source, GROUP) for source in sources_for_table(RUNS)),
    _runs_published_asset(),
    training_footprint_estimates,
]
# Runs every build must match across sources (the issue names them): a model card or paper row
# and Epoch's row of the same run.
NAMED_CROSS_SOURCE_RUNS = ("llama31405b", "bloom176b", "gpt3175b")


@dg.asset_check(
    asset=RUNS,
    additional_deps=sql_asset_keys("training_run_disagreements"),
    description="The named runs Llama 3.1 405B, BLOOM-176B and GPT-3 175B are each matched "
    "across sources (same run_key in two sources), and every matched pair whose "
    "sources disagree on hardware, count, hours, accelerator-hours or year is "
    "listed (view training_run_disagreements; both rows stay).",
)
def training_run_disagreements_listed(raw_store: RawStore, warehouse: WarehouseResource) -> dg.AssetCheckResult:
    with warehouse.store.connect() as con:
        matched = {row[0] for row in con.execute("select distinct run_key from training_run_disagreements").fetchall()}
        rows = con.execute("""select run_key, source_id_a, model_a, source_id_b, model_b, differing_fields,
                                     hardware_a, hardware_b, device_hours_a, device_hours_b
                              from training_run_disagreements where differing_fields is not null""").fetchall()
        (sources,) = con.execute(f"select count(distinct source_id) from {RUNS}").fetchone()
    unmatched = [key for key in NAMED_CROSS_SOURCE_RUNS if key not in matched]
    return dg.AssetCheckResult(
        passed=not unmatched or sources < 2,
        metadata={
            "matched_runs": len(matched),
            "named_runs_unmatched": _json([unmatched]),
            "disagreements": _json(rows),
        },
    )


checks = [
    rows_per_source_check(PUE),
    training_run_disagreements_listed,
    training_runs_hardware_resolves,
    llama_runs_have_ratios,
    estimates_near_reported,
    footprint_defaults_resolve,
]
