"""Eurostat env_waselee: waste electrical and electronic equipment (WEEE) by operation, bulk TSV.

One source, the bulk file, in the two layouts Eurostat has served it in:

* the legacy bulk download (the recorded archive copy, Dec 2020 vintage):

      waste,wst_oper,unit,geo\\time<TAB>2018 <TAB>2017 ...
      TOTAL,COL,T,DE<TAB>853125 <TAB>836907 ...<TAB>753900 s<TAB>:

* the SDMX 2.1 TSV the dissemination API serves today (the live URL below): the same cells with
  a leading `freq` dimension and `geo\\TIME_PERIOD` in the header.

Cells are "value flags" (`e` estimated, `p` provisional, `b` break, `d` definition differs,
`s` Eurostat estimate; letters combine) or `:` for not available. Years run newest first.

Why the bulk file alone, not also the JSON-stat API the project fetched before (eurostat_weee):
the two are the same Eurostat dataset, so publishing both would put every value in the table
twice under two source ids; the bulk file is the one that carries every product category,
every operation and unit, and each value's flag in one request, and it is the one recorded in
the archive, so live and archive refreshes publish the same shape.
"""

from __future__ import annotations

import logging
import re

import pandas as pd

from pipelines import zones
from pipelines.errors import SourceFormatError
from pipelines.sources._base import RawSource, Source, SourceFile

SOURCE_ID = "eurostat_env_waselee"
DATASET = "env_waselee"
FILE = f"{DATASET}.tsv"
URL = f"https://ec.europa.eu/eurostat/api/dissemination/sdmx/2.1/data/{DATASET}?format=TSV&compressed=false"

log = logging.getLogger(__name__)

KEY_DIMENSIONS = ("waste", "wst_oper", "unit", "geo")
# Eurostat operation code -> metric stem in ewaste_statistics.
OPERATIONS = {
    "MKT": "put_on_market",
    "COL": "collected",
    "COL_HH": "collected_from_households",
    "COL_OTH": "collected_from_others",
    "TRT": "treated",
    "TRT_NAT": "treated_in_country",
    "TRT_EU_FOR": "treated_in_other_eu_country",
    "TRT_NEU": "treated_outside_eu",
    "RCV": "recovered",
    "RCY_REU": "recycled_prepared_for_reuse",
    "REU": "prepared_for_reuse",
}
# Percent rows: Eurostat's rates divide by the WEEE collected (checked on the file: DE 2017
# RCY_REU 717,823 t / COL 836,907 t = 85.8 %, as published; MT 2016 2,527 / 2,445 = 103.4 %).
RATES = {"RCV": ("recovery_rate", "recovered_over_collected"), "RCY_REU": ("recycling_rate", "recycled_over_collected")}
# Eurostat aggregates named like the other sources' aggregates; the rest become AGG-<code>.
AGGREGATES = {"EU27_2020": "EU27"}
CATEGORY = re.compile(r"^(TOTAL|EE_[A-Z_]+)$")
# "853125", "0.03", "753900 s", "12.5 de", ":", ": c"
CELL = re.compile(r"^\s*(?:(?P<value>-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)|:)\s*(?P<flag>[a-z]*)\s*$")


def parse_ewaste_statistics(raw: RawSource) -> pd.DataFrame:
    lines = raw.text(FILE).splitlines()
    key_names, years = _header(lines[0])
    rows, skipped = [], set()
    for line_number, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        fields = line.split("\t")
        if len(fields) != len(years) + 1:
            raise SourceFormatError(
                SOURCE_ID,
                FILE,
                f"line {line_number} has {len(fields)} tab-separated fields, the header {len(years) + 1}",
            )
        key = dict(zip(key_names, fields[0].strip().split(","), strict=False))
        if len(key) != len(key_names):
            raise SourceFormatError(
                SOURCE_ID,
                FILE,
                f"line {line_number}: key {fields[0]!r} does not have the header's {len(key_names)} parts",
                column=key_names[0],
            )
        measure = _measure(key)
        if measure is None:
            skipped.add(f"{key['wst_oper']}/{key['unit']}")
            continue
        if not CATEGORY.match(key["waste"]):
            raise SourceFormatError(
                SOURCE_ID,
                FILE,
                f"line {line_number}: waste category {key['waste']!r} is not TOTAL or an EE_* code",
                column="waste",
            )
        metric, unit, factor, rate_definition = measure
        zone_id, zone_type = _zone(key["geo"])
        for year, cell in zip(years, fields[1:], strict=False):
            match = CELL.match(cell)
            if match is None:
                raise SourceFormatError(
                    SOURCE_ID,
                    FILE,
                    f"line {line_number}, year {year}: cell {cell.strip()!r} is neither 'number [flags]' nor ':'",
                    column=str(year),
                )
            if match["value"] is None:
                continue
            rows.append(
                {
                    "zone_id": zone_id,
                    "zone_name": key["geo"],
                    "zone_type": zone_type,
                    "year": year,
                    "metric": metric,
                    "category": key["waste"],
                    "value": float(match["value"]) * factor,
                    "flag": match["flag"] or None,
                    "unit": unit,
                    "rate_definition": rate_definition,
                    "series": f"{DATASET}/{key['waste']}/{key['wst_oper']}/{key['unit']}",
                    "source_file": FILE,
                }
            )
    if skipped:
        log.info(
            "%s: left out operation/unit pairs with no metric in ewaste_statistics: %s",
            SOURCE_ID,
            ", ".join(sorted(skipped)),
        )
    if not rows:
        raise SourceFormatError(SOURCE_ID, FILE, "no values for any known operation and unit")
    frame = pd.DataFrame(rows)
    frame["zone_name"] = [
        zones.country_name(z) if t == "country" else name
        for z, t, name in zip(frame["zone_id"], frame["zone_type"], frame["zone_name"], strict=True)
    ]
    return frame.assign(
        citation_publisher=None, citation_title=None, citation_url=None, citation_published=None, citation_note=None
    )


def _header(line: str) -> tuple[list[str], list[int]]:
    """The key's dimension names and the year of each value column, from either layout."""
    first, *columns = line.split("\t")
    if "\\" not in first:
        raise SourceFormatError(
            SOURCE_ID, FILE, f"first header cell {first!r} is not a Eurostat TSV key ('waste,wst_oper,unit,geo\\time')"
        )
    dimensions, _, time_label = first.strip().partition("\\")
    names = dimensions.split(",")  # SDMX 2.1 adds a leading freq (A = annual)
    missing = [d for d in KEY_DIMENSIONS if d not in names]
    if missing or time_label.lower() not in ("time", "time_period"):
        raise SourceFormatError(SOURCE_ID, FILE, f"header key {first!r} lacks dimension(s) {missing or ['time']}")
    years = []
    for column in columns:
        text = column.strip()
        if not re.fullmatch(r"\d{4}", text):
            raise SourceFormatError(SOURCE_ID, FILE, f"header column {text!r} is not a year", column=text)
        years.append(int(text))
    return names, years


def _measure(key: dict) -> tuple[str, str, float, str | None] | None:
    operation, unit = key["wst_oper"], key["unit"]
    if key.get("freq", "A") != "A":
        return None
    if operation in OPERATIONS and unit == "T":
        return OPERATIONS[operation], "kt", 1e-3, None
    if operation in OPERATIONS and unit == "KG_HAB":
        return OPERATIONS[operation] + "_per_capita", "kg/person", 1.0, None
    if operation in RATES and unit == "PC":
        metric, definition = RATES[operation]
        return metric, "percent", 1.0, definition
    if operation == "COL" and unit == "AVG_3Y":  # the WEEE Directive's collection rate (percent)
        return "collection_rate", "percent", 1.0, "collected_over_put_on_market_avg_3y"
    return None


def _zone(geo: str) -> tuple[str, str]:
    if geo in AGGREGATES:
        return AGGREGATES[geo], "aggregate"
    iso3 = zones.iso3_from_alpha2(geo) if len(geo) == 2 else None
    if iso3:
        return iso3, "country"
    return zones.aggregate_id(geo), "aggregate"


SOURCE = Source(
    id=SOURCE_ID,
    title="Eurostat env_waselee: waste electrical and electronic equipment (WEEE) by waste management operations "
    "(bulk TSV)",
    publisher="Eurostat (European Commission)",
    license="Eurostat re-use policy: free re-use with acknowledgement of the source (Commission Decision "
    "2011/833/EU; CC BY 4.0)",
    homepage="https://ec.europa.eu/eurostat/databrowser/view/env_waselee/default/table",
    description="EU/EEA country-year WEEE statistics under the closed-scope WEEE Directive: equipment put on the "
    "market, WEEE collected, treated, recovered, recycled and prepared for reuse, in tonnes, kg per "
    "inhabitant and percent, by 13 product categories and the total, with Eurostat's flags.",
    files=(SourceFile(FILE, URL, "tsv", max_bytes=50_000_000),),
    parsers={"ewaste_statistics": parse_ewaste_statistics},
)
