"""The one reader of the hand-compiled CSVs in pipelines/curated/, shared by every curated source.

Cells are text as written, trimmed; a blank cell is missing. Every row must cite its primary
publication (`citation_publisher`, `citation_title`, `citation_url` where the file has them),
and `required` names the other columns no row may leave blank.
"""

from __future__ import annotations

import pandas as pd

from pipelines.errors import SourceFormatError
from pipelines.sources._base import RawSource

CITATION = [
    "citation_publisher",
    "citation_title",
    "citation_url",
    "citation_published",
    "citation_locator",
    "citation_note",
    "via_url",
]
# The citation columns of the files that give no locator and no secondary page.
BASIC_CITATION = ["citation_publisher", "citation_title", "citation_url", "citation_published", "citation_note"]
_CITED = ("citation_url", "citation_publisher", "citation_title")


def read_curated(raw: RawSource, name: str, columns: list[str], *, required: tuple[str, ...] = ()) -> pd.DataFrame:
    frame = raw.csv(name, dtype=str, keep_default_na=False, na_values=[""])
    raw.require_columns(name, frame, columns)
    frame = frame[columns].apply(lambda column: column.str.strip()).replace({"": None})
    for column in [*(c for c in _CITED if c in columns), *required]:
        blank = frame[column].isna()
        if blank.any():
            what = "its citation" if column in _CITED else "a value here"
            raise SourceFormatError(
                raw.source_id,
                name,
                f"every curated row needs {what}: {int(blank.sum())} row(s) leave it blank",
                column=column,
                sample_rows=frame[blank].head(5).to_dict("records"),
            )
    return frame.reset_index(drop=True)
