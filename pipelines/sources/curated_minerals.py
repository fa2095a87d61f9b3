"""Curated: what each mineral of `mineral_production` does in accelerators and servers.

    mineral,component,role,citation_publisher,citation_title,citation_url,citation_published,citation_locator,
    citation_note,via_url

One citation to the primary publisher per row; a page that relayed the passage goes in via_url.
"""

from __future__ import annotations

import pandas as pd

from pipelines.sources._base import RawSource, Source, SourceFile
from pipelines.sources._curated import CITATION, read_curated

SOURCE_ID = "curated_minerals"
FILE = "mineral_uses.csv"
DATA_AS_OF = "2026-12-01"
KEY = ["mineral", "component", "role"]


def parse_mineral_uses(raw: RawSource) -> pd.DataFrame:
    return read_curated(raw, FILE, [*KEY, *CITATION], required=tuple(KEY)).assign(source_file=FILE)


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
