"""The cited defaults the calculations start from (pipelines/curated/calculation_defaults.csv)."""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from schemas.minerals import _CITATION, _DATE_PATTERN, _URL_PATTERN
from schemas.provenance import Provenance
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
class CalculationDefaults(Provenance):
    parameter: Series[str] = pa.Field(isin=["pue", "utilization", "lifetime_years"],
                                      description="Parameter of the calculation, by its name there.")
    applies_to: Series[str] = pa.Field(isin=["estimate", "fleet", "all"],
                                       description="Calculation that takes the default: estimate (footprint of "
                                                   "jobs), fleet (accelerator fleet), or all.")
    value_low: Series[float] = pa.Field(nullable=True, description="Low end of the cited range, where one is cited "
                                                                   "(unit in `unit`).")
    value_central: Series[float] = pa.Field(description="The default itself (unit in `unit`).")
    value_high: Series[float] = pa.Field(nullable=True, description="High end of the cited range, where one is "
                                                                    "cited (unit in `unit`).")
    unit: Series[str] = pa.Field(isin=["ratio", "fraction", "years"],
                                 description="Unit of the values: ratio (PUE: facility / IT energy), fraction "
                                             "(0-1) or years.")
    citation_publisher: Series[str] = pa.Field(description=_CITATION["citation_publisher"])
    citation_title: Series[str] = pa.Field(description=_CITATION["citation_title"])
    citation_url: Series[str] = pa.Field(str_matches=_URL_PATTERN, description=_CITATION["citation_url"])
    citation_published: Series[str] = pa.Field(nullable=True, str_matches=_DATE_PATTERN,
                                               description=_CITATION["citation_published"])
    citation_locator: Series[str] = pa.Field(nullable=True, description=_CITATION["citation_locator"])
    citation_note: Series[str] = pa.Field(nullable=True, description=_CITATION["citation_note"])
    via_url: Series[str] = pa.Field(nullable=True, description="A page that relayed the figure, if any.")
    source_file: Series[str] = pa.Field(description="Raw file name within the source's snapshot.")

    @pa.dataframe_check(description="value_low <= value_central <= value_high where a range is cited")
    def range_ordered(cls, frame: pd.DataFrame) -> pd.Series:
        return ((frame["value_low"].isna() | (frame["value_low"] <= frame["value_central"]))
                & (frame["value_high"].isna() | (frame["value_central"] <= frame["value_high"])))

    class Config:
        strict = True
        coerce = True
        unique = ["parameter", "applies_to"]
