"""Footprint of accelerator work: energy, operational and embodied emissions, with provenance.

`estimate()` computes one job and `estimate_jobs_file()` a Parquet or CSV file of jobs (streamed
by pipelines/batch.py). Both resolve names here (the accelerator with `pipelines.hardware.resolve_accelerator`, the grid
zone with `pipelines.zones.resolve_zone`, once per distinct name) and hand the jobs to the warehouse's
`footprint(...)` table macro (warehouse/sql/30_footprint.sql): the arithmetic and every
default live in SQL only, so the API, the CLI and `training_footprint_estimates` agree.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import duckdb

from pipelines import settings
from pipelines.batch import (  # noqa: F401  (the batch API, importable from here as before)
    JOB_FILE_COLUMNS,
    MAX_LISTED_BAD_ROWS,
    REQUIRED_JOB_COLUMNS,
    BadRow,
    BatchResult,
    InvalidInputError,
    InvalidJobsError,
    estimate_jobs,
    file_format,
)
from pipelines.errors import AifootprintError
from pipelines.zones import resolve_zone, zone_index

SQL_FILE = "30_footprint.sql"
ASSUMPTION = "aifootprint default (warehouse/sql/30_footprint.sql)"
CITED_DEFAULT = "aifootprint default (calculation_defaults, cited)"


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
            "results": {
                "energy_kwh": self.energy_kwh,
                "operational_kgco2e": self.operational_kgco2e,
                "embodied_kgco2e": self.embodied_kgco2e,
                "total_kgco2e": self.total_kgco2e,
            },
            "inputs": [asdict(i) for i in self.inputs],
            "equivalences": [asdict(e) for e in self.equivalences],
            "notes": list(self.notes),
        }


# --- one job --------------------------------------------------------------------------------------


def estimate(
    hardware: str,
    count: float,
    hours: float,
    *,
    zone: str | None = None,
    year: int | None = None,
    pue: float | None = None,
    power_w: float | None = None,
    intensity: float | None = None,
    utilization: float | None = None,
    lifetime_years: float | None = None,
    embodied_kgco2e: float | None = None,
    warehouse: duckdb.DuckDBPyConnection | str | Path | None = None,
) -> Estimate:
    """Energy, operational and embodied emissions of `count` accelerators running `hours`.

    Any input left None takes the warehouse default (power: TDP x utilization 1.0; PUE:
    `datacenter_pue_default`; intensity: grid_carbon_intensity_preferred for zone and year, the
    world average when no zone is given and the zone's latest year when no year is; embodied:
    accelerator_embodied_preferred over a 4-year life). `intensity` is in gCO2e/kWh,
    `embodied_kgco2e` per device. `warehouse` is a DuckDB connection or a warehouse folder
    (default: $AIFOOTPRINT_WAREHOUSE). Raises InvalidInputError (bad values, unknown zone) or
    UnknownHardwareError (with the closest names).
    """
    _refuse_out_of_range(
        year=year,
        count=count,
        hours=hours,
        pue=pue,
        power_w=power_w,
        intensity=intensity,
        utilization=utilization,
        lifetime_years=lifetime_years,
        embodied_kgco2e=embodied_kgco2e,
    )
    with connect(warehouse) as con:
        match = _resolve_accelerator(con, hardware)
        zone_id = resolve_zone(zone_index(con), zone) if zone is not None else None
        values = [
            1,
            match.canonical_model,
            count,
            hours,
            zone_id,
            year,
            pue,
            power_w,
            utilization,
            intensity,
            lifetime_years,
            embodied_kgco2e,
        ]
        con.execute(f"create or replace temp table footprint_job as select {_JOB_SELECT}", values)
        problems = [row[0] for row in con.execute("select problem from footprint_problems('footprint_job')").fetchall()]
        if problems:
            raise InvalidInputError(problems)
        (result,) = _records(con.execute("from footprint('footprint_job')"))
        equivalences = _records(
            con.execute("from footprint_equivalences(?, ?)", [result["energy_kwh"], result["total_kgco2e"]])
        )
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
_JOB_SELECT = ", ".join(
    f"?::{sql_type} as {name}"
    for name, sql_type in (
        ("job_id", "bigint"),
        ("canonical_model", "varchar"),
        ("device_count", "double"),
        ("hours", "double"),
        ("zone_id", "varchar"),
        ("year", "integer"),
        ("pue", "double"),
        ("power_w", "double"),
        ("utilization", "double"),
        ("gco2e_per_kwh", "double"),
        ("lifetime_years", "double"),
        ("embodied_kgco2e_per_device", "double"),
    )
)


def _inputs(r: dict, match, hardware: str, zone: str | None, intensity_given: bool) -> Iterator[Input]:
    yield Input(
        "hardware",
        r["canonical_model"],
        "accelerator",
        "given",
        f"'{hardware}' matched '{match.matched_name}' ({match.how}) in accelerator_specs_preferred",
        match.source_id,
        match.source_vintage,
    )
    yield Input("count", r["device_count"], "devices", "given", "given")
    yield Input("hours", r["hours"], "h", "given", "given")
    if r["power_w_is_given"]:
        yield Input("power_w", r["power_w"], "W per device", "given", "given")
    else:
        yield Input(
            "power_w",
            r["power_w"],
            "W per device",
            "default",
            f"TDP {r['tdp_w']:g} W x utilization {r['utilization']:g}",
        )
        yield Input(
            "tdp_w",
            r["tdp_w"],
            "W",
            "default",
            f"accelerator_specs_preferred: {r['canonical_model']}",
            r["tdp_source_id"],
            r["tdp_source_vintage"],
        )
        yield _given_or_assumed(
            "utilization",
            r["utilization"],
            "fraction of TDP",
            r["utilization_is_default"],
            f"{CITED_DEFAULT}: TDP as average power (an upper bound)",
        )
    yield pue_input(r, f"{r['pue_entity']}, {r['pue_year']}")
    if not intensity_given or zone is not None:
        where = "given" if zone is None or zone == r["zone_id"] else f"given as '{zone}'"
        yield (
            Input("zone", r["zone_id"], "zone id", "default", f"{ASSUMPTION}: world average when no zone is given")
            if r["zone_is_default"]
            else Input("zone", r["zone_id"], "zone id", "given", where)
        )
        yield (
            Input("year", r["year"], "year", "default", "latest year grid_carbon_intensity_preferred has for the zone")
            if r["year_is_default"]
            else Input("year", r["year"], "year", "given", "given")
        )
    carried = " (carried forward)" if r["intensity_is_default"] and r["intensity_is_carried_forward"] else ""
    yield intensity_input(r, carried)
    yield _given_or_assumed(
        "lifetime_years",
        r["lifetime_years"],
        "years",
        r["lifetime_is_default"],
        f"{CITED_DEFAULT}: {r['lifetime_years']:g}-year accelerator service life",
    )
    if not r["embodied_is_default"]:
        yield Input("embodied_kgco2e_per_device", r["embodied_kgco2e_per_device"], "kgCO2e", "given", "given")
    elif r["embodied_kgco2e_per_device"] is not None:
        yield Input(
            "embodied_kgco2e_per_device",
            r["embodied_kgco2e_per_device"],
            "kgCO2e",
            "default",
            f"accelerator_embodied_preferred: {r['canonical_model']}, {r['embodied_boundary']}",
            r["embodied_source_id"],
            r["embodied_source_vintage"],
        )
    else:
        yield Input(
            "embodied_kgco2e_per_device",
            None,
            "kgCO2e",
            "default",
            f"no embodied figure for {r['canonical_model']}: embodied emissions not computed",
        )


def pue_input(r: dict, default_from: str) -> Input:
    """The PUE input of a footprint row: given, or datacenter_pue_default's (`default_from` says which row)."""
    if not r["pue_is_default"]:
        return Input("pue", r["pue"], "ratio", "given", "given")
    return Input(
        "pue",
        r["pue"],
        "ratio",
        "default",
        f"datacenter_pue_default: {default_from}",
        r["pue_source_id"],
        r["pue_source_vintage"],
    )


def intensity_input(r: dict, data_year_note: str = "") -> Input:
    """The grid-intensity input of a footprint row: given, or grid_carbon_intensity_preferred's."""
    if not r["intensity_is_default"]:
        return Input("intensity", r["gco2e_per_kwh"], "gCO2e/kWh", "given", "given")
    return Input(
        "intensity",
        r["gco2e_per_kwh"],
        "gCO2e/kWh",
        "default",
        f"grid_carbon_intensity_preferred: {r['zone_id']} {r['year']}, {r['intensity_basis']}, "
        f"data year {r['intensity_data_year']}{data_year_note}",
        r["intensity_source_id"],
        r["intensity_source_vintage"],
    )


def _given_or_assumed(name: str, value, unit: str, is_default: bool, assumption: str) -> Input:
    if is_default:
        return Input(name, value, unit, "default", assumption)
    return Input(name, value, unit, "given", "given")


def _notes(r: dict) -> Iterator[str]:
    if r["intensity_is_default"] and r["intensity_is_carried_forward"]:
        yield (
            f"{r['zone_id']} has no grid intensity for {r['year']}: the {r['intensity_data_year']} value is "
            "used (carried forward)"
        )
    if r["embodied_kgco2e"] is None:
        yield f"no embodied emissions figure for {r['canonical_model']}; total is operational only"


def _records(cursor) -> list[dict]:
    """Rows as dicts of plain Python values (JSON-serialisable, unlike numpy scalars)."""
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _resolve_accelerator(con, name: str):
    from pipelines.hardware import resolve_accelerator

    if name is None or not str(name).strip():
        raise InvalidInputError(["hardware is missing"])
    return resolve_accelerator(con, str(name))


def _refuse_out_of_range(*, year, **numbers) -> None:
    """Values the SQL types cannot hold (a year past INTEGER, inf, nan) are input errors, not crashes."""
    problems = [
        f"{name.replace('_', '-')} {value!r} is not a finite number"
        for name, value in numbers.items()
        if value is not None and not (isinstance(value, (int, float)) and math.isfinite(value))
    ]
    if year is not None and not (isinstance(year, int) and 1 <= year <= 9999):
        problems.append(f"year {str(year)[:30]} is out of range (1 to 9999)")
    if problems:
        raise InvalidInputError(problems)


# --- a file of jobs ---------------------------------------------------------------------------------


def estimate_jobs_file(
    jobs_path: str | Path,
    out_path: str | Path,
    *,
    skip_invalid: bool = False,
    columns: str = "full",
    warehouse: duckdb.DuckDBPyConnection | str | Path | None = None,
    **options,
) -> BatchResult:
    """Compute every job of a CSV or Parquet file (or glob, or folder of parts), or of CodeCarbon's or
    SLURM's usage records (jobs_format=, format_options=): see pipelines.batch.estimate_jobs."""
    return estimate_jobs(
        jobs_path, out_path, skip_invalid=skip_invalid, columns=columns, warehouse=warehouse, **options
    )


# --- the warehouse connection -------------------------------------------------------------------------


@contextmanager
def connect(
    warehouse: duckdb.DuckDBPyConnection | str | Path | None = None, *, external_access: bool = False
) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection with the footprint macros: the one given, or a read-only one to a warehouse folder."""
    if isinstance(warehouse, duckdb.DuckDBPyConnection):
        _require_macros(warehouse)
        yield warehouse
        return
    from pipelines.warehouse import Warehouse

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
        raise WarehouseNotReadyError(
            f"the warehouse has no footprint macros (warehouse/sql/{SQL_FILE} "
            f"{requires.removeprefix('-- ')}); run `aifootprint refresh` first"
        )
