"""Footprint calculations on the warehouse refreshed from the recorded sources (../shared/sources)."""

import json

import pytest

from conftest import query
from pipelines.cli import main
from pipelines.footprint import estimate

pytestmark = pytest.mark.integration

LB_TO_KG = 0.45359237


def test_default_pue_is_the_latest_uptime_average(built_warehouse):
    rows = query(built_warehouse, "select source_id, year, pue, citation_publisher from datacenter_pue_default")
    assert rows == [("green_algorithms", 2024, 1.56, "Uptime Institute")]


def test_done_when_command(built_warehouse, monkeypatch, capsys):
    monkeypatch.setenv("AIFOOTPRINT_WAREHOUSE", str(built_warehouse))
    assert (
        main(
            [
                "estimate",
                "--hardware",
                "H100 SXM",
                "--count",
                "8",
                "--hours",
                "24",
                "--zone",
                "FRA",
                "--year",
                "2022",
                "--format",
                "json",
            ]
        )
        == 0
    )
    result = json.loads(capsys.readouterr().out)
    inputs = {i["name"]: i for i in result["inputs"]}
    # 8 x 700 W x 24 h x PUE 1.56 = 209.664 kWh at France 2022 (OWID/Ember, lifecycle).
    assert result["results"]["energy_kwh"] == pytest.approx(209.664)
    assert inputs["tdp_w"]["value"] == 700 and inputs["tdp_w"]["source_id"] == "mlco2_impact"
    assert (inputs["intensity"]["value"], inputs["intensity"]["source_id"]) == (pytest.approx(78.55024), "owid_energy")
    assert result["results"]["operational_kgco2e"] == pytest.approx(209.664 * 78.55024 / 1000)
    # NVIDIA's HGX H100 PCF: 1,312 kg per 8-GPU board -> 164 kg per GPU, over 4 x 8760 h.
    assert inputs["embodied_kgco2e_per_device"]["value"] == pytest.approx(164)
    assert result["results"]["embodied_kgco2e"] == pytest.approx(8 * 164 * 24 / 35040)
    for name in ("tdp_w", "pue", "intensity", "embodied_kgco2e_per_device"):
        assert inputs[name]["origin"] == "default" and inputs[name]["source_vintage"], name


def test_published_cases_with_real_hardware(built_warehouse):
    gpt4 = estimate(
        "A100",
        count=3125,
        hours=2160,
        power_w=6500,
        pue=1.18,
        intensity=0.86 * LB_TO_KG * 1000,
        warehouse=built_warehouse,
    )
    assert gpt4.operational_kgco2e / 1000 == pytest.approx(20_196, rel=0.01)
    gpt3 = estimate("V100", count=10_000, hours=355.2, power_w=330, pue=1.1, intensity=429, warehouse=built_warehouse)
    assert (gpt3.energy_kwh / 1000, gpt3.operational_kgco2e / 1000) == (
        pytest.approx(1287, rel=0.01),
        pytest.approx(552, rel=0.01),
    )
    bloom = estimate(
        "A100 80GB", count=1, hours=1_082_990, power_w=400, pue=1.0, intensity=57, warehouse=built_warehouse
    )
    assert (bloom.energy_kwh / 1000, bloom.operational_kgco2e / 1000) == (
        pytest.approx(433, rel=0.01),
        pytest.approx(24.7, rel=0.01),
    )


def test_training_runs_resolve_their_hardware(built_warehouse):
    rows = dict(
        query(
            built_warehouse,
            """select distinct hardware, canonical_model from ai_training_runs
                                          where source_id <> 'epoch_ai_models'""",
        )
    )
    assert rows["H100-80GB"] == "h100-sxm" and rows["A100-80GB"] == "a100-sxm-80gb"
    assert all(rows.values()), rows
    epoch = dict(
        query(
            built_warehouse,
            """select distinct hardware, canonical_model from ai_training_runs
                                           where source_id = 'epoch_ai_models' and hardware is not null""",
        )
    )
    assert epoch["NVIDIA H100 SXM5 80GB"] == "h100-sxm" and epoch["Google TPU v3"] == "tpu-v3"
    # Several accelerator types in one name are never resolved to one of them.
    assert epoch["NVIDIA A100,NVIDIA H100 SXM5 80GB"] is None


def test_training_footprint_estimates_list_the_llama_runs_with_ratios(built_warehouse):
    rows = {
        r[0]: r[1:]
        for r in query(
            built_warehouse,
            """
        select model, device_hours_central, tdp_w, pue, zone_id, is_zone_assumed, estimated_operational_tco2e_central,
               reported_tco2e, tco2e_ratio
        from training_footprint_estimates where source_id = 'llama_model_cards'""",
        )
    }
    assert len(rows) == 19
    with_ratio = {m for m, r in rows.items() if r[-1] is not None}
    assert with_ratio == set(rows) - {"Llama 3.2 1B SpinQuant", "Llama 3.2 3B SpinQuant"}  # "Negligible"
    hours, tdp, pue, zone, assumed, estimated, reported, ratio = rows["Llama 3.1 405B"]
    # 30.84M GPU-h x 700 W x PUE 1.56, at the world average of 2024 (the card states no location).
    (world_2024,) = query(
        built_warehouse,
        """select gco2e_per_kwh from grid_carbon_intensity_preferred
                                              where zone_id = 'WLD' and year = 2024""",
    )[0]
    assert (hours, tdp, pue, zone, assumed) == (30.84e6, 700, 1.56, "WLD", True)
    assert estimated == pytest.approx(30.84e6 * 700 * 1.56 / 1e6 * world_2024 / 1000)
    assert ratio == pytest.approx(estimated / 8930)
    assert 1 < ratio < 3  # default PUE and world grid above Meta's own factors


def test_training_estimates_for_curated_runs(built_warehouse):
    rows = {
        r[0]: r[1:]
        for r in query(
            built_warehouse,
            """
        select model, zone_id, estimated_energy_mwh_central, reported_energy_mwh, energy_ratio, not_estimated_reason
        from training_footprint_estimates where source_id = 'curated_training_runs'""",
        )
    }
    zone, energy, reported, ratio, reason = rows["BLOOM 176B"]
    assert zone == "FRA" and energy == pytest.approx(1_082_990 * 400 * 1.56 / 1e6) and reason is None
    assert ratio == pytest.approx(energy / 433.196)
    assert rows["LLaMA (all models, ~5 months development)"][-1].startswith("no accelerator-hours")
