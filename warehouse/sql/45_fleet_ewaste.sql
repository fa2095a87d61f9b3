-- requires: accelerator_fleet_footprint, ewaste_statistics
-- Retired accelerators beside the world's e-waste: how much of it AI hardware is, and how the
-- fleet model compares with the published generative-AI e-waste estimates.
--
-- For each fleet series and year: retired mass (t, low/high from the shipment range, as the
-- fleet table gives it), the world's e-waste generated that year (Global E-waste Monitor, kt x
-- 1,000; the latest earlier figure where that year has none, with its year), and the retired
-- mass as a share of it. Series overlap ("all" contains the vendor series): do not sum rows.
-- The mass per unit is the fleet's (accelerator_specs_preferred.mass_kg, else the cited default
-- in 40_fleet.sql): one accelerator module, not the server around it, so this is a lower bound
-- of AI hardware e-waste; Wang et al. (2024) count whole servers.
create or replace view fleet_ewaste_by_year as
with world_generated as (
    select year, value * 1000 as world_ewaste_generated_t, series as world_series, source_id as world_source_id
    from ewaste_statistics
    where zone_id = 'WLD' and metric = 'generated' and category = 'TOTAL'
    qualify row_number() over (partition by year order by series desc, source_id) = 1
),
genai as (
    select year, max(value) filter (where metric = 'genai_ewaste_generated') * 1000 as genai_ewaste_t,
           max(value) filter (where metric = 'projected_genai_ewaste_generated_high') * 1000
               as genai_ewaste_projected_high_t
    from ewaste_statistics
    where zone_id = 'WLD' and metric in ('genai_ewaste_generated', 'projected_genai_ewaste_generated_high')
    group by year
)
select f.year, f.vendor, f.product_family, f.units_retired_low, f.units_retired_high, f.mass_kg_per_unit,
       f.mass_basis, f.retired_mass_t_low, f.retired_mass_t_high,
       w.world_ewaste_generated_t, w.year as world_ewaste_year, f.year <> w.year as world_ewaste_is_carried_forward,
       round(100 * f.retired_mass_t_low / w.world_ewaste_generated_t, 6) as retired_share_of_world_ewaste_pct_low,
       round(100 * f.retired_mass_t_high / w.world_ewaste_generated_t, 6) as retired_share_of_world_ewaste_pct_high,
       g.genai_ewaste_t, g.genai_ewaste_projected_high_t, f.includes_forecast, f.source_id, f.source_vintage
from accelerator_fleet_footprint f
asof left join world_generated w on f.year >= w.year
left join genai g on g.year = f.year
order by f.vendor, f.product_family, f.year;

-- Published estimates of e-waste from generative-AI servers, side by side (Wang et al. 2024,
-- Nature Computational Science, and the curated headline rows), for reading against the fleet.
create or replace view genai_ewaste_estimates as
select year, metric, value * 1000 as ewaste_t, series, citation_publisher, citation_title, citation_url,
       citation_note, source_id
from ewaste_statistics
where metric like '%genai%'
order by year, metric;
