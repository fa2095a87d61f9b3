"""Eurostat: waste electrical and electronic equipment (WEEE) by waste management operation (env_waselee).

Fetched from the Eurostat dissemination API as JSON-stat 2.0, restricted to all EEE categories
(waste=TOTAL):

    {"version": "2.0", "class": "dataset", "id": ["freq", "waste", "wst_oper", "unit", "geo", "time"],
     "size": [1, 1, 11, 2, 33, 18],
     "dimension": {"geo": {"label": "...", "category": {"index": {"BE": 0, ...}, "label": {"BE": "Belgium"}}}, ...},
     "value": {"0": 123.4, ...}, "status": {"5": "e"}}

`value` is indexed by the row-major position of the cell (the last dimension varies fastest);
it is either an object of the non-empty cells or a dense array with nulls.
"""

from __future__ import annotations

import math

import pandas as pd

from pipelines import zones
from pipelines.errors import SourceFormatError
from pipelines.sources._base import RawSource, Source, SourceFile

SOURCE_ID = "eurostat_weee"
DATASET = "env_waselee"
FILE = f"{DATASET}.json"
URL = (f"https://ec.europa.eu/eurostat/api/dissemination/statistics/1.0/data/{DATASET}"
       "?format=JSON&lang=EN&waste=TOTAL")

REQUIRED_DIMENSIONS = ("waste", "wst_oper", "unit", "geo", "time")
# Operations kept, as metrics. The others (treatment in/outside the member state, recovery,
# preparing for reuse alone) overlap these and are left out rather than summed by mistake.
OPERATIONS = {"MKT": "put_on_market", "COL": "collected", "RCY_PRP_REU": "recycled_prepared_for_reuse"}
# unit code -> (metric suffix, unit in ewaste_statistics, factor)
UNITS = {"T": ("", "kt", 1e-3), "KG_HAB": ("_per_capita", "kg/person", 1.0)}
# Eurostat aggregates named like the other sources' aggregates; the rest become AGG-<code>.
AGGREGATES = {"EU27_2020": "EU27"}


def parse_ewaste_statistics(raw: RawSource) -> pd.DataFrame:
    dataset = raw.json(FILE)
    cells = _cells(dataset)
    labels = {dim: dataset["dimension"][dim]["category"].get("label", {}) for dim in dataset["id"]}
    rows = []
    for coordinates, value in cells:
        if coordinates.get("waste") != "TOTAL":
            continue
        metric = OPERATIONS.get(coordinates["wst_oper"])
        unit_spec = UNITS.get(coordinates["unit"])
        if metric is None or unit_spec is None:
            continue
        suffix, unit, factor = unit_spec
        geo = coordinates["geo"]
        zone_id, zone_type = _zone(geo)
        rows.append({
            "zone_id": zone_id,
            "zone_name": labels["geo"].get(geo, geo),
            "zone_type": zone_type,
            "year": _year(coordinates["time"]),
            "metric": metric + suffix,
            "value": value * factor,
            "unit": unit,
            "series": f"{DATASET}/TOTAL/{coordinates['wst_oper']}/{coordinates['unit']}",
            "source_file": FILE,
        })
    if not rows:
        raise SourceFormatError(SOURCE_ID, FILE, "no cells for waste=TOTAL with operations "
                                                 f"{sorted(OPERATIONS)} in units {sorted(UNITS)}")
    return pd.DataFrame(rows).assign(citation_publisher=None, citation_title=None, citation_url=None,
                                     citation_published=None, citation_note=None)


def _cells(dataset) -> list[tuple[dict, float]]:
    """Every non-empty cell of a JSON-stat 2.0 dataset as ({dimension: category code}, value)."""
    if not isinstance(dataset, dict) or dataset.get("class") != "dataset":
        raise SourceFormatError(SOURCE_ID, FILE, "not a JSON-stat 2.0 dataset (class != 'dataset')")
    ids, sizes = dataset.get("id"), dataset.get("size")
    if not isinstance(ids, list) or not isinstance(sizes, list) or len(ids) != len(sizes):
        raise SourceFormatError(SOURCE_ID, FILE, "JSON-stat 'id' and 'size' are missing or differ in length")
    missing = [d for d in REQUIRED_DIMENSIONS if d not in ids]
    if missing:
        raise SourceFormatError(SOURCE_ID, FILE, f"dimension(s) {missing} not in the dataset; it has {ids}",
                                column=missing[0])
    codes_by_position = [_category_codes(dataset["dimension"][dim], dim, size) for dim, size in zip(ids, sizes)]
    values = dataset.get("value")
    if isinstance(values, list):
        indexed = ((i, v) for i, v in enumerate(values) if v is not None)
    elif isinstance(values, dict):
        indexed = ((int(i), v) for i, v in values.items() if v is not None)
    else:
        raise SourceFormatError(SOURCE_ID, FILE, "JSON-stat 'value' is neither an array nor an object")
    cell_count = math.prod(sizes)
    cells = []
    for index, value in indexed:
        if not 0 <= index < cell_count:
            raise SourceFormatError(SOURCE_ID, FILE, f"value index {index} outside the {cell_count} cells")
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise SourceFormatError(SOURCE_ID, FILE, f"non-numeric value {value!r} at index {index}",
                                    column="value")
        coordinates, remainder = {}, index
        for dim, size, codes in reversed(list(zip(ids, sizes, codes_by_position))):
            remainder, position = divmod(remainder, size)
            coordinates[dim] = codes[position]
        cells.append((coordinates, float(value)))
    return cells


def _category_codes(dimension: dict, name: str, size: int) -> list[str]:
    index = (dimension or {}).get("category", {}).get("index")
    if isinstance(index, list):
        codes = list(index)
    elif isinstance(index, dict):
        codes = [code for code, _ in sorted(index.items(), key=lambda item: item[1])]
    else:
        raise SourceFormatError(SOURCE_ID, FILE, f"dimension '{name}' has no category index", column=name)
    if len(codes) != size:
        raise SourceFormatError(SOURCE_ID, FILE, f"dimension '{name}' lists {len(codes)} categories, "
                                                 f"size says {size}", column=name)
    return codes


def _zone(geo: str) -> tuple[str, str]:
    if geo in AGGREGATES:
        return AGGREGATES[geo], "aggregate"
    iso3 = zones.iso3_from_alpha2(geo) if len(geo) == 2 else None
    if iso3:
        return iso3, "country"
    return zones.aggregate_id(geo), "aggregate"


def _year(time_code: str) -> int:
    try:
        return int(time_code)
    except ValueError:
        raise SourceFormatError(SOURCE_ID, FILE, f"time category {time_code!r} is not a year",
                                column="time") from None


SOURCE = Source(
    id=SOURCE_ID,
    title="Eurostat: waste electrical and electronic equipment (WEEE) by waste management operations (env_waselee)",
    publisher="Eurostat (European Commission)",
    license="Eurostat re-use policy: free re-use with acknowledgement of the source (Commission Decision "
            "2011/833/EU)",
    homepage="https://ec.europa.eu/eurostat/databrowser/view/env_waselee/default/table",
    description="Electrical and electronic equipment put on the market, WEEE collected, and WEEE recycled "
                "and prepared for reuse, in tonnes and kg per inhabitant, for EU and EEA countries "
                "(all EEE categories).",
    files=(SourceFile(FILE, URL, "json", headers={"Accept": "application/json"}),),
    parsers={"ewaste_statistics": parse_ewaste_statistics},
)
