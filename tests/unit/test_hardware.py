"""Accelerator names: the canonical key and forgiving lookup."""

import pandas as pd
import pytest

from pipelines import hardware
from pipelines.errors import AifootprintError, UnknownHardwareError
from pipelines.hardware import canonical_model, resolve_accelerator


@pytest.mark.parametrize(
    "name", ["H100 SXM", "NVIDIA H100 SXM5 80GB", "H100-80GB", "H100", "nvidia h100 sxm5", "NVIDIA H100 SXM 80GB"]
)
def test_h100_spellings_share_one_key(name):
    assert canonical_model(name) == "h100-sxm"


@pytest.mark.parametrize(
    "name, key",
    [
        ("H100 NVL", "h100-nvl"),
        ("H100 PCIe", "h100-pcie"),
        ("A100 SXM4 80 GB", "a100-sxm-80gb"),
        ("A100 80GB", "a100-sxm-80gb"),  # A100 defaults to SXM
        ("NVIDIA A100 40GB PCIe", "a100-pcie-40gb"),
        ("NVIDIA A100 PCIe 40GB", "a100-pcie-40gb"),
        ("Tesla V100-PCIE-16GB", "v100-pcie-16gb"),
        ("Tesla V100-SXM2-32GB", "v100-sxm-32gb"),
        ("NVIDIA Tesla V100", "v100-sxm"),  # no memory stated: no memory in the key
        ("Tesla M40 24GB", "m40-24gb"),
        ("TPUv3 Chip", "tpu-v3"),
        ("TPU v3", "tpu-v3"),
        ("Google TPU v3", "tpu-v3"),
        ("AMD RX480", "rx-480"),
        ("Jetson AGX Xavier", "agx-xavier"),
        ("GIGABYTE GTX 1660 OC", "gtx-1660"),
        ("RTX 3080 TI", "rtx-3080-ti"),
        ("Quadro RTX 8000", "rtx-8000"),
        ("L40S 48GB", "l40s"),  # single-memory model: the memory is dropped
        ("AMD Instinct MI300X", "mi300x"),
        ("Intel Data Center GPU Max 1550", "max-1550"),
    ],
)
def test_canonical_keys(name, key):
    assert canonical_model(name) == key


def test_memory_column_only_settles_a_name_that_lists_several_sizes():
    assert canonical_model("A100 PCIe 40/80GB", memory_gb=40) == "a100-pcie-40gb"
    assert canonical_model("A100 PCIe 40/80GB") == "a100-pcie"
    # A memory column does not split sources that name the model alike.
    assert canonical_model("Tesla P100", memory_gb=16) == canonical_model("NVIDIA Tesla P100") == "p100"


def test_key_is_stable_under_canonicalisation():
    for key in ("h100-sxm", "a100-sxm-80gb", "v100-pcie-16gb", "tpu-v3", "rtx-3080-ti", "b200"):
        assert canonical_model(key) == key


def test_vendor_and_kind_from_the_name():
    assert hardware.infer_vendor("TPUv2 Chip") == "Google"
    assert hardware.infer_vendor("AMD RX480") == "AMD"
    assert hardware.infer_vendor("Tesla K80") == "NVIDIA"
    assert hardware.infer_vendor("A10G") == "NVIDIA"
    assert hardware.infer_kind("TPU v4") == "tpu"
    assert hardware.infer_kind("L4") == "gpu"


def _preferred() -> pd.DataFrame:
    rows = [
        ("h100-sxm", "H100 SXM", "NVIDIA", "gpu", 700.0, 80.0, "mlco2_impact", "2026-02-26"),
        ("a100-sxm-40gb", "NVIDIA A100 SXM4 40GB", "NVIDIA", "gpu", 400.0, 40.0, "boavizta", "2026-05-29"),
        ("a100-sxm-80gb", "A100 SXM4 80 GB", "NVIDIA", "gpu", 400.0, 80.0, "mlco2_impact", "2026-02-26"),
        ("a100-pcie-40gb", "A100 PCIe 40/80GB", "NVIDIA", "gpu", 250.0, 40.0, "mlco2_impact", "2026-02-26"),
        ("v100-sxm", "NVIDIA Tesla V100", "NVIDIA", "gpu", 300.0, None, "green_algorithms", "2025-02-05"),
        ("v100-pcie-16gb", "Tesla V100-PCIE-16GB", "NVIDIA", "gpu", 250.0, 16.0, "mlco2_impact", "2026-02-26"),
        ("tpu-v3", "TPUv3 Chip", "Google", "tpu", 283.0, None, "mlco2_impact", "2026-02-26"),
        ("rtx-3090", "RTX 3090", "NVIDIA", "gpu", 350.0, 24.0, "mlco2_impact", "2026-02-26"),
    ]
    return pd.DataFrame(
        rows,
        columns=["canonical_model", "model", "vendor", "kind", "tdp_w", "memory_gb", "source_id", "source_vintage"],
    )


@pytest.mark.parametrize(
    "name, key, how",
    [
        ("H100", "h100-sxm", "exact"),
        ("nvidia H100-80GB", "h100-sxm", "exact"),
        ("A100 80GB", "a100-sxm-80gb", "exact"),
        ("A100", "a100-sxm-80gb", "default_memory"),  # FAMILY_DEFAULT_MEMORY: A100 -> 80 GB
        ("A100 40GB", "a100-sxm-40gb", "exact"),
        ("V100", "v100-sxm", "exact"),
        ("Tesla V100 PCIe", "v100-pcie-16gb", "only_variant"),
        ("TPU v3", "tpu-v3", "exact"),
        ("Google TPU v3", "tpu-v3", "exact"),
        ("  rtx3090  ", "rtx-3090", "exact"),
    ],
)
def test_resolve_is_forgiving_and_says_what_it_matched(name, key, how):
    match = resolve_accelerator(_preferred(), name)
    assert (match.canonical_model, match.how, match.query) == (key, how, name)


def test_resolve_returns_the_row_it_matched():
    match = resolve_accelerator(_preferred(), "A100 80GB")
    assert (
        match.matched_name,
        match.vendor,
        match.kind,
        match.tdp_w,
        match.memory_gb,
        match.source_id,
        match.source_vintage,
    ) == ("A100 SXM4 80 GB", "NVIDIA", "gpu", 400.0, 80.0, "mlco2_impact", "2026-02-26")
    assert resolve_accelerator(_preferred(), "V100").memory_gb is None


def test_unknown_name_lists_closest_matches():
    with pytest.raises(UnknownHardwareError) as error:
        resolve_accelerator(_preferred(), "banana9000")
    assert isinstance(error.value, AifootprintError)
    assert len(error.value.suggestions) == 5
    assert set(error.value.suggestions) <= set(_preferred()["canonical_model"])
    assert "banana9000" in str(error.value) and "closest matches" in str(error.value)


def test_near_miss_suggests_the_right_model_first():
    with pytest.raises(UnknownHardwareError) as error:
        resolve_accelerator(_preferred(), "H100 PCIe")  # not in the data: no silent swap to SXM
    assert error.value.suggestions[0] == "h100-sxm"


def test_ambiguous_family_lists_its_variants():
    frame = _preferred()[lambda f: f["canonical_model"] != "a100-sxm-80gb"]
    frame = pd.concat(
        [frame, frame[frame["canonical_model"] == "a100-sxm-40gb"].assign(canonical_model="a100-sxm-64gb")]
    )
    with pytest.raises(UnknownHardwareError, match="ambiguous") as error:
        resolve_accelerator(frame, "A100")
    assert error.value.suggestions == ["a100-sxm-40gb", "a100-sxm-64gb"]


def test_specs_rows_reduce_by_source_priority():
    specs = pd.DataFrame(
        [
            ("tpu-v3", "TPU v3", "Google", "tpu", 220.0, None, "green_algorithms", "2025-02-05"),
            ("tpu-v3", "TPUv3 Chip", "Google", "tpu", 283.0, None, "mlco2_impact", "2026-02-26"),
        ],
        columns=["canonical_model", "model", "vendor", "kind", "tdp_w", "memory_gb", "source_id", "source_vintage"],
    )
    match = resolve_accelerator(specs, "TPU v3")
    assert (match.source_id, match.tdp_w) == ("mlco2_impact", 283.0)


def test_epoch_style_names_share_keys_with_the_other_sources():
    from pipelines.hardware import canonical_model, with_stated_memory

    assert canonical_model("Intel Habana Gaudi2") == canonical_model("Gaudi 2") == "gaudi-2"
    assert canonical_model("Nvidia H100 80G") == canonical_model("H100 SXM") == "h100-sxm"
    assert canonical_model("NVIDIA B200 GPUs") == canonical_model("B200") == "b200"
    assert canonical_model("NVIDIA A10G") == "a10g"  # the 10G is the model, not memory
    # A generic name of a multi-memory model takes its memory from the source's memory column.
    assert with_stated_memory(canonical_model("NVIDIA A100"), 40.0) == "a100-sxm-40gb"
    assert with_stated_memory("a100-sxm-80gb", 40.0) == "a100-sxm-80gb"
    assert with_stated_memory("h100-sxm", 80.0) == "h100-sxm"
    assert with_stated_memory("v100-sxm", float("nan")) == "v100-sxm"
