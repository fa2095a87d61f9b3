-- requires: calculation_defaults
-- The cited default of a calculation's parameter (pipelines/curated/calculation_defaults.csv,
-- published as calculation_defaults): the row for that calculation, else the row for 'all'.
-- The Python side reads the same file (pipelines/calculation_defaults.py).
--
--   select calculation_default('pue', 'fleet');   -- 1.25
create or replace macro calculation_default(parameter_name, calculation) as (
    select value_central from calculation_defaults
    where parameter = parameter_name and applies_to in (calculation, 'all')
    order by applies_to = 'all'
    limit 1
);
