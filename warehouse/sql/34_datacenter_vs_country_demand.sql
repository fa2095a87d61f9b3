-- requires: datacenter_electricity, electricity_demand_yearly
-- World data-centre electricity (estimates and projections) beside whole countries' electricity
-- demand, for comparisons like the IEA's "about Japan's use". Country demand comes from the
-- published `electricity_demand_yearly` (Ember's yearly data), never from a typed number; each
-- comparison uses the latest year of country demand and names it. Applied only where that table
-- is published (see `-- requires:`): without it this view does not exist.
create or replace view datacenter_electricity_vs_country_demand as
with latest_demand as (
    select zone_id, zone_name, year as demand_year, demand_twh, source_id as demand_source_id,
           source_vintage as demand_source_vintage
    from electricity_demand_yearly
    where zone_type = 'country' and demand_twh > 0
    qualify row_number() over (partition by zone_id order by year desc, source_id) = 1
),
world_datacentres as (
    select year, basis, scenario, scope, series, electricity_twh_low, electricity_twh_central, electricity_twh_high,
           coalesce(electricity_twh_central, (electricity_twh_low + electricity_twh_high) / 2) as compared_twh
    from datacenter_electricity
    where zone_id = 'WLD' and (electricity_twh_central is not null or electricity_twh_high is not null)
)
select d.year, d.basis, d.scenario, d.scope, d.series, d.electricity_twh_low, d.electricity_twh_central,
       d.electricity_twh_high, c.zone_id as country_zone_id, c.zone_name as country_name, c.demand_year,
       c.demand_twh as country_demand_twh, round(d.compared_twh / c.demand_twh, 3) as ratio_to_country,
       rank() over (partition by d.year, d.series, d.basis order by abs(d.compared_twh - c.demand_twh))
           as closeness_rank,
       c.demand_source_id, c.demand_source_vintage
from world_datacentres d cross join latest_demand c
qualify closeness_rank <= 5 or c.zone_id = 'JPN'
order by d.year, d.series, closeness_rank;
