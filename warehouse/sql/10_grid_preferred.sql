-- requires: grid_carbon_intensity, source_priority
-- One intensity per zone and year, chosen by source priority (lower rank wins).
--
-- Ranks are declared on each source (`priority={"grid_carbon_intensity": N}` in
-- pipelines/sources/<source_id>.py; the warehouse writes them to `source_priority`). Why this
-- order: annual, country-level series that are maintained and cover recent years come first
-- (Ember via OWID, then Ember's latest-year compilation, then Electricity Maps); tool-bundled
-- copies of the same upstream data follow; single-vintage snapshots last. A source without a
-- rank comes after every ranked one.
-- Lifecycle beats direct for the same source because the footprint methods we follow
-- (Green Algorithms, EcoLogits) use lifecycle factors.
-- Years after a zone's latest data are carried forward from its latest year, flagged, for at most
-- `max_carry_forward_years` years (default 3; a session sets another with
-- `SET VARIABLE max_carry_forward_years = N`, and aifootprint's connections take it from
-- AIFOOTPRINT_MAX_CARRY_FORWARD_YEARS): a zone whose data stopped in 2016 is not shown as 2024's.

create or replace table grid_source_priority as
select source_id, priority_rank from source_priority
where table_name = 'grid_carbon_intensity' order by priority_rank;

create or replace view grid_carbon_intensity_ranked as
select g.*,
       row_number() over (
           partition by g.zone_id, g.year
           order by p.priority_rank nulls last,
                    case g.basis when 'lifecycle' then 0 when 'direct' then 1 else 2 end,
                    g.source_id
       ) as preference
from grid_carbon_intensity g
left join grid_source_priority p using (source_id);

create or replace view grid_carbon_intensity_preferred as
with chosen as (
    select * exclude (preference) from grid_carbon_intensity_ranked where preference = 1
),
limit_years as (
    select coalesce(try_cast(getvariable('max_carry_forward_years') as integer), 3) as max_years
),
zone_years as (
    select zone_id, unnest(range(min(year), (select max(year) from chosen) + 1)) as year
    from chosen group by zone_id
)
select zy.zone_id, c.zone_name, c.zone_type, zy.year, c.gco2e_per_kwh, c.basis,
       c.source_id, c.source_vintage, c.year as data_year, zy.year <> c.year as is_carried_forward,
       zy.year - c.year as years_carried_forward
from zone_years zy
asof join chosen c on zy.zone_id = c.zone_id and zy.year >= c.year
-- Gaps inside a zone's series obey the same limit as the years after its latest data.
where zy.year - c.year <= (select max_years from limit_years);

-- Zone-years where sources disagree by more than `threshold` of the mean of their values.
create or replace macro grid_source_disagreements(threshold) as table
with spread as (
    select zone_id, year, count(*) as n_values,
           round(min(gco2e_per_kwh), 1) as min_gco2e_per_kwh,
           round(max(gco2e_per_kwh), 1) as max_gco2e_per_kwh,
           round((max(gco2e_per_kwh) - min(gco2e_per_kwh)) / avg(gco2e_per_kwh), 3) as relative_spread,
           string_agg(source_id || ':' || basis || '=' || round(gco2e_per_kwh, 1), ', '
                      order by gco2e_per_kwh) as source_values
    from grid_carbon_intensity
    group by zone_id, year
    having count(*) > 1
)
select * from spread where relative_spread > threshold
order by relative_spread desc, zone_id, year;
