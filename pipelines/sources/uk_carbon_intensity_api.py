"""GB Carbon Intensity API (National Grid ESO / NESO): half-hourly intensity, national and regional.

Two responses for the same 24 hours (2019-08-25T12:30Z forward): the national endpoint gives a
forecast, an estimated actual and an index band per half-hour; the regional endpoint gives a
forecast and band for each of 18 regions (14 distribution-network regions, England, Scotland,
Wales and GB), with no actual. Units are gCO2/kWh. The API covers Great Britain, not Northern
Ireland; like Electricity Maps' `GB`, the national figure stands for the country, `GBR`.

When a request is malformed the API answers `{"error": {"code", "message"}}` instead of
`{"data": [...]}`; such a body is refused with the API's own message.
"""

from __future__ import annotations

import pandas as pd

from pipelines.errors import SourceFormatError
from pipelines.sources._base import Freshness, RawSource, Source, SourceFile

_API = "https://api.carbonintensity.org.uk"
WINDOW = "2019-08-25T12:30Z/fw24h"
NATIONAL = "intensity_2019-08-25T12-30Z_fw24h.json"
REGIONAL = "regional_intensity_2019-08-25T12-30Z_fw24h.json"

NATIONAL_ZONE_ID = "GBR"
NATIONAL_ZONE_NAME = "Great Britain"
# The API's fixed region ids -> (shortname it publishes, our zone id). England, Scotland and
# Wales have ISO 3166-2 codes (GB-ENG ...), which zone ids use; the distribution-network regions
# have none, so they are GBR-<shortname>; region 18 is the regional model's own Great Britain
# total, kept apart from the national endpoint's GBR because the two forecasts differ.
REGIONS = {
    1: ("North Scotland", "GBR-NORTH-SCOTLAND"),
    2: ("South Scotland", "GBR-SOUTH-SCOTLAND"),
    3: ("North West England", "GBR-NORTH-WEST-ENGLAND"),
    4: ("North East England", "GBR-NORTH-EAST-ENGLAND"),
    5: ("Yorkshire", "GBR-YORKSHIRE"),
    6: ("North Wales and Merseyside", "GBR-NORTH-WALES-AND-MERSEYSIDE"),
    7: ("South Wales", "GBR-SOUTH-WALES"),
    8: ("West Midlands", "GBR-WEST-MIDLANDS"),
    9: ("East Midlands", "GBR-EAST-MIDLANDS"),
    10: ("East England", "GBR-EAST-ENGLAND"),
    11: ("South West England", "GBR-SOUTH-WEST-ENGLAND"),
    12: ("South England", "GBR-SOUTH-ENGLAND"),
    13: ("London", "GBR-LONDON"),
    14: ("South East England", "GBR-SOUTH-EAST-ENGLAND"),
    15: ("England", "GBR-ENG"),
    16: ("Scotland", "GBR-SCT"),
    17: ("Wales", "GBR-WLS"),
    18: ("GB", "GBR-GB"),
}
_TIMESTAMP_FORMAT = "%Y-%m-%dT%H:%MZ"


def parse_grid_intensity_halfhourly(raw: RawSource) -> pd.DataFrame:
    return pd.concat([_national(raw), _regional(raw)], ignore_index=True)


def response_data(raw: RawSource, name: str) -> list:
    """The `data` list of a response; an API error body raises with the API's message."""
    body = raw.json(name)
    if isinstance(body, dict) and "error" in body and "data" not in body:
        error = body["error"] if isinstance(body["error"], dict) else {"message": body["error"]}
        raise SourceFormatError(
            raw.source_id,
            name,
            f"the API answered with an error instead of data: "
            f"{error.get('code', 'no code')}: {error.get('message', 'no message')}",
        )
    if not isinstance(body, dict) or not isinstance(body.get("data"), list) or not body["data"]:
        raise SourceFormatError(raw.source_id, name, 'expected {"data": [...]} with at least one period', column="data")
    return body["data"]


def _national(raw: RawSource) -> pd.DataFrame:
    periods = response_data(raw, NATIONAL)
    rows = [{"from": p.get("from"), "to": p.get("to"), **(p.get("intensity") or {})} for p in periods]
    frame = pd.DataFrame(rows)
    raw.require_columns(NATIONAL, frame, ["from", "to", "forecast", "actual", "index"])
    return _rows(raw, NATIONAL, frame, zone_id=NATIONAL_ZONE_ID, zone_name=NATIONAL_ZONE_NAME)


def _regional(raw: RawSource) -> pd.DataFrame:
    rows = []
    for period in response_data(raw, REGIONAL):
        for region in period.get("regions") or []:
            rows.append(
                {
                    "from": period.get("from"),
                    "to": period.get("to"),
                    "regionid": region.get("regionid"),
                    "shortname": region.get("shortname"),
                    **(region.get("intensity") or {}),
                }
            )
    frame = pd.DataFrame(rows)
    if frame.empty:
        raise SourceFormatError(raw.source_id, REGIONAL, "no regions in any period", column="regions")
    raw.require_columns(REGIONAL, frame, ["from", "to", "regionid", "shortname", "forecast", "index"])
    _check_regions(raw, frame)
    if "actual" not in frame:
        frame["actual"] = None  # the regional endpoint publishes forecasts only
    return _rows(
        raw, REGIONAL, frame, zone_id=[REGIONS[int(r)][1] for r in frame["regionid"]], zone_name=frame["shortname"]
    )


def _check_regions(raw: RawSource, frame: pd.DataFrame) -> None:
    ids = pd.to_numeric(frame["regionid"], errors="coerce")
    known = ids.isin(list(REGIONS))
    if not known.all():
        raise SourceFormatError(
            raw.source_id,
            REGIONAL,
            "unknown region id(s)",
            column="regionid",
            sample_rows=frame[~known].head(5).to_dict("records"),
        )
    # Ids are stable in the API; a different name under an id would mean they were renumbered.
    expected_names = ids.map(lambda i: REGIONS[int(i)][0])
    renamed = expected_names != frame["shortname"]
    if renamed.any():
        raise SourceFormatError(
            raw.source_id,
            REGIONAL,
            "region id(s) now carry a different name",
            column="shortname",
            sample_rows=frame[renamed].head(5).to_dict("records"),
        )


def _rows(raw: RawSource, name: str, frame: pd.DataFrame, *, zone_id, zone_name) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "zone_id": zone_id,
            "zone_name": zone_name,
            "period_start_utc": _timestamps(raw, name, frame, "from"),
            "period_end_utc": _timestamps(raw, name, frame, "to"),
            "forecast_gco2_per_kwh": raw.to_number(name, frame, "forecast"),
            "actual_gco2_per_kwh": raw.to_number(name, frame, "actual").astype("float64"),
            "intensity_index": frame["index"],
            "source_file": name,
        }
    ).reset_index(drop=True)


def _timestamps(raw: RawSource, name: str, frame: pd.DataFrame, column: str) -> pd.Series:
    parsed = pd.to_datetime(frame[column], format=_TIMESTAMP_FORMAT, utc=True, errors="coerce")
    bad = parsed.isna()
    if bad.any():
        raise SourceFormatError(
            raw.source_id,
            name,
            "timestamp not in the API's format YYYY-MM-DDThh:mmZ",
            column=column,
            sample_rows=frame[bad].head(5).to_dict("records"),
        )
    return parsed


SOURCE = Source(
    id="uk_carbon_intensity_api",
    title="GB Carbon Intensity API: national and regional half-hourly carbon intensity",
    publisher="National Grid ESO / NESO Carbon Intensity API",
    license="CC-BY-4.0 (Carbon Intensity API data)",
    homepage="https://carbonintensity.org.uk/",
    description="Half-hourly carbon intensity of electricity in Great Britain (gCO2/kWh): national forecast, "
    "estimated actual and index; regional forecast and index for 18 regions.",
    # Live mode asks the API itself. Archive mode resolves each file by source id + file name,
    # so the recorded responses (pinned copies in devsjc/carbon-intensity-importer, listed with
    # their exact URLs in the archive's SOURCE.toml) stand in for these URLs.
    files=(
        SourceFile(NATIONAL, f"{_API}/intensity/{WINDOW}", "json", headers={"Accept": "application/json"}),
        SourceFile(REGIONAL, f"{_API}/regional/intensity/{WINDOW}", "json", headers={"Accept": "application/json"}),
    ),
    parsers={"grid_intensity_halfhourly": parse_grid_intensity_halfhourly},
    freshness=Freshness(None, "a fixed recorded 24-hour window, 2019-08-25/26"),
)
