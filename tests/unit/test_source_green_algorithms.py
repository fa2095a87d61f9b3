import shutil

import pytest

from conftest import FIXTURES, edited_fixture_source, fixture_source
from pipelines.errors import SourceFormatError
from pipelines.sources import green_algorithms
from pipelines.validation import validate

FILE = green_algorithms.CARBON_INTENSITY


@pytest.fixture(scope="module")
def grid():
    return green_algorithms.parse_grid_intensity(fixture_source("green_algorithms")).set_index("zone_id")


def _parse_edited(tmp_path, edit):
    shutil.copytree(FIXTURES / "green_algorithms", tmp_path, dirs_exist_ok=True)
    path = tmp_path / FILE
    path.write_text(edit(path.read_text(encoding="utf-8")), encoding="utf-8")
    return green_algorithms.parse_grid_intensity(fixture_source("green_algorithms", folder=tmp_path))


def test_skips_the_units_row_and_reads_values(grid):
    assert "Index" not in grid.index
    assert grid.loc["FRA", "gco2e_per_kwh"] == pytest.approx(51.28)
    assert grid.loc["NZL", "gco2e_per_kwh"] == pytest.approx(110.1)
    assert set(grid["basis"]) == {"unknown"}
    assert set(grid["source_file"]) == {FILE}


def test_zones(grid):
    assert grid.loc["WLD", ["zone_name", "zone_type"]].tolist() == ["World", "aggregate"]
    assert grid.loc["TWN", ["zone_name", "zone_type"]].tolist() == ["Taiwan", "country"]
    assert grid.loc["NAM", "gco2e_per_kwh"] == pytest.approx(350)  # location "NA", not a missing value
    assert grid.loc["USA-CA", ["zone_name", "zone_type"]].tolist() == ["California", "subregion"]
    assert grid.loc["CAN-ON", "gco2e_per_kwh"] == pytest.approx(30)
    assert grid.loc["CHN-HK", "gco2e_per_kwh"] == pytest.approx(710)
    # Codes ISO does not list stay as Green Algorithms writes them; its CA-MT is ISO's CA-MB.
    assert grid.loc["CN-HK2", "gco2e_per_kwh"] == pytest.approx(650)
    assert grid.loc["AU-NT2", "zone_type"] == "subregion"
    assert grid.loc["CAN-MB", ["zone_name", "gco2e_per_kwh"]].tolist() == ["Manitoba", pytest.approx(1.3)]


def test_years_stated_in_free_text(grid):
    assert grid.loc["WLD", "year"] == 2019  # "Data from 2019"
    assert grid.loc["ISR", "year"] == 2022  # "Data from April 2022"
    assert grid.loc["USA-CA", "year"] == 2020  # "(data from 2020 published in 2022)"
    assert grid.loc["CAN", "year"] == 2019  # "based on 2019 data"
    assert grid.loc["GBR", "year"] == 2020  # "using 2019/20 data": the later year
    assert grid.loc["NZL", "year"] == 2018


def test_undated_row_gets_the_year_most_rows_state(grid):
    assert grid.loc["TWN", "year"] == 2020


def test_drops_no_data_placeholders(grid):
    assert "FJI" not in grid.index  # 0
    assert "KEN" not in grid.index  # empty
    assert len(grid) == 15


def test_output_validates():
    staged = green_algorithms.parse_grid_intensity(fixture_source("green_algorithms"))
    validate("grid_carbon_intensity", staged.assign(source_id="green_algorithms", source_vintage="2022-10-22"))


def test_missing_units_row_is_a_format_error(tmp_path):
    with pytest.raises(SourceFormatError, match=f"{FILE}.*location"):
        _parse_edited(tmp_path, lambda text: text.split("\n", 1)[1])


def test_changed_unit_is_a_format_error(tmp_path):
    with pytest.raises(SourceFormatError, match=f"{FILE}.*kgCO2e/kWh.*carbonIntensity"):
        _parse_edited(tmp_path, lambda text: text.replace("in gCO2e/kWh", "in kgCO2e/kWh"))


def test_renamed_column_is_a_format_error(tmp_path):
    with pytest.raises(SourceFormatError, match=f"{FILE}.*carbonIntensity"):
        _parse_edited(tmp_path, lambda text: text.replace(",carbonIntensity,", ",carbon_intensity,"))


def test_non_numeric_value_is_a_format_error(tmp_path):
    with pytest.raises(SourceFormatError, match=f"{FILE}.*non-numeric.*carbonIntensity.*n/a"):
        _parse_edited(tmp_path, lambda text: text.replace(",51.28,", ",n/a,"))


def test_duplicate_zone_year_is_a_format_error(tmp_path):
    with pytest.raises(SourceFormatError, match=f"{FILE}.*same zone and year.*location"):
        _parse_edited(tmp_path, lambda text: text + "FR,Europe,France,Any,60,Country,AIB (data from 2020),\n")


@pytest.fixture(scope="module")
def green():
    return green_algorithms.parse_accelerator_specs(fixture_source("green_algorithms")).set_index("model")


def test_green_algorithms_values(green):
    assert "Any" not in green.index  # the calculator's 200 W default, not a GPU
    assert green.loc["NVIDIA A100 80GB PCIe", ["canonical_model", "tdp_w"]].tolist() == ["a100-pcie-80gb", 300]
    assert green.loc["NVIDIA Tesla V100", "canonical_model"] == "v100-sxm"
    assert green.loc["TPU v3", ["vendor", "kind", "tdp_w"]].tolist() == ["Google", "tpu", 220]
    t4 = green.loc["NVIDIA Tesla T4"]
    assert (t4["release_year"], t4["process_nm"], t4["die_area_mm2"], t4["memory_gb"]) == (2018, 12, 545, 16)
    assert green.loc["AMD RX480", "reference"] == "techpowerup.com"
    assert len(green) == 5


def test_green_algorithms_output_validates():
    staged = green_algorithms.parse_accelerator_specs(fixture_source("green_algorithms"))
    validate("accelerator_specs", staged.assign(source_id="green_algorithms", source_vintage="2025-02-05"))


def test_green_algorithms_changed_unit_is_a_format_error(tmp_path):
    raw = edited_fixture_source(tmp_path, "green_algorithms", "TDP_gpu.csv", lambda t: t.replace("in cm2", "in mm2"))
    with pytest.raises(SourceFormatError, match="TDP_gpu.csv.*'in cm2'.*'in mm2'.*die_area"):
        green_algorithms.parse_accelerator_specs(raw)


# defaults_PUE.csv as Green Algorithms writes it: an index row, then the column names.
PUE_FILE = """index,>1,
provider,PUE,source
Unknown,1.56,2024 https://datacenter.uptimeinstitute.com/rs/711-RIA-145/images/2024.GlobalDataCenterSurvey.Report.pdf?version=0
gcp,1.12,https://www.nutanix.dev/2023/05/04/digging-into-data-center-efficiency-pue-and-the-impact-of-hci/
OVHcloud,1.09,https://www.nutanix.dev/2023/05/04/digging-into-data-center-efficiency-pue-and-the-impact-of-hci/"""


def _pue(tmp_path, text=PUE_FILE):
    (tmp_path / green_algorithms.PUE_DEFAULTS).write_text(text, encoding="utf-8")
    return green_algorithms.parse_datacenter_pue(fixture_source("green_algorithms", folder=tmp_path))


def test_green_algorithms_pue_default_and_providers(tmp_path):
    frame = _pue(tmp_path).set_index("entity")
    default = frame.loc["Uptime Institute global average (Green Algorithms default for an unknown provider)"]
    assert (default.scope, default.year, default.pue, default.citation_publisher) == (
        "industry",
        2024,
        1.56,
        "Uptime Institute",
    )
    assert default.citation_url.startswith("https://datacenter.uptimeinstitute.com/")
    google = frame.loc["Google Cloud Platform"]
    assert (google.scope, google.year, google.pue, google.citation_publisher) == ("provider", 2023, 1.12, "Nutanix")
    assert frame.loc["OVHcloud", "pue"] == 1.09  # a provider without a code keeps its name
    validate("datacenter_pue", frame.reset_index().assign(source_id="green_algorithms", source_vintage="2025-02-05"))


def test_green_algorithms_pue_without_a_year_is_an_error(tmp_path):
    with pytest.raises(SourceFormatError, match="defaults_PUE.csv.*states no year"):
        _pue(tmp_path, PUE_FILE.replace("2024 https://", "https://").replace("2024.Global", "Global"))


def test_green_algorithms_pue_renamed_column_is_an_error(tmp_path):
    with pytest.raises(SourceFormatError, match="PUE"):
        _pue(tmp_path, PUE_FILE.replace("provider,PUE,source", "provider,pue_value,source"))
