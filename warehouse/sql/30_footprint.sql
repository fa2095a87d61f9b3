-- requires: grid_carbon_intensity_preferred, accelerator_specs, accelerator_specs_preferred, accelerator_embodied_preferred, datacenter_pue, equivalences, calculation_default
-- Footprint calculations (DESIGN.md, "Footprint calculations"). The Python API
-- (pipelines/footprint.py), `aifootprint estimate` (one job or a file of jobs) and the table
-- training_footprint_estimates all call `footprint(...)` below, so the arithmetic and the
-- defaults live here and nowhere else:
--
--   energy_kwh         = device_count x power_w x hours x pue / 1000
--                        power_w = given, else tdp_w of the accelerator x utilization (default 1.0)
--   operational_kgco2e = energy_kwh x gco2e_per_kwh / 1000
--                        gco2e_per_kwh = given, else grid_carbon_intensity_preferred for (zone, year);
--                        a year the zone has no row for takes the nearest earlier year, flagged
--   embodied_kgco2e    = device_count x embodied kgCO2e per device x hours / lifetime_hours
--                        lifetime_hours = lifetime_years (default 4) x 8760
--
-- Measured energy (a tracker's log, e.g. CodeCarbon's energy_consumed; pipelines/job_formats/):
-- a job with measured_energy_kwh takes it in place of count x power x hours x PUE. The rule
-- for PUE: a tracker_pue of 1 or none means the measurement is IT energy, so our PUE (given,
-- else the default) multiplies it; a tracker_pue other than 1 means the tracker has already
-- multiplied it in (CodeCarbon does), so no PUE is applied again and `pue` reports the
-- tracker's. Such a job needs no TDP, and no accelerator (count may be empty: no embodied
-- emissions then). tracker_kgco2e, the tracker's own figure, is compared in
-- operational_to_tracker_ratio.
--
-- Every input can be given; a given value always wins over the default, and each result row
-- says which inputs were defaulted and from which source and vintage.

-- Defaults that are assumptions rather than data (the data-backed ones are joined below), cited
-- in calculation_defaults: utilization 1.0 (TDP is the most a device draws, so TDP-based energy
-- is an upper bound) and a four-year accelerator life (the 3-5 year range in use, as the fleet).
create or replace macro footprint_default_utilization() as calculation_default('utilization', 'estimate');
create or replace macro footprint_default_lifetime_years() as calculation_default('lifetime_years', 'estimate');
create or replace macro footprint_hours_per_year() as 8760.0;
-- The world average when no zone is named: no country is a better guess than any other.
create or replace macro footprint_default_zone() as 'WLD';

-- The default PUE: the latest Uptime Institute global survey average (industry scope), the
-- longest-running industry series and Green Algorithms' own default. Within a year the
-- recorded Green Algorithms file, which cites the survey report itself, beats curated rows.
create or replace view datacenter_pue_default as
select * from datacenter_pue
where scope = 'industry' and entity ilike '%uptime institute%'
order by year desc, source_id = 'green_algorithms' desc, source_id
limit 1;

create or replace macro footprint_energy_kwh(device_count, power_w, hours, pue) as
    device_count * power_w * hours * pue / 1000.0;

create or replace macro footprint_operational_kgco2e(energy_kwh, gco2e_per_kwh) as
    energy_kwh * gco2e_per_kwh / 1000.0;

create or replace macro footprint_embodied_kgco2e(device_count, kgco2e_per_device, hours, lifetime_hours) as
    device_count * kgco2e_per_device * hours / lifetime_hours;

-- The measured-energy inputs are optional columns of footprint()'s input: a relation without
-- them reads as NULL there. (footprint_from_lookups() takes them as columns: the batch engine
-- always gives them.)
create or replace macro footprint_job_inputs(jobs) as table
from query_table(jobs)
union all by name
select null::double as measured_energy_kwh, null::double as tracker_pue, null::double as tracker_kgco2e
where false;

create or replace macro footprint_is_pue_applied_by_tracker(measured_energy_kwh, tracker_pue) as
    measured_energy_kwh is not null and coalesce(tracker_pue, 1) <> 1;

-- footprint('<relation>'): one result row per job of the named table, view or registered frame,
-- which has these columns (NULL = use the default):
--   job_id, canonical_model (resolved by pipelines.hardware.resolve_accelerator), device_count,
--   hours, zone_id, year, pue, power_w, utilization, gco2e_per_kwh, lifetime_years,
--   embodied_kgco2e_per_device, and optionally measured_energy_kwh, tracker_pue, tracker_kgco2e
-- A NULL result means an input could not be found (no TDP, no intensity for the zone before
-- that year ...); footprint_problems() says which.
--
-- It is two halves so that billions of jobs stream: footprint_lookups() finds the defaults once
-- per distinct (canonical_model, zone_id, year) key (the as-of join runs over those few keys,
-- not over every job), and footprint_from_lookups() gives each job its key's row. The batch
-- engine (pipelines/batch.py) runs the two halves apart: the keys first, then every job.
-- The key of a job's defaults as one string (a map key cannot be NULL; '' never names a model or zone).
create or replace macro footprint_lookup_key(canonical_model, zone_id, year) as
    concat_ws('|', coalesce(canonical_model, ''), coalesce(zone_id, ''), coalesce(year::varchar, ''));

create or replace macro footprint_lookups(jobs) as table
with job_key as (
    select distinct canonical_model, zone_id as given_zone_id, year as given_year from query_table(jobs)
),
zone_latest_year as (
    select zone_id, max(year) as latest_year from grid_carbon_intensity_preferred group by zone_id
),
-- The preferred view fills tdp_w from the best source that has it (`tdp_source_id`), which
-- need not be the row's identity source: take that source's vintage for the model.
tdp_vintage as (
    select canonical_model, source_id, max(source_vintage) as source_vintage
    from accelerator_specs group by canonical_model, source_id
),
placed as (
    select k.*,
           coalesce(given_zone_id, footprint_default_zone()) as zone_id,
           coalesce(given_year, z.latest_year) as year
    from job_key k
    left join zone_latest_year z on z.zone_id = coalesce(k.given_zone_id, footprint_default_zone())
)
select p.canonical_model, p.given_zone_id, p.given_year, p.zone_id, p.year,
       g.gco2e_per_kwh as grid_gco2e_per_kwh, g.basis as grid_basis, g.source_id as grid_source_id,
       g.source_vintage as grid_source_vintage, g.data_year as grid_data_year,
       g.is_carried_forward or g.year < p.year as grid_is_carried_forward,
       s.tdp_w, s.tdp_source_id, v.source_vintage as tdp_source_vintage,
       e.kgco2e_per_device as default_embodied_kgco2e_per_device, e.boundary as embodied_boundary,
       e.source_id as default_embodied_source_id, e.source_vintage as default_embodied_source_vintage,
       d.pue as default_pue, d.entity as pue_entity, d.year as pue_year,
       d.source_id as default_pue_source_id, d.source_vintage as default_pue_source_vintage,
       footprint_default_utilization() as default_utilization,
       footprint_default_lifetime_years() as default_lifetime_years
from placed p
asof left join grid_carbon_intensity_preferred g on g.zone_id = p.zone_id and p.year >= g.year
left join accelerator_specs_preferred s on s.canonical_model = p.canonical_model
left join tdp_vintage v on v.canonical_model = s.canonical_model and v.source_id = s.tdp_source_id
left join accelerator_embodied_preferred e on e.canonical_model = p.canonical_model
left join datacenter_pue_default d on true;

-- footprint_from_lookups('<jobs>', '<lookups>'): footprint() given footprint_lookups() of the
-- same jobs (or of a superset of their keys). The jobs relation has the three measured-energy
-- columns (NULL where not measured): footprint() adds them when absent.
create or replace macro footprint_from_lookups(jobs, lookups) as table
with job as (
    select job_id, canonical_model, device_count, hours,
           zone_id as given_zone_id, year as given_year, pue as given_pue, power_w as given_power_w,
           utilization as given_utilization, gco2e_per_kwh as given_gco2e_per_kwh,
           lifetime_years as given_lifetime_years, embodied_kgco2e_per_device as given_embodied_kgco2e_per_device,
           measured_energy_kwh, tracker_pue, tracker_kgco2e,
           footprint_is_pue_applied_by_tracker(measured_energy_kwh, tracker_pue) as is_pue_applied_by_tracker
    from query_table(jobs)
),
-- Each job finds its key's row number in a map built once from the few lookup rows, then
-- takes each default from a one-row list: unlike a hash join, this streams the jobs through in
-- their order (results follow the input), and a column nobody reads is never looked up.
lookup_row as (
    select *, row_number() over () as lookup_row from query_table(lookups)
),
lookup_lists as (
    select map(list(footprint_lookup_key(canonical_model, given_zone_id, given_year) order by lookup_row),
               list(lookup_row order by lookup_row)) as row_by_key,
           list(zone_id order by lookup_row) as zone_id,
           list(year order by lookup_row) as year,
           list(grid_gco2e_per_kwh order by lookup_row) as grid_gco2e_per_kwh,
           list(grid_basis order by lookup_row) as grid_basis,
           list(grid_source_id order by lookup_row) as grid_source_id,
           list(grid_source_vintage order by lookup_row) as grid_source_vintage,
           list(grid_data_year order by lookup_row) as grid_data_year,
           list(grid_is_carried_forward order by lookup_row) as grid_is_carried_forward,
           list(tdp_w order by lookup_row) as tdp_w,
           list(tdp_source_id order by lookup_row) as tdp_source_id,
           list(tdp_source_vintage order by lookup_row) as tdp_source_vintage,
           list(default_embodied_kgco2e_per_device order by lookup_row) as default_embodied_kgco2e_per_device,
           list(embodied_boundary order by lookup_row) as embodied_boundary,
           list(default_embodied_source_id order by lookup_row) as default_embodied_source_id,
           list(default_embodied_source_vintage order by lookup_row) as default_embodied_source_vintage,
           list(default_pue order by lookup_row) as default_pue,
           list(pue_entity order by lookup_row) as pue_entity,
           list(pue_year order by lookup_row) as pue_year,
           list(default_pue_source_id order by lookup_row) as default_pue_source_id,
           list(default_pue_source_vintage order by lookup_row) as default_pue_source_vintage,
           list(default_utilization order by lookup_row) as default_utilization,
           list(default_lifetime_years order by lookup_row) as default_lifetime_years
    from lookup_row
),
keyed as (
    select job.*, l.row_by_key[footprint_lookup_key(job.canonical_model, job.given_zone_id, job.given_year)]
               as lookup_row
    from job cross join lookup_lists l
),
gathered as (
    select keyed.* exclude (lookup_row),
           l.zone_id[lookup_row] as zone_id,
           l.year[lookup_row] as year,
           l.grid_gco2e_per_kwh[lookup_row] as grid_gco2e_per_kwh,
           l.grid_basis[lookup_row] as grid_basis,
           l.grid_source_id[lookup_row] as grid_source_id,
           l.grid_source_vintage[lookup_row] as grid_source_vintage,
           l.grid_data_year[lookup_row] as grid_data_year,
           l.grid_is_carried_forward[lookup_row] as grid_is_carried_forward,
           l.tdp_w[lookup_row] as tdp_w,
           l.tdp_source_id[lookup_row] as tdp_source_id,
           l.tdp_source_vintage[lookup_row] as tdp_source_vintage,
           l.default_embodied_kgco2e_per_device[lookup_row] as default_embodied_kgco2e_per_device,
           l.embodied_boundary[lookup_row] as embodied_boundary,
           l.default_embodied_source_id[lookup_row] as default_embodied_source_id,
           l.default_embodied_source_vintage[lookup_row] as default_embodied_source_vintage,
           l.default_pue[lookup_row] as default_pue,
           l.pue_entity[lookup_row] as pue_entity,
           l.pue_year[lookup_row] as pue_year,
           l.default_pue_source_id[lookup_row] as default_pue_source_id,
           l.default_pue_source_vintage[lookup_row] as default_pue_source_vintage,
           l.default_utilization[lookup_row] as default_utilization,
           l.default_lifetime_years[lookup_row] as default_lifetime_years
    from keyed cross join lookup_lists l
),
chosen as (
    select job_id, canonical_model, device_count, hours,
           coalesce(given_power_w, tdp_w * coalesce(given_utilization, default_utilization)) as power_w,
           given_power_w is not null as power_w_is_given,
           tdp_w, tdp_source_id, tdp_source_vintage,
           coalesce(given_utilization, default_utilization) as utilization,
           given_utilization is null as utilization_is_default,
           case when is_pue_applied_by_tracker then tracker_pue else coalesce(given_pue, default_pue) end as pue,
           given_pue is null and not is_pue_applied_by_tracker as pue_is_default,
           case when given_pue is null and not is_pue_applied_by_tracker then pue_entity end as pue_entity,
           case when given_pue is null and not is_pue_applied_by_tracker then pue_year end as pue_year,
           case when given_pue is null and not is_pue_applied_by_tracker then default_pue_source_id end
               as pue_source_id,
           case when given_pue is null and not is_pue_applied_by_tracker then default_pue_source_vintage end
               as pue_source_vintage,
           measured_energy_kwh, tracker_pue, is_pue_applied_by_tracker, tracker_kgco2e,
           zone_id, given_zone_id is null as zone_is_default,
           year, given_year is null as year_is_default,
           coalesce(given_gco2e_per_kwh, grid_gco2e_per_kwh) as gco2e_per_kwh,
           given_gco2e_per_kwh is null as intensity_is_default,
           case when given_gco2e_per_kwh is null then grid_basis end as intensity_basis,
           case when given_gco2e_per_kwh is null then grid_source_id end as intensity_source_id,
           case when given_gco2e_per_kwh is null then grid_source_vintage end as intensity_source_vintage,
           case when given_gco2e_per_kwh is null then grid_data_year end as intensity_data_year,
           case when given_gco2e_per_kwh is null then grid_is_carried_forward end as intensity_is_carried_forward,
           -- grid_carbon_intensity_preferred holds one value per zone and year.
           case when given_gco2e_per_kwh is null then 'annual' end as intensity_resolution,
           coalesce(given_lifetime_years, default_lifetime_years) as lifetime_years,
           given_lifetime_years is null as lifetime_is_default,
           coalesce(given_embodied_kgco2e_per_device, default_embodied_kgco2e_per_device)
               as embodied_kgco2e_per_device,
           given_embodied_kgco2e_per_device is null as embodied_is_default,
           case when given_embodied_kgco2e_per_device is null then embodied_boundary end as embodied_boundary,
           case when given_embodied_kgco2e_per_device is null then default_embodied_source_id end
               as embodied_source_id,
           case when given_embodied_kgco2e_per_device is null then default_embodied_source_vintage end
               as embodied_source_vintage
    from gathered
)
select *,
       case when measured_energy_kwh is not null then 'measured' else 'modelled' end as energy_basis,
       case when measured_energy_kwh is null then footprint_energy_kwh(device_count, power_w, hours, pue)
            when is_pue_applied_by_tracker then measured_energy_kwh
            else measured_energy_kwh * pue end as energy_kwh,
       footprint_operational_kgco2e(energy_kwh, gco2e_per_kwh) as operational_kgco2e,
       footprint_embodied_kgco2e(device_count, embodied_kgco2e_per_device, hours,
                                 lifetime_years * footprint_hours_per_year()) as embodied_kgco2e,
       operational_kgco2e + coalesce(embodied_kgco2e, 0) as total_kgco2e,
       operational_kgco2e / nullif(tracker_kgco2e, 0) as operational_to_tracker_ratio
from chosen;

create or replace macro footprint(jobs) as table
with job_inputs as (from footprint_job_inputs(jobs)),
     lookups as (from footprint_lookups('job_inputs'))
from footprint_from_lookups('job_inputs', 'lookups');

-- footprint_problems('<relation>'): why a job cannot be computed, one row per problem (same
-- input columns as footprint()). An empty result means every job computes. Unknown
-- accelerator and zone names are caught earlier, where the names are resolved with suggestions.
-- It is the union of two halves, usable apart when footprint() has already been computed:
-- footprint_input_problems(jobs) checks the given values; footprint_lookup_problems(results)
-- reads footprint()'s output for defaults that could not be found.
create or replace macro footprint_input_problem_list(device_count, hours, pue, utilization, power_w,
                                                   gco2e_per_kwh, lifetime_years, embodied_kgco2e_per_device,
                                                   measured_energy_kwh, tracker_pue) as [
    case when device_count is null and measured_energy_kwh is null then 'count is missing'
         when device_count <= 0 then 'count must be > 0, got ' || printf('%g', device_count) end,
    case when hours is null then 'hours is missing'
         when hours <= 0 then 'hours must be > 0, got ' || printf('%g', hours) end,
    case when pue < 1 then 'pue must be >= 1, got ' || printf('%g', pue) end,
    case when utilization <= 0 or utilization > 1
         then 'utilization must be in (0, 1], got ' || printf('%g', utilization) end,
    case when power_w <= 0 then 'power_w must be > 0, got ' || printf('%g', power_w) end,
    case when power_w is not null and utilization is not null
         then 'give power_w or utilization, not both (utilization scales the TDP when power_w is not given)' end,
    case when gco2e_per_kwh < 0
         then 'intensity must be >= 0 gCO2e/kWh, got ' || printf('%g', gco2e_per_kwh) end,
    case when lifetime_years <= 0 then 'lifetime_years must be > 0, got ' || printf('%g', lifetime_years) end,
    case when embodied_kgco2e_per_device < 0 then 'embodied kgCO2e per device must be >= 0, got '
                                                 || printf('%g', embodied_kgco2e_per_device) end,
    case when measured_energy_kwh < 0
         then 'measured energy must be >= 0 kWh, got ' || printf('%g', measured_energy_kwh) end,
    case when tracker_pue < 1 then 'tracker pue must be >= 1, got ' || printf('%g', tracker_pue) end,
    case when pue is not null and footprint_is_pue_applied_by_tracker(measured_energy_kwh, tracker_pue)
         then 'the tracker already applied PUE ' || printf('%g', tracker_pue) || ' to the measured energy; drop pue' end
];

-- True exactly when footprint_input_problem_list() finds nothing (a test holds the two equal):
-- the check a batch runs on every row, without building a list per row.
create or replace macro footprint_inputs_valid(device_count, hours, pue, utilization, power_w, gco2e_per_kwh,
                                               lifetime_years, embodied_kgco2e_per_device, measured_energy_kwh,
                                               tracker_pue) as coalesce(
    coalesce(device_count > 0, measured_energy_kwh is not null) and hours > 0
    and coalesce(pue >= 1, true)
    and coalesce(utilization > 0 and utilization <= 1, true)
    and coalesce(power_w > 0, true)
    and (power_w is null or utilization is null)
    and coalesce(gco2e_per_kwh >= 0, true)
    and coalesce(lifetime_years > 0, true)
    and coalesce(embodied_kgco2e_per_device >= 0, true)
    and coalesce(measured_energy_kwh >= 0, true)
    and coalesce(tracker_pue >= 1, true)
    and not (pue is not null and footprint_is_pue_applied_by_tracker(measured_energy_kwh, tracker_pue)), false);

create or replace macro footprint_input_problems(jobs) as table
select job_id, problem from (
    select job_id, unnest(footprint_input_problem_list(device_count, hours, pue, utilization, power_w, gco2e_per_kwh,
                                                       lifetime_years, embodied_kgco2e_per_device,
                                                       measured_energy_kwh, tracker_pue)) as problem
    from footprint_job_inputs(jobs)
) where problem is not null;

-- Why footprint() could not find a default, as a list (NULL entries are no problem).
create or replace macro footprint_lookup_problem_list(canonical_model, power_w, pue, gco2e_per_kwh, year, zone_id,
                                                     measured_energy_kwh) as [
    -- Measured energy stands in for power x hours: no TDP needed then.
    case when power_w is null and measured_energy_kwh is null then 'no TDP for ' || coalesce(canonical_model, 'the accelerator')
                                   || ' in accelerator_specs_preferred; give power_w' end,
    case when pue is null then 'no default PUE in datacenter_pue; give pue' end,
    case when gco2e_per_kwh is null and year is null then 'no grid intensity for zone ' || zone_id
                                                          || '; give intensity'
         when gco2e_per_kwh is null then 'no grid intensity for zone ' || zone_id || ' in or before '
                                         || year || '; give a later year or intensity' end
];

-- True when footprint_lookup_problem_list() finds nothing: the test a batch runs on every row.
create or replace macro footprint_lookups_found(power_w, pue, gco2e_per_kwh, measured_energy_kwh) as
    (power_w is not null or measured_energy_kwh is not null) and pue is not null and gco2e_per_kwh is not null;

create or replace macro footprint_lookup_problems(results) as table
select job_id, problem from (
    select job_id, unnest(footprint_lookup_problem_list(canonical_model, power_w, pue, gco2e_per_kwh, year,
                                                        zone_id, measured_energy_kwh)) as problem
    from query_table(results)
) where problem is not null;

create or replace macro footprint_problems(jobs) as table
select * from footprint_input_problems(jobs)
union all
select job_id, problem from (
    select job_id, unnest(footprint_lookup_problem_list(canonical_model, power_w, pue, gco2e_per_kwh, year,
                                                        zone_id, measured_energy_kwh)) as problem
    from footprint(jobs)
) where problem is not null;

-- Comparisons a reader understands, from the cited `equivalences` table. `measure` says what
-- a reference quantity is compared with: the energy (kWh) or the total emissions (kgCO2e).
create or replace table footprint_equivalence_choices as
select * from (values
    (1, 'us_household_electricity_kwh_per_year_2022', 'energy',
        'years of an average U.S. household''s electricity use'),
    (2, 'eu_dwelling_electricity_kwh_per_year', 'energy', 'years of an average EU household''s electricity use'),
    (3, 'world_ghg_per_capita_tco2e_2023', 'emissions', 'years of an average person''s emissions (world, 2023)'),
    (4, 'us_ghg_per_capita_tco2e_2023', 'emissions', 'years of an average U.S. resident''s emissions (2023)'),
    (5, 'us_passenger_vehicle_tco2_per_year', 'emissions', 'years of driving a typical U.S. passenger vehicle'),
    (6, 'eu_passenger_car_gco2_per_km', 'emissions', 'km in an average European passenger car'),
    (7, 'flight_ny_sf_roundtrip_passenger_lbco2e', 'emissions',
        'passenger round trips New York - San Francisco by air'),
    (8, 'tree_absorption_gco2_per_year', 'emissions', 'tree-years of CO2 absorption')
) as t(display_order, key, measure, label);

-- One unit of a reference quantity in kWh (energy) or kgCO2e (emissions).
create or replace macro footprint_unit_to_base(unit) as case unit
    when 'kWh/year' then 1.0
    when 'tCO2e/person/year' then 1000.0
    when 'tCO2/year' then 1000.0
    when 'gCO2/km' then 0.001
    when 'gCO2/tree/year' then 0.001
    when 'lbCO2e' then (select value from equivalences where key = 'lb_to_kg')
end;

create or replace macro footprint_equivalences(energy_kwh, kgco2e) as table
select c.key, c.label,
       (case c.measure when 'energy' then energy_kwh else kgco2e end)
           / (e.value * footprint_unit_to_base(e.unit)) as amount,
       c.measure, e.value as reference_value, e.unit as reference_unit, e.description,
       e.citation_publisher as publisher, e.citation_title as title, e.citation_url as url,
       e.citation_published as published, e.source_id, e.source_vintage
from footprint_equivalence_choices c
join equivalences e using (key)
order by c.display_order;
