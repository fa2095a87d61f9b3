-- requires: ai_training_runs
-- The same training run as two sources give it (rows sharing run_key, pipelines/training_runs.py),
-- side by side, with the fields on which they disagree. Both rows stay in ai_training_runs; this
-- only lists them. Counts, hours, accelerator-hours and energy disagree when they differ by
-- more than 1 % of the larger; hardware when the names resolve to different canonical
-- accelerators (or only one resolves). Energy is what each source states: the reported energy,
-- else Epoch's modelled cluster power x training time (which includes data-centre overhead, so
-- it is expected above a GPU-only figure such as BLOOM's).
create or replace view training_run_disagreements as
with runs as (
    select *, coalesce(gpu_hours, hardware_count * training_hours) as device_hours,
           coalesce(reported_energy_mwh, cluster_power_draw_w * training_hours / 1e6) as stated_energy_mwh
    from ai_training_runs where run_key is not null
),
pairs as (
    select a.run_key,
           a.source_id as source_id_a, a.model as model_a, b.source_id as source_id_b, b.model as model_b,
           a.hardware as hardware_a, b.hardware as hardware_b,
           a.canonical_model as canonical_model_a, b.canonical_model as canonical_model_b,
           a.hardware_count as hardware_count_a, b.hardware_count as hardware_count_b,
           a.training_hours as training_hours_a, b.training_hours as training_hours_b,
           a.device_hours as device_hours_a, b.device_hours as device_hours_b,
           a.stated_energy_mwh as stated_energy_mwh_a, b.stated_energy_mwh as stated_energy_mwh_b,
           a.year as year_a, b.year as year_b
    from runs a join runs b on a.run_key = b.run_key and a.source_id < b.source_id
)
select *,
       nullif(concat_ws(', ',
           case when canonical_model_a is distinct from canonical_model_b
                     and (hardware_a is not null and hardware_b is not null) then 'hardware' end,
           case when abs(hardware_count_a - hardware_count_b) > 0.01 * greatest(hardware_count_a, hardware_count_b)
                then 'hardware_count' end,
           case when abs(training_hours_a - training_hours_b) > 0.01 * greatest(training_hours_a, training_hours_b)
                then 'training_hours' end,
           case when abs(device_hours_a - device_hours_b) > 0.01 * greatest(device_hours_a, device_hours_b)
                then 'device_hours' end,
           case when abs(stated_energy_mwh_a - stated_energy_mwh_b)
                     > 0.01 * greatest(stated_energy_mwh_a, stated_energy_mwh_b) then 'energy' end,
           case when year_a <> year_b then 'year' end), '') as differing_fields
from pairs
order by run_key, source_id_a, source_id_b;
