"""Curated e-waste headline figures and the world population behind per-capita values.

Compiled by hand in pipelines/curated/ from the cited publications, one citation per row:
Global E-waste Monitor editions (UNITAR / ITU), studies of e-waste from generative-AI servers,
and UN World Population Prospects (the denominators the per-capita consistency check uses).
Both files share one layout:

    zone_id,year,metric,value,unit,citation_publisher,citation_title,citation_url,citation_published,citation_note
"""

from __future__ import annotations

import pandas as pd

from pipelines import zones
from pipelines.errors import SourceFormatError
from pipelines.sources._base import RawSource, Source, SourceFile
from pipelines.sources._curated import BASIC_CITATION, read_curated
from schemas.ewaste import RATE_DEFINITION_BY_METRIC, TOTAL_CATEGORY

SOURCE_ID = "curated_ewaste"
HEADLINES = "ewaste_headlines.csv"
POPULATION = "world_population.csv"
DATA_AS_OF = "2026-11-25"
COLUMNS = ["zone_id", "year", "metric", "value", "unit", *BASIC_CITATION]
AGGREGATE_NAMES = {"WLD": "World", "EU27": "European Union (27)"}


def parse_ewaste_statistics(raw: RawSource) -> pd.DataFrame:
    return pd.concat([_parse(raw, HEADLINES), _parse(raw, POPULATION)], ignore_index=True)


def _parse(raw: RawSource, name: str) -> pd.DataFrame:
    frame = read_curated(raw, name, COLUMNS, required=("zone_id", "metric", "unit"))
    zone_types, zone_names = [], []
    for zone_id in frame["zone_id"]:
        if zone_id in AGGREGATE_NAMES or zone_id.startswith("AGG-"):
            zone_types.append("aggregate")
            zone_names.append(AGGREGATE_NAMES.get(zone_id, zone_id))
        elif zones.normalise_alpha3(zone_id) == zone_id:
            zone_types.append("country")
            zone_names.append(zones.country_name(zone_id))
        else:
            raise SourceFormatError(
                SOURCE_ID,
                name,
                f"zone_id {zone_id!r} is neither ISO 3166-1 alpha-3 nor an aggregate id (WLD, EU27, AGG-<NAME>)",
                column="zone_id",
            )
    metric = frame["metric"]
    return pd.DataFrame(
        {
            "zone_id": frame["zone_id"],
            "zone_name": zone_names,
            "zone_type": zone_types,
            "year": raw.to_number(name, frame, "year"),
            "metric": metric,
            "category": TOTAL_CATEGORY,
            "value": raw.to_number(name, frame, "value"),
            "flag": None,
            "rate_definition": metric.map(RATE_DEFINITION_BY_METRIC),
            "unit": frame["unit"],
            # Two editions of a report may both project the same year; the publisher (which names
            # the edition) tells their rows apart.
            "series": frame["citation_publisher"],
            "source_file": name,
            **frame[BASIC_CITATION],
        }
    )


SOURCE = Source(
    id=SOURCE_ID,
    title="Curated e-waste headline figures (Global E-waste Monitor, generative-AI e-waste studies) and world "
    "population (UN WPP)",
    publisher="aifootprint (compiled from the publications cited on each row)",
    license="MIT for the compilation; each figure belongs to the publication cited on its row",
    homepage="https://ewastemonitor.info/",
    description="Global e-waste generated, documented collection and recycling, projections, e-waste from "
    "generative-AI servers, and the UN World Population Prospects population used as the per-capita "
    "denominator; one citation (publisher, title, URL, date, quoted passage) per row.",
    files=(
        SourceFile(HEADLINES, f"pipelines/curated/{HEADLINES}", "csv", DATA_AS_OF),
        SourceFile(POPULATION, f"pipelines/curated/{POPULATION}", "csv", DATA_AS_OF),
    ),
    parsers={"ewaste_statistics": parse_ewaste_statistics},
    curated=True,
)
