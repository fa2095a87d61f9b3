-- requires: ai_training_runs, accelerator_shipments, datacenter_pue, equivalences, hardware_embodied_emissions, chip_company_financials, generation_emission_factors, grid_intensity_halfhourly, training_footprint_estimates
-- Generated from schemas/renames.py by `python -m pipelines.legacy_views`; edit that, not this file.
-- The column names published before the naming convention (docs/naming.md), kept readable
-- for one release as views in the schema `legacy`: `from legacy.<table>` returns every
-- column, renamed ones under their old names. Removed in the release after next.
create schema if not exists legacy;

create or replace view legacy.ai_training_runs as
select source_id,
       source_vintage,
       model,
       organization,
       year,
       hardware,
       canonical_model,
       hardware_count,
       training_hours,
       gpu_hours,
       power_w,
       pue,
       location,
       zone_id,
       grid_gco2e_per_kwh,
       reported_energy_mwh,
       reported_tco2e,
       reported_market_based_tco2e as reported_tco2e_market_based,
       training_compute_flop,
       parameter_count,
       hardware_utilization_fraction,
       cluster_power_draw_w,
       organization_country,
       run_key,
       citation_publisher as publisher,
       citation_title as title,
       citation_url as url,
       citation_published as published,
       citation_note as note,
       source_file
from main.ai_training_runs;

create or replace view legacy.accelerator_shipments as
select source_id,
       source_vintage,
       vendor,
       product_family,
       period,
       metric,
       units_low,
       units_high,
       unit,
       is_forecast,
       citation_publisher as publisher,
       citation_title as title,
       citation_url as url,
       citation_published as published,
       citation_note as note,
       via_url,
       source_file
from main.accelerator_shipments;

create or replace view legacy.datacenter_pue as
select source_id,
       source_vintage,
       scope,
       entity,
       year,
       pue,
       citation_publisher as publisher,
       citation_title as title,
       citation_url as url,
       citation_published as published,
       citation_note as note,
       source_file
from main.datacenter_pue;

create or replace view legacy.equivalences as
select source_id,
       source_vintage,
       key,
       description,
       value,
       unit,
       citation_publisher as publisher,
       citation_title as title,
       citation_url as url,
       citation_published as published,
       citation_note as note,
       source_file
from main.equivalences;

create or replace view legacy.hardware_embodied_emissions as
select source_id,
       source_vintage,
       item,
       canonical_model,
       embodied_kgco2e as kgco2e,
       boundary,
       method,
       method_type,
       citation_publisher as publisher,
       citation_title as title,
       citation_url as url,
       citation_published as published,
       citation_note as note,
       source_file
from main.hardware_embodied_emissions;

create or replace view legacy.chip_company_financials as
select source_id,
       source_vintage,
       company,
       cik,
       fiscal_year,
       fiscal_period,
       period_start,
       period_end,
       metric,
       value,
       unit,
       form,
       filed_date as filed,
       accn,
       source_file
from main.chip_company_financials;

create or replace view legacy.generation_emission_factors as
select source_id,
       source_vintage,
       technology,
       technology_as_published,
       basis,
       gco2e_per_kwh,
       valid_from_date as valid_from,
       source_note,
       source_file
from main.generation_emission_factors;

create or replace view legacy.grid_intensity_halfhourly as
select source_id,
       source_vintage,
       zone_id,
       zone_name,
       period_start_utc as period_start,
       period_end_utc as period_end,
       forecast_gco2_per_kwh,
       actual_gco2_per_kwh,
       intensity_index,
       source_file
from main.grid_intensity_halfhourly;

create or replace view legacy.training_footprint_estimates as
select source_id,
       source_vintage,
       model,
       organization,
       year,
       run_key,
       hardware,
       canonical_model,
       method,
       device_hours_low,
       device_hours_central,
       device_hours_high,
       training_compute_flop,
       peak_tflops,
       utilization_fraction_low,
       utilization_fraction_central,
       utilization_fraction_high,
       utilization_basis,
       tdp_w,
       tdp_source_id,
       tdp_source_vintage,
       pue,
       pue_source_id,
       pue_source_vintage,
       zone_id,
       is_zone_assumed as zone_is_assumed,
       gco2e_per_kwh,
       intensity_source_id,
       intensity_source_vintage,
       intensity_data_year,
       intensity_is_carried_forward,
       embodied_kgco2e_per_device,
       embodied_source_id,
       embodied_source_vintage,
       estimated_energy_mwh_low,
       estimated_energy_mwh_central,
       estimated_energy_mwh_high,
       estimated_operational_tco2e_low,
       estimated_operational_tco2e_central,
       estimated_operational_tco2e_high,
       estimated_embodied_tco2e_low,
       estimated_embodied_tco2e_central,
       estimated_embodied_tco2e_high,
       source_power_draw_energy_mwh,
       reported_energy_mwh,
       reported_tco2e,
       energy_ratio,
       tco2e_ratio,
       not_estimated_reason
from main.training_footprint_estimates;
