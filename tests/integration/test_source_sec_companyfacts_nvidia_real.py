"""sec_companyfacts_nvidia on the recorded real response (../shared/sources)."""

import pytest

from conftest import real_source
from pipelines.sources import sec_companyfacts_nvidia

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def revenue():
    frame = sec_companyfacts_nvidia.SOURCE.parsers["chip_company_financials"](real_source("sec_companyfacts_nvidia"))
    rows = frame[frame["metric"] == "Revenues"]
    return {(r.fiscal_year, r.fiscal_period): r for r in rows.itertuples()}


def test_nvidia_fy2026_total_revenue(revenue):
    fy2026 = revenue[(2026, "FY")]
    assert fy2026.value == 215_938_000_000
    assert (fy2026.period_start, fy2026.period_end, fy2026.form) == ("2025-01-27", "2026-01-25", "10-K")
    assert revenue[(2025, "FY")].value == 130_497_000_000


def test_nvidia_quarters(revenue):
    assert {q: revenue[(2026, q)].value for q in ("Q1", "Q2", "Q3")} == {
        "Q1": 44_062_000_000,
        "Q2": 46_743_000_000,
        "Q3": 57_006_000_000,
    }
    assert revenue[(2027, "Q2")].value == 96_221_000_000
