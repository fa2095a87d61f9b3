-- requires: mineral_production
-- Each mineral's producers ranked, with their share of USGS's world total for the same
-- mineral, year and measure (mine, refinery or primary production, reserves, capacity).
--
--   select zone_name, quantity_t, world_quantity_t, share_of_world_pct from mineral_top_producers
--   where mineral = 'cobalt' and measure = 'mine_production' and year = 2023 order by producer_rank;
--
-- The world total is USGS's own rounded figure, not the sum of the rows (USGS lists the main
-- producers and an "Other countries" line), so shares need not add up to exactly 100 %.
-- Countries whose figure is NA or W are listed last with a null share: unknown, not zero.
-- Where USGS publishes no world total (germanium) every share is null and `world_status` says why.
create or replace view mineral_top_producers as
with world_table as (
    select * from mineral_production where usgs_table = 'world'
),
world as (
    select mineral, year, measure, quantity_t as world_quantity_t, value_status as world_status,
           source_id, source_vintage
    from world_table where zone_id = 'WLD'
)
select p.mineral, p.measure, p.year,
       rank() over (partition by p.mineral, p.measure, p.year order by p.quantity_t desc nulls last) as producer_rank,
       p.zone_id, p.zone_name, p.quantity_t, p.value_status, p.is_estimated,
       w.world_quantity_t, w.world_status,
       round(100 * p.quantity_t / nullif(w.world_quantity_t, 0), 2) as share_of_world_pct,
       p.usgs_notes, p.source_id, p.source_vintage
from world_table p
left join world w using (mineral, year, measure)
where p.zone_type = 'country'
order by p.mineral, p.measure, p.year, producer_rank, p.zone_id;

-- Minerals and measures for which USGS gives no world figure at all: the gap stated, not hidden.
create or replace view mineral_world_data_gaps as
select mineral, measure, year, value_status as world_status, usgs_notes, source_id, source_vintage
from mineral_production
where usgs_table = 'world' and zone_id = 'WLD' and quantity_t is null
order by mineral, measure, year;
