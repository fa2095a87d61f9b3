"""The cited defaults the calculations start from (pipelines/curated/calculation_defaults.csv)."""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa

from schemas import fields, ranges
from schemas.fields import column
from schemas.provenance import Cited
from schemas.registry import register


@register(
    "calculation_defaults",
    primary_key=("parameter", "applies_to"),
    description="""
The value each calculation takes for a parameter nobody gave: PUE, utilisation and accelerator
lifetime of the fleet model (`accelerator_fleet(...)`, `aifootprint fleet`) and of the footprint
estimate (`footprint(...)`, `aifootprint estimate`), one cited row each. The SQL macros read it
through `calculation_default(parameter, calculation)` and the Python side reads the same CSV, so
a default is written once. `applies_to` 'all' serves every calculation without a row of its own.
The estimate's default PUE is data, not an assumption: the latest Uptime Institute industry
average in `datacenter_pue` (view `datacenter_pue_default`).
""",
)
class CalculationDefaults(Cited):
    parameter = column(
        str,
        isin=["pue", "utilization", "lifetime_years"],
        description="Parameter of the calculation, by its name there.",
    )
    applies_to = column(
        str,
        isin=["estimate", "fleet", "all"],
        description="Calculation that takes the default: estimate (footprint of jobs), fleet "
        "(accelerator fleet), or all.",
    )
    value = fields.range_of(
        float,
        nullable=("low", "high"),
        unit=None,
        low="Low end of the cited range, where one is cited (unit in `unit`).",
        central="The default itself (unit in `unit`).",
        high="High end of the cited range, where one is cited (unit in `unit`).",
    )
    unit = column(
        str,
        isin=["ratio", "fraction", "years"],
        unit=None,
        description="Unit of the values: ratio (PUE: facility / IT energy), fraction (0-1) or years.",
    )
    citation = fields.citation(locator=True, via_url=True)
    source_file = fields.SOURCE_FILE

    @pa.dataframe_check(description="value_low <= value_central <= value_high where a range is cited")
    def range_ordered(cls, frame: pd.DataFrame) -> pd.Series:
        return ranges.ordered(frame, ("value",))
