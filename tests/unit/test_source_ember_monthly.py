"""Ember API tables: monthly intensity by country, aggregate and US state; yearly demand."""

import pytest

from conftest import fixture_source
from pipelines.assets.factory import with_provenance
from pipelines.errors import SourceFormatError
from pipelines.sources import ember_monthly
from pipelines.validation import validate


def _raw(folder=None):
    return fixture_source("ember_monthly", folder=folder)


def test_monthly_countries_aggregates_and_states():
    raw = _raw()
    frame = validate(
        "grid_intensity_monthly",
        with_provenance(ember_monthly.parse_grid_intensity_monthly(raw), raw),
        source_id="ember_monthly",
    ).set_index(["zone_id", "year", "month"])
    assert frame.loc[("DEU", 2025, 4), "gco2e_per_kwh"] == 361.174
    assert frame.loc[("WLD", 2025, 4), "zone_type"] == "aggregate"
    assert frame.loc[("EU27", 2025, 4), "gco2e_per_kwh"] == 220.0
    virginia = frame.loc[("USA-VA", 2025, 1)]
    assert (virginia.gco2e_per_kwh, virginia.demand_twh, virginia.zone_type) == (
        343.27,
        pytest.approx(9.92947),
        "subregion",
    )
    # A negative demand is no measurement; 'US Total' repeats the country file's USA and is left out.
    assert frame.loc[("USA-DC", 2007, 1), "demand_twh"] != frame.loc[("USA-DC", 2007, 1), "demand_twh"]
    assert "USA" not in frame.index.get_level_values("zone_id")


def test_yearly_demand():
    raw = _raw()
    frame = validate(
        "electricity_demand_yearly", with_provenance(ember_monthly.parse_electricity_demand_yearly(raw), raw)
    ).set_index("zone_id")
    assert frame.loc["IRL", "demand_twh"] == 33.9 and frame.loc["WLD", "demand_twh"] == 30847.2
    assert "TUV" not in frame.index  # listed without demand


def test_a_date_not_on_the_first_is_refused(tmp_path):
    for name in (ember_monthly.COUNTRY_YEARLY, ember_monthly.USA_MONTHLY):
        (tmp_path / name).write_bytes((_raw().file(name).path).read_bytes())
    (tmp_path / ember_monthly.COUNTRY_MONTHLY).write_text(
        "country_or_region,country_code,date,demand_twh,emissions_intensity_gco2_per_kwh\nGermany,DEU,2025-04-15,1,2\n"
    )
    with pytest.raises(SourceFormatError, match="api_country_overview_monthly.csv.*first day"):
        ember_monthly.parse_grid_intensity_monthly(_raw(tmp_path))


def test_an_unknown_state_is_refused(tmp_path):
    for name in (ember_monthly.COUNTRY_YEARLY, ember_monthly.COUNTRY_MONTHLY):
        (tmp_path / name).write_bytes((_raw().file(name).path).read_bytes())
    (tmp_path / ember_monthly.USA_MONTHLY).write_text(
        "country,state,date,demand_gwh,emissions_intensity_gco2_per_kwh\nUnited States,Atlantis,2025-01-01,1,2\n"
    )
    with pytest.raises(SourceFormatError, match="unknown US state name"):
        ember_monthly.parse_grid_intensity_monthly(_raw(tmp_path))
