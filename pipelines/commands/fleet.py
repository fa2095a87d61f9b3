"""`aifootprint fleet`: the accelerator fleet footprint under your own assumptions.

Runs the warehouse macro `accelerator_fleet(...)` (warehouse/sql/40_fleet.sql), the same one the
Dagster asset `accelerator_fleet_footprint` publishes with its run config, so the CLI and the
published table agree whenever their parameters do. This module holds the parameters and their
cited defaults for both.
"""

from __future__ import annotations

import math

import sys
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pandas costs ~0.8 s to import, paid by every CLI call that loads this module
    import pandas as pd

# Cited defaults (README "Accelerator fleet"; the macro states the same ones):
# - lifetime 4 years: middle of the 3-5 year range (Boavizta GPU archetype 26,280 h = 3 years;
#   SDIA "three-to-five years"; AWS server useful life 5 years);
# - utilization 0.76: compute-intensive training on 8-GPU H100 nodes drew 76 % of rated power
#   (Brookhaven measurements, arXiv:2506.14551);
# - PUE 1.25: public-cloud industry average, IDC 2024 (cited by AWS);
# - power and mass: the reference accelerator of each shipment cohort (40_fleet.sql).
DEFAULT_LIFETIME_YEARS = 4
DEFAULT_UTILIZATION = 0.76
DEFAULT_PUE = 1.25

TABLE_COLUMNS = ["year", "vendor", "product_family", "units_shipped_low", "units_shipped_high",
                 "installed_base_low", "installed_base_high", "units_retired_low", "units_retired_high",
                 "energy_twh_low", "energy_twh_high", "emissions_mt_co2e_low", "emissions_mt_co2e_high",
                 "retired_mass_t_low", "retired_mass_t_high"]


class FleetParameterError(ValueError):
    """A fleet parameter out of range (CLI exit status 2)."""


@dataclass(frozen=True)
class FleetParameters:
    lifetime_years: int = DEFAULT_LIFETIME_YEARS
    utilization: float = DEFAULT_UTILIZATION
    pue: float = DEFAULT_PUE
    power_w: float | None = None
    mass_kg: float | None = None

    def __post_init__(self):
        if isinstance(self.lifetime_years, bool) or not math.isfinite(self.lifetime_years) \
                or int(self.lifetime_years) != self.lifetime_years or not 1 <= self.lifetime_years <= 100:
            raise FleetParameterError(f"lifetime_years must be a whole number >= 1 (and at most 100), "
                                      f"got {str(self.lifetime_years)[:30]}")
        if not 0 < self.utilization <= 1:
            raise FleetParameterError(f"utilization must be in (0, 1], got {self.utilization}")
        if self.pue < 1:
            raise FleetParameterError(f"pue must be >= 1, got {self.pue}")
        if self.power_w is not None and self.power_w <= 0:
            raise FleetParameterError(f"power_w must be > 0, got {self.power_w}")
        if self.mass_kg is not None and self.mass_kg <= 0:
            raise FleetParameterError(f"mass_kg must be > 0, got {self.mass_kg}")

    def describe(self) -> str:
        power = f"{self.power_w:g} W" if self.power_w is not None else "per reference accelerator"
        mass = f"{self.mass_kg:g} kg" if self.mass_kg is not None else "per reference accelerator"
        return (f"lifetime {self.lifetime_years} y, utilization {self.utilization:g}, PUE {self.pue:g}, "
                f"power {power}, mass {mass}, grid intensity: world average (WLD)")


def fleet_frame(con, parameters: FleetParameters) -> pd.DataFrame:
    """Rows of `accelerator_fleet(...)` on a warehouse connection, with every parameter passed."""
    values = asdict(parameters)
    arguments = ", ".join(f"{name} := ?" for name in values)
    return con.execute(f"from accelerator_fleet({arguments})", list(values.values())).fetchdf()


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "fleet", help="accelerator fleet: installed base, energy, emissions and retired mass per year",
        description="Installed base, electricity (TWh), emissions at the world-average grid intensity (Mt CO2e) "
                    "and retired mass (t) of AI accelerators per shipment series and year, from the warehouse's "
                    "accelerator_shipments, under the lifetime, utilisation, PUE, power and mass you give.")
    parser.add_argument("--lifetime-years", type=int, default=DEFAULT_LIFETIME_YEARS, metavar="N",
                        help=f"years an accelerator serves before it is retired (default {DEFAULT_LIFETIME_YEARS})")
    parser.add_argument("--utilization", type=float, default=DEFAULT_UTILIZATION, metavar="U",
                        help=f"average power draw as a share of rated power, (0, 1] (default {DEFAULT_UTILIZATION})")
    parser.add_argument("--pue", type=float, default=DEFAULT_PUE, metavar="P",
                        help=f"data-centre power usage effectiveness, >= 1 (default {DEFAULT_PUE})")
    parser.add_argument("--power-w", type=float, default=None, metavar="W",
                        help="rated power of every accelerator, watts (default: each cohort's reference accelerator)")
    parser.add_argument("--mass-kg", type=float, default=None, metavar="M",
                        help="mass of every retired accelerator, kg (default: each cohort's reference accelerator)")
    parser.add_argument("--format", choices=["table", "csv", "json"], default="table",
                        help="table shows the main columns; csv and json every column")
    from pipelines.cli import add_release_option

    add_release_option(parser)
    parser.set_defaults(func=run)


def run(args) -> int:
    import duckdb

    from pipelines import settings
    from pipelines import dataset
    from pipelines.cli import EXIT_FAILURE, EXIT_OK, UsageError, _print_frame, use_release
    from pipelines.warehouse import Warehouse

    use_release(args)
    import math

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
            frame = fleet_frame(con, parameters)
        except duckdb.CatalogException:
            print("error: the warehouse has no accelerator_fleet macro: it needs the accelerator_shipments and "
                  "grid_carbon_intensity tables; run `aifootprint refresh`", file=sys.stderr)
            return EXIT_FAILURE
    print(f"parameters: {parameters.describe()}", file=sys.stderr)
    print(f"dataset: {dataset.describe(settings.warehouse_dir())['label']}", file=sys.stderr)
    _print_frame(frame[TABLE_COLUMNS] if args.format == "table" else frame, args.format)
    return EXIT_OK
