"""owid_datacentre_share: the recorded OWID data-centers-share-electricity-demand.csv."""

import pytest

from conftest import real_source
from pipelines.sources import owid_datacentre_share as owid
from pipelines.validation import validate

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def shares():
    frame = owid.parse_datacenter_electricity(real_source(owid.SOURCE_ID))
    return frame.assign(source_id=owid.SOURCE_ID, source_vintage="2026-12-01")


def test_recorded_shares_by_zone(shares):
    rows = shares.set_index(["zone_id", "year"])["share_of_demand_pct_central"]
    # The CSV's rows: World 2020 1.0066096, World 2025 1.5264845, United States 2024 4.1545305.
    assert rows[("WLD", 2020)] == pytest.approx(1.0066096)
    assert rows[("WLD", 2025)] == pytest.approx(1.5264845)
    assert rows[("USA", 2024)] == pytest.approx(4.1545305)
    assert rows[("AGG-WORLD-EXCL-UNITED-STATES-AND-CHINA", 2023)] == pytest.approx(0.7647388)


def test_every_row_is_an_estimate_and_validates(shares):
    assert len(shares) == 40 and set(shares["basis"]) == {"estimate"}
    assert shares["electricity_twh_central"].isna().all()
    assert len(validate("datacenter_electricity", shares, source_id=owid.SOURCE_ID)) == 40
