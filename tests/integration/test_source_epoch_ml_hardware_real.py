"""epoch_ml_hardware: the recorded Epoch AI ml_hardware.csv and gpu_clusters.csv."""

import pytest

from conftest import real_source
from pipelines.sources import epoch_ml_hardware

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def raw():
    return real_source(epoch_ml_hardware.SOURCE.id)


def test_h100_specs_from_ml_hardware_csv(raw):
    specs = epoch_ml_hardware.parse_accelerator_specs(raw).set_index("model")
    # ml_hardware.csv, 'NVIDIA H100 SXM5 80GB': TDP 700 W, 8e10 bytes, FP32 6.691e13 FLOP/s, FP16 tensor 9.894e14.
    h100 = specs.loc["NVIDIA H100 SXM5 80GB"]
    assert (h100["canonical_model"], h100["tdp_w"], h100["memory_gb"], h100["release_year"]) == (
        "h100-sxm",
        700,
        80,
        2022,
    )
    assert (h100["peak_tflops_fp32"], h100["peak_tflops_fp16"], h100["die_area_mm2"]) == (
        pytest.approx(66.91),
        pytest.approx(989.4),
        814,
    )
    assert len(specs) == 175


def test_clusters_from_gpu_clusters_csv(raw):
    clusters = epoch_ml_hardware.parse_gpu_clusters(raw).set_index("cluster_name")
    # gpu_clusters.csv, 'xAI Colossus 2 Memphis Phase 2': 330,000 GB200 + 220,000 GB300, 1,409.408 MW.
    colossus = clusters.loc["xAI Colossus 2 Memphis Phase 2"]
    assert (colossus["chip_count_primary"], colossus["chip_count_secondary"], colossus["ai_chip_count"]) == (
        330000,
        220000,
        550000,
    )
    assert colossus["power_capacity_mw"] == pytest.approx(1409.408)
    assert (colossus["owner"], colossus["status"]) == ("xAI", "planned")
    assert len(clusters) == 644
