"""Usage records against the warehouse refreshed from the recorded sources (../shared/sources)."""

import pandas as pd
import pytest

from conftest import FIXTURES, query
from pipelines.cli import main

pytestmark = pytest.mark.integration

HERE = FIXTURES / "job_formats"


def test_codecarbon_run_in_france_by_hand(built_warehouse, monkeypatch, tmp_path):
    monkeypatch.setenv("AIFOOTPRINT_WAREHOUSE", str(built_warehouse))
    out = tmp_path / "out.csv"
    assert main(["estimate", "--jobs", str(HERE / "codecarbon_edited.csv"), "--out", str(out), "--skip-invalid"]) == 0
    run = pd.read_csv(out).set_index("project_name").loc["fr-a100"]
    # Our France 2024 intensity as the archive publishes it (OWID/Ember, lifecycle).
    ((fra_2024, source_id),) = query(
        built_warehouse,
        "select gco2e_per_kwh, source_id from grid_carbon_intensity "
        "where zone_id = 'FRA' and year = 2024 and source_id = "
        "'owid_energy'",
    )
    assert (run.intensity_source_id, run.intensity_resolution, run.year) == (source_id, "annual", 2024)
    assert run.gco2e_per_kwh == pytest.approx(fra_2024)
    # 2.92 kWh measured by CodeCarbon (IT energy, its pue 1) x our default PUE 1.56 (Uptime 2024) x FRA 2024.
    assert run.operational_kgco2e == pytest.approx(2.92 * 1.56 * fra_2024 / 1000)
    assert run.operational_to_tracker_ratio == pytest.approx(2.92 * 1.56 * fra_2024 / 1000 / 0.0896)
    # 4 A100 SXM4 80GB for 2 h: the embodied share of the preferred per-GPU figure over 4 years.
    ((per_gpu,),) = query(
        built_warehouse,
        "select kgco2e_per_device from accelerator_embodied_preferred where canonical_model = 'a100-sxm-80gb'",
    )
    assert run.embodied_kgco2e == pytest.approx(4 * per_gpu * 2 / (4 * 8760))


def test_codecarbon_cloud_region_uses_the_regions_own_intensity(built_warehouse, monkeypatch, tmp_path):
    monkeypatch.setenv("AIFOOTPRINT_WAREHOUSE", str(built_warehouse))
    out = tmp_path / "out.csv"
    assert main(["estimate", "--jobs", str(HERE / "codecarbon_v1.csv"), "--out", str(out)]) == 0
    frame = pd.read_csv(out).set_index("project_name")
    assert frame.loc["old-gcp", ["zone_id", "zone_basis"]].tolist() == ["gcp:europe-west1", "cloud region"]
    assert frame.loc["old-gcp", "intensity_source_id"] == "gcp_region_carbon"
    assert frame.loc["old-run", "zone_id"] == "FRA" and frame.loc["old-run", "year"] == 2021


def test_sacct_with_mapping_on_the_real_warehouse(built_warehouse, monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("AIFOOTPRINT_WAREHOUSE", str(built_warehouse))
    out = tmp_path / "out.csv"
    assert (
        main(
            [
                "estimate",
                "--jobs",
                str(HERE / "sacct.txt"),
                "--mapping",
                str(HERE / "mapping.toml"),
                "--out",
                str(out),
                "--skip-invalid",
            ]
        )
        == 0
    )
    job = pd.read_csv(out).set_index("slurm_job_id").loc["1001"]
    assert (job.canonical_model, job.tdp_w) == ("a100-sxm-80gb", 400)
    assert job.energy_kwh == pytest.approx(8 * 400 * 10 * 1.2 / 1000)
