"""owid_datacentre_share: the recorded OWID data-centers-share-electricity-demand.csv."""

import pytest

from conftest import real_rows
from pipelines.sources import owid_datacentre_share as owid
from pipelines.validation import validate

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def shares():
    return real_rows("owid_datacentre_share", "datacenter_electricity")


def test_recorded_shares_by_zone(shares):
    rows = shares.set_index(["zone_id", "year"])["share_of_demand_pct_central"]
    # The CSV's rows: World 2020 and 2025, United States 2024, World excl. United States and China 2023.
    recorded = {
        ("WLD", 2020): 1.0066096,
        ("WLD", 2025): 1.5264845,
        ("USA", 2024): 4.1545305,
        ("AGG-WORLD-EXCL-UNITED-STATES-AND-CHINA", 2023): 0.7647388,
    }
    assert {key: rows[key] for key in recorded} == pytest.approx(recorded)


def test_every_row_is_an_estimate_and_validates(shares):
    assert len(shares) == 40 and set(shares["basis"]) == {"estimate"}
    assert shares["electricity_twh_central"].isna().all()
    assert len(validate("datacenter_electricity", shares, source_id=owid.SOURCE_ID)) == 40
