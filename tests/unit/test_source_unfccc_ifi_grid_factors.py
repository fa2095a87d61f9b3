"""unfccc_ifi_grid_factors parser against a hand-written spreadsheet export and CO2.js JSON."""

import json
import logging
import shutil

import pytest

from conftest import FIXTURES, fixture_source
from pipelines.errors import SourceFormatError
from pipelines.sources import unfccc_ifi_grid_factors as ifi
from pipelines.validation import validate

SOURCE_ID = "unfccc_ifi_grid_factors"


@pytest.fixture
def parsed():
    return ifi.parse_grid_marginal_emission_factors(fixture_source(SOURCE_ID))


def factor(frame, zone_id, energy_project_type):
    match = frame[(frame["zone_id"] == zone_id) & (frame["energy_project_type"] == energy_project_type)]
    assert len(match) == 1, f"expected one {energy_project_type} row for {zone_id}, got {len(match)}"
    return match.iloc[0]


def csv_text() -> str:
    return (FIXTURES / SOURCE_ID / ifi.FACTORS_CSV).read_text(encoding="utf-8")


def source_with(tmp_path, name: str, text: str):
    shutil.copytree(FIXTURES / SOURCE_ID, tmp_path, dirs_exist_ok=True)
    (tmp_path / name).write_text(text, encoding="utf-8")
    return fixture_source(SOURCE_ID, folder=tmp_path)


def test_multi_line_header_maps_columns_to_project_types():
    table = ifi.factor_table(fixture_source(SOURCE_ID))
    assert list(table.columns) == [
        "firm_energy",
        "intermittent_energy",
        "energy_efficiency",
        "electricity_consumption",
        "operating_margin",
    ]
    assert table.loc["Afghanistan"].tolist() == [193, 331, 193, 193, 414]


def test_footnotes_and_separator_rows_are_not_countries():
    table = ifi.factor_table(fixture_source(SOURCE_ID))
    assert list(table.index) == [
        "Afghanistan",
        "Albania",
        "Canary Islands (Spain)",
        "Cayman Islands",
        "Korea (South), Republic of",
        "United Kingdom",
        "Memo: EU 27",
    ]


def test_five_rows_per_zone_in_long_format(parsed):
    afghanistan = parsed[parsed["zone_id"] == "AFG"]
    assert afghanistan.set_index("energy_project_type")["gco2_per_kwh"].to_dict() == {
        "firm_energy": 193,
        "intermittent_energy": 331,
        "energy_efficiency": 193,
        "electricity_consumption": 193,
        "operating_margin": 414,
    }
    assert afghanistan.groupby("margin").size().to_dict() == {"combined": 4, "operating": 1}
    assert set(parsed["year"]) == {2021}


def test_all_zero_rows_mean_no_data_and_are_dropped(parsed, caplog):
    with caplog.at_level(logging.INFO, logger="pipelines.sources.unfccc_ifi_grid_factors"):
        ifi.parse_grid_marginal_emission_factors(fixture_source(SOURCE_ID))
    assert "ALB" not in set(parsed["zone_id"])
    assert any("Albania" in record.getMessage() for record in caplog.records)


def test_zone_ids_come_from_the_json_iso_codes(parsed):
    assert factor(parsed, "KOR", "operating_margin")["gco2_per_kwh"] == 555
    assert factor(parsed, "KOR", "operating_margin")["zone_name"] == "Korea (South), Republic of"
    assert factor(parsed, "GBR", "intermittent_energy")["gco2_per_kwh"] == 320
    assert factor(parsed, "CYM", "firm_energy")["zone_name"] == "Cayman Islands"


def test_canary_islands_are_not_the_cayman_islands(parsed):
    # CO2.js codes the Canary Islands CYM; they are the Spanish subdivision ES-CN.
    canaries = factor(parsed, "ESP-CN", "firm_energy")
    assert (canaries["zone_name"], canaries["zone_type"], canaries["gco2_per_kwh"]) == (
        "Canary Islands (Spain)",
        "subregion",
        435,
    )


def test_eu_memo_row_is_the_eu27_aggregate(parsed):
    eu = factor(parsed, "EU27", "operating_margin")
    assert (eu["zone_type"], eu["gco2_per_kwh"], eu["zone_name"]) == ("aggregate", 409, "Memo: EU 27")


def test_output_is_schema_valid(parsed):
    frame = parsed.assign(source_id=SOURCE_ID, source_vintage="2022-09-23")
    assert len(validate("grid_marginal_emission_factors", frame, source_id=SOURCE_ID)) == 6 * 5


def test_country_missing_from_the_json_is_a_format_error(tmp_path):
    text = csv_text().replace('"United Kingdom",219', '"Atlantis",219')
    with pytest.raises(SourceFormatError, match=r"no ISO code in marginal-intensities-2021.json: \['Atlantis'\]"):
        ifi.parse_grid_marginal_emission_factors(source_with(tmp_path, ifi.FACTORS_CSV, text))


def test_non_numeric_factor_names_file_and_column(tmp_path):
    text = csv_text().replace('"United Kingdom",219,320', '"United Kingdom",219,n/a')
    with pytest.raises(SourceFormatError, match="non-numeric") as caught:
        ifi.parse_grid_marginal_emission_factors(source_with(tmp_path, ifi.FACTORS_CSV, text))
    assert (caught.value.file, caught.value.column) == (ifi.FACTORS_CSV, "intermittent_energy")


def test_a_single_zero_among_factors_is_a_format_error(tmp_path):
    text = csv_text().replace('"United Kingdom",219,320,219,219,380', '"United Kingdom",219,320,219,219,0')
    with pytest.raises(SourceFormatError, match="0 among non-zero factors"):
        ifi.parse_grid_marginal_emission_factors(source_with(tmp_path, ifi.FACTORS_CSV, text))


def test_renamed_header_is_a_format_error(tmp_path):
    text = csv_text().replace('"Intermittent Energy (e.g., Solar, Wind, Tidal)"', '"Variable Energy"')
    with pytest.raises(SourceFormatError, match="intermittent_energy") as caught:
        ifi.parse_grid_marginal_emission_factors(source_with(tmp_path, ifi.FACTORS_CSV, text))
    assert caught.value.column == "intermittent_energy"


def test_missing_country_header_row_is_a_format_error(tmp_path):
    text = csv_text().replace('"Country / Territory / Island"', '"Country"')
    with pytest.raises(SourceFormatError, match="no 'Country / Territory / Island' row"):
        ifi.parse_grid_marginal_emission_factors(source_with(tmp_path, ifi.FACTORS_CSV, text))


def test_iso_json_that_is_not_an_object(tmp_path):
    with pytest.raises(SourceFormatError, match="keyed by country name"):
        ifi.parse_grid_marginal_emission_factors(source_with(tmp_path, ifi.ISO_JSON, json.dumps([1, 2])))


def test_source_declares_both_files_at_the_pinned_commit():
    assert [f.name for f in ifi.SOURCE.files] == [ifi.FACTORS_CSV, ifi.ISO_JSON]
    assert all("/co2.js/27cbe8328aeaad0824fb07b3640dc45b72228c7b/" in f.url for f in ifi.SOURCE.files)
