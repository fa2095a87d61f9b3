"""Hand-curated reference figures for the footprint calculations (pipelines/curated/).

* equivalences.csv: constants that make a footprint comparable to everyday quantities
  (household electricity, per-capita emissions, cars, flights, trees) and unit conversions.
* datacenter_pue.csv: industry-average and provider-reported data-centre PUE.

Every row carries its own citation (publisher, title, URL, publication date and a quote).
"""

from __future__ import annotations

import pandas as pd

from pipelines.errors import SourceFormatError
from pipelines.sources._base import RawSource, Source, SourceFile

EQUIVALENCES = "equivalences.csv"
DATACENTER_PUE = "datacenter_pue.csv"
CITATION_COLUMNS = ["publisher", "title", "url", "published", "note"]


def read_curated(raw: RawSource, name: str, columns: list[str]) -> pd.DataFrame:
    """A curated CSV as text cells: a blank cell is missing, everything else kept as written."""
    frame = raw.csv(name, dtype=str, keep_default_na=False, na_values=[""])
    raw.require_columns(name, frame, columns)
    frame = frame[columns].apply(lambda column: column.str.strip())
    uncited = frame["url"].isna() if "url" in columns else pd.Series(False, index=frame.index)
    if uncited.any():
        raise SourceFormatError(raw.source_id, name, f"{int(uncited.sum())} row(s) without a citation URL",
                                column="url", sample_rows=frame[uncited].to_dict("records"))
    return frame


def parse_equivalences(raw: RawSource) -> pd.DataFrame:
    columns = ["key", "description", "value", "unit", *CITATION_COLUMNS]
    frame = read_curated(raw, EQUIVALENCES, columns)
    return frame.assign(value=raw.to_number(EQUIVALENCES, frame, "value"),
                        source_file=EQUIVALENCES).reset_index(drop=True)


def parse_datacenter_pue(raw: RawSource) -> pd.DataFrame:
    columns = ["scope", "entity", "year", "pue", *CITATION_COLUMNS]
    frame = read_curated(raw, DATACENTER_PUE, columns)
    return frame.assign(year=raw.to_number(DATACENTER_PUE, frame, "year"),
                        pue=raw.to_number(DATACENTER_PUE, frame, "pue"),
                        source_file=DATACENTER_PUE).reset_index(drop=True)


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
