-- requires: inference_energy_measurements, inference_overhead_factors, grid_carbon_intensity_preferred, datacenter_pue_default, accelerator_embodied_preferred, footprint_default_lifetime_years, footprint_default_zone, footprint_embodied_kgco2e, footprint_hours_per_year, footprint_operational_kgco2e
-- Inference footprints from measured configurations. pipelines/inference.py resolves a loose
-- model name (or a parameter count) and the hardware to the `model` and `hardware` of measured
-- rows; everything after that is here:
--
--   configurations  measured GPU-only rows of that model, task and hardware (any hardware when
--                   none is given) with the FEWEST GPUs measured: the smallest deployment that
--                   serves the model, so a larger tensor-parallel run does not widen the range
--   batch           given: the configuration whose batch limit (max_batch_size) is closest on a
--                   log scale (ties: the smaller batch), and low = central = high;
--                   not given: low / central / high = min / median / max over the measured batches
--   gpu energy      tokens x J per output token / 3600 (when tokens are given), else requests x
--                   Wh per request
--   server energy   gpu energy x inference_overhead_factors 'gpu_to_server' (low/central/high)
--   energy_kwh      server energy x PUE (given, else datacenter_pue_default)
--   operational     energy_kwh x gCO2e/kWh / 1000 (given, else grid_carbon_intensity_preferred
--                   for the zone and year, nearest earlier year; no zone = world)
--   embodied        device-hours x embodied kgCO2e per device / (lifetime years x 8760), where
--                   device-hours = GPUs x (gpu energy / the run's average power of all its GPUs);
--                   empty where the measurement has no power (AI Energy Score) or the device no
--                   embodied figure

create or replace macro inference_batch_distance(batch, max_batch_size) as
    abs(ln(greatest(batch, 1)) - ln(greatest(max_batch_size, 1)));

-- inference_footprint('<relation>'): one row per job; the relation has the columns
--   job_id, model, task, hardware, batch, requests, tokens, zone_id, year, pue, gco2e_per_kwh,
--   lifetime_years, embodied_kgco2e_per_device (NULL = default; requests or tokens required),
--   embodied_canonical_model (the accelerator_specs name of the hardware, for the embodied default)
create or replace macro inference_footprint(jobs) as table
with job as (select * from query_table(jobs)),
candidates as (
    select job.job_id, m.*
    from job join inference_energy_measurements m
      on m.model = job.model and m.task = job.task and m.measurement_scope = 'gpu_only'
     and (job.hardware is null or m.hardware = job.hardware)
     and (m.energy_wh_per_request is not null or m.energy_j_per_token is not null)
),
fewest as (
    select c.* from candidates c
    where c.gpu_count = (select min(gpu_count) from candidates c2 where c2.job_id = c.job_id)
       or c.gpu_count is null
),
-- Energy per unit of the job (per token when tokens are given, else per request), per configuration.
per_unit as (
    select f.job_id, f.measurement_id, f.source_id, f.source_vintage, f.hardware, f.gpu_count, f.max_batch_size,
           f.avg_power_w, job.batch,
           case when job.tokens is not null then f.energy_j_per_token / 3600.0 else f.energy_wh_per_request end
               as wh_per_unit,
           case when job.tokens is not null then job.tokens else job.requests end as units,
           row_number() over (partition by f.job_id
                              order by inference_batch_distance(job.batch, f.max_batch_size), f.max_batch_size,
                                       f.measurement_id) as closeness_rank
    from fewest f join job using (job_id)
),
usable as (select * from per_unit where wh_per_unit is not null),
chosen as (
    select * from usable where batch is null or closeness_rank = 1
),
ranged as (
    select job_id,
           count(*) as configurations_compared,
           string_agg(distinct source_id, ', ') as measurement_source_id,
           max(source_vintage) as measurement_source_vintage,
           string_agg(distinct hardware, ', ') as measured_hardware,
           min(gpu_count) as gpu_count,
           min(max_batch_size) as batch_low, max(max_batch_size) as batch_high,
           min(wh_per_unit) as gpu_wh_per_unit_low,
           quantile_cont(wh_per_unit, 0.5) as gpu_wh_per_unit_central,
           max(wh_per_unit) as gpu_wh_per_unit_high,
           arg_min(measurement_id, wh_per_unit) as measurement_id_low,
           arg_max(measurement_id, wh_per_unit) as measurement_id_high,
           -- device-seconds per Wh of GPU energy: GPUs x 3600 / average power of all of them
           avg(gpu_count * 3600.0 / avg_power_w) as device_seconds_per_gpu_wh,
           any_value(units) as units
    from chosen group by job_id
),
factor as (select * from inference_overhead_factors where factor_id = 'gpu_to_server'
           order by source_id limit 1),
zone_latest_year as (
    select zone_id, max(year) as latest_year from grid_carbon_intensity_preferred group by zone_id
),
placed as (
    select job.*, coalesce(job.zone_id, footprint_default_zone()) as placed_zone_id,
           coalesce(job.year, z.latest_year) as placed_year
    from job left join zone_latest_year z on z.zone_id = coalesce(job.zone_id, footprint_default_zone())
),
gathered as (
    select p.job_id, p.model, p.task, p.hardware as given_hardware, p.batch, p.requests, p.tokens,
           p.placed_zone_id as zone_id, p.placed_year as year, p.zone_id is null as zone_is_default,
           r.* exclude (job_id),
           f.factor_low, f.factor_central, f.factor_high, f.source_id as factor_source_id,
           f.source_vintage as factor_source_vintage,
           coalesce(p.pue, d.pue) as pue, p.pue is null as pue_is_default,
           case when p.pue is null then d.entity || ', ' || d.year end as pue_source,
           case when p.pue is null then d.source_id end as pue_source_id,
           case when p.pue is null then d.source_vintage end as pue_source_vintage,
           coalesce(p.gco2e_per_kwh, g.gco2e_per_kwh) as gco2e_per_kwh, p.gco2e_per_kwh is null as intensity_is_default,
           case when p.gco2e_per_kwh is null then g.basis end as intensity_basis,
           case when p.gco2e_per_kwh is null then g.source_id end as intensity_source_id,
           case when p.gco2e_per_kwh is null then g.source_vintage end as intensity_source_vintage,
           case when p.gco2e_per_kwh is null then g.data_year end as intensity_data_year,
           coalesce(p.lifetime_years, footprint_default_lifetime_years()) as lifetime_years,
           coalesce(p.embodied_kgco2e_per_device, e.kgco2e_per_device) as embodied_kgco2e_per_device,
           case when p.embodied_kgco2e_per_device is null then e.source_id end as embodied_source_id,
           case when p.embodied_kgco2e_per_device is null then e.source_vintage end as embodied_source_vintage
    from placed p
    left join ranged r using (job_id)
    left join factor f on true
    left join datacenter_pue_default d on true
    asof left join grid_carbon_intensity_preferred g on g.zone_id = p.placed_zone_id and p.placed_year >= g.year
    left join accelerator_embodied_preferred e on e.canonical_model = p.embodied_canonical_model
)
select *,
       units * gpu_wh_per_unit_low / 1000.0 as gpu_energy_kwh_low,
       units * gpu_wh_per_unit_central / 1000.0 as gpu_energy_kwh_central,
       units * gpu_wh_per_unit_high / 1000.0 as gpu_energy_kwh_high,
       gpu_energy_kwh_low * factor_low as server_energy_kwh_low,
       gpu_energy_kwh_central * factor_central as server_energy_kwh_central,
       gpu_energy_kwh_high * factor_high as server_energy_kwh_high,
       server_energy_kwh_low * pue as energy_kwh_low,
       server_energy_kwh_central * pue as energy_kwh_central,
       server_energy_kwh_high * pue as energy_kwh_high,
       footprint_operational_kgco2e(energy_kwh_low, gco2e_per_kwh) as operational_kgco2e_low,
       footprint_operational_kgco2e(energy_kwh_central, gco2e_per_kwh) as operational_kgco2e_central,
       footprint_operational_kgco2e(energy_kwh_high, gco2e_per_kwh) as operational_kgco2e_high,
       gpu_energy_kwh_low * 1000.0 * device_seconds_per_gpu_wh / 3600.0 as device_hours_low,
       gpu_energy_kwh_central * 1000.0 * device_seconds_per_gpu_wh / 3600.0 as device_hours_central,
       gpu_energy_kwh_high * 1000.0 * device_seconds_per_gpu_wh / 3600.0 as device_hours_high,
       footprint_embodied_kgco2e(1, embodied_kgco2e_per_device, device_hours_low,
                                 lifetime_years * footprint_hours_per_year()) as embodied_kgco2e_low,
       footprint_embodied_kgco2e(1, embodied_kgco2e_per_device, device_hours_central,
                                 lifetime_years * footprint_hours_per_year()) as embodied_kgco2e_central,
       footprint_embodied_kgco2e(1, embodied_kgco2e_per_device, device_hours_high,
                                 lifetime_years * footprint_hours_per_year()) as embodied_kgco2e_high,
       operational_kgco2e_low + coalesce(embodied_kgco2e_low, 0) as total_kgco2e_low,
       operational_kgco2e_central + coalesce(embodied_kgco2e_central, 0) as total_kgco2e_central,
       operational_kgco2e_high + coalesce(embodied_kgco2e_high, 0) as total_kgco2e_high,
       case when requests is not null then energy_kwh_central * 1000.0 / requests end as energy_wh_per_request_central,
       case when tokens is not null then energy_kwh_central * 1000.0 / tokens * 1000 end
           as energy_wh_per_1000_tokens_central,
       case when requests is not null then total_kgco2e_central * 1000.0 / requests end as gco2e_per_request_central
from gathered;

-- Why an inference job cannot be computed (empty = every job computes).
create or replace macro inference_problems(jobs) as table
select job_id, problem from (
    select j.job_id, unnest([
        case when j.requests is null and j.tokens is null then 'give requests or tokens' end,
        case when j.requests is not null and j.tokens is not null then 'give requests or tokens, not both' end,
        case when j.requests <= 0 then 'requests must be > 0, got ' || printf('%g', j.requests) end,
        case when j.tokens <= 0 then 'tokens must be > 0, got ' || printf('%g', j.tokens) end,
        case when j.batch < 1 then 'batch must be >= 1, got ' || printf('%g', j.batch) end,
        case when j.pue < 1 then 'pue must be >= 1, got ' || printf('%g', j.pue) end,
        case when j.gco2e_per_kwh < 0 then 'intensity must be >= 0, got ' || printf('%g', j.gco2e_per_kwh) end,
        case when f.configurations_compared is null then
            'no GPU-only measurement of ' || j.model || ' for task ' || j.task
            || coalesce(' on ' || j.hardware, '')
            || case when j.tokens is not null then ' with energy per token (give requests instead)' else '' end end,
        case when f.configurations_compared is not null and f.gco2e_per_kwh is null
             then 'no grid intensity for zone ' || f.zone_id || '; give intensity' end,
        case when f.configurations_compared is not null and f.pue is null then 'no default PUE; give pue' end
    ]) as problem
    from query_table(jobs) j left join inference_footprint(jobs) f using (job_id)
) where problem is not null;
