"""owid_energy parser against a hand-written grapher export in the real format."""

import shutil

import pytest

from conftest import FIXTURES, fixture_source
from pipelines.errors import SourceFormatError
from pipelines.sources import owid_energy
from pipelines.validation import validate

SOURCE_ID = "owid_energy"
FILE = owid_energy.CARBON_INTENSITY
HEADER = "Entity,Code,Year,Carbon intensity of electricity - gCO2/kWh"


@pytest.fixture
def parsed():
    return owid_energy.parse_grid_intensity(fixture_source(SOURCE_ID))


def row(frame, zone_id, year):
    match = frame[(frame["zone_id"] == zone_id) & (frame["year"] == year)]
    assert len(match) == 1, f"expected one row for {zone_id} {year}, got {len(match)}"
    return match.iloc[0]


def source_with(tmp_path, text: str):
    shutil.copytree(FIXTURES / SOURCE_ID, tmp_path, dirs_exist_ok=True)
    (tmp_path / FILE).write_text(text, encoding="utf-8")
    return fixture_source(SOURCE_ID, folder=tmp_path)


def test_countries_keep_their_value_and_alpha3(parsed):
    usa = row(parsed, "USA", 2024)
    assert usa["gco2e_per_kwh"] == pytest.approx(383.5492)
    assert (usa["zone_name"], usa["zone_type"], usa["basis"]) == ("United States", "country", "lifecycle")
    assert row(parsed, "FRA", 2024)["gco2e_per_kwh"] == pytest.approx(44.179085)
    assert row(parsed, "CIV", 2023)["zone_name"] == "Cote d'Ivoire"


def test_owid_codes_become_our_ids(parsed):
    kosovo = row(parsed, "XKX", 2024)
    assert (kosovo["zone_type"], kosovo["gco2e_per_kwh"]) == ("country", pytest.approx(958.7156))
    world = row(parsed, "WLD", 2024)
    assert (world["zone_name"], world["zone_type"]) == ("World", "aggregate")
    assert world["gco2e_per_kwh"] == pytest.approx(473.0065)
    assert row(parsed, "WLD", 2023)["gco2e_per_kwh"] == pytest.approx(484.40286)


def test_empty_code_rows_are_aggregates_named_by_entity(parsed):
    asean = row(parsed, "AGG-ASEAN-EMBER", 2023)
    assert (asean["zone_name"], asean["zone_type"]) == ("ASEAN (Ember)", "aggregate")
    assert asean["gco2e_per_kwh"] == pytest.approx(570.0053)
    assert row(parsed, "EU27", 2023)["gco2e_per_kwh"] == pytest.approx(237.48735)


def test_zero_placeholder_is_dropped_but_real_years_kept(parsed):
    burundi = parsed[parsed["zone_id"] == "BDI"]
    assert burundi["year"].tolist() == [2023]
    assert burundi["gco2e_per_kwh"].iloc[0] == pytest.approx(230.76924)
    assert len(parsed) == 9  # 10 fixture rows less Burundi 2012's 0


def test_every_row_names_its_file(parsed):
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
    frame = parsed.assign(source_id=SOURCE_ID, source_vintage="2025-07-30")
    validated = validate("grid_carbon_intensity", frame, source_id=SOURCE_ID)
    assert len(validated) == len(parsed)
    assert validated["year"].dtype.kind == "i"


def test_renamed_value_title_with_same_unit_still_parses(tmp_path):
    # OWID retitled the chart "Lifecycle carbon intensity of electricity generation"; the unit stayed.
    header = "Entity,Code,Year,Lifecycle carbon intensity of electricity generation - gCO2e/kWh"
    raw = source_with(tmp_path, f"{header}\nFrance,FRA,2024,44.179085\n")
    parsed = owid_energy.parse_grid_intensity(raw)
    assert parsed["gco2e_per_kwh"].tolist() == [pytest.approx(44.179085)]


def test_value_column_without_unit_is_an_error(tmp_path):
    raw = source_with(tmp_path, "Entity,Code,Year,Share of electricity from coal - %\nFrance,FRA,2024,0.3\n")
    with pytest.raises(SourceFormatError, match=FILE) as caught:
        owid_energy.parse_grid_intensity(raw)
    assert caught.value.column == "Carbon intensity of electricity - gCO2/kWh"


def test_renamed_code_column_is_an_error_naming_it(tmp_path):
    raw = source_with(tmp_path, f"Entity,ISO code,Year,{HEADER.split(',')[3]}\nFrance,FRA,2024,44.2\n")
    with pytest.raises(SourceFormatError, match=r"carbon-intensity-electricity\.csv.*'Code'") as caught:
        owid_energy.parse_grid_intensity(raw)
    assert caught.value.column == "Code"


def test_non_numeric_value_names_column_and_row(tmp_path):
    raw = source_with(tmp_path, f"{HEADER}\nFrance,FRA,2024,44.2\nIndia,IND,2024,n/a-provisional\n")
    with pytest.raises(SourceFormatError) as caught:
        owid_energy.parse_grid_intensity(raw)
    assert caught.value.file == FILE
    assert caught.value.column == "Carbon intensity of electricity - gCO2/kWh"
    assert caught.value.sample_rows[0]["Entity"] == "India"


def test_unknown_country_code_is_an_error_not_a_guess(tmp_path):
    raw = source_with(tmp_path, f"{HEADER}\nFrance,FRA,2024,44.2\nUSSR,OWID_USS,1990,700\n")
    with pytest.raises(SourceFormatError, match="zones.py") as caught:
        owid_energy.parse_grid_intensity(raw)
    assert caught.value.column == "Code"
    assert caught.value.sample_rows[0]["Code"] == "OWID_USS"


def test_html_body_is_an_error(tmp_path):
    raw = source_with(tmp_path, "<!DOCTYPE html><html><body>Our World in Data</body></html>")
    with pytest.raises(SourceFormatError, match="HTML"):
        owid_energy.parse_grid_intensity(raw)


@pytest.mark.parametrize("text, message", [("", "empty"), (HEADER + "\n", "no rows")])
def test_empty_file_is_an_error(tmp_path, text, message):
    raw = source_with(tmp_path, text)
    with pytest.raises(SourceFormatError, match=message) as caught:
        owid_energy.parse_grid_intensity(raw)
    assert caught.value.file == FILE


def test_source_declares_both_files_and_pins_only_the_codebook():
    files = {f.name: f for f in owid_energy.SOURCE.files}
    assert set(files) == {owid_energy.CARBON_INTENSITY, owid_energy.CODEBOOK}
    grapher = files[owid_energy.CARBON_INTENSITY]
    assert grapher.url.startswith("https://ourworldindata.org/grapher/carbon-intensity-electricity.csv")
    assert grapher.data_as_of is None
    assert files[owid_energy.CODEBOOK].data_as_of == "2025-05-30"
    assert "grid_carbon_intensity" in owid_energy.SOURCE.parsers
