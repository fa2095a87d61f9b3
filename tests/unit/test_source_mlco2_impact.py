import shutil

import pandas as pd
import pytest

from conftest import FIXTURES, edited_fixture_source, fixture_source
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


@pytest.fixture(scope="module")
def mlco2():
    return mlco2_impact.parse_accelerator_specs(fixture_source("mlco2_impact")).set_index("model")


def test_mlco2_values_and_keys(mlco2):
    h100 = mlco2.loc["H100 SXM"]
    assert (h100["canonical_model"], h100["vendor"], h100["kind"]) == ("h100-sxm", "NVIDIA", "gpu")
    assert (h100["tdp_w"], h100["memory_gb"], h100["peak_tflops_fp32"], h100["peak_tflops_fp16"]) == (
        700,
        80,
        989,
        1979,
    )  # ' TFLOPS16' (leading space in the header) is read
    assert h100["reference"].startswith("https://resources.nvidia.com/")
    assert mlco2.loc["A100 PCIe 40/80GB", "canonical_model"] == "a100-pcie-40gb"  # memory column settles 40/80
    assert pd.isna(mlco2.loc["A100 PCIe 40/80GB", "peak_tflops_fp32"])
    assert mlco2.loc["TPUv3 Chip", ["vendor", "kind", "tdp_w"]].tolist() == ["Google", "tpu", 283]
    assert mlco2.loc["L40S", "peak_tflops_fp16"] == pytest.approx(362.05)  # 'unk' per-watt cells are ignored
    assert set(mlco2["source_file"]) == {"gpus.csv"}


def test_mlco2_short_a10g_row_keeps_memory_and_source(mlco2):
    a10g = mlco2.loc["A10G"]
    assert (a10g["tdp_w"], a10g["peak_tflops_fp32"], a10g["memory_gb"]) == (150, 31.52, 24)
    assert pd.isna(a10g["peak_tflops_fp16"])
    assert a10g["reference"] == "https://www.techpowerup.com/gpu-specs/a10g.c3798"


def test_mlco2_leaves_out_cpus_and_known_defects(mlco2):
    assert "Intel Xeon Gold 6148" not in mlco2.index
    assert "GTX 750" not in mlco2.index  # 250 W / 1111 TFLOPS / 24 GB are not a GTX 750's
    assert pd.isna(mlco2.loc["Tesla V100-SXM2-16GB", "tdp_w"])  # 250 W is the PCIe rating
    assert mlco2.loc["Tesla V100-SXM2-32GB", "tdp_w"] == 300
    assert pd.isna(mlco2.loc["TPUv3 Chip", "memory_gb"])  # 128 GB is a four-chip board
    assert mlco2.loc["Tesla M40 24GB", ["memory_gb", "canonical_model"]].tolist() == [24, "m40-24gb"]
    assert len(mlco2) == 8


def test_mlco2_output_validates():
    staged = mlco2_impact.parse_accelerator_specs(fixture_source("mlco2_impact"))
    validate("accelerator_specs", staged.assign(source_id="mlco2_impact", source_vintage="2026-02-26"))


def test_mlco2_unknown_type_is_a_format_error(tmp_path):
    raw = edited_fixture_source(tmp_path, "mlco2_impact", "gpus.csv", lambda t: t.replace("L40S,gpu,", "L40S,fpga,"))
    with pytest.raises(SourceFormatError, match="gpus.csv.*gpu, tpu or cpu.*'type'.*L40S"):
        mlco2_impact.parse_accelerator_specs(raw)


def test_mlco2_non_numeric_tdp_is_a_format_error(tmp_path):
    raw = edited_fixture_source(
        tmp_path, "mlco2_impact", "gpus.csv", lambda t: t.replace("H100 SXM,gpu,700,", "H100 SXM,gpu,7OO,")
    )
    with pytest.raises(SourceFormatError, match="gpus.csv.*non-numeric.*'tdp_watts'.*7OO"):
        mlco2_impact.parse_accelerator_specs(raw)


def test_mlco2_renamed_column_is_a_format_error(tmp_path):
    raw = edited_fixture_source(tmp_path, "mlco2_impact", "gpus.csv", lambda t: t.replace("tdp_watts", "tdp"))
    with pytest.raises(SourceFormatError, match="gpus.csv.*tdp_watts"):
        mlco2_impact.parse_accelerator_specs(raw)


def test_mlco2_row_two_fields_short_is_a_format_error(tmp_path):
    raw = edited_fixture_source(
        tmp_path,
        "mlco2_impact",
        "gpus.csv",
        lambda t: t.replace("L40S,gpu,350,183,362.05,unk,unk,48,", "L40S,gpu,350,183,48,"),
    )
    with pytest.raises(SourceFormatError, match="gpus.csv.*line 11 has 6 fields, the header 9"):
        mlco2_impact.parse_accelerator_specs(raw)


def test_mlco2_corrections_are_logged_as_parser_notes(caplog):
    with caplog.at_level("WARNING", logger="pipelines.sources"):
        mlco2_impact.parse_accelerator_specs(fixture_source("mlco2_impact"))
    notes = "\n".join(caplog.messages)
    assert "gpus.csv line 4 (A10G): one field short" in notes
    assert "'Tesla M40 24GB': memory 12 GB contradicts the name; 24 GB used" in notes
    assert "'GTX 750': row left out" in notes
    assert "'Tesla V100-SXM2-16GB': tdp_w left out: 250 W is the PCIe figure" in notes
