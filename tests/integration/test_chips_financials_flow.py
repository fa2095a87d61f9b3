"""chip_company_financials through the whole flow (archive -> staging -> published -> checks).

../shared/sources holds no recording of SEC EDGAR, so this builds a small archive in the same
shape from the hand-written companyfacts fixture: NVIDIA's file as written, and the other four
companies' files as copies under their own CIK and name. NVIDIA itself is its own source
(sec_companyfacts_nvidia), recorded in ../shared/sources and tested on the real file.
"""

import json

import dagster as dg
import pytest

from conftest import FIXTURES, query
from pipelines import archive
from pipelines.refresh import run_refresh
from pipelines.sources import sec_edgar

pytestmark = pytest.mark.integration


@pytest.fixture
def sec_archive(tmp_path):
    folder = tmp_path / "archive" / sec_edgar.SOURCE.id
    folder.mkdir(parents=True)
    nvidia = json.loads((FIXTURES / "sec_edgar" / "CIK0001045810.json").read_text())
    entries = []
    for cik, company in sec_edgar.OTHER_COMPANIES.items():
        name = sec_edgar.file_name(cik)
        data = {**nvidia, "cik": int(cik), "entityName": company.upper()}
        (folder / name).write_text(json.dumps(data))
        entries.append(
            {
                "path": name,
                "url": f"{sec_edgar.API}/{name}",
                "sha256": archive.sha256_of(folder / name),
                "bytes": (folder / name).stat().st_size,
                "data_as_of": "2025-03-01",
                "format": "json",
            }
        )
    archive.write_manifest(folder, sec_edgar.SOURCE, entries)
    return tmp_path / "archive"


def test_financials_publish_with_checks(sec_archive, tmp_path):
    warehouse = tmp_path / "warehouse"
    outcome = run_refresh(
        archive_dir=sec_archive,
        warehouse_dir=warehouse,
        instance=dg.DagsterInstance.ephemeral(),
        select=["chip_company_financials__sec_edgar", "chip_company_financials"],
    )
    assert outcome.success, "\n".join(outcome.report_lines())
    assert not outcome.check_warnings
    counts = dict(query(warehouse, "select cik, count(*) from chip_company_financials group by 1"))
    assert counts == {cik: 9 for cik in sec_edgar.OTHER_COMPANIES}
    row = query(
        warehouse,
        """select company, fiscal_year, fiscal_period, value, source_id, source_vintage
                              from chip_company_financials where cik = '0000002488' and metric = 'Revenues'
                              and period_end = '2025-01-26'""",
    )
    assert row == [("ADVANCED MICRO DEVICES", 2025, "FY", 130_497_000_000.0, "sec_edgar", "2025-03-01")]
