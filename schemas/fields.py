"""Every published column is a `Column`: its type, description, checks and unit in one place.

Columns that recur across tables (provenance, zones, years, citations) are defined here once;
a table uses them as they are, or with a table-specific description or bound (`.but(...)`),
never with another type or nullability. Columns of one table only are declared in its module
with `column(...)`, a quantity's low, central and high with one `range_of(...)` named by their
stem. A table lists its columns as class attributes of a `schemas.provenance` model, in
published order.

The unit is structured (`"gCO2e/kWh"`, `"MWh"`, `"USD"`, `"fraction"`; None for text, codes,
counts and ratios) and, unless given, is read from the name's suffix under the naming
convention (docs/naming.md: the unit is the last part of the name, before any `_low`,
`_central` or `_high`). The data dictionary, datapackage.json and the Parquet field metadata
state it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any, Optional

import pandera.pandas as pa
from pandera.typing import Series

_FROM_NAME = "from the name's suffix"

# Range and variant qualifiers that may follow the unit (`energy_twh_low`, `peak_tflops_fp16`).
_QUALIFIERS = ("_low", "_central", "_high", "_fp16", "_fp32")
# Name suffix -> unit, the longest matching suffix wins (docs/naming.md's table).
_SUFFIX_UNITS = {
    "_gco2e_per_kwh": "gCO2e/kWh",
    "_gco2_per_kwh": "gCO2/kWh",
    "_gco2e_per_request": "gCO2e/request",
    "_kgco2e_per_device": "kgCO2e/device",
    "_j_per_token": "J/token",
    "_wh_per_request": "Wh/request",
    "_kwh_per_1000_queries": "kWh/1000 queries",
    "_kg_per_capita": "kg/person",
    "_kg_per_unit": "kg/unit",
    "_tb_per_s": "TB/s",
    "_w": "W",
    "_kw": "kW",
    "_mw": "MW",
    "_j": "J",
    "_wh": "Wh",
    "_kwh": "kWh",
    "_mwh": "MWh",
    "_gwh": "GWh",
    "_twh": "TWh",
    "_g": "g",
    "_kg": "kg",
    "_t": "t",
    "_kt": "kt",
    "_gco2e": "gCO2e",
    "_kgco2e": "kgCO2e",
    "_tco2e": "tCO2e",
    "_mtco2e": "MtCO2e",
    "_usd": "USD",
    "_pct": "percent",
    "_fraction": "fraction",
    "_hours": "h",
    "_years": "years",
    "_flop": "FLOP",
    "_flops": "FLOP/s",
    "_tflops": "TFLOP/s",
    "_gb": "GB",
    "_nm": "nm",
    "_mm2": "mm2",
    "_billions": "billions",
}


def unit_from_name(name: str) -> str | None:
    """The unit a column name states under the naming convention, None when it states none."""
    stem = name
    while stem.endswith(_QUALIFIERS):
        stem = stem[: stem.rindex("_")]
    stem = "_" + stem
    matches = [suffix for suffix in _SUFFIX_UNITS if stem.endswith(suffix)]
    return _SUFFIX_UNITS[max(matches, key=len)] if matches else None


@dataclasses.dataclass(frozen=True)
class Column:
    """One published column: what a pandera field needs, plus its unit."""

    dtype: Any
    description: str
    nullable: bool = False
    # False: a source may leave the column out of its staging rows (pandera's Optional).
    required: bool = True
    unit: str | None = _FROM_NAME
    # pandera Field keywords: checks (ge, isin, str_matches ...) and dtype_kwargs.
    options: Mapping[str, Any] = dataclasses.field(default_factory=dict)

    def but(self, *, description: str | None = None, **options) -> Column:
        """The same column with a table-specific description or checks (type and nullability stay)."""
        return dataclasses.replace(
            self, description=description or self.description, options={**self.options, **options}
        )

    def annotation(self):
        series = Series[self.dtype]
        return series if self.required else Optional[series]  # noqa: UP045 (pandera reads typing.Optional)

    def field(self, name: str):
        unit = unit_from_name(name) if self.unit == _FROM_NAME else self.unit
        return pa.Field(nullable=self.nullable, description=self.description, metadata={"unit": unit}, **self.options)


@dataclasses.dataclass(frozen=True)
class Columns:
    """Several columns that go together, listed in a table as one attribute and published in this order."""

    members: tuple[tuple[str, Column], ...]


@dataclasses.dataclass(frozen=True)
class Range:
    """A quantity's `<stem>_low`, `<stem>_central` and `<stem>_high`, listed in a table as one attribute named
    by the stem."""

    ends: tuple[tuple[str, Column], ...]

    def members(self, stem: str) -> tuple[tuple[str, Column], ...]:
        return tuple((f"{stem}_{end}", end_column) for end, end_column in self.ends)


def range_of(
    dtype,
    *,
    low: str,
    central: str,
    high: str,
    nullable: bool | tuple[str, ...] = False,
    unit: str | None = _FROM_NAME,
    **options,
) -> Range:
    """Low, central and high of one type and checks, a description each; `nullable`: all three, or the ends
    that may be empty ("high",)."""
    may_be_empty = ("low", "central", "high") if nullable is True else nullable or ()
    descriptions = {"low": low, "central": central, "high": high}
    return Range(
        tuple(
            (end, column(dtype, description=text, nullable=end in may_be_empty, unit=unit, **options))
            for end, text in descriptions.items()
        )
    )


def column(
    dtype, *, description: str, nullable: bool = False, required: bool = True, unit: str | None = _FROM_NAME, **options
) -> Column:
    return Column(dtype, description, nullable=nullable, required=required, unit=unit, options=options)


DATE_PATTERN = r"^\d{4}-\d{2}-\d{2}$"
PARTIAL_DATE_PATTERN = r"^\d{4}(-\d{2}(-\d{2})?)?$"
URL_PATTERN = r"^https?://\S+$"
CANONICAL_MODEL_PATTERN = r"^[a-z0-9]+(?:[.-][a-z0-9]+)*$"

# --- provenance: every published row ------------------------------------------------------------
SOURCE_ID = column(str, description="Id of the source the row came from (see the `sources` table and SOURCE.toml).")
SOURCE_VINTAGE = column(
    str,
    str_matches=DATE_PATTERN,
    description="Date (YYYY-MM-DD) the raw file's data is as of: `data_as_of` in its manifest.",
)
SOURCE_FILE = column(
    str,
    description="File name within the source's raw snapshot (for curated rows, the CSV in "
    "pipelines/curated/) the row came from.",
)

# --- zones and years ----------------------------------------------------------------------------
ZONE_ID = column(
    str,
    str_length={"min_value": 2},
    description="ISO 3166-1 alpha-3 for countries; WLD for the world; EU27 or AGG-<NAME> for other aggregates.",
)
ZONE_NAME = column(str, description="Zone name as the source gives it.")
YEAR = column(int, ge=1990, le=2100, description="Calendar year the row describes.")


def zone_type(*types: str) -> Column:
    return column(str, isin=list(types), description=" | ".join(types) + ".")


# --- citations: where a hand-compiled or quoted figure was published ------------------------------
# One rule for all of them: every column may be empty (rows of fetched datasets carry their
# source's citation in `sources`), and `schemas.provenance.Cited` requires publisher, title and
# URL on every row of a curated source. A table lists them with `citation(...)`.
CITATION_PUBLISHER = column(
    str,
    nullable=True,
    description="Primary publisher of the figure (organisation or authors; the company for its own filings).",
)
CITATION_TITLE = column(str, nullable=True, description="Title of the cited publication.")
CITATION_URL = column(str, nullable=True, str_matches=URL_PATTERN, description="URL of the cited publication.")
CITATION_PUBLISHED = column(
    str,
    nullable=True,
    str_matches=PARTIAL_DATE_PATTERN,
    description="Publication date of the citation: YYYY, YYYY-MM or YYYY-MM-DD.",
)
CITATION_LOCATOR = column(
    str, nullable=True, description="Where in the publication (page, section, table or figure), where useful."
)
CITATION_NOTE = column(str, nullable=True, description="The quoted passage, derivation and caveats of the figure.")
VIA_URL = column(
    str,
    nullable=True,
    str_matches=URL_PATTERN,
    description="A news or aggregator page that relayed the figure (secondary), if one was used to find it.",
)


def citation(*, locator: bool, via_url: bool) -> Columns:
    """The citation columns in their published order; `locator` and `via_url` where the table has them."""
    members = [
        ("citation_publisher", CITATION_PUBLISHER),
        ("citation_title", CITATION_TITLE),
        ("citation_url", CITATION_URL),
        ("citation_published", CITATION_PUBLISHED),
    ]
    members += [("citation_locator", CITATION_LOCATOR)] if locator else []
    members += [("citation_note", CITATION_NOTE)]
    members += [("via_url", VIA_URL)] if via_url else []
    return Columns(tuple(members))


# --- recurring quantities -----------------------------------------------------------------------
PUE = column(
    float,
    nullable=True,
    ge=1.0,
    le=3.0,
    unit=None,
    description="Power usage effectiveness: facility energy / IT energy, dimensionless (>= 1).",
)
