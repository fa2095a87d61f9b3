"""Electricity Maps hourly CSVs: both portal layouts, zone ids, estimated hours, gaps, bad input."""

import pandas as pd
import pytest

from conftest import fixture_source
from pipelines.assets.factory import with_provenance
from pipelines.errors import SourceFormatError
from pipelines.sources import emaps_hourly
from pipelines.validation import validate


def _parse(folder=None):
    raw = fixture_source("emaps_hourly", folder=folder)
    return validate(
        "grid_intensity_hourly",
        with_provenance(emaps_hourly.parse_grid_intensity_hourly(raw), raw),
        source_id="emaps_hourly",
    )


def test_old_layout_keeps_direct_and_lifecycle_apart_and_flags_estimated_hours():
    frame = _parse()
    de = frame[frame["zone_id"] == "DEU"].set_index("hour_start_utc")
    first = de.loc[pd.Timestamp("2023-01-01 00:00", tz="UTC")]
    assert (first.direct_gco2e_per_kwh, first.lifecycle_gco2e_per_kwh) == (140.51, 185.8)
    assert (first.zone_type, first.country_zone_id, first.year, first.accounting) == (
        "country",
        "DEU",
        2023,
        "consumption",
    )
    estimated = de[de["is_estimated"]]
    assert list(estimated.index) == [pd.Timestamp("2023-01-01 02:00", tz="UTC")]
    assert estimated["estimation_method"].tolist() == ["ESTIMATED_TIME_SLICER_AVERAGE"]
    assert de["estimation_method"].isna().sum() == 3  # measured hours carry no method
    # The missing 03:00 stays missing: a gap, not an invented hour.
    assert pd.Timestamp("2023-01-01 03:00", tz="UTC") not in de.index and len(de) == 4


def test_new_layout_and_great_britain_is_not_the_united_kingdom():
    gb = _parse().query("zone_id == 'GB'")
    assert len(gb) == 2
    assert set(gb["zone_type"]) == {"subregion"} and set(gb["country_zone_id"]) == {"GBR"}
    assert set(gb["zone_name"]) == {"Great Britain"}
    assert gb["lifecycle_gco2e_per_kwh"].tolist() == [160.0, 150.0]
    assert not gb["is_estimated"].any()  # the 2025 layout has no flag


@pytest.mark.parametrize(
    "key, expected",
    [
        ("DE", ("DEU", "country", "DEU")),
        ("IN-WE", ("IN-WE", "subregion", "IND")),
        ("AU-NSW", ("AUS-NSW", "subregion", "AUS")),
        ("US-CAL-CISO", ("US-CAL-CISO", "subregion", "USA")),
        ("JP-TK", ("JP-TK", "subregion", "JPN")),
    ],
)
def test_zone_places(key, expected):
    assert emaps_hourly.zone_place(key) == expected


def _with_de(tmp_path, text: str):
    (tmp_path / "DE_2023_hourly.csv").write_text(text, encoding="utf-8")
    return tmp_path


HEADER = (
    "Datetime (UTC),Country,Zone Name,Zone Id,Carbon Intensity gCO₂eq/kWh (direct),"
    "Carbon Intensity gCO₂eq/kWh (LCA),Low Carbon Percentage,Renewable Percentage,Data Source,"
    "Data Estimated,Data Estimation Method\n"
)


@pytest.mark.parametrize(
    "body, message",
    [
        ("2023-01-01T00:00Z,Germany,Germany,DE,1,2,3,4,x,false,\n", "timestamp"),
        ("2023-01-01 00:00:00,Germany,Germany,DE,abc,2,3,4,x,false,\n", "non-numeric"),
        ("2023-01-01 00:00:00,Germany,Germany,DE,1,2,3,4,x,maybe,\n", "neither true nor false"),
        (
            "2023-01-01 00:00:00,Germany,Germany,DE,1,2,3,4,x,false,\n"
            "2023-01-01 00:00:00,Germany,Germany,DE,1,2,3,4,x,false,\n",
            "repeat an hour",
        ),
    ],
)
def test_bad_rows_name_file_and_column(tmp_path, body, message):
    with pytest.raises(SourceFormatError, match=f"DE_2023_hourly.csv.*{message}"):
        emaps_hourly.parse_grid_intensity_hourly(
            fixture_source("emaps_hourly", folder=_with_de(tmp_path, HEADER + body))
        )


def test_unknown_layout_is_refused(tmp_path):
    with pytest.raises(SourceFormatError, match="not an Electricity Maps hourly layout"):
        emaps_hourly.parse_grid_intensity_hourly(
            fixture_source("emaps_hourly", folder=_with_de(tmp_path, "time,value\n2023-01-01 00:00:00,1\n"))
        )


def test_source_is_not_redistributable():
    from pipelines.licences import decide

    assert decide(emaps_hourly.SOURCE).redistributable is False
