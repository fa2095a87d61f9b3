-- requires: accelerator_specs, source_priority
-- One row per accelerator (canonical_model), chosen by source priority (lower rank wins).
--
-- Ranks are declared on each source (`priority={"accelerator_specs": N}` in
-- pipelines/sources/<source_id>.py; the warehouse writes them to `source_priority`, and
-- pipelines/hardware.py reads the same ranks). A source without a rank comes after every ranked
-- one. Why this order: ML CO2 Impact
-- cites a datasheet per row and gives TDP, memory and peak FLOP/s; Green Algorithms gives TDP
-- (often the same upstream figures); Boavizta gives no TDP but the physical description
-- (card mass, memory) the others lack; Epoch AI's ML hardware database covers the ML chips
-- the tool datasets lack (Gaudi, Trainium, Ascend, TPU v5e ... with datasheet links, TDP for
-- 153 of 176); hand-curated datasheet figures (curated_chips,
-- pipelines/curated/accelerator_specs_curated.csv, one citation per row) come last, so they
-- only fill models and columns the open datasets lack (H200, B200, MI300X; V100 16 GB TDP).
--
-- Identity (vendor, model, kind, source_id, source_vintage) comes from the best-ranked source
-- that lists the model. Each value column is filled per column: the best-ranked source that
-- gives a value for that column, so an H100 SXM gets ML CO2 Impact's 700 W and Boavizta's
-- 1.69 kg. `tdp_source_id` names where tdp_w came from; `filled_from` lists every other column
-- taken from a source other than `source_id`, and `<field>_source_id` names every field's source.

create or replace table accelerator_source_priority as
select source_id, priority_rank from source_priority
where table_name = 'accelerator_specs' order by priority_rank;

create or replace view accelerator_specs_ranked as
select s.*,
       row_number() over (
           partition by s.canonical_model
           order by p.priority_rank nulls last, s.source_id, s.model
       ) as preference
from accelerator_specs s
left join accelerator_source_priority p using (source_id);

create or replace view accelerator_specs_preferred as
with per_column as (
    select canonical_model,
           arg_min(vendor, preference) as vendor,
           arg_min(model, preference) as model,
           arg_min(kind, preference) as kind,
           arg_min(source_id, preference) as source_id,
           arg_min(source_vintage, preference) as source_vintage,
           arg_min(tdp_w, preference) filter (where tdp_w is not null) as tdp_w,
           arg_min(source_id, preference) filter (where tdp_w is not null) as tdp_source_id,
           arg_min(memory_gb, preference) filter (where memory_gb is not null) as memory_gb,
           arg_min(source_id, preference) filter (where memory_gb is not null) as memory_source_id,
           arg_min(release_year, preference) filter (where release_year is not null) as release_year,
           arg_min(source_id, preference) filter (where release_year is not null) as release_year_source_id,
           arg_min(peak_tflops_fp16, preference) filter (where peak_tflops_fp16 is not null) as peak_tflops_fp16,
           arg_min(source_id, preference) filter (where peak_tflops_fp16 is not null) as fp16_source_id,
           arg_min(peak_tflops_fp32, preference) filter (where peak_tflops_fp32 is not null) as peak_tflops_fp32,
           arg_min(source_id, preference) filter (where peak_tflops_fp32 is not null) as fp32_source_id,
           arg_min(mass_kg, preference) filter (where mass_kg is not null) as mass_kg,
           arg_min(source_id, preference) filter (where mass_kg is not null) as mass_source_id,
           arg_min(process_nm, preference) filter (where process_nm is not null) as process_nm,
           arg_min(source_id, preference) filter (where process_nm is not null) as process_source_id,
           arg_min(die_area_mm2, preference) filter (where die_area_mm2 is not null) as die_area_mm2,
           arg_min(source_id, preference) filter (where die_area_mm2 is not null) as die_area_source_id,
           string_agg(source_id, ', ' order by preference) as all_source_ids
    from accelerator_specs_ranked
    group by canonical_model
)
select canonical_model, vendor, model, kind, tdp_w, memory_gb, release_year, peak_tflops_fp16, peak_tflops_fp32,
       mass_kg, source_id, source_vintage, tdp_source_id, process_nm, die_area_mm2,
       nullif(concat_ws('; ',
           case when memory_source_id <> source_id then 'memory_gb: ' || memory_source_id end,
           case when release_year_source_id <> source_id then 'release_year: ' || release_year_source_id end,
           case when fp16_source_id <> source_id then 'peak_tflops_fp16: ' || fp16_source_id end,
           case when fp32_source_id <> source_id then 'peak_tflops_fp32: ' || fp32_source_id end,
           case when mass_source_id <> source_id then 'mass_kg: ' || mass_source_id end,
           case when tdp_source_id <> source_id then 'tdp_w: ' || tdp_source_id end), '') as filled_from,
       all_source_ids,
       -- Every field's source by name (NULL where no source gives the field).
       memory_source_id, release_year_source_id, fp16_source_id, fp32_source_id, mass_source_id,
       process_source_id, die_area_source_id
from per_column;

-- Accelerators whose sources' TDPs differ by more than `threshold` of their mean.
create or replace macro accelerator_tdp_disagreements(threshold) as table
with spread as (
    select canonical_model, count(*) as n_values,
           min(tdp_w) as min_tdp_w, max(tdp_w) as max_tdp_w,
           round((max(tdp_w) - min(tdp_w)) / avg(tdp_w), 3) as relative_spread,
           string_agg(source_id || ':' || model || '=' || tdp_w, ', ' order by tdp_w) as source_values
    from accelerator_specs
    where tdp_w is not null
    group by canonical_model
    having count(*) > 1
)
select * from spread where relative_spread > threshold
order by relative_spread desc, canonical_model;
