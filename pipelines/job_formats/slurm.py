"""SLURM accounting (`sacct --parsable2`) as a jobs table.

    sacct --parsable2 --allusers --format JobID,Start,End,Elapsed,AllocTRES,Partition,Cluster,NodeList,State

The file is pipe-separated with a header line. One job is one allocation row: step rows
(`123.batch`, `123.extern`, `123.0`, `123_4.batch`, `123+1.0`) repeat their allocation's
resources and are left out, so nothing is counted twice; array tasks (`123_4`) and the
components of a heterogeneous job (`123+0`, `123+1`) are jobs of their own.

* GPUs: `gres/gpu=N` in AllocTRES is the job's total; `gres/gpu:<type>=N` lists the same GPUs
  by type, so the typed entries are summed only when the untyped total is absent.
* hours: Elapsed (`[D-]HH:MM:SS` or `MM:SS`), else End - Start.
* start: Start, cluster-local without an offset, converted to UTC with the mapping's time zone.
* hardware, zone and PUE: from the mapping file (pipelines/job_formats/mapping.py).

Rows a user may not want are left out with a `left_out` note rather than an error: jobs in a
state not included (default: jobs that have ended), jobs that never ran (Elapsed 0) and jobs
without a GPU. Rows that cannot be read carry a `reason`.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

from pipelines.job_formats.mapping import Mapping

REQUIRED_COLUMNS = ("JobID", "Start", "End", "Elapsed", "AllocTRES")
OPTIONAL_COLUMNS = ("Partition", "Cluster", "NodeList", "State", "JobName", "User", "Account")
# Jobs that have ended and used their allocation; RUNNING (its Elapsed is still growing),
# PENDING and REQUEUED are left out unless asked for.
DEFAULT_STATES = (
    "COMPLETED",
    "FAILED",
    "TIMEOUT",
    "CANCELLED",
    "OUT_OF_MEMORY",
    "NODE_FAIL",
    "PREEMPTED",
    "BOOT_FAIL",
    "DEADLINE",
)


def looks_like(header: list[str]) -> bool:
    return "JobID" in header and "AllocTRES" in header


def parse_states(text: str | None) -> tuple[str, ...] | None:
    """`--include-states` ('COMPLETED,RUNNING' or 'all') -> states, None for all."""
    if text is None:
        return DEFAULT_STATES
    states = tuple(s.strip().upper() for s in text.split(",") if s.strip())
    return None if states == ("ALL",) else states


def read_sacct(
    path: str | Path,
    mapping: Mapping | None = None,
    *,
    con: duckdb.DuckDBPyConnection | None = None,
    include_states: tuple[str, ...] | None = DEFAULT_STATES,
) -> duckdb.DuckDBPyRelation:
    """The allocations of a `sacct --parsable2` export as a jobs relation (see the module docstring).

    `include_states=None` keeps every state. The relation has a `left_out` column (why a row is
    not a job to compute, else NULL) and a `reason` column (why it cannot be read, else NULL).
    """
    from pipelines.job_formats.mapping import load_mapping

    con = con if con is not None else duckdb.connect()
    return con.sql(sacct_sql(path, mapping if mapping is not None else load_mapping(None), con, include_states))


def sacct_sql(
    path: str | Path, mapping: Mapping, con: duckdb.DuckDBPyConnection, include_states: tuple[str, ...] | None
) -> str:
    """The reader's query; it reads the mapping tables it registers on `con`."""
    from pipelines.job_formats import JobFormatError, read_header

    header = read_header(path, delimiter="|")
    folded = {name.lower(): name for name in header}
    missing = [c for c in REQUIRED_COLUMNS if c.lower() not in folded]
    if missing:
        raise JobFormatError(
            f"{path}: not a `sacct --parsable2` export this reader knows: missing column(s) "
            f"{missing} (it reads {list(REQUIRED_COLUMNS)} and optionally "
            f"{list(OPTIONAL_COLUMNS)}); columns are {header}"
        )

    def column(name: str) -> str:
        return f"nullif(trim(\"{folded[name.lower()]}\"), '')" if name.lower() in folded else "null::varchar"

    _register_mapping(con, mapping)
    states = (
        "true"
        if include_states is None
        else "state_name in (" + ", ".join("'" + s.replace("'", "''") + "'" for s in include_states) + ")"
    )
    state_list = "all" if include_states is None else ",".join(include_states)
    elapsed = r"^(?:(\d+)-)?(?:(\d+):)?(\d+):(\d+(?:\.\d+)?)$"
    return f"""
        with line as (
            select row_number() over () + 1 as source_line, *
            from read_csv('{str(path).replace("'", "''")}', delim = '|', header = true, all_varchar = true,
                          quote = '', escape = '', null_padding = true, auto_detect = false,
                          columns = {{{", ".join(f"'{c}': 'VARCHAR'" for c in header)}}})
        ),
        allocation as (
            select source_line, {column("JobID")} as slurm_job_id, {column("Start")} as start_text,
                   {column("End")} as end_text, {column("Elapsed")} as elapsed_text,
                   coalesce({column("AllocTRES")}, '') as alloc_tres, {column("Partition")} as partition,
                   {column("Cluster")} as cluster, {column("NodeList")} as node_list,
                   {column("State")} as state
            from line
            where {column("JobID")} is null or not contains({column("JobID")}, '.')
        ),
        parsed as (
            select *,
                   coalesce(upper(split_part(state, ' ', 1)), 'UNKNOWN') as state_name,
                   regexp_extract(elapsed_text, '{elapsed}', ['d', 'h', 'm', 's']) as e,
                   try_strptime(start_text, '%Y-%m-%dT%H:%M:%S') as start_local,
                   try_strptime(end_text, '%Y-%m-%dT%H:%M:%S') as end_local,
                   regexp_extract(alloc_tres, '(?:^|,)gres/gpu=([^,]*)', 1) as gpu_total_text,
                   regexp_extract_all(alloc_tres, '(?:^|,)gres/gpu:([^=,]+)=', 1) as gpu_types,
                   regexp_extract_all(alloc_tres, '(?:^|,)gres/gpu:[^=,]+=([^,]*)', 1) as gpu_type_counts,
                   contains(alloc_tres, 'gres/gpu=') as has_gpu_total
            from allocation
        ),
        counted as (
            select *,
                   case when e.s <> '' then coalesce(try_cast(nullif(e.d, '') as double), 0) * 24
                        + coalesce(try_cast(nullif(e.h, '') as double), 0)
                        + try_cast(e.m as double) / 60 + try_cast(e.s as double) / 3600
                        else epoch(end_local - start_local) / 3600.0 end as hours,
                   case when has_gpu_total then try_cast(gpu_total_text as integer)
                        when len(gpu_type_counts) > 0
                        then list_sum(list_transform(gpu_type_counts, lambda c: try_cast(c as integer))) end as gpus,
                   (has_gpu_total and try_cast(gpu_total_text as integer) is null)
                   or coalesce(list_bool_or(list_transform(gpu_type_counts, lambda c: try_cast(c as integer) is null)),
                               false)
                       as is_gpu_count_malformed,
                   case when len(list_distinct(gpu_types)) = 1 then lower(gpu_types[1]) end as gpu_type
            from parsed
        ),
        mapped as (
            select c.*,
                   coalesce(t.hardware, p.hardware) as hardware,
                   case when t.hardware is not null then 'gpu_types.' || c.gpu_type
                        when p.hardware is not null then 'partitions.' || lower(c.partition) end as hardware_from,
                   coalesce(k.zone, m.zone) as zone,
                   coalesce(k.timezone, m.timezone) as timezone,
                   coalesce(t.pue, p.pue, k.pue, m.pue) as pue
            from counted c
            cross join slurm_mapping_default m
            left join slurm_mapping_gpu_types t on t.name = c.gpu_type
            left join slurm_mapping_partitions p on p.name = lower(c.partition)
            left join slurm_mapping_clusters k on k.name = lower(c.cluster)
        )
        select source_line, hardware, gpus::double as count, hours,
               zone, year(timezone('UTC', timezone(timezone, start_local))) as year, pue,
               null::double as power_w, null::double as utilization, null::double as intensity,
               null::double as lifetime_years, null::double as embodied_kgco2e,
               timezone('UTC', timezone(timezone, start_local)) as start_utc, timezone,
               slurm_job_id, state, partition, cluster, node_list, gpu_type, hardware_from, alloc_tres,
               case
                 when slurm_job_id is null then 'JobID is missing'
                 when is_gpu_count_malformed
                   then 'AllocTRES ''' || alloc_tres || ''': a GPU count is not a whole number'
                 when elapsed_text is not null and e.s = ''
                   then 'Elapsed ''' || elapsed_text || ''' is not [D-]HH:MM:SS or MM:SS'
                 when hours is null then 'no Elapsed, and Start/End are not both dates'
                 when start_local is null
                   then 'Start ' || coalesce('''' || start_text || '''', 'is missing')
                        || ' is not a date and time (YYYY-MM-DDTHH:MM:SS)'
                 when hardware is null and coalesce(gpus, 0) > 0
                   then 'no accelerator for ' || concat_ws(' or ',
                        case when gpu_type is not null then 'GPU type ''' || gpu_type || '''' end,
                        case when partition is not null then 'partition ''' || partition || '''' end,
                        case when gpu_type is null and partition is null
                             then 'this job (no partition, no GPU type)' end)
                        || ' in the mapping file ([gpu_types.<type>] or [partitions.<name>] hardware = ...)'
               end as reason,
               case
                 when not ({states}) then 'state ' || state_name || ' not in --include-states ({state_list})'
                 when coalesce(gpus, 0) = 0 and not is_gpu_count_malformed then 'no GPU allocated'
                 when hours = 0 then 'never ran (Elapsed 0)'
               end as left_out
        from mapped
    """


def _register_mapping(con, mapping: Mapping) -> None:
    def frame(entries: dict, columns: tuple[str, ...]) -> pd.DataFrame:
        rows = [(name, *(values.get(c) for c in columns)) for name, values in entries.items()]
        out = pd.DataFrame(rows, columns=["name", *columns], dtype=object)
        return out.astype({"pue": "float64"}) if "pue" in columns else out

    con.register("slurm_mapping_gpu_types", frame(mapping.gpu_types, ("hardware", "pue")))
    con.register("slurm_mapping_partitions", frame(mapping.partitions, ("hardware", "pue")))
    con.register("slurm_mapping_clusters", frame(mapping.clusters, ("zone", "timezone", "pue")))
    con.register(
        "slurm_mapping_default",
        pd.DataFrame([(mapping.zone, mapping.timezone, mapping.pue)], columns=["zone", "timezone", "pue"]).astype(
            {"zone": object, "timezone": object, "pue": "float64"}
        ),
    )
