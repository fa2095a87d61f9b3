-- requires: accelerator_fleet_footprint, ai_training_runs, accelerator_shipments, datacenter_pue, equivalences, hardware_embodied_emissions, chip_company_financials, generation_emission_factors, grid_intensity_halfhourly, training_footprint_estimates
-- Generated from schemas/renames.py by `python -m pipelines.legacy_views`; edit that, not this file.
-- The column names published before the naming convention (docs/naming.md), kept readable
-- for one release as views in the schema `legacy`: `from legacy.<table>` returns every
-- column, renamed ones under their old names. Removed in the release after next.
create schema if not exists legacy;

create or replace view legacy.accelerator_fleet_footprint as
select * rename (utilization_fraction as utilization, avg_power_w as power_w_avg, emissions_mtco2e_low as emissions_mt_co2e_low, emissions_mtco2e_central as emissions_mt_co2e_central, emissions_mtco2e_high as emissions_mt_co2e_high)
from main.accelerator_fleet_footprint;

create or replace view legacy.ai_training_runs as
select * rename (citation_publisher as publisher, citation_title as title, citation_url as url, citation_published as published, citation_note as note, reported_market_based_tco2e as reported_tco2e_market_based)
from main.ai_training_runs;

create or replace view legacy.accelerator_shipments as
select * rename (citation_publisher as publisher, citation_title as title, citation_url as url, citation_published as published, citation_note as note)
from main.accelerator_shipments;

create or replace view legacy.datacenter_pue as
select * rename (citation_publisher as publisher, citation_title as title, citation_url as url, citation_published as published, citation_note as note)
from main.datacenter_pue;

create or replace view legacy.equivalences as
select * rename (citation_publisher as publisher, citation_title as title, citation_url as url, citation_published as published, citation_note as note)
from main.equivalences;

create or replace view legacy.hardware_embodied_emissions as
select * rename (citation_publisher as publisher, citation_title as title, citation_url as url, citation_published as published, citation_note as note, embodied_kgco2e as kgco2e)
from main.hardware_embodied_emissions;

create or replace view legacy.chip_company_financials as
select * rename (filed_date as filed)
from main.chip_company_financials;

create or replace view legacy.generation_emission_factors as
select * rename (valid_from_date as valid_from)
from main.generation_emission_factors;

create or replace view legacy.grid_intensity_halfhourly as
select * rename (period_start_utc as period_start, period_end_utc as period_end)
from main.grid_intensity_halfhourly;

create or replace view legacy.training_footprint_estimates as
select * rename (is_zone_assumed as zone_is_assumed)
from main.training_footprint_estimates;
