-- requires: grid_intensity_hourly, grid_intensity_monthly, grid_carbon_intensity, grid_carbon_intensity_preferred
-- Grid intensity by the hour: a long form (one row per zone, hour, source and basis), checks
-- against annual figures, the intensity over a job's exact hours (with monthly as the fallback
-- resolution) and the greenest window of a zone's recorded year.

-- Direct and lifecycle stay apart: a basis column, never a mix of the two in one mean.
create or replace view grid_intensity_hourly_long as
select zone_id, zone_name, zone_type, country_zone_id, hour_start_utc, year, source_id, source_vintage,
       'direct' as basis, direct_gco2e_per_kwh as gco2e_per_kwh, is_estimated
from grid_intensity_hourly where direct_gco2e_per_kwh is not null
union all
select zone_id, zone_name, zone_type, country_zone_id, hour_start_utc, year, source_id, source_vintage,
       'lifecycle' as basis, lifecycle_gco2e_per_kwh as gco2e_per_kwh, is_estimated
from grid_intensity_hourly where lifecycle_gco2e_per_kwh is not null;

-- Hours missing inside a zone's series (a repeated hour cannot occur: it is the primary key).
create or replace view grid_hourly_gaps as
select zone_id, source_id, hour_start_utc as last_hour_before_gap_utc, next_hour_utc,
       date_diff('hour', hour_start_utc, next_hour_utc) - 1 as missing_hours
from (select zone_id, source_id, hour_start_utc,
             lead(hour_start_utc) over (partition by zone_id, source_id order by hour_start_utc) as next_hour_utc
      from grid_intensity_hourly)
where next_hour_utc is not null and next_hour_utc <> hour_start_utc + interval 1 hour;

-- The plain mean of each zone-year's hours, per source and basis (every hour weighs the same:
-- the sources give no hourly consumption to weight by).
create or replace view grid_hourly_annual_means as
select zone_id, any_value(zone_name) as zone_name, any_value(country_zone_id) as country_zone_id, year,
       source_id, basis, avg(gco2e_per_kwh) as mean_gco2e_per_kwh, count(*) as hours,
       count(*) filter (where is_estimated) as estimated_hours
from grid_intensity_hourly_long
group by zone_id, year, source_id, basis;

-- Each zone-year's hourly mean beside every annual figure for the same zone, or for its country
-- (same_area false: GB against GBR, IN-WE against IND), from grid_carbon_intensity and from the
-- twelve months of grid_intensity_monthly. relative_gap = hourly / annual - 1.
create or replace view grid_hourly_vs_annual as
with annual as (
    select zone_id, year, source_id, basis, gco2e_per_kwh from grid_carbon_intensity
    union all
    select zone_id, year, source_id, basis, avg(gco2e_per_kwh) from grid_intensity_monthly
    where gco2e_per_kwh is not null
    group by zone_id, year, source_id, basis having count(*) = 12
)
select h.zone_id, h.year, h.source_id as hourly_source_id, h.basis as hourly_basis,
       h.mean_gco2e_per_kwh as hourly_mean_gco2e_per_kwh, h.estimated_hours,
       a.zone_id as annual_zone_id, a.zone_id = h.zone_id as same_area, a.source_id as annual_source_id,
       a.basis as annual_basis, a.gco2e_per_kwh as annual_gco2e_per_kwh,
       h.mean_gco2e_per_kwh / a.gco2e_per_kwh - 1 as relative_gap
from grid_hourly_annual_means h
join annual a on a.year = h.year and (a.zone_id = h.zone_id or a.zone_id = h.country_zone_id)
where a.gco2e_per_kwh > 0
order by abs(relative_gap) desc, h.zone_id, h.year;

-- grid_hourly_window(zone, start_utc, hours, basis): the intensity over exactly the hours from
-- start_utc to start_utc + hours, per source that has that basis: each recorded hour weighs by
-- how much of it the job overlaps, so a job starting at 10:30 for 2 hours takes half of 10:00,
-- all of 11:00 and half of 12:00. covered_hours < hours means the series does not cover the job.
create or replace macro grid_hourly_window(zone, start_utc, job_hours, basis_name) as table
with job as (
    select start_utc::timestamptz as job_start,
           start_utc::timestamptz + to_microseconds((job_hours * 3600e6)::bigint) as job_end
),
hours as (
    select l.source_id, l.source_vintage, l.year, l.hour_start_utc, l.gco2e_per_kwh, l.is_estimated,
           greatest(0, epoch(least(l.hour_start_utc + interval 1 hour, job.job_end))
                       - epoch(greatest(l.hour_start_utc, job.job_start))) / 3600.0 as overlap_hours
    from grid_intensity_hourly_long l, job
    where l.zone_id = zone and l.basis = basis_name
      and l.hour_start_utc < job.job_end and l.hour_start_utc + interval 1 hour > job.job_start
)
select source_id, any_value(source_vintage) as source_vintage, min(year) as data_year,
       sum(gco2e_per_kwh * overlap_hours) / nullif(sum(overlap_hours), 0) as gco2e_per_kwh,
       sum(overlap_hours) as covered_hours,
       count(*) filter (where is_estimated and overlap_hours > 0) as estimated_hours
from hours where overlap_hours > 0
group by source_id;

-- grid_monthly_window(zone, start_utc, hours): the same over months, each month weighted by the
-- job's hours in it.
create or replace macro grid_monthly_window(zone, start_utc, job_hours) as table
with job as (
    select start_utc::timestamptz as job_start,
           start_utc::timestamptz + to_microseconds((job_hours * 3600e6)::bigint) as job_end
),
months as (
    select m.source_id, m.source_vintage, m.basis, m.year, m.gco2e_per_kwh,
           make_timestamptz(m.year, m.month, 1, 0, 0, 0, 'UTC') as month_start,
           make_timestamptz(m.year, m.month, 1, 0, 0, 0, 'UTC') + interval 1 month as month_end
    from grid_intensity_monthly m
    where m.zone_id = zone and m.gco2e_per_kwh is not null
),
month_overlaps as (
    select months.*, greatest(0, epoch(least(month_end, job.job_end)) - epoch(greatest(month_start, job.job_start)))
                     / 3600.0 as overlap_hours
    from months, job
)
select source_id, any_value(source_vintage) as source_vintage, any_value(basis) as basis,
       min(year) as data_year,
       sum(gco2e_per_kwh * overlap_hours) / nullif(sum(overlap_hours), 0) as gco2e_per_kwh,
       sum(overlap_hours) as covered_hours
from month_overlaps where overlap_hours > 0
group by source_id;

-- grid_intensity_over(zone, start_utc, hours, basis): the finest resolution that covers the job,
-- one row: hourly (the basis asked) where one hourly source covers every hour, else monthly (each
-- month weighted by the job's hours in it; Ember's basis), else the annual preferred value for
-- the zone and the start's year (nearest earlier year). pipelines/timeresolved.py gives the same
-- answer with the reasons for each fallback.
create or replace macro grid_intensity_over(zone, start_utc, job_hours, basis_name) as table
select * from (
    select 1 as resolution_rank, 'hourly' as resolution, source_id, source_vintage, basis_name as basis,
           data_year, gco2e_per_kwh
    from grid_hourly_window(zone, start_utc, job_hours, basis_name)
    where abs(covered_hours - job_hours) < 1e-6
    union all
    select 2, 'monthly', source_id, source_vintage, basis, data_year, gco2e_per_kwh
    from grid_monthly_window(zone, start_utc, job_hours)
    where abs(covered_hours - job_hours) < 1e-6
    union all
    (select 3, 'annual', source_id, source_vintage, basis, data_year, gco2e_per_kwh
     from grid_carbon_intensity_preferred
     where zone_id = zone and year <= year(start_utc::timestamptz at time zone 'UTC')
     order by year desc limit 1)
)
order by resolution_rank, source_id
limit 1;

-- grid_greenest_window(zone, hours, basis): over the most recent recorded year of the zone (the
-- first hourly source by name when two cover it), every start hour whose window of `hours`
-- consecutive hours lies inside the series; the start with the lowest mean intensity, the worst,
-- and the mean over all starts (the "average start"). Historical, not a forecast.
create or replace macro grid_greenest_window(zone, window_hours, basis_name) as table
with chosen as (
    select source_id, year from grid_intensity_hourly_long
    where zone_id = zone and basis = basis_name
    group by source_id, year
    order by year desc, source_id
    limit 1
),
series as (
    select l.source_id, l.year, l.hour_start_utc, l.gco2e_per_kwh
    from grid_intensity_hourly_long l join chosen using (source_id, year)
    where l.zone_id = zone and l.basis = basis_name
),
windows as (
    select source_id, year, hour_start_utc as window_start_utc,
           avg(gco2e_per_kwh) over w as mean_gco2e_per_kwh,
           count(*) over w as hours_in_window
    from series
    window w as (order by hour_start_utc
                 range between current row and to_hours(cast(window_hours as bigint) - 1) following)
),
complete as (select * from windows where hours_in_window = window_hours),
ranked as (
    select *, row_number() over (order by mean_gco2e_per_kwh, window_start_utc) as best_rank,
              row_number() over (order by mean_gco2e_per_kwh desc, window_start_utc) as worst_rank
    from complete
)
select any_value(source_id) as source_id, any_value(year) as year, basis_name as basis,
       window_hours::integer as window_hours, count(*) as starts_compared,
       max(window_start_utc) filter (where best_rank = 1) as best_start_utc,
       max(mean_gco2e_per_kwh) filter (where best_rank = 1) as best_mean_gco2e_per_kwh,
       max(window_start_utc) filter (where worst_rank = 1) as worst_start_utc,
       max(mean_gco2e_per_kwh) filter (where worst_rank = 1) as worst_mean_gco2e_per_kwh,
       avg(mean_gco2e_per_kwh) as average_start_mean_gco2e_per_kwh,
       1 - best_mean_gco2e_per_kwh / average_start_mean_gco2e_per_kwh as saving_vs_average_fraction
from ranked
having count(*) > 0;
