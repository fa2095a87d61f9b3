"""mlenergy_leaderboard: inference energy per configuration on the recorded leaderboard."""

import pytest

from conftest import real_source
from pipelines.sources import mlenergy_leaderboard

pytestmark = pytest.mark.integration


def test_mlenergy_energy_per_token_of_one_configuration():
    frame = mlenergy_leaderboard.parse_inference_energy(real_source("mlenergy_leaderboard")).set_index("measurement_id")
    assert len(frame) == 1858
    row = frame.loc["lm-arena-chat/Qwen/Qwen3-14B/B200x1/tp1-ep1-dp1/seqs8/bfloat16"]
    assert row.energy_j_per_token == pytest.approx(0.6993, abs=1e-4)
    assert row.energy_wh_per_request * 3600 == pytest.approx(430.11, abs=0.01)
    assert row.avg_power_w == pytest.approx(759.95, abs=0.01)
    llama = frame.loc["lm-arena-chat/meta-llama/Llama-3.1-8B-Instruct/H100x1/tp1-ep1-dp1/seqs8/bfloat16"]
    assert llama.energy_j_per_token == pytest.approx(0.455, abs=1e-3)
