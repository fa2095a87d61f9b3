"""Our World in Data: share of electricity demand used by data centres, by IEA region and year.

OWID's grapher CSV (short column names; the live URL serves the same layout):

    entity,code,year,total_electricity_consumption__share_of_total_electricity_demand__historical
    Africa (IEA),,2020,0.12848516
    United States,USA,2025,4.94...
    World,OWID_WRL,2025,1.53...

Values are percent. The numerator is the IEA's Energy and AI estimate (2024 and 2025 are
estimates, not metered), the denominator Ember's electricity demand. code is empty for the IEA
regions and "World excl. United States and China".
"""

from __future__ import annotations

import pandas as pd

from pipelines.errors import SourceFormatError
from pipelines.sources._base import RawSource, Source, SourceFile
from pipelines.sources._curated import CITATION
from pipelines.sources._owid import grapher_places, read_grapher_csv

SOURCE_ID = "owid_datacentre_share"
FILE = "data-centers-share-electricity-demand.csv"
URL = (
    "https://ourworldindata.org/grapher/data-centers-share-electricity-demand.csv"
    "?v=1&csvType=full&useColumnShortNames=true"
)
SERIES = "OWID data-centers-share-electricity-demand (IEA Energy and AI / Ember)"


def parse_datacenter_electricity(raw: RawSource) -> pd.DataFrame:
    rows = read_grapher_csv(raw, FILE, "entity", "code", "year", value="share")
    frame = rows.frame
    if (frame["share"] < 0).any() or (frame["share"] > 100).any():
        raise SourceFormatError(
            SOURCE_ID,
            FILE,
            "a share outside 0-100 %",
            column=rows.value_column,
            sample_rows=frame[(frame["share"] < 0) | (frame["share"] > 100)].head(5).to_dict("records"),
        )
    return pd.DataFrame(
        {
            **grapher_places(raw, FILE, frame, "entity", "code", "year"),
            "quarter": pd.array([None] * len(frame), dtype="Int64"),
            "basis": "estimate",
            "scenario": None,
            "scope": "data centres",
            "electricity_twh_low": None,
            "electricity_twh_central": None,
            "electricity_twh_high": None,
            "share_of_demand_pct_low": None,
            "share_of_demand_pct_central": frame["share"].tolist(),
            "share_of_demand_pct_high": None,
            "series": SERIES,
            "source_file": FILE,
            **dict.fromkeys(CITATION),
        }
    )


SOURCE = Source(
    id=SOURCE_ID,
    title="Our World in Data: share of electricity demand used by data centres (IEA Energy and AI; Ember)",
    publisher="Our World in Data, from the International Energy Agency (Energy and AI, 2025) and Ember",
    license="CC BY 4.0 (cite 'International Energy Agency (2025); Ember (2026) - with major processing by Our "
    "World in Data')",
    homepage="https://ourworldindata.org/grapher/data-centers-share-electricity-demand",
    description="Data-centre electricity consumption as a percentage of total electricity demand, for the IEA "
    "regions, China, the United States and the world, 2020 and 2023-2025 (IEA estimates).",
    # No sha256 pin: the recorded copy was reconstructed from a search index (SOURCE.toml caveat).
    files=(SourceFile(FILE, URL, "csv", max_bytes=5_000_000),),
    parsers={"datacenter_electricity": parse_datacenter_electricity},
)
