-- requires: gpu_clusters
-- AI cluster power capacity (MW) by country, year and status group, from Epoch's GPU clusters
-- (possible duplicates already left out of gpu_clusters). Capacity is the rated power of the
-- facilities, not electricity used: turning it into energy needs a load factor, which no cited
-- source here gives, so this view gives none.
--
-- status_group keeps what exists apart from what is announced:
--   operational     clusters Epoch lists as existing, by the year they first operated;
--   planned         announced clusters, by their planned first year where Epoch gives one
--                   (year NULL otherwise);
--   decommissioned  clusters since retired, by the year they first operated.
-- operational_capacity_mw_cumulative adds up the operational capacity that came online in the
-- country up to that year (clusters without a capacity count in `clusters` only).
create or replace view cluster_power_by_country_year as
with grouped as (
    select coalesce(country, 'unknown') as country,
           year(try_cast(first_operational_date as date)) as year,
           case status when 'existing' then 'operational' else status end as status_group,
           count(*) as clusters,
           count(power_capacity_mw) as clusters_with_power,
           sum(power_capacity_mw) as power_capacity_mw,
           sum(power_capacity_mw) filter (where certainty = 'confirmed') as confirmed_power_capacity_mw,
           sum(ai_chip_count) as ai_chip_count,
           sum(h100_equivalents) as h100_equivalents,
           any_value(source_id) as source_id, max(source_vintage) as source_vintage
    from gpu_clusters
    group by all
)
select *,
       case when status_group = 'operational' then
           sum(coalesce(power_capacity_mw, 0)) over (partition by country, status_group order by year
                                                     rows between unbounded preceding and current row)
       end as operational_capacity_mw_cumulative
from grouped
order by country, status_group, year;
