"""SEC EDGAR company facts on a hand-written fixture in the companyfacts JSON shape.

tests/fixtures/sec_edgar/CIK0001045810.json holds NVIDIA's reported Revenues and NetIncomeLoss
for a few periods (values as NVIDIA reported them; accession numbers illustrative), repeated as
comparatives the way later filings repeat them, plus a 10-K/A constructed to restate FY2024
revenue, a six-month year-to-date total, an 8-K copy of a quarter, and an instant (Assets) fact.
"""

import json
import shutil

import pytest

from conftest import FIXTURES, fixture_source
from pipelines.errors import SourceFormatError
from pipelines.sources import sec_companyfacts_nvidia, sec_edgar
from pipelines.validation import validate

FILE = "CIK0001045810.json"


@pytest.fixture(scope="module")
def facts():
    return sec_edgar.parse_financials(fixture_source("sec_edgar"))


def _row(facts, metric, start, end):
    rows = facts[(facts["metric"] == metric) & (facts["period_start"] == start) & (facts["period_end"] == end)]
    assert len(rows) == 1
    return rows.iloc[0]


def _parse_edited(tmp_path, edit):
    shutil.copytree(FIXTURES / "sec_edgar", tmp_path, dirs_exist_ok=True)
    path = tmp_path / FILE
    data = json.loads(path.read_text())
    edit(data)
    path.write_text(json.dumps(data))
    return sec_edgar.parse_financials(fixture_source("sec_edgar", folder=tmp_path))


def test_company_and_cik(facts):
    assert set(facts["company"]) == {"NVIDIA CORP"}
    assert set(facts["cik"]) == {"0001045810"}
    assert set(facts["unit"]) == {"USD"}
    assert set(facts["source_file"]) == {FILE}


def test_fiscal_year_revenue(facts):
    fy2024 = _row(facts, "Revenues", "2023-01-30", "2024-01-28")
    assert (fy2024["fiscal_year"], fy2024["fiscal_period"], fy2024["value"]) == (2024, "FY", 60_922_000_000)
    fy2025 = _row(facts, "Revenues", "2024-01-29", "2025-01-26")
    assert (fy2025["fiscal_year"], fy2025["fiscal_period"], fy2025["value"]) == (2025, "FY", 130_497_000_000)
    net = _row(facts, "NetIncomeLoss", "2023-01-30", "2024-01-28")
    assert net["value"] == 29_760_000_000


def test_restated_value_comes_from_the_latest_filing(facts):
    # FY2024 revenue: 60,922M in the 10-K (2024-02-21), 60,900M in the constructed 10-K/A
    # (2024-04-02), 60,922M again as a comparative in the FY2025 10-K (2025-02-26): the last wins.
    fy2024 = _row(facts, "Revenues", "2023-01-30", "2024-01-28")
    assert (fy2024["form"], fy2024["filed_date"], fy2024["accn"]) == ("10-K", "2025-02-26", "0001045810-25-000023")


def test_amendment_restates_when_it_is_the_latest(tmp_path):
    def drop_fy2025_comparative(data):
        values = data["facts"]["us-gaap"]["Revenues"]["units"]["USD"]
        values[:] = [v for v in values if not (v["end"] == "2024-01-28" and v["fy"] == 2025)]

    fy2024 = _row(_parse_edited(tmp_path, drop_fy2025_comparative), "Revenues", "2023-01-30", "2024-01-28")
    assert (fy2024["value"], fy2024["form"], fy2024["filed_date"]) == (60_900_000_000, "10-K/A", "2024-04-02")
    assert fy2024["fiscal_year"] == 2024  # labelled by the original 10-K


def test_fiscal_labels_come_from_the_filing_that_reported_the_period_as_current(facts):
    # Q1 FY2024 is repeated in the Q1 FY2025 10-Q (fy=2025): still labelled FY2024 Q1.
    q1 = _row(facts, "Revenues", "2023-01-30", "2023-04-30")
    assert (q1["fiscal_year"], q1["fiscal_period"], q1["value"]) == (2024, "Q1", 7_192_000_000)
    assert q1["filed_date"] == "2024-05-29"  # value from the later filing
    q2 = _row(facts, "Revenues", "2023-05-01", "2023-07-30")
    assert (q2["fiscal_year"], q2["fiscal_period"], q2["value"]) == (2024, "Q2", 13_507_000_000)
    # FY2023, current in the FY2023 10-K, repeated with fy=2024 in the FY2024 10-K.
    fy2023 = _row(facts, "Revenues", "2022-01-31", "2023-01-29")
    assert (fy2023["fiscal_year"], fy2023["value"]) == (2023, 26_974_000_000)


def test_three_month_fact_in_a_10k_is_the_fourth_quarter(facts):
    q4 = _row(facts, "Revenues", "2023-10-30", "2024-01-28")
    assert (q4["fiscal_year"], q4["fiscal_period"], q4["form"], q4["value"]) == (2024, "Q4", "10-K", 22_103_000_000)


def test_year_to_date_8k_instant_and_comparative_only_periods_are_left_out(facts):
    assert not ((facts["period_start"] == "2023-01-30") & (facts["period_end"] == "2023-07-30")).any()  # 6 months
    assert "8-K" not in set(facts["form"])
    assert "Assets" not in set(facts["metric"])  # instant, not one of METRICS
    assert not (facts["period_end"] == "2022-01-30").any()  # FY2022 appears only as a comparative
    assert len(facts) == 9


def test_output_validates_and_keys_are_unique(facts):
    validate("chip_company_financials", facts.assign(source_id="sec_edgar", source_vintage="2025-03-01"))


def test_sec_user_agent_and_companies_are_declared():
    files = {f.name: f for f in sec_edgar.SOURCE.files}
    assert set(files) == {f"CIK{cik}.json" for cik in ("0000002488", "0000050863", "0001730168", "0000723125")}
    assert files["CIK0000002488.json"].url == "https://data.sec.gov/api/xbrl/companyfacts/CIK0000002488.json"
    assert all(f.headers["User-Agent"] for f in files.values())


def test_nvidia_is_its_own_source_named_as_the_archive_records_it():
    (nvidia,) = sec_companyfacts_nvidia.SOURCE.files
    assert nvidia.name == "CIK0001045810_subset.json"
    assert nvidia.url == "https://data.sec.gov/api/xbrl/companyfacts/CIK0001045810.json"
    assert nvidia.headers["User-Agent"]
    assert nvidia.sha256 is None  # the recorded bytes carry a provenance caveat: nothing to pin


def test_missing_us_gaap_is_a_format_error(tmp_path):
    with pytest.raises(SourceFormatError, match=f"{FILE}.*no us-gaap facts"):
        _parse_edited(tmp_path, lambda data: data["facts"].pop("us-gaap"))


def test_fact_without_a_value_is_a_format_error(tmp_path):
    with pytest.raises(SourceFormatError, match=rf"{FILE}.*fact without \['val'\].*us-gaap.Revenues"):
        _parse_edited(tmp_path, lambda data: data["facts"]["us-gaap"]["Revenues"]["units"]["USD"][0].pop("val"))


def test_html_error_page_is_a_format_error(tmp_path):
    shutil.copytree(FIXTURES / "sec_edgar", tmp_path, dirs_exist_ok=True)
    (tmp_path / FILE).write_text(
        "<!DOCTYPE html><html><body>Your Request Originates from an Undeclared Automated Tool</body></html>"
    )
    with pytest.raises(SourceFormatError, match="HTML page instead of data"):
        sec_edgar.parse_financials(fixture_source("sec_edgar", folder=tmp_path))
