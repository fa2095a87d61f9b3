"""ember_monthly: monthly grid intensity and yearly demand on the recorded Ember files."""

import pytest

from conftest import real_source
from pipelines.sources import ember_monthly

pytestmark = pytest.mark.integration


def test_ember_monthly_and_yearly_values():
    raw = real_source("ember_monthly")
    monthly = ember_monthly.parse_grid_intensity_monthly(raw).set_index(["zone_id", "year", "month"])
    assert monthly.loc[("DEU", 2025, 4), "gco2e_per_kwh"] == 361.174
    assert monthly.loc[("WLD", 2025, 4), "gco2e_per_kwh"] == 458.697
    assert monthly.loc[("USA-VA", 2025, 1), "gco2e_per_kwh"] == 343.27
    yearly = ember_monthly.parse_electricity_demand_yearly(raw).set_index(["zone_id", "year"])
    assert yearly.loc[("WLD", 2024), "demand_twh"] == 30847.2
