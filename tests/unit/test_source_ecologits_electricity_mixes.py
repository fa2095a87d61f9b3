"""ecologits_electricity_mixes parser against a hand-written electricity_mixes.csv."""

import shutil

import pytest

from conftest import FIXTURES, fixture_source
from pipelines.errors import SourceFormatError
from pipelines.sources import ecologits_electricity_mixes as ecologits
from pipelines.validation import validate

SOURCE_ID = "ecologits_electricity_mixes"
FILE = ecologits.ELECTRICITY_MIXES
HEADER = "name,adpe,pe,gwp,wue"


@pytest.fixture
def parsed():
    return ecologits.parse_grid_intensity(fixture_source(SOURCE_ID))


def row(frame, zone_id):
    match = frame[frame["zone_id"] == zone_id]
    assert len(match) == 1, f"expected one row for {zone_id}, got {len(match)}"
    return match.iloc[0]


def source_with(tmp_path, text: str):
    shutil.copytree(FIXTURES / SOURCE_ID, tmp_path, dirs_exist_ok=True)
    (tmp_path / FILE).write_text(text, encoding="utf-8")
    return fixture_source(SOURCE_ID, folder=tmp_path)


def test_gwp_kg_per_kwh_becomes_grams(parsed):
    assert row(parsed, "FRA")["gco2e_per_kwh"] == pytest.approx(44.18)
    assert row(parsed, "USA")["gco2e_per_kwh"] == pytest.approx(383.55)
    assert row(parsed, "ISL")["gco2e_per_kwh"] == pytest.approx(28.33)


def test_world_code_is_the_world_aggregate(parsed):
    world = row(parsed, "WLD")
    assert (world["zone_name"], world["zone_type"]) == ("World", "aggregate")
    assert world["gco2e_per_kwh"] == pytest.approx(473.01)


def test_countries_are_named_from_iso(parsed):
    usa = row(parsed, "USA")
    assert (usa["zone_name"], usa["zone_type"]) == ("United States", "country")
    assert row(parsed, "UKR")["zone_name"] == "Ukraine"


def test_year_is_owid_latest_year_per_zone(parsed):
    years = dict(zip(parsed["zone_id"], parsed["year"], strict=True))
    assert years == {"FRA": 2024, "IDN": 2023, "ISL": 2023, "UKR": 2022, "USA": 2024, "WLD": 2024}


def test_basis_file_and_columns(parsed):
    assert set(parsed["basis"]) == {"lifecycle"}
    assert set(parsed["source_file"]) == {FILE}
    assert list(parsed.columns) == [
        "zone_id",
        "zone_name",
        "zone_type",
        "year",
        "gco2e_per_kwh",
        "basis",
        "source_file",
    ]


def test_output_validates_against_the_published_schema(parsed):
    frame = parsed.assign(source_id=SOURCE_ID, source_vintage="2025-09-08")
    validated = validate("grid_carbon_intensity", frame, source_id=SOURCE_ID)
    assert len(validated) == 6


def test_empty_or_zero_gwp_is_dropped(tmp_path):
    raw = source_with(
        tmp_path,
        f"{HEADER}\nFRA,0.00000004858,9.3135,0.04418,3.6737\n"
        "DEU,0.00000008787,8.7477,,1.947\nNOR,0.00000012749,0.1386,0,6.6633\n",
    )
    assert ecologits.parse_grid_intensity(raw)["zone_id"].tolist() == ["FRA"]


def test_renamed_gwp_column_is_an_error_naming_it(tmp_path):
    raw = source_with(tmp_path, "name,adpe,pe,gwp_kgco2eq,wue\nFRA,0.00000004858,9.3135,0.04418,3.6737\n")
    with pytest.raises(SourceFormatError, match=r"electricity_mixes\.csv.*'gwp'") as caught:
        ecologits.parse_grid_intensity(raw)
    assert caught.value.column == "gwp"


def test_non_numeric_gwp_names_column_and_row(tmp_path):
    raw = source_with(
        tmp_path, f"{HEADER}\nFRA,0.00000004858,9.3135,0.04418,3.6737\nUSA,0.00000009855,9.6884,0.38 kg,3.1321\n"
    )
    with pytest.raises(SourceFormatError) as caught:
        ecologits.parse_grid_intensity(raw)
    assert (caught.value.file, caught.value.column) == (FILE, "gwp")
    assert caught.value.sample_rows[0]["name"] == "USA"


def test_unknown_zone_code_is_an_error(tmp_path):
    # Older EcoLogits files carried EEE (European Economic Area), which is neither a country nor WOR.
    raw = source_with(tmp_path, f"{HEADER}\nEEE,0.0000000642317,12.9,0.5094,3.0\n")
    with pytest.raises(SourceFormatError, match="WOR") as caught:
        ecologits.parse_grid_intensity(raw)
    assert caught.value.column == "name"


@pytest.mark.parametrize(
    "text, message",
    [
        ("", "empty"),
        ("<!doctype html>\n<html><body>404: Not Found</body></html>", "HTML"),
        (HEADER + "\n", "no rows"),
    ],
)
def test_malformed_file_is_an_error_naming_it(tmp_path, text, message):
    with pytest.raises(SourceFormatError, match=message) as caught:
        ecologits.parse_grid_intensity(source_with(tmp_path, text))
    assert caught.value.file == FILE


def test_source_is_pinned_to_the_commit_the_years_were_derived_from():
    (declared,) = ecologits.SOURCE.files
    assert ecologits._COMMIT in declared.url
    assert declared.data_as_of == "2025-09-08"
