"""Hand-curated reference figures for the footprint calculations (pipelines/curated/).

* equivalences.csv: constants that make a footprint comparable to everyday quantities
  (household electricity, per-capita emissions, cars, flights, trees) and unit conversions.
* datacenter_pue.csv: industry-average and provider-reported data-centre PUE.

Every row carries its own citation (publisher, title, URL, publication date and a quote).
"""

from __future__ import annotations

import pandas as pd

from pipelines.sources._base import RawSource, Source, SourceFile
from pipelines.sources._curated import BASIC_CITATION, read_curated

EQUIVALENCES = "equivalences.csv"
DATACENTER_PUE = "datacenter_pue.csv"


def parse_equivalences(raw: RawSource) -> pd.DataFrame:
    columns = ["key", "description", "value", "unit", *BASIC_CITATION]
    frame = read_curated(raw, EQUIVALENCES, columns)
    return frame.assign(value=raw.to_number(EQUIVALENCES, frame, "value"), source_file=EQUIVALENCES)


def parse_datacenter_pue(raw: RawSource) -> pd.DataFrame:
    columns = ["scope", "entity", "year", "pue", *BASIC_CITATION]
    frame = read_curated(raw, DATACENTER_PUE, columns)
    return frame.assign(
        year=raw.to_number(DATACENTER_PUE, frame, "year"),
        pue=raw.to_number(DATACENTER_PUE, frame, "pue"),
        source_file=DATACENTER_PUE,
    )


SOURCE = Source(
    id="curated_reference",
    title="aifootprint curated reference figures (equivalences, data-centre PUE)",
    publisher="aifootprint contributors (each row cites its original publisher)",
    license="MIT, as the aifootprint code (the compilation); each figure remains its cited publisher's",
    homepage="pipelines/curated/ in the aifootprint repository",
    description="Cited constants for comparisons (household electricity, per-capita emissions, cars, flights) "
    "and industry/provider PUE figures, compiled by hand with one citation per row.",
    curated=True,
    files=(
        SourceFile(EQUIVALENCES, f"pipelines/curated/{EQUIVALENCES}", "csv", "2026-11-25"),
        SourceFile(DATACENTER_PUE, f"pipelines/curated/{DATACENTER_PUE}", "csv", "2026-11-25"),
    ),
    parsers={"equivalences": parse_equivalences, "datacenter_pue": parse_datacenter_pue},
)
