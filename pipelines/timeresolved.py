"""Time-resolved footprints: the grid intensity over a job's exact hours, and the greenest window.

`intensity_over(zone, start, hours)` answers at the finest resolution the warehouse holds for
the zone and those hours, and says which:

1. hourly  grid_intensity_hourly, every hour the job overlaps weighted by the overlap
           (warehouse/sql/13_grid_hourly.sql, grid_hourly_window), when one source covers
           all of them;
2. monthly grid_intensity_monthly, each month weighted by the job's hours in it, when every
           month is there;
3. annual  grid_carbon_intensity_preferred for the zone and the job's year (nearest earlier).

Basis: hourly series carry direct and lifecycle apart; the default is lifecycle where the
series has it (as the annual preferred view puts lifecycle first), else direct. Beside the
result it gives the annual mean of the SAME series (the zone-year's hourly mean; the year's
twelve months), so the comparison is on one basis.

`estimate_at()` runs the accelerator-hours footprint (pipelines.footprint.estimate) with that
intensity: energy is drawn evenly over the hours, so operational CO2e = energy x the
overlap-weighted mean = the sum over hours of (energy in the hour x that hour's intensity).
"""

from __future__ import annotations

import difflib
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime

import duckdb
import pandas as pd

from pipelines import zones
from pipelines.footprint import Estimate, Input, InvalidInputError, connect, estimate
from pipelines.sources.emaps_hourly import zone_place
from pipelines.zones import UnknownZoneError, resolve_zone, zone_index

BASES = ("lifecycle", "direct")
# A coverage this close to the job's hours counts as complete (float sums of overlaps).
_COVERAGE_TOLERANCE_HOURS = 1e-6


@dataclass(frozen=True)
class Window:
    zone_id: str
    start_utc: str
    hours: float
    resolution: str  # hourly | monthly | annual
    gco2e_per_kwh: float
    basis: str
    source_id: str | None
    source_vintage: str | None
    data_year: int | None
    estimated_hours: int | None
    annual_mean_gco2e_per_kwh: float | None  # the same series' annual mean
    annual_mean_note: str
    fallbacks: tuple[str, ...] = ()


def parse_start(text) -> pd.Timestamp:
    """An ISO start time; without an offset it is UTC ('2023-07-01 10:00', '2023-07-01T10:00Z')."""
    if isinstance(text, datetime):
        stamp = pd.Timestamp(text)
    else:
        try:
            stamp = pd.Timestamp(str(text).strip())
        except (ValueError, TypeError):
            raise InvalidInputError([f"start {text!r} is not an ISO date-time (e.g. 2023-07-01T10:00Z)"]) from None
    if pd.isna(stamp):
        raise InvalidInputError([f"start {text!r} is not an ISO date-time (e.g. 2023-07-01T10:00Z)"])
    return stamp.tz_localize(UTC) if stamp.tzinfo is None else stamp.tz_convert(UTC)


def resolve_time_zone(con, text: str) -> str:
    """A zone id of the hourly or monthly tables, or of grid_carbon_intensity_preferred."""
    wanted = str(text).strip()
    hourly = {
        row[0]: row[1]
        for row in con.execute("select distinct zone_id, zone_name from grid_intensity_hourly").fetchall()
    }
    monthly = {
        row[0]: row[1]
        for row in con.execute("select distinct zone_id, zone_name from grid_intensity_monthly").fetchall()
    }
    known = {**monthly, **hourly}
    folded = {zone_id.lower(): zone_id for zone_id in known}
    if wanted.lower() in folded:
        return folded[wanted.lower()]
    try:  # an Electricity Maps key or a country's alpha-2 (AU-NSW -> AUS-NSW, DE -> DEU)
        placed = zone_place(wanted.upper())[0]
        if placed in known:
            return placed
    except KeyError:
        pass
    by_name = [zone_id for zone_id, name in known.items() if name and name.strip().lower() == wanted.lower()]
    if len(by_name) == 1:
        return by_name[0]
    iso3 = zones.iso3_from_name(wanted) if wanted else None
    if iso3 and iso3 in known:
        return iso3
    try:
        return resolve_zone(zone_index(con), wanted)
    except UnknownZoneError as exc:
        labels = {f"{z} ({n})": z for z, n in hourly.items()}
        close = difflib.get_close_matches(wanted.lower(), [label.lower() for label in labels], n=3, cutoff=0.3)
        hourly_hint = [label for label in labels if label.lower() in close]
        raise UnknownZoneError(wanted, list(dict.fromkeys(hourly_hint + exc.suggestions))[:6]) from None


def _series_bases(con, zone_id: str) -> list[str]:
    return [
        row[0]
        for row in con.execute(
            "select distinct basis from grid_intensity_hourly_long where zone_id = ?", [zone_id]
        ).fetchall()
    ]


def intensity_over(con, zone_id: str, start: pd.Timestamp, hours: float, basis: str | None = None) -> Window:
    if basis is not None and basis not in BASES:
        raise InvalidInputError([f"basis must be one of {', '.join(BASES)}, got {basis!r}"])
    if not hours > 0:
        raise InvalidInputError([f"hours must be > 0, got {hours:g}"])
    start_text = start.isoformat()
    fallbacks = []
    bases = _series_bases(con, zone_id)
    chosen_basis = basis or next((b for b in BASES if b in bases), None)
    if chosen_basis in bases:
        rows = con.execute(
            "from grid_hourly_window(?, ?::timestamptz, ?, ?) order by source_id",
            [zone_id, start_text, hours, chosen_basis],
        ).fetchdf()
        complete = rows[(rows["covered_hours"] - hours).abs() <= _COVERAGE_TOLERANCE_HOURS]
        if not complete.empty:
            row = complete.iloc[0]
            annual = con.execute(
                "select mean_gco2e_per_kwh, hours from grid_hourly_annual_means where zone_id = ? and source_id = ? "
                "and basis = ? and year = ?",
                [zone_id, row["source_id"], chosen_basis, int(row["data_year"])],
            ).fetchone()
            return Window(
                zone_id,
                start_text,
                hours,
                "hourly",
                float(row["gco2e_per_kwh"]),
                chosen_basis,
                row["source_id"],
                row["source_vintage"],
                int(row["data_year"]),
                int(row["estimated_hours"]),
                float(annual[0]) if annual else None,
                f"mean of the {annual[1]:,} hours of {zone_id} {int(row['data_year'])} in {row['source_id']} "
                f"({chosen_basis})"
                if annual
                else "",
                tuple(fallbacks),
            )
        covered = (
            ", ".join(f"{r.source_id}: {r.covered_hours:g} of {hours:g} h" for r in rows.itertuples()) or "no hours"
        )
        fallbacks.append(f"hourly series of {zone_id} ({chosen_basis}) does not cover the job ({covered})")
    elif basis is not None and bases:
        fallbacks.append(f"hourly series of {zone_id} has no {basis} basis (has {', '.join(bases)})")
    else:
        fallbacks.append(f"no hourly series for {zone_id}")
    months = con.execute(
        "from grid_monthly_window(?, ?::timestamptz, ?) order by source_id", [zone_id, start_text, hours]
    ).fetchdf()
    complete = months[(months["covered_hours"] - hours).abs() <= _COVERAGE_TOLERANCE_HOURS]
    if basis is not None:
        complete = complete[complete["basis"] == basis]
    if not complete.empty:
        row = complete.iloc[0]
        year = int(row["data_year"])
        annual = con.execute(
            "select avg(gco2e_per_kwh), count(*) from grid_intensity_monthly where zone_id = ? "
            "and source_id = ? and year = ? and gco2e_per_kwh is not null",
            [zone_id, row["source_id"], year],
        ).fetchone()
        return Window(
            zone_id,
            start_text,
            hours,
            "monthly",
            float(row["gco2e_per_kwh"]),
            row["basis"],
            row["source_id"],
            row["source_vintage"],
            year,
            None,
            float(annual[0]) if annual and annual[1] == 12 else None,
            f"mean of the 12 months of {zone_id} {year} in {row['source_id']}"
            if annual and annual[1] == 12
            else f"{zone_id} {year} has {annual[1] if annual else 0} month(s) in {row['source_id']}: no annual mean",
            tuple(fallbacks),
        )
    fallbacks.append(f"no monthly series of {zone_id} covers the job" + (f" on a {basis} basis" if basis else ""))
    year = int(start.year)
    row = con.execute(
        """
        select gco2e_per_kwh, basis, source_id, source_vintage, data_year
        from grid_carbon_intensity_preferred where zone_id = ? and year <= ? order by year desc limit 1""",
        [zone_id, year],
    ).fetchone()
    if row is None:
        raise InvalidInputError(
            [f"no grid intensity for {zone_id} at any resolution for {start_text}: " + "; ".join(fallbacks)]
        )
    return Window(
        zone_id,
        start_text,
        hours,
        "annual",
        float(row[0]),
        row[1],
        row[2],
        row[3],
        int(row[4]),
        None,
        float(row[0]),
        f"grid_carbon_intensity_preferred {zone_id} {row[4]}",
        tuple(fallbacks),
    )


@dataclass(frozen=True)
class TimeResolvedEstimate:
    estimate: Estimate
    window: Window
    annual_average_operational_kgco2e: float | None

    def to_dict(self) -> dict:
        out = self.estimate.to_dict()
        out["time_resolution"] = asdict(self.window)
        out["results"]["annual_average_operational_kgco2e"] = self.annual_average_operational_kgco2e
        return out


def estimate_at(
    hardware: str,
    count: float,
    hours: float,
    start,
    zone: str,
    *,
    basis: str | None = None,
    warehouse: duckdb.DuckDBPyConnection | str | None = None,
    **inputs,
) -> TimeResolvedEstimate:
    """The accelerator-hours footprint with the grid intensity of the job's own hours."""
    if inputs.pop("intensity", None) is not None:
        raise InvalidInputError(["a start time takes the intensity from the grid data; drop intensity"])
    if inputs.pop("year", None) is not None:
        raise InvalidInputError(["a start time sets the year; drop year"])
    if zone is None or not str(zone).strip():
        raise InvalidInputError(["a start time needs a zone"])
    stamp = parse_start(start)
    with connect(warehouse) as con:
        _require_hourly_macros(con)
        zone_id = resolve_time_zone(con, zone)
        window = intensity_over(con, zone_id, stamp, float(hours), basis)
        result = estimate(hardware, count, hours, intensity=window.gco2e_per_kwh, warehouse=con, **inputs)
    intensity_input = Input(
        "intensity",
        window.gco2e_per_kwh,
        "gCO2e/kWh",
        "default",
        f"{window.resolution} resolution: {zone_id} from {window.start_utc} for {hours:g} h, "
        f"{window.basis}, data year {window.data_year}",
        window.source_id,
        window.source_vintage,
    )
    zone_input = Input("zone", zone_id, "zone id", "given", "given" if zone == zone_id else f"given as '{zone}'")
    start_input = Input("start_utc", window.start_utc, "UTC", "given", "given")
    others = [i for i in result.inputs if i.name not in ("intensity", "zone", "year")]
    notes = [*result.notes, *(f"fallback: {note}" for note in window.fallbacks)]
    if window.estimated_hours:
        notes.append(f"{window.estimated_hours} of the job's hours are estimated by the source, not measured")
    annual = None
    if window.annual_mean_gco2e_per_kwh is not None:
        annual = result.energy_kwh * window.annual_mean_gco2e_per_kwh / 1000.0
        notes.append(
            f"at the annual mean of the same series ({window.annual_mean_note}: "
            f"{window.annual_mean_gco2e_per_kwh:.1f} gCO2e/kWh) the operational emissions would be "
            f"{annual:,.2f} kgCO2e"
        )
    timed = replace(result, inputs=(*others, zone_input, start_input, intensity_input), notes=tuple(notes))
    return TimeResolvedEstimate(timed, window, annual)


@dataclass(frozen=True)
class GreenestWindow:
    zone_id: str
    source_id: str
    year: int
    basis: str
    window_hours: int
    starts_compared: int
    best_start_utc: str
    best_mean_gco2e_per_kwh: float
    worst_start_utc: str
    worst_mean_gco2e_per_kwh: float
    average_start_mean_gco2e_per_kwh: float
    saving_vs_average_fraction: float

    def to_dict(self) -> dict:
        return asdict(self)


def greenest_window(
    zone: str, hours: int, *, basis: str | None = None, warehouse: duckdb.DuckDBPyConnection | str | None = None
) -> GreenestWindow:
    """When in the zone's most recent recorded year a job of `hours` whole hours would have had the
    lowest mean intensity, and how much below the average start (historical, not a forecast)."""
    if basis is not None and basis not in BASES:
        raise InvalidInputError([f"basis must be one of {', '.join(BASES)}, got {basis!r}"])
    if hours is None or int(hours) != hours or not 1 <= hours <= 24 * 366:
        raise InvalidInputError([f"hours must be a whole number of hours from 1 to 8784, got {hours}"])
    with connect(warehouse) as con:
        _require_hourly_macros(con)
        zone_id = resolve_time_zone(con, zone)
        bases = _series_bases(con, zone_id)
        if not bases:
            raise InvalidInputError(
                [
                    f"no hourly series for {zone_id}; zones with one: "
                    + ", ".join(
                        row[0]
                        for row in con.execute(
                            "select distinct zone_id from grid_intensity_hourly order by 1"
                        ).fetchall()
                    )
                ]
            )
        chosen = basis or next(b for b in BASES if b in bases)
        if chosen not in bases:
            raise InvalidInputError([f"the hourly series of {zone_id} has no {chosen} basis (has {', '.join(bases)})"])
        row = con.execute("from grid_greenest_window(?, ?, ?)", [zone_id, int(hours), chosen]).fetchone()
    if row is None:
        raise InvalidInputError([f"the hourly series of {zone_id} is shorter than {hours} hours"])
    (
        source_id,
        year,
        basis_used,
        window_hours,
        starts,
        best_start,
        best_mean,
        worst_start,
        worst_mean,
        average,
        saving,
    ) = row
    return GreenestWindow(
        zone_id,
        source_id,
        int(year),
        basis_used,
        int(window_hours),
        int(starts),
        pd.Timestamp(best_start).tz_convert("UTC").isoformat(),
        float(best_mean),
        pd.Timestamp(worst_start).tz_convert("UTC").isoformat(),
        float(worst_mean),
        float(average),
        float(saving),
    )


def _require_hourly_macros(con) -> None:
    found = con.execute(
        "select count(*) from duckdb_functions() where function_name = 'grid_hourly_window'"
    ).fetchall()[0][0]
    if not found:
        from pipelines.footprint import WarehouseNotReadyError

        raise WarehouseNotReadyError(
            "the warehouse has no hourly grid tables (warehouse/sql/13_grid_hourly.sql); "
            "run `aifootprint refresh` first"
        )
