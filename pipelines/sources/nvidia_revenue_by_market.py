"""NVIDIA revenue by market platform and reportable segment per fiscal quarter, FY2021-FY2026.

The figures are NVIDIA's, from its quarterly results press releases (Form 8-K, Exhibit 99.1)
and 10-Q/10-K segment tables; akiraak/ai-financial-analyst extracted them into JSON
(pinned to one commit, so live mode fetches the same bytes the archive holds). Each row cites
the 8-K exhibit on SEC EDGAR (`citation_url`) and the extraction only as `via_url`.

Files (USD millions):
* segments.json: {FY: {Q: {dataCenter, gaming, professionalVisualization, automotive}}}, read
  from the releases' narrative ("revenue was $X.X billion"), so a value of $1 billion or more is
  rounded to $0.1 billion (or $0.01 billion where the release wrote "$1.14 billion"), which
  `revenue_precision_usd` and `is_rounded` state; smaller values are exact ($1 million).
  OEM & Other is not given, so the markets do not sum to the total.
* segment-profit.json: {FY: {Q: {computeAndNetworking|graphics: {revenue, operatingIncome}}}},
  exact figures of the two reportable segments.
* financials.json: {FY: {Q: {revenue, ...}}}, the income statement, exact; `revenue` becomes
  the row market = total.
* quarterly-links.json: [{fy, q, adsh, file, date, url}], the 8-K exhibit of each quarter. The
  FY2026 Q4 release is missing from it; its accession and file name (named in the extraction
  repository's scripts/download-filings.js) are curated below. Its release date is not in any
  recorded file, so that row's citation_published is left empty.

NVIDIA's fiscal year ends on the last Sunday of January (52 or 53 weeks); quarters are 13 weeks
and a 53-week year's extra week falls in Q4. `fiscal_quarter_dates` derives each quarter's first
and last day from that rule; the SEC companyfacts periods confirm it (FY2026 Q1 = 2025-01-27 ..
2025-04-27).
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from pipelines.errors import SourceFormatError
from pipelines.sources._base import RawSource, Source, SourceFile

COMMIT = "a47d373a21546421acb40a16f655a75fc51448b2"
RAW_BASE = f"https://raw.githubusercontent.com/akiraak/ai-financial-analyst/{COMMIT}/companies/nvidia/data"
VINTAGE = "2026-02-26"
SEGMENTS = "segments.json"
SEGMENT_PROFIT = "segment-profit.json"
FINANCIALS = "financials.json"
LINKS = "quarterly-links.json"
COMPANY = "NVIDIA"
CIK = "0001045810"
EDGAR = f"https://www.sec.gov/Archives/edgar/data/{int(CIK)}"
MILLION = 1_000_000.0
ROUNDED_AT_MUSD = 1000.0

MARKETS = {
    "dataCenter": "data_center",
    "gaming": "gaming",
    "professionalVisualization": "professional_visualization",
    "automotive": "automotive",
}
SEGMENT_NAMES = {"computeAndNetworking": "compute_and_networking", "graphics": "graphics"}
# The one quarter quarterly-links.json lacks (see the module docstring).
CURATED_LINKS = {
    ("FY2026", "Q4"): {"adsh": "0001045810-26-000019", "file": "q4fy26pr.htm", "date": None},
}


def fiscal_year_end(fiscal_year: int) -> dt.date:
    """Last Sunday of January of the calendar year the fiscal year is named after."""
    last = dt.date(fiscal_year, 1, 31)
    return last - dt.timedelta(days=(last.weekday() - 6) % 7)


def fiscal_quarter_dates(fiscal_year: int, quarter: int) -> tuple[str, str]:
    start = fiscal_year_end(fiscal_year - 1) + dt.timedelta(days=1)
    first = start + dt.timedelta(weeks=13 * (quarter - 1))
    last = fiscal_year_end(fiscal_year) if quarter == 4 else start + dt.timedelta(weeks=13 * quarter, days=-1)
    return first.isoformat(), last.isoformat()


def narrative_precision_usd(value_musd: float) -> float:
    """How precisely a press-release narrative figure is known: "$22.6 billion" is 22,600 to the
    nearest $100 million, "$1.14 billion" to $10 million; figures under $1 billion are exact."""
    if value_musd >= ROUNDED_AT_MUSD and value_musd % 100 == 0:
        return 100 * MILLION
    if value_musd >= ROUNDED_AT_MUSD and value_musd % 10 == 0:
        return 10 * MILLION
    return MILLION


def _period(raw: RawSource, name: str, fy: str, q: str) -> tuple[int, int]:
    if not (isinstance(fy, str) and fy.startswith("FY") and fy[2:].isdigit() and q in ("Q1", "Q2", "Q3", "Q4")):
        raise SourceFormatError(raw.source_id, name, f"unexpected period key {fy!r}/{q!r} (expected FYyyyy/Qn)")
    return int(fy[2:]), int(q[1])


def _quarters(raw: RawSource, name: str) -> dict:
    data = raw.json(name)
    if not isinstance(data, dict) or not data or not all(isinstance(v, dict) for v in data.values()):
        raise SourceFormatError(raw.source_id, name, "expected {FYyyyy: {Qn: {...}}}")
    return data


def _value(raw: RawSource, name: str, where: str, value) -> float:
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, float))
        or value != value
        or value in (float("inf"), float("-inf"))
    ):
        raise SourceFormatError(raw.source_id, name, f"{where}: expected a number of USD millions, got {value!r}")
    return float(value)


def _links(raw: RawSource) -> dict[tuple[str, str], dict]:
    data = raw.json(LINKS)
    if not isinstance(data, list):
        raise SourceFormatError(raw.source_id, LINKS, "expected a list of {fy, q, adsh, file, date, url}")
    links = dict(CURATED_LINKS)
    for entry in data:
        if not isinstance(entry, dict) or not {"fy", "q", "adsh", "file", "url"} <= set(entry):
            raise SourceFormatError(
                raw.source_id, LINKS, "entry without fy, q, adsh, file and url", sample_rows=[entry]
            )
        links[(entry["fy"], entry["q"])] = entry
    return links


def parse_revenue(raw: RawSource) -> pd.DataFrame:
    links = _links(raw)
    rows = []

    def add(name, fy, q, breakdown, market, value_musd, from_narrative, locator):
        year, quarter = _period(raw, name, fy, q)
        start, end = fiscal_quarter_dates(year, quarter)
        link = links.get((fy, q))
        if link is None:
            raise SourceFormatError(raw.source_id, LINKS, f"no filing link for {fy} {q}")
        accession = link["adsh"]
        precision = narrative_precision_usd(value_musd) if from_narrative else MILLION
        rows.append(
            {
                "company": COMPANY,
                "cik": CIK,
                "fiscal_year": year,
                "fiscal_quarter": q,
                "period_start": start,
                "period_end": end,
                "breakdown": breakdown,
                "market": market,
                "revenue_usd": value_musd * MILLION,
                "is_rounded": precision > MILLION,
                "revenue_precision_usd": precision,
                "citation_publisher": "NVIDIA Corporation (Form 8-K filed with the U.S. SEC)",
                "citation_title": f"NVIDIA financial results for the {q} of fiscal {year} "
                "(press release, Exhibit 99.1)",
                "citation_url": link.get("url") or f"{EDGAR}/{accession.replace('-', '')}/{link['file']}",
                "citation_accession": accession,
                "citation_published": link.get("date"),
                "citation_locator": locator,
                "via_url": f"{RAW_BASE}/{name}",
                "source_file": name,
            }
        )

    for fy, quarters in _quarters(raw, SEGMENTS).items():
        for q, markets in quarters.items():
            for key, value in markets.items():
                if key not in MARKETS:
                    raise SourceFormatError(
                        raw.source_id, SEGMENTS, f"unknown market {key!r} in {fy} {q}; known: {sorted(MARKETS)}"
                    )
                value = _value(raw, SEGMENTS, f"{fy} {q} {key}", value)
                add(
                    SEGMENTS,
                    fy,
                    q,
                    "market_platform",
                    MARKETS[key],
                    value,
                    True,
                    "narrative: market platform revenue ('revenue was $X.X billion')",
                )
    for fy, quarters in _quarters(raw, SEGMENT_PROFIT).items():
        for q, segments in quarters.items():
            for key, figures in segments.items():
                if key not in SEGMENT_NAMES or not isinstance(figures, dict) or "revenue" not in figures:
                    raise SourceFormatError(raw.source_id, SEGMENT_PROFIT, f"unexpected segment {key!r} in {fy} {q}")
                add(
                    SEGMENT_PROFIT,
                    fy,
                    q,
                    "reportable_segment",
                    SEGMENT_NAMES[key],
                    _value(raw, SEGMENT_PROFIT, f"{fy} {q} {key}.revenue", figures["revenue"]),
                    False,
                    "segment information table: revenue by reportable segment",
                )
    for fy, quarters in _quarters(raw, FINANCIALS).items():
        for q, lines in quarters.items():
            if not isinstance(lines, dict) or "revenue" not in lines:
                raise SourceFormatError(raw.source_id, FINANCIALS, f"{fy} {q} has no revenue", column="revenue")
            add(
                FINANCIALS,
                fy,
                q,
                "total",
                "total",
                _value(raw, FINANCIALS, f"{fy} {q} revenue", lines["revenue"]),
                False,
                "condensed consolidated statements of income: revenue (three months ended)",
            )
    frame = pd.DataFrame(rows)
    frame["citation_published"] = frame["citation_published"].astype("object")
    return frame


SOURCE = Source(
    id="nvidia_revenue_by_market",
    title="NVIDIA quarterly revenue by market platform and reportable segment, FY2021-FY2026",
    publisher="NVIDIA Corporation (8-K earnings releases on SEC EDGAR), extracted by akiraak/ai-financial-analyst",
    license="Figures: NVIDIA's public SEC filings; extraction: MIT (akiraak/ai-financial-analyst)",
    # The figures are facts from filings NVIDIA made public on EDGAR, and the extraction that
    # arranges them is MIT-licensed: both may be republished with attribution.
    redistributable=True,
    homepage="https://github.com/akiraak/ai-financial-analyst",
    description="Revenue of NVIDIA's Data Center, Gaming, Professional Visualization and Automotive market "
    "platforms, of its Compute & Networking and Graphics segments, and in total, per fiscal quarter, "
    "each linked to the 8-K filing it was reported in.",
    files=(
        SourceFile(
            SEGMENTS,
            f"{RAW_BASE}/{SEGMENTS}",
            "json",
            VINTAGE,
            sha256="60d582846932fd3b3ddd5936a2372b92db72f6293af15f7da6f4dfc9a7f8ab88",
        ),
        SourceFile(
            SEGMENT_PROFIT,
            f"{RAW_BASE}/{SEGMENT_PROFIT}",
            "json",
            VINTAGE,
            sha256="4ef452a864828f5d62a04f0a9a3bbee4317cce27e38d3f29cc69d8f569a9af2b",
        ),
        SourceFile(
            FINANCIALS,
            f"{RAW_BASE}/{FINANCIALS}",
            "json",
            VINTAGE,
            sha256="db026b415b39eb1097b31296654898b2a459a43c16d2e1b6faaad73a8eb444bd",
        ),
        SourceFile(
            LINKS,
            f"{RAW_BASE}/{LINKS}",
            "json",
            VINTAGE,
            sha256="284b891c76d01a71ebd15d4af859c368f5fd30575fe251b287496128e684d1ab",
        ),
    ),
    parsers={"chip_revenue_by_market": parse_revenue},
)
