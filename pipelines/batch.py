"""Footprints of a file (or a glob, or a folder of Parquet parts) of jobs, streamed through DuckDB.

Memory does not grow with the number of jobs: the input is never loaded whole (neither into
pandas nor into a temporary table). Three streaming passes over it:

1. keys: one GROUP BY over the raw (hardware, zone, year) triples counts the jobs and yields the
   few distinct names, which Python resolves once each (pipelines.hardware, resolve_zone);
   footprint_lookups() (warehouse/sql/30_footprint.sql) then finds every default per key.
2. results: `COPY (...) TO` the output file, every row combined with its key's defaults by
   footprint_from_lookups() and checked in SQL in the same pass; valid rows are written.
3. only when some rows are invalid: the rows are scanned again to list where they are.

A jobs reader is a function returning the SQL of a relation with the standard columns
(hardware, count, hours and optionally zone, year, pue, ...; see JOB_FILE_COLUMNS) plus any of
the user's own columns, which ride along to the output. CSV and Parquet are the readers here;
a tracker's usage records (CodeCarbon's emissions.csv, SLURM sacct: pipelines/job_formats/) are
another SELECT in `JobsInput.reader_sql`, and everything after it is the same pipeline. The Spark
engine (pipelines/batch_spark.py) shares the key pass and footprint_from_lookups() itself, transpiled.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from pipelines import settings
from pipelines.errors import InvalidInputError, UnknownHardwareError

# Columns a jobs file may have -> the footprint() input they feed. hardware, count and hours
# are required; the rest may be absent or blank (= the default).
JOB_FILE_COLUMNS = {
    "hardware": None,
    "count": "device_count",
    "hours": "hours",
    "zone": None,
    "year": "year",
    "pue": "pue",
    "power_w": "power_w",
    "utilization": "utilization",
    "intensity": "gco2e_per_kwh",
    "lifetime_years": "lifetime_years",
    "embodied_kgco2e": "embodied_kgco2e_per_device",
    # A tracker's measurement (pipelines/job_formats/): energy in place of power x hours x PUE.
    "measured_energy_kwh": "measured_energy_kwh",
    "tracker_pue": "tracker_pue",
    "tracker_kgco2e": "tracker_kgco2e",
}
# A usage-record reader's own finding about a row (pipelines/job_formats/): it replaces the checks'.
READER_REASON = "__unusable_reason"
REQUIRED_JOB_COLUMNS = ("hardware", "count", "hours")
# The most bad rows a batch lists; the count always covers all of them.
MAX_LISTED_BAD_ROWS = 1000
RESULT_COLUMNS = ("energy_kwh", "operational_kgco2e", "embodied_kgco2e", "total_kgco2e")
# --columns lean: the results and the keys of the defaults they used. Every other column of
# --columns full is a function of these keys and the job's own columns (which both modes
# carry), so the full provenance of a lean row is footprint_lookups() at its key.
LEAN_COLUMNS = ("canonical_model", "zone_id", "year", *RESULT_COLUMNS)
COLUMN_MODES = ("full", "lean")
# DuckDB's own memory; beyond it joins and sorts spill to disk. The Python process adds ~150 MiB.
DEFAULT_MEMORY_LIMIT = "512MB"
_FORMATS = {".csv": "csv", ".parquet": "parquet", ".pq": "parquet"}


@dataclass(frozen=True)
class BadRow:
    location: str  # "line 3" of a CSV (the header is line 1) or "row 2" of a Parquet file
    reason: str


@dataclass
class BatchResult:
    rows_written: int
    bad_row_count: int = 0
    bad_rows: list[BadRow] = field(default_factory=list)  # at most MAX_LISTED_BAD_ROWS
    left_out: dict[str, int] = field(default_factory=dict)  # rows a jobs format leaves out by choice: why -> rows


class InvalidJobsError(InvalidInputError):
    """A jobs file with rows that cannot be computed; nothing was written."""

    def __init__(self, bad_row_count: int, bad_rows: list[BadRow]):
        self.bad_row_count = bad_row_count
        self.bad_rows = bad_rows
        super().__init__([f"{bad_row_count} job(s) cannot be computed"])


# --- readers ----------------------------------------------------------------------------------------


def file_format(path: str | Path) -> str:
    suffixes = Path(path).suffixes
    suffix = suffixes[-2] if len(suffixes) >= 2 and suffixes[-1] == ".gz" else (suffixes[-1] if suffixes else "")
    try:
        return _FORMATS[suffix.lower()]
    except KeyError:
        raise InvalidInputError([f"{path}: unknown file type; use .csv (or .csv.gz) or .parquet"]) from None


@dataclass(frozen=True)
class JobsInput:
    """Where the jobs are (a file, a glob of files, or a folder of Parquet or CSV parts) and how to read them."""

    given: str  # as the user wrote it, for messages
    files: tuple[str, ...]
    format: str  # csv | parquet | a usage-record format (codecarbon, slurm)
    # A usage-record reader's SELECT over its one file (pipelines/job_formats/): the jobs columns,
    # the tool's own, `source_line` and READER_REASON.
    reader_sql: str | None = None

    def select_sql(self, files: tuple[str, ...] | None = None, *, with_location: bool = False) -> str:
        """The jobs as the file holds them, every column as text or its stored type.

        with_location adds `__location`, the 1-based line (CSV, the header is line 1) or row
        (Parquet) of one file; it is only asked for one file at a time, to list bad rows.
        """
        if self.reader_sql is not None:
            location = "source_line as __location, " if with_location else ""
            return f"select {location}* exclude (source_line) from ({self.reader_sql})"
        names = "[" + ", ".join(_sql_literal(f) for f in (files or self.files)) + "]"
        if self.format == "csv":
            source = f"read_csv({names}, header = true, all_varchar = true, union_by_name = true)"
            # A CSV reader keeps the file's order; row_number() costs a sort-free window over
            # one file and runs only on the error path.
            location = "row_number() over () + 1 as __location, " if with_location else ""
            return f"select {location}* from {source}"
        source = f"read_parquet({names}, union_by_name = true{', file_row_number = true' if with_location else ''})"
        if with_location:
            return f"select file_row_number + 1 as __location, * exclude (file_row_number) from {source}"
        return f"select * from {source}"

    def location_word(self) -> str:
        return "row" if self.format == "parquet" else "line"


def open_jobs(given: str | Path) -> JobsInput:
    """A file, a glob (`logs/*.parquet`) or a folder (its *.parquet parts, else its *.csv files)."""
    text = str(given)
    path = Path(text)
    if path.is_dir():
        for pattern, fmt in (("**/*.parquet", "parquet"), ("**/*.csv", "csv"), ("**/*.csv.gz", "csv")):
            files = sorted(str(p) for p in path.glob(pattern) if p.is_file())
            if files:
                return JobsInput(text, tuple(files), fmt)
        raise InvalidInputError([f"{text}: folder holds no .parquet or .csv files"])
    fmt = file_format(text)
    if any(ch in text for ch in "*?["):
        files = (
            sorted(str(p) for p in Path(path.anchor or ".").glob(str(path.relative_to(path.anchor))) if p.is_file())
            if path.is_absolute()
            else sorted(str(p) for p in Path().glob(text) if p.is_file())
        )
        if not files:
            raise InvalidInputError([f"{text}: no file matches"])
        return JobsInput(text, tuple(files), fmt)
    if not path.is_file():
        raise InvalidInputError([f"{text}: no such file"])
    return JobsInput(text, (text,), fmt)


# --- the engine --------------------------------------------------------------------------------------


def estimate_jobs(
    jobs: str | Path | JobsInput,
    out_path: str | Path,
    *,
    skip_invalid: bool = False,
    columns: str = "full",
    memory_limit: str = DEFAULT_MEMORY_LIMIT,
    warehouse: duckdb.DuckDBPyConnection | str | Path | None = None,
    progress: bool | None = None,
    jobs_format: str = "plain",
    format_options=None,
) -> BatchResult:
    """Compute every job and write the results to `out_path` (.parquet or .csv).

    Each output row holds the job's own extra columns (carried through) and, with
    columns="full", the resolved value of every input with its source; with "lean", the keys
    canonical_model, zone_id, year. Both end with energy_kwh, operational_kgco2e,
    embodied_kgco2e, total_kgco2e. Rows that cannot be computed raise InvalidJobsError listing
    each one (line and reason) and nothing is written, unless `skip_invalid`, which leaves
    them out and reports them in the result. `progress` (default: when stderr is a terminal)
    shows the share of the input read. `jobs_format` 'codecarbon' or 'slurm' (or 'auto', from
    the file's header) reads a tool's usage records with `format_options`
    (pipelines/job_formats/); rows a format leaves out by choice are counted in `left_out`.
    """
    if columns not in COLUMN_MODES:
        raise InvalidInputError([f"--columns must be one of {list(COLUMN_MODES)}, got {columns!r}"])
    usage_records = usage_record_format(jobs, jobs_format)
    source = jobs if isinstance(jobs, JobsInput) or usage_records else open_jobs(jobs)
    out_format = file_format(out_path)
    left_out: dict[str, int] = {}
    with _connection(warehouse, memory_limit) as con:
        if usage_records:
            from pipelines import job_formats

            source, left_out = job_formats.jobs_input(con, jobs, usage_records, format_options)
        plan = prepare(con, source)
        out_path = Path(out_path)
        out_path.parent.mkdir(parents=True, exist_ok=True)
        tmp = out_path.with_name(f".{out_path.name}.tmp")
        options = "format parquet, compression zstd" if out_format == "parquet" else "format csv, header true"
        try:
            rows = plan.results_sql(columns, valid_only=True)
            if out_format == "csv":  # text cells that a spreadsheet would run as formulas: see output_safety.py
                from pipelines.output_safety import csv_safe_select

                rows = csv_safe_select(con, rows)
            query = f"copy ({rows}) to {_sql_literal(tmp)} ({options})"
            written = _run_with_progress(con, query, _show_progress(progress))[0][0]
            bad_count = plan.total_rows - written
            bad = list_bad_rows(con, plan) if bad_count else []
            if bad_count and not skip_invalid:
                raise InvalidJobsError(bad_count, bad)
            os.replace(tmp, out_path)
        finally:
            tmp.unlink(missing_ok=True)
    return BatchResult(rows_written=written, bad_row_count=bad_count, bad_rows=bad, left_out=left_out)


def usage_record_format(jobs: str | Path | JobsInput, jobs_format: str = "auto") -> str | None:
    """The usage-record format of `jobs` ('codecarbon', 'slurm': pipelines/job_formats/), or None
    for our own jobs files. 'auto' recognises one file by its header; globs and folders are ours."""
    from pipelines.job_formats import FORMATS, detect_format

    if jobs_format not in FORMATS:
        raise InvalidInputError([f"unknown jobs format {jobs_format!r}; formats: {', '.join(FORMATS)}"])
    if jobs_format == "plain" or isinstance(jobs, JobsInput):
        return None
    path = Path(jobs)
    if not path.is_file():
        if jobs_format == "auto":
            return None  # open_jobs says what is wrong with it
        raise InvalidInputError([f"{jobs}: --jobs-format {jobs_format} reads one file (no such file)"])
    found = detect_format(path) if jobs_format == "auto" else jobs_format
    return None if found == "plain" else found


@dataclass
class Plan:
    """The jobs relation, typed and checked, over temporary views of the connection."""

    source: JobsInput
    columns: list[str]  # the input's own columns
    carried: dict[str, str]  # the user's extra columns -> their output name
    total_rows: int
    numeric: frozenset[str] = frozenset()  # input columns stored as numbers

    def results_sql(self, columns: str, *, valid_only: bool) -> str:
        carried = "unnest(job_id.carried), " if self.carried else ""
        chosen = ", ".join(LEAN_COLUMNS) if columns == "lean" else "* exclude (job_id)"
        where = f"where {_VALID_ROW}" if valid_only else ""
        return f"select {carried}{chosen} from footprint_from_lookups('batch_jobs', 'batch_lookups') {where}"


# A result row is valid when the checks on its given values found nothing and every default it
# needed was found (footprint_lookup_problem_list: TDP, PUE, grid intensity).
_LOOKUP_PROBLEMS = (
    "list_filter(footprint_lookup_problem_list(canonical_model, power_w, pue, gco2e_per_kwh, "
    "year, zone_id, measured_energy_kwh), lambda p: p is not null)"
)
_VALID_ROW = "job_id.problems is null and footprint_lookups_found(power_w, pue, gco2e_per_kwh, measured_energy_kwh)"


def prepare(con, source: JobsInput, *, select_sql: str | None = None) -> Plan:
    """Create the views batch_jobs (footprint()'s input columns) and batch_lookups (defaults per key).

    The user's own columns ride in job_id.carried, and job_id.problems lists what is wrong with
    the row's given values, so footprint_from_lookups() carries both to its output untouched.
    """
    select_sql = select_sql or source.select_sql()
    try:
        con.execute(f"create or replace temp view batch_jobs_raw as {select_sql}")
        described = con.execute("describe batch_jobs_raw").fetchall()
    except duckdb.Error as exc:
        raise InvalidInputError([f"{source.given}: cannot read as {source.format} ({_first_line(exc)})"]) from None
    columns = [row[0] for row in described]
    numeric = frozenset(row[0] for row in described if str(row[1]).upper() in _NUMERIC_TYPES)
    missing = [c for c in REQUIRED_JOB_COLUMNS if c not in columns]
    if missing:
        raise InvalidInputError(
            [
                f"{source.given}: missing column(s) {missing}; columns are {columns}; expected "
                f"{list(REQUIRED_JOB_COLUMNS)} and optionally "
                f"{[c for c in JOB_FILE_COLUMNS if c not in REQUIRED_JOB_COLUMNS]}"
            ]
        )
    zone = f"{_identifier('zone')}::varchar" if "zone" in columns else "null::varchar"
    year = f"{_identifier('year')}::varchar" if "year" in columns else "null::varchar"
    try:
        con.execute(f"""create or replace temp table batch_keys_raw as
                        select hardware::varchar as hardware, {zone} as zone, {year} as year, count(*) as jobs
                        from batch_jobs_raw group by all""")
    except duckdb.Error as exc:
        raise InvalidInputError([f"{source.given}: cannot read as {source.format} ({_first_line(exc)})"]) from None
    total_rows = con.execute("select coalesce(sum(jobs), 0)::bigint from batch_keys_raw").fetchall()[0][0]
    carried = resolve_keys(con, columns)
    con.execute(f"create or replace temp view batch_jobs as {_typed_jobs_sql(columns, carried, numeric)}")
    return Plan(source, columns, carried, total_rows, numeric)


def resolve_keys(con, columns: list[str]) -> dict[str, str]:
    """From batch_keys_raw (each distinct raw hardware, zone, year as text): batch_keys, whose
    names are resolved once each, and batch_lookups, the defaults of each key. Returns the
    carried columns (the user's own) -> their output names."""
    _resolve_names(con, "zone" in columns)
    con.execute(_key_table_sql("zone" in columns, "year" in columns, "measured_energy_kwh" in columns))
    con.execute("create or replace temp table batch_lookups as from footprint_lookups('batch_jobs_keys')")
    result_names = _footprint_columns(con)
    return {
        c: ("input_" + c if c in result_names else c)
        for c in columns
        if (c not in JOB_FILE_COLUMNS or c == "hardware") and c != READER_REASON
    }


def _footprint_columns(con) -> set[str]:
    """Names of footprint()'s output columns, read from the macro over an empty relation."""
    con.execute(
        "create or replace temp table batch_empty_jobs as select null::bigint as job_id, "
        "null::varchar as canonical_model, null::double as device_count, null::double as hours, "
        "null::varchar as zone_id, null::integer as year, null::double as pue, null::double as power_w, "
        "null::double as utilization, null::double as gco2e_per_kwh, null::double as lifetime_years, "
        "null::double as embodied_kgco2e_per_device, null::double as measured_energy_kwh, "
        "null::double as tracker_pue, null::double as tracker_kgco2e limit 0"
    )
    return {row[0] for row in con.execute("describe from footprint('batch_empty_jobs')").fetchall()} - {"job_id"}


def _resolve_names(con, has_zone: bool) -> None:
    """Resolve each distinct accelerator and zone name once; unknown names carry the reason."""
    from pipelines.hardware import resolve_accelerator
    from pipelines.zones import UnknownZoneError, resolve_zone, zone_index

    hardware = []
    for (name,) in con.execute(
        "select distinct hardware from batch_keys_raw where nullif(trim(hardware), '') is not null"
    ).fetchall():
        try:
            hardware.append((name, resolve_accelerator(con, name).canonical_model, None))
        except UnknownHardwareError as exc:
            hardware.append((name, None, str(exc)))
    zones = []
    if has_zone:
        index = zone_index(con)
        for (name,) in con.execute(
            "select distinct zone from batch_keys_raw where nullif(trim(zone), '') is not null"
        ).fetchall():
            try:
                zones.append((name, resolve_zone(index, name), None))
            except UnknownZoneError as exc:
                zones.append((name, None, str(exc)))
    for table, target, rows in (
        ("batch_hardware_names", "canonical_model", hardware),
        ("batch_zone_names", "zone_id", zones),
    ):
        con.execute(f"create or replace temp table {table} (name varchar, {target} varchar, problem varchar)")
        if rows:
            con.executemany(f"insert into {table} values (?, ?, ?)", rows)


# Column types of the input that are numbers already (Parquet): cast directly, no text parsing.
_NUMERIC_TYPES = (
    "TINYINT",
    "SMALLINT",
    "INTEGER",
    "BIGINT",
    "HUGEINT",
    "UTINYINT",
    "USMALLINT",
    "UINTEGER",
    "UBIGINT",
    "FLOAT",
    "DOUBLE",
)


def _number(column: str, columns: list[str], numeric: frozenset[str] = frozenset()) -> str:
    if column not in columns:
        return "null::double"
    if column in numeric:
        return f"r.{_identifier(column)}::double"
    return f"try_cast(nullif(trim(r.{_identifier(column)}::varchar), '') as double)"


def _finite(column: str, columns: list[str], numeric: frozenset[str] = frozenset()) -> str:
    """The column as a finite double, else NULL. (x - x = 0 is false for NaN and +-inf, in Spark too.)"""
    value = _number(column, columns, numeric)
    return value if column not in columns else f"case when {value} - {value} = 0 then {value} end"


def _year(columns: list[str], numeric: frozenset[str] = frozenset()) -> str:
    year = _number("year", columns, numeric)
    # Outside 1..9999 a year is no calendar year (and past INTEGER it would not even cast).
    return f"case when {year} = floor({year}) and {year} between 1 and 9999 then {year}::integer end"


def _raw_key(hardware: str, zone: str, year: str) -> str:
    """One string per raw (hardware, zone, year) triple; NULL and '' stay apart."""
    return " || chr(31) || ".join(f"coalesce({value}::varchar, chr(30))" for value in (hardware, zone, year))


def _key_table_sql(has_zone: bool, has_year: bool, has_measured: bool = False) -> str:
    """batch_keys: each distinct raw triple once, resolved and checked, with a row number.

    With measured energy a row may name no accelerator (a CPU-only run): whether a blank
    hardware is a problem then depends on the row, and is checked per row (_typed_jobs_sql).
    """
    year = _year(["year"] if has_year else [])
    problems = (
        ["h.problem"]
        if has_measured
        else ["case when nullif(trim(r.hardware), '') is null then 'hardware is missing' end", "h.problem"]
    )
    if has_zone:
        problems.append("z.problem")
    if has_year:
        value = "nullif(trim(r.year), '')"
        problems.append(
            f"case when {value} is not null and try_cast({value} as double) is null "
            f"then 'year ' || {value} || ' is not a number' end"
        )
        problems.append(
            f"case when {year} is null and try_cast({value} as double) is not null "
            f"then 'year must be a whole number from 1 to 9999, got ' || trim(r.year) end"
        )
    return f"""
        create or replace temp table batch_keys as
        select row_number() over () as key_row, {_raw_key("r.hardware", "r.zone", "r.year")} as raw_key,
               h.canonical_model, {"z.zone_id" if has_zone else "null::varchar"} as zone_id, {year} as year,
               nullif(concat_ws('; ', {", ".join(problems)}), '') as problem
        from batch_keys_raw r
        left join batch_hardware_names h on h.name = r.hardware
        {"left join batch_zone_names z on z.name = r.zone" if has_zone else ""};
        create or replace temp table batch_key_lists as
        select map(list(raw_key order by key_row), list(key_row order by key_row)) as row_by_key,
               list(canonical_model order by key_row) as canonical_model,
               list(zone_id order by key_row) as zone_id, list(year order by key_row) as year,
               list(problem order by key_row) as problem
        from batch_keys;
        create or replace temp view batch_jobs_keys as select canonical_model, zone_id, year from batch_keys;
    """


def _typed_jobs_sql(
    columns: list[str],
    carried: dict[str, str],
    numeric: frozenset[str],
    *,
    describe_problems: bool = False,
    joined_keys: bool = False,
    row_problem: str | None = None,
) -> str:
    """footprint()'s input relation over batch_jobs_raw, with the row's own columns and problems in job_id.

    Each row finds its raw (hardware, zone, year) in batch_key_lists (one map lookup, then a
    pick from one-row lists): names were resolved per key, and unlike a join this keeps the
    jobs in their order.
    """
    typed = {
        target: _finite(column, columns, numeric)
        for column, target in JOB_FILE_COLUMNS.items()
        if target and target != "year"
    }

    def key(column: str) -> str:
        return f"k.{column}" if joined_keys else f"k.{column}[r.__key_row]"

    problems = [key("problem")]
    checks = [f"{key('problem')} is null"]
    if row_problem:  # a reader's own finding about the row (Spark's malformed CSV record)
        problems.append(row_problem)
        checks.append(f"{row_problem} is null")
    measured = typed["measured_energy_kwh"]
    if "measured_energy_kwh" in columns:  # a blank accelerator is fine when the energy was measured
        blank = "nullif(trim(r.hardware::varchar), '') is null"
        problems.append(f"case when {blank} and {measured} is null then 'hardware is missing' end")
        checks.append(f"not ({blank} and {measured} is null)")
    for column, target in JOB_FILE_COLUMNS.items():
        if column in columns and target and target != "year":
            # Text that is no number, and NaN or infinity however stored, is named, not computed.
            value = (
                f"r.{_identifier(column)}::varchar"
                if column in numeric
                else f"nullif(trim(r.{_identifier(column)}::varchar), '')"
            )
            problems.append(
                f"case when {value} is not null and {typed[target]} is null "
                f"then '{column} ' || {value} || ' is not a finite number' end"
            )
            checks.append(f"({value} is null or {typed[target]} is not null)")
    # Checks of the given values only for rows whose accelerator resolved (a row with an
    # unknown accelerator would otherwise also be told it has no TDP).
    inputs = (
        "device_count",
        "hours",
        "pue",
        "utilization",
        "power_w",
        "gco2e_per_kwh",
        "lifetime_years",
        "embodied_kgco2e_per_device",
        "measured_energy_kwh",
        "tracker_pue",
    )
    given = ", ".join(typed[name] for name in inputs)
    # Described from the values as written: a NaN count is "not a finite number", not also "missing".
    raw = {
        target: _number(column, columns, numeric)
        for column, target in JOB_FILE_COLUMNS.items()
        if target and target != "year"
    }
    problems.append(
        f"case when {key('canonical_model')} is not null or {measured} is not null then nullif("
        f"array_to_string(footprint_input_problem_list({', '.join(raw[name] for name in inputs)}), "
        f"'; '), '') end"
    )
    checks.append(f"footprint_inputs_valid({given})")
    # Every row is checked with booleans; only the invalid rows, listed on the error path, have
    # their problems described (a string per row would cost more than the footprint itself).
    problems_sql = (
        f"nullif(concat_ws('; ', {', '.join(problems)}), '')"
        if describe_problems
        else f"case when not coalesce({' and '.join(checks)}, false) then 'invalid' end"
    )
    if READER_REASON in columns:  # the reader's reason replaces the checks' findings
        problems_sql = f"coalesce(r.{READER_REASON}, {problems_sql})"
    carried_sql = ", ".join(f"{_identifier(out)} := r.{_identifier(name)}" for name, out in carried.items())
    job_id = (
        f"struct_pack({'carried := struct_pack(' + carried_sql + '), ' if carried else ''}problems := {problems_sql})"
    )
    zone = f"r.{_identifier('zone')}" if "zone" in columns else "null"
    year = f"r.{_identifier('year')}" if "year" in columns else "null"
    # joined_keys (the Spark engine): batch_keys joined on the raw key, order being no concern there.
    source = (
        f"batch_jobs_raw r left join batch_keys k on k.raw_key = {_raw_key('r.hardware', zone, year)}"
        if joined_keys
        else f"""(select r.*, k.row_by_key[{_raw_key("r.hardware", zone, year)}] as __key_row
                   from batch_jobs_raw r cross join batch_key_lists k) r
                  cross join batch_key_lists k"""
    )
    return f"""
        select {job_id} as job_id, {key("canonical_model")} as canonical_model,
               {key("zone_id")} as zone_id, {key("year")} as year,
               {", ".join(f"{sql} as {target}" for target, sql in typed.items())}
        from {source}
    """


def list_bad_rows(con, plan: Plan) -> list[BadRow]:
    """Where the invalid rows are, file by file (at most MAX_LISTED_BAD_ROWS)."""
    source, bad = plan.source, []
    # A default cannot be looked up for an accelerator that did not resolve: say only the latter.
    problems = (
        f"concat_ws('; ', job_id.problems, case when (canonical_model is not null "
        f"or measured_energy_kwh is not null) "
        f"then nullif(array_to_string({_LOOKUP_PROBLEMS}, '; '), '') end)"
    )
    for file in source.files:
        if len(bad) >= MAX_LISTED_BAD_ROWS:
            break
        con.execute(f"create or replace temp view batch_jobs_raw as {source.select_sql((file,), with_location=True)}")
        # __location rides to the output in job_id.carried, under its own name.
        described = _typed_jobs_sql(
            plan.columns + ["__location"],
            {**plan.carried, "__location": "__location"},
            plan.numeric,
            describe_problems=True,
        )
        con.execute(f"create or replace temp view batch_jobs as {described}")
        rows = con.execute(
            f"""
            select job_id.carried.__location, {problems}
            from footprint_from_lookups('batch_jobs', 'batch_lookups')
            where not ({_VALID_ROW}) order by 1 limit ?""",
            [MAX_LISTED_BAD_ROWS - len(bad)],
        ).fetchall()
        prefix = f"{file} " if len(source.files) > 1 else ""
        bad += [BadRow(f"{prefix}{source.location_word()} {number}", reason) for number, reason in rows]
    return bad


# --- plumbing -----------------------------------------------------------------------------------------


class _Connection:
    def __init__(self, warehouse, memory_limit: str):
        self.given = warehouse if isinstance(warehouse, duckdb.DuckDBPyConnection) else None
        self.warehouse, self.memory_limit, self.spill = warehouse, memory_limit, None

    def __enter__(self) -> duckdb.DuckDBPyConnection:
        from pipelines.footprint import WarehouseNotReadyError, _require_macros

        if self.given is not None:
            self.con = self.given
        else:
            folder = Path(self.warehouse) if self.warehouse is not None else settings.warehouse_dir()
            database = folder / "aifootprint.duckdb"
            if not database.exists():
                raise WarehouseNotReadyError(f"no warehouse database at {database}; run `aifootprint refresh` first")
            self.spill = tempfile.mkdtemp(prefix="aifootprint-batch-")
            config = {"memory_limit": self.memory_limit, "temp_directory": self.spill, "preserve_insertion_order": True}
            try:
                self.con = duckdb.connect(str(database), read_only=True, config=config)
            except duckdb.Error as exc:
                shutil.rmtree(self.spill, ignore_errors=True)
                raise InvalidInputError(
                    [
                        f"cannot open the warehouse at {database} with memory limit "
                        f"{self.memory_limit!r} ({_first_line(exc)})"
                    ]
                ) from None
        _require_macros(self.con)
        return self.con

    def __exit__(self, *exc) -> None:
        for view in ("batch_jobs_keys", "batch_jobs", "batch_jobs_raw"):
            self.con.execute(f"drop view if exists {view}")
        if self.given is None:
            self.con.close()
            shutil.rmtree(self.spill, ignore_errors=True)


def _connection(warehouse, memory_limit: str) -> _Connection:
    return _Connection(warehouse, memory_limit)


def _show_progress(progress: bool | None) -> Callable[[float], None] | None:
    if progress is False or (progress is None and not sys.stderr.isatty()):
        return None

    def show(percent: float) -> None:
        sys.stderr.write(f"\rcomputing footprints: {percent:5.1f} % of the input read")
        sys.stderr.flush()

    return show


def _run_with_progress(con, query: str, show: Callable[[float], None] | None, every_s: float = 0.5):
    """Run `query`; while it runs longer than a moment, report DuckDB's progress through `show`."""
    if show is None:
        return con.execute(query).fetchall()
    outcome: dict = {}
    # DuckDB tracks progress only with its bar on; it prints nothing itself (we do, on stderr).
    con.execute("set enable_progress_bar = true; set enable_progress_bar_print = false")

    def work():
        try:
            outcome["rows"] = con.execute(query).fetchall()
        except BaseException as exc:  # re-raised in the caller's thread
            outcome["error"] = exc

    worker = threading.Thread(target=work, daemon=True)
    started = time.monotonic()
    worker.start()
    shown = False
    while worker.is_alive():
        worker.join(every_s)
        if worker.is_alive() and time.monotonic() - started > 2 * every_s:
            percent = con.query_progress()
            if percent >= 0:
                show(percent)
                shown = True
    if shown:
        show(100.0)
        sys.stderr.write("\n")
    if "error" in outcome:
        raise outcome["error"]
    return outcome["rows"]


def _first_line(exc: BaseException) -> str:
    """One line: DuckDB's CSV errors put where on the first line and the cause after the original line."""
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    if not lines:
        return type(exc).__name__
    causes = [line for line in lines[1:] if not line.startswith(("Original Line", "Possible Solution"))]
    return lines[0] + (f": {causes[0]}" if causes and "=" not in causes[0] else "")


def _sql_literal(value) -> str:
    return "'" + str(value).replace("'", "''") + "'"


def _identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'
