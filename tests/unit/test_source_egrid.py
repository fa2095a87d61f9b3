from __future__ import annotations

import pytest

from conftest import FIXTURES, fixture_source
from pipelines.errors import SourceFormatError
from pipelines.sources import egrid
from pipelines.validation import validate

SOURCE_ID = "egrid"
RATES = egrid.SUBREGION_RATES
HEADER = "Region, CO2 total output emission rate (lb/MWh) by eGRID subregion 2022, Year"


def _parsed():
    return egrid.parse_grid_intensity(fixture_source(SOURCE_ID))


def _row(frame, zone_id):
    rows = frame[frame["zone_id"] == zone_id]
    assert len(rows) == 1, f"expected one row for {zone_id}, got {len(rows)}"
    return rows.iloc[0]


def _source_with(tmp_path, text: str):
    (tmp_path / RATES).write_text(text, encoding="utf-8")
    return fixture_source(SOURCE_ID, folder=tmp_path)


def test_converts_lb_per_mwh_to_grams_per_kwh():
    frame = _parsed()
    assert _row(frame, "USA")["gco2e_per_kwh"] == pytest.approx(823.149 * 0.45359237)
    assert _row(frame, "USA")["gco2e_per_kwh"] == pytest.approx(373.37, abs=0.01)
    assert _row(frame, "AKGD")["gco2e_per_kwh"] == pytest.approx(477.23, abs=0.01)
    assert _row(frame, "NYUP")["gco2e_per_kwh"] == pytest.approx(124.54, abs=0.01)


def test_us_row_is_the_country_and_subregions_keep_their_acronym():
    frame = _parsed()
    us = _row(frame, "USA")
    assert (us["zone_type"], us["zone_name"]) == ("country", "US")
    subregions = frame[frame["zone_type"] == "subregion"]
    assert sorted(subregions["zone_id"]) == ["AKGD", "CAMX", "NYUP", "SRSO"]
    assert (subregions["zone_id"] == subregions["zone_name"]).all()


def test_header_with_leading_spaces_is_read_and_every_row_is_direct_2022():
    assert FIXTURES.joinpath(SOURCE_ID, RATES).read_text().splitlines()[0] == HEADER
    frame = _parsed()
    assert len(frame) == 5
    assert set(frame["year"]) == {2022}
    assert set(frame["basis"]) == {"direct"}
    assert set(frame["source_file"]) == {RATES}


def test_year_comes_from_the_year_column(tmp_path):
    frame = egrid.parse_grid_intensity(_source_with(tmp_path, f"{HEADER}\nUS,857.0,2021\n"))
    assert frame["year"].tolist() == [2021]


def test_renamed_rate_column_is_a_format_error(tmp_path):
    text = "Region, CO2 total output emission rate (kg/MWh) by eGRID subregion 2022, Year\nUS,373.4,2022\n"
    with pytest.raises(SourceFormatError, match=r"CO2_total_output.*lb/MWh") as caught:
        egrid.parse_grid_intensity(_source_with(tmp_path, text))
    assert caught.value.file == RATES
    assert caught.value.column == "CO2 total output emission rate (lb/MWh)"


def test_missing_year_column_is_a_format_error(tmp_path):
    text = "Region, CO2 total output emission rate (lb/MWh) by eGRID subregion 2022\nUS,823.149\n"
    with pytest.raises(SourceFormatError) as caught:
        egrid.parse_grid_intensity(_source_with(tmp_path, text))
    assert (caught.value.file, caught.value.column) == (RATES, "Year")


def test_non_numeric_rate_names_file_and_column(tmp_path):
    with pytest.raises(SourceFormatError, match="non-numeric") as caught:
        egrid.parse_grid_intensity(_source_with(tmp_path, f"{HEADER}\nUS,823.149,2022\nAKGD,n/a,2022\n"))
    assert caught.value.file == RATES
    assert caught.value.column == "CO2 total output emission rate (lb/MWh) by eGRID subregion 2022"
    assert "AKGD" in str(caught.value)


def test_region_that_is_not_an_egrid_acronym_is_a_format_error(tmp_path):
    with pytest.raises(SourceFormatError, match="Alaska") as caught:
        egrid.parse_grid_intensity(_source_with(tmp_path, f"{HEADER}\nAlaska,1052.114,2022\n"))
    assert caught.value.column == "Region"


def test_output_is_schema_valid():
    frame = _parsed().assign(source_id=SOURCE_ID, source_vintage="2025-02-18")
    validated = validate("grid_carbon_intensity", frame, source_id=SOURCE_ID)
    assert len(validated) == 5


def test_source_declares_the_rates_and_the_summary_workbook():
    assert [f.name for f in egrid.SOURCE.files] == [RATES, egrid.US_SUMMARY]
    assert egrid.SOURCE.file(egrid.US_SUMMARY).format == "xlsx"
    assert list(egrid.SOURCE.parsers) == ["grid_carbon_intensity"]
