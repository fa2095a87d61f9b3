-- requires: accelerator_unit_sales_best, fleet_unit_sales_best
-- Feed the fleet's best-estimate shipment series (40_fleet.sql) from accelerator_unit_sales_best
-- (25_unit_sales.sql), which exists when the chip revenue tables do; otherwise 40_fleet.sql's
-- empty view stays and the fleet shows the cited series only.
create or replace view fleet_unit_sales_best as
select vendor, year, method, units_low, units_central, units_high, is_forecast, citation, source_id,
       source_vintage
from accelerator_unit_sales_best;
