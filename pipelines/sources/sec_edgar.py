"""SEC EDGAR XBRL company facts of the other chip makers: AMD, Intel, Broadcom, Micron (live only).

NVIDIA's companyfacts are their own source, `sec_companyfacts_nvidia`, because that is the one
company the recorded archive holds. An archive refresh reports this source as not in the
archive; a live refresh fetches each company's full response (parser: _sec_companyfacts.py).
"""

from __future__ import annotations

from pipelines.sources._base import Source
from pipelines.sources._sec_companyfacts import (
    API,
    COMPANIES,
    NVIDIA_CIK,
    companyfacts_file,
    file_name,
    parse_financials,
)

OTHER_COMPANIES = {cik: name for cik, name in COMPANIES.items() if cik != NVIDIA_CIK}

SOURCE = Source(
    id="sec_edgar",
    title="SEC EDGAR XBRL company facts: AMD, Intel, Broadcom and Micron",
    publisher="U.S. Securities and Exchange Commission (EDGAR)",
    license="Public domain (U.S. government work; SEC fair-access policy applies to automated requests)",
    homepage="https://www.sec.gov/search-filings/edgar-application-programming-interfaces",
    description="Financial-statement facts (revenue, cost of revenue, R&D, operating and net income) that AMD, "
    "Intel, Broadcom and Micron reported in XBRL in their 10-K and 10-Q filings.",
    files=tuple(companyfacts_file(cik) for cik in OTHER_COMPANIES),
    parsers={"chip_company_financials": parse_financials},
)

__all__ = ["API", "OTHER_COMPANIES", "SOURCE", "file_name"]
