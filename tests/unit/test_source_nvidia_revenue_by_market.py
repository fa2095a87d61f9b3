"""nvidia_revenue_by_market on small fixtures in the extraction's real shapes.

Quirks kept from the recorded files: market figures of $1 billion and more rounded ("$62.3
billion" = 62300, "$1.14 billion" = 1140) next to exact smaller ones; EPS and share counts in
financials.json that are not USD millions (ignored); the FY2026 Q4 release missing from
quarterly-links.json (curated from its accession).
"""

import json
import shutil

import pytest

from conftest import FIXTURES, fixture_source
from pipelines.errors import SourceFormatError
from pipelines.sources import nvidia_revenue_by_market as source
from pipelines.validation import validate

SOURCE_ID = "nvidia_revenue_by_market"


@pytest.fixture(scope="module")
def revenue():
    frame = source.parse_revenue(fixture_source(SOURCE_ID))
    return frame.set_index(["fiscal_year", "fiscal_quarter", "market"])


def _edited(tmp_path, name, edit):
    shutil.copytree(FIXTURES / SOURCE_ID, tmp_path, dirs_exist_ok=True)
    data = json.loads((tmp_path / name).read_text())
    edit(data)
    (tmp_path / name).write_text(json.dumps(data))
    return fixture_source(SOURCE_ID, folder=tmp_path)


def test_data_center_revenue_with_its_precision(revenue):
    q4 = revenue.loc[(2026, "Q4", "data_center")]
    assert (q4["revenue_usd"], q4["is_rounded"], q4["revenue_precision_usd"]) == (62.3e9, True, 1e8)
    q1 = revenue.loc[(2021, "Q1", "data_center")]
    assert (q1["revenue_usd"], q1["revenue_precision_usd"]) == (1.14e9, 1e7)
    automotive = revenue.loc[(2026, "Q3", "automotive")]
    assert (automotive["revenue_usd"], automotive["is_rounded"]) == (592e6, False)
    total = revenue.loc[(2026, "Q4", "total")]
    assert (total["revenue_usd"], total["breakdown"], total["is_rounded"]) == (68_127e6, "total", False)
    assert revenue.loc[(2026, "Q4", "compute_and_networking"), "revenue_usd"] == 61_651e6


def test_periods_follow_nvidias_fiscal_calendar(revenue):
    assert tuple(revenue.loc[(2026, "Q3", "total"), ["period_start", "period_end"]]) == ("2025-07-28", "2025-10-26")
    assert tuple(revenue.loc[(2026, "Q4", "total"), ["period_start", "period_end"]]) == ("2025-10-27", "2026-01-25")
    # FY2021 had 53 weeks (it ended on Sunday 31 January 2021); the extra week is in Q4.
    assert source.fiscal_quarter_dates(2021, 4) == ("2020-10-26", "2021-01-31")
    assert source.fiscal_quarter_dates(2021, 1) == ("2020-01-27", "2020-04-26")


def test_each_row_cites_the_8k_and_the_extraction_only_as_via(revenue):
    q3 = revenue.loc[(2026, "Q3", "data_center")]
    assert q3["citation_url"] == "https://www.sec.gov/Archives/edgar/data/1045810/000104581025000228/q3fy26pr.htm"
    assert (q3["citation_accession"], q3["citation_published"]) == ("0001045810-25-000228", "2025-11-19")
    assert q3["via_url"].startswith("https://raw.githubusercontent.com/akiraak/ai-financial-analyst/")
    # The one quarter the links file lacks: curated from its accession, no release date recorded.
    q4 = revenue.loc[(2026, "Q4", "data_center")]
    assert q4["citation_url"] == "https://www.sec.gov/Archives/edgar/data/1045810/000104581026000019/q4fy26pr.htm"
    assert q4["citation_published"] is None


def test_rows_validate(revenue):
    validate("chip_revenue_by_market", revenue.reset_index().assign(source_id=SOURCE_ID, source_vintage="2026-02-26"))


def test_unknown_market_is_a_format_error(tmp_path):
    raw = _edited(tmp_path, "segments.json", lambda d: d["FY2026"]["Q3"].update({"oemOther": 100}))
    with pytest.raises(SourceFormatError, match="segments.json.*unknown market 'oemOther'"):
        source.parse_revenue(raw)


def test_a_value_that_is_not_a_number_is_a_format_error(tmp_path):
    raw = _edited(tmp_path, "financials.json", lambda d: d["FY2026"]["Q3"].update({"revenue": "57,006"}))
    with pytest.raises(SourceFormatError, match="financials.json.*FY2026 Q3 revenue.*'57,006'"):
        source.parse_revenue(raw)


def test_a_quarter_without_a_link_is_a_format_error(tmp_path):
    raw = _edited(tmp_path, "quarterly-links.json", lambda d: d.pop(0))
    with pytest.raises(SourceFormatError, match="no filing link for FY2021 Q1"):
        source.parse_revenue(raw)


def test_truncated_json_is_a_format_error(tmp_path):
    shutil.copytree(FIXTURES / SOURCE_ID, tmp_path, dirs_exist_ok=True)
    (tmp_path / "segments.json").write_text('{"FY2021": {"Q1": {"dataCenter": 11')
    with pytest.raises(SourceFormatError, match="segments.json.*invalid JSON"):
        source.parse_revenue(fixture_source(SOURCE_ID, folder=tmp_path))
