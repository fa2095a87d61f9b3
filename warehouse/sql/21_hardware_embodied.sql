-- requires: hardware_embodied_emissions
-- One manufacturing-emissions figure per accelerator (rows whose embodied_kgco2e is for one unit of a
-- canonical model), chosen in this order:
--   1. evidence: the manufacturer's product carbon footprint, then an independent LCA study,
--      then a parametric model (ADEME/Hubblo, Boavizta), then a literature estimate;
--   2. cited, hand-curated figures before Boavizta's modelled ones;
--   3. a cradle-to-gate boundary before wider ones (comparable with manufacturers' PCFs);
--   4. the most recently published.
-- Kept in its own file (not 20_hardware.sql) so the view exists whenever this table does,
-- whether or not accelerator_specs published.

create or replace view accelerator_embodied_preferred as
select canonical_model, embodied_kgco2e as kgco2e_per_device, boundary, method, source_id, source_vintage,
       item, method_type, citation_url as url
from (
    select e.*,
           row_number() over (
               partition by e.canonical_model
               order by case e.method_type when 'manufacturer_pcf' then 1 when 'lca_study' then 2
                                           when 'parametric_model' then 3 else 4 end,
                        case e.source_id when 'curated_chips' then 0 else 1 end,
                        case when e.boundary like 'cradle-to-gate%' then 0 else 1 end,
                        e.citation_published desc nulls last,
                        e.item
           ) as preference
    from hardware_embodied_emissions e
    where e.canonical_model is not null
)
where preference = 1;
