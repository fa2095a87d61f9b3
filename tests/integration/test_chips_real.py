"""Chips and hardware tables from the recorded sources in ../shared/sources."""

import duckdb
import pytest

from conftest import query
from pipelines.errors import UnknownHardwareError
from pipelines.hardware import resolve_accelerator

pytestmark = pytest.mark.integration


def test_h100_sxm_in_mlco2_impact(built_warehouse):
    rows = query(
        built_warehouse,
        """select canonical_model, tdp_w, memory_gb, peak_tflops_fp16, source_vintage
                                     from accelerator_specs where source_id = 'mlco2_impact' and model = 'H100 SXM'""",
    )
    assert rows == [("h100-sxm", 700.0, 80.0, 1979.0, "2026-02-26")]


def test_every_spec_source_is_published(built_warehouse):
    counts = dict(query(built_warehouse, "select source_id, count(*) from accelerator_specs group by 1"))
    assert counts == {
        "mlco2_impact": 39,
        "green_algorithms": 21,
        "boavizta": 8,
        "curated_chips": 11,
        "epoch_ml_hardware": 175,
    }  # Epoch's 176 chips less the one CPU


def test_preferred_covers_at_least_150_accelerators_with_a_tdp_once_each(built_warehouse):
    (models, keys, with_tdp) = query(
        built_warehouse,
        """select count(*), count(distinct canonical_model),
                                                         count(tdp_w) from accelerator_specs_preferred""",
    )[0]
    assert models == keys and with_tdp >= 150


def test_preferred_h100_combines_sources(built_warehouse):
    row = query(
        built_warehouse,
        """select model, tdp_w, memory_gb, mass_kg, source_id, filled_from
                                    from accelerator_specs_preferred where canonical_model = 'h100-sxm'""",
    )[0]
    assert row == (
        "H100 SXM",
        700.0,
        80.0,
        pytest.approx(1.69),
        "mlco2_impact",
        "release_year: epoch_ml_hardware; mass_kg: boavizta",
    )


def test_v100_16gb_tdp_comes_from_the_datasheet_not_the_swapped_figures(built_warehouse):
    rows = dict(
        query(
            built_warehouse,
            """select canonical_model, tdp_w from accelerator_specs_preferred
                                          where canonical_model in ('v100-sxm-16gb', 'v100-pcie-16gb')""",
        )
    )
    assert rows == {"v100-sxm-16gb": 300.0, "v100-pcie-16gb": 250.0}


@pytest.mark.parametrize(
    "name, key, tdp_w",
    [
        ("H100", "h100-sxm", 700),
        ("A100 80GB", "a100-sxm-80gb", 400),
        ("V100", "v100-sxm", 300),
        ("TPU v3", "tpu-v3", 283),
        ("NVIDIA A100", "a100-sxm-80gb", 400),
        ("Google TPU v2", "tpu-v2", 221),
        ("MI300X", "mi300x", 750),
        ("TPU v5e", "tpu-v5e", 225),
        ("Gaudi 2", "gaudi-2", 600),
        ("B200", "b200", 1000),
        ("Nvidia H100 80G", "h100-sxm", 700),
    ],
)
def test_names_resolve_in_the_warehouse(built_warehouse, name, key, tdp_w):
    with duckdb.connect(str(built_warehouse / "aifootprint.duckdb"), read_only=True) as con:
        match = resolve_accelerator(con, name)
    assert (match.canonical_model, match.tdp_w) == (key, tdp_w)


def test_nonsense_is_rejected_with_suggestions(built_warehouse):
    with duckdb.connect(str(built_warehouse / "aifootprint.duckdb"), read_only=True) as con:
        with pytest.raises(UnknownHardwareError) as error:
            resolve_accelerator(con, "banana9000")
    assert len(error.value.suggestions) == 5


def test_every_shipments_row_has_a_url(built_warehouse):
    (rows, with_url) = query(
        built_warehouse,
        """select count(*), count(*) filter (where citation_url like 'http%')
                                                 from accelerator_shipments""",
    )[0]
    assert rows == with_url == 23
    assert query(
        built_warehouse,
        """select units_low from accelerator_shipments where vendor = 'NVIDIA'
                                     and period = '2023' and metric = 'units_shipped'""",
    ) == [(3760000.0,)]


def test_embodied_table_and_preferred_view(built_warehouse):
    counts = dict(query(built_warehouse, "select source_id, count(*) from hardware_embodied_emissions group by 1"))
    assert counts == {"boavizta": 8, "curated_chips": 12}
    preferred = {
        row[0]: row[1:]
        for row in query(
            built_warehouse,
            """select canonical_model, kgco2e_per_device,
                 source_id from accelerator_embodied_preferred""",
        )
    }
    assert preferred["h100-sxm"] == (164.0, "curated_chips")  # NVIDIA's PCF over Boavizta's 572 kg
    assert preferred["a100-sxm-40gb"] == (127.6, "curated_chips")  # LCA study over Boavizta's 271 kg
    assert preferred["l4"] == (pytest.approx(113.3336, abs=1e-3), "boavizta")
