"""emaps_hourly: the recorded Electricity Maps hourly files (twelve zones, a year each)."""

import pandas as pd
import pytest

from conftest import one, real_source
from pipelines.sources import emaps_hourly

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def hours():
    return emaps_hourly.parse_grid_intensity_hourly(real_source(emaps_hourly.SOURCE.id))


def test_twelve_zones_of_8760_hours(hours):
    sizes = hours.groupby("zone_id").size()
    assert len(sizes) == 12 and set(sizes) == {8760}
    assert {"DEU", "FRA", "POL", "US-CAL-CISO", "JP-TK"} <= set(sizes.index)
    assert set(hours.loc[hours["zone_id"] == "POL", "year"]) == {2022}


def test_recorded_hours(hours):
    # DE_2023_hourly.csv, 2023-01-01 00:00: 140.51 direct, 185.8 LCA, 83.79 % low-carbon, 78.42 % renewable.
    germany = one(hours, zone_id="DEU", hour_start_utc=pd.Timestamp("2023-01-01T00:00Z"))
    assert (
        germany["direct_gco2e_per_kwh"],
        germany["lifecycle_gco2e_per_kwh"],
        germany["low_carbon_pct"],
        germany["renewable_pct"],
    ) == (140.51, 185.8, 83.79, 78.42)
    assert (germany["zone_name"], germany["source_file"]) == ("Germany", "DE_2023_hourly.csv")
    # FR_2023_hourly.csv, 2023-07-01 12:00: 6.35 direct, 21.18 LCA.
    france = one(hours, zone_id="FRA", hour_start_utc=pd.Timestamp("2023-07-01T12:00Z"))
    assert (france["direct_gco2e_per_kwh"], france["lifecycle_gco2e_per_kwh"]) == (6.35, 21.18)
