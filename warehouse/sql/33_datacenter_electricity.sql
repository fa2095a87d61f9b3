-- requires: datacenter_electricity
-- Quarterly series summed to calendar years (complete years only: four quarters), beside the
-- yearly rows. The share of demand of a year is its data-centre TWh over the total implied by
-- each quarter's share (data centres / share).
create or replace view datacenter_electricity_yearly as
with quarters as (
    select zone_id, zone_name, zone_type, year, basis, scope, series, source_id, source_vintage,
           count(*) as quarters, sum(electricity_twh_central) as electricity_twh,
           sum(electricity_twh_central * 100 / nullif(share_of_demand_pct_central, 0)) as demand_twh
    from datacenter_electricity
    where quarter is not null
    group by all
)
select zone_id, zone_name, zone_type, year, basis, null::varchar as scenario, scope,
       null::double as electricity_twh_low, electricity_twh as electricity_twh_central,
       null::double as electricity_twh_high,
       round(100 * electricity_twh / nullif(demand_twh, 0), 2) as share_of_demand_pct_central,
       series || ' (sum of 4 quarters)' as series, source_id, source_vintage
from quarters where quarters = 4
union all by name
select zone_id, zone_name, zone_type, year, basis, scenario, scope, electricity_twh_low, electricity_twh_central,
       electricity_twh_high, share_of_demand_pct_central, series, source_id, source_vintage
from datacenter_electricity where quarter is null
order by zone_id, year, basis, series;

-- The question a reader brings: what did the IEA project for 2026, what is its latest estimate,
-- and what is the latest metered figure? One row each, labelled, with the publisher's range.
create or replace view datacenter_electricity_projection_vs_latest as
(select 'IEA projection for 2026' as figure, zone_id, year, null::integer as quarter, basis, scenario, scope,
        electricity_twh_low, electricity_twh_central, electricity_twh_high, share_of_demand_pct_central,
        series, citation_locator, source_id
 from datacenter_electricity
 where zone_id = 'WLD' and basis = 'projection' and year = 2026 and series like 'IEA%')
union all
(select 'IEA latest world estimate', zone_id, year, null, basis, scenario, scope, electricity_twh_low,
        electricity_twh_central, electricity_twh_high, share_of_demand_pct_central, series, citation_locator, source_id
 from datacenter_electricity
 where zone_id = 'WLD' and basis = 'estimate' and series like 'IEA%' and electricity_twh_central is not null
 order by year desc limit 1)
union all
(select 'Latest metered year (Ireland, CSO)', zone_id, year, null, basis, scenario, scope, electricity_twh_low,
        electricity_twh_central, electricity_twh_high, share_of_demand_pct_central, series, null, source_id
 from datacenter_electricity_yearly
 where zone_id = 'IRL' and basis = 'metered'
 order by year desc limit 1)
union all
(select 'Latest metered quarter (Ireland, CSO)', zone_id, year, quarter, basis, scenario, scope, electricity_twh_low,
        electricity_twh_central, electricity_twh_high, share_of_demand_pct_central, series, null, source_id
 from datacenter_electricity
 where zone_id = 'IRL' and basis = 'metered'
 order by year desc, quarter desc limit 1);
