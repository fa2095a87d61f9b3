"""ember_country_intensity parser against a hand-written CO2.js average-intensities.json."""

import json
import shutil

import pytest

from conftest import FIXTURES, fixture_source
from pipelines.errors import SourceFormatError
from pipelines.sources import ember_country_intensity as ember
from pipelines.validation import validate

SOURCE_ID = "ember_country_intensity"
FILE = ember.AVERAGE_INTENSITIES


@pytest.fixture
def parsed():
    return ember.parse_grid_intensity(fixture_source(SOURCE_ID))


def row(frame, zone_id):
    match = frame[frame["zone_id"] == zone_id]
    assert len(match) == 1, f"expected one row for {zone_id}, got {len(match)}"
    return match.iloc[0]


def fixture_entries() -> dict:
    return json.loads((FIXTURES / SOURCE_ID / FILE).read_text(encoding="utf-8"))


def source_with(tmp_path, text: str):
    shutil.copytree(FIXTURES / SOURCE_ID, tmp_path, dirs_exist_ok=True)
    (tmp_path / FILE).write_text(text, encoding="utf-8")
    return fixture_source(SOURCE_ID, folder=tmp_path)


def test_each_entry_keeps_its_own_year(parsed):
    afghanistan = row(parsed, "AFG")
    assert (afghanistan["year"], afghanistan["gco2e_per_kwh"]) == (2023, pytest.approx(123.71))
    france = row(parsed, "FRA")
    assert (france["year"], france["zone_name"]) == (2024, "France")
    assert france["gco2e_per_kwh"] == pytest.approx(44.18)
    assert row(parsed, "XKX")["gco2e_per_kwh"] == pytest.approx(958.72)


def test_empty_country_code_entries_are_aggregates(parsed):
    world = row(parsed, "WLD")
    assert (world["zone_type"], world["year"]) == ("aggregate", 2024)
    assert world["gco2e_per_kwh"] == pytest.approx(472.94)
    assert row(parsed, "EU27")["zone_name"] == "EU"
    assert row(parsed, "AGG-AFRICA")["gco2e_per_kwh"] == pytest.approx(545.09)
    # Integer intensities in the JSON are values like any other.
    assert row(parsed, "AGG-EUROPE")["gco2e_per_kwh"] == 285
    assert set(parsed.loc[parsed["zone_type"] == "country", "zone_id"]) == {"AFG", "FRA", "XKX"}


def test_zero_placeholder_is_dropped(parsed):
    assert "CAF" not in set(parsed["zone_id"])
    assert len(parsed) == 7  # 8 fixture entries less CAF's 0


def test_basis_is_lifecycle_and_rows_name_their_file(parsed):
    assert set(parsed["basis"]) == {"lifecycle"}
    assert set(parsed["source_file"]) == {FILE}


def test_output_validates_against_the_published_schema(parsed):
    frame = parsed.assign(source_id=SOURCE_ID, source_vintage="2025-08-03")
    validated = validate("grid_carbon_intensity", frame, source_id=SOURCE_ID)
    assert len(validated) == 7


def test_renamed_intensity_key_is_an_error_naming_it(tmp_path):
    renamed = {"emissions_intensity_gco2_per_kwh": "intensity"}
    entries = {key: {renamed.get(k, k): v for k, v in entry.items()} for key, entry in fixture_entries().items()}
    with pytest.raises(SourceFormatError, match=r"average-intensities\.json") as caught:
        ember.parse_grid_intensity(source_with(tmp_path, json.dumps(entries)))
    assert caught.value.column == "emissions_intensity_gco2_per_kwh"


def test_non_numeric_intensity_names_column_and_entry(tmp_path):
    entries = fixture_entries()
    entries["FRA"]["emissions_intensity_gco2_per_kwh"] = "44,18"
    with pytest.raises(SourceFormatError) as caught:
        ember.parse_grid_intensity(source_with(tmp_path, json.dumps(entries)))
    assert (caught.value.file, caught.value.column) == (FILE, "emissions_intensity_gco2_per_kwh")
    assert caught.value.sample_rows[0]["key"] == "FRA"


def test_unknown_country_code_is_an_error_not_a_guess(tmp_path):
    entries = fixture_entries()
    entries["XYZ"] = {
        "country_code": "XYZ",
        "country_or_region": "Nowhere",
        "year": 2024,
        "emissions_intensity_gco2_per_kwh": 100,
    }
    with pytest.raises(SourceFormatError, match="zones.py") as caught:
        ember.parse_grid_intensity(source_with(tmp_path, json.dumps(entries)))
    assert caught.value.column == "country_code"


@pytest.mark.parametrize(
    "text, message",
    [
        ("", "empty"),
        ("<html><head><title>404</title></head></html>", "HTML"),
        ("{}", "non-empty JSON object"),
        ('[{"country_code": "FRA"}]', "non-empty JSON object"),
        ('{"FRA": 44.18}', "not objects"),
        ('{"FRA": {"country_code": "FRA",', "invalid JSON"),
    ],
)
def test_malformed_file_is_an_error_naming_it(tmp_path, text, message):
    with pytest.raises(SourceFormatError, match=message) as caught:
        ember.parse_grid_intensity(source_with(tmp_path, text))
    assert caught.value.file == FILE
