"""The preferred views of warehouse/sql/20_hardware.sql and 21_hardware_embodied.sql on small tables."""

import duckdb
import pandas as pd
import pytest

from pipelines import hardware, settings, source_priority
from pipelines.sources import priority_ranks

SPEC_COLUMNS = [
    "source_id",
    "source_vintage",
    "vendor",
    "model",
    "canonical_model",
    "kind",
    "tdp_w",
    "memory_gb",
    "release_year",
    "peak_tflops_fp32",
    "peak_tflops_fp16",
    "process_nm",
    "die_area_mm2",
    "mass_kg",
    "reference",
    "source_file",
]


def _spec(source_id, model, key, tdp=None, memory=None, mass=None, fp16=None, vintage="2026-01-01"):
    return [
        source_id,
        vintage,
        "NVIDIA",
        model,
        key,
        "gpu",
        tdp,
        memory,
        None,
        None,
        fp16,
        None,
        None,
        mass,
        None,
        "f.csv",
    ]


@pytest.fixture
def con():
    specs = pd.DataFrame(
        [
            _spec("boavizta", "NVIDIA H100 SXM 80GB", "h100-sxm", memory=80, mass=1.69, vintage="2026-05-29"),
            _spec("mlco2_impact", "H100 SXM", "h100-sxm", tdp=700, memory=80, fp16=1979, vintage="2026-02-26"),
            _spec("green_algorithms", "TPU v3", "tpu-v3", tdp=220),
            _spec("mlco2_impact", "TPUv3 Chip", "tpu-v3", tdp=283),
            _spec("boavizta", "NVIDIA A100 SXM4 40GB", "a100-sxm-40gb", memory=40, mass=1.56),
            _spec("curated_chips", "NVIDIA A100 SXM4 40GB", "a100-sxm-40gb", tdp=400, memory=40),
            _spec("some_new_source", "L4", "l4", tdp=72),
        ],
        columns=SPEC_COLUMNS,
    )
    embodied = pd.DataFrame(
        [
            ("boavizta", "h100-sxm", 572.1, "cradle-to-gate", "parametric_model", None),
            ("curated_chips", "h100-sxm", 164.0, "cradle-to-gate", "manufacturer_pcf", "2025-07"),
            ("curated_chips", None, 1312.0, "cradle-to-gate", "manufacturer_pcf", "2025-07"),
            ("boavizta", "a100-pcie-40gb", 273.5, "cradle-to-gate", "parametric_model", None),
            (
                "curated_chips",
                "a100-pcie-40gb",
                181.0,
                "manufacturing + distribution + end-of-life",
                "parametric_model",
                "2026",
            ),
            ("curated_chips", "a100-sxm-80gb", 150.0, "embodied (manufacturing)", "estimate", "2022-11-03"),
        ],
        columns=["source_id", "canonical_model", "embodied_kgco2e", "boundary", "method_type", "citation_published"],
    )
    embodied = embodied.assign(
        item=[f"item {i}" for i in range(len(embodied))], method="m", source_vintage="2026-01-01", citation_url=None
    )
    connection = duckdb.connect()
    connection.register("specs_frame", specs)
    connection.register("embodied_frame", embodied)
    connection.execute("create table accelerator_specs as select * from specs_frame")
    connection.execute("create table hardware_embodied_emissions as select * from embodied_frame")
    source_priority.create_table(connection)
    for name in ("20_hardware.sql", "21_hardware_embodied.sql"):
        connection.execute((settings.sql_dir() / name).read_text(encoding="utf-8"))
    yield connection
    connection.close()


def _preferred(con, key):
    frame = con.execute("select * from accelerator_specs_preferred where canonical_model = ?", [key]).fetchdf()
    assert len(frame) == 1
    return frame.iloc[0]


def test_one_row_per_canonical_model(con):
    keys = [row[0] for row in con.execute("select canonical_model from accelerator_specs_preferred").fetchall()]
    assert sorted(keys) == ["a100-sxm-40gb", "h100-sxm", "l4", "tpu-v3"]


def test_columns_other_developers_read(con):
    columns = [row[0] for row in con.execute("describe accelerator_specs_preferred").fetchall()]
    assert columns[:12] == [
        "canonical_model",
        "vendor",
        "model",
        "kind",
        "tdp_w",
        "memory_gb",
        "release_year",
        "peak_tflops_fp16",
        "peak_tflops_fp32",
        "mass_kg",
        "source_id",
        "source_vintage",
    ]
    columns = [row[0] for row in con.execute("describe accelerator_embodied_preferred").fetchall()]
    assert columns[:6] == ["canonical_model", "kgco2e_per_device", "boundary", "method", "source_id", "source_vintage"]


def test_priority_picks_the_row_and_fills_columns_it_lacks(con):
    h100 = _preferred(con, "h100-sxm")
    assert (h100["model"], h100["source_id"], h100["source_vintage"]) == ("H100 SXM", "mlco2_impact", "2026-02-26")
    assert (h100["tdp_w"], h100["memory_gb"], h100["peak_tflops_fp16"]) == (700, 80, 1979)
    assert h100["mass_kg"] == pytest.approx(1.69)  # from Boavizta, said so:
    assert h100["filled_from"] == "mass_kg: boavizta"
    assert _preferred(con, "tpu-v3")["tdp_w"] == 283  # ML CO2 Impact outranks Green Algorithms


def test_curated_datasheet_figures_only_fill_gaps(con):
    a100 = _preferred(con, "a100-sxm-40gb")
    assert (a100["source_id"], a100["tdp_w"], a100["tdp_source_id"]) == ("boavizta", 400, "curated_chips")
    assert a100["filled_from"] == "tdp_w: curated_chips"
    assert _preferred(con, "l4")["source_id"] == "some_new_source"  # unranked sources still count, last


def test_sql_priority_is_the_ranks_the_sources_declare(con):
    ranked = con.execute(
        "select source_id, priority_rank from accelerator_source_priority order by priority_rank"
    ).fetchall()
    assert ranked == [
        ("mlco2_impact", 1),
        ("green_algorithms", 2),
        ("boavizta", 3),
        ("epoch_ml_hardware", 4),
        ("curated_chips", 5),
    ]
    assert dict(ranked) == priority_ranks("accelerator_specs")


def test_resolve_reads_the_view(con):
    match = hardware.resolve_accelerator(con, "NVIDIA H100 SXM5 80GB")
    assert (match.canonical_model, match.tdp_w, match.source_id) == ("h100-sxm", 700, "mlco2_impact")


def test_embodied_prefers_manufacturer_pcf_then_curated_then_cradle_to_gate(con):
    rows = dict(con.execute("select canonical_model, kgco2e_per_device from accelerator_embodied_preferred").fetchall())
    assert rows == {"h100-sxm": 164.0, "a100-pcie-40gb": 181.0, "a100-sxm-80gb": 150.0}  # baseboard row excluded


def test_tdp_disagreements_macro(con):
    rows = con.execute("from accelerator_tdp_disagreements(0.2)").fetchdf()
    # TPU v3: 220 vs 283 W, spread 63 / 251.5 = 0.25
    assert rows["canonical_model"].tolist() == ["tpu-v3"]
    assert rows["relative_spread"].iloc[0] == pytest.approx(0.25, abs=1e-3)
    assert con.execute("from accelerator_tdp_disagreements(0.3)").fetchall() == []
