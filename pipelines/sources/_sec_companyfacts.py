"""Parser shared by the SEC EDGAR XBRL companyfacts sources (data.sec.gov/api/xbrl/companyfacts).

sec_companyfacts_nvidia (NVIDIA, recorded in the archive) and sec_edgar (AMD, Intel, Broadcom,
Micron: live only) read the same response shape; this module is private (leading underscore),
so source discovery does not take it for a source.

One JSON file per company: {"cik": 1045810, "entityName": "NVIDIA CORP", "facts": {"dei": {...},
"us-gaap": {<concept>: {"label", "description", "units": {"USD": [{"start", "end", "val",
"accn", "fy", "fp", "form", "filed", "frame"?}, ...]}}}}}. Every filing repeats earlier periods
as comparatives, so one period of one concept appears many times:

* fy/fp describe the *filing*, not the fact (a FY2025 10-K tags its FY2024 comparative fy=2025).
  A period is therefore labelled by the filing that reported it as its current period (the fact
  whose end is the latest end date in its filing); periods seen only as comparatives (years
  before a company's first XBRL filing) are left out.
* a period's value comes from the latest filing (greatest filed date, then accession number), so
  restatements replace the original figure.
* only quarters (80-100 days) and fiscal years (350-380 days) are kept; 10-Qs also report six-
  and nine-month year-to-date totals, which sum the quarters. A 3-month fact first reported in a
  10-K (fp=FY) is the fourth quarter.

SEC asks automated clients to declare who they are in the User-Agent (name and contact
e-mail); set AIFOOTPRINT_SEC_USER_AGENT for live refreshes.
"""

from __future__ import annotations

import os

import pandas as pd

from pipelines.errors import SourceFormatError
from pipelines.sources._base import RawSource, SourceFile

API = "https://data.sec.gov/api/xbrl/companyfacts"
# CIKs as EDGAR's filing headers state them ("CENTRAL INDEX KEY").
NVIDIA_CIK = "0001045810"
COMPANIES = {
    NVIDIA_CIK: "NVIDIA",
    "0000002488": "Advanced Micro Devices",
    "0000050863": "Intel",
    "0001730168": "Broadcom",
    "0000723125": "Micron Technology",
}
METRICS = (
    "Revenues",
    "RevenueFromContractWithCustomerExcludingAssessedTax",
    "SalesRevenueNet",
    "CostOfRevenue",
    "CostOfGoodsAndServicesSold",
    "GrossProfit",
    "ResearchAndDevelopmentExpense",
    "OperatingIncomeLoss",
    "NetIncomeLoss",
)
FORMS = {"10-K", "10-K/A", "10-Q", "10-Q/A", "10-KT", "10-KT/A"}
QUARTER_DAYS = range(80, 101)
YEAR_DAYS = range(350, 381)
USER_AGENT = os.environ.get(
    "AIFOOTPRINT_SEC_USER_AGENT", "aifootprint open data pipeline (https://github.com/aifootprint/aifootprint)"
)
_FACT_KEYS = ("start", "end", "val", "accn", "fy", "fp", "form", "filed")


def file_name(cik: str) -> str:
    return f"CIK{cik}.json"


def parse_financials(raw: RawSource) -> pd.DataFrame:
    frames = [_company(raw, name) for name in sorted(raw.files)]
    return pd.concat(frames, ignore_index=True)


def _company(raw: RawSource, name: str) -> pd.DataFrame:
    data = raw.json(name)
    if not isinstance(data, dict) or not {"cik", "entityName", "facts"} <= set(data):
        raise SourceFormatError(raw.source_id, name, "expected an object with cik, entityName and facts")
    us_gaap = data["facts"].get("us-gaap")
    if not isinstance(us_gaap, dict):
        raise SourceFormatError(raw.source_id, name, "no us-gaap facts", column="facts.us-gaap")
    facts = []
    for metric in METRICS:
        for unit, values in (us_gaap.get(metric) or {}).get("units", {}).items():
            for fact in values:
                missing = [key for key in _FACT_KEYS if key not in fact and key != "start"]
                if missing:
                    raise SourceFormatError(
                        raw.source_id, name, f"fact without {missing}", column=f"us-gaap.{metric}", sample_rows=[fact]
                    )
                facts.append({"metric": metric, "unit": unit, **{key: fact.get(key) for key in _FACT_KEYS}})
    if not facts:
        raise SourceFormatError(raw.source_id, name, f"none of the concepts {list(METRICS)}", column="facts.us-gaap")

    frame = pd.DataFrame(facts)
    frame = frame[frame["form"].isin(FORMS) & frame["start"].notna()].copy()
    days = (pd.to_datetime(frame["end"]) - pd.to_datetime(frame["start"])).dt.days
    frame["is_year"] = days.isin(YEAR_DAYS)
    frame = frame[frame["is_year"] | days.isin(QUARTER_DAYS)]
    # A filing's current period ends on the latest end date it reports.
    frame["is_current"] = frame["end"] == frame.groupby("accn")["end"].transform("max")

    key = ["metric", "unit", "start", "end"]
    latest = frame.sort_values(["filed", "accn"]).drop_duplicates(key, keep="last")
    current = frame[frame["is_current"] & frame["fy"].notna()]
    labels = current.sort_values(["filed", "accn"]).drop_duplicates(key, keep="first")[[*key, "fy", "fp"]]
    rows = latest.merge(labels, on=key, suffixes=("_latest", ""))
    return pd.DataFrame(
        {
            "company": data["entityName"],
            "cik": f"{int(data['cik']):010d}",
            "fiscal_year": rows["fy"].astype(int),
            "fiscal_period": [
                _fiscal_period(is_year, fp) for is_year, fp in zip(rows["is_year"], rows["fp"], strict=True)
            ],
            "period_start": rows["start"],
            "period_end": rows["end"],
            "metric": rows["metric"],
            "value": rows["val"].astype(float),
            "unit": rows["unit"],
            "form": rows["form"],
            "filed_date": rows["filed"],
            "accn": rows["accn"],
            "source_file": name,
        }
    )


def _fiscal_period(is_year: bool, fp: str | None) -> str:
    if is_year:
        return "FY"
    return fp if fp in ("Q1", "Q2", "Q3") else "Q4"


def companyfacts_file(cik: str, name: str | None = None) -> SourceFile:
    """The live companyfacts response of one company; `name` is its file name in the raw archive."""
    return SourceFile(
        name or file_name(cik),
        f"{API}/{file_name(cik)}",
        "json",
        headers={"User-Agent": USER_AGENT, "Accept": "application/json"},
    )
