"""`aifootprint greenest-window --zone Z --hours H`: when in a zone's recorded year a job of H hours
would have met the least carbon-intensive grid, and how much less than starting at an average hour.

Historical, not a forecast: it scans every start hour of the zone's most recent hourly series
(grid_intensity_hourly via warehouse/sql/13_grid_hourly.sql, grid_greenest_window).
"""

from __future__ import annotations

import json
import sys


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "greenest-window",
        help="the start hour of a zone's recorded year with the lowest mean grid intensity over H hours",
        description="Scan every start hour of the zone's most recent hourly series and report the window of H "
        "consecutive hours with the lowest mean intensity, the worst, and the mean over all starts "
        "(the average start), with the saving against it. Historical, not a forecast. With "
        "--energy-kwh, the emissions of a job drawing that energy evenly over the window.",
    )
    parser.add_argument(
        "--zone", required=True, metavar="Z", help="zone with an hourly series (DE, FRA, GB, US-CAL-CISO ...)"
    )
    parser.add_argument("--hours", required=True, type=int, metavar="H", help="job length in whole hours")
    parser.add_argument("--basis", choices=["lifecycle", "direct"], help="default: lifecycle where the series has it")
    parser.add_argument(
        "--energy-kwh",
        dest="energy_kwh",
        type=float,
        metavar="E",
        help="the job's energy, to report kgCO2e at the best and the average start",
    )
    parser.add_argument(
        "--format", choices=["table", "json"], default="table", help="table (default) or json (always valid JSON)"
    )
    parser.set_defaults(func=run)


def run(args) -> int:
    from pipelines.cli import UsageError
    from pipelines.footprint import InvalidInputError
    from pipelines.timeresolved import greenest_window

    if args.energy_kwh is not None and not args.energy_kwh > 0:
        raise UsageError(f"--energy-kwh must be > 0, got {args.energy_kwh:g}")
    try:
        window = greenest_window(args.zone, args.hours, basis=args.basis)
    except InvalidInputError as exc:
        raise UsageError(str(exc)) from None
    out = window.to_dict()
    if args.energy_kwh is not None:
        out["best_kgco2e"] = args.energy_kwh * window.best_mean_gco2e_per_kwh / 1000
        out["average_start_kgco2e"] = args.energy_kwh * window.average_start_mean_gco2e_per_kwh / 1000
    if args.format == "json":
        sys.stdout.write(json.dumps(out, indent=2) + "\n")
        return 0
    lines = [
        f"{window.zone_id}, {window.year} ({window.source_id}, {window.basis}), {window.window_hours}-hour job, "
        f"{window.starts_compared:,} start hours compared:",
        f"  greenest start  {window.best_start_utc}  {window.best_mean_gco2e_per_kwh:.1f} gCO2e/kWh",
        f"  average start                             {window.average_start_mean_gco2e_per_kwh:.1f} gCO2e/kWh",
        f"  worst start     {window.worst_start_utc}  {window.worst_mean_gco2e_per_kwh:.1f} gCO2e/kWh",
        f"  the greenest start emits {window.saving_vs_average_fraction:.0%} less than the average start",
    ]
    if args.energy_kwh is not None:
        lines.append(
            f"  for {args.energy_kwh:g} kWh: {out['best_kgco2e']:,.2f} kgCO2e at the greenest start, "
            f"{out['average_start_kgco2e']:,.2f} kgCO2e at the average start"
        )
    lines.append("  (historical: what the recorded year would have given, not a forecast)")
    sys.stdout.write("\n".join(lines) + "\n")
    return 0
