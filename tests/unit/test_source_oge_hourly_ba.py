"""Open Grid Emissions hourly rates: lb/MWh -> g/kWh, UTC keys, local-time years across DST."""

import pandas as pd
import pytest

from conftest import fixture_source
from pipelines.assets.factory import with_provenance
from pipelines.errors import SourceFormatError
from pipelines.sources import oge_hourly_ba
from pipelines.validation import validate


def _parse(folder=None):
    raw = fixture_source("oge_hourly_ba", folder=folder)
    return validate(
        "grid_intensity_hourly",
        with_provenance(oge_hourly_ba.parse_grid_intensity_hourly(raw), raw),
        source_id="oge_hourly_ba",
    )


def test_rates_convert_to_grams_per_kwh_and_zone_matches_electricity_maps():
    frame = _parse().set_index("hour_start_utc")
    first = frame.loc[pd.Timestamp("2021-01-01 08:00", tz="UTC")]
    assert first.direct_gco2e_per_kwh == pytest.approx(643.52 * 0.453592)
    assert pd.isna(first.lifecycle_gco2e_per_kwh)
    assert (first.zone_id, first.zone_type, first.country_zone_id) == ("US-CAL-CISO", "subregion", "USA")


def test_dst_change_keeps_consecutive_utc_hours():
    hours = _parse()["hour_start_utc"].tolist()
    # 01:00 PST is followed by 03:00 PDT: one UTC hour apart, no hour lost or doubled.
    assert pd.Timestamp("2021-03-14 10:00", tz="UTC") - pd.Timestamp("2021-03-14 09:00", tz="UTC") == pd.Timedelta("1h")
    assert pd.Timestamp("2021-03-14 09:00", tz="UTC") in hours and pd.Timestamp("2021-03-14 10:00", tz="UTC") in hours


def test_year_is_the_local_year():
    frame = _parse().set_index("hour_start_utc")
    # 07:00 UTC on 1 January 2022 is 23:00 on 31 December 2021 in California: data year 2021.
    assert frame.loc[pd.Timestamp("2022-01-01 07:00", tz="UTC"), "year"] == 2021


def test_utc_and_local_that_disagree_are_refused(tmp_path):
    text = (
        oge_hourly_ba.UTC_COLUMN + "," + oge_hourly_ba.LOCAL_COLUMN + "," + oge_hourly_ba.CO2E_RATE + "\n"
        "2021-01-01 08:00:00+00:00,2021-01-01 01:00:00-08:00,600\n"
    )
    (tmp_path / oge_hourly_ba.file_name("CISO")).write_text(text)
    with pytest.raises(SourceFormatError, match="CISO_2021_hourly_us_units.csv.*different instants"):
        oge_hourly_ba.parse_grid_intensity_hourly(fixture_source("oge_hourly_ba", folder=tmp_path))


def test_a_missing_file_is_named(tmp_path):
    with pytest.raises(SourceFormatError, match="CISO_2021_hourly_us_units.csv.*missing"):
        oge_hourly_ba.parse_grid_intensity_hourly(fixture_source("oge_hourly_ba", folder=tmp_path))
