"""epoch_ml_hardware on fixtures cut from Epoch's real files (same header, quoting and quirks).

ml_hardware.csv keeps multi-line quoted Notes, blank cells, a CPU row (MT-3000, 'Hybrid CPU')
and a chip without TDP or release date. gpu_clusters.csv keeps a name wrapped in literal
quotes, a row marked 'Possible Duplicate', a row repeated byte for byte, two clusters sharing
the anonymised name, and a decommissioning date written as YYYY-MM.
"""

import shutil

import pandas as pd
import pytest

from conftest import FIXTURES, fixture_source
from pipelines.errors import SourceFormatError
from pipelines.sources import epoch_ml_hardware as source
from pipelines.validation import validate

SOURCE_ID = "epoch_ml_hardware"


@pytest.fixture(scope="module")
def specs():
    return source.parse_accelerator_specs(fixture_source(SOURCE_ID)).set_index("model")


@pytest.fixture(scope="module")
def clusters():
    return source.parse_gpu_clusters(fixture_source(SOURCE_ID)).set_index("cluster_id")


def _edited(tmp_path, name, edit):
    shutil.copytree(FIXTURES / SOURCE_ID, tmp_path, dirs_exist_ok=True)
    path = tmp_path / name
    path.write_text(edit(path.read_text(encoding="utf-8")), encoding="utf-8")
    return fixture_source(SOURCE_ID, folder=tmp_path)


def test_specs_in_the_tables_units_under_shared_keys(specs):
    h100 = specs.loc["NVIDIA H100 SXM5 80GB"]
    assert (h100["canonical_model"], h100["vendor"], h100["kind"], h100["tdp_w"], h100["memory_gb"]) == (
        "h100-sxm",
        "NVIDIA",
        "gpu",
        700,
        80,
    )
    assert h100["peak_tflops_fp16"] == pytest.approx(989.4)  # 9.894e14 FLOP/s tensor FP16/BF16
    assert h100["release_year"] == 2022
    gaudi = specs.loc["Intel Habana Gaudi2"]
    assert (gaudi["canonical_model"], gaudi["vendor"], gaudi["kind"], gaudi["tdp_w"]) == (
        "gaudi-2",
        "Intel",
        "other",
        600,
    )
    assert specs.loc["Google TPU v5e", ["canonical_model", "kind", "tdp_w"]].tolist() == ["tpu-v5e", "tpu", 225]
    assert specs.loc["NVIDIA A100 SXM4 80 GB", "canonical_model"] == "a100-sxm-80gb"


def test_blank_cells_stay_empty_and_cpus_are_left_out(specs):
    ascend = specs.loc["Huawei Ascend 910B Pro"]
    assert pd.isna(ascend["tdp_w"]) and pd.isna(ascend["release_year"]) and ascend["vendor"] == "Huawei"
    assert "MT-3000" not in specs.index


def test_specs_validate(specs):
    validate("accelerator_specs", specs.reset_index().assign(source_id=SOURCE_ID, source_vintage="2026-07-18"))


def test_clusters_without_duplicates(clusters):
    assert "Middle East 100k Cluster" not in clusters.index  # marked 'Possible Duplicate' by Epoch
    assert len(clusters) == 6  # 9 rows less the possible duplicate and the repeated row
    assert clusters.index.is_unique


def test_cluster_fields_and_quirks(clusters):
    colossus = clusters.loc["xAI Colossus Memphis Phase 1"]
    assert (colossus["status"], colossus["certainty"], colossus["country"], colossus["power_capacity_mw"]) == (
        "existing",
        "confirmed",
        "United States of America",
        150.0,
    )
    assert colossus["first_operational_date"] == "2024-09-02" and colossus["chip_count_primary"] == 100_000
    assert "OpenAI/Microsoft Mt Pleasant, Wisconsin Phase 2" in clusters.index  # literal quotes stripped
    assert clusters.loc["Anonymized Chinese System #2", "status"] == "planned"
    assert clusters.loc["Preferred Networks MN-1b", "decommissioned_date"] == "2021-07-01"


def test_clusters_validate(clusters):
    validate("gpu_clusters", clusters.reset_index().assign(source_id=SOURCE_ID, source_vintage="2025-11-01"))


def test_non_numeric_tdp_is_a_format_error(tmp_path):
    raw = _edited(tmp_path, "ml_hardware.csv", lambda text: text.replace(",700.0,", ",seven hundred,", 1))
    with pytest.raises(SourceFormatError, match="ml_hardware.csv.*non-numeric.*TDP"):
        source.parse_accelerator_specs(raw)


def test_missing_power_column_is_a_format_error(tmp_path):
    raw = _edited(tmp_path, "gpu_clusters.csv", lambda text: text.replace("Power Capacity (MW)", "Power (MW)", 1))
    with pytest.raises(SourceFormatError, match="gpu_clusters.csv.*Power Capacity \\(MW\\)"):
        source.parse_gpu_clusters(raw)


def test_non_utf8_file_is_a_format_error(tmp_path):
    shutil.copytree(FIXTURES / SOURCE_ID, tmp_path, dirs_exist_ok=True)
    (tmp_path / "gpu_clusters.csv").write_bytes("Name,Status\nM\xfcnchen,Existing\n".encode("latin-1"))
    with pytest.raises(SourceFormatError, match="not UTF-8"):
        source.parse_gpu_clusters(fixture_source(SOURCE_ID, folder=tmp_path))
