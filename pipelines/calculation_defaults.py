"""The cited defaults every calculation starts from: pipelines/curated/calculation_defaults.csv.

The warehouse publishes the file as the table `calculation_defaults`, which the SQL macros read
(warehouse/sql/05_calculation_defaults.sql); Python callers (the `fleet` command, the Dagster
fleet config) read the same file here, so a default is written once, with its citation.
"""

from __future__ import annotations

import csv
from functools import cache

from pipelines import settings

FILE = "calculation_defaults.csv"
# A row for every calculation: used where a calculation has no row of its own.
EVERY_CALCULATION = "all"


class MissingDefaultError(LookupError):
    """calculation_defaults.csv has no row for a parameter a calculation needs."""


def calculation_default(parameter: str, applies_to: str) -> float:
    """The central value of `parameter` for the calculation `applies_to` (estimate | fleet)."""
    rows = _central_values()
    for key in ((parameter, applies_to), (parameter, EVERY_CALCULATION)):
        if key in rows:
            return rows[key]
    raise MissingDefaultError(f"{settings.curated_dir() / FILE}: no default for {parameter!r} "
                              f"(applies_to {applies_to!r} or {EVERY_CALCULATION!r})")


@cache
def _central_values() -> dict[tuple[str, str], float]:
    with open(settings.curated_dir() / FILE, encoding="utf-8", newline="") as handle:
        return {(row["parameter"], row["applies_to"]): float(row["value_central"]) for row in csv.DictReader(handle)}
