"""Usage records as they come from the tools people already run, read as jobs for `footprint(...)`.

* `codecarbon`: CodeCarbon's emissions.csv (measured energy; `read_codecarbon`).
* `slurm`: `sacct --parsable2` accounting with a mapping file (`read_sacct`, `load_mapping`).
* `plain`: the jobs file of `aifootprint estimate --jobs` (hardware, count, hours ...).

Each reader is one DuckDB query over `read_csv(...)`, so a file of millions of lines streams
rather than loading into Python. It returns a relation with the jobs-file columns the batch
engine takes (hardware, count, hours, zone, year, pue, power_w, utilization, intensity,
lifetime_years, embodied_kgco2e), the measured inputs of the footprint SQL (measured_energy_kwh,
tracker_pue, tracker_kgco2e), a `start_utc` timestamp, the tool's own columns, `source_line`
(the line in the file) and `reason` (why a row cannot be used, else NULL). `slurm` adds
`left_out` for rows that are not jobs to compute (state, no GPU, never ran).

Not to be confused with pipelines/sources/codecarbon.py: CodeCarbon's bundled grid data as a
published source.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import duckdb

from pipelines.footprint import InvalidInputError

FORMATS = ("auto", "plain", "codecarbon", "slurm")


class JobFormatError(InvalidInputError):
    """A usage-record file or mapping file that cannot be read: one line naming what and where."""

    def __init__(self, message: str):
        super().__init__([message])


def read_header(path: str | Path, *, delimiter: str) -> list[str]:
    """The column names on a file's first line; a one-line error for a missing, empty or non-UTF-8 file."""
    try:
        with open(path, "rb") as handle:
            first = handle.readline(1 << 20)
    except FileNotFoundError:
        raise JobFormatError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise JobFormatError(f"{path}: is a folder, not a file") from None
    try:
        text = first.decode("utf-8").removeprefix("\ufeff").rstrip("\r\n")
    except UnicodeDecodeError as exc:
        raise JobFormatError(f"{path}: line 1 is not UTF-8 text (byte {exc.start})") from None
    if not text.strip():
        raise JobFormatError(f"{path}: empty file (no header line)")
    if delimiter == "|":
        return [name.strip() for name in text.split("|")]
    return [name.strip() for name in next(csv.reader([text]))]


def detect_format(path: str | Path) -> str:
    """'codecarbon', 'slurm' or 'plain', from the file's header line (Parquet is plain)."""
    from pipelines.job_formats import codecarbon_log, slurm

    if Path(path).suffix.lower() in {".parquet", ".pq"} or str(path).lower().endswith(".gz"):
        return "plain"
    if slurm.looks_like(read_header(path, delimiter="|")):
        return "slurm"
    if codecarbon_log.looks_like(read_header(path, delimiter=",")):
        return "codecarbon"
    return "plain"


def validate_timezone(name, where: str) -> str:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(str(name))
    except (ZoneInfoNotFoundError, ValueError):
        raise JobFormatError(f"{where}: unknown time zone {name!r} (an IANA name such as 'Europe/Paris')") from None
    return str(name)


# The readers, importable from here (they import the helpers above).
from pipelines.job_formats.codecarbon_log import read_codecarbon  # noqa: E402
from pipelines.job_formats.mapping import Mapping, load_mapping  # noqa: E402
from pipelines.job_formats.slurm import DEFAULT_STATES, parse_states, read_sacct  # noqa: E402


@dataclass
class FormatOptions:
    """What a format needs beyond the file: `aifootprint estimate --mapping --include-states --timezone`."""

    mapping: str | Path | None = None
    include_states: str | None = None  # 'COMPLETED,RUNNING' or 'all'; default: DEFAULT_STATES
    timezone: str | None = None  # CodeCarbon timestamps' zone; default: the country's


def read_jobs(con, path: str | Path, jobs_format: str, options: FormatOptions | None = None) -> duckdb.DuckDBPyRelation:
    """The relation of a usage-record file in the named format ('codecarbon' or 'slurm')."""
    return con.sql(_jobs_sql(con, path, jobs_format, options))


def _jobs_sql(con, path: str | Path, jobs_format: str, options: FormatOptions | None) -> str:
    from pipelines.job_formats.codecarbon_log import codecarbon_sql
    from pipelines.job_formats.slurm import sacct_sql

    options = options or FormatOptions()
    if jobs_format == "codecarbon":
        if options.mapping is not None or options.include_states is not None:
            raise JobFormatError("--mapping and --include-states go with SLURM files (--jobs-format slurm)")
        return codecarbon_sql(path, con, options.timezone)
    if jobs_format == "slurm":
        if options.timezone is not None:
            raise JobFormatError("--timezone goes with CodeCarbon files; for SLURM the mapping file gives it")
        mapping = load_mapping(options.mapping)
        _check_mapping_names(con, mapping)
        return sacct_sql(path, mapping, con, parse_states(options.include_states))
    raise JobFormatError(f"unknown jobs format {jobs_format!r}; formats: {', '.join(FORMATS)}")


def jobs_input(con, path: str | Path, jobs_format: str, options: FormatOptions | None = None):
    """The batch engine's hook (pipelines/batch.py): a usage-record file as a `JobsInput` whose
    SELECT is the reader's, and the rows left out by choice (slurm), why -> rows.

    The reader's rows keep its reason in READER_REASON, which replaces the engine's own findings
    about the row; rows left out by choice are counted here (one streaming pass) and never reach
    the engine.
    """
    from pipelines.batch import READER_REASON, JobsInput

    has_left_out = jobs_format == "slurm"
    try:
        query = _jobs_sql(con, path, jobs_format, options)  # CodeCarbon's reads the file's locations
        left_out = {}
        if has_left_out:
            left_out = dict(
                con.execute(
                    f"select left_out, count(*) from ({query}) where left_out is not null group by 1 order by 2 desc, 1"
                ).fetchall()
            )
    except duckdb.Error as exc:
        raise JobFormatError(f"{path}: cannot read as {jobs_format} ({_one_line(exc)})") from None
    reader_sql = (
        f"select * exclude (reason{', left_out' if has_left_out else ''}), reason as {READER_REASON} "
        f"from ({query}){' where left_out is null' if has_left_out else ''}"
    )
    return JobsInput(str(path), (str(path),), jobs_format, reader_sql=reader_sql), left_out


def to_footprint_jobs(con, jobs: duckdb.DuckDBPyRelation, name: str = "jobs") -> list[tuple[int, str]]:
    """A temp table `name` with footprint()'s input columns from a reader's relation, for SQL:

        jobs = read_sacct("sacct.txt", load_mapping("mapping.toml"), con=con)
        skipped = to_footprint_jobs(con, jobs, "my_jobs")
        con.sql("select sum(total_kgco2e) from footprint('my_jobs')")

    job_id is the file's line. Rows with a reason, left out, or naming an unknown accelerator or
    zone are not in the table; they come back as (line, why).
    """
    import pandas as pd

    from pipelines.errors import UnknownHardwareError
    from pipelines.hardware import resolve_accelerator
    from pipelines.zones import UnknownZoneError, resolve_zone, zone_index

    columns = set(jobs.columns)
    skip = (["left_out"] if "left_out" in columns else []) + ["reason"]  # left out by choice first
    con.register("job_format_input", jobs)
    try:
        problems = [
            (line, why)
            for line, why in con.execute(
                f"select source_line, coalesce({', '.join(skip)}) from job_format_input "
                f"where coalesce({', '.join(skip)}) is not null order by source_line"
            ).fetchall()
        ]
        names = []
        for (hardware,) in con.execute(
            "select distinct hardware from job_format_input where hardware is not null "
            f"and coalesce({', '.join(skip)}) is null"
        ).fetchall():
            try:
                names.append(("hardware", hardware, resolve_accelerator(con, hardware).canonical_model, None))
            except UnknownHardwareError as exc:
                names.append(("hardware", hardware, None, str(exc)))
        index = zone_index(con)
        for (zone,) in con.execute(
            f"select distinct zone from job_format_input where zone is not null and coalesce({', '.join(skip)}) is null"
        ).fetchall():
            try:
                names.append(("zone", zone, resolve_zone(index, zone), None))
            except UnknownZoneError as exc:
                names.append(("zone", zone, None, str(exc)))
        con.register(
            "job_format_names", pd.DataFrame(names, columns=["kind", "name", "resolved", "problem"], dtype=object)
        )
        problems += con.execute(f"""
            select j.source_line, n.problem from job_format_input j
            join job_format_names n on (n.kind = 'hardware' and n.name = j.hardware)
                                    or (n.kind = 'zone' and n.name = j.zone)
            where n.problem is not null and coalesce({", ".join("j." + c for c in skip)}) is null
        """).fetchall()
        # A tracker's measured energy where the format has it, else null.
        measured = {
            c: f"j.{c}" if c in columns else "null::double"
            for c in ("measured_energy_kwh", "tracker_pue", "tracker_kgco2e")
        }
        con.execute(f"""
            create or replace temp table {name} as
            select j.source_line::bigint as job_id, h.resolved as canonical_model, j.count as device_count, j.hours,
                   z.resolved as zone_id, j.year::integer as year, j.pue, j.power_w, j.utilization,
                   j.intensity as gco2e_per_kwh, j.lifetime_years, j.embodied_kgco2e as embodied_kgco2e_per_device,
                   {measured["measured_energy_kwh"]} as measured_energy_kwh,
                   {measured["tracker_pue"]} as tracker_pue, {measured["tracker_kgco2e"]} as tracker_kgco2e
            from job_format_input j
            left join job_format_names h on h.kind = 'hardware' and h.name = j.hardware
            left join job_format_names z on z.kind = 'zone' and z.name = j.zone
            where coalesce({", ".join("j." + c for c in skip)}) is null
              and (j.hardware is null or h.resolved is not null) and (j.zone is null or z.resolved is not null)
        """)
    finally:
        con.unregister("job_format_input")
        try:
            con.unregister("job_format_names")
        except duckdb.Error:
            pass
    return sorted(problems)


def _one_line(exc: Exception) -> str:
    """DuckDB's CSV errors span many lines: where (the first) and the cause (after the original line)."""
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    causes = [line for line in lines[1:] if not line.startswith(("Original Line", "Possible Solution"))]
    return lines[0] + (f": {causes[0]}" if causes and "=" not in causes[0] else "")


def _check_mapping_names(con, mapping: Mapping) -> None:
    """Every accelerator and zone the mapping names must exist: a one-line error naming the key."""
    from pipelines.errors import UnknownHardwareError
    from pipelines.hardware import resolve_accelerator
    from pipelines.zones import UnknownZoneError, resolve_zone, zone_index

    try:
        con.execute("select 1 from accelerator_specs_preferred limit 0")
    except duckdb.Error:
        return  # no warehouse: names are checked where the jobs are computed
    for section in ("gpu_types", "partitions"):
        for name, values in getattr(mapping, section).items():
            try:
                resolve_accelerator(con, values["hardware"])
            except UnknownHardwareError as exc:
                raise JobFormatError(f"{mapping.path}: {section}.{name}.hardware: {exc}") from None
    index = zone_index(con)
    zones = [("zone", mapping.zone)] + [(f"clusters.{n}.zone", v.get("zone")) for n, v in mapping.clusters.items()]
    for key, zone in zones:
        if zone is not None:
            try:
                resolve_zone(index, zone)
            except UnknownZoneError as exc:
                raise JobFormatError(f"{mapping.path}: {key}: {exc}") from None


__all__ = [
    "FORMATS",
    "DEFAULT_STATES",
    "FormatOptions",
    "JobFormatError",
    "Mapping",
    "detect_format",
    "jobs_input",
    "to_footprint_jobs",
    "load_mapping",
    "read_codecarbon",
    "read_jobs",
    "read_sacct",
]
