"""SEC EDGAR XBRL company facts of NVIDIA (CIK 0001045810), data.sec.gov companyfacts.

Live mode fetches the full response (every us-gaap concept back to 2009). The recorded archive
(../shared/sources/sec_companyfacts_nvidia) holds a real response cut to five concepts and
filings from the FY2025 10-K on, under the name CIK0001045810_subset.json: that is the file name
declared here, so archive mode resolves it, and a live snapshot is stored under the same name so
the archive of a live refresh rebuilds the same way. The recorded bytes carry a provenance
caveat (rebuilt from a code-search index), so no sha256 is pinned. Parser and restatement rule
(the latest filing of a period wins): _sec_companyfacts.py.
"""

from __future__ import annotations

from pipelines.sources._base import Source
from pipelines.sources._sec_companyfacts import NVIDIA_CIK, companyfacts_file, parse_financials

FILE = f"CIK{NVIDIA_CIK}_subset.json"

SOURCE = Source(
    id="sec_companyfacts_nvidia",
    title="SEC EDGAR XBRL company facts: NVIDIA",
    publisher="U.S. Securities and Exchange Commission, EDGAR XBRL API (data filed by NVIDIA Corporation)",
    license="Public domain (U.S. government work; SEC fair-access policy applies to automated requests)",
    homepage="https://www.sec.gov/search-filings/edgar-application-programming-interfaces",
    description="Financial-statement facts (revenue, cost of revenue, gross profit ...) NVIDIA reported in XBRL "
    "in its 10-K and 10-Q filings.",
    files=(companyfacts_file(NVIDIA_CIK, FILE),),
    parsers={"chip_company_financials": parse_financials},
)
