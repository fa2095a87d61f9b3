"""emaps_yearly parser against hand-written CO2.js yearly_<year>.json files."""

import json
import shutil

import pytest

from conftest import FIXTURES, fixture_source
from pipelines.errors import SourceFormatError
from pipelines.sources import emaps_yearly as emaps
from pipelines.validation import validate

SOURCE_ID = "emaps_yearly"
FILE_2024 = "yearly_2024.json"


@pytest.fixture
def parsed():
    return emaps.parse_grid_intensity(fixture_source(SOURCE_ID))


def row(frame, zone_id, year):
    match = frame[(frame["zone_id"] == zone_id) & (frame["year"] == year)]
    assert len(match) == 1, f"expected one row for {zone_id} {year}, got {len(match)}"
    return match.iloc[0]


def fixture_zones(name: str = FILE_2024) -> dict:
    return json.loads((FIXTURES / SOURCE_ID / name).read_text(encoding="utf-8"))


def source_with(tmp_path, text: str, name: str = FILE_2024):
    shutil.copytree(FIXTURES / SOURCE_ID, tmp_path, dirs_exist_ok=True)
    (tmp_path / name).write_text(text, encoding="utf-8")
    return fixture_source(SOURCE_ID, folder=tmp_path)


def test_year_comes_from_the_file_name(parsed):
    germany = {year: row(parsed, "DEU", year)["gco2e_per_kwh"] for year in emaps.YEARS}
    assert germany == {2021: 439, 2022: 475, 2023: 379, 2024: 341, 2025: 342}
    assert row(parsed, "FRA", 2025)["source_file"] == "yearly_2025.json"


def test_country_keys_become_alpha3(parsed):
    australia = row(parsed, "AUS", 2024)
    assert (australia["zone_name"], australia["zone_type"]) == ("Australia", "country")
    assert australia["gco2e_per_kwh"] == 489
    assert row(parsed, "XKX", 2024)["gco2e_per_kwh"] == 650
    assert row(parsed, "GBR", 2024)["zone_name"] == "Great Britain"


def test_sub_zones_use_iso_subdivisions_or_keep_their_key(parsed):
    nsw = row(parsed, "AUS-NSW", 2024)
    assert (nsw["zone_name"], nsw["zone_type"], nsw["gco2e_per_kwh"]) == ("New South Wales", "subregion", 541)
    assert row(parsed, "US-CAL-CISO", 2024)["zone_name"] == "CAISO"
    assert row(parsed, "DK-DK1", 2024)["gco2e_per_kwh"] == 131


def test_italian_bidding_zone_is_not_mistaken_for_a_province(parsed):
    north_italy = row(parsed, "IT-NO", 2024)
    assert (north_italy["zone_name"], north_italy["zone_type"]) == ("North Italy", "subregion")
    assert "ITA-NO" not in set(parsed["zone_id"])


def test_zones_without_a_value_are_dropped(parsed):
    # AQ has no `value` key (CO2.js drops undefined) and BV has null.
    assert not {"ATA", "BVT"} & set(parsed["zone_id"])
    assert (parsed["year"] == 2024).sum() == 8
    assert len(parsed) == 8 + 4 * 3


def test_output_validates_against_the_published_schema(parsed):
    frame = parsed.assign(source_id=SOURCE_ID, source_vintage="2026-02-04")
    validated = validate("grid_carbon_intensity", frame, source_id=SOURCE_ID)
    assert len(validated) == len(parsed)
    assert set(validated["basis"]) == {"lifecycle"}
    assert list(parsed.columns) == [
        "zone_id",
        "zone_name",
        "zone_type",
        "year",
        "gco2e_per_kwh",
        "basis",
        "source_file",
    ]


def test_two_keys_for_one_zone_with_one_value_collapse_to_one_row(tmp_path):
    zones = fixture_zones()
    zones["AUS-NSW"] = zones["AU-NSW"]
    parsed = emaps.parse_grid_intensity(source_with(tmp_path, json.dumps(zones)))
    nsw = parsed[(parsed["zone_id"] == "AUS-NSW") & (parsed["year"] == 2024)]
    assert nsw["gco2e_per_kwh"].tolist() == [541]


def test_two_keys_for_one_zone_with_different_values_is_an_error(tmp_path):
    zones = fixture_zones()
    zones["AUS-NSW"] = json.loads(json.dumps(zones["AU-NSW"]))
    zones["AUS-NSW"]["carbonIntensity"]["value"] = 600
    with pytest.raises(SourceFormatError, match="AUS-NSW") as caught:
        emaps.parse_grid_intensity(source_with(tmp_path, json.dumps(zones)))
    assert (caught.value.file, caught.value.column) == (FILE_2024, "zone_id")
    assert {r["zone_key"] for r in caught.value.sample_rows} == {"AU-NSW", "AUS-NSW"}


def test_other_unit_is_an_error_naming_the_zone(tmp_path):
    zones = fixture_zones()
    zones["DE"]["carbonIntensity"]["unit"] = "kgCO2eq/MWh"
    with pytest.raises(SourceFormatError, match="gCO2eq/kWh") as caught:
        emaps.parse_grid_intensity(source_with(tmp_path, json.dumps(zones)))
    assert (caught.value.file, caught.value.column) == (FILE_2024, "carbonIntensity.unit")
    assert caught.value.sample_rows[0]["zone_key"] == "DE"


def test_renamed_value_key_is_an_error_naming_it(tmp_path):
    zones = fixture_zones()
    for entry in zones.values():
        entry["carbonIntensity"] = {("average" if k == "value" else k): v for k, v in entry["carbonIntensity"].items()}
    with pytest.raises(SourceFormatError, match="yearly_2024.json") as caught:
        emaps.parse_grid_intensity(source_with(tmp_path, json.dumps(zones)))
    assert caught.value.column == "carbonIntensity.value"


def test_missing_carbon_intensity_object_is_an_error(tmp_path):
    zones = fixture_zones()
    zones["DE"]["co2Intensity"] = zones["DE"].pop("carbonIntensity")
    with pytest.raises(SourceFormatError, match="DE") as caught:
        emaps.parse_grid_intensity(source_with(tmp_path, json.dumps(zones)))
    assert caught.value.column == "carbonIntensity"


def test_non_numeric_value_names_column_and_zone(tmp_path):
    zones = fixture_zones()
    zones["XK"]["carbonIntensity"]["value"] = "650 g"
    with pytest.raises(SourceFormatError) as caught:
        emaps.parse_grid_intensity(source_with(tmp_path, json.dumps(zones)))
    assert (caught.value.file, caught.value.column) == (FILE_2024, "carbonIntensity.value")
    assert caught.value.sample_rows[0]["zone_key"] == "XK"


@pytest.mark.parametrize(
    "text, message",
    [
        ("", "empty"),
        ("<!DOCTYPE html><html><body>Rate limited</body></html>", "HTML"),
        ("{}", "non-empty JSON object"),
        ('{"DE": {"carbonIntensity": {"value": 341', "invalid JSON"),
    ],
)
def test_malformed_file_is_an_error_naming_it(tmp_path, text, message):
    with pytest.raises(SourceFormatError, match=message) as caught:
        emaps.parse_grid_intensity(source_with(tmp_path, text, name="yearly_2022.json"))
    assert caught.value.file == "yearly_2022.json"


def test_missing_year_file_is_an_error(tmp_path):
    shutil.copytree(FIXTURES / SOURCE_ID, tmp_path, dirs_exist_ok=True)
    (tmp_path / "yearly_2023.json").unlink()
    with pytest.raises(SourceFormatError, match="yearly_2023.json"):
        emaps.parse_grid_intensity(fixture_source(SOURCE_ID, folder=tmp_path))


def test_source_declares_one_file_per_year():
    assert [f.name for f in emaps.SOURCE.files] == [f"yearly_{year}.json" for year in range(2021, 2026)]
    assert all(emaps._COMMIT in f.url and f.data_as_of == "2026-02-04" for f in emaps.SOURCE.files)
