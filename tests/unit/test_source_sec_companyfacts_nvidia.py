"""sec_companyfacts_nvidia on a small fixture in the recorded subset's shape.

tests/fixtures/sec_companyfacts_nvidia/CIK0001045810_subset.json is written like the recorded
file: unindented one-token-per-line JSON, us-gaap only (no dei, no descriptions). It holds the
FY2025 total twice (its own 10-K and the next 10-K's comparative), FY2026 Q1 restated by a later
10-Q (value invented for the test), a six-month year-to-date figure and an instant concept.
"""

import pytest

from conftest import fixture_source
from pipelines.sources import sec_companyfacts_nvidia
from pipelines.validation import validate


@pytest.fixture(scope="module")
def facts():
    frame = sec_companyfacts_nvidia.SOURCE.parsers["chip_company_financials"](fixture_source("sec_companyfacts_nvidia"))
    return frame.set_index(["metric", "period_start", "period_end"])


def test_full_years_and_quarters_with_their_fiscal_labels(facts):
    fy2026 = facts.loc[("Revenues", "2025-01-27", "2026-01-25")]
    assert (fy2026["value"], fy2026["fiscal_year"], fy2026["fiscal_period"]) == (215_938_000_000, 2026, "FY")
    fy2025 = facts.loc[("Revenues", "2024-01-29", "2025-01-26")]
    # Kept once, from the latest filing, labelled by the filing that reported it as current.
    assert (fy2025["value"], fy2025["fiscal_year"], fy2025["accn"]) == (130_497_000_000, 2025, "0001045810-26-000021")


def test_a_restated_quarter_takes_the_latest_filing(facts):
    q1 = facts.loc[("Revenues", "2025-01-27", "2025-04-27")]
    assert (q1["value"], q1["filed_date"], q1["fiscal_year"], q1["fiscal_period"]) == (
        44_100_000_000,
        "2026-05-20",
        2026,
        "Q1",
    )


def test_year_to_date_and_instant_facts_are_left_out(facts):
    assert ("Revenues", "2025-01-27", "2025-07-27") not in facts.index
    assert "RevenueRemainingPerformanceObligation" not in facts.index.get_level_values("metric")
    assert len(facts) == 5


def test_rows_validate(facts):
    validate(
        "chip_company_financials",
        facts.reset_index().assign(source_id="sec_companyfacts_nvidia", source_vintage="2026-08-26"),
    )
