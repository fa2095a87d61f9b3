"""`aifootprint fleet`: the accelerator fleet footprint under your own assumptions.

Runs the fleet model (pipelines/fleet.py), the same one the Dagster asset
`accelerator_fleet_footprint` publishes with its run config, so the CLI and the published table
agree whenever their parameters do.
"""

from __future__ import annotations

import math
import sys

from pipelines.fleet import (
    DEFAULT_LIFETIME_YEARS,
    DEFAULT_PUE,
    DEFAULT_UTILIZATION,
    FleetParameterError,
    FleetParameters,
    fleet_frame,
)

TABLE_COLUMNS = [
    "year",
    "vendor",
    "product_family",
    "units_shipped_low",
    "units_shipped_high",
    "installed_base_low",
    "installed_base_high",
    "units_retired_low",
    "units_retired_high",
    "energy_twh_low",
    "energy_twh_high",
    "emissions_mtco2e_low",
    "emissions_mtco2e_high",
    "retired_mass_t_low",
    "retired_mass_t_high",
]


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "fleet",
        help="accelerator fleet: installed base, energy, emissions and retired mass per year",
        description="Installed base, electricity (TWh), emissions at the world-average grid intensity (Mt CO2e) "
        "and retired mass (t) of AI accelerators per shipment series and year, from the warehouse's "
        "accelerator_shipments, under the lifetime, utilisation, PUE, power and mass you give.",
    )
    parser.add_argument(
        "--lifetime-years",
        type=int,
        default=DEFAULT_LIFETIME_YEARS,
        metavar="N",
        help=f"years an accelerator serves before it is retired (default {DEFAULT_LIFETIME_YEARS})",
    )
    parser.add_argument(
        "--utilization",
        type=float,
        default=DEFAULT_UTILIZATION,
        metavar="U",
        help=f"average power draw as a share of rated power, (0, 1] (default {DEFAULT_UTILIZATION})",
    )
    parser.add_argument(
        "--pue",
        type=float,
        default=DEFAULT_PUE,
        metavar="P",
        help=f"data-centre power usage effectiveness, >= 1 (default {DEFAULT_PUE})",
    )
    parser.add_argument(
        "--power-w",
        type=float,
        default=None,
        metavar="W",
        help="rated power of every accelerator, watts (default: each cohort's reference accelerator)",
    )
    parser.add_argument(
        "--mass-kg",
        type=float,
        default=None,
        metavar="M",
        help="mass of every retired accelerator, kg (default: each cohort's reference accelerator)",
    )
    parser.add_argument(
        "--format",
        choices=["table", "csv", "json"],
        default="table",
        help="table shows the main columns; csv and json every column",
    )
    from pipelines.cli import add_release_option

    add_release_option(parser)
    parser.set_defaults(func=run)


def run(args) -> int:
    import duckdb

    from pipelines import dataset, settings
    from pipelines.cli import EXIT_FAILURE, EXIT_OK, UsageError, _print_frame, use_release
    from pipelines.warehouse import Warehouse
    from schemas.renames import RENAMES

    use_release(args)
    for flag in ("utilization", "pue", "power_w", "mass_kg"):
        value = getattr(args, flag)
        if value is not None and not math.isfinite(value):
            raise UsageError(f"--{flag.replace('_', '-')} {value}: not a finite number")
    try:
        parameters = FleetParameters(args.lifetime_years, args.utilization, args.pue, args.power_w, args.mass_kg)
    except FleetParameterError as exc:
        raise UsageError(str(exc)) from None
    try:
        con = Warehouse(settings.warehouse_dir()).connect()
    except FileNotFoundError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_FAILURE
    with con:
        try:
            # A release built before the renames (`--release DIR`) has the macro with the old names.
            frame = fleet_frame(con, parameters).rename(columns=RENAMES["accelerator_fleet_footprint"])
        except duckdb.CatalogException:
            print(
                "error: the warehouse has no accelerator_fleet macro: it needs the accelerator_shipments, "
                "grid_carbon_intensity and calculation_defaults tables; run `aifootprint refresh`",
                file=sys.stderr,
            )
            return EXIT_FAILURE
    print(f"parameters: {parameters.describe()}", file=sys.stderr)
    print(f"dataset: {dataset.describe(settings.warehouse_dir())['label']}", file=sys.stderr)
    _print_frame(frame[TABLE_COLUMNS] if args.format == "table" else frame, args.format)
    return EXIT_OK
