"""UN SDG Global Database: e-waste series of indicators 12.4.2 and 12.5.1 (UNITAR / ITU estimates).

One JSON response of the SDG API per series
(`GET https://unstats.un.org/sdgapi/v1/sdg/Series/Data?seriesCode=<code>&pageSize=...`):

    {"totalElements": n, "totalPages": 1, "pageNumber": 1, ...,
     "data": [{"series": "EN_EWT_GENV", "geoAreaCode": "1", "geoAreaName": "World",
               "timePeriodStart": 2019.0, "value": "53.6...", "attributes": {"Nature": "E", "Units": "..."},
               "dimensions": {"Reporting Type": "G"}, "source": "...", ...}]}

geoAreaCode is a UN M49 code: countries share ISO 3166-1 numeric codes, everything else is a
region or group (1 = World).
"""

from __future__ import annotations

import math

import pandas as pd
import pycountry

from pipelines import zones
from pipelines.errors import SourceFormatError
from pipelines.sources._base import RawSource, Source, SourceFile
from schemas.ewaste import RATE_DEFINITION_BY_METRIC, TOTAL_CATEGORY

SOURCE_ID = "un_sdg_ewaste"
API = "https://unstats.un.org/sdgapi/v1/sdg/Series/Data"
# One page holds every observation of a series (a few thousand country-years); the parser
# refuses a response that says it has more pages rather than silently publishing a part.
PAGE_SIZE = 100_000

# series code -> metric in ewaste_statistics
SERIES_METRICS = {
    "EN_EWT_GENV": "generated",
    "EN_EWT_GENPCAP": "generated_per_capita",
    "EN_EWT_COLLV": "collected",
    "EN_EWT_COLLPCAP": "collected_per_capita",
    "EN_EWT_COLLR": "collection_rate",
    "EN_EWT_RCYV": "recycled",
    "EN_EWT_RCYPCAP": "recycled_per_capita",
    "EN_EWT_RCYR": "recycling_rate",
}

# SDG unit code -> (unit in ewaste_statistics, factor). Masses are published in tonnes and
# per-capita masses in kilograms; any other code is refused instead of guessed.
UNITS = {
    "TONNES": ("kt", 1e-3),
    "METRIC_TONS": ("kt", 1e-3),
    "T": ("kt", 1e-3),
    "KG": ("kg/person", 1.0),
    "KG_PER_CAPITA": ("kg/person", 1.0),
    "PERCENT": ("percent", 1.0),
}
EXPECTED_UNIT = (
    {metric: "kt" for metric in ("generated", "collected", "recycled")}
    | {metric: "kg/person" for metric in ("generated_per_capita", "collected_per_capita", "recycled_per_capita")}
    | {"collection_rate": "percent", "recycling_rate": "percent"}
)

# Dimension values that mean "all of it". A row with any other value is a breakdown (by
# product type, say) of a total that is also published, so only totals are kept.
TOTAL_DIMENSION_VALUES = {"ALP", "_T", "ALLAREA", "BOTHSEX", "TOTAL", "_Z"}
# The SDG database keeps custodian-agency global estimates (G) beside nationally reported
# figures (N) for some series; the G series is the one harmonised across countries.
REPORTING_TYPE = "G"

WORLD_M49 = "1"
# M49 codes of countries ISO 3166-1 does not code.
M49_COUNTRY_EXTRAS = {"412": "XKX"}
# Values the API uses for "no observation".
MISSING_VALUES = {"", "NaN", "nan", "N/A", "NA", "None"}


def file_name(series_code: str) -> str:
    return f"{series_code}.json"


def parse_ewaste_statistics(raw: RawSource) -> pd.DataFrame:
    frames = [_parse_series(raw, code) for code in SERIES_METRICS]
    return pd.concat(frames, ignore_index=True)


def _parse_series(raw: RawSource, code: str) -> pd.DataFrame:
    name = file_name(code)
    payload = raw.json(name)
    if not isinstance(payload, dict) or not isinstance(payload.get("data"), list):
        raise SourceFormatError(SOURCE_ID, name, "expected an SDG API object with a 'data' list")
    pages = payload.get("totalPages", 1)
    if pages not in (0, 1):
        raise SourceFormatError(
            SOURCE_ID,
            name,
            f"response is page {payload.get('pageNumber')} of {pages}; "
            f"the request's pageSize must cover the whole series",
        )
    records = payload["data"]
    total = payload.get("totalElements")
    if total is not None and total != len(records):
        raise SourceFormatError(
            SOURCE_ID,
            name,
            f"totalElements says {total} observations, 'data' holds {len(records)} (truncated response)",
        )
    metric = SERIES_METRICS[code]
    rows, bad = [], []
    for index, record in enumerate(records):
        if record.get("series") != code:
            raise SourceFormatError(
                SOURCE_ID,
                name,
                f"observation {index} is series {record.get('series')!r}, expected {code}",
                column="series",
                sample_rows=[record],
            )
        if not _is_total(record.get("dimensions") or {}):
            continue
        value = _number(record.get("value"))
        if value is None:
            continue
        if math.isnan(value):
            bad.append(record)
            continue
        unit_code = str((record.get("attributes") or {}).get("Units", "")).upper()
        if unit_code not in UNITS or UNITS[unit_code][0] != EXPECTED_UNIT[metric]:
            raise SourceFormatError(
                SOURCE_ID,
                name,
                f"unit {unit_code!r} is not one this parser converts to {EXPECTED_UNIT[metric]} for {code}",
                column="attributes.Units",
                sample_rows=[record],
            )
        unit, factor = UNITS[unit_code]
        zone_id, zone_type = _zone(str(record.get("geoAreaCode", "")), str(record.get("geoAreaName", "")))
        rows.append(
            {
                "zone_id": zone_id,
                "zone_name": record.get("geoAreaName") or zone_id,
                "zone_type": zone_type,
                "year": int(float(record["timePeriodStart"])),
                "metric": metric,
                "value": value * factor,
                "unit": unit,
                "series": code,
                "source_file": name,
            }
        )
    if bad:
        raise SourceFormatError(
            SOURCE_ID, name, f"{len(bad)} non-numeric value(s)", column="value", sample_rows=bad[:5]
        )
    frame = pd.DataFrame(
        rows, columns=["zone_id", "zone_name", "zone_type", "year", "metric", "value", "unit", "series", "source_file"]
    )
    return frame.assign(
        category=TOTAL_CATEGORY,
        flag=None,
        rate_definition=frame["metric"].map(RATE_DEFINITION_BY_METRIC),
        citation_publisher=None,
        citation_title=None,
        citation_url=None,
        citation_published=None,
        citation_note=None,
    )


def _is_total(dimensions: dict) -> bool:
    for key, value in dimensions.items():
        if key == "Reporting Type":
            if value != REPORTING_TYPE:
                return False
        elif value not in TOTAL_DIMENSION_VALUES:
            return False
    return True


def _number(value) -> float | None:
    """None for a missing observation, NaN for a value that is not a number, else the float."""
    if value is None or str(value).strip() in MISSING_VALUES:
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return math.nan


def _zone(m49: str, name: str) -> tuple[str, str]:
    code = m49.strip()
    if code == WORLD_M49:
        return "WLD", "aggregate"
    if code in M49_COUNTRY_EXTRAS:
        return M49_COUNTRY_EXTRAS[code], "country"
    if code.isdigit():
        country = pycountry.countries.get(numeric=code.zfill(3))
        if country is not None:
            return country.alpha_3, "country"
    return zones.aggregate_id(name or f"M49 {code}"), "aggregate"


SOURCE = Source(
    id=SOURCE_ID,
    title="UN SDG Global Database: e-waste generated, collected and recycled (indicators 12.4.2, 12.5.1)",
    publisher="United Nations Statistics Division (SDG Global Database; e-waste data by UNITAR and ITU)",
    license="United Nations terms of use (https://www.un.org/en/about-us/terms-of-use); cite UNSD and the "
    "custodian agencies",
    homepage="https://unstats.un.org/sdgs/dataportal",
    description="Country, regional and world e-waste series of the SDG Global Database, fetched per series "
    "from the SDG API: total and per-capita e-waste generated, collected and recycled, and the "
    "collection and recycling rates (Global E-waste Monitor estimates).",
    files=tuple(
        SourceFile(
            file_name(code),
            f"{API}?seriesCode={code}&pageSize={PAGE_SIZE}",
            "json",
            headers={"Accept": "application/json"},
        )
        for code in SERIES_METRICS
    ),
    parsers={"ewaste_statistics": parse_ewaste_statistics},
)
