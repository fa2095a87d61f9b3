"""owid_ewaste: the recorded OWID electronic-waste-recycling-rate.csv (UN SDG 12.5.1)."""

import pytest

from conftest import one, real_rows
from pipelines.sources import owid_ewaste
from pipelines.validation import validate

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def rates():
    return real_rows("owid_ewaste", "ewaste_statistics")


def test_recorded_rates(rates):
    # The CSV's rows: Norway,NOR,2017,86.2 and Africa (UN),,2010,0.11.
    assert one(rates, zone_id="NOR", year=2017)["value"] == pytest.approx(86.2)
    assert one(rates, zone_id="NOR", year=2018)["value"] == pytest.approx(81.4)
    africa = one(rates, zone_id="AGG-AFRICA-UN", year=2010)
    assert (africa["value"], africa["zone_name"], africa["zone_type"]) == (0.11, "Africa (UN)", "aggregate")


def test_european_rates_are_over_collected_the_rest_over_generated(rates):
    assert len(rates) == 621
    assert set(rates["metric"]) == {"recycling_rate"} and set(rates["unit"]) == {"percent"}
    assert rates.groupby("rate_definition").size().to_dict() == {
        "recycled_over_collected": 372,
        "recycled_over_generated": 249,
    }
    assert one(rates, zone_id="NOR", year=2017)["rate_definition"] == "recycled_over_collected"
    assert one(rates, zone_id="AGG-AFRICA-UN", year=2010)["rate_definition"] == "recycled_over_generated"
    assert len(validate("ewaste_statistics", rates, source_id=owid_ewaste.SOURCE_ID)) == 621
