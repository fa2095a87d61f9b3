"""CSO Ireland, table MEC02: data centres' metered electricity consumption, quarterly GWh (JSON-stat 2.0).

    {"class": "dataset", "version": "2.0", "id": ["STATISTIC", "TLIST(Q1)", "C03907V04659"],
     "size": [1, 44, 3], "dimension": {"TLIST(Q1)": {"category": {"index": ["2015Q1", ...]}},
     "C03907V04659": {"category": {"index": ["-", "10", "20"], "label": {"-": "All metered electricity
     consumption", "10": "Data centres", "20": "Customers other than data centres"}}}, ...},
     "value": [6565.0, 291.0, 6274.0, ...]}

`value` is row-major over `id` (the last dimension varies fastest). The parser finds the
dimensions by role and label rather than position, so a reordered response still parses. The
only metered national data-centre series found; the share is data centres / all metered.
"""

from __future__ import annotations

import math
import re

import pandas as pd

from pipelines.errors import SourceFormatError
from pipelines.sources._base import RawSource, Source, SourceFile
from pipelines.sources._curated import CITATION

SOURCE_ID = "cso_ie_datacentre_electricity"
FILE = "MEC02.json"
URL = "https://ws.cso.ie/public/api.restful/PxStat.Data.Cube_API.ReadDataset/MEC02/JSON-stat/2.0/en"
SERIES = "CSO MEC02 (metered electricity consumption)"
QUARTER = re.compile(r"^(\d{4})Q([1-4])$")
GWH_PER_TWH = 1000.0


def parse_datacenter_electricity(raw: RawSource) -> pd.DataFrame:
    dataset = raw.json(FILE)
    if not isinstance(dataset, dict) or dataset.get("class") != "dataset":
        raise SourceFormatError(SOURCE_ID, FILE, "not a JSON-stat 2.0 dataset (class != 'dataset')")
    ids, sizes, values = dataset.get("id"), dataset.get("size"), dataset.get("value")
    if not isinstance(ids, list) or not isinstance(sizes, list) or len(ids) != len(sizes):
        raise SourceFormatError(SOURCE_ID, FILE, "JSON-stat 'id' and 'size' are missing or differ in length")
    if not isinstance(values, list) or len(values) != math.prod(sizes):
        raise SourceFormatError(SOURCE_ID, FILE, f"'value' must be an array of {math.prod(sizes)} cells")
    dimensions = dataset.get("dimension") or {}
    time_id = ((dataset.get("role") or {}).get("time") or [None])[0]
    codes = {dim: _codes(dimensions.get(dim), dim, size) for dim, size in zip(ids, sizes, strict=True)}
    if time_id not in codes:
        raise SourceFormatError(SOURCE_ID, FILE, "no time dimension (role.time)", column="role.time")
    category_dim = next((d for d in ids if d != time_id and len(codes[d]) > 1), None)
    if category_dim is None:
        raise SourceFormatError(SOURCE_ID, FILE, "no consumption-category dimension besides time")
    labels = dimensions[category_dim]["category"].get("label", {})
    by_label = {str(label).strip().lower(): code for code, label in labels.items()}
    all_code, dc_code = by_label.get("all metered electricity consumption"), by_label.get("data centres")
    if all_code is None or dc_code is None:
        raise SourceFormatError(
            SOURCE_ID,
            FILE,
            f"categories 'All metered electricity consumption' and 'Data "
            f"centres' not both found; labels: {sorted(labels.values())}",
            column=category_dim,
        )
    unit = _unit(dimensions)
    if unit != "GWh":
        raise SourceFormatError(SOURCE_ID, FILE, f"unit {unit!r}, expected GWh", column="STATISTIC")
    cells = {}
    for index, value in enumerate(values):
        coordinates, remainder = {}, index
        for dim, size in reversed(list(zip(ids, sizes, strict=True))):
            remainder, position = divmod(remainder, size)
            coordinates[dim] = codes[dim][position]
        if value is not None and (
            isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value)
        ):
            raise SourceFormatError(SOURCE_ID, FILE, f"non-numeric value {value!r} at index {index}", column="value")
        cells[(coordinates[time_id], coordinates[category_dim])] = value
    rows = []
    for period in codes[time_id]:
        match = QUARTER.match(period)
        if match is None:
            raise SourceFormatError(SOURCE_ID, FILE, f"time code {period!r} is not YYYYQn", column=time_id)
        datacentres, total = cells.get((period, dc_code)), cells.get((period, all_code))
        if datacentres is None:
            continue
        rows.append(
            {
                "zone_id": "IRL",
                "zone_name": "Ireland",
                "zone_type": "country",
                "year": int(match[1]),
                "quarter": int(match[2]),
                "basis": "metered",
                "scenario": None,
                "scope": "data centres",
                "electricity_twh_low": None,
                "electricity_twh_central": datacentres / GWH_PER_TWH,
                "electricity_twh_high": None,
                "share_of_demand_pct_low": None,
                "share_of_demand_pct_central": 100 * datacentres / total if total else None,
                "share_of_demand_pct_high": None,
                "series": SERIES,
                "source_file": FILE,
                **dict.fromkeys(CITATION),
            }
        )
    if not rows:
        raise SourceFormatError(SOURCE_ID, FILE, "no data-centre values")
    frame = pd.DataFrame(rows)
    return frame.astype({"quarter": "Int64"})


def _codes(dimension, name: str, size: int) -> list[str]:
    index = ((dimension or {}).get("category") or {}).get("index")
    if isinstance(index, dict):
        index = [code for code, _ in sorted(index.items(), key=lambda item: item[1])]
    if not isinstance(index, list) or len(index) != size:
        raise SourceFormatError(
            SOURCE_ID, FILE, f"dimension '{name}' has no category index of {size} codes", column=name
        )
    return index


def _unit(dimensions: dict) -> str | None:
    for dimension in dimensions.values():
        units = (dimension.get("category") or {}).get("unit")
        if units:
            return next(iter(units.values())).get("label")
    return None


SOURCE = Source(
    id=SOURCE_ID,
    title="CSO Ireland MEC02: data centres metered electricity consumption (quarterly GWh)",
    publisher="Central Statistics Office, Ireland",
    license="CC BY 4.0 (Source: CSO Ireland, table MEC02)",
    homepage="https://www.cso.ie/en/statistics/energy/datacentresmeteredelectricityconsumption/",
    description="Metered electricity consumption of data centres in Ireland by quarter since 2015, with their share "
    "of all metered electricity consumption.",
    # No sha256 pin: the recorded copy was reconstructed from a search index (SOURCE.toml caveat),
    # and the CSO revises the table.
    files=(SourceFile(FILE, URL, "json", headers={"Accept": "application/json"}, max_bytes=5_000_000),),
    parsers={"datacenter_electricity": parse_datacenter_electricity},
)
