"""The cited defaults every calculation starts from: pipelines/curated/calculation_defaults.csv.

The warehouse publishes the file as the table `calculation_defaults`, which the SQL macros read
(warehouse/sql/05_calculation_defaults.sql); Python callers (the `fleet` command, the Dagster
fleet config) read the same file here, so a default is written once, with its citation.
"""

from __future__ import annotations

import csv
from functools import cache

from pipelines import settings
from pipelines.errors import AifootprintError

FILE = "calculation_defaults.csv"
# A row for every calculation: used where a calculation has no row of its own.
EVERY_CALCULATION = "all"


class CalculationDefaultError(AifootprintError):
    """calculation_defaults.csv lacks a default a calculation needs, or holds one that is not a number."""


def calculation_default(parameter: str, applies_to: str) -> float:
    """The central value of `parameter` for the calculation `applies_to` (estimate | fleet)."""
    rows = _central_values()
    for key in ((parameter, applies_to), (parameter, EVERY_CALCULATION)):
        if key in rows:
            return rows[key]
    raise CalculationDefaultError(
        f"{settings.curated_dir() / FILE}: no default for {parameter!r} "
        f"(applies_to {applies_to!r} or {EVERY_CALCULATION!r})"
    )


@cache
def _central_values() -> dict[tuple[str, str], float]:
    path = settings.curated_dir() / FILE
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    values = {}
    for line, row in enumerate(rows, start=2):
        try:
            values[(row["parameter"], row["applies_to"])] = float(row["value_central"])
        except (KeyError, TypeError, ValueError):
            raise CalculationDefaultError(
                f"{path}, line {line}: needs parameter, applies_to and a numeric value_central, got {dict(row)}"
            ) from None
    return values
