-- requires: ewaste_statistics
-- Total and per-capita e-waste series that disagree with the per-capita value implied by the
-- population (total / population) by more than `tolerance` (0.10 = 10 %).
--
-- Why: a per-capita series and a total series of the same source must differ by the population
-- and nothing else; a gap beyond rounding is a unit slip (kg published as tonnes), a wrong
-- denominator or a typo. Totals are in kt and per-capita values in kg/person, so
-- implied kg/person = kt x 1e6 / persons. Pairs are compared within one source; the population
-- may come from any source (one per zone-year, the first by source_id, series).

-- Metric pairs a population ties together: total (kt) and per capita (kg/person).
create or replace table ewaste_per_capita_pairs as
select * from (values
    ('generated', 'generated_per_capita'),
    ('collected', 'collected_per_capita'),
    ('recycled', 'recycled_per_capita'),
    ('put_on_market', 'put_on_market_per_capita'),
    ('recycled_prepared_for_reuse', 'recycled_prepared_for_reuse_per_capita')
) as t(total_metric, per_capita_metric);

create or replace macro ewaste_per_capita_disagreements(tolerance) as table
with population as (
    select zone_id, year,
           first(value order by source_id, series) as population,
           first(source_id || ': ' || series order by source_id, series) as population_source
    from ewaste_statistics
    where metric = 'population'
    group by zone_id, year
),
compared as (
    select t.zone_id, t.year, t.source_id, t.category, t.metric as total_metric, t.series as total_series,
           t.value as total_kt, p.metric as per_capita_metric, p.series as per_capita_series,
           p.value as per_capita_kg, pop.population, pop.population_source,
           t.value * 1e6 / pop.population as implied_per_capita_kg
    from ewaste_per_capita_pairs pairs
    join ewaste_statistics t on t.metric = pairs.total_metric
    join ewaste_statistics p on p.metric = pairs.per_capita_metric and p.zone_id = t.zone_id
                            and p.year = t.year and p.source_id = t.source_id
                            and p.category = t.category
    join population pop on pop.zone_id = t.zone_id and pop.year = t.year
    where pop.population > 0
)
select zone_id, year, source_id, category, total_metric, total_series, total_kt, per_capita_metric, per_capita_series,
       per_capita_kg, population, population_source, round(implied_per_capita_kg, 4) as implied_per_capita_kg,
       round(abs(implied_per_capita_kg - per_capita_kg) / nullif(per_capita_kg, 0), 4) as relative_difference
from compared
where abs(implied_per_capita_kg - per_capita_kg) > tolerance * per_capita_kg
order by relative_difference desc nulls first, zone_id, year, total_metric;

-- Total and per-capita pairs no population row lets the check above compare (for its report).
create or replace macro ewaste_per_capita_pairs_without_population() as table
select t.zone_id, t.year, t.source_id, t.category, t.metric as total_metric, p.metric as per_capita_metric
from ewaste_per_capita_pairs pairs
join ewaste_statistics t on t.metric = pairs.total_metric
join ewaste_statistics p on p.metric = pairs.per_capita_metric and p.zone_id = t.zone_id
                        and p.year = t.year and p.source_id = t.source_id and p.category = t.category
anti join (select distinct zone_id, year from ewaste_statistics where metric = 'population') pop
    on pop.zone_id = t.zone_id and pop.year = t.year
order by t.source_id, t.zone_id, t.year, t.metric;

-- Recycling rates ranked among the countries of one year, within one rate definition only.
-- "Recycled / collected" (Eurostat, EU/EEA rows of SDG 12.5.1) and "recycled / generated" (SDG,
-- Global E-waste Monitor) differ by the collection rate, so a country at 85 % of what it collected
-- may recycle under 40 % of what it generated: ranking the two together would be wrong. The
-- asset check `ewaste_rate_definitions_ranked_apart` fails if any view ranks them together.
-- One value per country, year and definition: Eurostat's own figure before OWID's copy of it.
create or replace view ewaste_recycling_rate_ranked as
with rates as (
    select zone_id, zone_name, year, rate_definition, value as recycling_rate_pct, flag, source_id, series
    from ewaste_statistics
    where metric = 'recycling_rate' and category = 'TOTAL' and zone_type = 'country'
    qualify row_number() over (partition by zone_id, year, rate_definition
                               order by source_id = 'eurostat_env_waselee' desc, source_id, series) = 1
)
select year, rate_definition, rank() over (partition by year, rate_definition
                                           order by recycling_rate_pct desc) as recycling_rank,
       count(*) over (partition by year, rate_definition) as countries_ranked,
       zone_id, zone_name, recycling_rate_pct, flag, source_id, series
from rates
order by year, rate_definition, recycling_rank, zone_id;


-- The same rows with the unit in the column name (docs/naming.md): exactly one of value_kt,
-- value_kg_per_capita, value_pct and population_persons is set on each row.
create or replace view ewaste_statistics_by_unit as
select zone_id, zone_name, zone_type, year, category, metric,
       case when unit = 'kt' then value end as value_kt,
       case when unit = 'kg/person' then value end as value_kg_per_capita,
       case when unit = 'percent' then value end as value_pct,
       case when unit = 'persons' then value end as population_persons,
       rate_definition, flag, series, source_id, source_vintage
from ewaste_statistics;
