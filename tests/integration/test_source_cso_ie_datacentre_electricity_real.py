"""cso_ie_datacentre_electricity: the recorded CSO MEC02 JSON-stat response (GWh per quarter, Ireland)."""

import pytest

from conftest import real_rows
from pipelines.sources import cso_ie_datacentre_electricity as cso
from pipelines.validation import validate

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def quarters():
    return real_rows("cso_ie_datacentre_electricity", "datacenter_electricity")


def test_every_quarter_2015_to_2025_is_read(quarters):
    assert len(quarters) == 44  # 11 years x 4 quarters
    assert (quarters["year"].min(), quarters["year"].max()) == (2015, 2025)
    assert set(quarters["zone_id"]) == {"IRL"} and set(quarters["basis"]) == {"metered"}


def test_recorded_values_in_twh_and_share_of_all_metered(quarters):
    rows = quarters.set_index(["year", "quarter"])
    # MEC02.json: 2015Q1 data centres 291 GWh of 6,565 GWh metered; 2025Q4 1,991 GWh of 8,420 GWh.
    assert rows.loc[(2015, 1), "electricity_twh_central"] == pytest.approx(0.291)
    assert rows.loc[(2015, 1), "share_of_demand_pct_central"] == pytest.approx(100 * 291 / 6565)
    assert rows.loc[(2025, 4), "electricity_twh_central"] == pytest.approx(1.991)
    assert rows.loc[(2025, 4), "share_of_demand_pct_central"] == pytest.approx(100 * 1991 / 8420)


def test_output_validates(quarters):
    assert len(validate("datacenter_electricity", quarters, source_id=cso.SOURCE_ID)) == 44
