-- requires: ai_training_runs, accelerator_shipments, datacenter_pue, equivalences, hardware_embodied_emissions
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
