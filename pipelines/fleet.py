"""The accelerator fleet model: shipments -> installed base -> energy, emissions, retired mass.

The arithmetic is the warehouse macro `accelerator_fleet(...)` (warehouse/sql/40_fleet.sql).
This module holds its parameters, checked, with the cited defaults of calculation_defaults.csv
(pipelines.calculation_defaults), and runs the macro; the `fleet` command and the Dagster asset
`accelerator_fleet_footprint` both call it, so they agree whenever their parameters do.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

from pipelines.calculation_defaults import calculation_default

if TYPE_CHECKING:  # pandas costs ~0.8 s to import, paid by every CLI call that loads this module
    import pandas as pd

CALCULATION = "fleet"
# Power and mass defaults are per shipment cohort (fleet_reference_accelerators in 40_fleet.sql).
DEFAULT_LIFETIME_YEARS = int(calculation_default("lifetime_years", CALCULATION))
DEFAULT_UTILIZATION = calculation_default("utilization", CALCULATION)
DEFAULT_PUE = calculation_default("pue", CALCULATION)


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
        if (
            isinstance(self.lifetime_years, bool)
            or not math.isfinite(self.lifetime_years)
            or int(self.lifetime_years) != self.lifetime_years
            or not 1 <= self.lifetime_years <= 100
        ):
            raise FleetParameterError(
                f"lifetime_years must be a whole number >= 1 (and at most 100), got {str(self.lifetime_years)[:30]}"
            )
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
        return (
            f"lifetime {self.lifetime_years} y, utilization {self.utilization:g}, PUE {self.pue:g}, "
            f"power {power}, mass {mass}, grid intensity: world average (WLD)"
        )


def fleet_frame(con, parameters: FleetParameters) -> pd.DataFrame:
    """Rows of `accelerator_fleet(...)` on a warehouse connection, with every parameter passed."""
    values = asdict(parameters)
    arguments = ", ".join(f"{name} := ?" for name in values)
    return con.execute(f"from accelerator_fleet({arguments})", list(values.values())).fetchdf()
