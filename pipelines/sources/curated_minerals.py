"""Curated: what each mineral of `mineral_production` does in accelerators and servers.

    mineral,component,role,publisher,title,url,published,locator,note,via_url

One citation to the primary publisher per row; a page that relayed the passage goes in via_url.
"""

from __future__ import annotations

import pandas as pd

from pipelines.errors import SourceFormatError
from pipelines.sources._base import RawSource, Source, SourceFile
from pipelines.sources.curated_reference import read_curated

SOURCE_ID = "curated_minerals"
FILE = "mineral_uses.csv"
DATA_AS_OF = "2026-12-01"
COLUMNS = ["mineral", "component", "role", "publisher", "title", "url", "published", "locator", "note", "via_url"]


def parse_mineral_uses(raw: RawSource) -> pd.DataFrame:
    frame = read_curated(raw, FILE, COLUMNS)
    for column in ("mineral", "component", "role", "publisher", "title"):
        if frame[column].isna().any():
            raise SourceFormatError(SOURCE_ID, FILE, "every curated row needs a value here", column=column,
                                    sample_rows=frame[frame[column].isna()].head(5).to_dict("records"))
    return pd.DataFrame({
        "mineral": frame["mineral"], "component": frame["component"], "role": frame["role"],
        "citation_publisher": frame["publisher"], "citation_title": frame["title"], "citation_url": frame["url"],
        "citation_published": frame["published"], "citation_locator": frame["locator"],
        "citation_note": frame["note"], "via_url": frame["via_url"], "source_file": FILE,
    }).reset_index(drop=True)


SOURCE = Source(
    id=SOURCE_ID,
    title="Curated roles of minerals in accelerators and servers",
    publisher="aifootprint (compiled from the publications cited on each row)",
    license="MIT for the compilation; each statement belongs to the publication cited on its row",
    homepage="pipelines/curated/ in the aifootprint repository",
    description="Which part of an accelerator or server each mineral of mineral_production is used in, cited.",
    files=(SourceFile(FILE, f"pipelines/curated/{FILE}", "csv", DATA_AS_OF),),
    parsers={"mineral_uses": parse_mineral_uses},
    curated=True,
)
