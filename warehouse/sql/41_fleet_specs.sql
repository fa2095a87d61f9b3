-- requires: accelerator_specs_preferred, fleet_accelerator_specs
-- Feed the fleet calculation the rated power and mass of its reference accelerators from the
-- hardware tables (accelerator_specs_preferred: tdp_w, and mass_kg from Boavizta gpu_specs),
-- matched on canonical_model.
--
-- Why through JSON: that view belongs to the chips tables, and a column it lacks or renames must
-- leave the cited defaults of 40_fleet.sql in force rather than fail every publish; each field
-- is read by name from the row as JSON and is NULL when absent.
create or replace view fleet_accelerator_specs as
select row_json ->> 'canonical_model' as canonical_model,
       try_cast(row_json ->> 'tdp_w' as double) as spec_tdp_w,
       row_json ->> 'tdp_source_id' as spec_tdp_source_id,
       try_cast(row_json ->> 'mass_kg' as double) as spec_mass_kg
from (select to_json(specs) as row_json from accelerator_specs_preferred specs)
where row_json ->> 'canonical_model' is not null;
