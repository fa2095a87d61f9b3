"""Our World in Data: electronic waste recycling rate (UN SDG 12.5.1), by country and region.

OWID's grapher CSV export (the live URL serves the same layout):

    Entity,Code,Year,Proportion of electronic waste recycled (%)
    Africa (UN),,2010,0.11
    Malta,MLT,2011,122.8
    World,OWID_WRL,2022,22.3

Code is ISO 3166-1 alpha-3 for countries, OWID_WRL for the world and empty for regions.

Two definitions are mixed in this one column. The rule this parser applies to every row:
the EU and EEA countries that report to Eurostat under the WEEE Directive (EU-27, the United
Kingdom, Norway, Iceland, Liechtenstein) carry Eurostat's recycling rate, recycled and prepared
for reuse / WEEE collected (`recycled_over_collected`; Germany 2017 = 85.8 % here and in
Eurostat's env_waselee RCY_REU PC; Malta's 122.8 % is possible only against the mass collected);
every other row is the SDG definition, documented recycled / e-waste generated
(`recycled_over_generated`; World 2022 = 22.3 %).
"""

from __future__ import annotations

import pandas as pd

from pipelines.sources._base import RawSource, Source, SourceFile
from pipelines.sources._curated import BASIC_CITATION
from pipelines.sources._owid import grapher_places, read_grapher_csv

SOURCE_ID = "owid_ewaste"
FILE = "electronic-waste-recycling-rate.csv"
URL = (
    "https://ourworldindata.org/grapher/electronic-waste-recycling-rate.csv?v=1&csvType=full&useColumnShortNames=false"
)
SERIES = "UN SDG 12.5.1 via OWID (electronic-waste-recycling-rate)"
# Countries reporting WEEE to Eurostat: their SDG 12.5.1 values are Eurostat's recycled / collected.
EUROSTAT_WEEE_REPORTERS = frozenset(
    {
        "AUT",
        "BEL",
        "BGR",
        "HRV",
        "CYP",
        "CZE",
        "DNK",
        "EST",
        "FIN",
        "FRA",
        "DEU",
        "GRC",
        "HUN",
        "IRL",
        "ITA",
        "LVA",
        "LTU",
        "LUX",
        "MLT",
        "NLD",
        "POL",
        "PRT",
        "ROU",
        "SVK",
        "SVN",
        "ESP",
        "SWE",
        "GBR",
        "NOR",
        "ISL",
        "LIE",
    }
)


def rate_definition(zone_id: str) -> str:
    return "recycled_over_collected" if zone_id in EUROSTAT_WEEE_REPORTERS else "recycled_over_generated"


def parse_ewaste_statistics(raw: RawSource) -> pd.DataFrame:
    frame = read_grapher_csv(raw, FILE, "Entity", "Code", "Year", value="value").frame
    places = grapher_places(raw, FILE, frame, "Entity", "Code", "Year")
    return pd.DataFrame(
        {
            **places,
            "metric": "recycling_rate",
            "category": "TOTAL",
            "value": frame["value"].tolist(),
            "flag": None,
            "unit": "percent",
            "rate_definition": [rate_definition(z) for z in places["zone_id"]],
            "series": SERIES,
            "source_file": FILE,
            **dict.fromkeys(BASIC_CITATION),
        }
    )


SOURCE = Source(
    id=SOURCE_ID,
    title="Our World in Data: electronic waste recycling rate (UN SDG 12.5.1)",
    publisher="Our World in Data, from the UN SDG Global Database (UNITAR / ITU Global E-waste Monitor, "
    "OECD-UNITAR questionnaire, Eurostat)",
    license="CC BY 4.0 (cite 'UN SDG Global Database (UNITAR, Eurostat) - processed by Our World in Data')",
    homepage="https://ourworldindata.org/grapher/electronic-waste-recycling-rate",
    description="Share of electronic waste documented as recycled, by country and region, 2000-2022; EU/EEA rows "
    "relative to WEEE collected, all others relative to e-waste generated (see rate_definition).",
    # No sha256 pin: the recorded copy was reconstructed from a search index (SOURCE.toml caveat),
    # and OWID revises the live file.
    files=(SourceFile(FILE, URL, "csv", max_bytes=20_000_000),),
    parsers={"ewaste_statistics": parse_ewaste_statistics},
)
