"""Inference measurements, hourly and monthly grid intensity, time-resolved and inference estimates,
the greenest window and licence-aware releases, on the warehouse refreshed from ../shared/sources."""

import json
import shutil

import duckdb
import pandas as pd
import pyarrow.parquet as pq
import pytest

from conftest import query
from pipelines.cli import main
from pipelines.inference import estimate_inference
from pipelines.release import build_release
from pipelines.timeresolved import estimate_at, greenest_window

pytestmark = pytest.mark.integration


def test_published_tables(built_warehouse):
    counts = dict(query(built_warehouse, "select source_id, count(*) from inference_energy_measurements group by 1"))
    assert counts == {"mlenergy_leaderboard": 1858, "ai_energy_score": 166, "curated_inference": 4}
    hourly = dict(query(built_warehouse, "select source_id, count(*) from grid_intensity_hourly group by 1"))
    assert hourly == {"emaps_hourly": 12 * 8760, "oge_hourly_ba": 3 * 8760}
    assert query(built_warehouse, "select count(*) from grid_hourly_gaps") == [(0,)]


def test_hourly_means_de_and_fr_2023(built_warehouse):
    means = dict(
        query(
            built_warehouse,
            """
        select zone_id, mean_gco2e_per_kwh from grid_hourly_annual_means
        where year = 2023 and basis = 'direct' and source_id = 'emaps_hourly' and zone_id in ('DEU', 'FRA')""",
        )
    )
    assert means["DEU"] == pytest.approx(308, abs=1)
    assert means["FRA"] == pytest.approx(30, abs=1)
    # Poland's recorded year is 2022; IN-WE is Western India, kept apart from IND.
    assert query(built_warehouse, "select distinct year from grid_intensity_hourly where zone_id = 'POL'") == [(2022,)]
    assert query(
        built_warehouse, "select distinct country_zone_id, zone_type from grid_intensity_hourly where zone_id = 'IN-WE'"
    ) == [("IND", "subregion")]
    oge = query(
        built_warehouse,
        "select mean_gco2e_per_kwh from grid_hourly_annual_means "
        "where source_id = 'oge_hourly_ba' and zone_id = 'US-CAL-CISO'",
    )
    assert oge[0][0] == pytest.approx(238.5, abs=0.5)  # CO2e rate 525.8 lb/MWh x 0.453592


def test_hourly_versus_annual_report(built_warehouse):
    rows = query(
        built_warehouse,
        """
        select relative_gap, same_area from grid_hourly_vs_annual
        where zone_id = 'DEU' and year = 2023 and hourly_basis = 'lifecycle' and annual_source_id = 'ember_monthly'""",
    )
    # Electricity Maps' consumption-based lifecycle mean (367.0) against Ember's 12 months of 2023.
    assert rows and rows[0][1] is True and abs(rows[0][0]) < 0.2


def test_24_hour_job_in_caiso_equals_the_sum_over_its_hours(built_warehouse):
    # 12 March 2023 is the day California moves its clocks: the job is keyed on UTC hours regardless.
    result = estimate_at(
        "H100 SXM", 4, 24, "2023-03-12T05:00Z", "US-CAL-CISO", basis="direct", pue=1.2, warehouse=built_warehouse
    )
    hours = query(
        built_warehouse,
        """
        select direct_gco2e_per_kwh from grid_intensity_hourly
        where zone_id = 'US-CAL-CISO' and source_id = 'emaps_hourly'
          and hour_start_utc >= '2023-03-12 05:00:00+00' and hour_start_utc < '2023-03-13 05:00:00+00'""",
    )
    assert len(hours) == 24
    energy_per_hour_kwh = 4 * 700 * 1.2 / 1000
    by_hand = sum(energy_per_hour_kwh * g / 1000 for (g,) in hours)
    assert result.estimate.energy_kwh == pytest.approx(24 * energy_per_hour_kwh)
    assert result.estimate.operational_kgco2e == pytest.approx(by_hand, rel=1e-9)
    assert result.window.resolution == "hourly" and result.window.basis == "direct"
    annual = query(
        built_warehouse,
        "select avg(direct_gco2e_per_kwh) from grid_intensity_hourly "
        "where zone_id = 'US-CAL-CISO' and source_id = 'emaps_hourly' and year = 2023",
    )[0][0]
    assert result.annual_average_operational_kgco2e == pytest.approx(24 * energy_per_hour_kwh * annual / 1000)


def test_start_falls_back_to_monthly_then_annual(built_warehouse):
    monthly = estimate_at("H100 SXM", 1, 8, "2024-07-01T10:00Z", "USA-CA", warehouse=built_warehouse)
    july = query(
        built_warehouse,
        "select gco2e_per_kwh from grid_intensity_monthly where zone_id = 'USA-CA' and year = 2024 and month = 7",
    )[0][0]
    assert monthly.window.resolution == "monthly" and monthly.window.gco2e_per_kwh == pytest.approx(july)
    annual = estimate_at("H100 SXM", 1, 8, "2030-01-01T00:00Z", "DE", warehouse=built_warehouse)
    assert annual.window.resolution == "annual" and annual.window.zone_id == "DEU"
    assert any("no monthly series" in note for note in annual.window.fallbacks)


def test_greenest_window_matches_a_brute_force_scan(built_warehouse):
    answer = greenest_window("DE", 8, basis="direct", warehouse=built_warehouse)
    series = pd.DataFrame(
        query(
            built_warehouse,
            """
        select hour_start_utc, direct_gco2e_per_kwh from grid_intensity_hourly
        where zone_id = 'DEU' and source_id = 'emaps_hourly' order by 1""",
        ),
        columns=["hour", "g"],
    )
    values = series["g"].tolist()
    means = [sum(values[i : i + 8]) / 8 for i in range(len(values) - 7)]
    best = min(range(len(means)), key=lambda i: (means[i], i))
    assert answer.starts_compared == len(means) == 8760 - 7
    assert answer.best_mean_gco2e_per_kwh == pytest.approx(means[best])
    assert pd.Timestamp(answer.best_start_utc) == pd.Timestamp(series["hour"][best])
    assert answer.average_start_mean_gco2e_per_kwh == pytest.approx(sum(means) / len(means))
    assert answer.worst_mean_gco2e_per_kwh == pytest.approx(max(means))
    assert answer.saving_vs_average_fraction == pytest.approx(1 - means[best] / (sum(means) / len(means)))


def test_inference_estimate_recomputed_by_hand(built_warehouse):
    result = estimate_inference(
        "Llama 3.1 8B Instruct",
        task="chat",
        requests=1000,
        hardware="H100",
        batch=64,
        pue=1.2,
        intensity=300,
        warehouse=built_warehouse,
    )
    (wh_per_request,) = query(
        built_warehouse,
        """
        select energy_wh_per_request from inference_energy_measurements
        where measurement_id = 'lm-arena-chat/meta-llama/Llama-3.1-8B-Instruct/H100x1/tp1-ep1-dp1/seqs64/bfloat16'""",
    )[0]
    (low, central, high) = query(
        built_warehouse,
        "select factor_low, factor_central, factor_high "
        "from inference_overhead_factors where factor_id = 'gpu_to_server'",
    )[0]
    r = result.results
    assert r["gpu_energy_kwh_central"] == pytest.approx(1000 * wh_per_request / 1000)
    assert r["energy_kwh_central"] == pytest.approx(1000 * wh_per_request * central * 1.2 / 1000)
    assert r["energy_kwh_low"] == pytest.approx(1000 * wh_per_request * low * 1.2 / 1000)
    assert r["energy_kwh_high"] == pytest.approx(1000 * wh_per_request * high * 1.2 / 1000)
    assert r["operational_kgco2e_central"] == pytest.approx(1000 * wh_per_request * central * 1.2 / 1000 * 300 / 1000)
    assert r["energy_wh_per_request_central"] == pytest.approx(wh_per_request * central * 1.2)


def test_inference_without_batch_spans_the_measured_batches(built_warehouse):
    result = estimate_inference(
        "8B", task="chat", requests=1e6, hardware="H100s", zone="Germany", warehouse=built_warehouse
    )
    r = result.results
    assert r["gpu_energy_kwh_low"] < r["gpu_energy_kwh_central"] < r["gpu_energy_kwh_high"]
    assert r["gpu_energy_kwh_high"] / r["gpu_energy_kwh_low"] > 3  # batch matters several-fold
    model = next(i for i in result.inputs if i.name == "model")
    assert model.value in ("Qwen/Qwen3-8B", "meta-llama/Llama-3.1-8B-Instruct") and "equally close" in model.source
    assert next(i for i in result.inputs if i.name == "zone").value == "DEU"


def test_unknown_model_lists_closest(built_warehouse):
    from pipelines.inference import UnknownModelError

    with pytest.raises(UnknownModelError, match="closest measured models: .*Llama"):
        estimate_inference("lama-3.1-8b-instrukt-xl", task="chat", requests=1, warehouse=built_warehouse)


def test_cli_answers_both_readme_questions(built_warehouse, monkeypatch, capsys):
    monkeypatch.setenv("AIFOOTPRINT_WAREHOUSE", str(built_warehouse))
    assert (
        main(
            [
                "estimate",
                "--model",
                "8B",
                "--task",
                "chat",
                "--requests",
                "1000000",
                "--hardware",
                "H100",
                "--zone",
                "Germany",
                "--format",
                "json",
            ]
        )
        == 0
    )
    inference = json.loads(capsys.readouterr().out)
    assert inference["results"]["energy_kwh_central"] > 0
    assert {i["name"] for i in inference["inputs"]} >= {"model", "batch", "gpu_to_server_factor", "pue", "intensity"}
    assert (
        main(
            [
                "estimate",
                "--hardware",
                "H100 SXM",
                "--count",
                "8",
                "--hours",
                "8",
                "--start",
                "2023-07-01T10:00Z",
                "--zone",
                "US-CAL-CISO",
                "--format",
                "json",
            ]
        )
        == 0
    )
    timed = json.loads(capsys.readouterr().out)
    assert timed["time_resolution"]["resolution"] == "hourly"
    assert timed["results"]["annual_average_operational_kgco2e"] > 0
    assert main(["greenest-window", "--zone", "FR", "--hours", "24"]) == 0
    assert "less than the average start" in capsys.readouterr().out
    assert main(["estimate", "--model", "no-such-model-anywhere", "--requests", "5"]) == 2


def test_release_leaves_out_emaps_hourly_rows(built_warehouse, tmp_path):
    warehouse = tmp_path / "warehouse"
    shutil.copytree(built_warehouse, warehouse)
    release = build_release(warehouse, "licence-test")
    hourly = pq.read_table(release.path / "grid_intensity_hourly.parquet").to_pandas()
    assert "emaps_hourly" not in set(hourly["source_id"]) and set(hourly["source_id"]) == {"oge_hourly_ba"}
    package = json.loads((release.path / "datapackage.json").read_text())
    resource = next(r for r in package["resources"] if r["name"] == "grid_intensity_hourly")
    assert resource["withheld"][0]["source_id"] == "emaps_hourly" and resource["withheld"][0]["rows"] == 105120
    assert "| grid_intensity_hourly | emaps_hourly | 105,120 |" in (release.path / "CHANGELOG.md").read_text()
    with duckdb.connect(str(warehouse / "aifootprint.duckdb"), read_only=True) as con:  # still usable locally
        assert (
            con.execute("select count(*) from grid_intensity_hourly where source_id = 'emaps_hourly'").fetchone()[0]
            == 105120
        )
