import shutil

import pytest

from conftest import FIXTURES, fixture_source
from pipelines.errors import SourceFormatError
from pipelines.sources import mlco2_impact
from pipelines.validation import validate

FILE = mlco2_impact.YEARLY_AVERAGES


@pytest.fixture(scope="module")
def grid():
    return mlco2_impact.parse_grid_intensity(fixture_source("mlco2_impact")).set_index(["zone_id", "year"])


def _parse_edited(tmp_path, edit):
    shutil.copytree(FIXTURES / "mlco2_impact", tmp_path, dirs_exist_ok=True)
    path = tmp_path / FILE
    path.write_text(edit(path.read_text(encoding="utf-8")), encoding="utf-8")
    return mlco2_impact.parse_grid_intensity(fixture_source("mlco2_impact", folder=tmp_path))


def test_values_per_zone_and_year(grid):
    assert grid.loc[("AUS-NSW", 2019), "gco2e_per_kwh"] == pytest.approx(724.6863533042651)
    assert grid.loc[("AUS-NSW", 2020), "gco2e_per_kwh"] == pytest.approx(676.1)
    assert grid.loc[("US-CAL-CISO", 2021), "gco2e_per_kwh"] == pytest.approx(262.1)
    assert set(grid["basis"]) == {"lifecycle"}
    assert set(grid["source_file"]) == {FILE}


def test_zone_keys_follow_the_zone_scheme(grid):
    assert grid.loc[("CAN-ON", 2019), ["zone_name", "zone_type"]].tolist() == ["Ontario", "subregion"]
    assert grid.loc[("USA-CA", 2019), "zone_name"] == "California"
    assert grid.loc[("IND-GJ", 2018), "gco2e_per_kwh"] == pytest.approx(611.925859)
    assert grid.loc[("DK-DK1", 2019), ["zone_name", "zone_type"]].tolist() == ["West Denmark", "subregion"]


def test_drops_zone_years_without_data(grid):
    assert ("IND-GJ", 2020) not in grid.index
    assert len(grid) == 7


def test_output_validates():
    staged = mlco2_impact.parse_grid_intensity(fixture_source("mlco2_impact"))
    validate("grid_carbon_intensity", staged.assign(source_id="mlco2_impact", source_vintage="2021-10-27"))


def test_renamed_column_is_a_format_error(tmp_path):
    with pytest.raises(SourceFormatError, match=f"{FILE}.*carbon_intensity_avg"):
        _parse_edited(tmp_path, lambda text: text.replace("carbon_intensity_avg", "carbonIntensity"))


def test_non_numeric_value_is_a_format_error(tmp_path):
    with pytest.raises(SourceFormatError, match=f"{FILE}.*non-numeric.*carbon_intensity_avg.*n/a"):
        _parse_edited(tmp_path, lambda text: text.replace(",262.1,", ",n/a,"))


def test_duplicate_zone_year_is_a_format_error(tmp_path):
    with pytest.raises(SourceFormatError, match=f"{FILE}.*same zone and year.*zone_key"):
        _parse_edited(tmp_path, lambda text: text + "CA-ON,2019,Canada,Ontario,40.1,8000\n")
