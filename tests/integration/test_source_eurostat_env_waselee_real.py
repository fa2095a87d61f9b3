"""eurostat_env_waselee: the recorded Eurostat env_waselee TSV (WEEE by category and operation)."""

import pytest

from conftest import one, real_source
from pipelines.sources import eurostat_env_waselee

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def weee():
    return eurostat_env_waselee.parse_ewaste_statistics(real_source(eurostat_env_waselee.SOURCE_ID))


def test_tonnes_become_kilotonnes(weee):
    # env_waselee.tsv rows 'TOTAL,COL,T,DE' and 'TOTAL,MKT,T,DE': 2017 836907 t and 2081223 t; 2018 853125 t.
    germany = weee[(weee["zone_id"] == "DEU") & (weee["category"] == "TOTAL")]
    assert one(germany, year=2017, metric="collected")["value"] == pytest.approx(836.907)
    assert one(germany, year=2017, metric="put_on_market")["value"] == pytest.approx(2081.223)
    assert one(germany, year=2018, metric="collected")["value"] == pytest.approx(853.125)
    assert one(germany, year=2017, metric="collected")["unit"] == "kt"


def test_years_and_rates(weee):
    assert (weee["year"].min(), weee["year"].max()) == (2005, 2018)
    assert len(weee) == 101902
    rates = weee[weee["unit"] == "percent"].groupby("metric")["rate_definition"].unique().map(set).to_dict()
    assert rates["recycling_rate"] == {"recycled_over_collected"}
    assert rates["collection_rate"] == {"collected_over_put_on_market_avg_3y"}
