"""ai_energy_score: inference energy rows on the recorded AI Energy Score files."""

import pytest

from conftest import real_source
from pipelines.sources import ai_energy_score

pytestmark = pytest.mark.integration


def test_ai_energy_score_rows():
    frame = ai_energy_score.parse_inference_energy(real_source("ai_energy_score")).set_index("measurement_id")
    assert len(frame) == 166
    assert frame.loc["text_generation/meta-llama/Meta-Llama-3.1-8B", "energy_kwh_per_1000_queries"] == 0.017376263
    assert (
        frame.loc["image_generation/stabilityai/stable-diffusion-xl-base-1.0", "energy_wh_per_request"] == 1.639845472
    )
    assert frame.loc["asr/openai/whisper-large-v3", "energy_score_stars"] == 1
