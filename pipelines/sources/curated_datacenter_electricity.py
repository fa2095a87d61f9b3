"""Curated data-centre electricity estimates and projections (pipelines/curated/), one citation per row.

    zone_id,zone_name,year,basis,scenario,scope,electricity_twh_low,electricity_twh_central,
    electricity_twh_high,share_of_demand_pct_low,..._central,..._high,series,citation_publisher,
    citation_title,citation_url,citation_published,citation_locator,citation_note,via_url

IEA Electricity 2024 (2022 and the 2026 range), IEA Energy and AI (2024, 2030 Base Case) and
LBNL's 2024 United States Data Center Energy Usage Report (2023 and the 2028 range): the
figures the recorded series (OWID shares, Ireland's metered GWh) are read against.
"""

from __future__ import annotations

import pandas as pd

from pipelines import zones
from pipelines.errors import SourceFormatError
from pipelines.sources._base import RawSource, Source, SourceFile
from pipelines.sources._curated import CITATION, read_curated

SOURCE_ID = "curated_datacenter_electricity"
FILE = "datacenter_electricity_estimates.csv"
DATA_AS_OF = "2026-12-01"
RANGES = [f"{q}_{end}" for q in ("electricity_twh", "share_of_demand_pct") for end in ("low", "central", "high")]
COLUMNS = ["zone_id", "zone_name", "year", "basis", "scenario", "scope", *RANGES, "series", *CITATION]


def parse_datacenter_electricity(raw: RawSource) -> pd.DataFrame:
    frame = read_curated(raw, FILE, COLUMNS, required=("zone_id", "zone_name", "basis", "scope", "series"))
    zone_types = []
    for zone_id in frame["zone_id"]:
        if zone_id == "WLD" or zone_id.startswith("AGG-"):
            zone_types.append("aggregate")
        elif zones.normalise_alpha3(zone_id) == zone_id:
            zone_types.append("country")
        else:
            raise SourceFormatError(
                SOURCE_ID,
                FILE,
                f"zone_id {zone_id!r} is neither ISO 3166-1 alpha-3 nor WLD or AGG-<NAME>",
                column="zone_id",
            )
    out = frame[["zone_id", "zone_name", "basis", "scenario", "scope", "series", *CITATION]].assign(
        zone_type=zone_types,
        year=raw.to_number(FILE, frame, "year"),
        quarter=pd.array([None] * len(frame), dtype="Int64"),
        source_file=FILE,
    )
    for column in RANGES:
        out[column] = raw.to_number(FILE, frame, column)
    return out.reset_index(drop=True)


SOURCE = Source(
    id=SOURCE_ID,
    title="Curated data-centre electricity estimates and projections (IEA, LBNL)",
    publisher="aifootprint (compiled from the publications cited on each row)",
    license="MIT for the compilation; each figure belongs to the publication cited on its row",
    homepage="pipelines/curated/ in the aifootprint repository",
    description="World and US data-centre electricity estimates and projections with publisher, report, section, "
    "scenario and low/central/high where the publisher gives a range.",
    files=(SourceFile(FILE, f"pipelines/curated/{FILE}", "csv", DATA_AS_OF),),
    parsers={"datacenter_electricity": parse_datacenter_electricity},
    curated=True,
)
