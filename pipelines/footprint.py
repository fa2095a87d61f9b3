"""Footprint of accelerator work: energy, operational and embodied emissions, with provenance.

`estimate()` computes one job and `estimate_jobs_file()` a Parquet or CSV file of jobs. Both
resolve names here (the accelerator with `pipelines.hardware.resolve_accelerator`, the grid
zone with `resolve_zone`, once per distinct name) and hand the jobs to the warehouse's
`footprint(...)` table macro (warehouse/sql/30_footprint.sql): the arithmetic and every
default live in SQL only, so the API, the CLI and `training_footprint_estimates` agree.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from pipelines import settings, zones
from pipelines.errors import AifootprintError, UnknownHardwareError
from pipelines.warehouse import Warehouse

SQL_FILE = "30_footprint.sql"
ASSUMPTION = "aifootprint default (warehouse/sql/30_footprint.sql)"
# The most bad rows a batch lists; the count always covers all of them.
MAX_LISTED_BAD_ROWS = 1000


class InvalidInputError(ValueError):
    """Inputs that cannot describe a job (count <= 0, PUE < 1 ...): bad usage, not bad data."""

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        super().__init__("; ".join(self.problems))


class UnknownZoneError(InvalidInputError):
    """A zone that is neither a zone id nor a zone name of grid_carbon_intensity_preferred."""

    def __init__(self, zone: str, suggestions: list[str]):
        self.zone = zone
        self.suggestions = list(suggestions)
        hint = f"; closest zones: {', '.join(self.suggestions)}" if self.suggestions else ""
        super().__init__([f"unknown zone {zone!r}{hint}"])


class WarehouseNotReadyError(AifootprintError):
    """The warehouse lacks the footprint macros (a table they need was never published)."""


@dataclass(frozen=True)
class Input:
    """One input of a calculation: its value, whether it was given or defaulted, and from where."""

    name: str
    value: Any
    unit: str
    origin: str  # given | default
    source: str  # in words: the user, an assumption, or the table row the default came from
    source_id: str | None = None
    source_vintage: str | None = None


@dataclass(frozen=True)
class Equivalence:
    key: str
    label: str
    amount: float
    reference_value: float
    reference_unit: str
    publisher: str
    title: str
    url: str
    published: str | None
    source_id: str
    source_vintage: str


@dataclass(frozen=True)
class Estimate:
    energy_kwh: float
    operational_kgco2e: float
    embodied_kgco2e: float | None  # None when no embodied figure exists for the accelerator
    total_kgco2e: float
    inputs: tuple[Input, ...]
    equivalences: tuple[Equivalence, ...] = ()
    notes: tuple[str, ...] = ()

    def input(self, name: str) -> Input:
        for item in self.inputs:
            if item.name == name:
                return item
        raise KeyError(f"no input {name!r}; inputs: {[i.name for i in self.inputs]}")

    def to_dict(self) -> dict:
        return {
            "results": {"energy_kwh": self.energy_kwh, "operational_kgco2e": self.operational_kgco2e,
                        "embodied_kgco2e": self.embodied_kgco2e, "total_kgco2e": self.total_kgco2e},
            "inputs": [asdict(i) for i in self.inputs],
            "equivalences": [asdict(e) for e in self.equivalences],
            "notes": list(self.notes),
        }


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


# --- one job --------------------------------------------------------------------------------------

def estimate(hardware: str, count: float, hours: float, *, zone: str | None = None, year: int | None = None,
             pue: float | None = None, power_w: float | None = None, intensity: float | None = None,
             utilization: float | None = None, lifetime_years: float | None = None,
             embodied_kgco2e: float | None = None,
             warehouse: duckdb.DuckDBPyConnection | str | Path | None = None) -> Estimate:
    """Energy, operational and embodied emissions of `count` accelerators running `hours`.

    Any input left None takes the warehouse default (power: TDP x utilization 1.0; PUE:
    `datacenter_pue_default`; intensity: grid_carbon_intensity_preferred for zone and year, the
    world average when no zone is given and the zone's latest year when no year is; embodied:
    accelerator_embodied_preferred over a 4-year life). `intensity` is in gCO2e/kWh,
    `embodied_kgco2e` per device. `warehouse` is a DuckDB connection or a warehouse folder
    (default: $AIFOOTPRINT_WAREHOUSE). Raises InvalidInputError (bad values, unknown zone) or
    UnknownHardwareError (with the closest names).
    """
    with connect(warehouse) as con:
        match = _resolve_accelerator(con, hardware)
        zone_id = resolve_zone(zone_index(con), zone) if zone is not None else None
        values = [1, match.canonical_model, count, hours, zone_id, year, pue, power_w, utilization, intensity,
                  lifetime_years, embodied_kgco2e]
        con.execute(f"create or replace temp table footprint_job as select {_JOB_SELECT}", values)
        problems = [row[0] for row in con.execute("select problem from footprint_problems('footprint_job')").fetchall()]
        if problems:
            raise InvalidInputError(problems)
        (result,) = _records(con.execute("from footprint('footprint_job')"))
        equivalences = _records(con.execute("from footprint_equivalences(?, ?)",
                                            [result["energy_kwh"], result["total_kgco2e"]]))
    fields = Equivalence.__dataclass_fields__
    return Estimate(
        energy_kwh=result["energy_kwh"],
        operational_kgco2e=result["operational_kgco2e"],
        embodied_kgco2e=result["embodied_kgco2e"],
        total_kgco2e=result["total_kgco2e"],
        inputs=tuple(_inputs(result, match, hardware, zone, intensity is not None)),
        equivalences=tuple(Equivalence(**{k: v for k, v in row.items() if k in fields}) for row in equivalences),
        notes=tuple(_notes(result)),
    )


# Typed columns of the relation footprint() reads, in the order of `values` in estimate().
_JOB_SELECT = ", ".join(f"?::{sql_type} as {name}" for name, sql_type in (
    ("job_id", "bigint"), ("canonical_model", "varchar"), ("device_count", "double"), ("hours", "double"),
    ("zone_id", "varchar"), ("year", "integer"), ("pue", "double"), ("power_w", "double"),
    ("utilization", "double"), ("gco2e_per_kwh", "double"), ("lifetime_years", "double"),
    ("embodied_kgco2e_per_device", "double")))


def _inputs(r: dict, match, hardware: str, zone: str | None, intensity_given: bool) -> Iterator[Input]:
    yield Input("hardware", r["canonical_model"], "accelerator", "given",
                f"'{hardware}' matched '{match.matched_name}' ({match.how}) in accelerator_specs_preferred",
                match.source_id, match.source_vintage)
    yield Input("count", r["device_count"], "devices", "given", "given")
    yield Input("hours", r["hours"], "h", "given", "given")
    if r["power_w_is_given"]:
        yield Input("power_w", r["power_w"], "W per device", "given", "given")
    else:
        yield Input("power_w", r["power_w"], "W per device", "default",
                    f"TDP {r['tdp_w']:g} W x utilization {r['utilization']:g}")
        yield Input("tdp_w", r["tdp_w"], "W", "default", f"accelerator_specs_preferred: {r['canonical_model']}",
                    r["tdp_source_id"], r["tdp_source_vintage"])
        yield _given_or_assumed("utilization", r["utilization"], "fraction of TDP", r["utilization_is_default"],
                                "TDP as average power (an upper bound)")
    if r["pue_is_default"]:
        yield Input("pue", r["pue"], "ratio", "default",
                    f"datacenter_pue_default: {r['pue_entity']}, {r['pue_year']}",
                    r["pue_source_id"], r["pue_source_vintage"])
    else:
        yield Input("pue", r["pue"], "ratio", "given", "given")
    if not intensity_given or zone is not None:
        where = "given" if zone is None or zone == r["zone_id"] else f"given as '{zone}'"
        yield (Input("zone", r["zone_id"], "zone id", "default", f"{ASSUMPTION}: world average when no zone "
                                                                 "is given")
               if r["zone_is_default"] else Input("zone", r["zone_id"], "zone id", "given", where))
        yield (Input("year", r["year"], "year", "default", "latest year grid_carbon_intensity_preferred "
                                                           "has for the zone")
               if r["year_is_default"] else Input("year", r["year"], "year", "given", "given"))
    if r["intensity_is_default"]:
        carried = " (carried forward)" if r["intensity_is_carried_forward"] else ""
        yield Input("intensity", r["gco2e_per_kwh"], "gCO2e/kWh", "default",
                    f"grid_carbon_intensity_preferred: {r['zone_id']} {r['year']}, {r['intensity_basis']}, "
                    f"data year {r['intensity_data_year']}{carried}",
                    r["intensity_source_id"], r["intensity_source_vintage"])
    else:
        yield Input("intensity", r["gco2e_per_kwh"], "gCO2e/kWh", "given", "given")
    yield _given_or_assumed("lifetime_years", r["lifetime_years"], "years", r["lifetime_is_default"],
                            "4-year accelerator service life")
    if not r["embodied_is_default"]:
        yield Input("embodied_kgco2e_per_device", r["embodied_kgco2e_per_device"], "kgCO2e", "given", "given")
    elif r["embodied_kgco2e_per_device"] is not None:
        yield Input("embodied_kgco2e_per_device", r["embodied_kgco2e_per_device"], "kgCO2e", "default",
                    f"accelerator_embodied_preferred: {r['canonical_model']}, {r['embodied_boundary']}",
                    r["embodied_source_id"], r["embodied_source_vintage"])
    else:
        yield Input("embodied_kgco2e_per_device", None, "kgCO2e", "default",
                    f"no embodied figure for {r['canonical_model']}: embodied emissions not computed")


def _given_or_assumed(name: str, value, unit: str, is_default: bool, assumption: str) -> Input:
    if is_default:
        return Input(name, value, unit, "default", f"{ASSUMPTION}: {assumption}")
    return Input(name, value, unit, "given", "given")


def _notes(r: dict) -> Iterator[str]:
    if r["intensity_is_default"] and r["intensity_is_carried_forward"]:
        yield (f"{r['zone_id']} has no grid intensity for {r['year']}: the {r['intensity_data_year']} value is "
               "used (carried forward)")
    if r["embodied_kgco2e"] is None:
        yield f"no embodied emissions figure for {r['canonical_model']}; total is operational only"


def _records(cursor) -> list[dict]:
    """Rows as dicts of plain Python values (JSON-serialisable, unlike numpy scalars)."""
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


def _resolve_accelerator(con, name: str):
    from pipelines.hardware import resolve_accelerator

    if name is None or not str(name).strip():
        raise InvalidInputError(["hardware is missing"])
    return resolve_accelerator(con, str(name))


# --- zones ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ZoneIndex:
    ids: dict[str, str]  # lower-case zone id -> zone id
    names: dict[str, set[str]]  # lower-case zone name -> zone ids
    labels: dict[str, str]  # zone id -> "FRA (France)"


def zone_index(con) -> ZoneIndex:
    rows = con.execute("select distinct zone_id, zone_name from grid_carbon_intensity_preferred").fetchall()
    ids, names, labels = {}, {}, {}
    for zone_id, zone_name in rows:
        ids[zone_id.lower()] = zone_id
        labels[zone_id] = f"{zone_id} ({zone_name})" if zone_name else zone_id
        if zone_name:
            names.setdefault(zone_name.strip().lower(), set()).add(zone_id)
    return ZoneIndex(ids, names, labels)


def resolve_zone(index: ZoneIndex, text: str) -> str:
    """A zone id from an id in any case ('fra'), an ISO alpha-2 code ('FR') or a name ('France')."""
    wanted = str(text).strip()
    folded = wanted.lower()
    if folded in index.ids:
        return index.ids[folded]
    candidates = []
    if len(wanted) == 2:
        candidates.append(zones.iso3_from_alpha2(wanted))
    if len(index.names.get(folded, ())) == 1:
        candidates.append(next(iter(index.names[folded])))
    candidates.append(zones.iso3_from_name(wanted) if wanted else None)
    for candidate in candidates:
        if candidate and candidate.lower() in index.ids:
            return index.ids[candidate.lower()]
    keys = list(index.ids) + list(index.names)
    close = difflib.get_close_matches(folded, keys, n=5, cutoff=0.6)
    suggestions = []
    for key in close:
        for zone_id in ([index.ids[key]] if key in index.ids else sorted(index.names[key])):
            if index.labels[zone_id] not in suggestions:
                suggestions.append(index.labels[zone_id])
    raise UnknownZoneError(wanted, suggestions[:5])


# --- a file of jobs ---------------------------------------------------------------------------------

# Columns a jobs file may have -> the footprint() input they feed. hardware, count and hours
# are required; the rest may be absent or blank (= the default).
JOB_FILE_COLUMNS = {
    "hardware": None, "count": "device_count", "hours": "hours", "zone": None, "year": "year", "pue": "pue",
    "power_w": "power_w", "utilization": "utilization", "intensity": "gco2e_per_kwh",
    "lifetime_years": "lifetime_years", "embodied_kgco2e": "embodied_kgco2e_per_device",
    # A tracker's measurement (pipelines/job_formats/): energy in place of power x hours x PUE.
    "measured_energy_kwh": "measured_energy_kwh", "tracker_pue": "tracker_pue", "tracker_kgco2e": "tracker_kgco2e",
}
REQUIRED_JOB_COLUMNS = ("hardware", "count", "hours")
_FORMATS = {".csv": "csv", ".parquet": "parquet", ".pq": "parquet"}


def file_format(path: str | Path) -> str:
    suffixes = Path(path).suffixes
    suffix = suffixes[-2] if len(suffixes) >= 2 and suffixes[-1] == ".gz" else (suffixes[-1] if suffixes else "")
    try:
        return _FORMATS[suffix.lower()]
    except KeyError:
        raise InvalidInputError([f"{path}: unknown file type; use .csv (or .csv.gz) or .parquet"]) from None


def estimate_jobs_file(jobs_path: str | Path, out_path: str | Path, *, skip_invalid: bool = False,
                       warehouse: duckdb.DuckDBPyConnection | str | Path | None = None,
                       jobs_format: str = "plain", format_options=None) -> BatchResult:
    """Compute every job of a CSV or Parquet file in one query and write the results to `out_path`.

    Each output row holds the job's extra columns (carried through), the resolved value of
    every input with its source, and energy_kwh, operational_kgco2e, embodied_kgco2e,
    total_kgco2e. Rows that cannot be computed raise InvalidJobsError listing each one (line
    and reason) and nothing is written, unless `skip_invalid`, which leaves them out and
    reports them in the result. `jobs_format` 'codecarbon' or 'slurm' (or 'auto', from the
    header) reads a tool's usage records with `format_options` (pipelines/job_formats/).
    """
    if not Path(jobs_path).is_file():
        raise InvalidInputError([f"{jobs_path}: no such file"])
    if jobs_format != "plain":
        from pipelines import job_formats
        jobs_format = job_formats.detect_format(jobs_path) if jobs_format == "auto" else jobs_format
    in_format = file_format(jobs_path) if jobs_format == "plain" else "csv"
    out_format = file_format(out_path)
    left_out = {}
    with connect(warehouse, external_access=True) as con:
        if jobs_format == "plain":
            columns = _load_jobs(con, jobs_path, in_format)
        else:  # the one hook for usage-record formats: they load footprint_jobs_raw themselves
            loaded = job_formats.load_jobs_table(con, jobs_path, jobs_format, "footprint_jobs_raw", format_options)
            columns, left_out = loaded.columns, loaded.left_out
        _resolve_job_names(con, columns)
        _type_jobs(con, columns)
        con.execute("create or replace temp table footprint_results as select * from footprint('footprint_jobs')")
        bad = _bad_rows(con, columns, "line" if in_format == "csv" else "row")
        bad_count = con.execute("select count(*) from footprint_bad_jobs").fetchall()[0][0]
        if bad_count and not skip_invalid:
            raise InvalidJobsError(bad_count, bad)
        written = _write_results(con, columns, out_path, out_format)
    return BatchResult(rows_written=written, bad_row_count=bad_count, bad_rows=bad, left_out=left_out)


def _load_jobs(con, path, in_format: str) -> list[str]:
    reader = ("read_csv(?, header = true, all_varchar = true)" if in_format == "csv" else "read_parquet(?)")
    try:
        # row_number() over () follows the file's order: a CSV row's line is __row + 1 (header).
        # Its own name, so that a job_id column of the user's survives untouched.
        con.execute(f"create or replace temp table footprint_jobs_raw as "
                    f"select row_number() over () as __row, * from {reader}", [str(path)])
    except duckdb.Error as exc:
        raise InvalidInputError([f"{path}: cannot read as {in_format} ({exc})"]) from None
    columns = [row[0] for row in con.execute("describe footprint_jobs_raw").fetchall()][1:]
    missing = [c for c in REQUIRED_JOB_COLUMNS if c not in columns]
    if missing:
        raise InvalidInputError([f"{path}: missing column(s) {missing}; columns are {columns}; expected "
                                 f"{list(REQUIRED_JOB_COLUMNS)} and optionally "
                                 f"{[c for c in JOB_FILE_COLUMNS if c not in REQUIRED_JOB_COLUMNS]}"])
    return columns


def _resolve_job_names(con, columns: list[str]) -> None:
    """Resolve each distinct accelerator and zone name once; unknown names carry the reason."""
    from pipelines.hardware import resolve_accelerator

    hardware = []
    for (name,) in con.execute("select distinct hardware::varchar from footprint_jobs_raw "
                               "where nullif(trim(hardware::varchar), '') is not null").fetchall():
        try:
            hardware.append((name, resolve_accelerator(con, name).canonical_model, None))
        except UnknownHardwareError as exc:
            hardware.append((name, None, str(exc)))
    zone_names = []
    if "zone" in columns:
        index = zone_index(con)
        for (name,) in con.execute("select distinct zone::varchar from footprint_jobs_raw "
                                   "where nullif(trim(zone::varchar), '') is not null").fetchall():
            try:
                zone_names.append((name, resolve_zone(index, name), None))
            except UnknownZoneError as exc:
                zone_names.append((name, None, str(exc)))
    con.register("footprint_hardware_names", pd.DataFrame(hardware, columns=["name", "canonical_model", "problem"],
                                                           dtype=object))
    con.register("footprint_zone_names", pd.DataFrame(zone_names, columns=["name", "zone_id", "problem"],
                                                      dtype=object))


def _number_expression(column: str, columns: list[str]) -> str:
    if column not in columns:
        return "null::double"
    return f"try_cast(nullif(trim({_identifier(column)}::varchar), '') as double)"


def _type_jobs(con, columns: list[str]) -> None:
    typed = [f"{_number_expression(column, columns)} as {target}"
             for column, target in JOB_FILE_COLUMNS.items() if target and target != "year"]
    zone = "z.zone_id" if "zone" in columns else "null::varchar"
    year = _number_expression("year", columns)
    con.execute(f"""
        create or replace temp table footprint_jobs as
        select r.__row as job_id, h.canonical_model, {zone} as zone_id,
               case when {year} = floor({year}) then {year}::integer end as year,
               {', '.join(typed)}
        from footprint_jobs_raw r
        left join footprint_hardware_names h on h.name = r.hardware::varchar
        {"left join footprint_zone_names z on z.name = r.zone::varchar" if "zone" in columns else ""}
    """)


def _bad_rows(con, columns: list[str], unit: str) -> list[BadRow]:
    # Measured energy stands in for the accelerator's power: hardware may be empty then.
    measured = "measured_energy_kwh" in columns
    checks = ["select __row as job_id, 'hardware is missing' as problem from footprint_jobs_raw "
              "where nullif(trim(hardware::varchar), '') is null"
              + (" and nullif(trim(measured_energy_kwh::varchar), '') is null" if measured else ""),
              "select r.__row as job_id, h.problem from footprint_jobs_raw r "
              "join footprint_hardware_names h on h.name = r.hardware::varchar where h.problem is not null"]
    if "zone" in columns:
        checks.append("select r.__row as job_id, z.problem from footprint_jobs_raw r "
                      "join footprint_zone_names z on z.name = r.zone::varchar where z.problem is not null")
    for column in JOB_FILE_COLUMNS:
        if column in columns and JOB_FILE_COLUMNS[column]:
            value = f"nullif(trim({_identifier(column)}::varchar), '')"
            checks.append(f"select __row as job_id, '{column} ' || {value} || ' is not a number' from footprint_jobs_raw "
                          f"where {value} is not null and try_cast({value} as double) is null")
    if "year" in columns:
        checks.append("select r.__row as job_id, 'year must be a whole number, got ' || trim(r.year::varchar) "
                      "from footprint_jobs_raw r join footprint_jobs j on j.job_id = r.__row "
                      "where j.year is null and try_cast(nullif(trim(r.year::varchar), '') as double) is not null")
    # Range and lookup checks in SQL, for the rows whose names resolved (a row with an unknown
    # accelerator would otherwise also be told it has no TDP). Lookups read the results already
    # computed once into footprint_results rather than running footprint() a second time.
    computable = "canonical_model is not null" + (" or measured_energy_kwh is not null" if measured else "")
    checks.append("select job_id, problem from footprint_input_problems('footprint_jobs') "
                  f"where job_id in (select job_id from footprint_jobs where {computable})")
    checks.append("select job_id, problem from footprint_lookup_problems('footprint_results') "
                  f"where job_id in (select job_id from footprint_jobs where {computable})")
    # A usage-record reader's own reason (pipelines/job_formats/) replaces the checks' findings.
    unreadable = ("select __row as job_id, __unusable_reason as reason from footprint_jobs_raw "
                  "where __unusable_reason is not null"
                  if "__unusable_reason" in {r[0] for r in con.execute("describe footprint_jobs_raw").fetchall()}
                  else None)
    con.execute(f"""
        create or replace temp table footprint_bad_jobs as
        select job_id, string_agg(problem, '; ' order by problem) as reason
        from ({' union all '.join(checks)})
        {"where job_id not in (select job_id from (" + unreadable + "))" if unreadable else ""}
        group by job_id
        {"union all " + unreadable if unreadable else ""}
    """)
    offset = 1 if unit == "line" else 0
    rows = con.execute(f"select job_id + {offset}, reason from footprint_bad_jobs order by job_id limit ?",
                       [MAX_LISTED_BAD_ROWS]).fetchall()
    return [BadRow(f"{unit} {number}", reason) for number, reason in rows]


def _write_results(con, columns: list[str], out_path, out_format: str) -> int:
    # The file's own columns (ids, labels ...) ride along; one named like a result column is
    # renamed input_<name> rather than shadowing the result.
    # job_id is the internal row number and is not written, so a user's job_id keeps its name.
    results = {row[0] for row in con.execute("describe footprint_results").fetchall()} - {"job_id"}
    carried = [c for c in columns if c not in JOB_FILE_COLUMNS or c == "hardware"]
    carried_sql = "".join(f"r.{_identifier(c)} as {_identifier('input_' + c if c in results else c)}, "
                          for c in carried)
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = out_path.with_name(f".{out_path.name}.tmp")
    options = "format parquet, compression zstd" if out_format == "parquet" else "format csv, header true"
    try:
        con.execute(f"""
            copy (select {carried_sql}f.* exclude (job_id)
                  from footprint_results f join footprint_jobs_raw r on r.__row = f.job_id
                  where f.job_id not in (select job_id from footprint_bad_jobs)
                  order by f.job_id)
            to '{_sql_string(tmp)}' ({options})
        """)
        os.replace(tmp, out_path)
    finally:
        tmp.unlink(missing_ok=True)
    return con.execute("select count(*) from footprint_results "
                       "where job_id not in (select job_id from footprint_bad_jobs)").fetchall()[0][0]


def _sql_string(path: Path) -> str:
    return str(path).replace("'", "''")


def _identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


# --- the warehouse connection -------------------------------------------------------------------------

@contextmanager
def connect(warehouse: duckdb.DuckDBPyConnection | str | Path | None = None, *,
            external_access: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection with the footprint macros: the one given, or a read-only one to a warehouse folder."""
    if isinstance(warehouse, duckdb.DuckDBPyConnection):
        _require_macros(warehouse)
        yield warehouse
        return
    store = Warehouse(Path(warehouse) if warehouse is not None else settings.warehouse_dir())
    try:
        con = store.connect(allow_external_access=external_access)
    except FileNotFoundError as exc:
        raise WarehouseNotReadyError(str(exc)) from None
    with con:
        _require_macros(con)
        yield con


def _require_macros(con) -> None:
    found = con.execute("select count(*) from duckdb_functions() where function_name = 'footprint'").fetchall()[0][0]
    if not found:
        requires = (settings.sql_dir() / SQL_FILE).read_text(encoding="utf-8").splitlines()[0]
        raise WarehouseNotReadyError(f"the warehouse has no footprint macros (warehouse/sql/{SQL_FILE} "
                                     f"{requires.removeprefix('-- ')}); run `aifootprint refresh` first")
