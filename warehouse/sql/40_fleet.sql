-- requires: accelerator_shipments, grid_carbon_intensity_preferred, calculation_default
-- The accelerator fleet: from accelerators shipped to installed base, electricity, emissions
-- and the mass retired as e-waste, per shipment series (vendor, product family) and year.
--
--   from accelerator_fleet();                                        -- cited defaults
--   from accelerator_fleet(lifetime_years := 5, pue := 1.1, power_w := 700);
--
-- Cohort model. Units shipped in year S serve `lifetime_years` full years (S .. S+L-1) and are
-- retired in year S+L, so for year Y
--   installed base  = sum of shipments in years Y-L+1 .. Y
--   units retired   = shipments in year Y-L (NULL when that year has no recorded shipments:
--                     unknown, not zero)
--   energy (TWh)    = sum over installed cohorts of units x power_w x utilization x PUE
--                     x 8,760 h / 1e12
--                     (every installed unit is counted for the whole year)
--   emissions (Mt)  = energy (TWh) x world-average grid intensity (gCO2e/kWh) / 1,000
--   retired mass (t) = units retired x mass per unit (kg) / 1,000
-- Only calendar-year `units_shipped` rows are used: periods like 2023Q3 or FY2024 are not
-- years, and purchases by one buyer are not shipments. Forecasts are used where they are the
-- only figure and flagged by `includes_forecast`. Years run from a series' first shipment year
-- to its last: after the last recorded shipments the installed base would only shrink because
-- nothing more is recorded, not because fewer accelerators run, so no year past the data is
-- shown (no projection is made). `installed_base_complete` is false where a year of the window
-- has no recorded shipments (the installed base is then a lower bound). Series overlap (an
-- "all" total contains the vendor series), so rows are not to be summed across series.
--
-- Besides the cited series, each vendor gets a best-estimate series, product family
-- 'data-centre accelerators (best estimate)', from accelerator_unit_sales_best
-- (25_unit_sales.sql): the vendor's cited calendar-year figure where there is one, else NVIDIA's
-- units derived from Data Center revenue (NVIDIA only). Every quantity carries low / central /
-- high: central is the shipments' central estimate (the midpoint of a cited range, the low end
-- of a lower bound) carried through the same arithmetic. 41_fleet_unit_sales.sql feeds that
-- series in; without the chip revenue tables it is empty.
--
-- Defaults:
--   lifetime_years, utilization, pue NULL: the cited rows of calculation_defaults for 'fleet'
--                      (calculation_default() in 05_calculation_defaults.sql; pipelines/fleet.py
--                      reads the same rows).
--   power_w NULL       each cohort's reference accelerator's rated power (table below, or
--                      accelerator_specs_preferred.tdp_w when that view lists the model).
--   mass_kg NULL       the reference accelerator's mass (accelerator_specs_preferred.mass_kg
--                      from Boavizta gpu_specs.csv, else the cited default below).

-- Which accelerator stands for a shipment cohort, by vendor and shipment year. NVIDIA's data-
-- centre shipments were A100-era through 2022 and H100-era from 2023; "all (...)" series are
-- over 90 % NVIDIA by units (TechInsights, DIGITIMES in accelerator_shipments.csv), so they
-- follow NVIDIA. Masses are of the accelerator module with its heatsink. canonical_model_pattern
-- finds the model in accelerator_specs_preferred (keys from pipelines/hardware.py).
create or replace table fleet_reference_accelerators as
select * from (values
    ('nvidia%', 1990, 2022, 'NVIDIA A100 SXM4', 'a100-sxm%',
     400.0, 'NVIDIA A100 datasheet: max TDP 400 W (SXM4), https://www.nvidia.com/content/dam/en-zz/Solutions/Data-Center/a100/pdf/nvidia-a100-datasheet-us-nvidia-1758950-r4-web.pdf',
     1.56, 'Boavizta gpu_specs.csv (boaviztapi@15878f0): NVIDIA A100 SXM4 40GB, mass 1.56 kg'),
    ('nvidia%', 2023, 2100, 'NVIDIA H100 SXM5 80GB', 'h100-sxm%',
     700.0, 'NVIDIA H100 Tensor Core GPU Datasheet: max TDP up to 700 W (SXM), https://resources.nvidia.com/en-us-gpu-resources/h100-datasheet-24306',
     1.69, 'Boavizta gpu_specs.csv (boaviztapi@15878f0): NVIDIA H100 SXM 80GB, mass 1.69 kg'),
    ('all%', 1990, 2022, 'NVIDIA A100 SXM4', 'a100-sxm%',
     400.0, 'NVIDIA A100 datasheet: max TDP 400 W (SXM4), https://www.nvidia.com/content/dam/en-zz/Solutions/Data-Center/a100/pdf/nvidia-a100-datasheet-us-nvidia-1758950-r4-web.pdf',
     1.56, 'Boavizta gpu_specs.csv (boaviztapi@15878f0): NVIDIA A100 SXM4 40GB, mass 1.56 kg'),
    ('all%', 2023, 2100, 'NVIDIA H100 SXM5 80GB', 'h100-sxm%',
     700.0, 'NVIDIA H100 Tensor Core GPU Datasheet: max TDP up to 700 W (SXM), https://resources.nvidia.com/en-us-gpu-resources/h100-datasheet-24306',
     1.69, 'Boavizta gpu_specs.csv (boaviztapi@15878f0): NVIDIA H100 SXM 80GB, mass 1.69 kg'),
    ('amd%', 1990, 2100, 'AMD Instinct MI300X', 'mi300x%',
     750.0, 'AMD Instinct MI300X data sheet: peak total board power 750 W, https://www.amd.com/content/dam/amd/en/documents/instinct-tech-docs/data-sheets/amd-instinct-mi300x-data-sheet.pdf',
     1.69, 'Boavizta gpu_archetypes.csv "Large GPU" default weight 1.69 kg (no published MI300X mass)'),
    ('intel%', 1990, 2100, 'Intel Data Center GPU Max 1550', '%max-1550%',
     600.0, 'Intel Data Center GPU Max 1550: 600 W, https://meterpreter.org/amd-confirms-instinct-mi300x-power-consumption-up-to-750w',
     1.69, 'Boavizta gpu_archetypes.csv "Large GPU" default weight 1.69 kg (no published Max 1550 mass)'),
    ('google%', 1990, 2100, 'Google TPU v4', 'tpu-v4%',
     192.0, 'Google Cloud TPU v4 documentation: 192 W maximum per chip, quoted at https://glennklockwood.com/garden/tpuv4',
     1.69, 'Boavizta gpu_archetypes.csv "Large GPU" default weight 1.69 kg (no published TPU mass)')
) as t(vendor_pattern, first_year, last_year, reference_accelerator, canonical_model_pattern,
       default_power_w, power_citation, default_mass_kg, mass_citation);

-- Rated power and mass from the hardware tables when they exist: 41_fleet_specs.sql replaces
-- this empty view with one over accelerator_specs_preferred.
create or replace view fleet_accelerator_specs as
select null::varchar as canonical_model, null::double as spec_tdp_w, null::varchar as spec_tdp_source_id,
       null::double as spec_mass_kg
where false;

-- The best-estimate shipment series (41_fleet_unit_sales.sql replaces this empty view with one
-- over accelerator_unit_sales_best when the chip revenue tables exist).
create or replace view fleet_unit_sales_best as
select null::varchar as vendor, null::integer as year, null::varchar as method, null::double as units_low,
       null::double as units_central, null::double as units_high, null::boolean as is_forecast,
       null::varchar as citation, null::varchar as source_id, null::varchar as source_vintage
where false;

-- Inside the macro no column may share a parameter's name (lifetime_years, utilization, pue,
-- power_w, mass_kg): DuckDB would read the parameter instead of the column.
-- A macro parameter's default cannot be a query, so NULL stands for the cited default.
create or replace macro accelerator_fleet(lifetime_years := NULL, utilization := NULL, pue := NULL,
                                          power_w := NULL, mass_kg := NULL) as table
with given as (
    select coalesce(lifetime_years, calculation_default('lifetime_years', 'fleet')) as g_lifetime,
           coalesce(utilization, calculation_default('utilization', 'fleet')) as g_utilization,
           coalesce(pue, calculation_default('pue', 'fleet')) as g_pue
),
params as (
    select
        case when g_lifetime is null or g_lifetime < 1 or g_lifetime <> floor(g_lifetime)
             then error('accelerator_fleet: lifetime_years must be a whole number of years >= 1')
             else g_lifetime::integer end as p_lifetime,
        case when g_utilization is null or g_utilization <= 0 or g_utilization > 1
             then error('accelerator_fleet: utilization must be in (0, 1]')
             else g_utilization::double end as p_utilization,
        case when g_pue is null or g_pue < 1
             then error('accelerator_fleet: pue must be >= 1')
             else g_pue::double end as p_pue,
        case when power_w is not null and power_w <= 0
             then error('accelerator_fleet: power_w must be > 0')
             else power_w::double end as p_power_w,
        case when mass_kg is not null and mass_kg <= 0
             then error('accelerator_fleet: mass_kg must be > 0')
             else mass_kg::double end as p_mass_kg
    from given
),
cited_shipments as (
    -- One figure per series and year; where publishers differ, the widest range. A missing
    -- upper bound ("over 300,000") leaves the high end unknown.
    select vendor, product_family, try_cast(period as integer) as year,
           min(units_low) as units_low,
           case when count(units_high) = count(*) then max(units_high) end as units_high,
           bool_or(is_forecast) as is_forecast,
           max(source_id) as source_id, max(source_vintage) as source_vintage,
           string_agg(distinct citation_url, ' ; ' order by citation_url) as citation
    from accelerator_shipments
    where metric = 'units_shipped' and regexp_full_match(trim(period), '[0-9]{4}') and units_low is not null
    group by vendor, product_family, try_cast(period as integer)
),
shipments as (
    select vendor, product_family, year, units_low,
           case when units_high is null then units_low else (units_low + units_high) / 2 end as units_central,
           units_high, is_forecast, source_id, source_vintage, citation
    from cited_shipments
    union all
    select vendor, 'data-centre accelerators (best estimate)' as product_family, year, units_low, units_central,
           units_high, is_forecast, source_id, source_vintage, method || ': ' || citation as citation
    from fleet_unit_sales_best
),
specs as (
    select r.vendor_pattern, r.first_year,
           first(s.spec_tdp_w order by s.canonical_model) filter (where s.spec_tdp_w is not null) as spec_tdp_w,
           first(s.canonical_model || coalesce(', tdp_w from ' || s.spec_tdp_source_id, '') order by s.canonical_model)
               filter (where s.spec_tdp_w is not null) as tdp_model,
           first(s.spec_mass_kg order by s.canonical_model) filter (where s.spec_mass_kg is not null) as spec_mass_kg,
           first(s.canonical_model order by s.canonical_model) filter (where s.spec_mass_kg is not null) as mass_model
    from fleet_reference_accelerators r
    join fleet_accelerator_specs s on s.canonical_model like r.canonical_model_pattern
    group by r.vendor_pattern, r.first_year
),
cohorts as (
    -- Each shipment year with the power and mass that stand for its units.
    select sh.*, r.reference_accelerator,
           coalesce(p.p_power_w, sp.spec_tdp_w, r.default_power_w) as cohort_power_w,
           case when p.p_power_w is not null then 'parameter power_w'
                when sp.spec_tdp_w is not null then r.reference_accelerator || ': accelerator_specs_preferred (' || sp.tdp_model || ')'
                when r.default_power_w is not null then r.reference_accelerator || ': ' || r.power_citation
                else 'no reference accelerator for this vendor: pass power_w' end as power_basis,
           coalesce(p.p_mass_kg, sp.spec_mass_kg, r.default_mass_kg) as cohort_mass_kg,
           case when p.p_mass_kg is not null then 'parameter mass_kg'
                when sp.spec_mass_kg is not null then r.reference_accelerator || ': accelerator_specs_preferred (' || sp.mass_model || ')'
                when r.default_mass_kg is not null then r.reference_accelerator || ': ' || r.mass_citation
                else 'no reference accelerator for this vendor: pass mass_kg' end as mass_basis
    from shipments sh
    cross join params p
    left join fleet_reference_accelerators r
           on lower(sh.vendor) like r.vendor_pattern and sh.year between r.first_year and r.last_year
    left join specs sp on sp.vendor_pattern = r.vendor_pattern and sp.first_year = r.first_year
),
series as (
    select vendor, product_family, min(year) as first_year, max(year) as last_year,
           max(source_id) as source_id, max(source_vintage) as source_vintage,
           string_agg(distinct citation, ' ; ' order by citation) as citation
    from shipments group by vendor, product_family
),
years as (
    select s.*, unnest(range(s.first_year, s.last_year + 1)) as year
    from series s cross join params p
),
installed as (
    select y.vendor, y.product_family, y.year,
           -- A cohort without an upper bound leaves the window's upper bound unknown (NULL).
           coalesce(sum(c.units_low), 0) as installed_low,
           coalesce(sum(c.units_central), 0) as installed_central,
           case when count(c.year) = count(c.units_high) then coalesce(sum(c.units_high), 0) end as installed_high,
           count(c.year) = any_value(p.p_lifetime) as installed_complete,
           coalesce(sum(c.units_low * c.cohort_power_w), 0) as watts_low,
           coalesce(sum(c.units_central * c.cohort_power_w), 0) as watts_central,
           case when count(c.year) = count(c.units_high)
                then coalesce(sum(c.units_high * c.cohort_power_w), 0) end as watts_high,
           count(c.year) > count(c.cohort_power_w) as power_missing,
           coalesce(bool_or(c.is_forecast), false) as installed_forecast,
           string_agg(distinct c.power_basis, ' | ' order by c.power_basis) as power_basis
    from years y
    cross join params p
    left join cohorts c on c.vendor = y.vendor and c.product_family = y.product_family
                       and c.year between y.year - p.p_lifetime + 1 and y.year
    group by y.vendor, y.product_family, y.year
),
world_intensity as (
    select year, gco2e_per_kwh, source_id, data_year
    from grid_carbon_intensity_preferred where zone_id = 'WLD'
),
fleet_rows as (
    select y.year, y.vendor, y.product_family,
           shipped.year is not null as shipments_recorded,
           shipped.units_low as units_shipped_low, shipped.units_central as units_shipped_central,
           shipped.units_high as units_shipped_high,
           p.p_lifetime as lifetime_years,
           i.installed_low as installed_base_low, i.installed_central as installed_base_central,
           i.installed_high as installed_base_high,
           i.installed_complete as installed_base_complete,
           retired.units_low as units_retired_low, retired.units_central as units_retired_central,
           retired.units_high as units_retired_high,
           p.p_utilization as utilization_fraction, p.p_pue as pue,
           case when i.installed_low > 0 and not i.power_missing then i.watts_low / i.installed_low end as avg_power_w,
           coalesce(i.power_basis, 'no units installed') as power_basis,
           case when not i.power_missing then i.watts_low * p.p_utilization * p.p_pue * 8760 / 1e12 end as energy_twh_low,
           case when not i.power_missing then i.watts_central * p.p_utilization * p.p_pue * 8760 / 1e12 end
               as energy_twh_central,
           case when not i.power_missing then i.watts_high * p.p_utilization * p.p_pue * 8760 / 1e12 end as energy_twh_high,
           retired.cohort_mass_kg as mass_kg_per_unit,
           retired.mass_basis as mass_basis,
           i.installed_forecast or coalesce(shipped.is_forecast, false) or coalesce(retired.is_forecast, false)
               as includes_forecast,
           y.source_id, y.source_vintage, y.citation as shipments_citation
    from years y
    cross join params p
    join installed i on i.vendor = y.vendor and i.product_family = y.product_family and i.year = y.year
    left join cohorts shipped on shipped.vendor = y.vendor and shipped.product_family = y.product_family
                             and shipped.year = y.year
    left join cohorts retired on retired.vendor = y.vendor and retired.product_family = y.product_family
                             and retired.year = y.year - p.p_lifetime
)
select r.year, r.vendor, r.product_family, r.shipments_recorded, r.units_shipped_low, r.units_shipped_central,
       r.units_shipped_high, r.lifetime_years, r.installed_base_low, r.installed_base_central, r.installed_base_high,
       r.installed_base_complete, r.units_retired_low, r.units_retired_central, r.units_retired_high,
       r.utilization_fraction, r.pue, r.avg_power_w, r.power_basis, r.energy_twh_low, r.energy_twh_central, r.energy_twh_high,
       'WLD' as grid_zone_id, w.gco2e_per_kwh as intensity_gco2e_per_kwh,
       w.source_id as intensity_source_id, w.data_year as intensity_data_year,
       r.year <> w.data_year as intensity_is_carried_forward,
       r.energy_twh_low * w.gco2e_per_kwh / 1000 as emissions_mtco2e_low,
       r.energy_twh_central * w.gco2e_per_kwh / 1000 as emissions_mtco2e_central,
       r.energy_twh_high * w.gco2e_per_kwh / 1000 as emissions_mtco2e_high,
       r.mass_kg_per_unit, r.mass_basis,
       r.units_retired_low * r.mass_kg_per_unit / 1000 as retired_mass_t_low,
       r.units_retired_central * r.mass_kg_per_unit / 1000 as retired_mass_t_central,
       r.units_retired_high * r.mass_kg_per_unit / 1000 as retired_mass_t_high,
       r.includes_forecast, r.shipments_citation, r.source_id, r.source_vintage
from fleet_rows r
-- Years after the latest world intensity reuse it (flagged by intensity_is_carried_forward).
asof left join world_intensity w on r.year >= w.year
order by r.vendor, r.product_family, r.year;
