"""oge_hourly_ba: the recorded Open Grid Emissions hourly files of three US balancing authorities (2021)."""

import pandas as pd
import pytest

from conftest import one, real_source
from pipelines.sources import oge_hourly_ba

pytestmark = pytest.mark.integration

LB_PER_MWH_TO_G_PER_KWH = 0.45359237


@pytest.fixture(scope="module")
def hours():
    return oge_hourly_ba.parse_grid_intensity_hourly(real_source(oge_hourly_ba.SOURCE.id))


def test_a_full_year_per_balancing_authority(hours):
    assert hours.groupby("zone_id").size().to_dict() == {"US-CAL-CISO": 8760, "US-MIDA-PJM": 8760, "US-TEX-ERCO": 8760}
    assert set(hours["year"]) == {2021} and set(hours["country_zone_id"]) == {"USA"}


def test_consumed_co2e_rate_converted_from_lb_per_mwh(hours):
    # CISO_2021_hourly_us_units.csv, 2021-01-01 08:00 UTC: consumed_co2e_rate 643.52 lb/MWh.
    ciso = one(hours, zone_id="US-CAL-CISO", hour_start_utc=pd.Timestamp("2021-01-01T08:00Z"))
    assert ciso["direct_gco2e_per_kwh"] == pytest.approx(643.52 * LB_PER_MWH_TO_G_PER_KWH)
    assert ciso["zone_name"] == "California Independent System Operator"
    # ERCO_2021_hourly_us_units.csv, 2021-07-01 20:00 UTC (15:00 local): 984.87 lb/MWh.
    erco = one(hours, zone_id="US-TEX-ERCO", hour_start_utc=pd.Timestamp("2021-07-01T20:00Z"))
    assert erco["direct_gco2e_per_kwh"] == pytest.approx(984.87 * LB_PER_MWH_TO_G_PER_KWH)
    assert hours["lifecycle_gco2e_per_kwh"].isna().all()
