"""Curated: the cited defaults of the calculations (PUE, utilisation, lifetime), one row each.

    parameter,applies_to,value_low,value_central,value_high,unit,publisher,title,url,published,locator,note,via_url

The calculations read these values through `calculation_default(...)` (SQL) and
pipelines.calculation_defaults (Python); this module publishes them, with their citations.
"""

from __future__ import annotations

import pandas as pd

from pipelines.calculation_defaults import FILE
from pipelines.sources._base import RawSource, Source, SourceFile
from pipelines.sources.curated_reference import read_curated

SOURCE_ID = "curated_calculation_defaults"
DATA_AS_OF = "2026-12-01"
VALUES = ("value_low", "value_central", "value_high")
# The file's citation columns, published as citation_<name>.
CITED_AS = ("publisher", "title", "url", "published", "locator", "note")
COLUMNS = ["parameter", "applies_to", *VALUES, "unit", *CITED_AS, "via_url"]


def parse_calculation_defaults(raw: RawSource) -> pd.DataFrame:
    frame = read_curated(raw, FILE, COLUMNS).rename(columns={column: f"citation_{column}" for column in CITED_AS})
    return frame.assign(
        **{column: raw.to_number(FILE, frame, column) for column in VALUES}, source_file=FILE
    ).reset_index(drop=True)


SOURCE = Source(
    id=SOURCE_ID,
    title="Curated defaults of the footprint and fleet calculations",
    publisher="aifootprint (compiled from the publications cited on each row)",
    license="MIT for the compilation; each figure belongs to the publication cited on its row",
    homepage="pipelines/curated/ in the aifootprint repository",
    description="The PUE, utilisation and accelerator lifetime each calculation assumes when none is given, cited.",
    files=(SourceFile(FILE, f"pipelines/curated/{FILE}", "csv", DATA_AS_OF),),
    parsers={"calculation_defaults": parse_calculation_defaults},
    curated=True,
)
