import pandas as pd
import pytest

from conftest import FIXTURES, edited_fixture_source, fixture_source
from pipelines.errors import SourceFormatError
from pipelines.sources import boavizta
from pipelines.validation import validate

FILE = boavizta.ELECTRICAL_MIX


@pytest.fixture(scope="module")
def grid():
    return boavizta.parse_grid_intensity(fixture_source("boavizta")).set_index("zone_id")


def _parse_edited(tmp_path, edit):
    """Parse the fixture after `edit` changed its wide table (cells read as text)."""
    table = pd.read_csv(FIXTURES / "boavizta" / FILE, dtype=str, keep_default_na=False)
    edit(table)
    table.to_csv(tmp_path / FILE, index=False)
    return boavizta.parse_grid_intensity(fixture_source("boavizta", folder=tmp_path))


def _gwp_cell(table, source_marker):
    return (table["name"] == "gwp") & table["source"].str.contains(source_marker, regex=False)


def test_lowest_priority_with_a_value_wins_and_kg_become_grams(grid):
    assert grid.loc["FRA", ["gco2e_per_kwh", "year"]].tolist() == [pytest.approx(98), 2019]  # priority 1
    assert grid.loc["USA", ["gco2e_per_kwh", "year"]].tolist() == [pytest.approx(370), 2020]  # priority 2
    assert grid.loc["HKG", ["gco2e_per_kwh", "year"]].tolist() == [pytest.approx(958.88), 2011]  # priority 3 only


def test_priority_decides_not_row_order(grid):
    # The world's priority-2 row comes after the priority-3 row in the file.
    assert grid.loc["WLD", ["gco2e_per_kwh", "year"]].tolist() == [pytest.approx(390), 2020]  # "2020 & 2019"


def test_zones_and_names_from_the_names_row(grid):
    assert grid.loc["WLD", ["zone_name", "zone_type"]].tolist() == ["World", "aggregate"]
    assert grid.loc["AGG-EUROPE", ["zone_name", "zone_type", "gco2e_per_kwh"]].tolist() == [
        "Europe",
        "aggregate",
        pytest.approx(380),
    ]
    assert grid.loc["TZA", ["zone_name", "zone_type"]].tolist() == ["Tanzania, United Republic Of", "country"]
    assert grid.loc["SRB", ["zone_name", "gco2e_per_kwh"]].tolist() == ["Serbie", pytest.approx(900)]
    assert grid.loc["ANT", "gco2e_per_kwh"] == pytest.approx(1131.61)
    assert len(grid) == 8


def test_basis_follows_the_chosen_rows_source(grid):
    assert set(grid["basis"]) == {"lifecycle"}


def test_zero_falls_through_to_the_next_priority(tmp_path):
    def zero_usa_ember(table):
        table.loc[_gwp_cell(table, "ember-climate.org"), "USA"] = "0"

    grid = _parse_edited(tmp_path, zero_usa_ember).set_index("zone_id")
    assert grid.loc["USA", ["gco2e_per_kwh", "year"]].tolist() == [pytest.approx(679.78), 2011]


def test_output_validates():
    staged = boavizta.parse_grid_intensity(fixture_source("boavizta"))
    validate("grid_carbon_intensity", staged.assign(source_id="boavizta", source_vintage="2023-04-24"))


def test_renamed_column_is_a_format_error(tmp_path):
    with pytest.raises(SourceFormatError, match=f"{FILE}.*priority"):
        _parse_edited(tmp_path, lambda table: table.rename(columns={"priority": "rank"}, inplace=True))


def test_non_numeric_value_is_a_format_error(tmp_path):
    def spoil_france(table):
        table.loc[_gwp_cell(table, "S0306261921012149"), "FRA"] = "n/a"

    with pytest.raises(SourceFormatError, match=f"{FILE}.*non-numeric.*'FRA'"):
        _parse_edited(tmp_path, spoil_france)


def test_two_values_at_the_same_priority_are_a_format_error(tmp_path):
    def add_usa_average(table):
        table.loc[_gwp_cell(table, "Average of all country"), "USA"] = "0.4"

    with pytest.raises(SourceFormatError, match=f"{FILE}.*same priority.*'USA'"):
        _parse_edited(tmp_path, add_usa_average)


def test_missing_names_row_is_a_format_error(tmp_path):
    def drop_names_row(table):
        table.drop(table.index[table["name"] == "country"], inplace=True)

    with pytest.raises(SourceFormatError, match=f"{FILE}.*zone names.*'name'"):
        _parse_edited(tmp_path, drop_names_row)


def test_boavizta_specs_carry_mass_and_memory():
    specs = boavizta.parse_accelerator_specs(fixture_source("boavizta")).set_index("canonical_model")
    assert specs.loc["h100-sxm", ["model", "memory_gb", "mass_kg"]].tolist() == ["NVIDIA H100 SXM 80GB", 80, 1.69]
    assert specs.loc["l4", "mass_kg"] == pytest.approx(0.142)
    assert specs["die_area_mm2"].isna().all()  # gpu_specs' die_surface is an effective wafer area
    validate("accelerator_specs", specs.reset_index().assign(source_id="boavizta", source_vintage="2026-05-29"))


def test_boavizta_embodied_per_gpu():
    embodied = boavizta.parse_hardware_embodied(fixture_source("boavizta")).set_index("canonical_model")
    assert embodied.loc["l4", "embodied_kgco2e"] == pytest.approx(113.333587, abs=1e-5)  # worked in test_hardware.py
    assert embodied.loc["l4", "boundary"].startswith("cradle-to-gate")
    assert embodied.loc["l4", "method_type"] == "parametric_model"
    assert "vram 93.11" in embodied.loc["l4", "citation_note"]
    # H100 SXM: die 0.042592 x 2810.4 = 119.70 of the total; VRAM (80 GB on 6 dies) dominates.
    assert embodied.loc["h100-sxm", "embodied_kgco2e"] == pytest.approx(572.1232, abs=1e-3)
    assert embodied.loc["gtx-1080-ti", "embodied_kgco2e"] == pytest.approx(87.4999, abs=1e-3)
    validate(
        "hardware_embodied_emissions", embodied.reset_index().assign(source_id="boavizta", source_vintage="2026-05-29")
    )


def test_boavizta_gpu_without_physical_inputs_is_left_out(tmp_path, caplog):
    raw = edited_fixture_source(tmp_path, "boavizta", "gpu_specs.csv", lambda t: t.replace(",390.96,", ",,"))
    with caplog.at_level("WARNING", logger="pipelines.sources"):
        embodied = boavizta.parse_hardware_embodied(raw)
    assert "l4" not in set(embodied["canonical_model"]) and len(embodied) == 2
    assert "'NVIDIA L4': left out of the embodied model" in caplog.text


def test_boavizta_missing_factor_is_a_format_error(tmp_path):
    raw = edited_fixture_source(tmp_path, "boavizta", "factors.yml", lambda t: t.replace('"heatsink"', '"heat_sink"'))
    with pytest.raises(SourceFormatError, match="factors.yml.*gpu.heatsink.manufacture.gwp.impact"):
        boavizta.parse_hardware_embodied(raw)
