"""ML.ENERGY leaderboard JSON: per-token and per-request energy, repeated runs, diffusion tasks."""

import json

import pytest

from conftest import fixture_source
from pipelines.assets.factory import with_provenance
from pipelines.errors import SourceFormatError
from pipelines.sources import mlenergy_leaderboard
from pipelines.validation import validate


def _parse(folder=None):
    raw = fixture_source("mlenergy_leaderboard", folder=folder)
    return validate(
        "inference_energy_measurements",
        with_provenance(mlenergy_leaderboard.parse_inference_energy(raw), raw),
        source_id="mlenergy_leaderboard",
    )


def test_llm_configuration_units():
    frame = _parse().set_index("measurement_id")
    row = frame.loc["lm-arena-chat/meta-llama/Llama-3.1-8B-Instruct/H100x1/tp1-ep1-dp1/seqs8/bfloat16"]
    assert row.energy_j_per_token == 0.455
    assert row.energy_wh_per_request == pytest.approx(177.0 / 3600)
    assert row.energy_kwh_per_1000_queries == pytest.approx(177.0 / 3600)
    assert (row.task, row.hardware, row.gpu_count, row.max_batch_size, row.measurement_scope) == (
        "chat",
        "H100",
        1,
        8,
        "gpu_only",
    )


def test_a_repeated_run_is_kept_as_second():
    ids = _parse()["measurement_id"].tolist()
    base = "lm-arena-chat/meta-llama/Llama-3.1-8B-Instruct/H100x1/tp1-ep1-dp1/seqs512/bfloat16"
    assert base in ids and base + "#2" in ids


def test_diffusion_energy_is_per_image():
    image = _parse().query("task == 'text_to_image'").iloc[0]
    assert image.request_unit == "image" and image.energy_wh_per_request == pytest.approx(342.0 / 3600)
    assert image.energy_j_per_token != image.energy_j_per_token  # NaN: no tokens for an image


def test_configuration_without_energy_is_refused(tmp_path):
    body = {
        "configurations": [
            {
                "model_id": "m",
                "gpu_model": "H100",
                "num_gpus": 1,
                "max_num_seqs": 8,
                "tensor_parallel": 1,
                "expert_parallel": 1,
                "data_parallel": 1,
                "avg_power_watts": 500,
                "energy_per_request_joules": None,
                "energy_per_token_joules": 0.1,
            }
        ]
    }
    (tmp_path / "task_lm-arena-chat.json").write_text(json.dumps(body))
    with pytest.raises(SourceFormatError, match="task_lm-arena-chat.json.*without a positive energy"):
        mlenergy_leaderboard.parse_inference_energy(fixture_source("mlenergy_leaderboard", folder=tmp_path))


def test_wrong_shape_is_refused(tmp_path):
    (tmp_path / "task_lm-arena-chat.json").write_text("[1, 2]")
    with pytest.raises(SourceFormatError, match="configurations"):
        mlenergy_leaderboard.parse_inference_energy(fixture_source("mlenergy_leaderboard", folder=tmp_path))
