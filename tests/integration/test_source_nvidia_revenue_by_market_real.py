"""nvidia_revenue_by_market on the recorded extraction (../shared/sources)."""

import pytest

from conftest import real_source
from pipelines.sources import nvidia_revenue_by_market, sec_companyfacts_nvidia
from pipelines.validation import validate

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def revenue():
    return nvidia_revenue_by_market.parse_revenue(real_source("nvidia_revenue_by_market"))


def test_data_center_revenue_for_all_24_quarters(revenue):
    data_center = revenue[revenue["market"] == "data_center"].set_index(["fiscal_year", "fiscal_quarter"])
    assert len(data_center) == 24 and sorted(set(data_center.index.get_level_values(0))) == list(range(2021, 2027))
    assert data_center.loc[(2021, "Q1"), "revenue_usd"] == 1_140e6
    # "$22.6 billion" in the FY2025 Q1 release (22,563 M in the 10-Q): rounded, and flagged so.
    assert tuple(data_center.loc[(2025, "Q1"), ["revenue_usd", "is_rounded"]]) == (22_600e6, True)
    assert data_center.loc[(2026, "Q4"), "revenue_usd"] == 62_300e6


def test_totals_add_up_to_the_10k_figures(revenue):
    total = revenue[revenue["market"] == "total"].groupby("fiscal_year")["revenue_usd"].sum()
    assert total[2025] == 130_497e6 and total[2026] == 215_938e6


def test_quarter_dates_match_sec_companyfacts(revenue):
    sec = sec_companyfacts_nvidia.SOURCE.parsers["chip_company_financials"](real_source("sec_companyfacts_nvidia"))
    sec_quarters = {
        (r.fiscal_year, r.fiscal_period): (r.period_start, r.period_end)
        for r in sec[sec["metric"] == "Revenues"].itertuples()
        if r.fiscal_period != "FY"
    }
    ours = {
        (r.fiscal_year, r.fiscal_quarter): (r.period_start, r.period_end)
        for r in revenue[revenue["market"] == "total"].itertuples()
    }
    shared = set(sec_quarters) & set(ours)
    assert shared == {(2026, "Q1"), (2026, "Q2"), (2026, "Q3")}
    assert all(sec_quarters[key] == ours[key] for key in shared)


def test_every_quarter_is_cited_to_its_8k(revenue):
    links = revenue.drop_duplicates(["fiscal_year", "fiscal_quarter"])
    assert links["citation_url"].str.startswith("https://www.sec.gov/Archives/edgar/data/1045810/").all()
    assert links["citation_published"].isna().sum() == 1  # FY2026 Q4, curated from its accession
    validate(
        "chip_revenue_by_market", revenue.assign(source_id="nvidia_revenue_by_market", source_vintage="2026-02-26")
    )
