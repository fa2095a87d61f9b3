import pytest

from conftest import FIXTURES, fixture_source
from pipelines.errors import SourceFormatError
from pipelines.sources import codecarbon
from pipelines.validation import validate


def parse(folder=None):
    raw = fixture_source("codecarbon", folder=folder)
    frame = codecarbon.parse_grid_intensity(raw)
    return frame.assign(source_id="codecarbon", source_vintage="2024-09-20")


def test_global_mix_countries_and_kosovo():
    mix = parse().query("source_file == 'global_energy_mix.json'").set_index("zone_id")
    assert mix.loc["FRA", ["year", "gco2e_per_kwh", "basis"]].tolist() == [2023, 56.039, "lifecycle"]
    assert mix.loc["XKX", "gco2e_per_kwh"] == 894.915


def test_zero_placeholder_is_dropped():
    assert "CAF" not in set(parse()["zone_id"])


def test_eu_csv_is_direct_and_skips_uncoded_aggregates():
    eu = parse().query("source_file == 'eu-carbon-intensity-electricity.csv'")
    assert eu[["zone_id", "year", "gco2e_per_kwh"]].values.tolist() == [["AUT", 2000, 158], ["AUT", 2001, 176]]
    assert set(eu["basis"]) == {"direct"}


def test_us_states_converted_from_lb_per_mwh():
    states = parse().query("source_file == 'usa_emissions.json'").set_index("zone_id")
    assert states.loc["USA-CA", "gco2e_per_kwh"] == pytest.approx(452.5 * 0.45359237)
    assert states.loc["USA-ND", "zone_name"] == "North Dakota"
    assert set(states["year"]) == {2016}


def test_output_is_schema_valid():
    assert len(validate("grid_carbon_intensity", parse())) == 6


def test_changed_unit_is_refused(tmp_path):
    for path in (FIXTURES / "codecarbon").iterdir():
        (tmp_path / path.name).write_bytes(path.read_bytes())
    usa = tmp_path / "usa_emissions.json"
    usa.write_text(usa.read_text().replace('"lbs/MWh"', '"kg/MWh"'))
    with pytest.raises(SourceFormatError, match="file 'usa_emissions.json': expected unit 'lbs/MWh'"):
        parse(tmp_path)


def test_renamed_column_names_file_and_column(tmp_path):
    for path in (FIXTURES / "codecarbon").iterdir():
        (tmp_path / path.name).write_bytes(path.read_bytes())
    eu = tmp_path / "eu-carbon-intensity-electricity.csv"
    eu.write_text(eu.read_text().replace("Year,", "Yr,", 1))
    with pytest.raises(SourceFormatError, match="file 'eu-carbon-intensity-electricity.csv'.*column 'Year'"):
        parse(tmp_path)


def test_html_instead_of_json(tmp_path):
    for path in (FIXTURES / "codecarbon").iterdir():
        (tmp_path / path.name).write_bytes(path.read_bytes())
    (tmp_path / "global_energy_mix.json").write_text("<!DOCTYPE html><html>Service unavailable</html>")
    with pytest.raises(SourceFormatError, match="global_energy_mix.json': received an HTML page"):
        parse(tmp_path)


def test_empty_and_header_only_files(tmp_path):
    for path in (FIXTURES / "codecarbon").iterdir():
        (tmp_path / path.name).write_bytes(path.read_bytes())
    eu = tmp_path / "eu-carbon-intensity-electricity.csv"
    eu.write_text("Entity,Code,Year,Carbon intensity of electricity (gCO2/kWh)\n")
    with pytest.raises(SourceFormatError, match="header but no rows"):
        parse(tmp_path)
    eu.write_text("")
    with pytest.raises(SourceFormatError, match="file is empty"):
        parse(tmp_path)


def test_unknown_country_code_is_an_error_not_a_country(tmp_path):
    for path in (FIXTURES / "codecarbon").iterdir():
        (tmp_path / path.name).write_bytes(path.read_bytes())
    eu = tmp_path / "eu-carbon-intensity-electricity.csv"
    eu.write_text(eu.read_text().replace("Austria,AUT,2001", "Atlantis,ZZZ,2001"))
    with pytest.raises(SourceFormatError, match=r"eu-carbon-intensity-electricity.csv'.*not ISO 3166-1.*column 'Code'"):
        parse(tmp_path)
