"""Hardware parsers of mlco2_impact, green_algorithms, boavizta and curated_chips on small fixtures."""

import shutil

import pandas as pd
import pytest

from conftest import FIXTURES, fixture_source
from pipelines import archive, settings
from pipelines.errors import SourceFormatError, ValidationError
from pipelines.sources import boavizta, curated_chips, green_algorithms, mlco2_impact
from pipelines.validation import validate


def _edited(tmp_path, source_id, file, edit):
    shutil.copytree(FIXTURES / source_id, tmp_path, dirs_exist_ok=True)
    path = tmp_path / file
    path.write_text(edit(path.read_text(encoding="utf-8")), encoding="utf-8")
    return fixture_source(source_id, folder=tmp_path)


# --- ML CO2 Impact gpus.csv ------------------------------------------------------------------------


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
    raw = _edited(tmp_path, "mlco2_impact", "gpus.csv", lambda t: t.replace("L40S,gpu,", "L40S,fpga,"))
    with pytest.raises(SourceFormatError, match="gpus.csv.*gpu, tpu or cpu.*'type'.*L40S"):
        mlco2_impact.parse_accelerator_specs(raw)


def test_mlco2_non_numeric_tdp_is_a_format_error(tmp_path):
    raw = _edited(tmp_path, "mlco2_impact", "gpus.csv", lambda t: t.replace("H100 SXM,gpu,700,", "H100 SXM,gpu,7OO,"))
    with pytest.raises(SourceFormatError, match="gpus.csv.*non-numeric.*'tdp_watts'.*7OO"):
        mlco2_impact.parse_accelerator_specs(raw)


def test_mlco2_renamed_column_is_a_format_error(tmp_path):
    raw = _edited(tmp_path, "mlco2_impact", "gpus.csv", lambda t: t.replace("tdp_watts", "tdp"))
    with pytest.raises(SourceFormatError, match="gpus.csv.*tdp_watts"):
        mlco2_impact.parse_accelerator_specs(raw)


def test_mlco2_row_two_fields_short_is_a_format_error(tmp_path):
    raw = _edited(
        tmp_path,
        "mlco2_impact",
        "gpus.csv",
        lambda t: t.replace("L40S,gpu,350,183,362.05,unk,unk,48,", "L40S,gpu,350,183,48,"),
    )
    with pytest.raises(SourceFormatError, match="gpus.csv.*line 11 has 6 fields, the header 9"):
        mlco2_impact.parse_accelerator_specs(raw)


# --- Green Algorithms TDP_gpu.csv ------------------------------------------------------------------


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
    raw = _edited(tmp_path, "green_algorithms", "TDP_gpu.csv", lambda t: t.replace("in cm2", "in mm2"))
    with pytest.raises(SourceFormatError, match="TDP_gpu.csv.*'in cm2'.*'in mm2'.*die_area"):
        green_algorithms.parse_accelerator_specs(raw)


# --- Boavizta gpu_specs.csv and factors.yml -------------------------------------------------------


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
    raw = _edited(tmp_path, "boavizta", "gpu_specs.csv", lambda t: t.replace(",390.96,", ",,"))
    with caplog.at_level("WARNING", logger="pipelines.sources"):
        embodied = boavizta.parse_hardware_embodied(raw)
    assert "l4" not in set(embodied["canonical_model"]) and len(embodied) == 2
    assert "'NVIDIA L4': left out of the embodied model" in caplog.text


def test_boavizta_missing_factor_is_a_format_error(tmp_path):
    raw = _edited(tmp_path, "boavizta", "factors.yml", lambda t: t.replace('"heatsink"', '"heat_sink"'))
    with pytest.raises(SourceFormatError, match="factors.yml.*gpu.heatsink.manufacture.gwp.impact"):
        boavizta.parse_hardware_embodied(raw)


# --- curated_chips ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def curated():
    return archive.resolve_curated(settings.curated_dir(), curated_chips.SOURCE)


def test_curated_shipments_validate_and_cite_every_row(curated):
    shipments = validate(
        "accelerator_shipments",
        curated_chips.parse_shipments(curated).assign(source_id="curated_chips", source_vintage=curated_chips.COMPILED),
    )
    assert shipments["citation_url"].str.match(r"^https?://").all()
    nvidia_2023 = shipments.query("vendor == 'NVIDIA' and period == '2023' and metric == 'units_shipped'")
    assert nvidia_2023["units_low"].tolist() == [3_760_000]
    assert set(shipments.query("is_forecast")["period"]) == {"2024"}
    assert set(shipments["metric"]) == {"units_shipped", "units_purchased", "datacenter_revenue"}


def test_curated_embodied_keys_are_canonical(curated):
    embodied = curated_chips.parse_embodied(curated).set_index("item")
    per_gpu = embodied.loc["NVIDIA H100 SXM, per GPU (1/8 of HGX H100 baseboard)"]
    assert (per_gpu["canonical_model"], per_gpu["embodied_kgco2e"], per_gpu["method_type"]) == (
        "h100-sxm",
        164,
        "manufacturer_pcf",
    )
    assert pd.isna(embodied.loc["NVIDIA HGX H100 GPU baseboard (8x H100 SXM5)", "canonical_model"])
    validate(
        "hardware_embodied_emissions",
        embodied.reset_index().assign(source_id="curated_chips", source_vintage=curated_chips.COMPILED),
    )


def test_curated_specs_fill_models_the_open_datasets_lack(curated):
    specs = curated_chips.parse_specs(curated).set_index("canonical_model")
    assert specs.loc["mi300x", ["vendor", "tdp_w", "memory_gb"]].tolist() == ["AMD", 750, 192]
    assert specs.loc["v100-sxm-16gb", "tdp_w"] == 300 and specs.loc["v100-pcie-16gb", "tdp_w"] == 250
    assert specs["reference"].str.match(r"^https?://").all()
    validate(
        "accelerator_specs",
        specs.reset_index().assign(source_id="curated_chips", source_vintage=curated_chips.COMPILED),
    )


def test_curated_key_that_is_not_canonical_is_a_format_error(tmp_path):
    shutil.copy(settings.curated_dir() / curated_chips.EMBODIED, tmp_path / curated_chips.EMBODIED)
    path = tmp_path / curated_chips.EMBODIED
    path.write_text(path.read_text(encoding="utf-8").replace(",h100-sxm,164,", ",H100 SXM5,164,"), encoding="utf-8")
    raw = archive.resolve_curated(
        tmp_path,
        curated_chips.SOURCE.__class__(
            **{**curated_chips.SOURCE.__dict__, "files": (curated_chips.SOURCE.file(curated_chips.EMBODIED),)}
        ),
    )
    with pytest.raises(SourceFormatError, match="canonical_model is not a canonical key.*H100 SXM5"):
        curated_chips.parse_embodied(raw)


def test_shipments_schema_requires_a_url_and_ordered_bounds(curated):
    shipments = curated_chips.parse_shipments(curated).assign(source_id="curated_chips", source_vintage="2026-11-25")
    with pytest.raises(ValidationError, match="column 'citation_url' failed str_matches"):
        validate(
            "accelerator_shipments",
            shipments.assign(
                citation_url=shipments["citation_url"].mask(shipments.index == 0, "example.org/no-scheme")
            ),
        )
    with pytest.raises(ValidationError, match="a row of a curated source without its citation"):
        validate(
            "accelerator_shipments",
            shipments.assign(citation_url=shipments["citation_url"].where(shipments.index != 0)),
        )
    with pytest.raises(ValidationError, match="column 'units_high' failed high_not_below_low"):
        validate("accelerator_shipments", shipments.assign(units_high=shipments["units_low"] - 1))


def test_mlco2_corrections_are_logged_as_parser_notes(caplog):
    with caplog.at_level("WARNING", logger="pipelines.sources"):
        mlco2_impact.parse_accelerator_specs(fixture_source("mlco2_impact"))
    notes = "\n".join(caplog.messages)
    assert "gpus.csv line 4 (A10G): one field short" in notes
    assert "'Tesla M40 24GB': memory 12 GB contradicts the name; 24 GB used" in notes
    assert "'GTX 750': row left out" in notes
    assert "'Tesla V100-SXM2-16GB': tdp_w left out: 250 W is the PCIe figure" in notes
