"""Inference and time-resolved estimates on a fixture warehouse: the closest-configuration rule,
ranges over batches, the arithmetic by hand, fallbacks, bad input and the CLI."""

import json

import duckdb
import pandas as pd
import pytest
from test_footprint_warehouse import build_fixture_warehouse

from conftest import fixture_source
from pipelines import settings
from pipelines.archive import resolve_curated
from pipelines.assets.factory import with_provenance
from pipelines.cli import main
from pipelines.footprint import InvalidInputError
from pipelines.inference import UnknownModelError, estimate_inference, normalise_task
from pipelines.sources import (
    ai_energy_score,
    curated_inference,
    emaps_hourly,
    ember_monthly,
    mlenergy_leaderboard,
    oge_hourly_ba,
)
from pipelines.timeresolved import estimate_at, greenest_window
from pipelines.validation import validate
from pipelines.warehouse import DATABASE_NAME, apply_sql

ROW_J = {8: 177.0, 64: 47.0, 512: 28.0}  # ML.ENERGY fixture: J per request by batch limit (512 run twice: 28, 29)


def _frames():
    curated = resolve_curated(settings.curated_dir(), curated_inference.SOURCE)
    measurements = []
    for parse, raw in (
        (mlenergy_leaderboard.parse_inference_energy, fixture_source("mlenergy_leaderboard")),
        (ai_energy_score.parse_inference_energy, fixture_source("ai_energy_score")),
        (curated_inference.parse_disclosures, curated),
    ):
        measurements.append(with_provenance(parse(raw), raw))
    hourly = []
    for module, source_id in ((emaps_hourly, "emaps_hourly"), (oge_hourly_ba, "oge_hourly_ba")):
        raw = fixture_source(source_id)
        hourly.append(with_provenance(module.parse_grid_intensity_hourly(raw), raw))
    monthly_raw = fixture_source("ember_monthly")
    return {
        "inference_energy_measurements": validate("inference_energy_measurements", pd.concat(measurements)),
        "inference_overhead_factors": validate(
            "inference_overhead_factors", with_provenance(curated_inference.parse_overhead_factors(curated), curated)
        ),
        "grid_intensity_hourly": validate("grid_intensity_hourly", pd.concat(hourly)),
        "grid_intensity_monthly": validate(
            "grid_intensity_monthly",
            with_provenance(ember_monthly.parse_grid_intensity_monthly(monthly_raw), monthly_raw),
        ),
    }


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    folder = build_fixture_warehouse(tmp_path_factory.mktemp("inference_warehouse"))
    with duckdb.connect(str(folder / DATABASE_NAME)) as con:
        for name, frame in _frames().items():
            con.register("rows", frame)
            con.execute(f"create table {name} as select * from rows")
            con.unregister("rows")
        applied = apply_sql(con)
    assert {"13_grid_hourly.sql", "50_inference.sql"} <= set(applied), applied
    return folder


def _factor(warehouse):
    with duckdb.connect(str(warehouse / DATABASE_NAME), read_only=True) as con:
        return con.execute("select factor_low, factor_central, factor_high from inference_overhead_factors").fetchone()


def test_given_batch_takes_the_closest_measured_batch(warehouse):
    low, central, high = _factor(warehouse)
    result = estimate_inference(
        "llama 3.1 8b",
        task="chat",
        requests=1000,
        hardware="H100",
        batch=50,
        pue=1.25,
        intensity=400,
        warehouse=warehouse,
    )
    r = result.results
    gpu_kwh = 1000 * ROW_J[64] / 3600 / 1000  # 50 is closer to 64 than to 8 on a log scale
    assert r["gpu_energy_kwh_central"] == pytest.approx(gpu_kwh)
    assert (r["energy_kwh_low"], r["energy_kwh_central"], r["energy_kwh_high"]) == (
        pytest.approx(gpu_kwh * low * 1.25),
        pytest.approx(gpu_kwh * central * 1.25),
        pytest.approx(gpu_kwh * high * 1.25),
    )
    assert r["operational_kgco2e_central"] == pytest.approx(gpu_kwh * central * 1.25 * 400 / 1000)
    # Device time from the measured power (600 W on one GPU) and the fixture's 164 kgCO2e H100 over 4 years.
    device_hours = 1000 * ROW_J[64] / 600 / 3600
    assert r["embodied_kgco2e_central"] == pytest.approx(164 * device_hours / (4 * 8760))
    assert r["energy_wh_per_request_central"] == pytest.approx(ROW_J[64] / 3600 * central * 1.25)


def test_no_batch_spans_min_median_max(warehouse):
    r = estimate_inference("Llama-3.1-8B-Instruct", requests=3600, pue=1, intensity=0, warehouse=warehouse).results
    assert r["gpu_energy_kwh_low"] == pytest.approx(3600 * 28 / 3600 / 1000)
    assert r["gpu_energy_kwh_central"] == pytest.approx(3600 * ((29 + 47) / 2) / 3600 / 1000)
    assert r["gpu_energy_kwh_high"] == pytest.approx(3600 * 177 / 3600 / 1000)


def test_tokens_use_energy_per_token(warehouse):
    r = estimate_inference("llama 3.1 8b", tokens=1e6, batch=8, pue=1, intensity=100, warehouse=warehouse).results
    assert r["gpu_energy_kwh_central"] == pytest.approx(1e6 * 0.455 / 3600 / 1000)
    assert r["energy_wh_per_1000_tokens_central"] == pytest.approx(1000 * 0.455 / 3600 * _factor(warehouse)[1])


def test_parameter_count_picks_the_closest_model(warehouse):
    result = estimate_inference(params_billions=7, requests=1, pue=1, intensity=1, warehouse=warehouse)
    model = next(i for i in result.inputs if i.name == "model")
    assert (
        model.value == "meta-llama/Llama-3.1-8B-Instruct"
        and "closest measured model by parameter count" in model.source
    )


def test_default_intensity_and_pue_come_from_the_warehouse(warehouse):
    result = estimate_inference("llama 3.1 8b", requests=1, batch=8, zone="FRA", warehouse=warehouse)
    inputs = {i.name: i for i in result.inputs}
    assert inputs["intensity"].value == pytest.approx(78.55024) and inputs["intensity"].source_id == "owid_energy"
    assert inputs["pue"].value == 1.56 and inputs["pue"].origin == "default"


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(model="gpt-17", requests=1), "no measured model matches 'gpt-17'"),
        (dict(model="llama 3.1 8b", requests=1, hardware="A100"), "not measured on 'A100'"),
        (dict(model="llama 3.1 8b"), "give requests or tokens"),
        (dict(model="llama 3.1 8b", requests=-5), "requests must be > 0"),
        (dict(model="llama 3.1 8b", requests=1, pue=0.5), "pue must be >= 1"),
        (dict(model="Meta-Llama-3.1-8B", task="text-generation", tokens=100), "with energy per token"),
        (dict(model="llama 3.1 8b", task="poetry", requests=1), "unknown task 'poetry'"),
        (dict(model="llama 3.1 8b", requests=1, zone="Atlantis"), "unknown zone 'Atlantis'"),
    ],
)
def test_bad_input_is_one_message(warehouse, kwargs, message):
    with pytest.raises(InvalidInputError, match=message):
        estimate_inference(warehouse=warehouse, **kwargs)


def test_unknown_model_names_the_closest(warehouse):
    with pytest.raises(UnknownModelError) as caught:
        estimate_inference("llama-3.1-8b-instruct-xl", requests=1, warehouse=warehouse)
    assert "meta-llama/Llama-3.1-8B-Instruct" in caught.value.suggestions


def test_task_aliases():
    assert normalise_task("Code") == "code_completion" and normalise_task(None) == "chat"
    assert normalise_task("text_to_image") == "text_to_image"


def test_time_resolved_uses_the_exact_hours(warehouse):
    result = estimate_at("H100 SXM", 2, 2, "2021-03-14T09:00Z", "us-cal-ciso", pue=1.5, warehouse=warehouse)
    hourly = [576.5 * 0.453592, 586.0 * 0.453592]  # the two UTC hours across California's clock change
    energy_per_hour = 2 * 700 * 1.5 / 1000
    assert result.window.resolution == "hourly" and result.window.basis == "direct"
    assert result.estimate.operational_kgco2e == pytest.approx(sum(energy_per_hour * g / 1000 for g in hourly))
    assert result.window.zone_id == "US-CAL-CISO"


def test_time_resolved_falls_back_and_says_why(warehouse):
    # DEU 02:00 for 3 hours crosses the fixture's missing 03:00; Ember's fixture months are 2025 only,
    # and the fixture's annual table has no DEU: nothing covers it.
    with pytest.raises(InvalidInputError, match="no grid intensity for DEU.*does not cover the job"):
        estimate_at("H100 SXM", 1, 3, "2023-01-01T02:00Z", "DE", warehouse=warehouse)
    monthly = estimate_at("H100 SXM", 1, 8, "2025-03-31T20:00Z", "Germany", warehouse=warehouse)
    assert monthly.window.resolution == "monthly"
    assert monthly.window.gco2e_per_kwh == pytest.approx((370.1 + 361.174) / 2)
    annual = estimate_at("H100 SXM", 1, 8, "2022-06-01T00:00Z", "FRA", warehouse=warehouse)
    assert annual.window.resolution == "annual" and annual.window.gco2e_per_kwh == pytest.approx(78.55024)


@pytest.mark.parametrize("start, message", [("yesterday-ish", "not an ISO date-time"), ("", "not an ISO")])
def test_bad_start(warehouse, start, message):
    with pytest.raises(InvalidInputError, match=message):
        estimate_at("H100 SXM", 1, 1, start, "FRA", warehouse=warehouse)


def test_greenest_window_needs_an_hourly_zone(warehouse):
    with pytest.raises(InvalidInputError, match="no hourly series for FRA"):
        greenest_window("FRA", 2, warehouse=warehouse)
    with pytest.raises(InvalidInputError, match="whole number"):
        greenest_window("DE", 2.5, warehouse=warehouse)


def test_cli(warehouse, monkeypatch, capsys):
    monkeypatch.setenv("AIFOOTPRINT_WAREHOUSE", str(warehouse))
    assert main(["estimate", "--model", "llama 3.1 8b", "--requests", "1000", "--zone", "FRA"]) == 0
    out = capsys.readouterr().out
    assert "total emissions" in out and "gpu_to_server_factor" in out
    assert main(["estimate", "--params-b", "8", "--requests", "10", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["results"]["energy_kwh_central"] > 0
    assert main(["estimate", "--model", "llama 3.1 8b", "--requests", "10", "--count", "3"]) == 2
    assert "drop --count" in capsys.readouterr().err
    assert (
        main(
            [
                "estimate",
                "--hardware",
                "H100 SXM",
                "--count",
                "1",
                "--hours",
                "2",
                "--start",
                "2021-03-14T09:00Z",
                "--zone",
                "US-CAL-CISO",
            ]
        )
        == 0
    )
    assert "hourly resolution" in capsys.readouterr().out
    assert main(["estimate", "--hardware", "H100 SXM", "--count", "1", "--start", "2021-03-14T09:00Z"]) == 2
    assert main(["greenest-window", "--zone", "US-CAL-CISO", "--hours", "1", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["zone_id"] == "US-CAL-CISO"
    assert main(["greenest-window", "--zone", "Narnia", "--hours", "1"]) == 2


def test_a_jobs_file_mixes_training_inference_and_start_rows(warehouse, tmp_path, monkeypatch, capsys):
    jobs = tmp_path / "jobs.csv"
    jobs.write_text(
        "job,hardware,count,hours,zone,model,requests,start,pue\n"
        "train,H100 SXM,2,2,US-CAL-CISO,,,2021-03-14T09:00Z,1.5\n"
        "plain,H100 SXM,1,10,FRA,,,,\n"
        "chat,,,,FRA,llama 3.1 8b,1000,,\n"
        "bad-model,,,,FRA,gpt-17,5,,\n"
        "bad-count,H100 SXM,0,1,FRA,,,,\n"
    )
    out = tmp_path / "out.parquet"
    monkeypatch.setenv("AIFOOTPRINT_WAREHOUSE", str(warehouse))
    assert main(["estimate", "--jobs", str(jobs), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "line 5: no measured model matches 'gpt-17'" in err and "line 6: count must be > 0" in err
    assert not out.exists()
    assert main(["estimate", "--jobs", str(jobs), "--out", str(out), "--skip-invalid"]) == 0
    frame = pd.read_parquet(out).set_index("job")
    assert list(frame.index) == ["train", "plain", "chat"]
    assert frame.loc["train", "job_kind"] == "training" and frame.loc["train", "intensity_resolution"] == "hourly"
    hourly = [576.5 * 0.453592, 586.0 * 0.453592]
    assert frame.loc["train", "operational_kgco2e"] == pytest.approx(
        sum(2 * 700 * 1.5 / 1000 * g / 1000 for g in hourly)
    )
    assert frame.loc["plain", "gco2e_per_kwh"] == pytest.approx(78.55024)
    alone = estimate_inference("llama 3.1 8b", requests=1000, zone="FRA", warehouse=warehouse).results
    assert frame.loc["chat", "job_kind"] == "inference"
    assert frame.loc["chat", "total_kgco2e"] == pytest.approx(alone["total_kgco2e_central"])
    assert frame.loc["chat", "total_kgco2e_high"] == pytest.approx(alone["total_kgco2e_high"])


@pytest.mark.parametrize(
    "zone, start, hours, basis",
    [
        ("US-CAL-CISO", "2021-03-14T09:00Z", 2, "direct"),
        ("DEU", "2025-03-31T20:00Z", 8, "lifecycle"),
        ("FRA", "2022-06-01T00:00Z", 8, "lifecycle"),
    ],
)
def test_sql_form_of_the_time_resolved_intensity_agrees_with_python(warehouse, zone, start, hours, basis):
    from pipelines.timeresolved import intensity_over, parse_start

    with duckdb.connect(str(warehouse / DATABASE_NAME), read_only=True) as con:
        sql = con.execute(
            "select resolution, gco2e_per_kwh, source_id from grid_intensity_over(?, ?::timestamptz, ?, ?)",
            [zone, parse_start(start).isoformat(), hours, basis],
        ).fetchone()
        python = intensity_over(con, zone, parse_start(start), hours, basis if zone == "US-CAL-CISO" else None)
    assert sql == (python.resolution, pytest.approx(python.gco2e_per_kwh), python.source_id)
